/*
 * web/search_params: what the search page (public/search.c) and the API's search
 * (api/search.c) read alike: the filters of a request and the snippets as HTML.
 *
 * Rules: a malformed filter (lang, from, to, sort, recency) is reported in f->bad with a message
 * for people; the caller answers 400 with it.
 */
#include <string.h>

#include "search/search.h"
#include "web/web_int.h"

/* A query parameter, NULL when absent or empty (an "any" option of the form). */
static const char *param(const nz_http_req *req, const char *key)
{
	const char *v = nz_http_query(req, key);
	return v && v[0] ? v : NULL;
}

/* A date filter (nz__date_param): "2026-03-17" is that day in the site's zone (end_of_day for "to":
 * the day is included); a full RFC 3339 time is taken as it is. */
bool nz__date_param(const char *s, const char *zone, bool end_of_day, nz_time *out)
{
	nz_time t;
	if (nz_time_parse_rfc3339(nz_str_c(s), &t) != NZ_OK)
		return false;
	if (strlen(s) == 10)
		t = nz_tz_from_local(zone, t + (end_of_day ? 86400 : 0));
	*out = t;
	return true;
}

void nz__search_filters_read(nz__ctx *c, nz__search_filters *f)
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
	else if (f->from && !nz__date_param(f->from, c->site.time_zone, false, &f->q.from))
		f->bad = "from must be a date such as 2026-03-17.";
	else if (f->to && !nz__date_param(f->to, c->site.time_zone, true, &f->q.to))
		f->bad = "to must be a date such as 2026-03-17.";
	else if (f->sort && strcmp(f->sort, "relevance") != 0 && strcmp(f->sort, "newest") != 0)
		f->bad = "sort must be relevance or newest.";
	else if (recency && strcmp(recency, "off") != 0 && strcmp(recency, "on") != 0)
		f->bad = "recency must be on or off.";
	f->q.sort =
	    f->sort && strcmp(f->sort, "newest") == 0 ? NZ_SEARCH_NEWEST : NZ_SEARCH_RELEVANCE;
}

const char *nz__search_snippet_html(nz_arena *arena, const char *snippet)
{
	nz_buf b;
	const char *html = "";
	nz_buf_init(&b, 64 * 1024);
	if (snippet && nz_search_snippet_html(snippet, strlen(snippet), &b) == NZ_OK && b.len)
		html = nz_arena_strdup(arena, nz_buf_cstr(&b));
	nz_buf_free(&b);
	return html;
}
