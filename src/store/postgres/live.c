/*
 * live.c: an article's live coverage and its updates on PostgreSQL, the twin of
 * sqlite/live.c (both run the SQL of store_int.h's NZ__LIVE_* macros). Every write runs in
 * its own transaction (nz__pg_begin takes the change-feed lock first, as every write does).
 */
#include "store/postgres/postgres_int.h"

static const nz__pg_sql q_start = {NZ__LIVE_START("$1", "$2")};
static const nz__pg_sql q_end = {NZ__LIVE_END("$1", "$2")};
static const nz__pg_sql q_get = {NZ__LIVE_GET("$1")};
static const nz__pg_sql q_updates = {NZ__LIVE_UPDATES("$1")};
static const nz__pg_sql q_add = {
    NZ__LIVE_UPDATE_ADD("$1", "$2", "$3", "$4", "$5", "$6", "$7", "$8", "$9")};
static const nz__pg_sql q_edit = {
    NZ__LIVE_UPDATE_EDIT("$1", "$2", "$3", "$4", "$5", "$6", "$7", "$8", "$9", "$10")};
static const nz__pg_sql q_revision = {NZ__LIVE_UPDATE_REVISION("$1", "$2")};
static const nz__pg_sql q_delete = {NZ__LIVE_UPDATE_DELETE("$1", "$2")};

nz_rc nz__pg_live_set(nz_store *s, int64_t article_id, bool live, nz_err *err)
{
	nz__pg *h = nz__pg_h(s);
	nz__pg_params q = {0};
	nz__pg_int64(&q, article_id);
	nz__pg_int64(&q, nz_time_now());
	nz_rc rc = nz__pg_begin(h, err);
	if (rc)
		return rc;
	rc = nz__pg_run(h, live ? &q_start : &q_end, &q, "live coverage", err);
	return nz__pg_end(h, rc, err);
}

static nz_rc update_row(nz_arena *arena, const PGresult *res, int r, void *item)
{
	nz_live_update *u = item;
	u->id = nz__pg_col_int(res, r, 0);
	u->article_id = nz__pg_col_int(res, r, 1);
	u->pinned = nz__pg_col_int(res, r, 3) != 0;
	u->revision = nz__pg_col_int(res, r, 4);
	u->actor = nz__pg_col_int(res, r, 5);
	u->created_at = nz__pg_col_int(res, r, 6);
	u->updated_at = nz__pg_col_int(res, r, 7);
	u->media_id = nz__pg_col_int(res, r, 9);
	nz_rc rc = nz__pg_col_text(arena, res, r, 2, &u->body_markdown);
	if (!rc)
		rc = nz__pg_col_text(arena, res, r, 8, &u->kind);
	if (!rc)
		rc = nz__pg_col_text(arena, res, r, 10, &u->quote);
	if (!rc)
		rc = nz__pg_col_text(arena, res, r, 11, &u->attribution);
	if (rc || !u->media_id || PQgetisnull(res, r, 17))
		return rc; /* no photo, or one deleted from the library */
	nz_media *m = nz_arena_alloc(arena, sizeof *m);
	if (!m)
		return NZ_NOMEM;
	*m = (nz_media){.id = u->media_id,
			.width = (int)nz__pg_col_int(res, r, 17),
			.height = (int)nz__pg_col_int(res, r, 18),
			.has_focal = !PQgetisnull(res, r, 19),
			.focal_x = (int)nz__pg_col_int(res, r, 19),
			.focal_y = (int)nz__pg_col_int(res, r, 20)};
	const char **texts[] = {&m->hash, &m->mime, &m->caption, &m->credit, &m->alt};
	for (int i = 0; !rc && i < 5; i++)
		rc = nz__pg_col_text(arena, res, r, 12 + i, texts[i]);
	u->photo = m;
	return rc;
}

nz_rc nz__pg_live_get(nz_store *s, nz_arena *arena, int64_t article_id, nz_live *out, nz_err *err)
{
	nz__pg_params q = {0};
	*out = (nz_live){0};
	nz__pg_int64(&q, article_id);
	nz__pg_read r[] = {{&q_get, &q, "live coverage", NULL},
			   {&q_updates, &q, "live updates", NULL}};
	nz_rc rc = nz__pg_reads(nz__pg_h(s), r, 2, err); /* one round trip, one snapshot */
	if (rc)
		return rc;
	if (PQntuples(r[0].res) > 0) {
		out->started_at = nz__pg_col_int(r[0].res, 0, 0);
		out->ended_at = nz__pg_col_int(r[0].res, 0, 1);
	}
	rc = nz__pg_collect_res(r[1].res, "live updates", sizeof(nz_live_update), update_row, arena,
				(void **)&out->updates, &out->n_updates, err);
	nz__pg_reads_clear(r, 2);
	return rc;
}

/* Why an edit of u changed no row: no such update, or someone saved since u->revision. */
static nz_rc edit_failed(nz__pg *h, const nz_live_update *u, nz_err *err)
{
	nz__pg_params q = {0};
	int64_t cur = 0;
	nz__pg_int64(&q, u->id);
	nz__pg_int64(&q, u->article_id);
	nz_rc rc = nz__pg_one_int(h, &q_revision, &q, &cur, "live update", err);
	return nz__store_live_unsaved(u, rc, cur, err);
}

nz_rc nz__pg_live_update_save(nz_store *s, nz_live_update *u, int64_t actor, nz_err *err)
{
	nz__pg *h = nz__pg_h(s);
	nz__pg_params q = {0};
	nz_time now = nz_time_now();
	int64_t v = 0;
	if (u->id) {
		nz__pg_int64(&q, u->id);
		nz__pg_int64(&q, u->article_id);
		nz__pg_int64(&q, u->revision);
		nz__pg_text(&q, u->body_markdown);
		nz__pg_int64(&q, u->pinned);
		nz__pg_int64(&q, now);
	} else {
		nz__pg_int64(&q, u->article_id);
		nz__pg_text(&q, u->body_markdown);
		nz__pg_int64(&q, u->pinned);
		nz__pg_opt_int(&q, actor);
		nz__pg_int64(&q, now);
	}
	nz__pg_text(&q, u->kind);
	nz__pg_opt_int(&q, u->media_id);
	nz__pg_text(&q, u->quote);
	nz__pg_text(&q, u->attribution);
	nz_rc rc = nz__pg_begin(h, err);
	if (rc)
		return rc;
	rc = nz__pg_one_int(h, u->id ? &q_edit : &q_add, &q, &v, "live update", err);
	if (rc == NZ_NOTFOUND && u->id)
		rc = edit_failed(h, u, err);
	if ((rc = nz__pg_end(h, rc, err)))
		return rc;
	nz__store_live_saved(u, v, actor, now);
	return NZ_OK;
}

nz_rc nz__pg_live_update_delete(nz_store *s, int64_t article_id, int64_t id, nz_err *err)
{
	nz__pg *h = nz__pg_h(s);
	nz__pg_params q = {0};
	int64_t gone = 0;
	nz__pg_int64(&q, id);
	nz__pg_int64(&q, article_id);
	nz_rc rc = nz__pg_begin(h, err);
	if (rc)
		return rc;
	rc = nz__pg_one_int(h, &q_delete, &q, &gone, "live update", err);
	if (rc == NZ_NOTFOUND)
		rc = nz_err_set(err, rc, "no update %lld in this live coverage", (long long)id);
	return nz__pg_end(h, rc, err);
}
