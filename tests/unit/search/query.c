/*
 * Tests for search/query.c: every operator of the query syntax, every kind of malformed input
 * (which must give a sensible query or a message, never a failure), and that the FTS5 output
 * quotes every piece of user text so it can never be read as FTS5 syntax.
 */
#include <stdio.h>
#include <stdlib.h>

#include "search/search_test.h"

typedef struct parsed {
	nz_arena *arena;
	nz_search_query q;
	char match[4096];
} parsed;

static parsed *parse(const char *text, size_t len)
{
	static parsed p;
	nz_arena_free(p.arena);
	memset(&p, 0, sizeof p);
	p.arena = nz_arena_new();
	assert_non_null(p.arena);
	assert_int_equal(nz_search_parse(p.arena, text, len, &p.q), NZ_OK);
	nz_buf b;
	nz_buf_init(&b, 0);
	assert_int_equal(nz_search_fts5(&p.q, &b), NZ_OK);
	assert_true(b.len < sizeof p.match);
	memcpy(p.match, nz_buf_cstr(&b), b.len + 1);
	nz_buf_free(&b);
	return &p;
}

static parsed *parse_c(const char *text)
{
	return parse(text, strlen(text));
}

static int teardown(void **state)
{
	(void)state;
	parse_c(""); /* frees the last arena */
	return 0;
}

static void test_words_are_anded(void **state)
{
	(void)state;
	parsed *p = parse_c("navy  drills");
	assert_int_equal(p->q.n, 2);
	assert_int_equal(p->q.n_include, 2);
	assert_null(p->q.message);
	assert_string_equal(p->match, "(\"navy\" AND \"drills\")");
	assert_string_equal(parse_c("국방 동맹")->match, "(\"국방\" AND \"동맹\")");
}

static void test_phrase(void **state)
{
	(void)state;
	parsed *p = parse_c("\"joint naval drill\" busan");
	assert_int_equal(p->q.n, 2);
	assert_true(p->q.terms[0].phrase);
	assert_string_equal(p->q.terms[0].text, "joint naval drill");
	assert_string_equal(p->match, "(\"joint naval drill\" AND \"busan\")");
}

static void test_prefix(void **state)
{
	(void)state;
	parsed *p = parse_c("defen*");
	assert_true(p->q.terms[0].prefix);
	assert_string_equal(p->q.terms[0].text, "defen");
	assert_string_equal(p->match, "(\"defen\" *)");
	assert_string_equal(parse_c("\"long range\"*")->match, "(\"long range\" *)");
	assert_string_equal(parse_c("defen***")->match, "(\"defen\" *)");
	/* One Korean syllable is looked for at the start of the pairs that hold it. */
	assert_string_equal(parse_c("국")->match, "(\"국\" *)");
}

static void test_exclusion(void **state)
{
	(void)state;
	parsed *p = parse_c("navy -drill -\"live fire\"");
	assert_int_equal(p->q.n, 3);
	assert_int_equal(p->q.n_include, 1);
	assert_true(p->q.terms[1].exclude);
	assert_string_equal(p->match, "(\"navy\") NOT \"drill\" NOT \"live fire\"");
	assert_string_equal(parse_c("navy NOT drill AND army")->match,
			    "(\"navy\" AND \"army\") NOT \"drill\"");
	/* Inner hyphens belong to the word. */
	assert_string_equal(parse_c("K-9 F-35A")->match, "(\"K-9\" AND \"F-35A\")");
}

static void test_only_exclusions(void **state)
{
	(void)state;
	parsed *p = parse_c("-drill -navy");
	assert_int_equal(p->q.n_include, 0);
	assert_non_null(p->q.message);
	assert_string_equal(p->match, "");
}

static void test_unbalanced_quotes(void **state)
{
	(void)state;
	parsed *p = parse_c("\"joint drill");
	assert_int_equal(p->q.n, 1);
	assert_true(p->q.terms[0].phrase);
	assert_string_equal(p->q.terms[0].text, "joint drill");
	assert_non_null(p->q.message);
	assert_string_equal(parse_c("a\"b\"c\"")->match, "(\"a\" AND \"b\" AND \"c\")");
	assert_string_equal(parse_c("\"\"\"")->match, "");
}

static void test_lone_operators(void **state)
{
	(void)state;
	const char *lone[] = {"-",   "*", "\"", "- * \"",    "--", "+", "AND",
			      "NOT", "(", ")",  "NEAR(a b)", ":",  "^", "{}"};
	for (size_t i = 0; i < sizeof lone / sizeof lone[0]; i++) {
		parsed *p = parse_c(lone[i]);
		if (strcmp(lone[i], "NEAR(a b)") == 0) {
			/* words inside stay words, quoted */
			assert_string_equal(p->match, "(\"NEAR(a\" AND \"b)\")");
			continue;
		}
		assert_int_equal(p->q.n_include, 0);
		assert_string_equal(p->match, "");
		if (strcmp(lone[i], "AND") != 0 && strcmp(lone[i], "NOT") != 0)
			assert_non_null(p->q.message);
	}
	assert_null(parse_c("")->q.message);
	assert_null(parse_c("   ")->q.message);
}

/* Every double quote in the output is either a string delimiter or doubled inside one, so
 * FTS5 sees only strings, AND, NOT, parentheses and '*'. */
static void assert_only_strings(const char *match)
{
	bool in = false;
	for (const char *c = match; *c; c++) {
		if (*c == '"') {
			if (in && c[1] == '"') {
				c++;
				continue;
			}
			in = !in;
			continue;
		}
		if (in)
			continue;
		if (!strchr("() *", *c) && strncmp(c, "AND", 3) != 0 && strncmp(c, "NOT", 3) != 0 &&
		    !(c > match &&
		      (strncmp(c - 1, "AND", 3) == 0 || strncmp(c - 2, "AND", 3) == 0 ||
		       strncmp(c - 1, "NOT", 3) == 0 || strncmp(c - 2, "NOT", 3) == 0)))
			fail_msg("syntax outside a string at '%s' in %s", c, match);
	}
	assert_false(in);
}

static void test_injection_is_quoted(void **state)
{
	(void)state;
	const char *evil[] = {
	    "headline: secret",   "a OR b",    "x\" OR \"y",     "NEAR(\"a\" \"b\", 2)",
	    "{headline body}: x", "a\"\"b",    "- \"x\" * ^y",   "\"a\" NOT",
	    "col:\"a\" + b*c",    "\\\" \\\\", "a AND (b OR c)",
	};
	for (size_t i = 0; i < sizeof evil / sizeof evil[0]; i++)
		assert_only_strings(parse_c(evil[i])->match);
	assert_string_equal(parse_c("x\"y")->match, "(\"x\" AND \"y\")");
	assert_string_equal(parse_c("a OR b")->match, "(\"a\" AND \"OR\" AND \"b\")");
}

static void test_control_bytes_and_bad_utf8(void **state)
{
	(void)state;
	static const char q[] = "na\x01vy\x00x \xff\xfe drill\x1b";
	parsed *p = parse(q, sizeof q - 1);
	assert_string_equal(p->match, "(\"na\" AND \"vy\" AND \"x\" AND \"drill\")");
	for (int i = 0; i < (int)p->q.n; i++)
		for (const char *c = p->q.terms[i].text; *c; c++)
			assert_true((unsigned char)*c >= 0x20);
	/* The raw-term byte can never come from a reader. */
	p = parse_c("\x01navy");
	assert_null(strchr(p->match, NZ_SEARCH_RAW_BYTE));
}

static void test_very_long_queries(void **state)
{
	(void)state;
	size_t len = 10000;
	char *q = malloc(len + 1);
	assert_non_null(q);
	for (size_t i = 0; i < len; i++)
		q[i] = "drill "[i % 6];
	q[len] = '\0';
	parsed *p = parse(q, len);
	assert_int_equal(p->q.n, NZ_SEARCH_TERMS_MAX);
	assert_non_null(p->q.message);
	/* 10,000 characters of Korean: cut at a character boundary. */
	size_t klen = 0;
	while (klen + 3 <= len) {
		memcpy(q + klen, "국", 3);
		klen += 3;
	}
	p = parse(q, klen);
	assert_int_equal(p->q.n, 1);
	assert_true(strlen(p->q.terms[0].text) <= NZ_SEARCH_QUERY_MAX);
	assert_int_equal(strlen(p->q.terms[0].text) % 3, 0);
	assert_non_null(p->q.message);
	free(q);
}

static void test_raw_terms(void **state)
{
	(void)state;
	nz_buf b;
	nz_buf_init(&b, 0);
	assert_int_equal(nz_search_fts5_raw_term("exercis", 7, &b), NZ_OK);
	assert_string_equal(nz_buf_cstr(&b), "\"\x01"
					     "exercis\"");
	nz_buf_reset(&b);
	nz_search_fts5_raw_term("a\"b", 3, &b);
	assert_string_equal(nz_buf_cstr(&b), "\"\x01"
					     "a\"\"b\"");
	nz_buf_free(&b);
}

static void test_snippet_html(void **state)
{
	(void)state;
	nz_buf b;
	nz_buf_init(&b, 0);
	const char *s = "…the <script>alert(1)</script> \x02"
			"drill\x03 & **bold** [link](http://x) "
			"\x02"
			"국방\x03부는…";
	assert_int_equal(nz_search_snippet_html(s, strlen(s), &b), NZ_OK);
	assert_string_equal(nz_buf_cstr(&b),
			    "…the &lt;script&gt;alert(1)&lt;/script&gt; <mark>drill</mark> &amp; "
			    "bold link <mark>국방</mark>부는…");
	/* Unbalanced marks are balanced; stray control bytes dropped. */
	nz_buf_reset(&b);
	s = "\x02open\x02 \x03\x03 x\x01y\x02tail";
	nz_search_snippet_html(s, strlen(s), &b);
	assert_string_equal(nz_buf_cstr(&b), "<mark>open</mark> x y<mark>tail</mark>");
	nz_buf_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_words_are_anded),
	    cmocka_unit_test(test_phrase),
	    cmocka_unit_test(test_prefix),
	    cmocka_unit_test(test_exclusion),
	    cmocka_unit_test(test_only_exclusions),
	    cmocka_unit_test(test_unbalanced_quotes),
	    cmocka_unit_test(test_lone_operators),
	    cmocka_unit_test(test_injection_is_quoted),
	    cmocka_unit_test(test_control_bytes_and_bad_utf8),
	    cmocka_unit_test(test_very_long_queries),
	    cmocka_unit_test(test_raw_terms),
	    cmocka_unit_test(test_snippet_html),
	};
	return cmocka_run_group_tests(tests, NULL, teardown);
}
