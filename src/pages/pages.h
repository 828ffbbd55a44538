/*
 * pages: the public site as bytes. Producers do "load + view + render" of every public page kind
 * (front, section/tag/author lists, article, feeds, sitemaps, robots.txt, error pages). The
 * server's handlers (web/public) call them for each request and the static export (site/) calls
 * them for each file, so an exported file holds exactly the bytes the server sends for its URL.
 * A producer says what it made (status, type, bytes), how long it may be cached, and which cache
 * keys it depends on ("article-<id>", "section-<id>", "tag-<id>", "author-<id>", "front",
 * "corrections").
 *
 * Rules: pages uses store, search and render; it knows neither HTTP nor the export's files.
 * Producers allocate in the caller's arena and append to the caller's buffer; they never log
 * (they return errors).
 */
#ifndef NZ_PAGES_H
#define NZ_PAGES_H

#include <jansson.h>

#include "core/core.h"
#include "render/render.h"
#include "store/store.h"

/* ---- producers --------------------------------------------------------------------------- */

/* Items per page of the front page and of section, tag and author pages. */
#define NZ_PAGE_PER_PAGE 20

/* What a producer works with, borrowed for the call. */
typedef struct nz_page_env {
	nz_store *store;
	const nz_page_ctx *pc; /* site, theme, sections, now; current_section is set per page */
	nz_arena *arena;       /* everything a producer allocates */
} nz_page_env;

/* How long a response may be cached (the server maps it to Cache-Control). */
typedef enum nz_page_kind {
	NZ_PAGE_FRONT,   /* the front page */
	NZ_PAGE_LIST,    /* section, tag and author pages */
	NZ_PAGE_ARTICLE, /* article pages */
	NZ_PAGE_FEED,    /* feeds, sitemaps, robots.txt */
} nz_page_kind;

/* What a producer made. Set body before the call (the page is appended to it); the rest is
 * filled by the producer. status is 200 (body and content_type set), 301 (location: the new
 * URL path of a renamed article), or 400/404 (message: what to tell the reader, may be NULL;
 * nothing appended): the caller renders the error page. */
typedef struct nz_page_out {
	nz_buf *body;
	int status;
	const char *content_type;
	const char *location;
	const char *message;
	nz_page_kind kind;
	nz_time modified;  /* the newest content time shown (Last-Modified); 0: none */
	const char **keys; /* what the page depends on, without duplicates, in env->arena */
	size_t n_keys, cap_keys;
	int64_t article_id;    /* an article page's article; 0 otherwise */
	size_t n_items, pages; /* a front or list page: articles on it, pages in the list */
	/* An article page's related articles: it shows their headlines and links, though the
	 * server does not name them in its Surrogate-Keys (the export's manifest does). */
	int64_t related[8];
	size_t n_related;
} nz_page_out;

/* Each returns NZ_OK with out->status telling the outcome, or an error (NZ_NOMEM, a store
 * failure with err filled) when the page could not be made. */

/* The front page, page 1... (a page past the last is 404; page 1 of an empty site is 200). */
nz_rc nz_page_front(const nz_page_env *env, size_t page, nz_page_out *out, nz_err *err);
/* A section, tag or author page (kind "section", "tag", "author"); slug as in the URL,
 * decoded. */
nz_rc nz_page_list(const nz_page_env *env, const char *kind, const char *slug, size_t page,
		   nz_page_out *out, nz_err *err);
/* The same pages, found with a keyset cursor instead of OFFSET (the static export: it knows
 * the list's order keys, so a deep page costs what page 1 does): cursor holds the order key of
 * the last article of the page before, and the list's length. NULL: as above. Same bytes. */
typedef struct nz_page_cursor {
	nz_time before_time;
	int64_t before_id;
	size_t total;
	/* Optional: the page's own article ids in order (ids[0..n_ids), the caller read the whole
	 * list's order), each loaded with load(load_ctx, ...) instead of by a list query (a
	 * build's cache of loaded articles: *a may be shared, never changed). */
	const int64_t *ids;
	size_t n_ids;
	nz_rc (*load)(void *load_ctx, nz_arena *arena, int64_t id, const nz_article **a,
		      nz_err *err);
	void *load_ctx;
} nz_page_cursor;
nz_rc nz_page_front_at(const nz_page_env *env, size_t page, const nz_page_cursor *cursor,
		       nz_page_out *out, nz_err *err);
/* The front page of the edition in language (its stories, once each in that language when a
 * translation has it; page 1 arranged by the edition's front layout, docs/front-page.md). The
 * two above are this one in the site's language. */
nz_rc nz_page_front_edition(const nz_page_env *env, const char *language, size_t page,
			    const nz_page_cursor *cursor, nz_page_out *out, nz_err *err);
nz_rc nz_page_list_at(const nz_page_env *env, const char *kind, const char *slug, size_t page,
		      const nz_page_cursor *cursor, nz_page_out *out, nz_err *err);
/* An article page: 404 unless public, 301 when slug is an old slug of a public article. */
nz_rc nz_page_article(const nz_page_env *env, const char *slug, nz_page_out *out, nz_err *err);
/* The same for an article already loaded (the caller checked that it is public). */
nz_rc nz_page_article_loaded(const nz_page_env *env, const nz_article *a, nz_page_out *out,
			     nz_err *err);

/* A static page at /{slug} (About, the policies...): 404 when there is none. */
nz_rc nz_page_static(const nz_page_env *env, const char *slug, nz_page_out *out, nz_err *err);

/* Feeds: format "feed.rss", "feed.atom" or "feed.json" (anything else: 404); kind "site",
 * "section", "tag", "author" or "corrections"; slug for section, tag and author. */
nz_rc nz_page_feed(const nz_page_env *env, const char *kind, const char *slug, const char *format,
		   nz_page_out *out, nz_err *err);
/* The same feed with its candidates given (the static export, which read the list's order
 * once): the first NZ_PAGE_FEED_FETCH ids of the list the feed's query reads (a section's and
 * the front page's in the edition's language, a tag's and an author's in every language),
 * loaded with given->load. NULL: as above. Same bytes. */
#define NZ_PAGE_FEED_FETCH 40 /* fetched to fill a feed's 30 items after dropping retracted */
nz_rc nz_page_feed_at(const nz_page_env *env, const char *kind, const char *slug,
		      const char *format, const nz_page_cursor *given, nz_page_out *out,
		      nz_err *err);
/* /sitemap.xml: the index. */
nz_rc nz_page_sitemap_index(const nz_page_env *env, nz_page_out *out, nz_err *err);
/* /sitemaps/<file>: "pages.xml" or "articles-N.xml" (404 for anything else, or for a child
 * whose id range holds no public article). */
nz_rc nz_page_sitemap_child(const nz_page_env *env, const char *file, nz_page_out *out,
			    nz_err *err);
/* /sitemap-news.xml */
nz_rc nz_page_sitemap_news(const nz_page_env *env, nz_page_out *out, nz_err *err);
/* /manifest.webmanifest: the site's name and the theme's icons (pages/manifest.c). */
nz_rc nz_page_manifest(const nz_page_env *env, nz_page_out *out, nz_err *err);
/* /robots.txt */
nz_rc nz_page_robots(const nz_page_env *env, nz_page_out *out, nz_err *err);

/* /media/<file>, file "<hash>.<rendition>" ("<hash>.jpg", "<hash>.w640.webp", ...): the
 * rendition the image pipeline makes of a stored photo, made now (once) when missing; never the
 * uploaded original. 404 for a name that is not a rendition or a hash that is not a photo. */
nz_rc nz_page_media(const nz_page_env *env, const char *file, nz_page_out *out, nz_err *err);
/* The same bytes by hash and rendition name (arena); NZ_NOTFOUND for an unknown hash or name,
 * the pipeline's error for a photo it refuses. Made under one lock per process: two requests
 * for a rendition that does not exist yet make it once. */
nz_rc nz_page_rendition(nz_store *store, nz_arena *arena, const char *hash, const char *name,
			const void **bytes, size_t *len, const char **mime, nz_err *err);
/* nz_page_rendition for a caller that may give up while the rendition is made (media/media.h:
 * the background worker of a stopping server); cancel NULL: never. Given up, it returns the
 * pipeline's NZ_IO ("image: cancelled") and stores nothing. */
typedef struct nz_media_cancel nz_media_cancel;
nz_rc nz_page_rendition_cancellable(nz_store *store, nz_arena *arena, const char *hash,
				    const char *name, const nz_media_cancel *cancel,
				    const void **bytes, size_t *len, const char **mime,
				    nz_err *err);

/* A themed error page (400, 403, 404, 405, 500, 503) in the site's language; message NULL: the
 * usual one for the status. Appends to out->body; out->status = status. */
nz_rc nz_page_error(const nz_page_env *env, int status, const char *message, nz_page_out *out,
		    nz_err *err);
/* The title and the usual message of an error page for status. */
const char *nz_page_status_title(int status);
const char *nz_page_status_message(int status);

/* The newest of an article's published, updated and correction times: what a page showing it
 * was last modified by (the server's Last-Modified, the export's change checks). */
nz_time nz_page_article_modified(const nz_article *a);

/* Adds a key ("article-12") to out->keys unless it is there; NZ_NOMEM. */
nz_rc nz_page_key(const nz_page_env *env, nz_page_out *out, const char *fmt, ...) NZ_PRINTF(3, 4);

/* ---- what the static export shares --------------------------------------------------------- */

/* The ids per article sitemap child (so at most that many URLs, under the protocol's 50,000):
 * small, since an edit writes its child again, whole and compressed. */
#define NZ_PAGE_SITEMAP_URLS 1000
/* The article sitemap child (N of "articles-N.xml") that lists article_id; 0 for no id. */
size_t nz_page_sitemap_child_of(int64_t article_id);

/* "feed.rss", "feed.atom", "feed.json". */
extern const char *const nz_page_feed_names[3];

/* Renders template name with view (consumed; NULL means out of memory) into out->body as a
 * 200 HTML page. */
nz_rc nz_page_render(const nz_page_env *env, const char *name, json_t *view, nz_page_out *out,
		     nz_err *err);

#endif
