/* Tests src/store/sqlite/search.c, search_related.c and search_fts.c: ranking (headline above body,
 * recency and switching it off, newest first), filters, what readers can never find (drafts,
 * scheduled, embargoed, retracted, future), Korean words inside longer words, snippets, related
 * articles, and that the index follows writes made to the articles table directly, behind the
 * store's back, and a rebuild; the rank function equals FTS5's bm25() with the recency factor, and
 * prefixes find the same whichever way they are run. */
#include "search/search.h"
#include "store/sqlite/sqlite_int.h"
#include "store/store_test.h"

#define NOW 1800000000
#define DAY 86400

typedef struct story {
	const char *slug, *headline, *body, *lang, *section, *tag, *author;
	nz_status status; /* 0 (draft) means published here; drafts set draft */
	bool draft;
	nz_time published, embargo;
} story;

static int64_t add(fixture *f, story s)
{
	nz_status st = s.draft ? NZ_STATUS_DRAFT : s.status ? s.status : NZ_STATUS_PUBLISHED;
	nz_article *a = small_article(f->arena, s.slug, st, s.published ? s.published : NOW - DAY);
	a->headline = s.headline;
	a->body_markdown = s.body ? s.body : "";
	a->language = s.lang ? s.lang : "en";
	a->embargo_until = s.embargo;
	if (s.section) {
		a->section = nz_arena_zalloc(f->arena, sizeof(nz_section));
		a->section->slug = s.section;
	}
	if (s.tag) {
		a->tags = nz_arena_zalloc(f->arena, sizeof(nz_tag));
		a->tags[0].slug = s.tag;
		a->n_tags = 1;
	}
	if (s.author) {
		a->authors = nz_arena_zalloc(f->arena, sizeof(nz_author));
		a->authors[0].slug = s.author;
		a->authors[0].display_name = s.author;
		a->n_authors = 1;
	}
	if (nz_store_article_create(f->store, f->arena, a, NULL, &f->err) != NZ_OK)
		fail_msg("create %s: %s", s.slug, f->err.msg);
	return a->id;
}

typedef struct found {
	const char *slugs[32];
	const char *snippets[32];
	size_t n, total;
} found;

/* Searches with q and the filters in base (query, now and limit filled here). */
static found search_with(fixture *f, const char *q, nz_article_search base)
{
	found r = {0};
	nz_search_query parsed;
	nz_search_results res;
	assert_int_equal(nz_search_parse(f->arena, q, strlen(q), &parsed), NZ_OK);
	base.query = &parsed;
	if (!base.now)
		base.now = NOW;
	if (!base.limit)
		base.limit = 30;
	if (nz_store_search(f->store, f->arena, &base, &res, &f->err) != NZ_OK)
		fail_msg("search %s: %s", q, f->err.msg);
	for (size_t i = 0; i < res.n && i < 32; i++) {
		r.slugs[i] = res.items[i].article.slug;
		r.snippets[i] = res.items[i].snippet;
	}
	r.n = res.n;
	r.total = res.total;
	return r;
}

static found search(fixture *f, const char *q)
{
	return search_with(f, q, (nz_article_search){0});
}

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

/* A second connection to the file, as another program would open it, with the tokenizer. */
static sqlite3 *open_raw(const fixture *f)
{
	nz__sqlite h = {0};
	nz_err err = {0};
	assert_int_equal(sqlite3_open(f->path, &h.db), SQLITE_OK);
	sqlite3_busy_timeout(h.db, 5000);
	assert_int_equal(nz__sq_search_register(&h, &err), NZ_OK);
	return h.db;
}

static void test_index_follows_direct_writes(void **state)
{
	fixture *f = *state;
	int64_t id = add(f, (story){.slug = "edit-me",
				    .headline = "Coast guard cutter",
				    .body = "A cutter patrols."});
	assert_int_equal(search(f, "cutter").total, 1);
	sqlite3 *db = open_raw(f);
	char sql[256];
	snprintf(sql, sizeof sql,
		 "UPDATE articles SET headline = 'Patrol boat', body_markdown = 'A boat.',"
		 " highlights = '[\"Hovercraft trials\"]' WHERE id = %lld",
		 (long long)id);
	assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(search(f, "cutter").total, 0);
	assert_int_equal(search(f, "boat").total, 1);
	assert_int_equal(search(f, "hovercraft").total, 1);
	/* A status change alone needs no tokenizer and hides the story at once. */
	assert_int_equal(db_exec(f, "UPDATE articles SET status = 'retracted'"), SQLITE_OK);
	assert_int_equal(search(f, "boat").total, 0);
	assert_int_equal(db_exec(f, "UPDATE articles SET status = 'published'"), SQLITE_OK);
	assert_int_equal(search(f, "boat").total, 1);
	/* Deleting the row (revisions keep it in real life; foreign keys are off here). */
	snprintf(sql, sizeof sql, "DELETE FROM articles WHERE id = %lld", (long long)id);
	assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(search(f, "boat").total, 0);
	sqlite3_stmt *st = NULL;
	assert_int_equal(
	    sqlite3_prepare_v2(db, "SELECT count(*) FROM articles_fts_vocab", -1, &st, NULL),
	    SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_int_equal(sqlite3_column_int(st, 0), 0); /* no term left behind */
	sqlite3_finalize(st);
	sqlite3_close(db);
}

/* nz_rank (search_rank.c) is bm25(articles_fts, 10, 4, 1) times the recency factor, whether it
 * reads the row's length from the docsize blob the query joins or asks FTS5 for it. */
static void test_rank_is_bm25(void **state)
{
	fixture *f = *state;
	add(f, (story){.slug = "r1", .headline = "Frigate radar", .body = "A radar."});
	add(f, (story){.slug = "r2",
		       .headline = "Harbor",
		       .body = "The frigate has a new radar and an old radar, said the navy "
			       "officer at the long briefing on Monday."});
	add(f, (story){.slug = "r3",
		       .headline = "Radar frigate frigate",
		       .body = "",
		       .published = NOW - 90 * DAY});
	add(f, (story){.slug = "r4", .headline = "Budget", .body = "No match here."});
	sqlite3 *db = open_raw(f);
	sqlite3_stmt *st = NULL;
	assert_int_equal(
	    sqlite3_prepare_v2(
		db,
		"SELECT bm25(articles_fts, 10.0, 4.0, 1.0),"
		" nz_rank(articles_fts, 0.0, 0, 0, d.sz),"
		" nz_rank(articles_fts, 0.0, 0, 0, NULL),"
		" nz_rank(articles_fts, 1.0, ?2, a.published_at, d.sz),"
		" ?2 - a.published_at"
		" FROM articles_fts JOIN articles_fts_docsize d ON d.id = articles_fts.rowid"
		" JOIN articles a ON a.id = articles_fts.rowid"
		" WHERE articles_fts MATCH ?1",
		-1, &st, NULL),
	    SQLITE_OK);
	sqlite3_bind_text(st, 1, "frigate radar", -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, NOW);
	int rows = 0;
	while (sqlite3_step(st) == SQLITE_ROW) {
		double bm25 = sqlite3_column_double(st, 0);
		double age = (double)sqlite3_column_int64(st, 4);
		assert_true(bm25 < 0.0);
		assert_float_equal(sqlite3_column_double(st, 1), bm25, 1e-9);
		assert_float_equal(sqlite3_column_double(st, 2), bm25, 1e-9);
		assert_float_equal(sqlite3_column_double(st, 3),
				   bm25 * (1.0 + 1.0 / (1.0 + age / 2592000.0)), 1e-9);
		rows++;
	}
	assert_int_equal(rows, 3);
	sqlite3_finalize(st);
	sqlite3_close(db);
}

/* A prefix finds every word starting with it, whether it is written as the OR of the index's
 * terms (up to 64 of them) or left to FTS5 (more). */
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
	assert_int_equal(search(f, "zq*").total, 1);  /* 70 terms: FTS5's prefix query */
	assert_int_equal(search(f, "zq3*").total, 1); /* zq3, zq30..zq39: expanded */
	assert_int_equal(search(f, "min*").total, 3);
	assert_int_equal(search(f, "minis*").total, 1);
	assert_int_equal(search(f, "minef*").total, 1);
	assert_int_equal(search(f, "minx*").total, 0);
	found r = search(f, "the -minis*");
	assert_int_equal(r.total, 1);
	assert_string_equal(r.slugs[0], "p2");
	assert_int_equal(search(f, "\"the mine\"*").total, 2); /* the min…: FTS5's own */
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
	    T(test_index_follows_direct_writes),
	    T(test_rebuild),
	    T(test_related),
	    T(test_rank_is_bm25),
	    T(test_prefixes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
