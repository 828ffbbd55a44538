#!/usr/bin/env python3
"""bench/media/library.py: the media library's search and pages at 100,000 photos.

Makes a fresh database (a SQLite file by default, or --db URI for PostgreSQL), inserts N media
rows behind the server's back (metadata only: every row names one small stored image, so no
image is decoded), starts `newszone serve` and times `GET /api/v1/admin/media` (the library's
query, as the back office's grid and the editor's picker ask it): a word that one photo has, a
word that one photo in ten has, two words, the file name, the first page, a page deep in the
keyset, one uploader's photos (one photo in a hundred is "bench"'s, the rest "desk"'s), with
and without a cursor. On SQLite it also times the substring scan the library used before its index (the same
rows, the old query run directly), for comparison.

Rules: traffic only to 127.0.0.1; temporary files are removed; nothing is asserted. Usage:
  bench/media/library.py [--photos N] [--runs R] [--bin build/newszone] [--db URI]
Prints a table of medians and 90th percentiles in milliseconds.
"""

import argparse
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tests", "e2e"))


def words(rng, n):
    letters = "abcdefghiklmnoprstuvwy"
    out = set()
    while len(out) < n:
        out.add("".join(rng.choice(letters) for _ in range(rng.randint(4, 9))))
    return sorted(out)


def rows(n):
    """(caption, credit, alt, filename) for photo i; "harbour" in one photo in ten, "zeppelin"
    in one photo only, the rest from a made-up vocabulary of 20,000 words."""
    rng = random.Random(7)
    vocab = words(rng, 20000)
    agencies = ["Agency %d" % i for i in range(50)]
    for i in range(n):
        w = [vocab[min(int(rng.paretovariate(1.1)) - 1, len(vocab) - 1) * 7 % len(vocab)]
             for _ in range(3)] + [rng.choice(vocab) for _ in range(4)]
        if i % 10 == 3:
            w.insert(2, "harbour")
        if i == n // 2:
            w.append("zeppelin")
        yield (" ".join(w).capitalize(), rng.choice(agencies), "A photo of " + w[0],
               "DSC_%06d.jpg" % i)


def uploader(users, i):
    return users[0] if i % 100 == 5 else users[1]


def insert_sqlite(path, blob_hash, n, users):
    import sqlite3
    con = sqlite3.connect(path)
    con.execute("BEGIN")
    con.executemany(
        "INSERT INTO media(hash, mime, caption, credit, alt, width, height, created_at, filename,"
        " uploaded_by) VALUES (?, 'image/png', ?, ?, ?, 40, 30, ?, ?, ?)",
        ((blob_hash, c, cr, a, 1_700_000_000 + i, f, uploader(users, i))
         for i, (c, cr, a, f) in enumerate(rows(n))))
    con.commit()
    con.close()


def insert_pg(uri, blob_hash, n, users):
    def esc(s):
        return s.replace("\\", "\\\\").replace("\t", " ").replace("\n", " ")
    data = "".join("%s\timage/png\t%s\t%s\t%s\t40\t30\t%d\t%s\t%d\n" % (
        blob_hash, esc(c), esc(cr), esc(a), 1_700_000_000 + i, esc(f), uploader(users, i))
        for i, (c, cr, a, f) in enumerate(rows(n)))
    subprocess.run(["psql", "-q", "-v", "ON_ERROR_STOP=1", uri, "-c",
                    "COPY media(hash, mime, caption, credit, alt, width, height, created_at,"
                    " filename, uploaded_by) FROM STDIN"], input=data.encode(), check=True)
    subprocess.run(["psql", "-q", uri, "-c", "ANALYZE media"], check=True)


def timed(fn, runs):
    ms = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        ms.append((time.perf_counter() - t) * 1000)
    ms.sort()
    return statistics.median(ms), ms[int(len(ms) * 0.9) - 1]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--photos", type=int, default=100000)
    ap.add_argument("--runs", type=int, default=20)
    ap.add_argument("--bin", default=os.path.join(ROOT, "build", "newszone"))
    ap.add_argument("--db", help="postgres://… (a fresh, empty database); default: a SQLite file")
    args = ap.parse_args()
    os.environ["NZ_BIN"] = os.path.abspath(args.bin)
    if args.db:  # sql_rows reads the database with psql
        os.environ["NZ_TEST_PG_URI"] = args.db
    from nz import Server, run, sql_rows
    from nzadmin import add_token, add_user, api, png

    tmp = tempfile.mkdtemp(prefix="nz-bench-media-")
    srv = None
    try:
        db = args.db or os.path.join(tmp, "media.db")
        run(["init"], db=db)
        add_user(db, "bench", "editor")
        add_user(db, "desk", "editor")
        token = add_token(db, "bench")[1]
        users = [int(sql_rows(db, "SELECT id FROM users WHERE login = ?", (login,))[0][0])
                 for login in ("bench", "desk")]
        srv = Server(db)
        r = api(srv, "POST", "/api/v1/admin/media?caption=Seed", token, raw=png(40, 30),
                headers={"Content-Type": "image/png"})
        blob = r.json()["hash"]
        srv.stop()
        t = time.perf_counter()
        (insert_pg if args.db else insert_sqlite)(db, blob, args.photos, users)
        print("inserted %d media rows in %.1f s" % (args.photos, time.perf_counter() - t))
        srv = Server(db)

        def get(query):
            def call():
                r = api(srv, "GET", "/api/v1/admin/media?limit=48&" + query, token)
                assert r.status == 200, r.text
                return r.json()
            return call

        deep = str(args.photos // 2 + 1)
        cases = [
            ("first page (no text)", ""),
            ("a page at id %s (keyset)" % deep, "cursor=" + deep),
            ("a word one photo has (zeppelin)", "q=zeppelin"),
            ("a word one photo in ten has (harbour)", "q=harbour"),
            ("its page at id %s" % deep, "q=harbour&cursor=" + deep),
            ("two words (harbour + an agency)", "q=harbour+agency+7"),
            ("a file name (DSC_004242)", "q=DSC_004242"),
            ("a word no photo has", "q=xylophone"),
            ("one uploader's (1 photo in 100)", "uploader=bench"),
            ("its page at id %s" % deep, "uploader=bench&cursor=" + deep),
            ("one uploader's (99 in 100), unused, at id %s" % deep,
             "uploader=desk&used=no&cursor=" + deep),
            ("an uploader and a word (bench + harbour)", "uploader=bench&q=harbour"),
        ]
        print("| request (GET /api/v1/admin/media, 48 a page) | photos found | p50 ms | p90 ms |")
        print("| --- | --- | --- | --- |")
        for label, q in cases:
            found = len(get(q)()["media"])
            p50, p90 = timed(get(q), args.runs)
            print("| %s | %d | %.1f | %.1f |" % (label, found, p50, p90))
        if not args.db:
            import sqlite3
            con = sqlite3.connect(db)
            like = ("SELECT id FROM media WHERE hash IS NOT NULL AND lower(COALESCE(caption, '')"
                    " || char(10) || COALESCE(credit, '') || char(10) || COALESCE(alt, '') ||"
                    " char(10) || COALESCE(filename, '')) LIKE ? ORDER BY id DESC LIMIT 48")
            for word in ("zeppelin", "xylophone"):
                p50, p90 = timed(lambda: con.execute(like, ("%" + word + "%",)).fetchall(),
                                 args.runs)
                print("| before the index: the substring scan for %s (the query alone) | | %.1f |"
                      " %.1f |" % (word, p50, p90))
            con.close()
    finally:
        if srv:
            srv.stop()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
