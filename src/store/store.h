/*
 * store: the only code that speaks SQL. One interface, several backends (sqlite/ now,
 * postgres/ later), chosen by the URI given to nz_store_open: a file path for SQLite,
 * "postgres://..." for PostgreSQL. No backend type or call escapes this module.
 *
 * Rules:
 * - Every write runs in a transaction. A function that writes opens its own (a savepoint when
 *   the caller already began one with nz_store_begin), so a failure changes nothing.
 * - Results are allocated in the caller's arena; the store keeps no pointer to them.
 * - A handle is used by one thread at a time; a server opens one per worker thread.
 * - Opening migrates the schema to the newest version (versioned, in one transaction).
 */
#ifndef NZ_STORE_H
#define NZ_STORE_H

#include "content/content.h"
#include "core/core.h"

typedef struct nz_store nz_store;

enum {
	NZ_STORE_CREATE = 1 << 0,   /* create the database when missing (else NZ_NOTFOUND) */
	NZ_STORE_READONLY = 1 << 1, /* refuse writes */
};

nz_rc nz_store_open(const char *uri, unsigned flags, nz_store **out, nz_err *err);
void nz_store_close(nz_store *s); /* NULL-safe */
/* The schema version after migration (for `newszone init` to report). */
int nz_store_schema_version(nz_store *s);

/* Group several calls into one transaction. Calls nest: inner writes use savepoints. */
nz_rc nz_store_begin(nz_store *s, nz_err *err);
nz_rc nz_store_commit(nz_store *s, nz_err *err);
void nz_store_rollback(nz_store *s);

/* ---- settings ---------------------------------------------------------------------------- */

/* nz_site_defaults() overridden by the settings table; strings in arena. */
nz_rc nz_store_site_load(nz_store *s, nz_arena *arena, nz_site *out, nz_err *err);
/* Keys are nz_site's field names ("name", "base_url", "tz_offset_min", ...). */
nz_rc nz_store_setting_set(nz_store *s, const char *key, const char *value, nz_err *err);

/* ---- sections, authors, tags ------------------------------------------------------------- */

/* Insert by slug when missing, else leave the stored row (filling only fields that are NULL
 * there). Sets ->id. */
nz_rc nz_store_section_ensure(nz_store *s, nz_section *sec, nz_err *err);
nz_rc nz_store_author_ensure(nz_store *s, nz_author *au, nz_err *err);
nz_rc nz_store_tag_ensure(nz_store *s, nz_tag *tag, nz_err *err);

/* NZ_NOTFOUND when no row has that slug. */
nz_rc nz_store_section_get(nz_store *s, nz_arena *arena, const char *slug, nz_section **out,
			   nz_err *err);
nz_rc nz_store_author_get(nz_store *s, nz_arena *arena, const char *slug, nz_author **out,
			  nz_err *err);
nz_rc nz_store_tag_get(nz_store *s, nz_arena *arena, const char *slug, nz_tag **out, nz_err *err);
/* Sections ordered by position then name; authors by display name. */
nz_rc nz_store_section_list(nz_store *s, nz_arena *arena, nz_section **out, size_t *n, nz_err *err);
nz_rc nz_store_author_list(nz_store *s, nz_arena *arena, nz_author **out, size_t *n, nz_err *err);

/* ---- articles ---------------------------------------------------------------------------- */

/* Stores a new article with everything hanging off it: ensures its section, authors and tags
 * by slug, stores media rows (captions without bytes too), import notes, and revision 1 (a full
 * snapshot). Fills a->id, a->uuid (when empty), a->revision = 1, created_at/updated_at (when 0).
 * When a->slug is taken, a unique one is made by appending "-2", "-3", ... and a->slug is
 * replaced (allocated in arena). Validates with nz_article_validate first. */
nz_rc nz_store_article_create(nz_store *s, nz_arena *arena, nz_article *a, const char *note,
			      nz_err *err);

/* Loads one article with its section, authors, tags, media, corrections and import notes.
 * NZ_NOTFOUND when missing. These do not filter by status: callers apply
 * nz_article_is_public(). */
nz_rc nz_store_article_by_slug(nz_store *s, nz_arena *arena, const char *slug, nz_article **out,
			       nz_err *err);
nz_rc nz_store_article_by_id(nz_store *s, nz_arena *arena, int64_t id, nz_article **out,
			     nz_err *err);

typedef struct nz_article_query {
	const char *section_slug; /* NULL: any */
	const char *tag_slug;
	const char *author_slug;
	const char *language;
	bool public_only; /* published or retracted, and embargo_until <= now */
	nz_time now;
	size_t limit;  /* 1..200; 0 means 20 */
	size_t offset; /* for ?page=N */
	/* Keyset cursor: only articles strictly older than (before_time, before_id) in the order
	 * published_at DESC, id DESC. 0/0: from the newest. */
	nz_time before_time;
	int64_t before_id;
} nz_article_query;

typedef struct nz_article_list {
	nz_article *items; /* fully loaded, newest first */
	size_t n;
	size_t total;  /* rows matching the filters, ignoring limit/offset/cursor */
	bool has_more; /* more rows after the last item */
} nz_article_list;

nz_rc nz_store_article_list(nz_store *s, nz_arena *arena, const nz_article_query *q,
			    nz_article_list *out, nz_err *err);

/* ---- import sources ---------------------------------------------------------------------- */

/* The article made from a file whose bytes hash to sha256_hex; NZ_NOTFOUND when none. */
nz_rc nz_store_import_find(nz_store *s, const char *sha256_hex, int64_t *article_id, nz_err *err);
/* Keeps the original file byte for byte with the article. */
nz_rc nz_store_import_add(nz_store *s, int64_t article_id, const char *filename, const void *bytes,
			  size_t len, nz_err *err);
/* The original bytes (in arena) and file name of an article's import; NZ_NOTFOUND when none. */
nz_rc nz_store_import_get(nz_store *s, nz_arena *arena, int64_t article_id, const void **bytes,
			  size_t *len, const char **filename, nz_err *err);

/* ---- media bytes ------------------------------------------------------------------------- */

/* Stores bytes under their SHA-256 (a no-op when present). */
nz_rc nz_store_blob_put(nz_store *s, const char *sha256_hex, const char *mime, const void *bytes,
			size_t len, nz_err *err);
nz_rc nz_store_blob_get(nz_store *s, nz_arena *arena, const char *sha256_hex, const void **bytes,
			size_t *len, const char **mime, nz_err *err);

/* ---- back office (issue 3): users, sessions, tokens, revisions, workflow, media, audit ---- */

/* ---- search (issue 5): the full-text index ---- */

/* ---- distribution (issue 4): webhooks, purge hook ---- */

#endif
