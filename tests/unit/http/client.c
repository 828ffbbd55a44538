/*
 * Tests for http/client: address blocks, and which address of a forwarded list is the client
 * (the rightmost that is not a trusted proxy; nothing believed past a malformed entry).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "http/http_int.h"

static nz__http_cidr proxies[3];
static size_t n_proxies;

static int setup(void **state)
{
	(void)state;
	nz_err err = {0};
	const char *blocks[] = {"127.0.0.1", "10.0.0.0/8", "fd00::/8"};
	for (n_proxies = 0; n_proxies < 3; n_proxies++)
		if (nz__http_cidr_parse(blocks[n_proxies], &proxies[n_proxies], &err) != NZ_OK)
			return -1;
	return 0;
}

static void test_cidr_parse(void **state)
{
	(void)state;
	nz__http_cidr c;
	nz_err err = {0};
	assert_int_equal(nz__http_cidr_parse("192.168.0.0/16", &c, &err), NZ_OK);
	assert_int_equal(c.bits, 16);
	assert_int_equal(nz__http_cidr_parse("::1", &c, &err), NZ_OK);
	assert_int_equal(c.bits, 128);
	const char *bad[] = {"",       "10.0.0.0/33", "10.0.0.0/",   "10.0.0.0/8x",
			     "::/129", "host",        "10.0.0.0/-1", "/8"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		assert_int_equal(nz__http_cidr_parse(bad[i], &c, &err), NZ_INVAL);
		assert_non_null(strstr(err.msg, "trusted proxy"));
	}
}

static void test_trusted(void **state)
{
	(void)state;
	assert_true(nz__http_trusted("127.0.0.1", proxies, n_proxies));
	assert_false(nz__http_trusted("127.0.0.2", proxies, n_proxies));
	assert_true(nz__http_trusted("10.255.1.2", proxies, n_proxies));
	assert_false(nz__http_trusted("11.0.0.1", proxies, n_proxies));
	assert_true(nz__http_trusted("fd12::1", proxies, n_proxies));
	assert_false(nz__http_trusted("fe80::1", proxies, n_proxies));
	assert_true(nz__http_trusted("::ffff:10.1.2.3", proxies, n_proxies)); /* v4-mapped */
	assert_false(nz__http_trusted("unknown", proxies, n_proxies));
	assert_false(nz__http_trusted("1.2.3.4", proxies, 0));
}

static const char *client(const char *list, bool forwarded)
{
	static char out[64];
	return nz__http_forwarded_client(list, forwarded, proxies, n_proxies, out, sizeof out)
		   ? out
		   : NULL;
}

static void test_x_forwarded_for(void **state)
{
	(void)state;
	assert_string_equal(client("203.0.113.9", false), "203.0.113.9");
	/* A client-written entry before the real one changes nothing. */
	assert_string_equal(client("1.1.1.1, 203.0.113.9", false), "203.0.113.9");
	/* Proxies of our own are skipped, right to left. */
	assert_string_equal(client("203.0.113.9, 10.1.1.1, 127.0.0.1", false), "203.0.113.9");
	assert_string_equal(client(" 2001:db8::7 ,10.0.0.2", false), "2001:db8::7");
	assert_string_equal(client("[2001:db8::7]:443", false), "2001:db8::7");
	assert_string_equal(client("198.51.100.1:5555", false), "198.51.100.1");
	/* Garbage before a real client: nothing believed. */
	assert_null(client("203.0.113.9, not-an-address", false));
	assert_null(client("", false));
	assert_null(client("10.0.0.1, 127.0.0.1", false)); /* only proxies */
}

static void test_forwarded(void **state)
{
	(void)state;
	assert_string_equal(client("for=192.0.2.60;proto=http;by=10.0.0.1", true), "192.0.2.60");
	assert_string_equal(client("for=192.0.2.43, for=\"[2001:db8:cafe::17]:4711\"", true),
			    "2001:db8:cafe::17");
	assert_string_equal(client("proto=https; For=\"198.51.100.17\", for=10.0.0.9", true),
			    "198.51.100.17");
	assert_null(client("for=_hidden", true));
	assert_null(client("by=10.0.0.1", true));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_cidr_parse),
	    cmocka_unit_test(test_trusted),
	    cmocka_unit_test(test_x_forwarded_for),
	    cmocka_unit_test(test_forwarded),
	};
	return cmocka_run_group_tests(tests, setup, NULL);
}
