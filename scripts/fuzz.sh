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
failed=0
for t in "$build"/tests/fuzz_*; do
	[ -x "$t" ] || continue
	name=$(basename "$t")
	corpus=tests/fuzz/corpus/${name#fuzz_}
	work=$(mktemp -d)
	[ -d "$corpus" ] && cp -r "$corpus"/. "$work"/
	echo "fuzz: $name for ${secs}s"
	rc=0
	"$t" -max_total_time="$secs" -rss_limit_mb=2048 -print_final_stats=1 \
		-artifact_prefix="$build/$name-" "$work" >"$build/$name.log" 2>&1 || rc=$?
	rm -rf "$work"
	if [ "$rc" -ne 0 ]; then
		# A crash, leak or timeout is a bug: show it and fail.
		tail -n 60 "$build/$name.log"
		echo "fuzz: $name FAILED (exit $rc); reproducer in $build/$name-*"
		failed=1
	else
		grep -E '^stat::(number_of_executed_units|new_units_added)' \
			"$build/$name.log" || true
	fi
done
exit "$failed"
