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

/* The highlights as SQLite's index sees them: the intro and each item, one per line. */
static const char *highlights_text(nz_arena *arena, const nz_article *a)
{
	nz_buf b;
	nz_buf_init(&b, 0);
	if (a->highlights_intro)
		nz_buf_puts(&b, a->highlights_intro);
	for (size_t i = 0; i < a->n_highlights; i++) {
		nz_buf_putc(&b, '\n');
		nz_buf_puts(&b, a->highlights[i]);
	}
	size_t start = 0, end = b.len;
	while (start < end && b.p[start] == '\n')
		start++;
	while (end > start && b.p[end - 1] == '\n')
		end--;
	const char *out =
	    nz_buf_rc(&b) ? NULL : nz_arena_strndup(arena, b.len ? b.p + start : "", end - start);
	nz_buf_free(&b);
	return out;
}

/* The hit's snippet (search.h's nz_search_hit). */
static nz_rc snippet(nz_arena *arena, const nz_article *a, const nz_search_phrase *ph, size_t n,
		     const char **out, nz_err *err)
{
	size_t ntok = a->language && strcmp(a->language, "ko") == 0 ? 40 : 24, body_hits = 0,
	       hl_hits = 0;
	const char *body = a->body_markdown ? a->body_markdown : "";
	const char *hl = highlights_text(arena, a);
	nz_buf b, h;
	nz_rc rc;
	nz_buf_init(&b, 0);
	nz_buf_init(&h, 0);
	if (!hl || (rc = nz_search_passage(arena, body, strlen(body), ph, n, ntok, &body_hits, &b)))
		rc = NZ_NOMEM;
	else if (!body_hits &&
		 (rc = nz_search_passage(arena, hl, strlen(hl), ph, n, ntok, &hl_hits, &h)))
		rc = NZ_NOMEM;
	if (!rc) {
		const nz_buf *pick = hl_hits ? &h : &b;
		*out = a->body_markdown || hl_hits
			   ? nz_arena_strndup(arena, pick->len ? pick->p : "", pick->len)
			   : "";
		if (!*out)
			rc = NZ_NOMEM;
	}
	nz_buf_free(&b);
	nz_buf_free(&h);
	return rc ? nz_err_set(err, rc, "search: out of memory") : NZ_OK;
}

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
			rc = snippet(arena, a, ph, n_ph, &out->items[i].snippet, err);
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
