"""A slow request does not hold up cached pages: with one event thread (--threads 1), a page
in the page cache still answers while a write on another connection waits for the database,
and the write then completes as usual (http/workers.c, docs/performance.md).

The slow request needs no hook: the test holds SQLite's write lock itself, as another process
writing to the same file would, so the server's write waits for it (up to its busy timeout)."""
import http.client
import json
import os
import select
import shutil
import sqlite3
import tempfile
import time
import unittest

from nz import Server, eventually, new_db, run, sqlite_only
from nzadmin import add_token, add_user


@sqlite_only("the test holds the SQLite file's write lock itself")
class CachedWhileBusy(unittest.TestCase):

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="nz-e2e-busy-")
        self.db = new_db(os.path.join(self.tmp, "busy.db"))
        run(["demo"], db=self.db)
        add_user(self.db, "ada", "admin")
        self.token = add_token(self.db, "ada")[1]
        self.srv = Server(self.db, ["--threads", "1"])

    def tearDown(self):
        self.srv.stop()
        shutil.rmtree(self.tmp, ignore_errors=True)

    def test_a_cached_page_answers_while_a_write_waits_for_the_database(self):
        # (right after the start the cache waits for its first look at the change feed)
        self.assertTrue(eventually(lambda: self.srv.get("/").headers.get("x-cache") == "HIT"))
        lock = sqlite3.connect(self.db, isolation_level=None)
        lock.execute("BEGIN IMMEDIATE")  # what another writer of the file would hold
        writer = http.client.HTTPConnection("127.0.0.1", self.srv.port, timeout=15)
        try:
            writer.request("POST", "/api/v1/admin/articles",
                           body=json.dumps({"headline": "Written while readers read",
                                            "body_markdown": "A body."}),
                           headers={"Authorization": "Bearer " + self.token,
                                    "Content-Type": "application/json"})
            time.sleep(0.3)  # lets the write reach the server and wait for the lock
            r = self.srv.get("/")
            self.assertEqual(r.status, 200)
            self.assertEqual(r.headers.get("x-cache"), "HIT")
            # The cached page did not wait for the write: no answer to it has come yet.
            answered = select.select([writer.sock], [], [], 0)[0]
            self.assertFalse(answered, "the write was answered before the cached page")
        finally:
            lock.execute("COMMIT")
            lock.close()
        w = writer.getresponse()
        body = w.read()
        writer.close()
        self.assertEqual(w.status, 201, body)

if __name__ == "__main__":
    unittest.main()
