#!/usr/bin/env python3
"""bench/time_articles.py PORT SLUGS N [OFFSET]: times GET /article/<slug> for N slugs of the
file SLUGS (one a line, from line OFFSET) against a server on 127.0.0.1:PORT, on one keep-alive
connection, in sequence; prints p50/p99/mean in ms, non-200 answers and the load average.
Used for the uncached article render (serve --cache-mb 0) in bench/RESULTS.md."""
import http.client
import os
import sys
import time
import urllib.parse

port, slugs_file, n = int(sys.argv[1]), sys.argv[2], int(sys.argv[3])
offset = int(sys.argv[4]) if len(sys.argv) > 4 else 0
slugs = [line.strip() for line in open(slugs_file) if line.strip()][offset:offset + n]
conn = http.client.HTTPConnection("127.0.0.1", port)
times, bad = [], 0
for s in slugs:
    t0 = time.perf_counter()
    conn.request("GET", "/article/" + urllib.parse.quote(s))
    r = conn.getresponse()
    r.read()
    times.append((time.perf_counter() - t0) * 1000)
    bad += r.status != 200
times.sort()


def pct(q):
    return times[min(len(times) - 1, int(q * len(times)))]


print("n=%d p50=%.2f ms p99=%.2f ms mean=%.2f ms non200=%d load=%s" % (
    len(times), pct(0.5), pct(0.99), sum(times) / len(times), bad,
    " ".join("%.1f" % x for x in os.getloadavg())))
