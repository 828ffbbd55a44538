/*
 * app/media.c: a photo added to the newsroom from its bytes, the one way every front end
 * (the editor's form, the admin API, importers) adds one: the type and the limits judged from
 * the bytes' header (nothing decoded), then the bytes and the media row stored together. The
 * renditions readers get are made afterwards (jobs/: the background worker; pages/media.c:
 * on demand), never here, so an upload answers at once.
 */
#include "app/app.h"

nz_rc nz_app_media_add(nz_store *store, nz_arena *arena, int64_t actor, const void *bytes,
		       size_t len, const nz_app_media_fields *fields, nz_media *out, nz_err *err)
{
	nz_image_info info;
	nz_rc rc = nz_image_probe(bytes, len, &info, err);
	if (rc)
		return rc;
	*out = (nz_media){
	    .mime = info.mime,
	    .width = info.width,
	    .height = info.height,
	    .caption = fields ? fields->caption : NULL,
	    .credit = fields ? fields->credit : NULL,
	    .alt = fields ? fields->alt : NULL,
	};
	rc = nz_store_media_add(store, arena, actor, out, bytes, len, err);
	if (rc)
		out->id = 0;
	return rc;
}
