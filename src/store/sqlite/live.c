/*
 * live.c: an article's live coverage and its updates (store.h, "live coverage"). Each update
 * carries its own revision: an edit names the revision it was based on and loses (NZ_CONFLICT)
 * when someone saved in between. The change feed's triggers (schema.c, migration 12) name the
 * article's page in the same transaction. postgres/live.c is the twin.
 */
#include "store/sqlite/sqlite_int.h"

nz_rc nz__sq_live_set(nz_store *s, int64_t article_id, bool live, nz_err *err)
{
	nz__sqlite *h = nz__sq(s);
	sqlite3_stmt *st;
	nz_rc rc = nz__sq_stmt(h, live ? SQ_LIVE_START : SQ_LIVE_END, &st, err);
	if (rc)
		return rc;
	if (sqlite3_bind_int64(st, 1, article_id) || sqlite3_bind_int64(st, 2, nz_time_now()))
		return nz__sq_bind_error(h, "live coverage", err);
	return nz__sq_exec(h, st, "live coverage", err);
}

static nz_rc update_row(nz_arena *arena, sqlite3_stmt *st, void *item)
{
	nz_live_update *u = item;
	u->id = sqlite3_column_int64(st, 0);
	u->article_id = sqlite3_column_int64(st, 1);
	u->pinned = sqlite3_column_int64(st, 3) != 0;
	u->revision = sqlite3_column_int64(st, 4);
	u->actor = sqlite3_column_int64(st, 5);
	u->created_at = sqlite3_column_int64(st, 6);
	u->updated_at = sqlite3_column_int64(st, 7);
	u->media_id = sqlite3_column_int64(st, 9);
	nz_rc rc = nz__sq_col_text(arena, st, 2, &u->body_markdown);
	if (!rc)
		rc = nz__sq_col_text(arena, st, 8, &u->kind);
	if (!rc)
		rc = nz__sq_col_text(arena, st, 10, &u->quote);
	if (!rc)
		rc = nz__sq_col_text(arena, st, 11, &u->attribution);
	if (rc || !u->media_id || sqlite3_column_type(st, 17) == SQLITE_NULL)
		return rc; /* no photo, or one deleted from the library */
	nz_media *m = nz_arena_alloc(arena, sizeof *m);
	if (!m)
		return NZ_NOMEM;
	*m = (nz_media){.id = u->media_id,
			.width = sqlite3_column_int(st, 17),
			.height = sqlite3_column_int(st, 18),
			.has_focal = sqlite3_column_type(st, 19) != SQLITE_NULL,
			.focal_x = sqlite3_column_int(st, 19),
			.focal_y = sqlite3_column_int(st, 20)};
	const char **texts[] = {&m->hash, &m->mime, &m->caption, &m->credit, &m->alt};
	for (int i = 0; !rc && i < 5; i++)
		rc = nz__sq_col_text(arena, st, 12 + i, texts[i]);
	u->photo = m;
	return rc;
}

nz_rc nz__sq_live_get(nz_store *s, nz_arena *arena, int64_t article_id, nz_live *out, nz_err *err)
{
	nz__sqlite *h = nz__sq(s);
	sqlite3_stmt *st;
	bool row = false, opened = nz__sq_read_begin(h);
	*out = (nz_live){0};
	nz_rc rc = nz__sq_stmt(h, SQ_LIVE_GET, &st, err);
	if (rc)
		goto out;
	if (sqlite3_bind_int64(st, 1, article_id)) {
		rc = nz__sq_bind_error(h, "live coverage", err);
		goto out;
	}
	if ((rc = nz__sq_step(h, st, &row, "live coverage", err)))
		goto out;
	if (row) {
		out->started_at = sqlite3_column_int64(st, 0);
		out->ended_at = sqlite3_column_int64(st, 1);
	}
	sqlite3_reset(st);
	if ((rc = nz__sq_stmt(h, SQ_LIVE_UPDATES, &st, err)))
		goto out;
	if (sqlite3_bind_int64(st, 1, article_id)) {
		rc = nz__sq_bind_error(h, "live updates", err);
		goto out;
	}
	rc = nz__sq_collect(h, st, "live updates", sizeof(nz_live_update), update_row, arena,
			    (void **)&out->updates, &out->n_updates, err);
out:
	nz__sq_read_end(h, opened);
	return rc;
}

/* Why an edit of u changed no row: no such update, or someone saved since u->revision. */
static nz_rc edit_failed(nz__sqlite *h, const nz_live_update *u, nz_err *err)
{
	sqlite3_stmt *st;
	int64_t cur = 0;
	nz_rc rc = nz__sq_stmt(h, SQ_LIVE_UPDATE_REVISION, &st, err);
	if (rc)
		return rc;
	if (sqlite3_bind_int64(st, 1, u->id) || sqlite3_bind_int64(st, 2, u->article_id))
		return nz__sq_bind_error(h, "live update", err);
	rc = nz__sq_int(h, st, &cur, "live update", err);
	return nz__store_live_unsaved(u, rc, cur, err);
}

nz_rc nz__sq_live_update_save(nz_store *s, nz_live_update *u, int64_t actor, nz_err *err)
{
	nz__sqlite *h = nz__sq(s);
	sqlite3_stmt *st;
	nz_time now = nz_time_now();
	int64_t v = 0;
	nz_rc rc = nz__sq_stmt(h, u->id ? SQ_LIVE_UPDATE_EDIT : SQ_LIVE_UPDATE_ADD, &st, err);
	if (rc)
		return rc;
	int bad = u->id ? sqlite3_bind_int64(st, 1, u->id) ||
			      sqlite3_bind_int64(st, 2, u->article_id) ||
			      sqlite3_bind_int64(st, 3, u->revision) ||
			      nz__sq_bind_text(st, 4, u->body_markdown) ||
			      sqlite3_bind_int64(st, 5, u->pinned) || sqlite3_bind_int64(st, 6, now)
			: sqlite3_bind_int64(st, 1, u->article_id) ||
			      nz__sq_bind_text(st, 2, u->body_markdown) ||
			      sqlite3_bind_int64(st, 3, u->pinned) ||
			      nz__sq_bind_opt_int(st, 4, actor) || sqlite3_bind_int64(st, 5, now);
	int k = u->id ? 7 : 6; /* the kind's fields follow */
	bad = bad || nz__sq_bind_text(st, k, u->kind) ||
	      nz__sq_bind_opt_int(st, k + 1, u->media_id) ||
	      nz__sq_bind_text(st, k + 2, u->quote) || nz__sq_bind_text(st, k + 3, u->attribution);
	if (bad)
		return nz__sq_bind_error(h, "live update", err);
	rc = nz__sq_int(h, st, &v, "live update", err);
	if (rc == NZ_NOTFOUND && u->id)
		return edit_failed(h, u, err);
	if (rc)
		return rc;
	nz__store_live_saved(u, v, actor, now);
	return NZ_OK;
}

nz_rc nz__sq_live_update_delete(nz_store *s, int64_t article_id, int64_t id, nz_err *err)
{
	nz__sqlite *h = nz__sq(s);
	sqlite3_stmt *st;
	int64_t gone = 0;
	nz_rc rc = nz__sq_stmt(h, SQ_LIVE_UPDATE_DELETE, &st, err);
	if (rc)
		return rc;
	if (sqlite3_bind_int64(st, 1, id) || sqlite3_bind_int64(st, 2, article_id))
		return nz__sq_bind_error(h, "live update", err);
	rc = nz__sq_int(h, st, &gone, "live update", err);
	if (rc == NZ_NOTFOUND)
		return nz_err_set(err, rc, "no update %lld in this live coverage", (long long)id);
	return rc;
}
