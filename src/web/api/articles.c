/*
 * web/api/articles: the JSON API's read side (DESIGN.md "Stable interfaces"). Only public articles;
 * errors are {"error":{"code","message"}} with the matching status.
 *
 * The cursor is opaque to clients: "<listed_at>.<id>" of the last article of a page (the list's
 * order: publication, or a live story's newest update), read back as a keyset position, so pages
 * stay stable while new articles are published.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "web/api/api_int.h"

#define API_LIMIT_DEFAULT 20
#define API_LIMIT_MAX 100

static bool parse_cursor(const char *s, nz_time *t, int64_t *id)
{
	char *end = NULL;
	errno = 0;
	long long a = strtoll(s, &end, 10);
	if (errno || end == s || *end != '.' || a <= 0)
		return false;
	const char *rest = end + 1;
	long long b = strtoll(rest, &end, 10);
	if (errno || end == rest || *end || b <= 0)
		return false;
	*t = a;
	*id = b;
	return true;
}

static bool parse_limit(const char *s, size_t *limit)
{
	char *end = NULL;
	errno = 0;
	long v = s ? strtol(s, &end, 10) : API_LIMIT_DEFAULT;
	if (s && (errno || end == s || *end))
		return false;
	if (v < 1 || v > API_LIMIT_MAX)
		return false;
	*limit = (size_t)v;
	return true;
}

/* Fills q from the query string; answers 400 itself and returns false on a bad parameter. */
static bool read_query(nz__ctx *c, nz_article_query *q)
{
	nz_http_req *req = c->req;
	q->section_slug = nz_http_query(req, "section");
	q->tag_slug = nz_http_query(req, "tag");
	q->author_slug = nz_http_query(req, "author");
	q->language = nz_http_query(req, "lang");
	if (q->language && !nz_language_valid(q->language)) {
		nz__send_json_error(c->resp, 400, "invalid_parameter",
				    "lang must be a language the site has, such as en or ko");
		return false;
	}
	if (!parse_limit(nz_http_query(req, "limit"), &q->limit)) {
		nz__send_json_error(c->resp, 400, "invalid_parameter",
				    "limit must be a whole number from 1 to 100");
		return false;
	}
	const char *cursor = nz_http_query(req, "cursor");
	if (cursor && !parse_cursor(cursor, &q->before_time, &q->before_id)) {
		nz__send_json_error(c->resp, 400, "invalid_cursor",
				    "cursor must be a next_cursor value from an earlier response");
		return false;
	}
	return true;
}

static void articles(nz__ctx *c, const nz_route_match *m)
{
	(void)m;
	nz_article_query q = {0};
	nz_article_list list = {0};
	nz_err err = {0};
	if (nz_http_query(c->req, "q")) { /* full-text search: search.c */
		nz__search_api(c);
		return;
	}
	if (!read_query(c, &q))
		return;
	q.public_only = true;
	q.now = c->page.now;
	if (nz_store_article_list(c->store, c->req->arena, &q, &list, &err) != NZ_OK) {
		NZ_LOG(NZ_LOG_ERROR, "api", "list: %s", err.msg);
		nz__send_json_error(c->resp, 500, "internal", "the articles could not be listed");
		return;
	}
	json_t *root = json_object();
	json_t *items = json_array();
	for (size_t i = 0; root && items && i < list.n; i++)
		json_array_append_new(items, nz_json_article(&c->site, &list.items[i]));
	json_t *next = json_null();
	if (list.has_more && list.n > 0) {
		const nz_article *last = &list.items[list.n - 1];
		char buf[64];
		snprintf(buf, sizeof buf, "%" PRId64 ".%" PRId64, (int64_t)last->listed_at,
			 last->id);
		next = json_string(buf);
	}
	json_object_set_new(root, "articles", items);
	json_object_set_new(root, "next_cursor", next);
	json_object_set_new(root, "total", json_integer((json_int_t)list.total));
	nz__cache_policy(c, NZ__CACHE_LIST);
	nz__surrogate_add(c, "front");
	nz__cache_list(c, list.items, list.n);
	nz__send_json(c->resp, 200, root);
}

static void article(nz__ctx *c, const nz_route_match *m)
{
	nz_str slug = nz_route_param(m, "slug");
	nz_err err = {0};
	nz_article *a = NULL;
	bool suffix = nz_str_ends_with(slug, ".ninjs");
	bool ninjs = nz__ninjs_wanted(c, &slug); /* "{slug}.ninjs" or Accept */
	const char *s = nz_arena_str(c->req->arena, slug);
	/* The plain URL answers JSON or ninjs by Accept: caches must keep both apart. */
	if (!suffix)
		nz_http_resp_header(c->resp, "Vary", "Accept");
	nz_rc rc = s ? nz_store_article_by_slug(c->store, c->req->arena, s, &a, &err) : NZ_NOMEM;
	if (rc == NZ_NOTFOUND || (rc == NZ_OK && !nz_article_is_public(a, c->page.now))) {
		nz__send_json_error(c->resp, 404, "not_found",
				    "no published article has this slug");
		return;
	}
	if (rc != NZ_OK) {
		NZ_LOG(NZ_LOG_ERROR, "api", "article %s: %s", s ? s : "?", err.msg);
		nz__send_json_error(c->resp, 500, "internal", "the article could not be loaded");
		return;
	}
	if (ninjs) {
		nz__send_ninjs(c, a);
		return;
	}
	nz__cache_policy(c, NZ__CACHE_ARTICLE);
	nz__surrogate_article(c, a);
	nz__cache_modified(c, nz_page_article_modified(a));
	nz__send_json(c->resp, 200, nz_json_article(&c->site, a));
}

const nz__route_entry nz__api_routes[] = {
    {"GET", "/api/v1/articles", articles},
    {"GET", "/api/v1/articles/{slug}", article},
    {NULL, NULL, NULL},
};
