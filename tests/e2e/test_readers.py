"""What a reader notices on the demo newsroom: "Updated" only on articles changed after they
were published, and times that say their zone."""
import glob
import json
import os
import re
import sqlite3
import urllib.parse

from nz import ROOT, NzTestCase, run, sql_rows, sql_write, sqlite_only
from nzadmin import add_token, add_user, api


def demo_headlines(edited):
    """Headlines of the demo articles whose front matter does (or does not) state a change
    after publication ("updated_at:")."""
    out = set()
    for path in glob.glob(os.path.join(ROOT, "demo", "*-*.md")):
        head = open(path, encoding="utf-8").read().split("\n---\n", 1)[0]
        if ("\nupdated_at:" in head) == edited:
            h = re.search(r"^headline: (.+)$", head, re.M).group(1)
            out.add(json.loads(h) if h.startswith('"') else h)
    return out


EDITED = demo_headlines(True)


def public_articles(srv):
    body = srv.get("/api/v1/articles?limit=100").json()
    return body["articles"]


def updated_shown(srv, url):
    html = srv.get(urllib.parse.urlsplit(url).path).text
    return re.search(r'<span class="updated">', html) is not None, html


class Updated(NzTestCase):
    def setUp(self):
        super().setUp()
        run(["demo"], db=self.db)

    def shown(self, srv):
        return {a["headline"] for a in public_articles(srv) if updated_shown(srv, a["url"])[0]}

    def test_only_articles_changed_after_publication_show_updated(self):
        srv = self.serve()
        articles = public_articles(srv)
        self.assertEqual(len(articles), 38)
        shown = self.shown(srv)
        # Four English stories and the Korean version of one of them; nothing else.
        self.assertEqual(len(EDITED), 5)
        self.assertEqual(shown, EDITED)

    def test_times_carry_the_zone_label(self):
        srv = self.serve()
        a = [x for x in public_articles(srv) if x["headline"].startswith("Shipbuilder delivers")][0]
        _, html = updated_shown(srv, a["url"])
        # Published 11:45 and updated 15:20 Seoul time (UTC+9), as the front matter says.
        self.assertIn('datetime="2026-11-07T11:45:00+09:00">November 7, 2026 11:45 KST</time>',
                      html)
        self.assertIn('datetime="2026-11-07T15:20:00+09:00">November 7, 2026 15:20 KST</time>',
                      html)
        self.assertIn("KST</time>", srv.get("/").text)

    def test_an_edit_after_publication_shows_updated(self):
        add_user(self.db, "eve", "editor")
        _, token = add_token(self.db, "eve")
        srv = self.serve()
        a = [x for x in public_articles(srv) if x["headline"] not in EDITED][0]
        self.assertFalse(updated_shown(srv, a["url"])[0])
        r = api(srv, "PATCH", "/api/v1/admin/articles/%d" % a["id"], token,
                {"revision": a["revision"], "dateline": "INJE, Nov. 2"})
        self.assertEqual(r.status, 200, r.text)
        shown, html = updated_shown(srv, a["url"])
        self.assertTrue(shown)
        self.assertIn("INJE, Nov. 2", html)

    @sqlite_only("rewinds the SQLite schema version to run the repair migration again")
    def test_the_migration_repairs_articles_stored_before_the_fix(self):
        # As stored before: a never-edited imported article took its arrival as its last change.
        sql_write(self.db, "UPDATE articles SET updated_at = created_at"
                           " WHERE updated_at = published_at")
        srv = self.serve()
        self.assertEqual(len(self.shown(srv)), 38)
        srv.stop()
        # Version 11 forgotten: the next start applies it again (a missing version below the
        # latest is applied, schema.c).
        sql_write(self.db, "DELETE FROM schema_version WHERE version = 11")
        srv = self.serve()
        self.assertEqual(self.shown(srv), EDITED)
        self.assertEqual(sql_rows(self.db, "SELECT count(*) FROM schema_version"
                                           " WHERE version = 11")[0][0], 1)


class Pages(NzTestCase):
    """What every list page and article page carries for readers and search engines."""

    def test_lists_have_a_meta_description_and_articles_a_reading_time(self):
        run(["demo"], db=self.db)
        srv = self.serve()
        newest = public_articles(srv)[0]
        html = srv.get(urllib.parse.urlsplit(newest["url"]).path).text
        tag = re.search(r'href="(/tag/[^"]+)"', html).group(1)
        author = re.search(r'href="(/author/[^"]+)"', html).group(1)
        section = re.search(r'<p class="kicker"><a href="([^"]+)"', html).group(1)
        for path in ("/", "/page/2", section, tag, author):
            page = srv.get(path)
            self.assertEqual(page.status, 200, path)
            d = re.findall(r'<meta name="description" content="([^"]+)">', page.text)
            self.assertEqual(len(d), 1, path)
            # It names the list and its newest stories (Lighthouse: "has a meta description"),
            # or says what the list is about (an author's bio).
            if path == author:
                self.assertIn("correspondent", d[0])
            else:
                self.assertRegex(d[0], r"^[^:]+: .+; .+", path)
            self.assertGreater(len(d[0]), 50, path)
        front = re.findall(r'<meta name="description" content="([^"]+)">', srv.get("/").text)[0]
        # the demo's live story leads: its updates were posted when the demo was made
        self.assertTrue(front.startswith("Newszone Daily: Allies begin &quot;Iron Meridian"),
                        front)
        # Reading time beside the dates: the lead story has 400-odd words.
        m = re.search(r'<span class="reading">(\d+) min read</span>', html)
        self.assertIsNotNone(m)
        words = len(re.sub(r"<[^>]+>", " ", html.split('<div class="story-body">')[1]
                           .split("</div>")[0]).split())
        self.assertEqual(int(m.group(1)), -(-words // 230), words)
        ko = [a for a in public_articles(srv) if a["language"] == "ko"][0]
        self.assertRegex(srv.get(urllib.parse.urlsplit(ko["url"]).path).text,
                         r'<span class="reading">읽는 시간 \d+분</span>')


def article_links(srv, first_path):
    """The article links of a list and its following pages, in order."""
    links, page, path = [], 1, first_path
    while True:
        r = srv.get(path)
        if r.status == 404 and page > 1:
            return links
        links += re.findall(r'<a href="(/article/[^"]+)"', r.text.split('<main')[1].split('</main>')[0])
        page += 1
        path = first_path.rstrip("/") + "/page/%d" % page


class Translations(NzTestCase):
    """A story translated into Korean: once in the lists, with a visible way to the other version."""

    def setUp(self):
        super().setUp()
        run(["demo"], db=self.db)

    def test_lists_show_a_translated_story_once_in_the_site_language(self):
        pairs = sql_rows(self.db, "SELECT e.slug, k.slug, s.slug FROM articles k"
                                  " JOIN articles e ON e.id = k.translation_group"
                                  " JOIN sections s ON s.id = e.section_id ORDER BY e.id")
        self.assertEqual(len(pairs), 3)
        srv = self.serve()
        front = set(article_links(srv, "/"))
        # 38 articles, 3 of them Korean versions of English ones: 35 stories, each once.
        self.assertEqual(len(front), 35)
        paths = {urllib.parse.unquote(p) for p in front}
        for en, ko, section in pairs:
            self.assertIn("/article/" + en, paths)
            self.assertNotIn("/article/" + ko, paths)
            listed = {urllib.parse.unquote(p) for p in article_links(srv, "/section/" + section)}
            self.assertIn("/article/" + en, listed, section)
            self.assertNotIn("/article/" + ko, listed, section)
        # The Korean stories with no English version are still there.
        ko_only = sql_rows(self.db, "SELECT slug FROM articles WHERE language = 'ko'"
                                    " AND translation_group IS NULL")
        self.assertEqual(len(ko_only), 5)
        for (slug,) in ko_only:
            self.assertIn("/article/" + slug, paths)
        srv.stop()
        # With its English version taken back to a draft, the Korean version takes its place.
        en, ko, _ = pairs[0]
        sql_write(self.db, "UPDATE articles SET status = 'draft' WHERE slug = ?", (en,))
        srv = self.serve()
        paths = {urllib.parse.unquote(p) for p in article_links(srv, "/")}
        self.assertNotIn("/article/" + en, paths)
        self.assertIn("/article/" + ko, paths)
        self.assertEqual(len(paths), 35)

    def test_an_article_links_to_its_other_language_version(self):
        en, ko = sql_rows(self.db, "SELECT e.slug, k.slug FROM articles k"
                                   " JOIN articles e ON e.id = k.translation_group ORDER BY e.id")[0]
        srv = self.serve()
        html = srv.get("/article/" + urllib.parse.quote(en)).text
        m = re.search(r'<p class="versions">Also in: <a href="([^"]+)" hreflang="ko" lang="ko">'
                      r'한국어</a>', html)
        self.assertIsNotNone(m, html[:3000])
        self.assertEqual(urllib.parse.unquote(m.group(1)), "/article/" + ko)
        ko_html = srv.get(m.group(1)).text
        self.assertIn('<p class="versions">다른 언어: <a href="/article/%s" hreflang="en" lang="en">'
                      'English</a>' % en, ko_html)
        # An article without a translation has no such line.
        single = sql_rows(self.db, "SELECT slug FROM articles WHERE translation_group IS NULL"
                                   " AND id NOT IN (SELECT translation_group FROM articles"
                                   " WHERE translation_group IS NOT NULL) LIMIT 1")[0][0]
        self.assertNotIn('class="versions"', srv.get("/article/" + urllib.parse.quote(single)).text)


class Share(NzTestCase):
    def test_share_links_are_plain_links_with_the_address_and_headline(self):
        run(["demo"], db=self.db)
        srv = self.serve()
        a = [x for x in public_articles(srv) if x["headline"].startswith("Shipbuilder delivers")][0]
        html = srv.get(urllib.parse.urlsplit(a["url"]).path).text
        nav = re.search(r'<nav class="share" aria-label="Share this article">(.*?)</nav>', html, re.S)
        self.assertIsNotNone(nav)
        links = dict((name, urllib.parse.unquote(href.replace("&amp;", "&")))
                     for href, name in re.findall(r'<a href="([^"]+)" rel="noopener">([^<]+)</a>',
                                                  nav.group(1)))
        self.assertEqual(list(links), ["E-mail", "X", "Facebook", "LinkedIn", "LINE"])
        url = a["url"]
        self.assertEqual(links["E-mail"], "mailto:?subject=%s&body=%s" % (a["headline"], url))
        self.assertEqual(links["X"], "https://twitter.com/intent/tweet?url=%s&text=%s"
                         % (url, a["headline"]))
        self.assertEqual(links["Facebook"], "https://www.facebook.com/sharer/sharer.php?u=" + url)
        self.assertTrue(links["LinkedIn"].endswith("?url=" + url))
        self.assertTrue(links["LINE"].endswith("?url=" + url))
        # No script of theirs: the page loads nothing from another host (site.js, our own
        # copy-link enhancement, comes from /static/).
        self.assertNotRegex(html, r'<script[^>]+src="(?!/static/)')
        ko = [x for x in public_articles(srv) if x["language"] == "ko"][0]
        self.assertIn('<nav class="share" aria-label="기사 공유하기">',
                      srv.get(urllib.parse.urlsplit(ko["url"]).path).text)
