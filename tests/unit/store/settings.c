/*
 * The store's contract for the settings (store/settings.c and each backend's settings.c): the
 * site's settings over their defaults, single values set, read, removed and stored once, and
 * nested transactions (probed through settings, the simplest write). Runs on SQLite, and on
 * PostgreSQL under `make test-pg` (store_test.h).
 */
#include "store/store_test.h"

static void test_settings_override_defaults(void **state)
{
	fixture *f = *state;
	nz_site def, site;
	nz_site_defaults(&def);
	assert_int_equal(nz_store_site_load(f->store, f->arena, &site, &f->err), NZ_OK);
	assert_string_equal(site.name, def.name);
	assert_string_equal(site.time_zone, def.time_zone);

	assert_int_equal(nz_store_setting_set(f->store, "name", "뉴스존 데일리", &f->err), NZ_OK);
	assert_int_equal(nz_store_setting_set(f->store, "time_zone", "America/New_York", &f->err),
			 NZ_OK);
	assert_int_equal(
	    nz_store_setting_set(f->store, "base_url", "https://news.example", &f->err), NZ_OK);
	assert_int_equal(nz_store_setting_set(f->store, "time_zone", "Mars/Olympus", &f->err),
			 NZ_INVAL);
	assert_int_equal(nz_store_setting_set(f->store, "time_zone", "../../etc/passwd", &f->err),
			 NZ_INVAL);
	assert_int_equal(nz_store_setting_set(f->store, "tz_offset_min", "540", &f->err), NZ_INVAL);
	assert_int_equal(nz_store_setting_set(f->store, "", "x", &f->err), NZ_INVAL);
	assert_int_equal(nz_store_site_load(f->store, f->arena, &site, &f->err), NZ_OK);
	assert_string_equal(site.name, "뉴스존 데일리");
	assert_string_equal(site.base_url, "https://news.example");
	assert_string_equal(site.time_zone, "America/New_York");
	assert_string_equal(site.language, def.language);

	/* Setting a value again replaces it; NULL brings the default back. */
	assert_int_equal(nz_store_setting_set(f->store, "name", "Second", &f->err), NZ_OK);
	assert_int_equal(nz_store_setting_set(f->store, "time_zone", NULL, &f->err), NZ_OK);
	assert_int_equal(nz_store_site_load(f->store, f->arena, &site, &f->err), NZ_OK);
	assert_string_equal(site.name, "Second");
	assert_string_equal(site.time_zone, def.time_zone);
	assert_int_equal(count_rows(f, "settings"), 2);
}

/* A database of an older version keeps a fixed offset (tz_offset_min): it reads as the zone
 * that keeps that offset exactly, and setting a zone removes it. */
static void test_a_fixed_offset_becomes_a_zone(void **state)
{
	fixture *f = *state;
	nz_site site;
	static const struct {
		const char *offset, *zone;
	} cases[] = {
	    {"0", "UTC"}, {"540", "Etc/GMT-9"}, {"-300", "Etc/GMT+5"}, {"330", "UTC+05:30"}};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char sql[128];
		snprintf(sql, sizeof sql,
			 "DELETE FROM settings WHERE key = 'tz_offset_min'; INSERT INTO "
			 "settings(key, value) VALUES ('tz_offset_min', '%s')",
			 cases[i].offset);
		assert_int_equal(db_exec(f, sql), 0);
		assert_int_equal(nz_store_site_load(f->store, f->arena, &site, &f->err), NZ_OK);
		assert_string_equal(site.time_zone, cases[i].zone);
	}
	assert_int_equal(nz_store_setting_set(f->store, "time_zone", "Asia/Seoul", &f->err), NZ_OK);
	assert_int_equal(db_int(f, "SELECT COUNT(*) FROM settings WHERE key = 'tz_offset_min'"), 0);
	assert_int_equal(nz_store_site_load(f->store, f->arena, &site, &f->err), NZ_OK);
	assert_string_equal(site.time_zone, "Asia/Seoul");
}

static void test_setting_ensure_keeps_the_first(void **state)
{
	fixture *f = *state;
	const char *v = NULL;
	assert_int_equal(nz_store_setting_get(f->store, f->arena, "csrf_secret", &v, &f->err),
			 NZ_NOTFOUND);
	assert_int_equal(
	    nz_store_setting_ensure(f->store, f->arena, "csrf_secret", "one", &v, &f->err), NZ_OK);
	assert_string_equal(v, "one");
	assert_int_equal(
	    nz_store_setting_ensure(f->store, f->arena, "csrf_secret", "two", &v, &f->err), NZ_OK);
	assert_string_equal(v, "one");
	/* The site's settings are not disturbed by keys they do not know. */
	nz_site site;
	assert_int_equal(nz_store_site_load(f->store, f->arena, &site, &f->err), NZ_OK);
	assert_string_equal(site.name, "Newszone Daily");
}

/* nz_store_begin nests: an inner rollback undoes only the inner writes, the outer commit keeps
 * the rest; an outer rollback undoes everything, and a write op inside runs in its own savepoint.
 */
static void test_transactions_nest(void **state)
{
	fixture *f = *state;
	const char *v = NULL;
	assert_int_equal(nz_store_begin(f->store, &f->err), NZ_OK);
	assert_int_equal(nz_store_setting_set(f->store, "a", "1", &f->err), NZ_OK);
	assert_int_equal(nz_store_begin(f->store, &f->err), NZ_OK);
	assert_int_equal(nz_store_setting_set(f->store, "b", "2", &f->err), NZ_OK);
	nz_store_rollback(f->store);
	assert_int_equal(nz_store_setting_get(f->store, f->arena, "b", &v, &f->err), NZ_NOTFOUND);
	assert_int_equal(nz_store_begin(f->store, &f->err), NZ_OK);
	assert_int_equal(nz_store_setting_set(f->store, "c", "3", &f->err), NZ_OK);
	assert_int_equal(nz_store_commit(f->store, &f->err), NZ_OK);
	/* Not visible to another connection before the outer commit. */
	assert_int_equal(count_rows(f, "settings"), 0);
	assert_int_equal(nz_store_commit(f->store, &f->err), NZ_OK);
	assert_int_equal(count_rows(f, "settings"), 2);
	assert_int_equal(nz_store_commit(f->store, &f->err), NZ_INVAL);

	assert_int_equal(nz_store_begin(f->store, &f->err), NZ_OK);
	assert_int_equal(nz_store_setting_set(f->store, "a", NULL, &f->err), NZ_OK);
	assert_int_equal(nz_store_setting_ensure(f->store, f->arena, "d", "4", &v, &f->err), NZ_OK);
	nz_store_rollback(f->store);
	nz_store_rollback(f->store); /* nothing open: nothing to do */
	assert_int_equal(nz_store_setting_get(f->store, f->arena, "a", &v, &f->err), NZ_OK);
	assert_string_equal(v, "1");
	assert_int_equal(nz_store_setting_get(f->store, f->arena, "d", &v, &f->err), NZ_NOTFOUND);
	assert_int_equal(count_rows(f, "settings"), 2);
}

/* A handle opened read-only reads the settings and refuses to write them. */
static void test_read_only_refuses_setting_writes(void **state)
{
	fixture *f = *state;
	nz_store *ro = NULL;
	const char *v = NULL;
	nz_site site;
	assert_int_equal(nz_store_setting_set(f->store, "name", "Daily", &f->err), NZ_OK);
	assert_int_equal(nz_store_open(f->path, NZ_STORE_READONLY, &ro, &f->err), NZ_OK);
	assert_int_equal(nz_store_site_load(ro, f->arena, &site, &f->err), NZ_OK);
	assert_string_equal(site.name, "Daily");
	assert_int_equal(nz_store_setting_set(ro, "name", "Other", &f->err), NZ_PERM);
	assert_int_equal(nz_store_setting_ensure(ro, f->arena, "k", "v", &v, &f->err), NZ_PERM);
	assert_int_equal(nz_store_begin(ro, &f->err), NZ_PERM);
	nz_store_close(ro);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, fixture_setup, fixture_teardown)
	const struct CMUnitTest tests[] = {
	    T(test_settings_override_defaults),       T(test_setting_ensure_keeps_the_first),
	    T(test_a_fixed_offset_becomes_a_zone),    T(test_transactions_nest),
	    T(test_read_only_refuses_setting_writes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
