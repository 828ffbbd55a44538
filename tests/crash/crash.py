"""make crash: CRASH_ROUNDS rounds (50 by default) of kill -9 at a random moment during a burst of
mixed writes (admin API saves and edits, publishes, media uploads, sign-ins) from several
clients, against one SQLite database that lives through every round. After each kill the
server is started again and the file is checked: PRAGMA integrity_check says ok, and every
write the server acknowledged before it died is there with its revision and its audit row
(an article save: the article at that revision or later, the revision row and the
article.created row; a publish: published, with its audit row; an upload: the media row and
media.uploaded; a sign-in: its user.login audit row). Prints one line per round and a summary;
exits 1 at the first loss. Standard library only; the real binary (NZ_BIN).
"""
import json
import os
import random
import re
import shutil
import signal
import socket
import sqlite3
import struct
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import zlib
import http.client

BIN = os.environ.get("NZ_BIN", "build/newszone")
ROUNDS = int(os.environ.get("CRASH_ROUNDS", "50"))
CLIENTS = 4


def png(width, height):
    def chunk(kind, data):
        return (struct.pack(">I", len(data)) + kind + data +
                struct.pack(">I", zlib.crc32(kind + data) & 0xffffffff))
    raw = b"".join(b"\x00" + bytes([random.randrange(256)]) * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" +
            chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)) +
            chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def call(port, method, path, body=None, headers=None):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        c.request(method, path, body=body, headers=headers or {})
        r = c.getresponse()
        return r.status, r.read()
    finally:
        c.close()


class Acks:
    """What the server acknowledged, as the clients saw it."""

    def __init__(self):
        self.lock = threading.Lock()
        self.saves = {}       # article id -> highest acknowledged revision
        self.published = set()
        self.media = set()
        self.logins = 0

    def save(self, aid, rev):
        with self.lock:
            self.saves[aid] = max(rev, self.saves.get(aid, 0))


def client(n, port, token, password, acks, stop):
    api = {"Authorization": "Bearer " + token, "Content-Type": "application/json"}
    i = 0
    while not stop.is_set():
        i += 1
        try:
            kind = (i + n) % 4
            if kind == 0 or kind == 1:
                st, data = call(port, "POST", "/api/v1/admin/articles", json.dumps(
                    {"headline": "Crash %d %d %f" % (n, i, random.random()),
                     "body_markdown": "A paragraph.\n\n" * 20}).encode(), api)
                if st != 201:
                    continue
                a = json.loads(data)
                acks.save(a["id"], a["revision"])
                if kind == 1:
                    st, data = call(port, "POST", "/api/v1/admin/articles/%d/publish" % a["id"],
                                    None, api)
                    if st == 200:
                        b = json.loads(data)
                        acks.save(b["id"], b["revision"])
                        with acks.lock:
                            acks.published.add(b["id"])
                        st, data = call(port, "PATCH", "/api/v1/admin/articles/%d" % a["id"],
                                        json.dumps({"revision": b["revision"],
                                                    "dateline": "SEOUL"}).encode(), api)
                        if st == 200:
                            acks.save(a["id"], json.loads(data)["revision"])
            elif kind == 2:
                st, data = call(port, "POST", "/api/v1/admin/media?caption=crash",
                                png(8, 8), {"Authorization": "Bearer " + token,
                                            "Content-Type": "image/png"})
                if st == 201:
                    with acks.lock:
                        acks.media.add(json.loads(data)["id"])
            else:
                form = urllib.parse.urlencode({"login": "crash", "password": password,
                                               "next": "/admin"})
                st, _ = call(port, "POST", "/admin/login", form,
                             {"Content-Type": "application/x-www-form-urlencoded"})
                if st == 303:
                    with acks.lock:
                        acks.logins += 1
        except (OSError, http.client.HTTPException, ValueError):
            if stop.is_set():
                return


def start(db, port):
    srv = subprocess.Popen([BIN, "--db", db, "serve", "--listen", "127.0.0.1:%d" % port],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(200):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return srv
        except OSError:
            time.sleep(0.05)
    raise SystemExit("crash: the server did not start")


def check(db, acks, logins_before):
    """The losses, as messages (empty when nothing acknowledged is missing)."""
    con = sqlite3.connect(db)
    try:
        lost = []
        # integrity_check looks at b-trees only, so the full-text tokenizer is not needed.
        ok = con.execute("PRAGMA integrity_check").fetchall()
        if ok != [("ok",)]:
            lost.append("integrity_check: %r" % ok[:5])
        for aid, rev in acks.saves.items():
            row = con.execute("SELECT revision FROM articles WHERE id = ?", (aid,)).fetchone()
            if not row or row[0] < rev:
                lost.append("article %d: acknowledged revision %d, stored %r" % (aid, rev, row))
            elif not con.execute("SELECT 1 FROM revisions WHERE article_id = ? AND revision = ?",
                                 (aid, rev)).fetchone():
                lost.append("article %d: revision %d has no revision row" % (aid, rev))
            elif not con.execute("SELECT 1 FROM audit_log WHERE action = 'article.created'"
                                 " AND object_id = ?", (aid,)).fetchone():
                lost.append("article %d: no article.created audit row" % aid)
        for aid in acks.published:
            row = con.execute("SELECT status FROM articles WHERE id = ?", (aid,)).fetchone()
            audit = con.execute("SELECT 1 FROM audit_log WHERE action LIKE 'article.publish%'"
                                " AND object_id = ?", (aid,)).fetchone()
            if not row or row[0] != "published" or not audit:
                lost.append("article %d: publish acknowledged, stored %r, audit %r"
                            % (aid, row, audit))
        for mid in acks.media:
            if not con.execute("SELECT 1 FROM media WHERE id = ?", (mid,)).fetchone() or \
               not con.execute("SELECT 1 FROM audit_log WHERE action = 'media.uploaded'"
                               " AND object_id = ?", (mid,)).fetchone():
                lost.append("media %d: upload acknowledged, not stored with its audit row" % mid)
        logins = con.execute("SELECT count(*) FROM audit_log WHERE action = 'user.login'"
                             ).fetchone()[0]
        if logins - logins_before < acks.logins:
            lost.append("sign-ins: %d acknowledged, %d recorded"
                        % (acks.logins, logins - logins_before))
        return lost, logins
    finally:
        con.close()


def main():
    tmp = tempfile.mkdtemp(prefix="nz-crash-")
    db = os.path.join(tmp, "crash.db")
    run = lambda *a: subprocess.run([BIN, "--db", db] + list(a), check=True,
                                    capture_output=True, text=True)
    run("init")
    run("user", "add", "crash", "--role", "editor")
    password = "plankton orbits a quiet lamp"
    subprocess.run([BIN, "--db", db, "user", "passwd", "crash", "--password-stdin"],
                   input=password + "\n", check=True, capture_output=True, text=True)
    token = re.search(r"^(nzt_\S+)$", run("token", "create", "crash").stdout, re.M).group(1)
    logins = 0
    totals = [0, 0, 0, 0]
    for rnd in range(1, ROUNDS + 1):
        port = free_port()
        srv = start(db, port)
        acks, stop = Acks(), threading.Event()
        threads = [threading.Thread(target=client, args=(i, port, token, password, acks, stop))
                   for i in range(CLIENTS)]
        for t in threads:
            t.start()
        time.sleep(random.uniform(0.3, 2.0))
        srv.send_signal(signal.SIGKILL)
        srv.wait()
        stop.set()
        for t in threads:
            t.join()
        # Restarting opens the file as a server does (WAL recovery), then it is checked.
        again = start(db, free_port())
        again.terminate()
        again.wait()
        lost, logins = check(db, acks, logins)
        totals = [totals[0] + len(acks.saves), totals[1] + len(acks.published),
                  totals[2] + len(acks.media), totals[3] + acks.logins]
        print("round %2d: killed; acknowledged %3d saves, %3d publishes, %3d uploads, "
              "%3d sign-ins: %s" % (rnd, len(acks.saves), len(acks.published), len(acks.media),
                                    acks.logins, "all present" if not lost else "LOST"))
        if lost:
            print("\n".join("  " + m for m in lost[:20]))
            print("crash: FAILED (database kept in %s)" % tmp)
            return 1
    print("crash: %d rounds, %d saves, %d publishes, %d uploads, %d sign-ins acknowledged; "
          "none lost" % (ROUNDS, *totals))
    print("%d passed, 0 failed" % ROUNDS)
    shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
