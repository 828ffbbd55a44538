"""Distribution outputs of the real server on the demo newsroom, checked with the real
validators (../shared/schemas/README.md): jing + Schematron for RSS and Atom, xmllint (XSD +
Schematron) for the sitemaps, ajv for ninjs 2.2 and JSON Feed 1.1, the Nu Html Checker for
pages, feedparser as a reader. Also: the embargo rule in every output, retractions, Korean
content (dates at +09:00, ko in Google News and hreflang, ko_KR in Open Graph), the News
sitemap's two-day window, enclosures, discovery links, the ninjs export, and a sitemap split
before 50,000 URLs. A validator that is missing fails the test that needs it."""
import hashlib
import json
import os
import re
import shutil
import sqlite3
import subprocess
import tempfile
import time
import unittest
import urllib.parse
import xml.etree.ElementTree as ET
import zlib
import struct

from nz import ROOT, SHARED, Server, new_db, run, sql_rows, sql_write, sqlite_only

S = os.path.join(SHARED, "schemas")
TOOLS = os.path.join(ROOT, "tests", "tools", "node_modules")
AJV = os.path.join(TOOLS, ".bin", "ajv")
VNU = os.path.join(TOOLS, "vnu-jar", "build", "dist", "vnu.jar")
SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
NEWS = "{http://www.google.com/schemas/sitemap-news/0.9}"
XHTML = "{http://www.w3.org/1999/xhtml}"
ATOM = "{http://www.w3.org/2005/Atom}"

DRAFT = """---
headline: Harbor crane upgrade plan still under review
slug: draft-harbor-cranes
language: en
section: defense
---
This draft must not appear anywhere.
"""
EMBARGOED = """---
headline: Embargoed story about the new patrol aircraft
slug: embargoed-patrol-aircraft
language: en
section: defense
tags:
  - secret-tag
---
This story is under embargo until tomorrow.
"""
FRESH_KO = """---
headline: 해군, 새 훈련함 취역식 열어
slug: 해군-새-훈련함-취역
language: ko
section: defense
section_name: Defense
authors:
  - family: 채
    given: 은비
    order: hangul
tags:
  - 해군
---
해군은 오늘 새 훈련함 취역식을 열었다.
"""
FRESH_EN = """---
headline: Navy commissions a new training ship
slug: navy-commissions-training-ship
language: en
section: defense
---
The navy commissioned a new training ship today.
"""


def tool(test, path):
    """Fails the test (never skips it) when a validator is not installed."""
    found = shutil.which(path) if os.sep not in path else (path if os.path.exists(path) else None)
    test.assertTrue(found, "validator missing: %s (install it from scripts/)" % path)
    return found


def check(test, cmd, what):
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    test.assertEqual(p.returncode, 0, "%s failed: %s\n%s%s" % (what, " ".join(cmd), p.stdout, p.stderr))
    return p


def png_bytes():
    """A real 2x1 PNG, so the photo is a photo."""
    raw = b"\x00\xff\x00\x00\x00\x00\xff"
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 2, 1, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


class Outputs(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="nz-e2e-outputs-")
        cls.db = new_db(os.path.join(cls.tmp, "demo.db"))
        run(["demo"], db=cls.db)
        files = {"draft.md": DRAFT, "embargoed.md": EMBARGOED, "fresh-ko.md": FRESH_KO,
                 "fresh-en.md": FRESH_EN}
        for name, text in files.items():
            with open(os.path.join(cls.tmp, name), "w", encoding="utf-8") as f:
                f.write(text)
        run(["import", os.path.join(cls.tmp, "draft.md")], db=cls.db)
        run(["import", "--publish"] + [os.path.join(cls.tmp, n) for n in
                                       ("embargoed.md", "fresh-ko.md", "fresh-en.md")], db=cls.db)
        cls.now = int(time.time())
        cls.prepare_db()
        cls.srv = Server(cls.db)
        cls.out = os.path.join(cls.tmp, "out")
        os.mkdir(cls.out)
        cls.files = {}
        cls.articles = []
        cursor = None
        while True:
            page = cls.srv.get("/api/v1/articles?limit=100" + ("&cursor=" + cursor if cursor else "")).json()
            cls.articles += page["articles"]
            cursor = page["next_cursor"]
            if not cursor:
                break

    @classmethod
    def prepare_db(cls):
        """What the back office would do: an embargo, a retraction, a correction, a photo, and
        one article moved out of the News window."""
        now = cls.now
        sql_write(cls.db, "UPDATE articles SET embargo_until = ? WHERE slug = 'embargoed-patrol-aircraft'", (now + 86400,))
        cls.retracted = "mobile-dental-clinic-ship-reaches-marines-on-west-sea-islands"
        sql_write(cls.db, "UPDATE articles SET status = 'retracted', updated_at = ? WHERE slug = ?", (now - 30, cls.retracted))
        cls.old_news = "air-force-tests-rapid-runway-repair-in-overnight-drill"
        sql_write(cls.db, "UPDATE articles SET published_at = ? WHERE slug = ?", (now - 3 * 86400, cls.old_news))
        cls.corrected = "참전용사-구술기록관-개관"
        sql_write(cls.db, "INSERT INTO corrections(article_id, text, created_at) SELECT id, ?, ? FROM articles "
                   "WHERE slug = ?", ("기록관 개관 날짜를 바로잡았습니다.", now - 60, cls.corrected))
        png = png_bytes()
        cls.photo_hash = hashlib.sha256(png).hexdigest()
        cls.photo_len = len(png)
        sql_write(cls.db, "INSERT INTO blobs(hash, mime, bytes, created_at) VALUES (?, 'image/png', ?, ?)",
                   (cls.photo_hash, png, now))
        row = sql_rows(cls.db, "SELECT a.slug, am.media_id FROM articles a JOIN article_media am ON am.article_id = a.id "
                         "AND am.position = 0 WHERE a.status = 'published' AND a.language = 'en' AND "
                         "a.translation_group IS NULL ORDER BY a.published_at DESC LIMIT 1")[0]
        cls.photo_slug = row[0]
        sql_write(cls.db, "UPDATE media SET hash = ?, mime = 'image/png', width = 2, height = 1 WHERE id = ?",
                   (cls.photo_hash, row[1]))

    @classmethod
    def tearDownClass(cls):
        cls.srv.stop()
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def fetch(self, path, name=None, status=200, headers=None):
        r = self.srv.get(urllib.parse.quote(path, safe="/?=&%"), headers=headers)
        self.assertEqual(r.status, status, "%s: %s" % (path, r.body[:300]))
        if name:
            p = os.path.join(self.out, name)
            with open(p, "wb") as f:
                f.write(r.body)
            self.files[name] = p
            return r, p
        return r, None

    def path(self, url):
        return urllib.parse.urlsplit(url).path

    def feeds(self):
        """Every feed path: site, a section, a Korean tag, an author, corrections."""
        bases = ["", "/section/defense", "/tag/" + "보훈", "/author/yeom-ha-rin", "/corrections",
                 "/ko", "/ko/section/defense"]
        return [(b + "/feed." + ext, ext) for b in bases for ext in ("rss", "atom", "json")]

    # ---- validators ----------------------------------------------------------------------

    def test_rss_and_atom_validate(self):
        jing, xmllint = tool(self, "jing"), tool(self, "xmllint")
        rss, atom = [], []
        for i, (path, ext) in enumerate(self.feeds()):
            if ext == "json":
                continue
            r, p = self.fetch(path, "feed%d.%s" % (i, ext))
            self.assertIn("application/%s+xml" % ext, r.headers["content-type"])
            (rss if ext == "rss" else atom).append(p)
        check(self, [jing, "-c", os.path.join(S, "rss2.rnc")] + rss, "jing rss2.rnc")
        check(self, [jing, "-c", os.path.join(S, "atom.rnc")] + atom, "jing atom.rnc")
        check(self, [xmllint, "--noout", "--schematron", os.path.join(S, "rss2-rules.sch")] + rss, "rss2-rules.sch")
        check(self, [xmllint, "--noout", "--schematron", os.path.join(S, "atom-rules.sch")] + atom, "atom-rules.sch")

    def test_json_feeds_validate(self):
        tool(self, AJV)
        for i, (path, ext) in enumerate(self.feeds()):
            if ext != "json":
                continue
            r, p = self.fetch(path, "feed%d.json" % i)
            self.assertEqual(r.headers["content-type"], "application/feed+json; charset=utf-8")
            check(self, [AJV, "validate", "--spec=draft7", "--strict=false", "-c", "ajv-formats",
                         "-s", os.path.join(S, "jsonfeed-feed.json"),
                         "-r", os.path.join(S, "jsonfeed-feed-1.draft7.json"), "-d", p, "--errors=text"],
                  "ajv JSON Feed " + path)

    def test_feed_reader_reads_every_feed(self):
        tool(self, "/usr/bin/python3")
        paths = []
        for i, (path, ext) in enumerate(self.feeds()):
            if ext != "json":
                paths.append(self.fetch(path, "reader%d.%s" % (i, ext))[1])
        script = ("import sys, json, feedparser\n"
                  "print(json.dumps([[feedparser.parse(f).version, bool(feedparser.parse(f).bozo),"
                  " len(feedparser.parse(f).entries)] for f in sys.argv[1:]]))")
        p = check(self, ["/usr/bin/python3", "-c", script] + paths, "feedparser")
        for (version, bozo, n), path in zip(json.loads(p.stdout), paths):
            self.assertFalse(bozo, path)
            self.assertIn(version, ("rss20", "atom10"), path)
            self.assertGreater(n, 0, path)

    def test_sitemaps_validate(self):
        xmllint = tool(self, "xmllint")
        _, index = self.fetch("/sitemap.xml", "sitemap.xml")
        locs = [e.text for e in ET.parse(index).getroot().iter(SM + "loc")]
        children = []
        for i, loc in enumerate(locs):
            children.append(self.fetch(self.path(loc), "child%d.xml" % i)[1])
        _, news = self.fetch("/sitemap-news.xml", "news.xml")
        check(self, [xmllint, "--nonet", "--noout", "--schema", os.path.join(S, "siteindex.xsd"), index], "siteindex.xsd")
        check(self, [xmllint, "--nonet", "--noout", "--schema", os.path.join(S, "sitemap-all.xsd")] + children + [news],
              "sitemap-all.xsd")
        check(self, [xmllint, "--noout", "--schematron", os.path.join(S, "sitemap-rules.sch"), index] + children + [news],
              "sitemap-rules.sch")
        r, _ = self.fetch("/robots.txt")
        self.assertIn("Sitemap: http://127.0.0.1:8080/sitemap.xml\n", r.text)
        self.assertIn("Sitemap: http://127.0.0.1:8080/sitemap-news.xml\n", r.text)

    def test_ninjs_validates_for_every_public_article(self):
        tool(self, AJV)
        paths = []
        for a in self.articles:
            r, p = self.fetch("/api/v1/articles/%s.ninjs" % a["slug"], "n-%d.json" % a["id"])
            self.assertEqual(r.headers["content-type"], "application/ninjs+json; charset=utf-8")
            paths.append(p)
        cmd = [AJV, "validate", "--spec=draft2020", "-c", "ajv-formats", "-s", os.path.join(S, "ninjs-schema_2.2.json"),
               "-r", os.path.join(S, "GeoJSON-schema.json"), "--all-errors", "--errors=text"]
        for p in paths:
            cmd += ["-d", p]
        check(self, cmd, "ajv ninjs 2.2")

    def test_pages_have_no_html_errors(self):
        java = tool(self, "java")
        tool(self, VNU)
        ko = next(a for a in self.articles if a["language"] == "ko")
        pages = ["/", "/section/defense", "/tag/보훈", "/author/yeom-ha-rin", "/article/" + self.photo_slug,
                 self.path(ko["url"]), "/article/" + self.corrected, "/article/" + self.retracted,
                 "/search?q=" + urllib.parse.quote("해군")]
        files = []
        for i, p in enumerate(pages):
            r = self.srv.get(urllib.parse.quote(p, safe="/?=&%"))
            self.assertEqual(r.status, 200, p)
            f = os.path.join(self.out, "page%d.html" % i)
            with open(f, "wb") as fh:
                fh.write(r.body)
            files.append(f)
        check(self, [java, "-jar", VNU, "--errors-only"] + files, "Nu Html Checker")

    # ---- what appears where ------------------------------------------------------------

    def all_outputs(self):
        """Every output's text, by path."""
        paths = [p for p, _ in self.feeds()] + ["/sitemap-news.xml", "/sitemaps/pages.xml", "/",
                                                "/section/defense", "/api/v1/articles?limit=100"]
        index = ET.fromstring(self.fetch("/sitemap.xml")[0].body)
        paths += [self.path(e.text) for e in index.iter(SM + "loc")]
        return {p: self.fetch(p)[0].text for p in paths}

    def test_embargoed_and_draft_articles_appear_nowhere(self):
        slugs = ["draft-harbor-cranes", "embargoed-patrol-aircraft"]
        texts = self.all_outputs()
        for slug in slugs:
            for path, text in texts.items():
                self.assertNotIn(slug, text, "%s shows %s" % (path, slug))
            self.fetch("/article/" + slug, status=404)
            r, _ = self.fetch("/api/v1/articles/%s.ninjs" % slug, status=404)
            self.assertEqual(r.json()["error"]["code"], "not_found")
            self.fetch("/api/v1/articles/" + slug, status=404, headers={"Accept": "application/ninjs+json"})
        # The tag exists, but its only story is embargoed: readers must not learn of it.
        self.fetch("/tag/secret-tag/feed.rss", status=404)
        self.fetch("/tag/secret-tag", status=404)
        export = os.path.join(self.tmp, "export-embargo")
        run(["export", "--format", "ninjs", export], db=self.db)
        names = os.listdir(export)
        for slug in slugs:
            self.assertNotIn(slug + ".json", names)

    def test_retracted_article_leaves_feeds_and_news_but_not_the_sitemap(self):
        texts = self.all_outputs()
        for path, text in texts.items():
            if "/feed." in path or path == "/sitemap-news.xml":
                self.assertNotIn(self.retracted, text, path)
        child = "".join(t for p, t in texts.items() if p.startswith("/sitemaps/articles-"))
        self.assertIn("/article/" + self.retracted + "</loc>", child)
        n = self.fetch("/api/v1/articles/%s.ninjs" % self.retracted)[0].json()
        self.assertEqual(n["pubstatus"], "canceled")
        self.assertIn("retracted", n["bodies"][0]["value"])

    def test_news_sitemap_holds_the_last_two_days(self):
        root = ET.fromstring(self.fetch("/sitemap-news.xml")[0].body)
        urls = {self.path(u.find(SM + "loc").text): u for u in root.iter(SM + "url")}
        self.assertIn("/article/navy-commissions-training-ship", urls)
        ko = urls[urllib.parse.quote("/article/해군-새-훈련함-취역")]
        self.assertEqual(ko.find(NEWS + "news/" + NEWS + "publication/" + NEWS + "language").text, "ko")
        self.assertEqual(ko.find(NEWS + "news/" + NEWS + "title").text, "해군, 새 훈련함 취역식 열어")
        self.assertNotIn("/article/" + self.old_news, urls)
        self.assertLessEqual(len(urls), 1000)
        for u in urls.values():
            d = u.find(NEWS + "news/" + NEWS + "publication_date").text
            self.assertRegex(d, r"\+09:00$")
            t = subprocess.run(["date", "-u", "-d", d, "+%s"], capture_output=True, text=True).stdout
            self.assertLessEqual(self.now - int(t), 2 * 86400, d)
        # The article out of the window is still in the general sitemap.
        self.assertIn("/article/" + self.old_news + "</loc>", self.fetch("/sitemaps/articles-1.xml")[0].text)

    def test_translated_pairs_link_each_other(self):
        root = ET.fromstring(self.fetch("/sitemaps/articles-1.xml")[0].body)
        pairs = 0
        for u in root.iter(SM + "url"):
            links = {l.get("hreflang"): l.get("href") for l in u.iter(XHTML + "link")}
            if not links:
                continue
            pairs += 1
            # x-default: the version in the site's language (English)
            self.assertEqual(set(links), {"en", "ko", "x-default"})
            self.assertEqual(links["x-default"], links["en"])
            loc = u.find(SM + "loc").text
            self.assertIn(loc, links.values())
            other = next(h for h in links.values() if h != loc)
            page = self.fetch(self.path(other))[0].text
            # The return link: the translation's page points back with hreflang.
            self.assertIn('hreflang="%s" href="%s"' % ([k for k, v in links.items() if v == loc][0], loc), page)
        self.assertEqual(pairs, 6)  # the demo's three translated pairs, each from both sides

    def test_korean_article_page_structured_data(self):
        html = self.fetch("/article/" + self.corrected)[0].text
        self.assertIn('<meta property="og:locale" content="ko_KR">', html)
        self.assertIn('<meta property="og:locale:alternate" content="en_US">', html)
        self.assertIn('<link rel="alternate" hreflang="en" href="http://127.0.0.1:8080/article/veterans-oral-history-archive-opens">', html)
        self.assertIn('<meta property="article:published_time" content="2026-11-11T16:20:00+09:00">', html)
        # the demo gives it a photograph: a large link-preview card and the crops in JSON-LD
        self.assertIn('<meta name="twitter:card" content="summary_large_image">', html)
        ld = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', html).group(1))
        self.assertEqual(len(ld["image"]), 3)
        self.assertEqual(ld["@type"], "NewsArticle")
        self.assertEqual(ld["inLanguage"], "ko")
        self.assertEqual(ld["datePublished"], "2026-11-11T16:20:00+09:00")
        person = ld["author"][0]
        self.assertEqual({k: person[k] for k in ("@type", "name", "url")},
                         {"@type": "Person", "name": "채은비",
                          "url": "http://127.0.0.1:8080/author/" + urllib.parse.quote("채은비")})
        self.assertIn("보훈", person["description"])  # the demo author's bio
        self.assertEqual(ld["publisher"]["name"], "Newszone Daily")
        self.assertTrue(ld["publisher"]["logo"]["url"].startswith("http://127.0.0.1:8080/static/"))
        self.assertEqual(ld["mainEntityOfPage"]["@id"], "http://127.0.0.1:8080/article/" + urllib.parse.quote(self.corrected))
        self.assertIn('<link rel="canonical" href="%s">' % ld["url"], html)

    def test_photo_everywhere_it_belongs(self):
        url = "http://127.0.0.1:8080/media/%s.png" % self.photo_hash
        full = self.fetch(self.path(url))[0].body  # the pipeline's full-size copy
        rss = self.fetch("/feed.rss")[0].text
        self.assertIn('<enclosure url="%s" length="%d" type="image/png"/>' % (url, len(full)), rss)
        self.assertEqual(rss.count('<enclosure url="%s"' % url), 1)
        # the demo's own photographs: every enclosure a full-size copy, never an upload
        self.assertTrue(all(re.fullmatch(r"http://127\.0\.0\.1:8080/media/[0-9a-f]{64}\.(jpg|png)", u)
                            for u in re.findall(r'<enclosure url="([^"]+)"', rss)))
        items = self.fetch("/feed.json")[0].json()["items"]
        self.assertIn(url, [i["image"] for i in items if "image" in i])
        html = self.fetch("/article/" + self.photo_slug)[0].text
        card = "http://127.0.0.1:8080/media/%s.191x100.f50-50.w1200.jpg" % self.photo_hash
        self.assertIn('<meta property="og:image" content="%s">' % card, html)
        self.assertIn('<meta name="twitter:card" content="summary_large_image">', html)
        n = self.fetch("/api/v1/articles/%s.ninjs" % self.photo_slug)[0].json()
        self.assertEqual(n["associations"][0]["renditions"][0]["href"], url)
        self.assertNotEqual(full, png_bytes())  # never the uploaded original...
        self.assertEqual(full[:8], png_bytes()[:8])  # ...but a PNG of the same size
        self.assertEqual(full[16:24], png_bytes()[16:24])

    def test_korean_content_in_feeds(self):
        rss = self.fetch("/feed.rss")[0].text
        self.assertIn("<title>해군, 새 훈련함 취역식 열어</title>", rss)
        self.assertIn("<dc:creator>채은비</dc:creator>", rss)
        self.assertTrue(all(d.endswith("+0900") for d in re.findall(r"<pubDate>(.*?)</pubDate>", rss)))
        atom = ET.fromstring(self.fetch("/feed.atom")[0].body)
        ko = [e for e in atom.iter(ATOM + "entry") if e.get("{http://www.w3.org/XML/1998/namespace}lang") == "ko"]
        self.assertGreaterEqual(len(ko), 3)
        self.assertTrue(ko[0].find(ATOM + "updated").text.endswith("+09:00"))
        feed = self.fetch("/tag/보훈/feed.json")[0].json()
        self.assertTrue(feed["items"])
        self.assertTrue(all(i["language"] == "ko" for i in feed["items"]))
        corr = self.fetch("/corrections/feed.rss")[0].text
        self.assertIn("<title>정정: 참전용사 1200명 육성 증언 담은 구술기록관 문 열어</title>", corr)
        self.assertIn("<description>기록관 개관 날짜를 바로잡았습니다.</description>", corr)

    def test_pages_link_their_feeds(self):
        cases = {"/": "/feed.", "/section/defense": "/section/defense/feed.", "/tag/보훈": "/tag/%EB%B3%B4%ED%9B%88/feed.",
                 "/author/yeom-ha-rin": "/author/yeom-ha-rin/feed.", "/article/" + self.photo_slug: "/feed."}
        for page, prefix in cases.items():
            html = self.fetch(page)[0].text
            links = re.findall(r'<link rel="alternate" type="([^"]+)" title="[^"]+" href="([^"]+)">', html)
            for kind, ext in (("application/rss+xml", "rss"), ("application/atom+xml", "atom"),
                              ("application/feed+json", "json")):
                self.assertIn((kind, prefix + ext), links, page)
            for kind, href in links:
                r = self.srv.get(href)
                self.assertEqual(r.status, 200, href)
                self.assertEqual(r.headers["content-type"].split(";")[0], kind, href)

    def test_ninjs_by_suffix_and_by_accept(self):
        a = next(x for x in self.articles if x["language"] == "ko")
        by_suffix = self.fetch("/api/v1/articles/%s.ninjs" % a["slug"])[0]
        by_accept = self.fetch("/api/v1/articles/" + a["slug"], headers={"Accept": "application/ninjs+json"})[0]
        self.assertEqual(by_suffix.json(), by_accept.json())
        n = by_suffix.json()
        self.assertEqual(n["language"], "ko")
        self.assertEqual(n["headlines"][0], {"role": "main", "value": a["headline"]})
        self.assertEqual(n["uri"], "urn:uuid:" + a["uuid"])
        self.assertTrue(n["firstcreated"].endswith("+09:00"))
        plain = self.fetch("/api/v1/articles/" + a["slug"])[0]
        self.assertEqual(plain.json()["slug"], a["slug"])  # the API's own shape without Accept

    def test_export_writes_one_file_per_public_article(self):
        tool(self, AJV)
        out = os.path.join(self.tmp, "export")
        p = run(["export", "--format", "ninjs", out], db=self.db)
        names = sorted(os.listdir(out))
        public = sorted(a["slug"] + ".json" for a in self.articles)
        self.assertEqual(names, public)  # published and retracted, nothing else
        self.assertIn("exported %d articles" % len(public), p.stdout)
        with open(os.path.join(out, self.retracted + ".json"), encoding="utf-8") as f:
            self.assertEqual(json.load(f)["pubstatus"], "canceled")
        check(self, [AJV, "validate", "--spec=draft2020", "-c", "ajv-formats", "-s",
                     os.path.join(S, "ninjs-schema_2.2.json"), "-r", os.path.join(S, "GeoJSON-schema.json"),
                     "-d", os.path.join(out, "*.json"), "--errors=text"], "ajv export")
        bad = run(["export", "--format", "xml", out], db=self.db, check=False)
        self.assertEqual(bad.returncode, 2)
        self.assertIn("only format is ninjs", bad.stderr)

    def test_bad_addresses_are_404(self):
        for path in ("/section/nope/feed.rss", "/section/defense/feed.xml", "/corrections/feed",
                     "/sitemaps/articles-0.xml", "/sitemaps/articles-99.xml", "/sitemaps/articles-1x.xml",
                     "/sitemaps/other.xml"):
            self.fetch(path, status=404)
        r, _ = self.fetch("/api/v1/articles/nope.ninjs", status=404)
        self.assertEqual(r.json()["error"]["code"], "not_found")


@sqlite_only("its setup writes a big archive with the sqlite3 module")
class BigArchive(unittest.TestCase):
    """2,501 articles, ids 1001..2000 unpublished: the article sitemaps are id ranges of 1,000, and
    the index names only the ranges that hold a public article."""

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="nz-e2e-bigmap-")
        cls.db = new_db(os.path.join(cls.tmp, "big.db"))
        run(["init"], db=cls.db)
        db = sqlite3.connect(cls.db)
        # Rows written behind the program's back: set the article triggers (the search index,
        # whose tokenizer lives in the binary) aside while inserting, then put them back.
        triggers = db.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND "
                              "tbl_name = 'articles' AND sql LIKE '%INSERT%'").fetchall()
        for name, _ in triggers:
            db.execute('DROP TRIGGER "%s"' % name)
        t = int(time.time()) - 86400 * 30
        rows = (("00000000-0000-4000-8000-%012d" % i, "story-%d" % i, "en", "published", "Story %d" % i,
                 t + i, t + i, t + i) for i in range(2501))
        db.executemany("INSERT INTO articles(uuid, slug, language, status, headline, published_at, updated_at, "
                       "created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows)
        db.execute("UPDATE articles SET status = 'draft' WHERE id BETWEEN 1001 AND 2000")
        for _, sql in triggers:
            db.execute(sql)
        db.commit()
        db.close()
        cls.srv = Server(cls.db)

    @classmethod
    def tearDownClass(cls):
        cls.srv.stop()
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def test_children_are_id_ranges(self):
        xmllint = tool(self, "xmllint")
        index = ET.fromstring(self.srv.get("/sitemap.xml").body)
        locs = [urllib.parse.urlsplit(e.text).path for e in index.iter(SM + "loc")]
        self.assertEqual(locs, ["/sitemaps/pages.xml", "/sitemaps/articles-1.xml", "/sitemaps/articles-3.xml"])
        first = self.srv.get("/sitemaps/articles-1.xml")
        third = self.srv.get("/sitemaps/articles-3.xml")
        self.assertEqual(first.body.count(b"<url>"), 1000)
        self.assertIn(b"/article/story-999</loc>", first.body)
        self.assertNotIn(b"/article/story-1000</loc>", first.body)
        self.assertEqual(third.body.count(b"<url>"), 501)
        self.assertIn(b"/article/story-2000</loc>", third.body)
        self.assertIn(b"/article/story-2500</loc>", third.body)
        path = os.path.join(self.tmp, "first.xml")
        with open(path, "wb") as f:
            f.write(first.body)
        check(self, [xmllint, "--nonet", "--noout", "--schema", os.path.join(S, "sitemap-all.xsd"), path], "sitemap-all.xsd")
        check(self, [xmllint, "--noout", "--schematron", os.path.join(S, "sitemap-rules.sch"), path], "sitemap-rules.sch")
        # The empty range answers 404, as a child past the end does.
        self.assertEqual(self.srv.get("/sitemaps/articles-2.xml").status, 404)
        self.assertEqual(self.srv.get("/sitemaps/articles-4.xml").status, 404)


if __name__ == "__main__":
    unittest.main()
