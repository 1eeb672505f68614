#!/bin/sh
# replay_seed.sh NVMWATCH CONF_DIR DATA_DIR - the seed detection, unchanged,
# over streams from `nvmwatch send`, replayed through the engine:
#  1. a stream of two windows in which every triggering process connects
#     twice, ten minutes apart, gives exactly the alerts in
#     tests/data/seed_alerts.jsonl (stated in full: groups, first and last
#     times, sorted value lists, window, flags);
#  2. on larger streams (IPv4 and IPv6, several windows, three seeds), the
#     alerts equal the rows tests/e2e/seed_oracle.py computes on its own
#     from the records sent.
set -eu
tool=$1
conf=$2
data=$3
here=$(dirname "$0")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
T=1767225600

# An empty config: the defaults, whatever /etc/nvmwatch holds.
: >"$tmp/empty.yaml"
replay() {
	"$tool" replay -c "$tmp/empty.yaml" -r "$conf/rules" -m "$conf/macros" \
	    "$@"
}

# 1. The golden stream.
"$tool" send -o "$tmp/a.ipfix" -s 7 -n 40 -e 3 --trigger-share 0.25 \
    --start "$T" --duration 1800 2>/dev/null
"$tool" send -o "$tmp/b.ipfix" -s 7 -n 40 -e 3 --trigger-share 0.25 \
    --start $((T + 600)) --duration 1800 2>/dev/null
"$tool" send -o "$tmp/c.ipfix" -s 8 -n 40 -e 3 --trigger-share 0.25 \
    --start $((T + 3600)) --duration 1800 2>/dev/null
replay "$tmp/a.ipfix" "$tmp/b.ipfix" "$tmp/c.ipfix" >"$tmp/alerts.jsonl"
if ! cmp -s "$data/seed_alerts.jsonl" "$tmp/alerts.jsonl"; then
	diff "$data/seed_alerts.jsonl" "$tmp/alerts.jsonl" | head -n 10 >&2
	echo "FAIL: the seed alerts differ from tests/data/seed_alerts.jsonl" >&2
	exit 1
fi

# Windows of endpoint records (their _time is the export time, past every
# flow) close at the end too.
mkdir -p "$tmp/ep"
printf 'name: endpoints\nsearch: sourcetype="cisco:nvm:sysdata" | stats count by hostname\n' \
    >"$tmp/ep/endpoints.yml"
"$tool" replay -c "$tmp/empty.yaml" -r "$tmp/ep" "$tmp/a.ipfix" |
    python3 -c '
import json, sys
rows = [json.loads(l) for l in sys.stdin]
got = [(r["fields"], r["partial"], r["late"]) for r in rows]
want = [({"hostname": "NVM-WS-%05d" % i, "count": 1}, False, False)
        for i in (1, 2, 3)]
if got != want:
    sys.exit("FAIL: endpoint windows: %r" % got)
'

# 2. The oracle, on larger streams.
for seed in 1 2 3; do
	"$tool" send -o "$tmp/s.ipfix" --truth "$tmp/s.truth" -s "$seed" \
	    -n 3000 -e 40 --trigger-share 0.05 --ipv6-share 0.3 \
	    --start "$T" --duration 10800 2>/dev/null
	replay "$tmp/s.ipfix" | python3 -c '
import json, sys
for line in sys.stdin:
    a = json.loads(line)
    assert not a["late"] and not a["partial"], line
    print(json.dumps({k: a[k] for k in ("window_start", "window_end",
                                        "fields")}, separators=(",", ":")))
' >"$tmp/got.jsonl"
	python3 "$here/seed_oracle.py" "$tmp/s.truth" >"$tmp/want.jsonl"
	[ "$(wc -l <"$tmp/want.jsonl")" -ge 100 ] || {
		echo "FAIL: seed $seed: the oracle found too few rows" >&2
		exit 1
	}
	if ! cmp -s "$tmp/want.jsonl" "$tmp/got.jsonl"; then
		diff "$tmp/want.jsonl" "$tmp/got.jsonl" | head -n 6 >&2
		echo "FAIL: seed $seed: replay differs from the oracle" >&2
		exit 1
	fi
done
echo ok
