/*
 * web/app: the Newszone application on top of the HTTP glue. Owns the theme, the routes and the
 * pool of store handles (store/pool.h: a request that needs the database takes one and gives
 * it back when answered), and dispatches each request to its handler.
 * Handlers never free request data: everything per request lives in req->arena.
 */
#include <stdlib.h>
#include <string.h>

#include "jobs/jobs.h"
#include "web/admin/admin_int.h"
#include "web/api/api_int.h"
#include "web/app_int.h"
#include "web/public/public_int.h"

#define RETRY_AFTER_S "5" /* what a 503 tells clients */
#define UNAVAILABLE_HTML(why)                                                                      \
	"<!doctype html>\n<html><head><meta charset=\"utf-8\"><title>Temporarily unavailable"      \
	"</title></head>\n<body><h1>Temporarily unavailable</h1>\n<p>This page cannot be shown "   \
	"right now: " why ". Please try again in a moment.</p></body></html>\n"

/* Every feature's routes, tried in this order. */
static const nz__route_entry *const route_tables[] = {
    nz__public_routes,            /* the reader's pages (public/pages.c) */
    nz__live_routes,              /* live stories' event streams (public/live.c) */
    nz__api_routes,               /* the read API (api/articles.c) */
    nz__feed_routes,              /* feeds, sitemaps, robots.txt (public/feeds.c) */
    nz__webhook_api_routes,       /* webhooks' admin API (admin/api_webhooks.c) */
    nz__admin_webhook_routes,     /* webhooks' page (admin/webhooks.c) */
    nz__admin_redirect_routes,    /* old addresses (admin/redirects.c) */
    nz__admin_stats_routes,       /* the stats page (admin/stats.c) */
    nz__admin_media_routes,       /* the media library (admin/media_library.c) */
    nz__search_routes,            /* /search (public/search.c) */
    nz__admin_auth_routes,        /* sign-in (admin/login.c) */
    nz__admin_session_routes,     /* one's own sessions (admin/sessions.c) */
    nz__admin_presence_routes,    /* who else is editing (admin/presence.c) */
    nz__admin_live_routes,        /* live coverage's page and API, before {id}/{action} */
    nz__admin_api_routes,         /* the admin API (admin/api_*.c) */
    nz__admin_page_api_routes,    /* the static pages' admin API (admin/api_pages.c) */
    nz__admin_author_api_routes,  /* the authors' admin API (admin/api_authors.c) */
    nz__admin_author_routes,      /* the authors' pages (admin/authors.c) */
    nz__admin_tag_routes,         /* the tags' pages and admin API (admin/tags.c) */
    nz__admin_static_page_routes, /* the static pages' editor (admin/static_pages.c) */
    nz__page_api_routes,          /* the static pages' read API (api/static_pages.c) */
    nz__admin_front_api_routes,   /* the front layouts' admin API (admin/api_front.c) */
    nz__most_read_api_routes,     /* /api/v1/most-read (api/most_read.c) */
    nz__section_api_routes,       /* /api/v1/sections (api/sections.c) */
    nz__admin_front_routes,       /* the front layouts' page (admin/front_page.c) */
    nz__admin_routes,             /* back-office pages (admin/pages.c) */
    nz__metrics_routes,           /* /metrics (metrics.c) */
    nz__edition_routes,           /* /ko/..., the other editions (public/editions.c) */
    nz__static_page_routes,       /* /{slug}, the static pages: last (public/pages.c) */
};

struct nz_web {
	nz__app app;
	char *proxies[NZ_WEB_MAX_TRUSTED_PROXIES * 2]; /* --trusted-proxy, then the setting's */
	size_t n_proxies;
	nz_http_server *http;
	nz_jobs *jobs; /* the scheduler and webhook delivery */
};

/* 503 with Retry-After: the database cannot be reached, or every connection of the pool
 * stayed busy (busy); cached pages are still served either way. */
static void send_unavailable(nz_http_req *req, nz_http_resp *resp, bool busy)
{
	if (nz__is_api(req->path) && busy) {
		nz__send_json_error(resp, 503, "database_busy",
				    "every database connection is busy; try again shortly");
	} else if (nz__is_api(req->path)) {
		nz__send_json_error(resp, 503, "database_unavailable",
				    "the database is unavailable; try again shortly");
	} else {
		nz__send_text(resp, 503,
			      busy ? UNAVAILABLE_HTML("the site is too busy")
				   : UNAVAILABLE_HTML("the site's database is unavailable"));
		resp->content_type = "text/html; charset=utf-8";
	}
	nz_http_resp_header(resp, "Retry-After", RETRY_AFTER_S);
	nz_http_resp_header(resp, "Cache-Control", "no-store");
}

bool nz__is_api(const char *path)
{
	return strncmp(path, "/api/", 5) == 0;
}

/* Flattens the route tables into app->routes (ids index app->entries). */
static nz_rc build_routes(nz__app *app)
{
	size_t n = 0;
	for (size_t t = 0; t < sizeof route_tables / sizeof route_tables[0]; t++)
		for (const nz__route_entry *e = route_tables[t]; e->pattern; e++)
			n++;
	app->entries = calloc(n, sizeof *app->entries);
	app->routes = calloc(n, sizeof *app->routes);
	if (!app->entries || !app->routes)
		return NZ_NOMEM;
	for (size_t t = 0; t < sizeof route_tables / sizeof route_tables[0]; t++) {
		for (const nz__route_entry *e = route_tables[t]; e->pattern; e++) {
			app->entries[app->n_routes] = e;
			app->routes[app->n_routes] =
			    (nz_route){e->method, e->pattern, (int)app->n_routes};
			app->n_routes++;
		}
	}
	return NZ_OK;
}

static void free_app(nz__app *app)
{
	nz__views_stop(app->views); /* after the HTTP server: the last counts are written */
	nz__cachefeed_stop(app->cachefeed);
	nz_http_streams_free(app->streams); /* after the HTTP server: no stream is open */
	nz_store_pool_free(app->pool);
	nz__replica_free(app->replica);
	nz_http_pagecache_free(app->pagecache);
	nz__metrics_free(app->metrics);
	nz_theme_free(app->theme);
	free(app->entries);
	free(app->routes);
}

static void free_proxies(nz_web *w)
{
	for (size_t i = 0; i < w->n_proxies; i++)
		free(w->proxies[i]);
	w->n_proxies = 0;
}

/* The serve options' trusted proxies and those of the trusted_proxies setting (addresses or
 * CIDR blocks separated by spaces or commas), copied into out. */
static nz_rc trusted_proxies(nz_store *store, const nz_web_opts *opts, char **out, size_t *n,
			     nz_err *err)
{
	const char *setting = NULL;
	nz_arena *arena = nz_arena_new();
	nz_rc rc = arena ? NZ_OK : NZ_NOMEM;
	*n = 0;
	for (size_t i = 0;
	     rc == NZ_OK && i < opts->n_trusted_proxies && i < NZ_WEB_MAX_TRUSTED_PROXIES; i++)
		rc = (out[(*n)++] = strdup(opts->trusted_proxies[i])) ? NZ_OK : NZ_NOMEM;
	if (rc == NZ_OK) {
		rc = nz_store_setting_get(store, arena, "trusted_proxies", &setting, err);
		if (rc == NZ_NOTFOUND) { /* not set: only the serve options */
			*err = (nz_err){0};
			rc = NZ_OK;
		}
	}
	for (const char *p = setting; rc == NZ_OK && p && *p;) {
		size_t skip = strspn(p, " \t\r\n,"), len = strcspn(p + skip, " \t\r\n,");
		p += skip;
		if (!len)
			break;
		if (*n >= NZ_WEB_MAX_TRUSTED_PROXIES * 2) {
			rc = nz_err_set(err, NZ_TOOBIG, "trusted_proxies: more than %d entries",
					NZ_WEB_MAX_TRUSTED_PROXIES);
			break;
		}
		rc = (out[(*n)++] = strndup(p, len)) ? NZ_OK : NZ_NOMEM;
		p += len;
	}
	if (rc == NZ_NOMEM)
		nz_err_set(err, rc, "out of memory");
	nz_arena_free(arena);
	return rc;
}

/* Answers a request the page cache did not; c->store is NULL when the pool had none (busy:
 * every connection stayed lent, else the database is unavailable). */
static void respond(nz__app *app, nz__ctx *c, bool busy)
{
	nz_http_req *req = c->req;
	nz_http_resp *resp = c->resp;
	nz_route_match m;
	const char *allow = NULL;
	nz_rc rc = nz_router_match(app->routes, app->n_routes, req->method, req->path, &m, &allow);
	if (rc == NZ_OK && strcmp(app->routes[m.id].pattern, "/healthz") == 0) {
		/* Healthy means: the database answers. */
		nz_err err = {0};
		nz_site site;
		bool ok =
		    c->store && nz_store_site_load(c->store, req->arena, &site, &err) == NZ_OK;
		const char *state = ok     ? "ok\n"
				    : busy ? "database busy\n"
					   : "database unavailable\n";
		const char *replica = nz__replica_health(app->replica, req->arena);
		const char *text =
		    *replica ? nz_arena_printf(req->arena, "%s%s", state, replica) : state;
		nz__send_text(resp, ok ? 200 : 503, text ? text : state);
		if (!ok)
			nz_http_resp_header(resp, "Retry-After", RETRY_AFTER_S);
		return;
	}
	if (rc == NZ_OK && strcmp(app->routes[m.id].pattern, "/metrics") == 0) {
		app->entries[m.id]->handle(c, &m); /* needs no database: works during an outage */
		return;
	}
	if (!c->store) {
		send_unavailable(req, resp, busy);
		return;
	}
	nz_err err = {0};
	if (nz__ctx_load(c, &err) != NZ_OK) {
		NZ_LOG(NZ_LOG_ERROR, "web", "%s %s: %s", req->method, req->path, err.msg);
		if (nz_store_failed(c->store))
			send_unavailable(req, resp, false);
		else
			nz__send_text(resp, 500, "Internal error.\n");
		return;
	}
	nz__security_headers(c);
	if (!nz__auth_gate(c)) /* /admin security headers and CSRF check */
		return;
	/* The static pages' /{slug} takes any one-segment path, and the editions' /{edition}/...
	 * any path under a first segment: an old address there still wins. */
	bool catch_all = rc == NZ_OK && (strcmp(app->routes[m.id].pattern, "/{slug}") == 0 ||
					 strncmp(app->routes[m.id].pattern, "/{edition}", 10) == 0);
	if (nz__old_address(c, rc == NZ_OK && !catch_all)) /* a permalink, /?p=123, ... */
		return;
	if (rc == NZ_METHOD) {
		nz_http_resp_header(resp, "Allow", allow);
		if (nz__is_api(req->path))
			nz__send_json_error(resp, 405, "method_not_allowed",
					    "this method is not allowed here");
		else
			nz__send_error_page(c, 405, NULL);
		return;
	}
	if (rc != NZ_OK) {
		if (nz__is_api(req->path))
			nz__send_json_error(resp, 404, "not_found", "no such endpoint");
		else
			nz__send_error_page(c, 404, NULL);
		return;
	}
	app->entries[m.id]->handle(c, &m);
	if (nz_store_failed(c->store)) /* whatever it answered, the database was lost under it */
		send_unavailable(req, resp, false);
	nz__pagecache_keep(c);  /* the handler's own answer, for the page cache */
	nz__cache_finish(c);    /* ETag, 304, gzip, Surrogate-Key: cache.c */
	nz__pagecache_after(c); /* store it; after a write, drop what changed */
}

/* What the quick step found for a request it did not answer (req->handoff, in the arena). */
typedef struct handoff {
	int64_t start;              /* when the quick step began: the wait for a worker counts */
	nz_http_pagecache_note *pc; /* the page cache's note (what to store) */
} handoff;

/* True when req goes to a route that may read a replica that lags (--db-read). */
static bool lag_ok(const nz__app *app, const nz_http_req *req)
{
	nz_route_match m;
	const char *allow = NULL;
	if (!app->replica || nz_router_match(app->routes, app->n_routes, req->method, req->path, &m,
					     &allow) != NZ_OK)
		return false;
	return nz__replica_route(app->routes[m.id].pattern, req);
}

/* Answers c's request on a replica handle (the page cache keeps nothing of it); false when
 * it did not: no handle for it (web/replica.c says why), or the handle failed as it ran (what
 * it answered is dropped). */
static bool respond_on_replica(nz__app *app, nz__ctx *c)
{
	nz__ctx before = *c;
	size_t n_headers = c->resp->n_headers;
	c->store = nz__replica_take(app->replica, c->req);
	if (!c->store)
		return false;
	c->pc = NULL;
	respond(app, c, false);
	if (nz__replica_give(app->replica, c->store))
		return true;
	nz_http_resp *resp = c->resp;
	nz_buf_reset(&resp->body);
	resp->status = 0;
	resp->content_type = NULL;
	resp->n_headers = n_headers;
	*c = before;
	return false;
}

static void dispatch(void *app_ptr, nz_http_req *req, nz_http_resp *resp)
{
	nz__app *app = app_ptr;
	nz__ctx c = {.app = app, .req = req, .resp = resp};
	const handoff *h = req->handoff;
	c.cache.private = nz__cache_private_path(req->path);
	if (h)
		c.pc = h->pc;             /* the quick step looked in the page cache already */
	else if (nz__pagecache_serve(&c)) /* from the page cache, before any database work */
		return;
	if (lag_ok(app, req) && respond_on_replica(app, &c))
		return;
	nz_err err = {0};
	nz_rc rc = strcmp(req->path, "/metrics") == 0
		       ? NZ_OK
		       : nz_store_pool_get(app->pool, &c.store, &err);
	respond(app, &c, rc == NZ_TOOBIG);
	nz_store_pool_put(app->pool, c.store);
}

/* A reader's view of an article page, served from the cache or not, and the external site
 * that sent a reader to any public page (views.c). */
static void count_view(nz__app *app, const nz_http_req *req, const nz_http_resp *resp)
{
	int status = resp->status ? resp->status : 200;
	if (!app->views || (status != 200 && status != 304) || strcmp(req->method, "GET") != 0 ||
	    nz__is_api(req->path) || strncmp(req->path, "/admin", 6) == 0 ||
	    strncmp(req->path, "/static/", 8) == 0 || strncmp(req->path, "/media/", 7) == 0 ||
	    nz__views_is_robot(nz_http_header(req, "User-Agent")))
		return;
	if (strncmp(req->path, "/article/", 9) == 0)
		nz__views_count(app->views, req->path + 9);
	char host[128];
	if (nz__views_referrer_host(nz_http_header(req, "Referer"), nz_http_header(req, "Host"),
				    host, sizeof host))
		nz__views_referrer(app->views, host);
}

/* Every request is counted and timed for /metrics (metrics.c). */
static void answered(nz__app *app, nz_http_req *req, nz_http_resp *resp, int64_t start)
{
	nz__private_no_store(req, resp);
	nz__metrics_count(app->metrics, req, resp, start);
	count_view(app, req, resp);
}

/* On a render worker (or, without workers, the event thread). */
static void handle(void *app_ptr, nz_http_req *req, nz_http_resp *resp)
{
	const handoff *h = req->handoff;
	int64_t start = h ? h->start : nz__metrics_now();
	dispatch(app_ptr, req, resp);
	answered(app_ptr, req, resp, start);
}

/* On the event thread that read the request: the page cache, which needs no database; the rest
 * goes to a render worker (http/workers.c) with what the lookup found. */
static bool quick(void *app_ptr, nz_http_req *req, nz_http_resp *resp)
{
	nz__app *app = app_ptr;
	int64_t start = nz__metrics_now();
	nz__ctx c = {.app = app, .req = req, .resp = resp};
	c.cache.private = nz__cache_private_path(req->path);
	if (nz__pagecache_serve(&c)) {
		answered(app, req, resp, start);
		return true;
	}
	handoff *h = nz_arena_alloc(req->arena, sizeof *h);
	if (h) /* else the handler looks again */
		*h = (handoff){.start = start, .pc = c.pc};
	req->handoff = h;
	return false;
}

/* Render workers: twice the database pool's connections. A render holds a connection for its
 * whole run, so at most the pool's size of workers can be held by a slow or stuck database; the
 * others wait at most --db-wait for a connection and answer 503, so requests keep moving (and
 * /metrics, which needs none, answers) instead of queueing behind the stuck ones. Fewer than
 * the pool's size would leave connections unused (docs/performance.md). */
static unsigned workers_for(const nz_web_opts *opts)
{
	if (opts->workers)
		return opts->workers;
	return 2 * (opts->db_pool ? opts->db_pool : nz_store_pool_size_default());
}

/* Live stories' event streams may take 3/4 of the connections (default 1,024): they are never
 * closed to make room, and the rest stays for everyone else (docs/live-coverage.md). */
static size_t streams_max(unsigned max_connections)
{
	return (size_t)(max_connections ? max_connections : 1024) * 3 / 4;
}

nz_rc nz_web_start(const nz_web_opts *opts, nz_web **out, nz_err *err)
{
	*out = NULL;
	nz_web *w = calloc(1, sizeof *w);
	nz_rc rc = NZ_NOMEM;
	if (!w) {
		nz_err_set(err, rc, "out of memory");
		goto out;
	}
	w->app.db_uri = opts->db_uri;
	w->app.started = nz_time_now();
	rc = build_routes(&w->app);
	if (rc != NZ_OK) {
		nz_err_set(err, rc, "out of memory");
		goto out;
	}
	nz_store *probe = NULL;
	nz_store_pool_opts po = {.uri = opts->db_uri,
				 .flags = NZ_STORE_SERVER,
				 .size = opts->db_pool,
				 .wait_ms = opts->db_wait_ms};
	rc = nz_store_pool_new(&po, &w->app.pool, err);
	if (rc == NZ_OK)
		rc = nz__replica_start(opts, &w->app.replica, err);
	if (rc == NZ_OK)
		rc = nz_store_pool_get(w->app.pool, &probe, err);
	if (rc == NZ_OK) {
		rc = trusted_proxies(probe, opts, w->proxies, &w->n_proxies, err);
		nz_store_pool_put(w->app.pool, probe);
		probe = NULL;
	}
	if (rc != NZ_OK)
		goto out;
	rc = nz_theme_load(opts->theme_dir, &w->app.theme, err);
	if (rc != NZ_OK)
		goto out;
	w->app.metrics = nz__metrics_new(); /* NULL only counts nothing */
	nz_http_pagecache_opts pco = {
	    .clear_keys = nz__pagecache_clear_keys,
	    .limit_bytes = opts->cache_mb < 0    ? 0
			   : opts->cache_mb == 0 ? (size_t)NZ_WEB_CACHE_MB_DEFAULT << 20
						 : (size_t)opts->cache_mb << 20,
	    .ttl_s = opts->cache_ttl_s ? opts->cache_ttl_s : NZ_WEB_CACHE_TTL_DEFAULT};
	rc = nz_http_pagecache_new(&pco, &w->app.pagecache, err);
	if (rc == NZ_OK)
		rc = nz_http_streams_new(0, streams_max(opts->max_connections), &w->app.streams,
					 err);
	/* followed even without a page cache: the event streams hear of changes from it too */
	if (rc == NZ_OK)
		rc = nz__cachefeed_start(w->app.pagecache, w->app.streams, opts->db_uri, 0,
					 &w->app.cachefeed, err);
	if (rc != NZ_OK)
		goto out;
	nz_http_opts ho = {
	    .host = opts->host ? opts->host : "127.0.0.1",
	    .port = opts->port,
	    .threads = opts->threads ? opts->threads : 2,
	    .workers = workers_for(opts),
	    .quick = quick,
	    .max_connections = opts->max_connections,
	    .max_per_address = opts->max_per_address,
	    .head_timeout_s = opts->head_timeout_s,
	    .trusted_proxies = (const char *const *)w->proxies,
	    .n_trusted_proxies = w->n_proxies,
	    .streams = w->app.streams,
	};
	rc = nz__views_start(opts->db_uri, opts->most_read_refresh_s, &w->app.views, err);
	if (rc != NZ_OK)
		goto out;
	rc = nz_http_start(&ho, handle, &w->app, &w->http, err);
	if (rc != NZ_OK)
		goto out;
	rc = nz_jobs_start(&(nz_jobs_opts){.db_uri = opts->db_uri}, &w->jobs, err);
	if (rc != NZ_OK) {
		nz_http_stop(w->http);
		goto out;
	}
	*out = w;
	w = NULL;
out:
	if (w) {
		free_app(&w->app);
		free_proxies(w);
		free(w);
	}
	return rc;
}

unsigned nz_web_port(const nz_web *w)
{
	return nz_http_port(w->http);
}

void nz_web_wait_and_stop(nz_web *w)
{
	if (!w)
		return;
	nz_http_wait(w->http);
	nz_jobs_stop(w->jobs);
	nz_http_stop(w->http);
	free_app(&w->app);
	free_proxies(w);
	free(w);
}
