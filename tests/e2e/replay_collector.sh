#!/bin/sh
# replay_collector.sh NVMWATCH CONF_DIR DATA_DIR - nvmwatch replay over the
# NVM collector's output:
#  1. one stream from `nvmwatch send`, replayed as the IPFIX file, as
#     collector key="value" lines (some behind syslog headers), as JSON
#     lines (from a file and from standard input), as gzip-compressed
#     key="value" lines and as gzip-compressed IPFIX, gives the same alerts
#     every time, byte for byte, and they are not none;
#  2. the collector samples in tests/data replay without a bad line and give
#     exactly tests/data/replay/samples_alerts.jsonl;
#  3. a log with garbage, blank, binary and over-long lines: the summary
#     counts each (and the kept lines' unknown keys, bad values and the
#     collector's own keys), only the first 10 bad lines are shown, the
#     run exits 0 and the good lines still alert;
#  4. a file that cannot be read, or gzip data cut short, exits 1, and the
#     other files are still replayed.
set -eu
tool=$1
conf=$2
data=$3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
T=1767225600

fail() {
	echo "FAIL: $*" >&2
	exit 1
}

# An empty config: the defaults, whatever /etc/nvmwatch holds.
: >"$tmp/empty.yaml"
replay() {
	"$tool" replay -c "$tmp/empty.yaml" -r "$conf/rules" -m "$conf/macros" \
	    "$@"
}

# 1. One stream, four encodings. The collector lines are built from the
# truth file (what `decode -kw` prints: collector keys, wire values): lists
# joined by commas, an empty value as '' in key="value" form.
"$tool" send -o "$tmp/s.ipfix" --truth "$tmp/s.truth" -s 5 -n 2000 -e 20 \
    --trigger-share 0.05 --ipv6-share 0.3 --start "$T" --duration 10800 \
    2>/dev/null
python3 - "$tmp/s.truth" "$tmp/s.kv" "$tmp/s.json" <<'EOF'
import json, sys

def text(v):
    if isinstance(v, list):
        return ",".join(text(x) for x in v)
    return str(v)

def kv_escape(s):
    out = []
    for i, c in enumerate(s):
        nxt = s[i + 1] if i + 1 < len(s) else None
        if c == '"' or (c == "\\" and nxt in (None, '"', "\\")):
            out.append("\\")
        out.append(c)
    return "".join(out)

with open(sys.argv[1]) as src, open(sys.argv[2], "w") as kv, \
        open(sys.argv[3], "w") as js:
    for n, line in enumerate(src):
        rec = {k: text(v) for k, v in json.loads(line).items()
               if not k.startswith("_")}
        pairs = " ".join('%s="%s"' % (k, kv_escape(v) if v else "''")
                         for k, v in rec.items())
        # Every other line behind a relay's header and the collector's.
        if n % 2:
            pairs = ("Jan  1 00:00:00 relay Jan  1 00:00:00 collector  " +
                     pairs)
        kv.write(pairs + "\n")
        js.write(json.dumps(rec) + "\n")
EOF
gzip -c "$tmp/s.kv" >"$tmp/s.kv.log"		# gzip, by content only
gzip -c "$tmp/s.ipfix" >"$tmp/s.ipfix.dat"
replay "$tmp/s.ipfix" >"$tmp/ipfix.alerts" 2>"$tmp/err" ||
    fail "replay of the IPFIX file: $(cat "$tmp/err")"
[ "$(wc -l <"$tmp/ipfix.alerts")" -ge 20 ] ||
    fail "the IPFIX stream gave too few alerts"
for f in s.kv s.json s.kv.log s.ipfix.dat -; do
	arg=$tmp/$f
	[ $f != - ] || arg=-
	replay "$arg" <"$tmp/s.json" >"$tmp/$f.alerts" 2>"$tmp/err" ||
	    fail "replay of $f: $(cat "$tmp/err")"
	[ $f = s.ipfix.dat ] ||
	    grep -q ": 2040 lines, 2040 records, 0 bad, 0 unknown keys, 0 bad values, 0 collector keys$" \
	    "$tmp/err" ||
	    fail "$f: summary: $(cat "$tmp/err")"
	if ! cmp -s "$tmp/ipfix.alerts" "$tmp/$f.alerts"; then
		diff "$tmp/ipfix.alerts" "$tmp/$f.alerts" | head -n 6 >&2
		fail "$f gives other alerts than the IPFIX file"
	fi
done

# 2. The collector samples, under a rule that counts flows by process.
mkdir "$tmp/rules"
cat >"$tmp/rules/count.yml" <<'EOF'
name: Count by process
search: sourcetype="cisco:nvm:flowdata" | stats count by process_name
EOF
count() {
	"$tool" replay -c "$tmp/empty.yaml" -r "$tmp/rules" \
	    -m "$conf/macros" "$@"
}
count "$data/flow_v9_syslog_kv.log" "$data/sysdata_v3_syslog_kv.log" \
    "$data/flow_v11.json" >"$tmp/samples.alerts" 2>"$tmp/err" ||
    fail "replay of the samples: $(cat "$tmp/err")"
# fv, fst, fet and the account splits are the collector's own keys.
for s in flow_v9_syslog_kv.log:7 sysdata_v3_syslog_kv.log:1 flow_v11.json:5; do
	grep -qx "nvmwatch: $data/${s%:*}: 1 lines, 1 records, 0 bad, 0 unknown keys, 0 bad values, ${s#*:} collector keys" \
	    "$tmp/err" || fail "samples: ${s%:*}: $(cat "$tmp/err")"
done
if ! cmp -s "$data/replay/samples_alerts.jsonl" "$tmp/samples.alerts"; then
	diff "$data/replay/samples_alerts.jsonl" "$tmp/samples.alerts" >&2
	fail "the samples' alerts differ from tests/data/replay/samples_alerts.jsonl"
fi

# 3. Bad lines: 12 of garbage, 2 blank (not bad), one of binary bytes with
# a NUL, one of 70000 bytes, one JSON object cut short; 3 good flows.
{
	i=0
	while [ $i -lt 12 ]; do
		echo "garbage line $i"
		i=$((i + 1))
	done
	echo
	cat "$data/flow_v11.json"
	printf ' \r\n'
	printf '\001\002\000\377\376 binary\n'
	head -c 70000 /dev/zero | tr '\0' 'x'
	echo
	cat "$data/flow_v9_syslog_kv.log"
	echo '{ "pn": "cut.exe", "fss": "1767225600"'
	tr -d '\n' <"$data/flow_v11.json"	# the last line has no newline
} >"$tmp/bad.log"
count "$tmp/bad.log" >"$tmp/bad.alerts" 2>"$tmp/err" ||
    fail "a log with bad lines exits non-zero: $(cat "$tmp/err")"
grep -qx "nvmwatch: $tmp/bad.log: 20 lines, 3 records, 15 bad, 0 unknown keys, 0 bad values, 17 collector keys" \
    "$tmp/err" ||
    fail "bad lines: summary: $(cat "$tmp/err")"
grep -qx "nvmwatch: $tmp/bad.log: 5 more bad lines not shown" "$tmp/err" ||
    fail "bad lines: no count of those not shown: $(cat "$tmp/err")"
[ "$(grep -c "^nvmwatch: $tmp/bad.log:[0-9]" "$tmp/err")" -eq 10 ] ||
    fail "bad lines: not exactly 10 shown: $(cat "$tmp/err")"
grep -qx "nvmwatch: $tmp/bad.log:1:15: no key=\"value\" pairs or JSON object" \
    "$tmp/err" ||
    fail "bad lines: no file:line:column: $(cat "$tmp/err")"
python3 -c '
import json, sys
rows = [(a["window_start"], a["late"], a["fields"])
        for a in map(json.loads, sys.stdin)]
# The 2025 flow comes after one of 2026 in the file: it is late, and its
# window closes at once.
assert rows == [
    ("2026-07-14T08:00:00Z", False, {"process_name": "svchost.exe",
                                     "count": 2}),
    ("2025-06-26T16:00:00Z", True, {"process_name": "msiexec.exe",
                                    "count": 1}),
], rows
' <"$tmp/bad.alerts" || fail "bad lines: the good lines' alerts"
# Each kind of bad line, reported: binary bytes with a NUL, an over-long
# line; a kept line with an unknown key, a derived field and a bad value;
# then a good one without a newline at the end of the file.
{
	printf '\001\002\000\377\376 binary\n'
	head -c 70000 /dev/zero | tr '\0' 'x'
	echo
	echo 'pn="x.exe" zz="1" bytes="5" pid="-1"'
	tr -d '\n' <"$data/flow_v11.json"
} >"$tmp/bin.log"
count "$tmp/bin.log" >"$tmp/bin.alerts" 2>"$tmp/err" ||
    fail "binary lines exit 1"
grep -q "^nvmwatch: $tmp/bin.log:1:[0-9]*: " "$tmp/err" ||
    fail "binary line: $(cat "$tmp/err")"
grep -qx "nvmwatch: $tmp/bin.log:2: line too long (70000 bytes, at most 65536), skipped" \
    "$tmp/err" || fail "over-long line: $(cat "$tmp/err")"
grep -qx "nvmwatch: $tmp/bin.log: 4 lines, 2 records, 2 bad, 2 unknown keys, 1 bad values, 5 collector keys" \
    "$tmp/err" ||
    fail "binary lines: summary: $(cat "$tmp/err")"
grep -q '"svchost.exe","count":1}' "$tmp/bin.alerts" ||
    fail "the last line, without a newline, gave no alert"

# 4. Files that cannot be read.
head -c 2000 "$tmp/s.kv.log" >"$tmp/cut.gz"
set +e
count "$tmp/cut.gz" "$tmp/missing" "$data/flow_v11.json" \
    >"$tmp/cut.alerts" 2>"$tmp/err"
rc=$?
set -e
[ $rc -eq 1 ] || fail "unreadable files: exit $rc, not 1"
grep -q "^nvmwatch: $tmp/cut.gz: gzip data cut short" "$tmp/err" ||
    fail "cut gzip: $(cat "$tmp/err")"
grep -q "^nvmwatch: $tmp/missing: No such file or directory$" "$tmp/err" ||
    fail "missing file: $(cat "$tmp/err")"
grep -q '"svchost.exe"' "$tmp/cut.alerts" ||
    fail "the file after the unreadable ones was not replayed"
echo ok
