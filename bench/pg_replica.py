#!/usr/bin/env python3
"""Read replicas (serve --db-read): the replica's lag as a reader sees it, and search throughput
reading the primary vs the replica, one node, the same machine.

Usage: bench/pg_replica.py PRIMARY_DIR REPLICA_DIR [--edits 50] [--seconds 20] [--clients 4]
  PRIMARY_DIR, REPLICA_DIR: running clusters of scripts/pg-cluster.sh (`start`, `replica`),
  the primary holding a Newszone database with articles (e.g. `migrate --to` of a bench db).
  NZ_BIN: the binary (default build/newszone).

1. Lag: an editor publishes --edits articles through a node serving with --db-read, each with
   a word of its own; after each publish answers, /search?q=WORD is asked in a tight loop until
   it lists the article. Printed: p50/p99/max of publish-answered -> found (a search's own time
   included), and how often the first search found it, for the node reading the replica, then
   for a node reading the primary (the same loop: what is not the replica's).
2. Throughput: --clients closed-loop clients ask /search?q=WORD (words of the corpus's
   headlines, round robin) for --seconds against a node with --cache-mb 0, once reading the
   primary, once reading the replica. Printed: requests/s, p50/p99 latency, the node's CPU
   seconds, and how /metrics says the searches were read.
On one machine both clusters share the cores: this shows the replica's overhead and its lag,
not a capacity gain (that needs the replica on other cores or another machine)."""
import argparse
import http.client
import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
BIN = os.environ.get("NZ_BIN") or os.path.join(ROOT, "build", "newszone")
PG_CLUSTER = os.path.join(ROOT, "scripts", "pg-cluster.sh")


def uri(folder):
    return subprocess.run([PG_CLUSTER, "uri", folder], capture_output=True, text=True,
                          check=True).stdout.strip()


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Node:
    def __init__(self, db, read=None, extra=()):
        self.port = free_port()
        env = dict(os.environ)
        env.pop("NEWSZONE_DB_READ", None)
        if read:
            env["NEWSZONE_DB_READ"] = read
        self.log = open(os.devnull, "w")
        self.proc = subprocess.Popen([BIN, "--db", db, "serve", "--listen",
                                      "127.0.0.1:%d" % self.port] + list(extra),
                                     env=env, stdout=self.log, stderr=subprocess.STDOUT)
        for _ in range(300):
            try:
                socket.create_connection(("127.0.0.1", self.port), 0.2).close()
                return
            except OSError:
                time.sleep(0.05)
        raise SystemExit("the node did not start")

    def conn(self):
        return http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)

    def cpu_s(self):
        with open("/proc/%d/stat" % self.proc.pid) as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        self.proc.wait(20)


def call(c, method, path, body=None, headers=None):
    c.request(method, path, body=body, headers=headers or {})
    r = c.getresponse()
    return r.status, r.read()


def pct(values, p):
    s = sorted(values)
    return s[min(len(s) - 1, int(round(p / 100.0 * (len(s) - 1))))]


def token_for(db):
    login = "bench%d" % os.getpid()
    subprocess.run([BIN, "--db", db, "user", "add", login, "--role", "editor"],
                   capture_output=True, check=True)
    out = subprocess.run([BIN, "--db", db, "token", "create", login], capture_output=True,
                         text=True, check=True).stdout
    return re.search(r"^(nzt_\S+)$", out, re.M).group(1)


def lag(node, token, edits, tag):
    c = node.conn()
    auth = {"Authorization": "Bearer " + token, "Content-Type": "application/json"}
    delays, first = [], 0
    for i in range(edits):
        word = "lag%s%dx%d" % (tag, os.getpid(), i)
        body = json.dumps({"headline": "Lag probe %d %s" % (i, word),
                           "body_markdown": "The body of probe %d." % i})
        st, data = call(c, "POST", "/api/v1/admin/articles", body, auth)
        assert st == 201, data
        aid = json.loads(data)["id"]
        st, data = call(c, "POST", "/api/v1/admin/articles/%d/publish" % aid, None, auth)
        assert st == 200, data
        t0 = time.monotonic()
        tries = 0
        while True:
            st, data = call(c, "GET", "/search?q=" + word)
            tries += 1
            if st == 200 and b"Lag probe %d " % i in data:
                first += tries == 1
                break
            if time.monotonic() - t0 > 30:
                raise SystemExit("probe %d never found" % i)
        delays.append(time.monotonic() - t0)
    return delays, first


def words_of(db_uri, n=200):
    out = subprocess.run(["psql", "-XAtq", db_uri, "-c",
                          "SELECT headline FROM articles WHERE status = 'published'"
                          " ORDER BY id LIMIT 2000"],
                         capture_output=True, text=True, check=True).stdout
    words = []
    for w in re.findall(r"[A-Za-z]{5,}", out):
        w = w.lower()
        if w not in words:
            words.append(w)
    return words[:n]


def load(node, words, seconds, clients):
    lat, errors = [], [0]
    lock = threading.Lock()
    end = time.monotonic() + seconds

    def client(k):
        c = node.conn()
        mine, i = [], k
        while time.monotonic() < end:
            t = time.monotonic()
            st, _ = call(c, "GET", "/search?q=" + words[i % len(words)])
            mine.append(time.monotonic() - t)
            if st != 200:
                errors[0] += 1
            i += clients
        with lock:
            lat.extend(mine)

    cpu0, t0 = node.cpu_s(), time.monotonic()
    threads = [threading.Thread(target=client, args=(k,)) for k in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.monotonic() - t0
    return len(lat) / wall, pct(lat, 50), pct(lat, 99), node.cpu_s() - cpu0, errors[0]


def reads(node):
    c = node.conn()
    _, text = call(c, "GET", "/metrics")
    return dict(re.findall(r'newszone_db_read_total\{read="(\w+)"\} (\d+)', text.decode()))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("primary")
    ap.add_argument("replica")
    ap.add_argument("--edits", type=int, default=50)
    ap.add_argument("--seconds", type=float, default=20)
    ap.add_argument("--clients", type=int, default=4)
    a = ap.parse_args()
    db, read = uri(a.primary), uri(a.replica)
    token = token_for(db)
    print("load at start: %s" % open("/proc/loadavg").read().strip())
    for name, r in (("replica", read), ("primary", None)):
        node = Node(db, r)
        try:
            d, first = lag(node, token, a.edits, name[0])
            print("lag, search reading the %s, %d publishes: publish answered -> found "
                  "p50 %.1f ms, p99 %.1f ms, max %.1f ms; found by the first search %d times "
                  "%s" % (name, len(d), 1000 * pct(d, 50), 1000 * pct(d, 99), 1000 * max(d),
                          first, reads(node) if r else ""))
        finally:
            node.stop()
    words = words_of(db)
    for name, r in (("primary", None), ("replica", read), ("primary", None),
                    ("replica", read)):
        node = Node(db, r, ["--cache-mb", "0"])
        try:
            load(node, words, 2, a.clients)  # warm: connections, plans, pages
            rate, p50, p99, cpu, errors = load(node, words, a.seconds, a.clients)
            print("search reading the %s: %.0f req/s, p50 %.2f ms, p99 %.2f ms, node CPU "
                  "%.1f s in %.0f s, %d not 200, load %s %s" % (
                      name, rate, 1000 * p50, 1000 * p99, cpu, a.seconds, errors,
                      open("/proc/loadavg").read().split()[0], reads(node) if r else ""))
        finally:
            node.stop()


if __name__ == "__main__":
    sys.exit(main())
