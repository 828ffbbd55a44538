"""The admin JSON API: every permission rule, stale saves, the workflow as readers see
it (embargo, schedule, restart, retraction, corrections), revisions and restores, media uploads
and the audit log. A real server on a real database; accounts and tokens made with the CLI."""
import os
import shutil
import struct
import tempfile
import time
import unittest

from nz import Server, new_db, run, sql_rows
from nzadmin import add_token, add_user, api, png

DEADLINE = 15  # seconds a scheduled or embargoed article may take to show (correctness, not speed)


def rfc3339(t):
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t))


def wait_for(check, deadline=DEADLINE):
    """Polls check() until it is true or the deadline passes; returns its last value."""
    end = time.time() + deadline
    while True:
        ok = check()
        if ok or time.time() > end:
            return ok
        time.sleep(0.2)


class Newsroom(unittest.TestCase):
    """One database with an admin, an editor and a contributor, each with a token."""

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="nz-e2e-admin-")
        cls.db = new_db(os.path.join(cls.tmp, "admin.db"))
        run(["init"], db=cls.db)
        cls.tokens = {}
        for login, role in (("ada", "admin"), ("eve", "editor"), ("cal", "contributor"),
                            ("cid", "contributor")):
            add_user(cls.db, login, role)
            cls.tokens[login] = add_token(cls.db, login)[1]
        cls.srv = Server(cls.db)

    @classmethod
    def tearDownClass(cls):
        cls.srv.stop()
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def call(self, who, method, path, body=None, **kw):
        return api(self.srv, method, "/api/v1/admin" + path, self.tokens.get(who), body, **kw)

    def create(self, who, headline, **fields):
        body = {"headline": headline, "body_markdown": "The body of %s." % headline}
        body.update(fields)
        r = self.call(who, "POST", "/articles", body)
        self.assertEqual(r.status, 201, r.text)
        return r.json()

    def published(self, headline):
        a = self.create("eve", headline)
        r = self.call("eve", "POST", "/articles/%d/publish" % a["id"])
        self.assertEqual(r.status, 200, r.text)
        return r.json()

    def assertError(self, r, status, code=None):
        self.assertEqual(r.status, status, r.text)
        self.assertIn("application/json", r.headers["content-type"])
        err = r.json()["error"]
        self.assertTrue(err["message"])
        if code:
            self.assertEqual(err["code"], code)


class Tokens(Newsroom):
    def test_no_token_is_401(self):
        self.assertError(api(self.srv, "GET", "/api/v1/admin/articles"), 401, "unauthorized")
        self.assertError(api(self.srv, "POST", "/api/v1/admin/articles", body={"headline": "x"}),
                         401, "unauthorized")

    def test_unknown_token_is_401(self):
        self.assertError(api(self.srv, "GET", "/api/v1/admin/me", token="nzt_not-a-real-token"),
                         401, "unauthorized")

    def test_revoked_token_is_401(self):
        tid, tok = add_token(self.db, "eve")
        self.assertEqual(api(self.srv, "GET", "/api/v1/admin/me", token=tok).json()["login"],
                         "eve")
        run(["token", "revoke", str(tid)], db=self.db)
        self.assertError(api(self.srv, "GET", "/api/v1/admin/me", token=tok), 401)

    def test_token_revoked_through_the_api_by_an_admin(self):
        r = self.call("ada", "POST", "/tokens", {"login": "cal", "name": "bot"})
        self.assertEqual(r.status, 201, r.text)
        tok = r.json()["token"]
        self.assertEqual(api(self.srv, "GET", "/api/v1/admin/me", token=tok).status, 200)
        self.assertEqual(self.call("ada", "POST", "/tokens/%d/revoke" % r.json()["id"]).status,
                         200)
        self.assertError(api(self.srv, "GET", "/api/v1/admin/me", token=tok), 401)
        listed = {t["id"]: t for t in self.call("ada", "GET", "/tokens").json()["tokens"]}
        self.assertIsNotNone(listed[r.json()["id"]]["revoked_at"])
        self.assertIsNotNone(listed[r.json()["id"]]["last_used_at"])

    def test_stored_tokens_are_hashes(self):
        hashes = [row[0] for row in sql_rows(self.db, "SELECT token_hash FROM api_tokens")]
        for tok in self.tokens.values():
            self.assertNotIn(tok, hashes)


class Permissions(Newsroom):
    def test_contributor_writes_edits_and_submits_own_draft(self):
        a = self.create("cal", "Contributor draft one")
        self.assertEqual(a["status"], "draft")
        r = self.call("cal", "PATCH", "/articles/%d" % a["id"],
                      {"revision": a["revision"], "dateline": "SEOUL, May 2"})
        self.assertEqual(r.status, 200, r.text)
        self.assertEqual(r.json()["dateline"], "SEOUL, May 2")
        r = self.call("cal", "POST", "/articles/%d/submit" % a["id"])
        self.assertEqual(r.status, 200, r.text)
        self.assertEqual(r.json()["status"], "review")

    def test_contributor_cannot_publish_schedule_embargo_correct_or_retract(self):
        a = self.create("cal", "Contributor draft two")
        path = "/articles/%d/" % a["id"]
        soon = rfc3339(time.time() + 3600)
        for action, body in (("publish", None), ("schedule", {"at": soon}),
                             ("embargo", {"until": soon}), ("retract", None),
                             ("corrections", {"text": "A fix."})):
            self.assertError(self.call("cal", "POST", path + action, body), 403, "forbidden")
        self.assertEqual(self.call("eve", "GET", "/articles/%d" % a["id"]).json()["status"],
                         "draft")
        # Published by an editor, it is still not the contributor's to correct or retract.
        self.assertEqual(self.call("eve", "POST", path + "publish").status, 200)
        self.assertError(self.call("cal", "POST", path + "retract"), 403)
        self.assertError(self.call("cal", "POST", path + "corrections", {"text": "x"}), 403)
        self.assertError(self.call("cal", "PATCH", "/articles/%d" % a["id"],
                                   {"revision": 2, "headline": "Changed"}), 403)

    def test_contributor_cannot_touch_others_articles(self):
        mine = self.create("cal", "Cal's own")
        theirs = self.create("cid", "Cid's own")
        edited = self.create("eve", "Eve's own")
        for other in (theirs, edited):
            self.assertError(self.call("cal", "GET", "/articles/%d" % other["id"]), 403)
            self.assertError(self.call("cal", "PATCH", "/articles/%d" % other["id"],
                                       {"revision": 1, "headline": "Hijacked"}), 403)
            self.assertError(self.call("cal", "POST", "/articles/%d/submit" % other["id"]), 403)
        self.assertEqual(self.call("eve", "GET", "/articles/%d" % theirs["id"]).json()["headline"],
                         "Cid's own")
        listed = [x["id"] for x in self.call("cal", "GET", "/articles").json()["articles"]]
        self.assertIn(mine["id"], listed)
        self.assertNotIn(theirs["id"], listed)
        self.assertNotIn(edited["id"], listed)

    def test_editor_can_do_everything_to_any_article(self):
        a = self.create("cal", "Written by cal, run by eve")
        path = "/articles/%d/" % a["id"]
        r = self.call("eve", "PATCH", "/articles/%d" % a["id"],
                      {"revision": a["revision"], "headline": "Edited by eve"})
        self.assertEqual(r.status, 200, r.text)
        for action, body, status in (
                ("schedule", {"at": rfc3339(time.time() + 3600)}, "scheduled"),
                ("unschedule", None, "draft"),
                ("embargo", {"until": rfc3339(time.time() + 3600)}, "draft"),
                ("embargo", {"until": None}, "draft"),
                ("publish", None, "published")):
            r = self.call("eve", "POST", path + action, body)
            self.assertEqual(r.status, 200, r.text)
            self.assertEqual(r.json()["status"], status)
        self.assertEqual(self.call("eve", "POST", path + "corrections", {"text": "Fixed."}).status,
                         201)
        r = self.call("eve", "POST", path + "retract")
        self.assertEqual(r.json()["status"], "retracted")

    def test_admin_only_endpoints(self):
        for who in ("cal", "eve"):
            self.assertError(self.call(who, "GET", "/users"), 403, "forbidden")
            self.assertError(self.call(who, "POST", "/users", {"login": "x", "role": "admin"}),
                             403)
            self.assertError(self.call(who, "GET", "/tokens"), 403)
            self.assertError(self.call(who, "POST", "/tokens", {"login": who}), 403)
        r = self.call("ada", "POST", "/users", {"login": "newbie", "role": "contributor"})
        self.assertEqual(r.status, 201, r.text)
        self.assertGreaterEqual(len(r.json()["password"]), 10)
        r = self.call("ada", "PATCH", "/users/%d" % r.json()["id"], {"role": "editor"})
        self.assertEqual(r.json()["role"], "editor")
        logins = [u["login"] for u in self.call("ada", "GET", "/users").json()["users"]]
        self.assertIn("newbie", logins)

    def test_contributor_cannot_read_the_audit_log(self):
        self.assertError(self.call("cal", "GET", "/audit"), 403)
        self.assertEqual(self.call("eve", "GET", "/audit").status, 200)

    def test_bad_input_is_400_and_changes_nothing(self):
        before = self.call("eve", "GET", "/articles").json()["total"]
        self.assertError(self.call("eve", "POST", "/articles", {"headline": ""}), 400)
        self.assertError(self.call("eve", "POST", "/articles", {"headline": "x", "bogus": 1}),
                         400)
        self.assertError(api(self.srv, "POST", "/api/v1/admin/articles", self.tokens["eve"],
                             raw=b"{not json"), 400, "invalid_json")
        self.assertEqual(self.call("eve", "GET", "/articles").json()["total"], before)

    def test_impossible_transition_is_409(self):
        a = self.create("eve", "Never published")
        self.assertError(self.call("eve", "POST", "/articles/%d/retract" % a["id"]), 409,
                         "invalid_transition")


class Conflicts(Newsroom):
    def test_stale_revision_is_409_with_the_others_changes(self):
        a = self.create("eve", "Original headline")
        first = self.call("eve", "PATCH", "/articles/%d" % a["id"],
                          {"revision": a["revision"], "headline": "First save wins"})
        self.assertEqual(first.status, 200)
        second = self.call("ada", "PATCH", "/articles/%d" % a["id"],
                           {"revision": a["revision"], "headline": "Second save loses",
                            "body_markdown": "Overwrite?"})
        self.assertError(second, 409, "conflict")
        body = second.json()
        self.assertEqual(body["current"]["headline"], "First save wins")
        self.assertEqual(body["revision"], first.json()["revision"])
        changed = {c["field"]: c for c in body["changes"]}
        self.assertEqual(changed["headline"]["base"], "Original headline")
        self.assertEqual(changed["headline"]["current"], "First save wins")
        now = self.call("eve", "GET", "/articles/%d" % a["id"]).json()
        self.assertEqual(now["headline"], "First save wins")
        self.assertEqual(now["body_markdown"], a["body_markdown"])
        revs = self.call("eve", "GET", "/articles/%d/revisions" % a["id"]).json()["revisions"]
        self.assertEqual(len(revs), 2)

    def test_patch_needs_a_revision(self):
        a = self.create("eve", "Needs a base")
        self.assertError(self.call("eve", "PATCH", "/articles/%d" % a["id"], {"headline": "x"}),
                         400)


class Revisions(Newsroom):
    def test_every_save_is_a_revision_and_restore_makes_a_new_one(self):
        a = self.create("eve", "Revision one", note="first draft")
        b = self.call("eve", "PATCH", "/articles/%d" % a["id"],
                      {"revision": 1, "headline": "Revision two", "note": "tightened"}).json()
        self.call("eve", "POST", "/articles/%d/publish" % a["id"])
        revs = self.call("eve", "GET", "/articles/%d/revisions" % a["id"]).json()["revisions"]
        self.assertEqual([r["revision"] for r in revs], [3, 2, 1])
        self.assertEqual([r["user"] for r in revs], ["eve"] * 3)
        self.assertEqual(revs[1]["note"], "tightened")
        self.assertEqual(revs[2]["note"], "first draft")
        old = self.call("eve", "GET", "/articles/%d/revisions/1" % a["id"]).json()
        self.assertEqual(old["headline"], "Revision one")
        r = self.call("eve", "POST", "/articles/%d/revisions/1/restore" % a["id"],
                      {"revision": 3})
        self.assertEqual(r.status, 200, r.text)
        self.assertEqual(r.json()["headline"], "Revision one")
        self.assertEqual(r.json()["revision"], 4)
        self.assertEqual(r.json()["status"], "published")
        revs = self.call("eve", "GET", "/articles/%d/revisions" % a["id"]).json()["revisions"]
        self.assertEqual(revs[0]["revision"], 4)
        self.assertIn("restored revision 1", revs[0]["note"])
        self.assertEqual(b["revision"], 2)

    def test_audit_log_records_the_workflow_with_the_article(self):
        a = self.published("Audited story")
        entries = self.call("ada", "GET", "/audit?article=%d" % a["id"]).json()["entries"]
        actions = [e["action"] for e in entries]
        self.assertEqual(actions[:2], ["article.published", "article.created"])
        self.assertTrue(all(e["article_id"] == a["id"] and e["user"] == "eve" for e in entries))
        rows = sql_rows(self.db, "SELECT action FROM audit_log WHERE article_id = ? ORDER BY id",
                        (a["id"],))
        self.assertEqual([r[0] for r in rows], ["article.created", "article.published"])


class ReadersSee(Newsroom):
    def test_embargoed_article_is_absent_until_the_embargo_passes(self):
        a = self.create("eve", "Embargoed budget story")
        until = time.time() + 3
        r = self.call("eve", "POST", "/articles/%d/embargo" % a["id"], {"until": rfc3339(until)})
        self.assertEqual(r.status, 200, r.text)
        self.assertEqual(self.call("eve", "POST", "/articles/%d/publish" % a["id"]).status, 200)
        path = "/article/" + a["slug"]
        if time.time() < until - 0.5:  # only meaningful while the embargo surely holds
            self.assertEqual(self.srv.get(path).status, 404)
            self.assertEqual(self.srv.get("/api/v1/articles/" + a["slug"]).status, 404)
            self.assertNotIn("Embargoed budget story", self.srv.get("/").text)
            self.assertNotIn(a["slug"], self.srv.get("/api/v1/articles?limit=100").text)
        self.assertTrue(wait_for(lambda: self.srv.get(path).status == 200))
        self.assertEqual(self.srv.get("/api/v1/articles/" + a["slug"]).status, 200)
        self.assertIn("Embargoed budget story", self.srv.get("/").text)

    def test_scheduled_article_appears_on_the_front_page_with_the_server_idle(self):
        a = self.create("eve", "Scheduled morning briefing")
        r = self.call("eve", "POST", "/articles/%d/schedule" % a["id"],
                      {"at": rfc3339(time.time() + 2)})
        self.assertEqual(r.status, 200, r.text)
        self.assertEqual(r.json()["status"], "scheduled")
        self.assertNotIn("Scheduled morning briefing", self.srv.get("/").text)
        time.sleep(2.5)  # idle: no request while the time passes
        self.assertTrue(wait_for(lambda: "Scheduled morning briefing" in self.srv.get("/").text))
        got = self.call("eve", "GET", "/articles/%d" % a["id"]).json()
        self.assertEqual(got["status"], "published")
        entries = self.call("ada", "GET", "/audit?article=%d" % a["id"]).json()["entries"]
        self.assertEqual(entries[0]["action"], "article.published")
        self.assertIsNone(entries[0]["user"])  # the system published it

    def test_schedule_in_the_past_is_refused(self):
        a = self.create("eve", "Too late")
        self.assertError(self.call("eve", "POST", "/articles/%d/schedule" % a["id"],
                                   {"at": rfc3339(time.time() - 60)}), 400)
        self.assertError(self.call("eve", "POST", "/articles/%d/schedule" % a["id"],
                                   {"at": "tomorrow"}), 400)

    def test_retracted_article_keeps_its_url_with_the_notice(self):
        a = self.published("Story that turned out wrong")
        r = self.call("eve", "POST", "/articles/%d/retract" % a["id"],
                      {"reason": "The source withdrew the claim."})
        self.assertEqual(r.status, 200, r.text)
        page = self.srv.get("/article/" + a["slug"])
        self.assertEqual(page.status, 200)
        self.assertIn("This article has been retracted.", page.text)
        self.assertNotIn("The body of Story that turned out wrong.", page.text)
        self.assertIn("The source withdrew the claim.", page.text)
        # The body is kept in the history.
        old = self.call("eve", "GET", "/articles/%d/revisions/1" % a["id"]).json()
        self.assertEqual(old["body_markdown"], "The body of Story that turned out wrong.")

    def test_correction_shows_on_the_public_page(self):
        a = self.published("Story with a wrong number")
        r = self.call("eve", "POST", "/articles/%d/corrections" % a["id"],
                      {"text": "An earlier version gave the wrong budget figure."})
        self.assertEqual(r.status, 201, r.text)
        page = self.srv.get("/article/" + a["slug"]).text
        self.assertIn("An earlier version gave the wrong budget figure.", page)
        self.assertError(self.call("eve", "POST", "/articles/%d/corrections" % a["id"],
                                   {"text": ""}), 400)

    def test_changed_slug_of_a_published_article_redirects(self):
        a = self.published("Old address story")
        r = self.call("eve", "PATCH", "/articles/%d" % a["id"],
                      {"revision": a["revision"], "slug": "new-address-story"})
        self.assertEqual(r.status, 200, r.text)
        old = self.srv.get("/article/" + a["slug"])
        self.assertEqual(old.status, 301)
        self.assertEqual(old.headers["location"], "/article/new-address-story")
        self.assertEqual(self.srv.get("/article/new-address-story").status, 200)
        # No other article may take the old address.
        b = self.create("eve", "Another", slug=a["slug"])
        self.assertNotEqual(b["slug"], a["slug"])


class Media(Newsroom):
    def upload(self, data, ctype, who="cal", query=""):
        return api(self.srv, "POST", "/api/v1/admin/media" + query, self.tokens[who], raw=data,
                   headers={"Content-Type": ctype})

    def test_upload_and_show_with_width_and_height(self):
        r = self.upload(png(24, 16), "image/png", query="?caption=A+gray+box&alt=Gray")
        self.assertEqual(r.status, 201, r.text)
        m = r.json()
        self.assertEqual((m["mime"], m["width"], m["height"]), ("image/png", 24, 16))
        self.assertTrue(m["url"].endswith(m["path"]))
        got = self.srv.get(m["path"])
        self.assertEqual(got.status, 200)
        # a copy the image pipeline made (metadata stripped), of the same size and type
        self.assertEqual(got.body[:8], b"\x89PNG\r\n\x1a\n")
        self.assertEqual(struct.unpack(">II", got.body[16:24]), (24, 16))
        a = self.create("eve", "Story with a photo",
                        media=[{"id": m["id"], "caption": "A gray box", "credit": "Staff"}])
        self.call("eve", "POST", "/articles/%d/publish" % a["id"])
        page = self.srv.get("/article/" + a["slug"]).text
        self.assertIn('width="24"', page)
        self.assertIn('height="16"', page)
        # the lead photo in <picture>: AVIF and WebP sources, a JPEG fallback, fetched first
        base = "/media/" + m["hash"]
        self.assertIn('<source type="image/avif" srcset="%s.w320.avif 24w"' % base, page)
        self.assertIn('<source type="image/webp" srcset="%s.w320.webp 24w"' % base, page)
        self.assertIn('<img src="%s.w320.jpg" srcset="%s.w320.jpg 24w"' % (base, base), page)
        self.assertIn('fetchpriority="high"', page)

    def test_type_comes_from_the_bytes(self):
        self.assertError(self.upload(png(2, 2), "image/jpeg"), 415, "unsupported_media_type")
        self.assertError(self.upload(b"<svg xmlns='http://www.w3.org/2000/svg'/>", "image/png"),
                         415)
        self.assertError(self.upload(b"", "image/png"), 400)

    def test_size_limit(self):
        big = png(2, 2) + b"\0" * (10 * 1024 * 1024)
        self.assertError(self.upload(big, "image/png"), 413, "too_large")

    def test_upload_needs_a_token(self):
        r = self.srv.request("POST", "/api/v1/admin/media", body=png(2, 2),
                             headers={"Content-Type": "image/png"})
        self.assertError(r, 401)


class ScheduleSurvivesRestart(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="nz-e2e-sched-")
        self.db = new_db(os.path.join(self.tmp, "s.db"))
        run(["init"], db=self.db)
        add_user(self.db, "eve", "editor")
        self.token = add_token(self.db, "eve")[1]
        self.srv = None

    def tearDown(self):
        if self.srv:
            self.srv.stop()
        shutil.rmtree(self.tmp, ignore_errors=True)

    def test_scheduled_while_down_publishes_after_restart(self):
        self.srv = Server(self.db)
        r = api(self.srv, "POST", "/api/v1/admin/articles", self.token,
                {"headline": "Published after a restart", "body_markdown": "Text."})
        aid = r.json()["id"]
        at = time.time() + 3
        r = api(self.srv, "POST", "/api/v1/admin/articles/%d/schedule" % aid, self.token,
                {"at": rfc3339(at)})
        self.assertEqual(r.status, 200, r.text)
        self.assertEqual(self.srv.stop(), 0)
        self.srv = None
        self.assertEqual(sql_rows(self.db, "SELECT status FROM articles WHERE id = ?",
                                  (aid,))[0][0], "scheduled")
        while time.time() < at + 1:
            time.sleep(0.2)
        self.srv = Server(self.db)
        self.assertTrue(wait_for(lambda: "Published after a restart" in self.srv.get("/").text))


if __name__ == "__main__":
    unittest.main()
