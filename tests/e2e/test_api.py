"""The JSON API's read side, as DESIGN.md's "Stable interfaces" names it."""
import os
import re
import shutil
import tempfile
import unittest
import urllib.parse

from nz import FIXTURES, Server, new_db, run

FIELDS = ["id", "uuid", "slug", "url", "language", "status", "section", "headline",
          "highlights_intro", "highlights", "dateline", "body_markdown", "body_html", "authors",
          "copyright", "media", "tags", "published_at", "updated_at", "revision", "import_notes"]


class Api(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="nz-e2e-api-")
        cls.db = new_db(os.path.join(cls.tmp, "api.db"))
        run(["demo"], db=cls.db)
        # A draft: never visible to the public API.
        p = run(["import", os.path.join(FIXTURES, "import", "good", "en-dateline.txt")], db=cls.db)
        cls.draft_path = re.search(r"-> (/article/\S+) \(draft\)", p.stdout).group(1)
        cls.srv = Server(cls.db)

    @classmethod
    def tearDownClass(cls):
        cls.srv.stop()
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def get(self, path):
        r = self.srv.get(path)
        self.assertIn("application/json", r.headers["content-type"])
        return r, r.json()

    def test_cursor_walks_everything_once_newest_first(self):
        seen, cursor = [], None
        while True:
            r, body = self.get("/api/v1/articles?limit=7" + ("&cursor=" + cursor if cursor else ""))
            self.assertEqual(r.status, 200)
            self.assertLessEqual(len(body["articles"]), 7)
            seen += body["articles"]
            cursor = body["next_cursor"]
            if cursor is None:
                break
        ids = [a["id"] for a in seen]
        self.assertEqual(len(ids), len(set(ids)))
        _, full = self.get("/api/v1/articles?limit=100")
        self.assertEqual(ids, [a["id"] for a in full["articles"]])
        # the order of public lists: publication, or a live story's newest update (the demo's
        # live story rises above articles published after it)
        times = [a["listed_at"] for a in seen]
        self.assertEqual(times, sorted(times, reverse=True))
        self.assertTrue(all(a["listed_at"] >= a["published_at"] for a in seen))
        self.assertTrue(all(a["status"] == "published" for a in seen))

    def test_filters(self):
        _, full = self.get("/api/v1/articles?limit=100")
        a = full["articles"][0]
        for key, value, check in (
                ("section", a["section"]["slug"], lambda x: x["section"]["slug"] == a["section"]["slug"]),
                ("author", a["authors"][0]["slug"], lambda x: a["authors"][0]["slug"] in [y["slug"] for y in x["authors"]]),
                ("tag", a["tags"][0]["slug"], lambda x: a["tags"][0]["slug"] in [t["slug"] for t in x["tags"]]),
                ("lang", "ko", lambda x: x["language"] == "ko")):
            _, body = self.get("/api/v1/articles?limit=100&%s=%s" % (key, urllib.parse.quote(value)))
            self.assertTrue(body["articles"], key)
            self.assertTrue(all(check(x) for x in body["articles"]), key)
            self.assertLess(len(body["articles"]), len(full["articles"]), key)

    def test_one_article_has_every_stable_field(self):
        _, full = self.get("/api/v1/articles?limit=100")
        for a in full["articles"][:5]:
            r, one = self.get("/api/v1/articles/" + urllib.parse.quote(a["slug"]))
            self.assertEqual(r.status, 200)
            for f in FIELDS:
                self.assertIn(f, one)
            self.assertEqual(one["id"], a["id"])
            self.assertTrue(one["published_at"].endswith("Z"))
            self.assertIn("<p>", one["body_html"])
            for au in one["authors"]:
                for f in ("slug", "name", "family_name", "given_name", "email"):
                    self.assertIn(f, au)
            for m in one["media"]:
                for f in ("url", "caption", "credit", "alt"):
                    self.assertIn(f, m)

    def test_drafts_are_not_public(self):
        _, full = self.get("/api/v1/articles?limit=100")
        slug = self.draft_path.split("/")[-1]
        self.assertNotIn(slug, [a["slug"] for a in full["articles"]])
        r, body = self.get("/api/v1/articles/" + slug)
        self.assertEqual(r.status, 404)
        self.assertEqual(self.srv.get(self.draft_path).status, 404)

    def test_errors_are_json(self):
        for path, status, code in (("/api/v1/articles/no-such-article", 404, "not_found"),
                                   ("/api/v1/articles?limit=0", 400, "invalid_parameter"),
                                   ("/api/v1/articles?limit=x", 400, "invalid_parameter"),
                                   ("/api/v1/articles?cursor=garbage", 400, "invalid_cursor"),
                                   ("/api/v1/articles?lang=xx", 400, "invalid_parameter"),
                                   ("/api/v1/nothing", 404, "not_found")):
            r, body = self.get(path)
            self.assertEqual(r.status, status, path)
            self.assertEqual(body["error"]["code"], code, path)
            self.assertTrue(body["error"]["message"], path)
