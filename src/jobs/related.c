/*
 * jobs/related: keeps the stored related-article lists current on a running server
 * (docs/related.md). Once a second it looks at the change feed's head; when it moved (an article
 * was written, here or on another node) or the last round left lists to do, it runs the store's
 * bulk pass (nz_store_related_build) on at most BATCH pending lists: each changed article's own
 * list, then the lists of the articles it is now shown beside. A list that changed names its
 * page in the change feed, so the page cache drops it.
 *
 * Rules: one thread with its own store handle, working while this node holds the lease; a
 * failure is logged and the round tried again; stopping is noticed between two rounds (a round
 * is at most BATCH lists and their neighbours).
 */
#include <stdlib.h>
#include <sys/resource.h>
#include <unistd.h>

#include "jobs/jobs_int.h"

#define TICK_MS 1000
#define BATCH 20

struct nz__relater {
	nz__worker worker;
	nz_store *store;
	const nz__lease *lease;
	int64_t seen; /* the change feed's head when the last round found nothing more to do */
	bool more;    /* the last round stopped at BATCH */
};

static void round_once(nz__relater *r)
{
	nz_err err = {0};
	int64_t head = 0;
	size_t done = 0;
	if (nz_store_change_seq(r->store, &head, &err) != NZ_OK) {
		NZ_LOG(NZ_LOG_ERROR, "related", "change feed: %s", err.msg);
		return;
	}
	if (head == r->seen && !r->more)
		return;
	if (nz_store_related_build(r->store, nz_time_now(), false, BATCH, NULL, NULL, &done,
				   &err) != NZ_OK) {
		NZ_LOG(NZ_LOG_ERROR, "related", "related articles: %s", err.msg);
		return;
	}
	r->more = done >= BATCH;
	/* Seen: the head read before the pass, so a write that came during it brings another
	 * round (its own writes bring one too, which finds nothing left and then rests). */
	r->seen = head;
}

/* This thread yields to the others: nice 19 (weight 15 against a render's 1,024), so a page render
 * that wakes on its core takes it. A round at start reads every public article (the pending
 * lists: about a second of CPU at 100,000 articles) and on two cores it used to share one with
 * the renders of those first seconds, their p99 4.7 times the steady state's (bench/RESULTS.md,
 * 2026-12-07). Not SCHED_IDLE: a list is stored in its own short write transaction, and a thread
 * that weak, preempted inside one on a saturated machine, would hold other writers back for
 * seconds. Refused, the thread keeps its priority. */
static void lower_priority(void)
{
	(void)setpriority(PRIO_PROCESS, (id_t)gettid(), 19);
}

static void *run(void *arg)
{
	nz__relater *r = arg;
	lower_priority();
	do {
		if (nz__lease_held(r->lease))
			round_once(r);
	} while (nz__worker_nap(&r->worker, TICK_MS));
	return NULL;
}

nz_rc nz__relater_start(const char *db_uri, const nz__lease *lease, nz__relater **out, nz_err *err)
{
	nz__relater *r = calloc(1, sizeof *r);
	nz_rc rc;
	*out = NULL;
	if (!r)
		return nz_err_set(err, NZ_NOMEM, "related articles: out of memory");
	r->lease = lease;
	r->seen = -1; /* a first round at start: lists left pending while the server was down */
	if ((rc = nz_store_open(db_uri, 0, &r->store, err)) ||
	    (rc = nz__worker_start(&r->worker, run, r, "related articles", err))) {
		nz_store_close(r->store);
		free(r);
		return rc;
	}
	*out = r;
	return NZ_OK;
}

void nz__relater_stop(nz__relater *r)
{
	if (!r)
		return;
	nz__worker_stop(&r->worker);
	nz_store_close(r->store);
	free(r);
}
