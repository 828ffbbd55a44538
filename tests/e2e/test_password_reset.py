"""One-time password-reset links end to end: a link made with the CLI or the users page sets a
new password through the password policy, works once, for 24 hours, ends the user's sessions
and is audited; a newer link voids the older one; unknown links are throttled like sign-ins.
A real server on a real database; the expiry is moved into the past with SQL."""
import os
import re
import shutil
import tempfile
import unittest
import urllib.parse

from nz import Server, new_db, drop_db, run, sql_rows, sql_write
from nzadmin import add_token, add_user, api, login, session_cookie
from test_admin_pages import Browser

NEW_PW = "violet-harbor-lantern-42"


def reset_path(text):
    """The /admin/reset/<token> path of the link the CLI or the users page printed."""
    return re.search(r"https?://[^/\s]+(/admin/reset/[A-Za-z0-9_-]+)", text).group(1)


class PasswordReset(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="nz-e2e-reset-")
        cls.db = new_db(os.path.join(cls.tmp, "reset.db"))
        run(["init"], db=cls.db)
        cls.pw = {login: add_user(cls.db, login, role)
                  for login, role in (("ada", "admin"), ("kim", "editor"), ("lee", "editor"),
                                      ("min", "contributor"))}
        cls.srv = Server(cls.db)

    @classmethod
    def tearDownClass(cls):
        cls.srv.stop()
        drop_db(cls.db)
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def link(self, user):
        return reset_path(run(["user", "reset-link", user], db=self.db).stdout)

    def submit(self, path, password, again=None):
        form = urllib.parse.urlencode({"password": password,
                                       "password2": password if again is None else again})
        return self.srv.request("POST", path, body=form, headers={
            "Content-Type": "application/x-www-form-urlencoded"})

    def signed_in(self, cookie):
        return self.srv.request("GET", "/admin", headers={"Cookie": cookie}).status == 200

    def test_cli_link_sets_the_password_once_and_ends_sessions(self):
        r = login(self.srv, "kim", self.pw["kim"])
        self.assertEqual(r.status, 303)
        old_session = "nz_session=" + session_cookie(r)
        _, token = add_token(self.db, "kim")
        path = self.link("kim")

        page = self.srv.get(path)
        self.assertEqual(page.status, 200)
        self.assertIn("Choose a new password for <strong>kim</strong>", page.text)
        # Refused passwords change nothing: the session and the old password still work.
        r = self.submit(path, NEW_PW, NEW_PW + "x")
        self.assertEqual(r.status, 422)
        self.assertIn("The two passwords differ", r.text)
        r = self.submit(path, "short")
        self.assertEqual(r.status, 422)
        self.assertIn("at least 10", r.text)
        r = self.submit(path, "password1234")
        self.assertEqual(r.status, 422)
        self.assertTrue(self.signed_in(old_session))

        r = self.submit(path, NEW_PW)
        self.assertEqual(r.status, 200, r.text)
        self.assertIn("has been changed", r.text)
        self.assertFalse(self.signed_in(old_session))
        self.assertEqual(login(self.srv, "kim", self.pw["kim"]).status, 401)
        new = login(self.srv, "kim", NEW_PW)
        self.assertEqual(new.status, 303)
        self.assertTrue(self.signed_in("nz_session=" + session_cookie(new)))
        # API tokens are kept (revoked one by one, or by disabling the user).
        self.assertEqual(api(self.srv, "GET", "/api/v1/admin/articles", token).status, 200)
        audit = sql_rows(self.db, "SELECT l.action, u.login FROM audit_log l JOIN users u "
                                  "ON u.id = l.object_id WHERE l.action LIKE 'user.%res%'")
        self.assertIn(("user.reset_link_created", "kim"), audit)
        self.assertIn(("user.password_reset", "kim"), audit)

        # The link works once.
        again = self.srv.get(path)
        self.assertEqual(again.status, 410)
        self.assertIn("has been used already", again.text)
        self.assertEqual(self.submit(path, "another-fine-passphrase").status, 410)
        self.assertEqual(login(self.srv, "kim", "another-fine-passphrase").status, 401)

    def test_expired_link_is_refused_and_changes_nothing(self):
        path = self.link("lee")
        sql_write(self.db, "UPDATE password_resets SET expires_at = 1 WHERE user_id = "
                           "(SELECT id FROM users WHERE login = 'lee')")
        r = self.srv.get(path)
        self.assertEqual(r.status, 410)
        self.assertIn("has expired", r.text)
        self.assertEqual(self.submit(path, NEW_PW).status, 410)
        self.assertEqual(login(self.srv, "lee", self.pw["lee"]).status, 303)

    def test_a_new_link_voids_the_older_one(self):
        first, second = self.link("min"), self.link("min")
        r = self.srv.get(first)
        self.assertEqual(r.status, 404)
        self.assertIn("not valid", r.text)
        self.assertEqual(self.submit(first, NEW_PW).status, 404)
        self.assertEqual(self.srv.get(second).status, 200)
        self.assertEqual(login(self.srv, "min", self.pw["min"]).status, 303)
        stored = sql_rows(self.db, "SELECT token_hash FROM password_resets")
        self.assertNotIn(second.rsplit("/", 1)[1], [row[0] for row in stored])

    def test_the_users_page_makes_a_link_shown_once(self):
        ada = Browser(self.srv, "ada", self.pw["ada"])
        users = ada.get("/admin/users")
        uid = sql_rows(self.db, "SELECT id FROM users WHERE login = 'lee'")[0][0]
        self.assertIn('action="/admin/users/%s/reset-link"' % uid, users.text)
        r = ada.post("/admin/users/%s/reset-link" % uid, [])
        self.assertEqual(r.status, 200, r.text)
        self.assertIn("Newszone sends no mail", r.text)
        path = reset_path(r.text)
        self.assertNotIn(path, ada.get("/admin/users").text)
        self.assertIn("<strong>lee</strong>", self.srv.get(path).text)
        self.assertEqual(ada.post("/admin/users/99999/reset-link", []).status, 404)

    def test_z_guessing_links_is_throttled_like_sign_ins(self):
        # Last in the class: it throttles this address for reset links.
        path = self.link("ada")
        statuses = [self.srv.get("/admin/reset/guess%d" % i).status for i in range(6)]
        self.assertEqual(statuses[0], 404)
        self.assertEqual(statuses[-1], 429)
        r = self.srv.get(path)
        self.assertEqual(r.status, 429)
        self.assertIn("Too many", r.text)


if __name__ == "__main__":
    unittest.main()
