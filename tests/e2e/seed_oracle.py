#!/usr/bin/env python3
"""seed_oracle.py - the seed detection's rows, computed independently.

Reads the --truth file of `nvmwatch send` (collector keys, wire values:
what a receiver must decode) and computes, by Splunk's semantics as
docs/SPL_SEMANTICS.md states them, the rows that "Cisco NVM - Non-Network
Binary Making Network Connection" yields per one-hour window. It shares no
code with the engine: the search is restated here by hand, so a test that
compares the two catches a mistake in either.

Output: one JSON object per row, {"window_start", "window_end", "fields"},
in the order nvmwatch emits them (windows in time order, rows sorted by
their by-values: numbers numerically, other text in byte order). Times are
ISO 8601 UTC; fields in the search's `table` order.
"""
import ipaddress
import json
import sys
import time

NAMES = {n.lower() for n in (
    "notepad.exe", "write.exe", "mspaint.exe", "calc.exe", "addinutil.exe",
    "cmstp.exe", "dialer.exe", "eqnedt32.exe", "IMEWDBLD.exe")}
NETS = [ipaddress.ip_network(n) for n in (
    "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10",
    "127.0.0.0/8", "169.254.0.0/16", "192.0.0.0/24", "192.0.0.0/29",
    "192.0.0.8/32", "192.0.0.9/32", "192.0.0.10/32", "192.0.0.170/32",
    "192.0.0.171/32", "192.0.2.0/24", "192.31.196.0/24", "192.52.193.0/24",
    "192.88.99.0/24", "224.0.0.0/4", "192.175.48.0/24", "198.18.0.0/15",
    "198.51.100.0/24", "203.0.113.0/24", "240.0.0.0/4")]
# by-fields, as collector keys (transport is derived from pr)
BY = ["sa", "da", "pppath", "ppil", "ppath", "pn", "pil", "pid", "transport"]
BY_NAMES = ["src", "dest", "parent_process_path",
            "parent_process_integrity_level", "process_path", "process_name",
            "process_integrity_level", "process_id", "transport"]
VALUES = [("pparg", "parent_process_arguments"),
          ("parg", "process_arguments"),
          ("pph", "parent_process_hash"), ("ph", "process_hash"),
          ("mnl", "module_name_list"), ("mhl", "module_hash_list"),
          ("dp", "dest_port"), ("aliul", "additional_logged_in_users_list"),
          ("dh", "dest_hostname")]
TABLE = ["parent_process_integrity_level", "parent_process_path",
         "parent_process_arguments", "parent_process_hash",
         "process_integrity_level", "process_path", "process_name",
         "process_arguments", "process_hash", "process_id",
         "additional_logged_in_users_list", "module_name_list",
         "module_hash_list", "src", "dest_hostname", "dest", "dest_port",
         "transport", "firstTime", "lastTime"]
WINDOW = 3600
FLOW_TEMPLATES = {267, 268, 269, 270}


def text(v):
    """A wire value as the record holds it: integers in decimal."""
    return str(v)


def values(rec, key):
    v = rec.get(key)
    if v is None:
        return []
    return [text(x) for x in v] if isinstance(v, list) else [text(v)]


def matches(rec):
    if rec.get("_template") not in FLOW_TEMPLATES:
        return False        # sourcetype cisco:nvm:flowdata: flows only
    if str(rec.get("pn", "")).lower() not in NAMES:
        return False
    da = rec.get("da")
    if da is None:
        return True         # NOT dest IN (...) holds when dest is missing
    if da.lower() == "::1":
        return False
    addr = ipaddress.ip_address(da)
    return not any(addr.version == n.version and addr in n for n in NETS)


def event_time(rec):
    if "fsms" in rec:
        return rec["fsms"] / 1000.0
    return float(rec["fss"])


def sort_key(by):
    key = []
    for v in by:
        try:
            key.append((0, float(v), b""))
        except ValueError:
            key.append((1, 0.0, v.encode()))
    return key


def num(t):
    """_time as the engine prints it: the shortest text of the double."""
    return repr(t) if t != int(t) else str(int(t))


def ctime(t):
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(int(t // 1)))


def iso(t):
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t))


def main(path):
    windows = {}
    with open(path) as f:
        for line in f:
            rec = json.loads(line)
            if not matches(rec):
                continue
            rec = dict(rec)
            rec["transport"] = {6: "tcp", 17: "udp"}.get(rec.get("pr"))
            if any(not values(rec, k) for k in BY):
                continue    # a record lacking a by-field joins no group
            t = event_time(rec)
            start = int(t // WINDOW) * WINDOW
            groups = windows.setdefault(start, {})
            by = tuple(values(rec, k)[0] for k in BY)
            g = groups.setdefault(by, {"count": 0, "min": t, "max": t,
                                       "values": {k: set() for k, _ in
                                                  VALUES}})
            g["count"] += 1
            g["min"] = min(g["min"], t)
            g["max"] = max(g["max"], t)
            for k, _ in VALUES:
                g["values"][k].update(values(rec, k))
    for start in sorted(windows):
        groups = windows[start]
        for by in sorted(groups, key=sort_key):
            g = groups[by]
            row = dict(zip(BY_NAMES, by))
            row["count"] = g["count"]
            row["firstTime"] = ctime(g["min"])
            row["lastTime"] = ctime(g["max"])
            for k, name in VALUES:
                vals = sorted(g["values"][k], key=lambda s: s.encode())
                row[name] = vals if vals else None
            fields = {k: row[k] for k in TABLE if k in row}
            print(json.dumps({"window_start": iso(start),
                              "window_end": iso(start + WINDOW),
                              "fields": fields}, separators=(",", ":")))


if __name__ == "__main__":
    main(sys.argv[1])
