/*
 * web/public/editions: the site's other editions (docs/editions.md). "/ko/section/defense" is the
 * page "/section/defense" in the Korean edition: the handler checks that "ko" is an edition other
 * than the site's own language, marks the request's page context with it, and answers as the
 * route of the rest of the path does. Only the pages an edition has are reachable this way: its
 * front page, section, tag and author pages, search, feeds and the static pages' versions
 * ("/ko/about": one segment that is no address of the site's own; an article has one address;
 * its language picks its edition).
 */
#include <string.h>

#include "app/app.h"
#include "web/public/public_int.h"

/* The routes an edition repeats under its prefix. */
static const char *const inside[] = {"/",        "/page/",  "/section/", "/tag/",
				     "/author/", "/search", "/feed."};

static bool allowed(const char *path)
{
	for (size_t i = 0; i < sizeof inside / sizeof inside[0]; i++) {
		size_t n = strlen(inside[i]);
		if (strncmp(path, inside[i], n) == 0 && (n > 1 || path[1] == '\0'))
			return true;
	}
	/* "/about": a static page's address (slugs never take the site's own segments) */
	return path[0] == '/' && !strchr(path + 1, '/') && nz_slug_valid(nz_str_c(path + 1)) &&
	       !nz_app_static_page_reserved(path + 1);
}

static void edition(nz__ctx *c, const nz_route_match *m)
{
	nz_route_match inner;
	nz_arena *arena = c->req->arena;
	const char *code = nz_arena_str(arena, nz_route_param(m, "edition"));
	size_t skip = code ? 1 + strlen(code) : 0; /* "/ko" */
	const char *path = code ? c->req->path + skip : NULL;
	const char *prefix = code ? nz_url_edition(arena, c->page.site, code) : NULL;
	if (!prefix || !prefix[0] || !allowed(path) ||
	    nz_router_match(c->app->routes, c->app->n_routes, c->req->method, path, &inner, NULL) !=
		NZ_OK) {
		nz__send_error_page(c, 404, NULL);
		return;
	}
	c->page.edition = code;
	c->app->entries[inner.id]->handle(c, &inner);
}

const nz__route_entry nz__edition_routes[] = {
    {"GET", "/{edition}/", edition},
    {"GET", "/{edition}/page/{n}", edition},
    {"GET", "/{edition}/section/{*rest}", edition},
    {"GET", "/{edition}/tag/{*rest}", edition},
    {"GET", "/{edition}/author/{*rest}", edition},
    {"GET", "/{edition}/search", edition},
    {"GET", "/{edition}/feed.rss", edition},
    {"GET", "/{edition}/feed.atom", edition},
    {"GET", "/{edition}/feed.json", edition},
    {"GET", "/{edition}/{slug}", edition}, /* a static page's version */
    {NULL, NULL, NULL},
};
