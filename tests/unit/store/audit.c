/*
 * Tests the store's audit log (store/audit.c and its backends' twins): rows added by callers
 * with the acting user's login, newest first, paged by id, filtered by article, and a row that
 * joins the caller's transaction (rolled back with it).
 */
#include "store/store_test.h"

static void test_audit_add_and_list(void **state)
{
	fixture *f = *state;
	int64_t eve = make_user(f, "eve", NZ_ROLE_EDITOR); /* user.created, by the system */
	assert_int_equal(
	    nz_store_audit_add(f->store, eve, "article.noted", "article", 42, "first", &f->err),
	    NZ_OK);
	assert_int_equal(nz_store_audit_add(f->store, 0, "site.rebuilt", NULL, 0, NULL, &f->err),
			 NZ_OK);
	assert_int_equal(
	    nz_store_audit_add(f->store, eve, "article.noted", "article", 42, "second", &f->err),
	    NZ_OK);

	nz_audit_entry *e = NULL;
	size_t n = 0;
	nz_audit_query q = {0};
	assert_int_equal(nz_store_audit_list(f->store, f->arena, &q, &e, &n, &f->err), NZ_OK);
	assert_int_equal(n, 4);
	assert_string_equal(e[0].detail, "second");
	assert_int_equal(e[0].user_id, eve);
	assert_string_equal(e[0].login, "eve");
	assert_string_equal(e[0].object_type, "article");
	assert_int_equal(e[0].object_id, 42);
	assert_int_equal(e[0].article_id, 42);
	assert_true(e[0].at > 0);
	assert_string_equal(e[1].action, "site.rebuilt");
	assert_int_equal(e[1].user_id, 0);
	assert_null(e[1].login);
	assert_null(e[1].object_type);
	assert_int_equal(e[1].object_id, 0);
	assert_null(e[1].detail);
	assert_string_equal(e[3].action, "user.created");
	assert_string_equal(e[3].detail, "editor");
	assert_true(e[0].id > e[1].id && e[1].id > e[2].id && e[2].id > e[3].id);

	/* Pages by id, and one article's rows. */
	q = (nz_audit_query){.before_id = e[1].id, .limit = 1};
	int64_t third = e[2].id;
	assert_int_equal(nz_store_audit_list(f->store, f->arena, &q, &e, &n, &f->err), NZ_OK);
	assert_int_equal(n, 1);
	assert_int_equal(e[0].id, third);
	q = (nz_audit_query){.article_id = 42};
	assert_int_equal(nz_store_audit_list(f->store, f->arena, &q, &e, &n, &f->err), NZ_OK);
	assert_int_equal(n, 2);
	assert_string_equal(e[1].detail, "first");
	q = (nz_audit_query){.article_id = 43};
	assert_int_equal(nz_store_audit_list(f->store, f->arena, &q, &e, &n, &f->err), NZ_OK);
	assert_int_equal(n, 0);
}

static void test_audit_joins_the_callers_transaction(void **state)
{
	fixture *f = *state;
	assert_int_equal(nz_store_begin(f->store, &f->err), NZ_OK);
	assert_int_equal(nz_store_audit_add(f->store, 0, "site.rebuilt", NULL, 0, NULL, &f->err),
			 NZ_OK);
	nz_store_rollback(f->store);
	assert_int_equal(count_rows(f, "audit_log"), 0);
	assert_int_equal(nz_store_begin(f->store, &f->err), NZ_OK);
	assert_int_equal(nz_store_audit_add(f->store, 0, "site.rebuilt", NULL, 0, NULL, &f->err),
			 NZ_OK);
	assert_int_equal(nz_store_commit(f->store, &f->err), NZ_OK);
	assert_int_equal(count_rows(f, "audit_log"), 1);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, fixture_setup, fixture_teardown)
	const struct CMUnitTest tests[] = {
	    T(test_audit_add_and_list),
	    T(test_audit_joins_the_callers_transaction),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
