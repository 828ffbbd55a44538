/*
 * media_library.c: the media library in SQLite: photos found by their texts, use and upload
 * time a page at a time (newest first, by id: keyset pages that cost the same at any depth),
 * the articles that use a photo, edits of a photo's texts and focal point (each kept as a
 * revision), and deletion.
 *
 * Rules: an edit, its revision rows and its audit row commit together, as a deletion and its
 * audit row do; a photo that an article or a live update uses is never deleted (the count and the
 * delete run in one transaction). The changes an edit makes to the pages that show the photo come
 * from the media table's trigger (schema.c).
 */
#include <stdio.h>
#include <string.h>

#include "store/sqlite/sqlite_int.h"

int nz__sq_bind_focal(sqlite3_stmt *st, int i, const nz_media *m)
{
	if (!m->has_focal)
		return sqlite3_bind_null(st, i) || sqlite3_bind_null(st, i + 1);
	return sqlite3_bind_int(st, i, m->focal_x) || sqlite3_bind_int(st, i + 1, m->focal_y);
}

static nz_rc entry_row(nz_arena *arena, sqlite3_stmt *st, void *item)
{
	nz_media_entry *e = item;
	e->created_at = sqlite3_column_int64(st, 11);
	e->n_uses = sqlite3_column_int64(st, 12);
	return nz__sq_media_row(arena, st, &e->media);
}

nz_rc nz__sq_media_search(nz_store *s, nz_arena *arena, const nz_media_filter *f,
			  nz_media_entry **out, size_t *n, nz_err *err)
{
	nz__sqlite *h = nz__sq(s);
	sqlite3_stmt *st;
	const char *match =
	    f->text ? nz__store_media_query(arena, f->text, "\"", "\"* \"", "\"*") : NULL;
	if (f->text && !match)
		return nz_err_set(err, NZ_NOMEM, "media: out of memory");
	nz_rc rc = nz__sq_stmt(h,
			       match             ? SQ_MEDIA_SEARCH_TEXT
			       : f->uploader > 0 ? SQ_MEDIA_SEARCH_UPLOADER
						 : SQ_MEDIA_SEARCH,
			       &st, err);
	if (rc)
		return rc;
	if (nz__sq_bind_text(st, 1, match) || sqlite3_bind_int(st, 2, f->used) ||
	    sqlite3_bind_int64(st, 3, f->from) || sqlite3_bind_int64(st, 4, f->to) ||
	    sqlite3_bind_int64(st, 5, f->before > 0 ? f->before : INT64_MAX) ||
	    sqlite3_bind_int64(st, 6, (int64_t)f->limit) ||
	    sqlite3_bind_int64(st, 7, f->uploader > 0 ? f->uploader : 0))
		return nz__sq_bind_error(h, "media", err);
	return nz__sq_collect(h, st, "media", sizeof(nz_media_entry), entry_row, arena,
			      (void **)out, n, err);
}

static nz_rc use_row(nz_arena *arena, sqlite3_stmt *st, void *item)
{
	nz_article *a = item;
	const char *uuid = NULL, *status = NULL;
	a->id = sqlite3_column_int64(st, 0);
	if (nz__sq_col_text(arena, st, 1, &uuid) || nz__sq_col_text(arena, st, 2, &a->slug) ||
	    nz__sq_col_text(arena, st, 3, &a->headline) || nz__sq_col_text(arena, st, 4, &status) ||
	    nz__sq_col_text(arena, st, 5, &a->language))
		return NZ_NOMEM;
	if (uuid)
		snprintf(a->uuid, sizeof a->uuid, "%s", uuid);
	if (status)
		nz_status_parse(nz_str_c(status), &a->status);
	return NZ_OK;
}

nz_rc nz__sq_media_uses(nz_store *s, nz_arena *arena, int64_t id, nz_article **out, size_t *n,
			nz_err *err)
{
	nz__sqlite *h = nz__sq(s);
	sqlite3_stmt *st;
	nz_rc rc = nz__sq_stmt(h, SQ_MEDIA_USES, &st, err);
	if (rc)
		return rc;
	if (sqlite3_bind_int64(st, 1, id))
		return nz__sq_bind_error(h, "media", err);
	return nz__sq_collect(h, st, "media", sizeof(nz_article), use_row, arena, (void **)out, n,
			      err);
}

/* The photo's state before its first edit, as uploaded (once). */
static nz_rc first_revision(nz__sqlite *h, int64_t id, nz_err *err)
{
	sqlite3_stmt *st;
	nz_rc rc = nz__sq_stmt(h, SQ_MEDIA_REV_FIRST, &st, err);
	if (rc)
		return rc;
	if (sqlite3_bind_int64(st, 1, id))
		return nz__sq_bind_error(h, "media", err);
	return nz__sq_exec(h, st, "media", err);
}

/* The photo's state after an edit, unless it is the last revision's. */
static nz_rc add_revision(nz__sqlite *h, int64_t actor, int64_t id, nz_err *err)
{
	sqlite3_stmt *st;
	nz_rc rc = nz__sq_stmt(h, SQ_MEDIA_REV_ADD, &st, err);
	if (rc)
		return rc;
	if (sqlite3_bind_int64(st, 1, id) || sqlite3_bind_int64(st, 2, actor) ||
	    sqlite3_bind_int64(st, 3, nz_time_now()))
		return nz__sq_bind_error(h, "media", err);
	return nz__sq_exec(h, st, "media", err);
}

static nz_rc update_media(nz__sqlite *h, int64_t actor, const nz_media *m, nz_err *err)
{
	sqlite3_stmt *st;
	nz_rc rc = first_revision(h, m->id, err);
	if (rc || (rc = nz__sq_stmt(h, SQ_MEDIA_UPDATE, &st, err)))
		return rc;
	if (sqlite3_bind_int64(st, 1, m->id) || nz__sq_bind_text(st, 2, m->caption) ||
	    nz__sq_bind_text(st, 3, m->credit) || nz__sq_bind_text(st, 4, m->alt) ||
	    nz__sq_bind_focal(st, 5, m))
		return nz__sq_bind_error(h, "media", err);
	if ((rc = nz__sq_exec(h, st, "media", err)))
		return rc;
	if (sqlite3_changes(h->db) == 0)
		return nz_err_set(err, NZ_NOTFOUND, "media %lld: not found", (long long)m->id);
	if ((rc = add_revision(h, actor, m->id, err)))
		return rc;
	return nz__sq_audit(h, actor, "media.edited", "media", m->id, 0, NULL, err);
}

nz_rc nz__sq_media_update(nz_store *s, int64_t actor, const nz_media *m, nz_err *err)
{
	nz__sqlite *h = nz__sq(s);
	nz_rc rc = nz__sq_begin(h, err);
	return rc ? rc : nz__sq_end(h, update_media(h, actor, m, err), err);
}

static nz_rc delete_media(nz__sqlite *h, int64_t actor, int64_t id, nz_err *err)
{
	sqlite3_stmt *st;
	int64_t uses = 0;
	nz_rc rc = nz__sq_stmt(h, SQ_MEDIA_USED, &st, err);
	if (rc)
		return rc;
	if (sqlite3_bind_int64(st, 1, id))
		return nz__sq_bind_error(h, "media", err);
	if ((rc = nz__sq_int(h, st, &uses, "media", err)))
		return rc;
	if (uses > 0)
		return nz_err_set(err, NZ_CONFLICT,
				  "media %lld: used %lld time(s) by articles or live updates",
				  (long long)id, (long long)uses);
	if ((rc = nz__sq_stmt(h, SQ_MEDIA_DELETE, &st, err)))
		return rc;
	if (sqlite3_bind_int64(st, 1, id))
		return nz__sq_bind_error(h, "media", err);
	if ((rc = nz__sq_exec(h, st, "media", err)))
		return rc;
	if (sqlite3_changes(h->db) == 0)
		return nz_err_set(err, NZ_NOTFOUND, "media %lld: not found", (long long)id);
	return nz__sq_audit(h, actor, "media.deleted", "media", id, 0, NULL, err);
}

nz_rc nz__sq_media_delete(nz_store *s, int64_t actor, int64_t id, nz_err *err)
{
	nz__sqlite *h = nz__sq(s);
	nz_rc rc = nz__sq_begin(h, err);
	return rc ? rc : nz__sq_end(h, delete_media(h, actor, id, err), err);
}

static nz_rc revision_row(nz_arena *arena, sqlite3_stmt *st, void *item)
{
	nz_media_revision *r = item;
	r->id = sqlite3_column_int64(st, 0);
	r->user_id = sqlite3_column_int64(st, 1);
	r->at = sqlite3_column_int64(st, 3);
	r->has_focal = sqlite3_column_type(st, 7) != SQLITE_NULL;
	r->focal_x = r->has_focal ? sqlite3_column_int(st, 7) : 50;
	r->focal_y = r->has_focal ? sqlite3_column_int(st, 8) : 50;
	return nz__sq_col_text(arena, st, 2, &r->user_login) ||
		       nz__sq_col_text(arena, st, 4, &r->caption) ||
		       nz__sq_col_text(arena, st, 5, &r->credit) ||
		       nz__sq_col_text(arena, st, 6, &r->alt)
		   ? NZ_NOMEM
		   : NZ_OK;
}

nz_rc nz__sq_media_revisions(nz_store *s, nz_arena *arena, int64_t id, nz_media_revision **out,
			     size_t *n, nz_err *err)
{
	nz__sqlite *h = nz__sq(s);
	sqlite3_stmt *st;
	nz_rc rc = nz__sq_stmt(h, SQ_MEDIA_REVISIONS, &st, err);
	if (rc)
		return rc;
	if (sqlite3_bind_int64(st, 1, id))
		return nz__sq_bind_error(h, "media", err);
	return nz__sq_collect(h, st, "media", sizeof(nz_media_revision), revision_row, arena,
			      (void **)out, n, err);
}
