#!/bin/bash
# nvmwatchd over UDP, on 127.0.0.1 and ::1: what nvmwatch send sends is
# what the records file holds, line for line.
. "$(dirname "$0")/e2e_lib.sh" "$@"

port4=$(free_port 127.0.0.1) || fail "no free port"
port6=$(free_port ::1) || fail "no free IPv6 port"
LISTEN="$(listen_entry udp 127.0.0.1 "$port4")
$(listen_entry udp ::1 "$port6")"
write_config "$T/nvmwatch.yaml" "$T/records.jsonl"
start_daemon "$T/nvmwatch.yaml" 2

# SIGHUP is not a reload yet: logged and ignored.
kill -HUP "$DAEMON_PID"
wait_until 10 'grep -q "reload is not implemented" "$T/daemon.log"' ||
    fail "SIGHUP not logged"

nvm_send udp 127.0.0.1 "$port4" "$T/truth4.jsonl" -n 2000 -e 20 -s 7 -r 20000
n4=$(lines "$T/truth4.jsonl")
[ "$n4" -gt 2000 ] || fail "truth has $n4 lines"
wait_records "$T/records.jsonl" "$n4"
nvm_send udp ::1 "$port6" "$T/truth6.jsonl" -n 500 -e 5 -s 8 -r 20000
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
expect_stat udp_kernel_drops -eq 0
expect_stat sessions_created -eq 2
n6=$(lines "$T/truth6.jsonl")
# One session per send run: a line for each, odid 127, with its records.
expect_exporter_stat 127.0.0.1 udp 127 records -eq "$n4"
expect_exporter_stat "[::1]" udp 127 records -eq "$n6"
expect_exporter_stat 127.0.0.1 udp 127 seq_gaps -eq 0
expect_exporter_stat "[::1]" udp 127 seq_gaps -eq 0
expect_exporter_stat 127.0.0.1 udp 127 malformed -eq 0
expect_exporter_stat "[::1]" udp 127 no_template -eq 0
# Live at shutdown: listed after the last totals line, not final.
grep -q "stats: exporter=127\.0\.0\.1:[0-9]* proto=udp odid=127 messages=" \
    "$T/daemon.log" || fail "no live UDP session line"
expect_stat write_errors -eq 0
echo "ok: $n records over UDP (IPv4 and IPv6)"
