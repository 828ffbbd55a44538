/*
 * web/admin/api_accounts: the admin JSON API's accounts: who am I, users and API tokens
 * (admins), and the audit log (editors and admins).
 *
 * Rules: passwords and tokens made here are shown once, in the response that made them, and
 * stored hashed.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "web/admin/admin_int.h"

static json_t *time_json(nz_time t)
{
	char buf[48];
	return t ? json_string(nz_time_rfc3339(t, buf)) : json_null();
}

static json_t *user_json(const nz_user *u)
{
	return json_pack("{s:I, s:s, s:s, s:o, s:o}", "id", (json_int_t)u->id, "login", u->login,
			 "role", nz_role_name(u->role), "created_at", time_json(u->created_at),
			 "disabled_at", time_json(u->disabled_at));
}

void nz__api_me(nz__ctx *c, const nz_route_match *m)
{
	(void)m;
	const nz_user *u = nz__auth_api_user(c);
	if (!u)
		return;
	json_t *o = user_json(u);
	/* A signed-in browser learns its CSRF token here (for X-CSRF-Token); tokens need none. */
	const char *csrf = nz_http_header(c->req, "Authorization") ? NULL : nz__auth_csrf_token(c);
	if (o)
		json_object_set_new(o, "csrf", csrf ? json_string(csrf) : json_null());
	nz__send_json(c->resp, 200, o);
}

/* The signed-in admin, or NULL after answering 401/403. */
static const nz_user *admin(nz__ctx *c)
{
	const nz_user *u = nz__auth_api_user(c);
	return u && nz__auth_api_can(c, u, NZ_ACT_MANAGE_USERS, NULL) ? u : NULL;
}

void nz__api_users(nz__ctx *c, const nz_route_match *m)
{
	(void)m;
	nz_user *users = NULL;
	size_t n = 0;
	nz_err err = {0};
	if (!admin(c))
		return;
	nz_rc rc = nz_store_user_list(c->store, c->req->arena, &users, &n, &err);
	if (rc) {
		nz__api_fail(c, rc, &err);
		return;
	}
	json_t *arr = json_array();
	for (size_t i = 0; arr && i < n; i++)
		json_array_append_new(arr, user_json(&users[i]));
	nz__send_json(c->resp, 200, json_pack("{s:o}", "users", arr));
}

void nz__api_user_create(nz__ctx *c, const nz_route_match *m)
{
	(void)m;
	const nz_user *me = admin(c);
	json_t *body = me ? nz__api_body(c, false) : NULL;
	char pw[NZ_PASSWORD_GENERATED];
	nz_err err = {0};
	nz_user u = {0};
	if (!body)
		return;
	const char *role =
	    nz_arena_strdup(c->req->arena, json_string_value(json_object_get(body, "role")));
	u.login = nz_arena_strdup(c->req->arena, json_string_value(json_object_get(body, "login")));
	json_decref(body);
	if (!role || nz_role_parse(nz_str_c(role), &u.role) != NZ_OK) {
		nz__send_json_error(c->resp, 400, "invalid", "role: contributor, editor or admin");
		return;
	}
	nz_rc rc = nz_app_account_create(c->store, me->id, &u, NULL, pw, &err);
	if (rc) {
		nz__api_fail(c, rc, &err);
		return;
	}
	json_t *o = user_json(&u);
	if (o)
		json_object_set_new(o, "password", json_string(pw));
	nz__send_json(c->resp, 201, o);
}

void nz__api_user_update(nz__ctx *c, const nz_route_match *m)
{
	const nz_user *me = admin(c);
	int64_t id = me ? nz__api_id(c, m, "id") : 0;
	json_t *body = id ? nz__api_body(c, false) : NULL;
	nz_err err = {0};
	nz_rc rc = NZ_OK;
	nz_role role;
	nz_user *u = NULL;
	if (!body)
		return;
	json_t *r = json_object_get(body, "role"), *d = json_object_get(body, "disabled");
	if ((r && (!json_is_string(r) ||
		   nz_role_parse(nz_str_c(json_string_value(r)), &role) != NZ_OK)) ||
	    (d && !json_is_boolean(d))) {
		json_decref(body);
		nz__send_json_error(c->resp, 400, "invalid",
				    "send {\"role\": contributor|editor|admin} and/or "
				    "{\"disabled\": true|false}");
		return;
	}
	if (id == me->id && ((r && role != NZ_ROLE_ADMIN) || (d && json_is_true(d)))) {
		json_decref(body);
		nz__send_json_error(c->resp, 409, "self",
				    "you cannot take away your own admin role or disable yourself");
		return;
	}
	if (r)
		rc = nz_store_user_set_role(c->store, me->id, id, role, &err);
	if (!rc && d)
		rc = nz_store_user_set_disabled(c->store, me->id, id, json_is_true(d), &err);
	json_decref(body);
	if (!rc)
		rc = nz_store_user_get(c->store, c->req->arena, id, &u, &err);
	if (rc)
		nz__api_fail(c, rc, &err);
	else
		nz__send_json(c->resp, 200, user_json(u));
}

void nz__api_tokens(nz__ctx *c, const nz_route_match *m)
{
	(void)m;
	nz_api_token *t = NULL;
	size_t n = 0;
	nz_err err = {0};
	if (!admin(c))
		return;
	nz_rc rc = nz_store_token_list(c->store, c->req->arena, 0, &t, &n, &err);
	if (rc) {
		nz__api_fail(c, rc, &err);
		return;
	}
	json_t *arr = json_array();
	for (size_t i = 0; arr && i < n; i++)
		json_array_append_new(arr,
				      json_pack("{s:I, s:s?, s:s?, s:o, s:o, s:o, s:o}", "id",
						(json_int_t)t[i].id, "login", t[i].login, "name",
						t[i].name, "created_at", time_json(t[i].created_at),
						"last_used_at", time_json(t[i].last_used_at),
						"expires_at", time_json(t[i].expires_at),
						"revoked_at", time_json(t[i].revoked_at)));
	nz__send_json(c->resp, 200, json_pack("{s:o}", "tokens", arr));
}

void nz__api_token_create(nz__ctx *c, const nz_route_match *m)
{
	(void)m;
	const nz_user *me = admin(c);
	json_t *body = me ? nz__api_body(c, false) : NULL;
	nz_app_token t;
	nz_user *owner = NULL;
	nz_err err = {0};
	if (!body)
		return;
	const char *login = json_string_value(json_object_get(body, "login"));
	const char *name = json_string_value(json_object_get(body, "name"));
	/* expires_in_days: 1..NZ_API_TOKEN_DAYS_MAX, null for never, absent for the default */
	json_t *days_v = json_object_get(body, "expires_in_days");
	json_int_t days = !days_v                   ? NZ_API_TOKEN_DAYS
			  : json_is_null(days_v)    ? 0
			  : json_is_integer(days_v) ? json_integer_value(days_v)
						    : -1;
	if (days == 0 && !json_is_null(days_v))
		days = -1; /* 0 is not a number of days: never is null */
	nz_rc rc = login
		       ? nz_store_user_by_login(c->store, c->req->arena, login, &owner, NULL, &err)
		       : NZ_INVAL;
	if (rc == NZ_INVAL)
		nz_err_set(&err, rc, "login: whose token it is");
	if (!rc)
		rc = nz_app_token_create(c->store, me->id, owner->id, name,
					 days < 0 || days > INT_MAX ? -1 : (int)days, &t, &err);
	json_decref(body);
	if (rc) {
		nz__api_fail(c, rc == NZ_NOTFOUND ? NZ_INVAL : rc, &err);
		return;
	}
	nz__send_json(c->resp, 201,
		      json_pack("{s:I, s:s, s:s, s:s, s:o}", "id", (json_int_t)t.id, "login",
				owner->login, "role", nz_role_name(owner->role), "token", t.token,
				"expires_at", time_json(t.expires_at)));
}

void nz__api_token_revoke(nz__ctx *c, const nz_route_match *m)
{
	const nz_user *me = admin(c);
	int64_t id = me ? nz__api_id(c, m, "id") : 0;
	nz_err err = {0};
	if (!id)
		return;
	nz_rc rc = nz_app_token_revoke(c->store, me->id, id, &err);
	if (rc)
		nz__api_fail(c, rc, &err);
	else
		nz__send_json(c->resp, 200,
			      json_pack("{s:I, s:b}", "id", (json_int_t)id, "revoked", 1));
}

void nz__api_audit(nz__ctx *c, const nz_route_match *m)
{
	(void)m;
	const nz_user *u = nz__auth_api_user(c);
	nz_audit_query q = {0};
	nz_audit_entry *e = NULL;
	size_t n = 0;
	nz_err err = {0};
	if (!u || !nz__auth_api_can(c, u, NZ_ACT_AUDIT, NULL))
		return;
	const char *art = nz_http_query(c->req, "article"),
		   *before = nz_http_query(c->req, "before");
	const char *limit = nz_http_query(c->req, "limit");
	q.article_id = art ? strtoll(art, NULL, 10) : 0;
	q.before_id = before ? strtoll(before, NULL, 10) : 0;
	q.limit = limit ? (size_t)strtoul(limit, NULL, 10) : 100;
	nz_rc rc = nz_store_audit_list(c->store, c->req->arena, &q, &e, &n, &err);
	if (rc) {
		nz__api_fail(c, rc, &err);
		return;
	}
	json_t *arr = json_array();
	for (size_t i = 0; arr && i < n; i++)
		json_array_append_new(
		    arr,
		    json_pack("{s:I, s:o, s:s?, s:s, s:s?, s:o, s:o, s:s?}", "id",
			      (json_int_t)e[i].id, "at", time_json(e[i].at), "user", e[i].login,
			      "action", e[i].action, "object_type", e[i].object_type, "object_id",
			      e[i].object_id ? json_integer(e[i].object_id) : json_null(),
			      "article_id",
			      e[i].article_id ? json_integer(e[i].article_id) : json_null(),
			      "detail", e[i].detail));
	nz__send_json(c->resp, 200, json_pack("{s:o}", "entries", arr));
}
