/*
 * reader_counts.c: the counts behind the back office's stats page (docs/stats.md) in SQLite:
 * one article's views per hour, and the per-hour counts of referring sites and of searches
 * that found nothing. A batch of counts is one transaction (the server writes them every few
 * seconds, never per request). postgres/reader_counts.c is the twin.
 */
#include "store/sqlite/sqlite_int.h"

static nz_rc view_hour_row(nz_arena *arena, sqlite3_stmt *st, void *item)
{
	(void)arena;
	nz_view_hour *v = item;
	v->hour = sqlite3_column_int64(st, 0);
	v->views = sqlite3_column_int64(st, 1);
	return NZ_OK;
}

nz_rc nz__sq_views_series(nz_store *s, nz_arena *arena, const char *slug, int64_t since_hour,
			  nz_view_hour **out, size_t *n, nz_err *err)
{
	nz__sqlite *h = nz__sq(s);
	sqlite3_stmt *st;
	nz_rc rc = nz__sq_stmt(h, SQ_VIEWS_SERIES, &st, err);
	if (rc)
		return rc;
	if (nz__sq_bind_text(st, 1, slug) || sqlite3_bind_int64(st, 2, since_hour))
		return nz__sq_bind_error(h, "views per hour", err);
	return nz__sq_collect(h, st, "views per hour", sizeof(nz_view_hour), view_hour_row, arena,
			      (void **)out, n, err);
}

nz_rc nz__sq_reader_counts_add(nz_store *s, const nz_reader_count *counts, size_t n, nz_err *err)
{
	nz__sqlite *h = nz__sq(s);
	sqlite3_stmt *st;
	nz_rc rc = nz__sq_begin(h, err);
	if (rc)
		return rc;
	for (size_t i = 0; !rc && i < n; i++) {
		if ((rc = nz__sq_stmt(h, SQ_READER_COUNTS_ADD, &st, err)))
			break;
		if (nz__sq_bind_text(st, 1, counts[i].kind) ||
		    nz__sq_bind_text(st, 2, counts[i].key) ||
		    sqlite3_bind_int64(st, 3, counts[i].hour) ||
		    sqlite3_bind_int64(st, 4, counts[i].count))
			rc = nz__sq_bind_error(h, "reader counts", err);
		else
			rc = nz__sq_exec(h, st, "reader counts", err);
	}
	return nz__sq_end(h, rc, err);
}

static nz_rc count_row(nz_arena *arena, sqlite3_stmt *st, void *item)
{
	nz_reader_count *c = item;
	c->count = sqlite3_column_int64(st, 1);
	c->hour = sqlite3_column_int64(st, 2);
	return nz__sq_col_text(arena, st, 0, &c->key) ? NZ_NOMEM : NZ_OK;
}

nz_rc nz__sq_reader_counts_top(nz_store *s, nz_arena *arena, const char *kind, int64_t since_hour,
			       size_t limit, nz_reader_count **out, size_t *n, nz_err *err)
{
	nz__sqlite *h = nz__sq(s);
	sqlite3_stmt *st;
	nz_rc rc = nz__sq_stmt(h, SQ_READER_COUNTS_TOP, &st, err);
	if (rc)
		return rc;
	if (nz__sq_bind_text(st, 1, kind) || sqlite3_bind_int64(st, 2, since_hour) ||
	    sqlite3_bind_int64(st, 3, (int64_t)limit))
		return nz__sq_bind_error(h, "reader counts", err);
	if ((rc = nz__sq_collect(h, st, "reader counts", sizeof(nz_reader_count), count_row, arena,
				 (void **)out, n, err)))
		return rc;
	for (size_t i = 0; i < *n; i++)
		(*out)[i].kind = kind;
	return NZ_OK;
}
