/* Tests src/store/store.c and the aggregates' fronts: choosing a backend, read-only handles, what a
 * create fills in for the caller, blob hash checks and list limits. */
#include "store/store_test.h"

/* postgres:// URIs and libpq key=value strings go to PostgreSQL (here a server that is not
 * there: a connection error, and no SQLite file named after the URI); sqlite:PATH and a plain
 * path to SQLite. */
static void test_uri_picks_the_backend(void **state)
{
	(void)state;
	nz_store *s = (nz_store *)1;
	nz_err err = {0};
	assert_int_equal(nz_store_open("postgres:///news?host=/nonexistent-nz", 0, &s, &err),
			 NZ_IO);
	assert_null(s);
	assert_non_null(strstr(err.msg, "PostgreSQL"));
	assert_int_equal(
	    nz_store_open("postgresql:///news?host=/nonexistent-nz", NZ_STORE_CREATE, &s, &err),
	    NZ_IO);
	assert_int_equal(nz_store_open("host=/nonexistent-nz dbname=news", 0, &s, &err), NZ_IO);
	assert_int_equal(access("postgresql:", F_OK), -1);
	assert_int_equal(nz_store_open("", NZ_STORE_CREATE, &s, &err), NZ_INVAL);
	assert_int_equal(nz_store_open("sqlite:", NZ_STORE_CREATE, &s, &err), NZ_INVAL);

	fixture f = {.dir = "/tmp/nz-uri-XXXXXX"};
	char uri[sizeof f.path + 8];
	assert_non_null(mkdtemp(f.dir));
	snprintf(f.path, sizeof(f.path), "%s/news.db", f.dir);
	snprintf(uri, sizeof(uri), "sqlite:%s", f.path);
	assert_int_equal(nz_store_open(uri, 0, &s, &err), NZ_NOTFOUND);
	assert_int_equal(nz_store_open(uri, NZ_STORE_CREATE, &s, &err), NZ_OK);
	assert_int_equal(access(f.path, F_OK), 0);
	nz_store_close(s);
	assert_int_equal(nz_store_open(f.path, 0, &s, &err), NZ_OK);
	nz_store_close(s);
	fixture_remove_files(&f);
	nz_store_close(NULL);
	assert_int_equal(nz_store_schema_version(NULL), 0);
}

static void test_read_only_handle_reads_but_refuses_writes(void **state)
{
	fixture *f = *state;
	nz_article *a = sample_article(f->arena, "read-only", "Read only");
	assert_int_equal(nz_store_article_create(f->store, f->arena, a, NULL, &f->err), NZ_OK);

	nz_store *ro = NULL;
	nz_err err = {0};
	assert_int_equal(nz_store_open(f->path, NZ_STORE_READONLY, &ro, &err), NZ_OK);
	nz_article *got = NULL;
	assert_int_equal(nz_store_article_by_slug(ro, f->arena, "read-only", &got, &err), NZ_OK);
	assert_string_equal(got->headline, "Read only");

	nz_article *b = small_article(f->arena, "refused", NZ_STATUS_DRAFT, 0);
	assert_int_equal(nz_store_article_create(ro, f->arena, b, NULL, &err), NZ_PERM);
	assert_int_equal(nz_store_setting_set(ro, "name", "X", &err), NZ_PERM);
	assert_int_equal(nz_store_begin(ro, &err), NZ_PERM);
	nz_store_close(ro);
	assert_int_equal(count_rows(f, "articles"), 1);
}

static void test_create_fills_slug_uuid_language_and_times(void **state)
{
	fixture *f = *state;
	nz_article *a = small_article(f->arena, NULL, NZ_STATUS_PUBLISHED, 0);
	a->headline = "국방부, 새 훈련 계획 발표";
	a->language = NULL;
	a->created_at = a->updated_at = 0;
	nz_time before = nz_time_now();

	assert_int_equal(nz_store_article_create(f->store, f->arena, a, "first", &f->err), NZ_OK);
	assert_true(a->id > 0);
	assert_int_equal(a->revision, 1);
	assert_int_equal(strlen(a->uuid), 36);
	assert_int_equal(a->uuid[14], '4'); /* version 4 */
	assert_string_equal(a->language, "ko");
	assert_non_null(a->slug);
	assert_non_null(strstr(a->slug, "국방부"));
	assert_true(a->created_at >= before);
	assert_int_equal(a->updated_at, a->created_at);
	/* Published without a time: it gets one, so it shows up in public lists. */
	assert_true(a->published_at >= before);

	nz_article *got = NULL;
	assert_int_equal(nz_store_article_by_slug(f->store, f->arena, a->slug, &got, &f->err),
			 NZ_OK);
	assert_string_equal(got->uuid, a->uuid);
	assert_string_equal(got->language, "ko");
}

static void test_author_names_and_slugs_are_filled(void **state)
{
	fixture *f = *state;
	nz_article *a = small_article(f->arena, "byline", NZ_STATUS_DRAFT, 0);
	nz_author *au = nz_arena_zalloc(f->arena, sizeof(*au));
	au->family_name = "Maeng";
	au->given_name = "Su-Yeol";
	au->order = NZ_NAME_EASTERN;
	a->authors = au;
	a->n_authors = 1;
	assert_int_equal(nz_store_article_create(f->store, f->arena, a, NULL, &f->err), NZ_OK);

	nz_author *got = NULL;
	assert_int_equal(nz_store_author_get(f->store, f->arena, "maeng-su-yeol", &got, &f->err),
			 NZ_OK);
	assert_string_equal(got->display_name, "Maeng Su-Yeol");
}

static void test_blob_hash_must_match_bytes(void **state)
{
	fixture *f = *state;
	const char bytes[] = "not really a jpeg";
	char wrong[65];
	nz_sha256_hex("other bytes", 11, wrong);
	assert_int_equal(
	    nz_store_blob_put(f->store, wrong, "image/jpeg", bytes, sizeof(bytes) - 1, &f->err),
	    NZ_INVAL);
	assert_int_equal(count_rows(f, "blobs"), 0);
}

static void test_list_limit_defaults_and_caps(void **state)
{
	fixture *f = *state;
	assert_int_equal(nz_store_begin(f->store, &f->err), NZ_OK);
	for (int i = 0; i < 205; i++) {
		char slug[32];
		snprintf(slug, sizeof(slug), "story-%d", i);
		nz_article *a = small_article(f->arena, nz_arena_strdup(f->arena, slug),
					      NZ_STATUS_PUBLISHED, 1700000000 + i);
		assert_int_equal(nz_store_article_create(f->store, f->arena, a, NULL, &f->err),
				 NZ_OK);
	}
	assert_int_equal(nz_store_commit(f->store, &f->err), NZ_OK);

	nz_article_query q = {.public_only = true, .now = 1800000000};
	nz_article_list list;
	assert_int_equal(nz_store_article_list(f->store, f->arena, &q, &list, &f->err), NZ_OK);
	assert_int_equal(list.n, 20);
	assert_int_equal(list.total, 205);
	assert_true(list.has_more);
	q.limit = 5000;
	assert_int_equal(nz_store_article_list(f->store, f->arena, &q, &list, &f->err), NZ_OK);
	assert_int_equal(list.n, 200);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_uri_picks_the_backend),
	    cmocka_unit_test_setup_teardown(test_read_only_handle_reads_but_refuses_writes,
					    fixture_setup, fixture_teardown),
	    cmocka_unit_test_setup_teardown(test_create_fills_slug_uuid_language_and_times,
					    fixture_setup, fixture_teardown),
	    cmocka_unit_test_setup_teardown(test_author_names_and_slugs_are_filled, fixture_setup,
					    fixture_teardown),
	    cmocka_unit_test_setup_teardown(test_blob_hash_must_match_bytes, fixture_setup,
					    fixture_teardown),
	    cmocka_unit_test_setup_teardown(test_list_limit_defaults_and_caps, fixture_setup,
					    fixture_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
