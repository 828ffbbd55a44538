/*
 * jobs/lease: the lease that makes the scheduler and webhook delivery run on one node of
 * several sharing a database. A thread with its own store handle tries to take (or renew) the
 * lease every NZ__LEASE_EVERY_S seconds for NZ__LEASE_TTL_S; the workers ask nz__lease_held
 * before each round. When the holder dies, its lease expires and another node's next try
 * takes it: within TTL + EVERY seconds.
 *
 * Rules: "held" is believed only until the last successful renewal's TTL runs out (less a
 * margin, by the monotonic clock), so a node that stalls or loses the database stops working
 * before anyone else may start; a failure drops the handle, and the next try opens another.
 * Stopping releases the lease, so a restart or a clean shutdown hands over at once.
 */
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "jobs/jobs_int.h"

#define MARGIN_MS 1000

struct nz__lease {
	char *db_uri;
	char name[32];
	char holder[80];
	_Atomic int64_t held_until_ms; /* monotonic; 0: not held */
	nz__worker worker;
};

static int64_t mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

bool nz__lease_held(const nz__lease *l)
{
	return !l || mono_ms() < atomic_load(&((nz__lease *)l)->held_until_ms);
}

const char *nz__lease_holder(const nz__lease *l)
{
	return l ? l->holder : "";
}

/* One try: takes or renews the lease; on failure the handle is dropped for a new one. */
static void try_once(nz__lease *l, nz_store **store)
{
	nz_err err = {0};
	bool held = false;
	int64_t started = mono_ms();
	bool was = nz__lease_held(l);
	if (!*store && nz_store_open(l->db_uri, 0, store, &err) != NZ_OK)
		*store = NULL;
	else if (nz_store_lease_acquire(*store, l->name, l->holder, NZ__LEASE_TTL_S, &held, &err) !=
		 NZ_OK) {
		nz_store_close(*store);
		*store = NULL;
	}
	if (held)
		atomic_store(&l->held_until_ms, started + NZ__LEASE_TTL_S * 1000 - MARGIN_MS);
	else
		atomic_store(&l->held_until_ms, 0);
	if (err.rc)
		NZ_LOG(NZ_LOG_ERROR, "jobs", "lease %s: %s", l->name, err.msg);
	if (held != was)
		NZ_LOG(NZ_LOG_INFO, "jobs", "%s the %s lease as %s", held ? "took" : "lost",
		       l->name, l->holder);
}

static void *run(void *arg)
{
	nz__lease *l = arg;
	nz_store *store = NULL;
	do
		try_once(l, &store);
	while (nz__worker_nap(&l->worker, NZ__LEASE_EVERY_S * 1000));
	if (atomic_load(&l->held_until_ms)) {
		nz_err err = {0};
		atomic_store(&l->held_until_ms, 0);
		if (store && nz_store_lease_release(store, l->name, l->holder, &err) != NZ_OK)
			NZ_LOG(NZ_LOG_WARN, "jobs", "releasing the %s lease: %s", l->name, err.msg);
	}
	nz_store_close(store);
	return NULL;
}

/* "host:pid:random", unique per start and readable in the leases table. */
static void make_holder(char *out, size_t size)
{
	char host[40] = "node";
	uint32_t r = 0;
	gethostname(host, sizeof host - 1);
	host[sizeof host - 1] = '\0';
	if (getrandom(&r, sizeof r, 0) != (ssize_t)sizeof r)
		r = (uint32_t)mono_ms() ^ (uint32_t)getpid() << 16;
	snprintf(out, size, "%s:%ld:%08x", host, (long)getpid(), (unsigned)r);
}

nz_rc nz__lease_start(const char *db_uri, const char *name, nz__lease **out, nz_err *err)
{
	*out = NULL;
	nz__lease *l = calloc(1, sizeof *l);
	if (!l || !(l->db_uri = strdup(db_uri))) {
		free(l);
		return nz_err_set(err, NZ_NOMEM, "lease: out of memory");
	}
	snprintf(l->name, sizeof l->name, "%s", name);
	make_holder(l->holder, sizeof l->holder);
	atomic_init(&l->held_until_ms, 0);
	nz_rc rc = nz__worker_start(&l->worker, run, l, "lease", err);
	if (rc != NZ_OK) {
		free(l->db_uri);
		free(l);
		return rc;
	}
	*out = l;
	return NZ_OK;
}

void nz__lease_stop(nz__lease *l)
{
	if (!l)
		return;
	nz__worker_stop(&l->worker);
	free(l->db_uri);
	free(l);
}
