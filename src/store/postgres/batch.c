/*
 * batch.c: several reads in one round trip. The statements go out together in libpq's pipeline
 * mode, between a BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY and a ROLLBACK when no
 * transaction is open (so they see one snapshot, as nz__pg_read_begin's reads do), followed by
 * one Sync; the answers are then read in order. On a two-core machine with the server beside
 * us, each round trip saved is a pair of context switches (docs/postgres.md, "Speed").
 *
 * Rules: only prepared statements (nz__pg_prepared: the first use of one on a connection costs
 * its PQprepare, once); a batch import's pipe (pipe.c) or an optimistic batch's rows (bulk.c)
 * already own the connection's pipeline, so the reads then run one by one in the transaction
 * that is open. A failed read reports the first error, clears every result and leaves no
 * transaction of its own behind.
 */
#include <string.h>

#include "store/postgres/postgres_int.h"

static const char SNAPSHOT[] = "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY";

void nz__pg_reads_clear(nz__pg_read *reads, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		PQclear(reads[i].res);
		reads[i].res = NULL;
	}
}

/* One by one, in one snapshot: where the pipeline is not ours to use. */
static nz_rc reads_serial(nz__pg *h, nz__pg_read *reads, size_t n, nz_err *err)
{
	nz_rc rc = NZ_OK;
	bool snap = nz__pg_read_begin(h);
	for (size_t i = 0; !rc && i < n; i++)
		rc = nz__pg_query(h, reads[i].q, reads[i].p, &reads[i].res, reads[i].what, err);
	nz__pg_read_end(h, snap);
	return rc;
}

/* Sends the batch: the snapshot's BEGIN when wrap, every read, its ROLLBACK, one Sync. */
static bool send_all(nz__pg *h, nz__pg_read *reads, size_t n, char (*names)[16], bool wrap)
{
	PGconn *c = h->conn;
	if (PQenterPipelineMode(c) != 1)
		return false;
	bool ok = !wrap || PQsendQueryParams(c, SNAPSHOT, 0, NULL, NULL, NULL, NULL, 0) == 1;
	for (size_t i = 0; ok && i < n; i++) {
		const nz__pg_params *p = reads[i].p;
		ok = PQsendQueryPrepared(c, names[i], p ? p->n : 0, p ? p->values : NULL,
					 p ? p->lengths : NULL, p ? p->formats : NULL, 0) == 1;
	}
	if (ok && wrap)
		ok = PQsendQueryParams(c, "ROLLBACK", 0, NULL, NULL, NULL, NULL, 0) == 1;
	return ok && PQpipelineSync(c) == 1;
}

/* Reads every answer up to the Sync: the reads' results into reads[i].res (the BEGIN's and the
 * ROLLBACK's when wrap are dropped); the first failure into err. */
static nz_rc read_all(nz__pg *h, nz__pg_read *reads, size_t n, bool wrap, nz_err *err)
{
	nz_rc rc = NZ_OK;
	size_t i = 0, expected = n + (wrap ? 2 : 0);
	PGresult *r;
	while ((r = nz__pg_pipeline_next(h->conn))) {
		ExecStatusType st = PQresultStatus(r);
		size_t k = wrap ? i - 1 : i; /* which read this answers, when one does */
		bool mine = i < expected && (!wrap || (i > 0 && i <= n));
		if (st != PGRES_TUPLES_OK && st != PGRES_COMMAND_OK &&
		    st != PGRES_PIPELINE_ABORTED && !rc)
			rc = nz__pg_error(h->conn, r, mine ? reads[k].what : "database: snapshot",
					  err);
		if (mine && st == PGRES_TUPLES_OK)
			reads[k].res = r;
		else
			PQclear(r);
		i++;
	}
	if (!rc && i < expected)
		rc = nz__pg_error(h->conn, NULL, "database: pipeline", err);
	for (size_t j = 0; !rc && j < n; j++)
		if (!reads[j].res) /* a statement that returns no rows: not a read */
			rc = nz_err_set(err, NZ_DB, "%s: no rows came back", reads[j].what);
	return rc;
}

nz_rc nz__pg_reads(nz__pg *h, nz__pg_read *reads, size_t n, nz_err *err)
{
	char names[NZ__PG_MAX_READS][16];
	nz_rc rc;

	for (size_t i = 0; i < n; i++)
		reads[i].res = NULL;
	if (n > NZ__PG_MAX_READS)
		return nz_err_set(err, NZ_INVAL, "database: more than %d reads in a batch",
				  NZ__PG_MAX_READS);
	for (size_t i = 0; i < n; i++) {
		if (reads[i].p && reads[i].p->overflow)
			return nz_err_set(err, NZ_INVAL, "%s: more than %d parameters",
					  reads[i].what, NZ__PG_MAX_PARAMS);
		if ((rc = nz__pg_prepared(h, reads[i].q, names[i], reads[i].what, err)))
			return rc;
	}
	if (nz__pg_pipe_on(h) || h->bulk || PQpipelineStatus(h->conn) != PQ_PIPELINE_OFF)
		rc = reads_serial(h, reads, n, err);
	else {
		bool wrap = h->depth == 0 && PQtransactionStatus(h->conn) == PQTRANS_IDLE;
		rc = send_all(h, reads, n, names, wrap)
			 ? read_all(h, reads, n, wrap, err)
			 : nz__pg_error(h->conn, NULL, "database: pipeline", err);
		/* A failed read leaves the snapshot's transaction open (aborted): rolled back. */
		if (PQpipelineStatus(h->conn) != PQ_PIPELINE_OFF &&
		    PQexitPipelineMode(h->conn) != 1)
			rc = rc ? rc : nz__pg_error(h->conn, NULL, "database: pipeline", err);
		if (wrap && PQtransactionStatus(h->conn) != PQTRANS_IDLE)
			nz__pg_exec(h->conn, "ROLLBACK", "database: transaction", NULL);
	}
	if (rc)
		nz__pg_reads_clear(reads, n);
	return rc;
}
