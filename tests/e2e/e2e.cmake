# End-to-end tests: the real nvmwatchd on loopback, fed by nvmwatch send.
# Each script gets the two programs and a scratch directory.
set(NVMWATCH_E2E_DIR ${CMAKE_CURRENT_BINARY_DIR}/e2e-scratch)

# The tool's target is nvmwatch_tool (the library is nvmwatch); tests that
# need it fail plainly when it is not built.
if(TARGET nvmwatch_tool)
	set(NVMWATCH_E2E_TOOL $<TARGET_FILE:nvmwatch_tool>)
else()
	set(NVMWATCH_E2E_TOOL ${CMAKE_BINARY_DIR}/daemon/nvmwatch)
endif()

function(nvmwatch_e2e name seconds)
	add_test(NAME e2e.${name}
		COMMAND timeout ${seconds} bash
			${CMAKE_CURRENT_SOURCE_DIR}/e2e/${name}.sh
			$<TARGET_FILE:nvmwatchd> ${NVMWATCH_E2E_TOOL}
			${NVMWATCH_E2E_DIR})
	set_tests_properties(e2e.${name} PROPERTIES
		LABELS e2e TIMEOUT ${seconds} SKIP_RETURN_CODE 77)
endfunction()

if(TARGET nvmwatchd)
	nvmwatch_e2e(daemon_udp 120)
	nvmwatch_e2e(daemon_tcp 120)
	nvmwatch_e2e(daemon_denied 90)
	nvmwatch_e2e(daemon_badconfig 60)
	nvmwatch_e2e(daemon_garbage 90)
	nvmwatch_e2e(daemon_drops 90)
	nvmwatch_e2e(daemon_limits 90)
	nvmwatch_e2e(daemon_valgrind 300)
	nvmwatch_e2e(daemon_alerts 120)
	nvmwatch_e2e(daemon_syslog 120)
	nvmwatch_e2e(check_rules 60)
	nvmwatch_e2e(daemon_rotate 90)
	nvmwatch_e2e(daemon_notify 60)
	nvmwatch_e2e(daemon_reload 120)
	nvmwatch_e2e(reload_drain 60)
	nvmwatch_e2e(daemon_socket_activation 90)
	nvmwatch_e2e(daemon_control 120)
	nvmwatch_e2e(sinks_rsyslog 120)
	nvmwatch_e2e(sinks_more 120)
	nvmwatch_e2e(sinks_tls 120)
	nvmwatch_e2e(daemon_metrics 90)
	# The installed tree: needs the build directory for cmake --install.
	add_test(NAME e2e.systemd_units
		COMMAND timeout 120 bash
			${CMAKE_CURRENT_SOURCE_DIR}/e2e/systemd_units.sh
			$<TARGET_FILE:nvmwatchd> ${NVMWATCH_E2E_TOOL}
			${NVMWATCH_E2E_DIR} ${CMAKE_BINARY_DIR})
	set_tests_properties(e2e.systemd_units PROPERTIES
		LABELS e2e TIMEOUT 120 SKIP_RETURN_CODE 77)
endif()
