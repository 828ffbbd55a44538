/*
 * Tests for search/record.c: a recording replays exactly the terms nz_search_tokenize gives for
 * its text (each term's bytes and byte range, in order, stems, Hangul pairs and compounds
 * included), only for that text byte for byte, and stops where a callback says stop.
 */
#include <stdio.h>
#include <stdlib.h>

#include "search/search_test.h"

/* Every term with its place, one line each. */
static int collect(void *ctx, const char *term, size_t len, size_t start, size_t end)
{
	nz_buf_printf(ctx, "%.*s %zu %zu\n", (int)len, term, start, end);
	return 0;
}

static int stop_at_third(void *ctx, const char *term, size_t len, size_t start, size_t end)
{
	int *n = ctx;
	(void)term;
	(void)len;
	(void)start;
	(void)end;
	return ++*n == 3 ? 7 : 0;
}

static const char *const texts[] = {
    "",
    "The navy's K-9 units and the U.S. envoy reviewed 1,000 long-range F-35A frigates.",
    "한미동맹은 국방부 발표 2+2 AT&T Café résumé Straße ＮＡＶＹ \xff invalid \xc3 bytes",
    "exercises drilled policies studies, \"quoted\" (parenthesised) -- dashes... end",
};

static void test_replay_gives_the_tokenizer_terms(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		const char *t = texts[i];
		nz_buf rec = {0}, want = {0}, got = {0};
		assert_int_equal(nz_search_record(t, strlen(t), &rec), NZ_OK);
		assert_int_equal(nz_search_tokenize(t, strlen(t), collect, &want), 0);
		int rc = -1;
		assert_true(nz_search_replay(rec.p, rec.len, t, strlen(t), collect, &got, &rc));
		assert_int_equal(rc, 0);
		assert_string_equal(got.len ? got.p : "", want.len ? want.p : "");
		nz_buf_free(&rec);
		nz_buf_free(&want);
		nz_buf_free(&got);
	}
}

static void test_long_text_replays_whole(void **state)
{
	(void)state;
	nz_buf text = {0}, rec = {0}, want = {0}, got = {0};
	for (int i = 0; i < 2000; i++)
		nz_buf_printf(&text, "%s ", texts[1 + i % 3]);
	assert_int_equal(nz_search_record(text.p, text.len, &rec), NZ_OK);
	assert_int_equal(nz_search_tokenize(text.p, text.len, collect, &want), 0);
	int rc = -1;
	assert_true(nz_search_replay(rec.p, rec.len, text.p, text.len, collect, &got, &rc));
	assert_int_equal(rc, 0);
	assert_int_equal(got.len, want.len);
	assert_string_equal(got.p, want.p);
	nz_buf_free(&text);
	nz_buf_free(&rec);
	nz_buf_free(&want);
	nz_buf_free(&got);
}

static void test_other_text_is_not_replayed(void **state)
{
	(void)state;
	const char *t = texts[1];
	nz_buf rec = {0}, got = {0};
	assert_int_equal(nz_search_record(t, strlen(t), &rec), NZ_OK);
	char *other = strdup(t);
	other[10] = 'X'; /* one byte differs */
	int rc = 0;
	assert_false(nz_search_replay(rec.p, rec.len, other, strlen(other), collect, &got, &rc));
	assert_false(nz_search_replay(rec.p, rec.len, t, strlen(t) - 1, collect, &got, &rc));
	assert_false(nz_search_replay(rec.p, 4, t, strlen(t), collect, &got, &rc)); /* cut */
	assert_int_equal(got.len, 0); /* nothing was called */
	free(other);
	nz_buf_free(&rec);
}

static void test_callback_stops_the_replay(void **state)
{
	(void)state;
	const char *t = texts[1];
	nz_buf rec = {0};
	assert_int_equal(nz_search_record(t, strlen(t), &rec), NZ_OK);
	int n = 0, rc = 0;
	assert_true(nz_search_replay(rec.p, rec.len, t, strlen(t), stop_at_third, &n, &rc));
	assert_int_equal(rc, 7);
	assert_int_equal(n, 3);
	nz_buf_free(&rec);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_replay_gives_the_tokenizer_terms),
	    cmocka_unit_test(test_long_text_replays_whole),
	    cmocka_unit_test(test_other_text_is_not_replayed),
	    cmocka_unit_test(test_callback_stops_the_replay),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
