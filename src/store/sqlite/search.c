/*
 * search.c: full-text search on SQLite FTS5 (related articles: search_related.c).
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
 * articles are loaded and their snippets made in C from their text, as on PostgreSQL
 * (nz__store_hit_snippet; FTS5's snippet() repeated text where Korean pairs overlap). A prefix of
 * up to three characters is read from the index's prefix postings; a longer one is expanded into
 * the index terms it starts when there are few (see "prefixes"). A section filter bounds FTS5's
 * rowids by the section's lowest and highest id and is tested on a set of the section's ids before
 * the seek (search_filter.c); a filter naming nothing answers at once. An exclusion is a set of
 * the excluded articles' ids (search_filter.c) tested in the index's loop, not an FTS5 NOT, which
 * walked the excluded word's postings in every search. SQL is built per call from
 * the filters that are set; every value is bound.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "search/search.h"
#include "store/sqlite/sqlite_int.h"

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
	if (!q->any_status)
		nz_buf_puts(b, public_where);
	if (q->section_slug) /* the set first, in the index's loop (search_filter.c) */
		nz_buf_puts(b,
			    " AND articles_fts.rowid BETWEEN :section_lo AND :section_hi"
			    " AND nz_in_set(articles_fts.rowid, :section_set)"
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
void nz__sq_window_sql(nz_buf *b, const nz_article_search *q, const char *extra)
{
	bool rank = q->sort != NZ_SEARCH_NEWEST;
	nz_buf_puts(b, "SELECT a.id, a.published_at,");
	nz_buf_puts(b,
		    rank ? " nz_rank(articles_fts, :recency, :now, a.published_at, d.sz, :idf_one)"
			 : " 0.0");
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

static int bind_double(sqlite3_stmt *st, const char *name, double v)
{
	int i = sqlite3_bind_parameter_index(st, name);
	return i ? sqlite3_bind_double(st, i, v) : SQLITE_OK;
}

/* Binds q's values and match to the parameters st has. */
nz_rc nz__sq_bind_search(nz__sqlite *h, sqlite3_stmt **st, const nz_article_search *q,
			 const char *match, nz_err *err)
{
	if (bind_text(*st, ":match", match) || bind_text(*st, ":section", q->section_slug) ||
	    bind_text(*st, ":tag", q->tag_slug) || bind_text(*st, ":author", q->author_slug) ||
	    bind_text(*st, ":language", q->language) ||
	    nz__sq_bind_named_int(*st, ":now", q->now) ||
	    nz__sq_bind_named_int(*st, ":from", q->from) ||
	    nz__sq_bind_named_int(*st, ":to", q->to) ||
	    bind_double(*st, ":recency", q->no_recency ? 0.0 : 1.0) ||
	    nz__sq_bind_named_int(*st, ":window", NZ_SEARCH_WINDOW + 1) ||
	    nz__sq_bind_section_set(*st, nz__sq_section_set(h, q->section_slug)))
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
	return nz__sq_bind_search(h, st, q, match, err);
}

/* ---- prefixes ---------------------------------------------------------------------------- */

/* A prefix of at most PREFIX_INDEXED characters has its own postings in the index (prefix
 * indexes, schema migration 30): FTS5 reads them like one word's, lazily, so it is left to FTS5
 * however many words it starts ("s*", "ma*", "국*"). A longer prefix is written as the OR of the
 * index terms it starts when there are at most PREFIX_TERMS_MAX (each costs a seek in the term
 * list, about 10 us); FTS5's own query of a prefix it has no index for merges the whole doclist
 * of every such term before the first row (1 ms for a word in 40,000 articles, and again for
 * the snippets), where an OR is read lazily and the window stops early. A long prefix of more
 * terms stays FTS5's merge: slower, and rare (four letters or more that start 64 words). */
#define PREFIX_INDEXED 3
#define PREFIX_TERMS_MAX 64

/* The number of characters of the UTF-8 text s[0..len). */
static size_t utf8_chars(const char *s, size_t len)
{
	size_t n = 0;
	for (size_t i = 0; i < len; i++)
		n += ((unsigned char)s[i] & 0xC0) != 0x80;
	return n;
}

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
	if (len == 0 || len > NZ_SEARCH_TERM_MAX || memchr(prefix, '\0', len) ||
	    utf8_chars(prefix, len) <= PREFIX_INDEXED)
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

/* Whether q's section, tag and author filters can match anything: a slug that names nothing,
 * or a section without articles, gives no result, and finding that out from the index walk
 * would cost a read of every article the words match. */
static nz_rc filters_live(nz__sqlite *h, const nz_article_search *q, bool *live, nz_err *err)
{
	sqlite3_stmt *st = NULL;
	int64_t v = 1;
	nz_rc rc;
	*live = true;
	if (!q->section_slug && !q->tag_slug && !q->author_slug)
		return NZ_OK;
	if ((rc = nz__sq_stmt(h, SQ_SEARCH_FILTERS_LIVE, &st, err)))
		return rc;
	if (nz__sq_bind_text(st, 1, q->section_slug) || nz__sq_bind_text(st, 2, q->tag_slug) ||
	    nz__sq_bind_text(st, 3, q->author_slug))
		return nz__sq_bind_error(h, "search", err);
	rc = nz__sq_int(h, st, &v, "search", err);
	*live = v != 0;
	return rc;
}

/* A query's exclusions (x->match[0..x->n), each its own MATCH) and, when they have one, their
 * set of ids (search_filter.c): then the window leaves the set's ids out, not FTS5's NOT. */
typedef struct exclusions {
	const char **match;
	size_t n;
	const void *set;
} exclusions;

/* q's exclusions into *x, and *kept: q without them when they have a set, else q itself (no
 * exclusion, nothing to look for, or no set yet). FTS5's NOT walks the excluded word's postings
 * beside the others' in every search; the set is read once and kept. */
static nz_rc exclusions_split(nz__sqlite *h, nz_arena *arena, const nz_search_query *q,
			      nz_search_query *kept, exclusions *x, nz_err *err)
{
	size_t n_ex = q->n - q->n_include, i_ex = 0;
	const char **ex = NULL;
	nz_rc rc = NZ_OK;
	*kept = *q;
	*x = (exclusions){NULL, 0, NULL};
	if (n_ex == 0 || q->n_include == 0)
		return NZ_OK;
	if (!(ex = nz_arena_alloc(arena, n_ex * sizeof(*ex))) ||
	    !(kept->terms = nz_arena_alloc(arena, q->n_include * sizeof(*kept->terms))))
		return nz_err_set(err, NZ_NOMEM, "search: out of memory");
	kept->n = 0;
	for (size_t i = 0; i < q->n && !rc; i++) {
		nz_search_term t = q->terms[i];
		if (!t.exclude) {
			kept->terms[kept->n++] = t;
			continue;
		}
		t.exclude = false; /* the excluded term alone, as a query of its own */
		nz_search_query one = {&t, 1, 1, NULL};
		nz_buf m;
		bool fts5_prefix;
		nz_buf_init(&m, 0);
		if (!(rc = match_expr(h, &one, &m, &fts5_prefix, err)) &&
		    !(ex[i_ex++] = nz_arena_strdup(arena, nz_buf_cstr(&m))))
			rc = nz_err_set(err, NZ_NOMEM, "search: out of memory");
		nz_buf_free(&m);
	}
	if (rc)
		return rc;
	*x = (exclusions){ex, n_ex, nz__sq_exclusion_set(h, ex, n_ex)};
	if (!x->set)
		*kept = *q; /* FTS5's NOT */
	return NZ_OK;
}

typedef nz__sq_candidate candidate;

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
nz_rc nz__sq_run_window(nz__sqlite *h, nz_arena *arena, sqlite3_stmt *st, nz_search_sort sort,
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
		if (NZ_ARENA_GROW(arena, c, *n + 1, cap) != NZ_OK) {
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
		best_first(c, *n, k,
			   sort == NZ_SEARCH_NEWEST ? nz__store_by_time : nz__store_by_score);
	*out = c;
	return NZ_OK;
}

/* Loads the articles and snippets of c[0..n) into out->items: the snippets are made in C from
 * each article's text (nz__store_hit_snippet), as on PostgreSQL. FTS5's snippet() is not used:
 * where Korean pairs overlap in the text (`경` in 환경경제: 경경, 경제) its highlighter appends
 * a negative length, which it takes as the rest of the text, and repeated the text after the
 * match. */
static nz_rc load_hits(nz__sqlite *h, nz_arena *arena, const nz_search_query *query,
		       const candidate *c, size_t n, nz_search_results *out, nz_err *err)
{
	nz_search_phrase *ph = NULL;
	size_t n_ph = 0;
	nz_rc rc = NZ_OK;
	if (n == 0)
		return NZ_OK;
	if (!(out->items = nz_arena_zalloc(arena, n * sizeof(*out->items))) ||
	    nz_search_phrases(arena, query, &ph, &n_ph))
		return nz_err_set(err, NZ_NOMEM, "search: out of memory");
	for (size_t i = 0; i < n && !rc; i++) {
		out->items[i].score = c[i].score;
		rc = nz__sq_article_load(h, arena, c[i].id, &out->items[i].article, err);
		if (!rc)
			rc = nz__store_hit_snippet(arena, &out->items[i].article, ph, n_ph,
						   &out->items[i].snippet, err);
	}
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
	nz_search_query kept;
	exclusions x = {NULL, 0, NULL};
	nz_buf match, sql;
	nz_rc rc;
	nz_buf_init(&match, 0);
	nz_buf_init(&sql, 0);
	bool snap = nz__sq_read_begin(h), live = true;
	if ((rc = filters_live(h, q, &live, err)) || !live ||
	    (rc = exclusions_split(h, arena, q->query, &kept, &x, err)) ||
	    (rc = match_expr(h, &kept, &match, &fts5_prefix, err)))
		goto out;
	nz__sq_window_sql(&sql, q,
			  x.set ? " AND NOT nz_in_set(articles_fts.rowid, :exclude_set)" : "");
	if ((rc = prepare(h, &sql, q, nz_buf_cstr(&match), &st, err)))
		goto out;
	int idf_one = sqlite3_bind_parameter_index(st, ":idf_one");
	if (nz__sq_bind_exclusion_set(st, x.set) ||
	    (idf_one && sqlite3_bind_int(st, idf_one, x.set != NULL))) {
		rc = nz__sq_bind_error(h, "search", err);
		goto out;
	}
	if ((rc = nz__sq_run_window(h, arena, st, q->sort, q->offset + q->limit, &c, &n, &capped,
				    err)))
		goto out;
	if (x.n && !x.set) /* FTS5's NOT: a large window asks for the set next time */
		nz__sq_exclusion_seen(h, x.match, x.n, n + capped);
	out->total = n;
	out->capped = capped;
	if (q->ids_only)
		rc = nz__store_hit_ids(arena, c, n, out, err);
	else if (q->offset < n) {
		size_t k = n - q->offset < q->limit ? n - q->offset : q->limit;
		rc = load_hits(h, arena, q->query, c + q->offset, k, out, err);
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
