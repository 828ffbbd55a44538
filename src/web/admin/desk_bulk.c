/*
 * web/admin/desk_bulk: one action on many articles from the list: submit, publish, schedule,
 * retract, set the section, add a tag. POST /admin/articles/bulk (the list's form; answers a
 * page that reports on each article) and POST /api/v1/admin/articles/bulk (JSON).
 *
 * Rules: the action is checked once (known, with what it needs: a future time, a section that
 * exists, a tag with a name); then each article on its own: loaded, the user's right to do it
 * to that article checked (nz_can), and done through the store's workflow or the app's save,
 * each in its own transaction. One refused article never stops the others; each gets its line:
 * done, or the reason. Setting what an article already has changes nothing (no revision).
 */
#include <string.h>

#include "app/app.h"
#include "web/admin/admin_int.h"

#define BULK_MAX 200

typedef struct bulk {
	const char *action;
	nz_event ev; /* for the workflow actions; NZ_EV_EDIT for section and tag */
	nz_time at;  /* schedule */
	nz_section section;
	nz_tag tag;
} bulk;

typedef struct bulk_result {
	int64_t id;
	const char *headline; /* NULL when the article was not found */
	bool ok;
	const char *message;
	nz_status status; /* after */
} bulk_result;

static const struct {
	const char *name;
	nz_event ev;
} actions[] = {
    {"submit", NZ_EV_SUBMIT},   {"publish", NZ_EV_PUBLISH}, {"schedule", NZ_EV_SCHEDULE},
    {"retract", NZ_EV_RETRACT}, {"section", NZ_EV_EDIT},    {"tag", NZ_EV_EDIT},
};

/* Checks the action and fills b; the problem for people, or NULL. section is a slug. */
static const char *bulk_prepare(nz__ctx *c, bulk *b, const char *action, const char *section,
				const char *tag)
{
	size_t i = 0;
	for (; action && i < sizeof actions / sizeof actions[0]; i++)
		if (strcmp(action, actions[i].name) == 0)
			break;
	if (!action || i == sizeof actions / sizeof actions[0])
		return "Choose an action: submit, publish, schedule, retract, section or tag.";
	b->action = actions[i].name;
	b->ev = actions[i].ev;
	if (b->ev == NZ_EV_SCHEDULE && b->at <= c->page.now)
		return "To schedule, give a publishing time in the future.";
	if (strcmp(b->action, "section") == 0) {
		nz_section *s = NULL;
		size_t n = 0;
		nz_err err = {0};
		if (section &&
		    nz_store_section_list(c->store, c->req->arena, &s, &n, &err) == NZ_OK)
			for (size_t k = 0; k < n; k++)
				if (strcmp(s[k].slug, section) == 0)
					b->section = s[k];
		if (!b->section.slug)
			return "To set the section, choose one of the site's sections.";
	}
	if (strcmp(b->action, "tag") == 0) {
		nz_buf slug;
		nz_buf_init(&slug, 0);
		nz_str t = nz_str_trim(nz_str_c(tag));
		if (t.len && nz_slug_make(t, NZ_SLUG_MAX, &slug) == NZ_OK && slug.len) {
			b->tag.name = nz_arena_str(c->req->arena, t);
			b->tag.slug = nz_arena_strdup(c->req->arena, nz_buf_cstr(&slug));
		}
		nz_buf_free(&slug);
		if (!b->tag.slug || !b->tag.name)
			return "To add a tag, write its name.";
	}
	return NULL;
}

/* Sets the section or adds the tag of b to a with a new revision, unless a has it already. */
static nz_rc bulk_edit(nz__ctx *c, const nz_user *u, const bulk *b, nz_article *a, bulk_result *r,
		       nz_err *err)
{
	bool tag = strcmp(b->action, "tag") == 0;
	for (size_t i = 0; tag && i < a->n_tags; i++)
		if (a->tags[i].slug && strcmp(a->tags[i].slug, b->tag.slug) == 0) {
			r->message = "Already has that tag.";
			return NZ_OK;
		}
	if (!tag && a->section && a->section->slug &&
	    strcmp(a->section->slug, b->section.slug) == 0) {
		r->message = "Already in that section.";
		return NZ_OK;
	}
	if (tag) {
		nz_tag *tags = nz_arena_alloc(c->req->arena, (a->n_tags + 1) * sizeof *tags);
		if (!tags)
			return nz_err_set(err, NZ_NOMEM, "out of memory");
		if (a->n_tags)
			memcpy(tags, a->tags, a->n_tags * sizeof *tags);
		tags[a->n_tags] = b->tag;
		a->tags = tags;
		a->n_tags++;
	} else {
		a->section = (nz_section *)&b->section;
	}
	nz_app_save sv = {.actor = u->id,
			  .a = a,
			  .base_revision = a->revision,
			  .note = tag ? "tag added from the list" : "section set from the list"};
	nz_rc rc = nz_app_article_save(c->store, c->req->arena, &sv, err);
	if (!rc)
		r->message = tag ? "Tag added." : "Section set.";
	return rc;
}

/* Does b to article id for u, filling r. */
static void bulk_one(nz__ctx *c, const nz_user *u, const bulk *b, int64_t id, bulk_result *r)
{
	nz_article *a = NULL;
	nz_err err = {0};
	nz_rc rc = nz_store_article_by_id(c->store, c->req->arena, id, &a, &err);
	*r = (bulk_result){.id = id};
	if (rc) {
		r->message = rc == NZ_NOTFOUND ? "There is no article with that number."
					       : "The article could not be read.";
		return;
	}
	r->headline = a->headline;
	r->status = a->status;
	nz_action act = b->ev == NZ_EV_EDIT ? NZ_ACT_EDIT : nz_event_action(b->ev);
	if (!nz_can(u->role, act, a, u->id)) {
		r->message = nz_arena_printf(c->req->arena, "You may not %s this article.",
					     nz_action_name(act));
		return;
	}
	if (b->ev == NZ_EV_EDIT) {
		rc = bulk_edit(c, u, b, a, r, &err);
	} else {
		nz_article_transition tr = {u->id, id, b->ev, b->at, NULL, 0};
		nz_article *after = NULL;
		rc = nz_store_article_transition(c->store, c->req->arena, &tr, &after, &err);
		if (!rc) {
			r->status = after ? after->status : r->status;
			r->message = "Done.";
		}
	}
	r->ok = rc == NZ_OK;
	if (rc)
		r->message = nz_arena_strdup(c->req->arena, err.msg[0] ? err.msg : nz_strerror(rc));
	if (!r->message)
		r->message = r->ok ? "Done." : "Refused.";
}

/* Runs b on ids[0..n) into results (n of them). */
static size_t bulk_run(nz__ctx *c, const nz_user *u, const bulk *b, const int64_t *ids, size_t n,
		       bulk_result *results)
{
	size_t done = 0;
	for (size_t i = 0; i < n; i++) {
		bulk_one(c, u, b, ids[i], &results[i]);
		done += results[i].ok;
	}
	return done;
}

/* ---- the list's form ---------------------------------------------------------------------- */

static json_t *results_json(const bulk_result *r, size_t n)
{
	json_t *arr = json_array();
	for (size_t i = 0; arr && i < n; i++)
		json_array_append_new(
		    arr, json_pack("{s:I, s:s?, s:b, s:s, s:s, s:s}", "id", (json_int_t)r[i].id,
				   "headline", r[i].headline, "ok", r[i].ok, "message",
				   r[i].message, "status", nz_status_name(r[i].status),
				   "status_label", nz_admin_status_label(r[i].status)));
	return arr;
}

void nz__desk_bulk_page(nz__ctx *c, const nz_route_match *m)
{
	(void)m;
	const nz_user *u = nz__auth_require(c, NZ_ACT_CREATE, NULL);
	nz_http_form form;
	const char **values = NULL;
	bulk b = {0};
	nz_admin_ctx ac;
	if (!u || !nz__admin_form(c, &form))
		return;
	nz__admin_ctx(c, u, "articles", &ac);
	size_t n = nz_http_form_all(&form, c->req->arena, "id", &values);
	const char *at = nz_http_form_get(&form, "at");
	const char *action = nz_http_form_get(&form, "action");
	const char *bad = NULL;
	if (action && strcmp(action, "schedule") == 0 &&
	    (!at || !*at || nz_admin_local_parse(&ac, at, &b.at) != NZ_OK))
		bad = "To schedule, give the publishing time, such as 2026-03-17T09:30.";
	if (!bad)
		bad = bulk_prepare(c, &b, action, nz_http_form_get(&form, "section"),
				   nz_http_form_get(&form, "tag"));
	if (!bad && n == 0)
		bad = "Select at least one article.";
	if (!bad && n > BULK_MAX)
		bad = "Select at most 200 articles at a time.";
	int64_t *ids = n ? nz_arena_alloc(c->req->arena, n * sizeof *ids) : NULL;
	bulk_result *res = n ? nz_arena_alloc(c->req->arena, n * sizeof *res) : NULL;
	if (n && (!ids || !res)) {
		nz__admin_error(c, 503, NULL);
		return;
	}
	for (size_t i = 0; !bad && i < n; i++)
		if (!(ids[i] = nz__admin_id(nz_str_c(values[i]))))
			bad = "An article number in the form is not a number.";
	size_t done = bad ? 0 : bulk_run(c, u, &b, ids, n, res);
	const char *back = nz_http_form_get(&form, "back");
	if (!back || strncmp(back, "/admin/articles", 15) != 0)
		back = "/admin/articles";
	json_t *view = nz_view_admin(&ac, "Articles: the result");
	json_t *o = json_pack("{s:s?, s:o, s:I, s:I, s:s}", "bad", bad, "results",
			      results_json(res, bad ? 0 : n), "done", (json_int_t)done, "refused",
			      (json_int_t)(bad ? 0 : n - done), "back", back);
	if (!view || !o || json_object_set_new(view, "bulk", o) != 0) {
		json_decref(view);
		nz__admin_error(c, 503, NULL);
		return;
	}
	nz__admin_send(c, bad ? 400 : 200, "admin-bulk", view);
}

/* ---- the JSON API ------------------------------------------------------------------------- */

/* body's "ids" into ids (in the arena); answers 400 itself and returns false when it is not a
 * list of 1 to BULK_MAX positive integers. */
static bool body_ids(nz__ctx *c, json_t *body, int64_t **ids, size_t *n)
{
	json_t *arr = json_object_get(body, "ids"), *v;
	size_t i;
	*n = json_is_array(arr) ? json_array_size(arr) : 0;
	*ids = *n && *n <= BULK_MAX ? nz_arena_alloc(c->req->arena, *n * sizeof **ids) : NULL;
	json_array_foreach(arr, i, v)
	{
		if (!*ids || !json_is_integer(v) || json_integer_value(v) <= 0)
			break;
		(*ids)[i] = json_integer_value(v);
	}
	if (*ids && i == *n)
		return true;
	nz__send_json_error(c->resp, 400, "invalid",
			    "ids: a list of 1 to 200 article numbers is needed");
	return false;
}

void nz__desk_bulk_api(nz__ctx *c, const nz_route_match *m)
{
	(void)m;
	const nz_user *u = nz__auth_api_user(c);
	bulk b = {0};
	int64_t *ids = NULL;
	size_t n = 0;
	if (!u)
		return;
	json_t *body = nz__api_body(c, false);
	if (!body)
		return;
	const char *at = json_string_value(json_object_get(body, "at"));
	const char *bad = NULL;
	if (at && nz_time_parse_rfc3339(nz_str_c(at), &b.at) != NZ_OK)
		bad = "at: an RFC 3339 time such as 2026-03-17T09:30:00Z is needed";
	if (!bad)
		bad = bulk_prepare(c, &b, json_string_value(json_object_get(body, "action")),
				   json_string_value(json_object_get(body, "section")),
				   json_string_value(json_object_get(body, "tag")));
	if (bad) {
		json_decref(body);
		nz__send_json_error(c->resp, 400, "invalid", bad);
		return;
	}
	bool ok = body_ids(c, body, &ids, &n);
	json_decref(body);
	if (!ok)
		return;
	bulk_result *res = nz_arena_alloc(c->req->arena, n * sizeof *res);
	if (!res) {
		nz__api_fail(c, NZ_NOMEM, NULL);
		return;
	}
	size_t done = bulk_run(c, u, &b, ids, n, res);
	nz__send_json(c->resp, 200,
		      json_pack("{s:o, s:I, s:I}", "results", results_json(res, n), "done",
				(json_int_t)done, "refused", (json_int_t)(n - done)));
}
