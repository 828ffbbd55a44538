/*
 * Tests src/core/enum.c and the X-macro helpers in core.h: an enum declared once as a list
 * gets values in list order, a count, a name for each value ("unknown" outside the list) and a
 * parser that trims and takes only exact names.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "core/core.h"

#define COLORS(X) X(COLOR_RED, "red") X(COLOR_GREEN, "green") X(COLOR_DARK_BLUE, "dark blue")

typedef enum { COLORS(NZ_ENUM_MEMBER) } color;

const char *color_name(color c);
nz_rc color_parse(nz_str s, color *out);

NZ_ENUM_NAME_FN(color, color_name, COLORS)
NZ_ENUM_PARSE_FN(color, color_parse, COLORS)

static void test_values_and_count(void **state)
{
	(void)state;
	assert_int_equal(COLOR_RED, 0);
	assert_int_equal(COLOR_GREEN, 1);
	assert_int_equal(COLOR_DARK_BLUE, 2);
	assert_int_equal(NZ_ENUM_COUNT(COLORS), 3);
	/* A constant expression: usable as an array size. */
	int per_color[NZ_ENUM_COUNT(COLORS)] = {0};
	assert_int_equal(sizeof per_color / sizeof per_color[0], 3);
}

static void test_names(void **state)
{
	(void)state;
	assert_string_equal(color_name(COLOR_RED), "red");
	assert_string_equal(color_name(COLOR_DARK_BLUE), "dark blue");
	assert_string_equal(color_name((color)3), "unknown");
	assert_string_equal(color_name((color)-1), "unknown");
}

static void test_parse(void **state)
{
	(void)state;
	color c = COLOR_RED;

	assert_int_equal(color_parse(NZ_STR_LIT("green"), &c), NZ_OK);
	assert_int_equal(c, COLOR_GREEN);
	assert_int_equal(color_parse(NZ_STR_LIT("  dark blue\r\n"), &c), NZ_OK);
	assert_int_equal(c, COLOR_DARK_BLUE);
	/* Exact names only; a refused name leaves *out alone. */
	c = COLOR_GREEN;
	assert_int_equal(color_parse(NZ_STR_LIT("Red"), &c), NZ_INVAL);
	assert_int_equal(color_parse(NZ_STR_LIT("re"), &c), NZ_INVAL);
	assert_int_equal(color_parse(NZ_STR_LIT("reds"), &c), NZ_INVAL);
	assert_int_equal(color_parse(NZ_STR_LIT(""), &c), NZ_INVAL);
	assert_int_equal(c, COLOR_GREEN);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_values_and_count),
	    cmocka_unit_test(test_names),
	    cmocka_unit_test(test_parse),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
