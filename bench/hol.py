#!/usr/bin/env python3
"""bench/hol.py: head-of-line blocking. The latency of a cached page while slow, uncached
requests are in flight on other connections, old binary against new, alternating.

For each round and each binary (the order alternates between rounds): start `newszone serve`
on a copy of one database, warm one cached URL until it answers X-Cache: HIT, then
  1. "plain": wrk on the cached URL alone (requests/s: the page cache must not get slower);
  2. "busy": wrk keeps --slow connections each with one uncached request in flight (a search
     or an article with a query nobody asked for before, so the page cache misses and the
     server renders), while this script times the cached URL from one keep-alive connection,
     one request every --pace-ms (p50/p99/max at the client).
The servers run with the same flags (--threads, default 2). Traffic only to 127.0.0.1.

Usage: bench/hol.py --old BIN --new BIN [--db DB] [--rounds 3] [--seconds 10] [--slow 8]
                    [--slow-path '/search?q=minister&p={n}'] [--threads 2] [--plain-wrk ARGS]
                    [--plain-only]
"plain" also reports the server's CPU time per request (utime + stime from /proc/PID/stat over
the wrk run), which a machine shared with other work disturbs less than requests/s.
--plain-only measures only that.
Without --db, a demo newsroom is made with the new binary in a temporary folder; a SQLite --db
is copied there; a PostgreSQL URI is used as it is (renders there take tens of ms, mostly
waiting for the database: `scripts/pg-cluster.sh start DIR`, then `newszone --db URI demo`).
Prints one table line per measure: the median over rounds of old and new, and every round.
"""

import argparse
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from latency import percentile, read_response  # noqa: E402

UNIQUE_LUA = """
local n = 0
request = function()
  n = n + 1
  local path = string.gsub(wrk.path, "{n}", tostring(n) .. "-" .. tostring(math.random(1e9)))
  return wrk.format("GET", path)
end
"""


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(port, path):
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        s.sendall(("GET %s HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
                   % path).encode())
        data = b""
        while True:
            chunk = s.recv(65536)
            if not chunk:
                return data
            data += chunk


class Server:
    def __init__(self, binary, db, threads):
        self.port = free_port()
        self.proc = subprocess.Popen(
            [binary, "--db", db, "serve", "--listen", "127.0.0.1:%d" % self.port,
             "--threads", str(threads)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(300):
            try:
                get(self.port, "/healthz")
                return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("server did not start")

    def stop(self):
        self.proc.terminate()
        self.proc.wait(timeout=30)


def warm(port, path):
    for _ in range(200):
        if re.search(rb"(?i)\r\nx-cache: hit\r\n", get(port, path).split(b"\r\n\r\n")[0] + b"\r\n"):
            return
        time.sleep(0.05)
    raise RuntimeError("%s never came from the page cache" % path)


def wrk(args, url, lua=None):
    cmd = ["wrk"] + args + ([] if lua is None else ["-s", lua]) + [url]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    return rps, out


def cpu_ticks(pid):
    """utime + stime of a process, in clock ticks."""
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])


def plain(srv, url, args):
    """wrk on one URL: requests/s and the server's CPU microseconds per request."""
    t0 = cpu_ticks(srv.proc.pid)
    rps, out = wrk(args, url)
    t1 = cpu_ticks(srv.proc.pid)
    n = int(re.search(r"(\d+) requests in", out).group(1))
    return rps, (t1 - t0) * 1e6 / os.sysconf("SC_CLK_TCK") / max(n, 1)


def time_cached(port, path, seconds, pace_ms):
    sock = socket.create_connection(("127.0.0.1", port))
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    req = ("GET %s HTTP/1.1\r\nHost: localhost\r\n\r\n" % path).encode()
    times, buf = [], b""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        t0 = time.perf_counter()
        sock.sendall(req)
        status, _, buf = read_response(sock, buf)
        t1 = time.perf_counter()
        if status != 200:
            raise RuntimeError("cached page answered %d" % status)
        times.append((t1 - t0) * 1000.0)
        time.sleep(max(0.0, pace_ms / 1000.0 - (t1 - t0)))
    sock.close()
    times.sort()
    return {"p50": percentile(times, 50), "p99": percentile(times, 99), "max": times[-1],
            "n": len(times)}


def one_run(binary, db, a, lua):
    srv = Server(binary, db, a.threads)
    try:
        warm(srv.port, a.cached)
        url = "http://127.0.0.1:%d" % srv.port
        plain_rps, plain_us = plain(srv, url + a.cached, a.plain_wrk.split())
        if a.plain_only:
            return {"plain_rps": plain_rps, "plain_us": plain_us}
        result = {}
        slow = threading.Thread(target=lambda: result.update(
            slow=wrk(["-t1", "-c%d" % a.slow, "-d%ds" % (a.seconds + 2), "--timeout", "30s"],
                     url + a.slow_path, lua)))
        slow.start()
        time.sleep(1.0)  # the slow connections are busy before timing starts
        busy = time_cached(srv.port, a.cached, a.seconds, a.pace_ms)
        slow.join()
        busy["slow_rps"] = result["slow"][0]
        busy["plain_rps"] = plain_rps
        busy["plain_us"] = plain_us
        return busy
    finally:
        srv.stop()


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--old", required=True)
    p.add_argument("--new", required=True)
    p.add_argument("--db")
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--seconds", type=int, default=10)
    p.add_argument("--slow", type=int, default=8)
    p.add_argument("--slow-path", default="/search?q=minister&p={n}")
    p.add_argument("--cached", help="the cached URL (default: the front page's first article)")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--pace-ms", type=float, default=5.0)
    p.add_argument("--plain-wrk", default="-t2 -c64 -d10s")
    p.add_argument("--plain-only", action="store_true", help="only the cached page alone")
    a = p.parse_args()
    tmp = tempfile.mkdtemp(prefix="nz-bench-hol-")
    try:
        db = os.path.join(tmp, "hol.db")
        if a.db and "://" in a.db:  # PostgreSQL: used as it is (the runs only read)
            db = a.db
        elif a.db:
            shutil.copy(a.db, db)
        else:
            subprocess.run([a.new, "--db", db, "demo"], check=True, capture_output=True)
        lua = os.path.join(tmp, "unique.lua")
        with open(lua, "w") as f:
            f.write(UNIQUE_LUA)
        if not a.cached:
            srv = Server(a.new, db, a.threads)
            try:
                page = get(srv.port, "/").decode("utf-8", "replace")
            finally:
                srv.stop()
            a.cached = re.search(r'href="(/article/[^"?#]+)"', page).group(1)
        runs = {"old": [], "new": []}
        for r in range(a.rounds):
            order = ("old", "new") if r % 2 == 0 else ("new", "old")
            for which in order:
                res = one_run(getattr(a, which), db, a, lua)
                runs[which].append(res)
                print("round %d %s: %s" % (r + 1, which, {k: round(v, 2) for k, v in
                                                          res.items()}), flush=True)
        print("cached %s, slow %s x%d in flight, --threads %d, %d rounds, median (old -> new):"
              % (a.cached, a.slow_path, a.slow, a.threads, a.rounds))
        measures = [("p50", "cached page p50 ms while busy"),
                    ("p99", "cached page p99 ms while busy"),
                    ("max", "cached page max ms while busy"),
                    ("slow_rps", "slow requests/s answered")]
        if a.plain_only:
            measures = []
        measures += [("plain_rps", "cached page req/s alone (wrk %s)" % a.plain_wrk),
                     ("plain_us", "server CPU us per cached request alone")]
        ratios = sorted(n["plain_rps"] / o["plain_rps"] for o, n in zip(runs["old"], runs["new"]))
        for key, label in measures:
            old = statistics.median(x[key] for x in runs["old"])
            new = statistics.median(x[key] for x in runs["new"])
            print("  %-48s %10.2f -> %10.2f" % (label, old, new))
        print("  new/old req/s alone, per round: %s (median %.3f)"
              % (" ".join("%.3f" % x for x in ratios), statistics.median(ratios)))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
