"""The desk's list of every article against a real server: /admin/articles and
GET /api/v1/admin/articles with search over drafts, filters, sorts and keyset pages, and bulk
actions that check each article's rights and report on each (the HTML form and the JSON API).
Browser behaviour is in tests/browser/desk.test.mjs."""
import html as htmllib
import json
import os
import re
import shutil
import tempfile
import unittest
import urllib.parse

from nz import FIXTURES, Server, new_db, run
from nzadmin import add_token, add_user, api
from test_admin_pages import Browser


def headlines(page):
    """The headlines of the list's rows, in order."""
    body = page.split("<tbody>", 1)[1].split("</tbody>", 1)[0] if "<tbody>" in page else ""
    return [htmllib.unescape(h) for h in
            re.findall(r'<a href="/admin/articles/\d+" lang="[a-z-]+">([^<]*)</a>', body)]


class Desk(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="nz-e2e-desk-")
        cls.db = new_db(os.path.join(cls.tmp, "desk.db"))
        run(["init"], db=cls.db)
        run(["import", "--publish", "--section", "defense",
             os.path.join(FIXTURES, "import", "good", "en-reference-shape.txt")], db=cls.db)
        cls.pw = {u: add_user(cls.db, u, r) for u, r in
                  (("cora", "contributor"), ("edna", "editor"), ("adam", "admin"))}
        cls.tok = {u: add_token(cls.db, u)[1] for u in ("cora", "edna")}
        cls.srv = Server(cls.db)
        adam = Browser(cls.srv, "adam", cls.pw["adam"])
        adam.get("/admin/sections")
        r = adam.post("/admin/sections", [("id", "0"), ("name", "Politics"), ("slug", ""),
                                          ("position", "2")])
        assert r.status == 303, r.text
        cls.ids = {}
        for who, headline, body, extra in (
                ("cora", "Cora drafts the harbour story", "Ferries and cranes.", {}),
                ("cora", "Periscope drills off Busan", "The periscope fleet sails at dawn.",
                 {"tags": ["desk", "navy"]}),
                ("edna", "Edna on the budget vote", "Parliament votes.", {"section": "politics"}),
                ("edna", "Edna's navy profile", "A sailor's life.",
                 {"tags": ["desk", "navy"], "section": "defense"})):
            cls.ids[headline] = cls.make(who, headline, body, extra)

    @classmethod
    def make(cls, who, headline, body="A body.", extra=None):
        """A new draft through the API; its id. The list's tests read the four made in
        setUpClass (tagged "desk" or in the listing's order); the bulk tests make their own."""
        r = api(cls.srv, "POST", "/api/v1/admin/articles", cls.tok[who],
                dict({"headline": headline, "body_markdown": body}, **(extra or {})))
        assert r.status == 201, r.text
        return json.loads(r.text)["id"]

    @classmethod
    def tearDownClass(cls):
        cls.srv.stop()
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def as_(self, user):
        return Browser(self.srv, user, self.pw[user])

    def list_json(self, who, query=""):
        r = api(self.srv, "GET", "/api/v1/admin/articles" + query, self.tok[who])
        self.assertEqual(r.status, 200, r.text)
        return json.loads(r.text)

    # ---- the list ------------------------------------------------------------------------

    def test_every_article_newest_first_and_the_filters(self):
        edna = self.as_("edna")
        page = edna.get("/admin/articles")
        self.assertEqual(page.status, 200)
        got = [h for h in headlines(page.text) if h in self.ids]
        self.assertEqual(got, ["Edna's navy profile", "Edna on the budget vote",
                               "Periscope drills off Busan", "Cora drafts the harbour story"])
        self.assertIn("Republic of Korea, Australia", page.text)  # the imported one too
        self.assertIn('aria-current="page">Articles</a>', page.text)
        self.assertIn("Edna on the budget vote",
                      headlines(edna.get("/admin/articles?section=politics").text))
        self.assertEqual(headlines(edna.get("/admin/articles?tag=desk").text),
                         ["Edna's navy profile", "Periscope drills off Busan"])
        self.assertEqual(headlines(edna.get("/admin/articles?tag=desk&sort=oldest").text),
                         ["Periscope drills off Busan", "Edna's navy profile"])
        self.assertEqual(headlines(edna.get("/admin/articles?tag=desk&author=nobody").text), [])
        self.assertEqual(headlines(edna.get("/admin/articles?tag=desk&mine=1").text),
                         ["Edna's navy profile"])
        published = headlines(edna.get("/admin/articles?status=published").text)
        self.assertIn("Republic of Korea, Australia agree “to deepen maritime security "
                      "cooperation”", published)
        self.assertFalse(set(published) & set(self.ids))  # the drafts are not
        self.assertEqual(len(headlines(edna.get("/admin/articles?tag=desk&status=draft").text)),
                         2)
        self.assertEqual(headlines(edna.get("/admin/articles?tag=desk&from=2001-01-01"
                                            "&to=2001-12-31").text), [])
        # The form shows back what was asked.
        self.assertIn('<option value="politics" selected>',
                      edna.get("/admin/articles?section=politics").text)

    def test_search_finds_drafts_the_reader_never_sees(self):
        edna = self.as_("edna")
        self.assertEqual(headlines(edna.get("/admin/articles?q=periscope").text),
                         ["Periscope drills off Busan"])
        self.assertEqual(headlines(edna.get("/admin/articles?q=periscope&status=published").text),
                         [])
        self.assertNotIn("Periscope drills", self.srv.get("/search?q=periscope").text)
        data = self.list_json("edna", "?q=ferries")
        self.assertEqual([a["headline"] for a in data["articles"]],
                         ["Cora drafts the harbour story"])
        self.assertEqual(data["total"], 1)

    def test_contributors_see_only_their_own(self):
        cora = self.as_("cora")
        mine = headlines(cora.get("/admin/articles").text)
        self.assertIn("Periscope drills off Busan", mine)
        self.assertNotIn("Edna on the budget vote", mine)
        self.assertEqual(headlines(cora.get("/admin/articles?q=budget").text), [])
        data = self.list_json("cora", "?tag=desk&status=draft,review")
        self.assertEqual(data["total"], 1)
        self.assertNotIn('name="mine"', cora.get("/admin/articles").text)

    def test_bad_parameters_are_named(self):
        edna = self.as_("edna")
        for query, word in (("from=yesterday", "from:"), ("status=lost", "status:"),
                            ("sort=random", "sort:"), ("after=xyz", "after:"),
                            ("lang=!!", "lang:")):
            r = edna.get("/admin/articles?" + query)
            self.assertEqual(r.status, 400, query)
            self.assertIn(word, r.text, query)
            r = api(self.srv, "GET", "/api/v1/admin/articles?" + query, self.tok["edna"])
            self.assertEqual(r.status, 400, query)
            self.assertIn(word, json.loads(r.text)["error"]["message"], query)

    def test_keyset_pages_join_into_the_whole_list(self):
        whole = [a["id"] for a in self.list_json("edna", "?limit=200")["articles"]]
        for sort in ("newest", "oldest", "updated", "created"):
            seen, query = [], "?limit=2&sort=" + sort
            for _ in range(10):
                data = self.list_json("edna", query)
                self.assertEqual(data["total"], len(whole))
                seen += [a["id"] for a in data["articles"]]
                if not data["has_more"]:
                    self.assertIsNone(data["next"])
                    break
                query = "?limit=2&sort=%s&after=%s" % (sort, urllib.parse.quote(data["next"]))
            self.assertEqual(sorted(seen), sorted(whole), sort)
            self.assertEqual(len(seen), len(set(seen)), sort)
            if sort == "newest":
                self.assertEqual(seen, whole)
        # The HTML page links to the next page, keeping the filters.
        edna = self.as_("edna")
        page = edna.get("/admin/articles?limit=1&tag=desk").text
        nxt = re.search(r'<a href="([^"]+)" rel="next">', page).group(1)
        nxt = htmllib.unescape(nxt)
        self.assertIn("tag=desk", nxt)
        second = edna.get(nxt).text
        self.assertEqual(headlines(page) + headlines(second),
                         ["Edna's navy profile", "Periscope drills off Busan"])
        self.assertNotIn('rel="next"', second)
        self.assertIn('rel="first"', second)

    # ---- bulk actions --------------------------------------------------------------------

    def test_bulk_publish_checks_each_article_and_reports_each(self):
        cora, edna = self.as_("cora"), self.as_("edna")
        harbour = self.make("cora", "Cora's bulk draft")
        budget = self.make("edna", "Edna's bulk draft")
        # A contributor may not publish: each article refused, nothing changed.
        cora.get("/admin/articles")
        r = cora.post("/admin/articles/bulk", [("action", "publish"), ("id", str(harbour))])
        self.assertEqual(r.status, 200, r.text)
        self.assertIn("Refused:", r.text)
        self.assertIn("You may not publish this article.", r.text)
        self.assertEqual(self.status_of(harbour), "draft")
        # An editor: both published, an unknown number reported on its own line.
        edna.get("/admin/articles")
        r = edna.post("/admin/articles/bulk", [("action", "publish"), ("id", str(harbour)),
                                               ("id", str(budget)), ("id", "999999")])
        self.assertEqual(r.status, 200, r.text)
        self.assertIn("Done for 2, refused for 1.", r.text)
        self.assertIn("There is no article with that number.", r.text)
        self.assertEqual(self.status_of(harbour), "published")
        self.assertEqual(self.status_of(budget), "published")
        # Publishing again is refused by the workflow, per article.
        r = edna.post("/admin/articles/bulk", [("action", "publish"), ("id", str(budget))])
        self.assertIn("Done for 0, refused for 1.", r.text)

    def test_bulk_tag_and_section_add_no_revision_when_nothing_changes(self):
        edna = self.as_("edna")
        sub = self.make("edna", "Tagged in bulk")
        edna.get("/admin/articles")
        r = edna.post("/admin/articles/bulk", [("action", "tag"), ("tag", "Busan port"),
                                               ("id", str(sub))])
        self.assertIn("Tag added.", r.text)
        revs = self.revisions(sub)
        r = edna.post("/admin/articles/bulk", [("action", "tag"), ("tag", "Busan port"),
                                               ("id", str(sub))])
        self.assertIn("Already has that tag.", r.text)
        self.assertEqual(self.revisions(sub), revs)
        self.assertEqual(headlines(edna.get("/admin/articles?tag=busan-port").text),
                         ["Tagged in bulk"])
        r = edna.post("/admin/articles/bulk", [("action", "section"), ("section", "politics"),
                                               ("id", str(sub))])
        self.assertIn("Section set.", r.text)
        self.assertIn("Tagged in bulk",
                      headlines(edna.get("/admin/articles?section=politics").text))
        # An action without what it needs is refused as a whole.
        r = edna.post("/admin/articles/bulk", [("action", "section"), ("section", "nowhere"),
                                               ("id", str(sub))])
        self.assertEqual(r.status, 400)
        self.assertIn("choose one of the site", r.text)
        r = edna.post("/admin/articles/bulk", [("action", "publish")])
        self.assertEqual(r.status, 400)
        self.assertIn("Select at least one article.", r.text)

    def test_bulk_api_schedules_and_reports(self):
        navy = self.make("edna", "Edna's scheduled piece")
        harbour_cora = self.make("cora", "Cora's piece")
        r = api(self.srv, "POST", "/api/v1/admin/articles/bulk", self.tok["cora"],
                {"action": "submit", "ids": [navy]})
        self.assertEqual(r.status, 200, r.text)
        res = json.loads(r.text)
        self.assertEqual((res["done"], res["refused"]), (0, 1))
        self.assertIn("You may not", res["results"][0]["message"])
        r = api(self.srv, "POST", "/api/v1/admin/articles/bulk", self.tok["edna"],
                {"action": "schedule", "at": "2099-01-01T09:00:00Z", "ids": [navy]})
        res = json.loads(r.text)
        self.assertEqual(res["results"][0]["status"], "scheduled", r.text)
        self.assertEqual(self.status_of(navy), "scheduled")
        r = api(self.srv, "POST", "/api/v1/admin/articles/bulk", self.tok["edna"],
                {"action": "schedule", "at": "2001-01-01T09:00:00Z", "ids": [harbour_cora]})
        self.assertEqual(r.status, 400)
        r = api(self.srv, "POST", "/api/v1/admin/articles/bulk", self.tok["edna"],
                {"action": "retract", "ids": []})
        self.assertEqual(r.status, 400)

    # ---- the editor ----------------------------------------------------------------------

    def test_the_editor_shows_import_notes_and_the_original_file(self):
        edna = self.as_("edna")
        page = edna.get("/admin/articles/1").text  # the imported article
        notes = page.split('<details class="import-notes"', 1)[1].split("</details>", 1)[0]
        self.assertIn("Recent News", notes)  # a line of the file no field took
        self.assertIn('href="/admin/articles/1/original"', notes)
        self.assertEqual(edna.get("/admin/articles/1/original").status, 200)
        fresh = self.make("edna", "Written here")
        self.assertNotIn("import-notes", edna.get("/admin/articles/%d" % fresh).text)

    def test_save_and_publish_an_unchanged_draft_adds_no_empty_revision(self):
        edna = self.as_("edna")
        aid = self.make("edna", "Unchanged draft", "Its body.")
        edna.get("/admin/articles/%d" % aid)
        fields = [("base_revision", "1"), ("headline", "Unchanged draft"), ("body", "Its body."),
                  ("language", "en")]
        r = edna.post("/admin/articles/%d" % aid, fields + [("then", "save")])
        self.assertEqual(r.status, 303, r.text)
        self.assertEqual(self.revisions(aid), 1)  # saving what is there: nothing written
        r = edna.post("/admin/articles/%d" % aid, fields + [("then", "publish")])
        self.assertEqual(r.status, 303, r.text)
        self.assertEqual(self.status_of(aid), "published")
        self.assertEqual(self.revisions(aid), 2)  # created, published: no empty save between

    def status_of(self, aid):
        r = api(self.srv, "GET", "/api/v1/admin/articles/%d" % aid, self.tok["edna"])
        return json.loads(r.text)["status"]

    def revisions(self, aid):
        r = api(self.srv, "GET", "/api/v1/admin/articles/%d/revisions" % aid, self.tok["edna"])
        return len(json.loads(r.text)["revisions"])


if __name__ == "__main__":
    unittest.main()
