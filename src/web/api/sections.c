/*
 * web/api/sections: GET /api/v1/sections, the site's sections in the navigation's order, each
 * with its name in every language that has one:
 *   {"sections":[{"id":1, "slug":"defense", "name":"Defense", "url":"/section/defense",
 *                 "position":1, "names":{"en":"Defense", "ko":"국방"}}]}
 * "name" is the name in the site's language, which "names" always holds too; another edition's
 * language is there when an admin gave the section a name in it (/admin/sections). Public and
 * cached like a list; dropped with the "site" key (any section change names it).
 */
#include "web/api/api_int.h"

/* {lang: name} for section s: the site's language, then the names stored per language. */
static json_t *names_json(const nz_site *site, const nz_section *s)
{
	json_t *names = json_object();
	json_t *stored = s->names ? json_loads(s->names, 0, NULL) : NULL;
	const char *lang;
	json_t *v;
	if (names && json_is_object(stored))
		json_object_foreach(stored, lang, v)
		{
			if (json_is_string(v) && *json_string_value(v) &&
			    nz_edition_code_valid(lang))
				json_object_set(names, lang, v);
		}
	json_decref(stored);
	if (names && json_object_set_new(names, site->language ? site->language : "en",
					 json_string(s->name ? s->name : s->slug)) != 0) {
		json_decref(names);
		return NULL;
	}
	return names;
}

static void sections(nz__ctx *c, const nz_route_match *m)
{
	(void)m;
	json_t *arr = json_array();
	for (size_t i = 0; arr && i < c->page.n_sections; i++) {
		const nz_section *s = &c->page.sections[i];
		json_t *names = names_json(&c->site, s);
		json_t *o =
		    names ? json_pack("{s:I, s:s, s:s, s:s?, s:i, s:o}", "id", (json_int_t)s->id,
				      "slug", s->slug, "name", s->name ? s->name : s->slug, "url",
				      nz_url_section(c->req->arena, s->slug), "position",
				      s->position, "names", names)
			  : NULL;
		if (!o || json_array_append_new(arr, o) != 0) {
			json_decref(arr);
			arr = NULL;
		}
	}
	if (!arr) {
		nz__send_json_error(c->resp, 503, "unavailable", "out of memory");
		return;
	}
	nz__cache_policy(c, NZ__CACHE_LIST);
	nz__surrogate_add(c, "site");
	nz__send_json(c->resp, 200, json_pack("{s:o}", "sections", arr));
}

const nz__route_entry nz__section_api_routes[] = {
    {"GET", "/api/v1/sections", sections},
    {NULL, NULL, NULL},
};
