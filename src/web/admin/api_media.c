/*
 * web/admin/api_media: the admin JSON API's media: uploads (POST /api/v1/admin/media, the
 * image's bytes as the body) and the list of stored media, each with the renditions readers
 * may get of it.
 *
 * Rules: an upload's type comes from its bytes (nz_image_probe); the Content-Type header must
 * agree with them, or the upload is refused with 415.
 */
#include <string.h>

#include "media/media.h"
#include "web/admin/admin_int.h"

static json_t *media_json(nz__ctx *c, const nz_media *m)
{
	const char *path = nz_url_media(c->req->arena, m);
	const char *url =
	    path ? nz_arena_printf(c->req->arena, "%s%s", c->site.base_url, path) : NULL;
	return json_pack("{s:I, s:s?, s:s?, s:s?, s:s?, s:s?, s:i, s:i, s:s?, s:s?, s:o?}", "id",
			 (json_int_t)m->id, "hash", m->hash, "mime", m->mime, "url", url, "path",
			 path, "caption", m->caption, "width", m->width, "height", m->height,
			 "credit", m->credit, "alt", m->alt, "renditions",
			 nz_json_renditions(c->req->arena, &c->site, m));
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
				      .alt = nz_http_query(c->req, "alt")};
	rc = nz_app_media_add(c->store, c->req->arena, u->id, c->req->body, c->req->body_len,
			      &fields, &md, &err);
	if (rc) {
		nz__api_fail(c, rc, &err);
		return;
	}
	nz__send_json(c->resp, 201, media_json(c, &md));
}

void nz__api_media_list(nz__ctx *c, const nz_route_match *m)
{
	(void)m;
	const nz_user *u = nz__auth_api_user(c);
	nz_media *items = NULL;
	size_t n = 0;
	nz_err err = {0};
	if (!u || !nz__auth_api_can(c, u, NZ_ACT_UPLOAD, NULL))
		return;
	nz_rc rc = nz_store_media_list(c->store, c->req->arena, 50, 0, &items, &n, &err);
	if (rc) {
		nz__api_fail(c, rc, &err);
		return;
	}
	json_t *arr = json_array();
	for (size_t i = 0; arr && i < n; i++)
		json_array_append_new(arr, media_json(c, &items[i]));
	nz__send_json(c->resp, 200, json_pack("{s:o}", "media", arr));
}
