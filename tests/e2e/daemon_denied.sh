#!/bin/bash
# An allow-list without 127.0.0.1: nothing is decoded, everything is counted.
. "$(dirname "$0")/e2e_lib.sh" "$@"

port=$(free_port 127.0.0.1) || fail "no free port"
LISTEN="$(listen_entry udp 127.0.0.1 "$port")
$(listen_entry tcp 127.0.0.1 "$port")"
write_config "$T/nvmwatch.yaml" "$T/records.jsonl" \
    "allow:" "  - 192.0.2.0/24" "  - 2001:db8::/32"
start_daemon "$T/nvmwatch.yaml" 2

nvm_send udp 127.0.0.1 "$port" "$T/truth.jsonl" -n 100 -e 2 -s 7 -r 20000
# The connection is closed at once: the sender may or may not notice.
timeout 30 "$NVMWATCH" send -t "127.0.0.1:$port" -n 100 -e 2 -s 7 \
    >/dev/null 2>&1
wait_until 20 'usr1_stats; [ "$(stat udp_denied)" -ge 1 ] &&
    [ "$(stat tcp_denied)" -ge 1 ]' || fail "nothing was denied"
stop_daemon

[ "$DAEMON_RC" -eq 0 ] || fail "exit status $DAEMON_RC"
[ "$(lines "$T/records.jsonl")" -eq 0 ] || fail "records were written"
expect_stat udp_denied -gt 0
expect_stat tcp_denied -gt 0
expect_stat messages -eq 0
expect_stat records -eq 0
expect_stat sessions_created -eq 0
expect_stat tcp_accepted -eq 0
echo "ok: denied udp=$(stat udp_denied) tcp=$(stat tcp_denied)"
