# End-to-end tests of the operator's tool (nvmwatch decode / send).
if(TARGET nvmwatch_tool)
	add_test(NAME e2e.decode_capture
		COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/e2e/decode_capture.sh
			$<TARGET_FILE:nvmwatch_tool> ${NVMWATCH_TEST_DATA})
	add_test(NAME e2e.send_roundtrip
		COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/e2e/send_roundtrip.sh
			$<TARGET_FILE:nvmwatch_tool>)
	set_tests_properties(e2e.decode_capture e2e.send_roundtrip
		PROPERTIES LABELS e2e TIMEOUT 120)
endif()
