# nvmwatch: the operator's tool (decode, send). Built as target nvmwatch_tool
# because the library target is already called nvmwatch; the binary is
# named nvmwatch.
#
# decode needs lib/ipfix.c; until the library lists it, the tool is built
# without decode (the subcommand then says so).
file(READ ${CMAKE_CURRENT_SOURCE_DIR}/../lib/CMakeLists.txt _nvmwatch_lib)
string(FIND "${_nvmwatch_lib}" "ipfix.c" _nvmwatch_has_ipfix)
add_executable(nvmwatch_tool nvmwatch.c send.c)
if(_nvmwatch_has_ipfix GREATER -1)
	target_sources(nvmwatch_tool PRIVATE decode.c)
	set(NVMWATCH_HAVE_DECODE ON CACHE INTERNAL "nvmwatch decode is built")
else()
	target_compile_definitions(nvmwatch_tool PRIVATE NVMWATCH_NO_DECODE)
	set(NVMWATCH_HAVE_DECODE OFF CACHE INTERNAL "nvmwatch decode is built")
endif()
set_target_properties(nvmwatch_tool PROPERTIES OUTPUT_NAME nvmwatch)
target_link_libraries(nvmwatch_tool PRIVATE nvmwatch)
install(TARGETS nvmwatch_tool DESTINATION ${CMAKE_INSTALL_BINDIR})
