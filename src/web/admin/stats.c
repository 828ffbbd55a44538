/*
 * web/admin/stats: the back office's stats page (docs/stats.md), for editors and admins: the
 * most read articles of the last 24 hours and 7 days, one article's views over time (per hour
 * for 48 hours or per day for 30 days, as a table and an inline SVG bar chart; no script), the
 * external sites that sent readers, and the searches that found nothing. The counts come from
 * web/views.c through the store; nothing here knows anything about a reader.
 *   GET /admin/stats?article=<slug>&by=hour|day
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "web/admin/admin_int.h"

#define TOP_MAX 20
#define MISSES_MAX 50
#define HOURS 48
#define DAYS 30
#define BAR_W 10 /* SVG units per bar, the gap included */
#define CHART_H 100

/* Appends v to *rows; on failure frees both and leaves *rows NULL. */
static void push(json_t **rows, json_t *v)
{
	if (!nz_json_append(*rows, v, true)) {
		json_decref(*rows);
		*rows = NULL;
	}
}

/* The top articles of the last `hours` hours, each linked to its series. */
static json_t *top_json(nz__ctx *c, int64_t hours, bool *ok)
{
	nz_most_read *m = NULL;
	size_t n = 0;
	nz_err err = {0};
	json_t *rows = json_array();
	if (nz_store_most_read(c->store, c->req->arena, c->page.now / 3600 - (hours - 1),
			       c->page.now, NULL, TOP_MAX, &m, &n, &err) != NZ_OK) {
		NZ_LOG(NZ_LOG_ERROR, "stats", "most read: %s", err.msg);
		*ok = false;
	}
	for (size_t i = 0; rows && i < n; i++)
		push(&rows,
		     json_pack("{s:s, s:s, s:I, s:s}", "slug", m[i].slug, "headline",
			       m[i].headline ? m[i].headline : m[i].slug, "views",
			       (json_int_t)m[i].views, "lang", m[i].language ? m[i].language : ""));
	return rows;
}

static json_t *counts_json(nz__ctx *c, const char *kind, size_t limit, bool *ok)
{
	nz_reader_count *r = NULL;
	size_t n = 0;
	nz_err err = {0};
	json_t *rows = json_array();
	if (nz_store_reader_counts_top(c->store, c->req->arena, kind, c->page.now / 3600 - 7 * 24,
				       limit, &r, &n, &err) != NZ_OK) {
		NZ_LOG(NZ_LOG_ERROR, "stats", "%s: %s", kind, err.msg);
		*ok = false;
	}
	for (size_t i = 0; rows && i < n; i++)
		push(&rows,
		     json_pack("{s:s, s:I}", "key", r[i].key, "count", (json_int_t)r[i].count));
	return rows;
}

/* The label of bucket t (a unix time) in the newsroom's zone: "11-27 14:00" or "2026-11-27". */
static const char *label(nz__ctx *c, nz_time t, bool by_day)
{
	char buf[64];
	nz_time_rfc3339_local(t, nz_tz_offset_min(nz_site_zone(&c->site), t), buf);
	return by_day ? nz_arena_printf(c->req->arena, "%.10s", buf)
		      : nz_arena_printf(c->req->arena, "%.5s %.5s", buf + 5, buf + 11);
}

/* The views of slug per hour (48) or per day (30), zeros included, with the chart's bars. */
static json_t *series_json(nz__ctx *c, const char *slug, bool by_day, bool *ok)
{
	/* days start at the newsroom's midnight (today's offset: a day across a summer-time change
	 * is bucketed an hour off) */
	int64_t off_h = nz_tz_offset_min(nz_site_zone(&c->site), c->page.now) / 60;
	int64_t now_h = c->page.now / 3600, n = by_day ? DAYS : HOURS,
		views[DAYS > HOURS ? DAYS : HOURS] = {0};
	int64_t first = by_day ? ((now_h + off_h) / 24 - (n - 1)) : now_h - (n - 1);
	int64_t since = by_day ? first * 24 - off_h : first, max = 0, total = 0;
	nz_view_hour *v = NULL;
	size_t nv = 0;
	nz_err err = {0};
	if (nz_store_views_series(c->store, c->req->arena, slug, since, &v, &nv, &err) != NZ_OK) {
		NZ_LOG(NZ_LOG_ERROR, "stats", "views of %s: %s", slug, err.msg);
		*ok = false;
	}
	for (size_t i = 0; i < nv; i++) {
		int64_t k = (by_day ? (v[i].hour + off_h) / 24 : v[i].hour) - first;
		if (k >= 0 && k < n)
			views[k] += v[i].views;
	}
	for (int64_t k = 0; k < n; k++) {
		max = views[k] > max ? views[k] : max;
		total += views[k];
	}
	json_t *rows = json_array();
	for (int64_t k = 0; rows && k < n; k++) {
		int64_t h = max ? views[k] * CHART_H / max : 0;
		nz_time t = by_day ? ((first + k) * 24 - off_h) * 3600 : (first + k) * 3600;
		push(&rows,
		     json_pack("{s:s, s:I, s:I, s:I, s:I}", "label", label(c, t, by_day), "views",
			       (json_int_t)views[k], "x", (json_int_t)(k * BAR_W + 1), "y",
			       (json_int_t)(CHART_H - h), "h", (json_int_t)h));
	}
	return rows ? json_pack("{s:o, s:I, s:I, s:I, s:b}", "rows", rows, "total",
				(json_int_t)total, "max", (json_int_t)max, "width",
				(json_int_t)(n * BAR_W), "by_day", by_day)
		    : NULL;
}

static void show(nz__ctx *c, const nz_route_match *m)
{
	(void)m;
	nz_admin_ctx ac;
	bool ok = true;
	const nz_user *me = nz__auth_require(c, NZ_ACT_AUDIT, NULL);
	if (!me)
		return;
	const char *by = nz_http_query(c->req, "by");
	bool by_day = by && strcmp(by, "day") == 0;
	if (by && !by_day && strcmp(by, "hour") != 0) {
		nz__admin_error(c, 400, "“by” is “hour” or “day”.");
		return;
	}
	json_t *day = top_json(c, 24, &ok), *week = top_json(c, 7 * 24, &ok);
	const char *slug = nz_http_query(c->req, "article");
	if ((!slug || !slug[0]) && json_array_size(week))
		slug = json_string_value(json_object_get(json_array_get(week, 0), "slug"));
	nz_article *a = NULL;
	nz_err err = {0};
	if (slug && slug[0] &&
	    nz_store_article_by_slug(c->store, c->req->arena, slug, &a, &err) != NZ_OK)
		a = NULL;
	json_t *series = a ? series_json(c, a->slug, by_day, &ok) : json_null();
	json_t *stats = json_pack(
	    "{s:o, s:o, s:o, s:o, s:o, s:o, s:s, s:b}", "day", day, "week", week, "referrers",
	    counts_json(c, NZ_COUNT_REFERRER, TOP_MAX, &ok), "misses",
	    counts_json(c, NZ_COUNT_SEARCH_MISS, MISSES_MAX, &ok), "series", series, "article",
	    a ? json_pack("{s:s, s:s}", "slug", a->slug, "headline", a->headline ? a->headline : "")
	      : json_null(),
	    "asked", slug && !a ? slug : "", "by_day", by_day);
	if (!ok) {
		json_decref(stats);
		nz__admin_error(c, 500, "The counts could not be read. Please try again shortly.");
		return;
	}
	nz__admin_ctx(c, me, "stats", &ac);
	json_t *view = nz_view_admin(&ac, "Stats");
	if (!view || !stats || json_object_set_new(view, "stats", stats) != 0) {
		json_decref(view);
		nz__admin_error(c, 503, NULL);
		return;
	}
	nz__admin_send(c, 200, "admin-stats", view);
}

const nz__route_entry nz__admin_stats_routes[] = {
    {"GET", "/admin/stats", show},
    {NULL, NULL, NULL},
};
