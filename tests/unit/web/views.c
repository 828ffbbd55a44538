/*
 * Tests for what web/views.c keeps of a request for the stats page: a Referer reduced to its
 * host name (never the page, the port or a user name; the site itself left out), and a search
 * query normalized (spaces tidied, ASCII lowercased, cut at a character's boundary); and which
 * User-Agents are robots' (not counted).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "web/app_int.h"
#include "web/web_int.h"

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

static void test_robots(void **state)
{
	(void)state;
	static const char *const robots[] = {
	    "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
	    "Mozilla/5.0 (compatible; bingbot/2.0)",
	    "Mozilla/5.0 (compatible; Yahoo! Slurp)",
	    "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php) Preview",
	    "curl/7.88.1",
	    "Wget/1.21.3",
	    "python-requests/2.31",
	    "Go-http-client/1.1",
	    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 HeadlessChrome/120.0 Safari/537.36",
	    "Mozilla/5.0 (compatible; SemrushCRAWLER)",
	    "Baiduspider",
	    "",
	    NULL,
	};
	for (size_t i = 0; i < sizeof robots / sizeof robots[0]; i++)
		assert_true(nz__views_is_robot(robots[i]));
	static const char *const readers[] = {
	    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
	    "Chrome/120.0.0.0 Safari/537.36",
	    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, "
	    "like Gecko) Version/17.1 Mobile/15E148 Safari/604.1",
	    "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:121.0) Gecko/20100101 Firefox/121.0",
	    "Mozilla/5.0 (Linux; Android 14; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) "
	    "SamsungBrowser/23.0 Chrome/115.0.0.0 Mobile Safari/537.36",
	};
	for (size_t i = 0; i < sizeof readers / sizeof readers[0]; i++)
		assert_false(nz__views_is_robot(readers[i]));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_referrer_host),
	    cmocka_unit_test(test_search_norm),
	    cmocka_unit_test(test_robots),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
