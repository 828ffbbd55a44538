/*
 * Tests for the accounts side of the store (store/accounts.c and its backends' twins): users,
 * sessions, failed sign-ins, API tokens and password-reset links. Each test opens a fresh database
 * and reads it back behind the store's back (db_int) to see what was really written, and that a
 * refused change wrote nothing, audit row included.
 */
#include "store/store_test.h"

#define HASH_A "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define HASH_B "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
#define HASH_C "cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc"

/* ---- users, sessions, sign-ins ----------------------------------------------------------- */

static void test_users(void **state)
{
	fixture *f = *state;
	int64_t eve = make_user(f, "eve", NZ_ROLE_EDITOR);
	nz_user dup = {.login = "eve", .role = NZ_ROLE_ADMIN};
	assert_int_equal(nz_store_user_create(f->store, 0, &dup, "$x", &f->err), NZ_EXISTS);
	nz_user bad = {.login = "Eve Smith", .role = NZ_ROLE_ADMIN};
	assert_int_equal(nz_store_user_create(f->store, 0, &bad, "$x", &f->err), NZ_INVAL);
	assert_int_equal(count_rows(f, "users"), 1);

	nz_user *u = NULL;
	const char *hash = NULL;
	assert_int_equal(nz_store_user_by_login(f->store, f->arena, "eve", &u, &hash, &f->err),
			 NZ_OK);
	assert_int_equal(u->id, eve);
	assert_int_equal(u->role, NZ_ROLE_EDITOR);
	assert_string_equal(hash, "$argon2id$fake");
	assert_int_equal(nz_store_user_by_login(f->store, f->arena, "bob", &u, NULL, &f->err),
			 NZ_NOTFOUND);

	assert_int_equal(nz_store_user_set_role(f->store, eve, eve, NZ_ROLE_ADMIN, &f->err), NZ_OK);
	assert_int_equal(nz_store_user_get(f->store, f->arena, eve, &u, &f->err), NZ_OK);
	assert_int_equal(u->role, NZ_ROLE_ADMIN);
	assert_int_equal(db_int(f, "SELECT count(*) FROM audit_log WHERE action = "
				   "'user.role_changed' AND detail = 'editor -> admin'"),
			 1);
	assert_int_equal(nz_store_user_set_role(f->store, 0, 999, NZ_ROLE_ADMIN, &f->err),
			 NZ_NOTFOUND);
	assert_int_equal(db_int(f, "SELECT count(*) FROM audit_log WHERE action = "
				   "'user.role_changed'"),
			 1);
}

static void test_sessions(void **state)
{
	fixture *f = *state;
	int64_t eve = make_user(f, "eve", NZ_ROLE_EDITOR);
	nz_user *u = NULL;
	nz_time exp = 0, now = nz_time_now();
	assert_int_equal(
	    nz_store_session_create(f->store, HASH_A, eve, now + 100, "127.0.0.1", &f->err), NZ_OK);
	assert_int_equal(nz_store_session_user(f->store, f->arena, HASH_A, now, &u, &exp, &f->err),
			 NZ_OK);
	assert_string_equal(u->login, "eve");
	assert_int_equal(exp, now + 100);
	/* Expired, unknown, malformed. */
	assert_int_equal(
	    nz_store_session_user(f->store, f->arena, HASH_A, now + 100, &u, NULL, &f->err),
	    NZ_NOTFOUND);
	assert_int_equal(nz_store_session_user(f->store, f->arena, HASH_B, now, &u, NULL, &f->err),
			 NZ_NOTFOUND);
	assert_int_equal(nz_store_session_user(f->store, f->arena, "x", now, &u, NULL, &f->err),
			 NZ_NOTFOUND);
	/* A password change ends every session; so does disabling. */
	assert_int_equal(nz_store_user_set_password(f->store, 0, eve, "$new", &f->err), NZ_OK);
	assert_int_equal(count_rows(f, "sessions"), 0);
	assert_int_equal(nz_store_session_create(f->store, HASH_B, eve, now + 100, "::1", &f->err),
			 NZ_OK);
	assert_int_equal(nz_store_user_set_disabled(f->store, 0, eve, true, &f->err), NZ_OK);
	assert_int_equal(nz_store_session_user(f->store, f->arena, HASH_B, now, &u, NULL, &f->err),
			 NZ_NOTFOUND);
	/* Logout removes the row and says so. */
	assert_int_equal(nz_store_user_set_disabled(f->store, 0, eve, false, &f->err), NZ_OK);
	assert_int_equal(nz_store_session_create(f->store, HASH_A, eve, now + 100, "::1", &f->err),
			 NZ_OK);
	assert_int_equal(nz_store_session_delete(f->store, HASH_A, &f->err), NZ_OK);
	assert_int_equal(nz_store_session_delete(f->store, HASH_A, &f->err), NZ_OK);
	assert_int_equal(count_rows(f, "sessions"), 0);
	assert_int_equal(db_int(f, "SELECT count(*) FROM audit_log WHERE action = 'user.logout'"),
			 1);
	assert_int_equal(db_int(f, "SELECT count(*) FROM audit_log WHERE action = 'user.login'"),
			 3);
}

static void test_login_failures(void **state)
{
	fixture *f = *state;
	int64_t eve = make_user(f, "eve", NZ_ROLE_EDITOR);
	int by_login = -1, by_addr = -1;
	nz_time since = nz_time_now() - 60;
	for (int i = 0; i < 3; i++)
		assert_int_equal(nz_store_login_failed(f->store, "eve", "10.0.0.1", eve, &f->err),
				 NZ_OK);
	assert_int_equal(nz_store_login_failed(f->store, "ghost", "10.0.0.1", 0, &f->err), NZ_OK);
	assert_int_equal(nz_store_login_failures(f->store, "eve", "10.0.0.1", since, &by_login,
						 &by_addr, &f->err),
			 NZ_OK);
	assert_int_equal(by_login, 3);
	assert_int_equal(by_addr, 4);
	assert_int_equal(nz_store_login_failures(f->store, "eve", "10.0.0.2", nz_time_now() + 10,
						 &by_login, &by_addr, &f->err),
			 NZ_OK);
	assert_int_equal(by_login, 0);
	assert_int_equal(by_addr, 0);
	/* A successful sign-in clears the account's failures, not the address's. */
	assert_int_equal(
	    nz_store_session_create(f->store, HASH_A, eve, since + 999, "10.0.0.1", &f->err),
	    NZ_OK);
	assert_int_equal(nz_store_login_failures(f->store, "eve", "10.0.0.1", since, &by_login,
						 &by_addr, &f->err),
			 NZ_OK);
	assert_int_equal(by_login, 0);
	assert_int_equal(by_addr, 1);
	assert_int_equal(
	    db_int(f, "SELECT count(*) FROM audit_log WHERE action = 'user.login_failed'"), 4);
}

static void test_tokens(void **state)
{
	fixture *f = *state;
	int64_t eve = make_user(f, "eve", NZ_ROLE_EDITOR);
	int64_t id = 0, got = 0;
	nz_user *u = NULL;
	assert_int_equal(nz_store_token_create(f->store, 0, eve, HASH_A, "ci", 0, &id, &f->err),
			 NZ_OK);
	assert_int_equal(db_int(f, "SELECT count(*) FROM api_tokens WHERE last_used_at IS NULL"),
			 1);
	assert_int_equal(
	    nz_store_token_user(f->store, f->arena, HASH_A, 1800000000, &u, &got, &f->err), NZ_OK);
	assert_int_equal(got, id);
	assert_string_equal(u->login, "eve");
	assert_int_equal(db_int(f, "SELECT last_used_at FROM api_tokens"), 1800000000);
	assert_int_equal(nz_store_token_find(f->store, HASH_A, &got, &f->err), NZ_OK);
	assert_int_equal(nz_store_token_revoke(f->store, 0, id, &f->err), NZ_OK);
	assert_int_equal(nz_store_token_revoke(f->store, 0, id, &f->err), NZ_OK); /* again: no-op */
	assert_int_equal(nz_store_token_revoke(f->store, 0, 999, &f->err), NZ_NOTFOUND);
	assert_int_equal(nz_store_token_user(f->store, f->arena, HASH_A, 0, &u, NULL, &f->err),
			 NZ_NOTFOUND);
	assert_int_equal(db_int(f, "SELECT count(*) FROM audit_log WHERE action = 'token.revoked'"),
			 1);
	nz_api_token *list = NULL;
	size_t n = 0;
	assert_int_equal(nz_store_token_list(f->store, f->arena, 0, &list, &n, &f->err), NZ_OK);
	assert_int_equal(n, 1);
	assert_true(list[0].revoked_at > 0);
	assert_string_equal(list[0].name, "ci");
	assert_int_equal(nz_store_token_create(f->store, 0, 999, HASH_B, NULL, 0, &id, &f->err),
			 NZ_NOTFOUND);
}

/* A token stops at its expiry; disabling its user revokes it for good (enabling the user
 * again does not bring it back). */
static void test_tokens_expire_and_die_with_a_disabled_user(void **state)
{
	fixture *f = *state;
	int64_t eve = make_user(f, "eve", NZ_ROLE_EDITOR);
	int64_t id = 0, other = 0;
	nz_user *u = NULL;
	assert_int_equal(
	    nz_store_token_create(f->store, 0, eve, HASH_A, "ci", 1800000000, &id, &f->err), NZ_OK);
	assert_int_equal(
	    nz_store_token_user(f->store, f->arena, HASH_A, 1799999999, &u, NULL, &f->err), NZ_OK);
	assert_int_equal(
	    nz_store_token_user(f->store, f->arena, HASH_A, 1800000000, &u, NULL, &f->err),
	    NZ_NOTFOUND);
	nz_api_token *list = NULL;
	size_t n = 0;
	assert_int_equal(nz_store_token_list(f->store, f->arena, 0, &list, &n, &f->err), NZ_OK);
	assert_int_equal(n, 1);
	assert_int_equal(list[0].expires_at, 1800000000);
	assert_int_equal(list[0].last_used_at, 1799999999);

	assert_int_equal(
	    nz_store_token_create(f->store, 0, eve, HASH_B, "wire", 0, &other, &f->err), NZ_OK);
	assert_int_equal(nz_store_token_user(f->store, f->arena, HASH_B, 0, &u, NULL, &f->err),
			 NZ_OK);
	assert_int_equal(nz_store_user_set_disabled(f->store, 0, eve, true, &f->err), NZ_OK);
	assert_int_equal(nz_store_user_set_disabled(f->store, 0, eve, false, &f->err), NZ_OK);
	assert_int_equal(nz_store_token_user(f->store, f->arena, HASH_B, 0, &u, NULL, &f->err),
			 NZ_NOTFOUND);
	assert_int_equal(nz_store_token_list(f->store, f->arena, eve, &list, &n, &f->err), NZ_OK);
	assert_int_equal(n, 2);
	assert_true(list[0].revoked_at > 0); /* newest first: "wire" */
	assert_int_equal(list[0].expires_at, 0);
	assert_int_equal(nz_store_token_create(f->store, 0, eve, HASH_C, NULL, -5, &id, &f->err),
			 NZ_INVAL);
}

static void test_user_list_by_login(void **state)
{
	fixture *f = *state;
	int64_t zoe = make_user(f, "zoe", NZ_ROLE_ADMIN);
	make_user(f, "adam", NZ_ROLE_CONTRIBUTOR);
	nz_user *list = NULL;
	size_t n = 0;
	assert_int_equal(nz_store_user_list(f->store, f->arena, &list, &n, &f->err), NZ_OK);
	assert_int_equal(n, 2);
	assert_string_equal(list[0].login, "adam");
	assert_int_equal(list[0].role, NZ_ROLE_CONTRIBUTOR);
	assert_int_equal(list[1].id, zoe);
	assert_int_equal(list[1].disabled_at, 0);
	assert_int_equal(nz_store_user_set_disabled(f->store, 0, zoe, true, &f->err), NZ_OK);
	assert_int_equal(nz_store_user_list(f->store, f->arena, &list, &n, &f->err), NZ_OK);
	assert_true(list[1].disabled_at > 0);
	assert_int_equal(nz_store_user_set_disabled(f->store, 0, 999, true, &f->err), NZ_NOTFOUND);
	assert_int_equal(nz_store_user_set_password(f->store, 0, 999, "$x", &f->err), NZ_NOTFOUND);
}

/* ---- password-reset links ---------------------------------------------------------------- */

static void test_reset_links(void **state)
{
	fixture *f = *state;
	int64_t adam = make_user(f, "adam", NZ_ROLE_ADMIN);
	int64_t eve = make_user(f, "eve", NZ_ROLE_EDITOR);
	nz_time now = nz_time_now();
	nz_password_reset r;
	int64_t who = 0;
	assert_int_equal(nz_store_reset_create(f->store, adam, 999, HASH_A, now + 100, &f->err),
			 NZ_NOTFOUND);
	assert_int_equal(count_rows(f, "password_resets"), 0);
	assert_int_equal(nz_store_reset_create(f->store, adam, eve, HASH_A, now + 100, &f->err),
			 NZ_OK);
	assert_int_equal(nz_store_reset_get(f->store, f->arena, HASH_A, &r, &f->err), NZ_OK);
	assert_string_equal(r.user.login, "eve");
	assert_int_equal(r.expires_at, now + 100);
	assert_int_equal(r.used_at, 0);
	/* A newer link voids the older one: one row per user. */
	assert_int_equal(nz_store_reset_create(f->store, adam, eve, HASH_B, now + 100, &f->err),
			 NZ_OK);
	assert_int_equal(nz_store_reset_get(f->store, f->arena, HASH_A, &r, &f->err), NZ_NOTFOUND);
	assert_int_equal(nz_store_reset_use(f->store, HASH_A, now, "$new", &who, &f->err),
			 NZ_NOTFOUND);
	assert_int_equal(count_rows(f, "password_resets"), 1);
	/* Expired at now + 100: refused, nothing changed. */
	assert_int_equal(
	    nz_store_session_create(f->store, HASH_C, eve, now + 1000, "127.0.0.1", &f->err),
	    NZ_OK);
	assert_int_equal(nz_store_reset_use(f->store, HASH_B, now + 100, "$new", &who, &f->err),
			 NZ_NOTFOUND);
	assert_int_equal(who, 0);
	assert_int_equal(count_rows(f, "sessions"), 1);
	assert_int_equal(db_int(f, "SELECT count(*) FROM users WHERE password_hash = '$new'"), 0);
	/* Used: the password is set, sessions end, the link is spent and the use audited. */
	assert_int_equal(nz_store_reset_use(f->store, HASH_B, now, "$new", &who, &f->err), NZ_OK);
	assert_int_equal(who, eve);
	assert_int_equal(db_int(f, "SELECT count(*) FROM users WHERE password_hash = '$new'"), 1);
	assert_int_equal(count_rows(f, "sessions"), 0);
	assert_int_equal(nz_store_reset_get(f->store, f->arena, HASH_B, &r, &f->err), NZ_OK);
	assert_true(r.used_at >= now);
	assert_int_equal(nz_store_reset_use(f->store, HASH_B, now, "$other", &who, &f->err),
			 NZ_NOTFOUND);
	assert_int_equal(db_int(f, "SELECT count(*) FROM users WHERE password_hash = '$other'"), 0);
	char sql[200];
	snprintf(sql, sizeof sql,
		 "SELECT count(*) FROM audit_log WHERE action = 'user.reset_link_created' "
		 "AND user_id = %lld AND object_id = %lld",
		 (long long)adam, (long long)eve);
	assert_int_equal(db_int(f, sql), 2);
	snprintf(sql, sizeof sql,
		 "SELECT count(*) FROM audit_log WHERE action = 'user.password_reset' "
		 "AND user_id = %lld AND object_id = %lld",
		 (long long)eve, (long long)eve);
	assert_int_equal(db_int(f, sql), 1);
	/* A disabled user's link does not work. */
	assert_int_equal(nz_store_reset_create(f->store, adam, eve, HASH_C, now + 100, &f->err),
			 NZ_OK);
	assert_int_equal(nz_store_user_set_disabled(f->store, adam, eve, true, &f->err), NZ_OK);
	assert_int_equal(nz_store_reset_use(f->store, HASH_C, now, "$third", &who, &f->err),
			 NZ_NOTFOUND);
}

/* ---- one's own sessions, presence ----------------------------------------------------------- */

static void test_own_sessions(void **state)
{
	fixture *f = *state;
	nz_time now = nz_time_now();
	int64_t eve = make_user(f, "eve", NZ_ROLE_EDITOR);
	int64_t bob = make_user(f, "bob", NZ_ROLE_EDITOR);
	nz_session_info *list = NULL;
	size_t n = 0;
	int ended = -1;
	nz_user *u = NULL;
	assert_int_equal(nz_store_session_create(f->store, HASH_A, eve, now + 100, "", &f->err),
			 NZ_OK);
	assert_int_equal(nz_store_session_create(f->store, HASH_B, eve, now + 100, "", &f->err),
			 NZ_OK);
	assert_int_equal(nz_store_session_create(f->store, HASH_C, bob, now + 100, "", &f->err),
			 NZ_OK);
	assert_int_equal(nz_store_session_device(f->store, HASH_A, "Firefox on Linux", &f->err),
			 NZ_OK);
	/* A request a minute and more later moves last_seen_at; one sooner does not write. */
	assert_int_equal(
	    nz_store_session_user(f->store, f->arena, HASH_A, now + 30, &u, NULL, &f->err), NZ_OK);
	assert_int_equal(db_int(f, "SELECT count(*) FROM sessions WHERE last_seen_at IS NULL"), 3);
	assert_int_equal(
	    nz_store_session_user(f->store, f->arena, HASH_A, now + 61, &u, NULL, &f->err), NZ_OK);
	assert_int_equal(nz_store_session_list(f->store, f->arena, eve, now, &list, &n, &f->err),
			 NZ_OK);
	assert_int_equal(n, 2);
	assert_string_equal(list[0].id, "aaaaaaaaaaaaaaaa"); /* the most recently seen first */
	assert_int_equal(list[0].last_seen_at, now + 61);
	assert_string_equal(list[0].device, "Firefox on Linux");
	assert_string_equal(list[1].id, "bbbbbbbbbbbbbbbb");
	assert_null(list[1].device);
	assert_true(list[1].last_seen_at >= list[1].created_at);

	/* Another user's session, or no such one: not found, nothing ended. */
	assert_int_equal(
	    nz_store_session_end(f->store, eve, "cccccccccccccccc", NULL, &ended, &f->err),
	    NZ_NOTFOUND);
	assert_int_equal(nz_store_session_end(f->store, eve, "xyz", NULL, &ended, &f->err),
			 NZ_NOTFOUND);
	assert_int_equal(count_rows(f, "sessions"), 3);
	assert_int_equal(
	    nz_store_session_end(f->store, eve, "bbbbbbbbbbbbbbbb", NULL, &ended, &f->err), NZ_OK);
	assert_int_equal(ended, 1);
	assert_int_equal(nz_store_session_user(f->store, f->arena, HASH_B, now, &u, NULL, &f->err),
			 NZ_NOTFOUND);
	/* Every other one: keeps the one named. */
	assert_int_equal(nz_store_session_create(f->store, HASH_B, eve, now + 100, "", &f->err),
			 NZ_OK);
	assert_int_equal(nz_store_session_end(f->store, eve, NULL, HASH_A, &ended, &f->err), NZ_OK);
	assert_int_equal(ended, 1);
	assert_int_equal(db_int(f, "SELECT count(*) FROM sessions WHERE id = '" HASH_A "'"), 1);
	assert_int_equal(db_int(f, "SELECT count(*) FROM sessions WHERE user_id <> 0"), 2);
	assert_int_equal(db_int(f, "SELECT count(*) FROM audit_log WHERE action = 'user.logout'"),
			 2);
}

static void test_presence(void **state)
{
	fixture *f = *state;
	nz_time now = nz_time_now();
	int64_t kim = make_user(f, "kim", NZ_ROLE_EDITOR);
	int64_t lee = make_user(f, "lee", NZ_ROLE_EDITOR);
	nz_article *a = sample_article(f->arena, "talks", "Talks");
	nz_presence *list = NULL;
	size_t n = 0;
	assert_int_equal(nz_store_article_create(f->store, f->arena, a, NULL, &f->err), NZ_OK);
	assert_int_equal(nz_store_presence_beat(f->store, a->id, kim, now, 45, &f->err), NZ_OK);
	assert_int_equal(nz_store_presence_beat(f->store, a->id, lee, now + 10, 45, &f->err),
			 NZ_OK);
	assert_int_equal(nz_store_presence_beat(f->store, a->id, kim, now + 30, 45, &f->err),
			 NZ_OK);
	assert_int_equal(
	    nz_store_presence_list(f->store, f->arena, a->id, now + 40, 45, &list, &n, &f->err),
	    NZ_OK);
	assert_int_equal(n, 2);
	assert_string_equal(list[0].name, "kim"); /* no author: the login */
	assert_int_equal(list[0].since, now);     /* a heartbeat keeps the visit's start */
	assert_int_equal(list[0].seen_at, now + 30);
	assert_string_equal(list[1].name, "lee");
	/* Lee's last heartbeat is 46 s old: gone from the list, and a new one is a new visit. */
	assert_int_equal(
	    nz_store_presence_list(f->store, f->arena, a->id, now + 56, 45, &list, &n, &f->err),
	    NZ_OK);
	assert_int_equal(n, 1);
	assert_int_equal(nz_store_presence_beat(f->store, a->id, lee, now + 60, 45, &f->err),
			 NZ_OK);
	assert_int_equal(
	    nz_store_presence_list(f->store, f->arena, a->id, now + 60, 45, &list, &n, &f->err),
	    NZ_OK);
	assert_int_equal(n, 2);
	assert_int_equal(list[1].since, now + 60);
	assert_int_equal(nz_store_presence_beat(f->store, 0, lee, now, 45, &f->err), NZ_INVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_users, fixture_setup, fixture_teardown),
	    cmocka_unit_test_setup_teardown(test_sessions, fixture_setup, fixture_teardown),
	    cmocka_unit_test_setup_teardown(test_login_failures, fixture_setup, fixture_teardown),
	    cmocka_unit_test_setup_teardown(test_tokens, fixture_setup, fixture_teardown),
	    cmocka_unit_test_setup_teardown(test_tokens_expire_and_die_with_a_disabled_user,
					    fixture_setup, fixture_teardown),
	    cmocka_unit_test_setup_teardown(test_user_list_by_login, fixture_setup,
					    fixture_teardown),
	    cmocka_unit_test_setup_teardown(test_reset_links, fixture_setup, fixture_teardown),
	    cmocka_unit_test_setup_teardown(test_own_sessions, fixture_setup, fixture_teardown),
	    cmocka_unit_test_setup_teardown(test_presence, fixture_setup, fixture_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
