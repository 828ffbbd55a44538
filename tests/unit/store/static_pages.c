/*
 * Tests the store's static pages (store/sqlite/static_pages.c and its PostgreSQL twin): a save
 * writes the page and one revision row in one go, a stale save is refused (NZ_CONFLICT) and
 * changes nothing, slugs and roles belong to one page, the list keeps the footer's order, and
 * a page's versions in other languages (one JSON text) are kept with it and in its revisions, and
 * every save is a 'site' change (every public page's footer links the pages); a page's import
 * record is found by its key and replaced by the next import's.
 */
#include "store/store_test.h"

static nz_static_page page(const char *slug, const char *title, const char *role, int64_t pos)
{
	return (nz_static_page){.slug = slug,
				.title = title,
				.body_markdown = "We report the news.",
				.role = role,
				.position = pos};
}

static void test_save_get_and_revisions(void **state)
{
	fixture *f = *state;
	int64_t eve = make_user(f, "eve", NZ_ROLE_EDITOR);
	nz_static_page p = page("ethics", "Ethics policy", "ethicsPolicy", 2);
	assert_int_equal(nz_store_static_page_save(f->store, &p, eve, &f->err), NZ_OK);
	assert_true(p.id > 0);
	assert_int_equal(p.revision, 1);
	assert_true(p.created_at > 0 && p.updated_at == p.created_at);

	p.title = "Our ethics policy";
	p.body_markdown = "We correct our mistakes.";
	p.translations = "{\"ko\":{\"body_markdown\":\"정정합니다.\",\"title\":\"윤리 강령\"}}";
	assert_int_equal(nz_store_static_page_save(f->store, &p, 0, &f->err), NZ_OK);
	assert_int_equal(p.revision, 2);

	nz_static_page got;
	assert_int_equal(nz_store_static_page_get(f->store, f->arena, "ethics", 0, &got, &f->err),
			 NZ_OK);
	assert_int_equal(got.id, p.id);
	assert_string_equal(got.title, "Our ethics policy");
	assert_string_equal(got.body_markdown, "We correct our mistakes.");
	assert_string_equal(got.role, "ethicsPolicy");
	assert_int_equal(got.position, 2);
	assert_int_equal(got.revision, 2);
	assert_string_equal(got.translations, p.translations); /* its versions, as saved */
	assert_int_equal(nz_store_static_page_get(f->store, f->arena, NULL, p.id, &got, &f->err),
			 NZ_OK);
	assert_string_equal(got.slug, "ethics");
	assert_int_equal(nz_store_static_page_get(f->store, f->arena, "about", 0, &got, &f->err),
			 NZ_NOTFOUND);

	nz_static_page_revision *r = NULL;
	size_t n = 0;
	assert_int_equal(nz_store_static_page_revisions(f->store, f->arena, p.id, &r, &n, &f->err),
			 NZ_OK);
	assert_int_equal(n, 2);
	assert_int_equal(r[0].revision, 2);
	assert_string_equal(r[0].title, "Our ethics policy");
	assert_string_equal(r[0].translations, p.translations);
	assert_null(r[1].translations);
	assert_int_equal(r[0].actor, 0);
	assert_int_equal(r[1].revision, 1);
	assert_string_equal(r[1].title, "Ethics policy");
	assert_string_equal(r[1].body_markdown, "We report the news.");
	assert_int_equal(r[1].actor, eve);
	assert_string_equal(r[1].role, "ethicsPolicy");
	assert_true(r[1].saved_at > 0);
}

static void test_stale_save_is_refused_and_changes_nothing(void **state)
{
	fixture *f = *state;
	nz_static_page p = page("about", "About us", NULL, 0);
	assert_int_equal(nz_store_static_page_save(f->store, &p, 0, &f->err), NZ_OK);
	nz_static_page mine = p, theirs = p;
	theirs.title = "About the newsroom";
	assert_int_equal(nz_store_static_page_save(f->store, &theirs, 0, &f->err), NZ_OK);
	mine.title = "About this site";
	assert_int_equal(nz_store_static_page_save(f->store, &mine, 0, &f->err), NZ_CONFLICT);
	assert_non_null(strstr(f->err.msg, "someone else"));
	assert_int_equal(mine.revision, 1); /* left as it was */
	nz_static_page got;
	assert_int_equal(nz_store_static_page_get(f->store, f->arena, "about", 0, &got, &f->err),
			 NZ_OK);
	assert_string_equal(got.title, "About the newsroom");
	assert_int_equal(count_rows(f, "page_revisions"), 2);

	nz_static_page ghost = page("ghost", "Ghost", NULL, 0);
	ghost.id = p.id + 100;
	ghost.revision = 1;
	assert_int_equal(nz_store_static_page_save(f->store, &ghost, 0, &f->err), NZ_NOTFOUND);
}

static void test_slug_and_role_belong_to_one_page(void **state)
{
	fixture *f = *state;
	nz_static_page a = page("masthead", "Masthead", "masthead", 0);
	assert_int_equal(nz_store_static_page_save(f->store, &a, 0, &f->err), NZ_OK);
	nz_static_page b = page("masthead", "Another masthead", NULL, 0);
	assert_int_equal(nz_store_static_page_save(f->store, &b, 0, &f->err), NZ_EXISTS);
	assert_int_equal(b.id, 0);
	nz_static_page c = page("staff", "Staff", "masthead", 0);
	assert_int_equal(nz_store_static_page_save(f->store, &c, 0, &f->err), NZ_EXISTS);
	assert_int_equal(count_rows(f, "pages"), 1);
	assert_int_equal(count_rows(f, "page_revisions"), 1);
	/* Two pages without a role are fine. */
	nz_static_page d = page("contact", "Contact", NULL, 0), e = page("jobs", "Jobs", NULL, 0);
	assert_int_equal(nz_store_static_page_save(f->store, &d, 0, &f->err), NZ_OK);
	assert_int_equal(nz_store_static_page_save(f->store, &e, 0, &f->err), NZ_OK);
}

static void test_list_in_footer_order_and_site_changes(void **state)
{
	fixture *f = *state;
	int64_t seq0 = 0, seq1 = 0;
	assert_int_equal(nz_store_change_seq(f->store, &seq0, &f->err), NZ_OK);
	nz_static_page a = page("contact", "Contact", NULL, 2), b = page("about", "About", NULL, 1),
		       c = page("corrections-policy", "Corrections", "correctionsPolicy", 1);
	assert_int_equal(nz_store_static_page_save(f->store, &a, 0, &f->err), NZ_OK);
	assert_int_equal(nz_store_static_page_save(f->store, &b, 0, &f->err), NZ_OK);
	assert_int_equal(nz_store_static_page_save(f->store, &c, 0, &f->err), NZ_OK);
	nz_static_page *all = NULL;
	size_t n = 0;
	assert_int_equal(nz_store_static_page_list(f->store, f->arena, &all, &n, &f->err), NZ_OK);
	assert_int_equal(n, 3);
	assert_string_equal(all[0].slug, "about");
	assert_string_equal(all[1].slug, "corrections-policy");
	assert_string_equal(all[2].slug, "contact");
	assert_null(all[0].role);

	const char **keys = NULL;
	size_t n_keys = 0;
	assert_int_equal(
	    nz_store_changes_since(f->store, f->arena, seq0, &seq1, &keys, &n_keys, &f->err),
	    NZ_OK);
	bool site = false;
	for (size_t i = 0; i < n_keys; i++)
		site = site || strcmp(keys[i], "site") == 0;
	assert_true(site);
}

static void test_import_record_by_key(void **state)
{
	fixture *f = *state;
	nz_static_page p = page("about", "About us", NULL, 0);
	assert_int_equal(nz_store_static_page_save(f->store, &p, 0, &f->err), NZ_OK);
	nz_store_page_import rec = {.key = "wordpress https://x.example/?page_id=2",
				    .page_id = p.id,
				    .sha256_hex = "aa",
				    .filename = "export.xml#page-2",
				    .bytes = "<item>\r\n</item>",
				    .len = 16,
				    .notes = "author: mlee\n",
				    .comments = 2};
	nz_store_page_import got;
	assert_int_equal(nz_store_page_import_find(f->store, f->arena, rec.key, &got, &f->err),
			 NZ_NOTFOUND);
	assert_int_equal(nz_store_page_import_put(f->store, &rec, &f->err), NZ_OK);
	rec.sha256_hex = "bb";
	rec.notes = "author: eve\n";
	assert_int_equal(nz_store_page_import_put(f->store, &rec, &f->err), NZ_OK);
	assert_int_equal(nz_store_page_import_find(f->store, f->arena, rec.key, &got, &f->err),
			 NZ_OK);
	assert_int_equal(got.page_id, p.id);
	assert_string_equal(got.sha256_hex, "bb");
	assert_string_equal(got.filename, "export.xml#page-2");
	assert_string_equal(got.notes, "author: eve\n");
	assert_int_equal(got.comments, 2);
	assert_true(got.updated_at > 0);
	assert_int_equal(
	    nz_store_page_import_find(f->store, f->arena, "wordpress other", &got, &f->err),
	    NZ_NOTFOUND);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, fixture_setup, fixture_teardown)
	const struct CMUnitTest tests[] = {
	    T(test_save_get_and_revisions),
	    T(test_stale_save_is_refused_and_changes_nothing),
	    T(test_slug_and_role_belong_to_one_page),
	    T(test_list_in_footer_order_and_site_changes),
	    T(test_import_record_by_key),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
