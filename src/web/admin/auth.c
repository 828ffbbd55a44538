/*
 * web/admin/auth: sessions, CSRF, the admin gate and permission answers.
 * See auth.h for the rules; sign-in and sign-out are in login.c.
 *
 * Threading: everything here works on the request's own store handle and arena; libsodium is
 * initialised once (sodium_init is safe to call from several threads).
 */
#include <sodium.h>
#include <string.h>
#include <strings.h>

#include "web/admin/auth.h"
#include "web/web_int.h"

#define CSRF_SECRET_KEY "csrf_secret"

/* What this request has been found to be; in the request's arena (c->auth). */
struct nz__auth_state {
	bool looked;         /* the session cookie was looked up */
	const nz_user *user; /* the session's user, or NULL */
	char session[65];    /* SHA-256 hex of the session token, "" when none */
	const char *csrf;    /* this session's CSRF token, made on demand */
};

static void sodium_ready(void)
{
	if (sodium_init() < 0)
		abort(); /* no safe randomness: refuse to hand out guessable secrets */
}

/* ---- sessions ---------------------------------------------------------------------------- */

static struct nz__auth_state *state(nz__ctx *c)
{
	if (!c->auth)
		c->auth = nz_arena_zalloc(c->req->arena, sizeof *c->auth);
	return c->auth;
}

const nz_user *nz__auth_user(nz__ctx *c)
{
	struct nz__auth_state *st = state(c);
	if (!st)
		return NULL;
	if (st->looked)
		return st->user;
	st->looked = true;
	const char *token = nz_http_cookie(c->req, NZ_SESSION_COOKIE);
	if (!token || !*token || strlen(token) >= NZ_TOKEN_MAX)
		return NULL;
	char hash[65];
	nz_app_token_hash(token, hash);
	nz_user *u = NULL;
	nz_err err = {0};
	nz_rc rc =
	    nz_store_session_user(c->store, c->req->arena, hash, c->page.now, &u, NULL, &err);
	if (rc != NZ_OK) {
		if (rc != NZ_NOTFOUND)
			NZ_LOG(NZ_LOG_ERROR, "auth", "session: %s", err.msg);
		return NULL;
	}
	memcpy(st->session, hash, sizeof st->session);
	st->user = u;
	return u;
}

const char *nz__auth_session_id(nz__ctx *c)
{
	return nz__auth_user(c) ? c->auth->session : NULL;
}

/* ---- CSRF -------------------------------------------------------------------------------- */

/* The per-database CSRF key (made on first use), into key. */
static bool csrf_key(nz__ctx *c, unsigned char key[crypto_auth_KEYBYTES])
{
	const char *stored = NULL;
	nz_err err = {0};
	unsigned char fresh[crypto_auth_KEYBYTES];
	char hex[2 * crypto_auth_KEYBYTES + 1];

	sodium_ready();
	randombytes_buf(fresh, sizeof fresh);
	sodium_bin2hex(hex, sizeof hex, fresh, sizeof fresh);
	if (nz_store_setting_ensure(c->store, c->req->arena, CSRF_SECRET_KEY, hex, &stored, &err) !=
	    NZ_OK) {
		NZ_LOG(NZ_LOG_ERROR, "auth", "CSRF secret: %s", err.msg);
		return false;
	}
	size_t n = 0;
	return sodium_hex2bin(key, crypto_auth_KEYBYTES, stored, strlen(stored), NULL, &n, NULL) ==
		   0 &&
	       n == crypto_auth_KEYBYTES;
}

const char *nz__auth_csrf_token(nz__ctx *c)
{
	struct nz__auth_state *st = state(c);
	unsigned char key[crypto_auth_KEYBYTES], mac[crypto_auth_BYTES];
	if (!st || !nz__auth_user(c))
		return NULL;
	if (st->csrf)
		return st->csrf;
	if (!csrf_key(c, key))
		return NULL;
	crypto_auth(mac, (const unsigned char *)st->session, 64, key);
	char *tok = nz_arena_alloc(c->req->arena, 2 * sizeof mac + 1);
	if (tok)
		sodium_bin2hex(tok, 2 * sizeof mac + 1, mac, sizeof mac);
	sodium_memzero(key, sizeof key);
	st->csrf = tok;
	return tok;
}

bool nz__auth_csrf_ok(nz__ctx *c, const char *value)
{
	unsigned char key[crypto_auth_KEYBYTES], mac[crypto_auth_BYTES];
	size_t n = 0;
	struct nz__auth_state *st = state(c);
	if (!value || !st || !nz__auth_user(c) || strlen(value) != 2 * sizeof mac)
		return false;
	if (sodium_hex2bin(mac, sizeof mac, value, strlen(value), NULL, &n, NULL) != 0 ||
	    n != sizeof mac || !csrf_key(c, key))
		return false;
	bool ok = crypto_auth_verify(mac, (const unsigned char *)st->session, 64, key) == 0;
	sodium_memzero(key, sizeof key);
	return ok;
}

/* ---- answering --------------------------------------------------------------------------- */

void nz__redirect(nz__ctx *c, const char *location)
{
	nz_http_resp_header(c->resp, "Location", location);
	nz__send_text(c->resp, 303, "See Other\n");
}

/* A 403 page with a message, or the API's JSON error. */
static void forbid(nz__ctx *c, bool api, const char *code, const char *message)
{
	if (api)
		nz__send_json_error(c->resp, 403, code, message);
	else
		nz__send_error_page(c, 403, message);
}

static bool can_or_forbid(nz__ctx *c, bool api, const nz_user *u, nz_action act,
			  const nz_article *a)
{
	if (u && nz_can(u->role, act, a, u->id))
		return true;
	const char *msg = nz_arena_printf(c->req->arena, "Your role (%s) may not %s%s.",
					  u ? nz_role_name(u->role) : "none", nz_action_name(act),
					  a ? " this article" : "");
	forbid(c, api, "forbidden", msg ? msg : "Not allowed.");
	return false;
}

bool nz__auth_api_can(nz__ctx *c, const nz_user *u, nz_action act, const nz_article *a)
{
	return can_or_forbid(c, true, u, act, a);
}

bool nz__auth_page_can(nz__ctx *c, const nz_user *u, nz_action act, const nz_article *a)
{
	return can_or_forbid(c, false, u, act, a);
}

const nz_user *nz__auth_require(nz__ctx *c, nz_action act, const nz_article *a)
{
	const nz_user *u = nz__auth_user(c);
	if (!u) {
		nz_buf next;
		nz_buf_init(&next, 8192);
		nz_buf_puts(&next, "/admin/login?next=");
		nz_escape_url(&next, c->req->path, strlen(c->req->path));
		const char *loc = nz_arena_strdup(c->req->arena, nz_buf_cstr(&next));
		nz_buf_free(&next);
		nz__redirect(c, loc ? loc : "/admin/login");
		return NULL;
	}
	return can_or_forbid(c, false, u, act, a) ? u : NULL;
}

static bool unsafe_method(const char *m)
{
	return strcmp(m, "GET") != 0 && strcmp(m, "HEAD") != 0 && strcmp(m, "OPTIONS") != 0;
}

const nz_user *nz__auth_api_user(nz__ctx *c)
{
	const char *h = nz_http_header(c->req, "Authorization");
	if (h && strncasecmp(h, "Bearer ", 7) == 0) {
		const char *tok = h + 7;
		while (*tok == ' ')
			tok++;
		nz_user *u = NULL;
		nz_err err = {0};
		nz_rc rc = nz_app_token_user(c->store, c->req->arena, tok, c->page.now, &u, &err);
		if (rc == NZ_OK)
			return u;
		if (rc != NZ_NOTFOUND) {
			/* The database failed (read-only, full, gone), not the token: say so, so
			 * clients retry rather than drop a token that is good. */
			NZ_LOG(NZ_LOG_ERROR, "auth", "token: %s", err.msg);
			nz_http_resp_header(c->resp, "Retry-After", "30");
			nz__send_json_error(
			    c->resp, 503, "unavailable",
			    "tokens cannot be checked right now; try again shortly");
			return NULL;
		}
	} else if (!h) {
		const nz_user *u = nz__auth_user(c);
		if (u && unsafe_method(c->req->method) &&
		    !nz__auth_csrf_ok(c, nz_http_header(c->req, NZ_CSRF_HEADER))) {
			nz__send_json_error(
			    c->resp, 403, "csrf",
			    "a signed-in browser must send the X-CSRF-Token header");
			return NULL;
		}
		if (u)
			return u;
	}
	nz_http_resp_header(c->resp, "WWW-Authenticate", "Bearer realm=\"newszone\"");
	nz__send_json_error(c->resp, 401, "unauthorized",
			    h ? "the bearer token is unknown, revoked or its user disabled"
			      : "send Authorization: Bearer <token> (newszone token create LOGIN)");
	return NULL;
}

/* ---- the admin gate ---------------------------------------------------------------------- */

static void security_headers(nz_http_resp *resp)
{
	nz_http_resp_header(resp, "Content-Security-Policy",
			    "default-src 'self'; script-src 'self'; style-src 'self'; "
			    "img-src 'self' data:; object-src 'none'; base-uri 'none'; "
			    "form-action 'self'; frame-ancestors 'none'");
	nz_http_resp_header(resp, "X-Frame-Options", "DENY");
	nz_http_resp_header(resp, "Referrer-Policy", "no-referrer");
	nz_http_resp_header(resp, "X-Content-Type-Options", "nosniff");
	nz_http_resp_header(resp, "Cache-Control", "private, no-store");
}

/* True when the request's Origin (if sent) is this site: the Host it was sent to, or the
 * configured base URL. */
static bool same_origin(nz__ctx *c)
{
	const char *origin = nz_http_header(c->req, "Origin");
	const char *host = nz_http_header(c->req, "Host");
	if (!origin)
		return true;
	/* The admin pages' Referrer-Policy: no-referrer makes browsers send "Origin: null" with
	 * their own form posts; Sec-Fetch-Site (set by the browser, not by pages) still tells. */
	if (strcmp(origin, "null") == 0) {
		const char *site = nz_http_header(c->req, "Sec-Fetch-Site");
		return site && strcmp(site, "same-origin") == 0;
	}
	if (strcmp(origin, c->site.base_url) == 0)
		return true;
	if (host) {
		const char *scheme = strstr(origin, "://");
		if (scheme && strcmp(scheme + 3, host) == 0)
			return true;
	}
	return false;
}

static bool is_admin_path(const char *p)
{
	return strncmp(p, "/admin", 6) == 0 && (p[6] == '\0' || p[6] == '/');
}

bool nz__auth_gate(nz__ctx *c)
{
	if (!is_admin_path(c->req->path))
		return true;
	security_headers(c->resp);
	if (!unsafe_method(c->req->method))
		return true;
	/* Sign-in and reset-link forms come from people without a session (so without a CSRF
	 * token); the reset link's own secret token is in the URL the form posts to. */
	if (strcmp(c->req->path, "/admin/login") == 0 ||
	    strncmp(c->req->path, NZ_RESET_PATH, strlen(NZ_RESET_PATH)) == 0) {
		if (same_origin(c))
			return true;
		nz__send_error_page(c, 403, "This form was sent from another site.");
		return false;
	}
	const char *tok = nz_http_header(c->req, NZ_CSRF_HEADER);
	if (!tok) {
		nz_http_form form;
		nz_err err = {0};
		nz_rc rc = nz_http_form_parse(c->req, &form, &err);
		if (rc == NZ_UNSUPPORTED || rc == NZ_PARSE || rc == NZ_UTF8 || rc == NZ_TOOBIG) {
			/* The token cannot be read because the form cannot: say why. */
			const char *why = nz_arena_printf(
			    c->req->arena, "This form could not be read: %s. Nothing was changed.",
			    err.msg);
			nz__send_error_page(c, rc == NZ_UNSUPPORTED ? 415 : 400,
					    why ? why : err.msg);
			return false;
		}
		if (rc == NZ_OK)
			tok = nz_http_form_get(&form, NZ_CSRF_FIELD);
	}
	if (nz__auth_csrf_ok(c, tok))
		return true;
	nz__send_error_page(c, 403,
			    nz__auth_user(c)
				? "The form's security token is missing or wrong. Go back, reload "
				  "the page and try again; nothing was changed."
				: "You are not signed in (or your session has ended). Sign in and "
				  "try again; nothing was changed.");
	return false;
}
