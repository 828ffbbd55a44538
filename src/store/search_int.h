/*
 * store/search_int.h: the full-text search part of the backend table. A backend
 * points nz__store_ops.search at one of these; store/search.c calls through it after checking
 * and normalising the arguments.
 */
#ifndef NZ_STORE_SEARCH_INT_H
#define NZ_STORE_SEARCH_INT_H

#include "store/store_int.h"

#define NZ_SEARCH_LIMIT_DEFAULT 20
#define NZ_SEARCH_LIMIT_MAX 100
#define NZ_SEARCH_OFFSET_MAX NZ_SEARCH_WINDOW
#define NZ_RELATED_MAX 10

struct nz__search_ops {
	/* q normalised: limit in 1..100, offset <= NZ_SEARCH_WINDOW, query with terms to include.
	 */
	nz_rc (*search)(nz_store *s, nz_arena *arena, const nz_article_search *q,
			nz_search_results *out, nz_err *err);
	/* max in 1..10. */
	nz_rc (*related)(nz_store *s, nz_arena *arena, const nz_article *a, nz_time now, size_t max,
			 nz_article_list *out, nz_err *err);
	/* Called on a writable handle only. */
	nz_rc (*rebuild)(nz_store *s, nz_store_progress_fn progress, void *ctx, nz_err *err);
};

#endif
