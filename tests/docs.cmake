# The man pages in docs/ must lint clean (mandoc -T lint, warnings are errors):
# nvmwatch.1, nvmwatch-rules.5, nvmwatch.yaml.5, nvmwatchd.8 and any page
# added later. CONFIGURE_DEPENDS re-runs the glob at build time, so a new page
# is linted without a fresh cmake run.
find_program(MANDOC mandoc)
if(MANDOC)
	file(GLOB NVMWATCH_MANPAGES CONFIGURE_DEPENDS
		${PROJECT_SOURCE_DIR}/docs/*.[1-8])
	add_test(NAME docs.manlint
		COMMAND ${MANDOC} -T lint -W warning ${NVMWATCH_MANPAGES})
	set_tests_properties(docs.manlint PROPERTIES LABELS docs)
endif()
