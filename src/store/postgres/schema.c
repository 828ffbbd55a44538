/*
 * schema.c: the PostgreSQL schema as an ordered list of migrations, and the code that applies
 * them. The SQL itself is in schema_sql.c (tables) and schema_feed.c (change feed, outbox).
 *
 * Rules: a migration, once released, never changes; a schema change is a new entry at the end
 * of `migrations` (and its twin in sqlite/schema.c). The version lives in the schema_version
 * table (one row per applied step). Missing steps are applied in one transaction (PostgreSQL's
 * DDL is transactional), under an advisory lock, and the version is read again once the lock
 * is held, so of two nodes starting together one migrates and the other finds it done. A
 * database newer than this program is refused rather than guessed at. PostgreSQL's version
 * numbers are its own: migration 1 is SQLite's 1 to 5 folded (schema_sql.c says why).
 */
#include <stdio.h>

#include "store/postgres/postgres_int.h"

/* migrations[v - 1] brings the schema from version v - 1 to v; its parts run in order. */
static const char *const migration_1[] = {
    nz__pg_1_tables,
    nz__pg_1_kept,
    nz__pg_1_feed_helpers,
    nz__pg_1_feed_articles,
    nz__pg_1_feed_catalog,
    nz__pg_1_outbox,
    NULL,
};
static const char *const migration_2[] = {nz__pg_2_nodes, NULL};
static const char *const migration_3[] = {nz__pg_3_renditions, NULL};
static const char *const migration_4[] = {nz__pg_4_import_items, NULL};
static const char *const migration_5[] = {nz__pg_5_hdata, NULL};
static const char *const migration_6[] = {nz__pg_6_pages, NULL};
static const char *const migration_7[] = {nz__pg_7_updated, NULL};
static const char *const migration_8[] = {nz__pg_8_live, NULL};
static const char *const migration_9[] = {nz__pg_9_front, NULL};
static const char *const migration_10[] = {nz__pg_10_profiles, NULL};
static const char *const migration_11[] = {nz__pg_11_section_names, NULL};
static const char *const migration_12[] = {nz__pg_12_focal, NULL};
static const char *const migration_13[] = {nz__pg_13_batch_feed, NULL};
static const char *const migration_14[] = {nz__pg_14_password_resets, NULL};
static const char *const migration_15[] = {nz__pg_15_desk, NULL};
static const char *const migration_16[] = {nz__pg_16_page_imports, NULL};
static const char *const migration_17[] = {nz__pg_17_reader_counts, NULL};
static const char *const migration_18[] = {nz__pg_18_media_revisions, NULL};
static const char *const migration_19[] = {nz__pg_19_related, NULL};
static const char *const migration_20[] = {nz__pg_20_media_uploader, NULL};
static const char *const migration_21[] = {nz__pg_21_live_kinds, NULL};
static const char *const migration_22[] = {nz__pg_22_search_stale, NULL};
static const char *const migration_23[] = {nz__pg_23_live_media, NULL};
static const char *const migration_24[] = {nz__pg_24_page_translations, NULL};
static const char *const migration_25[] = {nz__pg_25_listed, NULL};
static const char *const migration_26[] = {nz__pg_26_rank, NULL};
static const char *const migration_27[] = {nz__pg_27_postings, NULL};
static const char *const migration_28[] = {nz__pg_28_vocabulary, NULL};
static const char *const migration_29[] = {nz__pg_29_search_published, NULL};
static const char *const *const migrations[] = {
    migration_1,  migration_2,  migration_3,  migration_4,  migration_5,  migration_6,
    migration_7,  migration_8,  migration_9,  migration_10, migration_11, migration_12,
    migration_13, migration_14, migration_15, migration_16, migration_17, migration_18,
    migration_19, migration_20, migration_21, migration_22, migration_23, migration_24,
    migration_25, migration_26, migration_27, migration_28, migration_29};

#define LATEST ((int)(sizeof(migrations) / sizeof(migrations[0])))

int nz__pg_schema_latest(void)
{
	return LATEST;
}

/* The applied version of the current schema: 0 when it holds no table at all; NZ_INVAL when it
 * holds tables but no schema_version (someone else's). */
static nz_rc current_version(PGconn *conn, int64_t *version, nz_err *err)
{
	int64_t has_table = 0, n_tables = 0;
	nz_rc rc;

	*version = 0;
	if ((rc =
		 nz__pg_int(conn,
			    "SELECT count(*) FROM pg_tables"
			    " WHERE schemaname = current_schema() AND tablename = 'schema_version'",
			    0, NULL, &has_table, "database: reading the schema", err)) ||
	    (rc = nz__pg_int(
		 conn,
		 "SELECT count(*) FROM pg_class c"
		 " JOIN pg_namespace n ON n.oid = c.relnamespace"
		 " WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p', 'v', 'm', 'f')",
		 0, NULL, &n_tables, "database: reading the schema", err)))
		return rc;
	if (!has_table)
		return n_tables ? nz_err_set(err, NZ_INVAL,
					     "database: this PostgreSQL schema holds other tables "
					     "and is not a Newszone database")
				: NZ_OK;
	rc = nz__pg_int(conn, "SELECT COALESCE(max(version), 0) FROM schema_version", 0, NULL,
			version, "database: reading the schema version", err);
	return rc == NZ_NOTFOUND ? NZ_OK : rc;
}

static nz_rc check_version(int64_t version, nz_err *err)
{
	if (version > LATEST)
		return nz_err_set(err, NZ_UNSUPPORTED,
				  "database: schema version %lld is newer than this program knows "
				  "(%d); use a newer newszone",
				  (long long)version, LATEST);
	return NZ_OK;
}

/* Runs one migration's parts and records it; inside the caller's transaction. */
static nz_rc apply_one(PGconn *conn, int v, nz_err *err)
{
	char what[64], version[16], now[24];
	const char *params[] = {version, now};
	PGresult *res = NULL;
	nz_rc rc = NZ_OK;

	snprintf(what, sizeof(what), "database: migration %d", v);
	for (const char *const *part = migrations[v - 1]; *part; part++)
		if ((rc = nz__pg_exec(conn, *part, what, err)))
			return rc;
	snprintf(version, sizeof(version), "%d", v);
	snprintf(now, sizeof(now), "%lld", (long long)nz_time_now());
	res = PQexecParams(conn, "INSERT INTO schema_version(version, applied_at) VALUES ($1, $2)",
			   2, NULL, params, NULL, NULL, 0);
	if (PQresultStatus(res) != PGRES_COMMAND_OK)
		rc = nz__pg_error(conn, res, what, err);
	PQclear(res);
	return rc;
}

/* Takes the migration lock, reads the version again and applies what is missing; inside the
 * caller's transaction, which the lock lasts for. */
static nz_rc migrate_locked(PGconn *conn, int64_t *version, nz_err *err)
{
	nz_rc rc = nz__pg_exec(conn, "SELECT " NZ__PG_XACT_LOCK(NZ__PG_LOCK_MIGRATE),
			       "database: waiting for another node's migration", err);

	if (rc || (rc = current_version(conn, version, err)) || (rc = check_version(*version, err)))
		return rc;
	if ((rc = nz__pg_exec(conn,
			      "CREATE TABLE IF NOT EXISTS schema_version ("
			      " version INTEGER PRIMARY KEY,"
			      " applied_at BIGINT NOT NULL)",
			      "database: creating schema_version", err)))
		return rc;
	for (int v = (int)*version + 1; v <= LATEST; v++)
		if ((rc = apply_one(conn, v, err)))
			return rc;
	return NZ_OK;
}

nz_rc nz__pg_migrate(PGconn *conn, bool readonly, int *version_out, nz_err *err)
{
	int64_t version = 0;
	nz_rc rc;

	if (PQtransactionStatus(conn) != PQTRANS_IDLE)
		return nz_err_set(err, NZ_INVAL, "database: migrating inside a transaction");
	if ((rc = current_version(conn, &version, err)) || (rc = check_version(version, err)))
		return rc;
	if (version < LATEST && readonly)
		return nz_err_set(
		    err, NZ_PERM,
		    "database: schema version %lld needs migrating to %d; open it once "
		    "without read-only",
		    (long long)version, LATEST);
	if (version < LATEST) {
		if ((rc = nz__pg_exec(conn, "BEGIN", "database: migrating", err)))
			return rc;
		rc = migrate_locked(conn, &version, err);
		if (rc == NZ_OK)
			rc = nz__pg_exec(conn, "COMMIT", "database: committing the migration", err);
		if (rc != NZ_OK && PQtransactionStatus(conn) != PQTRANS_IDLE)
			PQclear(PQexec(conn, "ROLLBACK"));
		if (rc)
			return rc;
	}
	*version_out = LATEST;
	return NZ_OK;
}
