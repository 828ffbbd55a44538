/*
 * web/admin/presence: who else has an article open in the editor ("Kim Min-jun is editing
 * since 14:02"). Opening the editor records a visit and shows the others already there (no
 * JavaScript needed); the editor's script then posts a heartbeat every HEARTBEAT seconds and
 * redraws the notice from the answer. A visit without a heartbeat for TTL seconds is over.
 *   GET  /api/v1/admin/articles/{id}/presence  → {"others":[{user_id, name, since, since_local}],
 *                                                  "heartbeat":15, "expires_after":45}
 *   POST /api/v1/admin/articles/{id}/presence  the same, after recording the caller's heartbeat
 *
 * Rules: presence lives in the database (store: presence), so every node sees the same; it is
 * a notice only: the 409 on a stale save stays the guard against lost work; a failure to
 * record or read it never stops the editor from opening.
 */
#include <string.h>

#include "web/admin/admin_int.h"

#define HEARTBEAT 15 /* seconds between the editor's heartbeats */
#define TTL 45       /* a visit is over this long after its last heartbeat */

/* The people other than u with article id open, as [{user_id, name, since, since_local}]; NULL
 * with *rc set on a failure. */
static json_t *others_json(nz__ctx *c, const nz_user *u, int64_t id, const nz_admin_ctx *ac,
			   nz_rc *rc, nz_err *err)
{
	nz_presence *list = NULL;
	size_t n = 0;
	if ((*rc = nz_store_presence_list(c->store, c->req->arena, id, c->page.now, TTL, &list, &n,
					  err)))
		return NULL;
	json_t *rows = json_array();
	for (size_t i = 0; rows && i < n; i++) {
		char iso[32], local[32];
		if (list[i].user_id == u->id)
			continue;
		nz_admin_local_input(ac, list[i].since, local); /* "2026-03-17T14:02" */
		json_t *row =
		    json_pack("{s:I, s:s, s:s, s:s}", "user_id", (json_int_t)list[i].user_id,
			      "name", list[i].name ? list[i].name : "someone", "since",
			      nz_time_rfc3339(list[i].since, iso), "since_local",
			      strlen(local) >= 16 ? local + 11 : local);
		if (!row || json_array_append_new(rows, row) != 0) {
			json_decref(rows);
			rows = NULL;
		}
	}
	if (!rows)
		*rc = nz_err_set(err, NZ_NOMEM, "presence: out of memory");
	return rows;
}

static nz_rc beat(nz__ctx *c, const nz_user *u, int64_t id, nz_err *err)
{
	return nz_store_presence_beat(c->store, id, u->id, c->page.now, TTL, err);
}

bool nz__presence_view(nz__ctx *c, const nz_user *u, int64_t id, const nz_admin_ctx *ac,
		       json_t *view)
{
	nz_rc rc;
	nz_err err = {0};
	if ((rc = beat(c, u, id, &err)))
		NZ_LOG(NZ_LOG_WARN, "admin", "presence: %s", err.msg);
	json_t *others = others_json(c, u, id, ac, &rc, &err);
	if (!others) {
		if (rc == NZ_NOMEM)
			return false;
		NZ_LOG(NZ_LOG_WARN, "admin", "presence: %s", err.msg);
		return true; /* no notice rather than no editor */
	}
	const char *url =
	    nz_arena_printf(c->req->arena, "/api/v1/admin/articles/%lld/presence", (long long)id);
	json_t *p = url ? json_pack("{s:o, s:b, s:s, s:i}", "others", others, "has_others",
				    json_array_size(others) > 0, "url", url, "heartbeat", HEARTBEAT)
			: NULL;
	if (!p) {
		json_decref(others);
		return false;
	}
	return json_object_set_new(view, "presence", p) == 0;
}

static void answer(nz__ctx *c, const nz_route_match *m, bool record)
{
	nz_rc rc;
	nz_err err = {0};
	nz_admin_ctx ac;
	const nz_user *u = nz__auth_api_user(c);
	int64_t id = u ? nz__api_id(c, m, "id") : 0;
	nz_article *a = id ? nz__api_load(c, u, id) : NULL;
	if (!a || !nz__auth_api_can(c, u, NZ_ACT_VIEW, a))
		return;
	if (record && (rc = beat(c, u, id, &err))) {
		nz__api_fail(c, rc, &err);
		return;
	}
	nz__admin_ctx(c, u, NULL, &ac);
	json_t *others = others_json(c, u, id, &ac, &rc, &err);
	if (!others)
		nz__api_fail(c, rc, &err);
	else
		nz__send_json(c->resp, 200,
			      json_pack("{s:o, s:i, s:i}", "others", others, "heartbeat", HEARTBEAT,
					"expires_after", TTL));
}

static void get(nz__ctx *c, const nz_route_match *m)
{
	answer(c, m, false);
}

static void post(nz__ctx *c, const nz_route_match *m)
{
	answer(c, m, true);
}

const nz__route_entry nz__admin_presence_routes[] = {
    {"GET", "/api/v1/admin/articles/{id}/presence", get},
    {"POST", "/api/v1/admin/articles/{id}/presence", post},
    {NULL, NULL, NULL},
};
