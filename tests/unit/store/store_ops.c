/* Tests what store.c makes from store_ops.h, with a fake backend whose table has two slots: a
 * WRITE operation is refused on a read-only handle before the backend is called, a READ one
 * goes through, an empty slot answers NZ_UNSUPPORTED naming the backend (for PASS and OWN
 * operations alike), and the table has exactly one slot per declared operation. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "store/store_int.h"

static int calls;

static nz_rc fake_section_ensure(nz_store *s, nz_section *sec, nz_err *err)
{
	(void)s, (void)err;
	calls++;
	sec->id = 7;
	return NZ_OK;
}

static nz_rc fake_section_get(nz_store *s, nz_arena *arena, const char *slug, nz_section **out,
			      nz_err *err)
{
	(void)s, (void)arena, (void)slug, (void)err;
	calls++;
	*out = NULL;
	return NZ_NOTFOUND;
}

static const nz__store_ops fake_ops = {
    .backend = "fake",
    .section_ensure = fake_section_ensure,
    .section_get = fake_section_get,
};

static void test_a_write_on_a_read_only_handle_never_reaches_the_backend(void **state)
{
	(void)state;
	nz_store s = {.ops = &fake_ops, .flags = NZ_STORE_READONLY};
	nz_section sec = {.slug = "news", .name = "News"};
	nz_section *got = NULL;
	nz_err err = {0};

	calls = 0;
	assert_int_equal(nz_store_section_ensure(&s, &sec, &err), NZ_PERM);
	assert_non_null(strstr(err.msg, "read-only"));
	assert_int_equal(calls, 0);
	assert_int_equal(nz_store_section_get(&s, NULL, "news", &got, &err), NZ_NOTFOUND);
	assert_int_equal(calls, 1);

	s.flags = 0;
	assert_int_equal(nz_store_section_ensure(&s, &sec, &err), NZ_OK);
	assert_int_equal(sec.id, 7);
	assert_int_equal(calls, 2);
}

static void test_an_empty_slot_answers_unsupported(void **state)
{
	(void)state;
	nz_store s = {.ops = &fake_ops};
	nz_tag *tag = NULL;
	nz_user u = {.login = "eve", .role = NZ_ROLE_EDITOR};
	nz_err err = {0};

	assert_int_equal(nz_store_tag_get(&s, NULL, "x", &tag, &err), NZ_UNSUPPORTED);
	assert_non_null(strstr(err.msg, "fake"));
	/* An OWN operation: its public function checks the arguments, then the generated call. */
	assert_int_equal(nz_store_user_create(&s, 0, &u, "$argon2id$x", &err), NZ_UNSUPPORTED);
	assert_non_null(strstr(err.msg, "user_create"));
}

#define COUNT_OP(access, front, name, params, args) +1
enum { N_OPS = 0 NZ__STORE_OPS(COUNT_OP) };

static void test_the_table_has_one_slot_per_operation(void **state)
{
	(void)state;
	/* the backend's name, close, begin, commit, rollback, then the operations */
	assert_int_equal(sizeof(nz__store_ops), (5 + N_OPS) * sizeof(void *));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_a_write_on_a_read_only_handle_never_reaches_the_backend),
	    cmocka_unit_test(test_an_empty_slot_answers_unsupported),
	    cmocka_unit_test(test_the_table_has_one_slot_per_operation),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
