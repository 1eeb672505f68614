#!/bin/bash
# check_rules.sh NVMWATCHD NVMWATCH SCRATCH - rule validation as operators
# meet it: `nvmwatch check` on the shipped rules, on a directory with two
# broken rules (each error names file:line:column and the word), and
# `nvmwatchd -n`, which loads the rules too and fails on any; the daemon
# itself starts without the broken rules and runs the good one.
. "$(dirname "$0")/e2e_lib.sh" "$@"

CONF=$(cd "$(dirname "$0")/../../conf" && pwd)
SEED=cisco_nvm___non_network_binary_making_network_connection

# The shipped rules and config.
"$NVMWATCH" check -c "$CONF/nvmwatch.yaml" "$CONF/rules" >"$T/out" 2>&1 ||
    { cat "$T/out"; fail "check of the shipped rules"; }
[ "$(cat "$T/out")" = "$CONF/rules/$SEED.yml: OK: Cisco NVM - Non-Network Binary Making Network Connection" ] ||
    fail "check said: $(cat "$T/out")"
"$NVMWATCHD" -n -f "$CONF/nvmwatch.yaml" >"$T/out" 2>&1 ||
    { cat "$T/out"; fail "nvmwatchd -n on the shipped config"; }
grep -qx "$CONF/nvmwatch.yaml: configuration OK, 1 rule" "$T/out" ||
    fail "nvmwatchd -n said: $(cat "$T/out")"

# A directory with the seed and two broken rules.
mkdir -p "$T/rules"
cp "$CONF/rules/$SEED.yml" "$T/rules/"
sed 's/^    | `security_content_ctime(firstTime)`/    | where count > 1\n&/' \
    "$CONF/rules/$SEED.yml" >"$T/rules/broken.yml"
printf 'name: x\nsearch: pn=a | stats count by\n' >"$T/rules/empty_by.yml"
wline=$(grep -n 'where count' "$T/rules/broken.yml" | cut -d: -f1)
"$NVMWATCH" check -m "$CONF/macros" "$T/rules" >"$T/out" 2>"$T/err" &&
    fail "check passed broken rules"
[ "$(cat "$T/err")" = "$T/rules/broken.yml:$wline:7: search: unsupported command 'where'
$T/rules/empty_by.yml:2:28: search: 'by' needs at least one field" ] ||
    fail "check errors: $(cat "$T/err")"
[ "$(tail -n 1 "$T/out")" = "1 of 3 rules OK" ] || fail "check: $(cat "$T/out")"

port=$(free_port 127.0.0.1) || fail "no free port"
LISTEN=$(listen_entry udp 127.0.0.1 "$port")
write_config "$T/nvmwatch.yaml" "$T/records.jsonl" \
    "rules:" "  directory: rules" "  macros: $CONF/macros" \
    "alerts:" "  file: $T/alerts.jsonl"
"$NVMWATCHD" -n -f "$T/nvmwatch.yaml" >"$T/out" 2>&1 &&
    fail "nvmwatchd -n passed broken rules"
[ "$(cat "$T/out")" = "$T/rules/broken.yml:$wline:7: search: unsupported command 'where'
$T/rules/empty_by.yml:2:28: search: 'by' needs at least one field
$T/nvmwatch.yaml: 2 rule or macro files failed to load" ] || fail "nvmwatchd -n said: $(cat "$T/out")"

# A broken macro file (a site's own filter macro) costs only itself.
mkdir -p "$T/macros"
cp "$CONF/macros/"*.yml "$T/macros/"
printf 'name: site_filter\ndefinition: [oops\n' >"$T/macros/site_filter.yml"
printf 'rules:\n  directory: %s\n  macros: macros\n' "$CONF/rules" \
    >"$T/macro.yaml"
"$NVMWATCHD" -n -f "$T/macro.yaml" >"$T/out" 2>&1 &&
    fail "nvmwatchd -n passed a broken macro file"
[ "$(cat "$T/out")" = "$T/macros/site_filter.yml:3:1: syntax error: did not find expected ',' or ']' (while parsing a flow sequence)
$T/macro.yaml: 1 rule or macro file failed to load" ] ||
    fail "nvmwatchd -n on a broken macro said: $(cat "$T/out")"
"$NVMWATCH" check -c "$T/macro.yaml" "$CONF/rules" >"$T/out" 2>"$T/err" &&
    fail "check passed with a broken macro file"
grep -qx "$CONF/rules/$SEED.yml: OK: Cisco NVM - Non-Network Binary Making Network Connection" "$T/out" ||
    fail "check did not load the seed beside a broken macro: $(cat "$T/out")"
grep -qx "1 macro file failed to load" "$T/out" || fail "check: $(cat "$T/out")"

# The daemon runs the rule that loads and says which did not.
start_daemon "$T/nvmwatch.yaml" 1
grep -q "broken.yml:$wline:7: search: unsupported command 'where'" \
    "$T/daemon.log" || fail "the daemon did not log the broken rule"
grep -q "2 rule or macro files failed to load; running the 1 rule that loaded" "$T/daemon.log" ||
    fail "the daemon did not say how many rules failed"
nvm_send udp 127.0.0.1 "$port" "$T/truth.jsonl" -n 100 -e 2 -s 3 \
    --trigger-share 0.05 --start "$(date +%s)" --duration 10
wait_records "$T/records.jsonl" "$(lines "$T/truth.jsonl")"
stop_daemon
[ "$(lines "$T/alerts.jsonl")" -eq 5 ] ||
    fail "expected 5 alerts from the seed rule, got $(lines "$T/alerts.jsonl")"
expect_rule_stat "$SEED" matched -eq 5
echo ok
