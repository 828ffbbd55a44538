/*
 * media/texts.c: the texts an agency or a camera wrote into a photo, for the upload form to
 * start from: IPTC IIM datasets 2:120 (caption), 2:110 (credit), 2:80 (by-line) and 2:116
 * (copyright notice), then XMP's dc:description, photoshop:Credit, dc:creator and dc:rights for
 * what IPTC lacked.
 *
 * Rules: the blocks come from strangers: every length is checked before it is used, text that is
 * not UTF-8 is read as Latin-1 (IIM's old default), control characters become spaces, and each
 * text is cut at TEXT_MAX bytes. No libvips here (render.c hands over the blocks).
 */
#include <stdio.h>
#include <string.h>

#include "media/media.h"

#define TEXT_MAX 2000

/* s[0..len) as clean UTF-8 in arena (Latin-1 when it is not UTF-8), trimmed; NULL when empty. */
static const char *clean(nz_arena *arena, const char *s, size_t len)
{
	if (len > TEXT_MAX)
		len = TEXT_MAX;
	bool utf8 = nz_utf8_valid(s, len, NULL);
	char *out = nz_arena_alloc(arena, 2 * len + 1), *o = out;
	if (!out)
		return NULL;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c < 0x20 || c == 0x7f)
			*o++ = ' ';
		else if (c < 0x80 || utf8)
			*o++ = (char)c;
		else { /* Latin-1 to UTF-8 */
			*o++ = (char)(0xc0 | c >> 6);
			*o++ = (char)(0x80 | (c & 0x3f));
		}
	}
	*o = '\0';
	nz_str t = nz_str_trim(nz_str_c(out));
	return t.len ? nz_arena_str(arena, t) : NULL;
}

/* ---- IPTC IIM: 0x1C, record, dataset, 16-bit length, data --------------------------------- */

static void iptc(nz_arena *arena, const unsigned char *b, size_t len, nz_media_texts *out,
		 const char **byline)
{
	size_t i = 0;
	while (i + 1 < len && !(b[i] == 0x1c && b[i + 1] == 0x02)) /* past Photoshop's wrapper */
		i++;
	while (i + 5 <= len && b[i] == 0x1c) {
		unsigned record = b[i + 1], dataset = b[i + 2];
		size_t n = (size_t)b[i + 3] << 8 | b[i + 4];
		if (n & 0x8000 || i + 5 + n > len) /* extended lengths never carry our texts */
			break;
		const char *data = (const char *)b + i + 5;
		if (record == 2 && dataset == 120 && !out->caption)
			out->caption = clean(arena, data, n);
		else if (record == 2 && dataset == 110 && !out->credit)
			out->credit = clean(arena, data, n);
		else if (record == 2 && dataset == 80 && !*byline)
			*byline = clean(arena, data, n);
		else if (record == 2 && dataset == 116 && !out->copyright)
			out->copyright = clean(arena, data, n);
		i += 5 + n;
	}
}

/* ---- XMP: the first value of a property, element or attribute ---------------------------- */

/* s[0..len) with XML's five entities decoded, in arena. */
static const char *unescape(nz_arena *arena, const char *s, size_t len)
{
	static const struct {
		const char *entity;
		char c;
	} ents[] = {
	    {"&amp;", '&'}, {"&lt;", '<'}, {"&gt;", '>'}, {"&quot;", '"'}, {"&apos;", '\''}};
	char *out = nz_arena_alloc(arena, len + 1);
	size_t o = 0;
	if (!out)
		return NULL;
	for (size_t i = 0; i < len;) {
		size_t k = 0;
		for (; k < sizeof ents / sizeof *ents; k++) {
			size_t el = strlen(ents[k].entity);
			if (i + el <= len && memcmp(s + i, ents[k].entity, el) == 0) {
				out[o++] = ents[k].c;
				i += el;
				break;
			}
		}
		if (k == sizeof ents / sizeof *ents)
			out[o++] = s[i++];
	}
	return clean(arena, out, o);
}

/* The text of property name ("dc:description"): the first <rdf:li> inside <name>, the element's
 * own text, or the attribute name="...". NULL when absent. */
static const char *xmp_value(nz_arena *arena, const char *x, const char *name)
{
	char open[64], close[64], attr[64];
	snprintf(open, sizeof open, "<%s", name);
	snprintf(close, sizeof close, "</%s>", name);
	snprintf(attr, sizeof attr, " %s=\"", name);
	const char *p = strstr(x, attr);
	if (p) {
		p += strlen(attr);
		const char *end = strchr(p, '"');
		return end ? unescape(arena, p, (size_t)(end - p)) : NULL;
	}
	for (p = strstr(x, open); p; p = strstr(p + 1, open)) {
		char after = p[strlen(open)];
		if (after == '>' || after == ' ')
			break;
	}
	const char *gt = p ? strchr(p, '>') : NULL, *end = gt ? strstr(gt, close) : NULL;
	if (!end)
		return NULL;
	const char *li = strstr(gt, "<rdf:li");
	if (li && li < end) {
		const char *v = strchr(li, '>'), *ve = v ? strstr(v, "</rdf:li>") : NULL;
		return ve && ve < end ? unescape(arena, v + 1, (size_t)(ve - v - 1)) : NULL;
	}
	return unescape(arena, gt + 1, (size_t)(end - gt - 1));
}

void nz_media_texts_parse(nz_arena *arena, const nz_media_blobs *b, nz_media_texts *out)
{
	const char *byline = NULL;
	*out = (nz_media_texts){0};
	if (b->iptc)
		iptc(arena, b->iptc, b->iptc_len, out, &byline);
	if (b->xmp) {
		if (!out->caption)
			out->caption = xmp_value(arena, b->xmp, "dc:description");
		if (!out->credit)
			out->credit = xmp_value(arena, b->xmp, "photoshop:Credit");
		if (!byline)
			byline = xmp_value(arena, b->xmp, "dc:creator");
		if (!out->copyright)
			out->copyright = xmp_value(arena, b->xmp, "dc:rights");
	}
	if (!out->credit)
		out->credit = byline;
}
