/*
 * search_fts.c: the SQLite side of search's tokenizer and the index's upkeep.
 *
 * The tokenizer of search/ is registered as the FTS5 tokenizer "newszone" on every connection
 * when it opens, before migrating: the index (articles_fts, migration 3) and the triggers on
 * articles that keep it in step need it for every write to articles. So a program that writes
 * articles must be newszone (or register the same tokenizer); the sqlite3 shell can read.
 *
 * A query-time string that starts with NZ_SEARCH_RAW_BYTE is one index term passed through
 * untouched (related articles query by the terms the index holds); readers' queries never
 * contain that byte (the parser turns control bytes into spaces).
 *
 * The same registration adds the rank function nz_rank (search_rank.c), the connection's
 * view of the index's terms, temp.articles_fts_terms (search.c expands prefixes with it), and
 * nz_search_deferred(), which the insert trigger asks (migration 29): while a batch import
 * runs it answers 1 and the batch indexes its new articles in one statement before it commits
 * (nz__sq_search_index_after). FTS5 writes its pending terms to disk at every savepoint and at
 * every statement that opens one, so an article indexed by the trigger inside a longer
 * transaction became a segment of its own, merged again and again: about a fifth of an
 * import's time.
 *
 * Rebuilding (`newszone reindex`) empties the index and fills it again from articles in
 * batches, in one transaction, so readers see the old index or the new one, never half.
 */
#include <string.h>

#include "search/search.h"
#include "store/sqlite/sqlite_int.h"

#define REBUILD_BATCH 500

/* ---- the FTS5 tokenizer ------------------------------------------------------------------ */

typedef struct fts_sink {
	void *ctx;
	int (*token)(void *ctx, int flags, const char *token, int len, int start, int end);
} fts_sink;

static int to_fts(void *ctx, const char *term, size_t len, size_t start, size_t end)
{
	fts_sink *s = ctx;
	return s->token(s->ctx, 0, term, (int)len, (int)start, (int)end);
}

static int tok_create(void *user, const char **argv, int argc, Fts5Tokenizer **out)
{
	(void)argv;
	(void)argc;
	/* The tokenizer has no state; any non-NULL handle will do. */
	*out = (Fts5Tokenizer *)user;
	return SQLITE_OK;
}

static void tok_delete(Fts5Tokenizer *t)
{
	(void)t;
}

/* The items of the batch import running on this thread (the thread that runs its statements
 * is the one FTS5 tokenizes on), for their bodies' recorded terms; none outside a batch. */
static _Thread_local struct {
	const nz_store_import_item *items;
	size_t n, next;
} replay;

void nz__sq_search_replay(const nz_store_import_item *items, size_t n)
{
	replay.items = items;
	replay.n = n;
	replay.next = 0;
}

/* Whether text is the body of an article of the batch being imported whose terms its reader
 * recorded (nz_store_import_item.body_terms): then they are given to FTS5 (*rc its answer)
 * instead of tokenizing the text again. The batch's articles are indexed in their order, so
 * the search goes on from the last one found; a text that is no recorded body (a headline,
 * the highlights) is compared by length with the bodies left and tokenized as always. */
static bool replayed(const char *text, size_t len, fts_sink *sink, int *rc)
{
	for (size_t k = replay.next; k < replay.n; k++) {
		const nz_store_import_item *it = &replay.items[k];
		if (it->body_terms && nz_search_replay(it->body_terms, it->body_terms_len, text,
						       len, to_fts, sink, rc)) {
			replay.next = k + 1;
			return true;
		}
	}
	return false;
}

static int tok_tokenize(Fts5Tokenizer *t, void *ctx, int flags, const char *text, int len,
			int (*token)(void *, int, const char *, int, int, int))
{
	(void)t;
	if (!text || len <= 0)
		return SQLITE_OK;
	if ((flags & FTS5_TOKENIZE_QUERY) && text[0] == NZ_SEARCH_RAW_BYTE)
		return len > 1 ? token(ctx, 0, text + 1, len - 1, 0, len) : SQLITE_OK;
	fts_sink sink = {ctx, token};
	int rc = 0;
	if (!(flags & (FTS5_TOKENIZE_AUX | FTS5_TOKENIZE_QUERY)) &&
	    replayed(text, (size_t)len, &sink, &rc))
		return rc;
	/* An auxiliary function's xTokenize (xColumnSize without the docsize table; snippet()
	 * in the sqlite3 shell: the store makes its snippets in C, src/store/search.c) uses only
	 * the tokens' places: the matches come from the index. So the words are not stemmed. An
	 * auxiliary function that compared tokens with terms would need the stems. */
	if (flags & FTS5_TOKENIZE_AUX)
		return nz_search_tokenize_unstemmed(text, (size_t)len, to_fts, &sink);
	return nz_search_tokenize(text, (size_t)len, to_fts, &sink);
}

static fts5_tokenizer nz_tokenizer = {tok_create, tok_delete, tok_tokenize};
static const char tokenizer_tag[] = "newszone";

/* nz_search_deferred(): 1 while the connection's new articles wait to be indexed in bulk. */
static void search_deferred(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	(void)argc;
	(void)argv;
	const nz__sqlite *h = sqlite3_user_data(ctx);
	sqlite3_result_int(ctx, h->search_deferred);
}

nz_rc nz__sq_search_register(nz__sqlite *h, nz_err *err)
{
	sqlite3_stmt *st = NULL;
	fts5_api *api = NULL;
	int src = sqlite3_prepare_v2(h->db, "SELECT fts5(?1)", -1, &st, NULL);
	if (src == SQLITE_OK) {
		sqlite3_bind_pointer(st, 1, (void *)&api, "fts5_api_ptr", NULL);
		sqlite3_step(st);
	}
	sqlite3_finalize(st);
	if (!api)
		return nz_err_set(err, NZ_UNSUPPORTED,
				  "database: this SQLite has no FTS5, which search needs");
	src = api->xCreateTokenizer(api, "newszone", (void *)tokenizer_tag, &nz_tokenizer, NULL);
	if (src == SQLITE_OK)
		src = nz__sq_search_rank_register(api);
	/* Innocuous (no side effect), so the trigger may call it whatever trusted_schema says. */
	if (src == SQLITE_OK)
		src = sqlite3_create_function_v2(h->db, "nz_search_deferred", 0,
						 SQLITE_UTF8 | SQLITE_INNOCUOUS, h, search_deferred,
						 NULL, NULL, NULL);
	if (src == SQLITE_OK) /* the section filter's set test (search_filter.c) */
		src = nz__sq_in_set_register(h->db);
	if (src == SQLITE_OK) /* the bulk pass's public test (search_public.c) */
		src = nz__sq_public_at_register(h->db);
	/* The index's term list, which search.c reads to expand prefixes: a connection's own
	 * table in temp, so no file needs a migration for it (read-only connections too). */
	if (src == SQLITE_OK)
		src = sqlite3_exec(h->db,
				   "CREATE VIRTUAL TABLE IF NOT EXISTS temp.articles_fts_terms"
				   " USING fts5vocab(main, articles_fts, 'instance')",
				   NULL, NULL, NULL);
	return src == SQLITE_OK ? NZ_OK
				: nz__sq_error(h, src, "database: registering the tokenizer", err);
}

nz_rc nz__sq_search_index_after(nz__sqlite *h, int64_t after_id, nz_err *err)
{
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(h->db,
			       "INSERT INTO articles_fts(rowid, headline, highlights, body)"
			       " SELECT id, headline, highlights, body FROM articles_search_text"
			       " WHERE id > ?1 ORDER BY id",
			       -1, &st, NULL) ||
	    sqlite3_bind_int64(st, 1, after_id)) {
		sqlite3_finalize(st);
		return nz__sq_error(h, sqlite3_errcode(h->db), "search index", err);
	}
	nz_rc rc = nz__sq_exec(h, st, "search index", err);
	sqlite3_finalize(st);
	return rc;
}

/* ---- rebuilding -------------------------------------------------------------------------- */

static nz_rc exec_sql(nz__sqlite *h, const char *sql, nz_err *err)
{
	int src = sqlite3_exec(h->db, sql, NULL, NULL, NULL);
	return src == SQLITE_OK ? NZ_OK : nz__sq_error(h, src, "reindex", err);
}

/* Indexes the next batch of articles after *last_id; *n gets how many. */
static nz_rc index_batch(nz__sqlite *h, sqlite3_stmt *ids, sqlite3_stmt *ins, int64_t *last_id,
			 size_t *n, nz_err *err)
{
	int64_t first = 0, last = 0;
	bool row;
	nz_rc rc;
	*n = 0;
	sqlite3_reset(ids);
	sqlite3_bind_int64(ids, 1, *last_id);
	sqlite3_bind_int(ids, 2, REBUILD_BATCH);
	while (!(rc = nz__sq_step(h, ids, &row, "reindex", err)) && row) {
		last = sqlite3_column_int64(ids, 0);
		if (*n == 0)
			first = last;
		(*n)++;
	}
	sqlite3_reset(ids);
	if (rc || *n == 0)
		return rc;
	sqlite3_reset(ins);
	sqlite3_bind_int64(ins, 1, first);
	sqlite3_bind_int64(ins, 2, last);
	*last_id = last;
	return nz__sq_exec(h, ins, "reindex", err);
}

nz_rc nz__sq_search_rebuild(nz_store *s, nz_store_progress_fn progress, void *ctx, nz_err *err)
{
	nz__sqlite *h = nz__sq(s);
	sqlite3_stmt *count = NULL, *ids = NULL, *ins = NULL;
	int64_t total = 0, last_id = 0;
	size_t done = 0, n = 0;
	nz_rc rc = nz__sq_begin(h, err);
	if (rc)
		return rc;
	if (sqlite3_prepare_v2(h->db, "SELECT count(*) FROM articles", -1, &count, NULL) ||
	    sqlite3_prepare_v2(h->db, "SELECT id FROM articles WHERE id > ?1 ORDER BY id LIMIT ?2",
			       -1, &ids, NULL) ||
	    sqlite3_prepare_v2(h->db,
			       "INSERT INTO articles_fts(rowid, headline, highlights, body)"
			       " SELECT id, headline, highlights, body FROM articles_search_text"
			       " WHERE id BETWEEN ?1 AND ?2",
			       -1, &ins, NULL)) {
		rc = nz__sq_error(h, sqlite3_errcode(h->db), "reindex", err);
		goto out;
	}
	if ((rc = nz__sq_int(h, count, &total, "reindex", err)) ||
	    (rc = exec_sql(h, "INSERT INTO articles_fts(articles_fts) VALUES ('delete-all')", err)))
		goto out;
	if (progress)
		progress(ctx, 0, (size_t)total);
	do {
		if ((rc = index_batch(h, ids, ins, &last_id, &n, err)))
			goto out;
		done += n;
		if (progress && n)
			progress(ctx, done, (size_t)total > done ? (size_t)total : done);
	} while (n > 0);
	/* Merges the index into one segment: smaller and faster to query. */
	if (!(rc = exec_sql(h, "INSERT INTO articles_fts(articles_fts) VALUES ('optimize')", err)))
		rc = exec_sql(h, "DELETE FROM search_stale", err);
out:
	sqlite3_finalize(count);
	sqlite3_finalize(ids);
	sqlite3_finalize(ins);
	return nz__sq_end(h, rc, err);
}

nz_rc nz__sq_search_refresh(nz__sqlite *h, nz_err *err)
{
	sqlite3_stmt *st = NULL;
	int64_t stale = 0;
	if (sqlite3_prepare_v2(h->db, "SELECT EXISTS (SELECT 1 FROM search_stale)", -1, &st, NULL))
		return nz__sq_error(h, sqlite3_errcode(h->db), "search index", err);
	nz_rc rc = nz__sq_int(h, st, &stale, "search index", err);
	sqlite3_finalize(st);
	return rc || !stale ? rc : nz__sq_search_rebuild(&h->base, NULL, NULL, err);
}

/* Merging the index (nz_store_search_optimize) goes in steps of about 2,000 of FTS5's pages
 * (4 KB) written, each its own transaction; MERGE_STEPS_MAX bounds the loop should writes keep
 * coming. */
#define MERGE_STEP_SQL "INSERT INTO articles_fts(articles_fts, rank) VALUES ('merge', -2000)"
#define MERGE_STEPS_MAX 10000

/* One step of the merge; *worked: it found segments to merge. */
static nz_rc merge_step(nz__sqlite *h, bool *worked, nz_err *err)
{
	nz_rc rc = nz__sq_begin(h, err);
	*worked = false;
	if (rc)
		return rc;
	int64_t before = sqlite3_total_changes64(h->db);
	int src = sqlite3_exec(h->db, MERGE_STEP_SQL, NULL, NULL, NULL);
	if (src != SQLITE_OK)
		rc = nz__sq_error(h, src, "merging the search index", err);
	/* FTS5's documentation: fewer than two changes, the step found nothing to merge */
	*worked = sqlite3_total_changes64(h->db) - before >= 2;
	return nz__sq_end(h, rc, err);
}

/* Not FTS5's 'optimize', which rewrites the whole index in one transaction (at 100,000
 * articles 540 MB in the WAL, and a server on the same file unable to write for longer than
 * its busy timeout): a negative 'merge' merges every segment whatever its level, a step at a
 * time, so a writer waits one step at most and the WAL is checkpointed between steps. The end
 * is the same: one segment. */
nz_rc nz__sq_search_optimize(nz_store *s, nz_err *err)
{
	nz__sqlite *h = nz__sq(s);
	bool worked = true;
	nz_rc rc = NZ_OK;
	for (int i = 0; i < MERGE_STEPS_MAX && worked && !rc; i++)
		rc = merge_step(h, &worked, err);
	return rc;
}
