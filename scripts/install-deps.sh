#!/bin/sh
# Install the Debian 12 packages that nvmwatch needs to build, test and fuzz.
# Run as root (or through sudo). Safe to run again.
set -eu

PACKAGES="
	build-essential cmake pkg-config
	libevent-dev libfixbuf-dev libglib2.0-dev libyaml-dev libsystemd-dev check
	libjansson-dev
	libssl-dev zlib1g-dev
	clang libclang-rt-14-dev
	valgrind mandoc python3 python3-prometheus-client iproute2 procps
	rsyslog rsyslog-openssl
"

if [ "$(id -u)" -ne 0 ]; then
	exec sudo "$0" "$@"
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update
# shellcheck disable=SC2086
apt-get install -y --no-install-recommends $PACKAGES
