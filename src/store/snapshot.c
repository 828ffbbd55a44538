/*
 * snapshot.c: the JSON an article is kept as in its revisions, and the JSON array of strings the
 * highlights column holds. Shared by every backend, so a revision reads the same whichever
 * database wrote it. Uses jansson; nothing here touches a database.
 *
 * A snapshot holds every field of the article (ids included), times as RFC 3339 UTC and unset
 * values as null or [], never absent, so a later reader can tell "empty" from "unknown".
 */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "store/store_int.h"

/* A JSON string or null. json_string refuses invalid UTF-8; the caller sees NULL as a failure
 * only when s was not NULL. */
static json_t *str_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

static json_t *time_or_null(nz_time t)
{
	char buf[48];
	return t ? json_string(nz_time_rfc3339(t, buf)) : json_null();
}

/* Sets key to value, taking ownership; records a failure in *ok when value is NULL. */
static void put(json_t *obj, const char *key, json_t *value, bool *ok)
{
	if (!value || json_object_set_new(obj, key, value) != 0)
		*ok = false;
}

static void append(json_t *arr, json_t *value, bool *ok)
{
	if (!value || json_array_append_new(arr, value) != 0)
		*ok = false;
}

static json_t *strings_array(const char *const *v, size_t n, bool *ok)
{
	json_t *arr = json_array();
	if (!arr) {
		*ok = false;
		return NULL;
	}
	for (size_t i = 0; i < n; i++)
		append(arr, str_or_null(v[i]), ok);
	return arr;
}

static json_t *author_json(const nz_author *au, bool *ok)
{
	json_t *o = json_object();
	if (!o) {
		*ok = false;
		return NULL;
	}
	put(o, "id", json_integer(au->id), ok);
	put(o, "slug", str_or_null(au->slug), ok);
	put(o, "display_name", str_or_null(au->display_name), ok);
	put(o, "family_name", str_or_null(au->family_name), ok);
	put(o, "given_name", str_or_null(au->given_name), ok);
	put(o, "name_order",
	    json_string(nz_name_order_name(
		(unsigned)au->order < NZ_ENUM_COUNT(NZ_NAME_ORDERS) ? au->order : NZ_NAME_WESTERN)),
	    ok);
	put(o, "email", str_or_null(au->email), ok);
	put(o, "bio", str_or_null(au->bio), ok);
	return o;
}

static json_t *media_json(const nz_media *m, bool *ok)
{
	json_t *o = json_object();
	if (!o) {
		*ok = false;
		return NULL;
	}
	put(o, "id", json_integer(m->id), ok);
	put(o, "hash", str_or_null(m->hash), ok);
	put(o, "mime", str_or_null(m->mime), ok);
	put(o, "caption", str_or_null(m->caption), ok);
	put(o, "credit", str_or_null(m->credit), ok);
	put(o, "alt", str_or_null(m->alt), ok);
	put(o, "width", json_integer(m->width), ok);
	put(o, "height", json_integer(m->height), ok);
	return o;
}

static json_t *section_json(const nz_section *sec, bool *ok)
{
	json_t *o;
	if (!sec)
		return json_null();
	if (!(o = json_object())) {
		*ok = false;
		return NULL;
	}
	put(o, "id", json_integer(sec->id), ok);
	put(o, "slug", str_or_null(sec->slug), ok);
	put(o, "name", str_or_null(sec->name), ok);
	return o;
}

/* The lists hanging off an article: authors, media, tags, corrections. */
static void put_lists(json_t *o, const nz_article *a, bool *ok)
{
	json_t *arr;

	put(o, "authors", arr = json_array(), ok);
	for (size_t i = 0; arr && *ok && i < a->n_authors; i++)
		append(arr, author_json(&a->authors[i], ok), ok);
	put(o, "media", arr = json_array(), ok);
	for (size_t i = 0; arr && *ok && i < a->n_media; i++)
		append(arr, media_json(&a->media[i], ok), ok);
	put(o, "tags", arr = json_array(), ok);
	for (size_t i = 0; arr && *ok && i < a->n_tags; i++) {
		json_t *t = json_object();
		if (t) {
			put(t, "id", json_integer(a->tags[i].id), ok);
			put(t, "slug", str_or_null(a->tags[i].slug), ok);
			put(t, "name", str_or_null(a->tags[i].name), ok);
		}
		append(arr, t, ok);
	}
	put(o, "corrections", arr = json_array(), ok);
	for (size_t i = 0; arr && *ok && i < a->n_corrections; i++) {
		json_t *c = json_object();
		if (c) {
			put(c, "id", json_integer(a->corrections[i].id), ok);
			put(c, "created_at", time_or_null(a->corrections[i].created_at), ok);
			put(c, "text", str_or_null(a->corrections[i].text), ok);
		}
		append(arr, c, ok);
	}
}

static json_t *article_json(const nz_article *a, bool *ok)
{
	json_t *o = json_object();
	if (!o) {
		*ok = false;
		return NULL;
	}
	put(o, "id", json_integer(a->id), ok);
	put(o, "uuid", json_string(a->uuid), ok);
	put(o, "slug", str_or_null(a->slug), ok);
	put(o, "language", str_or_null(a->language), ok);
	put(o, "status", json_string(nz_status_name(a->status)), ok);
	put(o, "section", section_json(a->section, ok), ok);
	put(o, "headline", str_or_null(a->headline), ok);
	put(o, "highlights_intro", str_or_null(a->highlights_intro), ok);
	put(o, "highlights", strings_array(a->highlights, a->n_highlights, ok), ok);
	put(o, "dateline", str_or_null(a->dateline), ok);
	put(o, "body_markdown", str_or_null(a->body_markdown), ok);
	put(o, "copyright", str_or_null(a->copyright), ok);
	put_lists(o, a, ok);
	put(o, "import_notes", strings_array(a->import_notes, a->n_import_notes, ok), ok);
	put(o, "translation_group",
	    a->translation_group ? json_integer(a->translation_group) : json_null(), ok);
	put(o, "created_at", time_or_null(a->created_at), ok);
	put(o, "updated_at", time_or_null(a->updated_at), ok);
	put(o, "published_at", time_or_null(a->published_at), ok);
	put(o, "publish_at", time_or_null(a->publish_at), ok);
	put(o, "embargo_until", time_or_null(a->embargo_until), ok);
	put(o, "revision", json_integer(a->revision), ok);
	return o;
}

/* Dumps root (consumed) into *json; NZ_INVAL when building it failed on bad UTF-8 or NOMEM. */
static nz_rc dump(json_t *root, bool ok, char **json, const char *what, nz_err *err)
{
	*json = NULL;
	if (root && ok)
		*json = json_dumps(root, JSON_COMPACT);
	json_decref(root);
	if (!*json)
		return nz_err_set(err, ok ? NZ_NOMEM : NZ_INVAL,
				  "%s: cannot encode as JSON (invalid UTF-8 or out of memory)",
				  what);
	return NZ_OK;
}

nz_rc nz__store_snapshot(const nz_article *a, char **json, nz_err *err)
{
	bool ok = true;
	json_t *root = article_json(a, &ok);
	return dump(root, ok, json, "snapshot", err);
}

nz_rc nz__store_json_strings(const char *const *v, size_t n, char **json, nz_err *err)
{
	bool ok = true;
	json_t *root = strings_array(v, n, &ok);
	return dump(root, ok, json, "highlights", err);
}

nz_rc nz__store_json_strings_parse(nz_arena *arena, const char *json, const char ***v, size_t *n,
				   nz_err *err)
{
	json_error_t jerr;
	json_t *root = NULL;
	const char **arr = NULL;
	nz_rc rc = NZ_OK;

	*v = NULL;
	*n = 0;
	if (!json || !*json)
		return NZ_OK;
	root = json_loads(json, JSON_REJECT_DUPLICATES, &jerr);
	if (!root || !json_is_array(root)) {
		rc = nz_err_set(err, NZ_PARSE, "highlights: not a JSON array of strings");
		goto out;
	}
	size_t count = json_array_size(root);
	if (count && !(arr = nz_arena_zalloc(arena, count * sizeof(*arr)))) {
		rc = nz_err_set(err, NZ_NOMEM, "highlights: out of memory");
		goto out;
	}
	for (size_t i = 0; i < count; i++) {
		json_t *item = json_array_get(root, i);
		if (!json_is_string(item)) {
			rc = nz_err_set(err, NZ_PARSE, "highlights[%zu]: not a string", i);
			goto out;
		}
		arr[i] = nz_arena_strndup(arena, json_string_value(item), json_string_length(item));
		if (!arr[i]) {
			rc = nz_err_set(err, NZ_NOMEM, "highlights: out of memory");
			goto out;
		}
	}
	*v = arr;
	*n = count;
out:
	json_decref(root);
	return rc;
}
