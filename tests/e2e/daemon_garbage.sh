#!/bin/bash
# Garbage over UDP and TCP is counted, the daemon keeps running, and valid
# data sent afterwards still decodes exactly.
. "$(dirname "$0")/e2e_lib.sh" "$@"

port=$(free_port 127.0.0.1) || fail "no free port"
LISTEN="$(listen_entry udp 127.0.0.1 "$port")
$(listen_entry tcp 127.0.0.1 "$port")"
write_config "$T/nvmwatch.yaml" "$T/records.jsonl"
start_daemon "$T/nvmwatch.yaml" 2

timeout 30 python3 - "$port" <<'PY' || fail "the garbage sender failed"
import os, random, socket, struct, sys
port = int(sys.argv[1])
rnd = random.Random(7)
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
dgrams = [
    bytes(rnd.randrange(256) for _ in range(100)),       # not IPFIX
    struct.pack("!HHIII", 10, 9999, 0, 0, 0),            # length lies
    struct.pack("!HHIII", 10, 16, 0, 0, 0)[:10],         # short header
    struct.pack("!HHIII", 10, 24, 0, 0, 1) +
        struct.pack("!HH", 2, 200) + b"\0\0\0\0",        # set overruns
    struct.pack("!HHIII", 9, 16, 0, 0, 0),               # NetFlow v9
]
for d in dgrams:
    u.sendto(d, ("127.0.0.1", port))
# TCP: a NetFlow v9 header, then an IPFIX header with length < 16; the
# daemon must close each connection.
for hdr in (struct.pack("!HHIII", 9, 16, 0, 0, 0),
            struct.pack("!HHIII", 10, 8, 0, 0, 0)):
    t = socket.create_connection(("127.0.0.1", port), timeout=10)
    t.sendall(hdr + b"\0" * 16)
    try:
        if t.recv(1) != b"":
            sys.exit("data from the daemon?")
    except ConnectionResetError:
        pass
    t.close()
PY

wait_until 10 'usr1_stats; [ "$(stat malformed)" -ge 1 ] &&
    [ "$(stat tcp_bad_framing)" -ge 2 ]' || fail "garbage not counted"
kill -0 "$DAEMON_PID" || fail "the daemon died"

nvm_send udp 127.0.0.1 "$port" "$T/truth_udp.jsonl" -n 500 -e 5 -s 11 -r 20000
n=$(lines "$T/truth_udp.jsonl")
wait_records "$T/records.jsonl" "$n"
nvm_send tcp 127.0.0.1 "$port" "$T/truth_tcp.jsonl" -n 500 -e 5 -s 12
cat "$T/truth_udp.jsonl" "$T/truth_tcp.jsonl" >"$T/truth.jsonl"
n=$(lines "$T/truth.jsonl")
wait_records "$T/records.jsonl" "$n"
stop_daemon

[ "$DAEMON_RC" -eq 0 ] || fail "exit status $DAEMON_RC"
same_records "$T/truth.jsonl" "$T/records.jsonl"
expect_stat records -eq "$n"
expect_stat malformed -ge 4
expect_stat tcp_bad_framing -eq 2
expect_stat tcp_accepted -eq 3
echo "ok: malformed=$(stat malformed) tcp_bad_framing=$(stat tcp_bad_framing)"
