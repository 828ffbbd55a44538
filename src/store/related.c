/*
 * related.c: related articles as data, the backend-neutral part (store.h, "related articles as
 * data"; operators' view in docs/related.md). nz_store_related (search.c, each backend's
 * search_related.c) computes an article's list; this file stores its result, reads it back
 * checked, and keeps the lists current in bulk passes.
 *
 * Rules: the stored list is always nz_store_related's result for the article's basis (its
 * revision); a reader that finds it missing or stale computes it again (never shows worse
 * than the live computation), and the public-ness of its articles is decided at read time, so a
 * retraction leaves every list at once. It never speaks SQL.
 */
#include <stdlib.h>
#include <string.h>

#include "store/store_int.h"

#define RELATED_MAX 10
#define PROGRESS_EVERY 500

nz_rc nz_store_related_stored(nz_store *s, nz_arena *arena, int64_t article_id, int64_t basis,
			      nz_time now, size_t max, nz_article_list *out,
			      nz_related_state *state, nz_err *err)
{
	memset(out, 0, sizeof(*out));
	*state = NZ_RELATED_NONE;
	if (article_id <= 0)
		return nz_err_set(err, NZ_INVAL, "related articles: no article");
	if (max == 0)
		return NZ_OK;
	if (max > RELATED_MAX)
		max = RELATED_MAX;
	return nz__store_related_stored(s, arena, article_id, basis, now ? now : nz_time_now(), max,
					out, state, err);
}

nz_rc nz_store_related_set(nz_store *s, int64_t article_id, int64_t basis, const int64_t *ids,
			   size_t n, nz_err *err)
{
	if (article_id <= 0 || n > RELATED_MAX)
		return nz_err_set(err, NZ_INVAL, "related articles: bad list for article %lld",
				  (long long)article_id);
	for (size_t i = 0; i < n; i++)
		if (ids[i] <= 0 || ids[i] == article_id)
			return nz_err_set(err, NZ_INVAL,
					  "related articles: article %lld cannot list %lld",
					  (long long)article_id, (long long)ids[i]);
	return nz__store_related_set(s, article_id, basis, ids, n, err);
}

nz_rc nz_store_related_note_live(nz_store *s, nz_err *err)
{
	return nz__store_related_note_live(s, err);
}

nz_rc nz_store_related_refresh(nz_store *s, nz_arena *arena, const nz_article *a, nz_time now,
			       size_t max, nz_article_list *out, nz_err *err)
{
	nz_article_list local;
	nz_article_list *l = out ? out : &local;
	int64_t ids[RELATED_MAX];
	nz_rc rc = nz_store_related(s, arena, a, now, max, l, err);
	if (rc)
		return rc;
	for (size_t i = 0; i < l->n && i < RELATED_MAX; i++)
		ids[i] = l->items[i].id;
	return nz_store_related_set(s, a->id, a->revision, ids,
				    l->n < RELATED_MAX ? l->n : RELATED_MAX, err);
}

/* Whether the stored list of a is fresh (not pending itself). */
static nz_rc is_fresh(nz_store *s, nz_arena *arena, const nz_article *a, nz_time now, bool *fresh,
		      nz_err *err)
{
	nz_article_list l = {0};
	nz_related_state state = NZ_RELATED_NONE;
	nz_rc rc = nz_store_related_stored(s, arena, a->id, a->revision, now, 1, &l, &state, err);
	*fresh = state == NZ_RELATED_FRESH;
	return rc;
}

/* Recomputes and stores the list of article id; its new list's ids go to next[*n_next..]
 * (room for RELATED_MAX more) when next is not NULL. An article gone meanwhile is skipped, and
 * so is, for a neighbour, one whose list is pending: it was written after the pass read what
 * was pending, and storing its list here would hide it from the next pass, which computes it
 * and its own neighbours' lists (those computed before it was there). */
static nz_rc refresh_one(nz_store *s, int64_t id, nz_time now, size_t max, bool neighbour,
			 int64_t *next, size_t *n_next, nz_err *err)
{
	nz_article *a = NULL;
	int64_t ids[RELATED_MAX];
	size_t n = 0;
	bool fresh = true;
	nz_arena *arena = nz_arena_new();
	nz_rc rc = arena ? nz_store_article_by_id(s, arena, id, &a, err)
			 : nz_err_set(err, NZ_NOMEM, "related articles: out of memory");
	if (max > RELATED_MAX)
		max = RELATED_MAX;
	if (rc == NZ_NOTFOUND) {
		rc = NZ_OK;
		goto out;
	}
	/* the ids alone: what is stored, the same as nz_store_related_refresh's list */
	if (rc || (neighbour && (rc = is_fresh(s, arena, a, now, &fresh, err))) || !fresh ||
	    (rc = nz_store_related_ids(s, arena, a, now, max, ids, &n, err)) ||
	    (rc = nz_store_related_set(s, a->id, a->revision, ids, n, err)))
		goto out;
	for (size_t i = 0; next && i < n; i++)
		next[(*n_next)++] = ids[i];
out:
	nz_arena_free(arena);
	return rc;
}

static int by_id(const void *x, const void *y)
{
	int64_t a = *(const int64_t *)x, b = *(const int64_t *)y;
	return (a > b) - (a < b);
}

/* Whether id is in the ascending ids[0..n). */
static bool has_id(const int64_t *ids, size_t n, int64_t id)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (ids[mid] == id)
			return true;
		if (ids[mid] < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return false;
}

/* Refreshes the pending lists ids[0..n) and then, with neighbours, the lists of the articles in
 * them that were not among ids; *written gets how many pending lists were written. */
static nz_rc refresh_all(nz_store *s, nz_arena *keep, nz_time now, const int64_t *ids, size_t n,
			 bool neighbours, nz_store_progress_fn progress, void *ctx, size_t *written,
			 nz_err *err)
{
	int64_t *next = NULL;
	size_t n_next = 0;
	nz_rc rc = NZ_OK;
	*written = 0;
	if (n && neighbours && !(next = nz_arena_alloc(keep, n * RELATED_MAX * sizeof(*next))))
		return nz_err_set(err, NZ_NOMEM, "related articles: out of memory");
	if (progress)
		progress(ctx, 0, n);
	for (size_t i = 0; i < n && !rc; i++) {
		rc = refresh_one(s, ids[i], now, NZ_STORE_RELATED_COUNT, false, next, &n_next, err);
		(*written)++;
		if (progress && (*written % PROGRESS_EVERY == 0 || *written == n))
			progress(ctx, *written, n);
	}
	/* The lists that may now include what changed: those of its new neighbours, once each. */
	if (next && n_next)
		qsort(next, n_next, sizeof(*next), by_id);
	for (size_t i = 0; next && i < n_next && !rc; i++) {
		if ((i && next[i] == next[i - 1]) || has_id(ids, n, next[i]))
			continue;
		rc = refresh_one(s, next[i], now, NZ_STORE_RELATED_COUNT, true, NULL, NULL, err);
	}
	/* the pages that showed a list computed live are made again from the stored ones */
	if (!rc && *written)
		rc = nz_store_related_note_live(s, err);
	return rc;
}

nz_rc nz_store_related_build(nz_store *s, nz_time now, bool all, size_t limit,
			     nz_store_progress_fn progress, void *ctx, size_t *done, nz_err *err)
{
	nz_arena *keep = nz_arena_new();
	int64_t *ids = NULL;
	size_t n = 0, written = 0;
	nz_rc rc = NZ_OK;
	if (!now)
		now = nz_time_now();
	if (!keep) {
		rc = nz_err_set(err, NZ_NOMEM, "related articles: out of memory");
		goto out;
	}
	if ((rc = nz_store_related_pending(s, keep, now, all, &ids, &n, err)))
		goto out;
	if (limit && n > limit)
		n = limit;
	/* The neighbours are only wanted when some lists were there already (not a clean pass). */
	rc = refresh_all(s, keep, now, ids, n, !all, progress, ctx, &written, err);
out:
	if (done)
		*done = written;
	nz_arena_free(keep);
	return rc;
}

/* Whether article id is public at now with a pending list (missing or stale). */
static nz_rc is_pending(nz_store *s, int64_t id, nz_time now, bool *pending, nz_err *err)
{
	nz_article *a = NULL;
	bool fresh = true;
	nz_arena *arena = nz_arena_new();
	nz_rc rc = arena ? nz_store_article_by_id(s, arena, id, &a, err)
			 : nz_err_set(err, NZ_NOMEM, "related articles: out of memory");
	*pending = false;
	if (rc == NZ_NOTFOUND)
		rc = NZ_OK;
	else if (!rc && nz_article_is_public(a, now) &&
		 !(rc = is_fresh(s, arena, a, now, &fresh, err)))
		*pending = !fresh;
	nz_arena_free(arena);
	return rc;
}

nz_rc nz_store_related_build_ids(nz_store *s, nz_time now, const int64_t *ids, size_t n,
				 size_t *done, nz_err *err)
{
	nz_arena *keep = nz_arena_new();
	int64_t *todo = keep && n ? nz_arena_alloc(keep, n * sizeof(*todo)) : NULL;
	size_t n_todo = 0, written = 0;
	nz_rc rc = NZ_OK;
	if (!now)
		now = nz_time_now();
	if (!keep || (n && !todo)) {
		rc = nz_err_set(err, NZ_NOMEM, "related articles: out of memory");
		goto out;
	}
	if (n) {
		memcpy(todo, ids, n * sizeof(*todo));
		qsort(todo, n, sizeof(*todo), by_id);
	}
	for (size_t i = 0; i < n && !rc; i++) {
		int64_t id = todo[i];
		bool pending = false;
		if (id <= 0 || (n_todo && todo[n_todo - 1] == id) ||
		    (rc = is_pending(s, id, now, &pending, err)) || !pending)
			continue;
		todo[n_todo++] = id; /* n_todo <= i: nothing unread is overwritten */
	}
	if (!rc)
		rc = refresh_all(s, keep, now, todo, n_todo, true, NULL, NULL, &written, err);
out:
	if (done)
		*done = written;
	nz_arena_free(keep);
	return rc;
}
