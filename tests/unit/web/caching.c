/*
 * Tests for web/caching and the newsroom side of the page cache (web/pagecache.c): an
 * article's Surrogate-Keys, its Last-Modified from publication, update and corrections, the
 * Cache-Control of each kind of page, which paths are private, and which requests get the
 * ninjs variant.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "web/app_int.h"

#define T0 1773739800 /* 2026-03-17T09:30:00Z */

static void test_surrogate_keys(void **state)
{
	(void)state;
	nz_http_req req = {.method = "GET", .path = "/", .arena = nz_arena_new()};
	nz_http_resp resp = {0};
	nz__ctx c = {.req = &req, .resp = &resp};
	nz_section sec = {.id = 3, .slug = "defense"};
	nz_tag tags[] = {{.id = 7}, {.id = 8}};
	nz_author authors[] = {{.id = 2}};
	nz_article a = {.id = 12,
			.section = &sec,
			.tags = tags,
			.n_tags = 2,
			.authors = authors,
			.n_authors = 1,
			.published_at = T0,
			.updated_at = T0 + 60};
	nz__surrogate_add(&c, "front");
	nz__surrogate_article(&c, &a);
	nz__surrogate_add(&c, "article-%d", 12); /* a duplicate */
	nz__surrogate_add(&c, "bad key");        /* not a token */
	nz__surrogate_add(&c, "%s", "");
	assert_string_equal(c.cache.keys, "front article-12 section-3 tag-7 tag-8 author-2");
	for (int i = 0; i < 200; i++)
		nz__surrogate_add(&c, "article-%d", 1000 + i);
	assert_non_null(strstr(c.cache.keys, " article-1199"));
	assert_int_equal(strlen(c.cache.keys), c.cache.keys_len);

	nz_correction fix = {.created_at = T0 + 7200};
	assert_int_equal(nz_page_article_modified(&a), T0 + 60);
	a.corrections = &fix;
	a.n_corrections = 1;
	assert_int_equal(nz_page_article_modified(&a), T0 + 7200);
	nz__cache_modified(&c, T0);
	nz__cache_modified(&c, nz_page_article_modified(&a));
	nz__cache_modified(&c, T0 + 10);
	assert_int_equal(c.cache.last_modified, T0 + 7200);

	nz__cache_policy(&c, NZ__CACHE_ARTICLE);
	nz__cache_policy(&c, NZ__CACHE_IMMUTABLE);
	assert_int_equal(resp.n_headers, 1);
	assert_string_equal(nz_http_resp_header_get(&resp, "Cache-Control"),
			    "public, max-age=31536000, immutable");
	nz_arena_free(req.arena);
}

/* The back office and operations are never cached; everything else may be. */
static void test_private_paths(void **state)
{
	(void)state;
	const char *private[] = {"/admin",   "/admin/articles/3", "/api/v1/admin/articles",
				 "/metrics", "/healthz",          "/api/v1/admin"};
	const char *public[] = {"/", "/administrator-notes", "/api/v1/articles", "/article/admin",
				"/metrics.xml"};
	for (size_t i = 0; i < sizeof private / sizeof private[0]; i++)
		assert_true(nz__cache_private_path(private[i]));
	for (size_t i = 0; i < sizeof public / sizeof public[0]; i++)
		assert_false(nz__cache_private_path(public[i]));
}

/* The API's ninjs variant is its own page; elsewhere Accept does not matter. */
static void test_ninjs_variant(void **state)
{
	(void)state;
	char a[256], b[256];
	size_t la, lb;
	const char *ninjs = "application/ninjs+json";
	assert_true(nz_http_pagecache_key("/api/v1/articles/s", "",
					  nz__pagecache_variant("/api/v1/articles/s", ninjs), a,
					  sizeof a, &la));
	assert_true(nz_http_pagecache_key(
	    "/api/v1/articles/s", "",
	    nz__pagecache_variant("/api/v1/articles/s", "application/json"), b, sizeof b, &lb));
	assert_string_not_equal(a, b);
	assert_true(nz_http_pagecache_key(
	    "/article/s", "", nz__pagecache_variant("/article/s", ninjs), a, sizeof a, &la));
	assert_string_equal(a, "/article/s");
	assert_null(nz__pagecache_variant("/api/v1/articles/s", NULL));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_surrogate_keys),
	    cmocka_unit_test(test_ninjs_variant),
	    cmocka_unit_test(test_private_paths),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
