/*
 * accounts.c: users, sessions and failed sign-ins in SQLite (API tokens: accounts_tokens.c).
 *
 * Rules: every change and its audit row commit together; a user's sessions end when their
 * password changes or they are disabled; failed sign-ins older than a day are purged as new
 * ones come in, so the table stays small.
 */
#include <stdio.h>
#include <string.h>

#include "store/sqlite/sqlite_int.h"

#define FAILURES_KEEP ((nz_time)24 * 3600)

/* ---- users ------------------------------------------------------------------------------- */

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

static nz_rc insert_user(nz__sqlite *h, int64_t actor, nz_user *u, const char *hash, nz_err *err)
{
	sqlite3_stmt *st;
	nz_rc rc = nz__sq_stmt(h, SQ_USER_INSERT, &st, err);
	if (rc)
		return rc;
	if (nz__sq_bind_text(st, 1, u->login) || nz__sq_bind_text(st, 2, hash) ||
	    nz__sq_bind_text(st, 3, nz_role_name(u->role)) ||
	    nz__sq_bind_opt_int(st, 4, u->author_id) || sqlite3_bind_int64(st, 5, u->created_at))
		return nz__sq_bind_error(h, "user", err);
	rc = nz__sq_int(h, st, &u->id, "user", err);
	if (rc == NZ_EXISTS)
		return nz_err_set(err, rc, "user %s: the login is taken", u->login);
	if (rc)
		return rc;
	return nz__sq_audit(h, actor, "user.created", "user", u->id, 0, nz_role_name(u->role), err);
}

nz_rc nz__sq_user_create(nz_store *s, int64_t actor, nz_user *u, const char *password_hash,
			 nz_err *err)
{
	nz__sqlite *h = nz__sq(s);
	nz_rc rc = nz__sq_begin(h, err);
	if (rc)
		return rc;
	rc = insert_user(h, actor, u, password_hash, err);
	if ((rc = nz__sq_end(h, rc, err)))
		u->id = 0;
	return rc;
}

/* Runs a user query bound to one text or id and fills *out (and the hash column after the
 * user's when hash is not NULL). */
static nz_rc user_query(nz__sqlite *h, nz_arena *arena, sqlite3_stmt *st, nz_user **out,
			const char **hash, nz_err *err)
{
	bool row = false;
	nz_rc rc = nz__sq_step(h, st, &row, "user", err);
	if (rc)
		return rc;
	if (!row) {
		rc = nz_err_set(err, NZ_NOTFOUND, "user: not found");
	} else {
		nz_user *u = nz_arena_zalloc(arena, sizeof *u);
		if (!u || nz__sq_user_row(arena, st, 0, u) ||
		    (hash && nz__sq_col_text(arena, st, 6, hash)))
			rc = nz_err_set(err, NZ_NOMEM, "user: out of memory");
		else
			*out = u;
	}
	sqlite3_reset(st);
	return rc;
}

nz_rc nz__sq_user_get(nz_store *s, nz_arena *arena, int64_t id, nz_user **out, nz_err *err)
{
	nz__sqlite *h = nz__sq(s);
	sqlite3_stmt *st;
	nz_rc rc = nz__sq_stmt(h, SQ_USER_GET, &st, err);
	if (rc)
		return rc;
	if (sqlite3_bind_int64(st, 1, id))
		return nz__sq_bind_error(h, "user", err);
	return user_query(h, arena, st, out, NULL, err);
}

nz_rc nz__sq_user_by_login(nz_store *s, nz_arena *arena, const char *login, nz_user **out,
			   const char **password_hash, nz_err *err)
{
	nz__sqlite *h = nz__sq(s);
	sqlite3_stmt *st;
	const char *ignored;
	nz_rc rc = nz__sq_stmt(h, SQ_USER_BY_LOGIN, &st, err);
	if (rc)
		return rc;
	if (nz__sq_bind_text(st, 1, login))
		return nz__sq_bind_error(h, "user", err);
	return user_query(h, arena, st, out, password_hash ? password_hash : &ignored, err);
}

static nz_rc user_item(nz_arena *arena, sqlite3_stmt *st, void *item)
{
	return nz__sq_user_row(arena, st, 0, item);
}

nz_rc nz__sq_user_list(nz_store *s, nz_arena *arena, nz_user **out, size_t *n, nz_err *err)
{
	nz__sqlite *h = nz__sq(s);
	sqlite3_stmt *st;
	nz_rc rc = nz__sq_stmt(h, SQ_USER_LIST, &st, err);
	if (rc)
		return rc;
	return nz__sq_collect(h, st, "users", sizeof(nz_user), user_item, arena, (void **)out, n,
			      err);
}

/* Runs an UPDATE of one user (?1 = id, ?2 = text or int) and NZ_NOTFOUND when no row. */
static nz_rc update_user(nz__sqlite *h, nz__sq_id id, int64_t user_id, const char *text,
			 int64_t value, nz_err *err)
{
	sqlite3_stmt *st;
	nz_rc rc = nz__sq_stmt(h, id, &st, err);
	if (rc)
		return rc;
	if (sqlite3_bind_int64(st, 1, user_id) ||
	    (text ? nz__sq_bind_text(st, 2, text) : nz__sq_bind_opt_int(st, 2, value)))
		return nz__sq_bind_error(h, "user", err);
	if ((rc = nz__sq_exec(h, st, "user", err)))
		return rc;
	if (sqlite3_changes(h->db) == 0)
		return nz_err_set(err, NZ_NOTFOUND, "user %lld: not found", (long long)user_id);
	return NZ_OK;
}

static nz_rc end_sessions(nz__sqlite *h, int64_t user_id, nz_err *err)
{
	sqlite3_stmt *st;
	nz_rc rc = nz__sq_stmt(h, SQ_SESSIONS_OF_USER_DELETE, &st, err);
	if (rc)
		return rc;
	if (sqlite3_bind_int64(st, 1, user_id))
		return nz__sq_bind_error(h, "sessions", err);
	return nz__sq_exec(h, st, "sessions", err);
}

/* Revokes every live token of user_id (the user is being disabled: re-enabling must not bring
 * them back). */
static nz_rc revoke_tokens(nz__sqlite *h, int64_t user_id, nz_err *err)
{
	sqlite3_stmt *st;
	nz_rc rc = nz__sq_stmt(h, SQ_TOKENS_OF_USER_REVOKE, &st, err);
	if (rc)
		return rc;
	if (sqlite3_bind_int64(st, 1, user_id) || sqlite3_bind_int64(st, 2, nz_time_now()))
		return nz__sq_bind_error(h, "tokens", err);
	return nz__sq_exec(h, st, "tokens", err);
}

nz_rc nz__sq_user_set_role(nz_store *s, int64_t actor, int64_t user_id, nz_role role, nz_err *err)
{
	nz__sqlite *h = nz__sq(s);
	nz_arena *arena = nz_arena_new();
	nz_user *old = NULL;
	char detail[64];
	if (!arena)
		return nz_err_set(err, NZ_NOMEM, "user: out of memory");
	nz_rc rc = nz__sq_begin(h, err);
	if (rc) {
		nz_arena_free(arena);
		return rc;
	}
	if (!(rc = nz__sq_user_get(s, arena, user_id, &old, err))) {
		snprintf(detail, sizeof detail, "%s -> %s", nz_role_name(old->role),
			 nz_role_name(role));
		if (!(rc = update_user(h, SQ_USER_SET_ROLE, user_id, nz_role_name(role), 0, err)))
			rc = nz__sq_audit(h, actor, "user.role_changed", "user", user_id, 0, detail,
					  err);
	}
	rc = nz__sq_end(h, rc, err);
	nz_arena_free(arena);
	return rc;
}

nz_rc nz__sq_user_set_password(nz_store *s, int64_t actor, int64_t user_id,
			       const char *password_hash, nz_err *err)
{
	nz__sqlite *h = nz__sq(s);
	nz_rc rc = nz__sq_begin(h, err);
	if (rc)
		return rc;
	if (!(rc = update_user(h, SQ_USER_SET_PASSWORD, user_id, password_hash, 0, err)) &&
	    !(rc = end_sessions(h, user_id, err)))
		rc = nz__sq_audit(h, actor, "user.password_changed", "user", user_id, 0, NULL, err);
	return nz__sq_end(h, rc, err);
}

nz_rc nz__sq_user_set_disabled(nz_store *s, int64_t actor, int64_t user_id, bool disabled,
			       nz_err *err)
{
	nz__sqlite *h = nz__sq(s);
	nz_rc rc = nz__sq_begin(h, err);
	if (rc)
		return rc;
	if (!(rc = update_user(h, SQ_USER_SET_DISABLED, user_id, NULL, disabled ? nz_time_now() : 0,
			       err)) &&
	    !(rc = disabled ? end_sessions(h, user_id, err) : NZ_OK) &&
	    !(rc = disabled ? revoke_tokens(h, user_id, err) : NZ_OK))
		rc = nz__sq_audit(h, actor, disabled ? "user.disabled" : "user.enabled", "user",
				  user_id, 0, NULL, err);
	return nz__sq_end(h, rc, err);
}

/* ---- sessions ---------------------------------------------------------------------------- */

/* Runs a statement bound to one text and one integer (either may be unused). */
static nz_rc exec_text_int(nz__sqlite *h, nz__sq_id id, const char *text, int64_t value,
			   const char *what, nz_err *err)
{
	sqlite3_stmt *st;
	nz_rc rc = nz__sq_stmt(h, id, &st, err);
	if (rc)
		return rc;
	int t = text ? 1 : 0;
	if ((text && nz__sq_bind_text(st, 1, text)) ||
	    (sqlite3_bind_parameter_count(st) > t && sqlite3_bind_int64(st, t + 1, value)))
		return nz__sq_bind_error(h, what, err);
	return nz__sq_exec(h, st, what, err);
}

static nz_rc insert_session(nz__sqlite *h, const char *id_hash, int64_t user_id, nz_time expires_at,
			    nz_err *err)
{
	sqlite3_stmt *st;
	nz_rc rc = nz__sq_stmt(h, SQ_SESSION_INSERT, &st, err);
	if (rc)
		return rc;
	if (nz__sq_bind_text(st, 1, id_hash) || sqlite3_bind_int64(st, 2, user_id) ||
	    sqlite3_bind_int64(st, 3, nz_time_now()) || sqlite3_bind_int64(st, 4, expires_at))
		return nz__sq_bind_error(h, "session", err);
	return nz__sq_exec(h, st, "session", err);
}

nz_rc nz__sq_session_create(nz_store *s, const char *id_hash, int64_t user_id, nz_time expires_at,
			    const char *address, nz_err *err)
{
	nz__sqlite *h = nz__sq(s);
	nz_arena *arena = nz_arena_new();
	nz_user *u = NULL;
	nz_rc rc = arena ? nz__sq_begin(h, err) : nz_err_set(err, NZ_NOMEM, "out of memory");
	if (rc) {
		nz_arena_free(arena);
		return rc;
	}
	if (!(rc = nz__sq_user_get(s, arena, user_id, &u, err)) &&
	    !(rc = exec_text_int(h, SQ_SESSION_PURGE, NULL, nz_time_now(), "session", err)) &&
	    !(rc = insert_session(h, id_hash, user_id, expires_at, err)) &&
	    !(rc = exec_text_int(h, SQ_FAILURES_CLEAR, u->login, 0, "login", err)))
		rc = nz__sq_audit(h, user_id, "user.login", "user", user_id, 0, address, err);
	rc = nz__sq_end(h, rc, err);
	nz_arena_free(arena);
	return rc;
}

nz_rc nz__sq_session_user(nz_store *s, nz_arena *arena, const char *id_hash, nz_time now,
			  nz_user **out, nz_time *expires_at, nz_err *err)
{
	nz__sqlite *h = nz__sq(s);
	sqlite3_stmt *st;
	bool row = false;
	nz_time seen = 0;
	nz_rc rc = nz__sq_stmt(h, SQ_SESSION_USER, &st, err);
	if (rc)
		return rc;
	if (nz__sq_bind_text(st, 1, id_hash) || sqlite3_bind_int64(st, 2, now))
		return nz__sq_bind_error(h, "session", err);
	if ((rc = nz__sq_step(h, st, &row, "session", err)))
		return rc;
	if (!row) {
		rc = NZ_NOTFOUND;
	} else {
		nz_user *u = nz_arena_zalloc(arena, sizeof *u);
		if (!u || nz__sq_user_row(arena, st, 0, u)) {
			rc = nz_err_set(err, NZ_NOMEM, "session: out of memory");
		} else {
			*expires_at = sqlite3_column_int64(st, 6);
			seen = sqlite3_column_int64(st, 7);
			*out = u;
		}
	}
	sqlite3_reset(st);
	/* The list of one's sessions says when each was last used, to the minute: one write a
	 * minute per session, not one per request. A database that cannot take the write (read
	 * only, full) still lets a good session in. */
	if (rc || now - seen < NZ_SESSION_SEEN_STEP)
		return rc;
	nz_err ignored = {0};
	if (nz__sq_stmt(h, SQ_SESSION_SEEN, &st, &ignored) == NZ_OK &&
	    !nz__sq_bind_text(st, 1, id_hash) && !sqlite3_bind_int64(st, 2, now))
		(void)nz__sq_exec(h, st, "session", &ignored);
	return NZ_OK;
}

nz_rc nz__sq_session_delete(nz_store *s, const char *id_hash, nz_err *err)
{
	nz__sqlite *h = nz__sq(s);
	sqlite3_stmt *st;
	int64_t user_id = 0;
	nz_rc rc = nz__sq_begin(h, err);
	if (rc)
		return rc;
	if (!(rc = nz__sq_stmt(h, SQ_SESSION_DELETE, &st, err))) {
		if (nz__sq_bind_text(st, 1, id_hash))
			rc = nz__sq_bind_error(h, "session", err);
		else
			rc = nz__sq_int(h, st, &user_id, "session", err);
		if (rc == NZ_NOTFOUND)
			rc = NZ_OK;
		else if (!rc)
			rc = nz__sq_audit(h, user_id, "user.logout", "user", user_id, 0, NULL, err);
	}
	return nz__sq_end(h, rc, err);
}

/* ---- failed sign-ins --------------------------------------------------------------------- */

nz_rc nz__sq_login_failures(nz_store *s, const char *login, const char *address, nz_time since,
			    int *by_login, int *by_address, nz_err *err)
{
	nz__sqlite *h = nz__sq(s);
	sqlite3_stmt *st;
	bool row = false;
	nz_rc rc = nz__sq_stmt(h, SQ_FAILURES_COUNT, &st, err);
	if (rc)
		return rc;
	if (nz__sq_bind_text(st, 1, login) || nz__sq_bind_text(st, 2, address) ||
	    sqlite3_bind_int64(st, 3, since))
		return nz__sq_bind_error(h, "login", err);
	if ((rc = nz__sq_step(h, st, &row, "login", err)))
		return rc;
	if (row) {
		*by_login = sqlite3_column_int(st, 0);
		*by_address = sqlite3_column_int(st, 1);
	}
	sqlite3_reset(st);
	return NZ_OK;
}

static nz_rc add_failure(nz__sqlite *h, const char *login, const char *address, int64_t user_id,
			 nz_err *err)
{
	sqlite3_stmt *st;
	nz_time now = nz_time_now();
	nz_rc rc = exec_text_int(h, SQ_FAILURES_PURGE, NULL, now - FAILURES_KEEP, "login", err);
	if (rc || (rc = nz__sq_stmt(h, SQ_FAILURE_ADD, &st, err)))
		return rc;
	if (nz__sq_bind_text(st, 1, login) || nz__sq_bind_text(st, 2, address) ||
	    nz__sq_bind_opt_int(st, 3, user_id) || sqlite3_bind_int64(st, 4, now))
		return nz__sq_bind_error(h, "login", err);
	if ((rc = nz__sq_exec(h, st, "login", err)))
		return rc;
	char *detail = sqlite3_mprintf("%s from %s", login, address);
	if (!detail)
		return nz_err_set(err, NZ_NOMEM, "login: out of memory");
	rc = nz__sq_audit(h, 0, "user.login_failed", user_id ? "user" : NULL, user_id, 0, detail,
			  err);
	sqlite3_free(detail);
	return rc;
}

nz_rc nz__sq_login_failed(nz_store *s, const char *login, const char *address, int64_t user_id,
			  nz_err *err)
{
	nz__sqlite *h = nz__sq(s);
	nz_rc rc = nz__sq_begin(h, err);
	if (rc)
		return rc;
	rc = add_failure(h, login, address, user_id, err);
	return nz__sq_end(h, rc, err);
}
