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

# SIGHUP reloads; an unchanged config keeps everything as it is (the
# listeners too: the delivery below would fail otherwise).
kill -HUP "$DAEMON_PID"
wait_until 10 'grep -q "reloaded .*: 0 rules (0 kept with their windows, 0 changed, 0 new, 0 removed); listeners unchanged; sinks unchanged$" "$T/daemon.log"' ||
    fail "SIGHUP: no reload logged"

deliver_v4_v6 udp "-n 2000 -e 20 -s 7 -r 20000" "-n 500 -e 5 -s 8 -r 20000"
[ "$n4" -gt 2000 ] || fail "truth has $n4 lines"
expect_clean_delivery udp
expect_stat udp_kernel_drops -eq 0
expect_stat sessions_created -eq 2
# Live at shutdown: listed after the last totals line, not final.
grep -q "stats: exporter=127\.0\.0\.1:[0-9]* proto=udp odid=127 messages=" \
    "$T/daemon.log" || fail "no live UDP session line"
expect_stat write_errors -eq 0
echo "ok: $n records over UDP (IPv4 and IPv6)"
