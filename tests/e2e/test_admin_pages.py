"""The back office's HTML pages against a real server: permission on the server for
every page and every workflow button (not only hidden in the UI), refused input changing
nothing and keeping what was typed, photos typed from their bytes, restoring revisions, the
original file of an import, and the admin pages for users, tokens, sections and settings.
Browser behaviour (JavaScript, accessibility) is in tests/browser/."""
import os
import re
import shutil
import tempfile
import unittest
import urllib.parse
import uuid

from nz import FIXTURES, Server, new_db, run
from nzadmin import add_user, api, login, png, session_cookie


class Browser:
    """A signed-in person: the session cookie, and the CSRF token read from the pages."""

    def __init__(self, srv, user, password):
        self.srv = srv
        r = login(srv, user, password)
        assert r.status == 303, r.text
        self.cookie = "nz_session=" + session_cookie(r)
        self.csrf = None

    def get(self, path):
        r = self.srv.request("GET", path, headers={"Cookie": self.cookie})
        m = re.search(r'name="csrf" value="([0-9a-f]+)"', r.text) if r.status == 200 else None
        if m:
            self.csrf = m.group(1)
        return r

    def post(self, path, fields, files=None):
        """Posts a form as a browser would (multipart when there are files); fields is a list
        of pairs so names may repeat. The CSRF field is added from the last page read."""
        if self.csrf is None:
            self.get("/admin")
        pairs = [("csrf", self.csrf)] + list(fields)
        if not files:
            body = urllib.parse.urlencode(pairs).encode()
            ctype = "application/x-www-form-urlencoded"
        else:
            b = "----nz" + uuid.uuid4().hex
            parts = []
            for k, v in pairs:
                parts.append(("--%s\r\nContent-Disposition: form-data; name=\"%s\"\r\n\r\n%s\r\n"
                              % (b, k, v)).encode())
            for k, (name, data) in files.items():
                parts.append(("--%s\r\nContent-Disposition: form-data; name=\"%s\"; filename=\"%s\""
                              "\r\nContent-Type: application/octet-stream\r\n\r\n" % (b, k, name)
                              ).encode() + data + b"\r\n")
            body = b"".join(parts) + ("--%s--\r\n" % b).encode()
            ctype = "multipart/form-data; boundary=" + b
        return self.srv.request("POST", path, body=body,
                                headers={"Cookie": self.cookie, "Content-Type": ctype})


def editor_fields(headline, body="A body.", base=0, then="save", extra=()):
    return [("base_revision", str(base)), ("headline", headline), ("body", body),
            ("then", then)] + list(extra)


def field(html, name):
    """The value of the input called name (first one), HTML-unescaped enough for the tests."""
    m = re.search(r'name="%s"[^>]*value="([^"]*)"' % re.escape(name), html)
    return m and m.group(1).replace("&#39;", "'").replace("&quot;", '"').replace("&amp;", "&")


class AdminPages(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="nz-e2e-pages-")
        cls.db = new_db(os.path.join(cls.tmp, "pages.db"))
        run(["init"], db=cls.db)
        run(["import", "--publish", "--section", "defense",
             os.path.join(FIXTURES, "import", "good", "en-reference-shape.txt")], db=cls.db)
        cls.pw = {u: add_user(cls.db, u, r) for u, r in
                  (("cora", "contributor"), ("carl", "contributor"), ("edna", "editor"),
                   ("adam", "admin"))}
        cls.srv = Server(cls.db)

    @classmethod
    def tearDownClass(cls):
        cls.srv.stop()
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def as_(self, user):
        return Browser(self.srv, user, self.pw[user])

    def create(self, who, headline, body="First version.", extra=()):
        r = who.post("/admin/articles", editor_fields(headline, body, extra=extra))
        self.assertEqual(r.status, 303, r.text)
        m = re.match(r"/admin/articles/(\d+)\?done=created$", r.headers["location"])
        self.assertTrue(m, r.headers["location"])
        return int(m.group(1))

    def revision(self, who, aid):
        return int(field(who.get("/admin/articles/%d" % aid).text, "base_revision"))

    # ---- permission on the server --------------------------------------------------------

    def test_signed_out_pages_lead_to_sign_in(self):
        for path in ("/admin", "/admin/articles/new", "/admin/users", "/admin/articles/1/history"):
            r = self.srv.get(path)
            self.assertEqual(r.status, 303, path)
            self.assertTrue(r.headers["location"].startswith("/admin/login?next="), path)

    def test_admin_pages_are_refused_to_other_roles(self):
        cora, edna = self.as_("cora"), self.as_("edna")
        for path in ("/admin/users", "/admin/tokens", "/admin/sections", "/admin/settings"):
            self.assertEqual(cora.get(path).status, 403, path)
            self.assertEqual(edna.get(path).status, 403, path)
        for path in ("/admin/review", "/admin/audit"):
            self.assertEqual(cora.get(path).status, 403, path)
            self.assertEqual(edna.get(path).status, 200, path)
        self.assertEqual(self.as_("adam").get("/admin/settings").status, 200)

    def test_a_contributor_cannot_publish_even_by_sending_the_button(self):
        cora = self.as_("cora")
        aid = self.create(cora, "Cora's draft")
        base = self.revision(cora, aid)
        html = cora.get("/admin/articles/%d" % aid).text
        self.assertNotIn('value="publish"', html)  # not offered...
        r = cora.post("/admin/articles/%d" % aid,
                      editor_fields("Cora's draft, changed", base=base, then="publish"))
        self.assertEqual(r.status, 403)  # ...and refused when sent anyway
        after = cora.get("/admin/articles/%d" % aid).text
        self.assertEqual(field(after, "headline"), "Cora's draft")  # nothing was saved
        self.assertEqual(int(field(after, "base_revision")), base)
        r = cora.post("/admin/articles/%d/workflow" % aid, [("event", "retract")])
        self.assertEqual(r.status, 403)

    def test_a_contributor_cannot_touch_someone_elses_article(self):
        cora, carl = self.as_("cora"), self.as_("carl")
        aid = self.create(cora, "Only Cora's")
        self.assertEqual(carl.get("/admin/articles/%d" % aid).status, 403)
        r = carl.post("/admin/articles/%d" % aid, editor_fields("Carl was here", base=1))
        self.assertEqual(r.status, 403)
        self.assertEqual(field(cora.get("/admin/articles/%d" % aid).text, "headline"),
                         "Only Cora's")
        # The dashboard lists her own articles only.
        self.assertIn("Only Cora&#39;s", cora.get("/admin").text)
        self.assertNotIn("Only Cora&#39;s", carl.get("/admin").text)

    # ---- refused input -----------------------------------------------------------------------

    def test_a_file_that_is_not_an_image_is_refused_and_the_text_kept(self):
        edna = self.as_("edna")
        aid = self.create(edna, "Photo test")
        base = self.revision(edna, aid)
        r = edna.post("/admin/articles/%d" % aid,
                      editor_fields("Photo test, new text", "Typed text survives.", base=base),
                      files={"photo": ("fake.png", b"GIF89a not really a png")})
        self.assertEqual(r.status, 422)
        self.assertIn('id="photo-error"', r.text)
        self.assertIn('aria-describedby="photo-hint photo-error"', r.text)
        self.assertEqual(field(r.text, "headline"), "Photo test, new text")
        self.assertIn("Typed text survives.", r.text)
        self.assertEqual(self.revision(edna, aid), base)  # nothing saved

    def test_a_real_photo_is_stored_with_its_size_and_texts(self):
        edna = self.as_("edna")
        aid = self.create(edna, "With a photo")
        base = self.revision(edna, aid)
        r = edna.post("/admin/articles/%d" % aid,
                      editor_fields("With a photo", base=base, extra=[
                          ("photo_caption", "A grey square."), ("photo_credit", "Test"),
                          ("photo_alt", "A plain grey square"), ("photo_lead", "1")]),
                      files={"photo": ("name-does-not-matter.jpg", png(40, 30))})
        self.assertEqual(r.status, 303, r.text)
        html = edna.get("/admin/articles/%d" % aid).text
        self.assertEqual(field(html, "media_caption"), "A grey square.")
        self.assertEqual(field(html, "media_alt"), "A plain grey square")
        src = re.search(r'<img src="(/media/[0-9a-f]{64}\.png)" alt="A plain grey square" '
                        r'width="40" height="30">', html)
        self.assertTrue(src, "the photo is typed from its bytes (PNG), with its size")
        got = self.srv.get(src.group(1))
        self.assertEqual(got.status, 200)
        self.assertEqual(got.headers["content-type"], "image/png")
        # readers get the pipeline's copy (metadata stripped), of the same type and size
        self.assertEqual(got.body[:8], b"\x89PNG\r\n\x1a\n")
        self.assertEqual((int.from_bytes(got.body[16:20], "big"),
                          int.from_bytes(got.body[20:24], "big")), (40, 30))
        # its focal point, typed (as without JavaScript): kept; a number past 100 is refused
        mid = field(html, "media_id")
        keep = [("media_id", mid), ("media_alt", "A plain grey square"), ("lead", mid)]
        base = self.revision(edna, aid)
        r = edna.post("/admin/articles/%d" % aid, editor_fields("With a photo", base=base, extra=(
            keep + [("media_focal_x", "150"), ("media_focal_y", "5")])))
        self.assertEqual(r.status, 422)
        self.assertIn("the focal point is two whole percentages", r.text)
        self.assertEqual(self.revision(edna, aid), base)
        r = edna.post("/admin/articles/%d" % aid, editor_fields("With a photo", base=base, extra=(
            keep + [("media_focal_x", "20"), ("media_focal_y", "75")])))
        self.assertEqual(r.status, 303, r.text)
        html = edna.get("/admin/articles/%d" % aid).text
        self.assertEqual((field(html, "media_focal_x"), field(html, "media_focal_y")), ("20", "75"))

    def test_scheduling_in_the_past_is_refused_before_anything_is_saved(self):
        edna = self.as_("edna")
        aid = self.create(edna, "Too late")
        base = self.revision(edna, aid)
        r = edna.post("/admin/articles/%d" % aid, editor_fields(
            "Too late, edited", base=base, then="schedule",
            extra=[("publish_at", "2001-01-01T09:00")]))
        self.assertEqual(r.status, 422)
        self.assertIn('id="publish_at-error"', r.text)
        self.assertEqual(self.revision(edna, aid), base)

    def test_a_stale_save_is_refused_with_the_other_version_shown(self):
        edna, adam = self.as_("edna"), self.as_("adam")
        aid = self.create(edna, "Shared story", "Original words here.")
        base = self.revision(edna, aid)
        r = adam.post("/admin/articles/%d" % aid,
                      editor_fields("Shared story", "Original words changed here.", base=base))
        self.assertEqual(r.status, 303)
        r = edna.post("/admin/articles/%d" % aid,
                      editor_fields("Shared story", "Edna's own words.", base=base))
        self.assertEqual(r.status, 409)
        self.assertIn("Original words <ins>changed </ins>here.", r.text)
        self.assertIn("Edna&#39;s own words.", r.text)  # her text is still in the form
        self.assertEqual(int(field(r.text, "base_revision")), base + 1)
        body = adam.get("/admin/articles/%d" % aid).text
        self.assertIn("Original words changed here.", body)

    def test_a_published_article_keeps_its_old_address_when_the_slug_changes(self):
        edna = self.as_("edna")
        aid = self.create(edna, "Address change")
        r = edna.post("/admin/articles/%d" % aid, editor_fields("Address change", base=1,
                                                                 then="publish"))
        self.assertEqual(r.headers["location"], "/admin/articles/%d?done=published" % aid)
        self.assertEqual(self.srv.get("/article/address-change").status, 200)
        base = self.revision(edna, aid)
        r = edna.post("/admin/articles/%d" % aid, editor_fields(
            "Address change", base=base, extra=[("slug", "address-changed")]))
        self.assertEqual(r.status, 303, r.text)
        self.assertEqual(self.srv.get("/article/address-changed").status, 200)
        old = self.srv.get("/article/address-change")
        self.assertIn(old.status, (301, 308))
        self.assertTrue(old.headers["location"].endswith("/article/address-changed"))

    def test_translation_link_names_an_existing_article(self):
        edna = self.as_("edna")
        en = self.create(edna, "Talks resume")
        ko = self.create(edna, "회담 재개")
        base = self.revision(edna, ko)
        r = edna.post("/admin/articles/%d" % ko, editor_fields(
            "회담 재개", base=base, extra=[("language", "ko"), ("translation", "no-such-story")]))
        self.assertEqual(r.status, 422)
        self.assertIn('id="translation-error"', r.text)
        self.assertEqual(self.revision(edna, ko), base)
        r = edna.post("/admin/articles/%d" % ko, editor_fields(
            "회담 재개", base=base, extra=[("language", "ko"), ("translation", str(en))]))
        self.assertEqual(r.status, 303, r.text)
        audit = edna.get("/admin/audit").text
        self.assertIn('href="/admin/articles/%d">article %d</a>' % (en, en), audit)

    # ---- history -----------------------------------------------------------------------------

    def test_restore_makes_a_new_revision_and_keeps_the_old_ones(self):
        edna = self.as_("edna")
        aid = self.create(edna, "Version one")
        r = edna.post("/admin/articles/%d" % aid, editor_fields("Version two", base=1))
        self.assertEqual(r.status, 303)
        edna.get("/admin/articles/%d/history" % aid)
        r = edna.post("/admin/articles/%d/revisions/1/restore" % aid, [("base_revision", "2")])
        self.assertEqual(r.status, 303)
        self.assertEqual(r.headers["location"], "/admin/articles/%d?done=restored" % aid)
        html = edna.get("/admin/articles/%d" % aid).text
        self.assertEqual(field(html, "headline"), "Version one")
        self.assertEqual(int(field(html, "base_revision")), 3)
        hist = edna.get("/admin/articles/%d/history?from=2&to=3" % aid).text
        self.assertIn("<del>two</del><ins>one</ins>", hist)
        # A restore based on an old revision is refused.
        r = edna.post("/admin/articles/%d/revisions/2/restore" % aid, [("base_revision", "2")])
        self.assertEqual(r.status, 409)

    def test_the_original_imported_file_can_be_downloaded(self):
        edna = self.as_("edna")
        hist = edna.get("/admin/articles/1/history").text
        self.assertIn('href="/admin/articles/1/original"', hist)
        r = edna.get("/admin/articles/1/original")
        self.assertEqual(r.status, 200)
        self.assertIn("attachment", r.headers["content-disposition"])
        with open(os.path.join(FIXTURES, "import", "good", "en-reference-shape.txt"), "rb") as f:
            self.assertEqual(r.body, f.read())
        aid = self.create(edna, "Not imported")
        self.assertEqual(edna.get("/admin/articles/%d/original" % aid).status, 404)

    # ---- people and the site ---------------------------------------------------------------

    def test_an_admin_adds_a_user_whose_password_is_shown_once_and_works(self):
        adam = self.as_("adam")
        adam.get("/admin/users")
        r = adam.post("/admin/users", [("login", "newbie"), ("role", "editor")])
        self.assertEqual(r.status, 200)
        pw = re.search(r"<code>([A-Za-z0-9]{20})</code>", r.text).group(1)
        self.assertEqual(login(self.srv, "newbie", pw).status, 303)
        self.assertNotIn(pw, adam.get("/admin/users").text)
        r = adam.post("/admin/users", [("login", "newbie"), ("role", "editor")])
        self.assertEqual(r.status, 422)
        self.assertIn("taken", r.text)

    def test_an_admin_cannot_lock_themselves_out(self):
        adam = self.as_("adam")
        html = adam.get("/admin/users").text
        me = re.search(r'action="/admin/users/(\d+)/role"[^<]*<input[^>]*>\s*<label[^>]*>Role of '
                       r'adam<', html)
        self.assertTrue(me)
        r = adam.post("/admin/users/%s/role" % me.group(1), [("role", "contributor")])
        self.assertEqual(r.status, 422)
        self.assertIn("(admin)", adam.get("/admin").text)

    def test_a_token_made_on_the_page_works_until_revoked(self):
        adam = self.as_("adam")
        adam.get("/admin/tokens")
        r = adam.post("/admin/tokens", [("login", "edna"), ("name", "wire importer")])
        self.assertEqual(r.status, 200)
        token = re.search(r"<code>(nzt_[A-Za-z0-9_-]+)</code>", r.text).group(1)
        self.assertEqual(api(self.srv, "GET", "/api/v1/admin/me", token=token).status, 200)
        html = adam.get("/admin/tokens").text
        tid = re.findall(r'action="/admin/tokens/(\d+)/revoke"', html)[-1]
        self.assertEqual(adam.post("/admin/tokens/%s/revoke" % tid, []).status, 303)
        self.assertEqual(api(self.srv, "GET", "/api/v1/admin/me", token=token).status, 401)

    def test_sections_and_settings_change_the_public_site(self):
        adam = self.as_("adam")
        adam.get("/admin/sections")
        r = adam.post("/admin/sections", [("id", "0"), ("name", "Maritime"), ("slug", ""),
                                          ("position", "9")])
        self.assertEqual(r.status, 303, r.text)
        self.assertIn('href="/section/maritime"', self.srv.get("/").text)
        adam.get("/admin/settings")
        good = [("name", "Harbor Herald"), ("tagline", ""), ("base_url", "https://herald.example"),
                ("copyright", "(c) Harbor Herald"), ("language", "en"), ("tz_offset_min", "540")]
        bad = [(k, "not a url" if k == "base_url" else v) for k, v in good]
        r = adam.post("/admin/settings", bad)
        self.assertEqual(r.status, 422)
        self.assertNotIn("Harbor Herald", self.srv.get("/").text)  # nothing changed
        r = adam.post("/admin/settings", good)
        self.assertEqual(r.status, 303)
        self.assertIn("Harbor Herald", self.srv.get("/").text)
        audit = adam.get("/admin/audit").text
        self.assertIn("settings.changed", audit)
        self.assertIn("section.saved", audit)


if __name__ == "__main__":
    unittest.main()
