/*
 * web/admin/api_articles: the admin JSON API's articles: list, create, read, save with a
 * revision check, workflow actions, corrections, revisions and restores; and the route table
 * of the whole admin API (media is in api_media.c; users, tokens and the audit log in
 * api_accounts.c).
 *
 * Rules: every handler first finds who is asking (bearer token, or a signed-in browser with
 * its CSRF header) and checks nz_can for the action on this article, on the server; the store
 * then checks the workflow. Errors are {"error":{"code","message"}} with the matching status.
 */
#include <string.h>

#include "web/admin/admin_int.h"

static const char *const changed_keys[] = {
    "headline",   "slug",     "language",          "section",   "highlights_intro",
    "highlights", "dateline", "body_markdown",     "copyright", "authors",
    "tags",       "media",    "translation_group", "status",
};

/* {"field","base","current"} for each field that changed between base and cur. */
static json_t *changes(nz__ctx *c, const nz_article *base, const nz_article *cur)
{
	json_t *arr = json_array();
	json_t *b = base ? nz__api_article(c, base) : NULL, *k = nz__api_article(c, cur);
	for (size_t i = 0; arr && b && k && i < sizeof changed_keys / sizeof changed_keys[0]; i++) {
		json_t *bv = json_object_get(b, changed_keys[i]);
		json_t *kv = json_object_get(k, changed_keys[i]);
		if (json_equal(bv, kv))
			continue;
		json_array_append_new(arr, json_pack("{s:s, s:O?, s:O?}", "field", changed_keys[i],
						     "base", bv, "current", kv));
	}
	json_decref(b);
	json_decref(k);
	return arr;
}

/* 409 with the article as it is now and what changed since the revision the client had. */
static void conflict(nz__ctx *c, int64_t id, int64_t base_revision, const nz_err *err)
{
	nz_article *cur = NULL, *base = NULL;
	nz_err e = {0};
	if (nz_store_article_by_id(c->store, c->req->arena, id, &cur, &e) != NZ_OK) {
		nz__api_fail(c, NZ_CONFLICT, err);
		return;
	}
	nz_store_revision_article(c->store, c->req->arena, id, base_revision, &base, &e);
	json_t *o = nz_json_error("conflict", err->msg);
	if (o) {
		json_object_set_new(o, "current", nz__api_article(c, cur));
		json_object_set_new(o, "revision", json_integer(cur->revision));
		json_object_set_new(o, "changes", changes(c, base, cur));
	}
	nz__send_json(c->resp, 409, o);
}

/* ---- list, create, read, save ------------------------------------------------------------ */

static void create(nz__ctx *c, const nz_route_match *m)
{
	(void)m;
	const nz_user *u = nz__auth_api_user(c);
	nz_article *a = NULL;
	nz_err err = {0};
	if (!u || !nz__auth_api_can(c, u, NZ_ACT_CREATE, NULL))
		return;
	json_t *body = nz__api_body(c, false);
	if (!body)
		return;
	if (!(a = nz_arena_zalloc(c->req->arena, sizeof *a))) {
		json_decref(body);
		nz__api_fail(c, NZ_NOMEM, NULL);
		return;
	}
	a->copyright = c->site.copyright;
	bool ok = nz__api_apply(c, body, a);
	const char *note = json_string_value(json_object_get(body, "note"));
	note = note ? nz_arena_strdup(c->req->arena, note) : "created";
	json_decref(body);
	if (!ok)
		return;
	a->status = NZ_STATUS_DRAFT;
	nz_app_save sv = {.actor = u->id, .a = a, .note = note};
	nz_rc rc = nz_app_article_save(c->store, c->req->arena, &sv, &err);
	if (rc) {
		nz__api_fail(c, rc, &err);
		return;
	}
	const char *loc =
	    nz_arena_printf(c->req->arena, "/api/v1/admin/articles/%lld", (long long)a->id);
	if (loc)
		nz_http_resp_header(c->resp, "Location", loc);
	nz__send_json(c->resp, 201, nz__api_article(c, a));
}

/* Article {id} when the API's user (into *u) may do act to it; otherwise answers (401, 404 or
 * 403) and returns NULL. */
static nz_article *article_for(nz__ctx *c, const nz_route_match *m, nz_action act,
			       const nz_user **u)
{
	int64_t id = (*u = nz__auth_api_user(c)) ? nz__api_id(c, m, "id") : 0;
	nz_article *a = id ? nz__api_load(c, *u, id) : NULL;
	return a && nz__auth_api_can(c, *u, act, a) ? a : NULL;
}

static void get(nz__ctx *c, const nz_route_match *m)
{
	const nz_user *u;
	nz_article *a = article_for(c, m, NZ_ACT_VIEW, &u);
	if (a)
		nz__send_json(c->resp, 200, nz__api_article(c, a));
}

static void patch(nz__ctx *c, const nz_route_match *m)
{
	const nz_user *u;
	nz_article *a = article_for(c, m, NZ_ACT_EDIT, &u);
	nz_err err = {0};
	if (!a)
		return;
	int64_t id = a->id;
	json_t *body = nz__api_body(c, false);
	if (!body)
		return;
	json_t *rev = json_object_get(body, "revision");
	if (!json_is_integer(rev) || json_integer_value(rev) < 1) {
		json_decref(body);
		nz__send_json_error(c->resp, 400, "invalid",
				    "revision: send the revision your change is based on (from the "
				    "article you read)");
		return;
	}
	int64_t base = json_integer_value(rev);
	bool ok = nz__api_apply(c, body, a);
	const char *note = json_string_value(json_object_get(body, "note"));
	note = note ? nz_arena_strdup(c->req->arena, note) : NULL;
	json_decref(body);
	if (!ok)
		return;
	nz_app_save sv = {.actor = u->id, .a = a, .base_revision = base, .note = note};
	nz_rc rc = nz_app_article_save(c->store, c->req->arena, &sv, &err);
	if (rc == NZ_CONFLICT)
		conflict(c, id, base, &err);
	else if (rc)
		nz__api_fail(c, rc, &err);
	else
		nz__send_json(c->resp, 200, nz__api_article(c, a));
}

/* ---- workflow ---------------------------------------------------------------------------- */

/* The time in body[key] (RFC 3339, or null when nullable: *t = 0). Answers 400 itself. */
static bool time_param(nz__ctx *c, json_t *body, const char *key, bool nullable, nz_time *t)
{
	json_t *v = json_object_get(body, key);
	*t = 0;
	if (nullable && (!v || json_is_null(v)))
		return true;
	if (!json_is_string(v) || nz_time_parse_rfc3339(nz_str_c(json_string_value(v)), t) ||
	    *t <= 0) {
		const char *msg = nz_arena_printf(c->req->arena,
						  "%s: an RFC 3339 time such as "
						  "2026-03-17T09:30:00Z is needed%s",
						  key, nullable ? " (or null)" : "");
		nz__send_json_error(c->resp, 400, "invalid", msg ? msg : "bad time");
		return false;
	}
	return true;
}

/* Runs one workflow event on article {id} with the body's parameters. */
static void run_event(nz__ctx *c, const nz_route_match *m, nz_event ev)
{
	const nz_user *u;
	nz_article *a = article_for(c, m, nz_event_action(ev), &u);
	nz_err err = {0};
	nz_time at = 0;
	nz_status to;
	if (!a)
		return;
	int64_t id = a->id;
	json_t *body = nz__api_body(c, true);
	if (!body)
		return;
	bool ok = (ev != NZ_EV_SCHEDULE || time_param(c, body, "at", false, &at)) &&
		  (ev != NZ_EV_EMBARGO || time_param(c, body, "until", true, &at));
	json_t *t = json_object_get(body, ev == NZ_EV_CORRECT ? "text" : "reason");
	const char *text =
	    json_is_string(t) ? nz_arena_strdup(c->req->arena, json_string_value(t)) : NULL;
	json_t *rev = json_object_get(body, "revision");
	int64_t base = json_is_integer(rev) ? json_integer_value(rev) : 0;
	json_decref(body);
	if (!ok)
		return;
	if (nz_workflow_next(a->status, ev, &to, &err) != NZ_OK) {
		nz__send_json_error(c->resp, 409, "invalid_transition", err.msg);
		return;
	}
	nz_article_transition tr = {u->id, id, ev, at, text, base};
	nz_rc rc = nz_store_article_transition(c->store, c->req->arena, &tr, &a, &err);
	if (rc == NZ_CONFLICT)
		conflict(c, id, base, &err);
	else if (rc)
		nz__api_fail(c, rc, &err);
	else
		nz__send_json(c->resp, ev == NZ_EV_CORRECT ? 201 : 200, nz__api_article(c, a));
}

static void action(nz__ctx *c, const nz_route_match *m)
{
	nz_str name = nz_route_param(m, "action");
	nz_event ev;
	if (nz_event_parse(name, &ev) != NZ_OK || ev == NZ_EV_EDIT || ev == NZ_EV_CORRECT) {
		nz__send_json_error(
		    c->resp, 404, "not_found",
		    "no such action (submit, return, publish, schedule, unschedule, "
		    "embargo, retract)");
		return;
	}
	run_event(c, m, ev);
}

static void correct(nz__ctx *c, const nz_route_match *m)
{
	run_event(c, m, NZ_EV_CORRECT);
}

/* ---- revisions --------------------------------------------------------------------------- */

static void revisions(nz__ctx *c, const nz_route_match *m)
{
	const nz_user *u = nz__auth_api_user(c);
	int64_t id = u ? nz__api_id(c, m, "id") : 0;
	nz_article *a = id ? nz__api_load(c, u, id) : NULL;
	nz_revision *revs = NULL;
	size_t n = 0;
	nz_err err = {0};
	char t[48];
	if (!a || !nz__auth_api_can(c, u, NZ_ACT_VIEW, a))
		return;
	nz_rc rc = nz_store_revision_list(c->store, c->req->arena, id, &revs, &n, &err);
	if (rc) {
		nz__api_fail(c, rc, &err);
		return;
	}
	json_t *arr = json_array();
	for (size_t i = 0; arr && i < n; i++)
		json_array_append_new(arr,
				      json_pack("{s:I, s:s?, s:s?, s:s}", "revision",
						(json_int_t)revs[i].revision, "user", revs[i].login,
						"note", revs[i].note, "created_at",
						nz_time_rfc3339(revs[i].created_at, t)));
	nz__send_json(c->resp, 200,
		      json_pack("{s:I, s:o}", "article_id", (json_int_t)id, "revisions", arr));
}

static void revision(nz__ctx *c, const nz_route_match *m)
{
	const nz_user *u = nz__auth_api_user(c);
	int64_t id = u ? nz__api_id(c, m, "id") : 0;
	int64_t rev = id ? nz__api_id(c, m, "rev") : 0;
	nz_article *a = rev ? nz__api_load(c, u, id) : NULL, *old = NULL;
	nz_err err = {0};
	if (!a || !nz__auth_api_can(c, u, NZ_ACT_VIEW, a))
		return;
	nz_rc rc = nz_store_revision_article(c->store, c->req->arena, id, rev, &old, &err);
	if (rc)
		nz__api_fail(c, rc, &err);
	else
		nz__send_json(c->resp, 200, nz__api_article(c, old));
}

static void restore(nz__ctx *c, const nz_route_match *m)
{
	const nz_user *u = nz__auth_api_user(c);
	int64_t id = u ? nz__api_id(c, m, "id") : 0;
	int64_t rev = id ? nz__api_id(c, m, "rev") : 0;
	nz_article *a = rev ? nz__api_load(c, u, id) : NULL;
	nz_err err = {0};
	if (!a || !nz__auth_api_can(c, u, NZ_ACT_EDIT, a))
		return;
	json_t *body = nz__api_body(c, true);
	if (!body)
		return;
	json_t *r = json_object_get(body, "revision");
	int64_t base = json_is_integer(r) ? json_integer_value(r) : a->revision;
	json_decref(body);
	nz_article_restore restore = {u->id, id, rev, base};
	nz_rc rc = nz_store_article_restore(c->store, c->req->arena, &restore, &a, &err);
	if (rc == NZ_CONFLICT)
		conflict(c, id, base, &err);
	else if (rc)
		nz__api_fail(c, rc, &err);
	else
		nz__send_json(c->resp, 200, nz__api_article(c, a));
}

const nz__route_entry nz__admin_api_routes[] = {
    {"GET", "/api/v1/admin/me", nz__api_me},
    {"GET", "/api/v1/admin/articles", nz__desk_api_list},
    {"POST", "/api/v1/admin/articles", create},
    {"POST", "/api/v1/admin/articles/bulk", nz__desk_bulk_api},
    {"GET", "/api/v1/admin/articles/{id}", get},
    {"PATCH", "/api/v1/admin/articles/{id}", patch},
    {"GET", "/api/v1/admin/articles/{id}/revisions", revisions},
    {"GET", "/api/v1/admin/articles/{id}/revisions/{rev}", revision},
    {"POST", "/api/v1/admin/articles/{id}/revisions/{rev}/restore", restore},
    {"POST", "/api/v1/admin/articles/{id}/corrections", correct},
    {"POST", "/api/v1/admin/articles/{id}/{action}", action},
    {"GET", "/api/v1/admin/media", nz__api_media_list},
    {"POST", "/api/v1/admin/media", nz__api_media_upload},
    {"GET", "/api/v1/admin/media/{id}", nz__api_media_get},
    {"PATCH", "/api/v1/admin/media/{id}", nz__api_media_patch},
    {"DELETE", "/api/v1/admin/media/{id}", nz__api_media_delete},
    {"GET", "/api/v1/admin/users", nz__api_users},
    {"POST", "/api/v1/admin/users", nz__api_user_create},
    {"PATCH", "/api/v1/admin/users/{id}", nz__api_user_update},
    {"GET", "/api/v1/admin/tokens", nz__api_tokens},
    {"POST", "/api/v1/admin/tokens", nz__api_token_create},
    {"POST", "/api/v1/admin/tokens/{id}/revoke", nz__api_token_revoke},
    {"GET", "/api/v1/admin/audit", nz__api_audit},
    {"GET", "/api/v1/admin/settings", nz__api_settings_get},
    {"PATCH", "/api/v1/admin/settings", nz__api_settings_patch},
    {NULL, NULL, NULL},
};
