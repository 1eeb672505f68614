# nvmwatchd: the daemon. libevent and libsystemd are linked here only.
add_executable(nvmwatchd
	nvmwatchd.c
	exporter.c
	listen.c
	log.c
	output.c
	sink.c
	stats.c
	syslog_in.c
)
target_link_libraries(nvmwatchd PRIVATE
	nvmwatch PkgConfig::LIBEVENT PkgConfig::SYSTEMD)
install(TARGETS nvmwatchd DESTINATION ${CMAKE_INSTALL_SBINDIR})
