/*
 * web/admin/redirects: the back office's old addresses (admins only): every address that
 * answers 301, both those an import or an admin added and the earlier slugs of published
 * articles (kept when an editor changes a slug), filtered by how they start; add one, remove
 * one. Lookups happen in web/redirects.c.
 *   GET  /admin/redirects?q=/2015/        the page (at most LIST_MAX rows)
 *   POST /admin/redirects                 from, to → 303 /admin/redirects?done=redirect-added
 *   POST /admin/redirects/delete          path → 303 /admin/redirects?done=redirect-removed
 */
#include <string.h>

#include "app/app.h"
#include "web/admin/admin_int.h"

#define LIST_MAX 500

static json_t *rows_json(const nz_admin_ctx *ac, const nz_url_redirect *r, size_t n)
{
	json_t *rows = json_array();
	for (size_t i = 0; rows && i < n; i++) {
		json_t *row = json_pack("{s:s, s:s, s:b, s:o}", "path", r[i].path, "target",
					r[i].target, "slug_change", r[i].slug_change, "created",
					nz_view_admin_time(ac, r[i].created_at));
		if (!row || json_array_append_new(rows, row) != 0) {
			json_decref(rows);
			return NULL;
		}
	}
	return rows;
}

static void page(nz__ctx *c, const nz_user *me, int status, const char *error, const char *from,
		 const char *to)
{
	nz_admin_ctx ac;
	nz_url_redirect *rows = NULL;
	size_t n = 0;
	nz_err err = {0};
	const char *q = nz_http_query(c->req, "q");
	nz_rc rc = nz_store_url_redirect_list(c->store, c->req->arena, q ? q : "", LIST_MAX, &rows,
					      &n, &err);
	if (rc) {
		nz__admin_fail(c, "listing redirects", rc, &err);
		return;
	}
	nz__admin_ctx(c, me, "redirects", &ac);
	const char *done = nz_http_query(c->req, "done");
	if (done && strcmp(done, "redirect-added") == 0)
		ac.flash = "The redirect was added.";
	else if (done && strcmp(done, "redirect-removed") == 0)
		ac.flash = "The redirect was removed: that address now answers 404.";
	json_t *view = nz_view_admin(&ac, "Redirects");
	json_t *r = json_pack(
	    "{s:o, s:b, s:b, s:o, s:o, s:o, s:o}", "rows", rows_json(&ac, rows, n), "has_rows",
	    n > 0, "more", n == LIST_MAX, "q", q ? json_string(q) : json_null(), "from",
	    from ? json_string(from) : json_null(), "to", to ? json_string(to) : json_null(),
	    "error", error ? json_string(error) : json_null());
	if (!view || !r || json_object_set_new(view, "redirects", r) != 0) {
		json_decref(view);
		nz__admin_error(c, 503, NULL);
		return;
	}
	nz__admin_send(c, status, "admin-redirects", view);
}

static void show(nz__ctx *c, const nz_route_match *m)
{
	(void)m;
	const nz_user *me = nz__auth_require(c, NZ_ACT_MANAGE_SITE, NULL);
	if (me)
		page(c, me, 200, NULL, NULL, NULL);
}

static void add(nz__ctx *c, const nz_route_match *m)
{
	(void)m;
	nz_http_form form;
	nz_err err = {0};
	const nz_user *me = nz__auth_require(c, NZ_ACT_MANAGE_SITE, NULL);
	if (!me || !nz__admin_form(c, &form))
		return;
	nz_arena *ar = c->req->arena;
	const char *from = nz_arena_str(ar, nz_str_trim(nz_str_c(nz_http_form_get(&form, "from"))));
	const char *to = nz_arena_str(ar, nz_str_trim(nz_str_c(nz_http_form_get(&form, "to"))));
	nz_rc rc = from && to ? nz_app_redirect_add(c->store, ar, from, to, true, &err)
			      : nz_err_set(&err, NZ_NOMEM, "out of memory");
	if (rc == NZ_INVAL) {
		const char *msg = nz_arena_printf(ar, "The redirect was not added: %s.", err.msg);
		page(c, me, 422, msg ? msg : "The redirect was not added.", from, to);
	} else if (rc != NZ_OK) {
		nz__admin_fail(c, "adding a redirect", rc, &err);
	} else {
		nz__redirect(c, "/admin/redirects?done=redirect-added");
	}
}

static void remove_one(nz__ctx *c, const nz_route_match *m)
{
	(void)m;
	nz_http_form form;
	nz_err err = {0};
	const nz_user *me = nz__auth_require(c, NZ_ACT_MANAGE_SITE, NULL);
	if (!me || !nz__admin_form(c, &form))
		return;
	const char *path = nz_http_form_get(&form, "path");
	nz_rc rc = path ? nz_store_url_redirect_delete(c->store, path, &err) : NZ_NOTFOUND;
	if (rc == NZ_NOTFOUND)
		nz__admin_error(c, 404, "There is no such redirect.");
	else if (rc != NZ_OK)
		nz__admin_fail(c, "removing a redirect", rc, &err);
	else
		nz__redirect(c, "/admin/redirects?done=redirect-removed");
}

const nz__route_entry nz__admin_redirect_routes[] = {
    {"GET", "/admin/redirects", show},
    {"POST", "/admin/redirects", add},
    {"POST", "/admin/redirects/delete", remove_one},
    {NULL, NULL, NULL},
};
