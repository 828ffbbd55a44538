/*
 * web/admin/api_front: the admin JSON API of the front layouts (docs/front-page.md):
 *   GET    /api/v1/admin/front[/{section}]?lang=   the layout in force and the scheduled ones
 *   PUT    /api/v1/admin/front[/{section}]         {"language"?, "starts_at"?: RFC 3339|null,
 *                                                  "slots": [{"article": id|slug,
 *                                                  "headline"?: text|null}]} → 200 + the front
 *   DELETE /api/v1/admin/front-layouts/{id}        cancels a layout → {"deleted": id}
 * A layout without starts_at (or one in the past) is in force at once; the page cache and the
 * static export follow through the change feed. Editors and admins only.
 */
#include "web/admin/admin_int.h"

/* The signed-in user who may arrange fronts, or NULL after answering 401/403. */
static const nz_user *editor(nz__ctx *c)
{
	const nz_user *u = nz__auth_api_user(c);
	return u && nz__auth_api_can(c, u, NZ_ACT_PUBLISH, NULL) ? u : NULL;
}

static const char *section_of(nz__ctx *c, const nz_route_match *m)
{
	nz_str s = nz_route_param(m, "section");
	return s.len ? nz_arena_str(c->req->arena, s) : NULL;
}

static void answer(nz__ctx *c, nz__front *f)
{
	nz_err err = {0};
	nz_rc rc = nz__front_load(c, f, &err);
	if (rc) {
		nz__api_fail(c, rc, &err);
		return;
	}
	json_t *v = nz__front_json(c, f);
	if (!v)
		nz__send_json_error(c->resp, 503, "unavailable", "out of memory");
	else
		nz__send_json(c->resp, 200, v);
}

static void get(nz__ctx *c, const nz_route_match *m)
{
	nz__front f;
	if (editor(c) &&
	    nz__front_target(c, section_of(c, m), nz_http_query(c->req, "lang"), &f, false))
		answer(c, &f);
}

/* Reads body into l; false after answering 400. */
static bool parse(nz__ctx *c, json_t *body, nz_front_layout *l)
{
	const char *bad = NULL;
	json_t *at = json_object_get(body, "starts_at"), *slots = json_object_get(body, "slots");
	l->starts_at = nz_time_now();
	if (at && !json_is_null(at)) {
		nz_time t;
		if (!json_is_string(at) ||
		    nz_time_parse_rfc3339(nz_str_c(json_string_value(at)), &t) != NZ_OK)
			bad = "starts_at: an RFC 3339 time or null";
		else if (t > l->starts_at)
			l->starts_at = t;
	}
	if (!bad && !json_is_array(slots))
		bad = "slots: a list of {\"article\": id or slug, \"headline\": text or null}";
	for (size_t i = 0; !bad && i < json_array_size(slots); i++) {
		json_t *s = json_array_get(slots, i), *a = json_object_get(s, "article"),
		       *h = json_object_get(s, "headline");
		char id[32];
		const char *name = json_is_string(a) ? json_string_value(a) : NULL;
		if (json_is_integer(a)) {
			snprintf(id, sizeof id, "%lld", (long long)json_integer_value(a));
			name = id;
		}
		if (!name || (h && !json_is_null(h) && !json_is_string(h)))
			bad = nz_arena_printf(c->req->arena,
					      "slots[%zu]: article must be an id or a slug, "
					      "headline a string or null",
					      i);
		else
			bad = nz__front_resolve(
			    c, name, json_is_string(h) ? json_string_value(h) : NULL, i, l);
	}
	if (bad)
		nz__send_json_error(c->resp, 400, "invalid", bad);
	return !bad;
}

static void put(nz__ctx *c, const nz_route_match *m)
{
	const nz_user *u = editor(c);
	json_t *body = u ? nz__api_body(c, false) : NULL;
	nz__front f;
	nz_front_layout l = {0};
	nz_err err = {0};
	if (!body)
		return;
	json_t *lang = json_object_get(body, "language");
	bool ok = nz__front_target(c, section_of(c, m),
				   json_is_string(lang)
				       ? nz_arena_strdup(c->req->arena, json_string_value(lang))
				       : nz_http_query(c->req, "lang"),
				   &f, false) &&
		  parse(c, body, &l);
	json_decref(body);
	if (!ok)
		return;
	l.language = f.language;
	l.section_id = f.section ? f.section->id : 0;
	nz_rc rc = nz_store_front_layout_save(c->store, &l, nz_time_now(), u->id, &err);
	if (rc)
		nz__api_fail(c, rc, &err);
	else
		answer(c, &f);
}

static void cancel(nz__ctx *c, const nz_route_match *m)
{
	nz_err err = {0};
	int64_t id = editor(c) ? nz__api_id(c, m, "id") : 0;
	if (!id)
		return;
	nz_rc rc = nz_store_front_layout_delete(c->store, id, &err);
	if (rc)
		nz__api_fail(c, rc, &err);
	else
		nz__send_json(c->resp, 200, json_pack("{s:I}", "deleted", (json_int_t)id));
}

const nz__route_entry nz__admin_front_api_routes[] = {
    {"GET", "/api/v1/admin/front", get},
    {"PUT", "/api/v1/admin/front", put},
    {"GET", "/api/v1/admin/front/{section}", get},
    {"PUT", "/api/v1/admin/front/{section}", put},
    {"DELETE", "/api/v1/admin/front-layouts/{id}", cancel},
    {NULL, NULL, NULL},
};
