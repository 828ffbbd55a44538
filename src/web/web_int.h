/*
 * web internals shared by the handlers: the application state, the per-thread context, and
 * helpers to answer with a page, a JSON value or an error.
 */
#ifndef NZ_WEB_INT_H
#define NZ_WEB_INT_H

#include <jansson.h>

#include "content/content.h"
#include "http/http.h"
#include "pages/pages.h"
#include "render/render.h"
#include "store/store.h"
#include "web/web.h"

typedef struct nz__ctx nz__ctx;
typedef struct nz__cachefeed nz__cachefeed; /* pagecache.c */

/* A route and its handler. Each feature (public pages, API, search, feeds, admin) exports a
 * table of these ending with {NULL}; app.c tries them in the order of its list of tables. */
typedef struct nz__route_entry {
	const char *method;
	const char *pattern;
	void (*handle)(nz__ctx *c, const nz_route_match *m);
} nz__route_entry;

extern const nz__route_entry nz__public_routes[];
extern const nz__route_entry nz__api_routes[];
/* ---- more route tables: back office, distribution, search ---- */
/* distribution: feeds, sitemaps, robots.txt (distribution.c) */
extern const nz__route_entry nz__distribution_routes[];
/* distribution: webhooks' admin API (api_webhooks.c) and page (admin_webhooks.c) */
extern const nz__route_entry nz__webhook_api_routes[];
extern const nz__route_entry nz__admin_webhook_routes[];
/* back office: sign-in pages (admin_auth.c) and the admin JSON API (admin_api.c) */
extern const nz__route_entry nz__admin_auth_routes[];
extern const nz__route_entry nz__admin_api_routes[];
/* back office: the back office's pages (admin_pages.c; handlers in admin_*.c) */
extern const nz__route_entry nz__admin_routes[];
/* search: the search page (search.c); the API's q= calls into it (article pages'
 * related articles are made in pages/pages.c) */
extern const nz__route_entry nz__search_routes[];
/* Answers /api/v1/articles?q=... (ranked, in the list's shape, each with a "snippet"). */
void nz__search_api(nz__ctx *c);

typedef struct nz__app {
	nz_theme *theme;
	const char *db_uri;
	const nz__route_entry **entries; /* flattened from every table; routes[i].id == i */
	nz_route *routes;
	size_t n_routes;
	nz_time started;              /* when the theme was loaded: Last-Modified of its assets */
	nz_http_pagecache *pagecache; /* NULL when the cache is off */
	nz__cachefeed *cachefeed;     /* follows the change feed for it (pagecache.c) */
	struct nz__metrics *metrics;  /* /metrics (metrics.c) */
} nz__app;

/* One per worker thread: its own store handle. */
typedef struct nz__thread {
	nz__app *app;
	nz_store *store;
	nz_err open_err; /* why store is NULL */
} nz__thread;

/* What a public handler needs for one request, loaded once by the dispatcher. */
struct nz__ctx {
	nz__app *app;
	nz_store *store;
	nz_http_req *req;
	nz_http_resp *resp;
	nz_site site;
	nz_page_ctx page;
	nz_http_cache_info cache;    /* filled through caching.c's helpers */
	nz_http_pagecache_note *pc;  /* the page cache's note on this request, or NULL */
	struct nz__auth_state *auth; /* web/auth.c's per-request memo (who, CSRF) */
};

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

/* True when the path is under /api/ (errors there are JSON, not pages). */
bool nz__is_api(const char *path);

/* ---- HTTP caching: what handlers say (caching.c; the step itself is http/cache.c) ------ */

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
/* The newest of an article's published, updated and correction times. */
nz_time nz__article_modified(const nz_article *a);
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

/* ---- webhooks' admin API (admin/api_webhooks.c) ------------------------------------ */

/* The API's shapes of a hook (its secret only when with_secret) and of a delivery. */
json_t *nz__webhook_json(const nz_webhook *w, bool with_secret);
json_t *nz__delivery_json(const nz_delivery *d);

/* ---- distribution: ninjs for the API's article (distribution.c) ----------------- */

/* True when the request asks for ninjs: the slug ends in ".ninjs" (which is then cut off *slug)
 * or the Accept header names application/ninjs+json. */
bool nz__ninjs_wanted(nz__ctx *c, nz_str *slug);
/* Answers with the article as IPTC ninjs 2.2 (the caller checked it is public). */
void nz__send_ninjs(nz__ctx *c, const nz_article *a);

/* ---- speed: answering with pages/' producers (produce.c) --------------------- */

/* The producers' environment for this request (its store handle, page context and arena). */
nz_page_env nz__page_env(nz__ctx *c);
/* An empty response body as a producer's output buffer. */
nz_page_out nz__page_out(nz__ctx *c);
/* Answers with what a producer made: the page (with its cache policy, Surrogate-Keys and
 * Last-Modified), a 301, a themed 400/404, or 500/503 when rc is an error. */
void nz__send_produced(nz__ctx *c, nz_rc rc, const nz_page_out *out, const nz_err *err);

/* ---- speed: the page cache's newsroom side (pagecache.c) and /metrics (metrics.c) ---- */

/* The page cache (http/pagecache.c) learns here what it cannot know itself: the API's ninjs
 * variant, and which keys a write changed, from the change feed (store.h, "speed"), both after
 * a write in this process (before its response goes out) and, through a thread that polls the
 * feed's seq, after other processes' writes. When an embargo or a publication time passes,
 * pages change without a write: from that second on the cache serves nothing until the poll
 * thread has ticked the change feed (which names the pages) and dropped them. */
/* Starts following db_uri's change feed for pc every poll_ms (0: 100). */
nz_rc nz__cachefeed_start(nz_http_pagecache *pc, const char *db_uri, unsigned poll_ms,
			  nz__cachefeed **out, nz_err *err);
/* Stops the poll thread and frees f; NULL-safe. */
void nz__cachefeed_stop(nz__cachefeed *f);
/* Reads the change feed past what was seen and drops the entries of every key in it. */
void nz__cachefeed_sync(nz__cachefeed *f, nz_store *store, nz_arena *arena);
/* The keys that drop every entry: "settings" and "site". */
extern const char *const nz__pagecache_clear_keys[];

/* app.c, first thing for a request: true when it was answered from the cache (a 200 or 304
 * in c->resp). Otherwise notes what to store later. */
bool nz__pagecache_serve(nz__ctx *c);
/* app.c, after the handler and before the caching step: keeps the handler's own answer. */
void nz__pagecache_keep(nz__ctx *c);
/* app.c, after the caching step: stores a cacheable answer; after a request that may have
 * written (any method but GET and HEAD), drops what the change feed says changed, before the
 * response goes out. */
void nz__pagecache_after(nz__ctx *c);
/* The page cache's variant of a request: "ninjs" for an API request whose Accept names
 * application/ninjs+json, else NULL. */
const char *nz__pagecache_variant(const char *path, const char *accept);

/* /metrics: Prometheus text. Requests by kind and status class, latency histograms, the page
 * cache's counters. Every counter is an atomic. */
typedef struct nz__metrics nz__metrics;
nz__metrics *nz__metrics_new(void); /* NULL when out of memory (then nothing is counted) */
void nz__metrics_free(nz__metrics *m);
/* Counts one answered request that took from start_ns (nz__metrics_now()) until now. */
int64_t nz__metrics_now(void);
void nz__metrics_count(nz__metrics *m, const nz_http_req *req, const nz_http_resp *resp,
		       int64_t start_ns);
extern const nz__route_entry nz__metrics_routes[];

#endif
