/*
 * web/admin/authors: the back office's authors (editors and admins; docs/people-and-tags.md):
 *   GET  /admin/authors                  every author, by display name
 *   GET  /admin/authors/{slug}           the profile form and the merge form
 *   POST /admin/authors/{slug}           save (multipart: a photo may come with it)
 *                                        -> 303 /admin/authors/{slug}?done=author-saved
 *   POST /admin/authors/{slug}/merge     into -> 303 /admin/authors/{into}?done=author-merged
 * A refused save answers the form again (422) with what was typed and the problem. The page's
 * view is the admin API's author (render/json_catalog.c) plus the form's own keys.
 */
#include <string.h>

#include "app/app.h"
#include "web/admin/admin_int.h"

/* The languages an author's texts may be in: the site's (content.c's nz_language_valid). */
static const struct {
	const char *code, *label;
} languages[] = {{"en", "English"}, {"ko", "Korean"}};
#define N_LANGUAGES (sizeof languages / sizeof languages[0])

static const char *const orders[] = {"western", "eastern", "hangul"};
static const char *const order_labels[] = {"Given name first (Jane Doe)",
					   "Family name first (Maeng Su-Yeol)",
					   "Korean, no space (맹수열)"};

static void set_flash(nz__ctx *c, nz_admin_ctx *ac)
{
	const char *done = nz_http_query(c->req, "done");
	if (done && strcmp(done, "author-saved") == 0)
		ac->flash = "The author was saved.";
	else if (done && strcmp(done, "author-merged") == 0)
		ac->flash = "The authors were merged: the other author's bylines are this author's "
			    "now, and their old address leads here.";
}

/* A row of the list: the API's author plus job_title (the site's language) and photo_path. */
static json_t *row_json(nz__ctx *c, const nz_author *au)
{
	nz_arena *ar = c->req->arena;
	const nz_author_text *t = nz_author_text_for(au, c->site.language);
	const char *photo = nz_author_photo_url(ar, au);
	json_t *row = nz_json_author(ar, &c->site, au);
	if (row &&
	    (json_object_set_new(row, "job_title",
				 json_string(t && t->job_title ? t->job_title : "")) ||
	     json_object_set_new(row, "photo_path", photo ? json_string(photo) : json_null()))) {
		json_decref(row);
		return NULL;
	}
	return row;
}

static void list_page(nz__ctx *c, const nz_route_match *m)
{
	(void)m;
	nz_admin_ctx ac;
	nz_author *all = NULL;
	size_t n = 0;
	nz_err err = {0};
	const nz_user *me = nz__auth_require(c, NZ_ACT_PUBLISH, NULL);
	if (!me)
		return;
	nz_rc rc = nz_store_author_list(c->store, c->req->arena, &all, &n, &err);
	if (rc) {
		nz__admin_fail(c, "listing authors", rc, &err);
		return;
	}
	nz__admin_ctx(c, me, "authors", &ac);
	set_flash(c, &ac);
	json_t *rows = json_array();
	bool ok = rows != NULL;
	for (size_t i = 0; ok && i < n; i++)
		ok = nz_json_append(rows, row_json(c, &all[i]), ok);
	json_t *view = nz_view_admin(&ac, "Authors");
	if (!ok || !view ||
	    json_object_set_new(view, "author_list",
				json_pack("{s:O, s:b}", "rows", rows, "has_rows", n > 0))) {
		json_decref(rows);
		json_decref(view);
		nz__admin_error(c, 503, NULL);
		return;
	}
	json_decref(rows);
	nz__admin_send(c, 200, "admin-authors", view);
}

/* The form's keys beside the API's author: languages[{code,label,job_title,bio}],
 * orders[{value,label,selected}], links_text, others[{slug,name}], error. */
static bool form_keys(nz__ctx *c, const nz_author *au, json_t *o, const char *error)
{
	nz_arena *ar = c->req->arena;
	nz_author *all = NULL;
	size_t n = 0;
	nz_err err = {0};
	json_t *langs = json_array(), *ords = json_array(), *others = json_array();
	bool ok = langs && ords && others;
	for (size_t i = 0; ok && i < N_LANGUAGES; i++) {
		const nz_author_text *t = NULL;
		for (size_t j = 0; j < au->n_texts; j++)
			if (strcmp(au->texts[j].language, languages[i].code) == 0)
				t = &au->texts[j];
		ok = nz_json_append(langs,
				    json_pack("{s:s, s:s, s:s, s:s}", "code", languages[i].code,
					      "label", languages[i].label, "job_title",
					      t && t->job_title ? t->job_title : "", "bio",
					      t && t->bio ? t->bio : ""),
				    ok);
	}
	for (size_t i = 0; ok && i < 3; i++)
		ok = nz_json_append(ords,
				    json_pack("{s:s, s:s, s:b}", "value", orders[i], "label",
					      order_labels[i], "selected", (size_t)au->order == i),
				    ok);
	if (ok && nz_store_author_list(c->store, ar, &all, &n, &err) == NZ_OK)
		for (size_t i = 0; ok && i < n; i++)
			if (strcmp(all[i].slug, au->slug) != 0)
				ok = nz_json_append(others,
						    json_pack("{s:s, s:s}", "slug", all[i].slug,
							      "name", nz_author_name(ar, &all[i])),
						    ok);
	nz_buf links;
	nz_buf_init(&links, 0);
	for (size_t i = 0; i < au->n_same_as; i++)
		nz_buf_printf(&links, "%s\n", au->same_as[i]);
	ok = ok && json_object_set(o, "languages", langs) == 0 &&
	     json_object_set(o, "orders", ords) == 0 && json_object_set(o, "others", others) == 0 &&
	     json_object_set_new(o, "has_others", json_boolean(json_array_size(others) > 0)) == 0 &&
	     json_object_set_new(o, "links_text", json_string(nz_buf_cstr(&links))) == 0 &&
	     json_object_set_new(o, "photo_path",
				 au->photo_hash ? json_string(nz_author_photo_url(ar, au))
						: json_null()) == 0 &&
	     json_object_set_new(o, "error", error ? json_string(error) : json_null()) == 0;
	nz_buf_free(&links);
	json_decref(langs);
	json_decref(ords);
	json_decref(others);
	return ok;
}

static void edit_page(nz__ctx *c, const nz_user *me, int status, const nz_author *au,
		      const char *error)
{
	nz_admin_ctx ac;
	nz__admin_ctx(c, me, "authors", &ac);
	set_flash(c, &ac);
	json_t *view = nz_view_admin(&ac, nz_author_name(c->req->arena, au));
	json_t *o = nz_json_author(c->req->arena, &c->site, au);
	if (!view || !o || !form_keys(c, au, o, error) ||
	    json_object_set_new(view, "author_editor", o)) {
		json_decref(view);
		nz__admin_error(c, 503, NULL);
		return;
	}
	nz__admin_send(c, status, "admin-authors", view);
}

/* The author of the {slug} capture for a signed-in editor, or NULL after answering. */
static nz_author *load(nz__ctx *c, const nz_route_match *m, const nz_user **me)
{
	nz_author *au = NULL;
	nz_err err = {0};
	*me = nz__auth_require(c, NZ_ACT_PUBLISH, NULL);
	if (!*me)
		return NULL;
	const char *slug = nz_arena_str(c->req->arena, nz_route_param(m, "slug"));
	nz_rc rc = nz_store_author_get(c->store, c->req->arena, slug, &au, &err);
	if (rc == NZ_NOTFOUND)
		nz__admin_error(c, 404, "There is no such author.");
	else if (rc)
		nz__admin_fail(c, "reading an author", rc, &err);
	return rc ? NULL : au;
}

static void edit(nz__ctx *c, const nz_route_match *m)
{
	const nz_user *me;
	nz_author *au = load(c, m, &me);
	if (au)
		edit_page(c, me, 200, au, NULL);
}

/* Every non-empty line of text (arena). */
static size_t lines(nz_arena *ar, const char *text, const char ***out)
{
	size_t n = 0, cap = 0;
	const char **v = NULL;
	for (const char *p = text ? text : ""; *p;) {
		const char *end = strchr(p, '\n');
		nz_str line = nz_str_trim((nz_str){p, end ? (size_t)(end - p) : strlen(p)});
		if (line.len && nz_grow(&v, &cap, n + 1, sizeof(*v), ar) == NZ_OK)
			v[n++] = nz_arena_str(ar, line);
		p = end ? end + 1 : p + strlen(p);
	}
	*out = v;
	return n;
}

/* Applies the form to au; false with *error for people when the photo cannot be used. */
static bool apply_form(nz__ctx *c, const nz_user *me, const nz_http_form *form, nz_author *au,
		       const char **error)
{
	nz_arena *ar = c->req->arena;
	nz_err err = {0};
	au->display_name = nz_http_form_get(form, "display_name");
	au->family_name = nz_http_form_get(form, "family_name");
	au->given_name = nz_http_form_get(form, "given_name");
	au->email = nz_http_form_get(form, "email");
	if (nz_name_order_parse(nz_str_c(nz_http_form_get(form, "name_order")), &au->order))
		au->order = NZ_NAME_WESTERN;
	au->texts = nz_arena_zalloc(ar, N_LANGUAGES * sizeof(*au->texts));
	au->n_texts = 0;
	for (size_t i = 0; au->texts && i < N_LANGUAGES; i++) {
		nz_author_text *t = &au->texts[au->n_texts++];
		t->language = languages[i].code;
		t->job_title =
		    nz_http_form_get(form, nz_arena_printf(ar, "job_title_%s", languages[i].code));
		t->bio = nz_http_form_get(form, nz_arena_printf(ar, "bio_%s", languages[i].code));
	}
	au->n_same_as = lines(ar, nz_http_form_get(form, "links"), &au->same_as);
	au->photo_id = nz__admin_id(nz_str_trim(nz_str_c(nz_http_form_get(form, "photo_id"))));
	const nz_http_form_field *file = nz_http_form_file(form, "photo_file");
	if (file && file->len) {
		nz_app_media_fields fields = {.alt = au->display_name};
		nz_media m = {0};
		nz_rc rc = nz_app_media_add(c->store, ar, me->id, file->value, file->len, &fields,
					    &m, &err);
		if (rc) {
			*error = nz_arena_printf(ar, "The photo was not taken: %s.", err.msg);
			return false;
		}
		au->photo_id = m.id;
	}
	return true;
}

/* "/admin/authors/<slug percent-encoded>" (arena). */
static const char *edit_path(nz__ctx *c, const char *slug)
{
	const char *pub = nz_url_author(c->req->arena, slug); /* "/author/<encoded>" */
	return pub ? nz_arena_printf(c->req->arena, "/admin/authors/%s", pub + strlen("/author/"))
		   : "/admin/authors";
}

static void save(nz__ctx *c, const nz_route_match *m)
{
	const nz_user *me;
	nz_http_form form;
	nz_err err = {0};
	const char *error = NULL;
	nz_author *au = load(c, m, &me);
	if (!au || !nz__admin_form(c, &form))
		return;
	if (!apply_form(c, me, &form, au, &error)) {
		edit_page(c, me, 422, au, error);
		return;
	}
	nz_rc rc = nz_app_author_save(c->store, c->req->arena, me->id, au, &err);
	if (rc == NZ_INVAL) {
		au->photo_hash = NULL;
		edit_page(c, me, 422, au,
			  nz_arena_printf(c->req->arena, "The author was not saved: %s.", err.msg));
	} else if (rc) {
		nz__admin_fail(c, "saving an author", rc, &err);
	} else {
		nz__admin_done(c, edit_path(c, au->slug), "author-saved");
	}
}

static void merge(nz__ctx *c, const nz_route_match *m)
{
	const nz_user *me;
	nz_http_form form;
	nz_err err = {0};
	nz_author *au = load(c, m, &me);
	if (!au || !nz__admin_form(c, &form))
		return;
	const char *into = nz_http_form_get(&form, "into");
	nz_rc rc = nz_store_author_merge(c->store, me->id, au->slug, into, &err);
	if (rc == NZ_INVAL || rc == NZ_NOTFOUND)
		edit_page(
		    c, me, 422, au,
		    nz_arena_printf(c->req->arena, "The authors were not merged: %s.", err.msg));
	else if (rc)
		nz__admin_fail(c, "merging authors", rc, &err);
	else
		nz__admin_done(c, edit_path(c, into), "author-merged");
}

const nz__route_entry nz__admin_author_routes[] = {
    {"GET", "/admin/authors", list_page},
    {"GET", "/admin/authors/{slug}", edit},
    {"POST", "/admin/authors/{slug}", save},
    {"POST", "/admin/authors/{slug}/merge", merge},
    {NULL, NULL, NULL},
};
