#!/usr/bin/env python3
"""bench/latency.py: time single requests, one after another, on one keep-alive connection.

Used by bench/run.sh for the uncached render time: each article URL is asked for once, so a
response cache (when Newszone has one) cannot answer it, and the server renders the page. The
time is taken at the client (from sending the request to the last byte of the body); the
floor of that method (loopback, HTTP parsing, this client) is measured the same way on a tiny
response (/healthz) and printed beside it.

Rules: traffic only to 127.0.0.1; bounded in count (the paths given) and in time
(--max-seconds); a non-200 answer is an error.
Raw sockets rather than http.client, so the client adds as little as possible.

Usage: latency.py --port P [--host 127.0.0.1] [--max-seconds S] [--repeat PATH:N] [SLUG_FILE]
Prints one line of JSON: {"n", "p50_ms", "p90_ms", "p99_ms", "max_ms", "bytes"}.
"""

import argparse
import json
import socket
import sys
import time
import urllib.parse


def read_response(sock, buf):
    """Reads one response (Content-Length framed); returns (status, body length, rest)."""
    while b"\r\n\r\n" not in buf:
        chunk = sock.recv(65536)
        if not chunk:
            raise ConnectionError("connection closed before the headers")
        buf += chunk
    head, _, buf = buf.partition(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    status = int(lines[0].split()[1])
    length = None
    for line in lines[1:]:
        k, _, v = line.partition(b":")
        if k.strip().lower() == b"content-length":
            length = int(v.strip())
    if length is None:
        raise ValueError("no Content-Length in the response")
    while len(buf) < length:
        chunk = sock.recv(65536)
        if not chunk:
            raise ConnectionError("connection closed in the body")
        buf += chunk
    return status, length, buf[length:]


def percentile(sorted_ms, p):
    if not sorted_ms:
        return 0.0
    k = min(len(sorted_ms) - 1, max(0, int(round(p / 100.0 * len(sorted_ms) + 0.5)) - 1))
    return sorted_ms[k]


def run(host, port, paths, max_seconds):
    sock = socket.create_connection((host, port))
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    times, total, buf = [], 0, b""
    deadline = time.monotonic() + max_seconds
    for path in paths:
        if time.monotonic() > deadline:
            break
        req = ("GET %s HTTP/1.1\r\nHost: %s:%d\r\n\r\n" % (path, host, port)).encode()
        t0 = time.perf_counter()
        sock.sendall(req)
        status, length, buf = read_response(sock, buf)
        t1 = time.perf_counter()
        if status != 200:
            raise RuntimeError("%s answered %d" % (path, status))
        times.append((t1 - t0) * 1000.0)
        total += length
    sock.close()
    times.sort()
    ms = {"p50_ms": percentile(times, 50), "p90_ms": percentile(times, 90),
          "p99_ms": percentile(times, 99), "max_ms": times[-1] if times else 0.0}
    out = {"n": len(times), "bytes": total}
    out.update({k: round(v, 3) for k, v in ms.items()})
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--repeat", help="PATH:N: ask for one path N times (the floor)")
    ap.add_argument("--prefix", default="/article/", help="prefix for each slug in the file")
    ap.add_argument("--max-seconds", type=float, default=90.0,
                    help="stop asking after this long (the JSON says how many were timed)")
    ap.add_argument("file", nargs="?", help="a file of slugs, one a line")
    args = ap.parse_args()
    if args.host not in ("127.0.0.1", "localhost", "::1"):
        sys.exit("latency.py: loopback only")
    if args.repeat:
        path, _, n = args.repeat.rpartition(":")
        paths = [path] * int(n)
    else:
        with open(args.file, encoding="utf-8") as f:
            paths = [args.prefix + urllib.parse.quote(s.strip(), safe="-")
                     for s in f if s.strip()]
    print(json.dumps(run(args.host, args.port, paths, args.max_seconds)))


if __name__ == "__main__":
    main()
