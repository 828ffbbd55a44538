/*
 * Tests for what web/views.c keeps of a request for the stats page: a Referer reduced to its
 * host name (never the page, the port or a user name; the site itself left out), and a search
 * query normalized (spaces tidied, ASCII lowercased, cut at a character's boundary).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "web/app_int.h"

static void test_referrer_host(void **state)
{
	(void)state;
	char h[128];
	assert_true(nz__views_referrer_host("https://User:pw@News.Example.ORG:8443/a?b#c",
					    "news.local:8080", h, sizeof h));
	assert_string_equal(h, "news.example.org");
	assert_true(nz__views_referrer_host("http://t.co", "news.local", h, sizeof h));
	assert_string_equal(h, "t.co");
	/* the site itself, whatever its port or case */
	assert_false(
	    nz__views_referrer_host("http://NEWS.local/section/x", "news.local:8080", h, sizeof h));
	/* no site: other schemes, junk, an empty or over-long host */
	assert_false(nz__views_referrer_host("android-app://com.x", "n", h, sizeof h));
	assert_false(nz__views_referrer_host("https:///path", "n", h, sizeof h));
	assert_false(nz__views_referrer_host("https://a b.com/", "n", h, sizeof h));
	assert_false(nz__views_referrer_host("https://<script>/", "n", h, sizeof h));
	assert_false(nz__views_referrer_host(NULL, "n", h, sizeof h));
	assert_false(nz__views_referrer_host("https://example.com/", "n", h, 5));
}

static void test_search_norm(void **state)
{
	(void)state;
	char q[16];
	nz__views_search_norm("  Zebra \t\x01 CROSSING  ", q, sizeof q);
	assert_string_equal(q, "zebra crossing");
	/* 3 bytes a syllable: "국방부 예" is 13 bytes, one more syllable would need 16 */
	nz__views_search_norm("국방부 예산안", q, sizeof q);
	assert_string_equal(q, "국방부 예");
	nz__views_search_norm(NULL, q, sizeof q);
	assert_string_equal(q, "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_referrer_host),
	    cmocka_unit_test(test_search_norm),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
