"""The desk's accounts and presence end to end: a user sees their own sessions (device label,
this browser marked) on /admin/account and in GET /api/v1/admin/me/sessions, ends one (its cookie
is then refused) or every other one, with CSRF as every form; the editor's presence endpoint
tells who else has an article open and forgets them after the expiry; GET /api/v1/sections gives
each section's name per language as the admin set it on /admin/sections. A real server on a real
database."""
import os
import re
import shutil
import tempfile
import unittest

from nz import Server, drop_db, new_db, run, sql_rows, sql_write
from nzadmin import add_token, add_user, api, login, session_cookie
from test_admin_pages import Browser

FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
IPHONE = ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
          "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1")


class Person(Browser):
    """A signed-in browser with a User-Agent of its own."""

    def __init__(self, srv, user, password, agent):
        r = login(srv, user, password, headers={"User-Agent": agent})
        assert r.status == 303, r.text
        self.srv = srv
        self.cookie = "nz_session=" + session_cookie(r)
        self.csrf = None

    def signed_in(self):
        return self.srv.request("GET", "/admin", headers={"Cookie": self.cookie}).status == 200

    def call(self, method, path):
        """The admin API as the editor's script calls it: the cookie and X-CSRF-Token."""
        if self.csrf is None:
            self.get("/admin/account")
        return self.srv.request(method, path, headers={"Cookie": self.cookie,
                                                       "X-CSRF-Token": self.csrf})


class DeskSessions(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="nz-e2e-desk-")
        cls.db = new_db(os.path.join(cls.tmp, "desk.db"))
        run(["init"], db=cls.db)
        cls.pw = {u: add_user(cls.db, u, role) for u, role in
                  (("ada", "admin"), ("kim", "editor"), ("lee", "editor"), ("sam", "editor"))}
        sql_write(cls.db, "INSERT INTO settings(key, value) VALUES ('editions', 'en ko')")
        cls.srv = Server(cls.db)

    @classmethod
    def tearDownClass(cls):
        cls.srv.stop()
        drop_db(cls.db)
        shutil.rmtree(cls.tmp, ignore_errors=True)

    # ---- sessions ----

    def test_account_page_lists_sessions_and_ends_one(self):
        laptop = Person(self.srv, "kim", self.pw["kim"], FIREFOX)
        phone = Person(self.srv, "kim", self.pw["kim"], IPHONE)
        other = Person(self.srv, "lee", self.pw["lee"], FIREFOX)
        page = laptop.get("/admin/account").text
        rows = re.findall(r"<tr( class=\"current\")?>\s*<td>(.*?)</td>", page, re.S)
        self.assertEqual(len(rows), 2, page)  # kim's two, never lee's
        devices = {re.sub(r"<[^>]+>", "", d).strip(): bool(cur) for cur, d in rows}
        self.assertEqual(devices, {"Firefox on Linux (this browser)": True,
                                   "Safari on iPhone": False})
        self.assertIn("Sign out everywhere else", page)
        # The phone's row: end it with its own form.
        phone_id = re.search(r'action="/admin/account/sessions/([0-9a-f]{16})/end"[^<]*'
                             r'<input[^>]*>\s*<button[^>]*>End this session', page).group(1)
        # Without the CSRF field the form is refused and the session lives.
        r = self.srv.request("POST", "/admin/account/sessions/%s/end" % phone_id, body="",
                             headers={"Cookie": laptop.cookie,
                                      "Content-Type": "application/x-www-form-urlencoded"})
        self.assertEqual(r.status, 403)
        self.assertTrue(phone.signed_in())
        # Another user cannot end it either: it is not theirs.
        self.assertEqual(other.post("/admin/account/sessions/%s/end" % phone_id, []).status, 404)
        self.assertTrue(phone.signed_in())
        r = laptop.post("/admin/account/sessions/%s/end" % phone_id, [])
        self.assertEqual(r.status, 303)
        self.assertEqual(r.headers["location"], "/admin/account?done=session-ended")
        self.assertFalse(phone.signed_in())
        self.assertTrue(laptop.signed_in())
        self.assertTrue(other.signed_in())
        page = laptop.get("/admin/account?done=session-ended").text
        self.assertIn("The session was ended", page)
        self.assertNotIn("Safari on iPhone", page)
        self.assertNotIn("Sign out everywhere else", page)  # only this one is left

    def test_sign_out_everywhere_else(self):
        keep = Person(self.srv, "sam", self.pw["sam"], FIREFOX)
        others = [Person(self.srv, "sam", self.pw["sam"], IPHONE) for _ in range(2)]
        r = keep.post("/admin/account/sessions/end-others", [])
        self.assertEqual(r.status, 303)
        self.assertEqual([p.signed_in() for p in others], [False, False])
        self.assertTrue(keep.signed_in())
        self.assertIn("Every other session was ended", keep.get(r.headers["location"]).text)
        (n,) = sql_rows(self.db, "SELECT count(*) FROM audit_log WHERE action = 'user.logout'"
                                 " AND detail LIKE '2 session(s)%'")[0]
        self.assertEqual(int(n), 1)

    def test_api_lists_and_ends_sessions(self):
        me = Person(self.srv, "ada", self.pw["ada"], FIREFOX)
        phone = Person(self.srv, "ada", self.pw["ada"], IPHONE)
        r = me.call("GET", "/api/v1/admin/me/sessions")
        self.assertEqual(r.status, 200, r.text)
        sessions = r.json()["sessions"]
        self.assertEqual(sorted((s["device"], s["current"]) for s in sessions),
                         [("Firefox on Linux", True), ("Safari on iPhone", False)])
        for s in sessions:
            self.assertRegex(s["id"], r"^[0-9a-f]{16}$")
            self.assertRegex(s["created_at"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
            self.assertGreaterEqual(s["last_seen_at"], s["created_at"])
        # The cookie itself and its full hash appear nowhere.
        self.assertNotIn(me.cookie.split("=", 1)[1], r.text)
        phone_id = next(s["id"] for s in sessions if not s["current"])
        # A browser without the CSRF header is refused.
        r = self.srv.request("DELETE", "/api/v1/admin/me/sessions/" + phone_id,
                             headers={"Cookie": me.cookie})
        self.assertEqual(r.status, 403)
        self.assertTrue(phone.signed_in())
        r = me.call("DELETE", "/api/v1/admin/me/sessions/" + phone_id)
        self.assertEqual((r.status, r.json()), (200, {"ended": 1}))
        self.assertFalse(phone.signed_in())
        r = me.call("DELETE", "/api/v1/admin/me/sessions/" + phone_id)
        self.assertEqual(r.status, 404)
        self.assertEqual(r.json()["error"]["code"], "not_found")
        # With a bearer token: the list has no current one, and DELETE of the collection ends
        # every session of the user.
        _, token = add_token(self.db, "ada")
        r = api(self.srv, "GET", "/api/v1/admin/me/sessions", token=token)
        self.assertEqual([s["current"] for s in r.json()["sessions"]], [False])
        r = api(self.srv, "DELETE", "/api/v1/admin/me/sessions", token=token)
        self.assertEqual(r.json(), {"ended": 1})
        self.assertFalse(me.signed_in())
        self.assertEqual(api(self.srv, "GET", "/api/v1/admin/me/sessions").status, 401)

    # ---- presence ----

    def test_presence_shows_who_else_is_editing(self):
        kim = Person(self.srv, "kim", self.pw["kim"], FIREFOX)
        lee = Person(self.srv, "lee", self.pw["lee"], FIREFOX)
        _, token = add_token(self.db, "kim")
        r = api(self.srv, "POST", "/api/v1/admin/articles", token=token,
                body={"headline": "Talks resume in Geneva", "body_markdown": "Text."})
        self.assertEqual(r.status, 201, r.text)
        aid = r.json()["id"]
        url = "/api/v1/admin/articles/%d/presence" % aid
        page = kim.get("/admin/articles/%d" % aid).text  # opening the editor is a visit
        self.assertIn('data-presence="%s"' % url, page)
        self.assertNotIn("is editing since", page)
        page = lee.get("/admin/articles/%d" % aid).text
        self.assertRegex(page, r"kim is editing since <time datetime=\"[^\"]+Z\">\d\d:\d\d</time>")
        r = kim.call("POST", url)
        self.assertEqual(r.status, 200, r.text)
        body = r.json()
        self.assertEqual((body["heartbeat"], body["expires_after"]), (15, 45))
        self.assertEqual([o["name"] for o in body["others"]], ["lee"])
        self.assertRegex(body["others"][0]["since_local"], r"^\d\d:\d\d$")
        # A heartbeat needs the CSRF header, like every change a browser asks for.
        r = self.srv.request("POST", url, headers={"Cookie": lee.cookie})
        self.assertEqual(r.status, 403)
        # 45 s without a heartbeat and Lee is gone (moved into the past behind the server).
        sql_write(self.db, "UPDATE presence SET seen_at = seen_at - 46, since = since - 46"
                           " WHERE article_id = ?", (aid,))
        self.assertEqual(kim.call("POST", url).json()["others"], [])
        # Lee's next heartbeat is a new visit: back, with a fresh "since".
        self.assertEqual([o["name"] for o in lee.call("POST", url).json()["others"]], ["kim"])
        others = kim.call("GET", url).json()["others"]
        self.assertEqual([o["name"] for o in others], ["lee"])
        (since,) = sql_rows(self.db, "SELECT since FROM presence p JOIN users u"
                                     " ON u.id = p.user_id WHERE u.login = 'lee'")[0]
        (seen,) = sql_rows(self.db, "SELECT seen_at FROM presence p JOIN users u"
                                    " ON u.id = p.user_id WHERE u.login = 'lee'")[0]
        self.assertEqual(since, seen)
        # Unknown articles answer 404; a signed-out caller 401.
        self.assertEqual(kim.call("POST", "/api/v1/admin/articles/999999/presence").status, 404)
        self.assertEqual(self.srv.request("GET", url).status, 401)

    # ---- tag names ----

    def test_editor_shows_tag_names_and_keeps_the_tags(self):
        ada = Browser(self.srv, "ada", self.pw["ada"])
        _, token = add_token(self.db, "ada")
        r = api(self.srv, "POST", "/api/v1/admin/articles", token=token,
                body={"headline": "Jets fly over the strait", "body_markdown": "Text.",
                      "tags": ["air-force"]})
        self.assertEqual(r.status, 201, r.text)
        aid, rev = r.json()["id"], r.json()["revision"]
        r = api(self.srv, "PATCH", "/api/v1/admin/tags/air-force", token=token,
                body={"texts": {"en": {"name": "Air Force"}, "ko": {"name": "공군"}}})
        self.assertEqual(r.status, 200, r.text)
        page = ada.get("/admin/articles/%d" % aid).text
        self.assertIn('name="tags" type="text" value="Air Force"', page)
        # Saving the field as shown keeps the same tag (no new "air-force-2" or "air-force"
        # twin made from the name), and adding one beside it makes only that one.
        r = ada.post("/admin/articles/%d" % aid,
                     [("base_revision", str(rev)), ("headline", "Jets fly over the strait"),
                      ("body_markdown", "Text, longer."), ("tags", "Air Force, Navy"),
                      ("language", "en"), ("then", "save")])
        self.assertEqual(r.status, 303, r.text)
        tags = sql_rows(self.db, "SELECT t.slug FROM article_tags x JOIN tags t ON t.id = x.tag_id"
                                 " WHERE x.article_id = ? ORDER BY t.slug", (aid,))
        self.assertEqual([t for (t,) in tags], ["air-force", "navy"])
        (n,) = sql_rows(self.db, "SELECT count(*) FROM tags")[0]
        self.assertEqual(int(n), 2)
        self.assertIn('value="Air Force, Navy"', ada.get("/admin/articles/%d" % aid).text)
        history = ada.get("/admin/articles/%d/history" % aid).text
        self.assertIn("Tags: Air Force<ins>, Navy</ins>", history)
        self.assertNotIn("air-force", history)

    # ---- sections ----

    def test_sections_api_gives_names_per_language(self):
        ada = Browser(self.srv, "ada", self.pw["ada"])
        form = ada.get("/admin/sections").text
        self.assertIn('name="name_ko"', form)
        r = ada.post("/admin/sections", [("name", "Defense"), ("slug", "defense"),
                                         ("position", "1"), ("name_ko", "국방")])
        self.assertEqual(r.status, 303, r.text)
        r = ada.post("/admin/sections", [("name", "Diplomacy"), ("slug", "diplomacy"),
                                         ("position", "2")])
        self.assertEqual(r.status, 303, r.text)
        r = self.srv.get("/api/v1/sections")
        self.assertEqual(r.status, 200)
        self.assertTrue(r.headers["content-type"].startswith("application/json"))
        got = {s["slug"]: s for s in r.json()["sections"]}
        self.assertEqual(got["defense"]["names"], {"en": "Defense", "ko": "국방"})
        self.assertEqual(got["defense"]["name"], "Defense")
        self.assertEqual(got["defense"]["url"], "/section/defense")
        self.assertEqual(got["diplomacy"]["names"], {"en": "Diplomacy"})
        # A new name from the back office is in the API at once (the cached list is dropped).
        (sid,) = sql_rows(self.db, "SELECT id FROM sections WHERE slug = 'diplomacy'")[0]
        r = ada.post("/admin/sections", [("id", str(sid)), ("name", "Diplomacy"),
                                         ("slug", "diplomacy"), ("position", "2"),
                                         ("name_ko", "외교")])
        self.assertEqual(r.status, 303, r.text)
        got = {s["slug"]: s for s in self.srv.get("/api/v1/sections").json()["sections"]}
        self.assertEqual(got["diplomacy"]["names"], {"en": "Diplomacy", "ko": "외교"})


if __name__ == "__main__":
    unittest.main()
