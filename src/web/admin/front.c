/*
 * web/admin/front: what the front layouts' admin API (api_front.c) and their back-office page
 * (front_page.c) share (docs/front-page.md): which front a request is about (an edition's
 * language and, for a section front, the section), a layout with its articles as JSON, and
 * the articles an editor names (by id or slug) made a layout.
 *
 * Rules: editors and admins only (a layout changes what readers see at once, like
 * publishing); a pinned article need not be public yet: the front shows it once it is.
 */
#include <stdlib.h>
#include <string.h>

#include "web/admin/admin_int.h"

/* A language tag as an edition is named: letters, digits and '-', 2..16 bytes. */
static bool language_ok(const char *lang)
{
	size_t n = lang ? strlen(lang) : 0;
	if (n < 2 || n > 16)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((lang[i] >= 'a' && lang[i] <= 'z') || (lang[i] >= 'A' && lang[i] <= 'Z') ||
		      (lang[i] >= '0' && lang[i] <= '9') || lang[i] == '-'))
			return false;
	return true;
}

bool nz__front_target(nz__ctx *c, const char *section_slug, const char *language, nz__front *out,
		      bool html)
{
	memset(out, 0, sizeof *out);
	out->language = language && language[0] ? language : c->site.language;
	if (!out->language)
		out->language = "en";
	if (!language_ok(out->language)) {
		if (html)
			nz__admin_error(c, 400, "That is not a language.");
		else
			nz__send_json_error(c->resp, 400, "invalid",
					    "language: a language tag such as \"en\" or \"ko\"");
		return false;
	}
	if (!section_slug)
		return true;
	nz_err err = {0};
	if (nz_store_section_get(c->store, c->req->arena, section_slug, &out->section, &err) !=
	    NZ_OK) {
		if (html)
			nz__admin_error(c, 404, "There is no such section.");
		else
			nz__send_json_error(c->resp, 404, "not_found", "no such section");
		return false;
	}
	return true;
}

nz_rc nz__front_load(nz__ctx *c, nz__front *f, nz_err *err)
{
	nz_rc rc = nz_store_front_layout_list(c->store, c->req->arena, f->language,
					      f->section ? f->section->id : 0, &f->layouts,
					      &f->n_layouts, err);
	if (rc == NZ_OK)
		f->current = nz_store_front_layout_active(f->layouts, f->n_layouts, nz_time_now());
	return rc;
}

/* One slot: the article (id, slug, its own headline, whether readers see it) and the front
 * page's headline. */
static json_t *slot_json(nz__ctx *c, const nz_front_slot *slot)
{
	nz_article *a = NULL;
	nz_err err = {0};
	bool found =
	    nz_store_article_by_id(c->store, c->req->arena, slot->article_id, &a, &err) == NZ_OK;
	return json_pack("{s:I, s:s?, s:s?, s:s?, s:b}", "article_id", (json_int_t)slot->article_id,
			 "slug", found ? a->slug : NULL, "headline", found ? a->headline : NULL,
			 "front_headline", slot->headline, "public",
			 found && nz_article_is_public(a, nz_time_now()));
}

json_t *nz__front_layout_json(nz__ctx *c, const nz_front_layout *l)
{
	char starts[48], updated[48];
	json_t *slots = json_array();
	for (size_t i = 0; slots && i < l->n_slots; i++)
		if (json_array_append_new(slots, slot_json(c, &l->slots[i])) != 0) {
			json_decref(slots);
			slots = NULL;
		}
	return slots ? json_pack("{s:I, s:s, s:s, s:o}", "id", (json_int_t)l->id, "starts_at",
				 nz_time_rfc3339(l->starts_at, starts), "updated_at",
				 nz_time_rfc3339(l->updated_at, updated), "slots", slots)
		     : NULL;
}

json_t *nz__front_json(nz__ctx *c, const nz__front *f)
{
	json_t *scheduled = json_array();
	nz_time now = nz_time_now();
	for (size_t i = 0; scheduled && i < f->n_layouts; i++)
		if (f->layouts[i].starts_at > now &&
		    json_array_append_new(scheduled, nz__front_layout_json(c, &f->layouts[i])) !=
			0) {
			json_decref(scheduled);
			scheduled = NULL;
		}
	json_t *section =
	    f->section ? json_pack("{s:s, s:s}", "slug", f->section->slug, "name", f->section->name)
		       : json_null();
	json_t *current = f->current ? nz__front_layout_json(c, f->current) : json_null();
	if (!scheduled || !section || !current) {
		json_decref(scheduled);
		json_decref(section);
		json_decref(current);
		return NULL;
	}
	return json_pack("{s:s, s:o, s:o, s:o, s:i}", "language", f->language, "section", section,
			 "current", current, "scheduled", scheduled, "max_slots", NZ_FRONT_SLOTS);
}

const char *nz__front_resolve(nz__ctx *c, const char *article, const char *headline, size_t i,
			      nz_front_layout *l)
{
	nz_arena *ar = c->req->arena;
	nz_article *a = NULL;
	nz_err err = {0};
	char *end = NULL;
	long long id = strtoll(article, &end, 10);
	nz_rc rc = id > 0 && end && !*end
		       ? nz_store_article_by_id(c->store, ar, (int64_t)id, &a, &err)
		       : nz_store_article_by_slug(c->store, ar, article, &a, &err);
	if (rc != NZ_OK || !a)
		return nz_arena_printf(ar, "slot %zu: there is no article %.100s", i + 1, article);
	if (l->n_slots >= NZ_FRONT_SLOTS)
		return nz_arena_printf(ar, "at most %d stories are pinned", NZ_FRONT_SLOTS);
	l->slots[l->n_slots].article_id = a->id;
	const char *own = headline && headline[0] ? nz_arena_strdup(ar, headline) : NULL;
	if (headline && headline[0] && !own)
		return "out of memory";
	l->slots[l->n_slots].headline = own;
	l->n_slots++;
	return NULL;
}
