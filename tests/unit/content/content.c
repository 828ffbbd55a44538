/*
 * Tests for content/content.c: status names, site defaults, article validation with messages
 * that name the field, who the public may see, byline names in Western, Korean-in-Latin and
 * Hangul order, language detection and the plain-text first paragraph.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <string.h>

#include "content/content.h"

/* ---- statuses and site ------------------------------------------------------------------- */

static void test_status_names_round_trip(void **state)
{
	(void)state;
	const char *names[] = {"draft", "review", "scheduled", "published", "retracted"};
	for (int i = 0; i < 5; i++) {
		nz_status s = NZ_STATUS_DRAFT;

		assert_string_equal(nz_status_name((nz_status)i), names[i]);
		assert_int_equal(nz_status_parse(nz_str_c(names[i]), &s), NZ_OK);
		assert_int_equal(s, i);
	}
	assert_string_equal(nz_status_name(NZ_STATUS_PUBLISHED), "published");
	nz_status s = NZ_STATUS_REVIEW;
	assert_int_equal(nz_status_parse(nz_str_c("deleted"), &s), NZ_INVAL);
	assert_int_equal(nz_status_parse(nz_str_c(""), &s), NZ_INVAL);
	assert_int_equal(nz_status_parse(nz_str_c("publishedx"), &s), NZ_INVAL);
	assert_int_equal(s, NZ_STATUS_REVIEW);
}

static void test_name_order_names(void **state)
{
	(void)state;
	const char *names[] = {"western", "eastern", "hangul"};
	nz_name_order o = NZ_NAME_WESTERN;

	for (int i = 0; i < 3; i++) {
		assert_string_equal(nz_name_order_name((nz_name_order)i), names[i]);
		assert_int_equal(nz_name_order_parse(nz_str_c(names[i]), &o), NZ_OK);
		assert_int_equal(o, i);
	}
	assert_string_equal(nz_name_order_name((nz_name_order)3), "unknown");
	assert_int_equal(nz_name_order_parse(nz_str_c("Western"), &o), NZ_INVAL);
	assert_int_equal(nz_name_order_parse(nz_str_c("korean"), &o), NZ_INVAL);
	assert_int_equal(o, NZ_NAME_HANGUL);
}

static void test_site_defaults(void **state)
{
	(void)state;
	nz_site site;

	memset(&site, 0xAB, sizeof site);
	nz_site_defaults(&site);
	assert_string_equal(site.name, "Newszone Daily");
	assert_string_equal(site.base_url, "http://127.0.0.1:8080");
	assert_string_equal(site.language, "en");
	assert_string_equal(site.copyright, "<Copyright ⓒ Newszone Daily, All rights reserved>");
	assert_non_null(site.tagline);
	assert_string_equal(site.time_zone, "Asia/Seoul");
}

/* ---- validation -------------------------------------------------------------------------- */

static const char *highlights[NZ_HIGHLIGHTS_MAX + 1];
static nz_author authors[NZ_AUTHORS_MAX + 1];
static nz_tag tags[NZ_TAGS_MAX + 1];

static nz_article good_article(void)
{
	nz_article a;

	memset(&a, 0, sizeof a);
	for (size_t i = 0; i <= NZ_HIGHLIGHTS_MAX; i++)
		highlights[i] = "A highlight";
	for (size_t i = 0; i <= NZ_AUTHORS_MAX; i++)
		authors[i] = (nz_author){
		    .family_name = "Maeng", .given_name = "Su-Yeol", .order = NZ_NAME_EASTERN};
	for (size_t i = 0; i <= NZ_TAGS_MAX; i++)
		tags[i] = (nz_tag){.slug = "defense", .name = "Defense"};
	a.slug = "allies-meet-in-seoul";
	a.language = "en";
	a.status = NZ_STATUS_DRAFT;
	a.headline = "Allies meet in Seoul";
	a.highlights_intro = "During the meeting:";
	a.highlights = highlights;
	a.n_highlights = 2;
	a.body_markdown = "The ministers met on Tuesday.";
	a.authors = authors;
	a.n_authors = 1;
	a.tags = tags;
	a.n_tags = 1;
	return a;
}

/* Validates a and expects failure with a message starting with prefix. */
static void expect_invalid(const nz_article *a, const char *prefix)
{
	nz_err err;

	assert_int_not_equal(nz_article_validate(a, &err), NZ_OK);
	assert_int_not_equal(err.rc, NZ_OK);
	if (strncmp(err.msg, prefix, strlen(prefix)) != 0)
		fail_msg("message \"%s\" does not start with \"%s\"", err.msg, prefix);
}

static void test_validate_accepts_good_articles(void **state)
{
	(void)state;
	nz_err err;
	nz_article a = good_article();

	assert_int_equal(nz_article_validate(&a, &err), NZ_OK);
	assert_int_equal(err.rc, NZ_OK);
	a.language = "ko";
	a.headline = "한미 국방장관 회담 열려";
	a.slug = "한미-국방장관-회담-열려";
	a.body_markdown = "국방부는 17일 회담이 열렸다고 밝혔다.";
	a.n_highlights = NZ_HIGHLIGHTS_MAX;
	a.n_authors = NZ_AUTHORS_MAX;
	a.n_tags = NZ_TAGS_MAX;
	assert_int_equal(nz_article_validate(&a, &err), NZ_OK);
	/* Optional fields may be missing. */
	a = good_article();
	a.highlights_intro = NULL;
	a.body_markdown = NULL;
	a.highlights = NULL;
	a.n_highlights = 0;
	assert_int_equal(nz_article_validate(&a, NULL), NZ_OK);
}

static void test_validate_headline(void **state)
{
	(void)state;
	char long_headline[NZ_HEADLINE_MAX + 2];
	nz_article a = good_article();

	a.headline = NULL;
	expect_invalid(&a, "headline: empty");
	a.headline = "  \t ";
	expect_invalid(&a, "headline: empty");
	memset(long_headline, 'x', sizeof long_headline - 1);
	long_headline[sizeof long_headline - 1] = '\0';
	a.headline = long_headline;
	expect_invalid(&a, "headline: longer than 400 bytes");
	long_headline[NZ_HEADLINE_MAX] = '\0'; /* exactly at the limit is fine */
	assert_int_equal(nz_article_validate(&a, NULL), NZ_OK);
	a.headline = "Bad \xC0\xAF byte";
	expect_invalid(&a, "headline: invalid UTF-8 at byte 4");
}

static void test_validate_slug_and_language(void **state)
{
	(void)state;
	nz_article a = good_article();

	a.slug = NULL;
	expect_invalid(&a, "slug: empty");
	a.slug = "Bad Slug";
	expect_invalid(&a, "slug: \"Bad Slug\" is not a valid slug");
	a.slug = "trailing-";
	expect_invalid(&a, "slug:");
	a = good_article();
	a.language = "fr";
	expect_invalid(&a, "language: \"fr\"");
	a.language = NULL;
	expect_invalid(&a, "language:");
	a = good_article();
	a.status = (nz_status)9;
	expect_invalid(&a, "status:");
}

/* Tag and author slugs become paths: whatever way they arrive, only real slugs pass. */
static void test_validate_tag_and_author_slugs(void **state)
{
	(void)state;
	static const char *const bad[] = {
	    "../../../pwned-tag", "..", "a/b", "a\r\nb", "<b>x</b>", "Upper", "-lead", "a--b", ""};
	char long_slug[NZ_SLUG_MAX + 2];
	nz_article a = good_article();

	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		a = good_article();
		tags[0].slug = bad[i];
		expect_invalid(&a, "tags[0].slug:");
		a = good_article();
		authors[0].slug = bad[i];
		expect_invalid(&a, "authors[0].slug:");
	}
	memset(long_slug, 'a', sizeof long_slug - 1);
	long_slug[sizeof long_slug - 1] = '\0';
	a = good_article();
	tags[0].slug = long_slug;
	expect_invalid(&a, "tags[0].slug: longer than 80");
	a = good_article();
	authors[0].slug = "맹수열-2";
	tags[0].slug = NULL; /* the store makes it from the name */
	assert_int_equal(nz_article_validate(&a, NULL), NZ_OK);
}

static void test_validate_markdown_nesting(void **state)
{
	(void)state;
	char deep[NZ_MARKDOWN_DEPTH_MAX + 8];
	nz_article a = good_article();
	memset(deep, '>', NZ_MARKDOWN_DEPTH_MAX + 1);
	strcpy(deep + NZ_MARKDOWN_DEPTH_MAX + 1, " x");
	a.body_markdown = deep;
	expect_invalid(&a, "body_markdown: line 1 nests 33 quotes or lists; at most 32");
	a.body_markdown =
	    "Intro.\n\n- - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - "
	    "- deep list";
	expect_invalid(&a, "body_markdown: line 3 nests 33");
	/* Spaces between markers change nothing. */
	nz_markdown_shape sh = nz_markdown_shape_of("a\n> >\t>>x", 10);
	assert_int_equal(sh.depth, 4);
	assert_int_equal(sh.deepest_line, 2);
	a.body_markdown = "> a quote\n> > inside\n\n1. one\n   - sub\n\n2021. A year, not a list";
	assert_int_equal(nz_article_validate(&a, NULL), NZ_OK);
}

static void test_validate_counts(void **state)
{
	(void)state;
	nz_article a = good_article();

	a.n_highlights = NZ_HIGHLIGHTS_MAX + 1;
	expect_invalid(&a, "highlights: 13 given, at most 12");
	a = good_article();
	a.n_authors = NZ_AUTHORS_MAX + 1;
	expect_invalid(&a, "authors:");
	a = good_article();
	a.n_tags = NZ_TAGS_MAX + 1;
	expect_invalid(&a, "tags:");
	a = good_article();
	a.n_media = 1; /* count without the array */
	expect_invalid(&a, "media:");
}

static void test_validate_text_everywhere(void **state)
{
	(void)state;
	nz_article a = good_article();
	const char *bad_highlights[] = {"fine", "bad \xFF"};
	nz_media media = {.caption = "Caption \xED\xA0\x80"};
	const char *notes[] = {"News Zone", "\xF8"};

	a.body_markdown = "본문 \xEB\xB6";
	expect_invalid(&a, "body_markdown: invalid UTF-8 at byte 7");
	a = good_article();
	a.highlights = bad_highlights;
	expect_invalid(&a, "highlights[1]: invalid UTF-8");
	bad_highlights[1] = "";
	expect_invalid(&a, "highlights[1]: empty");
	a = good_article();
	a.dateline = "SEOUL\xC3";
	expect_invalid(&a, "dateline:");
	a = good_article();
	a.media = &media;
	a.n_media = 1;
	expect_invalid(&a, "media[0]:");
	a = good_article();
	a.import_notes = notes;
	a.n_import_notes = 2;
	expect_invalid(&a, "import_notes[1]:");
	a = good_article();
	nz_author bad_author = {.display_name = "\x80"};
	a.authors = &bad_author;
	expect_invalid(&a, "authors[0]:");
}

/* ---- visibility -------------------------------------------------------------------------- */

static void test_is_public(void **state)
{
	(void)state;
	nz_article a = good_article();
	nz_time now = 1773739800;

	a.status = NZ_STATUS_DRAFT;
	assert_false(nz_article_is_public(&a, now));
	a.status = NZ_STATUS_REVIEW;
	assert_false(nz_article_is_public(&a, now));
	a.status = NZ_STATUS_SCHEDULED;
	assert_false(nz_article_is_public(&a, now));
	a.status = NZ_STATUS_PUBLISHED;
	assert_true(nz_article_is_public(&a, now));
	a.status = NZ_STATUS_RETRACTED; /* keeps its URL, with a notice */
	assert_true(nz_article_is_public(&a, now));
	a.status = NZ_STATUS_PUBLISHED;
	a.embargo_until = now + 60;
	assert_false(nz_article_is_public(&a, now));
	assert_true(nz_article_is_public(&a, now + 60));
	a.embargo_until = now - 1;
	assert_true(nz_article_is_public(&a, now));
	a.published_at = now + 30; /* dated in the future: not yet, as in every listing */
	assert_false(nz_article_is_public(&a, now));
	assert_true(nz_article_is_public(&a, now + 30));
}

/* ---- names and languages ----------------------------------------------------------------- */

static void test_author_names(void **state)
{
	(void)state;
	nz_arena *arena = nz_arena_new();
	nz_author au = {.family_name = "Maeng", .given_name = "Su-Yeol", .order = NZ_NAME_EASTERN};

	assert_non_null(arena);
	assert_string_equal(nz_author_name(arena, &au), "Maeng Su-Yeol");
	au.order = NZ_NAME_WESTERN;
	assert_string_equal(nz_author_name(arena, &au), "Su-Yeol Maeng");
	au = (nz_author){.family_name = "김", .given_name = "민준", .order = NZ_NAME_HANGUL};
	assert_string_equal(nz_author_name(arena, &au), "김민준");
	au = (nz_author){.family_name = "Smith",
			 .given_name = "Jane",
			 .order = NZ_NAME_WESTERN,
			 .display_name = "J. Smith"};
	assert_string_equal(nz_author_name(arena, &au), "Jane Smith");
	/* Missing parts: the display name, then whichever part exists. */
	au = (nz_author){.family_name = "Maeng", .display_name = "Defense Desk"};
	assert_string_equal(nz_author_name(arena, &au), "Defense Desk");
	au = (nz_author){.family_name = "Maeng", .given_name = "  "};
	assert_string_equal(nz_author_name(arena, &au), "Maeng");
	au = (nz_author){.given_name = "Su-Yeol", .order = NZ_NAME_EASTERN};
	assert_string_equal(nz_author_name(arena, &au), "Su-Yeol");
	au = (nz_author){0};
	assert_string_equal(nz_author_name(arena, &au), "");
	nz_arena_free(arena);
}

static void test_language(void **state)
{
	(void)state;
	const char *ko = "국방부 발표";
	const char *mixed = "F-35A 추가 도입";

	assert_string_equal(nz_language_detect(ko, strlen(ko)), "ko");
	assert_string_equal(nz_language_detect(mixed, strlen(mixed)), "ko");
	assert_string_equal(nz_language_detect("Defense ministry", 16), "en");
	assert_string_equal(nz_language_detect("", 0), "en");
	assert_string_equal(nz_language_detect(NULL, 0), "en");
	assert_true(nz_language_valid("en"));
	assert_true(nz_language_valid("ko"));
	assert_false(nz_language_valid("fr"));
	assert_false(nz_language_valid("EN"));
	assert_false(nz_language_valid("ko-KR"));
	assert_false(nz_language_valid(""));
	assert_false(nz_language_valid(NULL));
}

/* ---- first paragraph --------------------------------------------------------------------- */

static void check_first(const char *body, const char *want)
{
	nz_arena *arena = nz_arena_new();
	const char *got;

	assert_non_null(arena);
	got = nz_article_first_paragraph(arena, body);
	assert_non_null(got);
	assert_string_equal(got, want);
	nz_arena_free(arena);
}

static void test_first_paragraph(void **state)
{
	(void)state;
	check_first("\n\nThe *defense* ministers met in [Seoul](https://example.com/seoul) on\n"
		    "Tuesday, said `spokesman` Kim.\n\nSecond paragraph.",
		    "The defense ministers met in Seoul on Tuesday, said spokesman Kim.");
	check_first("국방부는 **17일** 한미 국방장관 회담이 열렸다고 밝혔다.\n\n둘째 문단.",
		    "국방부는 17일 한미 국방장관 회담이 열렸다고 밝혔다.");
	check_first("", "");
	check_first(NULL, "");
	check_first("\n  \n\t\n", "");
	check_first("One line only", "One line only");
	check_first("Windows\r\nline ends\r\n\r\nnext", "Windows line ends");
}

static void test_first_paragraph_blocks(void **state)
{
	(void)state;
	check_first("## 한미 회담 *개최*\n\n본문", "본문");
	check_first("# Title #\nBody follows", "Body follows");
	check_first("Lead text\n# Heading", "Lead text");
	check_first("![Photo](lead.jpg)\n\nText after the photo.", "Text after the photo.");
	check_first("---\n\nAfter a rule.", "After a rule.");
	check_first("```\ncode block\n\nstill code\n```\n\nProse.", "Prose.");
	check_first("> A quoted\n> statement.", "A quoted statement.");
	check_first("- first item\n- second item", "first item second item");
	check_first("1. Step one", "Step one");
	check_first("Setext title\n============\n\nBody", "Setext title");
	check_first("#hashtag is not a heading", "#hashtag is not a heading");
}

static void test_first_paragraph_inline(void **state)
{
	(void)state;
	check_first("**bold** and __strong__ and _em_ and ~~gone~~",
		    "bold and strong and em and gone");
	check_first("snake_case and 2 * 3 = 6 and ~5%", "snake_case and 2 * 3 = 6 and ~5%");
	check_first("\\*not emphasis\\* and a \\[bracket\\]", "*not emphasis* and a [bracket]");
	check_first("See [the report][1] and ![chart](c.png) here.", "See the report and here.");
	check_first("Visit <https://example.com> or <b>bold</b>.",
		    "Visit https://example.com or bold.");
	check_first("a < b and [unclosed link", "a < b and [unclosed link");
	check_first("Nested [*emphasis* link](u)", "Nested emphasis link");
	check_first("Hard  \nbreak", "Hard break");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_status_names_round_trip),
	    cmocka_unit_test(test_name_order_names),
	    cmocka_unit_test(test_site_defaults),
	    cmocka_unit_test(test_validate_accepts_good_articles),
	    cmocka_unit_test(test_validate_headline),
	    cmocka_unit_test(test_validate_slug_and_language),
	    cmocka_unit_test(test_validate_tag_and_author_slugs),
	    cmocka_unit_test(test_validate_markdown_nesting),
	    cmocka_unit_test(test_validate_counts),
	    cmocka_unit_test(test_validate_text_everywhere),
	    cmocka_unit_test(test_is_public),
	    cmocka_unit_test(test_author_names),
	    cmocka_unit_test(test_language),
	    cmocka_unit_test(test_first_paragraph),
	    cmocka_unit_test(test_first_paragraph_blocks),
	    cmocka_unit_test(test_first_paragraph_inline),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
