/*
 * nodes.c: the PostgreSQL side of what several servers on one database coordinate through: a
 * wait on the change feed woken by the commit itself (migration 2's trigger NOTIFYs channel
 * nz_changes with the new position when a transaction adds change rows; the handle LISTENs on
 * its first wait) and the leases table, whose expiry is the database server's clock, so the
 * nodes' clocks do not matter.
 *
 * Rules: notifications arrive only between transactions, so a wait never runs inside one; a
 * wake-up only says "look again": the position is always read from the table, so a missed or
 * foreign notification (another schema in the same database) costs one read, never a change.
 * A lease statement is one statement, its own transaction, outside the change-feed lock (a
 * renewal every few seconds must not queue behind writers).
 */
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <time.h>

#include "store/postgres/postgres_int.h"

static const nz__pg_sql q_head = {"SELECT COALESCE(max(seq), 0) FROM changes"};
static const nz__pg_sql q_acquire = {
    "INSERT INTO leases(name, holder, expires_at) VALUES ($1, $2, nz_clock() + $3)"
    " ON CONFLICT(name) DO UPDATE SET holder = excluded.holder,"
    " expires_at = excluded.expires_at"
    " WHERE leases.holder = excluded.holder OR leases.expires_at <= nz_clock()"
    " RETURNING 1"};
static const nz__pg_sql q_release = {"DELETE FROM leases WHERE name = $1 AND holder = $2"};

static int64_t mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Drops the notifications libpq has queued; true when there was one. */
static bool drain(PGconn *conn)
{
	bool any = false;
	PGnotify *n;
	while ((n = PQnotifies(conn))) {
		any = true;
		PQfreemem(n);
	}
	return any;
}

/* Waits until the connection's socket has something or ms pass; NZ_IO when it is gone. */
static nz_rc wait_socket(nz__pg *h, int ms, nz_err *err)
{
	struct pollfd pfd = {.fd = PQsocket(h->conn), .events = POLLIN};
	if (pfd.fd < 0)
		return nz_err_set(err, NZ_IO, "changes: the connection to PostgreSQL is gone");
	int n = poll(&pfd, 1, ms);
	if (n < 0 && errno != EINTR)
		return nz_err_set(err, NZ_IO, "changes: waiting for PostgreSQL: %s",
				  strerror(errno));
	if (n > 0 && !PQconsumeInput(h->conn))
		return nz__pg_error(h->conn, NULL, "changes: the connection to PostgreSQL", err);
	return NZ_OK;
}

nz_rc nz__pg_changes_wait(nz_store *s, int64_t after_seq, int timeout_ms, int64_t *latest,
			  nz_err *err)
{
	nz__pg *h = nz__pg_h(s);
	int64_t until = mono_ms() + timeout_ms;
	nz_rc rc;
	if (h->depth)
		return nz_err_set(err, NZ_INVAL, "changes: a wait inside a transaction never ends");
	if (!h->listening) {
		if ((rc = nz__pg_exec(h->conn, "LISTEN nz_changes", "changes: LISTEN", err)))
			return rc;
		h->listening = true;
	}
	for (;;) {
		int64_t seq = 0;
		drain(h->conn); /* what came before this read is in it */
		if ((rc = nz__pg_one_int(h, &q_head, NULL, &seq, "changes", err)))
			return rc;
		int64_t left = until - mono_ms();
		if (seq != after_seq || left <= 0) {
			*latest = seq;
			return NZ_OK;
		}
		if (drain(h->conn)) /* one arrived during the read: read again */
			continue;
		if ((rc = wait_socket(h, (int)left, err)))
			return rc;
	}
}

nz_rc nz__pg_lease_acquire(nz_store *s, const char *name, const char *holder, int ttl_s, bool *held,
			   nz_err *err)
{
	nz__pg_params p = {0};
	int64_t one = 0;
	nz__pg_text(&p, name);
	nz__pg_text(&p, holder);
	nz__pg_int64(&p, ttl_s);
	nz_rc rc = nz__pg_one_int(nz__pg_h(s), &q_acquire, &p, &one, "lease", err);
	*held = rc == NZ_OK && one == 1;
	return rc == NZ_NOTFOUND ? NZ_OK : rc;
}

nz_rc nz__pg_lease_release(nz_store *s, const char *name, const char *holder, nz_err *err)
{
	nz__pg_params p = {0};
	nz__pg_text(&p, name);
	nz__pg_text(&p, holder);
	return nz__pg_run(nz__pg_h(s), &q_release, &p, "lease", err);
}

/* Migration 2 (SQLite's 6): the leases table, the database's clock in unix seconds, and the
 * notification of every transaction that adds change rows, carrying the newest seq. */
const char nz__pg_2_nodes[] =
    "CREATE TABLE leases ("
    " name TEXT PRIMARY KEY,"
    " holder TEXT NOT NULL,"
    " expires_at BIGINT NOT NULL);"
    "CREATE FUNCTION nz_clock() RETURNS bigint LANGUAGE sql AS"
    " $$ SELECT floor(extract(epoch FROM clock_timestamp()))::bigint $$;"
    "CREATE FUNCTION nz_changes_notify() RETURNS trigger LANGUAGE plpgsql AS $$"
    " BEGIN"
    "  PERFORM pg_notify('nz_changes', (SELECT max(seq) FROM changes)::text);"
    "  RETURN NULL;"
    " END $$;"
    "CREATE TRIGGER changes_notify AFTER INSERT ON changes"
    " FOR EACH STATEMENT EXECUTE FUNCTION nz_changes_notify();";

/* A replica's lag: 0 off recovery (a primary, or a promoted replica), 0 when a WAL receiver
 * runs and everything it received (since it started) is applied, else the age of the last applied
 * commit (a day when it never applied one: not known to be fresh). */
static const nz__pg_sql q_lag = {
    "SELECT CASE WHEN NOT pg_is_in_recovery() THEN 0"
    " WHEN EXISTS (SELECT 1 FROM pg_stat_wal_receiver)"
    " AND pg_last_wal_receive_lsn() <= pg_last_wal_replay_lsn() THEN 0"
    " ELSE COALESCE(floor(1000 * extract(epoch FROM"
    " clock_timestamp() - pg_last_xact_replay_timestamp()))::bigint, 86400000) END"};

nz_rc nz__pg_replica_lag(nz_store *s, int64_t *lag_ms, nz_err *err)
{
	*lag_ms = 0;
	nz_rc rc = nz__pg_one_int(nz__pg_h(s), &q_lag, NULL, lag_ms, "replica lag", err);
	return rc == NZ_NOTFOUND ? NZ_OK : rc;
}
