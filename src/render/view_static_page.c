/*
 * view_static_page.c: the newsroom's static pages (About, Contact, the policies, the masthead)
 * as the theme and the API see them: the page at /{slug}, the footer's links on every page, and
 * the API's JSON shape. The organization's JSON-LD that points to them is in jsonld.c. A page's
 * versions in other editions' languages (nz_static_page.translations) are at /<code>/{slug}; an
 * edition's footer links its version of a page when there is one, else the page itself.
 *
 * Rules: pure functions of their arguments; temporaries in a private arena; NULL only on out of
 * memory.
 */
#include <string.h>

#include "render/render_int.h"

static const char *site_lang(const nz_site *site)
{
	return site && site->language ? site->language : "en";
}

bool nz_static_page_in(nz_arena *arena, const nz_static_page *p, const char *lang,
		       nz_static_page *out)
{
	if (!p->translations || !lang)
		return false;
	json_t *all = json_loads(p->translations, 0, NULL);
	json_t *v = json_object_get(all, lang);
	const char *title = json_string_value(json_object_get(v, "title"));
	const char *body = json_string_value(json_object_get(v, "body_markdown"));
	bool found = title && title[0];
	if (found) {
		*out = *p;
		out->title = nz_arena_strdup(arena, title);
		out->body_markdown = nz_arena_strdup(arena, body ? body : "");
		found = out->title && out->body_markdown;
	}
	json_decref(all);
	return found;
}

const char *nz_url_static_page_in(nz_arena *arena, const nz_site *site, const nz_static_page *p,
				  const char *lang)
{
	const char *path = nz_url_static_page(arena, p->slug);
	nz_static_page v;
	if (!lang || strcmp(lang, site_lang(site)) == 0 || !nz_static_page_in(arena, p, lang, &v))
		return path;
	return nz_url_edition_path(arena, site, lang, path);
}

json_t *nz__view_footer_pages(const nz_page_ctx *pc, nz_arena *arena, const char *lang)
{
	if (pc->n_pages == 0)
		return json_null();
	const char *own = site_lang(pc->site);
	bool other = lang && strcmp(lang, own) != 0;
	json_t *arr = json_array();
	for (size_t i = 0; arr && i < pc->n_pages; i++) {
		nz_static_page v = pc->pages[i];
		/* In another edition: its version there, else the page in the site's language
		 * (marked with that language). */
		bool there = other && nz_static_page_in(arena, &pc->pages[i], lang, &v);
		json_t *o = json_object();
		bool ok = o && nz__json_put(o, "title", nz__json_str(v.title)) &&
			  nz__json_put(o, "url",
				       nz__json_str(nz_url_static_page_in(arena, pc->site,
									  &pc->pages[i], lang))) &&
			  (!other || there || nz__json_put(o, "other_lang", json_string(own)));
		if (!nz_json_append(arr, o, ok)) {
			json_decref(arr);
			return NULL;
		}
	}
	bool ko = lang && strcmp(lang, "ko") == 0;
	return arr ? json_pack("{s:s, s:o}", "label", ko ? "신문사 안내" : "About the newsroom",
			       "items", arr)
		   : NULL;
}

/* The page's Markdown as HTML (raw HTML left out, as for articles); NULL on out of memory. */
static json_t *body_html(const nz_static_page *p)
{
	nz_buf b;
	json_t *v = NULL;
	const char *md = p->body_markdown ? p->body_markdown : "";
	nz_buf_init(&b, 0);
	if (nz_markdown_html(md, strlen(md), &b) == NZ_OK)
		v = nz__json_str(nz_buf_cstr(&b));
	nz_buf_free(&b);
	return v;
}

/* The hreflang alternates of a page with versions (one per edition that has one, and x-default:
 * the page in the site's language) and the language switch to them; nothing for a page in one
 * language. False on out of memory. */
static bool versions(json_t *page, const nz_page_ctx *pc, nz_arena *arena, const nz_static_page *p)
{
	char codes[NZ_EDITIONS_MAX][16];
	size_t n = nz_site_editions(pc->site, codes, NZ_EDITIONS_MAX);
	const char *own = nz_url_static_page(arena, p->slug);
	json_t *alts = json_array();
	nz_static_page v;
	if (!alts)
		return false;
	for (size_t i = 0; i < n; i++) {
		bool site_version = strcmp(codes[i], site_lang(pc->site)) == 0;
		if (!site_version && !nz_static_page_in(arena, p, codes[i], &v))
			continue;
		const char *path =
		    site_version ? own : nz_url_edition_path(arena, pc->site, codes[i], own);
		json_t *o = json_pack("{s:s, s:o}", "lang", codes[i], "url",
				      nz__json_str(nz__abs_url(arena, pc->site, path)));
		if (!nz_json_append(alts, o, o != NULL)) {
			json_decref(alts);
			return false;
		}
		nz__view_edition_switch_to(page, codes[i], path);
	}
	json_t *x = json_array_size(alts) < 2
			? NULL
			: json_pack("{s:s, s:o}", "lang", "x-default", "url",
				    nz__json_str(nz__abs_url(arena, pc->site, own)));
	if (!x || !nz_json_append(alts, x, true)) {
		bool alone = json_array_size(alts) < 2;
		json_decref(alts);
		return alone; /* one version: no alternates */
	}
	return nz__json_put(page, "alternates", alts);
}

json_t *nz_view_static_page(const nz_page_ctx *pc, const nz_static_page *stored)
{
	nz_arena *arena = nz_arena_new();
	const char *lang = pc->edition ? pc->edition : site_lang(pc->site);
	nz_static_page version;
	if (!arena)
		return NULL;
	const nz_static_page *p =
	    nz_static_page_in(arena, stored, lang, &version) ? &version : stored;
	const char *path = nz_url_static_page_in(arena, pc->site, stored, lang);
	json_t *page =
	    nz__view_page(pc, arena, lang, nz__view_title(pc, arena, p->title), path, NULL);
	json_t *o = json_object();
	if (!page)
		json_decref(o);
	/* o belongs to page from the first put on, filled or not. */
	bool ok = page && nz__json_put(page, "static_page", o) &&
		  nz__json_put(o, "title", nz__json_str(p->title)) &&
		  nz__json_put(o, "body_html", body_html(p)) &&
		  nz__json_put(o, "updated", nz__view_time(pc, p->updated_at, lang)) &&
		  nz__view_static_page_meta(page, pc, arena, p, path, lang) &&
		  versions(page, pc, arena, stored);
	return nz__view_done(page, arena, ok);
}

/* {"ko": {title, body_markdown, url}} of p's versions in other languages; {} for none. */
static json_t *json_translations(nz_arena *arena, const nz_site *site, const nz_static_page *p)
{
	json_t *all = p->translations ? json_loads(p->translations, 0, NULL) : NULL;
	json_t *out = json_object(), *v;
	const char *lang;
	json_object_foreach(all, lang, v)
	{
		const char *path =
		    nz_url_edition_path(arena, site, lang, nz_url_static_page(arena, p->slug));
		if (out && json_object_set_new(v, "url",
					       nz__json_str(nz__abs_url(arena, site, path))) == 0)
			json_object_set(out, lang, v);
	}
	json_decref(all);
	return out;
}

json_t *nz_json_static_page(const nz_site *site, const nz_static_page *p)
{
	nz_arena *arena = nz_arena_new();
	json_t *o = arena ? json_object() : NULL;
	const char *path = arena ? nz_url_static_page(arena, p->slug) : NULL;
	bool ok = o && path && nz__json_put(o, "id", json_integer(p->id)) &&
		  nz__json_put(o, "slug", nz__json_str(p->slug)) &&
		  nz__json_put(o, "url", nz__json_str(nz__abs_url(arena, site, path))) &&
		  nz__json_put(o, "title", nz__json_str(p->title)) &&
		  nz__json_put(o, "role", nz__json_str_nonempty(p->role)) &&
		  nz__json_put(o, "position", json_integer(p->position)) &&
		  nz__json_put(o, "body_markdown", nz__json_str(p->body_markdown)) &&
		  nz__json_put(o, "body_html", body_html(p)) &&
		  nz__json_put(o, "revision", json_integer(p->revision)) &&
		  nz__json_put(o, "created_at", nz__json_time(p->created_at)) &&
		  nz__json_put(o, "updated_at", nz__json_time(p->updated_at)) &&
		  nz__json_put(o, "translations", json_translations(arena, site, p));
	nz_arena_free(arena);
	if (ok)
		return o;
	json_decref(o);
	return NULL;
}
