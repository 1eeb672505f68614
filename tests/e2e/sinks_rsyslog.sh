#!/bin/bash
# sinks_rsyslog.sh NVMWATCHD NVMWATCH SCRATCH - remote syslog sinks into a
# real rsyslogd on loopback, started here in the foreground:
#  1. the seed rule with emit: first, two sinks (UDP and TCP with octet
#     counting, RFC 5424): rsyslog parses every alert, once per transport,
#     with APP-NAME nvmwatch, MSGID the rule's short name cut to 32, the
#     structured data [nvmwatch@32473 rule="..." ...] and the JSON payload
#     as MSG;
#  2. a TCP sink with a queue of 5: rsyslogd is stopped after a first
#     batch, a second batch arrives while it is down, rsyslogd is started
#     again: the first batch and the last 5 of the second arrive exactly
#     once, and dropped counts the rest.
# Skipped (77) without rsyslogd, or while the config does not take sinks:.
. "$(dirname "$0")/e2e_lib.sh" "$@"
rsyslog_init

CONF=$(cd "$(dirname "$0")/../../conf" && pwd)
RULE=cisco_nvm___non_network_binary_making_network_connection
RULE_NAME="Cisco NVM - Non-Network Binary Making Network Connection"
port=$(free_port 127.0.0.1) || fail "no free port"
udp_port=$(free_port 127.0.0.1) || fail "no free port"
tcp_port=$(free_port 127.0.0.1) || fail "no free port"
LISTEN=$(listen_entry udp 127.0.0.1 "$port")
now=$(date +%s)
hour=$((now / 3600 * 3600))
SEND=(-n 400 -e 8 --trigger-share 0.1 --duration 60 --start "$hour")

# rsyslogd: UDP and TCP inputs on loopback, each writing what it parsed as
# one JSON object per message.
cat >"$RS/rsyslog.conf" <<EOF
global(workDirectory="$RS/work")
module(load="imudp")
module(load="imtcp")
input(type="imudp" address="127.0.0.1" port="$udp_port" ruleset="udp")
input(type="imtcp" address="127.0.0.1" port="$tcp_port" ruleset="tcp")
template(name="fields" type="list" option.jsonf="on") {
	property(outname="app_name" name="app-name" format="jsonf")
	property(outname="msgid" name="msgid" format="jsonf")
	property(outname="sd" name="structured-data" format="jsonf")
	property(outname="msg" name="msg" format="jsonf")
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

# sink_entry NAME TRANSPORT PORT [more YAML lines]
sink_entry() {
	printf '  - name: %s\n    type: remote\n    transport: %s\n' "$1" "$2"
	printf '    address: 127.0.0.1\n    port: %s\n    protocol: rfc5424\n' \
	    "$3"
	[ "$2" = tcp ] && printf '    framing: octet\n'
	shift 3
	for line in "$@"; do
		printf '    %s\n' "$line"
	done
}

run_config() {
	write_config "$T/nvmwatch.yaml" "$T/records.jsonl" \
	    "rules:" "  directory: $CONF/rules" "  macros: $CONF/macros" \
	    "  emit: first" "sinks:" "$@"
	rm -f "$T/records.jsonl"
	if ! "$NVMWATCHD" -n -f "$T/nvmwatch.yaml" >"$T/check.log" 2>&1; then
		if grep -q 'sinks' "$T/check.log"; then
			cat "$T/check.log"
			echo "SKIP: the config parser does not take sinks: yet"
			exit 77
		fi
		cat "$T/check.log" >&2
		fail "nvmwatchd -n refused the config"
	fi
}

# check_fields FILE N LIMIT: N messages, each parsed by rsyslog as ours,
# none twice; MSG is the JSON alert, or was cut at LIMIT bytes (the
# message's) and ends with the marker. Sets cut to the messages cut.
check_fields() {
	cut=$(python3 - "$1" "$2" "$RULE" "$RULE_NAME" "$(hostname)" "$3" \
	    <<'PY'
import json, sys
path, n, short, name, host, limit = sys.argv[1:]
cut = 0
lines = open(path).read().splitlines()
assert len(lines) == int(n), "%d messages, expected %s" % (len(lines), n)
seen = set()
for line in lines:
    m = json.loads(line)
    assert m["app_name"] == "nvmwatch", m["app_name"]
    assert m["msgid"] == short[:32], m["msgid"]
    assert m["pri"] == "108", m["pri"]	# facility 13, severity 4
    assert m["hostname"] == host[:255], m["hostname"]
    sd = m["sd"]
    assert sd.startswith('[nvmwatch@32473 rule="%s" ' % name), sd
    assert ' rule_file="%s"' % short in sd, sd
    assert ' emit="first"' in sd and sd.endswith('"]'), sd
    assert sd not in seen, "received twice: " + sd
    seen.add(sd)
    if m["msg"].endswith("...[truncated]"):
        cut += 1
        assert len(m["msg"]) < int(limit), len(m["msg"])
        continue
    a = json.loads(m["msg"])
    assert a["rule_file"] == short and a["rule"] == name, a
    assert a["emit"] == "first", a
    for k, v in a["fields"].items():
        if isinstance(v, str):
            assert ' %s="' % k in sd, (k, sd)
print(cut)
PY
	) || fail "$1: rsyslog did not parse what was expected"
}

rs_start "$tcp_port"

# 1. UDP and TCP, every alert once per transport.
run_config "$(sink_entry siem-udp udp "$udp_port")" \
    "$(sink_entry siem-tcp tcp "$tcp_port")"
start_daemon "$T/nvmwatch.yaml" 1
wait_until 10 'grep -q "sink siem-tcp: connected" "$T/daemon.log"' ||
    fail "the TCP sink did not connect"
nvm_send udp 127.0.0.1 "$port" "$T/truth.jsonl" "${SEND[@]}" -s 21
wait_records "$T/records.jsonl" "$(lines "$T/truth.jsonl")"
sleep 1.5	# a tick: every emit: first alert is out
stop_daemon
[ "$DAEMON_RC" -eq 0 ] || fail "exit status $DAEMON_RC"
alerts=$(grep -o "stats: rule=$RULE .*" "$T/daemon.log" | tail -n 1 |
    tr ' ' '\n' | sed -n 's/^alerts=//p')
[ -n "$alerts" ] && [ "$alerts" -gt 5 ] ||
    fail "the rule gave ${alerts:-no} alerts; expected more than 5"
wait_records "$RS/udp.jsonl" "$alerts"
wait_records "$RS/tcp.jsonl" "$alerts"
check_fields "$RS/udp.jsonl" "$alerts" 2048
expect_sink_stat siem-udp truncated -eq "$cut"
check_fields "$RS/tcp.jsonl" "$alerts" 65536
expect_sink_stat siem-tcp truncated -eq 0
for s in siem-udp siem-tcp; do
	expect_sink_stat "$s" enqueued -eq "$alerts"
	expect_sink_stat "$s" sent -eq "$alerts"
	expect_sink_stat "$s" dropped -eq 0
	expect_sink_stat "$s" queue_depth -eq 0
done

# 2. TCP with a queue of 5: the receiver goes away between two batches.
rs_stop
rm -f "$RS/tcp.jsonl"
rs_start "$tcp_port"
run_config "$(sink_entry siem-tcp tcp "$tcp_port" "queue: 5" \
    "policy: drop_oldest" "reconnect_max: 2s")"
start_daemon "$T/nvmwatch.yaml" 1
wait_until 10 'grep -q "sink siem-tcp: connected" "$T/daemon.log"' ||
    fail "the TCP sink did not connect"
nvm_send udp 127.0.0.1 "$port" "$T/truth.jsonl" "${SEND[@]}" -s 21
wait_records "$T/records.jsonl" "$(lines "$T/truth.jsonl")"
wait_records "$RS/tcp.jsonl" "$alerts"
rs_stop
wait_until 10 'grep -q "sink siem-tcp: .*retrying" "$T/daemon.log"' ||
    fail "the TCP sink did not see rsyslogd go"
n1=$(lines "$T/records.jsonl")
nvm_send udp 127.0.0.1 "$port" "$T/truth2.jsonl" "${SEND[@]}" -s 22
wait_records "$T/records.jsonl" $((n1 + $(lines "$T/truth2.jsonl")))
sleep 1.5	# a tick
kill -USR1 "$DAEMON_PID"
wait_until 10 '[ "$(grep -c "stats: sink=siem-tcp" "$T/daemon.log")" -ge 1 ]' ||
    fail "no sink stats after SIGUSR1"
total=$(grep -o "stats: rule=$RULE .*" "$T/daemon.log" | tail -n 1 |
    tr ' ' '\n' | sed -n 's/^alerts=//p')
second=$((total - alerts))
[ "$second" -gt 5 ] ||
    fail "the second batch gave $second alerts; expected more than the queue"
expect_sink_stat siem-tcp queue_depth -eq 5
expect_sink_stat siem-tcp dropped -eq $((second - 5))
rs_start "$tcp_port"
wait_records "$RS/tcp.jsonl" $((alerts + 5))
stop_daemon
[ "$DAEMON_RC" -eq 0 ] || fail "exit status $DAEMON_RC"
check_fields "$RS/tcp.jsonl" $((alerts + 5)) 65536
expect_sink_stat siem-tcp enqueued -eq "$total"
expect_sink_stat siem-tcp sent -eq $((alerts + 5))
expect_sink_stat siem-tcp dropped -eq $((second - 5))
expect_sink_stat siem-tcp queue_depth -eq 0
expect_sink_stat siem-tcp reconnects -ge 1
echo ok
