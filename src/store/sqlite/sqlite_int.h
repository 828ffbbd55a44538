/*
 * sqlite_int.h: the SQLite backend's handle and the helpers its files share. Nothing outside
 * src/store/sqlite/ includes this header, so no SQLite type escapes the folder.
 *
 * Rules: one handle per thread; every statement is prepared once per handle and reset after
 * use (a statement left mid-step would pin a read snapshot and block WAL checkpoints); every
 * write runs between nz__sq_begin and nz__sq_end, which nest (BEGIN IMMEDIATE at the outside,
 * SAVEPOINT inside), so a failed write rolls back to where it started.
 */
#ifndef NZ_STORE_SQLITE_INT_H
#define NZ_STORE_SQLITE_INT_H

#include <sqlite3.h>

#include "store/sqlite/queries.h"
#include "store/store_int.h"

/* Article list variants: one bit per filter (section, tag, author, language, public), plus
 * one for the keyset cursor. */
#define NZ__LIST_VARIANTS 64
/* Statement cache slots of the back office, indexed by backoffice_sql.h's ids. */
#define NZ__BO_STMTS 96
/* Statement cache slots of the change feed (changes.c). */
#define NZ__CHANGE_STMTS 12
/* ... and of distribution.c's listings (feeds, sitemaps, an article's translations). */
#define NZ__DIST_STMTS 8

typedef struct nz__sqlite {
	nz_store base; /* first: the handle is used as an nz_store */
	sqlite3 *db;
	int depth; /* open transaction levels: 1 = BEGIN, 2+ = savepoints */
	sqlite3_stmt *stmts[SQ_COUNT];
	sqlite3_stmt *list_stmts[NZ__LIST_VARIANTS];
	sqlite3_stmt *count_stmts[NZ__LIST_VARIANTS];
	sqlite3_stmt *bo_stmts[NZ__BO_STMTS];         /* back office: backoffice_sql.h */
	sqlite3_stmt *change_stmts[NZ__CHANGE_STMTS]; /* speed: changes.c */
	sqlite3_stmt *dist_stmts[NZ__DIST_STMTS];     /* speed: distribution.c */
	struct nz__df_cache *df_cache;                /* speed: search.c's document frequencies */
	sqlite3_stmt *related_stmts[3]; /* speed: search.c's related-articles queries */
} nz__sqlite;

static inline nz__sqlite *nz__sq(nz_store *s)
{
	return (nz__sqlite *)s;
}

/* ---- db.c: statements, errors, transactions ---------------------------------------------- */

/* The cached statement id, reset and with its bindings cleared, ready to bind. */
nz_rc nz__sq_stmt(nz__sqlite *h, nz__sq_id id, sqlite3_stmt **out, nz_err *err);
/* Prepares sql once into *slot (a cache slot of the handle) and resets it. */
nz_rc nz__sq_prepare_cached(nz__sqlite *h, sqlite3_stmt **slot, const char *sql, nz_err *err);
/* Maps a SQLite result to nz_rc and fills err with "what: sqlite's message". */
nz_rc nz__sq_error(nz__sqlite *h, int sqlite_rc, const char *what, nz_err *err);
/* Steps st once: NZ_OK with *row true/false, or the error. Resets st on error. */
nz_rc nz__sq_step(nz__sqlite *h, sqlite3_stmt *st, bool *row, const char *what, nz_err *err);
/* Steps a statement that returns no rows (or whose rows are ignored) and resets it. */
nz_rc nz__sq_exec(nz__sqlite *h, sqlite3_stmt *st, const char *what, nz_err *err);
/* Runs a bound INSERT of a link row (article_id, other, position): article authors, tags and
 * media, for both creating and saving an article. */
nz_rc nz__sq_link(nz__sqlite *h, nz__sq_id id, int64_t article_id, int64_t other, size_t pos,
		  const char *what, nz_err *err);
/* Steps a statement whose first row's first column is an integer; resets it.
 * NZ_NOTFOUND (without touching err) when there is no row. */
nz_rc nz__sq_int(nz__sqlite *h, sqlite3_stmt *st, int64_t *out, const char *what, nz_err *err);

nz_rc nz__sq_begin(nz__sqlite *h, nz_err *err);
nz_rc nz__sq_commit(nz__sqlite *h, nz_err *err);
void nz__sq_rollback(nz__sqlite *h);
/* Ends what nz__sq_begin started: commits when rc is NZ_OK, else rolls back; returns the
 * first failure. */
nz_rc nz__sq_end(nz__sqlite *h, nz_rc rc, nz_err *err);

/* A read snapshot for reads made of several queries (an article and its lists): opens a
 * deferred transaction unless one is open already. Pass the result to nz__sq_read_end. */
bool nz__sq_read_begin(nz__sqlite *h);
void nz__sq_read_end(nz__sqlite *h, bool opened);

/* Binding: each returns the SQLite result; text NULL and time/id 0 bind NULL. Text is bound
 * without a copy, so it must outlive the step. */
int nz__sq_bind_text(sqlite3_stmt *st, int i, const char *s);
int nz__sq_bind_opt_int(sqlite3_stmt *st, int i, int64_t v);

/* Makes room for one more element in an arena array of *cap elements holding n (doubling and
 * copying when full); returns the array, or NULL when out of memory. */
void *nz__sq_grow(nz_arena *arena, void *items, size_t n, size_t *cap, size_t size);
/* For a failed sqlite3_bind_*: the connection's error as nz_rc. */
nz_rc nz__sq_bind_error(nz__sqlite *h, const char *what, nz_err *err);
#ifdef __clang_analyzer__ /* it cannot see db.c from here: this never returns NZ_OK */
#define nz__sq_bind_error(h, what, err) nz__analyzer_failure(nz__sq_bind_error(h, what, err))
#endif

/* Column text copied into arena; NULL stays NULL. NZ_NOMEM on failure. */
nz_rc nz__sq_col_text(nz_arena *arena, sqlite3_stmt *st, int col, const char **out);
/* Column bytes copied into arena (never NULL on success, even when empty). */
nz_rc nz__sq_col_blob(nz_arena *arena, sqlite3_stmt *st, int col, const void **out, size_t *len);

/* ---- schema.c ---------------------------------------------------------------------------- */

/* Brings the database to the newest schema in one transaction; refuses one that is newer than
 * this binary or that is not a Newszone database. Sets h->base.schema_version. */
nz_rc nz__sq_migrate(nz__sqlite *h, nz_err *err);

/* ---- catalog.c: settings, sections, authors, tags, imports, blobs ------------------------ */

nz_rc nz__sq_site_load(nz_store *s, nz_arena *arena, nz_site *out, nz_err *err);
nz_rc nz__sq_setting_set(nz_store *s, const char *key, const char *value, nz_err *err);
nz_rc nz__sq_section_ensure(nz_store *s, nz_section *sec, nz_err *err);
nz_rc nz__sq_author_ensure(nz_store *s, nz_author *au, nz_err *err);
nz_rc nz__sq_tag_ensure(nz_store *s, nz_tag *tag, nz_err *err);
nz_rc nz__sq_section_get(nz_store *s, nz_arena *arena, const char *slug, nz_section **out,
			 nz_err *err);
nz_rc nz__sq_author_get(nz_store *s, nz_arena *arena, const char *slug, nz_author **out,
			nz_err *err);
nz_rc nz__sq_tag_get(nz_store *s, nz_arena *arena, const char *slug, nz_tag **out, nz_err *err);
nz_rc nz__sq_section_list(nz_store *s, nz_arena *arena, nz_section **out, size_t *n, nz_err *err);
nz_rc nz__sq_author_list(nz_store *s, nz_arena *arena, nz_author **out, size_t *n, nz_err *err);
/* Fills one zeroed element (item) from the current row of st; NZ_NOMEM when out of memory. */
typedef nz_rc (*nz__sq_row_fn)(nz_arena *arena, sqlite3_stmt *st, void *item);
/* Steps st (prepared and bound) to its end, filling one element of `size` bytes per row with
 * fill, into an array in arena; resets st. *out and *n are set on success only (else NULL, 0);
 * errors say "what: ...". */
nz_rc nz__sq_collect(nz__sqlite *h, sqlite3_stmt *st, const char *what, size_t size,
		     nz__sq_row_fn fill, nz_arena *arena, void **out, size_t *n, nz_err *err);
/* Fills au from a row of NZ__AUTHOR_COLS starting at column col. */
nz_rc nz__sq_author_row(nz_arena *arena, sqlite3_stmt *st, int col, nz_author *au);

nz_rc nz__sq_import_find(nz_store *s, const char *sha256_hex, int64_t *article_id, nz_err *err);
nz_rc nz__sq_import_add(nz_store *s, int64_t article_id, const char *filename,
			const char *sha256_hex, const void *bytes, size_t len, nz_err *err);
nz_rc nz__sq_import_get(nz_store *s, nz_arena *arena, int64_t article_id, const void **bytes,
			size_t *len, const char **filename, nz_err *err);
nz_rc nz__sq_blob_put(nz_store *s, const char *sha256_hex, const char *mime, const void *bytes,
		      size_t len, nz_err *err);
nz_rc nz__sq_blob_get(nz_store *s, nz_arena *arena, const char *sha256_hex, const void **bytes,
		      size_t *len, const char **mime, nz_err *err);

/* ---- article.c and article_list.c -------------------------------------------------------- */

nz_rc nz__sq_article_create(nz_store *s, nz_arena *arena, nz_article *a, const char *note,
			    nz_err *err);
nz_rc nz__sq_article_by_slug(nz_store *s, nz_arena *arena, const char *slug, nz_article **out,
			     nz_err *err);
nz_rc nz__sq_article_by_id(nz_store *s, nz_arena *arena, int64_t id, nz_article **out, nz_err *err);
/* Loads article id fully into *a (which the caller owns). NZ_NOTFOUND when missing. */
nz_rc nz__sq_article_load(nz__sqlite *h, nz_arena *arena, int64_t id, nz_article *a, nz_err *err);
nz_rc nz__sq_article_list(nz_store *s, nz_arena *arena, const nz_article_query *q,
			  nz_article_list *out, nz_err *err);
/* nz_store_article_keys. */
nz_rc nz__sq_article_keys(nz_store *s, nz_arena *arena, const nz_article_query *q,
			  nz_article_key **keys, size_t *n, nz_err *err);

/* ---- distribution.c: listings for feeds, sitemaps and exports ------------------ */

nz_rc nz__sq_article_refs(nz_store *s, nz_arena *arena, const nz_article_ref_query *q,
			  nz_article **out, size_t *n, nz_err *err);
nz_rc nz__sq_article_translations(nz_store *s, nz_arena *arena, const nz_article *a, nz_time now,
				  nz_article **out, size_t *n, nz_err *err);
nz_rc nz__sq_article_chunks(nz_store *s, nz_arena *arena, nz_time now, size_t per_chunk,
			    nz_time **lastmod, size_t *n, nz_err *err);
nz_rc nz__sq_corrections_recent(nz_store *s, nz_arena *arena, nz_time now, size_t limit,
				nz_article **out, size_t *n, nz_err *err);
nz_rc nz__sq_blob_size(nz_store *s, const char *sha256_hex, int64_t *size, nz_err *err);

/* ---- webhooks.c: webhooks, deliveries, the purge hook's settings ---------------- */

/* The webhooks' table (store/webhooks_int.h). */
extern const struct nz__hook_ops nz__sq_hook_ops;

/* ---- back office: users, sessions, tokens, workflow, revisions, media, audit ---- */

/* The back office's table (store/backoffice_int.h), defined in backoffice*.c of this folder. */
extern const struct nz__bo_ops nz__sq_bo_ops;

/* ---- search.c, search_fts.c: the full-text index ------------------------------- */

/* Registers search/'s tokenizer as the FTS5 tokenizer "newszone" on the connection; every
 * connection needs it before migrating (the index and its triggers use it). */
nz_rc nz__sq_search_register(nz__sqlite *h, nz_err *err);
/* Registers the FTS5 rank function nz_rank (search_rank.c); an SQLite result code. */
int nz__sq_search_rank_register(fts5_api *api);
nz_rc nz__sq_search(nz_store *s, nz_arena *arena, const nz_article_search *q,
		    nz_search_results *out, nz_err *err);
nz_rc nz__sq_related(nz_store *s, nz_arena *arena, const nz_article *a, nz_time now, size_t max,
		     nz_article_list *out, nz_err *err);
/* Frees search.c's cache of document frequencies (NULL-safe). */
void nz__sq_df_cache_free(struct nz__df_cache *c);
/* The search table (store/search_int.h), defined in search_fts.c. */
extern const struct nz__search_ops nz__sq_search_ops;

/* ---- changes.c: the change feed ---------------------------------------------- */

/* The change feed's table (store/changes_int.h). */
extern const struct nz__change_ops nz__sq_change_ops;

#endif
