/*
 * web/admin/front_page: the back office's page for the front layouts (docs/front-page.md), for
 * editors and admins:
 *   GET  /admin/front?lang=&section=   the front page (or a section front) of an edition: the
 *                                      pinned stories in order, the scheduled layouts
 *   POST /admin/front                  saves the form's layout (at once, or from starts_at);
 *                                      an "up-N" / "down-N" action moves slot N first, so the
 *                                      buttons reorder without JavaScript (admin.js adds
 *                                      dragging, which renumbers the fields before the save)
 *   POST /admin/front/cancel           removes a scheduled layout
 * The checks are the store's, the same as the API's.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "web/admin/admin_int.h"

/* Where the page of front f is ("/admin/front?lang=en&section=world"), in the arena. */
static const char *page_url(nz__ctx *c, const nz__front *f, const char *done)
{
	return nz_arena_printf(c->req->arena, "/admin/front?lang=%s%s%s%s%s", f->language,
			       f->section ? "&section=" : "", f->section ? f->section->slug : "",
			       done ? "&done=" : "", done ? done : "");
}

/* Links to every front of the edition: the front page and each section's. */
static json_t *fronts_json(nz__ctx *c, const nz__front *f)
{
	json_t *arr = json_array();
	for (size_t i = 0; arr && i <= c->page.n_sections; i++) {
		const nz_section *s = i ? &c->page.sections[i - 1] : NULL;
		bool current = s ? f->section && f->section->id == s->id : !f->section;
		nz__front other = {.language = f->language, .section = (nz_section *)s};
		if (json_array_append_new(
			arr, json_pack("{s:s, s:s, s:b}", "label", s ? s->name : "Front page",
				       "url", page_url(c, &other, NULL), "current", current))) {
			json_decref(arr);
			return NULL;
		}
	}
	return arr;
}

/* The form's rows: the layout's slots, then empty ones up to NZ_FRONT_SLOTS. */
static json_t *slots_json(nz__ctx *c, const nz_front_layout *l)
{
	json_t *arr = json_array();
	for (size_t i = 0; arr && i < NZ_FRONT_SLOTS; i++) {
		const nz_front_slot *s = l && i < l->n_slots ? &l->slots[i] : NULL;
		nz_article *a = NULL;
		nz_err err = {0};
		if (s && nz_store_article_by_id(c->store, c->req->arena, s->article_id, &a, &err))
			a = NULL;
		if (json_array_append_new(
			arr, json_pack("{s:i, s:i, s:s, s:s, s:s?, s:b, s:b, s:b}", "index", (int)i,
				       "number", (int)i + 1, "article", a ? a->slug : "",
				       "headline", s && s->headline ? s->headline : "", "title",
				       a ? a->headline : NULL, "lead", i == 0, "first", i == 0,
				       "last", i + 1 == NZ_FRONT_SLOTS))) {
			json_decref(arr);
			return NULL;
		}
	}
	return arr;
}

static json_t *scheduled_json(const nz_admin_ctx *ac, const nz__front *f)
{
	json_t *arr = json_array();
	nz_time now = nz_time_now();
	for (size_t i = 0; arr && i < f->n_layouts; i++) {
		const nz_front_layout *l = &f->layouts[i];
		if (l->starts_at <= now)
			continue;
		if (json_array_append_new(arr,
					  json_pack("{s:I, s:o, s:i}", "id", (json_int_t)l->id,
						    "starts", nz_view_admin_time(ac, l->starts_at),
						    "stories", (int)l->n_slots))) {
			json_decref(arr);
			return NULL;
		}
	}
	return arr;
}

static void editor(nz__ctx *c, const nz_user *me, int status, nz__front *f, const char *error)
{
	nz_admin_ctx ac;
	nz_err err = {0};
	nz__admin_ctx(c, me, "front", &ac);
	if (nz__front_load(c, f, &err) != NZ_OK) {
		nz__admin_fail(c, "loading the front layouts", NZ_IO, &err);
		return;
	}
	const char *done = nz_http_query(c->req, "done");
	if (done && !error)
		ac.flash = strcmp(done, "cancelled") == 0 ? "The scheduled layout was removed."
							  : "The layout was saved.";
	json_t *view = nz_view_admin(&ac, "Front page");
	json_t *e = json_pack("{s:s, s:s?, s:s, s:o, s:o, s:o, s:s?, s:i}", "language", f->language,
			      "section", f->section ? f->section->slug : NULL, "name",
			      f->section ? f->section->name : "Front page", "fronts",
			      fronts_json(c, f), "slots", slots_json(c, f->current), "scheduled",
			      scheduled_json(&ac, f), "error", error, "max", NZ_FRONT_SLOTS);
	if (!view || !e || json_object_set_new(view, "front_editor", e) != 0) {
		json_decref(view);
		nz__admin_error(c, 503, NULL);
		return;
	}
	nz__admin_send(c, status, "admin-front", view);
}

static void show(nz__ctx *c, const nz_route_match *m)
{
	(void)m;
	nz__front f;
	const nz_user *me = nz__auth_require(c, NZ_ACT_PUBLISH, NULL);
	if (me && nz__front_target(c, nz_http_query(c->req, "section"),
				   nz_http_query(c->req, "lang"), &f, true))
		editor(c, me, 200, &f, NULL);
}

/* starts_at from the form ("2026-12-24T06:00", the site's time zone; empty: now). */
static bool form_time(nz__ctx *c, const char *v, nz_time *out)
{
	*out = nz_time_now();
	if (!v || !v[0])
		return true;
	char full[40];
	nz_time t;
	snprintf(full, sizeof full, "%.16s:00Z", v);
	if (strlen(v) != 16 || nz_time_parse_rfc3339(nz_str_c(full), &t) != NZ_OK)
		return false;
	t = nz_tz_from_local(c->site.time_zone, t);
	if (t > *out)
		*out = t;
	return true;
}

/* The form's rows in order, with the move of action ("up-N", "down-N") made. */
static void form_rows(const nz_http_form *form, const char *action, const char **article,
		      const char **headline)
{
	for (size_t i = 0; i < NZ_FRONT_SLOTS; i++) {
		char name[32];
		snprintf(name, sizeof name, "article_%zu", i);
		article[i] = nz_http_form_get(form, name);
		snprintf(name, sizeof name, "headline_%zu", i);
		headline[i] = nz_http_form_get(form, name);
	}
	int n = -1;
	bool up = action && sscanf(action, "up-%d", &n) == 1;
	if (!up && !(action && sscanf(action, "down-%d", &n) == 1))
		return;
	int other = up ? n - 1 : n + 1;
	if (n < 0 || n >= NZ_FRONT_SLOTS || other < 0 || other >= NZ_FRONT_SLOTS)
		return;
	const char *a = article[n], *h = headline[n];
	article[n] = article[other], headline[n] = headline[other];
	article[other] = a, headline[other] = h;
}

static void save(nz__ctx *c, const nz_route_match *m)
{
	(void)m;
	nz_http_form form;
	nz__front f;
	nz_front_layout l = {0};
	nz_err err = {0};
	const char *article[NZ_FRONT_SLOTS], *headline[NZ_FRONT_SLOTS], *bad = NULL;
	const nz_user *me = nz__auth_require(c, NZ_ACT_PUBLISH, NULL);
	if (!me || !nz__admin_form(c, &form) ||
	    !nz__front_target(c, nz_http_form_get(&form, "section"),
			      nz_http_form_get(&form, "lang"), &f, true))
		return;
	form_rows(&form, nz_http_form_get(&form, "action"), article, headline);
	if (!form_time(c, nz_http_form_get(&form, "starts_at"), &l.starts_at))
		bad = "the start time is not a date and time";
	for (size_t i = 0; !bad && i < NZ_FRONT_SLOTS; i++)
		if (article[i] && article[i][0])
			bad = nz__front_resolve(c, article[i], headline[i], i, &l);
	l.language = f.language;
	l.section_id = f.section ? f.section->id : 0;
	nz_rc rc =
	    bad ? NZ_INVAL : nz_store_front_layout_save(c->store, &l, nz_time_now(), me->id, &err);
	if (rc == NZ_INVAL || rc == NZ_UTF8) {
		editor(c, me, 422, &f,
		       nz_arena_printf(c->req->arena, "The layout was not saved: %s.",
				       bad ? bad : err.msg));
	} else if (rc != NZ_OK) {
		nz__admin_fail(c, "saving a front layout", rc, &err);
	} else {
		nz__redirect(c, page_url(c, &f, "saved"));
	}
}

static void cancel(nz__ctx *c, const nz_route_match *m)
{
	(void)m;
	nz_http_form form;
	nz__front f;
	nz_err err = {0};
	const nz_user *me = nz__auth_require(c, NZ_ACT_PUBLISH, NULL);
	if (!me || !nz__admin_form(c, &form) ||
	    !nz__front_target(c, nz_http_form_get(&form, "section"),
			      nz_http_form_get(&form, "lang"), &f, true))
		return;
	int64_t id = nz__admin_id(nz_str_c(nz_http_form_get(&form, "id")));
	nz_rc rc = id ? nz_store_front_layout_delete(c->store, id, &err) : NZ_NOTFOUND;
	if (rc == NZ_NOTFOUND)
		nz__admin_error(c, 404, "There is no such layout.");
	else if (rc != NZ_OK)
		nz__admin_fail(c, "removing a front layout", rc, &err);
	else
		nz__redirect(c, page_url(c, &f, "cancelled"));
}

const nz__route_entry nz__admin_front_routes[] = {
    {"GET", "/admin/front", show},
    {"POST", "/admin/front", save},
    {"POST", "/admin/front/cancel", cancel},
    {NULL, NULL, NULL},
};
