/*
 * Tests for render/json.c: the API's article shape. Every stable field is present, missing values
 * are null or [], times are RFC 3339 UTC, URLs absolute, Korean text intact.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "fixtures.h"
#include "render/render.h"

static const char *const stable_fields[] = {
    "id",
    "uuid",
    "slug",
    "url",
    "language",
    "status",
    "section",
    "headline",
    "highlights_intro",
    "highlights",
    "dateline",
    "body_markdown",
    "body_html",
    "authors",
    "copyright",
    "media",
    "tags",
    "published_at",
    "updated_at",
    "revision",
    "import_notes",
    "embargo_until",
    "corrections",
    "translation_group",
};

static int setup(void **state)
{
	*state = nz_arena_new();
	return *state ? 0 : -1;
}

static int teardown(void **state)
{
	nz_arena_free(*state);
	return 0;
}

static const char *str(const json_t *o, const char *key)
{
	const json_t *v = json_object_get(o, key);
	assert_true(json_is_string(v));
	return json_string_value(v);
}

static void full_article(void **state)
{
	nz_site site = fx_site();
	nz_article a = fx_article_en(*state);
	json_t *j = nz_json_article(&site, &a);
	assert_non_null(j);
	for (size_t i = 0; i < sizeof stable_fields / sizeof stable_fields[0]; i++)
		assert_non_null(json_object_get(j, stable_fields[i]));
	assert_int_equal(json_integer_value(json_object_get(j, "id")), 42);
	assert_string_equal(str(j, "uuid"), a.uuid);
	assert_string_equal(str(j, "url"),
			    "https://news.example/article/allies-agree-on-joint-port-drills");
	assert_string_equal(str(j, "status"), "published");
	assert_string_equal(str(json_object_get(j, "section"), "slug"), "defense");
	assert_string_equal(str(json_object_get(j, "section"), "name"), "Defense");
	assert_string_equal(str(j, "highlights_intro"), "At the harbor ministers' talks:");
	assert_int_equal(json_array_size(json_object_get(j, "highlights")), 2);
	assert_string_equal(str(j, "published_at"), "2026-03-17T09:30:00Z");
	assert_string_equal(str(j, "updated_at"), "2026-03-17T09:30:00Z");
	assert_int_equal(json_integer_value(json_object_get(j, "revision")), 3);
	assert_non_null(strstr(str(j, "body_html"), "<strong>hotline</strong>"));

	json_t *authors = json_object_get(j, "authors");
	assert_int_equal(json_array_size(authors), 2);
	json_t *first = json_array_get(authors, 0);
	assert_string_equal(str(first, "slug"), "maeng-su-yeol");
	assert_string_equal(str(first, "name"), "Maeng Su-Yeol");
	assert_string_equal(str(first, "family_name"), "Maeng");
	assert_string_equal(str(first, "given_name"), "Su-Yeol");
	assert_true(json_is_null(json_object_get(first, "email")));
	assert_string_equal(str(json_array_get(authors, 1), "name"), "Jane Doe");
	assert_string_equal(str(json_array_get(authors, 1), "email"), "jane@example.org");

	json_t *m = json_array_get(json_object_get(j, "media"), 0);
	assert_string_equal(str(m, "url"),
			    "https://news.example/media/"
			    "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08.jpg");
	assert_string_equal(str(m, "caption"), "Ministers shake hands at the port authority");
	assert_string_equal(str(m, "credit"), "Kim Ara");
	assert_string_equal(str(m, "alt"), "Two ministers shaking hands in front of flags");
	/* its renditions: the ladder up to 1200 px in three formats, the crops, the full copy */
	json_t *rs = json_object_get(m, "renditions");
	assert_int_equal(json_array_size(rs), 5 * 3 + 4 + 1);
	json_t *r0 = json_array_get(rs, 0);
	assert_string_equal(str(r0, "path"),
			    "/media/"
			    "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b"
			    "0f00a08.w320.avif");
	assert_string_equal(str(r0, "url"),
			    "https://news.example/media/"
			    "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b"
			    "0f00a08.w320.avif");
	assert_string_equal(str(r0, "type"), "image/avif");
	assert_int_equal(json_integer_value(json_object_get(r0, "width")), 320);
	assert_int_equal(json_integer_value(json_object_get(r0, "height")), 213);

	json_t *tag = json_array_get(json_object_get(j, "tags"), 1);
	assert_string_equal(str(tag, "slug"), "navy");
	assert_string_equal(str(tag, "name"), "navy");
	json_decref(j);
}

static void missing_values_are_null_or_empty(void **state)
{
	(void)state;
	nz_site site = fx_site();
	nz_article a = fx_article_bare();
	json_t *j = nz_json_article(&site, &a);
	assert_non_null(j);
	for (size_t i = 0; i < sizeof stable_fields / sizeof stable_fields[0]; i++)
		assert_non_null(json_object_get(j, stable_fields[i]));
	static const char *const nulls[] = {
	    "id",         "uuid",          "section",           "highlights_intro",
	    "dateline",   "body_markdown", "copyright",         "published_at",
	    "updated_at", "embargo_until", "translation_group",
	};
	for (size_t i = 0; i < sizeof nulls / sizeof nulls[0]; i++) {
		if (!json_is_null(json_object_get(j, nulls[i])))
			fail_msg("%s is not null", nulls[i]);
	}
	static const char *const empties[] = {"highlights", "authors",      "media",
					      "tags",       "import_notes", "corrections"};
	for (size_t i = 0; i < sizeof empties / sizeof empties[0]; i++) {
		json_t *v = json_object_get(j, empties[i]);
		if (!json_is_array(v) || json_array_size(v) != 0)
			fail_msg("%s is not []", empties[i]);
	}
	assert_string_equal(str(j, "status"), "draft");
	assert_string_equal(str(j, "body_html"), "");
	json_decref(j);
}

static void korean_article(void **state)
{
	nz_site site = fx_site();
	nz_article a = fx_article_ko(*state);
	json_t *j = nz_json_article(&site, &a);
	assert_non_null(j);
	assert_string_equal(str(j, "language"), "ko");
	assert_string_equal(str(j, "headline"), "양국, 가을 항만 합동훈련 합의");
	assert_string_equal(
	    str(j, "url"),
	    "https://news.example/article/"
	    "%ED%95%AD%EB%A7%8C-%ED%95%A9%EB%8F%99%ED%9B%88%EB%A0%A8-%ED%95%A9%EC%9D%98");
	assert_string_equal(str(json_array_get(json_object_get(j, "authors"), 0), "name"),
			    "김민준");
	assert_string_equal(str(json_array_get(json_object_get(j, "tags"), 0), "name"), "동맹");
	/* A caption without a photo has no URL. */
	json_t *m = json_array_get(json_object_get(j, "media"), 0);
	assert_true(json_is_null(json_object_get(m, "url")));
	assert_int_equal(json_array_size(json_object_get(m, "renditions")), 0);
	assert_string_equal(str(m, "caption"), "회담 중인 양국 장관");
	assert_non_null(strstr(str(j, "body_html"), "합동훈련 일정에 합의했다"));
	/* Serialised, Hangul survives as UTF-8. */
	char *text = json_dumps(j, JSON_COMPACT);
	assert_non_null(strstr(text, "\"headline\":\"양국, 가을 항만 합동훈련 합의\""));
	free(text);
	json_decref(j);
}

static void corrections_notes_and_embargo(void **state)
{
	nz_site site = fx_site();
	nz_article a = fx_article_en(*state);
	nz_correction c = {7, FX_PUBLISHED + 86400, "An earlier version misstated the date."};
	const char *notes[] = {"(Presentation and follow-on discussion)"};
	a.corrections = &c;
	a.n_corrections = 1;
	a.import_notes = notes;
	a.n_import_notes = 1;
	a.embargo_until = FX_PUBLISHED - 60;
	a.translation_group = 9;
	a.status = NZ_STATUS_RETRACTED;
	json_t *j = nz_json_article(&site, &a);
	assert_non_null(j);
	json_t *cj = json_array_get(json_object_get(j, "corrections"), 0);
	assert_string_equal(str(cj, "text"), "An earlier version misstated the date.");
	assert_string_equal(str(cj, "created_at"), "2026-03-18T09:30:00Z");
	assert_string_equal(
	    json_string_value(json_array_get(json_object_get(j, "import_notes"), 0)),
	    "(Presentation and follow-on discussion)");
	assert_string_equal(str(j, "embargo_until"), "2026-03-17T09:29:00Z");
	assert_int_equal(json_integer_value(json_object_get(j, "translation_group")), 9);
	assert_string_equal(str(j, "status"), "retracted");
	json_decref(j);
}

static void raw_html_in_body_is_escaped(void **state)
{
	(void)state;
	nz_site site = fx_site();
	nz_article a = fx_article_bare();
	a.body_markdown = "<script>alert(1)</script>";
	json_t *j = nz_json_article(&site, &a);
	assert_null(strstr(str(j, "body_html"), "<script"));
	assert_non_null(strstr(str(j, "body_html"), "&lt;script&gt;"));
	json_decref(j);
}

static void invalid_utf8_is_repaired_not_dropped(void **state)
{
	(void)state;
	nz_site site = fx_site();
	nz_article a = fx_article_bare();
	a.headline = "Bad \xff byte";
	json_t *j = nz_json_article(&site, &a);
	assert_non_null(j);
	assert_string_equal(str(j, "headline"), "Bad \xEF\xBF\xBD byte");
	json_decref(j);
}

static void error_shape(void **state)
{
	(void)state;
	json_t *e = nz_json_error("not_found", "No article \"x\"");
	char *text = json_dumps(e, JSON_COMPACT | JSON_SORT_KEYS);
	assert_string_equal(
	    text, "{\"error\":{\"code\":\"not_found\",\"message\":\"No article \\\"x\\\"\"}}");
	free(text);
	json_decref(e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(full_article, setup, teardown),
	    cmocka_unit_test(missing_values_are_null_or_empty),
	    cmocka_unit_test_setup_teardown(korean_article, setup, teardown),
	    cmocka_unit_test_setup_teardown(corrections_notes_and_embargo, setup, teardown),
	    cmocka_unit_test(raw_html_in_body_is_escaped),
	    cmocka_unit_test(invalid_utf8_is_repaired_not_dropped),
	    cmocka_unit_test(error_shape),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
