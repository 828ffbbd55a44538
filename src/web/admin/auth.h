/*
 * web/auth: who is asking, and may they. Passwords (argon2id), sessions (cookie "nz_session"),
 * CSRF tokens, API bearer tokens, login throttling, the admin security headers and the
 * permission checks every back-office handler makes (the UI's pages and the admin API alike).
 *
 * Rules:
 * - Secrets never reach the database: a session cookie and an API token are 32 random bytes;
 *   the store keeps only their SHA-256 hex. Passwords and secrets are made and checked by
 *   app/ (nz_app_password_*, nz_app_token_*).
 * - CSRF: the token of a session is HMAC(session id hash) with a per-database secret (the
 *   "csrf_secret" setting, made on first use), so forms need no server state. Every POST, PUT,
 *   PATCH and DELETE under /admin is checked centrally (app.c calls nz__auth_gate) before any
 *   handler runs: the form field "csrf" (urlencoded or multipart, read with form.c's parser)
 *   or the header X-CSRF-Token must match. POST /admin/login has no session yet; it checks
 *   Origin instead.
 * - Permission is decided by nz_can (content/) on the server for every action.
 * - Everything here works on a request (nz__ctx) and answers errors itself.
 */
#ifndef NZ_WEB_AUTH_H
#define NZ_WEB_AUTH_H

#include "app/app.h"
#include "content/content.h"
#include "core/core.h"

#define NZ_SESSION_COOKIE "nz_session"
#define NZ_SESSION_TTL ((nz_time)14 * 24 * 3600) /* seconds a session lives */
#define NZ_CSRF_FIELD "csrf"                     /* the form field forms carry */
#define NZ_CSRF_HEADER "X-CSRF-Token"            /* or this header (fetch, multipart) */

/* Login throttling: after this many failed sign-ins within NZ_LOGIN_WINDOW seconds for one
 * account, or from one address, further attempts are refused (without checking the password)
 * until the window has passed. */
#define NZ_LOGIN_MAX_FAILS_ACCOUNT 5
#define NZ_LOGIN_MAX_FAILS_ADDRESS 20
#define NZ_LOGIN_WINDOW ((nz_time)15 * 60)

/* ---- request ----------------------------------------------------------------------------- */

typedef struct nz__ctx nz__ctx; /* web_int.h */

/* The user signed in on this request through the session cookie, or NULL (no cookie, unknown
 * or expired session, disabled user, database error: all mean "not signed in"). In the
 * request's arena; looked up once per request and remembered. */
const nz_user *nz__auth_user(nz__ctx *c);
/* The SHA-256 hex of the request's session token (what the store keys sessions by), or NULL
 * without a live session. */
const char *nz__auth_session_id(nz__ctx *c);
/* The CSRF token to put in this session's forms (name NZ_CSRF_FIELD) and in the X-CSRF-Token
 * header of scripts; NULL without a session. In the request's arena. */
const char *nz__auth_csrf_token(nz__ctx *c);
/* True when value (a form field or header value) is this session's CSRF token. */
bool nz__auth_csrf_ok(nz__ctx *c, const char *value);

/* For back-office PAGES. Returns the signed-in user when they may do act (to a, or NULL);
 * otherwise answers itself and returns NULL: not signed in -> 303 to /admin/login?next=<path>;
 * signed in without permission -> 403 page. */
const nz_user *nz__auth_require(nz__ctx *c, nz_action act, const nz_article *a);
/* For the admin JSON API. Returns the user of a valid "Authorization: Bearer nzt_..." token, or
 * of the session cookie (then an unsafe method also needs the X-CSRF-Token header); otherwise
 * answers 401 {"error":{"code":"unauthorized"}} (403 "csrf" for a bad CSRF header) and returns
 * NULL. */
const nz_user *nz__auth_api_user(nz__ctx *c);
/* True when u may do act (to a); else answers 403 {"error":{"code":"forbidden"}} (API) or the
 * 403 page, and returns false. */
bool nz__auth_api_can(nz__ctx *c, const nz_user *u, nz_action act, const nz_article *a);
bool nz__auth_page_can(nz__ctx *c, const nz_user *u, nz_action act, const nz_article *a);

/* Called by app.c for every request before its handler. For paths under /admin: adds the
 * security headers (CSP default-src 'self' with script-src 'self' and no inline script,
 * frame-ancestors 'none', Referrer-Policy no-referrer, X-Content-Type-Options nosniff,
 * X-Frame-Options DENY, Cache-Control no-store) and, for unsafe methods, checks the CSRF
 * token (403 page "csrf" when wrong; except POST /admin/login, which checks Origin). Returns
 * false when it answered and the handler must not run. */
bool nz__auth_gate(nz__ctx *c);

/* Signs in: throttling, password check, a new session (rotated: a session cookie already sent
 * is ended), the Set-Cookie header (HttpOnly, SameSite=Lax, Path=/, Max-Age, Secure when the
 * site's base_url is https). NZ_PERM with a message for people in *message ("Wrong login or
 * password.", "Too many failed sign-ins for this account; try again in 15 minutes.");
 * NZ_OK with *out the user. */
nz_rc nz__auth_login(nz__ctx *c, const char *login, const char *password, const nz_user **out,
		     const char **message);
/* Checks a password of login (u and its stored hash; NULL when there is no such user) as a
 * sign-in does: refused while the account or the client's address is throttled, a wrong one
 * counted as a failed sign-in. NZ_OK when right; NZ_PERM with *message for people when wrong
 * or throttled; another code with *message when the throttle cannot be used (answer 503). */
nz_rc nz__auth_password_check(nz__ctx *c, const char *login, const nz_user *u, const char *hash,
			      const char *password, const char **message);
/* Guessing guards for a secret in a URL (what: "reset-link"), counted per client address as
 * failed sign-ins are: nz__auth_guess_check before looking the secret up (NZ_OK to go on;
 * NZ_PERM with *message when throttled; another code with *message: answer 503), and
 * nz__auth_guess_failed when it was unknown (NZ_PERM, or NZ_IO when it could not be
 * recorded). */
nz_rc nz__auth_guess_check(nz__ctx *c, const char *what, const char **message);
nz_rc nz__auth_guess_failed(nz__ctx *c, const char *what, const char **message);
/* Ends the request's session on the server and clears the cookie. */
void nz__auth_logout(nz__ctx *c);

/* ---- helpers ----------------------------------------------------------------------------- */

/* Answers 303 See Other to location (a path on this site). */
void nz__redirect(nz__ctx *c, const char *location);

#endif
