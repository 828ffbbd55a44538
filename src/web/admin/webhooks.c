/*
 * web/admin/webhooks: the back office's webhooks page (admins only), built on the back office's
 * chrome and rules (admin_int.h): list the hooks with their delivery counts, add one (its secret
 * is shown once, on the answer to the POST), remove one, and the delivery log: the newest
 * deliveries of every hook and of the purge hook, with status, attempts and the last error.
 *   GET  /admin/webhooks               the page
 *   POST /admin/webhooks               url, events (checkboxes) → the page with the new secret
 *   POST /admin/webhooks/{id}/delete   → 303 /admin/webhooks?done=webhook-removed
 */
#include <string.h>

#include "web/admin/admin_int.h"

#define LOG_ROWS 50

static json_t *hooks_json(nz__ctx *c, const nz_admin_ctx *ac, const nz_webhook *hooks, size_t n)
{
	json_t *rows = json_array();
	for (size_t i = 0; rows && i < n; i++) {
		const nz_webhook *w = &hooks[i];
		json_t *row = json_pack(
		    "{s:I, s:s, s:s, s:o, s:I, s:I, s:I, s:s, s:s}", "id", (json_int_t)w->id, "url",
		    w->url, "events", w->events, "created", nz_view_admin_time(ac, w->created_at),
		    "pending", (json_int_t)w->n_pending, "delivered", (json_int_t)w->n_delivered,
		    "failed", (json_int_t)w->n_failed, "delete_url",
		    nz_arena_printf(c->req->arena, "/admin/webhooks/%lld/delete", (long long)w->id),
		    "log_url",
		    nz_arena_printf(c->req->arena, "/api/v1/admin/webhooks/%lld/deliveries",
				    (long long)w->id));
		if (!row || json_array_append_new(rows, row) != 0) {
			json_decref(rows);
			return NULL;
		}
	}
	return rows;
}

static json_t *log_json(nz__ctx *c, const nz_admin_ctx *ac, const nz_delivery *d, size_t n)
{
	json_t *rows = json_array();
	for (size_t i = 0; rows && i < n; i++) {
		bool pending = d[i].status == NZ_DELIVERY_PENDING;
		json_t *row = json_pack(
		    "{s:I, s:s, s:s, s:I, s:s, s:s, s:b, s:i, s:o, s:o, s:o, s:o}", "id",
		    (json_int_t)d[i].id, "event", d[i].event, "target",
		    d[i].webhook_id ? (d[i].url ? d[i].url : "?") : "purge hook", "article_id",
		    (json_int_t)d[i].article_id, "article_url",
		    nz_arena_printf(c->req->arena, "/admin/articles/%lld",
				    (long long)d[i].article_id),
		    "status", nz_delivery_status_name(d[i].status), "failed",
		    d[i].status == NZ_DELIVERY_FAILED, "attempts", d[i].attempts, "created",
		    nz_view_admin_time(ac, d[i].created_at), "next",
		    pending ? nz_view_admin_time(ac, d[i].next_attempt_ms / 1000) : json_null(),
		    "last_status", d[i].last_status ? json_integer(d[i].last_status) : json_null(),
		    "last_error", d[i].last_error ? json_string(d[i].last_error) : json_null());
		if (!row || json_array_append_new(rows, row) != 0) {
			json_decref(rows);
			return NULL;
		}
	}
	return rows;
}

/* The checkboxes of the add form, checked as in `checked` (a comma list; NULL: published). */
static json_t *events_json(const char *checked)
{
	json_t *arr = json_array();
	for (size_t i = 0; arr && i < NZ_WEBHOOK_N_EVENTS; i++) {
		const char *name = nz_webhook_event_name(i);
		bool on = checked ? strstr(checked, name) != NULL : i == 0;
		json_t *e = json_pack("{s:s, s:s, s:b}", "name", name, "id",
				      name + strlen("article."), "checked", on);
		if (!e || json_array_append_new(arr, e) != 0) {
			json_decref(arr);
			return NULL;
		}
	}
	return arr;
}

/* Answers the page. error/url/events: a refused add, shown again; created: a new hook whose
 * secret is shown once. */
static void page(nz__ctx *c, const nz_user *me, int status, const char *error, const char *url,
		 const char *events, const nz_webhook *created)
{
	nz_admin_ctx ac;
	nz_webhook *hooks = NULL;
	nz_delivery *log = NULL;
	size_t n_hooks = 0, n_log = 0;
	nz_err err = {0};
	nz_delivery_query q = {.limit = LOG_ROWS};
	nz_rc rc = nz_store_webhook_list(c->store, c->req->arena, &hooks, &n_hooks, &err);
	if (!rc)
		rc = nz_store_delivery_list(c->store, c->req->arena, &q, &log, &n_log, &err);
	if (rc) {
		nz__admin_fail(c, "listing webhooks", rc, &err);
		return;
	}
	nz__admin_ctx(c, me, "webhooks", &ac);
	const char *done = nz_http_query(c->req, "done");
	if (done && strcmp(done, "webhook-removed") == 0)
		ac.flash = "The webhook was removed; its pending deliveries will not be sent.";
	json_t *view = nz_view_admin(&ac, "Webhooks");
	json_t *w = json_pack(
	    "{s:o, s:b, s:o, s:b, s:o, s:o, s:o, s:o}", "hooks", hooks_json(c, &ac, hooks, n_hooks),
	    "has_hooks", n_hooks > 0, "log", log_json(c, &ac, log, n_log), "has_log", n_log > 0,
	    "form_events", events_json(events), "url", url ? json_string(url) : json_null(),
	    "error", error ? json_string(error) : json_null(), "secret",
	    created ? json_pack("{s:s, s:s}", "url", created->url, "secret", created->secret)
		    : json_null());
	if (!view || !w || json_object_set_new(view, "webhooks", w) != 0) {
		json_decref(view);
		nz__admin_error(c, 503, NULL);
		return;
	}
	nz__admin_send(c, status, "admin-webhooks", view);
}

static void show(nz__ctx *c, const nz_route_match *m)
{
	(void)m;
	const nz_user *me = nz__auth_require(c, NZ_ACT_MANAGE_SITE, NULL);
	if (me)
		page(c, me, 200, NULL, NULL, NULL, NULL);
}

static void add(nz__ctx *c, const nz_route_match *m)
{
	(void)m;
	nz_http_form form;
	nz_err err = {0};
	const char **values = NULL;
	const nz_user *me = nz__auth_require(c, NZ_ACT_MANAGE_SITE, NULL);
	if (!me || !nz__admin_form(c, &form))
		return;
	nz_str url = nz_str_trim(nz_str_c(nz_http_form_get(&form, "url")));
	size_t n = nz_http_form_all(&form, c->req->arena, "events", &values);
	nz_buf events;
	nz_buf_init(&events, 1024);
	for (size_t i = 0; i < n; i++)
		nz_buf_printf(&events, "%s%s", i ? "," : "", values[i]);
	nz_webhook hook = {
	    .url = nz_arena_str(c->req->arena, url),
	    .events = nz_arena_strdup(c->req->arena, nz_buf_cstr(&events)),
	};
	nz_buf_free(&events);
	nz_rc rc = hook.url && hook.events
		       ? nz_app_webhook_create(c->store, c->req->arena, &hook, &err)
		       : nz_err_set(&err, NZ_NOMEM, "out of memory");
	if (rc == NZ_INVAL) {
		const char *msg =
		    nz_arena_printf(c->req->arena, "The webhook was not added: %s.", err.msg);
		page(c, me, 422, msg ? msg : "The webhook was not added.", hook.url, hook.events,
		     NULL);
		return;
	}
	if (rc != NZ_OK) {
		nz__admin_fail(c, "adding a webhook", rc, &err);
		return;
	}
	page(c, me, 200, NULL, NULL, NULL, &hook);
}

static void remove_hook(nz__ctx *c, const nz_route_match *m)
{
	nz_err err = {0};
	const nz_user *me = nz__auth_require(c, NZ_ACT_MANAGE_SITE, NULL);
	if (!me)
		return;
	int64_t id = nz__admin_id(nz_route_param(m, "id"));
	nz_rc rc = id ? nz_store_webhook_delete(c->store, id, &err) : NZ_NOTFOUND;
	if (rc == NZ_NOTFOUND)
		nz__admin_error(c, 404, "There is no such webhook.");
	else if (rc != NZ_OK)
		nz__admin_fail(c, "removing a webhook", rc, &err);
	else
		nz__redirect(c, "/admin/webhooks?done=webhook-removed");
}

const nz__route_entry nz__admin_webhook_routes[] = {
    {"GET", "/admin/webhooks", show},
    {"POST", "/admin/webhooks", add},
    {"POST", "/admin/webhooks/{id}/delete", remove_hook},
    {NULL, NULL, NULL},
};
