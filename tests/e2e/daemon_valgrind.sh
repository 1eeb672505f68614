#!/bin/bash
# nvmwatchd under valgrind: a little IPFIX over UDP and TCP and collector
# syslog lines over UDP and TCP (LF and octet-counted, plus a binary line)
# through the seed rule (emit: both, so alerts go out at the first record
# and again when SIGTERM flushes the open windows), no leaks and no errors.
# Skipped (77) without valgrind.
. "$(dirname "$0")/e2e_lib.sh" "$@"

command -v valgrind >/dev/null || { echo "valgrind not found"; exit 77; }
# AddressSanitizer and valgrind do not mix; the ASan build has its own checks.
if ldd "$NVMWATCHD" 2>/dev/null | grep -q libasan; then
	echo "nvmwatchd is built with AddressSanitizer"
	exit 77
fi

port=$(free_port 127.0.0.1) || fail "no free port"
sport=$(free_port 127.0.0.1) || fail "no free port"
LISTEN="$(listen_entry udp 127.0.0.1 "$port")
$(listen_entry tcp 127.0.0.1 "$port")
$(listen_entry udp 127.0.0.1 "$sport")
    format: syslog
$(listen_entry tcp 127.0.0.1 "$sport")
    format: syslog"
CONF=$(cd "$(dirname "$0")/../../conf" && pwd)
# The control socket too (sun_path holds 108 bytes: a short directory).
sockdir=$(mktemp -d /tmp/nvmvg.XXXXXX) || fail "mktemp"
trap 'e2e_cleanup; rm -rf "$sockdir"' EXIT
sock=$sockdir/ctl.sock
write_config "$T/nvmwatch.yaml" "$T/records.jsonl" \
    "rules:" "  directory: $CONF/rules" "  macros: $CONF/macros" \
    "  emit: both" "  lateness: 1h" "alerts:" "  file: $T/alerts.jsonl" \
    "control:" "  path: $sock" "  timeout: 1s" "  max_clients: 1"
now=$(date +%s)
WAIT_START=90 WAIT_STOP=90 WAIT_RECORDS=90
start_daemon "$T/nvmwatch.yaml" 4 valgrind -q --leak-check=full \
    --error-exitcode=99 --log-file="$T/valgrind.log"

nvm_send udp 127.0.0.1 "$port" "$T/truth_udp.jsonl" -n 200 -e 4 -s 7 -r 2000 \
    --start "$now" --duration 60
wait_records "$T/records.jsonl" "$(lines "$T/truth_udp.jsonl")"
nvm_send tcp 127.0.0.1 "$port" "$T/truth_tcp.jsonl" -n 200 -e 4 -s 8 \
    --start "$now" --duration 60
cat "$T/truth_udp.jsonl" "$T/truth_tcp.jsonl" >"$T/truth.jsonl"
n=$(lines "$T/truth.jsonl")
wait_records "$T/records.jsonl" "$n"
# Collector lines: three streams, no triggers.
nvm_send udp 127.0.0.1 "$sport" "$T/t1.jsonl" -n 50 -e 4 -s 9 \
    --trigger-share 0 --format kv -r 2000
nvm_send tcp 127.0.0.1 "$sport" "$T/t2.jsonl" -n 50 -e 4 -s 10 \
    --trigger-share 0 --format json
nvm_send tcp 127.0.0.1 "$sport" "$T/t3.jsonl" -n 50 -e 4 -s 11 \
    --trigger-share 0 --format kv --octet-counting
head -c 300 /dev/urandom | timeout 10 python3 -c '
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
s.sendall(b"garbage \x00\xff" + sys.stdin.buffer.read() + b"\n")
s.close()' "$sport"
m=$(cat "$T/t1.jsonl" "$T/t2.jsonl" "$T/t3.jsonl" | wc -l)
wait_records "$T/records.jsonl" $((n + m))
usr1_stats
# Every control path: each command, a bad request, a refused and a
# silent client (timed out), and one left open at SIGTERM.
for args in "rules" "rules -j" "stats" "stats -j"; do
	# shellcheck disable=SC2086
	timeout 30 "$NVMWATCH" $args -s "$sock" >/dev/null ||
	    fail "nvmwatch $args under valgrind"
done
timeout 30 "$NVMWATCH" reload -s "$sock" 2>/dev/null
[ $? -le 1 ] || fail "nvmwatch reload under valgrind: no answer"
timeout 30 python3 - "$sock" <<'PY' || fail "control clients"
import socket, sys, time
def conn():
    s = socket.socket(socket.AF_UNIX)
    s.settimeout(20)
    s.connect(sys.argv[1])
    return s
s = conn()
s.sendall(b"bogus\n")
assert s.recv(100).startswith(b"ERR unknown command"), "bad request"
s.close()
a = conn()
time.sleep(0.5)
b = conn()
assert b.recv(100) == b"ERR too many clients\n", "refusal"
assert a.recv(100).startswith(b"ERR no request within"), "timeout"
PY
python3 -c 'import socket, sys, time
s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1]); time.sleep(30)' \
    "$sock" &
HOLD=$!
sleep 0.5
stop_daemon
kill "$HOLD" 2>/dev/null
wait "$HOLD" 2>/dev/null
[ -e "$sock" ] && fail "the control socket is still there"

cat "$T/valgrind.log"
[ "$DAEMON_RC" -eq 0 ] || fail "exit status $DAEMON_RC under valgrind"
head -n "$n" "$T/records.jsonl" >"$T/records_ipfix.jsonl"
same_records "$T/truth.jsonl" "$T/records_ipfix.jsonl"
[ "$(lines "$T/records.jsonl")" -eq $((n + m)) ] ||
    fail "expected $((n + m)) records, got $(lines "$T/records.jsonl")"
expect_syslog_stat bad_lines -ge 1
# 40 triggering flows, each its own group: 40 first alerts, 40 at flush.
[ "$(grep -c '"emit":"first"' "$T/alerts.jsonl")" -eq 40 ] ||
    fail "expected 40 emit: first alerts"
[ "$(grep -c '"emit":"close"' "$T/alerts.jsonl")" -eq 40 ] ||
    fail "expected 40 alerts flushed at SIGTERM"
echo "ok: valgrind clean"
