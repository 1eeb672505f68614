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
mkdir -p "$T/rules"
cp "$CONF"/rules/*.yml "$T/rules/"
# The SIEM: a TCP receiver on loopback writing what it gets to a file
# (bounded: 120 s, then it stops by itself).
siem=$(free_port 127.0.0.1) || fail "no free port"
python3 - "$siem" "$T/siem.log" "$T/siem.ready" <<'PY' &
import select, socket, sys, time
srv = socket.socket()
srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind(("127.0.0.1", int(sys.argv[1])))
srv.listen(8)
open(sys.argv[3], "w").close()
conns, deadline = [], time.monotonic() + 120
with open(sys.argv[2], "wb") as out:
    while time.monotonic() < deadline:
        r, _, _ = select.select([srv] + conns, [], [], 0.5)
        for s in r:
            if s is srv:
                conns.append(srv.accept()[0])
                continue
            data = s.recv(65536)
            if not data:
                conns.remove(s)
                s.close()
            out.write(data)
            out.flush()
PY
SIEM=$!
# The control socket too.
sock_dir
sock=$sockdir/ctl.sock
trap 'e2e_cleanup; kill "$SIEM" 2>/dev/null' EXIT
wait_until 10 '[ -f "$T/siem.ready" ]' || fail "the SIEM receiver did not start"
# config SINKFILE: the config, alerts to SINKFILE and to the SIEM too.
config() {
	write_config "$T/nvmwatch.yaml" "$T/records.jsonl" \
	    "rules:" "  directory: rules" "  macros: $CONF/macros" \
	    "  emit: both" "  lateness: 1h" "alerts:" "  file: $T/alerts.jsonl" \
	    "sinks:" "  - name: tail" "    type: file" "    path: $1" \
	    "  - name: siem" "    type: remote" "    transport: tcp" \
	    "    address: 127.0.0.1" "    port: $siem" "    framing: lf" \
	    "control:" "  path: $sock" "  timeout: 1s" "  max_clients: 1"
}
config "$T/sink1.jsonl"
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
# Reloads: a new rule, then the file sink moved to another file (the old
# one retires, drained; the SIEM's is kept, connection and all): the
# windows stay open and go to the new file and the SIEM at the stop.
printf '%s\n' "name: every flow" \
    "search: sourcetype=\"cisco:nvm:flowdata\" | stats count" \
    "nvmwatch:" "  emit: close" >"$T/rules/all.yml"
kill -HUP "$DAEMON_PID"
wait_until 60 'grep -q "reloaded .*: 2 rules (1 kept with their windows, 0 changed, 1 new, 0 removed); listeners unchanged; sinks unchanged$" "$T/daemon.log"' ||
    fail "first reload"
nvm_send udp 127.0.0.1 "$port" "$T/truth_extra.jsonl" -n 30 -e 2 -s 12 \
    -r 2000 --trigger-share 0 --start "$now" --duration 60
x=$(lines "$T/truth_extra.jsonl")
wait_records "$T/records.jsonl" $((n + m + x))
config "$T/sink2.jsonl"
kill -HUP "$DAEMON_PID"
wait_until 60 'grep -q "reloaded .*: 2 rules (2 kept with their windows, 0 changed, 0 new, 0 removed); listeners unchanged; sinks: 1 opened, 1 closed, 1 kept$" "$T/daemon.log"' ||
    fail "second reload"
# Every control path: each command, a bad request, a refused and a
# silent client (timed out), and one left open at SIGTERM.
for args in "rules" "rules -j" "stats" "stats -j"; do
	# shellcheck disable=SC2086
	timeout 30 "$NVMWATCH" $args -s "$sock" >/dev/null ||
	    fail "nvmwatch $args under valgrind"
done
timeout 30 "$NVMWATCH" reload -s "$sock" >"$T/reload.out" ||
    fail "nvmwatch reload under valgrind"
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
[ "$(lines "$T/records.jsonl")" -eq $((n + m + x)) ] ||
    fail "expected $((n + m + x)) records, got $(lines "$T/records.jsonl")"
expect_syslog_stat bad_lines -ge 1
# 40 triggering flows, each its own group: 40 first alerts, 40 at flush.
[ "$(grep -c '"emit":"first"' "$T/alerts.jsonl")" -eq 40 ] ||
    fail "expected 40 emit: first alerts"
[ "$(grep -c '"emit":"close"' "$T/alerts.jsonl")" -eq 41 ] ||
    fail "expected 41 alerts flushed at SIGTERM (40 + the new rule's)"
# The sinks: emit: first alerts before the reload, the flush after it.
[ "$(grep -c '"emit":"first"' "$T/sink1.jsonl")" -eq 40 ] &&
    [ "$(lines "$T/sink1.jsonl")" -eq 40 ] ||
    fail "sink1.jsonl: expected the 40 emit: first alerts only"
[ "$(grep -c '"emit":"close"' "$T/sink2.jsonl")" -eq 41 ] &&
    [ "$(lines "$T/sink2.jsonl")" -eq 41 ] ||
    fail "sink2.jsonl: expected the 41 flushed alerts only"
grep -q '"rule":"every flow".*"fields":{"count":'"$(grep -c '"da":' "$T/truth_extra.jsonl")"'}' \
    "$T/sink2.jsonl" || fail "the new rule's flushed count"
# The SIEM's sink was kept by the reload that changed the other: one
# connection all along.
[ "$(grep -c "sink siem: connected" "$T/daemon.log")" -eq 1 ] ||
    fail "the kept SIEM sink connected $(grep -c "sink siem: connected" "$T/daemon.log") times"
# The sinks' counters are totals since the start, across the reload that
# replaced one.
expect_sink_stat tail enqueued -eq 81
expect_sink_stat tail sent -eq 81
expect_sink_stat siem enqueued -eq 81
kill "$SIEM" 2>/dev/null
wait "$SIEM" 2>/dev/null
[ "$(grep -c '"emit":"first"' "$T/siem.log")" -eq 40 ] &&
    [ "$(grep -c '"emit":"close"' "$T/siem.log")" -eq 41 ] &&
    [ "$(grep -c '^<' "$T/siem.log")" -eq 81 ] ||
    fail "the SIEM got $(grep -c '^<' "$T/siem.log") messages, expected 40 + 41"
echo "ok: valgrind clean"
