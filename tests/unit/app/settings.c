/* Tests src/app/settings.c: what each setting accepts (the rules the back office's form, the
 * CLI and the admin API share), and that a set with one refused value stores none of them. */
#include "store/store_test.h"

#include "app/app.h"

static void test_each_key_takes_what_its_readers_read(void **state)
{
	(void)state;
	static const char *const good[][2] = {
	    {"name", "Harbor Herald"},
	    {"tagline", ""},
	    {"base_url", "https://h.example"},
	    {"language", "ko"},
	    {"time_zone", "America/New_York"},
	    {"time_zone", "Etc/GMT-9"},
	    {"editions", "en ko"},
	    {"copyright.ko", "ⓒ 항구신문"},
	    {"purge_url", ""},
	    {"trusted_proxies", "10.0.0.0/8, 192.168.1.2 ::1 fd00::/8"},
	    {"webhook_backoff_ms", "50"},
	    {"allow_private_webhooks", "on"},
	};
	for (size_t i = 0; i < sizeof good / sizeof good[0]; i++)
		if (nz_app_setting_problem(good[i][0], good[i][1]))
			fail_msg("%s=%s refused: %s", good[i][0], good[i][1],
				 nz_app_setting_problem(good[i][0], good[i][1]));
	static const char *const bad[][2] = {
	    {"name", ""},
	    {"base_url", "news.example.com"},
	    {"language", "fr"},
	    {"time_zone", "Mars/Olympus"},
	    {"time_zone", "../../etc/passwd"},
	    {"trusted_proxies", "10.0.0.0/33"},
	    {"trusted_proxies", "proxy.example"},
	    {"webhook_backoff_ms", "0"},
	    {"allow_private_webhooks", "maybe"},
	    {"card_image", "abc"},
	    {"name.KO", "x"},
	    {"tz_offset_min", "540"},
	    {"nope", "x"},
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		if (!nz_app_setting_problem(bad[i][0], bad[i][1]))
			fail_msg("%s=%s accepted", bad[i][0], bad[i][1]);
}

static void test_a_refused_value_stores_none(void **state)
{
	fixture *f = *state;
	const char *keys[] = {"tagline", "time_zone"};
	const char *bad[] = {"Never stored", "Mars/Olympus"};
	size_t at = 9;
	assert_int_equal(nz_app_settings_set(f->store, f->arena, 0, keys, bad, 2, &at, &f->err),
			 NZ_INVAL);
	assert_int_equal(at, 1);
	assert_non_null(strstr(f->err.msg, "time_zone: "));
	const char *v = NULL;
	assert_int_equal(nz_store_setting_get(f->store, f->arena, "tagline", &v, &f->err),
			 NZ_NOTFOUND);

	const char *good[] = {"  The port's paper ", "America/New_York"};
	assert_int_equal(nz_app_settings_set(f->store, f->arena, 0, keys, good, 2, NULL, &f->err),
			 NZ_OK);
	nz_app_setting *all = NULL;
	size_t n = 0;
	assert_int_equal(nz_app_settings_list(f->store, f->arena, &all, &n, &f->err), NZ_OK);
	bool seen = false;
	for (size_t i = 0; i < n; i++)
		if (strcmp(all[i].key, "tagline") == 0) {
			assert_string_equal(all[i].value, "The port's paper");
			assert_true(all[i].stored);
			seen = true;
		}
	assert_true(seen);
	nz_audit_entry *rows = NULL;
	assert_int_equal(nz_store_audit_list(f->store, f->arena, &(nz_audit_query){.limit = 5},
					     &rows, &n, &f->err),
			 NZ_OK);
	assert_int_equal(n, 1);
	assert_string_equal(rows[0].action, "settings.changed");
	assert_string_equal(rows[0].detail, "tagline time_zone");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_each_key_takes_what_its_readers_read),
	    cmocka_unit_test_setup_teardown(test_a_refused_value_stores_none, fixture_setup,
					    fixture_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
