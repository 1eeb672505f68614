#!/bin/bash
# sinks_more.sh NVMWATCHD NVMWATCH SCRATCH - more alert sinks against a
# real rsyslogd on loopback (started here, in the foreground) and files.
# Every run has a json file sink "ref": what the rule emitted, in order;
# a sink's payload for an alert is the same bytes as ref's line (one
# alert_format() call per sink with the same time).
#  A. one daemon, four more sinks:
#   1. remote UDP, protocol rfc3164, max_message 1024: rsyslog parses
#      APP-NAME/programname nvmwatch, tag "nvmwatch:", every alert once;
#      each raw message is the header then ref's line, or, when that is
#      longer than 1024 bytes, ref's line cut so the message is 1024 bytes
#      long and ends "...[truncated]"; truncated counts the cut ones.
#   2. remote TCP, framing lf, rfc5424: every alert once, APP-NAME
#      nvmwatch, MSG = ref's line, in order.
#   5. file sinks, format kv and format cef: one line per alert, parsed as
#      their format; the files are renamed, alerts go on, SIGUSR1: the old
#      files hold exactly the alerts until SIGUSR1, the new ones the rest.
#  B. 3. remote TCP, queue 3, drop_newest, rsyslogd down at start: N
#      alerts, rsyslogd started: exactly the first 3 (ref's first 3, by
#      src and whole payload) arrive, dropped = N - 3.
#  C. 4. remote TCP, drop_oldest, a large queue; alerts over ~3 s, and
#      rsyslogd stopped (SIGTERM, so that rsyslogd itself loses nothing
#      it read) in the middle, started again ~1 s later. Asserted, from
#      the last stats line: enqueued = sent + dropped + queue_depth, with
#      dropped = 0 and queue_depth = 0 at the end; and from what arrived:
#      nothing that was not emitted, every alert at least once (a message
#      stays queued until the bufferevent has handed it to the kernel;
#      one written to a lost connection is written again), first
#      arrivals in emission order, and duplicates only as a resent run
#      (at most retries of them; the number is printed).
#  D. 6. file sinks with a queue (written from the loop): drop_newest,
#      queue 1000: every alert, one line each, the same bytes as ref's;
#      enqueued = sent, nothing dropped or left. And one whose path is a
#      symlink to /dev/full, queue 3, drop_oldest, drain_timeout 1s: every
#      write fails (ENOSPC) and is retried after 1 s; nothing is sent, the
#      queue holds 3 and dropped the rest; at exit those 3 are dropped too.
# Skipped (77) without rsyslogd.
. "$(dirname "$0")/e2e_lib.sh" "$@"
rsyslog_init

CONF=$(cd "$(dirname "$0")/../../conf" && pwd)
RULE=cisco_nvm___non_network_binary_making_network_connection
port=$(free_port 127.0.0.1) || fail "no free port"
udp_port=$(free_port 127.0.0.1) || fail "no free port"
tcp_port=$(free_port 127.0.0.1) || fail "no free port"
LISTEN=$(listen_entry udp 127.0.0.1 "$port")
now=$(date +%s)
hour=$((now / 3600 * 3600))
SEND=(-n 400 -e 8 --trigger-share 0.1 --duration 60 --start "$hour")
HOST=$(hostname)

# rsyslogd: UDP and TCP inputs on loopback, each writing what it parsed,
# and the raw message, as one JSON object per message.
cat >"$RS/rsyslog.conf" <<EOF
global(workDirectory="$RS/work" maxMessageSize="64k")
module(load="imudp")
module(load="imtcp")
input(type="imudp" address="127.0.0.1" port="$udp_port" ruleset="udp")
input(type="imtcp" address="127.0.0.1" port="$tcp_port" ruleset="tcp")
template(name="fields" type="list" option.jsonf="on") {
	property(outname="app_name" name="app-name" format="jsonf")
	property(outname="programname" name="programname" format="jsonf")
	property(outname="tag" name="syslogtag" format="jsonf")
	property(outname="msgid" name="msgid" format="jsonf")
	property(outname="msg" name="msg" format="jsonf")
	property(outname="raw" name="rawmsg" format="jsonf")
	property(outname="hostname" name="hostname" format="jsonf")
	property(outname="pri" name="pri" format="jsonf")
}
ruleset(name="udp") {
	action(type="omfile" file="$RS/udp.jsonl" template="fields")
}
ruleset(name="tcp") {
	action(type="omfile" file="$RS/tcp.jsonl" template="fields")
}
EOF

# remote NAME TRANSPORT PORT [more YAML lines]
remote() {
	printf '  - name: %s\n    type: remote\n    transport: %s\n' "$1" "$2"
	printf '    address: 127.0.0.1\n    port: %s\n' "$3"
	shift 3
	for line in "$@"; do
		printf '    %s\n' "$line"
	done
}

# file NAME PATH FORMAT
file() {
	printf '  - name: %s\n    type: file\n    path: %s\n    format: %s\n' \
	    "$1" "$2" "$3"
}

run_config() {
	write_config "$T/nvmwatch.yaml" "$T/records.jsonl" \
	    "rules:" "  directory: $CONF/rules" "  macros: $CONF/macros" \
	    "  emit: first" "sinks:" "$(file ref "$T/ref.jsonl" json)" "$@"
	rm -f "$T/records.jsonl" "$T/ref.jsonl"
	"$NVMWATCHD" -n -f "$T/nvmwatch.yaml" >"$T/check.log" 2>&1 || {
		cat "$T/check.log" >&2
		fail "nvmwatchd -n refused the config"
	}
}

# rule_alerts: the rule's alerts in the last stats line.
rule_alerts() {
	grep -o "stats: rule=$RULE .*" "$T/daemon.log" | tail -n 1 |
	    tr ' ' '\n' | sed -n 's/^alerts=//p'
}

# batch SEED: one send run, waited for, then a tick so that every emit:
# first alert is out.
batch() {
	b_before=$(lines "$T/records.jsonl")
	nvm_send udp 127.0.0.1 "$port" "$T/truth$1.jsonl" "${SEND[@]}" -s "$1"
	wait_records "$T/records.jsonl" $((b_before + $(lines "$T/truth$1.jsonl")))
}

# usr1: SIGUSR1 (reopen and stats), waited for.
usr1() {
	u_before=$(grep -c "stats: sink=ref " "$T/daemon.log")
	kill -USR1 "$DAEMON_PID"
	wait_until 10 '[ "$(grep -c "stats: sink=ref " "$T/daemon.log")" -gt "$u_before" ]' ||
	    fail "no sink stats after SIGUSR1"
}

# check PYTHON-CODE ARGS...: runs the check, failing with its message.
check() {
	code=$1
	shift
	python3 -c "$code" "$@" >"$T/check.out" 2>&1 || {
		cat "$T/check.out" >&2
		fail "check failed"
	}
	cat "$T/check.out"
}

rs_start "$tcp_port"

# A. 1, 2 and 5.
run_config "$(remote siem-3164 udp "$udp_port" "protocol: rfc3164" \
    "max_message: 1024")" \
    "$(remote siem-lf tcp "$tcp_port" "protocol: rfc5424" "framing: lf")" \
    "$(file kv "$T/alerts.kv" kv)" "$(file cef "$T/alerts.cef" cef)"
start_daemon "$T/nvmwatch.yaml" 1
wait_until 10 'grep -q "sink siem-lf: connected" "$T/daemon.log"' ||
    fail "the TCP sink did not connect"
batch 21
sleep 1.5
mv "$T/alerts.kv" "$T/alerts.kv.1"
mv "$T/alerts.cef" "$T/alerts.cef.1"
mv "$T/ref.jsonl" "$T/ref.jsonl.1"
batch 22
sleep 1.5
usr1
at_usr1=$(rule_alerts)
batch 23
sleep 1.5
stop_daemon
[ "$DAEMON_RC" -eq 0 ] || fail "exit status $DAEMON_RC"
alerts=$(rule_alerts)
[ -n "$at_usr1" ] && [ "$at_usr1" -gt 5 ] && [ "$alerts" -gt "$at_usr1" ] ||
    fail "alerts: ${at_usr1:-none} at SIGUSR1, ${alerts:-none} in all"
for s in ref kv cef; do
	f=$T/alerts.$s
	[ "$s" = ref ] && f=$T/ref.jsonl
	[ "$(lines "$f.1")" -eq "$at_usr1" ] ||
	    fail "$f.1: $(lines "$f.1") lines, $at_usr1 alerts before SIGUSR1"
	[ "$(lines "$f")" -eq $((alerts - at_usr1)) ] ||
	    fail "$f: $(lines "$f") lines, $((alerts - at_usr1)) alerts after SIGUSR1"
	expect_sink_stat "$s" enqueued -eq "$alerts"
	expect_sink_stat "$s" sent -eq "$alerts"
	expect_sink_stat "$s" dropped -eq 0
	expect_sink_stat "$s" write_errors -eq 0
done
cat "$T/ref.jsonl.1" "$T/ref.jsonl" >"$T/ref.all"
cat "$T/alerts.kv.1" "$T/alerts.kv" >"$T/kv.all"
cat "$T/alerts.cef.1" "$T/alerts.cef" >"$T/cef.all"
wait_records "$RS/udp.jsonl" "$alerts"
wait_records "$RS/tcp.jsonl" "$alerts"
sleep 0.5	# nothing more
# 5. kv and cef, line for line against ref.
check '
import json, re, sys
ref = [json.loads(l) for l in open(sys.argv[1])]
kv = open(sys.argv[2]).read().split("\n")
cef = open(sys.argv[3]).read().split("\n")
assert kv[-1] == "" and cef[-1] == "", "no final newline"
kv, cef = kv[:-1], cef[:-1]
assert len(kv) == len(ref) == len(cef), (len(kv), len(ref), len(cef))
pair = re.compile(r"([A-Za-z0-9_.]+)=\"((?:[^\"\\]|\\.)*)\"( |$)")
def unesc(v):
    return re.sub(r"\\(x[0-9a-fA-F]{2}|.)", lambda m: {"n": "\n", "r": "\r",
        "t": "\t"}.get(m.group(1), m.group(1)) if len(m.group(1)) == 1
        else chr(int(m.group(1)[1:], 16)), v)
for a, line in zip(ref, kv):
    d, pos = {}, 0
    while pos < len(line):
        m = pair.match(line, pos)
        assert m, "kv: not key=\"value\" at %d: %r" % (pos, line[pos:pos+60])
        assert m.group(1) not in d, "kv: key twice: " + m.group(1)
        d[m.group(1)] = unesc(m.group(2))
        pos = m.end()
    assert d["rule"] == a["rule"] and d["rule_file"] == a["rule_file"], d
    assert d["emit"] == "first", d
    for k, v in a["fields"].items():
        if isinstance(v, str):
            assert d.get(k, d.get("nvmwatch_" + k)) == v, (k, v, d)
hdr = re.compile(r"CEF:0\|Cisco\|nvmwatch\|([^|\\]|\\.)+\|"
    r"((?:[^|\\]|\\.)+)\|((?:[^|\\]|\\.)+)\|5\|(.*)$")
for a, line in zip(ref, cef):
    m = hdr.match(line)
    assert m, "cef header: " + line[:200]
    assert m.group(2) == a["rule_file"], m.group(2)
    assert m.group(3).replace("\\|", "|").replace("\\\\", "\\") == a["rule"]
    ext = m.group(4)
    keys = re.findall(r"(?:^| )([A-Za-z0-9_]+)=", ext)
    assert len(keys) == len(set(keys)), "cef: key twice: %s" % keys
    assert "rt" in keys, ext
    src = a["fields"].get("src")
    if isinstance(src, str):
        assert re.search(r"(^| )src=%s( |$)" % re.escape(src), ext), (src, ext)
print("kv, cef: %d lines parsed" % len(ref))
' "$T/ref.all" "$T/kv.all" "$T/cef.all"
# 1. RFC 3164 over UDP, cut at 1024.
cut=$(check '
import json, re, sys
ref = open(sys.argv[1]).read().splitlines()
got = [json.loads(l) for l in open(sys.argv[2])]
host, mark = sys.argv[3], "...[truncated]"
assert len(got) == len(ref), (len(got), len(ref))
hdr = re.compile(r"<108>[A-Z][a-z]{2} [ 1-3][0-9] \d\d:\d\d:\d\d %s nvmwatch: "
    % re.escape(host))
cut, left = 0, list(ref)
for m in got:
    assert m["app_name"] == "nvmwatch" and m["programname"] == "nvmwatch", m
    assert m["tag"] == "nvmwatch:", m["tag"]
    assert m["pri"] == "108" and m["hostname"] == host, m
    raw = m["raw"].encode()
    h = hdr.match(m["raw"])
    assert h, m["raw"][:100]
    assert len(raw) <= 1024, len(raw)
    body = m["raw"][h.end():]
    if body in left:
        assert len(raw) <= 1024
        left.remove(body)
        continue
    assert body.endswith(mark), "neither an alert nor cut: " + body[-60:]
    pre = body[:-len(mark)]
    full = [l for l in left if l.startswith(pre) and
        h.end() + len(l.encode()) > 1024]
    assert full, "cut, but of no alert: " + pre[:80]
    assert len(raw) > 1024 - 4, "cut at %d" % len(raw)
    left.remove(full[0])
    cut += 1
assert not left, "%d alerts not received" % len(left)
print(cut)
' "$T/ref.all" "$RS/udp.jsonl" "$HOST")
[ "$cut" -gt 0 ] || fail "no 3164 message was cut; make the rows longer"
expect_sink_stat siem-3164 truncated -eq "$cut"
# 2. LF framing over TCP: once each, in order.
check '
import json, sys
ref = open(sys.argv[1]).read().splitlines()
got = [json.loads(l) for l in open(sys.argv[2])]
assert len(got) == len(ref), (len(got), len(ref))
for a, m in zip(ref, got):
    assert m["app_name"] == "nvmwatch", m["app_name"]
    assert m["msgid"] == sys.argv[3][:32], m["msgid"]
    assert m["raw"].startswith("<108>1 ") and m["raw"].endswith("] " + a), \
        m["raw"][-200:]
    assert "\n" not in m["raw"]
print("lf: %d alerts once, in order" % len(got))
' "$T/ref.all" "$RS/tcp.jsonl" "$RULE"
for s in siem-3164 siem-lf; do
	expect_sink_stat "$s" enqueued -eq "$alerts"
	expect_sink_stat "$s" sent -eq "$alerts"
	expect_sink_stat "$s" dropped -eq 0
	expect_sink_stat "$s" queue_depth -eq 0
	expect_sink_stat "$s" write_errors -eq 0
done
expect_sink_stat siem-lf truncated -eq 0
echo "A: $alerts alerts, $cut cut to 1024 (rfc3164), kv, cef, lf ok"

# B. 3. drop_newest, queue 3, the receiver down at start.
rs_stop
rm -f "$RS/tcp.jsonl"
run_config "$(remote siem tcp "$tcp_port" "queue: 3" "policy: drop_newest" \
    "reconnect_max: 1s")"
start_daemon "$T/nvmwatch.yaml" 1
batch 31
sleep 1.5
usr1
n=$(rule_alerts)
[ "$n" -gt 3 ] || fail "$n alerts, expected more than the queue"
expect_sink_stat siem enqueued -eq "$n"
expect_sink_stat siem sent -eq 0
expect_sink_stat siem queue_depth -eq 3
expect_sink_stat siem dropped -eq $((n - 3))
rs_start "$tcp_port"
wait_records "$RS/tcp.jsonl" 3
sleep 1	# nothing more
stop_daemon
[ "$DAEMON_RC" -eq 0 ] || fail "exit status $DAEMON_RC"
[ "$(lines "$T/ref.jsonl")" -eq "$n" ] || fail "ref has $(lines "$T/ref.jsonl") lines"
check '
import json, sys
ref = open(sys.argv[1]).read().splitlines()
got = [json.loads(l) for l in open(sys.argv[2])]
assert len(got) == 3, "%d arrived, expected 3" % len(got)
src = [json.loads(a)["fields"].get("src") for a in ref[:3]]
gsrc = [json.loads(m["msg"].lstrip(" "))["fields"].get("src") for m in got]
assert gsrc == src, (gsrc, src)
for a, m in zip(ref[:3], got):
    assert m["app_name"] == "nvmwatch" and m["raw"].endswith("] " + a)
print("drop_newest: the first 3 of %d arrived, src %s" % (len(ref), src))
' "$T/ref.jsonl" "$RS/tcp.jsonl"
expect_sink_stat siem enqueued -eq "$n"
expect_sink_stat siem sent -eq 3
expect_sink_stat siem dropped -eq $((n - 3))
expect_sink_stat siem queue_depth -eq 0
expect_sink_stat siem reconnects -eq 1

# C. 4. the receiver stopped while alerts flow.
rs_stop		# rsyslogd writes to the file it opened: a new one
rm -f "$RS/tcp.jsonl"
rs_start "$tcp_port"
run_config "$(remote siem tcp "$tcp_port" "queue: 10000" \
    "policy: drop_oldest" "reconnect_max: 1s")"
start_daemon "$T/nvmwatch.yaml" 1
wait_until 10 'grep -q "sink siem: connected" "$T/daemon.log"' ||
    fail "the TCP sink did not connect"
# Small batches every ~0.4 s over ~3 s; the alerts leave on each tick.
SEND=(-n 100 -e 4 --trigger-share 0.2 --duration 60 --start "$hour")
for seed in 41 42 43; do
	batch "$seed"
	sleep 0.3
done
rs_stop
for seed in 44 45; do
	batch "$seed"
	sleep 0.3
done
sleep 0.4
rs_start "$tcp_port"
for seed in 46 47 48; do
	batch "$seed"
	sleep 0.3
done
sleep 1.5
i=0
while usr1 && [ "$(sink_stat siem queue_depth)" != 0 ]; do
	i=$((i + 1))
	[ "$i" -lt 20 ] || fail "the queue did not empty"
	sleep 0.5
done
sleep 1	# rsyslogd writes what it got
stop_daemon
[ "$DAEMON_RC" -eq 0 ] || fail "exit status $DAEMON_RC"
total=$(rule_alerts)
[ "$(lines "$T/ref.jsonl")" -eq "$total" ] || fail "ref has $(lines "$T/ref.jsonl") lines, $total alerts"
enq=$(sink_stat siem enqueued)
sent=$(sink_stat siem sent)
dropped=$(sink_stat siem dropped)
depth=$(sink_stat siem queue_depth)
retries=$(sink_stat siem retries)
[ -n "$enq" ] && [ -n "$sent" ] && [ -n "$dropped" ] && [ -n "$depth" ] &&
    [ -n "$retries" ] || fail "sink siem: a counter is missing"
[ "$enq" -eq $((sent + dropped + depth)) ] ||
    fail "sink siem: enqueued=$enq, sent=$sent + dropped=$dropped +" \
    "queue_depth=$depth"
expect_sink_stat siem enqueued -eq "$total"
expect_sink_stat siem sent -eq "$total"
expect_sink_stat siem dropped -eq 0
expect_sink_stat siem queue_depth -eq 0
expect_sink_stat siem reconnects -ge 1
dups=$(check '
import json, sys
ref = open(sys.argv[1]).read().splitlines()
got = [json.loads(l) for l in open(sys.argv[2])]
dropped, retries = int(sys.argv[3]), int(sys.argv[4])
idx = {a: i for i, a in enumerate(ref)}
assert len(idx) == len(ref), "two equal alerts in ref"
seen = []
for m in got:
    assert m["app_name"] == "nvmwatch", m
    body = m["raw"].split("] ", 1)[1]
    assert body in idx, "not an alert: " + body[:100]
    seen.append(idx[body])
first = []
for i in seen:
    if i not in first:
        first.append(i)
assert first == sorted(first), "out of order"
if dropped == 0:
    lost = sorted(set(range(len(ref))) - set(seen))
    assert not lost, "%d lost, none dropped: %s" % (len(lost), lost[:20])
# A repeat is a resent run: each one the next after the one before it.
dups = 0
for k, i in enumerate(seen):
    if i in seen[:k]:
        dups += 1
        assert seen[k - 1] in (i - 1, max(seen[:k])), \
            ("resend out of order", seen[max(k - 3, 0):k + 3])
assert dups <= retries, (dups, retries)
print(dups)
' "$T/ref.jsonl" "$RS/tcp.jsonl" "$dropped" "$retries")
echo "C: $total alerts, each arrived, $dups twice (resent after the" \
    "connection was lost)"

# D. 6. queued file sinks: one that writes, one that cannot.
ln -sf /dev/full "$T/full.log"
rm -f "$T/alerts.fq"
run_config "$(file fq "$T/alerts.fq" json)" "    queue: 1000" \
    "    policy: drop_newest" "$(file full "$T/full.log" json)" \
    "    queue: 3" "    policy: drop_oldest" "    drain_timeout: 1s"
start_daemon "$T/nvmwatch.yaml" 1
SEND=(-n 400 -e 8 --trigger-share 0.1 --duration 60 --start "$hour")
batch 61
sleep 1.5	# the first retry of full
usr1
n=$(rule_alerts)
[ "$n" -gt 3 ] || fail "$n alerts, expected more than full's queue"
expect_sink_stat full enqueued -eq "$n"
expect_sink_stat full sent -eq 0
expect_sink_stat full queue_depth -eq 3
expect_sink_stat full dropped -eq $((n - 3))
expect_sink_stat full write_errors -gt 0
expect_sink_stat full retries -ge 1
stop_daemon
[ "$DAEMON_RC" -eq 0 ] || fail "exit status $DAEMON_RC"
total=$(rule_alerts)
[ "$total" -eq "$n" ] || fail "$total alerts at exit, $n at SIGUSR1"
[ "$(lines "$T/alerts.fq")" -eq "$n" ] ||
    fail "alerts.fq: $(lines "$T/alerts.fq") lines, $n alerts"
cmp -s "$T/ref.jsonl" "$T/alerts.fq" || fail "alerts.fq is not ref's lines"
expect_sink_stat fq enqueued -eq "$n"
expect_sink_stat fq sent -eq "$n"
expect_sink_stat fq dropped -eq 0
expect_sink_stat fq queue_depth -eq 0
expect_sink_stat fq write_errors -eq 0
expect_sink_stat full enqueued -eq "$n"
expect_sink_stat full sent -eq 0
expect_sink_stat full dropped -eq "$n"
expect_sink_stat full queue_depth -eq 0
grep -q "sink full: 3 alerts not sent" "$T/daemon.log" ||
    fail "no 'sink full: 3 alerts not sent' in the log"
echo "D: $n alerts: fq wrote each once, full dropped them all"
echo ok
