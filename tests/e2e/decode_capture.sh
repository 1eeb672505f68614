#!/bin/sh
# decode_capture.sh NVMWATCH DATADIR - the three captured messages,
# concatenated, decode (-k -w) to exactly the records of expected_decode.json;
# a truncated copy is refused with the byte offset.
set -eu
tool=$1
data=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

cat "$data/msg1_templates_262_267_268_266.bin" \
    "$data/msg2_data_267_ipv4_flow.bin" \
    "$data/msg3_data_262_endpoint.bin" >"$tmp/capture.ipfix"
"$tool" decode -k -w "$tmp/capture.ipfix" >"$tmp/out.json"
python3 - "$tmp/out.json" "$data/expected_decode.json" <<'PY'
import json, sys
got = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
want = json.load(open(sys.argv[2]))["records"]
if got != want:
    print("decode differs from expected_decode.json")
    print("got: ", json.dumps(got, indent=1))
    sys.exit(1)
PY

# A tail that is no complete message: exit 1, file and offset named.
head -c 1000 "$tmp/capture.ipfix" >"$tmp/cut.ipfix"
if "$tool" decode -k -w "$tmp/cut.ipfix" >/dev/null 2>"$tmp/err"; then
	echo "truncated input accepted"
	exit 1
fi
grep -q "cut.ipfix.*offset 488" "$tmp/err" || { cat "$tmp/err"; exit 1; }
echo ok
