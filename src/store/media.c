/*
 * media.c: the backend-neutral front of media (store.h, "media"): blobs are checked against
 * their SHA-256 here, an upload is hashed and held to NZ_MEDIA_MAX, then the backend stores the
 * bytes and rows.
 */
#include <string.h>

#include "store/store_int.h"

nz_rc nz_store_blob_put(nz_store *s, const char *sha256_hex, const char *mime, const void *bytes,
			size_t len, nz_err *err)
{
	char hex[65];
	if (!sha256_hex || (!bytes && len))
		return nz_err_set(err, NZ_INVAL, "blob: missing hash or bytes");
	nz_sha256_hex(bytes ? bytes : "", len, hex);
	if (strcmp(hex, sha256_hex) != 0)
		return nz_err_set(err, NZ_INVAL, "blob: %.64s is not the SHA-256 of its bytes",
				  sha256_hex);
	return nz__store_blob_put(s, hex, mime, bytes ? bytes : "", len, err);
}

nz_rc nz_store_blob_get(nz_store *s, nz_arena *arena, const char *sha256_hex, const void **bytes,
			size_t *len, const char **mime, nz_err *err)
{
	*bytes = NULL;
	*len = 0;
	*mime = NULL;
	if (!sha256_hex)
		return nz_err_set(err, NZ_NOTFOUND, "blob: no hash given");
	return nz__store_blob_get(s, arena, sha256_hex, bytes, len, mime, err);
}

nz_rc nz_store_blob_size(nz_store *s, const char *sha256_hex, int64_t *size, nz_err *err)
{
	*size = 0;
	if (!sha256_hex || strlen(sha256_hex) != 64)
		return nz_err_set(err, NZ_NOTFOUND, "blob: no such hash");
	return nz__store_blob_size(s, sha256_hex, size, err);
}

nz_rc nz_store_media_add(nz_store *s, nz_arena *arena, int64_t actor, nz_media *m,
			 const void *bytes, size_t len, nz_err *err)
{
	char hex[65];
	if (!m || !bytes || !len)
		return nz_err_set(err, NZ_INVAL, "media: no bytes");
	if (len > NZ_MEDIA_MAX)
		return nz_err_set(err, NZ_TOOBIG, "media: %zu bytes is more than the limit of %d",
				  len, NZ_MEDIA_MAX);
	nz_sha256_hex(bytes, len, hex);
	if (!(m->hash = nz_arena_strdup(arena, hex)))
		return nz_err_set(err, NZ_NOMEM, "media: out of memory");
	nz_rc rc = nz__store_media_add(s, actor, m, bytes, len, err);
	if (rc)
		m->hash = NULL;
	return rc;
}

nz_rc nz_store_media_get(nz_store *s, nz_arena *arena, int64_t id, nz_media **out, nz_err *err)
{
	*out = NULL;
	return nz__store_media_get(s, arena, id, out, err);
}

nz_rc nz_store_article_photos(nz_store *s, nz_arena *arena, int64_t first_id, int64_t last_id,
			      nz_article_photo **out, size_t *n, nz_err *err)
{
	*out = NULL;
	*n = 0;
	if (first_id > last_id)
		return NZ_OK;
	return nz__store_article_photos(s, arena, first_id, last_id, out, n, err);
}

nz_rc nz_store_media_list(nz_store *s, nz_arena *arena, size_t limit, size_t offset, nz_media **out,
			  size_t *n, nz_err *err)
{
	*out = NULL;
	*n = 0;
	if (limit == 0 || limit > 200)
		limit = 50;
	return nz__store_media_list(s, arena, limit, offset, out, n, err);
}

nz_rc nz_store_rendition_put(nz_store *s, const char *source, const char *name, const char *mime,
			     const void *bytes, size_t len, nz_err *err)
{
	if (!source || strlen(source) != 64 || strspn(source, "0123456789abcdef") != 64)
		return nz_err_set(err, NZ_INVAL, "rendition: the source is not a SHA-256");
	if (!name || !name[0] || !mime || !bytes || !len)
		return nz_err_set(err, NZ_INVAL, "rendition: no name, type or bytes");
	return nz__store_rendition_put(s, source, name, mime, bytes, len, err);
}

nz_rc nz_store_rendition_get(nz_store *s, nz_arena *arena, const char *source, const char *name,
			     const void **bytes, size_t *len, const char **mime, nz_err *err)
{
	*bytes = NULL;
	*len = 0;
	*mime = NULL;
	if (!source || !name)
		return nz_err_set(err, NZ_NOTFOUND, "rendition: no source or name");
	return nz__store_rendition_get(s, arena, source, name, bytes, len, mime, err);
}

nz_rc nz_store_media_unrendered(nz_store *s, nz_arena *arena, const char *prefix,
				const char *suffix, size_t limit, nz_media **out, size_t *n,
				nz_err *err)
{
	*out = NULL;
	*n = 0;
	if (!prefix || !prefix[0] || !suffix || !suffix[0] || limit < 1 || limit > 200)
		return nz_err_set(err, NZ_INVAL, "renditions: no name or a limit outside 1..200");
	return nz__store_media_unrendered(s, arena, prefix, suffix, limit, out, n, err);
}

/* ---- the library ------------------------------------------------------------------------- */

#define MEDIA_QUERY_WORDS 16

static bool word_byte(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c >= 0x80;
}

/* The words of text (runs of ASCII letters and digits and of non-ASCII characters), lower case
 * (ASCII), joined by one space, at most MEDIA_QUERY_WORDS, in arena; "" when it has none, NULL
 * when out of memory. Each backend turns them into its index's query, a prefix per word. */
static char *query_words(nz_arena *arena, const char *text)
{
	size_t len = strlen(text), words = 0;
	char *p = nz_arena_alloc(arena, len + 1), *o = p;
	if (!p)
		return NULL;
	for (const unsigned char *c = (const unsigned char *)text;
	     *c && words < MEDIA_QUERY_WORDS;) {
		if (!word_byte(*c)) {
			c++;
			continue;
		}
		if (o != p)
			*o++ = ' ';
		for (; *c && word_byte(*c); c++)
			*o++ = (*c >= 'A' && *c <= 'Z') ? (char)(*c - 'A' + 'a') : (char)*c;
		words++;
	}
	*o = '\0';
	return p;
}

const char *nz__store_media_query(nz_arena *arena, const char *words, const char *open,
				  const char *between, const char *close)
{
	size_t n_words = 1, len = strlen(words);
	for (const char *c = words; *c; c++)
		n_words += *c == ' ';
	char *q = nz_arena_alloc(arena, strlen(open) + len + n_words * strlen(between) +
					    strlen(close) + 1);
	if (!q)
		return NULL;
	char *o = q + strlen(strcpy(q, open));
	for (const char *c = words; *c; c++) {
		if (*c == ' ')
			o += strlen(strcpy(o, between));
		else
			*o++ = *c;
	}
	strcpy(o, close);
	return q;
}

nz_rc nz_store_media_search(nz_store *s, nz_arena *arena, const nz_media_filter *f,
			    nz_media_entry **out, size_t *n, nz_err *err)
{
	nz_media_filter q = f ? *f : (nz_media_filter){0};
	*out = NULL;
	*n = 0;
	if (q.limit < 1 || q.limit > 200)
		q.limit = 50;
	if (q.text && !q.text[0])
		q.text = NULL;
	if (q.text && !(q.text = query_words(arena, q.text)))
		return nz_err_set(err, NZ_NOMEM, "media: out of memory");
	if (q.text && !q.text[0])
		return NZ_OK; /* only punctuation: no word to find */
	return nz__store_media_search(s, arena, &q, out, n, err);
}

nz_rc nz_store_media_uses(nz_store *s, nz_arena *arena, int64_t id, nz_article **out, size_t *n,
			  nz_err *err)
{
	*out = NULL;
	*n = 0;
	return nz__store_media_uses(s, arena, id, out, n, err);
}

nz_rc nz_store_media_revisions(nz_store *s, nz_arena *arena, int64_t id, nz_media_revision **out,
			       size_t *n, nz_err *err)
{
	*out = NULL;
	*n = 0;
	return nz__store_media_revisions(s, arena, id, out, n, err);
}

#define MEDIA_TEXT_MAX 2000

nz_rc nz_store_media_update(nz_store *s, int64_t actor, const nz_media *m, nz_err *err)
{
	const char *texts[] = {m ? m->caption : NULL, m ? m->credit : NULL, m ? m->alt : NULL};
	const char *names[] = {"caption", "credit", "alt"};
	if (!m || m->id <= 0)
		return nz_err_set(err, NZ_NOTFOUND, "media: no such photo");
	if (m->has_focal &&
	    (m->focal_x < 0 || m->focal_x > 100 || m->focal_y < 0 || m->focal_y > 100))
		return nz_err_set(err, NZ_INVAL,
				  "focal point: %d, %d is outside the photo (0..100 each)",
				  m->focal_x, m->focal_y);
	for (size_t i = 0; i < 3; i++) {
		if (texts[i] && strlen(texts[i]) > MEDIA_TEXT_MAX)
			return nz_err_set(err, NZ_INVAL, "%s: longer than %d bytes", names[i],
					  MEDIA_TEXT_MAX);
		if (texts[i] && !nz_utf8_valid(texts[i], strlen(texts[i]), NULL))
			return nz_err_set(err, NZ_UTF8, "%s: not valid UTF-8", names[i]);
	}
	return nz__store_media_update(s, actor, m, err);
}

nz_rc nz_store_media_delete(nz_store *s, int64_t actor, int64_t id, nz_err *err)
{
	if (id <= 0)
		return nz_err_set(err, NZ_NOTFOUND, "media: no such photo");
	return nz__store_media_delete(s, actor, id, err);
}
