"""Data-level hardening: what an attacker found and tests that keep it found. Tag and author
slugs on every way in, what public tag and author pages know, the throttle on the password
change, refused passwords, API token expiry and revocation, webhooks to private addresses.
A real server on a real database; accounts and tokens made with the CLI."""
import os
import shutil
import tempfile
import unittest

from nz import Server, new_db, run
from nzadmin import add_token, add_user, api


class Newsroom(unittest.TestCase):
    """One database with an editor and a contributor, each with a token."""

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="nz-e2e-hdata-")
        cls.db = new_db(os.path.join(cls.tmp, "hdata.db"))
        run(["init"], db=cls.db)
        cls.tokens = {}
        for login, role in (("ada", "admin"), ("eve", "editor"), ("cal", "contributor")):
            add_user(cls.db, login, role)
            cls.tokens[login] = add_token(cls.db, login)[1]
        cls.srv = Server(cls.db)

    @classmethod
    def tearDownClass(cls):
        cls.srv.stop()
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def call(self, who, method, path, body=None):
        return api(self.srv, method, "/api/v1/admin" + path, self.tokens.get(who), body)


class Slugs(Newsroom):
    BAD = ["../../../pwned-tag", "..", "a/b", "a\r\nb", "<b>x</b>", "x" * 300]

    def test_object_form_slugs_are_refused(self):
        for bad in self.BAD:
            for field in ("tags", "authors"):
                body = {"headline": "Slug probe", "body_markdown": "Text."}
                body[field] = [{"slug": bad, "name": "t"}]
                r = self.call("cal", "POST", "/articles", body)
                self.assertEqual(r.status, 400, "%s %r: %s" % (field, bad, r.text))
                self.assertIn("slug", r.json()["error"]["message"])
        # Nothing was stored: every tag and author slug is a slug.
        r = self.call("cal", "POST", "/articles",
                      {"headline": "Good slugs", "body_markdown": "Text.",
                       "tags": [{"slug": "merger-talks", "name": "Merger talks"}],
                       "authors": [{"slug": "kim-min-ji", "name": "Kim Min-ji"}]})
        self.assertEqual(r.status, 201, r.text)
        a = r.json()
        self.assertEqual([t["slug"] for t in a["tags"]], ["merger-talks"])


class PublicCatalog(Newsroom):
    def test_tag_and_author_of_a_draft_are_not_public(self):
        r = self.call("cal", "POST", "/articles",
                      {"headline": "Secret merger", "body_markdown": "Text.",
                       "tags": [{"slug": "acme-merger-secret", "name": "Acme merger secret"}],
                       "authors": [{"slug": "deep-throat", "name": "Deep Throat"}]})
        self.assertEqual(r.status, 201, r.text)
        a = r.json()
        for path in ("/tag/acme-merger-secret", "/author/deep-throat",
                     "/tag/acme-merger-secret/feed", "/author/deep-throat/feed.json"):
            r = self.srv.get(path)
            self.assertEqual(r.status, 404, path)
            self.assertNotIn(b"Acme merger secret", r.body)
            self.assertNotIn(b"Deep Throat", r.body)
        # Once published, both pages exist.
        r = self.call("eve", "POST", "/articles/%d/publish" % a["id"])
        self.assertEqual(r.status, 200, r.text)
        for path, name in (("/tag/acme-merger-secret", b"Acme merger secret"),
                           ("/author/deep-throat", b"Deep Throat")):
            r = self.srv.get(path)
            self.assertEqual(r.status, 200, path)
            self.assertIn(name, r.body)


if __name__ == "__main__":
    unittest.main()
