/*
 * search.c: full-text search on PostgreSQL (related articles and reindex: search_related.c).
 *
 * The query is parsed and tokenized by search/ (the same tokenizer that wrote the index, so
 * Korean pairs and English stems behave as on SQLite) and written as a tsquery in C, bound as
 * $1::tsquery. The window and its ranking are search_window.c's; the page is then cut from it,
 * its articles loaded (the articles aggregate's nz__pg_article_by_id) and their snippets made in
 * C from their text (search/passage.c, FTS5's snippet() algorithm): the body's passage when the
 * body matches, else the highlights' when they do, else the body's opening; 40 tokens for a
 * Korean article, 24 for others.
 *
 * Rules: one read snapshot for the window and the page's articles; every value bound.
 */
#include <string.h>

#include "search/search.h"
#include "store/postgres/postgres_int.h"

/* Loads the articles and snippets of c[0..n) into out->items. */
static nz_rc load_hits(nz_store *s, nz_arena *arena, const nz__pg_candidate *c, size_t n,
		       const nz_search_phrase *ph, size_t n_ph, nz_search_results *out, nz_err *err)
{
	nz_rc rc = NZ_OK;
	if (n == 0)
		return NZ_OK;
	if (!(out->items = nz_arena_zalloc(arena, n * sizeof(*out->items))))
		return nz_err_set(err, NZ_NOMEM, "search: out of memory");
	for (size_t i = 0; i < n && !rc; i++) {
		nz_article *a = NULL;
		out->items[i].score = c[i].score;
		if (!(rc = nz__pg_article_by_id(s, arena, c[i].id, &a, err))) {
			out->items[i].article = *a;
			rc = nz__store_hit_snippet(arena, a, ph, n_ph, &out->items[i].snippet, err);
		}
	}
	if (!rc)
		out->n = n;
	return rc;
}

nz_rc nz__pg_search(nz_store *s, nz_arena *arena, const nz_article_search *q,
		    nz_search_results *out, nz_err *err)
{
	nz__pg *h = nz__pg_h(s);
	nz_search_phrase *ph = NULL;
	nz__pg_candidate *c = NULL;
	size_t n_ph = 0, n = 0;
	bool capped = false;
	nz_rc rc;
	if (nz_search_phrases(arena, q->query, &ph, &n_ph))
		return nz_err_set(err, NZ_NOMEM, "search: out of memory");
	nz__pg_window w = {q, ph, n_ph, q->query->n, NULL, !q->no_recency, 0};
	bool snap = nz__pg_read_begin(h);
	if ((rc = nz__pg_search_window(h, arena, &w, &c, &n, &capped, err)))
		goto out;
	out->total = n;
	out->capped = capped;
	if (q->ids_only)
		rc = nz__store_hit_ids(arena, c, n, out, err);
	else if (q->offset < n) {
		size_t k = n - q->offset < q->limit ? n - q->offset : q->limit;
		rc = load_hits(s, arena, c + q->offset, k, ph, n_ph, out, err);
	}
out:
	nz__pg_read_end(h, snap);
	if (rc)
		memset(out, 0, sizeof(*out));
	return rc;
}
