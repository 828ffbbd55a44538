/* Tests src/store/articles_admin.c and the backends' back-office list: every status, the desk's
 * filters, the sorts, the keyset cursor walked to the end, and the full-text search over drafts
 * (any_status, ids_only) feeding the list's id filter. Runs on both backends. */
#include "search/search.h"
#include "store/store_test.h"

#define NOW 1600000000 /* before the real now: an edit made now is the newest */

/* One article; date is published_at when published, else its last edit (and creation). */
static void add(fixture *f, const char *slug, nz_status status, nz_time date, const char *section,
		const char *tag, const char *author, const char *lang, const char *body)
{
	bool pub = status == NZ_STATUS_PUBLISHED || status == NZ_STATUS_RETRACTED;
	nz_article *a = small_article(f->arena, slug, status, pub ? date : 0);
	a->created_at = a->updated_at = date;
	if (section) {
		a->section = nz_arena_zalloc(f->arena, sizeof(nz_section));
		a->section->slug = section;
	}
	if (tag) {
		a->tags = nz_arena_zalloc(f->arena, sizeof(nz_tag));
		a->tags[0].slug = tag;
		a->n_tags = 1;
	}
	if (author) {
		a->authors = nz_arena_zalloc(f->arena, sizeof(nz_author));
		a->authors[0].slug = author;
		a->authors[0].display_name = author;
		a->n_authors = 1;
	}
	if (lang)
		a->language = lang;
	if (body)
		a->body_markdown = body;
	if (nz_store_article_create(f->store, f->arena, a, NULL, &f->err) != NZ_OK)
		fail_msg("create %s: %s", slug, f->err.msg);
}

static int desk_setup(void **state)
{
	if (fixture_setup(state))
		return -1;
	fixture *f = *state;
	add(f, "oldest", NZ_STATUS_PUBLISHED, NOW - 500, "defense", "navy", "kim", "en", NULL);
	add(f, "korean", NZ_STATUS_PUBLISHED, NOW - 400, "defense", NULL, "kim", "ko", NULL);
	add(f, "draft-sub", NZ_STATUS_DRAFT, NOW - 300, "defense", "navy", "lee", "en",
	    "The submarine drills begin.");
	add(f, "review", NZ_STATUS_REVIEW, NOW - 200, "politics", NULL, "lee", "en", NULL);
	add(f, "retracted", NZ_STATUS_RETRACTED, NOW - 100, "politics", "navy", NULL, "en",
	    "A submarine story, withdrawn.");
	add(f, "newest", NZ_STATUS_PUBLISHED, NOW - 50, "defense", "navy", "kim", "en",
	    "A submarine surfaces.");
	return 0;
}

static const char *run(fixture *f, nz_admin_query q, nz_article_list *list)
{
	if (nz_store_admin_article_list(f->store, f->arena, &q, list, &f->err) != NZ_OK)
		fail_msg("list: %s", f->err.msg);
	return list_slugs(f, list);
}

static void test_every_status_newest_first_and_filters(void **state)
{
	fixture *f = *state;
	nz_article_list l;
	assert_string_equal(run(f, (nz_admin_query){0}, &l),
			    "newest retracted review draft-sub korean oldest");
	assert_int_equal(l.total, 6);
	assert_string_equal(run(f, (nz_admin_query){.sort = NZ_ADMIN_SORT_OLDEST}, &l),
			    "oldest korean draft-sub review retracted newest");
	nz_admin_query q = {.statuses = (1u << NZ_STATUS_DRAFT) | (1u << NZ_STATUS_REVIEW)};
	assert_string_equal(run(f, q, &l), "review draft-sub");
	assert_int_equal(l.total, 2);
	assert_string_equal(run(f, (nz_admin_query){.section_slug = "politics"}, &l),
			    "retracted review");
	assert_string_equal(run(f, (nz_admin_query){.tag_slug = "navy"}, &l),
			    "newest retracted draft-sub oldest");
	assert_string_equal(run(f, (nz_admin_query){.author_slug = "lee"}, &l), "review draft-sub");
	assert_string_equal(run(f, (nz_admin_query){.language = "ko"}, &l), "korean");
	assert_string_equal(run(f, (nz_admin_query){.tag_slug = "no-such-tag"}, &l), "");
	assert_int_equal(l.total, 0);
	/* Everything at once, and a date range on the list's date: [from, to). */
	q = (nz_admin_query){.tag_slug = "navy",
			     .section_slug = "defense",
			     .author_slug = "kim",
			     .language = "en",
			     .statuses = 1u << NZ_STATUS_PUBLISHED};
	assert_string_equal(run(f, q, &l), "newest oldest");
	assert_string_equal(run(f, (nz_admin_query){.from = NOW - 400, .to = NOW - 100}, &l),
			    "review draft-sub korean");
	assert_int_equal(l.total, 3);
}

/* Walks the list two at a time with the keyset cursor; the pages join into the whole list. */
static const char *walk(fixture *f, nz_admin_query q)
{
	nz_article_list l;
	nz_buf all;
	nz_buf_init(&all, 0);
	q.limit = 2;
	for (int pages = 0; pages < 10; pages++) {
		const char *page = run(f, q, &l);
		assert_int_equal(l.total, 6); /* the cursor never changes the total */
		nz_buf_printf(&all, "%s%s", all.len && *page ? " " : "", page);
		if (!l.has_more)
			break;
		q.after = true;
		q.after_time = nz_store_admin_key(&q, &l.items[l.n - 1]);
		q.after_id = l.items[l.n - 1].id;
	}
	const char *s = nz_arena_strdup(f->arena, nz_buf_cstr(&all));
	nz_buf_free(&all);
	return s;
}

static void test_keyset_pages_in_every_sort(void **state)
{
	fixture *f = *state;
	assert_string_equal(walk(f, (nz_admin_query){0}),
			    "newest retracted review draft-sub korean oldest");
	assert_string_equal(walk(f, (nz_admin_query){.sort = NZ_ADMIN_SORT_OLDEST}),
			    "oldest korean draft-sub review retracted newest");
	assert_string_equal(walk(f, (nz_admin_query){.sort = NZ_ADMIN_SORT_CREATED}),
			    "newest retracted review draft-sub korean oldest");
	/* An edit moves an article to the top of "last updated" only. */
	nz_article *a = NULL;
	nz_article_list l;
	assert_int_equal(nz_store_article_by_slug(f->store, f->arena, "oldest", &a, &f->err),
			 NZ_OK);
	a->headline = "Edited";
	assert_int_equal(
	    nz_store_article_update(f->store, f->arena, 0, a, a->revision, "edit", &f->err), NZ_OK);
	assert_string_equal(run(f, (nz_admin_query){.sort = NZ_ADMIN_SORT_UPDATED, .limit = 1}, &l),
			    "oldest");
	assert_string_equal(walk(f, (nz_admin_query){.sort = NZ_ADMIN_SORT_UPDATED}),
			    "oldest newest retracted review draft-sub korean");
	/* An old article added now (an import): last by its date, first of the last added; the
	 * date range of CREATED is on created_at. */
	add(f, "archive", NZ_STATUS_PUBLISHED, NOW - 9000, NULL, NULL, NULL, "en", NULL);
	assert_string_equal(run(f, (nz_admin_query){.sort = NZ_ADMIN_SORT_CREATED, .limit = 2}, &l),
			    "archive newest");
	assert_string_equal(run(f, (nz_admin_query){.sort = NZ_ADMIN_SORT_OLDEST, .limit = 1}, &l),
			    "archive");
	assert_string_equal(run(f,
				(nz_admin_query){.sort = NZ_ADMIN_SORT_CREATED,
						 .from = NOW - 9500,
						 .to = NOW - 8500},
				&l),
			    "archive");
}

static void test_search_finds_drafts_for_the_desk(void **state)
{
	fixture *f = *state;
	nz_search_query sq;
	nz_search_results r;
	assert_int_equal(nz_search_parse(f->arena, "submarine", 9, &sq), NZ_OK);
	/* The reader's search: the published article only. */
	nz_article_search pub = {.query = &sq, .now = NOW};
	assert_int_equal(nz_store_search(f->store, f->arena, &pub, &r, &f->err), NZ_OK);
	assert_int_equal(r.n, 1);
	assert_string_equal(r.items[0].article.slug, "newest");
	/* The desk's: every status, ids only. */
	nz_article_search desk = {.query = &sq, .now = NOW, .any_status = true, .ids_only = true};
	assert_int_equal(nz_store_search(f->store, f->arena, &desk, &r, &f->err), NZ_OK);
	assert_int_equal(r.n, 3);
	assert_null(r.items[0].article.slug); /* nothing loaded */
	int64_t ids[3];
	for (size_t i = 0; i < 3; i++)
		ids[i] = r.items[i].article.id;
	nz_article_list l;
	nz_admin_query q = {.ids = ids, .n_ids = 3, .by_ids = true};
	assert_string_equal(run(f, q, &l), "newest retracted draft-sub");
	q.statuses = 1u << NZ_STATUS_DRAFT;
	assert_string_equal(run(f, q, &l), "draft-sub");
	q = (nz_admin_query){.ids = ids, .n_ids = 0, .by_ids = true};
	assert_string_equal(run(f, q, &l), "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_every_status_newest_first_and_filters, desk_setup,
					    fixture_teardown),
	    cmocka_unit_test_setup_teardown(test_keyset_pages_in_every_sort, desk_setup,
					    fixture_teardown),
	    cmocka_unit_test_setup_teardown(test_search_finds_drafts_for_the_desk, desk_setup,
					    fixture_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
