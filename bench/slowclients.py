#!/usr/bin/env python3
"""One address holds many slow or idle connections; how fast is everyone else served?

Starts `newszone serve` on a fresh demo database, then from 127.0.0.2 (or --addresses
addresses from 127.0.0.2 on) opens --conns connections
(half send a partial request head and one more header line every 2 s, "slowloris"; half make
one request and then sit idle on the keep-alive connection), reopening whatever the server
closes, for --seconds. Meanwhile 127.0.0.1 fetches `/` and `/healthz` on new connections, one at
a time, and the script prints their latency percentiles, errors, and how many of the attacker's
connections the server kept open. A measurement, never a pass/fail: docs/security.md.

    python3 bench/slowclients.py [--conns 2000] [--seconds 20] [--addresses 1]
                                 [--bin build/newszone] [--serve-args "..."]
"""
import argparse
import http.client
import os
import resource
import shutil
import socket
import subprocess
import tempfile
import threading
import time

ATTACKER = "127.0.0.2"  # and the next ones with --addresses N


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def attacker(port, conns, addresses, stop, stats):
    """Keeps conns connections from ATTACKER (and the addresses after it) open: slow heads and
    idle keep-alives."""
    socks = {}

    def open_one(i):
        s = socket.socket()
        s.setblocking(True)
        s.settimeout(2)
        try:
            s.bind(("127.0.0.%d" % (2 + i % addresses), 0))
            s.connect(("127.0.0.1", port))
            if i % 2:
                s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
                s.recv(4096)  # the answer; then idle on the keep-alive connection
            else:
                s.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n")
            s.setblocking(False)
            socks[i] = s
            stats["opened"] += 1
        except OSError:
            s.close()
            stats["refused"] += 1

    for i in range(conns):
        if stop.is_set():
            break
        open_one(i)
    while not stop.is_set():
        for i in range(conns):
            s = socks.get(i)
            alive = False
            if s is not None:
                try:
                    if s.recv(4096) == b"":
                        raise OSError("closed")
                except BlockingIOError:
                    alive = True
                except OSError:
                    pass
                if alive and i % 2 == 0:
                    try:
                        s.send(b"X-Slow: 1\r\n")  # a trickle: a byte count, not a head
                    except OSError:
                        alive = False
            if not alive:
                if s is not None:
                    s.close()
                    stats["closed_by_server"] += 1
                socks.pop(i, None)
                open_one(i)
            if stop.is_set():
                break
        stats["held"] = len(socks)
        stop.wait(2)
    for s in socks.values():
        s.close()


def fetch(port, path):
    t = time.perf_counter()
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        c.request("GET", path)
        r = c.getresponse()
        r.read()
        ok = r.status == 200
    except OSError:
        ok = False
    finally:
        c.close()
    return (time.perf_counter() - t) * 1000, ok


def pct(values, p):
    v = sorted(values)
    return v[min(len(v) - 1, int(len(v) * p / 100))] if v else float("nan")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--conns", type=int, default=2000)
    ap.add_argument("--seconds", type=float, default=20)
    ap.add_argument("--addresses", type=int, default=1,
                    help="spread the connections over this many addresses (127.0.0.2 on)")
    ap.add_argument("--bin", default=os.path.join(os.path.dirname(__file__), "..", "build",
                                                  "newszone"))
    ap.add_argument("--serve-args", default="", help="extra `serve` arguments")
    a = ap.parse_args()
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))

    tmp = tempfile.mkdtemp(prefix="nz-slow-")
    db = os.path.join(tmp, "slow.db")
    subprocess.run([a.bin, "--db", db, "demo"], check=True, capture_output=True)
    port = free_port()
    srv = subprocess.Popen([a.bin, "--db", db, "serve", "--listen", "127.0.0.1:%d" % port] +
                           a.serve_args.split(), stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL)
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.05)
        fetch(port, "/")  # warm the page cache
        baseline = [fetch(port, "/")[0] for _ in range(200)]

        stop = threading.Event()
        stats = {"opened": 0, "refused": 0, "closed_by_server": 0, "held": 0}
        t = threading.Thread(target=attacker, args=(port, a.conns, a.addresses, stop, stats))
        t.start()
        time.sleep(min(5.0, a.seconds / 4))  # let the attacker open its connections
        lat, health, errors = [], [], 0
        end = time.time() + a.seconds
        while time.time() < end:
            ms, ok = fetch(port, "/")
            lat.append(ms)
            errors += not ok
            ms, ok = fetch(port, "/healthz")
            health.append(ms)
            errors += not ok
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        c.request("GET", "/metrics")
        server_side = [line for line in c.getresponse().read().decode().splitlines()
                       if line.startswith("newszone_http_connections")]
        c.close()
        stop.set()
        t.join()
    finally:
        srv.terminate()
        srv.wait()
        shutil.rmtree(tmp, ignore_errors=True)

    print("attacker %s (%d address(es)): %d connections wanted; opened %d, refused %d, closed by the server %d, "
          "open as far as it knows at the end %d" % (
              ATTACKER, a.addresses, a.conns, stats["opened"], stats["refused"],
              stats["closed_by_server"], stats["held"]))
    print("the server's view (/metrics): " + "; ".join(server_side))
    print("| from 127.0.0.1 | requests | p50 ms | p95 ms | p99 ms | max ms | errors |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    print("| `/` alone (before) | %d | %.2f | %.2f | %.2f | %.2f | 0 |" % (
        len(baseline), pct(baseline, 50), pct(baseline, 95), pct(baseline, 99), max(baseline)))
    for name, v in (("`/` under attack", lat), ("`/healthz` under attack", health)):
        print("| %s | %d | %.2f | %.2f | %.2f | %.2f | %s |" % (
            name, len(v), pct(v, 50), pct(v, 95), pct(v, 99), max(v) if v else 0,
            errors if name.startswith("`/`") else "-"))


if __name__ == "__main__":
    main()
