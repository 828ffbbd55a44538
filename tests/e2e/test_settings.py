"""The site's settings from the command line (`newszone settings`) and the admin API
(GET/PATCH /api/v1/admin/settings) against a real server: the same checks as the back office's
form (an unknown zone refused naming the key, nothing changed), one transaction for several
keys, an audit row, admins only, and a change readers see on the next page."""
import os
import shutil
import tempfile
import unittest

from nz import Server, new_db, run
from nzadmin import add_token, add_user, api

ARTICLE = """---
headline: Winter drill
slug: winter-drill
language: en
section: defense
status: published
published_at: 2026-01-15T15:00:00Z
---

The body.
"""


class Settings(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="nz-e2e-settings-")
        cls.db = new_db(os.path.join(cls.tmp, "s.db"))
        run(["init"], db=cls.db)
        path = os.path.join(cls.tmp, "a.md")
        with open(path, "w", encoding="utf-8") as f:
            f.write(ARTICLE)
        run(["import", "--publish", path], db=cls.db)
        add_user(cls.db, "adam", "admin")
        add_user(cls.db, "eve", "editor")
        cls.admin = add_token(cls.db, "adam")[1]
        cls.editor = add_token(cls.db, "eve")[1]
        cls.srv = Server(cls.db)

    @classmethod
    def tearDownClass(cls):
        cls.srv.stop()
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def cli(self, *args, check=True):
        return run(["settings"] + list(args), db=self.db, check=check)

    def settings(self):
        r = api(self.srv, "GET", "/api/v1/admin/settings", self.admin)
        self.assertEqual(r.status, 200, r.text)
        return r.json()["settings"]

    def article_time(self):
        url = self.srv.get("/api/v1/articles/winter-drill").json()["url"]
        page = self.srv.get("/" + url.split("/", 3)[3]).text
        return page

    def test_cli_refuses_an_unknown_zone_naming_the_key_and_changes_nothing(self):
        before = self.cli("get", "time_zone").stdout
        p = self.cli("set", "tagline", "Changed?", "time_zone", "Mars/Olympus", check=False)
        self.assertEqual(p.returncode, 1)
        self.assertIn("time_zone: Choose the time zone", p.stderr)
        self.assertIn("nothing changed", p.stderr)
        self.assertEqual(self.cli("get", "time_zone").stdout, before)
        self.assertNotEqual(self.cli("get", "tagline").stdout.strip(), "Changed?")
        for bad in (["set", "nope", "1"], ["set", "base_url", "ftp://x.example"],
                    ["set", "trusted_proxies", "10.0.0.0/33"], ["set", "editions", "en KO"]):
            p = self.cli(*bad, check=False)
            self.assertEqual(p.returncode, 1, bad)
            self.assertIn(bad[1] + ": ", p.stderr)
        self.assertEqual(self.cli("get", "base_url", check=False).returncode, 0)
        self.assertEqual(self.cli("bogus", check=False).returncode, 2)

    def test_cli_sets_the_zone_and_readers_see_it(self):
        p = self.cli("set", "time_zone", "America/New_York", "trusted_proxies", "10.0.0.0/8 ::1")
        self.assertIn("time_zone set", p.stdout)
        self.assertEqual(self.cli("get", "time_zone").stdout, "America/New_York\n")
        listed = self.cli("list").stdout
        self.assertRegex(listed, r"time_zone +America/New_York\n")
        self.assertRegex(listed, r"webhook_backoff_ms +10000  \(default\)")
        self.assertIn("January 15, 2026 10:00 EST</time>", self.article_time())
        self.assertEqual(self.settings()["trusted_proxies"], "10.0.0.0/8 ::1")

    def test_api_is_for_admins_only(self):
        for method in ("GET", "PATCH"):
            r = api(self.srv, method, "/api/v1/admin/settings", self.editor, body={"tagline": "x"})
            self.assertEqual(r.status, 403, r.text)
            r = api(self.srv, method, "/api/v1/admin/settings", None, body={"tagline": "x"})
            self.assertEqual(r.status, 401, r.text)

    def test_api_patch_checks_every_value_and_sets_all_or_none(self):
        before = self.settings()
        for body in ({"time_zone": "Mars/Olympus", "tagline": "Not stored"},
                     {"name": "", "tagline": "Not stored"}, {"tagline": 3}, {"nope": "x"}, []):
            r = api(self.srv, "PATCH", "/api/v1/admin/settings", self.admin, body=body)
            self.assertEqual(r.status, 400, body)
            self.assertTrue(r.json()["error"]["message"], r.text)
        r = api(self.srv, "PATCH", "/api/v1/admin/settings", self.admin,
                body={"time_zone": "Mars/Olympus"})
        self.assertIn("time_zone: Choose the time zone", r.json()["error"]["message"])
        self.assertEqual(self.settings(), before)

        r = api(self.srv, "PATCH", "/api/v1/admin/settings", self.admin,
                body={"name": "Harbor Herald", "base_url": "https://herald.example/",
                      "purge_secret": "s3cret"})
        self.assertEqual(r.status, 200, r.text)
        got = r.json()["settings"]
        self.assertEqual((got["name"], got["base_url"], got["purge_secret"]),
                         ("Harbor Herald", "https://herald.example", "(set)"))
        self.assertIn("<title>Harbor Herald", self.srv.get("/").text)
        audit = api(self.srv, "GET", "/api/v1/admin/audit", self.admin).text
        self.assertIn("settings.changed", audit)
        self.assertIn("name base_url purge_secret", audit)
        # null: back to the default
        r = api(self.srv, "PATCH", "/api/v1/admin/settings", self.admin, body={"purge_secret": None})
        self.assertIsNone(r.json()["settings"]["purge_secret"])


if __name__ == "__main__":
    unittest.main()
