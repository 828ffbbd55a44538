"""Static pages end to end: written through the admin API (with revisions and the stale-save
guard), read through the public API, served at /{slug} with the site's chrome, linked from every
page's footer, named by the organization's JSON-LD by their role, in the sitemap and in the
static export; slugs the site uses itself are refused with a message, and an unknown slug is a
404. A real server on a real database; accounts and tokens made with the CLI."""
import json
import os
import re
import shutil
import tempfile
import unittest

from nz import Server, new_db, run
from nzadmin import add_token, add_user, api


def jsonld(html):
    return [json.loads(m) for m in
            re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)]


class StaticPages(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="nz-e2e-pages-")
        cls.db = new_db(os.path.join(cls.tmp, "pages.db"))
        run(["init"], db=cls.db)
        cls.tokens = {}
        for login, role in (("eve", "editor"), ("cal", "contributor")):
            add_user(cls.db, login, role)
            cls.tokens[login] = add_token(cls.db, login)[1]
        cls.srv = Server(cls.db)

    @classmethod
    def tearDownClass(cls):
        cls.srv.stop()
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def call(self, method, path, body=None, who="eve"):
        return api(self.srv, method, "/api/v1/admin" + path, self.tokens.get(who), body)

    def create(self, **fields):
        r = self.call("POST", "/pages", fields)
        self.assertEqual(r.status, 201, r.text)
        return r.json()

    def assertRefused(self, r, status, code, words):
        self.assertEqual(r.status, status, r.text)
        err = r.json()["error"]
        self.assertEqual(err["code"], code)
        self.assertIn(words, err["message"])

    def test_a_page_is_written_served_and_linked(self):
        p = self.create(title="About Harbor News", slug="about-us",
                        body_markdown="We cover the **harbour**.\n\nWrite to us.", position=1)
        self.assertEqual(p["revision"], 1)
        self.assertEqual(p["slug"], "about-us")
        self.assertIsNone(p["role"])
        self.assertIn("<strong>harbour</strong>", p["body_html"])

        page = self.srv.get("/about-us")
        self.assertEqual(page.status, 200)
        self.assertIn("<h1>About Harbor News</h1>", page.text)
        self.assertIn("<strong>harbour</strong>", page.text)
        self.assertEqual(jsonld(page.text)[0]["@type"], "WebPage")

        # Every page's footer links it, the front page and an error page alike.
        for path in ("/", "/no-such-page"):
            html = self.srv.get(path).text
            footer = html[html.index('<footer'):]
            self.assertIn('<a href="/about-us">About Harbor News</a>', footer)

        # The read API, and an edit seen at once on the page and in the footer.
        r = api(self.srv, "GET", "/api/v1/pages/about-us")
        self.assertEqual(r.status, 200)
        self.assertEqual(r.json()["title"], "About Harbor News")
        self.assertTrue(r.json()["url"].endswith("/about-us"))
        r = self.call("PATCH", "/pages/%d" % p["id"], {"revision": 1, "title": "About us"})
        self.assertEqual(r.status, 200, r.text)
        self.assertEqual(r.json()["revision"], 2)
        self.assertIn("<h1>About us</h1>", self.srv.get("/about-us").text)
        self.assertIn('<a href="/about-us">About us</a>', self.srv.get("/").text)
        slugs = [x["slug"] for x in api(self.srv, "GET", "/api/v1/pages").json()["pages"]]
        self.assertIn("about-us", slugs)

    def test_revisions_and_stale_saves(self):
        p = self.create(title="Contact", body_markdown="Call us.")
        self.assertEqual(p["slug"], "contact")  # made from the title
        r = self.call("PATCH", "/pages/%d" % p["id"], {"revision": 1, "body_markdown": "Mail us."})
        self.assertEqual(r.status, 200, r.text)
        # Someone else's edit based on revision 1 is refused and changes nothing.
        r = self.call("PATCH", "/pages/%d" % p["id"], {"revision": 1, "body_markdown": "Fax us."})
        self.assertRefused(r, 409, "conflict", "someone else")
        self.assertIn("Mail us.", self.srv.get("/contact").text)
        # A save that changes nothing adds no revision.
        r = self.call("PATCH", "/pages/%d" % p["id"], {"revision": 2, "body_markdown": "Mail us."})
        self.assertEqual(r.json()["revision"], 2)
        revs = self.call("GET", "/pages/%d/revisions" % p["id"]).json()["revisions"]
        self.assertEqual([x["revision"] for x in revs], [2, 1])
        self.assertEqual(revs[1]["body_markdown"], "Call us.")
        self.assertEqual(revs[0]["body_markdown"], "Mail us.")
        r = self.call("PATCH", "/pages/%d" % p["id"], {"body_markdown": "No base."})
        self.assertRefused(r, 400, "invalid", "revision")

    def test_reserved_and_taken_slugs_are_refused(self):
        for slug in ("admin", "api", "article", "search", "section", "tag", "author", "media",
                     "static", "sitemaps", "healthz", "metrics", "page"):
            r = self.call("POST", "/pages", {"title": "Mine", "slug": slug})
            self.assertRefused(r, 400, "invalid", "the site's own addresses")
        r = self.call("POST", "/pages", {"title": "Bad", "slug": "Not A Slug"})
        self.assertRefused(r, 400, "invalid", "slug")
        r = self.call("POST", "/pages", {"title": "  "})
        self.assertRefused(r, 400, "invalid", "title")
        self.create(title="Jobs", slug="jobs")
        r = self.call("POST", "/pages", {"title": "More jobs", "slug": "jobs"})
        self.assertRefused(r, 409, "exists", "Jobs")
        self.assertEqual(self.srv.get("/jobs").status, 200)
        self.assertNotIn("More jobs", self.srv.get("/jobs").text)
        # The site's own pages are unharmed, and an unknown slug is a 404 page.
        self.assertEqual(self.srv.get("/search?q=x").status, 200)
        r = self.srv.get("/no-page-here")
        self.assertEqual(r.status, 404)
        self.assertIn("<footer", r.text)
        self.assertEqual(api(self.srv, "GET", "/api/v1/pages/no-page-here").status, 404)

    def test_roles_in_the_organizations_jsonld(self):
        ethics = self.create(title="Ethics policy", slug="ethics", role="ethicsPolicy",
                             body_markdown="We do not pay sources.")
        self.create(title="Masthead", slug="masthead", role="masthead")
        r = self.call("POST", "/pages", {"title": "Ethics 2", "slug": "ethics-2",
                                         "role": "ethicsPolicy"})
        self.assertRefused(r, 409, "exists", "Ethics policy")
        r = self.call("POST", "/pages", {"title": "X", "role": "favouriteColour"})
        self.assertRefused(r, 400, "invalid", "role")
        org = jsonld(self.srv.get("/ethics").text)[0]["publisher"]
        self.assertEqual(org["@type"], "NewsMediaOrganization")
        self.assertTrue(org["ethicsPolicy"].endswith("/ethics"))
        self.assertTrue(org["masthead"].endswith("/masthead"))
        self.assertNotIn("diversityPolicy", org)
        # The role moves: cleared on one page, it is free for another.
        r = self.call("PATCH", "/pages/%d" % ethics["id"], {"revision": 1, "role": None})
        self.assertEqual(r.status, 200, r.text)
        org = jsonld(self.srv.get("/ethics").text)[0]["publisher"]
        self.assertNotIn("ethicsPolicy", org)

    def test_who_may_write(self):
        r = api(self.srv, "POST", "/api/v1/admin/pages", None, {"title": "Anon"})
        self.assertEqual(r.status, 401)
        r = self.call("POST", "/pages", {"title": "By a contributor"}, who="cal")
        self.assertEqual(r.status, 403)
        self.assertEqual(self.srv.get("/by-a-contributor").status, 404)



class DemoPages(unittest.TestCase):
    """The demo newsroom's pages, on the server, in the sitemap and in the static export."""

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="nz-e2e-demo-pages-")
        cls.db = new_db(os.path.join(cls.tmp, "demo.db"))
        cls.demo_output = run(["demo"], db=cls.db).stdout
        cls.srv = Server(cls.db)

    @classmethod
    def tearDownClass(cls):
        cls.srv.stop()
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def test_demo_has_the_trust_pages(self):
        self.assertIn("and 6 pages", self.demo_output)
        pages = api(self.srv, "GET", "/api/v1/pages").json()["pages"]
        self.assertEqual([p["slug"] for p in pages],
                         ["about", "contact", "ethics", "corrections-policy", "principles",
                          "masthead"])
        roles = {p["role"] for p in pages if p["role"]}
        self.assertEqual(roles, {"ethicsPolicy", "correctionsPolicy", "publishingPrinciples",
                                 "masthead"})
        # An article's publisher names every policy page.
        article = api(self.srv, "GET", "/api/v1/articles?limit=1").json()["articles"][0]
        html = self.srv.get("/article/" + article["slug"]).text
        # (the newest may be the demo's live story: a LiveBlogPosting)
        org = [x for x in jsonld(html)
               if x.get("@type") in ("NewsArticle", "LiveBlogPosting")][0]["publisher"]
        for prop, slug in (("ethicsPolicy", "ethics"), ("correctionsPolicy", "corrections-policy"),
                           ("publishingPrinciples", "principles"), ("masthead", "masthead")):
            self.assertTrue(org[prop].endswith("/" + slug), org)
        sitemap = self.srv.get("/sitemaps/pages.xml").text
        self.assertIn("/ethics</loc>", sitemap)
        self.assertIn("/masthead</loc>", sitemap)

    def test_static_export_has_the_pages(self):
        out = os.path.join(self.tmp, "site")
        run(["build", "--out", out], db=self.db)
        with open(os.path.join(out, "ethics", "index.html"), encoding="utf-8") as f:
            html = f.read()
        self.assertEqual(html, self.srv.get("/ethics").text)  # the same bytes as the server
        self.assertIn("<h1>Ethics policy</h1>", html)
        with open(os.path.join(out, "index.html"), encoding="utf-8") as f:
            self.assertIn('<a href="/masthead">Masthead</a>', f.read())


if __name__ == "__main__":
    unittest.main()
