"""Wires end to end: `newszone wire add|list|remove|poll` against feeds served by a local HTTP
server on 127.0.0.1 (RSS, Atom, ninjs; HTTP caching with ETag; hostile feeds: malformed XML, an
entity bomb, a 1 GB body, a redirect loop, a slow server), and the server polling on its own."""
import http.server
import json
import re
import subprocess
import threading
import time

from nz import BIN, NzTestCase, eventually, run, sql_rows

RSS = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><title>Coast Wire</title>
<item><title>Storm closes the coast road</title><link>https://wire.example.net/a/1</link>
<guid isPermaLink="false">coastwire-0001</guid><pubDate>Mon, 02 Mar 2026 06:00:00 +0000</pubDate>
<description><![CDATA[<p>The coast road is closed <b>until Friday</b>.</p>]]></description>
<dc:creator>By Ana Silva</dc:creator><source url="https://wire.example.net">Coast Wire</source></item>
<item><title>Harbour fees rise</title><link>https://wire.example.net/a/2</link>
<guid>coastwire-0002</guid><description>Fees rise by a tenth.</description></item>
</channel></rss>"""

ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Hill Agency</title><id>urn:hill</id>
<updated>2026-03-02T07:00:00Z</updated>
<entry><title>Snow on the pass</title><id>urn:hill:77</id><updated>2026-03-02T07:00:00Z</updated>
<link rel="alternate" href="https://hill.example.net/77"/><author><name>Ben Ode</name></author>
<rights>Hill Agency</rights><summary>Chains are needed above 900 m.</summary></entry></feed>"""

NINJS = {"items": [{"uri": "urn:ninjs:river:5", "headline": "River levels fall",
                    "body_text": "The river fell by half a metre overnight.",
                    "versioncreated": "2026-03-02T08:00:00Z", "byline": "By Cy Rowe",
                    "copyrightnotice": "River News Service"}]}

BOMB = """<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">
<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;">]><rss><channel><item><title>&c;</title><guid>x</guid></item></channel></rss>"""


class Feeds(http.server.BaseHTTPRequestHandler):
    state = {}

    def log_message(self, *args):
        pass

    def send(self, body, ctype="application/xml", headers=()):
        data = body.encode() if isinstance(body, str) else body
        self.send_response(200)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        for k, v in headers:
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        st = self.state
        st.setdefault("hits", []).append(self.path)
        if self.path == "/rss.xml":
            etag = '"rss-%d"' % st.get("rss_version", 1)
            if self.headers.get("If-None-Match") == etag:
                self.send_response(304)
                self.end_headers()
                return
            self.send(st.get("rss", RSS), headers=[("ETag", etag)])
        elif self.path == "/atom.xml":
            self.send(ATOM)
        elif self.path == "/ninjs.json":
            self.send(json.dumps(NINJS), "application/json")
        elif self.path == "/bad.xml":
            self.send("<rss><channel><item><title>Broken</title></channel>")
        elif self.path == "/bomb.xml":
            self.send(BOMB)
        elif self.path == "/huge.xml":
            self.send_response(200)
            self.send_header("Content-Length", str(1 << 30))
            self.end_headers()
            try:
                for _ in range(200):
                    self.wfile.write(b"<" * 65536)
            except OSError:
                pass
        elif self.path == "/loop.xml":
            self.send_response(302)
            self.send_header("Location", "/loop.xml")
            self.send_header("Content-Length", "0")
            self.end_headers()
        elif self.path == "/slow.xml":
            self.send_response(200)
            self.send_header("Content-Length", "100000")
            self.end_headers()
            try:
                for _ in range(30):
                    self.wfile.write(b" ")
                    self.wfile.flush()
                    time.sleep(0.5)
            except OSError:
                pass
        elif self.path == "/trickle.xml":
            # Fast enough for the low-speed limit, so only the 20 s cap ends it.
            self.send_response(200)
            self.send_header("Content-Length", "1000000")
            self.end_headers()
            try:
                for _ in range(120):
                    self.wfile.write(b" " * 200)
                    self.wfile.flush()
                    time.sleep(0.25)
            except OSError:
                pass
        else:
            self.send_response(404)
            self.send_header("Content-Length", "0")
            self.end_headers()


class Wires(NzTestCase):
    def setUp(self):
        super().setUp()
        Feeds.state = {}
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Feeds)
        self.httpd.daemon_threads = True
        self.base = "http://127.0.0.1:%d" % self.httpd.server_address[1]
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        run(["init"], db=self.db)

    def tearDown(self):
        self.httpd.shutdown()
        self.httpd.server_close()
        super().tearDown()

    def add(self, path, fmt, *extra):
        return run(["wire", "add", self.base + path, "--format", fmt] + list(extra), db=self.db)

    def review(self):
        return sorted(r[0] for r in sql_rows(self.db, "SELECT headline FROM articles WHERE status = 'review'"))

    def test_items_become_review_drafts_once(self):
        self.add("/rss.xml", "rss", "--section", "coast")
        self.add("/atom.xml", "atom")
        self.add("/ninjs.json", "ninjs", "--every", "2m")
        out = run(["wire", "poll"], db=self.db).stdout
        self.assertIn("2 items: taken 2, updated 0, unchanged 0", out)
        self.assertIn("1 item: taken 1", out)
        self.assertEqual(self.review(), ["Harbour fees rise", "River levels fall",
                                         "Snow on the pass", "Storm closes the coast road"])
        srv = self.serve()
        from nzadmin import add_token, add_user, api
        add_user(self.db, "desk", "editor")
        _, token = add_token(self.db, "desk")
        rows = sql_rows(self.db, "SELECT id FROM articles WHERE headline = 'Storm closes the coast road'")
        a = api(srv, "GET", "/api/v1/admin/articles?status=review", token).json()
        self.assertEqual(len(a["articles"]), 4)
        storm = [x for x in a["articles"] if x["id"] == int(rows[0][0])][0]
        self.assertEqual(storm["section"]["slug"], "coast")
        self.assertIn("**until Friday**", storm["body_markdown"])
        notes = "\n".join(storm["import_notes"])
        self.assertIn("wire source: %s/rss.xml" % self.base, notes)
        self.assertIn("original: https://wire.example.net/a/1", notes)
        self.assertIn("credit: Coast Wire", notes)
        self.assertEqual([au["name"] for au in storm["authors"]], ["Ana Silva"])
        raw = sql_rows(self.db, "SELECT bytes FROM import_sources WHERE article_id = ?", (storm["id"],))[0][0]
        raw = bytes.fromhex(raw[2:]) if isinstance(raw, str) else raw
        self.assertIn(b"<guid isPermaLink=\"false\">coastwire-0001</guid>", raw)
        # Polled again: the RSS feed answers 304 to its ETag; nothing is taken twice.
        out = run(["wire", "poll"], db=self.db).stdout
        self.assertIn("/rss.xml: not modified", out)
        self.assertIn("1 item: taken 0, updated 0, unchanged 1", out)
        self.assertEqual(len(self.review()), 4)
        # An update of an item taken before: a new revision of the draft.
        Feeds.state["rss"] = RSS.replace("Harbour fees rise", "Harbour fees rise by ten percent")
        Feeds.state["rss_version"] = 2
        out = run(["wire", "poll"], db=self.db).stdout
        self.assertIn("2 items: taken 0, updated 1, unchanged 1", out)
        rev = sql_rows(self.db, "SELECT revision FROM articles WHERE headline = 'Harbour fees rise by ten percent'")
        self.assertEqual(int(rev[0][0]), 2)
        listing = run(["wire", "list"], db=self.db).stdout
        self.assertIn("taken 2\tok", listing)
        # Once published, an update leaves the article alone and the editor shows a notice
        # until the article is saved again.
        from test_admin_pages import Browser
        r = api(srv, "POST", "/api/v1/admin/articles/%d/publish" % storm["id"], token)
        self.assertEqual(r.status, 200, r.text)
        Feeds.state["rss"] = Feeds.state["rss"].replace("until Friday", "until Sunday")
        Feeds.state["rss_version"] = 3
        out = run(["wire", "poll"], db=self.db).stdout
        self.assertIn("noticed 1", out)
        a = api(srv, "GET", "/api/v1/admin/articles/%d" % storm["id"], token).json()
        self.assertIn("**until Friday**", a["body_markdown"])
        chief = Browser(srv, "chief", add_user(self.db, "chief", "editor"))
        page = chief.get("/admin/articles/%d" % storm["id"]).text
        self.assertIn("The wire sent a newer version of this story", page)
        original = re.search(r'<a href="([^"]+)">the newest version from the wire</a>', page).group(1)
        self.assertIn(b"until Sunday", chief.get(original).body)
        r = api(srv, "PATCH", "/api/v1/admin/articles/%d" % storm["id"], token,
                {"body_markdown": a["body_markdown"].replace("Friday", "Sunday"),
                 "revision": a["revision"]})
        self.assertEqual(r.status, 200, r.text)
        self.assertNotIn("The wire sent a newer version", chief.get("/admin/articles/%d" % storm["id"]).text)

    def test_hostile_feeds_are_refused_and_never_stall_the_others(self):
        for path in ("/bad.xml", "/bomb.xml", "/huge.xml", "/loop.xml", "/slow.xml", "/missing.xml"):
            self.add(path, "rss")
        self.add("/atom.xml", "atom")
        start = time.monotonic()
        p = run(["wire", "poll"], db=self.db, check=False, timeout=120)
        took = time.monotonic() - start
        self.assertEqual(p.returncode, 1)
        err = p.stderr
        self.assertRegex(err, r"/bad\.xml: refused: line \d+: ")
        self.assertRegex(err, r"/bomb\.xml: refused: line \d+: .*(DOCTYPE|entity)")
        self.assertIn("/huge.xml: refused: the answer is larger than 8388608 bytes", err)
        self.assertRegex(err, r"/loop\.xml: refused: .*[Rr]edirect")
        self.assertRegex(err, r"/slow\.xml: refused: .*(slow|[Tt]imeout)")
        self.assertIn("/missing.xml: refused: HTTP status 404", err)
        self.assertIn("1 item: taken 1", p.stdout)  # the good feed after all of them
        self.assertLess(took, 40)
        self.assertEqual(self.review(), ["Snow on the pass"])
        listing = run(["wire", "list"], db=self.db).stdout
        self.assertIn("HTTP status 404", listing)

    def test_a_slow_feed_does_not_hold_up_the_others(self):
        self.add("/trickle.xml", "rss")  # first in the list: the one polled first
        self.add("/atom.xml", "atom")
        cmd = [BIN, "--db", self.db, "wire", "poll"]
        p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            # The agency's story is in the review queue while the slow feed is still being
            # read (it takes 20 s, the fetch's cap).
            self.assertTrue(eventually(lambda: self.review() == ["Snow on the pass"], deadline=10))
            self.assertIsNone(p.poll())
        finally:
            p.kill()
            p.communicate()

    def test_bad_arguments_change_nothing(self):
        for args, reason in ((["ftp://x/feed", "--format", "rss"], "must start with http"),
                             ([self.base + "/rss.xml", "--format", "csv"], "rss, atom or ninjs"),
                             ([self.base + "/rss.xml", "--format", "rss", "--every", "10s"], "at least 60s"),
                             ([self.base + "/rss.xml", "--format", "rss", "--section", "Bad Slug"], "not a valid slug")):
            p = run(["wire", "add"] + args, db=self.db, check=False)
            self.assertEqual(p.returncode, 2, p.stderr)
            self.assertIn(reason, p.stderr)
        self.assertEqual(run(["wire", "list"], db=self.db).stdout, "")
        self.add("/rss.xml", "rss")
        p = run(["wire", "add", self.base + "/rss.xml", "--format", "rss"], db=self.db, check=False)
        self.assertIn("there already", p.stderr)
        self.assertIn("removed wire 1", run(["wire", "remove", "1"], db=self.db).stdout)
        self.assertEqual(run(["wire", "remove", "1"], db=self.db, check=False).returncode, 2)

    def test_the_server_polls_on_its_own(self):
        self.add("/atom.xml", "atom", "--every", "60s")
        self.serve()
        self.assertTrue(eventually(lambda: self.review() == ["Snow on the pass"], deadline=20))
