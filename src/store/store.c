/*
 * store.c: the backend-neutral front of the store. It picks a backend by URI, refuses writes on
 * a read-only handle, and does the work that is the same for every backend before handing over:
 * validating and defaulting a new article, checking that a blob's bytes match its hash,
 * normalising list queries. It never speaks SQL; everything else goes through s->ops.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "store/store_int.h"

#define NZ_LIST_DEFAULT 20
#define NZ_LIST_MAX 200

static bool has_prefix(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

nz_rc nz_store_open(const char *uri, unsigned flags, nz_store **out, nz_err *err)
{
	*out = NULL;
	if (!uri || !*uri)
		return nz_err_set(err, NZ_INVAL, "database: no path or URI given");
	if (has_prefix(uri, "postgres://") || has_prefix(uri, "postgresql://"))
		return nz_err_set(err, NZ_UNSUPPORTED,
				  "database: PostgreSQL is not supported yet; give a SQLite file "
				  "path instead of a postgres:// URI");
	return nz__sqlite_open(uri, flags, out, err);
}

void nz_store_close(nz_store *s)
{
	if (s)
		s->ops->close(s);
}

int nz_store_schema_version(nz_store *s)
{
	return s ? s->schema_version : 0;
}

/* NZ_PERM when the handle was opened read-only; what: the write refused, for the message. */
static nz_rc check_writable(nz_store *s, const char *what, nz_err *err)
{
	if (s->flags & NZ_STORE_READONLY)
		return nz_err_set(err, NZ_PERM, "%s: the database was opened read-only", what);
	return NZ_OK;
}

nz_rc nz_store_begin(nz_store *s, nz_err *err)
{
	return s->ops->begin(s, err);
}

nz_rc nz_store_commit(nz_store *s, nz_err *err)
{
	return s->ops->commit(s, err);
}

void nz_store_rollback(nz_store *s)
{
	s->ops->rollback(s);
}

/* ---- settings ---------------------------------------------------------------------------- */

nz_rc nz_store_site_load(nz_store *s, nz_arena *arena, nz_site *out, nz_err *err)
{
	return s->ops->site_load(s, arena, out, err);
}

nz_rc nz_store_setting_set(nz_store *s, const char *key, const char *value, nz_err *err)
{
	nz_rc rc = check_writable(s, "setting", err);
	if (rc)
		return rc;
	if (!key || !*key)
		return nz_err_set(err, NZ_INVAL, "setting: empty key");
	if (value && strcmp(key, "tz_offset_min") == 0) {
		char *end;
		errno = 0;
		long v = strtol(value, &end, 10);
		if (errno || end == value || *end || v < -1440 || v > 1440)
			return nz_err_set(err, NZ_INVAL,
					  "tz_offset_min: \"%.32s\" is not minutes east of UTC "
					  "(-1440..1440)",
					  value);
	}
	/* A NULL value removes the setting, so the default applies again. */
	return s->ops->setting_set(s, key, value, err);
}

/* ---- sections, authors, tags ------------------------------------------------------------- */

nz_rc nz_store_section_ensure(nz_store *s, nz_section *sec, nz_err *err)
{
	nz_rc rc = check_writable(s, "section", err);
	return rc ? rc : s->ops->section_ensure(s, sec, err);
}

nz_rc nz_store_author_ensure(nz_store *s, nz_author *au, nz_err *err)
{
	nz_rc rc = check_writable(s, "author", err);
	return rc ? rc : s->ops->author_ensure(s, au, err);
}

nz_rc nz_store_tag_ensure(nz_store *s, nz_tag *tag, nz_err *err)
{
	nz_rc rc = check_writable(s, "tag", err);
	return rc ? rc : s->ops->tag_ensure(s, tag, err);
}

nz_rc nz_store_section_get(nz_store *s, nz_arena *arena, const char *slug, nz_section **out,
			   nz_err *err)
{
	return s->ops->section_get(s, arena, slug, out, err);
}

nz_rc nz_store_author_get(nz_store *s, nz_arena *arena, const char *slug, nz_author **out,
			  nz_err *err)
{
	return s->ops->author_get(s, arena, slug, out, err);
}

nz_rc nz_store_tag_get(nz_store *s, nz_arena *arena, const char *slug, nz_tag **out, nz_err *err)
{
	return s->ops->tag_get(s, arena, slug, out, err);
}

nz_rc nz_store_section_list(nz_store *s, nz_arena *arena, nz_section **out, size_t *n, nz_err *err)
{
	return s->ops->section_list(s, arena, out, n, err);
}

nz_rc nz_store_author_list(nz_store *s, nz_arena *arena, nz_author **out, size_t *n, nz_err *err)
{
	return s->ops->author_list(s, arena, out, n, err);
}

/* ---- articles ---------------------------------------------------------------------------- */

/* A slug made from text into arena, or NULL when the text has nothing sluggable. */
static const char *slug_from(nz_arena *arena, const char *text, nz_rc *rc)
{
	nz_buf b;
	const char *slug = NULL;

	*rc = NZ_OK;
	if (!text)
		return NULL;
	nz_buf_init(&b, 0);
	if (nz_slug_make(nz_str_c(text), NZ_SLUG_MAX, &b) == NZ_OK) {
		slug = nz_arena_strdup(arena, nz_buf_cstr(&b));
		if (!slug)
			*rc = NZ_NOMEM;
	} else if (nz_buf_rc(&b) == NZ_NOMEM) {
		*rc = NZ_NOMEM;
	}
	nz_buf_free(&b);
	return slug;
}

/* Fills what a caller may leave out and every backend stores the same way: the slug (from the
 * headline), the language (detected), author display names and missing slugs of authors,
 * sections and tags (from their names). Shared with backoffice.c. */
nz_rc nz__store_fill_names(nz_arena *arena, nz_article *a)
{
	nz_rc rc = NZ_OK;

	if (!a->slug || !*a->slug)
		a->slug = slug_from(arena, a->headline, &rc);
	if (!rc && !a->language)
		a->language =
		    a->headline ? nz_language_detect(a->headline, strlen(a->headline)) : "en";
	for (size_t i = 0; !rc && i < a->n_authors; i++) {
		nz_author *au = &a->authors[i];
		if (!au->display_name && !(au->display_name = nz_author_name(arena, au)))
			rc = NZ_NOMEM;
		if (!rc && (!au->slug || !*au->slug))
			au->slug = slug_from(arena, au->display_name, &rc);
	}
	if (!rc && a->section && (!a->section->slug || !*a->section->slug))
		a->section->slug = slug_from(arena, a->section->name, &rc);
	for (size_t i = 0; !rc && i < a->n_tags; i++)
		if (!a->tags[i].slug || !*a->tags[i].slug)
			a->tags[i].slug = slug_from(arena, a->tags[i].name, &rc);
	return rc;
}

nz_rc nz__store_prepare_article(nz_arena *arena, nz_article *a, nz_err *err)
{
	nz_rc rc;
	if (!a)
		return nz_err_set(err, NZ_INVAL, "article: missing");
	if ((rc = nz__store_fill_names(arena, a)))
		return nz_err_set(err, rc, "article: %s", nz_strerror(rc));
	if ((rc = nz_article_validate(a, err)))
		return rc;
	for (size_t i = 0; i < a->n_authors; i++)
		if (!a->authors[i].slug)
			return nz_err_set(err, NZ_INVAL,
					  "authors[%zu]: no name to make a slug from", i);
	if (a->section && !a->section->slug)
		return nz_err_set(err, NZ_INVAL, "section: no name to make a slug from");
	for (size_t i = 0; i < a->n_tags; i++)
		if (!a->tags[i].slug)
			return nz_err_set(err, NZ_INVAL, "tags[%zu]: no name to make a slug from",
					  i);
	return NZ_OK;
}

nz_rc nz_store_article_create(nz_store *s, nz_arena *arena, nz_article *a, const char *note,
			      nz_err *err)
{
	nz_rc rc = check_writable(s, "article", err);
	if (rc)
		return rc;
	if ((rc = nz__store_prepare_article(arena, a, err)))
		return rc;

	nz_time now = nz_time_now();
	if (!a->uuid[0])
		nz_uuid_v4(a->uuid);
	if (!a->created_at)
		a->created_at = now;
	if (!a->updated_at)
		a->updated_at = a->created_at;
	/* A published article always has a publication time: lists order by it. */
	if (!a->published_at &&
	    (a->status == NZ_STATUS_PUBLISHED || a->status == NZ_STATUS_RETRACTED))
		a->published_at = now;
	return s->ops->article_create(s, arena, a, note, err);
}

nz_rc nz_store_article_by_slug(nz_store *s, nz_arena *arena, const char *slug, nz_article **out,
			       nz_err *err)
{
	*out = NULL;
	if (!slug)
		return nz_err_set(err, NZ_NOTFOUND, "article: no slug given");
	return s->ops->article_by_slug(s, arena, slug, out, err);
}

nz_rc nz_store_article_by_id(nz_store *s, nz_arena *arena, int64_t id, nz_article **out,
			     nz_err *err)
{
	*out = NULL;
	return s->ops->article_by_id(s, arena, id, out, err);
}

nz_rc nz_store_article_list(nz_store *s, nz_arena *arena, const nz_article_query *q,
			    nz_article_list *out, nz_err *err)
{
	nz_article_query norm = *q;

	memset(out, 0, sizeof(*out));
	if (norm.limit == 0)
		norm.limit = NZ_LIST_DEFAULT;
	if (norm.limit > NZ_LIST_MAX)
		norm.limit = NZ_LIST_MAX;
	if (norm.public_only && !norm.now)
		norm.now = nz_time_now();
	return s->ops->article_list(s, arena, &norm, out, err);
}

nz_rc nz_store_article_keys(nz_store *s, nz_arena *arena, const nz_article_query *q,
			    nz_article_key **keys, size_t *n, nz_err *err)
{
	nz_article_query norm = *q;
	*keys = NULL;
	*n = 0;
	if (norm.public_only && !norm.now)
		norm.now = nz_time_now();
	return s->ops->article_keys(s, arena, &norm, keys, n, err);
}

/* ---- import sources ---------------------------------------------------------------------- */

nz_rc nz_store_import_find(nz_store *s, const char *sha256_hex, int64_t *article_id, nz_err *err)
{
	*article_id = 0;
	if (!sha256_hex)
		return nz_err_set(err, NZ_INVAL, "import: no hash given");
	return s->ops->import_find(s, sha256_hex, article_id, err);
}

nz_rc nz_store_import_add(nz_store *s, int64_t article_id, const char *filename, const void *bytes,
			  size_t len, nz_err *err)
{
	char hex[65];
	nz_rc rc = check_writable(s, "import", err);

	if (rc)
		return rc;
	if (!filename || (!bytes && len))
		return nz_err_set(err, NZ_INVAL, "import: missing file name or bytes");
	nz_sha256_hex(bytes ? bytes : "", len, hex);
	return s->ops->import_add(s, article_id, filename, hex, bytes ? bytes : "", len, err);
}

nz_rc nz_store_import_get(nz_store *s, nz_arena *arena, int64_t article_id, const void **bytes,
			  size_t *len, const char **filename, nz_err *err)
{
	*bytes = NULL;
	*len = 0;
	*filename = NULL;
	return s->ops->import_get(s, arena, article_id, bytes, len, filename, err);
}

/* ---- media bytes ------------------------------------------------------------------------- */

nz_rc nz_store_blob_put(nz_store *s, const char *sha256_hex, const char *mime, const void *bytes,
			size_t len, nz_err *err)
{
	char hex[65];
	nz_rc rc = check_writable(s, "blob", err);

	if (rc)
		return rc;
	if (!sha256_hex || (!bytes && len))
		return nz_err_set(err, NZ_INVAL, "blob: missing hash or bytes");
	nz_sha256_hex(bytes ? bytes : "", len, hex);
	if (strcmp(hex, sha256_hex) != 0)
		return nz_err_set(err, NZ_INVAL, "blob: %.64s is not the SHA-256 of its bytes",
				  sha256_hex);
	return s->ops->blob_put(s, hex, mime, bytes ? bytes : "", len, err);
}

nz_rc nz_store_blob_get(nz_store *s, nz_arena *arena, const char *sha256_hex, const void **bytes,
			size_t *len, const char **mime, nz_err *err)
{
	*bytes = NULL;
	*len = 0;
	*mime = NULL;
	if (!sha256_hex)
		return nz_err_set(err, NZ_NOTFOUND, "blob: no hash given");
	return s->ops->blob_get(s, arena, sha256_hex, bytes, len, mime, err);
}
