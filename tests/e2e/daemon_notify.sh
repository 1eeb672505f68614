#!/bin/bash
# The sd_notify protocol through a NOTIFY_SOCKET the test owns: READY=1
# first, after the listeners are bound; then STATUS= with live figures and
# WATCHDOG=1 at half of WATCHDOG_USEC; on SIGHUP, RELOADING=1 and then
# READY=1 with the reload's outcome as STATUS=; STOPPING=1 last, on
# SIGTERM.
. "$(dirname "$0")/e2e_lib.sh" "$@"

sock_dir
sock=$sockdir/notify.sock

# The listener: one line per datagram, "SECONDS<TAB>MESSAGE" (newlines in a
# message as '|'); stops at STOPPING=1 or after 50 s.
python3 - "$sock" "$T/notify.log" "$T/notify.ready" <<'PY' &
import socket, sys, time
path, out, ready = sys.argv[1:4]
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(path)
open(ready, "w").close()
deadline = time.monotonic() + 50
with open(out, "w") as f:
    while time.monotonic() < deadline:
        s.settimeout(max(0.1, deadline - time.monotonic()))
        try:
            msg = s.recv(4096).decode("utf-8", "replace")
        except socket.timeout:
            break
        f.write("%.3f\t%s\n" % (time.monotonic(), msg.strip().replace("\n", "|")))
        f.flush()
        if "STOPPING=1" in msg.split("\n"):
            break
PY
LISTENER=$!
wait_until 10 '[ -f "$T/notify.ready" ]' || fail "the notify listener did not start"

port=$(free_port 127.0.0.1) || fail "no free port"
LISTEN="$(listen_entry udp 127.0.0.1 "$port")
$(listen_entry tcp 127.0.0.1 "$port")"
write_config "$T/nvmwatch.yaml" "$T/records.jsonl"
# WATCHDOG_PID must name the daemon: the shell's pid, which exec keeps.
start_daemon "$T/nvmwatch.yaml" 2 env NOTIFY_SOCKET="$sock" \
    WATCHDOG_USEC=2000000 sh -c 'export WATCHDOG_PID=$$; exec "$0" "$@"'
wait_until 10 'grep -q "	READY=1$" "$T/notify.log"' || fail "no READY=1"

nvm_send udp 127.0.0.1 "$port" "$T/truth.jsonl" -n 500 -e 5 -s 3 -r 5000
n=$(lines "$T/truth.jsonl")
wait_records "$T/records.jsonl" "$n"
# STATUS comes every 5 s; the one after the traffic counts it.
wait_until 15 'grep "	STATUS=" "$T/notify.log" |
    grep -qv "STATUS=0 records/s"' ||
    { cat "$T/notify.log" >&2; fail "no STATUS with records"; }
kill -HUP "$DAEMON_PID"
wait_until 10 'grep -q "	READY=1|STATUS=reloaded " "$T/notify.log"' ||
    { cat "$T/notify.log" >&2; fail "no READY=1 after the reload"; }
sleep 1.2	# a WATCHDOG=1 after the reload
stop_daemon
[ "$DAEMON_RC" -eq 0 ] || fail "exit status $DAEMON_RC"
wait_until 10 '! kill -0 "$LISTENER" 2>/dev/null' ||
    { kill "$LISTENER"; fail "the listener did not see STOPPING=1"; }
wait "$LISTENER"

python3 - "$T/notify.log" "$(realpath "$T/nvmwatch.yaml")" <<'PY' || { cat "$T/notify.log" >&2; fail "notify order"; }
import re, sys
msgs = [l.rstrip("\n").split("\t", 1) for l in open(sys.argv[1])]
msgs = [(float(t), m) for t, m in msgs]
names = [m for _, m in msgs]
def die(why):
    print("notify: " + why, file=sys.stderr)
    sys.exit(1)
if not names or names[0] != "READY=1":
    die("READY=1 is not first")
if names.count("READY=1") != 1:
    die("READY=1 more than once")
if names[-1] != "STOPPING=1" or names.count("STOPPING=1") != 1:
    die("STOPPING=1 is not last, or not once")
# The reload: RELOADING=1, then READY=1 with its outcome, once each.
reloading = "RELOADING=1|STATUS=reloading"
reloaded = ("READY=1|STATUS=reloaded %s: 0 rules (0 kept with their "
            "windows, 0 changed, 0 new, 0 removed); listeners unchanged; "
            "sinks unchanged" % sys.argv[2])
if names.count(reloading) != 1 or names.count(reloaded) != 1:
    die("not one RELOADING=1 and one READY=1 after it")
i, j = names.index(reloading), names.index(reloaded)
if not 0 < i < j < len(names) - 1:
    die("RELOADING=1 and READY=1 out of order")
if any(m != "WATCHDOG=1" and not m.startswith("STATUS=")
       for m in names[i + 1:j]):
    die("something else between RELOADING=1 and READY=1")
if "WATCHDOG=1" not in names[j + 1:]:
    die("no WATCHDOG=1 after the reload")
for k, m in enumerate(names[1:-1], 1):
    if k in (i, j):
        continue
    if m != "WATCHDOG=1" and not m.startswith("STATUS="):
        die("unexpected message " + m)
st = [m for m in names if m.startswith("STATUS=")]
pat = re.compile(r"^STATUS=\d+ records/s, \d+ alerts, \d+ drops$")
for m in st:
    if not pat.match(m):
        die("bad STATUS " + m)
if not any(not m.startswith("STATUS=0 ") for m in st):
    die("no STATUS with records")
wd = [t for t, m in msgs if m == "WATCHDOG=1"]
if len(wd) < 2:
    die("fewer than two WATCHDOG=1")
# WATCHDOG_USEC=2 s: every 1 s. The first within 2.5 s of READY, and
# never a gap the manager would call a hang.
if wd[0] - msgs[0][0] > 2.5:
    die("first WATCHDOG=1 %.2f s after READY" % (wd[0] - msgs[0][0]))
gaps = [b - a for a, b in zip(wd, wd[1:])]
if min(gaps) > 2.5 or max(gaps) >= 2.0:
    die("WATCHDOG=1 gaps %s" % ["%.2f" % g for g in gaps])
print("notify: %d messages, %d STATUS, %d WATCHDOG, gaps %.2f..%.2f s"
      % (len(msgs), len(st), len(wd), min(gaps), max(gaps)))
PY
echo "ok: READY, STATUS, WATCHDOG, RELOADING, READY, STOPPING in order ($n records)"
