/*
 * web/admin/static_pages: the back office's static pages (About, Contact, the policies, the
 * masthead; docs/pages.md), for editors and admins (a page is public once saved):
 *   GET  /admin/pages              every page, in the footer's order
 *   GET  /admin/pages/new          the form for a new page
 *   POST /admin/pages              create → 303 /admin/pages/{id}?done=saved
 *   GET  /admin/pages/{id}         the form with the page and its revisions
 *   POST /admin/pages/{id}         save, based on the form's revision → 303, or the form
 *                                  again with the message (422 bad input, 409 saved by someone
 *                                  else in between, or the slug or role taken)
 * The form has a title and a text per other edition (the page's version at /<code>/{slug}; both
 * left empty: none). The checks are app/static_page.c's, the same as the API's.
 */
#include <stdlib.h>
#include <string.h>

#include "app/app.h"
#include "web/admin/admin_int.h"

/* The roles an editor chooses from, with what each is called in the form. */
static const char *const role_labels[][2] = {
    {"publishingPrinciples", "Publishing principles"}, {"ethicsPolicy", "Ethics policy"},
    {"correctionsPolicy", "Corrections policy"},       {"masthead", "Masthead"},
    {"diversityPolicy", "Diversity policy"},
};
#define N_ROLES (sizeof role_labels / sizeof role_labels[0])

static const char *role_label(const char *role)
{
	for (size_t i = 0; role && i < N_ROLES; i++)
		if (strcmp(role, role_labels[i][0]) == 0)
			return role_labels[i][1];
	return NULL;
}

static json_t *roles_json(const char *current)
{
	json_t *arr = json_array();
	for (size_t i = 0; arr && i < N_ROLES; i++) {
		bool sel = current && strcmp(current, role_labels[i][0]) == 0;
		if (json_array_append_new(arr,
					  json_pack("{s:s, s:s, s:b}", "value", role_labels[i][0],
						    "label", role_labels[i][1], "selected", sel))) {
			json_decref(arr);
			return NULL;
		}
	}
	return arr;
}

static json_t *revisions_json(nz__ctx *c, const nz_admin_ctx *ac, int64_t id)
{
	nz_static_page_revision *r = NULL;
	size_t n = 0;
	nz_err err = {0};
	json_t *arr = json_array();
	if (!id || !arr)
		return arr;
	if (nz_store_static_page_revisions(c->store, c->req->arena, id, &r, &n, &err))
		n = 0;
	for (size_t i = 0; arr && i < n; i++) {
		if (json_array_append_new(arr, json_pack("{s:I, s:s, s:o}", "revision",
							 (json_int_t)r[i].revision, "title",
							 r[i].title, "saved",
							 nz_view_admin_time(ac, r[i].saved_at)))) {
			json_decref(arr);
			return NULL;
		}
	}
	return arr;
}

/* The other editions' codes (not the site's language) into codes; how many. */
static size_t other_editions(const nz__ctx *c, char codes[][16])
{
	size_t n = nz_site_editions(&c->site, codes, NZ_EDITIONS_MAX), k = 0;
	const char *own = c->site.language ? c->site.language : "en";
	for (size_t i = 0; i < n; i++)
		if (strcmp(codes[i], own) != 0)
			memmove(codes[k++], codes[i], sizeof codes[0]);
	return k;
}

/* A text of a version in lang as stored or as typed ("" for none). */
static const char *version_text(json_t *all, const char *lang, const char *key)
{
	const char *s = json_string_value(json_object_get(json_object_get(all, lang), key));
	return s ? s : "";
}

/* The form's fields of p's versions in the other editions: [{code, title, body_markdown}]. */
static json_t *versions_json(nz__ctx *c, const nz_static_page *p)
{
	char codes[NZ_EDITIONS_MAX][16];
	size_t n = other_editions(c, codes);
	json_t *all = p->translations ? json_loads(p->translations, 0, NULL) : NULL;
	json_t *arr = json_array();
	for (size_t i = 0; arr && i < n; i++) {
		json_t *o = json_pack("{s:s, s:s, s:s}", "code", codes[i], "title",
				      version_text(all, codes[i], "title"), "body_markdown",
				      version_text(all, codes[i], "body_markdown"));
		if (json_array_append_new(arr, o) != 0) {
			json_decref(arr);
			arr = NULL;
		}
	}
	json_decref(all);
	return arr;
}

/* The form's fields of the versions ("title.ko", "body_markdown.ko") over p's, unchecked (the
 * save checks them; a refused form shows them as typed). */
static void form_versions(nz__ctx *c, nz_http_form *form, nz_static_page *p)
{
	char codes[NZ_EDITIONS_MAX][16];
	size_t n = other_editions(c, codes);
	nz_arena *ar = c->req->arena;
	json_t *all = p->translations ? json_loads(p->translations, 0, NULL) : NULL;
	if (!json_is_object(all)) {
		json_decref(all);
		all = json_object();
	}
	for (size_t i = 0; all && i < n; i++) {
		const char *t = nz_http_form_get(form, nz_arena_printf(ar, "title.%s", codes[i]));
		const char *b =
		    nz_http_form_get(form, nz_arena_printf(ar, "body_markdown.%s", codes[i]));
		if (t || b)
			json_object_set_new(all, codes[i],
					    json_pack("{s:s, s:s}", "title", t ? t : "",
						      "body_markdown", b ? b : ""));
	}
	char *text = all ? json_dumps(all, JSON_COMPACT) : NULL;
	p->translations = text ? nz_arena_strdup(ar, text) : p->translations;
	free(text);
	json_decref(all);
}

/* The form for p (id 0: a new page), with error shown when not NULL. */
static void editor(nz__ctx *c, const nz_user *me, int status, const nz_static_page *p,
		   const char *error)
{
	nz_admin_ctx ac;
	nz__admin_ctx(c, me, "pages", &ac);
	const char *done = nz_http_query(c->req, "done");
	if (done && strcmp(done, "saved") == 0 && !error)
		ac.flash = "The page was saved; it is on the site.";
	json_t *view = nz_view_admin(&ac, p->id ? "Edit page" : "New page");
	json_t *e = json_pack("{s:I, s:I, s:s, s:s, s:s, s:I, s:o, s:o, s:o, s:o, s:s?}", "id",
			      (json_int_t)p->id, "revision", (json_int_t)p->revision, "title",
			      p->title ? p->title : "", "slug", p->slug ? p->slug : "",
			      "body_markdown", p->body_markdown ? p->body_markdown : "", "position",
			      (json_int_t)p->position, "roles", roles_json(p->role), "revisions",
			      revisions_json(c, &ac, p->id), "versions", versions_json(c, p),
			      "error", error ? json_string(error) : json_null(), "url",
			      p->id && p->slug ? nz_url_static_page(c->req->arena, p->slug) : NULL);
	if (!view || !e || json_object_set_new(view, "page_editor", e) != 0) {
		json_decref(view);
		nz__admin_error(c, 503, NULL);
		return;
	}
	nz__admin_send(c, status, "admin-pages", view);
}

static void list(nz__ctx *c, const nz_route_match *m)
{
	(void)m;
	nz_admin_ctx ac;
	const nz_user *me = nz__auth_require(c, NZ_ACT_PUBLISH, NULL);
	if (!me)
		return;
	nz__admin_ctx(c, me, "pages", &ac);
	json_t *rows = json_array();
	for (size_t i = 0; rows && i < c->page.n_pages; i++) {
		const nz_static_page *p = &c->page.pages[i];
		if (json_array_append_new(
			rows, json_pack("{s:I, s:s, s:s, s:s?, s:I, s:o}", "id", (json_int_t)p->id,
					"title", p->title, "url",
					nz_url_static_page(c->req->arena, p->slug), "role",
					role_label(p->role), "revision", (json_int_t)p->revision,
					"updated", nz_view_admin_time(&ac, p->updated_at)))) {
			json_decref(rows);
			rows = NULL;
		}
	}
	json_t *view = nz_view_admin(&ac, "Pages");
	json_t *l =
	    rows ? json_pack("{s:o, s:b}", "rows", rows, "has_rows", c->page.n_pages > 0) : NULL;
	if (!view || !l || json_object_set_new(view, "page_list", l) != 0) {
		json_decref(view);
		nz__admin_error(c, 503, NULL);
		return;
	}
	nz__admin_send(c, 200, "admin-pages", view);
}

static void new_page(nz__ctx *c, const nz_route_match *m)
{
	(void)m;
	const nz_user *me = nz__auth_require(c, NZ_ACT_PUBLISH, NULL);
	nz_static_page p = {0};
	if (me)
		editor(c, me, 200, &p, NULL);
}

/* The page of the {id} capture, or false after answering 404. */
static bool load(nz__ctx *c, const nz_route_match *m, nz_static_page *p)
{
	nz_str s = nz_route_param(m, "id");
	char *end = NULL;
	const char *txt = nz_arena_str(c->req->arena, s);
	long long id = txt ? strtoll(txt, &end, 10) : 0;
	nz_err err = {0};
	if (id <= 0 || !end || *end ||
	    nz_store_static_page_get(c->store, c->req->arena, NULL, id, p, &err) != NZ_OK) {
		nz__admin_error(c, 404, "There is no such page.");
		return false;
	}
	return true;
}

static void edit(nz__ctx *c, const nz_route_match *m)
{
	const nz_user *me = nz__auth_require(c, NZ_ACT_PUBLISH, NULL);
	nz_static_page p;
	if (me && load(c, m, &p))
		editor(c, me, 200, &p, NULL);
}

/* Saves the form into p (a new page when p->id is 0) and answers. */
static void save(nz__ctx *c, const nz_user *me, nz_static_page *p)
{
	nz_http_form form;
	nz_err err = {0};
	if (!nz__admin_form(c, &form))
		return;
	nz_arena *ar = c->req->arena;
	const char *rev = nz_http_form_get(&form, "revision");
	const char *pos = nz_http_form_get(&form, "position");
	p->title = nz_http_form_get(&form, "title");
	p->slug = nz_http_form_get(&form, "slug");
	p->body_markdown = nz_http_form_get(&form, "body_markdown");
	p->role = nz_http_form_get(&form, "role");
	p->position = pos ? strtoll(pos, NULL, 10) : 0;
	if (p->id)
		p->revision = rev ? strtoll(rev, NULL, 10) : 0;
	form_versions(c, &form, p);
	nz_static_page keep = *p;
	nz_rc rc = nz_app_static_page_save(c->store, ar, p, me->id, NULL, &err);
	if (rc == NZ_INVAL || rc == NZ_UTF8 || rc == NZ_TOOBIG || rc == NZ_EXISTS ||
	    rc == NZ_CONFLICT) {
		const char *msg = nz_arena_printf(ar, "The page was not saved: %s.", err.msg);
		editor(c, me, rc == NZ_CONFLICT || rc == NZ_EXISTS ? 409 : 422, &keep, msg);
	} else if (rc != NZ_OK) {
		nz__admin_fail(c, "saving a page", rc, &err);
	} else {
		const char *to =
		    nz_arena_printf(ar, "/admin/pages/%lld?done=saved", (long long)p->id);
		nz__redirect(c, to ? to : "/admin/pages");
	}
}

static void create(nz__ctx *c, const nz_route_match *m)
{
	(void)m;
	const nz_user *me = nz__auth_require(c, NZ_ACT_PUBLISH, NULL);
	nz_static_page p = {0};
	if (me)
		save(c, me, &p);
}

static void update(nz__ctx *c, const nz_route_match *m)
{
	const nz_user *me = nz__auth_require(c, NZ_ACT_PUBLISH, NULL);
	nz_static_page p;
	if (me && load(c, m, &p))
		save(c, me, &p);
}

const nz__route_entry nz__admin_static_page_routes[] = {
    {"GET", "/admin/pages", list},         {"POST", "/admin/pages", create},
    {"GET", "/admin/pages/new", new_page}, {"GET", "/admin/pages/{id}", edit},
    {"POST", "/admin/pages/{id}", update}, {NULL, NULL, NULL},
};
