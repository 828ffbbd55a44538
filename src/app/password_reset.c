/*
 * app/password_reset: one-time password-reset links. An admin makes one for a user and passes
 * it on (Newszone sends no mail); the user opens it and chooses a new password, which must pass
 * the same policy as any other. The token is 32 random bytes from libsodium; the store keeps
 * only its SHA-256 hex, one link per user, so a new link voids the older one.
 */
#include <string.h>

#include "app/app.h"

nz_rc nz_app_reset_create(nz_store *s, int64_t actor, int64_t user_id, char token[NZ_TOKEN_MAX],
			  nz_time *expires_at, nz_err *err)
{
	char hash[65];
	*expires_at = nz_time_now() + NZ_RESET_LINK_TTL;
	nz_app_token_new("", token, hash);
	nz_rc rc = nz_store_reset_create(s, actor, user_id, hash, *expires_at, err);
	if (rc != NZ_OK) {
		memset(token, 0, NZ_TOKEN_MAX);
		*expires_at = 0;
	}
	return rc;
}

nz_rc nz_app_reset_check(nz_store *s, nz_arena *arena, const char *token, nz_time now,
			 nz_password_reset *out, nz_err *err)
{
	char hash[65];
	memset(out, 0, sizeof *out);
	if (!token || !*token || strlen(token) >= NZ_TOKEN_MAX)
		return nz_err_set(err, NZ_NOTFOUND, "This reset link is not valid.");
	nz_app_token_hash(token, hash);
	nz_rc rc = nz_store_reset_get(s, arena, hash, out, err);
	if (rc == NZ_NOTFOUND) {
		memset(out, 0, sizeof *out);
		return nz_err_set(err, rc,
				  "This reset link is not valid: it may have been mistyped, or "
				  "replaced by a newer one.");
	}
	if (rc != NZ_OK)
		return rc;
	if (out->used_at)
		return nz_err_set(err, NZ_NOTFOUND,
				  "This reset link has been used already. Ask an admin for a new "
				  "one.");
	if (out->expires_at <= now)
		return nz_err_set(err, NZ_NOTFOUND,
				  "This reset link has expired (links work for 24 hours). Ask an "
				  "admin for a new one.");
	if (out->user.disabled_at)
		return nz_err_set(err, NZ_NOTFOUND, "This account is disabled.");
	return NZ_OK;
}

nz_rc nz_app_reset_use(nz_store *s, const char *token, nz_time now, const char *password,
		       int64_t *user_id, nz_err *err)
{
	char hash[65], pw_hash[NZ_PASSWORD_HASH_MAX];
	nz_password_reset r;
	nz_arena *arena = nz_arena_new();
	nz_rc rc = NZ_OK;
	*user_id = 0;
	if (!arena)
		return nz_err_set(err, NZ_NOMEM, "reset link: out of memory");
	if ((rc = nz_app_reset_check(s, arena, token, now, &r, err)) ||
	    (rc = nz_app_password_check(password ? password : "", r.user.login, err)) ||
	    (rc = nz_app_password_hash(password, pw_hash, err)))
		goto out;
	nz_app_token_hash(token, hash);
	rc = nz_store_reset_use(s, hash, now, pw_hash, user_id, err);
	if (rc == NZ_NOTFOUND) /* spent by a request that raced this one */
		nz_err_set(err, rc, "This reset link has been used already.");
out:
	nz_arena_free(arena);
	return rc;
}
