/*
 * web/admin/reset: the page behind a password-reset link, GET and POST /admin/reset/{token}.
 * Whoever holds the link chooses a new password (typed twice); it must pass the password
 * policy. Using it ends every session of the user (their API tokens stay: those are revoked
 * one by one or by disabling the user), and they then sign in with the new password.
 *
 * Rules: an unknown token counts as a failed sign-in from the client's address, and a throttled
 * address is refused before the token is looked up, so links cannot be guessed faster than
 * passwords. Nothing changes unless the whole reset succeeds (app/password_reset.c). The page
 * never shows the token back except in the form's own action (the URL the person opened).
 */
#include <string.h>

#include "web/admin/admin_int.h"

#define GUESS "reset-link"

/* The reset page: a form (token set), a message, or both; done after a successful reset. */
static void reset_page(nz__ctx *c, int status, const char *token, const char *login,
		       const char *message, bool done)
{
	nz_admin_ctx ac = {.pc = &c->page};
	json_t *view = nz_view_admin(&ac, done ? "Password changed" : "Choose a new password");
	const char *action =
	    token ? nz_arena_printf(c->req->arena, "%s%s", NZ_RESET_PATH, token) : NULL;
	json_t *rv = json_pack(
	    "{s:o, s:o, s:o, s:b, s:i}", "action", action ? json_string(action) : json_null(),
	    "login", login ? json_string(login) : json_null(), "message",
	    message ? json_string(message) : json_null(), "done", done, "min", NZ_PASSWORD_MIN);
	if (view && rv && json_object_set_new(view, "reset", rv) == 0)
		rv = NULL;
	json_decref(rv);
	nz__send_page(c, status, "admin-reset", view);
}

/* The live link of the route's token, or NULL after answering (404 unknown, 410 used or
 * expired, 429 throttled, 503). */
static const char *live_token(nz__ctx *c, const nz_route_match *m, nz_password_reset *r)
{
	const char *message = NULL;
	nz_err err = {0};
	const char *token = nz_arena_str(c->req->arena, nz_route_param(m, "token"));
	nz_rc rc = nz__auth_guess_check(c, GUESS, &message);
	if (rc) {
		reset_page(c, rc == NZ_PERM ? 429 : 503, NULL, NULL, message, false);
		return NULL;
	}
	rc = token ? nz_app_reset_check(c->store, c->req->arena, token, c->page.now, r, &err)
		   : NZ_NOMEM;
	if (rc == NZ_NOTFOUND && !r->user.id) {
		nz_rc grc = nz__auth_guess_failed(c, GUESS, &message);
		reset_page(c, grc == NZ_PERM ? 404 : 503, NULL, NULL,
			   grc == NZ_PERM ? err.msg : message, false);
		return NULL;
	}
	if (rc == NZ_NOTFOUND) {
		reset_page(c, 410, NULL, NULL, err.msg, false);
		return NULL;
	}
	if (rc) {
		NZ_LOG(NZ_LOG_ERROR, "auth", "reset link: %s", err.msg);
		reset_page(c, 503, NULL, NULL, "Resetting passwords is unavailable right now.",
			   false);
		return NULL;
	}
	return token;
}

void nz__admin_reset_get(nz__ctx *c, const nz_route_match *m)
{
	nz_password_reset r;
	const char *token = live_token(c, m, &r);
	if (token)
		reset_page(c, 200, token, r.user.login, NULL, false);
}

void nz__admin_reset_post(nz__ctx *c, const nz_route_match *m)
{
	nz_password_reset r;
	nz_http_form form = {0};
	nz_err err = {0};
	int64_t user_id = 0;
	const char *token = live_token(c, m, &r);
	if (!token)
		return;
	if (nz_http_form_parse(c->req, &form, &err) != NZ_OK) {
		reset_page(c, 400, token, r.user.login,
			   "The form could not be read. Nothing was changed.", false);
		return;
	}
	const char *pw = nz_http_form_get(&form, "password");
	const char *again = nz_http_form_get(&form, "password2");
	if (!pw || !again || strcmp(pw, again) != 0) {
		reset_page(c, 422, token, r.user.login,
			   "The two passwords differ. Type the same new password twice; nothing "
			   "was changed.",
			   false);
		return;
	}
	nz_rc rc = nz_app_reset_use(c->store, token, c->page.now, pw, &user_id, &err);
	if (rc == NZ_INVAL || rc == NZ_UTF8 || rc == NZ_TOOBIG)
		reset_page(c, 422, token, r.user.login, err.msg, false);
	else if (rc == NZ_NOTFOUND)
		reset_page(c, 410, NULL, NULL, err.msg, false);
	else if (rc != NZ_OK) {
		NZ_LOG(NZ_LOG_ERROR, "auth", "reset link: %s", err.msg);
		reset_page(c, 503, token, r.user.login,
			   "The password could not be saved right now. Nothing was changed; please "
			   "try again.",
			   false);
	} else {
		NZ_LOG(NZ_LOG_INFO, "auth", "password of user %lld reset by link",
		       (long long)user_id);
		reset_page(c, 200, NULL, r.user.login, NULL, true);
	}
}
