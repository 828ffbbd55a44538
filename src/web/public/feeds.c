/*
 * web/public/feeds: the machine-readable outputs (docs/distribution.md).
 *   /feed.{rss,atom,json}                          the whole site
 *   /section/{slug}/feed.{rss,atom,json}           one section (likewise /tag/…, /author/…)
 *   /corrections/feed.{rss,atom,json}              corrections across the site
 *   /sitemap.xml                                   sitemap index
 *   /sitemaps/pages.xml, /sitemaps/articles-N.xml  its children (N from 1)
 *   /sitemap-news.xml                              Google News: the last two days
 *   /robots.txt
 * (ninjs for the API's articles is api/ninjs.c.)
 *
 * What appears where: only public articles (published, embargo passed, published_at <= now).
 * Retracted articles leave the feeds and the News sitemap; they stay in the general sitemap,
 * since their URL still answers (with the retraction notice), so crawlers see the change.
 *
 * Rules: a child sitemap is streamed from pages of light rows (one arena per page), never a
 * whole listing at once; every handler says its cache policy and surrogate keys.
 */
#include "web/public/public_int.h"

/* Feeds, sitemaps and robots.txt are made by pages/'s producers (pages/feeds.c), which the
 * static export uses too; these handlers only read the URL. */
static void subject_feed(nz__ctx *c, const nz_route_match *m, const char *kind)
{
	nz_err err = {0};
	nz_page_env env = nz__page_env(c);
	nz_page_out out = nz__page_out(c);
	const char *slug = nz_arena_str(c->req->arena, nz_route_param(m, "slug"));
	const char *feed = nz_arena_str(c->req->arena, nz_route_param(m, "feed"));
	nz_rc rc = feed ? nz_page_feed(&env, kind, slug, feed, &out, &err) : NZ_NOMEM;
	nz__send_produced(c, rc, &out, &err);
}

static void site_feed(nz__ctx *c, const char *format)
{
	nz_err err = {0};
	nz_page_env env = nz__page_env(c);
	nz_page_out out = nz__page_out(c);
	nz__send_produced(c, nz_page_feed(&env, "site", NULL, format, &out, &err), &out, &err);
}

static void feed_rss(nz__ctx *c, const nz_route_match *m)
{
	(void)m;
	site_feed(c, "feed.rss");
}

static void feed_atom(nz__ctx *c, const nz_route_match *m)
{
	(void)m;
	site_feed(c, "feed.atom");
}

static void feed_json(nz__ctx *c, const nz_route_match *m)
{
	(void)m;
	site_feed(c, "feed.json");
}

static void section_feed(nz__ctx *c, const nz_route_match *m)
{
	subject_feed(c, m, "section");
}

static void tag_feed(nz__ctx *c, const nz_route_match *m)
{
	subject_feed(c, m, "tag");
}

static void author_feed(nz__ctx *c, const nz_route_match *m)
{
	subject_feed(c, m, "author");
}

static void corrections_feed(nz__ctx *c, const nz_route_match *m)
{
	subject_feed(c, m, "corrections");
}

/* ---- sitemaps and robots.txt -------------------------------------------------------------- */

static void sitemap_index(nz__ctx *c, const nz_route_match *m)
{
	(void)m;
	nz_err err = {0};
	nz_page_env env = nz__page_env(c);
	nz_page_out out = nz__page_out(c);
	nz__send_produced(c, nz_page_sitemap_index(&env, &out, &err), &out, &err);
}

static void sitemap_child(nz__ctx *c, const nz_route_match *m)
{
	nz_err err = {0};
	nz_page_env env = nz__page_env(c);
	nz_page_out out = nz__page_out(c);
	const char *file = nz_arena_str(c->req->arena, nz_route_param(m, "file"));
	nz_rc rc = file ? nz_page_sitemap_child(&env, file, &out, &err) : NZ_NOMEM;
	nz__send_produced(c, rc, &out, &err);
}

static void sitemap_news(nz__ctx *c, const nz_route_match *m)
{
	(void)m;
	nz_err err = {0};
	nz_page_env env = nz__page_env(c);
	nz_page_out out = nz__page_out(c);
	nz__send_produced(c, nz_page_sitemap_news(&env, &out, &err), &out, &err);
}

static void robots(nz__ctx *c, const nz_route_match *m)
{
	(void)m;
	nz_err err = {0};
	nz_page_env env = nz__page_env(c);
	nz_page_out out = nz__page_out(c);
	nz__send_produced(c, nz_page_robots(&env, &out, &err), &out, &err);
}

const nz__route_entry nz__feed_routes[] = {
    {"GET", "/feed.rss", feed_rss},
    {"GET", "/feed.atom", feed_atom},
    {"GET", "/feed.json", feed_json},
    {"GET", "/section/{slug}/{feed}", section_feed},
    {"GET", "/tag/{slug}/{feed}", tag_feed},
    {"GET", "/author/{slug}/{feed}", author_feed},
    {"GET", "/corrections/{feed}", corrections_feed},
    {"GET", "/sitemap.xml", sitemap_index},
    {"GET", "/sitemaps/{file}", sitemap_child},
    {"GET", "/sitemap-news.xml", sitemap_news},
    {"GET", "/robots.txt", robots},
    {NULL, NULL, NULL},
};
