"""make soak: a real server on a real SQLite file under a steady mix of reads, searches and
writes from several clients for SOAK_SECONDS (600 by default), sampled once a second. Prints
a table (one row per tenth of the run: requests, errors, p99 latency, resident memory, WAL
size) and fails when any request failed, when resident memory after warm-up (the first fifth)
moved more than 10 %, or when the WAL grew past SOAK_WAL_MAX_MB (80: the 64 MB bound of
src/store/sqlite/db.c plus what is written while a checkpoint waits). Not a speed test: the
latencies are printed, never asserted. Standard library only.

Usage: NZ_BIN=build/newszone SOAK_SECONDS=60 python3 tests/soak/soak.py
"""
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import http.client

BIN = os.environ.get("NZ_BIN", "build/newszone")
SECONDS = float(os.environ.get("SOAK_SECONDS", "600"))
WAL_MAX_MB = float(os.environ.get("SOAK_WAL_MAX_MB", "80"))
WRITERS = int(os.environ.get("SOAK_WRITERS", "2"))
READERS = int(os.environ.get("SOAK_READERS", "3"))
WORDS = ("harbour minister budget election typhoon exports semiconductor ferry council "
         "museum orchestra festival satellite vaccine railway").split()


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def rss_kb(pid):
    with open("/proc/%d/status" % pid) as f:
        return int(re.search(r"VmRSS:\s+(\d+)", f.read()).group(1))


class Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.events = []  # (time, ok, seconds, what)

    def add(self, ok, secs, what):
        with self.lock:
            self.events.append((time.monotonic(), ok, secs, what))


def request(port, method, path, body=None, token=None):
    h = {}
    if token:
        h["Authorization"] = "Bearer " + token
    data = None
    if body is not None:
        data = json.dumps(body).encode()
        h["Content-Type"] = "application/json"
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        c.request(method, path, body=data, headers=h)
        r = c.getresponse()
        return r.status, r.read()
    finally:
        c.close()


def writer(n, port, token, stats, stop, slugs):
    i = 0
    while not stop.is_set():
        i += 1
        words = " ".join(WORDS[(i * 7 + k) % len(WORDS)] for k in range(12))
        body = {"headline": "Soak %d-%d %s" % (n, i, WORDS[i % len(WORDS)]),
                "body_markdown": ("%s.\n\n" % words) * 40}
        t = time.monotonic()
        try:
            st, data = request(port, "POST", "/api/v1/admin/articles", body, token)
            ok = st == 201
            if ok:
                a = json.loads(data)
                st, data = request(port, "POST", "/api/v1/admin/articles/%d/publish" % a["id"],
                                   None, token)
                ok = st == 200
                if ok:
                    slugs.append(json.loads(data)["slug"])
                    st, _ = request(port, "PATCH", "/api/v1/admin/articles/%d" % a["id"],
                                    {"revision": json.loads(data)["revision"],
                                     "dateline": "SEOUL, soak %d" % i}, token)
                    ok = st == 200
        except (OSError, ValueError, KeyError):
            ok = False
        stats.add(ok, time.monotonic() - t, "write")
        time.sleep(0.02)


def reader(n, port, stats, stop, slugs):
    i = 0
    while not stop.is_set():
        i += 1
        k = (i + n) % 4
        if k == 0:
            path = "/"
        elif k == 1 and slugs:
            path = "/article/" + slugs[(i * 31) % len(slugs)]
        elif k == 2:
            path = "/search?q=" + WORDS[i % len(WORDS)]
        else:
            path = "/feed.atom"
        t = time.monotonic()
        try:
            st, _ = request(port, "GET", path)
            ok = st == 200
        except OSError:
            ok = False
        stats.add(ok, time.monotonic() - t, "read")


def main():
    tmp = tempfile.mkdtemp(prefix="nz-soak-")
    db = os.path.join(tmp, "soak.db")
    run = lambda *a: subprocess.run([BIN, "--db", db] + list(a), check=True,
                                    capture_output=True, text=True)
    run("init")
    run("user", "add", "soak", "--role", "editor")
    token = re.search(r"^(nzt_\S+)$", run("token", "create", "soak").stdout, re.M).group(1)
    port = free_port()
    log = open(os.path.join(tmp, "server.log"), "w")
    srv = subprocess.Popen([BIN, "--db", db, "serve", "--listen", "127.0.0.1:%d" % port],
                           stdout=log, stderr=subprocess.STDOUT)
    try:
        for _ in range(150):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        stats, stop, slugs = Stats(), threading.Event(), []
        threads = [threading.Thread(target=writer, args=(i, port, token, stats, stop, slugs))
                   for i in range(WRITERS)]
        threads += [threading.Thread(target=reader, args=(i, port, stats, stop, slugs))
                    for i in range(READERS)]
        start = time.monotonic()
        for t in threads:
            t.start()
        samples = []  # (time, rss MB, wal MB)
        while time.monotonic() - start < SECONDS:
            time.sleep(1)
            wal = os.path.getsize(db + "-wal") if os.path.exists(db + "-wal") else 0
            samples.append((time.monotonic(), rss_kb(srv.pid) / 1024, wal / 1048576))
        stop.set()
        for t in threads:
            t.join()
    finally:
        srv.terminate()
        srv.wait(timeout=30)
        log.close()
    return report(stats, samples, start, tmp)


def report(stats, samples, start, tmp):
    print("%-9s %9s %7s %9s %8s %8s" % ("interval", "requests", "errors", "p99 ms", "RSS MB",
                                         "WAL MB"))
    slices = 10
    width = SECONDS / slices
    for s in range(slices):
        lo, hi = start + s * width, start + (s + 1) * width
        ev = [e for e in stats.events if lo <= e[0] < hi]
        lat = sorted(e[2] for e in ev)
        p99 = lat[int(len(lat) * 0.99)] * 1000 if lat else 0
        sm = [x for x in samples if lo <= x[0] < hi]
        print("%3d-%3d%% %9d %7d %9.1f %8.1f %8.1f" % (
            s * 10, (s + 1) * 10, len(ev), sum(1 for e in ev if not e[1]), p99,
            max((x[1] for x in sm), default=0), max((x[2] for x in sm), default=0)))
    errors = sum(1 for e in stats.events if not e[1])
    warm = [x[1] for x in samples if x[0] >= start + SECONDS / 5]
    rss_move = (max(warm) - min(warm)) / min(warm) if warm else 0
    wal_max = max((x[2] for x in samples), default=0)
    print("requests %d, errors %d, RSS after warm-up %.1f-%.1f MB (%.1f %%), WAL max %.1f MB"
          % (len(stats.events), errors, min(warm, default=0), max(warm, default=0),
             rss_move * 100, wal_max))
    failed = []
    if errors:
        failed.append("%d requests failed" % errors)
    if rss_move > 0.10:
        failed.append("resident memory moved %.1f %% after warm-up" % (rss_move * 100))
    if wal_max > WAL_MAX_MB:
        failed.append("the WAL reached %.1f MB (bound %.0f MB)" % (wal_max, WAL_MAX_MB))
    if failed:
        print("soak: FAILED: " + "; ".join(failed) + " (server log in %s)" % tmp)
        return 1
    shutil.rmtree(tmp, ignore_errors=True)
    print("soak: passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
