/*
 * view_static_page.c: the newsroom's static pages (About, Contact, the policies, the masthead)
 * as the theme and the API see them: the page at /{slug}, the footer's links on every page, and
 * the API's JSON shape. The organization's JSON-LD that points to them is in jsonld.c.
 *
 * Rules: pure functions of their arguments; temporaries in a private arena; NULL only on out of
 * memory.
 */
#include <string.h>

#include "render/render_int.h"

json_t *nz__view_footer_pages(const nz_page_ctx *pc, nz_arena *arena, const char *lang)
{
	if (pc->n_pages == 0)
		return json_null();
	json_t *arr = json_array();
	for (size_t i = 0; arr && i < pc->n_pages; i++) {
		const nz_static_page *p = &pc->pages[i];
		json_t *o = json_object();
		bool ok = o && nz__json_put(o, "title", nz__json_str(p->title)) &&
			  nz__json_put(o, "url", nz__json_str(nz_url_static_page(arena, p->slug)));
		if (!nz_json_append(arr, o, ok)) {
			json_decref(arr);
			return NULL;
		}
	}
	bool ko = lang && strcmp(lang, "ko") == 0;
	return arr ? json_pack("{s:s, s:o}", "label", ko ? "신문사 안내" : "About the newsroom",
			       "items", arr)
		   : NULL;
}

/* The page's Markdown as HTML (raw HTML left out, as for articles); NULL on out of memory. */
static json_t *body_html(const nz_static_page *p)
{
	nz_buf b;
	json_t *v = NULL;
	const char *md = p->body_markdown ? p->body_markdown : "";
	nz_buf_init(&b, 0);
	if (nz_markdown_html(md, strlen(md), &b) == NZ_OK)
		v = nz__json_str(nz_buf_cstr(&b));
	nz_buf_free(&b);
	return v;
}

json_t *nz_view_static_page(const nz_page_ctx *pc, const nz_static_page *p)
{
	nz_arena *arena = nz_arena_new();
	const char *lang = pc->site && pc->site->language ? pc->site->language : "en";
	if (!arena)
		return NULL;
	json_t *page = nz__view_page(pc, arena, lang, nz__view_title(pc, arena, p->title),
				     nz_url_static_page(arena, p->slug), NULL);
	json_t *o = json_object();
	if (!page)
		json_decref(o);
	/* o belongs to page from the first put on, filled or not. */
	bool ok = page && nz__json_put(page, "static_page", o) &&
		  nz__json_put(o, "title", nz__json_str(p->title)) &&
		  nz__json_put(o, "body_html", body_html(p)) &&
		  nz__json_put(o, "updated", nz__view_time(pc, p->updated_at, lang)) &&
		  nz__view_static_page_meta(page, pc, arena, p);
	return nz__view_done(page, arena, ok);
}

json_t *nz_json_static_page(const nz_site *site, const nz_static_page *p)
{
	nz_arena *arena = nz_arena_new();
	json_t *o = arena ? json_object() : NULL;
	const char *path = arena ? nz_url_static_page(arena, p->slug) : NULL;
	bool ok = o && path && nz__json_put(o, "id", json_integer(p->id)) &&
		  nz__json_put(o, "slug", nz__json_str(p->slug)) &&
		  nz__json_put(o, "url", nz__json_str(nz__abs_url(arena, site, path))) &&
		  nz__json_put(o, "title", nz__json_str(p->title)) &&
		  nz__json_put(o, "role", nz__json_str_nonempty(p->role)) &&
		  nz__json_put(o, "position", json_integer(p->position)) &&
		  nz__json_put(o, "body_markdown", nz__json_str(p->body_markdown)) &&
		  nz__json_put(o, "body_html", body_html(p)) &&
		  nz__json_put(o, "revision", json_integer(p->revision)) &&
		  nz__json_put(o, "created_at", nz__json_time(p->created_at)) &&
		  nz__json_put(o, "updated_at", nz__json_time(p->updated_at));
	nz_arena_free(arena);
	if (ok)
		return o;
	json_decref(o);
	return NULL;
}
