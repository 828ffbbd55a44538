/*
 * media.c: media in PostgreSQL: uploads (a media row over the bytes), the rows' reads and the
 * picker's list, and blobs, the bytes stored once per SHA-256 as BYTEA, so every node that
 * shares the database serves every upload.
 *
 * Rules: an upload's bytes and its media row commit together, the bytes stored once per hash
 * however often uploaded. Bytes travel as binary parameters, never escaped into text.
 */
#include <string.h>

#include "store/postgres/postgres_int.h"

#define MEDIA_COLS "id, hash, mime, caption, credit, alt, width, height, focal_x, focal_y, filename"
#define MEDIA_COLS_M                                                                               \
	"m.id, m.hash, m.mime, m.caption, m.credit, m.alt, m.width, m.height, m.focal_x, "         \
	"m.focal_y, m.filename"

static const nz__pg_sql q_media_get = {"SELECT " MEDIA_COLS " FROM media WHERE id = $1"};
static const nz__pg_sql q_article_photos = {
    "SELECT " MEDIA_COLS_M ", am.article_id FROM article_media am JOIN media m "
    "ON m.id = am.media_id WHERE am.article_id BETWEEN $1 AND $2 AND m.hash IS NOT NULL "
    "ORDER BY am.article_id, am.position"};
static const nz__pg_sql q_media_list = {"SELECT " MEDIA_COLS " FROM media WHERE hash IS NOT NULL "
					"ORDER BY id DESC LIMIT $1 OFFSET $2"};
static const nz__pg_sql q_blob_put = {"INSERT INTO blobs(hash, mime, bytes, created_at) "
				      "VALUES ($1, $2, $3, $4) ON CONFLICT(hash) DO NOTHING"};
static const nz__pg_sql q_blob_get = {"SELECT mime, bytes FROM blobs WHERE hash = $1"};
static const nz__pg_sql q_blob_size = {"SELECT length(bytes) FROM blobs WHERE hash = $1"};
static const nz__pg_sql q_rendition_put = {
    "INSERT INTO renditions(source, name, mime, bytes, created_at) VALUES ($1, $2, $3, $4, $5) "
    "ON CONFLICT(source, name) DO NOTHING"};
static const nz__pg_sql q_rendition_get = {
    "SELECT mime, bytes FROM renditions WHERE source = $1 AND name = $2"};
/* One row per hash (its oldest media row), oldest first, as SQLite's GROUP BY gives it. */
static const nz__pg_sql q_media_unrendered = {
    "SELECT id, hash, mime, NULL::text, NULL::text, NULL::text, width, height, fx, fy, "
    "NULL::text FROM (SELECT DISTINCT ON (hash, fx, fy) id, hash, mime, width, height, fx, fy "
    "FROM (SELECT id, hash, mime, width, height, COALESCE(focal_x, 50) AS fx, "
    "COALESCE(focal_y, 50) AS fy FROM media WHERE hash IS NOT NULL) m "
    "WHERE NOT EXISTS (SELECT 1 FROM renditions r WHERE r.source = m.hash "
    "AND r.name = $1 || fx || '-' || fy || $2) ORDER BY hash, fx, fy, id) x "
    "ORDER BY id LIMIT $3"};

/* ---- media ------------------------------------------------------------------------------- */

nz_rc nz__pg_media_row(nz_arena *arena, const PGresult *res, int r, void *item)
{
	nz_media *m = item;
	m->id = nz__pg_col_int(res, r, 0);
	m->width = (int)nz__pg_col_int(res, r, 6);
	m->height = (int)nz__pg_col_int(res, r, 7);
	m->has_focal = !nz__pg_col_null(res, r, 8);
	m->focal_x = m->has_focal ? (int)nz__pg_col_int(res, r, 8) : 50;
	m->focal_y = m->has_focal ? (int)nz__pg_col_int(res, r, 9) : 50;
	return nz__pg_col_text(arena, res, r, 1, &m->hash) ||
		       nz__pg_col_text(arena, res, r, 10, &m->filename) ||
		       nz__pg_col_text(arena, res, r, 2, &m->mime) ||
		       nz__pg_col_text(arena, res, r, 3, &m->caption) ||
		       nz__pg_col_text(arena, res, r, 4, &m->credit) ||
		       nz__pg_col_text(arena, res, r, 5, &m->alt)
		   ? NZ_NOMEM
		   : NZ_OK;
}

static const nz__pg_sql q_media_set_uploader = {
    "UPDATE media SET uploaded_by = $2 WHERE id = $1 AND EXISTS (SELECT 1 FROM users "
    "WHERE id = $2)"};

static nz_rc add_media(nz__pg *h, int64_t actor, nz_media *m, const void *bytes, size_t len,
		       nz_err *err)
{
	nz_rc rc = nz__pg_blob_put(&h->base, m->hash, m->mime, bytes, len, err);
	if (rc)
		return rc;
	if ((rc = nz__pg_article_media_insert(h, m, nz_time_now(), "media", err)))
		return rc;
	if (actor > 0) { /* the uploader, for the library's filter */
		nz__pg_params p = {0};
		nz__pg_int64(&p, m->id);
		nz__pg_int64(&p, actor);
		if ((rc = nz__pg_run(h, &q_media_set_uploader, &p, "media", err)))
			return rc;
	}
	return nz__pg_audit(h, actor, "media.uploaded", "media", m->id, 0, m->hash, err);
}

nz_rc nz__pg_media_add(nz_store *s, int64_t actor, nz_media *m, const void *bytes, size_t len,
		       nz_err *err)
{
	nz__pg *h = nz__pg_h(s);
	nz_rc rc = nz__pg_begin(h, err);
	if (rc)
		return rc;
	rc = add_media(h, actor, m, bytes, len, err);
	if ((rc = nz__pg_end(h, rc, err)))
		m->id = 0;
	return rc;
}

static nz_rc photo_row(nz_arena *arena, const PGresult *res, int r, void *item)
{
	nz_article_photo *p = item;
	p->article_id = nz__pg_col_int(res, r, 11);
	return nz__pg_media_row(arena, res, r, &p->media);
}

nz_rc nz__pg_article_photos(nz_store *s, nz_arena *arena, int64_t first_id, int64_t last_id,
			    nz_article_photo **out, size_t *n, nz_err *err)
{
	nz__pg_params p = {0};
	nz__pg_int64(&p, first_id);
	nz__pg_int64(&p, last_id);
	return nz__pg_collect(nz__pg_h(s), &q_article_photos, &p, "article photos",
			      sizeof(nz_article_photo), photo_row, arena, (void **)out, n, err);
}

nz_rc nz__pg_media_get(nz_store *s, nz_arena *arena, int64_t id, nz_media **out, nz_err *err)
{
	nz__pg_params p = {0};
	nz_media *items = NULL;
	size_t n = 0;
	nz_rc rc;

	nz__pg_int64(&p, id);
	if ((rc = nz__pg_collect(nz__pg_h(s), &q_media_get, &p, "media", sizeof(nz_media),
				 nz__pg_media_row, arena, (void **)&items, &n, err)))
		return rc;
	if (n == 0)
		return nz_err_set(err, NZ_NOTFOUND, "media %lld: not found", (long long)id);
	*out = items;
	return NZ_OK;
}

nz_rc nz__pg_media_list(nz_store *s, nz_arena *arena, size_t limit, size_t offset, nz_media **out,
			size_t *n, nz_err *err)
{
	nz__pg_params p = {0};
	nz__pg_int64(&p, (int64_t)limit);
	nz__pg_int64(&p, (int64_t)offset);
	return nz__pg_collect(nz__pg_h(s), &q_media_list, &p, "media", sizeof(nz_media),
			      nz__pg_media_row, arena, (void **)out, n, err);
}

/* ---- blobs ------------------------------------------------------------------------------- */

nz_rc nz__pg_blob_put(nz_store *s, const char *sha256_hex, const char *mime, const void *bytes,
		      size_t len, nz_err *err)
{
	nz__pg *h = nz__pg_h(s);
	nz__pg_params p = {0};
	nz_rc rc;

	if (len > INT32_MAX)
		return nz_err_set(err, NZ_TOOBIG, "blob: %zu bytes is too large", len);
	nz__pg_text(&p, sha256_hex);
	nz__pg_text(&p, mime);
	nz__pg_bytea(&p, bytes, len);
	nz__pg_int64(&p, nz_time_now());
	if ((rc = nz__pg_begin(h, err)))
		return rc;
	rc = nz__pg_run(h, &q_blob_put, &p, "blob", err);
	return nz__pg_end(h, rc, err);
}

nz_rc nz__pg_blob_get(nz_store *s, nz_arena *arena, const char *sha256_hex, const void **bytes,
		      size_t *len, const char **mime, nz_err *err)
{
	nz__pg_params p = {0};
	PGresult *res;
	nz_rc rc;

	nz__pg_text(&p, sha256_hex);
	if ((rc = nz__pg_query(nz__pg_h(s), &q_blob_get, &p, &res, "blob", err)))
		return rc;
	if (PQntuples(res) < 1)
		rc = nz_err_set(err, NZ_NOTFOUND, "blob %.64s: not found", sha256_hex);
	else if (nz__pg_col_text(arena, res, 0, 0, mime) ||
		 nz__pg_col_bytea(arena, res, 0, 1, bytes, len))
		rc = nz_err_set(err, NZ_NOMEM, "blob: out of memory");
	PQclear(res);
	return rc;
}

nz_rc nz__pg_blob_size(nz_store *s, const char *sha256_hex, int64_t *size, nz_err *err)
{
	nz__pg_params p = {0};
	nz__pg_text(&p, sha256_hex);
	return nz__pg_one_int(nz__pg_h(s), &q_blob_size, &p, size, "blob", err);
}

/* ---- renditions -------------------------------------------------------------------------- */

nz_rc nz__pg_rendition_put(nz_store *s, const char *source, const char *name, const char *mime,
			   const void *bytes, size_t len, nz_err *err)
{
	nz__pg *h = nz__pg_h(s);
	nz__pg_params p = {0};
	nz_rc rc;

	if (len > INT32_MAX)
		return nz_err_set(err, NZ_TOOBIG, "rendition: %zu bytes is too large", len);
	nz__pg_text(&p, source);
	nz__pg_text(&p, name);
	nz__pg_text(&p, mime);
	nz__pg_bytea(&p, bytes, len);
	nz__pg_int64(&p, nz_time_now());
	if ((rc = nz__pg_begin(h, err)))
		return rc;
	rc = nz__pg_run(h, &q_rendition_put, &p, "rendition", err);
	return nz__pg_end(h, rc, err);
}

nz_rc nz__pg_rendition_get(nz_store *s, nz_arena *arena, const char *source, const char *name,
			   const void **bytes, size_t *len, const char **mime, nz_err *err)
{
	nz__pg_params p = {0};
	PGresult *res;
	nz_rc rc;

	nz__pg_text(&p, source);
	nz__pg_text(&p, name);
	if ((rc = nz__pg_query(nz__pg_h(s), &q_rendition_get, &p, &res, "rendition", err)))
		return rc;
	if (PQntuples(res) < 1)
		rc = nz_err_set(err, NZ_NOTFOUND, "rendition %.64s.%.40s: not made yet", source,
				name);
	else if (nz__pg_col_text(arena, res, 0, 0, mime) ||
		 nz__pg_col_bytea(arena, res, 0, 1, bytes, len))
		rc = nz_err_set(err, NZ_NOMEM, "rendition: out of memory");
	PQclear(res);
	return rc;
}

nz_rc nz__pg_media_unrendered(nz_store *s, nz_arena *arena, const char *prefix, const char *suffix,
			      size_t limit, nz_media **out, size_t *n, nz_err *err)
{
	nz__pg_params p = {0};
	nz__pg_text(&p, prefix);
	nz__pg_text(&p, suffix);
	nz__pg_int64(&p, (int64_t)limit);
	return nz__pg_collect(nz__pg_h(s), &q_media_unrendered, &p, "renditions", sizeof(nz_media),
			      nz__pg_media_row, arena, (void **)out, n, err);
}

/* Migration 3 (SQLite's 7): renditions of a blob, by its hash and the rendition's name. */
const char nz__pg_3_renditions[] =
    "CREATE TABLE renditions ("
    " source TEXT COLLATE \"C\" NOT NULL REFERENCES blobs(hash),"
    " name TEXT COLLATE \"C\" NOT NULL,"
    " mime TEXT COLLATE \"C\" NOT NULL,"
    " bytes BYTEA NOT NULL,"
    " created_at BIGINT NOT NULL,"
    " PRIMARY KEY (source, name));"
    "ALTER TABLE renditions ALTER COLUMN bytes SET STORAGE EXTERNAL;";

/* Migration 12 (SQLite's 16): a photo's focal point (NULL: the centre) and its file name as
 * uploaded (the library searches it). */
const char nz__pg_12_focal[] =
    "ALTER TABLE media ADD COLUMN focal_x INTEGER CHECK (focal_x BETWEEN 0 AND 100),"
    " ADD COLUMN focal_y INTEGER CHECK (focal_y BETWEEN 0 AND 100),"
    " ADD COLUMN filename TEXT COLLATE \"C\";";
