/*
 * db.c: the PostgreSQL backend's handle: opening (connect, then migrate), nested transactions,
 * and the backend table (made from store_ops.h for the aggregates NZ__PG_AGGREGATES lists: the
 * slot of operation <name> is nz__pg_<name>; the others stay NULL, NZ_UNSUPPORTED).
 *
 * Semantics follow sqlite/db.c: writes nest, BEGIN at the outside and SAVEPOINT inside; a write
 * transaction first takes the change-feed lock, as SQLite's BEGIN IMMEDIATE takes the write
 * lock, so writers commit their change rows in seq order without waiting on each other in a
 * cycle. One difference: after a failed statement PostgreSQL refuses the rest of the
 * transaction until it is rolled back (to a savepoint), where SQLite goes on; every write op
 * runs in a savepoint of its own, so its failure leaves the caller's transaction usable.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/postgres/postgres_int.h"

/* ---- transactions ------------------------------------------------------------------------ */

static nz_rc tx(nz__pg *h, const char *sql, nz_err *err)
{
	nz_rc rc = nz__pg_pipe_flush(h, err);
	return rc ? rc : nz__pg_exec(h->conn, sql, "database: transaction", err);
}

/* SAVEPOINT and RELEASE: deferred during a batch (pipe.c), else run as tx does. */
static nz_rc tx_deferred(nz__pg *h, const char *sql, nz_err *err)
{
	if (nz__pg_pipe_on(h))
		return nz__pg_pipe_send(h, NULL, sql, NULL, "database: transaction", err);
	return tx(h, sql, err);
}

static bool aborted(const nz__pg *h)
{
	return PQtransactionStatus(h->conn) == PQTRANS_INERROR;
}

nz_rc nz__pg_begin(nz__pg *h, nz_err *err)
{
	nz_rc rc;

	char sql[32];
	if (nz__pg_pipe_unsaved(h, h->depth + 1)) {
		rc = NZ_OK; /* an optimistic batch's item: no savepoint (pipe.c) */
	} else if (h->depth > 0) {
		snprintf(sql, sizeof(sql), "SAVEPOINT nz%d", h->depth);
		rc = tx_deferred(h, sql, err);
	} else if (!(rc = tx(h, "BEGIN", err)) &&
		   (rc = tx(h, "SELECT " NZ__PG_XACT_LOCK(NZ__PG_LOCK_CHANGES), err))) {
		tx(h, "ROLLBACK", NULL);
	}
	if (!rc)
		h->depth++;
	return rc;
}

void nz__pg_rollback(nz__pg *h)
{
	if (h->depth == 0)
		return;
	if (nz__pg_pipe_unsaved(h, h->depth) || nz__pg_bulk_pending(h)) {
		/* No savepoint to go back to, or rows kept that it may undo: the batch is redone */
		nz__pg_bulk_drop(h);
		nz__pg_pipe_fail(h);
	}
	bool unsaved = nz__pg_pipe_unsaved(h, h->depth);
	h->depth--;
	nz__pg_pipe_flush(h, NULL); /* what waits is undone anyway */
	nz__pg_pipe_forget(h);      /* the ids may be of rows now rolled back */
	if (unsaved)
		return;
	if (PQtransactionStatus(h->conn) == PQTRANS_IDLE)
		return; /* nothing left to undo (the connection was reset) */
	if (h->depth == 0) {
		tx(h, "ROLLBACK", NULL);
	} else { /* by its level's name: undoes the levels inside it too, should any be left */
		char sql[48];
		snprintf(sql, sizeof(sql), "ROLLBACK TO nz%d", h->depth);
		tx(h, sql, NULL);
		snprintf(sql, sizeof(sql), "RELEASE nz%d", h->depth);
		tx(h, sql, NULL);
	}
}

nz_rc nz__pg_commit(nz__pg *h, nz_err *err)
{
	if (h->depth == 0)
		return nz_err_set(err, NZ_INVAL, "database: commit without begin");
	char sql[32];
	snprintf(sql, sizeof(sql), "RELEASE nz%d", h->depth - 1);
	/* Inside a batch's item, a level ends unchecked: the item's own end reads the answers,
	 * and a failure rolls the item back by name, whatever levels are left inside it. */
	if (nz__pg_pipe_defers_commit(h)) {
		nz_rc rc = nz__pg_pipe_unsaved(h, h->depth) ? NZ_OK : tx_deferred(h, sql, err);
		if (rc)
			nz__pg_rollback(h);
		else
			h->depth--;
		return rc;
	}
	nz_rc rc = nz__pg_pipe_flush(h, err); /* a deferred write that failed fails the commit */
	if (rc) {
		nz__pg_rollback(h);
		return rc;
	}
	if (aborted(h)) {
		nz__pg_rollback(h);
		return nz_err_set(err, NZ_DB,
				  "database: the transaction was rolled back after an "
				  "earlier error");
	}
	rc = h->depth == 1 ? tx(h, "COMMIT", err) : tx_deferred(h, sql, err);
	if (rc) {
		nz__pg_rollback(h);
		return rc;
	}
	h->depth--;
	return NZ_OK;
}

nz_rc nz__pg_end(nz__pg *h, nz_rc rc, nz_err *err)
{
	if (rc) {
		nz__pg_rollback(h);
		return rc;
	}
	return nz__pg_commit(h, err);
}

bool nz__pg_read_begin(nz__pg *h)
{
	/* Not inside a write, nor inside another read's snapshot (a read made of reads): that
	 * one's BEGIN would be refused with a warning, and its end would close the outer one. */
	return h->depth == 0 && PQtransactionStatus(h->conn) == PQTRANS_IDLE &&
	       tx(h, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", NULL) == NZ_OK;
}

void nz__pg_read_end(nz__pg *h, bool opened)
{
	if (opened && PQtransactionStatus(h->conn) != PQTRANS_IDLE)
		tx(h, "ROLLBACK", NULL);
}

static nz_rc op_begin(nz_store *s, nz_err *err)
{
	if (s->flags & NZ_STORE_READONLY)
		return nz_err_set(err, NZ_PERM, "database: opened read-only");
	return nz__pg_begin(nz__pg_h(s), err);
}

static nz_rc op_commit(nz_store *s, nz_err *err)
{
	return nz__pg_commit(nz__pg_h(s), err);
}

static void op_rollback(nz_store *s)
{
	nz__pg_rollback(nz__pg_h(s));
}

/* ---- open and close ---------------------------------------------------------------------- */

static void op_close(nz_store *s)
{
	nz__pg *h = nz__pg_h(s);

	nz__pg_cache_free(h);
	/* An open transaction is rolled back by the server when the connection ends. */
	PQfinish(h->conn);
	free(h);
}

#define NZ__PG_SLOT(access, front, name, params, args) .name = nz__pg_##name,
static const nz__store_ops pg_ops = {.backend = "postgres",
				     .close = op_close,
				     .begin = op_begin,
				     .commit = op_commit,
				     .rollback = op_rollback,
				     NZ__PG_AGGREGATES(NZ__PG_SLOT)};
#undef NZ__PG_SLOT

/* Without NZ_STORE_CREATE a schema that Newszone never initialised is refused, as SQLite
 * refuses a missing file. */
static nz_rc require_initialised(nz__pg *h, nz_err *err)
{
	int64_t n = 0;
	nz_rc rc = nz__pg_int(h->conn,
			      "SELECT count(*) FROM pg_tables WHERE schemaname = current_schema()"
			      " AND tablename = 'schema_version'",
			      0, NULL, &n, "database: reading the schema", err);
	if (!rc && !n)
		rc = nz_err_set(err, NZ_NOTFOUND,
				"database: no Newszone database there (create one with "
				"`newszone init`)");
	return rc;
}

nz_rc nz__pg_open(const char *conninfo, unsigned flags, nz_store **out, nz_err *err)
{
	nz__pg *h = NULL;
	bool readonly = flags & NZ_STORE_READONLY;
	nz_rc rc;

	*out = NULL;
	if (!(h = calloc(1, sizeof(*h))))
		return nz_err_set(err, NZ_NOMEM, "database: out of memory");
	h->base.ops = &pg_ops;
	h->base.flags = flags;
	if ((rc = nz__pg_connect(conninfo, 0, &h->conn, err)) ||
	    (!(flags & NZ_STORE_CREATE) && (rc = require_initialised(h, err))) ||
	    (rc = nz__pg_migrate(h->conn, readonly, &h->base.schema_version, err)) ||
	    (!readonly && (rc = nz__pg_search_refresh(h, err))))
		goto out;
	/* A server's handle bounds its statements (after the migration, which may take long). */
	if ((flags & NZ_STORE_SERVER) &&
	    (rc = nz__pg_statement_timeout(h->conn, NZ__PG_STATEMENT_TIMEOUT_MS, err)))
		goto out;
	/* A read-only handle is read-only on the server too. */
	if (readonly && (rc = nz__pg_exec(h->conn, "SET default_transaction_read_only = on",
					  "database: opening read-only", err)))
		goto out;
	*out = &h->base;
out:
	if (rc)
		op_close(&h->base);
	return rc;
}
