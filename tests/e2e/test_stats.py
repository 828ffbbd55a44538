"""The back office's stats page end to end (docs/stats.md): a reader's search that finds
nothing and a visit sent by another site show up there once the server has written its counts,
with nothing about the reader in the database; one article's views per hour and per day; who
may see the page. A real server on a real database (both backends)."""
import os
import re
import shutil
import tempfile
import unittest

from nz import Server, drop_db, eventually, new_db, run, sql_rows
from nzadmin import add_token, add_user, api
from test_admin_pages import Browser

READER = {"User-Agent": "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/120.0"}
SECRET_IP = "203.0.113.77"


class Stats(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="nz-e2e-stats-")
        cls.db = new_db(os.path.join(cls.tmp, "stats.db"))
        run(["init"], db=cls.db)
        cls.password = add_user(cls.db, "eve", "editor")
        cls.writer_password = add_user(cls.db, "wes", "contributor")
        token = add_token(cls.db, "eve")[1]
        cls.srv = Server(cls.db, ["--trusted-proxy", "127.0.0.1/32"])
        r = api(cls.srv, "POST", "/api/v1/admin/articles", token,
                {"headline": "Harbour bridge reopens", "body_markdown": "Traffic flows again."})
        assert r.status == 201, r.text
        r = api(cls.srv, "POST", "/api/v1/admin/articles/%d/publish" % r.json()["id"], token)
        assert r.status == 200, r.text
        cls.slug = r.json()["slug"]

    @classmethod
    def tearDownClass(cls):
        cls.srv.stop()
        drop_db(cls.db)
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def reader(self, path, **extra):
        headers = dict(READER, **{"X-Forwarded-For": SECRET_IP})
        headers.update(extra)
        return self.srv.get(path, headers=headers)

    def test_searches_referrers_and_views_reach_the_stats_page(self):
        # two readers look for something the site does not have (one in the Korean edition)
        for q in ("Zebra%20%20Crossing", "zebra+crossing%09"):
            r = self.reader("/search?q=" + q)
            self.assertEqual(r.status, 200)
            self.assertIn("private", r.headers.get("cache-control", ""))  # each one is counted
        self.assertEqual(self.reader("/ko/search?q=%EC%97%86%EB%8A%94%EB%A7%90").status, 200)
        self.reader("/search?q=zebra", **{"User-Agent": "Googlebot/2.1"})  # robots: not counted
        self.assertIn("public", self.reader("/search?q=harbour").headers.get("cache-control"))
        # a reader sent by another site, twice (the second from the page cache), one from here
        ref = "https://User:pw@News.Example.org:8443/story?id=1#top"
        for _ in range(2):
            self.assertEqual(self.reader("/article/" + self.slug, Referer=ref).status, 200)
        self.reader("/", Referer="http://127.0.0.1:%d/search" % self.srv.port)
        self.reader("/", Referer="http://127.0.0.1:%d/" % self.srv.port)

        def counted():
            rows = sql_rows(self.db, "SELECT kind, key, count FROM reader_counts"
                                     " ORDER BY kind, key")
            return sorted((k, v, int(n)) for k, v, n in rows)
        want = [("referrer", "news.example.org", 2), ("search-miss", "zebra crossing", 2),
                ("search-miss", "없는말", 1)]
        self.assertEqual(eventually(lambda: counted() == want and counted(), 10.0), want,
                         counted())
        # nothing about the reader: no address, no user agent, no referring page
        for table in ("reader_counts", "article_views"):
            dump = repr(sql_rows(self.db, "SELECT * FROM %s" % table))
            for secret in (SECRET_IP, "Mozilla", "Chrome", "story", "User", "pw", "8443"):
                self.assertNotIn(secret, dump, table)

        editor = Browser(self.srv, "eve", self.password)
        html = eventually(lambda: (lambda h: self.slug in h and h)(
            editor.get("/admin/stats").text), 10.0)
        self.assertIn('<a href="/admin/stats"', html)                # in the back office's menu
        self.assertRegex(html, r"<th scope=\"row\">news\.example\.org</th><td>2</td>")
        self.assertRegex(html, r"<th scope=\"row\">zebra crossing</th><td>2</td>")
        self.assertIn("없는말", html)
        self.assertNotIn(">zebra<", html)
        # the article's views over time: 2 in the current hour, as a table and a chart
        self.assertIn("Harbour bridge reopens", html)
        self.assertIn('<svg class="stats-chart" role="img"', html)
        rows = re.findall(r'<tr><th scope="row">([^<]+)</th><td>(\d+)</td></tr>',
                          html.split('id="series-title"')[1].split("</table>")[0])
        self.assertEqual(len(rows), 48)
        self.assertEqual(rows[-1][1], "2")
        self.assertEqual(sum(int(v) for _, v in rows), 2)
        days = editor.get("/admin/stats?by=day&article=" + self.slug).text
        rows = re.findall(r'<tr><th scope="row">([^<]+)</th><td>(\d+)</td></tr>',
                          days.split('id="series-title"')[1].split("</table>")[0])
        self.assertEqual(len(rows), 30)
        self.assertEqual(rows[-1][1], "2")
        self.assertRegex(rows[-1][0], r"^\d{4}-\d\d-\d\d$")
        self.assertIn("no article with the slug", editor.get("/admin/stats?article=nope").text)
        self.assertEqual(editor.get("/admin/stats?by=week").status, 400)

    def test_only_editors_and_admins_see_the_stats(self):
        self.assertEqual(self.srv.get("/admin/stats").status, 303)   # to the sign-in page
        writer = Browser(self.srv, "wes", self.writer_password)
        self.assertEqual(writer.get("/admin/stats").status, 403)
        self.assertNotIn('href="/admin/stats"', writer.get("/admin").text)


if __name__ == "__main__":
    unittest.main()
