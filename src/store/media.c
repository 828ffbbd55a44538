/*
 * media.c: the backend-neutral front of media (store.h, "media"): blobs are checked against
 * their SHA-256 here, an upload is hashed and held to NZ_MEDIA_MAX, then the backend stores the
 * bytes and rows.
 */
#include <string.h>

#include "store/store_int.h"

nz_rc nz_store_blob_put(nz_store *s, const char *sha256_hex, const char *mime, const void *bytes,
			size_t len, nz_err *err)
{
	char hex[65];
	if (!sha256_hex || (!bytes && len))
		return nz_err_set(err, NZ_INVAL, "blob: missing hash or bytes");
	nz_sha256_hex(bytes ? bytes : "", len, hex);
	if (strcmp(hex, sha256_hex) != 0)
		return nz_err_set(err, NZ_INVAL, "blob: %.64s is not the SHA-256 of its bytes",
				  sha256_hex);
	return nz__store_blob_put(s, hex, mime, bytes ? bytes : "", len, err);
}

nz_rc nz_store_blob_get(nz_store *s, nz_arena *arena, const char *sha256_hex, const void **bytes,
			size_t *len, const char **mime, nz_err *err)
{
	*bytes = NULL;
	*len = 0;
	*mime = NULL;
	if (!sha256_hex)
		return nz_err_set(err, NZ_NOTFOUND, "blob: no hash given");
	return nz__store_blob_get(s, arena, sha256_hex, bytes, len, mime, err);
}

nz_rc nz_store_blob_size(nz_store *s, const char *sha256_hex, int64_t *size, nz_err *err)
{
	*size = 0;
	if (!sha256_hex || strlen(sha256_hex) != 64)
		return nz_err_set(err, NZ_NOTFOUND, "blob: no such hash");
	return nz__store_blob_size(s, sha256_hex, size, err);
}

nz_rc nz_store_media_add(nz_store *s, nz_arena *arena, int64_t actor, nz_media *m,
			 const void *bytes, size_t len, nz_err *err)
{
	char hex[65];
	if (!m || !bytes || !len)
		return nz_err_set(err, NZ_INVAL, "media: no bytes");
	if (len > NZ_MEDIA_MAX)
		return nz_err_set(err, NZ_TOOBIG, "media: %zu bytes is more than the limit of %d",
				  len, NZ_MEDIA_MAX);
	nz_sha256_hex(bytes, len, hex);
	if (!(m->hash = nz_arena_strdup(arena, hex)))
		return nz_err_set(err, NZ_NOMEM, "media: out of memory");
	nz_rc rc = nz__store_media_add(s, actor, m, bytes, len, err);
	if (rc)
		m->hash = NULL;
	return rc;
}

nz_rc nz_store_media_get(nz_store *s, nz_arena *arena, int64_t id, nz_media **out, nz_err *err)
{
	*out = NULL;
	return nz__store_media_get(s, arena, id, out, err);
}

nz_rc nz_store_article_photos(nz_store *s, nz_arena *arena, int64_t first_id, int64_t last_id,
			      nz_article_photo **out, size_t *n, nz_err *err)
{
	*out = NULL;
	*n = 0;
	if (first_id > last_id)
		return NZ_OK;
	return nz__store_article_photos(s, arena, first_id, last_id, out, n, err);
}

nz_rc nz_store_media_list(nz_store *s, nz_arena *arena, size_t limit, size_t offset, nz_media **out,
			  size_t *n, nz_err *err)
{
	*out = NULL;
	*n = 0;
	if (limit == 0 || limit > 200)
		limit = 50;
	return nz__store_media_list(s, arena, limit, offset, out, n, err);
}

nz_rc nz_store_rendition_put(nz_store *s, const char *source, const char *name, const char *mime,
			     const void *bytes, size_t len, nz_err *err)
{
	if (!source || strlen(source) != 64 || strspn(source, "0123456789abcdef") != 64)
		return nz_err_set(err, NZ_INVAL, "rendition: the source is not a SHA-256");
	if (!name || !name[0] || !mime || !bytes || !len)
		return nz_err_set(err, NZ_INVAL, "rendition: no name, type or bytes");
	return nz__store_rendition_put(s, source, name, mime, bytes, len, err);
}

nz_rc nz_store_rendition_get(nz_store *s, nz_arena *arena, const char *source, const char *name,
			     const void **bytes, size_t *len, const char **mime, nz_err *err)
{
	*bytes = NULL;
	*len = 0;
	*mime = NULL;
	if (!source || !name)
		return nz_err_set(err, NZ_NOTFOUND, "rendition: no source or name");
	return nz__store_rendition_get(s, arena, source, name, bytes, len, mime, err);
}

nz_rc nz_store_media_unrendered(nz_store *s, nz_arena *arena, const char *name, size_t limit,
				nz_media **out, size_t *n, nz_err *err)
{
	*out = NULL;
	*n = 0;
	if (!name || limit < 1 || limit > 200)
		return nz_err_set(err, NZ_INVAL, "renditions: no name or a limit outside 1..200");
	return nz__store_media_unrendered(s, arena, name, limit, out, n, err);
}
