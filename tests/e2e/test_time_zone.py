"""The newsroom's time zone by its IANA name against a real server: chosen in the settings
form, dates on article pages and feeds at the zone's offset of their day with its
abbreviation (EST in January, EDT in July), a time typed in the editor read in the zone at its
date across the daylight-saving change, and an unknown zone refused with nothing changed."""
import os
import re
import shutil
import tempfile
import unittest

from nz import Server, new_db, run
from nzadmin import add_token, add_user, api
from test_admin_pages import Browser, editor_fields

ARTICLE = """---
headline: {headline}
slug: {slug}
language: en
section: defense
status: published
published_at: {at}
---

The body of {headline}.
"""

SETTINGS = [("name", "Harbor Herald"), ("tagline", ""), ("base_url", "https://herald.example"),
            ("copyright", "(c) Harbor Herald"), ("language", "en")]


class TimeZone(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="nz-e2e-tz-")
        cls.db = new_db(os.path.join(cls.tmp, "tz.db"))
        run(["init"], db=cls.db)
        for slug, at in (("winter-drill", "2026-01-15T15:00:00Z"),
                         ("summer-drill", "2026-07-15T15:00:00Z")):
            path = os.path.join(cls.tmp, slug + ".md")
            with open(path, "w", encoding="utf-8") as f:
                f.write(ARTICLE.format(headline=slug.replace("-", " ").title(), slug=slug, at=at))
            run(["import", "--publish", path], db=cls.db)
        cls.pw = add_user(cls.db, "adam", "admin")
        cls.token = add_token(cls.db, "adam")[1]
        cls.srv = Server(cls.db)
        cls.adam = Browser(cls.srv, "adam", cls.pw)
        page = cls.adam.get("/admin/settings").text
        # the demo newsroom's default, chosen from the system's list
        assert "<option selected>Asia/Seoul</option>" in page, page
        assert "<option>America/New_York</option>" in page
        r = cls.adam.post("/admin/settings", SETTINGS + [("time_zone", "America/New_York")])
        assert r.status == 303, r.text

    @classmethod
    def tearDownClass(cls):
        cls.srv.stop()
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def article_page(self, slug):
        a = self.srv.get("/api/v1/articles/" + slug).json()
        return self.srv.get(a["url"].replace("https://herald.example", "")).text

    def test_article_pages_show_est_in_winter_and_edt_in_summer(self):
        self.assertIn('datetime="2026-01-15T10:00:00-05:00">January 15, 2026 10:00 EST</time>',
                      self.article_page("winter-drill"))
        self.assertIn('datetime="2026-07-15T11:00:00-04:00">July 15, 2026 11:00 EDT</time>',
                      self.article_page("summer-drill"))
        self.assertIn("<option selected>America/New_York</option>",
                      self.adam.get("/admin/settings").text)

    def test_feeds_give_the_offset_of_each_date(self):
        atom = self.srv.get("/feed.atom").text
        self.assertIn("2026-01-15T10:00:00-05:00", atom)
        self.assertIn("2026-07-15T11:00:00-04:00", atom)
        rss = self.srv.get("/feed.rss").text
        self.assertIn("Wed, 15 Jul 2026 11:00:00 -0400", rss)
        self.assertIn("Thu, 15 Jan 2026 10:00:00 -0500", rss)

    def test_a_time_typed_in_the_editor_is_read_in_the_zone_at_its_date(self):
        for local, utc in (("2027-01-12T09:00", "2027-01-12T14:00:00Z"),
                           ("2027-07-12T09:00", "2027-07-12T13:00:00Z")):
            r = self.adam.post("/admin/articles", editor_fields(
                "Scheduled for " + local, then="schedule", extra=[("publish_at", local)]))
            self.assertEqual(r.status, 303, r.text)
            aid = int(re.search(r"/admin/articles/(\d+)", r.headers["location"]).group(1))
            a = api(self.srv, "GET", "/api/v1/admin/articles/%d" % aid, self.token).json()
            self.assertEqual((a["status"], a["publish_at"]), ("scheduled", utc))
            editor = self.adam.get("/admin/articles/%d" % aid).text
            self.assertIn('value="%s"' % local, editor)
            self.assertIn("America/New_York", editor)

    def test_an_unknown_zone_is_refused_and_nothing_changes(self):
        for bad in ("Mars/Olympus", "../../etc/passwd", "/etc/localtime"):
            r = self.adam.post("/admin/settings", SETTINGS + [("time_zone", bad)])
            self.assertEqual(r.status, 422, bad)
            self.assertIn("Choose the time zone from the list", r.text)
        self.assertIn("<option selected>America/New_York</option>",
                      self.adam.get("/admin/settings").text)
        self.assertIn("11:00 EDT</time>", self.article_page("summer-drill"))


if __name__ == "__main__":
    unittest.main()
