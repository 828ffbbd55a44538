/*
 * pages/media.c: the public photo files, /media/<hash>.<rendition>. What a reader gets is
 * always a rendition the image pipeline made (media/: upright, resized, metadata stripped),
 * never the uploaded original: the original keeps its EXIF (GPS included) for editors only.
 * A rendition is made once and kept in the store by the blob's hash and its name; one asked
 * for before it exists is made on demand, under a lock per (hash, name) stripe, so that
 * concurrent requests for it wait for the first instead of each decoding the photo, while a
 * request for another rendition does not wait behind an AVIF encode it has no part in.
 *
 * Rules: the server and the static export both call nz_page_media, so a file has the same
 * bytes whether served or exported (the export reads what the store keeps).
 */
#include <pthread.h>
#include <stdint.h>
#include <string.h>

#include "media/media.h"
#include "pages/pages_int.h"

#define STRIPES 16
static pthread_mutex_t making[STRIPES] = {
    PTHREAD_MUTEX_INITIALIZER, PTHREAD_MUTEX_INITIALIZER, PTHREAD_MUTEX_INITIALIZER,
    PTHREAD_MUTEX_INITIALIZER, PTHREAD_MUTEX_INITIALIZER, PTHREAD_MUTEX_INITIALIZER,
    PTHREAD_MUTEX_INITIALIZER, PTHREAD_MUTEX_INITIALIZER, PTHREAD_MUTEX_INITIALIZER,
    PTHREAD_MUTEX_INITIALIZER, PTHREAD_MUTEX_INITIALIZER, PTHREAD_MUTEX_INITIALIZER,
    PTHREAD_MUTEX_INITIALIZER, PTHREAD_MUTEX_INITIALIZER, PTHREAD_MUTEX_INITIALIZER,
    PTHREAD_MUTEX_INITIALIZER};

/* The lock of one rendition's stripe (FNV-1a over the hash and the name). */
static pthread_mutex_t *stripe(const char *hash, const char *name)
{
	uint32_t h = 2166136261u;
	for (const char *p = hash; *p; p++)
		h = (h ^ (unsigned char)*p) * 16777619u;
	for (const char *p = name; *p; p++)
		h = (h ^ (unsigned char)*p) * 16777619u;
	return &making[h % STRIPES];
}

/* Makes the rendition from the stored original and keeps it. Called with its stripe held. */
static nz_rc make(nz_store *store, nz_arena *arena, const char *hash, const char *name,
		  const nz_rendition *r, const nz_media_cancel *cancel, const void **bytes,
		  size_t *len, const char **mime, nz_err *err)
{
	const void *src = NULL;
	size_t src_len = 0;
	const char *src_mime = NULL;
	nz_buf out;
	nz_buf_init(&out, 64u << 20);
	nz_rc rc = nz_store_blob_get(store, arena, hash, &src, &src_len, &src_mime, err);
	if (rc || (rc = nz_media_render(src, src_len, r, cancel, &out, NULL, NULL, err)))
		goto out;
	const char *type = nz_media_format_mime(r->format);
	if ((rc = nz_store_rendition_put(store, hash, name, type, out.p, out.len, err)))
		goto out;
	void *copy = nz_arena_alloc(arena, out.len);
	if (!copy) {
		rc = nz_err_set(err, NZ_NOMEM, "rendition: out of memory");
		goto out;
	}
	memcpy(copy, out.p, out.len);
	*bytes = copy;
	*len = out.len;
	*mime = type;
out:
	nz_buf_free(&out);
	return rc;
}

nz_rc nz_page_rendition(nz_store *store, nz_arena *arena, const char *hash, const char *name,
			const void **bytes, size_t *len, const char **mime, nz_err *err)
{
	return nz_page_rendition_cancellable(store, arena, hash, name, NULL, bytes, len, mime, err);
}

nz_rc nz_page_rendition_cancellable(nz_store *store, nz_arena *arena, const char *hash,
				    const char *name, const nz_media_cancel *cancel,
				    const void **bytes, size_t *len, const char **mime, nz_err *err)
{
	nz_rendition r;
	if (!nz_media_rendition_parse(nz_str_c(name), &r))
		return nz_err_set(err, NZ_NOTFOUND, "no such rendition: %.40s", name);
	/* The full-size copy keeps the original's format: /media/<hash>.png for a PNG only. */
	nz_rc rc = nz_store_rendition_get(store, arena, hash, name, bytes, len, mime, err);
	if (rc != NZ_NOTFOUND)
		return rc;
	/* libvips starts (once) before the lock: its start takes GLib's own locks, which must
	 * never be taken under ours. */
	if ((rc = nz_media_init(err)))
		return rc;
	pthread_mutex_t *lock = stripe(hash, name);
	pthread_mutex_lock(lock);
	/* Another request (or the background worker) may have made it while this one waited. */
	rc = nz_store_rendition_get(store, arena, hash, name, bytes, len, mime, err);
	if (rc == NZ_NOTFOUND)
		rc = make(store, arena, hash, name, &r, cancel, bytes, len, mime, err);
	pthread_mutex_unlock(lock);
	return rc;
}

nz_rc nz_page_media(const nz_page_env *env, const char *file, nz_page_out *out, nz_err *err)
{
	const void *bytes = NULL;
	size_t len = 0;
	const char *mime = NULL;
	const char *dot = strchr(file, '.');
	const char *hash = dot ? nz_arena_strndup(env->arena, file, (size_t)(dot - file)) : NULL;
	out->kind = NZ_PAGE_FEED;
	out->status = 404;
	if (!dot || dot - file != 64 || strspn(file, "0123456789abcdef") != 64)
		return NZ_OK;
	if (!hash)
		return nz_err_set(err, NZ_NOMEM, "media: out of memory");
	nz_rc rc =
	    nz_page_rendition(env->store, env->arena, hash, dot + 1, &bytes, &len, &mime, err);
	if (rc == NZ_NOTFOUND || rc == NZ_UNSUPPORTED || rc == NZ_PARSE || rc == NZ_TOOBIG)
		return NZ_OK; /* no such photo, or one the pipeline refuses: nothing to show */
	if (rc)
		return rc;
	if ((rc = nz_buf_append(out->body, bytes, len)))
		return nz_err_set(err, rc, "media: out of memory");
	out->status = 200;
	out->content_type = mime;
	return nz_page_key(env, out, "media");
}
