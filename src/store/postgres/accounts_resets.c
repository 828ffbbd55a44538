/*
 * accounts_resets.c: password-reset links in PostgreSQL.
 *
 * Rules: as SQLite's (sqlite/accounts_resets.c): one row per user, a new link replaces the
 * old one; using a link marks it used, sets the password and ends the user's sessions in one
 * transaction, and the conditional UPDATE lets only one of two racing requests through. API
 * tokens are kept. Statements and messages are SQLite's.
 */
#include "store/postgres/postgres_int.h"

static const nz__pg_sql q_user_exists = {"SELECT id FROM users WHERE id = $1"};
static const nz__pg_sql q_upsert = {
    "INSERT INTO password_resets(user_id, token_hash, created_by, created_at, expires_at) "
    "VALUES ($1, $2, $3, $4, $5) ON CONFLICT(user_id) DO UPDATE SET "
    "token_hash = excluded.token_hash, created_by = excluded.created_by, "
    "created_at = excluded.created_at, expires_at = excluded.expires_at, used_at = NULL"};
static const nz__pg_sql q_get = {"SELECT " NZ__PG_USER_COLS
				 ", r.created_at, r.expires_at, r.used_at "
				 "FROM password_resets r JOIN users u ON u.id = r.user_id "
				 "WHERE r.token_hash = $1"};
static const nz__pg_sql q_use = {
    "UPDATE password_resets SET used_at = $2 WHERE token_hash = $1 AND used_at IS NULL "
    "AND expires_at > $2 AND user_id IN (SELECT id FROM users WHERE disabled_at IS NULL) "
    "RETURNING user_id"};
static const nz__pg_sql q_set_password = {"UPDATE users SET password_hash = $2 WHERE id = $1"};
static const nz__pg_sql q_end_sessions = {"DELETE FROM sessions WHERE user_id = $1"};

static nz_rc upsert(nz__pg *h, int64_t actor, int64_t user_id, const char *hash, nz_time expires_at,
		    nz_err *err)
{
	nz__pg_params p = {0}, q = {0};
	int64_t id = 0;
	nz__pg_int64(&p, user_id);
	nz_rc rc = nz__pg_one_int(h, &q_user_exists, &p, &id, "reset link", err);
	if (rc == NZ_NOTFOUND)
		return nz_err_set(err, rc, "user %lld: not found", (long long)user_id);
	if (rc)
		return rc;
	nz__pg_int64(&q, user_id);
	nz__pg_text(&q, hash);
	nz__pg_opt_int(&q, actor);
	nz__pg_int64(&q, nz_time_now());
	nz__pg_int64(&q, expires_at);
	if ((rc = nz__pg_run(h, &q_upsert, &q, "reset link", err)))
		return rc;
	return nz__pg_audit(h, actor, "user.reset_link_created", "user", user_id, 0, NULL, err);
}

nz_rc nz__pg_reset_create(nz_store *s, int64_t actor, int64_t user_id, const char *token_hash,
			  nz_time expires_at, nz_err *err)
{
	nz__pg *h = nz__pg_h(s);
	nz_rc rc = nz__pg_begin(h, err);
	if (rc)
		return rc;
	rc = upsert(h, actor, user_id, token_hash, expires_at, err);
	return nz__pg_end(h, rc, err);
}

nz_rc nz__pg_reset_get(nz_store *s, nz_arena *arena, const char *token_hash, nz_password_reset *out,
		       nz_err *err)
{
	nz__pg *h = nz__pg_h(s);
	nz__pg_params p = {0};
	PGresult *res;
	nz__pg_text(&p, token_hash);
	nz_rc rc = nz__pg_query(h, &q_get, &p, &res, "reset link", err);
	if (rc)
		return rc;
	if (PQntuples(res) < 1)
		rc = nz_err_set(err, NZ_NOTFOUND, "reset link: unknown");
	else if (nz__pg_user_row(arena, res, 0, 0, &out->user))
		rc = nz_err_set(err, NZ_NOMEM, "reset link: out of memory");
	else {
		out->created_at = nz__pg_col_int(res, 0, 6);
		out->expires_at = nz__pg_col_int(res, 0, 7);
		out->used_at = nz__pg_col_int(res, 0, 8);
	}
	PQclear(res);
	return rc;
}

static nz_rc use(nz__pg *h, const char *hash, nz_time now, const char *password_hash,
		 int64_t *user_id, nz_err *err)
{
	nz__pg_params p = {0}, q = {0}, r = {0};
	nz__pg_text(&p, hash);
	nz__pg_int64(&p, now);
	nz_rc rc = nz__pg_one_int(h, &q_use, &p, user_id, "reset link", err);
	if (rc == NZ_NOTFOUND)
		return nz_err_set(err, rc, "reset link: unknown, used or expired");
	if (rc)
		return rc;
	nz__pg_int64(&q, *user_id);
	nz__pg_text(&q, password_hash);
	nz__pg_int64(&r, *user_id);
	if ((rc = nz__pg_run(h, &q_set_password, &q, "reset link", err)) ||
	    (rc = nz__pg_run(h, &q_end_sessions, &r, "reset link", err)))
		return rc;
	return nz__pg_audit(h, *user_id, "user.password_reset", "user", *user_id, 0, NULL, err);
}

nz_rc nz__pg_reset_use(nz_store *s, const char *token_hash, nz_time now, const char *password_hash,
		       int64_t *user_id, nz_err *err)
{
	nz__pg *h = nz__pg_h(s);
	nz_rc rc = nz__pg_begin(h, err);
	*user_id = 0;
	if (rc)
		return rc;
	rc = use(h, token_hash, now, password_hash, user_id, err);
	if ((rc = nz__pg_end(h, rc, err)))
		*user_id = 0;
	return rc;
}
