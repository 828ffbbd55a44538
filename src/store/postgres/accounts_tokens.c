/*
 * accounts_tokens.c: API tokens in PostgreSQL.
 *
 * Rules: a token is stored as the SHA-256 hex of its text and never deleted, only revoked, so
 * the audit log can always say which token did what. last_used_at moves forward only. A token
 * past its expires_at (NULL: never) is not found; disabling a user revokes their tokens
 * (accounts.c).
 */
#include <string.h>

#include "store/postgres/postgres_int.h"

static const nz__pg_sql q_insert = {
    "INSERT INTO api_tokens(user_id, token_hash, name, created_at, expires_at) "
    "VALUES ($1, $2, $3, $4, $5) RETURNING id"};
static const nz__pg_sql q_user = {"SELECT " NZ__PG_USER_COLS ", t.id FROM api_tokens t "
				  "JOIN users u ON u.id = t.user_id WHERE t.token_hash = $1 "
				  "AND t.revoked_at IS NULL AND u.disabled_at IS NULL "
				  "AND (t.expires_at IS NULL OR t.expires_at > $2)"};
static const nz__pg_sql q_touch = {"UPDATE api_tokens SET last_used_at = $2 WHERE id = $1 "
				   "AND (last_used_at IS NULL OR last_used_at < $2)"};
static const nz__pg_sql q_revoke = {"UPDATE api_tokens SET revoked_at = $2 "
				    "WHERE id = $1 AND revoked_at IS NULL RETURNING id"};
static const nz__pg_sql q_owner = {"SELECT user_id FROM api_tokens WHERE id = $1"};
static const nz__pg_sql q_find = {"SELECT id FROM api_tokens WHERE token_hash = $1"};
static const nz__pg_sql q_list = {
    "SELECT t.id, t.user_id, u.login, t.name, t.created_at, t.last_used_at, t.revoked_at, "
    "t.expires_at FROM api_tokens t JOIN users u ON u.id = t.user_id "
    "WHERE ($1::bigint = 0 OR t.user_id = $1) ORDER BY t.id DESC"};

static nz_rc insert_token(nz__pg *h, int64_t actor, int64_t user_id, const char *hash,
			  const char *name, nz_time expires_at, int64_t *id, nz_err *err)
{
	nz__pg_params p = {0};
	nz__pg_int64(&p, user_id);
	nz__pg_text(&p, hash);
	nz__pg_text(&p, name);
	nz__pg_int64(&p, nz_time_now());
	nz__pg_opt_int(&p, expires_at);
	nz_rc rc = nz__pg_one_int(h, &q_insert, &p, id, "token", err);
	if (rc == NZ_INVAL) /* the foreign key */
		return nz_err_set(err, NZ_NOTFOUND, "token: no user %lld", (long long)user_id);
	if (rc == NZ_NOTFOUND)
		return nz_err_set(err, NZ_DB, "token: the insert returned no id");
	if (rc)
		return rc;
	return nz__pg_audit(h, actor, "token.created", "token", *id, 0, name, err);
}

nz_rc nz__pg_token_create(nz_store *s, int64_t actor, int64_t user_id, const char *token_hash,
			  const char *name, nz_time expires_at, int64_t *id, nz_err *err)
{
	nz__pg *h = nz__pg_h(s);
	nz_rc rc = nz__pg_begin(h, err);
	if (rc)
		return rc;
	rc = insert_token(h, actor, user_id, token_hash, name, expires_at, id, err);
	if ((rc = nz__pg_end(h, rc, err)))
		*id = 0;
	return rc;
}

/* Records the token's use: its own small write, as SQLite's autocommit UPDATE. */
static nz_rc touch(nz__pg *h, int64_t token_id, nz_time now, nz_err *err)
{
	nz__pg_params p = {0};
	nz__pg_int64(&p, token_id);
	nz__pg_int64(&p, now);
	nz_rc rc = nz__pg_begin(h, err);
	if (rc)
		return rc;
	rc = nz__pg_run(h, &q_touch, &p, "token", err);
	return nz__pg_end(h, rc, err);
}

nz_rc nz__pg_token_user(nz_store *s, nz_arena *arena, const char *token_hash, nz_time now,
			nz_user **out, int64_t *token_id, nz_err *err)
{
	nz__pg *h = nz__pg_h(s);
	nz__pg_params p = {0};
	PGresult *res;
	nz_user *u = NULL;
	nz__pg_text(&p, token_hash);
	nz__pg_int64(&p, now);
	nz_rc rc = nz__pg_query(h, &q_user, &p, &res, "token", err);
	if (rc)
		return rc;
	if (PQntuples(res) < 1)
		rc = NZ_NOTFOUND;
	else if (!(u = nz_arena_zalloc(arena, sizeof *u)) || nz__pg_user_row(arena, res, 0, 0, u))
		rc = nz_err_set(err, NZ_NOMEM, "token: out of memory");
	else
		*token_id = nz__pg_col_int(res, 0, 6);
	PQclear(res);
	if (rc)
		return rc;
	if ((rc = touch(h, *token_id, now, err)))
		return rc;
	*out = u;
	return NZ_OK;
}

static nz_rc revoke(nz__pg *h, int64_t actor, int64_t token_id, nz_err *err)
{
	nz__pg_params p = {0};
	int64_t owner = 0, id = 0;
	nz__pg_int64(&p, token_id);
	nz_rc rc = nz__pg_one_int(h, &q_owner, &p, &owner, "token", err);
	if (rc == NZ_NOTFOUND)
		return nz_err_set(err, rc, "token %lld: not found", (long long)token_id);
	if (rc)
		return rc;
	nz__pg_int64(&p, nz_time_now());
	if ((rc = nz__pg_one_int(h, &q_revoke, &p, &id, "token", err)) == NZ_NOTFOUND)
		return NZ_OK; /* revoked already: nothing to record */
	if (rc)
		return rc;
	return nz__pg_audit(h, actor, "token.revoked", "token", token_id, 0, NULL, err);
}

nz_rc nz__pg_token_revoke(nz_store *s, int64_t actor, int64_t token_id, nz_err *err)
{
	nz__pg *h = nz__pg_h(s);
	nz_rc rc = nz__pg_begin(h, err);
	if (rc)
		return rc;
	rc = revoke(h, actor, token_id, err);
	return nz__pg_end(h, rc, err);
}

nz_rc nz__pg_token_find(nz_store *s, const char *token_hash, int64_t *token_id, nz_err *err)
{
	nz__pg_params p = {0};
	nz__pg_text(&p, token_hash);
	nz_rc rc = nz__pg_one_int(nz__pg_h(s), &q_find, &p, token_id, "token", err);
	if (rc == NZ_NOTFOUND)
		nz_err_set(err, rc, "token: no such token");
	return rc;
}

static nz_rc token_item(nz_arena *arena, const PGresult *res, int r, void *item)
{
	nz_api_token *t = item;
	t->id = nz__pg_col_int(res, r, 0);
	t->user_id = nz__pg_col_int(res, r, 1);
	t->created_at = nz__pg_col_int(res, r, 4);
	t->last_used_at = nz__pg_col_int(res, r, 5);
	t->revoked_at = nz__pg_col_int(res, r, 6);
	t->expires_at = nz__pg_col_int(res, r, 7);
	return nz__pg_col_text(arena, res, r, 2, &t->login) ||
		       nz__pg_col_text(arena, res, r, 3, &t->name)
		   ? NZ_NOMEM
		   : NZ_OK;
}

nz_rc nz__pg_token_list(nz_store *s, nz_arena *arena, int64_t user_id, nz_api_token **out,
			size_t *n, nz_err *err)
{
	nz__pg_params p = {0};
	nz__pg_int64(&p, user_id);
	return nz__pg_collect(nz__pg_h(s), &q_list, &p, "tokens", sizeof(nz_api_token), token_item,
			      arena, (void **)out, n, err);
}
