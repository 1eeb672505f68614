# nvmwatchd: the daemon. libevent, OpenSSL (remote TLS sinks) and
# libsystemd are linked here only.
add_executable(nvmwatchd
	nvmwatchd.c
	control.c
	reload.c
	exporter.c
	listen.c
	log.c
	metrics.c
	output.c
	rules_list.c
	sink.c
	stats.c
	syslog_in.c
)
target_link_libraries(nvmwatchd PRIVATE
	nvmwatch PkgConfig::LIBEVENT PkgConfig::LIBEVENT_OPENSSL
	PkgConfig::OPENSSL PkgConfig::SYSTEMD)
install(TARGETS nvmwatchd DESTINATION ${CMAKE_INSTALL_SBINDIR})
