/* Tests src/ingest/ingest.c: the refusals (each bad fixture in tests/fixtures/import/bad with
 * its code and a message naming the byte or line), the 2 MiB limit (a file made at run time),
 * format detection, and the options every import shares (publish, section, language). */
#include "ingest/ingest_test.h"

static void assert_refused_bytes(const char *bytes, size_t len, nz_rc want, const char *msg)
{
	nz_article a;
	nz_err err;
	nz_import_opts opts = {.now = 1};
	nz_ingested got;
	nz_rc rc = nz_ingest_parse(arena, bytes, len, &opts, &got, &err);

	a = got.article;

	if (rc != want || strcmp(err.msg, msg) != 0)
		fail_msg("got %d \"%s\", want %d \"%s\"", rc, err.msg, want, msg);
	assert_int_equal(err.rc, want);
	/* nothing half-filled is handed back */
	assert_null(a.headline);
	assert_null(a.body_markdown);
	assert_int_equal(a.n_import_notes, 0);
}

static void assert_refused(const char *fixture, nz_rc want, const char *msg)
{
	size_t len;
	const char *data = read_fixture(fixture, &len);

	assert_refused_bytes(data, len, want, msg);
}

static void test_bad_fixtures(void **state)
{
	(void)state;
	assert_refused("bad/empty.txt", NZ_INVAL, "empty file");
	assert_refused("bad/whitespace.txt", NZ_INVAL, "empty file");
	assert_refused("bad/binary.bin", NZ_INVAL, "binary file (NUL byte at byte 8)");
	assert_refused("bad/invalid-utf8.txt", NZ_UTF8, "invalid UTF-8 at byte 42");
	assert_refused("bad/no-article.txt", NZ_PARSE,
		       "no headline: the file has only page chrome");
	assert_refused("bad/headline-only.txt", NZ_PARSE,
		       "line 3: no body paragraph after the headline");
	assert_refused("bad/front-matter-unclosed.md", NZ_PARSE,
		       "line 1: front matter not closed (no \"---\" line after it)");
	assert_refused("bad/front-matter-bad-date.md", NZ_PARSE,
		       "line 4: published_at: \"2026-13-45T09:00:00Z\" is not an RFC 3339 time");
}

static void test_too_big(void **state)
{
	static char big[NZ_IMPORT_MAX_BYTES + 1];
	size_t len = sizeof big, n = 0;
	nz_ingested got;
	nz_err err;
	char msg[128];

	(void)state;
	for (int i = 0; n < len; i++)
		n +=
		    (size_t)snprintf(big + n, len - n, "Paragraph %d of a file far too long.\n", i);
	snprintf(msg, sizeof msg, "file is %zu bytes; the limit is %zu bytes (2 MiB)", len,
		 NZ_IMPORT_MAX_BYTES);
	assert_refused_bytes(big, len, NZ_TOOBIG, msg);
	/* at the limit the size is fine, but a 2 MiB body is not an article body */
	assert_int_equal(nz_ingest_parse(arena, big, len - 1, NULL, &got, &err), NZ_TOOBIG);
	if (strncmp(err.msg, "body is ", 8) != 0 || strstr(err.msg, "the limit is 1048576") == NULL)
		fail_msg("%s", err.msg);
}

static void test_offsets_count_from_file_start(void **state)
{
	static const char bom_bad[] = "\xEF\xBB\xBFHeadline\n\nBody \xC3\x28 text\n";
	static const char nul[] = "Headline\n\nBody\0 text\n";
	static const char overlong[] = "Headline\n\nBody \xC0\xAF\n";

	(void)state;
	assert_refused_bytes(bom_bad, sizeof bom_bad - 1, NZ_UTF8, "invalid UTF-8 at byte 18");
	assert_refused_bytes(nul, sizeof nul - 1, NZ_INVAL, "binary file (NUL byte at byte 14)");
	assert_refused_bytes(overlong, sizeof overlong - 1, NZ_UTF8, "invalid UTF-8 at byte 15");
	assert_refused_bytes("\xEF\xBB\xBF \r\n\t", 6, NZ_INVAL, "empty file");
	assert_refused_bytes(NULL, 0, NZ_INVAL, "empty file");
}

static void test_long_first_line_is_no_headline(void **state)
{
	char text[1024];

	(void)state;
	memset(text, 'x', 600);
	strcpy(text + 600, "\n\nBody.\n");
	assert_refused_bytes(text, strlen(text), NZ_PARSE,
			     "line 1: no headline: the first line is 600 bytes, longer than a "
			     "headline (at most 400)");
}

static void test_format_detection(void **state)
{
	nz_ingested got;
	nz_err err;
	const char *text = "--- not front matter\n\nBody.\n";
	const char *md = "\xEF\xBB\xBF---  \r\nheadline: H\r\n---\r\nBody\r\n";

	(void)state;
	assert_int_equal(nz_ingest_parse(arena, text, strlen(text), NULL, &got, &err), NZ_OK);
	assert_int_equal(got.format, NZ_FORMAT_TEXT);
	assert_string_equal(got.article.headline, "--- not front matter");
	assert_int_equal(nz_ingest_parse(arena, md, strlen(md), NULL, &got, &err), NZ_OK);
	assert_int_equal(got.format, NZ_FORMAT_MARKDOWN);
	assert_string_equal(got.article.headline, "H");
	assert_string_equal(got.article.body_markdown, "Body\n");
}

static void test_options(void **state)
{
	nz_ingested got;
	nz_err err;
	const char *text = "News Zone\n\nHeadline here\n\nBody.\n";
	nz_import_opts opts = {.publish = true, .section_slug = "defense", .now = 1800000000};

	(void)state;
	assert_int_equal(nz_ingest_parse(arena, text, strlen(text), &opts, &got, &err), NZ_OK);
	nz_article a = got.article;
	assert_int_equal(a.status, NZ_STATUS_PUBLISHED);
	assert_int_equal(a.published_at, 1800000000);
	assert_string_equal(a.section->slug, "defense");
	assert_string_equal(a.section->name, "Defense");
	assert_string_equal(a.language, "en");
	assert_string_equal(a.slug, "headline-here");
	assert_int_equal(nz_article_validate(&a, &err), NZ_OK);

	opts = (nz_import_opts){.language = "fr"};
	assert_int_equal(nz_ingest_parse(arena, text, strlen(text), &opts, &got, &err), NZ_INVAL);
	assert_string_equal(err.msg, "language: \"fr\" is not one of en, ko");
	opts = (nz_import_opts){.section_slug = "Not a slug"};
	assert_int_equal(nz_ingest_parse(arena, text, strlen(text), &opts, &got, &err), NZ_INVAL);
	assert_string_equal(err.msg, "section: \"Not a slug\" is not a valid slug");
}

static void test_good_fixtures_validate(void **state)
{
	static const char *const good[] = {
	    "good/en-reference-shape.txt", "good/en-dateline.txt",    "good/en-two-authors.txt",
	    "good/en-windows-bom.txt",     "good/ko-article.txt",     "good/ko-multi-author.txt",
	    "good/front-matter.md",        "good/front-matter-ko.md",
	};
	(void)state;
	for (size_t i = 0; i < sizeof good / sizeof *good; i++) {
		nz_ingested got;
		nz_err err;
		size_t len;
		const char *data = read_fixture(good[i], &len);
		nz_rc rc = nz_ingest_parse(arena, data, len, NULL, &got, &err);
		if (rc != NZ_OK)
			fail_msg("%s: %s", good[i], err.msg);
		if (nz_article_validate(&got.article, &err) != NZ_OK)
			fail_msg("%s does not validate: %s", good[i], err.msg);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_bad_fixtures),
	    cmocka_unit_test(test_too_big),
	    cmocka_unit_test(test_offsets_count_from_file_start),
	    cmocka_unit_test(test_long_first_line_is_no_headline),
	    cmocka_unit_test(test_format_detection),
	    cmocka_unit_test(test_options),
	    cmocka_unit_test(test_good_fixtures_validate),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
