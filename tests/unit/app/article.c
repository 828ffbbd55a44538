/* Tests src/app/article.c: a save stores the fields, links a translation and takes a workflow
 * step in one transaction, so a refused step leaves the article as it was, and a refused
 * create leaves no article at all. */
#include "app/app.h"
#include "store/store_test.h"

/* A draft saved through the app (revision 1). */
static nz_article *draft(fixture *f, const char *slug, const char *language)
{
	nz_article *a = small_article(f->arena, slug, NZ_STATUS_DRAFT, 0);
	a->language = language;
	nz_app_save sv = {.a = a, .note = "created"};
	assert_int_equal(nz_app_article_save(f->store, f->arena, &sv, &f->err), NZ_OK);
	assert_true(a->id > 0);
	assert_int_equal(a->revision, 1);
	return a;
}

static nz_article *load(fixture *f, int64_t id)
{
	nz_article *a = NULL;
	assert_int_equal(nz_store_article_by_id(f->store, f->arena, id, &a, &f->err), NZ_OK);
	return a;
}

static void test_refused_step_leaves_the_previous_revision(void **state)
{
	fixture *f = *state;
	nz_article *a = draft(f, "budget-talks", "en");
	a->headline = "Budget talks resume";
	/* A draft cannot be corrected: only published articles take corrections. */
	nz_app_save sv = {.a = a,
			  .base_revision = 1,
			  .note = "new headline",
			  .then = NZ_EV_CORRECT,
			  .text = "An earlier version misspelled a name."};
	assert_int_equal(nz_app_article_save(f->store, f->arena, &sv, &f->err), NZ_INVAL);
	assert_int_equal(sv.failed, NZ_APP_PART_STEP);

	nz_article *stored = load(f, a->id);
	assert_int_equal(stored->revision, 1);
	assert_string_equal(stored->headline, "Headline of budget-talks");
	assert_int_equal(count_rows(f, "revisions"), 1);
	/* The caller still holds what the user typed, based on the same revision. */
	assert_string_equal(a->headline, "Budget talks resume");
	assert_int_equal(a->revision, 1);
}

static void test_save_and_publish_together(void **state)
{
	fixture *f = *state;
	nz_article *a = draft(f, "port-opens", "en");
	a->headline = "The port opens";
	nz_app_save sv = {.a = a, .base_revision = 1, .then = NZ_EV_PUBLISH};
	assert_int_equal(nz_app_article_save(f->store, f->arena, &sv, &f->err), NZ_OK);
	assert_int_equal(a->status, NZ_STATUS_PUBLISHED);
	assert_true(a->revision > 1);
	nz_article *stored = load(f, a->id);
	assert_int_equal(stored->status, NZ_STATUS_PUBLISHED);
	assert_string_equal(stored->headline, "The port opens");
	assert_true(stored->published_at > 0);
}

static void test_refused_create_leaves_no_article(void **state)
{
	fixture *f = *state;
	nz_article *a = small_article(f->arena, "never", NZ_STATUS_DRAFT, 0);
	nz_app_save sv = {.a = a, .then = NZ_EV_RETRACT};
	assert_int_equal(nz_app_article_save(f->store, f->arena, &sv, &f->err), NZ_INVAL);
	assert_int_equal(sv.failed, NZ_APP_PART_STEP);
	assert_int_equal(count_rows(f, "articles"), 0);
	assert_int_equal(count_rows(f, "revisions"), 0);
	assert_int_equal(a->id, 0);
}

static void test_stale_base_revision_is_a_conflict(void **state)
{
	fixture *f = *state;
	nz_article *a = draft(f, "two-editors", "en");
	a->headline = "Changed by the first editor";
	nz_app_save first = {.a = a, .base_revision = 1};
	assert_int_equal(nz_app_article_save(f->store, f->arena, &first, &f->err), NZ_OK);
	assert_int_equal(a->revision, 2);
	nz_app_save late = {.a = a, .base_revision = 1, .then = NZ_EV_SUBMIT};
	assert_int_equal(nz_app_article_save(f->store, f->arena, &late, &f->err), NZ_CONFLICT);
	assert_int_equal(late.failed, NZ_APP_PART_FIELDS);
	assert_int_equal(load(f, a->id)->status, NZ_STATUS_DRAFT);
}

/* Saving what is stored already writes nothing: no revision, no audit row; "save and publish"
 * on an unchanged draft adds only the publishing's own revision. A stale base is still a
 * conflict. */
static void test_a_save_that_changes_nothing_adds_no_revision(void **state)
{
	fixture *f = *state;
	nz_article *a = draft(f, "unchanged", "en");
	int64_t audits = count_rows(f, "audit_log");
	nz_app_save same = {.a = load(f, a->id), .base_revision = 1, .note = "nothing"};
	assert_int_equal(nz_app_article_save(f->store, f->arena, &same, &f->err), NZ_OK);
	assert_int_equal(same.a->revision, 1);
	assert_int_equal(count_rows(f, "revisions"), 1);
	assert_int_equal(count_rows(f, "audit_log"), audits);
	nz_app_save publish = {.a = load(f, a->id), .base_revision = 1, .then = NZ_EV_PUBLISH};
	assert_int_equal(nz_app_article_save(f->store, f->arena, &publish, &f->err), NZ_OK);
	assert_int_equal(publish.a->status, NZ_STATUS_PUBLISHED);
	assert_int_equal(count_rows(f, "revisions"), 2); /* "published", and no empty one */
	nz_app_save stale = {.a = load(f, a->id), .base_revision = 1};
	assert_int_equal(nz_app_article_save(f->store, f->arena, &stale, &f->err), NZ_CONFLICT);
	/* A real change still makes its revision. */
	nz_app_save edit = {.a = load(f, a->id), .base_revision = 2};
	edit.a->body_markdown = "A new body.";
	assert_int_equal(nz_app_article_save(f->store, f->arena, &edit, &f->err), NZ_OK);
	assert_int_equal(edit.a->revision, 3);
	assert_int_equal(count_rows(f, "revisions"), 3);
}

static void test_translation_link_joins_both_articles(void **state)
{
	fixture *f = *state;
	nz_article *en = draft(f, "drill-ends", "en");
	nz_article *ko = draft(f, "drill-ends-ko", "ko");
	nz_app_save sv = {.a = ko, .base_revision = 1, .translation_id = en->id};
	assert_int_equal(nz_app_article_save(f->store, f->arena, &sv, &f->err), NZ_OK);
	assert_true(ko->translation_group != 0); /* the caller gets the reloaded article */
	nz_article *e = load(f, en->id), *k = load(f, ko->id);
	int64_t ge = e->translation_group ? e->translation_group : e->id;
	int64_t gk = k->translation_group ? k->translation_group : k->id;
	assert_int_equal(ge, gk);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_refused_step_leaves_the_previous_revision,
					    fixture_setup, fixture_teardown),
	    cmocka_unit_test_setup_teardown(test_save_and_publish_together, fixture_setup,
					    fixture_teardown),
	    cmocka_unit_test_setup_teardown(test_refused_create_leaves_no_article, fixture_setup,
					    fixture_teardown),
	    cmocka_unit_test_setup_teardown(test_a_save_that_changes_nothing_adds_no_revision,
					    fixture_setup, fixture_teardown),
	    cmocka_unit_test_setup_teardown(test_stale_base_revision_is_a_conflict, fixture_setup,
					    fixture_teardown),
	    cmocka_unit_test_setup_teardown(test_translation_link_joins_both_articles,
					    fixture_setup, fixture_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
