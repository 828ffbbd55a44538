/*
 * Tests for core/utf8.c: strict validation with the offset of the first bad byte, decoding and
 * encoding, and the Hangul/CJK ranges that drive language detection and search.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <string.h>

#include "core/core.h"

/* Valid when the whole string passes; otherwise the offset reported. */
static size_t bad_at(const char *s, size_t len)
{
	size_t off = (size_t)-1;

	assert_false(nz_utf8_valid(s, len, &off));
	return off;
}

static void test_valid_text(void **state)
{
	(void)state;
	const char *ok[] = {"",
			    "plain ASCII",
			    "국방부 장관 회담",
			    "Café déjà vu",
			    "😀 U+1F600",
			    "\xF4\x8F\xBF\xBF" /* U+10FFFF */,
			    "\xEF\xBF\xBD"};
	for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++)
		assert_true(nz_utf8_valid(ok[i], strlen(ok[i]), NULL));
	/* An embedded NUL is a valid code point when the length says so. */
	assert_true(nz_utf8_valid("a\0b", 3, NULL));
}

static void test_rejects_overlongs(void **state)
{
	(void)state;
	assert_int_equal(bad_at("\xC0\xAF", 2), 0);         /* '/' in two bytes */
	assert_int_equal(bad_at("ab\xC1\xBF", 4), 2);       /* 0x7F in two bytes */
	assert_int_equal(bad_at("\xE0\x80\xAF", 3), 0);     /* three-byte overlong */
	assert_int_equal(bad_at("한\xE0\x9F\xBF", 6), 3);   /* U+07FF in three bytes */
	assert_int_equal(bad_at("\xF0\x80\x80\xAF", 4), 0); /* four-byte overlong */
	assert_int_equal(bad_at("\xF0\x8F\xBF\xBF", 4), 0); /* U+FFFF in four bytes */
}

static void test_rejects_surrogates_and_out_of_range(void **state)
{
	(void)state;
	assert_int_equal(bad_at("x\xED\xA0\x80", 4), 1);    /* U+D800 */
	assert_int_equal(bad_at("\xED\xBF\xBF", 3), 0);     /* U+DFFF */
	assert_int_equal(bad_at("\xF4\x90\x80\x80", 4), 0); /* U+110000 */
	assert_int_equal(bad_at("\xF5\x80\x80\x80", 4), 0); /* lead byte beyond F4 */
	assert_int_equal(bad_at("\xFF", 1), 0);
	assert_true(nz_utf8_valid("\xED\x9F\xBF", 3, NULL)); /* U+D7FF, just below */
}

static void test_rejects_truncated_and_stray_bytes(void **state)
{
	(void)state;
	/* "국방" then the first two bytes of "부". */
	assert_int_equal(bad_at("국방\xEB\xB6", 8), 6);
	assert_int_equal(bad_at("abc\xF0\x9F\x98", 6), 3);
	assert_int_equal(bad_at("\x80 lone continuation", 20), 0);
	assert_int_equal(bad_at("회담\xEA"
				"A",
				8),
			 6); /* lead byte followed by ASCII */
	/* The offset may be NULL. */
	assert_false(nz_utf8_valid("\xC3", 1, NULL));
}

static void test_decode(void **state)
{
	(void)state;
	uint32_t cp = 0;

	assert_int_equal(nz_utf8_decode("A", 1, &cp), 1);
	assert_int_equal(cp, 'A');
	assert_int_equal(nz_utf8_decode("é", 2, &cp), 2);
	assert_int_equal(cp, 0xE9);
	assert_int_equal(nz_utf8_decode("한국", 6, &cp), 3);
	assert_int_equal(cp, 0xD55C);
	assert_int_equal(nz_utf8_decode("😀", 4, &cp), 4);
	assert_int_equal(cp, 0x1F600);
	assert_int_equal(nz_utf8_decode("한", 2, &cp), 0); /* length cuts the sequence */
	assert_int_equal(nz_utf8_decode("\xC0\x80", 2, &cp), 0);
	assert_int_equal(nz_utf8_decode("", 0, &cp), 0);
}

static void test_encode_round_trip(void **state)
{
	(void)state;
	const uint32_t cps[] = {0x0,    0x41,   0x7F,   0x80,    0xE9,    0x7FF,   0x800,
				0xD55C, 0xFFFD, 0xFFFF, 0x10000, 0x1F600, 0x10FFFF};
	for (size_t i = 0; i < sizeof cps / sizeof cps[0]; i++) {
		char buf[4];
		uint32_t back = 0;
		size_t n = nz_utf8_encode(cps[i], buf);

		assert_true(n >= 1 && n <= 4);
		assert_int_equal(nz_utf8_decode(buf, n, &back), n);
		assert_int_equal(back, cps[i]);
	}
	char out[4];
	assert_int_equal(nz_utf8_encode(0xAC00, out), 3);
	assert_memory_equal(out, "가", 3);
	assert_int_equal(nz_utf8_encode(0xD800, out), 0);
	assert_int_equal(nz_utf8_encode(0xDFFF, out), 0);
	assert_int_equal(nz_utf8_encode(0x110000, out), 0);
}

static void test_hangul_and_cjk_ranges(void **state)
{
	(void)state;
	assert_true(nz_cp_is_hangul(0xAC00)); /* 가 */
	assert_true(nz_cp_is_hangul(0xD7A3)); /* 힣 */
	assert_true(nz_cp_is_hangul(0x3131)); /* ㄱ compatibility jamo */
	assert_true(nz_cp_is_hangul(0x1100)); /* ᄀ jamo */
	assert_false(nz_cp_is_hangul('A'));
	assert_false(nz_cp_is_hangul(0x4E00)); /* 一 is Han, not Hangul */
	assert_true(nz_cp_is_cjk(0x4E00));
	assert_true(nz_cp_is_cjk(0x3042));  /* あ */
	assert_true(nz_cp_is_cjk(0x30AB));  /* カ */
	assert_true(nz_cp_is_cjk(0xD55C));  /* 한 */
	assert_true(nz_cp_is_cjk(0x20000)); /* Han Extension B */
	assert_false(nz_cp_is_cjk('a'));
	assert_false(nz_cp_is_cjk(0xE9));
}

static void test_has_hangul(void **state)
{
	(void)state;
	const char *mixed = "Seoul 서울 summit";
	assert_true(nz_utf8_has_hangul(mixed, strlen(mixed)));
	assert_true(nz_utf8_has_hangul("F-35A 도입", strlen("F-35A 도입")));
	assert_false(nz_utf8_has_hangul("Seoul summit", 12));
	assert_false(nz_utf8_has_hangul("東京", strlen("東京")));
	assert_false(nz_utf8_has_hangul("", 0));
	/* Invalid bytes before the Hangul do not hide it. */
	assert_true(nz_utf8_has_hangul("\xFF\xFE한", 5));
}

static void test_length(void **state)
{
	(void)state;
	assert_int_equal(nz_utf8_length("", 0), 0);
	assert_int_equal(nz_utf8_length("abc", 3), 3);
	assert_int_equal(nz_utf8_length("한국어", strlen("한국어")), 3);
	assert_int_equal(nz_utf8_length("Café 😀", strlen("Café 😀")), 6);
	assert_int_equal(nz_utf8_length("a\xFF\xFE"
					"b",
					4),
			 4); /* each bad byte counts one */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_valid_text),
	    cmocka_unit_test(test_rejects_overlongs),
	    cmocka_unit_test(test_rejects_surrogates_and_out_of_range),
	    cmocka_unit_test(test_rejects_truncated_and_stray_bytes),
	    cmocka_unit_test(test_decode),
	    cmocka_unit_test(test_encode_round_trip),
	    cmocka_unit_test(test_hangul_and_cjk_ranges),
	    cmocka_unit_test(test_has_hangul),
	    cmocka_unit_test(test_length),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
