/*
 * sitemap.c: sitemaps (sitemaps.org 0.9), the Google News extension, hreflang alternates and
 * robots.txt. A <urlset> is written in pieces (begin, one call per URL, end) so the web layer
 * can stream a child sitemap of tens of thousands of articles from pages of light rows.
 *
 * Rules kept here, from the XSDs and Google's documentation: loc and hreflang hrefs are
 * absolute; lastmod and news:publication_date are W3C datetimes at the site's offset; the
 * news block's children come in the XSD's order (publication{name, language},
 * publication_date, title); a URL with alternates lists itself too, one link per language;
 * each photo of an article is an image:image entry (Google's image extension) at the absolute
 * URL of its full-size copy (a rendition: never the upload).
 */
#include <string.h>

#include "render/render_int.h"

static void xml(nz_buf *b, const char *s)
{
	if (s)
		nz_escape_xml(b, s, strlen(s));
}

static void datetime(nz_buf *b, const nz_site *site, nz_time t)
{
	char s[64];
	nz_buf_puts(b, nz_time_rfc3339_local(t, nz_tz_offset_min(nz_site_zone(site), t), s));
}

/* <loc>base+path</loc> */
static void loc(nz_buf *b, const nz_site *site, const char *path)
{
	nz_buf_puts(b, "<loc>");
	xml(b, site && site->base_url ? site->base_url : "");
	xml(b, path);
	nz_buf_puts(b, "</loc>\n");
}

nz_rc nz_sitemap_begin(nz_buf *out)
{
	nz_buf_puts(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
			 "<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\" "
			 "xmlns:news=\"http://www.google.com/schemas/sitemap-news/0.9\" "
			 "xmlns:image=\"http://www.google.com/schemas/sitemap-image/1.1\" "
			 "xmlns:xhtml=\"http://www.w3.org/1999/xhtml\">\n");
	return nz_buf_rc(out);
}

nz_rc nz_sitemap_end(nz_buf *out)
{
	nz_buf_puts(out, "</urlset>\n");
	return nz_buf_rc(out);
}

nz_rc nz_sitemap_page(nz_buf *out, const nz_site *site, const char *path, nz_time lastmod)
{
	nz_buf_puts(out, "<url>\n");
	loc(out, site, path);
	if (lastmod) {
		nz_buf_puts(out, "<lastmod>");
		datetime(out, site, lastmod);
		nz_buf_puts(out, "</lastmod>\n");
	}
	nz_buf_puts(out, "</url>\n");
	return nz_buf_rc(out);
}

/* One xhtml:link alternate: hreflang (a code or "x-default") and the page's absolute URL. */
static void link_alternate(nz_buf *b, nz_arena *arena, const nz_site *site, const char *hreflang,
			   const char *path)
{
	nz_buf_puts(b, "<xhtml:link rel=\"alternate\" hreflang=\"");
	xml(b, hreflang);
	nz_buf_puts(b, "\" href=\"");
	xml(b, nz__abs_url(arena, site, path));
	nz_buf_puts(b, "\"/>\n");
}

nz_rc nz_sitemap_page_editions(nz_buf *out, const nz_site *site, const char *path, nz_time lastmod)
{
	char codes[NZ_EDITIONS_MAX][16];
	size_t n = nz_site_editions(site, codes, NZ_EDITIONS_MAX);
	return nz_sitemap_page_in(out, site, path, lastmod, codes, n);
}

nz_rc nz_sitemap_page_in(nz_buf *out, const nz_site *site, const char *path, nz_time lastmod,
			 char codes[][16], size_t n)
{
	nz_arena *arena = nz_arena_new();
	if (!arena)
		return NZ_NOMEM;
	for (size_t i = 0; i < n; i++) {
		nz_buf_puts(out, "<url>\n");
		loc(out, site, nz_url_edition_path(arena, site, codes[i], path));
		if (lastmod) {
			nz_buf_puts(out, "<lastmod>");
			datetime(out, site, lastmod);
			nz_buf_puts(out, "</lastmod>\n");
		}
		for (size_t k = 0; n > 1 && k < n; k++)
			link_alternate(out, arena, site, codes[k],
				       nz_url_edition_path(arena, site, codes[k], path));
		if (n > 1) /* the site's own language: codes[0] */
			link_alternate(out, arena, site, "x-default", path);
		nz_buf_puts(out, "</url>\n");
	}
	nz_arena_free(arena);
	return nz_buf_rc(out);
}

static void alternate(nz_buf *b, nz_arena *arena, const nz_site *site, const nz_article *a)
{
	nz_buf_puts(b, "<xhtml:link rel=\"alternate\" hreflang=\"");
	xml(b, a->language ? a->language : "en");
	nz_buf_puts(b, "\" href=\"");
	xml(b, nz__abs_url(arena, site, nz_url_article(arena, a->slug)));
	nz_buf_puts(b, "\"/>\n");
}

/* True when an earlier translation (or the article) already has t's language. */
static bool language_seen(const nz_article *a, const nz_article *tr, size_t i)
{
	const char *lang = tr[i].language ? tr[i].language : "";
	if (a->language && strcmp(a->language, lang) == 0)
		return true;
	for (size_t k = 0; k < i; k++)
		if (tr[k].language && strcmp(tr[k].language, lang) == 0)
			return true;
	return false;
}

static void news_block(nz_buf *b, const nz_site *site, const nz_article *a)
{
	nz_buf_puts(b, "<news:news>\n<news:publication>\n<news:name>");
	xml(b, site && site->name ? site->name : "Newszone");
	nz_buf_puts(b, "</news:name>\n<news:language>");
	/* Google News wants ISO 639 codes ("ko", "en"); only Chinese keeps a region. */
	xml(b, a->language ? a->language : "en");
	nz_buf_puts(b, "</news:language>\n</news:publication>\n<news:publication_date>");
	datetime(b, site, a->published_at);
	nz_buf_puts(b, "</news:publication_date>\n<news:title>");
	xml(b, a->headline ? a->headline : "");
	nz_buf_puts(b, "</news:title>\n</news:news>\n");
}

nz_rc nz_sitemap_article(nz_buf *out, const nz_site *site, const nz_article *a,
			 const nz_article *translations, size_t n_translations, bool news)
{
	nz_arena *arena = nz_arena_new();
	nz_time lastmod = a->updated_at > a->published_at ? a->updated_at : a->published_at;
	if (!arena)
		return NZ_NOMEM;
	nz_buf_puts(out, "<url>\n");
	loc(out, site, nz_url_article(arena, a->slug));
	if (lastmod) {
		nz_buf_puts(out, "<lastmod>");
		datetime(out, site, lastmod);
		nz_buf_puts(out, "</lastmod>\n");
	}
	if (news)
		news_block(out, site, a);
	/* every photo of the article, at the full-size copy's absolute URL */
	for (size_t i = 0; i < a->n_media && a->status != NZ_STATUS_RETRACTED; i++) {
		const char *path = nz_url_media(arena, &a->media[i]);
		if (!path)
			continue;
		nz_buf_puts(out, "<image:image>\n<image:loc>");
		xml(out, nz__abs_url(arena, site, path));
		nz_buf_puts(out, "</image:loc>\n</image:image>\n");
	}
	size_t shown = 0;
	const nz_article *main_version = NULL; /* the one in the site's language: x-default */
	const char *main_lang = site && site->language ? site->language : "en";
	for (size_t i = 0; i < n_translations; i++) {
		if (language_seen(a, translations, i))
			continue; /* one link per language; hreflang must be unique */
		if (shown++ == 0)
			alternate(out, arena, site, a);
		alternate(out, arena, site, &translations[i]);
		if (translations[i].language && strcmp(translations[i].language, main_lang) == 0)
			main_version = &translations[i];
	}
	if (shown && !main_version && a->language && strcmp(a->language, main_lang) == 0)
		main_version = a;
	if (main_version)
		link_alternate(out, arena, site, "x-default",
			       nz_url_article(arena, main_version->slug));
	nz_buf_puts(out, "</url>\n");
	nz_arena_free(arena);
	return nz_buf_rc(out);
}

nz_rc nz_sitemap_index(nz_buf *out, const nz_site *site, const char *const *paths,
		       const nz_time *lastmod, size_t n)
{
	nz_buf_puts(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
			 "<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n");
	for (size_t i = 0; i < n; i++) {
		nz_buf_puts(out, "<sitemap>\n");
		loc(out, site, paths[i]);
		if (lastmod && lastmod[i]) {
			nz_buf_puts(out, "<lastmod>");
			datetime(out, site, lastmod[i]);
			nz_buf_puts(out, "</lastmod>\n");
		}
		nz_buf_puts(out, "</sitemap>\n");
	}
	nz_buf_puts(out, "</sitemapindex>\n");
	return nz_buf_rc(out);
}

nz_rc nz_robots_txt(nz_buf *out, const nz_site *site, const char *const *sitemap_paths, size_t n)
{
	nz_buf_puts(out, "User-agent: *\nDisallow: /admin\nDisallow: /api/v1/admin/\nAllow: /\n\n");
	for (size_t i = 0; i < n; i++)
		nz_buf_printf(out, "Sitemap: %s%s\n", site && site->base_url ? site->base_url : "",
			      sitemap_paths[i]);
	return nz_buf_rc(out);
}
