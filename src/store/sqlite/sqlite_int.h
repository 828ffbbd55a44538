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

/* The handle's one statement cache: the fixed statements of queries.h by id, then slots for
 * statements built at run time, each range owned by one file. */
#define NZ__LIST_VARIANTS 128 /* article list: one bit per filter, plus the keyset cursor */
#define NZ__CHANGE_STMTS 12   /* outbox_changes.c */
#define NZ__FEED_STMTS 8      /* articles_feeds.c */
#define NZ__RELATED_STMTS 10  /* search_related.c, related.c */
enum {
	NZ__SLOT_LIST = SQ_COUNT,                              /* the article lists... */
	NZ__SLOT_COUNT = NZ__SLOT_LIST + NZ__LIST_VARIANTS,    /* ...and their counts */
	NZ__SLOT_CHANGES = NZ__SLOT_COUNT + NZ__LIST_VARIANTS, /* the change feed */
	NZ__SLOT_FEEDS = NZ__SLOT_CHANGES + NZ__CHANGE_STMTS,  /* feeds and sitemaps */
	NZ__SLOT_RELATED = NZ__SLOT_FEEDS + NZ__FEED_STMTS,    /* related articles */
	NZ__SQ_SLOTS = NZ__SLOT_RELATED + NZ__RELATED_STMTS
};

typedef struct nz__sqlite {
	nz_store base; /* first: the handle is used as an nz_store */
	sqlite3 *db;
	int depth;                         /* open transaction levels: 1 = BEGIN, 2+ = savepoints */
	sqlite3_stmt *stmts[NZ__SQ_SLOTS]; /* the statement cache */
	struct nz__df_cache *df_cache;     /* search's document frequencies */
	bool search_deferred; /* new articles wait for nz__sq_search_index_after (a batch import) */
	struct nz__sq_memo *memo; /* catalog ids a batch import ensured (catalog_memo.c), or NULL */
	struct nz__id_sets *id_sets; /* search's section filters as id sets */
} nz__sqlite;

/* ---- catalog_memo.c: the catalog ids a batch import ensured already -------------------- */

void nz__sq_memo_start(nz__sqlite *h);
void nz__sq_memo_stop(nz__sqlite *h);
/* Forgets every id (a rollback may have removed their rows); the memo stays on. */
void nz__sq_memo_forget(nz__sqlite *h);
/* The id ensured for key (every value the upsert writes); false when unknown or off. */
bool nz__sq_memo_get(const nz__sqlite *h, const char *key, int64_t *id);
void nz__sq_memo_put(nz__sqlite *h, const char *key, int64_t id);

static inline nz__sqlite *nz__sq(nz_store *s)
{
	return (nz__sqlite *)s;
}

/* ---- db.c: statements, errors, transactions ---------------------------------------------- */

/* The cached statement id, reset and with its bindings cleared, ready to bind. */
nz_rc nz__sq_stmt(nz__sqlite *h, nz__sq_id id, sqlite3_stmt **out, nz_err *err);
/* Prepares sql once into the cache's slot (one of the run-time ranges above) and resets it
 * with its bindings cleared; *out is the statement. */
nz_rc nz__sq_cached(nz__sqlite *h, int slot, const char *sql, sqlite3_stmt **out, nz_err *err);
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
/* Binds what an article's insert and save both write: slug, language and section at 2..4, and
 * headline, highlights intro, highlights (JSON), dateline, body and copyright from content on;
 * nonzero when a bind failed. */
int nz__sq_bind_article(sqlite3_stmt *st, int content, const nz_article *a, const char *highlights);
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
/* Binds a named parameter (":now") when st has it; an SQLite result. */
int nz__sq_bind_named_int(sqlite3_stmt *st, const char *name, int64_t v);

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

/* ---- the operations: one nz__sq_<name> per entry of store_ops.h, in the file of its aggregate
 * (settings.c, catalog.c, articles*.c, media.c, accounts*.c, audit.c, outbox_*.c, search*.c);
 * db.c puts them in the table. */
#define NZ__SQ_PROTO(access, front, name, params, args) nz_rc nz__sq_##name params;
NZ__STORE_OPS(NZ__SQ_PROTO)
#undef NZ__SQ_PROTO

/* ---- helpers the aggregates share -------------------------------------------------------- */

/* Fills one zeroed element (item) from the current row of st; NZ_NOMEM when out of memory. */
typedef nz_rc (*nz__sq_row_fn)(nz_arena *arena, sqlite3_stmt *st, void *item);
/* Steps st (prepared and bound) to its end, filling one element of `size` bytes per row with
 * fill, into an array in arena; resets st. *out and *n are set on success only (else NULL, 0);
 * errors say "what: ...". */
nz_rc nz__sq_collect(nz__sqlite *h, sqlite3_stmt *st, const char *what, size_t size,
		     nz__sq_row_fn fill, nz_arena *arena, void **out, size_t *n, nz_err *err);
/* Fills au from a row of NZ__AUTHOR_COLS starting at column col. */
nz_rc nz__sq_author_row(nz_arena *arena, sqlite3_stmt *st, int col, nz_author *au);
/* Fills tag from a row of (id, slug, name, profile). */
nz_rc nz__sq_tag_row(nz_arena *arena, sqlite3_stmt *st, nz_tag *tag);
/* Loads article id fully into *a (which the caller owns). NZ_NOTFOUND when missing. */
nz_rc nz__sq_article_load(nz__sqlite *h, nz_arena *arena, int64_t id, nz_article *a, nz_err *err);
/* Adds an audit_log row (article_id: 0 for none; actor 0: NULL). Runs in the caller's
 * transaction. */
nz_rc nz__sq_audit(nz__sqlite *h, int64_t actor, const char *action, const char *object_type,
		   int64_t object_id, int64_t article_id, const char *detail, nz_err *err);
/* Fills u from a row of NZ__USER_COLS starting at column col. */
nz_rc nz__sq_user_row(nz_arena *arena, sqlite3_stmt *st, int col, nz_user *u);
/* Fills m from a row of (id, hash, mime, caption, credit, alt, width, height, focal_x, focal_y,
 * filename). */
nz_rc nz__sq_media_row(nz_arena *arena, sqlite3_stmt *st, void *item);
/* Binds m's focal point to parameters i and i + 1 (NULL, NULL when it has none); SQLite's
 * bind result. */
int nz__sq_bind_focal(sqlite3_stmt *st, int i, const nz_media *m);

/* Inserts revision a->revision of a (its snapshot) for actor with note. */
nz_rc nz__sq_revision_add(nz__sqlite *h, const nz_article *a, int64_t actor, const char *note,
			  nz_time now, nz_err *err);

/* ---- search: the full-text index --------------------------------------------------------- */

/* Registers search/'s tokenizer as the FTS5 tokenizer "newszone" on the connection; every
 * connection needs it before migrating (the index and its triggers use it). */
nz_rc nz__sq_search_register(nz__sqlite *h, nz_err *err);
/* While a batch import runs on this thread: its items, whose recorded body terms the tokenizer
 * replays for those bodies (search_fts.c); (NULL, 0) when it ends. */
void nz__sq_search_replay(const nz_store_import_item *items, size_t n);
/* Indexes for search, in one statement, every article whose id is above after_id: what the
 * insert trigger left while h->search_deferred was set (a batch import, inside its
 * transaction). */
nz_rc nz__sq_search_index_after(nz__sqlite *h, int64_t after_id, nz_err *err);
/* Rebuilds the index when search_stale says an older tokenizer made it (schema.c, migration
 * 25); the rebuild empties search_stale. */
nz_rc nz__sq_search_refresh(nz__sqlite *h, nz_err *err);
/* Registers the FTS5 rank function nz_rank (search_rank.c); an SQLite result code. */
int nz__sq_search_rank_register(fts5_api *api);
/* Frees search's cache of document frequencies (NULL-safe). */
void nz__sq_df_cache_free(struct nz__df_cache *c);
/* Whether the handle's document-frequency cache is filled and nothing changed since (inside a
 * write transaction: before a write that changes no article, to keep it through the write). */
bool nz__sq_df_cache_current(nz__sqlite *h);
/* After such a write, in its transaction: the cache stays current. A bulk pass storing
 * related lists (each a change-feed row) would otherwise count every frequency again for every
 * list. */
void nz__sq_df_cache_keep(nz__sqlite *h);

/* ---- search_filter.c: a section filter and an exclusion as sets of ids ------------------- */

/* The set of the section slug's article ids, made or remembered (h->id_sets); NULL when there
 * is none to use (no such slug is not NULL: an empty set). Valid until the second call after
 * it (a search uses an exclusion's set and a section's together). */
const void *nz__sq_section_set(nz__sqlite *h, const char *slug);
/* Binds set (NULL: nothing) to st's :section_set, and its lowest and highest id (without a
 * set: the whole range) to :section_lo and :section_hi, those st has; an SQLite result. */
int nz__sq_bind_section_set(sqlite3_stmt *st, const void *set);
/* The set of the ids of the articles any of match[0..n) (FTS5 MATCH expressions: a search's
 * exclusions) matches, remembered, or made when nz__sq_exclusion_seen asked for it
 * (h->id_sets); NULL when there is none to use (not asked for, an error, or too long a key).
 * Exact: the caller leaves its ids out instead of an FTS5 NOT. Valid until the second call
 * after it. */
const void *nz__sq_exclusion_set(nz__sqlite *h, const char *const *match, size_t n);
/* After a search of the exclusions match[0..n) by FTS5's NOT whose window held matches: when
 * that is many, nz__sq_exclusion_set makes their set at their next search. */
void nz__sq_exclusion_seen(nz__sqlite *h, const char *const *match, size_t n, size_t matches);
/* Tests: the matches a window needs for its exclusions to get a set (default 200). */
void nz__sq_exclusion_sets_after(nz__sqlite *h, size_t matches);
/* Binds set to st's :exclude_set when st has it; an SQLite result. */
int nz__sq_bind_exclusion_set(sqlite3_stmt *st, const void *set);
/* Frees the handle's sets (NULL-safe). */
void nz__sq_id_sets_free(struct nz__id_sets *c);
/* Registers nz_in_set(id, set) on db; an SQLite result. */
int nz__sq_in_set_register(sqlite3 *db);
/* ---- search_public.c: who a related list may show, per language, for the bulk pass ------- */

#define NZ__PUBLIC_LANGUAGE_MAX 35
typedef struct nz__public_set nz__public_set;
/* The public set of language's articles as they are now (NULL: out of memory, an error or a
 * language longer than NZ__PUBLIC_LANGUAGE_MAX); the caller owns it and makes it again when an
 * article changed. */
nz__public_set *nz__sq_public_set_make(nz__sqlite *h, const char *language);
void nz__sq_public_set_free(nz__public_set *s);
const char *nz__sq_public_set_language(const nz__public_set *s);
/* Binds s to st's :public_set; an SQLite result. */
int nz__sq_bind_public_set(sqlite3_stmt *st, const nz__public_set *s);
/* Registers nz_public_at(id, set, now) on db; an SQLite result. */
int nz__sq_public_at_register(sqlite3 *db);
/* A match in a search's window (search.c): the article, its publication time, its rank. */
typedef nz__store_candidate nz__sq_candidate;
/* The window's SQL: the newest NZ_SEARCH_WINDOW + 1 public matches passing q's filters, with
 * extra (more conditions) appended to the WHERE clause. */
void nz__sq_window_sql(nz_buf *b, const nz_article_search *q, const char *extra);
/* Binds q's values and match to the parameters *st has. */
nz_rc nz__sq_bind_search(nz__sqlite *h, sqlite3_stmt **st, const nz_article_search *q,
			 const char *match, nz_err *err);
/* Runs the window statement: its rows (at most NZ_SEARCH_WINDOW, in arena) with the best k in
 * order first, and whether there were more. */
nz_rc nz__sq_run_window(nz__sqlite *h, nz_arena *arena, sqlite3_stmt *st, nz_search_sort sort,
			size_t k, nz__sq_candidate **out, size_t *n, bool *capped, nz_err *err);

#endif
