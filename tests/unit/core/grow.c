/*
 * Tests src/core/grow.c: NZ_GROW keeps what was stored while it doubles, leaves the array alone
 * when there is room, refuses sizes that overflow without touching the array, and
 * NZ_ARENA_GROW does the same in an arena.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/core.h"

typedef struct point {
	int x, y;
} point;

static void test_grow_keeps_items(void **state)
{
	(void)state;
	point *v = NULL;
	size_t n = 0, cap = 0;

	for (int i = 0; i < 10000; i++) {
		assert_int_equal(NZ_GROW(v, n + 1, cap), NZ_OK);
		assert_true(cap >= n + 1);
		v[n++] = (point){i, -i};
	}
	for (int i = 0; i < 10000; i++)
		assert_true(v[i].x == i && v[i].y == -i);
	/* Doubling: the capacity is never more than twice what is needed. */
	assert_true(cap < 2 * n);
	free(v);
}

static void test_grow_with_room_is_a_no_op(void **state)
{
	(void)state;
	char **v = NULL;
	size_t cap = 0;

	assert_int_equal(NZ_GROW(v, 3, cap), NZ_OK);
	char **before = v;
	size_t cap_before = cap;
	assert_int_equal(NZ_GROW(v, cap, cap), NZ_OK);
	assert_ptr_equal(v, before);
	assert_int_equal(cap, cap_before);
	/* Asking for nothing allocates nothing. */
	int *none = NULL;
	size_t none_cap = 0, nothing = 0;
	assert_int_equal(NZ_GROW(none, nothing, none_cap), NZ_OK);
	assert_null(none);
	free(v);
}

static void test_grow_refuses_overflow(void **state)
{
	(void)state;
	uint64_t *v = NULL;
	size_t cap = 0;

	assert_int_equal(NZ_GROW(v, 4, cap), NZ_OK);
	v[3] = 42;
	uint64_t *before = v;
	size_t cap_before = cap;
	assert_int_equal(NZ_GROW(v, SIZE_MAX / 4, cap), NZ_NOMEM);
	assert_int_equal(NZ_GROW(v, SIZE_MAX, cap), NZ_NOMEM);
	/* Nothing changed: the caller still owns the old array. */
	assert_ptr_equal(v, before);
	assert_int_equal(cap, cap_before);
	assert_int_equal(v[3], 42);
	free(v);
}

static void test_arena_grow(void **state)
{
	(void)state;
	nz_arena *a = nz_arena_new();
	const char **v = NULL;
	size_t n = 0, cap = 0;
	char word[16];

	for (int i = 0; i < 1000; i++) {
		assert_int_equal(NZ_ARENA_GROW(a, v, n + 1, cap), NZ_OK);
		snprintf(word, sizeof word, "w%d", i);
		v[n++] = nz_arena_strdup(a, word);
	}
	assert_string_equal(v[0], "w0");
	assert_string_equal(v[999], "w999");
	assert_int_equal(NZ_ARENA_GROW(a, v, SIZE_MAX, cap), NZ_NOMEM);
	assert_string_equal(v[999], "w999");
	nz_arena_free(a); /* frees every generation of the array */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_grow_keeps_items),
	    cmocka_unit_test(test_grow_with_room_is_a_no_op),
	    cmocka_unit_test(test_grow_refuses_overflow),
	    cmocka_unit_test(test_arena_grow),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
