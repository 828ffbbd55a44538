/*
 * app/media.c: a photo added to the newsroom from its bytes, the one way every front end
 * (the editor's form, the admin API, importers) adds one: the type and the limits judged from
 * the bytes' header (nothing decoded), the size as the photo stands upright (its EXIF
 * orientation applied), a caption and credit the photo carries (IPTC, XMP) where the form left
 * none, then the bytes and the media row stored together. The
 * renditions readers get are made afterwards (jobs/: the background worker; pages/media.c:
 * on demand), never here, so an upload answers at once.
 */
#include <string.h>

#include "app/app.h"
#include "media/media.h"

static bool empty(const char *s)
{
	return !s || !*s;
}

/* The caption and credit the photo carries (IPTC, XMP) for those the form left empty; its
 * copyright notice joins the credit ("Kim Ara / © Agency") unless the credit names it. */
static nz_rc prefill(nz_arena *arena, const void *bytes, size_t len, nz_media *m, nz_err *err)
{
	nz_media_blobs blobs;
	nz_media_texts t;
	nz_rc rc = nz_media_metadata_blobs(bytes, len, arena, &blobs, err);
	if (rc)
		return rc;
	nz_media_texts_parse(arena, &blobs, &t);
	if (empty(m->caption) && t.caption)
		m->caption = t.caption;
	if (empty(m->credit) && (t.credit || t.copyright)) {
		m->credit = t.credit;
		if (t.copyright && (!t.credit || !strstr(t.credit, t.copyright)))
			m->credit = t.credit
					? nz_arena_printf(arena, "%s / %s", t.credit, t.copyright)
					: t.copyright;
	}
	return NZ_OK;
}

nz_rc nz_app_media_add(nz_store *store, nz_arena *arena, int64_t actor, const void *bytes,
		       size_t len, const nz_app_media_fields *fields, nz_media *out, nz_err *err)
{
	nz_image_info info;
	int w = 0, h = 0;
	nz_rc rc = nz_image_probe(bytes, len, &info, err);
	if (rc || (rc = nz_media_size(bytes, len, &w, &h, err)))
		return rc;
	*out = (nz_media){
	    .mime = info.mime,
	    .width = w, /* upright: what pages lay out */
	    .height = h,
	    .caption = fields ? fields->caption : NULL,
	    .credit = fields ? fields->credit : NULL,
	    .alt = fields ? fields->alt : NULL,
	    .filename = fields ? fields->filename : NULL,
	};
	if ((!out->caption || !out->credit) && (rc = prefill(arena, bytes, len, out, err)))
		return rc;
	rc = nz_store_media_add(store, arena, actor, out, bytes, len, err);
	if (rc)
		out->id = 0;
	return rc;
}
