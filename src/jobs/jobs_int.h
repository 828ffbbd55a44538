/*
 * jobs internals: the workers jobs.c starts (scheduler.c, webhooks.c) and the parts of the
 * delivery worker that unit tests drive directly.
 */
#ifndef NZ_JOBS_INT_H
#define NZ_JOBS_INT_H

#include <pthread.h>

#include "jobs/jobs.h"
#include "store/store.h"

/* ---- a periodic worker's thread (worker.c) ------------------------------------------------ */

typedef struct nz__worker {
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t wake;
	bool stop;
} nz__worker;
/* Starts run(arg) on a new thread; what names the worker in the error. */
nz_rc nz__worker_start(nz__worker *w, void *(*run)(void *), void *arg, const char *what,
		       nz_err *err);
/* Sleeps ms or until stopped; true when the worker should go on. */
bool nz__worker_nap(nz__worker *w, int64_t ms);
/* Wakes the thread, waits for it to end and frees what start made. */
void nz__worker_stop(nz__worker *w);

/* ---- the lease (lease.c) ------------------------------------------------------------------ */

/* One node of several on a database runs the workers: the one holding the lease. */
#define NZ__LEASE_NAME "jobs"
#define NZ__LEASE_TTL_S 6   /* a dead holder's lease runs out after this... */
#define NZ__LEASE_EVERY_S 2 /* ...and every node tries (the holder renews) this often */
typedef struct nz__lease nz__lease;
/* Starts the thread that takes and renews lease `name` as a random holder id made now. */
nz_rc nz__lease_start(const char *db_uri, const char *name, nz__lease **out, nz_err *err);
/* Releases the lease when held, stops the thread and frees it; NULL-safe. */
void nz__lease_stop(nz__lease *l);
/* True while this node holds the lease (always true for NULL: a single process without one). */
bool nz__lease_held(const nz__lease *l);
/* This node's holder id ("host:pid:random"). */
const char *nz__lease_holder(const nz__lease *l);

/* ---- the scheduler (scheduler.c) ----------------------------------------------------------- */

/* A thread with its own store handle that publishes scheduled articles when publish_at passes
 * (checked at least every half second and whenever woken), whether or not requests come in,
 * while this node holds the lease (NULL: always). */
typedef struct nz__scheduler nz__scheduler;
nz_rc nz__scheduler_start(const char *db_uri, const nz__lease *lease, nz__scheduler **out,
			  nz_err *err);
/* Stops the thread (waiting for a publish in progress) and frees it; NULL-safe. */
void nz__scheduler_stop(nz__scheduler *sched);

/* ---- webhook delivery (webhooks.c) --------------------------------------------------------- */

/* The worker thread that sends webhook and purge-hook deliveries, with its own store handle,
 * while this node holds the lease (NULL: always). */
typedef struct nz__deliverer nz__deliverer;
nz_rc nz__deliverer_start(const char *db_uri, const nz__lease *lease, nz__deliverer **out,
			  nz_err *err);
/* Stops the worker (abandoning a send under way, which stays due) and frees it; NULL-safe. */
void nz__deliverer_stop(nz__deliverer *d);

/* ---- renditions (renditions.c) ------------------------------------------------------------ */

/* The thread that makes the renditions of photos that lack them, with its own store handle,
 * while this node holds the lease (NULL: always). */
typedef struct nz__renderer nz__renderer;
nz_rc nz__renderer_start(const char *db_uri, const nz__lease *lease, nz__renderer **out,
			 nz_err *err);
/* Stops the worker (after the rendition under way) and frees it; NULL-safe. */
void nz__renderer_stop(nz__renderer *r);

/* ---- related articles (related.c) -------------------------------------------------------- */

/* The thread that keeps the stored related-article lists current after writes, with its own
 * store handle, while this node holds the lease (NULL: always). */
typedef struct nz__relater nz__relater;
nz_rc nz__relater_start(const char *db_uri, const nz__lease *lease, nz__relater **out, nz_err *err);
/* Stops the worker (after the round under way) and frees it; NULL-safe. */
void nz__relater_stop(nz__relater *r);

/* ---- wire polling (wire.c) ---------------------------------------------------------------- */

/* The worker thread that polls the wire feeds that are due, with its own store handle, while
 * this node holds the lease (NULL: always). */
typedef struct nz__wirer nz__wirer;
nz_rc nz__wirer_start(const char *db_uri, const nz__lease *lease, nz__wirer **out, nz_err *err);
void nz__wirer_stop(nz__wirer *w); /* NULL-safe */

#define NZ__SIGNATURE_MAX 72 /* "sha256=" + 64 hex + NUL */
/* "sha256=<hex HMAC-SHA256 of body keyed with the secret's bytes>". */
void nz__webhook_sign(const char *secret, const void *body, size_t len,
		      char out[NZ__SIGNATURE_MAX]);
/* The delay before the retry that follows `attempts` failed attempts (1, 2, ...). */
int64_t nz__webhook_backoff(int64_t base_ms, int attempts);
/* A webhook delivery's JSON body (malloc'd into *json), built from the article as it is at now.
 * When the article is published but under embargo, *json stays NULL and *hold_until is when
 * the embargo ends. */
nz_rc nz__webhook_payload(nz_store *s, nz_arena *arena, const nz_delivery *d, nz_time now,
			  char **json, nz_time *hold_until, nz_err *err);

#endif
