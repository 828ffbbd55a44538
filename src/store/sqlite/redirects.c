/*
 * redirects.c: old addresses that answer 301 (store.h, "old addresses"): an imported site's
 * permalinks and any an editor adds, in url_redirects; listed together with the earlier slugs
 * of articles (slug_redirects, written by article saves). postgres/redirects.c is the twin.
 */
#include <string.h>

#include "store/sqlite/sqlite_int.h"

nz_rc nz__sq_url_redirect_get(nz_store *s, nz_arena *arena, const char *path, const char **target,
			      nz_err *err)
{
	nz__sqlite *h = nz__sq(s);
	sqlite3_stmt *st;
	bool row = false;
	nz_rc rc = nz__sq_stmt(h, SQ_URL_REDIRECT_GET, &st, err);
	if (rc)
		return rc;
	if (nz__sq_bind_text(st, 1, path))
		return nz__sq_bind_error(h, "redirect", err);
	if ((rc = nz__sq_step(h, st, &row, "redirect", err)))
		return rc;
	if (!row)
		rc = nz_err_set(err, NZ_NOTFOUND, "no redirect from %.200s", path);
	else if (nz__sq_col_text(arena, st, 0, target) || !*target)
		rc = nz_err_set(err, NZ_NOMEM, "redirect: out of memory");
	sqlite3_reset(st);
	return rc;
}

nz_rc nz__sq_url_redirect_put(nz_store *s, const char *path, const char *target, bool replace,
			      nz_err *err)
{
	nz__sqlite *h = nz__sq(s);
	sqlite3_stmt *st;
	nz_rc rc = nz__sq_stmt(h, replace ? SQ_URL_REDIRECT_SET : SQ_URL_REDIRECT_ADD, &st, err);
	if (rc)
		return rc;
	if (nz__sq_bind_text(st, 1, path) || nz__sq_bind_text(st, 2, target) ||
	    sqlite3_bind_int64(st, 3, nz_time_now()))
		return nz__sq_bind_error(h, "redirect", err);
	return nz__sq_exec(h, st, "redirect", err);
}

/* Runs one bound delete of key; *gone is how many rows went. */
static nz_rc delete_one(nz__sqlite *h, nz__sq_id id, const char *key, int *gone, nz_err *err)
{
	sqlite3_stmt *st;
	nz_rc rc = nz__sq_stmt(h, id, &st, err);
	if (rc)
		return rc;
	if (nz__sq_bind_text(st, 1, key))
		return nz__sq_bind_error(h, "redirect", err);
	rc = nz__sq_exec(h, st, "redirect", err);
	*gone = rc ? 0 : sqlite3_changes(h->db);
	return rc;
}

nz_rc nz__sq_url_redirect_delete(nz_store *s, const char *path, nz_err *err)
{
	nz__sqlite *h = nz__sq(s);
	int gone = 0;
	nz_rc rc = NZ_OK;
	if (strncmp(path, "/article/", 9) == 0) /* an article's earlier slug */
		rc = delete_one(h, SQ_URL_REDIRECT_SLUG_DELETE, path + 9, &gone, err);
	if (!rc && !gone)
		rc = delete_one(h, SQ_URL_REDIRECT_DELETE, path, &gone, err);
	if (!rc && !gone)
		rc = nz_err_set(err, NZ_NOTFOUND, "no redirect from %.200s", path);
	return rc;
}

static nz_rc redirect_row(nz_arena *arena, sqlite3_stmt *st, void *item)
{
	nz_url_redirect *r = item;
	r->created_at = sqlite3_column_int64(st, 2);
	r->slug_change = sqlite3_column_int(st, 3) != 0;
	return nz__sq_col_text(arena, st, 0, &r->path) || nz__sq_col_text(arena, st, 1, &r->target)
		   ? NZ_NOMEM
		   : NZ_OK;
}

nz_rc nz__sq_url_redirect_list(nz_store *s, nz_arena *arena, const char *prefix, size_t limit,
			       nz_url_redirect **out, size_t *n, nz_err *err)
{
	nz__sqlite *h = nz__sq(s);
	sqlite3_stmt *st;
	nz_rc rc = nz__sq_stmt(h, SQ_URL_REDIRECT_LIST, &st, err);
	if (rc)
		return rc;
	if (nz__sq_bind_text(st, 1, prefix ? prefix : "") ||
	    sqlite3_bind_int64(st, 2, (int64_t)limit))
		return nz__sq_bind_error(h, "redirects", err);
	return nz__sq_collect(h, st, "redirects", sizeof(nz_url_redirect), redirect_row, arena,
			      (void **)out, n, err);
}

/* ---- wires -------------------------------------------------------------------------------- */

nz_rc nz__sq_wire_feed_add(nz_store *s, nz_wire_feed *f, nz_err *err)
{
	nz__sqlite *h = nz__sq(s);
	sqlite3_stmt *st;
	nz_rc rc = nz__sq_stmt(h, SQ_WIRE_ADD, &st, err);
	if (rc)
		return rc;
	f->created_at = nz_time_now();
	if (nz__sq_bind_text(st, 1, f->url) || nz__sq_bind_text(st, 2, f->format) ||
	    nz__sq_bind_text(st, 3, f->section_slug) || sqlite3_bind_int64(st, 4, f->every_s) ||
	    sqlite3_bind_int64(st, 5, f->created_at))
		return nz__sq_bind_error(h, "wire", err);
	rc = nz__sq_exec(h, st, "wire", err);
	if (rc == NZ_EXISTS)
		return nz_err_set(err, rc, "wire %.200s: this feed is there already", f->url);
	f->id = rc ? 0 : sqlite3_last_insert_rowid(h->db);
	return rc;
}

static nz_rc wire_row(nz_arena *arena, sqlite3_stmt *st, void *item)
{
	nz_wire_feed *f = item;
	f->id = sqlite3_column_int64(st, 0);
	f->every_s = sqlite3_column_int64(st, 4);
	f->polled_at = sqlite3_column_int64(st, 7);
	f->taken = sqlite3_column_int64(st, 9);
	f->created_at = sqlite3_column_int64(st, 10);
	return nz__sq_col_text(arena, st, 1, &f->url) ||
		       nz__sq_col_text(arena, st, 2, &f->format) ||
		       nz__sq_col_text(arena, st, 3, &f->section_slug) ||
		       nz__sq_col_text(arena, st, 5, &f->etag) ||
		       nz__sq_col_text(arena, st, 6, &f->last_modified) ||
		       nz__sq_col_text(arena, st, 8, &f->last_error)
		   ? NZ_NOMEM
		   : NZ_OK;
}

nz_rc nz__sq_wire_feed_list(nz_store *s, nz_arena *arena, nz_wire_feed **out, size_t *n,
			    nz_err *err)
{
	nz__sqlite *h = nz__sq(s);
	sqlite3_stmt *st;
	nz_rc rc = nz__sq_stmt(h, SQ_WIRE_LIST, &st, err);
	if (rc)
		return rc;
	return nz__sq_collect(h, st, "wires", sizeof(nz_wire_feed), wire_row, arena, (void **)out,
			      n, err);
}

nz_rc nz__sq_wire_feed_remove(nz_store *s, int64_t id, nz_err *err)
{
	nz__sqlite *h = nz__sq(s);
	sqlite3_stmt *st;
	nz_rc rc = nz__sq_stmt(h, SQ_WIRE_REMOVE, &st, err);
	if (rc)
		return rc;
	if (sqlite3_bind_int64(st, 1, id))
		return nz__sq_bind_error(h, "wire", err);
	if ((rc = nz__sq_exec(h, st, "wire", err)))
		return rc;
	return sqlite3_changes(h->db) ? NZ_OK
				      : nz_err_set(err, NZ_NOTFOUND, "no wire %lld", (long long)id);
}

nz_rc nz__sq_wire_feed_polled(nz_store *s, const nz_wire_feed *f, nz_err *err)
{
	nz__sqlite *h = nz__sq(s);
	sqlite3_stmt *st;
	nz_rc rc = nz__sq_stmt(h, SQ_WIRE_POLLED, &st, err);
	if (rc)
		return rc;
	if (sqlite3_bind_int64(st, 1, f->id) || nz__sq_bind_text(st, 2, f->etag) ||
	    nz__sq_bind_text(st, 3, f->last_modified) || sqlite3_bind_int64(st, 4, f->polled_at) ||
	    nz__sq_bind_text(st, 5, f->last_error) || sqlite3_bind_int64(st, 6, f->taken))
		return nz__sq_bind_error(h, "wire", err);
	return nz__sq_exec(h, st, "wire", err);
}
