/*
 * web/admin/api_webhooks: the admin JSON API for webhooks (docs/caching-and-webhooks.md).
 *   GET    /api/v1/admin/webhooks                  {"webhooks":[…]} (secrets never shown)
 *   POST   /api/v1/admin/webhooks                  {"url","events":[…] or "a,b"} → 201, the
 *                                                  hook with its "secret" (shown this once)
 *   DELETE /api/v1/admin/webhooks/{id}             204
 *   GET    /api/v1/admin/webhooks/{id}/deliveries  {"deliveries":[…],"next_before":…}
 * Only users who may manage the site (admins): a bearer token or a session with CSRF header,
 * through admin/auth.h. Every response is private (Cache-Control: no-store).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "web/admin/admin_int.h"

#define BODY_MAX 16384

/* The signed-in admin, or NULL after answering 401/403. */
static const nz_user *admin(nz__ctx *c)
{
	nz__cache_policy(c, NZ__CACHE_PRIVATE);
	const nz_user *u = nz__auth_api_user(c);
	if (!u || !nz__auth_api_can(c, u, NZ_ACT_MANAGE_SITE, NULL))
		return NULL;
	return u;
}

static int64_t positive(const char *s)
{
	char *end = NULL;
	errno = 0;
	long long v = s ? strtoll(s, &end, 10) : 0;
	return (!s || errno || end == s || *end || v <= 0) ? 0 : (int64_t)v;
}

static int64_t id_param(nz__ctx *c, const nz_route_match *m)
{
	const char *s = nz_arena_str(c->req->arena, nz_route_param(m, "id"));
	return positive(s);
}

/* A JSON array of the comma list's names. */
static json_t *events_json(const char *events)
{
	json_t *a = json_array();
	const char *p = events ? events : "";
	while (a && *p) {
		size_t n = strcspn(p, ",");
		if (n)
			json_array_append_new(a, json_stringn(p, n));
		p += n + (p[n] ? 1 : 0);
	}
	return a;
}

json_t *nz__webhook_json(const nz_webhook *w, bool with_secret)
{
	char when[32];
	json_t *o = json_pack(
	    "{s:I, s:s, s:o, s:b, s:s, s:{s:I, s:I, s:I}}", "id", (json_int_t)w->id, "url", w->url,
	    "events", events_json(w->events), "active", w->active, "created_at",
	    nz_time_rfc3339(w->created_at, when), "deliveries", "pending", (json_int_t)w->n_pending,
	    "delivered", (json_int_t)w->n_delivered, "failed", (json_int_t)w->n_failed);
	if (o && with_secret)
		json_object_set_new(o, "secret", json_string(w->secret));
	return o;
}

json_t *nz__delivery_json(const nz_delivery *d)
{
	char created[32], next[32], delivered[32];
	bool pending = d->status == NZ_DELIVERY_PENDING;
	return json_pack(
	    "{s:I, s:o, s:s, s:I, s:I, s:s, s:i, s:o, s:o, s:s, s:o, s:o}", "id", (json_int_t)d->id,
	    "webhook_id", d->webhook_id ? json_integer(d->webhook_id) : json_null(), "event",
	    d->event, "article_id", (json_int_t)d->article_id, "revision", (json_int_t)d->revision,
	    "status", nz_delivery_status_name(d->status), "attempts", d->attempts, "last_status",
	    d->last_status ? json_integer(d->last_status) : json_null(), "last_error",
	    d->last_error ? json_string(d->last_error) : json_null(), "created_at",
	    nz_time_rfc3339(d->created_at, created), "next_attempt_at",
	    pending ? json_string(nz_time_rfc3339(d->next_attempt_ms / 1000, next)) : json_null(),
	    "delivered_at",
	    d->delivered_at ? json_string(nz_time_rfc3339(d->delivered_at, delivered))
			    : json_null());
}

static void list(nz__ctx *c, const nz_route_match *m)
{
	(void)m;
	nz_webhook *hooks = NULL;
	size_t n = 0;
	nz_err err = {0};
	if (!admin(c))
		return;
	if (nz_store_webhook_list(c->store, c->req->arena, &hooks, &n, &err) != NZ_OK) {
		NZ_LOG(NZ_LOG_ERROR, "api", "webhooks: %s", err.msg);
		nz__send_json_error(c->resp, 500, "internal", "the webhooks could not be listed");
		return;
	}
	json_t *items = json_array();
	for (size_t i = 0; items && i < n; i++)
		json_array_append_new(items, nz__webhook_json(&hooks[i], false));
	nz__send_json(c->resp, 200, items ? json_pack("{s:o}", "webhooks", items) : NULL);
}

/* "events" as an array of names or one comma list, into a comma list in the arena. */
static const char *events_arg(nz__ctx *c, json_t *v)
{
	if (json_is_string(v))
		return nz_arena_strdup(c->req->arena, json_string_value(v));
	if (!json_is_array(v))
		return NULL;
	nz_buf b;
	nz_buf_init(&b, 4096);
	size_t i;
	json_t *e;
	json_array_foreach(v, i, e)
	{
		if (!json_is_string(e)) {
			nz_buf_free(&b);
			return NULL;
		}
		nz_buf_printf(&b, "%s%s", i ? "," : "", json_string_value(e));
	}
	const char *s = nz_buf_rc(&b) ? NULL : nz_arena_strdup(c->req->arena, nz_buf_cstr(&b));
	nz_buf_free(&b);
	return s;
}

static void create(nz__ctx *c, const nz_route_match *m)
{
	(void)m;
	json_error_t jerr;
	nz_err err = {0};
	if (!admin(c))
		return;
	json_t *body = c->req->body_len <= BODY_MAX
			   ? json_loadb(c->req->body, c->req->body_len, 0, &jerr)
			   : NULL;
	if (!json_is_object(body)) {
		json_decref(body);
		nz__send_json_error(c->resp, 400, "invalid_json",
				    "the body must be a JSON object {\"url\":…,\"events\":[…]}");
		return;
	}
	json_t *url = json_object_get(body, "url"), *secret = json_object_get(body, "secret");
	nz_webhook hook = {
	    .url =
		json_is_string(url) ? nz_arena_strdup(c->req->arena, json_string_value(url)) : NULL,
	    .events = events_arg(c, json_object_get(body, "events")),
	    .secret = json_is_string(secret)
			  ? nz_arena_strdup(c->req->arena, json_string_value(secret))
			  : NULL,
	};
	json_decref(body);
	if (!hook.events)
		hook.events = "";
	nz_rc rc = nz_app_webhook_create(c->store, c->req->arena, &hook, &err);
	if (rc == NZ_INVAL) {
		nz__send_json_error(c->resp, 400, "invalid_webhook", err.msg);
		return;
	}
	if (rc != NZ_OK) {
		NZ_LOG(NZ_LOG_ERROR, "api", "webhook create: %s", err.msg);
		nz__send_json_error(c->resp, 500, "internal", "the webhook could not be saved");
		return;
	}
	nz__send_json(c->resp, 201, nz__webhook_json(&hook, true));
}

static void delete (nz__ctx *c, const nz_route_match *m)
{
	nz_err err = {0};
	if (!admin(c))
		return;
	int64_t id = id_param(c, m);
	nz_rc rc = id ? nz_store_webhook_delete(c->store, id, &err) : NZ_NOTFOUND;
	if (rc == NZ_NOTFOUND) {
		nz__send_json_error(c->resp, 404, "not_found", "no webhook has this id");
		return;
	}
	if (rc != NZ_OK) {
		NZ_LOG(NZ_LOG_ERROR, "api", "webhook delete: %s", err.msg);
		nz__send_json_error(c->resp, 500, "internal", "the webhook could not be deleted");
		return;
	}
	c->resp->status = 204;
	nz_buf_reset(&c->resp->body);
}

static void deliveries(nz__ctx *c, const nz_route_match *m)
{
	nz_err err = {0};
	nz_webhook *hook = NULL;
	nz_delivery *d = NULL;
	size_t n = 0;
	if (!admin(c))
		return;
	int64_t id = id_param(c, m);
	const char *limit = nz_http_query(c->req, "limit"),
		   *before = nz_http_query(c->req, "before");
	nz_delivery_query q = {
	    .webhook_id = id, .limit = (size_t)positive(limit), .before_id = positive(before)};
	if ((limit && (!q.limit || q.limit > 500)) || (before && !q.before_id)) {
		nz__send_json_error(c->resp, 400, "invalid_parameter",
				    "limit must be 1 to 500 and before a delivery id");
		return;
	}
	nz_rc rc =
	    id ? nz_store_webhook_get(c->store, c->req->arena, id, &hook, &err) : NZ_NOTFOUND;
	if (rc == NZ_OK)
		rc = nz_store_delivery_list(c->store, c->req->arena, &q, &d, &n, &err);
	if (rc == NZ_NOTFOUND) {
		nz__send_json_error(c->resp, 404, "not_found", "no webhook has this id");
		return;
	}
	if (rc != NZ_OK) {
		NZ_LOG(NZ_LOG_ERROR, "api", "deliveries: %s", err.msg);
		nz__send_json_error(c->resp, 500, "internal", "the deliveries could not be listed");
		return;
	}
	json_t *items = json_array();
	for (size_t i = 0; items && i < n; i++)
		json_array_append_new(items, nz__delivery_json(&d[i]));
	size_t want = q.limit ? q.limit : 50;
	json_t *next = n == want ? json_integer(d[n - 1].id) : json_null();
	nz__send_json(c->resp, 200,
		      items ? json_pack("{s:o, s:o}", "deliveries", items, "next_before", next)
			    : NULL);
}

const nz__route_entry nz__webhook_api_routes[] = {
    {"GET", "/api/v1/admin/webhooks", list},
    {"POST", "/api/v1/admin/webhooks", create},
    {"DELETE", "/api/v1/admin/webhooks/{id}", delete},
    {"GET", "/api/v1/admin/webhooks/{id}/deliveries", deliveries},
    {NULL, NULL, NULL},
};
