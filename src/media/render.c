/*
 * media/render.c: one rendition with libvips. The header is read first (type, pixel count,
 * orientation) without decoding; vips_thumbnail_buffer then decodes with shrink-on-load and
 * sequential access (bounded memory), turns the photo upright and resizes it; a crop is cut
 * around the focal point; the encoder is told to strip every piece of metadata.
 *
 * Rules: the only file that calls libvips (through media/vips_api.h: the library is opened at
 * run time, on the first photo). libvips's global error buffer is copied into nz_err and cleared
 * at once. Every VipsImage is unreferenced at the one `out:` label.
 */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "media/media.h"
#include "media/vips_api.h"

static pthread_once_t init_once = PTHREAD_ONCE_INIT;
static char init_error[300]; /* empty when libvips started */

static void init_vips(void)
{
	nz_err err = {0};
	if (nz__vips_load(&err) != NZ_OK) {
		snprintf(init_error, sizeof init_error, "%s", err.msg);
		return;
	}
	/* VIPS_INIT's check, without its GLib warnings: the library's ABI is the headers'. */
	if (vips_version(3) - vips_version(5) != VIPS_LIBRARY_CURRENT - VIPS_LIBRARY_AGE) {
		snprintf(init_error, sizeof init_error,
			 "image pipeline: libvips has ABI %d, this build needs %d",
			 vips_version(3) - vips_version(5),
			 VIPS_LIBRARY_CURRENT - VIPS_LIBRARY_AGE);
		return;
	}
	if (vips_init("newszone")) {
		snprintf(init_error, sizeof init_error, "image pipeline: libvips did not start");
		return;
	}
	/* Operations hold their input buffers while cached: keep nothing between renditions. */
	vips_cache_set_max(0);
	vips_concurrency_set(1);
	/* Strangers' bytes: only the three loaders the probe recognises may ever run. */
	vips_operation_block_set("VipsForeignLoad", TRUE);
	vips_operation_block_set("VipsForeignLoadJpeg", FALSE);
	vips_operation_block_set("VipsForeignLoadPng", FALSE);
	vips_operation_block_set("VipsForeignLoadWebp", FALSE);
}

nz_rc nz_media_init(nz_err *err)
{
	pthread_once(&init_once, init_vips);
	return init_error[0] ? nz_err_set(err, NZ_IO, "%s", init_error) : NZ_OK;
}

/* libvips's message into err (and libvips's buffer emptied). */
static nz_rc vips_fail(nz_err *err, nz_rc rc, const char *what)
{
	char *msg = vips_error_buffer_copy();
	size_t n = msg ? strcspn(msg, "\n") : 0;
	nz_err_set(err, rc, "image: %s: %.*s", what, (int)(n > 160 ? 160 : n), msg ? msg : "");
	g_free(msg);
	return rc;
}

/* What the "eval" signal of the image being written watches: past the deadline, or once the
 * caller gives up, the computation is killed and the save fails. */
typedef struct watch {
	gint64 deadline;
	const nz_media_cancel *cancel; /* may be NULL */
	bool cancelled;
} watch;

static bool asked_to_cancel(const nz_media_cancel *cancel)
{
	return cancel && cancel->asked && cancel->asked(cancel->arg);
}

static void on_eval(VipsImage *image, VipsProgress *progress, void *arg)
{
	watch *wt = arg;
	(void)progress;
	if (!wt->cancelled && asked_to_cancel(wt->cancel))
		wt->cancelled = true;
	if (wt->cancelled || g_get_monotonic_time() > wt->deadline)
		vips_image_set_kill(image, TRUE);
}

/* The upright size of the source, from its header (nothing decoded); refuses too many pixels
 * whatever the probe said (a JPEG may carry more than one frame header). */
static nz_rc header(const void *src, size_t len, int *w, int *h, nz_err *err)
{
	VipsImage *img =
	    vips_image_new_from_buffer(src, len, "", "access", VIPS_ACCESS_SEQUENTIAL, NULL);
	if (!img)
		return vips_fail(err, NZ_PARSE, "cannot read the header");
	*w = vips_image_get_width(img);
	*h = vips_image_get_height(img);
	bool swap = vips_image_get_orientation_swap(img);
	g_object_unref(img);
	if ((long long)*w * *h > NZ_IMAGE_PIXELS_MAX)
		return nz_err_set(err, NZ_TOOBIG,
				  "image: %dx%d is more than the limit of %d pixels", *w, *h,
				  NZ_IMAGE_PIXELS_MAX);
	if (swap) {
		int t = *w;
		*w = *h;
		*h = t;
	}
	return NZ_OK;
}

nz_rc nz_media_size(const void *src, size_t len, int *w, int *h, nz_err *err)
{
	nz_image_info info;
	nz_rc rc = nz_media_init(err);
	if (rc || (rc = nz_image_probe(src, len, &info, err)))
		return rc;
	return header(src, len, w, h, err);
}

/* The left or top edge of a span of `want` pixels out of `have`, centred on focal percent. */
static int edge(int have, int want, int focal)
{
	int at = (int)((long long)have * focal / 100) - want / 2;
	if (at > have - want)
		at = have - want;
	return at < 0 ? 0 : at;
}

/* Collects the names of metadata fields that say anything about the photo's origin. */
static void *metadata_field(VipsImage *img, const char *name, GValue *value, void *list)
{
	(void)img;
	(void)value;
	if (strcmp(name, VIPS_META_EXIF_NAME) == 0 || strcmp(name, VIPS_META_XMP_NAME) == 0 ||
	    strcmp(name, VIPS_META_IPTC_NAME) == 0 || strcmp(name, VIPS_META_PHOTOSHOP_NAME) == 0 ||
	    strcmp(name, VIPS_META_ICC_NAME) == 0 || strncmp(name, "exif-", 5) == 0 ||
	    strcmp(name, VIPS_META_ORIENTATION) == 0)
		*(GSList **)list = g_slist_prepend(*(GSList **)list, g_strdup(name));
	return NULL;
}

/* Removes every metadata block from the image itself: "strip" alone does not keep libvips
 * 8.14's WebP encoder from writing EXIF and XMP, so nothing is left for an encoder to copy. */
static void drop_metadata(VipsImage *img)
{
	GSList *names = NULL;
	vips_image_map(img, metadata_field, &names);
	for (GSList *p = names; p; p = p->next)
		vips_image_remove(img, p->data);
	g_slist_free_full(names, g_free);
}

static int save(VipsImage *img, nz_media_format f, void **buf, size_t *len)
{
	switch (f) {
	case NZ_FORMAT_WEBP:
		return vips_webpsave_buffer(img, buf, len, "Q", 80, "effort", 4, "strip", TRUE,
					    NULL);
	case NZ_FORMAT_AVIF:
		return vips_heifsave_buffer(img, buf, len, "compression",
					    VIPS_FOREIGN_HEIF_COMPRESSION_AV1, "Q", 55, "effort", 2,
					    "strip", TRUE, NULL);
	case NZ_FORMAT_PNG:
		return vips_pngsave_buffer(img, buf, len, "compression", 6, "strip", TRUE, NULL);
	case NZ_FORMAT_JPEG:
	default:
		return vips_jpegsave_buffer(img, buf, len, "Q", 82, "optimize_coding", TRUE,
					    "interlace", TRUE, "strip", TRUE, NULL);
	}
}

/* Resizes (upright) so that the crop box of the source becomes tw x th, then cuts it. */
static nz_rc resize_and_crop(const void *src, size_t len, int sw, int sh, const nz_rendition *r,
			     VipsImage **out, nz_err *err)
{
	VipsImage *img = NULL, *cut = NULL;
	int tw, th, cw, ch;
	nz_media_rendition_size(sw, sh, r, &tw, &th);
	/* The crop box at the source's size (a width no source reaches is never upscaled)... */
	nz_rendition box = {.width = sw > sh ? sw : sh, .crop = r->crop};
	nz_media_rendition_size(sw, sh, &box, &cw, &ch);
	/* ...and the whole photo at the scale that makes that box tw wide. */
	int fw = (int)(((long long)sw * tw + cw - 1) / cw);
	int fh = (int)(((long long)sh * tw + cw - 1) / cw);
	if (vips_thumbnail_buffer((void *)src, len, &img, fw, "height", fh, "size", VIPS_SIZE_DOWN,
				  "option_string", "fail_on=error", NULL))
		return vips_fail(err, NZ_PARSE, "cannot decode");
	int iw = vips_image_get_width(img), ih = vips_image_get_height(img);
	if (tw > iw)
		tw = iw;
	if (th > ih)
		th = ih;
	if (tw == iw && th == ih) {
		*out = img;
		return NZ_OK;
	}
	int left = edge(iw, tw, r->focal_x), top = edge(ih, th, r->focal_y);
	int failed = vips_extract_area(img, &cut, left, top, tw, th, NULL);
	g_object_unref(img);
	if (failed)
		return vips_fail(err, NZ_PARSE, "cannot crop");
	*out = cut;
	return NZ_OK;
}

static void put32le(unsigned char *p, size_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

/* libvips 8.14's WebP encoder writes a fresh EXIF chunk (resolution, colour space) even when
 * told to strip: the "EXIF" and "XMP " chunks are cut out of the RIFF container here, the VP8X
 * flags that announce them cleared and the RIFF size fixed. b[0..*len) is changed in place. */
static void strip_webp_chunks(unsigned char *b, size_t *len)
{
	size_t in = 12, outp = 12;
	if (*len < 12 || memcmp(b, "RIFF", 4) != 0 || memcmp(b + 8, "WEBP", 4) != 0)
		return;
	while (in + 8 <= *len) {
		size_t size = (size_t)b[in + 4] | (size_t)b[in + 5] << 8 | (size_t)b[in + 6] << 16 |
			      (size_t)b[in + 7] << 24;
		size_t whole = 8 + size + (size & 1);
		if (whole > *len - in)
			return; /* damaged: leave it (it came from our own encoder) */
		if (memcmp(b + in, "VP8X", 4) == 0 && size >= 1)
			b[in + 8] &= (unsigned char)~0x0C; /* EXIF (0x08) and XMP (0x04) flags */
		if (memcmp(b + in, "EXIF", 4) != 0 && memcmp(b + in, "XMP ", 4) != 0) {
			memmove(b + outp, b + in, whole);
			outp += whole;
		}
		in += whole;
	}
	put32le(b + 4, outp - 8);
	*len = outp;
}

nz_rc nz_media_render(const void *src, size_t len, const nz_rendition *r,
		      const nz_media_cancel *cancel, nz_buf *out, int *w, int *h, nz_err *err)
{
	nz_image_info info;
	VipsImage *img = NULL, *flat = NULL;
	void *bytes = NULL;
	size_t n = 0;
	int sw, sh;
	watch wt = {.cancel = cancel}; /* its clock is GLib's: known once nz_media_init loaded it */
	nz_rc rc = nz_media_init(err);
	if (!rc)
		wt.deadline = g_get_monotonic_time() + (gint64)NZ_MEDIA_TIME_LIMIT_MS * 1000;
	if (!rc && asked_to_cancel(cancel))
		rc = nz_err_set(err, NZ_IO, "image: cancelled");
	if (rc || (rc = nz_image_probe(src, len, &info, err)) ||
	    (rc = header(src, len, &sw, &sh, err)))
		goto out;
	if ((rc = resize_and_crop(src, len, sw, sh, r, &img, err)))
		goto out;
	if (r->format == NZ_FORMAT_JPEG && vips_image_hasalpha(img)) {
		/* JPEG has no transparency: on white, as a page shows it. */
		VipsArrayDouble *white = vips_array_double_newv(1, 255.0);
		int failed = vips_flatten(img, &flat, "background", white, NULL);
		vips_area_unref(VIPS_AREA(white));
		if (failed) {
			rc = vips_fail(err, NZ_PARSE, "cannot flatten");
			goto out;
		}
		g_object_unref(img);
		img = flat;
		flat = NULL;
	}
	/* A private copy whose header can be changed (the decoded image may be shared). */
	if (vips_copy(img, &flat, NULL)) {
		rc = vips_fail(err, NZ_PARSE, "cannot copy");
		goto out;
	}
	g_object_unref(img);
	img = flat;
	flat = NULL;
	drop_metadata(img);
	vips_image_set_progress(img, TRUE);
	g_signal_connect(img, "eval", G_CALLBACK(on_eval), &wt);
	if (save(img, r->format, &bytes, &n)) {
		rc = wt.cancelled ? vips_fail(err, NZ_IO, "cancelled")
		     : g_get_monotonic_time() > wt.deadline
			 ? vips_fail(err, NZ_IO, "took longer than the time limit")
			 : vips_fail(err, NZ_PARSE, "cannot encode");
		goto out;
	}
	if (r->format == NZ_FORMAT_WEBP)
		strip_webp_chunks(bytes, &n);
	if (w)
		*w = vips_image_get_width(img);
	if (h)
		*h = vips_image_get_height(img);
	rc = nz_buf_append(out, bytes, n);
	if (rc)
		nz_err_set(err, rc, "image: out of memory");
out:
	g_free(bytes);
	if (flat)
		g_object_unref(flat);
	if (img)
		g_object_unref(img);
	return rc;
}

nz_rc nz_media_metadata_blobs(const void *src, size_t len, nz_arena *arena, nz_media_blobs *out,
			      nz_err *err)
{
	static const char *const names[] = {VIPS_META_IPTC_NAME, VIPS_META_XMP_NAME};
	*out = (nz_media_blobs){0};
	nz_rc rc = nz_media_init(err);
	if (rc)
		return rc;
	VipsImage *img =
	    vips_image_new_from_buffer(src, len, "", "access", VIPS_ACCESS_SEQUENTIAL, NULL);
	if (!img)
		return vips_fail(err, NZ_PARSE, "cannot read the header");
	for (size_t i = 0; i < 2 && !rc; i++) {
		const void *data = NULL;
		size_t n = 0;
		if (vips_image_get_typeof(img, names[i]) == 0 ||
		    vips_image_get_blob(img, names[i], &data, &n) != 0 || !n)
			continue;
		void *copy = nz_arena_alloc(arena, n + 1);
		if (!copy) {
			rc = nz_err_set(err, NZ_NOMEM, "image: out of memory");
			break;
		}
		memcpy(copy, data, n);
		((char *)copy)[n] = '\0';
		if (i == 0) {
			out->iptc = copy;
			out->iptc_len = n;
		} else {
			out->xmp = copy;
			out->xmp_len = n;
		}
	}
	vips_error_clear();
	g_object_unref(img);
	return rc;
}
