/*
 * accounts_resets.c: password-reset links in SQLite.
 *
 * Rules: one row per user (a new link replaces the old one, which then is unknown); a link is
 * stored as the SHA-256 hex of its token. Using a link marks it used, sets the password and
 * ends the user's sessions in one transaction, so a link works once even when two requests
 * race: the conditional UPDATE lets only one of them through. API tokens are kept (they are
 * revoked one by one, or all at once by disabling the user).
 */
#include "store/sqlite/sqlite_int.h"

static nz_rc upsert(nz__sqlite *h, int64_t actor, int64_t user_id, const char *hash,
		    nz_time expires_at, nz_err *err)
{
	sqlite3_stmt *st;
	int64_t id = 0;
	nz_rc rc = nz__sq_stmt(h, SQ_USER_GET, &st, err);
	if (rc)
		return rc;
	if (sqlite3_bind_int64(st, 1, user_id))
		return nz__sq_bind_error(h, "reset link", err);
	if ((rc = nz__sq_int(h, st, &id, "reset link", err)) == NZ_NOTFOUND)
		return nz_err_set(err, rc, "user %lld: not found", (long long)user_id);
	if (rc || (rc = nz__sq_stmt(h, SQ_RESET_UPSERT, &st, err)))
		return rc;
	if (sqlite3_bind_int64(st, 1, user_id) || nz__sq_bind_text(st, 2, hash) ||
	    nz__sq_bind_opt_int(st, 3, actor) || sqlite3_bind_int64(st, 4, nz_time_now()) ||
	    sqlite3_bind_int64(st, 5, expires_at))
		return nz__sq_bind_error(h, "reset link", err);
	if ((rc = nz__sq_exec(h, st, "reset link", err)))
		return rc;
	return nz__sq_audit(h, actor, "user.reset_link_created", "user", user_id, 0, NULL, err);
}

nz_rc nz__sq_reset_create(nz_store *s, int64_t actor, int64_t user_id, const char *token_hash,
			  nz_time expires_at, nz_err *err)
{
	nz__sqlite *h = nz__sq(s);
	nz_rc rc = nz__sq_begin(h, err);
	if (rc)
		return rc;
	rc = upsert(h, actor, user_id, token_hash, expires_at, err);
	return nz__sq_end(h, rc, err);
}

nz_rc nz__sq_reset_get(nz_store *s, nz_arena *arena, const char *token_hash, nz_password_reset *out,
		       nz_err *err)
{
	nz__sqlite *h = nz__sq(s);
	sqlite3_stmt *st;
	bool row = false;
	nz_rc rc = nz__sq_stmt(h, SQ_RESET_GET, &st, err);
	if (rc)
		return rc;
	if (nz__sq_bind_text(st, 1, token_hash))
		return nz__sq_bind_error(h, "reset link", err);
	if ((rc = nz__sq_step(h, st, &row, "reset link", err)))
		return rc;
	if (!row)
		rc = nz_err_set(err, NZ_NOTFOUND, "reset link: unknown");
	else if (nz__sq_user_row(arena, st, 0, &out->user))
		rc = nz_err_set(err, NZ_NOMEM, "reset link: out of memory");
	else {
		out->created_at = sqlite3_column_int64(st, 6);
		out->expires_at = sqlite3_column_int64(st, 7);
		out->used_at = sqlite3_column_int64(st, 8);
	}
	sqlite3_reset(st);
	return rc;
}

/* Runs a statement bound to ?1 user_id and, when text is not NULL, ?2 text. */
static nz_rc exec_user(nz__sqlite *h, nz__sq_id id, int64_t user_id, const char *text, nz_err *err)
{
	sqlite3_stmt *st;
	nz_rc rc = nz__sq_stmt(h, id, &st, err);
	if (rc)
		return rc;
	if (sqlite3_bind_int64(st, 1, user_id) || (text && nz__sq_bind_text(st, 2, text)))
		return nz__sq_bind_error(h, "reset link", err);
	return nz__sq_exec(h, st, "reset link", err);
}

static nz_rc use(nz__sqlite *h, const char *hash, nz_time now, const char *password_hash,
		 int64_t *user_id, nz_err *err)
{
	sqlite3_stmt *st;
	nz_rc rc = nz__sq_stmt(h, SQ_RESET_USE, &st, err);
	if (rc)
		return rc;
	if (nz__sq_bind_text(st, 1, hash) || sqlite3_bind_int64(st, 2, now))
		return nz__sq_bind_error(h, "reset link", err);
	if ((rc = nz__sq_int(h, st, user_id, "reset link", err)) == NZ_NOTFOUND)
		return nz_err_set(err, rc, "reset link: unknown, used or expired");
	if (rc || (rc = exec_user(h, SQ_USER_SET_PASSWORD, *user_id, password_hash, err)) ||
	    (rc = exec_user(h, SQ_SESSIONS_OF_USER_DELETE, *user_id, NULL, err)))
		return rc;
	return nz__sq_audit(h, *user_id, "user.password_reset", "user", *user_id, 0, NULL, err);
}

nz_rc nz__sq_reset_use(nz_store *s, const char *token_hash, nz_time now, const char *password_hash,
		       int64_t *user_id, nz_err *err)
{
	nz__sqlite *h = nz__sq(s);
	nz_rc rc = nz__sq_begin(h, err);
	*user_id = 0;
	if (rc)
		return rc;
	rc = use(h, token_hash, now, password_hash, user_id, err);
	if ((rc = nz__sq_end(h, rc, err)))
		*user_id = 0;
	return rc;
}
