/*
 * Tests src/store/postgres/db.c and stmt.c against a real server: nested transactions (a failed
 * write inside the caller's transaction leaves it usable; a transaction PostgreSQL aborted is
 * reported at commit), the change-feed lock a write transaction holds, statements prepared once
 * per connection, parameters and columns of every kind, and the timeouts: a server's handle
 * (NZ_STORE_SERVER) bounds every statement (30 s, or the connection string's own), so a
 * statement past it fails at once with a clear message rather than hanging, and every
 * connection has a connect timeout (5 s unless the string sets one).
 */
#include <time.h>

#include "store/postgres/pg_test.h"

/* A migrated store on the fixture's fresh database. */
static nz_store *open_store(pg_fixture *f)
{
	nz_store *s = NULL;
	if (nz__pg_open(f->conninfo, NZ_STORE_CREATE, &s, &f->err) != NZ_OK)
		fail_msg("open: %s", f->err.msg);
	return s;
}

static const nz__pg_sql q_bad = {"INSERT INTO settings(key, value) VALUES ($1, NULL)"};

static void test_failed_write_leaves_the_callers_transaction_usable(void **state)
{
	pg_fixture *f = *state;
	nz_store *s = open_store(f);
	nz__pg *h = nz__pg_h(s);
	nz__pg_params p = {0};

	nz__pg_text(&p, "x");
	assert_int_equal(nz_store_begin(s, &f->err), NZ_OK);
	assert_int_equal(nz_store_setting_set(s, "a", "1", &f->err), NZ_OK);
	assert_int_equal(nz__pg_begin(h, &f->err), NZ_OK);
	nz_rc rc = nz__pg_run(h, &q_bad, &p, "bad", &f->err);
	assert_int_equal(rc, NZ_INVAL);
	assert_non_null(strstr(f->err.msg, "bad: "));
	assert_int_equal(nz__pg_end(h, rc, &f->err), NZ_INVAL);
	assert_int_equal(h->depth, 1);
	assert_int_equal(nz_store_setting_set(s, "b", "2", &f->err), NZ_OK);
	assert_int_equal(nz_store_commit(s, &f->err), NZ_OK);
	assert_int_equal(pg_int(f->conn, "SELECT count(*) FROM settings"), 2);

	/* A failure straight in the outer transaction aborts it: commit says so and rolls back. */
	assert_int_equal(nz_store_begin(s, &f->err), NZ_OK);
	assert_int_equal(nz_store_setting_set(s, "c", "3", &f->err), NZ_OK);
	assert_int_equal(nz__pg_run(h, &q_bad, &p, "bad", &f->err), NZ_INVAL);
	assert_int_equal(nz_store_commit(s, &f->err), NZ_DB);
	assert_int_equal(h->depth, 0);
	assert_int_equal(pg_int(f->conn, "SELECT count(*) FROM settings"), 2);
	assert_int_equal(nz_store_setting_set(s, "c", "3", &f->err), NZ_OK);
	assert_int_equal(pg_int(f->conn, "SELECT count(*) FROM settings"), 3);
	nz_store_close(s);
}

static void test_write_transaction_holds_the_change_lock(void **state)
{
	pg_fixture *f = *state;
	nz_store *s = open_store(f);
	const char *try_lock = "SELECT pg_try_advisory_xact_lock(" NZ__PG_STR(
	    NZ__PG_LOCK_CLASS) ", " NZ__PG_STR(NZ__PG_LOCK_CHANGES) ")::int";

	assert_int_equal(pg_int(f->conn, try_lock), 1);
	assert_int_equal(nz_store_begin(s, &f->err), NZ_OK);
	assert_int_equal(pg_int(f->conn, try_lock), 0);
	assert_int_equal(nz_store_begin(s, &f->err), NZ_OK); /* a savepoint: still held */
	nz_store_rollback(s);
	assert_int_equal(pg_int(f->conn, try_lock), 0);
	assert_int_equal(nz_store_commit(s, &f->err), NZ_OK);
	assert_int_equal(pg_int(f->conn, try_lock), 1);
	nz_store_close(s);
}

static const nz__pg_sql q_prepared = {"SELECT count(*) FROM pg_prepared_statements"};

static void test_statements_are_prepared_once(void **state)
{
	pg_fixture *f = *state;
	nz_store *s = open_store(f);
	nz__pg *h = nz__pg_h(s);
	nz_arena *arena = nz_arena_new();
	const char *v;
	int64_t n = 0, opened = 0;

	/* what opening prepared (the search index's check and its first build), and this count */
	assert_int_equal(nz__pg_one_int(h, &q_prepared, NULL, &opened, "count", &f->err), NZ_OK);
	for (int i = 0; i < 3; i++) {
		assert_int_equal(nz_store_setting_get(s, arena, "k", &v, &f->err), NZ_NOTFOUND);
		assert_int_equal(nz__pg_one_int(h, &q_prepared, NULL, &n, "count", &f->err), NZ_OK);
		assert_int_equal(n, opened + 1);
	}
	nz_arena_free(arena);
	nz_store_close(s);
}

static const nz__pg_sql q_echo = {"SELECT $1::bytea, $2::bigint, $3::text, $4::bigint, $5::text"};

static void test_parameters_and_columns(void **state)
{
	pg_fixture *f = *state;
	nz_store *s = open_store(f);
	nz__pg *h = nz__pg_h(s);
	nz_arena *arena = nz_arena_new();
	const char bytes[] = "a\0b\xff";
	nz__pg_params p = {0};
	PGresult *res;
	const void *got;
	const char *text;
	size_t len;

	nz__pg_bytea(&p, bytes, sizeof(bytes) - 1);
	nz__pg_int64(&p, -5);
	nz__pg_null(&p);
	nz__pg_opt_int(&p, 0);
	nz__pg_text(&p, "뉴스 'quoted'");
	assert_int_equal(nz__pg_query(h, &q_echo, &p, &res, "echo", &f->err), NZ_OK);
	assert_int_equal(nz__pg_col_bytea(arena, res, 0, 0, &got, &len), NZ_OK);
	assert_int_equal(len, sizeof(bytes) - 1);
	assert_memory_equal(got, bytes, len);
	assert_int_equal(nz__pg_col_int(res, 0, 1), -5);
	assert_true(nz__pg_col_null(res, 0, 2));
	assert_int_equal(nz__pg_col_text(arena, res, 0, 2, &text), NZ_OK);
	assert_null(text);
	assert_true(nz__pg_col_null(res, 0, 3));
	assert_int_equal(nz__pg_col_text(arena, res, 0, 4, &text), NZ_OK);
	assert_string_equal(text, "뉴스 'quoted'");
	PQclear(res);

	nz__pg_params many = {0};
	for (int i = 0; i <= NZ__PG_MAX_PARAMS; i++)
		nz__pg_int64(&many, i);
	assert_int_equal(nz__pg_query(h, &q_echo, &many, &res, "echo", &f->err), NZ_INVAL);
	assert_null(res);
	nz_arena_free(arena);
	nz_store_close(s);
}

/* Without NZ_STORE_CREATE an uninitialised database is refused, as SQLite refuses a missing
 * file; read-only opens refuse writes on the server too. */
static void test_open_needs_init_and_read_only_is_read_only(void **state)
{
	pg_fixture *f = *state;
	nz_store *s = NULL;
	nz__pg_params p = {0};
	nz__pg_text(&p, "x");
	assert_int_equal(nz__pg_open(f->conninfo, 0, &s, &f->err), NZ_NOTFOUND);
	assert_non_null(strstr(f->err.msg, "newszone init"));
	assert_null(s);
	nz_store_close(open_store(f));
	assert_int_equal(nz__pg_open(f->conninfo, NZ_STORE_READONLY, &s, &f->err), NZ_OK);
	assert_int_equal(nz_store_schema_version(s), nz__pg_schema_latest());
	assert_int_equal(nz__pg_run(nz__pg_h(s), &q_bad, &p, "write", &f->err), NZ_PERM);
	nz_store_close(s);
}

/* A setting of the handle's session, as SHOW gives it (in buf). */
static const char *show(nz_store *s, const char *name, char *buf, size_t size)
{
	char sql[96];
	snprintf(sql, sizeof sql, "SHOW %s", name);
	PGresult *res = PQexec(nz__pg_h(s)->conn, sql);
	snprintf(buf, size, "%s",
		 PQresultStatus(res) == PGRES_TUPLES_OK ? PQgetvalue(res, 0, 0) : "(error)");
	PQclear(res);
	return buf;
}

static int64_t mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void test_a_server_handle_bounds_its_statements(void **state)
{
	pg_fixture *f = *state;
	nz_store *s = NULL;
	char buf[64], conninfo[sizeof f->conninfo + 64];
	nz_store_close(open_store(f));

	assert_int_equal(nz__pg_open(f->conninfo, 0, &s, &f->err), NZ_OK);
	assert_string_equal(show(s, "statement_timeout", buf, sizeof buf), "0");
	nz_store_close(s);
	assert_int_equal(nz__pg_open(f->conninfo, NZ_STORE_SERVER, &s, &f->err), NZ_OK);
	assert_string_equal(show(s, "statement_timeout", buf, sizeof buf), "30s");
	nz_store_close(s);

	/* the connection string's own wins, and a statement past it fails at once */
	snprintf(conninfo, sizeof conninfo, "%s options='-c statement_timeout=300'", f->conninfo);
	assert_int_equal(nz__pg_open(conninfo, NZ_STORE_SERVER, &s, &f->err), NZ_OK);
	assert_string_equal(show(s, "statement_timeout", buf, sizeof buf), "300ms");
	int64_t t0 = mono_ms();
	assert_int_equal(
	    nz__pg_exec(nz__pg_h(s)->conn, "SELECT pg_sleep(5)", "a slow query", &f->err), NZ_IO);
	assert_true(mono_ms() - t0 < 3000);
	assert_string_equal(f->err.msg,
			    "a slow query: canceling statement due to statement timeout");
	/* NZ_IO: a server answers 503 (and replaces the connection); this one is still fine */
	nz_site site;
	nz_arena *arena = nz_arena_new();
	assert_int_equal(nz_store_site_load(s, arena, &site, &f->err), NZ_OK);
	nz_arena_free(arena);
	nz_store_close(s);
}

/* The connect_timeout a connection was made with (in buf). */
static const char *connect_timeout(nz_store *s, char *buf, size_t size)
{
	PQconninfoOption *opts = PQconninfo(nz__pg_h(s)->conn);
	snprintf(buf, size, "(unset)");
	for (PQconninfoOption *o = opts; o && o->keyword; o++)
		if (strcmp(o->keyword, "connect_timeout") == 0 && o->val)
			snprintf(buf, size, "%s", o->val);
	PQconninfoFree(opts);
	return buf;
}

static void test_connections_have_a_connect_timeout_the_string_may_change(void **state)
{
	pg_fixture *f = *state;
	nz_store *s = NULL;
	char buf[64], conninfo[sizeof f->conninfo + 64];
	nz_store_close(open_store(f));

	assert_int_equal(nz__pg_open(f->conninfo, 0, &s, &f->err), NZ_OK);
	assert_string_equal(connect_timeout(s, buf, sizeof buf), "5");
	nz_store_close(s);
	snprintf(conninfo, sizeof conninfo, "%s connect_timeout=7", f->conninfo);
	assert_int_equal(nz__pg_open(conninfo, 0, &s, &f->err), NZ_OK);
	assert_string_equal(connect_timeout(s, buf, sizeof buf), "7");
	nz_store_close(s);
}

int main(void)
{
	if (pg_test_require_server("store/postgres/db"))
		return 1;
#define T(fn) cmocka_unit_test_setup_teardown(fn, pg_fixture_setup, pg_fixture_teardown)
	const struct CMUnitTest tests[] = {
	    T(test_failed_write_leaves_the_callers_transaction_usable),
	    T(test_write_transaction_holds_the_change_lock),
	    T(test_statements_are_prepared_once),
	    T(test_parameters_and_columns),
	    T(test_open_needs_init_and_read_only_is_read_only),
	    T(test_a_server_handle_bounds_its_statements),
	    T(test_connections_have_a_connect_timeout_the_string_may_change),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
