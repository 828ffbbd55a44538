/*
 * articles_history.c: the backend-neutral front of what an article keeps besides its current
 * version: revisions (and restoring one, done here for every backend: read the snapshot, parse
 * it, save it as a new version), the original files it was imported from, and the light public
 * listings behind feeds, sitemaps and exports.
 */
#include <string.h>

#include "store/store_int.h"

#define REFS_LIMIT_DEFAULT 1000
#define REFS_LIMIT_MAX 10000
#define CORRECTIONS_MAX 1000

/* ---- revisions --------------------------------------------------------------------------- */

nz_rc nz_store_revision_list(nz_store *s, nz_arena *arena, int64_t article_id, nz_revision **out,
			     size_t *n, nz_err *err)
{
	*out = NULL;
	*n = 0;
	return nz__store_revision_list(s, arena, article_id, out, n, err);
}

nz_rc nz_store_revision_get(nz_store *s, nz_arena *arena, int64_t article_id, int64_t revision,
			    nz_revision **out, nz_err *err)
{
	*out = NULL;
	return nz__store_revision_get(s, arena, article_id, revision, out, err);
}

nz_rc nz_store_revision_article(nz_store *s, nz_arena *arena, int64_t article_id, int64_t revision,
				nz_article **out, nz_err *err)
{
	nz_revision *rev = NULL;
	nz_article *a = NULL;
	nz_rc rc;

	*out = NULL;
	if ((rc = nz_store_revision_get(s, arena, article_id, revision, &rev, err)))
		return rc;
	if (!(a = nz_arena_zalloc(arena, sizeof *a)))
		return nz_err_set(err, NZ_NOMEM, "revision: out of memory");
	if ((rc = nz__store_snapshot_parse(arena, rev->snapshot, a, err)))
		return rc;
	*out = a;
	return NZ_OK;
}

nz_rc nz_store_article_restore(nz_store *s, nz_arena *arena, const nz_article_restore *r,
			       nz_article **out, nz_err *err)
{
	int64_t article_id = r->article_id, revision = r->revision;
	nz_article *old = NULL, *cur = NULL;
	nz_rc rc;

	if (out)
		*out = NULL;
	if ((rc = nz__store_writable(s, "article", err)) ||
	    (rc = nz_store_revision_article(s, arena, article_id, revision, &old, err)) ||
	    (rc = nz_store_article_by_id(s, arena, article_id, &cur, err)))
		return rc;
	/* Content from the old revision; identity, state, times and corrections stay. */
	old->id = cur->id;
	memcpy(old->uuid, cur->uuid, sizeof old->uuid);
	old->status = cur->status;
	old->created_at = cur->created_at;
	old->published_at = cur->published_at;
	old->publish_at = cur->publish_at;
	old->embargo_until = cur->embargo_until;
	old->created_by = cur->created_by;
	old->corrections = cur->corrections;
	old->n_corrections = cur->n_corrections;
	old->import_notes = cur->import_notes;
	old->n_import_notes = cur->n_import_notes;
	/* Sections, authors and tags are matched again by slug; media by id. */
	if (old->section)
		old->section->id = 0;
	for (size_t i = 0; i < old->n_authors; i++)
		old->authors[i].id = 0;
	for (size_t i = 0; i < old->n_tags; i++)
		old->tags[i].id = 0;
	char *note = nz_arena_printf(arena, "restored revision %lld", (long long)revision);
	if (!note)
		return nz_err_set(err, NZ_NOMEM, "restore: out of memory");
	if ((rc = nz_store_article_update(s, arena, r->actor, old, r->base_revision, note, err)))
		return rc;
	if (out)
		*out = old;
	return NZ_OK;
}

/* ---- import sources ---------------------------------------------------------------------- */

nz_rc nz_store_import_find(nz_store *s, const char *sha256_hex, int64_t *article_id, nz_err *err)
{
	*article_id = 0;
	if (!sha256_hex)
		return nz_err_set(err, NZ_INVAL, "import: no hash given");
	return nz__store_import_find(s, sha256_hex, article_id, err);
}

nz_rc nz_store_import_find_many(nz_store *s, const char *const *sha256_hex, size_t n,
				int64_t *article_ids, nz_err *err)
{
	if (n && (!sha256_hex || !article_ids))
		return nz_err_set(err, NZ_INVAL, "import: no hashes given");
	for (size_t i = 0; i < n; i++) {
		article_ids[i] = 0;
		if (!sha256_hex[i])
			return nz_err_set(err, NZ_INVAL, "import: no hash given");
	}
	return n ? nz__store_import_find_many(s, sha256_hex, n, article_ids, err) : NZ_OK;
}

nz_rc nz_store_import_add(nz_store *s, int64_t article_id, const char *filename, const void *bytes,
			  size_t len, nz_err *err)
{
	char hex[65];
	if (!filename || (!bytes && len))
		return nz_err_set(err, NZ_INVAL, "import: missing file name or bytes");
	nz_sha256_hex(bytes ? bytes : "", len, hex);
	return nz__store_import_add(s, article_id, filename, hex, bytes ? bytes : "", len, err);
}

nz_rc nz_store_import_get(nz_store *s, nz_arena *arena, int64_t article_id, const void **bytes,
			  size_t *len, const char **filename, nz_err *err)
{
	*bytes = NULL;
	*len = 0;
	*filename = NULL;
	return nz__store_import_get(s, arena, article_id, bytes, len, filename, err);
}

/* ---- public listings: feeds, sitemaps, exports ------------------------------------------ */

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
	return nz__store_article_refs(s, arena, &nq, out, n, err);
}

nz_rc nz_store_article_translations(nz_store *s, nz_arena *arena, const nz_article *a, nz_time now,
				    nz_article **out, size_t *n, nz_err *err)
{
	*out = NULL;
	*n = 0;
	if (!a || a->id <= 0)
		return nz_err_set(err, NZ_INVAL, "translations: the article is not stored");
	return nz__store_article_translations(s, arena, a, now, out, n, err);
}

nz_rc nz_store_article_chunks(nz_store *s, nz_arena *arena, nz_time now, size_t per_chunk,
			      nz_article_chunk **out, size_t *n, nz_err *err)
{
	*out = NULL;
	*n = 0;
	if (per_chunk == 0)
		return nz_err_set(err, NZ_INVAL, "sitemap chunks: a chunk holds at least one URL");
	return nz__store_article_chunks(s, arena, now, per_chunk, out, n, err);
}

nz_rc nz_store_corrections_recent(nz_store *s, nz_arena *arena, nz_time now, size_t limit,
				  nz_article **out, size_t *n, nz_err *err)
{
	*out = NULL;
	*n = 0;
	if (limit == 0 || limit > CORRECTIONS_MAX)
		return nz_err_set(err, NZ_INVAL, "corrections: limit must be 1 to %d",
				  CORRECTIONS_MAX);
	return nz__store_corrections_recent(s, arena, now, limit, out, n, err);
}
