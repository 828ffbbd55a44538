/*
 * store/changes: the backend-neutral front of the change feed (store.h, "speed"):
 * output pointers set before anything can fail, writes refused on a read-only handle, then the
 * backend's SQL (sqlite/changes.c). The feed itself is written by triggers (schema.c,
 * migration 5), never by callers.
 */
#include "store/changes_int.h"

nz_rc nz_store_change_seq(nz_store *s, int64_t *seq, nz_err *err)
{
	*seq = 0;
	return s->ops->changes->seq(s, seq, err);
}

nz_rc nz_store_changes_since(nz_store *s, nz_arena *arena, int64_t after_seq, int64_t *upto_seq,
			     const char ***keys, size_t *n_keys, nz_err *err)
{
	*upto_seq = after_seq;
	*keys = NULL;
	*n_keys = 0;
	if (after_seq < 0)
		return nz_err_set(err, NZ_INVAL, "changes: a seq is never negative");
	return s->ops->changes->since(s, arena, after_seq, upto_seq, keys, n_keys, err);
}

nz_rc nz_store_change_tick(nz_store *s, nz_time now, size_t *n, nz_err *err)
{
	size_t ignored;
	if (!n)
		n = &ignored;
	*n = 0;
	if (s->flags & NZ_STORE_READONLY)
		return NZ_OK; /* a reader cannot tell anyone; the next writer's tick will */
	return s->ops->changes->tick(s, now, n, err);
}

nz_rc nz_store_change_next_due(nz_store *s, nz_time *at, nz_err *err)
{
	*at = 0;
	return s->ops->changes->next_due(s, at, err);
}

nz_rc nz_store_changes_prune(nz_store *s, nz_time now, size_t *n, nz_err *err)
{
	size_t ignored;
	if (!n)
		n = &ignored;
	*n = 0;
	if (s->flags & NZ_STORE_READONLY)
		return nz_err_set(err, NZ_PERM, "database: opened read-only");
	return s->ops->changes->prune(s, now - (nz_time)NZ_CHANGES_KEEP_DAYS * 86400,
				      NZ_CHANGES_KEEP_ROWS, n, err);
}
