/* Guards the SQLite query plans of the lists every page and the static export read: the work a
 * list does (SQLite's virtual-machine steps, which do not depend on the machine's speed or load)
 * grows with the rows it must count, never with the square of the site. A plan that walks every
 * article once per row (as the "one version of a translated story" rule did before the
 * translation index was named in src/store/sqlite/articles_list.c, which made a clean build 2.5
 * times slower) fails here, where a timed benchmark would only drift.
 *
 * The steps are summed over every statement that finishes during the call, from SQLite's
 * profile trace (sqlite3_trace_v2), so statements the store builds per call count too. */
#include "store/sqlite/sqlite_int.h"
#include "store/sqlite/vm_steps.h"
#include "store/store_test.h"

#define NOW 1800000000
#define SMALL 100 /* English stories at the first measure; four times as many at the second */

/* English stories in two sections, every third with a Korean translation, newest last. */
static void grow(fixture *f, int from, int to)
{
	for (int i = from; i < to; i++) {
		nz_time t = NOW - 100000 + i * 60;
		nz_article *a = small_article(f->arena, nz_arena_printf(f->arena, "story-%d", i),
					      NZ_STATUS_PUBLISHED, t);
		a->section = nz_arena_zalloc(f->arena, sizeof(nz_section));
		a->section->slug = i % 2 ? "defense" : "politics";
		a->tags = nz_arena_zalloc(f->arena, sizeof(nz_tag));
		a->tags[0].slug = "navy";
		a->n_tags = 1;
		if (nz_store_article_create(f->store, f->arena, a, NULL, &f->err) != NZ_OK)
			fail_msg("create: %s", f->err.msg);
		if (i % 3)
			continue;
		nz_article *ko = small_article(f->arena, nz_arena_printf(f->arena, "기사-%d", i),
					       NZ_STATUS_PUBLISHED, t + 1);
		ko->language = "ko";
		ko->section = a->section;
		ko->translation_group = a->id;
		if (nz_store_article_create(f->store, f->arena, ko, NULL, &f->err) != NZ_OK)
			fail_msg("create: %s", f->err.msg);
	}
}

/* The steps of one list, and of the keys the static export walks with the same filters. */
static uint64_t work(fixture *f, nz_article_query q, bool keys)
{
	nz_article_list list;
	nz_article_key *k = NULL;
	size_t n = 0;
	vm_steps = 0;
	nz_rc rc = keys ? nz_store_article_keys(f->store, f->arena, &q, &k, &n, &f->err)
			: nz_store_article_list(f->store, f->arena, &q, &list, &f->err);
	if (rc != NZ_OK)
		fail_msg("list: %s", f->err.msg);
	return vm_steps;
}

typedef struct shape {
	const char *name;
	nz_article_query q;
	bool keys;
	bool counts; /* counts every matching row: linear in the site; else one page: flat */
} shape;

static const shape shapes[] = {
    {"front page, one version a story",
     {.public_only = true, .now = NOW, .prefer_language = "en", .no_total = true},
     false,
     false},
    /* one page alone walks the list's index in its order (listed_at), no sort of the section */
    {"section page alone",
     {.public_only = true,
      .now = NOW,
      .section_slug = "defense",
      .prefer_language = "en",
      .no_total = true},
     false,
     false},
    {"one language's page alone",
     {.public_only = true, .now = NOW, .language = "en", .no_total = true},
     false,
     false},
    {"section page with its total",
     {.public_only = true, .now = NOW, .section_slug = "defense", .prefer_language = "en"},
     false,
     true},
    {"Korean edition's section page with its total",
     {.public_only = true, .now = NOW, .section_slug = "defense", .prefer_language = "ko"},
     false,
     true},
    {"tag page with its total",
     {.public_only = true, .now = NOW, .tag_slug = "navy", .prefer_language = "en"},
     false,
     true},
    {"the export's keys of a section",
     {.public_only = true, .now = NOW, .section_slug = "politics", .prefer_language = "en"},
     true,
     true},
};

static void test_list_work_grows_with_the_rows_not_their_square(void **state)
{
	fixture *f = *state;
	size_t n = sizeof shapes / sizeof shapes[0];
	uint64_t small[sizeof shapes / sizeof shapes[0]];
	vm_steps_count(nz__sq(f->store)->db, true);
	grow(f, 0, SMALL);
	for (size_t i = 0; i < n; i++)
		small[i] = work(f, shapes[i].q, shapes[i].keys);
	grow(f, SMALL, 4 * SMALL);
	for (size_t i = 0; i < n; i++) {
		uint64_t big = work(f, shapes[i].q, shapes[i].keys);
		/* four times the rows: about four times the work when it counts them (six allows
		 * for the index's extra levels), about the same for one page; a plan that walks the
		 * site per row does sixteen times */
		double limit = shapes[i].counts ? 6.0 : 1.5;
		print_message("%-48s %8llu -> %8llu steps (x%.1f, at most x%.1f)\n", shapes[i].name,
			      (unsigned long long)small[i], (unsigned long long)big,
			      (double)big / (double)small[i], limit);
		if ((double)big > limit * (double)small[i])
			fail_msg("%s: %llu steps at %d stories, %llu at %d", shapes[i].name,
				 (unsigned long long)small[i], SMALL, (unsigned long long)big,
				 4 * SMALL);
	}
	vm_steps_count(nz__sq(f->store)->db, false);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_list_work_grows_with_the_rows_not_their_square,
					    fixture_setup, fixture_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
