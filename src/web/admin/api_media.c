/*
 * web/admin/api_media: the admin JSON API's media library, each photo with the renditions
 * readers may get of it:
 *   POST   /api/v1/admin/media       the image's bytes as the body (?caption= &credit= &alt=
 *                                    &filename=) → 201
 *   GET    /api/v1/admin/media       ?q= &used=yes|no &from= &to= &uploader= &cursor= &limit=
 *                                    → {"media":[…], "next_cursor": "<id>"|null}
 *   GET    /api/v1/admin/media/{id}  one photo, with "used_by" (the articles that show it) and
 *                                    "revisions" (its texts and focal point, one per edit) and
 *                                    "variants" (rows of its bytes with an article's own texts)
 *   PATCH  /api/v1/admin/media/{id}  {"caption","credit","alt","focal":{"x","y"}|null}
 *   DELETE /api/v1/admin/media/{id}  204; 409 "in_use" naming the articles while one uses it
 *
 * Rules: an upload's type comes from its bytes (nz_image_probe); the Content-Type header must
 * agree with them, or the upload is refused with 415. Reading needs the right to upload;
 * editing and deleting need the right to publish (an edit shows at once on published pages).
 */
#include <string.h>

#include "media/media.h"
#include "web/admin/admin_int.h"

json_t *nz__media_json(nz__ctx *c, const nz_media *m)
{
	const char *path = nz_url_media(c->req->arena, m);
	const char *url =
	    path ? nz_arena_printf(c->req->arena, "%s%s", c->site.base_url, path) : NULL;
	int fx, fy;
	nz_media_focal(m, &fx, &fy);
	return json_pack("{s:I, s:s?, s:s?, s:s?, s:s?, s:s?, s:i, s:i, s:s?, s:s?, s:s?, "
			 "s:{s:i, s:i, s:b}, s:o?}",
			 "id", (json_int_t)m->id, "hash", m->hash, "mime", m->mime, "url", url,
			 "path", path, "caption", m->caption, "width", m->width, "height",
			 m->height, "credit", m->credit, "alt", m->alt, "filename", m->filename,
			 "focal", "x", fx, "y", fy, "set", m->has_focal, "renditions",
			 nz_json_renditions(c->req->arena, &c->site, m));
}

static json_t *entry_json(nz__ctx *c, const nz_media_entry *e)
{
	char when[32];
	json_t *o = nz__media_json(c, &e->media);
	if (o && (json_object_set_new(o, "created_at",
				      json_string(nz_time_rfc3339(e->created_at, when))) ||
		  json_object_set_new(o, "uses", json_integer(e->n_uses)))) {
		json_decref(o);
		return NULL;
	}
	return o;
}

/* The Content-Type's media type, lower case, without parameters (arena). */
static const char *media_type(nz__ctx *c)
{
	const char *h = nz_http_header(c->req, "Content-Type");
	if (!h)
		return NULL;
	size_t len = strcspn(h, "; \t");
	char *t = nz_arena_strndup(c->req->arena, h, len);
	for (char *p = t; p && *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	return t;
}

void nz__api_media_upload(nz__ctx *c, const nz_route_match *m)
{
	(void)m;
	const nz_user *u = nz__auth_api_user(c);
	nz_image_info info;
	nz_err err = {0};
	if (!u || !nz__auth_api_can(c, u, NZ_ACT_UPLOAD, NULL))
		return;
	if (c->req->body_len == 0) {
		nz__send_json_error(c->resp, 400, "invalid", "send the image's bytes as the body");
		return;
	}
	nz_rc rc = nz_image_probe(c->req->body, c->req->body_len, &info, &err);
	if (rc) {
		nz__api_fail(c, rc == NZ_PARSE ? NZ_INVAL : rc, &err);
		return;
	}
	const char *declared = media_type(c);
	if (!declared || strcmp(declared, info.mime) != 0) {
		const char *msg = nz_arena_printf(
		    c->req->arena, "Content-Type %s does not match the bytes, which are %s",
		    declared ? declared : "(none)", info.mime);
		nz__send_json_error(c->resp, 415, "unsupported_media_type", msg ? msg : "mismatch");
		return;
	}
	nz_media md;
	nz_app_media_fields fields = {.caption = nz_http_query(c->req, "caption"),
				      .credit = nz_http_query(c->req, "credit"),
				      .alt = nz_http_query(c->req, "alt"),
				      .filename = nz_http_query(c->req, "filename")};
	rc = nz_app_media_add(c->store, c->req->arena, u->id, c->req->body, c->req->body_len,
			      &fields, &md, &err);
	if (rc) {
		nz__api_fail(c, rc, &err);
		return;
	}
	nz__send_json(c->resp, 201, nz__media_json(c, &md));
}

void nz__api_media_list(nz__ctx *c, const nz_route_match *m)
{
	(void)m;
	const nz_user *u = nz__auth_api_user(c);
	nz_media_entry *items = NULL;
	nz_media_filter f;
	size_t n = 0;
	nz_err err = {0};
	if (!u || !nz__auth_api_can(c, u, NZ_ACT_UPLOAD, NULL))
		return;
	const char *bad = nz__media_filter_read(c, &f);
	if (bad) {
		nz__send_json_error(c->resp, 400, "invalid", bad);
		return;
	}
	nz_rc rc = nz_store_media_search(c->store, c->req->arena, &f, &items, &n, &err);
	if (rc) {
		nz__api_fail(c, rc, &err);
		return;
	}
	json_t *arr = json_array();
	for (size_t i = 0; arr && i < n; i++)
		json_array_append_new(arr, entry_json(c, &items[i]));
	const char *next =
	    n == f.limit ? nz_arena_printf(c->req->arena, "%lld", (long long)items[n - 1].media.id)
			 : NULL;
	nz__send_json(c->resp, 200, json_pack("{s:o, s:s?}", "media", arr, "next_cursor", next));
}

json_t *nz__media_uses_json(nz__ctx *c, const nz_article *uses, size_t n)
{
	json_t *arr = json_array();
	for (size_t i = 0; arr && i < n; i++)
		json_array_append_new(
		    arr, json_pack("{s:I, s:s?, s:s?, s:s, s:s}", "id", (json_int_t)uses[i].id,
				   "slug", uses[i].slug, "headline", uses[i].headline, "status",
				   nz_status_name(uses[i].status), "edit_url",
				   nz_arena_printf(c->req->arena, "/admin/articles/%lld",
						   (long long)uses[i].id)));
	return arr;
}

const char *nz__media_in_use(nz__ctx *c, const nz_article *uses, size_t n)
{
	nz_buf b;
	nz_buf_init(&b, 16384);
	nz_buf_puts(&b, n == 1 ? "This photo is used by an article: "
			       : "This photo is used by articles: ");
	for (size_t i = 0; i < n; i++)
		nz_buf_printf(&b, "%s\u201c%s\u201d (%s)", i ? ", " : "",
			      uses[i].headline ? uses[i].headline : "", uses[i].slug);
	nz_buf_puts(&b, ". Take it out of them before deleting it.");
	const char *s = nz_buf_rc(&b) ? NULL : nz_arena_strdup(c->req->arena, nz_buf_cstr(&b));
	nz_buf_free(&b);
	return s ? s : "This photo is used by articles.";
}

/* Loads photo {id} with its uses; answers 404 itself and returns NULL when there is none. */
static nz_media *load(nz__ctx *c, const nz_route_match *m, nz_article **uses, size_t *n)
{
	nz_media *md = NULL;
	nz_err err = {0};
	int64_t id = nz__api_id(c, m, "id");
	if (!id)
		return NULL;
	nz_rc rc = nz_store_media_get(c->store, c->req->arena, id, &md, &err);
	if (!rc && !md->hash)
		rc = nz_err_set(&err, NZ_NOTFOUND, "media %lld: not a photo", (long long)id);
	if (!rc)
		rc = nz_store_media_uses(c->store, c->req->arena, id, uses, n, &err);
	if (rc) {
		nz__api_fail(c, rc, &err);
		return NULL;
	}
	return md;
}

static void send_one(nz__ctx *c, int status, const nz_media *md, const nz_article *uses, size_t n)
{
	nz_media_revision *revs = NULL;
	size_t n_revs = 0;
	nz_err err = {0};
	nz_rc rc = nz_store_media_revisions(c->store, c->req->arena, md->id, &revs, &n_revs, &err);
	json_t *variants = rc ? NULL : nz__media_variants_json(c, md->id, &err);
	if (rc || !variants) {
		nz__api_fail(c, rc ? rc : (err.rc ? err.rc : NZ_NOMEM), &err);
		return;
	}
	json_t *o = nz__media_json(c, md);
	if (o &&
	    (json_object_set_new(o, "used_by", nz__media_uses_json(c, uses, n)) ||
	     json_object_set_new(o, "revisions", nz__media_history_json(c, NULL, revs, n_revs)) ||
	     json_object_set(o, "variants", variants))) {
		json_decref(o);
		o = NULL;
	}
	json_decref(variants);
	nz__send_json(c->resp, status, o);
}

void nz__api_media_get(nz__ctx *c, const nz_route_match *m)
{
	const nz_user *u = nz__auth_api_user(c);
	nz_article *uses = NULL;
	size_t n = 0;
	if (!u || !nz__auth_api_can(c, u, NZ_ACT_UPLOAD, NULL))
		return;
	nz_media *md = load(c, m, &uses, &n);
	if (md)
		send_one(c, 200, md, uses, n);
}

/* A text field of a PATCH body into *out (absent: unchanged; null or "": none). */
static bool patch_text(nz__ctx *c, json_t *body, const char *key, const char **out)
{
	json_t *v = json_object_get(body, key);
	if (!v)
		return true;
	if (json_is_null(v) || (json_is_string(v) && !json_string_length(v))) {
		*out = NULL;
		return true;
	}
	if (!json_is_string(v)) {
		nz__send_json_error(c->resp, 400, "invalid",
				    nz_arena_printf(c->req->arena, "%s: a string or null", key));
		return false;
	}
	*out = nz_arena_strdup(c->req->arena, json_string_value(v));
	return true;
}

/* "focal": {"x": 0..100, "y": 0..100} or null (the centre). */
static bool patch_focal(nz__ctx *c, json_t *body, nz_media *md)
{
	json_t *v = json_object_get(body, "focal");
	if (!v)
		return true;
	if (json_is_null(v)) {
		md->has_focal = false;
		return true;
	}
	json_t *x = json_object_get(v, "x"), *y = json_object_get(v, "y");
	if (!json_is_object(v) || !json_is_number(x) || !json_is_number(y) ||
	    json_number_value(x) < 0 || json_number_value(x) > 100 || json_number_value(y) < 0 ||
	    json_number_value(y) > 100) {
		nz__send_json_error(c->resp, 400, "invalid",
				    "focal: {\"x\": 0..100, \"y\": 0..100} (percent of the width "
				    "and height) or null for the centre");
		return false;
	}
	md->has_focal = true;
	md->focal_x = (int)(json_number_value(x) + 0.5);
	md->focal_y = (int)(json_number_value(y) + 0.5);
	return true;
}

static const char *const patch_keys[] = {"caption", "credit", "alt", "focal"};

/* For a request that changes photo {id}: the token's user who may (*u) and the photo with its
 * uses; NULL when the handler already answered. */
static nz_media *editable(nz__ctx *c, const nz_route_match *m, const nz_user **u, nz_article **uses,
			  size_t *n)
{
	*u = nz__auth_api_user(c);
	if (!*u || !nz__auth_api_can(c, *u, NZ_ACT_PUBLISH, NULL))
		return NULL;
	return load(c, m, uses, n);
}

void nz__api_media_patch(nz__ctx *c, const nz_route_match *m)
{
	const nz_user *u = NULL;
	nz_article *uses = NULL;
	size_t n = 0;
	nz_err err = {0};
	nz_media *md = editable(c, m, &u, &uses, &n);
	json_t *body = md ? nz__api_body(c, false) : NULL;
	if (!body)
		return;
	const char *key;
	json_t *val;
	json_object_foreach(body, key, val)
	{
		bool known = false;
		for (size_t i = 0; i < sizeof patch_keys / sizeof *patch_keys; i++)
			known = known || strcmp(key, patch_keys[i]) == 0;
		if (!known) {
			nz__send_json_error(c->resp, 400, "invalid",
					    nz_arena_printf(c->req->arena,
							    "%s: not a field of a photo (caption, "
							    "credit, alt, focal)",
							    key));
			json_decref(body);
			return;
		}
	}
	bool ok = patch_text(c, body, "caption", &md->caption) &&
		  patch_text(c, body, "credit", &md->credit) &&
		  patch_text(c, body, "alt", &md->alt) && patch_focal(c, body, md);
	json_decref(body);
	if (!ok)
		return;
	nz_rc rc = nz_store_media_update(c->store, u->id, md, &err);
	if (rc)
		nz__api_fail(c, rc, &err);
	else
		send_one(c, 200, md, uses, n);
}

void nz__api_media_delete(nz__ctx *c, const nz_route_match *m)
{
	const nz_user *u = NULL;
	nz_article *uses = NULL;
	size_t n = 0;
	nz_err err = {0};
	nz_media *md = editable(c, m, &u, &uses, &n);
	if (!md)
		return;
	nz_rc rc = n ? NZ_CONFLICT : nz_store_media_delete(c->store, u->id, md->id, &err);
	if (rc == NZ_CONFLICT && !n) /* an article took it meanwhile */
		nz_store_media_uses(c->store, c->req->arena, md->id, &uses, &n, &err);
	if (rc == NZ_CONFLICT) {
		json_t *e = json_pack("{s:{s:s, s:s, s:o}}", "error", "code", "in_use", "message",
				      nz__media_in_use(c, uses, n), "used_by",
				      nz__media_uses_json(c, uses, n));
		nz__send_json(c->resp, 409, e);
	} else if (rc) {
		nz__api_fail(c, rc, &err);
	} else {
		c->resp->status = 204;
	}
}
