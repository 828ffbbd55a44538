/*
 * core/nap.c: a thread's nap that a stop request cuts short (see nap.h).
 *
 * Rules: times are on CLOCK_MONOTONIC, so a change of the wall clock neither lengthens nor
 * shortens a nap.
 */
#include "core/nap.h"

void nz_deadline_ms(struct timespec *until, int64_t ms)
{
	clock_gettime(CLOCK_MONOTONIC, until);
	until->tv_sec += ms / 1000;
	until->tv_nsec += (long)(ms % 1000) * 1000000L;
	if (until->tv_nsec >= 1000000000L) {
		until->tv_sec++;
		until->tv_nsec -= 1000000000L;
	}
}

bool nz_nap(pthread_mutex_t *lock, pthread_cond_t *wake, const bool *stop, int64_t ms)
{
	struct timespec until;
	nz_deadline_ms(&until, ms);
	pthread_mutex_lock(lock);
	while (!*stop && pthread_cond_timedwait(wake, lock, &until) == 0)
		;
	bool go_on = !*stop;
	pthread_mutex_unlock(lock);
	return go_on;
}
