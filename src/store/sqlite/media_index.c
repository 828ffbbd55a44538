/*
 * media_index.c: the media library's uploaders, a photo's variants (other rows of its bytes that
 * articles show with their own texts) and its search index in SQLite. media_fts is an
 * external-content FTS5 table that triggers on media keep; a rebuild (`newszone reindex`)
 * empties it and indexes the rows again, a batch of ids at a time so the caller can show how
 * far it is.
 *
 * Rules: the rebuild is one transaction (searches keep the old index until it commits).
 */
#include "store/sqlite/sqlite_int.h"

#define MEDIA_BATCH 2000

static nz_rc uploader_row(nz_arena *arena, sqlite3_stmt *st, void *item)
{
	nz_user *u = item;
	u->id = sqlite3_column_int64(st, 0);
	return nz__sq_col_text(arena, st, 1, &u->login);
}

nz_rc nz__sq_media_uploaders(nz_store *s, nz_arena *arena, nz_user **out, size_t *n, nz_err *err)
{
	nz__sqlite *h = nz__sq(s);
	sqlite3_stmt *st;
	nz_rc rc = nz__sq_stmt(h, SQ_MEDIA_UPLOADERS, &st, err);
	if (rc)
		return rc;
	return nz__sq_collect(h, st, "media", sizeof(nz_user), uploader_row, arena, (void **)out, n,
			      err);
}

static nz_rc variant_row(nz_arena *arena, sqlite3_stmt *st, void *item)
{
	nz_media_variant *v = item;
	v->media_id = sqlite3_column_int64(st, 0);
	v->article_id = sqlite3_column_int64(st, 2);
	return nz__sq_col_text(arena, st, 1, &v->caption) ||
		       nz__sq_col_text(arena, st, 3, &v->slug) ||
		       nz__sq_col_text(arena, st, 4, &v->headline)
		   ? NZ_NOMEM
		   : NZ_OK;
}

nz_rc nz__sq_media_variants(nz_store *s, nz_arena *arena, int64_t id, nz_media_variant **out,
			    size_t *n, nz_err *err)
{
	nz__sqlite *h = nz__sq(s);
	sqlite3_stmt *st;
	nz_rc rc = nz__sq_stmt(h, SQ_MEDIA_VARIANTS, &st, err);
	if (rc)
		return rc;
	if (sqlite3_bind_int64(st, 1, id))
		return nz__sq_bind_error(h, "media", err);
	return nz__sq_collect(h, st, "media", sizeof(nz_media_variant), variant_row, arena,
			      (void **)out, n, err);
}

static nz_rc exec_sql(nz__sqlite *h, const char *sql, nz_err *err)
{
	int src = sqlite3_exec(h->db, sql, NULL, NULL, NULL);
	return src == SQLITE_OK ? NZ_OK : nz__sq_error(h, src, "media index", err);
}

static nz_rc prepare(nz__sqlite *h, const char *sql, sqlite3_stmt **st, nz_err *err)
{
	int src = sqlite3_prepare_v2(h->db, sql, -1, st, NULL);
	return src == SQLITE_OK ? NZ_OK : nz__sq_error(h, src, "media index", err);
}

/* Indexes the photos after *last_id, a batch; *n gets how many. */
static nz_rc index_batch(nz__sqlite *h, sqlite3_stmt *upto, sqlite3_stmt *ins, int64_t *last_id,
			 int64_t *n, nz_err *err)
{
	bool row;
	nz_rc rc;
	int64_t last = 0;
	*n = 0;
	sqlite3_reset(upto);
	sqlite3_bind_int64(upto, 1, *last_id);
	sqlite3_bind_int(upto, 2, MEDIA_BATCH);
	if ((rc = nz__sq_step(h, upto, &row, "media index", err)) || !row)
		return rc;
	*n = sqlite3_column_int64(upto, 0);
	last = sqlite3_column_int64(upto, 1);
	sqlite3_reset(upto);
	if (*n == 0)
		return NZ_OK;
	sqlite3_reset(ins);
	sqlite3_bind_int64(ins, 1, *last_id);
	sqlite3_bind_int64(ins, 2, last);
	*last_id = last;
	return nz__sq_exec(h, ins, "media index", err);
}

static nz_rc rebuild(nz__sqlite *h, nz_store_progress_fn progress, void *ctx, nz_err *err)
{
	sqlite3_stmt *count = NULL, *upto = NULL, *ins = NULL;
	int64_t total = 0, last_id = 0, n = 0, done = 0;
	nz_rc rc;
	if ((rc = prepare(h, "SELECT count(*) FROM media", &count, err)) ||
	    (rc = prepare(h,
			  "SELECT count(*), max(id) FROM (SELECT id FROM media WHERE id > ?1"
			  " ORDER BY id LIMIT ?2)",
			  &upto, err)) ||
	    (rc = prepare(h,
			  "INSERT INTO media_fts(rowid, caption, credit, alt, filename)"
			  " SELECT id, caption, credit, alt, filename FROM media"
			  " WHERE id > ?1 AND id <= ?2",
			  &ins, err)) ||
	    (rc = nz__sq_int(h, count, &total, "media index", err)) ||
	    (rc = exec_sql(h, "INSERT INTO media_fts(media_fts) VALUES ('delete-all')", err)))
		goto out;
	if (progress)
		progress(ctx, 0, (size_t)total);
	do {
		if ((rc = index_batch(h, upto, ins, &last_id, &n, err)))
			goto out;
		done += n;
		if (progress && n)
			progress(ctx, (size_t)done, (size_t)(total > done ? total : done));
	} while (n > 0);
	rc = exec_sql(h, "INSERT INTO media_fts(media_fts) VALUES ('optimize')", err);
out:
	sqlite3_finalize(count);
	sqlite3_finalize(upto);
	sqlite3_finalize(ins);
	return rc;
}

nz_rc nz__sq_media_index_rebuild(nz_store *s, nz_store_progress_fn progress, void *ctx, nz_err *err)
{
	nz__sqlite *h = nz__sq(s);
	nz_rc rc = nz__sq_begin(h, err);
	return rc ? rc : nz__sq_end(h, rebuild(h, progress, ctx, err), err);
}
