/* Tests src/app/import_batch.c's read-ahead: files read, hashed and parsed on a second thread
 * (nz_app_batch_read_ahead) give what loading each file as it is added gives: the same outcome
 * for every file, reported in the same order with the same article ids, and the same rows:
 * articles and their ids, revisions, original files, notes, tags, authors, photos, the change
 * feed and every term of the search index. The files hold what makes the order matter: the
 * same bytes twice (the second is "unchanged"), a slug taken earlier (made unique), a
 * translation of an article of the same batch and one of an article that comes later, a
 * refused file and a missing one, across batches of four. */
#include "app/app.h"
#include "store/sqlite/sqlite_int.h"
#include "store/store_test.h"

#define FILES 17

/* A Markdown file with front matter; i picks its words, slug, tags, language and whether it
 * says its status (else --publish decides). */
static char *file_text(nz_arena *arena, int i, const char *slug, const char *translation_of)
{
	bool ko = i % 4 == 3;
	return nz_arena_printf(
	    arena,
	    "---\nheadline: \"%s %d\"\nslug: %s\nlanguage: %s\nsection: %s\n%s"
	    "%s%s%sauthors:\n  - family: Evans%d\n    given: Rhys\n    order: western\n"
	    "tags:\n  - tag-%d\n  - tag-%d\nmedia:\n  - caption: \"Harbor %d at dawn\"\n"
	    "    credit: Newszone Daily\n---\n%s %d, K-9 units and the U.S. envoy's 1,000 "
	    "long-range frigates.\n\n%s\n",
	    ko ? "국방부 발표" : "Frigate sails", i, slug, ko ? "ko" : "en",
	    i % 2 ? "defense" : "world", i % 2 ? "" : "status: draft\n",
	    translation_of ? "translation_of: " : "", translation_of ? translation_of : "",
	    translation_of ? "\n" : "", i % 3, i % 5, (i + 1) % 5, i,
	    ko ? "국방부는 동맹 훈련을" : "The ministry reviewed reactor", i,
	    ko ? "주민들은 예산을 검토했다." : "Unions went to court.");
}

/* The files, written into dir (the order they are imported in); FILES names. */
static const char **write_files(nz_arena *arena, const char *dir)
{
	const char **paths = nz_arena_zalloc(arena, FILES * sizeof(*paths));
	char *text[FILES] = {0};
	for (int i = 0; i < FILES; i++) {
		const char *slug = nz_arena_printf(arena, "story-%d", i);
		const char *of = NULL;
		if (i == 7)
			slug = "story-2"; /* taken: made unique */
		if (i == 9)
			of = "story-8"; /* in the same batch */
		if (i == 11)
			of = "story-14"; /* comes later: stays a note */
		text[i] = file_text(arena, i, slug, of);
		paths[i] = nz_arena_printf(arena, "%s/%02d.md", dir, i);
	}
	text[5] = text[1];   /* the same bytes twice: unchanged */
	text[12] = text[10]; /* the same bytes twice in one batch */
	text[6] = "";        /* refused: empty */
	for (int i = 0; i < FILES; i++) {
		if (i == 15)
			continue; /* missing */
		FILE *fp = fopen(paths[i], "wb");
		assert_non_null(fp);
		fputs(text[i], fp);
		fclose(fp);
	}
	return paths;
}

/* Every outcome reported, one line each, in order. */
static void report(void *ctx, nz_arena *arena, const char *name, nz_rc rc, const nz_app_imported *r,
		   const nz_err *err)
{
	(void)arena;
	nz_buf *out = ctx;
	nz_buf_printf(out, "%s rc=%d outcome=%d id=%lld err=%s\n", strrchr(name, '/') + 1, (int)rc,
		      (int)r->outcome, (long long)r->article_id,
		      r->outcome == NZ_APP_REFUSED ? err->msg : "");
}

/* Imports paths into f's store in batches of four, reading ahead or not; the report. */
static char *import_all(fixture *f, const char **paths, bool read_ahead)
{
	nz_import_opts opts = {.now = 1780000000, .publish = true};
	nz_buf out = {0};
	nz_app_batch *b = NULL;
	assert_int_equal(nz_app_batch_new(f->store, 4, &opts, report, &out, &b), NZ_OK);
	if (read_ahead)
		nz_app_batch_read_ahead(b, paths, FILES);
	for (int i = 0; i < FILES; i++)
		assert_int_equal(nz_app_batch_file(b, paths[i]), NZ_OK);
	assert_int_equal(nz_app_batch_flush(b), NZ_OK);
	nz_app_batch_free(b);
	assert_int_equal(nz_buf_rc(&out), NZ_OK);
	return out.p;
}

/* What a SQLite store holds that an import writes, times left out (they are the clock's), as
 * text. */
static char *stored(fixture *f)
{
	static const char *const queries[] = {
	    "SELECT id, slug, status, revision, translation_group, section_id, headline, language"
	    " FROM articles ORDER BY id",
	    "SELECT article_id, revision, note, length(snapshot) FROM revisions ORDER BY rowid",
	    "SELECT article_id, filename, sha256 FROM import_sources ORDER BY rowid",
	    "SELECT * FROM import_notes ORDER BY rowid",
	    "SELECT article_id, tag_id, position FROM article_tags ORDER BY rowid",
	    "SELECT article_id, author_id, position FROM article_authors ORDER BY rowid",
	    "SELECT article_id, media_id, position FROM article_media ORDER BY rowid",
	    "SELECT id, slug, name FROM tags ORDER BY id",
	    "SELECT id, caption FROM media ORDER BY id",
	    "SELECT seq, key FROM changes ORDER BY seq",
	    "SELECT t.doc, t.term, t.col, t.offset FROM temp.import_terms t ORDER BY 1, 2, 3, 4",
	};
	sqlite3 *db = nz__sq(f->store)->db; /* the store's own: it knows the tokenizer */
	nz_buf out = {0};
	assert_int_equal(sqlite3_exec(db,
				      "CREATE VIRTUAL TABLE IF NOT EXISTS temp.import_terms"
				      " USING fts5vocab(main, articles_fts, 'instance')",
				      NULL, NULL, NULL),
			 SQLITE_OK);
	for (size_t q = 0; q < sizeof(queries) / sizeof(queries[0]); q++) {
		sqlite3_stmt *st = NULL;
		size_t rows = 0;
		if (sqlite3_prepare_v2(db, queries[q], -1, &st, NULL) != SQLITE_OK)
			fail_msg("%s: %s", queries[q], sqlite3_errmsg(db));
		nz_buf_printf(&out, "-- %s\n", queries[q]);
		while (sqlite3_step(st) == SQLITE_ROW) {
			for (int c = 0; c < sqlite3_column_count(st); c++) {
				const unsigned char *v = sqlite3_column_text(st, c);
				nz_buf_printf(&out, "%s|", v ? (const char *)v : "NULL");
			}
			nz_buf_printf(&out, "\n");
			rows++;
		}
		sqlite3_finalize(st);
		if (rows == 0) /* a comparison of nothing proves nothing */
			fail_msg("no rows: %s", queries[q]);
	}
	assert_int_equal(nz_buf_rc(&out), NZ_OK);
	return out.p;
}

static void test_read_ahead_stores_what_loading_inline_stores(void **state)
{
	fixture *inline_f = *state, *ahead_f = NULL;
	assert_int_equal(fixture_setup((void **)&ahead_f), 0);
	const char **paths = write_files(inline_f->arena, inline_f->dir);

	char *inline_report = import_all(inline_f, paths, false);
	char *ahead_report = import_all(ahead_f, paths, true);
	assert_string_equal(ahead_report, inline_report);
	/* what the files were made to show */
	assert_non_null(strstr(inline_report, "05.md rc=0 outcome=1 id=2 "));
	assert_non_null(strstr(inline_report, "12.md rc=0 outcome=1 id=9 "));
	assert_non_null(strstr(inline_report, "06.md rc=0 outcome=2 id=0 err=empty file"));
	assert_non_null(strstr(inline_report, "15.md rc=0 outcome=2 id=0 err=no such file"));

	char *inline_rows = stored(inline_f), *ahead_rows = stored(ahead_f);
	assert_string_equal(ahead_rows, inline_rows);
	assert_non_null(strstr(inline_rows, "|story-2-2|"));
	assert_non_null(strstr(inline_rows, "translation_of: story-14"));

	for (int i = 0; i < FILES; i++)
		unlink(paths[i]);
	free(inline_report);
	free(ahead_report);
	free(inline_rows);
	free(ahead_rows);
	fixture_teardown((void **)&ahead_f);
}

/* Files named out of the read-ahead's order are loaded when added, and those read ahead and
 * never added are freed with the batch. */
static void test_read_ahead_out_of_order(void **state)
{
	fixture *f = *state;
	const char **paths = write_files(f->arena, f->dir);
	nz_import_opts opts = {.now = 1780000000, .publish = true};
	nz_buf out = {0};
	nz_app_batch *b = NULL;
	assert_int_equal(nz_app_batch_new(f->store, 4, &opts, report, &out, &b), NZ_OK);
	nz_app_batch_read_ahead(b, paths, FILES);
	assert_int_equal(nz_app_batch_file(b, paths[2]), NZ_OK); /* not the next: inline */
	assert_int_equal(nz_app_batch_file(b, paths[0]), NZ_OK); /* the next: read ahead */
	assert_int_equal(nz_app_batch_flush(b), NZ_OK);
	nz_app_batch_free(b);
	assert_string_equal(out.p, "02.md rc=0 outcome=0 id=1 err=\n"
				   "00.md rc=0 outcome=0 id=2 err=\n");
	for (int i = 0; i < FILES; i++)
		unlink(paths[i]);
	nz_buf_free(&out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_read_ahead_stores_what_loading_inline_stores,
					    fixture_setup, fixture_teardown),
	    cmocka_unit_test_setup_teardown(test_read_ahead_out_of_order, fixture_setup,
					    fixture_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
