/*
 * Tests for jobs/jobs: the workers start together on a database and stop together, and a
 * database that cannot be opened fails the start with nothing left running; the related-lists
 * worker runs at nice 19 (its round at start reads every article: the page renders of those
 * seconds must not wait for it), and it alone.
 */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "jobs/jobs.h"
#include "store/store.h"

/* How many threads of this process run at nice 19. */
static int nice19_threads(void)
{
	DIR *d = opendir("/proc/self/task");
	struct dirent *e;
	int n = 0;
	assert_non_null(d);
	while ((e = readdir(d)))
		if (e->d_name[0] != '.' && getpriority(PRIO_PROCESS, (id_t)atoi(e->d_name)) == 19)
			n++;
	closedir(d);
	return n;
}

static void test_start_stop(void **state)
{
	(void)state;
	char dir[] = "/tmp/nz-jobs-XXXXXX", path[64], p[80];
	nz_store *store = NULL;
	nz_jobs *jobs = NULL;
	nz_err err = {0};
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/news.db", dir);
	assert_int_equal(nz_store_open(path, NZ_STORE_CREATE, &store, &err), NZ_OK);
	nz_store_close(store);

	assert_int_equal(nz_jobs_start(&(nz_jobs_opts){.db_uri = path}, &jobs, &err), NZ_OK);
	assert_non_null(jobs);
	/* The worker lowers itself as it starts: wait for that (at most 5 s), then count again
	 * (unless this test itself runs at nice 19: then every thread does). */
	if (getpriority(PRIO_PROCESS, 0) < 19) {
		for (int i = 0; i < 500 && nice19_threads() == 0; i++)
			nanosleep(&(struct timespec){.tv_nsec = 10000000}, NULL);
		assert_int_equal(nice19_threads(), 1);
	}
	nz_jobs_stop(jobs);
	nz_jobs_stop(NULL);

	for (const char *const *s = (const char *const[]){"", "-wal", "-shm", NULL}; *s; s++) {
		snprintf(p, sizeof p, "%s%s", path, *s);
		unlink(p);
	}
	rmdir(dir);
}

static void test_start_fails_without_database(void **state)
{
	(void)state;
	nz_jobs *jobs = (nz_jobs *)&jobs;
	nz_err err = {0};
	nz_rc rc =
	    nz_jobs_start(&(nz_jobs_opts){.db_uri = "/nonexistent/dir/news.db"}, &jobs, &err);
	assert_int_not_equal(rc, NZ_OK);
	assert_null(jobs);
	assert_true(err.msg[0] != '\0');
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_start_stop),
	    cmocka_unit_test(test_start_fails_without_database),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
