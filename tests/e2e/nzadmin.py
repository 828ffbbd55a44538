"""Back-office helpers for end-to-end tests: accounts and tokens through the CLI, the
admin API with a bearer token, sign-in through the real form. Standard library only."""
import json
import os
import re
import shutil
import struct
import tempfile
import unittest
import urllib.parse
import zlib

from nz import Server, drop_db, new_db, run, sql_rows


def add_user(db, login, role):
    """Creates a user with `newszone user add` and returns the password it printed once."""
    p = run(["user", "add", login, "--role", role], db=db)
    return re.search(r"^password: (\S+)$", p.stdout, re.M).group(1)


def add_token(db, login):
    """Creates a token with `newszone token create` and returns (id, token)."""
    p = run(["token", "create", login], db=db)
    token = re.search(r"^(nzt_\S+)$", p.stdout, re.M).group(1)
    return int(re.search(r"^token (\d+)", p.stdout, re.M).group(1)), token


def api(srv, method, path, token=None, body=None, headers=None, raw=None):
    """Calls the admin API; body is JSON-encoded (or raw bytes are sent as they are)."""
    h = dict(headers or {})
    if token:
        h["Authorization"] = "Bearer " + token
    data = raw
    if body is not None:
        data = json.dumps(body).encode()
        h.setdefault("Content-Type", "application/json")
    return srv.request(method, path, body=data, headers=h)


def login(srv, user, password, headers=None):
    """Posts the sign-in form; returns the response (303 on success)."""
    form = urllib.parse.urlencode({"login": user, "password": password, "next": "/admin"})
    h = {"Content-Type": "application/x-www-form-urlencoded"}
    h.update(headers or {})
    return srv.request("POST", "/admin/login", body=form, headers=h)


def session_cookie(resp):
    """The nz_session value from a Set-Cookie header, or None."""
    m = re.search(r"nz_session=([^;]*)", resp.headers.get("set-cookie", ""))
    return m.group(1) if m else None


def png(width, height):
    """A valid PNG of width x height gray pixels."""
    def chunk(kind, data):
        return (struct.pack(">I", len(data)) + kind + data +
                struct.pack(">I", zlib.crc32(kind + data) & 0xffffffff))
    raw = b"".join(b"\x00" + b"\x80" * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" +
            chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)) +
            chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


class NodesMixin:
    """For a TestCase running servers on one newsroom (self.db, self.token of an editor,
    self.servers stopped by its tearDown): nodes, the admin API, and the jobs lease."""

    def node(self):
        s = Server(self.db)
        self.servers.append(s)
        return s

    def call(self, srv, method, path, body=None):
        return api(srv, method, "/api/v1/admin" + path, self.token, body)

    def create(self, srv, headline):
        r = self.call(srv, "POST", "/articles",
                      {"headline": headline, "body_markdown": "The body of %s." % headline})
        self.assertEqual(r.status, 201, r.text)
        return r.json()

    def publish(self, srv, headline):
        a = self.create(srv, headline)
        r = self.call(srv, "POST", "/articles/%d/publish" % a["id"])
        self.assertEqual(r.status, 200, r.text)
        return r.json()

    def holder(self):
        """Who holds the jobs lease (host:pid:random), or None."""
        rows = sql_rows(self.db, "SELECT holder FROM leases WHERE name = 'jobs'")
        return rows[0][0] if rows and rows[0][0] else None

    def published_entries(self, srv, article_id):
        r = self.call(srv, "GET", "/audit?article=%d" % article_id)
        self.assertEqual(r.status, 200, r.text)
        return [e for e in r.json()["entries"] if e["action"] == "article.published"]


class NewsroomCase(unittest.TestCase):
    """One newsroom and one server for a whole test class: `newszone init` (or what `setup`
    says, e.g. ("demo",)), one account (`login`, `role`; its password in cls.password) with an
    API token (cls.token), and `newszone serve` with `serve_args`. Subclasses set those class
    attributes and may extend setUpClass (calling this one first)."""
    prefix = "nz-e2e-"
    setup = ("init",)
    login, role = "eve", "editor"
    serve_args = ()

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix=cls.prefix)
        cls.db = new_db(os.path.join(cls.tmp, "newszone.db"))
        run(list(cls.setup), db=cls.db)
        cls.password = add_user(cls.db, cls.login, cls.role)
        cls.token = add_token(cls.db, cls.login)[1]
        cls.srv = Server(cls.db, list(cls.serve_args))

    @classmethod
    def tearDownClass(cls):
        cls.srv.stop()
        drop_db(cls.db)
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def admin_api(self, method, path, body=None, **kw):
        """The admin API (/api/v1/admin + path) with the class's token."""
        return api(self.srv, method, "/api/v1/admin" + path, self.token, body, **kw)
