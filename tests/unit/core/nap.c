/* Tests src/core/nap.c: the monotonic deadline, a nap that runs out, one a stop cuts short. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/nap.h"

static int64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

typedef struct napper {
	pthread_mutex_t lock;
	pthread_cond_t wake;
	bool stop;
} napper;

static void napper_init(napper *n)
{
	pthread_condattr_t attr;
	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_mutex_init(&n->lock, NULL);
	pthread_cond_init(&n->wake, &attr);
	pthread_condattr_destroy(&attr);
	n->stop = false;
}

static void napper_destroy(napper *n)
{
	pthread_cond_destroy(&n->wake);
	pthread_mutex_destroy(&n->lock);
}

static void test_deadline_carries_into_seconds(void **state)
{
	(void)state;
	struct timespec now, until;
	clock_gettime(CLOCK_MONOTONIC, &now);
	nz_deadline_ms(&until, 2999);
	assert_true(until.tv_nsec >= 0 && until.tv_nsec < 1000000000L);
	int64_t diff = ((int64_t)until.tv_sec - now.tv_sec) * 1000 +
		       ((int64_t)until.tv_nsec - now.tv_nsec) / 1000000;
	assert_true(diff >= 2999 && diff < 3100);
}

static void test_nap_runs_out(void **state)
{
	(void)state;
	napper n;
	napper_init(&n);
	int64_t t0 = now_ms();
	assert_true(nz_nap(&n.lock, &n.wake, &n.stop, 30));
	assert_true(now_ms() - t0 >= 29);
	napper_destroy(&n);
}

static void *stopper(void *arg)
{
	napper *n = arg;
	struct timespec d = {0, 20 * 1000000L};
	nanosleep(&d, NULL);
	pthread_mutex_lock(&n->lock);
	n->stop = true;
	pthread_cond_signal(&n->wake);
	pthread_mutex_unlock(&n->lock);
	return NULL;
}

static void test_stop_cuts_a_nap_short(void **state)
{
	(void)state;
	napper n;
	pthread_t t;
	napper_init(&n);
	int64_t t0 = now_ms();
	assert_int_equal(pthread_create(&t, NULL, stopper, &n), 0);
	assert_false(nz_nap(&n.lock, &n.wake, &n.stop, 60000));
	assert_true(now_ms() - t0 < 30000);
	pthread_join(t, NULL);
	/* Already stopped: no nap at all. */
	assert_false(nz_nap(&n.lock, &n.wake, &n.stop, 60000));
	napper_destroy(&n);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_deadline_carries_into_seconds),
	    cmocka_unit_test(test_nap_runs_out),
	    cmocka_unit_test(test_stop_cuts_a_nap_short),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
