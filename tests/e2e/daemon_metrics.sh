#!/bin/bash
# daemon_metrics.sh NVMWATCHD NVMWATCH SCRATCH - the Prometheus endpoint:
#  1. metrics.address must be loopback: nvmwatchd -n names the file,
#     line and column, and the daemon does not start;
#  2. the seed rule with emit: first and a file sink; a known stream over
#     UDP; then GET /metrics: the exposition parses (prometheus_client's
#     parser), every metric has one HELP and one TYPE before its samples
#     and its samples together, and the values are exact: records sent,
#     the rule's matches and alerts, the sink's alerts, and every counter
#     of the listen, rule and sink lines of the stats: log (SIGUSR1) equal
#     to its metric;
#  3. HEAD answers 200 without a body, another path 404, POST 405, and
#     the endpoint counts them;
#  4. a second daemon whose metrics port is taken does not start and
#     names the address and port;
#  5. a reload that changes metrics: says it needs a restart, and the
#     endpoint stays where it was, counting the reload.
# Skipped (77) without python3-prometheus-client.
. "$(dirname "$0")/e2e_lib.sh" "$@"

PROM_PY=
for py in python3 /usr/bin/python3; do
	if "$py" -c 'import prometheus_client' 2>/dev/null; then
		PROM_PY=$py
		break
	fi
done
[ -n "$PROM_PY" ] || {
	echo "SKIP: python3-prometheus-client is not installed" \
	    "(scripts/install-deps.sh)"
	exit 77
}

CONF=$(cd "$(dirname "$0")/../../conf" && pwd)
RULE=cisco_nvm___non_network_binary_making_network_connection
port=$(free_port 127.0.0.1) || fail "no free port"
mport=$(free_port 127.0.0.1) || fail "no free port"
LISTEN=$(listen_entry udp 127.0.0.1 "$port")
now=$(date +%s)
hour=$((now / 3600 * 3600))
SEND=(-n 400 -e 8 -s 21 --trigger-share 0.1 --duration 60 --start "$hour")
URL=http://127.0.0.1:$mport

# http METHOD PATH: prints "STATUS", the Content-Type and Allow headers,
# and the body length; the body goes to $T/body.
http() {
	python3 - "$1" "$URL$2" "$T/body" <<'PY'
import sys, urllib.error, urllib.request
req = urllib.request.Request(sys.argv[2], method=sys.argv[1])
try:
    r = urllib.request.urlopen(req, timeout=10)
except urllib.error.HTTPError as e:
    r = e
body = r.read()
open(sys.argv[3], "wb").write(body)
print(r.status, r.headers.get("Content-Type"), r.headers.get("Allow"),
    len(body), sep="|")
PY
}

# scrape FILE: GET /metrics into FILE (200 and the exposition's type).
scrape() {
	got=$(http GET /metrics) || fail "GET /metrics failed"
	[ "$got" = "200|text/plain; version=0.0.4; charset=utf-8|None|$(wc -c \
	    <"$T/body" | tr -d ' ')" ] || fail "GET /metrics: $got"
	mv "$T/body" "$1"
}

# 1. Only loopback.
cat >"$T/public.yaml" <<'YAML'
metrics:
  address: 192.0.2.1
YAML
timeout 10 "$NVMWATCHD" -n -f "$T/public.yaml" 2>"$T/public.err"
rc=$?
[ "$rc" -eq 1 ] || fail "-n with a public metrics address exited $rc"
[ "$(cat "$T/public.err")" = "$T/public.yaml:2:12: metrics.address: \"192.0.2.1\" is not a loopback address (the endpoint has no authentication; put a proxy in front)" ] ||
    fail "unexpected error: $(cat "$T/public.err")"
timeout 10 "$NVMWATCHD" -d -f "$T/public.yaml" 2>/dev/null
[ $? -eq 1 ] || fail "the daemon started with a public metrics address"

# 2. A known stream, then the exposition.
write_config "$T/nvmwatch.yaml" "$T/records.jsonl" \
    "rules:" "  directory: $CONF/rules" "  macros: $CONF/macros" \
    "  emit: first" "alerts:" "  file: $T/alerts.jsonl" \
    "sinks:" "  - name: ref" "    type: file" "    path: $T/ref.jsonl" \
    "    format: json" \
    "metrics:" "  address: 127.0.0.1" "  port: $mport"
rm -f "$T/records.jsonl" "$T/alerts.jsonl" "$T/ref.jsonl"
t0=$(date +%s)
start_daemon "$T/nvmwatch.yaml" 1
t1=$(date +%s)
grep -q "metrics on $URL/metrics" "$T/daemon.log" ||
    fail "the endpoint is not logged"
nvm_send udp 127.0.0.1 "$port" "$T/truth.jsonl" "${SEND[@]}"
n=$(lines "$T/truth.jsonl")
wait_records "$T/records.jsonl" "$n"
# emit: first: every alert is out once its record is decoded.
groups=$(lines "$T/alerts.jsonl")
[ "$groups" -gt 5 ] || fail "$groups alerts; the stream has 40 triggering flows"
[ "$(lines "$T/ref.jsonl")" -eq "$groups" ] || fail "the sink missed alerts"
scrape "$T/m1.txt"
usr1_stats

# check_exposition FILE KEY=VALUE...: the format, then each
# "metric{labels}" (as printed) has the value.
check_exposition() {
	"$PROM_PY" - "$@" <<'PY' || fail "the exposition in $1 is wrong"
import re, sys
from prometheus_client.parser import text_string_to_metric_families
text = open(sys.argv[1]).read()
ok = True
def bad(msg):
    global ok
    ok = False
    print("exposition:", msg, file=sys.stderr)
# The parser: every family typed and documented.
families = list(text_string_to_metric_families(text))
for f in families:
    if f.type not in ("counter", "gauge"):
        bad("%s: type %s" % (f.name, f.type))
    if not f.documentation:
        bad("%s: no help" % f.name)
# The text itself: HELP then TYPE once per metric, then its samples, all
# together; names nvmwatch_..., counters ending in _total.
name_re = re.compile(r"[a-zA-Z_:][a-zA-Z0-9_:]*$")
seen, cur, kind, values = set(), None, None, {}
for line in text.splitlines():
    m = re.match(r"# (HELP|TYPE) (\S+) (.*)$", line)
    if m and m.group(1) == "HELP":
        if m.group(2) in seen:
            bad("%s: second HELP" % m.group(2))
        cur, kind = m.group(2), None
        seen.add(cur)
        continue
    if m:
        if m.group(2) != cur or kind is not None:
            bad("TYPE without its HELP: " + line)
        kind = m.group(3)
        continue
    m = re.match(r"([^{ ]+)(\{[^}]*\})? (\d+)$", line)
    if not m or m.group(1) != cur or kind is None:
        bad("sample out of place: " + line)
        continue
    if not name_re.match(cur) or not cur.startswith("nvmwatch_"):
        bad("bad name " + cur)
    if (kind == "counter") != cur.endswith("_total"):
        bad("%s is a %s" % (cur, kind))
    values[m.group(1) + (m.group(2) or "")] = int(m.group(3))
if len(seen) != len(families):
    bad("%d HELP lines, %d families" % (len(seen), len(families)))
for kv in sys.argv[2:]:
    k, v = kv.rsplit("=", 1)
    if values.get(k) != int(v):
        bad("%s = %s, expected %s" % (k, values.get(k), v))
sys.exit(0 if ok else 1)
PY
}

# stat_metrics PROM GROUP LABEL LINE: KEY=VALUE for every counter of a
# stats: line, as the metric of GROUP (LABEL: {rule="..."} or empty).
stat_metrics() {
	grep -o "stats: $4 .*" "$T/daemon.log" | tail -n 1 |
	    sed "s/^stats: $4 //" | tr ' ' '\n' | while IFS== read -r k v; do
		if grep -q "^nvmwatch_$2_${k}_total$3 " "$1"; then
			echo "nvmwatch_$2_${k}_total$3=$v"
		else
			echo "nvmwatch_$2_$k$3=$v"
		fi
	done
}

# The listen counters of the main stats line (udp_... and tcp_...).
listen_metrics() {
	stats_totals | tail -n 1 | tr ' ' '\n' | grep -E '^(udp|tcp)_' |
	    while IFS== read -r k v; do
		if [ "$k" = tcp_live ]; then
			echo "nvmwatch_listen_$k=$v"
		else
			echo "nvmwatch_listen_${k}_total=$v"
		fi
	done
}

rl="{rule=\"$RULE\"}"
# shellcheck disable=SC2046
check_exposition "$T/m1.txt" \
    "nvmwatch_daemon_records_total=$n" \
    "nvmwatch_daemon_rules_loaded=1" \
    "nvmwatch_ipfix_records_total=$n" \
    "nvmwatch_records_file_records_written_total=$n" \
    "nvmwatch_rule_matched_total$rl=40" \
    "nvmwatch_rule_alerts_total$rl=$groups" \
    "nvmwatch_rule_rows_first_total$rl=$groups" \
    "nvmwatch_alerts_file_written_total=$groups" \
    "nvmwatch_sink_enqueued_total{sink=\"ref\"}=$groups" \
    "nvmwatch_sink_sent_total{sink=\"ref\"}=$groups" \
    "nvmwatch_sink_dropped_total{sink=\"ref\"}=0" \
    "nvmwatch_sink_queue_depth{sink=\"ref\"}=0" \
    "nvmwatch_listen_udp_datagrams_total=$(stat udp_datagrams)" \
    "nvmwatch_metrics_requests_total=1" \
    "nvmwatch_metrics_not_found_total=0" \
    $(listen_metrics) \
    $(stat_metrics "$T/m1.txt" rule "$rl" "rule=$RULE") \
    $(stat_metrics "$T/m1.txt" sink '{sink="ref"}' "sink=ref")
[ "$(stat udp_datagrams)" -gt 0 ] || fail "no datagrams counted"
start=$(sed -n 's/^nvmwatch_daemon_start_time_seconds //p' "$T/m1.txt")
[ "$start" -ge "$t0" ] && [ "$start" -le "$t1" ] ||
    fail "start time $start, not in [$t0, $t1]"
# Not per exporter: the sessions are in the stats: lines only.
! grep -q 'exporter=' "$T/m1.txt" || fail "per-exporter series"

# 3. HEAD, another path, another method.
got=$(http HEAD /metrics)
[ "$got" = "200|text/plain; version=0.0.4; charset=utf-8|None|0" ] ||
    fail "HEAD /metrics: $got"
got=$(http GET /other)
[ "${got%%|*}" = 404 ] || fail "GET /other: $got"
got=$(http POST /metrics)
[ "$got" = "405|text/plain; charset=utf-8|GET, HEAD|23" ] ||
    fail "POST /metrics: $got"
scrape "$T/m2.txt"
check_exposition "$T/m2.txt" \
    "nvmwatch_metrics_requests_total=5" \
    "nvmwatch_metrics_not_found_total=1" \
    "nvmwatch_metrics_errors_total=1" \
    "nvmwatch_daemon_records_total=$n"

# 4. The metrics port is taken: a second daemon does not start.
port2=$(free_port 127.0.0.1) || fail "no free port"
sed "s/port: $port\$/port: $port2/" "$T/nvmwatch.yaml" >"$T/second.yaml"
sed -i "s|$T/records.jsonl|$T/records2.jsonl|" "$T/second.yaml"
timeout 10 "$NVMWATCHD" -d -f "$T/second.yaml" 2>"$T/second.err"
rc=$?
[ "$rc" -eq 1 ] || fail "a second daemon on the metrics port exited $rc"
grep -q "bind metrics 127.0.0.1:$mport: Address already in use" \
    "$T/second.err" || fail "the bind failure: $(cat "$T/second.err")"

# 5. A reload does not move the endpoint: the change waits for a restart.
sed -i "s/port: $mport\$/port: $port2/" "$T/nvmwatch.yaml"
kill -HUP "$DAEMON_PID"
msg="reload: metrics: changed; the new settings take effect at the next restart"
wait_until 10 'grep -qF "$msg" "$T/daemon.log"' ||
    fail "the reload did not report the metrics: change"
scrape "$T/m3.txt"
check_exposition "$T/m3.txt" "nvmwatch_daemon_reloads_total=1" \
    "nvmwatch_daemon_reload_failures_total=0" \
    "nvmwatch_daemon_records_total=$n"

stop_daemon
[ "$DAEMON_RC" -eq 0 ] || fail "exit status $DAEMON_RC"
echo ok
