/*
 * articles_history.c: what the SQLite backend keeps of an article besides its current
 * version: revisions (only ever inserted; schema triggers refuse the rest) and the original
 * files it was imported from, byte for byte.
 */
#include <string.h>

#include "store/sqlite/sqlite_int.h"

/* Page cache sizes (negative: KiB): a batch import's, and every connection's otherwise. */
#define NZ__IMPORT_CACHE "-65536"
#define NZ__DEFAULT_CACHE "-2000"

/* ---- revisions --------------------------------------------------------------------------- */

/* Fills the columns shared by the list and the get: id .. created_at. */
static nz_rc revision_item(nz_arena *arena, sqlite3_stmt *st, void *item)
{
	nz_revision *r = item;
	r->id = sqlite3_column_int64(st, 0);
	r->article_id = sqlite3_column_int64(st, 1);
	r->revision = sqlite3_column_int64(st, 2);
	r->user_id = sqlite3_column_int64(st, 3);
	r->created_at = sqlite3_column_int64(st, 6);
	return nz__sq_col_text(arena, st, 4, &r->login) || nz__sq_col_text(arena, st, 5, &r->note)
		   ? NZ_NOMEM
		   : NZ_OK;
}

static nz_rc revision_full(nz_arena *arena, sqlite3_stmt *st, void *item)
{
	nz_revision *r = item;
	nz_rc rc = revision_item(arena, st, item);
	return rc ? rc : nz__sq_col_text(arena, st, 7, &r->snapshot);
}

nz_rc nz__sq_revision_list(nz_store *s, nz_arena *arena, int64_t article_id, nz_revision **out,
			   size_t *n, nz_err *err)
{
	nz__sqlite *h = nz__sq(s);
	sqlite3_stmt *st;
	nz_rc rc = nz__sq_stmt(h, SQ_REVISION_LIST, &st, err);
	if (rc)
		return rc;
	if (sqlite3_bind_int64(st, 1, article_id))
		return nz__sq_bind_error(h, "revisions", err);
	return nz__sq_collect(h, st, "revisions", sizeof(nz_revision), revision_item, arena,
			      (void **)out, n, err);
}

nz_rc nz__sq_revision_get(nz_store *s, nz_arena *arena, int64_t article_id, int64_t revision,
			  nz_revision **out, nz_err *err)
{
	nz__sqlite *h = nz__sq(s);
	sqlite3_stmt *st;
	nz_revision *items = NULL;
	size_t n = 0;
	nz_rc rc = nz__sq_stmt(h, SQ_REVISION_GET, &st, err);
	if (rc)
		return rc;
	if (sqlite3_bind_int64(st, 1, article_id) || sqlite3_bind_int64(st, 2, revision))
		return nz__sq_bind_error(h, "revision", err);
	if ((rc = nz__sq_collect(h, st, "revision", sizeof(nz_revision), revision_full, arena,
				 (void **)&items, &n, err)))
		return rc;
	if (n == 0)
		return nz_err_set(err, NZ_NOTFOUND, "article %lld has no revision %lld",
				  (long long)article_id, (long long)revision);
	*out = items;
	return NZ_OK;
}

/* ---- import sources ---------------------------------------------------------------------- */

nz_rc nz__sq_import_find(nz_store *s, const char *sha256_hex, int64_t *article_id, nz_err *err)
{
	nz__sqlite *h = nz__sq(s);
	sqlite3_stmt *st;
	nz_rc rc;

	if ((rc = nz__sq_stmt(h, SQ_IMPORT_FIND, &st, err)))
		return rc;
	if (nz__sq_bind_text(st, 1, sha256_hex))
		return nz__sq_bind_error(h, "import", err);
	rc = nz__sq_int(h, st, article_id, "import", err);
	if (rc == NZ_NOTFOUND)
		nz_err_set(err, rc, "import: no article was made from this file");
	return rc;
}

nz_rc nz__sq_import_find_many(nz_store *s, const char *const *sha256_hex, size_t n,
			      int64_t *article_ids, nz_err *err)
{
	for (size_t i = 0; i < n; i++) { /* no round trips in SQLite: one at a time is as fast */
		nz_rc rc = nz__sq_import_find(s, sha256_hex[i], &article_ids[i], err);
		if (rc == NZ_NOTFOUND)
			*err = (nz_err){0};
		else if (rc)
			return rc;
	}
	return NZ_OK;
}

nz_rc nz__sq_import_add(nz_store *s, int64_t article_id, const char *filename,
			const char *sha256_hex, const void *bytes, size_t len, nz_err *err)
{
	nz__sqlite *h = nz__sq(s);
	sqlite3_stmt *st;
	nz_rc rc;

	if ((rc = nz__sq_stmt(h, SQ_IMPORT_ADD, &st, err)))
		return rc;
	if (sqlite3_bind_int64(st, 1, article_id) || nz__sq_bind_text(st, 2, filename) ||
	    nz__sq_bind_text(st, 3, sha256_hex) ||
	    sqlite3_bind_blob64(st, 4, bytes, len, SQLITE_STATIC) ||
	    sqlite3_bind_int64(st, 5, nz_time_now()))
		return nz__sq_bind_error(h, "import", err);
	if ((rc = nz__sq_begin(h, err)))
		return rc;
	rc = nz__sq_exec(h, st, "import", err);
	if (rc == NZ_EXISTS)
		nz_err_set(err, rc, "import %.200s: this file is already stored", filename);
	return nz__sq_end(h, rc, err);
}

nz_rc nz__sq_import_get(nz_store *s, nz_arena *arena, int64_t article_id, const void **bytes,
			size_t *len, const char **filename, nz_err *err)
{
	nz__sqlite *h = nz__sq(s);
	sqlite3_stmt *st;
	bool row = false;
	nz_rc rc;

	if ((rc = nz__sq_stmt(h, SQ_IMPORT_GET, &st, err)))
		return rc;
	if (sqlite3_bind_int64(st, 1, article_id))
		return nz__sq_bind_error(h, "import", err);
	if ((rc = nz__sq_step(h, st, &row, "import", err)))
		return rc;
	if (!row)
		rc = nz_err_set(err, NZ_NOTFOUND, "import: article %lld was not imported",
				(long long)article_id);
	else if (nz__sq_col_text(arena, st, 0, filename) ||
		 nz__sq_col_blob(arena, st, 1, bytes, len))
		rc = nz_err_set(err, NZ_NOMEM, "import: out of memory");
	sqlite3_reset(st);
	return rc;
}

/* ---- items of multi-item imports ---------------------------------------------------------- */

nz_rc nz__sq_import_item_find(nz_store *s, nz_arena *arena, const char *key, int64_t *article_id,
			      const char **sha256_hex, nz_err *err)
{
	nz__sqlite *h = nz__sq(s);
	sqlite3_stmt *st;
	bool row = false;
	nz_rc rc = nz__sq_stmt(h, SQ_IMPORT_ITEM_FIND, &st, err);
	if (rc)
		return rc;
	if (nz__sq_bind_text(st, 1, key))
		return nz__sq_bind_error(h, "import item", err);
	if ((rc = nz__sq_step(h, st, &row, "import item", err)))
		return rc;
	if (!row) {
		rc = nz_err_set(err, NZ_NOTFOUND, "import item: none with this key");
	} else {
		*article_id = sqlite3_column_int64(st, 0);
		if (nz__sq_col_text(arena, st, 1, sha256_hex) || !*sha256_hex)
			rc = nz_err_set(err, NZ_NOMEM, "import item: out of memory");
	}
	sqlite3_reset(st);
	return rc;
}

nz_rc nz__sq_import_item_put(nz_store *s, const char *key, int64_t article_id,
			     const char *sha256_hex, int64_t comments, nz_err *err)
{
	nz__sqlite *h = nz__sq(s);
	sqlite3_stmt *st;
	nz_rc rc = nz__sq_stmt(h, SQ_IMPORT_ITEM_PUT, &st, err);
	if (rc)
		return rc;
	if (nz__sq_bind_text(st, 1, key) || sqlite3_bind_int64(st, 2, article_id) ||
	    nz__sq_bind_text(st, 3, sha256_hex) || sqlite3_bind_int64(st, 4, comments) ||
	    sqlite3_bind_int64(st, 5, nz_time_now()))
		return nz__sq_bind_error(h, "import item", err);
	return nz__sq_exec(h, st, "import item", err);
}

/* Fixed SQL run once a batch (not worth a cache slot). */
static nz_rc exec_sql(nz__sqlite *h, const char *sql, nz_err *err)
{
	int src = sqlite3_exec(h->db, sql, NULL, NULL, NULL);
	return src == SQLITE_OK ? NZ_OK : nz__sq_error(h, src, "media index", err);
}

/* The batch's articles and photos indexed for search, one statement each: the articles from its
 * first stored article on (ids grow, and the write lock is held, so every article above it is
 * the batch's; an item rolled back left no row), the photos above the id defer_media noted;
 * then the note goes. */
static nz_rc index_batch(nz_store *s, const nz_store_import_item *items, size_t n, nz_err *err)
{
	nz__sqlite *h = nz__sq(s);
	int64_t first = 0;
	for (size_t i = 0; i < n; i++)
		if (items[i].rc == NZ_OK && items[i].article->id &&
		    (!first || items[i].article->id < first))
			first = items[i].article->id;
	nz_rc rc = first ? nz__sq_search_index_after(h, first - 1, err) : NZ_OK;
	if (!rc)
		rc = exec_sql(
		    h,
		    "INSERT INTO media_fts(rowid, caption, credit, alt, filename)"
		    " SELECT id, caption, credit, alt, filename FROM media"
		    " WHERE id > (SELECT max(after_id) FROM media_fts_deferred) ORDER BY id;"
		    "DELETE FROM media_fts_deferred",
		    err);
	return rc;
}

/* Before the batch's items, inside its transaction (so no other writer's photo comes between):
 * the highest photo id, above which the media triggers leave the batch's photos to
 * index_batch (schema.c, migration 31). */
static nz_rc defer_media(nz_store *s, const nz_store_import_item *items, size_t n, nz_err *err)
{
	(void)items;
	(void)n;
	return exec_sql(
	    nz__sq(s),
	    "DELETE FROM media_fts_deferred;"
	    "INSERT INTO media_fts_deferred(after_id) SELECT COALESCE(max(id), 0) FROM media",
	    err);
}

/* The batch in one transaction with its search indexes fed once, after its articles: the insert
 * triggers defer while the items are stored (search_fts.c says why), and the bodies' terms the
 * caller recorded are replayed rather than tokenized again; the sections, authors and tags it
 * ensures are remembered for the batch (catalog_memo.c). */
nz_rc nz__sq_import_batch(nz_store *s, nz_arena *arena, nz_store_import_item *items, size_t n,
			  nz_err *err)
{
	nz__sqlite *h = nz__sq(s);
	bool deferred = h->search_deferred;
	h->search_deferred = true;
	nz__sq_search_replay(items, n);
	nz__sq_memo_start(h);
	/* A batch writes many megabytes of pages (indexes, revisions, the search index): with
	 * SQLite's default cache of 2 MB it spills them to the WAL mid-batch and reads them back.
	 * For the batch only, so a server's connections keep their small cache. */
	(void)sqlite3_exec(h->db, "PRAGMA cache_size = " NZ__IMPORT_CACHE, NULL, NULL, NULL);
	nz_rc rc = nz__store_import_batch_then(s, arena, items, n, defer_media, index_batch, err);
	(void)sqlite3_exec(h->db, "PRAGMA cache_size = " NZ__DEFAULT_CACHE, NULL, NULL, NULL);
	nz__sq_memo_stop(h);
	nz__sq_search_replay(NULL, 0);
	h->search_deferred = deferred;
	return rc;
}
