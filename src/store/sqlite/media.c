/*
 * media.c: media in SQLite: uploads (a media row over the bytes), the rows' reads and the
 * picker's list, and blobs, the bytes stored once per SHA-256.
 *
 * Rules: an upload's bytes and its media row commit together, the bytes stored once per hash
 * however often uploaded.
 */
#include <string.h>

#include "store/sqlite/sqlite_int.h"

/* ---- media ------------------------------------------------------------------------------- */

nz_rc nz__sq_media_row(nz_arena *arena, sqlite3_stmt *st, void *item)
{
	nz_media *m = item;
	m->id = sqlite3_column_int64(st, 0);
	m->width = sqlite3_column_int(st, 6);
	m->height = sqlite3_column_int(st, 7);
	m->has_focal = sqlite3_column_type(st, 8) != SQLITE_NULL;
	m->focal_x = m->has_focal ? sqlite3_column_int(st, 8) : 50;
	m->focal_y = m->has_focal ? sqlite3_column_int(st, 9) : 50;
	return nz__sq_col_text(arena, st, 1, &m->hash) || nz__sq_col_text(arena, st, 2, &m->mime) ||
		       nz__sq_col_text(arena, st, 3, &m->caption) ||
		       nz__sq_col_text(arena, st, 4, &m->credit) ||
		       nz__sq_col_text(arena, st, 5, &m->alt) ||
		       nz__sq_col_text(arena, st, 10, &m->filename)
		   ? NZ_NOMEM
		   : NZ_OK;
}

static nz_rc add_media(nz__sqlite *h, int64_t actor, nz_media *m, const void *bytes, size_t len,
		       nz_err *err)
{
	sqlite3_stmt *st;
	nz_rc rc = nz__sq_blob_put(&h->base, m->hash, m->mime, bytes, len, err);
	if (rc || (rc = nz__sq_stmt(h, SQ_MEDIA_INSERT, &st, err)))
		return rc;
	if (nz__sq_bind_text(st, 1, m->hash) || nz__sq_bind_text(st, 2, m->mime) ||
	    nz__sq_bind_text(st, 3, m->caption) || nz__sq_bind_text(st, 4, m->credit) ||
	    nz__sq_bind_text(st, 5, m->alt) || sqlite3_bind_int(st, 6, m->width) ||
	    sqlite3_bind_int(st, 7, m->height) || sqlite3_bind_int64(st, 8, nz_time_now()) ||
	    nz__sq_bind_focal(st, 9, m) || nz__sq_bind_text(st, 11, m->filename))
		return nz__sq_bind_error(h, "media", err);
	if ((rc = nz__sq_int(h, st, &m->id, "media", err)))
		return rc;
	if (actor > 0) { /* the uploader, for the library's filter */
		if ((rc = nz__sq_stmt(h, SQ_MEDIA_SET_UPLOADER, &st, err)))
			return rc;
		if (sqlite3_bind_int64(st, 1, m->id) || sqlite3_bind_int64(st, 2, actor))
			return nz__sq_bind_error(h, "media", err);
		if ((rc = nz__sq_exec(h, st, "media", err)))
			return rc;
	}
	return nz__sq_audit(h, actor, "media.uploaded", "media", m->id, 0, m->hash, err);
}

nz_rc nz__sq_media_add(nz_store *s, int64_t actor, nz_media *m, const void *bytes, size_t len,
		       nz_err *err)
{
	nz__sqlite *h = nz__sq(s);
	nz_rc rc = nz__sq_begin(h, err);
	if (rc)
		return rc;
	rc = add_media(h, actor, m, bytes, len, err);
	if ((rc = nz__sq_end(h, rc, err)))
		m->id = 0;
	return rc;
}

static nz_rc photo_row(nz_arena *arena, sqlite3_stmt *st, void *item)
{
	nz_article_photo *p = item;
	p->article_id = sqlite3_column_int64(st, 11);
	return nz__sq_media_row(arena, st, &p->media);
}

nz_rc nz__sq_article_photos(nz_store *s, nz_arena *arena, int64_t first_id, int64_t last_id,
			    nz_article_photo **out, size_t *n, nz_err *err)
{
	nz__sqlite *h = nz__sq(s);
	sqlite3_stmt *st;
	nz_rc rc = nz__sq_stmt(h, SQ_ARTICLE_PHOTOS, &st, err);
	if (rc)
		return rc;
	if (sqlite3_bind_int64(st, 1, first_id) || sqlite3_bind_int64(st, 2, last_id))
		return nz__sq_bind_error(h, "article photos", err);
	return nz__sq_collect(h, st, "article photos", sizeof(nz_article_photo), photo_row, arena,
			      (void **)out, n, err);
}

nz_rc nz__sq_media_get(nz_store *s, nz_arena *arena, int64_t id, nz_media **out, nz_err *err)
{
	nz__sqlite *h = nz__sq(s);
	sqlite3_stmt *st;
	nz_media *items = NULL;
	size_t n = 0;
	nz_rc rc = nz__sq_stmt(h, SQ_MEDIA_GET, &st, err);
	if (rc)
		return rc;
	if (sqlite3_bind_int64(st, 1, id))
		return nz__sq_bind_error(h, "media", err);
	if ((rc = nz__sq_collect(h, st, "media", sizeof(nz_media), nz__sq_media_row, arena,
				 (void **)&items, &n, err)))
		return rc;
	if (n == 0)
		return nz_err_set(err, NZ_NOTFOUND, "media %lld: not found", (long long)id);
	*out = items;
	return NZ_OK;
}

nz_rc nz__sq_media_list(nz_store *s, nz_arena *arena, size_t limit, size_t offset, nz_media **out,
			size_t *n, nz_err *err)
{
	nz__sqlite *h = nz__sq(s);
	sqlite3_stmt *st;
	nz_rc rc = nz__sq_stmt(h, SQ_MEDIA_LIST, &st, err);
	if (rc)
		return rc;
	if (sqlite3_bind_int64(st, 1, (int64_t)limit) || sqlite3_bind_int64(st, 2, (int64_t)offset))
		return nz__sq_bind_error(h, "media", err);
	return nz__sq_collect(h, st, "media", sizeof(nz_media), nz__sq_media_row, arena,
			      (void **)out, n, err);
}

/* ---- blobs ------------------------------------------------------------------------------- */

nz_rc nz__sq_blob_put(nz_store *s, const char *sha256_hex, const char *mime, const void *bytes,
		      size_t len, nz_err *err)
{
	nz__sqlite *h = nz__sq(s);
	sqlite3_stmt *st;
	nz_rc rc;

	if ((rc = nz__sq_stmt(h, SQ_BLOB_PUT, &st, err)))
		return rc;
	if (nz__sq_bind_text(st, 1, sha256_hex) || nz__sq_bind_text(st, 2, mime) ||
	    sqlite3_bind_blob64(st, 3, bytes, len, SQLITE_STATIC) ||
	    sqlite3_bind_int64(st, 4, nz_time_now()))
		return nz__sq_bind_error(h, "blob", err);
	if ((rc = nz__sq_begin(h, err)))
		return rc;
	rc = nz__sq_exec(h, st, "blob", err);
	return nz__sq_end(h, rc, err);
}

nz_rc nz__sq_blob_get(nz_store *s, nz_arena *arena, const char *sha256_hex, const void **bytes,
		      size_t *len, const char **mime, nz_err *err)
{
	nz__sqlite *h = nz__sq(s);
	sqlite3_stmt *st;
	bool row = false;
	nz_rc rc;

	if ((rc = nz__sq_stmt(h, SQ_BLOB_GET, &st, err)))
		return rc;
	if (nz__sq_bind_text(st, 1, sha256_hex))
		return nz__sq_bind_error(h, "blob", err);
	if ((rc = nz__sq_step(h, st, &row, "blob", err)))
		return rc;
	if (!row)
		rc = nz_err_set(err, NZ_NOTFOUND, "blob %.64s: not found", sha256_hex);
	else if (nz__sq_col_text(arena, st, 0, mime) || nz__sq_col_blob(arena, st, 1, bytes, len))
		rc = nz_err_set(err, NZ_NOMEM, "blob: out of memory");
	sqlite3_reset(st);
	return rc;
}

nz_rc nz__sq_blob_size(nz_store *s, const char *sha256_hex, int64_t *size, nz_err *err)
{
	nz__sqlite *h = nz__sq(s);
	sqlite3_stmt *st = NULL;
	nz_rc rc = nz__sq_stmt(h, SQ_BLOB_SIZE, &st, err);
	if (rc)
		return rc;
	if (nz__sq_bind_text(st, 1, sha256_hex))
		rc = nz__sq_bind_error(h, "blob", err);
	else
		rc = nz__sq_int(h, st, size, "blob", err);
	sqlite3_reset(st);
	return rc;
}

/* ---- renditions -------------------------------------------------------------------------- */

nz_rc nz__sq_rendition_put(nz_store *s, const char *source, const char *name, const char *mime,
			   const void *bytes, size_t len, nz_err *err)
{
	nz__sqlite *h = nz__sq(s);
	sqlite3_stmt *st;
	nz_rc rc = nz__sq_stmt(h, SQ_RENDITION_PUT, &st, err);
	if (rc)
		return rc;
	if (nz__sq_bind_text(st, 1, source) || nz__sq_bind_text(st, 2, name) ||
	    nz__sq_bind_text(st, 3, mime) ||
	    sqlite3_bind_blob64(st, 4, bytes, len, SQLITE_STATIC) ||
	    sqlite3_bind_int64(st, 5, nz_time_now()))
		return nz__sq_bind_error(h, "rendition", err);
	if ((rc = nz__sq_begin(h, err)))
		return rc;
	rc = nz__sq_exec(h, st, "rendition", err);
	return nz__sq_end(h, rc, err);
}

nz_rc nz__sq_rendition_get(nz_store *s, nz_arena *arena, const char *source, const char *name,
			   const void **bytes, size_t *len, const char **mime, nz_err *err)
{
	nz__sqlite *h = nz__sq(s);
	sqlite3_stmt *st;
	bool row = false;
	nz_rc rc = nz__sq_stmt(h, SQ_RENDITION_GET, &st, err);
	if (rc)
		return rc;
	if (nz__sq_bind_text(st, 1, source) || nz__sq_bind_text(st, 2, name))
		return nz__sq_bind_error(h, "rendition", err);
	if ((rc = nz__sq_step(h, st, &row, "rendition", err)))
		return rc;
	if (!row)
		rc = nz_err_set(err, NZ_NOTFOUND, "rendition %.64s.%.40s: not made yet", source,
				name);
	else if (nz__sq_col_text(arena, st, 0, mime) || nz__sq_col_blob(arena, st, 1, bytes, len))
		rc = nz_err_set(err, NZ_NOMEM, "rendition: out of memory");
	sqlite3_reset(st);
	return rc;
}

nz_rc nz__sq_media_unrendered(nz_store *s, nz_arena *arena, const char *prefix, const char *suffix,
			      size_t limit, nz_media **out, size_t *n, nz_err *err)
{
	nz__sqlite *h = nz__sq(s);
	sqlite3_stmt *st;
	nz_rc rc = nz__sq_stmt(h, SQ_MEDIA_UNRENDERED, &st, err);
	if (rc)
		return rc;
	if (nz__sq_bind_text(st, 1, prefix) || nz__sq_bind_text(st, 2, suffix) ||
	    sqlite3_bind_int64(st, 3, (int64_t)limit))
		return nz__sq_bind_error(h, "renditions", err);
	return nz__sq_collect(h, st, "renditions", sizeof(nz_media), nz__sq_media_row, arena,
			      (void **)out, n, err);
}
