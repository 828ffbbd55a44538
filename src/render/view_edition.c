/*
 * view_edition.c: what a page's edition changes in its chrome (docs/editions.md). An edition is a
 * language of the site: the site's own language at "/", each other one under "/<code>/". A page
 * wears its edition's chrome: the UI strings of the theme's strings/<code>.json over the built-in
 * labels, the section names in that language, the edition's name, tagline and copyright line, and
 * links that stay in the edition. The language switch points at the other editions (an article's
 * other version when it has one: view_article.c's translations fill that in).
 *
 * Rules: pure functions of their arguments; results in the caller's arena or new JSON references;
 * NULL only on out of memory.
 */
#include <string.h>

#include "render/render_int.h"

const char *nz__edition_home(const nz_page_ctx *pc, nz_arena *arena, const char *lang)
{
	const char *prefix = nz_url_edition(arena, pc->site, lang);
	return prefix && prefix[0] ? nz_arena_printf(arena, "%s/", prefix) : prefix ? "/" : NULL;
}

/* One UI string of lang's strings file, or NULL. */
static const char *theme_string(const nz_page_ctx *pc, const char *lang, const char *key)
{
	return json_string_value(json_object_get(nz_theme_strings(pc->theme, lang), key));
}

const char *nz_section_name_in(nz_arena *arena, const nz_section *s, const char *lang)
{
	const char *fallback = s->name ? s->name : s->slug;
	if (!s->names || !s->names[0] || !lang)
		return fallback;
	json_t *all = json_loads(s->names, 0, NULL);
	const char *name = json_string_value(json_object_get(all, lang));
	const char *res = name && name[0] ? nz_arena_strdup(arena, name) : fallback;
	json_decref(all);
	return res;
}

const char *nz__section_name(const nz_page_ctx *pc, nz_arena *arena, const nz_section *s,
			     const char *lang)
{
	/* An article's section comes without its names: the navigation's copy has them. */
	for (size_t i = 0; !s->names && s->slug && i < pc->n_sections; i++)
		if (pc->sections[i].slug && strcmp(pc->sections[i].slug, s->slug) == 0)
			return nz_section_name_in(arena, &pc->sections[i], lang);
	return nz_section_name_in(arena, s, lang);
}

bool nz__view_strings_over(json_t *labels, const nz_page_ctx *pc, const char *lang)
{
	const json_t *strings = nz_theme_strings(pc->theme, lang);
	const char *key;
	json_t *v;
	if (!labels)
		return false;
	json_object_foreach((json_t *)strings, key, v)
	{
		/* a copy: the theme's strings are shared by every thread, and jansson's
		 * reference count is not theirs to share */
		if (json_is_string(v) &&
		    json_object_set_new(labels, key, json_string(json_string_value(v))) != 0)
			return false;
	}
	return true;
}

/* The copyright line of lang's edition: its own setting ("copyright.ko"); else, for an edition
 * that is not the site's language, the strings file's line with the site's name for "{site}";
 * else the site's. */
static const char *edition_copyright(const nz_page_ctx *pc, nz_arena *arena, const char *lang,
				     const char *name)
{
	const nz_site *s = pc->site;
	const char *own = nz_site_local(s, "copyright", lang);
	if (own)
		return own;
	const char *line =
	    nz_url_edition(arena, s, lang)[0] ? theme_string(pc, lang, "copyright") : NULL;
	const char *at = line ? strstr(line, "{site}") : NULL;
	if (!at)
		return line ? line : s ? s->copyright : NULL;
	return nz_arena_printf(arena, "%.*s%s%s", (int)(at - line), line, name ? name : "",
			       at + strlen("{site}"));
}

json_t *nz__view_edition_site(const nz_page_ctx *pc, nz_arena *arena, const char *lang)
{
	const nz_site *s = pc->site;
	const char *name = nz_site_local(s, "name", lang);
	const char *tagline = nz_site_local(s, "tagline", lang);
	if (!name)
		name = s ? s->name : NULL;
	if (!tagline)
		tagline = s ? s->tagline : NULL;
	json_t *o = json_object();
	bool ok = o && nz__json_put(o, "name", nz__json_str(name)) &&
		  nz__json_put(o, "tagline", nz__json_str_nonempty(tagline)) &&
		  nz__json_put(o, "base_url", nz__json_str(s && s->base_url ? s->base_url : "")) &&
		  nz__json_put(o, "copyright",
			       nz__json_str_nonempty(edition_copyright(pc, arena, lang, name)));
	if (ok)
		return o;
	json_decref(o);
	return NULL;
}

json_t *nz__view_edition_switch(const nz_page_ctx *pc, nz_arena *arena, const char *lang)
{
	char codes[NZ_EDITIONS_MAX][16];
	size_t n = nz_site_editions(pc->site, codes, NZ_EDITIONS_MAX);
	json_t *arr = json_array();
	for (size_t i = 0; arr && i < n; i++) {
		if (lang && strcmp(codes[i], lang) == 0)
			continue;
		const char *name = theme_string(pc, codes[i], "edition_name");
		json_t *o = json_pack("{s:s, s:o, s:o}", "lang", codes[i], "name",
				      nz__json_str(name ? name : codes[i]), "url",
				      nz__json_str(nz__edition_home(pc, arena, codes[i])));
		if (!nz_json_append(arr, o, o != NULL)) {
			json_decref(arr);
			return NULL;
		}
	}
	if (arr && json_array_size(arr) == 0) {
		json_decref(arr);
		return json_null(); /* one edition: nothing to switch to */
	}
	const char *label = theme_string(pc, lang, "editions");
	return arr ? json_pack("{s:o, s:o}", "label", nz__json_str(label ? label : "Editions"),
			       "items", arr)
		   : NULL;
}

void nz__view_edition_switch_to(json_t *page, const char *lang, const char *url)
{
	json_t *items = json_object_get(json_object_get(page, "edition_switch"), "items");
	size_t i;
	json_t *item;
	json_array_foreach(items, i, item)
	{
		if (url && strcmp(json_string_value(json_object_get(item, "lang")), lang) == 0)
			json_object_set_new(item, "url", json_string(url));
	}
}

void nz__view_edition_switch_same(json_t *page, const nz_page_ctx *pc, nz_arena *arena,
				  const char *path)
{
	char codes[NZ_EDITIONS_MAX][16];
	const char *prefix = nz_url_edition(arena, pc->site, pc->edition);
	size_t skip = prefix ? strlen(prefix) : 0;
	if (!path || strncmp(path, prefix ? prefix : "", skip) != 0)
		return;
	size_t n = nz_site_editions(pc->site, codes, NZ_EDITIONS_MAX);
	for (size_t i = 0; i < n; i++)
		nz__view_edition_switch_to(
		    page, codes[i], nz_url_edition_path(arena, pc->site, codes[i], path + skip));
}

/* One crumb and its ListItem; false on out of memory. */
static bool crumb(json_t *items, json_t *list, const nz_page_ctx *pc, nz_arena *arena,
		  const char *name, const char *path, bool current)
{
	json_t *o = json_pack("{s:o, s:o, s:b}", "name", nz__json_str(name), "url",
			      nz__json_str(path), "current", current);
	json_t *li = json_pack("{s:s, s:I, s:o, s:o}", "@type", "ListItem", "position",
			       (json_int_t)json_array_size(list) + 1, "name", nz__json_str(name),
			       "item", nz__json_str(nz__abs_url(arena, pc->site, path)));
	return nz_json_append(items, o, o != NULL) && nz_json_append(list, li, li != NULL);
}

json_t *nz__view_breadcrumbs(const nz_page_ctx *pc, nz_arena *arena, const char *lang,
			     const nz_section *section, const char *title, const char *path)
{
	const char *home = theme_string(pc, lang, "home_crumb");
	const char *label = theme_string(pc, lang, "breadcrumbs");
	json_t *items = json_array(), *list = json_array(), *res = NULL;
	bool ok = items && list &&
		  crumb(items, list, pc, arena, home ? home : "Home",
			nz__edition_home(pc, arena, lang), false);
	if (ok && section && section->slug)
		ok = crumb(items, list, pc, arena, nz__section_name(pc, arena, section, lang),
			   nz_url_edition_path(arena, pc->site, lang,
					       nz_url_section(arena, section->slug)),
			   !title);
	if (ok && title)
		ok = crumb(items, list, pc, arena, title, path, true);
	json_t *ld = ok ? json_pack("{s:s, s:s, s:O}", "@context", "https://schema.org", "@type",
				    "BreadcrumbList", "itemListElement", list)
			: NULL;
	const char *text = ld ? nz__jsonld_text(arena, ld) : NULL;
	if (text)
		res = json_pack("{s:s, s:O, s:s}", "label", label ? label : "Breadcrumbs", "items",
				items, "jsonld", text);
	json_decref(ld);
	json_decref(items);
	json_decref(list);
	return res;
}
