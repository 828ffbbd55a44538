"""A live story rises in the lists with its newest update (docs/live-coverage.md, "In lists"):
an update posted through the admin API puts the story ahead of newer articles in the front
page's Recent News, on its section's page and in the public API (whose cursor pages on in the
same order), and the cached copies of those pages are dropped at once, not served stale. A real
server on a real database (both backends)."""
import os
import re
import time

from nz import eventually, run, sql_write
from nzadmin import NewsroomCase, api


def headlines(html):
    return re.findall(r'<h3 class="card-headline"><a href="[^"]*">([^<]*)</a>', html)


class LiveStoryInLists(NewsroomCase):
    prefix = "nz-e2e-live-lists-"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # The import makes the section (only an admin adds one otherwise).
        fixture = os.path.join(os.path.dirname(__file__), "..", "fixtures", "import", "good",
                               "en-dateline.txt")
        run(["import", "--section", "world", fixture], db=cls.db)
        now = int(time.time())
        cls.ids = {}
        # The live story is the oldest of the three in Recent News; five others fill the lead
        # and the top stories (pinned), so Recent News holds just these three.
        for name, age in (("Summit", 7200), ("Budget", 3600), ("Harbour", 1800),
                          ("Pin A", 60), ("Pin B", 60), ("Pin C", 60), ("Pin D", 60),
                          ("Pin E", 60)):
            r = cls.call("POST", "/articles", {"headline": name + " story",
                                               "body_markdown": "Text.", "section": "world"})
            assert r.status == 201, r.text
            aid = r.json()["id"]
            r = cls.call("POST", "/articles/%d/publish" % aid)
            assert r.status == 200, r.text
            # dated in the past, behind the server's back (the change feed still tells it)
            sql_write(cls.db, "UPDATE articles SET published_at = ? WHERE id = ?",
                      (now - age, aid))
            cls.ids[name] = aid
        r = cls.call("PUT", "/front", {"slots": [
            {"article": cls.ids[p]} for p in ("Pin A", "Pin B", "Pin C", "Pin D", "Pin E")]})
        assert r.status == 200, r.text

    @classmethod
    def call(cls, method, path, body=None):
        return api(cls.srv, method, "/api/v1/admin" + path, cls.token, body)

    def recent(self):
        html = self.srv.get("/").text
        return headlines(html[html.index('<section class="recent"'):])

    def section(self):
        html = self.srv.get("/section/world").text
        return [h for h in headlines(html) if not h.startswith("Pin ")]

    def api_order(self):
        order, cursor = [], None
        for _ in range(10):
            r = self.srv.get("/api/v1/articles?section=world&limit=2"
                             + ("&cursor=" + cursor if cursor else ""))
            self.assertEqual(r.status, 200, r.text)
            body = r.json()
            order += [a["headline"] for a in body["articles"]]
            cursor = body["next_cursor"]
            if not cursor:
                return [h for h in order if not h.startswith("Pin ")]
        self.fail("the cursor never ended")

    def test_an_update_moves_the_story_to_the_top_of_every_list(self):
        before = ["Harbour story", "Budget story", "Summit story"]
        self.assertEqual(self.recent(), before)
        self.assertEqual(self.section(), before)
        self.assertEqual(self.api_order(), before)
        # cached now (once the server has followed the dating above): what a stale cache would
        # go on serving
        for path in ("/", "/section/world"):
            self.assertTrue(eventually(
                lambda: self.srv.get(path).headers.get("x-cache") == "HIT"), path)
        self.assertEqual(self.recent(), before)

        base = "/articles/%d" % self.ids["Summit"]
        r = self.call("PUT", base + "/live", {"live": True})
        self.assertEqual(r.status, 200, r.text)
        r = self.call("POST", base + "/updates", {"body_markdown": "Leaders arrive."})
        self.assertEqual(r.status, 201, r.text)

        after = ["Summit story", "Harbour story", "Budget story"]
        self.assertEqual(self.recent(), after)
        self.assertEqual(self.section(), after)
        self.assertEqual(self.api_order(), after)  # paged two at a time, each story once

        # Ended, the story keeps the time of its last update; a newer article goes above it.
        r = self.call("PUT", base + "/live", {"live": False})
        self.assertEqual(r.status, 200, r.text)
        self.assertEqual(self.recent(), after)
        r = self.call("POST", "/articles", {"headline": "Later story", "body_markdown": "Text.",
                                            "section": "world"})
        self.assertEqual(r.status, 201, r.text)
        r = self.call("POST", "/articles/%d/publish" % r.json()["id"])
        self.assertEqual(r.status, 200, r.text)
        self.assertEqual(self.section()[:2], ["Later story", "Summit story"])
