/*
 * related.c: related articles as data on PostgreSQL (store.h, "related articles as data"; the
 * `related` table of migration 19), as SQLite's sqlite/related.c: an article's stored list read
 * back as light cards in one query, replaced in one transaction, and the articles whose list is
 * missing or stale.
 *
 * Rules: public-ness is decided at read time, so a list never shows an article that left the
 * site; such a list is stale and the caller computes it again.
 */
#include <string.h>

#include "store/postgres/postgres_int.h"

#define PUBLIC_AT(t, now)                                                                          \
	t ".status = 'published' AND (" t ".embargo_until IS NULL OR " t ".embargo_until <= " now  \
	  ") AND " t ".published_at IS NOT NULL AND " t ".published_at <= " now

/* Columns 0..10: the lead photo as nz__pg_media_row reads it; then the row and its article. */
static const nz__pg_sql q_stored = {
    "SELECT m.id, m.hash, m.mime, m.caption, m.credit, m.alt, m.width, m.height, m.focal_x,"
    " m.focal_y, m.filename,"
    " r.position, r.basis, a.id, a.slug, a.language, a.status, a.headline, a.published_at,"
    " a.updated_at, s.id, s.slug, s.name, s.position"
    " FROM related r"
    " LEFT JOIN articles a ON a.id = r.related_id AND " PUBLIC_AT(
	"a", "$2::bigint") " LEFT JOIN sections s ON s.id = a.section_id"
			   " LEFT JOIN media m ON m.id = (SELECT am.media_id FROM article_media am"
			   "  WHERE am.article_id = a.id ORDER BY am.position LIMIT 1)"
			   " WHERE r.article_id = $1 ORDER BY r.position"};
/* With the empty list's row (position -1): an empty list is a list, and one replacing it changes
 * the page that showed it. */
static const nz__pg_sql q_ids = {
    "SELECT position, related_id FROM related WHERE article_id = $1 ORDER BY position"};
static const nz__pg_sql q_clear = {"DELETE FROM related WHERE article_id = $1"};
static const nz__pg_sql q_insert = {
    "INSERT INTO related(article_id, position, related_id, basis)"
    " SELECT $1, CASE WHEN id = 0 THEN -1 ELSE p - 1 END, NULLIF(id, 0), $2 FROM "
    "unnest($3::bigint[]) WITH ORDINALITY AS t(id, p)"};
static const nz__pg_sql q_changed = {"SELECT nz_changes_add(ARRAY['related-' || $1::bigint])"};
/* No JIT for the pending query: the planner prices it past jit_above_cost at 100,000 articles
 * and compiling took 1.8 of its 3 s (EXPLAIN ANALYZE, load 16), at the start of every pass. For
 * the rest of the read's transaction. */
static const nz__pg_sql q_no_jit = {"SET LOCAL jit = off"};
/* Missing: no row for the article's basis; stale: a row whose article is not public. */
static const nz__pg_sql q_pending = {"SELECT a.id FROM articles a WHERE " PUBLIC_AT(
    "a",
    "$1::bigint") " AND ($2::int = 1"
		  " OR NOT EXISTS (SELECT 1 FROM related r WHERE r.article_id = a.id"
		  "  AND r.basis = a.revision)"
		  " OR EXISTS (SELECT 1 FROM related r LEFT JOIN articles b ON b.id = r.related_id"
		  "  AND " PUBLIC_AT("b",
				     "$1::bigint") " WHERE r.article_id = a.id AND r.position >= 0"
						   "  AND b.id IS NULL)) ORDER BY a.id"};

/* One card from row r of q_stored (its article is public). */
static nz_rc card_row(nz_arena *arena, const PGresult *res, int r, nz_article *a)
{
	const char *status = NULL;
	a->id = nz__pg_col_int(res, r, 13);
	a->published_at = nz__pg_col_int(res, r, 18);
	a->updated_at = nz__pg_col_int(res, r, 19);
	if (nz__pg_col_text(arena, res, r, 14, &a->slug) ||
	    nz__pg_col_text(arena, res, r, 15, &a->language) ||
	    nz__pg_col_text(arena, res, r, 16, &status) ||
	    nz__pg_col_text(arena, res, r, 17, &a->headline))
		return NZ_NOMEM;
	if (status)
		(void)nz_status_parse(nz_str_c(status), &a->status);
	if (!nz__pg_col_null(res, r, 20)) {
		nz_section *sec = nz_arena_zalloc(arena, sizeof(*sec));
		if (!sec || nz__pg_col_text(arena, res, r, 21, &sec->slug) ||
		    nz__pg_col_text(arena, res, r, 22, &sec->name))
			return NZ_NOMEM;
		sec->id = nz__pg_col_int(res, r, 20);
		sec->position = (int)nz__pg_col_int(res, r, 23);
		a->section = sec;
	}
	if (!nz__pg_col_null(res, r, 0)) {
		if (!(a->media = nz_arena_zalloc(arena, sizeof(*a->media))) ||
		    nz__pg_media_row(arena, res, r, a->media))
			return NZ_NOMEM;
		a->n_media = 1;
	}
	return NZ_OK;
}

nz_rc nz__pg_related_stored(nz_store *s, nz_arena *arena, int64_t article_id, int64_t basis,
			    nz_time now, size_t max, nz_article_list *out, nz_related_state *state,
			    nz_err *err)
{
	nz__pg *h = nz__pg_h(s);
	nz__pg_params p = {0};
	PGresult *res = NULL;
	bool stale = false;
	nz__pg_int64(&p, article_id);
	nz__pg_int64(&p, now);
	nz_rc rc = nz__pg_query(h, &q_stored, &p, &res, "related articles", err);
	if (rc)
		return rc;
	int rows = PQntuples(res);
	if (!(out->items = nz_arena_zalloc(arena, max * sizeof(*out->items))))
		rc = nz_err_set(err, NZ_NOMEM, "related articles: out of memory");
	for (int r = 0; r < rows && !rc; r++) {
		if (nz__pg_col_int(res, r, 12) != basis)
			stale = true;
		if (nz__pg_col_int(res, r, 11) < 0) /* the empty list's row */
			continue;
		if (nz__pg_col_null(res, r, 13)) { /* left the site */
			stale = true;
			continue;
		}
		if (out->n < max && card_row(arena, res, r, &out->items[out->n++]))
			rc = nz_err_set(err, NZ_NOMEM, "related articles: out of memory");
	}
	PQclear(res);
	if (rc) {
		memset(out, 0, sizeof(*out));
		return rc;
	}
	out->total = out->n;
	*state = !rows ? NZ_RELATED_NONE : stale ? NZ_RELATED_STALE : NZ_RELATED_FRESH;
	return NZ_OK;
}

/* Whether the stored list of article_id is there and differs from ids[0..n). */
static nz_rc list_differs(nz__pg *h, int64_t article_id, const int64_t *ids, size_t n,
			  bool *differs, nz_err *err)
{
	nz__pg_params p = {0};
	PGresult *res = NULL;
	nz__pg_int64(&p, article_id);
	nz_rc rc = nz__pg_query(h, &q_ids, &p, &res, "related articles", err);
	*differs = false;
	if (rc)
		return rc;
	int rows = PQntuples(res);
	size_t k = 0;
	bool d = false;
	for (int r = 0; r < rows && !d; r++) {
		if (nz__pg_col_int(res, r, 0) < 0) /* the empty list's row */
			continue;
		d = k >= n || nz__pg_col_int(res, r, 1) != ids[k];
		k++;
	}
	d = d || k != n;
	PQclear(res);
	/* A first list changes no page: the page showed what was computed live, the same. */
	*differs = rows > 0 && d;
	return NZ_OK;
}

nz_rc nz__pg_related_set(nz_store *s, int64_t article_id, int64_t basis, const int64_t *ids,
			 size_t n, nz_err *err)
{
	nz__pg *h = nz__pg_h(s);
	bool differs = false;
	nz_buf arr;
	nz_buf_init(&arr, 0);
	/* {0} when empty: the one row at position -1, with no related_id */
	nz_buf_puts(&arr, n ? "{" : "{0");
	for (size_t i = 0; i < n; i++)
		nz_buf_printf(&arr, "%s%lld", i ? "," : "", (long long)ids[i]);
	nz_buf_putc(&arr, '}');
	if (nz_buf_rc(&arr)) {
		nz_buf_free(&arr);
		return nz_err_set(err, NZ_NOMEM, "related articles: out of memory");
	}
	nz_rc rc = nz__pg_begin(h, err);
	if (rc) {
		nz_buf_free(&arr);
		return rc;
	}
	nz__pg_params pid = {0}, pins = {0};
	nz__pg_int64(&pid, article_id);
	nz__pg_int64(&pins, article_id);
	nz__pg_int64(&pins, basis);
	nz__pg_text(&pins, nz_buf_cstr(&arr));
	if (!(rc = list_differs(h, article_id, ids, n, &differs, err)) &&
	    !(rc = nz__pg_run(h, &q_clear, &pid, "related articles", err)) &&
	    !(rc = nz__pg_run(h, &q_insert, &pins, "related articles", err)) && differs) {
		PGresult *res = NULL;
		if (!(rc = nz__pg_query(h, &q_changed, &pid, &res, "related articles", err)))
			PQclear(res);
	}
	rc = nz__pg_end(h, rc, err);
	nz_buf_free(&arr);
	return rc;
}

nz_rc nz__pg_related_note_live(nz_store *s, nz_err *err)
{
	nz__pg_params pid = {0};
	PGresult *res = NULL;
	nz__pg_int64(&pid, 0); /* NZ_STORE_RELATED_LIVE_KEY */
	nz_rc rc = nz__pg_query(nz__pg_h(s), &q_changed, &pid, &res, "related articles", err);
	PQclear(res);
	return rc;
}

nz_rc nz__pg_related_pending(nz_store *s, nz_arena *arena, nz_time now, bool all, int64_t **ids,
			     size_t *n, nz_err *err)
{
	nz__pg *h = nz__pg_h(s);
	nz__pg_params p = {0};
	PGresult *res = NULL;
	*ids = NULL;
	*n = 0;
	nz__pg_int64(&p, now);
	nz__pg_int64(&p, all ? 1 : 0);
	bool snap = nz__pg_read_begin(h);
	nz_rc rc = nz__pg_run(h, &q_no_jit, NULL, "related articles", err);
	if (!rc)
		rc = nz__pg_query(h, &q_pending, &p, &res, "related articles", err);
	nz__pg_read_end(h, snap);
	if (rc)
		return rc;
	int rows = PQntuples(res);
	if (rows && !(*ids = nz_arena_alloc(arena, (size_t)rows * sizeof(**ids))))
		rc = nz_err_set(err, NZ_NOMEM, "related articles: out of memory");
	for (int r = 0; r < rows && !rc; r++)
		(*ids)[(*n)++] = nz__pg_col_int(res, r, 0);
	PQclear(res);
	return rc;
}
