/*
 * markdown.c: Markdown to HTML through md4c. CommonMark with tables and strikethrough; raw HTML
 * blocks and spans are disabled, so "<script>" in a body comes out as "&lt;script&gt;".
 *
 * md4c writes every URL it was given, so a link to "javascript:..." would survive. After md4c
 * has rendered, each href="..." and src="..." is checked: a URL with a scheme other than http,
 * https or mailto becomes "#". This is safe to do on the output because md4c escapes '"' in text
 * and attributes: the only href=" sequences in its output are its own attributes.
 *
 * Bounds: a body that nests deeper than NZ_MARKDOWN_DEPTH_MAX (stored before saves checked it)
 * is not given to md4c at all, and rendering stops adding output past NZ_MARKDOWN_HTML_MAX
 * bytes; either way the body's HTML is a one-paragraph notice saying why, so a page still
 * renders and memory stays bounded.
 *
 * A caller may add a pass over md4c's HTML before that check (body_photos.c turns the photos a
 * body places into figures there).
 *
 * Rules: pure function of its input; thread-safe; appends to the caller's buffer.
 */
#include <ctype.h>
#include <md4c-html.h>
#include <string.h>

#include "render/render_int.h"

struct md_sink {
	nz_buf *out;
	size_t start; /* where this rendering began in out */
	bool too_big; /* past NZ_MARKDOWN_HTML_MAX: nothing more is added */
};

static void md_append(const MD_CHAR *text, MD_SIZE size, void *userdata)
{
	struct md_sink *sink = userdata;
	if (sink->too_big || sink->out->len - sink->start + size > NZ_MARKDOWN_HTML_MAX) {
		sink->too_big = true;
		return;
	}
	nz_buf_append(sink->out, text, size);
}

/* Replaces what this rendering wrote with a notice for readers and editors. */
static nz_rc limit_notice(struct md_sink *sink, const char *why)
{
	nz_buf *out = sink->out;
	if (out->p) {
		out->len = sink->start;
		out->p[out->len] = '\0';
	}
	nz_buf_puts(out, "<p class=\"render-limit\">This text cannot be shown: ");
	nz_buf_puts(out, why);
	nz_buf_puts(out, ". Edit it to simplify it.</p>\n");
	return nz_buf_rc(out);
}

/* True when the URL value (up to its closing quote) is safe to keep: no scheme (a relative URL
 * or a fragment) or one of the schemes readers expect in an article. */
static bool url_allowed(const char *v, size_t len)
{
	static const char *const ok[] = {"http", "https", "mailto"};
	size_t i = 0;
	if (len == 0 || !isalpha((unsigned char)v[0]))
		return true; /* "/path", "#frag", "?q": relative */
	while (i < len &&
	       (isalnum((unsigned char)v[i]) || v[i] == '+' || v[i] == '-' || v[i] == '.'))
		i++;
	if (i == len || v[i] != ':')
		return true; /* no scheme: a relative path such as "page.html" */
	for (size_t k = 0; k < sizeof ok / sizeof ok[0]; k++)
		if (strlen(ok[k]) == i && strncasecmp(v, ok[k], i) == 0)
			return true;
	return false;
}

/* Rewrites unsafe URLs in out->p[start..] to "#", in place (the result is never longer). */
static void neutralise_urls(nz_buf *out, size_t start)
{
	static const char *const attrs[] = {" href=\"", " src=\""};
	char *w = out->p + start, *r = w, *end = out->p + out->len;
	while (r < end) {
		size_t attr_len = 0;
		for (size_t k = 0; k < 2 && !attr_len; k++) {
			size_t n = strlen(attrs[k]);
			if ((size_t)(end - r) >= n && memcmp(r, attrs[k], n) == 0)
				attr_len = n;
		}
		if (!attr_len) {
			*w++ = *r++;
			continue;
		}
		memmove(w, r, attr_len);
		w += attr_len;
		r += attr_len;
		char *close = memchr(r, '"', (size_t)(end - r));
		size_t vlen = close ? (size_t)(close - r) : (size_t)(end - r);
		if (url_allowed(r, vlen)) {
			memmove(w, r, vlen);
			w += vlen;
		} else {
			*w++ = '#';
		}
		r += vlen;
	}
	*w = '\0';
	out->len = (size_t)(w - out->p);
}

nz_rc nz_markdown_html(const char *md, size_t len, nz_buf *out)
{
	return nz__markdown_html_pass(md, len, out, NULL, NULL);
}

nz_rc nz__markdown_html_pass(const char *md, size_t len, nz_buf *out, nz__html_pass pass,
			     void *data)
{
	struct md_sink sink = {out, out->len, false};
	unsigned parser_flags =
	    MD_DIALECT_COMMONMARK | MD_FLAG_TABLES | MD_FLAG_STRIKETHROUGH | MD_FLAG_NOHTML;
	if (len > (size_t)NZ_BODY_MAX * 4)
		return NZ_TOOBIG;
	if (md == NULL || len == 0) {
		/* Leave the buffer a valid (possibly empty) C string. */
		return nz_buf_append(out, "", 0);
	}
	nz_markdown_shape sh = nz_markdown_shape_of(md, len);
	if (sh.depth > NZ_MARKDOWN_DEPTH_MAX || sh.markers > NZ_MARKDOWN_MARKERS_MAX)
		return limit_notice(&sink, "it nests quotes or lists too deeply");
	if (md_html(md, (MD_SIZE)len, md_append, &sink, parser_flags, MD_HTML_FLAG_SKIP_UTF8_BOM) !=
	    0) {
		/* md4c fails only when it cannot allocate. */
		return nz_buf_rc(out) != NZ_OK ? nz_buf_rc(out) : NZ_NOMEM;
	}
	if (nz_buf_rc(out) != NZ_OK)
		return nz_buf_rc(out);
	if (sink.too_big)
		return limit_notice(&sink, "its HTML would be larger than 4 MB");
	if (pass && out->len > sink.start) {
		nz_rc rc = pass(out, sink.start, data);
		if (rc != NZ_OK)
			return rc;
	}
	if (out->len > sink.start)
		neutralise_urls(out, sink.start);
	return NZ_OK;
}
