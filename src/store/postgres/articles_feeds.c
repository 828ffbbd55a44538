/*
 * articles_feeds.c: the PostgreSQL queries behind feeds, sitemaps and exports
 * (sqlite/articles_feeds.c's twin): light listings of public articles (no bodies), an
 * article's translations, the chunks a sitemap index names, and the newest corrections across
 * the site.
 *
 * Public means what nz_article_is_public() means, plus a publication time that has come:
 * status published (or retracted, when asked for), embargo passed, published_at <= now.
 * Parameters: $1 is always now, $2 whether retracted articles count (0/1).
 */
#include <stdio.h>

#include "store/postgres/postgres_int.h"

/* The columns of a light article, then its translation key (see LIGHT_TR). */
#define LIGHT_COLS                                                                                 \
	"a.id, a.uuid, a.slug, a.language, a.status, a.headline, a.published_at, a.updated_at"

/* Public at $1; retracted articles only when $2 is 1. */
#define PUBLIC_WHERE(t)                                                                            \
	"(" t ".status = 'published' OR ($2::int = 1 AND " t ".status = 'retracted'))"             \
	" AND (" t ".embargo_until IS NULL OR " t ".embargo_until <= $1)"                          \
	" AND " t ".published_at IS NOT NULL AND " t ".published_at <= $1"

/* Readers see a translation only when it is published (never a retraction notice). */
#define TRANSLATION_PUBLIC(t)                                                                      \
	t ".status = 'published' AND (" t ".embargo_until IS NULL OR " t                           \
	  ".embargo_until <= $1) AND " t ".published_at IS NOT NULL AND " t ".published_at <= $1"

/* The translation group's key when another article of the group is public, else 0. */
#define LIGHT_TR                                                                                   \
	"CASE WHEN EXISTS (SELECT 1 FROM articles b WHERE b.translation_group = "                  \
	"COALESCE(a.translation_group, a.id) AND b.id <> a.id AND " TRANSLATION_PUBLIC(            \
	    "b") ")"                                                                               \
		 " OR EXISTS (SELECT 1 FROM articles b WHERE b.id = a.translation_group "          \
		 "AND " TRANSLATION_PUBLIC(                                                        \
		     "b") ") THEN COALESCE(a.translation_group, a.id) ELSE 0 END"

static const nz__pg_sql q_refs_by_id = {
    "SELECT " LIGHT_COLS ", " LIGHT_TR " FROM articles a WHERE " PUBLIC_WHERE(
	"a") " AND a.published_at >= $3 AND a.id > $4 ORDER BY a.id LIMIT $5 OFFSET $6"};

static const nz__pg_sql q_refs_newest = {
    "SELECT " LIGHT_COLS ", " LIGHT_TR " FROM articles a WHERE " PUBLIC_WHERE(
	"a") " AND a.published_at >= $3 AND $4::bigint IS NOT NULL "
	     "ORDER BY a.published_at DESC, a.id DESC LIMIT $5 OFFSET $6"};

/* $2 is unused by the translation test but kept so $1 means now everywhere. */
static const nz__pg_sql q_translations = {
    "SELECT " LIGHT_COLS ", $3::bigint FROM articles a WHERE $2::int IS NOT NULL AND "
    "a.id <> $4 AND (a.translation_group = $3 OR a.id = $3) AND " TRANSLATION_PUBLIC(
	"a") " ORDER BY a.language, a.id"};

static const nz__pg_sql q_chunks = {
    "SELECT (a.id - 1) / $3 + 1 AS chunk, max(GREATEST(COALESCE(a.updated_at, 0), "
    "a.published_at)) FROM articles a WHERE " PUBLIC_WHERE("a") " GROUP BY chunk ORDER BY chunk"};

static const nz__pg_sql q_corrections = {
    "SELECT " LIGHT_COLS ", 0, c.id, c.created_at, c.text FROM corrections c "
    "JOIN articles a ON a.id = c.article_id WHERE " PUBLIC_WHERE(
	"a") " AND c.created_at <= $1 ORDER BY c.created_at DESC, c.id DESC LIMIT $3"};

/* Fills a light article from row r (LIGHT_COLS then the translation key). */
static nz_rc light_row(nz_arena *arena, const PGresult *res, int r, void *item)
{
	nz_article *a = item;
	const char *uuid = NULL, *status = NULL;
	a->id = nz__pg_col_int(res, r, 0);
	a->published_at = nz__pg_col_int(res, r, 6);
	a->updated_at = nz__pg_col_int(res, r, 7);
	a->translation_group = nz__pg_col_int(res, r, 8);
	if (nz__pg_col_text(arena, res, r, 1, &uuid) ||
	    nz__pg_col_text(arena, res, r, 2, &a->slug) ||
	    nz__pg_col_text(arena, res, r, 3, &a->language) ||
	    nz__pg_col_text(arena, res, r, 4, &status) ||
	    nz__pg_col_text(arena, res, r, 5, &a->headline))
		return NZ_NOMEM;
	snprintf(a->uuid, sizeof a->uuid, "%s", uuid ? uuid : "");
	if (!status || nz_status_parse(nz_str_c(status), &a->status) != NZ_OK)
		a->status = NZ_STATUS_DRAFT; /* never public; the WHERE clauses keep these out */
	return NZ_OK;
}

/* The parameters every query starts with: $1 now, $2 with retracted. */
static void public_params(nz__pg_params *p, nz_time now, bool with_retracted)
{
	nz__pg_int64(p, now);
	nz__pg_int64(p, with_retracted ? 1 : 0);
}

nz_rc nz__pg_article_refs(nz_store *s, nz_arena *arena, const nz_article_ref_query *q,
			  nz_article **out, size_t *n, nz_err *err)
{
	nz__pg_params p = {0};
	public_params(&p, q->now, q->with_retracted);
	nz__pg_int64(&p, q->since);
	nz__pg_int64(&p, q->after_id);
	nz__pg_int64(&p, (int64_t)q->limit);
	nz__pg_int64(&p, (int64_t)q->offset);
	return nz__pg_collect(nz__pg_h(s), q->newest_first ? &q_refs_newest : &q_refs_by_id, &p,
			      "article listing", sizeof(nz_article), light_row, arena, (void **)out,
			      n, err);
}

nz_rc nz__pg_article_translations(nz_store *s, nz_arena *arena, const nz_article *a, nz_time now,
				  nz_article **out, size_t *n, nz_err *err)
{
	nz__pg_params p = {0};
	public_params(&p, now, false);
	nz__pg_int64(&p, a->translation_group ? a->translation_group : a->id);
	nz__pg_int64(&p, a->id);
	return nz__pg_collect(nz__pg_h(s), &q_translations, &p, "translations", sizeof(nz_article),
			      light_row, arena, (void **)out, n, err);
}

static nz_rc chunk_row(nz_arena *arena, const PGresult *res, int r, void *item)
{
	(void)arena;
	nz_article_chunk *c = item;
	c->number = nz__pg_col_int(res, r, 0);
	c->lastmod = nz__pg_col_int(res, r, 1);
	return NZ_OK;
}

nz_rc nz__pg_article_chunks(nz_store *s, nz_arena *arena, nz_time now, size_t per_chunk,
			    nz_article_chunk **out, size_t *n, nz_err *err)
{
	nz__pg_params p = {0};
	public_params(&p, now, true);
	nz__pg_int64(&p, (int64_t)per_chunk);
	return nz__pg_collect(nz__pg_h(s), &q_chunks, &p, "sitemap chunks",
			      sizeof(nz_article_chunk), chunk_row, arena, (void **)out, n, err);
}

/* A light article carrying one correction (columns 9..11). */
static nz_rc correction_row(nz_arena *arena, const PGresult *res, int r, void *item)
{
	nz_correction *c;
	if (light_row(arena, res, r, item) || !(c = nz__store_one_correction(arena, item)))
		return NZ_NOMEM;
	c->id = nz__pg_col_int(res, r, 9);
	c->created_at = nz__pg_col_int(res, r, 10);
	return nz__pg_col_text(arena, res, r, 11, &c->text) ? NZ_NOMEM : NZ_OK;
}

nz_rc nz__pg_corrections_recent(nz_store *s, nz_arena *arena, nz_time now, size_t limit,
				nz_article **out, size_t *n, nz_err *err)
{
	nz__pg_params p = {0};
	public_params(&p, now, true);
	nz__pg_int64(&p, (int64_t)limit);
	return nz__pg_collect(nz__pg_h(s), &q_corrections, &p, "corrections", sizeof(nz_article),
			      correction_row, arena, (void **)out, n, err);
}
