/* Tests the store's import sources (store/articles*.c and their backends' twins): kept byte for
 * byte, found again by hash, refused twice.
 */
#include "store/store_test.h"

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

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, fixture_setup, fixture_teardown)
	const struct CMUnitTest tests[] = {
	    T(test_import_sources_byte_for_byte_and_dedupe),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
