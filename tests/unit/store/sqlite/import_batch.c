/* Guards SQLite's batch import (store/sqlite/articles_history.c): its search indexes (articles
 * and the media library), fed once a batch in one statement (the insert triggers defer while
 * the batch runs), hold exactly what articles created one at a time put there (every term of every
 * article, in its column and at its place), a refused file in the middle of a batch included, whose
 * new tag the next file has again (the batch remembers the tags it ensured, and forgets them at a
 * rollback); and the work of importing a batch (SQLite's virtual-machine steps, which do not depend
 * on the machine's speed or load) stays the same when the site is five times as large, so a
 * per-article cost that grows with the site (a trigger or plan that scans the articles) fails here
 * rather than in a benchmark.
 *
 * The steps are summed over every statement that finishes during the call, from SQLite's
 * profile trace (sqlite3_trace_v2), as in plans.c. */
#include "store/sqlite/sqlite_int.h"
#include "store/sqlite/vm_steps.h"
#include "store/store_test.h"

#define BATCH 40

/* Article i: its own words, a section, two tags, a highlight, Korean every fifth. */
static nz_article *article(nz_arena *arena, int i)
{
	nz_article *a =
	    sample_article(arena, nz_arena_printf(arena, "story-%d", i),
			   nz_arena_printf(arena, "Frigate %d sails from port %d", i, i % 7));
	a->body_markdown = nz_arena_printf(arena,
					   "The ministry's reactor %d was reviewed; unions went "
					   "to court %d times.\n\n국방부 %d 발표.",
					   i, i % 11, i);
	if (i % 5 == 0)
		a->language = "ko";
	/* articles 2k-1 and 2k share a tag of their own: the first of them creates it */
	a->tags[1] = (nz_tag){.slug = nz_arena_printf(arena, "tag-%d", (i + 1) / 2)};
	/* two in three have a photo with a caption of their own (the media library's index) */
	if (i % 3 != 2)
		a->media[0].caption = nz_arena_printf(arena, "Sailors of frigate %d in port", i);
	else
		a->n_media = 0;
	return a;
}

/* Articles from..to-1 as one batch; item `refused` (if in range) has the bytes of the first, so
 * the store refuses it after its article and its new tag were written (rolled back). */
static void import_batch(fixture *f, nz_store *s, int from, int to, int refused)
{
	size_t n = (size_t)(to - from);
	nz_store_import_item *items = nz_arena_zalloc(f->arena, n * sizeof(*items));
	for (int i = from; i < to; i++) {
		nz_article *a = article(f->arena, i);
		const char *bytes = nz_arena_printf(f->arena, "file %d", i == refused ? from : i);
		items[i - from] =
		    (nz_store_import_item){.article = a,
					   .note = "imported",
					   .filename = nz_arena_printf(f->arena, "%d.md", i),
					   .bytes = bytes,
					   .len = strlen(bytes)};
	}
	if (nz_store_import_batch(s, f->arena, items, n, &f->err) != NZ_OK)
		fail_msg("import: %s", f->err.msg);
	for (int i = from; i < to; i++)
		if ((items[i - from].rc == NZ_OK) != (i != refused))
			fail_msg("item %d: %s", i, items[i - from].err.msg);
}

/* Every term the search indexes hold, by article slug (or photo caption), column and place, one
 * line each. */
static char *index_terms(fixture *f, nz_store *s)
{
	sqlite3_stmt *st = NULL;
	sqlite3 *db = nz__sq(s)->db;
	size_t len = 0, cap = 1 << 16;
	char *out = malloc(cap);
	assert_non_null(out);
	out[0] = '\0';
	assert_int_equal(sqlite3_exec(db,
				      "CREATE VIRTUAL TABLE IF NOT EXISTS temp.media_fts_terms"
				      " USING fts5vocab(main, media_fts, 'instance')",
				      NULL, NULL, NULL),
			 SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db,
					    "SELECT a.slug, t.term, t.col, t.offset"
					    " FROM temp.articles_fts_terms t"
					    " JOIN articles a ON a.id = t.doc"
					    " UNION ALL SELECT m.caption, t.term, t.col, t.offset"
					    " FROM temp.media_fts_terms t"
					    " JOIN media m ON m.id = t.doc ORDER BY 1, 2, 3, 4",
					    -1, &st, NULL),
			 SQLITE_OK);
	while (sqlite3_step(st) == SQLITE_ROW) {
		char *line = nz_arena_printf(f->arena, "%s %s %s %d\n", sqlite3_column_text(st, 0),
					     sqlite3_column_text(st, 1), sqlite3_column_text(st, 2),
					     sqlite3_column_int(st, 3));
		size_t l = strlen(line);
		if (len + l + 1 > cap) {
			cap = 2 * (len + l + 1);
			out = realloc(out, cap);
			assert_non_null(out);
		}
		memcpy(out + len, line, l + 1);
		len += l;
	}
	sqlite3_finalize(st);
	return out;
}

static void test_batch_index_equals_one_at_a_time(void **state)
{
	fixture *f = *state;
	char path[600];
	nz_store *one = NULL;
	snprintf(path, sizeof path, "%s/one.db", f->dir);
	assert_int_equal(nz_store_open(path, NZ_STORE_CREATE, &one, &f->err), NZ_OK);
	for (int i = 0; i < 2 * BATCH; i++) {
		if (i == 7)
			continue; /* the file refused in the batch */
		nz_article *a = article(f->arena, i);
		assert_int_equal(nz_store_article_create(one, f->arena, a, "imported", &f->err),
				 NZ_OK);
	}
	/* Two batches on an index that has an article already, a refused file in the first. */
	nz_article *first = article(f->arena, 1000);
	assert_int_equal(nz_store_article_create(f->store, f->arena, first, NULL, &f->err), NZ_OK);
	assert_int_equal(
	    nz_store_article_create(one, f->arena, article(f->arena, 1000), NULL, &f->err), NZ_OK);
	import_batch(f, f->store, 0, BATCH, 7);
	import_batch(f, f->store, BATCH, 2 * BATCH, -1);

	char *want = index_terms(f, one), *got = index_terms(f, f->store);
	assert_non_null(strstr(want, "story-3 frigat headline"));
	assert_non_null(strstr(want, "story-5 국방 body"));
	assert_null(strstr(got, "story-7 "));
	assert_non_null(strstr(want, "Sailors of frigate 6 in port frigate caption"));
	assert_null(strstr(got, "frigate 7 "));
	assert_string_equal(got, want);
	/* FTS5's own check of both indexes against their rows */
	sqlite3 *db = nz__sq(f->store)->db;
	assert_int_equal(sqlite3_exec(db,
				      "INSERT INTO media_fts(media_fts) VALUES ('integrity-check');"
				      "INSERT INTO articles_fts(articles_fts)"
				      " VALUES ('integrity-check')",
				      NULL, NULL, NULL),
			 SQLITE_OK);
	/* the tag the refused file created first went with it; the next file has it again */
	assert_int_equal(db_int(f, "SELECT count(*) FROM article_tags x JOIN tags t"
				   " ON t.id = x.tag_id JOIN articles a ON a.id = x.article_id"
				   " WHERE a.slug = 'story-8' AND t.slug = 'tag-4'"),
			 1);
	free(want);
	free(got);
	nz_store_close(one);
	static const char *const suffixes[] = {"", "-wal", "-shm"};
	for (size_t i = 0; i < sizeof suffixes / sizeof suffixes[0]; i++) {
		char p[620];
		snprintf(p, sizeof p, "%s%s", path, suffixes[i]);
		unlink(p);
	}
}

static void test_batch_work_does_not_grow_with_the_site(void **state)
{
	fixture *f = *state;
	sqlite3 *db = nz__sq(f->store)->db;
	vm_steps_count(db, true);
	vm_steps = 0;
	import_batch(f, f->store, 0, BATCH, -1);
	uint64_t small = vm_steps;
	for (int b = 1; b < 5; b++)
		import_batch(f, f->store, b * BATCH, (b + 1) * BATCH, -1);
	vm_steps = 0;
	import_batch(f, f->store, 5 * BATCH, 6 * BATCH, -1);
	uint64_t big = vm_steps;
	vm_steps_count(db, false);
	/* the same batch on a site five times as large: about the same work (the indexes' extra
	 * level allows a little more); a step that scans the site per article does five times */
	print_message("a batch of %d: %llu steps on an empty site, %llu at %d articles (x%.2f)\n",
		      BATCH, (unsigned long long)small, (unsigned long long)big, 5 * BATCH,
		      (double)big / (double)small);
	if ((double)big > 1.3 * (double)small)
		fail_msg("a batch of %d: %llu steps on an empty site, %llu at %d articles", BATCH,
			 (unsigned long long)small, (unsigned long long)big, 5 * BATCH);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_batch_index_equals_one_at_a_time, fixture_setup,
					    fixture_teardown),
	    cmocka_unit_test_setup_teardown(test_batch_work_does_not_grow_with_the_site,
					    fixture_setup, fixture_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
