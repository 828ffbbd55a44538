/*
 * Tests for store/nodes.c and store/sqlite/nodes.c, the store's part in running several servers
 * on one database: a wait on the change feed returns at once when the feed is past the given
 * position, comes back with the new position when another handle writes meanwhile, and times
 * out with the old one; a lease has one holder at a time, is renewed by its holder, taken over
 * once it expired, and freed on release; arguments out of range are refused.
 */
#include <pthread.h>
#include <time.h>

#include "store/store_test.h"

/* The feed's head, as a wait that does not wait reads it. */
static int64_t seq_now(fixture *f)
{
	int64_t seq = -1;
	assert_int_equal(nz_store_changes_wait(f->store, 0, 0, &seq, &f->err), NZ_OK);
	return seq;
}

static int64_t mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Another handle (as another node would) changes a setting after a short delay. */
static void *write_later(void *arg)
{
	fixture *f = arg;
	nz_store *other = NULL;
	nz_err err = {0};
	nanosleep(&(struct timespec){.tv_nsec = 60 * 1000000L}, NULL);
	if (nz_store_open(f->path, 0, &other, &err) == NZ_OK)
		nz_store_setting_set(other, "name", "Elsewhere", &err);
	nz_store_close(other);
	return NULL;
}

static void test_wait_returns_when_another_handle_writes(void **state)
{
	fixture *f = *state;
	int64_t seen = seq_now(f), latest = -1;

	/* nothing comes: the timeout, with the old position */
	int64_t t0 = mono_ms();
	assert_int_equal(nz_store_changes_wait(f->store, seen, 50, &latest, &f->err), NZ_OK);
	assert_int_equal(latest, seen);
	assert_true(mono_ms() - t0 >= 50);

	/* a write on another handle ends the wait with the new position */
	pthread_t writer;
	assert_int_equal(pthread_create(&writer, NULL, write_later, f), 0);
	assert_int_equal(nz_store_changes_wait(f->store, seen, 10000, &latest, &f->err), NZ_OK);
	pthread_join(writer, NULL);
	assert_true(latest > seen);
	assert_int_equal(latest, seq_now(f));
	printf("# the wait came back %lld ms after it began (the write came after 60)\n",
	       (long long)(mono_ms() - t0 - 50));

	/* already past: at once */
	assert_int_equal(nz_store_changes_wait(f->store, seen, 0, &latest, &f->err), NZ_OK);
	assert_int_equal(latest, seq_now(f));

	assert_int_equal(nz_store_changes_wait(f->store, -1, 10, &latest, &f->err), NZ_INVAL);
	assert_int_equal(nz_store_changes_wait(f->store, 0, 60001, &latest, &f->err), NZ_INVAL);
}

static void test_one_holder_at_a_time(void **state)
{
	fixture *f = *state;
	bool held = false;

	assert_int_equal(nz_store_lease_acquire(f->store, "jobs", "a", 60, &held, &f->err), NZ_OK);
	assert_true(held);
	assert_int_equal(nz_store_lease_acquire(f->store, "jobs", "b", 60, &held, &f->err), NZ_OK);
	assert_false(held);
	/* the holder renews; another name is another lease */
	assert_int_equal(nz_store_lease_acquire(f->store, "jobs", "a", 60, &held, &f->err), NZ_OK);
	assert_true(held);
	assert_int_equal(nz_store_lease_acquire(f->store, "other", "b", 60, &held, &f->err), NZ_OK);
	assert_true(held);
	assert_int_equal(db_int(f, "SELECT count(*) FROM leases"), 2);

	/* released by someone else: nothing; by the holder: free for the next */
	assert_int_equal(nz_store_lease_release(f->store, "jobs", "b", &f->err), NZ_OK);
	assert_int_equal(nz_store_lease_acquire(f->store, "jobs", "b", 60, &held, &f->err), NZ_OK);
	assert_false(held);
	assert_int_equal(nz_store_lease_release(f->store, "jobs", "a", &f->err), NZ_OK);
	assert_int_equal(nz_store_lease_acquire(f->store, "jobs", "b", 60, &held, &f->err), NZ_OK);
	assert_true(held);
}

static void test_an_expired_lease_is_taken_over(void **state)
{
	fixture *f = *state;
	bool held = false;

	assert_int_equal(nz_store_lease_acquire(f->store, "jobs", "a", 1, &held, &f->err), NZ_OK);
	assert_true(held);
	/* the holder died: its lease ran out (moved into the past behind the store's back) */
	assert_int_equal(db_exec(f, "UPDATE leases SET expires_at = expires_at - 5"), SQLITE_OK);
	assert_int_equal(nz_store_lease_acquire(f->store, "jobs", "b", 6, &held, &f->err), NZ_OK);
	assert_true(held);
	assert_int_equal(nz_store_lease_acquire(f->store, "jobs", "a", 6, &held, &f->err), NZ_OK);
	assert_false(held);
}

static void test_lease_arguments_are_checked(void **state)
{
	fixture *f = *state;
	bool held = true;

	assert_int_equal(nz_store_lease_acquire(f->store, "", "a", 6, &held, &f->err), NZ_INVAL);
	assert_false(held);
	assert_int_equal(nz_store_lease_acquire(f->store, "jobs", NULL, 6, &held, &f->err),
			 NZ_INVAL);
	assert_int_equal(nz_store_lease_acquire(f->store, "jobs", "a", 0, &held, &f->err),
			 NZ_INVAL);
	assert_int_equal(nz_store_lease_acquire(f->store, "jobs", "a", 3601, &held, &f->err),
			 NZ_INVAL);
	assert_int_equal(nz_store_lease_release(f->store, "jobs", "", &f->err), NZ_INVAL);
	assert_int_equal(db_int(f, "SELECT count(*) FROM leases"), 0);
}

/* A database that is no replica (SQLite, a PostgreSQL primary) is never behind. */
static void test_a_primary_has_no_replica_lag(void **state)
{
	fixture *f = *state;
	int64_t lag = -1;
	assert_int_equal(nz_store_replica_lag(f->store, &lag, &f->err), NZ_OK);
	assert_int_equal(lag, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_wait_returns_when_another_handle_writes,
					    fixture_setup, fixture_teardown),
	    cmocka_unit_test_setup_teardown(test_one_holder_at_a_time, fixture_setup,
					    fixture_teardown),
	    cmocka_unit_test_setup_teardown(test_an_expired_lease_is_taken_over, fixture_setup,
					    fixture_teardown),
	    cmocka_unit_test_setup_teardown(test_lease_arguments_are_checked, fixture_setup,
					    fixture_teardown),
	    cmocka_unit_test_setup_teardown(test_a_primary_has_no_replica_lag, fixture_setup,
					    fixture_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
