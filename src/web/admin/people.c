/*
 * web/admin/people: accounts. Admins add users (the generated password is shown once, in the
 * answer to the POST itself, never in a URL), change roles, disable and enable users, and
 * create and revoke API tokens (the token shown once likewise). Everyone changes their own
 * password under "My account".
 *
 * Rules: an admin cannot change their own role or disable themselves (so the last admin cannot
 * lock everyone out by accident); every change is audited by the store.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "web/admin/admin_int.h"

/* A page of the users list; login and password set right after a user was added, login and
 * reset_url right after a reset link was made (either shown once, in the POST's answer). */
static void users_page(nz__ctx *c, const nz_user *me, int status, const char *error,
		       const char *login, const char *password, const char *reset_url)
{
	nz_arena *ar = c->req->arena;
	nz_user *users = NULL;
	size_t n = 0;
	nz_err err = {0};
	nz_admin_ctx ac;
	nz_rc rc = nz_store_user_list(c->store, ar, &users, &n, &err);
	if (rc != NZ_OK) {
		nz__admin_fail(c, "listing users", rc, &err);
		return;
	}
	nz__admin_ctx(c, me, "users", &ac);
	json_t *view = nz_view_admin(&ac, "Users");
	json_t *rows = json_array();
	for (size_t i = 0; rows && i < n; i++) {
		const nz_user *u = &users[i];
		long long id = (long long)u->id;
		json_t *roles = json_pack("[{s:s, s:b}, {s:s, s:b}, {s:s, s:b}]", "name",
					  "contributor", "selected", u->role == NZ_ROLE_CONTRIBUTOR,
					  "name", "editor", "selected", u->role == NZ_ROLE_EDITOR,
					  "name", "admin", "selected", u->role == NZ_ROLE_ADMIN);
		json_t *o =
		    json_pack("{s:I, s:s, s:s, s:o, s:b, s:o, s:b, s:s, s:s, s:s}", "id",
			      (json_int_t)u->id, "login", u->login, "role", nz_role_name(u->role),
			      "roles", roles, "disabled", u->disabled_at != 0, "created",
			      nz_view_admin_time(&ac, u->created_at), "is_self", u->id == me->id,
			      "role_url", nz_arena_printf(ar, "/admin/users/%lld/role", id),
			      "disable_url", nz_arena_printf(ar, "/admin/users/%lld/disable", id),
			      "reset_url", nz_arena_printf(ar, "/admin/users/%lld/reset-link", id));
		if (!o || json_array_append_new(rows, o) != 0) {
			json_decref(rows);
			rows = NULL;
		}
	}
	json_t *secret =
	    password ? json_pack("{s:s, s:s}", "login", login, "password", password) : json_null();
	json_t *reset =
	    reset_url ? json_pack("{s:s, s:s}", "login", login, "url", reset_url) : json_null();
	json_t *page =
	    rows ? json_pack("{s:o, s:o, s:o, s:o, s:o}", "rows", rows, "secret", secret, "reset",
			     reset, "error", error ? json_string(error) : json_null(), "login",
			     !password && !reset_url && login ? json_string(login) : json_null())
		 : NULL;
	if (!view || !page || json_object_set_new(view, "users", page) != 0) {
		json_decref(view);
		nz__admin_error(c, 503, NULL);
		return;
	}
	nz__admin_send(c, status, "admin-users", view);
}

void nz__admin_users(nz__ctx *c, const nz_route_match *m)
{
	(void)m;
	const nz_user *me = nz__auth_require(c, NZ_ACT_MANAGE_USERS, NULL);
	if (me)
		users_page(c, me, 200, NULL, NULL, NULL, NULL);
}

void nz__admin_user_add(nz__ctx *c, const nz_route_match *m)
{
	(void)m;
	nz_http_form form;
	nz_err err = {0};
	nz_role role;
	const nz_user *me = nz__auth_require(c, NZ_ACT_MANAGE_USERS, NULL);
	if (!me || !nz__admin_form(c, &form))
		return;
	const char *login = nz_http_form_get(&form, "login");
	if (!nz_user_login_valid(login)) {
		users_page(c, me, 422,
			   "A login is 1 to 64 lower-case letters, digits, “.”, “_” or “-”, "
			   "starting with a letter or digit.",
			   login, NULL, NULL);
		return;
	}
	if (nz_role_parse(nz_str_c(nz_http_form_get(&form, "role")), &role) != NZ_OK) {
		users_page(c, me, 422, "Choose a role: contributor, editor or admin.", login, NULL,
			   NULL);
		return;
	}
	char password[NZ_PASSWORD_GENERATED];
	nz_user u = {.login = login, .role = role};
	nz_rc rc = nz_app_account_create(c->store, me->id, &u, NULL, password, &err);
	if (rc == NZ_EXISTS) {
		users_page(c, me, 422, "That login is taken already.", login, NULL, NULL);
		return;
	}
	if (rc != NZ_OK) {
		nz__admin_fail(c, "adding a user", rc, &err);
		return;
	}
	users_page(c, me, 200, NULL, login, nz_arena_strdup(c->req->arena, password), NULL);
}

/* The user named by the route, who must not be the admin themselves. */
static int64_t other_user(nz__ctx *c, const nz_route_match *m, const nz_user *me)
{
	int64_t id = nz__admin_id(nz_route_param(m, "id"));
	if (!id) {
		nz__admin_error(c, 404, "There is no such user.");
		return 0;
	}
	if (id == me->id) {
		nz__admin_error(c, 422,
				"You cannot change your own role or disable yourself; ask another "
				"admin.");
		return 0;
	}
	return id;
}

void nz__admin_user_role(nz__ctx *c, const nz_route_match *m)
{
	nz_http_form form;
	nz_err err = {0};
	nz_role role;
	const nz_user *me = nz__auth_require(c, NZ_ACT_MANAGE_USERS, NULL);
	int64_t id = me ? other_user(c, m, me) : 0;
	if (!id || !nz__admin_form(c, &form))
		return;
	if (nz_role_parse(nz_str_c(nz_http_form_get(&form, "role")), &role) != NZ_OK) {
		nz__admin_error(c, 422, "Choose a role: contributor, editor or admin.");
		return;
	}
	nz_rc rc = nz_store_user_set_role(c->store, me->id, id, role, &err);
	if (rc == NZ_NOTFOUND)
		nz__admin_error(c, 404, "There is no such user.");
	else if (rc != NZ_OK)
		nz__admin_fail(c, "changing a role", rc, &err);
	else
		nz__admin_done(c, "/admin/users", "role");
}

void nz__admin_user_disable(nz__ctx *c, const nz_route_match *m)
{
	nz_http_form form;
	nz_err err = {0};
	const nz_user *me = nz__auth_require(c, NZ_ACT_MANAGE_USERS, NULL);
	int64_t id = me ? other_user(c, m, me) : 0;
	if (!id || !nz__admin_form(c, &form))
		return;
	const char *v = nz_http_form_get(&form, "disabled");
	bool disable = !v || strcmp(v, "0") != 0;
	nz_rc rc = nz_store_user_set_disabled(c->store, me->id, id, disable, &err);
	if (rc == NZ_NOTFOUND)
		nz__admin_error(c, 404, "There is no such user.");
	else if (rc != NZ_OK)
		nz__admin_fail(c, "disabling a user", rc, &err);
	else
		nz__admin_done(c, "/admin/users", disable ? "disabled" : "enabled");
}

/* Makes a one-time password-reset link for the user and shows it once, to pass on (no mail is
 * sent). Allowed for any user, the admin included. */
void nz__admin_user_reset_link(nz__ctx *c, const nz_route_match *m)
{
	nz_http_form form;
	nz_err err = {0};
	nz_user *u = NULL;
	char token[NZ_TOKEN_MAX];
	nz_time expires_at = 0;
	const nz_user *me = nz__auth_require(c, NZ_ACT_MANAGE_USERS, NULL);
	int64_t id = nz__admin_id(nz_route_param(m, "id"));
	if (!me || !nz__admin_form(c, &form))
		return;
	nz_rc rc = id ? nz_store_user_get(c->store, c->req->arena, id, &u, &err) : NZ_NOTFOUND;
	if (rc == NZ_OK)
		rc = nz_app_reset_create(c->store, me->id, id, token, &expires_at, &err);
	if (rc == NZ_NOTFOUND)
		nz__admin_error(c, 404, "There is no such user.");
	else if (rc != NZ_OK)
		nz__admin_fail(c, "making a reset link", rc, &err);
	else
		users_page(c, me, 200, NULL, u->login, NULL,
			   nz_arena_printf(c->req->arena, "%s%s%s", c->site.base_url, NZ_RESET_PATH,
					   token));
}

/* ---- API tokens ------------------------------------------------------------------------ */

static json_t *token_rows(nz__ctx *c, const nz_admin_ctx *ac)
{
	nz_arena *ar = c->req->arena;
	nz_api_token *t = NULL;
	size_t n = 0;
	nz_err err = {0};
	if (nz_store_token_list(c->store, ar, 0, &t, &n, &err) != NZ_OK) {
		NZ_LOG(NZ_LOG_ERROR, "admin", "listing tokens: %s", err.msg);
		return NULL;
	}
	json_t *rows = json_array();
	for (size_t i = 0; rows && i < n; i++) {
		json_t *expires = nz_view_admin_time(ac, t[i].expires_at);
		if (json_is_object(expires))
			json_object_set_new(expires, "expired",
					    json_boolean(t[i].expires_at <= c->page.now));
		json_t *o =
		    json_pack("{s:s, s:s, s:o, s:o, s:o, s:o, s:s}", "name",
			      t[i].name && t[i].name[0] ? t[i].name : "(no name)", "login",
			      t[i].login ? t[i].login : "", "created",
			      nz_view_admin_time(ac, t[i].created_at), "last_used",
			      nz_view_admin_time(ac, t[i].last_used_at), "expires", expires,
			      "revoked", nz_view_admin_time(ac, t[i].revoked_at), "revoke_url",
			      nz_arena_printf(ar, "/admin/tokens/%lld/revoke", (long long)t[i].id));
		if (!o || json_array_append_new(rows, o) != 0) {
			json_decref(rows);
			rows = NULL;
		}
	}
	return rows;
}

static void tokens_page(nz__ctx *c, const nz_user *me, int status, const char *error,
			const char *login, const char *token)
{
	nz_user *users = NULL;
	size_t n = 0;
	nz_err err = {0};
	nz_admin_ctx ac;
	nz_rc rc = nz_store_user_list(c->store, c->req->arena, &users, &n, &err);
	if (rc != NZ_OK) {
		nz__admin_fail(c, "listing users", rc, &err);
		return;
	}
	nz__admin_ctx(c, me, "tokens", &ac);
	json_t *view = nz_view_admin(&ac, "API tokens");
	json_t *us = json_array();
	for (size_t i = 0; us && i < n; i++)
		if (!users[i].disabled_at &&
		    json_array_append_new(us, json_pack("{s:s, s:s}", "login", users[i].login,
							"role", nz_role_name(users[i].role))) !=
			0) {
			json_decref(us);
			us = NULL;
		}
	json_t *rows = token_rows(c, &ac);
	json_t *page =
	    rows && us ? json_pack("{s:o, s:o, s:o, s:o}", "rows", rows, "users", us, "secret",
				   token ? json_pack("{s:s, s:s}", "login", login, "token", token)
					 : json_null(),
				   "error", error ? json_string(error) : json_null())
		       : NULL;
	if (!page) {
		json_decref(rows);
		json_decref(us);
	}
	if (!view || !page || json_object_set_new(view, "tokens", page) != 0) {
		json_decref(view);
		nz__admin_error(c, 503, NULL);
		return;
	}
	nz__admin_send(c, status, "admin-tokens", view);
}

void nz__admin_tokens(nz__ctx *c, const nz_route_match *m)
{
	(void)m;
	const nz_user *me = nz__auth_require(c, NZ_ACT_MANAGE_USERS, NULL);
	if (me)
		tokens_page(c, me, 200, NULL, NULL, NULL);
}

void nz__admin_token_create(nz__ctx *c, const nz_route_match *m)
{
	(void)m;
	nz_http_form form;
	nz_err err = {0};
	nz_user *u = NULL;
	const nz_user *me = nz__auth_require(c, NZ_ACT_MANAGE_USERS, NULL);
	if (!me || !nz__admin_form(c, &form))
		return;
	const char *login = nz_http_form_get(&form, "login");
	nz_str name = nz_str_trim(nz_str_c(nz_http_form_get(&form, "name")));
	nz_rc rc = login ? nz_store_user_by_login(c->store, c->req->arena, login, &u, NULL, &err)
			 : NZ_NOTFOUND;
	if (rc == NZ_NOTFOUND || (rc == NZ_OK && u->disabled_at)) {
		tokens_page(c, me, 422, "Choose an active user for the token.", NULL, NULL);
		return;
	}
	nz_app_token t;
	const char *days = nz_http_form_get(&form, "expires_days");
	char *end = NULL;
	long n_days = days && *days ? strtol(days, &end, 10) : NZ_API_TOKEN_DAYS;
	if (end && *end)
		n_days = -1;
	if (rc == NZ_OK)
		rc = nz_app_token_create(
		    c->store, me->id, u->id, name.len ? nz_arena_str(c->req->arena, name) : NULL,
		    n_days < 0 || n_days > INT_MAX ? -1 : (int)n_days, &t, &err);
	if (rc == NZ_INVAL) {
		tokens_page(c, me, 422, nz_arena_strdup(c->req->arena, err.msg), NULL, NULL);
		return;
	}
	if (rc != NZ_OK) {
		nz__admin_fail(c, "creating a token", rc, &err);
		return;
	}
	tokens_page(c, me, 200, NULL, u->login, nz_arena_strdup(c->req->arena, t.token));
}

void nz__admin_token_revoke(nz__ctx *c, const nz_route_match *m)
{
	nz_err err = {0};
	const nz_user *me = nz__auth_require(c, NZ_ACT_MANAGE_USERS, NULL);
	if (!me)
		return;
	int64_t id = nz__admin_id(nz_route_param(m, "id"));
	nz_rc rc = id ? nz_app_token_revoke(c->store, me->id, id, &err) : NZ_NOTFOUND;
	if (rc == NZ_NOTFOUND)
		nz__admin_error(c, 404, "There is no such token.");
	else if (rc != NZ_OK)
		nz__admin_fail(c, "revoking a token", rc, &err);
	else
		nz__admin_done(c, "/admin/tokens", "revoked");
}

/* ---- my account ------------------------------------------------------------------------ */

static void account_page(nz__ctx *c, const nz_user *me, int status, const char *error)
{
	nz_admin_ctx ac;
	nz__admin_ctx(c, me, "account", &ac);
	json_t *view = nz_view_admin(&ac, "My account");
	json_t *rows = nz__session_rows(c, me, &ac);
	json_t *a = json_pack(
	    "{s:s, s:s, s:o, s:o, s:b}", "login", me->login, "role", nz_role_name(me->role),
	    "error", error ? json_string(error) : json_null(), "sessions",
	    rows ? rows : json_array(), "many_sessions", rows && json_array_size(rows) > 1);
	if (!view || !a || json_object_set_new(view, "account", a) != 0) {
		json_decref(view);
		nz__admin_error(c, 503, NULL);
		return;
	}
	nz__admin_send(c, status, "admin-account", view);
}

void nz__admin_account(nz__ctx *c, const nz_route_match *m)
{
	(void)m;
	const nz_user *me = nz__auth_require(c, NZ_ACT_CREATE, NULL);
	if (me)
		account_page(c, me, 200, NULL);
}

void nz__admin_account_password(nz__ctx *c, const nz_route_match *m)
{
	(void)m;
	nz_http_form form;
	nz_err err = {0};
	nz_user *stored = NULL;
	const char *hash = NULL;
	const nz_user *me = nz__auth_require(c, NZ_ACT_CREATE, NULL);
	if (!me || !nz__admin_form(c, &form))
		return;
	const char *current = nz_http_form_get(&form, "current");
	const char *password = nz_http_form_get(&form, "password");
	const char *confirm = nz_http_form_get(&form, "confirm");
	nz_rc rc = nz_store_user_by_login(c->store, c->req->arena, me->login, &stored, &hash, &err);
	if (rc != NZ_OK) {
		nz__admin_fail(c, "loading the account", rc, &err);
		return;
	}
	const char *why = NULL;
	rc = nz__auth_password_check(c, me->login, stored, hash, current, &why);
	if (rc != NZ_OK) {
		bool many = rc == NZ_PERM && strstr(why, "Too many") != NULL;
		account_page(c, me,
			     rc != NZ_PERM ? 503
			     : many        ? 429
					   : 422,
			     many || rc != NZ_PERM ? why : "Your current password is not right.");
		return;
	}
	if (!password || !confirm || strcmp(password, confirm) != 0) {
		account_page(c, me, 422, "The new password and its repetition differ.");
		return;
	}
	char generated[NZ_PASSWORD_GENERATED];
	rc = nz_app_password_set(c->store, me->id, me->id, password, generated, &err);
	if (rc == NZ_INVAL || rc == NZ_UTF8) { /* the new password does not pass the check */
		account_page(c, me, 422, nz_arena_strdup(c->req->arena, err.msg));
		return;
	}
	if (rc != NZ_OK) {
		nz__admin_fail(c, "changing the password", rc, &err);
		return;
	}
	/* Every session ended with the change; this browser signs in again with the new one. */
	const nz_user *again = NULL;
	const char *message = NULL;
	if (nz__auth_login(c, me->login, password, &again, &message) != NZ_OK) {
		nz__admin_done(c, "/admin/login", NULL);
		return;
	}
	nz__admin_done(c, "/admin/account", "password");
}
