/* Tests src/app/account.c and src/app/password.c: an account made with a generated or a given
 * password signs in with it and not with another; a new password replaces the old; a token
 * created can be looked up by its text and by its id, and stops working once revoked. */
#include "app/app.h"
#include "store/store_test.h"

/* True when login's stored hash accepts password (what signing in checks). */
static bool signs_in(fixture *f, const char *login, const char *password)
{
	nz_user *u = NULL;
	const char *hash = NULL;
	assert_int_equal(nz_store_user_by_login(f->store, f->arena, login, &u, &hash, &f->err),
			 NZ_OK);
	return nz_app_password_verify(hash, password);
}

static void test_generated_password_signs_in_and_another_does_not(void **state)
{
	fixture *f = *state;
	char pw[NZ_PASSWORD_GENERATED];
	nz_user u = {.login = "minjun", .role = NZ_ROLE_EDITOR};
	assert_int_equal(nz_app_account_create(f->store, 0, &u, NULL, pw, &f->err), NZ_OK);
	assert_true(u.id > 0);
	assert_int_equal(strlen(pw), NZ_PASSWORD_GENERATED - 1);
	assert_true(signs_in(f, "minjun", pw));
	assert_false(signs_in(f, "minjun", "not-the-password"));
	assert_false(nz_app_password_verify(NULL, pw));
	/* Stored as libsodium's argon2id string, never in clear. */
	assert_int_equal(db_int(f, "SELECT count(*) FROM users WHERE password_hash LIKE "
				   "'$argon2id$%'"),
			 1);
}

static void test_given_password_is_checked_then_used(void **state)
{
	fixture *f = *state;
	char pw[NZ_PASSWORD_GENERATED];
	nz_user weak = {.login = "weak", .role = NZ_ROLE_CONTRIBUTOR};
	assert_int_equal(nz_app_account_create(f->store, 0, &weak, "short", pw, &f->err), NZ_INVAL);
	assert_non_null(strstr(f->err.msg, "at least 10"));
	assert_int_equal(count_rows(f, "users"), 0);

	nz_user u = {.login = "jane", .role = NZ_ROLE_ADMIN};
	assert_int_equal(
	    nz_app_account_create(f->store, 0, &u, "correct horse battery", pw, &f->err), NZ_OK);
	assert_string_equal(pw, ""); /* nothing generated to show */
	assert_true(signs_in(f, "jane", "correct horse battery"));

	nz_user again = {.login = "jane", .role = NZ_ROLE_EDITOR};
	assert_int_equal(nz_app_account_create(f->store, 0, &again, NULL, pw, &f->err), NZ_EXISTS);
	assert_int_equal(count_rows(f, "users"), 1);
}

static void test_new_password_replaces_the_old(void **state)
{
	fixture *f = *state;
	char pw[NZ_PASSWORD_GENERATED], fresh[NZ_PASSWORD_GENERATED];
	nz_user u = {.login = "reporter", .role = NZ_ROLE_CONTRIBUTOR};
	assert_int_equal(nz_app_account_create(f->store, 0, &u, NULL, pw, &f->err), NZ_OK);
	assert_int_equal(
	    nz_app_password_set(f->store, 0, u.id, "a new long password", fresh, &f->err), NZ_OK);
	assert_false(signs_in(f, "reporter", pw));
	assert_true(signs_in(f, "reporter", "a new long password"));
	assert_int_equal(
	    nz_app_password_set(f->store, 0, u.id, "\xff\xfe bad utf-8 here", fresh, &f->err),
	    NZ_UTF8);
	assert_true(signs_in(f, "reporter", "a new long password"));
	assert_int_equal(nz_app_password_set(f->store, 0, u.id, NULL, fresh, &f->err), NZ_OK);
	assert_true(signs_in(f, "reporter", fresh));
}

static void test_token_is_found_until_revoked(void **state)
{
	fixture *f = *state;
	char pw[NZ_PASSWORD_GENERATED];
	nz_user u = {.login = "robot", .role = NZ_ROLE_EDITOR};
	nz_app_token t;
	nz_user *who = NULL;
	int64_t id = 0;
	assert_int_equal(nz_app_account_create(f->store, 0, &u, NULL, pw, &f->err), NZ_OK);
	assert_int_equal(nz_app_token_create(f->store, 0, u.id, "wire desk", 90, &t, &f->err),
			 NZ_OK);
	assert_true(t.id > 0);
	assert_memory_equal(t.token, NZ_API_TOKEN_PREFIX, strlen(NZ_API_TOKEN_PREFIX));
	/* The database keeps only the token's SHA-256. */
	assert_int_equal(db_int(f, "SELECT count(*) FROM api_tokens WHERE length(token_hash) = 64 "
				   "AND token_hash NOT LIKE 'nzt_%'"),
			 1);

	assert_int_equal(
	    nz_app_token_user(f->store, f->arena, t.token, nz_time_now(), &who, &f->err), NZ_OK);
	assert_string_equal(who->login, "robot");
	assert_int_equal(
	    nz_app_token_user(f->store, f->arena, "nzt_unknown", nz_time_now(), &who, &f->err),
	    NZ_NOTFOUND);

	assert_int_equal(nz_app_token_find(f->store, t.token, &id, &f->err), NZ_OK);
	assert_int_equal(id, t.id);
	char by_id[24];
	snprintf(by_id, sizeof by_id, "%lld", (long long)t.id);
	assert_int_equal(nz_app_token_find(f->store, by_id, &id, &f->err), NZ_OK);
	assert_int_equal(id, t.id);
	assert_int_equal(nz_app_token_find(f->store, "12x", &id, &f->err), NZ_NOTFOUND);

	assert_int_equal(nz_app_token_revoke(f->store, 0, t.id, &f->err), NZ_OK);
	assert_int_equal(
	    nz_app_token_user(f->store, f->arena, t.token, nz_time_now(), &who, &f->err),
	    NZ_NOTFOUND);
	assert_int_equal(nz_app_token_revoke(f->store, 0, t.id + 100, &f->err), NZ_NOTFOUND);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_generated_password_signs_in_and_another_does_not,
					    fixture_setup, fixture_teardown),
	    cmocka_unit_test_setup_teardown(test_given_password_is_checked_then_used, fixture_setup,
					    fixture_teardown),
	    cmocka_unit_test_setup_teardown(test_new_password_replaces_the_old, fixture_setup,
					    fixture_teardown),
	    cmocka_unit_test_setup_teardown(test_token_is_found_until_revoked, fixture_setup,
					    fixture_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
