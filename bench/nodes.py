#!/usr/bin/env python3
"""bench/nodes.py: cross-node invalidation, from a write's acknowledgement on node A to node B
serving the new page.

Starts two `newszone serve` processes on one fresh database (a SQLite file by default, or
--db URI for another backend), publishes one article through node A's admin API, then edits its
headline N times through node A; after each acknowledgement it asks node B for the page every
millisecond until the new headline is there. Node B has the page cached before each edit, so
the figure is how long node B's cache takes to drop it (the change feed's wait) plus a render.

Rules: traffic only to 127.0.0.1; bounded (N edits, 5 s per edit at most); temporary files are
removed. Usage: nodes.py [--edits N] [--bin build/newszone] [--db URI]
Prints one line of JSON: {"edits", "p50_ms", "p90_ms", "p99_ms", "max_ms"}.
"""

import argparse
import json
import os
import shutil
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests", "e2e"))

from nz import Server, run  # noqa: E402
from nzadmin import add_token, add_user, api  # noqa: E402


def pct(xs, p):
    return xs[min(len(xs) - 1, int(len(xs) * p))]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--edits", type=int, default=200)
    ap.add_argument("--db", help="a database URI (default: a SQLite file in a temporary folder)")
    args = ap.parse_args()
    tmp = tempfile.mkdtemp(prefix="nz-bench-nodes-")
    db = args.db or os.path.join(tmp, "news.db")
    nodes = []
    try:
        run(["init"], db=db)
        add_user(db, "eve", "editor")
        token = add_token(db, "eve")[1]
        a, b = Server(db), Server(db)
        nodes += [a, b]

        def call(method, path, body=None):
            r = api(a, method, "/api/v1/admin" + path, token, body)
            if r.status >= 300:
                raise SystemExit("%s %s: %d %s" % (method, path, r.status, r.text))
            return r.json()

        art = call("POST", "/articles", {"headline": "Edit 0", "body_markdown": "Body."})
        art = call("POST", "/articles/%d/publish" % art["id"])
        path, revision, delays = "/article/" + art["slug"], art["revision"], []
        for i in range(1, args.edits + 1):
            b.get(path)  # cached on node B
            revision = call("PATCH", "/articles/%d" % art["id"],
                            {"revision": revision, "headline": "Edit %d" % i})["revision"]
            acked = time.monotonic()
            while "Edit %d<" % i not in b.get(path).text:
                if time.monotonic() - acked > 5:
                    raise SystemExit("edit %d: node B still serves the old page after 5 s" % i)
                time.sleep(0.001)
            delays.append((time.monotonic() - acked) * 1000)
        delays.sort()
        print(json.dumps({"edits": len(delays), "p50_ms": round(pct(delays, 0.5), 1),
                          "p90_ms": round(pct(delays, 0.9), 1),
                          "p99_ms": round(pct(delays, 0.99), 1),
                          "max_ms": round(delays[-1], 1)}))
    finally:
        for n in nodes:
            n.stop()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
