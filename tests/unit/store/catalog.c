/* Tests the store's catalog and blobs (store/catalog.c, media.c and their backends' twins):
 * sections, authors and tags by slug, and blobs (import sources: articles_imports.c).
 */
#include "store/store_test.h"

static void test_section_ensure_keeps_the_stored_row(void **state)
{
	fixture *f = *state;
	nz_section a = {.slug = "world", .name = "World", .position = 2};
	nz_section b = {.slug = "defense", .name = "Defense", .position = 1};
	nz_section c = {.slug = "art", .name = "Art", .position = 2};
	nz_section again = {.slug = "world", .name = "Renamed", .position = 9};
	assert_int_equal(nz_store_section_ensure(f->store, &a, &f->err), NZ_OK);
	assert_int_equal(nz_store_section_ensure(f->store, &b, &f->err), NZ_OK);
	assert_int_equal(nz_store_section_ensure(f->store, &c, &f->err), NZ_OK);
	assert_int_equal(nz_store_section_ensure(f->store, &again, &f->err), NZ_OK);
	assert_int_equal(again.id, a.id);
	assert_int_equal(count_rows(f, "sections"), 3);

	nz_section *got = NULL;
	assert_int_equal(nz_store_section_get(f->store, f->arena, "world", &got, &f->err), NZ_OK);
	assert_string_equal(got->name, "World");
	assert_int_equal(got->position, 2);

	nz_section *list = NULL;
	size_t n = 0;
	assert_int_equal(nz_store_section_list(f->store, f->arena, &list, &n, &f->err), NZ_OK);
	assert_int_equal(n, 3);
	assert_string_equal(list[0].slug, "defense"); /* position 1 */
	assert_string_equal(list[1].slug, "art");     /* position 2, then by name */
	assert_string_equal(list[2].slug, "world");
	assert_int_equal(nz_store_section_get(f->store, f->arena, "nope", &got, &f->err),
			 NZ_NOTFOUND);
	assert_null(got);
}

static void test_author_ensure_fills_only_missing_fields(void **state)
{
	fixture *f = *state;
	nz_author first = {.slug = "maeng-su-yeol", .display_name = "Maeng Su-Yeol"};
	nz_author later = {.slug = "maeng-su-yeol",
			   .display_name = "Someone Else",
			   .family_name = "Maeng",
			   .given_name = "Su-Yeol",
			   .order = NZ_NAME_EASTERN,
			   .email = "maeng@example.org"};
	nz_author more = {
	    .slug = "maeng-su-yeol", .email = "other@example.org", .bio = "Reporter."};
	assert_int_equal(nz_store_author_ensure(f->store, &first, &f->err), NZ_OK);
	assert_int_equal(nz_store_author_ensure(f->store, &later, &f->err), NZ_OK);
	assert_int_equal(nz_store_author_ensure(f->store, &more, &f->err), NZ_OK);
	assert_int_equal(later.id, first.id);
	assert_int_equal(more.id, first.id);

	nz_author *got = NULL;
	assert_int_equal(nz_store_author_get(f->store, f->arena, "maeng-su-yeol", &got, &f->err),
			 NZ_OK);
	assert_string_equal(got->display_name, "Maeng Su-Yeol");
	assert_string_equal(got->family_name, "Maeng");
	assert_string_equal(got->given_name, "Su-Yeol");
	assert_int_equal(got->order, NZ_NAME_EASTERN);
	assert_string_equal(got->email, "maeng@example.org");
	assert_string_equal(got->bio, "Reporter.");
}

static void test_author_list_by_display_name(void **state)
{
	fixture *f = *state;
	nz_author a = {.slug = "zed", .display_name = "Zed Zhou"};
	nz_author b = {.slug = "kim",
		       .display_name = "김민준",
		       .family_name = "김",
		       .given_name = "민준",
		       .order = NZ_NAME_HANGUL};
	nz_author c = {.slug = "ann", .display_name = "Ann Lee"};
	assert_int_equal(nz_store_author_ensure(f->store, &a, &f->err), NZ_OK);
	assert_int_equal(nz_store_author_ensure(f->store, &b, &f->err), NZ_OK);
	assert_int_equal(nz_store_author_ensure(f->store, &c, &f->err), NZ_OK);
	nz_author *list = NULL;
	size_t n = 0;
	assert_int_equal(nz_store_author_list(f->store, f->arena, &list, &n, &f->err), NZ_OK);
	assert_int_equal(n, 3);
	assert_string_equal(list[0].slug, "ann");
	assert_string_equal(list[1].slug, "zed");
	assert_string_equal(list[2].display_name, "김민준");
	assert_int_equal(list[2].order, NZ_NAME_HANGUL);
	nz_author empty = {0};
	assert_int_equal(nz_store_author_ensure(f->store, &empty, &f->err), NZ_INVAL);
}

static void test_tags(void **state)
{
	fixture *f = *state;
	nz_tag t = {.slug = "navy", .name = "Navy"};
	nz_tag *got = NULL;
	assert_int_equal(nz_store_tag_get(f->store, f->arena, "navy", &got, &f->err), NZ_NOTFOUND);
	assert_int_equal(nz_store_tag_ensure(f->store, &t, &f->err), NZ_OK);
	assert_int_equal(nz_store_tag_get(f->store, f->arena, "navy", &got, &f->err), NZ_OK);
	assert_int_equal(got->id, t.id);
	assert_string_equal(got->name, "Navy");
}

static void test_section_save(void **state)
{
	fixture *f = *state;
	nz_section news = {.slug = "news", .name = "News", .position = 1};
	nz_section sport = {.slug = "sport", .name = "Sport", .position = 2};
	assert_int_equal(nz_store_section_save(f->store, 7, &news, &f->err),
			 NZ_INVAL); /* no user */
	assert_int_equal(news.id, 0);
	assert_int_equal(nz_store_section_save(f->store, 0, &news, &f->err), NZ_OK);
	assert_true(news.id > 0);
	assert_int_equal(nz_store_section_save(f->store, 0, &sport, &f->err), NZ_OK);

	/* Renamed and moved in place. */
	nz_section renamed = {.id = news.id, .slug = "world", .name = "World", .position = 3};
	assert_int_equal(nz_store_section_save(f->store, 0, &renamed, &f->err), NZ_OK);
	assert_int_equal(renamed.id, news.id);
	nz_section *got = NULL;
	assert_int_equal(nz_store_section_get(f->store, f->arena, "world", &got, &f->err), NZ_OK);
	assert_int_equal(got->id, news.id);
	assert_int_equal(got->position, 3);

	/* A taken slug, in a new section or a renamed one, and an unknown id change nothing. */
	nz_section dup = {.slug = "sport", .name = "Sports"};
	assert_int_equal(nz_store_section_save(f->store, 0, &dup, &f->err), NZ_EXISTS);
	assert_int_equal(dup.id, 0);
	renamed.slug = "sport";
	assert_int_equal(nz_store_section_save(f->store, 0, &renamed, &f->err), NZ_EXISTS);
	assert_int_equal(renamed.id, news.id);
	nz_section gone = {.id = 999, .slug = "gone", .name = "Gone"};
	assert_int_equal(nz_store_section_save(f->store, 0, &gone, &f->err), NZ_NOTFOUND);
	assert_int_equal(gone.id, 999);
	assert_int_equal(count_rows(f, "sections"), 2);
	assert_int_equal(db_int(f, "SELECT count(*) FROM audit_log WHERE action = 'section.saved'"),
			 3);

	/* Inside a caller's transaction, a refused save leaves the transaction usable. */
	assert_int_equal(nz_store_begin(f->store, &f->err), NZ_OK);
	assert_int_equal(nz_store_section_save(f->store, 0, &dup, &f->err), NZ_EXISTS);
	nz_section arts = {.slug = "arts", .name = "Arts"};
	assert_int_equal(nz_store_section_save(f->store, 0, &arts, &f->err), NZ_OK);
	assert_int_equal(nz_store_commit(f->store, &f->err), NZ_OK);
	assert_int_equal(count_rows(f, "sections"), 3);
}

static void test_blob_round_trip(void **state)
{
	fixture *f = *state;
	unsigned char jpeg[3000];
	char hash[65];
	for (size_t i = 0; i < sizeof(jpeg); i++)
		jpeg[i] = (unsigned char)(i * 7);
	nz_sha256_hex(jpeg, sizeof(jpeg), hash);

	assert_int_equal(
	    nz_store_blob_put(f->store, hash, "image/jpeg", jpeg, sizeof(jpeg), &f->err), NZ_OK);
	assert_int_equal(
	    nz_store_blob_put(f->store, hash, "image/jpeg", jpeg, sizeof(jpeg), &f->err), NZ_OK);
	assert_int_equal(count_rows(f, "blobs"), 1);

	const void *bytes = NULL;
	size_t len = 0;
	const char *mime = NULL;
	assert_int_equal(nz_store_blob_get(f->store, f->arena, hash, &bytes, &len, &mime, &f->err),
			 NZ_OK);
	assert_int_equal(len, sizeof(jpeg));
	assert_memory_equal(bytes, jpeg, len);
	assert_string_equal(mime, "image/jpeg");

	char empty[65];
	nz_sha256_hex("", 0, empty);
	assert_int_equal(nz_store_blob_get(f->store, f->arena, empty, &bytes, &len, &mime, &f->err),
			 NZ_NOTFOUND);
	assert_int_equal(nz_store_blob_put(f->store, empty, NULL, NULL, 0, &f->err), NZ_OK);
	assert_int_equal(nz_store_blob_get(f->store, f->arena, empty, &bytes, &len, &mime, &f->err),
			 NZ_OK);
	assert_int_equal(len, 0);
	assert_non_null(bytes);
	assert_null(mime);
}

static void test_author_save_keeps_the_profile(void **state)
{
	fixture *f = *state;
	nz_article *a = sample_article(f->arena, "navies-meet", "Navies meet");
	assert_int_equal(nz_store_article_create(f->store, f->arena, a, NULL, &f->err), NZ_OK);
	nz_author_text texts[] = {
	    {.language = "en", .job_title = "Defense correspondent", .bio = "Covers the navy."},
	    {.language = "ko", .job_title = "국방 전문기자", .bio = "해군을 취재한다."},
	};
	const char *links[] = {"https://example.org/maeng", "http://social.example/@maeng"};
	nz_author au = {.slug = "maeng-su-yeol",
			.display_name = "Maeng Su-Yeol (renamed)",
			.family_name = "Maeng",
			.given_name = "Su-Yeol",
			.order = NZ_NAME_EASTERN,
			.email = "maeng@example.org",
			.texts = texts,
			.n_texts = 2,
			.photo_id = 7,
			.photo_hash = "ab12",
			.same_as = links,
			.n_same_as = 2};
	assert_int_equal(nz_store_author_save(f->store, 0, &au, &f->err), NZ_OK);

	nz_author *got = NULL;
	assert_int_equal(nz_store_author_get(f->store, f->arena, "maeng-su-yeol", &got, &f->err),
			 NZ_OK);
	assert_string_equal(got->display_name, "Maeng Su-Yeol (renamed)");
	assert_string_equal(got->email, "maeng@example.org");
	assert_int_equal(got->n_texts, 2);
	assert_string_equal(nz_author_text_for(got, "ko")->job_title, "국방 전문기자");
	assert_string_equal(nz_author_text_for(got, "en")->bio, "Covers the navy.");
	assert_string_equal(nz_author_text_for(got, "fr")->language, "en"); /* the first */
	assert_int_equal(got->n_same_as, 2);
	assert_string_equal(got->same_as[1], "http://social.example/@maeng");
	assert_int_equal(got->photo_id, 7);
	assert_string_equal(got->photo_hash, "ab12");

	/* The article's byline carries the profile too (its page's JSON-LD shows it). */
	nz_article *back = NULL;
	assert_int_equal(
	    nz_store_article_by_slug(f->store, f->arena, "navies-meet", &back, &f->err), NZ_OK);
	assert_string_equal(back->authors[0].slug, "maeng-su-yeol");
	assert_int_equal(back->authors[0].n_texts, 2);
	assert_int_equal(back->authors[1].n_texts, 0); /* jane-doe has none */

	/* Clearing: no texts, no links, no photo. */
	nz_author bare = {.slug = "maeng-su-yeol", .display_name = "Maeng Su-Yeol"};
	assert_int_equal(nz_store_author_save(f->store, 0, &bare, &f->err), NZ_OK);
	assert_int_equal(nz_store_author_get(f->store, f->arena, "maeng-su-yeol", &got, &f->err),
			 NZ_OK);
	assert_int_equal(got->n_texts + got->n_same_as, 0);
	assert_int_equal(got->photo_id, 0);
	assert_null(got->email);
}

static void test_author_save_refuses_bad_input(void **state)
{
	fixture *f = *state;
	nz_author au = {.slug = "kim", .display_name = "Kim"};
	assert_int_equal(nz_store_author_ensure(f->store, &au, &f->err), NZ_OK);
	nz_author_text fr = {.language = "fr", .bio = "Bonjour"};
	const char *bad_link[] = {"javascript:alert(1)"};
	nz_author wrong = {.slug = "kim", .display_name = "Kim", .texts = &fr, .n_texts = 1};
	assert_int_equal(nz_store_author_save(f->store, 1, &wrong, &f->err), NZ_INVAL);
	assert_non_null(strstr(f->err.msg, "fr"));
	wrong =
	    (nz_author){.slug = "kim", .display_name = "Kim", .same_as = bad_link, .n_same_as = 1};
	assert_int_equal(nz_store_author_save(f->store, 1, &wrong, &f->err), NZ_INVAL);
	assert_non_null(strstr(f->err.msg, "links"));
	wrong = (nz_author){.slug = "kim", .display_name = "  "};
	assert_int_equal(nz_store_author_save(f->store, 1, &wrong, &f->err), NZ_INVAL);
	wrong = (nz_author){.slug = "nobody", .display_name = "Nobody"};
	assert_int_equal(nz_store_author_save(f->store, 1, &wrong, &f->err), NZ_NOTFOUND);
	nz_author *got = NULL;
	assert_int_equal(nz_store_author_get(f->store, f->arena, "kim", &got, &f->err), NZ_OK);
	assert_string_equal(got->display_name, "Kim"); /* nothing changed */
}

static void test_author_merge_moves_bylines_and_redirects(void **state)
{
	fixture *f = *state;
	/* one: maeng alone; two: maeng and jane (sample_article); three: jane alone */
	nz_article *one = small_article(f->arena, "one", NZ_STATUS_PUBLISHED, 1780000000);
	nz_author maeng = {.slug = "maeng-su-yeol", .display_name = "Maeng Su-Yeol"};
	nz_author jane = {.slug = "jane-doe", .display_name = "Jane Doe"};
	one->authors = &maeng;
	one->n_authors = 1;
	nz_article *two = sample_article(f->arena, "two", "Two");
	nz_article *three = small_article(f->arena, "three", NZ_STATUS_PUBLISHED, 1780000000);
	three->authors = &jane;
	three->n_authors = 1;
	assert_int_equal(nz_store_article_create(f->store, f->arena, one, NULL, &f->err), NZ_OK);
	assert_int_equal(nz_store_article_create(f->store, f->arena, two, NULL, &f->err), NZ_OK);
	assert_int_equal(nz_store_article_create(f->store, f->arena, three, NULL, &f->err), NZ_OK);
	nz_user u = {.login = "maeng", .role = NZ_ROLE_CONTRIBUTOR, .author_id = maeng.id};
	assert_int_equal(nz_store_user_create(f->store, 0, &u, "$argon2id$fake", &f->err), NZ_OK);
	assert_int_equal(nz_store_url_redirect_put(f->store, "/old-maeng", "/author/maeng-su-yeol",
						   true, &f->err),
			 NZ_OK);

	assert_int_equal(
	    nz_store_author_merge(f->store, 1, "maeng-su-yeol", "maeng-su-yeol", &f->err),
	    NZ_INVAL);
	assert_int_equal(nz_store_author_merge(f->store, 1, "nobody", "jane-doe", &f->err),
			 NZ_NOTFOUND);
	assert_int_equal(nz_store_author_merge(f->store, 1, "maeng-su-yeol", "jane-doe", &f->err),
			 NZ_OK);

	nz_author *got = NULL;
	assert_int_equal(nz_store_author_get(f->store, f->arena, "maeng-su-yeol", &got, &f->err),
			 NZ_NOTFOUND);
	nz_article *a = NULL;
	assert_int_equal(nz_store_article_by_slug(f->store, f->arena, "one", &a, &f->err), NZ_OK);
	assert_int_equal(a->n_authors, 1);
	assert_string_equal(a->authors[0].slug, "jane-doe");
	assert_int_equal(nz_store_article_by_slug(f->store, f->arena, "two", &a, &f->err), NZ_OK);
	assert_int_equal(a->n_authors, 1); /* jane once, not twice */
	assert_string_equal(a->authors[0].slug, "jane-doe");
	assert_int_equal(db_int(f, "SELECT count(*) FROM users WHERE author_id IS NOT NULL AND "
				   "author_id = (SELECT id FROM authors WHERE slug = 'jane-doe')"),
			 1);
	const char *target = NULL;
	assert_int_equal(nz_store_url_redirect_get(f->store, f->arena, "/author/maeng-su-yeol",
						   &target, &f->err),
			 NZ_OK);
	assert_string_equal(target, "/author/jane-doe");
	assert_int_equal(
	    nz_store_url_redirect_get(f->store, f->arena, "/old-maeng", &target, &f->err), NZ_OK);
	assert_string_equal(target, "/author/jane-doe"); /* no chain of two hops */
	assert_int_equal(db_int(f, "SELECT count(*) FROM audit_log WHERE action = 'author.merged'"),
			 1);
}

static void test_tag_names_rename_and_merge(void **state)
{
	fixture *f = *state;
	nz_article *a = sample_article(f->arena, "navies-meet", "Navies meet"); /* navy, busan */
	assert_int_equal(nz_store_article_create(f->store, f->arena, a, NULL, &f->err), NZ_OK);
	nz_article *b = small_article(f->arena, "second", NZ_STATUS_PUBLISHED, 1780000000);
	nz_tag fleet = {.slug = "fleet", .name = "fleet"};
	b->tags = &fleet;
	b->n_tags = 1;
	assert_int_equal(nz_store_article_create(f->store, f->arena, b, NULL, &f->err), NZ_OK);

	nz_tag_text texts[] = {{.language = "en", .name = "The Navy", .description = "Ships."},
			       {.language = "ko", .name = "해군"}};
	nz_tag navy = {.slug = "navy", .name = "Navy", .texts = texts, .n_texts = 2};
	assert_int_equal(nz_store_tag_save(f->store, 0, &navy, &f->err), NZ_OK);
	nz_tag *got = NULL;
	assert_int_equal(nz_store_tag_get(f->store, f->arena, "navy", &got, &f->err), NZ_OK);
	assert_string_equal(nz_tag_name(got, "ko"), "해군");
	assert_string_equal(nz_tag_name(got, "en"), "The Navy");
	assert_string_equal(nz_tag_description(got, "ko"), "Ships."); /* the first there is */
	nz_article *back = NULL;
	assert_int_equal(
	    nz_store_article_by_slug(f->store, f->arena, "navies-meet", &back, &f->err), NZ_OK);
	assert_string_equal(nz_tag_name(&back->tags[0], "ko"), "해군");
	assert_string_equal(nz_tag_name(&back->tags[1], "ko"), "Busan"); /* no texts: its name */
	nz_tag *all = NULL;
	size_t n = 0;
	assert_int_equal(nz_store_tag_list(f->store, f->arena, &all, &n, &f->err), NZ_OK);
	assert_int_equal(n, 3);
	assert_string_equal(all[0].slug, "busan");
	assert_int_equal(all[2].n_texts, 2);

	nz_tag_text fr = {.language = "fr", .name = "Marine"};
	nz_tag bad = {.slug = "navy", .name = "Navy", .texts = &fr, .n_texts = 1};
	assert_int_equal(nz_store_tag_save(f->store, 0, &bad, &f->err), NZ_INVAL);
	bad = (nz_tag){.slug = "navy", .name = ""};
	assert_int_equal(nz_store_tag_save(f->store, 0, &bad, &f->err), NZ_INVAL);

	/* Rename: the articles keep it, the old address leads to the new one. */
	assert_int_equal(nz_store_tag_rename(f->store, 0, "navy", "busan", &f->err), NZ_EXISTS);
	assert_int_equal(nz_store_tag_rename(f->store, 0, "navy", "Bad Slug", &f->err), NZ_INVAL);
	assert_int_equal(nz_store_tag_rename(f->store, 0, "navy", "the-navy", &f->err), NZ_OK);
	assert_int_equal(
	    nz_store_article_by_slug(f->store, f->arena, "navies-meet", &back, &f->err), NZ_OK);
	assert_string_equal(back->tags[0].slug, "the-navy");
	assert_int_equal(back->tags[0].n_texts, 2);
	const char *target = NULL;
	assert_int_equal(
	    nz_store_url_redirect_get(f->store, f->arena, "/tag/navy", &target, &f->err), NZ_OK);
	assert_string_equal(target, "/tag/the-navy");

	/* Merge: fleet into the-navy; the old addresses lead to the kept tag in one hop. */
	assert_int_equal(nz_store_tag_merge(f->store, 0, "fleet", "fleet", &f->err), NZ_INVAL);
	assert_int_equal(nz_store_tag_merge(f->store, 0, "fleet", "the-navy", &f->err), NZ_OK);
	assert_int_equal(nz_store_article_by_slug(f->store, f->arena, "second", &back, &f->err),
			 NZ_OK);
	assert_int_equal(back->n_tags, 1);
	assert_string_equal(back->tags[0].slug, "the-navy");
	assert_int_equal(nz_store_tag_get(f->store, f->arena, "fleet", &got, &f->err), NZ_NOTFOUND);
	assert_int_equal(
	    nz_store_url_redirect_get(f->store, f->arena, "/tag/fleet", &target, &f->err), NZ_OK);
	assert_string_equal(target, "/tag/the-navy");
	assert_int_equal(nz_store_tag_merge(f->store, 0, "the-navy", "busan", &f->err), NZ_OK);
	assert_int_equal(
	    nz_store_url_redirect_get(f->store, f->arena, "/tag/navy", &target, &f->err), NZ_OK);
	assert_string_equal(target, "/tag/busan");
	assert_int_equal(
	    nz_store_article_by_slug(f->store, f->arena, "navies-meet", &back, &f->err), NZ_OK);
	assert_int_equal(back->n_tags, 1); /* busan once */
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, fixture_setup, fixture_teardown)
	const struct CMUnitTest tests[] = {
	    T(test_section_ensure_keeps_the_stored_row),
	    T(test_author_ensure_fills_only_missing_fields),
	    T(test_author_list_by_display_name),
	    T(test_tags),
	    T(test_section_save),
	    T(test_blob_round_trip),
	    T(test_author_save_keeps_the_profile),
	    T(test_author_save_refuses_bad_input),
	    T(test_author_merge_moves_bylines_and_redirects),
	    T(test_tag_names_rename_and_merge),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
