/*
 * app/account: accounts and API tokens as every front end makes them. A password is hashed
 * here (never stored or logged in clear); a generated one and a new token are handed back
 * once for the front end to show. The store records each change in the audit log.
 */
#include <stdlib.h>
#include <string.h>

#include "app/app.h"

/* The password to store: the given one (checked) or a generated one (into generated), hashed
 * into hash. */
static nz_rc hash_password(const char *password, const char *login,
			   char generated[NZ_PASSWORD_GENERATED], char hash[NZ_PASSWORD_HASH_MAX],
			   nz_err *err)
{
	generated[0] = '\0';
	if (password) {
		nz_rc rc = nz_app_password_check(password, login, err);
		if (rc != NZ_OK)
			return rc;
	} else {
		nz_app_password_generate(generated);
		password = generated;
	}
	return nz_app_password_hash(password, hash, err);
}

nz_rc nz_app_account_create(nz_store *s, int64_t actor, nz_user *u, const char *password,
			    char generated[NZ_PASSWORD_GENERATED], nz_err *err)
{
	char hash[NZ_PASSWORD_HASH_MAX];
	nz_rc rc = hash_password(password, u ? u->login : NULL, generated, hash, err);
	if (rc == NZ_OK)
		rc = nz_store_user_create(s, actor, u, hash, err);
	if (rc != NZ_OK)
		generated[0] = '\0';
	return rc;
}

nz_rc nz_app_password_set(nz_store *s, int64_t actor, int64_t user_id, const char *password,
			  char generated[NZ_PASSWORD_GENERATED], nz_err *err)
{
	char hash[NZ_PASSWORD_HASH_MAX];
	nz_user *u = NULL;
	nz_arena *arena = password ? nz_arena_new() : NULL;
	nz_rc rc = NZ_OK;
	generated[0] = '\0';
	if (password && !arena)
		rc = nz_err_set(err, NZ_NOMEM, "password: out of memory");
	else if (password) /* the login, which the password must not hold */
		rc = nz_store_user_get(s, arena, user_id, &u, err);
	if (rc == NZ_OK)
		rc = hash_password(password, u ? u->login : NULL, generated, hash, err);
	nz_arena_free(arena);
	if (rc == NZ_OK)
		rc = nz_store_user_set_password(s, actor, user_id, hash, err);
	if (rc != NZ_OK)
		generated[0] = '\0';
	return rc;
}

/* ---- API tokens ------------------------------------------------------------------------- */

nz_rc nz_app_token_create(nz_store *s, int64_t actor, int64_t user_id, const char *name, int days,
			  nz_app_token *out, nz_err *err)
{
	char hash[65];
	out->id = 0;
	out->expires_at = 0;
	memset(out->token, 0, sizeof out->token);
	if (days < 0 || days > NZ_API_TOKEN_DAYS_MAX)
		return nz_err_set(err, NZ_INVAL,
				  "token: the expiry must be 1 to %d days, or 0 for never",
				  NZ_API_TOKEN_DAYS_MAX);
	if (days > 0)
		out->expires_at = nz_time_now() + (nz_time)days * 86400;
	nz_app_token_new(NZ_API_TOKEN_PREFIX, out->token, hash);
	nz_rc rc =
	    nz_store_token_create(s, actor, user_id, hash, name, out->expires_at, &out->id, err);
	if (rc != NZ_OK)
		memset(out->token, 0, sizeof out->token);
	return rc;
}

nz_rc nz_app_token_user(nz_store *s, nz_arena *arena, const char *token, nz_time now, nz_user **out,
			nz_err *err)
{
	char hash[65];
	*out = NULL;
	if (!token || strlen(token) >= NZ_TOKEN_MAX)
		return nz_err_set(err, NZ_NOTFOUND, "token: unknown");
	nz_app_token_hash(token, hash);
	return nz_store_token_user(s, arena, hash, now, out, NULL, err);
}

nz_rc nz_app_token_find(nz_store *s, const char *id_or_token, int64_t *id, nz_err *err)
{
	*id = 0;
	if (strncmp(id_or_token, NZ_API_TOKEN_PREFIX, strlen(NZ_API_TOKEN_PREFIX)) == 0) {
		char hash[65];
		nz_app_token_hash(id_or_token, hash);
		return nz_store_token_find(s, hash, id, err);
	}
	char *end = NULL;
	long long n = strtoll(id_or_token, &end, 10);
	if (end == id_or_token || *end || n <= 0)
		return nz_err_set(err, NZ_NOTFOUND, "%s: no such token", id_or_token);
	*id = n;
	return NZ_OK;
}

nz_rc nz_app_token_revoke(nz_store *s, int64_t actor, int64_t id, nz_err *err)
{
	return nz_store_token_revoke(s, actor, id, err);
}
