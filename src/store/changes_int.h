/*
 * store/changes_int.h: the change feed's part of the backend table. nz__store_ops
 * points at one of these (ops->changes), so the shared table gains one line.
 *
 * store/changes.c is the backend-neutral front (read-only gating, argument checks); a backend
 * does the SQL. Each function has the contract of its nz_store_* twin in store.h.
 */
#ifndef NZ_STORE_CHANGES_INT_H
#define NZ_STORE_CHANGES_INT_H

#include "store/store_int.h"

typedef struct nz__change_ops {
	nz_rc (*seq)(nz_store *s, int64_t *seq, nz_err *err);
	nz_rc (*since)(nz_store *s, nz_arena *arena, int64_t after_seq, int64_t *upto_seq,
		       const char ***keys, size_t *n_keys, nz_err *err);
	nz_rc (*tick)(nz_store *s, nz_time now, size_t *n, nz_err *err);
	nz_rc (*next_due)(nz_store *s, nz_time *at, nz_err *err);
	/* Deletes rows with at < older_than and rows with seq <= (newest - keep_rows), never the
	 * newest row. */
	nz_rc (*prune)(nz_store *s, nz_time older_than, int64_t keep_rows, size_t *n, nz_err *err);
} nz__change_ops;

#endif
