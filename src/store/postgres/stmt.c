/*
 * stmt.c: the PostgreSQL backend's statements: the per-connection cache of prepared statements
 * (keyed by the address of each fixed nz__pg_sql, named "nz<n>" on the server), parameters,
 * execution and reading results.
 *
 * Rules: only fixed text is prepared (never text made from user input); values travel as
 * parameters, text as text and bytea in binary; results come back as text and are copied into
 * the caller's arena before the PGresult is cleared.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/postgres/postgres_int.h"

/* An open-addressing set of the statements prepared on the connection. */
typedef struct nz__pg_entry {
	const nz__pg_sql *q;
	unsigned id; /* the server-side name is "nz<id>" */
} nz__pg_entry;

struct nz__pg_cache {
	size_t cap, n; /* cap a power of two, n below half of it */
	nz__pg_entry *slots;
};

static size_t slot_of(const nz__pg_sql *q, size_t cap)
{
	uintptr_t k = (uintptr_t)q;
	k ^= k >> 17;
	k *= (uintptr_t)0x9E3779B97F4A7C15ull;
	return (size_t)(k >> 7) & (cap - 1);
}

static nz__pg_entry *cache_find(struct nz__pg_cache *c, const nz__pg_sql *q)
{
	size_t i = slot_of(q, c->cap);
	while (c->slots[i].q && c->slots[i].q != q)
		i = (i + 1) & (c->cap - 1);
	return &c->slots[i];
}

/* Room for one more entry: creates the cache or doubles it. */
static nz_rc cache_reserve(nz__pg *h)
{
	struct nz__pg_cache *c = h->cache;
	if (c && (c->n + 1) * 2 <= c->cap)
		return NZ_OK;
	size_t cap = c ? c->cap * 2 : 256;
	nz__pg_entry *slots = calloc(cap, sizeof(*slots));
	if (!slots)
		return NZ_NOMEM;
	if (!c && !(c = h->cache = calloc(1, sizeof(*c)))) {
		free(slots);
		return NZ_NOMEM;
	}
	nz__pg_entry *old = c->slots;
	size_t old_cap = c->cap;
	c->slots = slots;
	c->cap = cap;
	for (size_t i = 0; i < old_cap; i++)
		if (old[i].q)
			*cache_find(c, old[i].q) = old[i];
	free(old);
	return NZ_OK;
}

void nz__pg_cache_free(nz__pg *h)
{
	if (h->cache)
		free(h->cache->slots);
	free(h->cache);
	h->cache = NULL;
}

nz_rc nz__pg_prepared(nz__pg *h, const nz__pg_sql *q, char name[16], const char *what, nz_err *err)
{
	if (cache_reserve(h))
		return nz_err_set(err, NZ_NOMEM, "%s: out of memory", what);
	nz__pg_entry *e = cache_find(h->cache, q);
	if (!e->q) {
		nz_rc rc = nz__pg_pipe_flush(h, err); /* PQprepare waits: not in pipeline mode */
		if (rc)
			return rc;
		unsigned id = (unsigned)h->cache->n + 1;
		snprintf(name, 16, "nz%u", id);
		PGresult *res = PQprepare(h->conn, name, q->text, 0, NULL);
		rc = PQresultStatus(res) == PGRES_COMMAND_OK
			 ? NZ_OK
			 : nz__pg_error(h->conn, res, what, err);
		PQclear(res);
		if (rc)
			return rc;
		*e = (nz__pg_entry){q, id};
		h->cache->n++;
	}
	snprintf(name, 16, "nz%u", e->id);
	return NZ_OK;
}

/* ---- parameters -------------------------------------------------------------------------- */

static int next(nz__pg_params *p)
{
	if (p->n >= NZ__PG_MAX_PARAMS) {
		p->overflow = true;
		return -1;
	}
	return p->n++;
}

void nz__pg_text(nz__pg_params *p, const char *s)
{
	int i = next(p);
	if (i >= 0)
		p->values[i] = s;
}

void nz__pg_int64(nz__pg_params *p, int64_t v)
{
	int i = next(p);
	if (i >= 0) {
		snprintf(p->ints[i], sizeof(p->ints[i]), "%lld", (long long)v);
		p->values[i] = p->ints[i];
	}
}

void nz__pg_opt_int(nz__pg_params *p, int64_t v)
{
	if (v)
		nz__pg_int64(p, v);
	else
		nz__pg_null(p);
}

void nz__pg_null(nz__pg_params *p)
{
	nz__pg_text(p, NULL);
}

void nz__pg_bytea(nz__pg_params *p, const void *data, size_t len)
{
	int i = next(p);
	if (i >= 0) {
		p->values[i] = data ? data : "";
		p->lengths[i] = (int)len;
		p->formats[i] = 1;
	}
}

/* ---- execution --------------------------------------------------------------------------- */

nz_rc nz__pg_query(nz__pg *h, const nz__pg_sql *q, const nz__pg_params *p, PGresult **res,
		   const char *what, nz_err *err)
{
	char name[16];
	nz_rc rc;

	*res = NULL;
	if (p && p->overflow)
		return nz_err_set(err, NZ_INVAL, "%s: more than %d parameters", what,
				  NZ__PG_MAX_PARAMS);
	if (h->bulk && (rc = nz__pg_bulk_before(h, q->text, err))) /* it may read them */
		return rc;
	if ((rc = nz__pg_prepared(h, q, name, what, err)))
		return rc;
	if (nz__pg_pipe_on(h) && PQpipelineStatus(h->conn) != PQ_PIPELINE_OFF)
		return nz__pg_pipe_query(h, name, p, res, what, err); /* with the writes waiting */
	PGresult *r = PQexecPrepared(h->conn, name, p ? p->n : 0, p ? p->values : NULL,
				     p ? p->lengths : NULL, p ? p->formats : NULL, 0);
	ExecStatusType st = PQresultStatus(r);
	if (st != PGRES_TUPLES_OK && st != PGRES_COMMAND_OK) {
		rc = nz__pg_error(h->conn, r, what, err);
		PQclear(r);
		return rc;
	}
	*res = r;
	return NZ_OK;
}

nz_rc nz__pg_run(nz__pg *h, const nz__pg_sql *q, const nz__pg_params *p, const char *what,
		 nz_err *err)
{
	PGresult *res;
	char name[16];
	nz_rc rc;

	if (nz__pg_pipe_on(h)) { /* deferred: its answer is read with the next one needed */
		if (p && p->overflow)
			return nz_err_set(err, NZ_INVAL, "%s: more than %d parameters", what,
					  NZ__PG_MAX_PARAMS);
		if ((rc = nz__pg_bulk_before(h, q->text, err)) ||
		    (rc = nz__pg_prepared(h, q, name, what, err)))
			return rc;
		return nz__pg_pipe_send(h, name, NULL, p, what, err);
	}
	rc = nz__pg_query(h, q, p, &res, what, err);
	PQclear(res);
	return rc;
}

nz_rc nz__pg_one_int(nz__pg *h, const nz__pg_sql *q, const nz__pg_params *p, int64_t *out,
		     const char *what, nz_err *err)
{
	PGresult *res;
	nz_rc rc = nz__pg_query(h, q, p, &res, what, err);
	if (rc)
		return rc;
	if (PQntuples(res) < 1 || PQnfields(res) < 1 || PQgetisnull(res, 0, 0))
		rc = NZ_NOTFOUND;
	else
		*out = nz__pg_col_int(res, 0, 0);
	PQclear(res);
	return rc;
}

/* ---- results ----------------------------------------------------------------------------- */

bool nz__pg_col_null(const PGresult *res, int r, int c)
{
	return PQgetisnull(res, r, c) != 0;
}

int64_t nz__pg_col_int(const PGresult *res, int r, int c)
{
	return PQgetisnull(res, r, c) ? 0 : strtoll(PQgetvalue(res, r, c), NULL, 10);
}

nz_rc nz__pg_col_text(nz_arena *arena, const PGresult *res, int r, int c, const char **out)
{
	*out = NULL;
	if (PQgetisnull(res, r, c))
		return NZ_OK;
	*out = nz_arena_strndup(arena, PQgetvalue(res, r, c), (size_t)PQgetlength(res, r, c));
	return *out ? NZ_OK : NZ_NOMEM;
}

nz_rc nz__pg_col_bytea(nz_arena *arena, const PGresult *res, int r, int c, const void **out,
		       size_t *len)
{
	size_t n = 0;
	unsigned char *raw = NULL;
	char *copy;

	*out = NULL;
	*len = 0;
	if (!PQgetisnull(res, r, c) &&
	    !(raw = PQunescapeBytea((const unsigned char *)PQgetvalue(res, r, c), &n)))
		return NZ_NOMEM;
	if (!(copy = nz_arena_alloc(arena, n ? n : 1))) {
		PQfreemem(raw);
		return NZ_NOMEM;
	}
	if (n)
		memcpy(copy, raw, n);
	PQfreemem(raw);
	*out = copy;
	*len = n;
	return NZ_OK;
}
