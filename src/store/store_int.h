/*
 * store internals: the backend table and what the store's front shares with every backend.
 *
 * A backend (sqlite/, postgres/) defines its own handle struct whose FIRST member is
 * `nz_store base`, fills an nz__store_ops table (made from store_ops.h) and returns
 * &handle->base from its open function. The front only ever calls through s->ops, so no
 * backend type leaks out of its folder.
 *
 * Division of labour: the front, one file per aggregate (articles.c, catalog.c, accounts.c,
 * media.c, outbox.c, search.c, settings.c, audit.c) with store.c generating the read-only
 * checks and the calls, does what is the same for every backend (validating and defaulting an
 * article before it is created, checking blob hashes, normalising list queries); a backend does
 * the SQL, its transactions and its statement cache. transfer.c keeps the list of tables a
 * whole-database copy walks, and the checksum every backend's rows are compared by. snapshot.c
 * turns an article into the JSON kept in revisions and the highlights column, for every backend.
 */
#ifndef NZ_STORE_INT_H
#define NZ_STORE_INT_H

#include "store/store_ops.h"

/* A backend's table: the handle's life and transactions, then one slot per operation of
 * store_ops.h (see there for how a backend fills it). */
typedef struct nz__store_ops {
	const char *backend; /* "sqlite", "postgres" */
	void (*close)(nz_store *s);
	nz_rc (*begin)(nz_store *s, nz_err *err);
	nz_rc (*commit)(nz_store *s, nz_err *err);
	void (*rollback)(nz_store *s);
#define NZ__STORE_SLOT(access, front, name, params, args) nz_rc(*name) params;
	NZ__STORE_OPS(NZ__STORE_SLOT)
#undef NZ__STORE_SLOT
} nz__store_ops;

/* The base every backend handle starts with. */
struct nz_store {
	const nz__store_ops *ops;
	unsigned flags;     /* NZ_STORE_* given to nz_store_open */
	int schema_version; /* after migration */
	bool failed;        /* an operation answered NZ_IO: nz_store_failed */
};

/* For each OWN operation, the checked call its public function makes (store.c generates them):
 * NZ_UNSUPPORTED when the backend has no slot, NZ_PERM for a WRITE on a read-only handle, else
 * the backend's answer. */
#define NZ__STORE_CALL_PROTO_PASS(name, params)
#define NZ__STORE_CALL_PROTO_OWN(name, params) nz_rc nz__store_##name params;
#define NZ__STORE_CALL_PROTO(access, front, name, params, args)                                    \
	NZ__STORE_CALL_PROTO_##front(name, params)
NZ__STORE_OPS(NZ__STORE_CALL_PROTO)

/* store.c: the progress function given to nz_store_set_open_progress (NULL when none), and
 * its context, for a backend's open. */
nz_store_progress_fn nz__store_open_progress(void **ctx);

/* NZ_PERM when s was opened read-only; what names the refused write in the message. */
nz_rc nz__store_writable(nz_store *s, const char *what, nz_err *err);

/* settings.c: applies one stored setting over the defaults (what a backend's site_load does
 * with each row); unknown keys and bad numbers are ignored. value must outlive site. */
void nz__store_site_apply(nz_site *site, const char *key, const char *value);

/* outbox.c: a delivery's status column ("pending", "delivered", "failed"; anything else reads as
 * pending), and one setting of the delivery worker (purge_url, purge_secret,
 * webhook_backoff_ms) applied over out's defaults: a bad backoff keeps the default. value must
 * outlive out. What each backend's delivery_list and delivery_config do with each row. */
nz_delivery_status nz__store_delivery_status(const char *s);
void nz__store_delivery_config_apply(nz_delivery_config *out, const char *key, const char *value);
/* outbox.c, the change feed's rules that both backends follow: whether a tick at now must
 * write, given the clock it last moved to and whether an article fell due in between (the
 * clock also moves every hour, so a tick's ranges stay short); and the highest seq a prune
 * deletes, given the newest, the first seq young enough to keep (newest + 1 when none is) and
 * how many rows to keep: old rows and rows past the limit, never the newest (0: none). */
bool nz__store_tick_writes(nz_time now, int64_t clock, bool due);

/* front_layouts.c: a layout's slots as the backends store them, one "<article id>\t<headline>"
 * line per slot (the headline empty when the article's own is shown). encode writes into buf
 * (NZ__FRONT_SLOTS_TEXT_MAX bytes); decode fills l->slots and l->n_slots, strings in arena. */
#define NZ__FRONT_SLOTS_TEXT_MAX (NZ_FRONT_SLOTS * (NZ_FRONT_HEADLINE_MAX + 24))
void nz__store_front_slots_encode(const nz_front_layout *l, char *buf);
nz_rc nz__store_front_slots_decode(nz_arena *arena, const char *text, nz_front_layout *l);
int64_t nz__store_prune_cut(int64_t newest, int64_t young, int64_t keep_rows);

/* Backends. Each returns a handle whose first member is nz_store. */
nz_rc nz__sqlite_open(const char *path, unsigned flags, nz_store **out, nz_err *err);
nz_rc nz__pg_open(const char *conninfo, unsigned flags, nz_store **out, nz_err *err);

/* ---- search_terms.c: what both backends' searches share ------------------------------------ */

/* A match in a search's window: the article, its publication time, its rank (lower is better:
 * -BM25, times the recency factor). */
typedef struct nz__store_candidate {
	int64_t id;
	nz_time published_at;
	double score;
} nz__store_candidate;
/* qsort orders of candidates: the lower score, then the newer, first; the newer first. */
int nz__store_by_score(const void *a, const void *b);
int nz__store_by_time(const void *a, const void *b);
/* out->items = c[0..n) with only article.id set (a search with ids_only), in arena. */
struct nz_search_results;
nz_rc nz__store_hit_ids(nz_arena *arena, const nz__store_candidate *c, size_t n,
			struct nz_search_results *out, nz_err *err);
/* A hit's snippet, made in C from a's text (search/passage.c, FTS5's snippet() algorithm, with
 * overlapping matches marked as one): the body's passage when the body matches, else the
 * highlights' when they do, else the body's opening; 40 tokens for a Korean article, 24 for
 * others. ph[0..n): the query's phrases (nz_search_phrases). */
struct nz_search_phrase;
nz_rc nz__store_hit_snippet(nz_arena *arena, const nz_article *a, const struct nz_search_phrase *ph,
			    size_t n, const char **out, nz_err *err);

typedef struct nz__store_term {
	char *term;
	size_t len;
	double tf;     /* weighted: headline 3, highlights 2, body 1 */
	double weight; /* tf-idf */
} nz__store_term;

/* An open-addressing table of the article's terms, in arena. */
typedef struct nz__store_terms {
	nz_arena *arena;
	nz__store_term *slots;
	size_t cap, n;
	double weight; /* of the text being counted */
	bool nomem;
} nz__store_terms;

/* The article's terms (headline x3, highlights x2, body x1; no numbers, no Latin word shorter
 * than 3 letters), most frequent first, packed at the start of t->slots[0..t->n). */
nz_rc nz__store_article_terms(nz_arena *arena, const nz_article *a, nz__store_terms *t);
/* English words too common to tell articles apart. */
bool nz__store_stop_word(const char *term, size_t len);
/* qsort order of nz__store_term by weight, highest first. */
int nz__store_by_weight(const void *a, const void *b);

/* ---- snapshot.c ---------------------------------------------------------------------------- */

/* The full JSON snapshot of an article as kept in revisions: every field, times as RFC 3339
 * (null when unset), missing strings as null. *json is malloc'd; the caller frees it. */
/* An author's profile column (catalog.c): JSON with the texts per language, the photo and
 * the links. Parsing fills au's profile fields from json (NULL or "" leaves them empty;
 * copies into arena); writing gives a malloc'd string (free it) or NULL for an empty
 * profile. */
nz_rc nz__store_author_profile_parse(nz_arena *arena, const char *json, nz_author *au);
nz_rc nz__store_author_profile_json(const nz_author *au, char **json, nz_err *err);
/* The same for a tag's profile: its texts per language. */
nz_rc nz__store_tag_profile_parse(nz_arena *arena, const char *json, nz_tag *tag);
nz_rc nz__store_tag_profile_json(const nz_tag *tag, char **json, nz_err *err);

nz_rc nz__store_snapshot(const nz_article *a, char **json, nz_err *err);
/* A JSON array of strings (for the highlights column): "[]" when n is 0. *json is malloc'd. */
nz_rc nz__store_json_strings(const char *const *v, size_t n, char **json, nz_err *err);
/* Parses what nz__store_json_strings wrote; the array and strings go into arena. */
nz_rc nz__store_json_strings_parse(nz_arena *arena, const char *json, const char ***v, size_t *n,
				   nz_err *err);

/* ---- snapshot_parse.c -------------------------------------------------------------------- */

/* Reads a revision snapshot (what nz__store_snapshot wrote) back into *a, everything in arena.
 * NZ_PARSE when the JSON is not a snapshot. */
nz_rc nz__store_snapshot_parse(nz_arena *arena, const char *json, nz_article *a, nz_err *err);

/* ---- articles_write.c: what every backend's article writers share ----------------------- */

/* Whether slug is taken (an article uses it or redirects from it), asked of the backend. */
typedef nz_rc (*nz__store_slug_taken_fn)(void *ctx, const char *slug, bool *taken, nz_err *err);
/* Replaces a->slug with the first of slug, slug-2, slug-3, ... that is not taken, cutting the
 * base so the result stays within NZ_SLUG_MAX code points. */
nz_rc nz__store_unique_slug(nz_arena *arena, nz_article *a, nz__store_slug_taken_fn taken,
			    void *ctx, nz_err *err);

/* The ids a create fills in, kept so a failed create can put them back. */
typedef struct nz__store_ids {
	const char *slug;
	int64_t section;
	int64_t *ids; /* authors, then tags, then media */
} nz__store_ids;
nz_rc nz__store_ids_save(nz_arena *arena, const nz_article *a, nz__store_ids *sv);
/* Gives a its ids (and slug) back, id and revision 0. */
void nz__store_ids_restore(nz_article *a, const nz__store_ids *sv);

/* What a backend's create writes (every row of a, revision 1), inside the create's
 * transaction. */
typedef nz_rc (*nz__store_create_rows_fn)(nz_store *s, nz_arena *arena, int64_t actor,
					  nz_article *a, const char *note, nz_err *err);
/* A backend's article_create: rows in one transaction (through s->ops), with the
 * article.created audit entry when audited; on failure a gets its ids back
 * (nz__store_ids_restore) and nothing is kept. */
nz_rc nz__store_article_create_tx(nz_store *s, nz_arena *arena, int64_t actor, bool audited,
				  nz_article *a, const char *note, nz__store_create_rows_fn rows,
				  nz_err *err);

/* A backend's import_batch, backend-neutral (articles_import.c): one transaction through
 * s->ops, each item in a nested one (a savepoint) holding nz_store_article_create and
 * nz_store_import_add; a backend wraps it with what makes its round trips cheaper. */
nz_rc nz__store_import_batch_each(nz_store *s, nz_arena *arena, nz_store_import_item *items,
				  size_t n, nz_err *err);
/* The same with start run first, once the batch's transaction is open (SQLite notes there the
 * highest photo id before the batch), and finish after the items, before it commits (SQLite
 * indexes the batch's articles and photos for search there); either may be NULL, and a failure
 * of either rolls the batch back. */
typedef nz_rc (*nz__store_import_finish_fn)(nz_store *s, const nz_store_import_item *items,
					    size_t n, nz_err *err);
nz_rc nz__store_import_batch_then(nz_store *s, nz_arena *arena, nz_store_import_item *items,
				  size_t n, nz__store_import_finish_fn start,
				  nz__store_import_finish_fn finish, nz_err *err);

/* The article list's filters as bits (a backend builds one statement per combination). */
enum {
	NZ__F_SECTION = 1 << 0,
	NZ__F_TAG = 1 << 1,
	NZ__F_AUTHOR = 1 << 2,
	NZ__F_LANGUAGE = 1 << 3,
	NZ__F_PUBLIC = 1 << 4,
	NZ__F_CURSOR = 1 << 5, /* only for the page query, never for the count */
	NZ__F_PREFER = 1 << 6, /* one version of a translated story (only with NZ__F_PUBLIC) */
	NZ__F_ALL = 1 << 7     /* the number of combinations */
};
/* q's filters as NZ__F_* bits. */
unsigned nz__store_list_mask(const nz_article_query *q);

/* The back office's list (articles_admin.c). Parameters are numbered the same way on both
 * backends (NZ__AP_*); SQLite's SQL names only the filters q sets (built for each call), and
 * PostgreSQL's names every filter, each skipped when its parameter is NULL (one fixed statement
 * per sort, planned for each call's values). statuses and ids travel as text: a JSON array for
 * SQLite, an array literal for PostgreSQL. */
enum {
	NZ__AP_STATUSES = 1,
	NZ__AP_CREATED_BY,
	NZ__AP_SECTION,
	NZ__AP_TAG,
	NZ__AP_AUTHOR,
	NZ__AP_LANGUAGE,
	NZ__AP_FROM,
	NZ__AP_TO,
	NZ__AP_IDS,
	NZ__AP_AFTER_TIME, /* the page only, from here on */
	NZ__AP_AFTER_ID,
	NZ__AP_LIMIT,
	NZ__AP_OFFSET,
};
/* The SQL of the page of ids (count false) or of the number of matches, into b. */
void nz__store_admin_sql(nz_buf *b, const nz_admin_query *q, bool pg, bool count);
/* q's statuses and ids as text (NULL when the filter is not set), in arena. */
nz_rc nz__store_admin_lists(nz_arena *arena, const nz_admin_query *q, bool pg,
			    const char **statuses, const char **ids, nz_err *err);

/* Sets a's new status (to) and times for workflow event ev at `now` (at: the event's time). */
void nz__store_transition_apply(nz_article *a, nz_event ev, nz_status to, nz_time at, nz_time now);
/* The revision note and audit detail of a workflow change (in arena; NULL when out of
 * memory). */
const char *nz__store_transition_note(nz_arena *arena, nz_event ev, nz_time at, const char *text);
/* What every backend does to a workflow change t once it has loaded the article a (locked):
 * NZ_CONFLICT when a moved past t's base revision, the workflow's answer when t->ev is not
 * allowed from a's status; else sets a's new status and times (nz__store_transition_apply) and
 * gives the status it had (*from) and the change's note (*what, in arena). */
nz_rc nz__store_transition_prepare(nz_arena *arena, const nz_article_transition *t, nz_article *a,
				   nz_time now, nz_status *from, const char **what, nz_err *err);
/* What every backend checks before it saves an edit of the article id, stored at revision with
 * status: NZ_CONFLICT when revision is not base (the one the edit started from), the workflow's
 * answer when status allows no edit. */
nz_rc nz__store_edit_allowed(int64_t id, int64_t base, int64_t revision, nz_status status,
			     nz_err *err);
/* What a backend's article_update does once its transaction is open: checks (see
 * nz__store_edit_allowed) and writes the edit of a made from revision base. */
typedef nz_rc (*nz__store_save_fn)(nz_store *s, nz_arena *arena, int64_t actor, nz_article *a,
				   int64_t base, const char *note, nz_err *err);
/* A backend's article_update: save in one transaction (through s->ops). */
nz_rc nz__store_article_update_tx(nz_store *s, nz_arena *arena, int64_t actor, nz_article *a,
				  int64_t base, const char *note, nz__store_save_fn save,
				  nz_err *err);
/* For a saved article's media item m that names a stored row (stored): gives m the stored bytes,
 * type and size when m refers by id alone; true when the row serves m unchanged (same bytes,
 * caption, credit and alt), false when m needs a new row (a row other articles may show never
 * changes). */
bool nz__store_media_reuse(nz_media *m, const nz_media *stored);
/* The media library's words ("w1 w2", as nz_store_media_search passes them) as a backend's
 * index query: open, each word with between after all but the last, close (arena; NULL when out
 * of memory). SQLite: '"', '"* "', '"*'; PostgreSQL: "", ":* & ", ":*". */
const char *nz__store_media_query(nz_arena *arena, const char *words, const char *open,
				  const char *between, const char *close);
/* What a backend's workflow change does once its transaction is open: loads the article
 * into a (locking it), changes it and writes its revision and audit entry. */
typedef nz_rc (*nz__store_transition_fn)(nz_store *s, nz_arena *arena,
					 const nz_article_transition *t, nz_article *a,
					 nz_err *err);
/* A backend's article_transition: step in one transaction (through s->ops); *out is the
 * changed article (in arena), NULL on failure. */
nz_rc nz__store_article_transition_tx(nz_store *s, nz_arena *arena, const nz_article_transition *t,
				      nz_article **out, nz__store_transition_fn step, nz_err *err);
/* Whether t adds a correction (a correction, or a retraction with a text). */
bool nz__store_transition_corrects(const nz_article_transition *t);

/* The scheduler's step for the due articles ids (at most 100): publishes each through
 * s->ops->article_transition, each in its own transaction, and counts them in *n; one that
 * someone changed meanwhile (NZ_INVAL) is passed over; the first other failure is the answer,
 * the rest are still tried. */
nz_rc nz__store_publish_each(nz_store *s, const int64_t *ids, size_t count, size_t *n, nz_err *err);
/* The translation group two articles (id, other, in groups g1, g2; 0 for none) share once
 * linked: g1, else g2, else the smaller id. */
int64_t nz__store_translation_group(int64_t id, int64_t other, int64_t g1, int64_t g2);
/* The two article.edited audit entries of linking id and other as translations. */
nz_rc nz__store_translation_audit(nz_store *s, int64_t actor, int64_t id, int64_t other,
				  nz_err *err);

/* articles.c: gives a (a light article of the recent corrections) its one correction, zeroed,
 * in arena, for the backend to fill; NULL when out of memory. */
nz_correction *nz__store_one_correction(nz_arena *arena, nz_article *a);

/* The old addresses of both kinds whose path starts with prefix, by path (both backends'
 * SQL; p1 the prefix, p2 the limit): url_redirects, and the earlier slugs of articles. */
#define NZ__URL_REDIRECT_LIST(p1, p2)                                                              \
	"SELECT path, target, created_at, 0 FROM url_redirects "                                   \
	"WHERE substr(path, 1, length(" p1 ")) = " p1 " "                                          \
	"UNION ALL SELECT '/article/' || r.old_slug, '/article/' || a.slug, r.created_at, 1 "      \
	"FROM slug_redirects r JOIN articles a ON a.id = r.article_id "                            \
	"WHERE substr('/article/' || r.old_slug, 1, length(" p1 ")) = " p1 " "                     \
	"ORDER BY 1 LIMIT " p2

/* After a backend saved update u (live.c): the new id (an insert) or the time it was first
 * posted (an edit) that its statement returned, the revision and the times set as stored. */
void nz__store_live_saved(nz_live_update *u, int64_t returned, int64_t actor, nz_time now);
/* Why an edit of u changed no row, from looking up its current revision (rc: NZ_NOTFOUND when
 * there is no such update, NZ_OK with current set, or the lookup's failure, returned). */
nz_rc nz__store_live_unsaved(const nz_live_update *u, nz_rc rc, int64_t current, nz_err *err);
/* Both backends' SQL for live coverage (sqlite/live.c, postgres/live.c), placeholders given. */
#define NZ__LIVE_START(id, now)                                                                    \
	"INSERT INTO live_coverage(article_id, started_at) VALUES (" id ", " now ")"               \
	" ON CONFLICT(article_id) DO UPDATE SET ended_at = NULL"                                   \
	" WHERE live_coverage.ended_at IS NOT NULL"
#define NZ__LIVE_END(id, now)                                                                      \
	"UPDATE live_coverage SET ended_at = " now " WHERE ended_at IS NULL"                       \
	" AND article_id = " id
#define NZ__LIVE_GET(id)                                                                           \
	"SELECT started_at, COALESCE(ended_at, 0) FROM live_coverage WHERE article_id = " id
/* An update's columns, then its photo's (NULL when it has none): the order update_row reads. */
#define NZ__LIVE_UPDATES(id)                                                                       \
	"SELECT u.id, u.article_id, u.body_markdown, u.pinned, u.revision, COALESCE(u.actor, 0),"  \
	" u.created_at, u.updated_at, u.kind, COALESCE(u.media_id, 0), u.quote, u.attribution,"    \
	" m.hash, m.mime, m.caption, m.credit, m.alt, m.width, m.height, m.focal_x, m.focal_y"     \
	" FROM live_updates u LEFT JOIN media m ON m.id = u.media_id WHERE u.article_id = " id     \
	" ORDER BY u.created_at DESC, u.id DESC"
/* article, body, pinned, actor, now, kind (NULL: text), media (NULL: none), quote, attribution */
#define NZ__LIVE_UPDATE_ADD(a, b, p, actor, now, k, m, q, at)                                      \
	"INSERT INTO live_updates(article_id, body_markdown, pinned, revision, actor, created_at," \
	" updated_at, kind, media_id, quote, attribution) VALUES (" a ", " b ", " p ", 1, " actor  \
	", " now ", " now ", COALESCE(" k ", 'text'), " m ", " q ", " at ") RETURNING id"
/* id, article, base revision, body, pinned, now, then kind, media, quote, attribution: each
 * NULL keeps what the update had (the back office's edit form changes its text and pin only) */
#define NZ__LIVE_UPDATE_EDIT(id, a, rev, b, p, now, k, m, q, at)                                   \
	"UPDATE live_updates SET body_markdown = " b ", pinned = " p ", revision = revision + 1,"  \
	" updated_at = " now ", kind = COALESCE(" k ", kind), media_id = COALESCE(" m ","          \
	" media_id), quote = COALESCE(" q ", quote), attribution = COALESCE(" at ", attribution)"  \
	" WHERE id = " id " AND article_id = " a " AND revision = " rev " RETURNING created_at"
#define NZ__LIVE_UPDATE_REVISION(id, a)                                                            \
	"SELECT revision FROM live_updates WHERE id = " id " AND article_id = " a
#define NZ__LIVE_UPDATE_DELETE(id, a)                                                              \
	"DELETE FROM live_updates WHERE id = " id " AND article_id = " a " RETURNING id"

/* Both backends' SQL for the static pages: the columns of a page row (a SELECT to complete with
 * WHERE or ORDER BY), and the copy of a page's current row into its revisions (p1 the page id,
 * p2 the acting user or NULL). */
/* "Most read": the public articles most viewed since hour p1 (p2 now, p3 the language or NULL
 * for any, p4 the limit), most first. */
#define NZ__MOST_READ(p1, p2, p3, p4)                                                              \
	"SELECT a.id, a.slug, a.headline, a.language, sum(v.views) AS n FROM article_views v"      \
	" JOIN articles a ON a.id = v.article_id WHERE v.hour >= " p1                              \
	" AND a.status IN ('published', 'retracted')"                                              \
	" AND (a.embargo_until IS NULL OR a.embargo_until <= " p2 ")"                              \
	" AND (" p3 " IS NULL OR a.language = " p3 ")"                                             \
	" GROUP BY a.id, a.slug, a.headline, a.language ORDER BY n DESC, a.id DESC LIMIT " p4
#define NZ__VIEWS_SERIES(p1, p2)                                                                   \
	"SELECT v.hour, v.views FROM article_views v JOIN articles a ON a.id = v.article_id"       \
	" WHERE a.slug = " p1 " AND v.hour >= " p2 " ORDER BY v.hour"
#define NZ__READER_COUNTS_ADD(p1, p2, p3, p4)                                                      \
	"INSERT INTO reader_counts(kind, key, hour, count) VALUES (" p1 ", " p2 ", " p3 ", " p4    \
	") ON CONFLICT(kind, key, hour) DO UPDATE SET count = reader_counts.count + "              \
	"excluded.count"
#define NZ__READER_COUNTS_TOP(p1, p2, p3)                                                          \
	"SELECT key, sum(count) AS n, max(hour) FROM reader_counts WHERE kind = " p1               \
	" AND hour >= " p2 " GROUP BY key ORDER BY n DESC, key LIMIT " p3
#define NZ__PAGE_COLUMNS                                                                           \
	"SELECT id, slug, title, body_markdown, role, position, revision, created_at, "            \
	"updated_at, "                                                                             \
	"translations FROM pages"
#define NZ__PAGE_REVISION_ADD(p1, p2)                                                              \
	"INSERT INTO page_revisions(page_id, revision, slug, title, body_markdown, role, actor, "  \
	"saved_at, translations) SELECT id, revision, slug, title, body_markdown, role, " p2       \
	", updated_at, translations FROM pages WHERE id = " p1

#endif
