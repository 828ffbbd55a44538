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
import urllib.parse

from nz import Server, new_db, run
from nzadmin import NewsroomCase, add_token, add_user, api
from test_admin_pages import Browser


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




def footer(html):
    return html[html.index("<footer"):]


class KoreanVersions(NewsroomCase):
    """A page's Korean version, written through the admin API: served at /ko/{slug} in the
    Korean chrome, linked from the Korean edition's footer, with the language switch and hreflang
    alternates between the versions, in the sitemap and the static export; a page without one
    is linked at its English address."""
    prefix = "nz-e2e-pages-ko-"

    def test_a_korean_version_is_served_linked_and_exported(self):
        r = self.admin_api("POST", "/pages", {
            "title": "About us", "slug": "about-us", "position": 1,
            "body_markdown": "We cover the harbour.",
            "translations": {"ko": {"title": "소개", "body_markdown": "우리는 **항구**를 취재합니다."}}})
        self.assertEqual(r.status, 201, r.text)
        about = r.json()
        self.assertEqual(about["translations"]["ko"]["title"], "소개")
        self.assertTrue(about["translations"]["ko"]["url"].endswith("/ko/about-us"))
        r = self.admin_api("POST", "/pages", {"title": "Contact", "body_markdown": "Call us."})
        self.assertEqual(r.status, 201, r.text)

        ko = self.srv.get("/ko/about-us")
        self.assertEqual(ko.status, 200)
        self.assertIn('<html lang="ko"', ko.text)
        self.assertIn("<h1>소개</h1>", ko.text)
        self.assertIn("<strong>항구</strong>", ko.text)
        self.assertNotIn("We cover the harbour", ko.text)
        for lang, path in (("en", "/about-us"), ("ko", "/ko/about-us"), ("x-default", "/about-us")):
            self.assertRegex(ko.text, r'<link rel="alternate" hreflang="%s" href="[^"]*%s"'
                             % (lang, path))
        # The switch leads to the other version, both ways.
        self.assertRegex(ko.text, r'<a href="/about-us"[^>]*hreflang="en"')
        self.assertRegex(self.srv.get("/about-us").text, r'<a href="/ko/about-us"[^>]*hreflang="ko"')
        # The Korean footer links the Korean version, and the English page of one without.
        foot = footer(self.srv.get("/ko/").text)
        self.assertIn('<a href="/ko/about-us">소개</a>', foot)
        self.assertIn('<a href="/contact" lang="en" hreflang="en">Contact</a>', foot)
        self.assertIn('<a href="/about-us">About us</a>', footer(self.srv.get("/").text))
        self.assertEqual(self.srv.get("/ko/contact").status, 404)
        # The sitemap names both versions of the page, the other one alone.
        sitemap = self.srv.get("/sitemaps/pages.xml").text
        self.assertIn("/ko/about-us</loc>", sitemap)
        self.assertNotIn("/ko/contact</loc>", sitemap)
        # The static export writes the Korean version with the server's bytes.
        out = os.path.join(self.tmp, "site")
        run(["build", "--out", out], db=self.db)
        with open(os.path.join(out, "ko", "about-us", "index.html"), encoding="utf-8") as f:
            self.assertEqual(f.read(), self.srv.get("/ko/about-us").text)
        self.assertFalse(os.path.exists(os.path.join(out, "ko", "contact")))

        # Bad versions are refused, nothing changed; removing one takes its address away.
        for bad, words in (({"ko": {"title": "", "body_markdown": "본문"}}, "title is empty"),
                           ({"korean": {"title": "소개"}}, "no language code"),
                           ({"ko": "소개"}, "not {")):
            r = self.admin_api("PATCH", "/pages/%d" % about["id"],
                               {"revision": 1, "translations": bad})
            self.assertEqual(r.status, 400, r.text)
            self.assertIn(words, r.json()["error"]["message"])
        r = self.admin_api("PATCH", "/pages/%d" % about["id"],
                           {"revision": 1, "translations": {"ko": None}})
        self.assertEqual(r.status, 200, r.text)
        self.assertEqual(r.json()["translations"], {})
        self.assertEqual(self.srv.get("/ko/about-us").status, 404)
        revs = self.admin_api("GET", "/pages/%d/revisions" % about["id"]).json()["revisions"]
        self.assertEqual([x["revision"] for x in revs], [2, 1])

    def test_the_korean_edition_names_its_own_policy_pages(self):
        # The publisher's policy links in JSON-LD point to the reader's edition where the page
        # has a version in it, and to the English page where it has none.
        r = self.admin_api("POST", "/pages", {
            "title": "Ethics policy", "slug": "ethics", "role": "ethicsPolicy",
            "body_markdown": "We do not pay sources.",
            "translations": {"ko": {"title": "윤리 강령", "body_markdown": "취재원에게 돈을 주지 않습니다."}}})
        self.assertEqual(r.status, 201, r.text)
        r = self.admin_api("POST", "/pages", {"title": "Corrections", "slug": "fixing-errors",
                                              "role": "correctionsPolicy",
                                              "body_markdown": "We correct errors."})
        self.assertEqual(r.status, 201, r.text)
        r = self.admin_api("POST", "/articles", {"headline": "항구 새 등대 점등", "language": "ko",
                                                 "body_markdown": "새 등대가 불을 밝혔다."})
        self.assertEqual(r.status, 201, r.text)
        r = self.admin_api("POST", "/articles/%d/publish" % r.json()["id"])
        self.assertEqual(r.status, 200, r.text)
        ko_article = "/article/" + urllib.parse.quote(r.json()["slug"])
        for path, ethics in (("/ko/ethics", "/ko/ethics"), ("/ethics", "/ethics"),
                             (ko_article, "/ko/ethics")):
            org = jsonld(self.srv.get(path).text)[0]["publisher"]
            self.assertTrue(org["ethicsPolicy"].endswith(ethics), (path, org))
            self.assertTrue(org["correctionsPolicy"].endswith("/fixing-errors"), (path, org))
            self.assertNotIn("/ko/", org["correctionsPolicy"])

    def test_the_back_office_writes_a_korean_version(self):
        b = Browser(self.srv, self.login, self.password)
        form = b.get("/admin/pages/new").text
        self.assertIn('name="title.ko"', form)
        self.assertIn('name="body_markdown.ko"', form)
        fields = [("title", "Masthead"), ("slug", "masthead"), ("position", "5"),
                  ("body_markdown", "The editors."), ("role", "")]
        # A text without a title is refused, and what was typed is kept.
        r = b.post("/admin/pages", fields + [("title.ko", ""), ("body_markdown.ko", "편집진")])
        self.assertEqual(r.status, 422, r.text)
        self.assertIn("the ko version&#39;s title is empty", r.text)
        self.assertIn("편집진</textarea>", r.text)
        r = b.post("/admin/pages", fields + [("title.ko", "편집진"),
                                             ("body_markdown.ko", "편집국장 홍길동")])
        self.assertEqual(r.status, 303, r.text)
        self.assertIn("편집국장 홍길동", self.srv.get("/ko/masthead").text)
        self.assertIn('value="편집진"', b.get(r.headers["location"].split("?")[0]).text)


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
        self.assertIn("/ko/masthead</loc>", sitemap)
        # Every page has its Korean version, which the Korean edition's footer links.
        foot = footer(self.srv.get("/ko/").text)
        for slug, title in (("about", "뉴스존 데일리 소개"), ("contact", "연락처"),
                            ("ethics", "윤리 강령"), ("corrections-policy", "정정 보도 원칙"),
                            ("principles", "보도 원칙"), ("masthead", "편집진")):
            self.assertIn('<a href="/ko/%s">%s</a>' % (slug, title), foot)
        self.assertIn("<h1>편집진</h1>", self.srv.get("/ko/masthead").text)

    def test_static_export_has_the_pages(self):
        out = os.path.join(self.tmp, "site")
        run(["build", "--out", out], db=self.db)
        with open(os.path.join(out, "ethics", "index.html"), encoding="utf-8") as f:
            html = f.read()
        self.assertEqual(html, self.srv.get("/ethics").text)  # the same bytes as the server
        self.assertIn("<h1>Ethics policy</h1>", html)
        with open(os.path.join(out, "index.html"), encoding="utf-8") as f:
            self.assertIn('<a href="/masthead">Masthead</a>', f.read())
        with open(os.path.join(out, "ko", "ethics", "index.html"), encoding="utf-8") as f:
            self.assertIn("<h1>윤리 강령</h1>", f.read())


if __name__ == "__main__":
    unittest.main()
