/*
 * jobs/worker: the thread every periodic worker of jobs/ runs on (the scheduler, the lease):
 * started with its function, napping between rounds, woken at once when stopped.
 *
 * Rules: naps use the monotonic clock (a wall-clock jump neither wakes nor stalls a worker);
 * stopping waits for the round in progress to finish.
 */
#include <time.h>

#include "core/nap.h"
#include "jobs/jobs_int.h"

nz_rc nz__worker_start(nz__worker *w, void *(*run)(void *), void *arg, const char *what,
		       nz_err *err)
{
	pthread_condattr_t attr;
	w->stop = false;
	pthread_mutex_init(&w->lock, NULL);
	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(&w->wake, &attr);
	pthread_condattr_destroy(&attr);
	if (pthread_create(&w->thread, NULL, run, arg) != 0) {
		pthread_cond_destroy(&w->wake);
		pthread_mutex_destroy(&w->lock);
		return nz_err_set(err, NZ_NOMEM, "%s: cannot start its thread", what);
	}
	return NZ_OK;
}

bool nz__worker_nap(nz__worker *w, int64_t ms)
{
	return nz_nap(&w->lock, &w->wake, &w->stop, ms);
}

void nz__worker_stop(nz__worker *w)
{
	pthread_mutex_lock(&w->lock);
	w->stop = true;
	pthread_cond_signal(&w->wake);
	pthread_mutex_unlock(&w->lock);
	pthread_join(w->thread, NULL);
	pthread_cond_destroy(&w->wake);
	pthread_mutex_destroy(&w->lock);
}
