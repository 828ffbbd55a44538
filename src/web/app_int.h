/*
 * web/app_int.h: what only the server's core shares (app.c, pagecache.c, metrics.c): the page
 * cache's newsroom side and /metrics. Handlers include web_int.h (or their folder's header).
 */
#ifndef NZ_WEB_APP_INT_H
#define NZ_WEB_APP_INT_H

#include "web/web_int.h"

typedef struct nz__cachefeed nz__cachefeed;

/* True when the path is under /api/ (errors there are JSON, not pages). */
bool nz__is_api(const char *path);

/* ---- page views for "Most read", reader counts for the stats (views.c)
 * ---------------------------------------------- */

typedef struct nz__views nz__views;
/* Starts counting, with a thread that writes the counts to db_uri every few seconds and tells
 * the change feed "most-read" at most every refresh_s (0: the default). */
nz_rc nz__views_start(const char *db_uri, unsigned refresh_s, nz__views **out, nz_err *err);
/* Writes what is left, stops the thread and frees v; NULL-safe. */
void nz__views_stop(nz__views *v);
/* One view of the article page with this slug (as in its URL); v NULL counts nothing. */
void nz__views_count(nz__views *v, const char *slug);
/* The host name of an http(s) Referer into host (lowercase, size bytes at most), true when
 * it is a site's other than own_host (the request's Host, its port ignored). */
bool nz__views_referrer_host(const char *referer, const char *own_host, char *host, size_t size);
/* One reader sent by the external site host (from nz__views_referrer_host). */
void nz__views_referrer(nz__views *v, const char *host);
/* query as counted: control bytes and runs of spaces as one space, trimmed, ASCII lowercased,
 * cut to size - 1 bytes at a character boundary. */
void nz__views_search_norm(const char *query, char *out, size_t size);

/* ---- the page cache's newsroom side (pagecache.c) ------------------------------------- */

/* The page cache (http/pagecache.c) learns here what it cannot know itself: the API's ninjs
 * variant, and which keys a write changed, from the change feed (store.h, "speed"), both after
 * a write in this process (before its response goes out) and, through a thread that polls the
 * feed's seq, after other processes' writes. When an embargo or a publication time passes,
 * pages change without a write: from that second on the cache serves nothing until the poll
 * thread has ticked the change feed (which names the pages) and dropped them. */
/* Starts following db_uri's change feed for pc (NULL: no page cache) and the live stories'
 * event streams (NULL: none), up to poll_ms (0: 100) per wait on it. */
nz_rc nz__cachefeed_start(nz_http_pagecache *pc, nz_http_streams *streams, const char *db_uri,
			  unsigned poll_ms, nz__cachefeed **out, nz_err *err);
/* Stops the poll thread and frees f; NULL-safe. */
void nz__cachefeed_stop(nz__cachefeed *f);
/* Reads the change feed past what was seen, drops the entries of every key in it and tells
 * the event streams (public/live.c). */
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

/* ---- reads that may lag: serve --db-read (replica.c) ---------------------------------- */

typedef struct nz__replica nz__replica;
/* *out NULL when opts names no replica. The replica is not opened yet: it may be down. */
nz_rc nz__replica_start(const nz_web_opts *opts, nz__replica **out, nz_err *err);
void nz__replica_free(nz__replica *r); /* NULL-safe; every handle given back */
/* A replica handle for req (a request to a lag_ok route), or NULL when it reads the primary:
 * signed in, the replica down, busy or lagging (r NULL: NULL). Give it back with
 * nz__replica_give, which says false when it failed meanwhile (redo on the primary). */
/* True when a request to the route of this pattern may read a replica that lags. */
bool nz__replica_route(const char *pattern, const nz_http_req *req);
nz_store *nz__replica_take(nz__replica *r, const nz_http_req *req);
bool nz__replica_give(nz__replica *r, nz_store *s);
/* /healthz's line about the replica (in arena, or static), "" when there is none; probes it. */
const char *nz__replica_health(nz__replica *r, nz_arena *arena);
/* /metrics' counters of the reads that may lag; nothing when r is NULL. */
void nz__replica_metrics(nz__replica *r, nz_buf *out);

/* ---- /metrics (metrics.c) ----------------------------------------------------------- */

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
