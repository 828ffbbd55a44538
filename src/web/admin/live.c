/*
 * web/admin/live: live coverage of an article (docs/live-coverage.md), for editors and admins
 * (an update is public as soon as it is posted, so the right needed is the right to publish).
 * The back office's page of an article's coverage:
 *   GET  /admin/articles/{id}/live                    the coverage, its updates, the forms
 *   POST /admin/articles/{id}/live                    start=1 / end=1 → 303
 *   POST /admin/articles/{id}/updates                 a new update → 303 (422 with the text)
 *   POST /admin/articles/{id}/updates/{uid}           edit (text, pinned) from its revision →
 *                                                     303, or the page again (409, 422)
 *   POST /admin/articles/{id}/updates/{uid}/delete    → 303
 * and the admin API:
 *   GET    /api/v1/admin/articles/{id}/live           the coverage (nz_json_live)
 *   PUT    /api/v1/admin/articles/{id}/live           {"live": true|false}
 *   POST   /api/v1/admin/articles/{id}/updates        {"body_markdown", "pinned"?, "kind"?,
 *                                                     "media_id"?, "quote"?, "attribution"?}
 *                                                     → 201
 *   PATCH  /api/v1/admin/articles/{id}/updates/{uid}  {"revision", "body_markdown"?,
 *                                                     "pinned"?} → 200 (409 when stale)
 *   DELETE /api/v1/admin/articles/{id}/updates/{uid}  → 204
 * The checks are app/live.c's; every write reaches the public page through the change feed.
 */
#include <stdlib.h>
#include <string.h>

#include "app/app.h"
#include "web/admin/admin_int.h"

/* ---- the admin API ---- */

/* The article of {id} when the API user may publish it; NULL after answering. */
static nz_article *api_article(nz__ctx *c, const nz_route_match *m, const nz_user **u)
{
	*u = nz__auth_api_user(c);
	int64_t id = *u ? nz__api_id(c, m, "id") : 0;
	nz_article *a = id ? nz__api_load(c, *u, id) : NULL;
	return a && nz__auth_api_can(c, *u, NZ_ACT_PUBLISH, a) ? a : NULL;
}

/* Answers the coverage of a with status. */
static void send_live(nz__ctx *c, int status, int64_t article_id)
{
	nz_live live;
	nz_err err = {0};
	nz_rc rc = nz_store_live_get(c->store, c->req->arena, article_id, &live, &err);
	if (rc)
		nz__api_fail(c, rc, &err);
	else
		nz__send_json(c->resp, status, nz_json_live(article_id, &live));
}

static void api_get(nz__ctx *c, const nz_route_match *m)
{
	const nz_user *u;
	nz_article *a = api_article(c, m, &u);
	if (a)
		send_live(c, 200, a->id);
}

static void api_set(nz__ctx *c, const nz_route_match *m)
{
	const nz_user *u;
	nz_err err = {0};
	nz_article *a = api_article(c, m, &u);
	json_t *body = a ? nz__api_body(c, false) : NULL;
	if (!body)
		return;
	json_t *live = json_object_get(body, "live");
	bool on = json_is_true(live);
	bool ok = json_is_boolean(live);
	json_decref(body);
	if (!ok) {
		nz__send_json_error(c->resp, 400, "invalid", "live: true or false is required");
		return;
	}
	nz_rc rc = nz_app_live_set(c->store, c->req->arena, a->id, on, u->id, &err);
	if (rc)
		nz__api_fail(c, rc, &err);
	else
		send_live(c, 200, a->id);
}

/* A string field of body copied into arena (*out kept when absent); false when not a string. */
static bool api_text(nz__ctx *c, json_t *body, const char *key, const char **out)
{
	json_t *v = json_object_get(body, key);
	if (!v || json_is_null(v))
		return true;
	if (!json_is_string(v))
		return false;
	*out = nz_arena_strdup(c->req->arena, json_string_value(v));
	return *out != NULL;
}

/* Applies body's body_markdown, pinned, kind, media_id, quote and attribution to up; false after
 * answering 400. The kind's own checks are nz_app_live_update_save's. */
static bool api_fields(nz__ctx *c, json_t *body, nz_live_update *up)
{
	json_t *pinned = json_object_get(body, "pinned");
	json_t *media = json_object_get(body, "media_id");
	if (!api_text(c, body, "body_markdown", &up->body_markdown) ||
	    !api_text(c, body, "kind", &up->kind) || !api_text(c, body, "quote", &up->quote) ||
	    !api_text(c, body, "attribution", &up->attribution) ||
	    (pinned && !json_is_boolean(pinned)) ||
	    (media && !json_is_null(media) && !json_is_integer(media))) {
		nz__send_json_error(c->resp, 400, "invalid",
				    "body_markdown, kind, quote and attribution must be strings, "
				    "pinned true or false, media_id a number");
		return false;
	}
	if (pinned)
		up->pinned = json_is_true(pinned);
	if (media)
		up->media_id = json_is_integer(media) ? json_integer_value(media) : 0;
	return true;
}

static void api_save(nz__ctx *c, nz_live_update *up, const nz_user *u, int status)
{
	nz_err err = {0};
	nz_rc rc = nz_app_live_update_save(c->store, c->req->arena, up, u->id, &err);
	if (rc) {
		nz__api_fail(c, rc, &err);
		return;
	}
	nz_live one = {.updates = up, .n_updates = 1};
	json_t *all = nz_json_live(up->article_id, &one);
	json_t *item = all ? json_incref(json_array_get(json_object_get(all, "updates"), 0)) : NULL;
	json_decref(all);
	nz__send_json(c->resp, status, item);
}

static void api_add(nz__ctx *c, const nz_route_match *m)
{
	const nz_user *u;
	nz_article *a = api_article(c, m, &u);
	json_t *body = a ? nz__api_body(c, false) : NULL;
	nz_live_update up = {0};
	if (!body)
		return;
	up.article_id = a->id;
	bool ok = api_fields(c, body, &up);
	json_decref(body);
	if (ok)
		api_save(c, &up, u, 201);
}

/* Update {uid} of article a as stored, or false after answering 404. */
static bool api_update(nz__ctx *c, const nz_route_match *m, const nz_article *a,
		       nz_live_update *out)
{
	int64_t uid = nz__api_id(c, m, "uid");
	nz_live live;
	nz_err err = {0};
	if (!uid)
		return false;
	nz_rc rc = nz_store_live_get(c->store, c->req->arena, a->id, &live, &err);
	for (size_t i = 0; rc == NZ_OK && i < live.n_updates; i++)
		if (live.updates[i].id == uid) {
			*out = live.updates[i];
			return true;
		}
	if (rc)
		nz__api_fail(c, rc, &err);
	else
		nz__send_json_error(c->resp, 404, "not_found", "no such update of this article");
	return false;
}

static void api_edit(nz__ctx *c, const nz_route_match *m)
{
	const nz_user *u;
	nz_live_update up;
	nz_article *a = api_article(c, m, &u);
	if (!a || !api_update(c, m, a, &up))
		return;
	json_t *body = nz__api_body(c, false);
	if (!body)
		return;
	json_t *rev = json_object_get(body, "revision");
	bool ok = json_is_integer(rev);
	if (!ok)
		nz__send_json_error(c->resp, 400, "invalid",
				    "revision: the revision this edit is based on is required");
	else
		up.revision = json_integer_value(rev);
	ok = ok && api_fields(c, body, &up);
	json_decref(body);
	if (ok)
		api_save(c, &up, u, 200);
}

static void api_delete(nz__ctx *c, const nz_route_match *m)
{
	const nz_user *u;
	nz_err err = {0};
	nz_article *a = api_article(c, m, &u);
	int64_t uid = a ? nz__api_id(c, m, "uid") : 0;
	if (!uid)
		return;
	nz_rc rc = nz_app_live_update_delete(c->store, a->id, uid, u->id, &err);
	if (rc)
		nz__api_fail(c, rc, &err);
	else
		c->resp->status = 204;
}

/* ---- the back office's page ---- */

static const char *const done_messages[][2] = {
    {"started", "The live coverage started: the article shows the Live badge."},
    {"ended", "The live coverage ended; its updates stay on the article."},
    {"posted", "The update is on the article."},
    {"saved", "The update was saved."},
    {"deleted", "The update was deleted."},
};

static json_t *updates_json(const nz_admin_ctx *ac, const nz_live *live)
{
	json_t *arr = json_array();
	for (size_t i = 0; arr && i < live->n_updates; i++) {
		const nz_live_update *u = &live->updates[i];
		if (json_array_append_new(
			arr, json_pack("{s:I, s:I, s:s, s:b, s:o, s:s, s:s?, s:s?}", "id",
				       (json_int_t)u->id, "revision", (json_int_t)u->revision,
				       "body_markdown", u->body_markdown, "pinned", u->pinned,
				       "posted", nz_view_admin_time(ac, u->created_at), "kind",
				       u->kind ? u->kind : "text", "quote", u->quote, "attribution",
				       u->attribution))) {
			json_decref(arr);
			return NULL;
		}
	}
	return arr;
}

/* The page of a's coverage (status 200, or 409/422 with error and the text kept in draft). */
static void page(nz__ctx *c, const nz_user *me, const nz_article *a, int status, const char *error,
		 const char *draft)
{
	nz_admin_ctx ac;
	nz_live live;
	nz_err err = {0};
	nz_rc rc = nz_store_live_get(c->store, c->req->arena, a->id, &live, &err);
	if (rc) {
		nz__admin_fail(c, "reading live coverage", rc, &err);
		return;
	}
	nz__admin_ctx(c, me, "articles", &ac);
	const char *done = nz_http_query(c->req, "done");
	for (size_t i = 0; done && !error && i < sizeof done_messages / sizeof *done_messages; i++)
		if (strcmp(done, done_messages[i][0]) == 0)
			ac.flash = done_messages[i][1];
	json_t *view = nz_view_admin(&ac, "Live coverage");
	bool public = a->status == NZ_STATUS_PUBLISHED;
	json_t *l = json_pack(
	    "{s:I, s:s, s:b, s:b, s:b, s:o, s:o, s:o, s:s?, s:s?, s:s?}", "article_id",
	    (json_int_t)a->id, "headline", a->headline ? a->headline : "", "live",
	    live.started_at && !live.ended_at, "ended", live.ended_at != 0, "published", public,
	    "started", nz_view_admin_time(&ac, live.started_at), "ended_at",
	    nz_view_admin_time(&ac, live.ended_at), "updates", updates_json(&ac, &live), "error",
	    error, "draft", draft, "url", public ? nz_url_article(c->req->arena, a->slug) : NULL);
	if (!view || !l || json_object_set_new(view, "live", l) != 0) {
		json_decref(view);
		nz__admin_error(c, 503, NULL);
		return;
	}
	nz__admin_send(c, status, "admin-live", view);
}

static bool page_article(nz__ctx *c, const nz_route_match *m, const nz_user **u, nz_article **a)
{
	int64_t id = nz__admin_id(nz_route_param(m, "id"));
	if (!id) {
		nz__admin_error(c, 404, "There is no such article.");
		return false;
	}
	return nz__admin_article(c, id, NZ_ACT_PUBLISH, u, a);
}

static void done(nz__ctx *c, const nz_article *a, const char *code)
{
	nz__admin_done(
	    c, nz_arena_printf(c->req->arena, "/admin/articles/%lld/live", (long long)a->id), code);
}

static void show(nz__ctx *c, const nz_route_match *m)
{
	const nz_user *u;
	nz_article *a;
	if (page_article(c, m, &u, &a))
		page(c, u, a, 200, NULL, NULL);
}

static void set(nz__ctx *c, const nz_route_match *m)
{
	const nz_user *u;
	nz_article *a;
	nz_http_form form;
	nz_err err = {0};
	if (!page_article(c, m, &u, &a) || !nz__admin_form(c, &form))
		return;
	bool on = nz_http_form_get(&form, "start") != NULL;
	nz_rc rc = nz_app_live_set(c->store, c->req->arena, a->id, on, u->id, &err);
	if (rc)
		nz__admin_fail(c, "starting or ending live coverage", rc, &err);
	else
		done(c, a, on ? "started" : "ended");
}

/* Saves up from the form and answers (a refused text: the page again with it). */
static void save_form(nz__ctx *c, const nz_user *u, const nz_article *a, nz_live_update *up)
{
	nz_err err = {0};
	bool is_new = up->id == 0;
	nz_rc rc = nz_app_live_update_save(c->store, c->req->arena, up, u->id, &err);
	if (rc == NZ_INVAL || rc == NZ_UTF8 || rc == NZ_TOOBIG || rc == NZ_CONFLICT ||
	    rc == NZ_NOTFOUND)
		page(c, u, a,
		     rc == NZ_CONFLICT   ? 409
		     : rc == NZ_NOTFOUND ? 404
					 : 422,
		     nz_arena_printf(c->req->arena, "Not saved: %s.", err.msg),
		     is_new ? up->body_markdown : NULL);
	else if (rc)
		nz__admin_fail(c, "saving a live update", rc, &err);
	else
		done(c, a, is_new ? "posted" : "saved");
}

/* A new update (uid 0) or an edit of update uid from the form. */
static void form_update(nz__ctx *c, const nz_route_match *m, bool edit)
{
	const nz_user *u;
	nz_article *a;
	nz_http_form form;
	if (!page_article(c, m, &u, &a) || !nz__admin_form(c, &form))
		return;
	const char *rev = nz_http_form_get(&form, "revision");
	const char *media = nz_http_form_get(&form, "media_id");
	/* a new update's kind and its fields (an edit keeps them: the form has text and pin) */
	nz_live_update up = {.id = edit ? nz__admin_id(nz_route_param(m, "uid")) : 0,
			     .article_id = a->id,
			     .revision = edit && rev ? strtoll(rev, NULL, 10) : 0,
			     .body_markdown = nz_http_form_get(&form, "body_markdown"),
			     .pinned = nz_http_form_get(&form, "pinned") != NULL};
	if (!edit) {
		up.kind = nz_http_form_get(&form, "kind");
		up.media_id = media ? nz__admin_id(nz_str_c(media)) : 0;
		up.quote = nz_http_form_get(&form, "quote");
		up.attribution = nz_http_form_get(&form, "attribution");
	}
	if (edit && !up.id)
		nz__admin_error(c, 404, "There is no such update.");
	else
		save_form(c, u, a, &up);
}

static void add(nz__ctx *c, const nz_route_match *m)
{
	form_update(c, m, false);
}

static void edit(nz__ctx *c, const nz_route_match *m)
{
	form_update(c, m, true);
}

static void delete (nz__ctx *c, const nz_route_match *m)
{
	const nz_user *u;
	nz_article *a;
	nz_http_form form;
	nz_err err = {0};
	if (!page_article(c, m, &u, &a) || !nz__admin_form(c, &form))
		return;
	int64_t uid = nz__admin_id(nz_route_param(m, "uid"));
	nz_rc rc = nz_app_live_update_delete(c->store, a->id, uid, u->id, &err);
	if (rc == NZ_NOTFOUND)
		nz__admin_error(c, 404, "There is no such update.");
	else if (rc)
		nz__admin_fail(c, "deleting a live update", rc, &err);
	else
		done(c, a, "deleted");
}

const nz__route_entry nz__admin_live_routes[] = {
    {"GET", "/admin/articles/{id}/live", show},
    {"POST", "/admin/articles/{id}/live", set},
    {"POST", "/admin/articles/{id}/updates", add},
    {"POST", "/admin/articles/{id}/updates/{uid}", edit},
    {"POST", "/admin/articles/{id}/updates/{uid}/delete", delete},
    {"GET", "/api/v1/admin/articles/{id}/live", api_get},
    {"PUT", "/api/v1/admin/articles/{id}/live", api_set},
    {"POST", "/api/v1/admin/articles/{id}/updates", api_add},
    {"PATCH", "/api/v1/admin/articles/{id}/updates/{uid}", api_edit},
    {"DELETE", "/api/v1/admin/articles/{id}/updates/{uid}", api_delete},
    {NULL, NULL, NULL},
};
