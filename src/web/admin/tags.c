/*
 * web/admin/tags: the newsroom's tags (editors and admins; docs/people-and-tags.md): a name and
 * a description per language (shown on article pages, the tag's page, feeds and JSON-LD
 * instead of the slug), a new slug (the old address answers 301), merging two tags.
 *   GET   /admin/tags, /admin/tags/{slug}          the list; the form
 *   POST  /admin/tags/{slug}                       save (and rename when the slug changed)
 *   POST  /admin/tags/{slug}/merge                 into -> the kept tag's form
 *   GET   /api/v1/admin/tags[/{slug}]              {"tags": [tag]}; the tag
 *   PATCH /api/v1/admin/tags/{slug}                name, texts (replaces), slug (renames)
 *   POST  /api/v1/admin/tags/{slug}/merge          {"into": slug} -> the kept tag
 */
#include <string.h>

#include "app/app.h"
#include "web/admin/admin_int.h"

static const struct {
	const char *code, *label;
} languages[] = {{"en", "English"}, {"ko", "Korean"}};
#define N_LANGUAGES (sizeof languages / sizeof languages[0])

/* Saves tag (texts trimmed, empty ones dropped) and renames it to new_slug when that differs;
 * tag->slug is the slug it ends with. */
static nz_rc save_tag(nz__ctx *c, const nz_user *u, nz_tag *tag, const char *new_slug, nz_err *err)
{
	nz_arena *ar = c->req->arena;
	size_t kept = 0;
	nz_str name = nz_str_trim(nz_str_c(tag->name));
	tag->name = name.len ? nz_arena_str(ar, name) : NULL;
	for (size_t i = 0; i < tag->n_texts; i++) {
		nz_tag_text t = tag->texts[i];
		nz_str n = nz_str_trim(nz_str_c(t.name)), d = nz_str_trim(nz_str_c(t.description));
		t.name = n.len ? nz_arena_str(ar, n) : NULL;
		t.description = d.len ? nz_arena_str(ar, d) : NULL;
		if (t.name || t.description)
			tag->texts[kept++] = t;
	}
	tag->n_texts = kept;
	nz_rc rc = nz_store_tag_save(c->store, u->id, tag, err);
	nz_str to = nz_str_trim(nz_str_c(new_slug));
	if (rc == NZ_OK && to.len && !nz_str_eq_c(to, tag->slug)) {
		const char *slug = nz_arena_str(ar, to);
		rc = nz_store_tag_rename(c->store, u->id, tag->slug, slug, err);
		if (rc == NZ_OK)
			tag->slug = slug;
	}
	return rc;
}

/* ---- the admin API ------------------------------------------------------------------------ */

static const nz_user *api_writer(nz__ctx *c)
{
	const nz_user *u = nz__auth_api_user(c);
	return u && nz__auth_api_can(c, u, NZ_ACT_PUBLISH, NULL) ? u : NULL;
}

static nz_tag *api_load(nz__ctx *c, const nz_route_match *m)
{
	nz_tag *tag = NULL;
	nz_err err = {0};
	const char *slug = nz_arena_str(c->req->arena, nz_route_param(m, "slug"));
	nz_rc rc = nz_store_tag_get(c->store, c->req->arena, slug, &tag, &err);
	if (rc)
		nz__api_fail(c, rc, &err);
	return rc ? NULL : tag;
}

/* The tag as stored now, or the error. */
static void api_send(nz__ctx *c, int status, const char *slug)
{
	nz_tag *tag = NULL;
	nz_err err = {0};
	nz_rc rc = nz_store_tag_get(c->store, c->req->arena, slug, &tag, &err);
	if (rc)
		nz__api_fail(c, rc, &err);
	else
		nz__send_json(c->resp, status, nz_json_tag(c->req->arena, &c->site, tag));
}

static void api_list(nz__ctx *c, const nz_route_match *m)
{
	(void)m;
	nz_tag *all = NULL;
	size_t n = 0;
	nz_err err = {0};
	if (!api_writer(c))
		return;
	nz_rc rc = nz_store_tag_list(c->store, c->req->arena, &all, &n, &err);
	if (rc) {
		nz__api_fail(c, rc, &err);
		return;
	}
	json_t *arr = json_array();
	bool ok = arr != NULL;
	for (size_t i = 0; ok && i < n; i++)
		ok = nz_json_append(arr, nz_json_tag(c->req->arena, &c->site, &all[i]), ok);
	if (!ok)
		json_decref(arr);
	nz__send_json(c->resp, 200, ok ? json_pack("{s:o}", "tags", arr) : NULL);
}

static void api_get(nz__ctx *c, const nz_route_match *m)
{
	nz_tag *tag = api_writer(c) ? api_load(c, m) : NULL;
	if (tag)
		nz__send_json(c->resp, 200, nz_json_tag(c->req->arena, &c->site, tag));
}

/* texts: {"en": {"name", "description"}, ...} replacing every text; false after a 400. */
static bool api_texts(nz__ctx *c, json_t *body, nz_tag *tag)
{
	json_t *texts = json_object_get(body, "texts"), *v;
	const char *lang;
	if (!texts)
		return true;
	tag->n_texts = 0;
	tag->texts = json_is_object(texts)
			 ? nz_arena_zalloc(c->req->arena,
					   (json_object_size(texts) + 1) * sizeof(*tag->texts))
			 : NULL;
	if (!tag->texts)
		goto bad;
	json_object_foreach(texts, lang, v)
	{
		json_t *n = json_object_get(v, "name"), *d = json_object_get(v, "description");
		nz_tag_text *t = &tag->texts[tag->n_texts++];
		if (!json_is_object(v) || (n && !json_is_string(n) && !json_is_null(n)) ||
		    (d && !json_is_string(d) && !json_is_null(d)))
			goto bad;
		t->language = nz_arena_strdup(c->req->arena, lang);
		t->name =
		    json_is_string(n) ? nz_arena_strdup(c->req->arena, json_string_value(n)) : NULL;
		t->description =
		    json_is_string(d) ? nz_arena_strdup(c->req->arena, json_string_value(d)) : NULL;
	}
	return true;
bad:
	nz__send_json_error(c->resp, 400, "invalid",
			    "texts: an object of languages, each {\"name\", \"description\"}");
	return false;
}

static void api_patch(nz__ctx *c, const nz_route_match *m)
{
	const nz_user *u = api_writer(c);
	nz_tag *tag = u ? api_load(c, m) : NULL;
	json_t *body = tag ? nz__api_body(c, false) : NULL;
	nz_err err = {0};
	if (!body)
		return;
	json_t *name = json_object_get(body, "name"), *slug = json_object_get(body, "slug");
	if ((name && !json_is_string(name)) || (slug && !json_is_string(slug))) {
		json_decref(body);
		nz__send_json_error(c->resp, 400, "invalid", "name and slug: strings");
		return;
	}
	if (name)
		tag->name = nz_arena_strdup(c->req->arena, json_string_value(name));
	const char *to = slug ? nz_arena_strdup(c->req->arena, json_string_value(slug)) : NULL;
	bool ok = api_texts(c, body, tag);
	json_decref(body);
	if (!ok)
		return;
	nz_rc rc = save_tag(c, u, tag, to, &err);
	if (rc)
		nz__api_fail(c, rc, &err);
	else
		api_send(c, 200, tag->slug);
}

static void api_merge(nz__ctx *c, const nz_route_match *m)
{
	const nz_user *u = api_writer(c);
	nz_tag *tag = u ? api_load(c, m) : NULL;
	json_t *body = tag ? nz__api_body(c, false) : NULL;
	nz_err err = {0};
	if (!body)
		return;
	const char *into = json_string_value(json_object_get(body, "into"));
	into = into ? nz_arena_strdup(c->req->arena, into) : NULL;
	json_decref(body);
	nz_rc rc = nz_store_tag_merge(c->store, u->id, tag->slug, into, &err);
	if (rc)
		nz__api_fail(c, rc, &err);
	else
		api_send(c, 200, into);
}

/* ---- the back office's pages -------------------------------------------------------------- */

static void set_flash(nz__ctx *c, nz_admin_ctx *ac)
{
	const char *done = nz_http_query(c->req, "done");
	if (done && strcmp(done, "tag-saved") == 0)
		ac->flash = "The tag was saved.";
	else if (done && strcmp(done, "tag-merged") == 0)
		ac->flash =
		    "The tags were merged: the other tag's articles carry this one now, and "
		    "its old address leads here.";
}

/* "/admin/tags/<slug percent-encoded>" (arena). */
static const char *edit_path(nz__ctx *c, const char *slug)
{
	const char *pub = nz_url_tag(c->req->arena, slug); /* "/tag/<encoded>" */
	return pub ? nz_arena_printf(c->req->arena, "/admin/tags/%s", pub + strlen("/tag/"))
		   : "/admin/tags";
}

/* The API's tag plus, for the list, the names per language as one line, and for the form,
 * languages[{code,label,name,description}], others[{slug,name}], error. */
static json_t *tag_view(nz__ctx *c, const nz_tag *tag, const nz_tag *all, size_t n,
			const char *error)
{
	json_t *o = nz_json_tag(c->req->arena, &c->site, tag);
	json_t *langs = json_array(), *others = json_array();
	bool ok = o && langs && others;
	for (size_t i = 0; ok && i < N_LANGUAGES; i++) {
		const nz_tag_text *t = NULL;
		for (size_t j = 0; j < tag->n_texts; j++)
			if (strcmp(tag->texts[j].language, languages[i].code) == 0)
				t = &tag->texts[j];
		ok = nz_json_append(langs,
				    json_pack("{s:s, s:s, s:s, s:s, s:s}", "code",
					      languages[i].code, "label", languages[i].label,
					      "name", t && t->name ? t->name : "", "description",
					      t && t->description ? t->description : "", "shown",
					      nz_tag_name(tag, languages[i].code)),
				    ok);
	}
	for (size_t i = 0; ok && i < n; i++)
		if (strcmp(all[i].slug, tag->slug) != 0)
			ok = nz_json_append(others,
					    json_pack("{s:s, s:s}", "slug", all[i].slug, "name",
						      nz_tag_name(&all[i], c->site.language)),
					    ok);
	ok = ok && json_object_set(o, "languages", langs) == 0 &&
	     json_object_set(o, "others", others) == 0 &&
	     json_object_set_new(o, "has_others", json_boolean(json_array_size(others) > 0)) == 0 &&
	     json_object_set_new(o, "error", error ? json_string(error) : json_null()) == 0;
	json_decref(langs);
	json_decref(others);
	if (!ok) {
		json_decref(o);
		return NULL;
	}
	return o;
}

/* The list (tag NULL) or the form of tag, with status and error. */
static void page(nz__ctx *c, const nz_user *me, int status, const nz_tag *tag, const char *error)
{
	nz_admin_ctx ac;
	nz_tag *all = NULL;
	size_t n = 0;
	nz_err err = {0};
	nz_rc rc = nz_store_tag_list(c->store, c->req->arena, &all, &n, &err);
	if (rc) {
		nz__admin_fail(c, "listing tags", rc, &err);
		return;
	}
	nz__admin_ctx(c, me, "tags", &ac);
	set_flash(c, &ac);
	json_t *view = nz_view_admin(&ac, tag ? nz_tag_name(tag, c->site.language) : "Tags");
	json_t *body = NULL;
	if (tag) {
		body = tag_view(c, tag, all, n, error);
	} else {
		json_t *rows = json_array();
		bool ok = rows != NULL;
		for (size_t i = 0; ok && i < n; i++)
			ok = nz_json_append(rows, tag_view(c, &all[i], NULL, 0, NULL), ok);
		body = ok ? json_pack("{s:o, s:b}", "rows", rows, "has_rows", n > 0) : NULL;
		if (!ok)
			json_decref(rows);
	}
	if (!view || !body || json_object_set_new(view, tag ? "tag_editor" : "tag_list", body)) {
		json_decref(view);
		nz__admin_error(c, 503, NULL);
		return;
	}
	nz__admin_send(c, status, "admin-tags", view);
}

static void list_page(nz__ctx *c, const nz_route_match *m)
{
	(void)m;
	const nz_user *me = nz__auth_require(c, NZ_ACT_PUBLISH, NULL);
	if (me)
		page(c, me, 200, NULL, NULL);
}

static nz_tag *load(nz__ctx *c, const nz_route_match *m, const nz_user **me)
{
	nz_tag *tag = NULL;
	nz_err err = {0};
	*me = nz__auth_require(c, NZ_ACT_PUBLISH, NULL);
	if (!*me)
		return NULL;
	const char *slug = nz_arena_str(c->req->arena, nz_route_param(m, "slug"));
	nz_rc rc = nz_store_tag_get(c->store, c->req->arena, slug, &tag, &err);
	if (rc == NZ_NOTFOUND)
		nz__admin_error(c, 404, "There is no such tag.");
	else if (rc)
		nz__admin_fail(c, "reading a tag", rc, &err);
	return rc ? NULL : tag;
}

static void edit(nz__ctx *c, const nz_route_match *m)
{
	const nz_user *me;
	nz_tag *tag = load(c, m, &me);
	if (tag)
		page(c, me, 200, tag, NULL);
}

static void save(nz__ctx *c, const nz_route_match *m)
{
	const nz_user *me;
	nz_http_form form;
	nz_err err = {0};
	nz_arena *ar = c->req->arena;
	nz_tag *tag = load(c, m, &me);
	if (!tag || !nz__admin_form(c, &form))
		return;
	tag->name = nz_http_form_get(&form, "name");
	tag->texts = nz_arena_zalloc(ar, N_LANGUAGES * sizeof(*tag->texts));
	tag->n_texts = 0;
	for (size_t i = 0; tag->texts && i < N_LANGUAGES; i++) {
		nz_tag_text *t = &tag->texts[tag->n_texts++];
		t->language = languages[i].code;
		t->name = nz_http_form_get(&form, nz_arena_printf(ar, "name_%s", t->language));
		t->description =
		    nz_http_form_get(&form, nz_arena_printf(ar, "description_%s", t->language));
	}
	const char *old = tag->slug;
	nz_rc rc = save_tag(c, me, tag, nz_http_form_get(&form, "slug"), &err);
	if (rc == NZ_INVAL || rc == NZ_EXISTS) {
		tag->slug = old;
		page(c, me, 422, tag, nz_arena_printf(ar, "The tag was not saved: %s.", err.msg));
	} else if (rc) {
		nz__admin_fail(c, "saving a tag", rc, &err);
	} else {
		nz__admin_done(c, edit_path(c, tag->slug), "tag-saved");
	}
}

static void merge(nz__ctx *c, const nz_route_match *m)
{
	const nz_user *me;
	nz_http_form form;
	nz_err err = {0};
	nz_tag *tag = load(c, m, &me);
	if (!tag || !nz__admin_form(c, &form))
		return;
	const char *into = nz_http_form_get(&form, "into");
	nz_rc rc = nz_store_tag_merge(c->store, me->id, tag->slug, into, &err);
	if (rc == NZ_INVAL || rc == NZ_NOTFOUND)
		page(c, me, 422, tag,
		     nz_arena_printf(c->req->arena, "The tags were not merged: %s.", err.msg));
	else if (rc)
		nz__admin_fail(c, "merging tags", rc, &err);
	else
		nz__admin_done(c, edit_path(c, into), "tag-merged");
}

const nz__route_entry nz__admin_tag_routes[] = {
    {"GET", "/admin/tags", list_page},
    {"GET", "/admin/tags/{slug}", edit},
    {"POST", "/admin/tags/{slug}", save},
    {"POST", "/admin/tags/{slug}/merge", merge},
    {"GET", "/api/v1/admin/tags", api_list},
    {"GET", "/api/v1/admin/tags/{slug}", api_get},
    {"PATCH", "/api/v1/admin/tags/{slug}", api_patch},
    {"POST", "/api/v1/admin/tags/{slug}/merge", api_merge},
    {NULL, NULL, NULL},
};
