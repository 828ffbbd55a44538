/*
 * articles_feeds.c: the SQLite queries behind feeds, sitemaps and exports: light listings of
 * public articles (no bodies, so a sitemap of 100,000 articles is read in pages of a few
 * hundred bytes per row), an article's translations, the chunks a sitemap index names, the
 * newest corrections across the site, and a blob's size for RSS enclosures.
 *
 * Public means what nz_article_is_public() means, plus a publication time that has come:
 * status published (or retracted, when asked for), embargo passed, published_at <= now.
 *
 * These run on every article page (translations) and every feed and sitemap, so each statement
 * is prepared once per handle and kept (slots NZ__SLOT_FEEDS.. of the cache, preparing the
 * translations query cost more than a third of an article page's own work); values are always
 * bound, and a statement is reset before it is left.
 */
#include <stdio.h>
#include <string.h>

#include "store/sqlite/sqlite_int.h"

/* The columns of a light article, then its translation key (see LIGHT_TR). */
#define LIGHT_COLS                                                                                 \
	"a.id, a.uuid, a.slug, a.language, a.status, a.headline, a.published_at, a.updated_at"

/* Public at :now; retracted articles only when :with_retracted is 1. */
#define PUBLIC_WHERE(t)                                                                            \
	"(" t ".status = 'published' OR (:with_retracted AND " t ".status = 'retracted'))"         \
	" AND (" t ".embargo_until IS NULL OR " t ".embargo_until <= :now)"                        \
	" AND " t ".published_at IS NOT NULL AND " t ".published_at <= :now"

/* Readers see a translation only when it is published (never a retraction notice). */
/* "+status": never let the planner drive a translation lookup from the status index, which
 * would read every published article (110 ms a page at 100,000 articles, bench/RESULTS.md);
 * the group and primary-key indexes find the one to three rows directly. */
#define TRANSLATION_PUBLIC(t)                                                                      \
	"+" t ".status = 'published' AND (" t ".embargo_until IS NULL OR " t                       \
	".embargo_until <= :now) AND " t ".published_at IS NOT NULL AND " t                        \
	".published_at <= :now"

/* The translation group's key when another article of the group is public, else 0. Two
 * EXISTS, one per index (translation_group, then the primary key): an OR of the two in one
 * subquery would scan the whole table once per row. */
#define LIGHT_TR                                                                                   \
	"CASE WHEN EXISTS (SELECT 1 FROM articles b WHERE b.translation_group = "                  \
	"COALESCE(a.translation_group, a.id) AND b.id <> a.id AND " TRANSLATION_PUBLIC(            \
	    "b") ")"                                                                               \
		 " OR EXISTS (SELECT 1 FROM articles b WHERE b.id = a.translation_group "          \
		 "AND " TRANSLATION_PUBLIC(                                                        \
		     "b") ") THEN COALESCE(a.translation_group, a.id) ELSE 0 END"

/* "+a.status": walk the table in id order from :after and stop at :limit, rather than
 * gather every public row from the status index and sort them for each page (5x faster a page
 * at 10,000 articles; the sitemaps and the static export read every page). */
static const char sql_refs_by_id[] =
    "SELECT " LIGHT_COLS ", " LIGHT_TR " FROM articles a WHERE +" PUBLIC_WHERE(
	"a") " AND a.published_at >= :since AND a.id > :after ORDER BY a.id LIMIT :limit OFFSET "
	     ":offset";

/* The public index, walked from the newest and stopped at :limit: left to itself the planner
 * reads every published row through the status index and sorts them (18 ms for the empty
 * News sitemap, or for an empty feed's time, at 10,000 articles; well under 1 ms this way).
 * Its rows are the public ones (status published or retracted), which PUBLIC_WHERE narrows. */
static const char sql_refs_newest[] =
    "SELECT " LIGHT_COLS ", " LIGHT_TR " FROM articles a INDEXED BY articles_public"
    " WHERE a.status IN ('published', 'retracted') AND " PUBLIC_WHERE(
	"a") " AND a.published_at >= :since ORDER BY a.published_at DESC, a.id DESC LIMIT :limit "
	     "OFFSET :offset";

static const char sql_translations[] =
    "SELECT " LIGHT_COLS ", :group FROM articles a WHERE a.id <> :id AND "
    "(a.translation_group = :group OR a.id = :group) AND " TRANSLATION_PUBLIC(
	"a") " ORDER BY a.language, a.id";

/* Chunks by id range (store.h), without reading the table itself: each row carries its body,
 * so a pass over the rows read every page of the table (23 ms of CPU at 10,000 articles). The
 * public ids and publication times come from the search filter's index, in id order, and every
 * article's updated_at from articles_updated; both are small (about 1 ms each). */
static const char sql_chunk_public[] =
    "SELECT a.id, a.published_at FROM articles a INDEXED BY articles_search_filter "
    "WHERE " PUBLIC_WHERE("a") " ORDER BY a.id";
static const char sql_chunk_updated[] =
    "SELECT a.id, a.updated_at FROM articles a INDEXED BY articles_updated";

static const char sql_corrections[] =
    "SELECT " LIGHT_COLS ", 0, c.id, c.created_at, c.text FROM corrections c "
    "JOIN articles a ON a.id = c.article_id WHERE " PUBLIC_WHERE(
	"a") " AND c.created_at <= :now ORDER BY c.created_at DESC, c.id DESC LIMIT :limit";

/* The statement cache slots (from NZ__SLOT_FEEDS) of the queries above. */
enum {
	DIST_REFS_BY_ID,
	DIST_REFS_NEWEST,
	DIST_TRANSLATIONS,
	DIST_CHUNK_PUBLIC,
	DIST_CHUNK_UPDATED,
	DIST_CORRECTIONS,
	DIST_COUNT
};
_Static_assert(DIST_COUNT <= NZ__FEED_STMTS, "articles_feeds.c needs more statement slots");

/* The cached statement for slot id (prepared from sql the first time), reset and unbound. */
static nz_rc prepare(nz__sqlite *h, int id, const char *sql, sqlite3_stmt **st, nz_err *err)
{
	return nz__sq_cached(h, NZ__SLOT_FEEDS + id, sql, st, err);
}

/* Binds a named parameter when the statement has it. */
/* Fills a light article from the row (LIGHT_COLS then the translation key). */
static nz_rc light_row(nz_arena *arena, sqlite3_stmt *st, void *item)
{
	nz_article *a = item;
	const char *uuid = NULL, *status = NULL;
	a->id = sqlite3_column_int64(st, 0);
	a->published_at = sqlite3_column_int64(st, 6);
	a->updated_at = sqlite3_column_int64(st, 7);
	a->translation_group = sqlite3_column_int64(st, 8);
	if (nz__sq_col_text(arena, st, 1, &uuid) || nz__sq_col_text(arena, st, 2, &a->slug) ||
	    nz__sq_col_text(arena, st, 3, &a->language) || nz__sq_col_text(arena, st, 4, &status) ||
	    nz__sq_col_text(arena, st, 5, &a->headline))
		return NZ_NOMEM;
	snprintf(a->uuid, sizeof a->uuid, "%s", uuid ? uuid : "");
	if (!status || nz_status_parse(nz_str_c(status), &a->status) != NZ_OK)
		a->status = NZ_STATUS_DRAFT; /* never public; the WHERE clauses keep these out */
	return NZ_OK;
}

nz_rc nz__sq_article_refs(nz_store *s, nz_arena *arena, const nz_article_ref_query *q,
			  nz_article **out, size_t *n, nz_err *err)
{
	nz__sqlite *h = nz__sq(s);
	sqlite3_stmt *st = NULL;
	nz_rc rc = prepare(h, q->newest_first ? DIST_REFS_NEWEST : DIST_REFS_BY_ID,
			   q->newest_first ? sql_refs_newest : sql_refs_by_id, &st, err);
	if (rc)
		return rc;
	if (nz__sq_bind_named_int(st, ":now", q->now) ||
	    nz__sq_bind_named_int(st, ":with_retracted", q->with_retracted) ||
	    nz__sq_bind_named_int(st, ":since", q->since) ||
	    nz__sq_bind_named_int(st, ":after", q->after_id) ||
	    nz__sq_bind_named_int(st, ":limit", (int64_t)q->limit) ||
	    nz__sq_bind_named_int(st, ":offset", (int64_t)q->offset))
		rc = nz__sq_bind_error(h, "article listing", err);
	else
		rc = nz__sq_collect(h, st, "article listing", sizeof(nz_article), light_row, arena,
				    (void **)out, n, err);
	sqlite3_reset(st);
	return rc;
}

nz_rc nz__sq_article_translations(nz_store *s, nz_arena *arena, const nz_article *a, nz_time now,
				  nz_article **out, size_t *n, nz_err *err)
{
	nz__sqlite *h = nz__sq(s);
	sqlite3_stmt *st = NULL;
	int64_t group = a->translation_group ? a->translation_group : a->id;
	nz_rc rc = prepare(h, DIST_TRANSLATIONS, sql_translations, &st, err);
	if (rc)
		return rc;
	if (nz__sq_bind_named_int(st, ":now", now) || nz__sq_bind_named_int(st, ":group", group) ||
	    nz__sq_bind_named_int(st, ":id", a->id))
		rc = nz__sq_bind_error(h, "translations", err);
	else
		rc = nz__sq_collect(h, st, "translations", sizeof(nz_article), light_row, arena,
				    (void **)out, n, err);
	sqlite3_reset(st);
	return rc;
}

/* A public article's id and its newest time so far. */
typedef struct id_time {
	int64_t id;
	nz_time at;
} id_time;

static nz_rc id_time_row(nz_arena *arena, sqlite3_stmt *st, void *item)
{
	(void)arena;
	id_time *r = item;
	r->id = sqlite3_column_int64(st, 0);
	r->at = sqlite3_column_int64(st, 1);
	return NZ_OK;
}

/* Raises the time of the public article id in pub[0..n) (ascending ids) to at; others are
 * not public. */
static void raise_time(id_time *pub, size_t n, int64_t id, nz_time at)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (pub[mid].id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < n && pub[lo].id == id && at > pub[lo].at)
		pub[lo].at = at;
}

/* Groups pub[0..n) (ascending ids, their lastmod) into chunks of per ids, in arena. */
static nz_rc group_chunks(nz_arena *arena, const id_time *pub, size_t n, size_t per,
			  nz_article_chunk **out, size_t *n_out, nz_err *err)
{
	nz_article_chunk *c = n ? nz_arena_alloc(arena, n * sizeof *c) : NULL;
	size_t k = 0;
	if (n && !c)
		return nz_err_set(err, NZ_NOMEM, "sitemap chunks: out of memory");
	for (size_t i = 0; i < n; i++) {
		int64_t number = (pub[i].id - 1) / (int64_t)per + 1;
		if (k == 0 || c[k - 1].number != number)
			c[k++] = (nz_article_chunk){.number = number, .lastmod = pub[i].at};
		else if (pub[i].at > c[k - 1].lastmod)
			c[k - 1].lastmod = pub[i].at;
	}
	*out = c;
	*n_out = k;
	return NZ_OK;
}

nz_rc nz__sq_article_chunks(nz_store *s, nz_arena *arena, nz_time now, size_t per_chunk,
			    nz_article_chunk **out, size_t *n, nz_err *err)
{
	nz__sqlite *h = nz__sq(s);
	sqlite3_stmt *st = NULL;
	id_time *pub = NULL;
	size_t n_pub = 0;
	nz_rc rc = prepare(h, DIST_CHUNK_PUBLIC, sql_chunk_public, &st, err);
	if (rc)
		return rc;
	if (nz__sq_bind_named_int(st, ":now", now) ||
	    nz__sq_bind_named_int(st, ":with_retracted", 1))
		rc = nz__sq_bind_error(h, "sitemap chunks", err);
	else
		rc = nz__sq_collect(h, st, "sitemap chunks", sizeof(id_time), id_time_row, arena,
				    (void **)&pub, &n_pub, err);
	sqlite3_reset(st);
	if (!rc)
		rc = prepare(h, DIST_CHUNK_UPDATED, sql_chunk_updated, &st, err);
	for (bool row = !rc; !rc && row;) {
		rc = nz__sq_step(h, st, &row, "sitemap chunks", err);
		if (!rc && row)
			raise_time(pub, n_pub, sqlite3_column_int64(st, 0),
				   sqlite3_column_int64(st, 1));
	}
	if (st)
		sqlite3_reset(st);
	return rc ? rc : group_chunks(arena, pub, n_pub, per_chunk, out, n, err);
}

/* A light article carrying one correction (columns 9..11). */
static nz_rc correction_row(nz_arena *arena, sqlite3_stmt *st, void *item)
{
	nz_correction *c;
	if (light_row(arena, st, item) || !(c = nz__store_one_correction(arena, item)))
		return NZ_NOMEM;
	c->id = sqlite3_column_int64(st, 9);
	c->created_at = sqlite3_column_int64(st, 10);
	return nz__sq_col_text(arena, st, 11, &c->text) ? NZ_NOMEM : NZ_OK;
}

nz_rc nz__sq_corrections_recent(nz_store *s, nz_arena *arena, nz_time now, size_t limit,
				nz_article **out, size_t *n, nz_err *err)
{
	nz__sqlite *h = nz__sq(s);
	sqlite3_stmt *st = NULL;
	nz_rc rc = prepare(h, DIST_CORRECTIONS, sql_corrections, &st, err);
	if (rc)
		return rc;
	if (nz__sq_bind_named_int(st, ":now", now) ||
	    nz__sq_bind_named_int(st, ":with_retracted", 1) ||
	    nz__sq_bind_named_int(st, ":limit", (int64_t)limit))
		rc = nz__sq_bind_error(h, "corrections", err);
	else
		rc = nz__sq_collect(h, st, "corrections", sizeof(nz_article), correction_row, arena,
				    (void **)out, n, err);
	sqlite3_reset(st);
	return rc;
}
