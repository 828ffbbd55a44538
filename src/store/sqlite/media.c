/*
 * backoffice_media.c: revisions (read side), media uploads and section editing in SQLite.
 *
 * Rules: revisions are only ever inserted (schema triggers refuse the rest); an upload's bytes
 * and its media row commit together, the bytes stored once per hash however often uploaded.
 */
#include <string.h>

#include "store/sqlite/sqlite_int.h"

/* ---- revisions --------------------------------------------------------------------------- */

/* Fills the columns shared by the list and the get: id .. created_at. */
static nz_rc revision_item(nz_arena *arena, sqlite3_stmt *st, void *item)
{
	nz_revision *r = item;
	r->id = sqlite3_column_int64(st, 0);
	r->article_id = sqlite3_column_int64(st, 1);
	r->revision = sqlite3_column_int64(st, 2);
	r->user_id = sqlite3_column_int64(st, 3);
	r->created_at = sqlite3_column_int64(st, 6);
	return nz__sq_col_text(arena, st, 4, &r->login) || nz__sq_col_text(arena, st, 5, &r->note)
		   ? NZ_NOMEM
		   : NZ_OK;
}

static nz_rc revision_full(nz_arena *arena, sqlite3_stmt *st, void *item)
{
	nz_revision *r = item;
	nz_rc rc = revision_item(arena, st, item);
	return rc ? rc : nz__sq_col_text(arena, st, 7, &r->snapshot);
}

nz_rc nz__sq_revision_list(nz_store *s, nz_arena *arena, int64_t article_id, nz_revision **out,
			   size_t *n, nz_err *err)
{
	nz__sqlite *h = nz__sq(s);
	sqlite3_stmt *st;
	nz_rc rc = nz__sq_stmt(h, SQ_REVISION_LIST, &st, err);
	if (rc)
		return rc;
	if (sqlite3_bind_int64(st, 1, article_id))
		return nz__sq_bind_error(h, "revisions", err);
	return nz__sq_collect(h, st, "revisions", sizeof(nz_revision), revision_item, arena,
			      (void **)out, n, err);
}

nz_rc nz__sq_revision_get(nz_store *s, nz_arena *arena, int64_t article_id, int64_t revision,
			  nz_revision **out, nz_err *err)
{
	nz__sqlite *h = nz__sq(s);
	sqlite3_stmt *st;
	nz_revision *items = NULL;
	size_t n = 0;
	nz_rc rc = nz__sq_stmt(h, SQ_REVISION_GET, &st, err);
	if (rc)
		return rc;
	if (sqlite3_bind_int64(st, 1, article_id) || sqlite3_bind_int64(st, 2, revision))
		return nz__sq_bind_error(h, "revision", err);
	if ((rc = nz__sq_collect(h, st, "revision", sizeof(nz_revision), revision_full, arena,
				 (void **)&items, &n, err)))
		return rc;
	if (n == 0)
		return nz_err_set(err, NZ_NOTFOUND, "article %lld has no revision %lld",
				  (long long)article_id, (long long)revision);
	*out = items;
	return NZ_OK;
}

/* ---- media ------------------------------------------------------------------------------- */

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
	    sqlite3_bind_int(st, 7, m->height) || sqlite3_bind_int64(st, 8, nz_time_now()))
		return nz__sq_bind_error(h, "media", err);
	if ((rc = nz__sq_int(h, st, &m->id, "media", err)))
		return rc;
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

/* ---- sections ---------------------------------------------------------------------------- */

static nz_rc save_section(nz__sqlite *h, int64_t actor, nz_section *sec, nz_err *err)
{
	sqlite3_stmt *st;
	nz_rc rc = nz__sq_stmt(h, sec->id ? SQ_SECTION_UPDATE : SQ_SECTION_INSERT, &st, err);
	if (rc)
		return rc;
	int k = sec->id ? 2 : 1;
	if ((sec->id && sqlite3_bind_int64(st, 1, sec->id)) || nz__sq_bind_text(st, k, sec->slug) ||
	    nz__sq_bind_text(st, k + 1, sec->name) || sqlite3_bind_int(st, k + 2, sec->position))
		return nz__sq_bind_error(h, "section", err);
	if (sec->id) {
		rc = nz__sq_exec(h, st, "section", err);
		if (!rc && sqlite3_changes(h->db) == 0)
			rc = nz_err_set(err, NZ_NOTFOUND, "section %lld: not found",
					(long long)sec->id);
	} else {
		rc = nz__sq_int(h, st, &sec->id, "section", err);
	}
	if (rc == NZ_EXISTS)
		return nz_err_set(err, rc, "section: the slug %s is taken", sec->slug);
	if (rc)
		return rc;
	return nz__sq_audit(h, actor, "section.saved", "section", sec->id, 0, sec->slug, err);
}

nz_rc nz__sq_section_save(nz_store *s, int64_t actor, nz_section *sec, nz_err *err)
{
	nz__sqlite *h = nz__sq(s);
	int64_t id = sec->id;
	nz_rc rc = nz__sq_begin(h, err);
	if (rc)
		return rc;
	rc = save_section(h, actor, sec, err);
	if ((rc = nz__sq_end(h, rc, err)))
		sec->id = id;
	return rc;
}
