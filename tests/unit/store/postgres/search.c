/*
 * Tests src/store/postgres/search_window.c and search/passage.c against SQLite on one corpus:
 * the same articles are written to a SQLite store (whose FTS5 index is the reference) and to
 * PostgreSQL (the articles rows, and article_search rows written here in the format of
 * docs/postgres.md, "The row", until the articles aggregate writes them itself); then every
 * query of a list must give on PostgreSQL the window SQLite gives: the same articles in the same
 * order with the same scores (BM25, field weights, recency), filters and public-ness alike; and
 * the passage made in C must be FTS5's snippet().
 */
#include <math.h>

#include "search/search.h"
#include "store/postgres/pg_test.h"

#define NOW 1800000000
#define DAY 86400

typedef struct story {
	const char *slug, *headline, *intro, *hl, *body, *lang, *section;
	nz_status status;
	int age_days;
	nz_time embargo;
	const char *tag, *author; /* slugs (the names are the same), NULL: none */
} story;

static const story corpus[] = {
    /* culture: the first and the last article, so sparse by id (the GIN index, not a walk) */
    {"culture-old", "Festival radar", NULL, NULL, "The festival had a radar show and a drill.",
     "en", "culture", NZ_STATUS_PUBLISHED, 30, 0, NULL, "kim"},
    {"radar-body", "Ministers meet", NULL, NULL, "A word on radar. The radar was new.", "en",
     "defense", NZ_STATUS_PUBLISHED, 1, 0, "coast", "kim"},
    {"radar-head", "Radar upgrade for the navy", NULL, NULL, "A word.", "en", "defense",
     NZ_STATUS_PUBLISHED, 3, 0, "navy", "lee"},
    {"radar-hl", "Ministers talk", "During the meeting:", "New radar for the coast", "A word.",
     "en", "politics", NZ_STATUS_PUBLISHED, 2, 0, "coast", NULL},
    {"drill-old", "Harbor news", NULL, NULL,
     "The frigate and another frigate sailed for the joint naval drill.", "en", "defense",
     NZ_STATUS_PUBLISHED, 700, 0, "navy", "lee"},
    {"drill-new", "Harbor news today", NULL, NULL,
     "The frigate sailed with the fleet. Joint naval drills resume; the navy exercises.", "en",
     "defense", NZ_STATUS_PUBLISHED, 1, 0, "navy", "kim"},
    {"exercise", "Exercises planned", NULL, NULL,
     "Defense officials planned exercising the defenders near the border, K-9 guns and F-35A "
     "jets. The exercise was defended.",
     "en", "defense", NZ_STATUS_PUBLISHED, 40, 0, NULL, "lee"},
    {"policy", "Policies on drills", NULL, NULL,
     "The policy said drills follow. Long-range drills were discussed at length by the "
     "committee, which met on a cold day in the capital, and the drill schedule was set.",
     "en", "politics", NZ_STATUS_PUBLISHED, 10, 0, NULL, "kim"},
    {"ko-1", "한미동맹 연합훈련", NULL, NULL,
     "국방부는 한미동맹은 굳건하다고 밝혔다. 연합훈련은 계속된다.", "ko", "defense",
     NZ_STATUS_PUBLISHED, 5, 0, "navy", "kim"},
    {"ko-2", "국방 예산", NULL, NULL, "국방부는 예산을 늘렸다. 동맹 관계도 논의했다.", "ko",
     "politics", NZ_STATUS_PUBLISHED, 20, 0, "coast", NULL},
    /* 환경경제: two overlapping pairs in a row that a single syllable (경) both starts */
    {"ko-3", "환경경제 보고서", NULL, NULL,
     "정부는 환경경제 보고서를 냈다. 경기 전망과 경제 지표가 담겼다.", "ko", "politics",
     NZ_STATUS_PUBLISHED, 6, 0, NULL, "kim"},
    {"long", "Coast guard report", NULL, NULL,
     "The report opens with weather and tides along the coast for the whole week ahead of the "
     "festival season and the crowds it brings. Then it turns to shipping: a cargo line, two "
     "ferries and a fishing fleet reported a submarine cable fault near the island, and the "
     "repair crews said the submarine cable would be fixed in days. The rest covers harbor fees, "
     "staff changes and a new office that opens next spring near the old market by the river.",
     "en", "politics", NZ_STATUS_PUBLISHED, 4, 0, "coast", "lee"},
    {"draft", "Radar draft", NULL, NULL, "radar radar", "en", "defense", NZ_STATUS_DRAFT, 1, 0,
     "navy", NULL},
    {"embargoed", "Radar embargoed", NULL, NULL, "radar", "en", "defense", NZ_STATUS_PUBLISHED, 1,
     NOW + DAY, NULL, "kim"},
    {"future", "Radar future", NULL, NULL, "radar", "en", "defense", NZ_STATUS_PUBLISHED, -2, 0,
     NULL, NULL},
    {"retracted", "Radar retracted", NULL, NULL, "radar", "en", "defense", NZ_STATUS_RETRACTED, 1,
     0, "navy", "lee"},
    {"culture-new", "Festival season", NULL, NULL, "The navy band played at the festival.", "en",
     "culture", NZ_STATUS_PUBLISHED, 2, 0, "navy", NULL},
};
#define N_CORPUS (sizeof(corpus) / sizeof(corpus[0]))

typedef struct world {
	pg_fixture *f;
	char dir[32], path[64];
	nz_store *sq, *pg;
	nz_arena *arena;
	int64_t ids[N_CORPUS];
	nz_article *articles[N_CORPUS];
} world;

/* ---- article_search rows, as docs/postgres.md "The row" defines them ---------------------- */

typedef struct row_terms {
	nz_buf *out;
	int pos;        /* the last position given */
	int count;      /* terms of the field */
	char weight[2]; /* "A", "B", "" (D) */
} row_terms;

static int put_term(void *ctx, const char *term, size_t len, size_t start, size_t end)
{
	(void)start;
	(void)end;
	row_terms *r = ctx;
	r->pos++;
	r->count++;
	nz_buf_putc(r->out, ' ');
	nz_search_ts_lexeme(term, len, r->out);
	nz_buf_printf(r->out, ":%d%s", r->pos < 16383 ? r->pos : 16383, r->weight);
	return 0;
}

/* One field's terms; the next field starts after one unused position. */
static int field(row_terms *r, const char *text, const char *weight)
{
	r->count = 0;
	snprintf(r->weight, sizeof(r->weight), "%s", weight);
	if (text)
		nz_search_tokenize(text, strlen(text), put_term, r);
	r->pos++;
	return r->count;
}

/* Runs sql with the n values v on the test's connection; fails the test, naming what and the
 * article's slug, when it does not succeed. */
static void exec_or_fail(world *w, const char *what, const char *slug, const char *sql, int n,
			 const char *const *v)
{
	PGresult *res = PQexecParams(w->f->conn, sql, n, NULL, v, NULL, NULL, 0);
	if (PQresultStatus(res) != PGRES_COMMAND_OK)
		fail_msg("%s %s: %s", what, slug, PQerrorMessage(w->f->conn));
	PQclear(res);
}

static void index_row(world *w, const nz_article *a)
{
	nz_buf terms, hl;
	char id[24], counts[3][16];
	nz_buf_init(&terms, 0);
	nz_buf_init(&hl, 0);
	if (a->highlights_intro)
		nz_buf_puts(&hl, a->highlights_intro);
	for (size_t i = 0; i < a->n_highlights; i++)
		nz_buf_printf(&hl, "%s%s", hl.len ? "\n" : "", a->highlights[i]);
	row_terms r = {&terms, 0, 0, ""};
	snprintf(counts[0], 16, "%d", field(&r, a->headline, "A"));
	snprintf(counts[1], 16, "%d", field(&r, hl.len ? nz_buf_cstr(&hl) : NULL, "B"));
	snprintf(counts[2], 16, "%d", field(&r, a->body_markdown, ""));
	snprintf(id, sizeof(id), "%lld", (long long)a->id);
	const char *v[] = {id, terms.len ? nz_buf_cstr(&terms) : "", counts[0], counts[1],
			   counts[2]};
	exec_or_fail(w, "index", a->slug,
		     "INSERT INTO article_search(article_id, terms, headline_terms,"
		     " highlights_terms, body_terms) VALUES ($1, $2::tsvector, $3, $4, $5)",
		     5, v);
	nz_buf_free(&terms);
	nz_buf_free(&hl);
}

/* The article's row in PostgreSQL (only what search reads), with SQLite's id. */
static void copy_article(world *w, const nz_article *a)
{
	char id[24], pub[24], emb[24], t[24], hl[512];
	snprintf(id, sizeof(id), "%lld", (long long)a->id);
	snprintf(pub, sizeof(pub), "%lld", (long long)a->published_at);
	snprintf(emb, sizeof(emb), "%lld", (long long)a->embargo_until);
	snprintf(t, sizeof(t), "%d", NOW);
	snprintf(hl, sizeof(hl), "[%s%s%s]", a->n_highlights ? "\"" : "",
		 a->n_highlights ? a->highlights[0] : "", a->n_highlights ? "\"" : "");
	const char *v[] = {id,
			   a->uuid,
			   a->slug,
			   a->language,
			   a->section ? a->section->slug : NULL,
			   nz_status_name(a->status),
			   a->headline,
			   a->highlights_intro,
			   hl,
			   a->body_markdown,
			   a->embargo_until ? emb : NULL,
			   a->published_at ? pub : NULL,
			   t};
	exec_or_fail(
	    w, "copy", a->slug,
	    "INSERT INTO articles(id, uuid, slug, language, section_id, status, headline,"
	    " highlights_intro, highlights, body_markdown, embargo_until, published_at, updated_at,"
	    " created_at) VALUES ($1, $2, $3, $4, (SELECT id FROM sections WHERE slug = $5), $6,"
	    " $7, $8, $9, $10, $11, $12, $13, $13)",
	    13, v);
}

/* The article's tag and author (story's) in PostgreSQL, by slug, created on first use. */
static void copy_people(world *w, const nz_article *a, const story *s)
{
	char id[24];
	snprintf(id, sizeof(id), "%lld", (long long)a->id);
	const char *v[] = {id, s->tag, s->author};
	exec_or_fail(
	    w, "people of", a->slug,
	    "WITH t AS (INSERT INTO tags(slug, name) SELECT $2::text, $2::text WHERE $2::text IS"
	    " NOT NULL ON CONFLICT (slug) DO UPDATE SET name = EXCLUDED.name RETURNING id),"
	    " au AS (INSERT INTO authors(slug, display_name) SELECT $3::text, $3::text WHERE"
	    " $3::text IS NOT NULL ON CONFLICT (slug) DO UPDATE SET display_name ="
	    " EXCLUDED.display_name RETURNING id),"
	    " x AS (INSERT INTO article_tags(article_id, tag_id, position) SELECT $1::bigint, id, 0"
	    " FROM t) INSERT INTO article_authors(article_id, author_id, position)"
	    " SELECT $1::bigint, id, 0 FROM au",
	    3, v);
}

static int setup(void **state)
{
	if (pg_fixture_setup(state))
		return -1;
	world *w = calloc(1, sizeof(*w));
	w->f = *state;
	w->arena = nz_arena_new();
	sqlite_reference(w->dir, w->path);
	if (nz_store_open(w->path, 0, &w->sq, &w->f->err) != NZ_OK ||
	    nz__pg_open(w->f->conninfo, NZ_STORE_CREATE, &w->pg, &w->f->err) != NZ_OK)
		fail_msg("open: %s", w->f->err.msg);
	pg_ok(w->f->conn, "INSERT INTO sections(slug, name) VALUES ('defense', 'Defense'),"
			  " ('politics', 'Politics'), ('culture', 'Culture')");
	for (size_t i = 0; i < N_CORPUS; i++) {
		const story *s = &corpus[i];
		nz_article *a = nz_arena_zalloc(w->arena, sizeof(*a));
		a->slug = s->slug;
		a->headline = s->headline;
		a->highlights_intro = s->intro;
		if (s->hl) {
			a->highlights = nz_arena_zalloc(w->arena, sizeof(char *));
			a->highlights[0] = s->hl;
			a->n_highlights = 1;
		}
		a->body_markdown = s->body;
		a->language = s->lang;
		a->status = s->status;
		a->section = nz_arena_zalloc(w->arena, sizeof(nz_section));
		a->section->slug = s->section;
		a->section->name = s->section;
		a->published_at = s->status == NZ_STATUS_DRAFT ? 0 : NOW - s->age_days * DAY;
		a->embargo_until = s->embargo;
		if (s->tag) {
			a->tags = nz_arena_zalloc(w->arena, sizeof(nz_tag));
			*a->tags = (nz_tag){.slug = s->tag, .name = s->tag};
			a->n_tags = 1;
		}
		if (s->author) {
			a->authors = nz_arena_zalloc(w->arena, sizeof(nz_author));
			*a->authors = (nz_author){.slug = s->author, .display_name = s->author};
			a->n_authors = 1;
		}
		if (nz_store_article_create(w->sq, w->arena, a, NULL, &w->f->err) != NZ_OK)
			fail_msg("create %s: %s", s->slug, w->f->err.msg);
		w->ids[i] = a->id;
		w->articles[i] = a;
		copy_article(w, a);
		copy_people(w, a, s);
		index_row(w, a);
		/* and through the store's writer: article_rank and search_postings too */
		if (nz__pg_search_write(nz__pg_h(w->pg), a->id, &w->f->err) != NZ_OK)
			fail_msg("write %s: %s", s->slug, w->f->err.msg);
	}
	*state = w;
	return 0;
}

static int teardown(void **state)
{
	world *w = *state;
	nz_store_close(w->sq);
	nz_store_close(w->pg);
	nz_arena_free(w->arena);
	sqlite_reference_remove(w->dir, w->path);
	*state = w->f;
	free(w);
	return pg_fixture_teardown(state);
}

/* ---- comparing the backends -------------------------------------------------------------- */

static const nz_article *article(const world *w, int64_t id)
{
	for (size_t i = 0; i < N_CORPUS; i++)
		if (w->ids[i] == id)
			return w->articles[i];
	fail_msg("no article %lld", (long long)id);
	return NULL;
}

/* The window of win on PostgreSQL, by the GIN index alone when gin_only (else from
 * search_postings where it fits). */
static nz__pg_candidate *pg_window(world *w, const nz__pg_window *win, bool gin_only, size_t *n)
{
	nz__pg *h = nz__pg_h(w->pg);
	nz__pg_candidate *c = NULL;
	bool capped = false;
	h->search_gin_only = gin_only;
	bool snap = nz__pg_read_begin(h);
	if (nz__pg_search_window(h, w->arena, win, &c, n, &capped, &w->f->err))
		fail_msg("postgres: %s", w->f->err.msg);
	nz__pg_read_end(h, snap);
	h->search_gin_only = false;
	return c;
}

/* The windows of win from search_postings and by the GIN index: the same ids in the same order
 * with the same scores. */
static void same_both_ways(world *w, const char *text, const nz__pg_window *win)
{
	size_t n = 0, n_gin = 0;
	nz__pg_candidate *c = pg_window(w, win, false, &n);
	nz__pg_candidate *g = pg_window(w, win, true, &n_gin);
	if (n != n_gin)
		fail_msg("%s: %zu hits from postings, %zu by GIN", text, n, n_gin);
	for (size_t i = 0; i < n; i++)
		if (c[i].id != g[i].id ||
		    fabs(c[i].score - g[i].score) > 1e-9 * (1.0 + fabs(g[i].score)))
			fail_msg("%s: #%zu is %lld (%.12g) from postings, %lld (%.12g) by GIN",
				 text, i, (long long)c[i].id, c[i].score, (long long)g[i].id,
				 g[i].score);
}

/* Runs text with the filters of base on both backends and compares the windows (PostgreSQL's
 * both ways: search_postings and the GIN index), and the body's passages when passages. */
static void same_hits(world *w, const char *text, nz_article_search base, bool passages)
{
	nz_search_query parsed;
	nz_search_results sq;
	nz_search_phrase *ph = NULL;
	nz__pg_candidate *c = NULL;
	size_t n_ph = 0, n = 0;
	assert_int_equal(nz_search_parse(w->arena, text, strlen(text), &parsed), NZ_OK);
	base.query = &parsed;
	base.now = NOW;
	base.limit = 100;
	if (nz_store_search(w->sq, w->arena, &base, &sq, &w->f->err) != NZ_OK)
		fail_msg("sqlite %s: %s", text, w->f->err.msg);
	assert_int_equal(nz_search_phrases(w->arena, &parsed, &ph, &n_ph), NZ_OK);
	nz__pg_window win = {&base, ph, n_ph, parsed.n, NULL, !base.no_recency, 0};
	same_both_ways(w, text, &win);
	c = pg_window(w, &win, false, &n);
	if (n != sq.total)
		fail_msg("%s: %zu hits on PostgreSQL, %zu on SQLite", text, n, sq.total);
	for (size_t i = 0; i < n; i++) {
		const nz_article *a = article(w, c[i].id);
		if (strcmp(a->slug, sq.items[i].article.slug) != 0)
			fail_msg("%s: #%zu is %s on PostgreSQL, %s on SQLite", text, i, a->slug,
				 sq.items[i].article.slug);
		if (fabs(c[i].score - sq.items[i].score) > 1e-9 * (1.0 + fabs(c[i].score)))
			fail_msg("%s: %s scores %.12g on PostgreSQL, %.12g on SQLite", text,
				 a->slug, c[i].score, sq.items[i].score);
		/* the body's passage, when the body matches, is FTS5's snippet() */
		size_t hits = 0;
		nz_buf b;
		nz_buf_init(&b, 0);
		assert_int_equal(
		    nz_search_passage(w->arena, a->body_markdown, strlen(a->body_markdown), ph,
				      n_ph, strcmp(a->language, "ko") == 0 ? 40 : 24, &hits, &b),
		    NZ_OK);
		if (passages && hits && strcmp(nz_buf_cstr(&b), sq.items[i].snippet) != 0)
			fail_msg("%s: snippet of %s\n  C:   %s\n  FTS5: %s", text, a->slug,
				 nz_buf_cstr(&b), sq.items[i].snippet);
		nz_buf_free(&b);
	}
}

static void same(world *w, const char *text, nz_article_search base)
{
	same_hits(w, text, base, true);
}

static void test_same_ranking(void **state)
{
	world *w = *state;
	static const char *const queries[] = {"radar",
					      "frigate",
					      "drill",
					      "navy drill",
					      "drills navy",
					      "\"joint naval drill\"",
					      "\"naval drills\"",
					      "exercises",
					      "policies",
					      "k9",
					      "K-9",
					      "f-35a",
					      "frigate -fleet",
					      "drill NOT policy",
					      "연합훈련",
					      "동맹",
					      "국방",
					      "한미동맹",
					      "word",
					      "the radar",
					      "ministers word",
					      "radar -\"new radar\"",
					      "submarine",
					      "cable fault",
					      "harbor",
					      "spring river"};
	for (size_t i = 0; i < sizeof(queries) / sizeof(queries[0]); i++) {
		same(w, queries[i], (nz_article_search){0});
		same(w, queries[i], (nz_article_search){.no_recency = true});
		same(w, queries[i], (nz_article_search){.sort = NZ_SEARCH_NEWEST});
	}
}

static void test_same_filters(void **state)
{
	world *w = *state;
	same(w, "radar", (nz_article_search){.section_slug = "defense"});
	same(w, "radar", (nz_article_search){.section_slug = "politics"});
	same(w, "radar", (nz_article_search){.section_slug = "nowhere"});
	same(w, "radar", (nz_article_search){.tag_slug = "nowhere"});
	same(w, "radar", (nz_article_search){.author_slug = "nobody"});
	same(w, "radar", (nz_article_search){.section_slug = "defense", .language = "en"});
	same(w, "drill", (nz_article_search){.language = "en"});
	same(w, "drill", (nz_article_search){.language = "ko"});
	same(w, "국방", (nz_article_search){.language = "ko"});
	same(w, "radar", (nz_article_search){.from = NOW - 2 * DAY - 10});
	same(w, "radar", (nz_article_search){.to = NOW - 2 * DAY + 10});
	same(w, "frigate", (nz_article_search){.from = NOW - 800 * DAY, .to = NOW - 600 * DAY});
	/* exclusions and sections (the GIN index), prefixes with a language (search_postings,
	 * migration 28) and with a section (the GIN index) */
	same(w, "drill -fleet", (nz_article_search){.section_slug = "defense"});
	same(w, "drill -fleet", (nz_article_search){.section_slug = "politics", .language = "en"});
	same(w, "drill navy -policy", (nz_article_search){.no_recency = true});
	same(w, "radar -coast -upgrade", (nz_article_search){.sort = NZ_SEARCH_NEWEST});
	same(w, "s*", (nz_article_search){.language = "en"});
	same(w, "국", (nz_article_search){.language = "ko"});
	same(w, "ra*", (nz_article_search){.section_slug = "defense"});
}

/* Every kind of query under every filter the postings walk takes (language, section: dense by
 * id, sparse, unknown; tag, author, date range; and combinations) and in every order: the same
 * windows from search_postings and by the GIN index (same_hits), and SQLite's. */
static void test_same_filters_every_way(void **state)
{
	world *w = *state;
	static const char *const queries[] = {"radar",
					      "drill",
					      "navy drill",
					      "frigate navy drill",
					      "\"naval drills\"",
					      "\"joint naval drill\"",
					      "drill -fleet",
					      "radar -coast -upgrade",
					      "frigate drill -policy",
					      "radar word -coast",
					      "festival",
					      "ra*",
					      "s*",
					      "r*",
					      "co*",
					      "navy drill -fleet -policy",
					      "국방",
					      "동맹 국방부"};
	static const nz_article_search filters[] = {
	    {0},
	    {.language = "en"},
	    {.language = "ko"},
	    {.section_slug = "defense"},
	    {.section_slug = "politics"},
	    {.section_slug = "culture"},
	    {.section_slug = "nowhere"},
	    {.section_slug = "defense", .language = "en"},
	    {.section_slug = "defense", .language = "ko"},
	    {.section_slug = "politics", .language = "en"},
	    {.section_slug = "culture", .language = "en"},
	    /* tag, author and date filters: their articles drive the walk when fewer than the
	     * first word's postings, the postings otherwise (search_postings.c, walk_driver) */
	    {.tag_slug = "navy"},
	    {.tag_slug = "coast"},
	    {.author_slug = "kim"},
	    {.author_slug = "lee"},
	    {.from = NOW - 2 * DAY},
	    {.to = NOW - 3 * DAY},
	    {.from = NOW - 700 * DAY, .to = NOW - 2 * DAY},
	    {.tag_slug = "navy", .section_slug = "defense"},
	    {.tag_slug = "navy", .section_slug = "culture"},
	    {.tag_slug = "navy", .language = "en"},
	    {.author_slug = "kim", .language = "ko"},
	    {.author_slug = "kim", .tag_slug = "navy"},
	    {.tag_slug = "coast", .from = NOW - 5 * DAY},
	    {.author_slug = "lee", .section_slug = "politics", .to = NOW - 3 * DAY},
	    {.author_slug = "kim", .section_slug = "defense", .language = "en", .from = NOW - DAY},
	};
	/* a prefix's most common lexeme comes from pg_stats: without it no filter drives its walk
	 */
	pg_ok(w->f->conn, "ANALYZE article_search");
	for (size_t i = 0; i < sizeof(queries) / sizeof(queries[0]); i++)
		for (size_t k = 0; k < sizeof(filters) / sizeof(filters[0]); k++) {
			nz_article_search f = filters[k];
			same(w, queries[i], f);
			f.no_recency = true;
			same(w, queries[i], f);
			f.no_recency = false;
			f.sort = NZ_SEARCH_NEWEST;
			same(w, queries[i], f);
		}
}

/* A prefix of four characters or more is one phrase here where SQLite ORs the terms it starts
 * (each its own phrase for the IDF): the same articles; the order may differ (docs/search.md).
 * One of up to three characters is one phrase on both (SQLite's prefix postings): the same
 * articles in the same order with the same scores. */
static void test_prefixes_find_the_same(void **state)
{
	world *w = *state;
	static const char *const queries[] = {"defen*", "exerc*", "radar*"};
	static const char *const short_ones[] = {"f-35*", "국", "sub*", "ra*", "s*", "d* -ra*"};
	for (size_t i = 0; i < sizeof(queries) / sizeof(queries[0]); i++)
		same(w, queries[i], (nz_article_search){.sort = NZ_SEARCH_NEWEST});
	for (size_t i = 0; i < sizeof(short_ones) / sizeof(short_ones[0]); i++) {
		same(w, short_ones[i], (nz_article_search){0});
		same(w, short_ones[i], (nz_article_search){.no_recency = true});
		same(w, short_ones[i], (nz_article_search){.sort = NZ_SEARCH_NEWEST});
	}
}

/* A single syllable that starts two overlapping pairs in a row (환경경제: 경경, 경제): the same
 * hits as SQLite, and a passage that marks them once. It failed with "search: out of memory"
 * (a negative length appended; FTS5's highlighter repeats the rest of the text there instead,
 * so its passage is not compared). */
static void test_overlapping_pairs(void **state)
{
	world *w = *state;
	nz_search_query parsed;
	nz_search_results r;
	const char *text = "경";
	same_hits(w, text, (nz_article_search){0}, false);
	same_hits(w, text, (nz_article_search){.no_recency = true}, false);
	same_hits(w, text, (nz_article_search){.sort = NZ_SEARCH_NEWEST}, false);
	assert_int_equal(nz_search_parse(w->arena, text, strlen(text), &parsed), NZ_OK);
	nz_article_search q = {.query = &parsed, .now = NOW, .limit = 10};
	if (nz_store_search(w->pg, w->arena, &q, &r, &w->f->err) != NZ_OK)
		fail_msg("postgres %s: %s", text, w->f->err.msg);
	assert_int_equal(r.n, 1);
	assert_string_equal(r.items[0].article.slug, "ko-3");
	assert_string_equal(r.items[0].snippet,
			    "정부는 환\x02경경제\x03 보고서를 냈다. \x02경기\x03 "
			    "전망과 \x02경제\x03 지표가 담겼다.");
}

/* A prefix whose last byte is 0xbf (갿: ea b0 bf): the vocabulary's range must stay valid UTF-8
 * (the byte raised by one is none, and PostgreSQL refuses such a parameter). */
static void test_a_prefix_ending_in_0xbf(void **state)
{
	world *w = *state;
	same_hits(w, "갿", (nz_article_search){0}, false);
	same_hits(w, "갿*", (nz_article_search){.language = "ko"}, false);
}

int main(void)
{
	if (pg_test_require_server("search"))
		return 1;
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_same_ranking, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_same_filters, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_same_filters_every_way, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_prefixes_find_the_same, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_overlapping_pairs, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_a_prefix_ending_in_0xbf, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
