/*
 * search_postings.c: a search's window from search_postings (PostgreSQL migration 27), for a
 * query of one to three single words (no phrase, no prefix, no exclusion) and for phrases of up
 * to three distinct words, under any filter; and for one prefix alone, no filter but the
 * language (migration 28) or with a tag, an author or a date range.
 *
 * A word's postings come off the primary key (term_hash, article_id) newest first with their
 * weighted frequencies (an index-only scan); the other words are looked up by (key, id) for
 * each row, the row's public-ness, language and section read from its article_search row by id;
 * the scan stops at the window's size. A section bounds the walk by its articles' lowest and
 * highest id (one index-only scan of articles_section): when they fill at least half of that
 * span the walk starts at the section's newest article and tests few rows of other sections;
 * otherwise (sections interleaved by id) the GIN index answers, as for exclusions: probing an
 * excluded word's postings for each row, or walking a word's postings through other sections'
 * rows, cost more than the bitmap (docs/search.md); that bitmap's window of single words then
 * probes its rows' postings for their frequencies (q_tf). A tag, an author or a date range with
 * fewer articles than the first word has postings drives the walk instead: its articles newest
 * first, each probed for the words' postings (walk_driver; a sparse section then does not
 * matter). The frequencies are the same numbers as article_rank's
 * (search_index.c writes both from one count), so the ranking is too; the matches are the GIN
 * index's for single words (a lexeme's postings are the rows holding it). A prefix's lexemes
 * come from search_terms (the vocabulary, migration 28), their postings summed per article
 * from the oldest article its window can reach (the newest 2,001 of its most common lexeme, by
 * pg_stats): the prefix's frequency as one phrase, as the GIN path's vectors give it
 * (docs/search.md, "Prefixes through postings"). A prefix with a tag, an author or a date range
 * takes the same drivers as words, chosen for its most common lexeme: the filter's articles
 * newest first, each one's frequency of the prefix summed from its lexemes' postings or its
 * article_rank row (q_prefix_walk).
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

/* Where a walk starts (walk_driver): the first word's postings, newest first (BY_POSTINGS; as a
 * subquery of its own, BY_POSTINGS_FILTERED, when a tag, author or date filter is set: see
 * BY_LIST); or, when a tag, an author or a date range has fewer articles than that word has
 * postings, that filter's articles (a tag's or an author's newest first off their (tag_id,
 * article_id) index, a date range's off article_search_published, PostgreSQL migration 29,
 * sorted), each probed for the words' postings. The filters themselves stay in the WHERE
 * (NZ__PG_WINDOW_FILTERS): a driver only orders the walk, so every driver finds the same rows. */
typedef enum {
	BY_POSTINGS,
	BY_POSTINGS_FILTERED,
	BY_TAG,
	BY_AUTHOR,
	BY_DATE,
	N_DRIVERS
} walk_driver;

/* A driver's ids are a subquery of their own, newest first (OFFSET 0 keeps it one): the
 * planner can then only walk it on the outside of the joins, probing the words' postings and the
 * search row by id for each, and stop at the window. Joined plainly, it walked the search rows'
 * ids backwards testing each against the tag's ids ("said" tag=batteries at 100,000 articles:
 * 58,000 rows for 2,001, 33 ms) or a word's postings probing the tag's for each (36,731 rows
 * for 1,447). */
#define LIST(ids) " FROM (" ids " ORDER BY article_id DESC OFFSET 0) f"
#define BY_LIST(ids)                                                                               \
	LIST(ids) " JOIN search_postings p1 ON p1.term_hash = $1 AND p1.article_id = f.article_id"
#define BY_POSTINGS_FROM                                                                           \
	" FROM (SELECT article_id, tf FROM search_postings WHERE term_hash = $1"                   \
	" ORDER BY article_id DESC OFFSET 0) p1"
#define TAG_IDS                                                                                    \
	"SELECT article_id FROM article_tags WHERE tag_id = (SELECT id FROM tags WHERE slug = $4)"
#define AUTHOR_IDS                                                                                 \
	"SELECT article_id FROM article_authors WHERE author_id ="                                 \
	" (SELECT id FROM authors WHERE slug = $5)"
#define DATE_IDS                                                                                   \
	"SELECT article_id FROM article_search WHERE published_at >="                              \
	" COALESCE($7::bigint, -9223372036854775807) AND published_at <"                           \
	" COALESCE($8::bigint, 9223372036854775807)"
#define BY_TAG_FROM BY_LIST(TAG_IDS)
#define BY_AUTHOR_FROM BY_LIST(AUTHOR_IDS)
#define BY_DATE_FROM BY_LIST(DATE_IDS)
#define BY_LIST_WHERE                                                                              \
	" JOIN article_search s ON s.article_id = p1.article_id WHERE" NZ__PG_WINDOW_FILTERS

/* One statement a driver: {the postings', the postings' when a tag, author or date filter is
 * set, the tag's, the author's, the date range's}. */
#define DRIVERS(stmt)                                                                              \
	{                                                                                          \
		stmt(" FROM search_postings p1", POST_FILTERED),                                   \
		    stmt(BY_POSTINGS_FROM, BY_LIST_WHERE), stmt(BY_TAG_FROM, BY_LIST_WHERE),       \
		    stmt(BY_AUTHOR_FROM, BY_LIST_WHERE), stmt(BY_DATE_FROM, BY_LIST_WHERE)         \
	}
/* The walk of 1, 2 and 3 single words. */
#define POST_1(from, where)                                                                        \
	{                                                                                          \
		POST_COLS from where POST_RANGE("$12", "$13") POST_ORDER                           \
	}
#define POST_2(from, where)                                                                        \
	{                                                                                          \
		POST_COLS ", p2.tf" from POST_JOIN2 where POST_RANGE("$13", "$14") POST_ORDER      \
	}
#define POST_3(from, where)                                                                        \
	{                                                                                          \
		POST_COLS                                                                          \
		", p2.tf, p3.tf" from POST_JOIN2 POST_JOIN3 where POST_RANGE("$14", "$15")         \
		    POST_ORDER                                                                     \
	}
static const nz__pg_sql q_post[NZ__PG_POSTING_WORDS][N_DRIVERS] = {DRIVERS(POST_1), DRIVERS(POST_2),
								   DRIVERS(POST_3)};

/* How many articles each driver would walk at most: the tag's, the author's and the date
 * range's ($1..$4, NULL: unset; a range counted up to $5), then the first word's postings ($6),
 * counted up to one more than the fewest of those (a word's postings can be most of the
 * archive: counting them all would cost what the walk saves). */
static const nz__pg_sql q_driver_counts = {
    "WITH c AS (SELECT CASE WHEN $1::text IS NOT NULL THEN (SELECT count(*) FROM article_tags"
    " WHERE tag_id = (SELECT id FROM tags WHERE slug = $1)) END AS t,"
    " CASE WHEN $2::text IS NOT NULL THEN (SELECT count(*) FROM article_authors"
    " WHERE author_id = (SELECT id FROM authors WHERE slug = $2)) END AS a,"
    " CASE WHEN $3::bigint IS NOT NULL OR $4::bigint IS NOT NULL THEN (SELECT count(*) FROM"
    " (SELECT 1 FROM article_search WHERE published_at >="
    " COALESCE($3::bigint, -9223372036854775807) AND published_at <"
    " COALESCE($4::bigint, 9223372036854775807) LIMIT $5) x) END AS d)"
    " SELECT t, a, d, (SELECT count(*) FROM (SELECT 1 FROM search_postings WHERE term_hash = $6"
    " LIMIT (SELECT COALESCE(LEAST(t, a, d), 0) + 1 FROM c)) y) FROM c"};
/* A date range is counted up to this many articles: its walk reads and sorts all of its ids
 * (no early stop), so a larger range is left to the postings. */
#define DATE_DRIVER_MAX 20000

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
	" '{c}')), s.headline_terms, s.highlights_terms"
#define PHRASE_2(from, where)                                                                      \
	{                                                                                          \
		PHRASE_COLS("$14")                                                                 \
		from POST_JOIN2 where                                                              \
		    " AND ts_match_vq(s.terms, $13::tsquery)" POST_RANGE("$15", "$16") POST_ORDER  \
	}
#define PHRASE_3(from, where)                                                                      \
	{                                                                                          \
		PHRASE_COLS("$15")                                                                 \
		from POST_JOIN2 POST_JOIN3 where                                                   \
		    " AND ts_match_vq(s.terms, $14::tsquery)" POST_RANGE("$16", "$17") POST_ORDER  \
	}
static const nz__pg_sql q_phrase[2][N_DRIVERS] = {DRIVERS(PHRASE_2), DRIVERS(PHRASE_3)};

/* Whether w is a search postings can serve by its filters: its own words (not a related list's
 * ORed tsquery), and with words any filter (walk_driver), with a prefix (words false) none but
 * the language. */
static bool postings_filters(const nz__pg_window *w, bool words)
{
	const nz_article_search *q = w->q;
	return !w->tsquery && (words || (!q->section_slug && !q->tag_slug && !q->author_slug &&
					 !q->from && !q->to));
}

/* The ids w's walk covers, bound into p as its last two parameters: every id without a
 * section; with one, its articles' lowest to highest (q_section_range). *dense: false when the
 * section holds less than SECTION_DENSITY of that span (a walk of the postings would then test
 * other sections' rows one by one). */
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
	nz__pg_int64(p, lo);
	nz__pg_int64(p, hi);
	return NZ_OK;
}

/* Where w's walk starts (walk_driver), the first word's key being key: the tag's, the author's
 * or the date range's articles when the fewest of them are fewer than that word's postings
 * (q_driver_counts), otherwise the postings. */
static nz_rc choose_driver(nz__pg *h, const nz__pg_window *w, int64_t key, walk_driver *driver,
			   nz_err *err)
{
	const nz_article_search *q = w->q;
	nz__pg_params p = {0};
	PGresult *res = NULL;
	*driver = BY_POSTINGS;
	if (!q->tag_slug && !q->author_slug && !q->from && !q->to)
		return NZ_OK;
	*driver = BY_POSTINGS_FILTERED;
	nz__pg_text(&p, q->tag_slug);
	nz__pg_text(&p, q->author_slug);
	nz__pg_opt_int(&p, q->from);
	nz__pg_opt_int(&p, q->to);
	nz__pg_int64(&p, DATE_DRIVER_MAX + 1);
	nz__pg_int64(&p, key);
	nz_rc rc = nz__pg_query(h, &q_driver_counts, &p, &res, "search", err);
	if (rc)
		return rc;
	int64_t best = nz__pg_col_int(res, 0, 3); /* the postings, capped above the fewest */
	for (int d = BY_TAG; d <= BY_DATE; d++) {
		int64_t n = nz__pg_col_int(res, 0, d - BY_TAG);
		if (!nz__pg_col_null(res, 0, d - BY_TAG) && n < best &&
		    (d != BY_DATE || n <= DATE_DRIVER_MAX))
			best = n, *driver = (walk_driver)d;
	}
	PQclear(res);
	return NZ_OK;
}

/* Runs statement q[driver] of w's walk with parameters p (the range last, walk_range): the
 * driver chosen for the first word's key; *res stays NULL (NZ_OK) when the postings would
 * drive through a sparse section (the GIN index then). */
static nz_rc walk(nz__pg *h, const nz__pg_window *w, const nz__pg_sql *q, int64_t key,
		  nz__pg_params *p, PGresult **res, nz_err *err)
{
	bool dense = true;
	walk_driver driver = BY_POSTINGS;
	nz_rc rc = walk_range(h, w, p, &dense, err);
	if (!rc)
		rc = choose_driver(h, w, key, &driver, err);
	if (rc || (!dense && driver <= BY_POSTINGS_FILTERED))
		return rc;
	rc = walk_settings(h, err);
	return rc ? rc : nz__pg_query(h, &q[driver], p, res, "search", err);
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
	return walk(h, w, q_phrase[n - 2], nz__pg_term_key(word[0], strlen(word[0])), &p, res, err);
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
		 * postings of drill for 2,001 without budget); so does walking a tag's, an author's
		 * or a date range's articles when the exclusion leaves few of them ("said -budget"
		 * tag=housing: 36 ms against 22, "reactor -said" author=anna-schmidt: 66 against 4,
		 * docs/search.md). */
		if (p->n != 1 || p->prefix || p->exclude)
			return false;
		words++;
	}
	return words >= 1 && words <= NZ__PG_POSTING_WORDS;
}

nz_rc nz__pg_postings_window(nz__pg *h, const nz__pg_window *w, PGresult **res, nz_err *err)
{
	nz__pg_params p = {0};
	*res = NULL;
	for (size_t i = 0; i < w->n_phrases; i++) { /* single words: nz__pg_postings_fit */
		nz__pg_int64(
		    &p, nz__pg_term_key(w->phrases[i].tokens[0], strlen(w->phrases[i].tokens[0])));
		if (i == 0)
			nz__pg_window_params(&p, w);
	}
	const char *first = w->phrases[0].tokens[0];
	return walk(h, w, q_post[w->n_phrases - 1], nz__pg_term_key(first, strlen(first)), &p, res,
		    err);
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

/* A prefix with a tag, an author or a date range whose articles are fewer than its most common
 * lexeme's postings (choose_driver): those articles newest first, each one's frequency of the
 * prefix summed from the postings of the lexemes it starts ($1, an int8[]), probed one by one,
 * or, when the prefix starts more than PREFIX_PROBES lexemes, from the article's own keys and
 * frequencies in article_rank (the numbers its postings are written from, search_index.c). An
 * article without any of them is no match. */
#define PREFIX_PROBES 4
#define PREFIX_BY_PROBES                                                                           \
	"SELECT sum(p.tf) AS tf FROM search_postings p WHERE p.term_hash = ANY($1::int8[])"        \
	" AND p.article_id = f.article_id"
#define PREFIX_BY_RANK                                                                             \
	"SELECT sum(u.t) AS tf FROM article_rank r, unnest(r.keys, r.tfs) AS u(k, t)"              \
	" WHERE r.article_id = f.article_id AND u.k = ANY($1::int8[])"
#define PREFIX_WALK(ids, sum)                                                                      \
	{                                                                                          \
		"SELECT f.article_id, s.published_at, s.headline_terms + s.highlights_terms"       \
		" + s.body_terms, g.tf" LIST(                                                      \
		    ids) " JOIN article_search s ON s.article_id ="                                \
			 " f.article_id CROSS JOIN LATERAL (" sum                                  \
			 ") g WHERE g.tf IS NOT NULL AND" NZ__PG_WINDOW_FILTERS                    \
			 " ORDER BY f.article_id DESC LIMIT $10"                                   \
	}
#define PREFIX_WALKS(sum)                                                                          \
	{                                                                                          \
		PREFIX_WALK(TAG_IDS, sum), PREFIX_WALK(AUTHOR_IDS, sum),                           \
		    PREFIX_WALK(DATE_IDS, sum)                                                     \
	}
/* {by probes, by article_rank}[the driver - BY_TAG] */
static const nz__pg_sql q_prefix_walk[2][3] = {PREFIX_WALKS(PREFIX_BY_PROBES),
					       PREFIX_WALKS(PREFIX_BY_RANK)};

/* Whether q has a tag, an author or a date range: a filter whose articles may drive a walk. */
static bool list_filter(const nz_article_search *q)
{
	return q->tag_slug || q->author_slug || q->from || q->to;
}

bool nz__pg_postings_prefix_fit(const nz__pg_window *w)
{
	return (postings_filters(w, false) || (!w->tsquery && list_filter(w->q))) &&
	       w->n_phrases == 1 && w->phrases[0].n == 1 && w->phrases[0].prefix &&
	       !w->phrases[0].exclude && w->phrases[0].tokens[0][0] &&
	       strlen(w->phrases[0].tokens[0]) < PREFIX_MAX;
}

/* The keys of the lexemes in [lo, hi) as an int8[] literal into keys, their number in *n. */
static nz_rc prefix_keys(nz__pg *h, const char *lo, const char *hi, nz_buf *keys, size_t *n,
			 nz_err *err)
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
	*n = (size_t)PQntuples(res);
	PQclear(res);
	return nz_buf_rc(keys) ? nz_err_set(err, NZ_NOMEM, "search: out of memory") : NZ_OK;
}

/* The key of the most common lexeme in [lo, hi) by pg_stats into *key; *found false if none is
 * among the column's most common elements. */
static nz_rc prefix_common(nz__pg *h, const char *lo, const char *hi, int64_t *key, bool *found,
			   nz_err *err)
{
	nz__pg_params p = {0};
	PGresult *res = NULL;
	nz__pg_text(&p, lo);
	nz__pg_text(&p, hi);
	nz_rc rc = nz__pg_query(h, &q_prefix_common, &p, &res, "search", err);
	*found = !rc && PQntuples(res) > 0;
	if (*found)
		*key = nz__pg_term_key(PQgetvalue(res, 0, 0), (size_t)PQgetlength(res, 0, 0));
	PQclear(res);
	return rc;
}

/* The oldest article the window of w's prefix can hold (0: any): the oldest of the newest
 * NZ_SEARCH_WINDOW + 1 that pass w's filters holding its most common lexeme, key. */
static nz_rc prefix_bound(nz__pg *h, const nz__pg_window *w, int64_t key, int64_t *bound,
			  nz_err *err)
{
	nz__pg_params b = {0};
	PGresult *res = NULL;
	*bound = 0;
	nz__pg_int64(&b, key);
	nz__pg_window_params(&b, w);
	nz_rc rc = nz__pg_query(h, &q_prefix_bound, &b, &res, "search", err);
	if (!rc && nz__pg_col_int(res, 0, 1) == NZ_SEARCH_WINDOW + 1)
		*bound = nz__pg_col_int(res, 0, 0);
	PQclear(res);
	return rc;
}

/* w's window from the prefix's lexemes' postings, keys (n of them): walked from a tag's, an
 * author's or a date range's articles when choose_driver picks one for its most common lexeme
 * (q_prefix_walk); with no such filter, or none of its lexemes common, summed from the oldest
 * article its window can reach (q_prefix, prefix_bound). *res stays NULL when a tag, author or
 * date filter is larger than the common lexeme's postings (the GIN index then). */
static nz_rc prefix_window(nz__pg *h, const nz__pg_window *w, const char *lo, const char *hi,
			   const char *keys, size_t n, PGresult **res, nz_err *err)
{
	int64_t common = 0, bound = 0;
	bool found = false;
	walk_driver driver = BY_POSTINGS;
	nz__pg_params p = {0};
	nz_rc rc = prefix_common(h, lo, hi, &common, &found, err);
	if (!rc && found && list_filter(w->q))
		rc = choose_driver(h, w, common, &driver, err);
	if (rc || (found && list_filter(w->q) && driver <= BY_POSTINGS_FILTERED))
		return rc;
	nz__pg_text(&p, keys);
	nz__pg_window_params(&p, w);
	if (driver > BY_POSTINGS_FILTERED)
		return nz__pg_query(h, &q_prefix_walk[n > PREFIX_PROBES][driver - BY_TAG], &p, res,
				    "search", err);
	if (found && (rc = prefix_bound(h, w, common, &bound, err)))
		return rc;
	nz__pg_int64(&p, bound);
	return nz__pg_query(h, &q_prefix, &p, res, "search", err);
}

nz_rc nz__pg_postings_prefix(nz__pg *h, const nz__pg_window *w, PGresult **res, nz_err *err)
{
	const char *prefix = w->phrases[0].tokens[0]; /* nz__pg_postings_prefix_fit */
	size_t len = strlen(prefix), n = 0;
	char hi[PREFIX_MAX + sizeof UTF8_MAX];
	nz_buf keys;
	*res = NULL;
	if (len == 0 || len >= PREFIX_MAX)
		return nz_err_set(err, NZ_INVAL, "search: not a prefix for postings");
	memcpy(hi, prefix, len);
	memcpy(hi + len, UTF8_MAX, sizeof UTF8_MAX);
	nz_buf_init(&keys, 0);
	nz_rc rc = walk_settings(h, err);
	if (!rc)
		rc = prefix_keys(h, prefix, hi, &keys, &n, err);
	if (!rc)
		rc = prefix_window(h, w, prefix, hi, nz_buf_cstr(&keys), n, res, err);
	nz_buf_free(&keys);
	return rc;
}
