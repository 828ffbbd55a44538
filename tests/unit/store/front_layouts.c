/*
 * Tests the store's front layouts (store/sqlite/front_layouts.c and its PostgreSQL twin): a
 * layout keeps its slots (order and front-page headlines), one that starts now replaces the
 * one in force while a scheduled one waits beside it, an empty one that starts now removes the
 * layout, bad layouts are refused and change nothing, each write names its front in the change
 * feed, and a scheduled layout's start is a change the feed's tick tells.
 */
#include "store/store_test.h"

static nz_front_layout layout(const char *lang, int64_t section, nz_time starts_at)
{
	return (nz_front_layout){.language = lang, .section_id = section, .starts_at = starts_at};
}

static void pin(nz_front_layout *l, int64_t id, const char *headline)
{
	l->slots[l->n_slots++] = (nz_front_slot){.article_id = id, .headline = headline};
}

static void test_save_list_and_replace(void **state)
{
	fixture *f = *state;
	int64_t eve = make_user(f, "eve", NZ_ROLE_EDITOR);
	nz_time now = nz_time_now();
	nz_front_layout l = layout("en", 0, now - 10);
	pin(&l, 12, "Storm closes the harbour");
	pin(&l, 7, NULL);
	pin(&l, 30, "");
	assert_int_equal(nz_store_front_layout_save(f->store, &l, now, eve, &f->err), NZ_OK);
	assert_true(l.id > 0);
	nz_front_layout *got = NULL;
	size_t n = 0;
	assert_int_equal(nz_store_front_layout_list(f->store, f->arena, "en", 0, &got, &n, &f->err),
			 NZ_OK);
	assert_int_equal(n, 1);
	assert_int_equal(got[0].n_slots, 3);
	assert_int_equal(got[0].slots[0].article_id, 12);
	assert_string_equal(got[0].slots[0].headline, "Storm closes the harbour");
	assert_int_equal(got[0].slots[1].article_id, 7);
	assert_null(got[0].slots[1].headline);
	assert_null(got[0].slots[2].headline);
	assert_int_equal(got[0].actor, eve);
	assert_ptr_equal(nz_store_front_layout_active(got, n, now), &got[0]);

	/* A later one scheduled waits beside it; one that starts now replaces the one in force. */
	nz_front_layout later = layout("en", 0, now + 3600);
	pin(&later, 40, "Tomorrow's lead");
	assert_int_equal(nz_store_front_layout_save(f->store, &later, now, 0, &f->err), NZ_OK);
	nz_front_layout again = layout("en", 0, now);
	pin(&again, 7, NULL);
	assert_int_equal(nz_store_front_layout_save(f->store, &again, now, 0, &f->err), NZ_OK);
	assert_int_equal(nz_store_front_layout_list(f->store, f->arena, "en", 0, &got, &n, &f->err),
			 NZ_OK);
	assert_int_equal(n, 2);
	const nz_front_layout *active = nz_store_front_layout_active(got, n, now);
	assert_non_null(active);
	assert_int_equal(active->n_slots, 1);
	assert_int_equal(active->slots[0].article_id, 7);
	assert_int_equal(nz_store_front_layout_active(got, n, now + 3600)->slots[0].article_id, 40);

	/* Other fronts are apart: a section front, the Korean edition. */
	assert_int_equal(nz_store_front_layout_list(f->store, f->arena, "ko", 0, &got, &n, &f->err),
			 NZ_OK);
	assert_int_equal(n, 0);
	assert_int_equal(nz_store_front_layout_list(f->store, f->arena, "en", 3, &got, &n, &f->err),
			 NZ_OK);
	assert_int_equal(n, 0);

	/* Emptied now: the front by recency; the scheduled one stays until cancelled. */
	nz_front_layout none = layout("en", 0, now);
	assert_int_equal(nz_store_front_layout_save(f->store, &none, now, 0, &f->err), NZ_OK);
	assert_int_equal(nz_store_front_layout_list(f->store, f->arena, "en", 0, &got, &n, &f->err),
			 NZ_OK);
	assert_int_equal(n, 1);
	assert_null(nz_store_front_layout_active(got, n, now));
	assert_int_equal(nz_store_front_layout_delete(f->store, got[0].id, &f->err), NZ_OK);
	assert_int_equal(nz_store_front_layout_delete(f->store, got[0].id, &f->err), NZ_NOTFOUND);
	assert_int_equal(count_rows(f, "front_layouts"), 0);
}

static void test_bad_layouts_change_nothing(void **state)
{
	fixture *f = *state;
	nz_time now = nz_time_now();
	nz_front_layout twice = layout("en", 0, now);
	pin(&twice, 5, NULL);
	pin(&twice, 5, "Again");
	assert_int_equal(nz_store_front_layout_save(f->store, &twice, now, 0, &f->err), NZ_INVAL);
	nz_front_layout no_lang = layout("", 0, now);
	assert_int_equal(nz_store_front_layout_save(f->store, &no_lang, now, 0, &f->err), NZ_INVAL);
	nz_front_layout control = layout("en", 0, now);
	pin(&control, 5, "Two\nlines");
	assert_int_equal(nz_store_front_layout_save(f->store, &control, now, 0, &f->err), NZ_INVAL);
	nz_front_layout too_many = layout("en", 0, now);
	too_many.n_slots = NZ_FRONT_SLOTS + 1;
	for (size_t i = 0; i < NZ_FRONT_SLOTS; i++)
		too_many.slots[i].article_id = (int64_t)i + 1;
	assert_int_equal(nz_store_front_layout_save(f->store, &too_many, now, 0, &f->err),
			 NZ_INVAL);
	assert_int_equal(count_rows(f, "front_layouts"), 0);
}

static void test_changes_name_the_front_and_the_tick_tells_a_start(void **state)
{
	fixture *f = *state;
	nz_time now = nz_time_now();
	int64_t seq0 = 0, seq1 = 0;
	assert_int_equal(nz_store_change_seq(f->store, &seq0, &f->err), NZ_OK);
	nz_front_layout sec = layout("en", 4, now);
	pin(&sec, 9, NULL);
	assert_int_equal(nz_store_front_layout_save(f->store, &sec, now, 0, &f->err), NZ_OK);
	assert_true(feed_names(f, seq0, "section-4"));
	assert_false(feed_names(f, seq0, "front"));

	nz_front_layout later = layout("en", 0, now + 600);
	pin(&later, 9, NULL);
	assert_int_equal(nz_store_front_layout_save(f->store, &later, now, 0, &f->err), NZ_OK);
	nz_time due = 0;
	assert_int_equal(nz_store_change_next_due(f->store, &due, &f->err), NZ_OK);
	assert_true(due <= now + 600);
	assert_int_equal(nz_store_change_seq(f->store, &seq1, &f->err), NZ_OK);
	size_t touched = 0;
	assert_int_equal(nz_store_change_tick(f->store, now + 599, &touched, &f->err), NZ_OK);
	assert_false(feed_names(f, seq1, "front"));
	assert_int_equal(nz_store_change_tick(f->store, now + 601, &touched, &f->err), NZ_OK);
	assert_true(feed_names(f, seq1, "front"));
}

static void story(fixture *f, const char *slug, nz_status status, const char *lang)
{
	nz_article *a = small_article(f->arena, slug, status, nz_time_now() - 3600);
	a->language = lang;
	if (nz_store_article_create(f->store, f->arena, a, NULL, &f->err) != NZ_OK)
		fail_msg("create %s: %s", slug, f->err.msg);
}

static void test_views_add_up_and_most_read_orders_them(void **state)
{
	fixture *f = *state;
	nz_time now = nz_time_now();
	int64_t hour = now / 3600, seq0 = 0;
	story(f, "harbor", NZ_STATUS_PUBLISHED, "en");
	story(f, "storm", NZ_STATUS_PUBLISHED, "en");
	story(f, "draft", NZ_STATUS_DRAFT, "en");
	story(f, "korean", NZ_STATUS_PUBLISHED, "ko");
	assert_int_equal(nz_store_change_seq(f->store, &seq0, &f->err), NZ_OK);
	nz_view_count first[] = {{"harbor", hour, 2},
				 {"storm", hour, 3},
				 {"draft", hour, 50},
				 {"no-such-story", hour, 9},
				 {"korean", hour, 1}};
	assert_int_equal(nz_store_views_add(f->store, first, 5, false, &f->err), NZ_OK);
	assert_false(feed_names(f, seq0, "most-read"));
	/* Later counts add to the same hour; an old hour counts for 7 days, not for 24 hours. */
	nz_view_count more[] = {{"harbor", hour, 2}, {"storm", hour - 30, 10}};
	assert_int_equal(nz_store_views_add(f->store, more, 2, true, &f->err), NZ_OK);
	assert_true(feed_names(f, seq0, "most-read"));

	nz_most_read *m = NULL;
	size_t n = 0;
	assert_int_equal(
	    nz_store_most_read(f->store, f->arena, hour - 23, now, "en", 10, &m, &n, &f->err),
	    NZ_OK);
	assert_int_equal(n, 2); /* no draft, no other language, no unknown slug */
	assert_string_equal(m[0].slug, "harbor");
	assert_int_equal(m[0].views, 4);
	assert_string_equal(m[0].headline, "Headline of harbor");
	assert_string_equal(m[1].slug, "storm");
	assert_int_equal(m[1].views, 3);
	assert_int_equal(
	    nz_store_most_read(f->store, f->arena, hour - 167, now, NULL, 10, &m, &n, &f->err),
	    NZ_OK);
	assert_int_equal(n, 3);
	assert_string_equal(m[0].slug, "storm");
	assert_int_equal(m[0].views, 13);
	assert_string_equal(m[2].slug, "korean");
	assert_int_equal(
	    nz_store_most_read(f->store, f->arena, hour - 167, now, NULL, 1, &m, &n, &f->err),
	    NZ_OK);
	assert_int_equal(n, 1);
	/* Nothing about the reader is kept: the table has only these columns. */
	assert_int_equal(count_rows(f, "article_views"), 5);
}

static void test_series_and_reader_counts(void **state)
{
	fixture *f = *state;
	int64_t hour = nz_time_now() / 3600;
	story(f, "harbor", NZ_STATUS_PUBLISHED, "en");
	nz_view_count v[] = {
	    {"harbor", hour, 2}, {"harbor", hour - 5, 4}, {"harbor", hour - 99, 1}};
	assert_int_equal(nz_store_views_add(f->store, v, 3, false, &f->err), NZ_OK);
	nz_view_hour *h = NULL;
	size_t n = 0;
	assert_int_equal(
	    nz_store_views_series(f->store, f->arena, "harbor", hour - 47, &h, &n, &f->err), NZ_OK);
	assert_int_equal(n, 2); /* oldest first, the hour 99 ago left out */
	assert_int_equal(h[0].hour, hour - 5);
	assert_int_equal(h[0].views, 4);
	assert_int_equal(h[1].views, 2);
	assert_int_equal(
	    nz_store_views_series(f->store, f->arena, "no-such", hour - 47, &h, &n, &f->err),
	    NZ_OK);
	assert_int_equal(n, 0);

	nz_reader_count c[] = {{NZ_COUNT_REFERRER, "news.example.org", hour, 2},
			       {NZ_COUNT_REFERRER, "blog.example.com", hour, 1},
			       {NZ_COUNT_SEARCH_MISS, "zebra", hour, 1},
			       {NZ_COUNT_REFERRER, "old.example.net", hour - 200, 9}};
	assert_int_equal(nz_store_reader_counts_add(f->store, c, 4, &f->err), NZ_OK);
	nz_reader_count more[] = {{NZ_COUNT_REFERRER, "blog.example.com", hour - 1, 3}};
	assert_int_equal(nz_store_reader_counts_add(f->store, more, 1, &f->err), NZ_OK);
	nz_reader_count *r = NULL;
	assert_int_equal(nz_store_reader_counts_top(f->store, f->arena, NZ_COUNT_REFERRER,
						    hour - 167, 10, &r, &n, &f->err),
			 NZ_OK);
	assert_int_equal(n, 2); /* the old one is past the week */
	assert_string_equal(r[0].key, "blog.example.com");
	assert_int_equal(r[0].count, 4);
	assert_int_equal(r[0].hour, hour);
	assert_string_equal(r[1].key, "news.example.org");
	assert_int_equal(nz_store_reader_counts_top(f->store, f->arena, NZ_COUNT_SEARCH_MISS,
						    hour - 167, 1, &r, &n, &f->err),
			 NZ_OK);
	assert_int_equal(n, 1);
	assert_string_equal(r[0].key, "zebra");
	assert_string_equal(r[0].kind, NZ_COUNT_SEARCH_MISS);
	/* a kind the table does not know is refused, and nothing of its batch is kept */
	nz_reader_count bad[] = {{NZ_COUNT_SEARCH_MISS, "ok", hour, 1}, {"address", "x", hour, 1}};
	assert_int_not_equal(nz_store_reader_counts_add(f->store, bad, 2, &f->err), NZ_OK);
	assert_int_equal(count_rows(f, "reader_counts"), 5);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, fixture_setup, fixture_teardown)
	const struct CMUnitTest tests[] = {
	    T(test_save_list_and_replace),
	    T(test_bad_layouts_change_nothing),
	    T(test_changes_name_the_front_and_the_tick_tells_a_start),
	    T(test_views_add_up_and_most_read_orders_them),
	    T(test_series_and_reader_counts),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
