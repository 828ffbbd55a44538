/* Tests src/app/import.c: a translation names its original and the two become translations of
 * each other; lines no field took stay as import notes; the same bytes twice are one article;
 * a bad file is refused and writes nothing; a file on disk is kept byte for byte. */
#include "app/app.h"
#include "store/store_test.h"

static const char original[] = "---\n"
			       "headline: Veterans archive opens\n"
			       "slug: veterans-archive-opens\n"
			       "language: en\n"
			       "status: published\n"
			       "---\n"
			       "The archive holds 1,200 interviews.\n";

static const char translation[] = "---\n"
				  "headline: 참전용사 구술기록관 문 열어\n"
				  "slug: veterans-archive-opens-ko\n"
				  "translation_of: veterans-archive-opens\n"
				  "language: ko\n"
				  "status: published\n"
				  "mood: upbeat\n"
				  "---\n"
				  "기록관은 구술 1200건을 보관한다.\n";

static nz_app_imported import(fixture *f, const char *name, const char *text)
{
	nz_import_opts opts = {.now = 1780000000};
	nz_app_import in = {.name = name, .bytes = text, .len = strlen(text), .opts = &opts};
	nz_app_imported r;
	assert_int_equal(nz_app_import_bytes(f->store, f->arena, &in, &r, &f->err), NZ_OK);
	return r;
}

static bool has_note(const nz_article *a, const char *note)
{
	for (size_t i = 0; i < a->n_import_notes; i++)
		if (strcmp(a->import_notes[i], note) == 0)
			return true;
	return false;
}

static void test_translation_of_links_both_articles(void **state)
{
	fixture *f = *state;
	nz_app_imported en = import(f, "en.md", original);
	nz_app_imported ko = import(f, "ko.md", translation);
	assert_int_equal(en.outcome, NZ_APP_IMPORTED);
	assert_int_equal(ko.outcome, NZ_APP_IMPORTED);

	nz_article *t = NULL;
	size_t n = 0;
	assert_int_equal(nz_store_article_translations(f->store, f->arena, en.article,
						       nz_time_now(), &t, &n, &f->err),
			 NZ_OK);
	assert_int_equal(n, 1);
	assert_string_equal(t[0].slug, "veterans-archive-opens-ko");
	assert_int_equal(nz_store_article_translations(f->store, f->arena, ko.article,
						       nz_time_now(), &t, &n, &f->err),
			 NZ_OK);
	assert_int_equal(n, 1);
	assert_string_equal(t[0].slug, "veterans-archive-opens");

	/* The link is a field, not a leftover line; an unknown key still is one. */
	nz_article *stored = NULL;
	assert_int_equal(
	    nz_store_article_by_id(f->store, f->arena, ko.article_id, &stored, &f->err), NZ_OK);
	assert_int_equal(stored->n_import_notes, 1);
	assert_true(has_note(stored, "mood: upbeat"));
}

static void test_translation_of_an_unknown_article_stays_a_note(void **state)
{
	fixture *f = *state;
	nz_app_imported ko = import(f, "ko.md", translation);
	assert_int_equal(ko.outcome, NZ_APP_IMPORTED);
	nz_article *stored = NULL;
	assert_int_equal(
	    nz_store_article_by_id(f->store, f->arena, ko.article_id, &stored, &f->err), NZ_OK);
	assert_int_equal(stored->translation_group, 0);
	assert_true(has_note(stored, "translation_of: veterans-archive-opens"));
	assert_true(has_note(stored, "mood: upbeat"));
}

static void test_same_bytes_twice_are_one_article(void **state)
{
	fixture *f = *state;
	nz_app_imported first = import(f, "a.md", original);
	nz_app_imported again = import(f, "copy-of-a.md", original);
	assert_int_equal(first.outcome, NZ_APP_IMPORTED);
	assert_int_equal(again.outcome, NZ_APP_UNCHANGED);
	assert_int_equal(again.article_id, first.article_id);
	assert_int_equal(count_rows(f, "articles"), 1);
	assert_int_equal(count_rows(f, "import_sources"), 1);
}

static void test_bad_file_is_refused_and_writes_nothing(void **state)
{
	fixture *f = *state;
	nz_app_imported r = import(f, "empty.md", "");
	assert_int_equal(r.outcome, NZ_APP_REFUSED);
	assert_non_null(strstr(f->err.msg, "empty"));
	r = import(f, "unclosed.md", "---\nheadline: No end\nThe body.\n");
	assert_int_equal(r.outcome, NZ_APP_REFUSED);
	assert_int_equal(count_rows(f, "articles"), 0);
	assert_int_equal(count_rows(f, "import_sources"), 0);
}

static void test_file_is_read_and_kept_byte_for_byte(void **state)
{
	fixture *f = *state;
	nz_import_opts opts = {.now = 1780000000, .publish = true};
	nz_app_imported r;
	char path[160];
	snprintf(path, sizeof path, "%s/story.md", f->dir);
	assert_int_equal(nz_app_import_file(f->store, f->arena, path, &opts, &r, &f->err), NZ_OK);
	assert_int_equal(r.outcome, NZ_APP_REFUSED);
	assert_string_equal(f->err.msg, "no such file");

	FILE *fp = fopen(path, "wb");
	assert_non_null(fp);
	fputs(original, fp);
	fclose(fp);
	assert_int_equal(nz_app_import_file(f->store, f->arena, path, &opts, &r, &f->err), NZ_OK);
	unlink(path);
	assert_int_equal(r.outcome, NZ_APP_IMPORTED);
	assert_int_equal(r.article->status, NZ_STATUS_PUBLISHED);
	const void *bytes = NULL;
	size_t len = 0;
	const char *name = NULL;
	assert_int_equal(
	    nz_store_import_get(f->store, f->arena, r.article_id, &bytes, &len, &name, &f->err),
	    NZ_OK);
	assert_int_equal(len, strlen(original));
	assert_memory_equal(bytes, original, len);
	assert_string_equal(name, path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_translation_of_links_both_articles, fixture_setup,
					    fixture_teardown),
	    cmocka_unit_test_setup_teardown(test_translation_of_an_unknown_article_stays_a_note,
					    fixture_setup, fixture_teardown),
	    cmocka_unit_test_setup_teardown(test_same_bytes_twice_are_one_article, fixture_setup,
					    fixture_teardown),
	    cmocka_unit_test_setup_teardown(test_bad_file_is_refused_and_writes_nothing,
					    fixture_setup, fixture_teardown),
	    cmocka_unit_test_setup_teardown(test_file_is_read_and_kept_byte_for_byte, fixture_setup,
					    fixture_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
