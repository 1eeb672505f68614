#!/bin/bash
# daemon_reload.sh NVMWATCHD NVMWATCH SCRATCH - a reload under load:
#  1. two rules count the flows; after a first stream, one rule changes
#     and the config gains a second listener and a file sink; SIGHUP:
#     the unchanged rule keeps its open group, the changed one flushes its
#     old group (partial) and starts again; listeners and sinks reopen;
#  2. a broken config, a broken rule, a route to a sink that does not
#     exist, a listener whose port is taken: each refused with its error,
#     the daemon keeps the configuration it had, its listeners and its
#     open groups;
#  3. a changed sessions: section is reported at each reload (it needs a
#     restart);
#  4. at SIGTERM the unchanged rule's alert counts the flows of every
#     stream, before and after the reloads; the changed rule's counts only
#     those after; the new sink got the alerts after its reload.
. "$(dirname "$0")/e2e_lib.sh" "$@"

port=$(free_port 127.0.0.1) || fail "no free port"
port2=$(free_port 127.0.0.1) || fail "no free port"
# A 30-day window that the streams fall early into: it stays open for the
# whole test (it closes 10 minutes after its end, at the earliest).
W=2592000
start=$(( $(date +%s) / W * W + 60 ))
mkdir -p "$T/rules"

# rule FILE AS: counts every flow, as AS.
rule() {
	printf '%s\n' "name: reload $1" \
	    "search: sourcetype=\"cisco:nvm:flowdata\" | stats count as $2" \
	    "nvmwatch:" "  window: 30d" >"$T/rules/$1.yml"
}

# config one|two|syslog [extra lines]: UDP and TCP on $port; "two" adds
# UDP on $port2, "syslog" the same as a syslog listener.
config() {
	LISTEN="$(listen_entry udp 127.0.0.1 "$port")
$(listen_entry tcp 127.0.0.1 "$port")"
	[ "$1" != one ] && LISTEN="$LISTEN
$(listen_entry udp 127.0.0.1 "$port2")"
	[ "$1" = syslog ] && LISTEN="$LISTEN
    format: syslog"
	shift
	write_config "$T/nvmwatch.yaml" "$T/records.jsonl" \
	    "rules:" "  directory: rules" "  macros: ~" \
	    "alerts:" "  file: $T/alerts.jsonl" "$@"
}

# flows TRUTH: the flow records in a truth file.
flows() {
	grep -c '"da":' "$1"
}

# reload_and_wait PATTERN: SIGHUP, then waits for the log line.
reload_and_wait() {
	rw_pattern=$1
	rw_before=$(grep -c "$rw_pattern" "$T/daemon.log")
	kill -HUP "$DAEMON_PID"
	wait_until 10 '[ "$(grep -c "$rw_pattern" "$T/daemon.log")" -gt \
	    "$rw_before" ]' || fail "no log line: $rw_pattern"
}

# alert RULE: the fields of RULE's alerts, one JSON object per line.
alert_fields() {
	python3 -c '
import json, sys
for line in open(sys.argv[1]):
    a = json.loads(line)
    if a["rule"] == sys.argv[2]:
        print(json.dumps(a["fields"], sort_keys=True), a["partial"])' "$@"
}

rule same same
rule changes before
config one
# Started with a relative -f (as the README does): reloads read the same
# file, and the rules keep their windows all the same.
CONFPATH=$(cd "$T" && pwd -P)/nvmwatch.yaml
cd "$T"
start_daemon nvmwatch.yaml 2
# An exporter's TCP connection, idle, held open (bounded: 30 s).
python3 -c 'import socket, sys, time
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
open(sys.argv[2], "w").close()
time.sleep(30)' "$port" "$T/tcp.held" &
TCPHOLD=$!
trap 'e2e_cleanup; kill "$TCPHOLD" 2>/dev/null' EXIT
wait_until 10 '[ -f "$T/tcp.held" ]' || fail "no TCP connection"
nvm_send udp 127.0.0.1 "$port" "$T/truth1.jsonl" -n 300 -e 3 -s 1 \
    --start "$start" --duration 60
n1=$(flows "$T/truth1.jsonl")
total=$(lines "$T/truth1.jsonl")
wait_records "$T/records.jsonl" "$total"
[ "$(lines "$T/alerts.jsonl")" -eq 0 ] || fail "alerts before any reload"

# 1. One rule changes, a listener and a sink are added.
rule changes after
config two "sinks:" "  - name: extra" "    type: file" \
    "    path: $T/sink.jsonl"
reload_and_wait "reloaded "
grep -q "reloaded $CONFPATH: 2 rules (1 kept with their windows, 1 changed, 0 new, 0 removed); listeners: 1 opened, 0 closed, 2 kept; sinks: 1 opened, 0 closed, 0 kept$" \
    "$T/daemon.log" || fail "reload summary"
# The listeners that stayed configured stayed open: the connection too.
usr1_stats
expect_stat tcp_live -eq 1
expect_stat tcp_closed -eq 0
[ "$(alert_fields "$T/alerts.jsonl" "reload changes")" = \
    "{\"before\": $n1} True" ] ||
    fail "the changed rule's old group: $(cat "$T/alerts.jsonl")"
nvm_send udp 127.0.0.1 "$port2" "$T/truth2.jsonl" -n 200 -e 2 -s 2 \
    --start "$start" --duration 60
n2=$(flows "$T/truth2.jsonl")
total=$((total + $(lines "$T/truth2.jsonl")))
wait_records "$T/records.jsonl" "$total"

# 2. Refused reloads: nothing changes.
cp "$T/nvmwatch.yaml" "$T/good.yaml"
printf 'udp:\n  batch: 0\n' >>"$T/nvmwatch.yaml"
reload_and_wait "reload refused"
grep -q "reload refused, still running the previous configuration: $CONFPATH:[0-9]*:10: udp.batch: 0 is out of range 1..1024$" \
    "$T/daemon.log" || fail "the broken config's error"
cp "$T/good.yaml" "$T/nvmwatch.yaml"
printf 'name: broken\nsearch: a=1 | stats nosuch(x)\n' >"$T/rules/broken.yml"
reload_and_wait "reload: $T/rules/broken.yml"
grep -q "reload refused, still running the previous configuration: $T/rules/broken.yml:2:21: search: unsupported stats function 'nosuch'$" \
    "$T/daemon.log" || fail "the broken rule's error"
rm "$T/rules/broken.yml"
printf '  sinks: [nowhere]\n' >>"$T/rules/same.yml"
reload_and_wait "unknown sink"
grep -q "reload refused, still running the previous configuration: .*same.yml: unknown sink nowhere" \
    "$T/daemon.log" || fail "the unknown route's error"
rule same same
# A listener that cannot bind (another socket holds its port): the others
# are as they were, not even closed.
port3=$(free_port 127.0.0.1) || fail "no free port"
python3 -c 'import socket, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", int(sys.argv[1])))
open(sys.argv[2], "w").close()
time.sleep(20)' "$port3" "$T/held" &
HOLDER=$!
wait_until 10 '[ -f "$T/held" ]' || fail "the port holder did not start"
port2_was=$port2
port2=$port3
config two "sinks:" "  - name: extra" "    type: file" \
    "    path: $T/sink.jsonl"
reload_and_wait "reload refused"
kill "$HOLDER"
wait "$HOLDER" 2>/dev/null
grep -q "reload refused, still running the previous configuration: $CONFPATH: listen: cannot open the new listeners (the log says why); the others are as they were$" \
    "$T/daemon.log" || fail "the busy port's error"
usr1_stats
expect_stat tcp_closed -eq 0
port2=$port2_was
config two "sinks:" "  - name: extra" "    type: file" \
    "    path: $T/sink.jsonl"
[ "$(grep -c "reload refused" "$T/daemon.log")" -eq 4 ] ||
    fail "not 4 refused reloads"
# A section that needs a restart: said at every reload until then.
cp "$T/nvmwatch.yaml" "$T/good.yaml"
printf 'sessions:\n  max: 100\n' >>"$T/nvmwatch.yaml"
for i in 1 2; do
	reload_and_wait "; sessions: changed, needs a restart$"
done
cp "$T/good.yaml" "$T/nvmwatch.yaml"
# Still the same rules, windows and listeners: a third stream, to the
# second listener, counts for both.
nvm_send udp 127.0.0.1 "$port2" "$T/truth3.jsonl" -n 100 -e 1 -s 3 \
    --start "$start" --duration 60
n3=$(flows "$T/truth3.jsonl")
total=$((total + $(lines "$T/truth3.jsonl")))
wait_records "$T/records.jsonl" "$total"

# A new allow-list applies to open connections too: the exporter's goes,
# counted denied.
# A second sink comes; the first is kept as it is.
config two "sinks:" "  - name: extra" "    type: file" \
    "    path: $T/sink.jsonl" "  - name: second" "    type: file" \
    "    path: $T/second.jsonl" "allow:" "  - 10.0.0.0/8"
reload_and_wait "listeners: 0 opened, 0 closed, 3 kept; sinks: 1 opened, 0 closed, 1 kept$"
grep -qx "closed 1 connection that the allow-list no longer allows" \
    "$T/daemon.log" || fail "no log line for the closed connection"
usr1_stats
expect_stat tcp_closed -eq 1
expect_stat tcp_denied -eq 1
expect_stat tcp_live -eq 0
# Another format on a port already bound: only closing everything and
# opening again can do it.
config syslog "sinks:" "  - name: extra" "    type: file" \
    "    path: $T/sink.jsonl" "  - name: second" "    type: file" \
    "    path: $T/second.jsonl"
reload_and_wait "listeners reopened; sinks unchanged$"

# 4. The stop flushes.
stop_daemon
[ "$DAEMON_RC" -eq 0 ] || fail "exit status $DAEMON_RC"
[ "$(alert_fields "$T/alerts.jsonl" "reload same")" = \
    "{\"same\": $((n1 + n2 + n3))} True" ] ||
    fail "the unchanged rule: $(alert_fields "$T/alerts.jsonl" "reload same"), expected $((n1 + n2 + n3))"
[ "$(alert_fields "$T/alerts.jsonl" "reload changes")" = \
    "{\"before\": $n1} True
{\"after\": $((n2 + n3))} True" ] ||
    fail "the changed rule: $(alert_fields "$T/alerts.jsonl" "reload changes")"
[ "$(lines "$T/sink.jsonl")" -eq 2 ] ||
    fail "the new sink has $(lines "$T/sink.jsonl") alerts, expected 2"
cmp -s "$T/sink.jsonl" "$T/second.jsonl" ||
    fail "the second sink did not get the same alerts"
# The listeners' counters are totals since the start, across reopening.
expect_stat udp_datagrams -eq "$(stat messages)"
expect_rule_stat same matched -eq $((n1 + n2 + n3))
expect_rule_stat changes matched -eq $((n2 + n3))
echo "ok: reload kept 1 rule's group across $n1 + $n2 + $n3 flows; 4 bad reloads refused"
