/*
 * search.c: full-text search and related articles on SQLite FTS5.
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
 * Both are one FTS5 function, nz_rank (search_rank.c), which also skips bm25()'s pass over
 * the whole index for the IDF.
 *
 * Ranking looks at the newest NZ_SEARCH_WINDOW public matches that pass the filters (by article
 * id, the order of creation): for a word in half the archive, scoring every match would take
 * 100 ms at 100,000 articles; with the window a page takes about 2 ms (bench/RESULTS.md). When
 * more matched, results say so (capped) and total is the window. One statement reads the
 * window: FTS5 drives (CROSS JOIN keeps it the outer loop; the filter columns come from a
 * covering index, not the long article rows; each row's length from articles_fts_docsize);
 * the page is picked from it in C (the best offset + limit put first); then the page's
 * articles are loaded and their snippets made in one more statement. Prefixes are expanded
 * into the index terms they start when there are few (see "prefixes"). SQL is built per call
 * from the filters that are set; every value is bound.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "search/search.h"
#include "store/search_int.h"
#include "store/sqlite/sqlite_int.h"

#define RELATED_TERMS 8       /* distinctive terms OR-ed to find related articles */
#define RELATED_CANDIDATES 40 /* most frequent terms whose document frequency is looked up */
#define DF_SAMPLE 64          /* newest articles of a term read to estimate how many have it */

static const char public_where[] = " AND a.status = 'published'"
				   " AND (a.embargo_until IS NULL OR a.embargo_until <= :now)"
				   " AND a.published_at IS NOT NULL AND a.published_at <= :now";

/* The window's FROM and WHERE: FTS5 drives (CROSS JOIN keeps it the outer loop) and each match
 * is checked against the covering index of the filter columns, not the long article row. */
static const char window_from[] =
    " FROM articles_fts CROSS JOIN articles a INDEXED BY articles_search_filter"
    " ON a.id = articles_fts.rowid";

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

/* The window: the newest NZ_SEARCH_WINDOW + 1 public matches that pass the filters (FTS5 walks
 * its rowids downwards, the order articles were created in, and stops there), each with its
 * rank (nz_rank, search_rank.c) unless sorting by time. Ordering them is done in C. */
static void window_sql(nz_buf *b, const nz_article_search *q, const char *extra)
{
	bool rank = q->sort != NZ_SEARCH_NEWEST;
	nz_buf_puts(b, "SELECT a.id, a.published_at,");
	nz_buf_puts(b,
		    rank ? " nz_rank(articles_fts, :recency, :now, a.published_at, d.sz)" : " 0.0");
	nz_buf_puts(b, window_from);
	if (rank) /* each row's length, for BM25 (search_rank.c) */
		nz_buf_puts(b, " CROSS JOIN articles_fts_docsize d ON d.id = articles_fts.rowid");
	nz_buf_puts(b, " WHERE articles_fts MATCH :match");
	filters_sql(b, q);
	nz_buf_puts(b, extra);
	nz_buf_puts(b, " ORDER BY articles_fts.rowid DESC LIMIT :window");
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

/* Binds q's values and match to the parameters st has. */
static nz_rc bind_search(nz__sqlite *h, sqlite3_stmt **st, const nz_article_search *q,
			 const char *match, nz_err *err)
{
	if (bind_text(*st, ":match", match) || bind_text(*st, ":section", q->section_slug) ||
	    bind_text(*st, ":tag", q->tag_slug) || bind_text(*st, ":author", q->author_slug) ||
	    bind_text(*st, ":language", q->language) || bind_int(*st, ":now", q->now) ||
	    bind_int(*st, ":from", q->from) || bind_int(*st, ":to", q->to) ||
	    bind_double(*st, ":recency", q->no_recency ? 0.0 : 1.0) ||
	    bind_int(*st, ":window", NZ_SEARCH_WINDOW + 1))
		return nz__sq_bind_error(h, "search", err);
	return NZ_OK;
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
	return bind_search(h, st, q, match, err);
}

/* ---- prefixes ---------------------------------------------------------------------------- */

/* A prefix is written as the OR of the index terms it starts when there are at most this many
 * (each costs a seek in the term list, about 10 us); FTS5's own prefix query merges the whole
 * doclist of every such term before the first row (1 ms for a word in 40,000 articles, and
 * again for the snippets), where an OR is read lazily and the window stops early. A prefix of
 * more terms ("ma*") stays FTS5's: slow (0.5 s at 100,000 articles) but rare. */
#define PREFIX_TERMS_MAX 64

typedef struct expander {
	nz__sqlite *h;
	sqlite3_stmt *terms; /* prepared on the first prefix */
	size_t expanded;     /* prefixes written as an OR */
} expander;

/* nz_search_prefix_fn over the index's term list (temp.articles_fts_terms, search_fts.c). */
static bool expand_prefix(void *ctx, const char *prefix, size_t len, nz_buf *out)
{
	expander *e = ctx;
	char from[NZ_SEARCH_TERM_MAX + 2], to[NZ_SEARCH_TERM_MAX + 1];
	char found[PREFIX_TERMS_MAX][NZ_SEARCH_TERM_MAX + 1];
	size_t n = 0, flen = len;
	if (len == 0 || len > NZ_SEARCH_TERM_MAX || memchr(prefix, '\0', len))
		return false;
	if (!e->terms && sqlite3_prepare_v2(e->h->db,
					    "SELECT term FROM temp.articles_fts_terms"
					    " WHERE term >= ?1 AND term < ?2 LIMIT 1",
					    -1, &e->terms, NULL) != SQLITE_OK)
		return false;
	/* Every term starting with prefix sorts in [prefix, prefix with its last byte + 1). */
	memcpy(from, prefix, len);
	memcpy(to, prefix, len);
	to[len - 1] = (char)((unsigned char)to[len - 1] + 1);
	for (;;) {
		sqlite3_reset(e->terms);
		sqlite3_bind_text(e->terms, 1, from, (int)flen, SQLITE_STATIC);
		sqlite3_bind_text(e->terms, 2, to, (int)len, SQLITE_STATIC);
		if (sqlite3_step(e->terms) != SQLITE_ROW)
			break;
		const char *t = (const char *)sqlite3_column_text(e->terms, 0);
		size_t tlen = (size_t)sqlite3_column_bytes(e->terms, 0);
		if (!t || tlen < len || tlen > NZ_SEARCH_TERM_MAX || memcmp(t, prefix, len) != 0)
			break;
		if (n == PREFIX_TERMS_MAX) {
			n = 0; /* too many: FTS5's prefix query */
			break;
		}
		memcpy(found[n], t, tlen);
		found[n++][tlen] = '\0';
		/* The next term after t: t followed by a byte no term holds. */
		memcpy(from, t, tlen);
		from[tlen] = '\x01';
		flen = tlen + 1;
	}
	sqlite3_reset(e->terms);
	if (n == 0)
		return false;
	nz_buf_putc(out, '(');
	for (size_t i = 0; i < n; i++) {
		if (i)
			nz_buf_puts(out, " OR ");
		nz_search_fts5_raw_term(found[i], strlen(found[i]), out);
	}
	nz_buf_putc(out, ')');
	e->expanded++;
	return true;
}

/* The FTS5 MATCH expression of q, prefixes expanded where that is cheaper; *fts5_prefix tells
 * whether a prefix is left to FTS5. */
static nz_rc match_expr(nz__sqlite *h, const nz_search_query *q, nz_buf *match, bool *fts5_prefix,
			nz_err *err)
{
	expander e = {h, NULL, 0};
	size_t prefixes = 0;
	nz_rc rc = nz_search_fts5_expanded(q, expand_prefix, &e, match);
	sqlite3_finalize(e.terms);
	for (size_t i = 0; i < q->n; i++)
		prefixes += q->terms[i].prefix;
	*fts5_prefix = prefixes > e.expanded;
	return rc ? nz_err_set(err, rc, "search: out of memory") : NZ_OK;
}

/* ---- searching --------------------------------------------------------------------------- */

typedef struct candidate {
	int64_t id;
	nz_time published_at;
	double score;
} candidate;

/* Best first: the lower score, then the newer. */
static int by_score(const void *a, const void *b)
{
	const candidate *x = a, *y = b;
	if (x->score != y->score)
		return x->score < y->score ? -1 : 1;
	if (x->published_at != y->published_at)
		return x->published_at > y->published_at ? -1 : 1;
	return x->id > y->id ? -1 : x->id < y->id;
}

static int by_time(const void *a, const void *b)
{
	const candidate *x = a, *y = b;
	if (x->published_at != y->published_at)
		return x->published_at > y->published_at ? -1 : 1;
	return x->id > y->id ? -1 : x->id < y->id;
}

/* Puts the best k of c[0..n) first, in order (the rest in any order): a page needs only its
 * own rows sorted, usually 10 of 2,000. */
static void best_first(candidate *c, size_t n, size_t k, int (*cmp)(const void *, const void *))
{
	if (k >= n || k > 64) {
		qsort(c, n, sizeof(*c), cmp);
		return;
	}
	qsort(c, k, sizeof(*c), cmp);
	for (size_t i = k; i < n; i++) {
		if (cmp(&c[i], &c[k - 1]) >= 0)
			continue;
		candidate x = c[i];
		size_t j = k - 1;
		c[i] = c[j];
		for (; j > 0 && cmp(&x, &c[j - 1]) < 0; j--)
			c[j] = c[j - 1];
		c[j] = x;
	}
}

/* Runs the window statement: its rows (at most NZ_SEARCH_WINDOW, in arena) with the best k in
 * order first, and whether there were more. */
static nz_rc run_window(nz__sqlite *h, nz_arena *arena, sqlite3_stmt *st, nz_search_sort sort,
			size_t k, candidate **out, size_t *n, bool *capped, nz_err *err)
{
	candidate *c = NULL;
	size_t cap = 0;
	bool row;
	nz_rc rc;
	*n = 0;
	*capped = false;
	while (!(rc = nz__sq_step(h, st, &row, "search", err)) && row) {
		if (*n == NZ_SEARCH_WINDOW) {
			*capped = true;
			break;
		}
		if (!(c = nz__sq_grow(arena, c, *n, &cap, sizeof(*c)))) {
			rc = nz_err_set(err, NZ_NOMEM, "search: out of memory");
			break;
		}
		c[*n].id = sqlite3_column_int64(st, 0);
		c[*n].published_at = sqlite3_column_int64(st, 1);
		c[(*n)++].score = sqlite3_column_double(st, 2);
	}
	sqlite3_reset(st);
	if (rc)
		return rc;
	if (*n > 1 && k > 0)
		best_first(c, *n, k, sort == NZ_SEARCH_NEWEST ? by_time : by_score);
	*out = c;
	return NZ_OK;
}

/* The snippet of the hit with rowid ?2, of ?3 tokens. */
static const char snippet_sql[] =
    "SELECT rowid, snippet(articles_fts, 2, char(2), char(3), '…', ?3),"
    " snippet(articles_fts, 1, char(2), char(3), '…', ?3)"
    " FROM articles_fts WHERE articles_fts MATCH ?1 AND rowid = ?2";
/* The snippets of hits whose rowids lie in [?2, ?3] and are listed in ?4 (a JSON array):
 * FTS5 reads only that range of the matches, and the list is checked before any snippet is
 * made. The articles listed in ?5 get 40 tokens, the others 24. */
static const char snippets_sql[] =
    "SELECT rowid,"
    " snippet(articles_fts, 2, char(2), char(3), '…',"
    "  iif(+rowid IN (SELECT value FROM json_each(?5)), 40, 24)),"
    " snippet(articles_fts, 1, char(2), char(3), '…',"
    "  iif(+rowid IN (SELECT value FROM json_each(?5)), 40, 24))"
    " FROM articles_fts WHERE articles_fts MATCH ?1 AND rowid BETWEEN ?2 AND ?3"
    " AND +rowid IN (SELECT value FROM json_each(?4))";

/* The hit's snippet from the statement's row: the body's passage when the body matches, else
 * the highlights', else the body's opening. */
static nz_rc take_snippet(nz_arena *arena, sqlite3_stmt *st, const char **out, nz_err *err)
{
	const char *body = (const char *)sqlite3_column_text(st, 1);
	const char *hl = (const char *)sqlite3_column_text(st, 2);
	int col = 1;
	if ((!body || !strchr(body, NZ_SEARCH_MARK_OPEN[0])) && hl &&
	    strchr(hl, NZ_SEARCH_MARK_OPEN[0]))
		col = 2;
	if (nz__sq_col_text(arena, st, col, out))
		return nz_err_set(err, NZ_NOMEM, "search: out of memory");
	if (!*out)
		*out = "";
	return NZ_OK;
}

/* Appends the ids of out->items[0..n) as a JSON array to ids, and those in Korean to ko. */
static void id_lists(const nz_search_results *out, size_t n, nz_buf *ids, nz_buf *ko)
{
	nz_buf_putc(ids, '[');
	nz_buf_putc(ko, '[');
	for (size_t i = 0; i < n; i++) {
		const nz_article *a = &out->items[i].article;
		nz_buf_printf(ids, "%s%lld", i ? "," : "", (long long)a->id);
		if (a->language && strcmp(a->language, "ko") == 0)
			nz_buf_printf(ko, "%s%lld", ko->len > 1 ? "," : "", (long long)a->id);
	}
	nz_buf_putc(ids, ']');
	nz_buf_putc(ko, ']');
}

/* Binds what snippet_sql (one hit: i) or snippets_sql (all n hits: one_run) needs after the
 * match; ids and ko hold the lists for snippets_sql. */
static int bind_hits(sqlite3_stmt *st, const nz_search_results *out, size_t n, size_t i,
		     bool one_run, const nz_buf *ids, const nz_buf *ko)
{
	const nz_article *a = &out->items[i].article;
	if (!one_run)
		return sqlite3_bind_int64(st, 2, a->id) ||
		       sqlite3_bind_int(st, 3,
					a->language && strcmp(a->language, "ko") == 0 ? 40 : 24);
	int64_t lo = INT64_MAX, hi = INT64_MIN;
	for (size_t k = 0; k < n; k++) {
		lo = out->items[k].article.id < lo ? out->items[k].article.id : lo;
		hi = out->items[k].article.id > hi ? out->items[k].article.id : hi;
	}
	return sqlite3_bind_int64(st, 2, lo) || sqlite3_bind_int64(st, 3, hi) ||
	       nz__sq_bind_text(st, 4, nz_buf_cstr(ids)) ||
	       nz__sq_bind_text(st, 5, nz_buf_cstr(ko));
}

/* Fills the snippets of out->items[0..n) (articles loaded): one run per hit, a seek to its
 * rowid, unless the query holds a prefix FTS5 runs itself (one_run): setting that up (merging
 * the doclists) is the cost, and one run over the page's rowid range pays it once. */
static nz_rc snippets(nz__sqlite *h, nz_arena *arena, const char *match, nz_search_results *out,
		      size_t n, bool one_run, nz_err *err)
{
	sqlite3_stmt *st = NULL;
	nz_buf ids, ko;
	bool row;
	nz_rc rc = NZ_OK;
	nz_buf_init(&ids, 0);
	nz_buf_init(&ko, 0);
	for (size_t i = 0; i < n; i++)
		out->items[i].snippet = "";
	if (one_run)
		id_lists(out, n, &ids, &ko);
	if (nz_buf_rc(&ids) || nz_buf_rc(&ko)) {
		rc = nz_err_set(err, NZ_NOMEM, "search: out of memory");
		goto out;
	}
	int src = sqlite3_prepare_v2(h->db, one_run ? snippets_sql : snippet_sql, -1, &st, NULL);
	if (src != SQLITE_OK) {
		rc = nz__sq_error(h, src, "search: snippet", err);
		goto out;
	}
	if (nz__sq_bind_text(st, 1, match))
		rc = nz__sq_bind_error(h, "search: snippet", err);
	for (size_t i = 0; i < n && !rc; i = one_run ? n : i + 1) {
		sqlite3_reset(st);
		if (bind_hits(st, out, n, i, one_run, &ids, &ko)) {
			rc = nz__sq_bind_error(h, "search: snippet", err);
			break;
		}
		while (!rc && !(rc = nz__sq_step(h, st, &row, "search: snippet", err)) && row) {
			int64_t id = sqlite3_column_int64(st, 0);
			for (size_t k = 0; k < n && !rc; k++)
				if (out->items[k].article.id == id)
					rc = take_snippet(arena, st, &out->items[k].snippet, err);
		}
	}
out:
	sqlite3_finalize(st);
	nz_buf_free(&ids);
	nz_buf_free(&ko);
	return rc;
}

/* Loads the articles and snippets of c[0..n) into out->items. */
static nz_rc load_hits(nz__sqlite *h, nz_arena *arena, const char *match, bool fts5_prefix,
		       const candidate *c, size_t n, nz_search_results *out, nz_err *err)
{
	nz_rc rc = NZ_OK;
	if (n == 0)
		return NZ_OK;
	if (!(out->items = nz_arena_zalloc(arena, n * sizeof(*out->items))))
		return nz_err_set(err, NZ_NOMEM, "search: out of memory");
	for (size_t i = 0; i < n && !rc; i++) {
		out->items[i].score = c[i].score;
		rc = nz__sq_article_load(h, arena, c[i].id, &out->items[i].article, err);
	}
	if (!rc)
		rc = snippets(h, arena, match, out, n, fts5_prefix, err);
	if (!rc)
		out->n = n;
	return rc;
}

nz_rc nz__sq_search(nz_store *s, nz_arena *arena, const nz_article_search *q,
		    nz_search_results *out, nz_err *err)
{
	nz__sqlite *h = nz__sq(s);
	sqlite3_stmt *st = NULL;
	candidate *c = NULL;
	size_t n = 0;
	bool capped = false, fts5_prefix = false;
	nz_buf match, sql;
	nz_rc rc;
	nz_buf_init(&match, 0);
	nz_buf_init(&sql, 0);
	bool snap = nz__sq_read_begin(h);
	if ((rc = match_expr(h, q->query, &match, &fts5_prefix, err)))
		goto out;
	window_sql(&sql, q, "");
	if ((rc = prepare(h, &sql, q, nz_buf_cstr(&match), &st, err)) ||
	    (rc = run_window(h, arena, st, q->sort, q->offset + q->limit, &c, &n, &capped, err)))
		goto out;
	out->total = n;
	out->capped = capped;
	if (q->offset < n) {
		size_t k = n - q->offset < q->limit ? n - q->offset : q->limit;
		rc = load_hits(h, arena, nz_buf_cstr(&match), fts5_prefix, c + q->offset, k, out,
			       err);
	}
out:
	sqlite3_finalize(st);
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

/* ---- speed: document frequencies, remembered per handle ----
 * A term's document frequency is the same for every article until the index changes, and
 * counting it is most of what related articles cost (the static export asks for every
 * article's). The cache is dropped when the database changed (data_version: another
 * connection's commit; total_changes: this one's) or the cap moved. */
#define DF_SLOTS 16384 /* entries at most (then it starts over); 1 MB per handle */

typedef struct df_entry {
	char *term; /* malloc'd, NULL: empty slot */
	size_t len;
	int64_t df;
} df_entry;

struct nz__df_cache {
	int64_t data_version, changes, cap;
	size_t n;
	df_entry slots[DF_SLOTS * 2];
};

static void df_clear(struct nz__df_cache *c)
{
	for (size_t i = 0; i < DF_SLOTS * 2; i++) {
		free(c->slots[i].term);
		c->slots[i].term = NULL;
	}
	c->n = 0;
}

void nz__sq_df_cache_free(struct nz__df_cache *c)
{
	if (!c)
		return;
	df_clear(c);
	free(c);
}

/* The handle's cache, emptied when anything changed since it was filled; NULL without one
 * (out of memory: every frequency is then counted). */
static struct nz__df_cache *df_cache(nz__sqlite *h, int64_t cap)
{
	int64_t version = 0;
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(h->db, "PRAGMA data_version", -1, &st, NULL) != SQLITE_OK ||
	    sqlite3_step(st) != SQLITE_ROW) {
		sqlite3_finalize(st);
		return NULL;
	}
	version = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	if (!h->df_cache && !(h->df_cache = calloc(1, sizeof *h->df_cache)))
		return NULL;
	struct nz__df_cache *c = h->df_cache;
	int64_t changes = sqlite3_total_changes64(h->db);
	if (c->data_version != version || c->changes != changes || c->cap != cap ||
	    c->n >= DF_SLOTS) {
		df_clear(c);
		c->data_version = version;
		c->changes = changes;
		c->cap = cap;
	}
	return c;
}

static df_entry *df_slot(struct nz__df_cache *c, const char *term, size_t len)
{
	size_t h = 1469598103934665603u;
	for (size_t i = 0; i < len; i++)
		h = (h ^ (unsigned char)term[i]) * 1099511628211u;
	for (h &= DF_SLOTS * 2 - 1;; h = (h + 1) & (DF_SLOTS * 2 - 1))
		if (!c->slots[h].term ||
		    (c->slots[h].len == len && memcmp(c->slots[h].term, term, len) == 0))
			return &c->slots[h];
}

/* How many articles have term: counted when fewer than DF_SAMPLE, else estimated from how far
 * back (by id, the order of creation) the newest DF_SAMPLE of them reach (counting them all
 * costs a millisecond for a word in a tenth of 100,000 articles, and 40 words are weighed).
 * Remembered in cache when there is one. */
static nz_rc doc_freq(nz__sqlite *h, struct nz__df_cache *cache, sqlite3_stmt *st,
		      const term_count *tc, int64_t max_id, int64_t *out, nz_err *err)
{
	df_entry *e = cache ? df_slot(cache, tc->term, tc->len) : NULL;
	nz_buf raw;
	bool row;
	if (e && e->term) {
		*out = e->df;
		return NZ_OK;
	}
	nz_buf_init(&raw, 0);
	if (nz_search_fts5_raw_term(tc->term, tc->len, &raw))
		return nz_err_set(err, NZ_NOMEM, "related articles: out of memory");
	sqlite3_reset(st);
	sqlite3_bind_text(st, 1, nz_buf_cstr(&raw), (int)raw.len, SQLITE_STATIC);
	sqlite3_bind_int(st, 2, DF_SAMPLE);
	nz_rc rc = nz__sq_step(h, st, &row, "related articles", err);
	*out = 0;
	if (!rc && row) {
		int64_t n = sqlite3_column_int64(st, 0), oldest = sqlite3_column_int64(st, 1);
		*out = n;
		if (n >= DF_SAMPLE && oldest > 0 && oldest <= max_id)
			*out = (int64_t)llround((double)n * (double)max_id /
						(double)(max_id - oldest + 1));
	}
	sqlite3_reset(st);
	nz_buf_free(&raw);
	if (!rc && e && (e->term = malloc(tc->len ? tc->len : 1))) {
		memcpy(e->term, tc->term, tc->len);
		e->len = tc->len;
		e->df = *out;
		cache->n++;
	}
	return rc;
}

/* Weighs the most frequent terms by idf and writes the best as an FTS5 OR query. */
static nz_rc related_match(nz__sqlite *h, term_table *t, nz_buf *match, nz_err *err)
{
	sqlite3_stmt *df = NULL, *docs = NULL;
	int64_t n_docs = 0;
	nz_rc rc = NZ_OK;
	size_t n = t->n < RELATED_CANDIDATES ? t->n : RELATED_CANDIDATES;
	/* prepared once per handle */
	if ((rc = nz__sq_prepare_cached(
		 h, &h->related_stmts[0],
		 "SELECT count(*), min(id) FROM (SELECT rowid AS id FROM articles_fts"
		 " WHERE articles_fts MATCH ?1 ORDER BY rowid DESC LIMIT ?2)",
		 err)) ||
	    (rc = nz__sq_prepare_cached(h, &h->related_stmts[1], "SELECT max(id) FROM articles",
					err)))
		goto out;
	df = h->related_stmts[0];
	docs = h->related_stmts[1];
	if ((rc = nz__sq_int(h, docs, &n_docs, "related articles", err)))
		goto out;
	/* A term in more than a tenth of the archive says little about this article. */
	int64_t cap = n_docs < 100 ? n_docs + 1 : n_docs / 10 + 1;
	struct nz__df_cache *cache = df_cache(h, cap);
	for (size_t i = 0; i < n; i++) {
		int64_t d = 0;
		t->slots[i].weight = 0.0;
		if (stop_word(t->slots[i].term, t->slots[i].len))
			continue;
		if ((rc = doc_freq(h, cache, df, &t->slots[i], n_docs, &d, err)))
			goto out;
		/* A term only this article has cannot lead to another one. */
		if (d >= 2 && d < cap)
			t->slots[i].weight = t->slots[i].tf * log((double)(n_docs + 1) / (double)d);
	}
	if (n) /* an article without words has no slots at all */
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
	if (df)
		sqlite3_reset(df);
	if (docs)
		sqlite3_reset(docs);
	return rc;
}

nz_rc nz__sq_related(nz_store *s, nz_arena *arena, const nz_article *a, nz_time now, size_t max,
		     nz_article_list *out, nz_err *err)
{
	nz__sqlite *h = nz__sq(s);
	sqlite3_stmt *st = NULL;
	term_table t;
	candidate *c = NULL;
	size_t n = 0;
	bool capped;
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
	/* The same window as searches, BM25 alone: the newest matches are ranked. */
	nz_article_search q = {
	    .language = a->language ? a->language : "en", .now = now, .no_recency = true};
	nz_buf sql;
	nz_buf_init(&sql, 0);
	window_sql(&sql, &q, " AND a.id <> :self");
	/* the SQL is the same for every article (the language is bound), so the
	 * statement is prepared once per handle */
	if (nz_buf_rc(&sql))
		rc = nz_err_set(err, NZ_NOMEM, "related articles: out of memory");
	else if (!(rc = nz__sq_prepare_cached(h, &h->related_stmts[2], nz_buf_cstr(&sql), err)))
		rc = bind_search(h, &h->related_stmts[2], &q, nz_buf_cstr(&match), err);
	if (!rc)
		st = h->related_stmts[2];
	nz_buf_free(&sql);
	if (!rc && bind_int(st, ":self", a->id) != SQLITE_OK)
		rc = nz__sq_bind_error(h, "related articles", err);
	if (rc || (rc = run_window(h, arena, st, NZ_SEARCH_RELEVANCE, max, &c, &n, &capped, err)) ||
	    n == 0)
		goto out;
	if (n > max)
		n = max;
	if (!(out->items = nz_arena_zalloc(arena, n * sizeof(*out->items)))) {
		rc = nz_err_set(err, NZ_NOMEM, "related articles: out of memory");
		goto out;
	}
	for (size_t i = 0; i < n && !rc; i++)
		rc = nz__sq_article_load(h, arena, c[i].id, &out->items[i], err);
	if (!rc)
		out->n = out->total = n;
out:
	if (st)
		sqlite3_reset(st);
	nz__sq_read_end(h, snap);
	nz_buf_free(&match);
	if (rc)
		memset(out, 0, sizeof(*out));
	return rc;
}
