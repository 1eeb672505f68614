#!/bin/sh
# send_roundtrip.sh NVMWATCH - send -o writes an IPFIX file and a truth
# file; decode -k -w of the file prints the truth, line for line. Twice
# with the same seed gives the same truth; the trigger count is exact.
set -eu
tool=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

for mtu in 1400 9000; do
	"$tool" send -o "$tmp/a.ipfix" -n 1000 -e 20 -s 11 --ipv6-share 0.3 \
	    --trigger-share 0.1 --start 1700000000 --duration 600 \
	    --mtu "$mtu" --truth "$tmp/truth.json" 2>"$tmp/summary"
	grep -q "1040 records (100 triggering)" "$tmp/summary" ||
	    { cat "$tmp/summary"; exit 1; }
	"$tool" decode -k -w "$tmp/a.ipfix" >"$tmp/decoded.json"
	cmp "$tmp/truth.json" "$tmp/decoded.json" ||
	    { diff "$tmp/truth.json" "$tmp/decoded.json" | head -20; exit 1; }
done

"$tool" send -o "$tmp/b.ipfix" -n 1000 -e 20 -s 11 --ipv6-share 0.3 \
    --trigger-share 0.1 --start 1700000000 --duration 600 \
    --truth "$tmp/truth2.json" 2>/dev/null
cmp "$tmp/truth.json" "$tmp/truth2.json"
echo ok
