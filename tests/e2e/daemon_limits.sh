#!/bin/bash
# The caps: a full session table evicts the least recently seen exporter,
# idle sessions expire, connections past the cap are refused and idle
# connections are closed. Everything is counted.
. "$(dirname "$0")/e2e_lib.sh" "$@"

port=$(free_port 127.0.0.1) || fail "no free port"
LISTEN="$(listen_entry udp 127.0.0.1 "$port")
$(listen_entry tcp 127.0.0.1 "$port")"
write_config "$T/nvmwatch.yaml" "$T/records.jsonl" \
    "sessions:" "  max: 2" "  idle_timeout: 1" \
    "tcp:" "  max_connections: 1" "  idle_timeout: 1"
start_daemon "$T/nvmwatch.yaml" 2

# Three exporters (three source ports) into a table of two.
for seed in 1 2 3; do
	nvm_send udp 127.0.0.1 "$port" "$T/truth$seed.jsonl" -n 50 -e 1 \
	    -s "$seed" -r 20000
	wait_records "$T/records.jsonl" \
	    "$(cat "$T"/truth[1-$seed].jsonl | wc -l)"
done
usr1_stats
expect_stat sessions_created -eq 3
expect_stat sessions_evicted -eq 1
# Two connections: the second is refused; the first idles out.
timeout 20 python3 - "$port" <<'PY' || fail "the TCP client failed"
import socket, sys, time
port = int(sys.argv[1])
a = socket.create_connection(("127.0.0.1", port), timeout=10)
time.sleep(0.3)
b = socket.create_connection(("127.0.0.1", port), timeout=10)
try:
    if b.recv(1) != b"":
        sys.exit("data on a refused connection")
except ConnectionResetError:
    pass
if a.recv(1) != b"":
    sys.exit("data on an idle connection")
PY
wait_until 10 'usr1_stats; [ "$(stat sessions_expired)" -ge 2 ]' ||
    fail "idle sessions did not expire"
stop_daemon

[ "$DAEMON_RC" -eq 0 ] || fail "exit status $DAEMON_RC"
cat "$T"/truth[123].jsonl >"$T/truth.jsonl"
same_records "$T/truth.jsonl" "$T/records.jsonl"
expect_stat sessions_live -eq 0
expect_stat tcp_accepted -eq 1
expect_stat tcp_refused -eq 1
expect_stat tcp_idle_closed -eq 1
expect_stat seq_gaps -eq 0
echo "ok: evicted=$(stat sessions_evicted) expired=$(stat sessions_expired)" \
    "refused=$(stat tcp_refused) idle_closed=$(stat tcp_idle_closed)"
