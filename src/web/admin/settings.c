/*
 * web/admin/settings: the newsroom's own settings. Sections (rename, reorder, add), the site's
 * settings (name, tagline, base URL, copyright line, default language, time zone), and the
 * audit log (who did what, newest first, a page at a time).
 *
 * Rules: settings are checked before anything is stored and stored in one transaction with
 * their audit row, so a refused form changes nothing.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "web/admin/admin_int.h"

#define AUDIT_PAGE 100

/* ---- sections ---------------------------------------------------------------------------- */

/* The section's names in the site's other editions: [{code, value}] for the form. */
static json_t *names_json(nz__ctx *c, const nz_section *s)
{
	char codes[NZ_EDITIONS_MAX][16];
	size_t n = nz_site_editions(&c->site, codes, NZ_EDITIONS_MAX);
	json_t *all = s->names ? json_loads(s->names, 0, NULL) : NULL;
	json_t *arr = json_array();
	for (size_t i = 1; arr && i < n; i++) { /* codes[0]: the site's language, the name */
		const char *v = json_string_value(json_object_get(all, codes[i]));
		json_t *o = json_pack("{s:s, s:s}", "code", codes[i], "value", v ? v : "");
		if (!nz_json_append(arr, o, o != NULL)) {
			json_decref(arr);
			arr = NULL;
		}
	}
	json_decref(all);
	return arr;
}

/* The names form fields ("name_ko") as a JSON object's text in the arena; NULL when all are
 * empty. *given false when the form has none of them (the stored names stay). */
static const char *names_from_form(nz__ctx *c, nz_http_form *form, bool *given)
{
	char codes[NZ_EDITIONS_MAX][16];
	size_t n = nz_site_editions(&c->site, codes, NZ_EDITIONS_MAX);
	json_t *obj = json_object();
	*given = false;
	for (size_t i = 1; obj && i < n; i++) {
		char field[24];
		snprintf(field, sizeof field, "name_%s", codes[i]);
		const char *v = nz_http_form_get(form, field);
		*given = *given || v != NULL;
		nz_str t = nz_str_trim(nz_str_c(v));
		if (t.len)
			json_object_set_new(obj, codes[i], json_stringn(t.p, t.len));
	}
	char *text = obj && json_object_size(obj) ? json_dumps(obj, JSON_COMPACT) : NULL;
	const char *res = text ? nz_arena_strdup(c->req->arena, text) : NULL;
	free(text);
	json_decref(obj);
	return res;
}

static void sections_page(nz__ctx *c, const nz_user *me, int status, const char *error)
{
	nz_admin_ctx ac;
	nz__admin_ctx(c, me, "sections", &ac);
	json_t *view = nz_view_admin(&ac, "Sections");
	json_t *rows = json_array();
	int next = 1;
	for (size_t i = 0; rows && i < c->page.n_sections; i++) {
		const nz_section *s = &c->page.sections[i];
		if (s->position >= next)
			next = s->position + 1;
		if (json_array_append_new(
			rows, json_pack("{s:I, s:s, s:s, s:i, s:o}", "id", (json_int_t)s->id,
					"slug", s->slug, "name", s->name ? s->name : s->slug,
					"position", s->position, "names", names_json(c, s))) != 0) {
			json_decref(rows);
			rows = NULL;
		}
	}
	nz_section none = {0};
	json_t *page = rows ? json_pack("{s:o, s:i, s:o, s:o}", "rows", rows, "next_position", next,
					"error", error ? json_string(error) : json_null(),
					"editions", names_json(c, &none))
			    : NULL;
	if (!view || !page || json_object_set_new(view, "sections", page) != 0) {
		json_decref(view);
		nz__admin_error(c, 503, NULL);
		return;
	}
	nz__admin_send(c, status, "admin-sections", view);
}

void nz__admin_sections(nz__ctx *c, const nz_route_match *m)
{
	(void)m;
	const nz_user *me = nz__auth_require(c, NZ_ACT_MANAGE_SITE, NULL);
	if (me)
		sections_page(c, me, 200, NULL);
}

/* A whole number from -limit to limit; false when s is not one. */
static bool parse_int(const char *s, long limit, long *out)
{
	char *end = NULL;
	if (!s || !*s)
		return false;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (errno || *end || v < -limit || v > limit)
		return false;
	*out = v;
	return true;
}

void nz__admin_section_save(nz__ctx *c, const nz_route_match *m)
{
	(void)m;
	nz_http_form form;
	nz_err err = {0};
	long position = 0;
	const nz_user *me = nz__auth_require(c, NZ_ACT_MANAGE_SITE, NULL);
	if (!me || !nz__admin_form(c, &form))
		return;
	nz_arena *ar = c->req->arena;
	nz_str name = nz_str_trim(nz_str_c(nz_http_form_get(&form, "name")));
	nz_str slug = nz_str_trim(nz_str_c(nz_http_form_get(&form, "slug")));
	if (!name.len) {
		sections_page(c, me, 422, "A section needs a name.");
		return;
	}
	if (!parse_int(nz_http_form_get(&form, "position"), 100000, &position)) {
		sections_page(c, me, 422, "The position is a whole number, such as 1.");
		return;
	}
	nz_buf b;
	nz_buf_init(&b, 4096);
	bool ok = slug.len ? nz_slug_valid(slug) && nz_buf_put_str(&b, slug) == NZ_OK
			   : nz_slug_make(name, NZ_SLUG_MAX, &b) == NZ_OK;
	const char *s = ok ? nz_arena_strdup(ar, nz_buf_cstr(&b)) : NULL;
	nz_buf_free(&b);
	if (!s) {
		sections_page(c, me, 422,
			      "The address may have lower-case letters, digits and hyphens only.");
		return;
	}
	bool names_given;
	nz_section sec = {
	    .id = nz__admin_id(nz_str_c(nz_http_form_get(&form, "id"))),
	    .slug = s,
	    .name = nz_arena_str(ar, name),
	    .position = (int)position,
	    .names = names_from_form(c, &form, &names_given),
	};
	for (size_t i = 0; !names_given && i < c->page.n_sections; i++)
		if (c->page.sections[i].id == sec.id)
			sec.names = c->page.sections[i].names; /* a form without them keeps them */
	nz_rc rc = nz_store_section_save(c->store, me->id, &sec, &err);
	if (rc == NZ_EXISTS) {
		sections_page(c, me, 422, "Another section has that address already.");
		return;
	}
	if (rc == NZ_NOTFOUND || rc == NZ_INVAL) {
		sections_page(c, me, 422, nz_arena_strdup(ar, err.msg));
		return;
	}
	if (rc != NZ_OK) {
		nz__admin_fail(c, "saving a section", rc, &err);
		return;
	}
	nz__admin_done(c, "/admin/sections", "section");
}

/* ---- site settings ------------------------------------------------------------------------- */

/* The zones to choose from: the system's list, with the current zone selected (and added
 * when the list lacks it, as a migrated Etc/GMT-9 does). */
static json_t *zone_options(nz__ctx *c, const char *current)
{
	const char **names = NULL;
	size_t n = 0;
	bool found = false;
	json_t *arr = json_array();
	nz_tz_names(c->req->arena, &names, &n, NULL);
	for (size_t i = 0; arr && i <= n; i++) {
		const char *name = i < n ? names[i] : found ? NULL : current;
		bool sel = name && strcmp(name, current) == 0;
		found |= sel;
		if (name && json_array_append_new(
				arr, json_pack("{s:s, s:b}", "name", name, "selected", sel)) != 0) {
			json_decref(arr);
			return NULL;
		}
	}
	return arr;
}

static void settings_page(nz__ctx *c, const nz_user *me, int status, const nz_site *site,
			  const char *error)
{
	nz_admin_ctx ac;
	nz__admin_ctx(c, me, "settings", &ac);
	json_t *view = nz_view_admin(&ac, "Settings");
	bool ko = site->language && strcmp(site->language, "ko") == 0;
	const char *preview = site->card_image.hash
				  ? nz_url_rendition(c->req->arena, &site->card_image,
						     &(nz_rendition){.width = NZ_MEDIA_CARD_WIDTH,
								     .crop = NZ_CROP_191X100,
								     .format = NZ_FORMAT_JPEG,
								     .focal_x = 50,
								     .focal_y = 50})
				  : NULL;
	json_t *page = json_pack(
	    "{s:s, s:s?, s:s, s:s, s:s, s:s, s:o, s:[{s:s, s:s, s:b}, {s:s, s:s, s:b}], s:o}",
	    "card_image", site->card_image.hash ? site->card_image.hash : "", "card_preview",
	    preview, "name", site->name ? site->name : "", "tagline",
	    site->tagline ? site->tagline : "", "base_url", site->base_url ? site->base_url : "",
	    "copyright", site->copyright ? site->copyright : "", "zones",
	    zone_options(c, site->time_zone), "languages", "code", "en", "name", "English",
	    "selected", !ko, "code", "ko", "name", "Korean (한국어)", "selected", ko, "error",
	    error ? json_string(error) : json_null());
	if (!view || !page || json_object_set_new(view, "settings", page) != 0) {
		json_decref(view);
		nz__admin_error(c, 503, NULL);
		return;
	}
	nz__admin_send(c, status, "admin-settings", view);
}

void nz__admin_settings(nz__ctx *c, const nz_route_match *m)
{
	(void)m;
	const nz_user *me = nz__auth_require(c, NZ_ACT_MANAGE_SITE, NULL);
	if (me)
		settings_page(c, me, 200, &c->site, NULL);
}

/* The card image field: empty for none, the current photo's hash to keep it, or the id of an
 * uploaded photo; the first problem, or NULL. */
static const char *read_card_image(nz__ctx *c, const char *v, nz_site *site)
{
	nz_str s = nz_str_trim(nz_str_c(v));
	nz_err err = {0};
	nz_media *m = NULL;
	long id = 0;
	if (s.len == 0) {
		site->card_image = (nz_media){0};
		return NULL;
	}
	if (site->card_image.hash && s.len == 64 && memcmp(s.p, site->card_image.hash, 64) == 0)
		return NULL;
	if (!parse_int(nz_arena_str(c->req->arena, s), LONG_MAX, &id) || id <= 0 ||
	    nz_store_media_get(c->store, c->req->arena, id, &m, &err) != NZ_OK || !m->hash ||
	    m->width <= 0 || m->height <= 0)
		return "The card image is the number of an uploaded photo (see the media list), or "
		       "empty.";
	site->card_image = *m;
	return NULL;
}

/* Reads the form into site; the first problem, or NULL. The values' rules are the app's
 * (nz_app_setting_problem), shared with the CLI and the API. */
static const char *read_settings(nz__ctx *c, const nz_http_form *f, nz_site *site)
{
	nz_arena *ar = c->req->arena;
	const char *zone = nz_http_form_get(f, "time_zone");
	nz_str url = nz_str_trim(nz_str_c(nz_http_form_get(f, "base_url")));
	while (url.len && url.p[url.len - 1] == '/')
		url.len--;
	site->name = nz_arena_str(ar, nz_str_trim(nz_str_c(nz_http_form_get(f, "name"))));
	site->base_url = nz_arena_str(ar, url);
	site->tagline = nz_arena_str(ar, nz_str_trim(nz_str_c(nz_http_form_get(f, "tagline"))));
	site->copyright = nz_arena_str(ar, nz_str_trim(nz_str_c(nz_http_form_get(f, "copyright"))));
	site->language = nz_http_form_get(f, "language");
	const char *problem = nz_app_setting_problem("name", site->name);
	if (!problem)
		problem = nz_app_setting_problem("base_url", site->base_url);
	if (!problem)
		problem = nz_app_setting_problem("language", site->language);
	if (!problem && zone) /* absent: the zone stays as it is */
		problem = nz_app_setting_problem("time_zone", zone);
	if (problem)
		return problem;
	if (zone)
		snprintf(site->time_zone, sizeof site->time_zone, "%s", zone);
	return read_card_image(c, nz_http_form_get(f, "card_image"), site);
}

void nz__admin_settings_save(nz__ctx *c, const nz_route_match *m)
{
	(void)m;
	nz_http_form form;
	nz_err err = {0};
	const nz_user *me = nz__auth_require(c, NZ_ACT_MANAGE_SITE, NULL);
	if (!me || !nz__admin_form(c, &form))
		return;
	nz_site site = c->site;
	const char *problem = read_settings(c, &form, &site);
	if (problem) {
		settings_page(c, me, 422, &site, problem);
		return;
	}
	char cw[16], ch[16];
	snprintf(cw, sizeof cw, "%d", site.card_image.width);
	snprintf(ch, sizeof ch, "%d", site.card_image.height);
	bool card = site.card_image.hash != NULL;
	const char *keys[] = {"name",       "tagline",          "base_url",
			      "copyright",  "language",         "time_zone",
			      "card_image", "card_image_width", "card_image_height"};
	/* no card image: its three settings are removed */
	const char *values[] = {site.name ? site.name : "",
				site.tagline ? site.tagline : "",
				site.base_url ? site.base_url : "",
				site.copyright ? site.copyright : "",
				site.language ? site.language : "",
				site.time_zone,
				card ? site.card_image.hash : NULL,
				card ? cw : NULL,
				card ? ch : NULL};
	nz_rc rc = nz_app_settings_set(c->store, c->req->arena, me->id, keys, values,
				       sizeof keys / sizeof keys[0], NULL, &err);
	if (rc == NZ_INVAL) { /* what the store refused after the form's checks */
		settings_page(c, me, 422, &site, nz_arena_strdup(c->req->arena, err.msg));
		return;
	}
	if (rc != NZ_OK) {
		nz__admin_fail(c, "saving the settings", rc, &err);
		return;
	}
	nz__admin_done(c, "/admin/settings", "settings");
}

/* ---- the audit log ------------------------------------------------------------------------- */

static json_t *audit_row(nz__ctx *c, const nz_admin_ctx *ac, const nz_audit_entry *e)
{
	nz_arena *ar = c->req->arena;
	const char *object =
	    e->object_type ? nz_arena_printf(ar, "%s %lld", e->object_type, (long long)e->object_id)
			   : "";
	return json_pack(
	    "{s:o, s:o, s:s, s:s, s:I, s:o, s:o}", "at", nz_view_admin_time(ac, e->at), "login",
	    e->login ? json_string(e->login) : json_null(), "action", e->action ? e->action : "",
	    "object", object ? object : "", "article_id", (json_int_t)e->article_id, "article_url",
	    e->article_id
		? json_string(nz_arena_printf(ar, "/admin/articles/%lld", (long long)e->article_id))
		: json_null(),
	    "detail", e->detail ? json_string(e->detail) : json_null());
}

void nz__admin_audit(nz__ctx *c, const nz_route_match *m)
{
	(void)m;
	nz_audit_entry *rows = NULL;
	size_t n = 0;
	nz_err err = {0};
	nz_admin_ctx ac;
	const nz_user *me = nz__auth_require(c, NZ_ACT_AUDIT, NULL);
	if (!me)
		return;
	nz_audit_query q = {
	    .before_id = nz__admin_id(nz_str_c(nz_http_query(c->req, "before"))),
	    .limit = AUDIT_PAGE,
	};
	nz_rc rc = nz_store_audit_list(c->store, c->req->arena, &q, &rows, &n, &err);
	if (rc != NZ_OK) {
		nz__admin_fail(c, "reading the audit log", rc, &err);
		return;
	}
	nz__admin_ctx(c, me, "audit", &ac);
	json_t *view = nz_view_admin(&ac, "Audit log");
	json_t *arr = json_array();
	for (size_t i = 0; arr && i < n; i++) {
		json_t *o = audit_row(c, &ac, &rows[i]);
		if (!o || json_array_append_new(arr, o) != 0) {
			json_decref(arr);
			arr = NULL;
		}
	}
	const char *next = n == AUDIT_PAGE
			       ? nz_arena_printf(c->req->arena, "/admin/audit?before=%lld",
						 (long long)rows[n - 1].id)
			       : NULL;
	json_t *page = arr ? json_pack("{s:o, s:o}", "rows", arr, "next_url",
				       next ? json_string(next) : json_null())
			   : NULL;
	if (!view || !page || json_object_set_new(view, "audit", page) != 0) {
		json_decref(view);
		nz__admin_error(c, 503, NULL);
		return;
	}
	nz__admin_send(c, 200, "admin-audit", view);
}
