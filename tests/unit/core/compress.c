/*
 * Tests for core/compress.c: gzip that zlib's inflate turns back into the same bytes (HTML,
 * Korean text, at every level used), Brotli that libbrotli's decoder turns back, the same
 * bytes every time (the export's files must not change between builds), "smaller only", and
 * compressors made on many threads at once.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <brotli/decode.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "core/compress.h"
#include "core/core.h"

/* A page-like text of about 40 KB: markup, English and Korean. */
static char *sample(size_t *len)
{
	nz_buf b;
	nz_buf_init(&b, 0);
	nz_buf_puts(&b, "<!doctype html><html lang=\"en\"><head><title>Front</title></head><body>");
	for (int i = 0; i < 200; i++)
		nz_buf_printf(
		    &b,
		    "<article><h2><a href=\"/article/story-%d\">Council approves budget "
		    "%d</a></h2><p>서울 시의회가 예산안 %d을 승인했다. The vote was %d to "
		    "%d.</p></article>\n",
		    i, i, i, i % 17, i % 5);
	nz_buf_puts(&b, "</body></html>");
	assert_int_equal(nz_buf_rc(&b), NZ_OK);
	return nz_buf_steal(&b, len);
}

static unsigned char *gunzip(const unsigned char *z, size_t zlen, size_t cap, size_t *len)
{
	unsigned char *out = malloc(cap);
	z_stream s = {0};
	assert_int_equal(inflateInit2(&s, 15 + 16), Z_OK); /* gzip wrapper only */
	s.next_in = (Bytef *)z;
	s.avail_in = (uInt)zlen;
	s.next_out = out;
	s.avail_out = (uInt)cap;
	assert_int_equal(inflate(&s, Z_FINISH), Z_STREAM_END);
	*len = s.total_out;
	inflateEnd(&s);
	return out;
}

static void test_gzip_round_trip(void **state)
{
	(void)state;
	size_t len = 0;
	char *text = sample(&len);
	int levels[] = {1, NZ_GZIP_LEVEL_SERVER, NZ_GZIP_LEVEL_EXPORT, 12};
	for (size_t i = 0; i < sizeof levels / sizeof levels[0]; i++) {
		size_t zlen = 0, back_len = 0;
		unsigned char *z = nz_compress(NZ_CODING_GZIP, levels[i], text, len, &zlen, true);
		assert_non_null(z);
		assert_true(zlen < len / 3);  /* repetitive markup compresses well */
		assert_int_equal(z[0], 0x1f); /* the gzip magic */
		assert_int_equal(z[1], 0x8b);
		unsigned char *back = gunzip(z, zlen, len + 16, &back_len);
		assert_int_equal(back_len, len);
		assert_memory_equal(back, text, len);
		free(back);
		free(z);
	}
	free(text);
}

static void test_brotli_round_trip(void **state)
{
	(void)state;
	size_t len = 0;
	char *text = sample(&len);
	int qualities[] = {0, NZ_BR_QUALITY_SERVER, NZ_BR_QUALITY_EXPORT, 11};
	for (size_t i = 0; i < sizeof qualities / sizeof qualities[0]; i++) {
		size_t zlen = 0, back_len = len + 16;
		unsigned char *z = nz_compress(NZ_CODING_BR, qualities[i], text, len, &zlen, true);
		assert_non_null(z);
		assert_true(zlen < len / 3);
		unsigned char *back = malloc(back_len);
		assert_int_equal(BrotliDecoderDecompress(zlen, z, &back_len, back),
				 BROTLI_DECODER_RESULT_SUCCESS);
		assert_int_equal(back_len, len);
		assert_memory_equal(back, text, len);
		free(back);
		free(z);
	}
	free(text);
}

static void test_same_bytes_and_smaller_only(void **state)
{
	(void)state;
	size_t len = 0, a_len = 0, b_len = 0, n = 0;
	char *text = sample(&len);
	for (nz_coding c = NZ_CODING_GZIP; c <= NZ_CODING_BR; c++) {
		unsigned char *a = nz_compress(c, 9, text, len, &a_len, true);
		unsigned char *b = nz_compress(c, 9, text, len, &b_len, true);
		assert_non_null(a);
		assert_int_equal(a_len, b_len);
		assert_memory_equal(a, b, a_len);
		free(a);
		free(b);
		/* Random-looking bytes do not get smaller: nothing with smaller_only, bytes
		 * without. */
		unsigned char noise[64];
		for (size_t i = 0; i < sizeof noise; i++)
			noise[i] = (unsigned char)(i * 97 + 13) ^ (unsigned char)(i * i * 31);
		assert_null(nz_compress(c, 9, noise, sizeof noise, &n, true));
		unsigned char *forced = nz_compress(c, 9, noise, sizeof noise, &n, false);
		assert_non_null(forced);
		assert_true(n >= sizeof noise);
		free(forced);
	}
	assert_null(nz_compress(NZ_CODING_IDENTITY, 9, text, len, &n, false));
	assert_string_equal(nz_coding_token(NZ_CODING_BR), "br");
	assert_string_equal(nz_coding_suffix(NZ_CODING_GZIP), ".gz");
	free(text);
}

static void *compress_many(void *arg)
{
	const char *text = arg;
	size_t len = strlen(text), ok = 0;
	for (int level = 1; level <= 12; level++) {
		size_t zlen = 0, back_len = 0;
		unsigned char *z = nz_compress(NZ_CODING_GZIP, level, text, len, &zlen, true);
		unsigned char *back = z ? gunzip(z, zlen, len + 16, &back_len) : NULL;
		ok += back && back_len == len && memcmp(back, text, len) == 0;
		free(back);
		free(z);
	}
	return (void *)(uintptr_t)ok;
}

static void test_threads(void **state)
{
	(void)state;
	size_t len = 0;
	char *text = sample(&len);
	pthread_t t[4];
	for (int i = 0; i < 4; i++)
		assert_int_equal(pthread_create(&t[i], NULL, compress_many, text), 0);
	for (int i = 0; i < 4; i++) {
		void *ok = NULL;
		pthread_join(t[i], &ok);
		assert_int_equal((uintptr_t)ok, 12); /* every level of every thread round-tripped */
	}
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_gzip_round_trip),
	    cmocka_unit_test(test_brotli_round_trip),
	    cmocka_unit_test(test_same_bytes_and_smaller_only),
	    cmocka_unit_test(test_threads),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
