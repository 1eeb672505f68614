#!/bin/bash
# daemon_control.sh NVMWATCHD NVMWATCH SCRATCH - the control socket and
# nvmwatch stats, rules and reload:
#  1. the socket's mode (and, as root, group) as configured;
#  2. `nvmwatch rules` (table and -j) after traffic with live groups;
#  3. bad requests, more than max_clients, silent clients: the exact ERR
#     lines and the counters;
#  4. the client's exit status: 0 OK, 1 ERR, 2 unreachable, timeout or a
#     malformed reply;
#  5. a stale socket replaced, a live one or a regular file refused;
#  6. SIGTERM: exit 0 and the socket file gone.
. "$(dirname "$0")/e2e_lib.sh" "$@"

sock_dir
sock=$sockdir/ctl.sock
CONF=$(cd "$(dirname "$0")/../../conf" && pwd)
RULE=cisco_nvm___non_network_binary_making_network_connection
port=$(free_port 127.0.0.1) || fail "no free port"
LISTEN=$(listen_entry udp 127.0.0.1 "$port")
hour=$(($(date +%s) / 3600 * 3600))
SEND=(-n 400 -e 8 -s 21 --trigger-share 0.1 --ipv6-share 0.2 --duration 60)

# config FILE [control: lines...]: the seed rule, emit: close, and a
# control socket at $sock with max_clients 2 and a timeout of 1 s.
config() {
	cf=$1
	shift
	write_config "$cf" "$T/records.jsonl" \
	    "rules:" "  directory: $CONF/rules" "  macros: $CONF/macros" \
	    "alerts:" "  file: $T/alerts.jsonl" \
	    "control:" "  path: $sock" "  max_clients: 2" "  timeout: 1s" "$@"
}

# raw LINE...: sends each LINE (python escapes allowed) on a connection
# of its own and prints each reply whole, as Python's repr.
raw() {
	python3 - "$sock" "$@" <<'PY'
import ast, socket, sys
for line in sys.argv[2:]:
    s = socket.socket(socket.AF_UNIX)
    s.settimeout(10)
    s.connect(sys.argv[1])
    s.sendall(ast.literal_eval("b'" + line + "'"))
    out = b""
    while True:
        try:
            b = s.recv(65536)
        except ConnectionResetError:
            # Input left unread (a request too long): the daemon's
            # close comes as a reset, after the reply.
            if not out:
                raise
            b = b""
        if not b:
            break
        out += b
    print(repr(out))
PY
}

# expect_fail CONFIG MESSAGE: the daemon refuses to start, exit 1,
# saying MESSAGE (a whole line).
expect_fail() {
	timeout 20 "$NVMWATCHD" -d -f "$1" >"$T/fail.log" 2>&1
	rc=$?
	[ "$rc" -eq 1 ] || { cat "$T/fail.log" >&2; fail "exit $rc, expected 1 ($2)"; }
	grep -qxF "$2" "$T/fail.log" ||
	    { cat "$T/fail.log" >&2; fail "no line \"$2\""; }
}

# control_stat KEY: KEY of the last "stats: control_..." line.
control_stat() {
	grep -o 'stats: control_.*' "$T/daemon.log" | tail -n 1 |
	    tr ' ' '\n' | sed -n "s/^control_$1=//p"
}

# --- 1. mode ---------------------------------------------------------------
config "$T/nvmwatch.yaml" '  mode: "0600"'
start_daemon "$T/nvmwatch.yaml" 1
grep -qxF "control socket $sock" "$T/daemon.log" || fail "no start line"
[ -S "$sock" ] || fail "no socket at $sock"
[ "$(command stat -c '%a %u %g' "$sock")" = "600 $(id -u) $(id -g)" ] ||
    fail "socket mode/owner $(command stat -c '%a %u %g' "$sock")"

# --- 2. rules, after traffic -------------------------------------------------
"$NVMWATCH" send -o "$T/stream.ipfix" "${SEND[@]}" --start "$hour" \
    2>/dev/null || fail "send -o"
: >"$T/empty.yaml"
"$NVMWATCH" replay -c "$T/empty.yaml" -r "$CONF/rules" -m "$CONF/macros" \
    "$T/stream.ipfix" >"$T/replay.jsonl" 2>/dev/null || fail "replay"
groups=$(lines "$T/replay.jsonl")
[ "$groups" -gt 5 ] || fail "replay gave $groups groups"
nvm_send udp 127.0.0.1 "$port" "$T/truth.jsonl" "${SEND[@]}" --start "$hour"
wait_records "$T/records.jsonl" "$(lines "$T/truth.jsonl")"
usr1_stats
expect_rule_stat "$RULE" groups_live -eq "$groups"
bytes=$(grep -o "stats: rule=$RULE .*" "$T/daemon.log" | tail -n 1 |
    tr ' ' '\n' | sed -n 's/^bytes_live=//p')
[ "$bytes" -gt 0 ] || fail "bytes_live=$bytes"

"$NVMWATCH" rules -s "$sock" >"$T/rules.txt" 2>"$T/rules.err"
rc=$?
[ "$rc" -eq 0 ] || { cat "$T/rules.err" >&2; fail "rules: exit $rc"; }
[ -s "$T/rules.err" ] && fail "rules wrote to stderr: $(cat "$T/rules.err")"
# The expected table: titles and values, columns as wide as their
# widest cell plus two spaces, numbers right-aligned.
python3 - "$CONF/rules/$RULE.yml" "$RULE" "$groups" "$bytes" \
    >"$T/rules.expected" <<'PY'
import sys
path, rule, groups, nbytes = sys.argv[1:]
cols = [("RULE", 0), ("NAME", 0), ("ID", 0), ("VERSION", 1), ("FILE", 0),
        ("WINDOW", 1), ("EMIT", 0), ("GROUPS", 1), ("BYTES", 1),
        ("MATCHED", 1), ("ALERTS", 1)]
row = [rule, "Cisco NVM - Non-Network Binary Making Network Connection",
       "c6db35af-8a0e-4b61-88ed-738e66f15715", "-", path, "1h", "close",
       groups, nbytes, "40", "0"]
rows = [[c for c, _ in cols], row]
w = [max(len(r[i]) for r in rows) for i in range(len(cols))]
for r in rows:
    out = ""
    for i, (c, right) in enumerate(cols):
        cell = r[i].rjust(w[i]) if right else r[i].ljust(w[i])
        out += cell if i == len(cols) - 1 else cell + "  "
    print(out.rstrip() if not cols[-1][1] else out)
PY
cmp -s "$T/rules.expected" "$T/rules.txt" || {
	diff "$T/rules.expected" "$T/rules.txt" >&2
	fail "nvmwatch rules output"
}

"$NVMWATCH" rules -j -c "$T/nvmwatch.yaml" >"$T/rules.json" ||
    fail "rules -j: exit $?"
python3 - "$T/rules.json" "$CONF/rules/$RULE.yml" "$RULE" "$groups" \
    "$bytes" <<'PY' || fail "rules -j content"
import json, sys
f, path, rule, groups, nbytes = sys.argv[1:]
text = open(f).read()
rules = json.loads(text)
want = [{"rule": rule,
         "name": "Cisco NVM - Non-Network Binary Making Network Connection",
         "id": "c6db35af-8a0e-4b61-88ed-738e66f15715", "version": None,
         "file": path, "window": 3600, "emit": "close",
         "groups_live": int(groups), "bytes_live": int(nbytes),
         "matched": 40, "alerts": 0}]
if rules != want:
    print("got  %r\nwant %r" % (rules, want), file=sys.stderr)
    sys.exit(1)
# One object per line, in order of the keys above.
if text != "[\n" + json.dumps(want[0], separators=(",", ":")) + "\n]\n":
    print("layout: %r" % text, file=sys.stderr)
    sys.exit(1)
PY

# --- 3. stats: what the daemon sent, as is --------------------------------
"$NVMWATCH" stats -s "$sock" >"$T/stats.txt" || fail "stats: exit $?"
raw 'stats\n' >"$T/stats.raw"
# The same but for the control socket's own line: one more request.
python3 - "$T/stats.txt" "$T/stats.raw" <<'PY' || fail "stats output"
import ast, sys
def strip(b):
    return b"".join(l for l in b.splitlines(True)
                    if not l.startswith(b"control "))
got = open(sys.argv[1], "rb").read()
raw = ast.literal_eval(open(sys.argv[2]).read())
if not raw.startswith(b"OK\n") or strip(raw[3:]) != strip(got) or \
        strip(got) == got or not got:
    print("tool %r\nsocket %r" % (got[:200], raw[:200]), file=sys.stderr)
    sys.exit(1)
PY
"$NVMWATCH" stats -j -s "$sock" >/dev/null || fail "stats -j: exit $?"

# --- 4. bad requests ---------------------------------------------------------
long=$(printf 'x%.0s' $(seq 300))
raw 'bogus  x\n' 'Stats\n' "$long\\n" 'reload now\n' >"$T/bad.out"
cat >"$T/bad.expected" <<'EOF2'
b'ERR extra space in request\n'
b'ERR unknown command "Stats" (stats, rules, reload)\n'
b'ERR request longer than 256 bytes\n'
b'ERR reload takes no argument\n'
EOF2
cmp -s "$T/bad.expected" "$T/bad.out" ||
    { diff "$T/bad.expected" "$T/bad.out" >&2; fail "bad request replies"; }

# --- 5. max_clients 2, and silent clients timed out after 1 s --------------
python3 - "$sock" <<'PY' || fail "max_clients / timeout"
import socket, sys, time
def conn():
    s = socket.socket(socket.AF_UNIX)
    s.settimeout(10)
    s.connect(sys.argv[1])
    return s
def read_all(s):
    out = b""
    while True:
        b = s.recv(4096)
        if not b:
            return out
        out += b
a = conn(); b = conn()
time.sleep(0.3)
t0 = time.monotonic()
c = conn()
r = read_all(c)
if r != b"ERR too many clients\n":
    sys.exit("third client got %r" % r)
for s in (a, b):
    r = read_all(s)
    if r != b"ERR no request within 1 s\n":
        sys.exit("silent client got %r" % r)
dt = time.monotonic() - t0
if not 0.4 < dt < 5:
    sys.exit("silent clients closed after %.2f s" % dt)
PY

# --- 6. the client's exit status --------------------------------------------
# A reload of the same files: 0 and the daemon's summary.
"$NVMWATCH" reload -c "$T/nvmwatch.yaml" >"$T/reload.out" 2>"$T/reload.err"
rc=$?
[ "$rc" -eq 0 ] || fail "reload: exit $rc: $(cat "$T/reload.err")"
grep -q '^reloaded ' "$T/reload.out" ||
    fail "reload's summary: $(cat "$T/reload.out")"
[ -s "$T/reload.err" ] && fail "reload wrote to stderr: $(cat "$T/reload.err")"
# A configuration with an error: refused, 1, the daemon's message.
cp "$T/nvmwatch.yaml" "$T/nvmwatch.yaml.good"
echo "no_such_section: 1" >>"$T/nvmwatch.yaml"
"$NVMWATCH" reload -s "$sock" >"$T/reload.out" 2>"$T/reload.err"
rc=$?
mv "$T/nvmwatch.yaml.good" "$T/nvmwatch.yaml"
[ "$rc" -eq 1 ] || fail "bad reload: exit $rc, expected 1"
grep -q "^nvmwatch: reload: .*$T/nvmwatch.yaml:" "$T/reload.err" ||
    fail "bad reload's message: $(cat "$T/reload.err")"
[ -s "$T/reload.out" ] && fail "reload wrote to stdout on ERR"

# expect_client STATUS STDERR-LINE nvmwatch-args...
expect_client() {
	want=$1 msg=$2
	shift 2
	timeout 20 "$NVMWATCH" "$@" >"$T/client.out" 2>"$T/client.err"
	rc=$?
	[ "$rc" -eq "$want" ] || fail "nvmwatch $*: exit $rc, expected $want"
	[ "$(cat "$T/client.err")" = "$msg" ] ||
	    fail "nvmwatch $*: \"$(cat "$T/client.err")\", expected \"$msg\""
	[ -s "$T/client.out" ] && fail "nvmwatch $*: wrote to stdout"
	return 0
}
expect_client 2 "nvmwatch: stats: cannot connect to $sockdir/none: No such file or directory" \
    stats -s "$sockdir/none"
printf 'listen:\n%s\n' "$LISTEN" >"$T/nocontrol.yaml"
expect_client 2 "nvmwatch: rules: $T/nocontrol.yaml: control.path is not set: the daemon has no control socket" \
    rules -c "$T/nocontrol.yaml"
# A configuration that does not load: its error, then the default socket
# is asked (here nobody is there; on a service the daemon would refuse the
# reload itself and log and count it).
if [ ! -e /run/nvmwatch/nvmwatchd.sock ]; then
	printf 'udp:\n  batch: 0\n' >"$T/broken.yaml"
	expect_client 2 "$T/broken.yaml:2:10: udp.batch: 0 is out of range 1..1024
nvmwatch: reload: $T/broken.yaml does not load; asking the daemon at /run/nvmwatch/nvmwatchd.sock
nvmwatch: reload: cannot connect to /run/nvmwatch/nvmwatchd.sock: No such file or directory" \
	    reload -c "$T/broken.yaml"
fi
expect_client 2 "nvmwatch: usage: nvmwatch stats [-j] [-s SOCKET | -c CONFIG] [-t SECONDS]" \
    stats -s "$sock" -c "$T/nvmwatch.yaml"
expect_client 2 "reload: invalid option -- 'j'
nvmwatch: usage: nvmwatch reload [-s SOCKET | -c CONFIG] [-t SECONDS]" \
    reload -j -s "$sock"

# A server of the test's own: silent, then malformed.
fake=$sockdir/fake.sock
python3 - "$fake" "$T/fake.ready" <<'PY' &
import socket, sys, time
s = socket.socket(socket.AF_UNIX)
s.bind(sys.argv[1])
s.listen(4)
s.settimeout(30)
open(sys.argv[2], "w").close()
c, _ = s.accept()		# silent: the client's -t 1 runs out
c.recv(256)
time.sleep(2)
c.close()
c, _ = s.accept()		# malformed
c.recv(256)
c.sendall(b"HTTP/1.0 200 OK\r\n\r\nhello")
c.close()
PY
FAKE=$!
wait_until 10 '[ -f "$T/fake.ready" ]' || fail "the fake server did not start"
expect_client 2 "nvmwatch: stats: $fake: no answer within 1 s" \
    stats -t 1 -s "$fake"
expect_client 2 "nvmwatch: rules: $fake: malformed status line \"HTTP/1.0?200?OK?\"" \
    rules -s "$fake"
wait "$FAKE" || fail "the fake server failed"

# --- 7. a second daemon on the same socket ----------------------------------
port2=$(free_port 127.0.0.1) || fail "no free port"
LISTEN=$(listen_entry udp 127.0.0.1 "$port2") config "$T/second.yaml"
expect_fail "$T/second.yaml" "another nvmwatchd is running on $sock"
[ -S "$sock" ] || fail "the second daemon removed the first one's socket"
"$NVMWATCH" rules -s "$sock" >/dev/null || fail "the first daemon is deaf"

# --- 8. SIGTERM: exit 0, socket gone, counters ------------------------------
stop_daemon
[ "$DAEMON_RC" -eq 0 ] || fail "exit status $DAEMON_RC"
[ -e "$sock" ] && fail "the socket is still there after SIGTERM"
# 8 requests served (rules x3, stats x3, reload x2), 4 bad ones; 2 silent
# and 1 refused clients; the second daemon's probe.
for kv in connections=16 refused=1 requests=8 errors=4 timeouts=2; do
	v=$(control_stat "${kv%%=*}")
	[ "$v" = "${kv#*=}" ] || fail "control_${kv%%=*}=$v, expected ${kv#*=}"
done

# --- 9. a stale socket (daemon killed) is replaced ---------------------------
start_daemon "$T/nvmwatch.yaml" 1
kill -KILL "$DAEMON_PID"
wait "$DAEMON_PID" 2>/dev/null
DAEMON_PID=
[ -S "$sock" ] || fail "no stale socket after SIGKILL"
start_daemon "$T/nvmwatch.yaml" 1
grep -qxF "control socket $sock: removed a stale socket" "$T/daemon.log" ||
    fail "the stale socket was not reported"
"$NVMWATCH" rules -s "$sock" >/dev/null || fail "rules after a stale socket"
stop_daemon
[ "$DAEMON_RC" -eq 0 ] || fail "exit status $DAEMON_RC"

# --- 10. a regular file at the path is not removed ---------------------------
echo keep >"$sock"
expect_fail "$T/nvmwatch.yaml" \
    "control socket $sock: the file exists and is not a socket; not removed"
[ "$(cat "$sock")" = keep ] || fail "the regular file was touched"
rm -f "$sock"

# --- 11. the group: unknown, and (as root) another one -----------------------
config "$T/group.yaml" '  mode: "0640"' '  group: nvmwatch-no-such-group'
expect_fail "$T/group.yaml" \
    "control socket $sock: unknown group \"nvmwatch-no-such-group\""
[ -e "$sock" ] && fail "a socket was left after the failed start"
if [ "$(id -u)" -eq 0 ] && getent group daemon >/dev/null; then
	config "$T/group.yaml" '  mode: "0640"' '  group: daemon'
	start_daemon "$T/group.yaml" 1
	[ "$(command stat -c '%a %G' "$sock")" = "640 daemon" ] ||
	    fail "socket mode/group $(command stat -c '%a %G' "$sock")"
	stop_daemon
	[ "$DAEMON_RC" -eq 0 ] || fail "exit status $DAEMON_RC"
	[ -e "$sock" ] && fail "the socket is still there after SIGTERM"
else
	echo "note: not root (or no group daemon): control.group not tried"
fi

# --- 12. a missing directory is made (one level, 0750) ----------------------
# Outside systemd nothing makes /run/nvmwatch; two levels are an error.
sock_saved=$sock
sock=$sockdir/made/ctl.sock
config "$T/mkdir.yaml"
start_daemon "$T/mkdir.yaml" 1
grep -qxF "control socket $sock: made the directory $sockdir/made" \
    "$T/daemon.log" || fail "no log line for the made directory"
[ "$(command stat -c '%a' "$sockdir/made")" = 750 ] ||
    fail "directory mode $(command stat -c '%a' "$sockdir/made")"
"$NVMWATCH" rules -s "$sock" >/dev/null || fail "rules through $sock"
stop_daemon
[ "$DAEMON_RC" -eq 0 ] || fail "exit status $DAEMON_RC"
sock=$sockdir/no/such/ctl.sock
config "$T/mkdir.yaml"
expect_fail "$T/mkdir.yaml" \
    "control socket $sock: set control.path to a directory the daemon can write, or to ~ for none"
rm -rf "$sockdir/made"
sock=$sock_saved
echo "ok: control socket ($groups groups, $bytes bytes live)"
