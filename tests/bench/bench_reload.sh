#!/bin/bash
# bench_reload.sh BUILD_DIR [RULES] [FLOWS] [ROUNDS] - how long a reload
# takes, and whether memory grows with reloads.
#
# nvmwatchd runs RULES copies of the shipped seed rule (each its own file)
# on loopback; FLOWS generated flows (a fifth of them triggering) open
# groups in every copy. Then `nvmwatch reload` is timed ROUNDS times with
# nothing changed (every rule kept with its windows), and ROUNDS times with
# one rule file changed (that rule recompiled, its groups flushed). The
# figures are wall time of the whole command (connect, reload, answer),
# and the daemon's resident memory before and after. Loopback only; every
# wait is bounded.
set -eu
BUILD=${1:?usage: bench_reload.sh BUILD_DIR [RULES] [FLOWS] [ROUNDS]}
RULES=${2:-100}
FLOWS=${3:-20000}
ROUNDS=${4:-10}
NVMWATCHD=$BUILD/daemon/nvmwatchd
NVMWATCH=$BUILD/daemon/nvmwatch
CONF=$(cd "$(dirname "$0")/../../conf" && pwd)
T=$(mktemp -d /tmp/nvmbench.XXXXXX)
PID=
cleanup() {
	[ -n "$PID" ] && kill "$PID" 2>/dev/null && wait "$PID" 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
mkdir "$T/rules"
seed=$(ls "$CONF"/rules/*.yml | head -n 1)
for i in $(seq 1 "$RULES"); do
	cp "$seed" "$T/rules/seed_$i.yml"
done
cat >"$T/nvmwatch.yaml" <<EOF
listen:
  - proto: udp
    address: "127.0.0.1"
    port: $port
rules:
  directory: rules
  macros: $CONF/macros
alerts:
  file: $T/alerts.jsonl
control:
  path: $T/ctl.sock
EOF
"$NVMWATCHD" -d -f "$T/nvmwatch.yaml" >"$T/daemon.log" 2>&1 &
PID=$!
for _ in $(seq 1 100); do
	[ -S "$T/ctl.sock" ] && grep -q started "$T/daemon.log" && break
	sleep 0.1
done
"$NVMWATCH" send -u "127.0.0.1:$port" -n "$FLOWS" -e 50 -s 1 \
    --trigger-share 0.2 -r 20000 --start "$(date +%s)" --duration 60 \
    2>/dev/null
sleep 1
groups() {
	"$NVMWATCH" rules -j -s "$T/ctl.sock" | python3 -c '
import json, sys
r = json.load(sys.stdin)
print(sum(x["groups_live"] or 0 for x in r), sum(x["bytes_live"] or 0 for x in r))'
}
rss() {
	sed -n 's/^VmRSS:[[:space:]]*//p' "/proc/$PID/status"
}
read -r g0 b0 <<<"$(groups)"
rss0=$(rss)

# time_reloads CHANGE: ROUNDS timed reloads; CHANGE=1 edits one rule first.
time_reloads() {
	for r in $(seq 1 "$ROUNDS"); do
		if [ "$1" = 1 ]; then
			printf '# round %s\n' "$r" >>"$T/rules/seed_1.yml"
		fi
		a=$(date +%s%N)
		"$NVMWATCH" reload -s "$T/ctl.sock" >/dev/null
		b=$(date +%s%N)
		echo $(((b - a) / 1000))
	done | sort -n | awk '{ v[NR] = $1 } END {
		printf "min %.1f ms, median %.1f ms, max %.1f ms\n",
		    v[1] / 1000, v[int((NR + 1) / 2)] / 1000, v[NR] / 1000 }'
}
same=$(time_reloads 0)
read -r g1 b1 <<<"$(groups)"
changed=$(time_reloads 1)
read -r g2 b2 <<<"$(groups)"
rss2=$(rss)
echo "rules: $RULES copies of the seed rule; $FLOWS flows sent"
echo "live groups before: $g0 ($b0 bytes); daemon RSS $rss0"
echo "reload, nothing changed ($ROUNDS rounds): $same; groups after: $g1"
echo "reload, one rule changed ($ROUNDS rounds): $changed; groups after: $g2 ($b2 bytes)"
echo "daemon RSS after $((2 * ROUNDS)) reloads: $rss2"
