"""Related articles as data on a real server with its page cache: an article page shows its
related articles (stored on first view, then read back); when one of them is retracted, the
very next request of its neighbours' pages is rendered anew without it (not served stale from
the page cache); an edit of an article's words gives it a new list at once; a newly published
article enters the lists of the articles it is shown beside, through the server's
related-articles worker, without anyone viewing it (docs/related.md)."""
import re
import unittest

from nz import eventually
from nzadmin import NewsroomCase

# {t}: the test's own prefix, so each test's stories share words with each other only.
STORIES = {
    "me": ("{t}minehunter Ganghwa delivered to the navy",
           "The {t}minehunter Ganghwa joined the {t}mine warfare {t}flotilla at {t}jinhae."),
    "sister": ("Second {t}minehunter launched at {t}jinhae",
               "Another {t}minehunter for the {t}mine warfare {t}flotilla at {t}jinhae."),
    "cousin": ("{t}mine warfare {t}flotilla exercise",
               "The {t}mine warfare {t}flotilla trained with a {t}minehunter off {t}jinhae."),
    "budget": ("{t}assembly approves the {t}budget",
               "The {t}assembly approved the {t}budget after a long {t}debate."),
    "budget-2": ("{t}budget {t}debate drags on in the {t}assembly",
                 "The {t}assembly debated the {t}budget again in a {t}debate."),
}


def related_headlines(html):
    m = re.search(r'<aside class="related".*?</aside>', html, re.S)
    return re.findall(r'<a href="[^"]*">([^<]*)</a>', m.group(0)) if m else []


class Related(NewsroomCase):
    """One server; each test makes its own stories (their words are the test's own)."""
    prefix = "nz-e2e-related-"
    login, role = "ada", "admin"

    def call(self, method, path, body=None):
        r = self.admin_api(method, path, body)
        self.assertLess(r.status, 300, r.text)
        return r.json() if r.body else None

    def stories(self, tag):
        """Publishes the stories with tag in their words; returns name -> article."""
        out = {}
        for name, (headline, body) in STORIES.items():
            a = self.call("POST", "/articles", {"headline": headline.format(t=tag),
                                                "body_markdown": body.format(t=tag)})
            self.call("POST", "/articles/%d/publish" % a["id"])
            out[name] = a
        return out

    def page(self, a):
        r = self.srv.get("/article/" + a["slug"])
        self.assertEqual(r.status, 200)
        return r

    def warm(self, a, expect):
        """Requests a's page until the cache serves it with expect among its related headlines;
        returns them. (Each story's list is stored by the jobs worker when it is published, and
        refreshed as its neighbours are: until the worker caught up with the last one, a page
        may show the list of a smaller newsroom, and it is dropped when the list changes.)"""
        got = []

        def settled():
            r = self.page(a)
            got[:] = related_headlines(r.text)
            return r.headers.get("x-cache") == "HIT" and expect in got
        if not eventually(settled, 15.0):
            self.fail("%s: never cached with %s among %s" % (a["slug"], expect, got))
        return got

    def test_a_page_shows_its_related_articles(self):
        s = self.stories("alpha")
        got = self.warm(s["me"], s["sister"]["headline"])
        self.assertIn(s["cousin"]["headline"], got)
        self.assertFalse([h for h in got if "budget" in h.lower()])
        self.assertNotIn(s["me"]["headline"], got)

    def test_a_retracted_article_leaves_its_neighbours_pages_at_once(self):
        s = self.stories("bravo")
        for name in ("me", "cousin"):
            self.warm(s[name], s["sister"]["headline"])
        self.call("POST", "/articles/%d/retract" % s["sister"]["id"])
        for name in ("me", "cousin"):
            with self.subTest(page=name):
                r = self.page(s[name])
                self.assertEqual(r.headers.get("x-cache"), "MISS")
                got = related_headlines(r.text)
                self.assertNotIn(s["sister"]["headline"], got)
                self.assertIn(s["cousin" if name == "me" else "me"]["headline"], got)

    def test_an_edit_gives_the_article_its_new_list(self):
        s = self.stories("charlie")
        self.warm(s["me"], s["sister"]["headline"])
        rev = self.call("GET", "/articles/%d" % s["me"]["id"])["revision"]
        self.call("PATCH", "/articles/%d" % s["me"]["id"], {
            "revision": rev, "headline": "charlieassembly charliebudget charliedebate",
            "body_markdown": "The charlieassembly had a charliedebate on the charliebudget."})
        r = self.page(s["me"])
        self.assertIn("charlieassembly charliebudget charliedebate", r.text)
        got = related_headlines(r.text)
        self.assertIn(s["budget"]["headline"], got)
        self.assertNotIn(s["sister"]["headline"], got)

    def test_a_new_article_enters_its_neighbours_lists(self):
        s = self.stories("delta")
        self.warm(s["me"], s["sister"]["headline"])
        new = self.call("POST", "/articles", {
            "headline": "Third deltaminehunter for the deltaflotilla at deltajinhae",
            "body_markdown": "A third deltaminehunter joined the deltamine warfare deltaflotilla."})
        self.call("POST", "/articles/%d/publish" % new["id"])
        # The worker runs once a second; the load of a shared machine is allowed for.
        self.assertTrue(eventually(
            lambda: new["headline"] in related_headlines(self.page(s["me"]).text), 15.0))


if __name__ == "__main__":
    unittest.main()
