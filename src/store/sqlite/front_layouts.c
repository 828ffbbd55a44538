/*
 * front_layouts.c: the front layouts (store.h, "front layouts") in SQLite. A save clears what
 * the new layout replaces and inserts it in one transaction; the table's triggers (migration
 * 12) tell the change feed. postgres/front_layouts.c is the twin.
 */
#include "store/sqlite/sqlite_int.h"

nz_rc nz__sq_front_layout_save(nz_store *s, nz_front_layout *l, nz_time now, int64_t actor,
			       nz_err *err)
{
	nz__sqlite *h = nz__sq(s);
	sqlite3_stmt *st;
	char slots[NZ__FRONT_SLOTS_TEXT_MAX];
	nz__store_front_slots_encode(l, slots);
	nz_rc rc = nz__sq_begin(h, err);
	if (rc)
		return rc;
	if (!(rc = nz__sq_stmt(h, SQ_FRONT_CLEAR, &st, err))) {
		if (nz__sq_bind_text(st, 1, l->language) ||
		    sqlite3_bind_int64(st, 2, l->section_id) ||
		    sqlite3_bind_int64(st, 3, l->starts_at) || sqlite3_bind_int64(st, 4, now))
			rc = nz__sq_bind_error(h, "front layout", err);
		else
			rc = nz__sq_exec(h, st, "front layout", err);
	}
	/* An empty layout in force now is the front by recency alone: nothing to keep. */
	bool keep = l->n_slots > 0 || l->starts_at > now;
	if (!rc && keep && !(rc = nz__sq_stmt(h, SQ_FRONT_INSERT, &st, err))) {
		if (nz__sq_bind_text(st, 1, l->language) ||
		    sqlite3_bind_int64(st, 2, l->section_id) ||
		    sqlite3_bind_int64(st, 3, l->starts_at) || nz__sq_bind_text(st, 4, slots) ||
		    nz__sq_bind_opt_int(st, 5, actor) || sqlite3_bind_int64(st, 6, now))
			rc = nz__sq_bind_error(h, "front layout", err);
		else
			rc = nz__sq_exec(h, st, "front layout", err);
	}
	if (!rc) {
		l->id = keep ? sqlite3_last_insert_rowid(h->db) : 0;
		l->actor = actor;
		l->updated_at = now;
	}
	return nz__sq_end(h, rc, err);
}

static nz_rc layout_row(nz_arena *arena, sqlite3_stmt *st, void *item)
{
	nz_front_layout *l = item;
	const char *slots = NULL;
	l->id = sqlite3_column_int64(st, 0);
	l->section_id = sqlite3_column_int64(st, 2);
	l->starts_at = sqlite3_column_int64(st, 3);
	l->actor = sqlite3_column_int64(st, 5);
	l->updated_at = sqlite3_column_int64(st, 6);
	return nz__sq_col_text(arena, st, 1, &l->language) ||
		       nz__sq_col_text(arena, st, 4, &slots) ||
		       nz__store_front_slots_decode(arena, slots, l)
		   ? NZ_NOMEM
		   : NZ_OK;
}

nz_rc nz__sq_front_layout_list(nz_store *s, nz_arena *arena, const char *language,
			       int64_t section_id, nz_front_layout **out, size_t *n, nz_err *err)
{
	nz__sqlite *h = nz__sq(s);
	sqlite3_stmt *st;
	nz_rc rc = nz__sq_stmt(h, SQ_FRONT_LIST, &st, err);
	if (rc)
		return rc;
	if (nz__sq_bind_text(st, 1, language) || sqlite3_bind_int64(st, 2, section_id))
		return nz__sq_bind_error(h, "front layouts", err);
	return nz__sq_collect(h, st, "front layouts", sizeof(nz_front_layout), layout_row, arena,
			      (void **)out, n, err);
}

nz_rc nz__sq_front_layout_delete(nz_store *s, int64_t id, nz_err *err)
{
	nz__sqlite *h = nz__sq(s);
	sqlite3_stmt *st;
	nz_rc rc = nz__sq_stmt(h, SQ_FRONT_DELETE, &st, err);
	if (rc)
		return rc;
	if (sqlite3_bind_int64(st, 1, id))
		return nz__sq_bind_error(h, "front layout", err);
	if ((rc = nz__sq_exec(h, st, "front layout", err)))
		return rc;
	return sqlite3_changes(h->db)
		   ? NZ_OK
		   : nz_err_set(err, NZ_NOTFOUND, "no front layout %lld", (long long)id);
}

nz_rc nz__sq_views_add(nz_store *s, const nz_view_count *counts, size_t n, bool tell, nz_err *err)
{
	nz__sqlite *h = nz__sq(s);
	sqlite3_stmt *st;
	nz_rc rc = nz__sq_begin(h, err);
	if (rc)
		return rc;
	for (size_t i = 0; !rc && i < n; i++) {
		if ((rc = nz__sq_stmt(h, SQ_VIEWS_ADD, &st, err)))
			break;
		if (nz__sq_bind_text(st, 1, counts[i].slug) ||
		    sqlite3_bind_int64(st, 2, counts[i].hour) ||
		    sqlite3_bind_int64(st, 3, counts[i].views))
			rc = nz__sq_bind_error(h, "page views", err);
		else
			rc = nz__sq_exec(h, st, "page views", err);
	}
	if (!rc && tell && !(rc = nz__sq_stmt(h, SQ_VIEWS_TELL, &st, err))) {
		if (sqlite3_bind_int64(st, 1, nz_time_now()))
			rc = nz__sq_bind_error(h, "page views", err);
		else
			rc = nz__sq_exec(h, st, "page views", err);
	}
	return nz__sq_end(h, rc, err);
}

static nz_rc most_read_row(nz_arena *arena, sqlite3_stmt *st, void *item)
{
	nz_most_read *m = item;
	m->id = sqlite3_column_int64(st, 0);
	m->views = sqlite3_column_int64(st, 4);
	return nz__sq_col_text(arena, st, 1, &m->slug) ||
		       nz__sq_col_text(arena, st, 2, &m->headline) ||
		       nz__sq_col_text(arena, st, 3, &m->language)
		   ? NZ_NOMEM
		   : NZ_OK;
}

nz_rc nz__sq_most_read(nz_store *s, nz_arena *arena, int64_t since_hour, nz_time now,
		       const char *language, size_t limit, nz_most_read **out, size_t *n,
		       nz_err *err)
{
	nz__sqlite *h = nz__sq(s);
	sqlite3_stmt *st;
	nz_rc rc = nz__sq_stmt(h, SQ_MOST_READ, &st, err);
	if (rc)
		return rc;
	if (sqlite3_bind_int64(st, 1, since_hour) || sqlite3_bind_int64(st, 2, now) ||
	    nz__sq_bind_text(st, 3, language) || sqlite3_bind_int64(st, 4, (int64_t)limit))
		return nz__sq_bind_error(h, "most read", err);
	return nz__sq_collect(h, st, "most read", sizeof(nz_most_read), most_read_row, arena,
			      (void **)out, n, err);
}
