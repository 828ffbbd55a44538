/* Tests src/store/sqlite/catalog.c, articles_history.c and media.c: sections, authors
 * and tags by slug, import sources (byte for byte, found again by hash) and blobs.
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

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, fixture_setup, fixture_teardown)
	const struct CMUnitTest tests[] = {
	    T(test_section_ensure_keeps_the_stored_row),
	    T(test_author_ensure_fills_only_missing_fields),
	    T(test_author_list_by_display_name),
	    T(test_tags),
	    T(test_import_sources_byte_for_byte_and_dedupe),
	    T(test_blob_round_trip),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
