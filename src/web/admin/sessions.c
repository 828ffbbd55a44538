/*
 * web/admin/sessions: a user's own sessions, on their account page and in the admin API's
 * "me" area: when each started, when it was last used (to the minute), a coarse device label,
 * which one is this browser; end one, or every one but this.
 *   POST   /admin/account/sessions/{id}/end   → 303 /admin/account?done=session-ended
 *   POST   /admin/account/sessions/end-others → 303 /admin/account?done=sessions-ended
 *   GET    /api/v1/admin/me/sessions          → {"sessions":[{id, current, created_at, ...}]}
 *   DELETE /api/v1/admin/me/sessions/{id}     → {"ended":1} (404 when not one of the user's)
 *   DELETE /api/v1/admin/me/sessions          → {"ended":n}, every session but this browser's
 *
 * Rules: a session is named by the first NZ_SESSION_PREFIX hex digits of its stored hash,
 * never the cookie; a user sees and ends only their own; the device label is made here from
 * the User-Agent when signing in (browser and system, nothing else: the address is not kept).
 */
#include <string.h>

#include "web/admin/admin_int.h"

/* ---- the device label ---------------------------------------------------------------------- */

static const char *first_of(const char *ua, const char *const *pairs)
{
	for (size_t i = 0; pairs[i]; i += 2)
		if (strstr(ua, pairs[i]))
			return pairs[i + 1];
	return NULL;
}

const char *nz__session_device(nz_arena *arena, const char *ua)
{
	/* Order matters: Edge and Opera say Chrome, Chrome says Safari, Android says Linux. */
	static const char *const browsers[] = {"Edg/",     "Edge",    "OPR/",      "Opera",
					       "Firefox/", "Firefox", "Chromium/", "Chromium",
					       "Chrome/",  "Chrome",  "Safari/",   "Safari",
					       "curl/",    "curl",    NULL,        NULL};
	static const char *const systems[] = {
	    "Android", "Android", "iPhone",   "iPhone", "iPad",  "iPad",  "CrOS", "ChromeOS",
	    "Windows", "Windows", "Mac OS X", "macOS",  "Linux", "Linux", NULL,   NULL};
	if (!ua || !*ua)
		return NULL;
	const char *b = first_of(ua, browsers), *os = first_of(ua, systems);
	if (!b && !os)
		return "Other device";
	if (!os)
		return b;
	return b ? nz_arena_printf(arena, "%s on %s", b, os) : os;
}

/* ---- shared ------------------------------------------------------------------------------- */

/* The sessions of me as a JSON array (current marked by the request's own session). */
static json_t *sessions_json(nz__ctx *c, const nz_user *me, const nz_admin_ctx *ac, nz_rc *rc,
			     nz_err *err)
{
	nz_session_info *list = NULL;
	size_t n = 0;
	const char *mine = nz_http_header(c->req, "Authorization") ? NULL : nz__auth_session_id(c);
	if ((*rc = nz_store_session_list(c->store, c->req->arena, me->id, c->page.now, &list, &n,
					 err)))
		return NULL;
	json_t *rows = json_array();
	for (size_t i = 0; rows && i < n; i++) {
		char created[32], seen[32], expires[32];
		bool current = mine && strncmp(mine, list[i].id, NZ_SESSION_PREFIX) == 0;
		json_t *row =
		    json_pack("{s:s, s:b, s:s, s:s, s:s, s:o}", "id", list[i].id, "current",
			      current, "created_at", nz_time_rfc3339(list[i].created_at, created),
			      "last_seen_at", nz_time_rfc3339(list[i].last_seen_at, seen),
			      "expires_at", nz_time_rfc3339(list[i].expires_at, expires), "device",
			      list[i].device ? json_string(list[i].device) : json_null());
		if (row && ac)
			json_object_update_new(
			    row, json_pack("{s:o, s:o}", "created",
					   nz_view_admin_time(ac, list[i].created_at), "seen",
					   nz_view_admin_time(ac, list[i].last_seen_at)));
		if (!row || json_array_append_new(rows, row) != 0) {
			json_decref(rows);
			rows = NULL;
		}
	}
	if (!rows)
		*rc = nz_err_set(err, NZ_NOMEM, "sessions: out of memory");
	return rows;
}

json_t *nz__session_rows(nz__ctx *c, const nz_user *me, const nz_admin_ctx *ac)
{
	nz_rc rc;
	nz_err err = {0};
	json_t *rows = sessions_json(c, me, ac, &rc, &err);
	if (!rows)
		NZ_LOG(NZ_LOG_ERROR, "admin", "listing sessions: %s", err.msg);
	return rows;
}

/* ---- the account page's forms -------------------------------------------------------------- */

static void end_one(nz__ctx *c, const nz_route_match *m)
{
	nz_err err = {0};
	const nz_user *me = nz__auth_require(c, NZ_ACT_CREATE, NULL);
	if (!me)
		return;
	const char *id = nz_arena_str(c->req->arena, nz_route_param(m, "id"));
	const char *mine = nz__auth_session_id(c);
	nz_rc rc = id ? nz_store_session_end(c->store, me->id, id, NULL, NULL, &err) : NZ_NOMEM;
	if (rc == NZ_NOTFOUND)
		nz__admin_error(c, 404,
				"There is no such session of yours: it may have ended already.");
	else if (rc)
		nz__admin_fail(c, "ending a session", rc, &err);
	else if (mine && strncmp(mine, id, NZ_SESSION_PREFIX) == 0)
		nz__admin_done(c, "/admin/login", NULL); /* this browser's own: signed out */
	else
		nz__admin_done(c, "/admin/account", "session-ended");
}

static void end_others(nz__ctx *c, const nz_route_match *m)
{
	(void)m;
	nz_err err = {0};
	const nz_user *me = nz__auth_require(c, NZ_ACT_CREATE, NULL);
	if (!me)
		return;
	nz_rc rc = nz_store_session_end(c->store, me->id, NULL, nz__auth_session_id(c), NULL, &err);
	if (rc)
		nz__admin_fail(c, "ending sessions", rc, &err);
	else
		nz__admin_done(c, "/admin/account", "sessions-ended");
}

/* ---- the admin API's "me" area ------------------------------------------------------------- */

static void api_list(nz__ctx *c, const nz_route_match *m)
{
	(void)m;
	nz_rc rc;
	nz_err err = {0};
	const nz_user *me = nz__auth_api_user(c);
	if (!me)
		return;
	json_t *rows = sessions_json(c, me, NULL, &rc, &err);
	if (!rows)
		nz__api_fail(c, rc, &err);
	else
		nz__send_json(c->resp, 200, json_pack("{s:o}", "sessions", rows));
}

static void api_end(nz__ctx *c, const nz_route_match *m)
{
	nz_err err = {0};
	int ended = 0;
	const nz_user *me = nz__auth_api_user(c);
	if (!me)
		return;
	const char *id = m ? nz_arena_str(c->req->arena, nz_route_param(m, "id")) : NULL;
	const char *keep = nz_http_header(c->req, "Authorization") ? NULL : nz__auth_session_id(c);
	nz_rc rc = nz_store_session_end(c->store, me->id, id, id ? NULL : keep, &ended, &err);
	if (rc == NZ_NOTFOUND)
		nz__send_json_error(c->resp, 404, "not_found", "no such session of yours");
	else if (rc)
		nz__api_fail(c, rc, &err);
	else
		nz__send_json(c->resp, 200, json_pack("{s:i}", "ended", ended));
}

static void api_end_others(nz__ctx *c, const nz_route_match *m)
{
	(void)m;
	api_end(c, NULL);
}

const nz__route_entry nz__admin_session_routes[] = {
    {"POST", "/admin/account/sessions/end-others", end_others},
    {"POST", "/admin/account/sessions/{id}/end", end_one},
    {"GET", "/api/v1/admin/me/sessions", api_list},
    {"DELETE", "/api/v1/admin/me/sessions", api_end_others},
    {"DELETE", "/api/v1/admin/me/sessions/{id}", api_end},
    {NULL, NULL, NULL},
};
