/* Tests src/ingest/text.c: plain-text article pages, from the fixtures in
 * tests/fixtures/import/good (found through $NZ_SRCDIR, else from the repository root) and from
 * small pages written inline. Every field a reader or editor would see is checked. */
#include "ingest/ingest_test.h"

static void parse_ok(const char *bytes, size_t len, const nz_import_opts *opts, nz_article *a)
{
	nz_err err;
	nz_ingested got;
	nz_rc rc = nz_ingest_parse(arena, bytes, len, opts, &got, &err);

	if (rc != NZ_OK)
		fail_msg("nz_ingest_parse: %d %s", rc, err.msg);
	*a = got.article;
	assert_int_equal(got.format, NZ_FORMAT_TEXT);
}

static void parse_fixture(const char *name, nz_article *a)
{
	size_t len;
	const char *data = read_fixture(name, &len);
	nz_import_opts opts = {.now = 1800000000};

	parse_ok(data, len, &opts, a);
}

static void parse_text(const char *text, nz_article *a)
{
	nz_import_opts opts = {.now = 1800000000};

	parse_ok(text, strlen(text), &opts, a);
}

static void assert_lacks(const char *haystack, const char *needle)
{
	if (strstr(haystack, needle) != NULL)
		fail_msg("\"%s\" should not be in:\n%s", needle, haystack);
}

static void assert_starts(const char *s, const char *prefix)
{
	if (strncmp(s, prefix, strlen(prefix)) != 0)
		fail_msg("expected to start with \"%s\":\n%s", prefix, s);
}

static void test_reference_shape(void **state)
{
	nz_article a;

	(void)state;
	parse_fixture("good/en-reference-shape.txt", &a);
	assert_string_equal(a.headline,
			    "Republic of Korea, Australia agree \u201cto deepen maritime "
			    "security cooperation\u201d");
	assert_string_equal(
	    a.slug, "republic-of-korea-australia-agree-to-deepen-maritime-security-cooperation");
	assert_string_equal(a.language, "en");
	assert_int_equal(a.status, NZ_STATUS_DRAFT);
	assert_int_equal(a.published_at, 0);
	assert_null(a.section);
	assert_string_equal(a.highlights_intro,
			    "During the ROK-Australia defense ministers\u2019 talks:");
	assert_int_equal(a.n_highlights, 3);
	assert_string_equal(a.highlights[0], "Minister Han and her Australian counterpart Grant "
					     "agreed to expand combined naval drills");
	assert_string_equal(
	    a.highlights[1],
	    "The ministers discussed a joint framework for submarine rescue training");
	assert_string_equal(
	    a.highlights[2],
	    "On June 12, the two delegations will tour the Jinhae naval base together");
	assert_null(a.dateline);
	assert_starts(a.body_markdown,
		      "Minister of National Defense Han Ji-won and her Australian");
	assert_non_null(strstr(a.body_markdown, "the first meeting of the two since Grant took "
						"office.\n\nThe two ministers reviewed"));
	assert_non_null(strstr(a.body_markdown, "schedule of next year\u2019s drills.\n"));
	assert_lacks(a.body_markdown, "News Zone");
	assert_lacks(a.body_markdown, "Recent News");
	assert_lacks(a.body_markdown, "agree \u201cto deepen\n");
	assert_lacks(a.body_markdown, "During the ROK-Australia");
	assert_lacks(a.body_markdown, "Ha-Neul");
	assert_lacks(a.body_markdown, "Copyright");
	assert_lacks(a.body_markdown, "Welcome ceremony");

	assert_int_equal(a.n_authors, 1);
	assert_string_equal(a.authors[0].given_name, "Ha-Neul");
	assert_string_equal(a.authors[0].family_name, "Seo");
	assert_int_equal(a.authors[0].order, NZ_NAME_EASTERN);
	assert_null(a.authors[0].email);
	assert_string_equal(a.authors[0].display_name, "Seo Ha-Neul");
	assert_string_equal(a.authors[0].slug, "seo-ha-neul");

	assert_string_equal(a.copyright,
			    "<Copyright \u24d2 The Newszone Defense Daily, All rights reserved>");
	assert_int_equal(a.n_media, 1);
	assert_string_equal(a.media[0].caption, "(Welcome ceremony and follow-on talks)");
	assert_null(a.media[0].hash);
	assert_null(a.media[0].credit);

	assert_int_equal(a.n_import_notes, 3);
	assert_string_equal(a.import_notes[0], "chrome: News Zone");
	assert_string_equal(a.import_notes[1], "chrome: Recent News");
	assert_string_equal(
	    a.import_notes[2],
	    "cut-off headline copy: Republic of Korea, Australia agree \u201cto deepen");
}

static void test_dateline_and_escaping(void **state)
{
	nz_article a;

	(void)state;
	parse_fixture("good/en-dateline.txt", &a);
	assert_string_equal(a.headline,
			    "Navies of three nations begin search-and-rescue drill off Busan");
	assert_string_equal(a.dateline, "BUSAN, June 4");
	assert_null(a.highlights_intro);
	assert_int_equal(a.n_highlights, 0);
	/* the dateline and its dash are gone from the first paragraph */
	assert_starts(a.body_markdown, "Warships from Korea, Japan and the United States began");
	assert_lacks(a.body_markdown, "BUSAN");
	/* each line is a paragraph; block markers are escaped so they show as written */
	assert_non_null(strstr(a.body_markdown, "said.\n\nThe drill includes"));
	assert_non_null(strstr(a.body_markdown, "\n\n\\#RescueAtSea was trending"));
	assert_non_null(strstr(a.body_markdown, "\n\n\\- Observers from five other countries"));
	assert_lacks(a.body_markdown, "John Smith");

	assert_int_equal(a.n_authors, 1);
	assert_string_equal(a.authors[0].given_name, "John");
	assert_string_equal(a.authors[0].family_name, "Smith");
	assert_int_equal(a.authors[0].order, NZ_NAME_WESTERN);
	assert_string_equal(a.authors[0].email, "john.smith@example.com");
	assert_string_equal(a.authors[0].display_name, "John Smith");
	assert_string_equal(a.authors[0].slug, "john-smith");
	assert_string_equal(a.copyright, "<Copyright \u24d2 Newszone Daily, All rights reserved>");
	assert_int_equal(a.n_media, 1);
	assert_string_equal(a.media[0].caption,
			    "A rescue helicopter hovers over a destroyer during the drill.");
	assert_int_equal(a.n_import_notes, 2);
	assert_true(has_note(&a, "chrome: News Zone"));
	assert_true(has_note(&a, "chrome: Recent News"));
}

static void test_two_authors(void **state)
{
	nz_article a;

	(void)state;
	parse_fixture("good/en-two-authors.txt", &a);
	assert_string_equal(a.dateline, "WASHINGTON, Nov. 3 (Yonhap)");
	assert_starts(a.body_markdown, "Defense officials from Seoul and Washington met on Monday");
	assert_int_equal(a.n_authors, 2);
	assert_string_equal(a.authors[0].family_name, "Kim");
	assert_string_equal(a.authors[0].given_name, "Min-jun");
	assert_int_equal(a.authors[0].order, NZ_NAME_EASTERN);
	assert_string_equal(a.authors[0].display_name, "Kim Min-jun");
	assert_null(a.authors[0].email);
	assert_string_equal(a.authors[1].family_name, "Doe");
	assert_string_equal(a.authors[1].given_name, "Jane");
	assert_int_equal(a.authors[1].order, NZ_NAME_WESTERN);
	assert_string_equal(a.authors[1].email, "jane.doe@example.com");
	assert_string_equal(a.copyright, "\u00a9 2026 Newszone Daily. All rights reserved.");
	assert_int_equal(a.n_media, 1);
	assert_string_equal(a.media[0].caption, "Engineers inspect a ground station antenna.");
	/* a line after the copyright that is not a caption is kept, not lost */
	assert_true(has_note(&a, "Related: Allies plan second ground station"));
	assert_true(has_note(&a, "chrome: Recent News"));
	assert_lacks(a.body_markdown, "Related");
}

static void test_windows_bom_tabs(void **state)
{
	nz_article a;

	(void)state;
	parse_fixture("good/en-windows-bom.txt", &a);
	assert_string_equal(a.headline, "Coast guard opens a new training center on Jeju");
	assert_string_equal(a.dateline, "SEOUL, March 17");
	assert_string_equal(
	    a.body_markdown,
	    "The Korea Coast Guard opened a training center on Jeju Island on Tuesday "
	    "to teach crews how to board vessels in rough seas.\n\n"
	    "The center has a wave pool and a full-size deck mock-up, officials "
	    "said.\n");
	assert_int_equal(a.n_authors, 1);
	assert_string_equal(a.authors[0].display_name, "Park Min-Seo");
	assert_null(a.authors[0].email);
	assert_string_equal(a.copyright, "<Copyright \u24d2 Newszone Daily, All rights reserved>");
	assert_int_equal(a.n_media, 1);
	assert_string_equal(a.media[0].caption, "Trainees climb a rope ladder in the wave pool.");
	assert_int_equal(a.n_import_notes, 2);
	assert_string_equal(a.import_notes[0], "chrome: NEWS ZONE");
	assert_string_equal(a.import_notes[1], "chrome: Recent News");
}

static void test_korean_article(void **state)
{
	nz_article a;

	(void)state;
	parse_fixture("good/ko-article.txt", &a);
	assert_string_equal(a.headline, "한미 해군, 동해서 대잠 연합훈련 실시");
	assert_string_equal(a.language, "ko");
	assert_string_equal(a.slug, "한미-해군-동해서-대잠-연합훈련-실시");
	assert_null(a.highlights_intro);
	assert_int_equal(a.n_highlights, 2);
	assert_string_equal(a.highlights[0], "이지스 구축함 등 함정 10여 척 참가");
	assert_string_equal(a.highlights[1], "\u201c북 잠수함 위협에 단호히 대응\u201d");
	assert_null(a.dateline);
	assert_starts(a.body_markdown, "해군은 17일부터 사흘간");
	assert_non_null(strstr(a.body_markdown, "밝혔다.\n\n이번 훈련에는"));
	assert_lacks(a.body_markdown, "뉴스존");
	assert_lacks(a.body_markdown, "동해서 대잠\n");
	assert_lacks(a.body_markdown, "기자");
	assert_lacks(a.body_markdown, "저작권자");
	assert_int_equal(a.n_authors, 1);
	assert_string_equal(a.authors[0].family_name, "김");
	assert_string_equal(a.authors[0].given_name, "민준");
	assert_int_equal(a.authors[0].order, NZ_NAME_HANGUL);
	assert_string_equal(a.authors[0].email, "minjun@example.kr");
	assert_string_equal(a.authors[0].display_name, "김민준");
	assert_string_equal(a.authors[0].slug, "김민준");
	assert_string_equal(a.copyright, "<저작권자 \u24d2 뉴스존, 무단전재 및 재배포 금지>");
	assert_int_equal(a.n_media, 1);
	assert_string_equal(a.media[0].caption, "해상초계기가 훈련 해역 상공을 비행하고 있다.");
	assert_int_equal(a.n_import_notes, 3);
	assert_string_equal(a.import_notes[0], "chrome: 뉴스존");
	assert_string_equal(a.import_notes[1], "chrome: 최신 뉴스");
	assert_string_equal(a.import_notes[2], "cut-off headline copy: 한미 해군, 동해서 대잠");
}

static void test_korean_multi_author(void **state)
{
	nz_article a;

	(void)state;
	parse_fixture("good/ko-multi-author.txt", &a);
	assert_string_equal(a.headline, "국방부, 장병 복지 개선안 발표");
	assert_int_equal(a.n_highlights, 1);
	assert_string_equal(a.highlights[0], "급식비 인상과 생활관 개선 포함");
	assert_int_equal(a.n_authors, 2);
	assert_string_equal(a.authors[0].display_name, "김민준");
	assert_string_equal(a.authors[0].email, "minjun@example.kr");
	assert_string_equal(a.authors[1].family_name, "남궁");
	assert_string_equal(a.authors[1].given_name, "서연");
	assert_string_equal(a.authors[1].display_name, "남궁서연");
	assert_string_equal(a.authors[1].email, "seoyeon@example.kr");
	assert_int_equal(a.n_media, 0);
	assert_string_equal(a.import_notes[0], "chrome: 뉴스 존");
	assert_string_equal(a.import_notes[1], "chrome: 최신뉴스");
	assert_int_equal(a.n_import_notes, 2);
}

/* ---- inline pages ------------------------------------------------------------------------ */

static void test_markdown_is_escaped(void **state)
{
	nz_article a;

	(void)state;
	parse_text("Headline\n\n"
		   "1. Not a list\n"
		   "> not a quote\n"
		   "* not a bullet\n"
		   "+ nor this\n"
		   "Stars *stay* stars, [brackets] stay, <b>tags</b> stay, AT&T and &amp; too\n"
		   "2026) is a year\n",
		   &a);
	assert_string_equal(
	    a.body_markdown,
	    "1\\. Not a list\n\n"
	    "\\> not a quote\n\n"
	    "\\* not a bullet\n\n"
	    "\\+ nor this\n\n"
	    "Stars \\*stay\\* stars, \\[brackets\\] stay, \\<b>tags\\</b> stay, AT&T "
	    "and \\&amp; too\n\n"
	    "2026\\) is a year\n");
}

static void test_dateline_forms(void **state)
{
	nz_article a;

	(void)state;
	parse_text("H\n\nSEOUL, March 17, 2026 \u2014 The text.\n", &a);
	assert_string_equal(a.dateline, "SEOUL, March 17, 2026");
	assert_string_equal(a.body_markdown, "The text.\n");
	parse_text("H\n\nSAN FRANCISCO, Sept. 30 \u2013 The text.\n", &a);
	assert_string_equal(a.dateline, "SAN FRANCISCO, Sept. 30");
	/* not datelines: no month, a range instead of a dash, a lower-case place */
	parse_text("H\n\nROK, US to hold 2 drills - officials said so.\n", &a);
	assert_null(a.dateline);
	assert_starts(a.body_markdown, "ROK, US to hold");
	parse_text("H\n\nSEOUL, June 4-5 drills were held.\n", &a);
	assert_null(a.dateline);
	parse_text("H\n\nSeoul, June 4 - The text.\n", &a);
	assert_null(a.dateline);
	/* only the first paragraph has a dateline */
	parse_text("H\n\nFirst.\nBUSAN, June 4 - Second.\n", &a);
	assert_null(a.dateline);
	assert_string_equal(a.body_markdown, "First.\n\nBUSAN, June 4 - Second.\n");
}

static void test_byline_at_top_and_sentences(void **state)
{
	nz_article a;

	(void)state;
	parse_text("Headline\n\nBy Jane Doe\n\nBy the end of May, the navy will finish.\n\n"
		   "Second paragraph.\n",
		   &a);
	assert_int_equal(a.n_authors, 1);
	assert_string_equal(a.authors[0].display_name, "Jane Doe");
	assert_string_equal(a.body_markdown,
			    "By the end of May, the navy will finish.\n\nSecond paragraph.\n");
	assert_int_equal(a.n_import_notes, 0);
}

static void test_bad_byline_email_is_noted(void **state)
{
	nz_article a;

	(void)state;
	parse_text("Headline\n\nBody.\n\nBy Jane Doe <jane-at-example>\n", &a);
	assert_int_equal(a.n_authors, 1);
	assert_null(a.authors[0].email);
	assert_true(has_note(&a, "byline e-mail not an address: jane-at-example"));
}

static void test_english_short_lines_are_body(void **state)
{
	nz_article a;

	(void)state;
	/* without an intro line, English pages have no highlights: short lines are the body */
	parse_text("Headline\n\nA short first line\n\nA longer paragraph follows.\n", &a);
	assert_int_equal(a.n_highlights, 0);
	assert_null(a.highlights_intro);
	assert_string_equal(a.body_markdown, "A short first line\n\nA longer paragraph follows.\n");
	/* an intro line with nothing after it is the body too */
	parse_text("Headline\n\nHe said:\n\nThe rest.\n", &a);
	assert_null(a.highlights_intro);
	assert_starts(a.body_markdown, "He said:\n\nThe rest.");
}

static void test_text_after_closing_byline_is_noted(void **state)
{
	nz_article a;

	(void)state;
	parse_text("Headline\n\nBody.\n\nBy Jane Doe < >\n\nMore stories\n  \u2022 A caption\n",
		   &a);
	assert_string_equal(a.body_markdown, "Body.\n");
	assert_true(has_note(&a, "More stories"));
	assert_int_equal(a.n_media, 1);
	assert_string_equal(a.media[0].caption, "A caption");
	assert_null(a.copyright);
}

static void test_language_forced(void **state)
{
	nz_article a;
	nz_import_opts opts = {.language = "ko", .now = 5};
	const char *page = "Headline\n\nSubhead line\n\nBody sentence.\n";

	(void)state;
	parse_ok(page, strlen(page), &opts, &a);
	assert_string_equal(a.language, "ko");
	/* a Korean page: short subheads before the body are highlights */
	assert_int_equal(a.n_highlights, 1);
	assert_string_equal(a.highlights[0], "Subhead line");
	assert_string_equal(a.body_markdown, "Body sentence.\n");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_reference_shape),
	    cmocka_unit_test(test_dateline_and_escaping),
	    cmocka_unit_test(test_two_authors),
	    cmocka_unit_test(test_windows_bom_tabs),
	    cmocka_unit_test(test_korean_article),
	    cmocka_unit_test(test_korean_multi_author),
	    cmocka_unit_test(test_markdown_is_escaped),
	    cmocka_unit_test(test_dateline_forms),
	    cmocka_unit_test(test_byline_at_top_and_sentences),
	    cmocka_unit_test(test_bad_byline_email_is_noted),
	    cmocka_unit_test(test_english_short_lines_are_body),
	    cmocka_unit_test(test_text_after_closing_byline_is_noted),
	    cmocka_unit_test(test_language_forced),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
