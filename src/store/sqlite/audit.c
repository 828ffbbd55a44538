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
#include "store/sqlite/backoffice_sql.h"

static const char *const bq_sql[BQ_COUNT] = {
#define NZ__BQ_TEXT(name, sql) [name] = sql,
    NZ__BO_QUERIES(NZ__BQ_TEXT)
#undef NZ__BQ_TEXT
};

nz_rc nz__bq_stmt(nz__sqlite *h, nz__bq_id id, sqlite3_stmt **out, nz_err *err)
{
	nz_rc rc = nz__sq_prepare_cached(h, &h->bo_stmts[id], bq_sql[id], err);
	*out = rc ? NULL : h->bo_stmts[id];
	return rc;
}

nz_rc nz__bq_audit(nz__sqlite *h, int64_t actor, const char *action, const char *object_type,
		   int64_t object_id, int64_t article_id, const char *detail, nz_err *err)
{
	sqlite3_stmt *st;
	nz_rc rc = nz__bq_stmt(h, BQ_AUDIT_ADD, &st, err);
	if (rc)
		return rc;
	if (sqlite3_bind_int64(st, 1, nz_time_now()) || nz__sq_bind_opt_int(st, 2, actor) ||
	    nz__sq_bind_text(st, 3, action) || nz__sq_bind_text(st, 4, object_type) ||
	    nz__sq_bind_opt_int(st, 5, object_id) || nz__sq_bind_text(st, 6, detail) ||
	    nz__sq_bind_opt_int(st, 7, article_id))
		return nz__sq_bind_error(h, "audit", err);
	return nz__sq_exec(h, st, "audit", err);
}

nz_rc nz__bq_user_row(nz_arena *arena, sqlite3_stmt *st, int col, nz_user *u)
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

nz_rc nz__bq_media_row(nz_arena *arena, sqlite3_stmt *st, void *item)
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

const nz__bo_ops nz__sq_bo_ops = {
    .setting_get = nz__bq_setting_get,
    .setting_ensure = nz__bq_setting_ensure,
    .user_create = nz__bq_user_create,
    .user_get = nz__bq_user_get,
    .user_by_login = nz__bq_user_by_login,
    .user_list = nz__bq_user_list,
    .user_set_role = nz__bq_user_set_role,
    .user_set_password = nz__bq_user_set_password,
    .user_set_disabled = nz__bq_user_set_disabled,
    .session_create = nz__bq_session_create,
    .session_user = nz__bq_session_user,
    .session_delete = nz__bq_session_delete,
    .login_failures = nz__bq_login_failures,
    .login_failed = nz__bq_login_failed,
    .token_create = nz__bq_token_create,
    .token_user = nz__bq_token_user,
    .token_revoke = nz__bq_token_revoke,
    .token_find = nz__bq_token_find,
    .token_list = nz__bq_token_list,
    .article_create_by = nz__bq_article_create_by,
    .article_update = nz__bq_article_update,
    .article_transition = nz__bq_article_transition,
    .publish_due = nz__bq_publish_due,
    .next_scheduled = nz__bq_next_scheduled,
    .admin_article_list = nz__bq_admin_article_list,
    .article_link_translation = nz__bq_article_link_translation,
    .slug_redirect = nz__bq_slug_redirect,
    .revision_list = nz__bq_revision_list,
    .revision_get = nz__bq_revision_get,
    .media_add = nz__bq_media_add,
    .media_get = nz__bq_media_get,
    .media_list = nz__bq_media_list,
    .section_save = nz__bq_section_save,
    .audit_add = nz__bq_audit_add,
    .audit_list = nz__bq_audit_list,
};
