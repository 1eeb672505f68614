#!/bin/sh
# UDP end to end: nvmwatch send -> loopback UDP -> nvmwatchd -> records file.
# Prints records/s as received and written by the daemon, and what was lost
# (kernel receive drops, sequence gaps). Loopback only; bounded in time.
#
# usage: bench_udp.sh BUILD_DIR [FLOWS] [RATE] [FORMAT]
#   RATE 0 = as fast as possible; FORMAT ipfix (default), or kv or json for
#   the NVM collector's syslog lines into a format: syslog listener.
set -eu
build=${1:?usage: bench_udp.sh BUILD_DIR [FLOWS] [RATE] [FORMAT]}
flows=${2:-200000}
rate=${3:-0}
format=${4:-ipfix}
listen_format=ipfix
[ "$format" = ipfix ] || listen_format=syslog
nvmwatchd=$build/daemon/nvmwatchd
nvmwatch=$build/daemon/nvmwatch
work=$(mktemp -d)
trap 'kill "$pid" 2>/dev/null || true; rm -rf "$work"' EXIT
port=$((20000 + $$ % 20000))

cat >"$work/bench.yaml" <<YAML
listen:
  - proto: udp
    format: $listen_format
    address: "127.0.0.1"
    port: $port
allow: [127.0.0.0/8]
udp:
  receive_buffer: 64M
  batch: 256
records:
  file: $work/records.jsonl
  format: full
log:
  level: info
YAML

"$nvmwatchd" -d -f "$work/bench.yaml" 2>"$work/daemon.log" &
pid=$!
i=0
until grep -q "listening" "$work/daemon.log" 2>/dev/null || [ $i -ge 100 ]; do
	sleep 0.05; i=$((i + 1))
done

start=$(date +%s.%N)
"$nvmwatch" send -u "127.0.0.1:$port" -n "$flows" -e 50 -s 1 -r "$rate" \
	--format "$format" \
	2>"$work/send.log"
expected=$(( flows + 100 ))
# Wait until the daemon has written everything or stops making progress.
last=-1; n=0; i=0
while [ $i -lt 600 ]; do
	n=$(wc -l <"$work/records.jsonl" 2>/dev/null || echo 0)
	[ "$n" -ge "$expected" ] && break
	[ "$n" -eq "$last" ] && [ $i -gt 20 ] && break
	last=$n; sleep 0.1; i=$((i + 1))
done
end=$(date +%s.%N)
cpu=$(awk '{ printf "%.2f", ($14 + $15) / 100 }' "/proc/$pid/stat")
kill -TERM "$pid"; wait "$pid" || true
stats=$(grep -o 'stats:.*' "$work/daemon.log" | tail -n 1)
get() { echo "$stats" | tr ' ' '\n' | sed -n "s/^$1=//p"; }
echo "send:   $(tail -n 1 "$work/send.log")"
awk -v n="$n" -v cpu="$cpu" -v e="$expected" -v s="$start" -v t="$end" \
    -v drops="$(get udp_kernel_drops)" -v gaps="$(get seq_gaps)" 'BEGIN {
	printf "udp e2e: %d of %d records written in %.2f s: %.0f records/s; " \
	    "kernel drops %d datagrams, sequence gaps %d records\n",
	    n, e, t - s, n / (t - s), drops, gaps
	printf "daemon: %.2f s of CPU: %.0f records per CPU second\n",
	    cpu, n / cpu }'
