/*
 * conn.c: opening a PostgreSQL connection from a libpq connection string, and PostgreSQL's
 * errors as nz_rc.
 *
 * Rules: libpq parses the string (every parameter it knows is honoured, and its environment
 * variables too); this file only adds defaults the string may override (an application name,
 * a connect timeout, a statement timeout for a server's handles), checks what the schema needs
 * of the server, and sets the session up. Nothing here prints: libpq's notices (such as
 * "relation already exists, skipping") are dropped, errors go into nz_err.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/postgres/postgres_int.h"

/* SQLSTATE classes and codes that mean something to the callers; the rest is NZ_DB. */
static nz_rc rc_of_sqlstate(const char *state)
{
	static const struct {
		const char *prefix;
		nz_rc rc;
	} map[] = {
	    {"23505", NZ_EXISTS}, /* unique_violation */
	    {"23", NZ_INVAL},    /* the other integrity violations: CHECK, FK, NOT NULL, triggers */
	    {"22", NZ_INVAL},    /* data exceptions: a value out of range, bad encoding */
	    {"53200", NZ_NOMEM}, /* out_of_memory */
	    {"53100", NZ_IO},    /* disk_full */
	    {"54", NZ_TOOBIG},   /* program_limit_exceeded */
	    {"08", NZ_IO},       /* connection exceptions */
	    {"57P", NZ_IO},      /* the server is shutting down or starting */
	    {"57014", NZ_IO},    /* query_canceled: the statement timeout (its message says so); a
				  * server answers 503 and replaces the connection */
	    {"28", NZ_PERM},     /* invalid authorization */
	    {"42501", NZ_PERM},  /* insufficient_privilege */
	    {"25006", NZ_PERM},  /* read_only_sql_transaction (a standby, or read-only mode) */
	};
	for (size_t i = 0; state && i < sizeof(map) / sizeof(map[0]); i++)
		if (strncmp(state, map[i].prefix, strlen(map[i].prefix)) == 0)
			return map[i].rc;
	return NZ_DB;
}

nz_rc nz__pg_error(PGconn *conn, const PGresult *res, const char *what, nz_err *err)
{
	const char *msg = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : NULL;
	const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
	nz_rc rc = rc_of_sqlstate(state);

	if (!msg || !*msg)
		msg = conn ? PQerrorMessage(conn) : "";
	if (!conn || PQstatus(conn) != CONNECTION_OK)
		rc = NZ_IO; /* the connection is gone, whatever the result says */
	if (!*msg)
		msg = "out of memory or no connection";
	size_t len = strlen(msg);
	while (len && (msg[len - 1] == '\n' || msg[len - 1] == ' '))
		len--; /* libpq's messages end with a newline */
	return nz_err_set(err, rc, "%s: %.*s", what, (int)len, msg);
}

nz_rc nz__pg_exec(PGconn *conn, const char *sql, const char *what, nz_err *err)
{
	PGresult *res = PQexec(conn, sql);
	ExecStatusType st = PQresultStatus(res);
	nz_rc rc = NZ_OK;

	if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK)
		rc = nz__pg_error(conn, res, what, err);
	PQclear(res);
	return rc;
}

nz_rc nz__pg_int(PGconn *conn, const char *sql, int n, const char *const *params, int64_t *out,
		 const char *what, nz_err *err)
{
	PGresult *res = PQexecParams(conn, sql, n, NULL, params, NULL, NULL, 0);
	nz_rc rc = NZ_OK;

	if (PQresultStatus(res) != PGRES_TUPLES_OK)
		rc = nz__pg_error(conn, res, what, err);
	else if (PQntuples(res) < 1 || PQnfields(res) < 1 || PQgetisnull(res, 0, 0))
		rc = NZ_NOTFOUND;
	else
		*out = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
	PQclear(res);
	return rc;
}

static void drop_notice(void *arg, const char *message)
{
	(void)arg;
	(void)message;
}

nz_rc nz__pg_statement_timeout(PGconn *conn, int ms, nz_err *err)
{
	/* only when the session has none: the URI's options, the role or the database may set
	 * their own */
	char value[32];
	const char *params[] = {value};
	int64_t ignored = 0;
	snprintf(value, sizeof(value), "%dms", ms);
	return nz__pg_int(conn,
			  "SELECT CASE WHEN current_setting('statement_timeout') = '0'"
			  " THEN length(set_config('statement_timeout', $1, false)) ELSE 0 END",
			  1, params, &ignored, "database: setting the statement timeout", err);
}

/* What the schema needs of the server, and the session's settings. */
static nz_rc set_up(PGconn *conn, int statement_timeout_ms, nz_err *err)
{
	const char *encoding = PQparameterStatus(conn, "server_encoding");
	int version = PQserverVersion(conn);

	if (version < NZ__PG_MIN_SERVER)
		return nz_err_set(
		    err, NZ_UNSUPPORTED,
		    "database: PostgreSQL %d.%d is too old; Newszone needs %d or newer",
		    version / 10000, version % 10000, NZ__PG_MIN_SERVER / 10000);
	if (!encoding || strcmp(encoding, "UTF8") != 0)
		return nz_err_set(err, NZ_UNSUPPORTED,
				  "database: its encoding is %s; Newszone needs a UTF8 database "
				  "(createdb --encoding=UTF8 --template=template0)",
				  encoding ? encoding : "unknown");
	if (PQsetClientEncoding(conn, "UTF8") != 0)
		return nz__pg_error(conn, NULL, "database: setting the client encoding", err);
	if (statement_timeout_ms > 0)
		return nz__pg_statement_timeout(conn, statement_timeout_ms, err);
	return NZ_OK;
}

nz_rc nz__pg_connect(const char *conninfo, int statement_timeout_ms, PGconn **out, nz_err *err)
{
	/* expand_dbname: "dbname" is the whole connection string, whose parameters override the
	 * ones before it (libpq keeps the last value of a key), so the connect timeout is only a
	 * default; the fallback name applies only when the string sets no application_name. */
	const char *const keys[] = {"connect_timeout", "dbname", "fallback_application_name", NULL};
	const char *const values[] = {NZ__PG_CONNECT_TIMEOUT_S, conninfo, "newszone", NULL};
	const char *env_timeout = getenv("PGCONNECT_TIMEOUT");
	int skip = env_timeout && *env_timeout ? 1 : 0; /* the environment's, then */
	PGconn *conn = NULL;
	nz_rc rc = NZ_OK;

	*out = NULL;
	conn = PQconnectdbParams(keys + skip, values + skip, 1);
	if (!conn) {
		rc = nz_err_set(err, NZ_NOMEM, "database: connecting: out of memory");
		goto out;
	}
	if (PQstatus(conn) != CONNECTION_OK) {
		rc = nz__pg_error(conn, NULL, "database: connecting to PostgreSQL", err);
		goto out;
	}
	PQsetNoticeProcessor(conn, drop_notice, NULL);
	if ((rc = set_up(conn, statement_timeout_ms, err)))
		goto out;
	*out = conn;
	conn = NULL;
out:
	PQfinish(conn);
	return rc;
}
