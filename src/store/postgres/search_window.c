/*
 * search_window.c: the window of a search on PostgreSQL (the newest NZ_SEARCH_WINDOW public
 * matches that pass the filters) and its BM25 ranking, computed in C as SQLite's nz_rank
 * (sqlite/search_rank.c) computes it.
 *
 * One statement reads the window from article_search alone (docs/postgres.md, "The row"):
 * terms @@ $1::tsquery (the GIN index), the filter copies on the row, newest id first, at most
 * NZ_SEARCH_WINDOW + 1 rows. When ranking single words (no phrase, no prefix), each row brings
 * its weighted term frequencies from article_rank (PostgreSQL migration 26) and no vector is
 * read (window_sql says which statement runs when). Otherwise each row brings the positions of the
 * query's lexemes in tsvectorsend's binary form: only those lexemes (setweight marks them C, a
 * weight no field uses, and ts_filter keeps what is C: both cheap C functions on the row), or the
 * whole vector when the query has a prefix (its lexemes are not known in advance). A position's
 * field follows from the field lengths (headline 1..h, highlights h+2..h+h'+1, body after), each
 * phrase's instances per field are counted here (headline 10, highlights 4, body 1) and scored: idf
 * * f (k1 + 1) / (f + k1 (1 - b + b |D| / avgdl)), times the recency factor. The IDF of a phrase is
 * SQLite's: counted over its oldest 500 matches, extrapolated beyond from how far (by id) they
 * reach; one phrase alone has IDF 1.
 *
 * Rules: every value is bound; the statements are fixed text; filters that are not set bind
 * NULL and drop out of the WHERE.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "search/search.h"
#include "store/postgres/postgres_int.h"

#define K1 1.2
#define B 0.75
#define IDF_SAMPLE 500
#define RECENCY_MONTH 2592000.0
/* How long a handle keeps the archive's totals (BM25's N and average length) before counting
 * them again: a scan of every search row, 40 ms at 100,000 articles, which a search paid each
 * time. Its own writes recount at once (nz__pg_search_write); other nodes' show within this. */
#define TOTALS_MAX_AGE 10
/* Below this many search rows the totals are counted on every ranked query (a few ms at most):
 * a small archive changes fast relative to its size, and a stale count there (0 rows before an
 * import by another connection) would skew every score. */
#define TOTALS_KEEP_ROWS 10000

static const double field_weight[] = {10.0, 4.0, 1.0}; /* A headline, B highlights, D body */

#define WINDOW_WHERE " FROM article_search s WHERE s.terms @@ $1::tsquery AND" NZ__PG_WINDOW_FILTERS
/* Two ways to the newest matches. A query whose every phrase is one word needs no recheck of
 * the GIN index's matches, so a bitmap scan of them reads no vector: "+ 0" keeps the planner
 * from walking the ids backwards instead, which detoasts every row it passes to test it (half
 * a second for "drill -budget" at 100,000 articles, against 7 ms). A phrase's matches are
 * rechecked, detoasting each: walking the ids then stops after the window. */
#define WINDOW_WALK WINDOW_WHERE " ORDER BY s.article_id DESC LIMIT $10"
#define WINDOW_BITMAP WINDOW_WHERE " ORDER BY s.article_id + 0 DESC LIMIT $10"

#define TIME_COLS "SELECT s.article_id, s.published_at, 0, NULL"
static const nz__pg_sql q_window_time = {TIME_COLS WINDOW_WALK};
static const nz__pg_sql q_window_time_bitmap = {TIME_COLS WINDOW_BITMAP};
#define RANK_COLS                                                                                  \
	"SELECT s.article_id, s.published_at, s.headline_terms + s.highlights_terms + "            \
	"s.body_terms,"
#define FIELD_COLS ", s.headline_terms, s.highlights_terms"
static const nz__pg_sql q_window_rank = {RANK_COLS " tsvectorsend(s.terms)" FIELD_COLS WINDOW_WALK};
/* The query's lexemes only ($12: their text[]), a few hundred bytes a row instead of the whole
 * vector's thousands: tsvectorsend of a whole row was most of a common word's search. */
static const nz__pg_sql q_window_rank_lex = {
    RANK_COLS
    " tsvectorsend(ts_filter(setweight(s.terms, 'c', $12::text[]), '{c}'))" FIELD_COLS WINDOW_WALK};
/* Single words (most searches, every related list): the frequencies from article_rank, read for
 * the window's rows only; no vector is read, but for a row without its frequencies (written
 * by a program older than PostgreSQL migration 26, until the index is rebuilt): the query's
 * lexemes then, as q_window_rank_lex ($12), in column 6. */
static const nz__pg_sql q_window_rank_tf = {
    "SELECT w.article_id, w.published_at, w.dl, r.tf, w.headline_terms, w.highlights_terms,"
    " CASE WHEN r.tf IS NULL THEN tsvectorsend(ts_filter(setweight(w.terms, 'c', $12::text[]),"
    " '{c}')) END FROM (SELECT s.article_id, s.published_at, s.terms, s.headline_terms"
    " + s.highlights_terms + s.body_terms AS dl" FIELD_COLS WINDOW_BITMAP
    ") w LEFT JOIN article_rank r ON r.article_id = w.article_id"};

/* The same, walking the ids: for a word in most articles (common_words). */
static const nz__pg_sql q_window_rank_tf_walk = {
    "SELECT w.article_id, w.published_at, w.dl, r.tf, w.headline_terms, w.highlights_terms,"
    " CASE WHEN r.tf IS NULL THEN tsvectorsend(ts_filter(setweight(w.terms, 'c', $12::text[]),"
    " '{c}')) END FROM (SELECT s.article_id, s.published_at, s.terms, s.headline_terms"
    " + s.highlights_terms + s.body_terms AS dl" FIELD_COLS WINDOW_WALK
    ") w LEFT JOIN article_rank r ON r.article_id = w.article_id"};
/* The smallest share of articles holding one of the words $1 (text[]), by pg_stats (kept by
 * ANALYZE; a word not among the column's most common elements counts 0). */
static const nz__pg_sql q_common = {
    "SELECT COALESCE(min(COALESCE((SELECT m.f FROM pg_stats s,"
    " unnest(s.most_common_elems::text::text[], s.most_common_elem_freqs) AS m(e, f)"
    " WHERE s.schemaname = current_schema() AND s.tablename = 'article_search'"
    " AND s.attname = 'terms' AND m.e = w LIMIT 1), 0)), 0) FROM unnest($1::text[]) AS w"};
/* Above this share of the archive the newest matches are denser than a bitmap of them all is
 * cheap: walking the ids back reads about 1 / share rows a match, where the bitmap reads every
 * match and sorts them ("said", in 85 % of articles: 65 ms walking, 114 by bitmap). */
#define COMMON_SHARE 0.5

/* A generic plan (what a prepared statement gets after five runs) cannot know how common the
 * query's terms are: it bitmap-scans every match and sorts them all, sending each row's terms
 * (6x slower for a word in every article). Custom plans walk the ids backwards for common terms
 * and stop after the window. For the rest of the read's transaction only: until the window is
 * ranked (q_default_plans). */
static const nz__pg_sql q_custom_plans = {"SET LOCAL plan_cache_mode = force_custom_plan"};
/* After the window: the page's articles are then read with their cached generic plans, not
 * planned again each (six statements an article, 0.1-0.2 ms of planning each: 6+ ms a page). */
static const nz__pg_sql q_default_plans = {"SET LOCAL plan_cache_mode = DEFAULT"};
/* No JIT for the window: the planner prices a word's postings walk (it cannot tell that it stops
 * at the window) in the millions, past jit_above_cost, and compiling took 130-270 ms at 100,000
 * articles for a query that runs in 2. For the rest of the read's transaction. */
static const nz__pg_sql q_no_jit = {"SET LOCAL jit = off"};
static const nz__pg_sql q_totals = {
    "SELECT count(*), COALESCE(sum(headline_terms + highlights_terms + body_terms), 0)"
    " FROM article_search"};
/* Sequential scans off for the rest of the read's transaction: the planner cannot price
 * detoasting every row's terms, and scanned the table (or walked the ids) to count a rare
 * phrase's matches: a second at 60,000 articles. The GIN index answers instead. */
static const nz__pg_sql q_no_seqscan = {"SET LOCAL enable_seqscan = off"};
static const nz__pg_sql q_seqscan = {"SET LOCAL enable_seqscan = on"}; /* for the totals */
/* A phrase's document count: for one lexeme among the column's most common elements (pg_stats,
 * kept by ANALYZE) with at least $2 matches, its frequency there times $3 rows, and 0 as the
 * last id (final); otherwise its oldest $2 matches counted through the GIN index, and the
 * newest of them (extrapolated from, as SQLite does). $4: the lexeme, NULL for a phrase. */
static const nz__pg_sql q_sample = {
    "WITH e AS (SELECT round(m.f * $3)::bigint AS n FROM pg_stats s,"
    " unnest(s.most_common_elems::text::text[], s.most_common_elem_freqs) AS m(e, f)"
    " WHERE s.schemaname = current_schema() AND s.tablename = 'article_search'"
    " AND s.attname = 'terms' AND m.e = $4::text AND m.f * $3 >= $2 LIMIT 1)"
    " SELECT n, 0 FROM e UNION ALL SELECT * FROM (SELECT count(*), COALESCE(max(article_id), 0)"
    " FROM (SELECT article_id FROM article_search WHERE terms @@ $1::tsquery"
    " ORDER BY article_id + 0 LIMIT $2) x) y WHERE NOT EXISTS (SELECT 1 FROM e) LIMIT 1"};

/* Whether the section, tag and author filters ($1..$3, NULL: unset) can match at all: a slug that
 * names nothing, or a section without articles, gives no result, and finding that out from the
 * window would read every match of the words (SQLite's SQ_SEARCH_FILTERS_LIVE). */
static const nz__pg_sql q_filters_live = {
    "SELECT ($1::text IS NULL OR EXISTS (SELECT 1 FROM sections s JOIN articles a"
    " ON a.section_id = s.id WHERE s.slug = $1))"
    " AND ($2::text IS NULL OR EXISTS (SELECT 1 FROM tags t JOIN article_tags at"
    " ON at.tag_id = t.id WHERE t.slug = $2))"
    " AND ($3::text IS NULL OR EXISTS (SELECT 1 FROM authors au JOIN article_authors aa"
    " ON aa.author_id = au.id WHERE au.slug = $3))"};

/* ---- one row's lexemes --------------------------------------------------------------------- */

typedef struct lexeme {
	const char *text;
	size_t len;
	int *pos;
	char *field; /* 0 headline, 1 highlights, 2 body */
	size_t n;
} lexeme;

static int hex(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* tsvectorsend's bytes, read from bytea's hex text ("\\x…") without a copy. */
typedef struct reader {
	const char *p; /* after "\\x" */
	size_t left;   /* bytes */
	bool bad;
} reader;

static unsigned get8(reader *r)
{
	int hi, lo;
	if (r->left == 0 || (hi = hex(r->p[0])) < 0 || (lo = hex(r->p[1])) < 0) {
		r->bad = true;
		return 0;
	}
	r->p += 2;
	r->left--;
	return (unsigned)(hi << 4 | lo);
}

static unsigned get16(reader *r)
{
	unsigned hi = get8(r);
	return hi << 8 | get8(r);
}

/* Whether a row's lexeme is one of the query's tokens (or starts with a prefix token). */
static bool wanted(const nz_search_phrase *ph, size_t n, const char *lex, size_t len)
{
	for (size_t i = 0; i < n; i++)
		for (size_t k = 0; k < ph[i].n && !ph[i].exclude; k++) {
			size_t tlen = strlen(ph[i].tokens[k]);
			bool prefix = ph[i].prefix && k + 1 == ph[i].n;
			if ((prefix ? len >= tlen : len == tlen) &&
			    memcmp(lex, ph[i].tokens[k], tlen) == 0)
				return true;
		}
	return false;
}

/* The field of a position, from the row's headline and highlights lengths in terms. */
static char field_of(int pos, const int64_t len[2])
{
	return pos <= len[0] ? 0 : pos <= len[0] + 1 + len[1] ? 1 : 2;
}

/* The query's lexemes in a row, from tsvectorsend's format: a count (int32), then per lexeme
 * its text, a NUL, a count of positions (int16) and the positions (int16: the weight in the top
 * two bits, not read: the field comes from len, the headline's and highlights' lengths). In
 * arena. */
static lexeme *parse_lexemes(nz_arena *arena, const char *hexa, const int64_t len_hl[2],
			     const nz_search_phrase *ph, size_t n_ph, size_t *n)
{
	reader r = {hexa + 2, strlen(hexa) / 2 - 1, strncmp(hexa, "\\x", 2) != 0};
	char word[2048];
	*n = 0;
	unsigned count = get16(&r) << 16;
	count |= get16(&r);
	lexeme *l = nz_arena_zalloc(arena, (count ? count : 1) * sizeof(*l));
	if (!l)
		return NULL;
	for (unsigned i = 0; i < count && !r.bad; i++) {
		size_t len = 0;
		unsigned c;
		while ((c = get8(&r)) != 0 && !r.bad)
			if (len < sizeof(word))
				word[len++] = (char)c;
		size_t npos = get16(&r);
		if (!wanted(ph, n_ph, word, len)) {
			for (size_t j = 0; j < npos; j++)
				get16(&r);
			continue;
		}
		lexeme *x = &l[(*n)++];
		*x = (lexeme){nz_arena_strndup(arena, word, len), len,
			      nz_arena_alloc(arena, (npos + 1) * sizeof(int)),
			      nz_arena_alloc(arena, npos + 1), 0};
		if (!x->text || !x->pos || !x->field)
			return NULL;
		for (size_t j = 0; j < npos; j++) {
			unsigned v = get16(&r);
			x->pos[x->n] = (int)(v & 0x3fff);
			x->field[x->n] = field_of(x->pos[x->n], len_hl);
			x->n++;
		}
	}
	return l;
}

static bool lexeme_is(const lexeme *l, const char *want, bool prefix)
{
	size_t wlen = strlen(want);
	return (prefix ? l->len >= wlen : l->len == wlen) && memcmp(l->text, want, wlen) == 0;
}

/* Whether token k of phrase p is at position pos in the row. */
static bool token_at(const lexeme *l, size_t nl, const nz_search_phrase *p, size_t k, int pos)
{
	for (size_t i = 0; i < nl; i++) {
		if (!lexeme_is(&l[i], p->tokens[k], p->prefix && k + 1 == p->n))
			continue;
		for (size_t j = 0; j < l[i].n; j++)
			if (l[i].pos[j] == pos)
				return true;
	}
	return false;
}

/* The phrase's instances in the row, each counted with its field's weight. */
static double phrase_freq(const lexeme *l, size_t nl, const nz_search_phrase *p)
{
	double f = 0.0;
	for (size_t i = 0; i < nl; i++) {
		if (!lexeme_is(&l[i], p->tokens[0], p->prefix && p->n == 1))
			continue;
		for (size_t j = 0; j < l[i].n; j++) {
			size_t k = 1;
			while (k < p->n && token_at(l, nl, p, k, l[i].pos[j] + (int)k))
				k++;
			if (k == p->n)
				f += field_weight[(int)l[i].field[j]];
		}
	}
	return f;
}

/* ---- ranking ----------------------------------------------------------------------------- */

typedef struct ranking {
	nz__pg *h;
	const nz_search_phrase *ph;
	size_t n_ph, n_terms; /* phrases; terms of the query, exclusions included (FTS5's count) */
	double n_rows, avgdl;
	double *idf; /* < 0: not counted yet */
} ranking;

/* The IDF of phrase i (search_rank.c's phrase_idf). */
static nz_rc phrase_idf(ranking *r, size_t i, nz_err *err)
{
	nz_buf q;
	nz__pg_params p = {0};
	PGresult *res = NULL;
	if (r->n_terms == 1) {
		r->idf[i] = 1.0;
		return NZ_OK;
	}
	nz_buf_init(&q, 0);
	if (nz_search_tsquery_phrase(&r->ph[i], &q)) {
		nz_buf_free(&q);
		return nz_err_set(err, NZ_NOMEM, "search: out of memory");
	}
	nz__pg_text(&p, nz_buf_cstr(&q));
	nz__pg_int64(&p, IDF_SAMPLE);
	nz__pg_int64(&p, (int64_t)r->n_rows);
	nz__pg_text(&p, r->ph[i].n == 1 && !r->ph[i].prefix ? r->ph[i].tokens[0] : NULL);
	nz_rc rc = nz__pg_query(r->h, &q_sample, &p, &res, "search", err);
	if (!rc) {
		double n = (double)nz__pg_col_int(res, 0, 0);
		double last = (double)nz__pg_col_int(res, 0, 1);
		if (n >= IDF_SAMPLE && last > 0 && last < r->n_rows)
			n = n * r->n_rows / last;
		double idf = log((r->n_rows - n + 0.5) / (n + 0.5));
		r->idf[i] = idf > 0.0 ? idf : 1e-6;
		PQclear(res);
	}
	nz_buf_free(&q);
	return rc;
}

/* The weighted frequency of token in a row's article_rank.tf, as bytea's hex text ("\\x…", 12
 * digits an entry, sorted by hash): a binary search. 0 when absent. */
static double tf_of(const char *hexa, const char *token)
{
	size_t len = strlen(hexa);
	if (len < 2 || strncmp(hexa, "\\x", 2) != 0)
		return 0.0;
	uint32_t want = nz__pg_rank_hash(token, strlen(token));
	size_t lo = 0, hi = (len - 2) / 12;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		reader r = {hexa + 2 + 12 * mid, 6, false};
		uint32_t got = (uint32_t)get16(&r) << 16;
		got |= get16(&r);
		if (r.bad)
			return 0.0;
		if (got == want)
			return (double)get16(&r);
		if (got < want)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0.0;
}

/* Where a window's rows bring their frequencies from: the query's lexemes' positions
 * (tsvectorsend), article_rank.tf (column 3), or one column a word from column 3 on
 * (search_postings.c's). */
typedef enum { FROM_VECTOR, FROM_RANK, FROM_POSTINGS } tf_source;

/* The row's BM25 from search_postings.c's columns: the j-th word's frequency in column 3 + j. */
static nz_rc postings_bm25(ranking *r, PGresult *res, int row, double *score, nz_err *err)
{
	double dl = (double)nz__pg_col_int(res, row, 2);
	double norm = K1 * (1.0 - B + B * dl / r->avgdl);
	*score = 0.0;
	for (size_t i = 0, j = 0; i < r->n_ph; i++) {
		nz_rc rc;
		if (r->ph[i].exclude)
			continue;
		double f = (double)nz__pg_col_int(res, row, 3 + (int)j++);
		if (f == 0.0)
			continue;
		if (r->idf[i] < 0.0 && (rc = phrase_idf(r, i, err)))
			return rc;
		*score += r->idf[i] * (f * (K1 + 1.0)) / (f + norm);
	}
	return NZ_OK;
}

/* The row's BM25 (positive: higher is better); from: where the row's frequencies are. */
static nz_rc row_bm25(ranking *r, nz_arena *arena, PGresult *res, int row, tf_source from,
		      double *score, nz_err *err)
{
	size_t nl = 0;
	lexeme *l = NULL;
	int col = 3;
	bool tf = from == FROM_RANK;
	if (from == FROM_POSTINGS)
		return postings_bm25(r, res, row, score, err);
	if (tf && nz__pg_col_null(res, row, 3))
		tf = false, col = 6; /* no frequencies: the lexemes */
	const char *sent =
	    nz__pg_col_null(res, row, col) ? "\\x00000000" : PQgetvalue(res, row, col);
	int64_t len_hl[2] = {nz__pg_col_int(res, row, 4), nz__pg_col_int(res, row, 5)};
	if (!tf && !(l = parse_lexemes(arena, sent, len_hl, r->ph, r->n_ph, &nl)))
		return nz_err_set(err, NZ_NOMEM, "search: out of memory");
	double dl = (double)nz__pg_col_int(res, row, 2);
	double norm = K1 * (1.0 - B + B * dl / r->avgdl);
	*score = 0.0;
	for (size_t i = 0; i < r->n_ph; i++) {
		nz_rc rc;
		if (r->ph[i].exclude)
			continue;
		double f = tf ? tf_of(sent, r->ph[i].tokens[0]) : phrase_freq(l, nl, &r->ph[i]);
		if (f == 0.0)
			continue;
		if (r->idf[i] < 0.0 && (rc = phrase_idf(r, i, err)))
			return rc;
		*score += r->idf[i] * (f * (K1 + 1.0)) / (f + norm);
	}
	return NZ_OK;
}

static nz_rc ranking_init(nz__pg *h, nz_arena *arena, const nz_search_phrase *ph, size_t n,
			  size_t n_terms, ranking *r, nz_err *err)
{
	PGresult *res = NULL;
	*r =
	    (ranking){h, ph, n, n_terms, 1.0, 1.0, nz_arena_alloc(arena, (n + 1) * sizeof(double))};
	if (!r->idf)
		return nz_err_set(err, NZ_NOMEM, "search: out of memory");
	for (size_t i = 0; i < n; i++)
		r->idf[i] = -1.0;
	nz_time now = nz_time_now();
	if (!h->search_totals_at || now - h->search_totals_at >= TOTALS_MAX_AGE ||
	    now < h->search_totals_at) {
		nz_rc rc = nz__pg_run(h, &q_seqscan, NULL, "search", err);
		if (rc || (rc = nz__pg_query(h, &q_totals, NULL, &res, "search", err)) ||
		    (rc = nz__pg_run(h, &q_no_seqscan, NULL, "search", err))) {
			PQclear(res);
			return rc;
		}
		h->search_rows = (double)nz__pg_col_int(res, 0, 0);
		h->search_terms = (double)nz__pg_col_int(res, 0, 1);
		h->search_totals_at = h->search_rows >= TOTALS_KEEP_ROWS ? now : 0;
		PQclear(res);
	}
	r->n_rows = h->search_rows > 0 ? h->search_rows : 1.0;
	r->avgdl = h->search_terms > 0 ? h->search_terms / r->n_rows : 1.0;
	return NZ_OK;
}

/* ---- the window ---------------------------------------------------------------------------- */

void nz__pg_array_item(nz_buf *b, const char *s, size_t len, bool first)
{
	nz_buf_puts(b, first ? "\"" : ",\"");
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '"' || s[i] == '\\')
			nz_buf_putc(b, '\\');
		nz_buf_putc(b, s[i]);
	}
	nz_buf_putc(b, '"');
}

/* The query's lexemes as a text[] literal ({"navy","drill"}) into b; false when a phrase ends
 * in a prefix (which lexemes it matches is known only row by row). */
static bool lexeme_array(const nz_search_phrase *ph, size_t n, nz_buf *b)
{
	bool first = true;
	nz_buf_putc(b, '{');
	for (size_t i = 0; i < n; i++) {
		if (ph[i].exclude)
			continue;
		if (ph[i].prefix)
			return false;
		for (size_t k = 0; k < ph[i].n; k++, first = false)
			nz__pg_array_item(b, ph[i].tokens[k], strlen(ph[i].tokens[k]), first);
	}
	nz_buf_putc(b, '}');
	return true;
}

/* Whether every phrase of the query is one token (none needs positions or a recheck); false for
 * an empty query. *prefix: whether a phrase ends in a prefix (its lexemes are known row by row). */
static bool single_tokens(const nz_search_phrase *ph, size_t n, bool *prefix)
{
	bool any = false, single = true;
	*prefix = false;
	for (size_t i = 0; i < n; i++) {
		single = single && ph[i].n == 1;
		*prefix = *prefix || (ph[i].prefix && !ph[i].exclude);
		any = any || !ph[i].exclude;
	}
	return single && any;
}

/* The window's statement for w: by time, or ranked from article_rank (single words), from the
 * query's lexemes (phrases) or from whole vectors (prefixes); by a bitmap scan when no match
 * needs a recheck and no term is a prefix (a short prefix's bitmap is most of the archive,
 * seconds to scan; walking the ids stops after the window). lex gets the lexemes' text[] when
 * the statement takes them ($12). */
static const nz__pg_sql *window_sql(const nz__pg_window *w, bool rank, nz_buf *lex)
{
	bool prefix = false, single = single_tokens(w->phrases, w->n_phrases, &prefix);
	if (!rank)
		return single && !prefix ? &q_window_time_bitmap : &q_window_time;
	if (prefix)
		return &q_window_rank;
	lexeme_array(w->phrases, w->n_phrases, lex);
	return single ? &q_window_rank_tf : &q_window_rank_lex;
}

/* Whether every word of w's query is in more than COMMON_SHARE of the archive, with no filter
 * but language that could thin its matches (then the walk beats the bitmap); lex: the words'
 * text[] (empty: not known). A search only: a related list's words are its rarest. */
static nz_rc common_words(nz__pg *h, const nz__pg_window *w, const nz_buf *lex, bool *common,
			  nz_err *err)
{
	const nz_article_search *q = w->q;
	*common = false;
	if (w->tsquery || !lex->len || q->section_slug || q->tag_slug || q->author_slug ||
	    q->from || q->to)
		return NZ_OK;
	nz__pg_params p = {0};
	PGresult *res = NULL;
	nz__pg_text(&p, nz_buf_cstr(lex));
	nz_rc rc = nz__pg_query(h, &q_common, &p, &res, "search", err);
	if (!rc && PQntuples(res) > 0)
		*common = strtod(PQgetvalue(res, 0, 0), NULL) > COMMON_SHARE;
	PQclear(res);
	return rc;
}

/* Scores the window's rows into c (lower is better, as FTS5 reports BM25). */
static nz_rc score_rows(nz__pg *h, nz_arena *arena, const nz__pg_window *w, PGresult *res,
			tf_source tf, nz__pg_candidate *c, size_t n, nz_err *err)
{
	ranking r;
	nz_rc rc = ranking_init(h, arena, w->phrases, w->n_phrases, w->n_terms, &r, err);
	for (size_t i = 0; i < n && !rc; i++) {
		double score = 0.0;
		if ((rc = row_bm25(&r, arena, res, (int)i, tf, &score, err)))
			break;
		if (w->recency) {
			double age = (double)(w->q->now - c[i].published_at);
			score *= 1.0 + 1.0 / (1.0 + (age > 0.0 ? age : 0.0) / RECENCY_MONTH);
		}
		c[i].score = -score;
	}
	return rc;
}

void nz__pg_window_params(nz__pg_params *p, const nz__pg_window *w)
{
	const nz_article_search *q = w->q;
	nz__pg_int64(p, q->now);
	nz__pg_text(p, q->section_slug);
	nz__pg_text(p, q->tag_slug);
	nz__pg_text(p, q->author_slug);
	nz__pg_text(p, q->language);
	nz__pg_opt_int(p, q->from);
	nz__pg_opt_int(p, q->to);
	nz__pg_int64(p, w->self);
	nz__pg_int64(p, NZ_SEARCH_WINDOW + 1);
	nz__pg_text(p, q->any_status ? "true" : "false");
}

/* Whether w's section, tag and author filters can match anything (q_filters_live). */
static nz_rc filters_live(nz__pg *h, const nz__pg_window *w, bool *live, nz_err *err)
{
	const nz_article_search *q = w->q;
	nz__pg_params p = {0};
	PGresult *res = NULL;
	*live = true;
	if (!q->section_slug && !q->tag_slug && !q->author_slug)
		return NZ_OK;
	nz__pg_text(&p, q->section_slug);
	nz__pg_text(&p, q->tag_slug);
	nz__pg_text(&p, q->author_slug);
	nz_rc rc = nz__pg_query(h, &q_filters_live, &p, &res, "search", err);
	if (!rc)
		*live = PQntuples(res) > 0 && strcmp(PQgetvalue(res, 0, 0), "t") == 0;
	PQclear(res);
	return rc;
}

/* The window's rows by the GIN index (any query) into *res; *from: where they bring their
 * frequencies from. */
static nz_rc gin_window(nz__pg *h, const nz__pg_window *w, bool rank, PGresult **res,
			tf_source *from, nz_err *err)
{
	nz_buf tsq, lex;
	nz__pg_params p = {0};
	nz_rc rc = NZ_OK;
	nz_buf_init(&tsq, 0);
	nz_buf_init(&lex, 0);
	if (w->tsquery)
		nz_buf_puts(&tsq, w->tsquery);
	else
		nz_search_tsquery(w->phrases, w->n_phrases, &tsq);
	const nz__pg_sql *q_window = window_sql(w, rank, &lex);
	bool common = false;
	if (q_window == &q_window_time_bitmap)
		lexeme_array(w->phrases, w->n_phrases, &lex);
	bool phrase = !h->search_gin_only && nz__pg_postings_phrase_fit(w);
	if (phrase && !lex.len)
		lexeme_array(w->phrases, w->n_phrases, &lex);
	if (nz_buf_rc(&tsq) || nz_buf_rc(&lex)) {
		rc = nz_err_set(err, NZ_NOMEM, "search: out of memory");
		goto out;
	}
	*from = FROM_VECTOR;
	if (phrase) { /* no rows and no error: a sparse section, the GIN index then */
		rc = nz__pg_postings_phrase(h, w, nz_buf_cstr(&tsq), nz_buf_cstr(&lex), res, err);
		if (rc || *res)
			goto out;
	}
	if ((q_window == &q_window_rank_tf || q_window == &q_window_time_bitmap) &&
	    (rc = common_words(h, w, &lex, &common, err)))
		goto out;
	if (common)
		q_window = q_window == &q_window_rank_tf ? &q_window_rank_tf_walk : &q_window_time;
	if (q_window == &q_window_rank_tf && !h->search_gin_only && nz__pg_postings_tf_fit(w)) {
		*from = FROM_POSTINGS;
		rc = nz__pg_postings_tf(h, w, nz_buf_cstr(&tsq), res, err);
		goto out;
	}
	bool tf = q_window == &q_window_rank_tf || q_window == &q_window_rank_tf_walk;
	nz__pg_text(&p, nz_buf_cstr(&tsq));
	nz__pg_window_params(&p, w);
	if (q_window == &q_window_rank_lex || tf)
		nz__pg_text(&p, nz_buf_cstr(&lex));
	*from = tf ? FROM_RANK : FROM_VECTOR;
	rc = nz__pg_query(h, q_window, &p, res, "search", err);
out:
	nz_buf_free(&tsq);
	nz_buf_free(&lex);
	return rc;
}

nz_rc nz__pg_search_window(nz__pg *h, nz_arena *arena, const nz__pg_window *w,
			   nz__pg_candidate **out, size_t *n, bool *capped, nz_err *err)
{
	bool rank = w->q->sort != NZ_SEARCH_NEWEST;
	PGresult *res = NULL;
	tf_source tf = FROM_POSTINGS;
	nz_rc rc;
	*out = NULL;
	*n = 0;
	*capped = false;
	if ((rc = nz__pg_run(h, &q_custom_plans, NULL, "search", err)) ||
	    (rc = nz__pg_run(h, &q_no_seqscan, NULL, "search", err)) ||
	    (rc = nz__pg_run(h, &q_no_jit, NULL, "search", err)))
		goto out;
	bool live = true;
	if ((rc = filters_live(h, w, &live, err)) || !live)
		goto out;
	if (!h->search_gin_only && nz__pg_postings_fit(w))
		rc = nz__pg_postings_window(h, w, &res, err);
	else if (!h->search_gin_only && nz__pg_postings_prefix_fit(w))
		rc = nz__pg_postings_prefix(h, w, &res, err);
	if (!rc && !res) /* no fit, or declined (a sparse section) */
		rc = gin_window(h, w, rank, &res, &tf, err);
	if (rc)
		goto out;
	size_t rows = (size_t)PQntuples(res);
	*capped = rows > NZ_SEARCH_WINDOW;
	*n = rows > NZ_SEARCH_WINDOW ? NZ_SEARCH_WINDOW : rows;
	if (*n && !(*out = nz_arena_zalloc(arena, *n * sizeof(**out)))) {
		rc = nz_err_set(err, NZ_NOMEM, "search: out of memory");
		goto out;
	}
	for (size_t i = 0; i < *n; i++) {
		(*out)[i].id = nz__pg_col_int(res, (int)i, 0);
		(*out)[i].published_at = nz__pg_col_int(res, (int)i, 1);
	}
	if (rank && *n)
		rc = score_rows(h, arena, w, res, tf, *out, *n, err);
	if (!rc && *n > 1)
		qsort(*out, *n, sizeof(**out), rank ? nz__store_by_score : nz__store_by_time);
	if (!rc)
		rc = nz__pg_run(h, &q_default_plans, NULL, "search", err);
out:
	PQclear(res);
	if (rc)
		*out = NULL, *n = 0;
	return rc;
}
