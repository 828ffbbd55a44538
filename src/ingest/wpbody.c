/*
 * wpbody.c: a WordPress post's content into Markdown (nz_ingest_wp_body). wpshort.c makes the
 * stored text plain HTML; libxml2's HTML parser (no network) makes it a tree; this file walks
 * the tree and writes Markdown that md4c renders the way the page read: paragraphs, headings,
 * lists, quotes (pull quotes too), images with their captions, galleries, tables, code,
 * preformatted text, separators and embeds (as links to what they showed).
 *
 * Rules: nothing is dropped. An element or block that is not understood keeps its text (its
 * children are walked as usual) and is listed once in out->unknown; a script, style or form
 * leaves a visible line saying so. Text is escaped so Markdown shows it as written.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/HTMLparser.h>

#include "ingest/wpbody_int.h"

nz_rc nz__wp_unknown(nz__wp *w, const char *fmt, ...)
{
	va_list ap;
	char line[200];
	bool added = false;
	va_start(ap, fmt);
	vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	if (nz_strset_add(&w->seen, line, strlen(line), &added))
		return NZ_NOMEM;
	if (!added)
		return NZ_OK;
	nz_wp_body *o = w->out;
	if (NZ_ARENA_GROW(w->arena, o->unknown, o->n_unknown + 1, w->cap_unknown))
		return NZ_NOMEM;
	return (o->unknown[o->n_unknown++] = nz_arena_strdup(w->arena, line)) ? NZ_OK : NZ_NOMEM;
}

static nz_rc add_image(nz__wp *w, const char *url)
{
	nz_wp_body *o = w->out;
	if (NZ_ARENA_GROW(w->arena, o->images, o->n_images + 1, w->cap_images))
		return NZ_NOMEM;
	return (o->images[o->n_images++] = nz_arena_strdup(w->arena, url)) ? NZ_OK : NZ_NOMEM;
}

/* ---- inline text ------------------------------------------------------------------------- */

typedef struct inl {
	nz_buf *b;
	bool line_start; /* nothing written on this line yet */
	bool space;      /* a space is owed before the next word */
	bool in_link;
} inl;

static bool tag(xmlNodePtr n, const char *name)
{
	return n->type == XML_ELEMENT_NODE && strcasecmp((const char *)n->name, name) == 0;
}

static const char *attr(nz__wp *w, xmlNodePtr n, const char *name)
{
	xmlChar *v = xmlGetProp(n, (const xmlChar *)name);
	const char *s = v ? nz_arena_strdup(w->arena, (const char *)v) : NULL;
	xmlFree(v);
	return s;
}

static bool has_class(nz__wp *w, xmlNodePtr n, const char *cls)
{
	const char *c = attr(w, n, "class");
	size_t l = strlen(cls);
	for (const char *p = c; p && (p = strstr(p, cls)); p += l)
		if ((p == c || p[-1] == ' ') && (p[l] == '\0' || p[l] == ' '))
			return true;
	return false;
}

/* Text as Markdown shows it: white space collapsed, punctuation Markdown would read escaped,
 * and at a line's start the characters that would begin a block. */
static void text(inl *st, const char *s)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == ' ' || c == '\n' || c == '\t' || c == '\r') {
			st->space = !st->line_start;
			continue;
		}
		if (st->space)
			nz_buf_putc(st->b, ' ');
		st->space = false;
		if (strchr("\\`*_[]<>|&~", c) || (st->line_start && strchr("#-+=", c)))
			nz_buf_putc(st->b, '\\');
		else if (st->line_start && isdigit(c)) {
			const char *d = s;
			while (isdigit((unsigned char)*d))
				d++;
			if (*d == '.' || *d == ')') {
				nz_buf_append(st->b, s, (size_t)(d - s));
				nz_buf_putc(st->b, '\\');
				s = d;
				c = (unsigned char)*s;
			}
		}
		nz_buf_putc(st->b, (char)c);
		st->line_start = false;
	}
}

/* A link destination md4c takes as it is: spaces, brackets and parentheses %-encoded. */
static void url(nz_buf *b, const char *u)
{
	for (; u && *u; u++) {
		if (strchr(" <>()\\\n\t", *u) || (unsigned char)*u < 0x20)
			nz_buf_printf(b, "%%%02X", (unsigned char)*u);
		else
			nz_buf_putc(b, *u);
	}
}

static void inlines(nz__wp *w, xmlNodePtr n, inl *st);

static void wrap(nz__wp *w, xmlNodePtr n, inl *st, const char *mark)
{
	if (st->space)
		nz_buf_putc(st->b, ' ');
	st->space = false;
	nz_buf_puts(st->b, mark);
	st->line_start = false;
	size_t before = st->b->len;
	for (xmlNodePtr c = n->children; c; c = c->next)
		inlines(w, c, st);
	while (st->b->len > before && st->b->p[st->b->len - 1] == ' ')
		st->b->p[--st->b->len] = '\0';
	nz_buf_puts(st->b, mark);
}

static void image(nz__wp *w, xmlNodePtr n, inl *st)
{
	const char *src = attr(w, n, "src"), *alt = attr(w, n, "alt");
	if (!src || !*src)
		return;
	add_image(w, src);
	if (st->space)
		nz_buf_putc(st->b, ' ');
	st->space = false;
	nz_buf_puts(st->b, "![");
	text(st, alt ? alt : "");
	nz_buf_puts(st->b, "](");
	url(st->b, src);
	nz_buf_putc(st->b, ')');
	st->line_start = false;
}

static void link(nz__wp *w, xmlNodePtr n, inl *st)
{
	const char *href = attr(w, n, "href");
	if (!href || !*href || st->in_link) {
		for (xmlNodePtr c = n->children; c; c = c->next)
			inlines(w, c, st);
		return;
	}
	if (st->space)
		nz_buf_putc(st->b, ' ');
	st->space = false;
	nz_buf_putc(st->b, '[');
	st->line_start = false;
	st->in_link = true;
	size_t before = st->b->len;
	for (xmlNodePtr c = n->children; c; c = c->next)
		inlines(w, c, st);
	st->in_link = false;
	if (st->b->len == before)
		text(st, href);
	nz_buf_puts(st->b, "](");
	url(st->b, href);
	nz_buf_putc(st->b, ')');
}

static void code_span(xmlNodePtr n, inl *st)
{
	xmlChar *t = xmlNodeGetContent(n);
	const char *s = t ? (const char *)t : "";
	const char *fence = strchr(s, '`') ? "`` " : "`";
	if (st->space)
		nz_buf_putc(st->b, ' ');
	st->space = false;
	nz_buf_puts(st->b, fence);
	for (; *s; s++)
		nz_buf_putc(st->b, *s == '\n' ? ' ' : *s);
	nz_buf_puts(st->b, fence[1] ? " ``" : "`");
	st->line_start = false;
	xmlFree(t);
}

static bool known_inline(xmlNodePtr n)
{
	static const char *const names[] = {
	    "span", "u",    "sub",  "sup",   "small", "mark",    "abbr",   "cite",
	    "q",    "time", "font", "big",   "ins",   "kbd",     "var",    "samp",
	    "dfn",  "bdi",  "bdo",  "label", "wbr",   "picture", "source", "noscript"};
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (tag(n, names[i]))
			return true;
	return false;
}

static void inlines(nz__wp *w, xmlNodePtr n, inl *st)
{
	if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) {
		text(st, (const char *)n->content);
		return;
	}
	if (n->type != XML_ELEMENT_NODE)
		return;
	if (tag(n, "strong") || tag(n, "b")) {
		wrap(w, n, st, "**");
	} else if (tag(n, "em") || tag(n, "i")) {
		wrap(w, n, st, "*");
	} else if (tag(n, "s") || tag(n, "del") || tag(n, "strike")) {
		wrap(w, n, st, "~~");
	} else if (tag(n, "code") || tag(n, "tt")) {
		code_span(n, st);
	} else if (tag(n, "a")) {
		link(w, n, st);
	} else if (tag(n, "img")) {
		image(w, n, st);
	} else if (tag(n, "br")) {
		nz_buf_puts(st->b, "\\\n");
		st->line_start = true;
		st->space = false;
	} else {
		if (!known_inline(n))
			nz__wp_unknown(w, "element <%s>", (const char *)n->name);
		for (xmlNodePtr c = n->children; c; c = c->next)
			inlines(w, c, st);
	}
}

/* ---- blocks ------------------------------------------------------------------------------ */

static void blocks(nz__wp *w, xmlNodePtr first, nz_buf *out);

/* Starts a new block in out: a blank line after what is there. */
static void block_start(nz_buf *out)
{
	if (out->len)
		nz_buf_puts(out, "\n\n");
}

/* Appends text with first before its first line and rest before every other line. */
static void prefixed(nz_buf *out, const char *textp, const char *first, const char *rest)
{
	bool start = true;
	for (const char *p = textp; *p; p++) {
		if (start)
			nz_buf_puts(out, p == textp ? first : (*p == '\n' ? rest : rest));
		start = *p == '\n';
		nz_buf_putc(out, *p);
	}
}

static void paragraph(nz__wp *w, xmlNodePtr n, nz_buf *out, const char *lead, const char *mark)
{
	nz_buf b;
	nz_buf_init(&b, 0);
	inl st = {.b = &b, .line_start = true};
	for (xmlNodePtr c = n->children; c; c = c->next)
		inlines(w, c, &st);
	nz_str t = nz_str_trim((nz_str){nz_buf_cstr(&b), b.len});
	if (t.len) {
		block_start(out);
		nz_buf_puts(out, lead);
		nz_buf_puts(out, mark);
		nz_buf_put_str(out, t);
		nz_buf_puts(out, mark);
	}
	nz_buf_free(&b);
}

static void list(nz__wp *w, xmlNodePtr n, nz_buf *out, bool ordered)
{
	int k = 1;
	block_start(out);
	bool first = true;
	for (xmlNodePtr li = n->children; li; li = li->next) {
		if (!tag(li, "li"))
			continue;
		nz_buf item;
		nz_buf_init(&item, 0);
		blocks(w, li->children, &item);
		char marker[16];
		snprintf(marker, sizeof marker, ordered ? "%d. " : "- ", k++);
		char pad[16];
		snprintf(pad, sizeof pad, "%*s", (int)strlen(marker), "");
		if (!first)
			nz_buf_putc(out, '\n');
		first = false;
		prefixed(out, item.len ? nz_buf_cstr(&item) : "", marker, pad);
		if (!item.len)
			nz_buf_puts(out, marker);
		nz_buf_free(&item);
	}
}

static void quote(nz__wp *w, xmlNodePtr n, nz_buf *out)
{
	nz_buf q;
	nz_buf_init(&q, 0);
	blocks(w, n->children, &q);
	if (q.len) {
		block_start(out);
		prefixed(out, nz_buf_cstr(&q), "> ", "> ");
	}
	nz_buf_free(&q);
}

static void preformatted(xmlNodePtr n, nz_buf *out)
{
	xmlChar *t = xmlNodeGetContent(n);
	const char *s = t ? (const char *)t : "";
	char fence[16] = "```";
	while (strstr(s, fence) && strlen(fence) < sizeof fence - 1)
		strcat(fence, "`");
	block_start(out);
	nz_buf_printf(out, "%s\n%s", fence, s);
	if (*s && s[strlen(s) - 1] != '\n')
		nz_buf_putc(out, '\n');
	nz_buf_puts(out, fence);
	xmlFree(t);
}

/* Collects the rows of a table (through thead, tbody, tfoot). */
static void table_rows(xmlNodePtr n, xmlNodePtr *rows, size_t *nrows, size_t max)
{
	for (xmlNodePtr c = n->children; c && *nrows < max; c = c->next) {
		if (tag(c, "tr"))
			rows[(*nrows)++] = c;
		else if (tag(c, "thead") || tag(c, "tbody") || tag(c, "tfoot"))
			table_rows(c, rows, nrows, max);
	}
}

static void table_row(nz__wp *w, xmlNodePtr tr, nz_buf *out, size_t cols)
{
	size_t k = 0;
	nz_buf_puts(out, "|");
	for (xmlNodePtr c = tr->children; c; c = c->next) {
		if (!tag(c, "td") && !tag(c, "th"))
			continue;
		nz_buf cell;
		nz_buf_init(&cell, 0);
		inl st = {.b = &cell, .line_start = false};
		for (xmlNodePtr x = c->children; x; x = x->next)
			inlines(w, x, &st);
		nz_buf_putc(out, ' ');
		for (const char *p = nz_buf_cstr(&cell); *p; p++)
			if (*p == '\n')
				nz_buf_putc(out, ' ');
			else if (*p != '\\' || p[1] != '\n')
				nz_buf_putc(out, *p);
		nz_buf_puts(out, " |");
		nz_buf_free(&cell);
		k++;
	}
	for (; k < cols; k++)
		nz_buf_puts(out, "  |");
}

static void table(nz__wp *w, xmlNodePtr n, nz_buf *out)
{
	enum { MAX_ROWS = 2000 };
	xmlNodePtr *rows = nz_arena_alloc(w->arena, MAX_ROWS * sizeof *rows);
	size_t nrows = 0, cols = 0;
	if (!rows)
		return;
	table_rows(n, rows, &nrows, MAX_ROWS);
	for (size_t r = 0; r < nrows; r++) {
		size_t k = 0;
		for (xmlNodePtr c = rows[r]->children; c; c = c->next)
			k += tag(c, "td") || tag(c, "th");
		cols = k > cols ? k : cols;
	}
	if (!nrows || !cols)
		return;
	block_start(out);
	for (size_t r = 0; r < nrows; r++) {
		table_row(w, rows[r], out, cols);
		nz_buf_putc(out, '\n');
		if (r == 0) {
			nz_buf_puts(out, "|");
			for (size_t k = 0; k < cols; k++)
				nz_buf_puts(out, " --- |");
			nz_buf_putc(out, '\n');
		}
	}
	out->p[--out->len] = '\0';
}

/* An embed (iframe, video, an embed block's URL) as a link to what it showed. */
static void embed_link(nz__wp *w, const char *what, const char *u, nz_buf *out)
{
	if (!u || !*u) {
		nz__wp_unknown(w, "%s without a source", what);
		return;
	}
	block_start(out);
	nz_buf_printf(out, "[%s: ", what);
	inl st = {.b = out, .line_start = false};
	text(&st, u);
	nz_buf_puts(out, "](");
	url(out, u);
	nz_buf_putc(out, ')');
}

static void embed_block(nz__wp *w, xmlNodePtr n, nz_buf *out)
{
	xmlChar *t = xmlNodeGetContent(n);
	nz_str u = nz_str_trim(nz_str_c(t ? (const char *)t : ""));
	const char *s = nz_arena_str(w->arena, u);
	xmlFree(t);
	embed_link(w, "embed", s, out);
}

/* A comment: a block delimiter says which block follows; unknown blocks are listed. */
static void comment(nz__wp *w, xmlNodePtr n)
{
	static const char *const known[] = {
	    "paragraph", "heading",   "list",       "list-item", "quote",        "pullquote",
	    "image",     "gallery",   "table",      "code",      "preformatted", "separator",
	    "embed",     "html",      "columns",    "column",    "group",        "spacer",
	    "verse",     "more",      "nextpage",   "freeform",  "audio",        "video",
	    "file",      "shortcode", "media-text", "cover",     "buttons",      "button"};
	const char *c = (const char *)n->content;
	while (c && isspace((unsigned char)*c))
		c++;
	if (!c || strncmp(c, "wp:", 3) != 0)
		return;
	c += 3;
	size_t len = strcspn(c, " \t\n/");
	if (c[len] == '/' && strncmp(c, "core-embed/", 11) != 0 && len)
		len += 1 + strcspn(c + len + 1, " \t\n");
	if (len == 0)
		return;
	for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
		if (strlen(known[i]) == len && strncmp(c, known[i], len) == 0)
			return;
	if (strncmp(c, "core-embed/", 11) == 0)
		return;
	nz__wp_unknown(w, "block wp:%.*s", (int)(len > 60 ? 60 : len), c);
}

static bool is_block(xmlNodePtr n)
{
	static const char *const names[] = {
	    "p",       "h1",     "h2",    "h3",         "h4",      "h5",
	    "h6",      "ul",     "ol",    "blockquote", "pre",     "table",
	    "figure",  "hr",     "div",   "section",    "article", "header",
	    "footer",  "aside",  "main",  "figcaption", "iframe",  "video",
	    "audio",   "object", "embed", "script",     "style",   "dl",
	    "address", "center", "form",  "nav",        "details", "li"};
	if (n->type != XML_ELEMENT_NODE)
		return false;
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (tag(n, names[i]))
			return true;
	return false;
}

static void block(nz__wp *w, xmlNodePtr n, nz_buf *out)
{
	const char *name = (const char *)n->name;
	if (strlen(name) == 2 && tolower((unsigned char)name[0]) == 'h' && name[1] >= '1' &&
	    name[1] <= '6') {
		char lead[8];
		snprintf(lead, sizeof lead, "%.*s ", name[1] - '0', "######");
		paragraph(w, n, out, lead, "");
	} else if (tag(n, "p")) {
		paragraph(w, n, out, "", "");
	} else if (tag(n, "figcaption")) {
		paragraph(w, n, out, "", "*");
	} else if (tag(n, "ul") || tag(n, "ol")) {
		list(w, n, out, tag(n, "ol"));
	} else if (tag(n, "blockquote")) {
		quote(w, n, out);
	} else if (tag(n, "pre")) {
		preformatted(n, out);
	} else if (tag(n, "table")) {
		table(w, n, out);
	} else if (tag(n, "hr")) {
		block_start(out);
		nz_buf_puts(out, "* * *");
	} else if (tag(n, "iframe") || tag(n, "video") || tag(n, "audio") || tag(n, "embed") ||
		   tag(n, "object")) {
		const char *src = attr(w, n, tag(n, "object") ? "data" : "src");
		for (xmlNodePtr c = n->children; !src && c; c = c->next)
			if (tag(c, "source"))
				src = attr(w, c, "src");
		embed_link(w, name, src, out);
	} else if (tag(n, "script") || tag(n, "style") || tag(n, "form")) {
		nz__wp_unknown(w, "element <%s> (not imported; kept in the import record)", name);
		block_start(out);
		nz_buf_printf(out, "\\[%s not imported\\]", name);
	} else if (tag(n, "div") && has_class(w, n, "wp-block-embed__wrapper")) {
		embed_block(w, n, out);
	} else {
		static const char *const containers[] = {"div",    "figure", "section", "article",
							 "header", "footer", "aside",   "main",
							 "center", "li"};
		bool known = false;
		for (size_t i = 0; i < sizeof containers / sizeof containers[0]; i++)
			known = known || tag(n, containers[i]);
		if (!known)
			nz__wp_unknown(w, "element <%s>", name);
		blocks(w, n->children, out);
	}
}

/* Walks siblings from first: block elements each become a block, runs of inline content
 * between them a paragraph. */
static void blocks(nz__wp *w, xmlNodePtr first, nz_buf *out)
{
	nz_buf para;
	nz_buf_init(&para, 0);
	inl st = {.b = &para, .line_start = true};
	for (xmlNodePtr n = first;; n = n->next) {
		if (!n || is_block(n)) {
			nz_str t = nz_str_trim((nz_str){nz_buf_cstr(&para), para.len});
			while (t.len >= 2 && t.p[t.len - 1] == '\n' && t.p[t.len - 2] == '\\')
				t = nz_str_trim((nz_str){t.p, t.len - 2});
			if (t.len) {
				block_start(out);
				nz_buf_put_str(out, t);
			}
			nz_buf_reset(&para);
			st = (inl){.b = &para, .line_start = true};
			if (!n)
				break;
			block(w, n, out);
		} else if (n->type == XML_COMMENT_NODE) {
			comment(w, n);
		} else {
			inlines(w, n, &st);
		}
	}
	nz_buf_free(&para);
}

nz_rc nz_ingest_wp_body(nz_arena *arena, const char *html, nz_wp_attachment_fn lookup, void *ctx,
			nz_wp_body *out, nz_err *err)
{
	nz_buf pre, prepared, md;
	nz_buf_init(&pre, 0);
	nz_buf_init(&prepared, 0);
	nz_buf_init(&md, 0);
	*out = (nz_wp_body){0};
	nz__wp w = {.arena = arena,
		    .lookup = lookup,
		    .ctx = ctx,
		    .pre = &pre,
		    .out = out,
		    .seen = NZ_STRSET_INIT};
	htmlDocPtr doc = NULL;
	nz_rc rc = nz__wp_prepare(&w, html ? html : "", &prepared);
	if (!rc && prepared.len) {
		doc = htmlReadMemory(nz_buf_cstr(&prepared), (int)prepared.len, NULL, "UTF-8",
				     HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING | HTML_PARSE_NONET);
		xmlNodePtr root = doc ? xmlDocGetRootElement(doc) : NULL;
		xmlNodePtr body = root ? root->children : NULL;
		while (body && !tag(body, "body"))
			body = body->next;
		if (body)
			blocks(&w, body->children, &md);
		else if (root)
			blocks(&w, root->children, &md);
	}
	if (!rc && (nz_buf_rc(&md) || nz_buf_rc(&pre)))
		rc = NZ_NOMEM;
	if (!rc && !(out->markdown = nz_arena_strndup(arena, nz_buf_cstr(&md), md.len)))
		rc = NZ_NOMEM;
	xmlFreeDoc(doc);
	nz_strset_free(&w.seen);
	nz_buf_free(&pre);
	nz_buf_free(&prepared);
	nz_buf_free(&md);
	return rc ? nz_err_set(err, rc, "content: %s", nz_strerror(rc)) : NZ_OK;
}
