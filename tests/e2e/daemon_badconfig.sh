#!/bin/bash
# nvmwatchd -n: 0 for a good config, 1 and file:line:column for a bad one;
# a listener that cannot bind stops the start with exit 1 and its address.
. "$(dirname "$0")/e2e_lib.sh" "$@"

port=$(free_port 127.0.0.1) || fail "no free port"
LISTEN=$(listen_entry udp 127.0.0.1 "$port")
write_config "$T/good.yaml" "$T/records.jsonl"
timeout 10 "$NVMWATCHD" -n -f "$T/good.yaml" 2>"$T/good.err" ||
    { cat "$T/good.err" >&2; fail "-n on a good config"; }

# An unknown key on line 3.
cat >"$T/bad.yaml" <<'YAML'
listen:
  - proto: udp
    adress: 127.0.0.1
YAML
timeout 10 "$NVMWATCHD" -n -f "$T/bad.yaml" 2>"$T/bad.err"
rc=$?
cat "$T/bad.err"
[ "$rc" -eq 1 ] || fail "-n on a bad config exited $rc"
grep -Eq "bad\.yaml:3:[0-9]+: " "$T/bad.err" || fail "no file:line:column"

# A bad value (a port that is not one) on line 4.
cat >"$T/bad2.yaml" <<'YAML'
listen:
  - proto: udp
    address: 127.0.0.1
    port: seventy
YAML
timeout 10 "$NVMWATCHD" -n -f "$T/bad2.yaml" 2>"$T/bad2.err"
rc=$?
cat "$T/bad2.err"
[ "$rc" -eq 1 ] || fail "-n on a bad port exited $rc"
grep -Eq "bad2\.yaml:4:[0-9]+: " "$T/bad2.err" || fail "no file:line:column"

timeout 10 "$NVMWATCHD" -n -f "$T/missing.yaml" 2>"$T/missing.err"
[ $? -eq 1 ] || fail "-n on a missing file"
grep -q "missing.yaml" "$T/missing.err" || fail "the missing file is not named"

# The same config started twice: the second cannot bind.
start_daemon "$T/good.yaml" 1
timeout 10 "$NVMWATCHD" -d -f "$T/good.yaml" 2>"$T/second.err"
rc=$?
cat "$T/second.err"
[ "$rc" -eq 1 ] || fail "a second daemon on the same port exited $rc"
grep -q "bind udp 127.0.0.1:$port: " "$T/second.err" ||
    fail "the bind failure does not name the address"
stop_daemon
[ "$DAEMON_RC" -eq 0 ] || fail "exit status $DAEMON_RC"
echo "ok"
