/*
 * store/distribution: the backend-independent side of the listings behind feeds, sitemaps and
 * exports (see "Outputs" in store.h): argument checks and defaults, then the backend's query.
 */
#include <string.h>

#include "store/store_int.h"

#define REFS_LIMIT_DEFAULT 1000
#define REFS_LIMIT_MAX 10000
#define CORRECTIONS_MAX 1000

nz_rc nz_store_article_refs(nz_store *s, nz_arena *arena, const nz_article_ref_query *q,
			    nz_article **out, size_t *n, nz_err *err)
{
	nz_article_ref_query nq = *q;
	*out = NULL;
	*n = 0;
	if (nq.limit == 0)
		nq.limit = REFS_LIMIT_DEFAULT;
	if (nq.limit > REFS_LIMIT_MAX)
		return nz_err_set(err, NZ_INVAL, "article listing: limit %zu is above %d", nq.limit,
				  REFS_LIMIT_MAX);
	if (nq.newest_first && nq.after_id)
		return nz_err_set(err, NZ_INVAL,
				  "article listing: after_id pages only the id order");
	return s->ops->article_refs(s, arena, &nq, out, n, err);
}

nz_rc nz_store_article_translations(nz_store *s, nz_arena *arena, const nz_article *a, nz_time now,
				    nz_article **out, size_t *n, nz_err *err)
{
	*out = NULL;
	*n = 0;
	if (!a || a->id <= 0)
		return nz_err_set(err, NZ_INVAL, "translations: the article is not stored");
	return s->ops->article_translations(s, arena, a, now, out, n, err);
}

nz_rc nz_store_article_chunks(nz_store *s, nz_arena *arena, nz_time now, size_t per_chunk,
			      nz_time **lastmod, size_t *n, nz_err *err)
{
	*lastmod = NULL;
	*n = 0;
	if (per_chunk == 0)
		return nz_err_set(err, NZ_INVAL, "sitemap chunks: a chunk holds at least one URL");
	return s->ops->article_chunks(s, arena, now, per_chunk, lastmod, n, err);
}

nz_rc nz_store_corrections_recent(nz_store *s, nz_arena *arena, nz_time now, size_t limit,
				  nz_article **out, size_t *n, nz_err *err)
{
	*out = NULL;
	*n = 0;
	if (limit == 0 || limit > CORRECTIONS_MAX)
		return nz_err_set(err, NZ_INVAL, "corrections: limit must be 1 to %d",
				  CORRECTIONS_MAX);
	return s->ops->corrections_recent(s, arena, now, limit, out, n, err);
}

nz_rc nz_store_blob_size(nz_store *s, const char *sha256_hex, int64_t *size, nz_err *err)
{
	*size = 0;
	if (!sha256_hex || strlen(sha256_hex) != 64)
		return nz_err_set(err, NZ_NOTFOUND, "blob: no such hash");
	return s->ops->blob_size(s, sha256_hex, size, err);
}
