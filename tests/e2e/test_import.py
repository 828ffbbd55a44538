"""`newszone import` end to end: the reference page, every fixture variation, refusals that
change nothing, idempotence, batches."""
import glob
import os
import re
import sqlite3
import subprocess

from nz import (FIXTURES, PG_URI, NzTestCase, SHARED, drop_db, new_db, run, sql_rows,
                sqlite_only)

REFERENCE = os.path.join(SHARED, "examples", "000_6019b677f118bae2.txt")
GOOD = sorted(glob.glob(os.path.join(FIXTURES, "import", "good", "*")))
BAD = sorted(glob.glob(os.path.join(FIXTURES, "import", "bad", "*")))


def counts(db):
    """Rows in every table an import writes, read straight from the SQLite file."""
    if not os.path.exists(db):
        return None
    con = sqlite3.connect(db)
    try:
        return {t: con.execute("SELECT count(*) FROM %s" % t).fetchone()[0]
                for t in ("articles", "revisions", "import_sources", "authors", "media")}
    finally:
        con.close()


class ReferencePage(NzTestCase):
    def setUp(self):
        super().setUp()
        self.assertTrue(os.path.exists(REFERENCE), "the reference page is missing: " + REFERENCE)
        p = run(["import", "--publish", REFERENCE], db=self.db)
        self.assertIn("imported 1, unchanged 0, refused 0", p.stdout)
        self.srv = self.serve()
        listing = self.srv.get("/api/v1/articles").json()
        self.assertEqual(len(listing["articles"]), 1)
        self.article = self.srv.get("/api/v1/articles/" + listing["articles"][0]["slug"]).json()

    def test_every_part_in_its_field(self):
        a = self.article
        self.assertEqual(a["headline"], "Republic of Korea, United States work "
                         "\u201cto take the ROK-US alliance to the next level\u201d")
        self.assertEqual(a["highlights_intro"], "During the ROK-US defense ministers\u2019 meeting:")
        self.assertEqual(len(a["highlights"]), 3)
        self.assertTrue(a["highlights"][0].startswith("Minister Suh and his US counterpart"))
        self.assertTrue(a["highlights"][2].endswith("(2+2 meeting)"))
        self.assertEqual(len(a["authors"]), 1)
        au = a["authors"][0]
        self.assertEqual((au["family_name"], au["given_name"], au["name"], au["email"]),
                         ("Maeng", "Su-Yeol", "Maeng Su-Yeol", None))
        self.assertEqual(a["copyright"], "<Copyright \u24d2 The Korea Defense Daily, All rights reserved>")
        self.assertEqual([m["caption"] for m in a["media"]], ["(Presentation and Follow-on discussion)"])
        self.assertEqual(a["language"], "en")
        self.assertEqual(a["status"], "published")
        self.assertTrue(a["body_markdown"].startswith("Minister of National Defense Suh Wook"))
        for leftover in ("News Zone", "Recent News", "By Su-Yeol", "Copyright", "Presentation and"):
            self.assertNotIn(leftover, a["body_markdown"])
        notes = "\n".join(a["import_notes"])
        self.assertIn("News Zone", notes)
        self.assertIn("Recent News", notes)
        self.assertIn("Republic of Korea, United States work \u201cto take the", notes)
        self.assertIn("Cheong Wa Dae said.", a["body_markdown"])

    def test_page_shows_the_parts(self):
        r = self.srv.get(self.article["url"].split("127.0.0.1:8080")[-1])
        self.assertEqual(r.status, 200, r.text)
        html = r.text[r.text.index("<article"):]
        self.assertIn("<h1", html)
        self.assertIn("to take the ROK-US alliance to the next level", html)
        self.assertIn("During the ROK-US defense ministers\u2019 meeting:", html)
        self.assertIn("Maeng Su-Yeol", html)
        self.assertIn("&lt;Copyright \u24d2 The Korea Defense Daily, All rights reserved&gt;", html)
        self.assertIn("<figcaption", html)
        self.assertIn("(Presentation and Follow-on discussion)", html)
        order = [html.index(s) for s in ("<h1", "<ul", "Maeng Su-Yeol", "<figure",
                                         "Minister of National Defense", "Korea Defense Daily, All")]
        self.assertEqual(order, sorted(order), "parts out of order")

    @sqlite_only("reads import_sources with the sqlite3 module")
    def test_original_file_kept_byte_for_byte(self):
        con = sqlite3.connect(self.db)
        (data,) = con.execute("SELECT bytes FROM import_sources").fetchone()
        con.close()
        with open(REFERENCE, "rb") as f:
            self.assertEqual(bytes(data), f.read())


class Variations(NzTestCase):
    def test_fixtures_exist(self):
        self.assertGreaterEqual(len(GOOD), 6)
        self.assertGreaterEqual(len(BAD), 5)

    @sqlite_only("counts rows with the sqlite3 module")
    def test_every_good_fixture_imports(self):
        p = run(["import", "--publish"] + GOOD, db=self.db)
        self.assertIn("imported %d, unchanged 0, refused 0" % len(GOOD), p.stdout)
        self.assertEqual(counts(self.db)["articles"], len(GOOD))

    @sqlite_only("counts rows with the sqlite3 module")
    def test_same_file_twice_is_one_article(self):
        run(["import", GOOD[0]], db=self.db)
        p = run(["import", GOOD[0]], db=self.db)
        self.assertIn("imported 0, unchanged 1, refused 0", p.stdout)
        self.assertEqual(counts(self.db)["articles"], 1)

    def test_korean_page(self):
        ko = [g for g in GOOD if os.path.basename(g) == "ko-article.txt"]
        self.assertEqual(len(ko), 1)
        run(["import", "--publish"] + ko, db=self.db)
        srv = self.serve()
        slug = srv.get("/api/v1/articles").json()["articles"][0]["slug"]
        a = srv.get("/api/v1/articles/" + __import__("urllib.parse").parse.quote(slug)).json()
        self.assertEqual(a["language"], "ko")
        au = a["authors"][0]
        self.assertEqual((au["family_name"], au["given_name"], au["name"]), ("김", "민준", "김민준"))
        self.assertEqual(au["email"], "minjun@example.kr")
        self.assertIn("무단전재 및 재배포 금지", a["copyright"])
        self.assertTrue(a["highlights"], "Korean subheads should become highlights")
        self.assertTrue(a["media"] and a["media"][0]["caption"])
        page = srv.get(a["url"].split("127.0.0.1:8080")[-1]).text
        self.assertIn('lang="ko"', page)
        self.assertRegex(page, r"\d{4}년 \d{1,2}월 \d{1,2}일")


class Refusals(NzTestCase):
    def setUp(self):
        super().setUp()
        run(["import", GOOD[0]], db=self.db)
        self.before = counts(self.db)

    def refuse(self, path, reason):
        p = run(["import", path], db=self.db, check=False)
        self.assertEqual(p.returncode, 1, p.stdout + p.stderr)
        lines = p.stderr.strip().splitlines()
        self.assertEqual(len(lines), 1, p.stderr)
        self.assertIn(path, lines[0])
        self.assertRegex(lines[0], reason)
        self.assertEqual(counts(self.db), self.before, "a refused file changed the database")
        return lines[0]

    def test_each_bad_fixture(self):
        reasons = {
            "empty.txt": "empty",
            "whitespace.txt": "empty",
            "binary.bin": r"binary.*byte \d+",
            "invalid-utf8.txt": r"UTF-8.*byte \d+",
            "no-article.txt": "article|headline|body",
            "front-matter-unclosed.md": r"line \d+",
            "front-matter-bad-date.md": r"line \d+",
        }
        seen = set()
        for path in BAD:
            name = os.path.basename(path)
            if name in reasons:
                with self.subTest(name):
                    self.refuse(path, reasons[name])
                seen.add(name)
        self.assertEqual(seen, set(reasons))

    def test_missing_file(self):
        self.refuse(os.path.join(self.tmp, "nope.txt"), "no such file")

    def test_too_big(self):
        big = os.path.join(self.tmp, "huge.txt")
        with open(big, "w") as f:
            f.write("Headline\n\n" + ("A paragraph of news text. " * 40 + "\n\n") * 3000)
        self.refuse(big, "limit")

    @sqlite_only("counts rows with the sqlite3 module")
    def test_batch_imports_good_reports_bad(self):
        bad = [b for b in BAD if b.endswith("empty.txt")]
        p = run(["import"] + GOOD[1:3] + bad, db=self.db, check=False)
        self.assertEqual(p.returncode, 1)
        self.assertIn("imported 2, unchanged 0, refused 1", p.stdout)
        self.assertEqual(counts(self.db)["articles"], self.before["articles"] + 2)



class BadFileInTheMiddle(NzTestCase):
    """One batch, the store refusing one file (an author listed twice: on PostgreSQL a
    failure the database reports after later files were sent): only that file is refused,
    by name, and the others land whole; the same folder again changes nothing."""

    def check_only_the_bad_file_is_refused(self, files, bad, paragraphs):
        folder = os.path.join(self.tmp, "batch")
        os.makedirs(folder)
        for i in range(1, files + 1):
            authors = "  - name: Kim Ana\n  - name: Kim Ana\n" if i == bad else "  - name: Lee Bo\n"
            with open(os.path.join(folder, "f%02d.md" % i), "w", encoding="utf-8") as f:
                f.write("---\nheadline: \"Harbour story %d\"\nslug: harbour-story-%d\n"
                        "section: world\nauthors:\n%stags:\n  - harbour\n---\n" % (i, i, authors))
                for k in range(paragraphs):
                    f.write("The harbour opened pier %d today, story %d, crane %d.\n\n"
                            % (k, i, k * i))
        p = run(["import", "--publish", "--batch", "64", folder], db=self.db, check=False)
        self.assertEqual(p.returncode, 1, p.stdout + p.stderr)
        self.assertIn("imported %d, unchanged 0, refused 1" % (files - 1), p.stdout)
        lines = p.stderr.strip().splitlines()
        self.assertEqual(len(lines), 1, p.stderr)
        self.assertIn(os.path.join(folder, "f%02d.md" % bad), lines[0])
        self.assertRegex(lines[0], "author")
        slugs = sorted(r[0] for r in sql_rows(self.db, "SELECT slug FROM articles"))
        good = [i for i in range(1, files + 1) if i != bad]
        self.assertEqual(slugs, sorted("harbour-story-%d" % i for i in good))
        for table in ("revisions", "import_sources", "article_authors"):
            self.assertEqual(len(sql_rows(self.db, "SELECT article_id FROM " + table)),
                             files - 1, table)
        self.assertEqual(sql_rows(self.db, "SELECT slug FROM authors"), [("lee-bo",)])
        again = run(["import", "--publish", "--batch", "64", folder], db=self.db, check=False)
        self.assertIn("imported 0, unchanged %d, refused 1" % (files - 1), again.stdout)
        self.assertEqual(len(sql_rows(self.db, "SELECT id FROM articles")), files - 1)

    def test_only_the_bad_file_is_refused(self):
        self.check_only_the_bad_file_is_refused(5, 3, 1)

    def test_big_files_before_the_bad_one(self):
        # 40 files of ~50 kB: on PostgreSQL the rows of the first ones are sent while the
        # batch goes on (bulk.c, BULK_CHUNK), before the bad file's are.
        self.check_only_the_bad_file_is_refused(40, 31, 900)

# What an import stores, by slug (ids and times left out: they differ between two imports).
STORED = [
    "SELECT a.slug, a.headline, a.status, a.language, s.slug, a.body_markdown, a.revision, "
    "a.highlights, a.dateline FROM articles a LEFT JOIN sections s ON s.id = a.section_id",
    "SELECT a.slug, t.slug, t.name, x.position FROM article_tags x JOIN articles a "
    "ON a.id = x.article_id JOIN tags t ON t.id = x.tag_id",
    "SELECT a.slug, au.slug, au.display_name, x.position FROM article_authors x JOIN articles a "
    "ON a.id = x.article_id JOIN authors au ON au.id = x.author_id",
    "SELECT a.slug, m.hash, m.caption, m.credit, m.alt, x.position FROM article_media x "
    "JOIN articles a ON a.id = x.article_id JOIN media m ON m.id = x.media_id",
    "SELECT a.slug, r.revision, r.note FROM revisions r JOIN articles a ON a.id = r.article_id",
    "SELECT a.slug, i.filename, i.sha256 FROM import_sources i JOIN articles a "
    "ON a.id = i.article_id",
] + ([
    "SELECT a.slug, x.terms, x.headline_terms, x.body_terms FROM article_search x "
    "JOIN articles a ON a.id = x.article_id",  # PostgreSQL's search rows (SQLite: FTS5)
] if PG_URI else [])


class BatchEqualsOneAtATime(NzTestCase):
    def test_a_batch_stores_what_one_file_at_a_time_stores(self):
        corpus = os.path.join(self.tmp, "corpus")
        gen = os.path.join(os.path.dirname(__file__), "..", "..", "bench", "corpus", "gen.py")
        subprocess.run(["python3", gen, "--articles", "40", "--only", "nz", "--out", corpus,
                        "--quiet"], check=True, timeout=60)
        files = sorted(glob.glob(os.path.join(corpus, "nz", "*", "*")))
        files.append(files[3])  # the same bytes twice: unchanged the second time
        again = os.path.join(self.tmp, "again.md")  # the slug of files[5]: made unique, -2
        with open(files[5], encoding="utf-8") as f, open(again, "w", encoding="utf-8") as g:
            g.write(f.read() + "\nOne more paragraph.\n")
        files.insert(9, again)
        one = new_db(os.path.join(self.tmp, "one.db"))
        try:
            out_one = run(["import", "--publish", "--batch", "1"] + files, db=one).stdout
            out_batch = run(["import", "--publish", "--batch", "16"] + files, db=self.db).stdout
            self.assertIn("imported 41, unchanged 1, refused 0", out_batch)
            self.assertEqual(out_one.splitlines()[-1], out_batch.splitlines()[-1])
            for sql in STORED:
                with self.subTest(sql.split(" FROM ")[1][:30]):
                    got_one, got_batch = sorted(sql_rows(one, sql)), sorted(sql_rows(self.db, sql))
                    self.assertTrue(got_batch)
                    self.assertEqual(got_one, got_batch)
            with open(files[5], encoding="utf-8") as f:
                slug = re.search(r"^slug: (.+)$", f.read(), re.M).group(1)
            self.assertEqual(len(sql_rows(self.db, "SELECT id FROM articles WHERE slug = ?",
                                          (slug + "-2",))), 1)
            # Again: every file's bytes are known (looked up a batch at a time), nothing added.
            again_out = run(["import", "--publish", "--batch", "16"] + files, db=self.db).stdout
            self.assertIn("imported 0, unchanged 42, refused 0", again_out)
            self.assertEqual(len(sql_rows(self.db, "SELECT id FROM articles")), 41)
        finally:
            drop_db(one)
