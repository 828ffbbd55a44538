/*
 * render: turns content into bytes. A Mustache engine of our own (the official spec, with
 * inheritance), Markdown through md4c with raw HTML refused, themes (compiled once), view
 * models for every public page, and the JSON shape of the API.
 *
 * Rules: render never touches the store or the network; it takes loaded content and returns
 * bytes. Templates render from jansson values (json_t), which is also what the spec tests use.
 * A compiled template set is read-only after loading, so threads may render concurrently.
 */
#ifndef NZ_RENDER_H
#define NZ_RENDER_H

#include <jansson.h>

#include "content/content.h"
#include "core/core.h"

/* ---- Mustache ---------------------------------------------------------------------------- */

/* A set of named, compiled templates; partials ({{>name}}) and parents ({{<name}}) are looked
 * up by name in the same set. A missing partial renders as nothing, as the spec says. */
typedef struct nz_tmpl_set nz_tmpl_set;

nz_rc nz_tmpl_set_new(nz_tmpl_set **out);
void nz_tmpl_set_free(nz_tmpl_set *set); /* NULL-safe */
/* Compiles src under name (replacing any template of that name). On a syntax error, err names
 * the template, line and problem ("article: line 12: unclosed section 'authors'"). */
nz_rc nz_tmpl_add(nz_tmpl_set *set, const char *name, const char *src, size_t len, nz_err *err);
bool nz_tmpl_has(const nz_tmpl_set *set, const char *name);
/* Renders template name with ctx (any JSON value) appended to out. */
nz_rc nz_tmpl_render(const nz_tmpl_set *set, const char *name, const json_t *ctx, nz_buf *out,
		     nz_err *err);

/* ---- Markdown ---------------------------------------------------------------------------- */

/* CommonMark with tables and strikethrough; raw HTML blocks and spans are not passed through
 * (they appear as escaped text). Appends to out. */
nz_rc nz_markdown_html(const char *md, size_t len, nz_buf *out);

/* ---- themes ------------------------------------------------------------------------------ */

/* A theme: templates/NAME.mustache compiled into one set, static/... served as assets with a
 * content hash in their URL. dir NULL loads the default theme compiled into the binary. */
typedef struct nz_theme nz_theme;

nz_rc nz_theme_load(const char *dir, nz_theme **out, nz_err *err);
void nz_theme_free(nz_theme *t);
nz_rc nz_theme_render(const nz_theme *t, const char *name, const json_t *ctx, nz_buf *out,
		      nz_err *err);
/* An asset by its path under static/ ("site.css"), or by its hashed name ("site.3f2a9c1b.css").
 * *immutable is true when the hashed name was asked for. NZ_NOTFOUND when none. */
nz_rc nz_theme_asset(const nz_theme *t, const char *path, const void **data, size_t *len,
		     const char **mime, bool *immutable);
/* The URL path of an asset with its hash ("/static/site.3f2a9c1b.css"); NULL when none. */
const char *nz_theme_asset_url(const nz_theme *t, const char *path);

/* ---- view models ------------------------------------------------------------------------- */

/* What every page needs besides its own content. Borrowed for the duration of the call. */
typedef struct nz_page_ctx {
	const nz_site *site;
	const nz_theme *theme;      /* for asset URLs */
	const nz_section *sections; /* navigation */
	size_t n_sections;
	const char *current_section; /* slug marked aria-current, may be NULL */
	nz_time now;
} nz_page_ctx;

/* A page of a list: articles, the page number (1-based) and the page count. */
typedef struct nz_list_view {
	const char *kind;        /* "section", "author", "tag" */
	const char *title;       /* "Defense", "Maeng Su-Yeol", "#alliance" */
	const char *description; /* may be NULL: an author's bio */
	const char *path;        /* "/section/defense": base for pagination links */
	const nz_article *items;
	size_t n;
	size_t page, pages;
} nz_list_view;

/* Each returns a new reference (json_decref it) or NULL on out of memory. The contexts carry
 * everything the templates need: page title, lang, canonical URL, navigation, asset URLs. */
json_t *nz_view_article(const nz_page_ctx *pc, const nz_article *a);
json_t *nz_view_front(const nz_page_ctx *pc, const nz_article *items, size_t n, size_t page,
		      size_t pages);
json_t *nz_view_list(const nz_page_ctx *pc, const nz_list_view *lv);
json_t *nz_view_error(const nz_page_ctx *pc, int status, const char *title, const char *message);

/* ---- JSON API ---------------------------------------------------------------------------- */

/* One article in the API's shape (DESIGN.md "Stable interfaces"): every field present, missing
 * values null or []. New reference or NULL on out of memory. */
json_t *nz_json_article(const nz_site *site, const nz_article *a);
/* {"error":{"code":code,"message":message}} */
json_t *nz_json_error(const char *code, const char *message);

/* The public URL path of things: "/article/<slug>", "/section/<slug>", ... with the slug
 * percent-encoded; allocated in arena. */
const char *nz_url_article(nz_arena *arena, const char *slug);
const char *nz_url_section(nz_arena *arena, const char *slug);
const char *nz_url_author(nz_arena *arena, const char *slug);
const char *nz_url_tag(nz_arena *arena, const char *slug);
const char *nz_url_media(nz_arena *arena,
			 const nz_media *m); /* "/media/<hash>.jpg"; NULL without bytes */

/* ---- distribution (issue 4): feeds, sitemaps, JSON-LD, ninjs ---- */

/* ---- search (issue 5): the search page's view ---- */

/* ---- back office (issue 3): admin views, word-level diff ---- */

#endif
