/* Tests src/app/webhook.c: which addresses a webhook may reach (only the public internet
 * unless allow_private_webhooks is on), judged on every address a host resolves to. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

#include "store/store_test.h"

#include "app/app.h"

static bool public_addr(const char *text)
{
	struct sockaddr_storage ss;
	memset(&ss, 0, sizeof ss);
	struct sockaddr_in *in = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&ss;
	if (inet_pton(AF_INET, text, &in->sin_addr) == 1)
		in->sin_family = AF_INET;
	else if (inet_pton(AF_INET6, text, &in6->sin6_addr) == 1)
		in6->sin6_family = AF_INET6;
	else
		fail_msg("not an address: %s", text);
	return nz_app_addr_public((struct sockaddr *)&ss);
}

static void test_private_addresses_are_not_public(void **state)
{
	(void)state;
	static const char *const private_ones[] = {
	    "127.0.0.1",
	    "127.1.2.3",
	    "10.0.0.5",
	    "172.16.0.1",
	    "172.31.255.255",
	    "192.168.1.1",
	    "169.254.169.254",
	    "100.64.0.1",
	    "0.0.0.0",
	    "224.0.0.1",
	    "255.255.255.255",
	    "::1",
	    "::",
	    "fe80::1",
	    "fc00::1",
	    "fd12:3456::1",
	    "::ffff:127.0.0.1",
	    "::ffff:169.254.169.254",
	    "64:ff9b::a00:1",
	    "ff02::1",
	    "2001:db8::1",
	};
	for (size_t i = 0; i < sizeof private_ones / sizeof private_ones[0]; i++)
		if (public_addr(private_ones[i]))
			fail_msg("%s was taken for a public address", private_ones[i]);
	static const char *const public_ones[] = {"93.184.216.34", "8.8.8.8", "172.32.0.1",
						  "2606:4700::1111", "::ffff:8.8.8.8"};
	for (size_t i = 0; i < sizeof public_ones / sizeof public_ones[0]; i++)
		if (!public_addr(public_ones[i]))
			fail_msg("%s was taken for a private address", public_ones[i]);
}

static void test_hooks_to_private_addresses_are_refused_unless_allowed(void **state)
{
	fixture *f = *state;
	static const char *const refused[] = {"http://169.254.169.254/latest/meta-data",
					      "http://127.0.0.1:8080/hook", "http://[::1]/x",
					      "http://localhost/hook", "https://10.1.2.3/"};
	for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++) {
		nz_webhook hook = {.url = refused[i], .events = "article.published"};
		assert_int_equal(nz_app_webhook_create(f->store, f->arena, &hook, &f->err),
				 NZ_INVAL);
		assert_non_null(strstr(f->err.msg, "allow_private_webhooks"));
	}
	assert_int_equal(count_rows(f, "webhooks"), 0);
	/* A name that does not resolve now is checked at delivery. */
	nz_webhook later = {.url = "https://partner.example/news", .events = "article.published"};
	assert_int_equal(nz_app_webhook_create(f->store, f->arena, &later, &f->err), NZ_OK);
	assert_int_equal(nz_store_setting_set(f->store, "allow_private_webhooks", "true", &f->err),
			 NZ_OK);
	assert_true(nz_app_private_webhooks_allowed(f->store));
	nz_webhook local = {.url = "http://127.0.0.1:8080/hook", .events = "article.published"};
	assert_int_equal(nz_app_webhook_create(f->store, f->arena, &local, &f->err), NZ_OK);
	assert_int_equal(count_rows(f, "webhooks"), 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_private_addresses_are_not_public),
	    cmocka_unit_test_setup_teardown(
		test_hooks_to_private_addresses_are_refused_unless_allowed, fixture_setup,
		fixture_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
