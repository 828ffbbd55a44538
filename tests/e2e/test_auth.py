"""Signing in to the back office: the session cookie, logout on the server, expiry,
CSRF on state-changing forms, login throttling per account and per address, and the security
headers of every /admin response. The real sign-in form of a real server."""
import os
import re
import shutil
import tempfile
import unittest
import urllib.parse

from nz import Server, new_db, run, sql_rows, sql_write
from nzadmin import add_user, api, login, session_cookie


class Auth(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="nz-e2e-auth-")
        self.db = new_db(os.path.join(self.tmp, "auth.db"))
        run(["init"], db=self.db)
        self.pw = add_user(self.db, "eve", "editor")
        self.srv = None

    def tearDown(self):
        if self.srv:
            self.srv.stop()
        shutil.rmtree(self.tmp, ignore_errors=True)

    def serve(self):
        self.srv = Server(self.db)
        return self.srv

    def sign_in(self, user="eve", password=None):
        r = login(self.srv, user, password or self.pw)
        self.assertEqual(r.status, 303, r.text)
        return session_cookie(r)

    def me(self, cookie):
        return api(self.srv, "GET", "/api/v1/admin/me", headers={"Cookie": "nz_session=" + cookie})

    def csrf(self, cookie):
        return self.me(cookie).json()["csrf"]

    def form_post(self, path, cookie, fields):
        return self.srv.request("POST", path, body=urllib.parse.urlencode(fields), headers={
            "Cookie": "nz_session=" + cookie,
            "Content-Type": "application/x-www-form-urlencoded"})

    def test_sign_in_sets_an_httponly_samesite_cookie(self):
        self.serve()
        r = login(self.srv, "eve", self.pw)
        self.assertEqual(r.status, 303)
        self.assertEqual(r.headers["location"], "/admin")
        cookie = r.headers["set-cookie"]
        self.assertIn("HttpOnly", cookie)
        self.assertIn("SameSite=Lax", cookie)
        self.assertIn("Path=/", cookie)
        self.assertNotIn("Secure", cookie)  # the base URL is http
        token = session_cookie(r)
        self.assertGreaterEqual(len(token), 43)
        self.assertEqual(self.me(token).json()["login"], "eve")
        ids = [row[0] for row in sql_rows(self.db, "SELECT id FROM sessions")]
        self.assertNotIn(token, ids)  # stored hashed
        self.assertEqual(len(ids), 1)

    def test_cookie_is_secure_when_the_site_is_https(self):
        sql_write(self.db, "INSERT INTO settings(key, value) VALUES ('base_url', "
                  "'https://news.example')")
        self.serve()
        r = login(self.srv, "eve", self.pw)
        self.assertEqual(r.status, 303)
        self.assertIn("Secure", r.headers["set-cookie"])

    def test_wrong_password_is_refused_with_a_message(self):
        self.serve()
        r = login(self.srv, "eve", "not the password")
        self.assertEqual(r.status, 401)
        self.assertIsNone(session_cookie(r))
        self.assertIn("Wrong login or password.", r.text)
        r = login(self.srv, "nobody", "not the password")
        self.assertEqual(r.status, 401)
        self.assertIn("Wrong login or password.", r.text)

    def test_sign_in_rotates_the_session(self):
        self.serve()
        first = self.sign_in()
        r = login(self.srv, "eve", self.pw, headers={"Cookie": "nz_session=" + first})
        second = session_cookie(r)
        self.assertNotEqual(first, second)
        self.assertEqual(self.me(first).status, 401)
        self.assertEqual(self.me(second).status, 200)

    def test_logout_ends_the_session_on_the_server(self):
        self.serve()
        cookie = self.sign_in()
        r = self.form_post("/admin/logout", cookie, {"csrf": self.csrf(cookie)})
        self.assertEqual(r.status, 303)
        self.assertIn("Max-Age=0", r.headers["set-cookie"])
        # The old cookie, replayed, no longer works.
        self.assertEqual(self.me(cookie).status, 401)

    def test_expired_session_is_refused(self):
        self.serve()
        cookie = self.sign_in()
        self.assertEqual(self.me(cookie).status, 200)
        sql_write(self.db, "UPDATE sessions SET expires_at = 1")
        self.assertEqual(self.me(cookie).status, 401)

    def test_session_lasts_fourteen_days(self):
        self.serve()
        r = login(self.srv, "eve", self.pw)
        self.assertIn("Max-Age=1209600", r.headers["set-cookie"])

    def test_form_post_without_or_with_a_wrong_csrf_token_is_403_and_changes_nothing(self):
        self.serve()
        cookie = self.sign_in()
        for fields in ({}, {"csrf": "0" * 64}, {"csrf": "garbage"}):
            r = self.form_post("/admin/logout", cookie, fields)
            self.assertEqual(r.status, 403, fields)
            self.assertEqual(self.me(cookie).status, 200)  # still signed in
        # A token of another session does not do either.
        other = self.sign_in()
        r = self.form_post("/admin/logout", cookie, {"csrf": self.csrf(other)})
        self.assertEqual(r.status, 403)
        self.assertEqual(self.me(cookie).status, 200)

    def test_browser_api_calls_need_the_csrf_header(self):
        self.serve()
        cookie = self.sign_in()
        h = {"Cookie": "nz_session=" + cookie}
        r = api(self.srv, "POST", "/api/v1/admin/articles", body={"headline": "Via browser"},
                headers=h)
        self.assertEqual(r.status, 403)
        self.assertEqual(r.json()["error"]["code"], "csrf")
        h["X-CSRF-Token"] = self.csrf(cookie)
        r = api(self.srv, "POST", "/api/v1/admin/articles", body={"headline": "Via browser"},
                headers=h)
        self.assertEqual(r.status, 201, r.text)
        self.assertEqual(api(self.srv, "GET", "/api/v1/admin/articles", headers={
            "Cookie": "nz_session=" + cookie}).json()["total"], 1)

    def test_login_from_another_origin_is_refused(self):
        self.serve()
        r = login(self.srv, "eve", self.pw, headers={"Origin": "https://evil.example"})
        self.assertEqual(r.status, 403)
        self.assertIsNone(session_cookie(r))

    def test_throttled_per_account(self):
        self.serve()
        for _ in range(5):
            self.assertEqual(login(self.srv, "eve", "wrong password!").status, 401)
        r = login(self.srv, "eve", self.pw)  # even the right password, for now
        self.assertEqual(r.status, 429)
        self.assertIsNone(session_cookie(r))
        self.assertIn("Too many failed sign-ins for this account", r.text)
        n = sql_rows(self.db, "SELECT count(*) FROM audit_log WHERE action = 'user.login_failed'")
        self.assertEqual(int(n[0][0]), 5)

    def test_throttled_per_address(self):
        other = add_user(self.db, "ada", "admin")
        self.serve()
        for i in range(20):
            self.assertEqual(login(self.srv, "nobody%d" % i, "wrong password!").status, 401)
        r = login(self.srv, "ada", other)
        self.assertEqual(r.status, 429)
        self.assertIn("Too many failed sign-ins from your network address", r.text)

    def test_security_headers_on_every_admin_response(self):
        self.serve()
        cookie = self.sign_in()
        responses = [self.srv.get("/admin/login"), login(self.srv, "eve", "wrong password!"),
                     self.srv.get("/admin/no-such-page"),
                     self.form_post("/admin/logout", cookie, {})]
        for r in responses:
            csp = r.headers.get("content-security-policy", "")
            self.assertIn("script-src 'self'", csp)
            self.assertNotIn("unsafe-inline", csp)
            self.assertIn("frame-ancestors 'none'", csp)
            self.assertEqual(r.headers.get("referrer-policy"), "no-referrer")
            self.assertEqual(r.headers.get("x-content-type-options"), "nosniff")
        page = responses[0].text
        self.assertIsNone(re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page))  # no inline script
        self.assertIn('name="password"', page)

    def test_public_pages_do_not_get_admin_headers(self):
        self.serve()
        # Public pages have their own policy (docs/security.md): framing by the site itself is
        # allowed, referrers are sent, and they may be cached.
        r = self.srv.get("/")
        self.assertIn("frame-ancestors 'self'", r.headers.get("content-security-policy", ""))
        self.assertNotEqual(r.headers.get("referrer-policy"), "no-referrer")
        self.assertNotIn("no-store", r.headers.get("cache-control", ""))

    def test_password_change_ends_sessions(self):
        self.serve()
        cookie = self.sign_in()
        p = run(["user", "passwd", "eve"], db=self.db)
        new = re.search(r"^password: (\S+)$", p.stdout, re.M).group(1)
        self.assertEqual(self.me(cookie).status, 401)
        self.assertEqual(login(self.srv, "eve", self.pw).status, 401)
        self.assertEqual(login(self.srv, "eve", new).status, 303)


class Cli(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="nz-e2e-authcli-")
        self.db = new_db(os.path.join(self.tmp, "c.db"))
        run(["init"], db=self.db)

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def test_user_add_refuses_bad_input_with_one_line(self):
        for args in (["user", "add", "Bad Login", "--role", "editor"],
                     ["user", "add", "ok", "--role", "boss"], ["user", "add", "ok"]):
            p = run(args, db=self.db, check=False)
            self.assertNotEqual(p.returncode, 0)
            self.assertEqual(len(p.stderr.strip().splitlines()), 1, p.stderr)
        add_user(self.db, "ok", "editor")
        p = run(["user", "add", "ok", "--role", "editor"], db=self.db, check=False)
        self.assertEqual(p.returncode, 1)
        self.assertIn("taken", p.stderr)

    def test_password_is_stored_as_argon2id(self):
        pw = add_user(self.db, "eve", "editor")
        stored = sql_rows(self.db, "SELECT password_hash FROM users")[0][0]
        self.assertTrue(stored.startswith("$argon2id$"))
        self.assertNotIn(pw, stored)

    def test_token_for_unknown_user_fails(self):
        p = run(["token", "create", "ghost"], db=self.db, check=False)
        self.assertEqual(p.returncode, 1)
        self.assertIn("no such user", p.stderr)


if __name__ == "__main__":
    unittest.main()
