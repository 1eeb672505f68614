#!/bin/bash
# daemon_syslog.sh NVMWATCHD NVMWATCH SCRATCH - the NVM collector's syslog
# lines give the daemon what the same flows give it as IPFIX:
#  1. one generated stream, sent in four daemon runs: as IPFIX over UDP,
#     as key="value" lines over syslog UDP, as JSON lines over syslog TCP
#     (LF framing) and as key="value" lines over TCP with RFC 6587 octet
#     counting. Every run's records file equals the IPFIX run's (less
#     _template and _odid, which only IPFIX has) line for line, and the
#     seed rule's alerts, flushed at SIGTERM, are the same (less
#     alert_time);
#  2. garbage: binary and over-long lines over UDP and TCP, and an octet
#     count over 1 MiB, are counted exactly; the daemon keeps serving and
#     good lines sent afterwards become records;
#  3. TCP framing is decided per frame: LF lines that start with an ISO
#     timestamp (a digit), octet-counted frames each followed by LF, a
#     count split across reads, an unterminated last line at a clean
#     close; a line cut off by the idle timeout or by a reset is dropped
#     (syslog_tcp_truncated), and the refused, idle-closed and reset
#     syslog connections are counted in the syslog_ counters, not in the
#     IPFIX ones.
. "$(dirname "$0")/e2e_lib.sh" "$@"

CONF=$(cd "$(dirname "$0")/../../conf" && pwd)
DATA=$(cd "$(dirname "$0")/../data" && pwd)
ipfix_port=$(free_port 127.0.0.1) || fail "no free port"
syslog_port=$(free_port 127.0.0.1) || fail "no free port"
[ "$ipfix_port" != "$syslog_port" ] || fail "the same port twice"
LISTEN="$(listen_entry udp 127.0.0.1 "$ipfix_port")
$(syslog_listen_entry udp 127.0.0.1 "$syslog_port")
$(syslog_listen_entry tcp 127.0.0.1 "$syslog_port")"
now=$(date +%s)
hour=$((now / 3600 * 3600))
# Paced: syslog over UDP is one datagram per record.
SEND=(-n 400 -e 8 -s 23 --trigger-share 0.1 --ipv6-share 0.2
    --duration 60 --start "$hour" -r 4000)

# normalize FILE: alerts without alert_time, sorted.
normalize() {
	python3 -c '
import json, sys
for line in open(sys.argv[1]):
    a = json.loads(line)
    del a["alert_time"]
    print(json.dumps(a, sort_keys=True))' "$1" | sort
}

# one_run NAME PROTO PORT [send options...]: a daemon run that receives
# the stream once; leaves $T/NAME.records and $T/NAME.alerts.
one_run() {
	name=$1 proto=$2 port=$3
	shift 3
	write_config "$T/nvmwatch.yaml" "$T/$name.records" \
	    "rules:" "  directory: $CONF/rules" "  macros: $CONF/macros" \
	    "alerts:" "  file: $T/$name.alerts"
	start_daemon "$T/nvmwatch.yaml" 3
	nvm_send "$proto" 127.0.0.1 "$port" "$T/$name.truth" "${SEND[@]}" "$@"
	wait_records "$T/$name.records" "$(lines "$T/$name.truth")"
	stop_daemon
	[ "$DAEMON_RC" -eq 0 ] || fail "$name: exit status $DAEMON_RC"
	touch "$T/$name.alerts"
}

# same_as_ipfix NAME: records and alerts of run NAME equal the IPFIX run's.
same_as_ipfix() {
	strip "$T/$1.records" >"$T/$1.stripped"
	same_records "$T/ipfix.stripped" "$T/$1.stripped"
	[ "$(normalize "$T/$1.alerts")" = "$(normalize "$T/ipfix.alerts")" ] || {
		diff <(normalize "$T/ipfix.alerts") <(normalize "$T/$1.alerts") |
		    head -n 10 >&2
		fail "$1: the alerts differ from the IPFIX run's"
	}
}

# 1. The same stream, four ways.
one_run ipfix udp "$ipfix_port"
nrec=$(lines "$T/ipfix.records")
strip "$T/ipfix.records" >"$T/ipfix.stripped"
groups=$(lines "$T/ipfix.alerts")
[ "$groups" -gt 5 ] || fail "the IPFIX run gave $groups alerts"
expect_syslog_stat lines -eq 0

one_run kv_udp udp "$syslog_port" --format kv
same_as_ipfix kv_udp
expect_syslog_stat udp_datagrams -eq "$nrec"
expect_syslog_stat records -eq "$nrec"
expect_syslog_stat kv_lines -eq "$nrec"
expect_syslog_stat bad_lines -eq 0
expect_syslog_stat unknown_keys -eq 0
expect_syslog_stat bad_values -eq 0
expect_stat messages -eq 0

one_run json_tcp tcp "$syslog_port" --format json
same_as_ipfix json_tcp
expect_syslog_stat tcp_accepted -eq 1
expect_syslog_stat tcp_octet_counting -eq 0
expect_syslog_stat json_lines -eq "$nrec"
expect_syslog_stat bad_lines -eq 0

one_run octet_tcp tcp "$syslog_port" --format kv --octet-counting
same_as_ipfix octet_tcp
expect_syslog_stat tcp_octet_counting -eq 1
expect_syslog_stat kv_lines -eq "$nrec"
expect_syslog_stat bad_lines -eq 0
expect_syslog_stat bad_framing -eq 0
expect_syslog_stat tcp_truncated -eq 0

# 2. Garbage, then good lines.
write_config "$T/nvmwatch.yaml" "$T/garbage.records"
start_daemon "$T/nvmwatch.yaml" 3
timeout 30 python3 - "$syslog_port" "$DATA/flow_v9_syslog_kv.log" <<'PY' ||
import socket, sys
port, good = int(sys.argv[1]), open(sys.argv[2], "rb").read().rstrip(b"\n")
addr = ("127.0.0.1", port)
# Binary, without a terminator; the first byte is not a digit.
blob = bytes(b for b in range(1, 256) if b not in (10, 13, 48, 49, 50, 51,
    52, 53, 54, 55, 56, 57)) * 4
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
u.sendto(blob, addr)                                # bad line
u.sendto(b"x" * 65000, addr)                        # bad line, not too long
def closed(t):
    t.settimeout(10)
    try:
        return t.recv(1) == b""
    except ConnectionResetError:
        return True
# LF framing: blob, over-long line, good line on one connection.
t = socket.create_connection(addr, timeout=10)
t.sendall(blob + b"\n")                             # bad line
t.sendall(b"y" * 200000 + b"\n")                    # too long
t.sendall(good + b"\r\n")                           # record 1
t.close()
# Octet counting: a count over 1 MiB closes the connection.
t = socket.create_connection(addr, timeout=10)
t.sendall(b"999999999 " + good)                     # bad framing
if not closed(t):
    sys.exit("the daemon kept a connection with a broken octet count")
t.close()
# Octet counting: an over-long message is skipped, the next one decoded.
t = socket.create_connection(addr, timeout=10)
big = b"z" * 70000
t.sendall(b"%d %s" % (len(big), big))               # too long
t.sendall(b"%d %s" % (len(good), good))             # record 2
t.close()
u.sendto(good + b"\n", addr)                        # record 3
PY
    fail "the garbage sender failed"
wait_records "$T/garbage.records" 3
kill -0 "$DAEMON_PID" || fail "the daemon died"
stop_daemon
[ "$DAEMON_RC" -eq 0 ] || fail "garbage: exit status $DAEMON_RC"
expect_syslog_stat records -eq 3
expect_syslog_stat bad_lines -eq 3
expect_syslog_stat too_long -eq 2
expect_syslog_stat bad_framing -eq 1
expect_syslog_stat tcp_accepted -eq 3
expect_syslog_stat tcp_closed -eq 3
expect_syslog_stat tcp_octet_counting -eq 2
expect_syslog_stat tcp_truncated -eq 0
grep -q 'syslog from 127.0.0.1:[0-9]*: .* at byte [0-9]*: ' "$T/daemon.log" ||
    fail "no sample of a refused line in the log"

# 3. Framing per frame; cut-off lines; syslog connection events. One
# connection at a time, closed after 1 s idle.
write_config "$T/nvmwatch.yaml" "$T/frames.records" \
    "tcp:" "  max_connections: 1" "  idle_timeout: 1"
start_daemon "$T/nvmwatch.yaml" 3
timeout 60 python3 - "$syslog_port" "$DATA/flow_v9_syslog_kv.log" <<'PY' ||
import socket, struct, sys, time
port, good = int(sys.argv[1]), open(sys.argv[2], "rb").read().rstrip(b"\n")
addr = ("127.0.0.1", port)
iso = b"2024-01-01T00:00:00+00:00 host nvm: " + good[good.index(b"fv="):]
def closed(t):
    t.settimeout(10)
    try:
        return t.recv(1) == b""
    except ConnectionResetError:
        return True
# A: every kind of frame on one connection, closed cleanly.
a = socket.create_connection(addr, timeout=10)
a.sendall(iso + b"\n" + iso + b"\r\n")               # records 1, 2
a.sendall(b"%d %s\n" % (len(good), good) * 2)       # records 3, 4
for d in b"%d" % len(good):                         # the count, byte by
    a.sendall(bytes([d]))                           # byte
    time.sleep(0.05)
a.sendall(b" " + good)                              # record 5
a.sendall(b"\n" + good + b"\n")                     # record 6
a.sendall(iso)                                      # record 7, at the close
a.shutdown(socket.SHUT_WR)
if not closed(a):
    sys.exit("the daemon kept a closed connection")
a.close()
# B: a partial line, left idle; C, while B is open, is refused.
b = socket.create_connection(addr, timeout=10)
b.sendall(iso)                                      # dropped at the timeout
time.sleep(0.2)
c = socket.create_connection(addr, timeout=10)
if not closed(c):
    sys.exit("a connection over tcp.max_connections was kept")
c.close()
if not closed(b):
    sys.exit("an idle connection was kept")
b.close()
# D: a partial line, then a reset.
d = socket.create_connection(addr, timeout=10)
d.sendall(iso)                                      # dropped at the reset
time.sleep(0.2)
d.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
d.close()
PY
    fail "the framing sender failed"
wait_records "$T/frames.records" 7
# The reset is counted once the daemon has closed D.
wait_until 10 'usr1_stats; [ "$(syslog_stat tcp_closed)" = 3 ]' ||
    fail "syslog_tcp_closed=$(syslog_stat tcp_closed), expected 3"
stop_daemon
[ "$DAEMON_RC" -eq 0 ] || fail "frames: exit status $DAEMON_RC"
[ "$(lines "$T/frames.records")" -eq 7 ] ||
    fail "frames: $(lines "$T/frames.records") records, expected 7"
expect_syslog_stat records -eq 7
expect_syslog_stat bad_lines -eq 0
expect_syslog_stat bad_framing -eq 0
expect_syslog_stat too_long -eq 0
expect_syslog_stat tcp_octet_counting -eq 1
expect_syslog_stat tcp_accepted -eq 3
expect_syslog_stat tcp_refused -eq 1
expect_syslog_stat tcp_closed -eq 3
expect_syslog_stat tcp_idle_closed -eq 1
expect_syslog_stat tcp_errors -eq 1
expect_syslog_stat tcp_truncated -eq 2
expect_syslog_stat udp_truncated -eq 0
expect_stat tcp_accepted -eq 0
expect_stat tcp_refused -eq 0
expect_stat tcp_idle_closed -eq 0
expect_stat tcp_errors -eq 0
expect_stat tcp_truncated -eq 0
expect_stat udp_truncated -eq 0
echo "ok: $nrec records and $groups alerts alike over IPFIX and syslog"
