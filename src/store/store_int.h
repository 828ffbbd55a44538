/*
 * store internals: the backend table and what store.c shares with every backend.
 *
 * A backend (sqlite/, later postgres/) defines its own handle struct whose FIRST member is
 * `nz_store base`, fills an nz__store_ops table and returns &handle->base from its open
 * function. store.c only ever calls through s->ops, so no backend type leaks out of its folder.
 *
 * Division of labour: store.c does what is the same for every backend (read-only gating,
 * validating and defaulting an article before it is created, checking blob hashes); a backend
 * does the SQL, its transactions and its statement cache. snapshot.c turns an article into the
 * JSON kept in revisions and the highlights column, for every backend.
 */
#ifndef NZ_STORE_INT_H
#define NZ_STORE_INT_H

#include "store/store.h"

typedef struct nz__store_ops {
	const char *name; /* "sqlite" */
	void (*close)(nz_store *s);

	nz_rc (*begin)(nz_store *s, nz_err *err);
	nz_rc (*commit)(nz_store *s, nz_err *err);
	void (*rollback)(nz_store *s);

	nz_rc (*site_load)(nz_store *s, nz_arena *arena, nz_site *out, nz_err *err);
	nz_rc (*setting_set)(nz_store *s, const char *key, const char *value, nz_err *err);

	nz_rc (*section_ensure)(nz_store *s, nz_section *sec, nz_err *err);
	nz_rc (*author_ensure)(nz_store *s, nz_author *au, nz_err *err);
	nz_rc (*tag_ensure)(nz_store *s, nz_tag *tag, nz_err *err);
	nz_rc (*section_get)(nz_store *s, nz_arena *arena, const char *slug, nz_section **out,
			     nz_err *err);
	nz_rc (*author_get)(nz_store *s, nz_arena *arena, const char *slug, nz_author **out,
			    nz_err *err);
	nz_rc (*tag_get)(nz_store *s, nz_arena *arena, const char *slug, nz_tag **out, nz_err *err);
	nz_rc (*section_list)(nz_store *s, nz_arena *arena, nz_section **out, size_t *n,
			      nz_err *err);
	nz_rc (*author_list)(nz_store *s, nz_arena *arena, nz_author **out, size_t *n, nz_err *err);

	/* Called with an article already validated and defaulted by store.c (uuid, times, slug,
	 * language and author display names set). */
	nz_rc (*article_create)(nz_store *s, nz_arena *arena, nz_article *a, const char *note,
				nz_err *err);
	nz_rc (*article_by_slug)(nz_store *s, nz_arena *arena, const char *slug, nz_article **out,
				 nz_err *err);
	nz_rc (*article_by_id)(nz_store *s, nz_arena *arena, int64_t id, nz_article **out,
			       nz_err *err);
	/* q is normalised by store.c: limit in 1..200. */
	nz_rc (*article_list)(nz_store *s, nz_arena *arena, const nz_article_query *q,
			      nz_article_list *out, nz_err *err);

	nz_rc (*import_find)(nz_store *s, const char *sha256_hex, int64_t *article_id, nz_err *err);
	/* sha256_hex is computed by store.c. */
	nz_rc (*import_add)(nz_store *s, int64_t article_id, const char *filename,
			    const char *sha256_hex, const void *bytes, size_t len, nz_err *err);
	nz_rc (*import_get)(nz_store *s, nz_arena *arena, int64_t article_id, const void **bytes,
			    size_t *len, const char **filename, nz_err *err);

	/* The hash is checked against the bytes by store.c. */
	nz_rc (*blob_put)(nz_store *s, const char *sha256_hex, const char *mime, const void *bytes,
			  size_t len, nz_err *err);
	nz_rc (*blob_get)(nz_store *s, nz_arena *arena, const char *sha256_hex, const void **bytes,
			  size_t *len, const char **mime, nz_err *err);

	/* ---- back office: users, sessions, tokens, revisions, workflow, media, audit
	 * ---- */
	const struct nz__bo_ops *bo; /* its own table: store/backoffice_int.h */

	/* ---- search: the full-text index ---- */
	const struct nz__search_ops *search; /* its own table: store/search_int.h */

	/* ---- distribution: webhooks, purge hook ---- */

	/* outputs: feeds, sitemaps, export (arguments normalised by store/distribution.c) */
	nz_rc (*article_refs)(nz_store *s, nz_arena *arena, const nz_article_ref_query *q,
			      nz_article **out, size_t *n, nz_err *err);
	nz_rc (*article_translations)(nz_store *s, nz_arena *arena, const nz_article *a,
				      nz_time now, nz_article **out, size_t *n, nz_err *err);
	nz_rc (*article_chunks)(nz_store *s, nz_arena *arena, nz_time now, size_t per_chunk,
				nz_time **lastmod, size_t *n, nz_err *err);
	nz_rc (*corrections_recent)(nz_store *s, nz_arena *arena, nz_time now, size_t limit,
				    nz_article **out, size_t *n, nz_err *err);
	nz_rc (*blob_size)(nz_store *s, const char *sha256_hex, int64_t *size, nz_err *err);
	/* webhooks and the purge hook: their own table (store/webhooks_int.h) */
	const struct nz__hook_ops *hooks;

	/* ---- speed: the change feed: its own table (store/changes_int.h) ---- */
	const struct nz__change_ops *changes;
	nz_rc (*article_keys)(nz_store *s, nz_arena *arena, const nz_article_query *q,
			      nz_article_key **keys, size_t *n, nz_err *err);
} nz__store_ops;

/* The base every backend handle starts with. */
struct nz_store {
	const nz__store_ops *ops;
	unsigned flags;     /* NZ_STORE_* given to nz_store_open */
	int schema_version; /* after migration */
	int64_t actor;      /* the user revisions are written for (0: none), set by
			     * backoffice.c around a call */
};

/* Backends. Each returns a handle whose first member is nz_store. */
nz_rc nz__sqlite_open(const char *path, unsigned flags, nz_store **out, nz_err *err);

/* store.c: fills slug, language, author display names and missing slugs. */
nz_rc nz__store_fill_names(nz_arena *arena, nz_article *a);
/* Defaults (nz__store_fill_names) and validation shared by every article create and save:
 * the article is valid and its authors, section and tags all have slugs. */
nz_rc nz__store_prepare_article(nz_arena *arena, nz_article *a, nz_err *err);

/* ---- snapshot.c ---------------------------------------------------------------------------- */

/* The full JSON snapshot of an article as kept in revisions: every field, times as RFC 3339
 * (null when unset), missing strings as null. *json is malloc'd; the caller frees it. */
nz_rc nz__store_snapshot(const nz_article *a, char **json, nz_err *err);
/* A JSON array of strings (for the highlights column): "[]" when n is 0. *json is malloc'd. */
nz_rc nz__store_json_strings(const char *const *v, size_t n, char **json, nz_err *err);
/* Parses what nz__store_json_strings wrote; the array and strings go into arena. */
nz_rc nz__store_json_strings_parse(nz_arena *arena, const char *json, const char ***v, size_t *n,
				   nz_err *err);

#endif
