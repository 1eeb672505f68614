#!/bin/bash
# nvmwatchd over TCP, on 127.0.0.1 and ::1: every record sent is written.
. "$(dirname "$0")/e2e_lib.sh" "$@"

port4=$(free_port 127.0.0.1) || fail "no free port"
port6=$(free_port ::1) || fail "no free IPv6 port"
LISTEN="$(listen_entry tcp 127.0.0.1 "$port4")
$(listen_entry tcp ::1 "$port6")"
write_config "$T/nvmwatch.yaml" "$T/records.jsonl"
start_daemon "$T/nvmwatch.yaml" 2

deliver_v4_v6 tcp "-n 2000 -e 20 -s 7" "-n 1000 -e 10 -s 8"
expect_clean_delivery tcp
expect_stat tcp_accepted -eq 2
expect_stat tcp_bad_framing -eq 0
expect_stat tcp_truncated -eq 0
expect_stat tcp_live -eq 0
# The connections were closed: their lines are final=1.
[ "$(grep -c "stats: exporter=[^ ]* proto=tcp odid=127 final=1 " \
    "$T/daemon.log")" -eq 2 ] || fail "expected 2 final=1 lines"
echo "ok: $n records over TCP (IPv4 and IPv6)"
