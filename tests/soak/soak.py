"""make soak: a real server on a real SQLite file under a steady mix of reads, searches and
writes from several clients for SOAK_SECONDS (600 by default), sampled once a second. Prints
a table (one row per tenth of the run: requests, errors, p99 latency, resident memory, the
part of it outside the page cache, what the page cache holds, WAL size) and fails when

- any request failed;
- resident memory (VmRSS, in means of 10 s) moved more than 10 % after warm-up. The site
  gains about two articles a second, so the bounded caches fill while it runs: warm-up lasts
  the first fifth and, past it, until the page cache is full (its first eviction). The server runs with
  --cache-mb SOAK_CACHE_MB (8 by default) so that happens early in the run; a run where the
  cache never filled fails rather than pass on a measure taken while it was still growing;
- the server's heap outside the page cache (RssAnon less newszone_cache_bytes from /metrics,
  which the cache counts against its limit; in means of 10 s) moved more than 10 % after the
  first fifth: this is what a leak grows, whatever the caches do;
- the WAL grew past SOAK_WAL_MAX_MB (80: the 64 MB bound of src/store/sqlite/db.c plus what is
  written while a checkpoint waits).

It also prints the steady-state growth: the second half's last 30 s against its first 30 s.
Not a speed test: the latencies are printed, never asserted. Standard library only.

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
from collections import namedtuple

BIN = os.environ.get("NZ_BIN", "build/newszone")
SECONDS = float(os.environ.get("SOAK_SECONDS", "600"))
WAL_MAX_MB = float(os.environ.get("SOAK_WAL_MAX_MB", "80"))
CACHE_MB = int(os.environ.get("SOAK_CACHE_MB", "8"))
WRITERS = int(os.environ.get("SOAK_WRITERS", "2"))
READERS = int(os.environ.get("SOAK_READERS", "3"))
# rss: VmRSS; heap: RssAnon less the page cache's bytes; cache: the page cache's bytes (MB)
Sample = namedtuple("Sample", "t rss heap cache evictions wal")
WORDS = ("harbour minister budget election typhoon exports semiconductor ferry council "
         "museum orchestra festival satellite vaccine railway").split()


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def mem_mb(pid):
    """VmRSS, RssAnon (heap and stacks: what a leak grows) and RssFile (mapped files) in MB."""
    with open("/proc/%d/status" % pid) as f:
        text = f.read()
    return tuple(int(re.search(r"%s:\s+(\d+)" % k, text).group(1)) / 1024
                 for k in ("VmRSS", "RssAnon", "RssFile"))


def page_cache(port):
    """MB the page cache holds (its own count against its limit) and its evictions so far."""
    try:
        st, data = request(port, "GET", "/metrics")
    except OSError:
        return 0, 0
    got = [re.search(rb"^%s (\d+)" % k, data, re.M)
           for k in (b"newszone_cache_bytes", b"newszone_cache_evictions_total")]
    if st != 200 or not all(got):
        return 0, 0
    return int(got[0].group(1)) / 1048576, int(got[1].group(1))


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
    srv = subprocess.Popen([BIN, "--db", db, "serve", "--listen", "127.0.0.1:%d" % port,
                            "--cache-mb", str(CACHE_MB)],
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
        samples = []  # Sample tuples, one a second
        while time.monotonic() - start < SECONDS:
            time.sleep(1)
            wal = os.path.getsize(db + "-wal") if os.path.exists(db + "-wal") else 0
            rss, anon, _ = mem_mb(srv.pid)
            cache, evictions = page_cache(port)
            samples.append(Sample(time.monotonic(), rss, anon - cache, cache, evictions,
                                  wal / 1048576))
            if os.environ.get("SOAK_TRACE"):
                print("%6.0f s" % (samples[-1].t - start), samples[-1][1:], flush=True)
        stop.set()
        for t in threads:
            t.join()
    finally:
        srv.terminate()
        srv.wait(timeout=30)
        log.close()
    return report(stats, samples, start, tmp)


def spread(samples, field, since):
    """How far field moved from since on, in means of 10 s (one request's buffers are not
    a trend): (lowest, highest, (highest - lowest) / lowest)."""
    means, i = [], 0
    picked = [getattr(x, field) for x in samples if since is not None and x.t >= since]
    while i + 10 <= len(picked):
        means.append(sum(picked[i:i + 10]) / 10)
        i += 10
    if not means:
        return 0, 0, 0
    lo, hi = min(means), max(means)
    return lo, hi, (hi - lo) / lo if lo else 0


def growth(samples, field, start):
    """Steady-state growth: mean of the second half's last 30 s less that of its first 30 s."""
    half = start + SECONDS / 2
    head = [getattr(x, field) for x in samples if half <= x.t < half + 30]
    tail = [getattr(x, field) for x in samples if x.t >= start + SECONDS - 30]
    if not head or not tail:
        return 0
    return sum(tail) / len(tail) - sum(head) / len(head)


def table(stats, samples, start):
    print("%-9s %9s %7s %9s %8s %8s %8s %8s" % ("interval", "requests", "errors", "p99 ms",
                                                 "RSS MB", "heap MB", "cache MB", "WAL MB"))
    slices = 10
    width = SECONDS / slices
    for s in range(slices):
        lo, hi = start + s * width, start + (s + 1) * width
        ev = [e for e in stats.events if lo <= e[0] < hi]
        lat = sorted(e[2] for e in ev)
        p99 = lat[int(len(lat) * 0.99)] * 1000 if lat else 0
        sm = [x for x in samples if lo <= x.t < hi]
        peak = lambda f: max((getattr(x, f) for x in sm), default=0)
        print("%3d-%3d%% %9d %7d %9.1f %8.1f %8.1f %8.1f %8.1f" % (
            s * 10, (s + 1) * 10, len(ev), sum(1 for e in ev if not e[1]), p99, peak("rss"),
            peak("heap"), peak("cache"), peak("wal")))


def report(stats, samples, start, tmp):
    table(stats, samples, start)
    errors = sum(1 for e in stats.events if not e[1])
    first_fifth = start + SECONDS / 5
    full = next((x.t for x in samples if x.evictions > 0), None)
    warm_end = max(first_fifth, full) if full is not None else None
    rss = spread(samples, "rss", warm_end)
    heap = spread(samples, "heap", first_fifth)
    wal_max = max((x.wal for x in samples), default=0)
    print("requests %d, errors %d, WAL max %.1f MB" % (len(stats.events), errors, wal_max))
    if warm_end is None:
        print("page cache (limit %d MB) never full: no warm-up end" % CACHE_MB)
    else:
        print("page cache (limit %d MB) full at %.0f s; RSS from %.0f s: %.1f-%.1f MB (%.1f %%)"
              % (CACHE_MB, full - start, warm_end - start, rss[0], rss[1], rss[2] * 100))
    print("heap outside the page cache from %.0f s: %.1f-%.1f MB (%.1f %%; means of 10 s)"
          % (SECONDS / 5, heap[0], heap[1], heap[2] * 100))
    print("second half, last 30 s less first 30 s: RSS %+.1f MB, heap %+.1f MB, cache %+.1f MB"
          % tuple(growth(samples, f, start) for f in ("rss", "heap", "cache")))
    failed = []
    if errors:
        failed.append("%d requests failed" % errors)
    if warm_end is None:
        failed.append("the page cache never filled, so memory was never measured warm")
    elif rss[2] > 0.10:
        failed.append("resident memory moved %.1f %% after warm-up" % (rss[2] * 100))
    if heap[2] > 0.10:
        failed.append("the heap outside the page cache moved %.1f %%" % (heap[2] * 100))
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
