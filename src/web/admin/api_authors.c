/*
 * web/admin/api_authors: the admin JSON API of the newsroom's authors (docs/people-and-tags.md):
 *   GET   /api/v1/admin/authors                    {"authors": [author, ...]} by display name
 *   GET   /api/v1/admin/authors/{slug}             the author
 *   PATCH /api/v1/admin/authors/{slug}             fields given change; texts, same_as replace
 *   POST  /api/v1/admin/authors/{slug}/merge       {"into": slug} -> the author merged into
 * An author is public with every article they sign, so the right needed is the right to
 * publish (editors and admins), as for the static pages. The checks are app/author.c's and the
 * store's.
 */
#include <string.h>

#include "app/app.h"
#include "web/admin/admin_int.h"

static const nz_user *writer(nz__ctx *c)
{
	const nz_user *u = nz__auth_api_user(c);
	return u && nz__auth_api_can(c, u, NZ_ACT_PUBLISH, NULL) ? u : NULL;
}

static void send_author(nz__ctx *c, int status, const nz_author *au)
{
	nz__send_json(c->resp, status, nz_json_author(c->req->arena, &c->site, au));
}

static void list(nz__ctx *c, const nz_route_match *m)
{
	(void)m;
	nz_author *all = NULL;
	size_t n = 0;
	nz_err err = {0};
	if (!writer(c))
		return;
	nz_rc rc = nz_store_author_list(c->store, c->req->arena, &all, &n, &err);
	if (rc) {
		nz__api_fail(c, rc, &err);
		return;
	}
	json_t *arr = json_array();
	for (size_t i = 0; arr && i < n; i++)
		if (json_array_append_new(arr, nz_json_author(c->req->arena, &c->site, &all[i])))
			json_decref(arr), arr = NULL;
	nz__send_json(c->resp, 200, arr ? json_pack("{s:o}", "authors", arr) : NULL);
}

/* The author of the {slug} capture, or NULL after answering 404. */
static nz_author *load(nz__ctx *c, const nz_route_match *m)
{
	nz_author *au = NULL;
	nz_err err = {0};
	const char *slug = nz_arena_str(c->req->arena, nz_route_param(m, "slug"));
	nz_rc rc = nz_store_author_get(c->store, c->req->arena, slug, &au, &err);
	if (rc)
		nz__api_fail(c, rc, &err);
	return rc ? NULL : au;
}

static void get(nz__ctx *c, const nz_route_match *m)
{
	nz_author *au = writer(c) ? load(c, m) : NULL;
	if (au)
		send_author(c, 200, au);
}

/* A string-or-null member: keeps *field when absent; false (after answering 400) for a
 * member of another type. */
static bool string_member(nz__ctx *c, json_t *body, const char *key, const char **field)
{
	json_t *v = json_object_get(body, key);
	if (!v)
		return true;
	if (!json_is_string(v) && !json_is_null(v)) {
		nz__send_json_error(c->resp, 400, "invalid",
				    nz_arena_printf(c->req->arena, "%s: a string or null", key));
		return false;
	}
	*field = json_is_null(v) ? NULL : nz_arena_strdup(c->req->arena, json_string_value(v));
	return true;
}

/* texts: {"en": {"job_title": ..., "bio": ...}, ...}, replacing every text. */
static bool texts_member(nz__ctx *c, json_t *body, nz_author *au)
{
	json_t *texts = json_object_get(body, "texts"), *v;
	const char *lang;
	if (!texts)
		return true;
	au->n_texts = 0;
	au->texts =
	    json_is_object(texts)
		? nz_arena_zalloc(c->req->arena, (json_object_size(texts) + 1) * sizeof(*au->texts))
		: NULL;
	if (!au->texts)
		goto bad;
	json_object_foreach(texts, lang, v)
	{
		nz_author_text *t = &au->texts[au->n_texts++];
		t->language = nz_arena_strdup(c->req->arena, lang);
		if (!json_is_object(v))
			goto bad;
		if (!string_member(c, v, "job_title", &t->job_title) ||
		    !string_member(c, v, "bio", &t->bio))
			return false;
	}
	return true;
bad:
	nz__send_json_error(c->resp, 400, "invalid",
			    "texts: an object of languages, each {\"job_title\", \"bio\"}");
	return false;
}

/* same_as: an array of URLs; photo_id: a media id or null; name_order: a known name. */
static bool other_members(nz__ctx *c, json_t *body, nz_author *au)
{
	json_t *links = json_object_get(body, "same_as"),
	       *photo = json_object_get(body, "photo_id");
	json_t *order = json_object_get(body, "name_order");
	if (links && !json_is_array(links))
		goto bad;
	if (links) {
		au->n_same_as = 0;
		au->same_as = nz_arena_zalloc(c->req->arena,
					      (json_array_size(links) + 1) * sizeof(*au->same_as));
		for (size_t i = 0; au->same_as && i < json_array_size(links); i++) {
			const char *s = json_string_value(json_array_get(links, i));
			if (!s)
				goto bad;
			au->same_as[au->n_same_as++] = nz_arena_strdup(c->req->arena, s);
		}
	}
	if (photo && !json_is_integer(photo) && !json_is_null(photo))
		goto bad;
	if (photo)
		au->photo_id = json_is_integer(photo) ? json_integer_value(photo) : 0;
	if (order && (!json_is_string(order) ||
		      nz_name_order_parse(nz_str_c(json_string_value(order)), &au->order) != NZ_OK))
		goto bad;
	return true;
bad:
	nz__send_json_error(c->resp, 400, "invalid",
			    "same_as: an array of URLs; photo_id: a media id or null; "
			    "name_order: western, eastern or hangul");
	return false;
}

static void patch(nz__ctx *c, const nz_route_match *m)
{
	const nz_user *u = writer(c);
	nz_author *au = u ? load(c, m) : NULL;
	json_t *body = au ? nz__api_body(c, false) : NULL;
	nz_err err = {0};
	if (!body)
		return;
	bool ok = string_member(c, body, "display_name", &au->display_name) &&
		  string_member(c, body, "family_name", &au->family_name) &&
		  string_member(c, body, "given_name", &au->given_name) &&
		  string_member(c, body, "email", &au->email) &&
		  string_member(c, body, "bio", &au->bio) && texts_member(c, body, au) &&
		  other_members(c, body, au);
	json_decref(body);
	if (!ok)
		return;
	nz_rc rc = nz_app_author_save(c->store, c->req->arena, u->id, au, &err);
	if (rc == NZ_OK)
		rc = nz_store_author_get(c->store, c->req->arena, au->slug, &au, &err);
	if (rc)
		nz__api_fail(c, rc, &err);
	else
		send_author(c, 200, au);
}

static void merge(nz__ctx *c, const nz_route_match *m)
{
	const nz_user *u = writer(c);
	nz_author *from = u ? load(c, m) : NULL, *into = NULL;
	json_t *body = from ? nz__api_body(c, false) : NULL;
	nz_err err = {0};
	if (!body)
		return;
	const char *slug = json_string_value(json_object_get(body, "into"));
	slug = slug ? nz_arena_strdup(c->req->arena, slug) : NULL;
	json_decref(body);
	if (!slug) {
		nz__send_json_error(c->resp, 400, "invalid",
				    "into: the slug of the author to keep");
		return;
	}
	nz_rc rc = nz_store_author_merge(c->store, u->id, from->slug, slug, &err);
	if (rc == NZ_OK)
		rc = nz_store_author_get(c->store, c->req->arena, slug, &into, &err);
	if (rc)
		nz__api_fail(c, rc, &err);
	else
		send_author(c, 200, into);
}

const nz__route_entry nz__admin_author_api_routes[] = {
    {"GET", "/api/v1/admin/authors", list},
    {"GET", "/api/v1/admin/authors/{slug}", get},
    {"PATCH", "/api/v1/admin/authors/{slug}", patch},
    {"POST", "/api/v1/admin/authors/{slug}/merge", merge},
    {NULL, NULL, NULL},
};
