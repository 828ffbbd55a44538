/* Tests src/store/postgres/schema.c and conn.c against a real PostgreSQL server: connecting
 * from a libpq URI or key=value string, migrating a fresh database, re-opening it, refusing
 * databases that are newer, someone else's or migrated by two nodes at once, the same tables
 * and columns as the SQLite schema, revisions that cannot change, and the search rows. */
#include <pthread.h>
#include <sqlite3.h>

#include "store/postgres/pg_test.h"

/* Appends "key=value" to a URI as a query parameter. */
static void uri_with(char *out, size_t size, const char *param)
{
	const char *uri = pg_test_uri();
	snprintf(out, size, "%s%s%s", uri, strchr(uri, '?') ? "&" : "?", param);
}

static void test_connect_honours_the_uri_and_sets_the_timeout(void **state)
{
	(void)state;
	PGconn *c = NULL;
	nz_err err = {0};
	char uri[512];

	assert_int_equal(nz__pg_connect(pg_test_uri(), 1500, &c, &err), NZ_OK);
	assert_string_equal(PQparameterStatus(c, "client_encoding"), "UTF8");
	assert_string_equal(PQparameterStatus(c, "application_name"), "newszone");
	assert_string_equal(PQdb(c), "newszone_test");
	PGresult *res = PQexec(c, "SHOW statement_timeout");
	assert_string_equal(PQgetvalue(res, 0, 0), "1500ms");
	PQclear(res);
	PQfinish(c);

	/* The URI's own parameters win over the fallbacks. */
	uri_with(uri, sizeof(uri), "application_name=nz-node-a");
	assert_int_equal(nz__pg_connect(uri, 0, &c, &err), NZ_OK);
	assert_string_equal(PQparameterStatus(c, "application_name"), "nz-node-a");
	PQfinish(c);

	/* A statement past the timeout is cancelled, not waited for. */
	assert_int_equal(nz__pg_connect(pg_test_uri(), 50, &c, &err), NZ_OK);
	assert_int_not_equal(nz__pg_exec(c, "SELECT pg_sleep(2)", "sleeping", &err), NZ_OK);
	assert_non_null(strstr(err.msg, "sleeping: canceling statement due to statement timeout"));
	PQfinish(c);
}

static void test_connect_failures_are_clear_and_keep_secrets(void **state)
{
	pg_fixture *f = *state;
	PGconn *c = (PGconn *)1;
	char conninfo[640];

	snprintf(conninfo, sizeof(conninfo), "%s dbname='nz_no_such_db' password='sekret-123'",
		 f->conninfo);
	assert_int_equal(nz__pg_connect(conninfo, 0, &c, &f->err), NZ_IO);
	assert_null(c);
	assert_non_null(strstr(f->err.msg, "database: connecting to PostgreSQL: "));
	assert_non_null(strstr(f->err.msg, "nz_no_such_db"));
	assert_null(strstr(f->err.msg, "sekret"));

	/* A database that is not UTF8 is refused, with what to do instead. */
	pg_ok(f->conn, "CREATE DATABASE nz_test_ascii ENCODING 'SQL_ASCII' TEMPLATE template0"
		       " LC_COLLATE 'C' LC_CTYPE 'C'");
	snprintf(conninfo, sizeof(conninfo), "%s dbname='nz_test_ascii'", f->conninfo);
	nz_rc rc = nz__pg_connect(conninfo, 0, &c, &f->err);
	pg_ok(f->conn, "DROP DATABASE nz_test_ascii");
	assert_int_equal(rc, NZ_UNSUPPORTED);
	assert_non_null(strstr(f->err.msg, "needs a UTF8 database"));
}

static void test_fresh_database_migrates_then_reopening_is_a_no_op(void **state)
{
	pg_fixture *f = *state;
	int latest = nz__pg_schema_latest(), version = -1;
	PGconn *c = pg_open_migrated(f);

	assert_true(latest >= 1);
	assert_int_equal(pg_int(f->conn, "SELECT count(*) FROM schema_version"), latest);
	assert_int_equal(pg_int(f->conn, "SELECT max(version) FROM schema_version"), latest);
	int64_t applied =
	    pg_int(f->conn, "SELECT applied_at FROM schema_version WHERE version = 1");
	assert_true(applied > 1700000000);
	int64_t objects = pg_int(f->conn, "SELECT count(*) FROM pg_class");
	PQfinish(c);

	for (int i = 0; i < 2; i++) {
		assert_int_equal(nz__pg_connect(f->conninfo, 0, &c, &f->err), NZ_OK);
		assert_int_equal(nz__pg_migrate(c, i == 1, &version, &f->err), NZ_OK);
		assert_int_equal(version, latest);
		PQfinish(c);
	}
	assert_int_equal(pg_int(f->conn, "SELECT count(*) FROM schema_version"), latest);
	assert_int_equal(pg_int(f->conn, "SELECT applied_at FROM schema_version WHERE version = 1"),
			 applied);
	assert_int_equal(pg_int(f->conn, "SELECT count(*) FROM pg_class"), objects);
	/* The change feed starts with its one state row. */
	assert_int_equal(pg_int(f->conn, "SELECT count(*) FROM change_state WHERE id = 1"), 1);
}

/* Opens the fixture's database as a node would and expects it refused with want, saying says. */
static void assert_refused(pg_fixture *f, bool readonly, nz_rc want, const char *says)
{
	PGconn *c = NULL;
	int version = -1;

	assert_int_equal(nz__pg_connect(f->conninfo, 0, &c, &f->err), NZ_OK);
	assert_int_equal(nz__pg_migrate(c, readonly, &version, &f->err), want);
	if (!strstr(f->err.msg, says))
		fail_msg("\"%s\" does not say \"%s\"", f->err.msg, says);
	PQfinish(c);
}

static int64_t tables_here(pg_fixture *f, const char *name)
{
	char sql[160];
	snprintf(sql, sizeof(sql),
		 "SELECT count(*) FROM pg_tables WHERE schemaname = current_schema()"
		 " AND tablename LIKE '%s'",
		 name);
	return pg_int(f->conn, sql);
}

static void test_read_only_open_does_not_migrate(void **state)
{
	pg_fixture *f = *state;
	assert_refused(f, true, NZ_PERM, "needs migrating to");
	assert_int_equal(tables_here(f, "%"), 0);
}

static void test_newer_database_is_refused(void **state)
{
	pg_fixture *f = *state;
	char sql[128];

	PQfinish(pg_open_migrated(f));
	snprintf(sql, sizeof(sql), "INSERT INTO schema_version VALUES (%d, 0)",
		 nz__pg_schema_latest() + 1);
	pg_ok(f->conn, sql);
	assert_refused(f, false, NZ_UNSUPPORTED, "is newer than this program knows");
	assert_non_null(strstr(f->err.msg, "use a newer newszone"));
}

static void test_someone_elses_database_is_refused(void **state)
{
	pg_fixture *f = *state;
	pg_ok(f->conn, "CREATE TABLE customers (id int)");
	assert_refused(f, false, NZ_INVAL, "is not a Newszone database");
	assert_int_equal(tables_here(f, "%"), 1);
}

typedef struct node {
	const char *conninfo;
	pthread_barrier_t *start;
	nz_rc rc;
	nz_err err;
} node;

static void *node_start(void *arg)
{
	node *n = arg;
	PGconn *c = NULL;
	int version = 0;
	pthread_barrier_wait(n->start);
	n->rc = nz__pg_connect(n->conninfo, 0, &c, &n->err);
	if (!n->rc)
		n->rc = nz__pg_migrate(c, false, &version, &n->err);
	PQfinish(c);
	return NULL;
}

/* Two nodes opening an empty database at once: one migrates, the other waits and finds it
 * done (without the lock, the second CREATE TABLE sections would fail). */
static void test_two_nodes_starting_together_migrate_once(void **state)
{
	pg_fixture *f = *state;
	pthread_barrier_t start;
	pthread_t threads[2];
	node nodes[2] = {{.conninfo = f->conninfo, .start = &start},
			 {.conninfo = f->conninfo, .start = &start}};

	pthread_barrier_init(&start, NULL, 2);
	for (int i = 0; i < 2; i++)
		assert_int_equal(pthread_create(&threads[i], NULL, node_start, &nodes[i]), 0);
	for (int i = 0; i < 2; i++)
		pthread_join(threads[i], NULL);
	pthread_barrier_destroy(&start);
	for (int i = 0; i < 2; i++)
		if (nodes[i].rc)
			fail_msg("node %d: %s", i, nodes[i].err.msg);
	assert_int_equal(pg_int(f->conn, "SELECT count(*) FROM schema_version"),
			 nz__pg_schema_latest());
}

/* The fixed rows revisions hang off. */
static void add_article_with_revision(PGconn *c)
{
	pg_ok(c, "INSERT INTO articles(uuid, slug, language, headline, updated_at, created_at)"
		 " VALUES ('u-1', 'a-1', 'en', 'Navy drill', 100, 100)");
	pg_ok(c, "INSERT INTO revisions(article_id, revision, snapshot, created_at)"
		 " VALUES (1, 1, '{}', 100)");
}

static void test_revisions_are_never_changed_nor_deleted(void **state)
{
	pg_fixture *f = *state;
	PGconn *c = pg_open_migrated(f);
	char msg[512];

	add_article_with_revision(f->conn);
	assert_int_equal(nz__pg_exec(c, "UPDATE revisions SET note = 'x'", "editing", &f->err),
			 NZ_INVAL);
	assert_string_equal(f->err.msg, "editing: revisions are never changed");
	assert_int_equal(nz__pg_exec(c, "DELETE FROM revisions", "deleting", &f->err), NZ_INVAL);
	assert_string_equal(f->err.msg, "deleting: revisions are never deleted");
	assert_string_equal(pg_run(f->conn, "TRUNCATE revisions", msg, sizeof(msg)), "23000");
	assert_non_null(strstr(msg, "revisions are never deleted"));
	/* Nor can their article go: the revision holds it. */
	assert_string_equal(pg_run(f->conn, "DELETE FROM articles", NULL, 0), "23503");
	assert_int_equal(pg_int(f->conn, "SELECT count(*) FROM revisions WHERE note IS NULL"), 1);
	PQfinish(c);
}

static void test_constraints_keep_the_data_honest(void **state)
{
	pg_fixture *f = *state;
	static const struct {
		const char *sql;
		const char *sqlstate; /* "" when it must succeed */
	} writes[] = {
	    {"INSERT INTO users(login, password_hash, role, created_at)"
	     " VALUES ('x', 'h', 'boss', 0)",
	     "23514"},
	    {"INSERT INTO users(login, password_hash, role, created_at)"
	     " VALUES ('x', 'h', 'editor', 0)",
	     ""},
	    {"INSERT INTO users(login, password_hash, role, created_at)"
	     " VALUES ('x', 'h', 'editor', 0)",
	     "23505"},
	    {"INSERT INTO articles(uuid, slug, language, status, headline, updated_at, created_at)"
	     " VALUES ('u', 's', 'en', 'gone', 'h', 0, 0)",
	     "23514"},
	    {"INSERT INTO webhooks(url, secret, events, created_at)"
	     " VALUES ('ftp://x', 's', 'article.published', 0)",
	     "23514"},
	    {"INSERT INTO webhooks(url, secret, events, created_at)"
	     " VALUES ('HTTPS://x', 's', 'article.published', 0)",
	     ""},
	    {"INSERT INTO blobs(hash, bytes, created_at) VALUES ('abc', '\\x00', 0)", "23514"},
	};

	PQfinish(pg_open_migrated(f));
	for (size_t i = 0; i < sizeof(writes) / sizeof(writes[0]); i++) {
		const char *state_got = pg_run(f->conn, writes[i].sql, NULL, 0);
		if (strcmp(state_got, writes[i].sqlstate) != 0)
			fail_msg("%s: SQLSTATE \"%s\", not \"%s\"", writes[i].sql, state_got,
				 writes[i].sqlstate);
	}
	/* Text sorts by bytes, as SQLite's BINARY: upper case first, Hangul after Latin. */
	pg_ok(f->conn, "INSERT INTO tags(slug, name) VALUES ('b', 'b'), ('a', 'Z'), ('c', '한')");
	char lines[64];
	pg_lines(f->conn, "SELECT name FROM tags ORDER BY name", lines, sizeof(lines));
	assert_string_equal(lines, "Z\nb\n한\n");
}

/* The tables and columns of a fresh SQLite database, as "table|column" lines in order, less
 * its full-text indexes (FTS5 tables), which article_search (with article_rank) and media's GIN
 * index replace. */
static void sqlite_columns(char *out, size_t size)
{
	char dir[32], path[64];
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	size_t len = 0;

	sqlite_reference(dir, path);
	assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db,
					    "SELECT m.name, p.name FROM sqlite_schema m,"
					    " pragma_table_info(m.name) p WHERE m.type = 'table'"
					    " AND m.name NOT LIKE 'sqlite_%'"
					    " AND m.name NOT LIKE 'articles_fts%'"
					    " AND m.name NOT LIKE 'media_fts%'"
					    " ORDER BY m.name, p.cid",
					    -1, &st, NULL),
			 SQLITE_OK);
	out[0] = '\0';
	while (sqlite3_step(st) == SQLITE_ROW && len < size)
		len += (size_t)snprintf(out + len, size - len, "%s|%s\n",
					(const char *)sqlite3_column_text(st, 0),
					(const char *)sqlite3_column_text(st, 1));
	sqlite3_finalize(st);
	sqlite3_close(db);
	sqlite_reference_remove(dir, path);
}

static void test_same_tables_and_columns_as_sqlite(void **state)
{
	pg_fixture *f = *state;
	static char want[16384], got[16384];

	PQfinish(pg_open_migrated(f));
	sqlite_columns(want, sizeof(want));
	pg_lines(f->conn,
		 "SELECT c.table_name, c.column_name FROM information_schema.columns c"
		 " JOIN information_schema.tables t USING (table_schema, table_name)"
		 " WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE'"
		 " AND c.table_name NOT IN ('article_search', 'article_rank',"
		 " 'search_postings', 'search_terms')"
		 " ORDER BY c.table_name COLLATE \"C\", c.ordinal_position",
		 got, sizeof(got));
	assert_non_null(strstr(want, "articles|created_by\n"));
	assert_non_null(strstr(want, "changes|seq\n"));
	assert_string_equal(got, want);
	/* The tables of its own: the search index and its ranking frequencies. */
	assert_int_equal(tables_here(f, "article_search"), 1);
	assert_int_equal(tables_here(f, "article_rank"), 1);
	assert_int_equal(tables_here(f, "search_postings"), 1);
	assert_int_equal(tables_here(f, "search_terms"), 1);
}

/* The search row holds our tokenizer's terms as they are (no PostgreSQL parsing), weighted
 * by field, found through the GIN index, follows the article's filter columns, and is dropped
 * when the article's text changes. */
static void test_search_rows(void **state)
{
	pg_fixture *f = *state;
	char lines[256];
	PQfinish(pg_open_migrated(f));

	add_article_with_revision(f->conn);
	pg_ok(f->conn,
	      "INSERT INTO article_search(article_id, terms, headline_terms,"
	      " highlights_terms, body_terms) VALUES (1,"
	      " '''navi'':1A ''drill'':2A ''k-9'':4B ''한미'':6 ''미동'':7 ''동맹'':8', 2, 1, 3)");
	pg_ok(f->conn, "SET enable_seqscan = off");
	pg_lines(f->conn,
		 "SELECT article_id FROM article_search WHERE terms @@ '''한미'' <-> ''미동'''"
		 " AND terms @@ '''navi'':A & ''k-9'':B & ''dri'':*'",
		 lines, sizeof(lines));
	assert_string_equal(lines, "1\n");
	pg_lines(f->conn, "SELECT count(*) FROM article_search WHERE terms @@ '''drill'':D'", lines,
		 sizeof(lines));
	assert_string_equal(lines, "0\n");

	static const char copies[] = "SELECT status, published_at, embargo_until, language,"
				     " section_id FROM article_search";
	pg_lines(f->conn, copies, lines, sizeof(lines));
	assert_string_equal(lines, "draft|-|-|en|-\n");
	pg_ok(f->conn, "INSERT INTO sections(slug, name) VALUES ('defense', 'Defense')");
	pg_ok(f->conn, "UPDATE articles SET status = 'published', published_at = 200,"
		       " section_id = 1, embargo_until = 150");
	pg_lines(f->conn, copies, lines, sizeof(lines));
	assert_string_equal(lines, "published|200|150|en|1\n");
	/* The copies are the article's, whatever a writer puts there. */
	pg_ok(f->conn, "UPDATE article_search SET status = 'draft', language = 'ko'");
	pg_lines(f->conn, copies, lines, sizeof(lines));
	assert_string_equal(lines, "published|200|150|en|1\n");
	pg_ok(f->conn, "UPDATE articles SET headline = 'Navy drills'");
	assert_int_equal(pg_int(f->conn, "SELECT count(*) FROM article_search"), 0);
}

int main(void)
{
	if (pg_test_require_server("store/postgres/schema"))
		return 1;
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_connect_honours_the_uri_and_sets_the_timeout),
	    cmocka_unit_test_setup_teardown(test_connect_failures_are_clear_and_keep_secrets,
					    pg_fixture_setup, pg_fixture_teardown),
	    cmocka_unit_test_setup_teardown(test_fresh_database_migrates_then_reopening_is_a_no_op,
					    pg_fixture_setup, pg_fixture_teardown),
	    cmocka_unit_test_setup_teardown(test_read_only_open_does_not_migrate, pg_fixture_setup,
					    pg_fixture_teardown),
	    cmocka_unit_test_setup_teardown(test_newer_database_is_refused, pg_fixture_setup,
					    pg_fixture_teardown),
	    cmocka_unit_test_setup_teardown(test_someone_elses_database_is_refused,
					    pg_fixture_setup, pg_fixture_teardown),
	    cmocka_unit_test_setup_teardown(test_two_nodes_starting_together_migrate_once,
					    pg_fixture_setup, pg_fixture_teardown),
	    cmocka_unit_test_setup_teardown(test_revisions_are_never_changed_nor_deleted,
					    pg_fixture_setup, pg_fixture_teardown),
	    cmocka_unit_test_setup_teardown(test_constraints_keep_the_data_honest, pg_fixture_setup,
					    pg_fixture_teardown),
	    cmocka_unit_test_setup_teardown(test_same_tables_and_columns_as_sqlite,
					    pg_fixture_setup, pg_fixture_teardown),
	    cmocka_unit_test_setup_teardown(test_search_rows, pg_fixture_setup,
					    pg_fixture_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
