/*
 * redirects.c: old addresses that answer 301 (store.h, "old addresses"): the twin of
 * sqlite/redirects.c. The table itself comes with migration 3 (articles_history.c).
 */
#include <string.h>

#include "store/postgres/postgres_int.h"

static const nz__pg_sql q_get = {"SELECT target FROM url_redirects WHERE path = $1"};
static const nz__pg_sql q_set = {
    "INSERT INTO url_redirects(path, target, created_at) VALUES ($1, $2, $3) "
    "ON CONFLICT (path) DO UPDATE SET target = excluded.target"};
static const nz__pg_sql q_add = {
    "INSERT INTO url_redirects(path, target, created_at) VALUES ($1, $2, $3) "
    "ON CONFLICT (path) DO NOTHING"};
static const nz__pg_sql q_delete = {"DELETE FROM url_redirects WHERE path = $1 RETURNING 1"};
static const nz__pg_sql q_slug_delete = {
    "DELETE FROM slug_redirects WHERE old_slug = $1 RETURNING 1"};
static const nz__pg_sql q_list = {NZ__URL_REDIRECT_LIST("CAST($1 AS TEXT)", "$2")};

nz_rc nz__pg_url_redirect_get(nz_store *s, nz_arena *arena, const char *path, const char **target,
			      nz_err *err)
{
	nz__pg_params p = {0};
	PGresult *res;
	nz_rc rc;
	nz__pg_text(&p, path);
	if ((rc = nz__pg_query(nz__pg_h(s), &q_get, &p, &res, "redirect", err)))
		return rc;
	if (PQntuples(res) < 1)
		rc = nz_err_set(err, NZ_NOTFOUND, "no redirect from %.200s", path);
	else if (nz__pg_col_text(arena, res, 0, 0, target) || !*target)
		rc = nz_err_set(err, NZ_NOMEM, "redirect: out of memory");
	PQclear(res);
	return rc;
}

nz_rc nz__pg_url_redirect_put(nz_store *s, const char *path, const char *target, bool replace,
			      nz_err *err)
{
	nz__pg_params p = {0};
	nz__pg_text(&p, path);
	nz__pg_text(&p, target);
	nz__pg_int64(&p, nz_time_now());
	return nz__pg_run(nz__pg_h(s), replace ? &q_set : &q_add, &p, "redirect", err);
}

/* Runs one delete of key; *gone is how many rows went. */
static nz_rc delete_one(nz_store *s, const nz__pg_sql *q, const char *key, int *gone, nz_err *err)
{
	nz__pg_params p = {0};
	PGresult *res;
	nz__pg_text(&p, key);
	nz_rc rc = nz__pg_query(nz__pg_h(s), q, &p, &res, "redirect", err);
	if (rc)
		return rc;
	*gone = PQntuples(res);
	PQclear(res);
	return NZ_OK;
}

nz_rc nz__pg_url_redirect_delete(nz_store *s, const char *path, nz_err *err)
{
	int gone = 0;
	nz_rc rc = NZ_OK;
	if (strncmp(path, "/article/", 9) == 0) /* an article's earlier slug */
		rc = delete_one(s, &q_slug_delete, path + 9, &gone, err);
	if (!rc && !gone)
		rc = delete_one(s, &q_delete, path, &gone, err);
	if (!rc && !gone)
		rc = nz_err_set(err, NZ_NOTFOUND, "no redirect from %.200s", path);
	return rc;
}

static nz_rc redirect_row(nz_arena *arena, const PGresult *res, int r, void *item)
{
	nz_url_redirect *x = item;
	x->created_at = nz__pg_col_int(res, r, 2);
	x->slug_change = nz__pg_col_int(res, r, 3) != 0;
	return nz__pg_col_text(arena, res, r, 0, &x->path) ||
		       nz__pg_col_text(arena, res, r, 1, &x->target)
		   ? NZ_NOMEM
		   : NZ_OK;
}

nz_rc nz__pg_url_redirect_list(nz_store *s, nz_arena *arena, const char *prefix, size_t limit,
			       nz_url_redirect **out, size_t *n, nz_err *err)
{
	nz__pg_params p = {0};
	nz__pg_text(&p, prefix ? prefix : "");
	nz__pg_int64(&p, (int64_t)limit);
	return nz__pg_collect(nz__pg_h(s), &q_list, &p, "redirects", sizeof(nz_url_redirect),
			      redirect_row, arena, (void **)out, n, err);
}

/* ---- wires -------------------------------------------------------------------------------- */

static const nz__pg_sql q_wire_add = {
    "INSERT INTO wire_feeds(url, format, section_slug, every_s, created_at) "
    "VALUES ($1, $2, $3, $4, $5) RETURNING id"};
static const nz__pg_sql q_wire_list = {
    "SELECT id, url, format, section_slug, every_s, etag, last_modified, polled_at, "
    "last_error, taken, created_at FROM wire_feeds ORDER BY id"};
static const nz__pg_sql q_wire_remove = {"DELETE FROM wire_feeds WHERE id = $1 RETURNING 1"};
static const nz__pg_sql q_wire_polled = {
    "UPDATE wire_feeds SET etag = $2, last_modified = $3, polled_at = $4, last_error = $5, "
    "taken = $6 WHERE id = $1"};

nz_rc nz__pg_wire_feed_add(nz_store *s, nz_wire_feed *f, nz_err *err)
{
	nz__pg_params p = {0};
	f->created_at = nz_time_now();
	nz__pg_text(&p, f->url);
	nz__pg_text(&p, f->format);
	nz__pg_text(&p, f->section_slug);
	nz__pg_int64(&p, f->every_s);
	nz__pg_int64(&p, f->created_at);
	nz_rc rc = nz__pg_one_int(nz__pg_h(s), &q_wire_add, &p, &f->id, "wire", err);
	if (rc == NZ_EXISTS)
		return nz_err_set(err, rc, "wire %.200s: this feed is there already", f->url);
	return rc;
}

static nz_rc wire_row(nz_arena *arena, const PGresult *res, int r, void *item)
{
	nz_wire_feed *f = item;
	f->id = nz__pg_col_int(res, r, 0);
	f->every_s = nz__pg_col_int(res, r, 4);
	f->polled_at = nz__pg_col_int(res, r, 7);
	f->taken = nz__pg_col_int(res, r, 9);
	f->created_at = nz__pg_col_int(res, r, 10);
	return nz__pg_col_text(arena, res, r, 1, &f->url) ||
		       nz__pg_col_text(arena, res, r, 2, &f->format) ||
		       nz__pg_col_text(arena, res, r, 3, &f->section_slug) ||
		       nz__pg_col_text(arena, res, r, 5, &f->etag) ||
		       nz__pg_col_text(arena, res, r, 6, &f->last_modified) ||
		       nz__pg_col_text(arena, res, r, 8, &f->last_error)
		   ? NZ_NOMEM
		   : NZ_OK;
}

nz_rc nz__pg_wire_feed_list(nz_store *s, nz_arena *arena, nz_wire_feed **out, size_t *n,
			    nz_err *err)
{
	nz__pg_params p = {0};
	return nz__pg_collect(nz__pg_h(s), &q_wire_list, &p, "wires", sizeof(nz_wire_feed),
			      wire_row, arena, (void **)out, n, err);
}

nz_rc nz__pg_wire_feed_remove(nz_store *s, int64_t id, nz_err *err)
{
	nz__pg_params p = {0};
	PGresult *res;
	nz__pg_int64(&p, id);
	nz_rc rc = nz__pg_query(nz__pg_h(s), &q_wire_remove, &p, &res, "wire", err);
	if (rc)
		return rc;
	int gone = PQntuples(res);
	PQclear(res);
	return gone ? NZ_OK : nz_err_set(err, NZ_NOTFOUND, "no wire %lld", (long long)id);
}

nz_rc nz__pg_wire_feed_polled(nz_store *s, const nz_wire_feed *f, nz_err *err)
{
	nz__pg_params p = {0};
	nz__pg_int64(&p, f->id);
	nz__pg_text(&p, f->etag);
	nz__pg_text(&p, f->last_modified);
	nz__pg_int64(&p, f->polled_at);
	nz__pg_text(&p, f->last_error);
	nz__pg_int64(&p, f->taken);
	return nz__pg_run(nz__pg_h(s), &q_wire_polled, &p, "wire", err);
}
