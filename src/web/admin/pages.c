/*
 * web/admin/pages: the back office's shared page helpers, the dashboard, the review queue, and
 * the route table of every back-office page (handlers in editor.c, history.c,
 * people.c, settings.c). See admin_int.h for the rules every page keeps.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "web/admin/admin_int.h"

/* Status messages named by ?done=<code> (and ?failed=<code>) after a redirect. */
static const struct {
	const char *code, *text;
} messages[] = {
    {"created", "The article was created."},
    {"saved", "Saved."},
    {"submitted", "Saved and sent for review."},
    {"returned", "Saved and returned to the writer."},
    {"published", "Saved and published."},
    {"scheduled", "Saved and scheduled."},
    {"unscheduled", "Saved; the article is no longer scheduled."},
    {"embargoed", "Saved; the embargo is set."},
    {"embargo-cleared", "Saved; the embargo is cleared."},
    {"corrected", "The correction was appended and is shown on the article."},
    {"retracted", "The article was retracted."},
    {"restored", "The revision was restored as a new revision."},
    {"role", "The role was changed."},
    {"disabled", "The user was disabled and signed out everywhere."},
    {"enabled", "The user was enabled."},
    {"revoked", "The token was revoked."},
    {"section", "The section was saved."},
    {"settings", "The settings were saved."},
    {"password", "Your password was changed. Other devices were signed out."},
    {"session-ended", "The session was ended: that device must sign in again."},
    {"sessions-ended", "Every other session was ended: only this browser is signed in."},
};

static const char *message_for(const char *code)
{
	for (size_t i = 0; code && i < sizeof messages / sizeof messages[0]; i++)
		if (strcmp(messages[i].code, code) == 0)
			return messages[i].text;
	return NULL;
}

void nz__admin_ctx(nz__ctx *c, const nz_user *u, const char *current, nz_admin_ctx *ac)
{
	*ac = (nz_admin_ctx){
	    .pc = &c->page,
	    .user = u,
	    .csrf = u ? nz__auth_csrf_token(c) : NULL,
	    .flash = message_for(nz_http_query(c->req, "done")),
	    .current = current,
	};
}

void nz__admin_send(nz__ctx *c, int status, const char *name, json_t *view)
{
	nz__send_page(c, status, name, view);
}

void nz__admin_done(nz__ctx *c, const char *path, const char *code)
{
	const char *loc = code ? nz_arena_printf(c->req->arena, "%s?done=%s", path, code) : path;
	nz__redirect(c, loc ? loc : path);
}

void nz__admin_error(nz__ctx *c, int status, const char *message)
{
	nz__send_error_page(c, status, message);
}

void nz__admin_fail(nz__ctx *c, const char *what, nz_rc rc, const nz_err *err)
{
	NZ_LOG(NZ_LOG_ERROR, "admin", "%s %s: %s: %s", c->req->method, c->req->path, what,
	       err && err->msg[0] ? err->msg : nz_strerror(rc));
	nz__admin_error(c, rc == NZ_NOMEM ? 503 : 500, NULL);
}

bool nz__admin_form(nz__ctx *c, nz_http_form *form)
{
	nz_err err = {0};
	nz_rc rc = nz_http_form_parse(c->req, form, &err);
	if (rc == NZ_OK)
		return true;
	const char *msg =
	    nz_arena_printf(c->req->arena, "The form could not be read: %s.", err.msg);
	nz__admin_error(c, rc == NZ_TOOBIG ? 413 : rc == NZ_UNSUPPORTED ? 415 : 400, msg);
	return false;
}

int64_t nz__admin_id(nz_str s)
{
	if (s.len == 0 || s.len > 18)
		return 0;
	int64_t v = 0;
	for (size_t i = 0; i < s.len; i++) {
		if (s.p[i] < '0' || s.p[i] > '9')
			return 0;
		v = v * 10 + (s.p[i] - '0');
	}
	return v;
}

bool nz__admin_article(nz__ctx *c, int64_t id, nz_action act, const nz_user **u, nz_article **a)
{
	nz_err err = {0};
	*u = nz__auth_require(c, NZ_ACT_CREATE, NULL); /* signed in at all */
	if (!*u)
		return false;
	nz_rc rc =
	    id > 0 ? nz_store_article_by_id(c->store, c->req->arena, id, a, &err) : NZ_NOTFOUND;
	if (rc == NZ_NOTFOUND) {
		nz__admin_error(c, 404, "There is no article with that number.");
		return false;
	}
	if (rc != NZ_OK) {
		nz__admin_fail(c, "loading the article", rc, &err);
		return false;
	}
	return nz__auth_page_can(c, *u, act, *a);
}

/* ---- the dashboard and the review queue -------------------------------------------------- */

typedef struct group {
	const char *key, *title, *empty, *time_label;
	unsigned statuses;
	size_t limit;
} group;

/* One table of articles: {key, title, empty, time_label, rows, has_rows}. */
static json_t *group_json(nz__ctx *c, const nz_admin_ctx *ac, const group *g, int64_t mine,
			  size_t *count)
{
	nz_admin_query q = {.statuses = g->statuses, .created_by = mine, .limit = g->limit};
	nz_article_list list = {0};
	nz_err err = {0};
	if (nz_store_admin_article_list(c->store, c->req->arena, &q, &list, &err) != NZ_OK) {
		NZ_LOG(NZ_LOG_ERROR, "admin", "listing %s: %s", g->key, err.msg);
		return NULL;
	}
	if (count)
		*count = list.total;
	return json_pack("{s:s, s:s, s:s, s:s, s:o, s:b}", "key", g->key, "title", g->title,
			 "empty", g->empty, "time_label", g->time_label, "rows",
			 nz_view_admin_rows(ac, list.items, list.n), "has_rows", list.n > 0);
}

static json_t *groups_json(nz__ctx *c, const nz_admin_ctx *ac, const group *gs, size_t n,
			   int64_t mine)
{
	json_t *arr = json_array();
	for (size_t i = 0; arr && i < n; i++) {
		json_t *g = group_json(c, ac, &gs[i], mine, NULL);
		if (!g || json_array_append_new(arr, g) != 0) {
			json_decref(arr);
			return NULL;
		}
	}
	return arr;
}

#define BIT(s) (1u << (s))

static void dashboard(nz__ctx *c, const nz_route_match *m)
{
	(void)m;
	const nz_user *u = nz__auth_require(c, NZ_ACT_CREATE, NULL);
	if (!u)
		return;
	static const group groups[] = {
	    {"drafts", "Drafts", "No drafts.", "Last saved", BIT(NZ_STATUS_DRAFT), 20},
	    {"review", "In review", "Nothing waits for review.", "Last saved",
	     BIT(NZ_STATUS_REVIEW), 20},
	    {"scheduled", "Scheduled", "Nothing is scheduled.", "Publishes",
	     BIT(NZ_STATUS_SCHEDULED), 20},
	    {"published", "Recently published", "Nothing published yet.", "Last saved",
	     BIT(NZ_STATUS_PUBLISHED) | BIT(NZ_STATUS_RETRACTED), 15},
	};
	nz_admin_ctx ac;
	nz__admin_ctx(c, u, "dashboard", &ac);
	bool everyone = nz_can(u->role, NZ_ACT_REVIEW_QUEUE, NULL, u->id);
	json_t *view = nz_view_admin(&ac, everyone ? "Dashboard" : "My articles");
	json_t *d = json_object();
	size_t waiting = 0;
	json_t *gs =
	    groups_json(c, &ac, groups, sizeof groups / sizeof groups[0], everyone ? 0 : u->id);
	if (everyone) {
		json_t *g = group_json(c, &ac, &groups[1], 0, &waiting);
		json_decref(g);
	}
	if (!view || !d || !gs || json_object_set_new(d, "groups", gs) != 0 ||
	    json_object_set_new(d, "review_url",
				everyone ? json_string("/admin/review") : json_null()) != 0 ||
	    json_object_set_new(d, "review_count", json_integer((json_int_t)waiting)) != 0 ||
	    json_object_set_new(view, "dashboard", d) != 0) {
		json_decref(view);
		json_decref(d);
		nz__admin_error(c, 503, NULL);
		return;
	}
	nz__admin_send(c, 200, "admin-dashboard", view);
}

static void review(nz__ctx *c, const nz_route_match *m)
{
	(void)m;
	const nz_user *u = nz__auth_require(c, NZ_ACT_REVIEW_QUEUE, NULL);
	if (!u)
		return;
	static const group groups[] = {
	    {"waiting", "Waiting for review", "Nothing waits for review.", "Sent",
	     BIT(NZ_STATUS_REVIEW), 200},
	};
	nz_admin_ctx ac;
	nz__admin_ctx(c, u, "review", &ac);
	json_t *view = nz_view_admin(&ac, "Review queue");
	json_t *gs = groups_json(c, &ac, groups, 1, 0);
	json_t *r = gs ? json_pack("{s:o}", "groups", gs) : NULL;
	if (!view || !r || json_object_set_new(view, "review", r) != 0) {
		json_decref(view);
		nz__admin_error(c, 503, NULL);
		return;
	}
	nz__admin_send(c, 200, "admin-review", view);
}

const nz__route_entry nz__admin_routes[] = {
    {"GET", "/admin", dashboard},
    {"GET", "/admin/review", review},
    {"GET", "/admin/articles", nz__desk_page},
    {"POST", "/admin/articles/bulk", nz__desk_bulk_page},
    {"GET", "/admin/articles/new", nz__admin_article_new},
    {"POST", "/admin/articles", nz__admin_article_create},
    {"GET", "/admin/articles/{id}", nz__admin_article_edit},
    {"POST", "/admin/articles/{id}", nz__admin_article_save},
    {"POST", "/admin/articles/{id}/preview", nz__admin_article_preview},
    {"POST", "/admin/articles/{id}/workflow", nz__admin_article_workflow},
    {"GET", "/admin/articles/{id}/history", nz__admin_history},
    {"GET", "/admin/articles/{id}/original", nz__admin_original},
    {"POST", "/admin/articles/{id}/revisions/{rev}/restore", nz__admin_restore},
    {"GET", "/admin/users", nz__admin_users},
    {"POST", "/admin/users", nz__admin_user_add},
    {"POST", "/admin/users/{id}/role", nz__admin_user_role},
    {"POST", "/admin/users/{id}/disable", nz__admin_user_disable},
    {"POST", "/admin/users/{id}/reset-link", nz__admin_user_reset_link},
    {"GET", "/admin/tokens", nz__admin_tokens},
    {"POST", "/admin/tokens", nz__admin_token_create},
    {"POST", "/admin/tokens/{id}/revoke", nz__admin_token_revoke},
    {"GET", "/admin/account", nz__admin_account},
    {"POST", "/admin/account/password", nz__admin_account_password},
    {"GET", "/admin/sections", nz__admin_sections},
    {"POST", "/admin/sections", nz__admin_section_save},
    {"GET", "/admin/settings", nz__admin_settings},
    {"POST", "/admin/settings", nz__admin_settings_save},
    {"GET", "/admin/audit", nz__admin_audit},
    {NULL, NULL, NULL},
};
