/*
 * store/search.c: the backend-neutral front of full-text search: checks and
 * normalises the arguments, then calls the backend's nz__search_ops. It never speaks SQL.
 */
#include <string.h>

#include "search/search.h"
#include "store/search_int.h"

nz_rc nz_store_search(nz_store *s, nz_arena *arena, const nz_article_search *q,
		      nz_search_results *out, nz_err *err)
{
	nz_article_search n = *q;
	memset(out, 0, sizeof(*out));
	if (!q->query || q->query->n_include == 0)
		return nz_err_set(err, NZ_INVAL, "search: the query has no word to look for");
	if (n.limit == 0)
		n.limit = NZ_SEARCH_LIMIT_DEFAULT;
	if (n.limit > NZ_SEARCH_LIMIT_MAX)
		n.limit = NZ_SEARCH_LIMIT_MAX;
	if (n.offset > NZ_SEARCH_OFFSET_MAX)
		n.offset = NZ_SEARCH_OFFSET_MAX;
	if (!n.now)
		n.now = nz_time_now();
	return s->ops->search->search(s, arena, &n, out, err);
}

nz_rc nz_store_related(nz_store *s, nz_arena *arena, const nz_article *a, nz_time now, size_t max,
		       nz_article_list *out, nz_err *err)
{
	memset(out, 0, sizeof(*out));
	if (max == 0)
		return NZ_OK;
	if (max > NZ_RELATED_MAX)
		max = NZ_RELATED_MAX;
	return s->ops->search->related(s, arena, a, now ? now : nz_time_now(), max, out, err);
}

nz_rc nz_store_search_rebuild(nz_store *s, nz_store_progress_fn progress, void *ctx, nz_err *err)
{
	if (s->flags & NZ_STORE_READONLY)
		return nz_err_set(err, NZ_PERM, "reindex: the database was opened read-only");
	return s->ops->search->rebuild(s, progress, ctx, err);
}
