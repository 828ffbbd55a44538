/*
 * wpshort.c: the first half of reading a WordPress post's content (nz_ingest_wp_body): turns
 * the text WordPress stores into plain HTML before it is parsed. Shortcodes [caption],
 * [gallery] and [embed] become <figure>s and links; any other shortcode that looks like one
 * (has attributes or a closing tag) stays as text and is listed. Classic content (no block
 * markup) gets WordPress's paragraph rules: a blank line ends a paragraph and a single line
 * break is a <br>.
 *
 * Rules: output in one growable buffer; nothing here decides Markdown (wpbody.c does).
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ingest/wpbody_int.h"

/* The value of attribute name in a shortcode's attribute text ("ids=\"1,2\" size=x"), in
 * arena; NULL when absent. */
static char *short_attr(nz_arena *arena, nz_str attrs, const char *name)
{
	size_t nl = strlen(name);
	for (size_t i = 0; i + nl < attrs.len; i++) {
		if ((i && !isspace((unsigned char)attrs.p[i - 1])) ||
		    strncmp(attrs.p + i, name, nl) != 0 || attrs.p[i + nl] != '=')
			continue;
		size_t v = i + nl + 1, end;
		char q =
		    v < attrs.len && (attrs.p[v] == '"' || attrs.p[v] == '\'') ? attrs.p[v] : 0;
		if (q)
			v++;
		for (end = v; end < attrs.len &&
			      (q ? attrs.p[end] != q : !isspace((unsigned char)attrs.p[end]));
		     end++)
			;
		return nz_arena_strndup(arena, attrs.p + v, end - v);
	}
	return NULL;
}

static nz_rc put_escaped(nz_buf *b, const char *s)
{
	return nz_escape_html(b, s ? s : "", s ? strlen(s) : 0);
}

/* One figure of a gallery: the attachment's image and caption. */
static nz_rc gallery_figure(nz__wp *w, int64_t id)
{
	const nz_wp_attachment *at = w->lookup ? w->lookup(w->ctx, id) : NULL;
	nz_buf *b = w->pre;
	if (!at || !at->url) {
		nz_buf_printf(b, "<p>[gallery image %lld: not in the export]</p>", (long long)id);
		return nz__wp_unknown(w, "gallery image %lld (not in the export)", (long long)id);
	}
	nz_buf_puts(b, "<figure><img src=\"");
	put_escaped(b, at->url);
	nz_buf_puts(b, "\" alt=\"");
	put_escaped(b, at->alt);
	nz_buf_puts(b, "\">");
	if (at->caption && *at->caption) {
		nz_buf_puts(b, "<figcaption>");
		put_escaped(b, at->caption);
		nz_buf_puts(b, "</figcaption>");
	}
	return nz_buf_puts(b, "</figure>");
}

static nz_rc gallery(nz__wp *w, nz_str attrs)
{
	char *ids = short_attr(w->arena, attrs, "ids");
	nz_buf_puts(w->pre, "\n\n<div class=\"nz-gallery\">");
	if (!ids)
		nz__wp_unknown(w, "shortcode [gallery] without ids (the post's own attachments)");
	for (char *p = ids; p && *p;) {
		char *end;
		long long id = strtoll(p, &end, 10);
		if (end == p) {
			p++;
			continue;
		}
		gallery_figure(w, id);
		p = end;
	}
	return nz_buf_puts(w->pre, "</div>\n\n");
}

/* The position just after "[/name]" at or after from, or -1. */
static long closing(nz_str s, size_t from, const char *name)
{
	char tag[64];
	snprintf(tag, sizeof tag, "[/%s]", name);
	long at = nz_str_find((nz_str){s.p + from, s.len - from}, tag);
	return at < 0 ? -1 : (long)(from + (size_t)at + strlen(tag));
}

/* Handles the shortcode whose name is name at s.p[*i] ('['); *i moves past what it used.
 * Returns false when the bracket is not a shortcode we take (it is copied as text). */
static bool shortcode(nz__wp *w, nz_str s, size_t *i, const char *name, size_t open_end)
{
	nz_str attrs = {s.p + *i + 1 + strlen(name), open_end - (*i + 1 + strlen(name)) - 1};
	long close = closing(s, open_end, name);
	size_t inner_len = close < 0 ? 0 : (size_t)close - open_end - strlen(name) - 3;
	nz_str inner = {s.p + open_end, inner_len};
	if (strcmp(name, "caption") == 0 && close >= 0) {
		nz_buf_puts(w->pre, "\n\n<figure>");
		/* the image (maybe inside a link) comes first, the caption text after it */
		long img_end = nz_str_find(inner, "</a>");
		if (img_end < 0)
			img_end = nz_str_find(inner, ">");
		else
			img_end += 3;
		size_t cut = img_end < 0 ? 0 : (size_t)img_end + 1;
		nz_buf_append(w->pre, inner.p, cut);
		nz_str cap = nz_str_trim((nz_str){inner.p + cut, inner.len - cut});
		char *attr_cap = short_attr(w->arena, attrs, "caption");
		nz_buf_puts(w->pre, "<figcaption>");
		if (cap.len)
			nz_buf_append(w->pre, cap.p, cap.len);
		else if (attr_cap)
			put_escaped(w->pre, attr_cap);
		nz_buf_puts(w->pre, "</figcaption></figure>\n\n");
		*i = (size_t)close;
		return true;
	}
	if (strcmp(name, "gallery") == 0) {
		gallery(w, attrs);
		*i = open_end;
		return true;
	}
	if (strcmp(name, "embed") == 0 && close >= 0) {
		nz_str url = nz_str_trim(inner);
		nz_buf_puts(w->pre, "\n\n<p><a href=\"");
		nz_escape_html(w->pre, url.p, url.len);
		nz_buf_puts(w->pre, "\">");
		nz_escape_html(w->pre, url.p, url.len);
		nz_buf_puts(w->pre, "</a></p>\n\n");
		*i = (size_t)close;
		return true;
	}
	/* Another shortcode: kept as text, listed when it really looks like one. */
	if (memchr(attrs.p, '=', attrs.len) || close >= 0)
		nz__wp_unknown(w, "shortcode [%s]", name);
	return false;
}

/* Copies s into w->pre, replacing the shortcodes it knows. */
static nz_rc shortcodes(nz__wp *w, nz_str s)
{
	for (size_t i = 0; i < s.len;) {
		if (s.p[i] != '[' || i + 1 >= s.len || !isalpha((unsigned char)s.p[i + 1])) {
			nz_buf_putc(w->pre, s.p[i++]);
			continue;
		}
		size_t n = 1;
		while (i + 1 + n < s.len && n < 40 &&
		       (isalnum((unsigned char)s.p[i + 1 + n]) || s.p[i + 1 + n] == '_' ||
			s.p[i + 1 + n] == '-'))
			n++;
		const char *close = memchr(s.p + i, ']', s.len - i);
		char c = i + 1 + n < s.len ? s.p[i + 1 + n] : 0;
		if (!close || (c != ']' && c != ' ')) {
			nz_buf_putc(w->pre, s.p[i++]);
			continue;
		}
		char name[48];
		snprintf(name, sizeof name, "%.*s", (int)n, s.p + i + 1);
		size_t open_end = (size_t)(close - s.p) + 1;
		if (!shortcode(w, s, &i, name, open_end))
			nz_buf_putc(w->pre, s.p[i++]);
	}
	return nz_buf_rc(w->pre);
}

static bool starts_block(nz_str para)
{
	static const char *const tags[] = {
	    "<p",  "<h1",  "<h2",         "<h3",     "<h4",    "<h5",      "<h6",     "<ul",
	    "<ol", "<li",  "<blockquote", "<pre",    "<table", "<figure",  "<div",    "<hr",
	    "<dl", "<!--", "<iframe",     "<script", "<style", "<section", "<address"};
	for (size_t i = 0; i < sizeof tags / sizeof tags[0]; i++)
		if (para.len >= strlen(tags[i]) &&
		    strncasecmp(para.p, tags[i], strlen(tags[i])) == 0)
			return true;
	return false;
}

/* WordPress's paragraph rules for classic content: blank lines separate paragraphs; text not
 * already in a block element is wrapped in <p>, and its single line breaks become <br>. */
static nz_rc autop(nz_str s, nz_buf *out)
{
	size_t i = 0;
	bool in_pre = false;
	while (i < s.len) {
		long gap = nz_str_find((nz_str){s.p + i, s.len - i}, "\n\n");
		size_t end = gap < 0 ? s.len : i + (size_t)gap;
		nz_str para = nz_str_trim((nz_str){s.p + i, end - i});
		bool pre_open = nz_str_find(para, "<pre") >= 0 && nz_str_find(para, "</pre>") < 0;
		if (para.len && (in_pre || starts_block(para))) {
			nz_buf_put_str(out, para);
			nz_buf_puts(out, in_pre || pre_open ? "\n\n" : "\n");
		} else if (para.len) {
			nz_buf_puts(out, "<p>");
			for (size_t k = 0; k < para.len; k++)
				if (para.p[k] == '\n')
					nz_buf_puts(out, "<br>\n");
				else
					nz_buf_putc(out, para.p[k]);
			nz_buf_puts(out, "</p>\n");
		}
		if (pre_open)
			in_pre = true;
		else if (in_pre && nz_str_find(para, "</pre>") >= 0)
			in_pre = false;
		i = end;
		while (i < s.len && (s.p[i] == '\n' || s.p[i] == '\r'))
			i++;
	}
	return nz_buf_rc(out);
}

nz_rc nz__wp_prepare(nz__wp *w, const char *html, nz_buf *out)
{
	nz_buf crlf;
	nz_buf_init(&crlf, 0);
	for (const char *p = html; *p; p++) /* line ends as \n */
		if (*p != '\r')
			nz_buf_putc(&crlf, *p);
	nz_str s = {nz_buf_cstr(&crlf), crlf.len};
	nz_rc rc = nz_buf_rc(&crlf) ? NZ_NOMEM : shortcodes(w, s);
	if (!rc) {
		nz_str pre = {nz_buf_cstr(w->pre), w->pre->len};
		if (nz_str_find(pre, "<!-- wp:") >= 0)
			rc = nz_buf_put_str(out, pre);
		else
			rc = autop(pre, out);
	}
	nz_buf_free(&crlf);
	return rc;
}
