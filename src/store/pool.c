/*
 * store/pool.c: the bounded pool of store handles (pool.h says what it promises).
 *
 * Rules: one mutex guards the counters and the idle list; opening and closing a handle (a
 * network round trip on PostgreSQL) happen outside it. `open` counts the handles being opened
 * too, so the bound holds while a connection is made.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/nap.h"
#include "store/pool.h"

#define REOPEN_MIN_MS 100  /* after a failed open, the next try waits this long... */
#define REOPEN_MAX_MS 5000 /* ...doubling up to this */

struct nz_store_pool {
	char *uri;
	unsigned flags, size, wait_ms;
	pthread_mutex_t lock;
	pthread_cond_t freed; /* a handle came back, or room to open one */
	nz_store **idle;      /* size slots */
	unsigned n_idle, open, lent;
	int64_t retry_at_ms; /* no new open before this (monotonic ms) after a failure */
	int64_t backoff_ms;
	nz_err last_err; /* why the last open failed */
	uint64_t waits, timeouts, reopened;
};

static int64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

unsigned nz_store_pool_size_default(void)
{
	long cores = sysconf(_SC_NPROCESSORS_ONLN);
	if (cores < 1)
		cores = 1;
	if (cores > NZ_STORE_POOL_MAX / 2)
		cores = NZ_STORE_POOL_MAX / 2;
	return (unsigned)cores * 2;
}

nz_rc nz_store_pool_new(const nz_store_pool_opts *o, nz_store_pool **out, nz_err *err)
{
	*out = NULL;
	if (o->size > NZ_STORE_POOL_MAX)
		return nz_err_set(err, NZ_INVAL, "database pool: at most %d connections",
				  NZ_STORE_POOL_MAX);
	nz_store_pool *p = calloc(1, sizeof *p);
	if (!p)
		return nz_err_set(err, NZ_NOMEM, "database pool: out of memory");
	p->size = o->size ? o->size : nz_store_pool_size_default();
	p->wait_ms = o->wait_ms ? o->wait_ms : NZ_STORE_POOL_WAIT_DEFAULT;
	p->flags = o->flags;
	p->uri = strdup(o->uri ? o->uri : "");
	p->idle = calloc(p->size, sizeof *p->idle);
	if (!p->uri || !p->idle) {
		free(p->uri);
		free(p->idle);
		free(p);
		return nz_err_set(err, NZ_NOMEM, "database pool: out of memory");
	}
	pthread_mutex_init(&p->lock, NULL);
	pthread_condattr_t attr;
	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(&p->freed, &attr);
	pthread_condattr_destroy(&attr);
	if (o->lazy) {
		*out = p;
		return NZ_OK;
	}
	nz_rc rc = nz_store_open(p->uri, p->flags, &p->idle[0], err);
	if (rc != NZ_OK) {
		nz_store_pool_free(p);
		return rc;
	}
	p->n_idle = p->open = 1;
	*out = p;
	return NZ_OK;
}

void nz_store_pool_free(nz_store_pool *p)
{
	if (!p)
		return;
	for (unsigned i = 0; i < p->n_idle; i++)
		nz_store_close(p->idle[i]);
	pthread_cond_destroy(&p->freed);
	pthread_mutex_destroy(&p->lock);
	free(p->idle);
	free(p->uri);
	free(p);
}

/* Opens a handle for a slot already counted in p->open (called without the lock). */
static nz_rc open_one(nz_store_pool *p, nz_store **out, nz_err *err)
{
	nz_err e = {0};
	nz_rc rc = nz_store_open(p->uri, p->flags, out, &e);
	pthread_mutex_lock(&p->lock);
	if (rc == NZ_OK) {
		p->backoff_ms = 0;
		p->lent++;
	} else {
		p->open--;
		p->backoff_ms = p->backoff_ms ? p->backoff_ms * 2 : REOPEN_MIN_MS;
		if (p->backoff_ms > REOPEN_MAX_MS)
			p->backoff_ms = REOPEN_MAX_MS;
		p->retry_at_ms = now_ms() + p->backoff_ms;
		p->last_err = e;
		pthread_cond_signal(&p->freed); /* the slot is free again */
		NZ_LOG(NZ_LOG_ERROR, "store", "cannot open the database (next try in %lld ms): %s",
		       (long long)p->backoff_ms, e.msg);
	}
	pthread_mutex_unlock(&p->lock);
	if (rc != NZ_OK)
		nz_err_set(err, rc, "%s", e.msg);
	return rc;
}

nz_rc nz_store_pool_get(nz_store_pool *p, nz_store **out, nz_err *err)
{
	struct timespec until;
	bool waited = false;

	*out = NULL;
	nz_deadline_ms(&until, p->wait_ms);
	pthread_mutex_lock(&p->lock);
	for (;;) {
		if (p->n_idle) {
			*out = p->idle[--p->n_idle];
			p->lent++;
			pthread_mutex_unlock(&p->lock);
			return NZ_OK;
		}
		if (p->open < p->size) {
			if (now_ms() < p->retry_at_ms) {
				nz_err last = p->last_err;
				pthread_mutex_unlock(&p->lock);
				return nz_err_set(err, last.rc ? last.rc : NZ_IO, "%s", last.msg);
			}
			p->open++;
			pthread_mutex_unlock(&p->lock);
			return open_one(p, out, err);
		}
		if (!waited)
			p->waits++;
		waited = true;
		if (pthread_cond_timedwait(&p->freed, &p->lock, &until) != 0 && !p->n_idle &&
		    p->open >= p->size)
			break;
	}
	p->timeouts++;
	unsigned size = p->size, wait_ms = p->wait_ms;
	pthread_mutex_unlock(&p->lock);
	return nz_err_set(err, NZ_TOOBIG,
			  "database: all %u connections stayed busy for %u ms; try again shortly",
			  size, wait_ms);
}

void nz_store_pool_put(nz_store_pool *p, nz_store *s)
{
	if (!s)
		return;
	bool failed = nz_store_failed(s);
	if (failed)
		nz_store_close(s); /* outside the lock: it may talk to the server */
	pthread_mutex_lock(&p->lock);
	p->lent--;
	if (failed) {
		p->open--;
		p->reopened++;
	} else {
		p->idle[p->n_idle++] = s;
	}
	pthread_cond_signal(&p->freed);
	pthread_mutex_unlock(&p->lock);
	if (failed)
		NZ_LOG(NZ_LOG_WARN, "store",
		       "the database connection failed; opening another on the next request");
}

void nz_store_pool_stats_get(nz_store_pool *p, nz_store_pool_stats *out)
{
	pthread_mutex_lock(&p->lock);
	*out = (nz_store_pool_stats){.size = p->size,
				     .open = p->open,
				     .lent = p->lent,
				     .waits = p->waits,
				     .timeouts = p->timeouts,
				     .reopened = p->reopened};
	pthread_mutex_unlock(&p->lock);
}
