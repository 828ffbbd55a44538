/* The store's search contract, on every backend: ranking (headline above body, recency and
 * switching it off, newest first), filters, what readers can never find (drafts, scheduled,
 * embargoed, retracted, future), Korean words inside longer words, snippets, related articles,
 * prefixes, and a rebuild. What only SQLite has (the FTS5 index following direct writes,
 * nz_rank = bm25()) is tested in sqlite/search.c. */
#include "store/search_test.h"

static void test_headline_above_highlights_above_body(void **state)
{
	fixture *f = *state;
	add(f,
	    (story){.slug = "in-body", .headline = "Ministers meet", .body = "A word on radar."});
	add(f, (story){.slug = "in-headline", .headline = "Radar upgrade", .body = "A word."});
	nz_article *a = small_article(f->arena, "in-highlights", NZ_STATUS_PUBLISHED, NOW - DAY);
	a->headline = "Ministers talk";
	const char *hl[] = {"New radar for the coast"};
	a->highlights = hl;
	a->n_highlights = 1;
	a->body_markdown = "A word.";
	assert_int_equal(nz_store_article_create(f->store, f->arena, a, NULL, &f->err), NZ_OK);
	found r = search(f, "radar");
	assert_int_equal(r.total, 3);
	assert_string_equal(r.slugs[0], "in-headline");
	assert_string_equal(r.slugs[1], "in-highlights");
	assert_string_equal(r.slugs[2], "in-body");
}

static void test_recency_and_its_switch(void **state)
{
	fixture *f = *state;
	/* The old story says it twice; the new one once. */
	add(f, (story){.slug = "old",
		       .headline = "Harbor news",
		       .body = "The frigate and another frigate sailed.",
		       .published = NOW - 700 * DAY});
	add(f, (story){.slug = "new",
		       .headline = "Harbor news",
		       .body = "The frigate sailed with the fleet today.",
		       .published = NOW - DAY});
	found r = search(f, "frigate");
	assert_string_equal(r.slugs[0], "new");
	r = search_with(f, "frigate", (nz_article_search){.no_recency = true});
	assert_string_equal(r.slugs[0], "old");
	r = search_with(f, "frigate",
			(nz_article_search){.sort = NZ_SEARCH_NEWEST, .no_recency = true});
	assert_string_equal(r.slugs[0], "new");
}

static void test_filters(void **state)
{
	fixture *f = *state;
	add(f, (story){.slug = "a",
		       .headline = "Drill one",
		       .section = "defense",
		       .tag = "navy",
		       .author = "kim",
		       .published = NOW - 10 * DAY});
	add(f, (story){.slug = "b",
		       .headline = "Drill two",
		       .section = "diplomacy",
		       .tag = "army",
		       .author = "lee",
		       .published = NOW - 5 * DAY});
	add(f, (story){.slug = "c",
		       .headline = "드릴 drill 셋",
		       .lang = "ko",
		       .section = "defense",
		       .published = NOW - 2 * DAY});
	assert_int_equal(search(f, "drill").total, 3);
	found r = search_with(f, "drill", (nz_article_search){.section_slug = "defense"});
	assert_int_equal(r.total, 2);
	r = search_with(f, "drill", (nz_article_search){.tag_slug = "army"});
	assert_int_equal(r.total, 1);
	assert_string_equal(r.slugs[0], "b");
	r = search_with(f, "drill", (nz_article_search){.author_slug = "kim"});
	assert_int_equal(r.total, 1);
	assert_string_equal(r.slugs[0], "a");
	r = search_with(f, "drill", (nz_article_search){.language = "ko"});
	assert_int_equal(r.total, 1);
	assert_string_equal(r.slugs[0], "c");
	r = search_with(f, "drill",
			(nz_article_search){.from = NOW - 6 * DAY, .to = NOW - 3 * DAY});
	assert_int_equal(r.total, 1);
	assert_string_equal(r.slugs[0], "b");
	r = search_with(f, "drill", (nz_article_search){.section_slug = "no-such-section"});
	assert_int_equal(r.total, 0);
	/* Filters that name nothing find nothing, whatever the others say. */
	r = search_with(f, "drill", (nz_article_search){.tag_slug = "no-such-tag"});
	assert_int_equal(r.total, 0);
	r = search_with(f, "drill", (nz_article_search){.author_slug = "nobody"});
	assert_int_equal(r.total, 0);
	r = search_with(f, "drill",
			(nz_article_search){.section_slug = "defense", .tag_slug = "army"});
	assert_int_equal(r.total, 0);
	r = search_with(f, "drill",
			(nz_article_search){.section_slug = "diplomacy", .language = "ko"});
	assert_int_equal(r.total, 0);
	r = search_with(f, "drill",
			(nz_article_search){.section_slug = "defense", .author_slug = "kim"});
	assert_int_equal(r.total, 1);
	assert_string_equal(r.slugs[0], "a");
	/* Pages: total stays, items move on. */
	r = search_with(f, "drill", (nz_article_search){.limit = 2, .offset = 2});
	assert_int_equal(r.total, 3);
	assert_int_equal(r.n, 1);
}

static void test_never_found(void **state)
{
	fixture *f = *state;
	add(f, (story){.slug = "shown", .headline = "Secret sub revealed"});
	add(f, (story){.slug = "draft", .headline = "Secret sub draft", .draft = true});
	add(f, (story){.slug = "review", .headline = "Secret sub", .status = NZ_STATUS_REVIEW});
	add(f,
	    (story){.slug = "scheduled", .headline = "Secret sub", .status = NZ_STATUS_SCHEDULED});
	add(f,
	    (story){.slug = "retracted", .headline = "Secret sub", .status = NZ_STATUS_RETRACTED});
	add(f,
	    (story){.slug = "embargoed", .headline = "Secret sub embargo", .embargo = NOW + DAY});
	add(f, (story){.slug = "future", .headline = "Secret sub", .published = NOW + DAY});
	found r = search(f, "secret sub");
	assert_int_equal(r.total, 1);
	assert_string_equal(r.slugs[0], "shown");
	/* When the embargo has passed, the story is found with no change to the index. */
	r = search_with(f, "embargo", (nz_article_search){.now = NOW + 2 * DAY});
	assert_int_equal(r.total, 1);
	assert_string_equal(r.slugs[0], "embargoed");
	/* Retracted stays out whenever. */
	r = search_with(f, "secret", (nz_article_search){.now = NOW + 9 * DAY});
	assert_int_equal(r.total, 3); /* shown, embargoed, future */
}

static void test_korean(void **state)
{
	fixture *f = *state;
	add(f,
	    (story){.slug = "ko1", .headline = "국방부는 27일 훈련 계획을 밝혔다", .lang = "ko"});
	add(f, (story){.slug = "ko2",
		       .headline = "한미동맹 70년",
		       .lang = "ko",
		       .body = "동맹은 굳건하다."});
	add(f, (story){.slug = "ko3", .headline = "방위산업 수출", .lang = "ko"});
	found r = search(f, "국방");
	assert_int_equal(r.total, 1);
	assert_string_equal(r.slugs[0], "ko1");
	r = search(f, "동맹");
	assert_int_equal(r.total, 1);
	assert_string_equal(r.slugs[0], "ko2");
	assert_int_equal(search(f, "국방부").total, 1);
	assert_int_equal(search(f, "수출 방위").total, 1);
	assert_int_equal(search(f, "\"방위 수출\"").total, 0); /* not adjacent */
	assert_int_equal(search(f, "훈련 -국방").total, 0);
	assert_int_equal(search(f, "방*").total, 2); /* 국방부 (방부) and 방위 */
	/* The snippet marks the match in the body. */
	r = search(f, "굳건");
	assert_int_equal(r.n, 1);
	assert_non_null(strstr(r.snippets[0], NZ_SEARCH_MARK_OPEN "굳건" NZ_SEARCH_MARK_CLOSE));
}

/* Where one syllable starts two Korean pairs in a row (`경` in 환경경제: 경경, 경제), the two
 * matches overlap in the text: the snippet marks them as one and shows the text once (FTS5's
 * snippet() repeated everything after the match). */
static void test_snippet_overlapping_korean(void **state)
{
	fixture *f = *state;
	add(f, (story){.slug = "env",
		       .headline = "정책 발표",
		       .lang = "ko",
		       .body = "환경경제 정책을 발표했다."});
	found r = search(f, "경");
	assert_int_equal(r.n, 1);
	assert_string_equal(r.snippets[0], "환" NZ_SEARCH_MARK_OPEN "경경제" NZ_SEARCH_MARK_CLOSE
					   " 정책을 발표했다.");
}

static void test_snippet_prefers_body(void **state)
{
	fixture *f = *state;
	add(f, (story){.slug = "s",
		       .headline = "Tanks arrive",
		       .body = "Forty new tanks arrived at the port of Busan on Monday."});
	found r = search(f, "tanks");
	assert_non_null(strstr(r.snippets[0], "\x02tanks\x03 arrived"));
	r = search(f, "monday");
	assert_non_null(strstr(r.snippets[0], "\x02Monday\x03"));
}

/* A prefix finds every word starting with it, whether it is read from the index's prefix
 * postings (up to 3 characters), written as the OR of the index's terms (up to 64 of them) or
 * left to FTS5 (more). */
static void test_prefixes(void **state)
{
	fixture *f = *state;
	nz_buf many;
	nz_buf_init(&many, 0);
	for (int i = 0; i < 70; i++)
		nz_buf_printf(&many, "zq%d ", i);
	add(f, (story){.slug = "many", .headline = "Codes", .body = nz_buf_cstr(&many)});
	nz_buf_free(&many);
	add(f, (story){.slug = "p1", .headline = "Minehunter", .body = "Mines and a minefield."});
	add(f, (story){.slug = "p2", .headline = "Mining town", .body = "The mine closed."});
	add(f, (story){.slug = "p3", .headline = "Minister", .body = "The minister spoke."});
	add(f, (story){.slug = "p4", .headline = "Navy", .body = "No such word."});
	assert_int_equal(search(f, "zq*").total, 1);   /* 70 terms: the prefix postings */
	assert_int_equal(search(f, "z*").total, 1);    /* one letter, too */
	assert_int_equal(search(f, "zq6*").total, 1);  /* zq6, zq60..zq69: the postings of 3 */
	assert_int_equal(search(f, "zq69*").total, 1); /* one term: expanded */
	assert_int_equal(search(f, "mi*").total, 3);
	assert_int_equal(search(f, "m*").total, 3);
	assert_int_equal(search(f, "mi* -zq*").total, 3);
	assert_int_equal(search(f, "zq* -codes").total, 0);
	assert_int_equal(search(f, "t* mi*").total, 2); /* "the mine", "the minister" */
	assert_int_equal(search(f, "min*").total, 3);
	assert_int_equal(search(f, "minis*").total, 1);
	assert_int_equal(search(f, "minef*").total, 1);
	assert_int_equal(search(f, "minx*").total, 0);
	found r = search(f, "the -minis*");
	assert_int_equal(r.total, 1);
	assert_string_equal(r.slugs[0], "p2");
	/* "the mine…" (FTS5's own phrase prefix): "the minister" is not one */
	r = search(f, "\"the mine\"*");
	assert_int_equal(r.total, 1);
	assert_string_equal(r.slugs[0], "p2");
	r = search(f, "minef*");
	assert_string_equal(r.slugs[0], "p1");
	assert_non_null(strstr(r.snippets[0], "\x02minefield\x03"));
}

static void progress(void *ctx, size_t done, size_t total)
{
	size_t *calls = ctx;
	assert_true(done <= total);
	(*calls)++;
}

static void test_rebuild(void **state)
{
	fixture *f = *state;
	for (int i = 0; i < 12; i++) {
		char slug[32];
		snprintf(slug, sizeof slug, "story-%d", i);
		add(f, (story){.slug = nz_arena_strdup(f->arena, slug),
			       .headline = i % 2 ? "Destroyer launched" : "Submarine launched"});
	}
	size_t calls = 0;
	assert_int_equal(nz_store_search_rebuild(f->store, progress, &calls, &f->err), NZ_OK);
	assert_true(calls >= 2);
	assert_int_equal(search(f, "destroyer").total, 6);
	assert_int_equal(search(f, "launch").total, 12);
}

static void test_related(void **state)
{
	fixture *f = *state;
	int64_t me =
	    add(f, (story){.slug = "me",
			   .headline = "Minehunter delivered to the navy",
			   .body = "The minehunter Ganghwa joined the mine warfare flotilla."});
	add(f, (story){.slug = "sister",
		       .headline = "Second minehunter launched",
		       .body = "Another minehunter for the mine warfare flotilla."});
	add(f, (story){.slug = "cousin",
		       .headline = "Flotilla exercise",
		       .body = "The mine warfare flotilla trained."});
	add(f, (story){.slug = "other", .headline = "Budget approved", .body = "Money."});
	add(f, (story){.slug = "korean", .headline = "소해함 minehunter 인도", .lang = "ko"});
	add(f, (story){.slug = "hidden", .headline = "Minehunter flotilla draft", .draft = true});
	add(f, (story){.slug = "gone",
		       .headline = "Minehunter flotilla mine warfare",
		       .status = NZ_STATUS_RETRACTED});
	nz_article *a = NULL;
	assert_int_equal(nz_store_article_by_id(f->store, f->arena, me, &a, &f->err), NZ_OK);
	nz_article_list list;
	assert_int_equal(nz_store_related(f->store, f->arena, a, NOW, 5, &list, &f->err), NZ_OK);
	/* Same language, public, sharing its words; never itself, a draft or a retraction. */
	assert_int_equal(list.n, 2);
	bool sister = false, cousin = false;
	for (size_t i = 0; i < list.n; i++) {
		sister |= strcmp(list.items[i].slug, "sister") == 0;
		cousin |= strcmp(list.items[i].slug, "cousin") == 0;
	}
	assert_true(sister && cousin);
	/* An article whose words no other has has no related articles. */
	nz_article *lone = small_article(f->arena, "lone", NZ_STATUS_PUBLISHED, NOW - DAY);
	lone->headline = "Zeppelin quokka";
	assert_int_equal(nz_store_article_create(f->store, f->arena, lone, NULL, &f->err), NZ_OK);
	assert_int_equal(nz_store_related(f->store, f->arena, lone, NOW, 5, &list, &f->err), NZ_OK);
	assert_int_equal(list.n, 0);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, fixture_setup, fixture_teardown)
	const struct CMUnitTest tests[] = {
	    T(test_headline_above_highlights_above_body),
	    T(test_recency_and_its_switch),
	    T(test_filters),
	    T(test_never_found),
	    T(test_korean),
	    T(test_snippet_prefers_body),
	    T(test_snippet_overlapping_korean),
	    T(test_rebuild),
	    T(test_related),
	    T(test_prefixes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
