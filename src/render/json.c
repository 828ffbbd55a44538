/*
 * json.c: the API's JSON shape of an article (DESIGN.md "Stable interfaces") and of an error,
 * plus the small jansson helpers the view models share.
 *
 * Rules: every documented field is always present; a missing value is null or [], never absent.
 * Times are RFC 3339 UTC. Fields are only ever added, never renamed or removed: scripts and
 * partners depend on them. Strings with invalid UTF-8 (which validation should have refused) are
 * repaired with U+FFFD rather than dropped, so one bad byte never hides a whole article.
 */
#include <string.h>

#include "render/render_int.h"

/* Copies s with each invalid UTF-8 sequence replaced by U+FFFD. */
static json_t *json_str_repaired(const char *s, size_t len)
{
	nz_buf b;
	json_t *res = NULL;
	size_t i = 0;
	nz_buf_init(&b, 0);
	while (i < len) {
		uint32_t cp;
		size_t n = nz_utf8_decode(s + i, len - i, &cp);
		if (n == 0) {
			nz_buf_puts(&b, "\xEF\xBF\xBD");
			i++;
		} else {
			nz_buf_append(&b, s + i, n);
			i += n;
		}
	}
	if (nz_buf_rc(&b) == NZ_OK)
		res = json_stringn(nz_buf_cstr(&b), b.len);
	nz_buf_free(&b);
	return res;
}

json_t *nz__json_str(const char *s)
{
	if (!s)
		return json_null();
	size_t len = strlen(s);
	if (!nz_utf8_valid(s, len, NULL))
		return json_str_repaired(s, len);
	return json_stringn(s, len);
}

json_t *nz__json_str_nonempty(const char *s)
{
	return s && s[0] ? nz__json_str(s) : json_null();
}

json_t *nz__json_time(nz_time t)
{
	char buf[64];
	if (t == 0)
		return json_null();
	return json_string(nz_time_rfc3339(t, buf));
}

bool nz__json_put(json_t *obj, const char *key, json_t *v)
{
	if (!v)
		return false;
	return json_object_set_new(obj, key, v) == 0;
}

bool nz_json_append(json_t *arr, json_t *v, bool ok)
{
	if (!ok) {
		json_decref(v);
		return false;
	}
	return v && json_array_append_new(arr, v) == 0;
}

/* Appends v to arr (stealing it); false when v is NULL or out of memory. */
static bool push(json_t *arr, json_t *v)
{
	return v && json_array_append_new(arr, v) == 0;
}

/* base_url + path as a JSON string; null when path is NULL. */
static json_t *absolute(const nz_site *site, const char *path)
{
	if (!path)
		return json_null();
	json_t *v = NULL;
	nz_buf b;
	nz_buf_init(&b, 0);
	nz_buf_puts(&b, site && site->base_url ? site->base_url : "");
	nz_buf_puts(&b, path);
	if (nz_buf_rc(&b) == NZ_OK)
		v = nz__json_str(nz_buf_cstr(&b));
	nz_buf_free(&b);
	return v;
}

static json_t *str_array(const char **items, size_t n)
{
	json_t *arr = json_array();
	for (size_t i = 0; arr && i < n; i++) {
		if (!push(arr, nz__json_str(items[i] ? items[i] : ""))) {
			json_decref(arr);
			return NULL;
		}
	}
	return arr;
}

static json_t *section_json(nz_arena *arena, const nz_site *site, const nz_section *s)
{
	if (!s)
		return json_null();
	json_t *o = json_object();
	if (o && nz__json_put(o, "slug", nz__json_str(s->slug)) &&
	    nz__json_put(o, "name", nz__json_str(s->name)) &&
	    nz__json_put(o, "url", absolute(site, s->slug ? nz_url_section(arena, s->slug) : NULL)))
		return o;
	json_decref(o);
	return NULL;
}

static json_t *authors_json(nz_arena *arena, const nz_site *site, const nz_article *a)
{
	json_t *arr = json_array();
	for (size_t i = 0; arr && i < a->n_authors; i++) {
		const nz_author *au = &a->authors[i];
		json_t *o = json_object();
		bool ok =
		    o && nz__json_put(o, "slug", nz__json_str(au->slug)) &&
		    nz__json_put(o, "name", nz__json_str(nz_author_name(arena, au))) &&
		    nz__json_put(o, "family_name", nz__json_str(au->family_name)) &&
		    nz__json_put(o, "given_name", nz__json_str(au->given_name)) &&
		    nz__json_put(o, "email", nz__json_str_nonempty(au->email)) &&
		    nz__json_put(o, "url",
				 absolute(site, au->slug ? nz_url_author(arena, au->slug) : NULL));
		if (!nz_json_append(arr, o, ok)) {
			json_decref(arr);
			return NULL;
		}
	}
	return arr;
}

json_t *nz_json_renditions(nz_arena *arena, const nz_site *site, const nz_media *m)
{
	nz_rendition set[NZ_MEDIA_STANDARD_MAX];
	int fx, fy;
	nz_media_focal(m, &fx, &fy);
	size_t n =
	    m->hash ? nz_media_standard(m->width, m->mime, fx, fy, set, NZ_MEDIA_STANDARD_MAX) : 0;
	json_t *arr = json_array();
	for (size_t i = 0; arr && i < n; i++) {
		int w, h;
		const char *path = nz_url_rendition(arena, m, &set[i]);
		nz_media_rendition_size(m->width, m->height, &set[i], &w, &h);
		json_t *o = json_pack("{s:o, s:o, s:s, s:i, s:i}", "path", nz__json_str(path),
				      "url", absolute(site, path), "type",
				      nz_media_format_mime(set[i].format), "width", w, "height", h);
		if (!push(arr, o)) {
			json_decref(arr);
			return NULL;
		}
	}
	return arr;
}

static json_t *media_one(nz_arena *arena, const nz_site *site, const nz_media *m)
{
	json_t *o = json_object();
	const char *path = nz_url_media(arena, m);
	bool ok =
	    o && nz__json_put(o, "url", absolute(site, path)) &&
	    nz__json_put(o, "caption", nz__json_str(m->caption)) &&
	    nz__json_put(o, "credit", nz__json_str(m->credit)) &&
	    nz__json_put(o, "alt", nz__json_str(m->alt)) &&
	    nz__json_put(o, "mime", nz__json_str(m->hash ? m->mime : NULL)) &&
	    nz__json_put(o, "width", m->width > 0 ? json_integer(m->width) : json_null()) &&
	    nz__json_put(o, "height", m->height > 0 ? json_integer(m->height) : json_null()) &&
	    nz__json_put(o, "renditions", nz_json_renditions(arena, site, m));
	if (ok)
		return o;
	json_decref(o);
	return NULL;
}

static json_t *media_json(nz_arena *arena, const nz_site *site, const nz_article *a)
{
	json_t *arr = json_array();
	for (size_t i = 0; arr && i < a->n_media; i++) {
		if (!push(arr, media_one(arena, site, &a->media[i]))) {
			json_decref(arr);
			return NULL;
		}
	}
	return arr;
}

static json_t *tags_json(nz_arena *arena, const nz_site *site, const nz_article *a)
{
	json_t *arr = json_array();
	for (size_t i = 0; arr && i < a->n_tags; i++) {
		const nz_tag *t = &a->tags[i];
		json_t *o = json_object();
		bool ok = o && nz__json_put(o, "slug", nz__json_str(t->slug)) &&
			  nz__json_put(o, "name", nz__json_str(t->name)) &&
			  nz__json_put(o, "url",
				       absolute(site, t->slug ? nz_url_tag(arena, t->slug) : NULL));
		if (!nz_json_append(arr, o, ok)) {
			json_decref(arr);
			return NULL;
		}
	}
	return arr;
}

static json_t *corrections_json(const nz_article *a)
{
	json_t *arr = json_array();
	for (size_t i = 0; arr && i < a->n_corrections; i++) {
		const nz_correction *c = &a->corrections[i];
		json_t *o = json_object();
		bool ok = o && nz__json_put(o, "text", nz__json_str(c->text ? c->text : "")) &&
			  nz__json_put(o, "created_at", nz__json_time(c->created_at));
		if (!nz_json_append(arr, o, ok)) {
			json_decref(arr);
			return NULL;
		}
	}
	return arr;
}

json_t *nz__json_body_html(const nz_article *a)
{
	nz_buf b;
	json_t *v = NULL;
	nz_buf_init(&b, 0);
	if (nz__body_html(a, &(nz__body_photos){0}, &b) == NZ_OK)
		v = nz__json_str(nz_buf_cstr(&b));
	nz_buf_free(&b);
	return v;
}

/* The fields that need no arena: identity, text and times. */
static bool put_plain(json_t *o, const nz_article *a)
{
	return nz__json_put(o, "id", a->id ? json_integer(a->id) : json_null()) &&
	       nz__json_put(o, "uuid", nz__json_str_nonempty(a->uuid)) &&
	       nz__json_put(o, "slug", nz__json_str(a->slug)) &&
	       nz__json_put(o, "language", nz__json_str(a->language)) &&
	       nz__json_put(o, "status", nz__json_str(nz_status_name(a->status))) &&
	       nz__json_put(o, "headline", nz__json_str(a->headline)) &&
	       nz__json_put(o, "highlights_intro", nz__json_str(a->highlights_intro)) &&
	       nz__json_put(o, "highlights", str_array(a->highlights, a->n_highlights)) &&
	       nz__json_put(o, "dateline", nz__json_str(a->dateline)) &&
	       nz__json_put(o, "body_markdown", nz__json_str(a->body_markdown)) &&
	       nz__json_put(o, "body_html", nz__json_body_html(a)) &&
	       nz__json_put(o, "copyright", nz__json_str(a->copyright)) &&
	       nz__json_put(o, "published_at", nz__json_time(a->published_at)) &&
	       nz__json_put(o, "listed_at", nz__json_time(a->listed_at)) &&
	       nz__json_put(o, "updated_at", nz__json_time(a->updated_at)) &&
	       nz__json_put(o, "created_at", nz__json_time(a->created_at)) &&
	       nz__json_put(o, "publish_at", nz__json_time(a->publish_at)) &&
	       nz__json_put(o, "embargo_until", nz__json_time(a->embargo_until)) &&
	       nz__json_put(o, "revision", json_integer(a->revision)) &&
	       nz__json_put(o, "translation_group",
			    a->translation_group ? json_integer(a->translation_group)
						 : json_null()) &&
	       nz__json_put(o, "import_notes", str_array(a->import_notes, a->n_import_notes)) &&
	       nz__json_put(o, "corrections", corrections_json(a));
}

json_t *nz_json_article(const nz_site *site, const nz_article *a)
{
	nz_arena *arena = nz_arena_new();
	json_t *o = json_object();
	json_t *res = NULL;
	if (!arena || !o || !put_plain(o, a))
		goto out;
	if (!nz__json_put(o, "url",
			  absolute(site, a->slug ? nz_url_article(arena, a->slug) : NULL)) ||
	    !nz__json_put(o, "section", section_json(arena, site, a->section)) ||
	    !nz__json_put(o, "authors", authors_json(arena, site, a)) ||
	    !nz__json_put(o, "media", media_json(arena, site, a)) ||
	    !nz__json_put(o, "tags", tags_json(arena, site, a)))
		goto out;
	res = o;
	o = NULL;
out:
	json_decref(o);
	nz_arena_free(arena);
	return res;
}

json_t *nz_json_error(const char *code, const char *message)
{
	json_t *inner = json_object();
	json_t *o = json_object();
	if (!inner || !o || !nz__json_put(inner, "code", nz__json_str(code ? code : "error")) ||
	    !nz__json_put(inner, "message", nz__json_str(message ? message : ""))) {
		json_decref(inner);
		json_decref(o);
		return NULL;
	}
	/* nz__json_put takes inner whether or not it succeeds. */
	if (!nz__json_put(o, "error", inner)) {
		json_decref(o);
		return NULL;
	}
	return o;
}
