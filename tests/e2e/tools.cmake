# End-to-end tests of the operator's tool (nvmwatch decode, send, replay).
if(TARGET nvmwatch_tool)
	add_test(NAME e2e.decode_capture
		COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/e2e/decode_capture.sh
			$<TARGET_FILE:nvmwatch_tool> ${NVMWATCH_TEST_DATA})
	add_test(NAME e2e.send_roundtrip
		COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/e2e/send_roundtrip.sh
			$<TARGET_FILE:nvmwatch_tool>)
	add_test(NAME e2e.replay_seed
		COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/e2e/replay_seed.sh
			$<TARGET_FILE:nvmwatch_tool> ${CMAKE_SOURCE_DIR}/conf
			${NVMWATCH_TEST_DATA})
	add_test(NAME e2e.replay_collector
		COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/e2e/replay_collector.sh
			$<TARGET_FILE:nvmwatch_tool> ${CMAKE_SOURCE_DIR}/conf
			${NVMWATCH_TEST_DATA})
	set_tests_properties(e2e.decode_capture e2e.send_roundtrip
		e2e.replay_seed e2e.replay_collector PROPERTIES LABELS e2e
		TIMEOUT 120)
endif()
