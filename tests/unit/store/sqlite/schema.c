/* Tests src/store/sqlite/schema.c: creating and migrating a database, re-opening it, and refusing
 * files that are missing, newer than this binary, or not Newszone databases. */
#include <sys/stat.h>

#include "store/sqlite/sqlite_int.h"
#include "store/store_test.h"

static void test_create_then_reopen_is_a_no_op(void **state)
{
	fixture *f = *state;
	int latest = nz_store_schema_version(f->store);
	assert_true(latest >= 1);
	assert_int_equal(count_rows(f, "schema_version"), latest);
	int64_t applied = db_int(f, "SELECT applied_at FROM schema_version WHERE version = 1");
	assert_true(applied > 0);
	nz_store_close(f->store);
	f->store = NULL;

	for (int i = 0; i < 2; i++) {
		assert_int_equal(nz_store_open(f->path, 0, &f->store, &f->err), NZ_OK);
		assert_int_equal(nz_store_schema_version(f->store), latest);
		nz_store_close(f->store);
		f->store = NULL;
	}
	assert_int_equal(count_rows(f, "schema_version"), latest);
	assert_int_equal(db_int(f, "SELECT applied_at FROM schema_version WHERE version = 1"),
			 applied);
	assert_int_equal(nz_store_open(f->path, NZ_STORE_CREATE, &f->store, &f->err), NZ_OK);
}

static void test_schema_has_the_data_model(void **state)
{
	fixture *f = *state;
	static const char *const names[] = {
	    "sections",       "authors",         "users",     "sessions",       "api_tokens",
	    "articles",       "article_authors", "tags",      "article_tags",   "media",
	    "article_media",  "blobs",           "revisions", "corrections",    "audit_log",
	    "import_sources", "import_notes",    "settings",  "slug_redirects",
	};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		char sql[160];
		snprintf(sql, sizeof(sql),
			 "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = '%s'",
			 names[i]);
		if (db_int(f, sql) != 1)
			fail_msg("table %s is missing", names[i]);
	}
	/* Constraints that keep the data honest. */
	assert_int_not_equal(db_exec(f, "INSERT INTO users(login, password_hash, role, created_at) "
					"VALUES ('x', 'h', 'boss', 0)"),
			     SQLITE_OK);
	assert_int_equal(db_exec(f, "INSERT INTO users(login, password_hash, role, created_at) "
				    "VALUES ('x', 'h', 'editor', 0)"),
			 SQLITE_OK);
	assert_int_not_equal(db_exec(f, "INSERT INTO articles(uuid, slug, language, status, "
					"headline, updated_at, created_at) VALUES "
					"('u', 's', 'en', 'gone', 'h', 0, 0)"),
			     SQLITE_OK);
}

static void test_revisions_are_never_deleted(void **state)
{
	fixture *f = *state;
	nz_article *a = small_article(f->arena, "kept", NZ_STATUS_DRAFT, 0);
	assert_int_equal(nz_store_article_create(f->store, f->arena, a, NULL, &f->err), NZ_OK);
	assert_int_not_equal(db_exec(f, "DELETE FROM revisions"), SQLITE_OK);
	assert_int_not_equal(db_exec(f, "UPDATE revisions SET note = 'x'"), SQLITE_OK);
	assert_int_equal(count_rows(f, "revisions"), 1);
}

static void test_missing_database_needs_create(void **state)
{
	fixture *f = *state;
	char path[160];
	struct stat sb;
	nz_store *s = (nz_store *)1;
	snprintf(path, sizeof(path), "%s/missing.db", f->dir);
	assert_int_equal(nz_store_open(path, 0, &s, &f->err), NZ_NOTFOUND);
	assert_null(s);
	assert_non_null(strstr(f->err.msg, "missing.db"));
	assert_int_not_equal(stat(path, &sb), 0); /* nothing was created */
}

static void test_newer_database_is_refused(void **state)
{
	fixture *f = *state;
	nz_store_close(f->store);
	f->store = NULL;
	assert_int_equal(db_exec(f, "INSERT INTO schema_version VALUES (99, 0)"), SQLITE_OK);
	assert_int_equal(nz_store_open(f->path, 0, &f->store, &f->err), NZ_UNSUPPORTED);
	assert_null(f->store);
	assert_non_null(strstr(f->err.msg, "newer"));
	assert_non_null(strstr(f->err.msg, "99"));
}

static void test_other_files_are_refused(void **state)
{
	fixture *f = *state;
	char path[160];
	nz_store *s = NULL;

	/* A SQLite database of some other program: left alone. */
	snprintf(path, sizeof(path), "%s/other.db", f->dir);
	sqlite3 *db = NULL;
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "CREATE TABLE foo(x)", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	assert_int_equal(nz_store_open(path, NZ_STORE_CREATE, &s, &f->err), NZ_INVAL);
	assert_non_null(strstr(f->err.msg, "not a Newszone database"));
	unlink(path);

	/* Not a database at all. */
	snprintf(path, sizeof(path), "%s/notes.txt", f->dir);
	FILE *fp = fopen(path, "w");
	assert_non_null(fp);
	for (int i = 0; i < 100; i++)
		fputs("this is not a database file\n", fp);
	fclose(fp);
	assert_int_not_equal(nz_store_open(path, 0, &s, &f->err), NZ_OK);
	assert_null(s);
	assert_non_null(strstr(f->err.msg, "notes.txt"));
	unlink(path);
}

/* Tag and author slugs stored before every way in checked them ("../x", "a/b") are made real
 * slugs by the migration that brought the check; good slugs and every name stay. */
static void test_bad_slugs_are_repaired_on_open(void **state)
{
	fixture *f = *state;
	int latest = nz_store_schema_version(f->store);
	nz_store_close(f->store);
	f->store = NULL;
	assert_int_equal(db_exec(f, "INSERT INTO tags(id, slug, name) VALUES"
				    " (1, '../../../pwned-tag', 'Pwned'), (2, 'a/b', 'AB'),"
				    " (3, 'tag-2', 'Taken'), (4, '국방', 'Defense'),"
				    " (5, '<b>x</b>', 'X');"
				    "INSERT INTO authors(id, slug, display_name) VALUES"
				    " (1, '..', 'Dots'), (2, 'kim-min-ji', 'Kim Min-ji');"),
			 SQLITE_OK);
	/* Back to the version before the repair (migration 9), as a database of that release is:
	 * the later migrations are undone too (10: the static pages' tables; 11 only repairs rows;
	 * 12: live coverage's tables, 13: the front layouts' and page views' tables, 14: the
	 * authors' and tags' profiles, 15 and 16 add columns, 17: password-reset links, 18: the
	 * sessions' last use and device, presence, and the sections' trigger that reads names, 19:
	 * the static pages' import records, 20: reader counts, 21: the
	 * photos' revisions, 22: the related articles' table and its triggers, 23: the photos'
	 * uploader and its index, 24: the live updates' kinds, gone with
	 * their table, 25: the search index's staleness mark, 26: an index of live updates, gone
	 * with their table, 27: the static pages' versions, gone with their tables, 28: the
	 * articles' listed_at, its indexes and triggers, 31: the media index's batch note, and
	 * the media triggers made again). */
	assert_true(latest >= 16);
	assert_int_equal(db_exec(f, "DELETE FROM schema_version WHERE version >= 9;"
				    "DROP TABLE page_imports;"
				    "DROP TABLE page_revisions; DROP TABLE pages;"
				    "DROP TABLE live_updates; DROP TABLE live_coverage;"
				    "DROP TABLE front_layouts; DROP TABLE article_views;"
				    "DROP TABLE author_profiles; DROP TABLE tag_profiles;"
				    "DROP TABLE password_resets; DROP TABLE presence;"
				    "DROP TABLE reader_counts; DROP TABLE media_revisions;"
				    "DROP TABLE media_fts; DROP TABLE media_fts_deferred;"
				    "DROP TRIGGER media_fts_insert;"
				    "DROP TRIGGER media_fts_update; DROP TRIGGER media_fts_delete;"
				    "DROP TRIGGER related_changes_update;"
				    "DROP TRIGGER related_changes_delete; DROP TABLE related;"
				    "DROP TABLE search_stale;"
				    "DROP TRIGGER articles_listed_insert;"
				    "DROP TRIGGER articles_listed_update;"),
			 SQLITE_OK);
	nz__sqlite h = {0}; /* with the tokenizer, which the full-text triggers need */
	nz_err err = {0};
	assert_int_equal(sqlite3_open(f->path, &h.db), SQLITE_OK);
	assert_int_equal(nz__sq_search_register(&h, &err), NZ_OK);
	assert_int_equal(sqlite3_exec(h.db,
				      "ALTER TABLE api_tokens DROP COLUMN expires_at;"
				      "DROP TRIGGER sections_changes_update;" /* migration 18 */
				      "ALTER TABLE sessions DROP COLUMN last_seen_at;"
				      "ALTER TABLE sessions DROP COLUMN device;"
				      "ALTER TABLE sections DROP COLUMN names;" /* migration 15 */
				      "DROP INDEX articles_listed;"             /* migration 25 */
				      "DROP INDEX articles_section_listed;"
				      "DROP INDEX articles_language_listed;"
				      "DROP INDEX articles_search_filter;"
				      "CREATE INDEX articles_search_filter ON articles(id, status,"
				      " published_at, embargo_until, language, section_id);"
				      "ALTER TABLE articles DROP COLUMN listed_at;"
				      "DROP INDEX media_uploader;" /* migration 23 */
				      "ALTER TABLE media DROP COLUMN uploaded_by;"
				      "ALTER TABLE media DROP COLUMN focal_x;" /* migration 16 */
				      "ALTER TABLE media DROP COLUMN focal_y;"
				      "ALTER TABLE media DROP COLUMN filename;",
				      NULL, NULL, NULL),
			 SQLITE_OK);
	sqlite3_close(h.db);
	assert_int_equal(nz_store_open(f->path, 0, &f->store, &f->err), NZ_OK);

	assert_int_equal(db_int(f, "SELECT count(*) FROM tags WHERE id = 1 AND slug = 'tag-1'"
				   " AND name = 'Pwned'"),
			 1);
	assert_int_equal(db_int(f, "SELECT count(*) FROM tags WHERE id = 2 AND slug GLOB"
				   " 'tag-2-[0-9a-f]*' AND length(slug) = 14"),
			 1); /* tag-2 was taken */
	assert_int_equal(db_int(f, "SELECT count(*) FROM tags WHERE id = 3 AND slug = 'tag-2'"), 1);
	assert_int_equal(db_int(f, "SELECT count(*) FROM tags WHERE id = 4 AND slug = '국방'"), 1);
	assert_int_equal(db_int(f, "SELECT count(*) FROM tags WHERE id = 5 AND slug = 'tag-5'"), 1);
	assert_int_equal(db_int(f, "SELECT count(*) FROM authors WHERE id = 1 AND slug = 'author-1'"
				   " AND display_name = 'Dots'"),
			 1);
	assert_int_equal(db_int(f, "SELECT count(*) FROM authors WHERE slug = 'kim-min-ji'"), 1);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, fixture_setup, fixture_teardown)
	const struct CMUnitTest tests[] = {
	    T(test_create_then_reopen_is_a_no_op),  T(test_schema_has_the_data_model),
	    T(test_revisions_are_never_deleted),    T(test_missing_database_needs_create),
	    T(test_newer_database_is_refused),      T(test_other_files_are_refused),
	    T(test_bad_slugs_are_repaired_on_open),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
