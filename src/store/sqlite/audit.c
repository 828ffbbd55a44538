/*
 * audit.c: the SQLite audit log: the row every change writes inside its own transaction
 * (nz__sq_audit, shared by every aggregate's writers), rows callers add, and the log's pages.
 *
 * Rules: audit rows are only ever inserted; the triggers of migration 4 (schema.c) on audit_log
 * enqueue webhook deliveries in the same transaction.
 */
#include <string.h>

#include "store/sqlite/sqlite_int.h"

nz_rc nz__sq_audit(nz__sqlite *h, int64_t actor, const char *action, const char *object_type,
		   int64_t object_id, int64_t article_id, const char *detail, nz_err *err)
{
	sqlite3_stmt *st;
	nz_rc rc = nz__sq_stmt(h, SQ_AUDIT_ADD, &st, err);
	if (rc)
		return rc;
	if (sqlite3_bind_int64(st, 1, nz_time_now()) || nz__sq_bind_opt_int(st, 2, actor) ||
	    nz__sq_bind_text(st, 3, action) || nz__sq_bind_text(st, 4, object_type) ||
	    nz__sq_bind_opt_int(st, 5, object_id) || nz__sq_bind_text(st, 6, detail) ||
	    nz__sq_bind_opt_int(st, 7, article_id))
		return nz__sq_bind_error(h, "audit", err);
	return nz__sq_exec(h, st, "audit", err);
}

nz_rc nz__sq_audit_add(nz_store *s, int64_t actor, const char *action, const char *object_type,
		       int64_t object_id, const char *detail, nz_err *err)
{
	nz__sqlite *h = nz__sq(s);
	int64_t article_id = object_type && strcmp(object_type, "article") == 0 ? object_id : 0;
	nz_rc rc = nz__sq_begin(h, err);
	if (rc)
		return rc;
	rc = nz__sq_audit(h, actor, action, object_type, object_id, article_id, detail, err);
	return nz__sq_end(h, rc, err);
}

static nz_rc audit_item(nz_arena *arena, sqlite3_stmt *st, void *item)
{
	nz_audit_entry *e = item;
	e->id = sqlite3_column_int64(st, 0);
	e->at = sqlite3_column_int64(st, 1);
	e->user_id = sqlite3_column_int64(st, 2);
	e->object_id = sqlite3_column_int64(st, 6);
	e->article_id = sqlite3_column_int64(st, 7);
	return nz__sq_col_text(arena, st, 3, &e->login) ||
		       nz__sq_col_text(arena, st, 4, &e->action) ||
		       nz__sq_col_text(arena, st, 5, &e->object_type) ||
		       nz__sq_col_text(arena, st, 8, &e->detail)
		   ? NZ_NOMEM
		   : NZ_OK;
}

nz_rc nz__sq_audit_list(nz_store *s, nz_arena *arena, const nz_audit_query *q, nz_audit_entry **out,
			size_t *n, nz_err *err)
{
	nz__sqlite *h = nz__sq(s);
	sqlite3_stmt *st;
	nz_rc rc = nz__sq_stmt(h, SQ_AUDIT_LIST, &st, err);
	if (rc)
		return rc;
	if (sqlite3_bind_int64(st, 1, q->article_id) || sqlite3_bind_int64(st, 2, q->before_id) ||
	    sqlite3_bind_int64(st, 3, (int64_t)q->limit))
		return nz__sq_bind_error(h, "audit", err);
	return nz__sq_collect(h, st, "audit", sizeof(nz_audit_entry), audit_item, arena,
			      (void **)out, n, err);
}
