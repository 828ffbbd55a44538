/* Tests src/app/transfer.c and transfer_file.c (and through them the store's transfer
 * aggregate on SQLite): the demo newsroom with accounts, a token, a session, a photo, a webhook
 * and its deliveries goes to a backup file and back, and through migrate, with every table's
 * count and checksum identical; users still sign in and tokens still work afterwards; a target
 * that holds data, a truncated file, a damaged file and a file that is not a backup are refused
 * with a message naming the problem, and the target is left empty. */
#include <zlib.h>

#include "app/app.h"
#include "search/search.h"
#include "store/store_test.h"

extern const nz_file_entry nz__demo_files[];

typedef struct newsroom {
	fixture f;   /* the source */
	fixture dst; /* a second, empty database */
	char backup[160];
	char password[NZ_PASSWORD_GENERATED];
	nz_app_token token;
} newsroom;

static void fill(newsroom *n)
{
	fixture *f = &n->f;
	nz_webhook hook = {.url = "http://127.0.0.1:9/hook", .events = "article.corrected"};
	assert_int_equal(nz_store_webhook_create(f->store, f->arena, &hook, &f->err), NZ_OK);
	nz_import_opts opts = {.publish = true, .now = nz_time_now()};
	size_t imported = 0;
	for (const nz_file_entry *e = nz__demo_files; e->path; e++) {
		size_t len = strlen(e->path);
		if (len < 4 || strcmp(e->path + len - 3, ".md") || !strcmp(e->path, "README.md"))
			continue;
		nz_app_import in = {
		    .name = e->path, .bytes = e->data, .len = e->len, .opts = &opts};
		nz_app_imported out;
		assert_int_equal(nz_app_import_bytes(f->store, f->arena, &in, &out, &f->err),
				 NZ_OK);
		imported++;
	}
	assert_true(imported > 10);
	/* A correction: a revision, a correction row, an audit row and a webhook delivery. */
	nz_article *a = NULL;
	nz_article_transition fix = {.id = 1, .ev = NZ_EV_CORRECT, .text = "A date was wrong."};
	assert_int_equal(nz_store_article_transition(f->store, f->arena, &fix, &a, &f->err), NZ_OK);
	nz_user u = {.login = "editor", .role = NZ_ROLE_EDITOR};
	assert_int_equal(nz_app_account_create(f->store, 0, &u, NULL, n->password, &f->err), NZ_OK);
	assert_int_equal(nz_app_token_create(f->store, u.id, u.id, "ci", 90, &n->token, &f->err),
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
	newsroom *n = calloc(1, sizeof(*n));
	void *fs = NULL, *ds = NULL;
	if (!n || fixture_setup(&fs) || fixture_setup(&ds))
		return -1;
	n->f = *(fixture *)fs;
	n->dst = *(fixture *)ds;
	free(fs);
	free(ds);
	snprintf(n->backup, sizeof(n->backup), "%s/news.nzdump", n->f.dir);
	fill(n);
	*state = n;
	return 0;
}

static int teardown(void **state)
{
	newsroom *n = *state;
	char tmp[170];
	unlink(n->backup);
	snprintf(tmp, sizeof(tmp), "%s.tmp", n->backup);
	unlink(tmp);
	nz_store_close(n->f.store);
	nz_store_close(n->dst.store);
	nz_arena_free(n->f.arena);
	nz_arena_free(n->dst.arena);
	fixture_remove_files(&n->f);
	fixture_remove_files(&n->dst);
	free(n);
	return 0;
}

/* Every listed table of a and b has the same count and checksum; returns the rows seen. */
static int64_t assert_same_tables(fixture *a, fixture *b)
{
	size_t n = 0;
	int64_t total = 0;
	const nz_transfer_table *t = nz_store_transfer_tables(&n);
	for (size_t i = 0; i < n; i++) {
		const char **ca = NULL, **cb = NULL;
		size_t na = 0, nb = 0;
		int64_t ra = -1, rb = -2;
		char ha[65], hb[65];
		assert_int_equal(
		    nz_store_transfer_columns(a->store, a->arena, &t[i], &ca, &na, &a->err), NZ_OK);
		assert_int_equal(
		    nz_store_transfer_columns(b->store, b->arena, &t[i], &cb, &nb, &b->err), NZ_OK);
		assert_int_equal(na, nb);
		assert_int_equal(
		    nz_store_transfer_checksum(a->store, &t[i], ca, na, &ra, ha, &a->err), NZ_OK);
		assert_int_equal(
		    nz_store_transfer_checksum(b->store, &t[i], cb, nb, &rb, hb, &b->err), NZ_OK);
		if (ra != rb || strcmp(ha, hb) != 0)
			fail_msg("%s: %lld rows %s vs %lld rows %s", t[i].name, (long long)ra, ha,
				 (long long)rb, hb);
		total += ra;
	}
	return total;
}

/* What a user notices after a move: the password signs in, the token works, the search
 * finds what it found. */
static void assert_still_works(newsroom *n, fixture *f)
{
	nz_user *u = NULL;
	const char *hash = NULL;
	assert_int_equal(nz_store_user_by_login(f->store, f->arena, "editor", &u, &hash, &f->err),
			 NZ_OK);
	assert_true(nz_app_password_verify(hash, n->password));
	assert_int_equal(
	    nz_app_token_user(f->store, f->arena, n->token.token, nz_time_now(), &u, &f->err),
	    NZ_OK);
	assert_string_equal(u->login, "editor");
	nz_search_query words;
	assert_int_equal(nz_search_parse(f->arena, "council", 7, &words), NZ_OK);
	nz_article_search q = {.query = &words, .limit = 10, .now = nz_time_now()};
	nz_search_results hits = {0};
	assert_int_equal(nz_store_search(f->store, f->arena, &q, &hits, &f->err), NZ_OK);
	assert_true(hits.n > 0);
}

static void test_backup_then_restore_gives_every_table_back(void **state)
{
	newsroom *n = *state;
	nz_app_transfer done = {0}, back = {0};
	assert_int_equal(nz_app_backup(n->f.store, n->backup, &done, &n->f.err), NZ_OK);
	size_t n_tables = 0;
	nz_store_transfer_tables(&n_tables);
	assert_int_equal(done.n, n_tables);
	assert_int_equal(nz_app_restore(n->dst.store, n->backup, &back, &n->dst.err), NZ_OK);
	assert_int_equal(back.n, n_tables);
	for (size_t i = 0; i < n_tables; i++) {
		assert_string_equal(done.tables[i].sha256, back.tables[i].sha256);
		assert_int_equal(done.tables[i].rows, back.tables[i].rows);
	}
	assert_true(assert_same_tables(&n->f, &n->dst) > 100);
	assert_true(count_rows(&n->dst, "webhook_deliveries") > 0);
	assert_int_equal(count_rows(&n->dst, "blobs"), 1);
	assert_int_equal(count_rows(&n->dst, "sessions"), 1);
	assert_still_works(n, &n->dst);
	/* The feed goes on above every number it gave out; the triggers are back. */
	assert_int_equal(db_int(&n->dst, "SELECT seq FROM sqlite_sequence WHERE name = 'changes'"),
			 db_int(&n->f, "SELECT seq FROM sqlite_sequence WHERE name = 'changes'"));
	assert_int_equal(db_int(&n->dst, "SELECT count(*) FROM sqlite_schema WHERE type='trigger'"),
			 db_int(&n->f, "SELECT count(*) FROM sqlite_schema WHERE type='trigger'"));
	/* A backup never overwrites a file. */
	assert_int_equal(nz_app_backup(n->f.store, n->backup, &done, &n->f.err), NZ_EXISTS);
}

static void test_migrate_copies_every_table(void **state)
{
	newsroom *n = *state;
	nz_app_transfer done = {0};
	assert_int_equal(nz_app_migrate(n->f.store, n->dst.store, &done, &n->f.err), NZ_OK);
	assert_true(assert_same_tables(&n->f, &n->dst) > 100);
	assert_still_works(n, &n->dst);
	/* Again into the same target: refused, nothing doubled. */
	int64_t articles = count_rows(&n->dst, "articles");
	assert_int_equal(nz_app_migrate(n->f.store, n->dst.store, &done, &n->f.err), NZ_EXISTS);
	assert_non_null(strstr(n->f.err.msg, "not empty"));
	assert_int_equal(count_rows(&n->dst, "articles"), articles);
}

static void test_restore_refuses_a_database_with_data(void **state)
{
	newsroom *n = *state;
	nz_app_transfer t = {0};
	assert_int_equal(nz_app_backup(n->f.store, n->backup, &t, &n->f.err), NZ_OK);
	assert_int_equal(nz_app_restore(n->f.store, n->backup, &t, &n->f.err), NZ_EXISTS);
	assert_non_null(strstr(n->f.err.msg, "not empty"));
	assert_non_null(strstr(n->f.err.msg, "sections"));
}

/* Writes bytes as the whole of path. */
static void write_file(const char *path, const void *bytes, size_t len)
{
	FILE *fp = fopen(path, "wb");
	assert_non_null(fp);
	assert_int_equal(fwrite(bytes, 1, len, fp), len);
	fclose(fp);
}

/* The backup's bytes (malloc'd). */
static char *read_file(const char *path, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	assert_non_null(fp);
	fseek(fp, 0, SEEK_END);
	*len = (size_t)ftell(fp);
	rewind(fp);
	char *p = malloc(*len);
	assert_non_null(p);
	assert_int_equal(fread(p, 1, *len, fp), *len);
	fclose(fp);
	return p;
}

/* Restoring path fails naming what (and the target keeps nothing). */
static void assert_refused(newsroom *n, const char *path, const char *what)
{
	nz_app_transfer t = {0};
	nz_err err = {0};
	assert_int_not_equal(nz_app_restore(n->dst.store, path, &t, &err), NZ_OK);
	if (!strstr(err.msg, what))
		fail_msg("expected \"%s\" in: %s", what, err.msg);
	size_t nt = 0;
	const nz_transfer_table *tables = nz_store_transfer_tables(&nt);
	for (size_t i = 0; i < nt; i++)
		if (!tables[i].seeded)
			assert_int_equal(count_rows(&n->dst, tables[i].name), 0);
	assert_int_equal(db_int(&n->dst, "SELECT count(*) FROM sqlite_schema WHERE type='trigger'"),
			 db_int(&n->f, "SELECT count(*) FROM sqlite_schema WHERE type='trigger'"));
}

static void test_damaged_files_are_refused_and_change_nothing(void **state)
{
	newsroom *n = *state;
	nz_app_transfer t = {0};
	char path[180];
	size_t len = 0;
	assert_int_equal(nz_app_backup(n->f.store, n->backup, &t, &n->f.err), NZ_OK);
	char *bytes = read_file(n->backup, &len);
	snprintf(path, sizeof(path), "%s/bad.nzdump", n->f.dir);

	write_file(path, bytes, len * 2 / 3); /* cut short */
	assert_refused(n, path, "truncated");

	bytes[len / 2] ^= 0x55; /* one byte changed: gzip's check, or a line that fails */
	write_file(path, bytes, len);
	assert_refused(n, path, "damaged");

	write_file(path, "hello\n", 6);
	assert_refused(n, path, "not a Newszone backup");

	/* Whole and valid gzip, but rows that do not add up to the table's checksum. */
	gzFile gz = gzopen(path, "wb");
	gzFile in = gzopen(n->backup, "rb");
	char line[1 << 16];
	int lineno = 0;
	while (gzgets(in, line, sizeof(line))) {
		if (strncmp(line, "[1,\"", 4) == 0 && ++lineno == 2)
			line[5] ^= 1; /* a letter of one text value */
		gzputs(gz, line);
	}
	gzclose(in);
	gzclose(gz);
	assert_refused(n, path, "damaged");
	unlink(path);
	free(bytes);

	/* And the good file still restores into the same database afterwards. */
	assert_int_equal(nz_app_restore(n->dst.store, n->backup, &t, &n->dst.err), NZ_OK);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_backup_then_restore_gives_every_table_back, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_migrate_copies_every_table, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_restore_refuses_a_database_with_data, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_damaged_files_are_refused_and_change_nothing,
					    setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
