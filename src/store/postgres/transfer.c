/*
 * transfer.c: the PostgreSQL backend's half of copying a whole database (store.h, "transfer"):
 * tables and columns as information_schema has them, rows read in key order (text keys in
 * byte order, COLLATE "C", as SQLite's BINARY) and written verbatim.
 *
 * Rules: statements are built from the list's names and the columns the catalog reported (the
 * front checks both) and run unnamed, never cached. A snapshot is one REPEATABLE READ READ ONLY
 * transaction; a load is one write transaction (nz__pg_begin) in which the user triggers are
 * disabled (ALTER TABLE is transactional), since rows copied verbatim already hold what the
 * triggers would add; foreign keys stay on (the list is ordered parents first). The end of a
 * load turns the triggers on again, moves every identity sequence past its table's rows (the
 * change feed's past every number it ever gave out) and rebuilds the search rows.
 */
#include <stdlib.h>
#include <string.h>

#include "store/postgres/postgres_int.h"

/* Rows of one read stop early past this many bytes, so photos do not fill memory. */
#define BATCH_BYTES (8u << 20)

/* Runs sql with n text parameters; *res holds the rows (the caller PQclears it). */
static nz_rc query(nz__pg *h, const char *sql, int n, const char *const *params, PGresult **res,
		   const char *what, nz_err *err)
{
	*res = PQexecParams(h->conn, sql, n, NULL, params, NULL, NULL, 0);
	ExecStatusType st = PQresultStatus(*res);
	if (st == PGRES_TUPLES_OK || st == PGRES_COMMAND_OK)
		return NZ_OK;
	nz_rc rc = nz__pg_error(h->conn, *res, what, err);
	PQclear(*res);
	*res = NULL;
	return rc;
}

/* Column 0 of every row of sql (one text parameter or none) as arena strings. */
static nz_rc names(nz__pg *h, nz_arena *arena, const char *sql, const char *param,
		   const char ***out, size_t *n, const char *what, nz_err *err)
{
	PGresult *res = NULL;
	nz_rc rc = query(h, sql, param ? 1 : 0, &param, &res, what, err);
	*out = NULL;
	*n = 0;
	if (rc)
		return rc;
	int rows = PQntuples(res);
	if (rows && !(*out = nz_arena_alloc(arena, (size_t)rows * sizeof(**out))))
		rc = nz_err_set(err, NZ_NOMEM, "%s: out of memory", what);
	for (int r = 0; r < rows && !rc; r++) {
		if (nz__pg_col_text(arena, res, r, 0, &(*out)[r]) || !(*out)[r])
			rc = nz_err_set(err, NZ_NOMEM, "%s: out of memory", what);
		(*n)++;
	}
	PQclear(res);
	return rc;
}

nz_rc nz__pg_transfer_catalog(nz_store *s, nz_arena *arena, const char ***out, size_t *n,
			      nz_err *err)
{
	return names(nz__pg_h(s), arena,
		     "SELECT table_name::text FROM information_schema.tables"
		     " WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'"
		     " ORDER BY 1",
		     NULL, out, n, "transfer: tables", err);
}

nz_rc nz__pg_transfer_columns(nz_store *s, nz_arena *arena, const nz_transfer_table *t,
			      const char ***cols, size_t *n, nz_err *err)
{
	nz_rc rc = names(nz__pg_h(s), arena,
			 "SELECT column_name::text FROM information_schema.columns"
			 " WHERE table_schema = current_schema() AND table_name = $1"
			 " ORDER BY ordinal_position",
			 t->name, cols, n, t->name, err);
	if (!rc && *n == 0)
		rc = nz_err_set(err, NZ_NOTFOUND, "%s: no such table in this database", t->name);
	return rc;
}

/* Runs the SQL built in b (after checking it was built); *res as query's. */
static nz_rc built(nz__pg *h, nz_buf *b, PGresult **res, const char *what, nz_err *err)
{
	*res = NULL;
	if (nz_buf_rc(b))
		return nz_err_set(err, NZ_NOMEM, "%s: out of memory", what);
	return query(h, nz_buf_cstr(b), 0, NULL, res, what, err);
}

nz_rc nz__pg_transfer_count(nz_store *s, const nz_transfer_table *t, int64_t *n, nz_err *err)
{
	nz__pg *h = nz__pg_h(s);
	PGresult *res = NULL;
	nz_buf b;
	nz_buf_init(&b, 256);
	nz_buf_printf(&b, "SELECT count(*) FROM \"%s\"", t->name);
	nz_rc rc = built(h, &b, &res, t->name, err);
	if (!rc)
		*n = nz__pg_col_int(res, 0, 0);
	PQclear(res);
	nz_buf_free(&b);
	return rc;
}

/* Whether column col of t holds text (its key is then compared byte by byte). */
static nz_rc is_text(nz__pg *h, const nz_transfer_table *t, const char *col, bool *text,
		     nz_err *err)
{
	const char *p[2] = {t->name, col};
	PGresult *res = NULL;
	nz_rc rc = query(h,
			 "SELECT data_type IN ('text', 'character varying', 'json')"
			 " FROM information_schema.columns WHERE table_schema = current_schema()"
			 " AND table_name = $1 AND column_name = $2",
			 2, p, &res, t->name, err);
	if (!rc)
		*text = PQntuples(res) > 0 && strcmp(PQgetvalue(res, 0, 0), "t") == 0;
	PQclear(res);
	return rc;
}

/* The key's columns, each with COLLATE "C" when it is text, joined by ", " into k. */
static nz_rc key_sql(nz__pg *h, const nz_transfer_table *t, nz_buf *k, size_t *nkey, nz_err *err)
{
	const char *p = t->key;
	nz_rc rc = NZ_OK;
	*nkey = 0;
	while (*p && !rc) {
		size_t len = strcspn(p, ",");
		char col[64];
		bool text = false;
		snprintf(col, sizeof(col), "%.*s", (int)len, p);
		if (!(rc = is_text(h, t, col, &text, err)))
			nz_buf_printf(k, "%s\"%s\"%s", *nkey ? ", " : "", col,
				      text ? " COLLATE \"C\"" : "");
		(*nkey)++;
		p += len;
		while (*p == ',' || *p == ' ')
			p++;
	}
	return rc;
}

/* A value in PostgreSQL's text form, for a parameter (NULL: SQL NULL); blobs are binary. */
static const char *param_text(const nz_value *v, char num[32], int *len, int *format)
{
	*format = 0;
	*len = 0;
	switch (v->type) {
	case NZ_VALUE_INT:
		snprintf(num, 32, "%lld", (long long)v->i);
		return num;
	case NZ_VALUE_REAL:
		snprintf(num, 32, "%.17g", v->r);
		return num;
	case NZ_VALUE_TEXT:
		*len = (int)v->len;
		return v->p ? v->p : "";
	case NZ_VALUE_BLOB:
		*format = 1;
		*len = (int)v->len;
		return v->p ? v->p : "";
	default:
		return NULL;
	}
}

/* Column c of row r as a value by its type, its bytes copied into arena. */
static nz_rc column_value(nz_arena *arena, const PGresult *res, int r, int c, nz_value *v)
{
	memset(v, 0, sizeof(*v));
	if (PQgetisnull(res, r, c)) {
		v->type = NZ_VALUE_NULL;
		return NZ_OK;
	}
	const char *s = PQgetvalue(res, r, c);
	switch (PQftype(res, c)) {
	case 20: /* int8 */
	case 21: /* int2 */
	case 23: /* int4 */
		v->type = NZ_VALUE_INT;
		v->i = strtoll(s, NULL, 10);
		return NZ_OK;
	case 700: /* float4 */
	case 701: /* float8 */
		v->type = NZ_VALUE_REAL;
		v->r = strtod(s, NULL);
		return NZ_OK;
	case 17: { /* bytea */
		const void *p = NULL;
		v->type = NZ_VALUE_BLOB;
		if (nz__pg_col_bytea(arena, res, r, c, &p, &v->len))
			return NZ_NOMEM;
		v->p = p;
		return NZ_OK;
	}
	default:
		v->type = NZ_VALUE_TEXT;
		v->len = (size_t)PQgetlength(res, r, c);
		v->p = nz_arena_strndup(arena, s, v->len);
		return v->p ? NZ_OK : NZ_NOMEM;
	}
}

/* "SELECT cols FROM t [WHERE (key) > ($1, ...)] ORDER BY key LIMIT max" */
static nz_rc read_sql(nz__pg *h, nz_buf *b, const nz_transfer_table *t, const char *const *cols,
		      size_t ncols, bool after, size_t max, size_t *nkey, nz_err *err)
{
	nz_buf k;
	nz_buf_init(&k, 128);
	nz_rc rc = key_sql(h, t, &k, nkey, err);
	if (!rc && nz_buf_rc(&k))
		rc = nz_err_set(err, NZ_NOMEM, "%s: out of memory", t->name);
	if (!rc) {
		nz_buf_puts(b, "SELECT ");
		for (size_t c = 0; c < ncols; c++)
			nz_buf_printf(b, "%s\"%s\"", c ? ", " : "", cols[c]);
		nz_buf_printf(b, " FROM \"%s\"", t->name);
		if (after) {
			nz_buf_printf(b, " WHERE (%s) > (", nz_buf_cstr(&k));
			for (size_t i = 0; i < *nkey; i++)
				nz_buf_printf(b, "%s$%zu", i ? ", " : "", i + 1);
			nz_buf_puts(b, ")");
		}
		nz_buf_printf(b, " ORDER BY %s LIMIT %zu", nz_buf_cstr(&k), max);
	}
	nz_buf_free(&k);
	return rc;
}

/* Runs b's SQL with the values as parameters; *res as query's. */
static nz_rc run_values(nz__pg *h, nz_buf *b, const nz_value *vals, size_t n, PGresult **res,
			const char *what, nz_err *err)
{
	const char **p = calloc(n ? n : 1, sizeof(*p));
	int *lens = calloc(n ? n : 1, sizeof(*lens)), *fmts = calloc(n ? n : 1, sizeof(*fmts));
	char(*nums)[32] = calloc(n ? n : 1, sizeof(*nums));
	nz_rc rc = NZ_OK;
	*res = NULL;
	if (!p || !lens || !fmts || !nums || nz_buf_rc(b)) {
		rc = nz_err_set(err, NZ_NOMEM, "%s: out of memory", what);
		goto out;
	}
	for (size_t i = 0; i < n; i++)
		p[i] = param_text(&vals[i], nums[i], &lens[i], &fmts[i]);
	*res = PQexecParams(h->conn, nz_buf_cstr(b), (int)n, NULL, p, lens, fmts, 0);
	ExecStatusType st = PQresultStatus(*res);
	if (st != PGRES_TUPLES_OK && st != PGRES_COMMAND_OK) {
		rc = nz__pg_error(h->conn, *res, what, err);
		PQclear(*res);
		*res = NULL;
	}
out:
	free(p);
	free(lens);
	free(fmts);
	free(nums);
	return rc;
}

nz_rc nz__pg_transfer_read(nz_store *s, nz_arena *arena, const nz_transfer_table *t,
			   const char *const *cols, size_t ncols, const nz_value *after, size_t max,
			   nz_value **rows, size_t *n, nz_err *err)
{
	nz__pg *h = nz__pg_h(s);
	PGresult *res = NULL;
	size_t bytes = 0, nrows = 0, nkey = 0;
	nz_value *out = NULL;
	nz_buf b;

	nz_buf_init(&b, 64 * 1024);
	nz_rc rc = read_sql(h, &b, t, cols, ncols, after != NULL, max, &nkey, err);
	if (!rc)
		rc = run_values(h, &b, after, after ? nkey : 0, &res, t->name, err);
	if (!rc && !(out = nz_arena_alloc(arena, max * ncols * sizeof(*out))))
		rc = nz_err_set(err, NZ_NOMEM, "%s: out of memory", t->name);
	for (int r = 0; !rc && bytes < BATCH_BYTES && r < PQntuples(res); r++, nrows++)
		for (size_t c = 0; c < ncols && !rc; c++) {
			nz_value *v = &out[nrows * ncols + c];
			if (column_value(arena, res, r, (int)c, v))
				rc = nz_err_set(err, NZ_NOMEM, "%s: out of memory", t->name);
			bytes += v->len;
		}
	if (!rc) {
		*rows = out;
		*n = nrows;
	}
	PQclear(res);
	nz_buf_free(&b);
	return rc;
}

nz_rc nz__pg_transfer_write(nz_store *s, const nz_transfer_table *t, const char *const *cols,
			    size_t ncols, const nz_value *rows, size_t n, nz_err *err)
{
	nz__pg *h = nz__pg_h(s);
	nz_rc rc = NZ_OK;
	nz_buf b;

	if (h->depth == 0)
		return nz_err_set(err, NZ_INVAL, "%s: rows are written inside a load", t->name);
	nz_buf_init(&b, 64 * 1024);
	nz_buf_printf(&b, "INSERT INTO \"%s\" (", t->name);
	for (size_t c = 0; c < ncols; c++)
		nz_buf_printf(&b, "%s\"%s\"", c ? ", " : "", cols[c]);
	nz_buf_puts(&b, ") VALUES (");
	for (size_t c = 0; c < ncols; c++)
		nz_buf_printf(&b, "%s$%zu", c ? ", " : "", c + 1);
	nz_buf_puts(&b, ")");
	for (size_t r = 0; r < n && !rc; r++) {
		PGresult *res = NULL;
		rc = run_values(h, &b, &rows[r * ncols], ncols, &res, t->name, err);
		PQclear(res);
	}
	nz_buf_free(&b);
	return rc;
}

nz_rc nz__pg_transfer_clear(nz_store *s, const nz_transfer_table *t, nz_err *err)
{
	nz__pg *h = nz__pg_h(s);
	PGresult *res = NULL;
	nz_buf b;
	if (h->depth == 0)
		return nz_err_set(err, NZ_INVAL, "%s: cleared inside a load", t->name);
	nz_buf_init(&b, 256);
	nz_buf_printf(&b, "DELETE FROM \"%s\"", t->name);
	nz_rc rc = built(h, &b, &res, t->name, err);
	PQclear(res);
	nz_buf_free(&b);
	return rc;
}

nz_rc nz__pg_transfer_snapshot(nz_store *s, nz_err *err)
{
	nz__pg *h = nz__pg_h(s);
	if (h->depth || PQtransactionStatus(h->conn) != PQTRANS_IDLE)
		return nz_err_set(err, NZ_INVAL, "snapshot: a transaction is open already");
	/* A long backup is not a stuck query: no statement timeout inside the snapshot. */
	nz_rc rc = nz__pg_exec(h->conn,
			       "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY;"
			       " SET LOCAL statement_timeout = 0",
			       "snapshot", err);
	if (rc && PQtransactionStatus(h->conn) != PQTRANS_IDLE)
		nz__pg_exec(h->conn, "ROLLBACK", "snapshot", NULL);
	return rc;
}

/* ALTER TABLE ... ENABLE or DISABLE TRIGGER USER on every listed table. */
static nz_rc triggers(nz__pg *h, const char *how, nz_err *err)
{
	size_t n = 0;
	const nz_transfer_table *t = nz_store_transfer_tables(&n);
	nz_rc rc = NZ_OK;
	nz_buf b;
	nz_buf_init(&b, 4096);
	for (size_t i = 0; i < n; i++)
		nz_buf_printf(&b, "ALTER TABLE \"%s\" %s TRIGGER USER;", t[i].name, how);
	if (nz_buf_rc(&b))
		rc = nz_err_set(err, NZ_NOMEM, "load: out of memory");
	else
		rc = nz__pg_exec(h->conn, nz_buf_cstr(&b), "load: triggers", err);
	nz_buf_free(&b);
	return rc;
}

nz_rc nz__pg_transfer_load(nz_store *s, nz_err *err)
{
	nz__pg *h = nz__pg_h(s);
	if (h->depth || PQtransactionStatus(h->conn) != PQTRANS_IDLE)
		return nz_err_set(err, NZ_INVAL, "load: a transaction is open already");
	nz_rc rc = nz__pg_begin(h, err);
	if (!rc && (rc = triggers(h, "DISABLE", err)))
		nz__pg_rollback(h);
	return rc;
}

/* Every identity sequence past its table's highest id, the change feed's past every number it
 * ever gave out, pruned ones too (followers resume from their last one). The identity columns
 * are asked for (some ids are text: sessions'), and the SQL made of them is run. */
static nz_rc sequences(nz__pg *h, nz_err *err)
{
	PGresult *res = NULL;
	nz_rc rc = query(h,
			 "SELECT format('SELECT setval(pg_get_serial_sequence(%L, %L),"
			 " GREATEST(max(%I), 1), max(%I) IS NOT NULL) FROM %I',"
			 " quote_ident(table_name), column_name, column_name, column_name,"
			 " table_name) FROM information_schema.columns"
			 " WHERE table_schema = current_schema() AND is_identity = 'YES'",
			 0, NULL, &res, "load: sequences", err);
	for (int r = 0; !rc && r < PQntuples(res); r++)
		rc = nz__pg_exec(h->conn, PQgetvalue(res, r, 0), "load: sequences", err);
	PQclear(res);
	if (!rc)
		rc = nz__pg_exec(
		    h->conn,
		    "SELECT setval(pg_get_serial_sequence('changes', 'seq'), GREATEST(v, 1), v > 0)"
		    " FROM (SELECT GREATEST(COALESCE((SELECT max(seq) FROM changes), 0),"
		    " COALESCE((SELECT max(pruned_upto) FROM change_state), 0)) AS v) AS m",
		    "load: the change feed", err);
	return rc;
}

nz_rc nz__pg_transfer_end(nz_store *s, bool commit, nz_err *err)
{
	nz__pg *h = nz__pg_h(s);
	if (h->depth == 0) { /* a snapshot, or nothing */
		if (PQtransactionStatus(h->conn) != PQTRANS_IDLE)
			nz__pg_exec(h->conn, "ROLLBACK", "snapshot", NULL);
		return NZ_OK;
	}
	if (!commit) {
		nz__pg_rollback(h); /* the DISABLE TRIGGERs go with it */
		return NZ_OK;
	}
	nz_rc rc = triggers(h, "ENABLE", err);
	if (!rc)
		rc = sequences(h, err);
	if (!rc)
		rc = nz__pg_search_rebuild(s, NULL, NULL, err);
	return nz__pg_end(h, rc, err);
}
