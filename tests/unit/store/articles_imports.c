/* Tests the store's import sources (store/articles*.c and their backends' twins): kept byte for
 * byte, found again by hash, refused twice; the items of multi-item imports, found by their
 * key and moved on to a new hash; old addresses (url_redirects, listed with the earlier
 * slugs of articles); wire feeds; and the batch import (what an importer would notice: the
 * good files all present and searchable, each bad one reported and nothing of it stored).
 */
#include "store/search_test.h"

static void test_import_sources_byte_for_byte_and_dedupe(void **state)
{
	fixture *f = *state;
	const char file[] = "News Zone\r\nHeadline\0with a NUL\xff\xfe\n";
	size_t len = sizeof(file) - 1;
	char hash[65];
	int64_t id = -1;
	nz_sha256_hex(file, len, hash);

	nz_article *a = sample_article(f->arena, "imported", "Imported");
	assert_int_equal(nz_store_article_create(f->store, f->arena, a, NULL, &f->err), NZ_OK);
	assert_int_equal(nz_store_import_find(f->store, hash, &id, &f->err), NZ_NOTFOUND);
	assert_int_equal(id, 0);
	assert_int_equal(nz_store_import_add(f->store, a->id, "000_page.txt", file, len, &f->err),
			 NZ_OK);
	assert_int_equal(nz_store_import_find(f->store, hash, &id, &f->err), NZ_OK);
	assert_int_equal(id, a->id);
	/* Many at once: each hash answers with its article, or 0 (in the order asked). */
	const char *many[] = {"00", hash, "a quoted \"hash\", with {braces}", hash};
	int64_t ids[4] = {-1, -1, -1, -1};
	assert_int_equal(nz_store_import_find_many(f->store, many, 4, ids, &f->err), NZ_OK);
	assert_int_equal(ids[0], 0);
	assert_int_equal(ids[1], a->id);
	assert_int_equal(ids[2], 0);
	assert_int_equal(ids[3], a->id);
	/* The same file again is refused, and nothing else changes. */
	assert_int_equal(nz_store_import_add(f->store, a->id, "copy.txt", file, len, &f->err),
			 NZ_EXISTS);
	assert_int_equal(count_rows(f, "import_sources"), 1);

	const void *bytes = NULL;
	size_t got_len = 0;
	const char *name = NULL;
	assert_int_equal(
	    nz_store_import_get(f->store, f->arena, a->id, &bytes, &got_len, &name, &f->err),
	    NZ_OK);
	assert_int_equal(got_len, len);
	assert_memory_equal(bytes, file, len);
	assert_string_equal(name, "000_page.txt");
	assert_int_equal(
	    nz_store_import_get(f->store, f->arena, a->id + 1, &bytes, &got_len, &name, &f->err),
	    NZ_NOTFOUND);
	/* An import must belong to a stored article. */
	assert_int_equal(nz_store_import_add(f->store, 999, "x.txt", "x", 1, &f->err), NZ_INVAL);
}

static void test_import_items_by_key(void **state)
{
	fixture *f = *state;
	int64_t id = -1;
	const char *hash = NULL;
	nz_article *a = sample_article(f->arena, "from-wordpress", "From WordPress");
	assert_int_equal(nz_store_article_create(f->store, f->arena, a, NULL, &f->err), NZ_OK);
	const char *key = "wordpress https://example.org/?p=12";
	assert_int_equal(nz_store_import_item_find(f->store, f->arena, key, &id, &hash, &f->err),
			 NZ_NOTFOUND);
	assert_int_equal(nz_store_import_item_put(f->store, key, a->id, "aa", 3, &f->err), NZ_OK);
	assert_int_equal(nz_store_import_item_find(f->store, f->arena, key, &id, &hash, &f->err),
			 NZ_OK);
	assert_int_equal(id, a->id);
	assert_string_equal(hash, "aa");
	/* A newer export: the same key moves on to the new hash; still one row. */
	assert_int_equal(nz_store_import_item_put(f->store, key, a->id, "bb", 4, &f->err), NZ_OK);
	assert_int_equal(nz_store_import_item_find(f->store, f->arena, key, &id, &hash, &f->err),
			 NZ_OK);
	assert_string_equal(hash, "bb");
	assert_int_equal(count_rows(f, "import_items"), 1);
	/* An item must belong to a stored article. */
	assert_int_equal(nz_store_import_item_put(f->store, "other", 999, "cc", 0, &f->err),
			 NZ_INVAL);
}

static void test_url_redirects(void **state)
{
	fixture *f = *state;
	const char *target = NULL;
	nz_url_redirect *rows = NULL;
	size_t n = 0;
	nz_article *a = sample_article(f->arena, "moved-here", "Moved here");
	assert_int_equal(nz_store_article_create(f->store, f->arena, a, NULL, &f->err), NZ_OK);
	assert_int_equal(nz_store_url_redirect_get(f->store, f->arena, "/?p=1", &target, &f->err),
			 NZ_NOTFOUND);
	assert_int_equal(
	    nz_store_url_redirect_put(f->store, "/?p=1", "/article/moved-here", false, &f->err),
	    NZ_OK);
	/* Without replace an existing address keeps its target; with it, it takes the new one. */
	assert_int_equal(nz_store_url_redirect_put(f->store, "/?p=1", "/elsewhere", false, &f->err),
			 NZ_OK);
	assert_int_equal(nz_store_url_redirect_get(f->store, f->arena, "/?p=1", &target, &f->err),
			 NZ_OK);
	assert_string_equal(target, "/article/moved-here");
	assert_int_equal(nz_store_url_redirect_put(f->store, "/?p=1", "/elsewhere", true, &f->err),
			 NZ_OK);
	assert_int_equal(nz_store_url_redirect_get(f->store, f->arena, "/?p=1", &target, &f->err),
			 NZ_OK);
	assert_string_equal(target, "/elsewhere");
	assert_int_equal(
	    nz_store_url_redirect_put(f->store, "/2015/old", "/article/moved-here", false, &f->err),
	    NZ_OK);
	assert_int_equal(
	    nz_store_url_redirect_list(f->store, f->arena, "/2015/", 10, &rows, &n, &f->err),
	    NZ_OK);
	assert_int_equal(n, 1);
	assert_string_equal(rows[0].path, "/2015/old");
	assert_false(rows[0].slug_change);
	assert_int_equal(nz_store_url_redirect_list(f->store, f->arena, "", 10, &rows, &n, &f->err),
			 NZ_OK);
	assert_int_equal(n, 2);
	assert_string_equal(rows[0].path, "/2015/old"); /* by path */
	assert_int_equal(nz_store_url_redirect_delete(f->store, "/2015/old", &f->err), NZ_OK);
	assert_int_equal(nz_store_url_redirect_delete(f->store, "/2015/old", &f->err), NZ_NOTFOUND);
	assert_int_equal(count_rows(f, "url_redirects"), 1);
}

static void test_wire_feeds(void **state)
{
	fixture *f = *state;
	nz_wire_feed feed = {.url = "https://wire.example/rss", .format = "rss", .every_s = 300};
	nz_wire_feed *list = NULL;
	size_t n = 0;
	assert_int_equal(nz_store_wire_feed_add(f->store, &feed, &f->err), NZ_OK);
	assert_true(feed.id > 0);
	nz_wire_feed twin = feed;
	assert_int_equal(nz_store_wire_feed_add(f->store, &twin, &f->err), NZ_EXISTS);
	feed.etag = "\"v1\"";
	feed.polled_at = 1700000000;
	feed.last_error = "HTTP status 500";
	feed.taken = 3;
	assert_int_equal(nz_store_wire_feed_polled(f->store, &feed, &f->err), NZ_OK);
	assert_int_equal(nz_store_wire_feed_list(f->store, f->arena, &list, &n, &f->err), NZ_OK);
	assert_int_equal(n, 1);
	assert_string_equal(list[0].url, "https://wire.example/rss");
	assert_string_equal(list[0].etag, "\"v1\"");
	assert_null(list[0].last_modified);
	assert_null(list[0].section_slug);
	assert_string_equal(list[0].last_error, "HTTP status 500");
	assert_int_equal(list[0].polled_at, 1700000000);
	assert_int_equal(list[0].taken, 3);
	assert_int_equal(nz_store_wire_feed_remove(f->store, feed.id, &f->err), NZ_OK);
	assert_int_equal(nz_store_wire_feed_remove(f->store, feed.id, &f->err), NZ_NOTFOUND);
}

/* Item i of a batch: an article that mentions `word`, from file `name` with `bytes`. */
static nz_store_import_item batch_item(fixture *f, const char *slug, const char *word,
				       const char *name, const char *bytes)
{
	nz_article *a =
	    sample_article(f->arena, slug, nz_arena_printf(f->arena, "Report %s", slug));
	a->body_markdown = nz_arena_printf(f->arena, "The %s was seen in Busan.", word);
	return (nz_store_import_item){.article = a,
				      .note = "imported from a batch",
				      .filename = name,
				      .bytes = bytes,
				      .len = strlen(bytes)};
}

static void test_import_batch_lands_good_files_and_reports_bad_ones(void **state)
{
	fixture *f = *state;
	/* A file stored before: the same bytes in the batch are refused at the end of its item. */
	nz_article *old = sample_article(f->arena, "earlier", "Earlier");
	assert_int_equal(nz_store_article_create(f->store, f->arena, old, NULL, &f->err), NZ_OK);
	assert_int_equal(nz_store_import_add(f->store, old->id, "old.md", "old bytes", 9, &f->err),
			 NZ_OK);

	nz_store_import_item items[5] = {
	    batch_item(f, "first", "zeppelin", "1.md", "one"),
	    batch_item(f, "again", "lighthouse", "2.md", "old bytes"),
	    batch_item(f, "second", "zeppelin", "3.md", "three"),
	    batch_item(f, "no-headline", "zeppelin", "4.md", "four"),
	    batch_item(f, "first", "zeppelin", "5.md", "five"), /* a slug the batch took: -2 */
	};
	items[3].article->headline = "";
	int64_t seq = 0, upto = 0;
	assert_int_equal(nz_store_change_seq(f->store, &seq, &f->err), NZ_OK);
	assert_int_equal(nz_store_import_batch(f->store, f->arena, items, 5, &f->err), NZ_OK);

	assert_int_equal(items[0].rc, NZ_OK);
	assert_int_equal(items[1].rc, NZ_EXISTS);
	assert_non_null(strstr(items[1].err.msg, "2.md"));
	assert_int_equal(items[2].rc, NZ_OK);
	assert_int_not_equal(items[3].rc, NZ_OK);
	assert_non_null(strstr(items[3].err.msg, "headline"));
	assert_int_equal(items[4].rc, NZ_OK);
	assert_string_equal(items[4].article->slug, "first-2");
	assert_int_equal(items[1].article->id, 0);
	assert_int_equal(items[3].article->id, 0);

	/* The good ones are there with their revision, their file and their search terms. */
	int64_t id = 0;
	assert_int_equal(nz_store_import_find(f->store,
					      "7692c3ad3540bb803c020b3aee66cd8887123234"
					      "ea0c6e7143c0add73ff431ed",
					      &id, &f->err),
			 NZ_OK);
	assert_int_equal(id, items[0].article->id);
	nz_article *got = NULL;
	assert_int_equal(nz_store_article_by_slug(f->store, f->arena, "second", &got, &f->err),
			 NZ_OK);
	assert_int_equal(got->revision, 1);
	found r = search_with(f, "zeppelin", (nz_article_search){.now = nz_time_now()});
	assert_int_equal(r.total, 3);
	/* Every node's caches hear of the new articles, their tags, authors and section. */
	const char **keys = NULL;
	size_t n_keys = 0;
	assert_int_equal(
	    nz_store_changes_since(f->store, f->arena, seq, &upto, &keys, &n_keys, &f->err), NZ_OK);
	const char *want[] = {
	    nz_arena_printf(f->arena, "article-%lld", (long long)items[0].article->id),
	    nz_arena_printf(f->arena, "article-%lld", (long long)items[4].article->id),
	    nz_arena_printf(f->arena, "tag-%lld", (long long)items[2].article->tags[0].id),
	    nz_arena_printf(f->arena, "author-%lld", (long long)items[2].article->authors[1].id),
	    nz_arena_printf(f->arena, "section-%lld", (long long)items[2].article->section->id),
	    "front"};
	for (size_t w = 0; w < sizeof(want) / sizeof(want[0]); w++) {
		bool seen = false;
		for (size_t k = 0; k < n_keys; k++)
			seen = seen || strcmp(keys[k], want[w]) == 0;
		if (!seen)
			fail_msg("change feed: no %s", want[w]);
	}
	/* Nothing of the bad ones: no article, no file, no revision. */
	assert_int_equal(nz_store_article_by_slug(f->store, f->arena, "again", &got, &f->err),
			 NZ_NOTFOUND);
	assert_int_equal(nz_store_article_by_slug(f->store, f->arena, "no-headline", &got, &f->err),
			 NZ_NOTFOUND);
	assert_int_equal(count_rows(f, "articles"), 4);
	assert_int_equal(count_rows(f, "import_sources"), 4);
	assert_int_equal(count_rows(f, "revisions"), 4);
	/* A batch goes on being usable: the next one lands too. */
	nz_store_import_item more = batch_item(f, "third", "zeppelin", "6.md", "six");
	assert_int_equal(nz_store_import_batch(f->store, f->arena, &more, 1, &f->err), NZ_OK);
	assert_int_equal(more.rc, NZ_OK);
	assert_int_equal(count_rows(f, "articles"), 5);
}

/* The stored article `slug` as a reader sees it: the fields a batch writes many rows at a time
 * on PostgreSQL, printed in one string. */
static const char *stored_as(fixture *f, const char *slug)
{
	nz_article *a = NULL;
	assert_int_equal(nz_store_article_by_slug(f->store, f->arena, slug, &a, &f->err), NZ_OK);
	const void *bytes = NULL;
	size_t len = 0;
	const char *name = NULL;
	assert_int_equal(
	    nz_store_import_get(f->store, f->arena, a->id, &bytes, &len, &name, &f->err), NZ_OK);
	const char *out = nz_arena_printf(
	    f->arena, "%s|%s|%s|%s|%s|%s|%s|%d|%d|file %s %zu %02x%02x", a->headline, a->language,
	    a->section ? a->section->slug : "-", a->highlights_intro, a->dateline, a->body_markdown,
	    a->copyright, (int)a->status, (int)a->revision, name, len,
	    ((const unsigned char *)bytes)[5], ((const unsigned char *)bytes)[len - 1]);
	for (size_t i = 0; i < a->n_highlights; i++)
		out = nz_arena_printf(f->arena, "%s|hl %s", out, a->highlights[i]);
	for (size_t i = 0; i < a->n_authors; i++)
		out = nz_arena_printf(f->arena, "%s|author %s", out, a->authors[i].slug);
	for (size_t i = 0; i < a->n_tags; i++)
		out = nz_arena_printf(f->arena, "%s|tag %s", out, a->tags[i].slug);
	for (size_t i = 0; i < a->n_media; i++)
		out = nz_arena_printf(f->arena, "%s|media %s %s %d %d,%d", out, a->media[i].caption,
				      a->media[i].credit, a->media[i].has_focal,
				      a->media[i].focal_x, a->media[i].focal_y);
	return out;
}

/* A batch where every file lands takes the quickest way on PostgreSQL (many rows a statement,
 * bulk.c): what it stores reads back as what one create and one import_add store. */
static void test_clean_batch_stores_what_one_create_stores(void **state)
{
	fixture *f = *state;
	const char file[] = "News\0Zone\xff";
	nz_article *plain = sample_article(f->arena, "one", "The quokka report");
	plain->media[0].has_focal = true;
	plain->media[0].focal_x = 30;
	plain->media[0].focal_y = 70;
	assert_int_equal(nz_store_article_create(f->store, f->arena, plain, NULL, &f->err), NZ_OK);
	assert_int_equal(
	    nz_store_import_add(f->store, plain->id, "a.md", file, sizeof(file) - 1, &f->err),
	    NZ_OK);
	const char *want = stored_as(f, "one");

	nz_store_import_item items[2];
	for (int i = 0; i < 2; i++) {
		nz_article *a = sample_article(f->arena, i ? "three" : "two", "The quokka report");
		a->media[0] = plain->media[0];
		a->media[0].id = 0;
		items[i] = (nz_store_import_item){.article = a,
						  .filename = "a.md",
						  .bytes = i ? "News\0Zonf\xff" : "News\0Zond\xff",
						  .len = sizeof(file) - 1};
	}
	assert_int_equal(nz_store_import_batch(f->store, f->arena, items, 2, &f->err), NZ_OK);
	assert_int_equal(items[0].rc, NZ_OK);
	assert_int_equal(items[1].rc, NZ_OK);
	assert_string_equal(stored_as(f, "two"), want);
	assert_string_equal(stored_as(f, "three"), want);
	found r = search_with(f, "quokka", (nz_article_search){.now = nz_time_now()});
	assert_int_equal(r.total, 3);
	assert_int_equal(count_rows(f, "revisions"), 3);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, fixture_setup, fixture_teardown)
	const struct CMUnitTest tests[] = {
	    T(test_import_sources_byte_for_byte_and_dedupe),
	    T(test_import_items_by_key),
	    T(test_url_redirects),
	    T(test_wire_feeds),
	    T(test_import_batch_lands_good_files_and_reports_bad_ones),
	    T(test_clean_batch_stores_what_one_create_stores),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
