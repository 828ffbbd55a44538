/*
 * core/nap.h: a thread's nap that a stop request cuts short (a condition-variable timed wait
 * on the monotonic clock).
 *
 * Rules: the condition variable must use CLOCK_MONOTONIC (pthread_condattr_setclock); whoever
 * stops the thread sets the flag under the same mutex and signals the condition.
 */
#ifndef NZ_CORE_NAP_H
#define NZ_CORE_NAP_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <time.h>

/* *until = the monotonic clock now plus ms milliseconds (for pthread_cond_timedwait). */
void nz_deadline_ms(struct timespec *until, int64_t ms);

/* Sleeps ms milliseconds, or until *stop is set (read under lock) and wake signalled; true
 * when the thread should go on (*stop still false). */
bool nz_nap(pthread_mutex_t *lock, pthread_cond_t *wake, const bool *stop, int64_t ms);

#endif
