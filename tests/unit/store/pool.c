/*
 * Tests src/store/pool.c on either backend (a contract test: `make test-pg` runs it on
 * PostgreSQL too): the pool never lends more handles than its size, a request past that waits
 * at most its wait and then gets NZ_TOOBIG rather than hanging, a handle given back goes to a
 * waiting request at once and is reused (not opened again), and the counters say so.
 */
#include <pthread.h>
#include <time.h>

#include "store/pool.h"
#include "store/store_test.h"

static int64_t mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static nz_store_pool *new_pool(fixture *f, unsigned size, unsigned wait_ms)
{
	nz_store_pool *p = NULL;
	nz_store_pool_opts o = {
	    .uri = f->path, .flags = NZ_STORE_SERVER, .size = size, .wait_ms = wait_ms};
	if (nz_store_pool_new(&o, &p, &f->err) != NZ_OK)
		fail_msg("pool: %s", f->err.msg);
	return p;
}

static void test_the_pool_is_bounded_and_a_request_past_it_waits_then_fails(void **state)
{
	fixture *f = *state;
	nz_store_pool *p = new_pool(f, 2, 150);
	nz_store *a = NULL, *b = NULL, *c = NULL;
	nz_store_pool_stats st;

	assert_int_equal(nz_store_pool_get(p, &a, &f->err), NZ_OK);
	assert_int_equal(nz_store_pool_get(p, &b, &f->err), NZ_OK);
	assert_ptr_not_equal(a, b);
	nz_site site;
	assert_int_equal(nz_store_site_load(b, f->arena, &site, &f->err), NZ_OK);

	int64_t t0 = mono_ms();
	assert_int_equal(nz_store_pool_get(p, &c, &f->err), NZ_TOOBIG);
	int64_t waited = mono_ms() - t0;
	assert_null(c);
	assert_true(waited >= 140);
	assert_true(waited < 3000);
	assert_non_null(strstr(f->err.msg, "all 2 connections stayed busy for 150 ms"));
	nz_store_pool_stats_get(p, &st);
	assert_int_equal(st.size, 2);
	assert_int_equal(st.open, 2);
	assert_int_equal(st.lent, 2);
	assert_int_equal(st.timeouts, 1);

	/* one comes back: the next request gets that very handle, nothing new is opened */
	nz_store_pool_put(p, a);
	assert_int_equal(nz_store_pool_get(p, &c, &f->err), NZ_OK);
	assert_ptr_equal(c, a);
	nz_store_pool_put(p, b);
	nz_store_pool_put(p, c);
	nz_store_pool_stats_get(p, &st);
	assert_int_equal(st.open, 2);
	assert_int_equal(st.lent, 0);
	assert_int_equal(st.reopened, 0);
	nz_store_pool_free(p);
}

typedef struct {
	nz_store_pool *pool;
	nz_store *handle;
} giver;

static void *give_back_later(void *arg)
{
	giver *g = arg;
	nanosleep(&(struct timespec){.tv_nsec = 100 * 1000000L}, NULL);
	nz_store_pool_put(g->pool, g->handle);
	return NULL;
}

static void test_a_waiting_request_gets_the_handle_given_back(void **state)
{
	fixture *f = *state;
	nz_store_pool *p = new_pool(f, 1, 10000);
	nz_store *a = NULL, *b = NULL;
	pthread_t t;

	assert_int_equal(nz_store_pool_get(p, &a, &f->err), NZ_OK);
	giver g = {p, a};
	assert_int_equal(pthread_create(&t, NULL, give_back_later, &g), 0);
	int64_t t0 = mono_ms();
	assert_int_equal(nz_store_pool_get(p, &b, &f->err), NZ_OK);
	int64_t waited = mono_ms() - t0;
	pthread_join(t, NULL);
	assert_ptr_equal(b, a);
	assert_true(waited >= 50);
	assert_true(waited < 5000); /* woken by the put, not by the 10 s wait running out */
	nz_store_pool_stats st;
	nz_store_pool_stats_get(p, &st);
	assert_int_equal(st.waits, 1);
	assert_int_equal(st.timeouts, 0);
	nz_store_pool_put(p, b);
	nz_store_pool_free(p);
}

static void test_sizes_are_checked_and_defaulted(void **state)
{
	fixture *f = *state;
	nz_store_pool *p = NULL;
	nz_store_pool_opts o = {.uri = f->path, .size = NZ_STORE_POOL_MAX + 1};
	assert_int_equal(nz_store_pool_new(&o, &p, &f->err), NZ_INVAL);
	assert_null(p);
	o.size = 0;
	assert_int_equal(nz_store_pool_new(&o, &p, &f->err), NZ_OK);
	nz_store_pool_stats st;
	nz_store_pool_stats_get(p, &st);
	assert_int_equal(st.size, nz_store_pool_size_default());
	assert_true(st.size >= 2);
	assert_int_equal(st.open, 1); /* one opened at once; the rest on demand */
	nz_store_pool_free(p);
}

/* serve --db-read's pool: nothing opened before the first request, and a database that is not
 * there is an error of that request (then of the backoff), not of the pool's making. */
static void test_a_lazy_pool_opens_on_the_first_request(void **state)
{
	fixture *f = *state;
	nz_store_pool *p = NULL;
	nz_store *s = NULL;
	nz_store_pool_stats st;
	nz_store_pool_opts o = {.uri = f->path, .size = 2, .lazy = true};
	assert_int_equal(nz_store_pool_new(&o, &p, &f->err), NZ_OK);
	nz_store_pool_stats_get(p, &st);
	assert_int_equal(st.open, 0);
	assert_int_equal(nz_store_pool_get(p, &s, &f->err), NZ_OK);
	nz_store_pool_stats_get(p, &st);
	assert_int_equal(st.open, 1);
	nz_store_pool_put(p, s);
	nz_store_pool_free(p);

	o.uri = "/nonexistent-folder/newszone.db"; /* SQLite: no such folder, no create flag */
	assert_int_equal(nz_store_pool_new(&o, &p, &f->err), NZ_OK);
	assert_int_not_equal(nz_store_pool_get(p, &s, &f->err), NZ_OK);
	assert_null(s);
	nz_store_pool_free(p);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, fixture_setup, fixture_teardown)
	const struct CMUnitTest tests[] = {
	    T(test_the_pool_is_bounded_and_a_request_past_it_waits_then_fails),
	    T(test_a_waiting_request_gets_the_handle_given_back),
	    T(test_sizes_are_checked_and_defaulted),
	    T(test_a_lazy_pool_opens_on_the_first_request),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
