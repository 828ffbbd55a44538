/*
 * search_postings.c: a search's window from search_postings (PostgreSQL migration 27), for a
 * query of one to three single words (no phrase, no prefix, no exclusion), no filter but the
 * language.
 *
 * A word's postings come off the primary key (term_hash, article_id) newest first with their
 * weighted frequencies (an index-only scan); the other words are looked up by (key, id) for
 * each row, the row's public-ness and language read from its article_search row by id; the
 * scan stops at the window's size. Exclusions and the section, tag, author and date filters,
 * which most matches may fail, go by the GIN index (search_window.c) as before. The bitmap of every
 * match, visited and sorted, and 2,001 rows' article_rank.tf sent back (search_window.c's other
 * statements) cost 100+ ms for a common word at 100,000 articles. The frequencies are the same
 * numbers as article_rank's (search_index.c writes both from one count), so the ranking is too; the
 * matches are the GIN index's for single words (a lexeme's postings are the rows holding it).
 *
 * Rules: every value bound; one fixed statement per number of words; the caller's read
 * transaction (custom plans, search_window.c).
 */
#include <string.h>

#include "search/search.h"
#include "store/postgres/postgres_int.h"

/* $1 the first word's key, $2..$11 the filters (nz__pg_window_params), $12 and $13 the other
 * words' keys. */
#define POST_COLS                                                                                  \
	"SELECT p1.article_id, s.published_at, s.headline_terms + s.highlights_terms"              \
	" + s.body_terms, p1.tf"
#define POST_JOIN2                                                                                 \
	" JOIN search_postings p2 ON p2.term_hash = $12 AND p2.article_id = p1.article_id"
#define POST_JOIN3                                                                                 \
	" JOIN search_postings p3 ON p3.term_hash = $13 AND p3.article_id = p1.article_id"
#define POST_WHERE                                                                                 \
	" JOIN article_search s ON s.article_id = p1.article_id WHERE p1.term_hash = $1 "          \
	"AND" NZ__PG_WINDOW_FILTERS " ORDER BY p1.article_id DESC LIMIT $10"

static const nz__pg_sql q_post[NZ__PG_POSTING_WORDS] = {
    {POST_COLS " FROM search_postings p1" POST_WHERE},
    {POST_COLS ", p2.tf FROM search_postings p1" POST_JOIN2 POST_WHERE},
    {POST_COLS ", p2.tf, p3.tf FROM search_postings p1" POST_JOIN2 POST_JOIN3 POST_WHERE},
};

bool nz__pg_postings_fit(const nz__pg_window *w)
{
	const nz_article_search *q = w->q;
	size_t words = 0;
	if (w->tsquery)
		return false; /* a related list: its own tsquery, ORed */
	if (q->section_slug || q->tag_slug || q->author_slug || q->from || q->to)
		return false; /* most matches fail these: the GIN index's bitmap is cheaper */
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

/* Row by row, each by its key: the planner, which cannot tell that the walk stops at the
 * window, merge-joined a rare word's postings with every article_search row (50 ms for 8
 * matches at 100,000 articles, against 0.4). For the rest of the read's transaction. */
static const nz__pg_sql q_no_merge = {"SET LOCAL enable_mergejoin = off"};
static const nz__pg_sql q_no_hash = {"SET LOCAL enable_hashjoin = off"};

nz_rc nz__pg_postings_window(nz__pg *h, const nz__pg_window *w, PGresult **res, nz_err *err)
{
	nz__pg_params p = {0};
	for (size_t i = 0; i < w->n_phrases; i++) { /* single words: nz__pg_postings_fit */
		nz__pg_int64(
		    &p, nz__pg_term_key(w->phrases[i].tokens[0], strlen(w->phrases[i].tokens[0])));
		if (i == 0)
			nz__pg_window_params(&p, w);
	}
	nz_rc rc = nz__pg_run(h, &q_no_merge, NULL, "search", err);
	if (!rc)
		rc = nz__pg_run(h, &q_no_hash, NULL, "search", err);
	return rc ? rc : nz__pg_query(h, &q_post[w->n_phrases - 1], &p, res, "search", err);
}
