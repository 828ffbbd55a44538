/*
 * Tests for jobs/webhooks: the signature (an RFC 4231 HMAC-SHA256 vector, and a secret longer
 * than a block), the retry schedule, and the payload built from a real store: a public article
 * in the API's shape, an article under embargo held back, one no longer public reduced to a
 * stub, and a deleted one as null.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include <jansson.h>

#include "jobs/jobs_int.h"

static void test_signature(void **state)
{
	(void)state;
	char sig[NZ__SIGNATURE_MAX];
	const char *data = "what do ya want for nothing?";
	nz__webhook_sign("Jefe", data, strlen(data), sig);
	assert_string_equal(sig, "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b9"
				 "64ec3843");
	/* RFC 4231 test case 6: a 131-byte key. */
	char key[132];
	memset(key, 0xaa, 131);
	key[131] = '\0';
	const char *big = "Test Using Larger Than Block-Size Key - Hash Key First";
	nz__webhook_sign(key, big, strlen(big), sig);
	assert_string_equal(sig, "sha256=60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f"
				 "0ee37f54");
	char other[NZ__SIGNATURE_MAX];
	nz__webhook_sign("Jefe", data, strlen(data) - 1, other);
	assert_string_not_equal(sig, other);
}

static void test_backoff_schedule(void **state)
{
	(void)state;
	const int64_t want[] = {10000, 30000, 120000, 600000, 3600000, 21600000, 86400000};
	for (int i = 0; i < 7; i++)
		assert_int_equal(nz__webhook_backoff(10000, i + 1), want[i]);
	assert_int_equal(nz__webhook_backoff(10000, 20), 86400000);
	assert_int_equal(nz__webhook_backoff(200, 1), 200);
	assert_int_equal(nz__webhook_backoff(200, 2), 600);
	assert_int_equal(nz__webhook_backoff(200, 0), 200);
}

typedef struct fixture {
	char dir[64], path[128];
	nz_store *store;
	nz_arena *arena;
	nz_err err;
} fixture;

static int setup(void **state)
{
	fixture *f = calloc(1, sizeof *f);
	snprintf(f->dir, sizeof f->dir, "/tmp/nz-hooks-XXXXXX");
	if (!mkdtemp(f->dir))
		return -1;
	snprintf(f->path, sizeof f->path, "%s/news.db", f->dir);
	f->arena = nz_arena_new();
	if (nz_store_open(f->path, NZ_STORE_CREATE, &f->store, &f->err) != NZ_OK)
		return -1;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fixture *f = *state;
	char p[160];
	nz_store_close(f->store);
	nz_arena_free(f->arena);
	for (const char *const *s = (const char *const[]){"", "-wal", "-shm", NULL}; *s; s++) {
		snprintf(p, sizeof p, "%s%s", f->path, *s);
		unlink(p);
	}
	rmdir(f->dir);
	free(f);
	return 0;
}

static int64_t store_article(fixture *f, const char *slug, nz_status status, nz_time embargo)
{
	nz_article *a = nz_arena_zalloc(f->arena, sizeof *a);
	a->slug = slug;
	a->headline = "Navies train together off Busan";
	a->language = "en";
	a->status = status;
	a->body_markdown = "The navies met.";
	a->published_at = status == NZ_STATUS_DRAFT ? 0 : 1780000000;
	a->created_at = a->updated_at = 1780000000;
	a->embargo_until = embargo;
	assert_int_equal(nz_store_article_create(f->store, f->arena, a, NULL, &f->err), NZ_OK);
	return a->id;
}

static json_t *payload(fixture *f, int64_t article_id, nz_time now, nz_time *hold)
{
	nz_delivery d = {.id = 41,
			 .event = "article.published",
			 .article_id = article_id,
			 .revision = 1,
			 .created_at = 1780000000};
	char *s = NULL;
	assert_int_equal(nz__webhook_payload(f->store, f->arena, &d, now, &s, hold, &f->err),
			 NZ_OK);
	if (!s)
		return NULL;
	json_t *v = json_loads(s, 0, NULL);
	free(s);
	assert_non_null(v);
	return v;
}

static void test_payload(void **state)
{
	fixture *f = *state;
	nz_time hold = 0;
	int64_t pub = store_article(f, "navies-train", NZ_STATUS_PUBLISHED, 0);
	json_t *v = payload(f, pub, 1780000100, &hold);
	assert_int_equal(hold, 0);
	assert_int_equal(json_integer_value(json_object_get(v, "id")), 41);
	assert_string_equal(json_string_value(json_object_get(v, "event")), "article.published");
	assert_string_equal(json_string_value(json_object_get(v, "occurred_at")),
			    "2026-05-28T20:26:40Z");
	assert_int_equal(json_integer_value(json_object_get(v, "article_id")), pub);
	json_t *a = json_object_get(v, "article");
	assert_string_equal(json_string_value(json_object_get(a, "headline")),
			    "Navies train together off Busan");
	assert_non_null(json_object_get(a, "body_html"));
	assert_non_null(json_object_get(a, "url"));
	json_decref(v);

	/* Under embargo: nothing to send before it passes. */
	int64_t emb = store_article(f, "embargoed", NZ_STATUS_PUBLISHED, 1780009999);
	assert_null(payload(f, emb, 1780000100, &hold));
	assert_int_equal(hold, 1780009999);
	v = payload(f, emb, 1780010000, &hold);
	assert_int_equal(hold, 0);
	assert_non_null(json_object_get(json_object_get(v, "article"), "body_markdown"));
	json_decref(v);

	/* No longer public: only who it is and its status. */
	int64_t draft = store_article(f, "pulled-back", NZ_STATUS_DRAFT, 0);
	v = payload(f, draft, 1780000100, &hold);
	a = json_object_get(v, "article");
	assert_int_equal(json_object_size(a), 4);
	assert_string_equal(json_string_value(json_object_get(a, "status")), "draft");
	assert_string_equal(json_string_value(json_object_get(a, "slug")), "pulled-back");
	assert_null(json_object_get(a, "body_markdown"));
	json_decref(v);

	v = payload(f, 9999, 1780000100, &hold);
	assert_true(json_is_null(json_object_get(v, "article")));
	json_decref(v);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_signature),
	    cmocka_unit_test(test_backoff_schedule),
	    cmocka_unit_test_setup_teardown(test_payload, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
