/*
 * content/image.c: what an uploaded image is, from its bytes. JPEG, PNG and WebP are
 * recognised by their signatures and their pixel size read from the header that holds it (a
 * JPEG frame header, PNG's IHDR, WebP's VP8/VP8L/VP8X chunk). Nothing is decoded. And a
 * photo's focal point, the centre when none is set, and whether it lacks alt text.
 *
 * Rules: reads only bytes[0..len) and checks every length before using it (these bytes come
 * from strangers); no I/O, no allocation.
 */
#include "content/content.h"

#include <stdio.h>
#include <string.h>

static unsigned be16(const unsigned char *p)
{
	return (unsigned)p[0] << 8 | p[1];
}

static unsigned long be32(const unsigned char *p)
{
	return (unsigned long)p[0] << 24 | (unsigned long)p[1] << 16 | (unsigned long)p[2] << 8 |
	       p[3];
}

static unsigned long le24(const unsigned char *p)
{
	return (unsigned long)p[0] | (unsigned long)p[1] << 8 | (unsigned long)p[2] << 16;
}

/* A JPEG frame header (SOFn) marker: C0..CF except DHT (C4), JPG (C8) and DAC (CC). */
static bool is_sof(unsigned char m)
{
	return m >= 0xC0 && m <= 0xCF && m != 0xC4 && m != 0xC8 && m != 0xCC;
}

/* Walks the JPEG segments up to the first frame header. */
static nz_rc probe_jpeg(const unsigned char *b, size_t len, nz_image_info *out, nz_err *err)
{
	size_t i = 2;
	while (i + 1 < len) {
		if (b[i] != 0xFF)
			return nz_err_set(err, NZ_PARSE, "JPEG: damaged segment at byte %zu", i);
		unsigned char m = b[i + 1];
		if (m == 0xFF) { /* fill byte */
			i++;
			continue;
		}
		if (m == 0xD8 || m == 0x01 || (m >= 0xD0 && m <= 0xD7)) { /* no length */
			i += 2;
			continue;
		}
		if (m == 0xD9 || m == 0xDA)
			break; /* end of image or start of scan before any frame header */
		if (i + 4 > len)
			break;
		size_t seg = be16(b + i + 2);
		if (seg < 2)
			return nz_err_set(err, NZ_PARSE, "JPEG: bad segment length at byte %zu", i);
		if (is_sof(m)) {
			if (seg < 7 || i + 2 + 7 > len)
				break;
			out->height = (int)be16(b + i + 5);
			out->width = (int)be16(b + i + 7);
			return NZ_OK;
		}
		i += 2 + seg;
	}
	return nz_err_set(err, NZ_PARSE,
			  "JPEG: no frame header (the file is cut short or damaged)");
}

static nz_rc probe_png(const unsigned char *b, size_t len, nz_image_info *out, nz_err *err)
{
	if (len < 24 || be32(b + 8) < 13 || memcmp(b + 12, "IHDR", 4) != 0)
		return nz_err_set(err, NZ_PARSE, "PNG: no IHDR header (the file is damaged)");
	unsigned long w = be32(b + 16), h = be32(b + 20);
	if (w > NZ_IMAGE_DIM_MAX || h > NZ_IMAGE_DIM_MAX)
		return nz_err_set(err, NZ_TOOBIG, "PNG: %lux%lu pixels is more than %d per side", w,
				  h, NZ_IMAGE_DIM_MAX);
	out->width = (int)w;
	out->height = (int)h;
	return NZ_OK;
}

static nz_rc probe_webp(const unsigned char *b, size_t len, nz_image_info *out, nz_err *err)
{
	const unsigned char *c = b + 12; /* the first chunk */
	if (len >= 30 && memcmp(c, "VP8 ", 4) == 0) {
		/* frame tag (3 bytes), start code 9D 01 2A, then 14-bit width and height */
		if (c[11] != 0x9D || c[12] != 0x01 || c[13] != 0x2A)
			return nz_err_set(err, NZ_PARSE, "WebP: damaged VP8 frame header");
		out->width = (int)((c[14] | (unsigned)c[15] << 8) & 0x3FFF);
		out->height = (int)((c[16] | (unsigned)c[17] << 8) & 0x3FFF);
		return NZ_OK;
	}
	if (len >= 25 && memcmp(c, "VP8L", 4) == 0) {
		if (c[8] != 0x2F)
			return nz_err_set(err, NZ_PARSE, "WebP: damaged VP8L header");
		unsigned long bits = (unsigned long)c[9] | (unsigned long)c[10] << 8 |
				     (unsigned long)c[11] << 16 | (unsigned long)c[12] << 24;
		out->width = (int)(bits & 0x3FFF) + 1;
		out->height = (int)((bits >> 14) & 0x3FFF) + 1;
		return NZ_OK;
	}
	if (len >= 30 && memcmp(c, "VP8X", 4) == 0) {
		unsigned long w = le24(c + 12) + 1, h = le24(c + 15) + 1;
		if (w > NZ_IMAGE_DIM_MAX || h > NZ_IMAGE_DIM_MAX)
			return nz_err_set(err, NZ_TOOBIG,
					  "WebP: %lux%lu pixels is more than %d per side", w, h,
					  NZ_IMAGE_DIM_MAX);
		out->width = (int)w;
		out->height = (int)h;
		return NZ_OK;
	}
	return nz_err_set(err, NZ_PARSE, "WebP: no VP8, VP8L or VP8X chunk (the file is damaged)");
}

nz_rc nz_image_probe(const void *bytes, size_t len, nz_image_info *out, nz_err *err)
{
	static const unsigned char png_sig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
	const unsigned char *b = bytes;
	nz_rc rc;

	memset(out, 0, sizeof *out);
	if (len > NZ_MEDIA_MAX)
		return nz_err_set(err, NZ_TOOBIG, "image: %zu bytes is more than the limit of %d",
				  len, NZ_MEDIA_MAX);
	if (b && len >= 3 && b[0] == 0xFF && b[1] == 0xD8 && b[2] == 0xFF) {
		out->mime = "image/jpeg";
		out->ext = "jpg";
		rc = probe_jpeg(b, len, out, err);
	} else if (b && len >= 8 && memcmp(b, png_sig, 8) == 0) {
		out->mime = "image/png";
		out->ext = "png";
		rc = probe_png(b, len, out, err);
	} else if (b && len >= 16 && memcmp(b, "RIFF", 4) == 0 && memcmp(b + 8, "WEBP", 4) == 0) {
		out->mime = "image/webp";
		out->ext = "webp";
		rc = probe_webp(b, len, out, err);
	} else {
		return nz_err_set(err, NZ_UNSUPPORTED,
				  "image: not a JPEG, PNG or WebP file (judged by its bytes)");
	}
	if (rc == NZ_OK && (out->width <= 0 || out->height <= 0))
		rc = nz_err_set(err, NZ_PARSE, "image: the header gives no size");
	if (rc == NZ_OK && (out->width > NZ_IMAGE_DIM_MAX || out->height > NZ_IMAGE_DIM_MAX))
		rc = nz_err_set(err, NZ_TOOBIG, "image: %dx%d pixels is more than %d per side",
				out->width, out->height, NZ_IMAGE_DIM_MAX);
	/* Decoded, a photo takes about 4 bytes a pixel: the count is the memory limit's guard. */
	if (rc == NZ_OK && (long long)out->width * out->height > NZ_IMAGE_PIXELS_MAX)
		rc = nz_err_set(
		    err, NZ_TOOBIG,
		    "image: %dx%d is %.1f megapixels, more than the limit of %d megapixels",
		    out->width, out->height, (double)out->width * out->height / 1e6,
		    NZ_IMAGE_PIXELS_MAX / 1000000);
	if (rc != NZ_OK)
		memset(out, 0, sizeof *out);
	return rc;
}

void nz_media_focal(const nz_media *m, int *x, int *y)
{
	bool set = m && m->has_focal && m->focal_x >= 0 && m->focal_x <= 100 && m->focal_y >= 0 &&
		   m->focal_y <= 100;
	*x = set ? m->focal_x : 50;
	*y = set ? m->focal_y : 50;
}

static bool blank(const char *p, const char *end)
{
	for (; p < end; p++)
		if (*p != ' ' && *p != '\t' && *p != '\n' && *p != '\r')
			return false;
	return true;
}

/* Whether body places photo id with alt text: "![text](media:<id>)", text not blank. */
static bool placed_with_alt(const char *body, int64_t id)
{
	char ref[40];
	snprintf(ref, sizeof ref, "](media:%lld)", (long long)id);
	for (const char *hit = body ? strstr(body, ref) : NULL; hit; hit = strstr(hit + 1, ref)) {
		const char *open = hit;
		while (open > body && open[-1] != '\n' &&
		       !(open[-1] == '[' && open - 1 > body && open[-2] == '!'))
			open--;
		if (open > body && open[-1] == '[' && !blank(open, hit))
			return true;
	}
	return false;
}

bool nz_media_lacks_alt(const nz_media *m, const char *body_markdown)
{
	if (!m || !m->hash)
		return false;
	if (m->alt && !blank(m->alt, m->alt + strlen(m->alt)))
		return false;
	return !(m->id && placed_with_alt(body_markdown, m->id));
}
