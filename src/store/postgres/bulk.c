/*
 * bulk.c: the rows of an optimistic batch import kept and sent as one INSERT per table and
 * megabyte (postgres_int.h, "bulk.c"): an article's links, revision, import source and search
 * row were each one statement, with its own executor start-up and trigger set-up; here the
 * rows of a table go in one prepared `INSERT ... SELECT * FROM unnest($1::int8[], ...)`, the
 * arrays in binary, every BULK_CHUNK bytes of rows without waiting for the answers, so the
 * server inserts one chunk while the client builds the next.
 *
 * Rules: rows are kept only in an optimistic pipe (a failure there redoes the batch one row a
 * statement, as before); the rows kept are sent, tables in `order`, before anything that could
 * see them: any statement but an INSERT or a SELECT, one that names a word of a kept table's
 * seen_by (its name, or its referencing columns') or calls one of our SQL functions (nz_...),
 * a flush of the pipe (a commit, the end of the batch). Row triggers on INSERT read no kept
 * table but articles (article_search's copy), whose rows go first. A rollback while rows are
 * kept cannot tell which of them it undoes, so it drops them and marks the pipe failed (the
 * batch is redone). A table's rows keep the order they were given in, so their ids do too.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/postgres/postgres_int.h"

#define BULK_TABLES 8 /* tables with rows kept at once */
/* Rows kept past this many bytes in all tables are sent at once, without waiting (about 30
 * articles): the server inserts them while the client builds the next ones, instead of the two
 * taking turns at the end of the batch; and a batch never holds more than this and one big
 * original file in memory. Smaller costs statements, larger costs overlap. */
#define BULK_CHUNK (1u << 20)

/* The rows kept for one bulk statement: a binary array's elements per column. */
typedef struct bulk_rows {
	const nz__pg_bulk *bulk;
	size_t n;      /* rows */
	int cols;      /* strlen(bulk->types) */
	nz_buf *data;  /* cols buffers: each element as its length (int32) and bytes */
	bool *nulls;   /* cols flags: a NULL element is in the column */
	char what[96]; /* the first row's `what`, for the error message */
	char name[16]; /* the prepared statement's name ("": not prepared yet) */
} bulk_rows;

struct nz__pg_bulk_set {
	bulk_rows t[BULK_TABLES];
	int n;
};

static void put32(nz_buf *b, uint32_t v)
{
	unsigned char x[4] = {(unsigned char)(v >> 24), (unsigned char)(v >> 16),
			      (unsigned char)(v >> 8), (unsigned char)v};
	nz_buf_append(b, x, 4);
}

static void put64(nz_buf *b, uint64_t v)
{
	put32(b, (uint32_t)(v >> 32));
	put32(b, (uint32_t)v);
}

static uint32_t type_oid(char type)
{
	switch (type) {
	case 'i':
		return 20; /* int8 */
	case 'b':
		return 17; /* bytea */
	case 'v':
		return 3614; /* tsvector */
	default:
		return 25; /* text */
	}
}

/* Whether p's values fit bulk's columns: integers and text as text, bytea and tsvector binary. */
static bool fits(const nz__pg_bulk *bulk, const nz__pg_params *p)
{
	if (!p || p->overflow || (size_t)p->n != strlen(bulk->types))
		return false;
	for (int i = 0; i < p->n; i++) {
		bool binary = bulk->types[i] == 'b' || bulk->types[i] == 'v';
		if (p->values[i] && p->formats[i] != (binary ? 1 : 0))
			return false;
	}
	return true;
}

static bulk_rows *rows_of(nz__pg *h, const nz__pg_bulk *bulk)
{
	struct nz__pg_bulk_set *set = h->bulk;
	for (int i = 0; i < set->n; i++)
		if (set->t[i].bulk == bulk)
			return &set->t[i];
	if (set->n == BULK_TABLES)
		return NULL;
	bulk_rows *r = &set->t[set->n];
	int cols = (int)strlen(bulk->types);
	*r = (bulk_rows){.bulk = bulk, .cols = cols};
	r->data = calloc((size_t)cols, sizeof(*r->data));
	r->nulls = calloc((size_t)cols, sizeof(*r->nulls));
	if (!r->data || !r->nulls) {
		free(r->data);
		free(r->nulls);
		return NULL;
	}
	for (int c = 0; c < cols; c++)
		nz_buf_init(&r->data[c], 0);
	set->n++;
	return r;
}

static nz_rc keep(bulk_rows *r, const nz__pg_params *p, const char *what)
{
	nz_rc rc = NZ_OK;
	for (int c = 0; c < r->cols; c++) {
		nz_buf *b = &r->data[c];
		const char *v = p->values[c];
		if (!v) {
			put32(b, UINT32_MAX); /* -1: NULL */
			r->nulls[c] = true;
		} else if (r->bulk->types[c] == 'i') {
			put32(b, 8);
			put64(b, (uint64_t)strtoll(v, NULL, 10));
		} else {
			size_t len = p->formats[c] ? (size_t)p->lengths[c] : strlen(v);
			put32(b, (uint32_t)len);
			nz_buf_append(b, v, len);
		}
		if (!rc)
			rc = nz_buf_rc(b);
	}
	if (!r->n)
		snprintf(r->what, sizeof(r->what), "%s", what);
	r->n++;
	return rc;
}

nz_rc nz__pg_run_rows(nz__pg *h, const nz__pg_sql *q, const nz__pg_bulk *bulk,
		      const nz__pg_params *p, const char *what, nz_err *err)
{
	if (!nz__pg_pipe_optimistic(h) || !fits(bulk, p))
		return nz__pg_run(h, q, p, what, err);
	if (!h->bulk && !(h->bulk = calloc(1, sizeof(*h->bulk))))
		return nz_err_set(err, NZ_NOMEM, "%s: out of memory", what);
	bulk_rows *r = rows_of(h, bulk);
	if (!r)
		return nz__pg_run(h, q, p, what, err);
	/* Prepared before a row is kept: on a connection's first batch that reads the pipe's
	 * answers once (PQprepare waits); parsing and planning it a chunk at a time cost more. */
	nz_rc rc;
	if (!r->name[0] && (rc = nz__pg_prepared(h, &bulk->sql, r->name, what, err)))
		return rc;
	if (keep(r, p, what))
		return nz_err_set(err, NZ_NOMEM, "%s: out of memory", what);
	size_t bytes = 0;
	for (int i = 0; i < h->bulk->n; i++)
		for (int c = 0; c < h->bulk->t[i].cols; c++)
			bytes += h->bulk->t[i].data[c].len;
	if (bytes <= BULK_CHUNK)
		return NZ_OK;
	rc = nz__pg_bulk_flush(h, err);
	/* On their way now: libpq keeps up to 64 kB of a pipeline's messages for later. */
	if (!rc && PQflush(h->conn) < 0)
		rc = nz__pg_error(h->conn, NULL, what, err);
	return rc;
}

bool nz__pg_bulk_pending(const nz__pg *h)
{
	for (int i = 0; h->bulk && i < h->bulk->n; i++)
		if (h->bulk->t[i].n)
			return true;
	return false;
}

/* Whether sql names a word of bulk->seen_by, or else the table its statement inserts into. */
static bool names_table(const char *sql, const nz__pg_bulk *bulk)
{
	char word[64];
	const char *w = bulk->seen_by ? bulk->seen_by : bulk->sql.text + strlen("INSERT INTO ");
	const char *stop = bulk->seen_by ? " " : "( ";
	for (;;) {
		size_t len = strcspn(w, stop);
		if (len >= sizeof(word))
			return true; /* not expected: taken as named, so the rows are sent first */
		memcpy(word, w, len);
		word[len] = 0;
		if (len && strstr(sql, word))
			return true;
		if (!bulk->seen_by || !w[len])
			return false;
		w += len + 1;
	}
}

/* Sends one table's rows kept: each column one binary array, then forgets them. */
static nz_rc send_rows(nz__pg *h, bulk_rows *r, nz_err *err)
{
	const char *values[NZ__PG_MAX_PARAMS];
	int lengths[NZ__PG_MAX_PARAMS], formats[NZ__PG_MAX_PARAMS];
	nz_buf arrays[NZ__PG_MAX_PARAMS];
	bool nomem = false;
	nz_rc rc = NZ_OK;
	for (int c = 0; c < r->cols; c++) {
		nz_buf *a = &arrays[c];
		nz_buf_init(a, 0);
		put32(a, 1);                   /* dimensions */
		put32(a, r->nulls[c] ? 1 : 0); /* has NULLs */
		put32(a, type_oid(r->bulk->types[c]));
		put32(a, (uint32_t)r->n); /* elements */
		put32(a, 1);              /* lower bound */
		nz_buf_append(a, r->data[c].p, r->data[c].len);
		nomem = nomem || nz_buf_rc(a);
		values[c] = a->p;
		lengths[c] = (int)a->len;
		formats[c] = 1;
	}
	if (nomem)
		rc = nz_err_set(err, NZ_NOMEM, "%s: out of memory", r->what);
	else
		rc = nz__pg_pipe_send_arrays(h, r->name, r->cols, values, lengths, formats, r->what,
					     err);
	for (int c = 0; c < r->cols; c++) {
		nz_buf_free(&arrays[c]);
		nz_buf_reset(&r->data[c]);
		r->nulls[c] = false;
	}
	r->n = 0;
	return rc;
}

nz_rc nz__pg_bulk_flush(nz__pg *h, nz_err *err)
{
	struct nz__pg_bulk_set *set = h->bulk;
	nz_rc rc = NZ_OK;
	bool sent[BULK_TABLES] = {0};
	for (int done = 0; set && done < set->n; done++) { /* the lowest order first */
		int next = -1;
		for (int i = 0; i < set->n; i++)
			if (!sent[i] &&
			    (next < 0 || set->t[i].bulk->order < set->t[next].bulk->order))
				next = i;
		sent[next] = true;
		if (set->t[next].n && !rc)
			rc = send_rows(h, &set->t[next], err);
	}
	if (rc)
		nz__pg_bulk_drop(h);
	return rc;
}

nz_rc nz__pg_bulk_before(nz__pg *h, const char *sql, nz_err *err)
{
	if (!nz__pg_bulk_pending(h))
		return NZ_OK;
	bool safe = (strncmp(sql, "INSERT INTO ", strlen("INSERT INTO ")) == 0 ||
		     strncmp(sql, "SELECT ", strlen("SELECT ")) == 0) &&
		    !strstr(sql, "nz_"); /* our SQL functions may read any table */
	for (int i = 0; safe && i < h->bulk->n; i++)
		safe = !names_table(sql, h->bulk->t[i].bulk);
	return safe ? NZ_OK : nz__pg_bulk_flush(h, err);
}

void nz__pg_bulk_drop(nz__pg *h)
{
	struct nz__pg_bulk_set *set = h->bulk;
	for (int i = 0; set && i < set->n; i++) {
		for (int c = 0; c < set->t[i].cols; c++)
			nz_buf_free(&set->t[i].data[c]);
		free(set->t[i].data);
		free(set->t[i].nulls);
	}
	free(set);
	h->bulk = NULL;
}
