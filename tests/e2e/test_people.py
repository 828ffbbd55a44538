"""Authors and tags end to end: an author's profile (a job title and bio per language, a photo,
links) written through the admin API and the back office's form, shown on the author's page and
in the schema.org Person of their articles and page; a tag's names per language shown instead
of its slug; merging two authors or two tags, or renaming a tag, moves the articles and the old
address answers 301. Refused input changes nothing. A real server on a real database;
accounts and tokens made with the CLI."""
import json
import os
import re
import shutil
import tempfile
import unittest

from nz import Server, new_db, run
from nzadmin import add_token, add_user, api, png
from test_admin_pages import Browser, field


def jsonld(html):
    return [json.loads(m) for m in
            re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)]


class People(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="nz-e2e-people-")
        cls.db = new_db(os.path.join(cls.tmp, "people.db"))
        run(["init"], db=cls.db)
        cls.pw, cls.tokens = {}, {}
        for login, role in (("eve", "editor"), ("cal", "contributor")):
            cls.pw[login] = add_user(cls.db, login, role)
            cls.tokens[login] = add_token(cls.db, login)[1]
        cls.srv = Server(cls.db)

    @classmethod
    def tearDownClass(cls):
        cls.srv.stop()
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def call(self, method, path, body=None, who="eve", **kw):
        return api(self.srv, method, "/api/v1/admin" + path, self.tokens.get(who), body, **kw)

    def publish(self, headline, authors, tags=()):
        r = self.call("POST", "/articles", {"headline": headline, "body_markdown": "Text.",
                                            "authors": authors, "tags": list(tags)})
        self.assertEqual(r.status, 201, r.text)
        a = r.json()
        self.assertEqual(self.call("POST", "/articles/%d/publish" % a["id"]).status, 200)
        return a

    def test_a_profile_shows_on_the_author_page_and_in_the_articles_json_ld(self):
        a = self.publish("Navies meet in Busan", ["Han Ji-woo"])
        slug = a["authors"][0]["slug"]
        m = self.call("POST", "/media", raw=png(64, 64), headers={"Content-Type": "image/png"})
        self.assertEqual(m.status, 201, m.text)
        r = self.call("PATCH", "/authors/" + slug, {
            "texts": {"en": {"job_title": "Defense correspondent", "bio": "Covers the navy."},
                      "ko": {"job_title": "국방 전문기자", "bio": "해군을 취재한다."}},
            "photo_id": m.json()["id"],
            "same_as": ["https://social.example/@han"]})
        self.assertEqual(r.status, 200, r.text)
        au = r.json()
        self.assertEqual(au["texts"]["ko"]["job_title"], "국방 전문기자")
        self.assertEqual(au["same_as"], ["https://social.example/@han"])
        self.assertEqual(self.call("GET", "/authors/" + slug).json(), au)
        self.assertIn(slug, [x["slug"] for x in self.call("GET", "/authors").json()["authors"]])

        # The author's page: photo, title, bio, link, and a ProfilePage about the Person.
        page = self.srv.get("/author/" + slug)
        self.assertEqual(page.status, 200)
        self.assertIn('<p class="job-title">Defense correspondent</p>', page.text)
        self.assertIn("Covers the navy.", page.text)
        self.assertIn('href="https://social.example/@han" rel="me"', page.text)
        person = jsonld(page.text)[0]["mainEntity"]
        self.assertEqual((person["jobTitle"], person["description"], person["sameAs"]),
                         ("Defense correspondent", "Covers the navy.",
                          ["https://social.example/@han"]))
        photo = self.srv.get(re.sub(r"^https?://[^/]+", "", au["photo"]["url"]))
        self.assertEqual(photo.status, 200)
        self.assertEqual(photo.headers["content-type"], "image/jpeg")
        self.assertIn(re.sub(r"^https?://[^/]+", "", au["photo"]["url"]), page.text)

        # The article's NewsArticle names the same Person.
        html = self.srv.get("/article/" + a["slug"]).text
        news = [x for x in jsonld(html) if x.get("@type") == "NewsArticle"][0]
        self.assertEqual(news["author"][0]["jobTitle"], "Defense correspondent")
        self.assertEqual(news["author"][0]["image"], au["photo"]["url"])

        # Clearing the profile takes it off the page.
        r = self.call("PATCH", "/authors/" + slug, {"texts": {}, "photo_id": None, "same_as": []})
        self.assertEqual(r.status, 200, r.text)
        page = self.srv.get("/author/" + slug).text
        self.assertNotIn("job-title", page)
        self.assertNotIn("jobTitle", page)

    def test_bad_input_is_refused_and_changes_nothing(self):
        slug = self.publish("Drills end", ["Yoon Seo-yeon"])["authors"][0]["slug"]
        before = self.call("GET", "/authors/" + slug).json()
        for body, words in (({"same_as": ["javascript:alert(1)"]}, "links"),
                            ({"texts": {"fr": {"bio": "Bonjour"}}}, "fr"),
                            ({"photo_id": 999999}, "photo"),
                            ({"display_name": ""}, "display name"),
                            ({"texts": ["en"]}, "texts"),
                            ({"name_order": "sideways"}, "name_order")):
            r = self.call("PATCH", "/authors/" + slug, body)
            self.assertEqual(r.status, 400, body)
            self.assertIn(words, r.json()["error"]["message"], body)
        self.assertEqual(self.call("GET", "/authors/" + slug).json(), before)
        self.assertEqual(self.call("PATCH", "/authors/" + slug, {"bio": "x"}, who="cal").status,
                         403)
        self.assertEqual(self.call("GET", "/authors", who=None).status, 401)
        self.assertEqual(self.call("GET", "/authors/no-such-person").status, 404)

    def test_merging_moves_the_bylines_and_the_old_address_answers_301(self):
        a = self.publish("Fleet returns", ["Lim Do-hyun"])
        b = self.publish("Fleet leaves", ["D. Lim"])
        keep, gone = a["authors"][0]["slug"], b["authors"][0]["slug"]
        r = self.call("POST", "/authors/%s/merge" % gone, {"into": gone})
        self.assertEqual(r.status, 400, r.text)
        r = self.call("POST", "/authors/%s/merge" % gone, {"into": keep})
        self.assertEqual(r.status, 200, r.text)
        self.assertEqual(r.json()["slug"], keep)
        self.assertEqual(self.call("GET", "/authors/" + gone).status, 404)
        art = self.srv.get("/api/v1/articles/" + b["slug"]).json()
        self.assertEqual([x["slug"] for x in art["authors"]], [keep])
        old = self.srv.get("/author/" + gone)
        self.assertEqual(old.status, 301)
        self.assertEqual(old.headers["location"], "/author/" + keep)
        self.assertIn("Fleet leaves", self.srv.get("/author/" + keep).text)

    def test_the_back_office_form_saves_uploads_and_merges(self):
        a = self.publish("Harbour reopens", ["Park Min-seo"])
        other = self.publish("Harbour closes", ["M. Park"])["authors"][0]["slug"]
        slug = a["authors"][0]["slug"]
        eve = Browser(self.srv, "eve", self.pw["eve"])
        listing = eve.get("/admin/authors")
        self.assertEqual(listing.status, 200)
        self.assertIn('href="/admin/authors/%s"' % slug, listing.text)
        form = eve.get("/admin/authors/" + slug)
        self.assertEqual(form.status, 200)
        self.assertEqual(field(form.text, "display_name"), "Park Min-seo")
        fields = [("display_name", "Park Min-seo"), ("given_name", "Min-seo"),
                  ("family_name", "Park"), ("name_order", "eastern"), ("email", ""),
                  ("job_title_en", "Port reporter"), ("bio_en", "Writes about ports."),
                  ("job_title_ko", "항만 기자"), ("bio_ko", ""), ("photo_id", ""),
                  ("links", "https://example.org/park\n\n")]
        # A bad link: 422, the problem named, what was typed kept, nothing saved.
        r = eve.post("/admin/authors/" + slug, fields[:-1] + [("links", "ftp://x")])
        self.assertEqual(r.status, 422, r.text)
        self.assertIn("links", r.text)
        self.assertEqual(field(r.text, "job_title_en"), "Port reporter")
        self.assertEqual(self.call("GET", "/authors/" + slug).json()["texts"], {})
        # Saved with an uploaded photo.
        r = eve.post("/admin/authors/" + slug, fields, files={"photo_file": ("me.png", png(48, 48))})
        self.assertEqual(r.status, 303, r.text)
        self.assertTrue(r.headers["location"].endswith("?done=author-saved"))
        au = self.call("GET", "/authors/" + slug).json()
        self.assertEqual(au["texts"], {"en": {"job_title": "Port reporter",
                                              "bio": "Writes about ports."},
                                       "ko": {"job_title": "항만 기자", "bio": None}})
        self.assertEqual(au["same_as"], ["https://example.org/park"])
        self.assertIsNotNone(au["photo"])
        self.assertIn("The author was saved.", eve.get(r.headers["location"]).text)
        # A contributor may not.
        cal = Browser(self.srv, "cal", self.pw["cal"])
        self.assertEqual(cal.get("/admin/authors").status, 403)
        self.assertEqual(cal.post("/admin/authors/" + slug, fields).status, 403)
        # Merge from the form.
        r = eve.post("/admin/authors/%s/merge" % other, [("into", slug)])
        self.assertEqual(r.status, 303, r.text)
        self.assertEqual(self.srv.get("/author/" + other).status, 301)

    def test_a_tag_is_shown_by_its_name_renamed_and_merged(self):
        a = self.publish("Jets fly", ["Oh Se-ri"], ["air-force"])
        b = self.publish("Jets land", ["Oh Se-ri"], ["usaf"])
        r = self.call("PATCH", "/tags/air-force", {
            "name": "Air Force",
            "texts": {"ko": {"name": "공군", "description": "하늘을 지킨다."},
                      "en": {"description": "Everything about the air force."}}})
        self.assertEqual(r.status, 200, r.text)
        self.assertEqual(r.json()["texts"]["ko"]["name"], "공군")
        html = self.srv.get("/article/" + a["slug"]).text
        self.assertRegex(html, r'<a[^>]*href="/tag/air-force"[^>]*>Air Force</a>')
        page = self.srv.get("/tag/air-force").text
        self.assertIn("<h1>Air Force</h1>", page)
        self.assertIn("Everything about the air force.", page)
        # Refused: an address another tag has, a bad address, a language of no site.
        for body, status in (({"slug": "usaf"}, 409), ({"slug": "Air Force"}, 400),
                             ({"texts": {"fr": {"name": "Armée de l'air"}}}, 400)):
            self.assertEqual(self.call("PATCH", "/tags/air-force", body).status, status, body)
        # Renamed: the old address answers 301, the article keeps its tag.
        r = self.call("PATCH", "/tags/air-force", {"slug": "air-force-ops"})
        self.assertEqual(r.status, 200, r.text)
        self.assertEqual(r.json()["slug"], "air-force-ops")
        old = self.srv.get("/tag/air-force")
        self.assertEqual((old.status, old.headers["location"]), (301, "/tag/air-force-ops"))
        # Merged: usaf's article carries the kept tag; both old addresses lead to it.
        r = self.call("POST", "/tags/usaf/merge", {"into": "air-force-ops"})
        self.assertEqual(r.status, 200, r.text)
        art = self.srv.get("/api/v1/articles/" + b["slug"]).json()
        self.assertEqual([t["slug"] for t in art["tags"]], ["air-force-ops"])
        self.assertEqual(self.srv.get("/tag/usaf").headers["location"], "/tag/air-force-ops")
        self.assertIn("Jets land", self.srv.get("/tag/air-force-ops").text)
        self.assertEqual(self.call("GET", "/tags", who="cal").status, 403)

    def test_the_tags_form_saves_and_renames(self):
        self.publish("Radar", ["Oh Se-ri"], ["radar"])
        eve = Browser(self.srv, "eve", self.pw["eve"])
        self.assertIn('href="/admin/tags/radar"', eve.get("/admin/tags").text)
        self.assertEqual(eve.get("/admin/tags/radar").status, 200)
        fields = [("name", "Radar"), ("name_en", ""), ("description_en", "Seeing far."),
                  ("name_ko", "레이더"), ("description_ko", "")]
        r = eve.post("/admin/tags/radar", fields + [("slug", "Not A Slug")])
        self.assertEqual(r.status, 422, r.text)
        self.assertIn("not a slug", r.text)
        r = eve.post("/admin/tags/radar", fields + [("slug", "radars")])
        self.assertEqual(r.status, 303, r.text)
        self.assertEqual(r.headers["location"], "/admin/tags/radars?done=tag-saved")
        t = self.call("GET", "/tags/radars").json()
        self.assertEqual(t["texts"], {"en": {"name": None, "description": "Seeing far."},
                                      "ko": {"name": "레이더", "description": None}})
        self.assertEqual(self.srv.get("/tag/radar").status, 301)


if __name__ == "__main__":
    unittest.main()
