/*
 * web/admin/login: signing in and out of the back office: GET/POST /admin/login,
 * POST /admin/logout, and nz__auth_login / nz__auth_logout behind them; the routes of
 * password-reset links (reset.c).
 *
 * Rules: a failed sign-in says the same thing whether the login exists or not, and takes as
 * long (an unknown login is checked against a dummy hash). Throttling counts failures per
 * account and per address in the database, so it holds across threads, restarts and nodes.
 * The session is rotated on every sign-in. `next` only ever leads back into /admin.
 * The same check and count guard every other place that asks for a password (changing it).
 * Fail closed: when a failure cannot be recorded (a full disk, a read-only database), every
 * password check on this server is refused for THROTTLE_DOWN_SECONDS before any password is
 * looked at, and the failing attempt answers "unavailable" like a right one that cannot start
 * a session would, so an unrecorded guess never tells right from wrong.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <string.h>

#include "web/admin/admin_int.h"

static char dummy_hash[NZ_PASSWORD_HASH_MAX];
static pthread_once_t dummy_once = PTHREAD_ONCE_INIT;

static void make_dummy(void)
{
	char pw[NZ_PASSWORD_GENERATED];
	nz_app_password_generate(pw);
	if (nz_app_password_hash(pw, dummy_hash, NULL) != NZ_OK)
		dummy_hash[0] = '\0';
}

static void set_cookie(nz__ctx *c, const char *value, nz_time max_age)
{
	bool secure = strncmp(c->site.base_url, "https://", 8) == 0;
	nz_http_set_cookie(c->resp, c->req->arena, NZ_SESSION_COOKIE, value, max_age, secure);
}

#define THROTTLE_DOWN_SECONDS 30
#define UNAVAILABLE "Signing in is unavailable right now. Please try again shortly."

/* Until when password checks are refused because a failure could not be recorded. */
static _Atomic int64_t throttle_down_until;

/* NZ_PERM with *message when the account or the address has failed too often; NZ_IO (or the
 * store's error) while the throttle cannot be read or was lately not written. */
static nz_rc throttled(nz__ctx *c, const char *login, const char *addr, const char **message)
{
	int by_login = 0, by_addr = 0;
	nz_err err = {0};
	if (atomic_load(&throttle_down_until) > c->page.now) {
		*message = UNAVAILABLE;
		return NZ_IO;
	}
	nz_rc rc = nz_store_login_failures(c->store, login, addr, c->page.now - NZ_LOGIN_WINDOW,
					   &by_login, &by_addr, &err);
	if (rc) {
		NZ_LOG(NZ_LOG_ERROR, "auth", "login throttle: %s", err.msg);
		*message = UNAVAILABLE;
		return rc;
	}
	if (by_login >= NZ_LOGIN_MAX_FAILS_ACCOUNT) {
		*message = "Too many failed sign-ins for this account. Wait 15 minutes, then try "
			   "again.";
		return NZ_PERM;
	}
	if (by_addr >= NZ_LOGIN_MAX_FAILS_ADDRESS) {
		*message = "Too many failed sign-ins from your network address. Wait 15 minutes, "
			   "then try again.";
		return NZ_PERM;
	}
	return NZ_OK;
}

/* Records a failed password check; when that fails, refuses every check for a while. */
static nz_rc record_failure(nz__ctx *c, const char *login, const char *addr, int64_t user_id,
			    const char **message)
{
	nz_err err = {0};
	NZ_LOG(NZ_LOG_INFO, "auth", "failed sign-in from %s", addr);
	nz_rc rc = nz_store_login_failed(c->store, login, addr, user_id, &err);
	if (rc == NZ_OK) {
		*message = "Wrong login or password.";
		return NZ_PERM;
	}
	NZ_LOG(NZ_LOG_ERROR, "auth", "login failure not recorded, refusing sign-ins for %d s: %s",
	       THROTTLE_DOWN_SECONDS, err.msg);
	atomic_store(&throttle_down_until, c->page.now + THROTTLE_DOWN_SECONDS);
	*message = UNAVAILABLE;
	return NZ_IO;
}

nz_rc nz__auth_password_check(nz__ctx *c, const char *login, const nz_user *u, const char *hash,
			      const char *password, const char **message)
{
	const char *addr = nz_http_client_addr(c->req);
	nz_rc rc = throttled(c, login, addr, message);
	if (rc)
		return rc;
	if (!u || !hash) {
		pthread_once(&dummy_once, make_dummy);
		nz_app_password_verify(dummy_hash, password ? password : "");
	}
	if (!u || !hash || !password || !nz_app_password_verify(hash, password) || u->disabled_at)
		return record_failure(c, login, addr, u ? u->id : 0, message);
	return NZ_OK;
}

nz_rc nz__auth_login(nz__ctx *c, const char *login, const char *password, const nz_user **out,
		     const char **message)
{
	const char *addr = nz_http_client_addr(c->req);
	const char *hash = NULL;
	nz_user *u = NULL;
	nz_err err = {0};
	nz_rc rc;

	*out = NULL;
	*message = "Wrong login or password.";
	if (!login || !*login || !password || !*password || strlen(login) > NZ_LOGIN_MAX ||
	    strlen(password) > NZ_PASSWORD_MAX) {
		*message = "Enter your login and password.";
		return NZ_PERM;
	}
	if ((rc = throttled(c, login, addr, message)))
		return rc;
	rc = nz_store_user_by_login(c->store, c->req->arena, login, &u, &hash, &err);
	if (rc != NZ_OK && rc != NZ_NOTFOUND) {
		NZ_LOG(NZ_LOG_ERROR, "auth", "login: %s", err.msg);
		*message = UNAVAILABLE;
		return rc;
	}
	if ((rc = nz__auth_password_check(c, login, rc == NZ_OK ? u : NULL, hash, password,
					  message)))
		return rc;
	/* Rotate: a session this browser had is ended before the new one starts. */
	if (nz__auth_user(c))
		nz_store_session_delete(c->store, nz__auth_session_id(c), NULL);
	char token[NZ_TOKEN_MAX], sid[65];
	nz_app_token_new("", token, sid);
	rc =
	    nz_store_session_create(c->store, sid, u->id, c->page.now + NZ_SESSION_TTL, addr, &err);
	if (rc) {
		NZ_LOG(NZ_LOG_ERROR, "auth", "session: %s", err.msg);
		*message = UNAVAILABLE;
		return rc;
	}
	/* Only a coarse label for the user's list of sessions; a failure here loses nothing. */
	const char *device =
	    nz__session_device(c->req->arena, nz_http_header(c->req, "User-Agent"));
	if (nz_store_session_device(c->store, sid, device, &err) != NZ_OK)
		NZ_LOG(NZ_LOG_WARN, "auth", "session device: %s", err.msg);
	set_cookie(c, token, NZ_SESSION_TTL);
	*out = u;
	*message = NULL;
	return NZ_OK;
}

void nz__auth_logout(nz__ctx *c)
{
	nz_err err = {0};
	if (nz__auth_user(c) &&
	    nz_store_session_delete(c->store, nz__auth_session_id(c), &err) != NZ_OK)
		NZ_LOG(NZ_LOG_ERROR, "auth", "logout: %s", err.msg);
	set_cookie(c, "", 0);
}

/* The throttle key of a secret in a URL for this client: "what@address" (arena), or NULL
 * with *message when out of memory. */
static const char *guess_key(nz__ctx *c, const char *what, const char **message)
{
	const char *key =
	    nz_arena_printf(c->req->arena, "%s@%s", what, nz_http_client_addr(c->req));
	if (!key)
		*message = UNAVAILABLE;
	return key;
}

nz_rc nz__auth_guess_check(nz__ctx *c, const char *what, const char **message)
{
	const char *key = guess_key(c, what, message);
	return key ? throttled(c, key, nz_http_client_addr(c->req), message) : NZ_NOMEM;
}

nz_rc nz__auth_guess_failed(nz__ctx *c, const char *what, const char **message)
{
	const char *key = guess_key(c, what, message);
	return key ? record_failure(c, key, nz_http_client_addr(c->req), 0, message) : NZ_NOMEM;
}

/* ---- pages ------------------------------------------------------------------------------- */

/* Where to go after signing in: a path inside /admin, else the dashboard. */
static const char *safe_next(const char *next)
{
	if (!next || strncmp(next, "/admin", 6) != 0 || strstr(next, "//") || strchr(next, '\\') ||
	    strpbrk(next, "\r\n"))
		return "/admin";
	return next;
}

static void login_page(nz__ctx *c, int status, const char *login, const char *next,
		       const char *message)
{
	nz_admin_ctx ac = {.pc = &c->page};
	json_t *view = nz_view_admin(&ac, "Sign in");
	json_t *lv = json_object();
	if (view && lv) {
		json_object_set_new(lv, "login", login ? json_string(login) : json_null());
		json_object_set_new(lv, "next", json_string(safe_next(next)));
		json_object_set_new(lv, "message", message ? json_string(message) : json_null());
		json_object_set_new(view, "login", lv);
		lv = NULL;
	}
	json_decref(lv);
	nz__send_page(c, status, "admin-login", view);
}

static void login_get(nz__ctx *c, const nz_route_match *m)
{
	(void)m;
	const char *next = nz_http_query(c->req, "next");
	if (nz__auth_user(c)) {
		nz__redirect(c, safe_next(next));
		return;
	}
	login_page(c, 200, NULL, next, NULL);
}

static void login_post(nz__ctx *c, const nz_route_match *m)
{
	(void)m;
	nz_http_form form = {0};
	nz_err err = {0};
	const nz_user *u = NULL;
	const char *message = NULL;
	if (nz_http_form_parse(c->req, &form, &err) != NZ_OK) {
		login_page(c, 400, NULL, NULL, "The form could not be read. Please try again.");
		return;
	}
	const char *login = nz_http_form_get(&form, "login");
	const char *next = nz_http_form_get(&form, "next");
	nz_rc rc = nz__auth_login(c, login, nz_http_form_get(&form, "password"), &u, &message);
	if (rc == NZ_OK) {
		nz__redirect(c, safe_next(next));
		return;
	}
	int status = rc != NZ_PERM ? 503 : strstr(message, "Too many") != NULL ? 429 : 401;
	login_page(c, status, login, next, message);
}

static void logout_post(nz__ctx *c, const nz_route_match *m)
{
	(void)m;
	nz__auth_logout(c);
	nz__redirect(c, "/admin/login");
}

const nz__route_entry nz__admin_auth_routes[] = {
    {"GET", "/admin/login", login_get},
    {"POST", "/admin/login", login_post},
    {"POST", "/admin/logout", logout_post},
    {"GET", "/admin/reset/{token}", nz__admin_reset_get},
    {"POST", "/admin/reset/{token}", nz__admin_reset_post},
    {NULL, NULL, NULL},
};
