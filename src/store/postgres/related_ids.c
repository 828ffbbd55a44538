/*
 * related_ids.c: the related lists' bulk pass on PostgreSQL (store_ops.h, NZ__STORE_BULK): a
 * list's ids computed from search_postings (PostgreSQL migration 27), the same list as the
 * reference (search_related.c's nz__pg_related) without its five article loads.
 *
 * The reference's window is a bitmap of every match of the ORed words (the GIN index), sorted,
 * then the newest 2,001 rows' article_rank.tf sent back and searched: 40+ ms a list at 100,000
 * articles. Here each word's postings come off the primary key (term_hash, article_id) with
 * their frequencies (index-only scans), are grouped by article newest first (a word's
 * frequency per column), and each group's article_search row is read by id for the window's
 * filters and its length; the join stops at the window's size. One generic plan (no planning
 * per list: 11 ms under load). The document counts
 * (the words' choice and their IDFs) come off the same keys. Every number is the reference's:
 * the same matches (a lexeme's postings are the rows holding it), the same frequencies
 * (search_index.c writes article_rank.tf and the postings from one count, both capped at
 * 65,535), the same IDF samples (the oldest 500 matches), the same BM25 in the same order, the
 * same sort. One difference is possible, where the reference is wrong: article_rank.tf finds a
 * word by a 32-bit hash, so a row holding another lexeme with the same hash gets that lexeme's
 * frequency there (docs/postgres.md: 1 query word in 12,000 over a window); postings use 64-bit
 * keys.
 *
 * Rules: fixed statements, every value bound; inside the caller's read transaction or one of
 * its own.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "search/search.h"
#include "store/postgres/postgres_int.h"

#define RELATED_WORDS 8 /* search_related.c's RELATED_TERMS */
#define K1 1.2          /* search_window.c's BM25 */
#define B 0.75
#define IDF_SAMPLE 500
#define TOTALS_MAX_AGE 10 /* search_window.c's: the handle's totals, shared with searches */
#define TOTALS_KEEP_ROWS 10000

/* One word's postings (merged newest first), with its position among the list's words. */
#define WORDS                                                                                      \
	" SELECT article_id, 1 AS i, tf FROM search_postings WHERE term_hash = $1"                 \
	" UNION ALL SELECT article_id, 2 AS i, tf FROM search_postings WHERE term_hash = $2"       \
	" UNION ALL SELECT article_id, 3 AS i, tf FROM search_postings WHERE term_hash = $3"       \
	" UNION ALL SELECT article_id, 4 AS i, tf FROM search_postings WHERE term_hash = $4"       \
	" UNION ALL SELECT article_id, 5 AS i, tf FROM search_postings WHERE term_hash = $5"       \
	" UNION ALL SELECT article_id, 6 AS i, tf FROM search_postings WHERE term_hash = $6"       \
	" UNION ALL SELECT article_id, 7 AS i, tf FROM search_postings WHERE term_hash = $7"       \
	" UNION ALL SELECT article_id, 8 AS i, tf FROM search_postings WHERE term_hash = $8"
#define F(i) ", max(u.tf) FILTER (WHERE u.i = " #i ") AS f" #i
#define FREQS F(1) F(2) F(3) F(4) F(5) F(6) F(7) F(8)
/* $1..$8 the words' keys (NULL for none), $9 now, $10 the language, $11 the article itself,
 * $12 the window's size: NZ__PG_WINDOW_FILTERS as a related list sets them (public at now, the
 * language, not the article), written out so that one generic plan serves every list (the
 * macro's optional filters made it scan article_search). Columns: id, published_at, length in
 * terms, each word's frequency. */
static const nz__pg_sql q_window = {
    "SELECT g.article_id, s.published_at, s.headline_terms + s.highlights_terms + s.body_terms,"
    " g.f1, g.f2, g.f3, g.f4, g.f5, g.f6, g.f7, g.f8"
    " FROM (SELECT u.article_id" FREQS " FROM (" WORDS ") u GROUP BY u.article_id"
    " ORDER BY u.article_id DESC) g JOIN article_search s ON s.article_id = g.article_id"
    " WHERE s.status = 'published' AND (s.embargo_until IS NULL OR s.embargo_until <= $9)"
    " AND s.published_at IS NOT NULL AND s.published_at <= $9 AND s.language = $10"
    " AND s.article_id <> $11 ORDER BY g.article_id DESC LIMIT $12"};
#undef WORDS
#undef F
#undef FREQS
/* The streaming plan: the merged postings grouped as they come, each group's row by its key. */
static const nz__pg_sql q_walk = {
    "SELECT set_config('enable_hashagg', 'off', true), set_config('enable_sort', 'off', true),"
    " set_config('enable_hashjoin', 'off', true), set_config('enable_mergejoin', 'off', true),"
    " set_config('max_parallel_workers_per_gather', '0', true), set_config('jit', 'off', true),"
    " set_config('plan_cache_mode', 'force_generic_plan', true)"};
/* Back to the planner's choices, for a caller's transaction that goes on. */
static const nz__pg_sql q_back = {
    "SELECT set_config('enable_hashagg', 'on', true), set_config('enable_sort', 'on', true),"
    " set_config('enable_hashjoin', 'on', true), set_config('enable_mergejoin', 'on', true),"
    " set_config('plan_cache_mode', 'auto', true)"};
/* Each word's IDF sample (search_window.c's q_sample, for all the words at once): for one among
 * the column's most common elements with at least IDF_SAMPLE matches, its frequency there times
 * $3 rows and 0; otherwise its oldest IDF_SAMPLE postings counted, and the newest of them. */
static const nz__pg_sql q_samples = {
    "WITH m AS MATERIALIZED (SELECT m.e, m.f FROM pg_stats s,"
    " unnest(s.most_common_elems::text::text[], s.most_common_elem_freqs) AS m(e, f)"
    " WHERE s.schemaname = current_schema() AND s.tablename = 'article_search'"
    " AND s.attname = 'terms')"
    " SELECT COALESCE(c.n, o.n), CASE WHEN c.n IS NULL THEN o.last ELSE 0 END"
    " FROM unnest($1::text[], $2::bigint[]) WITH ORDINALITY AS t(lex, k, i)"
    " LEFT JOIN LATERAL (SELECT round(m.f * $3)::bigint AS n FROM m WHERE m.e = t.lex"
    " AND m.f * $3 >= 500 LIMIT 1) c ON true"
    " LEFT JOIN LATERAL (SELECT count(*) AS n, COALESCE(max(x.article_id), 0) AS last"
    " FROM (SELECT article_id FROM search_postings WHERE term_hash = t.k"
    " ORDER BY article_id LIMIT 500) x) o ON c.n IS NULL ORDER BY t.i"};
static const nz__pg_sql q_totals = {
    "SELECT count(*), COALESCE(sum(headline_terms + highlights_terms + body_terms), 0)"
    " FROM article_search"};

/* BM25's archive totals into *n_rows and *avgdl, from the handle's (search_window.c's
 * ranking_init: counted again after TOTALS_MAX_AGE seconds, or every time on a small archive). */
static nz_rc totals(nz__pg *h, double *n_rows, double *avgdl, nz_err *err)
{
	PGresult *res = NULL;
	nz_time now = nz_time_now();
	if (!h->search_totals_at || now - h->search_totals_at >= TOTALS_MAX_AGE ||
	    now < h->search_totals_at) {
		nz_rc rc = nz__pg_query(h, &q_totals, NULL, &res, "related articles", err);
		if (rc)
			return rc;
		h->search_rows = (double)nz__pg_col_int(res, 0, 0);
		h->search_terms = (double)nz__pg_col_int(res, 0, 1);
		h->search_totals_at = h->search_rows >= TOTALS_KEEP_ROWS ? now : 0;
		PQclear(res);
	}
	*n_rows = h->search_rows > 0 ? h->search_rows : 1.0;
	*avgdl = h->search_terms > 0 ? h->search_terms / *n_rows : 1.0;
	return NZ_OK;
}

/* The words' IDFs into idf[0..n) (search_window.c's phrase_idf; one word alone has IDF 1). */
static nz_rc idfs(nz__pg *h, const nz_search_phrase *ph, size_t n, double n_rows, double *idf,
		  nz_err *err)
{
	nz_buf lex, keys;
	nz__pg_params p = {0};
	PGresult *res = NULL;
	if (n == 1) {
		idf[0] = 1.0;
		return NZ_OK;
	}
	nz_buf_init(&lex, 0);
	nz_buf_init(&keys, 0);
	nz_buf_putc(&lex, '{');
	nz_buf_putc(&keys, '{');
	for (size_t i = 0; i < n; i++) {
		const char *w = ph[i].tokens[0];
		nz__pg_array_item(&lex, w, strlen(w), i == 0);
		nz_buf_printf(&keys, i ? ",%lld" : "%lld",
			      (long long)nz__pg_term_key(w, strlen(w)));
	}
	nz_buf_putc(&lex, '}');
	nz_buf_putc(&keys, '}');
	nz_rc rc = nz_buf_rc(&lex) || nz_buf_rc(&keys)
		       ? nz_err_set(err, NZ_NOMEM, "related articles: out of memory")
		       : NZ_OK;
	nz__pg_text(&p, nz_buf_cstr(&lex));
	nz__pg_text(&p, nz_buf_cstr(&keys));
	nz__pg_int64(&p, (int64_t)n_rows);
	if (!rc)
		rc = nz__pg_query(h, &q_samples, &p, &res, "related articles", err);
	for (size_t i = 0; !rc && i < n && (int)i < PQntuples(res); i++) {
		double c = (double)nz__pg_col_int(res, (int)i, 0);
		double last = (double)nz__pg_col_int(res, (int)i, 1);
		if (c >= IDF_SAMPLE && last > 0 && last < n_rows)
			c = c * n_rows / last;
		double v = log((n_rows - c + 0.5) / (c + 0.5));
		idf[i] = v > 0.0 ? v : 1e-6;
	}
	PQclear(res);
	nz_buf_free(&lex);
	nz_buf_free(&keys);
	return rc;
}

/* The window's rows (q_window) into *res. */
static nz_rc window(nz__pg *h, const nz_article *a, nz_time now, const nz_search_phrase *ph,
		    size_t n, PGresult **res, nz_err *err)
{
	nz__pg_params p = {0};
	for (size_t i = 0; i < RELATED_WORDS; i++) {
		if (i < n)
			nz__pg_int64(&p, nz__pg_term_key(ph[i].tokens[0], strlen(ph[i].tokens[0])));
		else
			nz__pg_null(&p);
	}
	nz__pg_int64(&p, now);
	nz__pg_text(&p, a->language ? a->language : "en");
	nz__pg_int64(&p, a->id);
	nz__pg_int64(&p, NZ_SEARCH_WINDOW);
	return nz__pg_query(h, &q_window, &p, res, "related articles", err);
}

/* The window's rows scored into c[0..*n) (lower is better), as search_window.c's row_bm25. */
static nz_rc score(nz_arena *arena, PGresult *res, const double *idf, size_t n_words, double avgdl,
		   nz__pg_candidate **c, size_t *n, nz_err *err)
{
	size_t rows = (size_t)PQntuples(res);
	*n = rows > NZ_SEARCH_WINDOW ? NZ_SEARCH_WINDOW : rows;
	if (*n && !(*c = nz_arena_zalloc(arena, *n * sizeof(**c))))
		return nz_err_set(err, NZ_NOMEM, "related articles: out of memory");
	for (size_t r = 0; r < *n; r++) {
		double dl = (double)nz__pg_col_int(res, (int)r, 2);
		double norm = K1 * (1.0 - B + B * dl / avgdl);
		double s = 0.0;
		for (size_t i = 0; i < n_words; i++) {
			double f = (double)nz__pg_col_int(res, (int)r, 3 + (int)i);
			if (f != 0.0)
				s += idf[i] * (f * (K1 + 1.0)) / (f + norm);
		}
		(*c)[r] = (nz__pg_candidate){.id = nz__pg_col_int(res, (int)r, 0),
					     .published_at = nz__pg_col_int(res, (int)r, 1),
					     .score = -s};
	}
	return NZ_OK;
}

nz_rc nz__pg_related_ids(nz_store *s, nz_arena *arena, const nz_article *a, nz_time now, size_t max,
			 int64_t *ids, size_t *n, nz_err *err)
{
	nz__pg *h = nz__pg_h(s);
	nz_search_phrase *ph = NULL;
	nz__pg_candidate *c = NULL;
	PGresult *res = NULL;
	size_t n_ph = 0, n_c = 0;
	double n_rows = 1.0, avgdl = 1.0, idf[RELATED_WORDS];
	nz_buf tsq;
	nz_buf_init(&tsq, 0);
	bool snap = nz__pg_read_begin(h);
	nz_rc rc = nz__pg_run(h, &q_walk, NULL, "related articles", err);
	if (rc || (rc = nz__pg_related_words(h, arena, a, true, &ph, &n_ph, &tsq, err)) ||
	    n_ph == 0)
		goto out;
	if (n_ph > RELATED_WORDS) {
		rc =
		    nz_err_set(err, NZ_INVAL, "related articles: more words than the window takes");
		goto out;
	}
	if ((rc = totals(h, &n_rows, &avgdl, err)) || (rc = idfs(h, ph, n_ph, n_rows, idf, err)) ||
	    (rc = window(h, a, now, ph, n_ph, &res, err)) ||
	    (rc = score(arena, res, idf, n_ph, avgdl, &c, &n_c, err)))
		goto out;
	if (n_c > 1)
		qsort(c, n_c, sizeof(*c), nz__store_by_score);
	for (size_t i = 0; i < n_c && i < max; i++)
		ids[(*n)++] = c[i].id;
	if (!snap) /* the caller's transaction goes on */
		rc = nz__pg_run(h, &q_back, NULL, "related articles", err);
out:
	PQclear(res);
	nz__pg_read_end(h, snap);
	nz_buf_free(&tsq);
	if (rc)
		*n = 0;
	return rc;
}

/* Nothing to merge: a PostgreSQL index has no segments (SQLite's FTS5 has). */
nz_rc nz__pg_search_optimize(nz_store *s, nz_err *err)
{
	(void)s;
	(void)err;
	return NZ_OK;
}
