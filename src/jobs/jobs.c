/*
 * jobs/jobs: starts and stops the background workers together (jobs.h), with the lease that
 * lets one node of several run them (lease.c). The order matters only on failure: whatever
 * started is stopped again before the error is returned.
 */
#include <stdlib.h>

#include "jobs/jobs_int.h"

struct nz_jobs {
	nz__lease *lease;         /* the workers run on the node holding it */
	nz__scheduler *scheduler; /* publishes scheduled articles on time */
	nz__deliverer *deliverer; /* sends webhooks and purges */
	nz__renderer *renderer;   /* makes new photos' renditions */
	nz__wirer *wirer;         /* polls the wire feeds */
	nz__relater *relater;     /* keeps the related-article lists current */
};

nz_rc nz_jobs_start(const nz_jobs_opts *opts, nz_jobs **out, nz_err *err)
{
	*out = NULL;
	nz_jobs *j = calloc(1, sizeof *j);
	if (!j)
		return nz_err_set(err, NZ_NOMEM, "out of memory");
	nz_rc rc = nz__lease_start(opts->db_uri, NZ__LEASE_NAME, &j->lease, err);
	if (rc == NZ_OK)
		rc = nz__scheduler_start(opts->db_uri, j->lease, &j->scheduler, err);
	if (rc == NZ_OK)
		rc = nz__deliverer_start(opts->db_uri, j->lease, &j->deliverer, err);
	if (rc == NZ_OK)
		rc = nz__renderer_start(opts->db_uri, j->lease, &j->renderer, err);
	if (rc == NZ_OK)
		rc = nz__wirer_start(opts->db_uri, j->lease, &j->wirer, err);
	if (rc == NZ_OK)
		rc = nz__relater_start(opts->db_uri, j->lease, &j->relater, err);
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
	nz__renderer_stop(j->renderer);
	nz__wirer_stop(j->wirer);
	nz__relater_stop(j->relater);
	nz__lease_stop(j->lease); /* last: releases it, so another node takes over at once */
	free(j);
}
