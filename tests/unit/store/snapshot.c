/* Tests src/store/snapshot.c: the JSON kept in every revision holds every field (null or [] when
 * unset, never absent), and the highlights column's JSON array reads back as written. */
#include <jansson.h>

#include "store/store_int.h"
#include "store/store_test.h"

static json_t *snapshot_of(const nz_article *a)
{
	char *text = NULL;
	nz_err err = {0};
	assert_int_equal(nz__store_snapshot(a, &text, &err), NZ_OK);
	json_t *root = json_loads(text, 0, NULL);
	free(text);
	assert_non_null(root);
	return root;
}

static const char *str_at(json_t *root, const char *path_a, size_t i, const char *key)
{
	json_t *v = json_object_get(root, path_a);
	if (json_is_array(v))
		v = json_array_get(v, i);
	if (key)
		v = json_object_get(v, key);
	return json_string_value(v);
}

static void test_snapshot_has_every_field(void **state)
{
	(void)state;
	nz_arena *arena = nz_arena_new();
	nz_article *a = sample_article(arena, "navies", "Navies train together");
	snprintf(a->uuid, sizeof(a->uuid), "%s", "0b0e1f3a-1c2d-4e5f-8a9b-0c1d2e3f4a5b");
	a->id = 7;
	a->revision = 3;
	json_t *root = snapshot_of(a);

	assert_int_equal(json_integer_value(json_object_get(root, "id")), 7);
	assert_string_equal(str_at(root, "uuid", 0, NULL), a->uuid);
	assert_string_equal(str_at(root, "status", 0, NULL), "published");
	assert_string_equal(str_at(root, "headline", 0, NULL), "Navies train together");
	assert_string_equal(str_at(root, "section", 0, "slug"), "defense");
	assert_string_equal(str_at(root, "highlights", 1, NULL), "한국어 요점: 합동 훈련");
	assert_string_equal(str_at(root, "authors", 0, "family_name"), "Maeng");
	assert_string_equal(str_at(root, "authors", 0, "name_order"), "eastern");
	assert_string_equal(str_at(root, "authors", 1, "email"), "jane@example.org");
	assert_true(json_is_null(
	    json_object_get(json_array_get(json_object_get(root, "authors"), 0), "email")));
	assert_true(json_is_null(
	    json_object_get(json_array_get(json_object_get(root, "media"), 0), "hash")));
	assert_string_equal(str_at(root, "media", 0, "caption"), a->media[0].caption);
	assert_string_equal(str_at(root, "tags", 1, "slug"), "busan");
	assert_string_equal(str_at(root, "import_notes", 1, NULL), "Reporter's note 국방");
	assert_int_equal(json_array_size(json_object_get(root, "corrections")), 0);
	assert_true(json_is_null(json_object_get(root, "translation_group")));
	assert_true(json_is_null(json_object_get(root, "embargo_until")));
	char when[48];
	assert_string_equal(str_at(root, "published_at", 0, NULL),
			    nz_time_rfc3339(a->published_at, when));
	assert_int_equal(json_integer_value(json_object_get(root, "revision")), 3);

	/* Every field is present even when unset. */
	nz_article bare = {.headline = "Bare", .slug = "bare"};
	json_decref(root);
	root = snapshot_of(&bare);
	static const char *const keys[] = {
	    "section",       "highlights_intro", "dateline", "copyright", "language",
	    "body_markdown", "publish_at",       "authors",  "media",     "import_notes"};
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (!json_object_get(root, keys[i]))
			fail_msg("snapshot lacks %s", keys[i]);
	assert_int_equal(json_array_size(json_object_get(root, "authors")), 0);
	json_decref(root);
	nz_arena_free(arena);
}

static void test_snapshot_refuses_invalid_utf8(void **state)
{
	(void)state;
	nz_article a = {.headline = "bad \xc3\x28 bytes", .slug = "bad"};
	char *text = (char *)"unchanged";
	nz_err err = {0};
	assert_int_equal(nz__store_snapshot(&a, &text, &err), NZ_INVAL);
	assert_null(text);
	assert_non_null(strstr(err.msg, "snapshot"));
}

static void test_highlights_json_round_trip(void **state)
{
	(void)state;
	nz_arena *arena = nz_arena_new();
	const char *in[] = {"First \"quoted\" point", "둘째: 요점", "back\\slash\nnewline"};
	char *text = NULL;
	const char **out = NULL;
	size_t n = 0;
	nz_err err = {0};

	assert_int_equal(nz__store_json_strings(in, 3, &text, &err), NZ_OK);
	assert_int_equal(nz__store_json_strings_parse(arena, text, &out, &n, &err), NZ_OK);
	free(text);
	assert_int_equal(n, 3);
	for (size_t i = 0; i < 3; i++)
		assert_string_equal(out[i], in[i]);

	assert_int_equal(nz__store_json_strings(NULL, 0, &text, &err), NZ_OK);
	assert_string_equal(text, "[]");
	free(text);
	assert_int_equal(nz__store_json_strings_parse(arena, "[]", &out, &n, &err), NZ_OK);
	assert_int_equal(n, 0);
	assert_int_equal(nz__store_json_strings_parse(arena, "{\"a\":1}", &out, &n, &err),
			 NZ_PARSE);
	assert_int_equal(nz__store_json_strings_parse(arena, "[\"a\", 2]", &out, &n, &err),
			 NZ_PARSE);
	assert_non_null(strstr(err.msg, "highlights[1]"));
	assert_int_equal(nz__store_json_strings_parse(arena, "[\"unterminated", &out, &n, &err),
			 NZ_PARSE);
	nz_arena_free(arena);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_snapshot_has_every_field),
	    cmocka_unit_test(test_snapshot_refuses_invalid_utf8),
	    cmocka_unit_test(test_highlights_json_round_trip),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
