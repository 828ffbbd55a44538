/*
 * accounts_tokens.c: API tokens in SQLite.
 *
 * Rules: a token is stored as the SHA-256 hex of its text and never deleted, only revoked, so
 * the audit log can always say which token did what. last_used_at moves forward only. A token
 * past its expires_at (NULL: never) is not found; disabling a user revokes their tokens
 * (accounts.c).
 */
#include <string.h>

#include "store/sqlite/sqlite_int.h"

static nz_rc insert_token(nz__sqlite *h, int64_t actor, int64_t user_id, const char *hash,
			  const char *name, nz_time expires_at, int64_t *id, nz_err *err)
{
	sqlite3_stmt *st;
	nz_rc rc = nz__sq_stmt(h, SQ_TOKEN_INSERT, &st, err);
	if (rc)
		return rc;
	if (sqlite3_bind_int64(st, 1, user_id) || nz__sq_bind_text(st, 2, hash) ||
	    nz__sq_bind_text(st, 3, name) || sqlite3_bind_int64(st, 4, nz_time_now()) ||
	    nz__sq_bind_opt_int(st, 5, expires_at))
		return nz__sq_bind_error(h, "token", err);
	rc = nz__sq_int(h, st, id, "token", err);
	if (rc == NZ_INVAL) /* the foreign key */
		return nz_err_set(err, NZ_NOTFOUND, "token: no user %lld", (long long)user_id);
	if (rc)
		return rc;
	return nz__sq_audit(h, actor, "token.created", "token", *id, 0, name, err);
}

nz_rc nz__sq_token_create(nz_store *s, int64_t actor, int64_t user_id, const char *token_hash,
			  const char *name, nz_time expires_at, int64_t *id, nz_err *err)
{
	nz__sqlite *h = nz__sq(s);
	nz_rc rc = nz__sq_begin(h, err);
	if (rc)
		return rc;
	rc = insert_token(h, actor, user_id, token_hash, name, expires_at, id, err);
	if ((rc = nz__sq_end(h, rc, err)))
		*id = 0;
	return rc;
}

static nz_rc touch(nz__sqlite *h, int64_t token_id, nz_time now, nz_err *err)
{
	sqlite3_stmt *st;
	nz_rc rc = nz__sq_stmt(h, SQ_TOKEN_TOUCH, &st, err);
	if (rc)
		return rc;
	if (sqlite3_bind_int64(st, 1, token_id) || sqlite3_bind_int64(st, 2, now))
		return nz__sq_bind_error(h, "token", err);
	return nz__sq_exec(h, st, "token", err);
}

nz_rc nz__sq_token_user(nz_store *s, nz_arena *arena, const char *token_hash, nz_time now,
			nz_user **out, int64_t *token_id, nz_err *err)
{
	nz__sqlite *h = nz__sq(s);
	sqlite3_stmt *st;
	bool row = false;
	nz_user *u = NULL;
	nz_rc rc = nz__sq_stmt(h, SQ_TOKEN_USER, &st, err);
	if (rc)
		return rc;
	if (nz__sq_bind_text(st, 1, token_hash) || sqlite3_bind_int64(st, 2, now))
		return nz__sq_bind_error(h, "token", err);
	if ((rc = nz__sq_step(h, st, &row, "token", err)))
		return rc;
	if (!row) {
		rc = NZ_NOTFOUND;
	} else if (!(u = nz_arena_zalloc(arena, sizeof *u)) || nz__sq_user_row(arena, st, 0, u)) {
		rc = nz_err_set(err, NZ_NOMEM, "token: out of memory");
	} else {
		*token_id = sqlite3_column_int64(st, 6);
	}
	sqlite3_reset(st);
	if (rc)
		return rc;
	if ((rc = touch(h, *token_id, now, err)))
		return rc;
	*out = u;
	return NZ_OK;
}

static nz_rc revoke(nz__sqlite *h, int64_t actor, int64_t token_id, nz_err *err)
{
	sqlite3_stmt *st;
	int64_t owner = 0;
	nz_rc rc = nz__sq_stmt(h, SQ_TOKEN_OWNER, &st, err);
	if (rc)
		return rc;
	if (sqlite3_bind_int64(st, 1, token_id))
		return nz__sq_bind_error(h, "token", err);
	if ((rc = nz__sq_int(h, st, &owner, "token", err)) == NZ_NOTFOUND)
		return nz_err_set(err, rc, "token %lld: not found", (long long)token_id);
	if (rc || (rc = nz__sq_stmt(h, SQ_TOKEN_REVOKE, &st, err)))
		return rc;
	if (sqlite3_bind_int64(st, 1, token_id) || sqlite3_bind_int64(st, 2, nz_time_now()))
		return nz__sq_bind_error(h, "token", err);
	if ((rc = nz__sq_exec(h, st, "token", err)) || sqlite3_changes(h->db) == 0)
		return rc; /* revoked already: nothing to record */
	return nz__sq_audit(h, actor, "token.revoked", "token", token_id, 0, NULL, err);
}

nz_rc nz__sq_token_revoke(nz_store *s, int64_t actor, int64_t token_id, nz_err *err)
{
	nz__sqlite *h = nz__sq(s);
	nz_rc rc = nz__sq_begin(h, err);
	if (rc)
		return rc;
	rc = revoke(h, actor, token_id, err);
	return nz__sq_end(h, rc, err);
}

nz_rc nz__sq_token_find(nz_store *s, const char *token_hash, int64_t *token_id, nz_err *err)
{
	nz__sqlite *h = nz__sq(s);
	sqlite3_stmt *st;
	nz_rc rc = nz__sq_stmt(h, SQ_TOKEN_FIND, &st, err);
	if (rc)
		return rc;
	if (nz__sq_bind_text(st, 1, token_hash))
		return nz__sq_bind_error(h, "token", err);
	rc = nz__sq_int(h, st, token_id, "token", err);
	if (rc == NZ_NOTFOUND)
		nz_err_set(err, rc, "token: no such token");
	return rc;
}

static nz_rc token_item(nz_arena *arena, sqlite3_stmt *st, void *item)
{
	nz_api_token *t = item;
	t->id = sqlite3_column_int64(st, 0);
	t->user_id = sqlite3_column_int64(st, 1);
	t->created_at = sqlite3_column_int64(st, 4);
	t->last_used_at = sqlite3_column_int64(st, 5);
	t->revoked_at = sqlite3_column_int64(st, 6);
	t->expires_at = sqlite3_column_int64(st, 7);
	return nz__sq_col_text(arena, st, 2, &t->login) || nz__sq_col_text(arena, st, 3, &t->name)
		   ? NZ_NOMEM
		   : NZ_OK;
}

nz_rc nz__sq_token_list(nz_store *s, nz_arena *arena, int64_t user_id, nz_api_token **out,
			size_t *n, nz_err *err)
{
	nz__sqlite *h = nz__sq(s);
	sqlite3_stmt *st;
	nz_rc rc = nz__sq_stmt(h, SQ_TOKEN_LIST, &st, err);
	if (rc)
		return rc;
	if (sqlite3_bind_int64(st, 1, user_id))
		return nz__sq_bind_error(h, "tokens", err);
	return nz__sq_collect(h, st, "tokens", sizeof(nz_api_token), token_item, arena,
			      (void **)out, n, err);
}
