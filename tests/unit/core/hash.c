/*
 * Tests for core/hash.c: SHA-256 against the standard test vectors (and a Korean text),
 * version 4 UUIDs that are well-formed and distinct, also when made from many threads at once,
 * and the table hash: fixed values, every byte counts, and low bits that spread similar keys.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "core/core.h"

static void test_sha256_vectors(void **state)
{
	(void)state;
	char hex[65];

	nz_sha256_hex("", 0, hex);
	assert_string_equal(hex,
			    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	nz_sha256_hex("abc", 3, hex);
	assert_string_equal(hex,
			    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	nz_sha256_hex("한국", strlen("한국"), hex);
	assert_string_equal(hex,
			    "1eb7da6d56d883ca1dd1a88b70ad635a0b26a9b767d500d31512e64dcdb2b7bb");
	/* Bytes after a NUL count: this is a hash of the data, not of a C string. */
	char with_nul[65];
	nz_sha256_hex("abc\0", 4, with_nul);
	assert_string_not_equal(with_nul, hex);
	assert_int_equal(strlen(with_nul), 64);
}

static void check_uuid(const char *u)
{
	assert_int_equal(strlen(u), 36);
	for (int i = 0; i < 36; i++) {
		if (i == 8 || i == 13 || i == 18 || i == 23)
			assert_int_equal(u[i], '-');
		else
			assert_non_null(strchr("0123456789abcdef", u[i]));
	}
	assert_int_equal(u[14], '4');           /* version 4 */
	assert_non_null(strchr("89ab", u[19])); /* RFC 4122 variant */
}

static void test_uuid_format(void **state)
{
	(void)state;
	char a[37], b[37];

	nz_uuid_v4(a);
	nz_uuid_v4(b);
	check_uuid(a);
	check_uuid(b);
	assert_string_not_equal(a, b);
}

static void test_table_hash_values(void **state)
{
	(void)state;

	/* FNV-1a 64 with the final mix: fixed, so a table's layout is reproducible in a debugger.
	 */
	assert_true(nz_hash_bytes("", 0) == 0xecba3df2c3383c52u);
	assert_true(nz_hash_bytes("a", 1) == 0xed8170de1919a24du);
	assert_true(nz_hash_str("한국") == 0x37b76cef0426a0f7u);
	assert_true(nz_hash_str(NULL) == nz_hash_bytes("", 0));
	assert_true(nz_hash_str("abc") == nz_hash_bytes("abc", 3));
	/* A hash of bytes, not of a C string: what follows a NUL counts. */
	assert_true(nz_hash_bytes("ab\0c", 4) != nz_hash_bytes("ab\0d", 4));
	assert_true(nz_hash_bytes("ab\0c", 4) != nz_hash_str("ab"));
}

static void test_table_hash_spreads_low_bits(void **state)
{
	(void)state;
	static bool used[1024];
	char key[32];
	size_t distinct = 0;

	/* 1000 keys that differ in their last characters, into 1024 buckets by the low 10 bits:
	 * a uniform hash fills about 63% of them; a weak one piles keys into a few. */
	for (int i = 0; i < 1000; i++) {
		int n = snprintf(key, sizeof key, "article-%d", i);
		size_t b = (size_t)(nz_hash_bytes(key, (size_t)n) & 1023);
		distinct += !used[b];
		used[b] = true;
	}
	assert_true(distinct > 560);
}

#define THREADS 4
#define PER_THREAD 64

static char uuids[THREADS * PER_THREAD][37];

static void *make_uuids(void *arg)
{
	size_t base = (size_t)(uintptr_t)arg * PER_THREAD;

	for (size_t i = 0; i < PER_THREAD; i++)
		nz_uuid_v4(uuids[base + i]);
	return NULL;
}

static void test_uuid_from_threads(void **state)
{
	(void)state;
	pthread_t th[THREADS];

	for (uintptr_t i = 0; i < THREADS; i++)
		assert_int_equal(pthread_create(&th[i], NULL, make_uuids, (void *)i), 0);
	for (int i = 0; i < THREADS; i++)
		pthread_join(th[i], NULL);
	for (int i = 0; i < THREADS * PER_THREAD; i++) {
		check_uuid(uuids[i]);
		for (int j = 0; j < i; j++)
			assert_string_not_equal(uuids[i], uuids[j]);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_uuid_from_threads), /* first: races the one-time set-up */
	    cmocka_unit_test(test_sha256_vectors),
	    cmocka_unit_test(test_uuid_format),
	    cmocka_unit_test(test_table_hash_values),
	    cmocka_unit_test(test_table_hash_spreads_low_bits),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
