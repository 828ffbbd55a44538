"""The reader's site on the demo newsroom: every page type, HTTP behaviour, shutdown."""
import os
import re
from html import escape
import shutil
import socket
import tempfile
import unittest
import urllib.parse

from nz import Server, new_db, run


class DemoSite(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="nz-e2e-site-")
        cls.db = new_db(os.path.join(cls.tmp, "demo.db"))
        p = run(["demo"], db=cls.db)
        cls.demo_output = p.stdout
        cls.srv = Server(cls.db)
        cls.articles = []
        cursor = None
        while True:
            q = "/api/v1/articles?limit=100" + ("&cursor=" + cursor if cursor else "")
            page = cls.srv.get(q).json()
            cls.articles += page["articles"]
            cursor = page["next_cursor"]
            if not cursor:
                break

    @classmethod
    def tearDownClass(cls):
        cls.srv.stop()
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def path(self, url):
        return urllib.parse.urlsplit(url).path

    def test_demo_newsroom_has_english_and_korean(self):
        self.assertRegex(self.demo_output, r"demo newsroom ready with \d+ articles")
        langs = [a["language"] for a in self.articles]
        self.assertGreaterEqual(langs.count("en"), 25)
        self.assertGreaterEqual(langs.count("ko"), 5)
        self.assertGreaterEqual(len({a["section"]["slug"] for a in self.articles}), 4)
        self.assertTrue(any(a["highlights"] for a in self.articles))
        self.assertTrue(any(a["dateline"] for a in self.articles))
        self.assertTrue(any(m["caption"] for a in self.articles for m in a["media"]))

    def test_front_page_lead_and_recent_news(self):
        r = self.srv.get("/")
        self.assertEqual(r.status, 200)
        self.assertEqual(r.headers["content-type"], "text/html; charset=utf-8")
        html = r.text
        lead = self.articles[0]
        self.assertIn(escape(lead["headline"]), html)
        self.assertIn("Recent News", html)
        second = self.articles[1]
        self.assertIn(self.path(second["url"]), html)
        self.assertLess(html.index(self.path(lead["url"])), html.index("Recent News"))
        self.assertIn('<html lang="en"', html)
        self.assertIn('name="viewport"', html)

    def test_pagination(self):
        self.assertGreater(len(self.articles), 20)
        html = self.srv.get("/").text
        # The "Older" link is a path a static host can serve too: /page/2.
        self.assertIn('href="/page/2" rel="next"', html)
        p2 = self.srv.get("/page/2")
        self.assertEqual(p2.status, 200)
        # The front page lists a translated story once (in English), so page 2 starts at the
        # 21st story of the API's list without the Korean versions of English stories.
        stories = [a for a in self.articles
                   if not (a["language"] == "ko" and a["translation_group"])]
        self.assertIn(self.path(stories[21]["url"]), p2.text)
        self.assertIn('href="/" rel="prev"', p2.text)
        # Old links with ?page=N still give the same page.
        self.assertEqual(self.srv.get("/?page=2").text, p2.text)
        self.assertEqual(self.srv.get("/?page=abc").status, 400)
        self.assertEqual(self.srv.get("/?page=0").status, 400)
        self.assertEqual(self.srv.get("/?page=999").status, 404)
        self.assertEqual(self.srv.get("/page/0").status, 400)
        self.assertEqual(self.srv.get("/page/x2").status, 400)
        self.assertEqual(self.srv.get("/page/999").status, 404)

    def test_article_page_structure(self):
        a = next(x for x in self.articles if x["language"] == "en" and x["highlights"]
                 and x["dateline"] and x["media"])
        r = self.srv.get(self.path(a["url"]))
        self.assertEqual(r.status, 200)
        html = r.text
        self.assertIn("<article", html)
        self.assertRegex(html, r'<time[^>]+datetime="\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d"')
        for au in a["authors"]:
            self.assertIn('href="/author/%s"' % urllib.parse.quote(au["slug"]), html)
            self.assertIn(au["name"], html)
        marks = ["<h1", a["highlights"][0].split("\u2019")[0][:20], "<figure", a["dateline"]]
        for m in marks:
            self.assertIn(m.replace("&", "&amp;"), html)
        self.assertLess(html.index(a["section"]["name"]), html.index("<h1"))
        self.assertLess(html.index("<h1"), html.index("<figure"))

    def test_korean_article_page(self):
        a = next(x for x in self.articles if x["language"] == "ko")
        r = self.srv.get(urllib.parse.quote(self.path(a["url"])) if "%" not in a["url"]
                         else self.path(a["url"]))
        self.assertEqual(r.status, 200, a["url"])
        self.assertIn('lang="ko"', r.text)
        self.assertRegex(r.text, r"20\d\d년 \d{1,2}월 \d{1,2}일")

    def test_section_author_tag_pages(self):
        a = self.articles[0]
        for path, name in ((a["section"] and "/section/" + a["section"]["slug"], a["section"]["name"]),
                           ("/author/" + a["authors"][0]["slug"], a["authors"][0]["name"]),
                           ("/tag/" + a["tags"][0]["slug"], a["tags"][0]["name"])):
            r = self.srv.get(urllib.parse.quote(path))
            self.assertEqual(r.status, 200, path)
            self.assertIn(name, r.text)
            self.assertIn(self.path(a["url"]), r.text)
        self.assertEqual(self.srv.get("/section/no-such-section").status, 404)
        self.assertEqual(self.srv.get("/author/nobody").status, 404)

    def test_not_found_and_method_not_allowed(self):
        r = self.srv.get("/no/such/page")
        self.assertEqual(r.status, 404)
        self.assertIn("text/html", r.headers["content-type"])
        self.assertIn("<h1", r.text)
        r = self.srv.request("POST", "/", body=b"x=1")
        self.assertEqual(r.status, 405)
        self.assertIn("GET", r.headers.get("allow", ""))
        self.assertEqual(self.srv.get("/article/%ZZ").status, 400)

    def test_head_matches_get(self):
        g = self.srv.get("/")
        h = self.srv.request("HEAD", "/")
        self.assertEqual(h.status, 200)
        self.assertEqual(h.body, b"")
        self.assertEqual(h.headers["content-length"], g.headers["content-length"])

    def test_keep_alive(self):
        with socket.create_connection(("127.0.0.1", self.srv.port), timeout=5) as s:
            req = b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"
            s.sendall(req + req)
            data = b""
            while data.count(b"HTTP/1.1 200") < 2:
                chunk = s.recv(65536)
                self.assertTrue(chunk, "connection closed early: %r" % data)
                data += chunk
            self.assertNotIn(b"Connection: close", data)

    def test_healthz_and_static(self):
        r = self.srv.get("/healthz")
        self.assertEqual((r.status, r.text), (200, "ok\n"))
        css = re.search(r'href="(/static/[^"]+\.css)"', self.srv.get("/").text).group(1)
        r = self.srv.get(css)
        self.assertEqual(r.status, 200)
        self.assertIn("text/css", r.headers["content-type"])
        self.assertIn("immutable", r.headers["cache-control"])


class Shutdown(unittest.TestCase):
    def test_sigterm_stops_cleanly(self):
        tmp = tempfile.mkdtemp(prefix="nz-e2e-stop-")
        try:
            db = new_db(os.path.join(tmp, "n.db"))
            run(["init"], db=db)
            srv = Server(db)
            self.assertEqual(srv.get("/").status, 200)
            self.assertEqual(srv.stop(), 0)
            self.assertIn("stopped", srv.output())
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
