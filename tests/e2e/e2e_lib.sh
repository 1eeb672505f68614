# e2e_lib.sh - helpers for the nvmwatchd end-to-end tests; sourced.
#
# Usage in a test: . "$(dirname "$0")/e2e_lib.sh" "$@"
# Arguments: NVMWATCHD NVMWATCH SCRATCH_DIR. Every wait is bounded; every
# address is loopback.

NVMWATCHD=$1
NVMWATCH=$2
T=$3/$(basename "$0" .sh)
rm -rf "$T"
mkdir -p "$T"
DAEMON_PID=
DAEMON_RC=

fail() {
	echo "FAIL: $*" >&2
	if [ -f "$T/daemon.log" ]; then
		echo "--- daemon log (last 30 lines)" >&2
		tail -n 30 "$T/daemon.log" >&2
	fi
	exit 1
}

E2E_SOCKDIR=
e2e_cleanup() {
	if [ -n "$DAEMON_PID" ] && kill -0 "$DAEMON_PID" 2>/dev/null; then
		kill -KILL "$DAEMON_PID" 2>/dev/null
		wait "$DAEMON_PID" 2>/dev/null
	fi
	[ -n "$E2E_SOCKDIR" ] && rm -rf "$E2E_SOCKDIR"
	return 0
}
trap e2e_cleanup EXIT

# sock_dir: sets sockdir to a directory for Unix sockets: $T, or, when $T
# is too long for sun_path (108 bytes), a short one under /tmp that is
# removed at exit.
sock_dir() {
	sockdir=$T
	if [ "${#T}" -gt 80 ]; then
		sockdir=$(mktemp -d /tmp/nvmsock.XXXXXX) || fail "mktemp"
		E2E_SOCKDIR=$sockdir
	fi
}

# strip FILE: the records of FILE without the IPFIX-only keys.
strip() {
	python3 -c '
import json, sys
for line in open(sys.argv[1]):
    r = json.loads(line)
    r.pop("_template", None)
    r.pop("_odid", None)
    print(json.dumps(r))' "$1"
}

# A port that is free for both UDP and TCP on addr (127.0.0.1 or ::1).
free_port() {
	python3 - "${1:-127.0.0.1}" <<'PY'
import random, socket, sys
addr = sys.argv[1]
fam = socket.AF_INET6 if ":" in addr else socket.AF_INET
for _ in range(200):
    port = random.randint(20000, 60000)
    try:
        for kind in (socket.SOCK_STREAM, socket.SOCK_DGRAM):
            s = socket.socket(fam, kind)
            s.bind((addr, port))
            s.close()
    except OSError:
        continue
    print(port)
    sys.exit(0)
sys.exit(1)
PY
}

# write_config FILE RECORDS_FILE [extra YAML lines...] with $LISTEN set to
# the listen: entries.
write_config() {
	f=$1 records=$2
	shift 2
	{
		echo "listen:"
		printf '%s\n' "$LISTEN"
		echo "records:"
		echo "  file: $records"
		echo "  format: wire"
		for line in "$@"; do
			printf '%s\n' "$line"
		done
	} >"$f"
}

# listen_entry PROTO ADDRESS PORT: one entry of the listen: list.
listen_entry() {
	printf '  - proto: %s\n    address: "%s"\n    port: %s\n' "$1" "$2" "$3"
}

# start_daemon CONFIG NLISTENERS [wrapper...]: runs nvmwatchd -d in the
# background and waits until it logs that it listens on every socket.
start_daemon() {
	conf=$1 n=$2
	shift 2
	: >"$T/daemon.log"
	"$@" "$NVMWATCHD" -d -f "$conf" >"$T/daemon.log" 2>&1 &
	DAEMON_PID=$!
	wait_until "${WAIT_START:-20}" \
	    '[ "$(grep -c "listening on" "$T/daemon.log")" -ge "$n" ] &&
	    grep -q "started" "$T/daemon.log"' ||
	    fail "the daemon did not start"
}

# stop_daemon: SIGTERM, then wait (bounded) and keep the exit status.
stop_daemon() {
	kill -TERM "$DAEMON_PID" || fail "the daemon is gone"
	wait_until "${WAIT_STOP:-20}" '! kill -0 "$DAEMON_PID" 2>/dev/null' ||
	    fail "the daemon did not stop on SIGTERM"
	wait "$DAEMON_PID"
	DAEMON_RC=$?
	DAEMON_PID=
}

# wait_until SECONDS SHELL-CONDITION: polls every 0.1 s.
wait_until() {
	limit=$(($1 * 10))
	i=0
	while [ "$i" -lt "$limit" ]; do
		if eval "$2"; then
			return 0
		fi
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}

lines() {
	if [ -f "$1" ]; then
		wc -l <"$1" | tr -d ' '
	else
		echo 0
	fi
}

# stats_totals: the daemon's collector-wide stats lines, without the
# per-session ones ("stats: exporter=...", "stats: exporters_not_listed="),
# the per-rule and per-sink ones and the syslog listeners' line.
stats_totals() {
	grep -o 'stats:.*' "$T/daemon.log" |
	    grep -v -e '^stats: exporter=' -e '^stats: exporters_not_listed=' \
	    -e '^stats: rule=' -e '^stats: sink=' -e '^stats: syslog_'
}

# expect_rule_stat RULE KEY OP VALUE: KEY in the last stats line of the
# rule whose file is RULE.yml.
expect_rule_stat() {
	v=$(grep -o "stats: rule=$1 .*" "$T/daemon.log" | tail -n 1 |
	    tr ' ' '\n' | sed -n "s/^$2=//p")
	[ -n "$v" ] || fail "no stats line with $2 for rule $1"
	[ "$v" "$3" "$4" ] || fail "rule $1: $2=$v, expected $3 $4"
}

# stat KEY: the value of KEY in the daemon's last stats line.
stat() {
	stats_totals | tail -n 1 | tr ' ' '\n' | sed -n "s/^$1=//p"
}

# exporter_stat ADDR PROTO ODID KEY: the value of KEY in the last
# per-session stats line (live or final=1) of the exporter at ADDR (any
# port; "[::1]" for IPv6) over PROTO for observation domain ODID.
exporter_stat() {
	grep -o 'stats: exporter=.*' "$T/daemon.log" |
	    grep -F "stats: exporter=$1:" |
	    grep -E "^stats: exporter=[^ ]* proto=$2 odid=$3( |\$)" |
	    tail -n 1 | tr ' ' '\n' | sed -n "s/^$4=//p"
}

# expect_exporter_stat ADDR PROTO ODID KEY OP VALUE; see exporter_stat.
expect_exporter_stat() {
	v=$(exporter_stat "$1" "$2" "$3" "$4")
	[ -n "$v" ] || fail "no stats line with $4 for $1 $2 odid=$3"
	[ "$v" "$5" "$6" ] || fail "$1 $2 odid=$3: $4=$v, expected $5 $6"
}

# expect_stat KEY OP VALUE, OP one of test(1)'s -eq -gt -ge ...
expect_stat() {
	v=$(stat "$1")
	[ -n "$v" ] || fail "no $1 in the stats line"
	[ "$v" "$2" "$3" ] || fail "$1=$v, expected $2 $3"
}

# usr1_stats: asks for a stats line and waits for it.
usr1_stats() {
	before=$(stats_totals | wc -l)
	kill -USR1 "$DAEMON_PID"
	wait_until 10 '[ "$(stats_totals | wc -l)" -gt "$before" ]' ||
	    fail "no stats line after SIGUSR1"
}

# nvm_send PROTO ADDR PORT TRUTH [nvmwatch send options...]: sends
# synthetic records with nvmwatch; the truth file gets one line per record.
nvm_send() {
	flag=-u
	[ "$1" = tcp ] && flag=-t
	hostport="$2:$3"
	case "$2" in *:*) hostport="[$2]:$3" ;; esac
	truth=$4
	shift 4
	timeout 60 "$NVMWATCH" send "$flag" "$hostport" --truth "$truth" "$@" ||
	    fail "nvmwatch send $flag $hostport failed"
}

# wait_records FILE N: waits (bounded) until FILE has N lines.
wait_records() {
	wr_file=$1 wr_n=$2
	wait_until "${WAIT_RECORDS:-30}" \
	    '[ "$(lines "$wr_file")" -ge "$wr_n" ]' ||
	    fail "$wr_file has $(lines "$wr_file") lines, expected $wr_n"
}

# same_records TRUTH RECORDS: the files are equal, line for line.
same_records() {
	if ! cmp -s "$1" "$2"; then
		diff "$1" "$2" | head -n 10 >&2
		fail "$2 differs from $1"
	fi
}

# deliver_v4_v6 PROTO "V4 SEND OPTIONS" "V6 SEND OPTIONS": one send run to
# 127.0.0.1:$port4 and one to [::1]:$port6, each waited for in the records
# file; then stops the daemon. Sets n4, n6 and n (their sum) and writes
# $T/truth.jsonl, the two truth files in order.
deliver_v4_v6() {
	dv_proto=$1
	# shellcheck disable=SC2086
	nvm_send "$dv_proto" 127.0.0.1 "$port4" "$T/truth4.jsonl" $2
	n4=$(lines "$T/truth4.jsonl")
	wait_records "$T/records.jsonl" "$n4"
	# shellcheck disable=SC2086
	nvm_send "$dv_proto" ::1 "$port6" "$T/truth6.jsonl" $3
	n6=$(lines "$T/truth6.jsonl")
	cat "$T/truth4.jsonl" "$T/truth6.jsonl" >"$T/truth.jsonl"
	n=$(lines "$T/truth.jsonl")
	wait_records "$T/records.jsonl" "$n"
	stop_daemon
}

# expect_clean_delivery PROTO: after deliver_v4_v6, the checks a lossless
# run passes: exit 0, the records file equals the truth, the totals agree,
# and each run has its own exporter line with its records and no loss.
expect_clean_delivery() {
	ec_proto=$1
	[ "$DAEMON_RC" -eq 0 ] || fail "exit status $DAEMON_RC"
	same_records "$T/truth.jsonl" "$T/records.jsonl"
	expect_stat records -eq "$n"
	expect_stat records_written -eq "$n"
	expect_stat malformed -eq 0
	expect_stat no_template -eq 0
	expect_stat seq_gaps -eq 0
	expect_exporter_stat 127.0.0.1 "$ec_proto" 127 records -eq "$n4"
	expect_exporter_stat "[::1]" "$ec_proto" 127 records -eq "$n6"
	expect_exporter_stat 127.0.0.1 "$ec_proto" 127 seq_gaps -eq 0
	expect_exporter_stat "[::1]" "$ec_proto" 127 seq_gaps -eq 0
	expect_exporter_stat 127.0.0.1 "$ec_proto" 127 malformed -eq 0
	expect_exporter_stat "[::1]" "$ec_proto" 127 no_template -eq 0
}

# syslog_listen_entry PROTO ADDRESS PORT: a listen: entry for the NVM
# collector's syslog lines.
syslog_listen_entry() {
	listen_entry "$@"
	printf '    format: syslog\n'
}

# syslog_stat KEY: the value of syslog_KEY in the daemon's last
# "stats: syslog_..." line (logged just before the main stats line).
syslog_stat() {
	grep -o 'stats: syslog_.*' "$T/daemon.log" | tail -n 1 |
	    tr ' ' '\n' | sed -n "s/^syslog_$1=//p"
}

# expect_syslog_stat KEY OP VALUE; see syslog_stat.
expect_syslog_stat() {
	v=$(syslog_stat "$1")
	[ -n "$v" ] || fail "no syslog_$1 in the stats lines"
	[ "$v" "$2" "$3" ] || fail "syslog_$1=$v, expected $2 $3"
}

# sink_stat NAME KEY: the value of KEY in the daemon's last
# "stats: sink=NAME ..." line.
sink_stat() {
	grep -o "stats: sink=$1 .*" "$T/daemon.log" | tail -n 1 |
	    tr ' ' '\n' | sed -n "s/^$2=//p"
}

# expect_sink_stat NAME KEY OP VALUE; see sink_stat.
expect_sink_stat() {
	v=$(sink_stat "$1" "$2")
	[ -n "$v" ] || fail "no $2 in the stats lines of sink $1"
	[ "$v" "$3" "$4" ] || fail "sink $1: $2=$v, expected $3 $4"
}

# tcp_listening PORT: something accepts connections on 127.0.0.1:PORT.
tcp_listening() {
	python3 - "$1" <<'PY'
import socket, sys
s = socket.socket()
s.settimeout(1)
try:
    s.connect(("127.0.0.1", int(sys.argv[1])))
except OSError:
    sys.exit(1)
PY
}

# --- rsyslogd as the test's own receiver, on loopback ---------------------
# rsyslog_init: skips (77) when rsyslogd is missing; sets RSYSLOGD, RS
# ($T/rsyslog, with a work directory) and RS_PID, and makes the exit trap
# stop rsyslogd as well as the daemon. The test writes $RS/rsyslog.conf.
rsyslog_init() {
	RSYSLOGD=$(command -v rsyslogd || echo /usr/sbin/rsyslogd)
	[ -x "$RSYSLOGD" ] || {
		echo "SKIP: rsyslogd is not installed (scripts/install-deps.sh)"
		exit 77
	}
	RS=$T/rsyslog
	RS_PID=
	mkdir -p "$RS/work"
	trap rs_cleanup EXIT
}

rs_cleanup() {
	if [ -n "$RS_PID" ] && kill -0 "$RS_PID" 2>/dev/null; then
		kill -KILL "$RS_PID" 2>/dev/null
		wait "$RS_PID" 2>/dev/null
	fi
	e2e_cleanup
}

# rs_start TCP_PORT: runs rsyslogd in the foreground on $RS/rsyslog.conf
# and waits (bounded) until it accepts connections on TCP_PORT.
rs_start() {
	rs_port=$1
	"$RSYSLOGD" -n -f "$RS/rsyslog.conf" -i "$RS/pid" >>"$RS/log" 2>&1 &
	RS_PID=$!
	wait_until 20 'tcp_listening "$rs_port"' || {
		cat "$RS/log" >&2
		fail "rsyslogd did not start"
	}
}

# rs_stop: SIGTERM, and a bounded wait for it to exit.
rs_stop() {
	kill -TERM "$RS_PID"
	wait_until 20 '! kill -0 "$RS_PID" 2>/dev/null' ||
	    fail "rsyslogd did not stop"
	wait "$RS_PID" 2>/dev/null
	RS_PID=
}
