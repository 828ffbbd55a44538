/* Tests the PostgreSQL backend's transfer aggregate (store/postgres/transfer.c) through the app
 * layer's migrate: a SQLite newsroom (the demo articles, a correction with its revision, audit
 * row and webhook delivery, an account with its password hash and token, a session, a photo's
 * bytes, a setting, the change feed) goes to PostgreSQL and back to a second SQLite file with
 * every table's count and checksum identical at each step; on PostgreSQL the search rows are
 * rebuilt (a search finds a migrated article), the triggers are back on and the sequences go
 * on above the copied ids and every change number given out. */
#include "app/app.h"
#include "search/search.h"
#include "store/postgres/pg_test.h"
#include "store/store_test.h"

extern const nz_file_entry nz__demo_files[];

typedef struct trip {
	fixture src, back; /* SQLite: the newsroom, and the empty file it comes back to */
	pg_fixture *pg;
	nz_store *store; /* the PostgreSQL database */
	nz_arena *arena;
	char password[NZ_PASSWORD_GENERATED];
	nz_app_token token;
} trip;

static void fill(trip *t)
{
	fixture *f = &t->src;
	nz_webhook hook = {.url = "http://127.0.0.1:9/hook", .events = "article.corrected"};
	assert_int_equal(nz_store_webhook_create(f->store, f->arena, &hook, &f->err), NZ_OK);
	nz_import_opts opts = {.publish = true, .now = nz_time_now()};
	for (const nz_file_entry *e = nz__demo_files; e->path; e++) {
		size_t len = strlen(e->path);
		if (len < 4 || strcmp(e->path + len - 3, ".md") || !strcmp(e->path, "README.md"))
			continue;
		nz_app_import in = {
		    .name = e->path, .bytes = e->data, .len = e->len, .opts = &opts};
		nz_app_imported out;
		assert_int_equal(nz_app_import_bytes(f->store, f->arena, &in, &out, &f->err),
				 NZ_OK);
	}
	nz_article *a = NULL;
	nz_article_transition fix = {.id = 1, .ev = NZ_EV_CORRECT, .text = "A date was wrong."};
	assert_int_equal(nz_store_article_transition(f->store, f->arena, &fix, &a, &f->err), NZ_OK);
	nz_user u = {.login = "editor", .role = NZ_ROLE_EDITOR};
	assert_int_equal(nz_app_account_create(f->store, 0, &u, NULL, t->password, &f->err), NZ_OK);
	assert_int_equal(nz_app_token_create(f->store, u.id, u.id, "ci", 90, &t->token, &f->err),
			 NZ_OK);
	char sha[65];
	nz_app_token_hash("session-token", sha);
	assert_int_equal(nz_store_session_create(f->store, sha, u.id, nz_time_now() + 3600,
						 "127.0.0.1", &f->err),
			 NZ_OK);
	static const char photo[] = "\x89PNG\r\n\x1a\n\0\0 not really a photo \xff\xfe";
	nz_sha256_hex(photo, sizeof(photo), sha);
	assert_int_equal(
	    nz_store_blob_put(f->store, sha, "image/png", photo, sizeof(photo), &f->err), NZ_OK);
	assert_int_equal(nz_store_setting_set(f->store, "name", "Transfer Times", &f->err), NZ_OK);
}

static int setup(void **state)
{
	trip *t = calloc(1, sizeof(*t));
	void *a = NULL, *b = NULL, *p = NULL;
	if (!t || fixture_setup(&a) || fixture_setup(&b) || pg_fixture_setup(&p))
		return -1;
	t->src = *(fixture *)a;
	t->back = *(fixture *)b;
	free(a);
	free(b);
	t->pg = p;
	t->arena = nz_arena_new();
	if (nz_store_open(t->pg->conninfo, NZ_STORE_CREATE, &t->store, &t->pg->err) != NZ_OK) {
		fprintf(stderr, "setup: %s\n", t->pg->err.msg);
		return -1;
	}
	fill(t);
	*state = t;
	return 0;
}

static int teardown(void **state)
{
	trip *t = *state;
	nz_store_close(t->src.store);
	nz_store_close(t->back.store);
	nz_store_close(t->store);
	nz_arena_free(t->src.arena);
	nz_arena_free(t->back.arena);
	nz_arena_free(t->arena);
	fixture_remove_files(&t->src);
	fixture_remove_files(&t->back);
	void *p = t->pg;
	pg_fixture_teardown(&p);
	free(t);
	return 0;
}

/* Every listed table of a and b has the same count and checksum; returns the rows seen. */
static int64_t assert_same_tables(nz_store *a, nz_store *b, nz_arena *arena)
{
	size_t n = 0;
	int64_t total = 0;
	nz_err err = {0};
	const nz_transfer_table *t = nz_store_transfer_tables(&n);
	for (size_t i = 0; i < n; i++) {
		const char **ca = NULL, **cb = NULL;
		size_t na = 0, nb = 0;
		int64_t ra = -1, rb = -2;
		char ha[65], hb[65];
		assert_int_equal(nz_store_transfer_columns(a, arena, &t[i], &ca, &na, &err), NZ_OK);
		assert_int_equal(nz_store_transfer_columns(b, arena, &t[i], &cb, &nb, &err), NZ_OK);
		assert_int_equal(na, nb);
		for (size_t c = 0; c < na; c++)
			assert_string_equal(ca[c], cb[c]);
		assert_int_equal(nz_store_transfer_checksum(a, &t[i], ca, na, &ra, ha, &err),
				 NZ_OK);
		assert_int_equal(nz_store_transfer_checksum(b, &t[i], cb, nb, &rb, hb, &err),
				 NZ_OK);
		if (ra != rb || strcmp(ha, hb) != 0)
			fail_msg("%s: %lld rows %s vs %lld rows %s", t[i].name, (long long)ra, ha,
				 (long long)rb, hb);
		total += ra;
	}
	return total;
}

/* The password signs in, the token works, the search finds a migrated article. */
static void assert_still_works(trip *t, nz_store *s, nz_arena *arena)
{
	nz_err err = {0};
	nz_user *u = NULL;
	const char *hash = NULL;
	assert_int_equal(nz_store_user_by_login(s, arena, "editor", &u, &hash, &err), NZ_OK);
	assert_true(nz_app_password_verify(hash, t->password));
	assert_int_equal(nz_app_token_user(s, arena, t->token.token, nz_time_now(), &u, &err),
			 NZ_OK);
	assert_string_equal(u->login, "editor");
	nz_search_query words;
	assert_int_equal(nz_search_parse(arena, "council", 7, &words), NZ_OK);
	nz_article_search q = {.query = &words, .limit = 10, .now = nz_time_now()};
	nz_search_results hits = {0};
	assert_int_equal(nz_store_search(s, arena, &q, &hits, &err), NZ_OK);
	assert_true(hits.n > 0);
}

static void test_sqlite_to_postgres_and_back_keeps_every_table(void **state)
{
	trip *t = *state;
	PGconn *c = t->pg->conn;
	nz_app_transfer done = {0};
	if (nz_app_migrate(t->src.store, t->store, &done, &t->pg->err) != NZ_OK)
		fail_msg("migrate: %s", t->pg->err.msg);
	assert_true(assert_same_tables(t->src.store, t->store, t->arena) > 100);
	assert_true(pg_int(c, "SELECT count(*) FROM revisions") > 0);
	assert_true(pg_int(c, "SELECT count(*) FROM webhook_deliveries") > 0);
	assert_int_equal(pg_int(c, "SELECT count(*) FROM blobs"), 1);
	assert_true(pg_int(c, "SELECT count(*) FROM changes") > 0);
	/* Search rows for every article, the triggers on, the sequences past what was copied. */
	assert_int_equal(pg_int(c, "SELECT count(*) FROM article_search"),
			 pg_int(c, "SELECT count(*) FROM articles"));
	assert_int_equal(pg_int(c, "SELECT count(*) FROM pg_trigger WHERE NOT tgisinternal"
				   " AND tgenabled = 'D'"),
			 0);
	assert_true(pg_int(c, "SELECT last_value FROM articles_id_seq") >=
		    pg_int(c, "SELECT max(id) FROM articles"));
	assert_int_equal(pg_int(c, "SELECT last_value FROM changes_seq_seq"),
			 db_int(&t->src, "SELECT seq FROM sqlite_sequence WHERE name = 'changes'"));

	/* Back to SQLite (before anything is used: a sign-in writes last_used_at), then into
	 * PostgreSQL again: refused, nothing doubled. */
	if (nz_app_migrate(t->store, t->back.store, &done, &t->back.err) != NZ_OK)
		fail_msg("migrate back: %s", t->back.err.msg);
	assert_true(assert_same_tables(t->src.store, t->back.store, t->arena) > 100);
	assert_still_works(t, t->store, t->arena);
	assert_still_works(t, t->back.store, t->back.arena);
	int64_t articles = pg_int(c, "SELECT count(*) FROM articles");
	assert_int_equal(nz_app_migrate(t->src.store, t->store, &done, &t->pg->err), NZ_EXISTS);
	assert_int_equal(pg_int(c, "SELECT count(*) FROM articles"), articles);

	/* New rows go on after the copied ones: a save, with its change number above the rest. */
	int64_t last = pg_int(c, "SELECT max(seq) FROM changes");
	assert_int_equal(nz_store_setting_set(t->store, "name", "Moved Times", &t->pg->err), NZ_OK);
	assert_true(pg_int(c, "SELECT max(seq) FROM changes") > last);
}

int main(void)
{
	if (pg_test_require_server("store/postgres/transfer"))
		return 1;
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_sqlite_to_postgres_and_back_keeps_every_table,
					    setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
