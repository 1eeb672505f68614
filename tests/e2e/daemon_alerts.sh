#!/bin/bash
# daemon_alerts.sh NVMWATCHD NVMWATCH SCRATCH - the seed rule in the live
# daemon gives the alerts replay gives for the same stream:
#  1. emit: close, records of the current hour over UDP: nothing until
#     SIGTERM, which flushes the open window; the alerts equal replay's
#     of the same stream, but for alert_time and partial (true: flushed
#     before the window closed);
#  2. emit: first: one alert per group while the daemon runs, before any
#     stop, with the group's first record;
#  3. records of an hour long past (its window closed by the clock): late
#     rows, delivered by the 1 s tick while the daemon runs.
. "$(dirname "$0")/e2e_lib.sh" "$@"

CONF=$(cd "$(dirname "$0")/../../conf" && pwd)
RULE=cisco_nvm___non_network_binary_making_network_connection
port=$(free_port 127.0.0.1) || fail "no free port"
LISTEN=$(listen_entry udp 127.0.0.1 "$port")
now=$(date +%s)
hour=$((now / 3600 * 3600))
SEND=(-n 400 -e 8 -s 21 --trigger-share 0.1 --ipv6-share 0.2
    --duration 60)

# normalize FILE: alerts without alert_time and partial, sorted.
normalize() {
	python3 -c '
import json, sys
for line in open(sys.argv[1]):
    a = json.loads(line)
    del a["alert_time"], a["partial"]
    print(json.dumps(a, sort_keys=True))' "$1" | sort
}

run_config() {
	write_config "$T/nvmwatch.yaml" "$T/records.jsonl" \
	    "rules:" "  directory: $CONF/rules" "  macros: $CONF/macros" \
	    "  emit: $1" "alerts:" "  file: $T/alerts.jsonl"
	rm -f "$T/records.jsonl" "$T/alerts.jsonl"
}

# The expected alerts: replay of the same stream, as a file.
"$NVMWATCH" send -o "$T/stream.ipfix" "${SEND[@]}" --start "$hour" \
    2>/dev/null || fail "send -o"
: >"$T/empty.yaml"
"$NVMWATCH" replay -c "$T/empty.yaml" -r "$CONF/rules" -m "$CONF/macros" \
    "$T/stream.ipfix" >"$T/replay.jsonl" 2>"$T/replay.err" ||
    { cat "$T/replay.err" >&2; fail "replay"; }
groups=$(lines "$T/replay.jsonl")
[ "$groups" -gt 5 ] || fail "replay gave $groups alerts; the stream has 40 triggering flows"

# 1. emit: close.
run_config close
start_daemon "$T/nvmwatch.yaml" 1
nvm_send udp 127.0.0.1 "$port" "$T/truth.jsonl" "${SEND[@]}" --start "$hour"
wait_records "$T/records.jsonl" "$(lines "$T/truth.jsonl")"
sleep 1.5	# a tick or more: the open window must not be emitted
[ "$(lines "$T/alerts.jsonl")" -eq 0 ] ||
    fail "alerts before the window closed: $(head -n 1 "$T/alerts.jsonl")"
stop_daemon
[ "$DAEMON_RC" -eq 0 ] || fail "exit status $DAEMON_RC"
[ "$(normalize "$T/alerts.jsonl")" = "$(normalize "$T/replay.jsonl")" ] || {
	diff <(normalize "$T/replay.jsonl") <(normalize "$T/alerts.jsonl") |
	    head -n 10 >&2
	fail "the daemon's alerts differ from replay's"
}
grep -c '"partial":true' "$T/alerts.jsonl" | grep -qx "$groups" ||
    fail "flushed rows are not all marked partial"
expect_rule_stat "$RULE" matched -eq 40
expect_rule_stat "$RULE" alerts -eq "$groups"
expect_rule_stat "$RULE" groups_live -eq 0
expect_stat alerts_written -eq "$groups"
expect_stat alerts_lost -eq 0

# 2. emit: first: every group alerts while the daemon runs.
run_config first
start_daemon "$T/nvmwatch.yaml" 1
nvm_send udp 127.0.0.1 "$port" "$T/truth.jsonl" "${SEND[@]}" --start "$hour"
wait_records "$T/alerts.jsonl" "$groups"
grep -c '"emit":"first"' "$T/alerts.jsonl" | grep -qx "$groups" ||
    fail "not every alert is an emit: first alert"
stop_daemon
[ "$(lines "$T/alerts.jsonl")" -eq "$groups" ] ||
    fail "emit: first sent $(lines "$T/alerts.jsonl") alerts, expected $groups"

# 3. A window long closed by the clock: late rows, at the next tick.
run_config close
start_daemon "$T/nvmwatch.yaml" 1
nvm_send udp 127.0.0.1 "$port" "$T/truth.jsonl" "${SEND[@]}" \
    --start 1767225600
wait_records "$T/alerts.jsonl" "$groups"
grep -c '"late":true' "$T/alerts.jsonl" | grep -qx "$groups" ||
    fail "rows of a closed window are not all marked late"
stop_daemon
expect_rule_stat "$RULE" late_records -eq 40
expect_rule_stat "$RULE" rows_late -eq "$groups"
echo ok
