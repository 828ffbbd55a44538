/*
 * Tests for store/sqlite/outbox_changes.c, store/outbox.c and migration 5's triggers: each kind of
 * write adds exactly the cache keys of the pages it changes (both sections when an article
 * moves, nothing for a draft, nothing for an upsert that changes nothing), the feed is read in
 * seq order without losses, a passing embargo is turned into a change by the tick, and pruning
 * keeps the newest row and reports a gap as "settings".
 */
#include "store/store_test.h"

/* The keys after seq *from, as one sorted space-separated string; advances *from. */
static const char *keys_since(fixture *f, int64_t *from)
{
	int64_t upto = -1;
	const char **keys = NULL;
	size_t n = 0;
	assert_int_equal(
	    nz_store_changes_since(f->store, f->arena, *from, &upto, &keys, &n, &f->err), NZ_OK);
	assert_true(upto >= *from);
	*from = upto;
	for (size_t i = 1; i < n; i++) /* insertion sort: a handful of keys */
		for (size_t j = i; j > 0 && strcmp(keys[j - 1], keys[j]) > 0; j--) {
			const char *t = keys[j];
			keys[j] = keys[j - 1];
			keys[j - 1] = t;
		}
	nz_buf b;
	nz_buf_init(&b, 0);
	for (size_t i = 0; i < n; i++) {
		if (i)
			nz_buf_putc(&b, ' ');
		nz_buf_puts(&b, keys[i]);
	}
	const char *out = nz_arena_strdup(f->arena, b.p ? b.p : "");
	nz_buf_free(&b);
	return out;
}

static int64_t seq_now(fixture *f)
{
	int64_t seq = -1;
	assert_int_equal(nz_store_change_seq(f->store, &seq, &f->err), NZ_OK);
	return seq;
}

static int64_t create(fixture *f, nz_article *a)
{
	assert_int_equal(nz_store_article_create(f->store, f->arena, a, NULL, &f->err), NZ_OK);
	return a->id;
}

static void sql(fixture *f, const char *fmt, ...)
{
	char q[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(q, sizeof q, fmt, ap);
	va_end(ap);
	assert_int_equal(db_exec(f, q), SQLITE_OK);
}

static void test_publish_names_every_dependent_key(void **state)
{
	fixture *f = *state;
	int64_t from = seq_now(f);
	assert_int_equal(from, 0);
	int64_t id = create(f, sample_article(f->arena, "navies", "Navies train"));
	const char *k = keys_since(f, &from);
	char want[256];
	/* sections 1, tags 1-2, authors 1-2 are the first of each in a fresh file */
	snprintf(want, sizeof want,
		 "article-%lld author-1 author-2 front section-1 site tag-1 tag-2", (long long)id);
	assert_string_equal(k, want);
	assert_true(from > 0);
	assert_string_equal(keys_since(f, &from), ""); /* nothing new */
}

static void test_drafts_change_nothing_public(void **state)
{
	fixture *f = *state;
	create(f, sample_article(f->arena, "first", "First")); /* the section exists now */
	int64_t from = seq_now(f);
	nz_article *d = sample_article(f->arena, "draft", "Draft");
	d->status = NZ_STATUS_DRAFT;
	int64_t id = create(f, d);
	sql(f, "UPDATE articles SET dateline = 'Seoul' WHERE id = %lld", (long long)id);
	assert_string_equal(keys_since(f, &from), "");
	assert_int_equal(seq_now(f), from);
}

static void test_moving_an_article_names_both_sections(void **state)
{
	fixture *f = *state;
	nz_article *b = small_article(f->arena, "other", NZ_STATUS_DRAFT, 0);
	b->section = &(nz_section){.slug = "sports", .name = "Sports"};
	create(f, b);
	nz_article *a = small_article(f->arena, "mover", NZ_STATUS_PUBLISHED, 1780000000);
	a->section = &(nz_section){.slug = "defense", .name = "Defense"};
	int64_t id = create(f, a);
	int64_t from = seq_now(f);
	sql(f,
	    "UPDATE articles SET section_id = (SELECT id FROM sections WHERE slug = 'sports')"
	    " WHERE id = %lld",
	    (long long)id);
	char want[128];
	snprintf(want, sizeof want, "article-%lld front section-1 section-2", (long long)id);
	assert_string_equal(keys_since(f, &from), want);
}

static void test_child_rows_and_names(void **state)
{
	fixture *f = *state;
	int64_t id = create(f, sample_article(f->arena, "navies", "Navies train"));
	int64_t from = seq_now(f);
	char art[32];
	snprintf(art, sizeof art, "article-%lld", (long long)id);
	char want[128];

	sql(f, "DELETE FROM article_tags WHERE article_id = %lld AND tag_id = 2", (long long)id);
	snprintf(want, sizeof want, "%s tag-2", art);
	assert_string_equal(keys_since(f, &from), want);

	sql(f, "INSERT INTO corrections(article_id, text, created_at) VALUES (%lld, 'Fixed.', 1)",
	    (long long)id);
	snprintf(want, sizeof want, "%s corrections", art);
	assert_string_equal(keys_since(f, &from), want);

	sql(f, "UPDATE authors SET display_name = 'Jane Q. Doe' WHERE id = 2");
	snprintf(want, sizeof want, "%s author-2", art);
	assert_string_equal(keys_since(f, &from), want);

	sql(f, "UPDATE tags SET name = 'Navies' WHERE id = 1");
	snprintf(want, sizeof want, "%s tag-1", art);
	assert_string_equal(keys_since(f, &from), want);

	sql(f, "UPDATE media SET caption = 'New caption'");
	assert_string_equal(keys_since(f, &from), art);

	/* Upserts from imports that change nothing add nothing. */
	sql(f, "UPDATE sections SET slug = slug; UPDATE tags SET slug = slug;"
	       " UPDATE authors SET bio = bio; INSERT INTO settings(key, value)"
	       " VALUES ('site_name', 'X') ON CONFLICT(key) DO UPDATE SET value = excluded.value");
	assert_string_equal(keys_since(f, &from), "settings");
	sql(f, "INSERT INTO settings(key, value) VALUES ('site_name', 'X')"
	       " ON CONFLICT(key) DO UPDATE SET value = excluded.value");
	assert_string_equal(keys_since(f, &from), "");

	sql(f, "UPDATE sections SET name = 'Defence' WHERE id = 1");
	assert_string_equal(keys_since(f, &from), "section-1 site");
}

static void test_translations_name_each_other(void **state)
{
	fixture *f = *state;
	int64_t en = create(f, small_article(f->arena, "en", NZ_STATUS_PUBLISHED, 1780000000));
	nz_article *k = small_article(f->arena, "ko", NZ_STATUS_DRAFT, 0);
	k->language = "ko";
	int64_t ko = create(f, k);
	sql(f, "UPDATE articles SET translation_group = %lld WHERE id = %lld", (long long)en,
	    (long long)ko);
	int64_t from = seq_now(f);
	sql(f,
	    "UPDATE articles SET status = 'published', published_at = 1780000001 WHERE id = %lld",
	    (long long)ko);
	char want[128];
	snprintf(want, sizeof want, "article-%lld article-%lld front", (long long)en,
		 (long long)ko);
	assert_string_equal(keys_since(f, &from), want);
}

static void test_tick_turns_a_passing_embargo_into_a_change(void **state)
{
	fixture *f = *state;
	nz_time now = nz_time_now();
	nz_article *a = small_article(f->arena, "embargoed", NZ_STATUS_PUBLISHED, now - 10);
	a->embargo_until = now + 5;
	a->updated_at = now - 10;
	int64_t id = create(f, a);
	nz_article *b = small_article(f->arena, "dated", NZ_STATUS_PUBLISHED, now + 7);
	b->updated_at = now - 10;
	int64_t dated = create(f, b);
	create(f, small_article(f->arena, "plain", NZ_STATUS_PUBLISHED, now - 10));
	int64_t from = seq_now(f);
	size_t n = 99;
	assert_int_equal(nz_store_change_tick(f->store, now, &n, &f->err), NZ_OK);
	assert_int_equal(n, 0);
	assert_int_equal(seq_now(f), from); /* nothing due: nothing written */
	assert_int_equal(nz_store_change_tick(f->store, now + 5, &n, &f->err), NZ_OK);
	assert_int_equal(n, 1);
	char want[64];
	snprintf(want, sizeof want, "article-%lld front", (long long)id);
	assert_string_equal(keys_since(f, &from), want);
	assert_int_equal(nz_store_change_tick(f->store, now + 6, &n, &f->err), NZ_OK);
	assert_int_equal(n, 0); /* told once */
	assert_int_equal(nz_store_change_tick(f->store, now + 8, &n, &f->err), NZ_OK);
	assert_int_equal(n, 1);
	snprintf(want, sizeof want, "article-%lld front", (long long)dated);
	assert_string_equal(keys_since(f, &from), want);
}

static void test_next_due_is_the_next_embargo_or_scheduled_publish(void **state)
{
	fixture *f = *state;
	nz_time now = nz_time_now(), at = 0;
	assert_int_equal(nz_store_change_next_due(f->store, &at, &f->err), NZ_NOTFOUND);
	nz_article *a = small_article(f->arena, "embargoed", NZ_STATUS_PUBLISHED, now - 10);
	a->embargo_until = now + 50;
	a->updated_at = now - 10;
	create(f, a);
	assert_int_equal(nz_store_change_next_due(f->store, &at, &f->err), NZ_OK);
	assert_int_equal(at, now + 50);
	nz_article *s = small_article(f->arena, "scheduled", NZ_STATUS_SCHEDULED, 0);
	s->publish_at = now + 20;
	create(f, s);
	assert_int_equal(nz_store_change_next_due(f->store, &at, &f->err), NZ_OK);
	assert_int_equal(at, now + 20);
	/* The scheduler publishes it (published_at is then the time of that write). */
	sql(f,
	    "UPDATE articles SET status = 'published', published_at = %lld, updated_at = %lld,"
	    " publish_at = NULL WHERE slug = 'scheduled'",
	    (long long)now, (long long)now);
	assert_int_equal(nz_store_change_next_due(f->store, &at, &f->err), NZ_OK);
	assert_int_equal(at, now + 50);
	/* Once a tick has told it, it is no longer due. */
	assert_int_equal(nz_store_change_tick(f->store, now + 50, NULL, &f->err), NZ_OK);
	assert_int_equal(nz_store_change_next_due(f->store, &at, &f->err), NZ_NOTFOUND);
}

static void test_prune_keeps_the_newest_and_reports_a_gap(void **state)
{
	fixture *f = *state;
	create(f, small_article(f->arena, "a", NZ_STATUS_PUBLISHED, 1780000000));
	int64_t old = seq_now(f);
	/* Age every row, then write one more. */
	sql(f, "UPDATE changes SET at = at - 30 * 86400");
	create(f, small_article(f->arena, "b", NZ_STATUS_PUBLISHED, 1780000000));
	int64_t newest = seq_now(f);
	size_t n = 0;
	assert_int_equal(nz_store_changes_prune(f->store, nz_time_now(), &n, &f->err), NZ_OK);
	assert_int_equal(n, (size_t)old);
	assert_int_equal(seq_now(f), newest);
	int64_t from = old; /* saw everything pruned: no gap */
	const char *k = keys_since(f, &from);
	assert_null(strstr(k, "settings"));
	from = 0; /* missed pruned rows: everything */
	assert_non_null(strstr(keys_since(f, &from), "settings"));
	assert_int_equal(from, newest);

	/* Everything old: the newest row stays, so seq never goes back. */
	sql(f, "UPDATE changes SET at = at - 30 * 86400");
	assert_int_equal(nz_store_changes_prune(f->store, nz_time_now(), &n, &f->err), NZ_OK);
	assert_int_equal(count_rows(f, "changes"), 1);
	assert_int_equal(seq_now(f), newest);
	int64_t upto = 0;
	const char **keys = NULL;
	size_t nk = 0;
	assert_int_equal(nz_store_changes_since(f->store, f->arena, -1, &upto, &keys, &nk, &f->err),
			 NZ_INVAL);
}

static void test_rolled_back_writes_leave_no_changes(void **state)
{
	fixture *f = *state;
	int64_t id = create(f, small_article(f->arena, "a", NZ_STATUS_PUBLISHED, 1780000000));
	int64_t from = seq_now(f);
	assert_int_equal(db_exec(f, "BEGIN; UPDATE articles SET dateline = 'x'; ROLLBACK"),
			 SQLITE_OK);
	assert_int_equal(nz_store_begin(f->store, &f->err), NZ_OK);
	create(f, small_article(f->arena, "b", NZ_STATUS_PUBLISHED, 1780000000));
	nz_store_rollback(f->store);
	(void)id;
	assert_string_equal(keys_since(f, &from), "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_publish_names_every_dependent_key, fixture_setup,
					    fixture_teardown),
	    cmocka_unit_test_setup_teardown(test_drafts_change_nothing_public, fixture_setup,
					    fixture_teardown),
	    cmocka_unit_test_setup_teardown(test_moving_an_article_names_both_sections,
					    fixture_setup, fixture_teardown),
	    cmocka_unit_test_setup_teardown(test_child_rows_and_names, fixture_setup,
					    fixture_teardown),
	    cmocka_unit_test_setup_teardown(test_translations_name_each_other, fixture_setup,
					    fixture_teardown),
	    cmocka_unit_test_setup_teardown(test_tick_turns_a_passing_embargo_into_a_change,
					    fixture_setup, fixture_teardown),
	    cmocka_unit_test_setup_teardown(test_next_due_is_the_next_embargo_or_scheduled_publish,
					    fixture_setup, fixture_teardown),
	    cmocka_unit_test_setup_teardown(test_prune_keeps_the_newest_and_reports_a_gap,
					    fixture_setup, fixture_teardown),
	    cmocka_unit_test_setup_teardown(test_rolled_back_writes_leave_no_changes, fixture_setup,
					    fixture_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
