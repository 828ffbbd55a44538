/*
 * pipe.c: deferred writes for a batch import on PostgreSQL (postgres_int.h, "pipe.c"): libpq's
 * pipeline mode, so an article's ~25 statements cost a handful of round trips instead of one
 * each; and the ids of the catalog rows the batch ensured, so a tag named by 300 articles is
 * upserted once.
 *
 * Rules: only statements whose answer nobody reads are deferred; at most PIPE_MAX wait at a
 * time (their answers are small, so neither side's buffers fill while the other writes); the
 * answers are read in the order sent and the first failure is reported under the `what` of the
 * statement that failed. Pipeline mode is left after every read, so code that knows nothing of
 * the pipe (PQexec, PQprepare) finds the connection as usual.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/postgres/postgres_int.h"

/* At most this many answers wait: each is a few dozen bytes (a savepoint's, an INSERT's), so
 * the server's answers to all of them (about 30 kB) fit in a socket's buffer and it never
 * blocks writing them while the client is still sending. */
#define PIPE_MAX 1024

#define ID_BLOCK 256 /* ids reserved at once from a table's sequence */

typedef struct remembered {
	char *key;
	int64_t id;
} remembered;

typedef struct known_slug {
	char *slug;
	bool taken;
} known_slug;

typedef struct id_block {
	int64_t ids[ID_BLOCK];
	int n, next;
} id_block;

struct nz__pg_pipe {
	int item_depth;  /* the transaction level of a batch's item (h->depth) */
	bool optimistic; /* an item's own commit is deferred too */
	bool failed;     /* a statement failed while optimistic: the batch is to be redone */
	int n;           /* statements sent whose answers are not read yet */
	char what[PIPE_MAX][96]; /* what each of them is, for the error message */
	remembered *ids;         /* the catalog ids of the batch */
	size_t n_ids, cap_ids;
	id_block blocks[NZ__PG_SEQS]; /* ids reserved for new rows, per table */
	known_slug *slugs;            /* article slugs known taken or free in this batch */
	size_t n_slugs, cap_slugs;
};

nz_rc nz__pg_pipe_start(nz__pg *h, bool optimistic, nz_err *err)
{
	if (h->pipe)
		return nz_err_set(err, NZ_INVAL, "database: a batch is running already");
	if (!(h->pipe = calloc(1, sizeof(*h->pipe))))
		return nz_err_set(err, NZ_NOMEM, "database: out of memory");
	h->pipe->item_depth = h->depth + 2; /* the batch's transaction, then the item's */
	h->pipe->optimistic = optimistic;
	return NZ_OK;
}

bool nz__pg_pipe_defers_commit(const nz__pg *h)
{
	return h->pipe && (h->depth > h->pipe->item_depth ||
			   (h->pipe->optimistic && h->depth == h->pipe->item_depth));
}

bool nz__pg_pipe_failed(const nz__pg *h)
{
	return h->pipe && h->pipe->failed;
}

bool nz__pg_pipe_unsaved(const nz__pg *h, int level)
{
	return h->pipe && h->pipe->optimistic && level >= h->pipe->item_depth;
}

bool nz__pg_pipe_optimistic(const nz__pg *h)
{
	return h->pipe && h->pipe->optimistic;
}

void nz__pg_pipe_fail(nz__pg *h)
{
	if (h->pipe && h->pipe->optimistic)
		h->pipe->failed = true;
}

nz_rc nz__pg_pipe_stop(nz__pg *h, nz_err *err)
{
	nz_rc rc = nz__pg_pipe_flush(h, err);
	if (h->pipe) {
		nz__pg_pipe_forget(h);
		nz__pg_bulk_drop(h);
		free(h->pipe->ids);
		free(h->pipe->slugs);
		free(h->pipe);
		h->pipe = NULL;
	}
	return rc;
}

PGresult *nz__pg_pipeline_next(PGconn *conn)
{
	for (int nulls = 0; nulls < 2;) { /* two NULLs in a row: the connection failed */
		PGresult *r = PQgetResult(conn);
		if (!r) {
			nulls++; /* the end of one statement's answers */
		} else if (PQresultStatus(r) == PGRES_PIPELINE_SYNC) {
			PQclear(r);
			return NULL;
		} else {
			return r;
		}
	}
	return NULL;
}

/* Reads the answers of everything sent, up to the sync; *last (when given) gets the answer of
 * the last statement sent when every one succeeded. Leaves pipeline mode. */
static nz_rc read_answers(nz__pg *h, PGresult **last, nz_err *err)
{
	struct nz__pg_pipe *pp = h->pipe;
	PGresult *keep = NULL;
	nz_rc rc = NZ_OK;
	int i = 0;
	PGresult *r;

	if (PQpipelineSync(h->conn) != 1)
		rc = nz__pg_error(h->conn, NULL, "database: pipeline", err);
	while ((r = nz__pg_pipeline_next(h->conn))) {
		ExecStatusType st = PQresultStatus(r);
		bool ok = st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK;
		if (!ok && st != PGRES_PIPELINE_ABORTED && !rc)
			rc = nz__pg_error(h->conn, r, i < pp->n ? pp->what[i] : "database", err);
		if (!ok)
			pp->failed = pp->failed || pp->optimistic;
		if (ok && last && i == pp->n - 1)
			keep = r;
		else
			PQclear(r);
		i++;
	}
	if (!rc && i < pp->n)
		rc = nz__pg_error(h->conn, NULL, "database: pipeline", err);
	pp->n = 0;
	PQexitPipelineMode(h->conn);
	if (rc || !last)
		PQclear(keep);
	else
		*last = keep;
	return rc;
}

nz_rc nz__pg_pipe_flush(nz__pg *h, nz_err *err)
{
	if (!h->pipe)
		return NZ_OK;
	nz_rc rc = nz__pg_bulk_flush(h, err); /* the rows kept go first */
	if (PQpipelineStatus(h->conn) == PQ_PIPELINE_OFF)
		return rc;
	nz_rc read = read_answers(h, NULL, rc ? NULL : err);
	return rc ? rc : read;
}

/* Enters pipeline mode when needed and notes what the next statement sent is. */
static nz_rc before_send(nz__pg *h, const char *what, nz_err *err)
{
	struct nz__pg_pipe *pp = h->pipe;
	nz_rc rc = NZ_OK;
	if (pp->n == PIPE_MAX && (rc = read_answers(h, NULL, err)))
		return rc;
	if (PQpipelineStatus(h->conn) == PQ_PIPELINE_OFF && PQenterPipelineMode(h->conn) != 1)
		return nz__pg_error(h->conn, NULL, "database: pipeline", err);
	snprintf(pp->what[pp->n], sizeof(pp->what[0]), "%s", what);
	return NZ_OK;
}

static int send(nz__pg *h, const char *name, const char *sql, const nz__pg_params *p)
{
	if (!name)
		return PQsendQueryParams(h->conn, sql, 0, NULL, NULL, NULL, NULL, 0);
	return PQsendQueryPrepared(h->conn, name, p ? p->n : 0, p ? p->values : NULL,
				   p ? p->lengths : NULL, p ? p->formats : NULL, 0);
}

nz_rc nz__pg_pipe_send(nz__pg *h, const char *name, const char *sql, const nz__pg_params *p,
		       const char *what, nz_err *err)
{
	nz_rc rc = before_send(h, what, err);
	if (rc)
		return rc;
	if (send(h, name, sql, p) != 1) {
		rc = nz__pg_error(h->conn, NULL, what, err);
		read_answers(h, NULL, NULL);
		return rc;
	}
	h->pipe->n++;
	return NZ_OK;
}

nz_rc nz__pg_pipe_send_arrays(nz__pg *h, const char *name, int n, const char *const *values,
			      const int *lengths, const int *formats, const char *what, nz_err *err)
{
	nz_rc rc = before_send(h, what, err);
	if (rc)
		return rc;
	if (PQsendQueryPrepared(h->conn, name, n, values, lengths, formats, 0) != 1) {
		rc = nz__pg_error(h->conn, NULL, what, err);
		read_answers(h, NULL, NULL);
		return rc;
	}
	h->pipe->n++;
	return NZ_OK;
}

nz_rc nz__pg_pipe_query(nz__pg *h, const char *name, const nz__pg_params *p, PGresult **res,
			const char *what, nz_err *err)
{
	nz_rc rc = nz__pg_pipe_send(h, name, NULL, p, what, err);
	if (rc)
		return rc;
	*res = NULL;
	return read_answers(h, res, err);
}

/* ---- the batch's catalog ids ------------------------------------------------------------- */

bool nz__pg_pipe_id(nz__pg *h, const char *key, int64_t *id)
{
	struct nz__pg_pipe *pp = h->pipe;
	for (size_t i = 0; pp && i < pp->n_ids; i++)
		if (strcmp(pp->ids[i].key, key) == 0) {
			*id = pp->ids[i].id;
			return true;
		}
	return false;
}

void nz__pg_pipe_remember(nz__pg *h, const char *key, int64_t id)
{
	struct nz__pg_pipe *pp = h->pipe;
	char *copy = NULL;
	if (!pp || NZ_GROW(pp->ids, pp->n_ids + 1, pp->cap_ids) != NZ_OK || !(copy = strdup(key)))
		return;
	pp->ids[pp->n_ids++] = (remembered){copy, id};
}

void nz__pg_pipe_forget(nz__pg *h)
{
	struct nz__pg_pipe *pp = h->pipe;
	for (size_t i = 0; pp && i < pp->n_ids; i++)
		free(pp->ids[i].key);
	for (size_t i = 0; pp && i < pp->n_slugs; i++)
		free(pp->slugs[i].slug);
	if (pp)
		pp->n_ids = pp->n_slugs = 0;
}

/* ---- ids reserved for the batch's new rows ------------------------------------------------ */

/* One round trip reserves ID_BLOCK ids of the table's sequence (nextval is not undone by a
 * rollback, so an id taken is never handed out again; the block's unused ids are a gap). */
static const nz__pg_sql q_reserve[NZ__PG_SEQS] = {
    {"SELECT nextval(pg_get_serial_sequence('articles', 'id')) FROM generate_series(1, 256)"},
    {"SELECT nextval(pg_get_serial_sequence('media', 'id')) FROM generate_series(1, 256)"},
};

nz_rc nz__pg_pipe_new_id(nz__pg *h, nz__pg_seq seq, int64_t *id, nz_err *err)
{
	id_block *b = &h->pipe->blocks[seq];
	if (b->next == b->n) {
		PGresult *res = NULL;
		nz__pg_params p = {0};
		nz_rc rc = nz__pg_query(h, &q_reserve[seq], &p, &res, "database: ids", err);
		if (rc)
			return rc;
		b->n = PQntuples(res) < ID_BLOCK ? PQntuples(res) : ID_BLOCK;
		for (int i = 0; i < b->n; i++)
			b->ids[i] = nz__pg_col_int(res, i, 0);
		b->next = 0;
		PQclear(res);
		if (b->n == 0)
			return nz_err_set(err, NZ_DB, "database: no ids reserved");
	}
	*id = b->ids[b->next++];
	return NZ_OK;
}

/* ---- the batch's article slugs, looked up at once ---------------------------------------- */

static const nz__pg_sql q_slugs_taken = {
    "SELECT u.s FROM unnest($1::text[]) AS u(s) "
    "WHERE EXISTS(SELECT 1 FROM articles WHERE slug = u.s COLLATE \"C\") "
    "OR EXISTS(SELECT 1 FROM slug_redirects WHERE old_slug = u.s COLLATE \"C\")"};

static known_slug *slug_find(struct nz__pg_pipe *pp, const char *slug)
{
	for (size_t i = 0; pp && i < pp->n_slugs; i++)
		if (strcmp(pp->slugs[i].slug, slug) == 0)
			return &pp->slugs[i];
	return NULL;
}

static nz_rc slug_add(struct nz__pg_pipe *pp, const char *slug, bool taken)
{
	known_slug *k = slug_find(pp, slug);
	if (k) {
		k->taken = taken;
		return NZ_OK;
	}
	char *copy = NULL;
	if (NZ_GROW(pp->slugs, pp->n_slugs + 1, pp->cap_slugs) != NZ_OK || !(copy = strdup(slug)))
		return NZ_NOMEM;
	pp->slugs[pp->n_slugs++] = (known_slug){copy, taken};
	return NZ_OK;
}

char *nz__pg_array_literal(const char *const *slugs, size_t n)
{
	nz_buf b;
	nz_buf_init(&b, 0);
	nz_buf_putc(&b, '{');
	for (size_t i = 0; i < n; i++) {
		nz_buf_puts(&b, i ? ",\"" : "\"");
		for (const char *c = slugs[i]; *c; c++) {
			if (*c == '"' || *c == '\\')
				nz_buf_putc(&b, '\\');
			nz_buf_putc(&b, *c);
		}
		nz_buf_putc(&b, '"');
	}
	nz_buf_putc(&b, '}');
	char *out = nz_buf_rc(&b) ? NULL : strdup(nz_buf_cstr(&b));
	nz_buf_free(&b);
	return out;
}

nz_rc nz__pg_pipe_slugs_load(nz__pg *h, const char *const *slugs, size_t n, nz_err *err)
{
	struct nz__pg_pipe *pp = h->pipe;
	PGresult *res = NULL;
	nz__pg_params p = {0};
	if (!n)
		return NZ_OK;
	char *list = nz__pg_array_literal(slugs, n);
	if (!list)
		return nz_err_set(err, NZ_NOMEM, "database: out of memory");
	nz__pg_text(&p, list);
	nz_rc rc = nz__pg_query(h, &q_slugs_taken, &p, &res, "article slugs", err);
	free(list);
	for (size_t i = 0; !rc && i < n; i++)
		rc = slug_add(pp, slugs[i], false);
	for (int r = 0; !rc && r < PQntuples(res); r++)
		rc = slug_add(pp, PQgetvalue(res, r, 0), true);
	PQclear(res);
	if (rc == NZ_NOMEM)
		nz_err_set(err, rc, "database: out of memory");
	return rc;
}

bool nz__pg_pipe_slug(nz__pg *h, const char *slug, bool *taken)
{
	known_slug *k = slug_find(h->pipe, slug);
	if (k)
		*taken = k->taken;
	return k != NULL;
}

void nz__pg_pipe_slug_taken(nz__pg *h, const char *slug)
{
	if (h->pipe && slug_add(h->pipe, slug, true) != NZ_OK)
		nz__pg_pipe_forget(h); /* out of memory: ask the database from here on */
}
