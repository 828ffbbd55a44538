"""HTTP-level hardening against a real server (docs/security.md): request framing refused as
RFC 9112 says (raw sockets, since well-behaved clients cannot send such requests), security
headers on public pages, media and the API, Cache-Control: no-store on every back-office answer,
and admin forms that cannot be parsed answered 400 with the reason."""
import os
import re
import shutil
import socket
import tempfile
import unittest

from nz import Server, new_db, run, sql_write
from nzadmin import NewsroomCase, add_user, api, login, png, session_cookie


def raw(port, data, timeout=5.0):
    """Sends data on a new connection; returns (status, head text, whether the server closed
    the connection after the answer)."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
        s.sendall(data)
        got = b""
        closed = False
        try:
            while True:
                d = s.recv(65536)
                if not d:
                    closed = True
                    break
                got += d
        except socket.timeout:
            pass
    head = got.split(b"\r\n\r\n", 1)[0].decode("latin-1")
    m = re.match(r"HTTP/1\.[01] (\d{3})", head)
    return (int(m.group(1)) if m else None), head, closed


class Site(NewsroomCase):
    """One database with an admin (and a token); one server."""
    prefix = "nz-e2e-hard-"
    login, role = "ada", "admin"


class Framing(Site):
    def test_ambiguous_framing_is_refused_at_once_and_the_connection_closed(self):
        cases = [
            (b"POST /search HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nContent-Length: 5\r\n"
             b"\r\nabcde", 400, "Two different Content-Length"),
            (b"GET / HTTP/1.1\r\n\r\n", 400, "needs a Host"),
            (b"GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400, "More than one Host"),
            (b"POST /search HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: xchunked\r\n\r\n", 501,
             "Only the chunked"),
            (b"POST /search HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
             b"Content-Length: 3\r\n\r\nabc", 400, "Both Transfer-Encoding"),
            # An absurd chunk size: answered at once, never waited for.
            (b"POST /api/v1/admin/articles HTTP/1.1\r\nHost: x\r\n"
             b"Transfer-Encoding: chunked\r\n\r\nFFFFFFFFFFFFFFFF\r\nabc", 411, "Content-Length"),
        ]
        for data, status, why in cases:
            with self.subTest(data=data[:60]):
                got, head, closed = raw(self.srv.port, data)
                self.assertEqual(got, status, head)
                self.assertTrue(closed, "the connection must be closed: " + head)
                self.assertIn("connection: close", head.lower())
        # The message names the reason (plain text off /api/, JSON under it).
        r = raw(self.srv.port, b"GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n")
        self.assertEqual(r[0], 400)
        # Still fine: HTTP/1.0 without Host, the same Content-Length twice.
        self.assertEqual(raw(self.srv.port, b"GET /healthz HTTP/1.0\r\n\r\n")[0], 200)
        self.assertEqual(raw(self.srv.port, b"GET /healthz HTTP/1.1\r\nHost: x\r\n"
                             b"Content-Length: 0\r\nContent-Length: 0\r\n"
                             b"Connection: close\r\n\r\n")[0], 200)


class Headers(Site):
    def test_public_pages_media_and_api_carry_security_headers(self):
        r = api(self.srv, "POST", "/api/v1/admin/media", self.token, raw=png(4, 4),
                headers={"Content-Type": "image/png"})
        self.assertEqual(r.status, 201, r.text)
        media = r.json()["path"]
        for path in ("/", "/search?q=x", "/no-such-page", media, "/api/v1/articles",
                     "/healthz", "/static/site.css"):
            with self.subTest(path=path):
                r = self.srv.get(path)
                self.assertEqual(r.headers.get("x-content-type-options"), "nosniff")
        for path in ("/", "/no-such-page", media):
            with self.subTest(path=path):
                r = self.srv.get(path)
                csp = r.headers.get("content-security-policy", "")
                self.assertIn("script-src 'self'", csp)
                self.assertNotIn("unsafe-inline", csp)
                self.assertIn("frame-ancestors", csp)
                self.assertEqual(r.headers.get("referrer-policy"),
                                 "strict-origin-when-cross-origin")
                self.assertNotIn("strict-transport-security", r.headers)  # http base URL
        api_csp = self.srv.get("/api/v1/articles").headers.get("content-security-policy")
        self.assertEqual(api_csp, "default-src 'none'; frame-ancestors 'none'")

    def test_the_public_theme_has_no_inline_script_or_style(self):
        # What the CSP forbids must not be in the pages: an inline script (other than the
        # JSON-LD data block, which is never run), a style element or attribute, a handler.
        html = self.srv.get("/").text + self.srv.get("/search?q=x").text
        scripts = re.findall(r"<script([^>]*)>", html)
        for attrs in scripts:
            self.assertTrue("src=" in attrs or "application/ld+json" in attrs, attrs)
        self.assertNotRegex(html, r"<style|\sstyle=|\son[a-z]+=")

    def test_every_back_office_answer_is_no_store(self):
        answers = [
            api(self.srv, "POST", "/api/v1/admin/tokens", self.token,
                body={"login": "ada", "name": "bot"}),  # carries a new token
            api(self.srv, "GET", "/api/v1/admin/me", self.token),
            api(self.srv, "GET", "/api/v1/admin/nothing-here", self.token),
            api(self.srv, "GET", "/api/v1/admin/me"),  # 401
            self.srv.get("/admin/login"),
            self.srv.get("/admin"),  # a redirect to the sign-in form
        ]
        self.assertEqual(answers[0].status, 201, answers[0].text)
        self.assertIn("token", answers[0].json())
        for r in answers:
            with self.subTest(status=r.status):
                self.assertIn("no-store", r.headers.get("cache-control", ""))


class HttpsSite(unittest.TestCase):
    def test_hsts_when_the_base_url_is_https(self):
        tmp = tempfile.mkdtemp(prefix="nz-e2e-hsts-")
        db = new_db(os.path.join(tmp, "hsts.db"))
        run(["init"], db=db)
        sql_write(db, "INSERT INTO settings(key, value) VALUES ('base_url', "
                  "'https://news.example')")
        srv = Server(db)
        try:
            for path in ("/", "/admin/login", "/api/v1/articles"):
                self.assertEqual(srv.get(path).headers.get("strict-transport-security"),
                                 "max-age=31536000", path)
        finally:
            srv.stop()
            shutil.rmtree(tmp, ignore_errors=True)


class UnreadableForms(Site):
    """A signed-in editor's form that cannot be parsed is answered 400 with the reason, not
    403 "security token missing"; nothing changes."""

    def post(self, body, ctype, cookie):
        return self.srv.request("POST", "/admin/users", body=body, headers={
            "Content-Type": ctype, "Cookie": "nz_session=" + cookie,
            "Origin": "http://127.0.0.1:%d" % self.srv.port})

    def test_unparseable_forms_get_400_with_the_reason(self):
        cookie = session_cookie(login(self.srv, "ada", self.password))
        self.assertTrue(cookie)
        many = "&".join("f%d=1" % i for i in range(2001)).encode()
        cases = [
            (b"csrf=abc&login=\xff\xfe", "application/x-www-form-urlencoded", "UTF-8"),
            (many, "application/x-www-form-urlencoded", "2000 fields"),
            (b"--XYZ\r\nContent-Disposition: form-data; name=\"login\"\r\n\r\nbob",
             "multipart/form-data; boundary=XYZ", "cut short"),
        ]
        for body, ctype, why in cases:
            with self.subTest(why=why):
                r = self.post(body, ctype, cookie)
                self.assertEqual(r.status, 400, r.text[:300])
                self.assertIn(why, r.text)
                self.assertNotIn("security token", r.text)
        # A readable form without the token is still refused as before.
        r = self.post(b"login=bob&role=editor", "application/x-www-form-urlencoded", cookie)
        self.assertEqual(r.status, 403)


class TrustedProxy(unittest.TestCase):
    """Behind a reverse proxy the sign-in throttle counts the client the proxy names, and only
    when the proxy is trusted: otherwise anyone could name any address."""

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="nz-e2e-proxy-")
        self.db = new_db(os.path.join(self.tmp, "proxy.db"))
        run(["init"], db=self.db)
        self.password = add_user(self.db, "ada", "admin")
        self.srv = None

    def tearDown(self):
        if self.srv:
            self.srv.stop()
        shutil.rmtree(self.tmp, ignore_errors=True)

    def fail_20_from(self, xff):
        for i in range(20):
            r = login(self.srv, "nobody%d" % i, "wrong password!",
                      headers={"X-Forwarded-For": xff})
            self.assertEqual(r.status, 401)

    def test_a_trusted_proxy_s_client_address_is_throttled_alone(self):
        self.srv = Server(self.db, ["--trusted-proxy", "127.0.0.0/8",
                                    "--trusted-proxy", "::1"])
        # What the client wrote itself comes first; nginx appends the address it saw.
        self.fail_20_from("6.6.6.6, 203.0.113.1")
        r = login(self.srv, "ada", self.password, headers={"X-Forwarded-For": "203.0.113.1"})
        self.assertEqual(r.status, 429)
        r = login(self.srv, "ada", self.password, headers={"X-Forwarded-For": "203.0.113.2"})
        self.assertEqual(r.status, 303, r.text[:200])
        r = login(self.srv, "ada", self.password, headers={
            "Forwarded": "for=\"[2001:db8::5]:4711\";proto=https"})
        self.assertEqual(r.status, 303, r.text[:200])
        self.assertIn("failed sign-in from 203.0.113.1", self.srv.output())

    def test_forwarded_headers_from_an_untrusted_peer_are_ignored(self):
        for extra in ([], ["--trusted-proxy", "10.0.0.0/8"]):
            with self.subTest(extra=extra):
                self.srv = Server(self.db, extra)
                for i in range(20):
                    r = login(self.srv, "nobody%d" % i, "wrong password!",
                              headers={"X-Forwarded-For": "198.51.100.%d" % i})
                    self.assertEqual(r.status, 401)
                r = login(self.srv, "ada", self.password,
                          headers={"X-Forwarded-For": "198.51.100.99"})
                self.assertEqual(r.status, 429)
                self.assertIn("failed sign-in from 127.0.0.1", self.srv.output())
                self.srv.stop()
                self.srv = None
                sql_write(self.db, "DELETE FROM login_failures")

    def test_a_bad_block_stops_the_server_from_starting(self):
        p = run(["serve", "--listen", "127.0.0.1:0", "--trusted-proxy", "10.0.0.0/33"],
                db=self.db, check=False)
        self.assertEqual(p.returncode, 1)
        self.assertIn('trusted proxy "10.0.0.0/33"', p.stderr)


def closed_by_server(s, wait):
    """True when the server closes s within wait seconds (whatever it sent before)."""
    s.settimeout(wait)
    try:
        while True:
            if s.recv(65536) == b"":
                return True
    except socket.timeout:
        return False
    except OSError:
        return True


def connect_from(addr, port):
    s = socket.socket()
    s.bind((addr, 0))
    s.connect(("127.0.0.1", port))
    return s


def one_request(s):
    """A keep-alive GET /healthz on s; returns the status line."""
    s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
    s.settimeout(5)
    got = b""
    while b"ok\n" not in got:
        d = s.recv(4096)
        if not d:
            break
        got += d
    return got.split(b"\r\n", 1)[0]


def closed_for(srv, reason):
    """The connections the server closed to protect itself, for reason (/metrics)."""
    m = re.search(r'^newszone_http_connections_closed_total\{reason="%s"\} (\d+)$' % reason,
                  srv.get("/metrics").text, re.M)
    return int(m.group(1))


class Connections(unittest.TestCase):
    """One client holding many connections does not keep others out (bench/slowclients.py
    measures how fast the others are served)."""

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="nz-e2e-conns-")
        self.db = new_db(os.path.join(self.tmp, "conns.db"))
        run(["init"], db=self.db)
        self.srv = None
        self.socks = []

    def tearDown(self):
        for s in self.socks:
            s.close()
        if self.srv:
            self.srv.stop()
        shutil.rmtree(self.tmp, ignore_errors=True)

    def test_one_address_holding_many_connections_does_not_keep_others_out(self):
        self.srv = Server(self.db, ["--max-per-address", "40", "--max-connections", "100"])
        for i in range(300):  # slow heads from one address: far past both limits
            s = connect_from("127.0.0.2", self.srv.port)
            s.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n")
            self.socks.append(s)
        # Past its 40, that address's connections are closed at once.
        self.assertTrue(closed_by_server(self.socks[-1], 5))
        self.assertFalse(closed_by_server(self.socks[0], 0.2))
        # Everyone else is served, health checks included.
        for path in ("/", "/healthz"):
            self.assertEqual(self.srv.get(path).status, 200, path)
        self.assertGreaterEqual(closed_for(self.srv, "per_address"), 200)

    def test_a_trickled_head_does_not_extend_its_deadline(self):
        self.srv = Server(self.db, ["--head-timeout", "2"])
        s = connect_from("127.0.0.1", self.srv.port)
        self.socks.append(s)
        s.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n")
        closed = False
        for _ in range(16):  # a header line every 0.5 s for up to 8 s
            try:
                s.sendall(b"X-Slow: 1\r\n")
            except OSError:
                closed = True
                break
            if closed_by_server(s, 0.5):
                closed = True
                break
        self.assertTrue(closed, "a head trickled in for 8 s was still being read")
        self.assertEqual(self.srv.get("/healthz").status, 200)
        self.assertEqual(closed_for(self.srv, "head_timeout"), 1)

    def test_past_the_limit_the_longest_idle_connections_go_first(self):
        self.srv = Server(self.db, ["--max-connections", "64"])
        for i in range(100):  # idle keep-alive connections, from several addresses
            s = connect_from("127.0.0.%d" % (3 + i % 5), self.srv.port)
            self.assertIn(b" 200 ", one_request(s))
            self.socks.append(s)
        self.assertTrue(closed_by_server(self.socks[0], 5))  # the oldest went
        self.assertIn(b" 200 ", one_request(self.socks[-1]))  # the newest is still served
        self.assertEqual(self.srv.get("/").status, 200)
        self.assertEqual(self.srv.get("/healthz").status, 200)
        self.assertGreaterEqual(closed_for(self.srv, "evicted_idle"), 100 - 56)


if __name__ == "__main__":
    unittest.main()
