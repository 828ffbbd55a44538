/*
 * web internals every handler folder (public/, api/, admin/) shares: the application state,
 * the request context, the route entry, and helpers to answer with a page, a JSON value, an
 * error or what a page producer made, and to tell HTTP caching what a response depends on.
 * What only the server's core uses (the page cache's newsroom side, /metrics) is in
 * app_int.h; what one folder shares is in that folder's own header.
 */
#ifndef NZ_WEB_INT_H
#define NZ_WEB_INT_H

#include <jansson.h>

#include "content/content.h"
#include "http/http.h"
#include "pages/pages.h"
#include "render/render.h"
#include "store/pool.h"
#include "store/store.h"
#include "web/web.h"

typedef struct nz__ctx nz__ctx;

/* A route and its handler. Each folder exports tables of these ending with {NULL} (declared
 * in its own header); app.c tries them in the order of its list of tables. */
typedef struct nz__route_entry {
	const char *method;
	const char *pattern;
	void (*handle)(nz__ctx *c, const nz_route_match *m);
} nz__route_entry;

typedef struct nz__app {
	nz_theme *theme;
	const char *db_uri;
	const nz__route_entry **entries; /* flattened from every table; routes[i].id == i */
	nz_route *routes;
	size_t n_routes;
	nz_time started;              /* when the theme was loaded: Last-Modified of its assets */
	nz_http_pagecache *pagecache; /* NULL when the cache is off */
	struct nz__cachefeed *cachefeed; /* follows the change feed for it (pagecache.c) */
	struct nz__metrics *metrics;     /* /metrics (metrics.c) */
	nz_store_pool *pool;             /* the store handles requests take turns with */
	struct nz__replica *replica;     /* reads that may lag (replica.c); NULL: none */
	struct nz__views *views;         /* page views for "Most read" (views.c) */
	nz_http_streams *streams;        /* live stories' event streams (public/live.c) */
} nz__app;

/* What a handler needs for one request, loaded once by the dispatcher. */
struct nz__ctx {
	nz__app *app;
	nz_store *store;
	nz_http_req *req;
	nz_http_resp *resp;
	nz_site site;
	nz_page_ctx page;
	nz_http_cache_info cache;    /* filled through caching.c's helpers */
	nz_http_pagecache_note *pc;  /* the page cache's note on this request, or NULL */
	struct nz__auth_state *auth; /* admin/auth.c's per-request memo (who, CSRF) */
};

/* ---- what handlers count for the stats (views.c) ---------------------------------------- */

/* True for a User-Agent that is a robot's, a tool's, or missing. */
bool nz__views_is_robot(const char *ua);
/* One search with this query (as typed) that found nothing; v NULL counts nothing. */
void nz__views_search_miss(struct nz__views *v, const char *query);

/* ---- answering (respond.c) ------------------------------------------------------------- */

/* Loads site settings and sections into c->site / c->page. */
nz_rc nz__ctx_load(nz__ctx *c, nz_err *err);

/* Renders template `name` with view (a new reference, consumed) as an HTML response. */
void nz__send_page(nz__ctx *c, int status, const char *name, json_t *view);
/* A themed error page (404, 400, 405, 500...) in the site's language. */
void nz__send_error_page(nz__ctx *c, int status, const char *message);
/* A JSON response from value (consumed). */
void nz__send_json(nz_http_resp *resp, int status, json_t *value);
/* {"error":{"code":…,"message":…}} */
void nz__send_json_error(nz_http_resp *resp, int status, const char *code, const char *message);
/* Plain text, for when even the theme cannot help (503 without a database). */
void nz__send_text(nz_http_resp *resp, int status, const char *text);

/* Parses ?page=N (1 when absent). NZ_INVAL for anything but a positive integer <= 100000. */
nz_rc nz__page_param(const nz_http_req *req, size_t *page);

/* ---- security headers (headers.c) ----------------------------------------------------- */

/* Adds the headers that depend on the kind of response (CSP, Referrer-Policy, HSTS when the
 * base URL is https); run once the site is loaded, before routing. */
void nz__security_headers(nz__ctx *c);
/* Makes every back-office and admin-API answer Cache-Control: no-store, whatever answered it
 * (handler, 404, 405, the sign-in gate); run last. */
void nz__private_no_store(const nz_http_req *req, nz_http_resp *resp);

/* ---- HTTP caching: what handlers say (caching.c; the step itself is http/cache.c) ------ */

/* True for the paths HTTP caching must leave alone whatever their headers say: the back office
 * (/admin..., /api/v1/admin...) and operations (/metrics, /healthz). app.c marks such a
 * request's c->cache private before anything else. */
bool nz__cache_private_path(const char *path);
/* Adds one key to the response's Surrogate-Key header (duplicates are dropped):
 * nz__surrogate_add(c, "article-%lld", (long long)a->id). Keys name what a page depends on so a
 * CDN can purge exactly the pages a change touches: "article-<id>", "section-<id>", "tag-<id>",
 * "author-<id>", "front" (everything that lists the newest articles site-wide: the front page,
 * site feeds, sitemaps, the API list), "corrections" (the corrections feed), "static" (theme
 * assets). */
void nz__surrogate_add(nz__ctx *c, const char *fmt, ...) NZ_PRINTF(2, 3);
/* The keys of one article: article-<id>, section-<id>, tag-<id>..., author-<id>.... */
void nz__surrogate_article(nz__ctx *c, const nz_article *a);
/* Keeps the newest time given as the response's Last-Modified (0 is ignored). */
void nz__cache_modified(nz__ctx *c, nz_time t);
/* For a list: Last-Modified from its newest item, and "article-<id>" for each item. */
void nz__cache_list(nz__ctx *c, const nz_article *items, size_t n);

/* How long each kind of response may be cached (docs/caching-and-webhooks.md). */
typedef enum nz__cache_kind {
	NZ__CACHE_FRONT,     /* the front page: public, max-age=60 */
	NZ__CACHE_LIST,      /* section, tag, author, search pages; the API list */
	NZ__CACHE_ARTICLE,   /* an article page or the API's article */
	NZ__CACHE_FEED,      /* feeds, sitemaps, robots.txt */
	NZ__CACHE_ASSET,     /* a theme file by its plain name (/static/site.css) */
	NZ__CACHE_IMMUTABLE, /* content-addressed: hashed assets, /media/<sha256> */
	NZ__CACHE_PRIVATE,   /* per user: private, no-store (never cached, no ETag) */
} nz__cache_kind;
/* Sets the response's Cache-Control for its kind (replacing one set before). */
void nz__cache_policy(nz__ctx *c, nz__cache_kind kind);

/* The caching step app.c runs after every handler (http/cache.c's, on c->cache): for a public
 * 200 answer to GET or HEAD it adds ETag, Last-Modified, Cache-Control, Vary and
 * Surrogate-Key, answers 304 when the request's validators match, and gzips text when the
 * client accepts it. */
void nz__cache_finish(nz__ctx *c);

/* ---- answering with pages/' producers (produce.c) ------------------------------------- */

/* The producers' environment for this request (its store handle, page context and arena). */
nz_page_env nz__page_env(nz__ctx *c);
/* An empty response body as a producer's output buffer. */
nz_page_out nz__page_out(nz__ctx *c);
/* Answers with what a producer made: the page (with its cache policy, Surrogate-Keys and
 * Last-Modified), a 301, a themed 400/404, or 500/503 when rc is an error. */
void nz__send_produced(nz__ctx *c, nz_rc rc, const nz_page_out *out, const nz_err *err);
/* Answers 301 when the request (a GET or HEAD no route took, or the root with a WordPress
 * query such as /?p=123; routed false: any) is an old address in the redirect table
 * (redirects.c); false when it is not. A list page that found nothing asks it too: a merged
 * author's old address. */
bool nz__old_address(nz__ctx *c, bool routed);

/* ---- search filters, read alike by the search page and the API (search_params.c) ------ */

/* The filters of a request, read and checked; bad holds a message for a 400 (else NULL). */
typedef struct nz__search_filters {
	nz_article_search q;
	const char *section, *author, *tag, *lang, *from, *to, *sort;
	bool recency_off;
	const char *bad;
} nz__search_filters;
/* Reads section, author, tag, lang, from, to, sort and recency from the query into f. */
void nz__search_filters_read(nz__ctx *c, nz__search_filters *f);
/* A date filter: "2026-03-17" is that day in the site's zone (its end with end_of_day); a full
 * RFC 3339 time is taken as it is. False when s is neither. */
bool nz__date_param(const char *s, const char *zone, bool end_of_day, nz_time *out);
/* A search snippet as HTML, in arena ("" when there is none). */
const char *nz__search_snippet_html(nz_arena *arena, const char *snippet);

#endif
