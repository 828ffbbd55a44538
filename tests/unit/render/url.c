/*
 * Tests for render/url.c: public URL paths, with slugs (Hangul included) percent-encoded.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "render/render.h"

static int setup(void **state)
{
	*state = nz_arena_new();
	return *state ? 0 : -1;
}

static int teardown(void **state)
{
	nz_arena_free(*state);
	return 0;
}

static void ascii_slugs(void **state)
{
	nz_arena *a = *state;
	assert_string_equal(nz_url_article(a, "allies-agree"), "/article/allies-agree");
	assert_string_equal(nz_url_section(a, "defense"), "/section/defense");
	assert_string_equal(nz_url_author(a, "maeng-su-yeol"), "/author/maeng-su-yeol");
	assert_string_equal(nz_url_tag(a, "navy"), "/tag/navy");
}

static void hangul_slugs_are_percent_encoded(void **state)
{
	nz_arena *a = *state;
	assert_string_equal(nz_url_tag(a, "동맹"), "/tag/%EB%8F%99%EB%A7%B9");
	assert_string_equal(nz_url_author(a, "김민준"), "/author/%EA%B9%80%EB%AF%BC%EC%A4%80");
	assert_string_equal(
	    nz_url_article(a, "항만-합동훈련-합의"),
	    "/article/%ED%95%AD%EB%A7%8C-%ED%95%A9%EB%8F%99%ED%9B%88%EB%A0%A8-%ED%95%A9%EC%9D%98");
}

static void reserved_characters_cannot_escape_the_segment(void **state)
{
	nz_arena *a = *state;
	assert_string_equal(nz_url_article(a, "../admin?x=1#y"), "/article/..%2Fadmin%3Fx%3D1%23y");
	assert_string_equal(nz_url_section(a, "a b\"<"), "/section/a%20b%22%3C");
}

static void media_urls(void **state)
{
	nz_arena *a = *state;
	nz_media m = {0};
	assert_null(nz_url_media(a, &m)); /* a caption without a photo */
	m.hash = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
	m.mime = "image/jpeg";
	assert_string_equal(
	    nz_url_media(a, &m),
	    "/media/9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08.jpg");
	m.mime = "image/png";
	assert_string_equal(nz_url_media(a, &m) + 71, ".png");
	m.mime = "image/webp";
	assert_string_equal(nz_url_media(a, &m) + 71, ".webp");
	m.mime = NULL;
	assert_string_equal(nz_url_media(a, &m) + 71, ".bin");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(ascii_slugs, setup, teardown),
	    cmocka_unit_test_setup_teardown(hangul_slugs_are_percent_encoded, setup, teardown),
	    cmocka_unit_test_setup_teardown(reserved_characters_cannot_escape_the_segment, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(media_urls, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
