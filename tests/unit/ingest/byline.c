/* Tests src/ingest/byline.c: nz_ingest_byline on the byline shapes news pages print, and on
 * body sentences that must not be taken for bylines. */
#include "ingest/ingest_test.h"

static nz_author *byline(const char *line, size_t expect_n)
{
	nz_author *au = NULL;
	size_t n = 99;
	nz_err err;
	nz_rc rc = nz_ingest_byline(arena, nz_str_c(line), &au, &n, &err);

	if (rc != NZ_OK)
		fail_msg("\"%s\": rc %d %s", line, rc, err.msg);
	assert_int_equal(n, expect_n);
	return au;
}

static void assert_author(const nz_author *au, const char *given, const char *family,
			  nz_name_order order, const char *email, const char *display,
			  const char *slug)
{
	assert_string_equal(au->given_name, given);
	assert_string_equal(au->family_name, family);
	assert_int_equal(au->order, order);
	if (email == NULL)
		assert_null(au->email);
	else
		assert_string_equal(au->email, email);
	assert_string_equal(au->display_name, display);
	assert_string_equal(au->slug, slug);
}

static void test_given_comma_family(void **state)
{
	(void)state;
	nz_author *au = byline("By Su-Yeol, Maeng < >", 1);
	assert_author(au, "Su-Yeol", "Maeng", NZ_NAME_EASTERN, NULL, "Maeng Su-Yeol",
		      "maeng-su-yeol");
	au = byline("  By Ha-Neul, Seo <seo@example.com>  ", 1);
	assert_author(au, "Ha-Neul", "Seo", NZ_NAME_EASTERN, "seo@example.com", "Seo Ha-Neul",
		      "seo-ha-neul");
}

static void test_western(void **state)
{
	(void)state;
	nz_author *au = byline("By John Smith <john@example.com>", 1);
	assert_author(au, "John", "Smith", NZ_NAME_WESTERN, "john@example.com", "John Smith",
		      "john-smith");
	au = byline("By Ludwig van Beethoven", 1);
	assert_author(au, "Ludwig van", "Beethoven", NZ_NAME_WESTERN, NULL, "Ludwig van Beethoven",
		      "ludwig-van-beethoven");
}

static void test_several_authors(void **state)
{
	(void)state;
	nz_author *au = byline("By Kim Min-jun and Jane Doe <jane@example.com>", 2);
	assert_author(&au[0], "Min-jun", "Kim", NZ_NAME_EASTERN, NULL, "Kim Min-jun",
		      "kim-min-jun");
	assert_author(&au[1], "Jane", "Doe", NZ_NAME_WESTERN, "jane@example.com", "Jane Doe",
		      "jane-doe");

	au = byline("By Su-Yeol, Maeng and Ha-Neul, Seo < >", 2);
	assert_author(&au[0], "Su-Yeol", "Maeng", NZ_NAME_EASTERN, NULL, "Maeng Su-Yeol",
		      "maeng-su-yeol");
	assert_author(&au[1], "Ha-Neul", "Seo", NZ_NAME_EASTERN, NULL, "Seo Ha-Neul",
		      "seo-ha-neul");

	/* a slot with as many addresses as authors gives them out in order */
	au = byline("By John Smith, Jane Doe & Kim Min-jun <js@example.com, jd@example.com, "
		    "km@example.kr>",
		    3);
	assert_string_equal(au[0].email, "js@example.com");
	assert_string_equal(au[1].email, "jd@example.com");
	assert_string_equal(au[2].email, "km@example.kr");
	assert_string_equal(au[2].display_name, "Kim Min-jun");

	/* each author may have a slot of their own */
	au = byline("By John Smith <js@example.com> and Jane Doe <jd@example.com>", 2);
	assert_string_equal(au[0].email, "js@example.com");
	assert_string_equal(au[1].email, "jd@example.com");
}

static void test_korean(void **state)
{
	(void)state;
	nz_author *au = byline("김민준 기자 < kim@example.kr >", 1);
	assert_author(au, "민준", "김", NZ_NAME_HANGUL, "kim@example.kr", "김민준", "김민준");
	au = byline("김민준·이서연 기자", 2);
	assert_author(&au[0], "민준", "김", NZ_NAME_HANGUL, NULL, "김민준", "김민준");
	assert_author(&au[1], "서연", "이", NZ_NAME_HANGUL, NULL, "이서연", "이서연");
	au = byline("이서연 특파원 seoyeon@example.kr", 1);
	assert_author(au, "서연", "이", NZ_NAME_HANGUL, "seoyeon@example.kr", "이서연", "이서연");
	au = byline("김민준 이서연 기자", 2);
	assert_string_equal(au[1].display_name, "이서연");
	au = byline("황보민 기자", 1);
	assert_string_equal(au->family_name, "황보");
	assert_string_equal(au->given_name, "민");
}

static void test_bad_email_is_dropped(void **state)
{
	(void)state;
	nz_author *au = byline("By Jane Doe <jane-at-example>", 1);
	assert_null(au->email);
	au = byline("By Jane Doe <jane@localhost>", 1);
	assert_null(au->email);
}

static void test_not_bylines(void **state)
{
	static const char *const lines[] = {
	    "By the end of May, the navy will finish the drill.",
	    "By Friday, officials said, the ships would return.",
	    "Byline",
	    "",
	    "By ",
	    "By <jane@example.com>",
	    "By John Smith <unclosed",
	    "By John Smith <a@b.co> trailing words",
	    "By 2026 the centre will be open",
	    "김민준이 말했다.",
	    "기자",
	    "해군 관계자는 이렇게 말했다고 기자",
	};
	(void)state;
	for (size_t i = 0; i < sizeof lines / sizeof *lines; i++) {
		nz_author *au = (nz_author *)1;
		size_t n = 7;
		nz_err err;
		nz_rc rc = nz_ingest_byline(arena, nz_str_c(lines[i]), &au, &n, &err);
		if (rc != NZ_PARSE)
			fail_msg("\"%s\" taken for a byline (rc %d)", lines[i], rc);
		assert_null(au);
		assert_int_equal(n, 0);
		assert_non_null(strstr(err.msg, "not a byline"));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_given_comma_family),   cmocka_unit_test(test_western),
	    cmocka_unit_test(test_several_authors),      cmocka_unit_test(test_korean),
	    cmocka_unit_test(test_bad_email_is_dropped), cmocka_unit_test(test_not_bylines),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
