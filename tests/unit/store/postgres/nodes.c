/*
 * Tests src/store/postgres/nodes.c against a real server, for what only PostgreSQL has: a
 * commit NOTIFYs the waiting handle (it wakes long before its timeout, and only for its own
 * database's feed rows), a wait inside a transaction is refused, and a connection the server
 * ends makes the wait answer NZ_IO and marks the handle failed (nz_store_failed), so the server
 * opens another.
 */
#include <time.h>

#include "store/postgres/pg_test.h"

static nz_store *open_store(pg_fixture *f)
{
	nz_store *s = NULL;
	if (nz__pg_open(f->conninfo, NZ_STORE_CREATE, &s, &f->err) != NZ_OK)
		fail_msg("open: %s", f->err.msg);
	return s;
}

static int64_t mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void test_a_commit_wakes_the_wait(void **state)
{
	pg_fixture *f = *state;
	nz_store *s = open_store(f);
	int64_t head = -1, latest = -1;

	assert_int_equal(nz_store_changes_wait(s, 0, 0, &head, &f->err), NZ_OK);
	/* listening now; a settings row written behind the back adds a feed row and NOTIFYs */
	assert_int_equal(nz_store_changes_wait(s, head, 0, &latest, &f->err), NZ_OK);
	pg_ok(f->conn, "INSERT INTO settings(key, value) VALUES ('name', 'Elsewhere')");
	int64_t t0 = mono_ms();
	assert_int_equal(nz_store_changes_wait(s, head, 10000, &latest, &f->err), NZ_OK);
	int64_t took = mono_ms() - t0;
	assert_true(latest > head);
	assert_true(took < 5000); /* woken, not timed out */
	printf("# woken %lld ms after the commit\n", (long long)took);

	/* a notification that does not move this feed (a NOTIFY by hand) only makes it look */
	pg_ok(f->conn, "NOTIFY nz_changes, '999999'");
	assert_int_equal(nz_store_changes_wait(s, latest, 200, &head, &f->err), NZ_OK);
	assert_int_equal(head, latest);

	assert_int_equal(nz_store_begin(s, &f->err), NZ_OK);
	assert_int_equal(nz_store_changes_wait(s, latest, 10, &head, &f->err), NZ_INVAL);
	nz_store_rollback(s);
	nz_store_close(s);
}

static void test_a_lost_connection_fails_the_handle(void **state)
{
	pg_fixture *f = *state;
	nz_store *s = open_store(f);
	int64_t head = -1;
	char sql[256];

	assert_int_equal(nz_store_changes_wait(s, 0, 0, &head, &f->err), NZ_OK);
	assert_false(nz_store_failed(s));
	snprintf(sql, sizeof sql,
		 "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
		 " WHERE datname = '%s' AND pid <> pg_backend_pid()",
		 f->name);
	pg_ok(f->conn, sql);
	assert_int_equal(nz_store_changes_wait(s, head, 2000, &head, &f->err), NZ_IO);
	assert_true(nz_store_failed(s));
	nz_store_close(s);

	s = open_store(f); /* what the server does next: another handle */
	assert_int_equal(nz_store_changes_wait(s, 0, 0, &head, &f->err), NZ_OK);
	assert_false(nz_store_failed(s));
	nz_store_close(s);
}

int main(void)
{
	if (pg_test_require_server("store/postgres/nodes"))
		return 1;
#define T(fn) cmocka_unit_test_setup_teardown(fn, pg_fixture_setup, pg_fixture_teardown)
	const struct CMUnitTest tests[] = {
	    T(test_a_commit_wakes_the_wait),
	    T(test_a_lost_connection_fails_the_handle),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
