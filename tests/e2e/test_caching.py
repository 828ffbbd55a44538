"""HTTP caching on the real server over the demo newsroom: ETag and Last-Modified, 304 on
If-None-Match and If-Modified-Since for every kind of public page, gzip and Brotli that decompress
to the same bytes (br when the client prefers it or likes both as much), Vary, Cache-Control per kind (immutable hashed assets), Surrogate-Key naming what a
page depends on, HEAD answering like GET, and what must never be cached."""
import gzip
import hashlib
import os
import re
import shutil
import tempfile
import unittest
import urllib.parse

import nzbrotli
from nz import Server, eventually, new_db, run, sql_rows, sql_write
from nzadmin import png as make_png


class Caching(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="nz-e2e-cache-")
        cls.db = new_db(os.path.join(cls.tmp, "demo.db"))
        run(["demo"], db=cls.db)
        cls.srv = Server(cls.db)
        cls.articles = cls.srv.get("/api/v1/articles?limit=100").json()["articles"]
        front = cls.srv.get("/").text
        cls.css = re.search(r'href="(/static/site\.[0-9a-f]+\.css)"', front).group(1)
        # an article listed at its publication (the demo's live story is listed at its newest
        # update, and its page's validators follow the updates: docs/live-coverage.md)
        a = next(x for x in cls.articles
                 if x["tags"] and x["section"] and x["listed_at"] == x["published_at"])
        cls.article = a
        cls.pages = {
            "front": "/",
            "article": cls.path(a["url"]),
            "section": cls.path(a["section"]["url"]),
            "author": cls.path(a["authors"][0]["url"]),
            "static": cls.css,
            "plain static": "/static/site.css",
            "api list": "/api/v1/articles?limit=5",
            "api article": "/api/v1/articles/" + urllib.parse.quote(a["slug"]),
        }

    @classmethod
    def tearDownClass(cls):
        cls.srv.stop()
        shutil.rmtree(cls.tmp, ignore_errors=True)

    @staticmethod
    def path(url):
        return urllib.parse.urlsplit(url).path

    def get(self, path, **headers):
        return self.srv.get(path, headers=headers)

    def test_if_none_match_gives_304_on_every_kind(self):
        for kind, path in self.pages.items():
            with self.subTest(kind):
                r = self.get(path)
                self.assertEqual(r.status, 200)
                etag = r.headers["etag"]
                self.assertRegex(etag, r'^"[0-9a-f]{32}"$')
                again = self.get(path, **{"If-None-Match": etag})
                self.assertEqual(again.status, 304)
                self.assertEqual(again.body, b"")
                self.assertEqual(again.headers["etag"], etag)
                self.assertEqual(again.headers["cache-control"], r.headers["cache-control"])
                self.assertNotIn("content-type", again.headers)
                # A weak comparison, in a list, and "*" all match; another tag does not.
                self.assertEqual(self.get(path, **{"If-None-Match": '"x", W/' + etag}).status, 304)
                self.assertEqual(self.get(path, **{"If-None-Match": "*"}).status, 304)
                other = self.get(path, **{"If-None-Match": '"0123456789abcdef0123456789abcdef"'})
                self.assertEqual(other.status, 200)
                self.assertEqual(other.body, r.body)

    def test_if_modified_since_gives_304(self):
        for kind, path in self.pages.items():
            with self.subTest(kind):
                r = self.get(path)
                lm = r.headers["last-modified"]
                self.assertRegex(lm, r"^[A-Z][a-z]{2}, \d\d [A-Z][a-z]{2} \d{4} \d\d:\d\d:\d\d GMT$")
                self.assertEqual(self.get(path, **{"If-Modified-Since": lm}).status, 304)
                old = "Thu, 01 Jan 2015 00:00:00 GMT"
                r2 = self.get(path, **{"If-Modified-Since": old})
                self.assertEqual(r2.status, 200)
                self.assertEqual(r2.body, r.body)
                # If-None-Match wins over If-Modified-Since.
                r3 = self.get(path, **{"If-Modified-Since": lm, "If-None-Match": '"stale"'})
                self.assertEqual(r3.status, 200)

    def test_article_last_modified_is_its_update_time(self):
        a = self.article
        r = self.get(self.pages["article"])
        times = [a["updated_at"], a["published_at"]] + [c["created_at"] for c in a["corrections"]]
        newest = max(t for t in times if t)
        from email.utils import parsedate_to_datetime
        lm = parsedate_to_datetime(r.headers["last-modified"])
        self.assertEqual(lm.strftime("%Y-%m-%dT%H:%M:%SZ"), newest)

    def test_gzip_decompresses_to_the_same_bytes(self):
        for kind in ("front", "article", "section", "static", "api list", "api article"):
            with self.subTest(kind):
                path = self.pages[kind]
                plain = self.get(path)
                z = self.get(path, **{"Accept-Encoding": "gzip, deflate"})
                self.assertEqual(z.headers.get("content-encoding"), "gzip")
                self.assertEqual(gzip.decompress(z.body), plain.body)
                self.assertLess(len(z.body), len(plain.body))
                self.assertEqual(int(z.headers["content-length"]), len(z.body))
                for r in (plain, z):
                    self.assertIn("Accept-Encoding",
                                  [v.strip() for v in r.headers["vary"].split(",")])
                self.assertNotIn("content-encoding", plain.headers)
                # The gzip variant has its own strong validator, which revalidates it.
                self.assertEqual(z.headers["etag"], plain.headers["etag"][:-1] + '-gz"')
                again = self.get(path, **{"Accept-Encoding": "gzip",
                                          "If-None-Match": z.headers["etag"]})
                self.assertEqual(again.status, 304)
                refused = self.get(path, **{"Accept-Encoding": "gzip;q=0, identity"})
                self.assertNotIn("content-encoding", refused.headers)
                self.assertEqual(refused.body, plain.body)

    def test_brotli_decompresses_to_the_same_bytes(self):
        for kind in ("front", "article", "static", "api list"):
            with self.subTest(kind):
                path = self.pages[kind]
                plain = self.get(path)
                br = self.get(path, **{"Accept-Encoding": "gzip, deflate, br"})
                self.assertEqual(br.headers.get("content-encoding"), "br")
                self.assertEqual(nzbrotli.decompress(br.body), plain.body)
                self.assertLess(len(br.body), len(plain.body))
                self.assertEqual(int(br.headers["content-length"]), len(br.body))
                self.assertIn("Accept-Encoding",
                              [v.strip() for v in br.headers["vary"].split(",")])
                self.assertEqual(br.headers["etag"], plain.headers["etag"][:-1] + '-br"')
                again = self.get(path, **{"Accept-Encoding": "br",
                                          "If-None-Match": br.headers["etag"]})
                self.assertEqual(again.status, 304)
                # q values decide: gzip when the client prefers it, nothing when both are refused.
                gz = self.get(path, **{"Accept-Encoding": "br;q=0.5, gzip"})
                self.assertEqual(gz.headers.get("content-encoding"), "gzip")
                self.assertEqual(gzip.decompress(gz.body), plain.body)
                none = self.get(path, **{"Accept-Encoding": "br;q=0, gzip;q=0"})
                self.assertNotIn("content-encoding", none.headers)
                self.assertEqual(none.body, plain.body)

    def test_api_article_varies_on_accept(self):
        """The same URL answers JSON or IPTC ninjs by Accept: a shared cache must not mix them."""
        path = self.pages["api article"]
        plain = self.get(path)
        self.assertEqual(plain.headers["vary"], "Accept, Accept-Encoding")
        self.assertIn("headline", plain.json())
        ninjs = self.get(path, Accept="application/ninjs+json")
        self.assertIn("headlines", ninjs.json())
        self.assertNotEqual(plain.headers["etag"], ninjs.headers["etag"])
        # The .ninjs URL is one representation only.
        self.assertNotIn("Accept,", self.get(path + ".ninjs").headers.get("vary", ""))

    def test_images_are_not_gzipped_and_have_no_vary(self):
        # A photo as the store keeps it: bytes addressed by their SHA-256 (readers get the
        # image pipeline's copy of it, a PNG too).
        png = make_png(64, 48)
        digest = hashlib.sha256(png).hexdigest()
        sql_write(self.db, "INSERT INTO blobs(hash, mime, bytes, created_at)"
                  " VALUES (?, 'image/png', ?, 0)", (digest, png))
        path = "/media/%s.png" % digest
        r = self.get(path, **{"Accept-Encoding": "gzip"})
        self.assertEqual(r.status, 200)
        self.assertEqual(r.body[:8], png[:8])
        self.assertNotIn("content-encoding", r.headers)
        self.assertNotIn("vary", r.headers)
        self.assertEqual(r.headers["cache-control"], "public, max-age=31536000, immutable")
        self.assertEqual(self.get(path, **{"If-None-Match": r.headers["etag"]}).status, 304)

    def test_cache_control_per_kind(self):
        cc = {k: self.get(p).headers["cache-control"] for k, p in self.pages.items()}
        self.assertEqual(cc["static"], "public, max-age=31536000, immutable")
        self.assertNotIn("immutable", cc["plain static"])
        self.assertIn("max-age=300", cc["plain static"])
        self.assertIn("max-age=60", cc["front"])
        self.assertIn("max-age=300", cc["article"])
        self.assertIn("stale-while-revalidate", cc["article"])
        self.assertIn("max-age=120", cc["section"])
        for kind, value in cc.items():
            self.assertTrue(value.startswith("public"), kind)

    def test_surrogate_keys_name_what_the_page_depends_on(self):
        a = self.article
        section = int(sql_rows(self.db, "SELECT section_id FROM articles WHERE id = ?",
                               (a["id"],))[0][0])
        tags = [int(r[0]) for r in sql_rows(
            self.db, "SELECT tag_id FROM article_tags WHERE article_id = ?", (a["id"],))]
        authors = [int(r[0]) for r in sql_rows(
            self.db, "SELECT author_id FROM article_authors WHERE article_id = ?", (a["id"],))]
        self.assertTrue(tags and authors)
        want = {"article-%d" % a["id"], "section-%d" % section}
        want |= {"tag-%d" % t for t in tags} | {"author-%d" % au for au in authors}
        # The HTML page also names its related-articles box (docs/related.md).
        for kind, extra in (("article", {"related-%d" % a["id"]}), ("api article", set())):
            keys = set(self.get(self.pages[kind]).headers["surrogate-key"].split())
            self.assertEqual(keys, want | extra, kind)
        front = self.get("/").headers["surrogate-key"].split()
        self.assertIn("front", front)
        self.assertIn("article-%d" % self.articles[0]["id"], front)
        sec = self.get(self.pages["section"]).headers["surrogate-key"].split()
        self.assertIn("section-%d" % section, sec)
        self.assertIn("article-%d" % a["id"], sec)
        self.assertEqual(self.get(self.css).headers["surrogate-key"], "static")

    def test_head_answers_like_get(self):
        for kind, path in self.pages.items():
            for enc in ("", "gzip", "br"):
                with self.subTest(kind, enc=enc):
                    h = {"Accept-Encoding": enc} if enc else {}
                    g = self.srv.request("GET", path, headers=h)
                    hd = self.srv.request("HEAD", path, headers=h)
                    self.assertEqual(hd.status, 200)
                    self.assertEqual(hd.body, b"")
                    for name in ("etag", "last-modified", "cache-control", "vary",
                                 "content-length", "content-encoding", "surrogate-key",
                                 "content-type"):
                        self.assertEqual(hd.headers.get(name), g.headers.get(name), name)
                    conditional = dict(h, **{"If-None-Match": g.headers["etag"]})
                    self.assertEqual(self.srv.request("HEAD", path, headers=conditional).status, 304)

    def test_errors_and_private_pages_are_not_cached(self):
        for path in ("/article/no-such-article", "/api/v1/articles/no-such-article",
                     "/section/no-such-section", "/admin", "/api/v1/admin/webhooks"):
            with self.subTest(path):
                r = self.get(path, **{"If-None-Match": "*", "Accept-Encoding": "gzip"})
                self.assertNotEqual(r.status, 304)
                self.assertNotIn("etag", r.headers)
                self.assertNotIn("surrogate-key", r.headers)

    def test_a_change_invalidates_the_validator(self):
        r = self.get("/")
        sql_write(self.db, "INSERT INTO settings(key, value) VALUES ('tagline', 'Changed for a test')"
                  " ON CONFLICT(key) DO UPDATE SET value = excluded.value")
        try:
            # Written by another process: the server notices within its poll.
            eventually(lambda: self.get("/", **{"If-None-Match": r.headers["etag"]}).status == 200)
            r2 = self.get("/", **{"If-None-Match": r.headers["etag"]})
            self.assertEqual(r2.status, 200)
            self.assertNotEqual(r2.headers["etag"], r.headers["etag"])
        finally:
            sql_write(self.db, "DELETE FROM settings WHERE key = 'tagline'")
            # The other tests share this server: let it notice the clean-up too (its poll).
            eventually(lambda: "Changed for a test" not in self.get("/").text)


if __name__ == "__main__":
    unittest.main()
