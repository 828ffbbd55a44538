/*
 * accounts.c: users, sessions and failed sign-ins in PostgreSQL (API tokens:
 * accounts_tokens.c). They live in the database, so a session opened on one node is known to
 * every node, and sign-in throttling counts the failures of all of them.
 *
 * Rules: every change and its audit row commit together; a user's sessions end when their
 * password changes or they are disabled; failed sign-ins older than a day are purged as new
 * ones come in, so the table stays small. Statements and messages are SQLite's.
 */
#include <stdio.h>
#include <string.h>

#include "store/postgres/postgres_int.h"

#define FAILURES_KEEP ((nz_time)24 * 3600)

static const nz__pg_sql q_user_insert = {
    "INSERT INTO users(login, password_hash, role, author_id, created_at) "
    "VALUES ($1, $2, $3, $4, $5) RETURNING id"};
static const nz__pg_sql q_user_get = {"SELECT " NZ__PG_USER_COLS " FROM users u WHERE u.id = $1"};
static const nz__pg_sql q_user_by_login = {"SELECT " NZ__PG_USER_COLS
					   ", u.password_hash FROM users u WHERE u.login = $1"};
static const nz__pg_sql q_user_list = {"SELECT " NZ__PG_USER_COLS " FROM users u ORDER BY u.login"};
static const nz__pg_sql q_set_role = {"UPDATE users SET role = $2 WHERE id = $1 RETURNING id"};
static const nz__pg_sql q_set_password = {
    "UPDATE users SET password_hash = $2 WHERE id = $1 RETURNING id"};
static const nz__pg_sql q_set_disabled = {
    "UPDATE users SET disabled_at = $2 WHERE id = $1 RETURNING id"};
static const nz__pg_sql q_sessions_of_user_delete = {"DELETE FROM sessions WHERE user_id = $1"};
static const nz__pg_sql q_tokens_of_user_revoke = {
    "UPDATE api_tokens SET revoked_at = nz_clock() WHERE user_id = $1 AND revoked_at IS NULL"};
static const nz__pg_sql q_session_purge = {"DELETE FROM sessions WHERE expires_at <= $1"};
static const nz__pg_sql q_session_insert = {
    "INSERT INTO sessions(id, user_id, csrf, created_at, expires_at) "
    "VALUES ($1, $2, '', $3, $4)"};
static const nz__pg_sql q_session_user = {"SELECT " NZ__PG_USER_COLS
					  ", s.expires_at, COALESCE(s.last_seen_at, s.created_at) "
					  "FROM sessions s "
					  "JOIN users u ON u.id = s.user_id WHERE s.id = $1 "
					  "AND s.expires_at > $2 AND u.disabled_at IS NULL"};
static const nz__pg_sql q_session_seen = {"UPDATE sessions SET last_seen_at = $2 WHERE id = $1"};
static const nz__pg_sql q_session_delete = {"DELETE FROM sessions WHERE id = $1 RETURNING user_id"};
static const nz__pg_sql q_failures_count = {
    "SELECT (SELECT count(*) FROM login_failures WHERE login = $1 AND at > $3), "
    "(SELECT count(*) FROM login_failures WHERE address = $2 AND at > $3)"};
static const nz__pg_sql q_failure_add = {
    "INSERT INTO login_failures(login, address, user_id, at) VALUES ($1, $2, $3, $4)"};
static const nz__pg_sql q_failures_clear = {"DELETE FROM login_failures WHERE login = $1"};
static const nz__pg_sql q_failures_purge = {"DELETE FROM login_failures WHERE at < $1"};

/* ---- users ------------------------------------------------------------------------------- */

nz_rc nz__pg_user_row(nz_arena *arena, const PGresult *res, int r, int col, nz_user *u)
{
	const char *role = NULL;
	u->id = nz__pg_col_int(res, r, col);
	u->author_id = nz__pg_col_int(res, r, col + 3);
	u->created_at = nz__pg_col_int(res, r, col + 4);
	u->disabled_at = nz__pg_col_int(res, r, col + 5);
	if (nz__pg_col_text(arena, res, r, col + 1, &u->login) ||
	    nz__pg_col_text(arena, res, r, col + 2, &role))
		return NZ_NOMEM;
	if (!role || nz_role_parse(nz_str_c(role), &u->role) != NZ_OK)
		u->role = NZ_ROLE_CONTRIBUTOR; /* the CHECK constraint makes this unreachable */
	return NZ_OK;
}

static nz_rc insert_user(nz__pg *h, int64_t actor, nz_user *u, const char *hash, nz_err *err)
{
	nz__pg_params p = {0};
	nz__pg_text(&p, u->login);
	nz__pg_text(&p, hash);
	nz__pg_text(&p, nz_role_name(u->role));
	nz__pg_opt_int(&p, u->author_id);
	nz__pg_int64(&p, u->created_at);
	nz_rc rc = nz__pg_one_int(h, &q_user_insert, &p, &u->id, "user", err);
	if (rc == NZ_EXISTS)
		return nz_err_set(err, rc, "user %s: the login is taken", u->login);
	if (rc == NZ_NOTFOUND)
		return nz_err_set(err, NZ_DB, "user: the insert returned no id");
	if (rc)
		return rc;
	return nz__pg_audit(h, actor, "user.created", "user", u->id, 0, nz_role_name(u->role), err);
}

nz_rc nz__pg_user_create(nz_store *s, int64_t actor, nz_user *u, const char *password_hash,
			 nz_err *err)
{
	nz__pg *h = nz__pg_h(s);
	nz_rc rc = nz__pg_begin(h, err);
	if (rc)
		return rc;
	rc = insert_user(h, actor, u, password_hash, err);
	if ((rc = nz__pg_end(h, rc, err)))
		u->id = 0;
	return rc;
}

/* Runs a user query and fills *out from its one row (and *hash from the column after the
 * user's when hash is not NULL); NZ_NOTFOUND when there is none. */
static nz_rc user_query(nz__pg *h, nz_arena *arena, const nz__pg_sql *q, const nz__pg_params *p,
			nz_user **out, const char **hash, nz_err *err)
{
	PGresult *res;
	nz_rc rc = nz__pg_query(h, q, p, &res, "user", err);
	if (rc)
		return rc;
	if (PQntuples(res) < 1) {
		rc = nz_err_set(err, NZ_NOTFOUND, "user: not found");
	} else {
		nz_user *u = nz_arena_zalloc(arena, sizeof *u);
		if (!u || nz__pg_user_row(arena, res, 0, 0, u) ||
		    (hash && nz__pg_col_text(arena, res, 0, 6, hash)))
			rc = nz_err_set(err, NZ_NOMEM, "user: out of memory");
		else
			*out = u;
	}
	PQclear(res);
	return rc;
}

nz_rc nz__pg_user_get(nz_store *s, nz_arena *arena, int64_t id, nz_user **out, nz_err *err)
{
	nz__pg_params p = {0};
	nz__pg_int64(&p, id);
	return user_query(nz__pg_h(s), arena, &q_user_get, &p, out, NULL, err);
}

nz_rc nz__pg_user_by_login(nz_store *s, nz_arena *arena, const char *login, nz_user **out,
			   const char **password_hash, nz_err *err)
{
	nz__pg_params p = {0};
	const char *ignored;
	nz__pg_text(&p, login);
	return user_query(nz__pg_h(s), arena, &q_user_by_login, &p, out,
			  password_hash ? password_hash : &ignored, err);
}

static nz_rc user_item(nz_arena *arena, const PGresult *res, int r, void *item)
{
	return nz__pg_user_row(arena, res, r, 0, item);
}

nz_rc nz__pg_user_list(nz_store *s, nz_arena *arena, nz_user **out, size_t *n, nz_err *err)
{
	return nz__pg_collect(nz__pg_h(s), &q_user_list, NULL, "users", sizeof(nz_user), user_item,
			      arena, (void **)out, n, err);
}

/* Runs an UPDATE of one user ($1 = id, $2 = text or int) and NZ_NOTFOUND when no row. */
static nz_rc update_user(nz__pg *h, const nz__pg_sql *q, int64_t user_id, const char *text,
			 int64_t value, nz_err *err)
{
	nz__pg_params p = {0};
	int64_t id = 0;
	nz__pg_int64(&p, user_id);
	if (text)
		nz__pg_text(&p, text);
	else
		nz__pg_opt_int(&p, value);
	nz_rc rc = nz__pg_one_int(h, q, &p, &id, "user", err);
	if (rc == NZ_NOTFOUND)
		return nz_err_set(err, NZ_NOTFOUND, "user %lld: not found", (long long)user_id);
	return rc;
}

/* Runs a statement bound to one text or one integer. */
static nz_rc exec_text_int(nz__pg *h, const nz__pg_sql *q, const char *text, int64_t value,
			   const char *what, nz_err *err)
{
	nz__pg_params p = {0};
	if (text)
		nz__pg_text(&p, text);
	else
		nz__pg_int64(&p, value);
	return nz__pg_run(h, q, &p, what, err);
}

nz_rc nz__pg_user_set_role(nz_store *s, int64_t actor, int64_t user_id, nz_role role, nz_err *err)
{
	nz__pg *h = nz__pg_h(s);
	nz_arena *arena = nz_arena_new();
	nz_user *old = NULL;
	char detail[64];
	if (!arena)
		return nz_err_set(err, NZ_NOMEM, "user: out of memory");
	nz_rc rc = nz__pg_begin(h, err);
	if (rc) {
		nz_arena_free(arena);
		return rc;
	}
	if (!(rc = nz__pg_user_get(s, arena, user_id, &old, err))) {
		snprintf(detail, sizeof detail, "%s -> %s", nz_role_name(old->role),
			 nz_role_name(role));
		if (!(rc = update_user(h, &q_set_role, user_id, nz_role_name(role), 0, err)))
			rc = nz__pg_audit(h, actor, "user.role_changed", "user", user_id, 0, detail,
					  err);
	}
	rc = nz__pg_end(h, rc, err);
	nz_arena_free(arena);
	return rc;
}

nz_rc nz__pg_user_set_password(nz_store *s, int64_t actor, int64_t user_id,
			       const char *password_hash, nz_err *err)
{
	nz__pg *h = nz__pg_h(s);
	nz_rc rc = nz__pg_begin(h, err);
	if (rc)
		return rc;
	if (!(rc = update_user(h, &q_set_password, user_id, password_hash, 0, err)) &&
	    !(rc = exec_text_int(h, &q_sessions_of_user_delete, NULL, user_id, "sessions", err)))
		rc = nz__pg_audit(h, actor, "user.password_changed", "user", user_id, 0, NULL, err);
	return nz__pg_end(h, rc, err);
}

nz_rc nz__pg_user_set_disabled(nz_store *s, int64_t actor, int64_t user_id, bool disabled,
			       nz_err *err)
{
	nz__pg *h = nz__pg_h(s);
	nz_rc rc = nz__pg_begin(h, err);
	if (rc)
		return rc;
	if (!(rc = update_user(h, &q_set_disabled, user_id, NULL, disabled ? nz_time_now() : 0,
			       err)) &&
	    !(rc = disabled ? exec_text_int(h, &q_sessions_of_user_delete, NULL, user_id,
					    "sessions", err)
			    : NZ_OK) &&
	    !(rc = disabled
		       ? exec_text_int(h, &q_tokens_of_user_revoke, NULL, user_id, "tokens", err)
		       : NZ_OK))
		rc = nz__pg_audit(h, actor, disabled ? "user.disabled" : "user.enabled", "user",
				  user_id, 0, NULL, err);
	return nz__pg_end(h, rc, err);
}

/* ---- sessions ---------------------------------------------------------------------------- */

static nz_rc insert_session(nz__pg *h, const char *id_hash, int64_t user_id, nz_time expires_at,
			    nz_err *err)
{
	nz__pg_params p = {0};
	nz__pg_text(&p, id_hash);
	nz__pg_int64(&p, user_id);
	nz__pg_int64(&p, nz_time_now());
	nz__pg_int64(&p, expires_at);
	return nz__pg_run(h, &q_session_insert, &p, "session", err);
}

nz_rc nz__pg_session_create(nz_store *s, const char *id_hash, int64_t user_id, nz_time expires_at,
			    const char *address, nz_err *err)
{
	nz__pg *h = nz__pg_h(s);
	nz_arena *arena = nz_arena_new();
	nz_user *u = NULL;
	nz_rc rc = arena ? nz__pg_begin(h, err) : nz_err_set(err, NZ_NOMEM, "out of memory");
	if (rc) {
		nz_arena_free(arena);
		return rc;
	}
	if (!(rc = nz__pg_user_get(s, arena, user_id, &u, err)) &&
	    !(rc = exec_text_int(h, &q_session_purge, NULL, nz_time_now(), "session", err)) &&
	    !(rc = insert_session(h, id_hash, user_id, expires_at, err)) &&
	    !(rc = exec_text_int(h, &q_failures_clear, u->login, 0, "login", err)))
		rc = nz__pg_audit(h, user_id, "user.login", "user", user_id, 0, address, err);
	rc = nz__pg_end(h, rc, err);
	nz_arena_free(arena);
	return rc;
}

nz_rc nz__pg_session_user(nz_store *s, nz_arena *arena, const char *id_hash, nz_time now,
			  nz_user **out, nz_time *expires_at, nz_err *err)
{
	nz__pg_params p = {0};
	PGresult *res;
	nz_time seen = 0;
	nz__pg_text(&p, id_hash);
	nz__pg_int64(&p, now);
	nz_rc rc = nz__pg_query(nz__pg_h(s), &q_session_user, &p, &res, "session", err);
	if (rc)
		return rc;
	if (PQntuples(res) < 1) {
		rc = NZ_NOTFOUND;
	} else {
		nz_user *u = nz_arena_zalloc(arena, sizeof *u);
		if (!u || nz__pg_user_row(arena, res, 0, 0, u)) {
			rc = nz_err_set(err, NZ_NOMEM, "session: out of memory");
		} else {
			*expires_at = nz__pg_col_int(res, 0, 6);
			seen = nz__pg_col_int(res, 0, 7);
			*out = u;
		}
	}
	PQclear(res);
	/* Recorded to the minute: one write a minute per session, not one per request. A
	 * database that cannot take the write (read only, full) still lets a good session in. */
	if (rc || now - seen < NZ_SESSION_SEEN_STEP)
		return rc;
	nz__pg_params q = {0};
	nz_err ignored = {0};
	nz__pg_text(&q, id_hash);
	nz__pg_int64(&q, now);
	(void)nz__pg_run(nz__pg_h(s), &q_session_seen, &q, "session", &ignored);
	return NZ_OK;
}

nz_rc nz__pg_session_delete(nz_store *s, const char *id_hash, nz_err *err)
{
	nz__pg *h = nz__pg_h(s);
	nz__pg_params p = {0};
	int64_t user_id = 0;
	nz_rc rc = nz__pg_begin(h, err);
	if (rc)
		return rc;
	nz__pg_text(&p, id_hash);
	rc = nz__pg_one_int(h, &q_session_delete, &p, &user_id, "session", err);
	if (rc == NZ_NOTFOUND)
		rc = NZ_OK;
	else if (!rc)
		rc = nz__pg_audit(h, user_id, "user.logout", "user", user_id, 0, NULL, err);
	return nz__pg_end(h, rc, err);
}

/* ---- failed sign-ins --------------------------------------------------------------------- */

nz_rc nz__pg_login_failures(nz_store *s, const char *login, const char *address, nz_time since,
			    int *by_login, int *by_address, nz_err *err)
{
	nz__pg_params p = {0};
	PGresult *res;
	nz__pg_text(&p, login);
	nz__pg_text(&p, address);
	nz__pg_int64(&p, since);
	nz_rc rc = nz__pg_query(nz__pg_h(s), &q_failures_count, &p, &res, "login", err);
	if (rc)
		return rc;
	if (PQntuples(res) > 0) {
		*by_login = (int)nz__pg_col_int(res, 0, 0);
		*by_address = (int)nz__pg_col_int(res, 0, 1);
	}
	PQclear(res);
	return NZ_OK;
}

static nz_rc add_failure(nz__pg *h, const char *login, const char *address, int64_t user_id,
			 nz_err *err)
{
	nz__pg_params p = {0};
	nz_time now = nz_time_now();
	nz_rc rc = exec_text_int(h, &q_failures_purge, NULL, now - FAILURES_KEEP, "login", err);
	if (rc)
		return rc;
	nz__pg_text(&p, login);
	nz__pg_text(&p, address);
	nz__pg_opt_int(&p, user_id);
	nz__pg_int64(&p, now);
	if ((rc = nz__pg_run(h, &q_failure_add, &p, "login", err)))
		return rc;
	nz_arena *arena = nz_arena_new();
	const char *detail = arena ? nz_arena_printf(arena, "%s from %s", login, address) : NULL;
	if (!detail)
		rc = nz_err_set(err, NZ_NOMEM, "login: out of memory");
	else
		rc = nz__pg_audit(h, 0, "user.login_failed", user_id ? "user" : NULL, user_id, 0,
				  detail, err);
	nz_arena_free(arena);
	return rc;
}

nz_rc nz__pg_login_failed(nz_store *s, const char *login, const char *address, int64_t user_id,
			  nz_err *err)
{
	nz__pg *h = nz__pg_h(s);
	nz_rc rc = nz__pg_begin(h, err);
	if (rc)
		return rc;
	rc = add_failure(h, login, address, user_id, err);
	return nz__pg_end(h, rc, err);
}
