#!/bin/bash
# sinks_tls.sh NVMWATCHD NVMWATCH SCRATCH - a remote syslog sink over TLS
# (RFC 5425) into a real rsyslogd on loopback, with its ossl stream driver
# and certificates made here by the openssl command:
#  1. the seed rule with emit: first and a tls sink (peer name localhost,
#     octet counting): rsyslog parses every alert once, with APP-NAME
#     nvmwatch, MSGID the rule's short name and the structured data;
#  2. the same sink beside two that must not connect, one trusting the
#     wrong CA and one checking the wrong peer name: they send nothing,
#     count tls_failures, and the daemon and the good sink carry on.
# Skipped (77) without rsyslogd, its lmnsd_ossl module or openssl.
. "$(dirname "$0")/e2e_lib.sh" "$@"
rsyslog_init

ossl=
for f in /usr/lib/*/rsyslog/lmnsd_ossl.so /usr/lib/rsyslog/lmnsd_ossl.so; do
	[ -f "$f" ] && ossl=$f
done
[ -n "$ossl" ] || {
	echo "SKIP: rsyslog's openssl driver is not installed (rsyslog-openssl)"
	exit 77
}
command -v openssl >/dev/null 2>&1 || {
	echo "SKIP: the openssl command is not installed"
	exit 77
}
CONF=$(cd "$(dirname "$0")/../../conf" && pwd)
RULE=cisco_nvm___non_network_binary_making_network_connection
RULE_NAME="Cisco NVM - Non-Network Binary Making Network Connection"
port=$(free_port 127.0.0.1) || fail "no free port"
tls_port=$(free_port 127.0.0.1) || fail "no free port"
LISTEN=$(listen_entry udp 127.0.0.1 "$port")
now=$(date +%s)
hour=$((now / 3600 * 3600))
SEND=(-n 400 -e 8 --trigger-share 0.1 --duration 60 --start "$hour")

# Certificates: a CA, the server's (localhost and 127.0.0.1) signed by it,
# and a second CA that signed nothing we meet.
pki() {
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 \
	    -nodes -keyout "$RS/ca.key" -out "$RS/ca.pem" -days 2 \
	    -subj "/CN=nvmwatch test CA" &&
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 \
	    -nodes -keyout "$RS/wrong.key" -out "$RS/wrong.pem" -days 2 \
	    -subj "/CN=nvmwatch wrong CA" &&
	openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 \
	    -nodes -keyout "$RS/server.key" -out "$RS/server.csr" \
	    -subj "/CN=localhost" &&
	printf '%s\n' "subjectAltName=DNS:localhost,IP:127.0.0.1" \
	    "basicConstraints=CA:FALSE" "extendedKeyUsage=serverAuth" \
	    >"$RS/server.ext" &&
	openssl x509 -req -in "$RS/server.csr" -CA "$RS/ca.pem" \
	    -CAkey "$RS/ca.key" -CAcreateserial -out "$RS/server.pem" \
	    -days 2 -extfile "$RS/server.ext"
}
pki >"$RS/pki.log" 2>&1 || { cat "$RS/pki.log" >&2; fail "openssl"; }
chmod 600 "$RS"/*.key

cat >"$RS/rsyslog.conf" <<EOF
global(workDirectory="$RS/work"
    DefaultNetstreamDriver="ossl"
    DefaultNetstreamDriverCAFile="$RS/ca.pem"
    DefaultNetstreamDriverCertFile="$RS/server.pem"
    DefaultNetstreamDriverKeyFile="$RS/server.key")
module(load="imtcp")
input(type="imtcp" address="127.0.0.1" port="$tls_port" ruleset="tls"
    StreamDriver.Name="ossl" StreamDriver.Mode="1"
    StreamDriver.AuthMode="anon")
template(name="fields" type="list" option.jsonf="on") {
	property(outname="app_name" name="app-name" format="jsonf")
	property(outname="msgid" name="msgid" format="jsonf")
	property(outname="sd" name="structured-data" format="jsonf")
	property(outname="msg" name="msg" format="jsonf")
	property(outname="hostname" name="hostname" format="jsonf")
	property(outname="pri" name="pri" format="jsonf")
}
ruleset(name="tls") {
	action(type="omfile" file="$RS/tls.jsonl" template="fields")
}
EOF

rs_start "$tls_port"

# tls_sink NAME [more YAML lines]
tls_sink() {
	printf '  - name: %s\n    type: remote\n    transport: tls\n' "$1"
	printf '    address: 127.0.0.1\n    port: %s\n' "$tls_port"
	shift
	for line in "$@"; do
		printf '    %s\n' "$line"
	done
}
GOOD=$(tls_sink siem-tls "tls_ca_file: $RS/ca.pem" "tls_peer_name: localhost")

run_config() {
	write_config "$T/nvmwatch.yaml" "$T/records.jsonl" \
	    "rules:" "  directory: $CONF/rules" "  macros: $CONF/macros" \
	    "  emit: first" "sinks:" "$@"
	rm -f "$T/records.jsonl"
	"$NVMWATCHD" -n -f "$T/nvmwatch.yaml" >"$T/check.log" 2>&1 || {
		cat "$T/check.log" >&2
		fail "nvmwatchd -n refused the config"
	}
}

# check_fields N: N messages in tls.jsonl, each ours, none twice.
check_fields() {
	python3 - "$RS/tls.jsonl" "$1" "$RULE" "$RULE_NAME" "$(hostname)" \
	    <<'PY' || fail "rsyslog did not parse what was expected"
import json, sys
path, n, short, name, host = sys.argv[1:]
lines = open(path).read().splitlines()
assert len(lines) == int(n), "%d messages, expected %s" % (len(lines), n)
seen = set()
for line in lines:
    m = json.loads(line)
    assert m["app_name"] == "nvmwatch", m["app_name"]
    assert m["msgid"] == short[:32], m["msgid"]
    assert m["pri"] == "108", m["pri"]
    assert m["hostname"] == host[:255], m["hostname"]
    sd = m["sd"]
    assert sd.startswith('[nvmwatch@32473 rule="%s" ' % name), sd
    assert ' rule_file="%s"' % short in sd, sd
    assert ' emit="first"' in sd and sd.endswith('"]'), sd
    assert sd not in seen, "received twice: " + sd
    seen.add(sd)
    a = json.loads(m["msg"])
    assert a["rule_file"] == short and a["rule"] == name, a
PY
}

rule_alerts() {
	grep -o "stats: rule=$RULE .*" "$T/daemon.log" | tail -n 1 |
	    tr ' ' '\n' | sed -n 's/^alerts=//p'
}

# 1. The good sink alone: every alert once.
run_config "$GOOD"
start_daemon "$T/nvmwatch.yaml" 1
wait_until 10 'grep -q "sink siem-tls: connected" "$T/daemon.log"' || {
	cat "$T/daemon.log" "$RS/log" >&2
	fail "the TLS sink did not connect"
}
nvm_send udp 127.0.0.1 "$port" "$T/truth.jsonl" "${SEND[@]}" -s 21
wait_records "$T/records.jsonl" "$(lines "$T/truth.jsonl")"
sleep 1.5	# a tick: every emit: first alert is out
stop_daemon
[ "$DAEMON_RC" -eq 0 ] || fail "exit status $DAEMON_RC"
alerts=$(rule_alerts)
[ -n "$alerts" ] && [ "$alerts" -gt 5 ] ||
    fail "the rule gave ${alerts:-no} alerts; expected more than 5"
wait_records "$RS/tls.jsonl" "$alerts"
check_fields "$alerts"
for k in sent enqueued; do
	expect_sink_stat siem-tls "$k" -eq "$alerts"
done
expect_sink_stat siem-tls dropped -eq 0
expect_sink_stat siem-tls tls_failures -eq 0

# 2. Beside it, a sink that trusts the wrong CA and one that expects
# another name: they never connect, and send nothing.
rm -f "$RS/tls.jsonl"
kill -HUP "$RS_PID"	# omfile lets go of the file removed
run_config "$GOOD" \
    "$(tls_sink wrong-ca "tls_ca_file: $RS/wrong.pem" \
    "tls_peer_name: localhost" "reconnect_max: 1s" "drain_timeout: 1s")" \
    "$(tls_sink wrong-name "tls_ca_file: $RS/ca.pem" \
    "tls_peer_name: siem.invalid" "reconnect_max: 1s" "drain_timeout: 1s")"
start_daemon "$T/nvmwatch.yaml" 1
wait_until 10 'grep -q "sink siem-tls: connected" "$T/daemon.log"' ||
    fail "the TLS sink did not connect"
wait_until 10 'grep -q "sink wrong-ca: .*certificate.*retrying" \
    "$T/daemon.log"' || fail "no certificate error for the wrong CA"
wait_until 10 'grep -q "sink wrong-name: .*certificate.*retrying" \
    "$T/daemon.log"' || fail "no certificate error for the wrong name"
nvm_send udp 127.0.0.1 "$port" "$T/truth.jsonl" "${SEND[@]}" -s 21
wait_records "$T/records.jsonl" "$(lines "$T/truth.jsonl")"
sleep 2.5	# a tick, and another try of the bad sinks
kill -0 "$DAEMON_PID" || fail "the daemon died"
kill -USR1 "$DAEMON_PID"
wait_until 10 'grep -q "stats: sink=wrong-name" "$T/daemon.log"' ||
    fail "no sink stats after SIGUSR1"
expect_sink_stat wrong-ca tls_failures -ge 2
expect_sink_stat wrong-name tls_failures -ge 2
expect_sink_stat wrong-ca sent -eq 0
expect_sink_stat wrong-name sent -eq 0
stop_daemon
[ "$DAEMON_RC" -eq 0 ] || fail "exit status $DAEMON_RC"
wait_records "$RS/tls.jsonl" "$alerts"
sleep 0.5	# nothing more comes
check_fields "$alerts"
expect_sink_stat siem-tls sent -eq "$alerts"
expect_sink_stat siem-tls tls_failures -eq 0
for s in wrong-ca wrong-name; do
	expect_sink_stat "$s" sent -eq 0
	expect_sink_stat "$s" dropped -eq "$alerts"
done
grep "sink wrong-ca: " "$T/daemon.log" | head -n 1
echo ok
