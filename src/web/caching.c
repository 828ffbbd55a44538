/*
 * web/caching: what the newsroom's handlers tell HTTP caching about a response: how long its
 * kind of page may be cached (nz__cache_policy), the newest content time it shows
 * (nz__cache_modified) and which articles, sections, tags and authors it depends on
 * (nz__surrogate_*). The step that turns this into ETag, 304, gzip and Surrogate-Key is
 * http/cache.c's; nz__cache_finish runs it on the request.
 *
 * Rules: no store, no I/O; every string lives in the request's arena.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "web/web_int.h"

static const char *const policies[] = {
    [NZ__CACHE_FRONT] = "public, max-age=60, stale-while-revalidate=60",
    [NZ__CACHE_LIST] = "public, max-age=120, stale-while-revalidate=120",
    [NZ__CACHE_ARTICLE] = "public, max-age=300, stale-while-revalidate=600",
    [NZ__CACHE_FEED] = "public, max-age=300",
    [NZ__CACHE_ASSET] = "public, max-age=300",
    [NZ__CACHE_IMMUTABLE] = "public, max-age=31536000, immutable",
    [NZ__CACHE_PRIVATE] = "private, no-store",
};

bool nz__cache_private_path(const char *path)
{
	static const char *const private_prefixes[] = {"/admin", "/api/v1/admin"};
	for (size_t i = 0; i < sizeof private_prefixes / sizeof private_prefixes[0]; i++) {
		size_t n = strlen(private_prefixes[i]);
		if (strncmp(path, private_prefixes[i], n) == 0 &&
		    (path[n] == '\0' || path[n] == '/'))
			return true;
	}
	return strcmp(path, "/metrics") == 0 || strcmp(path, "/healthz") == 0;
}

void nz__surrogate_add(nz__ctx *c, const char *fmt, ...)
{
	char key[NZ_HTTP_CACHE_KEY_MAX];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(key, sizeof key, fmt, ap);
	va_end(ap);
	if (n > 0 && (size_t)n < sizeof key) /* a truncated key would name something else */
		nz_http_cache_key(&c->cache, c->req->arena, key);
}

void nz__surrogate_article(nz__ctx *c, const nz_article *a)
{
	nz__surrogate_add(c, "article-%lld", (long long)a->id);
	if (a->section && a->section->id)
		nz__surrogate_add(c, "section-%lld", (long long)a->section->id);
	for (size_t i = 0; i < a->n_tags; i++)
		nz__surrogate_add(c, "tag-%lld", (long long)a->tags[i].id);
	for (size_t i = 0; i < a->n_authors; i++)
		nz__surrogate_add(c, "author-%lld", (long long)a->authors[i].id);
}

void nz__cache_modified(nz__ctx *c, nz_time t)
{
	nz_http_cache_modified(&c->cache, t);
}

void nz__cache_list(nz__ctx *c, const nz_article *items, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		nz__cache_modified(c, nz_page_article_modified(&items[i]));
		nz__surrogate_add(c, "article-%lld", (long long)items[i].id);
	}
}

void nz__cache_policy(nz__ctx *c, nz__cache_kind kind)
{
	if ((unsigned)kind < sizeof policies / sizeof policies[0])
		nz_http_resp_header_set(c->resp, "Cache-Control", policies[kind]);
}

void nz__cache_finish(nz__ctx *c)
{
	nz_rc rc = nz_http_cache_finish(c->req, c->resp, &c->cache);
	if (rc != NZ_OK)
		NZ_LOG(NZ_LOG_WARN, "web", "caching headers for %s: %s", c->req->path,
		       nz_strerror(rc));
}
