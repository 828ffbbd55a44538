/*
 * Tests for store/sqlite/outbox_webhooks.c and store/outbox.c: hooks are checked and normalised,
 * the audit_log triggers enqueue one delivery per subscribed active hook (and a purge delivery with
 * the article's keys when purge_url is set) in the writer's transaction, claims lease their
 * rows, attempts are recorded, and deleting a hook takes its deliveries with it.
 */
#include <jansson.h>

#include "store/store_test.h"

/* An audit row as the back office writes it, through a separate connection. */
static void audit(const fixture *f, const char *action, int64_t article_id)
{
	char sql[256];
	snprintf(sql, sizeof sql,
		 "INSERT INTO audit_log(at, action, object_type, object_id, article_id)"
		 " VALUES (1780000000, '%s', 'article', %lld, %lld)",
		 action, (long long)article_id, (long long)article_id);
	assert_int_equal(db_exec(f, sql), SQLITE_OK);
}

static int64_t add_hook(fixture *f, const char *url, const char *events)
{
	nz_webhook h = {.url = url, .events = events};
	assert_int_equal(nz_store_webhook_create(f->store, f->arena, &h, &f->err), NZ_OK);
	return h.id;
}

static void test_create_checks_and_normalises(void **state)
{
	fixture *f = *state;
	nz_webhook h = {.url = "https://partner.example/hooks/news",
			.events = " article.retracted, article.published article.published"};
	assert_int_equal(nz_store_webhook_create(f->store, f->arena, &h, &f->err), NZ_OK);
	assert_true(h.id > 0);
	assert_string_equal(h.events, "article.published,article.retracted");
	assert_int_equal(strlen(h.secret), 6 + 64);
	assert_memory_equal(h.secret, "whsec_", 6);
	nz_webhook h2 = {.url = "http://127.0.0.1:9/x", .events = "article.updated"};
	assert_int_equal(nz_store_webhook_create(f->store, f->arena, &h2, &f->err), NZ_OK);
	assert_string_not_equal(h.secret, h2.secret);

	const char *bad[][2] = {
	    {"ftp://x.example/", "article.published"},
	    {"http://", "article.published"},
	    {"https://x.example/a b", "article.published"},
	    {"", "article.published"},
	    {"https://x.example/", "article.deleted"},
	    {"https://x.example/", " , "},
	    {"https://x.example/", NULL},
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		nz_webhook b = {.url = bad[i][0], .events = bad[i][1]};
		assert_int_equal(nz_store_webhook_create(f->store, f->arena, &b, &f->err),
				 NZ_INVAL);
	}
	nz_webhook weak = {
	    .url = "https://x.example/", .events = "article.published", .secret = "short"};
	assert_int_equal(nz_store_webhook_create(f->store, f->arena, &weak, &f->err), NZ_INVAL);
	assert_int_equal(count_rows(f, "webhooks"), 2);

	nz_webhook *list = NULL;
	size_t n = 0;
	assert_int_equal(nz_store_webhook_list(f->store, f->arena, &list, &n, &f->err), NZ_OK);
	assert_int_equal(n, 2);
	assert_string_equal(list[0].url, "https://partner.example/hooks/news");
	assert_string_equal(list[0].secret, h.secret);
	assert_true(list[1].active);
	nz_webhook *one = NULL;
	assert_int_equal(nz_store_webhook_get(f->store, f->arena, h2.id, &one, &f->err), NZ_OK);
	assert_string_equal(one->events, "article.updated");
	assert_int_equal(nz_store_webhook_get(f->store, f->arena, 999, &one, &f->err), NZ_NOTFOUND);
}

static void test_audit_rows_enqueue_deliveries(void **state)
{
	fixture *f = *state;
	int64_t a = add_hook(f, "https://a.example/", "article.published,article.corrected");
	int64_t b = add_hook(f, "https://b.example/", "article.retracted");
	add_hook(f, "https://c.example/", "article.published");
	assert_int_equal(db_exec(f, "UPDATE webhooks SET active = 0 WHERE url LIKE '%c.example%'"),
			 SQLITE_OK);
	audit(f, "article.published", 7);
	audit(f, "article.created", 7);   /* not a webhook event */
	audit(f, "article.submitted", 7); /* nor this */
	audit(f, "article.corrected", 7);
	audit(f, "article.retracted", 7);
	assert_int_equal(count_rows(f, "webhook_deliveries"), 3);
	/* No purge hook configured: nothing for it. */
	assert_int_equal(
	    db_int(f, "SELECT count(*) FROM webhook_deliveries WHERE webhook_id IS NULL"), 0);

	nz_delivery *d = NULL;
	size_t n = 0;
	nz_delivery_query q = {.webhook_id = a};
	assert_int_equal(nz_store_delivery_list(f->store, f->arena, &q, &d, &n, &f->err), NZ_OK);
	assert_int_equal(n, 2);
	assert_string_equal(d[0].event, "article.corrected"); /* newest first */
	assert_string_equal(d[1].event, "article.published");
	assert_int_equal(d[1].article_id, 7);
	assert_int_equal(d[1].status, NZ_DELIVERY_PENDING);
	assert_int_equal(d[1].next_attempt_ms, 1780000000000LL);
	assert_string_equal(d[1].url, "https://a.example/");
	assert_null(d[1].payload);
	q.webhook_id = b;
	assert_int_equal(nz_store_delivery_list(f->store, f->arena, &q, &d, &n, &f->err), NZ_OK);
	assert_int_equal(n, 1);
	assert_string_equal(d[0].event, "article.retracted");

	/* Deleting a hook takes its deliveries. */
	assert_int_equal(nz_store_webhook_delete(f->store, a, &f->err), NZ_OK);
	assert_int_equal(count_rows(f, "webhook_deliveries"), 1);
	assert_int_equal(nz_store_webhook_delete(f->store, a, &f->err), NZ_NOTFOUND);
}

static void test_purge_hook_gets_the_article_keys(void **state)
{
	fixture *f = *state;
	nz_article *art = sample_article(f->arena, "navies-meet", "Navies meet in Busan");
	assert_int_equal(nz_store_article_create(f->store, f->arena, art, NULL, &f->err), NZ_OK);
	assert_int_equal(
	    nz_store_setting_set(f->store, "purge_url", "http://cdn.example/purge", &f->err),
	    NZ_OK);
	audit(f, "article.published", art->id);
	audit(f, "article.submitted", art->id);
	nz_delivery *d = NULL;
	size_t n = 0;
	nz_delivery_query q = {.webhook_id = -1};
	assert_int_equal(nz_store_delivery_list(f->store, f->arena, &q, &d, &n, &f->err), NZ_OK);
	assert_int_equal(n, 1);
	assert_int_equal(d[0].webhook_id, 0);
	nz_delivery *claimed = NULL;
	assert_int_equal(nz_store_delivery_claim(f->store, f->arena,
						 &(nz_delivery_claim){1780000000000LL, 60000, 10},
						 &claimed, &n, &f->err),
			 NZ_OK);
	assert_int_equal(n, 1);
	json_t *body = json_loads(claimed[0].payload, 0, NULL);
	assert_non_null(body);
	assert_string_equal(json_string_value(json_object_get(body, "event")), "article.published");
	json_t *keys = json_object_get(body, "keys");
	char want[7][32];
	snprintf(want[0], 32, "article-%lld", (long long)art->id);
	snprintf(want[1], 32, "section-%lld", (long long)art->section->id);
	snprintf(want[2], 32, "tag-%lld", (long long)art->tags[0].id);
	snprintf(want[3], 32, "tag-%lld", (long long)art->tags[1].id);
	snprintf(want[4], 32, "author-%lld", (long long)art->authors[0].id);
	snprintf(want[5], 32, "author-%lld", (long long)art->authors[1].id);
	snprintf(want[6], 32, "front");
	assert_int_equal(json_array_size(keys), 7);
	for (size_t i = 0; i < 7; i++) {
		bool found = false;
		for (size_t k = 0; k < json_array_size(keys); k++)
			found |= strcmp(json_string_value(json_array_get(keys, k)), want[i]) == 0;
		assert_true(found);
	}
	json_decref(body);
	nz_delivery_config cfg;
	assert_int_equal(nz_store_delivery_config(f->store, f->arena, &cfg, &f->err), NZ_OK);
	assert_string_equal(cfg.purge_url, "http://cdn.example/purge");
	assert_null(cfg.purge_secret);
	assert_int_equal(cfg.backoff_ms, 10000);
}

static void test_claim_record_and_retry(void **state)
{
	fixture *f = *state;
	int64_t id = add_hook(f, "https://a.example/", "article.published");
	audit(f, "article.published", 3);
	audit(f, "article.published", 4);
	const int64_t t = 1780000000000LL;
	nz_delivery *d = NULL;
	size_t n = 0;
	int64_t next = 0;
	assert_int_equal(nz_store_delivery_claim(f->store, f->arena,
						 &(nz_delivery_claim){t - 1, 60000, 10}, &d, &n,
						 &f->err),
			 NZ_OK);
	assert_int_equal(n, 0); /* not due yet */
	assert_int_equal(nz_store_delivery_claim(f->store, f->arena,
						 &(nz_delivery_claim){t, 60000, 1}, &d, &n,
						 &f->err),
			 NZ_OK);
	assert_int_equal(n, 1);
	assert_int_equal(d[0].webhook_id, id);
	assert_int_equal(d[0].article_id, 3);
	assert_int_equal(strlen(d[0].secret), 70);
	int64_t first = d[0].id;
	/* Leased: the other one comes next, this one not until the lease ends. */
	assert_int_equal(nz_store_delivery_claim(f->store, f->arena,
						 &(nz_delivery_claim){t, 60000, 10}, &d, &n,
						 &f->err),
			 NZ_OK);
	assert_int_equal(n, 1);
	assert_int_equal(d[0].article_id, 4);
	assert_int_equal(nz_store_delivery_claim(f->store, f->arena,
						 &(nz_delivery_claim){t + 1000, 60000, 10}, &d, &n,
						 &f->err),
			 NZ_OK);
	assert_int_equal(n, 0);

	assert_int_equal(nz_store_delivery_set_payload(f->store, first, "{\"a\":1}", &f->err),
			 NZ_OK);
	assert_int_equal(nz_store_delivery_set_payload(f->store, first, "{\"b\":2}", &f->err),
			 NZ_OK);
	nz_delivery_result r = {.id = first,
				.at_ms = t + 10,
				.http_status = 500,
				.error = "HTTP 500",
				.next_attempt_ms = t + 200};
	assert_int_equal(nz_store_delivery_record(f->store, &r, &f->err), NZ_OK);
	assert_int_equal(nz_store_delivery_next_due(f->store, &next, &f->err), NZ_OK);
	assert_int_equal(next, t + 200);
	assert_int_equal(nz_store_delivery_claim(f->store, f->arena,
						 &(nz_delivery_claim){t + 200, 60000, 10}, &d, &n,
						 &f->err),
			 NZ_OK);
	assert_int_equal(n, 1);
	assert_int_equal(d[0].attempts, 1);
	assert_int_equal(d[0].last_status, 500);
	assert_string_equal(d[0].last_error, "HTTP 500");
	assert_string_equal(d[0].payload, "{\"a\":1}"); /* the first body stays */

	r = (nz_delivery_result){.id = first, .at_ms = t + 300, .http_status = 204, .delivered = 1};
	assert_int_equal(nz_store_delivery_record(f->store, &r, &f->err), NZ_OK);
	assert_int_equal(db_int(f, "SELECT count(*) FROM webhook_attempts"), 2);
	nz_delivery_query q = {.webhook_id = id};
	assert_int_equal(nz_store_delivery_list(f->store, f->arena, &q, &d, &n, &f->err), NZ_OK);
	assert_int_equal(n, 2);
	assert_int_equal(d[1].status, NZ_DELIVERY_DELIVERED);
	assert_int_equal(d[1].attempts, 2);
	assert_null(d[1].last_error);
	assert_int_equal(d[1].delivered_at, (t + 300) / 1000);

	/* Giving up: next_attempt_ms 0 marks it failed; nothing stays pending after that. */
	r = (nz_delivery_result){.id = d[0].id, .at_ms = t + 400, .error = "timeout"};
	assert_int_equal(nz_store_delivery_record(f->store, &r, &f->err), NZ_OK);
	assert_int_equal(nz_store_delivery_list(f->store, f->arena, &q, &d, &n, &f->err), NZ_OK);
	assert_int_equal(d[0].status, NZ_DELIVERY_FAILED);
	assert_string_equal(nz_delivery_status_name(d[0].status), "failed");
	assert_int_equal(nz_store_delivery_next_due(f->store, &next, &f->err), NZ_NOTFOUND);
}

static void test_postpone_and_config(void **state)
{
	fixture *f = *state;
	add_hook(f, "https://a.example/", "article.updated");
	audit(f, "article.updated", 3);
	nz_delivery *d = NULL;
	size_t n = 0;
	nz_delivery_query q = {0};
	assert_int_equal(nz_store_delivery_list(f->store, f->arena, &q, &d, &n, &f->err), NZ_OK);
	assert_int_equal(nz_store_delivery_postpone(f->store, d[0].id, 1790000000000LL, &f->err),
			 NZ_OK);
	int64_t next = 0;
	assert_int_equal(nz_store_delivery_next_due(f->store, &next, &f->err), NZ_OK);
	assert_int_equal(next, 1790000000000LL);
	assert_int_equal(db_int(f, "SELECT attempts FROM webhook_deliveries"), 0);

	nz_delivery_config cfg;
	assert_int_equal(nz_store_setting_set(f->store, "webhook_backoff_ms", "200", &f->err),
			 NZ_OK);
	assert_int_equal(nz_store_setting_set(f->store, "purge_secret", "s3cret-s3cret", &f->err),
			 NZ_OK);
	assert_int_equal(nz_store_delivery_config(f->store, f->arena, &cfg, &f->err), NZ_OK);
	assert_int_equal(cfg.backoff_ms, 200);
	assert_null(cfg.purge_url);
	assert_string_equal(cfg.purge_secret, "s3cret-s3cret");
	assert_int_equal(nz_store_setting_set(f->store, "webhook_backoff_ms", "soon", &f->err),
			 NZ_OK);
	assert_int_equal(nz_store_delivery_config(f->store, f->arena, &cfg, &f->err), NZ_OK);
	assert_int_equal(cfg.backoff_ms, 10000);
}

static void test_read_only_refuses_writes(void **state)
{
	fixture *f = *state;
	nz_store *ro = NULL;
	assert_int_equal(nz_store_open(f->path, NZ_STORE_READONLY, &ro, &f->err), NZ_OK);
	nz_webhook h = {.url = "https://a.example/", .events = "article.published"};
	assert_int_equal(nz_store_webhook_create(ro, f->arena, &h, &f->err), NZ_PERM);
	nz_delivery *d = NULL;
	size_t n = 0;
	assert_int_equal(
	    nz_store_delivery_claim(ro, f->arena, &(nz_delivery_claim){0, 1, 1}, &d, &n, &f->err),
	    NZ_PERM);
	nz_store_close(ro);
}

/* The event list joined is NZ_WEBHOOK_EVENTS; a status outside the list reads "pending". */
static void test_event_and_status_names(void **state)
{
	(void)state;
	char joined[sizeof NZ_WEBHOOK_EVENTS] = "";
	for (size_t i = 0; i < NZ_WEBHOOK_N_EVENTS; i++) {
		if (i)
			strcat(joined, ",");
		strcat(joined, nz_webhook_event_name(i));
	}
	assert_string_equal(joined, NZ_WEBHOOK_EVENTS);
	assert_string_equal(nz_delivery_status_name(NZ_DELIVERY_DELIVERED), "delivered");
	assert_string_equal(nz_delivery_status_name((nz_delivery_status)7), "pending");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_event_and_status_names),
	    cmocka_unit_test_setup_teardown(test_create_checks_and_normalises, fixture_setup,
					    fixture_teardown),
	    cmocka_unit_test_setup_teardown(test_audit_rows_enqueue_deliveries, fixture_setup,
					    fixture_teardown),
	    cmocka_unit_test_setup_teardown(test_purge_hook_gets_the_article_keys, fixture_setup,
					    fixture_teardown),
	    cmocka_unit_test_setup_teardown(test_claim_record_and_retry, fixture_setup,
					    fixture_teardown),
	    cmocka_unit_test_setup_teardown(test_postpone_and_config, fixture_setup,
					    fixture_teardown),
	    cmocka_unit_test_setup_teardown(test_read_only_refuses_writes, fixture_setup,
					    fixture_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
