/*
 * Tests for core/tz.c: zones of the system's tz database at known instants, on both sides of
 * daylight-saving changes, beyond the last transition of the file (the footer's rule), fixed
 * zones, wall-clock times turned into instants, refused names, and lookups from many threads.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <pthread.h>
#include <string.h>

#include "core/core.h"

static nz_time at(const char *s)
{
	nz_time t = -1;
	assert_int_equal(nz_time_parse_rfc3339(nz_str_c(s), &t), NZ_OK);
	return t;
}

/* Asserts the zone's offset (seconds) and abbreviation at the instant. */
static void expect(const char *zone, const char *when, int offset, const char *abbr)
{
	nz_tz_info i;
	assert_true(nz_tz_at(zone, at(when), &i));
	assert_int_equal(i.offset, offset);
	assert_string_equal(i.abbr, abbr);
}

static void test_new_york_2026(void **state)
{
	(void)state;
	/* Clocks go forward at 02:00 EST on March 8 (07:00Z) and back at 02:00 EDT on
	 * November 1 (06:00Z). */
	expect("America/New_York", "2026-01-15T12:00:00Z", -5 * 3600, "EST");
	expect("America/New_York", "2026-03-08T06:59:59Z", -5 * 3600, "EST");
	expect("America/New_York", "2026-03-08T07:00:00Z", -4 * 3600, "EDT");
	expect("America/New_York", "2026-07-01T12:00:00Z", -4 * 3600, "EDT");
	expect("America/New_York", "2026-11-01T05:59:59Z", -4 * 3600, "EDT");
	expect("America/New_York", "2026-11-01T06:00:00Z", -5 * 3600, "EST");
	nz_tz_info i;
	nz_tz_at("America/New_York", at("2026-07-01T12:00:00Z"), &i);
	assert_true(i.dst);
	assert_string_equal(i.label, "EDT");
}

static void test_after_the_last_transition(void **state)
{
	(void)state;
	/* Beyond the file's table the footer's POSIX rule answers, north and south. */
	expect("America/New_York", "2090-01-10T12:00:00Z", -5 * 3600, "EST");
	expect("America/New_York", "2090-07-10T12:00:00Z", -4 * 3600, "EDT");
	expect("America/New_York", "2090-03-12T06:59:59Z", -5 * 3600, "EST"); /* 2nd Sunday */
	expect("America/New_York", "2090-03-12T07:00:00Z", -4 * 3600, "EDT");
	expect("Australia/Sydney", "2090-01-10T12:00:00Z", 11 * 3600, "AEDT");
	expect("Australia/Sydney", "2090-07-10T12:00:00Z", 10 * 3600, "AEST");
	expect("Asia/Seoul", "2150-07-10T12:00:00Z", 9 * 3600, "KST");
}

static void test_other_zones(void **state)
{
	(void)state;
	expect("Asia/Seoul", "2026-01-15T00:00:00Z", 9 * 3600, "KST");
	expect("Asia/Seoul", "2026-07-01T00:00:00Z", 9 * 3600, "KST");
	expect("UTC", "2026-07-01T00:00:00Z", 0, "UTC");
	expect("Europe/London", "2026-03-29T00:59:59Z", 0, "GMT");
	expect("Europe/London", "2026-03-29T01:00:00Z", 3600, "BST");
	expect("Europe/London", "2026-10-25T00:59:59Z", 3600, "BST");
	expect("Europe/London", "2026-10-25T01:00:00Z", 0, "GMT");
	expect("Asia/Kolkata", "2026-07-01T00:00:00Z", 5 * 3600 + 1800, "IST");
}

static void test_fixed_zones(void **state)
{
	(void)state;
	char name[16];
	nz_tz_info i;
	expect("Etc/GMT-9", "2026-07-01T00:00:00Z", 9 * 3600, "+09");
	nz_tz_at("Etc/GMT-9", at("2026-07-01T00:00:00Z"), &i);
	assert_string_equal(i.label, "UTC+9");
	assert_string_equal(nz_tz_from_offset(0, name), "UTC");
	assert_string_equal(nz_tz_from_offset(540, name), "Etc/GMT-9");
	assert_string_equal(nz_tz_from_offset(-300, name), "Etc/GMT+5");
	assert_string_equal(nz_tz_from_offset(330, name), "UTC+05:30");
	assert_int_equal(nz_tz_check("UTC+05:30", NULL), NZ_OK);
	nz_tz_at("UTC+05:30", at("2026-07-01T00:00:00Z"), &i);
	assert_int_equal(i.offset, 5 * 3600 + 1800);
	assert_string_equal(i.label, "UTC+5:30");
	/* Every whole-hour offset maps to a zone the database has, at that offset. */
	for (int h = -12; h <= 14; h++) {
		nz_tz_from_offset(h * 60, name);
		assert_int_equal(nz_tz_check(name, NULL), NZ_OK);
		assert_int_equal(nz_tz_offset_min(name, at("2026-01-01T00:00:00Z")), h * 60);
	}
}

static void test_bad_names(void **state)
{
	(void)state;
	static const char *bad[] = {
	    "",     "../../etc/passwd", "/etc/passwd", "Asia/../UTC", "Nowhere/City", "Asia/Seoul ",
	    "Asia", "zone.tab",         "UTC+25:00"};
	nz_err err = {0};
	for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
		nz_tz_info i;
		assert_int_equal(nz_tz_check(bad[k], &err), NZ_INVAL);
		assert_non_null(strstr(err.msg, "time_zone"));
		assert_false(nz_tz_at(bad[k], at("2026-07-01T00:00:00Z"), &i));
		assert_int_equal(i.offset, 0);
		assert_string_equal(i.label, "UTC");
	}
	assert_int_equal(nz_tz_check("Asia/Seoul", NULL), NZ_OK);
	assert_int_equal(nz_tz_check("America/New_York", NULL), NZ_OK);
}

static void test_from_local(void **state)
{
	(void)state;
	const char *ny = "America/New_York";
	assert_int_equal(nz_tz_from_local(ny, at("2026-01-20T10:00:00Z")),
			 at("2026-01-20T15:00:00Z"));
	assert_int_equal(nz_tz_from_local(ny, at("2026-07-20T10:00:00Z")),
			 at("2026-07-20T14:00:00Z"));
	/* the day clocks go forward: before, after, and the skipped half hour */
	assert_int_equal(nz_tz_from_local(ny, at("2026-03-08T01:30:00Z")),
			 at("2026-03-08T06:30:00Z"));
	assert_int_equal(nz_tz_from_local(ny, at("2026-03-08T12:00:00Z")),
			 at("2026-03-08T16:00:00Z"));
	assert_int_equal(nz_tz_from_local(ny, at("2026-03-08T02:30:00Z")),
			 at("2026-03-08T07:30:00Z"));
	/* the repeated hour in autumn: its first occurrence (EDT) */
	assert_int_equal(nz_tz_from_local(ny, at("2026-11-01T01:30:00Z")),
			 at("2026-11-01T05:30:00Z"));
	assert_int_equal(nz_tz_from_local("Asia/Seoul", at("2026-07-01T09:00:00Z")),
			 at("2026-07-01T00:00:00Z"));
}

static void test_names(void **state)
{
	(void)state;
	nz_arena *a = nz_arena_new();
	const char **names = NULL;
	size_t n = 0;
	bool seoul = false, ny = false, utc = false;
	assert_int_equal(nz_tz_names(a, &names, &n, NULL), NZ_OK);
	assert_true(n > 300);
	for (size_t i = 0; i < n; i++) {
		seoul |= strcmp(names[i], "Asia/Seoul") == 0;
		ny |= strcmp(names[i], "America/New_York") == 0;
		utc |= strcmp(names[i], "UTC") == 0;
		if (i > 0)
			assert_true(strcmp(names[i - 1], names[i]) < 0);
	}
	assert_true(seoul && ny && utc);
	nz_arena_free(a);
}

static void *lookups(void *arg)
{
	static const char *zones[] = {"Europe/Paris", "America/Chicago", "Asia/Tokyo"};
	nz_time t = *(const nz_time *)arg;
	long bad = 0;
	for (int k = 0; k < 3000; k++) {
		nz_tz_info i;
		nz_tz_at(zones[k % 3], t, &i);
		bad += i.offset != (k % 3 == 0 ? 7200 : k % 3 == 1 ? -18000 : 32400);
	}
	return (void *)(intptr_t)bad;
}

static void test_threads(void **state)
{
	(void)state;
	nz_time july = at("2026-07-01T12:00:00Z");
	pthread_t th[4];
	for (int k = 0; k < 4; k++)
		assert_int_equal(pthread_create(&th[k], NULL, lookups, &july), 0);
	for (int k = 0; k < 4; k++) {
		void *bad = NULL;
		pthread_join(th[k], &bad);
		assert_int_equal((intptr_t)bad, 0);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_new_york_2026), cmocka_unit_test(test_after_the_last_transition),
	    cmocka_unit_test(test_other_zones),   cmocka_unit_test(test_fixed_zones),
	    cmocka_unit_test(test_bad_names),     cmocka_unit_test(test_from_local),
	    cmocka_unit_test(test_names),         cmocka_unit_test(test_threads),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
