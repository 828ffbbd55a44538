"""The media library on a real server: the admin API lists, searches, filters and pages the
photos, edits a photo's texts and focal point (the article pages that show it change at once and
their crops are cut around the new point), and refuses to delete a photo an article uses, naming
the article; the back-office pages do the same for people, with a plain form for the focal
point."""
import os
import shutil
import subprocess
import tempfile
import unittest

from nz import PG_URI, Server, eventually, new_db, run, sql_rows, sql_write
from nzadmin import NewsroomCase, add_token, add_user, api, png
from test_admin_pages import Browser


class MediaLibrary(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="nz-e2e-media-")
        cls.db = new_db(os.path.join(cls.tmp, "media.db"))
        run(["init"], db=cls.db)
        cls.eve_pw = add_user(cls.db, "eve", "editor")
        add_user(cls.db, "carl", "contributor")
        cls.token = add_token(cls.db, "eve")[1]
        cls.carl = add_token(cls.db, "carl")[1]
        cls.srv = Server(cls.db)

    @classmethod
    def tearDownClass(cls):
        cls.srv.stop()
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def upload(self, w, h, query="", alt="A test card", token=None):
        if alt and "alt=" not in query:
            query += ("&" if query else "?") + "alt=" + alt.replace(" ", "+")
        r = api(self.srv, "POST", "/api/v1/admin/media" + query, token or self.token,
                raw=png(w, h),
                headers={"Content-Type": "image/png"})
        self.assertEqual(r.status, 201, r.text)
        return r.json()

    def publish_with(self, headline, media_id):
        r = api(self.srv, "POST", "/api/v1/admin/articles", self.token,
                body={"headline": headline, "body_markdown": "Text.",
                      "media": [{"id": media_id}]})
        self.assertEqual(r.status, 201, r.text)
        a = r.json()
        r = api(self.srv, "POST", "/api/v1/admin/articles/%d/publish" % a["id"], self.token)
        self.assertEqual(r.status, 200, r.text)
        return r.json()

    def test_list_search_filters_and_pages(self):
        tag = "lib%d" % os.getpid()
        a = self.upload(60, 40, "?caption=%s+harbour+at+dawn&filename=harbour.png" % tag)
        b = self.upload(61, 40, "?caption=%s+tanks&credit=Army+Press" % tag)
        c = self.upload(62, 40, "?caption=%s+jets&filename=IMG_0042.PNG&alt=Two+jets" % tag)
        self.publish_with("Tanks roll in", b["id"])

        def ids(query):
            r = api(self.srv, "GET", "/api/v1/admin/media?" + query, self.token)
            self.assertEqual(r.status, 200, r.text)
            return [m["id"] for m in r.json()["media"]], r.json()

        self.assertEqual(ids("q=" + tag)[0], [c["id"], b["id"], a["id"]])  # newest first
        self.assertEqual(ids("q=%s+harbour" % tag)[0], [a["id"]])
        self.assertEqual(ids("q=army+press")[0], [b["id"]])          # the credit
        self.assertEqual(ids("q=img_0042")[0], [c["id"]])            # the file name
        self.assertEqual(ids("q=%s&used=yes" % tag)[0], [b["id"]])
        self.assertEqual(ids("q=%s&used=no" % tag)[0], [c["id"], a["id"]])
        first, page = ids("q=%s&limit=2" % tag)
        self.assertEqual(first, [c["id"], b["id"]])
        self.assertEqual(ids("q=%s&limit=2&cursor=%s" % (tag, page["next_cursor"]))[0], [a["id"]])
        self.assertEqual(page["media"][1]["uses"], 1)
        self.assertEqual(ids("q=%s&to=2001-01-01" % tag)[0], [])
        r = api(self.srv, "GET", "/api/v1/admin/media?used=maybe", self.token)
        self.assertEqual(r.status, 400)
        self.assertIn("used", r.json()["error"]["message"])

    def test_filter_by_uploader(self):
        tag = "upl%d" % os.getpid()
        a = self.upload(80, 40, "?caption=%s+by+eve" % tag)
        b = self.upload(81, 40, "?caption=%s+by+carl" % tag, token=self.carl)
        c = self.upload(82, 40, "?caption=%s+carl+again" % tag, token=self.carl)
        self.publish_with("Carl's photo in use", b["id"])

        def ids(query):
            r = api(self.srv, "GET", "/api/v1/admin/media?" + query, self.token)
            self.assertEqual(r.status, 200, r.text)
            return [m["id"] for m in r.json()["media"]], r.json()

        self.assertEqual(ids("q=%s&uploader=carl" % tag)[0], [c["id"], b["id"]])
        self.assertEqual(ids("q=%s&uploader=eve" % tag)[0], [a["id"]])
        # with the other filters: unused, by date, and keyset pages without a text
        self.assertEqual(ids("q=%s&uploader=carl&used=no" % tag)[0], [c["id"]])
        self.assertEqual(ids("uploader=carl&used=yes&from=2000-01-01")[0], [b["id"]])
        self.assertEqual(ids("uploader=carl&to=2001-01-01")[0], [])
        first, page = ids("uploader=carl&limit=1")
        self.assertEqual(first, [c["id"]])
        self.assertEqual(ids("uploader=carl&limit=1&cursor=%s" % page["next_cursor"])[0],
                         [b["id"]])
        r = api(self.srv, "GET", "/api/v1/admin/media?uploader=nobody", self.token)
        self.assertEqual(r.status, 400)
        self.assertIn("uploader", r.json()["error"]["message"])

        eve = Browser(self.srv, "eve", self.eve_pw)
        r = eve.get("/admin/media?uploader=carl")
        self.assertEqual(r.status, 200)
        self.assertIn('<option value="carl" selected>carl</option>', r.text)
        self.assertIn('<option value="eve">eve</option>', r.text)
        self.assertIn('href="/admin/media/%d"' % c["id"], r.text)
        self.assertNotIn('href="/admin/media/%d"' % a["id"], r.text)

    def test_uploader_filter_reads_an_index(self):
        uid = sql_rows(self.db, "SELECT id FROM users WHERE login = 'carl'")[0][0]
        sql = ("SELECT id FROM media WHERE uploaded_by = %s AND hash IS NOT NULL "
               "AND id < 9000000 ORDER BY id DESC LIMIT 48" % uid)
        if PG_URI:  # a small table is scanned whatever: ask whether the index can serve it
            plan = sql_rows(self.db, "SET enable_seqscan = off; EXPLAIN " + sql)
        else:
            plan = sql_rows(self.db, "EXPLAIN QUERY PLAN " + sql)
        self.assertIn("media_uploader", " ".join(str(row) for row in plan))

    def test_reindex_rebuilds_the_library_index(self):
        tag = "rix%d" % os.getpid()
        m = self.upload(90, 40, "?caption=%s+Breakwater&filename=quay.png" % tag)

        def ids(q):
            r = api(self.srv, "GET", "/api/v1/admin/media?q=" + q, self.token)
            self.assertEqual(r.status, 200, r.text)
            return [x["id"] for x in r.json()["media"]]

        self.assertEqual(ids(tag + "+breakw"), [m["id"]])
        if not PG_URI:  # lose the index behind the store's back: the search finds nothing
            sql_write(self.db, "INSERT INTO media_fts(media_fts) VALUES ('delete-all')")
            self.assertEqual(ids(tag + "+breakw"), [])
        p = run(["reindex"], db=self.db)
        self.assertIn("search index rebuilt", p.stdout)
        self.assertEqual(ids(tag + "+breakw"), [m["id"]])
        self.assertEqual(ids("quay+" + tag), [m["id"]])

    def test_an_edit_in_the_article_is_a_revision_of_its_own_row(self):
        m = self.upload(310, 200, "?caption=Pier+lights&credit=Desk&alt=Lights+on+a+pier")
        first = self.publish_with("The pier at night", m["id"])
        r = api(self.srv, "POST", "/api/v1/admin/articles", self.token,
                body={"headline": "Night ferries", "body_markdown": "Text.",
                      "media": [{"id": m["id"]}]})
        self.assertEqual(r.status, 201, r.text)
        art = r.json()
        r = api(self.srv, "PATCH", "/api/v1/admin/articles/%d" % art["id"], self.token,
                body={"revision": art["revision"],
                      "media": [{"id": m["id"], "caption": "Pier lights, ferries waiting",
                                 "alt": "Lights on a pier"}]})
        self.assertEqual(r.status, 200, r.text)
        own = r.json()["media"][0]["id"]
        self.assertNotEqual(own, m["id"])  # the article's own row: the other keeps its caption
        self.assertIn("Pier lights", self.srv.get(page_path(first)).text)
        self.assertNotIn("ferries waiting", self.srv.get(page_path(first)).text)

        got = api(self.srv, "GET", "/api/v1/admin/media/%d" % own, self.token).json()
        revs = got["revisions"]
        self.assertEqual([x["caption"] for x in revs],
                         ["Pier lights, ferries waiting", "Pier lights"])
        self.assertEqual(revs[0]["user"], "eve")
        self.assertEqual(revs[0]["changed"], [{"field": "caption", "from": "Pier lights",
                                               "to": "Pier lights, ferries waiting"}])
        self.assertTrue(revs[1]["uploaded"])
        shared = api(self.srv, "GET", "/api/v1/admin/media/%d" % m["id"], self.token).json()
        self.assertEqual(shared["revisions"], [])  # the library's row was not edited
        self.assertEqual([(v["media_id"], v["article"]["id"]) for v in shared["variants"]],
                         [(own, art["id"])])

        eve = Browser(self.srv, "eve", self.eve_pw)
        page = eve.get("/admin/media/%d" % m["id"]).text
        self.assertIn("Also used with other texts in", page)
        self.assertIn('href="/admin/articles/%d">Night ferries</a>' % art["id"], page)
        self.assertIn('href="/admin/media/%d"' % own, page)
        page = eve.get("/admin/media/%d" % own).text
        self.assertIn("Pier lights, ferries waiting", page)
        self.assertIn("eve", page.split('id="history-title"', 1)[1])

    def test_search_finds_word_beginnings_and_follows_edits(self):
        tag = "idx%d" % os.getpid()
        a = self.upload(70, 40, "?caption=%s+Lighthouse+keepers&filename=DSC_7781.jpg" % tag)
        b = self.upload(71, 40, "?caption=%s+%%EA%%B5%%AD%%EB%%B0%%A9%%EB%%B6%%80%%EB%%8A%%94+"
                        "%%ED%%9B%%88%%EB%%A0%%A8" % tag)  # 국방부는 훈련

        def ids(q):
            r = api(self.srv, "GET", "/api/v1/admin/media?q=" + q, self.token)
            self.assertEqual(r.status, 200, r.text)
            return [m["id"] for m in r.json()["media"]]

        self.assertEqual(ids("LIGHTHO"), [a["id"]])          # a word's beginning, any case
        self.assertEqual(ids("%s+keep" % tag), [a["id"]])    # every word
        self.assertEqual(ids("ighthouse"), [])               # not the middle of a word
        self.assertEqual(ids("dsc+7781"), [a["id"]])         # the file name's parts
        self.assertEqual(ids("%EA%B5%AD%EB%B0%A9"), [b["id"]])  # 국방 begins 국방부는
        self.assertEqual(ids("%21%21"), [])                   # no word at all
        r = api(self.srv, "PATCH", "/api/v1/admin/media/%d" % a["id"], self.token,
                body={"caption": "%s Foghorn" % tag})
        self.assertEqual(r.status, 200, r.text)
        self.assertEqual(ids("lighthouse"), [])               # the index follows the edit
        self.assertEqual(ids("foghorn"), [a["id"]])

    def test_focal_point_moves_the_crops_on_the_article_page(self):
        m = self.upload(1200, 800, "?alt=A+pier&caption=The+pier")
        art = self.publish_with("The pier at low tide", m["id"])
        page = self.srv.get(page_path(art))
        self.assertEqual(page.status, 200)
        self.assertIn("%s.191x100.f50-50.w1200.jpg" % m["hash"], page.text)

        r = api(self.srv, "PATCH", "/api/v1/admin/media/%d" % m["id"], self.token,
                body={"focal": {"x": 20, "y": 75}, "caption": "The pier, low tide"})
        self.assertEqual(r.status, 200, r.text)
        self.assertEqual(r.json()["focal"], {"x": 20, "y": 75, "set": True})
        self.assertEqual(r.json()["alt"], "A pier")  # absent: unchanged
        self.assertEqual(r.json()["used_by"][0]["id"], art["id"])
        # the page (cached before) shows the new crop and caption: the change feed reached it
        page = self.srv.get(page_path(art))
        self.assertIn("%s.191x100.f20-75.w1200.jpg" % m["hash"], page.text)
        self.assertNotIn("f50-50", page.text)
        self.assertIn("The pier, low tide", page.text)
        # the crop is cut around the new point, and the background worker makes it too
        self.assertEqual(self.srv.get("/media/%s.16x9.f20-75.w1200.jpg" % m["hash"]).status, 200)

        def made():
            return sql_rows(self.db, "SELECT count(*) FROM renditions WHERE source = ? AND "
                            "name = '4x3.f20-75.w1200.jpg'", (m["hash"],))[0][0]
        self.assertTrue(eventually(lambda: int(made()) == 1, deadline=60))

        # back to the centre with null; bad input changes nothing
        r = api(self.srv, "PATCH", "/api/v1/admin/media/%d" % m["id"], self.token,
                body={"focal": None})
        self.assertEqual(r.json()["focal"], {"x": 50, "y": 50, "set": False})
        for bad in ({"focal": {"x": 101, "y": 5}}, {"title": "x"}, {"alt": 3}):
            r = api(self.srv, "PATCH", "/api/v1/admin/media/%d" % m["id"], self.token, body=bad)
            self.assertEqual(r.status, 400, bad)
        r = api(self.srv, "PATCH", "/api/v1/admin/media/%d" % m["id"], self.carl,
                body={"alt": "x"})
        self.assertEqual(r.status, 403)  # a contributor may look, not edit
        self.assertEqual(api(self.srv, "GET", "/api/v1/admin/media/%d" % m["id"],
                             self.carl).json()["alt"], "A pier")
        self.assertEqual(api(self.srv, "GET", "/api/v1/admin/media/999999", self.token).status,
                         404)

    def test_edits_are_revisions_and_reach_the_article_page(self):
        m = self.upload(300, 200, "?caption=Harbour+crane&credit=Desk&alt=A+crane")
        art = self.publish_with("Cranes at the harbour", m["id"])
        self.assertIn("Harbour crane", self.srv.get(page_path(art)).text)  # cached now
        self.assertEqual(api(self.srv, "GET", "/api/v1/admin/media/%d" % m["id"],
                             self.token).json()["revisions"], [])  # never edited

        for body in ({"caption": "Harbour crane at night", "credit": "Kim Ara"},
                     {"caption": "Harbour crane at night"},  # changes nothing: no revision
                     {"focal": {"x": 30, "y": 40}}):
            r = api(self.srv, "PATCH", "/api/v1/admin/media/%d" % m["id"], self.token,
                    body=body)
            self.assertEqual(r.status, 200, r.text)
        page = self.srv.get(page_path(art))
        self.assertIn("Harbour crane at night", page.text)
        self.assertIn("Kim Ara", page.text)

        revs = api(self.srv, "GET", "/api/v1/admin/media/%d" % m["id"],
                   self.token).json()["revisions"]
        self.assertEqual([(r["user"], r["uploaded"]) for r in revs],
                         [("eve", False), ("eve", False), (None, True)])
        self.assertEqual(revs[0]["changed"], [{"field": "focal point", "from": "the centre",
                                               "to": "30% across, 40% down"}])
        self.assertEqual(revs[1]["changed"], [
            {"field": "caption", "from": "Harbour crane", "to": "Harbour crane at night"},
            {"field": "credit", "from": "Desk", "to": "Kim Ara"}])
        self.assertEqual((revs[2]["caption"], revs[2]["focal"]["set"]), ("Harbour crane", False))

        # the photo's page in the library shows who changed what
        eve = Browser(self.srv, "eve", self.eve_pw)
        r = eve.post("/admin/media/%d" % m["id"], [
            ("caption", "Harbour crane at night"), ("credit", "Kim Ara"), ("alt", "A tall crane"),
            ("focal_x", "30"), ("focal_y", "40")])
        self.assertEqual(r.status, 303, r.text)
        text = eve.get("/admin/media/%d" % m["id"]).text
        history = text[text.index('id="history-title"'):]
        self.assertIn("alt text: <del>A crane</del> → <ins>A tall crane</ins>", history)
        self.assertIn("caption: <del>Harbour crane</del> → <ins>Harbour crane at night</ins>",
                      history)
        self.assertIn("as uploaded", history)
        self.assertEqual(history.count("</time>, eve"), 3)

    def test_delete_refused_while_used(self):
        used = self.upload(30, 20)
        self.publish_with("Ships in the strait", used["id"])
        r = api(self.srv, "DELETE", "/api/v1/admin/media/%d" % used["id"], self.token)
        self.assertEqual(r.status, 409, r.text)
        self.assertEqual(r.json()["error"]["code"], "in_use")
        self.assertIn("Ships in the strait", r.json()["error"]["message"])
        self.assertEqual(api(self.srv, "GET", "/api/v1/admin/media/%d" % used["id"],
                             self.token).status, 200)

        spare = self.upload(31, 20)
        r = api(self.srv, "DELETE", "/api/v1/admin/media/%d" % spare["id"], self.token)
        self.assertEqual(r.status, 204, r.text)
        self.assertEqual(api(self.srv, "GET", "/api/v1/admin/media/%d" % spare["id"],
                             self.token).status, 404)

    def test_publishing_asks_for_alt_text(self):
        bare = self.upload(50, 40, "?caption=Patrol+boat", alt=None)
        r = api(self.srv, "POST", "/api/v1/admin/articles", self.token,
                body={"headline": "A patrol at sea", "body_markdown": "Text.",
                      "media": [{"id": bare["id"]}]})
        art = r.json()
        for action, body in (("publish", None), ("schedule", {"at": "2099-01-01T00:00:00Z"})):
            r = api(self.srv, "POST", "/api/v1/admin/articles/%d/%s" % (art["id"], action),
                    self.token, body=body)
            self.assertEqual(r.status, 400, r.text)
            self.assertIn("without alt text", r.json()["error"]["message"])
            self.assertIn("photo 1 (Patrol boat)", r.json()["error"]["message"])
        self.assertEqual(api(self.srv, "GET", "/api/v1/admin/articles/%d" % art["id"],
                             self.token).json()["status"], "draft")
        # alt text written where the body places the photo is enough
        r = api(self.srv, "PATCH", "/api/v1/admin/articles/%d" % art["id"], self.token,
                body={"revision": art["revision"],
                      "body_markdown": "Text.\n\n![A grey boat at sea](media:%d)\n" % bare["id"]})
        self.assertEqual(r.status, 200, r.text)
        r = api(self.srv, "POST", "/api/v1/admin/articles/%d/publish" % art["id"], self.token)
        self.assertEqual(r.status, 200, r.text)

    def jpeg_with(self, *tags):
        """A real JPEG (the server's rendition of a PNG) with tags written by exiftool."""
        h = self.upload(90, 60)["hash"]
        path = os.path.join(self.tmp, "tagged.jpg")
        with open(path, "wb") as f:
            f.write(self.srv.get("/media/%s.w320.jpg" % h).body)
        subprocess.run(["exiftool", "-q", "-overwrite_original", *tags, path], check=True)
        with open(path, "rb") as f:
            return f.read()

    def test_caption_and_credit_from_iptc_and_xmp(self):
        data = self.jpeg_with("-IPTC:Caption-Abstract=Ferry leaves Busan at dawn",
                              "-IPTC:By-line=Kim Ara", "-IPTC:CopyrightNotice=(c) Agency",
                              "-IPTC:CodedCharacterSet=UTF8")
        r = api(self.srv, "POST", "/api/v1/admin/media?alt=A+ferry", self.token, raw=data,
                headers={"Content-Type": "image/jpeg"})
        self.assertEqual(r.status, 201, r.text)
        self.assertEqual(r.json()["caption"], "Ferry leaves Busan at dawn")
        self.assertEqual(r.json()["credit"], "Kim Ara / (c) Agency")
        # what the form gives wins
        r = api(self.srv, "POST", "/api/v1/admin/media?caption=Ours&credit=Desk", self.token,
                raw=data, headers={"Content-Type": "image/jpeg"})
        self.assertEqual((r.json()["caption"], r.json()["credit"]), ("Ours", "Desk"))
        # XMP alone, with an entity and Korean text
        data = self.jpeg_with("-XMP-dc:Description=Tanks & trucks", "-XMP-dc:Creator=이서연",
                              "-XMP-photoshop:Credit=Yonhap")
        r = api(self.srv, "POST", "/api/v1/admin/media", self.token, raw=data,
                headers={"Content-Type": "image/jpeg"})
        self.assertEqual((r.json()["caption"], r.json()["credit"]), ("Tanks & trucks", "Yonhap"))

    def test_library_pages(self):
        m = self.upload(400, 300, "?caption=Radar+mast&filename=radar.png")
        self.publish_with("A new radar", m["id"])
        spare = self.upload(401, 300, "?caption=Spare+radar", alt=None)
        eve = Browser(self.srv, "eve", self.eve_pw)

        r = eve.get("/admin/media?q=radar")
        self.assertEqual(r.status, 200)
        self.assertIn('href="/admin/media/%d"' % m["id"], r.text)
        self.assertIn("/media/%s.w320.jpg" % m["hash"], r.text)
        self.assertIn("no alt text", r.text)
        r = eve.get("/admin/media?q=radar&used=no")
        self.assertNotIn('href="/admin/media/%d"' % m["id"], r.text)
        self.assertIn('href="/admin/media/%d"' % spare["id"], r.text)

        r = eve.get("/admin/media/%d" % m["id"])
        self.assertIn("A new radar", r.text)  # where it is used
        self.assertIn('name="focal_x"', r.text)
        r = eve.post("/admin/media/%d" % m["id"], [
            ("caption", "Radar mast"), ("credit", "Navy"), ("alt", "A radar on a mast"),
            ("focal_x", "10"), ("focal_y", "90")])
        self.assertEqual(r.status, 303, r.text)
        r = eve.get("/admin/media/%d?done=media-saved" % m["id"])
        self.assertIn("The photo was saved", r.text)
        self.assertIn('value="A radar on a mast"', r.text)
        self.assertIn("%s.1x1.f10-90.w1200.jpg" % m["hash"], r.text)  # the crops shown

        r = eve.post("/admin/media/%d" % m["id"], [("caption", "Changed"), ("focal_x", "ten"),
                                                  ("focal_y", "5")])
        self.assertEqual(r.status, 422)
        self.assertIn("two whole percentages", r.text)
        self.assertEqual(api(self.srv, "GET", "/api/v1/admin/media/%d" % m["id"],
                             self.token).json()["caption"], "Radar mast")

        r = eve.post("/admin/media/%d/delete" % m["id"], [])
        self.assertEqual(r.status, 409)
        self.assertIn("A new radar", r.text)
        r = eve.post("/admin/media/%d/delete" % spare["id"], [])
        self.assertEqual(r.status, 303)
        self.assertEqual(eve.get("/admin/media/%d" % spare["id"]).status, 404)


class LibraryPhotos(NewsroomCase):
    """What the library counts as one photo and as a use: an article's own row of a photo (its
    caption or focal point changed in the article's editor) is listed under the photo, not as a
    photo of its own, in the grid, the search and the uploader filter; a photo shown only by a
    live update is in use (the filter, the count, the refused deletion)."""
    prefix = "nz-e2e-media-photos-"

    def upload(self, w, h, query):
        r = api(self.srv, "POST", "/api/v1/admin/media" + query, self.token, raw=png(w, h),
                headers={"Content-Type": "image/png"})
        self.assertEqual(r.status, 201, r.text)
        return r.json()

    def article(self, headline, media=(), publish=True):
        r = self.admin_api("POST", "/articles", {"headline": headline, "body_markdown": "Text.",
                                                 "media": list(media)})
        self.assertEqual(r.status, 201, r.text)
        a = r.json()
        if publish:
            r = self.admin_api("POST", "/articles/%d/publish" % a["id"])
            self.assertEqual(r.status, 200, r.text)
            a = r.json()
        return a

    def listed(self, query):
        r = self.admin_api("GET", "/media?limit=200&" + query)
        self.assertEqual(r.status, 200, r.text)
        return {m["id"]: m["uses"] for m in r.json()["media"]}

    def test_an_articles_own_row_is_listed_under_its_photo(self):
        m = self.upload(212, 140, "?caption=Quay+cranes+grouped&alt=Cranes+on+a+quay")
        first = self.article("Cranes on the quay", [{"id": m["id"]}])
        art = self.article("Night shift at the port", [{"id": m["id"]}], publish=False)
        r = self.admin_api("PATCH", "/articles/%d" % art["id"], {
            "revision": art["revision"],
            "media": [{"id": m["id"], "caption": "Quay cranes lit for the nightshift",
                       "alt": "Cranes on a quay"}]})
        self.assertEqual(r.status, 200, r.text)
        own = r.json()["media"][0]["id"]
        self.assertNotEqual(own, m["id"])

        # One photo, used by both articles (one of them through its own row).
        self.assertEqual(self.listed("q=quay"), {m["id"]: 2})
        self.assertNotIn(own, self.listed(""))
        self.assertEqual(self.listed("q=nightshift"), {m["id"]: 2})  # the variant's words
        self.assertIn(m["id"], self.listed("used=yes"))
        self.assertNotIn(m["id"], self.listed("used=no"))
        self.assertNotIn(own, self.listed("used=yes"))
        by_eve = self.listed("uploader=eve")
        self.assertIn(m["id"], by_eve)
        self.assertNotIn(own, by_eve)
        got = self.admin_api("GET", "/media/%d" % m["id"]).json()
        self.assertEqual([(v["media_id"], v["article"]["id"]) for v in got["variants"]],
                         [(own, art["id"])])
        self.assertEqual([u["id"] for u in got["used_by"]], [first["id"]])

        eve = Browser(self.srv, self.login, self.password)
        for query in ("", "?q=quay", "?uploader=eve", "?used=yes"):
            grid = eve.get("/admin/media" + query).text
            self.assertIn('href="/admin/media/%d"' % m["id"], grid, query)
            self.assertNotIn('href="/admin/media/%d"' % own, grid, query)
        page = eve.get("/admin/media/%d" % m["id"]).text
        self.assertIn("Also used with other texts in", page)
        self.assertIn('href="/admin/media/%d"' % own, page)

    def test_a_photo_in_a_live_update_is_in_use(self):
        m = self.upload(214, 140, "?caption=Crowd+at+the+livegate&alt=A+crowd+at+a+gate")
        a = self.article("Marchers reach the gate")
        base = "/articles/%d" % a["id"]
        self.assertEqual(self.admin_api("PUT", base + "/live", {"live": True}).status, 200)
        self.assertEqual(self.listed("q=livegate&used=no"), {m["id"]: 0})
        r = self.admin_api("POST", base + "/updates", {"kind": "photo", "media_id": m["id"],
                                                       "body_markdown": "The gate at noon."})
        self.assertEqual(r.status, 201, r.text)
        update = r.json()["id"]

        self.assertEqual(self.listed("q=livegate&used=yes"), {m["id"]: 1})
        self.assertEqual(self.listed("q=livegate&used=no"), {})
        got = self.admin_api("GET", "/media/%d" % m["id"]).json()
        self.assertEqual([u["id"] for u in got["used_by"]], [a["id"]])
        r = self.admin_api("DELETE", "/media/%d" % m["id"])
        self.assertEqual(r.status, 409, r.text)
        self.assertEqual(r.json()["error"]["code"], "in_use")
        self.assertIn("Marchers reach the gate", r.json()["error"]["message"])
        eve = Browser(self.srv, self.login, self.password)
        r = eve.post("/admin/media/%d/delete" % m["id"], [])
        self.assertEqual(r.status, 409)
        self.assertIn("Marchers reach the gate", r.text)
        self.assertIn("The gate at noon.", self.srv.get(page_path(a)).text)

        # Once the update is gone, so is the use.
        r = self.admin_api("DELETE", base + "/updates/%d" % update)
        self.assertIn(r.status, (200, 204), r.text)
        self.assertEqual(self.listed("q=livegate&used=no"), {m["id"]: 0})
        self.assertEqual(self.admin_api("DELETE", "/media/%d" % m["id"]).status, 204)


def page_path(article):
    return "/" + article["url"].split("//", 1)[1].split("/", 1)[1]


if __name__ == "__main__":
    unittest.main()
