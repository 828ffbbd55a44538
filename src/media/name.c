/*
 * media/name.c: what a rendition is called and how big it will be, without libvips. The name
 * is part of a public URL (/media/<hash>.<name>), so parsing it accepts only what the pipeline
 * would make: a ladder width or the card width, a known crop, a focal point in 0..100.
 *
 * Rules: pure functions; no allocation but the arena's.
 */
#include <stdio.h>
#include <string.h>

#include "media/media.h"

static const struct {
	nz_media_crop crop;
	const char *name;
	int w, h; /* the ratio */
} crops[] = {
    {NZ_CROP_16X9, "16x9", 16, 9},
    {NZ_CROP_4X3, "4x3", 4, 3},
    {NZ_CROP_1X1, "1x1", 1, 1},
    {NZ_CROP_191X100, "191x100", 191, 100},
};

static const struct {
	nz_media_format format;
	const char *ext, *mime;
} formats[] = {
    {NZ_FORMAT_JPEG, "jpg", "image/jpeg"},
    {NZ_FORMAT_WEBP, "webp", "image/webp"},
    {NZ_FORMAT_AVIF, "avif", "image/avif"},
    {NZ_FORMAT_PNG, "png", "image/png"},
};

#define NZ__WIDTH_CASE(w) case w:
static bool allowed_width(int w)
{
	switch (w) {
		NZ_MEDIA_LADDER(NZ__WIDTH_CASE)
	case NZ_MEDIA_CARD_WIDTH:
		return true;
	default:
		return false;
	}
}

const char *nz_media_format_mime(nz_media_format f)
{
	return (size_t)f < sizeof formats / sizeof *formats ? formats[f].mime : "image/jpeg";
}

const char *nz_media_format_ext(nz_media_format f)
{
	return (size_t)f < sizeof formats / sizeof *formats ? formats[f].ext : "jpg";
}

nz_media_format nz_media_format_of_mime(const char *mime)
{
	if (mime && strcmp(mime, "image/png") == 0)
		return NZ_FORMAT_PNG;
	if (mime && strcmp(mime, "image/webp") == 0)
		return NZ_FORMAT_WEBP;
	return NZ_FORMAT_JPEG;
}

/* The crop's region of a w x h source: the largest box of its ratio that fits. */
static void crop_box(int w, int h, nz_media_crop crop, int *cw, int *ch)
{
	*cw = w;
	*ch = h;
	for (size_t i = 0; i < sizeof crops / sizeof *crops; i++) {
		if (crops[i].crop != crop)
			continue;
		if ((long long)w * crops[i].h >
		    (long long)h * crops[i].w) /* wider than the ratio */
			*cw = (int)((long long)h * crops[i].w / crops[i].h);
		else
			*ch = (int)((long long)w * crops[i].h / crops[i].w);
	}
	if (*cw < 1)
		*cw = 1;
	if (*ch < 1)
		*ch = 1;
}

void nz_media_rendition_size(int src_w, int src_h, const nz_rendition *r, int *w, int *h)
{
	int cw, ch;
	crop_box(src_w, src_h, r->crop, &cw, &ch);
	int top = 0;
#define NZ__TOP(x) top = x;
	NZ_MEDIA_LADDER(NZ__TOP)
#undef NZ__TOP
	int want = r->width > 0 ? r->width : top;
	int tw = want < cw ? want : cw; /* never upscaled */
	int th = (int)(((long long)ch * tw + cw / 2) / cw);
	*w = tw;
	*h = th < 1 ? 1 : th;
}

/* Writes r's name into buf; false when it does not fit or the crop is unknown. */
static bool format_name(char *buf, size_t size, const nz_rendition *r)
{
	const char *ext = nz_media_format_ext(r->format);
	int n = -1;
	if (r->width <= 0)
		n = snprintf(buf, size, "%s", ext);
	else if (r->crop == NZ_CROP_NONE)
		n = snprintf(buf, size, "w%d.%s", r->width, ext);
	for (size_t i = 0; r->width > 0 && i < sizeof crops / sizeof *crops; i++)
		if (crops[i].crop == r->crop && r->crop != NZ_CROP_NONE)
			n = snprintf(buf, size, "%s.f%d-%d.w%d.%s", crops[i].name, r->focal_x,
				     r->focal_y, r->width, ext);
	return n > 0 && (size_t)n < size;
}

const char *nz_media_rendition_name(nz_arena *arena, const nz_rendition *r)
{
	char buf[64];
	return format_name(buf, sizeof buf, r) ? nz_arena_strdup(arena, buf) : NULL;
}

static bool parse_format(const char *ext, nz_media_format *f)
{
	for (size_t i = 0; i < sizeof formats / sizeof *formats; i++)
		if (strcmp(ext, formats[i].ext) == 0) {
			*f = formats[i].format;
			return true;
		}
	return false;
}

/* "16x9.f50-50.w1200" (the part before the extension) into r's crop, focal point and width. */
static bool parse_crop(const char *s, nz_rendition *r)
{
	char crop[16];
	int fx, fy, w, used = 0;
	if (sscanf(s, "%15[0-9x].f%3d-%3d.w%5d%n", crop, &fx, &fy, &w, &used) != 4 ||
	    s[used] != '\0')
		return false;
	for (size_t i = 0; i < sizeof crops / sizeof *crops; i++)
		if (strcmp(crop, crops[i].name) == 0)
			r->crop = crops[i].crop;
	if (r->crop == NZ_CROP_NONE || fx < 0 || fx > 100 || fy < 0 || fy > 100)
		return false;
	r->focal_x = fx;
	r->focal_y = fy;
	r->width = w;
	return true;
}

bool nz_media_rendition_parse(nz_str name, nz_rendition *r)
{
	char s[64];
	*r = (nz_rendition){.focal_x = 50, .focal_y = 50};
	if (name.len == 0 || name.len >= sizeof s)
		return false;
	memcpy(s, name.p, name.len);
	s[name.len] = '\0';
	char *dot = strrchr(s, '.');
	if (!parse_format(dot ? dot + 1 : s, &r->format))
		return false;
	if (!dot)
		return true; /* "jpg": the full-size copy */
	*dot = '\0';
	int w, used = 0;
	if (s[0] == 'w') {
		if (sscanf(s, "w%5d%n", &w, &used) != 1 || s[used] != '\0')
			return false;
		r->width = w;
	} else if (!parse_crop(s, r)) {
		return false;
	}
	/* Only the one spelling the pipeline makes ("w0640" or "w+640" would be a second copy). */
	char canonical[64];
	return allowed_width(r->width) && r->format != NZ_FORMAT_PNG &&
	       format_name(canonical, sizeof canonical, r) && name.len == strlen(canonical) &&
	       memcmp(canonical, name.p, name.len) == 0;
}

size_t nz_media_ladder(int src_w, int *widths, size_t cap)
{
	static const int ladder[] = {
#define NZ__LADDER_ITEM(x) x,
	    NZ_MEDIA_LADDER(NZ__LADDER_ITEM)
#undef NZ__LADDER_ITEM
	};
	size_t n = 0;
	for (size_t i = 0; i < sizeof ladder / sizeof *ladder && n < cap; i++) {
		widths[n++] = ladder[i];
		if (ladder[i] >= src_w)
			break;
	}
	return n;
}

size_t nz_media_standard(int src_w, const char *src_mime, int focal_x, int focal_y,
			 nz_rendition *out, size_t cap)
{
	static const nz_media_format kinds[] = {NZ_FORMAT_AVIF, NZ_FORMAT_WEBP, NZ_FORMAT_JPEG};
	static const nz_media_crop cuts[] = {NZ_CROP_16X9, NZ_CROP_4X3, NZ_CROP_1X1};
	int widths[16];
	size_t nw = nz_media_ladder(src_w, widths, 16), n = 0;
	for (size_t i = 0; i < nw; i++)
		for (size_t f = 0; f < 3 && n < cap; f++)
			out[n++] = (nz_rendition){widths[i], NZ_CROP_NONE, kinds[f], 50, 50};
	for (size_t c = 0; c < 3 && n < cap; c++)
		out[n++] =
		    (nz_rendition){NZ_MEDIA_CARD_WIDTH, cuts[c], NZ_FORMAT_JPEG, focal_x, focal_y};
	if (n < cap)
		out[n++] =
		    (nz_rendition){0, NZ_CROP_NONE, nz_media_format_of_mime(src_mime), 50, 50};
	if (n < cap) /* last: the marker of a photo whose renditions are all made */
		out[n++] = (nz_rendition){NZ_MEDIA_CARD_WIDTH, NZ_CROP_191X100, NZ_FORMAT_JPEG,
					  focal_x, focal_y};
	return n;
}
