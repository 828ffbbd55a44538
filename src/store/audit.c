/*
 * audit.c: the backend-neutral front of the audit log (store.h, "audit log"): argument checks
 * and list limits before the backend's SQL. Rows for the store's own changes are written by the
 * backend inside the change's transaction; this is for callers that record something else.
 */
#include "store/store_int.h"

#define AUDIT_LIST_DEFAULT 100
#define AUDIT_LIST_MAX 500

nz_rc nz_store_audit_add(nz_store *s, int64_t actor, const char *action, const char *object_type,
			 int64_t object_id, const char *detail, nz_err *err)
{
	if (!action || !*action)
		return nz_err_set(err, NZ_INVAL, "audit: no action");
	return nz__store_audit_add(s, actor, action, object_type, object_id, detail, err);
}

nz_rc nz_store_audit_list(nz_store *s, nz_arena *arena, const nz_audit_query *q,
			  nz_audit_entry **out, size_t *n, nz_err *err)
{
	nz_audit_query norm = *q;
	*out = NULL;
	*n = 0;
	if (norm.limit == 0)
		norm.limit = AUDIT_LIST_DEFAULT;
	if (norm.limit > AUDIT_LIST_MAX)
		norm.limit = AUDIT_LIST_MAX;
	return nz__store_audit_list(s, arena, &norm, out, n, err);
}
