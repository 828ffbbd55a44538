/*
 * web/search: the search page (/search) and the API's full-text search (/api/v1/articles?q=)
 * (an article page's related articles are made in pages/pages.c). Here the store, search
 * and render meet: search/ parses what the reader typed and makes snippets safe, the store ranks
 * and filters, render builds the page.
 *
 * Rules: whatever the query text is (unbalanced quotes, lone operators, control bytes, invalid
 * UTF-8, very long), the answer is 200 with results or a message, never an error; a malformed
 * filter (lang, from, to, sort, page) is a 400 that says which and why. Only public articles
 * are ever found (the store decides at query time).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "search/search.h"
#include "web/web_int.h"

#define PER_PAGE 10
#define RECENT_WHEN_NONE 5
#define API_LIMIT_DEFAULT 20
#define API_LIMIT_MAX 100

/* The filters of a request, read and checked; bad holds a message for a 400 (else NULL). */
typedef struct filters {
	nz_article_search q;
	const char *section, *author, *tag, *lang, *from, *to, *sort;
	bool recency_off;
	const char *bad;
} filters;

/* A query parameter, NULL when absent or empty (an "any" option of the form). */
static const char *param(const nz_http_req *req, const char *key)
{
	const char *v = nz_http_query(req, key);
	return v && v[0] ? v : NULL;
}

/* A date filter: "2026-03-17" is that day in the site's zone (end_of_day for "to": the day
 * is included); a full RFC 3339 time is taken as it is. */
static bool parse_date(const char *s, int tz_offset_min, bool end_of_day, nz_time *out)
{
	nz_time t;
	if (nz_time_parse_rfc3339(nz_str_c(s), &t) != NZ_OK)
		return false;
	if (strlen(s) == 10)
		t += (end_of_day ? 86400 : 0) - (nz_time)tz_offset_min * 60;
	*out = t;
	return true;
}

static void read_filters(nz__ctx *c, filters *f)
{
	const nz_http_req *req = c->req;
	memset(f, 0, sizeof(*f));
	f->q.section_slug = f->section = param(req, "section");
	f->q.author_slug = f->author = param(req, "author");
	f->q.tag_slug = f->tag = param(req, "tag");
	f->q.language = f->lang = param(req, "lang");
	f->from = param(req, "from");
	f->to = param(req, "to");
	f->sort = param(req, "sort");
	const char *recency = param(req, "recency");
	f->recency_off = f->q.no_recency = recency && strcmp(recency, "off") == 0;
	f->q.now = c->page.now;
	if (f->lang && !nz_language_valid(f->lang))
		f->bad = "lang must be a language the site has, such as en or ko.";
	else if (f->from && !parse_date(f->from, c->site.tz_offset_min, false, &f->q.from))
		f->bad = "from must be a date such as 2026-03-17.";
	else if (f->to && !parse_date(f->to, c->site.tz_offset_min, true, &f->q.to))
		f->bad = "to must be a date such as 2026-03-17.";
	else if (f->sort && strcmp(f->sort, "relevance") != 0 && strcmp(f->sort, "newest") != 0)
		f->bad = "sort must be relevance or newest.";
	else if (recency && strcmp(recency, "off") != 0 && strcmp(recency, "on") != 0)
		f->bad = "recency must be on or off.";
	f->q.sort =
	    f->sort && strcmp(f->sort, "newest") == 0 ? NZ_SEARCH_NEWEST : NZ_SEARCH_RELEVANCE;
}

/* The query as it goes back into the search box: control bytes as spaces, cut where the
 * parser stops reading. */
static const char *display_query(nz_arena *arena, const char *q)
{
	size_t len = q ? strlen(q) : 0;
	if (len > NZ_SEARCH_QUERY_MAX) {
		len = NZ_SEARCH_QUERY_MAX;
		while (len > 0 && ((unsigned char)q[len] & 0xC0) == 0x80)
			len--;
	}
	char *s = nz_arena_strndup(arena, q ? q : "", len);
	for (size_t i = 0; s && i < len; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7F)
			s[i] = ' ';
	return s;
}

/* The snippet as HTML, in arena ("" when there is none). */
static const char *snippet_html(nz_arena *arena, const char *snippet)
{
	nz_buf b;
	const char *html = "";
	nz_buf_init(&b, 64 * 1024);
	if (snippet && nz_search_snippet_html(snippet, strlen(snippet), &b) == NZ_OK && b.len)
		html = nz_arena_strdup(arena, nz_buf_cstr(&b));
	nz_buf_free(&b);
	return html;
}

/* Runs the search for the page; false when it answered 500 itself. */
static bool run_search(nz__ctx *c, filters *f, const nz_search_query *parsed, size_t page,
		       nz_search_view *sv)
{
	nz_err err = {0};
	nz_search_results r = {0};
	nz_arena *arena = c->req->arena;
	f->q.query = parsed;
	f->q.limit = PER_PAGE;
	f->q.offset = (page - 1) * PER_PAGE;
	if (nz_store_search(c->store, arena, &f->q, &r, &err) != NZ_OK) {
		NZ_LOG(NZ_LOG_ERROR, "search", "%s", err.msg);
		nz__send_error_page(c, 500, NULL);
		return false;
	}
	nz_search_view_item *items = r.n ? nz_arena_zalloc(arena, r.n * sizeof(*items)) : NULL;
	for (size_t i = 0; items && i < r.n; i++) {
		items[i].article = &r.items[i].article;
		items[i].snippet_html = snippet_html(arena, r.items[i].snippet);
	}
	sv->searched = true;
	sv->items = items;
	sv->n = items ? r.n : 0;
	sv->total = r.total;
	sv->capped = r.capped;
	sv->page = page;
	sv->pages = r.total ? (r.total + PER_PAGE - 1) / PER_PAGE : 1;
	return true;
}

/* A few recent articles for a page that found nothing. */
static void add_recent(nz__ctx *c, nz_search_view *sv)
{
	nz_err err = {0};
	nz_article_list list = {0};
	nz_article_query q = {.public_only = true, .now = c->page.now, .limit = RECENT_WHEN_NONE};
	if (nz_store_article_list(c->store, c->req->arena, &q, &list, &err) != NZ_OK) {
		NZ_LOG(NZ_LOG_WARN, "search", "recent articles: %s", err.msg);
		return;
	}
	sv->recent = list.items;
	sv->n_recent = list.n;
}

static void search_page(nz__ctx *c, const nz_route_match *m)
{
	(void)m;
	size_t page;
	filters f;
	nz_search_query parsed;
	nz_arena *arena = c->req->arena;
	if (nz__page_param(c->req, &page) != NZ_OK) {
		nz__send_error_page(c, 400, "The page number must be a whole number from 1.");
		return;
	}
	read_filters(c, &f);
	if (f.bad) {
		nz__send_error_page(c, 400, f.bad);
		return;
	}
	const char *q = nz_http_query(c->req, "q");
	nz_search_view sv = {.q = display_query(arena, q),
			     .section = f.section,
			     .author = f.author,
			     .tag = f.tag,
			     .lang = f.lang,
			     .from = f.from,
			     .to = f.to,
			     .sort = f.sort,
			     .recency_off = f.recency_off,
			     .page = 1,
			     .pages = 1};
	if (!sv.q || nz_search_parse(arena, q ? q : "", q ? strlen(q) : 0, &parsed) != NZ_OK) {
		nz__send_error_page(c, 503, NULL);
		return;
	}
	sv.message = parsed.message;
	if (parsed.n_include > 0 && !run_search(c, &f, &parsed, page, &sv))
		return;
	if ((sv.searched && sv.total == 0) || (sv.q[0] && parsed.n_include == 0))
		add_recent(c, &sv);
	nz__cache_policy(c, NZ__CACHE_LIST);
	nz__surrogate_add(c, "front"); /* any publish may change the results */
	nz__send_page(c, 200, "search", nz_view_search(&c->page, &sv));
}

const nz__route_entry nz__search_routes[] = {
    {"GET", "/search", search_page},
    {NULL, NULL, NULL},
};

/* ---- the API ------------------------------------------------------------------------------ */

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
			json_string(snippet_html(c->req->arena, r->items[i].snippet))) ||
		    json_array_append_new(items, a)) {
			json_decref(items);
			return NULL;
		}
	}
	return items;
}

void nz__search_api(nz__ctx *c)
{
	filters f;
	nz_search_query parsed;
	nz_search_results r = {0};
	nz_err err = {0};
	size_t limit, offset;
	read_filters(c, &f);
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
