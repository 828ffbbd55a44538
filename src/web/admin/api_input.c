/*
 * web/admin/api_input: the admin API's input and output: JSON bodies into articles
 * (sections, authors and tags looked up or made, media checked against uploads), the admin
 * shape of an article, and store errors as HTTP answers.
 *
 * Rules: a bad value is a 400 naming the field and changes nothing; keys the read side shows
 * but a client cannot set (id, url, status, times, ...) are ignored, so a GET body can be sent
 * back as a PATCH; any other unknown key is refused (it is probably a typo).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "web/admin/admin_int.h"

json_t *nz__api_body(nz__ctx *c, bool empty_ok)
{
	json_error_t jerr;
	if (c->req->body_len == 0 && empty_ok)
		return json_object();
	json_t *v = json_loadb(c->req->body, c->req->body_len, 0, &jerr);
	if (!json_is_object(v)) {
		json_decref(v);
		const char *msg =
		    nz_arena_printf(c->req->arena, "the body must be a JSON object (%s)",
				    v ? "got another JSON value" : jerr.text);
		nz__send_json_error(c->resp, 400, "invalid_json", msg ? msg : "bad JSON");
		return NULL;
	}
	return v;
}

static bool bad(nz__ctx *c, const char *field, const char *why)
{
	const char *msg = nz_arena_printf(c->req->arena, "%s: %s", field, why);
	nz__send_json_error(c->resp, 400, "invalid", msg ? msg : why);
	return false;
}

/* A string field (or null when nullable) into *out (arena). */
static bool text_field(nz__ctx *c, json_t *v, const char *field, bool nullable, const char **out)
{
	if (json_is_null(v) && nullable) {
		*out = NULL;
		return true;
	}
	if (!json_is_string(v))
		return bad(c, field, nullable ? "must be a string or null" : "must be a string");
	*out = nz_arena_strndup(c->req->arena, json_string_value(v), json_string_length(v));
	return *out ? true : bad(c, field, "out of memory");
}

static bool highlights_field(nz__ctx *c, json_t *v, nz_article *a)
{
	if (!json_is_array(v))
		return bad(c, "highlights", "must be an array of strings");
	size_t n = json_array_size(v);
	const char **items = nz_arena_zalloc(c->req->arena, (n ? n : 1) * sizeof *items);
	for (size_t i = 0; items && i < n; i++)
		if (!text_field(c, json_array_get(v, i), "highlights[]", false, &items[i]))
			return false;
	a->highlights = items;
	a->n_highlights = n;
	return items != NULL;
}

static bool section_field(nz__ctx *c, json_t *v, nz_article *a)
{
	nz_err err = {0};
	nz_section *sec = NULL;
	if (json_is_null(v)) {
		a->section = NULL;
		return true;
	}
	const char *slug = json_is_object(v) ? json_string_value(json_object_get(v, "slug"))
					     : json_string_value(v);
	if (!slug)
		return bad(c, "section", "must be a section's slug, {\"slug\": ...} or null");
	if (nz_store_section_get(c->store, c->req->arena, slug, &sec, &err) != NZ_OK)
		return bad(c, "section", "no such section (an admin adds sections)");
	a->section = sec;
	return true;
}

/* One author: an existing author's slug, or a new author's name; or an object. */
static bool author_item(nz__ctx *c, json_t *v, nz_author *au)
{
	nz_author *found = NULL;
	nz_err err = {0};
	memset(au, 0, sizeof *au);
	if (json_is_string(v)) {
		const char *s = json_string_value(v);
		if (nz_store_author_get(c->store, c->req->arena, s, &found, &err) == NZ_OK) {
			*au = *found;
			return true;
		}
		return text_field(c, v, "authors[]", false, &au->display_name);
	}
	if (!json_is_object(v))
		return bad(c, "authors[]", "must be a slug, a name or an object");
	const char *order = NULL;
	json_t *name = json_object_get(v, "display_name");
	if (!name)
		name = json_object_get(v, "name");
	if ((json_object_get(v, "slug") &&
	     !text_field(c, json_object_get(v, "slug"), "authors[].slug", true, &au->slug)) ||
	    (name && !text_field(c, name, "authors[].name", true, &au->display_name)))
		return false;
	static const char *const keys[] = {"family_name", "given_name", "email", "bio"};
	const char **dst[] = {&au->family_name, &au->given_name, &au->email, &au->bio};
	for (size_t i = 0; i < 4; i++)
		if (json_object_get(v, keys[i]) &&
		    !text_field(c, json_object_get(v, keys[i]), keys[i], true, dst[i]))
			return false;
	if (json_object_get(v, "name_order") &&
	    !text_field(c, json_object_get(v, "name_order"), "name_order", true, &order))
		return false;
	au->order = NZ_NAME_WESTERN; /* anything else reads as western */
	if (order)
		(void)nz_name_order_parse(nz_str_c(order), &au->order);
	if (au->slug && !au->display_name && !au->family_name &&
	    nz_store_author_get(c->store, c->req->arena, au->slug, &found, &err) == NZ_OK)
		*au = *found;
	if (!au->slug && !au->display_name && !au->family_name && !au->given_name)
		return bad(c, "authors[]", "needs a slug or a name");
	return true;
}

static bool tag_item(nz__ctx *c, json_t *v, nz_tag *t)
{
	memset(t, 0, sizeof *t);
	if (json_is_string(v))
		return text_field(c, v, "tags[]", false, &t->name);
	if (!json_is_object(v))
		return bad(c, "tags[]", "must be a name or {\"slug\",\"name\"}");
	return text_field(c, json_object_get(v, "name"), "tags[].name", false, &t->name) &&
	       (!json_object_get(v, "slug") ||
		text_field(c, json_object_get(v, "slug"), "tags[].slug", true, &t->slug));
}

/* A photo by its upload id (caption, credit, alt may be given), or a caption alone. */
static bool media_item(nz__ctx *c, json_t *v, nz_media *m)
{
	nz_err err = {0};
	nz_media *stored = NULL;
	memset(m, 0, sizeof *m);
	if (!json_is_object(v))
		return bad(c, "media[]", "must be an object such as {\"id\": 3, \"caption\": ...}");
	json_t *id = json_object_get(v, "id");
	if (id && !json_is_null(id)) {
		if (!json_is_integer(id) ||
		    nz_store_media_get(c->store, c->req->arena, json_integer_value(id), &stored,
				       &err) != NZ_OK)
			return bad(c, "media[].id", "no uploaded media has this id");
		*m = *stored;
	}
	static const char *const keys[] = {"caption", "credit", "alt"};
	const char **dst[] = {&m->caption, &m->credit, &m->alt};
	for (size_t i = 0; i < 3; i++)
		if (json_object_get(v, keys[i]) &&
		    !text_field(c, json_object_get(v, keys[i]), keys[i], true, dst[i]))
			return false;
	return true;
}

typedef bool (*item_fn)(nz__ctx *c, json_t *v, void *item);

/* An array field of items filled by fn into an arena array. */
static bool list_field(nz__ctx *c, json_t *v, const char *field, size_t size, item_fn fn,
		       void **out, size_t *n)
{
	if (!json_is_array(v))
		return bad(c, field, "must be an array");
	size_t count = json_array_size(v);
	char *items = nz_arena_zalloc(c->req->arena, (count ? count : 1) * size);
	if (!items)
		return bad(c, field, "out of memory");
	for (size_t i = 0; i < count; i++)
		if (!fn(c, json_array_get(v, i), items + i * size))
			return false;
	*out = items;
	*n = count;
	return true;
}

/* Keys a client may send back from a GET but cannot set here. */
static bool read_only(const char *key)
{
	static const char *const keys[] = {
	    "id",           "uuid",         "url",        "status",        "body_html",
	    "published_at", "updated_at",   "created_at", "publish_at",    "embargo_until",
	    "corrections",  "import_notes", "created_by", "revision_note", "note"};
	for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
		if (strcmp(key, keys[i]) == 0)
			return true;
	return false;
}

static bool apply_one(nz__ctx *c, const char *key, json_t *v, nz_article *a)
{
	if (strcmp(key, "headline") == 0)
		return text_field(c, v, key, false, &a->headline);
	if (strcmp(key, "slug") == 0)
		return text_field(c, v, key, true, &a->slug);
	if (strcmp(key, "language") == 0)
		return text_field(c, v, key, true, &a->language);
	if (strcmp(key, "highlights_intro") == 0)
		return text_field(c, v, key, true, &a->highlights_intro);
	if (strcmp(key, "dateline") == 0)
		return text_field(c, v, key, true, &a->dateline);
	if (strcmp(key, "body_markdown") == 0)
		return text_field(c, v, key, true, &a->body_markdown);
	if (strcmp(key, "copyright") == 0)
		return text_field(c, v, key, true, &a->copyright);
	if (strcmp(key, "highlights") == 0)
		return highlights_field(c, v, a);
	if (strcmp(key, "section") == 0)
		return section_field(c, v, a);
	if (strcmp(key, "authors") == 0)
		return list_field(c, v, key, sizeof(nz_author), (item_fn)author_item,
				  (void **)&a->authors, &a->n_authors);
	if (strcmp(key, "tags") == 0)
		return list_field(c, v, key, sizeof(nz_tag), (item_fn)tag_item, (void **)&a->tags,
				  &a->n_tags);
	if (strcmp(key, "media") == 0)
		return list_field(c, v, key, sizeof(nz_media), (item_fn)media_item,
				  (void **)&a->media, &a->n_media);
	if (strcmp(key, "translation_group") == 0) {
		if (!json_is_null(v) && (!json_is_integer(v) || json_integer_value(v) < 1))
			return bad(c, key, "must be a positive integer or null");
		a->translation_group = json_is_null(v) ? 0 : json_integer_value(v);
		return true;
	}
	if (strcmp(key, "revision") == 0 || read_only(key))
		return true;
	return bad(c, key, "unknown field");
}

bool nz__api_apply(nz__ctx *c, json_t *body, nz_article *a)
{
	const char *key;
	json_t *v;
	json_object_foreach(body, key, v)
	{
		if (!apply_one(c, key, v, a))
			return false;
	}
	/* An empty optional text means "none". */
	const char **opt[] = {&a->slug, &a->highlights_intro, &a->dateline, &a->copyright};
	for (size_t i = 0; i < sizeof opt / sizeof opt[0]; i++)
		if (*opt[i] && !**opt[i])
			*opt[i] = NULL;
	return true;
}

json_t *nz__api_article(nz__ctx *c, const nz_article *a)
{
	json_t *o = nz_json_article(&c->site, a);
	if (!o)
		return NULL;
	json_object_set_new(o, "created_by",
			    a->created_by ? json_integer(a->created_by) : json_null());
	json_t *media = json_object_get(o, "media"), *authors = json_object_get(o, "authors");
	for (size_t i = 0; i < a->n_media && i < json_array_size(media); i++)
		json_object_set_new(json_array_get(media, i), "id",
				    a->media[i].id ? json_integer(a->media[i].id) : json_null());
	for (size_t i = 0; i < a->n_authors && i < json_array_size(authors); i++) {
		const nz_author *au = &a->authors[i];
		json_object_set_new(json_array_get(authors, i), "display_name",
				    au->display_name ? json_string(au->display_name) : json_null());
		json_object_set_new(
		    json_array_get(authors, i), "name_order",
		    json_string(nz_name_order_name(
			(unsigned)au->order < NZ_ENUM_COUNT(NZ_NAME_ORDERS) ? au->order
									    : NZ_NAME_WESTERN)));
	}
	return o;
}

void nz__api_fail(nz__ctx *c, nz_rc rc, const nz_err *err)
{
	const char *msg = err && err->msg[0] ? err->msg : nz_strerror(rc);
	switch (rc) {
	case NZ_INVAL:
	case NZ_UTF8:
	case NZ_PARSE:
		nz__send_json_error(c->resp, 400, "invalid", msg);
		return;
	case NZ_NOTFOUND:
		nz__send_json_error(c->resp, 404, "not_found", msg);
		return;
	case NZ_CONFLICT:
		nz__send_json_error(c->resp, 409, "conflict", msg);
		return;
	case NZ_EXISTS:
		nz__send_json_error(c->resp, 409, "exists", msg);
		return;
	case NZ_TOOBIG:
		nz__send_json_error(c->resp, 413, "too_large", msg);
		return;
	case NZ_PERM:
		nz__send_json_error(c->resp, 403, "forbidden", msg);
		return;
	case NZ_UNSUPPORTED:
		nz__send_json_error(c->resp, 415, "unsupported_media_type", msg);
		return;
	case NZ_NOMEM:
		nz__send_json_error(c->resp, 503, "unavailable", "out of memory");
		return;
	default:
		NZ_LOG(NZ_LOG_ERROR, "admin-api", "%s %s: %s", c->req->method, c->req->path, msg);
		nz__send_json_error(c->resp, 500, "internal", "the server could not do this");
	}
}

int64_t nz__api_id(nz__ctx *c, const nz_route_match *m, const char *name)
{
	nz_str s = nz_route_param(m, name);
	char buf[24];
	if (s.len == 0 || s.len >= sizeof buf || s.p[0] < '1' || s.p[0] > '9') {
		nz__send_json_error(c->resp, 404, "not_found", "no such id");
		return 0;
	}
	memcpy(buf, s.p, s.len);
	buf[s.len] = '\0';
	char *end = NULL;
	errno = 0;
	long long v = strtoll(buf, &end, 10);
	if (errno || *end || v <= 0) {
		nz__send_json_error(c->resp, 404, "not_found", "no such id");
		return 0;
	}
	return v;
}

nz_article *nz__api_load(nz__ctx *c, const nz_user *u, int64_t id)
{
	nz_article *a = NULL;
	nz_err err = {0};
	nz_rc rc = nz_store_article_by_id(c->store, c->req->arena, id, &a, &err);
	(void)u; /* permission is the caller's check, answered with 403 */
	if (rc == NZ_NOTFOUND) {
		nz__send_json_error(c->resp, 404, "not_found", "no article has this id");
		return NULL;
	}
	if (rc) {
		nz__api_fail(c, rc, &err);
		return NULL;
	}
	return a;
}
