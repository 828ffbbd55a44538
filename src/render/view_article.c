/*
 * view_article.c: the article page's context. Beside the page chrome (view.c) it carries
 *   article{lang,url,section,headline,highlights,authors,has_authors,by,by_suffix,dateline,
 *           published,updated,reading,media,body_html,more_media,retracted,corrections,tags,
 *           copyright}
 * in the order the page shows them. Photos the body places (body_photos.c) appear there, inside
 * body_html, and not again in more_media. The page speaks the article's language: a Korean article
 * gets lang="ko", Korean labels and Korean dates, whatever the site's default language is.
 *
 * Rules: "updated" appears only when the article changed more than a minute after it was
 * published; a retracted article keeps its headline, byline and corrections but its body,
 * highlights and photo are replaced by a notice. Temporaries in a private arena.
 */
#include <string.h>

#include "render/render_int.h"

#define UPDATED_AFTER 60 /* seconds after publishing before an edit shows as "Updated" */

/* A figure: {src,width,height,alt,caption,credit,has_text,picture}; src null for a caption
 * alone. The lead one is fetched first, the others lazily. */
static json_t *figure(nz_arena *arena, const nz_media *m, bool lead)
{
	if (!m)
		return json_null();
	const char *src = nz_url_media(arena, m);
	bool has_text = (m->caption && m->caption[0]) || (m->credit && m->credit[0]);
	if (!src && !has_text)
		return json_null();
	json_t *o = json_object();
	bool ok =
	    o && nz__json_put(o, "src", nz__json_str(src)) &&
	    nz__json_put(o, "width", src && m->width > 0 ? json_integer(m->width) : json_null()) &&
	    nz__json_put(o, "height",
			 src && m->height > 0 ? json_integer(m->height) : json_null()) &&
	    nz__json_put(o, "alt", nz__json_str(m->alt ? m->alt : "")) &&
	    nz__json_put(o, "caption", nz__json_str_nonempty(m->caption)) &&
	    nz__json_put(o, "credit", nz__json_str_nonempty(m->credit)) &&
	    nz__json_put(o, "has_text", json_boolean(has_text)) &&
	    nz__json_put(o, "picture", nz__view_picture(arena, m, NULL, lead));
	if (ok)
		return o;
	json_decref(o);
	return NULL;
}

static json_t *lead_media(nz_arena *arena, const nz_article *a)
{
	return figure(arena, a->n_media ? &a->media[0] : NULL, true);
}

/* The article's other photos that the body did not place (placed[i]), in order, as figures;
 * null when none. */
static json_t *more_media(nz_arena *arena, const nz_article *a, const bool *placed)
{
	size_t left = 0;
	for (size_t i = 1; i < a->n_media; i++)
		left += !placed[i];
	if (left == 0)
		return json_null();
	json_t *arr = json_array();
	for (size_t i = 1; arr && i < a->n_media; i++) {
		if (placed[i])
			continue;
		json_t *f = figure(arena, &a->media[i], false);
		if (!f || (!json_is_null(f) && json_array_append(arr, f) != 0)) {
			json_decref(f);
			json_decref(arr);
			return NULL;
		}
		json_decref(f);
	}
	return arr;
}

static json_t *corrections(const nz_page_ctx *pc, const nz_article *a, const char *lang)
{
	if (a->n_corrections == 0)
		return json_null();
	json_t *items = json_array();
	for (size_t i = 0; items && i < a->n_corrections; i++) {
		const nz_correction *c = &a->corrections[i];
		json_t *o = json_pack("{s:o, s:o}", "text", nz__json_str(c->text ? c->text : ""),
				      "date", nz__view_time(pc, c->created_at, lang));
		if (!o || json_array_append_new(items, o) != 0) {
			json_decref(items);
			return NULL;
		}
	}
	return items ? json_pack("{s:o}", "items", items) : NULL;
}

static json_t *tags(nz_arena *arena, const nz_article *a)
{
	if (a->n_tags == 0)
		return json_null();
	json_t *items = json_array();
	for (size_t i = 0; items && i < a->n_tags; i++) {
		const nz_tag *t = &a->tags[i];
		json_t *o = json_pack(
		    "{s:o, s:o}", "name", nz__json_str(nz_tag_name(t, a->language)), "url",
		    t->slug ? nz__json_str(nz_url_tag(arena, t->slug)) : json_null());
		if (!o || json_array_append_new(items, o) != 0) {
			json_decref(items);
			return NULL;
		}
	}
	return items ? json_pack("{s:o}", "items", items) : NULL;
}

/* The body's HTML, its photos placed as figures (placed[i] set for each); NULL when out of
 * memory. */
static json_t *body_html(const nz_article *a, const char *lang, bool *placed)
{
	nz_buf b;
	json_t *v = NULL;
	nz_buf_init(&b, 0);
	if (nz__body_html(a, &(nz__body_photos){.lang = lang, .used = placed}, &b) == NZ_OK)
		v = nz__json_str(nz_buf_cstr(&b));
	nz_buf_free(&b);
	return v;
}

/* "4 min read": the body's space-separated words at the language's reading speed, rounded up,
 * at least one minute. */
static json_t *reading_time(nz_arena *arena, const nz_article *a, const nz__labels *l)
{
	size_t words = 0;
	bool in_word = false;
	for (const char *p = a->body_markdown ? a->body_markdown : ""; *p; p++) {
		bool space = *p == ' ' || *p == '\n' || *p == '\t' || *p == '\r';
		words += !space && !in_word;
		in_word = !space;
	}
	if (words == 0)
		return json_null();
	size_t wpm = l->words_per_minute > 0 ? (size_t)l->words_per_minute : 230;
	size_t minutes = (words + wpm - 1) / wpm;
	return nz__json_str(
	    nz_arena_printf(arena, "%s%zu%s", l->read_before, minutes, l->read_after));
}

/* s percent-encoded for a query string (arena); NULL on out of memory. */
static const char *query_value(nz_arena *arena, const char *s)
{
	nz_buf b;
	nz_buf_init(&b, 0);
	nz_escape_url(&b, s ? s : "", s ? strlen(s) : 0);
	const char *res = nz_buf_rc(&b) ? NULL : nz_arena_strndup(arena, nz_buf_cstr(&b), b.len);
	nz_buf_free(&b);
	return res;
}

/* Share links: plain links to each service's share page with the article's address and
 * headline, no script of theirs on our page. {label, items[{name, url}]}. */
static json_t *share_links(const nz_page_ctx *pc, nz_arena *arena, const nz_article *a,
			   const nz__labels *l)
{
	const char *url =
	    query_value(arena, nz__abs_url(arena, pc->site, nz_url_article(arena, a->slug)));
	const char *text = query_value(arena, a->headline);
	if (!url || !text)
		return NULL;
	return json_pack(
	    "{s:s, s:[{s:s, s:o}, {s:s, s:o}, {s:s, s:o}, {s:s, s:o}, {s:s, s:o}]}", "label",
	    l->share, "items", "name", l->email, "url",
	    nz__json_str(nz_arena_printf(arena, "mailto:?subject=%s&body=%s", text, url)), "name",
	    "X", "url",
	    nz__json_str(nz_arena_printf(arena, "https://twitter.com/intent/tweet?url=%s&text=%s",
					 url, text)),
	    "name", "Facebook", "url",
	    nz__json_str(
		nz_arena_printf(arena, "https://www.facebook.com/sharer/sharer.php?u=%s", url)),
	    "name", "LinkedIn", "url",
	    nz__json_str(nz_arena_printf(
		arena, "https://www.linkedin.com/sharing/share-offsite/?url=%s", url)),
	    "name", "LINE", "url",
	    nz__json_str(
		nz_arena_printf(arena, "https://social-plugins.line.me/lineit/share?url=%s", url)));
}

/* The article object itself, in page order. */
static json_t *article_json(const nz_page_ctx *pc, nz_arena *arena, const nz_article *a,
			    const char *lang)
{
	const nz__labels *l = nz__labels_for(lang);
	bool retracted = a->status == NZ_STATUS_RETRACTED;
	bool updated = a->updated_at > 0 && a->published_at > 0 &&
		       a->updated_at > a->published_at + UPDATED_AFTER;
	bool *placed = nz_arena_alloc(arena, (a->n_media + 1) * sizeof *placed);
	if (!placed)
		return NULL;
	memset(placed, 0, (a->n_media + 1) * sizeof *placed);
	json_t *body = retracted ? json_null() : body_html(a, lang, placed);
	const char *copyright = a->copyright && a->copyright[0] ? a->copyright
				: pc->site                      ? pc->site->copyright
								: NULL;
	json_t *o = json_object();
	bool ok =
	    o && nz__json_put(o, "lang", nz__json_str(lang)) &&
	    nz__json_put(o, "url", nz__json_str(nz_url_article(arena, a->slug))) &&
	    nz__json_put(o, "section", nz__view_section(pc, arena, a->section, lang)) &&
	    nz__json_put(o, "headline", nz__json_str(a->headline ? a->headline : "")) &&
	    nz__json_put(o, "highlights", retracted ? json_null() : nz__view_highlights(a)) &&
	    nz__json_put(o, "authors", nz__view_authors(arena, a, l)) &&
	    nz__json_put(o, "has_authors", json_boolean(a->n_authors > 0)) &&
	    nz__json_put(o, "by", nz__json_str(l->by)) &&
	    nz__json_put(o, "by_suffix", nz__json_str(l->by_suffix)) &&
	    nz__json_put(o, "dateline", nz__json_str_nonempty(a->dateline)) &&
	    nz__json_put(o, "published", nz__view_time(pc, a->published_at, lang)) &&
	    nz__json_put(o, "updated",
			 updated ? nz__view_time(pc, a->updated_at, lang) : json_null()) &&
	    nz__json_put(o, "reading", retracted ? json_null() : reading_time(arena, a, l)) &&
	    nz__json_put(o, "share", retracted ? json_null() : share_links(pc, arena, a, l)) &&
	    nz__json_put(o, "media", retracted ? json_null() : lead_media(arena, a)) &&
	    nz__json_put(o, "more_media", retracted ? json_null() : more_media(arena, a, placed)) &&
	    nz__json_put(o, "body_html", body) &&
	    nz__json_put(o, "retracted", retracted ? json_string(l->retracted) : json_null()) &&
	    nz__json_put(o, "corrections", corrections(pc, a, lang)) &&
	    nz__json_put(o, "tags", tags(arena, a)) &&
	    nz__json_put(o, "copyright", nz__json_str_nonempty(copyright));
	if (ok)
		return o;
	json_decref(o);
	return NULL;
}

/* The description for search engines and link previews: the first paragraph, shortened. */
static const char *description(nz_arena *arena, const nz_article *a, const char *lang)
{
	if (a->status == NZ_STATUS_RETRACTED)
		return nz__labels_for(lang)->retracted;
	const char *p = nz_article_first_paragraph(arena, a->body_markdown ? a->body_markdown : "");
	if (!p || !p[0])
		p = a->highlights_intro && a->highlights_intro[0] ? a->highlights_intro
								  : a->headline;
	return nz__view_excerpt(arena, p, 200);
}

json_t *nz_view_article(const nz_page_ctx *pc, const nz_article *a)
{
	nz_arena *arena = nz_arena_new();
	json_t *page = NULL;
	bool done = false;
	const char *lang = a->language && a->language[0]
			       ? a->language
			       : (pc->site && pc->site->language ? pc->site->language : "en");
	if (!arena)
		return NULL;
	const char *site = pc->site && pc->site->name ? pc->site->name : "";
	const char *headline = a->headline ? a->headline : "";
	const char *title = site[0] ? nz_arena_printf(arena, "%s — %s", headline, site) : headline;
	const char *url = nz_url_article(arena, a->slug);
	const char *desc = description(arena, a, lang);
	page = nz__view_page(pc, arena, lang, title, url, desc);
	if (!page || !nz__json_put(page, "article", article_json(pc, arena, a, lang)) ||
	    !nz__json_put(page, "breadcrumbs",
			  nz__view_breadcrumbs(pc, arena, lang, a->section, headline, url)))
		goto out;
	/* Feeds of the site and the article's section in the edition whose chrome it wears (a
	 * Korean story links /ko/feed.rss); JSON-LD, Open Graph, Twitter. */
	const char *site_name = pc->site ? pc->site->name : NULL;
	const char *section_name =
	    a->section ? nz_section_name_in(arena, a->section, pc->edition) : NULL;
	json_t *feeds =
	    nz__view_feeds(arena, nz_url_edition(arena, pc->site, pc->edition), site_name);
	json_t *section_feeds =
	    a->section && a->section->slug
		? nz__view_feeds(arena,
				 nz_url_edition_path(arena, pc->site, pc->edition,
						     nz_url_section(arena, a->section->slug)),
				 site[0] ? nz_arena_printf(arena, "%s — %s", section_name, site)
					 : section_name)
		: json_array();
	bool feeds_ok = feeds && section_feeds && json_array_extend(feeds, section_feeds) == 0;
	json_decref(section_feeds);
	if (!feeds_ok) {
		json_decref(feeds);
		goto out;
	}
	if (!nz__json_put(page, "feeds", feeds) ||
	    !nz__view_article_meta(page, pc, arena, a, lang, desc))
		goto out;
	done = true;
out:
	return nz__view_done(page, arena, done);
}
