#!/bin/sh
# Build nvmwatch with warnings as errors and run the whole test suite
# (Check units and end-to-end tests). Extra arguments go to cmake.
set -eu
cd "$(dirname "$0")/.."
build=${BUILD_DIR:-build}
cmake -S . -B "$build" -DNVMWATCH_WERROR=ON "$@"
cmake --build "$build" -j "$(nproc)"
cd "$build"
ctest --output-on-failure -j "$(nproc)"
