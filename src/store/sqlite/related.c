/*
 * related.c: related articles as data on SQLite (store.h, "related articles as data"; the
 * `related` table of migration 22): an article's stored list read back as light cards in one
 * query, replaced in one transaction, and the articles whose list is missing or stale.
 *
 * Rules: public-ness is decided here at read time (published, embargo and publication time
 * passed), so a list never shows an article that left the site; such a list is stale and the
 * caller computes it again. Statements are prepared once per handle (slots NZ__SLOT_RELATED + 3..).
 */
#include <string.h>

#include "store/sqlite/sqlite_int.h"

#define PUBLIC_AT(t, now)                                                                          \
	t ".status = 'published' AND (" t ".embargo_until IS NULL OR " t ".embargo_until <= " now  \
	  ") AND " t ".published_at IS NOT NULL AND " t ".published_at <= " now

/* Columns 0..10: the lead photo as nz__sq_media_row reads it; then the row and its article. */
static const char q_stored[] =
    "SELECT m.id, m.hash, m.mime, m.caption, m.credit, m.alt, m.width, m.height, m.focal_x,"
    " m.focal_y, m.filename,"
    " r.position, r.basis, a.id, a.slug, a.language, a.status, a.headline, a.published_at,"
    " a.updated_at, s.id, s.slug, s.name, s.position"
    " FROM related r"
    " LEFT JOIN articles a ON a.id = r.related_id AND " PUBLIC_AT(
	"a", "?2") " LEFT JOIN sections s ON s.id = a.section_id"
		   " LEFT JOIN media m ON m.id = (SELECT am.media_id FROM article_media am"
		   "  WHERE am.article_id = a.id ORDER BY am.position LIMIT 1)"
		   " WHERE r.article_id = ?1 ORDER BY r.position";
/* With the empty list's row (position -1): an empty list is a list, and one replacing it changes
 * the page that showed it. */
static const char q_ids[] =
    "SELECT position, related_id FROM related WHERE article_id = ?1 ORDER BY position";
static const char q_clear[] = "DELETE FROM related WHERE article_id = ?1";
static const char q_insert[] =
    "INSERT INTO related(article_id, position, related_id, basis) VALUES (?1, ?2, ?3, ?4)";
static const char q_changed[] =
    "INSERT INTO changes(key, at) VALUES ('related-' || ?1, CAST(strftime('%s', 'now') AS "
    "INTEGER))";
/* Missing: no row for the article's basis; stale: a row whose article is not public. Whether a
 * listed article is public is read from articles_search_filter (id, status, published_at,
 * embargo_until, ...), which holds it all: the row itself would be read past its body (those
 * columns come after body_markdown), an overflow page or two for each of the ~5 articles of
 * every list, which made this scan twice as slow at 100,000 articles (bench/RESULTS.md). */
static const char q_pending[] = "SELECT a.id FROM articles a WHERE " PUBLIC_AT(
    "a", "?1") " AND (?2"
	       " OR NOT EXISTS (SELECT 1 FROM related r WHERE r.article_id = a.id"
	       "  AND r.basis = a.revision)"
	       " OR EXISTS (SELECT 1 FROM related r"
	       "  LEFT JOIN articles b INDEXED BY articles_search_filter ON b.id = r.related_id"
	       "  AND " PUBLIC_AT("b", "?1") " WHERE r.article_id = a.id AND r.position >= 0"
					     "  AND b.id IS NULL)) ORDER BY a.id";

enum { S_STORED = 3, S_IDS, S_CLEAR, S_INSERT, S_CHANGED };
_Static_assert(S_CHANGED < NZ__RELATED_STMTS, "sqlite_int.h counts these slots");

/* One card from a row of q_stored (its article is public). */
static nz_rc card_row(nz_arena *arena, sqlite3_stmt *st, nz_article *a)
{
	const char *status = NULL;
	a->id = sqlite3_column_int64(st, 13);
	a->published_at = sqlite3_column_int64(st, 18);
	a->updated_at = sqlite3_column_int64(st, 19);
	if (nz__sq_col_text(arena, st, 14, &a->slug) ||
	    nz__sq_col_text(arena, st, 15, &a->language) ||
	    nz__sq_col_text(arena, st, 16, &status) || nz__sq_col_text(arena, st, 17, &a->headline))
		return NZ_NOMEM;
	if (status)
		(void)nz_status_parse(nz_str_c(status), &a->status);
	if (sqlite3_column_type(st, 20) != SQLITE_NULL) {
		nz_section *sec = nz_arena_zalloc(arena, sizeof(*sec));
		if (!sec || nz__sq_col_text(arena, st, 21, &sec->slug) ||
		    nz__sq_col_text(arena, st, 22, &sec->name))
			return NZ_NOMEM;
		sec->id = sqlite3_column_int64(st, 20);
		sec->position = sqlite3_column_int(st, 23);
		a->section = sec;
	}
	if (sqlite3_column_type(st, 0) != SQLITE_NULL) {
		if (!(a->media = nz_arena_zalloc(arena, sizeof(*a->media))) ||
		    nz__sq_media_row(arena, st, a->media))
			return NZ_NOMEM;
		a->n_media = 1;
	}
	return NZ_OK;
}

nz_rc nz__sq_related_stored(nz_store *s, nz_arena *arena, int64_t article_id, int64_t basis,
			    nz_time now, size_t max, nz_article_list *out, nz_related_state *state,
			    nz_err *err)
{
	nz__sqlite *h = nz__sq(s);
	sqlite3_stmt *st = NULL;
	bool row = false, any = false, stale = false;
	nz_rc rc = nz__sq_cached(h, NZ__SLOT_RELATED + S_STORED, q_stored, &st, err);
	if (rc)
		return rc;
	if (!(out->items = nz_arena_zalloc(arena, max * sizeof(*out->items))))
		return nz_err_set(err, NZ_NOMEM, "related articles: out of memory");
	if (sqlite3_bind_int64(st, 1, article_id) || sqlite3_bind_int64(st, 2, now))
		return nz__sq_bind_error(h, "related articles", err);
	while (!(rc = nz__sq_step(h, st, &row, "related articles", err)) && row) {
		any = true;
		if (sqlite3_column_int64(st, 12) != basis)
			stale = true;
		if (sqlite3_column_int64(st, 11) < 0) /* the empty list's row */
			continue;
		if (sqlite3_column_type(st, 13) == SQLITE_NULL) { /* left the site */
			stale = true;
			continue;
		}
		if (out->n < max && card_row(arena, st, &out->items[out->n++])) {
			rc = nz_err_set(err, NZ_NOMEM, "related articles: out of memory");
			break;
		}
	}
	sqlite3_reset(st);
	if (rc) {
		memset(out, 0, sizeof(*out));
		return rc;
	}
	out->total = out->n;
	*state = !any ? NZ_RELATED_NONE : stale ? NZ_RELATED_STALE : NZ_RELATED_FRESH;
	return NZ_OK;
}

/* Whether the stored list of article_id is there and differs from ids[0..n). */
static nz_rc list_differs(nz__sqlite *h, int64_t article_id, const int64_t *ids, size_t n,
			  bool *differs, nz_err *err)
{
	sqlite3_stmt *st = NULL;
	bool row = false, any = false;
	size_t i = 0;
	nz_rc rc = nz__sq_cached(h, NZ__SLOT_RELATED + S_IDS, q_ids, &st, err);
	*differs = false;
	if (rc)
		return rc;
	if (sqlite3_bind_int64(st, 1, article_id))
		return nz__sq_bind_error(h, "related articles", err);
	while (!(rc = nz__sq_step(h, st, &row, "related articles", err)) && row) {
		any = true;
		if (sqlite3_column_int64(st, 0) < 0) /* the empty list's row */
			continue;
		if (i >= n || sqlite3_column_int64(st, 1) != ids[i])
			*differs = true;
		i++;
	}
	sqlite3_reset(st);
	/* A first list changes no page: the page showed what was computed live, the same. */
	*differs = any && (*differs || i != n);
	return rc;
}

static nz_rc insert_row(nz__sqlite *h, int64_t article_id, int64_t pos, int64_t related,
			int64_t basis, nz_err *err)
{
	sqlite3_stmt *st = NULL;
	nz_rc rc = nz__sq_cached(h, NZ__SLOT_RELATED + S_INSERT, q_insert, &st, err);
	if (rc)
		return rc;
	if (sqlite3_bind_int64(st, 1, article_id) || sqlite3_bind_int64(st, 2, pos) ||
	    nz__sq_bind_opt_int(st, 3, related) || sqlite3_bind_int64(st, 4, basis))
		rc = nz__sq_bind_error(h, "related articles", err);
	else
		rc = nz__sq_exec(h, st, "related articles", err);
	sqlite3_reset(st);
	return rc;
}

/* Runs the cached one-parameter statement of slot with article_id. */
static nz_rc run_id(nz__sqlite *h, int slot, const char *sql, int64_t article_id, nz_err *err)
{
	sqlite3_stmt *st = NULL;
	nz_rc rc = nz__sq_cached(h, NZ__SLOT_RELATED + slot, sql, &st, err);
	if (rc)
		return rc;
	if (sqlite3_bind_int64(st, 1, article_id))
		rc = nz__sq_bind_error(h, "related articles", err);
	else
		rc = nz__sq_exec(h, st, "related articles", err);
	sqlite3_reset(st);
	return rc;
}

nz_rc nz__sq_related_set(nz_store *s, int64_t article_id, int64_t basis, const int64_t *ids,
			 size_t n, nz_err *err)
{
	nz__sqlite *h = nz__sq(s);
	bool differs = false;
	nz_rc rc = nz__sq_begin(h, err);
	if (rc)
		return rc;
	/* A list changes no article's words: the frequencies counted so far still hold. */
	bool keep_df = nz__sq_df_cache_current(h);
	if ((rc = list_differs(h, article_id, ids, n, &differs, err)) ||
	    (rc = run_id(h, S_CLEAR, q_clear, article_id, err)))
		goto out;
	if (n == 0)
		rc = insert_row(h, article_id, -1, 0, basis, err);
	for (size_t i = 0; i < n && !rc; i++)
		rc = insert_row(h, article_id, (int64_t)i, ids[i], basis, err);
	if (!rc && differs)
		rc = run_id(h, S_CHANGED, q_changed, article_id, err);
	if (!rc && keep_df)
		nz__sq_df_cache_keep(h);
out:
	return nz__sq_end(h, rc, err);
}

nz_rc nz__sq_related_note_live(nz_store *s, nz_err *err)
{
	nz__sqlite *h = nz__sq(s);
	nz_rc rc = nz__sq_begin(h, err);
	if (rc)
		return rc;
	bool keep_df = nz__sq_df_cache_current(h);    /* as in nz__sq_related_set */
	rc = run_id(h, S_CHANGED, q_changed, 0, err); /* NZ_STORE_RELATED_LIVE_KEY */
	if (!rc && keep_df)
		nz__sq_df_cache_keep(h);
	return nz__sq_end(h, rc, err);
}

nz_rc nz__sq_related_pending(nz_store *s, nz_arena *arena, nz_time now, bool all, int64_t **ids,
			     size_t *n, nz_err *err)
{
	nz__sqlite *h = nz__sq(s);
	sqlite3_stmt *st = NULL;
	nz_buf b;
	bool row = false;
	nz_rc rc;
	*ids = NULL;
	*n = 0;
	if (sqlite3_prepare_v2(h->db, q_pending, -1, &st, NULL) != SQLITE_OK)
		return nz__sq_error(h, sqlite3_errcode(h->db), "related articles", err);
	nz_buf_init(&b, 0);
	sqlite3_bind_int64(st, 1, now);
	sqlite3_bind_int(st, 2, all ? 1 : 0);
	while (!(rc = nz__sq_step(h, st, &row, "related articles", err)) && row) {
		int64_t id = sqlite3_column_int64(st, 0);
		nz_buf_append(&b, &id, sizeof(id));
	}
	sqlite3_finalize(st);
	if (!rc && nz_buf_rc(&b))
		rc = nz_err_set(err, NZ_NOMEM, "related articles: out of memory");
	if (!rc && b.len) {
		if (!(*ids = nz_arena_alloc(arena, b.len)))
			rc = nz_err_set(err, NZ_NOMEM, "related articles: out of memory");
		else {
			memcpy(*ids, b.p, b.len);
			*n = b.len / sizeof(int64_t);
		}
	}
	nz_buf_free(&b);
	return rc;
}
