# One line per lib/ module that has a Check suite.
nvmwatch_check(arena)
nvmwatch_check(buf)
nvmwatch_check(field)
nvmwatch_check(record)
nvmwatch_check(enrich)
nvmwatch_check(cidr)
nvmwatch_check(ipfix)
nvmwatch_check(config)
nvmwatch_check(nvmgen)
nvmwatch_check(ipfix_export)
nvmwatch_check(spl)
nvmwatch_check(row)
nvmwatch_check(window)
nvmwatch_check(rule)
target_compile_definitions(check_rule PRIVATE NVMWATCH_CONF_DIR="${CMAKE_SOURCE_DIR}/conf")
# Splunk's detection content for the conformance test is third-party and
# not copied into the project: it is read from a directory given at
# configure time (.ci/run passes ../shared/escu); without one, unit.escu is
# skipped and says so.
set(NVMWATCH_ESCU_DIR "" CACHE PATH "Splunk detection content (security_content layout) for conformance tests")
nvmwatch_check(escu)
set_tests_properties(unit.escu PROPERTIES SKIP_RETURN_CODE 77 ENVIRONMENT "CK_DEFAULT_TIMEOUT=60;NVMWATCH_ESCU_DIR=${NVMWATCH_ESCU_DIR}")
nvmwatch_check(engine)
target_compile_definitions(check_engine PRIVATE
	NVMWATCH_CONF_DIR="${CMAKE_SOURCE_DIR}/conf")
nvmwatch_check(yamldoc)
nvmwatch_check(num)
nvmwatch_check(collector)
nvmwatch_check(alert_fmt)
nvmwatch_check(statsfmt)
# The daemon's counter tables are checked as metrics too: stats.c needs
# only the daemon's headers (offsetof), not its libraries.
target_sources(check_statsfmt PRIVATE ${CMAKE_SOURCE_DIR}/daemon/stats.c)
target_include_directories(check_statsfmt PRIVATE ${CMAKE_SOURCE_DIR}/daemon)
nvmwatch_check(ctlproto)
