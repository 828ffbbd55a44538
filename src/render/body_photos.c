/*
 * body_photos.c: photos an editor places inside an article's body. The Markdown form is an
 * image whose URL names one of the article's photos:
 *     ![alt text](media:<id>)          the photo with that media id
 *     ![alt text](/media/<sha256>...)  the photo with those bytes (any rendition name after it)
 * An image alone in its paragraph becomes a <figure class="story-figure"> with the <picture>
 * every page uses (srcset over the ladder, sizes, width/height, lazy) and a <figcaption> with the
 * photo's caption and credit; one inside a line of text becomes a lazy <img> with its size.
 * For feeds (an absolute base) the figure holds a plain <img> at an absolute URL instead.
 *
 * Rules: works on md4c's output, before unsafe URLs are neutralised. That is safe because raw
 * HTML is off and md4c escapes '"' in attributes: every "<img src=" in its output is its own, and
 * the alt text it wrote is already escaped. A media:<id> that names none of the article's photos
 * is dropped (a reader never sees a broken image); a /media/ URL that names none of them is left
 * as it was. Existing bodies without such images come out byte for byte as before.
 */
#include <stdlib.h>
#include <string.h>

#include "render/render_int.h"

#define IMG_OPEN "<img src=\""

/* One md4c <img>: where it starts and ends in the HTML, its src and (escaped) alt. */
typedef struct img_tag {
	const char *src, *alt;
	size_t src_len, alt_len;
	const char *end; /* just past '>' */
} img_tag;

/* Parses md4c's `<img src="…" alt="…"[ title="…"]>` at p; false when it is not one. */
static bool parse_img(const char *p, const char *end, img_tag *t)
{
	size_t n = strlen(IMG_OPEN);
	if ((size_t)(end - p) < n || memcmp(p, IMG_OPEN, n) != 0)
		return false;
	t->src = p + n;
	const char *q = memchr(t->src, '"', (size_t)(end - t->src));
	if (!q || (size_t)(end - q) < 7 || memcmp(q, "\" alt=\"", 7) != 0)
		return false;
	t->src_len = (size_t)(q - t->src);
	t->alt = q + 7;
	q = memchr(t->alt, '"', (size_t)(end - t->alt));
	if (!q)
		return false;
	t->alt_len = (size_t)(q - t->alt);
	q++;
	if ((size_t)(end - q) >= 8 && memcmp(q, " title=\"", 8) == 0) {
		q = memchr(q + 8, '"', (size_t)(end - q - 8));
		if (!q)
			return false;
		q++;
	}
	if (q >= end || *q != '>')
		return false;
	t->end = q + 1;
	return true;
}

/* The article photo src names, or NULL; *is_ref says whether src is a media:<id> reference. */
static const nz_media *resolve(const nz__body_photos *ctx, const img_tag *t, bool *is_ref,
			       size_t *index)
{
	const char *s = t->src;
	size_t len = t->src_len;
	*is_ref = len > 6 && memcmp(s, "media:", 6) == 0;
	if (*is_ref) {
		int64_t id = 0;
		for (size_t i = 6; i < len; i++) {
			if (s[i] < '0' || s[i] > '9' || id > INT64_MAX / 10 - 9)
				return NULL;
			id = id * 10 + (s[i] - '0');
		}
		for (size_t i = 0; i < ctx->n_media; i++)
			if (ctx->media[i].id == id && id > 0)
				return *index = i, &ctx->media[i];
		return NULL;
	}
	if (len < 7 + 64 || memcmp(s, "/media/", 7) != 0 || (len > 71 && s[71] != '.'))
		return NULL;
	for (size_t i = 0; i < ctx->n_media; i++) {
		const char *h = ctx->media[i].hash;
		if (h && strlen(h) == 64 && strncasecmp(h, s + 7, 64) == 0)
			return *index = i, &ctx->media[i];
	}
	return NULL;
}

static void put(nz_buf *b, const char *s)
{
	if (s)
		nz_escape_html(b, s, strlen(s));
}

/* The alt text: the one written in the body, else the photo's own. */
static void put_alt(nz_buf *b, const img_tag *t, const nz_media *m)
{
	if (t->alt_len)
		nz_buf_append(b, t->alt, t->alt_len);
	else
		put(b, m->alt);
}

static const char *str(json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

/* <picture> (pages) or <img> (feeds) for m; nothing for a photo without bytes. */
static void picture(nz_buf *b, nz_arena *arena, const nz__body_photos *ctx, const img_tag *t,
		    const nz_media *m)
{
	json_t *p = nz__view_picture(arena, m, NULL, false);
	if (!p || !json_is_object(p)) {
		json_decref(p);
		return;
	}
	int w = (int)json_integer_value(json_object_get(p, "width"));
	int h = (int)json_integer_value(json_object_get(p, "height"));
	if (ctx->site) {
		nz_buf_puts(b, "<img src=\"");
		put(b, nz__abs_url(arena, ctx->site, str(p, "src")));
		nz_buf_puts(b, "\" alt=\"");
		put_alt(b, t, m);
		nz_buf_printf(b, "\" width=\"%d\" height=\"%d\">", w, h);
		json_decref(p);
		return;
	}
	static const char *const formats[][2] = {{"avif", "srcset_avif"}, {"webp", "srcset_webp"}};
	nz_buf_puts(b, "<picture>\n");
	for (size_t i = 0; i < 2; i++) {
		nz_buf_printf(b, "<source type=\"image/%s\" srcset=\"", formats[i][0]);
		put(b, str(p, formats[i][1]));
		nz_buf_puts(b, "\" sizes=\"");
		put(b, str(p, "sizes"));
		nz_buf_puts(b, "\">\n");
	}
	nz_buf_puts(b, "<img src=\"");
	put(b, str(p, "src"));
	nz_buf_puts(b, "\" srcset=\"");
	put(b, str(p, "srcset_jpeg"));
	nz_buf_puts(b, "\" sizes=\"");
	put(b, str(p, "sizes"));
	nz_buf_puts(b, "\" alt=\"");
	put_alt(b, t, m);
	nz_buf_printf(
	    b, "\" width=\"%d\" height=\"%d\" loading=\"lazy\" decoding=\"async\">\n</picture>", w,
	    h);
	json_decref(p);
}

static void figure(nz_buf *b, nz_arena *arena, const nz__body_photos *ctx, const img_tag *t,
		   const nz_media *m)
{
	bool caption = m->caption && m->caption[0], credit = m->credit && m->credit[0];
	nz_buf_puts(b, "<figure class=\"story-figure\">\n");
	picture(b, arena, ctx, t, m);
	nz_buf_puts(b, "\n");
	if (caption || credit) {
		nz_buf_puts(b, "<figcaption>");
		if (caption) {
			nz_buf_puts(b, "<span class=\"caption\">");
			put(b, m->caption);
			nz_buf_puts(b, "</span>");
		}
		if (credit) {
			nz_buf_puts(b, caption ? " <span class=\"credit\">"
					       : "<span class=\"credit\">");
			put(b, nz__labels_for(ctx->lang)->photo);
			put(b, m->credit);
			nz_buf_puts(b, "</span>");
		}
		nz_buf_puts(b, "</figcaption>\n");
	}
	nz_buf_puts(b, "</figure>\n");
}

/* One "<p><img …></p>\n" or "<img …>" at p, rewritten into b; returns where to go on, or NULL
 * when p is neither (the caller copies a byte). */
static const char *place(nz_buf *b, nz_arena *arena, const nz__body_photos *ctx, const char *p,
			 const char *end)
{
	img_tag t;
	bool in_p = (size_t)(end - p) > 3 && memcmp(p, "<p>", 3) == 0;
	if (!parse_img(in_p ? p + 3 : p, end, &t))
		return NULL;
	bool alone = in_p && (size_t)(end - t.end) >= 5 && memcmp(t.end, "</p>\n", 5) == 0;
	bool is_ref = false;
	size_t index = 0;
	const nz_media *m = resolve(ctx, &t, &is_ref, &index);
	if (!m && !is_ref)
		return NULL;
	if (m && ctx->used)
		ctx->used[index] = true;
	if (alone) {
		if (m)
			figure(b, arena, ctx, &t, m);
		return t.end + 5;
	}
	if (in_p) /* a paragraph that opens with an inline photo keeps its <p> */
		nz_buf_puts(b, "<p>");
	if (m)
		picture(b, arena, ctx, &t, m);
	return t.end;
}

/* The pass nz__markdown_html_pass runs over md4c's output (out->p[start..]). */
static nz_rc photos_pass(nz_buf *out, size_t start, void *data)
{
	const nz__body_photos *ctx = data;
	nz_arena *arena = NULL;
	char *html = NULL;
	size_t len = out->len - start;
	nz_rc rc = NZ_OK;
	if (!strstr(out->p + start, IMG_OPEN))
		return NZ_OK; /* the usual body: nothing to do, no copy */
	if (!(arena = nz_arena_new()) || !(html = malloc(len + 1))) {
		rc = NZ_NOMEM;
		goto out;
	}
	memcpy(html, out->p + start, len + 1);
	out->len = start;
	out->p[start] = '\0';
	const char *p = html, *end = html + len;
	while (p < end) {
		const char *lt = memchr(p, '<', (size_t)(end - p));
		if (!lt) {
			nz_buf_append(out, p, (size_t)(end - p));
			break;
		}
		nz_buf_append(out, p, (size_t)(lt - p));
		const char *next = place(out, arena, ctx, lt, end);
		if (!next) {
			nz_buf_append(out, lt, 1);
			next = lt + 1;
		}
		p = next;
	}
	rc = nz_buf_rc(out);
out:
	free(html);
	nz_arena_free(arena);
	return rc;
}

nz_rc nz__body_html(const nz_article *a, const nz__body_photos *photos, nz_buf *out)
{
	const char *md = a->body_markdown ? a->body_markdown : "";
	nz__body_photos ctx = *photos;
	if (!ctx.media) {
		ctx.media = a->media;
		ctx.n_media = a->n_media;
	}
	if (!ctx.lang)
		ctx.lang = a->language;
	return nz__markdown_html_pass(md, strlen(md), out, photos_pass, &ctx);
}
