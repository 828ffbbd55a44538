/* Tests src/core/arena.c: alignment, big allocations, string helpers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/core.h"

static void test_alignment_and_independence(void **state)
{
	(void)state;
	nz_arena *a = nz_arena_new();
	assert_non_null(a);
	char *prev = NULL;
	for (int i = 1; i < 5000; i++) {
		char *p = nz_arena_alloc(a, (size_t)(i % 37) + 1);
		assert_non_null(p);
		assert_int_equal((uintptr_t)p % 16, 0);
		memset(p, 'x', (size_t)(i % 37) + 1);
		assert_true(p != prev);
		prev = p;
	}
	assert_true(nz_arena_used(a) >= 5000);
	nz_arena_free(a);
}

static void test_big_allocation_keeps_small_ones_working(void **state)
{
	(void)state;
	nz_arena *a = nz_arena_new();
	char *s1 = nz_arena_strdup(a, "before");
	char *big = nz_arena_zalloc(a, 1 << 20);
	assert_non_null(big);
	assert_int_equal(big[(1 << 20) - 1], 0);
	char *s2 = nz_arena_printf(a, "%s-%d", "after", 42);
	assert_string_equal(s1, "before");
	assert_string_equal(s2, "after-42");
	assert_string_equal(nz_arena_str(a, NZ_STR_LIT("국방")), "국방");
	assert_null(nz_arena_strdup(a, NULL));
	nz_arena_free(a);
	nz_arena_free(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_alignment_and_independence),
	    cmocka_unit_test(test_big_allocation_keeps_small_ones_working),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
