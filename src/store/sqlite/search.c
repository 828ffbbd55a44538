/*
 * search.c: full-text search and related articles on SQLite FTS5 (issue 5).
 *
 * The index is articles_fts (migration 3): an external-content FTS5 table over the view
 * articles_search_text (headline; highlights intro and items; body), tokenized by search/'s
 * tokenizer (search_fts.c registers it). Every article is indexed whatever its status; whether
 * a reader may find it is decided here, at query time (published, embargo and publication time
 * passed), so an embargo that ends or a retraction needs no change to the index.
 *
 * Ranking: BM25 with the headline weighing 10, highlights 4, body 1; unless switched off, it is
 * multiplied by a recency factor 1 + 1 / (1 + age in 30-day months), so a story from today
 * counts double and one from a year ago about the same as BM25 alone. Ties go to the newer.
 *
 * Ranking looks at the newest NZ_SEARCH_WINDOW public matches that pass the filters (by article
 * id, the order of creation): for a word in half the archive, scoring every match would take
 * 100 ms at 100,000 articles; the window keeps a page under 5 ms (bench/RESULTS.md). When more
 * matched, results say so (capped) and total is the window. FTS5 drives (CROSS JOIN keeps it
 * the outer loop; the filter columns come from a covering index, not the long article rows);
 * then each hit's article and snippet are loaded, so snippets are made for the shown rows only.
 * SQL is built per call from the filters that are set; every value is bound.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "search/search.h"
#include "store/search_int.h"
#include "store/sqlite/sqlite_int.h"

#define RECENCY_MONTH 2592000.0 /* seconds in the recency factor's month */
#define RELATED_TERMS 8         /* distinctive terms OR-ed to find related articles */
#define RELATED_CANDIDATES 40   /* most frequent terms whose document frequency is looked up */

static const char public_where[] = " AND a.status = 'published'"
				   " AND (a.embargo_until IS NULL OR a.embargo_until <= :now)"
				   " AND a.published_at IS NOT NULL AND a.published_at <= :now";

static void filters_sql(nz_buf *b, const nz_article_search *q)
{
	nz_buf_puts(b, public_where);
	if (q->section_slug)
		nz_buf_puts(b,
			    " AND a.section_id = (SELECT id FROM sections WHERE slug = :section)");
	if (q->tag_slug)
		nz_buf_puts(b, " AND a.id IN (SELECT at.article_id FROM article_tags at"
			       " JOIN tags t ON t.id = at.tag_id WHERE t.slug = :tag)");
	if (q->author_slug)
		nz_buf_puts(b, " AND a.id IN (SELECT aa.article_id FROM article_authors aa"
			       " JOIN authors au ON au.id = aa.author_id WHERE au.slug = :author)");
	if (q->language)
		nz_buf_puts(b, " AND a.language = :language");
	if (q->from)
		nz_buf_puts(b, " AND a.published_at >= :from");
	if (q->to)
		nz_buf_puts(b, " AND a.published_at < :to");
}

/* One statement: the newest NZ_SEARCH_WINDOW + 1 public matches that pass the filters (FTS5
 * walks its rowids downwards, which is the order articles were created in, and stops there),
 * ranked among themselves; count(*) OVER () gives how many there were. */
static void search_sql(nz_buf *b, const nz_article_search *q)
{
	nz_buf_puts(b, "SELECT id, score, count(*) OVER () FROM (SELECT a.id AS id,"
		       " a.published_at AS published_at,");
	if (q->sort == NZ_SEARCH_NEWEST)
		nz_buf_puts(b, " 0.0 AS score");
	else
		nz_buf_puts(b, " bm25(articles_fts, 10.0, 4.0, 1.0) * (1.0 + :recency"
			       " / (1.0 + max(0, :now - a.published_at) / :month)) AS score");
	nz_buf_puts(b, " FROM articles_fts CROSS JOIN articles a INDEXED BY articles_search_filter"
		       " ON a.id = articles_fts.rowid WHERE articles_fts MATCH :match");
	filters_sql(b, q);
	nz_buf_puts(b, " ORDER BY articles_fts.rowid DESC LIMIT :window)");
	nz_buf_puts(b, q->sort == NZ_SEARCH_NEWEST ? " ORDER BY published_at DESC, id DESC"
						   : " ORDER BY score, published_at DESC, id DESC");
	nz_buf_puts(b, " LIMIT :limit OFFSET :offset");
}

static int bind_text(sqlite3_stmt *st, const char *name, const char *v)
{
	int i = sqlite3_bind_parameter_index(st, name);
	return i ? nz__sq_bind_text(st, i, v) : SQLITE_OK;
}

static int bind_int(sqlite3_stmt *st, const char *name, int64_t v)
{
	int i = sqlite3_bind_parameter_index(st, name);
	return i ? sqlite3_bind_int64(st, i, v) : SQLITE_OK;
}

static int bind_double(sqlite3_stmt *st, const char *name, double v)
{
	int i = sqlite3_bind_parameter_index(st, name);
	return i ? sqlite3_bind_double(st, i, v) : SQLITE_OK;
}

/* Prepares the SQL in b (a fresh statement, finalized by the caller) and binds q's values. */
static nz_rc prepare(nz__sqlite *h, nz_buf *b, const nz_article_search *q, const char *match,
		     sqlite3_stmt **st, nz_err *err)
{
	*st = NULL;
	if (nz_buf_rc(b))
		return nz_err_set(err, NZ_NOMEM, "search: out of memory");
	int src = sqlite3_prepare_v2(h->db, nz_buf_cstr(b), -1, st, NULL);
	if (src != SQLITE_OK)
		return nz__sq_error(h, src, "search", err);
	if (bind_text(*st, ":match", match) || bind_text(*st, ":section", q->section_slug) ||
	    bind_text(*st, ":tag", q->tag_slug) || bind_text(*st, ":author", q->author_slug) ||
	    bind_text(*st, ":language", q->language) || bind_int(*st, ":now", q->now) ||
	    bind_int(*st, ":from", q->from) || bind_int(*st, ":to", q->to) ||
	    bind_double(*st, ":recency", q->no_recency ? 0.0 : 1.0) ||
	    bind_double(*st, ":month", RECENCY_MONTH) ||
	    bind_int(*st, ":window", NZ_SEARCH_WINDOW + 1) ||
	    bind_int(*st, ":limit", (int64_t)q->limit) ||
	    bind_int(*st, ":offset", (int64_t)q->offset))
		return nz__sq_bind_error(h, "search", err);
	return NZ_OK;
}

/* The snippet of one hit: the body's passage when the body matches, else the highlights',
 * else the body's opening. */
static nz_rc snippet(nz__sqlite *h, nz_arena *arena, sqlite3_stmt *st, int64_t id, const char *lang,
		     const char **out, nz_err *err)
{
	bool row;
	nz_rc rc;
	*out = "";
	sqlite3_reset(st);
	sqlite3_bind_int64(st, 2, id);
	/* Korean and other CJK terms are pairs of characters: give them more of them. */
	sqlite3_bind_int(st, 3, lang && strcmp(lang, "ko") == 0 ? 40 : 24);
	if ((rc = nz__sq_step(h, st, &row, "search: snippet", err)) || !row)
		return rc;
	const char *body = (const char *)sqlite3_column_text(st, 0);
	const char *hl = (const char *)sqlite3_column_text(st, 1);
	int col = 0;
	if ((!body || !strchr(body, NZ_SEARCH_MARK_OPEN[0])) && hl &&
	    strchr(hl, NZ_SEARCH_MARK_OPEN[0]))
		col = 1;
	rc = nz__sq_col_text(arena, st, col, out);
	if (!rc && !*out)
		*out = "";
	sqlite3_reset(st);
	return rc;
}

/* Reads the page of (id, score) and fills out->items. */
static nz_rc load_hits(nz__sqlite *h, nz_arena *arena, sqlite3_stmt *page, sqlite3_stmt *snip,
		       nz_search_results *out, nz_err *err)
{
	size_t cap = 0;
	bool row;
	nz_rc rc;
	int64_t ids[NZ_SEARCH_LIMIT_MAX];
	double scores[NZ_SEARCH_LIMIT_MAX];
	size_t n = 0;
	while (!(rc = nz__sq_step(h, page, &row, "search", err)) && row &&
	       n < NZ_SEARCH_LIMIT_MAX) {
		int64_t matches = sqlite3_column_int64(page, 2);
		out->capped = matches > NZ_SEARCH_WINDOW;
		out->total = (size_t)(out->capped ? NZ_SEARCH_WINDOW : matches);
		ids[n] = sqlite3_column_int64(page, 0);
		scores[n++] = sqlite3_column_double(page, 1);
	}
	sqlite3_reset(page);
	if (rc || n == 0)
		return rc;
	for (size_t i = 0; i < n; i++) {
		if (!(out->items =
			  nz__sq_grow(arena, out->items, out->n, &cap, sizeof(*out->items))))
			return nz_err_set(err, NZ_NOMEM, "search: out of memory");
		nz_search_hit *hit = &out->items[out->n];
		memset(hit, 0, sizeof(*hit));
		hit->score = scores[i];
		if ((rc = nz__sq_article_load(h, arena, ids[i], &hit->article, err)) ||
		    (rc = snippet(h, arena, snip, ids[i], hit->article.language, &hit->snippet,
				  err)))
			return rc;
		out->n++;
	}
	return NZ_OK;
}

nz_rc nz__sq_search(nz_store *s, nz_arena *arena, const nz_article_search *q,
		    nz_search_results *out, nz_err *err)
{
	nz__sqlite *h = nz__sq(s);
	sqlite3_stmt *page = NULL, *snip = NULL;
	nz_buf match, sql;
	nz_rc rc;
	nz_buf_init(&match, 0);
	nz_buf_init(&sql, 0);
	bool snap = nz__sq_read_begin(h);
	if ((rc = nz_search_fts5(q->query, &match))) {
		rc = nz_err_set(err, rc, "search: out of memory");
		goto out;
	}
	search_sql(&sql, q);
	if ((rc = prepare(h, &sql, q, nz_buf_cstr(&match), &page, err)))
		goto out;
	int src =
	    sqlite3_prepare_v2(h->db,
			       "SELECT snippet(articles_fts, 2, char(2), char(3), '…', ?3),"
			       " snippet(articles_fts, 1, char(2), char(3), '…', ?3)"
			       " FROM articles_fts WHERE articles_fts MATCH ?1 AND rowid = ?2",
			       -1, &snip, NULL);
	if (src != SQLITE_OK) {
		rc = nz__sq_error(h, src, "search: snippet", err);
		goto out;
	}
	nz__sq_bind_text(snip, 1, nz_buf_cstr(&match));
	rc = load_hits(h, arena, page, snip, out, err);
	if (!rc && out->n == 0 && q->offset > 0) {
		/* Past the last page: the count comes from a first page. */
		nz_article_search first = *q;
		first.offset = 0;
		first.limit = 1;
		sqlite3_finalize(page);
		page = NULL;
		if (!(rc = prepare(h, &sql, &first, nz_buf_cstr(&match), &page, err))) {
			bool row;
			if (!(rc = nz__sq_step(h, page, &row, "search", err)) && row) {
				int64_t matches = sqlite3_column_int64(page, 2);
				out->capped = matches > NZ_SEARCH_WINDOW;
				out->total = (size_t)(out->capped ? NZ_SEARCH_WINDOW : matches);
			}
		}
	}
out:
	sqlite3_finalize(page);
	sqlite3_finalize(snip);
	nz__sq_read_end(h, snap);
	nz_buf_free(&match);
	nz_buf_free(&sql);
	if (rc)
		memset(out, 0, sizeof(*out));
	return rc;
}

/* ---- related articles -------------------------------------------------------------------- */

typedef struct term_count {
	char *term;
	size_t len;
	double tf;     /* weighted: headline 3, highlights 2, body 1 */
	double weight; /* tf-idf */
} term_count;

/* An open-addressing table of the article's terms, in arena. */
typedef struct term_table {
	nz_arena *arena;
	term_count *slots;
	size_t cap, n;
	double weight; /* of the text being counted */
	bool nomem;
} term_table;

static uint64_t hash_term(const char *p, size_t len)
{
	uint64_t x = 1469598103934665603ull;
	for (size_t i = 0; i < len; i++)
		x = (x ^ (unsigned char)p[i]) * 1099511628211ull;
	return x;
}

static bool table_grow(term_table *t)
{
	size_t ncap = t->cap ? t->cap * 2 : 256;
	term_count *slots = nz_arena_zalloc(t->arena, ncap * sizeof(*slots));
	if (!slots)
		return false;
	for (size_t i = 0; i < t->cap; i++) {
		if (!t->slots[i].term)
			continue;
		size_t k = hash_term(t->slots[i].term, t->slots[i].len) & (ncap - 1);
		while (slots[k].term)
			k = (k + 1) & (ncap - 1);
		slots[k] = t->slots[i];
	}
	t->slots = slots;
	t->cap = ncap;
	return true;
}

/* Whether a term can tell articles apart: not a number, not a short Latin word. */
static bool worth_counting(const char *term, size_t len)
{
	bool digits = true;
	for (size_t i = 0; i < len; i++)
		digits &= term[i] >= '0' && term[i] <= '9';
	if (digits)
		return false;
	return (unsigned char)term[0] >= 0x80 || len >= 3;
}

static int count_term(void *ctx, const char *term, size_t len, size_t start, size_t end)
{
	(void)start;
	(void)end;
	term_table *t = ctx;
	if (!worth_counting(term, len))
		return 0;
	if ((t->n + 1) * 2 > t->cap && !table_grow(t)) {
		t->nomem = true;
		return 1;
	}
	size_t k = hash_term(term, len) & (t->cap - 1);
	while (t->slots[k].term &&
	       (t->slots[k].len != len || memcmp(t->slots[k].term, term, len) != 0))
		k = (k + 1) & (t->cap - 1);
	if (!t->slots[k].term) {
		if (!(t->slots[k].term = nz_arena_strndup(t->arena, term, len))) {
			t->nomem = true;
			return 1;
		}
		t->slots[k].len = len;
		t->n++;
	}
	t->slots[k].tf += t->weight;
	return 0;
}

static void count_text(term_table *t, const char *text, double weight)
{
	t->weight = weight;
	if (text && !t->nomem)
		nz_search_tokenize(text, strlen(text), count_term, t);
}

static int by_tf(const void *a, const void *b)
{
	const term_count *x = a, *y = b;
	return x->tf < y->tf ? 1 : x->tf > y->tf ? -1 : 0;
}

static int by_weight(const void *a, const void *b)
{
	const term_count *x = a, *y = b;
	return x->weight < y->weight ? 1 : x->weight > y->weight ? -1 : 0;
}

/* The article's terms, most frequent first, packed at the start of the table's slots. */
static nz_rc article_terms(nz_arena *arena, const nz_article *a, term_table *t)
{
	memset(t, 0, sizeof(*t));
	t->arena = arena;
	count_text(t, a->headline, 3.0);
	count_text(t, a->highlights_intro, 2.0);
	for (size_t i = 0; i < a->n_highlights; i++)
		count_text(t, a->highlights[i], 2.0);
	count_text(t, a->body_markdown, 1.0);
	if (t->nomem)
		return NZ_NOMEM;
	size_t n = 0;
	for (size_t i = 0; i < t->cap; i++)
		if (t->slots[i].term)
			t->slots[n++] = t->slots[i];
	t->n = n;
	if (n)
		qsort(t->slots, n, sizeof(*t->slots), by_tf);
	return NZ_OK;
}

/* English words too common to tell articles apart (their document frequency is not even looked
 * up: counting it costs the most for the commonest words). */
static bool stop_word(const char *term, size_t len)
{
	static const char *const words[] = {
	    "the",   "and",   "for",  "that",  "with", "was",  "from",  "its",   "will",
	    "has",   "have",  "are",  "were",  "this", "said", "their", "which", "but",
	    "not",   "they",  "his",  "her",   "she",  "had",  "been",  "who",   "also",
	    "would", "there", "than", "other", "more", "when", "after", "about", "into",
	    "over",  "some",  "what", "them",  "our",  "out",  "one",   "all",
	};
	for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
		if (strlen(words[i]) == len && memcmp(words[i], term, len) == 0)
			return true;
	return false;
}

/* How many articles have term, counted up to cap (a term in more is not worth more). */
static nz_rc doc_freq(nz__sqlite *h, sqlite3_stmt *st, const term_count *tc, int64_t cap,
		      int64_t *out, nz_err *err)
{
	nz_buf raw;
	nz_buf_init(&raw, 0);
	if (nz_search_fts5_raw_term(tc->term, tc->len, &raw))
		return nz_err_set(err, NZ_NOMEM, "related articles: out of memory");
	sqlite3_reset(st);
	sqlite3_bind_text(st, 1, nz_buf_cstr(&raw), (int)raw.len, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, cap);
	nz_rc rc = nz__sq_int(h, st, out, "related articles", err);
	nz_buf_free(&raw);
	return rc;
}

/* Weighs the most frequent terms by idf and writes the best as an FTS5 OR query. */
static nz_rc related_match(nz__sqlite *h, term_table *t, nz_buf *match, nz_err *err)
{
	sqlite3_stmt *df = NULL, *docs = NULL;
	int64_t n_docs = 0;
	nz_rc rc = NZ_OK;
	size_t n = t->n < RELATED_CANDIDATES ? t->n : RELATED_CANDIDATES;
	if (sqlite3_prepare_v2(h->db,
			       "SELECT count(*) FROM (SELECT 1 FROM articles_fts"
			       " WHERE articles_fts MATCH ?1 LIMIT ?2)",
			       -1, &df, NULL) ||
	    sqlite3_prepare_v2(h->db, "SELECT max(id) FROM articles", -1, &docs, NULL)) {
		rc = nz__sq_error(h, sqlite3_errcode(h->db), "related articles", err);
		goto out;
	}
	if ((rc = nz__sq_int(h, docs, &n_docs, "related articles", err)))
		goto out;
	/* A term in more than a tenth of the archive says little about this article. */
	int64_t cap = n_docs < 100 ? n_docs + 1 : n_docs / 10 + 1;
	for (size_t i = 0; i < n; i++) {
		int64_t d = 0;
		t->slots[i].weight = 0.0;
		if (stop_word(t->slots[i].term, t->slots[i].len))
			continue;
		if ((rc = doc_freq(h, df, &t->slots[i], cap, &d, err)))
			goto out;
		/* A term only this article has cannot lead to another one. */
		if (d >= 2 && d < cap)
			t->slots[i].weight = t->slots[i].tf * log((double)(n_docs + 1) / (double)d);
	}
	qsort(t->slots, n, sizeof(*t->slots), by_weight);
	for (size_t i = 0, used = 0; i < n && used < RELATED_TERMS; i++) {
		if (t->slots[i].weight <= 0.0)
			break;
		if (used++)
			nz_buf_puts(match, " OR ");
		nz_search_fts5_raw_term(t->slots[i].term, t->slots[i].len, match);
	}
	if (nz_buf_rc(match))
		rc = nz_err_set(err, NZ_NOMEM, "related articles: out of memory");
out:
	sqlite3_finalize(df);
	sqlite3_finalize(docs);
	return rc;
}

nz_rc nz__sq_related(nz_store *s, nz_arena *arena, const nz_article *a, nz_time now, size_t max,
		     nz_article_list *out, nz_err *err)
{
	nz__sqlite *h = nz__sq(s);
	sqlite3_stmt *st = NULL;
	term_table t;
	nz_buf match;
	nz_rc rc;
	nz_buf_init(&match, 0);
	bool snap = nz__sq_read_begin(h);
	if ((rc = article_terms(arena, a, &t))) {
		rc = nz_err_set(err, rc, "related articles: out of memory");
		goto out;
	}
	if ((rc = related_match(h, &t, &match, err)) || match.len == 0)
		goto out;
	char sql[900];
	/* The same window as searches: the newest matches are ranked. */
	snprintf(sql, sizeof sql,
		 "SELECT id FROM (SELECT a.id AS id, a.published_at AS published_at,"
		 " bm25(articles_fts, 10.0, 4.0, 1.0) AS score"
		 " FROM articles_fts CROSS JOIN articles a INDEXED BY articles_search_filter"
		 " ON a.id = articles_fts.rowid"
		 " WHERE articles_fts MATCH :match AND a.id <> :self AND a.language = :language"
		 "%s ORDER BY articles_fts.rowid DESC LIMIT :window)"
		 " ORDER BY score, published_at DESC LIMIT :limit",
		 public_where);
	nz_article_search q = {
	    .language = a->language ? a->language : "en", .now = now, .limit = max};
	nz_buf b;
	nz_buf_init(&b, 0);
	nz_buf_puts(&b, sql);
	rc = prepare(h, &b, &q, nz_buf_cstr(&match), &st, err);
	nz_buf_free(&b);
	if (!rc && bind_int(st, ":self", a->id) != SQLITE_OK)
		rc = nz__sq_bind_error(h, "related articles", err);
	if (rc)
		goto out;
	int64_t ids[NZ_RELATED_MAX];
	size_t n = 0;
	bool row;
	while (!(rc = nz__sq_step(h, st, &row, "related articles", err)) && row &&
	       n < NZ_RELATED_MAX)
		ids[n++] = sqlite3_column_int64(st, 0);
	if (rc || n == 0)
		goto out;
	if (!(out->items = nz_arena_zalloc(arena, n * sizeof(*out->items)))) {
		rc = nz_err_set(err, NZ_NOMEM, "related articles: out of memory");
		goto out;
	}
	for (size_t i = 0; i < n && !rc; i++)
		rc = nz__sq_article_load(h, arena, ids[i], &out->items[i], err);
	if (!rc)
		out->n = out->total = n;
out:
	sqlite3_finalize(st);
	nz__sq_read_end(h, snap);
	nz_buf_free(&match);
	if (rc)
		memset(out, 0, sizeof(*out));
	return rc;
}
