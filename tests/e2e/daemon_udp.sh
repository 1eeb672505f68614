#!/bin/bash
# nvmwatchd over UDP: what nvmwatch send sends is what the records file holds.
. "$(dirname "$0")/e2e_lib.sh" "$@"

port=$(free_port 127.0.0.1) || fail "no free port"
LISTEN=$(listen_entry udp 127.0.0.1 "$port")
write_config "$T/nvmwatch.yaml" "$T/records.jsonl"
start_daemon "$T/nvmwatch.yaml" 1

nvm_send udp 127.0.0.1 "$port" "$T/truth.jsonl" -n 2000 -e 20 -s 7 -r 20000
n=$(lines "$T/truth.jsonl")
[ "$n" -gt 2000 ] || fail "truth has $n lines"
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
expect_stat sessions_created -eq 1
expect_stat write_errors -eq 0
echo "ok: $n records over UDP"
