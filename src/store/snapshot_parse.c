/*
 * snapshot_parse.c: reads a revision snapshot (snapshot.c's JSON) back into an nz_article, for
 * diffs and restores. Shared by every backend.
 *
 * Rules: tolerant of what older snapshots may lack (a missing key reads as unset), strict about
 * types (a string where an array belongs is NZ_PARSE); everything goes into the caller's arena.
 */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "store/store_int.h"

/* A string member copied into arena; NULL when absent or null. False on out of memory or when
 * the member is not a string. */
static bool get_str(nz_arena *arena, const json_t *o, const char *key, const char **out)
{
	json_t *v = json_object_get(o, key);
	*out = NULL;
	if (!v || json_is_null(v))
		return true;
	if (!json_is_string(v))
		return false;
	*out = nz_arena_strndup(arena, json_string_value(v), json_string_length(v));
	return *out != NULL;
}

static int64_t get_int(const json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);
	return json_is_integer(v) ? (int64_t)json_integer_value(v) : 0;
}

static bool get_time(const json_t *o, const char *key, nz_time *out)
{
	json_t *v = json_object_get(o, key);
	*out = 0;
	if (!v || json_is_null(v))
		return true;
	return json_is_string(v) &&
	       nz_time_parse_rfc3339(nz_str_c(json_string_value(v)), out) == NZ_OK;
}

/* An arena array of count elements of size bytes for the array member key; *arr NULL when the
 * member is absent or empty. False on a non-array or out of memory. */
static bool get_array(nz_arena *arena, const json_t *o, const char *key, size_t size, void **arr,
		      size_t *n, json_t **json)
{
	json_t *v = json_object_get(o, key);
	*arr = NULL;
	*n = 0;
	*json = v;
	if (!v || json_is_null(v))
		return true;
	if (!json_is_array(v))
		return false;
	if (json_array_size(v) == 0)
		return true;
	*n = json_array_size(v);
	*arr = nz_arena_zalloc(arena, *n * size);
	return *arr != NULL;
}

static bool parse_authors(nz_arena *arena, const json_t *root, nz_article *a)
{
	json_t *arr;
	if (!get_array(arena, root, "authors", sizeof(nz_author), (void **)&a->authors,
		       &a->n_authors, &arr))
		return false;
	for (size_t i = 0; i < a->n_authors; i++) {
		json_t *o = json_array_get(arr, i);
		nz_author *au = &a->authors[i];
		const char *order = NULL;
		if (!json_is_object(o) || !get_str(arena, o, "slug", &au->slug) ||
		    !get_str(arena, o, "display_name", &au->display_name) ||
		    !get_str(arena, o, "family_name", &au->family_name) ||
		    !get_str(arena, o, "given_name", &au->given_name) ||
		    !get_str(arena, o, "email", &au->email) ||
		    !get_str(arena, o, "bio", &au->bio) || !get_str(arena, o, "name_order", &order))
			return false;
		au->id = get_int(o, "id");
		if (order)
			(void)nz_name_order_parse(nz_str_c(order), &au->order);
	}
	return true;
}

static bool parse_media(nz_arena *arena, const json_t *root, nz_article *a)
{
	json_t *arr;
	if (!get_array(arena, root, "media", sizeof(nz_media), (void **)&a->media, &a->n_media,
		       &arr))
		return false;
	for (size_t i = 0; i < a->n_media; i++) {
		json_t *o = json_array_get(arr, i);
		nz_media *m = &a->media[i];
		if (!json_is_object(o) || !get_str(arena, o, "hash", &m->hash) ||
		    !get_str(arena, o, "mime", &m->mime) ||
		    !get_str(arena, o, "caption", &m->caption) ||
		    !get_str(arena, o, "credit", &m->credit) || !get_str(arena, o, "alt", &m->alt))
			return false;
		m->id = get_int(o, "id");
		m->width = (int)get_int(o, "width");
		m->height = (int)get_int(o, "height");
	}
	return true;
}

static bool parse_lists(nz_arena *arena, const json_t *root, nz_article *a)
{
	json_t *arr;
	if (!parse_authors(arena, root, a) || !parse_media(arena, root, a) ||
	    !get_array(arena, root, "tags", sizeof(nz_tag), (void **)&a->tags, &a->n_tags, &arr))
		return false;
	for (size_t i = 0; i < a->n_tags; i++) {
		json_t *o = json_array_get(arr, i);
		if (!json_is_object(o) || !get_str(arena, o, "slug", &a->tags[i].slug) ||
		    !get_str(arena, o, "name", &a->tags[i].name))
			return false;
		a->tags[i].id = get_int(o, "id");
	}
	if (!get_array(arena, root, "corrections", sizeof(nz_correction), (void **)&a->corrections,
		       &a->n_corrections, &arr))
		return false;
	for (size_t i = 0; i < a->n_corrections; i++) {
		json_t *o = json_array_get(arr, i);
		if (!json_is_object(o) || !get_str(arena, o, "text", &a->corrections[i].text) ||
		    !get_time(o, "created_at", &a->corrections[i].created_at))
			return false;
		a->corrections[i].id = get_int(o, "id");
	}
	return true;
}

/* A JSON array of strings into an arena array. */
static bool parse_strings(nz_arena *arena, const json_t *root, const char *key, const char ***v,
			  size_t *n)
{
	json_t *arr;
	if (!get_array(arena, root, key, sizeof(char *), (void **)v, n, &arr))
		return false;
	for (size_t i = 0; i < *n; i++) {
		json_t *s = json_array_get(arr, i);
		if (!json_is_string(s) || !((*v)[i] = nz_arena_strndup(arena, json_string_value(s),
								       json_string_length(s))))
			return false;
	}
	return true;
}

static bool parse_fields(nz_arena *arena, const json_t *root, nz_article *a)
{
	const char *uuid = NULL, *status = NULL;
	json_t *sec = json_object_get(root, "section");

	a->id = get_int(root, "id");
	a->revision = get_int(root, "revision");
	a->translation_group = get_int(root, "translation_group");
	if (!get_str(arena, root, "uuid", &uuid) || !get_str(arena, root, "slug", &a->slug) ||
	    !get_str(arena, root, "language", &a->language) ||
	    !get_str(arena, root, "status", &status) ||
	    !get_str(arena, root, "headline", &a->headline) ||
	    !get_str(arena, root, "highlights_intro", &a->highlights_intro) ||
	    !get_str(arena, root, "dateline", &a->dateline) ||
	    !get_str(arena, root, "body_markdown", &a->body_markdown) ||
	    !get_str(arena, root, "copyright", &a->copyright) ||
	    !get_time(root, "created_at", &a->created_at) ||
	    !get_time(root, "updated_at", &a->updated_at) ||
	    !get_time(root, "published_at", &a->published_at) ||
	    !get_time(root, "publish_at", &a->publish_at) ||
	    !get_time(root, "embargo_until", &a->embargo_until))
		return false;
	if (uuid && strlen(uuid) < sizeof a->uuid)
		memcpy(a->uuid, uuid, strlen(uuid) + 1);
	if (status && nz_status_parse(nz_str_c(status), &a->status) != NZ_OK)
		return false;
	if (json_is_object(sec)) {
		nz_section *s = nz_arena_zalloc(arena, sizeof *s);
		if (!s || !get_str(arena, sec, "slug", &s->slug) ||
		    !get_str(arena, sec, "name", &s->name))
			return false;
		s->id = get_int(sec, "id");
		a->section = s;
	}
	return parse_strings(arena, root, "highlights", &a->highlights, &a->n_highlights) &&
	       parse_strings(arena, root, "import_notes", &a->import_notes, &a->n_import_notes) &&
	       parse_lists(arena, root, a);
}

nz_rc nz__store_snapshot_parse(nz_arena *arena, const char *json, nz_article *a, nz_err *err)
{
	json_error_t jerr;
	json_t *root = json ? json_loads(json, 0, &jerr) : NULL;
	nz_rc rc = NZ_OK;

	memset(a, 0, sizeof *a);
	if (!json_is_object(root))
		rc = nz_err_set(err, NZ_PARSE, "revision: the snapshot is not a JSON object");
	else if (!parse_fields(arena, root, a))
		rc = nz_err_set(err, NZ_PARSE,
				"revision: the snapshot has a field of the wrong type (or out of "
				"memory)");
	json_decref(root);
	return rc;
}
