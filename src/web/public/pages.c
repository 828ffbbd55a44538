/*
 * web/public/pages: the reader's pages. Only public articles (published or retracted, embargo
 * passed) are ever shown; anything else is a 404, the same as a page that never existed.
 */
#include <string.h>

#include "web/public/public_int.h"

/* Reads the page number: from the path ("/page/N", "/section/x/page/N") when the route has
 * {n}, else from ?page=N (old links), answering 400 itself when it is malformed. */
static bool read_page(nz__ctx *c, const nz_route_match *m, size_t *page)
{
	nz_str n = nz_route_param(m, "n");
	if (n.len) {
		*page = 0;
		for (size_t i = 0; i < n.len && *page <= 100000; i++)
			*page = n.p[i] >= '0' && n.p[i] <= '9' ? *page * 10 + (size_t)(n.p[i] - '0')
							       : 100001;
		if (n.p[0] != '0' && *page <= 100000)
			return true;
	} else if (nz__page_param(c->req, page) == NZ_OK) {
		return true;
	}
	nz__send_error_page(c, 400, "The page number must be a whole number from 1.");
	return false;
}

/* The front page and the lists are made by pages/'s producers (pages/pages.c), which the static
 * export uses too. */
static void front(nz__ctx *c, const nz_route_match *m)
{
	size_t page;
	nz_err err = {0};
	nz_page_env env = nz__page_env(c);
	nz_page_out out = nz__page_out(c);
	if (!read_page(c, m, &page))
		return;
	nz__send_produced(c, nz_page_front(&env, page, &out, &err), &out, &err);
}

/* A page found by the {slug} capture: an article, or a static page. */
static void by_slug(nz__ctx *c, const nz_route_match *m,
		    nz_rc (*produce)(const nz_page_env *, const char *, nz_page_out *, nz_err *))
{
	nz_err err = {0};
	nz_page_env env = nz__page_env(c);
	nz_page_out out = nz__page_out(c);
	const char *s = nz_arena_str(c->req->arena, nz_route_param(m, "slug"));
	nz_rc rc = s ? produce(&env, s, &out, &err) : NZ_NOMEM;
	nz__send_produced(c, rc, &out, &err);
}

static void article(nz__ctx *c, const nz_route_match *m)
{
	by_slug(c, m, nz_page_article);
}

static void list_page(nz__ctx *c, const nz_route_match *m, const char *kind)
{
	size_t page;
	nz_err err = {0};
	nz_page_env env = nz__page_env(c);
	nz_page_out out = nz__page_out(c);
	const char *s = nz_arena_str(c->req->arena, nz_route_param(m, "slug"));
	if (!read_page(c, m, &page))
		return;
	nz_rc rc = s ? nz_page_list(&env, kind, s, page, &out, &err) : NZ_NOMEM;
	/* A merged author's (or renamed tag's) old address leads to the one kept. */
	if (rc == NZ_OK && out.status == 404 && nz__old_address(c, false))
		return;
	nz__send_produced(c, rc, &out, &err);
}

static void media(nz__ctx *c, const nz_route_match *m)
{
	/* "<64 hex>.<rendition>": a rendition of the photo with those bytes, never the original
	 * (which keeps its EXIF, GPS included). */
	nz_err err = {0};
	nz_page_env env = nz__page_env(c);
	nz_page_out out = nz__page_out(c);
	const char *file = nz_arena_str(c->req->arena, nz_route_param(m, "file"));
	nz_rc rc = file ? nz_page_media(&env, file, &out, &err) : NZ_NOMEM;
	if (rc != NZ_OK || out.status != 200) {
		nz__send_produced(c, rc, &out, &err);
		return;
	}
	c->resp->status = 200;
	c->resp->content_type = out.content_type;
	nz__cache_policy(c, NZ__CACHE_IMMUTABLE); /* the source's hash and the rendition's name */
}

static void asset(nz__ctx *c, nz_str path)
{
	const void *data = NULL;
	size_t len = 0;
	const char *mime = NULL;
	bool immutable = false;
	const char *p = nz_arena_str(c->req->arena, path);
	if (!p || nz_theme_asset(c->app->theme, p, &data, &len, &mime, &immutable) != NZ_OK) {
		nz__send_error_page(c, 404, NULL);
		return;
	}
	c->resp->status = 200;
	c->resp->content_type = mime;
	c->resp->static_body = data;
	c->resp->static_len = len;
	nz__cache_policy(c, immutable ? NZ__CACHE_IMMUTABLE : NZ__CACHE_ASSET);
	nz__cache_modified(c, c->app->started);
	nz__surrogate_add(c, "static");
}

static void section(nz__ctx *c, const nz_route_match *m)
{
	list_page(c, m, "section");
}

static void author(nz__ctx *c, const nz_route_match *m)
{
	list_page(c, m, "author");
}

static void tag(nz__ctx *c, const nz_route_match *m)
{
	list_page(c, m, "tag");
}

/* A static page (About, the policies...) at /{slug}: its own table, tried after every other,
 * so the site's own addresses always win (app/static_page.c refuses their slugs anyway). */
static void static_page(nz__ctx *c, const nz_route_match *m)
{
	const char *s = nz_arena_str(c->req->arena, nz_route_param(m, "slug"));
	const char *edition = s ? nz_url_edition(c->req->arena, c->page.site, s) : NULL;
	if (edition && edition[0]) { /* "/ko": the Korean edition's front page is "/ko/" */
		nz_http_resp_header(c->resp, "Location",
				    nz_arena_printf(c->req->arena, "%s/", edition));
		nz__send_text(c->resp, 301, "Moved Permanently\n");
		return;
	}
	by_slug(c, m, nz_page_static);
}

static void static_file(nz__ctx *c, const nz_route_match *m)
{
	asset(c, nz_route_param(m, "path"));
}

static void favicon(nz__ctx *c, const nz_route_match *m)
{
	(void)m;
	asset(c, NZ_STR_LIT("favicon.svg"));
}

static void manifest(nz__ctx *c, const nz_route_match *m)
{
	(void)m;
	nz_err err = {0};
	nz_page_env env = nz__page_env(c);
	nz_page_out out = nz__page_out(c);
	nz__send_produced(c, nz_page_manifest(&env, &out, &err), &out, &err);
}

/* /healthz is answered by app.c before any of this (it must work without settings). */
static void healthz(nz__ctx *c, const nz_route_match *m)
{
	(void)m;
	nz__send_text(c->resp, 200, "ok\n");
}

const nz__route_entry nz__public_routes[] = {
    {"GET", "/", front},
    {"GET", "/page/{n}", front}, /* path-based pages, which static hosts can serve */
    {"GET", "/healthz", healthz},
    {"GET", "/section/{slug}", section},
    {"GET", "/section/{slug}/page/{n}", section},
    {"GET", "/author/{slug}", author},
    {"GET", "/author/{slug}/page/{n}", author},
    {"GET", "/tag/{slug}", tag},
    {"GET", "/tag/{slug}/page/{n}", tag},
    {"GET", "/article/{slug}", article},
    {"GET", "/media/{file}", media},
    {"GET", "/static/{*path}", static_file},
    {"GET", "/favicon.ico", favicon},
    {"GET", "/manifest.webmanifest", manifest},
    {NULL, NULL, NULL},
};

const nz__route_entry nz__static_page_routes[] = {
    {"GET", "/{slug}", static_page},
    {NULL, NULL, NULL},
};
