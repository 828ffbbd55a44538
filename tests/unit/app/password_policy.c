/* Tests src/app/password_policy.c: the passwords people may choose (NIST SP 800-63B): long
 * enough, and not common, breached, repetitive, sequential or holding the login. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "app/app.h"

static void refused(const char *password, const char *login, const char *why)
{
	nz_err err = {0};
	if (nz_app_password_check(password, login, &err) == NZ_OK)
		fail_msg("\"%s\" was accepted", password);
	if (!strstr(err.msg, why))
		fail_msg("\"%s\": \"%s\" does not say \"%s\"", password, err.msg, why);
}

static void test_common_and_breached_passwords_are_refused(void **state)
{
	(void)state;
	/* On the shipped list as they are, in another case, or with digits or symbols added. */
	static const char *const common[] = {"1234567890",    "qwertyuiop",  "PASSWORD123",
					     "Password2024!", "iloveyou123", "sunshine1234",
					     "football99",    "LetMeIn12345"};
	for (size_t i = 0; i < sizeof common / sizeof common[0]; i++) {
		nz_err err = {0};
		if (nz_app_password_check(common[i], NULL, &err) == NZ_OK)
			fail_msg("\"%s\" was accepted", common[i]);
	}
	refused("Password2024!", NULL, "too common");
	refused("football99", NULL, "too common");
}

static void test_repeated_and_consecutive_characters_are_refused(void **state)
{
	(void)state;
	refused("aaaaaaaaaa", NULL, "repeated or consecutive");
	refused("abcabcabcabc", NULL, "repeated or consecutive");
	refused("ababababab", NULL, "repeated or consecutive");
	refused("abcdefghijk", NULL, "repeated or consecutive");
	refused("9876543210", NULL, "repeated or consecutive");
}

static void test_login_and_service_name_are_refused(void **state)
{
	(void)state;
	refused("kimminji-is-great", "KimMinji", "login name");
	refused("my newszone account", "eve", "service's name");
	refused("short", "eve", "at least 10");
}

static void test_good_passwords_pass(void **state)
{
	(void)state;
	static const char *const good[] = {"correct horse battery", "a new long password",
					   "한강 다리 위의 고양이", "tY7#kq2!Vx9pLm"};
	for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
		nz_err err = {0};
		if (nz_app_password_check(good[i], "eve", &err) != NZ_OK)
			fail_msg("\"%s\" was refused: %s", good[i], err.msg);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_common_and_breached_passwords_are_refused),
	    cmocka_unit_test(test_repeated_and_consecutive_characters_are_refused),
	    cmocka_unit_test(test_login_and_service_name_are_refused),
	    cmocka_unit_test(test_good_passwords_pass),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
