/*
 * web/admin/history: an article's history. Every revision with its author, time and note;
 * any two compared field by field as a word-level diff (the newest change by default); any
 * revision restored as a new revision; and the original file of an imported article for
 * download, byte for byte.
 *
 * Rules: restoring never deletes or rewrites a revision; it is refused (409) when the article
 * changed since the page was loaded, like any other save.
 */
#include <string.h>

#include "web/admin/admin_int.h"

/* The text of one field of a, for comparing ("" when it has none). */
typedef const char *(*field_text)(nz_arena *ar, const nz_article *a);

static const char *f_headline(nz_arena *ar, const nz_article *a)
{
	(void)ar;
	return a->headline ? a->headline : "";
}

static const char *f_highlights(nz_arena *ar, const nz_article *a)
{
	const char *s = a->highlights_intro ? a->highlights_intro : "";
	for (size_t i = 0; s && i < a->n_highlights; i++)
		s = nz_arena_printf(ar, "%s%s• %s", s, s[0] ? "\n" : "", a->highlights[i]);
	return s;
}

static const char *f_dateline(nz_arena *ar, const nz_article *a)
{
	(void)ar;
	return a->dateline ? a->dateline : "";
}

static const char *f_body(nz_arena *ar, const nz_article *a)
{
	(void)ar;
	return a->body_markdown ? a->body_markdown : "";
}

static const char *f_authors(nz_arena *ar, const nz_article *a)
{
	const char *s = "";
	for (size_t i = 0; s && i < a->n_authors; i++)
		s = nz_arena_printf(ar, "%s%s%s", s, i ? ", " : "",
				    nz_author_name(ar, &a->authors[i]));
	return s;
}

static const char *f_details(nz_arena *ar, const nz_article *a)
{
	const char *tags = "";
	for (size_t i = 0; tags && i < a->n_tags; i++)
		tags = nz_arena_printf(ar, "%s%s%s", tags, i ? ", " : "",
				       nz_tag_name(&a->tags[i], a->language));
	return nz_arena_printf(ar, "Section: %s\nTags: %s\nLanguage: %s\nAddress: %s",
			       a->section && a->section->name ? a->section->name : "none",
			       tags ? tags : "", a->language ? a->language : "",
			       a->slug ? a->slug : "");
}

static const char *f_photos(nz_arena *ar, const nz_article *a)
{
	const char *s = "";
	for (size_t i = 0; s && i < a->n_media; i++) {
		const nz_media *m = &a->media[i];
		s = nz_arena_printf(ar, "%s%sPhoto %zu%s: %s / %s / alt: %s", s, i ? "\n" : "",
				    i + 1, i == 0 ? " (lead)" : "", m->caption ? m->caption : "",
				    m->credit ? m->credit : "", m->alt ? m->alt : "");
	}
	return s;
}

static const struct {
	const char *label;
	field_text text;
} fields[] = {
    {"Headline", f_headline}, {"Highlights", f_highlights},
    {"Dateline", f_dateline}, {"Authors", f_authors},
    {"Body", f_body},         {"Photos", f_photos},
    {"Details", f_details},
};
#define N_FIELDS (sizeof fields / sizeof fields[0])

/* The diff of two texts as HTML in the arena; NULL on failure. */
static const char *diff(nz_arena *ar, const char *a, const char *b, bool *changed)
{
	nz_buf out;
	nz_buf_init(&out, 0);
	const char *res = NULL;
	if (nz_diff_html(nz_str_c(a), nz_str_c(b), &out, changed) == NZ_OK)
		res = nz_arena_strdup(ar, nz_buf_cstr(&out));
	nz_buf_free(&out);
	return res;
}

const char *nz__admin_diff_text(nz__ctx *c, const nz_article *old, const nz_article *cur)
{
	nz_arena *ar = c->req->arena;
	const char *ta = "", *tb = "";
	for (size_t i = 0; ta && tb && i < N_FIELDS; i++) {
		const char *va = old ? fields[i].text(ar, old) : "";
		const char *vb = fields[i].text(ar, cur);
		if (va && vb && strcmp(va, vb) == 0)
			continue; /* unchanged fields are left out of the comparison */
		ta = nz_arena_printf(ar, "%s%s%s:\n%s\n", ta, ta[0] ? "\n" : "", fields[i].label,
				     va ? va : "");
		tb = nz_arena_printf(ar, "%s%s%s:\n%s\n", tb, tb[0] ? "\n" : "", fields[i].label,
				     vb ? vb : "");
	}
	return ta && tb ? diff(ar, ta, tb, NULL) : NULL;
}

/* [{label, html}] for the fields that differ between a and b. */
static json_t *compare_fields(nz_arena *ar, const nz_article *a, const nz_article *b)
{
	json_t *arr = json_array();
	for (size_t i = 0; arr && i < N_FIELDS; i++) {
		bool changed = false;
		const char *html = diff(ar, fields[i].text(ar, a), fields[i].text(ar, b), &changed);
		if (!html) {
			json_decref(arr);
			return NULL;
		}
		if (changed &&
		    json_array_append_new(arr, json_pack("{s:s, s:s}", "label", fields[i].label,
							 "html", html)) != 0) {
			json_decref(arr);
			return NULL;
		}
	}
	return arr;
}

/* ---- the page -------------------------------------------------------------------------- */

static json_t *revision_rows(nz__ctx *c, const nz_admin_ctx *ac, const nz_article *a,
			     const nz_revision *revs, size_t n, int64_t from, int64_t to,
			     bool can_edit)
{
	nz_arena *ar = c->req->arena;
	json_t *arr = json_array();
	for (size_t i = 0; arr && i < n; i++) {
		const nz_revision *r = &revs[i];
		long long id = (long long)a->id, rev = (long long)r->revision;
		bool current = r->revision == a->revision;
		json_t *o = json_object();
		bool ok =
		    o && !json_object_set_new(o, "revision", json_integer(r->revision)) &&
		    !json_object_set_new(o, "login", json_string(r->login ? r->login : "system")) &&
		    !json_object_set_new(o, "note", r->note ? json_string(r->note) : json_null()) &&
		    !json_object_set_new(o, "at", nz_view_admin_time(ac, r->created_at)) &&
		    !json_object_set_new(o, "current", json_boolean(current)) &&
		    !json_object_set_new(o, "is_from", json_boolean(r->revision == from)) &&
		    !json_object_set_new(o, "is_to", json_boolean(r->revision == to)) &&
		    !json_object_set_new(o, "prev", json_boolean(r->revision > 1)) &&
		    !json_object_set_new(
			o, "compare_prev_url",
			json_string(nz_arena_printf(ar,
						    "/admin/articles/%lld/history?from=%lld&to="
						    "%lld#comparison-title",
						    id, rev - 1, rev))) &&
		    !json_object_set_new(
			o, "restore_url",
			can_edit && !current
			    ? json_string(nz_arena_printf(
				  ar, "/admin/articles/%lld/revisions/%lld/restore", id, rev))
			    : json_null()) &&
		    !json_object_set_new(o, "current_revision", json_integer(a->revision));
		if (!nz_json_append(arr, o, ok)) {
			json_decref(arr);
			return NULL;
		}
	}
	return arr;
}

/* A revision keeps its tags' slugs and base names; the names shown are today's, per language
 * (a tag since renamed or merged away keeps what the revision says). */
static void tag_names(nz__ctx *c, nz_article *a)
{
	for (size_t i = 0; i < a->n_tags; i++) {
		nz_tag *now = NULL;
		nz_err err = {0};
		if (!a->tags[i].n_texts && a->tags[i].slug &&
		    nz_store_tag_get(c->store, c->req->arena, a->tags[i].slug, &now, &err) ==
			NZ_OK &&
		    now) {
			a->tags[i].texts = now->texts;
			a->tags[i].n_texts = now->n_texts;
		}
	}
}

/* {from, to, fields} comparing two revisions; null when the request names none that exist. */
static json_t *comparison(nz__ctx *c, const nz_article *a, int64_t from, int64_t to)
{
	nz_article *x = NULL, *y = NULL;
	nz_err err = {0};
	if (from <= 0 || to <= 0 ||
	    nz_store_revision_article(c->store, c->req->arena, a->id, from, &x, &err) != NZ_OK ||
	    nz_store_revision_article(c->store, c->req->arena, a->id, to, &y, &err) != NZ_OK)
		return json_null();
	tag_names(c, x);
	tag_names(c, y);
	return json_pack("{s:I, s:I, s:o}", "from", (json_int_t)from, "to", (json_int_t)to,
			 "fields", compare_fields(c->req->arena, x, y));
}

void nz__admin_history(nz__ctx *c, const nz_route_match *m)
{
	const nz_user *u = NULL;
	nz_article *a = NULL;
	nz_revision *revs = NULL;
	size_t n = 0;
	nz_err err = {0};
	nz_admin_ctx ac;
	const void *bytes = NULL;
	size_t len = 0;
	const char *filename = NULL;
	if (!nz__admin_article(c, nz__admin_id(nz_route_param(m, "id")), NZ_ACT_VIEW, &u, &a))
		return;
	nz_rc rc = nz_store_revision_list(c->store, c->req->arena, a->id, &revs, &n, &err);
	if (rc != NZ_OK) {
		nz__admin_fail(c, "listing revisions", rc, &err);
		return;
	}
	int64_t to = nz__admin_id(nz_str_c(nz_http_query(c->req, "to")));
	int64_t from = nz__admin_id(nz_str_c(nz_http_query(c->req, "from")));
	if (!to && !from && a->revision > 1) { /* the newest change by default */
		to = a->revision;
		from = a->revision - 1;
	}
	bool original = nz_store_import_get(c->store, c->req->arena, a->id, &bytes, &len, &filename,
					    NULL) == NZ_OK;
	long long id = (long long)a->id;
	nz_arena *ar = c->req->arena;
	nz__admin_ctx(c, u, NULL, &ac);
	json_t *view = nz_view_admin(&ac, "History");
	json_t *h = json_object();
	bool ok =
	    view && h &&
	    !json_object_set_new(h, "headline", json_string(a->headline ? a->headline : "")) &&
	    !json_object_set_new(
		h, "url", json_string(nz_arena_printf(ar, "/admin/articles/%lld/history", id))) &&
	    !json_object_set_new(h, "edit_url",
				 json_string(nz_arena_printf(ar, "/admin/articles/%lld", id))) &&
	    !json_object_set_new(h, "public_url",
				 nz_article_is_public(a, c->page.now)
				     ? json_string(nz_url_article(ar, a->slug))
				     : json_null()) &&
	    !json_object_set_new(
		h, "original_url",
		original ? json_string(nz_arena_printf(ar, "/admin/articles/%lld/original", id))
			 : json_null()) &&
	    !json_object_set_new(h, "revisions",
				 revision_rows(c, &ac, a, revs, n, from, to,
					       nz_can(u->role, NZ_ACT_EDIT, a, u->id))) &&
	    !json_object_set_new(h, "compare", comparison(c, a, from, to));
	if (!ok) {
		json_decref(h);
		h = NULL;
	}
	if (!h || json_object_set_new(view, "history", h) != 0) { /* takes h either way */
		json_decref(view);
		nz__admin_error(c, 503, NULL);
		return;
	}
	nz__admin_send(c, 200, "admin-history", view);
}

void nz__admin_restore(nz__ctx *c, const nz_route_match *m)
{
	const nz_user *u = NULL;
	nz_article *a = NULL;
	nz_http_form form;
	nz_err err = {0};
	if (!nz__admin_article(c, nz__admin_id(nz_route_param(m, "id")), NZ_ACT_EDIT, &u, &a) ||
	    !nz__admin_form(c, &form))
		return;
	int64_t rev = nz__admin_id(nz_route_param(m, "rev"));
	int64_t base = nz__admin_id(nz_str_c(nz_http_form_get(&form, "base_revision")));
	nz_article_restore r = {u->id, a->id, rev, base};
	nz_rc rc =
	    rev ? nz_store_article_restore(c->store, c->req->arena, &r, NULL, &err) : NZ_NOTFOUND;
	if (rc == NZ_NOTFOUND) {
		nz__admin_error(c, 404, "There is no such revision.");
		return;
	}
	if (rc == NZ_CONFLICT) {
		nz__admin_error(c, 409,
				"The article was saved by someone else since you opened its "
				"history. Nothing was restored: open the history again and retry.");
		return;
	}
	if (rc == NZ_INVAL) {
		nz__admin_error(c, 422, nz_arena_strdup(c->req->arena, err.msg));
		return;
	}
	if (rc != NZ_OK) {
		nz__admin_fail(c, "restoring a revision", rc, &err);
		return;
	}
	nz__admin_done(c, nz_arena_printf(c->req->arena, "/admin/articles/%lld", (long long)a->id),
		       "restored");
}

/* A file name safe inside a quoted Content-Disposition parameter. */
static const char *safe_name(nz_arena *ar, const char *name)
{
	char *s = nz_arena_strdup(ar, name && name[0] ? name : "original.txt");
	for (char *p = s; p && *p; p++)
		if ((unsigned char)*p < 0x20 || (unsigned char)*p >= 0x7f || *p == '"' ||
		    *p == '\\' || *p == '/')
			*p = '_';
	return s;
}

void nz__admin_original(nz__ctx *c, const nz_route_match *m)
{
	const nz_user *u = NULL;
	nz_article *a = NULL;
	const void *bytes = NULL;
	size_t len = 0;
	const char *filename = NULL;
	nz_err err = {0};
	if (!nz__admin_article(c, nz__admin_id(nz_route_param(m, "id")), NZ_ACT_VIEW, &u, &a))
		return;
	nz_rc rc =
	    nz_store_import_get(c->store, c->req->arena, a->id, &bytes, &len, &filename, &err);
	if (rc == NZ_NOTFOUND) {
		nz__admin_error(c, 404, "This article was not imported from a file.");
		return;
	}
	if (rc != NZ_OK) {
		nz__admin_fail(c, "loading the original file", rc, &err);
		return;
	}
	nz_buf_reset(&c->resp->body);
	nz_buf_append(&c->resp->body, bytes, len);
	c->resp->status = 200;
	c->resp->content_type = "application/octet-stream";
	nz_http_resp_header(c->resp, "Content-Disposition",
			    nz_arena_printf(c->req->arena, "attachment; filename=\"%s\"",
					    safe_name(c->req->arena, filename)));
}
