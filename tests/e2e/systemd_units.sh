#!/bin/bash
# The installed systemd files: `cmake --install` into a DESTDIR puts every
# expected file in place, `systemd-analyze verify` accepts the service and
# the socket unit, and `systemd-analyze security --offline=yes` rates the
# service OK or better.
# Arguments: NVMWATCHD NVMWATCH SCRATCH_DIR BUILD_DIR.
. "$(dirname "$0")/e2e_lib.sh" "$@"
BUILD=$4

[ -n "$BUILD" ] && [ -d "$BUILD" ] || fail "no build directory given"
command -v cmake >/dev/null || fail "no cmake"

dest=$T/root
DESTDIR=$dest cmake --install "$BUILD" >"$T/install.log" 2>&1 ||
    { cat "$T/install.log" >&2; fail "cmake --install failed"; }

# Where cmake put things (absolute: systemd's own directories, or the prefix).
prefix=$(sed -n 's/^CMAKE_INSTALL_PREFIX:PATH=//p' "$BUILD/CMakeCache.txt")
unit=$(find "$dest" -name nvmwatchd.service -path '*/systemd/system/*')
[ -n "$unit" ] || fail "no nvmwatchd.service installed"
socket=$(find "$dest" -name nvmwatchd.socket -path '*/systemd/system/*')
[ -n "$socket" ] || fail "no nvmwatchd.socket installed"
[ "$(dirname "$socket")" = "$(dirname "$unit")" ] ||
    fail "nvmwatchd.socket is not next to nvmwatchd.service"
for f in sbin/nvmwatchd bin/nvmwatch; do
	[ -x "$dest$prefix/$f" ] || fail "$prefix/$f not installed"
done
conf=$(find "$dest" -path '*/nvmwatch/nvmwatch.yaml')
[ -n "$conf" ] || fail "no nvmwatch.yaml installed"
confdir=$(dirname "$conf")
ls "$confdir"/rules/*.yml >/dev/null 2>&1 || fail "no rules installed"
ls "$confdir"/macros/*.yml >/dev/null 2>&1 || fail "no macros installed"
find "$dest" -path '*/logrotate.d/nvmwatch' | grep -q . ||
    fail "no logrotate snippet installed"
find "$dest" -path '*/sysusers.d/nvmwatch.conf' | grep -q . ||
    fail "no sysusers.d file installed"
find "$dest" -path '*/tmpfiles.d/nvmwatch.conf' | grep -q . ||
    fail "no tmpfiles.d file installed"
for page in man1/nvmwatch.1 man5/nvmwatch.yaml.5 man5/nvmwatch-rules.5 \
    man8/nvmwatchd.8; do
	find "$dest" -path "*/$page" | grep -q . || fail "$page not installed"
done

# The unit names the installed paths.
grep -qx "ExecStart=$prefix/sbin/nvmwatchd -d -f .*/nvmwatch/nvmwatch.yaml" \
    "$unit" || fail "ExecStart does not name the installed daemon"
conf_in_unit=$(sed -n 's/^ExecStart=.* -f //p' "$unit")
[ "$dest$conf_in_unit" = "$conf" ] ||
    fail "the unit's config $conf_in_unit is not the installed $conf"
# Reload: the installed tool, asking the daemon of that same config.
grep -qxF "ExecReload=$prefix/bin/nvmwatch reload -c $conf_in_unit" \
    "$unit" || fail "ExecReload does not run the installed nvmwatch reload"
grep -qx "RuntimeDirectory=nvmwatch" "$unit" || fail "no RuntimeDirectory"

# The installed config is valid as installed (rules and macros found
# relative to it).
"$dest$prefix/sbin/nvmwatchd" -n -f "$conf" >"$T/check.log" 2>&1 ||
    { cat "$T/check.log" >&2; fail "nvmwatchd -n rejects the installed config"; }

if ! command -v systemd-analyze >/dev/null; then
	echo "skip: no systemd-analyze; the files are installed"
	exit 77
fi

# verify checks that ExecStart and ExecReload are executable: the binaries
# are in DESTDIR, so a copy of the unit points there; nothing else changes.
# The socket unit, copied as it is, is verified with it (its Service= must
# resolve).
mkdir -p "$T/verify"
sed -e "s|^ExecStart=$prefix/sbin/|ExecStart=$dest$prefix/sbin/|" \
    -e "s|^ExecReload=$prefix/bin/|ExecReload=$dest$prefix/bin/|" "$unit" \
    >"$T/verify/nvmwatchd.service"
cmp -s "$unit" "$T/verify/nvmwatchd.service" &&
    fail "could not point the verify copy at DESTDIR"
[ "$(diff "$unit" "$T/verify/nvmwatchd.service" | grep -c '^>')" -eq 2 ] ||
    fail "the verify copy differs in more than ExecStart and ExecReload"
cp "$socket" "$T/verify/nvmwatchd.socket"
if ! timeout 30 systemd-analyze verify --man=no "$T/verify/nvmwatchd.service" \
    "$T/verify/nvmwatchd.socket" >"$T/verify.log" 2>&1; then
	cat "$T/verify.log" >&2
	fail "systemd-analyze verify"
fi
[ -s "$T/verify.log" ] && { cat "$T/verify.log" >&2; fail "verify warned"; }

# sysusers.d parses (dry run: nothing is written).
if command -v systemd-sysusers >/dev/null; then
	f=$(find "$dest" -path '*/sysusers.d/nvmwatch.conf')
	timeout 10 systemd-sysusers --dry-run "$f" >"$T/sysusers.log" 2>&1 ||
	    { cat "$T/sysusers.log" >&2; fail "systemd-sysusers --dry-run"; }
	grep -qi "fail\|ignor\|invalid" "$T/sysusers.log" &&
	    { cat "$T/sysusers.log" >&2; fail "sysusers.d complaints"; }
fi

# security: systemd 252 rates exposure (0..10) PERFECT 0, SAFE < 1,
# OK < 5, MEDIUM < 7.5, EXPOSED < 9, UNSAFE < 10; "OK or better" is < 5.0.
timeout 30 systemd-analyze security --offline=yes "$unit" >"$T/security.log" \
    2>&1
line=$(grep -a "Overall exposure level" "$T/security.log")
[ -n "$line" ] || { cat "$T/security.log" >&2; fail "no exposure level"; }
exposure=$(printf '%s\n' "$line" | sed -n 's/.*: \([0-9][0-9.]*\) .*/\1/p')
rating=$(printf '%s\n' "$line" | sed -n 's/.*: [0-9.]* \([A-Z]*\).*/\1/p')
[ -n "$exposure" ] || fail "cannot parse: $line"
case $rating in
PERFECT|SAFE|OK) ;;
*) fail "security rating $rating ($exposure), want OK or better" ;;
esac
awk -v e="$exposure" 'BEGIN { exit !(e < 5.0) }' ||
    fail "exposure $exposure is not below 5.0"
echo "ok: installed files, verify clean, security $exposure $rating"
