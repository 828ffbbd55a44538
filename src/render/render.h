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
#include "media/media.h"

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
/* The theme's UI strings for lang (strings/<lang>.json), borrowed; NULL when it has none. */
const json_t *nz_theme_strings(const nz_theme *t, const char *lang);

/* ---- view models ------------------------------------------------------------------------- */

/* What every page needs besides its own content. Borrowed for the duration of the call. */
typedef struct nz_page_ctx {
	const nz_site *site;
	const nz_theme *theme;      /* for asset URLs */
	const nz_section *sections; /* navigation */
	size_t n_sections;
	const char *current_section; /* slug marked aria-current, may be NULL */
	nz_time now;
	const nz_static_page *pages; /* the footer's links and the organization's policies */
	size_t n_pages;
	/* The edition whose chrome the page wears (a language code); NULL: the site's language,
	 * the edition at "/". Other editions' links start with "/<code>" (docs/editions.md). */
	const char *edition;
	/* Optional: the feed items' text shared by every feed of a static export (nz_feed_memo);
	 * NULL: each feed makes its own. */
	struct nz_feed_memo *feed_memo;
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
	const nz_author *author; /* an author's page: their profile; NULL otherwise */
} nz_list_view;

/* Each returns a new reference (json_decref it) or NULL on out of memory. The contexts carry
 * everything the templates need: page title, lang, canonical URL, navigation, asset URLs. */
json_t *nz_view_article(const nz_page_ctx *pc, const nz_article *a);
json_t *nz_view_front(const nz_page_ctx *pc, const nz_article *items, size_t n, size_t page,
		      size_t pages);
/* Moves the first n stories of a front view's recent list (after the lead) into its top
 * stories (front.top, front.has_top). False on out of memory (view unchanged or partly moved:
 * drop it). */
bool nz_view_front_top(json_t *view, size_t n);
/* Adds "Most read" to a front view: front.most_read{title, items[{url, headline, lang}]} (none
 * when n is 0). False on out of memory (drop the view). */
bool nz_view_front_most_read(json_t *view, const nz_page_ctx *pc, const nz_most_read *items,
			     size_t n);
/* A front page's block of one section: its latest stories. The section whose slug is
 * NZ_OPINION_SECTION is the "Opinion" block (set apart, with its authors). */
#define NZ_OPINION_SECTION "opinion"
typedef struct nz_front_block {
	const nz_section *section;
	const nz_article *items;
	size_t n;
} nz_front_block;
/* Adds the blocks (those with stories) to a front view: front.blocks[{name, url, opinion,
 * items[card]}], front.has_blocks. False on out of memory (drop the view). */
bool nz_view_front_blocks(json_t *view, const nz_page_ctx *pc, const nz_front_block *blocks,
			  size_t n);
json_t *nz_view_list(const nz_page_ctx *pc, const nz_list_view *lv);
json_t *nz_view_error(const nz_page_ctx *pc, int status, const char *title, const char *message);
/* A static page (About, the policies...) at /{slug}, or its version in pc's edition at
 * /<code>/{slug}: static_page{title,body_html,updated}, with hreflang alternates and the language
 * switch between its versions. p is the page as stored (its version in the site's language). */
json_t *nz_view_static_page(const nz_page_ctx *pc, const nz_static_page *p);
/* p's version in lang: true and *out a copy of p with that version's title and text (in arena)
 * when p has one; false otherwise (also for the site's language: that version is p itself). */
bool nz_static_page_in(nz_arena *arena, const nz_static_page *p, const char *lang,
		       nz_static_page *out);
/* The address of p for a reader of lang's edition: "/ko/about" when p has a version in lang
 * (and lang is an edition other than the site's), else "/about". */
const char *nz_url_static_page_in(nz_arena *arena, const nz_site *site, const nz_static_page *p,
				  const char *lang);
/* A static page in the API's shape: id, slug, url, title, role, position, body_markdown,
 * body_html, revision, created_at, updated_at, translations ({"ko": {title, body_markdown,
 * url}}, {} for none). New reference or NULL. */
json_t *nz_json_static_page(const nz_site *site, const nz_static_page *p);

/* ---- JSON API ---------------------------------------------------------------------------- */

/* An author in the admin API's shape (json_catalog.c): id, slug, url, name (as bylines show
 * it), display_name, family_name, given_name, name_order, email, bio, texts {"en": {job_title,
 * bio}, ...}, photo {id, url} or null, same_as []. New reference or NULL on out of memory. */
json_t *nz_json_author(nz_arena *arena, const nz_site *site, const nz_author *au);
/* A tag in the admin API's shape: id, slug, url, name (every language's fallback), texts
 * {"en": {name, description}, ...}. New reference or NULL on out of memory. */
json_t *nz_json_tag(nz_arena *arena, const nz_site *site, const nz_tag *tag);
/* The path of an author's photo, a square crop NZ_AUTHOR_PHOTO_WIDTH wide (arena); NULL when
 * the author has none. */
#define NZ_AUTHOR_PHOTO_WIDTH 320
const char *nz_author_photo_url(nz_arena *arena, const nz_author *au);

/* One article in the API's shape (DESIGN.md "Stable interfaces"): every field present, missing
 * values null or []. New reference or NULL on out of memory. */
json_t *nz_json_article(const nz_site *site, const nz_article *a);
/* The renditions readers may get of m, [{path, url, type, width, height}] (url absolute when the
 * site has a base URL), the standard set around the centre; [] for a caption without a photo.
 * New reference or NULL on out of memory. */
json_t *nz_json_renditions(nz_arena *arena, const nz_site *site, const nz_media *m);
/* {"error":{"code":code,"message":message}} */
json_t *nz_json_error(const char *code, const char *message);
/* Appends v to arr (stealing it) when ok; otherwise frees v. False when !ok, v is NULL or the
 * append failed: the caller then frees arr. For rows built field by field. */
bool nz_json_append(json_t *arr, json_t *v, bool ok);

/* The public URL path of things: "/article/<slug>", "/section/<slug>", ... with the slug
 * percent-encoded; allocated in arena. */
const char *nz_url_article(nz_arena *arena, const char *slug);
const char *nz_url_section(nz_arena *arena, const char *slug);
const char *nz_url_author(nz_arena *arena, const char *slug);
const char *nz_url_tag(nz_arena *arena, const char *slug);
/* The path prefix of lang's edition: "" for the site's language (NULL, or a language without an
 * edition), "/ko" for the Korean edition of an English site. Static or in arena. */
const char *nz_url_edition(nz_arena *arena, const nz_site *site, const char *lang);
/* path ("/section/x") inside lang's edition ("/ko/section/x"); path itself for the site's
 * language. In arena; NULL on out of memory or a NULL path. */
const char *nz_url_edition_path(nz_arena *arena, const nz_site *site, const char *lang,
				const char *path);
/* A section's name in lang (its names: {"ko":"국방"}), else its one name. In arena. */
const char *nz_section_name_in(nz_arena *arena, const nz_section *s, const char *lang);
const char *nz_url_static_page(nz_arena *arena, const char *slug); /* "/about" */
const char *nz_url_media(nz_arena *arena, const nz_media *m);
/* A rendition's URL path, "/media/<hash>.<name>" (arena); NULL without bytes. */
const char *nz_url_rendition(nz_arena *arena, const nz_media *m, const nz_rendition *r);
/* Every rendition URL a page may link to for m (the pipeline's standard set), into
 * urls[0..cap) (arena); returns how many. The static export writes these files. */
size_t nz_url_renditions(nz_arena *arena, const nz_media *m, const char **urls,
			 size_t cap); /* "/media/<hash>.jpg"; NULL without bytes */

/* ---- distribution: feeds, sitemaps, JSON-LD, ninjs ---- */

/* A feed (feed.c): RSS 2.0, Atom (RFC 4287) or JSON Feed 1.1 of the same items. URLs are the
 * site's base_url + a path; times are shown at the site's offset. */
typedef struct nz_feed {
	const char *title;       /* "Defense — Newszone Daily" */
	const char *description; /* may be NULL: the title is used */
	const char *page_path;   /* the HTML page the feed follows: "/", "/section/defense" */
	const char *feed_path;   /* without extension: "/feed", "/section/defense/feed" */
	const char *language;    /* the feed's language; NULL: the site's */
	nz_time updated;         /* newest change; 0: the newest item's */
	const nz_article *items; /* newest first */
	size_t n;
	/* Per item, the byte length of its lead photo (for the RSS enclosure); may be NULL, and an
	 * entry of 0 leaves the enclosure out. */
	const int64_t *photo_bytes;
	/* A corrections feed: each item is a light article whose corrections[0] is the entry. */
	bool corrections;
	/* Per item, its live coverage (NULL: none); may be NULL. A live story's entry shows its
	 * newest updates on top and is dated by the newest of them. */
	const nz_live *const *live;
	/* Optional: where an entry's HTML and summary made for one feed are kept for the others
	 * (NULL: made for each). Same bytes either way. */
	struct nz_feed_memo *memo;
} nz_feed;

/* The feed items' text (an entry's HTML, its summary) made once and copied into every feed
 * that shows the item, in any format and edition: a static export writes ~6 feeds per list,
 * and an article is on several lists. Keyed by article id and language, so it holds for one
 * state of the articles (one build); thread-safe. It holds at most max_bytes of text (when
 * full it forgets all and starts again). */
typedef struct nz_feed_memo nz_feed_memo;
nz_feed_memo *nz_feed_memo_new(size_t max_bytes); /* NULL when out of memory */
void nz_feed_memo_free(nz_feed_memo *m);
size_t nz_feed_memo_bytes(nz_feed_memo *m); /* the text kept so far */

/* Each appends a whole document to out. NZ_NOMEM (or the buffer's limit) on failure. */
nz_rc nz_feed_rss(const nz_site *site, const nz_feed *f, nz_buf *out);
nz_rc nz_feed_atom(const nz_site *site, const nz_feed *f, nz_buf *out);
nz_rc nz_feed_json(const nz_site *site, const nz_feed *f, nz_buf *out);

/* Sitemaps (sitemap.c): a <urlset> is written in pieces so a large one streams from pages of
 * rows. begin declares the sitemap, Google News and xhtml namespaces. */
nz_rc nz_sitemap_begin(nz_buf *out);
/* One page (the front page, a section) with an optional lastmod (0: none). */
nz_rc nz_sitemap_page(nz_buf *out, const nz_site *site, const char *path, nz_time lastmod);
/* The same page (path as the site's own language has it: "/", "/section/x") in every edition,
 * one <url> each, with hreflang alternates to all of them and x-default to path itself. */
nz_rc nz_sitemap_page_editions(nz_buf *out, const nz_site *site, const char *path, nz_time lastmod);
/* The same, in the n editions of codes only (x-default: path itself), for a page that some
 * editions have: a static page's versions. */
nz_rc nz_sitemap_page_in(nz_buf *out, const nz_site *site, const char *path, nz_time lastmod,
			 char codes[][16], size_t n);
/* One article: loc, lastmod, and an xhtml:link hreflang alternate for itself and each of its
 * n_translations translations (light articles are enough), an image:image per photo in a->media
 * (light rows carry none: the caller fills them). news adds the Google News block
 * (publication name and language, publication date, title). */
nz_rc nz_sitemap_article(nz_buf *out, const nz_site *site, const nz_article *a,
			 const nz_article *translations, size_t n_translations, bool news);
nz_rc nz_sitemap_end(nz_buf *out);
/* A sitemap index of n child sitemaps (paths such as "/sitemap-articles-1.xml"), each with an
 * optional lastmod (lastmod may be NULL). */
nz_rc nz_sitemap_index(nz_buf *out, const nz_site *site, const char *const *paths,
		       const nz_time *lastmod, size_t n);
/* robots.txt: everything allowed but the back office and the API's admin side, and a Sitemap
 * line for each path. */
nz_rc nz_robots_txt(nz_buf *out, const nz_site *site, const char *const *sitemap_paths, size_t n);

/* The page context's link-preview and translation additions (jsonld.c) for an article page
 * built by nz_view_article: hreflang alternates (the article and its n published
 * translations) and og:locale:alternate. Adds to page; false on out of memory. */
bool nz_view_article_translations(json_t *page, const nz_page_ctx *pc, const nz_article *a,
				  const nz_article *translations, size_t n);
/* Adds live coverage to a page built by nz_view_article (view_live.c): the updates (newest
 * first, pinned key updates on top), the Live badge or the end of coverage, the live script
 * while live, and LiveBlogPosting JSON-LD. Nothing when live->started_at is 0. False on out of
 * memory. */
bool nz_view_article_live(json_t *page, const nz_page_ctx *pc, const nz_live *live);
/* A coverage in the admin API's shape: article_id, live, started_at, ended_at, updates[{id,
 * body_markdown, body_html, pinned, revision, created_at, updated_at}]. New reference or NULL. */
json_t *nz_json_live(int64_t article_id, const nz_live *live);

/* IPTC ninjs 2.2 (ninjs.c) of one article; pubstatus usable (published), canceled (retracted,
 * with the notice as its body) or withheld (anything else). New reference or NULL (NOMEM). */
json_t *nz_ninjs_article(const nz_site *site, const nz_article *a);

/* ---- search: the search page's view ---- */

/* One result: the article and its snippet as HTML made by search's nz_search_snippet_html
 * (escaped text and <mark> elements only; the template prints it unescaped). */
typedef struct nz_search_view_item {
	const nz_article *article;
	const char *snippet_html; /* may be NULL or "" */
} nz_search_view_item;

typedef struct nz_search_view {
	const char *q;       /* as typed, for the search box ("" when none) */
	const char *message; /* about how the query was read, or NULL */
	bool searched;       /* a query with words to look for was run */
	const nz_search_view_item *items;
	size_t n, total;
	bool capped; /* more than total matched; the newest were ranked */
	size_t page, pages;
	/* The filters as given (NULL: none), for the form and the links. */
	const char *section, *author, *tag, *lang, *from, *to, *sort;
	bool recency_off;
	const nz_article *recent; /* shown when nothing was found */
	size_t n_recent;
	const char *path; /* the page's own path ("/search", "/ko/search"); NULL: "/search" */
} nz_search_view;

/* The search page: form with filters, result count, results with snippets, pagination, and
 * suggestions when nothing was found. */
json_t *nz_view_search(const nz_page_ctx *pc, const nz_search_view *sv);
/* Related articles for an article page: {title, items[{url, headline, item_lang, published}]}
 * or null when n is 0. page_lang is the article page's language. */
json_t *nz_view_related(const nz_page_ctx *pc, const nz_article *items, size_t n,
			const char *page_lang);

/* ---- speed: the theme as the static export sees it ---- */

/* SHA-256 (hex) over every template and asset of the theme: changes when any file does. */
const char *nz_theme_fingerprint(const nz_theme *t);
/* The assets, i from 0 to count - 1: hashed URL path ("/static/site.3f2a9c1b.css"), bytes,
 * MIME type. NZ_NOTFOUND past the end. */
size_t nz_theme_asset_count(const nz_theme *t);
nz_rc nz_theme_asset_at(const nz_theme *t, size_t i, const char **url, const void **data,
			size_t *len, const char **mime);

/* ---- back office: admin views, word-level diff ---- */

/* A readable word-level diff of a (older) and b (newer) appended to out as HTML: unchanged text
 * escaped, removed text in <del>, added text in <ins>, line breaks kept (show it with
 * white-space: pre-wrap). Words split on white space and punctuation (Korean eojeol stay whole;
 * Han and Kana characters are words of their own). Time and memory are bounded: very different
 * long texts get a coarser, still correct, diff. *changed (may be NULL) tells whether a and b
 * differ. NZ_TOOBIG for a text over 8 MB; NZ_NOMEM. */
nz_rc nz_diff_html(nz_str a, nz_str b, nz_buf *out, bool *changed);

/* The back office's pages (view_admin.c). Their templates are admin-*.mustache extending
 * admin-base; the chrome's keys are listed in view_admin.c. The back office speaks English. */
typedef struct nz_admin_ctx {
	const nz_page_ctx *pc;
	const nz_user *user; /* signed in; NULL on the sign-in page */
	const char *csrf;    /* the session's CSRF token for forms; may be NULL */
	const char *flash;   /* a status message after a redirect; may be NULL */
	bool flash_error;    /* the message reports a failure */
	const char *current; /* the navigation entry of this page: "dashboard", "review", "new",
				"users", "tokens", "sections", "settings", "audit", "account" */
} nz_admin_ctx;

/* The chrome of a back-office page titled title (also its <h1>). Handlers add their own keys
 * before rendering. New reference or NULL on out of memory. */
json_t *nz_view_admin(const nz_admin_ctx *ac, const char *title);
/* "Draft", "In review", "Scheduled", "Published", "Retracted". */
const char *nz_admin_status_label(nz_status s);
/* {iso, human} of t in the site's zone, or null for 0. */
json_t *nz_view_admin_time(const nz_admin_ctx *ac, nz_time t);
/* Rows for an article table: [{id, headline, status, status_label, section, authors, updated,
 * publish_at, published, edit_url, history_url, public_url (published only)}]. */
json_t *nz_view_admin_rows(const nz_admin_ctx *ac, const nz_article *items, size_t n);

/* What the editor page shows beside the article itself. */
typedef struct nz_admin_editor {
	const nz_article *a;   /* stored, or the user's unsaved version after a refused save */
	bool is_new;           /* not stored yet */
	int64_t base_revision; /* the revision the form is based on */
	const nz_author *authors_known; /* every author, for the picker */
	size_t n_authors_known;
	const char *translation; /* the translation field's text (an id or slug), may be NULL */
	const char *note;        /* the revision note field, may be NULL */
	const char *publish_at;  /* datetime-local values; NULL: from the article */
	const char *embargo_until;
	unsigned events;         /* bit (1u << nz_event) for each workflow button to offer */
	bool can_publish;        /* editor powers: corrections, slug warnings */
	const char *error;       /* a problem with the submitted form, may be NULL */
	const char *error_field; /* the field it is about ("headline", ...), may be NULL */
	/* A refused save: what the other person changed since base (HTML from nz_diff_html). */
	const char *conflict_html;
	const char *conflict_by;
	nz_time conflict_at;
	int64_t conflict_revision;
	const int64_t *pending_media; /* photos uploaded with a refused save, kept for the retry */
	size_t n_pending_media;
} nz_admin_editor;

/* The editor's form model under "editor" on a chrome from nz_view_admin. False on OOM. */
bool nz_view_admin_editor(json_t *page, const nz_admin_ctx *ac, const nz_admin_editor *e);
/* "2026-03-17T18:30" for <input type="datetime-local"> in the site's zone ("" for 0), into
 * out[32]. */
char *nz_admin_local_input(const nz_admin_ctx *ac, nz_time t, char out[32]);
/* Parses such a value (seconds optional) back to UTC. NZ_INVAL when malformed. */
nz_rc nz_admin_local_parse(const nz_admin_ctx *ac, const char *s, nz_time *out);

#endif
