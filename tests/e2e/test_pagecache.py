"""The page cache on a real server over the demo newsroom: for each kind of write, every
page that shows what changed is different on the very next request, while pages that do not
show it stay cached (X-Cache: HIT); writes by another process (a CLI import, a change made with
sqlite3) show up within a short deadline; an embargo that passes shows the article without
anyone writing; a flood of distinct URLs stays within the memory limit; /metrics reports it.

Every write here is made through the server (the admin API or the back office's forms), so
"the very next request" is exact: the server drops what a write changed before it answers."""
import gzip
import os
import re
import shutil
import tempfile
import time
import unittest
import urllib.parse
from concurrent.futures import ThreadPoolExecutor

import nzbrotli
from nz import Server, eventually, new_db, run, sql_write
from nzadmin import add_token, add_user, api, login, session_cookie


def path_of(url):
    return urllib.parse.urlsplit(url).path


def rfc3339(t):
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t))


def metric(srv, name):
    text = srv.get("/metrics").text
    m = re.search(r"^%s (\d+)$" % re.escape(name), text, re.M)
    return int(m.group(1))


class PageCache(unittest.TestCase):
    """A fresh demo newsroom and server per test, with an admin token."""

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="nz-e2e-pagecache-")
        self.db = new_db(os.path.join(self.tmp, "demo.db"))
        run(["demo"], db=self.db)
        self.password = add_user(self.db, "ada", "admin")
        self.token = add_token(self.db, "ada")[1]
        self.srv = Server(self.db)
        self.pick()

    def tearDown(self):
        self.srv.stop()
        shutil.rmtree(self.tmp, ignore_errors=True)

    # ---- the newsroom ------------------------------------------------------------------------

    def pick(self):
        """A: the newest English article (the front page's lead), with a section, tags and
        authors. U: an article sharing nothing with A. B: a section that is neither A's nor
        U's, where A may move. C: U's section."""
        items = self.srv.get("/api/v1/articles?limit=100").json()["articles"]
        self.a = next(x for x in items if x["language"] == "en" and x["tags"] and x["section"])
        a_tags = {t["slug"] for t in self.a["tags"]}
        a_authors = {au["slug"] for au in self.a["authors"]}

        def unrelated(x):
            return (x["id"] != self.a["id"] and x["section"] and
                    x["section"]["slug"] != self.a["section"]["slug"] and
                    not a_tags & {t["slug"] for t in x["tags"]} and
                    not a_authors & {au["slug"] for au in x["authors"]} and
                    not x["translation_group"] and not self.a["translation_group"])
        self.u = next(x for x in items if unrelated(x))
        sections = {x["section"]["slug"] for x in items if x["section"]}
        self.b = sorted(sections - {self.a["section"]["slug"], self.u["section"]["slug"]})[0]
        self.pages = {
            "article": path_of(self.a["url"]),
            "front": "/",
            "section": path_of(self.a["section"]["url"]),
            "section B": "/section/" + self.b,
            "tag": path_of(self.a["tags"][0]["url"]),
            "author": path_of(self.a["authors"][0]["url"]),
            "feed": "/feed.rss",
            "section feed": path_of(self.a["section"]["url"]) + "/feed.atom",
            "sitemap": "/sitemaps/articles-1.xml",
            "api list": "/api/v1/articles?limit=50",
            "api one": "/api/v1/articles/" + urllib.parse.quote(self.a["slug"]),
        }
        self.unrelated = {
            "other article": path_of(self.u["url"]),
            "other section": path_of(self.u["section"]["url"]),
        }

    def call(self, method, path, body=None):
        r = api(self.srv, method, "/api/v1/admin" + path, self.token, body)
        self.assertLess(r.status, 300, r.text)
        return r.json() if r.body else None

    def revision(self):
        return self.call("GET", "/articles/%d" % self.a["id"])["revision"]

    def patch(self, **fields):
        fields["revision"] = self.revision()
        return self.call("PATCH", "/articles/%d" % self.a["id"], fields)

    # ---- what the cache does -----------------------------------------------------------------

    def get(self, path, **headers):
        return self.srv.get(path, headers=headers)

    def warm(self, paths):
        """Requests each page until it is served from the cache; returns the bodies."""
        bodies = {}
        for name, p in paths.items():
            first = self.get(p)
            self.assertEqual(first.status, 200, name)
            # While the cache waits for its feed to catch up with a time that passed (an
            # embargo's end, a scheduled publication), it serves nothing from memory: on a
            # busy machine that can last a poll or two. Ask again until it answers from memory.
            again = self.get(p)
            for _ in range(40):
                if again.headers.get("x-cache") == "HIT":
                    break
                time.sleep(0.05)
                first, again = again, self.get(p)
            self.assertEqual(again.headers.get("x-cache"), "HIT", name)
            self.assertEqual(again.body, first.body, name)
            bodies[name] = first.body
        return bodies

    def assertChanged(self, before, names, contains=None, lacks=None):
        """The next request of each page is rendered anew and differs from before."""
        for name in names:
            with self.subTest(page=name):
                r = self.get(self.pages.get(name) or self.unrelated[name])
                self.assertEqual(r.headers.get("x-cache"), "MISS")
                self.assertNotEqual(r.body, before[name])
                if contains:
                    self.assertIn(contains, r.text)
                if lacks:
                    self.assertNotIn(lacks, r.text)

    def assertStillCached(self, before):
        for name, p in self.unrelated.items():
            with self.subTest(page=name):
                r = self.get(p)
                self.assertEqual(r.headers.get("x-cache"), "HIT")
                self.assertEqual(r.body, before[name])

    def warm_all(self):
        return self.warm({**self.pages, **self.unrelated})

    # ---- each kind of write ------------------------------------------------------------------

    def test_publish(self):
        before = self.warm_all()
        new = self.call("POST", "/articles", {
            "headline": "Harbor pilots rehearse a night entry",
            "body_markdown": "Pilots practised bringing ships in at night.",
            "section": self.a["section"]["slug"],
            "tags": [self.a["tags"][0]["name"]],
            "authors": [{"slug": self.a["authors"][0]["slug"]}]})
        self.call("POST", "/articles/%d/publish" % new["id"])
        self.assertChanged(before, ["front", "section", "tag", "author", "feed", "section feed",
                                    "api list"], contains="Harbor pilots rehearse")
        self.assertChanged(before, ["sitemap"], contains=new["slug"])
        self.assertEqual(self.get("/article/" + new["slug"]).status, 200)
        self.assertStillCached(before)

    def test_update_of_the_headline(self):
        before = self.warm_all()
        self.patch(headline="Allies open a shared watch on the sky")
        self.assertChanged(before, ["article", "front", "section", "tag", "author", "feed",
                                    "section feed", "api list", "api one"],
                           contains="Allies open a shared watch on the sky")
        self.assertStillCached(before)

    def test_correction(self):
        before = self.warm_all()
        feed = self.warm({"corrections": "/corrections/feed.rss"})
        self.call("POST", "/articles/%d/corrections" % self.a["id"],
                  {"text": "An earlier version gave the wrong number of personnel."})
        self.pages["corrections"] = "/corrections/feed.rss"
        before.update(feed)
        self.assertChanged(before, ["article", "api one", "corrections"],
                           contains="the wrong number of personnel")
        self.assertStillCached(before)

    def test_retraction(self):
        before = self.warm_all()
        self.call("POST", "/articles/%d/retract" % self.a["id"])
        self.assertChanged(before, ["article", "api one"])
        self.assertChanged(before, ["front", "section", "tag", "author", "feed", "api list"])
        self.assertNotIn(self.a["slug"], self.get("/feed.rss").text)
        self.assertStillCached(before)

    def test_embargo_set_on_a_published_article(self):
        before = self.warm_all()
        self.call("POST", "/articles/%d/embargo" % self.a["id"],
                  {"until": rfc3339(time.time() + 3600)})
        self.assertEqual(self.get(self.pages["article"]).status, 404)
        self.assertEqual(self.get(self.pages["api one"]).status, 404)
        self.assertChanged(before, ["front", "section", "tag", "author", "feed", "sitemap",
                                    "api list"], lacks=self.a["slug"])
        self.assertStillCached(before)

    def test_section_change_names_both_sections(self):
        before = self.warm_all()
        self.patch(section=self.b)
        self.assertChanged(before, ["section"], lacks=self.a["slug"])
        self.assertChanged(before, ["section B"], contains=self.a["slug"])
        self.assertChanged(before, ["article", "front", "api one", "api list"])
        self.assertStillCached(before)

    def test_tag_removed(self):
        before = self.warm_all()
        self.patch(tags=[t["name"] for t in self.a["tags"][1:]])
        self.assertChanged(before, ["tag"], lacks=self.a["slug"])
        self.assertChanged(before, ["article", "api one"])
        self.assertStillCached(before)

    def test_settings_change_reaches_every_page(self):
        before = self.warm_all()
        r = login(self.srv, "ada", self.password)
        cookie = "nz_session=" + session_cookie(r)
        page = self.srv.request("GET", "/admin/settings", headers={"Cookie": cookie}).text
        csrf = re.search(r'name="csrf" value="([0-9a-f]+)"', page).group(1)
        fields = [("csrf", csrf), ("name", "Harbor Herald"), ("tagline", ""),
                  ("base_url", "https://herald.example"), ("copyright", "(c) Harbor Herald"),
                  ("language", "en"), ("tz_offset_min", "540")]
        r = self.srv.request("POST", "/admin/settings", body=urllib.parse.urlencode(fields),
                             headers={"Cookie": cookie,
                                      "Content-Type": "application/x-www-form-urlencoded"})
        self.assertEqual(r.status, 303, r.text)
        for name in ("article", "front", "section", "other article", "other section"):
            with self.subTest(page=name):
                p = self.pages.get(name) or self.unrelated[name]
                r = self.get(p)
                self.assertEqual(r.headers.get("x-cache"), "MISS")
                self.assertIn("Harbor Herald", r.text)
                self.assertNotEqual(r.body, before[name])

    # ---- writes by another process -------------------------------------------------------------

    def test_author_renamed_by_another_process(self):
        before = self.warm_all()
        sql_write(self.db, "UPDATE authors SET display_name = 'Renamed Reporter',"
                  " family_name = 'Reporter', given_name = 'Renamed' WHERE slug = ?",
                  (self.a["authors"][0]["slug"],))
        for name in ("author", "article", "api one", "front"):
            with self.subTest(page=name):
                self.assertTrue(eventually(
                    lambda: "Renamed" in self.get(self.pages[name]).text), name)
        # (The other section's page may list an article of that reporter: it goes too.)
        r = self.get(self.unrelated["other article"])
        self.assertEqual(r.headers.get("x-cache"), "HIT")
        self.assertEqual(r.body, before["other article"])

    def test_cli_import_shows_up_while_the_server_runs(self):
        before = self.warm_all()
        story = os.path.join(self.tmp, "story.md")
        with open(story, "w", encoding="utf-8") as f:
            f.write("---\nheadline: Tugboat crews train for icy harbors\nslug: tugboat-crews\n"
                    "language: en\nsection: %s\n---\n\nCrews trained in the cold.\n"
                    % self.a["section"]["slug"])
        run(["import", "--publish", story], db=self.db)
        self.assertTrue(eventually(lambda: "Tugboat crews" in self.get("/").text))
        self.assertTrue(eventually(
            lambda: "Tugboat crews" in self.get(self.pages["section"]).text))
        self.assertIn("tugboat-crews", self.get("/api/v1/articles?limit=50").text)
        self.assertStillCached(before)

    # ---- time, memory, metrics -------------------------------------------------------------------

    def test_an_embargo_passing_shows_the_article_without_a_write(self):
        new = self.call("POST", "/articles", {
            "headline": "Embargoed minesweeper trial results",
            "body_markdown": "The trial went well.",
            "section": self.a["section"]["slug"]})
        until = time.time() + 3
        self.call("POST", "/articles/%d/embargo" % new["id"], {"until": rfc3339(until)})
        self.call("POST", "/articles/%d/publish" % new["id"])
        watched = {"front": "/", "section": self.pages["section"], "feed": "/feed.rss"}
        before = self.warm(watched)
        if time.time() < until - 0.5:  # only meaningful while the embargo surely holds
            for name, p in watched.items():
                self.assertNotIn("Embargoed minesweeper", before[name].decode(), name)
        self.assertTrue(eventually(
            lambda: self.get("/article/" + new["slug"]).status == 200, deadline=10))
        # Once the article's own page answers, no cached page may still hide it.
        for name, p in watched.items():
            with self.subTest(page=name):
                self.assertIn("Embargoed minesweeper", self.get(p).text)

    def test_memory_bound_holds_under_a_flood_of_distinct_urls(self):
        self.srv.stop()
        self.srv = Server(self.db, ["--cache-mb", "1"])
        limit = metric(self.srv, "newszone_cache_limit_bytes")
        self.assertEqual(limit, 1 << 20)

        def fetch(i):
            path = "/tag/%s?flood=%d" % (self.a["tags"][0]["slug"], i)
            return self.srv.get(path, headers={"Accept-Encoding": "gzip"}).status
        with ThreadPoolExecutor(max_workers=8) as pool:
            statuses = list(pool.map(fetch, range(5000)))
        self.assertEqual(set(statuses), {200})
        self.assertLessEqual(metric(self.srv, "newszone_cache_bytes"), limit)
        self.assertGreater(metric(self.srv, "newszone_cache_evictions_total"), 4000)
        self.assertLess(metric(self.srv, "newszone_cache_entries"), 1000)
        # The newest are still there, and still right.
        r = self.srv.get("/tag/%s?flood=4999" % self.a["tags"][0]["slug"])
        self.assertEqual(r.status, 200)

    def test_metrics_count_hits_misses_and_requests(self):
        hits = metric(self.srv, "newszone_cache_hits_total")
        self.warm({"front": "/"})
        self.assertEqual(metric(self.srv, "newszone_cache_hits_total"), hits + 1)
        r = self.get("/metrics")
        self.assertEqual(r.status, 200)
        self.assertEqual(r.headers["cache-control"], "no-store")
        self.assertNotIn("x-cache", r.headers)
        self.assertTrue(r.headers["content-type"].startswith("text/plain; version=0.0.4"))
        self.assertRegex(r.text, r'newszone_http_requests_total\{kind="page",class="2xx"\} [1-9]')
        self.assertRegex(r.text, r'newszone_http_request_duration_seconds_bucket\{kind="page",'
                                 r'le="\+Inf"\} [1-9]')
        self.assertEqual(self.get("/no-such-page").status, 404)
        self.assertRegex(self.get("/metrics").text,
                         r'newszone_http_requests_total\{kind="page",class="4xx"\} [1-9]')

    def test_off_means_off(self):
        self.srv.stop()
        self.srv = Server(self.db, ["--cache-mb", "0"])
        self.get("/")
        r = self.get("/")
        self.assertNotIn("x-cache", r.headers)
        self.assertEqual(metric(self.srv, "newszone_cache_limit_bytes"), 0)

    def test_conditional_and_gzip_hits_match_a_fresh_render(self):
        self.warm({"article": self.pages["article"]})
        plain = self.get(self.pages["article"])
        self.assertEqual(plain.headers.get("x-cache"), "HIT")
        # A coding is made the first time a client asks for it (a miss that compresses for
        # that client only), then served from memory beside the codings made before.
        for ae, coding, tag, decode in (("gzip", "gzip", "-gz", gzip.decompress),
                                        ("gzip, br", "br", "-br", nzbrotli.decompress)):
            for cached in ("MISS", "HIT"):
                z = self.get(self.pages["article"], **{"Accept-Encoding": ae})
                self.assertEqual((z.headers.get("x-cache"), z.headers["content-encoding"]),
                                 (cached, coding))
                self.assertEqual(z.headers["etag"], plain.headers["etag"][:-1] + tag + '"')
                self.assertEqual(decode(z.body), plain.body)
        for ae, coding in (("gzip", "gzip"), (None, None)):
            z = self.get(self.pages["article"], **({"Accept-Encoding": ae} if ae else {}))
            self.assertEqual((z.headers.get("x-cache"), z.headers.get("content-encoding")),
                             ("HIT", coding))
        br = self.get(self.pages["article"], **{"Accept-Encoding": "br"})
        nm_br = self.get(self.pages["article"], **{"Accept-Encoding": "br",
                                                   "If-None-Match": br.headers["etag"]})
        self.assertEqual((nm_br.status, nm_br.headers.get("x-cache")), (304, "HIT"))
        nm = self.get(self.pages["article"], **{"If-None-Match": plain.headers["etag"]})
        self.assertEqual((nm.status, nm.body), (304, b""))
        self.assertEqual(nm.headers["etag"], plain.headers["etag"])
        head = self.srv.request("HEAD", self.pages["article"])
        self.assertEqual(head.body, b"")
        self.assertEqual(int(head.headers["content-length"]), len(plain.body))
        # The query's order does not make another page; the ninjs variant is its own.
        self.get("/api/v1/articles?q=&limit=5")
        again = self.get("/api/v1/articles?limit=5&&q=")
        self.assertEqual(again.headers.get("x-cache"), "HIT")
        one = self.pages["api one"]
        self.get(one)
        ninjs = self.get(one, Accept="application/ninjs+json")
        self.assertIn("ninjs", ninjs.headers["content-type"])


if __name__ == "__main__":
    unittest.main()
