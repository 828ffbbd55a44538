/*
 * render/photo.c: a photo as pages show it. The URLs of its renditions (/media/<hash>.<name>,
 * names from media/), the <picture> a page gets (AVIF, WebP and JPEG srcsets over the width
 * ladder, sizes, the upright width and height, lazy or fetched first), the link-preview card
 * (1.91:1, 1200x630) and the crops search engines ask for (16:9, 4:3, 1:1), each around the
 * photo's focal point (the editor's, or the centre).
 *
 * Rules: the set of URLs a page may reference is nz_media_standard's, so the static export
 * (nz_url_renditions) writes every file a page links to and nothing else.
 */
#include <string.h>

#include "media/media.h"
#include "render/render_int.h"

#define FALLBACK_WIDTH 960

const char *nz_url_rendition(nz_arena *arena, const nz_media *m, const nz_rendition *r)
{
	if (!m || !m->hash || !m->hash[0])
		return NULL;
	const char *name = nz_media_rendition_name(arena, r);
	return name ? nz_arena_printf(arena, "/media/%s.%s", m->hash, name) : NULL;
}

size_t nz_url_renditions(nz_arena *arena, const nz_media *m, const char **urls, size_t cap)
{
	nz_rendition set[NZ_MEDIA_STANDARD_MAX];
	size_t n = 0;
	if (!m || !m->hash || !m->hash[0])
		return 0;
	int fx, fy;
	nz_media_focal(m, &fx, &fy);
	size_t k = nz_media_standard(m->width, m->mime, fx, fy, set, NZ_MEDIA_STANDARD_MAX);
	for (size_t i = 0; i < k && n < cap; i++)
		if ((urls[n] = nz_url_rendition(arena, m, &set[i])))
			n++;
	return n;
}

/* "url 320w, url 480w, ..." for one format. */
static const char *srcset(nz_arena *arena, const nz_media *m, nz_media_format f)
{
	int widths[16];
	size_t n = nz_media_ladder(m->width, widths, 16);
	nz_buf b;
	nz_buf_init(&b, 16384);
	for (size_t i = 0; i < n; i++) {
		nz_rendition r = {.width = widths[i], .format = f};
		int w, h;
		nz_media_rendition_size(m->width, m->height, &r, &w, &h);
		const char *url = nz_url_rendition(arena, m, &r);
		nz_buf_printf(&b, "%s%s %dw", i ? ", " : "", url ? url : "", w);
	}
	const char *s = nz_buf_rc(&b) ? NULL : nz_arena_strdup(arena, nz_buf_cstr(&b));
	nz_buf_free(&b);
	return s;
}

json_t *nz__view_picture(nz_arena *arena, const nz_media *m, const char *sizes, bool lead)
{
	if (!m || !m->hash || !m->hash[0] || m->width <= 0 || m->height <= 0)
		return json_null();
	/* the widest ladder step up to FALLBACK_WIDTH among those the srcset lists */
	int widths[16];
	size_t n = nz_media_ladder(m->width, widths, 16);
	while (n > 1 && widths[n - 1] > FALLBACK_WIDTH)
		n--;
	nz_rendition fallback = {.width = widths[n - 1], .format = NZ_FORMAT_JPEG};
	int w, h;
	nz_media_rendition_size(m->width, m->height, &fallback, &w, &h);
	return json_pack("{s:o, s:o, s:o, s:o, s:s, s:i, s:i, s:b}", "src",
			 nz__json_str(nz_url_rendition(arena, m, &fallback)), "srcset_avif",
			 nz__json_str(srcset(arena, m, NZ_FORMAT_AVIF)), "srcset_webp",
			 nz__json_str(srcset(arena, m, NZ_FORMAT_WEBP)), "srcset_jpeg",
			 nz__json_str(srcset(arena, m, NZ_FORMAT_JPEG)), "sizes",
			 sizes ? sizes : NZ__SIZES_COLUMN, "width", w, "height", h, "lead", lead);
}

const char *nz__photo_crop_url(nz_arena *arena, const nz_site *site, const nz_media *m,
			       nz_media_crop crop, int *w, int *h)
{
	nz_rendition r = {.width = NZ_MEDIA_CARD_WIDTH, .crop = crop, .format = NZ_FORMAT_JPEG};
	if (!m || !m->hash || !m->hash[0])
		return NULL;
	nz_media_focal(m, &r.focal_x, &r.focal_y);
	if (w && h)
		nz_media_rendition_size(m->width, m->height, &r, w, h);
	return nz__abs_url(arena, site, nz_url_rendition(arena, m, &r));
}

const char *nz__site_card_url(nz_arena *arena, const nz_site *site, int *w, int *h)
{
	const nz_media *m = site ? &site->card_image : NULL;
	if (!m || !m->hash || m->width <= 0 || m->height <= 0)
		return NULL;
	return nz__photo_crop_url(arena, site, m, NZ_CROP_191X100, w, h);
}
