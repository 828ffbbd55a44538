/* Tests src/store/sqlite/articles_feeds.c (and the listings in store/articles_history.c): the light
 * listings behind
 * sitemaps and exports (only public articles; retracted ones only when asked; keyset paging; the
 * two-day window), translations (the original with translation_group 0 and its translations),
 * sitemap chunks, the newest corrections across the site and blob sizes. */
#include "store/store_test.h"

#define NOW 1800000000

/* Stores an article; returns its id. */
static int64_t add(fixture *f, const char *slug, nz_status status, nz_time published,
		   const char *lang, nz_time embargo, int64_t group)
{
	nz_article *a = small_article(f->arena, slug, status, published);
	a->language = lang;
	a->embargo_until = embargo;
	a->translation_group = group;
	if (nz_store_article_create(f->store, f->arena, a, NULL, &f->err) != NZ_OK)
		fail_msg("create %s: %s", slug, f->err.msg);
	return a->id;
}

static int64_t original_id;

static int newsroom_setup(void **state)
{
	if (fixture_setup(state))
		return -1;
	fixture *f = *state;
	original_id = add(f, "original", NZ_STATUS_PUBLISHED, NOW - 5 * 86400, "en", 0, 0);
	add(f, "draft", NZ_STATUS_DRAFT, 0, "en", 0, 0);
	add(f, "번역", NZ_STATUS_PUBLISHED, NOW - 4 * 86400, "ko", 0, original_id);
	add(f, "embargoed", NZ_STATUS_PUBLISHED, NOW - 3600, "en", NOW + 3600, 0);
	add(f, "retracted", NZ_STATUS_RETRACTED, NOW - 3 * 86400, "en", 0, 0);
	add(f, "future", NZ_STATUS_PUBLISHED, NOW + 600, "en", 0, 0);
	add(f, "embargoed-translation", NZ_STATUS_PUBLISHED, NOW - 60, "en", NOW + 60, original_id);
	add(f, "yesterday", NZ_STATUS_PUBLISHED, NOW - 86400, "en", 0, 0);
	add(f, "today", NZ_STATUS_PUBLISHED, NOW - 600, "ko", 0, 0);
	return 0;
}

static const char *slugs(fixture *f, const nz_article *items, size_t n)
{
	const char *s = "";
	for (size_t i = 0; i < n; i++)
		s = nz_arena_printf(f->arena, "%s%s%s", s, i ? " " : "", items[i].slug);
	return s;
}

static void only_public_articles_are_listed(void **state)
{
	fixture *f = *state;
	nz_article *items = NULL;
	size_t n = 0;
	nz_article_ref_query q = {.now = NOW};
	assert_int_equal(nz_store_article_refs(f->store, f->arena, &q, &items, &n, &f->err), NZ_OK);
	assert_string_equal(slugs(f, items, n), "original 번역 yesterday today");
	/* Light rows: no bodies, but what a sitemap needs. */
	assert_null(items[0].body_markdown);
	assert_int_equal(items[0].published_at, NOW - 5 * 86400);
	assert_int_equal(strlen(items[0].uuid), 36);
	q.with_retracted = true;
	assert_int_equal(nz_store_article_refs(f->store, f->arena, &q, &items, &n, &f->err), NZ_OK);
	assert_string_equal(slugs(f, items, n), "original 번역 retracted yesterday today");
	assert_int_equal(items[2].status, NZ_STATUS_RETRACTED);
	/* Later, the embargo and the future article have passed. */
	q.now = NOW + 3600 * 2;
	assert_int_equal(nz_store_article_refs(f->store, f->arena, &q, &items, &n, &f->err), NZ_OK);
	assert_string_equal(slugs(f, items, n),
			    "original 번역 embargoed retracted future embargoed-translation "
			    "yesterday today");
}

static void keyset_pages_and_news_window(void **state)
{
	fixture *f = *state;
	nz_article *items = NULL;
	size_t n = 0;
	nz_article_ref_query q = {.now = NOW, .limit = 2};
	assert_int_equal(nz_store_article_refs(f->store, f->arena, &q, &items, &n, &f->err), NZ_OK);
	assert_string_equal(slugs(f, items, n), "original 번역");
	q.after_id = items[1].id;
	assert_int_equal(nz_store_article_refs(f->store, f->arena, &q, &items, &n, &f->err), NZ_OK);
	assert_string_equal(slugs(f, items, n), "yesterday today");
	q = (nz_article_ref_query){.now = NOW, .offset = 3};
	assert_int_equal(nz_store_article_refs(f->store, f->arena, &q, &items, &n, &f->err), NZ_OK);
	assert_string_equal(slugs(f, items, n), "today");
	/* The News sitemap's query: two days, newest first. */
	q = (nz_article_ref_query){.now = NOW, .newest_first = true, .since = NOW - 2 * 86400};
	assert_int_equal(nz_store_article_refs(f->store, f->arena, &q, &items, &n, &f->err), NZ_OK);
	assert_string_equal(slugs(f, items, n), "today yesterday");
	q.after_id = 5;
	assert_int_equal(nz_store_article_refs(f->store, f->arena, &q, &items, &n, &f->err),
			 NZ_INVAL);
}

static void translations_both_ways(void **state)
{
	fixture *f = *state;
	nz_article *items = NULL, *tr = NULL;
	size_t n = 0, n_tr = 0;
	nz_article_ref_query q = {.now = NOW};
	assert_int_equal(nz_store_article_refs(f->store, f->arena, &q, &items, &n, &f->err), NZ_OK);
	/* The listing marks articles with a public translation by the group's key. */
	assert_int_equal(items[0].translation_group, original_id);
	assert_int_equal(items[1].translation_group, original_id);
	assert_int_equal(items[2].translation_group, 0);
	/* From the original (translation_group 0) to its Korean translation; the embargoed
	 * Japanese one is not shown yet. */
	assert_int_equal(
	    nz_store_article_translations(f->store, f->arena, &items[0], NOW, &tr, &n_tr, &f->err),
	    NZ_OK);
	assert_string_equal(slugs(f, tr, n_tr), "번역");
	assert_string_equal(tr[0].language, "ko");
	/* And back, as a full article would ask. */
	nz_article *ko = NULL;
	assert_int_equal(nz_store_article_by_slug(f->store, f->arena, "번역", &ko, &f->err), NZ_OK);
	assert_int_equal(
	    nz_store_article_translations(f->store, f->arena, ko, NOW + 120, &tr, &n_tr, &f->err),
	    NZ_OK);
	assert_string_equal(slugs(f, tr, n_tr), "original embargoed-translation");
	/* An article outside any group has none. */
	assert_int_equal(
	    nz_store_article_translations(f->store, f->arena, &items[2], NOW, &tr, &n_tr, &f->err),
	    NZ_OK);
	assert_int_equal(n_tr, 0);
}

/* The chunk (from 1) that holds id when chunks are per ids wide. */
static int64_t chunk_of(int64_t id, int64_t per)
{
	return (id - 1) / per + 1;
}

static void chunks_for_the_sitemap_index(void **state)
{
	fixture *f = *state;
	nz_article_chunk *c = NULL;
	size_t n = 0;
	/* 5 public articles (the retraction included), one id a chunk: the chunks of the draft,
	 * the embargoed and the future articles hold nothing and are left out. */
	assert_int_equal(nz_store_article_chunks(f->store, f->arena, NOW, 1, &c, &n, &f->err),
			 NZ_OK);
	assert_int_equal(n, 5);
	int64_t ids[] = {original_id, original_id + 2, original_id + 4, original_id + 7,
			 original_id + 8};
	for (size_t i = 0; i < 5; i++)
		assert_int_equal(c[i].number, chunk_of(ids[i], 1));
	assert_true(c[0].lastmod >= NOW - 5 * 86400);
	/* Wider chunks: by id range, whatever their count. */
	assert_int_equal(nz_store_article_chunks(f->store, f->arena, NOW, 4, &c, &n, &f->err),
			 NZ_OK);
	assert_int_equal(c[0].number, chunk_of(original_id, 4));
	assert_int_equal(c[n - 1].number, chunk_of(original_id + 8, 4));
	for (size_t i = 1; i < n; i++)
		assert_true(c[i].number > c[i - 1].number);
	/* Its lastmod is the newest of its articles': "today" is in the last chunk. */
	assert_true(c[n - 1].lastmod >= NOW - 600);
	assert_int_equal(nz_store_article_chunks(f->store, f->arena, 1, 2, &c, &n, &f->err), NZ_OK);
	assert_int_equal(n, 0); /* nothing was public in 1970 */
	assert_int_equal(nz_store_article_chunks(f->store, f->arena, NOW, 0, &c, &n, &f->err),
			 NZ_INVAL);
}

static void newest_corrections_of_public_articles(void **state)
{
	fixture *f = *state;
	char sql[512];
	snprintf(sql, sizeof sql,
		 "INSERT INTO corrections(article_id, text, created_at) SELECT id, 'fix ' || slug, "
		 "%d FROM articles WHERE slug IN ('original', 'draft', 'embargoed');"
		 "INSERT INTO corrections(article_id, text, created_at) SELECT id, 'later', %d "
		 "FROM articles WHERE slug = 'today'",
		 NOW - 100, NOW - 50);
	assert_int_equal(db_exec(f, sql), SQLITE_OK);
	nz_article *items = NULL;
	size_t n = 0;
	assert_int_equal(
	    nz_store_corrections_recent(f->store, f->arena, NOW, 10, &items, &n, &f->err), NZ_OK);
	assert_string_equal(slugs(f, items, n), "today original");
	assert_int_equal(items[0].n_corrections, 1);
	assert_string_equal(items[0].corrections[0].text, "later");
	assert_int_equal(items[1].corrections[0].created_at, NOW - 100);
	assert_int_equal(
	    nz_store_corrections_recent(f->store, f->arena, NOW, 0, &items, &n, &f->err), NZ_INVAL);
}

static void blob_size_without_reading(void **state)
{
	fixture *f = *state;
	char hash[65];
	int64_t size = -1;
	nz_sha256_hex("photo bytes", 11, hash);
	assert_int_equal(
	    nz_store_blob_put(f->store, hash, "image/jpeg", "photo bytes", 11, &f->err), NZ_OK);
	assert_int_equal(nz_store_blob_size(f->store, hash, &size, &f->err), NZ_OK);
	assert_int_equal(size, 11);
	hash[0] = hash[0] == 'a' ? 'b' : 'a';
	assert_int_equal(nz_store_blob_size(f->store, hash, &size, &f->err), NZ_NOTFOUND);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(only_public_articles_are_listed, newsroom_setup,
					    fixture_teardown),
	    cmocka_unit_test_setup_teardown(keyset_pages_and_news_window, newsroom_setup,
					    fixture_teardown),
	    cmocka_unit_test_setup_teardown(translations_both_ways, newsroom_setup,
					    fixture_teardown),
	    cmocka_unit_test_setup_teardown(chunks_for_the_sitemap_index, newsroom_setup,
					    fixture_teardown),
	    cmocka_unit_test_setup_teardown(newest_corrections_of_public_articles, newsroom_setup,
					    fixture_teardown),
	    cmocka_unit_test_setup_teardown(blob_size_without_reading, newsroom_setup,
					    fixture_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
