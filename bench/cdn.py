#!/usr/bin/env python3
"""bench/cdn.py: a CDN in front of Newszone, simulated: how long after an edit's acknowledgement
the edge serves the new page.

The edge is a small caching proxy started here on 127.0.0.1, shaped like a CDN with surrogate
keys (Fastly's, Varnish's xkey): it keeps each 200 answer for its Cache-Control max-age
(s-maxage first), indexes it by its `Surrogate-Key` header, and drops every page that carries
one of the keys a purge names. Newszone's purge hook (`purge_url`, docs/caching-and-webhooks.md)
points at the edge's /purge, as an operator's purger would; the edge checks its signature
(`purge_secret`). A real CDN adds its own purge time (Fastly announces ~150 ms worldwide) on top
of what is measured here: the origin's part. Newszone sends each purge twice (the second 2 s
later, for a node that lagged); the figure is the first.

Starts `newszone serve` on a fresh database (a SQLite file by default; with --db URI, two nodes
on that database: edits go to node A, the edge fetches from node B, and the purge is sent by
whichever node holds the delivery lease). Publishes N articles, then edits each one's headline
once through node A's admin API; before each edit the edge has the article cached (checked: a
HIT with the old headline); after the acknowledgement it asks the edge every millisecond until
the new headline is there. Without the purge the edge would keep the old page for max-age.

Rules: traffic only to 127.0.0.1; bounded (N edits, 10 s per edit at most); temporary files
are removed. Usage: cdn.py [--edits N] [--db URI]   (NZ_BIN: the binary; default build/newszone)
Prints one line of JSON: the edits, and p50/p90/p99/max in ms of the purge's arrival at the edge
and of the edge serving the new page, each from the edit's acknowledgement.
"""

import argparse
import hashlib
import hmac
import http.client
import http.server
import json
import os
import re
import shutil
import sys
import tempfile
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests", "e2e"))

from nz import Server, free_port, run, sql_write  # noqa: E402
from nzadmin import add_token, add_user, api  # noqa: E402

SECRET = "bench-cdn-purge-secret"


class Edge:
    """A surrogate-key cache in front of one origin (host, port)."""

    def __init__(self, origin_port):
        self.origin_port = origin_port
        self.lock = threading.Lock()
        self.pages = {}  # path -> (expires, keys, status, headers, body)
        self.purges = []  # (monotonic time, keys, first time this delivery came)
        self.deliveries = set()
        self.port = free_port()
        edge = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self):
                status, headers, body, hit = edge.get(self.path)
                self.send_response(status)
                for k, v in headers:
                    self.send_header(k, v)
                self.send_header("X-Cache", "HIT" if hit else "MISS")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                sig = "sha256=" + hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
                ok = self.path == "/purge" and hmac.compare_digest(
                    sig, self.headers.get("X-Newszone-Signature", ""))
                if ok:
                    edge.purge(set(json.loads(body).get("keys", [])),
                               self.headers.get("X-Newszone-Delivery", ""))
                self.send_response(204 if ok else 403)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def get(self, path):
        now = time.monotonic()
        with self.lock:
            page = self.pages.get(path)
            if page and page[0] > now:
                return page[2], page[3], page[4], True
        conn = http.client.HTTPConnection("127.0.0.1", self.origin_port, timeout=10)
        try:
            conn.request("GET", path)
            r = conn.getresponse()
            body, status = r.read(), r.status
            headers = [(k, v) for k, v in r.getheaders()
                       if k.lower() not in ("content-length", "connection", "transfer-encoding")]
        finally:
            conn.close()
        cc = dict(headers).get("Cache-Control", "")
        m = re.search(r"s-maxage=(\d+)", cc) or re.search(r"max-age=(\d+)", cc)
        if status == 200 and m and "private" not in cc and "no-store" not in cc:
            keys = set(dict(headers).get("Surrogate-Key", "").split())
            with self.lock:
                self.pages[path] = (now + int(m.group(1)), keys, status, headers, body)
        return status, headers, body, False

    def purge(self, keys, delivery):
        with self.lock:
            self.purges.append((time.monotonic(), keys, delivery not in self.deliveries))
            self.deliveries.add(delivery)
            for path in [p for p, v in self.pages.items() if v[1] & keys]:
                del self.pages[path]

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()


def pct(xs, p):
    xs = sorted(xs)
    return round(xs[min(len(xs) - 1, int(len(xs) * p))], 1)


def edit_loop(edge, call, edits):
    """Edits N articles once each (so one edit's second purge cannot touch the next one's page);
    returns (purge delays, fresh delays) in ms from each acknowledgement."""
    arts = []
    for i in range(edits):
        art = call("POST", "/articles", {"headline": "Story %d edit 0" % i, "body_markdown": "Body."})
        arts.append(call("POST", "/articles/%d/publish" % art["id"]))
    time.sleep(3)  # the publications' own purges (and their second sends) are over
    purged, fresh = [], []
    for i, art in enumerate(arts):
        path, key = "/article/" + art["slug"], "article-%d" % art["id"]
        old, new = b"Story %d edit 0<" % i, b"Story %d edit 1<" % i
        deadline = time.monotonic() + 10
        while True:  # the edge has the current page cached before the edit
            status, _, body, hit = edge.get(path)
            if status == 200 and hit and old in body:
                break
            if time.monotonic() > deadline:
                raise SystemExit("article %d: the edge never cached its page" % i)
            time.sleep(0.005)
        n_purges = len(edge.purges)
        call("PATCH", "/articles/%d" % art["id"],
             {"revision": art["revision"], "headline": "Story %d edit 1" % i})
        acked = time.monotonic()
        while new not in edge.get(path)[2]:
            if time.monotonic() - acked > 10:
                raise SystemExit("article %d: the edge still serves the old page after 10 s" % i)
            time.sleep(0.001)
        fresh.append((time.monotonic() - acked) * 1000)
        with edge.lock:
            arrivals = [t for t, keys, first in edge.purges[n_purges:] if first and key in keys]
        if not arrivals:
            raise SystemExit("article %d: its page changed at the edge without its purge" % i)
        purged.append((arrivals[0] - acked) * 1000)
    return purged, fresh


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--edits", type=int, default=100)
    ap.add_argument("--db", help="a database URI (default: a SQLite file, one node)")
    args = ap.parse_args()
    tmp = tempfile.mkdtemp(prefix="nz-bench-cdn-")
    db = args.db or os.path.join(tmp, "news.db")
    nodes, edge = [], None
    try:
        run(["init"], db=db)
        add_user(db, "eve", "editor")
        token = add_token(db, "eve")[1]
        nodes.append(Server(db))
        if args.db:
            nodes.append(Server(db))
        a, b = nodes[0], nodes[-1]
        edge = Edge(b.port)
        for k, v in (("purge_url", "http://127.0.0.1:%d/purge" % edge.port),
                     ("purge_secret", SECRET)):
            sql_write(db, "INSERT INTO settings(key, value) VALUES (?, ?)"
                      " ON CONFLICT(key) DO UPDATE SET value = excluded.value", (k, v))

        def call(method, path, body=None):
            r = api(a, method, "/api/v1/admin" + path, token, body)
            if r.status >= 300:
                raise SystemExit("%s %s: %d %s" % (method, path, r.status, r.text))
            return r.json()

        purged, fresh = edit_loop(edge, call, args.edits)
        print(json.dumps({"edits": len(fresh), "nodes": len(nodes),
                          "purge_p50_ms": pct(purged, 0.5), "purge_p90_ms": pct(purged, 0.9),
                          "purge_p99_ms": pct(purged, 0.99), "purge_max_ms": pct(purged, 1),
                          "fresh_p50_ms": pct(fresh, 0.5), "fresh_p90_ms": pct(fresh, 0.9),
                          "fresh_p99_ms": pct(fresh, 0.99), "fresh_max_ms": pct(fresh, 1)}))
    finally:
        if edge:
            edge.stop()
        for n in nodes:
            n.stop()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
