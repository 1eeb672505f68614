#!/bin/bash
# Kernel receive drops are counted: with a small receive buffer and the
# daemon stopped, a burst overflows the socket; every datagram sent is then
# either received or counted in udp_kernel_drops, and the loss shows as
# sequence gaps.
. "$(dirname "$0")/e2e_lib.sh" "$@"

port=$(free_port 127.0.0.1) || fail "no free port"
LISTEN=$(listen_entry udp 127.0.0.1 "$port")
write_config "$T/nvmwatch.yaml" "$T/records.jsonl" \
    "udp:" "  receive_buffer: 4k"
start_daemon "$T/nvmwatch.yaml" 1

kill -STOP "$DAEMON_PID"
nvm_send udp 127.0.0.1 "$port" "$T/truth1.jsonl" -n 2000 -e 20 -s 7 -r 0 \
    -v 2>"$T/send1.log"
kill -CONT "$DAEMON_PID"
# The kernel reports drops on the datagrams queued after them: a second,
# slow send carries the count of the first burst's last drops.
sleep 0.5
nvm_send udp 127.0.0.1 "$port" "$T/truth2.jsonl" -n 20 -e 1 -s 8 -r 200 \
    -v 2>"$T/send2.log"
sent=0
for f in "$T/send1.log" "$T/send2.log"; do
	m=$(sed -n 's/.*sent \([0-9]*\) messages.*/\1/p' "$f")
	[ -n "$m" ] || fail "no message count from nvmwatch send -v"
	sent=$((sent + m))
done
wait_until 20 'usr1_stats;
    [ $(($(stat udp_datagrams) + $(stat udp_kernel_drops))) -eq "$sent" ]' ||
    fail "datagrams $(stat udp_datagrams) + drops $(stat udp_kernel_drops)" \
	"!= $sent sent"
stop_daemon

[ "$DAEMON_RC" -eq 0 ] || fail "exit status $DAEMON_RC"
expect_stat udp_kernel_drops -gt 0
expect_stat seq_gaps -gt 0
expect_stat records -eq "$(lines "$T/records.jsonl")"
echo "ok: sent=$sent received=$(stat udp_datagrams)" \
    "kernel_drops=$(stat udp_kernel_drops) seq_gaps=$(stat seq_gaps)"
