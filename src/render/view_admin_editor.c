/*
 * view_admin_editor.c: the editor page's model, under "editor":
 *   action preview_url history_url public_url is_new id revision base_revision status
 *   status_label headline highlights_intro highlights[{value,n}] body dateline slug
 *   slug_locked sections[{slug,name,selected}] languages[{code,name,selected}] tags
 *   authors[{value,n}] authors_known[{name}] translation note publish_at embargo_until zone
 *   media[{id,src,caption,credit,alt,lead,n,width,height}] has_media pending_media[{id}]
 *   actions{submit,return,publish,schedule,unschedule,embargo,retract,correct,any}
 *   corrections[{text,date}] has_corrections error{text,field} field_errors{<field>:{id,text}}
 *   conflict{html,by,at,revision}
 * Inputs come with a few empty slots (bullets, authors) so the form works without JavaScript;
 * admin.js adds and removes slots when it runs.
 */
#include <stdio.h>
#include <string.h>

#include "render/render_int.h"

#define HIGHLIGHT_SLOTS 2
#define AUTHOR_SLOTS 1

/* Appends o to arr; on failure frees both and returns false. */
static bool push(json_t *arr, json_t *o)
{
	if (o && json_array_append_new(arr, o) == 0)
		return true;
	return false;
}

/* [{value, n}] for the filled values and `slots` empty ones after them. */
static json_t *slots(const char *const *values, size_t n, size_t extra)
{
	json_t *arr = json_array();
	for (size_t i = 0; arr && i < n + extra; i++) {
		const char *v = i < n && values[i] ? values[i] : "";
		if (!push(arr, json_pack("{s:o, s:I}", "value", nz__json_str(v), "n",
					 (json_int_t)(i + 1)))) {
			json_decref(arr);
			return NULL;
		}
	}
	return arr;
}

static json_t *author_slots(nz_arena *arena, const nz_article *a)
{
	const char **names = nz_arena_zalloc(arena, (a->n_authors + 1) * sizeof *names);
	if (!names)
		return NULL;
	for (size_t i = 0; i < a->n_authors; i++)
		names[i] = nz_author_name(arena, &a->authors[i]);
	return slots(names, a->n_authors, AUTHOR_SLOTS);
}

static json_t *known_authors(nz_arena *arena, const nz_admin_editor *e)
{
	json_t *arr = json_array();
	for (size_t i = 0; arr && i < e->n_authors_known; i++)
		if (!push(arr,
			  json_pack("{s:o}", "name",
				    nz__json_str(nz_author_name(arena, &e->authors_known[i]))))) {
			json_decref(arr);
			return NULL;
		}
	return arr;
}

static json_t *section_options(const nz_admin_ctx *ac, const nz_article *a)
{
	const nz_page_ctx *pc = ac->pc;
	const char *cur = a->section ? a->section->slug : NULL;
	json_t *arr = json_array();
	for (size_t i = 0; arr && i < pc->n_sections; i++) {
		const nz_section *s = &pc->sections[i];
		bool sel = cur && s->slug && strcmp(cur, s->slug) == 0;
		if (!push(arr,
			  json_pack("{s:o, s:o, s:b}", "slug", nz__json_str(s->slug), "name",
				    nz__json_str(s->name ? s->name : s->slug), "selected", sel))) {
			json_decref(arr);
			return NULL;
		}
	}
	return arr;
}

static json_t *language_options(const nz_article *a)
{
	const char *cur = a->language ? a->language : "en";
	return json_pack("[{s:s, s:s, s:b}, {s:s, s:s, s:b}]", "code", "en", "name", "English",
			 "selected", strcmp(cur, "ko") != 0, "code", "ko", "name",
			 "Korean (한국어)", "selected", strcmp(cur, "ko") == 0);
}

/* The photo's focal point for the editor: the two fields ("" while the photo has none: the
 * centre) and where the marker stands. */
static bool focal_json(nz_arena *arena, json_t *o, const nz_media *m)
{
	int x, y;
	nz_media_focal(m, &x, &y);
	return nz__json_put(o, "focal_x",
			    nz__json_str(m->has_focal ? nz_arena_printf(arena, "%d", x) : "")) &&
	       nz__json_put(o, "focal_y",
			    nz__json_str(m->has_focal ? nz_arena_printf(arena, "%d", y) : "")) &&
	       nz__json_put(o, "marker_x", json_integer(x)) &&
	       nz__json_put(o, "marker_y", json_integer(y));
}

static json_t *media_json(nz_arena *arena, const nz_article *a)
{
	json_t *arr = json_array();
	for (size_t i = 0; arr && i < a->n_media; i++) {
		const nz_media *m = &a->media[i];
		json_t *o = json_object();
		bool ok =
		    o && nz__json_put(o, "id", json_integer(m->id)) &&
		    nz__json_put(o, "n", json_integer((json_int_t)(i + 1))) &&
		    nz__json_put(o, "src", nz__json_str(nz_url_media(arena, m))) &&
		    nz__json_put(o, "caption", nz__json_str(m->caption ? m->caption : "")) &&
		    nz__json_put(o, "credit", nz__json_str(m->credit ? m->credit : "")) &&
		    nz__json_put(o, "alt", nz__json_str(m->alt ? m->alt : "")) &&
		    nz__json_put(o, "width", m->width > 0 ? json_integer(m->width) : json_null()) &&
		    nz__json_put(o, "height",
				 m->height > 0 ? json_integer(m->height) : json_null()) &&
		    nz__json_put(o, "lead", json_boolean(i == 0)) && focal_json(arena, o, m);
		if (!ok || !push(arr, o)) {
			if (!ok)
				json_decref(o);
			json_decref(arr);
			return NULL;
		}
	}
	return arr;
}

static json_t *actions_json(unsigned ev)
{
#define HAS(e) ((ev & (1u << (e))) != 0)
	return json_pack("{s:b, s:b, s:b, s:b, s:b, s:b, s:b, s:b, s:b}", "submit",
			 HAS(NZ_EV_SUBMIT), "return", HAS(NZ_EV_RETURN), "publish",
			 HAS(NZ_EV_PUBLISH), "schedule", HAS(NZ_EV_SCHEDULE), "unschedule",
			 HAS(NZ_EV_UNSCHEDULE), "embargo", HAS(NZ_EV_EMBARGO), "retract",
			 HAS(NZ_EV_RETRACT), "correct", HAS(NZ_EV_CORRECT), "any",
			 (ev & ~(1u << NZ_EV_EDIT)) != 0);
#undef HAS
}

static json_t *corrections_json(const nz_admin_ctx *ac, const nz_article *a)
{
	json_t *arr = json_array();
	for (size_t i = 0; arr && i < a->n_corrections; i++) {
		const nz_correction *c = &a->corrections[i];
		if (!push(arr, json_pack("{s:o, s:o}", "text", nz__json_str(c->text ? c->text : ""),
					 "date", nz_view_admin_time(ac, c->created_at)))) {
			json_decref(arr);
			return NULL;
		}
	}
	return arr;
}

static json_t *error_json(const nz_admin_editor *e, json_t **field_errors)
{
	*field_errors = json_object();
	if (!*field_errors || !e->error)
		return json_null();
	const char *field = e->error_field ? e->error_field : "form";
	char id[96];
	snprintf(id, sizeof id, "%s-error", field);
	json_t *fe = json_pack("{s:s, s:o}", "id", id, "text", nz__json_str(e->error));
	json_t *res =
	    json_pack("{s:o, s:s, s:s}", "text", nz__json_str(e->error), "field", field, "id", id);
	if (!fe || !res || json_object_set_new(*field_errors, field, fe) != 0) {
		json_decref(res);
		json_decref(*field_errors);
		*field_errors = NULL;
		return NULL;
	}
	return res;
}

static json_t *conflict_json(const nz_admin_ctx *ac, const nz_admin_editor *e)
{
	if (!e->conflict_html)
		return json_null();
	return json_pack("{s:o, s:o, s:o, s:I}", "html", nz__json_str(e->conflict_html), "by",
			 nz__json_str(e->conflict_by ? e->conflict_by : "someone"), "at",
			 nz_view_admin_time(ac, e->conflict_at), "revision",
			 (json_int_t)e->conflict_revision);
}

static json_t *pending_json(const nz_admin_editor *e)
{
	json_t *arr = json_array();
	for (size_t i = 0; arr && i < e->n_pending_media; i++)
		if (!push(arr, json_pack("{s:I}", "id", (json_int_t)e->pending_media[i]))) {
			json_decref(arr);
			return NULL;
		}
	return arr;
}

/* "America/New_York, EST now": the site's zone for the hint beside time inputs; into
 * out[96]. */
static const char *zone_label(const nz_admin_ctx *ac, char out[96])
{
	nz_tz_info now;
	nz_tz_at(nz_site_zone(ac->pc->site), ac->pc->now ? ac->pc->now : nz_time_now(), &now);
	snprintf(out, 96, "%s, %s now", nz_site_zone(ac->pc->site), now.label);
	return out;
}

/* The URLs of the page: form action, preview, history, public page. */
static bool put_urls(json_t *o, nz_arena *arena, const nz_admin_ctx *ac, const nz_admin_editor *e)
{
	const nz_article *a = e->a;
	long long id = (long long)a->id;
	bool public = !e->is_new && nz_article_is_public(a, ac->pc->now);
	return nz__json_put(
		   o, "action",
		   nz__json_str(e->is_new ? "/admin/articles"
					  : nz_arena_printf(arena, "/admin/articles/%lld", id))) &&
	       nz__json_put(
		   o, "preview_url",
		   nz__json_str(
		       e->is_new ? "/admin/articles/new/preview"
				 : nz_arena_printf(arena, "/admin/articles/%lld/preview", id))) &&
	       nz__json_put(o, "history_url",
			    e->is_new ? json_null()
				      : nz__json_str(nz_arena_printf(
					    arena, "/admin/articles/%lld/history", id))) &&
	       nz__json_put(o, "workflow_url",
			    e->is_new ? json_null()
				      : nz__json_str(nz_arena_printf(
					    arena, "/admin/articles/%lld/workflow", id))) &&
	       nz__json_put(o, "public_url",
			    public ? nz__json_str(nz_url_article(arena, a->slug)) : json_null());
}

static bool put_fields(json_t *o, nz_arena *arena, const nz_admin_ctx *ac, const nz_admin_editor *e)
{
	const nz_article *a = e->a;
	char pub[32], emb[32], zone[96];
	const char *tags = "";
	for (size_t i = 0; tags && i < a->n_tags; i++)
		tags = nz_arena_printf(arena, "%s%s%s", tags, i ? ", " : "",
				       nz_tag_name(&a->tags[i], a->language));
	return tags && nz__json_put(o, "headline", nz__json_str(a->headline ? a->headline : "")) &&
	       nz__json_put(o, "highlights_intro",
			    nz__json_str(a->highlights_intro ? a->highlights_intro : "")) &&
	       nz__json_put(o, "highlights",
			    slots(a->highlights, a->n_highlights, HIGHLIGHT_SLOTS)) &&
	       nz__json_put(o, "body", nz__json_str(a->body_markdown ? a->body_markdown : "")) &&
	       nz__json_put(o, "dateline", nz__json_str(a->dateline ? a->dateline : "")) &&
	       nz__json_put(o, "slug", nz__json_str(a->slug ? a->slug : "")) &&
	       nz__json_put(o, "slug_locked", json_boolean(a->published_at > 0)) &&
	       nz__json_put(o, "sections", section_options(ac, a)) &&
	       nz__json_put(o, "no_section", json_boolean(a->section == NULL)) &&
	       nz__json_put(o, "languages", language_options(a)) &&
	       nz__json_put(o, "tags", nz__json_str(tags)) &&
	       nz__json_put(o, "authors", author_slots(arena, a)) &&
	       nz__json_put(o, "authors_known", known_authors(arena, e)) &&
	       nz__json_put(o, "translation", nz__json_str(e->translation ? e->translation : "")) &&
	       nz__json_put(o, "note", nz__json_str(e->note ? e->note : "")) &&
	       nz__json_put(o, "publish_at",
			    nz__json_str(e->publish_at
					     ? e->publish_at
					     : nz_admin_local_input(ac, a->publish_at, pub))) &&
	       nz__json_put(o, "embargo_until",
			    nz__json_str(e->embargo_until
					     ? e->embargo_until
					     : nz_admin_local_input(ac, a->embargo_until, emb))) &&
	       nz__json_put(o, "zone", nz__json_str(zone_label(ac, zone))) &&
	       nz__json_put(o, "media", media_json(arena, a)) &&
	       nz__json_put(o, "has_media", json_boolean(a->n_media > 0)) &&
	       nz__json_put(o, "pending_media", pending_json(e));
}

bool nz_view_admin_editor(json_t *page, const nz_admin_ctx *ac, const nz_admin_editor *e)
{
	nz_arena *arena = nz_arena_new();
	json_t *o = arena ? json_object() : NULL;
	json_t *field_errors = NULL;
	const nz_article *a = e->a;
	/* The error first: field_errors is made by error_json and must be consumed at once. */
	bool ok = o && nz__json_put(o, "error", error_json(e, &field_errors)) &&
		  nz__json_put(o, "field_errors", field_errors) && put_urls(o, arena, ac, e) &&
		  put_fields(o, arena, ac, e) &&
		  nz__json_put(o, "is_new", json_boolean(e->is_new)) &&
		  nz__json_put(o, "id", json_integer(a->id)) &&
		  nz__json_put(o, "revision", json_integer(a->revision)) &&
		  nz__json_put(o, "base_revision", json_integer(e->base_revision)) &&
		  nz__json_put(o, "status", json_string(nz_status_name(a->status))) &&
		  nz__json_put(o, "status_label",
			       json_string(e->is_new ? "New" : nz_admin_status_label(a->status))) &&
		  nz__json_put(o, "actions", actions_json(e->events)) &&
		  nz__json_put(o, "can_publish", json_boolean(e->can_publish)) &&
		  nz__json_put(o, "corrections", corrections_json(ac, a)) &&
		  nz__json_put(o, "has_corrections", json_boolean(a->n_corrections > 0)) &&
		  nz__json_put(o, "conflict", conflict_json(ac, e)) &&
		  nz__json_put(o, "updated", nz_view_admin_time(ac, a->updated_at)) &&
		  nz__json_put(o, "published", nz_view_admin_time(ac, a->published_at));
	if (ok)
		ok = nz__json_put(page, "editor", o);
	else
		json_decref(o);
	nz_arena_free(arena);
	return ok;
}
