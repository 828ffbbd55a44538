/*
 * search_related.c: related articles on SQLite FTS5: an article's most distinctive words
 * (highest tf-idf over headline, highlights and body) searched for in the same window as a
 * search (search.c), ranked by BM25 alone. Document frequencies are estimated from a sample of
 * each term's newest matches and remembered per handle, so a page's related articles cost a
 * few index reads.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "search/search.h"
#include "store/sqlite/sqlite_int.h"

#define RELATED_TERMS 8       /* distinctive terms OR-ed to find related articles */
#define RELATED_CANDIDATES 40 /* most frequent terms whose document frequency is looked up */
#define DF_SAMPLE 64          /* newest articles of a term read to estimate how many have it */

/* ---- related articles -------------------------------------------------------------------- */

/* ---- document frequencies, remembered per handle ----
 * A term's document frequency is the same for every article until the index changes, and
 * counting it is most of what related articles cost (the static export asks for every
 * article's). The cache is dropped when the articles changed (the change feed's head: any
 * connection's write to them; total_changes: this one's writes) or the cap moved. */
#define DF_SLOTS 16384 /* entries at most (then it starts over); 1 MB per handle */

typedef struct df_entry {
	char *term; /* malloc'd, NULL: empty slot */
	size_t len;
	int64_t df;
} df_entry;

#define PUBLIC_SETS 2 /* languages whose public set is remembered (search_public.c) */

struct nz__df_cache {
	int64_t feed_head, changes, cap;
	size_t n;
	df_entry slots[DF_SLOTS * 2];
	/* the bulk pass's public sets: they hold while the frequencies do (no article changed) */
	nz__public_set *sets[PUBLIC_SETS];
	size_t next_set; /* the slot replaced next */
};

static void df_clear(struct nz__df_cache *c)
{
	for (size_t i = 0; i < DF_SLOTS * 2; i++) {
		free(c->slots[i].term);
		c->slots[i].term = NULL;
	}
	c->n = 0;
}

static void sets_clear(struct nz__df_cache *c)
{
	for (size_t i = 0; i < PUBLIC_SETS; i++) {
		nz__sq_public_set_free(c->sets[i]);
		c->sets[i] = NULL;
	}
}

void nz__sq_df_cache_free(struct nz__df_cache *c)
{
	if (!c)
		return;
	df_clear(c);
	sets_clear(c);
	free(c);
}

/* The public set of language's articles, remembered in c or made (NULL: none to use). */
static const nz__public_set *public_set(nz__sqlite *h, struct nz__df_cache *c, const char *language)
{
	for (size_t i = 0; i < PUBLIC_SETS; i++)
		if (c->sets[i] && strcmp(nz__sq_public_set_language(c->sets[i]), language) == 0)
			return c->sets[i];
	nz__public_set **slot = &c->sets[c->next_set];
	c->next_set = (c->next_set + 1) % PUBLIC_SETS;
	nz__sq_public_set_free(*slot);
	return *slot = nz__sq_public_set_make(h, language);
}

/* The change feed's head into *head: it moves with every write to what articles show (its
 * triggers), and only then: a node's lease renewal every few seconds must not empty the cache,
 * as PRAGMA data_version (any other connection's commit) would. */
static bool feed_head(nz__sqlite *h, int64_t *head)
{
	sqlite3_stmt *st = NULL;
	*head = 0;
	if (nz__sq_cached(h, NZ__SLOT_RELATED + 8, "SELECT COALESCE(max(seq), 0) FROM changes", &st,
			  NULL) != NZ_OK)
		return false;
	bool ok = sqlite3_step(st) == SQLITE_ROW;
	if (ok)
		*head = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return ok;
}

/* The handle's cache, emptied when anything changed since it was filled; NULL without one
 * (out of memory: every frequency is then counted). */
static struct nz__df_cache *df_cache(nz__sqlite *h, int64_t cap)
{
	int64_t version = 0;
	if (!feed_head(h, &version))
		return NULL;
	if (!h->df_cache && !(h->df_cache = calloc(1, sizeof *h->df_cache)))
		return NULL;
	struct nz__df_cache *c = h->df_cache;
	int64_t changes = sqlite3_total_changes64(h->db);
	if (c->feed_head != version || c->changes != changes || c->cap != cap)
		sets_clear(c);
	if (c->feed_head != version || c->changes != changes || c->cap != cap || c->n >= DF_SLOTS) {
		df_clear(c);
		c->feed_head = version;
		c->changes = changes;
		c->cap = cap;
	}
	return c;
}

bool nz__sq_df_cache_current(nz__sqlite *h)
{
	int64_t head = 0;
	struct nz__df_cache *c = h->df_cache;
	return c && c->n && c->changes == sqlite3_total_changes64(h->db) && feed_head(h, &head) &&
	       c->feed_head == head;
}

void nz__sq_df_cache_keep(nz__sqlite *h)
{
	int64_t head = 0;
	struct nz__df_cache *c = h->df_cache;
	if (c && feed_head(h, &head)) {
		c->feed_head = head;
		c->changes = sqlite3_total_changes64(h->db);
	}
}

static df_entry *df_slot(struct nz__df_cache *c, const char *term, size_t len)
{
	size_t h = (size_t)nz_hash_bytes(term, len);
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
		      const nz__store_term *tc, int64_t max_id, int64_t *out, nz_err *err)
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

/* Weighs the most frequent terms by idf and writes the best as an FTS5 OR query; *cache gets
 * the handle's cache (NULL: none). */
static nz_rc related_match(nz__sqlite *h, nz__store_terms *t, nz_buf *match,
			   struct nz__df_cache **cache_out, nz_err *err)
{
	sqlite3_stmt *df = NULL, *docs = NULL;
	int64_t n_docs = 0;
	nz_rc rc = NZ_OK;
	size_t n = t->n < RELATED_CANDIDATES ? t->n : RELATED_CANDIDATES;
	*cache_out = NULL;
	/* prepared once per handle */
	if ((rc =
		 nz__sq_cached(h, NZ__SLOT_RELATED,
			       "SELECT count(*), min(id) FROM (SELECT rowid AS id FROM articles_fts"
			       " WHERE articles_fts MATCH ?1 ORDER BY rowid DESC LIMIT ?2)",
			       &df, err)) ||
	    (rc = nz__sq_cached(h, NZ__SLOT_RELATED + 1, "SELECT max(id) FROM articles", &docs,
				err)))
		goto out;
	if ((rc = nz__sq_int(h, docs, &n_docs, "related articles", err)))
		goto out;
	/* A term in more than a tenth of the archive says little about this article. */
	int64_t cap = n_docs < 100 ? n_docs + 1 : n_docs / 10 + 1;
	struct nz__df_cache *cache = *cache_out = df_cache(h, cap);
	for (size_t i = 0; i < n; i++) {
		int64_t d = 0;
		t->slots[i].weight = 0.0;
		if (nz__store_stop_word(t->slots[i].term, t->slots[i].len))
			continue;
		if ((rc = doc_freq(h, cache, df, &t->slots[i], n_docs, &d, err)))
			goto out;
		/* A term only this article has cannot lead to another one. */
		if (d >= 2 && d < cap)
			t->slots[i].weight = t->slots[i].tf * log((double)(n_docs + 1) / (double)d);
	}
	if (n) /* an article without words has no slots at all */
		qsort(t->slots, n, sizeof(*t->slots), nz__store_by_weight);
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

/* The bulk pass's window (nz__sq_related_ids): the reference's (nz__sq_window_sql with
 * no_recency, the language and a.id <> :self) with the public set's test in place of the seek
 * in articles_search_filter for each match; the same rows, the same rank (recency 0: the
 * publication time is not read), the same publication times for ties. */
static const char window_public_sql[] =
    "SELECT articles_fts.rowid, nz_public_at(articles_fts.rowid, :public_set, :now),"
    " nz_rank(articles_fts, 0.0, :now, 0, d.sz)"
    " FROM articles_fts CROSS JOIN articles_fts_docsize d ON d.id = articles_fts.rowid"
    " WHERE articles_fts MATCH :match AND articles_fts.rowid <> :self"
    " AND nz_public_at(articles_fts.rowid, :public_set, :now) IS NOT NULL"
    " ORDER BY articles_fts.rowid DESC LIMIT :window";

/* The window's statement for a's list, bound: the public set's when set is not NULL. */
static nz_rc window_stmt(nz__sqlite *h, const nz_article *a, nz_time now, const char *match,
			 const nz__public_set *set, sqlite3_stmt **st, nz_err *err)
{
	nz_article_search q = {
	    .language = a->language ? a->language : "en", .now = now, .no_recency = true};
	nz_buf sql;
	nz_rc rc;
	if (set) {
		if ((rc = nz__sq_cached(h, NZ__SLOT_RELATED + 9, window_public_sql, st, err)))
			return rc;
		if (nz__sq_bind_public_set(*st, set) || nz__sq_bind_named_int(*st, ":now", now) ||
		    nz__sq_bind_named_int(*st, ":window", NZ_SEARCH_WINDOW + 1) ||
		    sqlite3_bind_text(*st, sqlite3_bind_parameter_index(*st, ":match"), match, -1,
				      SQLITE_STATIC))
			return nz__sq_bind_error(h, "related articles", err);
		return NZ_OK;
	}
	/* The same window as searches, BM25 alone: the newest matches are ranked. */
	nz_buf_init(&sql, 0);
	nz__sq_window_sql(&sql, &q, " AND a.id <> :self");
	/* the SQL is the same for every article (the language is bound), so the
	 * statement is prepared once per handle */
	if (nz_buf_rc(&sql))
		rc = nz_err_set(err, NZ_NOMEM, "related articles: out of memory");
	else if (!(rc = nz__sq_cached(h, NZ__SLOT_RELATED + 2, nz_buf_cstr(&sql), st, err)))
		rc = nz__sq_bind_search(h, st, &q, match, err);
	nz_buf_free(&sql);
	return rc;
}

/* The ranked candidates of a's list, up to max and best first, into *c and *n; inside the
 * caller's read snapshot. fast: the window tests public-ness on the public set of a's
 * language (the bulk pass), when there is one. */
static nz_rc related_candidates(nz__sqlite *h, nz_arena *arena, const nz_article *a, nz_time now,
				size_t max, bool fast, nz__sq_candidate **c, size_t *n, nz_err *err)
{
	sqlite3_stmt *st = NULL;
	nz__store_terms t;
	struct nz__df_cache *cache = NULL;
	const nz__public_set *set = NULL;
	bool capped;
	nz_buf match;
	nz_rc rc;
	*n = 0;
	nz_buf_init(&match, 0);
	if ((rc = nz__store_article_terms(arena, a, &t))) {
		rc = nz_err_set(err, rc, "related articles: out of memory");
		goto out;
	}
	if ((rc = related_match(h, &t, &match, &cache, err)) || match.len == 0)
		goto out;
	if (fast && cache)
		set = public_set(h, cache, a->language ? a->language : "en");
	rc = window_stmt(h, a, now, nz_buf_cstr(&match), set, &st, err);
	if (!rc && nz__sq_bind_named_int(st, ":self", a->id) != SQLITE_OK)
		rc = nz__sq_bind_error(h, "related articles", err);
	if (!rc)
		rc = nz__sq_run_window(h, arena, st, NZ_SEARCH_RELEVANCE, max, c, n, &capped, err);
	if (!rc && *n > max)
		*n = max;
out:
	if (st)
		sqlite3_reset(st);
	nz_buf_free(&match);
	if (rc)
		*n = 0;
	return rc;
}

nz_rc nz__sq_related(nz_store *s, nz_arena *arena, const nz_article *a, nz_time now, size_t max,
		     nz_article_list *out, nz_err *err)
{
	nz__sqlite *h = nz__sq(s);
	nz__sq_candidate *c = NULL;
	size_t n = 0;
	bool snap = nz__sq_read_begin(h);
	nz_rc rc = related_candidates(h, arena, a, now, max, false, &c, &n, err);
	if (rc || n == 0)
		goto out;
	if (!(out->items = nz_arena_zalloc(arena, n * sizeof(*out->items)))) {
		rc = nz_err_set(err, NZ_NOMEM, "related articles: out of memory");
		goto out;
	}
	for (size_t i = 0; i < n && !rc; i++)
		rc = nz__sq_article_load(h, arena, c[i].id, &out->items[i], err);
	if (!rc)
		out->n = out->total = n;
out:
	nz__sq_read_end(h, snap);
	if (rc)
		memset(out, 0, sizeof(*out));
	return rc;
}

nz_rc nz__sq_related_ids(nz_store *s, nz_arena *arena, const nz_article *a, nz_time now, size_t max,
			 int64_t *ids, size_t *n, nz_err *err)
{
	nz__sqlite *h = nz__sq(s);
	nz__sq_candidate *c = NULL;
	size_t found = 0;
	bool snap = nz__sq_read_begin(h);
	nz_rc rc = related_candidates(h, arena, a, now, max, true, &c, &found, err);
	nz__sq_read_end(h, snap);
	for (size_t i = 0; !rc && i < found; i++)
		ids[i] = c[i].id;
	*n = rc ? 0 : found;
	return rc;
}
