"""backup, restore and migrate with the real binary: a backup taken while a server answers
and takes writes, restored into a new database that a second server serves with the same pages
and API answers, where users still sign in with their passwords and API tokens still work;
migrate from one SQLite file to another; a database with data, a damaged file and a file that
is not a backup are refused with a clear message. (SQLite only: PostgreSQL comes with its
backend.)"""
import gzip
import json
import os
import threading

from nz import NzTestCase, Server, run
from nzadmin import add_token, add_user, api, login, png, session_cookie


class Transfer(NzTestCase):
    def setUp(self):
        super().setUp()
        run(["demo"], db=self.db)
        self.pw = add_user(self.db, "eve", "editor")
        _, self.token = add_token(self.db, "eve")
        self.dump = os.path.join(self.tmp, "news.nzdump")

    def photo(self, srv):
        r = api(srv, "POST", "/api/v1/admin/media?caption=Gray", self.token, raw=png(6, 4),
                headers={"Content-Type": "image/png"})
        self.assertEqual(r.status, 201, r.text)
        return r.json()["path"]

    def answers(self, srv, photo):
        """What a reader and an editor see, to compare two servers."""
        articles = srv.get("/api/v1/articles?limit=100").json()
        slug = articles["articles"][0]["slug"]
        got = {"articles": articles, "photo": srv.get(photo).body,
               "me": api(srv, "GET", "/api/v1/admin/me", self.token).json()}
        for path in ["/", "/search?q=council", "/feed.xml"]:
            r = srv.get(path)
            got[path] = (r.status, r.body)
        got["article"] = srv.get("/article/" + slug).body
        self.assertIn(b"<h1", got["article"])
        return got

    def test_backup_while_serving_then_restore_serves_the_same(self):
        srv = self.serve()
        photo = self.photo(srv)
        before = self.answers(srv, photo)
        stop = threading.Event()
        errors = []

        def readers():
            while not stop.is_set():
                r = srv.get("/api/v1/articles?limit=20")
                if r.status != 200:
                    errors.append(r.status)

        def writers():  # photos: they change no page compared below
            n = 0
            while not stop.is_set():
                n += 1
                r = api(srv, "POST", "/api/v1/admin/media", self.token, raw=png(7 + n, 3),
                        headers={"Content-Type": "image/png"})
                if r.status != 201:
                    errors.append(r.status)
            written.append(n)

        written = []
        threads = [threading.Thread(target=readers), threading.Thread(target=writers)]
        for t in threads:
            t.start()
        try:
            p = run(["backup", self.dump], db=self.db)
        finally:
            stop.set()
            for t in threads:
                t.join()
        self.assertEqual(errors, [])
        self.assertGreater(written[0], 0)
        self.assertIn("every count and checksum verified", p.stdout)
        self.assertEqual(os.stat(self.dump).st_mode & 0o777, 0o600)
        with gzip.open(self.dump, "rt") as f:
            head = json.loads(f.readline())
        self.assertEqual(head["format"], "newszone-backup")

        copy = os.path.join(self.tmp, "copy.db")
        p = run(["restore", self.dump], db="sqlite:" + copy)
        self.assertIn("articles", p.stdout)
        srv2 = Server(copy)
        self.servers.append(srv2)
        self.assertEqual(self.answers(srv2, photo), before)
        # The password hash came along: eve signs in; her API token still works.
        r = login(srv2, "eve", self.pw)
        self.assertEqual(r.status, 303, r.text)
        cookie = session_cookie(r)
        me = api(srv2, "GET", "/api/v1/admin/me", headers={"Cookie": "nz_session=" + cookie})
        self.assertEqual(me.status, 200)
        self.assertEqual(login(srv2, "eve", "not-her-password").status, 401)
        # The copy takes writes: a new photo on the copy is served by it.
        self.photo(srv2)

    def test_checksums_agree_between_backup_restore_and_migrate(self):
        b = run(["backup", self.dump], db=self.db).stdout
        copy = os.path.join(self.tmp, "copy.db")
        r = run(["restore", self.dump], db=copy).stdout
        m = run(["migrate", "--to", "sqlite:" + os.path.join(self.tmp, "m.db")], db=copy).stdout
        table = lambda out: [l for l in out.splitlines() if len(l.split()) == 3]
        self.assertGreater(len(table(b)), 20)
        self.assertEqual(table(b), table(r))
        self.assertEqual(table(b), table(m))

    def test_migrate_sqlite_to_sqlite_and_refusals(self):
        target = os.path.join(self.tmp, "target.db")
        p = run(["migrate", "--to", target], db=self.db)
        self.assertRegex(p.stdout, r"(?m)^articles +\d+ +[0-9a-f]{64}$")
        # Again: the target holds data now.
        p = run(["migrate", "--to", target], db=self.db, check=False)
        self.assertEqual(p.returncode, 1)
        self.assertIn("not empty", p.stderr)
        # NEWSZONE_DB stands for --db.
        env_db = os.environ.get("NEWSZONE_DB")
        os.environ["NEWSZONE_DB"] = "sqlite:" + target
        try:
            p = run(["backup", "--quiet", self.dump])
        finally:
            if env_db is None:
                del os.environ["NEWSZONE_DB"]
            else:
                os.environ["NEWSZONE_DB"] = env_db
        self.assertIn("backup written", p.stdout)
        p = run(["restore", self.dump], db=self.db, check=False)
        self.assertEqual(p.returncode, 1)
        self.assertIn("not empty", p.stderr)

    def test_damaged_or_foreign_files_are_refused(self):
        run(["backup", "--quiet", self.dump], db=self.db)
        data = open(self.dump, "rb").read()
        cut = os.path.join(self.tmp, "cut.nzdump")
        with open(cut, "wb") as f:
            f.write(data[: len(data) // 2])
        copy = os.path.join(self.tmp, "copy.db")
        p = run(["restore", cut], db=copy, check=False)
        self.assertEqual(p.returncode, 1)
        self.assertIn("truncated", p.stderr)
        # A file of another kind (the first page of a SQLite database) is not taken for one.
        foreign = os.path.join(self.tmp, "foreign.db")
        with open(foreign, "wb") as f:
            f.write(b"SQLite format 3\x00" + bytes(4080))
        p = run(["restore", foreign], db=copy, check=False)
        self.assertEqual(p.returncode, 1)
        self.assertIn("not a Newszone backup", p.stderr)
        # Nothing was left behind: the good file restores into the same database.
        run(["restore", self.dump], db=copy)
        # A backup never overwrites a file.
        p = run(["backup", self.dump], db=self.db, check=False)
        self.assertEqual(p.returncode, 1)
        self.assertIn("exists already", p.stderr)
