# install.cmake - what `cmake --install` puts where, besides the binaries
# (installed by their own targets): the example config, rules and macros,
# the logrotate snippet, the systemd units, sysusers.d and tmpfiles.d, and
# the man pages. Included from the top-level CMakeLists.txt after
# GNUInstallDirs.

# systemd's own directories when its pkg-config file says so (absolute,
# e.g. /lib/systemd/system); otherwise under the prefix. Both go under
# DESTDIR.
set(NVMWATCH_UNITDIR "" CACHE PATH
	"systemd system unit directory (empty: ask pkg-config systemd)")
set(NVMWATCH_SYSUSERSDIR "" CACHE PATH
	"sysusers.d directory (empty: ask pkg-config systemd)")
set(NVMWATCH_TMPFILESDIR "" CACHE PATH
	"tmpfiles.d directory (empty: ask pkg-config systemd)")

function(nvmwatch_systemd_dir out var fallback)
	if(${out})
		return()
	endif()
	set(dir "")
	if(PKG_CONFIG_FOUND)
		pkg_get_variable(dir systemd ${var})
	endif()
	if(NOT dir)
		set(dir ${CMAKE_INSTALL_PREFIX}/${fallback})
	endif()
	set(${out} ${dir} PARENT_SCOPE)
endfunction()

nvmwatch_systemd_dir(NVMWATCH_UNITDIR systemdsystemunitdir lib/systemd/system)
nvmwatch_systemd_dir(NVMWATCH_SYSUSERSDIR sysusersdir lib/sysusers.d)
nvmwatch_systemd_dir(NVMWATCH_TMPFILESDIR tmpfilesdir lib/tmpfiles.d)

set(NVMWATCH_CONFDIR ${CMAKE_INSTALL_FULL_SYSCONFDIR}/nvmwatch)

install(FILES conf/nvmwatch.yaml DESTINATION ${NVMWATCH_CONFDIR})
install(DIRECTORY conf/rules/ DESTINATION ${NVMWATCH_CONFDIR}/rules
	FILES_MATCHING PATTERN "*.yml" PATTERN "*.yaml")
install(DIRECTORY conf/macros/ DESTINATION ${NVMWATCH_CONFDIR}/macros
	FILES_MATCHING PATTERN "*.yml" PATTERN "*.yaml")
install(FILES conf/logrotate.d/nvmwatch
	DESTINATION ${CMAKE_INSTALL_FULL_SYSCONFDIR}/logrotate.d)

configure_file(systemd/nvmwatchd.service.in
	${CMAKE_CURRENT_BINARY_DIR}/systemd/nvmwatchd.service @ONLY)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/systemd/nvmwatchd.service
	systemd/nvmwatchd.socket
	DESTINATION ${NVMWATCH_UNITDIR})
install(FILES systemd/sysusers.d/nvmwatch.conf
	DESTINATION ${NVMWATCH_SYSUSERSDIR})
install(FILES systemd/tmpfiles.d/nvmwatch.conf
	DESTINATION ${NVMWATCH_TMPFILESDIR})

foreach(section 1 5 8)
	file(GLOB pages ${CMAKE_CURRENT_SOURCE_DIR}/docs/*.${section})
	if(pages)
		install(FILES ${pages}
			DESTINATION ${CMAKE_INSTALL_MANDIR}/man${section})
	endif()
endforeach()
