/*
 * wxr.c: the WordPress export reader (wxr.h). libxml2's xmlTextReader walks the file forward;
 * each channel-level author, term or item is expanded on its own (the reader frees it when it
 * moves on), turned into plain strings in the caller's arena, and skipped past. Memory is one
 * entry at a time, whatever the size of the file.
 *
 * Safety: XML_PARSE_NONET (no network), no XML_PARSE_NOENT / DTDLOAD / DTDATTR (no entity
 * expansion, no DTD loading), and any DOCTYPE is refused before anything is read past it, so
 * an undeclared entity is a well-formedness error and a billion-laughs file never expands.
 *
 * An item's original XML is the file's own bytes: libxml2 would give back its re-serialisation
 * (quotes, entities, line ends and CDATA rewritten), and its count of bytes consumed runs ahead
 * of the node by whatever it has buffered. So an expat parser walks the same file a second time,
 * one step behind the reader: it is run only up to the end of the item the reader has just
 * given (paused there with XML_StopParser), its exact byte offsets of the item's start and end
 * tags name the range, and that range is read back from the file. Memory stays one chunk and
 * one item. Should expat refuse what libxml2 read (an encoding expat does not know), the items
 * from there on keep libxml2's serialisation instead.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <expat.h>

#include "ingest/ingest.h"
#include "ingest/xml_int.h"

/* The expat walk that finds each item's byte range (see the opening comment). */
typedef struct byte_walk {
	XML_Parser xp;
	int fd;
	int depth;
	long long start, end; /* the last item's range: start tag's first byte, past its end tag */
	bool found;           /* an item ended: the parser is suspended right after it */
	bool suspended, eof, broken;
} byte_walk;

struct nz_wxr {
	xmlTextReaderPtr rd;
	byte_walk walk;
	char *version, *base_url;
	nz__xml_error xerr;
	long long size;
	bool positioned; /* the reader already stands on a node not yet looked at */
	bool saw_root;
};

/* ---- the items' exact bytes (expat, one step behind the reader) ---------------------------- */

#define WALK_CHUNK 65536
#define NS_SEP '\x01' /* expat's separator of namespace URI and local name */

static void XMLCALL walk_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
	byte_walk *w = ud;
	(void)atts;
	if (++w->depth == 3 && strcmp(name, "item") == 0)
		w->start = (long long)XML_GetCurrentByteIndex(w->xp);
}

static void XMLCALL walk_end(void *ud, const XML_Char *name)
{
	byte_walk *w = ud;
	if (w->depth-- == 3 && strcmp(name, "item") == 0) {
		/* an empty <item/> reports its end at its start tag, whose length is the count */
		w->end = (long long)XML_GetCurrentByteIndex(w->xp) + XML_GetCurrentByteCount(w->xp);
		w->found = true;
		XML_StopParser(w->xp, XML_TRUE);
	}
}

static nz_rc walk_open(byte_walk *w, const char *path)
{
	w->fd = open(path, O_RDONLY | O_CLOEXEC);
	if (w->fd < 0)
		return NZ_IO;
	w->xp = XML_ParserCreateNS(NULL, NS_SEP);
	if (!w->xp)
		return NZ_NOMEM;
	XML_SetUserData(w->xp, w);
	XML_SetElementHandler(w->xp, walk_start, walk_end);
	return NZ_OK;
}

static void walk_close(byte_walk *w)
{
	if (w->xp)
		XML_ParserFree(w->xp);
	if (w->fd >= 0)
		close(w->fd);
}

/* Runs expat to the end of the next item; false when it cannot (w->broken from then on). */
static bool walk_next_item(byte_walk *w)
{
	w->found = false;
	while (!w->found && !w->broken) {
		enum XML_Status st;
		if (w->suspended) {
			st = XML_ResumeParser(w->xp);
		} else if (w->eof) {
			w->broken = true;
			break;
		} else {
			void *buf = XML_GetBuffer(w->xp, WALK_CHUNK);
			ssize_t n = buf ? read(w->fd, buf, WALK_CHUNK) : -1;
			if (n < 0) {
				w->broken = true;
				break;
			}
			w->eof = n == 0;
			st = XML_ParseBuffer(w->xp, (int)n, n == 0);
		}
		w->suspended = st == XML_STATUS_SUSPENDED;
		if (st == XML_STATUS_ERROR)
			w->broken = true;
	}
	return w->found && w->end > w->start;
}

/* The item the reader stands on, as the file has it (or as libxml2 writes it back when the
 * walk cannot follow), into it->xml in arena. */
static nz_rc item_bytes(nz_wxr *r, nz_arena *arena, nz_wxr_item *it)
{
	byte_walk *w = &r->walk;
	if (!w->broken && walk_next_item(w)) {
		size_t len = (size_t)(w->end - w->start);
		char *b = nz_arena_alloc(arena, len + 1);
		if (!b)
			return NZ_NOMEM;
		if (pread(w->fd, b, len, (off_t)w->start) == (ssize_t)len) {
			b[len] = '\0';
			it->xml = b;
			it->xml_len = len;
			return NZ_OK;
		}
		w->broken = true;
	}
	xmlChar *xml = xmlTextReaderReadOuterXml(r->rd);
	if (!xml)
		return NZ_NOMEM;
	it->xml_len = strlen((const char *)xml);
	it->xml = nz_arena_strndup(arena, (const char *)xml, it->xml_len);
	xmlFree(xml);
	return it->xml ? NZ_OK : NZ_NOMEM;
}

typedef enum { NS_NONE = 0, NS_WP, NS_EXCERPT, NS_CONTENT, NS_DC, NS_OTHER } ns_family;

/* The family of a namespace URI, ignoring http:// or https:// and a missing last slash. */
static ns_family ns_of(const char *uri)
{
	if (!uri || !*uri)
		return NS_NONE;
	if (strncmp(uri, "https://", 8) == 0)
		uri += 8;
	else if (strncmp(uri, "http://", 7) == 0)
		uri += 7;
	size_t n = strlen(uri);
	if (n && uri[n - 1] == '/')
		n--;
	if (n > 21 && strncmp(uri, "wordpress.org/export/", 21) == 0) {
		const char *ver = uri + 21, *slash = memchr(ver, '/', n - 21);
		if (!slash)
			return NS_WP;
		return (size_t)(uri + n - slash) == 8 && strncmp(slash, "/excerpt", 8) == 0
			   ? NS_EXCERPT
			   : NS_OTHER;
	}
	if (n == 32 && strncmp(uri, "purl.org/rss/1.0/modules/content", 32) == 0)
		return NS_CONTENT;
	if (n == 24 && strncmp(uri, "purl.org/dc/elements/1.1", 24) == 0)
		return NS_DC;
	return NS_OTHER;
}

void nz__xml_on_error(void *ctx, xmlErrorPtr e)
{
	nz__xml_error *x = ctx;
	if (x->msg[0] || !e || e->level < XML_ERR_ERROR)
		return;
	snprintf(x->msg, sizeof x->msg, "%s", e->message ? e->message : "malformed XML");
	size_t n = strlen(x->msg);
	while (n && (x->msg[n - 1] == '\n' || x->msg[n - 1] == ' '))
		x->msg[--n] = '\0';
	x->line = e->line;
}

nz_rc nz_ingest_wxr_open(const char *path, nz_wxr **out, nz_err *err)
{
	struct stat st;
	*out = NULL;
	if (stat(path, &st) != 0 || !S_ISREG(st.st_mode))
		return nz_err_set(err, NZ_IO, "no such file");
	nz_wxr *r = calloc(1, sizeof *r);
	if (!r)
		return nz_err_set(err, NZ_NOMEM, "out of memory");
	r->size = (long long)st.st_size;
	r->walk.fd = -1;
	r->rd = xmlReaderForFile(path, NULL, XML_PARSE_NONET);
	nz_rc rc = r->rd ? walk_open(&r->walk, path) : NZ_IO;
	if (rc) {
		nz_ingest_wxr_close(r);
		return rc == NZ_NOMEM ? nz_err_set(err, rc, "out of memory")
				      : nz_err_set(err, NZ_IO, "cannot open the file");
	}
	xmlTextReaderSetStructuredErrorHandler(r->rd, nz__xml_on_error, &r->xerr);
	*out = r;
	return NZ_OK;
}

void nz_ingest_wxr_close(nz_wxr *r)
{
	if (!r)
		return;
	xmlFreeTextReader(r->rd);
	walk_close(&r->walk);
	free(r->version);
	free(r->base_url);
	free(r);
}

const char *nz_ingest_wxr_version(const nz_wxr *r)
{
	return r->version;
}

const char *nz_ingest_wxr_base_url(const nz_wxr *r)
{
	return r->base_url;
}

void nz_ingest_wxr_progress(const nz_wxr *r, long long *done, long long *total)
{
	long used = xmlTextReaderByteConsumed(r->rd);
	*total = r->size;
	*done = used < 0 ? 0 : used > r->size ? r->size : used;
}

static nz_rc fail(nz_wxr *r, nz_err *err, const char *what)
{
	int line = r->xerr.line ? r->xerr.line : xmlTextReaderGetParserLineNumber(r->rd);
	return nz_err_set(err, NZ_PARSE, "line %d: %s", line, r->xerr.msg[0] ? r->xerr.msg : what);
}

/* ---- one expanded element into strings --------------------------------------------------- */

/* The text of node (CDATA and text children), in arena; "" for an empty element. */
static const char *text_of(nz_arena *arena, xmlNodePtr node, nz_rc *rc)
{
	xmlChar *t = xmlNodeGetContent(node);
	char *s = nz_arena_strdup(arena, t ? (const char *)t : "");
	xmlFree(t);
	if (!s)
		*rc = NZ_NOMEM;
	return s;
}

static const char *attr_of(nz_arena *arena, xmlNodePtr node, const char *name, nz_rc *rc)
{
	xmlChar *t = xmlGetProp(node, (const xmlChar *)name);
	if (!t)
		return NULL;
	char *s = nz_arena_strdup(arena, (const char *)t);
	xmlFree(t);
	if (!s)
		*rc = NZ_NOMEM;
	return s;
}

static bool is(xmlNodePtr n, ns_family ns, const char *name)
{
	return n->type == XML_ELEMENT_NODE && strcmp((const char *)n->name, name) == 0 &&
	       ns_of(n->ns ? (const char *)n->ns->href : NULL) == ns;
}

static nz_rc read_author(nz_arena *arena, xmlNodePtr node, nz_wxr_author *au)
{
	nz_rc rc = NZ_OK;
	for (xmlNodePtr c = node->children; c && !rc; c = c->next) {
		const char **to = is(c, NS_WP, "author_login")          ? &au->login
				  : is(c, NS_WP, "author_email")        ? &au->email
				  : is(c, NS_WP, "author_display_name") ? &au->display_name
				  : is(c, NS_WP, "author_first_name")   ? &au->first_name
				  : is(c, NS_WP, "author_last_name")    ? &au->last_name
									: NULL;
		if (to)
			*to = text_of(arena, c, &rc);
	}
	return rc;
}

static nz_rc read_term(nz_arena *arena, xmlNodePtr node, nz_wxr_term *t)
{
	nz_rc rc = NZ_OK;
	bool cat = strcmp((const char *)node->name, "category") == 0;
	bool tag = strcmp((const char *)node->name, "tag") == 0;
	t->domain = cat ? "category" : tag ? "post_tag" : NULL;
	for (xmlNodePtr c = node->children; c && !rc; c = c->next) {
		if (is(c, NS_WP, "category_nicename") || is(c, NS_WP, "tag_slug") ||
		    is(c, NS_WP, "term_slug"))
			t->slug = text_of(arena, c, &rc);
		else if (is(c, NS_WP, "cat_name") || is(c, NS_WP, "tag_name") ||
			 is(c, NS_WP, "term_name"))
			t->name = text_of(arena, c, &rc);
		else if (is(c, NS_WP, "term_taxonomy"))
			t->domain = text_of(arena, c, &rc);
	}
	return rc;
}

typedef struct item_arrays {
	size_t cap_terms, cap_meta, cap_unmapped;
} item_arrays;

static nz_rc add_unmapped(nz_arena *arena, nz_wxr_item *it, item_arrays *cap, xmlNodePtr c)
{
	nz_rc rc = NZ_OK;
	const char *value = text_of(arena, c, &rc);
	const char *prefix = c->ns && c->ns->prefix ? (const char *)c->ns->prefix : NULL;
	if (rc || (rc = NZ_ARENA_GROW(arena, it->unmapped, it->n_unmapped + 1, cap->cap_unmapped)))
		return rc;
	const char *line = nz_arena_printf(arena, "%s%s%s: %s", prefix ? prefix : "",
					   prefix ? ":" : "", (const char *)c->name, value);
	if (!line)
		return NZ_NOMEM;
	it->unmapped[it->n_unmapped++] = line;
	return NZ_OK;
}

static nz_rc add_term(nz_arena *arena, nz_wxr_item *it, item_arrays *cap, xmlNodePtr c)
{
	nz_rc rc = NZ_ARENA_GROW(arena, it->terms, it->n_terms + 1, cap->cap_terms);
	if (rc)
		return rc;
	nz_wxr_term *t = &it->terms[it->n_terms++];
	*t = (nz_wxr_term){0};
	t->domain = attr_of(arena, c, "domain", &rc);
	t->slug = attr_of(arena, c, "nicename", &rc);
	t->name = text_of(arena, c, &rc);
	if (!t->domain)
		t->domain = "category";
	return rc;
}

static nz_rc add_meta(nz_arena *arena, nz_wxr_item *it, item_arrays *cap, xmlNodePtr c)
{
	nz_rc rc = NZ_ARENA_GROW(arena, it->meta, it->n_meta + 1, cap->cap_meta);
	if (rc)
		return rc;
	nz_wxr_meta *m = &it->meta[it->n_meta++];
	*m = (nz_wxr_meta){0};
	for (xmlNodePtr k = c->children; k && !rc; k = k->next) {
		if (is(k, NS_WP, "meta_key"))
			m->key = text_of(arena, k, &rc);
		else if (is(k, NS_WP, "meta_value"))
			m->value = text_of(arena, k, &rc);
	}
	if (!rc && !m->key)
		m->key = "";
	return rc;
}

/* The field of it that the child c fills, NULL when none does. */
static const char **item_field(nz_wxr_item *it, xmlNodePtr c)
{
	static const struct {
		ns_family ns;
		const char *name;
		size_t off;
	} map[] = {
	    {NS_NONE, "title", offsetof(nz_wxr_item, title)},
	    {NS_NONE, "link", offsetof(nz_wxr_item, link)},
	    {NS_NONE, "guid", offsetof(nz_wxr_item, guid)},
	    {NS_NONE, "pubDate", offsetof(nz_wxr_item, pub_date)},
	    {NS_NONE, "description", offsetof(nz_wxr_item, description)},
	    {NS_DC, "creator", offsetof(nz_wxr_item, creator)},
	    {NS_CONTENT, "encoded", offsetof(nz_wxr_item, content)},
	    {NS_EXCERPT, "encoded", offsetof(nz_wxr_item, excerpt)},
	    {NS_WP, "post_name", offsetof(nz_wxr_item, post_name)},
	    {NS_WP, "status", offsetof(nz_wxr_item, status)},
	    {NS_WP, "post_type", offsetof(nz_wxr_item, post_type)},
	    {NS_WP, "post_date", offsetof(nz_wxr_item, post_date)},
	    {NS_WP, "post_date_gmt", offsetof(nz_wxr_item, post_date_gmt)},
	    {NS_WP, "post_password", offsetof(nz_wxr_item, password)},
	    {NS_WP, "attachment_url", offsetof(nz_wxr_item, attachment_url)},
	};
	for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
		if (is(c, map[i].ns, map[i].name))
			return (const char **)(void *)((char *)it + map[i].off);
	return NULL;
}

static nz_rc read_item(nz_arena *arena, xmlNodePtr node, nz_wxr_item *it)
{
	item_arrays cap = {0};
	nz_rc rc = NZ_OK;
	for (xmlNodePtr c = node->children; c && !rc; c = c->next) {
		const char **field = NULL;
		if (c->type != XML_ELEMENT_NODE)
			continue;
		if ((field = item_field(it, c))) {
			*field = text_of(arena, c, &rc);
		} else if (is(c, NS_WP, "post_id") || is(c, NS_WP, "post_parent")) {
			xmlChar *t = xmlNodeGetContent(c);
			int64_t v = t ? strtoll((const char *)t, NULL, 10) : 0;
			xmlFree(t);
			*(is(c, NS_WP, "post_id") ? &it->post_id : &it->parent) = v;
		} else if (is(c, NS_WP, "is_sticky")) {
			xmlChar *t = xmlNodeGetContent(c);
			it->sticky = t && strcmp((const char *)t, "1") == 0;
			xmlFree(t);
		} else if (is(c, NS_NONE, "category")) {
			rc = add_term(arena, it, &cap, c);
		} else if (is(c, NS_WP, "postmeta")) {
			rc = add_meta(arena, it, &cap, c);
		} else if (is(c, NS_WP, "comment")) {
			it->n_comments++;
		} else {
			rc = add_unmapped(arena, it, &cap, c);
		}
	}
	return rc;
}

/* ---- walking the file -------------------------------------------------------------------- */

/* The text of the element the reader stands on, kept on r (version, base URL). */
static nz_rc keep_string(nz_wxr *r, char **to)
{
	xmlChar *t = xmlTextReaderReadString(r->rd);
	free(*to);
	*to = strdup(t ? (const char *)t : "");
	xmlFree(t);
	return *to ? NZ_OK : NZ_NOMEM;
}

/* Expands the channel child the reader stands on into out; then moves past it. */
static nz_rc take_entry(nz_wxr *r, nz_arena *arena, nz_wxr_kind kind, nz_wxr_entry *out,
			nz_err *err)
{
	int line = xmlTextReaderGetParserLineNumber(r->rd);
	xmlNodePtr node = xmlTextReaderExpand(r->rd);
	nz_rc rc = NZ_OK;
	if (!node)
		return fail(r, err, "malformed XML");
	*out = (nz_wxr_entry){.kind = kind};
	if (kind == NZ_WXR_AUTHOR) {
		rc = read_author(arena, node, &out->author);
	} else if (kind == NZ_WXR_TERM) {
		rc = read_term(arena, node, &out->term);
	} else {
		out->item.line = line;
		rc = read_item(arena, node, &out->item);
		if (!rc)
			rc = item_bytes(r, arena, &out->item);
	}
	if (rc)
		return nz_err_set(err, rc, "out of memory");
	int next = xmlTextReaderNext(r->rd);
	if (next < 0)
		return fail(r, err, "malformed XML");
	r->positioned = next == 1;
	return NZ_OK;
}

/* What a child of <channel> is: an entry kind, or -1 for anything else. */
static int channel_kind(nz_wxr *r)
{
	const char *name = (const char *)xmlTextReaderConstLocalName(r->rd);
	ns_family ns = ns_of((const char *)xmlTextReaderConstNamespaceUri(r->rd));
	if (ns == NS_NONE && strcmp(name, "item") == 0)
		return NZ_WXR_ITEM;
	if (ns != NS_WP)
		return -1;
	if (strcmp(name, "author") == 0)
		return NZ_WXR_AUTHOR;
	if (strcmp(name, "category") == 0 || strcmp(name, "tag") == 0 || strcmp(name, "term") == 0)
		return NZ_WXR_TERM;
	return -1;
}

nz_rc nz_ingest_wxr_next(nz_wxr *r, nz_arena *arena, nz_wxr_entry *out, nz_err *err)
{
	for (;;) {
		int ret = r->positioned ? 1 : xmlTextReaderRead(r->rd);
		r->positioned = false;
		if (ret < 0)
			return fail(r, err, "malformed XML");
		if (ret == 0) {
			if (r->xerr.msg[0])
				return fail(r, err, "malformed XML");
			if (!r->saw_root)
				return nz_err_set(err, NZ_PARSE, "line 1: not an XML file");
			return nz_err_set(err, NZ_NOTFOUND, "end of the export");
		}
		int type = xmlTextReaderNodeType(r->rd);
		if (type == XML_READER_TYPE_DOCUMENT_TYPE)
			return fail(r, err,
				    "a DOCTYPE is not allowed in an export (entities "
				    "are never expanded)");
		if (type != XML_READER_TYPE_ELEMENT)
			continue;
		int depth = xmlTextReaderDepth(r->rd);
		const char *name = (const char *)xmlTextReaderConstLocalName(r->rd);
		if (depth == 0) {
			r->saw_root = true;
			if (strcmp(name, "rss") != 0)
				return fail(r, err,
					    "not a WordPress export: the root element is "
					    "not <rss>");
			continue;
		}
		if (depth != 2)
			continue;
		ns_family ns = ns_of((const char *)xmlTextReaderConstNamespaceUri(r->rd));
		nz_rc rc = NZ_OK;
		int kind = channel_kind(r);
		if (kind >= 0)
			return take_entry(r, arena, (nz_wxr_kind)kind, out, err);
		if (ns == NS_WP && strcmp(name, "wxr_version") == 0)
			rc = keep_string(r, &r->version);
		else if (ns == NS_WP && strcmp(name, "base_site_url") == 0)
			rc = keep_string(r, &r->base_url);
		if (rc)
			return nz_err_set(err, rc, "out of memory");
	}
}
