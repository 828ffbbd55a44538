/* Tests src/store/transfer.c and the SQLite backend's transfer aggregate: the list of tables
 * covers the schema exactly (a new table that is neither copied nor excluded is caught); the
 * checksum's canonical encoding is pinned (another backend must produce the same bytes); rows
 * read in key order batch by batch, also on a two-column key, are the rows of one read; and
 * loads are refused outside their rules. */
#include "store/store_test.h"

/* The database's tables as sqlite_master lists them: each copied or excluded; each copied one
 * exists with columns. */
static void test_the_list_covers_the_schema(void **state)
{
	fixture *f = *state;
	assert_int_equal(nz_store_transfer_check(f->store, f->arena, &f->err), NZ_OK);
	const char **names = NULL;
	size_t n = 0, listed = 0;
	assert_int_equal(nz_store_transfer_catalog(f->store, f->arena, &names, &n, &f->err), NZ_OK);
	assert_int_equal((int64_t)n, db_int(f, "SELECT count(*) FROM sqlite_master"
					       " WHERE type = 'table'"));
	for (size_t i = 0; i < n; i++) {
		bool copied = nz_store_transfer_table(names[i]) != NULL;
		bool excluded = nz_store_transfer_excluded(names[i]) != NULL;
		if (copied == excluded)
			fail_msg("%s: %s", names[i],
				 copied ? "both copied and excluded"
					: "neither copied nor excluded");
		listed += copied;
	}
	size_t nt = 0;
	const nz_transfer_table *t = nz_store_transfer_tables(&nt);
	assert_int_equal(listed, nt);
	for (size_t i = 0; i < nt; i++) {
		const char **cols = NULL;
		size_t ncols = 0;
		assert_int_equal(
		    nz_store_transfer_columns(f->store, f->arena, &t[i], &cols, &ncols, &f->err),
		    NZ_OK);
		assert_true(ncols >= 2);
	}
	/* A table added to the schema but not to the list stops every copy. */
	assert_int_equal(db_exec(f, "CREATE TABLE newsletter_sends (id INTEGER PRIMARY KEY)"),
			 SQLITE_OK);
	assert_int_equal(nz_store_transfer_check(f->store, f->arena, &f->err), NZ_INVAL);
	assert_non_null(strstr(f->err.msg, "newsletter_sends"));
}

static void sum_hex(const nz_value *row, size_t ncols, char hex[65])
{
	nz_transfer_sum *sum = nz_store_transfer_sum_new();
	assert_non_null(sum);
	if (row)
		nz_store_transfer_sum_add(sum, row, ncols);
	nz_store_transfer_sum_hex(sum, hex);
	nz_store_transfer_sum_free(sum);
}

/* The encoding is the contract between backends: pinned here byte for byte. */
static void test_checksum_encoding_is_pinned(void **state)
{
	(void)state;
	char got[65], want[65];
	sum_hex(NULL, 0, got);
	nz_sha256_hex("", 0, want);
	assert_string_equal(got, want);

	nz_value row[5] = {
	    {.type = NZ_VALUE_INT, .i = -42},  {.type = NZ_VALUE_TEXT, .p = "서울", .len = 6},
	    {.type = NZ_VALUE_NULL},           {.type = NZ_VALUE_BLOB, .p = "a\0b", .len = 3},
	    {.type = NZ_VALUE_REAL, .r = 0.5},
	};
	static const char bytes[] = "i-42;t6:서울nb3:a\0br0.5;\n";
	sum_hex(row, 5, got);
	nz_sha256_hex(bytes, sizeof(bytes) - 1, want);
	assert_string_equal(got, want);

	/* The same characters as another type sum differently. */
	nz_value one = {.type = NZ_VALUE_INT, .i = 1},
		 text = {.type = NZ_VALUE_TEXT, .p = "1", .len = 1};
	char a[65], b[65];
	sum_hex(&one, 1, a);
	sum_hex(&text, 1, b);
	assert_string_not_equal(a, b);
	nz_value empty = {.type = NZ_VALUE_TEXT, .p = "", .len = 0}, null = {.type = NZ_VALUE_NULL};
	sum_hex(&empty, 1, a);
	sum_hex(&null, 1, b);
	assert_string_not_equal(a, b);
}

/* Reads t one row at a time with the key of the last; returns the rows (in arena). */
static size_t read_one_by_one(fixture *f, const nz_transfer_table *t, const char **cols,
			      size_t ncols, nz_value **all)
{
	nz_value key[NZ_TRANSFER_KEY_MAX];
	size_t total = 0;
	*all = nz_arena_alloc(f->arena, 64 * ncols * sizeof(nz_value));
	for (;;) {
		nz_value *row = NULL;
		size_t n = 0;
		assert_int_equal(nz_store_transfer_read(f->store, f->arena, t, cols, ncols,
							total ? key : NULL, 1, &row, &n, &f->err),
				 NZ_OK);
		if (n == 0)
			return total;
		assert_int_equal(n, 1);
		assert_true(total < 64);
		memcpy(*all + total * ncols, row, ncols * sizeof(nz_value));
		assert_int_equal(nz_store_transfer_key(t, cols, ncols, row, key, &f->err), NZ_OK);
		total++;
	}
}

static void test_reads_in_batches_follow_the_key(void **state)
{
	fixture *f = *state;
	for (int i = 0; i < 3; i++) {
		char slug[32];
		snprintf(slug, sizeof(slug), "story-%d", i);
		assert_int_equal(nz_store_article_create(f->store, f->arena,
							 sample_article(f->arena, slug, "Story"),
							 NULL, &f->err),
				 NZ_OK);
	}
	const char *names[] = {"article_authors", "articles", "changes"};
	for (size_t k = 0; k < 3; k++) {
		const nz_transfer_table *t = nz_store_transfer_table(names[k]);
		const char **cols = NULL;
		size_t ncols = 0, n = 0;
		nz_value *whole = NULL, *each = NULL;
		assert_non_null(t);
		assert_int_equal(
		    nz_store_transfer_columns(f->store, f->arena, t, &cols, &ncols, &f->err),
		    NZ_OK);
		assert_int_equal(nz_store_transfer_read(f->store, f->arena, t, cols, ncols, NULL,
							100, &whole, &n, &f->err),
				 NZ_OK);
		assert_true(n >= 3);
		assert_int_equal(read_one_by_one(f, t, cols, ncols, &each), n);
		nz_transfer_sum *a = nz_store_transfer_sum_new(), *b = nz_store_transfer_sum_new();
		for (size_t r = 0; r < n; r++) {
			nz_store_transfer_sum_add(a, whole + r * ncols, ncols);
			nz_store_transfer_sum_add(b, each + r * ncols, ncols);
		}
		char ha[65], hb[65];
		nz_store_transfer_sum_hex(a, ha);
		nz_store_transfer_sum_hex(b, hb);
		assert_string_equal(ha, hb);
		nz_store_transfer_sum_free(a);
		nz_store_transfer_sum_free(b);
		int64_t rows = 0;
		char hex[65];
		assert_int_equal(
		    nz_store_transfer_checksum(f->store, t, cols, ncols, &rows, hex, &f->err),
		    NZ_OK);
		assert_int_equal(rows, (int64_t)n);
		assert_string_equal(hex, ha);
	}
}

static void test_loads_keep_their_rules(void **state)
{
	fixture *f = *state;
	const nz_transfer_table *t = nz_store_transfer_table("settings");
	const char *cols[] = {"key", "value"};
	nz_value row[2] = {{.type = NZ_VALUE_TEXT, .p = "name", .len = 4},
			   {.type = NZ_VALUE_TEXT, .p = "X", .len = 1}};
	/* Outside a load, rows are not written; a table not from the list is refused. */
	assert_int_equal(nz_store_transfer_write(f->store, t, cols, 2, row, 1, &f->err), NZ_INVAL);
	nz_transfer_table fake = {"settings; DROP TABLE articles", "key", false};
	assert_int_equal(nz_store_transfer_write(f->store, &fake, cols, 2, row, 1, &f->err),
			 NZ_INVAL);
	const char *bad_cols[] = {"key", "value\" FROM x"};
	assert_int_equal(nz_store_transfer_load(f->store, &f->err), NZ_OK);
	assert_int_equal(nz_store_transfer_write(f->store, t, bad_cols, 2, row, 1, &f->err),
			 NZ_INVAL);
	assert_int_equal(nz_store_transfer_write(f->store, t, cols, 2, row, 1, &f->err), NZ_OK);
	/* Rolled back: nothing stays, the triggers are all back. */
	int64_t triggers = db_int(f, "SELECT count(*) FROM sqlite_schema WHERE type = 'trigger'");
	assert_int_equal(nz_store_transfer_end(f->store, false, &f->err), NZ_OK);
	assert_int_equal(count_rows(f, "settings"), 0);
	assert_int_equal(db_int(f, "SELECT count(*) FROM sqlite_schema WHERE type = 'trigger'"),
			 triggers);
	assert_true(triggers > 10);

	/* A read-only handle loads nothing. */
	nz_store *ro = NULL;
	assert_int_equal(nz_store_open(f->path, NZ_STORE_READONLY, &ro, &f->err), NZ_OK);
	assert_int_equal(nz_store_transfer_load(ro, &f->err), NZ_PERM);
	nz_store_close(ro);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_the_list_covers_the_schema, fixture_setup,
					    fixture_teardown),
	    cmocka_unit_test(test_checksum_encoding_is_pinned),
	    cmocka_unit_test_setup_teardown(test_reads_in_batches_follow_the_key, fixture_setup,
					    fixture_teardown),
	    cmocka_unit_test_setup_teardown(test_loads_keep_their_rules, fixture_setup,
					    fixture_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
