#!/bin/sh
# The README's first command: install the build dependencies, build nvmwatch,
# and run it on the bundled defaults:
#  1. decode the bundled NVM export (conf/samples/nvm-capture.ipfix: real
#     bytes from an endpoint) and show its first flow with Splunk's names;
#  2. generate an hour of synthetic endpoint traffic in which a few
#     processes that should never talk to the Internet do (nvmwatch send),
#     and replay it through the shipped rules (conf/nvmwatch.yaml) with
#     nvmwatch replay: the seed detection fires, one alert per group.
set -eu
cd "$(dirname "$0")/.."
./scripts/install-deps.sh >/dev/null
cmake -S . -B build >/dev/null
cmake --build build -j "$(nproc)" >/dev/null
tool=./build/daemon/nvmwatch
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

echo "== nvmwatch decode conf/samples/nvm-capture.ipfix (first flow)"
$tool decode conf/samples/nvm-capture.ipfix | grep -m 1 '"dest"'

echo
echo "== nvmwatch send: 2000 flows from 20 endpoints, 6 of them suspicious"
$tool send -o "$tmp/demo.ipfix" -n 2000 -e 20 -s 1 --trigger-share 0.003 \
    --start 1767225600 --duration 3000
echo
echo "== nvmwatch replay -c conf/nvmwatch.yaml: the alerts"
$tool replay -c conf/nvmwatch.yaml "$tmp/demo.ipfix" >"$tmp/alerts.jsonl"
python3 - "$tmp/alerts.jsonl" <<'PY'
import json, sys
for line in open(sys.argv[1]):
    a = json.loads(line)
    f = a["fields"]
    print("ALERT %s [%s]" % (a["rule"], ",".join(a["mitre_attack_id"])))
    print("  window   %s .. %s" % (a["window_start"], a["window_end"]))
    print("  process  %s (pid %s) from %s" % (f["process_path"],
          f["process_id"], f["parent_process_path"]))
    print("  flow     %s -> %s port %s/%s (%s)" % (f["src"], f["dest"],
          ",".join(f["dest_port"]), f["transport"],
          ",".join(f["dest_hostname"] or [])))
    print("  seen     %s .. %s" % (f["firstTime"], f["lastTime"]))
PY
echo
echo "(each alert is one JSON line; see nvmwatch-rules(5). The daemon,"
echo " nvmwatchd -d -f conf/nvmwatch.yaml, writes them to nvmwatch-alerts.jsonl.)"
