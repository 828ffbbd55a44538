/*
 * db.c: the SQLite backend's handle: opening (pragmas, then migrations), the per-handle
 * statement cache, error mapping, nested transactions, and the backend table (made from
 * store_ops.h: the slot of operation <name> is nz__sq_<name>).
 *
 * Durability: WAL with synchronous=NORMAL keeps every committed write across a crash of the
 * application (a power loss may lose the last commits, never corrupt the file). Writers wait up
 * to 5 s for a lock (busy_timeout) and start with BEGIN IMMEDIATE, so a writer never fails
 * half-way through on a lock upgrade.
 *
 * The WAL stays bounded: after each commit, a WAL of NZ_WAL_PASSIVE_PAGES (4 MB) or more gets
 * a passive checkpoint, which never waits, and when that copied every frame, a truncating one
 * that does not wait either: the file is emptied as soon as no reader uses it. A WAL of
 * NZ_WAL_TRUNCATE_PAGES (64 MB of 4 KB pages) or more gets a truncating checkpoint that waits
 * (busy_timeout, 5 s) for the readers of older frames. Readers here are short (one request, one
 * page), so under sustained writes the WAL stays under 64 MB plus what is written during one
 * such wait, and it is emptied at the first commit after the readers let go; a reader that
 * stays longer than the busy timeout (a static export running beside the server) lets it grow
 * until it ends. journal_size_limit caps the file at 64 MB whenever SQLite restarts the log;
 * the last connection to close checkpoints and removes it.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "store/sqlite/sqlite_int.h"

#define NZ_BUSY_TIMEOUT_MS 5000
#define NZ_WAL_PASSIVE_PAGES 1000
#define NZ_WAL_TRUNCATE_PAGES 16384
#define NZ_WAL_LIMIT_SQL "PRAGMA journal_size_limit = 67108864"

static const char *const sq_sql[SQ_COUNT] = {
#define NZ__SQ_TEXT(name, sql) [name] = sql,
    NZ__SQ_QUERIES(NZ__SQ_TEXT) NZ__BO_QUERIES(NZ__SQ_TEXT)
#undef NZ__SQ_TEXT
};

/* ---- errors and statements --------------------------------------------------------------- */

nz_rc nz__sq_error(nz__sqlite *h, int sqlite_rc, const char *what, nz_err *err)
{
	nz_rc rc;

	switch (sqlite_rc & 0xff) {
	case SQLITE_NOMEM:
		rc = NZ_NOMEM;
		break;
	case SQLITE_CONSTRAINT:
		rc = (sqlite_rc == SQLITE_CONSTRAINT_UNIQUE ||
		      sqlite_rc == SQLITE_CONSTRAINT_PRIMARYKEY)
			 ? NZ_EXISTS
			 : NZ_INVAL;
		break;
	case SQLITE_TOOBIG:
		rc = NZ_TOOBIG;
		break;
	case SQLITE_READONLY:
	case SQLITE_PERM:
	case SQLITE_AUTH:
		rc = NZ_PERM;
		break;
	case SQLITE_FULL:
	case SQLITE_IOERR:
	case SQLITE_CANTOPEN:
		rc = NZ_IO;
		break;
	default:
		rc = NZ_DB;
	}
	return nz_err_set(err, rc, "%s: %s", what,
			  h && h->db ? sqlite3_errmsg(h->db) : sqlite3_errstr(sqlite_rc));
}

nz_rc nz__sq_cached(nz__sqlite *h, int slot, const char *sql, sqlite3_stmt **out, nz_err *err)
{
	sqlite3_stmt **st = &h->stmts[slot];
	*out = NULL;
	if (*st) {
		sqlite3_reset(*st);
		sqlite3_clear_bindings(*st);
	} else {
		int src = sqlite3_prepare_v3(h->db, sql, -1, SQLITE_PREPARE_PERSISTENT, st, NULL);
		if (src != SQLITE_OK) {
			*st = NULL;
			return nz__sq_error(h, src, "database: preparing a statement", err);
		}
	}
	*out = *st;
	return NZ_OK;
}

nz_rc nz__sq_stmt(nz__sqlite *h, nz__sq_id id, sqlite3_stmt **out, nz_err *err)
{
	return nz__sq_cached(h, (int)id, sq_sql[id], out, err);
}

nz_rc nz__sq_step(nz__sqlite *h, sqlite3_stmt *st, bool *row, const char *what, nz_err *err)
{
	int src = sqlite3_step(st);

	*row = src == SQLITE_ROW;
	if (src == SQLITE_ROW || src == SQLITE_DONE)
		return NZ_OK;
	nz_rc rc = nz__sq_error(h, src, what, err);
	sqlite3_reset(st);
	return rc;
}

nz_rc nz__sq_exec(nz__sqlite *h, sqlite3_stmt *st, const char *what, nz_err *err)
{
	bool row;
	nz_rc rc = nz__sq_step(h, st, &row, what, err);
	while (!rc && row)
		rc = nz__sq_step(h, st, &row, what, err);
	sqlite3_reset(st);
	return rc;
}

nz_rc nz__sq_int(nz__sqlite *h, sqlite3_stmt *st, int64_t *out, const char *what, nz_err *err)
{
	bool row;
	nz_rc rc = nz__sq_step(h, st, &row, what, err);

	if (!rc && !row)
		rc = NZ_NOTFOUND;
	if (!rc)
		*out = sqlite3_column_int64(st, 0);
	/* Finish the statement so an INSERT ... RETURNING completes its write. */
	while (!rc && row)
		rc = nz__sq_step(h, st, &row, what, err);
	sqlite3_reset(st);
	return rc;
}

int nz__sq_bind_text(sqlite3_stmt *st, int i, const char *s)
{
	return s ? sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC) : sqlite3_bind_null(st, i);
}

int nz__sq_bind_opt_int(sqlite3_stmt *st, int i, int64_t v)
{
	return v ? sqlite3_bind_int64(st, i, v) : sqlite3_bind_null(st, i);
}

int nz__sq_bind_named_int(sqlite3_stmt *st, const char *name, int64_t v)
{
	int i = sqlite3_bind_parameter_index(st, name);
	return i ? sqlite3_bind_int64(st, i, v) : SQLITE_OK;
}

nz_rc nz__sq_col_text(nz_arena *arena, sqlite3_stmt *st, int col, const char **out)
{
	const unsigned char *t = sqlite3_column_text(st, col);

	*out = NULL;
	if (!t)
		return sqlite3_column_type(st, col) == SQLITE_NULL ? NZ_OK : NZ_NOMEM;
	*out = nz_arena_strndup(arena, (const char *)t, (size_t)sqlite3_column_bytes(st, col));
	return *out ? NZ_OK : NZ_NOMEM;
}

nz_rc nz__sq_col_blob(nz_arena *arena, sqlite3_stmt *st, int col, const void **out, size_t *len)
{
	const void *p = sqlite3_column_blob(st, col);
	size_t n = (size_t)sqlite3_column_bytes(st, col);
	char *copy = nz_arena_alloc(arena, n ? n : 1);

	*out = NULL;
	*len = 0;
	if (!copy || (!p && n))
		return NZ_NOMEM;
	if (n)
		memcpy(copy, p, n);
	*out = copy;
	*len = n;
	return NZ_OK;
}

nz_rc(nz__sq_bind_error)(nz__sqlite *h, const char *what, nz_err *err) /* (): not a macro */
{
	int src = sqlite3_errcode(h->db);
	return nz__sq_error(h, src == SQLITE_OK ? SQLITE_ERROR : src, what, err);
}

/* ---- transactions ------------------------------------------------------------------------ */

/* Runs one of the fixed transaction statements. */
static nz_rc tx_exec(nz__sqlite *h, nz__sq_id id, nz_err *err)
{
	sqlite3_stmt *st;
	nz_rc rc = nz__sq_stmt(h, id, &st, err);
	return rc ? rc : nz__sq_exec(h, st, "database: transaction", err);
}

nz_rc nz__sq_begin(nz__sqlite *h, nz_err *err)
{
	nz_rc rc = tx_exec(h, h->depth == 0 ? SQ_BEGIN : SQ_SAVEPOINT, err);
	if (!rc)
		h->depth++;
	return rc;
}

void nz__sq_rollback(nz__sqlite *h)
{
	if (h->depth == 0)
		return;
	h->depth--;
	nz__sq_memo_forget(h); /* the rows it knows may be undone */
	/* After some errors (I/O, disk full) SQLite has already rolled the whole transaction
	 * back; then there is nothing left to undo at any level. */
	if (sqlite3_get_autocommit(h->db))
		return;
	if (h->depth == 0) {
		tx_exec(h, SQ_ROLLBACK, NULL);
	} else {
		tx_exec(h, SQ_ROLLBACK_TO, NULL);
		tx_exec(h, SQ_RELEASE, NULL);
	}
}

nz_rc nz__sq_commit(nz__sqlite *h, nz_err *err)
{
	if (h->depth == 0)
		return nz_err_set(err, NZ_INVAL, "database: commit without begin");
	if (sqlite3_get_autocommit(h->db)) {
		h->depth--;
		return nz_err_set(err, NZ_DB,
				  "database: the transaction was rolled back after an "
				  "earlier error");
	}
	nz_rc rc = tx_exec(h, h->depth == 1 ? SQ_COMMIT : SQ_RELEASE, err);
	if (rc) {
		nz__sq_rollback(h);
		return rc;
	}
	h->depth--;
	return NZ_OK;
}

nz_rc nz__sq_end(nz__sqlite *h, nz_rc rc, nz_err *err)
{
	if (rc) {
		nz__sq_rollback(h);
		return rc;
	}
	return nz__sq_commit(h, err);
}

bool nz__sq_read_begin(nz__sqlite *h)
{
	return h->depth == 0 && tx_exec(h, SQ_BEGIN_READ, NULL) == NZ_OK;
}

void nz__sq_read_end(nz__sqlite *h, bool opened)
{
	if (opened && !sqlite3_get_autocommit(h->db))
		tx_exec(h, SQ_ROLLBACK, NULL);
}

static nz_rc op_begin(nz_store *s, nz_err *err)
{
	if (s->flags & NZ_STORE_READONLY)
		return nz_err_set(err, NZ_PERM, "database: opened read-only");
	return nz__sq_begin(nz__sq(s), err);
}

static nz_rc op_commit(nz_store *s, nz_err *err)
{
	return nz__sq_commit(nz__sq(s), err);
}

static void op_rollback(nz_store *s)
{
	nz__sq_rollback(nz__sq(s));
}

/* ---- open and close ---------------------------------------------------------------------- */

static void op_close(nz_store *s)
{
	nz__sqlite *h = nz__sq(s);

	for (int i = 0; i < NZ__SQ_SLOTS; i++)
		sqlite3_finalize(h->stmts[i]);
	nz__sq_df_cache_free(h->df_cache);
	nz__sq_memo_stop(h);
	nz__sq_id_sets_free(h->id_sets);
	/* An open transaction is rolled back by SQLite on close. */
	sqlite3_close(h->db);
	free(h);
}

#define NZ__SQ_SLOT(access, front, name, params, args) .name = nz__sq_##name,
static const nz__store_ops sqlite_ops = {.backend = "sqlite",
					 .close = op_close,
					 .begin = op_begin,
					 .commit = op_commit,
					 .rollback = op_rollback,
					 NZ__STORE_OPS(NZ__SQ_SLOT)};
#undef NZ__SQ_SLOT

/* sqlite3_wal_hook: the checkpoint policy above, run by the connection that just committed.
 * A checkpoint that cannot finish now (SQLITE_BUSY) is left to the next commit. */
static int wal_committed(void *user, sqlite3 *db, const char *name, int pages)
{
	(void)user;
	int log = 0, done = 0;
	if (pages >= NZ_WAL_TRUNCATE_PAGES) {
		sqlite3_wal_checkpoint_v2(db, name, SQLITE_CHECKPOINT_TRUNCATE, NULL, NULL);
	} else if (pages >= NZ_WAL_PASSIVE_PAGES &&
		   sqlite3_wal_checkpoint_v2(db, name, SQLITE_CHECKPOINT_PASSIVE, &log, &done) ==
		       SQLITE_OK &&
		   log == done) {
		/* Everything is in the database: empty the file too, unless a reader still uses
		 * it (then this does not wait, and a later commit tries again). */
		sqlite3_busy_timeout(db, 0);
		sqlite3_wal_checkpoint_v2(db, name, SQLITE_CHECKPOINT_TRUNCATE, NULL, NULL);
		sqlite3_busy_timeout(db, NZ_BUSY_TIMEOUT_MS);
	}
	return SQLITE_OK;
}

/* Pragmas that hold for the connection; the journal mode is checked, since WAL is what makes
 * readers and the writer not block each other. */
static nz_rc configure(nz__sqlite *h, const char *path, nz_err *err)
{
	sqlite3_stmt *st = NULL;
	nz_rc rc = NZ_OK;
	int src;

	sqlite3_extended_result_codes(h->db, 1);
	sqlite3_busy_timeout(h->db, NZ_BUSY_TIMEOUT_MS);
	src = sqlite3_exec(h->db,
			   "PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL; "
			   /* statement journals and sorts in memory, not a temp file per write */
			   "PRAGMA temp_store = MEMORY",
			   NULL, NULL, NULL);
	if (src != SQLITE_OK)
		return nz__sq_error(h, src, path, err);
	/* a bulk reader (the static export) maps the file: pages read without a pread
	 * copy each, 2x faster there. Not for the server, whose resident set would count every
	 * mapped page it ever read. */
	if ((h->base.flags & NZ_STORE_BULK) &&
	    (src = sqlite3_exec(h->db, "PRAGMA mmap_size = 1073741824", NULL, NULL, NULL)))
		return nz__sq_error(h, src, path, err);
	if (h->base.flags & NZ_STORE_READONLY)
		return NZ_OK;
	src = sqlite3_prepare_v2(h->db, "PRAGMA journal_mode = WAL", -1, &st, NULL);
	if (src == SQLITE_OK)
		src = sqlite3_step(st);
	if (src != SQLITE_ROW) {
		rc = nz__sq_error(h, src, path, err);
		goto out;
	}
	const char *mode = (const char *)sqlite3_column_text(st, 0);
	if (!mode || (strcmp(mode, "wal") != 0 && strcmp(mode, "memory") != 0))
		rc = nz_err_set(err, NZ_DB, "%s: cannot switch the database to WAL mode (got %s)",
				path, mode ? mode : "nothing");
	else if ((src = sqlite3_exec(h->db, NZ_WAL_LIMIT_SQL, NULL, NULL, NULL)) != SQLITE_OK)
		rc = nz__sq_error(h, src, path, err);
	else
		sqlite3_wal_hook(h->db, wal_committed, NULL);
out:
	sqlite3_finalize(st);
	return rc;
}

nz_rc nz__sqlite_open(const char *path, unsigned flags, nz_store **out, nz_err *err)
{
	nz__sqlite *h = NULL;
	struct stat sb;
	nz_rc rc = NZ_OK;
	bool memory = strcmp(path, ":memory:") == 0;
	int oflags = SQLITE_OPEN_NOMUTEX;

	*out = NULL;
	if (!memory && !(flags & NZ_STORE_CREATE) && stat(path, &sb) != 0 && errno == ENOENT)
		return nz_err_set(err, NZ_NOTFOUND,
				  "%s: no such database (create one with `newszone init`)", path);
	if (!(h = calloc(1, sizeof(*h))))
		return nz_err_set(err, NZ_NOMEM, "%s: out of memory", path);
	h->base.ops = &sqlite_ops;
	h->base.flags = flags;
	if (flags & NZ_STORE_READONLY)
		oflags |= SQLITE_OPEN_READONLY;
	else
		oflags |=
		    SQLITE_OPEN_READWRITE | ((flags & NZ_STORE_CREATE) ? SQLITE_OPEN_CREATE : 0);
	int src = sqlite3_open_v2(path, &h->db, oflags, NULL);
	if (src != SQLITE_OK) {
		rc = h->db ? nz__sq_error(h, src, path, err)
			   : nz_err_set(err, NZ_NOMEM, "%s: out of memory", path);
		goto out;
	}
	if ((rc = configure(h, path, err)) || (rc = nz__sq_search_register(h, err)) ||
	    (rc = nz__sq_migrate(h, err)) ||
	    (!(flags & NZ_STORE_READONLY) && (rc = nz__sq_search_refresh(h, err))))
		goto out;
	*out = &h->base;
out:
	if (rc)
		op_close(&h->base);
	return rc;
}
