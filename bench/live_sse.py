#!/usr/bin/env python3
"""Many readers on one live story: what do open Server-Sent Events streams cost the server, and
how long does one update take to reach all of them?

Starts `newszone serve` on a fresh database (--max-connections and --max-per-address at twice
--conns: streams may take 3/4 of the connections), makes a published live article, reads the server's resident memory and thread
count (/proc/PID/status), opens --conns event streams on /live/{id}/events (non-blocking
sockets, one thread here) and reads them again, then posts one update through the admin API and
times until every stream has received its "event: update" (from just before the POST). Then
stops the server with the streams open and times the stop. Repeats the update --rounds times.
A measurement, never a pass/fail: docs/live-coverage.md, bench/RESULTS.md.

    python3 bench/live_sse.py [--conns 1000] [--rounds 5] [--bin build/newszone]
"""
import argparse
import http.client
import json
import os
import resource
import selectors
import shutil
import signal
import socket
import subprocess
import tempfile
import time


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def status_of(pid):
    """(resident MB, threads) of a process."""
    rss = threads = 0
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                rss = int(line.split()[1]) / 1024
            elif line.startswith("Threads:"):
                threads = int(line.split()[1])
    return rss, threads


def cli(binary, db, *args):
    return subprocess.run([binary, "--db", db] + list(args), check=True, capture_output=True,
                          text=True).stdout


def api(port, token, method, path, body=None):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    c.request(method, "/api/v1/admin" + path, body=json.dumps(body or {}),
              headers={"Authorization": "Bearer " + token,
                       "Content-Type": "application/json"})
    r = c.getresponse()
    data = r.read()
    c.close()
    if r.status >= 300:
        raise SystemExit("%s %s: %d %s" % (method, path, r.status, data[:200]))
    return json.loads(data) if data else None


def open_streams(port, path, n):
    sel = selectors.DefaultSelector()
    socks = []
    for _ in range(n):
        s = socket.create_connection(("127.0.0.1", port))
        s.sendall(("GET %s HTTP/1.1\r\nHost: bench\r\nAccept: text/event-stream\r\n\r\n"
                   % path).encode())
        s.setblocking(False)
        socks.append(s)
        sel.register(s, selectors.EVENT_READ, {"buf": b"", "seen": 0})
    return sel, socks


def wait_all(sel, n, marker, seen_before, timeout):
    """Reads every stream until each has marker seen_before + 1 times; returns when."""
    done = 0
    deadline = time.monotonic() + timeout
    states = [key.data for key in sel.get_map().values()]
    done = sum(1 for st in states if st["seen"] > seen_before)
    while done < n and time.monotonic() < deadline:
        for key, _ in sel.select(timeout=1):
            st = key.data
            chunk = key.fileobj.recv(65536)
            if not chunk:
                sel.unregister(key.fileobj)
                continue
            data = st["buf"] + chunk  # the tail kept: a marker split over two reads
            count = st["seen"] + data.count(marker)
            if st["seen"] <= seen_before < count:
                done += 1
            st["seen"] = count
            st["buf"] = data[-(len(marker) - 1):]
    return time.monotonic(), done


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--conns", type=int, default=1000)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--bin", default="build/newszone")
    a = ap.parse_args()
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, max(soft, a.conns + 512)), hard))
    binary = os.path.abspath(a.bin)
    tmp = tempfile.mkdtemp(prefix="nz-bench-sse-")
    db = os.path.join(tmp, "bench.db")
    srv = None
    try:
        cli(binary, db, "init")
        cli(binary, db, "user", "add", "eve", "--role", "editor")
        token = [w for w in cli(binary, db, "token", "create", "eve").split()
                 if w.startswith("nzt_")][0]
        port = free_port()
        limit = str(a.conns * 2)  # streams may take 3/4 of the connections
        srv = subprocess.Popen([binary, "--db", db, "serve", "--listen", "127.0.0.1:%d" % port,
                                "--max-connections", limit, "--max-per-address", limit],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.05)
        art = api(port, token, "POST", "/articles", {"headline": "Typhoon", "body_markdown": "x"})
        base = "/articles/%d" % art["id"]
        api(port, token, "POST", base + "/publish")
        api(port, token, "PUT", base + "/live", {"live": True})
        api(port, token, "POST", base + "/updates", {"body_markdown": "First."})
        time.sleep(0.5)
        rss0, thr0 = status_of(srv.pid)
        t = time.monotonic()
        sel, socks = open_streams(port, "/live/%d/events" % art["id"], a.conns)
        _, ready = wait_all(sel, a.conns, b": live\n", -1, 60)  # every stream answered
        opened = time.monotonic() - t
        time.sleep(0.5)
        rss1, thr1 = status_of(srv.pid)
        print("streams open: %d of %d in %.2f s" % (ready, a.conns, opened))
        print("server before: %.1f MB resident, %d threads" % (rss0, thr0))
        print("server with %d streams: %.1f MB resident (+%.1f MB, %.1f KB per stream), "
              "%d threads" % (ready, rss1, rss1 - rss0, (rss1 - rss0) * 1024 / max(ready, 1),
                              thr1))
        for i in range(a.rounds):
            t0 = time.monotonic()
            api(port, token, "POST", base + "/updates", {"body_markdown": "Update %d." % i})
            posted = time.monotonic() - t0
            t1, got = wait_all(sel, a.conns, b"event: update\n", i, 60)
            print("update %d: POST answered in %.1f ms; all %d streams had it after %.1f ms"
                  % (i + 1, posted * 1000, got, (t1 - t0) * 1000))
            time.sleep(0.3)
        rss2, thr2 = status_of(srv.pid)
        print("server after the updates: %.1f MB resident, %d threads" % (rss2, thr2))
        t = time.monotonic()
        srv.send_signal(signal.SIGTERM)
        srv.wait(timeout=30)
        print("stop with %d streams open: %.2f s" % (a.conns, time.monotonic() - t))
        srv = None
        for s in socks:
            s.close()
    finally:
        if srv:
            srv.kill()
            srv.wait()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
