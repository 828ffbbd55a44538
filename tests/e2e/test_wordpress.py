"""`newszone import --from wordpress` end to end: a WordPress export of our own making with
every shape the importer reads (classic and block content, each status, pages, attachments
with and without files, comments, both namespace forms, WXR 1.0 to 1.2), re-imports that
change nothing, a newer export that updates, and bad files refused with file, line and reason
while nothing is written."""
import os
import re
import urllib.parse

from nz import FIXTURES, NzTestCase, eventually, run, sql_rows, sql_write
from nzadmin import add_token, add_user, api, png
from test_admin_pages import Browser

EXPORT = os.path.join(FIXTURES, "wordpress", "export-1.2.xml")


def read_export():
    with open(EXPORT, encoding="utf-8") as f:
        return f.read()


def status_of(db, slug):
    return sql_rows(db, "SELECT status FROM articles WHERE slug = ?", (slug,))[0][0]


def front_slots(srv, token):
    """The slugs pinned on the English front page, lead first (the layout in force), as the
    back office's API lists them."""
    r = api(srv, "GET", "/api/v1/admin/front?lang=en", token)
    assert r.status == 200, r.text
    current = r.json()["current"]
    return [slot["slug"] for slot in current["slots"]] if current else []


def lead_of(html):
    lead = html[html.index('class="lead-story"'):]
    return lead[:lead.index("</article>")]


STICKY = """	<item>
		<title><![CDATA[%s]]></title>
		<link>https://gazette.example.org/2020/05/0%d/%s/</link>
		<guid isPermaLink="false">https://gazette.example.org/?p=%d</guid>
		<content:encoded><![CDATA[Sticky story %d.]]></content:encoded>
		<wp:post_id>%d</wp:post_id>
		<wp:post_date_gmt><![CDATA[2020-05-0%d 08:00:00]]></wp:post_date_gmt>
		<wp:post_name><![CDATA[%s]]></wp:post_name>
		<wp:status><![CDATA[publish]]></wp:status>
		<wp:post_type><![CDATA[post]]></wp:post_type>
		<wp:is_sticky>1</wp:is_sticky>
	</item>
"""


def revisions(db):
    return int(sql_rows(db, "SELECT count(*) FROM revisions")[0][0])


class Import(NzTestCase):
    def write(self, name, text):
        path = os.path.join(self.tmp, name)
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
        return path

    def import_(self, path, *flags, check=True):
        return run(["import", "--from", "wordpress", path] + list(flags), db=self.db, check=check)


class PublishAsIs(Import):
    def setUp(self):
        super().setUp()
        self.out = self.import_(EXPORT, "--publish-as-is").stdout
        self.srv = self.serve()

    def article(self, slug):
        return self.srv.get("/api/v1/articles/" + slug).json()

    def test_report_counts_every_type_and_reason(self):
        self.assertIn("WordPress export (WXR 1.2)", self.out)
        self.assertIn("posts        imported 6, updated 0, unchanged 0, skipped 1", self.out)
        self.assertIn("pages        imported 1, updated 0, unchanged 0, skipped 0", self.out)
        self.assertIn("authors      imported 2", self.out)
        self.assertIn("skipped 1: status trash (deleted on the old site)", self.out)
        self.assertIn("skipped 1: post type nav_menu_item is not imported", self.out)
        self.assertIn("comments     2 (kept in the import records)", self.out)
        self.assertIn("not fetched", self.out)
        for unknown in ("shortcode [poll]", "block wp:acme/countdown", "element <marquee>"):
            self.assertIn("not understood, kept as text (1): " + unknown, self.out)

    def test_classic_post_fields(self):
        a = self.article("night-ferry-returns")
        self.assertEqual(a["headline"], "Night ferry returns after a winter of repairs")
        self.assertEqual(a["status"], "published")
        self.assertEqual(a["published_at"], "2015-01-27T09:30:00Z")
        self.assertEqual(a["highlights_intro"], "The night ferry sails again from Monday.")
        self.assertEqual(a["section"]["slug"], "harbour")
        self.assertEqual(sorted(t["name"] for t in a["tags"]), ["Ferries", "Transport"])
        self.assertEqual([(x["name"], x["email"]) for x in a["authors"]],
                         [("Mina Lee", "mina.lee@gazette.example.org")])
        self.assertEqual(a["media"][0]["caption"], "The repaired ferry at the north quay.")
        self.assertEqual(a["media"][0]["alt"], "The ferry at the quay")
        body = a["body_markdown"]
        self.assertTrue(body.startswith("The night ferry to Gull Island sails again"))
        self.assertIn("*The repaired ferry at the north quay.*", body)  # [caption]
        self.assertIn("**eleven weeks**", body)
        self.assertIn("- Departures at 22:00\n- Returns at 06:15", body)
        self.assertIn("![](https://gazette.example.org/wp-content/uploads/2016/03/wall.png)", body)
        self.assertIn("| Weekdays | 2 |", body)
        self.assertIn("```\ntimetable v2\n  22:00 out", body)
        self.assertIn('\\[poll id="7"\\]', body)  # kept visibly
        html = a["body_html"]
        self.assertIn("<table>", html)
        self.assertIn("<li>Departures at 22:00</li>", html)
        self.assertIn("[poll id=&quot;7&quot;]", html)
        notes = "\n".join(a["import_notes"])
        self.assertIn("comments: 2 (kept in the import record)", notes)
        self.assertIn("category Transport: imported as a tag", notes)
        self.assertIn("photo not fetched: https://gazette.example.org/wp-content/uploads/2015/01/ferry.png", notes)
        self.assertIn("wp:comment_status: open", notes)
        self.assertIn("meta _edit_last: 2", notes)
        self.assertIn("sticky on the old site's front page", notes)

    def test_block_post_fields(self):
        a = self.article("council-sea-wall")
        self.assertEqual(a["published_at"], "2016-03-04T19:00:00Z")  # no GMT date: the local one
        self.assertIn("is the site's local time", "\n".join(a["import_notes"]))
        body = a["body_markdown"]
        for part in ("[sea wall plan](https://gazette.example.org/seawall-plan.pdf)",
                     "### What happens next", "1. Surveys in April\n2. Building from June",
                     "> We cannot wait for the next storm.", "> Nine votes to two",
                     "*The planned wall, seen from the beach.*", "* * *", "```\nheight = 4.5 m\n```",
                     "[embed: https://video.example.net/watch/sea-wall](https://video.example.net/watch/sea-wall)",
                     "Building starts soon"):
            self.assertIn(part, body)
        self.assertNotIn("wp:paragraph", body)
        self.assertIn("<h3>What happens next</h3>", a["body_html"])

    def test_statuses(self):
        self.assertEqual(status_of(self.db, "lighthouse-open-day"), "scheduled")
        self.assertEqual(status_of(self.db, "draft-fish-market-prices"), "draft")
        self.assertEqual(status_of(self.db, "regatta-results"), "review")
        self.assertEqual(status_of(self.db, "staff-rota"), "draft")
        self.assertEqual(self.srv.get("/api/v1/articles/staff-rota").status, 404)
        self.assertEqual(sql_rows(self.db, "SELECT count(*) FROM articles WHERE slug LIKE 'deleted%'")[0][0] in (0, "0"), True)

    def test_published_page_becomes_a_static_page(self):
        self.assertEqual(self.srv.get("/api/v1/articles/about").status, 404)
        p = self.srv.get("/api/v1/pages/about").json()
        self.assertEqual(p["title"], "About the Gazette")
        self.assertEqual(p["body_markdown"], "We have reported on the harbour since 1921.")
        html = self.srv.get("/about").text
        self.assertIn("We have reported on the harbour since 1921.", html)
        self.assertIn('<a href="/about">About the Gazette</a>', html[html.index("<footer"):])

    def test_page_addresses_the_site_uses_are_renamed_and_reported(self):
        page = """	<item>
		<title><![CDATA[%s]]></title>
		<link>https://gazette.example.org/%s/</link>
		<guid isPermaLink="false">https://gazette.example.org/?page_id=%d</guid>
		<content:encoded><![CDATA[%s]]></content:encoded>
		<wp:post_id>%d</wp:post_id>
		<wp:post_name><![CDATA[%s]]></wp:post_name>
		<wp:status><![CDATA[%s]]></wp:status>
		<wp:post_type><![CDATA[page]]></wp:post_type>
	</item>
"""
        extra = (page % ("Search tips", "search", 7, "Use quotes.", 7, "search", "publish")
                 + page % ("About us, again", "about", 8, "A second about.", 8, "about", "publish")
                 + page % ("Staff handbook", "handbook", 9, "Draft.", 9, "handbook", "draft"))
        text = read_export().replace("\t<item>\n\t\t<title><![CDATA[About the Gazette]]>",
                                     extra + "\t<item>\n\t\t<title><![CDATA[About the Gazette]]>", 1)
        path = self.write("more-pages.xml", text)
        p = self.import_(path, "--publish-as-is")
        self.assertIn("pages        imported 3, updated 0, unchanged 1, skipped 0", p.stdout)
        self.assertIn("renamed 2: page address taken or one of the site's own", p.stdout)
        self.assertIn("page 7: the address /search is one of the site's own; the page is at /search-page",
                      p.stderr)
        self.assertIn("page 8: the address /about is another page's; the page is at /about-2", p.stderr)
        self.assertIn("Use quotes.", self.srv.get("/search-page").text)
        self.assertEqual(self.srv.get("/api/v1/pages/about-2").json()["title"], "About us, again")
        r = self.srv.get("/?page_id=7")
        self.assertEqual((r.status, r.headers["location"]), (301, "/search-page"))
        self.assertEqual(status_of(self.db, "handbook"), "draft")  # a draft page stays reviewable
        # The same export again changes nothing; a newer one is a new revision of the page.
        p = self.import_(path, "--publish-as-is")
        self.assertIn("pages        imported 0, updated 0, unchanged 4, skipped 0", p.stdout)
        p = self.import_(self.write("newer.xml", text.replace("Use quotes.", "Use quotes or a minus.")),
                         "--publish-as-is")
        self.assertIn("pages        imported 0, updated 1, unchanged 3, skipped 0", p.stdout)
        page = self.srv.get("/api/v1/pages/search-page").json()
        self.assertEqual((page["revision"], page["body_markdown"]), (2, "Use quotes or a minus."))
        self.assertIn(b"Use quotes or a minus.", page_record(self.db, "search-page")[1])

    def test_page_keeps_an_import_record(self):
        name, kept, notes = page_record(self.db, "about")
        self.assertEqual(name, "export-1.2.xml#page-2")
        with open(EXPORT, "rb") as f:
            about = [i for i in items_of(f.read()) if b"About the Gazette" in i]
        self.assertEqual(kept, about[0])
        lines = notes.splitlines()
        self.assertIn("wordpress page 2: https://gazette.example.org/about/", lines)
        self.assertIn("author: mlee", lines)
        self.assertIn("date: 2013-12-31 15:00:00 (GMT)", lines)
        # The page found by its GUID although an admin sent /?page_id=2 elsewhere: an edit in
        # the export is a new revision of this page, not a second page.
        sql_write(self.db, "UPDATE url_redirects SET target = ? WHERE path = ?",
                  ("/search", "/?page_id=2"))
        newer = read_export().replace("since 1921.", "since 1921, every day.")
        out = self.import_(self.write("newer.xml", newer), "--publish-as-is").stdout
        self.assertIn("pages        imported 0, updated 1, unchanged 0, skipped 0", out)
        p = self.srv.get("/api/v1/pages/about").json()
        self.assertEqual((p["revision"], p["body_markdown"]),
                         (2, "We have reported on the harbour since 1921, every day."))
        self.assertEqual(len(sql_rows(self.db, "SELECT id FROM pages")), 1)

    def test_item_xml_kept_with_comments(self):
        art = int(sql_rows(self.db, "SELECT id FROM articles WHERE slug = 'night-ferry-returns'")[0][0])
        rows = sql_rows(self.db, "SELECT filename, bytes FROM import_sources WHERE article_id = ?", (art,))
        self.assertEqual(len(rows), 1)
        name, xml = rows[0]
        if isinstance(xml, str):  # psql gives bytea as \x + hex
            xml = bytes.fromhex(xml[2:])
        self.assertEqual(name, "export-1.2.xml#post-101")
        xml = xml.decode("utf-8")
        self.assertTrue(xml.startswith("<item"))
        self.assertIn("<![CDATA[Good news at last.]]>", xml)  # the comments stay in the record
        self.assertIn("<wp:post_id>101</wp:post_id>", xml)

    def test_reimport_changes_nothing(self):
        before = revisions(self.db)
        layouts = sql_rows(self.db, "SELECT id, slots FROM front_layouts")
        out = self.import_(EXPORT, "--publish-as-is").stdout
        self.assertIn("posts        imported 0, updated 0, unchanged 6, skipped 1", out)
        self.assertIn("pages        imported 0, updated 0, unchanged 1, skipped 0", out)
        self.assertEqual(revisions(self.db), before)
        self.assertEqual(sql_rows(self.db, "SELECT id, slots FROM front_layouts"), layouts)

    def test_sticky_post_leads_the_front_page(self):
        self.assertIn("sticky post night-ferry-returns: pinned on the front page (en), slot 1",
                      self.out)
        # By recency alone the 2016 sea wall story would lead; the 2015 sticky one does.
        lead = lead_of(self.srv.get("/").text)
        self.assertIn("Night ferry returns after a winter of repairs", lead)
        self.assertNotIn("sea wall", lead.lower())

    def test_sticky_posts_fill_only_free_slots_newest_first(self):
        # An editor arranges the front: the sea wall story alone (the ferry unpinned).
        add_user(self.db, "eve", "editor")
        token = add_token(self.db, "eve")[1]
        r = api(self.srv, "PUT", "/api/v1/admin/front", token,
                {"slots": [{"article": "council-sea-wall"}]})
        self.assertEqual(r.status, 200, r.text)
        # A newer export: the ferry story changed (so it is read again) and five more sticky
        # posts of May 2020, the 5th the newest.
        extra = "".join(STICKY % ("Sticky story %d" % i, i, "sticky-%d" % i, 300 + i, i, 300 + i,
                                  i, "sticky-%d" % i) for i in range(1, 6))
        text = read_export().replace("The night ferry sails again from Monday.",
                                     "The night ferry sails from Monday.")
        text = text.replace("</channel>", extra + "</channel>", 1)
        out = self.import_(self.write("sticky.xml", text), "--publish-as-is").stdout
        self.assertEqual(front_slots(self.srv, token),
                         ["council-sea-wall", "sticky-5", "sticky-4", "sticky-3", "sticky-2"])
        self.assertIn("sticky post sticky-5: pinned on the front page (en), slot 2", out)
        self.assertIn("sticky post sticky-1: not pinned, every slot of the front page (en) is taken",
                      out)
        self.assertIn("sticky post night-ferry-returns: not pinned", out)
        self.assertTrue(eventually(lambda: "sticky-5" in self.srv.get("/").text))
        self.assertIn("Council approves the new sea wall", lead_of(self.srv.get("/").text))
        # The same export again: nothing moves.
        out = self.import_(self.write("sticky.xml", text), "--publish-as-is").stdout
        self.assertNotIn("sticky post", out)
        self.assertEqual(front_slots(self.srv, token)[1], "sticky-5")

    def test_newer_export_updates_as_new_revisions(self):
        newer = read_export().replace("Night ferry returns after a winter of repairs",
                                      "Night ferry returns after winter repairs")
        newer = newer.replace("<wp:comment_approved><![CDATA[1]]></wp:comment_approved></wp:comment>\n\t</item>",
                              "<wp:comment_approved><![CDATA[1]]></wp:comment_approved></wp:comment>\n"
                              "<wp:comment><wp:comment_id>9</wp:comment_id></wp:comment>\n\t</item>", 1)
        path = self.write("newer.xml", newer)
        out = self.import_(path, "--publish-as-is").stdout
        self.assertIn("posts        imported 0, updated 1, unchanged 5, skipped 1", out)
        a = self.article("night-ferry-returns")
        self.assertEqual(a["headline"], "Night ferry returns after winter repairs")
        self.assertEqual(a["revision"], 2)
        out = self.import_(path, "--publish-as-is").stdout
        self.assertIn("posts        imported 0, updated 0, unchanged 6, skipped 1", out)


class Defaults(Import):
    def test_without_publish_as_is_everything_is_a_draft(self):
        self.import_(EXPORT)
        rows = sql_rows(self.db, "SELECT DISTINCT status FROM articles")
        self.assertEqual([r[0] for r in rows], ["draft"])
        notes = [r[0] for r in sql_rows(self.db, "SELECT n.text FROM import_notes n JOIN articles a "
                                        "ON a.id = n.article_id WHERE a.slug = 'night-ferry-returns'")]
        self.assertIn("status on the old site: publish (imported as a draft; --publish-as-is keeps it)", notes)

    def test_older_namespace_forms_read_the_same(self):
        text = read_export()
        for version in ("1.1", "1.0"):
            old = (text.replace("https://wordpress.org/export/1.2/", "http://wordpress.org/export/%s/" % version)
                   .replace("https://purl.org/", "http://purl.org/")
                   .replace("<wp:wxr_version>1.2", "<wp:wxr_version>" + version))
            db = self.db
            path = self.write("export-%s.xml" % version, old)
            out = self.import_(path, "--publish-as-is").stdout
            self.assertIn("WordPress export (WXR %s)" % version, out)
            self.assertIn("pages        ", out)
            self.assertEqual(sql_rows(db, "SELECT count(*) FROM articles")[0][0] in (6, "6"), True)
            self.assertEqual(sql_rows(db, "SELECT count(*) FROM pages")[0][0] in (1, "1"), True)
        au = sql_rows(self.db, "SELECT au.slug FROM authors au JOIN article_authors x ON x.author_id = au.id "
                      "JOIN articles a ON a.id = x.article_id WHERE a.slug = 'council-sea-wall'")
        self.assertEqual(au[0][0], "tom-okafor")

    def test_users_get_accounts_that_cannot_sign_in(self):
        out = self.import_(EXPORT, "--users").stdout
        self.assertIn("authors      imported 2", out)
        logins = sorted(r[0] for r in sql_rows(self.db, "SELECT login FROM users"))
        self.assertEqual(logins, ["mlee", "tom.okafor"])
        srv = self.serve()
        form = urllib.parse.urlencode({"login": "mlee", "password": "", "next": "/admin"})
        r = srv.request("POST", "/admin/login", body=form,
                        headers={"Content-Type": "application/x-www-form-urlencoded"})
        self.assertNotEqual(r.status, 303)

    def test_media_dir_brings_the_photo_in(self):
        uploads = os.path.join(self.tmp, "uploads")
        os.makedirs(os.path.join(uploads, "2015", "01"))
        with open(os.path.join(uploads, "2015", "01", "ferry.png"), "wb") as f:
            f.write(png(40, 30))
        os.makedirs(os.path.join(uploads, "2016", "03"))
        with open(os.path.join(uploads, "2016", "03", "wall.png"), "wb") as f:
            f.write(png(20, 10))
        with open(os.path.join(uploads, "2016", "03", "broken.png"), "wb") as f:
            f.write(b"not a picture")
        out = self.import_(EXPORT, "--publish-as-is", "--media-dir", uploads).stdout
        self.assertIn("photos brought in 4, not fetched 0", out)
        srv = self.serve()
        a = srv.get("/api/v1/articles/night-ferry-returns").json()
        m = a["media"][0]
        self.assertEqual((m["caption"], m["alt"]), ("The repaired ferry at the north quay.", "The ferry at the quay"))
        self.assertTrue(m["url"])
        photo = srv.get(urllib.parse.urlsplit(m["url"]).path)
        self.assertEqual(photo.status, 200)
        self.assertEqual(photo.body[:8], b"\x89PNG\r\n\x1a\n")
        # the body's images come in too, and the body shows them from here
        body = srv.get("/api/v1/articles/council-sea-wall").json()["body_markdown"]
        self.assertNotIn("gazette.example.org/wp-content", body)
        src = re.search(r"!\[A drawing of the wall\]\((/media/[0-9a-f]{64}\.png)\)", body).group(1)
        self.assertEqual(srv.get(src).status, 200)


# An export written oddly but validly: a UTF-8 byte order mark, CRLF line ends, single-quoted
# attributes, entities and character references, CDATA, an attribute on <item>, a space
# before an end tag's ">": what libxml2 would write back differently.
ODD = ("\ufeff<?xml version='1.0' encoding='UTF-8'?>\n"
       "<rss version='2.0' xmlns:content='http://purl.org/rss/1.0/modules/content/'\n"
       "     xmlns:wp='http://wordpress.org/export/1.1/' xmlns:dc=\"http://purl.org/dc/elements/1.1/\">\n"
       "<channel><wp:wxr_version>1.1</wp:wxr_version>\n"
       "<wp:base_site_url>http://odd.example.org</wp:base_site_url>\n"
       "<item  data-x='1' >\n"
       "  <title>Caf&#233; &amp; bar &lt;reopens&gt;</title>\n"
       "  <guid isPermaLink='false'>http://odd.example.org/?p=5</guid>\n"
       "  <content:encoded><![CDATA[<p>Open again & \"busy\".</p>]]></content:encoded>\n"
       "  <wp:post_id>5</wp:post_id><wp:post_name>cafe-reopens</wp:post_name>\n"
       "  <wp:status>publish</wp:status><wp:post_type>post</wp:post_type>\n"
       "  <wp:post_date_gmt>2021-03-04 10:00:00</wp:post_date_gmt>\n"
       "  <wp:comment><wp:comment_content><![CDATA[Great &amp; news]]></wp:comment_content></wp:comment>\n"
       "</item >\n"
       "<item><title>Second\u00a0one</title><guid>http://odd.example.org/?p=6</guid>"
       "<content:encoded>Plain &#x263A; text</content:encoded><wp:post_id>6</wp:post_id>"
       "<wp:post_name>second-one</wp:post_name><wp:status>draft</wp:status>"
       "<wp:post_type>post</wp:post_type></item>\n"
       "<item>\n <title>Contact&#x20;us</title><guid isPermaLink=\"false\">http://odd.example.org/?page_id=7</guid>\n"
       " <dc:creator>ed</dc:creator><content:encoded><![CDATA[Write to <b>us</b>.]]></content:encoded>\n"
       " <wp:post_id>7</wp:post_id><wp:post_name>contact</wp:post_name><wp:status>publish</wp:status>\n"
       " <wp:menu_order>3</wp:menu_order><wp:post_type>page</wp:post_type>\n</item>\n"
       "</channel>\n</rss>\n").replace("\n", "\r\n").encode("utf-8")


def items_of(raw):
    """Each <item>...</item> of an export's bytes, as the file has them."""
    return re.findall(rb"<item[ >\r\n].*?</item\s*>", raw, re.S)


def as_bytes(value):
    return bytes.fromhex(value[2:]) if isinstance(value, str) else value  # psql: \\x + hex


def page_record(db, slug):
    """The import record of the static page at slug: (filename, bytes, notes)."""
    join = "FROM page_imports i JOIN pages p ON p.id = i.page_id WHERE p.slug = ?"
    rows = sql_rows(db, "SELECT i.filename, i.bytes " + join, (slug,))
    notes = sql_rows(db, "SELECT i.notes " + join, (slug,))  # psql: a row per line
    return rows[0][0], as_bytes(rows[0][1]), "\n".join(row[0] for row in notes)


class OriginalBytes(Import):
    def test_each_item_is_kept_byte_for_byte(self):
        path = os.path.join(self.tmp, "odd.xml")
        with open(path, "wb") as f:
            f.write(ODD)
        out = self.import_(path, "--publish-as-is").stdout
        self.assertIn("posts        imported 2, updated 0, unchanged 0, skipped 0", out)
        self.assertIn("pages        imported 1, updated 0, unchanged 0, skipped 0", out)
        items = items_of(ODD)
        self.assertEqual(len(items), 3)
        for slug, item in zip(["cafe-reopens", "second-one"], items):
            rows = sql_rows(self.db, "SELECT s.bytes FROM import_sources s JOIN articles a "
                            "ON a.id = s.article_id WHERE a.slug = ?", (slug,))
            self.assertEqual(as_bytes(rows[0][0]), item)
        self.assertIn(b"\r\n  <title>Caf&#233; &amp; bar", items[0])
        name, kept, notes = page_record(self.db, "contact")
        self.assertEqual((name, kept), ("odd.xml#page-7", items[2]))
        self.assertIn("wp:menu_order: 3", notes.splitlines())
        self.assertIn("author: ed", notes.splitlines())
        # The same file again changes nothing.
        out = self.import_(path, "--publish-as-is").stdout
        self.assertIn("posts        imported 0, updated 0, unchanged 2, skipped 0", out)
        self.assertIn("pages        imported 0, updated 0, unchanged 1, skipped 0", out)


class BadInput(Import):
    def refused(self, text, reason):
        path = self.write("bad.xml", text)
        p = self.import_(path, check=False)
        self.assertEqual(p.returncode, 1)
        self.assertRegex(p.stderr, r"newszone import: %s: line \d+: " % path)
        self.assertIn(reason, p.stderr)
        self.assertEqual(sql_rows(self.db, "SELECT count(*) FROM articles")[0][0] in (0, "0"), True)
        return p

    def test_truncated_file_names_the_line_and_writes_nothing(self):
        text = read_export()
        p = self.refused(text[: text.index("<title><![CDATA[Lighthouse")], "")
        self.assertRegex(p.stderr, r"line 13\d: ")

    def test_entity_bomb_refused(self):
        bomb = ('<?xml version="1.0"?>\n<!DOCTYPE rss [\n<!ENTITY a "aaaaaaaaaa">\n'
                '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">\n<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">\n]>\n'
                '<rss xmlns:wp="http://wordpress.org/export/1.2/"><channel><wp:wxr_version>1.2</wp:wxr_version>'
                '<item><title>&c;</title></item></channel></rss>')
        p = self.refused(bomb, "")
        self.assertRegex(p.stderr, "DOCTYPE|entity")

    def test_plain_rss_is_not_an_export(self):
        self.refused('<?xml version="1.0"?><rss><channel><title>x</title><item><title>y</title></item>'
                     '</channel></rss>', "not a WordPress export")

    def test_missing_file(self):
        p = self.import_(os.path.join(self.tmp, "nope.xml"), check=False)
        self.assertEqual(p.returncode, 1)
        self.assertIn("nope.xml: no such file", p.stderr)


class OldLinks(Import):
    def setUp(self):
        super().setUp()
        self.import_(EXPORT, "--publish-as-is")
        self.srv = self.serve()

    def moved(self, path):
        r = self.srv.get(path)
        self.assertEqual(r.status, 301, path)
        return r.headers["location"]

    def test_wordpress_permalinks_answer_301(self):
        for old, new in (("/?p=101", "/article/night-ferry-returns"),
                         ("/2015/01/27/night-ferry-returns/", "/article/night-ferry-returns"),
                         ("/2016/03/04/council-sea-wall", "/article/council-sea-wall"),
                         ("/?page_id=2", "/about"),
                         ("/category/harbour/", "/section/harbour"),
                         ("/category/transport/", "/tag/transport"),
                         ("/author/tom.okafor/", "/author/tom-okafor"), ("/feed/", "/feed.rss")):
            self.assertEqual(self.moved(old), new)
        self.assertEqual(self.srv.get(self.moved("/?p=101")).status, 200)
        self.assertEqual(self.srv.get("/about").status, 200)  # its own permalink, no redirect
        self.assertEqual(self.srv.get("/2099/01/01/nothing/").status, 404)
        self.assertEqual(self.srv.get("/?p=99999").status, 200)  # the front page, as before
        self.assertEqual(self.srv.get("/").status, 200)

    def test_back_office_lists_adds_and_removes(self):
        password = add_user(self.db, "chief", "admin")
        b = Browser(self.srv, "chief", password)
        page = b.get("/admin/redirects?q=/2015/")
        self.assertEqual(page.status, 200)
        self.assertIn("<code>/2015/01/27/night-ferry-returns</code>", page.text)
        self.assertNotIn("/category/harbour", page.text)
        r = b.post("/admin/redirects", [("from", "https://gazette.example.org/old-about/"),
                                        ("to", "/article/about")])
        self.assertEqual(r.status, 303)
        self.assertEqual(self.moved("/old-about"), "/article/about")
        r = b.post("/admin/redirects", [("from", "no-slash"), ("to", "/article/about")])
        self.assertEqual(r.status, 422)
        self.assertIn("must be a path starting with /", r.text)
        self.assertIn('value="no-slash"', r.text)
        r = b.post("/admin/redirects/delete", [("path", "/old-about")])
        self.assertEqual(r.status, 303)
        self.assertEqual(self.srv.get("/old-about").status, 404)
        reporter = add_user(self.db, "writer", "contributor")
        self.assertEqual(Browser(self.srv, "writer", reporter).get("/admin/redirects").status, 403)

    def test_a_changed_slug_is_listed_and_can_be_removed(self):
        password = add_user(self.db, "chief", "admin")
        b = Browser(self.srv, "chief", password)
        _, token = add_token(self.db, "chief")
        a = self.srv.get("/api/v1/articles/council-sea-wall").json()
        r = api(self.srv, "PATCH", "/api/v1/admin/articles/%d" % a["id"], token,
                {"slug": "about-us", "revision": a["revision"]})
        self.assertEqual(r.status, 200, r.text)
        self.assertEqual(self.moved("/2016/03/04/council-sea-wall"), "/article/council-sea-wall")
        self.assertEqual(self.moved("/article/council-sea-wall"), "/article/about-us")
        page = b.get("/admin/redirects?q=/article/")
        self.assertIn("an article's earlier slug", page.text)
        self.assertIn("<code>/article/about-us</code>", page.text)
        self.assertEqual(b.post("/admin/redirects/delete", [("path", "/article/council-sea-wall")]).status, 303)
        self.assertEqual(sql_rows(self.db, "SELECT count(*) FROM slug_redirects")[0][0] in (0, "0"), True)
