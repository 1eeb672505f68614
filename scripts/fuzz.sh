#!/bin/sh
# Build the libFuzzer targets with clang and run each for a few seconds
# (default 15) from its seed corpus. Usage: scripts/fuzz.sh [SECONDS]
set -eu
cd "$(dirname "$0")/.."
secs=${1:-15}
build=${FUZZ_BUILD_DIR:-build-fuzz}
CC=clang cmake -S . -B "$build" -DNVMWATCH_FUZZ=ON -DNVMWATCH_WERROR=ON \
	-DNVMWATCH_TESTS=ON -DCMAKE_BUILD_TYPE=Debug >/dev/null
cmake --build "$build" -j "$(nproc)" --target fuzz_all
for t in "$build"/tests/fuzz_*; do
	[ -x "$t" ] || continue
	name=$(basename "$t")
	corpus=tests/fuzz/corpus/${name#fuzz_}
	work=$(mktemp -d)
	[ -d "$corpus" ] && cp -r "$corpus"/. "$work"/
	echo "fuzz: $name for ${secs}s"
	"$t" -max_total_time="$secs" -rss_limit_mb=2048 -print_final_stats=1 \
		"$work" 2>&1 | tail -n 3
	rm -rf "$work"
done
