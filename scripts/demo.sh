#!/bin/sh
# The README's first command: install the build dependencies, build nvmwatch,
# and run it on the bundled defaults. Until the detection engine lands this
# decodes the bundled NVM export (conf/samples/nvm-capture.ipfix: real bytes
# from an endpoint) and prints each record as JSON with Splunk field names.
set -eu
cd "$(dirname "$0")/.."
./scripts/install-deps.sh >/dev/null
cmake -S . -B build >/dev/null
cmake --build build -j "$(nproc)" >/dev/null
echo "== nvmwatch decode conf/samples/nvm-capture.ipfix" >&2
./build/daemon/nvmwatch decode conf/samples/nvm-capture.ipfix
