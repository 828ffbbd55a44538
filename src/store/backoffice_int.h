/*
 * store/backoffice_int.h: the back office's part of the backend table. nz__store_ops
 * points at one of these (ops->bo), so the back office adds one line to the shared table.
 *
 * store/backoffice.c is the backend-neutral front (read-only gating, argument checks, defaults);
 * a backend does the SQL. Each function has the contract of its nz_store_* twin in store.h,
 * with arguments already checked by the front.
 */
#ifndef NZ_STORE_BACKOFFICE_INT_H
#define NZ_STORE_BACKOFFICE_INT_H

#include "store/store_int.h"

typedef struct nz__bo_ops {
	nz_rc (*setting_get)(nz_store *s, nz_arena *arena, const char *key, const char **value,
			     nz_err *err);
	nz_rc (*setting_ensure)(nz_store *s, nz_arena *arena, const char *key, const char *value,
				const char **stored, nz_err *err);

	nz_rc (*user_create)(nz_store *s, int64_t actor, nz_user *u, const char *password_hash,
			     nz_err *err);
	nz_rc (*user_get)(nz_store *s, nz_arena *arena, int64_t id, nz_user **out, nz_err *err);
	nz_rc (*user_by_login)(nz_store *s, nz_arena *arena, const char *login, nz_user **out,
			       const char **password_hash, nz_err *err);
	nz_rc (*user_list)(nz_store *s, nz_arena *arena, nz_user **out, size_t *n, nz_err *err);
	nz_rc (*user_set_role)(nz_store *s, int64_t actor, int64_t user_id, nz_role role,
			       nz_err *err);
	nz_rc (*user_set_password)(nz_store *s, int64_t actor, int64_t user_id,
				   const char *password_hash, nz_err *err);
	nz_rc (*user_set_disabled)(nz_store *s, int64_t actor, int64_t user_id, bool disabled,
				   nz_err *err);

	nz_rc (*session_create)(nz_store *s, const char *id_hash, int64_t user_id,
				nz_time expires_at, const char *address, nz_err *err);
	nz_rc (*session_user)(nz_store *s, nz_arena *arena, const char *id_hash, nz_time now,
			      nz_user **out, nz_time *expires_at, nz_err *err);
	nz_rc (*session_delete)(nz_store *s, const char *id_hash, nz_err *err);
	nz_rc (*login_failures)(nz_store *s, const char *login, const char *address, nz_time since,
				int *by_login, int *by_address, nz_err *err);
	nz_rc (*login_failed)(nz_store *s, const char *login, const char *address, int64_t user_id,
			      nz_err *err);

	nz_rc (*token_create)(nz_store *s, int64_t actor, int64_t user_id, const char *token_hash,
			      const char *name, int64_t *id, nz_err *err);
	nz_rc (*token_user)(nz_store *s, nz_arena *arena, const char *token_hash, nz_time now,
			    nz_user **out, int64_t *token_id, nz_err *err);
	nz_rc (*token_revoke)(nz_store *s, int64_t actor, int64_t token_id, nz_err *err);
	nz_rc (*token_find)(nz_store *s, const char *token_hash, int64_t *token_id, nz_err *err);
	nz_rc (*token_list)(nz_store *s, nz_arena *arena, int64_t user_id, nz_api_token **out,
			    size_t *n, nz_err *err);

	/* a is validated and defaulted by the front (as for article_create). */
	nz_rc (*article_create_by)(nz_store *s, nz_arena *arena, int64_t actor, nz_article *a,
				   const char *note, nz_err *err);
	/* a is validated and defaulted by the front. */
	nz_rc (*article_update)(nz_store *s, nz_arena *arena, int64_t actor, nz_article *a,
				int64_t base_revision, const char *note, nz_err *err);
	nz_rc (*article_transition)(nz_store *s, nz_arena *arena, int64_t actor, int64_t id,
				    nz_event ev, nz_time at, const char *text,
				    int64_t base_revision, nz_article **out, nz_err *err);
	nz_rc (*publish_due)(nz_store *s, nz_time now, size_t *n, nz_err *err);
	nz_rc (*next_scheduled)(nz_store *s, nz_time *at, nz_err *err);
	/* q normalised by the front: limit in 1..200. */
	nz_rc (*admin_article_list)(nz_store *s, nz_arena *arena, const nz_admin_query *q,
				    nz_article_list *out, nz_err *err);
	nz_rc (*article_link_translation)(nz_store *s, int64_t actor, int64_t id, int64_t other_id,
					  nz_err *err);
	nz_rc (*slug_redirect)(nz_store *s, nz_arena *arena, const char *old_slug,
			       const char **new_slug, nz_err *err);

	nz_rc (*revision_list)(nz_store *s, nz_arena *arena, int64_t article_id, nz_revision **out,
			       size_t *n, nz_err *err);
	nz_rc (*revision_get)(nz_store *s, nz_arena *arena, int64_t article_id, int64_t revision,
			      nz_revision **out, nz_err *err);

	/* m->hash set (hex SHA-256 of bytes) by the front. */
	nz_rc (*media_add)(nz_store *s, int64_t actor, nz_media *m, const void *bytes, size_t len,
			   nz_err *err);
	nz_rc (*media_get)(nz_store *s, nz_arena *arena, int64_t id, nz_media **out, nz_err *err);
	nz_rc (*media_list)(nz_store *s, nz_arena *arena, size_t limit, size_t offset,
			    nz_media **out, size_t *n, nz_err *err);

	nz_rc (*section_save)(nz_store *s, int64_t actor, nz_section *sec, nz_err *err);

	nz_rc (*audit_add)(nz_store *s, int64_t actor, const char *action, const char *object_type,
			   int64_t object_id, const char *detail, nz_err *err);
	/* q normalised by the front: limit in 1..500. */
	nz_rc (*audit_list)(nz_store *s, nz_arena *arena, const nz_audit_query *q,
			    nz_audit_entry **out, size_t *n, nz_err *err);
} nz__bo_ops;

/* ---- snapshot_parse.c -------------------------------------------------------------------- */

/* Reads a revision snapshot (what nz__store_snapshot wrote) back into *a, everything in arena.
 * NZ_PARSE when the JSON is not a snapshot. */
nz_rc nz__store_snapshot_parse(nz_arena *arena, const char *json, nz_article *a, nz_err *err);

#endif
