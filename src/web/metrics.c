/*
 * web/metrics: /metrics in the Prometheus text format (version 0.0.4). Counts every
 * answered request by kind of route and status class, with a latency histogram per kind (from
 * the handler's start to its answer being ready, not including the send), and reports the
 * page cache's counters and sizes (http/pagecache.c), the database pool's (store/pool.h) and
 * the connections open and closed by the connection guard (http/guard.c).
 *
 * Rules: counters are atomics updated without locks on the request path; the kind is told
 * from the path alone, so cache hits (answered before routing) are counted the same way.
 * /metrics is public (no secrets in it), never cached (no-store).
 */
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "web/app_int.h"

#define ROUTE_KINDS(X)                                                                             \
	X(KIND_PAGE, "page")                                                                       \
	X(KIND_ARTICLE, "article")                                                                 \
	X(KIND_FEED, "feed")                                                                       \
	X(KIND_SEARCH, "search")                                                                   \
	X(KIND_API, "api")                                                                         \
	X(KIND_STATIC, "static")                                                                   \
	X(KIND_MEDIA, "media")                                                                     \
	X(KIND_ADMIN, "admin")                                                                     \
	X(KIND_OPS, "ops")

typedef enum { ROUTE_KINDS(NZ_ENUM_MEMBER) KIND_COUNT } route_kind;

static NZ_ENUM_NAME_FN(route_kind, kind_name, ROUTE_KINDS)

#define CLASSES 5 /* 1xx .. 5xx */

    /* Upper bounds of the histogram's buckets, in microseconds (and "+Inf" after the last). */
    static const int64_t bucket_us[] = {100,   250,   500,    1000,   2500,   5000,   10000,
					25000, 50000, 100000, 250000, 500000, 1000000};
#define BUCKETS (sizeof bucket_us / sizeof bucket_us[0])

struct nz__metrics {
	atomic_uint_fast64_t requests[KIND_COUNT][CLASSES];
	atomic_uint_fast64_t buckets[KIND_COUNT][BUCKETS + 1]; /* not cumulative; +Inf last */
	atomic_uint_fast64_t sum_us[KIND_COUNT];
};

nz__metrics *nz__metrics_new(void)
{
	nz__metrics *m = calloc(1, sizeof *m); /* all-zero atomics are valid zeros */
	return m;
}

void nz__metrics_free(nz__metrics *m)
{
	free(m);
}

int64_t nz__metrics_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static bool starts(const char *path, const char *prefix)
{
	return strncmp(path, prefix, strlen(prefix)) == 0;
}

static bool ends(const char *path, const char *suffix)
{
	size_t n = strlen(path), m = strlen(suffix);
	return n >= m && strcmp(path + n - m, suffix) == 0;
}

static route_kind kind_of(const char *path)
{
	if (starts(path, "/api/v1/admin") || starts(path, "/admin"))
		return KIND_ADMIN;
	if (starts(path, "/api/"))
		return KIND_API;
	if (starts(path, "/static/") || strcmp(path, "/favicon.ico") == 0)
		return KIND_STATIC;
	if (starts(path, "/media/"))
		return KIND_MEDIA;
	if (strcmp(path, "/metrics") == 0 || strcmp(path, "/healthz") == 0)
		return KIND_OPS;
	if (starts(path, "/search"))
		return KIND_SEARCH;
	if (starts(path, "/sitemap") || starts(path, "/corrections/") ||
	    strcmp(path, "/robots.txt") == 0 || starts(path, "/feed.") || ends(path, "/feed.rss") ||
	    ends(path, "/feed.atom") || ends(path, "/feed.json"))
		return KIND_FEED;
	if (starts(path, "/article/"))
		return KIND_ARTICLE;
	return KIND_PAGE;
}

void nz__metrics_count(nz__metrics *m, const nz_http_req *req, const nz_http_resp *resp,
		       int64_t start_ns)
{
	if (!m)
		return;
	int64_t us = (nz__metrics_now() - start_ns) / 1000;
	route_kind k = kind_of(req->path ? req->path : "/");
	int status = resp->status ? resp->status : 200;
	if (resp->prebuilt) /* a cache hit: 200 or 304, both "2xx or 3xx" as sent */
		status = 200;
	int cls = status / 100 - 1;
	if (cls < 0 || cls >= CLASSES)
		cls = CLASSES - 1;
	size_t b = 0;
	while (b < BUCKETS && us > bucket_us[b])
		b++;
	atomic_fetch_add_explicit(&m->requests[k][cls], 1, memory_order_relaxed);
	atomic_fetch_add_explicit(&m->buckets[k][b], 1, memory_order_relaxed);
	atomic_fetch_add_explicit(&m->sum_us[k], (uint_fast64_t)(us > 0 ? us : 0),
				  memory_order_relaxed);
}

static void counter(nz_buf *out, const char *name, const char *help, uint64_t v)
{
	nz_buf_printf(out, "# HELP %s %s\n# TYPE %s counter\n%s %llu\n", name, help, name, name,
		      (unsigned long long)v);
}

static void gauge(nz_buf *out, const char *name, const char *help, uint64_t v)
{
	nz_buf_printf(out, "# HELP %s %s\n# TYPE %s gauge\n%s %llu\n", name, help, name, name,
		      (unsigned long long)v);
}

static void write_cache(nz_buf *out, nz_http_pagecache *pc)
{
	nz_http_pagecache_stats st;
	nz_http_pagecache_stats_get(pc, &st);
	counter(out, "newszone_cache_hits_total", "Responses served from the page cache.", st.hits);
	counter(out, "newszone_cache_misses_total",
		"Cacheable requests the page cache could not answer.", st.misses);
	counter(out, "newszone_cache_stores_total", "Responses stored in the page cache.",
		st.stores);
	counter(out, "newszone_cache_evictions_total",
		"Entries dropped to stay under the memory limit.", st.evictions);
	counter(out, "newszone_cache_invalidations_total",
		"Entries dropped because a write changed what they show.", st.invalidations);
	gauge(out, "newszone_cache_bytes",
	      "Bytes the page cache holds (as counted against the limit).", st.bytes);
	gauge(out, "newszone_cache_entries", "Entries in the page cache.", st.entries);
	gauge(out, "newszone_cache_limit_bytes", "The page cache's memory limit (0: off).",
	      st.limit);
}

static void write_pool(nz_buf *out, nz_store_pool *pool)
{
	nz_store_pool_stats st;
	nz_store_pool_stats_get(pool, &st);
	gauge(out, "newszone_db_pool_size", "Database connections requests may share, at most.",
	      st.size);
	gauge(out, "newszone_db_pool_open", "Database connections of the pool open now.", st.open);
	gauge(out, "newszone_db_pool_in_use", "Database connections lent to requests now.",
	      st.lent);
	counter(out, "newszone_db_pool_waits_total",
		"Requests that waited for a free database connection.", st.waits);
	counter(out, "newszone_db_pool_timeouts_total",
		"Requests answered 503 because every connection stayed busy.", st.timeouts);
	counter(out, "newszone_db_pool_reopened_total",
		"Failed database connections closed and replaced.", st.reopened);
}

static void write_requests(nz_buf *out, nz__metrics *m)
{
	nz_buf_puts(out, "# HELP newszone_http_requests_total Requests answered, by kind of route "
			 "and status class.\n# TYPE newszone_http_requests_total counter\n");
	for (int k = 0; m && k < KIND_COUNT; k++)
		for (int c = 0; c < CLASSES; c++)
			nz_buf_printf(out,
				      "newszone_http_requests_total{kind=\"%s\",class=\"%dxx\"} "
				      "%llu\n",
				      kind_name(k), c + 1,
				      (unsigned long long)atomic_load(&m->requests[k][c]));
	nz_buf_puts(out, "# HELP newszone_http_request_duration_seconds Time to make an answer "
			 "(not to send it), by kind of route.\n"
			 "# TYPE newszone_http_request_duration_seconds histogram\n");
	for (int k = 0; m && k < KIND_COUNT; k++) {
		uint64_t cumulative = 0;
		for (size_t b = 0; b <= BUCKETS; b++) {
			cumulative += atomic_load(&m->buckets[k][b]);
			if (b < BUCKETS)
				nz_buf_printf(out,
					      "newszone_http_request_duration_seconds_bucket{kind="
					      "\"%s\",le=\"%g\"} %llu\n",
					      kind_name(k), (double)bucket_us[b] / 1e6,
					      (unsigned long long)cumulative);
			else
				nz_buf_printf(out,
					      "newszone_http_request_duration_seconds_bucket{kind="
					      "\"%s\",le=\"+Inf\"} %llu\n",
					      kind_name(k), (unsigned long long)cumulative);
		}
		nz_buf_printf(out,
			      "newszone_http_request_duration_seconds_sum{kind=\"%s\"} %.6f\n"
			      "newszone_http_request_duration_seconds_count{kind=\"%s\"} %llu\n",
			      kind_name(k), (double)atomic_load(&m->sum_us[k]) / 1e6, kind_name(k),
			      (unsigned long long)cumulative);
	}
}

static void write_connections(nz_buf *out, const nz_http_req *req)
{
	nz_http_conn_stats s;
	nz_http_conn_stats_get(req, &s);
	nz_buf_printf(out,
		      "# HELP newszone_http_connections Connections open now.\n"
		      "# TYPE newszone_http_connections gauge\n"
		      "newszone_http_connections %zu\n"
		      "# HELP newszone_http_connections_closed_total Connections the server closed "
		      "to protect itself, by reason.\n"
		      "# TYPE newszone_http_connections_closed_total counter\n"
		      "newszone_http_connections_closed_total{reason=\"per_address\"} %llu\n"
		      "newszone_http_connections_closed_total{reason=\"head_timeout\"} %llu\n"
		      "newszone_http_connections_closed_total{reason=\"evicted_idle\"} %llu\n",
		      s.open, (unsigned long long)s.refused_per_address,
		      (unsigned long long)s.timed_out, (unsigned long long)s.evicted);
}

static void metrics_page(nz__ctx *c, const nz_route_match *match)
{
	(void)match;
	nz_buf *out = &c->resp->body;
	nz_buf_reset(out);
	write_cache(out, c->app->pagecache);
	write_pool(out, c->app->pool);
	nz__replica_metrics(c->app->replica, out);
	write_requests(out, c->app->metrics);
	write_connections(out, c->req);
	gauge(out, "newszone_live_streams", "Live stories' event streams open now.",
	      nz_http_streams_count(c->app->streams));
	c->resp->status = 200;
	c->resp->content_type = "text/plain; version=0.0.4; charset=utf-8";
	nz_http_resp_header(c->resp, "Cache-Control", "no-store");
}

const nz__route_entry nz__metrics_routes[] = {
    {"GET", "/metrics", metrics_page},
    {NULL, NULL, NULL},
};
