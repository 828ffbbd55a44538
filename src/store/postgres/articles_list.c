/*
 * articles_list.c: the article listing behind the front page, section/tag/author pages, feeds
 * and the API, and the back office's list, on PostgreSQL (sqlite/articles_list.c's twin).
 *
 * The SQL depends on which filters are set: each combination (a bit mask) and kind (a page of
 * ids, the count, the order keys) is one statement, built once per process from fixed
 * fragments (never from values) into the array `variants`, then prepared once per connection
 * like every other statement. Its parameters are numbered in the order the fragments use
 * them, and bound in that same order.
 *
 * Order: public lists by listed_at DESC, id DESC (a live story's newest update can raise it
 * above its publication time: schema_sql.c, migration 25); lists that include drafts by
 * COALESCE(published_at, updated_at) DESC, id DESC (never NULL: updated_at is NOT NULL). The
 * keyset cursor compares against that same key. Items are loaded fully, one article at a time,
 * all in one snapshot.
 */
#include <pthread.h>
#include <string.h>

#include "store/postgres/postgres_int.h"

enum { SQL_PAGE, SQL_COUNT, SQL_KEYS, SQL_KINDS };

static nz__pg_sql variants[SQL_KINDS][NZ__F_ALL];
static pthread_once_t variants_once = PTHREAD_ONCE_INIT;
static bool variants_failed;

/* Builds the SQL of one variant into b: the page of ids, the number of matches, or the
 * order keys of every match. Parameters are numbered as they first appear. */
static void build_sql(nz_buf *b, unsigned mask, int what)
{
	const char *key =
	    (mask & NZ__F_PUBLIC) ? "a.listed_at" : "COALESCE(a.published_at, a.updated_at)";
	int n = 0, tag_n = 0, author_n = 0;

	if (what == SQL_KEYS)
		nz_buf_printf(b, "SELECT %s, a.id FROM articles a WHERE true", key);
	else
		nz_buf_printf(b, "SELECT %s FROM articles a WHERE true",
			      what == SQL_COUNT ? "count(*)" : "a.id");
	if (mask & NZ__F_SECTION)
		nz_buf_printf(b, " AND a.section_id = (SELECT id FROM sections WHERE slug = $%d)",
			      ++n);
	if (mask & NZ__F_TAG)
		nz_buf_printf(b,
			      " AND a.id IN (SELECT at.article_id FROM article_tags at"
			      " JOIN tags t ON t.id = at.tag_id WHERE t.slug = $%d)",
			      tag_n = ++n);
	if (mask & NZ__F_AUTHOR)
		nz_buf_printf(b,
			      " AND a.id IN (SELECT aa.article_id FROM article_authors aa"
			      " JOIN authors au ON au.id = aa.author_id WHERE au.slug = $%d)",
			      author_n = ++n);
	if (mask & NZ__F_LANGUAGE)
		nz_buf_printf(b, " AND a.language = $%d", ++n);
	if (mask & NZ__F_PUBLIC) {
		n++;
		nz_buf_printf(b,
			      " AND a.status IN ('published', 'retracted')"
			      " AND (a.embargo_until IS NULL OR a.embargo_until <= $%d)"
			      " AND a.published_at <= $%d",
			      n, n);
	}
	/* A translated story once (SQLite's articles_list.c says how). */
	if ((mask & NZ__F_PREFER) && (mask & NZ__F_PUBLIC)) {
		n++;
#define NZ__PREFERRED_PUBLIC                                                                       \
	" AND t.language = $%d AND t.status IN ('published', 'retracted')"                         \
	" AND (t.embargo_until IS NULL OR t.embargo_until <= $%d) AND t.published_at <= $%d%s)"
		/* Only a version on the same section's, tag's or author's page replaces this one.
		 */
		char sec[512], tag[160] = "", author[160] = "";
		if (mask & NZ__F_TAG)
			snprintf(tag, sizeof tag,
				 " AND t.id IN (SELECT g.article_id FROM article_tags g"
				 " JOIN tags gt ON gt.id = g.tag_id WHERE gt.slug = $%d)",
				 tag_n);
		if (mask & NZ__F_AUTHOR)
			snprintf(author, sizeof author,
				 " AND t.id IN (SELECT w.article_id FROM article_authors w"
				 " JOIN authors wa ON wa.id = w.author_id WHERE wa.slug = $%d)",
				 author_n);
		snprintf(sec, sizeof sec, "%s%s%s",
			 (mask & NZ__F_SECTION) ? " AND t.section_id = a.section_id" : "", tag,
			 author);
		nz_buf_printf(b,
			      " AND (a.language = $%d OR NOT (EXISTS (SELECT 1 FROM articles t"
			      " WHERE t.translation_group = COALESCE(a.translation_group, a.id)"
			      " AND t.id <> a.id" NZ__PREFERRED_PUBLIC
			      " OR EXISTS (SELECT 1 FROM articles t WHERE t.id = "
			      "a.translation_group" NZ__PREFERRED_PUBLIC "))",
			      n, n, n - 1, n - 1, sec, n, n - 1, n - 1, sec);
#undef NZ__PREFERRED_PUBLIC
	}
	if (what == SQL_COUNT)
		return;
	if (what == SQL_KEYS) {
		nz_buf_printf(b, " ORDER BY %s DESC, a.id DESC", key);
		return;
	}
	if (mask & NZ__F_CURSOR) {
		nz_buf_printf(b, " AND (%s, a.id) < ($%d, $%d)", key, n + 1, n + 2);
		n += 2;
	}
	nz_buf_printf(b, " ORDER BY %s DESC, a.id DESC LIMIT $%d OFFSET $%d", key, n + 1, n + 2);
}

static void build_variants(void)
{
	for (int kind = 0; kind < SQL_KINDS; kind++)
		for (unsigned mask = 0; mask < NZ__F_ALL; mask++) {
			nz_buf b;
			nz_buf_init(&b, 0);
			build_sql(&b, mask, kind);
			variants[kind][mask].text = nz_buf_steal(&b, NULL);
			if (!variants[kind][mask].text)
				variants_failed = true;
		}
}

/* The statement of a variant, with q's values bound into p in the order it numbers them. */
static nz_rc variant(unsigned mask, int kind, const nz_article_query *q, nz__pg_params *p,
		     const nz__pg_sql **out, nz_err *err)
{
	pthread_once(&variants_once, build_variants);
	if (variants_failed)
		return nz_err_set(err, NZ_NOMEM, "article list: out of memory");
	if (kind != SQL_PAGE)
		mask &= ~(unsigned)NZ__F_CURSOR;
	if (mask & NZ__F_SECTION)
		nz__pg_text(p, q->section_slug);
	if (mask & NZ__F_TAG)
		nz__pg_text(p, q->tag_slug);
	if (mask & NZ__F_AUTHOR)
		nz__pg_text(p, q->author_slug);
	if (mask & NZ__F_LANGUAGE)
		nz__pg_text(p, q->language);
	if (mask & NZ__F_PUBLIC)
		nz__pg_int64(p, q->now);
	if ((mask & NZ__F_PREFER) && (mask & NZ__F_PUBLIC))
		nz__pg_text(p, q->prefer_language);
	if (mask & NZ__F_CURSOR) {
		nz__pg_int64(p, q->before_time);
		nz__pg_int64(p, q->before_id);
	}
	if (kind == SQL_PAGE) {
		nz__pg_int64(p, (int64_t)q->limit + 1);
		nz__pg_int64(p, (int64_t)q->offset);
	}
	*out = &variants[kind][mask];
	return NZ_OK;
}

/* Loads the articles of ids[0..n) (n of them, at most limit + 1 read) into out. */
static nz_rc load_page(nz__pg *h, nz_arena *arena, const PGresult *res, size_t limit,
		       nz_article_list *out, nz_err *err)
{
	size_t n = (size_t)PQntuples(res);
	nz_rc rc = NZ_OK;

	out->has_more = n > limit;
	if (out->has_more)
		n = limit;
	if (n && !(out->items = nz_arena_zalloc(arena, n * sizeof(nz_article))))
		return nz_err_set(err, NZ_NOMEM, "article list: out of memory");
	for (size_t i = 0; i < n && !rc; i++)
		rc = nz__pg_article_load(h, arena, nz__pg_col_int(res, (int)i, 0), &out->items[i],
					 err);
	out->n = n;
	return rc;
}

/* How a list read ends: frees res, ends the snapshot (snap: nz__pg_read_begin's answer) and
 * empties out on failure; rc is the answer. */
static nz_rc list_end(nz__pg *h, PGresult *res, bool snap, nz_rc rc, nz_article_list *out)
{
	PQclear(res);
	nz__pg_read_end(h, snap);
	if (rc)
		memset(out, 0, sizeof *out);
	return rc;
}

nz_rc nz__pg_article_list(nz_store *s, nz_arena *arena, const nz_article_query *q,
			  nz_article_list *out, nz_err *err)
{
	nz__pg *h = nz__pg_h(s);
	const nz__pg_sql *sql;
	PGresult *res = NULL;
	int64_t total = 0;
	unsigned mask = nz__store_list_mask(q);
	nz_rc rc;

	memset(out, 0, sizeof(*out));
	/* One snapshot, so the total, the page and its articles agree. */
	bool snap = nz__pg_read_begin(h);
	if (!q->no_total) { /* else the caller knows the total */
		nz__pg_params p = {0};
		if ((rc = variant(mask, SQL_COUNT, q, &p, &sql, err)) ||
		    (rc = nz__pg_one_int(h, sql, &p, &total, "article list", err)))
			goto out;
	}
	nz__pg_params p = {0};
	if ((rc = variant(mask, SQL_PAGE, q, &p, &sql, err)) ||
	    (rc = nz__pg_query(h, sql, &p, &res, "article list", err)) ||
	    (rc = load_page(h, arena, res, q->limit, out, err)))
		goto out;
	out->total = (size_t)total;
out:
	return list_end(h, res, snap, rc, out);
}

static nz_rc key_item(nz_arena *arena, const PGresult *res, int r, void *item)
{
	nz_article_key *k = item;
	(void)arena;
	k->time = nz__pg_col_int(res, r, 0);
	k->id = nz__pg_col_int(res, r, 1);
	return NZ_OK;
}

nz_rc nz__pg_article_keys(nz_store *s, nz_arena *arena, const nz_article_query *q,
			  nz_article_key **keys, size_t *n, nz_err *err)
{
	const nz__pg_sql *sql;
	nz__pg_params p = {0};
	nz_rc rc = variant(nz__store_list_mask(q), SQL_KEYS, q, &p, &sql, err);

	*keys = NULL;
	*n = 0;
	if (rc)
		return rc;
	return nz__pg_collect(nz__pg_h(s), sql, &p, "article keys", sizeof(nz_article_key),
			      key_item, arena, (void **)keys, n, err);
}

/* ---- the back office's list -------------------------------------------------------------- */

/* One page statement and one count statement per sort, made once (nz__store_admin_sql). */
#define ADMIN_SORTS (NZ_ADMIN_SORT_CREATED + 1)
static nz__pg_sql admin_sql[2][ADMIN_SORTS];
static pthread_once_t admin_once = PTHREAD_ONCE_INIT;
static bool admin_failed;
/* The statements name every filter; planned for each call's values, the ones that are NULL
 * fold away and the indexes of the rest are used (a generic plan would scan every row). */
static const nz__pg_sql q_admin_custom = {"SET LOCAL plan_cache_mode = force_custom_plan"};

static void build_admin(void)
{
	for (int count = 0; count < 2; count++)
		for (int sort = 0; sort < ADMIN_SORTS; sort++) {
			nz_admin_query q = {.sort = (nz_admin_sort)sort};
			nz_buf b;
			nz_buf_init(&b, 0);
			nz__store_admin_sql(&b, &q, true, count);
			if (nz_buf_rc(&b) ||
			    !(admin_sql[count][sort].text = strdup(nz_buf_cstr(&b))))
				admin_failed = true;
			nz_buf_free(&b);
		}
}

/* q's values for the page (count false) or the count, in the order NZ__AP_* numbers them. */
static void admin_params(const nz_admin_query *q, bool count, const char *statuses, const char *ids,
			 nz__pg_params *p)
{
	nz__pg_text(p, statuses);
	nz__pg_opt_int(p, q->created_by);
	nz__pg_text(p, q->section_slug);
	nz__pg_text(p, q->tag_slug);
	nz__pg_text(p, q->author_slug);
	nz__pg_text(p, q->language);
	nz__pg_opt_int(p, q->from);
	nz__pg_opt_int(p, q->to);
	nz__pg_text(p, ids);
	if (count)
		return;
	if (q->after) {
		nz__pg_int64(p, q->after_time);
		nz__pg_int64(p, q->after_id);
	} else {
		nz__pg_null(p);
		nz__pg_null(p);
	}
	nz__pg_int64(p, (int64_t)q->limit + 1);
	nz__pg_int64(p, (int64_t)q->offset);
}

nz_rc nz__pg_admin_article_list(nz_store *s, nz_arena *arena, const nz_admin_query *q,
				nz_article_list *out, nz_err *err)
{
	nz__pg *h = nz__pg_h(s);
	nz__pg_params pc = {0}, pp = {0};
	PGresult *res = NULL;
	const char *statuses, *ids;
	int64_t total = 0;
	int sort = (int)q->sort < ADMIN_SORTS ? (int)q->sort : 0;
	nz_rc rc;

	memset(out, 0, sizeof *out);
	pthread_once(&admin_once, build_admin);
	if (admin_failed)
		return nz_err_set(err, NZ_NOMEM, "articles: out of memory");
	if ((rc = nz__store_admin_lists(arena, q, true, &statuses, &ids, err)))
		return rc;
	admin_params(q, true, statuses, ids, &pc);
	admin_params(q, false, statuses, ids, &pp);
	bool snap = nz__pg_read_begin(h);
	if ((rc = nz__pg_run(h, &q_admin_custom, NULL, "articles", err)) ||
	    (rc = nz__pg_one_int(h, &admin_sql[1][sort], &pc, &total, "articles", err)) ||
	    (rc = nz__pg_query(h, &admin_sql[0][sort], &pp, &res, "articles", err)) ||
	    (rc = load_page(h, arena, res, q->limit, out, err)))
		goto out;
	out->total = (size_t)total;
out:
	return list_end(h, res, snap, rc, out);
}
