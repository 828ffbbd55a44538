/*
 * nodes.c: the SQLite side of what several servers on one database coordinate through: a wait
 * on the change feed (a short poll of its head: SQLite has no notification between
 * processes) and the leases table (migration 6).
 *
 * Rules: several processes on one machine share the file, so a lease's expiry is the
 * process's wall clock in seconds; a lease write is one statement in its own transaction. The
 * lease statements run every few seconds only, so they are prepared per call.
 */
#include <time.h>

#include "store/sqlite/sqlite_int.h"

nz_rc nz__sq_changes_wait(nz_store *s, int64_t after_seq, int timeout_ms, int64_t *latest,
			  nz_err *err)
{
	struct timespec start, now;
	clock_gettime(CLOCK_MONOTONIC, &start);
	for (;;) {
		int64_t seq = 0;
		nz_rc rc = nz__sq_change_seq(s, &seq, err);
		if (rc)
			return rc;
		clock_gettime(CLOCK_MONOTONIC, &now);
		/* whole milliseconds passed, rounded down: never past the timeout early */
		int64_t spent = ((int64_t)(now.tv_sec - start.tv_sec) * 1000000000 +
				 (now.tv_nsec - start.tv_nsec)) /
				1000000;
		if (seq != after_seq || spent >= timeout_ms) {
			*latest = seq;
			return NZ_OK;
		}
		int64_t nap = timeout_ms - spent < NZ_STORE_WAIT_POLL_MS ? timeout_ms - spent
									 : NZ_STORE_WAIT_POLL_MS;
		nanosleep(&(struct timespec){.tv_nsec = nap * 1000000L}, NULL);
	}
}

/* Runs one lease statement with its parameters (name, holder, then now and ttl when given)
 * in a transaction; *changed gets its row count. */
static nz_rc lease_write(nz__sqlite *h, const char *sql, const char *name, const char *holder,
			 int64_t now, int ttl_s, int *changed, nz_err *err)
{
	sqlite3_stmt *st = NULL;
	nz_rc rc = nz__sq_begin(h, err);
	if (rc)
		return rc;
	int src = sqlite3_prepare_v2(h->db, sql, -1, &st, NULL);
	if (src != SQLITE_OK) {
		rc = nz__sq_error(h, src, "lease", err);
		goto out;
	}
	if (nz__sq_bind_text(st, 1, name) || nz__sq_bind_text(st, 2, holder) ||
	    (sqlite3_bind_parameter_count(st) > 2 &&
	     (sqlite3_bind_int64(st, 3, now) || sqlite3_bind_int64(st, 4, ttl_s)))) {
		rc = nz__sq_bind_error(h, "lease", err);
		goto out;
	}
	rc = nz__sq_exec(h, st, "lease", err);
	if (!rc)
		*changed = sqlite3_changes(h->db);
out:
	sqlite3_finalize(st);
	return nz__sq_end(h, rc, err);
}

nz_rc nz__sq_lease_acquire(nz_store *s, const char *name, const char *holder, int ttl_s, bool *held,
			   nz_err *err)
{
	int changed = 0;
	nz_rc rc =
	    lease_write(nz__sq(s),
			"INSERT INTO leases(name, holder, expires_at) VALUES (?1, ?2, ?3 + ?4)"
			" ON CONFLICT(name) DO UPDATE SET holder = excluded.holder,"
			" expires_at = excluded.expires_at"
			" WHERE leases.holder = excluded.holder OR leases.expires_at <= ?3",
			name, holder, nz_time_now(), ttl_s, &changed, err);
	*held = rc == NZ_OK && changed == 1;
	return rc;
}

nz_rc nz__sq_lease_release(nz_store *s, const char *name, const char *holder, nz_err *err)
{
	int changed = 0;
	return lease_write(nz__sq(s), "DELETE FROM leases WHERE name = ?1 AND holder = ?2", name,
			   holder, 0, 0, &changed, err);
}

nz_rc nz__sq_replica_lag(nz_store *s, int64_t *lag_ms, nz_err *err)
{
	(void)s;
	(void)err;
	*lag_ms = 0; /* one file: never behind */
	return NZ_OK;
}
