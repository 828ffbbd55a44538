"""Live coverage end to end (docs/live-coverage.md): an editor starts coverage of a published
article and posts, corrects, pins and deletes updates through the admin API and through the
back office's page; the public page shows them newest first with their times and zone, the key
updates on top, the Live badge while live and the end once closed, LiveBlogPosting JSON-LD,
and never a stale copy from the page cache; conditional requests answer 304 until an update
comes (what the page's script polls with). Contributors may not post. An open event stream
(Server-Sent Events) receives an update posted through the API, a correction and the end, a
reconnection with Last-Event-ID receives what it missed, and a stream on a second server on the
same database receives an update posted through the first. The site's feeds carry a live
story's newest updates in its entry. A real server on a real database;
accounts and tokens made with the CLI."""
import http.client
import json
import os
import re
import shutil
import tempfile
import unittest
from datetime import datetime
from html import unescape

from nz import Server, new_db, run
from nzadmin import add_token, add_user, api, png
from test_admin_pages import Browser


def jsonld(html):
    return [json.loads(m) for m in
            re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)]


def live_section(html):
    m = re.search(r'<section class="live" id="live".*?</ol>\n</section>', html, re.S)
    return m.group(0) if m else ""


class Live(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="nz-e2e-live-")
        cls.db = new_db(os.path.join(cls.tmp, "live.db"))
        run(["init"], db=cls.db)
        cls.tokens = {}
        cls.passwords = {}
        for login, role in (("eve", "editor"), ("cal", "contributor")):
            cls.passwords[login] = add_user(cls.db, login, role)
            cls.tokens[login] = add_token(cls.db, login)[1]
        cls.srv = Server(cls.db)

    @classmethod
    def tearDownClass(cls):
        cls.srv.stop()
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def call(self, method, path, body=None, who="eve"):
        return api(self.srv, method, "/api/v1/admin" + path, self.tokens.get(who), body)

    def published(self, headline):
        r = self.call("POST", "/articles", {"headline": headline,
                                            "body_markdown": "What we know so far."})
        self.assertEqual(r.status, 201, r.text)
        a = r.json()
        r = self.call("POST", "/articles/%d/publish" % a["id"])
        self.assertEqual(r.status, 200, r.text)
        return r.json()

    def page(self, a):
        r = self.srv.get(page_path(a))
        self.assertEqual(r.status, 200, r.text)
        return r

    def test_updates_reach_the_page_in_order_with_pins_and_the_end(self):
        a = self.published("Summit in Busan")
        base = "/articles/%d" % a["id"]
        before = self.page(a)
        self.assertNotIn('id="live"', before.text)
        self.assertEqual(jsonld(before.text)[0]["@type"], "NewsArticle")
        self.page(a)  # now in the page cache

        # No update before the coverage starts.
        r = self.call("POST", base + "/updates", {"body_markdown": "Too early."})
        self.assertEqual(r.status, 409, r.text)
        r = self.call("PUT", base + "/live", {"live": True})
        self.assertEqual(r.status, 200, r.text)
        self.assertTrue(r.json()["live"])
        self.assertIsNotNone(r.json()["started_at"])

        first = self.call("POST", base + "/updates",
                          {"body_markdown": "Leaders **arrive** at the venue."}).json()
        self.assertEqual(first["revision"], 1)
        self.assertIn("<strong>arrive</strong>", first["body_html"])
        second = self.call("POST", base + "/updates",
                           {"body_markdown": "Talks begin behind closed doors."})
        self.assertEqual(second.status, 201, second.text)
        second = second.json()

        page = self.page(a)  # never the cached copy from before the updates
        self.assertEqual(page.headers.get("x-cache"), "MISS")
        html = page.text
        self.assertIn('<p class="live-badge">Live</p>', html)
        live = live_section(html)
        self.assertLess(live.index("Talks begin"), live.index("Leaders"))  # newest first
        self.assertIn("<strong>arrive</strong>", live)
        self.assertRegex(live, r'<time datetime="[0-9T:+-]+">[^<]+ (UTC|KST|GMT|[+-]\d)')
        self.assertIn('live.', re.search(r'<script src="([^"]+)" defer>', html).group(1))
        ld = jsonld(html)[0]
        self.assertEqual(ld["@type"], "LiveBlogPosting")
        self.assertIn("coverageStartTime", ld)
        self.assertNotIn("coverageEndTime", ld)
        self.assertEqual([u["articleBody"] for u in ld["liveBlogUpdate"]],
                         ["Talks begin behind closed doors.",
                          "Leaders **arrive** at the venue."])
        self.assertTrue(ld["liveBlogUpdate"][0]["url"].endswith("#update-%d" % second["id"]))

        # A conditional request with the page's ETag is 304 until the next update.
        etag = page.headers.get("etag")
        self.assertTrue(etag)
        r = self.srv.get(page_path(a), headers={"If-None-Match": etag})
        self.assertEqual(r.status, 304)

        # Pin the first (a key update, on top) and correct it; a stale edit is refused.
        r = self.call("PATCH", base + "/updates/%d" % first["id"],
                      {"revision": 1, "pinned": True,
                       "body_markdown": "Leaders arrive at the venue in Busan."})
        self.assertEqual(r.status, 200, r.text)
        self.assertEqual(r.json()["revision"], 2)
        r = self.call("PATCH", base + "/updates/%d" % first["id"],
                      {"revision": 1, "body_markdown": "Lost edit."})
        self.assertEqual(r.status, 409, r.text)
        self.assertIn("revision 1 (now 2)", r.json()["error"]["message"])
        r = self.srv.get(page_path(a), headers={"If-None-Match": etag})
        self.assertEqual(r.status, 200)
        html = r.text
        self.assertNotIn("Lost edit", html)
        key = re.search(r'<section class="live-key".*?</section>', html, re.S).group(0)
        self.assertIn("Leaders arrive at the venue in Busan.", key)
        self.assertNotIn("Talks begin", key)
        self.assertLess(html.index('class="live-key"'), html.index('id="live-updates"'))

        # Delete the second; end the coverage: no badge, the end shown, coverageEndTime.
        r = self.call("DELETE", base + "/updates/%d" % second["id"])
        self.assertEqual(r.status, 204, r.text)
        r = self.call("DELETE", base + "/updates/%d" % second["id"])
        self.assertEqual(r.status, 404, r.text)
        r = self.call("PUT", base + "/live", {"live": False})
        self.assertEqual(r.status, 200, r.text)
        self.assertFalse(r.json()["live"])
        html = self.page(a).text
        self.assertNotIn("Talks begin", html)
        self.assertNotIn('class="live-badge"', html)
        self.assertNotIn("live.", "".join(re.findall(r'<script src="([^"]+)"', html)))
        self.assertIn("Live coverage ended", html)
        ld = jsonld(html)[0]
        self.assertIn("coverageEndTime", ld)
        self.assertEqual(len(ld["liveBlogUpdate"]), 1)
        # Ended: corrections still go in, new updates do not.
        r = self.call("POST", base + "/updates", {"body_markdown": "After the end."})
        self.assertEqual(r.status, 409, r.text)
        # Retracted: the updates go with the text.
        r = self.call("POST", base + "/retract", {"reason": "The summit was called off."})
        self.assertEqual(r.status, 200, r.text)
        html = self.page(a).text
        self.assertNotIn("Leaders arrive", html)
        self.assertEqual(jsonld(html)[0]["@type"], "NewsArticle")

    def test_refused_input_and_permissions(self):
        a = self.published("Storm on the coast")
        base = "/articles/%d" % a["id"]
        r = self.call("PUT", base + "/live", {"live": True}, who="cal")
        self.assertEqual(r.status, 403, r.text)
        r = self.call("PUT", base + "/live", {"live": "yes"})
        self.assertEqual(r.status, 400, r.text)
        self.assertEqual(self.call("PUT", base + "/live", {"live": True}).status, 200)
        for body in ({"body_markdown": "   "}, {"body_markdown": 7}, {"pinned": "yes"}):
            r = self.call("POST", base + "/updates", body)
            self.assertIn(r.status, (400, 422), r.text)
        r = self.call("POST", base + "/updates", {"body_markdown": "Waves."}, who="cal")
        self.assertEqual(r.status, 403, r.text)
        r = self.call("GET", base + "/live")
        self.assertEqual(r.json()["updates"], [])
        r = self.call("PUT", "/articles/999999/live", {"live": True})
        self.assertEqual(r.status, 404, r.text)

    def test_the_back_office_page_posts_pins_and_deletes(self):
        a = self.published("Exercise at sea")
        me = Browser(self.srv, "eve", self.passwords["eve"])
        path = "/admin/articles/%d/live" % a["id"]
        self.assertIn('href="%s"' % path, me.get("/admin/articles/%d" % a["id"]).text)
        r = me.get(path)
        self.assertEqual(r.status, 200, r.text)
        self.assertIn("Start live coverage", r.text)
        r = me.post(path, [("start", "1")])
        self.assertEqual(r.status, 303, r.text)
        r = me.post("/admin/articles/%d/updates" % a["id"], [("body_markdown", "  ")])
        self.assertEqual(r.status, 422, r.text)
        self.assertIn("the text is empty", r.text)
        r = me.post("/admin/articles/%d/updates" % a["id"],
                    [("body_markdown", "Ships leave port."), ("pinned", "1")])
        self.assertEqual(r.status, 303, r.text)
        page = me.get(r.headers["location"]).text
        self.assertIn("The update is on the article.", page)
        uid, rev = re.search(r'/updates/(\d+)">\s*<input[^>]*>\s*<input type="hidden" '
                             r'name="revision" value="(\d+)"', page).groups()
        html = self.page(a).text
        self.assertIn("Ships leave port.", re.search(r'<section class="live-key".*?</section>',
                                                     html, re.S).group(0))
        # Unpinned through the form (the box left unticked), then deleted.
        r = me.post("/admin/articles/%d/updates/%s" % (a["id"], uid),
                    [("revision", rev), ("body_markdown", "Ships left port.")])
        self.assertEqual(r.status, 303, r.text)
        r = me.post("/admin/articles/%d/updates/%s" % (a["id"], uid),
                    [("revision", rev), ("body_markdown", "Stale.")])
        self.assertEqual(r.status, 409, r.text)
        html = self.page(a).text
        self.assertNotIn('class="live-key"', html)
        self.assertIn("Ships left port.", html)
        r = me.post("/admin/articles/%d/updates/%s/delete" % (a["id"], uid), [])
        self.assertEqual(r.status, 303, r.text)
        self.assertNotIn("Ships left port.", self.page(a).text)
        # A contributor cannot open the page.
        cal = Browser(self.srv, "cal", self.passwords["cal"])
        self.assertEqual(cal.get(path).status, 403)

    def upload(self, alt):
        query = "?caption=Crowds+at+the+gate&credit=Kim" + ("&alt=" + alt if alt else "")
        r = api(self.srv, "POST", "/api/v1/admin/media" + query, self.tokens["eve"],
                raw=png(64, 48), headers={"Content-Type": "image/png"})
        self.assertEqual(r.status, 201, r.text)
        return r.json()["id"]

    def test_photo_and_quote_updates(self):
        """The photo and quote kinds through the API and the back office's form: refused when
        incomplete, then on the page (figure, blockquote), in JSON-LD and in the feed."""
        a = self.published("Rally in Seoul")
        base = "/articles/%d" % a["id"]
        photo, blind = self.upload("People+fill+the+square"), self.upload(None)
        self.call("PUT", base + "/live", {"live": True})
        for body, says in (({"kind": "poem", "body_markdown": "x"}, "unknown kind"),
                           ({"kind": "photo"}, "needs a photo"),
                           ({"kind": "photo", "media_id": blind}, "no alt text"),
                           ({"kind": "photo", "media_id": 999999}, "no photo 999999"),
                           ({"kind": "quote", "quote": "Hi."}, "whom it is from")):
            r = self.call("POST", base + "/updates", body)
            self.assertEqual(r.status, 400, body)
            self.assertIn(says, r.text)
        r = self.call("POST", base + "/updates", {"kind": "photo", "media_id": photo,
                                                   "body_markdown": "The square at noon."})
        self.assertEqual(r.status, 201, r.text)
        self.assertEqual((r.json()["kind"], r.json()["media_id"]), ("photo", photo))
        me = Browser(self.srv, "eve", self.passwords["eve"])
        form = "/admin/articles/%d/updates" % a["id"]
        r = me.post(form, [("kind", "photo"), ("media_id", ""), ("body_markdown", "")])
        self.assertEqual(r.status, 422, r.text)
        r = me.post(form, [("kind", "quote"), ("quote", "We want <change>."),
                           ("attribution", "A marcher"), ("body_markdown", "")])
        self.assertEqual(r.status, 303, r.text)

        html = self.page(a).text
        live = live_section(html)
        figure = re.search(r'<figure class="story-figure">.*?</figure>', live, re.S).group(0)
        self.assertIn("<picture>", figure)
        self.assertIn('alt="People fill the square"', figure)
        self.assertIn("Crowds at the gate", figure)
        self.assertIn("<blockquote><p>We want &lt;change&gt;.</p></blockquote>", live)
        self.assertIn("<cite>A marcher</cite>", live)
        self.assertLess(live.index("A marcher"), live.index("The square at noon."))
        posts = jsonld(html)[0]["liveBlogUpdate"]
        self.assertIn("We want <change>.", posts[0]["articleBody"])
        self.assertTrue(posts[1]["image"]["url"].startswith("http"), posts[1])
        atom = unescape(self.srv.get("/feed.atom").text)
        self.assertIn("<cite>A marcher</cite>", atom)
        self.assertRegex(atom, r'<img src="http[^"]+" alt="People fill the square"')


class Events:
    """A Server-Sent Events client on http.client: reads one event at a time."""

    def __init__(self, srv, path, last_id=None):
        self.conn = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=10)
        headers = {"Accept": "text/event-stream"}
        if last_id is not None:
            headers["Last-Event-ID"] = str(last_id)
        self.conn.request("GET", path, headers=headers)
        self.resp = self.conn.getresponse()

    def next(self):
        """The next event as {"event", "id", "data"}, comments skipped; None at the end."""
        ev = {}
        while True:
            line = self.resp.readline()
            if not line:
                return None
            line = line.decode().rstrip("\n")
            if not line:
                if "event" in ev or "data" in ev:
                    return ev
                continue
            if line.startswith(":"):
                continue
            name, _, value = line.partition(":")
            ev[name] = value[1:] if value.startswith(" ") else value

    def close(self):
        self.conn.close()


class LiveEvents(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="nz-e2e-live-sse-")
        cls.db = new_db(os.path.join(cls.tmp, "live.db"))
        run(["init"], db=cls.db)
        add_user(cls.db, "eve", "editor")
        cls.token = add_token(cls.db, "eve")[1]
        cls.srv = Server(cls.db)

    @classmethod
    def tearDownClass(cls):
        cls.srv.stop()
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def call(self, method, path, body=None):
        return api(self.srv, method, "/api/v1/admin" + path, self.token, body)

    def test_an_open_stream_receives_updates_corrections_and_the_end(self):
        r = self.call("POST", "/articles", {"headline": "Flood on the river",
                                            "body_markdown": "Water is rising."})
        a = r.json()
        base = "/articles/%d" % a["id"]
        self.assertEqual(self.call("POST", base + "/publish").status, 200)
        events = "/live/%d/events" % a["id"]
        self.assertEqual(self.srv.get(events).status, 404)  # not live
        self.assertEqual(self.call("PUT", base + "/live", {"live": True}).status, 200)
        first = self.call("POST", base + "/updates", {"body_markdown": "Dikes hold."}).json()
        page = self.srv.get(page_path(a)).text
        self.assertIn('data-live-events="%s"' % events, page)

        es = Events(self.srv, events)
        self.assertEqual(es.resp.status, 200)
        self.assertTrue(es.resp.getheader("Content-Type").startswith("text/event-stream"))
        self.assertEqual(es.resp.getheader("Cache-Control"), "no-store")
        second = self.call("POST", base + "/updates",
                           {"body_markdown": "Evacuation of **two** villages.",
                            "kind": "quote", "quote": "We will hold.",
                            "attribution": "The mayor"}).json()
        ev = es.next()
        self.assertEqual((ev["event"], ev["id"]), ("update", str(second["id"])))
        data = json.loads(ev["data"])
        self.assertEqual(data["id"], second["id"])
        self.assertIn("<strong>two</strong>", data["body_html"])
        self.assertEqual((data["kind"], data["quote"]), ("quote", "We will hold."))
        self.assertIn("<cite>The mayor</cite>", data["body_html"])
        # A correction is news too, without an id of its own.
        r = self.call("PATCH", base + "/updates/%d" % first["id"],
                      {"revision": first["revision"], "body_markdown": "Dikes held."})
        self.assertEqual(r.status, 200, r.text)
        ev = es.next()
        self.assertEqual(ev["event"], "change")
        self.assertNotIn("id", ev)
        es.close()

        # A reconnection resumes after the last id it saw.
        third = self.call("POST", base + "/updates", {"body_markdown": "Rain stops."}).json()
        es = Events(self.srv, events, last_id=first["id"])
        got = [es.next(), es.next()]
        self.assertEqual([e["id"] for e in got], [str(second["id"]), str(third["id"])])
        self.call("PUT", base + "/live", {"live": False})
        self.assertEqual(es.next()["event"], "end")
        self.assertIsNone(es.next())  # the server ended the stream
        es.close()
        self.assertEqual(self.srv.get(events).status, 204)  # an EventSource stops here


    def test_the_feeds_carry_the_newest_updates(self):
        r = self.call("POST", "/articles", {"headline": "Volcano erupts",
                                            "body_markdown": "Ash over the island."})
        a = r.json()
        base = "/articles/%d" % a["id"]
        self.call("POST", base + "/publish")
        self.call("PUT", base + "/live", {"live": True})
        self.call("POST", base + "/updates", {"body_markdown": "Flights *cancelled*."})
        self.assertIn("Flights <em>cancelled</em>", unescape(self.srv.get("/feed.atom").text))
        # The cached feed goes with the next update, and the entry is dated by it.
        u = self.call("POST", base + "/updates", {"body_markdown": "Lava reaches the sea."})
        atom = unescape(self.srv.get("/feed.atom").text)
        entry = re.search(r"<entry[ >](?:(?!</entry>).)*?Volcano erupts.*?</entry>", atom, re.S)
        self.assertIsNotNone(entry, atom[:500])
        self.assertIn("Lava reaches the sea.", entry.group(0))
        self.assertIn("Latest updates", entry.group(0))
        updated = re.search(r"<updated>([^<]+)</updated>", entry.group(0)).group(1)
        self.assertEqual(datetime.fromisoformat(updated),
                         datetime.fromisoformat(u.json()["created_at"].replace("Z", "+00:00")))
        item = [i for i in self.srv.get("/feed.json").json()["items"]
                if i["title"] == "Volcano erupts"][0]
        self.assertLess(item["content_html"].index("Lava reaches"),
                        item["content_html"].index("Flights"))  # newest first
        self.assertIn("Lava reaches the sea.", self.srv.get("/feed.rss").text)

    def test_streams_leave_room_for_other_readers(self):
        """At most 3/4 of --max-connections are streams; past that 503, and pages still load."""
        r = self.call("POST", "/articles", {"headline": "Crowds", "body_markdown": "Many."})
        base = "/articles/%d" % r.json()["id"]
        self.call("POST", base + "/publish")
        self.call("PUT", base + "/live", {"live": True})
        small = Server(self.db, ["--max-connections", "40", "--threads", "1"])
        open_ = []
        try:
            for _ in range(30):
                open_.append(Events(small, "/live/%d/events" % r.json()["id"]))
                self.assertEqual(open_[-1].resp.status, 200)
            more = Events(small, "/live/%d/events" % r.json()["id"])
            self.assertEqual(more.resp.status, 503)
            more.close()
            self.assertIn("\nnewszone_live_streams 30\n", small.get("/metrics").text)
            self.assertEqual(small.get("/").status, 200)
        finally:
            for es in open_:
                es.close()
            small.stop()

    def test_another_node_wakes_its_own_streams(self):
        """Two servers on one database: a stream on the second hears of an update posted
        through the first (its change-feed follower publishes it)."""
        r = self.call("POST", "/articles", {"headline": "Quake", "body_markdown": "Felt."})
        base = "/articles/%d" % r.json()["id"]
        self.call("POST", base + "/publish")
        self.call("PUT", base + "/live", {"live": True})
        other = Server(self.db)
        try:
            es = Events(other, "/live/%d/events" % r.json()["id"])
            self.assertEqual(es.resp.status, 200)
            u = self.call("POST", base + "/updates", {"body_markdown": "Aftershock."}).json()
            ev = es.next()
            self.assertEqual((ev["event"], ev["id"]), ("update", str(u["id"])))
            es.close()
        finally:
            other.stop()


def page_path(a):
    url = a["url"]
    return url[url.index("/", url.index("//") + 2):] if "//" in url else url


if __name__ == "__main__":
    unittest.main()
