/*
 * app: the newsroom's use cases, the one place each is assembled. The front ends (cli/, the
 * web handlers) parse their input, check who may do what, call one function here and present
 * the result; they never put these steps together themselves.
 *   - articles: save (create or update, link a translation, take a workflow step) in ONE
 *     transaction: a step that is refused leaves nothing saved;
 *   - imports: a file's bytes in, deduplicated by their SHA-256, parsed by ingest/, stored with
 *     the original bytes and linked to the article it translates;
 *   - accounts: create one (with a given or generated password), set a password;
 *   - tokens: create (shown once, stored as SHA-256), find, revoke;
 *   - passwords: argon2id hashing and verification (libsodium), random secrets;
 *   - backup, restore, migrate: a whole database to a file, from a file, or to another
 *     database, checked table by table (transfer.c; the file's format in transfer_file.c).
 *   - settings: which keys exist and what each accepts, set all or none with an audit row
 *     (settings.c; the back office's form, `newszone settings` and the admin API share it).
 *
 * Rules: no I/O but the store's (and reading the file an import names, and the backup file); no
 * logging: errors go back in nz_err. Permission (nz_can) is the caller's business; the store checks
 * the workflow. Results live in the caller's arena.
 */
#ifndef NZ_APP_H
#define NZ_APP_H

#include "content/content.h"
#include "core/core.h"
#include "ingest/ingest.h"
#include "store/store.h"

/* ---- photos ------------------------------------------------------------------------------ */

/* What an editor says about a photo (each may be NULL). */
typedef struct nz_app_media_fields {
	const char *caption, *credit, *alt;
	const char *filename; /* the file's name as uploaded (the library searches it), or NULL */
} nz_app_media_fields;

/* Adds a photo from its bytes: JPEG, PNG or WebP judged by the bytes, refused past the limits
 * read from the header (NZ_MEDIA_MAX bytes, NZ_IMAGE_DIM_MAX a side, NZ_IMAGE_PIXELS_MAX in
 * all: NZ_TOOBIG; another type: NZ_UNSUPPORTED; a damaged header: NZ_PARSE; err says which),
 * then stored with its media row (nz_store_media_add). out gets the row (id, hash, mime, the
 * upright width and height, the fields), its strings in arena. Readers get renditions made later,
 * never these bytes. */
nz_rc nz_app_media_add(nz_store *store, nz_arena *arena, int64_t actor, const void *bytes,
		       size_t len, const nz_app_media_fields *fields, nz_media *out, nz_err *err);

/* ---- people ------------------------------------------------------------------------------ */

/* Saves author au (named by au->slug) as actor, as nz_store_author_save does, after trimming
 * every text (empty texts and links are dropped; a language whose job title and bio are both
 * empty goes) and looking up au->photo_id (0: no photo): NZ_INVAL "photo: ..." when it names
 * no photo; on success au->photo_hash is that photo's. Strings in arena. */
nz_rc nz_app_author_save(nz_store *s, nz_arena *arena, int64_t actor, nz_author *au, nz_err *err);

/* ---- passwords and secrets -------------------------------------------------------------- */

#define NZ_PASSWORD_MIN 10       /* bytes */
#define NZ_PASSWORD_MAX 1024     /* bytes */
#define NZ_PASSWORD_HASH_MAX 128 /* crypto_pwhash_STRBYTES, with its NUL */
#define NZ_PASSWORD_GENERATED 21 /* a generated password with its NUL */
#define NZ_TOKEN_MAX 64          /* a session or API token with its prefix and NUL */
#define NZ_API_TOKEN_PREFIX "nzt_"

/* NZ_INVAL (NZ_UTF8) with a message for people when the password is too short, too long or
 * not UTF-8, or easy to guess: common or breached (the list shipped with Newszone), repeated or
 * consecutive characters, or holding login (may be NULL) or the service's name
 * (password_policy.c). */
nz_rc nz_app_password_check(const char *password, const char *login, nz_err *err);
/* The argon2id string of password (libsodium's crypto_pwhash_str format, interactive limits)
 * into out. NZ_NOMEM when the 64 MB could not be had. */
nz_rc nz_app_password_hash(const char *password, char out[NZ_PASSWORD_HASH_MAX], nz_err *err);
/* True when password matches the stored hash (constant time in the password). */
bool nz_app_password_verify(const char *hash, const char *password);
/* A random password of 20 characters from [A-Za-z0-9] (about 119 bits) into out. */
void nz_app_password_generate(char out[NZ_PASSWORD_GENERATED]);

/* A new random token, prefix + base64url(32 random bytes), into token; its SHA-256 hex (what
 * the store keeps) into hash. prefix "" for sessions, NZ_API_TOKEN_PREFIX for API tokens. */
void nz_app_token_new(const char *prefix, char token[NZ_TOKEN_MAX], char hash[65]);
/* The SHA-256 hex of a token, as the store keeps it. */
void nz_app_token_hash(const char *token, char hash[65]);

/* ---- accounts --------------------------------------------------------------------------- */

/* Creates account u (login, role, author_id) as actor (0: the system). password NULL makes
 * one: it goes into generated (shown once; "" when a password was given). A given password
 * must pass nz_app_password_check. Sets u->id and u->created_at. NZ_EXISTS when the login is
 * taken, NZ_INVAL for a bad login or password. */
nz_rc nz_app_account_create(nz_store *s, int64_t actor, nz_user *u, const char *password,
			    char generated[NZ_PASSWORD_GENERATED], nz_err *err);
/* Sets the password of user_id (password NULL: generated, as above) and ends their sessions. */
nz_rc nz_app_password_set(nz_store *s, int64_t actor, int64_t user_id, const char *password,
			  char generated[NZ_PASSWORD_GENERATED], nz_err *err);

/* ---- password-reset links --------------------------------------------------------------- */

#define NZ_RESET_LINK_TTL ((nz_time)24 * 3600) /* seconds a reset link works */
#define NZ_RESET_PATH "/admin/reset/"          /* a link is base_url + this + token */

/* Makes a one-time reset link for user_id as actor: a new random token (into token, shown
 * once), valid NZ_RESET_LINK_TTL, replacing any older link of the user's. *expires_at set.
 * NZ_NOTFOUND when there is no such user. */
nz_rc nz_app_reset_create(nz_store *s, int64_t actor, int64_t user_id, char token[NZ_TOKEN_MAX],
			  nz_time *expires_at, nz_err *err);
/* The live reset link of token at now, its user in arena. NZ_NOTFOUND with a message for people
 * when it is unknown (out->user.id 0) or known but used, expired or its user disabled (out
 * filled: a front end may say "gone"). */
nz_rc nz_app_reset_check(nz_store *s, nz_arena *arena, const char *token, nz_time now,
			 nz_password_reset *out, nz_err *err);
/* Uses the link: password (checked with nz_app_password_check) becomes its user's, the link is
 * spent, the user's sessions end (API tokens stay) and user.password_reset is audited. NZ_INVAL
 * for a refused password and NZ_NOTFOUND for a dead link, with nothing changed. */
nz_rc nz_app_reset_use(nz_store *s, const char *token, nz_time now, const char *password,
		       int64_t *user_id, nz_err *err);

/* ---- API tokens ------------------------------------------------------------------------- */

typedef struct nz_app_token {
	int64_t id;               /* the stored token's id */
	char token[NZ_TOKEN_MAX]; /* the bearer token, shown once */
	nz_time expires_at;       /* 0: never */
} nz_app_token;

#define NZ_API_TOKEN_DAYS 90       /* a new token's life unless its maker says otherwise */
#define NZ_API_TOKEN_DAYS_MAX 3650 /* the longest a maker may ask for */

/* Creates an API token for user_id as actor, labelled name (may be NULL), that works for days
 * days (1..NZ_API_TOKEN_DAYS_MAX; 0: until revoked). NZ_INVAL for another number of days. */
nz_rc nz_app_token_create(nz_store *s, int64_t actor, int64_t user_id, const char *name, int days,
			  nz_app_token *out, nz_err *err);
/* The user a live bearer token belongs to (in arena; last_used_at is updated). NZ_NOTFOUND when
 * the token is unknown, revoked, too long, or its user disabled. */
nz_rc nz_app_token_user(nz_store *s, nz_arena *arena, const char *token, nz_time now, nz_user **out,
			nz_err *err);
/* The id of a token named by its id ("12") or by the token itself ("nzt_..."), revoked or not;
 * NZ_NOTFOUND when there is none. */
nz_rc nz_app_token_find(nz_store *s, const char *id_or_token, int64_t *id, nz_err *err);
/* Revokes token id as actor (never deletes it). NZ_NOTFOUND when there is none. */
nz_rc nz_app_token_revoke(nz_store *s, int64_t actor, int64_t id, nz_err *err);

/* ---- articles --------------------------------------------------------------------------- */

/* The part of a save that refused it, so a front end can say where the problem is. */
typedef enum {
	NZ_APP_PART_FIELDS = 0, /* storing the fields: validation, slug taken, a conflict */
	NZ_APP_PART_LINK,       /* linking the translation */
	NZ_APP_PART_STEP,       /* the workflow step */
} nz_app_part;

/* One save from a front end. */
typedef struct nz_app_save {
	int64_t actor;          /* the user saving (0: the system) */
	nz_article *a;          /* the fields; a->id 0 creates the article (status as given) */
	int64_t base_revision;  /* an update: NZ_CONFLICT when the stored revision differs */
	const char *note;       /* the revision's note, may be NULL */
	int64_t translation_id; /* 0, or an article to make a translation of this one */
	nz_event then;          /* the workflow step after saving; NZ_EV_EDIT for none */
	nz_time at;             /* the step's time (SCHEDULE, EMBARGO), else ignored */
	const char *text;       /* the step's text (CORRECT, RETRACT), else ignored */
	nz_app_part failed;     /* out: the part that refused, when the save failed */
} nz_app_save;

/* Stores the fields (a new revision, or revision 1), links the translation and takes the step,
 * all in one transaction: when any part fails nothing is written, *save->a is as it was and
 * save->failed names the part. On success *save->a is the stored article, reloaded (in arena).
 * Errors as nz_store_article_create_by / _update / _link_translation / _transition. */
nz_rc nz_app_article_save(nz_store *s, nz_arena *arena, nz_app_save *save, nz_err *err);

/* ---- imports ---------------------------------------------------------------------------- */

typedef enum {
	NZ_APP_IMPORTED = 0, /* a new article */
	NZ_APP_UNCHANGED,    /* the same bytes were imported before: nothing written */
	NZ_APP_REFUSED,      /* the file's fault (unreadable, too big, not an article): err says */
} nz_app_import_outcome;

typedef struct nz_app_imported {
	nz_app_import_outcome outcome;
	int64_t article_id;  /* the new article, or the earlier one when unchanged */
	nz_article *article; /* IMPORTED: the stored article (in arena); else NULL */
} nz_app_imported;

/* One file's bytes to import; name is kept with the original and used in messages. */
typedef struct nz_app_import {
	const char *name;
	const void *bytes;
	size_t len;
	const nz_import_opts *opts;
	/* May be NULL. Called with the parsed article inside the import's transaction, before it
	 * is stored: it may add to it (the demo puts its photographs in), so the article arrives
	 * whole as one revision. An error aborts the import of this file. */
	nz_rc (*prepare)(void *ctx, nz_store *s, nz_arena *arena, nz_article *a, nz_err *err);
	void *prepare_ctx;
} nz_app_import;

/* Imports one file's bytes. Returns NZ_OK with the outcome (a refusal's reason in err), or an
 * error when the database (or memory) failed: then the caller should stop. A front-matter
 * translation_of slug that names a stored article puts this one into that article's
 * translation group; one that names no article stays among the import notes. */
nz_rc nz_app_import_bytes(nz_store *s, nz_arena *arena, const nz_app_import *in,
			  nz_app_imported *out, nz_err *err);
/* Reads the file at path (a regular file of at most NZ_IMPORT_MAX_BYTES; else refused) and
 * imports it as nz_app_import_bytes does, under its path. */
nz_rc nz_app_import_file(nz_store *s, nz_arena *arena, const char *path, const nz_import_opts *opts,
			 nz_app_imported *out, nz_err *err);

/* Many files at once (import_batch.c): files are read and parsed as they are added, and
 * stored `size` at a time with nz_store_import_batch (one transaction per batch), so an import
 * of thousands of files pays the transaction, the change feed's lock and most round trips once
 * per batch. Outcomes are those of nz_app_import_file, file for file, reported in the order the
 * files were added, each when its batch is stored (report: name and r as nz_app_import_file
 * gives them; arena is the caller's for that call only). A file refused changes nothing of
 * its own and the others of its batch still land; a batch committed stays (a crash loses at
 * most the batch being filled). Duplicates within a batch and translation_of slugs are seen
 * as one file at a time would see them (the batch is stored first). */
#define NZ_APP_IMPORT_BATCH 250
typedef void (*nz_app_batch_report_fn)(void *ctx, nz_arena *arena, const char *name, nz_rc rc,
				       const nz_app_imported *r, const nz_err *err);
typedef struct nz_app_batch nz_app_batch;
/* A batch of up to size files (0: NZ_APP_IMPORT_BATCH) into s; NZ_NOMEM. */
nz_rc nz_app_batch_new(nz_store *s, size_t size, const nz_import_opts *opts,
		       nz_app_batch_report_fn report, void *ctx, nz_app_batch **out);
/* Adds the file at path (read and parsed now; stored with its batch). Returns an error only
 * when the database or memory failed: then the caller should stop. */
nz_rc nz_app_batch_file(nz_app_batch *b, const char *path);
/* Has a thread of its own read, hash and parse the files at paths[0..n) ahead, in that order,
 * while this thread stores: nz_app_batch_file(b, paths[i]) then takes the file loaded already
 * (a path out of that order is loaded when added, as without this). Outcomes, ids and what is
 * stored are the same as without it: only loading, which touches nothing shared, moves to the
 * other thread; every decision stays on the caller's thread, in order. paths is borrowed until
 * nz_app_batch_free; when no thread can be started the files are loaded as they are added. */
void nz_app_batch_read_ahead(nz_app_batch *b, const char *const *paths, size_t n);
/* Stores what was added and not stored yet, and reports it. */
nz_rc nz_app_batch_flush(nz_app_batch *b);
/* Frees b; what was not flushed is dropped, unreported. */
void nz_app_batch_free(nz_app_batch *b);

/* ---- WordPress exports ------------------------------------------------------------------- */

/* What an item of a WordPress export is, for the report. */
#define NZ_WP_TYPES(X)                                                                             \
	X(NZ_WP_POST, "posts")                                                                     \
	X(NZ_WP_PAGE, "pages")                                                                     \
	X(NZ_WP_ATTACHMENT, "attachments")                                                         \
	X(NZ_WP_AUTHOR, "authors")                                                                 \
	X(NZ_WP_OTHER, "other items")
typedef enum { NZ_WP_TYPES(NZ_ENUM_MEMBER) NZ_WP__COUNT } nz_wp_type;
const char *nz_wp_type_name(nz_wp_type t);

typedef struct nz_app_wp_count {
	size_t imported, updated, unchanged, skipped;
} nz_app_wp_count;

/* A reason (why items were skipped, what content was not understood) and how often. */
typedef struct nz_app_wp_reason {
	const char *text;
	size_t n;
} nz_app_wp_reason;

/* A sticky post of the old site and where it went on the front page of its language. */
typedef struct nz_app_wp_pin {
	int64_t article_id;
	const char *slug;     /* NULL when the import did not know it */
	const char *language; /* the edition whose front page it is on */
	nz_time published_at;
	int slot;     /* 1..NZ_FRONT_SLOTS; 0: every slot was taken (not pinned) */
	bool already; /* it was pinned there before this import */
} nz_app_wp_pin;

typedef struct nz_app_wp_report {
	nz_app_wp_count counts[NZ_WP__COUNT];
	nz_app_wp_pin *pins; /* the sticky published posts, newest first per language */
	size_t n_pins;
	nz_app_wp_reason *skipped; /* why items were skipped */
	size_t n_skipped;
	nz_app_wp_reason *unknown; /* content kept as text because it was not understood */
	size_t n_unknown;
	nz_app_wp_reason *renamed; /* pages whose address was taken or the site's own */
	size_t n_renamed;
	size_t comments;    /* comments counted (kept in the import records) */
	size_t not_fetched; /* photos recorded by their URL only (no --media-dir, or no file) */
	size_t fetched;     /* photos brought in from --media-dir */
	size_t attachments; /* attachment items in the export */
	const char *wxr_version;
} nz_app_wp_report;

typedef struct nz_app_wp_opts {
	const char *path;      /* the export */
	const char *media_dir; /* a copy of wp-content/uploads, or NULL */
	bool publish_as_is;    /* publish, schedule as WordPress had it (else everything drafts) */
	bool users;            /* an account with no password for every author */
	nz_time now;
	/* called now and then with the bytes read of the second pass; may be NULL */
	void (*progress)(void *ctx, long long done, long long total);
	/* called for each item skipped or imported with a warning ("line N: post 12: ..."); may
	 * be NULL */
	void (*notice)(void *ctx, const char *line);
	void *ctx;
} nz_app_wp_opts;

/* Imports a WordPress export (docs/wordpress.md) in two streaming passes: the first reads the
 * whole file (a malformed file is refused, NZ_PARSE with "line N: reason", before anything is
 * written) and keeps authors and attachments; the second turns each post and page into an
 * article, in its own transaction, with the item's XML kept as its import record. An item seen
 * before (same GUID) is unchanged when its XML is the same, else a new revision. report lives
 * in arena. Other errors: the database or memory failed. */
nz_rc nz_app_wordpress_import(nz_store *s, nz_arena *arena, const nz_app_wp_opts *o,
			      nz_app_wp_report *report, nz_err *err);

/* ---- old addresses (301 redirects) ------------------------------------------------------ */

/* The key an old address is stored under, from a request's decoded path and raw query: the
 * path without its trailing slash ("/2015/01/27/slug/" -> "/2015/01/27/slug"), and for the
 * site's root a WordPress query ("/?p=123", "/?page_id=2", "/?cat=4", "/?tag=x",
 * "/?author=2"); other queries are ignored. In arena; NULL when out of memory. */
const char *nz_app_redirect_key(nz_arena *arena, const char *path, const char *query);
/* Adds from -> to as actor: from an old path (or full old URL: its host is dropped), to a path
 * of this site ("/article/slug") or an absolute http(s) URL. NZ_INVAL with a reason for an
 * address that cannot be one; replace says whether an existing from gets the new target. */
nz_rc nz_app_redirect_add(nz_store *s, nz_arena *arena, const char *from, const char *to,
			  bool replace, nz_err *err);

/* ---- site settings (docs/configuration.md) ---------------------------------------------- */

/* One setting as an operator sees it: its value now (stored, else the default; NULL when
 * neither), whether it is stored, and whether it is a secret (shown as set or not). */
typedef struct nz_app_setting {
	const char *key, *value;
	bool stored, secret;
} nz_app_setting;

/* The problem with setting key to value (NULL: removed, the default applies again), as a
 * sentence naming what is wanted, or NULL when it may be stored. Known keys only: the site's
 * (name, tagline, base_url, copyright, language, time_zone, editions, name.<code>,
 * tagline.<code>, copyright.<code>) and the operator's (purge_url, purge_secret,
 * trusted_proxies, webhook_backoff_ms, allow_private_webhooks). value arrives trimmed. */
const char *nz_app_setting_problem(const char *key, const char *value);
/* Sets n settings as actor (0: the system) in ONE transaction with one audit row
 * ("settings.changed", its detail the keys): each value trimmed (base_url without its trailing
 * slashes; an empty one of an optional key removes it) and checked first. A refused one:
 * NZ_INVAL, err "KEY: reason", *bad its index (when bad is not NULL), nothing stored. */
nz_rc nz_app_settings_set(nz_store *s, nz_arena *arena, int64_t actor, const char *const *keys,
			  const char *const *values, size_t n, size_t *bad, nz_err *err);
/* Every known setting (with name.<code>, ... for each edition but the first), in arena. */
nz_rc nz_app_settings_list(nz_store *s, nz_arena *arena, nz_app_setting **out, size_t *n,
			   nz_err *err);

/* ---- static pages (docs/pages.md) ------------------------------------------------------- */

/* True when slug is one of the site's own first path segments ("admin", "api", "article",
 * "search", ...): a static page may not take it, since /{slug} would be another page's address. */
bool nz_app_static_page_reserved(const char *slug);
/* Saves p as actor: a new page when p->id is 0 (its slug made from the title when empty), else
 * an edit based on p->revision. Checks and trims: title 1..NZ_PAGE_TITLE_MAX bytes, body at most
 * NZ_BODY_MAX, both UTF-8; slug valid and not reserved; role NULL, "" or a name of
 * NZ_PAGE_ROLES; translations (content.h) a JSON object of versions, each keyed by a 2- or
 * 3-letter code with a title as a page's and a text (a version with neither is dropped). NZ_INVAL
 * with a reason for bad input, NZ_EXISTS when another page has the slug
 * or the role (err names it), NZ_CONFLICT when someone saved since p->revision, NZ_NOTFOUND for
 * no such page. An edit that changes nothing saves no revision (*changed false; may be NULL).
 * On success *p is the page as stored, its strings in arena. Nothing is changed on error. */
nz_rc nz_app_static_page_save(nz_store *s, nz_arena *arena, nz_static_page *p, int64_t actor,
			      bool *changed, nz_err *err);
/* Sets p's version in lang (a 2- or 3-letter code) to title and body_markdown, or removes it
 * when both are empty; p->translations becomes the new JSON object (arena). Checks what
 * nz_app_static_page_save checks of a version: NZ_INVAL/NZ_TOOBIG with a reason. */
nz_rc nz_app_static_page_translate(nz_arena *arena, nz_static_page *p, const char *lang,
				   const char *title, const char *body_markdown, nz_err *err);
/* Reads a page from a Markdown file with a small front matter (docs/pages.md): "---", lines
 * "title: ...", "slug: ...", "role: ...", "position: N", "---", then the body. Fills *out (id 0;
 * strings in arena) without checking more than the shape: nz_app_static_page_save checks the
 * rest. NZ_PARSE with the line for a malformed file. */
nz_rc nz_app_static_page_parse(nz_arena *arena, const char *text, size_t len, nz_static_page *out,
			       nz_err *err);

/* ---- wires ------------------------------------------------------------------------------- */

#define NZ_WIRE_EVERY_MIN 60 /* seconds: the shortest --every */

/* Checks and adds a feed (url http(s), format rss|atom|ninjs, every_s >= NZ_WIRE_EVERY_MIN,
 * section_slug valid or NULL). NZ_INVAL with a reason; NZ_EXISTS when the URL is there. */
nz_rc nz_app_wire_add(nz_store *s, nz_wire_feed *f, nz_err *err);

typedef struct nz_app_wire_counts {
	size_t taken;     /* new drafts in the review queue */
	size_t updated;   /* new revisions of drafts not yet published */
	size_t unchanged; /* the same item again */
	size_t noticed;   /* updates of articles already published: kept, not applied */
} nz_app_wire_counts;

/* Takes a feed's items: a new one becomes an article in review, in f's section, marked with
 * its source, credit and original link (import notes) and its original text kept (import
 * sources); one taken before (same id) is unchanged, or a new revision while it is not
 * published, or kept and counted as noticed once it is. Each item in its own transaction. */
nz_rc nz_app_wire_take(nz_store *s, nz_arena *arena, const nz_wire_feed *f,
		       const nz_wire_item *items, size_t n, nz_app_wire_counts *counts,
		       nz_err *err);

/* ---- backup, restore, migrate ------------------------------------------------------------ */

#define NZ_APP_TRANSFER_TABLES 64

/* What a copy did, table by table, in the list's order. */
typedef struct nz_app_transfer_table {
	const char *name;
	int64_t rows;
	char sha256[65]; /* nz_store_transfer_checksum's, verified on the copy */
} nz_app_transfer_table;

/* Called now and then: tables and rows done so far, of the totals (rows: 0 when unknown). */
typedef void (*nz_app_transfer_progress_fn)(void *ctx, size_t tables_done, size_t tables,
					    int64_t rows_done, int64_t rows);

typedef struct nz_app_transfer {
	nz_app_transfer_progress_fn progress; /* may be NULL */
	void *ctx;
	nz_app_transfer_table tables[NZ_APP_TRANSFER_TABLES]; /* filled on success */
	size_t n;
} nz_app_transfer;

/* Writes a consistent snapshot of s (one read transaction: the server may go on writing) to
 * path, in the portable backup format (docs/deployment.md): through path.tmp, renamed when
 * complete, mode 0600 (it holds password hashes). NZ_EXISTS when path exists. */
nz_rc nz_app_backup(nz_store *s, const char *path, nz_app_transfer *report, nz_err *err);
/* Loads the backup at path into the EMPTY database s (NZ_EXISTS otherwise) in one transaction,
 * verifying every table's count and checksum against the file's; a damaged, truncated or
 * foreign file is refused naming the problem, and then s is left as it was. */
nz_rc nz_app_restore(nz_store *s, const char *path, nz_app_transfer *report, nz_err *err);
/* Copies everything of from (a read snapshot) into the EMPTY database to, in one transaction,
 * verifying every table's count and checksum on to before committing. */
nz_rc nz_app_migrate(nz_store *from, nz_store *to, nz_app_transfer *report, nz_err *err);

/* ---- webhook targets (webhook.c) -------------------------------------------------------- */

struct sockaddr;
#define NZ_APP_ADDR_TEXT 48 /* an IPv6 address as text, with its NUL */

/* True when sa is an IPv4 or IPv6 address of the public internet: not loopback, private,
 * shared (CGNAT), link-local, unique-local, multicast, documentation or reserved (an IPv4
 * address inside IPv6, mapped or NAT64, is judged as IPv4). */
bool nz_app_addr_public(const struct sockaddr *sa);
/* sa as text ("169.254.169.254", "::1") into out. */
void nz_app_addr_text(const struct sockaddr *sa, char out[NZ_APP_ADDR_TEXT]);
/* True when the allow_private_webhooks setting is on ("1", "true", "yes" or "on"). */
bool nz_app_private_webhooks_allowed(nz_store *s);
/* NZ_INVAL with a message for people when url's host resolves to an address that is not public
 * (and allow_private_webhooks is off). A host that does not resolve now is let through: the
 * delivery worker checks the address it connects to; a URL without a host is left to the
 * store's checks. */
nz_rc nz_app_webhook_target_check(nz_store *s, const char *url, nz_err *err);
/* nz_store_webhook_create for a hook whose target passes nz_app_webhook_target_check. */
nz_rc nz_app_webhook_create(nz_store *s, nz_arena *arena, nz_webhook *hook, nz_err *err);

/* ---- live coverage (live.c, docs/live-coverage.md) ---- */

/* Starts (live true) or ends article_id's live coverage; NZ_NOTFOUND for no such article.
 * Audited as article.live_started / article.live_ended. */
nz_rc nz_app_live_set(nz_store *s, nz_arena *arena, int64_t article_id, bool live, int64_t actor,
		      nz_err *err);
/* Adds (u->id 0) or edits update u of u->article_id after checking its text (trimmed, not
 * empty, UTF-8, at most NZ_LIVE_UPDATE_MAX bytes). A new update needs the coverage live
 * (NZ_CONFLICT otherwise); an edit needs u->revision to be the current one (NZ_CONFLICT).
 * On success *u is the update as stored (strings in arena); nothing changes on error. */
nz_rc nz_app_live_update_save(nz_store *s, nz_arena *arena, nz_live_update *u, int64_t actor,
			      nz_err *err);
/* Deletes update id of article_id (NZ_NOTFOUND when there is none). */
nz_rc nz_app_live_update_delete(nz_store *s, int64_t article_id, int64_t id, int64_t actor,
				nz_err *err);

#endif
