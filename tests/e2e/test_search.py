"""Search through the real server: the /search page, the API's q=, related articles on
article pages, `newszone reindex` and `newszone related`. Articles are imported from Markdown with front matter; a
retraction is made by changing the row's status directly, as another program would."""
import datetime
import html
import os
import re
import shutil
import tempfile
import unittest
import urllib.parse

from nz import Server, eventually, new_db, run, sql_write


def when(days_ago):
    t = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(days=days_ago)
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def story(slug, headline, body, lang="en", section="defense", days_ago=1, extra=""):
    return ("---\nheadline: %s\nslug: %s\nlanguage: %s\nsection: %s\nstatus: published\n"
            "published_at: %s\n%s---\n%s\n" % (
                _q(headline), slug, lang, section, when(days_ago), extra, body))


def _q(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


STORIES = [
    story("radar-headline", "Coastal radar network upgraded", "Engineers finished the work."),
    story("radar-body", "Ministers meet in Busan",
          "They discussed the coastal radar network in passing."),
    story("ko-defense", "국방부는 27일 한미동맹 훈련 계획을 밝혔다",
          "동맹은 굳건하다. 연합훈련은 다음 달 시작된다.", lang="ko", section="defense"),
    story("script", "Markup <script>alert(1)</script> in a headline",
          "The <script>alert('x')</script> tag appears in this text about sonar arrays."),
    story("frigate-visible", "Stealth frigate sails", "The frigate left port."),
    story("frigate-embargoed", "Stealth frigate unveiled", "Embargoed.",
          extra="embargo_until: %s\n" % when(-30)),
    story("frigate-future", "Stealth frigate future", "Not yet.", days_ago=-30),
    story("frigate-retracted", "Stealth frigate retracted", "Retracted later."),
    story("phrase-yes", "Exercise report", "A joint naval drill took place."),
    story("phrase-no", "Another report", "A naval joint exercise, then a drill."),
    story("mixed", "K-9 howitzers and F-35A jets at 2+2 talks", "Weapons were discussed.",
          extra="authors:\n  - name: Jane Doe\n"),
    story("old-exercise", "Exercises in the archive", "Old exercises.", days_ago=400),
]
for i in range(25):
    STORIES.append(story("harbor-%02d" % i, "Harbor drill number %d" % i,
                         "Sailors trained%s in the harbor." % (" with live fire" if i % 2 else ""),
                         section="navy", days_ago=2 + i))
DRAFT = ("---\nheadline: Stealth frigate draft\nslug: frigate-draft\nstatus: draft\n---\n"
         "A draft.\n")


class Search(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="nz-e2e-search-")
        cls.db = new_db(os.path.join(cls.tmp, "search.db"))
        src = os.path.join(cls.tmp, "in")
        os.mkdir(src)
        for i, text in enumerate(STORIES + [DRAFT]):
            with open(os.path.join(src, "%02d.md" % i), "w", encoding="utf-8") as f:
                f.write(text)
        run(["init"], db=cls.db)
        run(["import", src], db=cls.db)
        # A retraction changes only the status: no tokenizer needed, the index is untouched,
        # and searches stop finding it at once.
        sql_write(cls.db, "UPDATE articles SET status = 'retracted' WHERE slug = 'frigate-retracted'")
        cls.srv = Server(cls.db)

    @classmethod
    def tearDownClass(cls):
        cls.srv.stop()
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def page(self, query, status=200):
        r = self.srv.get("/search?" + query)
        self.assertEqual(r.status, status, r.text[:400])
        return r.text

    def api(self, query, status=200):
        r = self.srv.get("/api/v1/articles?" + query)
        self.assertEqual(r.status, status, r.text[:400])
        self.assertIn("application/json", r.headers["content-type"])
        return r.json()

    def slugs(self, q, extra=""):
        body = self.api("q=" + urllib.parse.quote(q) + "&limit=100" + extra)
        return [a["slug"] for a in body["articles"]]

    def page_slugs(self, text):
        results = text.split('class="cards search-results"', 1)
        if len(results) < 2:
            return []
        return re.findall(r'<a href="/article/([^"]+)"', results[1].split("</ol>", 1)[0])

    def test_headline_ranks_above_body(self):
        self.assertEqual(self.slugs("radar"), ["radar-headline", "radar-body"])
        self.assertEqual(self.page_slugs(self.page("q=radar")), ["radar-headline", "radar-body"])

    def test_english_stemming(self):
        self.assertIn("old-exercise", self.slugs("exercise"))
        self.assertIn("phrase-no", self.slugs("exercises"))

    def test_korean_words_inside_longer_words(self):
        for q in ("국방", "동맹", "훈련", "연합훈련", "국방부"):
            self.assertEqual(self.slugs(q), ["ko-defense"], q)
        text = self.page("q=" + urllib.parse.quote("동맹"))
        # The site is English: a Korean result says so for screen readers and fonts.
        self.assertRegex(text, r'<li class="card" lang="ko">')
        self.assertIn("<mark>동맹</mark>", text)

    def test_phrase_prefix_exclusion(self):
        self.assertEqual(self.slugs('"joint naval drill"'), ["phrase-yes"])
        self.assertEqual(sorted(self.slugs("joint naval drill")), ["phrase-no", "phrase-yes"])
        self.assertEqual(self.slugs("frig*"), ["frigate-visible"])
        # one to three letters: the index's own prefix entries, however many words they start
        self.assertIn("frigate-visible", self.slugs("fr*"))
        self.assertNotIn("frigate-draft", self.slugs("fr*"))
        self.assertEqual(self.slugs("fri* -stealth"), [])
        live = self.slugs("harbor -live")
        self.assertEqual(len(live), 13)
        self.assertTrue(all(int(s[-2:]) % 2 == 0 for s in live))

    def test_mixed_tokens(self):
        for q in ("K-9", "k9", "F-35A", "2+2", "f-35*"):
            self.assertEqual(self.slugs(q), ["mixed"], q)

    def test_never_found_unless_public(self):
        self.assertEqual(self.slugs("stealth frigate"), ["frigate-visible"])
        self.assertNotIn("frigate-", self.page("q=stealth").replace("frigate-visible", ""))

    def test_filters(self):
        self.assertEqual(len(self.slugs("drill", "&section=navy")), 25)
        self.assertEqual(self.slugs("harbor", "&section=defense"), [])
        self.assertEqual(self.slugs("drill", "&section=no-such-section"), [])
        self.assertEqual(self.slugs("howitzers", "&author=nobody"), [])
        self.assertEqual(self.slugs("howitzers", "&author=jane-doe"), ["mixed"])
        self.assertEqual(self.slugs("동맹", "&lang=ko"), ["ko-defense"])
        self.assertEqual(self.slugs("동맹", "&lang=en"), [])
        self.assertEqual(self.slugs("exercises", "&to=" + when(300)[:10]), ["old-exercise"])
        self.assertNotIn("old-exercise", self.slugs("exercises", "&from=" + when(30)[:10]))
        self.assertIn("radar-headline", self.slugs("radar", "&from=" + when(3)[:10]))
        self.assertEqual(self.slugs("radar", "&to=" + when(5)[:10]), [])
        text = self.page("q=drill&section=navy&lang=en")
        self.assertIn('<option value="navy" selected>', text)
        self.assertIn('<option value="en" selected>', text)

    def test_sort_and_recency(self):
        newest = self.slugs("harbor", "&sort=newest")
        self.assertEqual(newest, ["harbor-%02d" % i for i in range(25)])
        self.assertEqual(len(self.slugs("harbor", "&sort=relevance&recency=off")), 25)

    def test_pagination(self):
        text = self.page("q=harbor")
        self.assertIn("25 results for “harbor”", text)
        self.assertEqual(len(self.page_slugs(text)), 10)
        self.assertIn('href="/search?q=harbor&amp;page=2" rel="next"', text)
        third = self.page("q=harbor&page=3")
        self.assertEqual(len(self.page_slugs(third)), 5)
        self.assertIn('rel="prev"', third)
        seen, cursor = [], None
        while True:
            body = self.api("q=harbor&limit=7" + ("&cursor=" + cursor if cursor else ""))
            self.assertEqual(body["total"], 25)
            seen += [a["slug"] for a in body["articles"]]
            cursor = body["next_cursor"]
            if not cursor:
                break
        self.assertEqual(sorted(seen), ["harbor-%02d" % i for i in range(25)])
        self.page("q=harbor&page=0", status=400)

    def test_snippets_are_escaped(self):
        text = self.page("q=sonar")
        self.assertIn("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;", text)
        self.assertIn("<mark>sonar</mark>", text)
        self.assertNotIn("<script>alert", text)
        a = self.api("q=sonar")["articles"][0]
        self.assertIn("<mark>sonar</mark>", a["snippet"])
        self.assertNotIn("<script>", a["snippet"])
        # The API keeps its list shape, with every stable field.
        for f in ("id", "slug", "headline", "body_html", "published_at", "snippet"):
            self.assertIn(f, a)

    def test_malformed_queries_get_an_answer(self):
        for q in ('"unclosed quote', '"', "-", "*", "- * --", "-drill", "\x01\x02",
                  "AND", "NOT", "a OR b", 'x" OR "y', "NEAR(a b)", "col:foo", "\ufffd",
                  "드릴*" * 40, "radar " * 500):
            enc = urllib.parse.quote(q)
            text = self.page("q=" + enc)
            self.assertIn('<form class="search-form"', text, q)
            body = self.api("q=" + enc)
            self.assertIn("articles", body)
        # Invalid UTF-8 and control bytes straight in the URL.
        self.page("q=%FF%FE%00radar")
        self.page("q=%C3")
        text = self.page("q=%22joint%20naval")
        self.assertIn("closing quotation mark was missing", text)
        text = self.page("q=-drill")
        self.assertIn("not only words to leave out", text)
        self.assertIn("message", self.api("q=-drill"))

    def test_bad_filters_are_400(self):
        for query in ("lang=xx", "from=yesterday", "to=2026-13-45", "sort=best", "recency=maybe"):
            self.page("q=radar&" + query, status=400)
            err = self.api("q=radar&" + query, status=400)
            self.assertIn("message", err["error"])
        self.api("q=radar&cursor=abc", status=400)
        self.api("q=radar&limit=0", status=400)

    def test_nothing_found_suggests(self):
        text = self.page("q=zzyzxquux&section=navy")
        self.assertIn("No articles matched", text)
        self.assertIn("Check the spelling", text)
        self.assertIn('href="/search?q=zzyzxquux">', text)  # without the filters
        self.assertIn("Recent articles", text)
        self.assertIn('class="card"', text)

    def test_search_box_on_every_page(self):
        for path in ("/", "/article/radar-headline", "/section/navy", "/search"):
            text = self.srv.get(path).text
            self.assertIn('<form class="site-search" role="search" action="/search"', text, path)
            self.assertIn('<label for="site-search-q">', text, path)

    def test_related_articles(self):
        text = self.srv.get("/article/radar-headline").text
        aside = text.split('<aside class="related"', 1)
        self.assertEqual(len(aside), 2)
        block = aside[1].split("</aside>", 1)[0]
        self.assertIn('href="/article/radar-body"', block)
        self.assertNotIn('href="/article/radar-headline"', block)
        harbor = self.srv.get("/article/harbor-03").text.split('<aside class="related"', 1)[1]
        links = re.findall(r'href="/article/([^"]+)"', harbor.split("</aside>", 1)[0])
        self.assertTrue(3 <= len(links) <= 5, links)
        self.assertNotIn("harbor-03", links)
        ko = self.srv.get("/article/frigate-visible").text
        self.assertNotIn("frigate-retracted", ko)
        self.assertNotIn("frigate-embargoed", ko)


class IndexFollowsWrites(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="nz-e2e-search-")
        self.db = new_db(os.path.join(self.tmp, "s.db"))
        run(["demo"], db=self.db)

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def test_import_is_found_at_once_and_reindex_keeps_results(self):
        srv = Server(self.db)
        try:
            before = srv.get("/api/v1/articles?q=quokka").json()
            self.assertEqual(before["total"], 0)
            path = os.path.join(self.tmp, "new.md")
            with open(path, "w", encoding="utf-8") as f:
                f.write(story("quokka", "Quokka mascot joins the fleet", "The quokka waved."))
            run(["import", path], db=self.db)
            # Imported by another process: the server notices within its poll.
            eventually(lambda: srv.get("/api/v1/articles?q=quokka").json()["total"] == 1)
            after = srv.get("/api/v1/articles?q=quokka").json()
            self.assertEqual([a["slug"] for a in after["articles"]], ["quokka"])
            p = run(["reindex"], db=self.db)
            self.assertIn("search index rebuilt", p.stdout)
            again = srv.get("/api/v1/articles?q=quokka").json()
            self.assertEqual(again["total"], 1)
            demo = srv.get("/api/v1/articles?q=" + urllib.parse.quote("국방")).json()
            self.assertGreater(demo["total"], 0)
        finally:
            srv.stop()

    def test_related_computes_the_lists_an_import_left_pending(self):
        db = new_db(os.path.join(self.tmp, "related.db"))
        src = os.path.join(self.tmp, "related-in")
        os.mkdir(src)
        for i, text in enumerate(STORIES[:3]):
            with open(os.path.join(src, "%02d.md" % i), "w", encoding="utf-8") as f:
                f.write(text)
        run(["init"], db=db)
        run(["import", "--publish", src], db=db)
        p = run(["related"], db=db)
        self.assertIn("related articles of 3 articles computed", p.stdout)
        # Nothing is pending any more: the next pass has nothing to say.
        self.assertEqual(run(["related"], db=db).stdout, "")
        self.assertIn("related articles of 3 articles computed",
                      run(["related", "--all"], db=db).stdout)
        self.assertEqual(run(["related", "--now"], db=db, check=False).returncode, 2)

    def test_reindex_refuses_arguments_and_missing_db(self):
        p = run(["reindex", "extra"], db=self.db, check=False)
        self.assertEqual(p.returncode, 2)
        p = run(["reindex"], db=os.path.join(self.tmp, "none.db"), check=False)
        self.assertEqual(p.returncode, 1)
        self.assertIn("none.db", p.stderr)


if __name__ == "__main__":
    unittest.main()
