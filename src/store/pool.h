/*
 * store/pool: a small, bounded pool of store handles that a server's worker threads share.
 *
 * Rules: at most `size` handles are open at once; a thread takes one for a request and gives
 * it back (nz_store_pool_put) when done, and only that thread uses it meanwhile. A handle that
 * failed (nz_store_failed: the connection lost, the file gone) is closed when it comes back and
 * another is opened on a later request, at most once per backoff period (100 ms after a failed
 * open, doubling up to 5 s), so a database that is down costs a request nothing but an answer.
 * When every handle is lent, a request waits for one at most `wait_ms`, then gets NZ_TOOBIG:
 * a server answers 503 rather than hanging. Handles are opened lazily, on demand.
 */
#ifndef NZ_STORE_POOL_H
#define NZ_STORE_POOL_H

#include "store/store.h"

#define NZ_STORE_POOL_WAIT_DEFAULT 2000 /* ms a request waits for a handle */
#define NZ_STORE_POOL_MAX 256

typedef struct nz_store_pool nz_store_pool;

typedef struct nz_store_pool_opts {
	const char *uri;  /* as for nz_store_open */
	unsigned flags;   /* NZ_STORE_* for every handle */
	unsigned size;    /* most handles open at once; 0: nz_store_pool_size_default() */
	unsigned wait_ms; /* longest wait for a free handle; 0: NZ_STORE_POOL_WAIT_DEFAULT */
	bool lazy;        /* open no handle in nz_store_pool_new (a database that may be down
			     at start, such as a read replica): the first get opens one */
} nz_store_pool_opts;

/* Twice the number of processor cores the process may use (at least 2). */
unsigned nz_store_pool_size_default(void);

/* Opens one handle at once (unless lazy), so a database that cannot be opened is an error
 * here. */
nz_rc nz_store_pool_new(const nz_store_pool_opts *opts, nz_store_pool **out, nz_err *err);
/* Closes every handle; all must have been given back. NULL-safe. */
void nz_store_pool_free(nz_store_pool *p);

/* A handle for the caller alone. NZ_TOOBIG when every handle stayed lent for wait_ms; the
 * error of opening one (NZ_IO when the database cannot be reached) when a new one was needed
 * and could not be opened, or was not tried again yet (the backoff). */
nz_rc nz_store_pool_get(nz_store_pool *p, nz_store **out, nz_err *err);
/* Gives s back (closes it when it failed). NULL-safe. */
void nz_store_pool_put(nz_store_pool *p, nz_store *s);

typedef struct nz_store_pool_stats {
	unsigned size;     /* the bound */
	unsigned open;     /* handles open (lent or idle) */
	unsigned lent;     /* handles in use now */
	uint64_t waits;    /* requests that had to wait for a handle */
	uint64_t timeouts; /* requests that waited wait_ms in vain (NZ_TOOBIG) */
	uint64_t reopened; /* failed handles closed and replaced */
} nz_store_pool_stats;

void nz_store_pool_stats_get(nz_store_pool *p, nz_store_pool_stats *out);

#endif
