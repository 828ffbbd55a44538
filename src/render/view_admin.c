/*
 * view_admin.c: the back office's view models. Every admin page carries the chrome
 *   site{name} lang title heading site_css css js favicon home_url user{login,role}|null
 * nav[{label,url,current}] csrf csrf_field flash{text,error}|null logout_url and its own key
 * (dashboard, editor, history, users, ...). The editor's model is built here from an article
 * (stored, or the user's unsaved version after a refused save); the pages about users, tokens and
 * the audit log are plain lists the handlers build.
 *
 * Rules: the back office speaks English and shows times in the site's zone. A value missing is
 * null, never "". Temporaries in a private arena; NULL/false only on out of memory.
 */
#include <stdio.h>
#include <string.h>

#include "render/render_int.h"

typedef struct nav_entry {
	const char *key, *label, *url;
	nz_role min_role;
} nav_entry;

static const nav_entry nav_entries[] = {
    {"dashboard", "Dashboard", "/admin", NZ_ROLE_CONTRIBUTOR},
    {"articles", "Articles", "/admin/articles", NZ_ROLE_CONTRIBUTOR},
    {"new", "New article", "/admin/articles/new", NZ_ROLE_CONTRIBUTOR},
    {"media", "Photos", "/admin/media", NZ_ROLE_CONTRIBUTOR},
    {"review", "Review queue", "/admin/review", NZ_ROLE_EDITOR},
    {"audit", "Audit log", "/admin/audit", NZ_ROLE_EDITOR},
    {"pages", "Pages", "/admin/pages", NZ_ROLE_EDITOR},
    {"front", "Front page", "/admin/front", NZ_ROLE_EDITOR},
    {"stats", "Stats", "/admin/stats", NZ_ROLE_EDITOR},
    {"authors", "Authors", "/admin/authors", NZ_ROLE_EDITOR},
    {"tags", "Tags", "/admin/tags", NZ_ROLE_EDITOR},
    {"users", "Users", "/admin/users", NZ_ROLE_ADMIN},
    {"tokens", "API tokens", "/admin/tokens", NZ_ROLE_ADMIN},
    {"sections", "Sections", "/admin/sections", NZ_ROLE_ADMIN},
    {"settings", "Settings", "/admin/settings", NZ_ROLE_ADMIN},
    {"webhooks", "Webhooks", "/admin/webhooks", NZ_ROLE_ADMIN},
    {"redirects", "Redirects", "/admin/redirects", NZ_ROLE_ADMIN},
    {"account", "My account", "/admin/account", NZ_ROLE_CONTRIBUTOR},
};

static json_t *nav_json(const nz_admin_ctx *ac)
{
	json_t *arr = json_array();
	if (!ac->user)
		return arr;
	for (size_t i = 0; arr && i < sizeof nav_entries / sizeof nav_entries[0]; i++) {
		const nav_entry *e = &nav_entries[i];
		if (ac->user->role < e->min_role)
			continue;
		bool current = ac->current && strcmp(ac->current, e->key) == 0;
		json_t *o = json_pack("{s:s, s:s, s:b}", "label", e->label, "url", e->url,
				      "current", current);
		if (!o || json_array_append_new(arr, o) != 0) {
			json_decref(o);
			json_decref(arr);
			return NULL;
		}
	}
	return arr;
}

static json_t *user_json(const nz_admin_ctx *ac)
{
	if (!ac->user)
		return json_null();
	return json_pack("{s:o, s:s, s:b}", "login", nz__json_str(ac->user->login), "role",
			 nz_role_name(ac->user->role), "is_admin", ac->user->role == NZ_ROLE_ADMIN);
}

json_t *nz_view_admin(const nz_admin_ctx *ac, const char *title)
{
	const nz_page_ctx *pc = ac->pc;
	const char *site = pc->site && pc->site->name ? pc->site->name : "Newszone";
	char full[512];
	snprintf(full, sizeof full, "%s — Back office — %s", title ? title : "", site);
	json_t *o = json_object();
	bool ok =
	    o && nz__json_put(o, "site", json_pack("{s:o}", "name", nz__json_str(site))) &&
	    nz__json_put(o, "lang", json_string("en")) &&
	    nz__json_put(o, "title", nz__json_str(full)) &&
	    nz__json_put(o, "heading", nz__json_str(title ? title : "")) &&
	    nz__json_put(o, "site_css", nz__json_str(nz_theme_asset_url(pc->theme, "site.css"))) &&
	    nz__json_put(o, "css", nz__json_str(nz_theme_asset_url(pc->theme, "admin.css"))) &&
	    nz__json_put(o, "js", nz__json_str(nz_theme_asset_url(pc->theme, "admin.js"))) &&
	    nz__json_put(o, "desk_js", nz__json_str(nz_theme_asset_url(pc->theme, "desk.js"))) &&
	    nz__json_put(o, "media_js", nz__json_str(nz_theme_asset_url(pc->theme, "media.js"))) &&
	    nz__json_put(o, "favicon",
			 nz__json_str(nz_theme_asset_url(pc->theme, "favicon.svg"))) &&
	    nz__json_put(o, "home_url", json_string("/")) &&
	    nz__json_put(o, "user", user_json(ac)) && nz__json_put(o, "nav", nav_json(ac)) &&
	    nz__json_put(o, "csrf", nz__json_str_nonempty(ac->csrf)) &&
	    nz__json_put(o, "csrf_field", json_string("csrf")) &&
	    nz__json_put(o, "flash",
			 ac->flash && ac->flash[0]
			     ? json_pack("{s:o, s:b}", "text", nz__json_str(ac->flash), "error",
					 ac->flash_error)
			     : json_null()) &&
	    nz__json_put(o, "logout_url", json_string("/admin/logout"));
	if (ok)
		return o;
	json_decref(o);
	return NULL;
}

json_t *nz_view_admin_time(const nz_admin_ctx *ac, nz_time t)
{
	return nz__view_time(ac->pc, t, "en");
}

char *nz_admin_local_input(const nz_admin_ctx *ac, nz_time t, char out[32])
{
	char buf[64];
	out[0] = '\0';
	if (t == 0)
		return out;
	nz_time_rfc3339_local(t, nz_tz_offset_min(nz_site_zone(ac->pc->site), t), buf);
	snprintf(out, 32, "%.16s", buf); /* "2026-03-17T18:30" */
	return out;
}

nz_rc nz_admin_local_parse(const nz_admin_ctx *ac, const char *s, nz_time *out)
{
	size_t len = s ? strlen(s) : 0;
	char buf[64];
	nz_time local;
	if (len != 16 && len != 19)
		return NZ_INVAL;
	/* the wall clock read as UTC, then placed in the zone at that date */
	snprintf(buf, sizeof buf, "%sZ", s);
	if (nz_time_parse_rfc3339(nz_str_c(buf), &local) != NZ_OK)
		return NZ_INVAL;
	*out = nz_tz_from_local(nz_site_zone(ac->pc->site), local);
	return NZ_OK;
}

const char *nz_admin_status_label(nz_status s)
{
	switch (s) {
	case NZ_STATUS_DRAFT:
		return "Draft";
	case NZ_STATUS_REVIEW:
		return "In review";
	case NZ_STATUS_SCHEDULED:
		return "Scheduled";
	case NZ_STATUS_PUBLISHED:
		return "Published";
	case NZ_STATUS_RETRACTED:
		return "Retracted";
	}
	return "Unknown";
}

static const char *author_names(nz_arena *arena, const nz_article *a)
{
	const char *s = "";
	for (size_t i = 0; s && i < a->n_authors; i++)
		s = nz_arena_printf(arena, "%s%s%s", s, i ? ", " : "",
				    nz_author_name(arena, &a->authors[i]));
	return s;
}

static json_t *row_json(const nz_admin_ctx *ac, nz_arena *arena, const nz_article *a)
{
	bool public = nz_article_is_public(a, ac->pc->now);
	json_t *o = json_object();
	bool ok =
	    o && nz__json_put(o, "id", json_integer(a->id)) &&
	    nz__json_put(
		o, "headline",
		nz__json_str(a->headline && a->headline[0] ? a->headline : "(untitled)")) &&
	    nz__json_put(o, "status", json_string(nz_status_name(a->status))) &&
	    nz__json_put(o, "status_label", json_string(nz_admin_status_label(a->status))) &&
	    nz__json_put(o, "section",
			 nz__json_str_nonempty(a->section ? a->section->name : NULL)) &&
	    nz__json_put(o, "authors", nz__json_str_nonempty(author_names(arena, a))) &&
	    nz__json_put(o, "language", nz__json_str(a->language ? a->language : "en")) &&
	    nz__json_put(o, "updated", nz_view_admin_time(ac, a->updated_at)) &&
	    nz__json_put(o, "publish_at",
			 a->status == NZ_STATUS_SCHEDULED ? nz_view_admin_time(ac, a->publish_at)
							  : json_null()) &&
	    nz__json_put(o, "published", nz_view_admin_time(ac, a->published_at)) &&
	    nz__json_put(o, "embargo_until",
			 a->embargo_until > ac->pc->now ? nz_view_admin_time(ac, a->embargo_until)
							: json_null()) &&
	    nz__json_put(
		o, "edit_url",
		nz__json_str(nz_arena_printf(arena, "/admin/articles/%lld", (long long)a->id))) &&
	    nz__json_put(o, "history_url",
			 nz__json_str(nz_arena_printf(arena, "/admin/articles/%lld/history",
						      (long long)a->id))) &&
	    nz__json_put(o, "public_url",
			 public ? nz__json_str(nz_url_article(arena, a->slug)) : json_null());
	if (ok)
		return o;
	json_decref(o);
	return NULL;
}

json_t *nz_view_admin_rows(const nz_admin_ctx *ac, const nz_article *items, size_t n)
{
	nz_arena *arena = nz_arena_new();
	json_t *arr = arena ? json_array() : NULL;
	for (size_t i = 0; arr && i < n; i++) {
		json_t *r = row_json(ac, arena, &items[i]);
		if (!r || json_array_append_new(arr, r) != 0) {
			json_decref(arr);
			arr = NULL;
		}
	}
	nz_arena_free(arena);
	return arr;
}
