# nvmwatch: the operator's tool (decode, send). The target is nvmwatch_tool
# because the library target is already called nvmwatch; the binary is
# named nvmwatch. Test scripts get it as $<TARGET_FILE:nvmwatch_tool>.
add_executable(nvmwatch_tool nvmwatch.c check.c ctl.c decode.c replay.c send.c)
set_target_properties(nvmwatch_tool PROPERTIES OUTPUT_NAME nvmwatch)
# zlib: replay reads gzip-compressed inputs.
target_link_libraries(nvmwatch_tool PRIVATE nvmwatch PkgConfig::ZLIB)
install(TARGETS nvmwatch_tool DESTINATION ${CMAKE_INSTALL_BINDIR})
