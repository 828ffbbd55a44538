/*
 * wire.c: an agency feed's items (RSS 2.0 / RSS 1.0, Atom, IPTC ninjs) into plain strings
 * (nz_ingest_wire_parse). XML goes through libxml2's reader from memory with the network off,
 * entities never expanded and any DOCTYPE refused, as for WordPress exports (wxr.c); ninjs
 * through jansson. Each item keeps its own original text (the item element, or the ninjs
 * object) for the import record.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ingest/ingest.h"
#include "ingest/xml_int.h"
#include <jansson.h>

#define WIRE_ITEMS_MAX 1000 /* items read from one answer */

typedef struct wire_parse {
	nz_arena *arena;
	nz_wire_item *items;
	size_t n, cap;
	nz__xml_error xerr;
} wire_parse;

/* RFC 3339 or RFC 822 ("Tue, 27 Jan 2015 09:30:00 +0900" / "GMT"); 0 when neither. */
static nz_time wire_time(const char *s)
{
	nz_time t = 0;
	struct tm tm = {0};
	if (!s)
		return 0;
	if (nz_time_parse_rfc3339(nz_str_trim(nz_str_c(s)), &t) == NZ_OK)
		return t;
	const char *p = strchr(s, ',') ? strchr(s, ',') + 1 : s;
	const char *rest = strptime(p, " %d %b %Y %H:%M:%S", &tm);
	if (!rest)
		return 0;
	t = (nz_time)timegm(&tm);
	while (*rest == ' ')
		rest++;
	if ((rest[0] == '+' || rest[0] == '-') && strlen(rest) >= 5) {
		int hh = (rest[1] - '0') * 10 + (rest[2] - '0'),
		    mm = (rest[3] - '0') * 10 + (rest[4] - '0');
		t -= (rest[0] == '+' ? 1 : -1) * (nz_time)(hh * 3600 + mm * 60);
	}
	return t;
}

static const char *text(nz_arena *arena, xmlNodePtr n)
{
	xmlChar *t = xmlNodeGetContent(n);
	nz_str s = nz_str_trim(nz_str_c(t ? (const char *)t : ""));
	char *out = s.len ? nz_arena_str(arena, s) : NULL;
	xmlFree(t);
	return out;
}

static const char *prop(nz_arena *arena, xmlNodePtr n, const char *name)
{
	xmlChar *t = xmlGetProp(n, (const xmlChar *)name);
	char *out = t ? nz_arena_strdup(arena, (const char *)t) : NULL;
	xmlFree(t);
	return out;
}

static bool named(xmlNodePtr n, const char *name)
{
	return n->type == XML_ELEMENT_NODE && strcmp((const char *)n->name, name) == 0;
}

static bool content_ns(xmlNodePtr n)
{
	return n->ns && n->ns->href && strstr((const char *)n->ns->href, "modules/content");
}

/* One <item> or <entry>, expanded. */
static void xml_item(wire_parse *w, xmlNodePtr node, nz_wire_item *it)
{
	nz_arena *a = w->arena;
	for (xmlNodePtr c = node->children; c; c = c->next) {
		if (c->type != XML_ELEMENT_NODE)
			continue;
		if (named(c, "title"))
			it->headline = text(a, c);
		else if (named(c, "guid") || named(c, "id"))
			it->uid = text(a, c);
		else if (named(c, "link") && !it->link) {
			const char *rel = prop(a, c, "rel");
			it->link = prop(a, c, "href");
			if (!it->link)
				it->link = text(a, c);
			if (rel && strcmp(rel, "alternate") != 0)
				it->link = NULL;
		} else if (named(c, "encoded") && content_ns(c))
			it->body_html = text(a, c);
		else if (named(c, "content"))
			it->body_html = text(a, c);
		else if (named(c, "description") || named(c, "summary"))
			it->summary = text(a, c);
		else if (named(c, "pubDate") || named(c, "published") || named(c, "date") ||
			 (named(c, "updated") && !it->at))
			it->at = wire_time(text(a, c));
		else if (named(c, "creator") || named(c, "author")) {
			xmlNodePtr name = c->children;
			while (name && !named(name, "name"))
				name = name->next;
			it->byline = text(a, name ? name : c);
		} else if (named(c, "rights") || named(c, "source"))
			it->credit = text(a, c);
	}
	if (!it->uid)
		it->uid = it->link;
}

static nz_rc parse_xml(wire_parse *w, const void *bytes, size_t len, nz_err *err)
{
	xmlTextReaderPtr rd = xmlReaderForMemory(bytes, (int)len, NULL, NULL, XML_PARSE_NONET);
	nz_rc rc = NZ_OK;
	int ret;
	if (!rd)
		return nz_err_set(err, NZ_NOMEM, "out of memory");
	xmlTextReaderSetStructuredErrorHandler(rd, nz__xml_on_error, &w->xerr);
	/* Read walks in; Next skips an item's subtree and stands on what follows it. */
	for (ret = xmlTextReaderRead(rd); ret == 1 && !rc;) {
		int type = xmlTextReaderNodeType(rd);
		if (type == XML_READER_TYPE_DOCUMENT_TYPE) {
			snprintf(w->xerr.msg, sizeof w->xerr.msg,
				 "a DOCTYPE is not allowed in a feed");
			w->xerr.line = xmlTextReaderGetParserLineNumber(rd);
			ret = -1;
			break;
		}
		const char *name = (const char *)xmlTextReaderConstLocalName(rd);
		if (type != XML_READER_TYPE_ELEMENT ||
		    (strcmp(name, "item") != 0 && strcmp(name, "entry") != 0)) {
			ret = xmlTextReaderRead(rd);
			continue;
		}
		xmlNodePtr node = xmlTextReaderExpand(rd);
		if (!node || w->n >= WIRE_ITEMS_MAX)
			break;
		if (NZ_ARENA_GROW(w->arena, w->items, w->n + 1, w->cap)) {
			rc = NZ_NOMEM;
			break;
		}
		nz_wire_item *it = &w->items[w->n];
		*it = (nz_wire_item){0};
		xml_item(w, node, it);
		xmlChar *raw = xmlTextReaderReadOuterXml(rd);
		it->raw = raw ? nz_arena_strdup(w->arena, (const char *)raw) : NULL;
		it->raw_len = it->raw ? strlen(it->raw) : 0;
		xmlFree(raw);
		if (it->uid && it->headline && it->raw)
			w->n++;
		ret = xmlTextReaderNext(rd);
	}
	xmlFreeTextReader(rd);
	if (rc)
		return nz_err_set(err, rc, "out of memory");
	if (ret < 0 || w->xerr.msg[0])
		return nz_err_set(err, NZ_PARSE, "line %d: %s", w->xerr.line ? w->xerr.line : 1,
				  w->xerr.msg[0] ? w->xerr.msg : "malformed XML");
	return NZ_OK;
}

static const char *jstr(nz_arena *a, json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));
	return s && *s ? nz_arena_strdup(a, s) : NULL;
}

static nz_rc ninjs_item(wire_parse *w, json_t *o)
{
	if (!json_is_object(o) || w->n >= WIRE_ITEMS_MAX)
		return NZ_OK;
	if (NZ_ARENA_GROW(w->arena, w->items, w->n + 1, w->cap))
		return NZ_NOMEM;
	nz_wire_item *it = &w->items[w->n];
	*it = (nz_wire_item){0};
	it->uid = jstr(w->arena, o, "uri");
	it->headline = jstr(w->arena, o, "headline");
	it->body_html = jstr(w->arena, o, "body_html");
	it->summary = jstr(w->arena, o, "body_text");
	if (!it->summary)
		it->summary = jstr(w->arena, o, "description_text");
	it->byline = jstr(w->arena, o, "byline");
	it->credit = jstr(w->arena, o, "copyrightnotice");
	it->at = wire_time(jstr(w->arena, o, "versioncreated"));
	char *raw = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS);
	it->raw = raw ? nz_arena_strdup(w->arena, raw) : NULL;
	it->raw_len = it->raw ? strlen(it->raw) : 0;
	free(raw);
	if (it->uid && it->headline && it->raw)
		w->n++;
	return NZ_OK;
}

static nz_rc parse_ninjs(wire_parse *w, const void *bytes, size_t len, nz_err *err)
{
	json_error_t je;
	json_t *doc = json_loadb(bytes, len, JSON_REJECT_DUPLICATES, &je);
	nz_rc rc = NZ_OK;
	if (!doc)
		return nz_err_set(err, NZ_PARSE, "line %d: %s", je.line, je.text);
	json_t *list = json_is_array(doc) ? doc : json_object_get(doc, "items");
	size_t i;
	json_t *v;
	if (json_is_array(list)) {
		json_array_foreach(list, i, v) if (!rc) rc = ninjs_item(w, v);
	} else {
		rc = ninjs_item(w, doc);
	}
	json_decref(doc);
	return rc ? nz_err_set(err, rc, "out of memory") : NZ_OK;
}

nz_rc nz_ingest_wire_parse(nz_arena *arena, const char *format, const void *bytes, size_t len,
			   nz_wire_item **items, size_t *n, nz_err *err)
{
	wire_parse w = {.arena = arena};
	nz_rc rc = strcmp(format, "ninjs") == 0 ? parse_ninjs(&w, bytes, len, err)
						: parse_xml(&w, bytes, len, err);
	*items = rc ? NULL : w.items;
	*n = rc ? 0 : w.n;
	return rc;
}
