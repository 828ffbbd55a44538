"""`newszone build --out DIR`, the static export (docs/static-export.md), on the demo newsroom:
every link in every exported page leads to a file of the export; pages, feeds and sitemaps hold
the very bytes the server sends for the same URL; each .gz and .br is its file compressed; a Korean
article is exported under its Hangul path with lang="ko" and Korean dates; a static server
(Python's http.server) serves the folder with working links. Incremental builds: no change
rewrites nothing; an edit rewrites only the pages that show the article, the feeds and the
sitemaps; a retracted article keeps its page (with the notice), an embargoed one disappears."""
import datetime
import gzip
import html.parser
import json
import os
import re
import socket
import struct
import subprocess
import sys
import time
import urllib.parse
import urllib.request
import zlib

import nzbrotli
from nz import BIN, NzTestCase, free_port, quote, run

SUMMARY = re.compile(r"built .*: (\d+) written, (\d+) unchanged, (\d+) removed, (\d+) files in "
                     r"all, [\d.]+ s \((.*)\)")


class Links(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.links = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in ("href", "src", "action") and value:
                self.links.append(value)


def png(width=4, height=3):
    """A small valid PNG (RGB, one colour)."""
    def chunk(kind, data):
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xffffffff))
    rows = b"".join(b"\x00" + b"\x20\x60\xa0" * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n"
            + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


def snapshot(root):
    """{relative path: inode} of every file: a rewrite (temporary file + rename) changes it."""
    out = {}
    for d, _, files in os.walk(root):
        for f in files:
            p = os.path.join(d, f)
            if f == ".newszone-manifest":
                continue  # rewritten by every build that made anything
            out[os.path.relpath(p, root)] = os.stat(p).st_ino
    return out


class StaticExportTest(NzTestCase):
    def setUp(self):
        super().setUp()
        run(["demo"], db=self.db)
        self.out = os.path.join(self.tmp, "site")

    def build(self, *extra):
        p = run(["build", "--out", self.out] + list(extra), db=self.db)
        m = SUMMARY.search(p.stdout)
        self.assertIsNotNone(m, p.stdout + p.stderr)
        return {"written": int(m.group(1)), "unchanged": int(m.group(2)),
                "removed": int(m.group(3)), "total": int(m.group(4)), "mode": m.group(5)}

    def file_for(self, url):
        """The exported file a static server answers url with (directory index rule)."""
        path = os.path.join(self.out, urllib.parse.unquote(url.split("#")[0].split("?")[0])
                            .lstrip("/"))
        if os.path.isdir(path):
            path = os.path.join(path, "index.html")
        return path

    def read(self, url):
        with open(self.file_for(url), "rb") as f:
            return f.read()

    def html_files(self):
        for d, _, files in os.walk(self.out):
            for f in files:
                if f.endswith(".html"):
                    yield os.path.join(d, f)

    def token(self):
        subprocess.run([BIN, "--db", self.db, "user", "add", "ed", "--role", "editor",
                        "--password-stdin"], input="a-long-enough-password\n", text=True,
                       check=True, capture_output=True)
        out = run(["token", "create", "ed"], db=self.db).stdout
        return re.search(r"nzt_\S+", out).group(0)

    def api(self, srv, token, method, path, body=None):
        r = srv.request(method, path, body=json.dumps(body) if body is not None else None,
                        headers={"Authorization": "Bearer " + token,
                                 "Content-Type": "application/json"})
        self.assertLess(r.status, 300, r.text)
        return r.json()

    def articles(self, srv):
        return srv.get("/api/v1/articles?limit=100").json()["articles"]

    # ---- the export itself ------------------------------------------------------------------

    def test_every_link_resolves_and_bytes_match_the_server(self):
        # A photo uploaded and set as an article's lead: the export holds its bytes.
        srv = self.serve()
        token = self.token()
        r = srv.request("POST", "/api/v1/admin/media?caption=Deck&alt=A+ship%27s+deck",
                        body=png(), headers={"Authorization": "Bearer " + token,
                                             "Content-Type": "image/png"})
        self.assertEqual(r.status, 201, r.text)
        target = self.articles(srv)[2]
        self.api(srv, token, "PATCH", "/api/v1/admin/articles/%d" % target["id"],
                 {"revision": target["revision"], "media": [{"id": r.json()["id"]}]})
        s = self.build()
        self.assertEqual(s["mode"], "no manifest")
        self.assertGreater(s["written"], 100)
        self.assertEqual(s["written"], s["total"])
        checked = 0
        for path in self.html_files():
            p = Links()
            with open(path, encoding="utf-8") as f:
                p.feed(f.read())
            for link in p.links:
                u = urllib.parse.urlsplit(link)
                if u.scheme or u.netloc or link.startswith("#"):
                    continue  # absolute URLs (canonical, og:url) leave the export
                self.assertTrue(os.path.isfile(self.file_for(u.path)),
                                "%s links %s, which is not in the export"
                                % (os.path.relpath(path, self.out), link))
                checked += 1
        self.assertGreater(checked, 1000)
        # Each .gz and .br is its file, compressed, and smaller; a .br sits beside each .gz but
        # a feed's (feeds get a .gz only: docs/static-export.md).
        gz = br = feeds = 0
        for d, _, files in os.walk(self.out):
            for f in files:
                if f.endswith(".gz") or f.endswith(".br"):
                    with open(os.path.join(d, f[:-3]), "rb") as plain:
                        original = plain.read()
                    with open(os.path.join(d, f), "rb") as z:
                        coded = z.read()
                    decode = gzip.decompress if f.endswith(".gz") else nzbrotli.decompress
                    self.assertEqual(decode(coded), original, f)
                    self.assertLess(len(coded), len(original))
                    gz += f.endswith(".gz")
                    br += f.endswith(".br")
                    feed = f[:-3] in ("feed.rss", "feed.atom", "feed.json")
                    feeds += feed
                    if f.endswith(".gz") and not feed:
                        self.assertIn(f[:-3] + ".br", files)
                    self.assertFalse(f.endswith(".br") and feed, os.path.join(d, f))
        self.assertGreater(gz, 100)
        self.assertGreater(feeds, 10)
        self.assertEqual(br, gz - feeds)
        # The same bytes as the server for the same URL.
        arts = self.articles(srv)
        en = next(a for a in arts if a["language"] == "en")
        section = en["section"]["slug"]
        urls = [urllib.parse.urlsplit(en["url"]).path, "/", "/page/2", "/section/" + section,
                "/feed.rss", "/feed.atom", "/feed.json", "/section/%s/feed.atom" % section,
                "/sitemap.xml", "/sitemaps/articles-1.xml", "/sitemaps/pages.xml",
                "/robots.txt", "/sitemap-news.xml"]
        for tag in en["tags"][:1]:
            urls.append(quote("/tag/" + tag["slug"]))
        for url in urls:
            r = srv.get(url)
            self.assertEqual(r.status, 200, url)
            self.assertEqual(self.read(url), r.body, url)
        # Every page of every list (the front page, sections, tags, authors, in each edition)
        # and every feed, which the export makes from each list's keys read once: the same.
        pages = feeds = 0
        for d, _, files in os.walk(self.out):
            for f in files:
                rel = "/" + os.path.relpath(os.path.join(d, f), self.out)
                if f in ("feed.rss", "feed.atom", "feed.json"):
                    url, feeds = rel, feeds + 1
                elif f == "index.html" and re.match(r"(/ko)?/(page|section|tag|author)/", rel):
                    url, pages = rel[:-len("/index.html")], pages + 1
                else:
                    continue
                r = srv.get(quote(url))
                self.assertEqual(r.status, 200, url)
                self.assertEqual(self.read(url), r.body, url)
        self.assertGreater(pages, 20)
        self.assertGreater(feeds, 20)
        # Hashed assets and media files are there, with the server's bytes.
        page = srv.get("/").text
        css = re.search(r'href="(/static/site\.[0-9a-f]+\.css)"', page).group(1)
        self.assertEqual(self.read(css), srv.get(css).body)
        media = [m["url"] for a in arts for m in a["media"] if m["url"]]
        self.assertTrue(media)
        for m in media:
            path = urllib.parse.urlsplit(m).path
            self.assertEqual(self.read(path), srv.get(path).body)
        # The server's 404 page is the export's 404.html.
        self.assertEqual(self.read("/404.html"), srv.get("/no/such/page").body)
        # Search cannot work on a static host: /search says so instead of a 404.
        self.assertIn("cannot search", self.read("/search").decode())

    def test_korean_article(self):
        self.build()
        srv = self.serve()
        ko = next(a for a in self.articles(srv) if a["language"] == "ko")
        path = os.path.join(self.out, "article", ko["slug"], "index.html")
        self.assertTrue(re.search("[\uac00-\ud7a3]", ko["slug"]), ko["slug"])
        self.assertTrue(os.path.isfile(path), "no UTF-8 file name for " + ko["slug"])
        with open(path, encoding="utf-8") as f:
            page = f.read()
        self.assertIn('<html lang="ko"', page)
        self.assertRegex(page, r"\d{4}년 \d{1,2}월 \d{1,2}일")
        self.assertIn(ko["headline"].replace("&", "&amp;"), page)
        self.assertEqual(page.encode(), srv.get(quote("/article/" + ko["slug"])).body)

    def test_a_static_server_serves_the_export(self):
        self.build()
        port = free_port()
        proc = subprocess.Popen([sys.executable, "-m", "http.server", "--bind", "127.0.0.1",
                                 str(port), "--directory", self.out],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            deadline = time.time() + 10
            while time.time() < deadline:
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                    break
                except OSError:
                    time.sleep(0.05)
            base = "http://127.0.0.1:%d" % port
            front = urllib.request.urlopen(base + "/").read().decode()
            links = [l for l in re.findall(r'href="(/article/[^"#]+)"', front)]
            self.assertTrue(links)
            # "/article/x" answers with a redirect to "/article/x/", followed to the page.
            for link in links[:5] + ["/page/2"]:
                with urllib.request.urlopen(base + link) as r:
                    self.assertEqual(r.status, 200)
                    self.assertTrue(r.geturl().endswith(link + "/"), r.geturl())
                    self.assertEqual(r.read(), self.read(link))
            older = re.search(r'href="([^"]+)" rel="next"', front).group(1)
            self.assertEqual(urllib.request.urlopen(base + older).status, 200)
            ko = [d for d in os.listdir(os.path.join(self.out, "article"))
                  if re.search("[\uac00-\ud7a3]", d)][0]
            with urllib.request.urlopen(base + quote("/article/" + ko)) as r:
                self.assertIn('lang="ko"', r.read().decode())
        finally:
            proc.terminate()
            proc.wait(timeout=10)

    # ---- incremental builds -----------------------------------------------------------------

    def test_no_change_writes_nothing(self):
        self.build()
        before = snapshot(self.out)
        s = self.build()
        self.assertEqual(s["mode"], "incremental")
        self.assertEqual((s["written"], s["removed"]), (0, 0))
        self.assertEqual(snapshot(self.out), before)
        # --full makes everything again but still writes only bytes that changed.
        s = self.build("--full")
        self.assertEqual(s["mode"], "--full")
        self.assertEqual(s["written"], 0)
        self.assertEqual(snapshot(self.out), before)

    def test_an_edit_rewrites_only_what_shows_it(self):
        self.build()
        srv = self.serve()
        token = self.token()
        arts = self.articles(srv)
        a = next(x for x in arts[25:] if x["language"] == "en" and x["tags"])
        url = urllib.parse.urlsplit(a["url"]).path
        before = snapshot(self.out)
        # Times have one-second resolution: an edit in the very second the demo was imported
        # would leave the sitemaps' lastmod as it was. Let that second pass first.
        stamp = datetime.datetime.fromisoformat(a["updated_at"].replace("Z", "+00:00"))
        while time.time() < stamp.timestamp() + 1:
            time.sleep(0.05)
        self.api(srv, token, "PATCH", "/api/v1/admin/articles/%d" % a["id"],
                 {"revision": a["revision"], "headline": a["headline"] + " (updated)"})
        s = self.build()
        self.assertEqual(s["mode"], "incremental")
        after = snapshot(self.out)
        rewritten = {p for p in after if before.get(p) != after[p]}
        plain = {p for p in rewritten if not p.endswith(".gz") and not p.endswith(".br")}
        self.assertEqual(len(plain), s["written"])
        must = {self.file_for(url), self.file_for("/section/" + a["section"]["slug"]),
                self.file_for(quote("/tag/" + a["tags"][0]["slug"])),
                self.file_for("/sitemap.xml"), self.file_for("/sitemaps/articles-1.xml")}
        must = {os.path.relpath(p, self.out) for p in must}
        self.assertLessEqual(must, plain)
        # Nothing else: other articles' pages only when they show it (related articles).
        for p in plain - must:
            if p.startswith("article/"):
                with open(os.path.join(self.out, p), encoding="utf-8") as f:
                    self.assertIn('href="%s"' % url, f.read(), p)
        # (each tag's and author's page and feeds exist in every edition: /ko/tag/… too)
        self.assertLess(len(plain), 60, sorted(plain))
        self.assertIn(b"(updated)", self.read(url))
        self.assertEqual(self.read(url), srv.get(url).body)
        for p in ("/", "/section/" + a["section"]["slug"], "/feed.rss"):
            self.assertEqual(self.read(p), srv.get(p).body, p)

    def test_an_edit_rewrites_only_its_sitemap_child(self):
        # 1,000 drafts (never public) push the next article's id past 1,000: into the second
        # article sitemap, whose range is ids 1001..2000 (docs/distribution.md).
        drafts = os.path.join(self.tmp, "drafts")
        os.mkdir(drafts)
        for i in range(1000):
            with open(os.path.join(drafts, "d%04d.md" % i), "w", encoding="utf-8") as f:
                f.write("---\nheadline: Draft %d\nslug: draft-%d\nlanguage: en\n---\nA draft.\n" % (i, i))
        run(["import", drafts], db=self.db)
        srv = self.serve()
        token = self.token()
        far = self.api(srv, token, "POST", "/api/v1/admin/articles",
                       {"headline": "Ferry service resumes to Baengnyeong Island", "language": "en",
                        "section": "defense", "body_markdown": "The ferry sailed on Monday."})
        self.assertGreater(far["id"], 1000)
        self.api(srv, token, "POST", "/api/v1/admin/articles/%d/publish" % far["id"], {})
        self.build()
        index = self.read("/sitemap.xml").decode()
        self.assertEqual(re.findall(r"/sitemaps/articles-\d+\.xml", index),
                         ["/sitemaps/articles-1.xml", "/sitemaps/articles-2.xml"])
        self.assertEqual(self.read("/sitemaps/articles-2.xml").count(b"<url>"), 1)
        # An edit of an article in the first range: its child and the index are written again,
        # the second child is left as it was.
        a = next(x for x in self.articles(srv) if x["id"] < 1000 and x["language"] == "en")
        stamp = datetime.datetime.fromisoformat(a["updated_at"].replace("Z", "+00:00"))
        while time.time() < stamp.timestamp() + 1:
            time.sleep(0.05)
        before = snapshot(self.out)
        self.api(srv, token, "PATCH", "/api/v1/admin/articles/%d" % a["id"],
                 {"revision": a["revision"], "headline": a["headline"] + " (mapped)"})
        self.assertEqual(self.build()["mode"], "incremental")
        after = snapshot(self.out)
        for f in ("sitemaps/articles-1.xml", "sitemaps/articles-1.xml.gz", "sitemap.xml"):
            self.assertNotEqual(after[f], before[f], f)
        for f in ("sitemaps/articles-2.xml", "sitemaps/articles-2.xml.gz",
                  "sitemaps/articles-2.xml.br"):
            self.assertEqual(after[f], before[f], f)
        lastmod = re.compile(r"articles-1\.xml</loc>\n<lastmod>([^<]+)</lastmod>")
        self.assertNotEqual(lastmod.search(self.read("/sitemap.xml").decode()).group(1),
                            lastmod.search(index).group(1))
        for url in ("/sitemap.xml", "/sitemaps/articles-1.xml", "/sitemaps/articles-2.xml"):
            self.assertEqual(self.read(url), srv.get(url).body, url)
        # The only article of the second range leaves: its child goes, and the index no longer
        # names it; the server answers 404 for it too.
        self.api(srv, token, "POST", "/api/v1/admin/articles/%d/embargo" % far["id"],
                 {"until": "2099-01-01T00:00:00Z"})
        self.build()
        self.assertFalse(os.path.exists(self.file_for("/sitemaps/articles-2.xml")))
        self.assertFalse(os.path.exists(self.file_for("/sitemaps/articles-2.xml") + ".gz"))
        self.assertEqual(srv.get("/sitemaps/articles-2.xml").status, 404)
        self.assertEqual(self.read("/sitemap.xml"), srv.get("/sitemap.xml").body)
        self.assertNotIn("articles-2.xml", self.read("/sitemap.xml").decode())
        # A full build over it agrees with the incremental ones.
        self.assertEqual(self.build("--full")["written"], 0)

    def test_an_edit_on_a_deep_page_equals_a_full_build(self):
        # An article on page 2 of the front page: that page is made again from the manifest's
        # record of it (its articles and the list's length, no list read), and holds what the
        # server and a full build hold.
        srv, token, slug, a = self.last_on_page_2()
        self.api(srv, token, "PATCH", "/api/v1/admin/articles/%d" % a["id"],
                 {"revision": a["revision"], "headline": a["headline"] + " (deep edit)"})
        before = snapshot(self.out)
        s = self.build()
        self.assertEqual(s["mode"], "incremental")
        self.assertNotEqual(snapshot(self.out)["page/2/index.html"], before["page/2/index.html"])
        self.assertIn(b"(deep edit)", self.read("/page/2"))
        lists = [u for u in ("/page/2", "/ko/page/2", "/section/%s/page/2" % a["section"]["slug"])
                 if os.path.isfile(self.file_for(u))]
        for u in lists:
            self.assertEqual(self.read(u), srv.get(u).body, u)
        self.assert_a_full_build_rewrites_no_list()

    def last_on_page_2(self):
        """A built export and its server; the last article on page 2 of the front page."""
        self.build()
        srv = self.serve()
        slug = re.findall(r'href="/article/([^"#]+)"', srv.get("/page/2").text)[-1]
        return srv, self.token(), slug, srv.get("/api/v1/articles/" + slug).json()

    def assert_a_full_build_rewrites_no_list(self):
        """A full build over the export rewrites no list page (only related boxes may differ)."""
        pages = snapshot(self.out)
        self.build("--full")
        after = snapshot(self.out)
        changed = sorted(p for p in after if pages.get(p) != after[p])
        self.assertEqual([p for p in changed if not p.startswith("article/")], [], changed)

    def test_a_live_update_moves_the_story_up_in_the_export_too(self):
        # A live update puts its story at the top of every list it is on (docs/live-coverage.md)
        # without changing its publication time: every page of those lists moves.
        srv, token, slug, a = self.last_on_page_2()
        base = "/api/v1/admin/articles/%d" % a["id"]
        self.api(srv, token, "PUT", base + "/live", {"live": True})
        self.api(srv, token, "POST", base + "/updates", {"body_markdown": "Crews arrive."})
        s = self.build()
        self.assertEqual(s["mode"], "incremental")
        self.assertIn('href="/article/%s"' % slug, self.read("/").decode())
        for u in ("/", "/page/2", "/section/" + a["section"]["slug"]):
            self.assertEqual(self.read(u), srv.get(u).body, u)
        self.assert_a_full_build_rewrites_no_list()

    def test_an_edit_makes_lists_again_only_where_the_article_is(self):
        # A body edit may reorder other articles' related boxes: their pages are made again,
        # but the list pages that merely show those other articles are not (their cards did
        # not change). Made again = written + unchanged in the summary.
        self.build()
        srv = self.serve()
        token = self.token()
        a = next(x for x in self.articles(srv)[10:] if x["language"] == "en")
        full = srv.get("/api/v1/articles/" + a["slug"]).json()
        words = " ".join(re.findall(r"[a-z]{6,}", full["body_markdown"])[:40])
        self.api(srv, token, "PATCH", "/api/v1/admin/articles/%d" % a["id"],
                 {"revision": full["revision"],
                  "body_markdown": full["body_markdown"] + "\n\n" + words + "."})
        manifest = open(os.path.join(self.out, ".newszone-manifest"), encoding="utf-8").read()
        files = [line.split("\t") for line in manifest.splitlines() if line.startswith("F\t")]
        mine = {"article-%d" % a["id"], "link-%d" % a["id"]}
        # the lists it is on (made whole), the sitemaps, the media of the pages made
        owners = {f[6] for f in files if mine & set(f[7].split(","))}
        owners |= {"sitemaps", "front", "corrections"}
        shows = sum(1 for f in files if f[6] in owners and not f[6].startswith("article-"))
        articles = sum(1 for f in files if f[6].startswith("article-"))
        url = urllib.parse.urlsplit(a["url"]).path
        photos = set(re.findall(r"/media/([0-9a-f]{64})", self.read(url).decode()))
        media = sum(1 for f in files if f[6] == "media" and f[1][7:71] in photos)
        s = self.build()
        self.assertEqual(s["mode"], "incremental")
        made = s["written"] + s["unchanged"]
        self.assertIn(words.encode(), self.read(url))
        # its lists (pages in each edition, feeds), the sitemaps, its photos, and at most a few
        # dozen article pages whose related box changed; not every list those articles are on
        self.assertLessEqual(made, shows + media + min(articles, 40),
                             (made, shows, media, articles))

    def test_a_published_article_appears(self):
        self.build()
        srv = self.serve()
        token = self.token()
        a = self.api(srv, token, "POST", "/api/v1/admin/articles",
                     {"headline": "Coast guard opens a new station on Ulleung Island",
                      "language": "en", "section": "defense",
                      "body_markdown": "The station opened on Monday.", "tags": ["navy"]})
        self.api(srv, token, "POST", "/api/v1/admin/articles/%d/publish" % a["id"], {})
        s = self.build()
        self.assertEqual(s["mode"], "incremental")
        url = "/article/" + a["slug"]
        self.assertEqual(self.read(url), srv.get(url).body)
        # The newest article leads the front page, its section and its tag, in the export too.
        for page in ("/", "/section/defense", "/tag/navy", "/page/2", "/feed.atom",
                     "/sitemaps/articles-1.xml"):
            self.assertEqual(self.read(page), srv.get(page).body, page)
        self.assertIn('href="%s"' % url, self.read("/").decode())
        # A full build agrees, but for other articles' related lists, which any publication may
        # reorder and an incremental build does not recompute (docs/static-export.md).
        related = re.compile(r'<aside class="related".*?</aside>', re.S)
        pages = {p: open(p, encoding="utf-8").read() for p in self.html_files()}
        s = self.build("--full")
        for p, old in pages.items():
            with open(p, encoding="utf-8") as f:
                new = f.read()
            if new != old:
                self.assertTrue(p.startswith(os.path.join(self.out, "article")), p)
                self.assertEqual(related.sub("", new), related.sub("", old), p)

    def test_an_incremental_build_brings_a_new_article_into_its_neighbours_lists(self):
        self.build()
        # A demo story's words again, imported (an import stores no lists: the build must), with
        # no server running (its worker would store them).
        slug = next(d for d in sorted(os.listdir(os.path.join(self.out, "article")))
                    if 'class="related"' in self.read("/article/" + d).decode()
                    and '<html lang="en"' in self.read("/article/" + d).decode())
        page = self.read("/article/" + slug).decode()
        headline = html.unescape(re.search(r"<h1[^>]*>(.*?)</h1>", page, re.S).group(1)).strip()
        md = os.path.join(self.tmp, "twin.md")
        with open(md, "w", encoding="utf-8") as f:
            f.write("---\nheadline: %s, again\nslug: the-twin\nlanguage: en\n---\n%s.\n"
                    % (headline, headline))
        run(["import", "--publish", md], db=self.db)
        s = self.build()
        self.assertEqual(s["mode"], "incremental")
        related = re.compile(r'<aside class="related".*?</aside>', re.S)
        self.assertIn('href="/article/%s"' % slug,
                      related.search(self.read("/article/the-twin").decode()).group(0))
        # the neighbour's stored list was refreshed with it, and its page made again
        self.assertIn('href="/article/the-twin"',
                      related.search(self.read("/article/" + slug).decode()).group(0))

    def test_incremental_builds_equal_a_clean_build_file_by_file(self):
        # Edits of a body (in its tags' and author's feeds, in both editions), of a headline
        # (cards, links), of a story deep in the lists: after each, an incremental build; then
        # a clean build of the same database into an empty folder holds the very same files,
        # .gz and .br included, and its manifest the same records.
        self.build()
        srv = self.serve()
        token = self.token()
        arts = [a for a in self.articles(srv) if a["language"] == "en" and a["tags"]]
        edits = [(arts[0], "body_markdown", " One more line."),
                 (arts[1], "headline", " (revised)"),
                 (arts[-1], "body_markdown", " A late note."),
                 (arts[0], "headline", " (again)")]
        for a, field, more in edits:
            now = self.api(srv, token, "GET", "/api/v1/admin/articles/%d" % a["id"])
            self.api(srv, token, "PATCH", "/api/v1/admin/articles/%d" % a["id"],
                     {"revision": now["revision"], field: now[field] + more})
            s = self.build()
            self.assertEqual(s["mode"], "incremental")
            self.assertGreater(s["written"], 0)
        clean = os.path.join(self.tmp, "clean")
        run(["build", "--out", clean], db=self.db)

        def files(root):
            out = {}
            for d, _, names in os.walk(root):
                for f in names:
                    with open(os.path.join(d, f), "rb") as fh:
                        out[os.path.relpath(os.path.join(d, f), root)] = fh.read()
            return out
        inc, full = files(self.out), files(clean)
        records = {k: sorted(l for l in v.decode().splitlines() if not l.startswith("seq\t"))
                   for k, v in ((".", inc.pop(".newszone-manifest")),
                                ("clean", full.pop(".newszone-manifest")))}
        self.assertEqual(sorted(inc), sorted(full))
        differ = sorted(p for p in inc if inc[p] != full[p])
        self.assertEqual(differ, [])
        self.assertEqual(records["."], records["clean"])
        self.assertIn(b"A late note.", self.read(urllib.parse.urlsplit(arts[-1]["url"]).path))

    def test_retracted_keeps_its_page_embargoed_vanishes(self):
        self.build()
        srv = self.serve()
        token = self.token()
        arts = [a for a in self.articles(srv) if a["language"] == "en"]
        gone, retracted = arts[3], arts[4]
        gone_url = urllib.parse.urlsplit(gone["url"]).path
        retracted_url = urllib.parse.urlsplit(retracted["url"]).path
        self.assertTrue(os.path.isfile(self.file_for(gone_url)))
        self.api(srv, token, "POST", "/api/v1/admin/articles/%d/retract" % retracted["id"],
                 {"text": "The report was wrong."})
        self.api(srv, token, "POST", "/api/v1/admin/articles/%d/embargo" % gone["id"],
                 {"until": "2099-01-01T00:00:00Z"})
        s = self.build()
        self.assertEqual(s["mode"], "incremental")
        self.assertGreaterEqual(s["removed"], 1)
        self.assertFalse(os.path.exists(os.path.join(self.out, "article", gone["slug"])))
        self.assertEqual(srv.get(gone_url).status, 404)
        page = self.read(retracted_url)
        self.assertIn("retracted".encode(), page)
        self.assertEqual(page, srv.get(retracted_url).body)
        # No page links the embargoed article any more; every link still resolves.
        for path in self.html_files():
            with open(path, encoding="utf-8") as f:
                text = f.read()
            self.assertNotIn('href="%s"' % gone_url, text, path)
        for url in ("/", "/feed.rss", "/sitemaps/articles-1.xml"):
            self.assertEqual(self.read(url), srv.get(url).body, url)
        # A full build over it agrees with the incremental one.
        self.assertEqual(self.build("--full")["written"], 0)


if __name__ == "__main__":
    import unittest
    unittest.main()
