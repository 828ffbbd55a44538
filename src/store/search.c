/*
 * search.c: the backend-neutral front of full-text search (store.h, "search"): checks and
 * normalises the arguments, then calls the backend. It never speaks SQL.
 */
#include <string.h>

#include "search/search.h"
#include "store/store_int.h"

#define LIMIT_DEFAULT 20
#define LIMIT_MAX 100
#define RELATED_MAX 10

nz_rc nz_store_search(nz_store *s, nz_arena *arena, const nz_article_search *q,
		      nz_search_results *out, nz_err *err)
{
	nz_article_search n = *q;
	memset(out, 0, sizeof(*out));
	if (!q->query || q->query->n_include == 0)
		return nz_err_set(err, NZ_INVAL, "search: the query has no word to look for");
	if (n.limit == 0)
		n.limit = LIMIT_DEFAULT;
	if (n.limit > LIMIT_MAX)
		n.limit = LIMIT_MAX;
	if (n.offset > NZ_SEARCH_WINDOW)
		n.offset = NZ_SEARCH_WINDOW;
	if (!n.now)
		n.now = nz_time_now();
	return nz__store_search(s, arena, &n, out, err);
}

nz_rc nz__store_hit_ids(nz_arena *arena, const nz__store_candidate *c, size_t n,
			nz_search_results *out, nz_err *err)
{
	if (n && !(out->items = nz_arena_zalloc(arena, n * sizeof(*out->items))))
		return nz_err_set(err, NZ_NOMEM, "search: out of memory");
	for (size_t i = 0; i < n; i++)
		out->items[i].article.id = c[i].id;
	out->n = n;
	return NZ_OK;
}

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

nz_rc nz__store_hit_snippet(nz_arena *arena, const nz_article *a, const nz_search_phrase *ph,
			    size_t n, const char **out, nz_err *err)
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

nz_rc nz_store_related(nz_store *s, nz_arena *arena, const nz_article *a, nz_time now, size_t max,
		       nz_article_list *out, nz_err *err)
{
	memset(out, 0, sizeof(*out));
	if (max == 0)
		return NZ_OK;
	if (max > RELATED_MAX)
		max = RELATED_MAX;
	return nz__store_related(s, arena, a, now ? now : nz_time_now(), max, out, err);
}

nz_rc nz_store_related_ids(nz_store *s, nz_arena *arena, const nz_article *a, nz_time now,
			   size_t max, int64_t *ids, size_t *n, nz_err *err)
{
	nz_article_list l;
	*n = 0;
	if (max == 0)
		return NZ_OK;
	if (max > RELATED_MAX)
		max = RELATED_MAX;
	if (!now)
		now = nz_time_now();
	if (s->ops->related_ids)
		return nz__store_related_ids(s, arena, a, now, max, ids, n, err);
	nz_rc rc = nz_store_related(s, arena, a, now, max, &l, err);
	for (size_t i = 0; !rc && i < l.n && i < max; i++)
		ids[(*n)++] = l.items[i].id;
	return rc;
}

nz_rc nz_store_search_optimize(nz_store *s, nz_err *err)
{
	return s->ops->search_optimize ? nz__store_search_optimize(s, err) : NZ_OK;
}
