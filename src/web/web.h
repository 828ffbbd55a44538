/*
 * web: the Newszone server. Combines the store, the theme and the HTTP glue: routes public
 * pages (front, section, author, tag, article, media, static assets, /healthz) and the JSON
 * API's read side; requests take turns with a small pool of store handles.
 */
#ifndef NZ_WEB_H
#define NZ_WEB_H

#include "core/core.h"

typedef struct nz_web_opts {
	const char *db_uri;    /* the store to serve */
	const char *theme_dir; /* NULL: the default theme compiled into the binary */
	const char *host;      /* "127.0.0.1" */
	unsigned port;         /* 0: a free port */
	unsigned threads;      /* event threads; 0: 2 */
	unsigned workers;      /* render workers (http/workers.c); 0: twice db_pool */
	unsigned db_pool;      /* store handles at most; 0: twice the cores (store/pool.h) */
	unsigned db_wait_ms;   /* longest wait for a free handle; 0: NZ_STORE_POOL_WAIT_DEFAULT */
	unsigned max_connections; /* 0: the HTTP server's default (1024) */
	unsigned max_per_address; /* 0: the HTTP server's default (256) */
	unsigned head_timeout_s;  /* 0: the HTTP server's default (10) */
	/* the page cache (docs/performance.md) */
	long cache_mb;        /* memory limit in MiB; 0: NZ_WEB_CACHE_MB_DEFAULT; < 0: no cache */
	unsigned cache_ttl_s; /* an entry's longest life; 0: NZ_WEB_CACHE_TTL_DEFAULT */
	/* how often at most the pages showing "Most read" are re-made (seconds); 0: the default */
	unsigned most_read_refresh_s;
	/* Reverse proxies whose forwarded-for headers are believed (addresses or CIDR blocks),
	 * in addition to those of the trusted_proxies setting (read once at start). */
	const char *const *trusted_proxies;
	size_t n_trusted_proxies;

	/* A streaming replica of db_uri (PostgreSQL) that searches read, through a pool of their
	 * own, when it is up and not behind (web/replica.c); NULL: none. */
	const char *db_read_uri;
	unsigned db_read_pool;       /* its handles at most; 0: as db_pool's default */
	unsigned db_read_max_lag_ms; /* above this lag, searches read the primary; 0: 1000 */
} nz_web_opts;

#define NZ_WEB_MAX_TRUSTED_PROXIES 64

#define NZ_WEB_CACHE_MB_DEFAULT 24
#define NZ_WEB_CACHE_TTL_DEFAULT 600
#define NZ_WEB_MOST_READ_REFRESH_DEFAULT 300

typedef struct nz_web nz_web;

/* Loads the theme, checks the store opens, and starts serving. */
nz_rc nz_web_start(const nz_web_opts *opts, nz_web **out, nz_err *err);
unsigned nz_web_port(const nz_web *w);
/* Blocks until SIGTERM/SIGINT, then stops gracefully and frees w. */
void nz_web_wait_and_stop(nz_web *w);

#endif
