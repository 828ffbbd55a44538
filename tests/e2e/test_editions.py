"""The site's editions on the demo newsroom (docs/editions.md): the English edition at / and the
Korean one at /ko/, each with its own chrome (UI strings, section names, footer), lists that show a
translated story once in the edition's language, the language switch, an article whose language
picks its edition, feeds and sitemaps per edition, and a third edition made of a setting and a
strings file only."""
import json
import os
import re
import shutil
import tempfile
import unittest
import urllib.parse
import xml.etree.ElementTree as ET

from nz import ROOT, Server, drop_db, new_db, run, sql_rows, sql_write
from nzadmin import add_user
from test_admin_pages import Browser

SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
XHTML = "{http://www.w3.org/1999/xhtml}"


def main_links(html):
    """The article links inside <main>."""
    main = html.split("<main", 1)[1].split("</main>", 1)[0]
    return [urllib.parse.unquote(p) for p in re.findall(r'<a href="(/article/[^"]+)"', main)]


def no_switch(html):
    """The page without its language switch (whose links lead to the other editions)."""
    return re.sub(r'<nav class="edition-switch".*?</nav>', "", html, flags=re.S)


def all_links(srv, first):
    links, page = [], 1
    while True:
        r = srv.get(first if page == 1 else first.rstrip("/") + "/page/%d" % page)
        if r.status == 404 and page > 1:
            return links
        assert r.status == 200, (first, page, r.status)
        links += main_links(r.text)
        page += 1


class Editions(unittest.TestCase):
    """One demo newsroom and one server for the class; a third edition gets its own."""

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="nz-e2e-")
        cls.db = new_db(os.path.join(cls.tmp, "newszone.db"))
        run(["demo"], db=cls.db)
        cls.pairs = sql_rows(cls.db, "SELECT e.slug, k.slug, s.slug FROM articles k"
                                     " JOIN articles e ON e.id = k.translation_group"
                                     " JOIN sections s ON s.id = e.section_id ORDER BY e.id")
        cls.password = add_user(cls.db, "adam", "admin")
        # the tag "exercises" has a Korean name in its profile (the back office's Tags page)
        sql_write(cls.db, "INSERT INTO tag_profiles(tag_id, profile) SELECT id, ? FROM tags"
                          " WHERE slug = 'exercises'",
                  (json.dumps({"texts": [{"language": "ko", "name": "연합 훈련",
                                          "description": "훈련 소식"}]}),))
        cls.srv = Server(cls.db)

    @classmethod
    def tearDownClass(cls):
        cls.srv.stop()
        drop_db(cls.db)
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def test_the_korean_front_page_wears_korean_chrome(self):
        r = self.srv.get("/ko/")
        self.assertEqual(r.status, 200)
        html = r.text
        self.assertIn('<html lang="ko">', html)
        self.assertIn(">본문 바로가기</a>", html)                      # skip link
        self.assertIn('<nav class="sections" aria-label="섹션">', html)
        self.assertIn('<p class="site-name"><a href="/ko/">', html)   # home stays in the edition
        self.assertIn('href="/ko/section/defense"', html)
        self.assertNotIn('<li><a href="/section/', html)
        self.assertIn("무단 전재 및 재배포 금지", html)                    # the footer's line
        self.assertNotIn("All rights reserved", html)
        self.assertIn('action="/ko/search"', html)
        self.assertIn('<link rel="canonical" href="http://127.0.0.1:8080/ko/">', html)
        # the switch to the other edition, and back
        self.assertRegex(html, r'<nav class="edition-switch" aria-label="언어판">\s*'
                               r'<a href="/" hreflang="en" lang="en">English</a>')
        en = self.srv.get("/").text
        self.assertIn('<html lang="en">', en)
        self.assertRegex(en, r'<a href="/ko/" hreflang="ko" lang="ko">한국어</a>')
        self.assertIn("All rights reserved", en)
        self.assertNotIn("무단 전재", en)
        # "/ko" leads to the edition; a language without an edition is no page
        r = self.srv.get("/ko")
        self.assertEqual((r.status, r.headers.get("location")), (301, "/ko/"))
        self.assertEqual(self.srv.get("/ja/").status, 404)
        self.assertEqual(self.srv.get("/en/").status, 404)   # the site's own language is at /
        self.assertEqual(self.srv.get("/ko/article/x").status, 404)  # articles have one address

    def test_each_edition_lists_a_translated_story_once_in_its_language(self):
        self.assertEqual(len(self.pairs), 3)
        en_front, ko_front = set(all_links(self.srv, "/")), set(all_links(self.srv, "/ko/"))
        self.assertEqual(len(en_front), 35)
        self.assertEqual(len(ko_front), 35)
        for en, ko, section in self.pairs:
            self.assertIn("/article/" + en, en_front)
            self.assertNotIn("/article/" + ko, en_front)
            self.assertIn("/article/" + ko, ko_front)
            self.assertNotIn("/article/" + en, ko_front)
            ko_section = set(all_links(self.srv, "/ko/section/" + section))
            self.assertIn("/article/" + ko, ko_section)
            self.assertNotIn("/article/" + en, ko_section)
        # page 2 of the Korean front stays in the edition
        html = self.srv.get("/ko/").text
        self.assertIn('href="/ko/page/2"', html)
        self.assertIn('<html lang="ko">', self.srv.get("/ko/page/2").text)

    def test_an_article_wears_the_chrome_of_its_language(self):
        en, ko, _ = self.pairs[0]
        ko_html = self.srv.get("/article/" + urllib.parse.quote(ko)).text
        self.assertIn('<p class="site-name"><a href="/ko/">', ko_html)
        self.assertIn('href="/ko/section/', ko_html)
        # the switch leads to the English version of this story, not to the English front
        self.assertRegex(ko_html, r'<nav class="edition-switch"[^>]*>\s*<a href="/article/%s" '
                                  r'hreflang="en"' % re.escape(en))
        # the head's alternates name the English version as x-default, from both sides
        xdefault = ('<link rel="alternate" hreflang="x-default" '
                    'href="http://127.0.0.1:8080/article/%s">' % en)
        self.assertIn(xdefault, ko_html)
        en_html = self.srv.get("/article/" + urllib.parse.quote(en)).text
        self.assertIn(xdefault, en_html)
        self.assertIn('<p class="site-name"><a href="/">', en_html)
        self.assertRegex(en_html, r'<nav class="edition-switch"[^>]*>\s*<a href="%s" hreflang="ko"'
                         % re.escape("/article/" + urllib.parse.quote(ko)))
        # an English story without a Korean version: the switch goes to the Korean front
        (single,) = sql_rows(self.db, "SELECT slug FROM articles WHERE language = 'en' AND"
                                      " translation_group IS NULL AND id NOT IN (SELECT"
                                      " translation_group FROM articles WHERE translation_group"
                                      " IS NOT NULL) LIMIT 1")[0]
        self.assertRegex(self.srv.get("/article/" + single).text,
                         r'<nav class="edition-switch"[^>]*>\s*<a href="/ko/" hreflang="ko"')

    def test_korean_tag_and_author_pages(self):
        """/ko/tag/… and /ko/author/…: Korean chrome and names, links that stay in /ko/, each
        story once in Korean when its Korean version is on that page too."""
        by_slug = {en: ko for en, ko, _ in self.pairs}
        iron = next(en for en in by_slug if en.startswith("iron-meridian"))
        keystone = next(en for en in by_slug if en.startswith("keystone-relay"))
        html = self.srv.get("/ko/tag/exercises").text
        self.assertIn('<html lang="ko">', html)
        self.assertIn(">본문 바로가기</a>", html)
        self.assertIn("<title>연합 훈련 — ", html)             # the tag's Korean name
        self.assertIn("훈련 소식", html)
        self.assertIn('<link rel="canonical" href="http://127.0.0.1:8080/ko/tag/exercises">', html)
        self.assertIn('href="/ko/tag/exercises/feed.rss"', html)
        self.assertIn('<a href="/tag/exercises" hreflang="en" lang="en">English</a>', html)
        self.assertNotRegex(no_switch(html), r'href="/(section|tag|author|search|page)/')
        self.assertEqual(self.srv.get("/ko/tag/exercises/feed.rss").status, 200)
        # the Korean versions carry Korean tags, not "exercises": the English ones stay
        links = all_links(self.srv, "/ko/tag/exercises")
        self.assertIn("/article/" + iron, links)
        self.assertEqual(len(links), len(set(links)))
        en_html = self.srv.get("/tag/exercises").text
        self.assertIn("<title>exercises — ", en_html)         # no English name: its one name
        self.assertIn('<a href="/ko/tag/exercises" hreflang="ko" lang="ko">한국어</a>', en_html)
        # Han Ji-won signs both versions of one story and only the English one of another
        ko_author = all_links(self.srv, "/ko/author/han-ji-won")
        en_author = all_links(self.srv, "/author/han-ji-won")
        self.assertIn("/article/" + by_slug[iron], ko_author)
        self.assertNotIn("/article/" + iron, ko_author)
        self.assertIn("/article/" + keystone, ko_author)
        self.assertIn("/article/" + iron, en_author)
        self.assertNotIn("/article/" + by_slug[iron], en_author)
        self.assertEqual(len(ko_author), len(en_author))
        author = self.srv.get("/ko/author/han-ji-won").text
        self.assertIn('<html lang="ko">', author)
        self.assertIn('href="/ko/author/han-ji-won/feed.atom"', author)
        self.assertNotRegex(no_switch(author), r'href="/(section|tag|author|search|page)/')
        self.assertIn("무단 전재 및 재배포 금지", author)

    def test_a_korean_article_links_the_korean_feeds(self):
        en, ko, section = self.pairs[0]
        html = self.srv.get("/article/" + urllib.parse.quote(ko)).text
        feeds = re.findall(r'<link rel="alternate" type="application/[a-z+]+" title="[^"]*"'
                           r' href="([^"]+)">', html)
        self.assertIn("/ko/feed.rss", feeds)
        self.assertIn("/ko/section/%s/feed.atom" % section, feeds)
        self.assertFalse([f for f in feeds if not f.startswith("/ko/")], feeds)
        en_feeds = re.findall(r'<link rel="alternate" type="application/[a-z+]+" title="[^"]*"'
                              r' href="([^"]+)">', self.srv.get("/article/" + en).text)
        self.assertIn("/feed.rss", en_feeds)
        self.assertIn("/section/%s/feed.atom" % section, en_feeds)

    def test_section_names_per_edition_from_the_back_office(self):
        adam = Browser(self.srv, "adam", self.password)
        page = adam.get("/admin/sections").text
        self.assertIn('name="name_ko"', page)
        (sid,) = sql_rows(self.db, "SELECT id FROM sections WHERE slug = 'diplomacy'")[0]
        r = adam.post("/admin/sections", [("id", str(sid)), ("name", "Diplomacy"),
                                          ("slug", "diplomacy"), ("position", "3"),
                                          ("name_ko", "외교")])
        self.assertEqual(r.status, 303, r.text)
        self.assertIn('value="외교"', adam.get("/admin/sections").text)
        ko = self.srv.get("/ko/").text
        self.assertIn('<a href="/ko/section/diplomacy">외교</a>', ko)
        self.assertIn('<a href="/section/diplomacy">Diplomacy</a>', self.srv.get("/").text)
        r = self.srv.get("/ko/section/diplomacy")
        self.assertIn("<title>외교 — ", r.text)
        # a save without the field (an older form) keeps the Korean name
        r = adam.post("/admin/sections", [("id", str(sid)), ("name", "Diplomacy"),
                                          ("slug", "diplomacy"), ("position", "3")])
        self.assertEqual(r.status, 303, r.text)
        self.assertIn('<a href="/ko/section/diplomacy">외교</a>', self.srv.get("/ko/").text)

    def test_feeds_and_sitemaps_per_edition(self):
        en, ko, section = self.pairs[0]
        rss = self.srv.get("/ko/feed.rss").text
        self.assertIn("<language>ko</language>", rss)
        self.assertIn("<link>http://127.0.0.1:8080/ko/</link>", rss)
        self.assertIn('href="http://127.0.0.1:8080/ko/feed.rss" rel="self"', rss)
        links = re.findall(r"<link>http://127.0.0.1:8080(/article/[^<]+)</link>", rss)
        links = [urllib.parse.unquote(p) for p in links]
        self.assertIn("/article/" + ko, links)
        self.assertNotIn("/article/" + en, links)
        en_rss = self.srv.get("/feed.rss").text
        self.assertIn("<language>en</language>", en_rss)
        self.assertNotIn(urllib.parse.quote("/article/" + ko), en_rss)
        atom = self.srv.get("/ko/section/%s/feed.atom" % section).text
        self.assertIn('href="http://127.0.0.1:8080/ko/section/%s"' % section, atom)
        self.assertIn('<link rel="alternate" type="application/rss+xml" title="Newszone Daily (RSS)"'
                      ' href="/ko/feed.rss">', self.srv.get("/ko/").text)
        # the pages sitemap: every page in both editions, each naming the other and x-default
        root = ET.fromstring(self.srv.get("/sitemaps/pages.xml").body)
        urls = {u.find(SM + "loc").text: {l.get("hreflang"): l.get("href")
                                           for l in u.findall(XHTML + "link")}
                for u in root.findall(SM + "url")}
        base = "http://127.0.0.1:8080"
        for path in ("/", "/section/defense"):
            ko_path = "/ko" + path
            for loc in (base + path, base + ko_path):
                self.assertEqual(urls[loc], {"en": base + path, "ko": base + ko_path,
                                             "x-default": base + path}, loc)
        # a translated article's sitemap entry points x-default at the English version
        child = self.srv.get("/sitemaps/articles-1.xml").text
        m = re.search(r"<loc>%s</loc>.*?</url>" % re.escape(base + "/article/" +
                                                              urllib.parse.quote(ko)), child, re.S)
        self.assertIsNotNone(m)
        self.assertIn('hreflang="x-default" href="%s/article/%s"' % (base, en), m.group(0))

    def test_manifest_touch_icon_and_breadcrumbs(self):
        html = self.srv.get("/").text
        self.assertIn('<link rel="manifest" href="/manifest.webmanifest">', html)
        icon = re.search(r'<link rel="apple-touch-icon" href="([^"]+)">', html).group(1)
        r = self.srv.get(icon)
        self.assertEqual((r.status, r.headers["content-type"]), (200, "image/png"))
        self.assertEqual(r.body[:8], b"\x89PNG\r\n\x1a\n")
        self.assertEqual(int.from_bytes(r.body[16:20], "big"), 180)
        r = self.srv.get("/manifest.webmanifest")
        self.assertEqual(r.headers["content-type"], "application/manifest+json")
        m = r.json()
        self.assertEqual((m["name"], m["start_url"], m["lang"]), ("Newszone Daily", "/", "en"))
        sizes = {i["sizes"]: i for i in m["icons"]}
        self.assertEqual(set(sizes), {"180x180", "512x512", "any"})
        self.assertEqual(self.srv.get(sizes["512x512"]["src"]).status, 200)
        # an article: front page > section > the story, visible and as BreadcrumbList
        en, ko, section = self.pairs[0]
        html = self.srv.get("/article/" + urllib.parse.quote(ko)).text
        nav = re.search(r'<nav class="breadcrumbs" aria-label="현재 위치">(.*?)</nav>', html, re.S)
        self.assertIsNotNone(nav)
        crumbs = re.findall(r'<a href="([^"]+)"( aria-current="page")?>([^<]+)</a>', nav.group(1))
        self.assertEqual([c[0] for c in crumbs][:2], ["/ko/", "/ko/section/" + section])
        self.assertEqual(crumbs[0][2], "홈")
        self.assertEqual(crumbs[2][1], ' aria-current="page"')
        lds = [json.loads(x) for x in
               re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)]
        bl = [x for x in lds if x.get("@type") == "BreadcrumbList"][0]
        self.assertEqual([i["position"] for i in bl["itemListElement"]], [1, 2, 3])
        self.assertEqual(bl["itemListElement"][1]["item"],
                         "http://127.0.0.1:8080/ko/section/" + section)
        # a section page: front page > the section (current)
        html = self.srv.get("/section/" + section).text
        nav = re.search(r'<nav class="breadcrumbs" aria-label="Breadcrumbs">(.*?)</nav>', html, re.S)
        self.assertEqual(re.findall(r'href="([^"]+)"', nav.group(1)), ["/", "/section/" + section])
        self.assertIn('aria-current="page"', nav.group(1))
        # the copy-link share link is a plain link to the article's address
        html = self.srv.get("/article/" + en).text
        self.assertIn('<a class="copy-link" href="http://127.0.0.1:8080/article/%s"' % en, html)

    def test_the_static_export_writes_every_edition(self):
        out = os.path.join(self.tmp, "site")
        run(["build", "--out", out], db=self.db)
        def read(rel):
            with open(os.path.join(out, rel), encoding="utf-8") as f:
                return f.read()
        ko = read("ko/index.html")
        self.assertIn('<html lang="ko">', ko)
        self.assertEqual(ko, self.srv.get("/ko/").text)
        self.assertIn('<html lang="ko">', read("ko/section/defense/index.html"))
        self.assertIn('<html lang="ko">', read("ko/page/2/index.html"))
        self.assertIn("<language>ko</language>", read("ko/feed.rss"))
        self.assertIn('<html lang="ko">', read("ko/search/index.html"))
        self.assertIn('"start_url": "/"', read("manifest.webmanifest"))
        # again, incrementally: nothing changed, nothing of the edition is lost
        run(["build", "--out", out], db=self.db)
        self.assertEqual(read("ko/index.html"), ko)


class ThirdEdition(unittest.TestCase):
    """A third edition is a setting and a strings file in the theme: no code."""

    def test_a_japanese_edition_from_configuration(self):
        tmp = tempfile.mkdtemp(prefix="nz-e2e-")
        db = new_db(os.path.join(tmp, "newszone.db"))
        srv = None
        try:
            theme = os.path.join(tmp, "theme")
            shutil.copytree(os.path.join(ROOT, "themes", "default"), theme)
            with open(os.path.join(theme, "strings", "ja.json"), "w", encoding="utf-8") as f:
                f.write('{"edition_name": "日本語", "editions": "版", "skip": "本文へ移動",'
                        ' "sections": "セクション", "copyright": "© {site} 無断転載禁止"}')
            run(["demo"], db=db)
            sql_write(db, "INSERT INTO settings(key, value) VALUES ('editions', 'en ko ja')")
            sql_write(db, "INSERT INTO settings(key, value) VALUES ('name.ja', 'ニュースゾーン')")
            srv = Server(db, ["--theme", theme])
            html = srv.get("/ja/").text
            self.assertIn('<html lang="ja">', html)
            self.assertIn(">本文へ移動</a>", html)
            self.assertIn('<nav class="sections" aria-label="セクション">', html)
            self.assertIn('<p class="site-name"><a href="/ja/">ニュースゾーン</a></p>', html)
            self.assertIn("© ニュースゾーン 無断転載禁止", html)
            self.assertIn('<a href="/ja/" hreflang="ja" lang="ja">日本語</a>', srv.get("/").text)
            self.assertIn('<a href="/ja/" hreflang="ja" lang="ja">日本語</a>',
                          srv.get("/ko/").text)
        finally:
            if srv:
                srv.stop()
            drop_db(db)
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    unittest.main()
