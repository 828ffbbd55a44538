"""Webhooks and the purge hook against a receiver this test runs on 127.0.0.1: signed deliveries
(HMAC-SHA256 over the exact body), retries with back-off after failures, a pending delivery that
survives the receiver and the server going away, the purge hook's keys, the admin API and the
CLI. Events come from the back office's admin API, driven with a token from `newszone token
create`, as a partner's newsroom would produce them."""
import hashlib
import hmac
import http.server
import json
import os
import re
import shutil
import socket
import tempfile
import threading
import time
import unittest
import urllib.parse

from nz import Server, free_port, new_db, run, sql_write, sqlite_only

WAIT = 30  # seconds to wait for something that should happen (not a speed assertion)


class Receiver:
    """An HTTP server on 127.0.0.1 that records every POST; the first `fail` answers are 500."""

    def __init__(self, port=None, fail=0):
        self.port = port or free_port()
        self.fail = fail
        self.calls = []  # (time, path, headers dict lower-case, body bytes, answered status)
        self.lock = threading.Lock()
        self.httpd = None
        self.start()

    def start(self):
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                with receiver.lock:
                    status = 500 if receiver.fail > 0 else 204
                    receiver.fail -= 1 if receiver.fail > 0 else 0
                    receiver.calls.append((time.monotonic(), self.path,
                                           {k.lower(): v for k, v in self.headers.items()},
                                           body, status))
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        http.server.ThreadingHTTPServer.allow_reuse_address = True
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def stop(self):
        if self.httpd:
            self.httpd.shutdown()
            self.httpd.server_close()
            self.httpd = None

    def url(self, path="/hook"):
        return "http://127.0.0.1:%d%s" % (self.port, path)

    def received(self, path=None, status=None):
        with self.lock:
            return [c for c in self.calls
                    if (path is None or c[1] == path) and (status is None or c[4] == status)]

    def wait_for(self, n, path=None, status=None):
        deadline = time.monotonic() + WAIT
        while time.monotonic() < deadline:
            calls = self.received(path, status)
            if len(calls) >= n:
                return calls
            time.sleep(0.05)
        raise AssertionError("the receiver got %d of %d deliveries: %r"
                             % (len(self.received(path, status)), n, self.calls))


def signature(secret, body):
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


class Webhooks(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="nz-e2e-hooks-")
        self.db = new_db(os.path.join(self.tmp, "news.db"))
        run(["init"], db=self.db)
        run(["user", "add", "chief", "--role", "admin"], db=self.db)
        run(["user", "add", "writer", "--role", "contributor"], db=self.db)
        self.token = self.make_token("chief")
        self.set_setting("webhook_backoff_ms", "200")
        # The receivers listen on 127.0.0.1, which webhooks may reach only when allowed.
        self.set_setting("allow_private_webhooks", "1")
        self.receivers = []
        self.srv = Server(self.db)
        # The section articles go in, made by an admin on the back office's sections page.
        cookie, csrf = self.login("chief")
        r = self.post_form("/admin/sections", cookie,
                           [("csrf", csrf), ("name", "Defense"), ("slug", "defense"),
                            ("position", "1")])
        self.assertIn(r.status, (200, 303), r.body[:300])

    def tearDown(self):
        if self.srv:
            self.srv.stop()
        for r in self.receivers:
            r.stop()
        shutil.rmtree(self.tmp, ignore_errors=True)

    def make_token(self, login):
        out = run(["token", "create", login], db=self.db).stdout
        return re.search(r"nzt_[A-Za-z0-9_-]+", out).group(0)

    def set_setting(self, key, value):
        sql_write(self.db, "INSERT INTO settings(key, value) VALUES (?, ?)"
                  " ON CONFLICT(key) DO UPDATE SET value = excluded.value", (key, value))

    def receiver(self, **kw):
        r = Receiver(**kw)
        self.receivers.append(r)
        return r

    def api(self, method, path, body=None, token=None):
        headers = {"Authorization": "Bearer " + (token or self.token)}
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        return self.srv.request(method, path, body=data, headers=headers)

    def ok(self, r, status=200):
        self.assertEqual(r.status, status, r.body[:500])
        return r.json() if r.body else None

    # ---- events, made the way the newsroom makes them: the admin API ----

    def new_article(self, headline):
        a = self.ok(self.api("POST", "/api/v1/admin/articles", {
            "headline": headline, "language": "en",
            "body_markdown": "The navies met in Busan on Tuesday.\n\nThey agreed to train.",
            "section": {"slug": "defense"},
            "tags": ["navy", "busan"],
            "authors": [{"slug": "maeng-su-yeol", "name": "Maeng Su-Yeol",
                         "family_name": "Maeng", "given_name": "Su-Yeol",
                         "name_order": "eastern"}],
        }), 201)
        return a

    def act(self, article_id, action, body=None):
        r = self.api("POST", "/api/v1/admin/articles/%d/%s" % (article_id, action),
                     body if body is not None else {})
        self.assertIn(r.status, (200, 201), r.body[:500])
        return r.json()

    def add_hook(self, url, events):
        return self.ok(self.api("POST", "/api/v1/admin/webhooks",
                                {"url": url, "events": events}), 201)

    def deliveries(self, hook_id):
        return self.ok(self.api("GET", "/api/v1/admin/webhooks/%d/deliveries" % hook_id))[
            "deliveries"]

    def settled(self, hook_id):
        """The delivery log once no delivery is pending: the receiver may have answered a
        moment before the worker records the answer (slower still under ASan)."""
        deadline = time.monotonic() + WAIT
        while True:
            log = self.deliveries(hook_id)
            if all(d["status"] != "pending" for d in log) or time.monotonic() > deadline:
                return log
            time.sleep(0.05)

    # ---- tests ----

    def test_private_targets_are_refused_when_making_and_when_delivering(self):
        sql_write(self.db, "DELETE FROM settings WHERE key = 'allow_private_webhooks'")
        rcv = self.receiver()
        for url in ("http://169.254.169.254/latest/meta-data/", rcv.url(), "http://[::1]/x",
                    "http://localhost:%d/hook" % rcv.port):
            r = self.api("POST", "/api/v1/admin/webhooks",
                         {"url": url, "events": ["article.published"]})
            self.assertEqual(r.status, 400, r.text)
            self.assertIn("allow_private_webhooks", r.json()["error"]["message"])
        # A hook made while allowed is still refused at delivery once the setting is off
        # (as a name that resolves to a private address later would be).
        self.set_setting("allow_private_webhooks", "1")
        hook = self.add_hook(rcv.url(), ["article.published"])
        sql_write(self.db, "DELETE FROM settings WHERE key = 'allow_private_webhooks'")
        a = self.new_article("Harbour pilots strike for a day")
        self.act(a["id"], "publish")
        deadline = time.monotonic() + WAIT
        log = []
        while time.monotonic() < deadline:
            log = self.deliveries(hook["id"])
            if log and log[0]["last_error"]:
                break
            time.sleep(0.05)
        self.assertTrue(log and log[0]["last_error"], log)
        self.assertIn("refused to connect to 127.0.0.1", log[0]["last_error"])
        self.assertEqual(rcv.received(), [])

    @sqlite_only("a trigger makes the outbox unwritable, as a read-only database does")
    def test_a_failing_store_backs_off_instead_of_flooding_the_log(self):
        rcv = self.receiver()
        self.add_hook(rcv.url(), ["article.published"])
        sql_write(self.db, "CREATE TRIGGER outbox_stuck BEFORE UPDATE ON webhook_deliveries"
                  " BEGIN SELECT RAISE(FAIL, 'outbox is stuck for this test'); END")
        a = self.new_article("Ferry timetable changes for winter")
        self.act(a["id"], "publish")
        time.sleep(5)
        lines = [l for l in self.srv.output().splitlines() if "outbox is stuck" in l]
        # Rounds back off 1 s, 2 s, 4 s ...: a handful of lines, not two a second.
        self.assertGreaterEqual(len(lines), 1)
        self.assertLessEqual(len(lines), 4, "\n".join(lines))
        self.assertEqual(rcv.received(), [])

    def test_signed_delivery_is_retried_with_back_off_until_it_succeeds(self):
        rcv = self.receiver(fail=2)
        hook = self.add_hook(rcv.url(), ["article.published", "article.corrected"])
        self.assertRegex(hook["secret"], r"^whsec_[0-9a-f]{64}$")
        a = self.new_article("Navies agree to train together off Busan")
        self.act(a["id"], "publish")
        calls = rcv.wait_for(3)
        bodies = {c[3] for c in calls}
        self.assertEqual(len(bodies), 1, "every retry sends the same bytes")
        self.assertEqual([c[4] for c in calls], [500, 500, 204])
        for _, path, headers, body, _ in calls:
            self.assertEqual(path, "/hook")
            self.assertEqual(headers["content-type"], "application/json")
            self.assertEqual(headers["x-newszone-event"], "article.published")
            self.assertTrue(hmac.compare_digest(headers["x-newszone-signature"],
                                                signature(hook["secret"], body)))
            self.assertNotEqual(headers["x-newszone-signature"], signature("whsec_other", body))
        # Back-off: each retry waits longer than the one before (200 ms, then 600 ms).
        self.assertGreaterEqual(calls[1][0] - calls[0][0], 0.2)
        self.assertGreaterEqual(calls[2][0] - calls[1][0], 0.6)
        payload = json.loads(calls[0][3])
        self.assertEqual(payload["event"], "article.published")
        self.assertEqual(payload["article_id"], a["id"])
        self.assertEqual(str(payload["id"]), calls[0][2]["x-newszone-delivery"])
        self.assertEqual(payload["article"]["headline"], "Navies agree to train together off Busan")
        self.assertEqual(payload["article"]["status"], "published")
        self.assertIn("body_html", payload["article"])
        self.assertRegex(payload["occurred_at"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")

        log = self.settled(hook["id"])
        self.assertEqual(len(log), 1)
        self.assertEqual(log[0]["status"], "delivered")
        self.assertEqual(log[0]["attempts"], 3)
        self.assertEqual(log[0]["last_status"], 204)
        self.assertIsNone(log[0]["last_error"])
        out = run(["webhook", "deliveries"], db=self.db).stdout
        self.assertRegex(out, r"article\.published\s+article %d\s+delivered\s+attempts 3"
                         % a["id"])

    def test_only_subscribed_events_are_sent(self):
        rcv = self.receiver()
        pub = self.add_hook(rcv.url("/published"), ["article.published", "article.updated"])
        fix = self.add_hook(rcv.url("/fixes"), "article.corrected,article.retracted")
        a = self.new_article("Coast guard drill planned")
        published = self.act(a["id"], "publish")
        edited = self.ok(self.api("PATCH", "/api/v1/admin/articles/%d" % a["id"], {
            "revision": published["revision"], "headline": "Coast guard drill planned for May"}))
        self.assertEqual(edited["status"], "published")
        self.act(a["id"], "corrections", {"text": "An earlier version misspelled a name."})
        self.act(a["id"], "retract", {"reason": "Published in error."})
        # Deliveries are enqueued in the transaction of each change: the log is complete now.
        self.assertEqual([d["event"] for d in self.deliveries(pub["id"])],
                         ["article.updated", "article.published"])
        self.assertEqual([d["event"] for d in self.deliveries(fix["id"])],
                         ["article.retracted", "article.corrected"])
        updates = rcv.wait_for(2, "/published", 204)
        self.assertEqual(sorted(c[2]["x-newszone-event"] for c in updates),
                         ["article.published", "article.updated"])
        update = next(json.loads(c[3]) for c in updates
                      if c[2]["x-newszone-event"] == "article.updated")
        self.assertEqual(update["article"]["headline"], "Coast guard drill planned for May")
        fixes = rcv.wait_for(2, "/fixes", 204)
        self.assertEqual([c[2]["x-newszone-event"] for c in fixes],
                         ["article.corrected", "article.retracted"])
        retracted = json.loads(fixes[1][3])
        self.assertEqual(retracted["article"]["status"], "retracted")

    def test_pending_delivery_survives_receiver_and_server_restarts(self):
        port = free_port()
        hook = self.add_hook("http://127.0.0.1:%d/hook" % port, ["article.published"])
        a = self.new_article("Submarine rescue exercise ends")
        self.act(a["id"], "publish")
        # Nobody listens yet: the delivery fails and stays pending.
        deadline = time.monotonic() + WAIT
        while time.monotonic() < deadline:
            log = self.deliveries(hook["id"])
            if log and log[0]["attempts"] >= 2:
                break
            time.sleep(0.05)
        self.assertEqual(log[0]["status"], "pending")
        self.assertGreaterEqual(log[0]["attempts"], 2)
        self.assertIsNone(log[0]["last_status"])
        self.assertTrue(log[0]["last_error"])
        self.srv.stop()
        self.srv = None
        rcv = self.receiver(port=port)
        self.assertEqual(rcv.received(), [])
        self.srv = Server(self.db)
        calls = rcv.wait_for(1, "/hook", 204)
        self.assertEqual(json.loads(calls[0][3])["article_id"], a["id"])
        # The receiver goes away and comes back once more: the next event still arrives.
        rcv.stop()
        b = self.new_article("Minesweepers return to port")
        self.act(b["id"], "publish")
        deadline = time.monotonic() + WAIT
        while time.monotonic() < deadline and self.deliveries(hook["id"])[0]["attempts"] < 1:
            time.sleep(0.05)
        rcv.start()
        calls = rcv.wait_for(2, "/hook", 204)
        self.assertEqual(json.loads(calls[1][3])["article_id"], b["id"])
        self.assertEqual(self.settled(hook["id"])[0]["status"], "delivered")

    def test_purge_hook_receives_the_keys_of_a_publish(self):
        rcv = self.receiver()
        self.set_setting("purge_url", rcv.url("/purge"))
        self.set_setting("purge_secret", "purge-secret-123456")
        a = self.new_article("Air force opens a new training range")
        self.act(a["id"], "publish")
        calls = rcv.wait_for(1, "/purge", 204)
        _, _, headers, body, _ = calls[0]
        self.assertEqual(headers["x-newszone-event"], "purge")
        self.assertEqual(headers["x-newszone-signature"], signature("purge-secret-123456", body))
        sent = json.loads(body)
        self.assertEqual(sent["event"], "article.published")
        # Exactly the keys the article's page names, plus "front" for the lists (but its
        # related-articles box, which the change feed names when a list changes: a new
        # article's page is new whole).
        page = self.srv.get("/article/" + urllib.parse.quote(a["slug"]))
        self.assertEqual(page.status, 200)
        page_keys = {k for k in page.headers["surrogate-key"].split()
                     if not k.startswith("related-")}
        self.assertEqual(set(sent["keys"]), page_keys | {"front"})
        self.assertIn("article-%d" % a["id"], sent["keys"])
        self.assertTrue(any(k.startswith("section-") for k in sent["keys"]))
        self.assertEqual(len([k for k in sent["keys"] if k.startswith("tag-")]), 2)
        self.assertTrue(any(k.startswith("author-") for k in sent["keys"]))
        out = run(["webhook", "deliveries", "--purge"], db=self.db).stdout
        self.assertIn("(purge hook)", out)
        # Sent again a little later, the same bytes signed the same way: a page another node
        # served to the CDN before it had followed the change is dropped there too.
        again = rcv.wait_for(2, "/purge", 204)[1]
        self.assertEqual(again[3], body)
        self.assertEqual(again[2]["x-newszone-delivery"], headers["x-newszone-delivery"])
        self.assertEqual(again[2]["x-newszone-signature"], headers["x-newszone-signature"])
        self.assertGreater(again[0], calls[0][0])
        time.sleep(3)
        self.assertEqual(len(rcv.received("/purge")), 2, "a purge is sent twice, not more")

    def test_admin_api_manages_hooks(self):
        r = self.srv.request("GET", "/api/v1/admin/webhooks")
        self.assertEqual(r.status, 401)
        self.assertEqual(r.json()["error"]["code"], "unauthorized")
        writer = self.make_token("writer")
        self.assertEqual(self.api("GET", "/api/v1/admin/webhooks", token=writer).status, 403)
        self.assertEqual(self.api("POST", "/api/v1/admin/webhooks",
                                  {"url": "https://x.example/", "events": ["article.published"]},
                                  token=writer).status, 403)
        for bad in ({"url": "ftp://x.example/", "events": ["article.published"]},
                    {"url": "https://x.example/", "events": ["article.deleted"]},
                    {"url": "https://x.example/", "events": []},
                    {"events": ["article.published"]}):
            r = self.api("POST", "/api/v1/admin/webhooks", bad)
            self.assertEqual(r.status, 400, bad)
            self.assertEqual(r.json()["error"]["code"], "invalid_webhook")
        r = self.srv.request("POST", "/api/v1/admin/webhooks", body=b"{not json",
                             headers={"Authorization": "Bearer " + self.token})
        self.assertEqual(r.status, 400)
        self.assertEqual(r.json()["error"]["code"], "invalid_json")
        self.assertEqual(self.ok(self.api("GET", "/api/v1/admin/webhooks"))["webhooks"], [])

        hook = self.add_hook("https://partner.example/news", "article.published, article.updated")
        self.assertEqual(hook["events"], ["article.published", "article.updated"])
        listed = self.ok(self.api("GET", "/api/v1/admin/webhooks"))["webhooks"]
        self.assertEqual([h["id"] for h in listed], [hook["id"]])
        self.assertNotIn("secret", listed[0])
        self.assertNotIn(hook["secret"], self.api("GET", "/api/v1/admin/webhooks").text)
        self.assertEqual(listed[0]["deliveries"], {"pending": 0, "delivered": 0, "failed": 0})
        self.assertIn("no-store", self.api("GET", "/api/v1/admin/webhooks").headers["cache-control"])
        self.assertEqual(self.deliveries(hook["id"]), [])
        self.assertEqual(self.api("GET", "/api/v1/admin/webhooks/999/deliveries").status, 404)
        self.assertEqual(self.api("DELETE", "/api/v1/admin/webhooks/%d" % hook["id"]).status, 204)
        self.assertEqual(self.api("DELETE", "/api/v1/admin/webhooks/%d" % hook["id"]).status, 404)
        self.assertEqual(self.ok(self.api("GET", "/api/v1/admin/webhooks"))["webhooks"], [])

    def login(self, login):
        """Signs in through the back office's form; returns the session cookie and CSRF token."""
        pw = re.search(r"password: (\S+)",
                       run(["user", "passwd", login], db=self.db).stdout).group(1)
        origin = "http://127.0.0.1:%d" % self.srv.port
        r = self.srv.request("POST", "/admin/login",
                             body=urllib.parse.urlencode({"login": login, "password": pw}),
                             headers={"Content-Type": "application/x-www-form-urlencoded",
                                      "Origin": origin})
        self.assertEqual(r.status, 303, r.body[:300])
        cookie = r.headers["set-cookie"].split(";")[0]
        page = self.srv.get("/admin/webhooks", headers={"Cookie": cookie})
        self.assertEqual(page.status, 200)
        csrf = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)
        return cookie, csrf

    def post_form(self, path, cookie, fields):
        return self.srv.request("POST", path, body=urllib.parse.urlencode(fields),
                                headers={"Content-Type": "application/x-www-form-urlencoded",
                                         "Cookie": cookie})

    def test_back_office_page_shows_hooks_and_the_delivery_log(self):
        self.assertEqual(self.srv.get("/admin/webhooks").status, 303)  # to the sign-in page
        cookie, csrf = self.login("chief")
        r = self.post_form("/admin/webhooks", cookie, [
            ("csrf", csrf), ("url", "http://127.0.0.1:%d/none" % free_port()),
            ("events", "article.published"), ("events", "article.retracted")])
        self.assertEqual(r.status, 200)
        secret = re.search(r"whsec_[0-9a-f]{64}", r.text).group(0)
        hooks = self.ok(self.api("GET", "/api/v1/admin/webhooks"))["webhooks"]
        self.assertEqual(hooks[0]["events"], ["article.published", "article.retracted"])
        page = self.srv.get("/admin/webhooks", headers={"Cookie": cookie})
        self.assertNotIn(secret, page.text)
        self.assertIn(hooks[0]["url"], page.text)
        self.assertIn("no-store", page.headers["cache-control"])
        self.assertNotIn("etag", page.headers)
        # A refused URL: 422 with the reason, nothing added.
        bad = self.post_form("/admin/webhooks", cookie, [("csrf", csrf), ("url", "ftp://x"),
                                                         ("events", "article.published")])
        self.assertEqual(bad.status, 422)
        self.assertIn("must start with http:// or https://", bad.text)
        # Without the CSRF field nothing happens.
        self.assertEqual(self.post_form("/admin/webhooks", cookie, [
            ("url", "https://x.example/"), ("events", "article.published")]).status, 403)
        self.assertEqual(len(self.ok(self.api("GET", "/api/v1/admin/webhooks"))["webhooks"]), 1)
        # The log shows a failing delivery with its error.
        a = self.new_article("Patrol boats get new radars")
        self.act(a["id"], "publish")
        deadline = time.monotonic() + WAIT
        while time.monotonic() < deadline and self.deliveries(hooks[0]["id"])[0]["attempts"] < 1:
            time.sleep(0.05)
        page = self.srv.get("/admin/webhooks", headers={"Cookie": cookie}).text
        self.assertIn("article.published", page)
        self.assertIn("pending", page)
        self.assertRegex(page, r"Couldn(&#39;|&#x27;|')t connect to server")
        # Only admins see the page.
        run(["user", "role", "writer", "editor"], db=self.db)
        wcookie, _ = self.login_page_only("writer")
        self.assertEqual(self.srv.get("/admin/webhooks", headers={"Cookie": wcookie}).status, 403)
        r = self.post_form("/admin/webhooks/%d/delete" % hooks[0]["id"], cookie, [("csrf", csrf)])
        self.assertEqual(r.status, 303)
        self.assertEqual(self.ok(self.api("GET", "/api/v1/admin/webhooks"))["webhooks"], [])

    def login_page_only(self, login):
        pw = re.search(r"password: (\S+)",
                       run(["user", "passwd", login], db=self.db).stdout).group(1)
        r = self.srv.request("POST", "/admin/login",
                             body=urllib.parse.urlencode({"login": login, "password": pw}),
                             headers={"Content-Type": "application/x-www-form-urlencoded",
                                      "Origin": "http://127.0.0.1:%d" % self.srv.port})
        self.assertEqual(r.status, 303)
        return r.headers["set-cookie"].split(";")[0], None

    def test_cli_manages_hooks(self):
        p = run(["webhook", "add", "https://partner.example/cli", "--events",
                 "article.retracted,article.published"], db=self.db)
        secret = re.search(r"secret: (whsec_[0-9a-f]{64})", p.stdout).group(1)
        hook_id = int(re.search(r"webhook (\d+):", p.stdout).group(1))
        out = run(["webhook", "list"], db=self.db).stdout
        self.assertIn("https://partner.example/cli", out)
        self.assertIn("article.published,article.retracted", out)
        self.assertNotIn(secret, out)
        bad = run(["webhook", "add", "https://x.example/", "--events", "article.nope"],
                  db=self.db, check=False)
        self.assertEqual(bad.returncode, 2)
        self.assertIn("unknown event 'article.nope'", bad.stderr)
        self.assertEqual(run(["webhook", "add", "nota-url", "--events", "article.published"],
                             db=self.db, check=False).returncode, 2)
        run(["webhook", "remove", str(hook_id)], db=self.db)
        self.assertIn("no webhooks", run(["webhook", "list"], db=self.db).stdout)
        gone = run(["webhook", "remove", str(hook_id)], db=self.db, check=False)
        self.assertEqual(gone.returncode, 1)


if __name__ == "__main__":
    unittest.main()
