/* Tests src/ingest/frontmatter.c: Markdown with front matter, from the fixtures
 * tests/fixtures/import/good/front-matter*.md and from small files written inline; every error
 * must name the line it is about. */
#include "ingest/ingest_test.h"

static nz_rc parse(const char *bytes, size_t len, const nz_import_opts *opts, nz_article *a,
		   nz_err *err)
{
	nz_ingested got;
	nz_rc rc = nz_ingest_parse(arena, bytes, len, opts, &got, err);

	*a = got.article;
	assert_int_equal(got.format, NZ_FORMAT_MARKDOWN);
	return rc;
}

static void parse_ok(const char *text, const nz_import_opts *opts, nz_article *a)
{
	nz_err err;
	nz_rc rc = parse(text, strlen(text), opts, a, &err);

	if (rc != NZ_OK)
		fail_msg("nz_ingest_parse: %d %s", rc, err.msg);
}

static void assert_refused(const char *text, nz_rc want, const char *msg)
{
	nz_article a;
	nz_err err;
	nz_rc rc = parse(text, strlen(text), NULL, &a, &err);

	if (rc != want || strcmp(err.msg, msg) != 0)
		fail_msg("got %d \"%s\", want %d \"%s\"", rc, err.msg, want, msg);
	assert_null(a.headline);
}

static void test_every_key(void **state)
{
	nz_article a;
	nz_err err;
	size_t len;
	const char *data = read_fixture("good/front-matter.md", &len);
	nz_import_opts opts = {.now = 1};

	(void)state;
	assert_int_equal(parse(data, len, &opts, &a, &err), NZ_OK);
	assert_string_equal(a.headline, "Allies open a joint logistics centre in Pyeongtaek");
	assert_string_equal(a.slug, "allies-open-joint-logistics-centre");
	assert_string_equal(a.language, "en");
	assert_non_null(a.section);
	assert_string_equal(a.section->slug, "defense");
	assert_string_equal(a.section->name, "Defense");
	assert_int_equal(a.status, NZ_STATUS_PUBLISHED);
	assert_int_equal(a.published_at, 1795132800); /* 2026-11-20T00:00:00Z */
	assert_int_equal(a.updated_at, 1795222800);   /* 2026-11-21T01:00:00Z */
	assert_string_equal(a.dateline, "PYEONGTAEK, Nov. 20");
	assert_string_equal(a.highlights_intro, "At the opening ceremony:");
	assert_int_equal(a.n_highlights, 2);
	assert_string_equal(a.highlights[0], "The centre will stock parts for both armies");
	assert_string_equal(a.highlights[1],
			    "It is the first of three planned sites # not a comment");
	assert_int_equal(a.n_authors, 2);
	assert_string_equal(a.authors[0].family_name, "Maeng");
	assert_string_equal(a.authors[0].given_name, "Su-Yeol");
	assert_int_equal(a.authors[0].order, NZ_NAME_EASTERN);
	assert_string_equal(a.authors[0].email, "maeng@example.com");
	assert_string_equal(a.authors[0].bio, "Defense correspondent.");
	assert_string_equal(a.authors[0].display_name, "Maeng Su-Yeol");
	assert_string_equal(a.authors[0].slug, "maeng-su-yeol");
	assert_string_equal(a.authors[1].display_name, "Jane Doe");
	assert_string_equal(a.authors[1].family_name, "Doe");
	assert_null(a.authors[1].email);
	assert_int_equal(a.n_tags, 2);
	assert_string_equal(a.tags[0].name, "logistics");
	assert_string_equal(a.tags[0].slug, "logistics");
	assert_string_equal(a.tags[1].name, "alliance");
	assert_string_equal(a.copyright, "<Copyright \u24d2 Newszone Daily, All rights reserved>");
	assert_int_equal(a.n_media, 1);
	assert_string_equal(a.media[0].caption, "Soldiers unload the first shipment.");
	assert_string_equal(a.media[0].credit, "Newszone Daily");
	assert_string_equal(a.media[0].alt, "Soldiers carrying crates from a truck");
	assert_null(a.media[0].hash);
	assert_string_equal(a.translation_of, "allies-open-logistics-centre-ko");
	assert_int_equal(a.n_import_notes, 2);
	assert_true(has_note(&a, "authors: twitter: @janedoe"));
	assert_true(has_note(&a, "mood: upbeat"));
	assert_string_equal(a.body_markdown,
			    "The body, in **Markdown**.\n\n- a list stays a list\n");
}

static void test_korean_crlf(void **state)
{
	nz_article a;
	nz_err err;
	size_t len;
	const char *data = read_fixture("good/front-matter-ko.md", &len);
	nz_import_opts opts = {.now = 77, .publish = true};

	(void)state;
	assert_int_equal(parse(data, len, &opts, &a, &err), NZ_OK);
	assert_string_equal(a.headline, "한미, 평택에 공동 군수센터 개소");
	assert_string_equal(a.language, "ko");
	assert_string_equal(a.slug, "한미-평택에-공동-군수센터-개소");
	assert_string_equal(a.section->name, "Defense");
	assert_int_equal(a.status, NZ_STATUS_PUBLISHED);
	assert_int_equal(a.published_at, 77);
	assert_int_equal(a.n_authors, 2);
	assert_string_equal(a.authors[0].family_name, "김");
	assert_string_equal(a.authors[0].given_name, "민준");
	assert_int_equal(a.authors[0].order, NZ_NAME_HANGUL);
	assert_string_equal(a.authors[0].email, "minjun@example.kr");
	assert_string_equal(a.authors[0].display_name, "김민준");
	assert_string_equal(a.authors[1].display_name, "Kim Min-jun");
	assert_int_equal(a.authors[1].order, NZ_NAME_EASTERN);
	assert_int_equal(a.n_highlights, 1);
	assert_string_equal(a.highlights[0], "양국 군 부품 비축");
	assert_string_equal(a.body_markdown,
			    "한미 양국 군은 20일 평택에서 공동 군수센터 개소식을 열었다.\n");
	assert_int_equal(a.n_import_notes, 0);
}

static void test_minimal_and_options(void **state)
{
	nz_article a;
	nz_import_opts opts = {.section_slug = "north-korea", .language = "ko", .now = 9};

	(void)state;
	parse_ok("---\nheadline: Short\nsection: defense\nsection_name: Defense\n---\nBody\n",
		 &opts, &a);
	/* the command line's section wins, named from its slug */
	assert_string_equal(a.section->slug, "north-korea");
	assert_string_equal(a.section->name, "North-korea");
	assert_string_equal(a.language, "ko");
	assert_int_equal(a.status, NZ_STATUS_DRAFT);
	assert_int_equal(a.published_at, 0);
	assert_string_equal(a.slug, "short");

	parse_ok("---\nheadline: Short\nstatus: published\ntags: []\n---\n\n\nBody\n\n\n", NULL,
		 &a);
	assert_null(a.section);
	assert_int_equal(a.status, NZ_STATUS_PUBLISHED);
	assert_int_equal(a.n_tags, 0);
	assert_string_equal(a.body_markdown, "Body\n");
	assert_string_equal(a.language, "en");

	/* quoted values are JSON strings: escapes, leading spaces, a '#' */
	parse_ok("---\nheadline: \"  Tab\\there \\u00e9 \\\"#1\\\"\"   # a comment\n"
		 "dateline: SEOUL, May 1 # a comment\n---\nBody\n",
		 NULL, &a);
	assert_string_equal(a.headline, "  Tab\there \u00e9 \"#1\"");
	assert_string_equal(a.dateline, "SEOUL, May 1");
}

static void test_unknown_list_goes_to_notes(void **state)
{
	nz_article a;

	(void)state;
	parse_ok("---\nheadline: H\nrelated:\n  - one-story\n  - other-story\n---\nBody\n", NULL,
		 &a);
	assert_int_equal(a.n_import_notes, 3);
	assert_string_equal(a.import_notes[0], "related:");
	assert_string_equal(a.import_notes[1], "related: - one-story");
	assert_string_equal(a.import_notes[2], "related: - other-story");
}

static void test_errors_name_the_line(void **state)
{
	(void)state;
	assert_refused("---\nheadline: H\n", NZ_PARSE,
		       "line 1: front matter not closed (no \"---\" line after it)");
	assert_refused("---\nheadline: H\npublished_at: 2026-02-30\n---\nB\n", NZ_PARSE,
		       "line 3: published_at: \"2026-02-30\" is not an RFC 3339 time");
	assert_refused("---\nheadline: H\nheadline: I\n---\nB\n", NZ_PARSE,
		       "line 3: headline given twice");
	assert_refused("---\nheadline: H\njust some words\n---\nB\n", NZ_PARSE,
		       "line 3: expected \"key: value\", got \"just some words\"");
	assert_refused("---\n- item\nheadline: H\n---\nB\n", NZ_PARSE,
		       "line 2: a list item with no key above it: \"- item\"");
	assert_refused("---\nheadline: H\n  indented: x\n---\nB\n", NZ_PARSE,
		       "line 3: indented line outside a list item: \"indented: x\"");
	assert_refused("---\nheadline: \"H\n---\nB\n", NZ_PARSE,
		       "line 2: quoted value not closed: \"\"H\"");
	assert_refused("---\nheadline: \"H\" more\n---\nB\n", NZ_PARSE,
		       "line 2: unexpected text after a quoted value: \"more\"");
	assert_refused("---\nheadline: \"bad \\q escape\"\n---\nB\n", NZ_PARSE,
		       "line 2: bad quoted value: invalid escape near '\"bad \\q'");
	assert_refused("---\nheadline: H\nstatus: retracted\n---\nB\n", NZ_PARSE,
		       "line 3: status: must be draft, review or published, not \"retracted\"");
	assert_refused("---\nheadline: H\nlanguage: fr\n---\nB\n", NZ_PARSE,
		       "line 3: language: must be en or ko, not \"fr\"");
	assert_refused("---\nheadline: H\nslug: Not A Slug\n---\nB\n", NZ_PARSE,
		       "line 3: slug: not a valid slug: \"Not A Slug\"");
	assert_refused("---\nheadline: H\nauthors:\n  - name: A B\n    order: sideways\n---\nB\n",
		       NZ_PARSE,
		       "line 5: order: must be western, eastern or hangul, not \"sideways\"");
	assert_refused("---\nheadline: H\nauthors:\n  - name: A B\n    email: nope\n---\nB\n",
		       NZ_PARSE, "line 5: email: not an e-mail address: \"nope\"");
	assert_refused("---\nheadline: H\nauthors:\n  - bio: Nameless.\n---\nB\n", NZ_PARSE,
		       "line 4: author without a name (give name, or family and given)");
	assert_refused("---\nheadline: H\ntags: a, b\n---\nB\n", NZ_PARSE,
		       "line 3: tags takes a list of \"- \" lines below it");
	assert_refused("---\nheadline:\n  - H\n---\nB\n", NZ_PARSE,
		       "line 3: headline takes one value, not a list");
	assert_refused("---\nsection: defense\n---\nB\n", NZ_PARSE,
		       "line 3: the front matter has no headline");
	assert_refused("---\nheadline: H\n---\n\n  \n", NZ_PARSE,
		       "line 3: no body after the front matter");
	assert_refused("---\nheadline: H\nhighlights:\n  -\n---\nB\n", NZ_PARSE,
		       "line 4: empty list item: \"-\"");
}

static void test_too_many_highlights(void **state)
{
	char text[2048];
	size_t n = (size_t)snprintf(text, sizeof text, "---\nheadline: H\nhighlights:\n");

	(void)state;
	for (int i = 0; i <= NZ_HIGHLIGHTS_MAX; i++)
		n += (size_t)snprintf(text + n, sizeof text - n, "  - point %d\n", i);
	snprintf(text + n, sizeof text - n, "---\nBody\n");
	assert_refused(text, NZ_PARSE, "line 16: more than 12 highlights");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_every_key),
	    cmocka_unit_test(test_korean_crlf),
	    cmocka_unit_test(test_minimal_and_options),
	    cmocka_unit_test(test_unknown_list_goes_to_notes),
	    cmocka_unit_test(test_errors_name_the_line),
	    cmocka_unit_test(test_too_many_highlights),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
