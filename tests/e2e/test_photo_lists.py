"""Photos in lists on the demo newsroom: once an article has a lead photo, its card on the section,
tag, author and search pages and in other articles' related lists shows a lazy thumbnail with
its size, drawn from the photo's renditions; the read API lists those renditions and the
article sitemap has an image entry for it (valid against the sitemap XSDs)."""
import html
import os
import re
import subprocess
import unittest
import urllib.parse

from nz import eventually
from nzadmin import NewsroomCase, add_user, api, png
from test_admin_pages import Browser, field


class PhotoLists(NewsroomCase):
    prefix = "nz-e2e-photo-lists-"
    setup = ("demo",)

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.adam_pw = add_user(cls.db, "adam", "admin")
        arts = cls.srv.get("/api/v1/articles?limit=100").json()["articles"]
        # the newest article with a section, a tag and an author, on page 1 of each of its lists;
        # not the demo's live story (listed at its newest update), whose photos are looked at
        # as the demo made them
        cls.art = next(a for a in arts if a["section"] and a["tags"] and a["authors"]
                       and a["language"] == "en" and a["listed_at"] == a["published_at"])
        r = api(cls.srv, "POST", "/api/v1/admin/media?caption=Quay&alt=A+quay+at+dawn",
                cls.token, raw=png(800, 500), headers={"Content-Type": "image/png"})
        assert r.status == 201, r.text
        cls.photo = r.json()
        admin = api(cls.srv, "GET", "/api/v1/admin/articles/%d" % cls.art["id"], cls.token).json()
        r = api(cls.srv, "PATCH", "/api/v1/admin/articles/%d" % cls.art["id"], cls.token,
                {"revision": admin["revision"], "media": [{"id": cls.photo["id"]}]})
        assert r.status == 200, r.text

    def thumb_of(self, path):
        """The <img> of the article's thumbnail on the page at path, or None."""
        page = self.srv.get(path).text
        href = urllib.parse.urlsplit(self.art["url"]).path
        for li in re.findall(r"<li[^>]*>.*?</li>", page, re.S):
            if 'href="%s"' % href in li and "card-thumb" in li:
                return re.search(r"<img [^>]*>", li).group(0)
        return None

    def assertThumb(self, path):
        self.assertTrue(eventually(lambda: self.thumb_of(path) is not None), path)
        img = self.thumb_of(path)
        self.assertIn('src="/media/%s.w' % self.photo["hash"], img)
        self.assertIn('loading="lazy"', img)
        self.assertIn('alt="A quay at dawn"', img)
        self.assertRegex(img, r'width="\d+" height="\d+"')
        self.assertIn('sizes="(min-width: 44rem) 12rem, 33vw"', img)
        src = re.search(r'src="([^"]+)"', img).group(1)
        self.assertEqual(self.srv.get(src).status, 200, src)

    def test_section_tag_and_author_lists(self):
        self.assertThumb("/section/%s" % self.art["section"]["slug"])
        self.assertThumb("/tag/%s" % self.art["tags"][0]["slug"])
        self.assertThumb("/author/%s" % self.art["authors"][0]["slug"])

    def test_search_results(self):
        q = urllib.parse.quote(self.art["headline"])
        self.assertThumb("/search?q=" + q)

    def test_related_articles(self):
        arts = self.srv.get("/api/v1/articles?limit=100&section=%s" %
                            self.art["section"]["slug"]).json()["articles"]
        href = urllib.parse.urlsplit(self.art["url"]).path
        shown = [a for a in arts if a["id"] != self.art["id"] and href in re.search(
            r'<aside class="related".*?</aside>|$', self.srv.get(
                urllib.parse.urlsplit(a["url"]).path).text, re.S).group(0)]
        self.assertTrue(shown, "no article lists it as related")
        self.assertThumb(urllib.parse.urlsplit(shown[0]["url"]).path)

    def test_read_api_lists_renditions(self):
        a = self.srv.get("/api/v1/articles/" + self.art["slug"]).json()
        rs = a["media"][0]["renditions"]
        names = [r["path"].split(".", 1)[1] for r in rs]
        self.assertIn("w640.webp", names)
        self.assertIn("191x100.f50-50.w1200.jpg", names)
        self.assertNotIn("w1280.jpg", names)  # never past the photo's 800 px
        for r in rs:
            if r["path"].endswith(".w480.jpg"):
                self.assertEqual((r["type"], r["width"], r["height"]), ("image/jpeg", 480, 300))
                got = self.srv.get(urllib.parse.urlsplit(r["url"]).path)
                self.assertEqual(got.status, 200)
                self.assertEqual(got.headers["content-type"], "image/jpeg")

    def test_demo_newsroom_has_photographs(self):
        arts = self.srv.get("/api/v1/articles?limit=100").json()["articles"]
        photos = {a["slug"]: [m for m in a["media"] if m["url"]] for a in arts}
        self.assertGreaterEqual(sum(1 for p in photos.values() if p), 25)
        self.assertGreaterEqual(sum(1 for p in photos.values() if len(p) >= 2), 3)
        several = next(s for s, p in photos.items() if len(p) == 3)
        page = self.srv.get("/article/" + urllib.parse.quote(several)).text
        story = page[page.index('<article class="story">'):page.index("</article>")]
        self.assertEqual(story.count("<picture>"), 3)  # the lead and two after the body
        self.assertIn("GPL-2+", page)  # the credit names the license
        front = self.srv.get("/").text
        self.assertIn('fetchpriority="high"', front)
        self.assertGreaterEqual(front.count('class="card-thumb"'), 5)
        src = re.search(r'<img src="(/media/[0-9a-f]{64}\.w\d+\.jpg)"', front).group(1)
        got = self.srv.get(src)
        self.assertEqual((got.status, got.headers["content-type"]), (200, "image/jpeg"))

    def test_image_sitemap(self):
        index = self.srv.get("/sitemap.xml").text
        children = re.findall(r"<loc>[^<]*(/sitemaps/articles-\d+\.xml)</loc>", index)
        self.assertTrue(children)
        text = "".join(self.srv.get(c).text for c in children)
        entry = re.search(r"<url>\n<loc>%s</loc>.*?</url>" % re.escape(self.art["url"]), text,
                          re.S).group(0)
        self.assertIn("<image:image>\n<image:loc>http://127.0.0.1:8080/media/%s.png</image:loc>"
                      % self.photo["hash"], entry)
        self.assertEqual(entry.count("<image:image>"), 1)
        # the demo's own photographs: one entry per photo of each article that has some
        self.assertGreaterEqual(text.count("<image:image>"), 25)
        path = os.path.join(self.tmp, "child.xml")
        with open(path, "w", encoding="utf-8") as f:
            f.write(self.srv.get(children[0]).text)
        schema = os.path.join(os.environ.get("NZ_SHARED", "../shared"), "schemas",
                              "sitemap-all.xsd")
        p = subprocess.run(["xmllint", "--nonet", "--noout", "--schema", schema, path],
                           capture_output=True, text=True)
        self.assertEqual(p.returncode, 0, p.stderr)

    def test_site_card_image_for_pages_without_a_photo(self):
        adam = Browser(self.srv, "adam", self.adam_pw)
        form = adam.get("/admin/settings").text
        fields = [(k, html.unescape(re.search(r'name="%s"[^>]*value="([^"]*)"' % k, form)
                                        .group(1))) for k in
                  ("name", "tagline", "base_url", "copyright")] + [
                      ("language", "en")]
        r = api(self.srv, "POST", "/api/v1/admin/media?caption=Logo", self.token,
                raw=png(1400, 800), headers={"Content-Type": "image/png"})
        card = r.json()
        bare = next(a for a in self.srv.get("/api/v1/articles?limit=100").json()["articles"]
                    if not any(m["url"] for m in a["media"]))
        bare_path = urllib.parse.urlsplit(bare["url"]).path

        def og(path):
            page = self.srv.get(path).text
            m = re.search(r'<meta property="og:image" content="([^"]+)">', page)
            return m.group(1) if m else None, re.search(
                r'<meta name="twitter:card" content="([^"]+)">', page).group(1)
        self.assertEqual(og(bare_path), (None, "summary"))
        r = adam.post("/admin/settings", fields + [("card_image", "999999")])
        self.assertEqual(r.status, 422)
        self.assertIn("number of an uploaded photo", r.text)
        r = adam.post("/admin/settings", fields + [("card_image", str(card["id"]))])
        self.assertEqual(r.status, 303, r.text)
        want = "http://127.0.0.1:8080/media/%s.191x100.f50-50.w1200.jpg" % card["hash"]
        for path in (bare_path, "/"):
            self.assertTrue(eventually(lambda: og(path) == (want, "summary_large_image")), path)
        page = self.srv.get(bare_path).text
        self.assertIn('<meta property="og:image:width" content="1200">', page)
        self.assertIn('<meta property="og:image:height" content="627">', page)
        self.assertEqual(self.srv.get(urllib.parse.urlsplit(want).path).status, 200)
        # an article with its own photo keeps it
        self.assertIn(self.photo["hash"], og(urllib.parse.urlsplit(self.art["url"]).path)[0])
        # the form shows the current card; saving it again keeps it, emptying it removes it
        form = adam.get("/admin/settings").text
        self.assertEqual(field(form, "card_image"), card["hash"])
        self.assertEqual(adam.post("/admin/settings", fields + [("card_image", card["hash"])]
                                   ).status, 303)
        self.assertEqual(og(bare_path)[0], want)
        self.assertEqual(adam.post("/admin/settings", fields + [("card_image", "")]).status, 303)
        self.assertTrue(eventually(lambda: og(bare_path) == (None, "summary")))
        # the other settings came through the form unchanged
        # (the English edition's footer shows the copyright setting; a Korean page its own line)
        self.assertIn("&lt;Copyright", self.srv.get("/").text)


if __name__ == "__main__":
    unittest.main()
