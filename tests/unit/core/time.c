/*
 * Tests for core/time.c: RFC 3339 and HTTP date parsing, the machine formats, and dates shown
 * to readers in English and Korean at the site's offset, across day, month and year ends.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/core.h"

#define T_0930Z 1773739800 /* 2026-03-17T09:30:00Z, a Tuesday */
#define KST 540

static nz_time parse(const char *s)
{
	nz_time t = -1;

	assert_int_equal(nz_time_parse_rfc3339(nz_str_c(s), &t), NZ_OK);
	return t;
}

static void test_parse_rfc3339(void **state)
{
	(void)state;
	assert_int_equal(parse("2026-03-17T09:30:00Z"), T_0930Z);
	assert_int_equal(parse("2026-03-17T18:30:00+09:00"), T_0930Z);
	assert_int_equal(parse("2026-03-17T04:30:00-05:00"), T_0930Z);
	assert_int_equal(parse("2026-03-17T09:30:00.123Z"), T_0930Z);
	assert_int_equal(parse("2026-03-17T09:30:00.999999+00:00"), T_0930Z);
	assert_int_equal(parse("2026-03-17t09:30:00z"), T_0930Z);
	assert_int_equal(parse("2026-03-17 09:30:00Z"), T_0930Z);
	assert_int_equal(parse("2026-03-17"), 1773705600);
	assert_int_equal(parse("1970-01-01T00:00:00Z"), 0);
	assert_int_equal(parse("2024-02-29"), 1709164800); /* leap day */
	/* An offset that moves the instant into the previous day, month and year. */
	assert_int_equal(parse("2026-01-01T00:30:00+09:00"), 1767195000);
	/* The first and last instants with a four-digit year in UTC. */
	char out[40];
	assert_string_equal(nz_time_rfc3339(parse("0000-01-01T00:00:00Z"), out),
			    "0000-01-01T00:00:00Z");
	assert_string_equal(nz_time_rfc3339(parse("9999-12-31T23:59:59Z"), out),
			    "9999-12-31T23:59:59Z");
}

static void test_parse_rfc3339_rejects(void **state)
{
	(void)state;
	const char *bad[] = {"",
			     "garbage",
			     "2026-13-01",
			     "2026-00-10",
			     "2026-02-30",
			     "2026-02-29", /* 2026 is not a leap year */
			     "2026-04-31",
			     "2026-03-00",
			     "2026-3-17",
			     "26-03-17",
			     "2026-03-17T",
			     "2026-03-17T09:30:00", /* no zone: ambiguous */
			     "2026-03-17T24:00:00Z",
			     "2026-03-17T09:60:00Z",
			     "2026-03-17T09:30:61Z",
			     "2026-03-17T09:30:00.Z",
			     "2026-03-17T09:30:00+0900",
			     "2026-03-17T09:30:00+24:00",
			     "2026-03-17T09:30:00Z trailing",
			     "2026-03-17X09:30:00Z",
			     "9999-12-31T23:59:60Z", /* UTC in year 10000 */
			     "9999-12-31T23:00:00-01:00",
			     "0000-01-01T00:00:00+00:01", /* UTC before year 0 */
			     "２０２６-03-17"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		nz_time t = 42;

		if (nz_time_parse_rfc3339(nz_str_c(bad[i]), &t) != NZ_PARSE)
			fail_msg("accepted \"%s\"", bad[i]);
		assert_int_equal(t, 42); /* untouched */
	}
}

static void test_parse_http(void **state)
{
	(void)state;
	nz_time t = 0;

	assert_int_equal(nz_time_parse_http(nz_str_c("Sun, 06 Nov 1994 08:49:37 GMT"), &t), NZ_OK);
	assert_int_equal(t, 784111777);
	assert_int_equal(nz_time_parse_http(nz_str_c("Tue, 17 Mar 2026 09:30:00 GMT"), &t), NZ_OK);
	assert_int_equal(t, T_0930Z);
	const char *bad[] = {"",
			     "Sunday, 06-Nov-94 08:49:37 GMT",
			     "Sun Nov  6 08:49:37 1994",
			     "Sun, 06 Nov 1994 08:49:37 UTC",
			     "Sun, 31 Nov 1994 08:49:37 GMT",
			     "Xyz, 06 Nov 1994 08:49:37 GMT",
			     "Sun, 06 Now 1994 08:49:37 GMT",
			     "Sun, 06 Nov 1994 25:49:37 GMT",
			     "Sun, 06 Nov 1994 08:49:37 GMTX"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		if (nz_time_parse_http(nz_str_c(bad[i]), &t) != NZ_PARSE)
			fail_msg("accepted \"%s\"", bad[i]);
}

static void test_machine_formats(void **state)
{
	(void)state;
	char out[40];

	assert_string_equal(nz_time_rfc3339(T_0930Z, out), "2026-03-17T09:30:00Z");
	assert_string_equal(nz_time_rfc822(T_0930Z, out), "Tue, 17 Mar 2026 09:30:00 +0000");
	assert_string_equal(nz_time_http(T_0930Z, out), "Tue, 17 Mar 2026 09:30:00 GMT");
	assert_string_equal(nz_time_http(784111777, out), "Sun, 06 Nov 1994 08:49:37 GMT");
	assert_string_equal(nz_time_rfc3339(0, out), "1970-01-01T00:00:00Z");
	assert_string_equal(nz_time_rfc3339_local(T_0930Z, KST, out), "2026-03-17T18:30:00+09:00");
	assert_string_equal(nz_time_rfc3339_local(T_0930Z, -300, out), "2026-03-17T04:30:00-05:00");
	assert_string_equal(nz_time_rfc3339_local(T_0930Z, 330, out), "2026-03-17T15:00:00+05:30");
	assert_string_equal(nz_time_rfc3339_local(T_0930Z, 0, out), "2026-03-17T09:30:00+00:00");
}

/* The calendar math agrees with the C library's gmtime_r over two centuries. */
static void test_agrees_with_gmtime(void **state)
{
	(void)state;
	for (int64_t t = 0; t < 4102444800LL /* 2100 */; t += 86400 * 13 + 3607) {
		time_t tt = (time_t)t;
		struct tm tm;
		char want[40], got[40], http_want[40], http_got[40];

		gmtime_r(&tt, &tm);
		strftime(want, sizeof want, "%Y-%m-%dT%H:%M:%SZ", &tm);
		strftime(http_want, sizeof http_want, "%a, %d %b %Y %H:%M:%S GMT", &tm);
		assert_string_equal(nz_time_rfc3339(t, got), want);
		assert_string_equal(nz_time_http(t, http_got), http_want);
		assert_int_equal(parse(got), t);
		nz_time back = 0;
		assert_int_equal(nz_time_parse_http(nz_str_c(http_got), &back), NZ_OK);
		assert_int_equal(back, t);
	}
}

static void test_human_dates(void **state)
{
	(void)state;
	char out[64];

	assert_string_equal(nz_time_human(T_0930Z, KST, "en", true, out), "March 17, 2026 18:30");
	assert_string_equal(nz_time_human(T_0930Z, KST, "ko", true, out), "2026년 3월 17일 18:30");
	assert_string_equal(nz_time_human(T_0930Z, KST, "en", false, out), "March 17, 2026");
	assert_string_equal(nz_time_human(T_0930Z, KST, "ko", false, out), "2026년 3월 17일");
	assert_string_equal(nz_time_human(T_0930Z, KST, "ko-KR", false, out), "2026년 3월 17일");
	/* Unknown languages read as English; the day has no leading zero, the clock is 24h. */
	assert_string_equal(nz_time_human(1767232800, 0, "fr", true, out), "January 1, 2026 02:00");
	assert_string_equal(nz_time_human(1767232800, 0, NULL, true, out), "January 1, 2026 02:00");
}

/* The zone label readers see beside a clock: whole hours short, odd offsets with minutes. */
static void test_zone_labels(void **state)
{
	(void)state;
	char out[16];

	assert_string_equal(nz_time_zone_label(KST, out), "UTC+9");
	assert_string_equal(nz_time_zone_label(0, out), "UTC");
	assert_string_equal(nz_time_zone_label(-300, out), "UTC-5");
	assert_string_equal(nz_time_zone_label(330, out), "UTC+5:30");
	assert_string_equal(nz_time_zone_label(-210, out), "UTC-3:30");
	assert_string_equal(nz_time_zone_label(14 * 60, out), "UTC+14");
}

static void test_human_dates_cross_boundaries(void **state)
{
	(void)state;
	char out[64];

	/* 20:00 UTC is the next morning in Seoul. */
	assert_string_equal(nz_time_human(1773777600, KST, "en", true, out),
			    "March 18, 2026 05:00");
	/* March 31 16:00 UTC is April 1 in Seoul. */
	assert_string_equal(nz_time_human(1774972800, KST, "ko", true, out),
			    "2026년 4월 1일 01:00");
	/* New Year's Eve 15:30 UTC is New Year's Day in Seoul. */
	assert_string_equal(nz_time_human(1767195000, KST, "en", true, out),
			    "January 1, 2026 00:30");
	assert_string_equal(nz_time_human(1767195000, KST, "ko", true, out),
			    "2026년 1월 1일 00:30");
	assert_string_equal(nz_time_human(1767195000, 0, "en", true, out),
			    "December 31, 2025 15:30");
	/* A zone west of UTC goes back into the old year. */
	assert_string_equal(nz_time_human(1767232800, -300, "en", true, out),
			    "December 31, 2025 21:00");
	/* Leap day. */
	assert_string_equal(nz_time_human(1709150400, KST, "en", false, out), "February 29, 2024");
}

static void test_now(void **state)
{
	(void)state;
	nz_time a = (nz_time)time(NULL);
	nz_time now = nz_time_now();

	assert_true(now >= a && now <= a + 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_parse_rfc3339),
	    cmocka_unit_test(test_parse_rfc3339_rejects),
	    cmocka_unit_test(test_parse_http),
	    cmocka_unit_test(test_machine_formats),
	    cmocka_unit_test(test_agrees_with_gmtime),
	    cmocka_unit_test(test_human_dates),
	    cmocka_unit_test(test_zone_labels),
	    cmocka_unit_test(test_human_dates_cross_boundaries),
	    cmocka_unit_test(test_now),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
