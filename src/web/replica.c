/*
 * web/replica: reads that may lag (serve --db-read). A second pool of store handles, opened
 * read-only on a streaming replica, answers the reads that may lag (the search page and the
 * API's search: nz__replica_route); everything else reads and writes the primary (app.c's
 * pool).
 *
 * Rules (docs/deployment.md, "Read replicas"):
 * - Read-your-writes: a request that carries a session cookie or an Authorization header (the
 *   newsroom, API token holders) reads the primary.
 * - Bounded lag: before each read, the handle's nz_store_replica_lag is asked (one round trip);
 *   above max_lag_ms the request reads the primary.
 * - Never a 5xx for the replica's sake: when no handle comes (down, opening backs off, every
 *   one busy for WAIT_MS) or the probe fails, the request reads the primary; app.c also redoes
 *   on the primary a request whose replica handle failed while it ran.
 * - An answer read on the replica is not kept by the page cache (app.c): the change feed drops
 *   entries when the primary commits, which may be before the replica applies the change.
 * Counters are atomics, read by /metrics.
 */
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "web/admin/auth.h"
#include "web/app_int.h"

#define WAIT_MS                                                                                    \
	50 /* a request waits this long at most for a replica handle, then reads the               \
	      primary */
#define MAX_LAG_DEFAULT_MS 1000

enum { ON_REPLICA, SIGNED_IN, DOWN, BUSY, LAGGING, LOST, N_OUTCOMES };
static const char *const outcome_names[N_OUTCOMES] = {"replica", "signed_in", "down",
						      "busy",    "lagging",   "lost"};

struct nz__replica {
	nz_store_pool *pool;
	int64_t max_lag_ms;
	atomic_uint_fast64_t outcomes[N_OUTCOMES];
	atomic_int_fast64_t last_lag_ms; /* of the last probe that answered */
	atomic_bool up;                  /* the last probe answered */
};

/* The reads that may lag: the search page and the API's search (/api/v1/articles?q=). The
 * API's list and articles, like every page, read the primary: the page cache keeps them, and
 * the primary's change feed is what keeps those copies fresh. */
bool nz__replica_route(const char *pattern, const nz_http_req *req)
{
	if (strcmp(pattern, "/search") == 0)
		return true;
	return strcmp(pattern, "/api/v1/articles") == 0 && nz_http_query(req, "q");
}

nz_rc nz__replica_start(const nz_web_opts *opts, nz__replica **out, nz_err *err)
{
	*out = NULL;
	if (!opts->db_read_uri)
		return NZ_OK;
	nz__replica *r = calloc(1, sizeof *r);
	if (!r)
		return nz_err_set(err, NZ_NOMEM, "out of memory");
	r->max_lag_ms = opts->db_read_max_lag_ms ? opts->db_read_max_lag_ms : MAX_LAG_DEFAULT_MS;
	nz_store_pool_opts po = {.uri = opts->db_read_uri,
				 .flags = NZ_STORE_SERVER | NZ_STORE_READONLY,
				 .size = opts->db_read_pool,
				 .wait_ms = WAIT_MS,
				 .lazy = true}; /* the replica may be down at start */
	nz_rc rc = nz_store_pool_new(&po, &r->pool, err);
	if (rc != NZ_OK) {
		free(r);
		return rc;
	}
	*out = r;
	return NZ_OK;
}

void nz__replica_free(nz__replica *r)
{
	if (!r)
		return;
	nz_store_pool_free(r->pool);
	free(r);
}

static void count(nz__replica *r, int outcome)
{
	atomic_fetch_add(&r->outcomes[outcome], 1);
}

/* A replica handle whose lag was just measured, or NULL (*outcome says why). */
static nz_store *take_probed(nz__replica *r, int *outcome)
{
	nz_store *s = NULL;
	nz_err err = {0};
	nz_rc rc = nz_store_pool_get(r->pool, &s, &err);
	if (rc != NZ_OK) {
		*outcome = rc == NZ_TOOBIG ? BUSY : DOWN;
		if (rc != NZ_TOOBIG)
			atomic_store(&r->up, false);
		return NULL;
	}
	int64_t lag = 0;
	if (nz_store_replica_lag(s, &lag, &err) != NZ_OK) {
		NZ_LOG(NZ_LOG_WARN, "replica", "%s; reading the primary", err.msg);
		atomic_store(&r->up, false);
		nz_store_pool_put(r->pool, s); /* closed when it failed */
		*outcome = DOWN;
		return NULL;
	}
	atomic_store(&r->up, true);
	atomic_store(&r->last_lag_ms, lag);
	if (lag > r->max_lag_ms) {
		nz_store_pool_put(r->pool, s);
		*outcome = LAGGING;
		return NULL;
	}
	*outcome = ON_REPLICA;
	return s;
}

nz_store *nz__replica_take(nz__replica *r, const nz_http_req *req)
{
	if (!r)
		return NULL;
	if (nz_http_cookie(req, NZ_SESSION_COOKIE) || nz_http_header(req, "Authorization")) {
		count(r, SIGNED_IN);
		return NULL;
	}
	int outcome;
	nz_store *s = take_probed(r, &outcome);
	if (!s) /* ON_REPLICA is counted once the answer is made (nz__replica_give) */
		count(r, outcome);
	return s;
}

bool nz__replica_give(nz__replica *r, nz_store *s)
{
	bool lost = nz_store_failed(s);
	count(r, lost ? LOST : ON_REPLICA);
	if (lost)
		atomic_store(&r->up, false);
	nz_store_pool_put(r->pool, s);
	return !lost;
}

const char *nz__replica_health(nz__replica *r, nz_arena *arena)
{
	if (!r)
		return "";
	int outcome;
	nz_store *s = take_probed(r, &outcome);
	if (s)
		nz_store_pool_put(r->pool, s);
	if (outcome == DOWN)
		return "replica: unavailable; searches read the primary\n";
	if (outcome == BUSY)
		return "replica: busy; searches overflow to the primary\n";
	return nz_arena_printf(arena, "replica: %s, lag %lld ms\n",
			       outcome == LAGGING ? "lagging; searches read the primary" : "ok",
			       (long long)atomic_load(&r->last_lag_ms));
}

void nz__replica_metrics(nz__replica *r, nz_buf *out)
{
	if (!r)
		return;
	nz_buf_puts(out, "# HELP newszone_db_read_total Requests that may read the replica, by "
			 "where they read: the replica, or the primary and why.\n"
			 "# TYPE newszone_db_read_total counter\n");
	for (int i = 0; i < N_OUTCOMES; i++)
		nz_buf_printf(out, "newszone_db_read_total{read=\"%s\"} %llu\n", outcome_names[i],
			      (unsigned long long)atomic_load(&r->outcomes[i]));
	nz_buf_printf(out,
		      "# HELP newszone_db_replica_up Whether the replica answered the last probe.\n"
		      "# TYPE newszone_db_replica_up gauge\nnewszone_db_replica_up %d\n"
		      "# HELP newszone_db_replica_lag_ms The replica's lag at the last probe.\n"
		      "# TYPE newszone_db_replica_lag_ms gauge\nnewszone_db_replica_lag_ms %lld\n",
		      atomic_load(&r->up) ? 1 : 0, (long long)atomic_load(&r->last_lag_ms));
	nz_store_pool_stats st;
	nz_store_pool_stats_get(r->pool, &st);
	nz_buf_printf(
	    out,
	    "# HELP newszone_db_read_pool_open Replica connections open now.\n"
	    "# TYPE newszone_db_read_pool_open gauge\nnewszone_db_read_pool_open %u\n"
	    "# HELP newszone_db_read_pool_in_use Replica connections lent now.\n"
	    "# TYPE newszone_db_read_pool_in_use gauge\nnewszone_db_read_pool_in_use %u\n",
	    st.open, st.lent);
}
