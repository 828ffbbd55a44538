/*
 * articles_history.c: what the PostgreSQL backend keeps of an article besides its current
 * version: revisions (only ever inserted; schema triggers refuse the rest) and the original
 * files it was imported from, byte for byte (sqlite/articles_history.c's twin).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/postgres/postgres_int.h"

static const nz__pg_sql q_revision_list = {
    "SELECT r.id, r.article_id, r.revision, r.user_id, u.login, r.note, r.created_at "
    "FROM revisions r LEFT JOIN users u ON u.id = r.user_id "
    "WHERE r.article_id = $1 ORDER BY r.revision DESC"};
static const nz__pg_sql q_revision_get = {
    "SELECT r.id, r.article_id, r.revision, r.user_id, u.login, r.note, r.created_at, "
    "r.snapshot FROM revisions r LEFT JOIN users u ON u.id = r.user_id "
    "WHERE r.article_id = $1 AND r.revision = $2"};
static const nz__pg_sql q_import_find = {"SELECT article_id FROM import_sources WHERE sha256 = $1"};
static const nz__pg_sql q_import_find_many = {
    "SELECT t.i, s.article_id FROM unnest($1::text[]) WITH ORDINALITY AS t(h, i) "
    "JOIN import_sources s ON s.sha256 = t.h COLLATE \"C\""};
static const nz__pg_sql q_import_add = {
    "INSERT INTO import_sources(article_id, filename, sha256, bytes, created_at) "
    "VALUES ($1, $2, $3, $4, $5)"};
/* A batch's, many rows at a time (bulk.c). */
static const nz__pg_bulk bulk_import_add = {{"INSERT INTO import_sources(article_id, filename, "
					     "sha256, bytes, created_at) SELECT * FROM unnest("
					     "$1::int8[], $2::text[], $3::text[], $4::bytea[], "
					     "$5::int8[])"},
					    "ittbi",
					    1,
					    NULL};
static const nz__pg_sql q_import_get = {
    "SELECT filename, bytes FROM import_sources WHERE article_id = $1 "
    "ORDER BY id DESC LIMIT 1"};

/* ---- revisions --------------------------------------------------------------------------- */

/* Fills the columns shared by the list and the get: id .. created_at. */
static nz_rc revision_item(nz_arena *arena, const PGresult *res, int r, void *item)
{
	nz_revision *v = item;
	v->id = nz__pg_col_int(res, r, 0);
	v->article_id = nz__pg_col_int(res, r, 1);
	v->revision = nz__pg_col_int(res, r, 2);
	v->user_id = nz__pg_col_int(res, r, 3);
	v->created_at = nz__pg_col_int(res, r, 6);
	return nz__pg_col_text(arena, res, r, 4, &v->login) ||
		       nz__pg_col_text(arena, res, r, 5, &v->note)
		   ? NZ_NOMEM
		   : NZ_OK;
}

static nz_rc revision_full(nz_arena *arena, const PGresult *res, int r, void *item)
{
	nz_revision *v = item;
	nz_rc rc = revision_item(arena, res, r, item);
	return rc ? rc : nz__pg_col_text(arena, res, r, 7, &v->snapshot);
}

nz_rc nz__pg_revision_list(nz_store *s, nz_arena *arena, int64_t article_id, nz_revision **out,
			   size_t *n, nz_err *err)
{
	nz__pg_params p = {0};
	nz__pg_int64(&p, article_id);
	return nz__pg_collect(nz__pg_h(s), &q_revision_list, &p, "revisions", sizeof(nz_revision),
			      revision_item, arena, (void **)out, n, err);
}

nz_rc nz__pg_revision_get(nz_store *s, nz_arena *arena, int64_t article_id, int64_t revision,
			  nz_revision **out, nz_err *err)
{
	nz__pg_params p = {0};
	nz_revision *items = NULL;
	size_t n = 0;
	nz_rc rc;
	nz__pg_int64(&p, article_id);
	nz__pg_int64(&p, revision);
	if ((rc = nz__pg_collect(nz__pg_h(s), &q_revision_get, &p, "revision", sizeof(nz_revision),
				 revision_full, arena, (void **)&items, &n, err)))
		return rc;
	if (n == 0)
		return nz_err_set(err, NZ_NOTFOUND, "article %lld has no revision %lld",
				  (long long)article_id, (long long)revision);
	*out = items;
	return NZ_OK;
}

/* ---- import sources ---------------------------------------------------------------------- */

nz_rc nz__pg_import_find(nz_store *s, const char *sha256_hex, int64_t *article_id, nz_err *err)
{
	nz__pg_params p = {0};
	nz__pg_text(&p, sha256_hex);
	nz_rc rc = nz__pg_one_int(nz__pg_h(s), &q_import_find, &p, article_id, "import", err);
	if (rc == NZ_NOTFOUND)
		nz_err_set(err, rc, "import: no article was made from this file");
	return rc;
}

nz_rc nz__pg_import_find_many(nz_store *s, const char *const *sha256_hex, size_t n,
			      int64_t *article_ids, nz_err *err)
{
	nz__pg_params p = {0};
	PGresult *res = NULL;
	nz_buf list;
	nz_buf_init(&list, 0);
	nz_buf_putc(&list, '{');
	for (size_t i = 0; i < n; i++)
		nz__pg_array_item(&list, sha256_hex[i], strlen(sha256_hex[i]), i == 0);
	nz_buf_putc(&list, '}');
	if (nz_buf_rc(&list)) {
		nz_buf_free(&list);
		return nz_err_set(err, NZ_NOMEM, "import: out of memory");
	}
	nz__pg_text(&p, nz_buf_cstr(&list));
	nz_rc rc = nz__pg_query(nz__pg_h(s), &q_import_find_many, &p, &res, "import", err);
	for (int r = 0; !rc && r < PQntuples(res); r++) {
		int64_t i = nz__pg_col_int(res, r, 0); /* ordinality counts from 1 */
		if (i >= 1 && (size_t)i <= n)
			article_ids[i - 1] = nz__pg_col_int(res, r, 1);
	}
	PQclear(res);
	nz_buf_free(&list);
	return rc;
}

nz_rc nz__pg_import_add(nz_store *s, int64_t article_id, const char *filename,
			const char *sha256_hex, const void *bytes, size_t len, nz_err *err)
{
	nz__pg *h = nz__pg_h(s);
	nz__pg_params p = {0};
	nz_rc rc;

	nz__pg_int64(&p, article_id);
	nz__pg_text(&p, filename);
	nz__pg_text(&p, sha256_hex);
	nz__pg_bytea(&p, bytes, len);
	nz__pg_int64(&p, nz_time_now());
	char what[96]; /* names the file: in a batch the failure is read later (pipe.c) */
	snprintf(what, sizeof(what), "import %.80s", filename);
	if ((rc = nz__pg_begin(h, err)))
		return rc;
	rc = nz__pg_run_rows(h, &q_import_add, &bulk_import_add, &p, what, err);
	if (rc == NZ_EXISTS)
		nz_err_set(err, rc, "import %.200s: this file is already stored", filename);
	return nz__pg_end(h, rc, err);
}

nz_rc nz__pg_import_get(nz_store *s, nz_arena *arena, int64_t article_id, const void **bytes,
			size_t *len, const char **filename, nz_err *err)
{
	nz__pg_params p = {0};
	PGresult *res;
	nz_rc rc;

	nz__pg_int64(&p, article_id);
	if ((rc = nz__pg_query(nz__pg_h(s), &q_import_get, &p, &res, "import", err)))
		return rc;
	if (PQntuples(res) < 1)
		rc = nz_err_set(err, NZ_NOTFOUND, "import: article %lld was not imported",
				(long long)article_id);
	else if (nz__pg_col_text(arena, res, 0, 0, filename) ||
		 nz__pg_col_bytea(arena, res, 0, 1, bytes, len))
		rc = nz_err_set(err, NZ_NOMEM, "import: out of memory");
	PQclear(res);
	return rc;
}

/* ---- items of multi-item imports ---------------------------------------------------------- */

/* Migration 4 (SQLite's 8): see sqlite/schema.c. */
const char nz__pg_4_import_items[] =
    "CREATE TABLE import_items ("
    " key TEXT COLLATE \"C\" PRIMARY KEY,"
    " article_id BIGINT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,"
    " sha256 TEXT COLLATE \"C\" NOT NULL,"
    " comments BIGINT NOT NULL DEFAULT 0,"
    " updated_at BIGINT NOT NULL);"
    "CREATE INDEX import_items_article ON import_items(article_id);"
    "CREATE TABLE url_redirects ("
    " path TEXT COLLATE \"C\" PRIMARY KEY,"
    " target TEXT COLLATE \"C\" NOT NULL,"
    " created_at BIGINT NOT NULL);"
    "CREATE TABLE wire_feeds ("
    " id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,"
    " url TEXT COLLATE \"C\" NOT NULL UNIQUE,"
    " format TEXT COLLATE \"C\" NOT NULL CHECK (format IN ('rss', 'atom', 'ninjs')),"
    " section_slug TEXT COLLATE \"C\","
    " every_s BIGINT NOT NULL,"
    " etag TEXT COLLATE \"C\","
    " last_modified TEXT COLLATE \"C\","
    " polled_at BIGINT,"
    " last_error TEXT COLLATE \"C\","
    " taken BIGINT NOT NULL DEFAULT 0,"
    " created_at BIGINT NOT NULL);";

static const nz__pg_sql q_import_item_find = {
    "SELECT article_id, sha256 FROM import_items WHERE key = $1"};
static const nz__pg_sql q_import_item_put = {
    "INSERT INTO import_items(key, article_id, sha256, comments, updated_at) "
    "VALUES ($1, $2, $3, $4, $5) ON CONFLICT (key) DO UPDATE SET "
    "article_id = excluded.article_id, sha256 = excluded.sha256, "
    "comments = excluded.comments, updated_at = excluded.updated_at"};

nz_rc nz__pg_import_item_find(nz_store *s, nz_arena *arena, const char *key, int64_t *article_id,
			      const char **sha256_hex, nz_err *err)
{
	nz__pg_params p = {0};
	PGresult *res;
	nz_rc rc;

	nz__pg_text(&p, key);
	if ((rc = nz__pg_query(nz__pg_h(s), &q_import_item_find, &p, &res, "import item", err)))
		return rc;
	if (PQntuples(res) < 1) {
		rc = nz_err_set(err, NZ_NOTFOUND, "import item: none with this key");
	} else {
		*article_id = nz__pg_col_int(res, 0, 0);
		if (nz__pg_col_text(arena, res, 0, 1, sha256_hex) || !*sha256_hex)
			rc = nz_err_set(err, NZ_NOMEM, "import item: out of memory");
	}
	PQclear(res);
	return rc;
}

nz_rc nz__pg_import_item_put(nz_store *s, const char *key, int64_t article_id,
			     const char *sha256_hex, int64_t comments, nz_err *err)
{
	nz__pg_params p = {0};
	nz__pg_text(&p, key);
	nz__pg_int64(&p, article_id);
	nz__pg_text(&p, sha256_hex);
	nz__pg_int64(&p, comments);
	nz__pg_int64(&p, nz_time_now());
	return nz__pg_run(nz__pg_h(s), &q_import_item_put, &p, "import item", err);
}

/* The batch's transaction: the row triggers of the change feed off (schema_feed.c), and the
 * long values (bodies, revisions' snapshots, original files) compressed with lz4 when the
 * server has it: pglz was a sixth of the server's time on an import; readers see no
 * difference (each value says how it is compressed). */
static const nz__pg_sql q_batch_on = {
    "SELECT set_config('nz.batch', 'on', true), CASE WHEN EXISTS(SELECT 1 FROM pg_settings "
    "WHERE name = 'default_toast_compression' AND 'lz4' = ANY(enumvals)) "
    "THEN set_config('default_toast_compression', 'lz4', true) END"};
/* The change-feed keys of the batch's visible articles, as their row triggers would have
 * written them (the article's own keys, its tags', authors' and section's, its translations'):
 * nz_article_keys and nz_article_row_keys (schema_feed.c) for all of them at once, joined
 * rather than called an article at a time (that was a tenth of the server's time). */
static const nz__pg_sql q_batch_keys = {
    "SELECT nz_changes_add(ARRAY(WITH a AS (SELECT id, section_id, translation_group "
    "FROM articles WHERE id = ANY($1::bigint[]) AND status IN ('published', 'retracted')) "
    "SELECT 'article-' || a.id FROM a UNION SELECT 'front' FROM a "
    "UNION SELECT 'tag-' || l.tag_id FROM article_tags l JOIN a ON l.article_id = a.id "
    "UNION SELECT 'author-' || l.author_id FROM article_authors l JOIN a ON l.article_id = a.id "
    "UNION SELECT 'corrections' FROM corrections l JOIN a ON l.article_id = a.id "
    "UNION SELECT 'section-' || a.section_id FROM a WHERE a.section_id IS NOT NULL "
    "UNION SELECT 'article-' || o.id FROM articles o JOIN a "
    "ON o.translation_group = a.translation_group AND o.id <> a.id "
    "UNION SELECT 'article-' || o.id FROM articles o JOIN a "
    "ON o.translation_group = a.id AND o.id <> a.id "
    "UNION SELECT 'article-' || a.translation_group FROM a "
    "WHERE a.translation_group IS NOT NULL AND a.translation_group <> a.id))"};

/* The ids of the items stored, as a PostgreSQL array literal. */
static char *stored_ids(const nz_store_import_item *items, size_t n)
{
	nz_buf b;
	nz_buf_init(&b, 0);
	nz_buf_putc(&b, '{');
	for (size_t i = 0; i < n; i++)
		if (items[i].rc == NZ_OK && items[i].article->id)
			nz_buf_printf(&b, "%s%lld", b.len > 1 ? "," : "",
				      (long long)items[i].article->id);
	nz_buf_putc(&b, '}');
	char *ids = nz_buf_rc(&b) ? NULL : strdup(nz_buf_cstr(&b));
	nz_buf_free(&b);
	return ids;
}

/* Looks up the slugs the batch's articles come with, at once (an article without one gets it
 * made from its headline later and is looked up then), and their stored sections and tags. */
static nz_rc batch_slugs(nz__pg *h, nz_arena *arena, const nz_store_import_item *items, size_t n,
			 nz_err *err)
{
	const char **slugs = nz_arena_alloc(arena, (n ? n : 1) * sizeof(*slugs));
	nz_article **articles = nz_arena_alloc(arena, (n ? n : 1) * sizeof(*articles));
	size_t k = 0;
	nz_rc rc;
	if (!slugs || !articles)
		return nz_err_set(err, NZ_NOMEM, "import: out of memory");
	for (size_t i = 0; i < n; i++) {
		articles[i] = items[i].article;
		if (items[i].article->slug && *items[i].article->slug)
			slugs[k++] = items[i].article->slug;
	}
	rc = nz__pg_pipe_slugs_load(h, slugs, k, err);
	return rc ? rc : nz__pg_catalog_preload(h, arena, articles, n, err);
}

/* The batch inside its own transaction: the per-row change-feed triggers off (migration 13),
 * the writes deferred (pipe.c; optimistic: the items' own commits too), then the feed's keys
 * for all its articles at once. *redo: a statement failed in the optimistic pipe. */
static nz_rc batch_tx(nz__pg *h, nz_arena *arena, nz_store_import_item *items, size_t n,
		      bool optimistic, bool *redo, nz_err *err)
{
	nz_rc rc = nz__pg_run(h, &q_batch_on, NULL, "import: batch", err);
	if (!rc && !(rc = nz__pg_pipe_start(h, optimistic, err))) {
		rc = batch_slugs(h, arena, items, n, err);
		if (!rc)
			rc = nz__store_import_batch_each(&h->base, arena, items, n, err);
		if (!rc)
			rc = nz__pg_pipe_flush(h, err);
		*redo = nz__pg_pipe_failed(h);
		if (*redo && !rc)
			rc = nz_err_set(err, NZ_DB, "import: the batch is redone a file at a time");
		nz_err stop_err = {0};
		nz_rc stop = nz__pg_pipe_stop(h, &stop_err);
		if (!rc && stop)
			*err = stop_err;
		rc = rc ? rc : stop;
	}
	char *ids = rc ? NULL : stored_ids(items, n);
	if (!rc && !ids)
		rc = nz_err_set(err, NZ_NOMEM, "import: out of memory");
	if (!rc) {
		nz__pg_params p = {0};
		nz__pg_text(&p, ids);
		rc = nz__pg_run(h, &q_batch_keys, &p, "import: change feed", err);
	}
	free(ids);
	return rc;
}

/* What the store fills in of the items' articles (their own fields, their media's ids), so a
 * batch rolled back can run again from where it started. */
typedef struct item_saved {
	nz_article article;
	int64_t *media_ids;
} item_saved;

static item_saved *items_save(nz_arena *arena, const nz_store_import_item *items, size_t n)
{
	item_saved *saved = nz_arena_alloc(arena, n * sizeof(*saved));
	for (size_t i = 0; saved && i < n; i++) {
		const nz_article *a = items[i].article;
		saved[i].article = *a;
		saved[i].media_ids = nz_arena_alloc(arena, (a->n_media + 1) * sizeof(int64_t));
		if (!saved[i].media_ids)
			return NULL;
		for (size_t m = 0; m < a->n_media; m++)
			saved[i].media_ids[m] = a->media[m].id;
	}
	return saved;
}

static void items_restore(const item_saved *saved, nz_store_import_item *items, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		nz_article *a = items[i].article;
		*a = saved[i].article;
		for (size_t m = 0; m < a->n_media; m++)
			a->media[m].id = saved[i].media_ids[m];
		items[i].rc = NZ_OK;
		items[i].err = (nz_err){0};
	}
}

static nz_rc batch_run(nz__pg *h, nz_arena *arena, nz_store_import_item *items, size_t n,
		       bool optimistic, bool *redo, nz_err *err)
{
	*redo = false;
	nz_rc rc = nz__pg_begin(h, err);
	if (rc)
		return rc;
	return nz__pg_end(h, batch_tx(h, arena, items, n, optimistic, redo, err), err);
}

/* The batch first optimistically: nothing waits for a file's end, answers are read only when a
 * statement needs one. A failure there cannot be told apart by file, so the batch is rolled
 * back and run again with each file's end checked, which names the file (as before). */
nz_rc nz__pg_import_batch(nz_store *s, nz_arena *arena, nz_store_import_item *items, size_t n,
			  nz_err *err)
{
	nz__pg *h = nz__pg_h(s);
	if (nz__pg_pipe_on(h)) /* a batch inside a batch: the outer one defers already */
		return nz__store_import_batch_each(s, arena, items, n, err);
	item_saved *saved = items_save(arena, items, n);
	bool redo = false;
	nz_rc rc = batch_run(h, arena, items, n, saved != NULL, &redo, err);
	if (redo) {
		items_restore(saved, items, n);
		*err = (nz_err){0};
		rc = batch_run(h, arena, items, n, false, &redo, err);
	}
	for (size_t i = 0; rc && i < n; i++) { /* nothing of the batch was kept */
		items[i].rc = rc;
		items[i].err = *err;
		items[i].article->id = 0;
	}
	return rc;
}
