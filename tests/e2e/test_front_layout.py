"""Front layouts end to end: an editor pins stories to the lead and the top slots of the front
page (and of a section front) through the admin API, with front-page headlines; the page
changes at once (the page cache follows the change feed), the rest fills by recency without
duplicates, a layout scheduled for a time takes over when it is due (the scheduler's tick of
the change feed), each edition (language) has its own and leads with a story in its language
(a pinned story in its version there), the static export shows it, and bad
input is refused with a message. A real server on a real database."""
import datetime
import os
import re
import shutil
import tempfile
import unittest

from nz import Server, eventually, new_db, run
from nzadmin import add_token, add_user, api


class FrontLayout(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="nz-e2e-front-")
        cls.db = new_db(os.path.join(cls.tmp, "front.db"))
        run(["init"], db=cls.db)
        # The import makes the section (only an admin adds one otherwise).
        fixture = os.path.join(os.path.dirname(__file__), "..", "fixtures", "import", "good",
                               "en-dateline.txt")
        run(["import", "--section", "harbor", fixture], db=cls.db)
        # An opinion piece: the opinion section's block is the front page's "Opinion".
        run(["import", "--publish", "--section", "opinion",
             os.path.join(os.path.dirname(fixture), "en-two-authors.txt")], db=cls.db)
        cls.tokens = {}
        for login, role in (("eve", "editor"), ("cal", "contributor")):
            add_user(cls.db, login, role)
            cls.tokens[login] = add_token(cls.db, login)[1]
        cls.srv = Server(cls.db)
        # A story in English and Korean, older than the eight below: the only Korean story.
        cls.original = cls.publish({"headline": "Harbor pilots sign a new charter",
                                    "body_markdown": "The pilots signed.", "section": "harbor"})
        cls.korean = cls.publish({"headline": "항만 도선사 새 헌장 서명", "language": "ko",
                                  "slug": "harbor-pilots-charter-ko",
                                  "body_markdown": "도선사들이 서명했다.", "section": "harbor",
                                  "translation_group": cls.original["id"]})
        cls.stories = [cls.publish({"headline": "Harbor story number %d" % i,
                                    "body_markdown": "The body of story %d." % i,
                                    "section": "harbor"})
                       for i in range(8)]  # oldest first

    @classmethod
    def publish(cls, fields):
        r = cls.call("POST", "/articles", fields)
        assert r.status == 201, r.text
        r = cls.call("POST", "/articles/%d/publish" % r.json()["id"])
        assert r.status == 200, r.text
        return r.json()

    @classmethod
    def tearDownClass(cls):
        cls.srv.stop()
        shutil.rmtree(cls.tmp, ignore_errors=True)

    @classmethod
    def call(cls, method, path, body=None, who="eve"):
        return api(cls.srv, method, "/api/v1/admin" + path, cls.tokens.get(who), body)

    def tearDown(self):
        # Every test starts from a front arranged by recency alone.
        for path in ("/front", "/front/harbor"):
            r = self.call("PUT", path, {"slots": []})
            self.assertEqual(r.status, 200, r.text)
            for l in r.json()["scheduled"]:
                self.call("DELETE", "/front-layouts/%d" % l["id"])

    def href(self, a):
        return 'href="/article/%s"' % a["slug"]

    def lead(self, html):
        return html[html.index('class="lead-story"'):html.index("</article>")]

    def main(self, html):
        return html[html.index("<main"):html.index("</main>")]

    def test_pinned_stories_lead_the_front_at_once(self):
        old, older = self.stories[1], self.stories[0]
        newest = self.stories[-1]
        self.assertIn(self.href(newest), self.lead(self.srv.get("/").text))
        # Cached (the previous test's last write may reach the follower a moment later and drop
        # the page once more: see test_a_scheduled_layout_takes_over_when_due).
        self.assertTrue(eventually(lambda: self.srv.get("/").headers.get("x-cache") == "HIT",
                                   deadline=2.0))

        r = self.call("PUT", "/front", {"slots": [
            {"article": old["id"], "headline": "Pilots brave the storm"},
            {"article": older["slug"]}]})
        self.assertEqual(r.status, 200, r.text)
        body = r.json()
        self.assertEqual(body["language"], "en")
        self.assertIsNone(body["section"])
        slots = body["current"]["slots"]
        self.assertEqual([s["article_id"] for s in slots], [old["id"], older["id"]])
        self.assertEqual(slots[0]["front_headline"], "Pilots brave the storm")
        self.assertIsNone(slots[1]["front_headline"])
        self.assertEqual(self.call("GET", "/front").json()["current"]["slots"], slots)

        html = self.srv.get("/").text
        lead = self.lead(html)
        self.assertIn(self.href(old), lead)
        self.assertIn("Pilots brave the storm", lead)
        self.assertNotIn(old["headline"], html)
        main = self.main(html)
        # The section blocks may show a story of Recent News again, never one of the top.
        main = main[:main.index('class="section-blocks"')] + main[main.index('id="recent"'):]
        # The second pinned story comes next, then the newest by recency; each story once.
        self.assertLess(main.index(self.href(older)), main.index(self.href(newest)))
        for a in self.stories:
            self.assertEqual(main.count(self.href(a)), 1, a["slug"])

        # Reordered: the other story leads.
        r = self.call("PUT", "/front", {"slots": [{"article": older["id"]},
                                                  {"article": old["id"]}]})
        self.assertEqual(r.status, 200, r.text)
        html = self.srv.get("/").text
        self.assertIn(self.href(older), self.lead(html))
        self.assertIn(old["headline"], html)

        # Emptied: by recency again.
        self.call("PUT", "/front", {"slots": []})
        self.assertIn(self.href(newest), self.lead(self.srv.get("/").text))

    def test_a_scheduled_layout_takes_over_when_due(self):
        pinned = self.stories[2]
        at = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(seconds=3)
        r = self.call("PUT", "/front", {
            "starts_at": at.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "slots": [{"article": pinned["id"], "headline": "Scheduled lead"}]})
        self.assertEqual(r.status, 200, r.text)
        self.assertIsNone(r.json()["current"])
        self.assertEqual(len(r.json()["scheduled"]), 1)
        self.assertNotIn("Scheduled lead", self.srv.get("/").text)
        # Cached before its time (the change feed's follower may drop the page once more when it
        # reads the layout's own write, a moment after the API answered).
        self.assertTrue(eventually(lambda: self.srv.get("/").headers.get("x-cache") == "HIT",
                                   deadline=2.0))
        self.assertTrue(eventually(lambda: "Scheduled lead" in self.lead(self.srv.get("/").text),
                                   deadline=10.0))
        now = self.call("GET", "/front").json()
        self.assertEqual(now["current"]["slots"][0]["article_id"], pinned["id"])
        self.assertEqual(now["scheduled"], [])

    def test_a_section_front_and_an_edition_have_their_own(self):
        pinned = self.stories[0]
        r = self.call("PUT", "/front/harbor", {"slots": [{"article": pinned["id"]}]})
        self.assertEqual(r.status, 200, r.text)
        self.assertEqual(r.json()["section"]["slug"], "harbor")
        section = self.main(self.srv.get("/section/harbor").text)
        self.assertLess(section.index(self.href(pinned)),
                        section.index(self.href(self.stories[-1])))
        # The front page is not the section's.
        self.assertIn(self.href(self.stories[-1]), self.lead(self.srv.get("/").text))
        # A layout of the Korean edition leaves the English front as it is.
        r = self.call("PUT", "/front", {"language": "ko", "slots": [{"article": pinned["id"]}]})
        self.assertEqual(r.status, 200, r.text)
        self.assertEqual(r.json()["language"], "ko")
        self.assertIn(self.href(self.stories[-1]), self.lead(self.srv.get("/").text))
        self.assertIsNone(self.call("GET", "/front").json()["current"])
        self.call("PUT", "/front", {"language": "ko", "slots": []})

    def test_each_edition_leads_with_a_story_in_its_language(self):
        newest = self.stories[-1]
        # By recency: the Korean front's lead is its newest Korean story, though newer English
        # stories (without a Korean version) exist; they follow it.
        html = self.srv.get("/ko/").text
        self.assertIn(self.href(self.korean), self.lead(html))
        self.assertIn(self.href(newest), self.main(html))
        self.assertNotIn(self.href(self.original), html)
        self.assertIn(self.href(newest), self.lead(self.srv.get("/").text))
        # A section front with a layout follows the same rule: its top's free slots take the
        # edition's language first.
        r = self.call("PUT", "/front/harbor", {"language": "ko", "slots": [
            {"article": self.stories[0]["id"]}]})
        self.assertEqual(r.status, 200, r.text)
        html = self.srv.get("/ko/section/harbor").text
        main = self.main(html)
        self.assertLess(main.index(self.href(self.stories[0])), main.index(self.href(self.korean)))
        self.assertLess(main.index(self.href(self.korean)), main.index(self.href(newest)))
        self.assertNotIn(self.href(self.original), html)
        english = self.main(self.srv.get("/section/harbor").text)
        self.assertLess(english.index(self.href(newest)), english.index(self.href(self.original)))
        self.call("PUT", "/front/harbor", {"language": "ko", "slots": []})
        # Pinned on the Korean front, a story shows in its Korean version when it has one
        # (without the front-page headline written for the English one); one without stays.
        r = self.call("PUT", "/front", {"language": "ko", "slots": [
            {"article": self.stories[0]["id"]},
            {"article": self.original["id"], "headline": "Pilots sign, in English"}]})
        self.assertEqual(r.status, 200, r.text)
        html = self.srv.get("/ko/").text
        self.assertIn(self.href(self.stories[0]), self.lead(html))
        main = self.main(html)
        self.assertLess(main.index(self.href(self.korean)), main.index(self.href(newest)))
        self.assertNotIn(self.href(self.original), html)
        self.assertNotIn("Pilots sign, in English", html)
        # The English front pins the English version.
        self.call("PUT", "/front", {"slots": [{"article": self.original["id"]}]})
        self.assertIn(self.href(self.original), self.lead(self.srv.get("/").text))
        self.call("PUT", "/front", {"language": "ko", "slots": []})

    def test_section_blocks_and_the_opinion_block_below_the_top(self):
        html = self.main(self.srv.get("/").text)
        blocks = html[html.index('class="section-blocks"'):]
        harbor = blocks[blocks.index('aria-label="Harbor"'):]
        harbor = harbor[:harbor.index("</section>")]
        # The section's latest stories not already at the top (the lead and four top stories).
        self.assertIn(self.href(self.stories[2]), harbor)
        self.assertNotIn(self.href(self.stories[3]), harbor)
        self.assertIn('class="section-block opinion-block" aria-label="Opinion"', blocks)
        # Pinning moves a story up: it leaves the section's block.
        self.call("PUT", "/front", {"slots": [{"article": self.stories[2]["id"]}]})
        html = self.main(self.srv.get("/").text)
        blocks = html[html.index('class="section-blocks"'):]
        self.assertNotIn(self.href(self.stories[2]), blocks)
        self.assertIn(self.href(self.stories[2]), self.lead(html))

    def test_the_static_export_shows_the_layout(self):
        pinned = self.stories[3]
        self.call("PUT", "/front", {"slots": [{"article": pinned["id"],
                                                "headline": "Exported lead"}]})
        out = os.path.join(self.tmp, "site")
        run(["build", "--out", out], db=self.db)
        with open(os.path.join(out, "index.html"), encoding="utf-8") as f:
            self.assertIn("Exported lead", self.lead(f.read()))

    def assertRefused(self, r, status, words):
        self.assertEqual(r.status, status, r.text)
        self.assertIn(words, r.json()["error"]["message"])

    def test_bad_layouts_are_refused_and_change_nothing(self):
        a, b = self.stories[0], self.stories[1]
        self.assertRefused(self.call("PUT", "/front", {"slots": [{"article": "no-such-story"}]}),
                           400, "no article no-such-story")
        self.assertRefused(self.call("PUT", "/front", {"slots": [{"article": a["id"]},
                                                                 {"article": a["slug"]}]}),
                           400, "pinned twice")
        self.assertRefused(self.call("PUT", "/front", {"slots": [
            {"article": s["id"]} for s in self.stories[:6]]}), 400, "at most 5")
        self.assertRefused(self.call("PUT", "/front", {"slots": [
            {"article": a["id"], "headline": "x" * 301}]}), 400, "headline")
        self.assertRefused(self.call("PUT", "/front", {"slots": [{"article": a["id"]}],
                                                       "starts_at": "tomorrow"}), 400,
                           "starts_at")
        self.assertRefused(self.call("PUT", "/front", {"slots": "a"}), 400, "slots")
        self.assertRefused(self.call("PUT", "/front/nowhere", {"slots": []}), 404, "section")
        self.assertEqual(self.call("PUT", "/front", {"slots": [{"article": b["id"]}]},
                                   who="cal").status, 403)
        self.assertEqual(self.call("GET", "/front", who=None).status, 401)
        self.assertIsNone(self.call("GET", "/front").json()["current"])


if __name__ == "__main__":
    unittest.main()
