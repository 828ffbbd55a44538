/* Tests src/core/str.c and src/core/err.c. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/core.h"

static void test_lines_drop_cr_and_keep_empty(void **state)
{
	(void)state;
	nz_str rest = NZ_STR_LIT("one\r\n\r\ntwo\nlast");
	nz_str line;
	const char *want[] = {"one", "", "two", "last"};
	size_t n = 0;
	while (nz_str_next_line(&rest, &line)) {
		assert_true(n < 4);
		assert_true(nz_str_eq_c(line, want[n]));
		n++;
	}
	assert_int_equal(n, 4);
}

static void test_trim_find_affixes(void **state)
{
	(void)state;
	nz_str s = nz_str_trim(NZ_STR_LIT(" \t By Kim  \r\n"));
	assert_true(nz_str_eq_c(s, "By Kim"));
	assert_true(nz_str_starts_with(s, "By "));
	assert_true(nz_str_ends_with(s, "Kim"));
	assert_int_equal(nz_str_find(s, "Kim"), 3);
	assert_int_equal(nz_str_find(s, "Lee"), -1);
	assert_true(nz_str_eq_c(nz_str_trim(NZ_STR_LIT("   ")), ""));
	assert_true(nz_str_eq_c(nz_str_c(NULL), ""));
}

static void test_errors_from_one_table(void **state)
{
	(void)state;
	assert_string_equal(nz_strerror(NZ_OK), "success");
	assert_string_equal(nz_strerror(NZ_NOMEM), "out of memory");
	nz_err err;
	assert_int_equal(nz_err_set(&err, NZ_PARSE, "line %d: %s", 3, "bad"), NZ_PARSE);
	assert_string_equal(err.msg, "line 3: bad");
	assert_int_equal(err.rc, NZ_PARSE);
	nz_err_clear(&err);
	assert_int_equal(err.rc, NZ_OK);
	assert_int_equal(nz_err_set(NULL, NZ_IO, "x"), NZ_IO);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_lines_drop_cr_and_keep_empty),
	    cmocka_unit_test(test_trim_find_affixes),
	    cmocka_unit_test(test_errors_from_one_table),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
