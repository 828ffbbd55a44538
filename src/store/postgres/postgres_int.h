/*
 * postgres_int.h: the PostgreSQL backend's internals: opening a libpq connection, mapping
 * PostgreSQL's errors to nz_rc, and the versioned schema. Nothing outside src/store/postgres/
 * includes this header, so no libpq type escapes the folder (only this folder includes
 * <libpq-fe.h>).
 *
 * Not yet wired into nz_store_open: the operations behind nz_store (articles, catalog, accounts,
 * ...) come once the store is declared per aggregate, and the backend handle (with `nz_store
 * base` first, as sqlite/'s) will then hold the connection opened here.
 *
 * Rules: a connection is used by one thread at a time; every function here runs its SQL with
 * parameters bound separately (PQexecParams), never pasted into the text; SQL is the schema's
 * own fixed text. Libraries below web/ and cli/ do not log, so libpq's notices are dropped
 * rather than printed on stderr.
 */
#ifndef NZ_STORE_POSTGRES_INT_H
#define NZ_STORE_POSTGRES_INT_H

#include <stdbool.h>
#include <stdint.h>

#include <libpq-fe.h>

#include "core/core.h"

/* Advisory locks take two int4 keys: this class ("NZ" in ASCII, 0x4e5a), then what is locked.
 * The keys are per database, so two Newszone databases in one cluster never wait for each
 * other. Decimal: the numbers are pasted into SQL. */
#define NZ__PG_LOCK_CLASS 20058
#define NZ__PG_LOCK_MIGRATE 1 /* held by the transaction that migrates the schema */
#define NZ__PG_LOCK_CHANGES 2 /* held by a transaction from its first change-feed row on */

#define NZ__PG_STR_(x) #x
#define NZ__PG_STR(x) NZ__PG_STR_(x)
/* SQL that takes lock WHAT until the end of the transaction (waiting for it if need be). */
#define NZ__PG_XACT_LOCK(what)                                                                     \
	"pg_advisory_xact_lock(" NZ__PG_STR(NZ__PG_LOCK_CLASS) ", " NZ__PG_STR(what) ")"

/* The oldest server accepted: the version the schema is written and tested for. */
#define NZ__PG_MIN_SERVER 150000

/* ---- conn.c: connections and errors ------------------------------------------------------ */

/* Connects with a libpq connection string: a URI (postgres:// or postgresql://) or key=value
 * pairs. libpq parses it, so every libpq parameter and environment variable (PGHOST,
 * PGPASSFILE, ...) is honoured. The session is then checked (server 15 or newer, UTF8
 * database) and set up (UTF8 client encoding; statement_timeout when statement_timeout_ms > 0,
 * else the server's or the URI's own). The caller owns *out (PQfinish); *out is NULL on error.
 * Error details never repeat conninfo, which may hold a password. */
nz_rc nz__pg_connect(const char *conninfo, int statement_timeout_ms, PGconn **out, nz_err *err);

/* Maps a failed result (res may be NULL: then the connection's last error) to nz_rc by its
 * SQLSTATE and fills err with "what: PostgreSQL's message". Does not clear res. */
nz_rc nz__pg_error(PGconn *conn, const PGresult *res, const char *what, nz_err *err);

/* Runs SQL without parameters and without rows to read (it may hold several statements). */
nz_rc nz__pg_exec(PGconn *conn, const char *sql, const char *what, nz_err *err);

/* Runs SQL with n text parameters whose first row's first column is an integer.
 * NZ_NOTFOUND (without touching err) when there is no row or it is NULL. */
nz_rc nz__pg_int(PGconn *conn, const char *sql, int n, const char *const *params, int64_t *out,
		 const char *what, nz_err *err);

/* ---- schema.c: the versioned schema ------------------------------------------------------ */

/* The schema version this program brings a database to. */
int nz__pg_schema_latest(void);

/* Brings the database (the connection's current schema, the first of its search_path) to the
 * latest version: every missing step in one transaction, under an advisory lock so that two
 * nodes starting together migrate once. An empty schema is created; a schema holding other
 * tables but no schema_version is refused (NZ_INVAL), and so is one newer than this program
 * (NZ_UNSUPPORTED). With readonly, a database that needs migrating is refused (NZ_PERM)
 * instead. The connection must not be inside a transaction. *version gets the version. */
nz_rc nz__pg_migrate(PGconn *conn, bool readonly, int *version, nz_err *err);

/* ---- schema_sql.c, schema_feed.c: the parts of migration 1, run in this order ------------ */

extern const char nz__pg_1_tables[];        /* tables, constraints, indexes */
extern const char nz__pg_1_kept[];          /* revisions kept, search rows dropped when stale */
extern const char nz__pg_1_feed_helpers[];  /* nz_now(), nz_changes_add(), key functions */
extern const char nz__pg_1_feed_articles[]; /* change feed: articles and their rows */
extern const char nz__pg_1_feed_catalog[];  /* change feed: sections, tags, authors, media... */
extern const char nz__pg_1_outbox[];        /* webhook and purge-hook deliveries */

#endif
