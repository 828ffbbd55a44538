/*
 * web/admin/api_pages: the admin JSON API of the static pages (docs/pages.md): create
 * (POST /api/v1/admin/pages), read with its revision (GET .../{id}), save an edit based on the
 * revision it was made from (PATCH .../{id}; 409 when someone saved in between), and list the
 * revisions (GET .../{id}/revisions). Pages are public once saved, so the right needed is the
 * right to publish (editors and admins). The checks themselves are app/static_page.c's.
 */
#include <stdlib.h>

#include "app/app.h"
#include "web/admin/admin_int.h"

/* The signed-in user who may write pages, or NULL after answering 401/403. */
static const nz_user *writer(nz__ctx *c)
{
	const nz_user *u = nz__auth_api_user(c);
	return u && nz__auth_api_can(c, u, NZ_ACT_PUBLISH, NULL) ? u : NULL;
}

/* A string field of body copied into the request's arena; keep when absent. */
static const char *field(nz__ctx *c, json_t *body, const char *key, const char *keep)
{
	json_t *v = json_object_get(body, key);
	if (!v)
		return keep;
	if (json_is_null(v))
		return NULL;
	return json_is_string(v) ? nz_arena_strdup(c->req->arena, json_string_value(v)) : keep;
}

/* Merges body's "translations" into p's: each language given replaces that version (null
 * removes it); "translations": null removes them all. The app checks the versions on save. */
static bool translations(nz__ctx *c, json_t *v, nz_static_page *p)
{
	if (!v)
		return true;
	if (!json_is_object(v) && !json_is_null(v)) {
		nz__send_json_error(c->resp, 400, "invalid",
				    "translations must be an object of versions by language, or "
				    "null");
		return false;
	}
	json_t *all = p->translations && !json_is_null(v) ? json_loads(p->translations, 0, NULL)
							  : json_object();
	const char *lang;
	json_t *one;
	json_object_foreach(v, lang, one)
	{
		if (all && json_is_null(one))
			json_object_del(all, lang);
		else if (all)
			json_object_set(all, lang, one);
	}
	char *text = all ? json_dumps(all, JSON_COMPACT) : NULL;
	p->translations = text ? nz_arena_strdup(c->req->arena, text) : NULL;
	free(text);
	json_decref(all);
	return true;
}

/* Applies body's fields to p; false after answering 400 for a field of the wrong type. */
static bool apply(nz__ctx *c, json_t *body, nz_static_page *p)
{
	static const char *const strings[] = {"title", "slug", "body_markdown"};
	for (size_t i = 0; i < sizeof strings / sizeof strings[0]; i++) {
		json_t *v = json_object_get(body, strings[i]);
		if (v && !json_is_string(v)) {
			nz__send_json_error(c->resp, 400, "invalid", "a field must be a string");
			return false;
		}
	}
	json_t *role = json_object_get(body, "role"), *pos = json_object_get(body, "position");
	if ((role && !json_is_string(role) && !json_is_null(role)) ||
	    (pos && !json_is_integer(pos))) {
		nz__send_json_error(c->resp, 400, "invalid",
				    "role must be a string or null, position a whole number");
		return false;
	}
	p->title = field(c, body, "title", p->title);
	p->slug = field(c, body, "slug", p->slug);
	p->body_markdown = field(c, body, "body_markdown", p->body_markdown);
	p->role = field(c, body, "role", p->role);
	if (pos)
		p->position = json_integer_value(pos);
	return translations(c, json_object_get(body, "translations"), p);
}

static void save(nz__ctx *c, const nz_user *u, json_t *body, nz_static_page *p, int status)
{
	nz_err err = {0};
	bool ok = apply(c, body, p);
	json_decref(body);
	if (!ok)
		return;
	nz_rc rc = nz_app_static_page_save(c->store, c->req->arena, p, u->id, NULL, &err);
	if (rc) {
		nz__api_fail(c, rc, &err);
		return;
	}
	nz__send_json(c->resp, status, nz_json_static_page(&c->site, p));
}

static void create(nz__ctx *c, const nz_route_match *m)
{
	(void)m;
	const nz_user *u = writer(c);
	json_t *body = u ? nz__api_body(c, false) : NULL;
	nz_static_page p = {0};
	if (body)
		save(c, u, body, &p, 201);
}

/* The page of the {id} capture, or false after answering 404. */
static bool load(nz__ctx *c, const nz_route_match *m, nz_static_page *p)
{
	nz_err err = {0};
	int64_t id = nz__api_id(c, m, "id");
	if (!id)
		return false;
	nz_rc rc = nz_store_static_page_get(c->store, c->req->arena, NULL, id, p, &err);
	if (rc)
		nz__api_fail(c, rc, &err);
	return rc == NZ_OK;
}

static void get(nz__ctx *c, const nz_route_match *m)
{
	nz_static_page p;
	if (writer(c) && load(c, m, &p))
		nz__send_json(c->resp, 200, nz_json_static_page(&c->site, &p));
}

static void patch(nz__ctx *c, const nz_route_match *m)
{
	const nz_user *u = writer(c);
	nz_static_page p;
	if (!u || !load(c, m, &p))
		return;
	json_t *body = nz__api_body(c, false);
	if (!body)
		return;
	json_t *rev = json_object_get(body, "revision");
	if (!json_is_integer(rev)) {
		json_decref(body);
		nz__send_json_error(c->resp, 400, "invalid",
				    "revision: the revision this edit is based on is required");
		return;
	}
	p.revision = json_integer_value(rev);
	save(c, u, body, &p, 200);
}

static void revisions(nz__ctx *c, const nz_route_match *m)
{
	nz_static_page p;
	nz_static_page_revision *r = NULL;
	size_t n = 0;
	nz_err err = {0};
	char t[48];
	if (!writer(c) || !load(c, m, &p))
		return;
	nz_rc rc = nz_store_static_page_revisions(c->store, c->req->arena, p.id, &r, &n, &err);
	if (rc) {
		nz__api_fail(c, rc, &err);
		return;
	}
	json_t *arr = json_array();
	for (size_t i = 0; arr && i < n; i++)
		json_array_append_new(
		    arr, json_pack("{s:I, s:s, s:s, s:s, s:s?, s:I, s:s}", "revision",
				   (json_int_t)r[i].revision, "slug", r[i].slug, "title",
				   r[i].title, "body_markdown", r[i].body_markdown, "role",
				   r[i].role, "actor", (json_int_t)r[i].actor, "saved_at",
				   nz_time_rfc3339(r[i].saved_at, t)));
	nz__send_json(c->resp, 200,
		      json_pack("{s:I, s:o}", "page_id", (json_int_t)p.id, "revisions", arr));
}

const nz__route_entry nz__admin_page_api_routes[] = {
    {"POST", "/api/v1/admin/pages", create},
    {"GET", "/api/v1/admin/pages/{id}", get},
    {"PATCH", "/api/v1/admin/pages/{id}", patch},
    {"GET", "/api/v1/admin/pages/{id}/revisions", revisions},
    {NULL, NULL, NULL},
};
