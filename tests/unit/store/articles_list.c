/* Tests src/store/sqlite/articles_list.c: filters, what the public sees (no drafts, no embargoed or
 * future stories), order, totals, pages and the keyset cursor. */
#include "store/store_test.h"

#define NOW 1800000000

/* A small newsroom: slugs name what each story is. */
static void add(fixture *f, const char *slug, nz_status status, nz_time published,
		const char *section, const char *tag, const char *author, const char *lang,
		nz_time embargo)
{
	nz_article *a = small_article(f->arena, slug, status, published);
	if (section) {
		a->section = nz_arena_zalloc(f->arena, sizeof(nz_section));
		a->section->slug = section;
	}
	if (tag) {
		a->tags = nz_arena_zalloc(f->arena, sizeof(nz_tag));
		a->tags[0].slug = tag;
		a->n_tags = 1;
	}
	if (author) {
		a->authors = nz_arena_zalloc(f->arena, sizeof(nz_author));
		a->authors[0].slug = author;
		a->authors[0].display_name = author;
		a->n_authors = 1;
	}
	if (lang)
		a->language = lang;
	a->embargo_until = embargo;
	if (nz_store_article_create(f->store, f->arena, a, NULL, &f->err) != NZ_OK)
		fail_msg("create %s: %s", slug, f->err.msg);
}

static int newsroom_setup(void **state)
{
	if (fixture_setup(state))
		return -1;
	fixture *f = *state;
	add(f, "oldest", NZ_STATUS_PUBLISHED, NOW - 500, "defense", "navy", "kim", "en", 0);
	add(f, "korean", NZ_STATUS_PUBLISHED, NOW - 400, "defense", NULL, "kim", "ko", 0);
	add(f, "retracted", NZ_STATUS_RETRACTED, NOW - 300, "politics", "navy", NULL, "en", 0);
	add(f, "draft", NZ_STATUS_DRAFT, 0, "defense", "navy", "kim", "en", 0);
	add(f, "embargoed", NZ_STATUS_PUBLISHED, NOW - 200, "defense", "navy", "kim", "en",
	    NOW + 3600);
	add(f, "embargo-over", NZ_STATUS_PUBLISHED, NOW - 150, "politics", NULL, "lee", "en",
	    NOW - 10);
	add(f, "future", NZ_STATUS_PUBLISHED, NOW + 500, "defense", NULL, NULL, "en", 0);
	add(f, "scheduled", NZ_STATUS_SCHEDULED, NOW - 100, "defense", NULL, NULL, "en", 0);
	add(f, "newest", NZ_STATUS_PUBLISHED, NOW - 50, "defense", "navy", "lee", "en", 0);
	return 0;
}

static const char *run(fixture *f, nz_article_query q, nz_article_list *list)
{
	if (nz_store_article_list(f->store, f->arena, &q, list, &f->err) != NZ_OK)
		fail_msg("list: %s", f->err.msg);
	return list_slugs(f, list);
}

static void test_public_hides_drafts_embargoes_and_future(void **state)
{
	fixture *f = *state;
	nz_article_list l;
	assert_string_equal(run(f, (nz_article_query){.public_only = true, .now = NOW}, &l),
			    "newest embargo-over retracted korean oldest");
	assert_int_equal(l.total, 5);
	assert_false(l.has_more);
	/* Once the embargo and the future time pass, they appear. */
	assert_string_equal(run(f, (nz_article_query){.public_only = true, .now = NOW + 4000}, &l),
			    "future newest embargo-over embargoed retracted korean oldest");
}

static void test_everything_for_the_back_office(void **state)
{
	fixture *f = *state;
	nz_article_list l;
	/* Drafts sort by their last edit (small_article: created 1700000000). */
	assert_string_equal(
	    run(f, (nz_article_query){.now = NOW}, &l),
	    "future newest scheduled embargo-over embargoed retracted korean oldest "
	    "draft");
	assert_int_equal(l.total, 9);
}

static void test_filters(void **state)
{
	fixture *f = *state;
	nz_article_list l;
	nz_article_query q = {.public_only = true, .now = NOW, .section_slug = "defense"};
	assert_string_equal(run(f, q, &l), "newest korean oldest");
	q = (nz_article_query){.public_only = true, .now = NOW, .tag_slug = "navy"};
	assert_string_equal(run(f, q, &l), "newest retracted oldest");
	q = (nz_article_query){.public_only = true, .now = NOW, .author_slug = "kim"};
	assert_string_equal(run(f, q, &l), "korean oldest");
	q = (nz_article_query){.public_only = true, .now = NOW, .language = "ko"};
	assert_string_equal(run(f, q, &l), "korean");
	assert_int_equal(l.total, 1);
	q = (nz_article_query){.section_slug = "defense", .tag_slug = "navy", .author_slug = "kim"};
	assert_string_equal(run(f, q, &l), "embargoed oldest draft");
	q = (nz_article_query){.public_only = true, .now = NOW, .section_slug = "no-such"};
	assert_string_equal(run(f, q, &l), "");
	assert_int_equal(l.total, 0);
	assert_null(l.items);
}

static void test_items_are_fully_loaded(void **state)
{
	fixture *f = *state;
	nz_article_list l;
	nz_article_query q = {.public_only = true, .now = NOW, .limit = 1};
	assert_string_equal(run(f, q, &l), "newest");
	assert_non_null(l.items[0].section);
	assert_string_equal(l.items[0].section->slug, "defense");
	assert_int_equal(l.items[0].n_authors, 1);
	assert_string_equal(l.items[0].authors[0].slug, "lee");
	assert_int_equal(l.items[0].n_tags, 1);
	assert_string_equal(l.items[0].headline, "Headline of newest");
}

static void test_pages_by_offset(void **state)
{
	fixture *f = *state;
	nz_article_list l;
	nz_article_query q = {.public_only = true, .now = NOW, .limit = 2};
	assert_string_equal(run(f, q, &l), "newest embargo-over");
	assert_true(l.has_more);
	q.offset = 2;
	assert_string_equal(run(f, q, &l), "retracted korean");
	assert_true(l.has_more);
	q.offset = 4;
	assert_string_equal(run(f, q, &l), "oldest");
	assert_false(l.has_more);
	assert_int_equal(l.total, 5);
}

static void test_pages_by_cursor(void **state)
{
	fixture *f = *state;
	nz_article_list l;
	nz_article_query q = {.public_only = true, .now = NOW, .limit = 2};
	const char *seen = "";
	for (int page = 0; page < 5; page++) {
		const char *got = run(f, q, &l);
		seen = nz_arena_printf(f->arena, "%s%s%s", seen, *seen && *got ? " " : "", got);
		assert_int_equal(l.total, 5); /* the cursor does not change the total */
		if (!l.has_more)
			break;
		q.before_time = l.items[l.n - 1].published_at;
		q.before_id = l.items[l.n - 1].id;
	}
	assert_string_equal(seen, "newest embargo-over retracted korean oldest");
}

static void test_cursor_breaks_ties_by_id(void **state)
{
	fixture *f = *state;
	nz_article_list l;
	add(f, "tie-a", NZ_STATUS_PUBLISHED, NOW - 1, NULL, NULL, NULL, "en", 0);
	add(f, "tie-b", NZ_STATUS_PUBLISHED, NOW - 1, NULL, NULL, NULL, "en", 0);
	nz_article_query q = {.public_only = true, .now = NOW, .limit = 1};
	assert_string_equal(run(f, q, &l), "tie-b");
	q.before_time = l.items[0].published_at;
	q.before_id = l.items[0].id;
	assert_string_equal(run(f, q, &l), "tie-a");
	q.before_id = l.items[0].id;
	assert_string_equal(run(f, q, &l), "newest");
}

/* a list's order keys are its articles in its order, for every filter, and a page
 * found from them with the cursor (not counting) is the page OFFSET finds. */
static void test_keys_walk_each_list_as_its_pages_do(void **state)
{
	fixture *f = *state;
	nz_article_query filters[] = {
	    {.public_only = true, .now = NOW},
	    {.public_only = true, .now = NOW, .section_slug = "defense"},
	    {.public_only = true, .now = NOW, .tag_slug = "navy"},
	    {.public_only = true, .now = NOW, .author_slug = "kim"},
	    {.public_only = true, .now = NOW, .tag_slug = "no-such-tag"},
	};
	for (size_t i = 0; i < sizeof filters / sizeof *filters; i++) {
		nz_article_key *keys = NULL;
		size_t n = 99;
		nz_article_list all, page;
		nz_article_query q = filters[i];
		q.limit = 200;
		run(f, q, &all);
		if (nz_store_article_keys(f->store, f->arena, &filters[i], &keys, &n, &f->err) !=
		    NZ_OK)
			fail_msg("keys: %s", f->err.msg);
		assert_int_equal(n, all.total);
		for (size_t k = 0; k < n; k++) {
			assert_int_equal(keys[k].id, all.items[k].id);
			assert_int_equal(keys[k].time, all.items[k].published_at);
		}
		if (n < 2)
			continue;
		q = filters[i];
		q.limit = 1;
		q.offset = 1;
		const char *by_offset = run(f, q, &page);
		q.offset = 0;
		q.before_time = keys[0].time;
		q.before_id = keys[0].id;
		q.no_total = true;
		assert_string_equal(run(f, q, &page), by_offset);
		assert_int_equal(page.total, 0); /* not counted: the caller knows it */
	}
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, newsroom_setup, fixture_teardown)
	const struct CMUnitTest tests[] = {
	    T(test_public_hides_drafts_embargoes_and_future),
	    T(test_everything_for_the_back_office),
	    T(test_filters),
	    T(test_items_are_fully_loaded),
	    T(test_pages_by_offset),
	    T(test_pages_by_cursor),
	    T(test_cursor_breaks_ties_by_id),
	    T(test_keys_walk_each_list_as_its_pages_do),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
