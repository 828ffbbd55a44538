/*
 * accounts.c: the backend-neutral front of accounts (store.h, "accounts"): users, sessions,
 * sign-in throttling and API tokens. It checks logins, roles and hashes and fills defaults;
 * the backend does the SQL and records each change in the audit log.
 */
#include <string.h>

#include "store/store_int.h"

/* ---- users ------------------------------------------------------------------------------- */

nz_rc nz_store_user_create(nz_store *s, int64_t actor, nz_user *u, const char *password_hash,
			   nz_err *err)
{
	if (!u || !nz_user_login_valid(u->login))
		return nz_err_set(err, NZ_INVAL,
				  "login: use 1 to %d lower-case letters, digits, '.', '_' or '-', "
				  "starting with a letter or digit",
				  NZ_LOGIN_MAX);
	if ((unsigned)u->role > NZ_ROLE_ADMIN)
		return nz_err_set(err, NZ_INVAL, "role: must be contributor, editor or admin");
	if (!password_hash || !*password_hash)
		return nz_err_set(err, NZ_INVAL, "password: missing");
	if (!u->created_at)
		u->created_at = nz_time_now();
	return nz__store_user_create(s, actor, u, password_hash, err);
}

nz_rc nz_store_user_get(nz_store *s, nz_arena *arena, int64_t id, nz_user **out, nz_err *err)
{
	*out = NULL;
	return nz__store_user_get(s, arena, id, out, err);
}

nz_rc nz_store_user_by_login(nz_store *s, nz_arena *arena, const char *login, nz_user **out,
			     const char **password_hash, nz_err *err)
{
	*out = NULL;
	if (password_hash)
		*password_hash = NULL;
	if (!login || !*login)
		return nz_err_set(err, NZ_NOTFOUND, "user: no login given");
	return nz__store_user_by_login(s, arena, login, out, password_hash, err);
}

nz_rc nz_store_user_list(nz_store *s, nz_arena *arena, nz_user **out, size_t *n, nz_err *err)
{
	*out = NULL;
	*n = 0;
	return nz__store_user_list(s, arena, out, n, err);
}

nz_rc nz_store_user_set_role(nz_store *s, int64_t actor, int64_t user_id, nz_role role, nz_err *err)
{
	if ((unsigned)role > NZ_ROLE_ADMIN)
		return nz_err_set(err, NZ_INVAL, "role: must be contributor, editor or admin");
	return nz__store_user_set_role(s, actor, user_id, role, err);
}

nz_rc nz_store_user_set_password(nz_store *s, int64_t actor, int64_t user_id,
				 const char *password_hash, nz_err *err)
{
	if (!password_hash || !*password_hash)
		return nz_err_set(err, NZ_INVAL, "password: missing");
	return nz__store_user_set_password(s, actor, user_id, password_hash, err);
}

/* ---- sessions and sign-ins --------------------------------------------------------------- */

static bool hash_ok(const char *h)
{
	if (!h || strlen(h) != 64)
		return false;
	for (size_t i = 0; i < 64; i++)
		if (!((h[i] >= '0' && h[i] <= '9') || (h[i] >= 'a' && h[i] <= 'f')))
			return false;
	return true;
}

nz_rc nz_store_session_create(nz_store *s, const char *id_hash, int64_t user_id, nz_time expires_at,
			      const char *address, nz_err *err)
{
	if (!hash_ok(id_hash))
		return nz_err_set(err, NZ_INVAL, "session: the id must be a SHA-256 in hex");
	return nz__store_session_create(s, id_hash, user_id, expires_at, address, err);
}

nz_rc nz_store_session_user(nz_store *s, nz_arena *arena, const char *id_hash, nz_time now,
			    nz_user **out, nz_time *expires_at, nz_err *err)
{
	nz_time ignored;
	*out = NULL;
	if (!hash_ok(id_hash))
		return nz_err_set(err, NZ_NOTFOUND, "session: unknown");
	return nz__store_session_user(s, arena, id_hash, now ? now : nz_time_now(), out,
				      expires_at ? expires_at : &ignored, err);
}

nz_rc nz_store_session_delete(nz_store *s, const char *id_hash, nz_err *err)
{
	if (!hash_ok(id_hash))
		return NZ_OK;
	return nz__store_session_delete(s, id_hash, err);
}

nz_rc nz_store_session_device(nz_store *s, const char *id_hash, const char *device, nz_err *err)
{
	if (!hash_ok(id_hash))
		return NZ_OK;
	if (device && strlen(device) > NZ_SESSION_DEVICE_MAX)
		return nz_err_set(err, NZ_INVAL, "session: the device label is too long");
	return nz__store_session_device(s, id_hash, device && *device ? device : NULL, err);
}

nz_rc nz_store_session_list(nz_store *s, nz_arena *arena, int64_t user_id, nz_time now,
			    nz_session_info **out, size_t *n, nz_err *err)
{
	*out = NULL;
	*n = 0;
	return nz__store_session_list(s, arena, user_id, now ? now : nz_time_now(), out, n, err);
}

nz_rc nz_store_session_end(nz_store *s, int64_t user_id, const char *prefix, const char *keep,
			   int *ended, nz_err *err)
{
	int ignored;
	ended = ended ? ended : &ignored;
	*ended = 0;
	if (prefix && (strlen(prefix) != NZ_SESSION_PREFIX ||
		       strspn(prefix, "0123456789abcdef") != NZ_SESSION_PREFIX))
		return nz_err_set(err, NZ_NOTFOUND, "session: unknown");
	if (keep && !hash_ok(keep))
		keep = NULL;
	nz_rc rc = nz__store_session_end(s, user_id, prefix, keep, ended, err);
	if (rc == NZ_OK && prefix && *ended == 0)
		return nz_err_set(err, NZ_NOTFOUND, "session: unknown");
	return rc;
}

/* ---- presence ------------------------------------------------------------------------------ */

nz_rc nz_store_presence_beat(nz_store *s, int64_t article_id, int64_t user_id, nz_time now,
			     nz_time ttl, nz_err *err)
{
	if (article_id <= 0 || user_id <= 0 || ttl <= 0)
		return nz_err_set(err, NZ_INVAL, "presence: an article, a user and an expiry");
	return nz__store_presence_beat(s, article_id, user_id, now ? now : nz_time_now(), ttl, err);
}

nz_rc nz_store_presence_list(nz_store *s, nz_arena *arena, int64_t article_id, nz_time now,
			     nz_time ttl, nz_presence **out, size_t *n, nz_err *err)
{
	*out = NULL;
	*n = 0;
	if (ttl <= 0)
		return nz_err_set(err, NZ_INVAL, "presence: the expiry must be positive");
	return nz__store_presence_list(s, arena, article_id, now ? now : nz_time_now(), ttl, out, n,
				       err);
}

nz_rc nz_store_login_failures(nz_store *s, const char *login, const char *address, nz_time since,
			      int *by_login, int *by_address, nz_err *err)
{
	*by_login = *by_address = 0;
	return nz__store_login_failures(s, login ? login : "", address ? address : "", since,
					by_login, by_address, err);
}

nz_rc nz_store_login_failed(nz_store *s, const char *login, const char *address, int64_t user_id,
			    nz_err *err)
{
	return nz__store_login_failed(s, login ? login : "", address ? address : "", user_id, err);
}

/* ---- tokens ------------------------------------------------------------------------------ */

nz_rc nz_store_token_create(nz_store *s, int64_t actor, int64_t user_id, const char *token_hash,
			    const char *name, nz_time expires_at, int64_t *id, nz_err *err)
{
	*id = 0;
	if (!hash_ok(token_hash))
		return nz_err_set(err, NZ_INVAL, "token: the hash must be a SHA-256 in hex");
	if (expires_at < 0)
		return nz_err_set(err, NZ_INVAL, "token: the expiry must be a time or 0 (never)");
	return nz__store_token_create(s, actor, user_id, token_hash, name, expires_at, id, err);
}

nz_rc nz_store_token_user(nz_store *s, nz_arena *arena, const char *token_hash, nz_time now,
			  nz_user **out, int64_t *token_id, nz_err *err)
{
	int64_t ignored;
	*out = NULL;
	if (!hash_ok(token_hash))
		return nz_err_set(err, NZ_NOTFOUND, "token: unknown");
	return nz__store_token_user(s, arena, token_hash, now ? now : nz_time_now(), out,
				    token_id ? token_id : &ignored, err);
}

nz_rc nz_store_token_find(nz_store *s, const char *token_hash, int64_t *token_id, nz_err *err)
{
	*token_id = 0;
	if (!hash_ok(token_hash))
		return nz_err_set(err, NZ_NOTFOUND, "token: unknown");
	return nz__store_token_find(s, token_hash, token_id, err);
}

nz_rc nz_store_token_list(nz_store *s, nz_arena *arena, int64_t user_id, nz_api_token **out,
			  size_t *n, nz_err *err)
{
	*out = NULL;
	*n = 0;
	return nz__store_token_list(s, arena, user_id, out, n, err);
}
