#!/usr/bin/env python3
"""sd_launch.py - passes sockets to a program the way systemd does.

usage: sd_launch.py [--ports FILE] [--pid PID] SPEC... -- PROGRAM [ARG...]

Each SPEC is NAME:KIND:ADDRESS:PORT, KIND one of
  udp     a bound UDP socket
  tcp     a bound, listening TCP socket
  tcpnl   a bound TCP socket that is not listening yet
  unix    an AF_UNIX datagram socket (ADDRESS and PORT are ignored)
  tcpnb   a TCP socket that is not bound (ADDRESS and PORT are ignored)
PORT 0 takes a free port. The sockets become fds 3, 4, ... in order;
LISTEN_FDS, LISTEN_FDNAMES (the NAMEs, ':'-separated) and LISTEN_PID
(this process's pid, which exec keeps; --pid overrides it) are set, and
PROGRAM is executed in place of this process. --ports FILE gets one line
per socket, "NAME KIND ADDRESS PORT", before the exec.
"""
import os
import socket
import sys

FIRST = 3  # SD_LISTEN_FDS_START


def make(kind, addr, port):
    if kind == "unix":
        return socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    if kind == "tcpnb":
        return socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    fam = socket.AF_INET6 if ":" in addr else socket.AF_INET
    if kind == "udp":
        s = socket.socket(fam, socket.SOCK_DGRAM)
    elif kind in ("tcp", "tcpnl"):
        s = socket.socket(fam, socket.SOCK_STREAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    else:
        sys.exit("sd_launch: unknown kind " + kind)
    s.bind((addr, port))
    if kind == "tcp":
        s.listen(16)
    return s


def main(argv):
    ports, pid = None, None
    while argv and argv[0] in ("--ports", "--pid"):
        if argv[0] == "--ports":
            ports = argv[1]
        else:
            pid = argv[1]
        argv = argv[2:]
    if "--" not in argv:
        sys.exit(__doc__)
    i = argv.index("--")
    specs, prog = argv[:i], argv[i + 1:]
    if not specs or not prog:
        sys.exit(__doc__)
    socks, lines, names = [], [], []
    for spec in specs:
        name, kind, rest = spec.split(":", 2)
        addr, port = rest.rsplit(":", 1)
        s = make(kind, addr, int(port))
        port = s.getsockname()[1] if kind != "unix" else 0
        socks.append(s)
        names.append(name)
        lines.append("%s %s %s %d\n" % (name, kind, addr, port))
    # Out of the way first, so that no dup2() lands on a socket not yet
    # moved; then to 3, 4, ..., inheritable (dup2's default).
    high = [os.dup(s.fileno()) for s in socks]
    for s in socks:
        s.close()
    for n, fd in enumerate(high):
        os.dup2(fd, FIRST + n)
        os.close(fd)
    if ports is not None:
        with open(ports, "w") as f:
            f.writelines(lines)
    env = dict(os.environ)
    env["LISTEN_FDS"] = str(len(socks))
    env["LISTEN_FDNAMES"] = ":".join(names)
    env["LISTEN_PID"] = pid if pid is not None else str(os.getpid())
    os.execve(prog[0], prog, env)


if __name__ == "__main__":
    main(sys.argv[1:])
