/*
 * store.c: the backend-neutral core of the store. It picks a backend by URI and, from the lists
 * of store_ops.h, generates for every operation the read-only check and the call through the
 * backend's table: the whole public function of a PASS operation, the nz__store_<name> that the
 * hand-written public function of an OWN operation calls (in articles.c, catalog.c, ...).
 * It never speaks SQL.
 */
#include <string.h>

#include "store/store_int.h"

static bool has_prefix(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* A libpq key=value string: starts with one of the keys a connection string names first. */
static bool is_pg_keywords(const char *uri)
{
	static const char *const keys[] = {
	    "host=", "hostaddr=", "dbname=", "user=", "port=", "service="};
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (has_prefix(uri, keys[i]))
			return true;
	return false;
}

bool nz_store_uri_is_postgres(const char *uri)
{
	return uri && (has_prefix(uri, "postgres://") || has_prefix(uri, "postgresql://") ||
		       is_pg_keywords(uri));
}

static nz_store_progress_fn open_progress;
static void *open_progress_ctx;

void nz_store_set_open_progress(nz_store_progress_fn fn, void *ctx)
{
	open_progress = fn;
	open_progress_ctx = ctx;
}

nz_store_progress_fn nz__store_open_progress(void **ctx)
{
	*ctx = open_progress_ctx;
	return open_progress;
}

nz_rc nz_store_open(const char *uri, unsigned flags, nz_store **out, nz_err *err)
{
	*out = NULL;
	if (!uri || !*uri)
		return nz_err_set(err, NZ_INVAL, "database: no path or URI given");
	if (nz_store_uri_is_postgres(uri))
		return nz__pg_open(uri, flags, out, err);
	if (has_prefix(uri, "sqlite:"))
		uri += strlen("sqlite:");
	if (!*uri)
		return nz_err_set(err, NZ_INVAL, "database: sqlite: needs a file path");
	return nz__sqlite_open(uri, flags, out, err);
}

void nz_store_close(nz_store *s)
{
	if (s)
		s->ops->close(s);
}

int nz_store_schema_version(nz_store *s)
{
	return s ? s->schema_version : 0;
}

bool nz_store_failed(const nz_store *s)
{
	return s && s->failed;
}

/* Notes a lost connection or file for nz_store_failed. */
static nz_rc noted(nz_store *s, nz_rc rc)
{
	if (rc == NZ_IO)
		s->failed = true;
	return rc;
}

nz_rc nz_store_begin(nz_store *s, nz_err *err)
{
	return noted(s, s->ops->begin(s, err));
}

nz_rc nz_store_commit(nz_store *s, nz_err *err)
{
	return noted(s, s->ops->commit(s, err));
}

void nz_store_rollback(nz_store *s)
{
	s->ops->rollback(s);
}

nz_rc nz__store_writable(nz_store *s, const char *what, nz_err *err)
{
	if (s->flags & NZ_STORE_READONLY)
		return nz_err_set(err, NZ_PERM, "%s: the database was opened read-only", what);
	return NZ_OK;
}

/* Before every call through the table: the slot exists, and a write has a writable handle. */
static nz_rc guard(nz_store *s, bool has_slot, bool writes, const char *what, nz_err *err)
{
	if (!has_slot)
		return nz_err_set(err, NZ_UNSUPPORTED, "%s: the %s backend cannot do this yet",
				  what, s->ops->backend);
	return writes ? nz__store_writable(s, what, err) : NZ_OK;
}

#define NZ__WRITES_READ false
#define NZ__WRITES_WRITE true
#define NZ__STORE_NAME_PASS(name) nz_store_##name
#define NZ__STORE_NAME_OWN(name) nz__store_##name
#define NZ__STORE_DEFINE(access, front, name, params, args)                                        \
	nz_rc NZ__STORE_NAME_##front(name) params                                                  \
	{                                                                                          \
		nz_rc rc = guard(s, s->ops->name != NULL, NZ__WRITES_##access, #name, err);        \
		return rc ? rc : noted(s, s->ops->name args);                                      \
	}
NZ__STORE_OPS(NZ__STORE_DEFINE)
#undef NZ__STORE_DEFINE
