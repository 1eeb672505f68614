#!/bin/bash
# nvmwatchd over TCP, on 127.0.0.1 and ::1: every record sent is written.
. "$(dirname "$0")/e2e_lib.sh" "$@"

port4=$(free_port 127.0.0.1) || fail "no free port"
port6=$(free_port ::1) || fail "no free IPv6 port"
LISTEN="$(listen_entry tcp 127.0.0.1 "$port4")
$(listen_entry tcp ::1 "$port6")"
write_config "$T/nvmwatch.yaml" "$T/records.jsonl"
start_daemon "$T/nvmwatch.yaml" 2

nvm_send tcp 127.0.0.1 "$port4" "$T/truth4.jsonl" -n 2000 -e 20 -s 7
n4=$(lines "$T/truth4.jsonl")
wait_records "$T/records.jsonl" "$n4"
nvm_send tcp ::1 "$port6" "$T/truth6.jsonl" -n 1000 -e 10 -s 8
cat "$T/truth4.jsonl" "$T/truth6.jsonl" >"$T/truth.jsonl"
n=$(lines "$T/truth.jsonl")
wait_records "$T/records.jsonl" "$n"
stop_daemon

[ "$DAEMON_RC" -eq 0 ] || fail "exit status $DAEMON_RC"
same_records "$T/truth.jsonl" "$T/records.jsonl"
expect_stat records -eq "$n"
expect_stat records_written -eq "$n"
expect_stat malformed -eq 0
expect_stat no_template -eq 0
expect_stat seq_gaps -eq 0
expect_stat tcp_accepted -eq 2
expect_stat tcp_bad_framing -eq 0
expect_stat tcp_truncated -eq 0
expect_stat tcp_live -eq 0
n6=$(lines "$T/truth6.jsonl")
# One session per send run: a line for each, odid 127, with its records.
expect_exporter_stat 127.0.0.1 tcp 127 records -eq "$n4"
expect_exporter_stat "[::1]" tcp 127 records -eq "$n6"
expect_exporter_stat 127.0.0.1 tcp 127 seq_gaps -eq 0
expect_exporter_stat "[::1]" tcp 127 seq_gaps -eq 0
expect_exporter_stat 127.0.0.1 tcp 127 malformed -eq 0
expect_exporter_stat "[::1]" tcp 127 no_template -eq 0
# The connections were closed: their lines are final=1.
[ "$(grep -c "stats: exporter=[^ ]* proto=tcp odid=127 final=1 " \
    "$T/daemon.log")" -eq 2 ] || fail "expected 2 final=1 lines"
echo "ok: $n records over TCP (IPv4 and IPv6)"
