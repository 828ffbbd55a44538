/*
 * web/pagecache: the newsroom's side of the page cache (the cache itself is http/pagecache.c,
 * the contract is in web_int.h, the operator's view in docs/performance.md).
 *
 * Never stale: a write inside this process is followed, before its response is queued, by
 * nz__cachefeed_sync: read the change feed past what was seen, drop every entry with one of its
 * keys ("settings" and "site" drop all). Writes by other processes (other nodes on the same
 * database) are found by a thread that waits on the feed (nz_store_changes_wait). Time: when an
 * embargo or a publication time passes, pages change without a write. The feed knows when the next
 * one is due (nz_store_change_next_due); the cache holds from that second on until the poll thread
 * has ticked the change feed (which names the pages) and dropped them.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "core/nap.h"
#include "web/app_int.h"
#include "web/public/public_int.h"

#define PRUNE_EVERY_MS 60000
#define MAX_BACKOFF_MS 2000 /* between tries to reach the database again */

const char *const nz__pagecache_clear_keys[] = {"settings", "site", NULL};

struct nz__cachefeed {
	nz_http_pagecache *pc;     /* NULL when the cache is off */
	nz_http_streams *streams;  /* told of every key too (public/live.c) */
	pthread_mutex_t sync_lock; /* one reader of the change feed at a time */
	_Atomic int64_t seen_seq;
	_Atomic int64_t next_due; /* from then until a tick tells what changed, nothing is served */
	char *db_uri;
	unsigned poll_ms;
	pthread_t thread;
	bool stop;
	pthread_mutex_t poll_lock;
	pthread_cond_t wake;
};

/* ---- per request ------------------------------------------------------------------------- */

const char *nz__pagecache_variant(const char *path, const char *accept)
{
	if (strncmp(path, "/api/", 5) == 0 && accept &&
	    strcasestr(accept, "application/ninjs+json"))
		return "ninjs";
	return NULL;
}

bool nz__pagecache_serve(nz__ctx *c)
{
	if (c->cache.private)
		return false;
	const char *variant = nz__pagecache_variant(c->req->path, nz_http_header(c->req, "Accept"));
	return nz_http_pagecache_serve(c->app->pagecache, c->req, variant, c->resp, &c->pc);
}

void nz__pagecache_keep(nz__ctx *c)
{
	nz_http_pagecache_keep(c->app->pagecache, c->pc, c->req, c->resp);
}

void nz__pagecache_after(nz__ctx *c)
{
	if (!c->app->cachefeed)
		return;
	if (strcmp(c->req->method, "GET") != 0 && strcmp(c->req->method, "HEAD") != 0) {
		/* It may have written: drop what changed before the answer goes out. */
		if (c->store && !nz_store_failed(c->store))
			nz__cachefeed_sync(c->app->cachefeed, c->store, c->req->arena);
		return;
	}
	nz_http_pagecache_store(c->app->pagecache, c->pc, c->req, c->resp, &c->cache);
}

/* ---- following the change feed ----------------------------------------------------------- */

static int64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Reads when pages next change by themselves into *at; false when that cannot be told. */
static bool read_next_due(nz_store *store, nz_time *at)
{
	nz_err err = {0};
	nz_rc rc = nz_store_change_next_due(store, at, &err);
	if (rc == NZ_NOTFOUND)
		*at = INT64_MAX;
	else if (rc != NZ_OK)
		NZ_LOG(NZ_LOG_ERROR, "pagecache", "next embargo: %s", err.msg);
	return rc == NZ_OK || rc == NZ_NOTFOUND;
}

/* The order matters twice. The next due time is read before the changes: a tick between the
 * two readings is then in the changes read. The hold it allows is set only after those changes
 * are dropped: set before, it would let the cache serve the pages the tick names in between. */
void nz__cachefeed_sync(nz__cachefeed *f, nz_store *store, nz_arena *arena)
{
	int64_t upto = 0;
	const char **keys = NULL;
	size_t n = 0;
	nz_err err = {0};
	nz_time due = 0;
	if (!f)
		return;
	pthread_mutex_lock(&f->sync_lock);
	bool due_known = read_next_due(store, &due);
	int64_t seen = atomic_load(&f->seen_seq);
	if (nz_store_changes_since(store, arena, seen, &upto, &keys, &n, &err) != NZ_OK) {
		/* Cannot tell what changed: nothing cached may be trusted. */
		NZ_LOG(NZ_LOG_ERROR, "pagecache", "reading the change feed: %s", err.msg);
		nz_http_pagecache_clear(f->pc);
	} else {
		nz_http_pagecache_invalidate(f->pc, keys, n);
		atomic_store(&f->seen_seq, upto);
		nz__live_notify(f->streams, store, arena, keys, n);
	}
	if (due_known) {
		atomic_store(&f->next_due, due);
		nz_http_pagecache_hold_from(f->pc, due);
	}
	pthread_mutex_unlock(&f->sync_lock);
}

/* ---- the poll thread: other processes' writes -------------------------------------------- */

/* Sleeps ms or until stopped; true when it should go on. */
static bool nap(nz__cachefeed *f, unsigned ms)
{
	return nz_nap(&f->poll_lock, &f->wake, &f->stop, ms);
}

/* Drops the follower's handle after a failure; the next round opens another. */
static void drop_store(nz_store **store, unsigned *backoff_ms)
{
	nz_store_close(*store);
	*store = NULL;
	*backoff_ms = *backoff_ms
			  ? (*backoff_ms * 2 > MAX_BACKOFF_MS ? MAX_BACKOFF_MS : *backoff_ms * 2)
			  : 100;
}

/* One round: ticks the clock when due, waits up to poll_ms for the feed to move past what
 * was seen, and drops what changed. False when the handle failed. */
static bool follow_once(nz__cachefeed *f, nz_store *store, int64_t *last_prune)
{
	nz_err err = {0};
	int64_t latest = 0;
	bool due = nz_time_now() >= atomic_load(&f->next_due);
	if (due && nz_store_change_tick(store, nz_time_now(), NULL, &err) != NZ_OK)
		NZ_LOG(NZ_LOG_ERROR, "pagecache", "change feed tick: %s", err.msg);
	int64_t seen = atomic_load(&f->seen_seq);
	if (nz_store_changes_wait(store, seen, due ? NZ_STORE_WAIT_POLL_MS : (int)f->poll_ms,
				  &latest, &err) != NZ_OK) {
		NZ_LOG(NZ_LOG_ERROR, "pagecache", "change feed: %s", err.msg);
		return !nz_store_failed(store);
	}
	nz_arena *arena = nz_arena_new();
	/* sync drops what the tick named before it lets the cache serve again */
	if (arena && (due || latest != atomic_load(&f->seen_seq)))
		nz__cachefeed_sync(f, store, arena);
	nz_arena_free(arena);
	if (now_ms() - *last_prune >= PRUNE_EVERY_MS) {
		*last_prune = now_ms();
		if (nz_store_changes_prune(store, nz_time_now(), NULL, &err) != NZ_OK)
			NZ_LOG(NZ_LOG_WARN, "pagecache", "pruning the change feed: %s", err.msg);
	}
	return !nz_store_failed(store);
}

/* Follows the feed through nz_store_changes_wait, so another node's write is dropped here
 * within a poll of the feed (SQLite) or a notification (PostgreSQL). While the database is
 * unreachable the cache keeps serving (nobody can write meanwhile, and the pages are what
 * readers can still have); on reconnecting, the first round catches up from the feed past
 * what was seen, which drops everything when those rows were pruned meanwhile. */
static void *poll_run(void *arg)
{
	nz__cachefeed *f = arg;
	nz_store *store = NULL;
	nz_err err = {0};
	int64_t last_prune = 0;
	unsigned backoff_ms = 0;
	do {
		if (!store && nz_store_open(f->db_uri, 0, &store, &err) != NZ_OK) {
			NZ_LOG(NZ_LOG_ERROR, "pagecache", "cannot open the store: %s", err.msg);
			drop_store(&store, &backoff_ms);
			continue;
		}
		if (backoff_ms) { /* reconnected: catch up on what happened meanwhile */
			NZ_LOG(NZ_LOG_INFO, "pagecache", "following the change feed again");
			nz_arena *arena = nz_arena_new();
			if (arena)
				nz__cachefeed_sync(f, store, arena);
			nz_arena_free(arena);
			backoff_ms = 0;
		}
		if (!follow_once(f, store, &last_prune))
			drop_store(&store, &backoff_ms);
	} while (nap(f, backoff_ms));
	nz_store_close(store);
	return NULL;
}

/* ---- life cycle -------------------------------------------------------------------------- */

nz_rc nz__cachefeed_start(nz_http_pagecache *pc, nz_http_streams *streams, const char *db_uri,
			  unsigned poll_ms, nz__cachefeed **out, nz_err *err)
{
	*out = NULL;
	nz__cachefeed *f = calloc(1, sizeof *f);
	if (!f || !(f->db_uri = strdup(db_uri))) {
		free(f);
		return nz_err_set(err, NZ_NOMEM, "page cache: out of memory");
	}
	f->pc = pc;
	f->streams = streams;
	f->poll_ms = poll_ms ? poll_ms : 100;
	nz_store *store = NULL;
	int64_t seq = 0;
	nz_rc rc = nz_store_open(db_uri, 0, &store, err);
	if (rc == NZ_OK)
		rc = nz_store_change_seq(store, &seq, err);
	nz_store_close(store);
	if (rc != NZ_OK) {
		free(f->db_uri);
		free(f);
		return rc;
	}
	pthread_mutex_init(&f->sync_lock, NULL);
	atomic_store(&f->seen_seq, seq); /* the cache is empty: the past does not matter */
	atomic_store(&f->next_due, 0);   /* the poll thread's first round sets it */
	nz_http_pagecache_hold_from(pc, 0);
	pthread_condattr_t attr;
	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(&f->wake, &attr);
	pthread_condattr_destroy(&attr);
	pthread_mutex_init(&f->poll_lock, NULL);
	if (pthread_create(&f->thread, NULL, poll_run, f) != 0) {
		pthread_cond_destroy(&f->wake);
		pthread_mutex_destroy(&f->poll_lock);
		pthread_mutex_destroy(&f->sync_lock);
		free(f->db_uri);
		free(f);
		return nz_err_set(err, NZ_NOMEM, "page cache: cannot start its thread");
	}
	*out = f;
	return NZ_OK;
}

void nz__cachefeed_stop(nz__cachefeed *f)
{
	if (!f)
		return;
	pthread_mutex_lock(&f->poll_lock);
	f->stop = true;
	pthread_cond_signal(&f->wake);
	pthread_mutex_unlock(&f->poll_lock);
	pthread_join(f->thread, NULL);
	pthread_cond_destroy(&f->wake);
	pthread_mutex_destroy(&f->poll_lock);
	pthread_mutex_destroy(&f->sync_lock);
	free(f->db_uri);
	free(f);
}
