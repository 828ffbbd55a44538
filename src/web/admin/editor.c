/*
 * web/admin/editor: the editor page. GET shows an article's form; POST saves it (a new
 * revision, based on the revision the form was loaded with) and, when a workflow button was
 * pressed, applies that step in the same transaction (app/: a refused step saves nothing);
 * the preview renders the form's fields with the real theme's article page; the workflow form
 * appends corrections and retracts.
 *
 * Rules: a refused save never loses what was typed: the page comes back with the user's
 * version in the form and the problem beside its field (422), or, when someone else saved in
 * between, with what they changed (409) and the form re-based on their revision so a second
 * save is a deliberate choice. Permission for a workflow step is checked before anything is
 * saved, so a refused step changes nothing.
 */
#include <string.h>

#include "web/admin/admin_int.h"

/* A workflow button of the editor: the event it applies and the status message after it. */
typedef struct then_step {
	const char *then;
	nz_event ev;
	const char *done;
} then_step;

static const then_step steps[] = {
    {"submit", NZ_EV_SUBMIT, "submitted"},           {"return", NZ_EV_RETURN, "returned"},
    {"publish", NZ_EV_PUBLISH, "published"},         {"schedule", NZ_EV_SCHEDULE, "scheduled"},
    {"unschedule", NZ_EV_UNSCHEDULE, "unscheduled"}, {"embargo", NZ_EV_EMBARGO, "embargoed"},
    {"correct", NZ_EV_CORRECT, "corrected"},         {"retract", NZ_EV_RETRACT, "retracted"},
};

/* The step named `then`, NULL for a plain save (or anything unknown). */
static const then_step *step_for(const char *then)
{
	for (size_t i = 0; then && i < sizeof steps / sizeof steps[0]; i++)
		if (strcmp(steps[i].then, then) == 0)
			return &steps[i];
	return NULL;
}

unsigned nz__editor_events(const nz_user *u, const nz_article *a)
{
	unsigned bits = 0;
	for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++) {
		nz_status to;
		nz_event ev = steps[i].ev;
		if (nz_can(u->role, nz_event_action(ev), a, u->id) &&
		    nz_workflow_next(a->status, ev, &to, NULL) == NZ_OK)
			bits |= 1u << ev;
	}
	return bits;
}

/* The slug of a published translation, for the form's translation field. */
static const char *translation_of(nz__ctx *c, const nz_article *a)
{
	nz_article *t = NULL;
	size_t n = 0;
	if (a->translation_group == 0 ||
	    nz_store_article_translations(c->store, c->req->arena, a, c->page.now, &t, &n, NULL) !=
		NZ_OK ||
	    n == 0)
		return NULL;
	return t[0].slug;
}

void nz__editor_page(nz__ctx *c, const nz_user *u, int status, nz_admin_editor *e)
{
	nz_admin_ctx ac;
	nz_err err = {0};
	nz_author *known = NULL;
	size_t n_known = 0;
	nz_rc rc = nz_store_author_list(c->store, c->req->arena, &known, &n_known, &err);
	if (rc != NZ_OK) {
		nz__admin_fail(c, "listing authors", rc, &err);
		return;
	}
	e->authors_known = known;
	e->n_authors_known = n_known;
	if (!e->translation && !e->is_new)
		e->translation = translation_of(c, e->a);
	e->can_publish = nz_can(u->role, NZ_ACT_PUBLISH, e->a, u->id);
	if (!e->events)
		e->events = nz__editor_events(u, e->a);
	nz__admin_ctx(c, u, e->is_new ? "new" : NULL, &ac);
	json_t *view = nz_view_admin(&ac, e->is_new ? "New article" : "Edit article");
	if (!view || !nz_view_admin_editor(view, &ac, e) ||
	    (!e->is_new && (!nz__editor_import(c, e->a, view) ||
			    !nz__presence_view(c, u, e->a->id, &ac, view)))) {
		json_decref(view);
		nz__admin_error(c, 503, NULL);
		return;
	}
	nz__admin_send(c, status, "admin-editor", view);
}

/* The page again after a refused save: the user's version, the problem, their uploads. */
static void refused(nz__ctx *c, const nz_user *u, const nz__editor_input *in, bool is_new,
		    int status)
{
	nz_admin_editor e = {
	    .a = in->a,
	    .is_new = is_new,
	    .base_revision = in->base_revision,
	    .translation = in->translation,
	    .note = in->note,
	    .publish_at = in->publish_at,
	    .embargo_until = in->embargo_until,
	    .error = in->error,
	    .error_field = in->error_field,
	    .pending_media = in->pending_media,
	    .n_pending_media = in->n_pending_media,
	};
	nz__editor_page(c, u, status, &e);
}

/* ---- GET ------------------------------------------------------------------------------ */

void nz__admin_article_new(nz__ctx *c, const nz_route_match *m)
{
	(void)m;
	const nz_user *u = nz__auth_require(c, NZ_ACT_CREATE, NULL);
	if (!u)
		return;
	nz_article *a = nz_arena_zalloc(c->req->arena, sizeof *a);
	if (!a) {
		nz__admin_error(c, 503, NULL);
		return;
	}
	a->language = c->site.language ? c->site.language : "en";
	a->status = NZ_STATUS_DRAFT;
	a->created_by = u->id;
	nz_admin_editor e = {.a = a, .is_new = true};
	nz__editor_page(c, u, 200, &e);
}

void nz__admin_article_edit(nz__ctx *c, const nz_route_match *m)
{
	const nz_user *u = NULL;
	nz_article *a = NULL;
	if (!nz__admin_article(c, nz__admin_id(nz_route_param(m, "id")), NZ_ACT_VIEW, &u, &a))
		return;
	nz_admin_editor e = {.a = a, .base_revision = a->revision};
	nz__editor_page(c, u, 200, &e);
}

/* ---- saving ----------------------------------------------------------------------------- */

/* Checks the workflow step before anything is saved: permission (403 page, false), the
 * transition and its time (a problem in in->error). *at gets the step's time. */
static bool check_step(nz__ctx *c, const nz_user *u, const then_step *st, nz__editor_input *in,
		       nz_time *at)
{
	nz_admin_ctx ac = {.pc = &c->page};
	nz_status to;
	nz_err err = {0};
	*at = 0;
	if (!st)
		return true;
	if (!nz__auth_page_can(c, u, nz_event_action(st->ev), in->a))
		return false;
	if (nz_workflow_next(in->a->status, st->ev, &to, &err) != NZ_OK) {
		in->error = nz_arena_strdup(c->req->arena, err.msg);
		in->error_field = "form";
		return true;
	}
	const char *when = st->ev == NZ_EV_SCHEDULE  ? in->publish_at
			   : st->ev == NZ_EV_EMBARGO ? in->embargo_until
						     : NULL;
	const char *field = st->ev == NZ_EV_SCHEDULE ? "publish_at" : "embargo_until";
	if (!when && st->ev == NZ_EV_SCHEDULE) {
		in->error = "Choose the time to publish at, then press “Save and schedule” again.";
		in->error_field = field;
	} else if (when && nz_admin_local_parse(&ac, when, at) != NZ_OK) {
		in->error = "Write the time as shown, such as 2026-03-17T09:30.";
		in->error_field = field;
	} else if (st->ev == NZ_EV_SCHEDULE && *at <= c->page.now) {
		in->error = "The publishing time has passed: choose a time in the future, or "
			    "publish now.";
		in->error_field = field;
	}
	return true;
}

/* Finds the translation named in the form (an id or a slug) before anything is saved: *other
 * gets it (NULL when the field is empty or names an article already linked); a name that
 * matches no other article is a problem in in->error. */
static nz_rc find_translation(nz__ctx *c, nz__editor_input *in, nz_article **other, nz_err *err)
{
	*other = NULL;
	if (!in->translation)
		return NZ_OK;
	int64_t oid = nz__admin_id(nz_str_c(in->translation));
	nz_article *o = NULL;
	nz_rc rc =
	    oid ? nz_store_article_by_id(c->store, c->req->arena, oid, &o, err)
		: nz_store_article_by_slug(c->store, c->req->arena, in->translation, &o, err);
	if (rc == NZ_NOTFOUND || (rc == NZ_OK && in->a->id && o->id == in->a->id)) {
		in->error = "There is no other article with that number or address.";
		in->error_field = "translation";
		return NZ_OK;
	}
	if (rc != NZ_OK)
		return rc;
	bool linked =
	    in->a->translation_group != 0 &&
	    (o->translation_group == in->a->translation_group || o->id == in->a->translation_group);
	*other = linked ? NULL : o;
	return NZ_OK;
}

/* Reads the editor's form for a save and checks what the save is to do next (its workflow
 * step and time, its translation link). cur is the stored article, NULL for a new one (a
 * draft by u). Answers the request itself and returns false when the save cannot go on. */
static bool read_save(nz__ctx *c, const nz_user *u, const nz_http_form *form, const nz_article *cur,
		      nz__editor_input *in, const then_step **st, nz_article **translation,
		      nz_time *at)
{
	nz_err err = {0};
	nz_rc rc = nz__editor_read(c, u, form, cur, true, in, &err);
	if (rc != NZ_OK) {
		nz__admin_fail(c, "reading the form", rc, &err);
		return false;
	}
	if (!cur) {
		in->a->status = NZ_STATUS_DRAFT;
		in->a->created_by = u->id;
	}
	*st = step_for(in->then);
	if (!check_step(c, u, *st, in, at))
		return false;
	if (!in->error && (rc = find_translation(c, in, translation, &err)) != NZ_OK) {
		nz__admin_fail(c, "finding the translation", rc, &err);
		return false;
	}
	if (in->error) {
		refused(c, u, in, cur == NULL, 422);
		return false;
	}
	return true;
}

static void save(nz__ctx *c, const nz_user *u, nz__editor_input *in, const then_step *st,
		 nz_time at, const nz_article *translation);

void nz__admin_article_create(nz__ctx *c, const nz_route_match *m)
{
	(void)m;
	nz_http_form form;
	nz__editor_input in;
	nz_time at = 0;
	const nz_user *u = nz__auth_require(c, NZ_ACT_CREATE, NULL);
	if (!u || !nz__admin_form(c, &form))
		return;
	const then_step *st = NULL;
	nz_article *translation = NULL;
	if (read_save(c, u, &form, NULL, &in, &st, &translation, &at))
		save(c, u, &in, st, at, translation);
}

/* The page after someone else saved first: their changes since the form's base revision, the
 * user's version in the form, re-based on the stored revision. */
static void conflict(nz__ctx *c, const nz_user *u, nz__editor_input *in)
{
	nz_arena *ar = c->req->arena;
	nz_article *cur = NULL, *old = NULL;
	nz_revision *rev = NULL;
	nz_err err = {0};
	nz_rc rc = nz_store_article_by_id(c->store, ar, in->a->id, &cur, &err);
	if (rc == NZ_OK)
		rc = nz_store_revision_get(c->store, ar, cur->id, cur->revision, &rev, &err);
	if (rc == NZ_OK && nz_store_revision_article(c->store, ar, cur->id, in->base_revision, &old,
						     &err) != NZ_OK)
		old = NULL; /* a base that never existed: show their whole version */
	if (rc != NZ_OK) {
		nz__admin_fail(c, "loading the other version", rc, &err);
		return;
	}
	nz_admin_editor e = {
	    .a = in->a,
	    .base_revision = cur->revision,
	    .translation = in->translation,
	    .note = in->note,
	    .publish_at = in->publish_at,
	    .embargo_until = in->embargo_until,
	    .pending_media = in->pending_media,
	    .n_pending_media = in->n_pending_media,
	    .conflict_html = nz__admin_diff_text(c, old, cur),
	    .conflict_by = rev->login ? rev->login : "the system",
	    .conflict_at = rev->created_at,
	    .conflict_revision = cur->revision,
	};
	in->a->status = cur->status; /* buttons for the state it is really in */
	in->a->revision = cur->revision;
	nz__editor_page(c, u, 409, &e);
}

/* Saves the form's article (a new one when in->a->id is 0), its translation link and its
 * workflow step in one transaction (app/), then 303 to the article; a refused part leaves
 * nothing saved and shows the user's version again with the problem. */
static void save(nz__ctx *c, const nz_user *u, nz__editor_input *in, const then_step *st,
		 nz_time at, const nz_article *translation)
{
	bool is_new = in->a->id == 0;
	nz_err err = {0};
	nz_app_save sv = {
	    .actor = u->id,
	    .a = in->a,
	    .base_revision = in->base_revision,
	    .note = in->note,
	    .translation_id = translation ? translation->id : 0,
	    .then = st ? st->ev : NZ_EV_EDIT,
	    .at = at,
	};
	nz_rc rc = nz_app_article_save(c->store, c->req->arena, &sv, &err);
	bool fields = sv.failed == NZ_APP_PART_FIELDS, step = sv.failed == NZ_APP_PART_STEP;
	if (rc == NZ_OK) {
		const char *done = !st ? (is_new ? "created" : "saved")
				   : st->ev == NZ_EV_EMBARGO && at == 0 ? "embargo-cleared"
									: st->done;
		nz__admin_done(
		    c, nz_arena_printf(c->req->arena, "/admin/articles/%lld", (long long)in->a->id),
		    done);
	} else if (fields && rc == NZ_CONFLICT && !is_new) {
		conflict(c, u, in);
	} else if ((fields && (rc == NZ_INVAL || rc == NZ_EXISTS)) ||
		   (step && (rc == NZ_INVAL || rc == NZ_CONFLICT))) {
		in->error = step ? nz_arena_printf(c->req->arena, "Nothing was saved: %s", err.msg)
				 : nz_arena_strdup(c->req->arena, err.msg);
		in->error_field = !fields           ? "form"
				  : is_new          ? "headline"
				  : rc == NZ_EXISTS ? "slug"
						    : "form";
		refused(c, u, in, is_new, 422);
	} else {
		nz__admin_fail(c, is_new ? "creating the article" : "saving the article", rc, &err);
	}
}

void nz__admin_article_save(nz__ctx *c, const nz_route_match *m)
{
	const nz_user *u = NULL;
	nz_article *a = NULL;
	nz_http_form form;
	nz__editor_input in;
	nz_time at = 0;
	if (!nz__admin_article(c, nz__admin_id(nz_route_param(m, "id")), NZ_ACT_EDIT, &u, &a) ||
	    !nz__admin_form(c, &form))
		return;
	const then_step *st = NULL;
	nz_article *translation = NULL;
	if (read_save(c, u, &form, a, &in, &st, &translation, &at))
		save(c, u, &in, st, at, translation);
}

/* ---- preview and workflow ------------------------------------------------------------------ */

void nz__admin_article_preview(nz__ctx *c, const nz_route_match *m)
{
	nz_str id = nz_route_param(m, "id");
	const nz_user *u = NULL;
	nz_article *a = NULL;
	nz_http_form form;
	nz__editor_input in;
	nz_err err = {0};
	if (nz_str_eq_c(id, "new")) {
		if (!(u = nz__auth_require(c, NZ_ACT_CREATE, NULL)))
			return;
	} else if (!nz__admin_article(c, nz__admin_id(id), NZ_ACT_VIEW, &u, &a)) {
		return;
	}
	if (!nz__admin_form(c, &form))
		return;
	nz_rc rc = nz__editor_read(c, u, &form, a, false, &in, &err);
	if (rc != NZ_OK) {
		nz__admin_fail(c, "reading the form", rc, &err);
		return;
	}
	/* Shown as readers would see it once published (problems are the save's business). */
	nz_article *p = in.a;
	if (p->status != NZ_STATUS_RETRACTED)
		p->status = NZ_STATUS_PUBLISHED;
	if (!p->published_at)
		p->published_at = c->page.now;
	if (!p->slug)
		p->slug = "preview";
	p->embargo_until = 0;
	if (p->section)
		c->page.current_section = p->section->slug;
	nz__admin_send(c, 200, "article", nz_view_article(&c->page, p));
}

void nz__admin_article_workflow(nz__ctx *c, const nz_route_match *m)
{
	const nz_user *u = NULL;
	nz_article *a = NULL;
	nz_http_form form;
	nz_err err = {0};
	nz_event ev;
	if (!nz__admin_article(c, nz__admin_id(nz_route_param(m, "id")), NZ_ACT_VIEW, &u, &a) ||
	    !nz__admin_form(c, &form))
		return;
	const then_step *st = step_for(nz_http_form_get(&form, "event"));
	if (!st || nz_event_parse(nz_str_c(st->then), &ev) != NZ_OK) {
		nz__admin_error(c, 400, "Unknown workflow step.");
		return;
	}
	if (!nz__auth_page_can(c, u, nz_event_action(ev), a))
		return;
	const char *text = nz_http_form_get(&form, "text");
	nz_str t = nz_str_trim(nz_str_c(text));
	text = t.len ? nz_arena_str(c->req->arena, t) : NULL;
	nz_article_transition tr = {u->id, a->id, ev, 0, text, 0};
	nz_rc rc = nz_store_article_transition(c->store, c->req->arena, &tr, NULL, &err);
	if (rc == NZ_INVAL) {
		nz_admin_editor e = {.a = a, .base_revision = a->revision};
		e.error = nz_arena_strdup(c->req->arena, err.msg);
		e.error_field = ev == NZ_EV_CORRECT ? "correction" : "form";
		nz__editor_page(c, u, 422, &e);
		return;
	}
	if (rc != NZ_OK) {
		nz__admin_fail(c, "changing the article's state", rc, &err);
		return;
	}
	nz__admin_done(c, nz_arena_printf(c->req->arena, "/admin/articles/%lld", (long long)a->id),
		       st->done);
}
