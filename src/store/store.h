/*
 * store: the only code that speaks SQL. One interface, two backends (sqlite/, postgres/),
 * chosen by the URI given to nz_store_open: a file path or "sqlite:PATH" for SQLite;
 * "postgres://...", "postgresql://..." or a libpq "host=... dbname=..." string for PostgreSQL
 * (which does not do every operation yet: those answer NZ_UNSUPPORTED). No backend type or
 * call escapes this module.
 *
 * Rules:
 * - Every write runs in a transaction. A function that writes opens its own (a savepoint when
 *   the caller already began one with nz_store_begin), so a failure changes nothing.
 * - Results are allocated in the caller's arena; the store keeps no pointer to them.
 * - A handle is used by one thread at a time; a server's threads share a pool (pool.h).
 * - Opening migrates the schema to the newest version (versioned, in one transaction).
 * - The functions are grouped by aggregate: settings, catalog, articles, media, accounts, audit,
 *   outbox, search, and transfer (every table row by row, for backup, restore and migrate). Each is
 * declared once in store_ops.h, which also says how to add one.
 */
#ifndef NZ_STORE_H
#define NZ_STORE_H

#include "content/content.h"
#include "core/core.h"

typedef struct nz_store nz_store;

enum {
	NZ_STORE_CREATE = 1 << 0,   /* create the database when missing (else NZ_NOTFOUND) */
	NZ_STORE_READONLY = 1 << 1, /* refuse writes */
	NZ_STORE_BULK = 1 << 2,     /* reads much of the file once (the static export):
				       map it into memory rather than copy each page read */
	NZ_STORE_SERVER = 1 << 3,   /* a handle of the server's request pool: on PostgreSQL
				       every statement is bounded by statement_timeout (30 s
				       unless the connection sets one; docs/deployment.md) */
};

nz_rc nz_store_open(const char *uri, unsigned flags, nz_store **out, nz_err *err);
/* True when nz_store_open would take uri for PostgreSQL (else it is a SQLite path). */
bool nz_store_uri_is_postgres(const char *uri);
void nz_store_close(nz_store *s); /* NULL-safe */
/* The schema version after migration (for `newszone init` to report). */
int nz_store_schema_version(nz_store *s);

/* Group several calls into one transaction. Calls nest: inner writes use savepoints. */
nz_rc nz_store_begin(nz_store *s, nz_err *err);
nz_rc nz_store_commit(nz_store *s, nz_err *err);
void nz_store_rollback(nz_store *s);

/* Conventions of every aggregate below:
 * - `actor` is the id of the user doing it, 0 for the system (the CLI, the scheduler); it is
 *   recorded in audit_log.user_id (NULL for 0).
 * - Every change writes its audit_log row IN THE SAME TRANSACTION, with the action names of the
 *   contract with distribution: article.created, article.edited, article.updated,
 *   article.submitted, article.returned, article.scheduled, article.unscheduled,
 *   article.published, article.embargoed, article.corrected, article.retracted,
 *   article.restored, user.created, user.role_changed, user.password_changed, user.disabled,
 *   user.enabled, user.login, user.login_failed, user.logout, token.created, token.revoked,
 *   media.uploaded, section.saved, settings.changed. Article actions set audit_log.article_id.
 * - Permission is NOT checked here (callers use nz_can); workflow validity IS (nz_workflow_next),
 *   so no caller can store an impossible transition.
 * - Every change to an article's content or state makes a new revision: a full snapshot with
 *   the user, time and note. */

/* ==== settings ============================================================================= */

/* nz_site_defaults() overridden by the settings table; strings in arena. */
nz_rc nz_store_site_load(nz_store *s, nz_arena *arena, nz_site *out, nz_err *err);
/* What every public page shows around its content: the site's settings, the sections (the
 * navigation) and the static pages (the footer's links, the policies). */
typedef struct nz_site_chrome {
	nz_site site;         /* as nz_store_site_load */
	nz_section *sections; /* as nz_store_section_list */
	size_t n_sections;
	nz_static_page *pages; /* as nz_store_static_page_list */
	size_t n_pages;
} nz_site_chrome;
/* The three together, read in one snapshot (on PostgreSQL one round trip): what a page's request
 * loads first. Everything in arena; on failure *out is not to be used. */
nz_rc nz_store_site_chrome(nz_store *s, nz_arena *arena, nz_site_chrome *out, nz_err *err);
/* Keys are nz_site's field names ("name", "base_url", "time_zone", ...). time_zone must be a
 * zone of the system's tz database (setting it removes the older tz_offset_min). */
nz_rc nz_store_setting_set(nz_store *s, const char *key, const char *value, nz_err *err);

/* The stored value of key (in arena), NZ_NOTFOUND when unset. */
nz_rc nz_store_setting_get(nz_store *s, nz_arena *arena, const char *key, const char **value,
			   nz_err *err);
/* Stores `value` under key unless a value is there already; *stored is what is stored after
 * (in arena). Safe when several threads or processes race (for secrets made on first use). */
nz_rc nz_store_setting_ensure(nz_store *s, nz_arena *arena, const char *key, const char *value,
			      const char **stored, nz_err *err);

/* ==== catalog: sections, authors, tags ===================================================== */

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

/* Renames or reorders section sec->id (or creates it when id is 0; NZ_EXISTS when the slug is
 * taken); records section.saved. */
nz_rc nz_store_section_save(nz_store *s, int64_t actor, nz_section *sec, nz_err *err);

/* Saves the author named by au->slug from the back office: names, order, e-mail, bio and the
 * profile (texts per language, photo, links), all as given (NULL clears). NZ_NOTFOUND when no
 * author has that slug; NZ_INVAL for an empty display name, a text in no known language or a
 * link that is not an absolute http(s) URL. Records author.saved. */
nz_rc nz_store_author_save(nz_store *s, int64_t actor, const nz_author *au, nz_err *err);
/* Merges author `from` into `into` in one transaction: every byline of from becomes into's
 * (once per article, at from's place when into was not there), users linked to from are
 * linked to into, /author/<from> answers 301 to /author/<into> (the url_redirects table), and
 * from is deleted. NZ_NOTFOUND when either is missing, NZ_INVAL when they are the same.
 * Records author.merged. */
nz_rc nz_store_author_merge(nz_store *s, int64_t actor, const char *from, const char *into,
			    nz_err *err);

/* Every tag, by slug, with its texts. */
nz_rc nz_store_tag_list(nz_store *s, nz_arena *arena, nz_tag **out, size_t *n, nz_err *err);
/* Saves the tag named by tag->slug: its name (the fallback of every language) and its texts
 * (name and description per language), as given. NZ_NOTFOUND for no such tag; NZ_INVAL for an
 * empty name or a text in no known language. Records tag.saved. */
nz_rc nz_store_tag_save(nz_store *s, int64_t actor, const nz_tag *tag, nz_err *err);
/* Changes tag from's slug to `to` (a valid slug): its articles keep it, /tag/<from> answers
 * 301 to /tag/<to>. NZ_EXISTS when another tag has that slug; NZ_INVAL for a bad slug.
 * Records tag.renamed. */
nz_rc nz_store_tag_rename(nz_store *s, int64_t actor, const char *from, const char *to,
			  nz_err *err);
/* Merges tag from into into as nz_store_author_merge does for authors (articles tagged with
 * from are tagged with into, once; /tag/<from> answers 301; from is deleted). Records
 * tag.merged. */
nz_rc nz_store_tag_merge(nz_store *s, int64_t actor, const char *from, const char *into,
			 nz_err *err);

/* ==== articles: rows, revisions, links, translations, import sources, listings ============= */

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
	 * of the list (public lists: listed_at DESC, id DESC). 0/0: from the newest. */
	nz_time before_time;
	int64_t before_id;
	bool no_total; /* total is not counted (left 0): the caller knows it */
	/* With public_only: a translated story once, in this language when it has a public version
	 * in it (in the same section, with section_slug; its other versions are left out); NULL:
	 * every version. */
	const char *prefer_language;
} nz_article_query;

typedef struct nz_article_list {
	nz_article *items; /* fully loaded, newest first */
	size_t n;
	size_t total;  /* rows matching the filters, ignoring limit/offset/cursor */
	bool has_more; /* more rows after the last item */
} nz_article_list;

nz_rc nz_store_article_list(nz_store *s, nz_arena *arena, const nz_article_query *q,
			    nz_article_list *out, nz_err *err);

/* the order keys of every article matching q's filters (limit, offset and cursor
 * ignored), in the list's order, in arena: one read that lets the static export walk a long
 * list page by page with the keyset cursor instead of OFFSET. */
typedef struct nz_article_key {
	nz_time time; /* listed_at for public lists */
	int64_t id;
} nz_article_key;
nz_rc nz_store_article_keys(nz_store *s, nz_arena *arena, const nz_article_query *q,
			    nz_article_key **keys, size_t *n, nz_err *err);

/* ---- saving and the workflow ---- */

/* Creates an article as `actor` (a->created_by = actor; the status is the caller's: the admin
 * API and pages create drafts), revision 1 with the user and note, and article.created, in one
 * transaction. Otherwise as nz_store_article_create. */
nz_rc nz_store_article_create_by(nz_store *s, nz_arena *arena, int64_t actor, nz_article *a,
				 const char *note, nz_err *err);

/* Saves a new version of article a->id: every editable field of a replaces the stored one
 * (slug, language, section, headline, highlights, dateline, body, copyright, authors in order,
 * tags, media in order (media with an id are linked; a changed caption/credit/alt makes a new
 * media row for the same bytes), translation_group). Status, times and corrections are not
 * taken from a (use nz_store_article_transition). Refuses with NZ_CONFLICT and writes nothing
 * when the stored revision is not base_revision (someone saved in between). A changed slug of
 * an article that was ever published is kept in slug_redirects. On success a is reloaded (the
 * new revision, updated_at, ids) into arena. Records article.updated (published) or
 * article.edited (otherwise). */
nz_rc nz_store_article_update(nz_store *s, nz_arena *arena, int64_t actor, nz_article *a,
			      int64_t base_revision, const char *note, nz_err *err);

/* A workflow change of one article (nz_store_article_transition). */
typedef struct nz_article_transition {
	int64_t actor; /* who does it; 0: the system */
	int64_t id;    /* the article */
	nz_event ev;
	/* SCHEDULE: the publish time (must be later than now); EMBARGO: the embargo end (0
	 * clears it); ignored otherwise. */
	nz_time at;
	/* CORRECT: the correction (required); RETRACT: an optional reason (stored as a
	 * correction); ignored otherwise. */
	const char *text;
	int64_t base_revision; /* 0 to skip the check, else NZ_CONFLICT when it changed since */
} nz_article_transition;

/* A workflow change of one article, in one transaction: checks nz_workflow_next, sets the
 * status and times, writes a revision (note, or the event's name) and the audit row.
 * PUBLISH sets published_at the first time only (now, or publish_at when it is due) and clears
 * publish_at; RETRACT and CORRECT set updated_at. *out (may be NULL) gets the reloaded article.
 * NZ_NOTFOUND, NZ_INVAL (transition not allowed, bad time or text), NZ_CONFLICT. */
nz_rc nz_store_article_transition(nz_store *s, nz_arena *arena, const nz_article_transition *t,
				  nz_article **out, nz_err *err);

/* The scheduler's step: publishes every scheduled article whose publish_at <= now (each in its
 * own transaction, actor NULL, article.published). *n gets how many. */
nz_rc nz_store_publish_due(nz_store *s, nz_time now, size_t *n, nz_err *err);
/* The earliest publish_at of a scheduled article; NZ_NOTFOUND when none. */
nz_rc nz_store_next_scheduled(nz_store *s, nz_time *at, nz_err *err);

/* Back-office lists: any status, with the desk's filters. Scheduled articles are included with
 * their publish_at. The order is the sort's date, then id, both the same way:
 *   NEWEST (default) and OLDEST: the list's date, COALESCE(published_at, updated_at), so
 *     unpublished work sorts by its last edit (the index articles_recent walks it);
 *   UPDATED: updated_at, newest first; CREATED: the order articles were added in (id), the
 *     last added first (its date range is on created_at, its keyset time is the id).
 * Keyset pagination: with after set, only the rows after (after_time, after_id) in that order
 * (nz_store_admin_key gives an article's key). */
typedef enum {
	NZ_ADMIN_SORT_NEWEST = 0,
	NZ_ADMIN_SORT_OLDEST,
	NZ_ADMIN_SORT_UPDATED,
	NZ_ADMIN_SORT_CREATED,
} nz_admin_sort;

typedef struct nz_admin_query {
	unsigned statuses;        /* bit mask of (1u << NZ_STATUS_x); 0: every status */
	int64_t created_by;       /* 0: anyone's */
	const char *section_slug; /* NULL: any; an unknown slug matches nothing */
	const char *tag_slug;
	const char *author_slug;
	const char *language;
	nz_time from, to; /* the sort's date (CREATED: created_at) in [from, to); 0: open */
	/* only these articles (a search's matches, in any order); ignored unless by_ids, and
	 * by_ids with n_ids 0 matches nothing */
	const int64_t *ids;
	size_t n_ids;
	bool by_ids;
	nz_admin_sort sort;
	bool after; /* keyset: the rows after (after_time, after_id) in the sort's order */
	nz_time after_time;
	int64_t after_id;
	size_t limit; /* 1..200; 0 means 50 */
	size_t offset;
} nz_admin_query;

/* The keyset key of a under q's sort: the time to pass as after_time (after_id is a->id). */
nz_time nz_store_admin_key(const nz_admin_query *q, const nz_article *a);

nz_rc nz_store_admin_article_list(nz_store *s, nz_arena *arena, const nz_admin_query *q,
				  nz_article_list *out, nz_err *err);

/* Makes a and other translations of each other (one translation group); records
 * article.edited on both. NZ_NOTFOUND when either is missing. */
nz_rc nz_store_article_link_translation(nz_store *s, int64_t actor, int64_t id, int64_t other_id,
					nz_err *err);

/* The current slug of the article that used to live at old_slug (in arena); NZ_NOTFOUND. */
nz_rc nz_store_slug_redirect(nz_store *s, nz_arena *arena, const char *old_slug,
			     const char **new_slug, nz_err *err);

/* ---- revisions ---- */

typedef struct nz_revision {
	int64_t id;
	int64_t article_id;
	int64_t revision;  /* 1, 2, ... */
	int64_t user_id;   /* 0: the system or an import */
	const char *login; /* the user's login, NULL for 0 */
	const char *note;  /* may be NULL */
	nz_time created_at;
	const char *snapshot; /* the JSON snapshot (nz_store_revision_get only; NULL in lists) */
} nz_revision;

/* Every revision of an article, newest first, without snapshots. */
nz_rc nz_store_revision_list(nz_store *s, nz_arena *arena, int64_t article_id, nz_revision **out,
			     size_t *n, nz_err *err);
/* One revision with its snapshot; NZ_NOTFOUND. */
nz_rc nz_store_revision_get(nz_store *s, nz_arena *arena, int64_t article_id, int64_t revision,
			    nz_revision **out, nz_err *err);
/* The article as it was at that revision (parsed from the snapshot, into arena): every field
 * the snapshot holds, for diffs and restores. NZ_NOTFOUND. */
nz_rc nz_store_revision_article(nz_store *s, nz_arena *arena, int64_t article_id, int64_t revision,
				nz_article **out, nz_err *err);
/* Restores the content of an old revision as a NEW revision (status and times stay; the slug
 * is kept when the old one is taken by another article). NZ_CONFLICT as for updates; records
 * article.restored. *out (may be NULL) gets the reloaded article. */
typedef struct nz_article_restore {
	int64_t actor;         /* who does it; 0: the system */
	int64_t article_id;    /* the article */
	int64_t revision;      /* the revision whose content comes back */
	int64_t base_revision; /* the revision the change is based on, as for updates */
} nz_article_restore;
nz_rc nz_store_article_restore(nz_store *s, nz_arena *arena, const nz_article_restore *r,
			       nz_article **out, nz_err *err);

/* ---- import sources ---------------------------------------------------------------------- */

/* The article made from a file whose bytes hash to sha256_hex; NZ_NOTFOUND when none. */
nz_rc nz_store_import_find(nz_store *s, const char *sha256_hex, int64_t *article_id, nz_err *err);
/* The same for n hashes at once (one query on PostgreSQL): article_ids[i] is the article made
 * from sha256_hex[i], or 0 when none. */
nz_rc nz_store_import_find_many(nz_store *s, const char *const *sha256_hex, size_t n,
				int64_t *article_ids, nz_err *err);
/* Keeps the original file byte for byte with the article. */
nz_rc nz_store_import_add(nz_store *s, int64_t article_id, const char *filename, const void *bytes,
			  size_t len, nz_err *err);
/* One file of a batch import: the article made from it (created as nz_store_article_create
 * does, with note on its first revision), and the file's name and bytes, kept as
 * nz_store_import_add keeps them. rc and err are the outcome, set by nz_store_import_batch. */
typedef struct nz_store_import_item {
	nz_article *article;
	const char *note;
	const char *filename;
	const void *bytes;
	size_t len;
	const char *sha256; /* the bytes' SHA-256 in hex when the caller has it, else NULL */
	/* The body's terms recorded by nz_search_record (the caller may tokenize on another
	 * thread), or NULL: an index may replay them for the body it is given when that is the
	 * recorded text byte for byte, else it tokenizes as always. */
	const void *body_terms;
	size_t body_terms_len;
	nz_rc rc;   /* NZ_OK: stored (article->id set); else why it was refused (err) */
	nz_err err; /* the reason, when rc is not NZ_OK */
} nz_store_import_item;

/* Imports n files at once, in one transaction: each item's article, revision, search terms and
 * import source, in order, each item in a savepoint of its own. An item refused (a slug that
 * cannot be made unique, the same bytes stored already, ...) gets its rc and err and leaves
 * nothing of itself; the others still land. The change feed's lock is taken once for the
 * batch. Answers NZ_OK when the batch committed (look at each item's rc); an error only when
 * the database or memory failed, and then nothing of the batch is stored and every item's rc
 * says so. Borrowed: items and everything they point to; what the store fills in goes into
 * arena (as for nz_store_article_create). */
nz_rc nz_store_import_batch(nz_store *s, nz_arena *arena, nz_store_import_item *items, size_t n,
			    nz_err *err);
/* The original bytes (in arena) and file name of an article's import; NZ_NOTFOUND when none. */
nz_rc nz_store_import_get(nz_store *s, nz_arena *arena, int64_t article_id, const void **bytes,
			  size_t *len, const char **filename, nz_err *err);

/* Items of a multi-item export (a WordPress post, a wire story), each known by a key that
 * stays the same from one export to the next ("wordpress <guid>"): the article it became and
 * the SHA-256 of the item as last imported. The item's bytes go to import_sources. */
/* NZ_NOTFOUND when no item has that key; else its article and hash (in arena). */
nz_rc nz_store_import_item_find(nz_store *s, nz_arena *arena, const char *key, int64_t *article_id,
				const char **sha256_hex, nz_err *err);
/* Records (or moves on) the item key: its article, hash and comment count. */
nz_rc nz_store_import_item_put(nz_store *s, const char *key, int64_t article_id,
			       const char *sha256_hex, int64_t comments, nz_err *err);

/* ---- old addresses ---------------------------------------------------------------------- */

/* An old address that answers 301: an imported site's permalink ("/2015/01/27/slug",
 * "/?p=123", "/category/news") or one an editor added, to a path of this site; or (slug_change)
 * a published article's earlier slug ("/article/old" to the article's current URL). */
typedef struct nz_url_redirect {
	const char *path, *target;
	nz_time created_at;
	bool slug_change;
} nz_url_redirect;

/* The target of path (in arena); NZ_NOTFOUND when it has none. */
nz_rc nz_store_url_redirect_get(nz_store *s, nz_arena *arena, const char *path, const char **target,
				nz_err *err);
/* Adds path -> target; an existing path keeps its target unless replace. */
nz_rc nz_store_url_redirect_put(nz_store *s, const char *path, const char *target, bool replace,
				nz_err *err);
/* Removes path (an "/article/<slug>" path: that earlier slug). NZ_NOTFOUND when there is none. */
nz_rc nz_store_url_redirect_delete(nz_store *s, const char *path, nz_err *err);
/* The redirects whose path starts with prefix ("" for all), both kinds, by path, at most limit
 * (1..10000), in arena. */
nz_rc nz_store_url_redirect_list(nz_store *s, nz_arena *arena, const char *prefix, size_t limit,
				 nz_url_redirect **out, size_t *n, nz_err *err);

/* ---- static pages: About, Contact, the policies, the masthead (docs/pages.md) ------------- */

/* Saves p as a new revision (the caller, app/page.c, has checked its fields and that it
 * changes something): p->id 0 inserts it (revision 1); else p->revision must be the current one
 * (NZ_CONFLICT otherwise, NZ_NOTFOUND for no such page). A slug or a role another page holds is
 * NZ_EXISTS. On success p->id, p->revision and the times are set. One transaction. */
nz_rc nz_store_static_page_save(nz_store *s, nz_static_page *p, int64_t actor, nz_err *err);
/* The page with this slug (or, slug NULL, this id), in arena; NZ_NOTFOUND when none. */
nz_rc nz_store_static_page_get(nz_store *s, nz_arena *arena, const char *slug, int64_t id,
			       nz_static_page *out, nz_err *err);
/* Every page, by position then title, in arena. */
nz_rc nz_store_static_page_list(nz_store *s, nz_arena *arena, nz_static_page **out, size_t *n,
				nz_err *err);
/* The revisions of page id, newest first, in arena (none: *n 0). */
nz_rc nz_store_static_page_revisions(nz_store *s, nz_arena *arena, int64_t id,
				     nz_static_page_revision **out, size_t *n, nz_err *err);
/* The import record of a page brought in from another system (a WordPress page): the item's
 * key, its original bytes as the export has them, their hash, and the import notes (one a
 * line). One record per key, the latest import's; deleting the page deletes it. */
typedef struct nz_store_page_import {
	const char *key;
	int64_t page_id;
	const char *sha256_hex;
	const char *filename; /* "export.xml#page-12" */
	const void *bytes;    /* not filled in by page_import_find */
	size_t len;
	const char *notes;
	int64_t comments;
	nz_time updated_at;
} nz_store_page_import;
/* The record with this key (all but bytes), in arena; NZ_NOTFOUND when none. */
nz_rc nz_store_page_import_find(nz_store *s, nz_arena *arena, const char *key,
				nz_store_page_import *out, nz_err *err);
/* Keeps rec (updated_at is now), replacing the record with its key. */
nz_rc nz_store_page_import_put(nz_store *s, const nz_store_page_import *rec, nz_err *err);

/* ---- live coverage: an article's updates while a story unfolds (docs/live-coverage.md) ---- */

/* Starts (live true: started now, or again after an end) or ends (ended now; nothing when not
 * live) article_id's live coverage. A change reaches the article's page through the change
 * feed. */
nz_rc nz_store_live_set(nz_store *s, int64_t article_id, bool live, nz_err *err);
/* The coverage of article_id and its updates, newest first, in arena; started_at 0 (and no
 * updates) when it was never live. */
nz_rc nz_store_live_get(nz_store *s, nz_arena *arena, int64_t article_id, nz_live *out,
			nz_err *err);
/* Saves update u: u->id 0 adds it (revision 1, created now); else u->revision must be the
 * current one (NZ_CONFLICT otherwise, NZ_NOTFOUND for no such update of u->article_id). On
 * success u->id, u->revision and the times are set. */
nz_rc nz_store_live_update_save(nz_store *s, nz_live_update *u, int64_t actor, nz_err *err);
/* Deletes update id of article_id; NZ_NOTFOUND when there is none. */
nz_rc nz_store_live_update_delete(nz_store *s, int64_t article_id, int64_t id, nz_err *err);
/* ---- front layouts: the top of the front page and of each section front (docs/front-page.md) */

#define NZ_FRONT_SLOTS 5          /* the lead and four top stories */
#define NZ_FRONT_HEADLINE_MAX 300 /* bytes of a front-page headline */

typedef struct nz_front_slot {
	int64_t article_id;
	const char *headline; /* the front page's own headline; NULL: the article's */
} nz_front_slot;

/* One arrangement of a front (language, section), in force from starts_at until a later one
 * starts. The stories of slots[0..n_slots) come first, in that order; the rest fill by
 * recency. */
typedef struct nz_front_layout {
	int64_t id;
	const char *language; /* the edition ("en", "ko") */
	int64_t section_id;   /* 0: the front page; else a section front */
	nz_time starts_at;    /* when it takes over (a tick of the change feed tells pages) */
	nz_front_slot slots[NZ_FRONT_SLOTS];
	size_t n_slots;
	int64_t actor; /* who saved it; 0: the system */
	nz_time updated_at;
} nz_front_layout;

/* Saves l (language non-empty, section_id >= 0, n_slots <= NZ_FRONT_SLOTS, article ids > 0 and
 * distinct, headlines without control characters up to NZ_FRONT_HEADLINE_MAX bytes: else
 * NZ_INVAL). A layout that starts now or earlier (starts_at <= now) replaces every layout of
 * its front already in force; one that starts later replaces the one scheduled for the same
 * time; an empty one (no slots) that starts now only removes the one in force (l->id 0: the
 * front goes by recency alone). Sets l->id and l->updated_at. One transaction; the change feed
 * names the front
 * ("front" or "section-<id>"), and again when a scheduled one starts. */
nz_rc nz_store_front_layout_save(nz_store *s, nz_front_layout *l, nz_time now, int64_t actor,
				 nz_err *err);
/* Every layout of the front (language, section_id) by starts_at, oldest first, in arena. */
nz_rc nz_store_front_layout_list(nz_store *s, nz_arena *arena, const char *language,
				 int64_t section_id, nz_front_layout **out, size_t *n, nz_err *err);
/* Removes layout id (a scheduled one an editor cancels); NZ_NOTFOUND when none. */
nz_rc nz_store_front_layout_delete(nz_store *s, int64_t id, nz_err *err);
/* Of layouts (as listed: by starts_at), the one in force at now; NULL when none. */
const nz_front_layout *nz_store_front_layout_active(const nz_front_layout *layouts, size_t n,
						    nz_time now);

/* ---- page views and "Most read" (docs/front-page.md) ----------------------------------------- */

/* Views of one article page (by its slug as in the URL) in one hour (unix time / 3600). */
typedef struct nz_view_count {
	const char *slug;
	int64_t hour;
	int64_t views;
} nz_view_count;

/* Adds counts (n >= 1; slugs that are no article's are dropped) to the per-article, per-hour
 * totals in one transaction; with tell, the change feed gets "most-read" (the pages showing
 * the list). No address, user agent or anything else about the reader is stored. */
nz_rc nz_store_views_add(nz_store *s, const nz_view_count *counts, size_t n, bool tell,
			 nz_err *err);
/* The public articles most viewed since since_hour (in language; NULL: any), most first (then
 * newest), at most limit (1..100), in arena. */
nz_rc nz_store_most_read(nz_store *s, nz_arena *arena, int64_t since_hour, nz_time now,
			 const char *language, size_t limit, nz_most_read **out, size_t *n,
			 nz_err *err);

/* Views of one article in one hour, newest hour last (nz_store_views_series). */
typedef struct nz_view_hour {
	int64_t hour;
	int64_t views;
} nz_view_hour;
/* The views of the article slug per hour since since_hour, oldest first, hours without a view
 * left out, in arena; none for an unknown slug. */
nz_rc nz_store_views_series(nz_store *s, nz_arena *arena, const char *slug, int64_t since_hour,
			    nz_view_hour **out, size_t *n, nz_err *err);

/* ---- reader counts: referring sites and searches that found nothing (docs/stats.md) --------- */

#define NZ_COUNT_REFERRER "referrer"       /* key: an external site's host name */
#define NZ_COUNT_SEARCH_MISS "search-miss" /* key: a normalized query that found nothing */

/* How often something readers did happened in one hour (unix time / 3600). Nothing about the
 * reader is kept: no address, no user agent, no time finer than the hour. */
typedef struct nz_reader_count {
	const char *kind; /* NZ_COUNT_REFERRER or NZ_COUNT_SEARCH_MISS */
	const char *key;
	int64_t hour;
	int64_t count;
} nz_reader_count;

/* Adds counts (n >= 1) to the per-hour totals in one transaction. */
nz_rc nz_store_reader_counts_add(nz_store *s, const nz_reader_count *counts, size_t n, nz_err *err);
/* The keys of kind counted most since since_hour, most first (then by key), each with its sum
 * in count and its latest hour in hour; at most limit (1..100), in arena. */
nz_rc nz_store_reader_counts_top(nz_store *s, nz_arena *arena, const char *kind, int64_t since_hour,
				 size_t limit, nz_reader_count **out, size_t *n, nz_err *err);

/* ---- wires: agency feeds polled into the review queue -------------------------------------- */

typedef struct nz_wire_feed {
	int64_t id;
	const char *url;
	const char *format;               /* "rss", "atom", "ninjs" */
	const char *section_slug;         /* NULL: none */
	int64_t every_s;                  /* seconds between polls */
	const char *etag, *last_modified; /* from the last 200 answer, sent back; may be NULL */
	nz_time polled_at;                /* 0: never */
	const char *last_error;           /* NULL after a good poll */
	int64_t taken;                    /* items taken so far */
	nz_time created_at;
} nz_wire_feed;

/* Adds f (sets id, created_at); NZ_EXISTS when its URL is there already. */
nz_rc nz_store_wire_feed_add(nz_store *s, nz_wire_feed *f, nz_err *err);
/* Every feed, by id, in arena. */
nz_rc nz_store_wire_feed_list(nz_store *s, nz_arena *arena, nz_wire_feed **out, size_t *n,
			      nz_err *err);
/* NZ_NOTFOUND when there is no such feed. */
nz_rc nz_store_wire_feed_remove(nz_store *s, int64_t id, nz_err *err);
/* Records a poll of f->id: etag, last_modified, polled_at, last_error, taken. */
nz_rc nz_store_wire_feed_polled(nz_store *s, const nz_wire_feed *f, nz_err *err);

/* ---- public listings: feeds, sitemaps, exports ---- */

/* Outputs (feeds, sitemaps, ninjs export). "Public" here
 * is what readers may see: status published (or retracted, where asked for), embargo passed,
 * published_at set and <= now.
 *
 * A light article is an nz_article with only id, uuid, slug, language, status, headline,
 * published_at and updated_at filled (no body, authors, media...). In listings from
 * nz_store_article_refs its translation_group is the group's key when the article has at least
 * one public translation, else 0, so a caller knows when to ask nz_store_article_translations. */
typedef struct nz_article_ref_query {
	nz_time now;
	bool with_retracted; /* retracted articles too (their URLs answer with a notice) */
	bool newest_first;   /* published_at DESC, id DESC; else id ASC (stable for paging) */
	nz_time since;       /* only published_at >= since; 0: any */
	int64_t after_id;    /* id ASC only: ids > after_id (keyset paging) */
	size_t offset;
	size_t limit; /* 1..10000; 0 means 1000 */
} nz_article_ref_query;

/* A page of light public articles (see above), in arena. */
nz_rc nz_store_article_refs(nz_store *s, nz_arena *arena, const nz_article_ref_query *q,
			    nz_article **out, size_t *n, nz_err *err);
/* The public articles (published, never retracted) in a's translation group other than a
 * itself, as light articles ordered by language. The group's key is the original's id; the
 * original itself may have translation_group 0. *n is 0 when there are none. */
nz_rc nz_store_article_translations(nz_store *s, nz_arena *arena, const nz_article *a, nz_time now,
				    nz_article **out, size_t *n, nz_err *err);
/* One sitemap chunk: its number (from 1) and its newest modification time. */
typedef struct nz_article_chunk {
	int64_t number;
	nz_time lastmod; /* max of updated_at and published_at over its articles */
} nz_article_chunk;

/* Groups the public articles (retracted included) by id range: chunk k (from 1) holds the ids
 * (k-1)*per_chunk+1 .. k*per_chunk, so an article stays in its chunk whatever comes or goes
 * elsewhere. One entry per chunk that holds any, by number; *n 0 when nothing is public. */
nz_rc nz_store_article_chunks(nz_store *s, nz_arena *arena, nz_time now, size_t per_chunk,
			      nz_article_chunk **out, size_t *n, nz_err *err);
/* The newest corrections (created_at <= now) of public articles, newest first, at most limit
 * (1..1000): each item is a light article whose corrections[0] is one correction. */
nz_rc nz_store_corrections_recent(nz_store *s, nz_arena *arena, nz_time now, size_t limit,
				  nz_article **out, size_t *n, nz_err *err);

/* ==== media: blobs and media rows ========================================================== */

/* Stores bytes under their SHA-256 (a no-op when present). */
nz_rc nz_store_blob_put(nz_store *s, const char *sha256_hex, const char *mime, const void *bytes,
			size_t len, nz_err *err);
nz_rc nz_store_blob_get(nz_store *s, nz_arena *arena, const char *sha256_hex, const void **bytes,
			size_t *len, const char **mime, nz_err *err);

/* The byte length of a stored blob without reading it; NZ_NOTFOUND when none. */
nz_rc nz_store_blob_size(nz_store *s, const char *sha256_hex, int64_t *size, nz_err *err);

/* ---- media uploads ---- */

/* Stores the bytes by their hash (nz_store_blob_put) and a media row in one transaction: fills
 * m->id and m->hash (in arena); m->mime, width, height, caption, credit, alt are taken as given
 * (the caller probes the bytes with nz_image_probe first). Records media.uploaded. NZ_TOOBIG
 * past NZ_MEDIA_MAX. */
nz_rc nz_store_media_add(nz_store *s, nz_arena *arena, int64_t actor, nz_media *m,
			 const void *bytes, size_t len, nz_err *err);
nz_rc nz_store_media_get(nz_store *s, nz_arena *arena, int64_t id, nz_media **out, nz_err *err);
/* Media rows that have bytes, newest first (for a picker). */
/* ---- renditions: what the image pipeline made of a blob, by its hash and rendition name ---- */

/* Keeps a rendition's bytes (the first put of a (source, name) wins; later ones are no-ops, so
 * two nodes making the same rendition agree). NZ_INVAL for a malformed hash or empty name. */
nz_rc nz_store_rendition_put(nz_store *s, const char *source, const char *name, const char *mime,
			     const void *bytes, size_t len, nz_err *err);
/* A rendition's bytes and MIME type (arena); NZ_NOTFOUND when it has not been made. */
nz_rc nz_store_rendition_get(nz_store *s, nz_arena *arena, const char *source, const char *name,
			     const void **bytes, size_t *len, const char **mime, nz_err *err);
/* Up to limit (1..200) photos, one per distinct hash and focal point, that have no rendition
 * called prefix + "<focal_x>-<focal_y>" + suffix yet (the last of the standard set, a crop
 * around the photo's focal point; hash, mime, width, height and the focal point filled), oldest
 * first: the background worker's queue. */
nz_rc nz_store_media_unrendered(nz_store *s, nz_arena *arena, const char *prefix,
				const char *suffix, size_t limit, nz_media **out, size_t *n,
				nz_err *err);

/* A photo of an article (with bytes), for listings that show every photo of a page of
 * articles (the image sitemap). */
typedef struct nz_article_photo {
	int64_t article_id;
	nz_media media;
} nz_article_photo;
/* The photos with bytes of every article whose id is in first_id..last_id, in one query,
 * ordered by article id then position (arena). Whether an article is public is the caller's
 * business: it asks for the range of a page of public rows and keeps those rows' photos. */
nz_rc nz_store_article_photos(nz_store *s, nz_arena *arena, int64_t first_id, int64_t last_id,
			      nz_article_photo **out, size_t *n, nz_err *err);

nz_rc nz_store_media_list(nz_store *s, nz_arena *arena, size_t limit, size_t offset, nz_media **out,
			  size_t *n, nz_err *err);

/* ---- the media library ---- */

/* Which photos (media rows with bytes) a library page lists. */
typedef struct nz_media_filter {
	const char *text; /* words of the caption, credit, alt text or file name; NULL: any */
	int used;         /* 1: used by an article, -1: used by none, 0: either */
	nz_time from, to; /* uploaded at or after from, before to (0: no bound) */
	int64_t before;   /* keyset: only ids below it (0: from the newest) */
	int64_t uploader; /* uploaded by this user id (0: anyone) */
	size_t limit;     /* 1..200 (other values: 50) */
} nz_media_filter;

/* A photo in the library: its row, when it was uploaded, and how many articles show its bytes
 * (through it or another row of them, in their photos or in a live update). */
typedef struct nz_media_entry {
	nz_media media;
	nz_time created_at;
	int64_t n_uses;
} nz_media_entry;

/* The photos that pass f, newest first (arena); the next page starts before the last id. A photo
 * is the first row of its bytes: the other rows of the same hash (an article's own texts or focal
 * point, nz_store_media_variants) are never listed; f->used counts theirs and live updates too.
 * The text's words (split at anything not a letter or digit) must each begin a word of the
 * caption, credit, alt text or file name of the photo or of one of its variants,
 * case-insensitively (ASCII); the backends find them through an index. */
nz_rc nz_store_media_search(nz_store *s, nz_arena *arena, const nz_media_filter *f,
			    nz_media_entry **out, size_t *n, nz_err *err);
/* The articles that use photo id, among their photos or in a live update (id, uuid, slug,
 * headline, status and language filled), newest first (arena); none is not an error. */
nz_rc nz_store_media_uses(nz_store *s, nz_arena *arena, int64_t id, nz_article **out, size_t *n,
			  nz_err *err);
/* Sets photo m->id's caption, credit, alt text and focal point (none: the centre) to m's;
 * records media.edited and, when something changed, a revision (nz_store_media_revisions). Every
 * article that uses it gets a change (its pages are made again, and its crops are new URLs).
 * NZ_NOTFOUND when there is no such photo, NZ_INVAL for a focal point outside 0..100 or a text past
 * 2,000 bytes. */
nz_rc nz_store_media_update(nz_store *s, int64_t actor, const nz_media *m, nz_err *err);
/* One state of a photo's texts and focal point: the first as uploaded (user_id 0), then one per
 * edit that changed something, by whom and when. */
typedef struct nz_media_revision {
	int64_t id;
	int64_t user_id;        /* 0: as uploaded, or the user is gone */
	const char *user_login; /* NULL when user_id is 0 */
	nz_time at;
	const char *caption, *credit, *alt;
	bool has_focal; /* false: the centre */
	int focal_x, focal_y;
} nz_media_revision;

/* Photo id's revisions, newest first, at most 200 (arena); none (a photo never edited) is not
 * an error. */
nz_rc nz_store_media_revisions(nz_store *s, nz_arena *arena, int64_t id, nz_media_revision **out,
			       size_t *n, nz_err *err);
/* Another media row of the same bytes that an article shows: the article's own texts or focal
 * point for the photo, made when an editor changed them in the article's editor. */
typedef struct nz_media_variant {
	int64_t media_id;
	const char *caption;
	int64_t article_id;
	const char *slug, *headline;
} nz_media_variant;
/* The variants of photo id (other rows of its bytes, with an article that uses each), newest
 * article first, at most 200 (arena); none is not an error. */
nz_rc nz_store_media_variants(nz_store *s, nz_arena *arena, int64_t id, nz_media_variant **out,
			      size_t *n, nz_err *err);
/* The users who uploaded at least one photo still in the library (id and login filled), by
 * login (arena): the library's uploader filter. */
nz_rc nz_store_media_uploaders(nz_store *s, nz_arena *arena, nz_user **out, size_t *n, nz_err *err);
/* Told now and then how far a long pass is: items done and the total. */
typedef void (*nz_store_progress_fn)(void *ctx, size_t done, size_t total);
/* Who hears how far the long job an open may do first goes (PostgreSQL: the search index
 * rebuilt after a migration asked for it, 8 minutes at 100,000 articles): fn(ctx, done, total)
 * with articles, at 0, after each batch and at the end. Process-wide, for the opens after the
 * call; set it before any thread opens a store. NULL (the default): nobody. */
void nz_store_set_open_progress(nz_store_progress_fn fn, void *ctx);
/* Rebuilds the media library's search index from the media rows in one transaction
 * (`newszone reindex`); progress (may be NULL) is called with photos done and the total. On
 * PostgreSQL the index is an expression index that follows the rows: it only counts them. */
nz_rc nz_store_media_index_rebuild(nz_store *s, nz_store_progress_fn progress, void *ctx,
				   nz_err *err);
/* Removes photo id's row (its bytes stay: revisions may name them); records media.deleted.
 * NZ_CONFLICT while an article or a live update uses it (nz_store_media_uses names them),
 * NZ_NOTFOUND when there is no such photo. */
nz_rc nz_store_media_delete(nz_store *s, int64_t actor, int64_t id, nz_err *err);

/* ==== accounts: users, sessions, sign-in throttling, API tokens ============================ */

/* ---- users ---- */

/* Creates u (login, role, author_id) with an argon2id hash from nz_app_password_hash. Sets
 * u->id and u->created_at. NZ_EXISTS when the login is taken; NZ_INVAL for a bad login. */
nz_rc nz_store_user_create(nz_store *s, int64_t actor, nz_user *u, const char *password_hash,
			   nz_err *err);
/* NZ_NOTFOUND when missing. */
nz_rc nz_store_user_get(nz_store *s, nz_arena *arena, int64_t id, nz_user **out, nz_err *err);
/* The user and the stored password hash (both in arena); NZ_NOTFOUND when no such login. */
nz_rc nz_store_user_by_login(nz_store *s, nz_arena *arena, const char *login, nz_user **out,
			     const char **password_hash, nz_err *err);
/* All users, by login. */
nz_rc nz_store_user_list(nz_store *s, nz_arena *arena, nz_user **out, size_t *n, nz_err *err);
nz_rc nz_store_user_set_role(nz_store *s, int64_t actor, int64_t user_id, nz_role role,
			     nz_err *err);
/* Replaces the hash and ends every session of the user (other devices must sign in again). */
nz_rc nz_store_user_set_password(nz_store *s, int64_t actor, int64_t user_id,
				 const char *password_hash, nz_err *err);
/* Disabling ends the user's sessions; their tokens stop working while disabled. */
nz_rc nz_store_user_set_disabled(nz_store *s, int64_t actor, int64_t user_id, bool disabled,
				 nz_err *err);

/* ---- sessions (the cookie holds a random token; the store only its SHA-256 hex) ---- */

/* Stores a session for user_id that expires at expires_at, removes expired sessions, clears
 * the login failures of the user's login, and records user.login (detail: the address). */
nz_rc nz_store_session_create(nz_store *s, const char *id_hash, int64_t user_id, nz_time expires_at,
			      const char *address, nz_err *err);
/* The user of a live session (in arena) and when it expires: NZ_NOTFOUND when the session is
 * unknown, expired or its user disabled. Records now as the session's last_seen_at when that
 * is NZ_SESSION_SEEN_STEP or more behind (a failure to record it is ignored). */
nz_rc nz_store_session_user(nz_store *s, nz_arena *arena, const char *id_hash, nz_time now,
			    nz_user **out, nz_time *expires_at, nz_err *err);
/* Ends one session (logout), recording user.logout; NZ_OK when it did not exist. */
nz_rc nz_store_session_delete(nz_store *s, const char *id_hash, nz_err *err);

/* A session as its user sees it in their list: never the hash itself, only its first
 * NZ_SESSION_PREFIX hex digits, which name it for ending it. */
#define NZ_SESSION_PREFIX 16
#define NZ_SESSION_DEVICE_MAX 64
/* last_seen_at moves at most once a minute (session_user records it), so it is to the minute. */
#define NZ_SESSION_SEEN_STEP 60
typedef struct nz_session_info {
	char id[NZ_SESSION_PREFIX + 1];
	nz_time created_at, last_seen_at, expires_at;
	const char *device; /* a coarse label ("Firefox on Linux"); NULL: not known */
} nz_session_info;

/* Sets the coarse device label of a session (made from its User-Agent by the caller; never the
 * address). NZ_OK when the session does not exist. */
nz_rc nz_store_session_device(nz_store *s, const char *id_hash, const char *device, nz_err *err);
/* The live sessions of user_id (in arena), the most recently seen first. */
nz_rc nz_store_session_list(nz_store *s, nz_arena *arena, int64_t user_id, nz_time now,
			    nz_session_info **out, size_t *n, nz_err *err);
/* Ends sessions of user_id: the one whose id starts with prefix (NZ_NOTFOUND when the user has
 * none such), or with prefix NULL every one but keep (a full hash, or NULL: all). Records
 * user.logout with the number ended; *ended (may be NULL) says how many. */
nz_rc nz_store_session_end(nz_store *s, int64_t user_id, const char *prefix, const char *keep,
			   int *ended, nz_err *err);

/* ---- presence: who has an article open in the editor, kept by the editor's heartbeat ---- */

typedef struct nz_presence {
	int64_t user_id;
	const char *name;       /* the user's author name, else their login */
	nz_time since, seen_at; /* opened (this visit), last heartbeat */
} nz_presence;

/* Records that user_id has article_id open now: a new visit (since = now) when their last
 * heartbeat is older than ttl seconds, else seen_at moves. Forgets visits older than ttl. */
nz_rc nz_store_presence_beat(nz_store *s, int64_t article_id, int64_t user_id, nz_time now,
			     nz_time ttl, nz_err *err);
/* The people with article_id open (a heartbeat within ttl seconds of now), the earliest first,
 * in arena. */
nz_rc nz_store_presence_list(nz_store *s, nz_arena *arena, int64_t article_id, nz_time now,
			     nz_time ttl, nz_presence **out, size_t *n, nz_err *err);

/* ---- login throttling ---- */

/* Failed sign-ins since `since` for this login and for this address. */
nz_rc nz_store_login_failures(nz_store *s, const char *login, const char *address, nz_time since,
			      int *by_login, int *by_address, nz_err *err);
/* Records a failed sign-in (user_id 0 when the login does not exist) and user.login_failed. */
nz_rc nz_store_login_failed(nz_store *s, const char *login, const char *address, int64_t user_id,
			    nz_err *err);

/* ---- API tokens (the token is shown once; the store keeps its SHA-256 hex) ---- */

typedef struct nz_api_token {
	int64_t id;
	int64_t user_id;
	const char *login;                            /* the user's */
	const char *name;                             /* a label, may be NULL */
	nz_time created_at, last_used_at, revoked_at; /* 0: never / not revoked */
	nz_time expires_at;                           /* 0: never */
} nz_api_token;

/* Sets *id; records token.created. The token stops working at expires_at (0: never). */
nz_rc nz_store_token_create(nz_store *s, int64_t actor, int64_t user_id, const char *token_hash,
			    const char *name, nz_time expires_at, int64_t *id, nz_err *err);
/* The user a live token belongs to (in arena) and the token's id; updates last_used_at.
 * NZ_NOTFOUND when the token is unknown, revoked or expired (at now) or its user disabled.
 * Disabling a user revokes their tokens (nz_store_user_set_disabled). */
nz_rc nz_store_token_user(nz_store *s, nz_arena *arena, const char *token_hash, nz_time now,
			  nz_user **out, int64_t *token_id, nz_err *err);
/* Revokes (never deletes); records token.revoked. NZ_NOTFOUND when no such token; NZ_OK when
 * it was revoked already. */
nz_rc nz_store_token_revoke(nz_store *s, int64_t actor, int64_t token_id, nz_err *err);
/* The id of the token with this hash (revoked or not); NZ_NOTFOUND when none. */
nz_rc nz_store_token_find(nz_store *s, const char *token_hash, int64_t *token_id, nz_err *err);
/* Tokens of user_id (0: everyone's), newest first. */
nz_rc nz_store_token_list(nz_store *s, nz_arena *arena, int64_t user_id, nz_api_token **out,
			  size_t *n, nz_err *err);

/* ---- password-reset links (one live link per user; the store keeps its SHA-256 hex) ---- */

typedef struct nz_password_reset {
	nz_user user;       /* whose password the link sets */
	nz_time created_at; /* when the link was made */
	nz_time expires_at; /* it stops working then */
	nz_time used_at;    /* 0: not used yet */
} nz_password_reset;

/* Makes token_hash user_id's reset link until expires_at, replacing (voiding) any older link
 * of theirs; records user.reset_link_created. NZ_NOTFOUND when there is no such user. */
nz_rc nz_store_reset_create(nz_store *s, int64_t actor, int64_t user_id, const char *token_hash,
			    nz_time expires_at, nz_err *err);
/* The link with this hash and its user (in arena), used, expired or not; NZ_NOTFOUND when
 * there is none (never made, or replaced by a newer one). */
nz_rc nz_store_reset_get(nz_store *s, nz_arena *arena, const char *token_hash,
			 nz_password_reset *out, nz_err *err);
/* In one transaction: marks the link used at now, provided it is unused, unexpired at now and
 * its user enabled; sets the user's password hash, ends their sessions and records
 * user.password_reset as the user. Sets *user_id. NZ_NOTFOUND (nothing changed) otherwise. */
nz_rc nz_store_reset_use(nz_store *s, const char *token_hash, nz_time now,
			 const char *password_hash, int64_t *user_id, nz_err *err);

/* ==== audit log ============================================================================ */

typedef struct nz_audit_entry {
	int64_t id;
	nz_time at;
	int64_t user_id;         /* 0: the system */
	const char *login;       /* NULL for the system */
	const char *action;      /* "article.published" */
	const char *object_type; /* "article", "user", "token", "media", "section", or NULL */
	int64_t object_id;
	int64_t article_id; /* set for article actions */
	const char *detail; /* may be NULL */
} nz_audit_entry;

/* Adds one row (inside the caller's transaction when there is one). */
nz_rc nz_store_audit_add(nz_store *s, int64_t actor, const char *action, const char *object_type,
			 int64_t object_id, const char *detail, nz_err *err);

typedef struct nz_audit_query {
	int64_t article_id; /* 0: any */
	int64_t before_id;  /* 0: from the newest; else only rows with id < before_id */
	size_t limit;       /* 1..500; 0 means 100 */
} nz_audit_query;

/* Newest first. */
nz_rc nz_store_audit_list(nz_store *s, nz_arena *arena, const nz_audit_query *q,
			  nz_audit_entry **out, size_t *n, nz_err *err);

/* ==== outbox: the change feed, webhooks and deliveries, the purge hook ===================== */

/* ---- the change feed (keys a write affects), for the page cache and the incremental static
 * export ---- */

/* Every write that can change a public page adds, in its own transaction (triggers: schema.c's
 * migration 5), one row per cache key it affects to an append-only feed numbered by seq. Keys
 * are the Surrogate-Key names the pages carry: "article-<id>", "section-<id>", "tag-<id>",
 * "author-<id>", "front" (pages listing the newest articles site-wide: front page, site feeds,
 * sitemaps, the API's list, search), "corrections" (the corrections feed), and two that mean
 * EVERY page: "settings" (a setting changed) and "site" (a section was added, renamed, moved or
 * removed: the navigation of every page). docs/performance.md has the full table. */
#define NZ_CHANGES_KEEP_DAYS 7      /* nz_store_changes_prune keeps at least this long... */
#define NZ_CHANGES_KEEP_ROWS 100000 /* ...but no more rows than this */

/* The feed's high-water mark: the newest seq (0 when nothing ever changed). */
nz_rc nz_store_change_seq(nz_store *s, int64_t *seq, nz_err *err);
/* The distinct keys of the changes with seq > after_seq (an array of strings in arena, in no
 * particular order), and the seq they go up to (*upto_seq; after_seq itself when there is
 * nothing new): read in one snapshot, so passing *upto_seq as the next after_seq misses
 * nothing. When rows after after_seq were pruned away, the keys include "settings" (everything
 * may have changed). */
nz_rc nz_store_changes_since(nz_store *s, nz_arena *arena, int64_t after_seq, int64_t *upto_seq,
			     const char ***keys, size_t *n_keys, nz_err *err);
/* Time-based visibility: touches (no-op UPDATE, which fires the feed's trigger) every published
 * or retracted article whose embargo_until or future published_at has passed since the last
 * tick, up to now, so its pages are re-made although nobody wrote. The clock lives in the
 * database: anyone may tick (the server's scheduler several times a second, `newszone build`
 * before it reads the feed); a tick writes only when something became due. *n (may be NULL)
 * gets how many articles were touched. */
nz_rc nz_store_change_tick(nz_store *s, nz_time now, size_t *n, nz_err *err);
/* When pages next change by time alone: the earliest embargo_until or future published_at of a
 * published or retracted article that no tick has told yet (in the past when a tick is
 * overdue), or publish_at of a scheduled article (which the scheduler publishes then).
 * NZ_NOTFOUND when none. */
nz_rc nz_store_change_next_due(nz_store *s, nz_time *at, nz_err *err);
/* Deletes rows older than NZ_CHANGES_KEEP_DAYS before now and beyond the newest
 * NZ_CHANGES_KEEP_ROWS, never the newest row (so seq never goes back). *n (may be NULL) gets how
 * many rows went. */
nz_rc nz_store_changes_prune(nz_store *s, nz_time now, size_t *n, nz_err *err);

/* Webhooks and the purge hook (docs/caching-and-webhooks.md). Deliveries form an outbox in the
 * database: triggers on audit_log enqueue them in the transaction of the change itself, whoever
 * makes it; the server's delivery worker claims the due ones, sends them, and records every
 * attempt. A restart loses nothing. */

/* The events a webhook may subscribe to, in their canonical order; NZ_WEBHOOK_EVENTS is the
 * same list comma-separated (for messages and help). */
#define NZ_WEBHOOK_EVENT_LIST(X)                                                                   \
	X(NZ_HOOK_PUBLISHED, "article.published")                                                  \
	X(NZ_HOOK_UPDATED, "article.updated")                                                      \
	X(NZ_HOOK_CORRECTED, "article.corrected")                                                  \
	X(NZ_HOOK_RETRACTED, "article.retracted")
#define NZ_WEBHOOK_EVENTS "article.published,article.updated,article.corrected,article.retracted"
#define NZ_WEBHOOK_N_EVENTS NZ_ENUM_COUNT(NZ_WEBHOOK_EVENT_LIST)

typedef enum { NZ_WEBHOOK_EVENT_LIST(NZ_ENUM_MEMBER) } nz_webhook_event;
const char *nz_webhook_event_name(nz_webhook_event ev); /* "article.published", ... */
#define NZ_WEBHOOK_URL_MAX 2000
#define NZ_DELIVERY_MAX_ATTEMPTS 8 /* then the delivery is marked failed */

typedef struct nz_webhook {
	int64_t id;
	const char *url;    /* http:// or https:// */
	const char *secret; /* the HMAC-SHA256 key; made by nz_store_webhook_create when NULL */
	const char *events; /* comma list; nz_store_webhook_create checks and normalises it */
	bool active;
	nz_time created_at;
	int64_t n_pending, n_delivered, n_failed; /* its deliveries (filled by list and get) */
} nz_webhook;

/* Checks the URL and the events ("article.published, article.updated" or with commas only;
 * NZ_INVAL naming the problem), makes a secret ("whsec_" + 64 hex) when hook->secret is NULL,
 * stores the hook active and fills id, created_at, and the normalised events (in arena). */
nz_rc nz_store_webhook_create(nz_store *s, nz_arena *arena, nz_webhook *hook, nz_err *err);
/* Every hook, oldest first, with their secrets (callers decide who sees them). */
nz_rc nz_store_webhook_list(nz_store *s, nz_arena *arena, nz_webhook **out, size_t *n, nz_err *err);
nz_rc nz_store_webhook_get(nz_store *s, nz_arena *arena, int64_t id, nz_webhook **out, nz_err *err);
/* Deletes the hook with its deliveries (pending ones are not sent). NZ_NOTFOUND when none. */
nz_rc nz_store_webhook_delete(nz_store *s, int64_t id, nz_err *err);

#define NZ_DELIVERY_STATUSES(X)                                                                    \
	X(NZ_DELIVERY_PENDING, "pending")                                                          \
	X(NZ_DELIVERY_DELIVERED, "delivered")                                                      \
	X(NZ_DELIVERY_FAILED, "failed")

typedef enum { NZ_DELIVERY_STATUSES(NZ_ENUM_MEMBER) } nz_delivery_status;
/* "pending", "delivered", "failed"; "pending" for a value outside the list. */
const char *nz_delivery_status_name(nz_delivery_status st);

typedef struct nz_delivery {
	int64_t id;
	int64_t webhook_id; /* 0: the purge hook */
	const char *event;  /* "article.published" */
	int64_t article_id;
	int64_t audit_id;
	int64_t revision;    /* the article's revision when the event happened */
	const char *payload; /* the exact body; NULL until the first attempt builds it */
	nz_delivery_status status;
	int attempts;
	int64_t next_attempt_ms; /* unix milliseconds */
	int last_status;         /* HTTP status of the last attempt; 0 when there was no answer */
	const char *last_error;  /* NULL after a success */
	nz_time created_at;      /* when the event happened */
	nz_time delivered_at;
	const char *url;    /* the hook's (NULL for the purge hook: from the settings) */
	const char *secret; /* the hook's; filled by nz_store_delivery_claim only */
} nz_delivery;

typedef struct nz_delivery_query {
	int64_t webhook_id; /* 0: every delivery; -1: the purge hook's */
	int64_t before_id;  /* 0: from the newest */
	size_t limit;       /* 1..500; 0 means 50 */
} nz_delivery_query;

/* Newest first, without payloads. */
nz_rc nz_store_delivery_list(nz_store *s, nz_arena *arena, const nz_delivery_query *q,
			     nz_delivery **out, size_t *n, nz_err *err);

/* For the delivery worker. Claims up to max pending deliveries due at now_ms, oldest first,
 * by moving their next attempt to now_ms + lease_ms (so another worker does not take them, and a
 * worker that dies mid-send leaves them to be retried after the lease). */
typedef struct nz_delivery_claim {
	int64_t now_ms;   /* unix milliseconds */
	int64_t lease_ms; /* >= 0 */
	size_t max;       /* 1..100 */
} nz_delivery_claim;
nz_rc nz_store_delivery_claim(nz_store *s, nz_arena *arena, const nz_delivery_claim *c,
			      nz_delivery **out, size_t *n, nz_err *err);
/* Keeps the body built for the first attempt, so retries send the same bytes. */
nz_rc nz_store_delivery_set_payload(nz_store *s, int64_t id, const char *payload, nz_err *err);
/* Moves a delivery's next attempt without counting an attempt (an embargoed article). */
nz_rc nz_store_delivery_postpone(nz_store *s, int64_t id, int64_t next_attempt_ms, nz_err *err);

/* One attempt's outcome. */
typedef struct nz_delivery_result {
	int64_t id;
	int64_t at_ms, duration_ms;
	int http_status;   /* 0: no answer */
	const char *error; /* NULL on success */
	bool delivered;
	int64_t next_attempt_ms; /* when not delivered: the retry, or 0 to mark it failed */
} nz_delivery_result;
/* Records the attempt (webhook_attempts) and the delivery's new state, in one transaction. */
nz_rc nz_store_delivery_record(nz_store *s, const nz_delivery_result *r, nz_err *err);
/* The earliest next attempt of a pending delivery; NZ_NOTFOUND when nothing is pending. */
nz_rc nz_store_delivery_next_due(nz_store *s, int64_t *next_ms, nz_err *err);

/* The worker's settings (the settings table): purge_url and purge_secret (NULL when unset),
 * webhook_backoff_ms (the first retry's delay, default 10000; later ones grow from it). */
typedef struct nz_delivery_config {
	const char *purge_url;
	const char *purge_secret;
	int64_t backoff_ms;
} nz_delivery_config;
nz_rc nz_store_delivery_config(nz_store *s, nz_arena *arena, nz_delivery_config *out, nz_err *err);

/* ==== search: the full-text index ========================================================== */

/* The index follows every write to articles by itself (triggers, in the writer's transaction);
 * nobody calls the store to update it. Public-ness is decided when searching: only published
 * articles whose embargo and publication time have passed are found, never drafts, scheduled,
 * embargoed or retracted ones. Docs: docs/search.md. */

typedef struct nz_search_query nz_search_query; /* a parsed query: search/search.h */

typedef enum { NZ_SEARCH_RELEVANCE = 0, NZ_SEARCH_NEWEST = 1 } nz_search_sort;

typedef struct nz_article_search {
	const nz_search_query *query; /* with at least one term to include (n_include > 0) */
	const char *section_slug;     /* NULL: any */
	const char *tag_slug;
	const char *author_slug;
	const char *language;
	nz_time from, to; /* published_at in [from, to); 0: open */
	nz_search_sort sort;
	bool no_recency; /* relevance only: no preference for recent articles */
	/* The back office: articles of every status are found (drafts, scheduled, embargoed,
	 * retracted), and with ids_only out->items hold only article.id, one per match of the
	 * window (limit and offset ignored; no snippets, nothing else loaded). */
	bool any_status;
	bool ids_only;
	nz_time now;
	size_t limit;  /* 1..100; 0 means 20 */
	size_t offset; /* at most NZ_SEARCH_WINDOW */
} nz_article_search;

typedef struct nz_search_hit {
	nz_article article; /* fully loaded */
	/* The passage around the best match (body, else highlights), the matched words between
	 * NZ_SEARCH_MARK_OPEN and NZ_SEARCH_MARK_CLOSE (search/search.h); "" when none. Raw
	 * article text: turn it into HTML with nz_search_snippet_html. */
	const char *snippet;
	double score; /* lower is better (BM25 as FTS5 reports it, with the recency factor) */
} nz_search_hit;

/* Ranking covers the newest NZ_SEARCH_WINDOW matches (by creation), so a very common word stays
 * fast; more than that is reported as capped. */
#define NZ_SEARCH_WINDOW 2000

typedef struct nz_search_results {
	nz_search_hit *items; /* best first */
	size_t n;
	size_t total; /* matches, ignoring limit/offset; at most NZ_SEARCH_WINDOW */
	bool capped;  /* more than NZ_SEARCH_WINDOW matched: refine to see older ones */
} nz_search_results;

/* Ranked, filtered full-text search; results in arena. */
nz_rc nz_store_search(nz_store *s, nz_arena *arena, const nz_article_search *q,
		      nz_search_results *out, nz_err *err);
/* Up to max (1..10) public articles in a's language that share its most distinctive words
 * (highest tf-idf over headline, highlights and body), best first; never a itself. */
nz_rc nz_store_related(nz_store *s, nz_arena *arena, const nz_article *a, nz_time now, size_t max,
		       nz_article_list *out, nz_err *err);
/* The ids of nz_store_related's list for a, the same ids in the same order, into ids (room
 * for max): what a bulk pass stores, without loading the articles (SQLite; other backends
 * compute the reference and keep its ids). */
nz_rc nz_store_related_ids(nz_store *s, nz_arena *arena, const nz_article *a, nz_time now,
			   size_t max, int64_t *ids, size_t *n, nz_err *err);
/* Merges the full-text index into one segment (SQLite: FTS5 'merge' in steps of about 8 MB,
 * each its own transaction; other backends have nothing to merge: NZ_OK). Results are
 * unchanged and each ranked row is cheaper to read. It rewrites the whole index (at 100,000
 * articles 540 MB, tens of seconds on a busy machine): for a bulk pass of many lists, never per
 * request. Does nothing when the index is one segment already. */
nz_rc nz_store_search_optimize(nz_store *s, nz_err *err);
/* The lists from which a bulk pass is worth merging the index first: each list's window then
 * reads one segment (about 14 % less time a list at 100,000 articles), while the merge costs a
 * few seconds there and less than one at 10,000 (docs/related.md). */
#define NZ_STORE_RELATED_MERGE_FROM 2000
/* Rebuilds the whole index in one transaction (`newszone reindex`); progress (may be NULL) is
 * called now and then with articles done and the total (nz_store_progress_fn, above). */
nz_rc nz_store_search_rebuild(nz_store *s, nz_store_progress_fn progress, void *ctx, nz_err *err);

/* ---- related articles as data (store/related.c, docs/related.md) ----
 * nz_store_related above is the reference; each public article's result is stored (the
 * `related` table) and pages read that. */
#define NZ_STORE_RELATED_COUNT 5 /* related articles under an article page, stored per article */
typedef enum nz_related_state {
	NZ_RELATED_NONE,  /* no list stored for the article */
	NZ_RELATED_FRESH, /* stored for this basis, and every article in it still public */
	NZ_RELATED_STALE, /* stored for another basis, or one of its articles left the site */
} nz_related_state;
/* The stored list of article_id as light cards (id, slug, headline, language, status,
 * published_at, section, lead photo; no body, tags or authors), in one query: its public
 * articles at now, up to max (1..10). basis: the article's revision (the list was computed
 * from that version); *state says whether the list can be shown as it is. */
nz_rc nz_store_related_stored(nz_store *s, nz_arena *arena, int64_t article_id, int64_t basis,
			      nz_time now, size_t max, nz_article_list *out,
			      nz_related_state *state, nz_err *err);
/* Replaces article_id's stored list with ids[0..n) (n <= 10; 0: an empty list) computed at
 * basis; when the list differs from the stored one, names the article's page in the change
 * feed (the page cache drops it). */
/* The change-feed key of the pages that show a related list computed live (none stored yet for
 * the article's revision): a first stored list names no page by itself (it is what the page
 * showed, unless the site changed in between), so a bulk pass that stored lists names this key
 * once (nz_store_related_note_live) and those pages are made again from the stored lists. */
#define NZ_STORE_RELATED_LIVE_KEY "related-0"
nz_rc nz_store_related_note_live(nz_store *s, nz_err *err);
nz_rc nz_store_related_set(nz_store *s, int64_t article_id, int64_t basis, const int64_t *ids,
			   size_t n, nz_err *err);
/* Ids of the articles public at now whose stored list is missing or stale (every public article
 * with all), ascending, in arena. */
nz_rc nz_store_related_pending(nz_store *s, nz_arena *arena, nz_time now, bool all, int64_t **ids,
			       size_t *n, nz_err *err);
/* Computes a's list (nz_store_related) and stores it; out (may be NULL) gets the computed
 * articles. The list is computed even when it cannot be stored (a read-only handle): *out is
 * then filled and the storing's error returned. */
nz_rc nz_store_related_refresh(nz_store *s, nz_arena *arena, const nz_article *a, nz_time now,
			       size_t max, nz_article_list *out, nz_err *err);
/* One pass over the pending lists (every list with all), the first limit of them (0: no limit):
 * each is recomputed and stored, then the lists of the articles now in a recomputed list (the
 * lists that may now include it), when they were not recomputed themselves. *done (may be NULL)
 * gets how many pending lists were written (limit: there may be more); progress (may be NULL)
 * is called now and then. */
nz_rc nz_store_related_build(nz_store *s, nz_time now, bool all, size_t limit,
			     nz_store_progress_fn progress, void *ctx, size_t *done, nz_err *err);
/* The same pass over the lists of ids[0..n) alone (an incremental build: the articles the
 * change feed named since the last build), without reading every article: those public with a
 * pending list are recomputed and stored, then their new neighbours' lists. */
nz_rc nz_store_related_build_ids(nz_store *s, nz_time now, const int64_t *ids, size_t n,
				 size_t *done, nz_err *err);

/* ==== nodes: several servers on one database ============================================== */

/* Waits until the change feed moves past after_seq or timeout_ms (0..60000) passes, whichever
 * comes first; *latest is the feed's seq then (after_seq when nothing came). SQLite polls the
 * feed's head every NZ_STORE_WAIT_POLL_MS; PostgreSQL is woken by the commit itself. */
#define NZ_STORE_WAIT_POLL_MS 20
nz_rc nz_store_changes_wait(nz_store *s, int64_t after_seq, int timeout_ms, int64_t *latest,
			    nz_err *err);
/* A named lease that one holder (a node's random id) has at a time: takes it when it is free,
 * expired, or already the holder's, and then holds it for ttl_s (1..3600) seconds from now (so
 * the holder renews by calling this again); *held says whether the holder has it now. The
 * expiry is measured by the database's clock where it has one (PostgreSQL), else the
 * process's (SQLite, one machine). */
nz_rc nz_store_lease_acquire(nz_store *s, const char *name, const char *holder, int ttl_s,
			     bool *held, nz_err *err);
/* Gives the lease up when holder has it (so another node takes over at once). */
nz_rc nz_store_lease_release(nz_store *s, const char *name, const char *holder, nz_err *err);
/* How far behind its primary this database may be, in ms (*lag_ms): 0 on a primary and on
 * SQLite; on a PostgreSQL streaming replica, 0 when it has applied all the WAL it received
 * from a running stream, else the time since the last transaction it applied committed (so a
 * replica whose stream stopped ages as a quiet one with work pending would). A cheap query:
 * a server runs it on a replica's handle before each read it sends there. */
nz_rc nz_store_replica_lag(nz_store *s, int64_t *lag_ms, nz_err *err);
/* True when an operation on this handle answered NZ_IO (the connection or the file was lost)
 * since it was opened: close it and open another. */
bool nz_store_failed(const nz_store *s);
/* ==== transfer: every table row by row, for backup, restore and migrate ==================== */

/* One stored value, as both backends hold it: a row is ncols of these. Text and bytes are
 * borrowed (in the arena of the read that made them). */
typedef enum {
	NZ_VALUE_NULL,
	NZ_VALUE_INT,
	NZ_VALUE_REAL,
	NZ_VALUE_TEXT,
	NZ_VALUE_BLOB,
} nz_value_type;

typedef struct nz_value {
	nz_value_type type;
	int64_t i;     /* NZ_VALUE_INT */
	double r;      /* NZ_VALUE_REAL */
	const char *p; /* NZ_VALUE_TEXT (NUL-terminated) and NZ_VALUE_BLOB */
	size_t len;
} nz_value;

/* A table that is copied. */
typedef struct nz_transfer_table {
	const char *name;
	const char *key; /* the primary key's columns, comma-separated: the order rows go in */
	bool seeded; /* the schema makes its one row: a load replaces it, emptiness ignores it */
} nz_transfer_table;

/* Every table copied, parents before children (the one list; transfer.c). */
const nz_transfer_table *nz_store_transfer_tables(size_t *n);
/* The entry named name, NULL when it is not copied. */
const nz_transfer_table *nz_store_transfer_table(const char *name);
/* Why the database's table name is deliberately not copied (made again from the copied ones,
 * or the backend's own); NULL when it is not excluded. */
const char *nz_store_transfer_excluded(const char *name);
/* NZ_INVAL naming the first table of s that is neither copied nor excluded (a table added to the
 * schema but not to the list), so a copy never silently leaves data behind. */
nz_rc nz_store_transfer_check(nz_store *s, nz_arena *arena, nz_err *err);

/* The checksum of a table: SHA-256 over each row's canonical encoding (transfer.c), in key
 * order, with the row count: the same on every backend for the same rows. */
typedef struct nz_transfer_sum nz_transfer_sum;
nz_transfer_sum *nz_store_transfer_sum_new(void); /* NULL when out of memory */
void nz_store_transfer_sum_add(nz_transfer_sum *sum, const nz_value *row, size_t ncols);
/* The count and the hex digest so far; sum stays usable. */
int64_t nz_store_transfer_sum_rows(const nz_transfer_sum *sum);
void nz_store_transfer_sum_hex(const nz_transfer_sum *sum, char hex[65]);
void nz_store_transfer_sum_free(nz_transfer_sum *sum); /* NULL-safe */
/* Reads every row of t (cols from nz_store_transfer_columns) in key order, NZ_TRANSFER_BATCH
 * rows at a time (fewer when large), and calls fn with each batch (valid during the call);
 * stops at fn's first failure. */
#define NZ_TRANSFER_BATCH 256
typedef nz_rc (*nz_transfer_batch_fn)(void *ctx, const nz_value *rows, size_t n, nz_err *err);
nz_rc nz_store_transfer_each(nz_store *s, const nz_transfer_table *t, const char *const *cols,
			     size_t ncols, nz_transfer_batch_fn fn, void *ctx, nz_err *err);
/* Reads every row of t (cols from nz_store_transfer_columns) and sums them. */
nz_rc nz_store_transfer_checksum(nz_store *s, const nz_transfer_table *t, const char *const *cols,
				 size_t ncols, int64_t *rows, char hex[65], nz_err *err);

/* Every table of the database (for nz_store_transfer_check); names in arena. */
nz_rc nz_store_transfer_catalog(nz_store *s, nz_arena *arena, const char ***names, size_t *n,
				nz_err *err);
/* t's columns as the backend holds them, in its order; in arena. */
nz_rc nz_store_transfer_columns(nz_store *s, nz_arena *arena, const nz_transfer_table *t,
				const char ***cols, size_t *n, nz_err *err);
nz_rc nz_store_transfer_count(nz_store *s, const nz_transfer_table *t, int64_t *n, nz_err *err);
/* Up to max rows of t (1..10000; fewer when they are large) in key order, after the row whose
 * key columns' values are after (NULL: from the first); *n 0 at the end. Values in arena. */
nz_rc nz_store_transfer_read(nz_store *s, nz_arena *arena, const nz_transfer_table *t,
			     const char *const *cols, size_t ncols, const nz_value *after,
			     size_t max, nz_value **rows, size_t *n, nz_err *err);
/* The values of t's key columns in row (ncols values of cols), for the next read's after:
 * key[] gets as many as t->key names (at most NZ_TRANSFER_KEY_MAX). */
#define NZ_TRANSFER_KEY_MAX 4
nz_rc nz_store_transfer_key(const nz_transfer_table *t, const char *const *cols, size_t ncols,
			    const nz_value *row, nz_value key[NZ_TRANSFER_KEY_MAX], nz_err *err);
/* Inserts n rows verbatim (ids kept), inside a load. */
nz_rc nz_store_transfer_write(nz_store *s, const nz_transfer_table *t, const char *const *cols,
			      size_t ncols, const nz_value *rows, size_t n, nz_err *err);
/* Removes t's seeded rows, inside a load, before its rows are written. */
nz_rc nz_store_transfer_clear(nz_store *s, const nz_transfer_table *t, nz_err *err);
/* A read snapshot over every table (a backup while the server writes): SQLite's read
 * transaction on the WAL, PostgreSQL's REPEATABLE READ. Ends with nz_store_transfer_end. */
nz_rc nz_store_transfer_snapshot(nz_store *s, nz_err *err);
/* Starts loading into s, one transaction, after checking that s is empty: NZ_EXISTS naming a
 * table that has rows (nothing is started then). */
nz_rc nz_store_transfer_load(nz_store *s, nz_err *err);
/* Ends a snapshot, or a load: with commit, rebuilds what is not copied (the search index,
 * sequences) and commits; without, rolls the whole load back. */
nz_rc nz_store_transfer_end(nz_store *s, bool commit, nz_err *err);

#endif
