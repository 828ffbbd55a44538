/*
 * live.c: what both backends do after saving a live update (store.h, "live coverage"): the
 * update as the caller then holds it, or why an edit saved nothing. The SQL itself is store_int.h's
 * NZ__LIVE_* macros.
 */
#include "store/store_int.h"

void nz__store_live_saved(nz_live_update *u, int64_t returned, int64_t actor, nz_time now)
{
	if (!u->id) { /* an insert returned the new id */
		u->id = returned;
		u->created_at = now;
		u->revision = 0;
		u->actor = actor;
	} else { /* an edit returned when the update was first posted */
		u->created_at = returned;
	}
	u->revision++;
	u->updated_at = now;
}

nz_rc nz__store_live_unsaved(const nz_live_update *u, nz_rc rc, int64_t current, nz_err *err)
{
	if (rc == NZ_NOTFOUND)
		return nz_err_set(err, rc, "no update %lld in this live coverage",
				  (long long)u->id);
	if (rc)
		return rc;
	return nz_err_set(err, NZ_CONFLICT,
			  "update %lld: saved by someone else since revision %lld (now %lld); "
			  "reload it",
			  (long long)u->id, (long long)u->revision, (long long)current);
}
