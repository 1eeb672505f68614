#!/bin/bash
# daemon_rotate.sh NVMWATCHD NVMWATCH SCRATCH - the alerts file is rotated
# (rename + SIGUSR1, as logrotate does) while alerts flow: no line is lost,
# none is cut, the old file keeps what came before and the new one what
# came after.
. "$(dirname "$0")/e2e_lib.sh" "$@"

CONF=$(cd "$(dirname "$0")/../../conf" && pwd)
port=$(free_port 127.0.0.1) || fail "no free port"
LISTEN=$(listen_entry udp 127.0.0.1 "$port")
write_config "$T/nvmwatch.yaml" "$T/records.jsonl" \
    "rules:" "  directory: $CONF/rules" "  macros: $CONF/macros" \
    "  emit: first" "alerts:" "  file: $T/alerts.jsonl"
start_daemon "$T/nvmwatch.yaml" 1
# 3000 flows at 1500/s, half of them triggering: an alert every ~1.3 ms.
nvm_send udp 127.0.0.1 "$port" "$T/truth.jsonl" -n 3000 -e 20 -s 5 \
    --trigger-share 0.5 --start "$(date +%s)" --duration 60 -r 1500 &
sender=$!
wait_until 20 '[ "$(lines "$T/alerts.jsonl")" -ge 300 ]' ||
    fail "no alerts flowing"
for i in 1 2 3; do
	mv "$T/alerts.jsonl" "$T/alerts.jsonl.$i"
	kill -USR1 "$DAEMON_PID"
	sleep 0.3
done
wait "$sender" || fail "send failed"
wait_records "$T/records.jsonl" "$(lines "$T/truth.jsonl")"
stop_daemon
[ "$DAEMON_RC" -eq 0 ] || fail "exit status $DAEMON_RC"

total=0
for f in "$T/alerts.jsonl.1" "$T/alerts.jsonl.2" "$T/alerts.jsonl.3" \
    "$T/alerts.jsonl"; do
	[ -s "$f" ] || fail "$f is empty: the rotation lost its share"
	python3 -c '
import json, sys
for n, line in enumerate(open(sys.argv[1]), 1):
    if not line.endswith("\n"):
        sys.exit("%s:%d: cut line" % (sys.argv[1], n))
    json.loads(line)' "$f" || fail "$f has a broken line"
	total=$((total + $(lines "$f")))
done
# Every triggering flow is its own group: one emit: first alert each.
[ "$total" -eq 1500 ] || fail "$total alerts in the four files, expected 1500"
expect_stat alerts_written -eq 1500
expect_stat alerts_reopens -eq 3
expect_stat alerts_lost -eq 0
echo ok
