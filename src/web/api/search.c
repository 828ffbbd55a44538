/*
 * web/api/search: the API's full-text search (/api/v1/articles?q=): ranked, in the list's shape,
 * each article with a "snippet". The same filters as the search page (search_params.c).
 *
 * Rules: whatever the query text is, the answer is 200 with results and a message, never an
 * error; a malformed filter, limit or cursor is a 400 that says which. Only public articles
 * are ever found (the store decides at query time).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "search/search.h"
#include "web/api/api_int.h"

#define API_LIMIT_DEFAULT 20
#define API_LIMIT_MAX 100

/* limit and cursor ("s.<offset>", from next_cursor) of an API search; false on a bad one. */
static bool api_page(nz__ctx *c, size_t *limit, size_t *offset)
{
	const char *l = nz_http_query(c->req, "limit");
	const char *cur = nz_http_query(c->req, "cursor");
	char *end = NULL;
	*limit = API_LIMIT_DEFAULT;
	*offset = 0;
	if (l) {
		long v = strtol(l, &end, 10);
		if (end == l || *end || v < 1 || v > API_LIMIT_MAX) {
			nz__send_json_error(c->resp, 400, "invalid_parameter",
					    "limit must be a whole number from 1 to 100");
			return false;
		}
		*limit = (size_t)v;
	}
	if (cur) {
		long v = strncmp(cur, "s.", 2) == 0 ? strtol(cur + 2, &end, 10) : -1;
		if (v < 0 || v > 10000 || !end || *end || end == cur + 2) {
			nz__send_json_error(c->resp, 400, "invalid_cursor",
					    "cursor must be a next_cursor value from an earlier "
					    "response");
			return false;
		}
		*offset = (size_t)v;
	}
	return true;
}

static json_t *api_items(nz__ctx *c, const nz_search_results *r)
{
	json_t *items = json_array();
	for (size_t i = 0; items && i < r->n; i++) {
		json_t *a = nz_json_article(&c->site, &r->items[i].article);
		if (!a ||
		    json_object_set_new(
			a, "snippet",
			json_string(nz__search_snippet_html(c->req->arena, r->items[i].snippet))) ||
		    json_array_append_new(items, a)) {
			json_decref(items);
			return NULL;
		}
	}
	return items;
}

void nz__search_api(nz__ctx *c)
{
	nz__search_filters f;
	nz_search_query parsed;
	nz_search_results r = {0};
	nz_err err = {0};
	size_t limit, offset;
	nz__search_filters_read(c, &f);
	if (f.bad) {
		nz__send_json_error(c->resp, 400, "invalid_parameter", f.bad);
		return;
	}
	if (!api_page(c, &limit, &offset))
		return;
	const char *q = nz_http_query(c->req, "q");
	if (nz_search_parse(c->req->arena, q ? q : "", q ? strlen(q) : 0, &parsed) != NZ_OK) {
		nz__send_json_error(c->resp, 503, "unavailable", "out of memory");
		return;
	}
	f.q.query = &parsed;
	f.q.limit = limit;
	f.q.offset = offset;
	if (parsed.n_include > 0 &&
	    nz_store_search(c->store, c->req->arena, &f.q, &r, &err) != NZ_OK) {
		NZ_LOG(NZ_LOG_ERROR, "api", "search: %s", err.msg);
		nz__send_json_error(c->resp, 500, "internal", "the search failed");
		return;
	}
	char next[32];
	snprintf(next, sizeof next, "s.%zu", offset + r.n);
	bool more = r.n > 0 && offset + r.n < r.total;
	json_t *root = json_pack("{s:o, s:o, s:I, s:b, s:o}", "articles", api_items(c, &r),
				 "next_cursor", more ? json_string(next) : json_null(), "total",
				 (json_int_t)r.total, "capped", r.capped, "message",
				 parsed.message ? json_string(parsed.message) : json_null());
	if (!root) {
		nz__send_json_error(c->resp, 503, "unavailable", "out of memory");
		return;
	}
	nz__cache_policy(c, NZ__CACHE_LIST);
	nz__surrogate_add(c, "front"); /* any publish may change the results */
	nz__send_json(c->resp, 200, root);
}
