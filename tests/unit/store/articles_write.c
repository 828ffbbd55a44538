/* Tests src/store/articles_write.c's shared checks: an edit's revision and workflow check, a
 * workflow change's preparation, reusing a stored media row, translation groups, and the one
 * correction of a corrections-feed row (src/store/articles.c). */
#include "store/store_int.h"
#include "store/store_test.h"

static void test_edit_allowed(void **state)
{
	(void)state;
	nz_err err = {0};
	nz_status to;
	assert_int_equal(nz__store_edit_allowed(7, 3, 3, NZ_STATUS_DRAFT, &err), NZ_OK);
	assert_int_equal(nz__store_edit_allowed(7, 3, 4, NZ_STATUS_DRAFT, &err), NZ_CONFLICT);
	assert_string_equal(err.msg, "article 7: changed by someone else since revision 3 (now at "
				     "revision 4)");
	nz_err want = {0};
	nz_rc rc = nz_workflow_next(NZ_STATUS_RETRACTED, NZ_EV_EDIT, &to, &want);
	assert_int_equal(nz__store_edit_allowed(7, 3, 3, NZ_STATUS_RETRACTED, &err), rc);
}

static void test_transition_prepare(void **state)
{
	(void)state;
	nz_arena *arena = nz_arena_new();
	nz_article a = {.id = 9, .revision = 2, .status = NZ_STATUS_DRAFT};
	nz_article_transition t = {.id = 9, .ev = NZ_EV_SUBMIT, .base_revision = 1};
	nz_status from;
	const char *what = NULL;
	nz_err err = {0};
	assert_int_equal(nz__store_transition_prepare(arena, &t, &a, 100, &from, &what, &err),
			 NZ_CONFLICT);
	t.base_revision = 0; /* no base: no check */
	assert_int_equal(nz__store_transition_prepare(arena, &t, &a, 100, &from, &what, &err),
			 NZ_OK);
	assert_int_equal(from, NZ_STATUS_DRAFT);
	assert_int_equal(a.status, NZ_STATUS_REVIEW);
	assert_int_equal(a.updated_at, 100);
	assert_string_equal(what, "submitted for review");
	assert_false(nz__store_transition_corrects(&t));
	nz_article_transition r = {.ev = NZ_EV_RETRACT, .text = ""};
	assert_false(nz__store_transition_corrects(&r));
	r.text = "wrong";
	assert_true(nz__store_transition_corrects(&r));
	nz_article_transition c = {.ev = NZ_EV_CORRECT};
	assert_true(nz__store_transition_corrects(&c));
	nz_arena_free(arena);
}

static void test_media_reuse(void **state)
{
	(void)state;
	nz_media stored = {
	    .id = 4, .hash = "h1", .mime = "image/png", .width = 3, .height = 2, .caption = "c"};
	nz_media by_id = {.id = 4, .caption = "c"};
	assert_true(nz__store_media_reuse(&by_id, &stored));
	assert_string_equal(by_id.hash, "h1");
	assert_string_equal(by_id.mime, "image/png");
	assert_int_equal(by_id.width, 3);
	nz_media recaptioned = {.id = 4, .caption = "new"};
	assert_false(nz__store_media_reuse(&recaptioned, &stored));
	assert_string_equal(recaptioned.hash, "h1");
	nz_media other = {.id = 4, .hash = "h2", .caption = "c"};
	assert_false(nz__store_media_reuse(&other, &stored));
	assert_string_equal(other.hash, "h2");
}

static void test_translation_group_and_correction(void **state)
{
	(void)state;
	assert_int_equal(nz__store_translation_group(5, 3, 0, 0), 3);
	assert_int_equal(nz__store_translation_group(5, 3, 0, 8), 8);
	assert_int_equal(nz__store_translation_group(5, 3, 6, 8), 6);
	nz_arena *arena = nz_arena_new();
	nz_article a = {0};
	nz_correction *c = nz__store_one_correction(arena, &a);
	assert_non_null(c);
	assert_ptr_equal(a.corrections, c);
	assert_int_equal(a.n_corrections, 1);
	assert_int_equal(c->id, 0);
	nz_arena_free(arena);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_edit_allowed),
	    cmocka_unit_test(test_transition_prepare),
	    cmocka_unit_test(test_media_reuse),
	    cmocka_unit_test(test_translation_group_and_correction),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
