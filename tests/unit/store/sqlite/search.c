/* Tests what only the SQLite backend's search has (src/store/sqlite/search_fts.c,
 * search_rank.c): the FTS5 index follows writes made to the articles table directly, behind the
 * store's back, and the rank function equals FTS5's bm25() with the recency factor. The search
 * contract of every backend is tests/unit/store/search.c. */
#include "store/search_test.h"
#include "store/sqlite/sqlite_int.h"

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

static int64_t count_of(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st = NULL;
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	int64_t n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return n;
}

/* An index an older tokenizer made (a migration says so in search_stale) is made again by the
 * next program that opens the database for writing, not by a reader. */
static void test_stale_index_is_rebuilt_on_open(void **state)
{
	fixture *f = *state;
	add(f, (story){.slug = "tug", .headline = "Harbor tugs", .body = "Tugs added power."});
	assert_int_equal(search(f, "tug").total, 1);
	sqlite3 *db = open_raw(f);
	assert_int_equal(count_of(db, "SELECT count(*) FROM search_stale"), 0);
	/* what an older stemmer left: nothing the current one's terms find */
	assert_int_equal(
	    sqlite3_exec(db,
			 "INSERT INTO articles_fts(articles_fts) VALUES ('delete-all');"
			 "INSERT INTO search_stale(reason) VALUES ('a test');",
			 NULL, NULL, NULL),
	    SQLITE_OK);
	assert_int_equal(search(f, "tug").total, 0);
	nz_store_close(f->store);
	assert_int_equal(nz_store_open(f->path, NZ_STORE_READONLY, &f->store, &f->err), NZ_OK);
	assert_int_equal(search(f, "tug").total, 0); /* a reader leaves it */
	nz_store_close(f->store);
	assert_int_equal(nz_store_open(f->path, 0, &f->store, &f->err), NZ_OK);
	assert_int_equal(search(f, "tug").total, 1);
	assert_int_equal(search(f, "add").total, 1); /* "added": the stems of today */
	assert_int_equal(count_of(db, "SELECT count(*) FROM search_stale"), 0);
	sqlite3_close(db);
}

/* The index keeps the postings of every term's first 1, 2 and 3 characters (migration 30), so
 * a short prefix is read like one word; FTS5 answers a query of such a prefix from them, and
 * with them a prefix that starts many words finds what it finds without them. */
static void test_prefix_postings(void **state)
{
	fixture *f = *state;
	nz_buf many;
	nz_buf_init(&many, 0);
	for (int i = 0; i < 100; i++)
		nz_buf_printf(&many, "ma%dx ", i);
	add(f, (story){.slug = "many", .headline = "Codes", .body = nz_buf_cstr(&many)});
	nz_buf_free(&many);
	add(f, (story){.slug = "mayor", .headline = "The mayor", .body = "Marching bands."});
	sqlite3 *db = open_raw(f);
	assert_int_equal(count_of(db, "SELECT count(*) FROM sqlite_schema WHERE name ="
				      " 'articles_fts' AND sql LIKE '%prefix = ''1 2 3''%'"),
			 1);
	assert_int_equal(count_of(db, "SELECT count(*) FROM articles_fts('ma*')"), 2);
	assert_int_equal(count_of(db, "SELECT count(*) FROM articles_fts('m*')"), 2);
	sqlite3_close(db);
	assert_int_equal(search(f, "ma*").total, 2);
	assert_int_equal(search(f, "ma9*").total, 1);
	assert_int_equal(search(f, "mar*").total, 1);
	assert_int_equal(search(f, "ma* -codes").total, 1);
}

/* A section filter's set of ids (search_filter.c) follows every write to the articles, this
 * connection's or another's: an article added to the section or moved into it is found by the
 * next search, one moved out is not. */
static void test_section_filter_follows_writes(void **state)
{
	fixture *f = *state;
	add(f, (story){.slug = "d1", .headline = "Drill one", .section = "defense"});
	add(f, (story){.slug = "p1", .headline = "Drill two", .section = "politics"});
	nz_article_search in_defense = {.section_slug = "defense"};
	found r = search_with(f, "drill", in_defense);
	assert_int_equal(r.total, 1);
	add(f, (story){.slug = "d2", .headline = "Drill three", .section = "defense"});
	assert_int_equal(search_with(f, "drill", in_defense).total, 2);
	sqlite3 *db = open_raw(f);
	assert_int_equal(sqlite3_exec(db,
				      "UPDATE articles SET section_id = (SELECT id FROM sections"
				      " WHERE slug = 'defense') WHERE slug = 'p1';"
				      "UPDATE articles SET section_id = (SELECT id FROM sections"
				      " WHERE slug = 'politics') WHERE slug = 'd1'",
				      NULL, NULL, NULL),
			 SQLITE_OK);
	sqlite3_close(db);
	r = search_with(f, "drill", in_defense);
	assert_int_equal(r.total, 2);
	assert_true(strcmp(r.slugs[0], "d1") != 0 && strcmp(r.slugs[1], "d1") != 0);
	r = search_with(f, "drill", (nz_article_search){.section_slug = "politics"});
	assert_int_equal(r.total, 1);
	assert_string_equal(r.slugs[0], "d1");
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

/* One page of q with the filters in base: its items (limit 30). */
static nz_search_results page_of(fixture *f, const char *q, nz_article_search base)
{
	nz_search_query parsed;
	nz_search_results res;
	assert_int_equal(nz_search_parse(f->arena, q, strlen(q), &parsed), NZ_OK);
	base.query = &parsed;
	base.now = NOW;
	base.limit = 30;
	if (nz_store_search(f->store, f->arena, &base, &res, &f->err) != NZ_OK)
		fail_msg("search %s: %s", q, f->err.msg);
	return res;
}

/* A section filter bounds the index's walk by the section's lowest and highest id
 * (search_filter.c) and decides nothing: with it, a search finds what the search without it
 * finds in the section (the section's oldest and newest articles too), in the same order, with
 * the same scores and snippets, exclusions and a language filter included. */
static void test_section_filter_is_the_search_restricted(void **state)
{
	fixture *f = *state;
	static const char *const queries[] = {"drill", "drill -budget", "dri*", "drill navy"};
	add(f, (story){.slug = "p0", .headline = "Drill at sea", .section = "politics"});
	add(f, (story){.slug = "d-oldest", .headline = "Drill drill", .section = "defense"});
	add(f, (story){.slug = "d-budget", .headline = "Drill budget", .section = "defense"});
	add(f, (story){.slug = "p1", .headline = "Navy drill", .section = "politics"});
	add(f, (story){.slug = "d-ko", .headline = "Drill", .lang = "ko", .section = "defense"});
	add(f, (story){.slug = "p2", .headline = "Drill vote", .section = "politics"});
	add(f, (story){.slug = "d-newest",
		       .headline = "Drill ends",
		       .body = "The navy drill ended on Monday.",
		       .section = "defense"});
	add(f, (story){.slug = "p3", .headline = "Drill, again", .section = "politics"});
	for (size_t k = 0; k < sizeof queries / sizeof *queries; k++) {
		for (int lang = 0; lang < 2; lang++) {
			nz_article_search base = {.language = lang ? "en" : NULL};
			nz_search_results all = page_of(f, queries[k / 3], base);
			base.section_slug = "defense";
			nz_search_results sec = page_of(f, queries[k / 3], base);
			size_t n = 0;
			for (size_t i = 0; i < all.n; i++) {
				const nz_search_hit *want = &all.items[i];
				if (want->article.slug[0] != 'd')
					continue;
				assert_true(n < sec.n);
				assert_string_equal(sec.items[n].article.slug, want->article.slug);
				assert_true(sec.items[n].score == want->score);
				assert_string_equal(sec.items[n].snippet, want->snippet);
				n++;
			}
			assert_true(n >= 1);
			assert_int_equal(sec.n, n);
			assert_int_equal(sec.total, n);
			if (k == 0) /* every article of the section, oldest and newest too */
				assert_int_equal(n, lang ? 3 : 4);
		}
	}
}

/* FTS5's own answer to q (its MATCH with the exclusions after NOT, as search.c wrote it before
 * the exclusions' sets): the public articles' slugs and ranks, best first, into slugs/scores. */
static size_t fts5_not_answer(sqlite3 *db, fixture *f, const char *q, const char *lang,
			      const char **slugs, double *scores, size_t max)
{
	nz_search_query parsed;
	nz_buf m;
	sqlite3_stmt *st = NULL;
	size_t n = 0;
	nz_buf_init(&m, 0);
	assert_int_equal(nz_search_parse(f->arena, q, strlen(q), &parsed), NZ_OK);
	assert_int_equal(nz_search_fts5(&parsed, &m), NZ_OK);
	assert_int_equal(
	    sqlite3_prepare_v2(
		db,
		"SELECT a.slug, nz_rank(articles_fts, 1.0, ?2, a.published_at, d.sz) AS r"
		" FROM articles_fts JOIN articles_fts_docsize d ON d.id = articles_fts.rowid"
		" JOIN articles a ON a.id = articles_fts.rowid"
		" WHERE articles_fts MATCH ?1 AND a.status = 'published'"
		" AND (?3 IS NULL OR a.language = ?3) ORDER BY r, a.id DESC",
		-1, &st, NULL),
	    SQLITE_OK);
	sqlite3_bind_text(st, 1, nz_buf_cstr(&m), -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 2, NOW);
	sqlite3_bind_text(st, 3, lang, -1, SQLITE_STATIC);
	while (sqlite3_step(st) == SQLITE_ROW && n < max) {
		slugs[n] = nz_arena_strdup(f->arena, (const char *)sqlite3_column_text(st, 0));
		scores[n++] = sqlite3_column_double(st, 1);
	}
	sqlite3_finalize(st);
	nz_buf_free(&m);
	return n;
}

/* An exclusion is left out by FTS5's NOT at its first search and, once its window was large
 * (here: any), through a set of the excluded articles' ids (search_filter.c), made at the second
 * search and kept for the third: each of the three finds what FTS5's NOT finds, in the same
 * order, with the same scores to the bit (a lone word is ranked with its IDF, as it was beside
 * the excluded ones), for words, phrases and prefixes excluded, with a language and a section
 * filter. */
static void test_exclusion_is_fts5_not(void **state)
{
	fixture *f = *state;
	nz__sq_exclusion_sets_after(nz__sq(f->store), 0);
	static const char *const queries[] = {"drill -budget",
					      "drill navy -budget",
					      "drill -budget -vote",
					      "dri* -bud*",
					      "drill -\"drill vote\"",
					      "\"navy drill\" -monday",
					      "drill -nosuchword",
					      "drill -drill",
					      "navy -budget -drill",
					      "drill NOT sea -budget",
					      "dr* -navy",
					      "drill -b*"};
	add(f, (story){.slug = "p0", .headline = "Drill at sea", .section = "politics"});
	add(f, (story){.slug = "d-budget", .headline = "Drill budget", .section = "defense"});
	add(f, (story){.slug = "d-navy", .headline = "Navy drill", .body = "Drill, drill."});
	add(f, (story){.slug = "p1", .headline = "Drill vote", .body = "The budget vote."});
	add(f, (story){.slug = "d-ko", .headline = "Drill", .lang = "ko", .section = "defense"});
	add(f, (story){.slug = "d-new",
		       .headline = "Drill ends",
		       .body = "Navy drill, Monday.",
		       .section = "defense",
		       .published = NOW - 3 * DAY});
	add(f, (story){.slug = "p2", .headline = "Budget drill", .body = "Drilling the navy."});
	add(f, (story){.slug = "p3", .headline = "Drill drill drill", .section = "defense"});
	for (int i = 0; i < 24; i++) { /* so that drill's IDF counts (not in most articles) */
		char slug[16];
		snprintf(slug, sizeof slug, "h%d", i);
		add(f, (story){.slug = nz_arena_strdup(f->arena, slug), .headline = "Harbor"});
	}
	sqlite3 *db = open_raw(f);
	for (size_t k = 0; k < sizeof queries / sizeof *queries * 3; k++) {
		for (int lang = 0; lang < 2; lang++) {
			const char *want[32];
			double score[32];
			size_t n = fts5_not_answer(db, f, queries[k / 3], lang ? "en" : NULL, want,
						   score, 32);
			nz_search_results got = page_of(
			    f, queries[k / 3], (nz_article_search){.language = lang ? "en" : NULL});
			assert_int_equal(got.n, n);
			for (size_t i = 0; i < n; i++) {
				assert_string_equal(got.items[i].article.slug, want[i]);
				if (got.items[i].score != score[i])
					fail_msg("%s lang %d item %zu: %.17g %.17g", queries[k / 3],
						 lang, i, got.items[i].score, score[i]);
			}
			nz_search_results sec =
			    page_of(f, queries[k / 3],
				    (nz_article_search){.language = lang ? "en" : NULL,
							.section_slug = "defense"});
			size_t m = 0;
			for (size_t i = 0; i < got.n; i++) {
				if (!got.items[i].article.section ||
				    strcmp(got.items[i].article.section->slug, "defense") != 0)
					continue;
				assert_true(m < sec.n);
				assert_string_equal(sec.items[m].article.slug,
						    got.items[i].article.slug);
				assert_true(sec.items[m].score == got.items[i].score);
				assert_string_equal(sec.items[m].snippet, got.items[i].snippet);
				m++;
			}
			assert_int_equal(sec.n, m);
		}
	}
	assert_int_equal(search(f, "drill -budget").total, 5);
	sqlite3_close(db);
}

/* An exclusion's set follows every write to the index, another connection's too: an article
 * that comes to hold the excluded word is left out by the next search, one that loses it is
 * found again, a new one holding it is left out. */
static void test_exclusion_follows_writes(void **state)
{
	fixture *f = *state;
	nz__sq_exclusion_sets_after(nz__sq(f->store), 0);
	add(f, (story){.slug = "a", .headline = "Drill one", .section = "defense"});
	int64_t b = add(f, (story){.slug = "b", .headline = "Drill two", .section = "defense"});
	add(f,
	    (story){
		.slug = "c", .headline = "Drill three", .body = "A budget.", .section = "defense"});
	assert_int_equal(search(f, "drill -budget").total, 2); /* FTS5's NOT */
	assert_int_equal(search(f, "drill -budget").total, 2); /* the set, made */
	sqlite3 *db = open_raw(f);
	char sql[160];
	snprintf(sql, sizeof sql,
		 "UPDATE articles SET body_markdown = 'Its budget.' WHERE id = %lld", (long long)b);
	assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	found r = search(f, "drill -budget");
	assert_int_equal(r.total, 1);
	assert_string_equal(r.slugs[0], "a");
	r = search(f, "drill -budget"); /* the set, made again */
	assert_int_equal(r.total, 1);
	assert_string_equal(r.slugs[0], "a");
	assert_int_equal(
	    sqlite3_exec(db, "UPDATE articles SET body_markdown = 'None.' WHERE slug = 'c'", NULL,
			 NULL, NULL),
	    SQLITE_OK);
	assert_int_equal(search(f, "drill -budget").total, 2);
	assert_int_equal(search(f, "drill -budget").total, 2);
	sqlite3_close(db);
	add(f, (story){.slug = "d",
		       .headline = "Drill four",
		       .body = "Budget cuts.",
		       .section = "defense"});
	add(f, (story){.slug = "e", .headline = "Drill five", .section = "defense"});
	for (int round = 0; round < 2; round++) {
		r = search(f, "drill -budget");
		assert_int_equal(r.total, 3);
		for (size_t i = 0; i < r.n; i++)
			assert_true(strcmp(r.slugs[i], "b") != 0 && strcmp(r.slugs[i], "d") != 0);
	}
	/* A search uses an exclusion's set and a section's at once: the one made second never
	 * takes the first's place, whichever slot the handle replaces next. */
	char sec[8][16];
	for (int i = 0; i < 8; i++) {
		snprintf(sec[i], sizeof sec[i], "s%d", i);
		add(f, (story){.slug = nz_arena_strdup(f->arena, sec[i]),
			       .headline = "Drill",
			       .section = nz_arena_strdup(f->arena, sec[i])});
	}
	assert_int_equal(search(f, "drill -budget").total, 11); /* asks for its set */
	assert_int_equal(search(f, "drill -budget").total, 11); /* its set: slot k */
	for (int i = 0; i < 7; i++)                             /* seven more: k is replaced next */
		assert_int_equal(
		    search_with(f, "drill", (nz_article_search){.section_slug = sec[i]}).total, 1);
	r = search_with(f, "drill -budget", (nz_article_search){.section_slug = sec[7]});
	assert_int_equal(r.total, 1);
	assert_string_equal(r.slugs[0], "s7");
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, fixture_setup, fixture_teardown)
	const struct CMUnitTest tests[] = {
	    T(test_exclusion_follows_writes),
	    T(test_exclusion_is_fts5_not),
	    T(test_index_follows_direct_writes),
	    T(test_rank_is_bm25),
	    T(test_prefix_postings),
	    T(test_section_filter_follows_writes),
	    T(test_section_filter_is_the_search_restricted),
	    T(test_stale_index_is_rebuilt_on_open),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
