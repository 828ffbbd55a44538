"""Most read end to end: the server counts views of article pages itself (cache hits too),
without cookies and without storing anything about the reader, leaves robots out, writes the
counts in batches, and the front page's "Most read" and GET /api/v1/most-read show the most
viewed public articles first; counts not yet written when the server stops are written then.
A real server on a real database."""
import http.client
import threading
import unittest

from nz import Server, eventually, sql_rows
from nzadmin import NewsroomCase, api

BROWSER = {"User-Agent": "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/120.0"}


class MostRead(NewsroomCase):
    prefix = "nz-e2e-mostread-"
    serve_args = ("--most-read-refresh", "1")

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.a, cls.b, cls.c = (cls.publish(h) for h in (
            "Ferry timetable changes for winter", "New lighthouse keeper arrives",
            "Fish market moves to the east pier"))

    @classmethod
    def publish(cls, headline):
        r = api(cls.srv, "POST", "/api/v1/admin/articles", cls.token,
                {"headline": headline, "body_markdown": "About %s." % headline})
        assert r.status == 201, r.text
        r = api(cls.srv, "POST", "/api/v1/admin/articles/%d/publish" % r.json()["id"], cls.token)
        assert r.status == 200, r.text
        return r.json()

    def view(self, a, headers=BROWSER):
        r = self.srv.get("/article/" + a["slug"], headers=headers)
        self.assertEqual(r.status, 200)
        return r

    def most_read(self, period="24h"):
        r = self.srv.get("/api/v1/most-read?period=" + period)
        self.assertEqual(r.status, 200, r.text)
        return [(x["slug"], x["views"]) for x in r.json()["articles"]]

    def test_views_are_counted_and_ranked(self):
        self.view(self.b)
        for _ in range(3):
            self.view(self.a)
        self.assertEqual(self.view(self.a).headers.get("x-cache"), "HIT")  # counted too
        # Robots and clients that do not say who they are count for nothing.
        for ua in ({"User-Agent": "Googlebot/2.1 (+http://www.google.com/bot.html)"}, {}):
            for _ in range(6):
                self.view(self.c, headers=ua)
        # (the other test may have viewed C once, as a reader)
        def counted():
            views = dict(self.most_read())
            return (views.get(self.a["slug"]) == 4 and views.get(self.b["slug"]) == 1
                    and views.get(self.c["slug"], 0) <= 1 and views)
        views = eventually(counted, deadline=10.0)
        self.assertTrue(views, self.most_read())
        self.assertEqual(self.most_read()[0], (self.a["slug"], 4))
        self.assertEqual(dict(self.most_read("7d")), views)
        self.assertEqual(self.srv.get("/api/v1/most-read?period=1y").status, 400)

        # The front page's list follows within the refresh (1 second here).
        def front_list():
            html = self.srv.get("/").text
            if 'id="most-read"' not in html:
                return None
            part = html[html.index('id="most-read"'):]
            return part[:part.index("</ol>")]
        part = eventually(front_list, deadline=10.0)
        self.assertTrue(part, "no Most read on the front page")
        self.assertIn("Most read", part)
        self.assertLess(part.index(self.a["slug"]), part.index(self.b["slug"]))

        # Only counts are stored: article, hour, views; nothing about the reader.
        cols = [r[0] for r in sql_rows(
            self.db, "SELECT column_name FROM information_schema.columns"
            " WHERE table_name = 'article_views' AND table_schema = current_schema()")] if self.db.startswith("postgres") else \
            [r[1] for r in sql_rows(self.db, "PRAGMA table_info(article_views)")]
        self.assertEqual(sorted(cols), ["article_id", "hour", "views"])

    def test_counts_are_written_when_the_server_stops(self):
        srv = Server(self.db)
        try:
            r = srv.get("/article/" + self.c["slug"], headers=BROWSER)
            self.assertEqual(r.status, 200)
        finally:
            self.assertEqual(srv.stop(), 0)
        rows = sql_rows(self.db, "SELECT sum(views) FROM article_views WHERE article_id = %d"
                        % self.c["id"])
        self.assertEqual(int(rows[0][0] or 0), 1)

    def test_views_from_many_connections_at_once_are_all_counted(self):
        # Readers on many connections at once land on every serving thread; no view is lost
        # and none is counted twice.
        d = self.publish("Harbour bridge reopens after repairs")
        srv = Server(self.db)
        errors = []

        def reader():
            conn = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=10)
            for _ in range(25):
                conn.request("GET", "/article/" + d["slug"], headers=BROWSER)
                r = conn.getresponse()
                r.read()
                if r.status != 200:
                    errors.append(r.status)
            conn.close()

        try:
            readers = [threading.Thread(target=reader) for _ in range(8)]
            for t in readers:
                t.start()
            for t in readers:
                t.join()
        finally:
            self.assertEqual(srv.stop(), 0)
        self.assertEqual(errors, [])
        rows = sql_rows(self.db, "SELECT sum(views) FROM article_views WHERE article_id = %d"
                        % d["id"])
        self.assertEqual(int(rows[0][0] or 0), 8 * 25)


if __name__ == "__main__":
    unittest.main()
