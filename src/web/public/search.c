/*
 * web/public/search: the search page (/search; the API's search is api/search.c, an article
 * page's related articles are made in pages/pages.c). Here the store, search and render meet:
 * search/ parses what the reader typed and makes snippets safe, the store ranks and filters,
 * render builds the page.
 *
 * Rules: whatever the query text is (unbalanced quotes, lone operators, control bytes, invalid
 * UTF-8, very long), the answer is 200 with results or a message, never an error; a malformed
 * filter (lang, from, to, sort, page) is a 400 that says which and why. Only public articles
 * are ever found (the store decides at query time).
 */
#include <string.h>

#include "search/search.h"
#include "web/public/public_int.h"

#define PER_PAGE 10
#define RECENT_WHEN_NONE 5

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

/* Runs the search for the page; false when it answered 500 itself. */
static bool run_search(nz__ctx *c, nz__search_filters *f, const nz_search_query *parsed,
		       size_t page, nz_search_view *sv)
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
		items[i].snippet_html = nz__search_snippet_html(arena, r.items[i].snippet);
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
	nz__search_filters f;
	nz_search_query parsed;
	nz_arena *arena = c->req->arena;
	if (nz__page_param(c->req, &page) != NZ_OK) {
		nz__send_error_page(c, 400, "The page number must be a whole number from 1.");
		return;
	}
	nz__search_filters_read(c, &f);
	if (f.bad) {
		nz__send_error_page(c, 400, f.bad);
		return;
	}
	const char *q = nz_http_query(c->req, "q");
	nz_search_view sv = {.path = c->req->path,
			     .q = display_query(arena, q),
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
	bool missed = sv.searched && sv.total == 0;
	/* What readers looked for and did not find (the stats page): every such search is
	 * counted, so no cache keeps its page. */
	if (missed && !nz__views_is_robot(nz_http_header(c->req, "User-Agent")))
		nz__views_search_miss(c->app->views, q);
	nz__cache_policy(c, missed ? NZ__CACHE_PRIVATE : NZ__CACHE_LIST);
	c->cache.private = missed;
	nz__surrogate_add(c, "front"); /* any publish may change the results */
	nz__send_page(c, 200, "search", nz_view_search(&c->page, &sv));
}

const nz__route_entry nz__search_routes[] = {
    {"GET", "/search", search_page},
    {NULL, NULL, NULL},
};
