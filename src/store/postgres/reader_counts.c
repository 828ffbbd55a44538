/*
 * reader_counts.c: the counts behind the back office's stats page (docs/stats.md) in
 * PostgreSQL: sqlite/reader_counts.c's twin, with the same SQL (store_int.h).
 */
#include "store/postgres/postgres_int.h"

static const nz__pg_sql q_series = {NZ__VIEWS_SERIES("$1::text", "$2::bigint")};
static const nz__pg_sql q_add = {
    NZ__READER_COUNTS_ADD("$1::text", "$2::text", "$3::bigint", "$4::bigint")};
static const nz__pg_sql q_top = {NZ__READER_COUNTS_TOP("$1::text", "$2::bigint", "$3::bigint")};

static nz_rc view_hour_row(nz_arena *arena, const PGresult *res, int r, void *item)
{
	(void)arena;
	nz_view_hour *v = item;
	v->hour = nz__pg_col_int(res, r, 0);
	v->views = nz__pg_col_int(res, r, 1);
	return NZ_OK;
}

nz_rc nz__pg_views_series(nz_store *s, nz_arena *arena, const char *slug, int64_t since_hour,
			  nz_view_hour **out, size_t *n, nz_err *err)
{
	nz__pg_params q = {0};
	nz__pg_text(&q, slug);
	nz__pg_int64(&q, since_hour);
	return nz__pg_collect(nz__pg_h(s), &q_series, &q, "views per hour", sizeof(nz_view_hour),
			      view_hour_row, arena, (void **)out, n, err);
}

nz_rc nz__pg_reader_counts_add(nz_store *s, const nz_reader_count *counts, size_t n, nz_err *err)
{
	nz__pg *h = nz__pg_h(s);
	nz_rc rc = nz__pg_begin(h, err);
	if (rc)
		return rc;
	for (size_t i = 0; !rc && i < n; i++) {
		nz__pg_params q = {0};
		nz__pg_text(&q, counts[i].kind);
		nz__pg_text(&q, counts[i].key);
		nz__pg_int64(&q, counts[i].hour);
		nz__pg_int64(&q, counts[i].count);
		rc = nz__pg_run(h, &q_add, &q, "reader counts", err);
	}
	return nz__pg_end(h, rc, err);
}

static nz_rc count_row(nz_arena *arena, const PGresult *res, int r, void *item)
{
	nz_reader_count *c = item;
	c->count = nz__pg_col_int(res, r, 1);
	c->hour = nz__pg_col_int(res, r, 2);
	return nz__pg_col_text(arena, res, r, 0, &c->key) ? NZ_NOMEM : NZ_OK;
}

nz_rc nz__pg_reader_counts_top(nz_store *s, nz_arena *arena, const char *kind, int64_t since_hour,
			       size_t limit, nz_reader_count **out, size_t *n, nz_err *err)
{
	nz__pg_params q = {0};
	nz__pg_text(&q, kind);
	nz__pg_int64(&q, since_hour);
	nz__pg_int64(&q, (int64_t)limit);
	nz_rc rc = nz__pg_collect(nz__pg_h(s), &q_top, &q, "reader counts", sizeof(nz_reader_count),
				  count_row, arena, (void **)out, n, err);
	for (size_t i = 0; !rc && i < *n; i++)
		(*out)[i].kind = kind;
	return rc;
}
