/*
 * transfer.c: the SQLite backend's half of copying a whole database (store.h, "transfer"):
 * tables and columns as the file has them, rows read in key order and written verbatim.
 *
 * Rules: statements are built from the list's names and the columns PRAGMA table_info
 * reported (the front checks both), prepared per batch and finalized, never cached. A load is
 * one write transaction in which the triggers are set aside (their SQL kept in a temporary
 * table and run again at the end), since rows copied verbatim already hold what the triggers
 * would add (audit rows would enqueue deliveries again, articles would log changes again);
 * foreign keys are checked at commit. The end of a load rebuilds the search indexes (not
 * copied: the articles' and the media library's) and keeps the change feed's sequence above
 * every number it ever gave out.
 */
#include <stdlib.h>
#include <string.h>

#include "store/sqlite/sqlite_int.h"

/* Rows of one read stop early past this many bytes, so photos do not fill memory. */
#define BATCH_BYTES (8u << 20)

nz_rc nz__sq_transfer_catalog(nz_store *s, nz_arena *arena, const char ***names, size_t *n,
			      nz_err *err)
{
	nz__sqlite *h = nz__sq(s);
	sqlite3_stmt *st = NULL;
	size_t cap = 0;
	nz_rc rc = NZ_OK;
	int src;

	*names = NULL;
	*n = 0;
	if ((src = sqlite3_prepare_v2(h->db,
				      "SELECT name FROM main.sqlite_schema WHERE type = 'table'"
				      " ORDER BY name",
				      -1, &st, NULL)) != SQLITE_OK)
		return nz__sq_error(h, src, "transfer: tables", err);
	while ((src = sqlite3_step(st)) == SQLITE_ROW) {
		const char *name = NULL;
		if (NZ_ARENA_GROW(arena, *names, *n + 1, cap) ||
		    nz__sq_col_text(arena, st, 0, &name) || !name) {
			rc = nz_err_set(err, NZ_NOMEM, "transfer: out of memory");
			goto out;
		}
		(*names)[(*n)++] = name;
	}
	if (src != SQLITE_DONE)
		rc = nz__sq_error(h, src, "transfer: tables", err);
out:
	sqlite3_finalize(st);
	return rc;
}

nz_rc nz__sq_transfer_columns(nz_store *s, nz_arena *arena, const nz_transfer_table *t,
			      const char ***cols, size_t *n, nz_err *err)
{
	nz__sqlite *h = nz__sq(s);
	sqlite3_stmt *st = NULL;
	size_t cap = 0;
	nz_rc rc = NZ_OK;
	int src = sqlite3_prepare_v2(h->db, "SELECT name FROM pragma_table_info(?1) ORDER BY cid",
				     -1, &st, NULL);

	if (src == SQLITE_OK)
		src = sqlite3_bind_text(st, 1, t->name, -1, SQLITE_STATIC);
	if (src != SQLITE_OK) {
		rc = nz__sq_error(h, src, t->name, err);
		goto out;
	}
	while ((src = sqlite3_step(st)) == SQLITE_ROW) {
		const char *name = NULL;
		if (NZ_ARENA_GROW(arena, *cols, *n + 1, cap) ||
		    nz__sq_col_text(arena, st, 0, &name) || !name) {
			rc = nz_err_set(err, NZ_NOMEM, "%s: out of memory", t->name);
			goto out;
		}
		(*cols)[(*n)++] = name;
	}
	if (src != SQLITE_DONE)
		rc = nz__sq_error(h, src, t->name, err);
	else if (*n == 0)
		rc = nz_err_set(err, NZ_NOTFOUND, "%s: no such table in this database", t->name);
out:
	sqlite3_finalize(st);
	return rc;
}

/* Prepares the statement in b (after checking it was built); *st is the caller's to finalize. */
static nz_rc prepare(nz__sqlite *h, nz_buf *b, const char *what, sqlite3_stmt **st, nz_err *err)
{
	*st = NULL;
	if (nz_buf_rc(b))
		return nz_err_set(err, NZ_NOMEM, "%s: out of memory", what);
	int src = sqlite3_prepare_v2(h->db, nz_buf_cstr(b), -1, st, NULL);
	return src == SQLITE_OK ? NZ_OK : nz__sq_error(h, src, what, err);
}

nz_rc nz__sq_transfer_count(nz_store *s, const nz_transfer_table *t, int64_t *n, nz_err *err)
{
	nz__sqlite *h = nz__sq(s);
	sqlite3_stmt *st = NULL;
	nz_buf b;
	nz_buf_init(&b, 256);
	nz_buf_printf(&b, "SELECT count(*) FROM \"%s\"", t->name);
	nz_rc rc = prepare(h, &b, t->name, &st, err);
	if (!rc)
		rc = nz__sq_int(h, st, n, t->name, err);
	sqlite3_finalize(st);
	nz_buf_free(&b);
	return rc;
}

static int bind_value(sqlite3_stmt *st, int i, const nz_value *v)
{
	switch (v->type) {
	case NZ_VALUE_INT:
		return sqlite3_bind_int64(st, i, v->i);
	case NZ_VALUE_REAL:
		return sqlite3_bind_double(st, i, v->r);
	case NZ_VALUE_TEXT:
		return sqlite3_bind_text64(st, i, v->p, v->len, SQLITE_STATIC, SQLITE_UTF8);
	case NZ_VALUE_BLOB:
		return sqlite3_bind_blob64(st, i, v->p ? v->p : "", v->len, SQLITE_STATIC);
	default:
		return sqlite3_bind_null(st, i);
	}
}

/* Column c of the current row as a value, its bytes copied into arena. */
static nz_rc column_value(nz_arena *arena, sqlite3_stmt *st, int c, nz_value *v)
{
	memset(v, 0, sizeof(*v));
	switch (sqlite3_column_type(st, c)) {
	case SQLITE_INTEGER:
		v->type = NZ_VALUE_INT;
		v->i = sqlite3_column_int64(st, c);
		return NZ_OK;
	case SQLITE_FLOAT:
		v->type = NZ_VALUE_REAL;
		v->r = sqlite3_column_double(st, c);
		return NZ_OK;
	case SQLITE_TEXT: {
		const char *p = (const char *)sqlite3_column_text(st, c);
		v->type = NZ_VALUE_TEXT;
		v->len = (size_t)sqlite3_column_bytes(st, c);
		v->p = p ? nz_arena_strndup(arena, p, v->len) : NULL;
		return v->p ? NZ_OK : NZ_NOMEM;
	}
	case SQLITE_BLOB: {
		const void *p = NULL;
		v->type = NZ_VALUE_BLOB;
		if (nz__sq_col_blob(arena, st, c, &p, &v->len))
			return NZ_NOMEM;
		v->p = p;
		return NZ_OK;
	}
	default:
		v->type = NZ_VALUE_NULL;
		return NZ_OK;
	}
}

/* "SELECT cols FROM t [WHERE (key) > (?, ...)] ORDER BY key LIMIT max" */
static void read_sql(nz_buf *b, const nz_transfer_table *t, const char *const *cols, size_t ncols,
		     const nz_value *after, size_t max)
{
	nz_buf_puts(b, "SELECT ");
	for (size_t c = 0; c < ncols; c++)
		nz_buf_printf(b, "%s\"%s\"", c ? ", " : "", cols[c]);
	nz_buf_printf(b, " FROM \"%s\"", t->name);
	if (after) {
		size_t nkey = 1;
		for (const char *p = t->key; *p; p++)
			nkey += *p == ',';
		nz_buf_printf(b, " WHERE (%s) > (", t->key);
		for (size_t k = 0; k < nkey; k++)
			nz_buf_printf(b, "%s?%zu", k ? ", " : "", k + 1);
		nz_buf_puts(b, ")");
	}
	nz_buf_printf(b, " ORDER BY %s LIMIT %zu", t->key, max);
}

nz_rc nz__sq_transfer_read(nz_store *s, nz_arena *arena, const nz_transfer_table *t,
			   const char *const *cols, size_t ncols, const nz_value *after, size_t max,
			   nz_value **rows, size_t *n, nz_err *err)
{
	nz__sqlite *h = nz__sq(s);
	sqlite3_stmt *st = NULL;
	size_t bytes = 0, nrows = 0;
	nz_value *out = NULL;
	nz_buf b;
	int src = SQLITE_DONE;

	nz_buf_init(&b, 64 * 1024);
	read_sql(&b, t, cols, ncols, after, max);
	nz_rc rc = prepare(h, &b, t->name, &st, err);
	for (int k = 0; !rc && after && k < sqlite3_bind_parameter_count(st); k++)
		if (bind_value(st, k + 1, &after[k]) != SQLITE_OK)
			rc = nz__sq_bind_error(h, t->name, err);
	if (!rc && !(out = nz_arena_alloc(arena, max * ncols * sizeof(*out))))
		rc = nz_err_set(err, NZ_NOMEM, "%s: out of memory", t->name);
	while (!rc && bytes < BATCH_BYTES && (src = sqlite3_step(st)) == SQLITE_ROW) {
		for (size_t c = 0; c < ncols && !rc; c++) {
			nz_value *v = &out[nrows * ncols + c];
			if (column_value(arena, st, (int)c, v))
				rc = nz_err_set(err, NZ_NOMEM, "%s: out of memory", t->name);
			bytes += v->len;
		}
		nrows++;
	}
	if (!rc && bytes < BATCH_BYTES && src != SQLITE_DONE)
		rc = nz__sq_error(h, src, t->name, err);
	if (!rc) {
		*rows = out;
		*n = nrows;
	}
	sqlite3_finalize(st);
	nz_buf_free(&b);
	return rc;
}

nz_rc nz__sq_transfer_write(nz_store *s, const nz_transfer_table *t, const char *const *cols,
			    size_t ncols, const nz_value *rows, size_t n, nz_err *err)
{
	nz__sqlite *h = nz__sq(s);
	sqlite3_stmt *st = NULL;
	nz_buf b;
	nz_rc rc = NZ_OK;

	if (h->depth == 0)
		return nz_err_set(err, NZ_INVAL, "%s: rows are written inside a load", t->name);
	nz_buf_init(&b, 64 * 1024);
	nz_buf_printf(&b, "INSERT INTO \"%s\" (", t->name);
	for (size_t c = 0; c < ncols; c++)
		nz_buf_printf(&b, "%s\"%s\"", c ? ", " : "", cols[c]);
	nz_buf_puts(&b, ") VALUES (");
	for (size_t c = 0; c < ncols; c++)
		nz_buf_printf(&b, "%s?%zu", c ? ", " : "", c + 1);
	nz_buf_puts(&b, ")");
	if ((rc = prepare(h, &b, t->name, &st, err)))
		goto out;
	for (size_t r = 0; r < n && !rc; r++) {
		sqlite3_reset(st);
		for (size_t c = 0; c < ncols && !rc; c++)
			if (bind_value(st, (int)c + 1, &rows[r * ncols + c]) != SQLITE_OK)
				rc = nz__sq_bind_error(h, t->name, err);
		int src = rc ? SQLITE_OK : sqlite3_step(st);
		if (!rc && src != SQLITE_DONE)
			rc = nz__sq_error(h, src, t->name, err);
	}
out:
	sqlite3_finalize(st);
	nz_buf_free(&b);
	return rc;
}

static nz_rc exec(nz__sqlite *h, const char *sql, const char *what, nz_err *err)
{
	int src = sqlite3_exec(h->db, sql, NULL, NULL, NULL);
	return src == SQLITE_OK ? NZ_OK : nz__sq_error(h, src, what, err);
}

nz_rc nz__sq_transfer_clear(nz_store *s, const nz_transfer_table *t, nz_err *err)
{
	nz__sqlite *h = nz__sq(s);
	sqlite3_stmt *st = NULL;
	nz_buf b;
	nz_buf_init(&b, 256);
	nz_buf_printf(&b, "DELETE FROM \"%s\"", t->name);
	nz_rc rc = h->depth ? prepare(h, &b, t->name, &st, err)
			    : nz_err_set(err, NZ_INVAL, "%s: cleared inside a load", t->name);
	if (!rc)
		rc = nz__sq_exec(h, st, t->name, err);
	sqlite3_finalize(st);
	nz_buf_free(&b);
	return rc;
}

nz_rc nz__sq_transfer_snapshot(nz_store *s, nz_err *err)
{
	nz__sqlite *h = nz__sq(s);
	if (h->depth || !sqlite3_get_autocommit(h->db))
		return nz_err_set(err, NZ_INVAL, "snapshot: a transaction is open already");
	/* A deferred transaction takes its snapshot at the first read: read now, so every
	 * table is seen as of this moment while writers go on in the WAL. */
	nz_rc rc = exec(h, "BEGIN", "snapshot", err);
	if (!rc && (rc = exec(h, "SELECT count(*) FROM main.sqlite_schema", "snapshot", err)))
		exec(h, "ROLLBACK", "snapshot", NULL);
	return rc;
}

/* Runs the SQL that the one-row query makes (NULL: nothing to run). */
static nz_rc exec_made(nz__sqlite *h, const char *query, const char *what, nz_err *err)
{
	sqlite3_stmt *st = NULL;
	char *sql = NULL;
	nz_rc rc = NZ_OK;
	int src = sqlite3_prepare_v2(h->db, query, -1, &st, NULL);
	if (src == SQLITE_OK && (src = sqlite3_step(st)) == SQLITE_ROW) {
		const char *made = (const char *)sqlite3_column_text(st, 0);
		if (made && !(sql = strdup(made)))
			rc = nz_err_set(err, NZ_NOMEM, "%s: out of memory", what);
		src = SQLITE_OK;
	}
	sqlite3_finalize(st);
	if (!rc && src != SQLITE_OK)
		rc = nz__sq_error(h, src, what, err);
	/* Run after the query is finalized: a schema change waits for no open statement. */
	if (!rc && sql)
		rc = exec(h, sql, what, err);
	free(sql);
	return rc;
}

/* Sets the triggers aside: their SQL into temp.nz_transfer_triggers, then drops them. */
static nz_rc triggers_off(nz__sqlite *h, nz_err *err)
{
	nz_rc rc = exec(h,
			"CREATE TEMP TABLE nz_transfer_triggers AS SELECT name, sql"
			" FROM main.sqlite_schema WHERE type = 'trigger'",
			"load", err);
	return rc ? rc
		  : exec_made(h,
			      "SELECT group_concat('DROP TRIGGER main.\"' || name || '\"', ';')"
			      " FROM temp.nz_transfer_triggers",
			      "load: triggers", err);
}

/* Runs the SQL set aside by triggers_off again and drops the temporary table. */
static nz_rc triggers_on(nz__sqlite *h, nz_err *err)
{
	nz_rc rc = exec_made(h, "SELECT group_concat(sql, ';') FROM temp.nz_transfer_triggers",
			     "load: triggers", err);
	return rc ? rc : exec(h, "DROP TABLE temp.nz_transfer_triggers", "load", err);
}

nz_rc nz__sq_transfer_load(nz_store *s, nz_err *err)
{
	nz__sqlite *h = nz__sq(s);
	if (h->depth || !sqlite3_get_autocommit(h->db))
		return nz_err_set(err, NZ_INVAL, "load: a transaction is open already");
	nz_rc rc = nz__sq_begin(h, err);
	if (rc)
		return rc;
	if ((rc = exec(h, "PRAGMA defer_foreign_keys = ON", "load", err)) ||
	    (rc = triggers_off(h, err)))
		nz__sq_rollback(h);
	return rc;
}

/* What the copy leaves out: the search index, and the change feed's sequence, which must stay
 * above every number given out, pruned ones too (followers resume from their last one). */
static nz_rc finish_load(nz__sqlite *h, nz_err *err)
{
	nz_rc rc = triggers_on(h, err);
	if (!rc)
		rc = exec(h,
			  "DELETE FROM sqlite_sequence WHERE name = 'changes';"
			  "INSERT INTO sqlite_sequence(name, seq) SELECT 'changes',"
			  " max(COALESCE((SELECT max(seq) FROM changes), 0),"
			  "     COALESCE((SELECT pruned_upto FROM change_state), 0));",
			  "load: the change feed", err);
	if (!rc)
		rc = exec(h, "INSERT INTO media_fts(media_fts) VALUES ('rebuild')",
			  "load: the media library's index", err);
	if (!rc)
		rc = nz__sq_search_rebuild(&h->base, NULL, NULL, err);
	return rc;
}

nz_rc nz__sq_transfer_end(nz_store *s, bool commit, nz_err *err)
{
	nz__sqlite *h = nz__sq(s);
	if (h->depth == 0) { /* a snapshot, or nothing */
		if (!sqlite3_get_autocommit(h->db))
			exec(h, "ROLLBACK", "snapshot", NULL);
		return NZ_OK;
	}
	nz_rc rc = commit ? finish_load(h, err) : NZ_OK;
	if (commit)
		rc = nz__sq_end(h, rc, err);
	else
		nz__sq_rollback(h);
	/* The temporary table is the connection's: gone with a rollback, else dropped now. */
	if (!commit || rc)
		sqlite3_exec(h->db, "DROP TABLE IF EXISTS temp.nz_transfer_triggers", NULL, NULL,
			     NULL);
	return rc;
}
