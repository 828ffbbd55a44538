/*
 * media: the image pipeline. From an uploaded photo's bytes it makes the renditions readers
 * get: decoded by libvips, turned upright by its EXIF orientation, resized to a width of the
 * ladder (never upscaled), optionally cropped to an aspect ratio around a focal point, and
 * encoded as AVIF, WebP, JPEG (or PNG for the full-size copy of a PNG) with every piece of
 * metadata stripped (EXIF, XMP, IPTC, GPS, maker notes, ICC).
 *
 * Rules: bytes in, bytes out; no store, no HTTP, no files. Only JPEG, PNG and WebP are ever
 * decoded (every other libvips loader is blocked, SVG included). The type and the pixel count
 * are checked from the header (nz_image_probe, then libvips's header) before any pixel is
 * decoded; decoding is sequential (bounded memory) and a rendition that takes longer than
 * NZ_MEDIA_TIME_LIMIT_MS, or whose caller gives up (nz_media_cancel), is abandoned.
 * Thread-safe: libvips is initialised once per process.
 */
#ifndef NZ_MEDIA_H
#define NZ_MEDIA_H

#include "content/content.h"

#define NZ_MEDIA_TIME_LIMIT_MS 20000 /* per rendition */

/* The widths readers' srcsets offer (ascending). A rendition is never wider than its source. */
#define NZ_MEDIA_LADDER(X) X(320) X(480) X(640) X(960) X(1280) X(1600) X(2048)
#define NZ_MEDIA_CARD_WIDTH 1200 /* the link-preview card (1.91:1, 1200x630) */

typedef enum nz_media_format {
	NZ_FORMAT_JPEG,
	NZ_FORMAT_WEBP,
	NZ_FORMAT_AVIF,
	NZ_FORMAT_PNG,
} nz_media_format;

/* Aspect ratios that feeds, search engines and link previews ask for. */
typedef enum nz_media_crop {
	NZ_CROP_NONE,
	NZ_CROP_16X9,
	NZ_CROP_4X3,
	NZ_CROP_1X1,
	NZ_CROP_191X100, /* 1.91:1 */
} nz_media_crop;

/* What one rendition is. width 0 means the full-size copy: the source's own size up to the
 * top of the ladder. focal_x/focal_y: the point a crop keeps in view, in percent of the
 * upright photo's width and height (50/50, the centre, by default). */
typedef struct nz_rendition {
	int width;
	nz_media_crop crop;
	nz_media_format format;
	int focal_x, focal_y;
} nz_rendition;

/* Initialises libvips once for the process (later calls return at once) and blocks every
 * loader but JPEG, PNG and WebP. nz_media_render calls it; a server calls it at start so the
 * first upload does not pay for it. */
nz_rc nz_media_init(nz_err *err);

/* The IPTC (IIM, as JPEG's APP13 carries it) and XMP blocks of a photo, copied into arena
 * (NUL-terminated; NULL and 0 when absent); nothing decoded. NZ_PARSE when the header cannot
 * be read. */
typedef struct nz_media_blobs {
	const unsigned char *iptc;
	size_t iptc_len;
	const char *xmp;
	size_t xmp_len;
} nz_media_blobs;
nz_rc nz_media_metadata_blobs(const void *src, size_t len, nz_arena *arena, nz_media_blobs *out,
			      nz_err *err);

/* What an agency or a camera wrote into a photo for people: its caption, its credit (the
 * credit line, else the creator) and its copyright notice, each UTF-8 in arena or NULL. IPTC
 * IIM first, XMP (dc:description, photoshop:Credit, dc:creator, dc:rights) for what it lacks. */
typedef struct nz_media_texts {
	const char *caption, *credit, *copyright;
} nz_media_texts;
void nz_media_texts_parse(nz_arena *arena, const nz_media_blobs *b, nz_media_texts *out);

/* How a caller gives up on a rendition under way (a server stopping): asked(arg) is called
 * before the work and then now and then while the pixels are computed, from the rendering
 * thread or one of libvips's; once it answers true the computation is killed. It must be quick
 * and thread-safe. An encoder's last step (AV1 or WebP compressing the finished pixels) is not
 * interrupted: a rendition that gets through it is returned as made. */
typedef struct nz_media_cancel {
	bool (*asked)(void *arg);
	void *arg;
} nz_media_cancel;

/* Makes one rendition of src[0..len). out (initialised by the caller) gets the bytes; *w and
 * *h the rendition's pixel size (either may be NULL); cancel may be NULL (never given up).
 * NZ_UNSUPPORTED for a type that is not JPEG, PNG or WebP, NZ_TOOBIG past a limit (bytes,
 * pixels per side, pixels in all: err says which), NZ_PARSE for a damaged file, NZ_IO when the
 * time limit ran out or cancel asked (err says which: "image: cancelled..."). */
nz_rc nz_media_render(const void *src, size_t len, const nz_rendition *r,
		      const nz_media_cancel *cancel, nz_buf *out, int *w, int *h, nz_err *err);

/* The upright pixel size of a photo (its width and height swapped when its EXIF orientation
 * turns it a quarter), from the header: nothing decoded. Errors as nz_media_render's. */
nz_rc nz_media_size(const void *src, size_t len, int *w, int *h, nz_err *err);

/* The pixel size a rendition of a w x h upright source will have, without making it (what a
 * page's width/height attributes and srcset need). */
void nz_media_rendition_size(int src_w, int src_h, const nz_rendition *r, int *w, int *h);

/* A rendition's name, the part of its file name after "<hash>.": "jpg" (full size, the
 * source's format), "w640.webp", "16x9.f50-50.w1200.jpg". In the arena; NULL when out of
 * memory. */
const char *nz_media_rendition_name(nz_arena *arena, const nz_rendition *r);

/* Parses a name that nz_media_rendition_name makes. Refuses widths that are neither on the
 * ladder nor the card width (no one may make the server render arbitrary sizes), focal points
 * outside 0..100 and a PNG other than full size. */
bool nz_media_rendition_parse(nz_str name, nz_rendition *r);

/* The renditions a page may ask for, which the background worker makes ahead: each ladder
 * width up to the first at or past the source's width, in AVIF, WebP and JPEG; the 16:9, 4:3,
 * 1:1 and 1.91:1 crops at the card width in JPEG around (focal_x, focal_y); the full-size copy
 * in the source's format; last the 1.91:1 crop, named NZ_MEDIA_LAST_PREFIX "<x>-<y>"
 * NZ_MEDIA_LAST_SUFFIX (a photo that has it for its focal point has them all).
 * Fills out[0..cap) and returns how many there are (at most NZ_MEDIA_STANDARD_MAX). */
#define NZ_MEDIA_STANDARD_MAX 32
#define NZ_MEDIA_LAST_PREFIX "191x100.f"
#define NZ_MEDIA_LAST_SUFFIX ".w1200.jpg"
size_t nz_media_standard(int src_w, const char *src_mime, int focal_x, int focal_y,
			 nz_rendition *out, size_t cap);
/* The ladder widths a srcset lists for a source src_w wide (each up to the first at or past
 * src_w; the last one is then the source's own width): into widths[0..cap), returns how many. */
size_t nz_media_ladder(int src_w, int *widths, size_t cap);

/* The MIME type and file extension of a format (static strings). */
const char *nz_media_format_mime(nz_media_format f);
const char *nz_media_format_ext(nz_media_format f);

/* The format of the full-size copy of a source of this MIME type: PNG stays PNG (it may have
 * transparency or be a drawing), WebP stays WebP, everything else is JPEG. */
nz_media_format nz_media_format_of_mime(const char *mime);

#endif
