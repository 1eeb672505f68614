# libFuzzer targets: tests/fuzz/fuzz_<name>.c, built with clang only.
add_custom_target(fuzz_all)
function(nvmwatch_fuzz name)
	add_executable(fuzz_${name} fuzz/fuzz_${name}.c)
	target_compile_options(fuzz_${name} PRIVATE -fsanitize=fuzzer,address,undefined)
	target_link_options(fuzz_${name} PRIVATE -fsanitize=fuzzer,address,undefined)
	target_link_libraries(fuzz_${name} PRIVATE nvmwatch)
	add_dependencies(fuzz_all fuzz_${name})
endfunction()
# The library itself is instrumented for coverage when fuzzing.
target_compile_options(nvmwatch PRIVATE -fsanitize=fuzzer-no-link,address,undefined)
include(fuzz/targets.cmake)
