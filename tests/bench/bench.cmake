# Benchmarks print figures; they are not tests. `cmake --build build --target bench`
# builds them; tests/bench/README.md says how to run them.
add_executable(bench_decode bench/bench_decode.c)
target_link_libraries(bench_decode PRIVATE nvmwatch)
add_executable(bench_engine bench/bench_engine.c)
target_link_libraries(bench_engine PRIVATE nvmwatch)
target_compile_definitions(bench_engine PRIVATE
	NVMWATCH_CONF_DIR="${CMAKE_SOURCE_DIR}/conf")
add_custom_target(bench DEPENDS bench_decode bench_engine)
