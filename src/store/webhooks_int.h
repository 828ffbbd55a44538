/*
 * store/webhooks_int.h: the webhooks' part of the backend table. nz__store_ops points
 * at one of these (ops->hooks), so the shared table gains one line.
 *
 * store/webhooks.c is the backend-neutral front (read-only gating, argument checks, secrets); a
 * backend does the SQL. Each function has the contract of its nz_store_* twin in store.h, with
 * arguments already checked.
 */
#ifndef NZ_STORE_WEBHOOKS_INT_H
#define NZ_STORE_WEBHOOKS_INT_H

#include "store/store_int.h"

typedef struct nz__hook_ops {
	nz_rc (*webhook_create)(nz_store *s, nz_webhook *hook, nz_err *err);
	nz_rc (*webhook_list)(nz_store *s, nz_arena *arena, int64_t id, nz_webhook **out, size_t *n,
			      nz_err *err); /* id 0: all */
	nz_rc (*webhook_delete)(nz_store *s, int64_t id, nz_err *err);
	nz_rc (*delivery_list)(nz_store *s, nz_arena *arena, const nz_delivery_query *q,
			       nz_delivery **out, size_t *n, nz_err *err);
	nz_rc (*delivery_claim)(nz_store *s, nz_arena *arena, int64_t now_ms, int64_t lease_ms,
				size_t max, nz_delivery **out, size_t *n, nz_err *err);
	nz_rc (*delivery_set_payload)(nz_store *s, int64_t id, const char *payload, nz_err *err);
	nz_rc (*delivery_postpone)(nz_store *s, int64_t id, int64_t next_attempt_ms, nz_err *err);
	nz_rc (*delivery_record)(nz_store *s, const nz_delivery_result *r, nz_err *err);
	nz_rc (*delivery_next_due)(nz_store *s, int64_t *next_ms, nz_err *err);
	nz_rc (*delivery_config)(nz_store *s, nz_arena *arena, nz_delivery_config *out,
				 nz_err *err);
} nz__hook_ops;

#endif
