/*
 * ninjs.c: an article as IPTC ninjs 2.2 (News in JSON), for partners and the export. The
 * mapping:
 *   uri            urn:uuid:<uuid> (stable when a slug changes)    version  the revision
 *   firstcreated   published_at (created_at before that)           versioncreated  last change
 *   pubstatus      usable (published) | canceled (retracted) | withheld (anything else)
 *   headlines      [{role main}]      descriptions  highlights (text/html) and a summary
 *   bodies         [{role main, contenttype text/html}] (a retraction notice when canceled)
 *   by / people    the byline, each author with rel "author", the author page and e-mail
 *   subjects       the section (rel "section") and the tags (rel "about")
 *   associations   the lead photo as a picture (renditions with size, type, dimensions)
 *   located, slugline, copyrightholder, copyrightnotice, renditions (the web page), altids
 * Times are RFC 3339 at the site's offset; URLs absolute.
 *
 * Rules: pure function of its arguments; every string valid UTF-8 (repaired, never dropped).
 */
#include <stdio.h>
#include <string.h>

#include "render/render_int.h"

#define NINJS_SCHEMA "http://www.iptc.org/std/ninjs/ninjs-schema_2.2.json"

static json_t *when(const nz_site *site, nz_time t)
{
	char s[64];
	return json_string(nz_time_rfc3339_local(t, nz_tz_offset_min(nz_site_zone(site), t), s));
}

static nz_time last_change(const nz_article *a)
{
	nz_time t = a->updated_at > a->published_at ? a->updated_at : a->published_at;
	for (size_t i = 0; i < a->n_corrections; i++)
		if (a->corrections[i].created_at > t)
			t = a->corrections[i].created_at;
	return t ? t : a->created_at;
}

static const char *pubstatus(const nz_article *a)
{
	switch (a->status) {
	case NZ_STATUS_PUBLISHED:
		return "usable";
	case NZ_STATUS_RETRACTED:
		return "canceled";
	default:
		return "withheld";
	}
}

/* Appends o to arr, taking o; false (and arr untouched) when o is NULL or out of memory. */
static bool push(json_t *arr, json_t *o)
{
	return o && json_array_append_new(arr, o) == 0;
}

static json_t *descriptions(nz_arena *arena, const nz_article *a)
{
	json_t *arr = json_array();
	bool ok = arr != NULL;
	if (ok && a->status != NZ_STATUS_RETRACTED &&
	    (a->n_highlights || (a->highlights_intro && a->highlights_intro[0]))) {
		nz_buf b;
		nz_buf_init(&b, 0);
		if (a->highlights_intro && a->highlights_intro[0]) {
			nz_buf_puts(&b, "<p>");
			nz_escape_html(&b, a->highlights_intro, strlen(a->highlights_intro));
			nz_buf_puts(&b, "</p>");
		}
		nz_buf_puts(&b, a->n_highlights ? "<ul>" : "");
		for (size_t i = 0; i < a->n_highlights; i++) {
			nz_buf_puts(&b, "<li>");
			nz_escape_html(&b, a->highlights[i], strlen(a->highlights[i]));
			nz_buf_puts(&b, "</li>");
		}
		nz_buf_puts(&b, a->n_highlights ? "</ul>" : "");
		ok = nz_buf_rc(&b) == NZ_OK &&
		     push(arr, json_pack("{s:s, s:s, s:o}", "role", "highlights", "contenttype",
					 "text/html", "value", nz__json_str(nz_buf_cstr(&b))));
		nz_buf_free(&b);
	}
	const char *p =
	    a->status == NZ_STATUS_RETRACTED
		? NULL
		: nz_article_first_paragraph(arena, a->body_markdown ? a->body_markdown : "");
	if (ok && p && p[0])
		ok = push(arr, json_pack("{s:s, s:s, s:o}", "role", "summary", "contenttype",
					 "text/plain", "value",
					 nz__json_str(nz__view_excerpt(arena, p, 300))));
	if (ok)
		return arr;
	json_decref(arr);
	return NULL;
}

static json_t *bodies(const nz_article *a)
{
	nz_buf b;
	json_t *res = NULL;
	nz_buf_init(&b, 0);
	if (a->status == NZ_STATUS_RETRACTED) {
		const char *notice = nz__labels_for(a->language)->retracted;
		nz_buf_puts(&b, "<p>");
		nz_escape_html(&b, notice, strlen(notice));
		nz_buf_puts(&b, "</p>\n");
	} else {
		nz__body_html(a, &(nz__body_photos){0}, &b);
	}
	if (nz_buf_rc(&b) == NZ_OK) {
		const char *md = a->body_markdown ? a->body_markdown : "";
		size_t chars =
		    a->status == NZ_STATUS_RETRACTED ? 0 : nz_utf8_length(md, strlen(md));
		res = json_pack("[{s:s, s:s, s:I, s:o}]", "role", "main", "contenttype",
				"text/html", "charcount", (json_int_t)chars, "value",
				nz__json_str(nz_buf_cstr(&b)));
	}
	nz_buf_free(&b);
	return res;
}

static json_t *person(nz_arena *arena, const nz_site *site, const nz_author *au)
{
	json_t *o = json_pack("{s:o, s:s}", "name", nz__json_str(nz_author_name(arena, au)), "rel",
			      "author");
	bool ok = o != NULL;
	if (ok && au->slug && au->slug[0])
		ok = nz__json_put(
		    o, "uri",
		    nz__json_str(nz__abs_url(arena, site, nz_url_author(arena, au->slug))));
	if (ok && au->email && au->email[0])
		ok = nz__json_put(o, "contactinfo",
				  json_pack("[{s:s, s:s, s:o}]", "type", "email", "role", "work",
					    "value", nz__json_str(au->email)));
	if (ok)
		return o;
	json_decref(o);
	return NULL;
}

static json_t *people(nz_arena *arena, const nz_site *site, const nz_article *a, const char **by)
{
	json_t *arr = json_array();
	*by = "";
	for (size_t i = 0; arr && i < a->n_authors; i++) {
		*by = nz_arena_printf(arena, "%s%s%s", *by, i ? ", " : "",
				      nz_author_name(arena, &a->authors[i]));
		if (!*by || !push(arr, person(arena, site, &a->authors[i]))) {
			json_decref(arr);
			return NULL;
		}
	}
	return arr;
}

static json_t *subjects(nz_arena *arena, const nz_site *site, const nz_article *a)
{
	json_t *arr = json_array();
	bool ok = arr != NULL;
	if (ok && a->section && a->section->slug)
		ok = push(
		    arr,
		    json_pack("{s:o, s:s, s:o, s:o}", "name",
			      nz__json_str(a->section->name ? a->section->name : a->section->slug),
			      "rel", "section", "literal", nz__json_str(a->section->slug), "uri",
			      nz__json_str(nz__abs_url(arena, site,
						       nz_url_section(arena, a->section->slug)))));
	for (size_t i = 0; ok && i < a->n_tags; i++) {
		const nz_tag *t = &a->tags[i];
		ok = push(arr, json_pack("{s:o, s:s, s:o, s:o}", "name",
					 nz__json_str(nz_tag_name(t, a->language)), "rel", "about",
					 "literal", nz__json_str(t->slug ? t->slug : ""), "uri",
					 nz__json_str(nz__abs_url(arena, site,
								  nz_url_tag(arena, t->slug)))));
	}
	if (ok)
		return arr;
	json_decref(arr);
	return NULL;
}

/* The lead photo as a picture association, or an empty array without photo bytes. */
static json_t *associations(nz_arena *arena, const nz_site *site, const nz_article *a)
{
	const nz_media *m = a->n_media ? &a->media[0] : NULL;
	const char *href = m ? nz__abs_url(arena, site, nz_url_media(arena, m)) : NULL;
	json_t *arr = json_array();
	if (!arr || !href || a->status == NZ_STATUS_RETRACTED)
		return arr;
	json_t *rendition =
	    json_pack("{s:s, s:s, s:s}", "name", "original", "href", href, "contenttype",
		      m->mime ? m->mime : "application/octet-stream");
	if (rendition && m->width > 0 && m->height > 0) {
		json_object_set_new(rendition, "width", json_integer(m->width));
		json_object_set_new(rendition, "height", json_integer(m->height));
	}
	json_t *pic = json_pack("{s:s, s:s, s:s, s:[o]}", "name", "featureimage", "uri", href,
				"type", "picture", "renditions", rendition);
	bool ok = pic != NULL;
	if (ok && m->caption && m->caption[0])
		ok = nz__json_put(pic, "headlines",
				  json_pack("[{s:s, s:o}]", "role", "caption", "value",
					    nz__json_str(m->caption)));
	if (ok && m->alt && m->alt[0])
		ok = nz__json_put(
		    pic, "descriptions",
		    json_pack("[{s:s, s:o}]", "role", "alt", "value", nz__json_str(m->alt)));
	if (ok && m->credit && m->credit[0])
		ok = nz__json_put(pic, "by", nz__json_str(m->credit));
	if (ok && push(arr, pic))
		return arr;
	if (!ok)
		json_decref(pic);
	json_decref(arr);
	return NULL;
}

/* The optional text fields: only set when the article has them. */
static bool optional_fields(json_t *o, const nz_site *site, const nz_article *a)
{
	const char *notice = a->copyright && a->copyright[0] ? a->copyright
			     : site && site->copyright       ? site->copyright
							     : NULL;
	return (!a->dateline || !a->dateline[0] ||
		nz__json_put(o, "located", nz__json_str(a->dateline))) &&
	       (!notice || !notice[0] ||
		nz__json_put(o, "copyrightnotice", nz__json_str(notice))) &&
	       (!site || !site->name ||
		nz__json_put(o, "copyrightholder", nz__json_str(site->name))) &&
	       (!a->embargo_until || nz__json_put(o, "embargoed", when(site, a->embargo_until)));
}

json_t *nz_ninjs_article(const nz_site *site, const nz_article *a)
{
	nz_arena *arena = nz_arena_new();
	json_t *o = json_object();
	const char *by = "";
	char version[32];
	snprintf(version, sizeof version, "%lld", (long long)(a->revision > 0 ? a->revision : 1));
	const char *page = arena ? nz__abs_url(arena, site, nz_url_article(arena, a->slug)) : NULL;
	bool ok =
	    arena && o && page &&
	    nz__json_put(o, "uri", nz__json_str(nz_arena_printf(arena, "urn:uuid:%s", a->uuid))) &&
	    nz__json_put(o, "type", json_string("text")) &&
	    nz__json_put(o, "representationtype", json_string("full")) &&
	    nz__json_put(o, "version", json_string(version)) &&
	    nz__json_put(o, "firstcreated",
			 when(site, a->published_at ? a->published_at : a->created_at)) &&
	    nz__json_put(o, "versioncreated", when(site, last_change(a))) &&
	    nz__json_put(o, "pubstatus", json_string(pubstatus(a))) &&
	    nz__json_put(o, "language", nz__json_str(a->language ? a->language : "en")) &&
	    nz__json_put(o, "slugline", nz__json_str(a->slug)) &&
	    nz__json_put(o, "headlines",
			 json_pack("[{s:s, s:o}]", "role", "main", "value",
				   nz__json_str(a->headline ? a->headline : ""))) &&
	    nz__json_put(o, "descriptions", descriptions(arena, a)) &&
	    nz__json_put(o, "bodies", bodies(a)) &&
	    nz__json_put(o, "people", people(arena, site, a, &by)) &&
	    nz__json_put(o, "by", nz__json_str(by)) &&
	    nz__json_put(o, "subjects", subjects(arena, site, a)) &&
	    nz__json_put(o, "associations", associations(arena, site, a)) &&
	    nz__json_put(o, "renditions",
			 json_pack("[{s:s, s:o, s:s}]", "name", "web", "href", nz__json_str(page),
				   "contenttype", "text/html")) &&
	    nz__json_put(
		o, "altids",
		json_pack("[{s:s, s:o}]", "role", "newszone-id", "value",
			  nz__json_str(nz_arena_printf(arena, "%lld", (long long)a->id)))) &&
	    optional_fields(o, site, a) &&
	    nz__json_put(o, "standard",
			 json_pack("{s:s, s:s, s:s}", "name", "ninjs", "version", "2.2", "schema",
				   NINJS_SCHEMA));
	nz_arena_free(arena);
	if (ok)
		return o;
	json_decref(o);
	return NULL;
}
