/*
 * Tests for http/router: literal segments, {name} and {*rest} captures, HEAD on GET routes,
 * 405 Allow lists, trailing slashes and empty segments.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "http/http.h"

enum {
	R_HOME = 1,
	R_ARTICLE,
	R_SECTION,
	R_STATIC,
	R_API_LIST,
	R_API_CREATE,
	R_API_ONE,
	R_API_PATCH,
	R_API_ACTION,
	R_SEARCH,
	R_SEC_SLASH
};

static const nz_route routes[] = {
    {"GET", "/", R_HOME},
    {"GET", "/article/{slug}", R_ARTICLE},
    {"GET", "/section/{slug}", R_SECTION},
    {"GET", "/static/{*path}", R_STATIC},
    {"GET", "/api/v1/articles", R_API_LIST},
    {"POST", "/api/v1/admin/articles", R_API_CREATE},
    {"GET", "/api/v1/admin/articles/{id}", R_API_ONE},
    {"PATCH", "/api/v1/admin/articles/{id}", R_API_PATCH},
    {"POST", "/api/v1/admin/articles/{id}/{action}", R_API_ACTION},
    {"GET", "/search", R_SEARCH},
};
#define N_ROUTES (sizeof routes / sizeof routes[0])

static nz_rc route(const char *method, const char *path, nz_route_match *m, const char **allow)
{
	return nz_router_match(routes, N_ROUTES, method, path, m, allow);
}

static void assert_param(const nz_route_match *m, const char *name, const char *want)
{
	nz_str v = nz_route_param(m, name);
	assert_int_equal(v.len, strlen(want));
	assert_memory_equal(v.p, want, v.len);
}

static void test_literal_routes(void **state)
{
	(void)state;
	nz_route_match m;
	assert_int_equal(route("GET", "/", &m, NULL), NZ_OK);
	assert_int_equal(m.id, R_HOME);
	assert_int_equal(m.n, 0);
	assert_int_equal(route("GET", "/api/v1/articles", &m, NULL), NZ_OK);
	assert_int_equal(m.id, R_API_LIST);
	assert_int_equal(route("GET", "/search", &m, NULL), NZ_OK);
	assert_int_equal(m.id, R_SEARCH);
}

static void test_captures(void **state)
{
	(void)state;
	nz_route_match m;
	assert_int_equal(route("GET", "/article/us-korea-drill", &m, NULL), NZ_OK);
	assert_int_equal(m.id, R_ARTICLE);
	assert_int_equal(m.n, 1);
	assert_param(&m, "slug", "us-korea-drill");
	assert_int_equal(route("POST", "/api/v1/admin/articles/42/publish", &m, NULL), NZ_OK);
	assert_int_equal(m.id, R_API_ACTION);
	assert_param(&m, "id", "42");
	assert_param(&m, "action", "publish");
	/* An unknown name gives an empty slice, not a crash. */
	assert_int_equal(nz_route_param(&m, "slug").len, 0);
	assert_int_equal(nz_route_param(&m, "i").len, 0);
}

static void test_hangul_segment(void **state)
{
	(void)state;
	nz_route_match m;
	assert_int_equal(route("GET", "/article/국방-예산", &m, NULL), NZ_OK);
	assert_int_equal(m.id, R_ARTICLE);
	assert_param(&m, "slug", "국방-예산");
	assert_int_equal(route("GET", "/section/정치", &m, NULL), NZ_OK);
	assert_param(&m, "slug", "정치");
}

static void test_rest_capture(void **state)
{
	(void)state;
	nz_route_match m;
	assert_int_equal(route("GET", "/static/css/site.css", &m, NULL), NZ_OK);
	assert_int_equal(m.id, R_STATIC);
	assert_param(&m, "path", "css/site.css");
	assert_int_equal(route("GET", "/static/img/사진/1.jpg", &m, NULL), NZ_OK);
	assert_param(&m, "path", "img/사진/1.jpg");
	/* The rest must not be empty. */
	assert_int_equal(route("GET", "/static/", &m, NULL), NZ_NOTFOUND);
	assert_int_equal(route("GET", "/static", &m, NULL), NZ_NOTFOUND);
}

static void test_head_matches_get(void **state)
{
	(void)state;
	nz_route_match m;
	assert_int_equal(route("HEAD", "/article/x", &m, NULL), NZ_OK);
	assert_int_equal(m.id, R_ARTICLE);
	const char *allow = "unset";
	/* But GET does not match a HEAD-only route, and POST routes do not take HEAD. */
	static const nz_route head_only[] = {{"HEAD", "/ping", 1}, {"POST", "/form", 2}};
	assert_int_equal(nz_router_match(head_only, 2, "GET", "/ping", &m, &allow), NZ_METHOD);
	assert_string_equal(allow, "HEAD");
	assert_int_equal(nz_router_match(head_only, 2, "HEAD", "/form", &m, &allow), NZ_METHOD);
	assert_string_equal(allow, "POST");
}

static void test_method_not_allowed(void **state)
{
	(void)state;
	nz_route_match m;
	const char *allow = NULL;
	assert_int_equal(route("POST", "/article/x", &m, &allow), NZ_METHOD);
	assert_string_equal(allow, "GET, HEAD");
	assert_int_equal(route("DELETE", "/api/v1/admin/articles/7", &m, &allow), NZ_METHOD);
	assert_string_equal(allow, "GET, HEAD, PATCH");
	assert_int_equal(route("GET", "/api/v1/admin/articles", &m, &allow), NZ_METHOD);
	assert_string_equal(allow, "POST");
	/* A method listed twice appears once. */
	static const nz_route twice[] = {{"POST", "/a/{x}", 1}, {"POST", "/a/b", 2}};
	assert_int_equal(nz_router_match(twice, 2, "PUT", "/a/b", &m, &allow), NZ_METHOD);
	assert_string_equal(allow, "POST");
	/* allow may be NULL. */
	assert_int_equal(route("PUT", "/", &m, NULL), NZ_METHOD);
}

static void test_no_match(void **state)
{
	(void)state;
	nz_route_match m;
	const char *allow = "unset";
	assert_int_equal(route("GET", "/nowhere", &m, &allow), NZ_NOTFOUND);
	assert_null(allow);
	assert_int_equal(route("GET", "/article", &m, NULL), NZ_NOTFOUND);
	assert_int_equal(route("GET", "/article/a/b", &m, NULL), NZ_NOTFOUND);
	assert_int_equal(route("GET", "/articles/x", &m, NULL), NZ_NOTFOUND);
	assert_int_equal(route("GET", "", &m, NULL), NZ_NOTFOUND);
	assert_int_equal(route("GET", "article/x", &m, NULL), NZ_NOTFOUND);
	assert_int_equal(nz_router_match(routes, 0, "GET", "/", &m, NULL), NZ_NOTFOUND);
}

static void test_trailing_slash(void **state)
{
	(void)state;
	nz_route_match m;
	assert_int_equal(route("GET", "/section/world/", &m, NULL), NZ_NOTFOUND);
	assert_int_equal(route("GET", "/search/", &m, NULL), NZ_NOTFOUND);
	static const nz_route with_slash[] = {{"GET", "/section/{slug}/", R_SEC_SLASH}};
	assert_int_equal(nz_router_match(with_slash, 1, "GET", "/section/world/", &m, NULL), NZ_OK);
	assert_param(&m, "slug", "world");
	assert_int_equal(nz_router_match(with_slash, 1, "GET", "/section/world", &m, NULL),
			 NZ_NOTFOUND);
}

static void test_empty_segments(void **state)
{
	(void)state;
	nz_route_match m;
	assert_int_equal(route("GET", "//", &m, NULL), NZ_NOTFOUND);
	assert_int_equal(route("GET", "/article//", &m, NULL), NZ_NOTFOUND);
	assert_int_equal(route("GET", "/article/", &m, NULL), NZ_NOTFOUND);
	assert_int_equal(route("GET", "//article/x", &m, NULL), NZ_NOTFOUND);
	assert_int_equal(route("POST", "/api/v1/admin/articles//publish", &m, NULL), NZ_NOTFOUND);
}

static void test_first_route_wins(void **state)
{
	(void)state;
	static const nz_route order[] = {{"GET", "/article/new", 1},
					 {"GET", "/article/{slug}", 2},
					 {"POST", "/article/{slug}", 3}};
	nz_route_match m;
	assert_int_equal(nz_router_match(order, 3, "GET", "/article/new", &m, NULL), NZ_OK);
	assert_int_equal(m.id, 1);
	assert_int_equal(nz_router_match(order, 3, "GET", "/article/old", &m, NULL), NZ_OK);
	assert_int_equal(m.id, 2);
	/* A later route with the right method wins over an earlier one with the wrong method. */
	assert_int_equal(nz_router_match(order, 3, "POST", "/article/new", &m, NULL), NZ_OK);
	assert_int_equal(m.id, 3);
	assert_param(&m, "slug", "new");
}

static void test_malformed_patterns(void **state)
{
	(void)state;
	static const nz_route bad[] = {
	    {"GET", "/a/{*rest}/b", 1},         /* rest not last */
	    {"GET", "/{a}/{b}/{c}/{d}/{e}", 2}, /* more captures than fit */
	    {NULL, "/x", 3},
	    {"GET", NULL, 4},
	};
	nz_route_match m;
	assert_int_equal(nz_router_match(bad, 4, "GET", "/a/x/b", &m, NULL), NZ_NOTFOUND);
	assert_int_equal(nz_router_match(bad, 4, "GET", "/1/2/3/4/5", &m, NULL), NZ_NOTFOUND);
	assert_int_equal(nz_router_match(bad, 4, "GET", "/x", &m, NULL), NZ_NOTFOUND);
	/* Braces without a proper name are literal text. */
	static const nz_route braces[] = {{"GET", "/{}/{*}/{a}}", 6}};
	assert_int_equal(nz_router_match(braces, 1, "GET", "/{}/{*}/{a}}", &m, NULL), NZ_OK);
	assert_int_equal(m.n, 0);
	assert_int_equal(nz_router_match(braces, 1, "GET", "/x/y/z", &m, NULL), NZ_NOTFOUND);
	static const nz_route four[] = {{"GET", "/{a}/{b}/{c}/{d}", 5}};
	assert_int_equal(nz_router_match(four, 1, "GET", "/1/2/3/4", &m, NULL), NZ_OK);
	assert_int_equal(m.n, 4);
	assert_param(&m, "d", "4");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_literal_routes),     cmocka_unit_test(test_captures),
	    cmocka_unit_test(test_hangul_segment),     cmocka_unit_test(test_rest_capture),
	    cmocka_unit_test(test_head_matches_get),   cmocka_unit_test(test_method_not_allowed),
	    cmocka_unit_test(test_no_match),           cmocka_unit_test(test_trailing_slash),
	    cmocka_unit_test(test_empty_segments),     cmocka_unit_test(test_first_route_wins),
	    cmocka_unit_test(test_malformed_patterns),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
