/* Tests src/store/sqlite/db.c: WAL mode on disk, nested transactions (savepoints inside a caller's
 * transaction), isolation from other connections, and durability across re-opening. */
#include <stdlib.h>
#include <sys/stat.h>

#include "store/store_test.h"

static nz_rc create(fixture *f, const char *slug)
{
	nz_article *a = small_article(f->arena, slug, NZ_STATUS_DRAFT, 0);
	return nz_store_article_create(f->store, f->arena, a, NULL, &f->err);
}

static bool exists(fixture *f, const char *slug)
{
	nz_article *a = NULL;
	return nz_store_article_by_slug(f->store, f->arena, slug, &a, &f->err) == NZ_OK;
}

static void test_wal_file_after_a_write(void **state)
{
	fixture *f = *state;
	char wal[sizeof f->path + 8];
	struct stat sb;
	assert_int_equal(create(f, "first"), NZ_OK);
	snprintf(wal, sizeof(wal), "%s-wal", f->path);
	assert_int_equal(stat(wal, &sb), 0);

	/* The mode is stored in the file: another connection sees WAL too. */
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_string_equal((const char *)sqlite3_column_text(st, 0), "wal");
	sqlite3_finalize(st);
	sqlite3_close(db);
}

static void test_nested_commit_and_inner_rollback(void **state)
{
	fixture *f = *state;
	assert_int_equal(nz_store_begin(f->store, &f->err), NZ_OK);
	assert_int_equal(create(f, "outer"), NZ_OK);
	assert_int_equal(nz_store_begin(f->store, &f->err), NZ_OK);
	assert_int_equal(create(f, "inner-undone"), NZ_OK);
	nz_store_rollback(f->store);
	assert_int_equal(nz_store_begin(f->store, &f->err), NZ_OK);
	assert_int_equal(create(f, "inner-kept"), NZ_OK);
	assert_int_equal(nz_store_commit(f->store, &f->err), NZ_OK);
	/* Not visible to other connections before the outer commit. */
	assert_int_equal(count_rows(f, "articles"), 0);
	assert_int_equal(nz_store_commit(f->store, &f->err), NZ_OK);

	assert_int_equal(count_rows(f, "articles"), 2);
	assert_true(exists(f, "outer"));
	assert_true(exists(f, "inner-kept"));
	assert_false(exists(f, "inner-undone"));
	assert_int_equal(nz_store_commit(f->store, &f->err), NZ_INVAL); /* nothing open */
}

static void test_outer_rollback_undoes_inner_commits(void **state)
{
	fixture *f = *state;
	assert_int_equal(nz_store_begin(f->store, &f->err), NZ_OK);
	assert_int_equal(create(f, "a"), NZ_OK);
	assert_int_equal(nz_store_begin(f->store, &f->err), NZ_OK);
	assert_int_equal(create(f, "b"), NZ_OK);
	assert_int_equal(nz_store_commit(f->store, &f->err), NZ_OK);
	nz_store_rollback(f->store);
	assert_int_equal(count_rows(f, "articles"), 0);
	assert_int_equal(count_rows(f, "sections") + count_rows(f, "revisions"), 0);
	assert_false(exists(f, "b"));
	/* The handle is usable afterwards. */
	assert_int_equal(create(f, "c"), NZ_OK);
	assert_int_equal(count_rows(f, "articles"), 1);
}

static void test_failed_write_inside_a_transaction_undoes_only_itself(void **state)
{
	fixture *f = *state;
	assert_int_equal(nz_store_begin(f->store, &f->err), NZ_OK);
	assert_int_equal(create(f, "before"), NZ_OK);
	nz_article *bad = sample_article(f->arena, "bad", "Bad");
	bad->media[0].height = -5;
	assert_int_not_equal(nz_store_article_create(f->store, f->arena, bad, NULL, &f->err),
			     NZ_OK);
	assert_int_equal(create(f, "after"), NZ_OK);
	assert_int_equal(nz_store_commit(f->store, &f->err), NZ_OK);

	assert_int_equal(count_rows(f, "articles"), 2);
	assert_int_equal(count_rows(f, "media"), 0);
	assert_int_equal(count_rows(f, "authors"), 0);
	assert_int_equal(count_rows(f, "revisions"), 2);
}

static void test_committed_writes_survive_reopening(void **state)
{
	fixture *f = *state;
	assert_int_equal(create(f, "durable"), NZ_OK);
	nz_store_close(f->store);
	f->store = NULL;
	assert_int_equal(nz_store_open(f->path, 0, &f->store, &f->err), NZ_OK);
	assert_true(exists(f, "durable"));
}

static void test_close_with_open_transaction_discards_it(void **state)
{
	fixture *f = *state;
	assert_int_equal(nz_store_begin(f->store, &f->err), NZ_OK);
	assert_int_equal(create(f, "never-committed"), NZ_OK);
	nz_store_close(f->store);
	f->store = NULL;
	assert_int_equal(count_rows(f, "articles"), 0);
}

static off_t wal_size(const fixture *f)
{
	char wal[sizeof f->path + 8];
	struct stat sb;
	snprintf(wal, sizeof(wal), "%s-wal", f->path);
	return stat(wal, &sb) == 0 ? sb.st_size : 0;
}

/* While a reader holds an old snapshot, checkpoints cannot pass it and the WAL grows; once it
 * is gone, the next commit empties the WAL instead of leaving the file at its largest. */
static void test_wal_is_truncated_once_readers_let_go(void **state)
{
	fixture *f = *state;
	assert_int_equal(create(f, "before"), NZ_OK);
	sqlite3 *reader = NULL;
	assert_int_equal(sqlite3_open(f->path, &reader), SQLITE_OK);
	assert_int_equal(
	    sqlite3_exec(reader, "BEGIN; SELECT count(*) FROM settings", NULL, NULL, NULL),
	    SQLITE_OK);
	size_t len = 1000 * 1000;
	char *body = malloc(len + 1);
	assert_non_null(body);
	for (size_t i = 0; i < len; i++)
		body[i] = (char)('a' + (i * 7) % 26);
	body[len] = '\0';
	for (int i = 0; i < 24; i++) {
		char slug[32];
		snprintf(slug, sizeof slug, "big-%d", i);
		nz_article *a =
		    small_article(f->arena, nz_arena_strdup(f->arena, slug), NZ_STATUS_DRAFT, 0);
		a->body_markdown = body;
		assert_int_equal(nz_store_article_create(f->store, f->arena, a, NULL, &f->err),
				 NZ_OK);
	}
	off_t grown = wal_size(f);
	assert_true(grown > 64 * 1024 * 1024 / 2); /* the reader kept the frames */
	assert_int_equal(sqlite3_exec(reader, "COMMIT", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(reader);
	assert_int_equal(create(f, "after"), NZ_OK);
	off_t now = wal_size(f);
	if (now > 4 * 1024 * 1024)
		fail_msg("the WAL is %lld bytes after the reader left (was %lld)", (long long)now,
			 (long long)grown);
	free(body);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, fixture_setup, fixture_teardown)
	const struct CMUnitTest tests[] = {
	    T(test_wal_file_after_a_write),
	    T(test_nested_commit_and_inner_rollback),
	    T(test_outer_rollback_undoes_inner_commits),
	    T(test_failed_write_inside_a_transaction_undoes_only_itself),
	    T(test_committed_writes_survive_reopening),
	    T(test_close_with_open_transaction_discards_it),
	    T(test_wal_is_truncated_once_readers_let_go),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
