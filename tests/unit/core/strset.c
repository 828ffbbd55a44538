/*
 * Tests src/core/strset.c: each string once, whatever its bytes; the set keeps its own copies;
 * it grows past many rehashes; free leaves it reusable.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "core/core.h"

static void test_add_once(void **state)
{
	(void)state;
	nz_strset set = NZ_STRSET_INIT;
	bool added = false;

	assert_false(nz_strset_has(&set, "a", 1));
	assert_int_equal(nz_strset_add(&set, "section-1", 9, &added), NZ_OK);
	assert_true(added);
	assert_int_equal(nz_strset_add(&set, "section-1", 9, &added), NZ_OK);
	assert_false(added);
	assert_int_equal(set.n, 1);
	assert_true(nz_strset_has(&set, "section-1", 9));
	/* Length matters: a prefix is another string, and so is the empty string. */
	assert_false(nz_strset_has(&set, "section-1", 8));
	assert_false(nz_strset_has(&set, "", 0));
	assert_int_equal(nz_strset_add(&set, "", 0, &added), NZ_OK);
	assert_true(added);
	assert_true(nz_strset_has(&set, "", 0));
	/* Bytes, not C strings: a NUL inside is part of the string. */
	assert_int_equal(nz_strset_add(&set, "a\0b", 3, NULL), NZ_OK);
	assert_true(nz_strset_has(&set, "a\0b", 3));
	assert_false(nz_strset_has(&set, "a", 1));
	assert_int_equal(nz_strset_add(&set, "한국", strlen("한국"), &added), NZ_OK);
	assert_true(added);
	assert_int_equal(set.n, 4);
	nz_strset_free(&set);
}

static void test_keeps_copies(void **state)
{
	(void)state;
	nz_strset set = NZ_STRSET_INIT;
	char buf[16];

	strcpy(buf, "tag-7");
	assert_int_equal(nz_strset_add(&set, buf, strlen(buf), NULL), NZ_OK);
	strcpy(buf, "xxxxx");
	assert_true(nz_strset_has(&set, "tag-7", 5));
	assert_false(nz_strset_has(&set, "xxxxx", 5));
	nz_strset_free(&set);
}

static void test_many(void **state)
{
	(void)state;
	nz_strset set = NZ_STRSET_INIT;
	char key[32];

	for (int round = 0; round < 2; round++) {
		for (int i = 0; i < 20000; i++) {
			int n = snprintf(key, sizeof key, "/articles/%d", i);
			bool added;
			assert_int_equal(nz_strset_add(&set, key, (size_t)n, &added), NZ_OK);
			assert_int_equal(added, round == 0);
		}
	}
	assert_int_equal(set.n, 20000);
	assert_true(set.cap >= 2 * set.n);
	for (int i = 0; i < 20000; i += 997) {
		int n = snprintf(key, sizeof key, "/articles/%d", i);
		assert_true(nz_strset_has(&set, key, (size_t)n));
	}
	assert_false(nz_strset_has(&set, "/articles/20000", 15));
	nz_strset_free(&set);
	/* Freed: empty, and usable again. */
	assert_int_equal(set.n, 0);
	assert_false(nz_strset_has(&set, "/articles/1", 11));
	assert_int_equal(nz_strset_add(&set, "again", 5, NULL), NZ_OK);
	assert_true(nz_strset_has(&set, "again", 5));
	nz_strset_free(&set);
	nz_strset_free(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_add_once),
	    cmocka_unit_test(test_keeps_copies),
	    cmocka_unit_test(test_many),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
