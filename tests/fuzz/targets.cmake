# One line per fuzz target: nvmwatch_fuzz(<name>) for tests/fuzz/fuzz_<name>.c
nvmwatch_fuzz(ipfix)
nvmwatch_fuzz(config)
nvmwatch_fuzz(spl)
nvmwatch_fuzz(rule)
nvmwatch_fuzz(collector)
# The daemon's syslog framing: built from its sources in daemon/.
nvmwatch_fuzz(syslog)
target_sources(fuzz_syslog PRIVATE ${CMAKE_SOURCE_DIR}/daemon/syslog_in.c
	${CMAKE_SOURCE_DIR}/daemon/log.c)
target_include_directories(fuzz_syslog PRIVATE ${CMAKE_SOURCE_DIR}/daemon)
nvmwatch_fuzz(control)
