/*
 * jobs/scheduler: publishes scheduled articles on time. One thread, started with the
 * server, with its own store handle: four times a second it asks the store to publish every
 * scheduled article whose publish_at has passed. The schedule lives in the database, so a
 * restart picks up (and publishes at once) whatever fell due while the server was down.
 *
 * Rules: a failure is logged and retried on the next tick, never fatal; stopping wakes the
 * thread at once and waits for a publish in progress to commit or roll back. Public queries
 * compare embargo_until with the time of the request; each tick also tells the change feed
 * about embargoes and publication times that passed, so caches drop those pages.
 */
#include <stdlib.h>

#include "jobs/jobs_int.h"

#define TICK_MS 250

struct nz__scheduler {
	nz__worker worker;
	nz_store *store;
	const nz__lease *lease; /* works only while this node holds it */
};

static void *run(void *arg)
{
	nz__scheduler *s = arg;
	do {
		size_t n = 0;
		nz_err err = {0};
		if (!nz__lease_held(s->lease))
			continue; /* another node schedules */
		if (nz_store_publish_due(s->store, nz_time_now(), &n, &err) != NZ_OK)
			NZ_LOG(NZ_LOG_ERROR, "scheduler", "publishing due articles: %s", err.msg);
		else if (n)
			NZ_LOG(NZ_LOG_INFO, "scheduler", "published %zu scheduled article%s", n,
			       n == 1 ? "" : "s");
		/* speed: an embargo or publication time passing is not a write, so tell
		 * the change feed (the page cache and the static export follow it). */
		if (nz_store_change_tick(s->store, nz_time_now(), &n, &err) != NZ_OK)
			NZ_LOG(NZ_LOG_ERROR, "scheduler", "change feed tick: %s", err.msg);
	} while (nz__worker_nap(&s->worker, TICK_MS));
	return NULL;
}

nz_rc nz__scheduler_start(const char *db_uri, const nz__lease *lease, nz__scheduler **out,
			  nz_err *err)
{
	nz__scheduler *s = calloc(1, sizeof *s);
	nz_rc rc;

	*out = NULL;
	if (!s)
		return nz_err_set(err, NZ_NOMEM, "scheduler: out of memory");
	s->lease = lease;
	if ((rc = nz_store_open(db_uri, 0, &s->store, err)) ||
	    (rc = nz__worker_start(&s->worker, run, s, "scheduler", err))) {
		nz_store_close(s->store);
		free(s);
		return rc;
	}
	*out = s;
	return NZ_OK;
}

void nz__scheduler_stop(nz__scheduler *s)
{
	if (!s)
		return;
	nz__worker_stop(&s->worker);
	nz_store_close(s->store);
	free(s);
}
