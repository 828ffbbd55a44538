/* Tests src/core/buf.c: growth, the hard cap, sticky failure, steal. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/core.h"

static void test_append_grows_and_terminates(void **state)
{
	(void)state;
	nz_buf b;
	nz_buf_init(&b, 0);
	assert_string_equal(nz_buf_cstr(&b), "");
	for (int i = 0; i < 1000; i++)
		nz_buf_printf(&b, "%d,", i);
	assert_int_equal(nz_buf_rc(&b), NZ_OK);
	assert_true(strncmp(nz_buf_cstr(&b), "0,1,2,", 6) == 0);
	assert_int_equal(b.len, strlen(b.p));
	nz_buf_free(&b);
}

static void test_cap_is_hard_and_sticky(void **state)
{
	(void)state;
	nz_buf b;
	nz_buf_init(&b, 10);
	assert_int_equal(nz_buf_puts(&b, "0123456789"), NZ_OK);
	assert_int_equal(nz_buf_putc(&b, 'x'), NZ_TOOBIG);
	/* Sticky: later appends fail too, and nothing truncated is left behind. */
	assert_int_equal(nz_buf_puts(&b, "y"), NZ_TOOBIG);
	assert_int_equal(nz_buf_rc(&b), NZ_TOOBIG);
	assert_int_equal(b.len, 0);
	assert_string_equal(nz_buf_cstr(&b), "");
	nz_buf_reset(&b);
	assert_int_equal(nz_buf_puts(&b, "ok"), NZ_OK);
	assert_string_equal(nz_buf_cstr(&b), "ok");
	nz_buf_free(&b);
}

static void test_long_printf_and_steal(void **state)
{
	(void)state;
	nz_buf b;
	nz_buf_init(&b, 0);
	char big[1000];
	memset(big, 'a', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	assert_int_equal(nz_buf_printf(&b, "<%s>", big), NZ_OK);
	assert_int_equal(b.len, 1001);
	size_t len = 0;
	char *p = nz_buf_steal(&b, &len);
	assert_int_equal(len, 1001);
	assert_int_equal(p[1000], '>');
	assert_null(b.p);
	free(p);
	nz_buf_free(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_append_grows_and_terminates),
	    cmocka_unit_test(test_cap_is_hard_and_sticky),
	    cmocka_unit_test(test_long_printf_and_steal),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
