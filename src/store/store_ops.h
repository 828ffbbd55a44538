/*
 * store_ops.h: every operation of the store, declared once, one X-macro list per aggregate.
 * From these lists store_int.h makes the backend table (one slot per operation) and store.c
 * makes, per operation, the read-only check and the call through the table. Only store/
 * includes this.
 *
 * An entry is OP(access, front, name, (parameters), (arguments)):
 * - access: READ, or WRITE (refused with NZ_PERM on a handle opened NZ_STORE_READONLY);
 * - front: PASS when the public nz_store_<name> in store.h has the slot's signature and
 *   nothing to prepare: store.c generates it. OWN when a hand-written nz_store_<name> (in the
 *   aggregate's file: articles.c, catalog.c, ...) checks, defaults or reshapes arguments
 *   first; it then calls the generated nz__store_<name>, which does the read-only check and
 *   the call;
 * - the parameters always start with `nz_store *s` and end with `nz_err *err`; the arguments
 *   name them again, for the call.
 * A slot may be NULL: calling it answers NZ_UNSUPPORTED (a backend in progress).
 *
 * Adding a query: one entry here, the public prototype with its contract in store.h (and, for
 * OWN, the public function), and one implementation per backend. The build points at whatever
 * is missing: no prototype fails -Wmissing-prototypes, a signature that differs from the
 * entry conflicts with the generated definition, a backend without it does not link.
 *
 * The lists are laid out by hand (clang-format would space the declarations as expressions).
 *
 * How a backend fills the table: name each implementation <prefix>_<name> with the slot's
 * signature and let the list write the table and the prototypes, as sqlite/ does with
 * NZ__SQ_PROTO and NZ__SQ_SLOT (sqlite_int.h, db.c):
 *     #define PG_SLOT(access, front, name, params, args) .name = nz__pg_##name,
 *     static const nz__store_ops pg_ops = {.backend = "postgres", ..., NZ__STORE_OPS(PG_SLOT)};
 * Arguments arrive checked and normalised as each slot's comment says; the acting user, when
 * an operation records one, is an explicit `actor` argument (0: the system).
 */
#ifndef NZ_STORE_OPS_H
#define NZ_STORE_OPS_H

#include "store/store.h"

/* clang-format off */

/* ---- settings ---- */
#define NZ__STORE_SETTINGS(OP)                                                                     \
	OP(READ, PASS, site_load,                                                                  \
	   (nz_store *s, nz_arena *arena, nz_site *out, nz_err *err),                              \
	   (s, arena, out, err))                                                                   \
	/* a page's settings, sections and static pages in one snapshot (every page's request) */ \
	OP(READ, PASS, site_chrome,                                                                \
	   (nz_store *s, nz_arena *arena, nz_site_chrome *out, nz_err *err),                       \
	   (s, arena, out, err))                                                                   \
	/* key non-empty; time_zone checked (tz_offset_min refused); NULL value removes it */     \
	OP(WRITE, OWN, setting_set,                                                                \
	   (nz_store *s, const char *key, const char *value, nz_err *err),                         \
	   (s, key, value, err))                                                                   \
	OP(READ, OWN, setting_get,                                                                 \
	   (nz_store *s, nz_arena *arena, const char *key, const char **value, nz_err *err),       \
	   (s, arena, key, value, err))                                                            \
	OP(WRITE, OWN, setting_ensure,                                                             \
	   (nz_store *s, nz_arena *arena, const char *key, const char *value,                      \
	    const char **stored, nz_err *err),                                                     \
	   (s, arena, key, value, stored, err))

/* ---- catalog: sections, authors, tags ---- */
#define NZ__STORE_CATALOG(OP)                                                                      \
	OP(WRITE, PASS, section_ensure,                                                            \
	   (nz_store *s, nz_section *sec, nz_err *err),                                            \
	   (s, sec, err))                                                                          \
	OP(WRITE, PASS, author_ensure, (nz_store *s, nz_author *au, nz_err *err), (s, au, err))    \
	OP(WRITE, PASS, tag_ensure, (nz_store *s, nz_tag *tag, nz_err *err), (s, tag, err))        \
	OP(READ, PASS, section_get,                                                                \
	   (nz_store *s, nz_arena *arena, const char *slug, nz_section **out, nz_err *err),        \
	   (s, arena, slug, out, err))                                                             \
	OP(READ, PASS, author_get,                                                                 \
	   (nz_store *s, nz_arena *arena, const char *slug, nz_author **out, nz_err *err),         \
	   (s, arena, slug, out, err))                                                             \
	OP(READ, PASS, tag_get,                                                                    \
	   (nz_store *s, nz_arena *arena, const char *slug, nz_tag **out, nz_err *err),            \
	   (s, arena, slug, out, err))                                                             \
	OP(READ, PASS, section_list,                                                               \
	   (nz_store *s, nz_arena *arena, nz_section **out, size_t *n, nz_err *err),               \
	   (s, arena, out, n, err))                                                                \
	OP(READ, PASS, author_list,                                                                \
	   (nz_store *s, nz_arena *arena, nz_author **out, size_t *n, nz_err *err),                \
	   (s, arena, out, n, err))                                                                \
	/* sec has a name and a valid slug */                                                      \
	OP(WRITE, OWN, section_save,                                                               \
	   (nz_store *s, int64_t actor, nz_section *sec, nz_err *err),                             \
	   (s, actor, sec, err))                                                                   \
	/* au->slug names the row; display name, texts and links checked (catalog.c) */            \
	OP(WRITE, OWN, author_save,                                                                \
	   (nz_store *s, int64_t actor, const nz_author *au, nz_err *err),                         \
	   (s, actor, au, err))                                                                    \
	/* from and into: two different slugs */                                                   \
	OP(WRITE, OWN, author_merge,                                                               \
	   (nz_store *s, int64_t actor, const char *from, const char *into, nz_err *err),          \
	   (s, actor, from, into, err))                                                            \
	OP(READ, PASS, tag_list,                                                                   \
	   (nz_store *s, nz_arena *arena, nz_tag **out, size_t *n, nz_err *err),                   \
	   (s, arena, out, n, err))                                                                \
	/* tag->slug names the row; name and texts checked (catalog.c) */                          \
	OP(WRITE, OWN, tag_save, (nz_store *s, int64_t actor, const nz_tag *tag, nz_err *err),     \
	   (s, actor, tag, err))                                                                   \
	/* from: a slug; to: a valid slug, different */                                            \
	OP(WRITE, OWN, tag_rename,                                                                 \
	   (nz_store *s, int64_t actor, const char *from, const char *to, nz_err *err),            \
	   (s, actor, from, to, err))                                                              \
	/* from and into: two different slugs */                                                   \
	OP(WRITE, OWN, tag_merge,                                                                  \
	   (nz_store *s, int64_t actor, const char *from, const char *into, nz_err *err),          \
	   (s, actor, from, into, err))

/* ---- articles: rows, revisions, links, translations, import sources, public listings ---- */
#define NZ__STORE_ARTICLES(OP)                                                                     \
	/* a validated and defaulted (articles.c); audited: record article.created */              \
	OP(WRITE, OWN, article_create,                                                             \
	   (nz_store *s, nz_arena *arena, int64_t actor, bool audited, nz_article *a,              \
	    const char *note, nz_err *err),                                                        \
	   (s, arena, actor, audited, a, note, err))                                               \
	/* a validated and defaulted, a->id set, base_revision >= 1 */                             \
	OP(WRITE, OWN, article_update,                                                             \
	   (nz_store *s, nz_arena *arena, int64_t actor, nz_article *a, int64_t base_revision,     \
	    const char *note, nz_err *err),                                                        \
	   (s, arena, actor, a, base_revision, note, err))                                         \
	/* t checked (a state change; a correction's text; a future schedule); out not NULL */     \
	OP(WRITE, OWN, article_transition,                                                         \
	   (nz_store *s, nz_arena *arena, const nz_article_transition *t, nz_article **out,        \
	    nz_err *err),                                                                          \
	   (s, arena, t, out, err))                                                                \
	OP(WRITE, OWN, article_link_translation,                                                   \
	   (nz_store *s, int64_t actor, int64_t id, int64_t other_id, nz_err *err),                \
	   (s, actor, id, other_id, err))                                                          \
	OP(WRITE, OWN, publish_due,                                                                \
	   (nz_store *s, nz_time now, size_t *n, nz_err *err),                                     \
	   (s, now, n, err))                                                                       \
	OP(READ, OWN, next_scheduled, (nz_store *s, nz_time *at, nz_err *err), (s, at, err))       \
	OP(READ, OWN, article_by_slug,                                                             \
	   (nz_store *s, nz_arena *arena, const char *slug, nz_article **out, nz_err *err),        \
	   (s, arena, slug, out, err))                                                             \
	OP(READ, OWN, article_by_id,                                                               \
	   (nz_store *s, nz_arena *arena, int64_t id, nz_article **out, nz_err *err),              \
	   (s, arena, id, out, err))                                                               \
	/* q->limit in 1..200; q->now set when public_only */                                      \
	OP(READ, OWN, article_list,                                                                \
	   (nz_store *s, nz_arena *arena, const nz_article_query *q, nz_article_list *out,         \
	    nz_err *err),                                                                          \
	   (s, arena, q, out, err))                                                                \
	OP(READ, OWN, article_keys,                                                                \
	   (nz_store *s, nz_arena *arena, const nz_article_query *q, nz_article_key **keys,        \
	    size_t *n, nz_err *err),                                                               \
	   (s, arena, q, keys, n, err))                                                            \
	/* q->limit in 1..200 */                                                                   \
	OP(READ, OWN, admin_article_list,                                                          \
	   (nz_store *s, nz_arena *arena, const nz_admin_query *q, nz_article_list *out,           \
	    nz_err *err),                                                                          \
	   (s, arena, q, out, err))                                                                \
	OP(READ, OWN, slug_redirect,                                                               \
	   (nz_store *s, nz_arena *arena, const char *old_slug, const char **new_slug,             \
	    nz_err *err),                                                                          \
	   (s, arena, old_slug, new_slug, err))                                                    \
	OP(READ, OWN, revision_list,                                                               \
	   (nz_store *s, nz_arena *arena, int64_t article_id, nz_revision **out, size_t *n,        \
	    nz_err *err),                                                                          \
	   (s, arena, article_id, out, n, err))                                                    \
	OP(READ, OWN, revision_get,                                                                \
	   (nz_store *s, nz_arena *arena, int64_t article_id, int64_t revision,                    \
	    nz_revision **out, nz_err *err),                                                       \
	   (s, arena, article_id, revision, out, err))                                             \
	OP(READ, OWN, import_find,                                                                 \
	   (nz_store *s, const char *sha256_hex, int64_t *article_id, nz_err *err),                \
	   (s, sha256_hex, article_id, err))                                                       \
	/* n >= 1 hashes, none NULL; article_ids zeroed by articles_history.c */                  \
	OP(READ, OWN, import_find_many,                                                            \
	   (nz_store *s, const char *const *sha256_hex, size_t n, int64_t *article_ids,            \
	    nz_err *err),                                                                          \
	   (s, sha256_hex, n, article_ids, err))                                                   \
	/* sha256_hex is the hash of bytes, computed by articles.c */                              \
	OP(WRITE, OWN, import_add,                                                                 \
	   (nz_store *s, int64_t article_id, const char *filename, const char *sha256_hex,         \
	    const void *bytes, size_t len, nz_err *err),                                           \
	   (s, article_id, filename, sha256_hex, bytes, len, err))                                 \
	/* items checked: each has an article, a file name and bytes (articles_import.c) */        \
	OP(WRITE, OWN, import_batch,                                                               \
	   (nz_store *s, nz_arena *arena, nz_store_import_item *items, size_t n, nz_err *err),     \
	   (s, arena, items, n, err))                                                              \
	OP(READ, OWN, import_get,                                                                  \
	   (nz_store *s, nz_arena *arena, int64_t article_id, const void **bytes, size_t *len,     \
	    const char **filename, nz_err *err),                                                   \
	   (s, arena, article_id, bytes, len, filename, err))                                      \
	OP(READ, PASS, import_item_find,                                                           \
	   (nz_store *s, nz_arena *arena, const char *key, int64_t *article_id,                    \
	    const char **sha256_hex, nz_err *err),                                                 \
	   (s, arena, key, article_id, sha256_hex, err))                                           \
	OP(WRITE, PASS, import_item_put,                                                           \
	   (nz_store *s, const char *key, int64_t article_id, const char *sha256_hex,              \
	    int64_t comments, nz_err *err),                                                        \
	   (s, key, article_id, sha256_hex, comments, err))                                        \
	/* path and target checked by the caller (app/redirect.c) */                               \
	OP(READ, PASS, url_redirect_get,                                                           \
	   (nz_store *s, nz_arena *arena, const char *path, const char **target, nz_err *err),    \
	   (s, arena, path, target, err))                                                          \
	OP(WRITE, PASS, url_redirect_put,                                                          \
	   (nz_store *s, const char *path, const char *target, bool replace, nz_err *err),        \
	   (s, path, target, replace, err))                                                        \
	OP(WRITE, PASS, url_redirect_delete,                                                       \
	   (nz_store *s, const char *path, nz_err *err),                                           \
	   (s, path, err))                                                                         \
	/* f->url, f->format and f->every_s checked (app/wire.c) */                                \
	OP(WRITE, PASS, wire_feed_add, (nz_store *s, nz_wire_feed *f, nz_err *err), (s, f, err))   \
	OP(READ, PASS, wire_feed_list,                                                             \
	   (nz_store *s, nz_arena *arena, nz_wire_feed **out, size_t *n, nz_err *err),            \
	   (s, arena, out, n, err))                                                                \
	OP(WRITE, PASS, wire_feed_remove, (nz_store *s, int64_t id, nz_err *err), (s, id, err))    \
	OP(WRITE, PASS, wire_feed_polled,                                                          \
	   (nz_store *s, const nz_wire_feed *f, nz_err *err),                                      \
	   (s, f, err))                                                                            \
	/* limit in 1..10000 */                                                                    \
	OP(READ, PASS, url_redirect_list,                                                          \
	   (nz_store *s, nz_arena *arena, const char *prefix, size_t limit, nz_url_redirect **out, \
	    size_t *n, nz_err *err),                                                               \
	   (s, arena, prefix, limit, out, n, err))                                                 \
	/* q->limit in 1..10000; after_id only with the id order */                                \
	OP(READ, OWN, article_refs,                                                                \
	   (nz_store *s, nz_arena *arena, const nz_article_ref_query *q, nz_article **out,         \
	    size_t *n, nz_err *err),                                                               \
	   (s, arena, q, out, n, err))                                                             \
	OP(READ, OWN, article_translations,                                                        \
	   (nz_store *s, nz_arena *arena, const nz_article *a, nz_time now, nz_article **out,      \
	    size_t *n, nz_err *err),                                                               \
	   (s, arena, a, now, out, n, err))                                                        \
	OP(READ, OWN, article_chunks,                                                              \
	   (nz_store *s, nz_arena *arena, nz_time now, size_t per_chunk, nz_article_chunk **out,   \
	    size_t *n, nz_err *err),                                                               \
	   (s, arena, now, per_chunk, out, n, err))                                            \
	OP(READ, OWN, corrections_recent,                                                          \
	   (nz_store *s, nz_arena *arena, nz_time now, size_t limit, nz_article **out, size_t *n,  \
	    nz_err *err),                                                                          \
	   (s, arena, now, limit, out, n, err))

/* ---- media: blobs (bytes by hash) and media rows ---- */
#define NZ__STORE_MEDIA(OP)                                                                        \
	/* sha256_hex checked against the bytes */                                                 \
	OP(WRITE, OWN, blob_put,                                                                   \
	   (nz_store *s, const char *sha256_hex, const char *mime, const void *bytes, size_t len,  \
	    nz_err *err),                                                                          \
	   (s, sha256_hex, mime, bytes, len, err))                                                 \
	OP(READ, OWN, blob_get,                                                                    \
	   (nz_store *s, nz_arena *arena, const char *sha256_hex, const void **bytes,              \
	    size_t *len, const char **mime, nz_err *err),                                          \
	   (s, arena, sha256_hex, bytes, len, mime, err))                                          \
	OP(READ, OWN, blob_size,                                                                   \
	   (nz_store *s, const char *sha256_hex, int64_t *size, nz_err *err),                      \
	   (s, sha256_hex, size, err))                                                             \
	/* m->hash set (the SHA-256 of bytes), len in 1..NZ_MEDIA_MAX */                           \
	OP(WRITE, OWN, media_add,                                                                  \
	   (nz_store *s, int64_t actor, nz_media *m, const void *bytes, size_t len, nz_err *err),  \
	   (s, actor, m, bytes, len, err))                                                         \
	OP(READ, OWN, media_get,                                                                   \
	   (nz_store *s, nz_arena *arena, int64_t id, nz_media **out, nz_err *err),                \
	   (s, arena, id, out, err))                                                               \
	/* limit in 1..200 */                                                                      \
	OP(READ, OWN, media_list,                                                                  \
	   (nz_store *s, nz_arena *arena, size_t limit, size_t offset, nz_media **out, size_t *n,  \
	    nz_err *err),                                                                          \
	   (s, arena, limit, offset, out, n, err))                                                 \
	/* source a 64-hex hash, name non-empty, bytes non-empty; a second put keeps the first */  \
	OP(WRITE, OWN, rendition_put,                                                              \
	   (nz_store *s, const char *source, const char *name, const char *mime,                   \
	    const void *bytes, size_t len, nz_err *err),                                           \
	   (s, source, name, mime, bytes, len, err))                                               \
	OP(READ, OWN, rendition_get,                                                               \
	   (nz_store *s, nz_arena *arena, const char *source, const char *name,                    \
	    const void **bytes, size_t *len, const char **mime, nz_err *err),                      \
	   (s, arena, source, name, bytes, len, mime, err))                                        \
	/* first_id <= last_id */                                                                  \
	OP(READ, OWN, article_photos,                                                              \
	   (nz_store *s, nz_arena *arena, int64_t first_id, int64_t last_id,                       \
	    nz_article_photo **out, size_t *n, nz_err *err),                                       \
	   (s, arena, first_id, last_id, out, n, err))                                             \
	/* prefix and suffix non-empty, limit in 1..200 */                                         \
	OP(READ, OWN, media_unrendered,                                                            \
	   (nz_store *s, nz_arena *arena, const char *prefix, const char *suffix, size_t limit,    \
	    nz_media **out, size_t *n, nz_err *err),                                               \
	   (s, arena, prefix, suffix, limit, out, n, err))                                         \
	/* f->limit in 1..200, f->text NULL or words ([a-z0-9] or non-ASCII) joined by a space */ \
	OP(READ, OWN, media_search,                                                                \
	   (nz_store *s, nz_arena *arena, const nz_media_filter *f, nz_media_entry **out,          \
	    size_t *n, nz_err *err),                                                               \
	   (s, arena, f, out, n, err))                                                             \
	OP(READ, OWN, media_uses,                                                                  \
	   (nz_store *s, nz_arena *arena, int64_t id, nz_article **out, size_t *n, nz_err *err),   \
	   (s, arena, id, out, n, err))                                                            \
	/* m->id set; the texts and focal point checked */                                         \
	OP(WRITE, OWN, media_update, (nz_store *s, int64_t actor, const nz_media *m, nz_err *err), \
	   (s, actor, m, err))                                                                     \
	OP(WRITE, OWN, media_delete, (nz_store *s, int64_t actor, int64_t id, nz_err *err),       \
	   (s, actor, id, err))                                                                    \
	OP(READ, OWN, media_revisions,                                                             \
	   (nz_store *s, nz_arena *arena, int64_t id, nz_media_revision **out, size_t *n,          \
	    nz_err *err),                                                                          \
	   (s, arena, id, out, n, err))                                                            \
	OP(READ, PASS, media_variants,                                                             \
	   (nz_store *s, nz_arena *arena, int64_t id, nz_media_variant **out, size_t *n,           \
	    nz_err *err),                                                                          \
	   (s, arena, id, out, n, err))                                                            \
	OP(READ, PASS, media_uploaders,                                                            \
	   (nz_store *s, nz_arena *arena, nz_user **out, size_t *n, nz_err *err),                  \
	   (s, arena, out, n, err))                                                                \
	OP(WRITE, PASS, media_index_rebuild,                                                       \
	   (nz_store *s, nz_store_progress_fn progress, void *ctx, nz_err *err),                   \
	   (s, progress, ctx, err))

/* ---- accounts: users, sessions, sign-in throttling, API tokens ---- */
#define NZ__STORE_ACCOUNTS(OP)                                                                     \
	/* login and role valid, hash non-empty, created_at set */                                 \
	OP(WRITE, OWN, user_create,                                                                \
	   (nz_store *s, int64_t actor, nz_user *u, const char *password_hash, nz_err *err),       \
	   (s, actor, u, password_hash, err))                                                      \
	OP(READ, OWN, user_get,                                                                    \
	   (nz_store *s, nz_arena *arena, int64_t id, nz_user **out, nz_err *err),                 \
	   (s, arena, id, out, err))                                                               \
	/* password_hash may be NULL */                                                            \
	OP(READ, OWN, user_by_login,                                                               \
	   (nz_store *s, nz_arena *arena, const char *login, nz_user **out,                        \
	    const char **password_hash, nz_err *err),                                              \
	   (s, arena, login, out, password_hash, err))                                             \
	OP(READ, OWN, user_list,                                                                   \
	   (nz_store *s, nz_arena *arena, nz_user **out, size_t *n, nz_err *err),                  \
	   (s, arena, out, n, err))                                                                \
	OP(WRITE, OWN, user_set_role,                                                              \
	   (nz_store *s, int64_t actor, int64_t user_id, nz_role role, nz_err *err),               \
	   (s, actor, user_id, role, err))                                                         \
	OP(WRITE, OWN, user_set_password,                                                          \
	   (nz_store *s, int64_t actor, int64_t user_id, const char *password_hash, nz_err *err),  \
	   (s, actor, user_id, password_hash, err))                                                \
	OP(WRITE, PASS, user_set_disabled,                                                         \
	   (nz_store *s, int64_t actor, int64_t user_id, bool disabled, nz_err *err),              \
	   (s, actor, user_id, disabled, err))                                                     \
	/* id_hash a SHA-256 in hex */                                                             \
	OP(WRITE, OWN, session_create,                                                             \
	   (nz_store *s, const char *id_hash, int64_t user_id, nz_time expires_at,                 \
	    const char *address, nz_err *err),                                                     \
	   (s, id_hash, user_id, expires_at, address, err))                                        \
	/* now set, expires_at not NULL */                                                         \
	OP(READ, OWN, session_user,                                                                \
	   (nz_store *s, nz_arena *arena, const char *id_hash, nz_time now, nz_user **out,         \
	    nz_time *expires_at, nz_err *err),                                                     \
	   (s, arena, id_hash, now, out, expires_at, err))                                         \
	OP(WRITE, OWN, session_delete,                                                             \
	   (nz_store *s, const char *id_hash, nz_err *err),                                        \
	   (s, id_hash, err))                                                                      \
	/* id_hash a SHA-256 in hex, device at most NZ_SESSION_DEVICE_MAX bytes */                \
	OP(WRITE, OWN, session_device,                                                             \
	   (nz_store *s, const char *id_hash, const char *device, nz_err *err),                    \
	   (s, id_hash, device, err))                                                              \
	/* now set */                                                                              \
	OP(READ, OWN, session_list,                                                                \
	   (nz_store *s, nz_arena *arena, int64_t user_id, nz_time now, nz_session_info **out,     \
	    size_t *n, nz_err *err),                                                               \
	   (s, arena, user_id, now, out, n, err))                                                  \
	/* prefix NZ_SESSION_PREFIX hex digits or NULL (every one); keep a hash or NULL */         \
	OP(WRITE, OWN, session_end,                                                                \
	   (nz_store *s, int64_t user_id, const char *prefix, const char *keep, int *ended,        \
	    nz_err *err),                                                                          \
	   (s, user_id, prefix, keep, ended, err))                                                 \
	/* now set, ttl > 0 */                                                                     \
	OP(WRITE, OWN, presence_beat,                                                              \
	   (nz_store *s, int64_t article_id, int64_t user_id, nz_time now, nz_time ttl,            \
	    nz_err *err),                                                                          \
	   (s, article_id, user_id, now, ttl, err))                                                \
	/* now set, ttl > 0 */                                                                     \
	OP(READ, OWN, presence_list,                                                               \
	   (nz_store *s, nz_arena *arena, int64_t article_id, nz_time now, nz_time ttl,            \
	    nz_presence **out, size_t *n, nz_err *err),                                            \
	   (s, arena, article_id, now, ttl, out, n, err))                                          \
	/* login and address never NULL */                                                         \
	OP(READ, OWN, login_failures,                                                              \
	   (nz_store *s, const char *login, const char *address, nz_time since, int *by_login,     \
	    int *by_address, nz_err *err),                                                         \
	   (s, login, address, since, by_login, by_address, err))                                  \
	OP(WRITE, OWN, login_failed,                                                               \
	   (nz_store *s, const char *login, const char *address, int64_t user_id, nz_err *err),    \
	   (s, login, address, user_id, err))                                                      \
	/* token_hash a SHA-256 in hex; expires_at 0: never */                                    \
	OP(WRITE, OWN, token_create,                                                               \
	   (nz_store *s, int64_t actor, int64_t user_id, const char *token_hash,                   \
	    const char *name, nz_time expires_at, int64_t *id, nz_err *err),                       \
	   (s, actor, user_id, token_hash, name, expires_at, id, err))                             \
	/* now set, token_id not NULL; also records last_used_at */                                \
	OP(READ, OWN, token_user,                                                                  \
	   (nz_store *s, nz_arena *arena, const char *token_hash, nz_time now, nz_user **out,      \
	    int64_t *token_id, nz_err *err),                                                       \
	   (s, arena, token_hash, now, out, token_id, err))                                        \
	OP(WRITE, PASS, token_revoke,                                                              \
	   (nz_store *s, int64_t actor, int64_t token_id, nz_err *err),                            \
	   (s, actor, token_id, err))                                                              \
	OP(READ, OWN, token_find,                                                                  \
	   (nz_store *s, const char *token_hash, int64_t *token_id, nz_err *err),                  \
	   (s, token_hash, token_id, err))                                                         \
	OP(READ, OWN, token_list,                                                                  \
	   (nz_store *s, nz_arena *arena, int64_t user_id, nz_api_token **out, size_t *n,          \
	    nz_err *err),                                                                          \
	   (s, arena, user_id, out, n, err))                                                       \
	/* token_hash a SHA-256 in hex */                                                          \
	OP(WRITE, PASS, reset_create,                                                              \
	   (nz_store *s, int64_t actor, int64_t user_id, const char *token_hash,                   \
	    nz_time expires_at, nz_err *err),                                                      \
	   (s, actor, user_id, token_hash, expires_at, err))                                       \
	OP(READ, PASS, reset_get,                                                                  \
	   (nz_store *s, nz_arena *arena, const char *token_hash, nz_password_reset *out,          \
	    nz_err *err),                                                                          \
	   (s, arena, token_hash, out, err))                                                       \
	OP(WRITE, PASS, reset_use,                                                                 \
	   (nz_store *s, const char *token_hash, nz_time now, const char *password_hash,           \
	    int64_t *user_id, nz_err *err),                                                        \
	   (s, token_hash, now, password_hash, user_id, err))

/* ---- audit log ---- */
#define NZ__STORE_AUDIT(OP)                                                                        \
	/* action non-empty */                                                                     \
	OP(WRITE, OWN, audit_add,                                                                  \
	   (nz_store *s, int64_t actor, const char *action, const char *object_type,               \
	    int64_t object_id, const char *detail, nz_err *err),                                   \
	   (s, actor, action, object_type, object_id, detail, err))                                \
	/* q->limit in 1..500 */                                                                   \
	OP(READ, OWN, audit_list,                                                                  \
	   (nz_store *s, nz_arena *arena, const nz_audit_query *q, nz_audit_entry **out,           \
	    size_t *n, nz_err *err),                                                               \
	   (s, arena, q, out, n, err))

/* ---- outbox: the change feed, webhooks and their deliveries, the purge hook ---- */
#define NZ__STORE_OUTBOX(OP)                                                                       \
	OP(READ, OWN, change_seq, (nz_store *s, int64_t *seq, nz_err *err), (s, seq, err))         \
	/* after_seq >= 0; outputs preset (*upto_seq = after_seq) */                               \
	OP(READ, OWN, changes_since,                                                               \
	   (nz_store *s, nz_arena *arena, int64_t after_seq, int64_t *upto_seq,                    \
	    const char ***keys, size_t *n_keys, nz_err *err),                                      \
	   (s, arena, after_seq, upto_seq, keys, n_keys, err))                                     \
	/* n not NULL; never called on a read-only handle */                                       \
	OP(WRITE, OWN, change_tick,                                                                \
	   (nz_store *s, nz_time now, size_t *n, nz_err *err),                                     \
	   (s, now, n, err))                                                                       \
	OP(READ, OWN, change_next_due, (nz_store *s, nz_time *at, nz_err *err), (s, at, err))      \
	/* deletes rows with at < older_than and seq <= newest - keep_rows, never the newest */    \
	OP(WRITE, OWN, changes_prune,                                                              \
	   (nz_store *s, nz_time older_than, int64_t keep_rows, size_t *n, nz_err *err),           \
	   (s, older_than, keep_rows, n, err))                                                     \
	/* url, events and secret checked and normalised; active and created_at set */             \
	OP(WRITE, OWN, webhook_create,                                                             \
	   (nz_store *s, nz_webhook *hook, nz_err *err),                                           \
	   (s, hook, err))                                                                         \
	/* id 0: every hook */                                                                     \
	OP(READ, OWN, webhook_list,                                                                \
	   (nz_store *s, nz_arena *arena, int64_t id, nz_webhook **out, size_t *n, nz_err *err),   \
	   (s, arena, id, out, n, err))                                                            \
	OP(WRITE, PASS, webhook_delete, (nz_store *s, int64_t id, nz_err *err), (s, id, err))      \
	/* q->limit in 1..500 */                                                                   \
	OP(READ, OWN, delivery_list,                                                               \
	   (nz_store *s, nz_arena *arena, const nz_delivery_query *q, nz_delivery **out,           \
	    size_t *n, nz_err *err),                                                               \
	   (s, arena, q, out, n, err))                                                             \
	/* c->max in 1..100, c->lease_ms >= 0 */                                                   \
	OP(WRITE, OWN, delivery_claim,                                                             \
	   (nz_store *s, nz_arena *arena, const nz_delivery_claim *c, nz_delivery **out,           \
	    size_t *n, nz_err *err),                                                               \
	   (s, arena, c, out, n, err))                                                             \
	/* payload not NULL */                                                                     \
	OP(WRITE, OWN, delivery_set_payload,                                                       \
	   (nz_store *s, int64_t id, const char *payload, nz_err *err),                            \
	   (s, id, payload, err))                                                                  \
	OP(WRITE, PASS, delivery_postpone,                                                         \
	   (nz_store *s, int64_t id, int64_t next_attempt_ms, nz_err *err),                        \
	   (s, id, next_attempt_ms, err))                                                          \
	OP(WRITE, PASS, delivery_record,                                                           \
	   (nz_store *s, const nz_delivery_result *r, nz_err *err),                                \
	   (s, r, err))                                                                            \
	OP(READ, PASS, delivery_next_due,                                                          \
	   (nz_store *s, int64_t *next_ms, nz_err *err),                                           \
	   (s, next_ms, err))                                                                      \
	/* out preset with the defaults */                                                         \
	OP(READ, OWN, delivery_config,                                                             \
	   (nz_store *s, nz_arena *arena, nz_delivery_config *out, nz_err *err),                   \
	   (s, arena, out, err))

/* ---- search: the full-text index ---- */
#define NZ__STORE_SEARCH(OP)                                                                       \
	/* q normalised: limit 1..100, offset <= NZ_SEARCH_WINDOW, now set, a term to include */   \
	OP(READ, OWN, search,                                                                      \
	   (nz_store *s, nz_arena *arena, const nz_article_search *q, nz_search_results *out,      \
	    nz_err *err),                                                                          \
	   (s, arena, q, out, err))                                                                \
	/* max in 1..10, now set */                                                                \
	OP(READ, OWN, related,                                                                     \
	   (nz_store *s, nz_arena *arena, const nz_article *a, nz_time now, size_t max,            \
	    nz_article_list *out, nz_err *err),                                                    \
	   (s, arena, a, now, max, out, err))                                                      \
	OP(WRITE, PASS, search_rebuild,                                                            \
	   (nz_store *s, nz_store_progress_fn progress, void *ctx, nz_err *err),                   \
	   (s, progress, ctx, err))                                                                \
	/* article_id > 0, max in 1..10, now set; out zeroed, *state preset NONE */                \
	OP(READ, OWN, related_stored,                                                              \
	   (nz_store *s, nz_arena *arena, int64_t article_id, int64_t basis, nz_time now,          \
	    size_t max, nz_article_list *out, nz_related_state *state, nz_err *err),               \
	   (s, arena, article_id, basis, now, max, out, state, err))                               \
	/* article_id > 0, n in 0..10, ids positive and not article_id */                          \
	OP(WRITE, OWN, related_set,                                                                \
	   (nz_store *s, int64_t article_id, int64_t basis, const int64_t *ids, size_t n,          \
	    nz_err *err),                                                                          \
	   (s, article_id, basis, ids, n, err))                                                    \
	OP(WRITE, OWN, related_note_live, (nz_store *s, nz_err *err), (s, err))                    \
	OP(READ, PASS, related_pending,                                                            \
	   (nz_store *s, nz_arena *arena, nz_time now, bool all, int64_t **ids, size_t *n,         \
	    nz_err *err),                                                                          \
	   (s, arena, now, all, ids, n, err))

/* ---- the related lists' bulk pass: what a backend may do faster (SQLite); a backend that
 * leaves these slots NULL gets the front's fallback (store/search.c) ---- */
#define NZ__STORE_BULK(OP)                                                                         \
	/* max in 1..10, now set; ids has room for max; *n preset 0 */                             \
	OP(READ, OWN, related_ids,                                                                 \
	   (nz_store *s, nz_arena *arena, const nz_article *a, nz_time now, size_t max,            \
	    int64_t *ids, size_t *n, nz_err *err),                                                 \
	   (s, arena, a, now, max, ids, n, err))                                                   \
	OP(WRITE, OWN, search_optimize, (nz_store *s, nz_err *err), (s, err))

/* ---- nodes: what several servers on one database coordinate through ---- */
#define NZ__STORE_NODES(OP)                                                                        \
	/* after_seq >= 0, timeout_ms in 0..60000; *latest preset to after_seq */                  \
	OP(READ, OWN, changes_wait,                                                                \
	   (nz_store *s, int64_t after_seq, int timeout_ms, int64_t *latest, nz_err *err),         \
	   (s, after_seq, timeout_ms, latest, err))                                                \
	/* name and holder non-empty, ttl_s in 1..3600, *held preset false */                      \
	OP(WRITE, OWN, lease_acquire,                                                              \
	   (nz_store *s, const char *name, const char *holder, int ttl_s, bool *held,              \
	    nz_err *err),                                                                          \
	   (s, name, holder, ttl_s, held, err))                                                    \
	/* name and holder non-empty */                                                            \
	OP(WRITE, OWN, lease_release,                                                              \
	   (nz_store *s, const char *name, const char *holder, nz_err *err),                       \
	   (s, name, holder, err))                                                                 \
	OP(READ, PASS, replica_lag, (nz_store *s, int64_t *lag_ms, nz_err *err), (s, lag_ms, err))
/* ---- pages: the newsroom's static pages and their revisions ---- */
#define NZ__STORE_PAGES(OP)                                                                        \
	/* fields checked by the caller (app/static_page.c) */                                            \
	OP(WRITE, PASS, static_page_save,                                                          \
	   (nz_store *s, nz_static_page *p, int64_t actor, nz_err *err),                           \
	   (s, p, actor, err))                                                                     \
	OP(READ, PASS, static_page_get,                                                            \
	   (nz_store *s, nz_arena *arena, const char *slug, int64_t id, nz_static_page *out,       \
	    nz_err *err),                                                                          \
	   (s, arena, slug, id, out, err))                                                         \
	OP(READ, PASS, static_page_list,                                                           \
	   (nz_store *s, nz_arena *arena, nz_static_page **out, size_t *n, nz_err *err),           \
	   (s, arena, out, n, err))                                                                \
	OP(READ, PASS, static_page_revisions,                                                      \
	   (nz_store *s, nz_arena *arena, int64_t id, nz_static_page_revision **out, size_t *n,    \
	    nz_err *err),                                                                          \
	   (s, arena, id, out, n, err))                                                            \
	OP(READ, PASS, page_import_find,                                                           \
	   (nz_store *s, nz_arena *arena, const char *key, nz_store_page_import *out, nz_err *err),\
	   (s, arena, key, out, err))                                                              \
	/* every field set; page_id an existing page (app/wordpress_page.c) */                     \
	OP(WRITE, PASS, page_import_put,                                                           \
	   (nz_store *s, const nz_store_page_import *rec, nz_err *err),                            \
	   (s, rec, err))
/* ---- live: an article's live coverage and its updates (docs/live-coverage.md) ---- */
#define NZ__STORE_LIVE(OP)                                                                         \
	/* article_id an existing article (app/live.c checks) */                                   \
	OP(WRITE, PASS, live_set,                                                                  \
	   (nz_store *s, int64_t article_id, bool live, nz_err *err),                              \
	   (s, article_id, live, err))                                                             \
	OP(READ, PASS, live_get,                                                                   \
	   (nz_store *s, nz_arena *arena, int64_t article_id, nz_live *out, nz_err *err),          \
	   (s, arena, article_id, out, err))                                                       \
	/* u's fields checked by the caller (app/live.c) */                                        \
	OP(WRITE, PASS, live_update_save,                                                          \
	   (nz_store *s, nz_live_update *u, int64_t actor, nz_err *err),                           \
	   (s, u, actor, err))                                                                     \
	OP(WRITE, PASS, live_update_delete,                                                        \
	   (nz_store *s, int64_t article_id, int64_t id, nz_err *err),                             \
	   (s, article_id, id, err))

/* ---- front layouts: the top of each front page (front_layouts.c) ---- */
#define NZ__STORE_FRONT(OP)                                                                        \
	/* l checked (front_layouts.c) */                                                          \
	OP(WRITE, OWN, front_layout_save,                                                          \
	   (nz_store *s, nz_front_layout *l, nz_time now, int64_t actor, nz_err *err),             \
	   (s, l, now, actor, err))                                                                \
	OP(READ, OWN, front_layout_list,                                                           \
	   (nz_store *s, nz_arena *arena, const char *language, int64_t section_id,                \
	    nz_front_layout **out, size_t *n, nz_err *err),                                        \
	   (s, arena, language, section_id, out, n, err))                                          \
	OP(WRITE, PASS, front_layout_delete, (nz_store *s, int64_t id, nz_err *err), (s, id, err)) \
	/* n >= 1 */                                                                               \
	OP(WRITE, PASS, views_add,                                                                 \
	   (nz_store *s, const nz_view_count *counts, size_t n, bool tell, nz_err *err),           \
	   (s, counts, n, tell, err))                                                              \
	/* limit 1..100 */                                                                         \
	OP(READ, PASS, most_read,                                                                  \
	   (nz_store *s, nz_arena *arena, int64_t since_hour, nz_time now, const char *language,   \
	    size_t limit, nz_most_read **out, size_t *n, nz_err *err),                             \
	   (s, arena, since_hour, now, language, limit, out, n, err))                              \
	OP(READ, PASS, views_series,                                                               \
	   (nz_store *s, nz_arena *arena, const char *slug, int64_t since_hour,                    \
	    nz_view_hour **out, size_t *n, nz_err *err),                                           \
	   (s, arena, slug, since_hour, out, n, err))                                              \
	/* n >= 1; kinds valid */                                                                  \
	OP(WRITE, PASS, reader_counts_add,                                                         \
	   (nz_store *s, const nz_reader_count *counts, size_t n, nz_err *err), (s, counts, n, err)) \
	/* limit 1..100 */                                                                         \
	OP(READ, PASS, reader_counts_top,                                                          \
	   (nz_store *s, nz_arena *arena, const char *kind, int64_t since_hour, size_t limit,      \
	    nz_reader_count **out, size_t *n, nz_err *err),                                        \
	   (s, arena, kind, since_hour, limit, out, n, err))
/* ---- transfer: every table row by row, for backup, restore and migrate (transfer.c) ---- */
/* t is an entry of nz_store_transfer_tables() (so SQL names only the list's tables and the
 * columns the backend itself reported); a load runs between transfer_load and transfer_end */
#define NZ__STORE_TRANSFER(OP)                                                                     \
	OP(READ, PASS, transfer_catalog,                                                           \
	   (nz_store *s, nz_arena *arena, const char ***names, size_t *n, nz_err *err),            \
	   (s, arena, names, n, err))                                                              \
	OP(READ, OWN, transfer_columns,                                                            \
	   (nz_store *s, nz_arena *arena, const nz_transfer_table *t, const char ***cols,          \
	    size_t *n, nz_err *err),                                                               \
	   (s, arena, t, cols, n, err))                                                            \
	OP(READ, OWN, transfer_count,                                                              \
	   (nz_store *s, const nz_transfer_table *t, int64_t *n, nz_err *err),                     \
	   (s, t, n, err))                                                                         \
	/* cols from transfer_columns; after: the key columns' values (NULL: from the start);     \
	 * max >= 1; rows are n * ncols values in arena */                                         \
	OP(READ, OWN, transfer_read,                                                               \
	   (nz_store *s, nz_arena *arena, const nz_transfer_table *t, const char *const *cols,     \
	    size_t ncols, const nz_value *after, size_t max, nz_value **rows, size_t *n,           \
	    nz_err *err),                                                                          \
	   (s, arena, t, cols, ncols, after, max, rows, n, err))                                   \
	/* inside a load; cols checked to be plain names; rows are n * ncols values */             \
	OP(WRITE, OWN, transfer_write,                                                             \
	   (nz_store *s, const nz_transfer_table *t, const char *const *cols, size_t ncols,        \
	    const nz_value *rows, size_t n, nz_err *err),                                          \
	   (s, t, cols, ncols, rows, n, err))                                                      \
	/* inside a load: removes the rows the schema seeded (t->seeded) */                        \
	OP(WRITE, OWN, transfer_clear,                                                             \
	   (nz_store *s, const nz_transfer_table *t, nz_err *err),                                 \
	   (s, t, err))                                                                            \
	/* one read snapshot over every table until transfer_end */                                \
	OP(READ, PASS, transfer_snapshot, (nz_store *s, nz_err *err), (s, err))                    \
	/* the load's one write transaction, with what rows copied verbatim must not set off       \
	 * (triggers) switched off until transfer_end */                                           \
	OP(WRITE, OWN, transfer_load, (nz_store *s, nz_err *err), (s, err))                        \
	/* ends a snapshot, or a load: commit makes what the copy left out (the search index,     \
	 * sequences, triggers) and commits; else everything is rolled back */                    \
	OP(READ, PASS, transfer_end, (nz_store *s, bool commit, nz_err *err), (s, commit, err))

/* clang-format on */

/* Every operation, aggregate by aggregate. */
#define NZ__STORE_OPS(OP)                                                                          \
	NZ__STORE_SETTINGS(OP)                                                                     \
	NZ__STORE_CATALOG(OP)                                                                      \
	NZ__STORE_ARTICLES(OP)                                                                     \
	NZ__STORE_MEDIA(OP)                                                                        \
	NZ__STORE_ACCOUNTS(OP)                                                                     \
	NZ__STORE_AUDIT(OP)                                                                        \
	NZ__STORE_OUTBOX(OP)                                                                       \
	NZ__STORE_SEARCH(OP)                                                                       \
	NZ__STORE_BULK(OP)                                                                         \
	NZ__STORE_NODES(OP)                                                                        \
	NZ__STORE_PAGES(OP)                                                                        \
	NZ__STORE_LIVE(OP)                                                                         \
	NZ__STORE_FRONT(OP)                                                                        \
	NZ__STORE_TRANSFER(OP)

#endif
