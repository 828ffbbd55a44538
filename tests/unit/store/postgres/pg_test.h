/*
 * pg_test.h: what the PostgreSQL backend's unit tests share: the server from NZ_PG_URI (set by
 * `make test-pg`, which starts a throwaway cluster with scripts/pg-cluster.sh), a fresh
 * database per test (created, then dropped), and helpers that read and write it through libpq
 * directly, behind the backend's back, to see what really got stored.
 *
 * Without NZ_PG_URI these tests fail on purpose (main calls pg_test_require_server): a test
 * that passes without running would hide a backend nobody tested.
 */
#ifndef NZ_TEST_PG_H
#define NZ_TEST_PG_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <libpq-fe.h>

#include "store/postgres/postgres_int.h"
#include "store/store.h"

typedef struct pg_fixture {
	char name[64];      /* the fresh database */
	char conninfo[512]; /* key=value connection string for it */
	PGconn *conn;       /* a plain libpq connection to it, for looking behind the back */
	nz_err err;
} pg_fixture;

static inline void pg_quiet(void *arg, const char *message)
{
	(void)arg;
	(void)message;
}

static inline const char *pg_test_uri(void)
{
	return getenv("NZ_PG_URI");
}

/* Call first in main: fails the binary with a clear message when there is no server. */
static inline int pg_test_require_server(const char *test)
{
	if (pg_test_uri() && *pg_test_uri())
		return 0;
	fprintf(stderr,
		"[  FAILED  ] %s: NZ_PG_URI is not set. These tests need a PostgreSQL server: run "
		"them with `make test-pg` (it starts a throwaway cluster), or set NZ_PG_URI to a "
		"libpq URI of a database whose user may create databases.\n",
		test);
	return 1;
}

/* A plain connection to the test server's own database; fails the test when there is none. */
static inline PGconn *pg_admin(void)
{
	PGconn *c = PQconnectdb(pg_test_uri());
	if (PQstatus(c) != CONNECTION_OK)
		fail_msg("cannot connect to NZ_PG_URI: %s", PQerrorMessage(c));
	PQsetNoticeProcessor(c, pg_quiet, NULL);
	return c;
}

/* Runs SQL (no rows wanted); returns the SQLSTATE of a failure ("" on success), copying the
 * message into msg when given. */
static inline const char *pg_run(PGconn *c, const char *sql, char *msg, size_t msg_size)
{
	static char state[8];
	PGresult *res = PQexec(c, sql);
	ExecStatusType st = PQresultStatus(res);
	state[0] = '\0';
	if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
		const char *s = PQresultErrorField(res, PG_DIAG_SQLSTATE);
		snprintf(state, sizeof(state), "%s", s ? s : "?????");
		if (msg)
			snprintf(msg, msg_size, "%s", PQresultErrorMessage(res));
	}
	PQclear(res);
	return state;
}

static inline void pg_ok(PGconn *c, const char *sql)
{
	char msg[512];
	if (*pg_run(c, sql, msg, sizeof(msg)))
		fail_msg("%s: %s", sql, msg);
}

/* The first column of the first row as an integer; -1 when there is none. */
static inline int64_t pg_int(PGconn *c, const char *sql)
{
	PGresult *res = PQexec(c, sql);
	int64_t v = -1;
	if (PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) > 0 && !PQgetisnull(res, 0, 0))
		v = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
	else if (PQresultStatus(res) != PGRES_TUPLES_OK)
		fprintf(stderr, "pg_int(%s): %s", sql, PQresultErrorMessage(res));
	PQclear(res);
	return v;
}

/* Every row of a query, one line each, columns joined by '|', NULL as "-"; in out. */
static inline void pg_lines(PGconn *c, const char *sql, char *out, size_t size)
{
	PGresult *res = PQexec(c, sql);
	size_t len = 0;
	out[0] = '\0';
	if (PQresultStatus(res) != PGRES_TUPLES_OK)
		fail_msg("%s: %s", sql, PQresultErrorMessage(res));
	for (int r = 0; r < PQntuples(res); r++)
		for (int f = 0; f < PQnfields(res); f++)
			len +=
			    (size_t)snprintf(out + len, len < size ? size - len : 0, "%s%s",
					     PQgetisnull(res, r, f) ? "-" : PQgetvalue(res, r, f),
					     f + 1 < PQnfields(res) ? "|" : "\n");
	PQclear(res);
	if (len >= size)
		fail_msg("pg_lines(%s): more than %zu bytes", sql, size);
}

/* Quotes a conninfo value: 'value' with \ and ' escaped. */
static inline void pg_conninfo_put(char *out, size_t size, const char *key, const char *value)
{
	size_t len = strlen(out);
	len += (size_t)snprintf(out + len, size - len, "%s%s='", len ? " " : "", key);
	for (const char *p = value; *p && len + 3 < size; p++) {
		if (*p == '\\' || *p == '\'')
			out[len++] = '\\';
		out[len++] = *p;
	}
	snprintf(out + len, size - len, "'");
}

/* A fresh, empty database named after the process and a counter, and a key=value connection
 * string for it: NZ_PG_URI's parameters with the database name replaced. */
static inline int pg_fixture_setup(void **state)
{
	static int counter;
	pg_fixture *f = calloc(1, sizeof(*f));
	char sql[128], *errmsg = NULL;
	PQconninfoOption *opts = PQconninfoParse(pg_test_uri(), &errmsg);
	PGconn *admin = pg_admin();

	if (!f || !opts) {
		fprintf(stderr, "setup: %s\n", errmsg ? errmsg : "out of memory");
		return -1;
	}
	snprintf(f->name, sizeof(f->name), "nz_test_%ld_%d", (long)getpid(), ++counter);
	snprintf(sql, sizeof(sql), "CREATE DATABASE %s", f->name);
	pg_ok(admin, sql);
	PQfinish(admin);
	for (PQconninfoOption *o = opts; o->keyword; o++)
		if (o->val && strcmp(o->keyword, "dbname") != 0)
			pg_conninfo_put(f->conninfo, sizeof(f->conninfo), o->keyword, o->val);
	pg_conninfo_put(f->conninfo, sizeof(f->conninfo), "dbname", f->name);
	PQconninfoFree(opts);
	f->conn = PQconnectdb(f->conninfo);
	if (PQstatus(f->conn) != CONNECTION_OK) {
		fprintf(stderr, "setup: %s", PQerrorMessage(f->conn));
		return -1;
	}
	PQsetNoticeProcessor(f->conn, pg_quiet, NULL);
	*state = f;
	return 0;
}

static inline int pg_fixture_teardown(void **state)
{
	pg_fixture *f = *state;
	char sql[128];
	PQfinish(f->conn);
	PGconn *admin = pg_admin();
	snprintf(sql, sizeof(sql), "DROP DATABASE IF EXISTS %s WITH (FORCE)", f->name);
	pg_ok(admin, sql);
	PQfinish(admin);
	free(f);
	return 0;
}

/* Opens a connection to the fixture's database with the backend's opener and migrates it. */
static inline PGconn *pg_open_migrated(pg_fixture *f)
{
	PGconn *c = NULL;
	int version = 0;
	if (nz__pg_connect(f->conninfo, 0, &c, &f->err) != NZ_OK)
		fail_msg("connect: %s", f->err.msg);
	if (nz__pg_migrate(c, false, &version, &f->err) != NZ_OK)
		fail_msg("migrate: %s", f->err.msg);
	assert_int_equal(version, nz__pg_schema_latest());
	return c;
}

/* The reference: a fresh SQLite database migrated by the SQLite backend, in a new folder dir
 * (>= 32 bytes) as path (>= 64 bytes). */
static inline void sqlite_reference(char *dir, char *path)
{
	nz_store *store = NULL;
	nz_err err = {0};
	snprintf(dir, 32, "/tmp/nz-pg-sq-XXXXXX");
	if (!mkdtemp(dir))
		fail_msg("mkdtemp failed");
	snprintf(path, 64, "%s/news.db", dir);
	if (nz_store_open(path, NZ_STORE_CREATE, &store, &err) != NZ_OK)
		fail_msg("sqlite: %s", err.msg);
	nz_store_close(store);
}

static inline void sqlite_reference_remove(const char *dir, const char *path)
{
	static const char *const suffixes[] = {"", "-wal", "-shm", "-journal"};
	char p[96];
	for (size_t i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++) {
		snprintf(p, sizeof(p), "%s%s", path, suffixes[i]);
		unlink(p);
	}
	rmdir(dir);
}

#endif
