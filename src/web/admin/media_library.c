/*
 * web/admin/media_library: the back office's media library.
 *   GET  /admin/media?q= &used=yes|no &from= &to= &uploader= &cursor=   a grid of thumbnails,
 *                                       newest first, a page of PAGE photos (keyset)
 *   GET  /admin/media/{id}              one photo: its crops, where it is used, its texts and
 *                                       focal point (click on the photo with JavaScript; two
 *                                       percentages without), the history of their edits
 *   POST /admin/media/{id}              caption, credit, alt, focal_x, focal_y (focal_centre)
 *                                       → 303 /admin/media/{id}?done=media-saved
 *   POST /admin/media/{id}/delete       → 303 /admin/media?done=media-deleted; 409 with the
 *                                       articles that use it
 *
 * Rules: everyone who may upload sees the library (the editor's picker reads it); editing and
 * deleting need the right to publish, since an edit shows at once on published pages.
 */
#include <stdlib.h>
#include <string.h>

#include "media/media.h"
#include "web/admin/admin_int.h"

#define PAGE 48

static json_t *jstr(const char *s)
{
	return s ? json_string(s) : json_null();
}

static const char *param(nz__ctx *c, const char *name)
{
	const char *v = nz_http_query(c->req, name);
	return v && v[0] ? v : NULL;
}

/* A decimal in lo..hi from s; false when s is not one. */
static bool parse_int(const char *s, long lo, long hi, long *out)
{
	char *end = NULL;
	long v = s && *s ? strtol(s, &end, 10) : 0;
	if (!s || !*s || *end || v < lo || v > hi)
		return false;
	*out = v;
	return true;
}

/* uploader=<login>: that user's uploads (a login nobody has is bad input). */
static const char *uploader_read(nz__ctx *c, nz_media_filter *f)
{
	const char *login = param(c, "uploader");
	nz_user *u = NULL;
	nz_err err = {0};
	if (!login)
		return NULL;
	if (nz_store_user_by_login(c->store, c->req->arena, login, &u, NULL, &err) != NZ_OK)
		return "uploader: the login of a user who uploaded photos.";
	f->uploader = u->id;
	return NULL;
}

const char *nz__media_filter_read(nz__ctx *c, nz_media_filter *f)
{
	const char *used = param(c, "used"), *from = param(c, "from"), *to = param(c, "to");
	const char *cursor = param(c, "cursor"), *limit = param(c, "limit");
	long v = 0;
	*f = (nz_media_filter){.text = param(c, "q"), .limit = PAGE};
	if (used && strcmp(used, "yes") == 0)
		f->used = 1;
	else if (used && strcmp(used, "no") == 0)
		f->used = -1;
	else if (used)
		return "used: yes or no.";
	if (from && !nz__date_param(from, c->site.time_zone, false, &f->from))
		return "from: a date such as 2026-03-17.";
	if (to && !nz__date_param(to, c->site.time_zone, true, &f->to))
		return "to: a date such as 2026-03-17.";
	if (cursor && !parse_int(cursor, 1, 0x7fffffffL, &v))
		return "cursor: the next_cursor of the page before.";
	f->before = cursor ? v : 0;
	if (limit && !parse_int(limit, 1, 200, &v))
		return "limit: 1 to 200.";
	if (limit)
		f->limit = (size_t)v;
	return uploader_read(c, f);
}

static const char *thumb_url(nz_arena *ar, const nz_media *m, int width)
{
	nz_rendition r = {.width = width, .format = NZ_FORMAT_JPEG};
	return nz_url_rendition(ar, m, &r);
}

static json_t *grid_json(nz__ctx *c, const nz_admin_ctx *ac, const nz_media_entry *e, size_t n)
{
	json_t *arr = json_array();
	for (size_t i = 0; arr && i < n; i++) {
		const nz_media *m = &e[i].media;
		int w = 0, h = 0;
		nz_rendition r = {.width = 320, .format = NZ_FORMAT_JPEG};
		nz_media_rendition_size(m->width, m->height, &r, &w, &h);
		json_array_append_new(
		    arr,
		    json_pack("{s:I, s:o, s:o, s:o, s:o, s:s?, s:i, s:i, s:I, s:b, s:o}", "id",
			      (json_int_t)m->id, "thumb", jstr(thumb_url(c->req->arena, m, 320)),
			      "caption", jstr(m->caption), "alt", jstr(m->alt), "credit",
			      jstr(m->credit), "filename", m->filename, "width", w, "height", h,
			      "uses", (json_int_t)e[i].n_uses, "no_alt", !m->alt || !m->alt[0],
			      "uploaded", nz_view_admin_time(ac, e[i].created_at)));
	}
	return arr;
}

/* The query string of the filters with cursor set to next (arena). */
static const char *next_url(nz__ctx *c, int64_t next)
{
	static const char *const keys[] = {"q", "used", "from", "to", "uploader"};
	nz_buf b;
	nz_buf_init(&b, 4096);
	nz_buf_puts(&b, "/admin/media?");
	for (size_t i = 0; i < sizeof keys / sizeof *keys; i++) {
		const char *v = param(c, keys[i]);
		if (!v)
			continue;
		nz_buf_printf(&b, "%s=", keys[i]);
		nz_escape_url(&b, v, strlen(v));
		nz_buf_putc(&b, '&');
	}
	nz_buf_printf(&b, "cursor=%lld", (long long)next);
	const char *s = nz_buf_rc(&b) ? NULL : nz_arena_strdup(c->req->arena, nz_buf_cstr(&b));
	nz_buf_free(&b);
	return s;
}

/* The filter's choices: every user who uploaded a photo, the one asked for selected. A store
 * error leaves the list empty (the grid still shows). */
static json_t *uploaders_json(nz__ctx *c)
{
	nz_user *u = NULL;
	size_t n = 0;
	nz_err err = {0};
	const char *chosen = param(c, "uploader");
	json_t *arr = json_array();
	if (nz_store_media_uploaders(c->store, c->req->arena, &u, &n, &err) != NZ_OK)
		n = 0;
	for (size_t i = 0; arr && i < n; i++)
		json_array_append_new(arr, json_pack("{s:s, s:b}", "login", u[i].login, "selected",
						     chosen && strcmp(chosen, u[i].login) == 0));
	return arr;
}

static void library(nz__ctx *c, const nz_route_match *m)
{
	(void)m;
	nz_admin_ctx ac;
	nz_media_filter f;
	nz_media_entry *e = NULL;
	size_t n = 0;
	nz_err err = {0};
	const nz_user *me = nz__auth_require(c, NZ_ACT_UPLOAD, NULL);
	if (!me)
		return;
	const char *bad = nz__media_filter_read(c, &f);
	nz_rc rc = bad ? NZ_OK : nz_store_media_search(c->store, c->req->arena, &f, &e, &n, &err);
	if (rc) {
		nz__admin_fail(c, "listing photos", rc, &err);
		return;
	}
	nz__admin_ctx(c, me, "media", &ac);
	const char *done = param(c, "done");
	if (done && strcmp(done, "media-deleted") == 0)
		ac.flash = "The photo was deleted.";
	const char *used = param(c, "used");
	json_t *view = nz_view_admin(&ac, "Photos");
	json_t *uploaders = uploaders_json(c);
	json_t *lib = json_pack(
	    "{s:o, s:b, s:o, s:o, s:o, s:o, s:b, s:b, s:o, s:b}", "photos", grid_json(c, &ac, e, n),
	    "has_photos", n > 0, "q", jstr(param(c, "q")), "from", jstr(param(c, "from")), "to",
	    jstr(param(c, "to")), "error", jstr(bad), "used_yes", used && strcmp(used, "yes") == 0,
	    "used_no", used && strcmp(used, "no") == 0, "next",
	    jstr(n == f.limit ? next_url(c, e[n - 1].media.id) : NULL), "paged", f.before != 0);
	if (lib && uploaders)
		json_object_set_new(lib, "uploaders", uploaders);
	else
		json_decref(uploaders);
	if (!view || !lib || json_object_set_new(view, "library", lib) != 0) {
		json_decref(view);
		nz__admin_error(c, 503, NULL);
		return;
	}
	nz__admin_send(c, bad ? 400 : 200, "admin-media", view);
}

/* The four crops at their focal point, for the photo's page. */
static json_t *crops_json(nz__ctx *c, const nz_media *m)
{
	static const struct {
		nz_media_crop crop;
		const char *label;
	} crops[] = {{NZ_CROP_16X9, "16:9"},
		     {NZ_CROP_4X3, "4:3"},
		     {NZ_CROP_1X1, "1:1"},
		     {NZ_CROP_191X100, "1.91:1 (link previews)"}};
	json_t *arr = json_array();
	for (size_t i = 0; arr && i < sizeof crops / sizeof *crops; i++) {
		nz_rendition r = {
		    .width = NZ_MEDIA_CARD_WIDTH, .crop = crops[i].crop, .format = NZ_FORMAT_JPEG};
		int w = 0, h = 0;
		nz_media_focal(m, &r.focal_x, &r.focal_y);
		nz_media_rendition_size(m->width, m->height, &r, &w, &h);
		json_array_append_new(arr,
				      json_pack("{s:s, s:o, s:i, s:i}", "label", crops[i].label,
						"src", jstr(nz_url_rendition(c->req->arena, m, &r)),
						"width", w, "height", h));
	}
	return arr;
}

static void photo_page(nz__ctx *c, const nz_user *me, int status, const nz_media *m,
		       const nz_article *uses, size_t n, const char *error)
{
	nz_admin_ctx ac;
	nz__admin_ctx(c, me, "media", &ac);
	const char *done = param(c, "done");
	if (done && strcmp(done, "media-saved") == 0)
		ac.flash = "The photo was saved. Pages that show it are being made again.";
	if (error) {
		ac.flash = error;
		ac.flash_error = true;
	}
	int fx, fy, w = 0, h = 0;
	nz_media_focal(m, &fx, &fy);
	nz_rendition big = {.width = 960, .format = NZ_FORMAT_JPEG};
	nz_media_rendition_size(m->width, m->height, &big, &w, &h);
	nz_media_revision *revs = NULL;
	size_t n_revs = 0;
	nz_err err = {0};
	nz_rc rc = nz_store_media_revisions(c->store, c->req->arena, m->id, &revs, &n_revs, &err);
	json_t *variants = rc ? NULL : nz__media_variants_json(c, m->id, &err);
	if (rc || !variants) {
		nz__admin_fail(c, "reading a photo's history",
			       rc ? rc : (err.rc ? err.rc : NZ_NOMEM), &err);
		return;
	}
	json_t *view = nz_view_admin(&ac, "Photo");
	json_t *p = json_pack(
	    "{s:I, s:o, s:i, s:i, s:i, s:i, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:b, s:b, s:i, s:i,"
	    " s:o}",
	    "id", (json_int_t)m->id, "src", jstr(thumb_url(c->req->arena, m, 960)), "width", w,
	    "height", h, "focal_x", fx, "focal_y", fy, "caption", jstr(m->caption), "credit",
	    jstr(m->credit), "alt", jstr(m->alt), "filename", jstr(m->filename), "original",
	    jstr(nz_url_media(c->req->arena, m)), "crops", crops_json(c, m), "uses",
	    nz__media_uses_json(c, uses, n), "used", n > 0, "can_edit",
	    nz_can(me->role, NZ_ACT_PUBLISH, NULL, me->id), "full_width", m->width, "full_height",
	    m->height, "mime", jstr(m->mime));
	if (p &&
	    (json_object_set_new(p, "history", nz__media_history_json(c, &ac, revs, n_revs)) ||
	     json_object_set_new(p, "has_history", json_boolean(n_revs > 0)) ||
	     json_object_set_new(p, "has_variants", json_boolean(json_array_size(variants) > 0)) ||
	     json_object_set(p, "variants", variants))) {
		json_decref(p);
		p = NULL;
	}
	json_decref(variants);
	if (!view || !p || json_object_set_new(view, "photo", p) != 0) {
		json_decref(view);
		nz__admin_error(c, 503, NULL);
		return;
	}
	nz__admin_send(c, status, "admin-media-photo", view);
}

/* Loads photo {id} and its uses, answering 404 itself when there is none. */
static nz_media *load(nz__ctx *c, const nz_route_match *m, nz_article **uses, size_t *n)
{
	nz_media *md = NULL;
	nz_err err = {0};
	int64_t id = nz__admin_id(nz_route_param(m, "id"));
	nz_rc rc = id ? nz_store_media_get(c->store, c->req->arena, id, &md, &err) : NZ_NOTFOUND;
	if (!rc && !md->hash)
		rc = NZ_NOTFOUND;
	if (!rc)
		rc = nz_store_media_uses(c->store, c->req->arena, id, uses, n, &err);
	if (rc == NZ_NOTFOUND)
		nz__admin_error(c, 404, "There is no such photo.");
	else if (rc)
		nz__admin_fail(c, "reading a photo", rc, &err);
	return rc ? NULL : md;
}

static void show(nz__ctx *c, const nz_route_match *m)
{
	nz_article *uses = NULL;
	size_t n = 0;
	const nz_user *me = nz__auth_require(c, NZ_ACT_UPLOAD, NULL);
	nz_media *md = me ? load(c, m, &uses, &n) : NULL;
	if (md)
		photo_page(c, me, 200, md, uses, n, NULL);
}

static const char *form_text(nz__ctx *c, const nz_http_form *f, const char *name)
{
	nz_str s = nz_str_trim(nz_str_c(nz_http_form_get(f, name)));
	return s.len ? nz_arena_str(c->req->arena, s) : NULL;
}

/* The focal point typed or clicked; a message when it is not two percentages. */
static const char *read_focal(const nz_http_form *f, nz_media *md)
{
	const char *x = nz_http_form_get(f, "focal_x"), *y = nz_http_form_get(f, "focal_y");
	long fx = 0, fy = 0;
	if (nz_http_form_get(f, "focal_centre")) {
		md->has_focal = false;
		return NULL;
	}
	if ((!x || !*x) && (!y || !*y))
		return NULL; /* not sent: unchanged */
	if (!parse_int(x, 0, 100, &fx) || !parse_int(y, 0, 100, &fy))
		return "The focal point was not saved: give two whole percentages from 0 to 100 "
		       "(across from the left, down from the top).";
	md->has_focal = true;
	md->focal_x = (int)fx;
	md->focal_y = (int)fy;
	return NULL;
}

/* For a POST that changes photo {id}: the signed-in user who may (*me), the form and the photo
 * with its uses; NULL when the handler already answered. */
static nz_media *editable(nz__ctx *c, const nz_route_match *m, const nz_user **me,
			  nz_http_form *form, nz_article **uses, size_t *n)
{
	*me = nz__auth_require(c, NZ_ACT_PUBLISH, NULL);
	if (!*me || !nz__admin_form(c, form))
		return NULL;
	return load(c, m, uses, n);
}

static void save(nz__ctx *c, const nz_route_match *m)
{
	nz_http_form form;
	nz_article *uses = NULL;
	size_t n = 0;
	nz_err err = {0};
	const nz_user *me = NULL;
	nz_media *md = editable(c, m, &me, &form, &uses, &n);
	if (!md)
		return;
	nz_media edit = *md;
	edit.caption = form_text(c, &form, "caption");
	edit.credit = form_text(c, &form, "credit");
	edit.alt = form_text(c, &form, "alt");
	const char *bad = read_focal(&form, &edit);
	nz_rc rc = bad ? NZ_INVAL : nz_store_media_update(c->store, me->id, &edit, &err);
	if (rc == NZ_INVAL || rc == NZ_UTF8) {
		const char *msg =
		    bad ? bad : nz_arena_printf(c->req->arena, "Not saved: %s.", err.msg);
		photo_page(c, me, 422, &edit, uses, n, msg ? msg : "Not saved.");
	} else if (rc) {
		nz__admin_fail(c, "saving a photo", rc, &err);
	} else {
		nz__redirect(c, nz_arena_printf(c->req->arena, "/admin/media/%lld?done=media-saved",
						(long long)md->id));
	}
}

static void delete_one(nz__ctx *c, const nz_route_match *m)
{
	nz_http_form form;
	nz_article *uses = NULL;
	size_t n = 0;
	nz_err err = {0};
	const nz_user *me = NULL;
	nz_media *md = editable(c, m, &me, &form, &uses, &n);
	if (!md)
		return;
	nz_rc rc = n ? NZ_CONFLICT : nz_store_media_delete(c->store, me->id, md->id, &err);
	if (rc == NZ_CONFLICT) {
		if (!n)
			nz_store_media_uses(c->store, c->req->arena, md->id, &uses, &n, &err);
		photo_page(c, me, 409, md, uses, n, nz__media_in_use(c, uses, n));
	} else if (rc) {
		nz__admin_fail(c, "deleting a photo", rc, &err);
	} else {
		nz__redirect(c, "/admin/media?done=media-deleted");
	}
}

const nz__route_entry nz__admin_media_routes[] = {
    {"GET", "/admin/media", library},
    {"GET", "/admin/media/{id}", show},
    {"POST", "/admin/media/{id}", save},
    {"POST", "/admin/media/{id}/delete", delete_one},
    {NULL, NULL, NULL},
};
