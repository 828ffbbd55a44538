/*
 * web/admin/api_settings: GET and PATCH /api/v1/admin/settings, the site's settings as JSON for
 * those who may manage the site. PATCH takes {"KEY": "value" | null, ...} (null: back to the
 * default) and sets them all or none through the app's use case, which checks each value as
 * the back office's form does and writes one audit row.
 */
#include <string.h>

#include "web/admin/admin_int.h"

/* The settings now: {"settings": {key: value | null}}; a secret's value reads "(set)". */
static void send_settings(nz__ctx *c, int status)
{
	nz_app_setting *all = NULL;
	size_t n = 0;
	nz_err err = {0};
	nz_rc rc = nz_app_settings_list(c->store, c->req->arena, &all, &n, &err);
	if (rc) {
		nz__api_fail(c, rc, &err);
		return;
	}
	json_t *obj = json_object();
	for (size_t i = 0; obj && i < n; i++) {
		const char *v = all[i].secret && all[i].value ? "(set)" : all[i].value;
		if (json_object_set_new(obj, all[i].key, v ? json_string(v) : json_null()) != 0) {
			json_decref(obj);
			obj = NULL;
		}
	}
	nz__send_json(c->resp, status, obj ? json_pack("{s:o}", "settings", obj) : NULL);
}

static const nz_user *api_admin(nz__ctx *c)
{
	const nz_user *u = nz__auth_api_user(c);
	return u && nz__auth_api_can(c, u, NZ_ACT_MANAGE_SITE, NULL) ? u : NULL;
}

void nz__api_settings_get(nz__ctx *c, const nz_route_match *m)
{
	(void)m;
	if (api_admin(c))
		send_settings(c, 200);
}

void nz__api_settings_patch(nz__ctx *c, const nz_route_match *m)
{
	(void)m;
	const nz_user *u = api_admin(c);
	json_t *body = u ? nz__api_body(c, false) : NULL, *v;
	nz_arena *ar = c->req->arena;
	nz_err err = {0};
	const char *key;
	if (!body)
		return;
	size_t n = 0, cap = json_object_size(body);
	const char **keys = nz_arena_zalloc(ar, (cap + 1) * sizeof *keys);
	const char **values = nz_arena_zalloc(ar, (cap + 1) * sizeof *values);
	bool ok = json_is_object(body) && cap > 0 && keys && values;
	json_object_foreach(body, key, v)
	{
		if (!ok || (!json_is_string(v) && !json_is_null(v))) {
			ok = false;
			break;
		}
		keys[n] = nz_arena_strdup(ar, key);
		values[n++] = json_is_string(v) ? nz_arena_strdup(ar, json_string_value(v)) : NULL;
	}
	json_decref(body);
	if (!ok) {
		nz__send_json_error(
		    c->resp, 400, "invalid",
		    "the body is an object of settings: {\"KEY\": \"value\" or null}");
		return;
	}
	nz_rc rc = nz_app_settings_set(c->store, ar, u->id, keys, values, n, NULL, &err);
	if (rc) /* a refused value: 400 with "KEY: reason" */
		nz__api_fail(c, rc, &err);
	else
		send_settings(c, 200);
}
