/*
 * search_postings.c: a search's window from search_postings (PostgreSQL migration 27), for a
 * query of one to three single words (no phrase, no prefix, no exclusion), no filter but the
 * language and the section; for phrases of up to three distinct words; and for one prefix alone
 * (migration 28).
 *
 * A word's postings come off the primary key (term_hash, article_id) newest first with their
 * weighted frequencies (an index-only scan); the other words are looked up by (key, id) for
 * each row, the row's public-ness, language and section read from its article_search row by id;
 * the scan stops at the window's size. A section bounds the walk by its articles' lowest and
 * highest id (one index-only scan of articles_section): when they fill at least half of that
 * span the walk starts at the section's newest article and tests few rows of other sections;
 * otherwise (sections interleaved by id) the GIN index answers, as for exclusions and the tag,
 * author and date filters, which most matches may fail: probing an excluded word's postings for
 * each row, or walking a word's postings through other sections' rows, cost more than the
 * bitmap (docs/search.md); that bitmap's window of single words then probes its rows' postings
 * for their frequencies (q_tf). The frequencies are the same numbers as article_rank's
 * (search_index.c writes both from one count), so the ranking is too; the matches are the GIN
 * index's for single words (a lexeme's postings are the rows holding it). A prefix's lexemes
 * come from search_terms (the vocabulary, migration 28), their postings summed per article
 * from the oldest article its window can reach (the newest 2,001 of its most common lexeme, by
 * pg_stats): the prefix's frequency as one phrase, as the GIN path's vectors give it
 * (docs/search.md, "Prefixes through postings").
 *
 * Rules: every value bound; one fixed statement per number of words; the caller's read
 * transaction (custom plans, search_window.c).
 */
#include <string.h>

#include "search/search.h"
#include "store/postgres/postgres_int.h"

/* $1 the first word's key, $2..$11 the filters (nz__pg_window_params), $12 and $13 the other
 * words' keys, then the lowest and highest article id the walk covers (walk_range). */
#define POST_COLS                                                                                  \
	"SELECT p1.article_id, s.published_at, s.headline_terms + s.highlights_terms"              \
	" + s.body_terms, p1.tf"
#define POST_JOIN2                                                                                 \
	" JOIN search_postings p2 ON p2.term_hash = $12 AND p2.article_id = p1.article_id"
#define POST_JOIN3                                                                                 \
	" JOIN search_postings p3 ON p3.term_hash = $13 AND p3.article_id = p1.article_id"
#define POST_FILTERED                                                                              \
	" JOIN article_search s ON s.article_id = p1.article_id WHERE p1.term_hash = $1 "          \
	"AND" NZ__PG_WINDOW_FILTERS
#define POST_RANGE(lo, hi) " AND p1.article_id BETWEEN " lo " AND " hi
#define POST_ORDER " ORDER BY p1.article_id DESC LIMIT $10"

static const nz__pg_sql q_post[NZ__PG_POSTING_WORDS] = {
    {POST_COLS " FROM search_postings p1" POST_FILTERED POST_RANGE("$12", "$13") POST_ORDER},
    {POST_COLS ", p2.tf FROM search_postings p1" POST_JOIN2 POST_FILTERED POST_RANGE("$13", "$14")
	 POST_ORDER},
    {POST_COLS ", p2.tf, p3.tf FROM search_postings p1" POST_JOIN2 POST_JOIN3 POST_FILTERED
	 POST_RANGE("$14", "$15") POST_ORDER},
};

/* A section's articles: how many, and their lowest and highest id (the articles_section index
 * alone). Its copy on the search row (s.section_id) follows the article's in the same
 * transaction, so the span holds every row the filter keeps. */
static const nz__pg_sql q_section_range = {
    "SELECT count(*), COALESCE(min(a.id), 0), COALESCE(max(a.id), -1) FROM articles a"
    " WHERE a.section_id = (SELECT id FROM sections WHERE slug = $1)"};
/* Below this share of its span held by the section, walking a word's postings there would test
 * rows of other sections one by one: the GIN index's bitmap then. */
#define SECTION_DENSITY 0.5

/* Row by row, each by its key: the planner, which cannot tell that the walk stops at the
 * window, merge-joined a rare word's postings with every article_search row (50 ms for 8
 * matches at 100,000 articles, against 0.4). For the rest of the read's transaction. */
static const nz__pg_sql q_no_merge = {"SET LOCAL enable_mergejoin = off"};
static const nz__pg_sql q_no_hash = {"SET LOCAL enable_hashjoin = off"};
/* No parallel workers: starting them cost 14 ms of a 36 ms phrase window ("joint study"), for a
 * walk that stops at 2,001 rows. */
static const nz__pg_sql q_no_parallel = {"SET LOCAL max_parallel_workers_per_gather = 0"};

/* The settings above, for the rest of the read's transaction. */
static nz_rc walk_settings(nz__pg *h, nz_err *err)
{
	nz_rc rc = nz__pg_run(h, &q_no_merge, NULL, "search", err);
	if (!rc)
		rc = nz__pg_run(h, &q_no_hash, NULL, "search", err);
	if (!rc)
		rc = nz__pg_run(h, &q_no_parallel, NULL, "search", err);
	return rc;
}

/* Phrases: the AND of their words' postings, each candidate's vector checked against the
 * tsquery (the phrase's positions) and its query lexemes sent for ranking as search_window.c's
 * q_window_rank_lex sends them. After the words' keys: $13 or $14 the tsquery, then the
 * lexemes' text[]. ts_match_vq is @@ in a form the GIN index does not answer: with @@ the
 * planner took a bitmap of every match of the phrase and rechecked each (174 ms for 반도체 at
 * 100,000 articles, 10,572 vectors read) instead of walking the postings (60 ms, 2,001). */
#define PHRASE_COLS(lex)                                                                           \
	"SELECT p1.article_id, s.published_at, s.headline_terms + s.highlights_terms"              \
	" + s.body_terms, tsvectorsend(ts_filter(setweight(s.terms, 'c', " lex "::text[]),"        \
	" '{c}')), s.headline_terms, s.highlights_terms FROM search_postings p1"
static const nz__pg_sql q_phrase[2] = {
    {PHRASE_COLS("$14") POST_JOIN2 POST_FILTERED
     " AND ts_match_vq(s.terms, $13::tsquery)" POST_RANGE("$15", "$16") POST_ORDER},
    {PHRASE_COLS("$15") POST_JOIN2 POST_JOIN3 POST_FILTERED
     " AND ts_match_vq(s.terms, $14::tsquery)" POST_RANGE("$16", "$17") POST_ORDER},
};

/* Whether w is a search postings can serve by its filters: its own words (not a related list's
 * ORed tsquery) and no filter but the language and, when section, the section (walk_range).
 * The tag, author and date filters, which most matches may fail, are cheaper by the GIN
 * index's bitmap. */
static bool postings_filters(const nz__pg_window *w, bool section)
{
	const nz_article_search *q = w->q;
	return !w->tsquery && (section || !q->section_slug) && !q->tag_slug && !q->author_slug &&
	       !q->from && !q->to;
}

/* The ids w's walk covers, bound into p as its last two parameters: every id without a
 * section; with one, its articles' lowest to highest (q_section_range). *dense: false when the
 * section holds less than SECTION_DENSITY of that span (nothing bound; the GIN index then). */
static nz_rc walk_range(nz__pg *h, const nz__pg_window *w, nz__pg_params *p, bool *dense,
			nz_err *err)
{
	nz__pg_params r = {0};
	PGresult *res = NULL;
	*dense = true;
	if (!w->q->section_slug) {
		nz__pg_int64(p, 0);
		nz__pg_int64(p, INT64_MAX);
		return NZ_OK;
	}
	nz__pg_text(&r, w->q->section_slug);
	nz_rc rc = nz__pg_query(h, &q_section_range, &r, &res, "search", err);
	if (rc)
		return rc;
	int64_t n = nz__pg_col_int(res, 0, 0), lo = nz__pg_col_int(res, 0, 1),
		hi = nz__pg_col_int(res, 0, 2);
	PQclear(res);
	*dense = n == 0 || (double)n >= SECTION_DENSITY * ((double)hi - (double)lo + 1.0);
	if (*dense) {
		nz__pg_int64(p, lo);
		nz__pg_int64(p, hi);
	}
	return NZ_OK;
}

/* The distinct words of w's phrases into word[0..NZ__PG_POSTING_WORDS); how many, or 0 when w
 * is not a phrase query postings can serve (one of its phrases of two words or more, no
 * prefix, no exclusion, no filter but the language, at most NZ__PG_POSTING_WORDS distinct
 * words). */
static size_t phrase_words(const nz__pg_window *w, const char **word)
{
	size_t n = 0;
	bool phrase = false;
	if (!postings_filters(w, true))
		return 0;
	for (size_t i = 0; i < w->n_phrases; i++) {
		const nz_search_phrase *p = &w->phrases[i];
		if (p->prefix || p->exclude)
			return 0;
		phrase = phrase || p->n > 1;
		for (size_t k = 0; k < p->n; k++) {
			size_t j = 0;
			while (j < n && strcmp(word[j], p->tokens[k]) != 0)
				j++;
			if (j == n && n == NZ__PG_POSTING_WORDS)
				return 0;
			if (j == n)
				word[n++] = p->tokens[k];
		}
	}
	return phrase && n >= 2 ? n : 0;
}

bool nz__pg_postings_phrase_fit(const nz__pg_window *w)
{
	const char *word[NZ__PG_POSTING_WORDS];
	return phrase_words(w, word) > 0;
}

nz_rc nz__pg_postings_phrase(nz__pg *h, const nz__pg_window *w, const char *tsquery,
			     const char *lexemes, PGresult **res, nz_err *err)
{
	const char *word[NZ__PG_POSTING_WORDS];
	size_t n = phrase_words(w, word);
	nz__pg_params p = {0};
	bool dense = true;
	*res = NULL;
	if (n < 2)
		return nz_err_set(err, NZ_INVAL, "search: not a phrase for postings");
	for (size_t i = 0; i < n; i++) {
		nz__pg_int64(&p, nz__pg_term_key(word[i], strlen(word[i])));
		if (i == 0)
			nz__pg_window_params(&p, w);
	}
	nz__pg_text(&p, tsquery);
	nz__pg_text(&p, lexemes);
	nz_rc rc = walk_range(h, w, &p, &dense, err);
	if (rc || !dense)
		return rc;
	rc = walk_settings(h, err);
	return rc ? rc : nz__pg_query(h, &q_phrase[n - 2], &p, res, "search", err);
}

bool nz__pg_postings_fit(const nz__pg_window *w)
{
	size_t words = 0;
	if (!postings_filters(w, true))
		return false;
	for (size_t i = 0; i < w->n_phrases; i++) {
		const nz_search_phrase *p = &w->phrases[i];
		/* An exclusion: each row's probe of a common excluded word costs more than the
		 * bitmap ("drill -budget" at 100,000 articles: 73 ms against 50, walking 23,531
		 * postings of drill for 2,001 without budget). */
		if (p->n != 1 || p->prefix || p->exclude)
			return false;
		words++;
	}
	return words >= 1 && words <= NZ__PG_POSTING_WORDS;
}

nz_rc nz__pg_postings_window(nz__pg *h, const nz__pg_window *w, PGresult **res, nz_err *err)
{
	nz__pg_params p = {0};
	bool dense = true;
	*res = NULL;
	for (size_t i = 0; i < w->n_phrases; i++) { /* single words: nz__pg_postings_fit */
		nz__pg_int64(
		    &p, nz__pg_term_key(w->phrases[i].tokens[0], strlen(w->phrases[i].tokens[0])));
		if (i == 0)
			nz__pg_window_params(&p, w);
	}
	nz_rc rc = walk_range(h, w, &p, &dense, err);
	if (rc || !dense)
		return rc;
	rc = walk_settings(h, err);
	return rc ? rc : nz__pg_query(h, &q_post[w->n_phrases - 1], &p, res, "search", err);
}

/* ---- frequencies for the GIN index's window -------------------------------------------------- */

/* The GIN index's window (search_window.c's, tsquery $1, by a bitmap: no match needs a recheck)
 * with each word's frequency probed from its postings ($12..$14) for the window's rows only,
 * rather than each row's whole article_rank.tf (1.1 KB) sent to be searched: an exclusion,
 * whose matches thin out, or a filter the walk does not take. */
#define TF_WINDOW                                                                                  \
	" FROM (SELECT s.article_id, s.published_at, s.headline_terms + s.highlights_terms"        \
	" + s.body_terms AS dl FROM article_search s WHERE s.terms @@ $1::tsquery "                \
	"AND" NZ__PG_WINDOW_FILTERS " ORDER BY s.article_id + 0 DESC LIMIT $10) w"
#define TF_JOIN(t, k)                                                                              \
	" JOIN search_postings " t " ON " t ".term_hash = " k " AND " t ".article_id = "           \
	"w.article_id"
#define TF_ORDER " ORDER BY w.article_id DESC"
static const nz__pg_sql q_tf[NZ__PG_POSTING_WORDS] = {
    {"SELECT w.article_id, w.published_at, w.dl, p1.tf" TF_WINDOW TF_JOIN("p1", "$12") TF_ORDER},
    {"SELECT w.article_id, w.published_at, w.dl, p1.tf, p2.tf" TF_WINDOW TF_JOIN("p1", "$12")
	 TF_JOIN("p2", "$13") TF_ORDER},
    {"SELECT w.article_id, w.published_at, w.dl, p1.tf, p2.tf, p3.tf" TF_WINDOW TF_JOIN("p1", "$12")
	 TF_JOIN("p2", "$13") TF_JOIN("p3", "$14") TF_ORDER},
};

bool nz__pg_postings_tf_fit(const nz__pg_window *w)
{
	size_t words = 0;
	if (w->tsquery)
		return false;
	for (size_t i = 0; i < w->n_phrases; i++) {
		const nz_search_phrase *p = &w->phrases[i];
		if (p->n != 1 || p->prefix)
			return false;
		words += !p->exclude;
	}
	return words >= 1 && words <= NZ__PG_POSTING_WORDS;
}

nz_rc nz__pg_postings_tf(nz__pg *h, const nz__pg_window *w, const char *tsquery, PGresult **res,
			 nz_err *err)
{
	nz__pg_params p = {0};
	size_t words = 0;
	if (!nz__pg_postings_tf_fit(w))
		return nz_err_set(err, NZ_INVAL, "search: not single words for postings");
	nz__pg_text(&p, tsquery);
	nz__pg_window_params(&p, w);
	for (size_t i = 0; i < w->n_phrases; i++)
		if (!w->phrases[i].exclude) {
			const char *t = w->phrases[i].tokens[0];
			nz__pg_int64(&p, nz__pg_term_key(t, strlen(t)));
			words++;
		}
	nz_rc rc = walk_settings(h, err);
	return rc ? rc : nz__pg_query(h, &q_tf[words - 1], &p, res, "search", err);
}

/* ---- a prefix (PostgreSQL migration 28) ---------------------------------------------------- */

#define PREFIX_MAX 256 /* bytes of a prefix this path takes, its NUL included */
/* The highest code point in UTF-8: the prefix followed by it sorts after every lexeme the prefix
 * starts (in byte order), and stays valid UTF-8 (raising the prefix's last byte may not: 갿's
 * 0xbf + 1 is no continuation byte, and PostgreSQL refuses the parameter). */
#define UTF8_MAX "\xf4\x8f\xbf\xbf"

/* The lexemes a prefix starts: [$1, $2), $2 the prefix followed by UTF8_MAX. */
static const nz__pg_sql q_prefix_terms = {
    "SELECT term FROM search_terms WHERE term >= $1 AND term < $2"};
/* The prefix's most common lexeme by pg_stats (kept by ANALYZE), if any is among the column's
 * most common elements. */
static const nz__pg_sql q_prefix_common = {
    "SELECT m.e FROM pg_stats s, unnest(s.most_common_elems::text::text[],"
    " s.most_common_elem_freqs) AS m(e, f) WHERE s.schemaname = current_schema()"
    " AND s.tablename = 'article_search' AND s.attname = 'terms'"
    " AND m.e COLLATE \"C\" >= $1 AND m.e COLLATE \"C\" < $2 ORDER BY m.f DESC LIMIT 1"};
/* The oldest of a word's newest $10 matches that pass the filters, and how many there were: when
 * $10, every match of the window of a prefix the word starts with is at least as new. */
static const nz__pg_sql q_prefix_bound = {
    "SELECT COALESCE(min(a), 0), count(*) FROM (SELECT p1.article_id AS a FROM search_postings "
    "p1" POST_FILTERED POST_ORDER ") x"};
/* The window: the postings of the prefix's lexemes ($1, an int8[]) from article $12 on, summed
 * per article (the prefix's weighted frequency, as one phrase), newest first. */
static const nz__pg_sql q_prefix = {
    "SELECT g.article_id, s.published_at, s.headline_terms + s.highlights_terms + s.body_terms,"
    " g.tf FROM (SELECT p.article_id, sum(p.tf) AS tf FROM search_postings p"
    " WHERE p.term_hash = ANY($1::int8[]) AND p.article_id >= $12 GROUP BY p.article_id) g"
    " JOIN article_search s ON s.article_id = g.article_id WHERE" NZ__PG_WINDOW_FILTERS
    " ORDER BY g.article_id DESC LIMIT $10"};

bool nz__pg_postings_prefix_fit(const nz__pg_window *w)
{
	return postings_filters(w, false) && w->n_phrases == 1 && w->phrases[0].n == 1 &&
	       w->phrases[0].prefix && !w->phrases[0].exclude && w->phrases[0].tokens[0][0] &&
	       strlen(w->phrases[0].tokens[0]) < PREFIX_MAX;
}

/* The keys of the lexemes in [lo, hi) as an int8[] literal into keys. */
static nz_rc prefix_keys(nz__pg *h, const char *lo, const char *hi, nz_buf *keys, nz_err *err)
{
	nz__pg_params p = {0};
	PGresult *res = NULL;
	nz__pg_text(&p, lo);
	nz__pg_text(&p, hi);
	nz_rc rc = nz__pg_query(h, &q_prefix_terms, &p, &res, "search", err);
	if (rc)
		return rc;
	nz_buf_putc(keys, '{');
	for (int i = 0; i < PQntuples(res); i++)
		nz_buf_printf(keys, "%s%lld", i ? "," : "",
			      (long long)nz__pg_term_key(PQgetvalue(res, i, 0),
							 (size_t)PQgetlength(res, i, 0)));
	nz_buf_putc(keys, '}');
	PQclear(res);
	return nz_buf_rc(keys) ? nz_err_set(err, NZ_NOMEM, "search: out of memory") : NZ_OK;
}

/* The oldest article the window of the prefix [lo, hi) can hold (0: any): the oldest of the
 * newest NZ_SEARCH_WINDOW + 1 that pass w's filters holding its most common lexeme. */
static nz_rc prefix_bound(nz__pg *h, const nz__pg_window *w, const char *lo, const char *hi,
			  int64_t *bound, nz_err *err)
{
	nz__pg_params p = {0};
	PGresult *res = NULL;
	*bound = 0;
	nz__pg_text(&p, lo);
	nz__pg_text(&p, hi);
	nz_rc rc = nz__pg_query(h, &q_prefix_common, &p, &res, "search", err);
	if (rc || PQntuples(res) < 1) {
		PQclear(res);
		return rc;
	}
	nz__pg_params b = {0};
	nz__pg_int64(&b, nz__pg_term_key(PQgetvalue(res, 0, 0), (size_t)PQgetlength(res, 0, 0)));
	nz__pg_window_params(&b, w);
	PQclear(res);
	if ((rc = nz__pg_query(h, &q_prefix_bound, &b, &res, "search", err)))
		return rc;
	if (nz__pg_col_int(res, 0, 1) == NZ_SEARCH_WINDOW + 1)
		*bound = nz__pg_col_int(res, 0, 0);
	PQclear(res);
	return NZ_OK;
}

nz_rc nz__pg_postings_prefix(nz__pg *h, const nz__pg_window *w, PGresult **res, nz_err *err)
{
	const char *prefix = w->phrases[0].tokens[0]; /* nz__pg_postings_prefix_fit */
	size_t len = strlen(prefix);
	char hi[PREFIX_MAX + sizeof UTF8_MAX];
	nz_buf keys;
	int64_t bound = 0;
	if (len == 0 || len >= PREFIX_MAX)
		return nz_err_set(err, NZ_INVAL, "search: not a prefix for postings");
	memcpy(hi, prefix, len);
	memcpy(hi + len, UTF8_MAX, sizeof UTF8_MAX);
	nz_buf_init(&keys, 0);
	nz_rc rc = walk_settings(h, err);
	if (!rc)
		rc = prefix_keys(h, prefix, hi, &keys, err);
	if (!rc)
		rc = prefix_bound(h, w, prefix, hi, &bound, err);
	if (!rc) {
		nz__pg_params p = {0};
		nz__pg_text(&p, nz_buf_cstr(&keys));
		nz__pg_window_params(&p, w);
		nz__pg_int64(&p, bound);
		rc = nz__pg_query(h, &q_prefix, &p, res, "search", err);
	}
	nz_buf_free(&keys);
	return rc;
}
