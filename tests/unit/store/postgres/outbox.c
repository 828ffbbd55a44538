/*
 * Tests src/store/postgres/outbox_changes.c and outbox_webhooks.c against a real server, with
 * articles written in plain SQL (so they run before the articles aggregate does): a claim skips
 * a delivery another connection holds locked and leases what it takes; two nodes claiming at
 * once take each delivery once; the change feed is read, ticked, pruned and reports a gap as on
 * SQLite (the contract tests tests/unit/store/outbox_*.c say the rest).
 */
#include <pthread.h>

#include "store/postgres/pg_test.h"

static nz_store *open_store(pg_fixture *f)
{
	nz_store *s = NULL;
	if (nz__pg_open(f->conninfo, NZ_STORE_CREATE, &s, &f->err) != NZ_OK)
		fail_msg("open: %s", f->err.msg);
	return s;
}

static void test_claim_skips_locked_rows_and_leases(void **state)
{
	pg_fixture *f = *state;
	nz_store *s = open_store(f);
	nz_arena *arena = nz_arena_new();
	nz_delivery *d = NULL;
	size_t n = 0;
	const int64_t t = 1780000000000LL;

	pg_ok(f->conn,
	      "INSERT INTO webhooks(url, secret, events, created_at)"
	      " VALUES ('https://a.example/', 'whsec_0123456789abcdef', 'article.updated', 0)");
	for (int i = 1; i <= 3; i++) {
		char sql[160];
		snprintf(sql, sizeof sql,
			 "INSERT INTO audit_log(at, action, article_id) VALUES (1780000000,"
			 " 'article.updated', %d)",
			 i);
		pg_ok(f->conn, sql);
	}
	assert_int_equal(pg_int(f->conn, "SELECT count(*) FROM webhook_deliveries"), 3);
	/* Another node is sending the first one: its row is locked. */
	pg_ok(f->conn, "BEGIN");
	pg_ok(f->conn, "SELECT 1 FROM webhook_deliveries WHERE article_id = 1 FOR UPDATE");
	assert_int_equal(
	    nz_store_delivery_claim(s, arena, &(nz_delivery_claim){t, 60000, 10}, &d, &n, &f->err),
	    NZ_OK);
	assert_int_equal(n, 2);
	assert_int_equal(d[0].article_id, 2); /* in id order, as on SQLite */
	assert_int_equal(d[1].article_id, 3);
	assert_string_equal(d[0].url, "https://a.example/");
	assert_string_equal(d[0].secret, "whsec_0123456789abcdef");
	assert_null(d[0].payload);
	assert_int_equal(d[0].next_attempt_ms, t + 60000);
	pg_ok(f->conn, "ROLLBACK");
	/* Free again: only it is due; the other two are leased. */
	assert_int_equal(
	    nz_store_delivery_claim(s, arena, &(nz_delivery_claim){t, 60000, 10}, &d, &n, &f->err),
	    NZ_OK);
	assert_int_equal(n, 1);
	assert_int_equal(d[0].article_id, 1);
	assert_int_equal(
	    nz_store_delivery_claim(s, arena, &(nz_delivery_claim){t, 60000, 10}, &d, &n, &f->err),
	    NZ_OK);
	assert_int_equal(n, 0);
	nz_arena_free(arena);
	nz_store_close(s);
}

/* One node's delivery worker: claims two at a time until nothing is left, noting each id. */
typedef struct worker {
	pg_fixture *f;
	int claimed[64];
	int n;
	nz_rc rc;
} worker;

static void *claim_all(void *arg)
{
	worker *w = arg;
	nz_store *s = NULL;
	nz_arena *arena = nz_arena_new();
	nz_err err = {0};
	nz_delivery *d = NULL;
	size_t n = 1;
	w->rc = nz__pg_open(w->f->conninfo, 0, &s, &err);
	while (!w->rc && n > 0) {
		w->rc = nz_store_delivery_claim(
		    s, arena, &(nz_delivery_claim){1780000000000LL, 600000, 2}, &d, &n, &err);
		for (size_t i = 0; !w->rc && i < n && w->n < 64; i++)
			w->claimed[w->n++] = (int)d[i].id;
	}
	nz_store_close(s);
	nz_arena_free(arena);
	return NULL;
}

static void test_two_nodes_claim_each_delivery_once(void **state)
{
	pg_fixture *f = *state;
	nz_store *s = open_store(f); /* migrates */
	nz_store_close(s);
	pg_ok(f->conn,
	      "INSERT INTO webhooks(url, secret, events, created_at)"
	      " VALUES ('https://a.example/', 'whsec_0123456789abcdef', 'article.updated', 0)");
	pg_ok(f->conn, "INSERT INTO audit_log(at, action, article_id)"
		       " SELECT 1780000000, 'article.updated', g FROM generate_series(1, 40) AS g");
	worker w[2] = {{.f = f}, {.f = f}};
	pthread_t t[2];
	for (int i = 0; i < 2; i++)
		assert_int_equal(pthread_create(&t[i], NULL, claim_all, &w[i]), 0);
	for (int i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
	assert_int_equal(w[0].rc, NZ_OK);
	assert_int_equal(w[1].rc, NZ_OK);
	assert_int_equal(w[0].n + w[1].n, 40);
	bool seen[41] = {false};
	for (int i = 0; i < 2; i++)
		for (int k = 0; k < w[i].n; k++) {
			int id = w[i].claimed[k];
			assert_true(id >= 1 && id <= 40);
			assert_false(seen[id]);
			seen[id] = true;
		}
}

/* The keys after *from, in the order read, one line each; advances *from. */
static void keys_since(nz_store *s, nz_arena *arena, int64_t *from, char *out, size_t size)
{
	const char **keys = NULL;
	size_t n = 0, len = 0;
	nz_err err = {0};
	int64_t upto = -1;
	assert_int_equal(nz_store_changes_since(s, arena, *from, &upto, &keys, &n, &err), NZ_OK);
	*from = upto;
	out[0] = '\0';
	for (size_t i = 0; i < n; i++)
		len += (size_t)snprintf(out + len, size - len, "%s%s", len ? " " : "", keys[i]);
}

static void test_change_feed_tick_and_prune(void **state)
{
	pg_fixture *f = *state;
	nz_store *s = open_store(f);
	nz_arena *arena = nz_arena_new();
	nz_time now = nz_time_now(), at = 0;
	int64_t from = -1, seq = 0;
	size_t n = 99;
	char keys[256], sql[320];

	assert_int_equal(nz_store_change_seq(s, &from, &f->err), NZ_OK);
	assert_int_equal(from, 0);
	assert_int_equal(nz_store_change_next_due(s, &at, &f->err), NZ_NOTFOUND);
	snprintf(sql, sizeof sql,
		 "INSERT INTO articles(id, uuid, slug, language, status, headline, published_at,"
		 " embargo_until, updated_at, created_at) VALUES (7, 'u7', 'a7', 'en', 'published',"
		 " 'H', %lld, %lld, %lld, 1)",
		 (long long)now - 10, (long long)now + 5, (long long)now - 10);
	pg_ok(f->conn, sql);
	keys_since(s, arena, &from, keys, sizeof keys);
	assert_true(strstr(keys, "article-7") && strstr(keys, "front"));
	assert_int_equal(nz_store_change_next_due(s, &at, &f->err), NZ_OK);
	assert_int_equal(at, now + 5);

	/* Nothing due yet: no write; then the embargo passes, once. */
	assert_int_equal(nz_store_change_tick(s, now, &n, &f->err), NZ_OK);
	assert_int_equal(n, 0);
	keys_since(s, arena, &from, keys, sizeof keys);
	assert_string_equal(keys, "");
	assert_int_equal(nz_store_change_tick(s, now + 5, &n, &f->err), NZ_OK);
	assert_int_equal(n, 1);
	keys_since(s, arena, &from, keys, sizeof keys);
	assert_true(strstr(keys, "article-7") && strstr(keys, "front"));
	assert_int_equal(nz_store_change_tick(s, now + 6, &n, &f->err), NZ_OK);
	assert_int_equal(n, 0);
	assert_int_equal(nz_store_change_next_due(s, &at, &f->err), NZ_NOTFOUND);

	/* Pruning everything old keeps the newest row; a reader from before hears "settings". */
	pg_ok(f->conn, "UPDATE changes SET at = at - 30 * 86400");
	assert_int_equal(nz_store_change_seq(s, &seq, &f->err), NZ_OK);
	assert_int_equal(nz_store_changes_prune(s, now, &n, &f->err), NZ_OK);
	assert_true(n > 0);
	assert_int_equal(pg_int(f->conn, "SELECT count(*) FROM changes"), 1);
	int64_t again = 0;
	assert_int_equal(nz_store_change_seq(s, &again, &f->err), NZ_OK);
	assert_int_equal(again, seq);
	int64_t old = 0;
	keys_since(s, arena, &old, keys, sizeof keys);
	assert_non_null(strstr(keys, "settings"));
	assert_int_equal(old, seq);
	/* A position past the newest (a restored backup) hears it too. */
	int64_t ahead = seq + 100;
	keys_since(s, arena, &ahead, keys, sizeof keys);
	assert_string_equal(keys, "settings");
	nz_arena_free(arena);
	nz_store_close(s);
}

int main(void)
{
	if (pg_test_require_server("store/postgres/outbox"))
		return 1;
#define T(fn) cmocka_unit_test_setup_teardown(fn, pg_fixture_setup, pg_fixture_teardown)
	const struct CMUnitTest tests[] = {
	    T(test_claim_skips_locked_rows_and_leases),
	    T(test_two_nodes_claim_each_delivery_once),
	    T(test_change_feed_tick_and_prune),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
