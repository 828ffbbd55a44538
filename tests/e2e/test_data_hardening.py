"""Data-level hardening: what an attacker found and tests that keep it found. Tag and author
slugs on every way in, what public tag and author pages know, the throttle on the password
change, refused passwords, API token expiry and revocation, webhooks to private addresses.
A real server on a real database; accounts and tokens made with the CLI."""
import calendar
import os
import shutil
import tempfile
import time
import unittest
import urllib.parse

from nz import Server, new_db, run, sql_write, sqlite_only
from nzadmin import add_token, add_user, api, login, session_cookie
from test_admin_api import Newsroom  # ada (admin), eve (editor), cal and cid (contributors)


class Slugs(Newsroom):
    BAD = ["../../../pwned-tag", "..", "a/b", "a\r\nb", "<b>x</b>", "x" * 300]

    def test_object_form_slugs_are_refused(self):
        for bad in self.BAD:
            for field in ("tags", "authors"):
                body = {"headline": "Slug probe", "body_markdown": "Text."}
                body[field] = [{"slug": bad, "name": "t"}]
                r = self.call("cal", "POST", "/articles", body)
                self.assertEqual(r.status, 400, "%s %r: %s" % (field, bad, r.text))
                self.assertIn("slug", r.json()["error"]["message"])
        # Nothing was stored: every tag and author slug is a slug.
        r = self.call("cal", "POST", "/articles",
                      {"headline": "Good slugs", "body_markdown": "Text.",
                       "tags": [{"slug": "merger-talks", "name": "Merger talks"}],
                       "authors": [{"slug": "kim-min-ji", "name": "Kim Min-ji"}]})
        self.assertEqual(r.status, 201, r.text)
        a = r.json()
        self.assertEqual([t["slug"] for t in a["tags"]], ["merger-talks"])


class MarkdownBounds(Newsroom):
    def test_a_megabyte_of_quote_markers_is_refused_with_the_reason(self):
        r = self.call("cal", "POST", "/articles",
                      {"headline": "Quotes all the way down", "body_markdown": ">" * 1000000})
        self.assertEqual(r.status, 400, r.text[:300])
        self.assertIn("line 1 nests 1000000 quotes or lists; at most 32",
                      r.json()["error"]["message"])


class PublicCatalog(Newsroom):
    def test_tag_and_author_of_a_draft_are_not_public(self):
        r = self.call("cal", "POST", "/articles",
                      {"headline": "Secret merger", "body_markdown": "Text.",
                       "tags": [{"slug": "acme-merger-secret", "name": "Acme merger secret"}],
                       "authors": [{"slug": "deep-throat", "name": "Deep Throat"}]})
        self.assertEqual(r.status, 201, r.text)
        a = r.json()
        for path in ("/tag/acme-merger-secret", "/author/deep-throat",
                     "/tag/acme-merger-secret/feed", "/author/deep-throat/feed.json"):
            r = self.srv.get(path)
            self.assertEqual(r.status, 404, path)
            self.assertNotIn(b"Acme merger secret", r.body)
            self.assertNotIn(b"Deep Throat", r.body)
        # Once published, both pages exist.
        r = self.call("eve", "POST", "/articles/%d/publish" % a["id"])
        self.assertEqual(r.status, 200, r.text)
        for path, name in (("/tag/acme-merger-secret", b"Acme merger secret"),
                           ("/author/deep-throat", b"Deep Throat")):
            r = self.srv.get(path)
            self.assertEqual(r.status, 200, path)
            self.assertIn(name, r.body)


FIXTURES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fixtures", "import",
                        "good")


class Import(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="nz-e2e-hdata-import-")
        self.db = new_db(os.path.join(self.tmp, "import.db"))
        run(["init"], db=self.db)

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def test_fifos_loops_and_escape_codes_in_names(self):
        src = os.path.join(self.tmp, "in")
        os.makedirs(os.path.join(src, "sub"))
        shutil.copy(os.path.join(FIXTURES, "en-dateline.txt"), os.path.join(src, "ok.txt"))
        shutil.copy(os.path.join(FIXTURES, "en-two-authors.txt"),
                    os.path.join(src, "sub", "red\x1b[31mALERT\x07.txt"))
        os.mkfifo(os.path.join(src, "wire.txt"))
        os.symlink("..", os.path.join(src, "sub", "up"))  # a loop back to src
        p = run(["import", src], db=self.db, check=False, timeout=30)
        out = p.stdout + p.stderr
        self.assertNotIn("\x1b", out)
        self.assertNotIn("\x07", out)
        self.assertIn("red\\x1B[31mALERT\\x07.txt", out)
        self.assertRegex(p.stderr, r"wire\.txt: not a regular file.*skipped")
        self.assertRegex(p.stderr, r"up: a link back to a folder above it \(a loop\): skipped")
        self.assertIn("imported 2, unchanged 0, refused 0", p.stdout)
        # A FIFO named on the command line is refused at once, not waited on.
        p = run(["import", os.path.join(src, "wire.txt")], db=self.db, check=False, timeout=30)
        self.assertEqual(p.returncode, 1)
        self.assertIn("not a regular file", p.stderr)


def epoch(rfc3339):
    return calendar.timegm(time.strptime(rfc3339, "%Y-%m-%dT%H:%M:%SZ"))


class Tokens(Newsroom):
    def test_new_tokens_expire_in_90_days_unless_asked(self):
        r = self.call("ada", "POST", "/tokens", {"login": "cal", "name": "wire"})
        self.assertEqual(r.status, 201, r.text)
        made = r.json()
        self.assertAlmostEqual(epoch(made["expires_at"]), time.time() + 90 * 86400, delta=60)
        r = self.call("ada", "POST", "/tokens", {"login": "cal", "expires_in_days": None})
        self.assertEqual(r.status, 201, r.text)
        self.assertIsNone(r.json()["expires_at"])
        r = self.call("ada", "POST", "/tokens", {"login": "cal", "expires_in_days": 5000})
        self.assertEqual(r.status, 400, r.text)
        # The list shows the expiry and when each token was last used.
        api(self.srv, "GET", "/api/v1/admin/me", made["token"])
        listed = {t["id"]: t for t in self.call("ada", "GET", "/tokens").json()["tokens"]}
        self.assertEqual(listed[made["id"]]["expires_at"], made["expires_at"])
        self.assertIsNotNone(listed[made["id"]]["last_used_at"])
        out = run(["token", "list", "cal"], db=self.db).stdout
        self.assertIn("expires " + made["expires_at"], out)

    def test_a_disabled_users_tokens_stay_dead_when_enabled_again(self):
        add_user(self.db, "dan", "contributor")
        token = add_token(self.db, "dan")[1]
        self.assertEqual(api(self.srv, "GET", "/api/v1/admin/me", token).status, 200)
        dan = [u for u in self.call("ada", "GET", "/users").json()["users"]
               if u["login"] == "dan"][0]
        for disabled in (True, False):
            r = self.call("ada", "PATCH", "/users/%d" % dan["id"], {"disabled": disabled})
            self.assertEqual(r.status, 200, r.text)
        self.assertEqual(api(self.srv, "GET", "/api/v1/admin/me", token).status, 401)

    @sqlite_only("a trigger makes the tokens table unwritable, as a read-only database does")
    def test_a_database_failure_is_503_not_a_bad_token(self):
        made = self.call("ada", "POST", "/tokens", {"login": "cal"}).json()
        sql_write(self.db, "CREATE TRIGGER tokens_read_only BEFORE UPDATE ON api_tokens"
                  " BEGIN SELECT RAISE(FAIL, 'attempt to write a readonly database'); END")
        try:
            r = api(self.srv, "GET", "/api/v1/admin/me", made["token"])
            self.assertEqual(r.status, 503, r.text)
            self.assertEqual(r.headers.get("retry-after"), "30")
            # An unknown token is still a plain 401.
            self.assertEqual(api(self.srv, "GET", "/api/v1/admin/me", "nzt_nope").status, 401)
        finally:
            sql_write(self.db, "DROP TRIGGER tokens_read_only")

    def test_an_expired_token_is_refused(self):
        r = self.call("ada", "POST", "/tokens", {"login": "cal", "expires_in_days": 1})
        self.assertEqual(r.status, 201, r.text)
        made = r.json()
        self.assertEqual(api(self.srv, "GET", "/api/v1/admin/me", made["token"]).status, 200)
        sql_write(self.db, "UPDATE api_tokens SET expires_at = %d WHERE id = %d"
                  % (int(time.time()) - 1, made["id"]))
        self.assertEqual(api(self.srv, "GET", "/api/v1/admin/me", made["token"]).status, 401)


class Accounts(unittest.TestCase):
    """A fresh database and server per test: throttles and passwords are per account."""

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="nz-e2e-hdata-acct-")
        self.db = new_db(os.path.join(self.tmp, "acct.db"))
        run(["init"], db=self.db)
        self.pw = add_user(self.db, "eve", "editor")
        self.srv = Server(self.db)

    def tearDown(self):
        self.srv.stop()
        shutil.rmtree(self.tmp, ignore_errors=True)

    def sign_in(self, password=None):
        r = login(self.srv, "eve", password or self.pw)
        self.assertEqual(r.status, 303, r.text)
        return session_cookie(r)

    def change_password(self, cookie, current, new):
        csrf = api(self.srv, "GET", "/api/v1/admin/me",
                   headers={"Cookie": "nz_session=" + cookie}).json()["csrf"]
        fields = {"csrf": csrf, "current": current, "password": new, "confirm": new}
        return self.srv.request("POST", "/admin/account/password",
                                body=urllib.parse.urlencode(fields),
                                headers={"Cookie": "nz_session=" + cookie,
                                         "Content-Type": "application/x-www-form-urlencoded"})

    def test_current_password_guesses_are_throttled_like_sign_ins(self):
        cookie = self.sign_in()
        statuses = [self.change_password(cookie, "wrong guess %d" % i,
                                         "a much better passphrase").status
                    for i in range(12)]
        self.assertIn(429, statuses)
        self.assertEqual(statuses[0], 422)
        # Even the right password is refused now, as a sign-in would be.
        r = self.change_password(cookie, self.pw, "a much better passphrase")
        self.assertEqual(r.status, 429, r.text)
        self.assertIn("Too many", r.text)
        self.assertEqual(login(self.srv, "eve", self.pw).status, 429)


    def test_common_passwords_and_the_login_are_refused(self):
        cookie = self.sign_in()
        for weak, why in (("aaaaaaaaaa", "too easy"), ("password1234", "too common"),
                          ("eve-the-editor", "login name")):
            r = self.change_password(cookie, self.pw, weak)
            self.assertEqual(r.status, 422, r.text)
            self.assertIn(why, r.text)
        self.assertEqual(login(self.srv, "eve", "aaaaaaaaaa").status, 401)
        r = self.change_password(cookie, self.pw, "plankton orbits a quiet lamp")
        self.assertEqual(r.status, 303, r.text)

    @sqlite_only("a trigger makes the throttle's table unwritable, as a full disk does")
    def test_sign_ins_fail_closed_while_failures_cannot_be_recorded(self):
        sql_write(self.db, "CREATE TRIGGER full_disk BEFORE INSERT ON login_failures"
                  " BEGIN SELECT RAISE(FAIL, 'database or disk is full'); END")
        r = login(self.srv, "eve", "a wrong guess")
        self.assertEqual(r.status, 503, r.text)
        self.assertIn("unavailable", r.text)
        # The right password does not get in either: an unrecorded guess tells nothing.
        for password in ("another guess", self.pw):
            r = login(self.srv, "eve", password)
            self.assertEqual(r.status, 503, r.text)
            self.assertIsNone(session_cookie(r))
        self.assertIn("not recorded", self.srv.output())


if __name__ == "__main__":
    unittest.main()
