/*
 * backoffice.c: the SQLite back office's table and the helpers its files share: the
 * statement cache of backoffice_sql.h, audit rows, user and media rows. The functions are in
 * backoffice_users.c (settings, users, sessions, sign-ins), backoffice_tokens.c (API tokens,
 * the audit log), backoffice_articles.c (create, save), backoffice_workflow.c (state changes,
 * the scheduler's step, lists, redirects) and backoffice_media.c (revisions, media, sections).
 *
 * Rules: as for the rest of this backend (sqlite_int.h): statements prepared once per handle;
 * every write between nz__sq_begin and nz__sq_end with its audit row inside.
 */
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

nz_rc nz__sq_user_row(nz_arena *arena, sqlite3_stmt *st, int col, nz_user *u)
{
	const char *role = NULL;
	u->id = sqlite3_column_int64(st, col);
	u->author_id = sqlite3_column_int64(st, col + 3);
	u->created_at = sqlite3_column_int64(st, col + 4);
	u->disabled_at = sqlite3_column_int64(st, col + 5);
	if (nz__sq_col_text(arena, st, col + 1, &u->login) ||
	    nz__sq_col_text(arena, st, col + 2, &role))
		return NZ_NOMEM;
	if (!role || nz_role_parse(nz_str_c(role), &u->role) != NZ_OK)
		u->role = NZ_ROLE_CONTRIBUTOR; /* the CHECK constraint makes this unreachable */
	return NZ_OK;
}

nz_rc nz__sq_media_row(nz_arena *arena, sqlite3_stmt *st, void *item)
{
	nz_media *m = item;
	m->id = sqlite3_column_int64(st, 0);
	m->width = sqlite3_column_int(st, 6);
	m->height = sqlite3_column_int(st, 7);
	return nz__sq_col_text(arena, st, 1, &m->hash) || nz__sq_col_text(arena, st, 2, &m->mime) ||
		       nz__sq_col_text(arena, st, 3, &m->caption) ||
		       nz__sq_col_text(arena, st, 4, &m->credit) ||
		       nz__sq_col_text(arena, st, 5, &m->alt)
		   ? NZ_NOMEM
		   : NZ_OK;
}
