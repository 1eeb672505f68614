# The man pages in docs/ must lint clean (mandoc -T lint, warnings are errors).
find_program(MANDOC mandoc)
if(MANDOC)
	file(GLOB NVMWATCH_MANPAGES ${PROJECT_SOURCE_DIR}/docs/*.[1-8])
	add_test(NAME docs.manlint
		COMMAND ${MANDOC} -T lint -W warning ${NVMWATCH_MANPAGES})
	set_tests_properties(docs.manlint PROPERTIES LABELS docs)
endif()
