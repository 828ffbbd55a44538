/*
 * search_rank.c: the rank of a search hit, an FTS5 auxiliary function registered on every
 * connection next to the tokenizer.
 *
 * nz_rank(articles_fts, recency, now, published_at[, sizes[, idf_one]]) is FTS5's
 * bm25(articles_fts, 10, 4, 1) (k1 = 1.2, b = 0.75; a hit in the headline counts 10, in the
 * highlights 4, in the body 1; negative: lower is better) times the recency factor 1 + recency / (1
 * + age in 30-day months), age = now - published_at in seconds; recency 0 switches the factor off.
 *
 * sizes is the row's articles_fts_docsize.sz, joined by the query: BM25 needs each row's
 * length, and FTS5's xColumnSize looks it up with a statement of its own per row, which was
 * 80 % of ranking's cost. Without it (or when it does not read as one varint per column) the
 * function asks xColumnSize; tests/unit/store/sqlite/search.c checks both agree with bm25().
 *
 * It differs from bm25() in one way, for speed: bm25() learns each phrase's document frequency
 * (for the IDF) by running the phrase over the whole index on the first row; for a word in
 * 40,000 articles, a prefix or a Korean phrase that alone costs 1-4 ms, more than ranking the
 * 2,000-article window. Here a phrase is counted up to IDF_SAMPLE articles (oldest first); when
 * there are more, the count is extrapolated from how far into the archive (by rowid) the
 * sample reached. Phrases with fewer articles get the exact count; for the common ones the
 * IDF, log((N - n + 0.5) / (n + 0.5)), is small and moves little with an estimate. A query of
 * one phrase ranks the same whatever the IDF is, so it is taken as 1 (a rare phrase of common
 * words, "missile defense", would otherwise be run over the whole index). A phrase is counted
 * only when a row has a hit of it, so the phrases of an exclusion (NOT) cost nothing. idf_one
 * non-zero counts the IDF of a lone phrase too: search.c sets it when it took a query's
 * exclusions out of the MATCH (they are left out by a set of ids instead), so the phrase is
 * ranked as it was beside them in the MATCH, to the bit.
 *
 * Rules: pure function of the FTS5 cursor; the per-query state (IDF, average length) lives in
 * the cursor's auxiliary data and is freed with it.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "store/sqlite/sqlite_int.h"

#define K1 1.2
#define B 0.75
#define IDF_SAMPLE 500
#define RECENCY_MONTH 2592000.0 /* seconds in the recency factor's month */

static const double column_weight[] = {10.0, 4.0, 1.0}; /* headline, highlights, body */
#define N_WEIGHTS ((int)(sizeof column_weight / sizeof column_weight[0]))

typedef struct rank_data {
	int n_phrase;
	bool idf_one; /* count the IDF of a lone phrase too */
	double n_rows, avgdl;
	double *idf;  /* per phrase; < 0: not counted yet */
	double *freq; /* per phrase, for the current row */
} rank_data;

typedef struct sample {
	int64_t n, last_rowid;
} sample;

static int count_row(const Fts5ExtensionApi *api, Fts5Context *fts, void *ctx)
{
	sample *s = ctx;
	s->last_rowid = api->xRowid(fts);
	return ++s->n >= IDF_SAMPLE ? SQLITE_DONE : SQLITE_OK;
}

/* The IDF of phrase i, as bm25() computes it, with the document frequency estimated beyond
 * IDF_SAMPLE articles (rowids are article ids, dense in creation order). */
static int phrase_idf(const Fts5ExtensionApi *api, Fts5Context *fts, rank_data *d, int i)
{
	sample s = {0, 0};
	if (d->n_phrase == 1 && !d->idf_one) { /* one phrase: every row's score scales alike */
		d->idf[i] = 1.0;
		return SQLITE_OK;
	}
	int rc = api->xQueryPhrase(fts, i, &s, count_row);
	if (rc != SQLITE_OK)
		return rc;
	double n = (double)s.n;
	if (s.n >= IDF_SAMPLE && s.last_rowid > 0 && (double)s.last_rowid < d->n_rows)
		n = n * d->n_rows / (double)s.last_rowid;
	double idf = log((d->n_rows - n + 0.5) / (n + 0.5));
	d->idf[i] = idf > 0.0 ? idf : 1e-6;
	return SQLITE_OK;
}

static void rank_data_free(void *p)
{
	sqlite3_free(p);
}

/* The per-query state, made on the first row. */
static int rank_data_get(const Fts5ExtensionApi *api, Fts5Context *fts, bool idf_one,
			 rank_data **out)
{
	rank_data *d = api->xGetAuxdata(fts, 0);
	if (d) {
		*out = d;
		return SQLITE_OK;
	}
	int n = api->xPhraseCount(fts);
	sqlite3_int64 rows = 0, tokens = 0;
	int rc = api->xRowCount(fts, &rows);
	if (rc == SQLITE_OK)
		rc = api->xColumnTotalSize(fts, -1, &tokens);
	if (rc != SQLITE_OK)
		return rc;
	d = sqlite3_malloc64(sizeof(*d) + 2 * (size_t)n * sizeof(double));
	if (!d)
		return SQLITE_NOMEM;
	d->n_phrase = n;
	d->idf_one = idf_one;
	d->n_rows = rows > 0 ? (double)rows : 1.0;
	d->avgdl = tokens > 0 ? (double)tokens / d->n_rows : 1.0;
	d->idf = (double *)(d + 1);
	d->freq = d->idf + n;
	for (int i = 0; i < n; i++)
		d->idf[i] = -1.0;
	if ((rc = api->xSetAuxdata(fts, d, rank_data_free)) != SQLITE_OK)
		return rc; /* xSetAuxdata freed d */
	*out = d;
	return SQLITE_OK;
}

/* The row's token count from its articles_fts_docsize blob (one SQLite varint per column, the
 * format FTS5 writes and reads it in), or -1 when the blob does not hold one per column. */
static int total_size(const unsigned char *p, int n)
{
	int64_t total = 0;
	int cols = 0, i = 0;
	while (i < n) {
		uint64_t v = 0;
		int k = 0;
		for (; k < 8 && i < n && (p[i] & 0x80); k++)
			v = (v << 7) | (p[i++] & 0x7f);
		if (i >= n)
			return -1;
		v = k == 8 ? (v << 8) | p[i++] : (v << 7) | p[i++];
		total += (int64_t)(v & 0x7fffffff);
		cols++;
	}
	return cols == N_WEIGHTS && total <= 0x7fffffff ? (int)total : -1;
}

/* The row's BM25 score (positive: higher is better); sizes (may be NULL) is the row's
 * docsize blob, read by the query's join instead of FTS5's own lookup per row. */
static int bm25(const Fts5ExtensionApi *api, Fts5Context *fts, rank_data *d,
		const unsigned char *sizes, int n_sizes, double *score)
{
	int n_inst = 0, n_tokens = 0;
	int rc = api->xInstCount(fts, &n_inst);
	memset(d->freq, 0, (size_t)d->n_phrase * sizeof(double));
	for (int i = 0; rc == SQLITE_OK && i < n_inst; i++) {
		int phrase, col, off;
		rc = api->xInst(fts, i, &phrase, &col, &off);
		if (rc == SQLITE_OK)
			d->freq[phrase] += col < N_WEIGHTS ? column_weight[col] : 1.0;
	}
	if (rc == SQLITE_OK && !(sizes && (n_tokens = total_size(sizes, n_sizes)) >= 0))
		rc = api->xColumnSize(fts, -1, &n_tokens);
	double norm = K1 * (1.0 - B + B * (double)n_tokens / d->avgdl);
	*score = 0.0;
	for (int i = 0; rc == SQLITE_OK && i < d->n_phrase; i++) {
		double f = d->freq[i];
		if (f == 0.0)
			continue;
		if (d->idf[i] < 0.0 && (rc = phrase_idf(api, fts, d, i)) != SQLITE_OK)
			break;
		*score += d->idf[i] * (f * (K1 + 1.0)) / (f + norm);
	}
	return rc;
}

static void rank_fn(const Fts5ExtensionApi *api, Fts5Context *fts, sqlite3_context *ctx, int n_arg,
		    sqlite3_value **arg)
{
	rank_data *d = NULL;
	double score = 0.0;
	bool idf_one = n_arg > 4 && sqlite3_value_int(arg[4]) != 0;
	int rc = rank_data_get(api, fts, idf_one, &d);
	const unsigned char *sizes = NULL;
	int n_sizes = 0;
	if (n_arg > 3 && sqlite3_value_type(arg[3]) == SQLITE_BLOB) {
		sizes = sqlite3_value_blob(arg[3]);
		n_sizes = sqlite3_value_bytes(arg[3]);
	}
	if (rc == SQLITE_OK)
		rc = bm25(api, fts, d, sizes, n_sizes, &score);
	if (rc != SQLITE_OK) {
		sqlite3_result_error_code(ctx, rc);
		return;
	}
	double recency = n_arg > 0 ? sqlite3_value_double(arg[0]) : 0.0;
	if (recency != 0.0 && n_arg > 2) {
		double age = (double)(sqlite3_value_int64(arg[1]) - sqlite3_value_int64(arg[2]));
		score *= 1.0 + recency / (1.0 + (age > 0.0 ? age : 0.0) / RECENCY_MONTH);
	}
	sqlite3_result_double(ctx, -score);
}

int nz__sq_search_rank_register(fts5_api *api)
{
	return api->xCreateFunction(api, "nz_rank", NULL, rank_fn, NULL);
}
