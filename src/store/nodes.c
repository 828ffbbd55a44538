/*
 * nodes.c: the backend-neutral front of what several servers on one database coordinate
 * through (store.h, "nodes"): waiting for the change feed to move, and named leases that one
 * node holds at a time. Output pointers are set before anything can fail; arguments are
 * checked here, so a backend gets them as store_ops.h says.
 */
#include <string.h>

#include "store/store_int.h"

#define WAIT_MAX_MS 60000
#define LEASE_TTL_MAX 3600

nz_rc nz_store_changes_wait(nz_store *s, int64_t after_seq, int timeout_ms, int64_t *latest,
			    nz_err *err)
{
	*latest = after_seq;
	if (after_seq < 0 || timeout_ms < 0 || timeout_ms > WAIT_MAX_MS)
		return nz_err_set(err, NZ_INVAL,
				  "changes: a seq is never negative and a wait is 0 to %d ms",
				  WAIT_MAX_MS);
	return nz__store_changes_wait(s, after_seq, timeout_ms, latest, err);
}

static nz_rc check_lease(const char *name, const char *holder, nz_err *err)
{
	if (!name || !*name || !holder || !*holder)
		return nz_err_set(err, NZ_INVAL, "lease: a name and a holder are needed");
	return NZ_OK;
}

nz_rc nz_store_lease_acquire(nz_store *s, const char *name, const char *holder, int ttl_s,
			     bool *held, nz_err *err)
{
	*held = false;
	nz_rc rc = check_lease(name, holder, err);
	if (rc == NZ_OK && (ttl_s < 1 || ttl_s > LEASE_TTL_MAX))
		rc = nz_err_set(err, NZ_INVAL, "lease: a lease lasts 1 to %d seconds",
				LEASE_TTL_MAX);
	return rc ? rc : nz__store_lease_acquire(s, name, holder, ttl_s, held, err);
}

nz_rc nz_store_lease_release(nz_store *s, const char *name, const char *holder, nz_err *err)
{
	nz_rc rc = check_lease(name, holder, err);
	return rc ? rc : nz__store_lease_release(s, name, holder, err);
}
