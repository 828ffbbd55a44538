/*
 * jobs/jobs: starts and stops the background workers together (jobs.h). The order matters
 * only on failure: whatever started is stopped again before the error is returned.
 */
#include <stdlib.h>

#include "jobs/jobs_int.h"

struct nz_jobs {
	nz__scheduler *scheduler; /* publishes scheduled articles on time */
	nz__deliverer *deliverer; /* sends webhooks and purges */
};

nz_rc nz_jobs_start(const nz_jobs_opts *opts, nz_jobs **out, nz_err *err)
{
	*out = NULL;
	nz_jobs *j = calloc(1, sizeof *j);
	if (!j)
		return nz_err_set(err, NZ_NOMEM, "out of memory");
	nz_rc rc = nz__scheduler_start(opts->db_uri, &j->scheduler, err);
	if (rc == NZ_OK)
		rc = nz__deliverer_start(opts->db_uri, &j->deliverer, err);
	if (rc != NZ_OK) {
		nz_jobs_stop(j);
		return rc;
	}
	*out = j;
	return NZ_OK;
}

void nz_jobs_stop(nz_jobs *j)
{
	if (!j)
		return;
	nz__scheduler_stop(j->scheduler);
	nz__deliverer_stop(j->deliverer);
	free(j);
}
