/*
 * web/admin/media_history: a photo's revisions (its caption, credit, alt text and focal point,
 * one state per edit) as JSON, each with what changed since the one before: the photo's page
 * in the library lists them, and the admin API's photo carries them as "revisions". Also the
 * photo's variants: the rows of the same bytes that articles show with texts of their own.
 *
 * Rules: read only; the oldest state is the photo as uploaded (no user), written by the store
 * at the first edit, so a photo never edited has no revisions.
 */
#include <string.h>

#include "web/admin/admin_int.h"

static bool same(const char *x, const char *y)
{
	return (!x || !*x) ? (!y || !*y) : (y && strcmp(x, y) == 0);
}

static const char *focal_text(nz_arena *ar, const nz_media_revision *r)
{
	if (!r->has_focal)
		return "the centre";
	return nz_arena_printf(ar, "%d%% across, %d%% down", r->focal_x, r->focal_y);
}

/* Appends {field, from, to} to arr when the texts differ; false when out of memory. */
static bool change(json_t *arr, const char *field, const char *from, const char *to)
{
	if (same(from, to))
		return true;
	json_t *o = json_pack("{s:s, s:s, s:s}", "field", field, "from", from ? from : "", "to",
			      to ? to : "");
	return nz_json_append(arr, o, o != NULL);
}

/* What changed from older to r. */
static json_t *changes(nz_arena *ar, const nz_media_revision *r, const nz_media_revision *older)
{
	json_t *arr = json_array();
	bool same_focal =
	    r->has_focal == older->has_focal &&
	    (!r->has_focal || (r->focal_x == older->focal_x && r->focal_y == older->focal_y));
	if (!arr || !change(arr, "caption", older->caption, r->caption) ||
	    !change(arr, "credit", older->credit, r->credit) ||
	    !change(arr, "alt text", older->alt, r->alt) ||
	    (!same_focal &&
	     !change(arr, "focal point", focal_text(ar, older), focal_text(ar, r)))) {
		json_decref(arr);
		return NULL;
	}
	return arr;
}

json_t *nz__media_history_json(nz__ctx *c, const nz_admin_ctx *ac, const nz_media_revision *revs,
			       size_t n)
{
	nz_arena *ar = c->req->arena;
	char when[40];
	json_t *arr = json_array();
	for (size_t i = 0; arr && i < n; i++) {
		const nz_media_revision *r = &revs[i];
		bool uploaded = i + 1 == n;
		json_t *o = json_pack(
		    "{s:I, s:o, s:o, s:o, s:o, s:o, s:{s:i, s:i, s:b}, s:b, s:o}", "id",
		    (json_int_t)r->id, "at",
		    ac ? nz_view_admin_time(ac, r->at) : json_string(nz_time_rfc3339(r->at, when)),
		    "user", r->user_login ? json_string(r->user_login) : json_null(), "caption",
		    r->caption ? json_string(r->caption) : json_null(), "credit",
		    r->credit ? json_string(r->credit) : json_null(), "alt",
		    r->alt ? json_string(r->alt) : json_null(), "focal", "x", r->focal_x, "y",
		    r->focal_y, "set", r->has_focal, "uploaded", uploaded, "changed",
		    uploaded ? json_array() : changes(ar, r, &revs[i + 1]));
		if (o && ac)
			json_object_set_new(
			    o, "has_changes",
			    json_boolean(json_array_size(json_object_get(o, "changed"))));
		if (!nz_json_append(arr, o, o != NULL)) {
			json_decref(arr);
			return NULL;
		}
	}
	return arr;
}

json_t *nz__media_variants_json(nz__ctx *c, int64_t id, nz_err *err)
{
	nz_media_variant *v = NULL;
	size_t n = 0;
	if (nz_store_media_variants(c->store, c->req->arena, id, &v, &n, err) != NZ_OK)
		return NULL;
	json_t *arr = json_array();
	nz_arena *ar = c->req->arena;
	for (size_t i = 0; arr && i < n; i++)
		json_array_append_new(
		    arr,
		    json_pack(
			"{s:I, s:s?, s:s, s:{s:I, s:s?, s:s?, s:s}}", "media_id",
			(json_int_t)v[i].media_id, "caption", v[i].caption, "photo_url",
			nz_arena_printf(ar, "/admin/media/%lld", (long long)v[i].media_id),
			"article", "id", (json_int_t)v[i].article_id, "slug", v[i].slug, "headline",
			v[i].headline, "edit_url",
			nz_arena_printf(ar, "/admin/articles/%lld", (long long)v[i].article_id)));
	return arr;
}
