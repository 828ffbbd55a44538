/*
 * search_public.c: who a related list may show, as an array per language, for the bulk pass's
 * window (search_related.c, nz__sq_related_ids).
 *
 * The window's filter (search.c: published, embargo and publication time passed, the language)
 * costs a seek in the covering index articles_search_filter for every match FTS5 yields, and
 * was about a quarter of a list's time. A public set holds, for every article id of one
 * language, its publication time when it is published and its embargo's end, so the test is
 * two array reads: nz_public_at(rowid, set, now) answers the publication time when the article
 * is public at now, else NULL, exactly as the filter decides. Public-ness at now is decided at
 * query time, so a set holds for any now; it is made again when an article changed (the
 * related cache that keeps it empties itself then, search_related.c).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "store/sqlite/sqlite_int.h"

#define SET_TYPE "nz_public_set" /* sqlite3_bind_pointer's type tag */
#define NONE INT64_MIN           /* not published (published_at), no embargo (embargo) */

struct nz__public_set {
	char language[NZ__PUBLIC_LANGUAGE_MAX + 1];
	int64_t max_id;
	int64_t *published_at; /* [max_id + 1]: NONE unless published in the language */
	int64_t *embargo;      /* [max_id + 1] */
};

void nz__sq_public_set_free(nz__public_set *s)
{
	if (!s)
		return;
	free(s->published_at);
	free(s->embargo);
	free(s);
}

const char *nz__sq_public_set_language(const nz__public_set *s)
{
	return s->language;
}

/* Reads the articles of s's language into its arrays (allocated for max_id). */
static bool set_fill(nz__sqlite *h, nz__public_set *s)
{
	sqlite3_stmt *st = NULL;
	int src = sqlite3_prepare_v2(
	    h->db,
	    "SELECT id, status = 'published', published_at, embargo_until"
	    " FROM articles INDEXED BY articles_search_filter WHERE language = ?1 AND id <= ?2",
	    -1, &st, NULL);
	if (src == SQLITE_OK)
		src = sqlite3_bind_text(st, 1, s->language, -1, SQLITE_STATIC);
	if (src == SQLITE_OK)
		src = sqlite3_bind_int64(st, 2, s->max_id);
	while (src == SQLITE_OK && (src = sqlite3_step(st)) == SQLITE_ROW) {
		int64_t id = sqlite3_column_int64(st, 0);
		if (id < 0)
			continue;
		if (sqlite3_column_int(st, 1) && sqlite3_column_type(st, 2) != SQLITE_NULL)
			s->published_at[id] = sqlite3_column_int64(st, 2);
		if (sqlite3_column_type(st, 3) != SQLITE_NULL)
			s->embargo[id] = sqlite3_column_int64(st, 3);
		src = SQLITE_OK;
	}
	sqlite3_finalize(st);
	return src == SQLITE_DONE;
}

nz__public_set *nz__sq_public_set_make(nz__sqlite *h, const char *language)
{
	sqlite3_stmt *st = NULL;
	nz__public_set *s = NULL;
	int64_t max_id = -1;
	if (!language || strlen(language) > NZ__PUBLIC_LANGUAGE_MAX)
		return NULL;
	if (sqlite3_prepare_v2(h->db, "SELECT COALESCE(max(id), 0) FROM articles", -1, &st, NULL) ==
		SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW)
		max_id = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	if (max_id < 0 || (uint64_t)max_id >= SIZE_MAX / sizeof(int64_t) ||
	    !(s = calloc(1, sizeof *s)))
		return NULL;
	strcpy(s->language, language);
	s->max_id = max_id;
	s->published_at = malloc(((size_t)max_id + 1) * sizeof(int64_t));
	s->embargo = malloc(((size_t)max_id + 1) * sizeof(int64_t));
	if (s->published_at && s->embargo) {
		for (int64_t i = 0; i <= max_id; i++)
			s->published_at[i] = s->embargo[i] = NONE;
		if (set_fill(h, s))
			return s;
	}
	nz__sq_public_set_free(s);
	return NULL;
}

int nz__sq_bind_public_set(sqlite3_stmt *st, const nz__public_set *s)
{
	int i = sqlite3_bind_parameter_index(st, ":public_set");
	return i ? sqlite3_bind_pointer(st, i, (void *)s, SET_TYPE, NULL) : SQLITE_MISUSE;
}

/* nz_public_at(id, set, now): id's publication time when it is public at now in the set's
 * language (search.c's filter: published, published_at <= now, no embargo or ended), else NULL.
 * Without a set (or an id it does not know) an error: the caller never guesses. */
static void public_at_fn(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	(void)argc;
	const nz__public_set *s = sqlite3_value_pointer(argv[1], SET_TYPE);
	int64_t id = sqlite3_value_int64(argv[0]), now = sqlite3_value_int64(argv[2]);
	if (!s || id < 0 || id > s->max_id) {
		sqlite3_result_error(ctx, "nz_public_at: an article the set does not know", -1);
		return;
	}
	int64_t at = s->published_at[id], until = s->embargo[id];
	if (at != NONE && at <= now && (until == NONE || until <= now))
		sqlite3_result_int64(ctx, at);
	else
		sqlite3_result_null(ctx);
}

int nz__sq_public_at_register(sqlite3 *db)
{
	return sqlite3_create_function(db, "nz_public_at", 3, SQLITE_UTF8 | SQLITE_INNOCUOUS, NULL,
				       public_at_fn, NULL, NULL);
}
