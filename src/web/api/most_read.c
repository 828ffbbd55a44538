/*
 * web/api/most_read: GET /api/v1/most-read?period=24h|7d (docs/front-page.md): the public
 * articles readers viewed most in the last 24 hours (the default) or 7 days, from the server's
 * own counts (web/views.c), each with its view count. Cached like a list and dropped when the
 * change feed says "most-read" (at most every --most-read-refresh seconds).
 */
#include <string.h>

#include "web/api/api_int.h"

#define MOST_READ_LIMIT 10

static void most_read(nz__ctx *c, const nz_route_match *m)
{
	(void)m;
	const char *period = nz_http_query(c->req, "period");
	int hours = !period || strcmp(period, "24h") == 0 ? 24
		    : strcmp(period, "7d") == 0           ? 168
							  : 0;
	nz_most_read *items = NULL;
	size_t n = 0;
	nz_err err = {0};
	nz_time now = nz_time_now();
	if (!hours) {
		nz__send_json_error(c->resp, 400, "invalid", "period: 24h or 7d");
		return;
	}
	nz_rc rc =
	    nz_store_most_read(c->store, c->req->arena, now / 3600 - (hours - 1), now,
			       nz_http_query(c->req, "lang"), MOST_READ_LIMIT, &items, &n, &err);
	if (rc) {
		nz__send_json_error(c->resp, 500, "internal", "the counts could not be read");
		return;
	}
	json_t *arr = json_array();
	for (size_t i = 0; arr && i < n; i++)
		if (json_array_append_new(
			arr, json_pack("{s:I, s:s, s:s?, s:s, s:s, s:I}", "id",
				       (json_int_t)items[i].id, "slug", items[i].slug, "path",
				       nz_url_article(c->req->arena, items[i].slug), "headline",
				       items[i].headline, "language", items[i].language, "views",
				       (json_int_t)items[i].views)) != 0) {
			json_decref(arr);
			arr = NULL;
		}
	if (!arr) {
		nz__send_json_error(c->resp, 503, "unavailable", "out of memory");
		return;
	}
	nz__cache_policy(c, NZ__CACHE_LIST);
	nz__surrogate_add(c, "most-read");
	nz__send_json(
	    c->resp, 200,
	    json_pack("{s:s, s:o}", "period", hours == 24 ? "24h" : "7d", "articles", arr));
}

const nz__route_entry nz__most_read_api_routes[] = {
    {"GET", "/api/v1/most-read", most_read},
    {NULL, NULL, NULL},
};
