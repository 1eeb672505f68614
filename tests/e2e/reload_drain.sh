#!/bin/bash
# reload_drain.sh NVMWATCHD NVMWATCH SCRATCH - sinks a reload replaced
# while they still held alerts, at the stop:
#  1. a remote sink whose SIEM is down holds an alert; a reload changes
#     its drain_timeout (2s to 3s), so the old sink retires, still holding
#     it, and the new one gets the next alert;
#  2. SIGTERM: both drain in the same loop, within the current sinks'
#     drain_timeout (3 s), not one after the other (2 + 3 s); each alert
#     left is logged and counted dropped, under the one sink name, whose
#     counters add up across the two sets.
. "$(dirname "$0")/e2e_lib.sh" "$@"

port=$(free_port 127.0.0.1) || fail "no free port"
dead=$(free_port 127.0.0.1) || fail "no free port"
LISTEN=$(listen_entry udp 127.0.0.1 "$port")
mkdir -p "$T/rules"
printf '%s\n' "name: every flow" \
    "search: sourcetype=\"cisco:nvm:flowdata\" | table dest" \
    >"$T/rules/all.yml"

# config SECONDS: the sink's drain_timeout.
config() {
	write_config "$T/nvmwatch.yaml" "$T/records.jsonl" \
	    "rules:" "  directory: $T/rules" "  macros: ~" \
	    "sinks:" "  - name: dead" "    type: remote" \
	    "    transport: tcp" "    address: 127.0.0.1" "    port: $dead" \
	    "    drain_timeout: $1"
}

config 2s
start_daemon "$T/nvmwatch.yaml" 1
nvm_send udp 127.0.0.1 "$port" "$T/truth1.jsonl" -n 1 -e 1 -s 1
wait_records "$T/records.jsonl" "$(lines "$T/truth1.jsonl")"
config 3s
kill -HUP "$DAEMON_PID"
wait_until 10 'grep -q "sinks: 1 opened, 1 closed, 0 kept$" "$T/daemon.log"' ||
    fail "no reload that replaced the sink"
nvm_send udp 127.0.0.1 "$port" "$T/truth2.jsonl" -n 1 -e 1 -s 2
total=$(cat "$T/truth1.jsonl" "$T/truth2.jsonl" | wc -l)
wait_records "$T/records.jsonl" "$total"

t0=$(date +%s%N)
stop_daemon
t1=$(date +%s%N)
[ "$DAEMON_RC" -eq 0 ] || fail "exit status $DAEMON_RC"
ms=$(((t1 - t0) / 1000000))
# Both drains together take the current 3 s; one after the other, 5 s.
[ "$ms" -lt 4600 ] || fail "the stop took $ms ms (the drains ran one after the other?)"
[ "$(grep -c "^sink dead: 1 alerts not sent$" "$T/daemon.log")" -eq 2 ] ||
    fail "expected one alert left in each set"
expect_sink_stat dead enqueued -eq 2
expect_sink_stat dead dropped -eq 2
expect_sink_stat dead sent -eq 0
expect_sink_stat dead queue_depth -eq 0
echo "ok: retired and current sinks drained together in $ms ms"
