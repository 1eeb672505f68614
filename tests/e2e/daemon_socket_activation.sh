#!/bin/bash
# Socket activation: sockets passed the way systemd passes them
# (sd_launch.py: fds 3..., LISTEN_FDS, LISTEN_FDNAMES, LISTEN_PID).
#  1. IPFIX through a passed UDP socket that a configured listener names
#     (not bound again: no EADDRINUSE) and a passed TCP socket that no
#     listener names; collector lines through passed syslog UDP and TCP
#     sockets (the TCP one bound but not yet listening); a configured
#     listener that no passed socket serves is bound as before. The
#     records file is what was sent, line for line, and the counters are
#     exact.
#  2. systemd's default name, the socket unit's (nvmwatchd.socket), is
#     IPFIX.
#  3. Refused starts, exit 1 with the exact message: an unknown name, an
#     AF_UNIX socket, an unbound TCP socket, a configured syslog listener
#     on a passed IPFIX socket.
#  4. When it is installed, systemd's own systemd-socket-activate passes
#     the socket (its LISTEN_FDNAMES, not ours).
. "$(dirname "$0")/e2e_lib.sh" "$@"

LAUNCH=$(cd "$(dirname "$0")" && pwd)/sd_launch.py

# port_of NAME KIND: the port sd_launch.py bound, from $T/ports.
port_of() {
	awk -v n="$1" -v k="$2" '$1 == n && $2 == k { print $4 }' "$T/ports"
}

# has_line TEXT: the daemon log has TEXT as a whole line.
has_line() {
	grep -Fxq -- "$1" "$T/daemon.log" || fail "no line: $1"
}

# refused NAME EXPECTED-LINE SPEC...: the daemon, given the sockets of
# SPEC and $T/nvmwatch.yaml, exits 1 and logs EXPECTED-LINE, once,
# without having started.
refused() {
	rf_name=$1 rf_line=$2
	shift 2
	timeout 20 python3 "$LAUNCH" "$@" -- "$NVMWATCHD" -d \
	    -f "$T/nvmwatch.yaml" >"$T/$rf_name.log" 2>&1
	rf_rc=$?
	[ "$rf_rc" -eq 1 ] ||
	    { cat "$T/$rf_name.log" >&2; fail "$rf_name: exit status $rf_rc"; }
	[ "$(grep -Fxc -- "$rf_line" "$T/$rf_name.log")" -eq 1 ] ||
	    { cat "$T/$rf_name.log" >&2; fail "$rf_name: no line: $rf_line"; }
	! grep -q "^started" "$T/$rf_name.log" ||
	    { cat "$T/$rf_name.log" >&2; fail "$rf_name: it started"; }
}

# 1. Four passed sockets and one bound one.
port_u=$(free_port 127.0.0.1) || fail "no free port"
port_b=$(free_port 127.0.0.1) || fail "no free port"
[ "$port_u" != "$port_b" ] || fail "the same port twice"
LISTEN="$(listen_entry udp 127.0.0.1 "$port_u")
$(listen_entry tcp 127.0.0.1 "$port_b")"
write_config "$T/nvmwatch.yaml" "$T/records.jsonl"
start_daemon "$T/nvmwatch.yaml" 5 python3 "$LAUNCH" --ports "$T/ports" \
    "ipfix:udp:127.0.0.1:$port_u" ipfix:tcp:127.0.0.1:0 \
    syslog:udp:127.0.0.1:0 syslog:tcpnl:127.0.0.1:0 --
port_t=$(port_of ipfix tcp)
port_su=$(port_of syslog udp)
port_st=$(port_of syslog tcpnl)
[ -n "$port_t" ] && [ -n "$port_su" ] && [ -n "$port_st" ] ||
    fail "no ports from sd_launch.py"
has_line "listening on udp 127.0.0.1:$port_u (passed by systemd as \"ipfix\")"
has_line "listening on tcp 127.0.0.1:$port_t (passed by systemd as \"ipfix\")"
has_line "listening on syslog udp 127.0.0.1:$port_su (passed by systemd as \"syslog\")"
has_line "listening on syslog tcp 127.0.0.1:$port_st (passed by systemd as \"syslog\")"
has_line "listening on tcp 127.0.0.1:$port_b"
has_line "line 2: udp 127.0.0.1:$port_u: not bound, served by udp 127.0.0.1:$port_u (passed by systemd as \"ipfix\")"
has_line "tcp 127.0.0.1:$port_t: passed by systemd as \"ipfix\", not in the configuration"
has_line "syslog udp 127.0.0.1:$port_su: passed by systemd as \"syslog\", not in the configuration"
[ "$(grep -c "listening on" "$T/daemon.log")" -eq 5 ] ||
    fail "expected 5 listeners"
# The configured listener no passed socket serves accepts connections.
tcp_listening "$port_b" || fail "nothing listens on the bound port $port_b"

nvm_send udp 127.0.0.1 "$port_u" "$T/truth_udp.jsonl" -n 1000 -e 10 -s 7 \
    -r 20000
n1=$(lines "$T/truth_udp.jsonl")
wait_records "$T/records.jsonl" "$n1"
nvm_send tcp 127.0.0.1 "$port_t" "$T/truth_tcp.jsonl" -n 500 -e 5 -s 8
n2=$(lines "$T/truth_tcp.jsonl")
wait_records "$T/records.jsonl" $((n1 + n2))
nvm_send udp 127.0.0.1 "$port_su" "$T/truth_su.jsonl" -n 200 -e 2 -s 9 \
    -r 4000 --format kv
n3=$(lines "$T/truth_su.jsonl")
wait_records "$T/records.jsonl" $((n1 + n2 + n3))
nvm_send tcp 127.0.0.1 "$port_st" "$T/truth_st.jsonl" -n 200 -e 2 -s 10 \
    --format json
n4=$(lines "$T/truth_st.jsonl")
total=$((n1 + n2 + n3 + n4))
wait_records "$T/records.jsonl" "$total"
stop_daemon
[ "$DAEMON_RC" -eq 0 ] || fail "exit status $DAEMON_RC"

# IPFIX first, as sent; then the lines, which lack the IPFIX-only keys.
cat "$T/truth_udp.jsonl" "$T/truth_tcp.jsonl" >"$T/truth_ipfix.jsonl"
head -n $((n1 + n2)) "$T/records.jsonl" >"$T/records_ipfix.jsonl"
same_records "$T/truth_ipfix.jsonl" "$T/records_ipfix.jsonl"
cat "$T/truth_su.jsonl" "$T/truth_st.jsonl" >"$T/truth_lines.jsonl"
strip "$T/truth_lines.jsonl" >"$T/truth_lines.stripped"
tail -n $((n3 + n4)) "$T/records.jsonl" >"$T/records_lines.jsonl"
strip "$T/records_lines.jsonl" >"$T/records_lines.stripped"
same_records "$T/truth_lines.stripped" "$T/records_lines.stripped"

expect_stat records -eq $((n1 + n2))
expect_stat records_written -eq "$total"
expect_stat malformed -eq 0
expect_stat seq_gaps -eq 0
expect_stat udp_datagrams -gt 0
expect_stat udp_kernel_drops -eq 0
expect_stat sessions_created -eq 1
# The sender's connection and tcp_listening's.
expect_stat tcp_accepted -eq 2
expect_stat tcp_bad_framing -eq 0
expect_stat tcp_live -eq 0
expect_exporter_stat 127.0.0.1 udp 127 records -eq "$n1"
expect_exporter_stat 127.0.0.1 tcp 127 records -eq "$n2"
expect_syslog_stat udp_datagrams -eq "$n3"
expect_syslog_stat kv_lines -eq "$n3"
expect_syslog_stat json_lines -eq "$n4"
expect_syslog_stat records -eq $((n3 + n4))
expect_syslog_stat tcp_accepted -eq 1
expect_syslog_stat bad_lines -eq 0

# 2. Without FileDescriptorName=, systemd names a socket after its unit.
LISTEN=$(listen_entry tcp 127.0.0.1 "$port_b")
write_config "$T/nvmwatch.yaml" "$T/default.jsonl"
start_daemon "$T/nvmwatch.yaml" 1 python3 "$LAUNCH" \
    "nvmwatchd.socket:tcp:127.0.0.1:$port_b" --
has_line "listening on tcp 127.0.0.1:$port_b (passed by systemd as \"nvmwatchd.socket\")"
has_line "line 2: tcp 127.0.0.1:$port_b: not bound, served by tcp 127.0.0.1:$port_b (passed by systemd as \"nvmwatchd.socket\")"
nvm_send tcp 127.0.0.1 "$port_b" "$T/truth_default.jsonl" -n 100 -e 1 -s 11
wait_records "$T/default.jsonl" "$(lines "$T/truth_default.jsonl")"
stop_daemon
[ "$DAEMON_RC" -eq 0 ] || fail "default name: exit status $DAEMON_RC"
same_records "$T/truth_default.jsonl" "$T/default.jsonl"

# 3. Refused.
refused bogus "fd 4 passed by systemd as \"bogus\": unknown name (FileDescriptorName= ipfix or syslog)" \
    ipfix:udp:127.0.0.1:0 bogus:udp:127.0.0.1:0
[ "$(grep -c "passed by systemd" "$T/bogus.log")" -eq 1 ] ||
    fail "bogus: fd 3, a good socket, was reported"
refused unix "fd 3 passed by systemd as \"ipfix\": not a UDP or TCP socket of IPv4 or IPv6" \
    ipfix:unix:-:0
refused unbound "fd 3 passed by systemd as \"ipfix\": not bound" \
    ipfix:tcpnb:-:0
LISTEN=$(syslog_listen_entry udp 127.0.0.1 "$port_u")
write_config "$T/nvmwatch.yaml" "$T/mismatch.jsonl"
refused mismatch "line 2: syslog udp 127.0.0.1:$port_u: held by udp 127.0.0.1:$port_u, passed by systemd as \"ipfix\"" \
    "ipfix:udp:127.0.0.1:$port_u"

# 4. systemd-socket-activate binds the port and executes the daemon (same
# pid) at the first datagram, which waits in the socket meanwhile.
activate=skipped
if command -v systemd-socket-activate >/dev/null; then
	port_a=$(free_port 127.0.0.1) || fail "no free port"
	LISTEN=$(listen_entry udp 127.0.0.1 "$port_a")
	write_config "$T/nvmwatch.yaml" "$T/activate.jsonl"
	systemd-socket-activate -d -l "127.0.0.1:$port_a" --fdname=ipfix \
	    "$NVMWATCHD" -d -f "$T/nvmwatch.yaml" >"$T/daemon.log" 2>&1 &
	DAEMON_PID=$!
	wait_until 10 'grep -q "^Listening on 127.0.0.1:$port_a" "$T/daemon.log"' ||
	    fail "systemd-socket-activate did not listen"
	nvm_send udp 127.0.0.1 "$port_a" "$T/truth_a1.jsonl" -n 1 -e 1 -s 12
	wait_until 20 'grep -q "^started" "$T/daemon.log"' ||
	    fail "the activated daemon did not start"
	has_line "listening on udp 127.0.0.1:$port_a (passed by systemd as \"ipfix\")"
	nvm_send udp 127.0.0.1 "$port_a" "$T/truth_a2.jsonl" -n 200 -e 2 -s 13 \
	    -r 20000
	cat "$T/truth_a1.jsonl" "$T/truth_a2.jsonl" >"$T/truth_activate.jsonl"
	wait_records "$T/activate.jsonl" "$(lines "$T/truth_activate.jsonl")"
	stop_daemon
	[ "$DAEMON_RC" -eq 0 ] || fail "activated: exit status $DAEMON_RC"
	same_records "$T/truth_activate.jsonl" "$T/activate.jsonl"
	activate="$(lines "$T/activate.jsonl") records"
fi
echo "ok: $total records through passed sockets ($n1 UDP, $n2 TCP," \
    "$n3 + $n4 lines); default name; 4 refusals;" \
    "systemd-socket-activate: $activate"
