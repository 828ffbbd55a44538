/*
 * Tests for render/ninjs.c: the IPTC ninjs 2.2 mapping of an article (ids, times at the site's
 * offset, pubstatus for published, retracted and unpublished work, headlines, bodies,
 * highlights, byline, subjects, the lead photo as an association). The ajv check against the
 * official schema runs on real output in tests/e2e/test_outputs.py.
 */
#include "render_test.h"

static const char *str(json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));
	if (!s)
		fail_msg("missing string %s", key);
	return s;
}

static void english_article(void **state)
{
	fx *f = *state;
	nz_article a = fx_article_en(f->arena);
	json_t *n = nz_ninjs_article(&f->site, &a);
	assert_non_null(n);
	assert_string_equal(str(n, "uri"), "urn:uuid:0b7c3c1e-9a4e-4f7e-8d43-5d2a8b1f6c10");
	assert_string_equal(str(n, "type"), "text");
	assert_string_equal(str(n, "version"), "3");
	assert_string_equal(str(n, "pubstatus"), "usable");
	assert_string_equal(str(n, "language"), "en");
	assert_string_equal(str(n, "firstcreated"), "2026-03-17T18:30:00+09:00");
	json_t *h = json_array_get(json_object_get(n, "headlines"), 0);
	assert_string_equal(str(h, "role"), "main");
	assert_string_equal(str(h, "value"), "Allies agree on joint port drills for the autumn");
	json_t *body = json_array_get(json_object_get(n, "bodies"), 0);
	assert_string_equal(str(body, "contenttype"), "text/html");
	assert_non_null(strstr(str(body, "value"), "<strong>hotline</strong>"));
	json_t *hl = json_array_get(json_object_get(n, "descriptions"), 0);
	assert_string_equal(str(hl, "role"), "highlights");
	assert_non_null(strstr(str(hl, "value"), "<li>Both sides back a larger exercise"));
	assert_string_equal(str(n, "by"), "Maeng Su-Yeol, Jane Doe");
	json_t *jane = json_array_get(json_object_get(n, "people"), 1);
	assert_string_equal(str(jane, "uri"), "https://news.example/author/jane-doe");
	assert_string_equal(str(json_array_get(json_object_get(jane, "contactinfo"), 0), "value"),
			    "jane@example.org");
	json_t *sec = json_array_get(json_object_get(n, "subjects"), 0);
	assert_string_equal(str(sec, "rel"), "section");
	assert_string_equal(str(sec, "name"), "Defense");
	json_t *pic = json_array_get(json_object_get(n, "associations"), 0);
	assert_string_equal(str(pic, "type"), "picture");
	json_t *r = json_array_get(json_object_get(pic, "renditions"), 0);
	assert_string_equal(str(r, "contenttype"), "image/jpeg");
	assert_int_equal(json_integer_value(json_object_get(r, "width")), 1200);
	assert_string_equal(str(n, "located"), "BUSAN, March 17");
	assert_string_equal(str(json_object_get(n, "standard"), "version"), "2.2");
	json_decref(n);
}

static void korean_article_and_caption_without_photo(void **state)
{
	fx *f = *state;
	nz_article a = fx_article_ko(f->arena);
	json_t *n = nz_ninjs_article(&f->site, &a);
	assert_non_null(n);
	assert_string_equal(str(n, "language"), "ko");
	assert_string_equal(str(n, "by"), "김민준");
	assert_string_equal(str(n, "versioncreated"), "2026-03-17T20:30:00+09:00");
	assert_int_equal(json_array_size(json_object_get(n, "associations")), 0);
	json_t *tag = json_array_get(json_object_get(n, "subjects"), 1);
	assert_string_equal(str(tag, "name"), "동맹");
	assert_string_equal(str(tag, "uri"), "https://news.example/tag/%EB%8F%99%EB%A7%B9");
	json_decref(n);
}

static void status_maps_to_pubstatus(void **state)
{
	fx *f = *state;
	nz_article a = fx_article_en(f->arena);
	a.status = NZ_STATUS_RETRACTED;
	json_t *n = nz_ninjs_article(&f->site, &a);
	assert_string_equal(str(n, "pubstatus"), "canceled");
	const char *body = str(json_array_get(json_object_get(n, "bodies"), 0), "value");
	assert_non_null(strstr(body, "This article has been retracted."));
	assert_null(strstr(body, "hotline"));
	assert_int_equal(json_array_size(json_object_get(n, "associations")), 0);
	json_decref(n);
	a.status = NZ_STATUS_DRAFT;
	n = nz_ninjs_article(&f->site, &a);
	assert_string_equal(str(n, "pubstatus"), "withheld");
	json_decref(n);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(english_article),
	    cmocka_unit_test(korean_article_and_caption_without_photo),
	    cmocka_unit_test(status_maps_to_pubstatus),
	};
	return cmocka_run_group_tests(tests, fx_setup, fx_teardown);
}
