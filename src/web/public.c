/*
 * web/public: the reader's pages. Only public articles (published or retracted, embargo
 * passed) are ever shown; anything else is a 404, the same as a page that never existed.
 */
#include <string.h>

#include "web/web_int.h"

#define PER_PAGE 20

static size_t page_count(size_t total)
{
	return total == 0 ? 1 : (total + PER_PAGE - 1) / PER_PAGE;
}

/* Reads ?page=, answering 400 itself when it is malformed. */
static bool read_page(nz__ctx *c, size_t *page)
{
	if (nz__page_param(c->req, page) == NZ_OK)
		return true;
	nz__send_error_page(c, 400, "The page number must be a whole number from 1.");
	return false;
}

static bool list_public(nz__ctx *c, nz_article_query *q, size_t page, nz_article_list *list)
{
	nz_err err = {0};
	q->public_only = true;
	q->now = c->page.now;
	q->limit = PER_PAGE;
	q->offset = (page - 1) * PER_PAGE;
	if (nz_store_article_list(c->store, c->req->arena, q, list, &err) != NZ_OK) {
		NZ_LOG(NZ_LOG_ERROR, "web", "listing for %s: %s", c->req->path, err.msg);
		nz__send_error_page(c, 500, NULL);
		return false;
	}
	if (page > 1 && list->n == 0) {
		nz__send_error_page(c, 404, "There is no page with that number.");
		return false;
	}
	return true;
}

static void front(nz__ctx *c, const nz_route_match *m)
{
	(void)m;
	size_t page;
	nz_article_query q = {0};
	nz_article_list list = {0};
	if (!read_page(c, &page) || !list_public(c, &q, page, &list))
		return;
	nz__cache_policy(c, NZ__CACHE_FRONT);
	nz__surrogate_add(c, "front");
	nz__cache_list(c, list.items, list.n);
	nz__send_page(c, 200, "front",
		      nz_view_front(&c->page, list.items, list.n, page, page_count(list.total)));
}

static void article(nz__ctx *c, const nz_route_match *m)
{
	nz_str slug = nz_route_param(m, "slug");
	nz_err err = {0};
	nz_article *a = NULL;
	const char *s = nz_arena_str(c->req->arena, slug);
	nz_rc rc = s ? nz_store_article_by_slug(c->store, c->req->arena, s, &a, &err) : NZ_NOMEM;
	const char *moved = NULL; /* issue 3: a changed slug answers 301 to the new URL */
	if (rc == NZ_NOTFOUND &&
	    nz_store_slug_redirect(c->store, c->req->arena, s, &moved, &err) == NZ_OK) {
		nz_http_resp_header(c->resp, "Location", nz_url_article(c->req->arena, moved));
		nz__send_text(c->resp, 301, "Moved Permanently\n");
		return;
	}
	if (rc == NZ_NOTFOUND || (rc == NZ_OK && !nz_article_is_public(a, c->page.now))) {
		nz__send_error_page(c, 404, NULL);
		return;
	}
	if (rc != NZ_OK) {
		NZ_LOG(NZ_LOG_ERROR, "web", "article %s: %s", s ? s : "?", err.msg);
		nz__send_error_page(c, 500, NULL);
		return;
	}
	if (a->section)
		c->page.current_section = a->section->slug;
	nz__cache_policy(c, NZ__CACHE_ARTICLE);
	nz__surrogate_article(c, a);
	nz__cache_modified(c, nz__article_modified(a));
	nz__send_page(c, 200, "article", /* + translations (issue 4), related (issue 5) */
		      nz__search_add_related(c, a, nz__article_view(c, a)));
}

/* Finds the section, author or tag a list page is about; fills the view's title, path and
 * the query's filter. False when there is none (the handler answers 404). */
static bool list_subject(nz__ctx *c, const char *kind, const char *slug, nz_list_view *lv,
			 nz_article_query *q, nz_rc *rc)
{
	nz_err err = {0};
	nz_arena *arena = c->req->arena;
	if (strcmp(kind, "section") == 0) {
		nz_section *sec = NULL;
		*rc = nz_store_section_get(c->store, arena, slug, &sec, &err);
		if (*rc != NZ_OK)
			return false;
		lv->title = sec->name;
		lv->path = nz_url_section(arena, sec->slug);
		q->section_slug = sec->slug;
		c->page.current_section = sec->slug;
		nz__surrogate_add(c, "section-%lld", (long long)sec->id);
	} else if (strcmp(kind, "author") == 0) {
		nz_author *au = NULL;
		*rc = nz_store_author_get(c->store, arena, slug, &au, &err);
		if (*rc != NZ_OK)
			return false;
		lv->title = nz_author_name(arena, au);
		lv->description = au->bio;
		lv->path = nz_url_author(arena, au->slug);
		q->author_slug = au->slug;
		nz__surrogate_add(c, "author-%lld", (long long)au->id);
	} else {
		nz_tag *tag = NULL;
		*rc = nz_store_tag_get(c->store, arena, slug, &tag, &err);
		if (*rc != NZ_OK)
			return false;
		lv->title = tag->name;
		lv->path = nz_url_tag(arena, tag->slug);
		q->tag_slug = tag->slug;
		nz__surrogate_add(c, "tag-%lld", (long long)tag->id);
	}
	return true;
}

static void list_page(nz__ctx *c, const char *kind, nz_str slug)
{
	size_t page;
	nz_list_view lv = {.kind = kind};
	nz_article_query q = {0};
	nz_article_list list = {0};
	nz_rc rc = NZ_NOMEM;
	const char *s = nz_arena_str(c->req->arena, slug);
	if (!read_page(c, &page))
		return;
	if (!s || !list_subject(c, kind, s, &lv, &q, &rc)) {
		nz__send_error_page(c, rc == NZ_NOTFOUND ? 404 : 500, NULL);
		return;
	}
	if (!list_public(c, &q, page, &list))
		return;
	lv.items = list.items;
	lv.n = list.n;
	lv.page = page;
	lv.pages = page_count(list.total);
	nz__cache_policy(c, NZ__CACHE_LIST);
	nz__cache_list(c, list.items, list.n);
	nz__send_page(c, 200, "list", nz_view_list(&c->page, &lv));
}

static void media(nz__ctx *c, const nz_route_match *m)
{
	nz_str file = nz_route_param(m, "file");
	/* "<64 hex>.<ext>": the hash addresses the bytes; the extension is for people. */
	long dot = nz_str_find(file, ".");
	nz_str hash = {file.p, dot < 0 ? file.len : (size_t)dot};
	const void *bytes = NULL;
	size_t len = 0;
	const char *mime = NULL;
	nz_err err = {0};
	const char *h = nz_arena_str(c->req->arena, hash);
	if (hash.len != 64 || !h ||
	    nz_store_blob_get(c->store, c->req->arena, h, &bytes, &len, &mime, &err) != NZ_OK) {
		nz__send_error_page(c, 404, NULL);
		return;
	}
	nz_buf_reset(&c->resp->body);
	nz_buf_append(&c->resp->body, bytes, len);
	c->resp->status = 200;
	c->resp->content_type = mime ? mime : "application/octet-stream";
	nz__cache_policy(c, NZ__CACHE_IMMUTABLE); /* addressed by the bytes' SHA-256 */
}

static void asset(nz__ctx *c, nz_str path)
{
	const void *data = NULL;
	size_t len = 0;
	const char *mime = NULL;
	bool immutable = false;
	const char *p = nz_arena_str(c->req->arena, path);
	if (!p || nz_theme_asset(c->app->theme, p, &data, &len, &mime, &immutable) != NZ_OK) {
		nz__send_error_page(c, 404, NULL);
		return;
	}
	c->resp->status = 200;
	c->resp->content_type = mime;
	c->resp->static_body = data;
	c->resp->static_len = len;
	nz__cache_policy(c, immutable ? NZ__CACHE_IMMUTABLE : NZ__CACHE_ASSET);
	nz__cache_modified(c, c->app->started);
	nz__surrogate_add(c, "static");
}

static void section(nz__ctx *c, const nz_route_match *m)
{
	list_page(c, "section", nz_route_param(m, "slug"));
}

static void author(nz__ctx *c, const nz_route_match *m)
{
	list_page(c, "author", nz_route_param(m, "slug"));
}

static void tag(nz__ctx *c, const nz_route_match *m)
{
	list_page(c, "tag", nz_route_param(m, "slug"));
}

static void static_file(nz__ctx *c, const nz_route_match *m)
{
	asset(c, nz_route_param(m, "path"));
}

static void favicon(nz__ctx *c, const nz_route_match *m)
{
	(void)m;
	asset(c, NZ_STR_LIT("favicon.svg"));
}

/* /healthz is answered by app.c before any of this (it must work without settings). */
static void healthz(nz__ctx *c, const nz_route_match *m)
{
	(void)m;
	nz__send_text(c->resp, 200, "ok\n");
}

const nz__route_entry nz__public_routes[] = {
    {"GET", "/", front},
    {"GET", "/healthz", healthz},
    {"GET", "/section/{slug}", section},
    {"GET", "/author/{slug}", author},
    {"GET", "/tag/{slug}", tag},
    {"GET", "/article/{slug}", article},
    {"GET", "/media/{file}", media},
    {"GET", "/static/{*path}", static_file},
    {"GET", "/favicon.ico", favicon},
    {NULL, NULL, NULL},
};
