/*
 * postgres_int.h: the PostgreSQL backend's internals: opening a libpq connection, mapping
 * PostgreSQL's errors to nz_rc, and the versioned schema. Nothing outside src/store/postgres/
 * includes this header, so no libpq type escapes the folder (only this folder includes
 * <libpq-fe.h>).
 *
 * The handle (nz__pg, `nz_store base` first) holds one connection. nz_store_open hands it
 * postgres:// and postgresql:// URIs and libpq key=value strings.
 *
 * Rules: a handle is used by one thread at a time; SQL is fixed text (an aggregate's statements
 * are `static const nz__pg_sql` in its file, prepared once per connection on first use), values
 * always bound as parameters, never pasted into the text; every write runs between
 * nz__pg_begin and nz__pg_end, which nest (BEGIN plus the change-feed lock at the outside,
 * SAVEPOINT inside), so a failed write rolls back to where it started. Libraries below web/
 * and cli/ do not log, so libpq's notices are dropped rather than printed on stderr.
 */
#ifndef NZ_STORE_POSTGRES_INT_H
#define NZ_STORE_POSTGRES_INT_H

#include <stdbool.h>
#include <stdint.h>

#include <libpq-fe.h>

#include "core/core.h"
#include "store/store_int.h"

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

/* What a connection gets unless its string (or PGCONNECT_TIMEOUT) says otherwise: seconds to
 * wait for the server to answer; and, for a server's request handles (NZ_STORE_SERVER), the
 * statement timeout when the session has none (none from the URI's options=-c
 * statement_timeout=..., the role or the database). */
#define NZ__PG_CONNECT_TIMEOUT_S "5"
#define NZ__PG_STATEMENT_TIMEOUT_MS 30000

/* Connects with a libpq connection string: a URI (postgres:// or postgresql://) or key=value
 * pairs. libpq parses it, so every libpq parameter and environment variable (PGHOST,
 * PGPASSFILE, ...) is honoured. The session is then checked (server 15 or newer, UTF8
 * database) and set up (UTF8 client encoding; statement_timeout = statement_timeout_ms when
 * that is > 0 and the session has no statement timeout of its own). The caller owns *out
 * (PQfinish); *out is NULL on error. Error details never repeat conninfo, which may hold a
 * password. */
nz_rc nz__pg_connect(const char *conninfo, int statement_timeout_ms, PGconn **out, nz_err *err);
/* Sets statement_timeout to ms unless the session has one of its own already. */
nz_rc nz__pg_statement_timeout(PGconn *conn, int ms, nz_err *err);

/* Maps a failed result (res may be NULL: then the connection's last error) to nz_rc by its
 * SQLSTATE and fills err with "what: PostgreSQL's message". Does not clear res. */
nz_rc nz__pg_error(PGconn *conn, const PGresult *res, const char *what, nz_err *err);

/* Runs SQL without parameters and without rows to read (it may hold several statements). */
nz_rc nz__pg_exec(PGconn *conn, const char *sql, const char *what, nz_err *err);

/* Runs SQL with n text parameters whose first row's first column is an integer.
 * NZ_NOTFOUND (without touching err) when there is no row or it is NULL. */
nz_rc nz__pg_int(PGconn *conn, const char *sql, int n, const char *const *params, int64_t *out,
		 const char *what, nz_err *err);

/* ---- db.c: the handle, transactions, the backend table ---------------------------------- */

struct nz__pg_cache;

typedef struct nz__pg {
	nz_store base; /* first: the handle is used as an nz_store */
	PGconn *conn;
	int depth;                    /* open transaction levels: 1 = BEGIN, 2+ = savepoints */
	struct nz__pg_cache *cache;   /* statements prepared on this connection (stmt.c) */
	bool listening;               /* LISTEN nz_changes was sent (nodes.c) */
	struct nz__pg_pipe *pipe;     /* a batch import's deferred writes, else NULL (pipe.c) */
	struct nz__pg_bulk_set *bulk; /* an optimistic batch's rows kept per table (bulk.c) */
	/* BM25's archive totals (rows, terms) as search_window.c last counted them (a scan of
	 * article_search), at search_totals_at; 0 = to count again. */
	double search_rows, search_terms;
	nz_time search_totals_at;
	/* Tests only: every window by the GIN index, even where search_postings could serve it. */
	bool search_gin_only;
} nz__pg;

static inline nz__pg *nz__pg_h(nz_store *s)
{
	return (nz__pg *)s;
}

/* A write transaction, nested: at depth 0 BEGIN and the change-feed lock (NZ__PG_LOCK_CHANGES,
 * so writers commit in seq order and never wait on each other in a cycle), inside SAVEPOINT. */
nz_rc nz__pg_begin(nz__pg *h, nz_err *err);
/* Commits the innermost level (RELEASE inside, COMMIT at the outside). A transaction that
 * PostgreSQL aborted after an error is rolled back and reported (NZ_DB). */
nz_rc nz__pg_commit(nz__pg *h, nz_err *err);
/* Rolls back the innermost level (ROLLBACK TO and RELEASE inside, ROLLBACK at the outside). */
void nz__pg_rollback(nz__pg *h);
/* Ends what nz__pg_begin started: commits when rc is NZ_OK, else rolls back; returns the
 * first failure. The idiom of every write:
 *     if ((rc = nz__pg_begin(h, err))) return rc;
 *     rc = ...statements...;
 *     return nz__pg_end(h, rc, err);  */
nz_rc nz__pg_end(nz__pg *h, nz_rc rc, nz_err *err);
/* A read snapshot for reads made of several queries (REPEATABLE READ, READ ONLY) unless a
 * transaction is open already; pass the result to nz__pg_read_end. */
bool nz__pg_read_begin(nz__pg *h);
void nz__pg_read_end(nz__pg *h, bool opened);

/* ---- stmt.c: statements, parameters, results ---------------------------------------------- */

/* One fixed statement: declare it `static const nz__pg_sql q_name = {"SELECT ... $1"};` in the
 * aggregate's file. The cache is keyed by its address: prepared (PQprepare, named "nz<n>") the
 * first time a handle runs it, then only executed. */
typedef struct nz__pg_sql {
	const char *text;
} nz__pg_sql;

/* Parameters for one execution, filled in order ($1, $2, ...) on the stack:
 *     nz__pg_params p = {0};
 *     nz__pg_text(&p, key); nz__pg_int(&p, id); ...
 * Text is not copied (it must outlive the execution); integers are formatted into the struct.
 * Too many parameters make the execution fail with NZ_INVAL. */
#define NZ__PG_MAX_PARAMS 32
typedef struct nz__pg_params {
	int n;
	bool overflow;
	const char *values[NZ__PG_MAX_PARAMS];
	int lengths[NZ__PG_MAX_PARAMS];
	int formats[NZ__PG_MAX_PARAMS]; /* 0 text, 1 binary (bytea) */
	char ints[NZ__PG_MAX_PARAMS][24];
} nz__pg_params;

void nz__pg_text(nz__pg_params *p, const char *s); /* NULL binds NULL */
void nz__pg_int64(nz__pg_params *p, int64_t v);    /* always a number */
void nz__pg_opt_int(nz__pg_params *p, int64_t v);  /* 0 binds NULL (unset ids, times) */
void nz__pg_null(nz__pg_params *p);                /* NULL */
void nz__pg_bytea(nz__pg_params *p, const void *data, size_t len); /* binary, not copied */

/* The server-side name of q on h's connection ("nz<n>"), preparing it on first use (which
 * reads the answers of a batch's pipe first: PQprepare waits). */
nz_rc nz__pg_prepared(nz__pg *h, const nz__pg_sql *q, char name[16], const char *what, nz_err *err);
/* Runs q with p (NULL: no parameters). *res (the caller PQclears it) holds the rows; results
 * come back as text. Errors map by SQLSTATE and say "what: PostgreSQL's message". */
nz_rc nz__pg_query(nz__pg *h, const nz__pg_sql *q, const nz__pg_params *p, PGresult **res,
		   const char *what, nz_err *err);
/* Runs q with p, ignoring any rows. */
nz_rc nz__pg_run(nz__pg *h, const nz__pg_sql *q, const nz__pg_params *p, const char *what,
		 nz_err *err);
/* Runs q with p; the first row's first column as an integer (INSERT ... RETURNING id, count).
 * NZ_NOTFOUND (without touching err) when there is no row or it is NULL. */
nz_rc nz__pg_one_int(nz__pg *h, const nz__pg_sql *q, const nz__pg_params *p, int64_t *out,
		     const char *what, nz_err *err);

/* Reading a result: row r, column c. */
bool nz__pg_col_null(const PGresult *res, int r, int c);
/* The column as an integer; 0 when NULL. */
int64_t nz__pg_col_int(const PGresult *res, int r, int c);
/* The column's text copied into arena; NULL stays NULL. NZ_NOMEM on failure. */
nz_rc nz__pg_col_text(nz_arena *arena, const PGresult *res, int r, int c, const char **out);
/* A bytea column's bytes copied into arena (never NULL on success, even when empty). */
nz_rc nz__pg_col_bytea(nz_arena *arena, const PGresult *res, int r, int c, const void **out,
		       size_t *len);

/* Forgets every prepared statement (after the connection was reset) and frees the cache. */
void nz__pg_cache_free(nz__pg *h);

/* ---- batch.c: several reads in one round trip -------------------------------------------- */

/* One read of a batch: q with p (NULL: none), named what in errors; res its rows once
 * nz__pg_reads returned NZ_OK (free them with nz__pg_reads_clear). */
typedef struct nz__pg_read {
	const nz__pg_sql *q;
	const nz__pg_params *p;
	const char *what;
	PGresult *res;
} nz__pg_read;
#define NZ__PG_MAX_READS 16
/* Runs reads[0..n) (n <= NZ__PG_MAX_READS) in one round trip and one snapshot: libpq's pipeline
 * mode, inside REPEATABLE READ READ ONLY when no transaction is open (else in the open one).
 * Every statement must return rows. On failure the first error, and every res NULL. While a
 * batch import's pipe is set they run one by one (nz__pg_query), with the same results. */
nz_rc nz__pg_reads(nz__pg *h, nz__pg_read *reads, size_t n, nz_err *err);
/* PQclears every res and sets it NULL. */
void nz__pg_reads_clear(nz__pg_read *reads, size_t n);

/* ---- a page's chrome (settings.c: site_chrome) -------------------------------------------- */

/* The statements and row readers of the sections and static pages lists, as their own
 * operations run them (catalog.c, static_pages.c), for site_chrome's batch. */
extern const nz__pg_sql nz__pg_q_section_list, nz__pg_q_page_list;
nz_rc nz__pg_section_row(nz_arena *arena, const PGresult *res, int r, void *item);
nz_rc nz__pg_page_row(nz_arena *arena, const PGresult *res, int r, void *item);

/* ---- pipe.c: deferred writes, for a batch import ----------------------------------------- */

/* Between nz__pg_pipe_start and nz__pg_pipe_stop, the writes whose answer nobody reads
 * (nz__pg_run, SAVEPOINT, RELEASE) are sent in libpq's pipeline mode without waiting: they go
 * out with the next statement that needs an answer (nz__pg_query, which then reads theirs and
 * its own in one round trip), or with nz__pg_pipe_flush; the first of them that failed is
 * reported there, under its own `what`, and the rest of that pipeline is skipped by the server.
 * Every other PostgreSQL call (PQexec, a rollback, COMMIT) flushes first, so outside the
 * deferred writes the connection is used as usual. The pipe also remembers the ids of the
 * sections, tags and authors ensured during the batch (nz__pg_pipe_id), forgotten on any
 * rollback. */
/* optimistic: an item's own commit (its RELEASE) is deferred as well, so answers are read only
 * when a statement needs one or PIPE_MAX wait; the item a failure belongs to is then unknown,
 * so any failure marks the pipe (nz__pg_pipe_failed) and the caller redoes the batch with
 * optimistic false, where each item's commit reads its answers. */
nz_rc nz__pg_pipe_start(nz__pg *h, bool optimistic, nz_err *err);
/* Whether a statement failed in an optimistic pipe (the batch's outcome is not to be trusted). */
bool nz__pg_pipe_failed(const nz__pg *h);
/* Flushes (errors reported), leaves pipeline mode, frees the pipe. */
nz_rc nz__pg_pipe_stop(nz__pg *h, nz_err *err);
/* Sends what is pending and reads the answers; NZ_OK when there is no pipe or nothing pending.
 * err may be NULL (a rollback's flush, whose errors do not matter). Leaves pipeline mode. */
nz_rc nz__pg_pipe_flush(nz__pg *h, nz_err *err);
/* The next answer of a pipeline sent with its Sync; NULL at the Sync (read) or when the
 * connection failed (the caller checks it had every answer). */
PGresult *nz__pg_pipeline_next(PGconn *conn);
/* Whether writes are deferred now (a pipe is set). */
static inline bool nz__pg_pipe_on(const nz__pg *h)
{
	return h->pipe != NULL;
}
/* Whether a commit at the current level may be deferred unchecked: a level inside a batch's
 * item (the item's own commit reads the answers), or the item's own in an optimistic pipe. */
bool nz__pg_pipe_defers_commit(const nz__pg *h);
/* Defers statement `name` (prepared) with p, or plain sql (no parameters) when name is NULL. */
nz_rc nz__pg_pipe_send(nz__pg *h, const char *name, const char *sql, const nz__pg_params *p,
		       const char *what, nz_err *err);
/* Sends prepared statement name with p after what is pending and reads every answer; *res is
 * its result (the caller PQclears it). */
nz_rc nz__pg_pipe_query(nz__pg *h, const char *name, const nz__pg_params *p, PGresult **res,
			const char *what, nz_err *err);
/* The id remembered under key during this batch: true and *id, or false. */
bool nz__pg_pipe_id(nz__pg *h, const char *key, int64_t *id);
/* Remembers key's id for the rest of the batch (nothing when out of memory). */
void nz__pg_pipe_remember(nz__pg *h, const char *key, int64_t id);
/* Forgets the remembered ids (a rollback may have taken their rows away). */
void nz__pg_pipe_forget(nz__pg *h);
/* The tables whose new rows take their id from a block reserved for the batch. */
typedef enum { NZ__PG_SEQ_ARTICLES = 0, NZ__PG_SEQ_MEDIA, NZ__PG_SEQS } nz__pg_seq;
/* A new id for a row of seq's table, from a block of 256 reserved in one round trip, so the
 * row's INSERT needs no answer and is deferred like the other writes. Only while a pipe is set. */
nz_rc nz__pg_pipe_new_id(nz__pg *h, nz__pg_seq seq, int64_t *id, nz_err *err);
/* Looks the batch's article slugs up in one query: each is then known taken (by an article or
 * an old slug's redirect) or free, until the batch ends or anything rolls back (forgotten with
 * the ids). The change feed's lock, held by the batch, keeps other writers out meanwhile. */
nz_rc nz__pg_pipe_slugs_load(nz__pg *h, const char *const *slugs, size_t n, nz_err *err);
/* strs as a PostgreSQL array literal, each element quoted (malloc'd; NULL: out of memory). */
char *nz__pg_array_literal(const char *const *strs, size_t n);
/* Whether slug is known in this batch: true and *taken, or false (ask the database). */
bool nz__pg_pipe_slug(nz__pg *h, const char *slug, bool *taken);
/* slug is an article's now (one of the batch just inserted it). */
void nz__pg_pipe_slug_taken(nz__pg *h, const char *slug);
/* Whether transaction level `level` (h->depth inside it) is an optimistic pipe's item or inside
 * one: it gets no savepoint, since a failure there redoes the whole batch anyway (a server
 * keeps 64 subtransactions per transaction in memory; a batch's 250 items passed that). */
bool nz__pg_pipe_unsaved(const nz__pg *h, int level);
/* Whether the pipe is optimistic (an item's own commit deferred; any failure redoes the batch). */
bool nz__pg_pipe_optimistic(const nz__pg *h);
/* Marks an optimistic pipe failed: the batch is redone (a rollback undid rows kept, bulk.c). */
void nz__pg_pipe_fail(nz__pg *h);
/* Defers the prepared statement `name` with n parameters, as nz__pg_pipe_send does. */
nz_rc nz__pg_pipe_send_arrays(nz__pg *h, const char *name, int n, const char *const *values,
			      const int *lengths, const int *formats, const char *what,
			      nz_err *err);

/* ---- bulk.c: an optimistic batch's rows, one INSERT per table and megabyte --------------- */

/* The many-row form of a one-row INSERT whose parameters are its columns, in order:
 *     {"INSERT INTO t(a, b) SELECT * FROM unnest($1::int8[], $2::text[])", "it", 2, NULL}
 * types: one letter a column, i int8 (bound as text: nz__pg_int64), t text, b bytea, v tsvector
 * (b and v bound binary). order: a table whose rows others reference gets a lower one.
 * seen_by: words (space-separated) that a statement which may see or reference the rows names
 * (for a referenced table, its referencing columns' too: "article" for article_id); NULL: the
 * table's name. */
typedef struct nz__pg_bulk {
	nz__pg_sql sql; /* prepared once a connection, as nz__pg_run's statements are */
	const char *types;
	int order;
	const char *seen_by;
} nz__pg_bulk;
/* Runs q with p (nz__pg_run); in an optimistic batch, keeps the row for bulk's INSERT of the
 * batch's rows instead, sent before anything that could see them (bulk.c's rules). */
nz_rc nz__pg_run_rows(nz__pg *h, const nz__pg_sql *q, const nz__pg_bulk *bulk,
		      const nz__pg_params *p, const char *what, nz_err *err);
/* Whether rows are kept. */
bool nz__pg_bulk_pending(const nz__pg *h);
/* Sends the rows kept (deferred in the pipe, one statement a table); dropped on failure. */
nz_rc nz__pg_bulk_flush(nz__pg *h, nz_err *err);
/* Before sql is sent or run: sends the rows kept unless sql is an INSERT or a SELECT that names
 * none of their seen_by words and calls none of our SQL functions (nz_...). Table triggers on
 * INSERT that read one of their tables would break this rule: none does. */
nz_rc nz__pg_bulk_before(nz__pg *h, const char *sql, nz_err *err);
/* Forgets the rows kept and frees them. */
void nz__pg_bulk_drop(nz__pg *h);

/* ---- catalog.c, media.c, accounts.c, audit.c: rows other aggregates read too ----------- */

/* Fills one arena item from row r of res; NZ_NOMEM on failure. */
typedef nz_rc (*nz__pg_row_fn)(nz_arena *arena, const PGresult *res, int r, void *item);
/* Runs q with p and collects every row into an arena array of n items of size bytes, each
 * zeroed and then filled (*out NULL when there is none). */
nz_rc nz__pg_collect(nz__pg *h, const nz__pg_sql *q, const nz__pg_params *p, const char *what,
		     size_t size, nz__pg_row_fn fill, nz_arena *arena, void **out, size_t *n,
		     nz_err *err);
/* The same from res, a result already read (not cleared). */
nz_rc nz__pg_collect_res(const PGresult *res, const char *what, size_t size, nz__pg_row_fn fill,
			 nz_arena *arena, void **out, size_t *n, nz_err *err);
/* An author from columns col.. (id, slug, display_name, family_name, given_name, name_order,
 * email, bio: "au." in that order). */
nz_rc nz__pg_author_row(nz_arena *arena, const PGresult *res, int r, int col, nz_author *au);
/* Fills the nz_tag at item from a row of (id, slug, name, profile). */
nz_rc nz__pg_tag_row(nz_arena *arena, const PGresult *res, int r, void *item);
/* A media row from columns id, hash, mime, caption, credit, alt, width, height. */
/* A media row from columns id, hash, mime, caption, credit, alt, width, height, focal_x,
 * focal_y, filename. */
nz_rc nz__pg_media_row(nz_arena *arena, const PGresult *res, int r, void *item);
/* m's focal point as two parameters (NULL, NULL when it has none). */
void nz__pg_focal(nz__pg_params *p, const nz_media *m);
/* A user from columns col.. (NZ__PG_USER_COLS). */
#define NZ__PG_USER_COLS "u.id, u.login, u.role, u.author_id, u.created_at, u.disabled_at"
nz_rc nz__pg_user_row(nz_arena *arena, const PGresult *res, int r, int col, nz_user *u);
/* Adds an audit row (actor, object_id, article_id 0: NULL) in the caller's transaction. */
nz_rc nz__pg_audit(nz__pg *h, int64_t actor, const char *action, const char *object_type,
		   int64_t object_id, int64_t article_id, const char *detail, nz_err *err);

/* ---- the operations: one nz__pg_<name> per entry of store_ops.h, in the file of its
 * aggregate (settings.c, catalog.c, ...). db.c's table takes the aggregates listed in
 * NZ__PG_AGGREGATES; an aggregate not listed leaves its slots NULL (NZ_UNSUPPORTED). List an
 * aggregate once every operation of it is written (the build does not link before). */
#define NZ__PG_PROTO(access, front, name, params, args) nz_rc nz__pg_##name params;
NZ__STORE_OPS(NZ__PG_PROTO)
#undef NZ__PG_PROTO

/* clang-format off */
#define NZ__PG_AGGREGATES(OP)                                                                      \
	/* settings.c */                                                                           \
	NZ__STORE_SETTINGS(OP)                                                                     \
	/* catalog.c */                                                                            \
	NZ__STORE_CATALOG(OP)                                                                      \
	/* (one unchanged line between aggregates, so that branches merge) */                      \
	/* articles*.c */                                                                          \
	NZ__STORE_ARTICLES(OP)                                                                     \
	/* (one unchanged line between aggregates, so that branches merge) */                      \
	/* media.c */                                                                              \
	NZ__STORE_MEDIA(OP)                                                                        \
	/* (one unchanged line between aggregates, so that branches merge) */                      \
	/* accounts.c, accounts_tokens.c */                                                        \
	NZ__STORE_ACCOUNTS(OP)                                                                     \
	/* (one unchanged line between aggregates, so that branches merge) */                      \
	/* audit.c */                                                                              \
	NZ__STORE_AUDIT(OP)                                                                        \
	/* (one unchanged line between aggregates, so that branches merge) */                      \
	/* outbox_changes.c, outbox_webhooks.c */                                                  \
	NZ__STORE_OUTBOX(OP)                                                                       \
	/* (one unchanged line between aggregates, so that branches merge) */                      \
	/* search*.c */                                                                            \
	NZ__STORE_SEARCH(OP)                                                                       \
	/* (one unchanged line between aggregates, so that branches merge) */                      \
	/* nodes.c */                                                                              \
	NZ__STORE_NODES(OP)                                                                        \
	/* (one unchanged line between aggregates, so that branches merge) */                      \
	/* static_pages.c */                                                                       \
	NZ__STORE_PAGES(OP)                                                                        \
	/* (one unchanged line between aggregates, so that branches merge) */                      \
	/* live.c */                                                                               \
	NZ__STORE_LIVE(OP)                                                                         \
	/* (one unchanged line between aggregates, so that branches merge) */                      \
	/* front_layouts.c */                                                                      \
	NZ__STORE_FRONT(OP)                                                                        \
	/* (one unchanged line between aggregates, so that branches merge) */                      \
	/* transfer.c */                                                                           \
	NZ__STORE_TRANSFER(OP)                                                                     \
	/* (one unchanged line between aggregates, so that branches merge) */                      \
	/* related_ids.c */                                                                        \
	NZ__STORE_BULK(OP)
/* clang-format on */

/* ---- articles*.c, search_index.c: helpers the article files share ---------------------- */

/* Loads article id fully into *a (which the caller owns): the row with its section, authors,
 * tags, media, corrections and import notes. NZ_NOTFOUND when missing. */
nz_rc nz__pg_article_load(nz__pg *h, nz_arena *arena, int64_t id, nz_article *a, nz_err *err);
/* Inserts revision a->revision of a (its snapshot) for actor with note. */
nz_rc nz__pg_article_revision(nz__pg *h, const nz_article *a, int64_t actor, const char *note,
			      nz_time now, nz_err *err);
/* Ensures the section, authors and tags of a exist, filling their ids (catalog.c); in the
 * caller's transaction, without savepoints of their own: a failure fails the caller's write. */
nz_rc nz__pg_article_catalog(nz__pg *h, nz_article *a, nz_err *err);
/* During a batch: the ids of the stored sections, tags and authors the n articles name, in two
 * queries, remembered as their ensures' when those would change nothing of the row (an author
 * whose empty fields an article would fill is not); new ones are still
 * inserted by the article that names them, inside its own savepoint. */
nz_rc nz__pg_catalog_preload(nz__pg *h, nz_arena *arena, nz_article *const *articles, size_t n,
			     nz_err *err);
/* Links author, tag or media `other` to the article at pos (q: one of the link inserts). */
nz_rc nz__pg_article_link(nz__pg *h, const nz__pg_sql *q, int64_t id, int64_t other, size_t pos,
			  const char *what, nz_err *err);
extern const nz__pg_sql nz__pg_q_author_link, nz__pg_q_tag_link, nz__pg_q_media_link;
/* media_library.c: a photo's state as a new revision (an edit in the library or an article's) */
extern const nz__pg_sql nz__pg_q_media_rev_add;
/* The parameters an article's insert and save both send: its slug, language and section
 * (place), and its headline, highlights intro, highlights (JSON), dateline, body and copyright
 * (content). */
void nz__pg_article_place(nz__pg_params *p, const nz_article *a);
void nz__pg_article_content(nz__pg_params *p, const nz_article *a, const char *highlights);
/* Inserts a new media row for m (its hash, which blobs must hold: else NZ_INVAL) and sets
 * m->id; errors say "what: ...". */
nz_rc nz__pg_article_media_insert(nz__pg *h, nz_media *m, nz_time now, const char *what,
				  nz_err *err);

/* ---- search*.c: full-text search (docs/postgres.md, "Search on PostgreSQL") ------------------ */

struct nz_search_phrase;

/* A window to read: the filters of q (q->query is not read), the phrases to rank by (exclusions
 * included, they are never counted), the tsquery text (NULL: made from the phrases), the query's
 * number of terms for the IDF (one term: IDF 1), the recency factor or not, an article to leave
 * out (0: none). */
typedef struct nz__pg_window {
	const nz_article_search *q;
	const struct nz_search_phrase *phrases;
	size_t n_phrases, n_terms;
	const char *tsquery;
	bool recency;
	int64_t self;
} nz__pg_window;

typedef nz__store_candidate nz__pg_candidate;

/* A related list's words (search_related.c): the article's most frequent terms weighed by how
 * rare they are, the best RELATED_TERMS as single-word phrases in *ph (arena) and ORed into tsq
 * (a tsquery). Their document counts through the GIN index, or search_postings when postings
 * (the same counts: related_ids.c). Inside the caller's read transaction. */
nz_rc nz__pg_related_words(nz__pg *h, nz_arena *arena, const nz_article *a, bool postings,
			   struct nz_search_phrase **ph, size_t *n_ph, nz_buf *tsq, nz_err *err);

/* The newest NZ_SEARCH_WINDOW public matches of w, best first (by score, or by time when
 * q->sort is NZ_SEARCH_NEWEST), in arena; *capped when more matched (search_window.c). Run
 * inside a transaction (nz__pg_read_begin): it sets plan_cache_mode for the transaction. */
nz_rc nz__pg_search_window(nz__pg *h, nz_arena *arena, const nz__pg_window *w,
			   nz__pg_candidate **out, size_t *n, bool *capped, nz_err *err);
/* Whether w's window can come from search_postings (search_postings.c): one to
 * NZ__PG_POSTING_WORDS single words (no phrase, no prefix, no exclusion), no filter but the
 * language, a search (not a related list). */
/* A window's filters on article_search s, with nz__pg_window_params's $2..$11. */
#define NZ__PG_WINDOW_FILTERS                                                                      \
	" ($11::boolean OR (s.status = 'published' AND (s.embargo_until IS NULL"                   \
	" OR s.embargo_until <= $2) AND s.published_at IS NOT NULL AND s.published_at <= $2))"     \
	" AND ($3::text IS NULL OR s.section_id = (SELECT id FROM sections WHERE slug = $3))"      \
	" AND ($4::text IS NULL OR s.article_id IN (SELECT at.article_id FROM article_tags at"     \
	"  JOIN tags t ON t.id = at.tag_id WHERE t.slug = $4))"                                    \
	" AND ($5::text IS NULL OR s.article_id IN (SELECT aa.article_id FROM article_authors aa"  \
	"  JOIN authors au ON au.id = aa.author_id WHERE au.slug = $5))"                           \
	" AND ($6::text IS NULL OR s.language = $6)"                                               \
	" AND ($7::bigint IS NULL OR s.published_at >= $7)"                                        \
	" AND ($8::bigint IS NULL OR s.published_at < $8)"                                         \
	" AND s.article_id <> $9"
/* Binds a window statement's $2..$11 (after its first parameter): now, section, tag, author,
 * language, from, to, the article left out, the limit (NZ_SEARCH_WINDOW + 1), any status. */
void nz__pg_window_params(nz__pg_params *p, const nz__pg_window *w);
#define NZ__PG_POSTING_WORDS 3
bool nz__pg_postings_fit(const nz__pg_window *w);
/* Runs w's window from search_postings into *res (nz__pg_query's): per row the article's id,
 * published_at, its length in terms and each word's weighted frequency (columns 3, 4, ..., in
 * the order of w's words), newest first, at most NZ_SEARCH_WINDOW + 1 rows. *res stays NULL
 * (NZ_OK) when w's section is too sparse by id for a walk: the caller asks the GIN index. */
nz_rc nz__pg_postings_window(nz__pg *h, const nz__pg_window *w, PGresult **res, nz_err *err);
/* Whether w is a phrase query search_postings can narrow (search_postings.c): a phrase of two
 * words or more, no prefix, no exclusion, no filter but the language and the section, at most
 * NZ__PG_POSTING_WORDS distinct words, a search. */
bool nz__pg_postings_phrase_fit(const nz__pg_window *w);
/* Runs w's window as search_window.c's q_window_rank_lex returns it (the lexemes' positions in
 * column 3, the headline's and highlights' lengths in 4 and 5), the candidates read off the
 * words' postings and checked against tsquery; lexemes: the query's lexemes as a text[]. *res
 * stays NULL (NZ_OK) as nz__pg_postings_window's does for a sparse section. */
nz_rc nz__pg_postings_phrase(nz__pg *h, const nz__pg_window *w, const char *tsquery,
			     const char *lexemes, PGresult **res, nz_err *err);
/* Whether the GIN index's window of w can take its words' frequencies from search_postings
 * (search_postings.c): one to three single words to include, any number of single words
 * excluded, no prefix, a search. */
bool nz__pg_postings_tf_fit(const nz__pg_window *w);
/* Runs w's window by the GIN index (tsquery, every match exact: single words) with its words'
 * frequencies from their postings into *res, as nz__pg_postings_window returns it. */
nz_rc nz__pg_postings_tf(nz__pg *h, const nz__pg_window *w, const char *tsquery, PGresult **res,
			 nz_err *err);
/* Whether w is one prefix alone search_postings can serve (search_postings.c): no exclusion,
 * a search; no filter but the language, or a tag, an author or a date range (with any other). */
bool nz__pg_postings_prefix_fit(const nz__pg_window *w);
/* Runs w's window from the postings of the lexemes its prefix starts (search_terms, migration
 * 28) into *res, as nz__pg_postings_window returns it: the prefix's weighted frequency (the sum
 * over its lexemes) in column 3. *res stays NULL (NZ_OK) when a tag, author or date filter has
 * more articles than the prefix's most common lexeme has postings (the GIN index then). */
nz_rc nz__pg_postings_prefix(nz__pg *h, const nz__pg_window *w, PGresult **res, nz_err *err);
/* Appends s[0..len) to b as an element of a text[] literal ("…", quoted, after a comma unless
 * first); the caller writes the braces (search_window.c). */
void nz__pg_array_item(nz_buf *b, const char *s, size_t len, bool first);

/* Writes article_id's row of the search index from its stored text (search_index.c, with the
 * articles; the format is docs/postgres.md's "The row: article_search"), in the caller's
 * transaction: every article write calls it, and reindex. */
nz_rc nz__pg_search_write(nz__pg *h, int64_t article_id, nz_err *err);
/* A lexeme's key in article_rank.tf: sorted 6-byte entries, the lexeme's hash (this, 4 bytes
 * big-endian) and its weighted frequency (2 bytes: headline 10, highlights 4, body 1 an
 * occurrence, at most 65535). */
uint32_t nz__pg_rank_hash(const char *s, size_t len);
/* A lexeme's key in search_postings (migration 27): its 64-bit FNV-1a hash, as a signed BIGINT. */
int64_t nz__pg_term_key(const char *s, size_t len);
/* The same row from a's fields as they were just written (a new article: no read back). */
nz_rc nz__pg_search_write_article(nz__pg *h, const nz_article *a, nz_err *err);

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
/* Rebuilds the search index when search_stale says an older tokenizer made it (schema_sql.c,
 * migration 22); the rebuild empties search_stale. */
nz_rc nz__pg_search_refresh(nz__pg *h, nz_err *err);

/* ---- schema_sql.c, schema_feed.c: the parts of migration 1, run in this order ------------ */

extern const char nz__pg_1_tables[];        /* tables, constraints, indexes */
extern const char nz__pg_1_kept[];          /* revisions kept, search rows dropped when stale */
extern const char nz__pg_1_feed_helpers[];  /* nz_now(), nz_changes_add(), key functions */
extern const char nz__pg_1_feed_articles[]; /* change feed: articles and their rows */
extern const char nz__pg_1_feed_catalog[];  /* change feed: sections, tags, authors, media... */
extern const char nz__pg_1_outbox[];        /* webhook and purge-hook deliveries */
/* nodes.c: migration 2, SQLite's 6 */
extern const char nz__pg_2_nodes[];      /* leases, nz_clock(), the change feed's NOTIFY */
extern const char nz__pg_3_renditions[]; /* the image pipeline's renditions (media.c) */
/* articles_history.c: migration 4, SQLite's 8 */
extern const char nz__pg_4_import_items[];   /* the items of multi-item imports */
extern const char nz__pg_5_hdata[];          /* slugs repaired, token expiry */
extern const char nz__pg_6_pages[];          /* static pages and their revisions (static_pages.c) */
extern const char nz__pg_7_updated[];        /* "updated" of never-edited imports */
extern const char nz__pg_8_live[];           /* live coverage and its updates */
extern const char nz__pg_9_front[];          /* front layouts (front_layouts.c) */
extern const char nz__pg_10_profiles[];      /* authors' profiles */
extern const char nz__pg_11_section_names[]; /* a section's name per edition language */
extern const char nz__pg_12_focal[];         /* a photo's focal point (media.c) */
/* schema_feed.c: migration 13 (PostgreSQL only) */
extern const char nz__pg_13_batch_feed[]; /* a batch import's change-feed keys, once per batch */
/* schema_sql.c: migration 14, password-reset links (SQLite's 17) */
extern const char nz__pg_14_password_resets[];
extern const char nz__pg_15_desk[];
/* schema_sql.c: migration 16, a static page's import record (SQLite's 19) */
extern const char nz__pg_16_page_imports[];
extern const char nz__pg_17_reader_counts[];   /* referring sites, searches that found nothing */
extern const char nz__pg_18_media_revisions[]; /* a photo's texts per edit; the words index */
/* The words of a media row, as its index (migration 18) has them: a search names the same. */
#define NZ__PG_MEDIA_WORDS                                                                         \
	"to_tsvector('simple'::regconfig, translate(COALESCE(caption, '') || ' ' || "              \
	"COALESCE(credit, '') || ' ' || COALESCE(alt, '') || ' ' || COALESCE(filename, ''), "      \
	"'._-/\\,;:!?()[]{}\"''`~@#$%^&*+=<>|', '                                '))"
extern const char nz__pg_19_related[];
extern const char nz__pg_20_media_uploader[];    /* who uploaded each photo, and its index */
extern const char nz__pg_21_live_kinds[];        /* a live update's kind, photo, quote */
extern const char nz__pg_22_search_stale[];      /* an index made by an older tokenizer */
extern const char nz__pg_23_live_media[];        /* the live updates that show a photo */
extern const char nz__pg_24_page_translations[]; /* a static page's other-language versions */
extern const char nz__pg_25_listed[];            /* listed_at: a live story rises in lists */
extern const char nz__pg_26_rank[];              /* article_rank: ranking without the vectors */
extern const char nz__pg_27_postings[];          /* search_postings: a word's newest matches */
extern const char nz__pg_28_vocabulary[];        /* search_terms: the lexemes a prefix starts */
extern const char nz__pg_29_search_published[];  /* article_search by date: a range's ids */

#endif
