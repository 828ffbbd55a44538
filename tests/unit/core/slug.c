/*
 * Tests for core/slug.c: slugs for English and Korean headlines, diacritic folding, the length
 * cut at a word boundary, and the validity check used before an article is stored.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <string.h>

#include "core/core.h"

/* The slug of text with no length limit beyond max; asserts success. Returns a static copy. */
static const char *slug(const char *text, size_t max)
{
	static char result[512];
	nz_buf b;

	nz_buf_init(&b, 0);
	assert_int_equal(nz_slug_make(nz_str_c(text), max, &b), NZ_OK);
	assert_true(b.len < sizeof result);
	memcpy(result, nz_buf_cstr(&b), b.len + 1);
	nz_buf_free(&b);
	return result;
}

static void test_english_headline(void **state)
{
	(void)state;
	assert_string_equal(
	    slug("Republic of Korea, US work “to take the alliance to the next level”", 80),
	    "republic-of-korea-us-work-to-take-the-alliance-to-the-next-level");
	assert_string_equal(slug("  Hello,   World!  ", 80), "hello-world");
	assert_string_equal(slug("F-35A", 80), "f-35a");
	assert_string_equal(slug("2+2 meeting", 80), "2-2-meeting");
	assert_string_equal(slug("KF-21 Boramae's first flight", 80),
			    "kf-21-boramaes-first-flight");
}

static void test_korean_headline(void **state)
{
	(void)state;
	assert_string_equal(slug("한미 국방장관 회담 열려", 80), "한미-국방장관-회담-열려");
	assert_string_equal(slug("국방부, “F-35A 추가 도입” 발표…", 80),
			    "국방부-f-35a-추가-도입-발표");
	/* Han and Kana are not kept; the Latin part still makes a slug. */
	assert_string_equal(slug("Kim Jong Un 金正恩", 80), "kim-jong-un");
}

static void test_diacritics_fold(void **state)
{
	(void)state;
	assert_string_equal(slug("Café déjà vu", 80), "cafe-deja-vu");
	assert_string_equal(slug("Straße in Köln", 80), "strasse-in-koln");
	assert_string_equal(slug("ŁÓDŹ Ærø Œuvre", 80), "lodz-aero-oeuvre");
	assert_string_equal(slug("5 × 3", 80), "5-3"); /* × is a sign, not a letter */
}

static void test_cut_at_word_boundary(void **state)
{
	(void)state;
	const char *h = "Republic of Korea, US work to take the alliance to the next level";

	/* "republic-of-korea-us" is exactly 20 characters: the whole last word fits. */
	assert_string_equal(slug(h, 20), "republic-of-korea-us");
	/* One less would cut "us" in half: cut at the '-' before it instead. */
	assert_string_equal(slug(h, 19), "republic-of-korea");
	assert_string_equal(slug(h, 18), "republic-of-korea");
	/* Korean counts code points, not bytes. */
	assert_string_equal(slug("한미 국방장관 회담 열려", 7), "한미-국방장관");
	assert_string_equal(slug("한미 국방장관 회담 열려", 9), "한미-국방장관");
	assert_string_equal(slug("한미 국방장관 회담 열려", 10), "한미-국방장관-회담");
	/* A single long word has no '-' to cut at: it is cut hard. */
	assert_string_equal(slug("Supercalifragilistic", 5), "super");
	assert_string_equal(slug("국방장관회담", 3), "국방장");
	/* 0 means no limit. */
	assert_string_equal(slug("a b c", 0), "a-b-c");
}

static void test_nothing_sluggable(void **state)
{
	(void)state;
	nz_buf b;

	nz_buf_init(&b, 0);
	assert_int_equal(nz_slug_make(nz_str_c(""), 80, &b), NZ_INVAL);
	assert_int_equal(nz_slug_make(nz_str_c("!!! — …"), 80, &b), NZ_INVAL);
	assert_int_equal(nz_slug_make(nz_str_c("東京"), 80, &b), NZ_INVAL);
	assert_int_equal(b.len, 0);
	nz_buf_free(&b);
}

static void test_appends_and_survives_bad_bytes(void **state)
{
	(void)state;
	nz_buf b;

	nz_buf_init(&b, 0);
	nz_buf_puts(&b, "/news/");
	assert_int_equal(nz_slug_make(nz_str_c("Seoul \xFF\xFE summit"), 80, &b), NZ_OK);
	assert_string_equal(nz_buf_cstr(&b), "/news/seoul-summit");
	nz_buf_free(&b);
}

static void test_made_slugs_are_valid(void **state)
{
	(void)state;
	const char *inputs[] = {"Republic of Korea, US work “to take the alliance”",
				"한미 국방장관 회담 열려", "Café déjà vu", "--x--", "2+2 meeting"};
	for (size_t i = 0; i < sizeof inputs / sizeof inputs[0]; i++)
		assert_true(nz_slug_valid(nz_str_c(slug(inputs[i], 80))));
}

static void test_valid(void **state)
{
	(void)state;
	assert_true(nz_slug_valid(nz_str_c("f-35a")));
	assert_true(nz_slug_valid(nz_str_c("한미-회담")));
	assert_true(nz_slug_valid(nz_str_c("2026")));
	assert_false(nz_slug_valid(nz_str_c("")));
	assert_false(nz_slug_valid(nz_str_c("-news")));
	assert_false(nz_slug_valid(nz_str_c("news-")));
	assert_false(nz_slug_valid(nz_str_c("news--today")));
	assert_false(nz_slug_valid(nz_str_c("News")));
	assert_false(nz_slug_valid(nz_str_c("news today")));
	assert_false(nz_slug_valid(nz_str_c("café")));
	assert_false(nz_slug_valid(nz_str_c("../etc")));
	assert_false(nz_slug_valid(nz_str_c("news\xFF")));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_english_headline),
	    cmocka_unit_test(test_korean_headline),
	    cmocka_unit_test(test_diacritics_fold),
	    cmocka_unit_test(test_cut_at_word_boundary),
	    cmocka_unit_test(test_nothing_sluggable),
	    cmocka_unit_test(test_appends_and_survives_bad_bytes),
	    cmocka_unit_test(test_made_slugs_are_valid),
	    cmocka_unit_test(test_valid),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
