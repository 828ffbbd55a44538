/*
 * url.c: the public URL paths of articles, sections, authors, tags, static pages and media. One
 * place decides them, so pages, feeds, sitemaps and the API agree. Slugs may hold Hangul, so every
 * slug is percent-encoded as a path segment ("/tag/%EB%8F%99%EB%A7%B9").
 *
 * Rules: results live in the caller's arena; NULL means out of memory (or, for media, no bytes).
 */
#include <string.h>

#include "render/render_int.h"

/* prefix + percent-encoded segment + suffix, copied into arena. */
static const char *build(nz_arena *arena, const char *prefix, const char *segment,
			 const char *suffix)
{
	nz_buf b;
	const char *res = NULL;
	nz_buf_init(&b, 0);
	nz_buf_puts(&b, prefix);
	if (segment)
		nz_escape_url(&b, segment, strlen(segment));
	if (suffix)
		nz_buf_puts(&b, suffix);
	if (nz_buf_rc(&b) == NZ_OK)
		res = nz_arena_strndup(arena, nz_buf_cstr(&b), b.len);
	nz_buf_free(&b);
	return res;
}

const char *nz_url_article(nz_arena *arena, const char *slug)
{
	return build(arena, "/article/", slug, NULL);
}

const char *nz_url_section(nz_arena *arena, const char *slug)
{
	return build(arena, "/section/", slug, NULL);
}

const char *nz_url_static_page(nz_arena *arena, const char *slug)
{
	return build(arena, "/", slug, NULL);
}

const char *nz_url_author(nz_arena *arena, const char *slug)
{
	return build(arena, "/author/", slug, NULL);
}

const char *nz_url_tag(nz_arena *arena, const char *slug)
{
	return build(arena, "/tag/", slug, NULL);
}

/* The file extension for a media type; "bin" for anything unknown. */
static const char *media_ext(const char *mime)
{
	static const struct {
		const char *mime, *ext;
	} table[] = {
	    {"image/jpeg", ".jpg"}, {"image/png", ".png"},   {"image/webp", ".webp"},
	    {"image/gif", ".gif"},  {"image/avif", ".avif"}, {"image/svg+xml", ".svg"},
	};
	for (size_t i = 0; mime && i < sizeof table / sizeof table[0]; i++)
		if (strcmp(mime, table[i].mime) == 0)
			return table[i].ext;
	return ".bin";
}

const char *nz_url_media(nz_arena *arena, const nz_media *m)
{
	if (!m || !m->hash || !m->hash[0])
		return NULL;
	return build(arena, "/media/", m->hash, media_ext(m->mime));
}

const char *nz_url_edition(nz_arena *arena, const nz_site *site, const char *lang)
{
	const char *main_lang = site && site->language ? site->language : "en";
	if (!lang || strcmp(lang, main_lang) == 0 || !nz_site_has_edition(site, lang))
		return "";
	return nz_arena_printf(arena, "/%s", lang);
}

const char *nz_url_edition_path(nz_arena *arena, const nz_site *site, const char *lang,
				const char *path)
{
	const char *prefix = nz_url_edition(arena, site, lang);
	if (!prefix || !path)
		return NULL;
	return prefix[0] ? nz_arena_printf(arena, "%s%s", prefix, path) : path;
}
