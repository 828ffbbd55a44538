/*
 * Tests for jobs/lease: of two nodes' lease threads on one database exactly one holds the
 * lease, each with its own holder id; when the holder stops (releasing it) the other takes it
 * on its next try; a NULL lease (one process without one) always holds.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "jobs/jobs_int.h"

/* Polls until exactly one of a and b (b may be NULL) holds, for up to ms; the holder or NULL. */
static nz__lease *one_holder(nz__lease *a, nz__lease *b, int ms)
{
	for (int waited = 0; waited <= ms; waited += 20) {
		bool ha = nz__lease_held(a), hb = b && nz__lease_held(b);
		if (ha != hb)
			return ha ? a : b;
		nanosleep(&(struct timespec){.tv_nsec = 20 * 1000000L}, NULL);
	}
	return NULL;
}

static void test_one_node_holds_and_the_other_takes_over(void **state)
{
	(void)state;
	char dir[] = "/tmp/nz-lease-XXXXXX", path[64], p[80];
	nz_store *store = NULL;
	nz__lease *a = NULL, *b = NULL;
	nz_err err = {0};
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/news.db", dir);
	assert_int_equal(nz_store_open(path, NZ_STORE_CREATE, &store, &err), NZ_OK);
	nz_store_close(store);

	assert_true(nz__lease_held(NULL));
	assert_int_equal(nz__lease_start(path, "jobs", &a, &err), NZ_OK);
	assert_int_equal(nz__lease_start(path, "jobs", &b, &err), NZ_OK);
	assert_string_not_equal(nz__lease_holder(a), nz__lease_holder(b));
	nz__lease *holder = one_holder(a, b, 3000);
	assert_non_null(holder);
	/* still one after a renewal */
	sleep(NZ__LEASE_EVERY_S);
	assert_ptr_equal(one_holder(a, b, 0), holder);

	nz__lease *other = holder == a ? b : a;
	nz__lease_stop(holder); /* releases: the other's next try (within 2 s) takes it */
	assert_ptr_equal(one_holder(other, NULL, NZ__LEASE_EVERY_S * 1000 + 1000), other);
	nz__lease_stop(other);
	nz__lease_stop(NULL);

	for (const char *const *s = (const char *const[]){"", "-wal", "-shm", NULL}; *s; s++) {
		snprintf(p, sizeof p, "%s%s", path, *s);
		unlink(p);
	}
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_one_node_holds_and_the_other_takes_over),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
