/*
 * articles_admin.c: the back office's list of articles (store.h, nz_admin_query), the part
 * both backends share: the SQL of a page and of the count, and the text of the list-valued
 * parameters. The backends bind the values by the numbers NZ__AP_* and load the articles.
 *
 * Rules: the SQL is made from fixed pieces only, chosen by which filters are set and by the
 * sort; every value (slugs, language, times, ids, statuses) is a bound parameter. The sort's
 * date and the keyset cursor use the same expression, so a page's last row is the next page's
 * cursor; NEWEST and OLDEST use COALESCE(published_at, updated_at), the expression of the
 * articles_recent index on both backends.
 */
#include <stdio.h>
#include <string.h>

#include "store/store_int.h"

static const char *sort_key(nz_admin_sort sort)
{
	switch (sort) {
	case NZ_ADMIN_SORT_UPDATED:
		return "a.updated_at";
	case NZ_ADMIN_SORT_CREATED:
		return "a.id"; /* the order articles were added in, walked on the primary key */
	default:
		return "COALESCE(a.published_at, a.updated_at)";
	}
}

nz_time nz_store_admin_key(const nz_admin_query *q, const nz_article *a)
{
	switch (q->sort) {
	case NZ_ADMIN_SORT_UPDATED:
		return a->updated_at;
	case NZ_ADMIN_SORT_CREATED:
		return a->id;
	default:
		return a->published_at ? a->published_at : a->updated_at;
	}
}

/* One filter, the condition "pre <parameter> post": SQLite writes " AND cond" when it is set;
 * PostgreSQL always writes " AND ($n IS NULL OR cond)", with $n cast to type. */
static void filter(nz_buf *b, bool pg, bool set, int n, const char *type, const char *pre,
		   const char *post)
{
	if (pg)
		nz_buf_printf(b, " AND ($%d::%s IS NULL OR %s$%d::%s%s)", n, type, pre, n, type,
			      post);
	else if (set)
		nz_buf_printf(b, " AND %s?%d%s", pre, n, post);
}

/* A filter by a subquery: "pre1 pre2 <parameter>)". */
static void filter_sub(nz_buf *b, bool pg, const char *value, int n, const char *pre1,
		       const char *pre2)
{
	char pre[256];
	snprintf(pre, sizeof pre, "%s%s", pre1, pre2);
	filter(b, pg, value != NULL, n, "text", pre, ")");
}

/* A date filter on the sort's key: key >= or < the parameter. */
static void date_filter(nz_buf *b, bool pg, nz_time v, int n, const char *key, const char *op)
{
	char pre[96];
	snprintf(pre, sizeof pre, "%s %s ", key, op);
	filter(b, pg, v != 0, n, "bigint", pre, "");
}

/* SQLite plans: a page walks the index of its sort (articles_recent, articles_updated, the rowid)
 * and stops
 * after limit + 1 matches, so the columns of filters that match many articles are hidden from
 * the planner with a unary +; driven by such a filter instead, it would read every match (a tag
 * of 3,400 articles at 100,000: 40 ms of row reads and a sort; every published article: 400 ms)
 * for 50 rows. Filters that match few are left to drive: a short list of ids (a narrow
 * search), the statuses of work in progress without "published", one person's articles
 * (walking the whole index for a rare match reads every long row: 400 ms). A count by tag,
 * author or ids reads the covering index articles_search_filter when every other filter is in
 * it too (status, section, language), never the long article rows. */
#define SQ_IDS_DIRECT 200

static bool walks_sort_index(const nz_admin_query *q, bool pg, bool count)
{
	return !pg && !count && !(q->by_ids && q->n_ids <= SQ_IDS_DIRECT);
}

static const char *count_from(const nz_admin_query *q, bool pg)
{
	bool by_id = q->tag_slug || q->author_slug || q->by_ids;
	bool covered = by_id && !q->created_by && !q->from && !q->to;
	return !pg && covered ? " FROM articles a INDEXED BY articles_search_filter"
			      : " FROM articles a";
}

void nz__store_admin_sql(nz_buf *b, const nz_admin_query *q, bool pg, bool count)
{
	const char *key = sort_key(q->sort);
	const char *dir = q->sort == NZ_ADMIN_SORT_OLDEST ? "ASC" : "DESC";
	const char *in_pre = pg ? " = ANY(" : " IN (SELECT value FROM json_each(";
	const char *in_post = pg ? ")" : "))";
	const char *m = pg ? "$" : "?";
	const char *col = walks_sort_index(q, pg, count) ? "+a." : "a.";
	char pre[96];

	if (count)
		nz_buf_printf(b, "SELECT count(*)%s WHERE 1 = 1", count_from(q, pg));
	else
		nz_buf_puts(b, "SELECT a.id FROM articles a WHERE 1 = 1");
	bool few = q->statuses && !(q->statuses & (1u << NZ_STATUS_PUBLISHED));
	snprintf(pre, sizeof pre, "%sstatus%s", few ? "a." : col, in_pre);
	filter(b, pg, q->statuses != 0, NZ__AP_STATUSES, "text[]", pre, in_post);
	filter(b, pg, q->created_by != 0, NZ__AP_CREATED_BY, "bigint", "a.created_by = ", "");
	snprintf(pre, sizeof pre, "%ssection_id = (SELECT id FROM sections WHERE slug = ", col);
	filter(b, pg, q->section_slug, NZ__AP_SECTION, "text", pre, ")");
	snprintf(pre, sizeof pre, "%sid IN (SELECT at.article_id FROM article_tags at", col);
	filter_sub(b, pg, q->tag_slug, NZ__AP_TAG, pre,
		   " JOIN tags t ON t.id = at.tag_id WHERE t.slug = ");
	snprintf(pre, sizeof pre, "%sid IN (SELECT aa.article_id FROM article_authors aa", col);
	filter_sub(b, pg, q->author_slug, NZ__AP_AUTHOR, pre,
		   " JOIN authors au ON au.id = aa.author_id WHERE au.slug = ");
	snprintf(pre, sizeof pre, "%slanguage = ", col);
	filter(b, pg, q->language, NZ__AP_LANGUAGE, "text", pre, "");
	const char *date = q->sort == NZ_ADMIN_SORT_CREATED ? "a.created_at" : key;
	date_filter(b, pg, q->from, NZ__AP_FROM, date, ">=");
	date_filter(b, pg, q->to, NZ__AP_TO, date, "<");
	snprintf(pre, sizeof pre, "%sid%s", q->by_ids && q->n_ids <= SQ_IDS_DIRECT ? "a." : col,
		 in_pre);
	filter(b, pg, q->by_ids, NZ__AP_IDS, "bigint[]", pre, in_post);
	if (count)
		return;
	if (pg || q->after)
		nz_buf_printf(b, " AND (%s%d%s IS NULL OR (%s, a.id) %s (%s%d, %s%d%s))", m,
			      NZ__AP_AFTER_TIME, pg ? "::bigint" : "", key,
			      q->sort == NZ_ADMIN_SORT_OLDEST ? ">" : "<", m, NZ__AP_AFTER_TIME, m,
			      NZ__AP_AFTER_ID, pg ? "::bigint" : "");
	nz_buf_printf(b, " ORDER BY %s %s, a.id %s LIMIT %s%d OFFSET %s%d", key, dir, dir, m,
		      NZ__AP_LIMIT, m, NZ__AP_OFFSET);
}

nz_rc nz__store_admin_lists(nz_arena *arena, const nz_admin_query *q, bool pg,
			    const char **statuses, const char **ids, nz_err *err)
{
	nz_buf b;
	nz_rc rc = NZ_OK;
	*statuses = *ids = NULL;
	nz_buf_init(&b, 0);
	if (q->statuses) {
		nz_buf_putc(&b, pg ? '{' : '[');
		for (int st = 0, n = 0; st <= NZ_STATUS_RETRACTED; st++)
			if (q->statuses & (1u << st))
				nz_buf_printf(&b, pg ? "%s%s" : "%s\"%s\"", n++ ? "," : "",
					      nz_status_name((nz_status)st));
		nz_buf_putc(&b, pg ? '}' : ']');
		if (nz_buf_rc(&b) || !(*statuses = nz_arena_strdup(arena, nz_buf_cstr(&b))))
			rc = NZ_NOMEM;
	}
	if (!rc && q->by_ids) {
		nz_buf_reset(&b);
		nz_buf_putc(&b, pg ? '{' : '[');
		for (size_t i = 0; i < q->n_ids; i++)
			nz_buf_printf(&b, "%s%lld", i ? "," : "", (long long)q->ids[i]);
		nz_buf_putc(&b, pg ? '}' : ']');
		if (nz_buf_rc(&b) || !(*ids = nz_arena_strdup(arena, nz_buf_cstr(&b))))
			rc = NZ_NOMEM;
	}
	nz_buf_free(&b);
	return rc ? nz_err_set(err, rc, "articles: out of memory") : NZ_OK;
}
