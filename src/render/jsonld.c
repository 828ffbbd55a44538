/*
 * jsonld.c: what machines read in an article page's head. schema.org NewsArticle as JSON-LD
 * (headline, image, datePublished, dateModified, author [{Person, name, url, jobTitle,
 * description, image, sameAs}], publisher with
 * name and logo, inLanguage, mainEntityOfPage), Open Graph (og:locale ko_KR / en_US,
 * article:published_time, article:section, article:tag) and Twitter card values, and hreflang
 * alternates to the article's translations.
 *
 * The JSON-LD is printed raw inside <script type="application/ld+json">, so it is escaped for
 * that place: '<', '>' and '&' become \u003c, \u003e, \u0026 (valid JSON, and no "</script>" or
 * "<!--" can ever appear), whatever an editor typed in a headline.
 *
 * Rules: pure functions of their arguments; absolute URLs from the site's base_url; times at
 * the site's offset; a retracted article shows no image.
 */
#include <stdlib.h>
#include <string.h>

#include "render/render_int.h"

const char *nz__og_locale(const char *lang)
{
	if (lang && strncmp(lang, "ko", 2) == 0)
		return "ko_KR";
	return "en_US";
}

static json_t *local_time(const nz_page_ctx *pc, nz_time t)
{
	char s[64];
	if (!t)
		return json_null();
	return json_string(
	    nz_time_rfc3339_local(t, nz_tz_offset_min(nz_site_zone(pc->site), t), s));
}

/* The modification time readers are told: the newest of updated, published, corrections. */
static nz_time modified(const nz_article *a)
{
	nz_time t = a->updated_at > a->published_at ? a->updated_at : a->published_at;
	for (size_t i = 0; i < a->n_corrections; i++)
		if (a->corrections[i].created_at > t)
			t = a->corrections[i].created_at;
	return t;
}

/* The lead photo cropped to crop at the card width (absolute URL), NULL without one. */
static const char *photo(nz_arena *arena, const nz_page_ctx *pc, const nz_article *a,
			 nz_media_crop crop, int *w, int *h)
{
	if (a->status == NZ_STATUS_RETRACTED || a->n_media == 0 || !a->media[0].hash)
		return NULL;
	return nz__photo_crop_url(arena, pc->site, &a->media[0], crop, w, h);
}

/* Search engines' crops of the lead photo: 16:9, 4:3 and 1:1, each around its focal point. */
static json_t *photos(nz_arena *arena, const nz_page_ctx *pc, const nz_article *a)
{
	static const nz_media_crop crops[] = {NZ_CROP_16X9, NZ_CROP_4X3, NZ_CROP_1X1};
	json_t *arr = json_array();
	for (size_t i = 0; arr && i < 3; i++) {
		const char *url = photo(arena, pc, a, crops[i], NULL, NULL);
		if (url && json_array_append_new(arr, nz__json_str(url)) != 0) {
			json_decref(arr);
			return NULL;
		}
	}
	return arr;
}

/* schema.org Person of an author, with the profile in language lang where it has one. */
static json_t *person(nz_arena *arena, const nz_page_ctx *pc, const nz_author *au, const char *lang)
{
	const nz_author_text *t = nz_author_text_for(au, lang);
	const char *bio = t && t->bio ? t->bio : au->bio, *photo = nz_author_photo_url(arena, au);
	json_t *o = json_pack("{s:s, s:o}", "@type", "Person", "name",
			      nz__json_str(nz_author_name(arena, au)));
	json_t *links = au->n_same_as ? json_array() : NULL;
	for (size_t i = 0; links && i < au->n_same_as; i++)
		if (json_array_append_new(links, nz__json_str(au->same_as[i])) != 0)
			json_decref(links), links = NULL;
	bool ok = o && (!au->slug || !au->slug[0] ||
			nz__json_put(o, "url",
				     nz__json_str(nz__abs_url(arena, pc->site,
							      nz_url_author(arena, au->slug)))));
	if (ok && t && t->job_title)
		ok = nz__json_put(o, "jobTitle", nz__json_str(t->job_title));
	if (ok && bio)
		ok = nz__json_put(o, "description", nz__json_str(bio));
	if (ok && photo)
		ok = nz__json_put(o, "image", nz__json_str(nz__abs_url(arena, pc->site, photo)));
	if (ok && au->n_same_as)
		ok = nz__json_put(o, "sameAs", links);
	else
		json_decref(links);
	if (!ok) {
		json_decref(o);
		return NULL;
	}
	return o;
}

static json_t *persons(nz_arena *arena, const nz_page_ctx *pc, const nz_article *a)
{
	json_t *arr = json_array();
	for (size_t i = 0; arr && i < a->n_authors; i++) {
		json_t *o = person(arena, pc, &a->authors[i], a->language);
		if (!o || json_array_append_new(arr, o) != 0) {
			json_decref(arr);
			return NULL;
		}
	}
	return arr;
}

/* The newsroom as the publisher of a page in lang: its policy pages in lang's edition when they
 * have a version in it. */
static json_t *publisher(nz_arena *arena, const nz_page_ctx *pc, const char *lang)
{
	const char *logo =
	    nz__abs_url(arena, pc->site, nz_theme_asset_url(pc->theme, "favicon.svg"));
	json_t *o = json_pack("{s:s, s:o, s:o}", "@type", "NewsMediaOrganization", "name",
			      nz__json_str(pc->site && pc->site->name ? pc->site->name : ""), "url",
			      nz__json_str(nz__abs_url(arena, pc->site, "/")));
	if (o && logo &&
	    !nz__json_put(o, "logo",
			  json_pack("{s:s, s:s}", "@type", "ImageObject", "url", logo))) {
		json_decref(o);
		return NULL;
	}
	/* The Trust Project's indicators: the static pages that hold a role (content.h,
	 * NZ_PAGE_ROLES), each under the property of its role's name. */
	for (size_t i = 0; o && i < pc->n_pages; i++) {
		const nz_static_page *p = &pc->pages[i];
		const char *url =
		    nz__abs_url(arena, pc->site, nz_url_static_page_in(arena, pc->site, p, lang));
		if (p->role && (!url || !nz__json_put(o, p->role, json_string(url)))) {
			json_decref(o);
			return NULL;
		}
	}
	return o;
}

static json_t *keywords(const nz_article *a)
{
	json_t *arr = json_array();
	for (size_t i = 0; arr && i < a->n_tags; i++) {
		const char *name = nz_tag_name(&a->tags[i], a->language);
		if (json_array_append_new(arr, nz__json_str(name)) != 0) {
			json_decref(arr);
			return NULL;
		}
	}
	return arr;
}

static json_t *news_article(const nz_page_ctx *pc, nz_arena *arena, const nz_article *a,
			    const char *lang, const char *description)
{
	const char *url = nz__abs_url(arena, pc->site, nz_url_article(arena, a->slug));
	bool img = photo(arena, pc, a, NZ_CROP_1X1, NULL, NULL) != NULL;
	json_t *o = json_object();
	bool ok =
	    o && nz__json_put(o, "@context", json_string("https://schema.org")) &&
	    nz__json_put(o, "@type", json_string("NewsArticle")) &&
	    nz__json_put(o, "mainEntityOfPage",
			 json_pack("{s:s, s:o}", "@type", "WebPage", "@id", nz__json_str(url))) &&
	    nz__json_put(o, "url", nz__json_str(url)) &&
	    nz__json_put(o, "headline", nz__json_str(a->headline ? a->headline : "")) &&
	    nz__json_put(o, "description", nz__json_str(description ? description : "")) &&
	    (!img || nz__json_put(o, "image", photos(arena, pc, a))) &&
	    nz__json_put(o, "datePublished", local_time(pc, a->published_at)) &&
	    nz__json_put(o, "dateModified", local_time(pc, modified(a))) &&
	    nz__json_put(o, "author", persons(arena, pc, a)) &&
	    nz__json_put(o, "publisher", publisher(arena, pc, lang)) &&
	    nz__json_put(o, "inLanguage", nz__json_str(lang)) &&
	    (!a->section || !a->section->name ||
	     nz__json_put(o, "articleSection", nz__json_str(a->section->name))) &&
	    (!a->n_tags || nz__json_put(o, "keywords", keywords(a))) &&
	    (!a->dateline || !a->dateline[0] ||
	     nz__json_put(o, "dateline", nz__json_str(a->dateline)));
	if (ok)
		return o;
	json_decref(o);
	return NULL;
}

const char *nz__jsonld_text(nz_arena *arena, const json_t *json)
{
	char *s = json_dumps(json, JSON_COMPACT | JSON_PRESERVE_ORDER);
	nz_buf b;
	const char *res = NULL;
	if (!s)
		return NULL;
	nz_buf_init(&b, 0);
	for (const char *p = s; *p; p++) {
		if (*p == '<')
			nz_buf_puts(&b, "\\u003c");
		else if (*p == '>')
			nz_buf_puts(&b, "\\u003e");
		else if (*p == '&')
			nz_buf_puts(&b, "\\u0026");
		else
			nz_buf_putc(&b, *p);
	}
	if (nz_buf_rc(&b) == NZ_OK)
		res = nz_arena_strndup(arena, nz_buf_cstr(&b), b.len);
	nz_buf_free(&b);
	free(s);
	return res;
}

static json_t *tag_names(const nz_article *a)
{
	return keywords(a);
}

static json_t *open_graph(const nz_page_ctx *pc, nz_arena *arena, const nz_article *a,
			  const char *lang)
{
	int w = 0, h = 0;
	const char *img = photo(arena, pc, a, NZ_CROP_191X100, &w, &h);
	const nz_media *m = a->n_media ? &a->media[0] : NULL;
	if (!img && a->status != NZ_STATUS_RETRACTED) { /* the newsroom's card instead */
		img = nz__site_card_url(arena, pc->site, &w, &h);
		m = NULL;
	}
	json_t *o = json_object();
	bool ok =
	    o && nz__json_put(o, "type", json_string("article")) &&
	    nz__json_put(o, "image", nz__json_str(img)) &&
	    nz__json_put(o, "image_width", img ? json_integer(w) : json_null()) &&
	    nz__json_put(o, "image_height", img ? json_integer(h) : json_null()) &&
	    nz__json_put(o, "image_alt",
			 img && m && m->alt && m->alt[0] ? nz__json_str(m->alt) : json_null()) &&
	    nz__json_put(o, "locale", json_string(nz__og_locale(lang))) &&
	    nz__json_put(o, "locale_alternates", json_array()) &&
	    nz__json_put(o, "modified_time", local_time(pc, modified(a))) &&
	    nz__json_put(o, "section",
			 a->section ? nz__json_str_nonempty(a->section->name) : json_null()) &&
	    nz__json_put(o, "tags", tag_names(a));
	if (ok)
		return o;
	json_decref(o);
	return NULL;
}

bool nz__view_article_meta(json_t *page, const nz_page_ctx *pc, nz_arena *arena,
			   const nz_article *a, const char *lang, const char *description)
{
	json_t *ld = news_article(pc, arena, a, lang, description);
	const char *text = ld ? nz__jsonld_text(arena, ld) : NULL;
	json_decref(ld);
	return text && nz__json_put(page, "jsonld", json_string(text)) &&
	       nz__json_put(page, "og", open_graph(pc, arena, a, lang)) &&
	       nz__json_put(page, "alternates", json_array());
}

/* {lang, url} of an article's page. */
static json_t *alternate(nz_arena *arena, const nz_page_ctx *pc, const nz_article *a)
{
	return json_pack("{s:o, s:o, s:o}", "lang", nz__json_str(a->language ? a->language : "en"),
			 "url",
			 nz__json_str(nz__abs_url(arena, pc->site, nz_url_article(arena, a->slug))),
			 "slug", nz__json_str(a->slug));
}

static bool has_lang(json_t *alts, const char *lang)
{
	size_t i;
	json_t *v;
	json_array_foreach(alts, i, v)
	{
		const char *l = json_string_value(json_object_get(v, "lang"));
		if (l && lang && strcmp(l, lang) == 0)
			return true;
	}
	return false;
}

/* A language's name in itself, as a reader of it looks for it. */
static const char *language_name(const char *lang)
{
	if (strncmp(lang, "ko", 2) == 0 && (lang[2] == '\0' || lang[2] == '-'))
		return "한국어";
	if (strncmp(lang, "en", 2) == 0 && (lang[2] == '\0' || lang[2] == '-'))
		return "English";
	return lang;
}

/* The visible links to the story's other versions, one per language (the alternates without
 * the article itself): {label, items[{url, lang, name}]}, null when there is none. */
static json_t *versions(nz_arena *arena, const nz_article *a, json_t *alts)
{
	json_t *items = json_array();
	size_t i;
	json_t *v;
	json_array_foreach(alts, i, v)
	{
		const char *lang = json_string_value(json_object_get(v, "lang"));
		const char *slug = json_string_value(json_object_get(v, "slug"));
		if (!items || !lang || !slug || (a->language && strcmp(lang, a->language) == 0))
			continue;
		json_t *o = json_pack("{s:s, s:s, s:s}", "url", nz_url_article(arena, slug), "lang",
				      lang, "name", language_name(lang));
		if (!o || json_array_append_new(items, o) != 0) {
			json_decref(items);
			return NULL;
		}
	}
	if (!items || json_array_size(items) == 0) {
		json_decref(items);
		return items ? json_null() : NULL;
	}
	return json_pack("{s:s, s:o}", "label", nz__labels_for(a->language)->versions, "items",
			 items);
}

bool nz_view_article_translations(json_t *page, const nz_page_ctx *pc, const nz_article *a,
				  const nz_article *translations, size_t n)
{
	nz_arena *arena = nz_arena_new();
	json_t *alts = json_array();
	json_t *locales = json_array();
	bool ok = arena && alts && locales;
	for (size_t i = 0; ok && i < n; i++) {
		const char *lang = translations[i].language;
		if (!lang || has_lang(alts, lang) || (a->language && !strcmp(lang, a->language)))
			continue;
		if (json_array_size(alts) == 0)
			ok = json_array_append_new(alts, alternate(arena, pc, a)) == 0;
		/* The language switch leads to this version, not to the other edition's front. */
		nz__view_edition_switch_to(page, lang, nz_url_article(arena, translations[i].slug));
		ok = ok &&
		     json_array_append_new(alts, alternate(arena, pc, &translations[i])) == 0 &&
		     json_array_append_new(locales, json_string(nz__og_locale(lang))) == 0;
	}
	json_t *og = json_object_get(page, "og");
	if (ok && og)
		ok = nz__json_put(og, "locale_alternates", json_incref(locales));
	if (ok)
		ok = nz__json_put(page, "versions", versions(arena, a, alts));
	/* x-default: the version in the site's own language, as the sitemap says. */
	const char *main_lang = pc->site && pc->site->language ? pc->site->language : "en";
	size_t i;
	json_t *v, *main_alt = NULL;
	json_array_foreach(alts, i, v)
	{
		if (strcmp(json_string_value(json_object_get(v, "lang")), main_lang) == 0)
			main_alt = v;
	}
	if (ok && main_alt)
		ok = json_array_append_new(alts, json_pack("{s:s, s:O}", "lang", "x-default", "url",
							   json_object_get(main_alt, "url"))) == 0;
	if (ok)
		ok = nz__json_put(page, "alternates", alts); /* takes alts either way */
	else
		json_decref(alts);
	json_decref(locales);
	nz_arena_free(arena);
	return ok;
}

bool nz__view_static_page_meta(json_t *page, const nz_page_ctx *pc, nz_arena *arena,
			       const nz_static_page *p, const char *path, const char *lang)
{
	const char *url = nz__abs_url(arena, pc->site, path);
	json_t *ld = json_object();
	bool ok = url && ld && nz__json_put(ld, "@context", json_string("https://schema.org")) &&
		  nz__json_put(ld, "@type", json_string("WebPage")) &&
		  nz__json_put(ld, "name", nz__json_str(p->title)) &&
		  nz__json_put(ld, "url", json_string(url)) &&
		  nz__json_put(ld, "dateModified", nz__json_time(p->updated_at)) &&
		  nz__json_put(ld, "publisher", publisher(arena, pc, lang));
	const char *text = ok ? nz__jsonld_text(arena, ld) : NULL;
	json_decref(ld);
	return text && nz__json_put(page, "jsonld", json_string(text));
}

bool nz__view_author_meta(json_t *page, const nz_page_ctx *pc, nz_arena *arena, const nz_author *au,
			  const char *lang)
{
	const char *url = nz__abs_url(arena, pc->site, nz_url_author(arena, au->slug));
	json_t *ld = json_object();
	bool ok = url && ld && nz__json_put(ld, "@context", json_string("https://schema.org")) &&
		  nz__json_put(ld, "@type", json_string("ProfilePage")) &&
		  nz__json_put(ld, "url", json_string(url)) &&
		  nz__json_put(ld, "mainEntity", person(arena, pc, au, lang));
	const char *text = ok ? nz__jsonld_text(arena, ld) : NULL;
	json_decref(ld);
	return text && nz__json_put(page, "jsonld", json_string(text));
}
