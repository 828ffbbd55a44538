/*
 * Tests for core/escape.c: output escaped for HTML, XML, JSON (safe inside <script>) and URL
 * path segments, and percent-decoding that refuses malformed input.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <string.h>

#include "core/core.h"

typedef nz_rc (*escaper)(nz_buf *out, const char *s, size_t len);

/* Runs an escaper on s[0..len) into a fresh buffer and compares with want. */
static void check_len(escaper fn, const char *s, size_t len, const char *want)
{
	nz_buf b;

	nz_buf_init(&b, 0);
	assert_int_equal(fn(&b, s, len), NZ_OK);
	assert_string_equal(nz_buf_cstr(&b), want);
	nz_buf_free(&b);
}

static void check(escaper fn, const char *s, const char *want)
{
	check_len(fn, s, strlen(s), want);
}

static void test_html(void **state)
{
	(void)state;
	check(nz_escape_html, "<a href=\"x\">Tom & Jerry's</a>",
	      "&lt;a href=&quot;x&quot;&gt;Tom &amp; Jerry&#39;s&lt;/a&gt;");
	check(nz_escape_html, "국방부 “발표” <속보>", "국방부 “발표” &lt;속보&gt;");
	check(nz_escape_html, "plain text", "plain text");
	check(nz_escape_html, "", "");
	check(nz_escape_html, "&amp;", "&amp;amp;"); /* already-escaped text is text */
	check(nz_escape_html, "<Copyright ⓒ Newszone Daily, All rights reserved>",
	      "&lt;Copyright ⓒ Newszone Daily, All rights reserved&gt;");
}

static void test_html_appends(void **state)
{
	(void)state;
	nz_buf b;

	nz_buf_init(&b, 0);
	nz_buf_puts(&b, "<p>");
	nz_escape_html(&b, "1 < 2", 5);
	nz_buf_puts(&b, "</p>");
	assert_string_equal(nz_buf_cstr(&b), "<p>1 &lt; 2</p>");
	nz_buf_free(&b);
}

static void test_xml(void **state)
{
	(void)state;
	check(nz_escape_xml, "AT&T <b>'quoted'</b> \"x\"",
	      "AT&amp;T &lt;b&gt;&#39;quoted&#39;&lt;/b&gt; &quot;x&quot;");
	/* Controls that XML 1.0 forbids are dropped; tab, newline and CR stay. */
	check(nz_escape_xml,
	      "a\x01"
	      "b\x0B"
	      "c\x1F"
	      "d\te\nf\rg",
	      "abcd\te\nf\rg");
	check_len(nz_escape_xml, "a\0b", 3, "ab");
	check(nz_escape_xml, "한미 회담", "한미 회담");
	/* U+FFFE and U+FFFF are not XML characters either. */
	check(nz_escape_xml, "x\xEF\xBF\xBEy\xEF\xBF\xBFz", "xyz");
	/* Invalid UTF-8 becomes U+FFFD so a feed stays well-formed. */
	check(nz_escape_xml,
	      "bad\xFF"
	      "byte",
	      "bad\xEF\xBF\xBD"
	      "byte");
	check(nz_escape_xml, "cut \xEA\xB5", "cut \xEF\xBF\xBD\xEF\xBF\xBD");
}

static void test_json(void **state)
{
	(void)state;
	check(nz_escape_json, "say \"hi\" \\ bye", "say \\\"hi\\\" \\\\ bye");
	check(nz_escape_json, "line1\nline2\ttab\rcr", "line1\\nline2\\ttab\\rcr");
	check(nz_escape_json, "\x01\x1F\x7F", "\\u0001\\u001F\\u007F");
	check_len(nz_escape_json, "a\0b", 3, "a\\u0000b");
	check(nz_escape_json, "국방부 발표 – F-35A", "국방부 발표 – F-35A"); /* UTF-8 kept */
	check(nz_escape_json, "😀", "😀");
	/* Safe inside <script>: "</script>" cannot close the element. */
	check(nz_escape_json, "</script><script>alert(1)</script>",
	      "<\\/script><script>alert(1)<\\/script>");
	check(nz_escape_json, "a/b and https://x.y/", "a/b and https://x.y/");
	/* U+2028 and U+2029 end lines in older JavaScript. */
	check(nz_escape_json,
	      "a\xE2\x80\xA8"
	      "b\xE2\x80\xA9",
	      "a\\u2028b\\u2029");
	/* Invalid UTF-8 never reaches the output. */
	check(nz_escape_json, "x\xC0\xAFy", "x\\uFFFD\\uFFFDy");
}

static void test_url(void **state)
{
	(void)state;
	check(nz_escape_url, "국방", "%EA%B5%AD%EB%B0%A9");
	check(nz_escape_url, "한미 회담", "%ED%95%9C%EB%AF%B8%20%ED%9A%8C%EB%8B%B4");
	check(nz_escape_url, "AZaz09-._~", "AZaz09-._~");
	check(nz_escape_url, "a/b?c=d&e#f+g%", "a%2Fb%3Fc%3Dd%26e%23f%2Bg%25");
	check(nz_escape_url, "Café", "Caf%C3%A9");
	check(nz_escape_url, "", "");
}

static void decode_ok(const char *s, bool plus, const char *want)
{
	nz_buf b;

	nz_buf_init(&b, 0);
	assert_int_equal(nz_url_decode(&b, s, strlen(s), plus), NZ_OK);
	assert_string_equal(nz_buf_cstr(&b), want);
	nz_buf_free(&b);
}

static void test_url_decode(void **state)
{
	(void)state;
	decode_ok("%EA%B5%AD%EB%B0%A9", false, "국방");
	decode_ok("%ea%b5%ad", false, "국"); /* lower-case hex */
	decode_ok("a+b%20c", true, "a b c");
	decode_ok("a+b", false, "a+b");
	decode_ok("plain", false, "plain");
	decode_ok("%2B1", true, "+1"); /* an encoded plus stays a plus */
	decode_ok("", true, "");
}

static void test_url_decode_rejects(void **state)
{
	(void)state;
	const char *bad[] = {"%", "abc%", "%4", "x%4", "%G1", "%1G", "abc%zz", "%%41", "%00"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		nz_buf b;

		nz_buf_init(&b, 0);
		nz_buf_puts(&b, "keep");
		if (nz_url_decode(&b, bad[i], strlen(bad[i]), true) != NZ_PARSE)
			fail_msg("accepted \"%s\"", bad[i]);
		assert_string_equal(nz_buf_cstr(&b), "keep"); /* nothing appended */
		nz_buf_free(&b);
	}
}

static void test_url_round_trip(void **state)
{
	(void)state;
	const char *texts[] = {"한미 국방장관 회담 열려", "Republic of Korea, US “next level”",
			       "100% + 2/3 & more"};
	for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
		nz_buf enc, dec;

		nz_buf_init(&enc, 0);
		nz_buf_init(&dec, 0);
		assert_int_equal(nz_escape_url(&enc, texts[i], strlen(texts[i])), NZ_OK);
		assert_int_equal(nz_url_decode(&dec, enc.p, enc.len, true), NZ_OK);
		assert_string_equal(nz_buf_cstr(&dec), texts[i]);
		nz_buf_free(&enc);
		nz_buf_free(&dec);
	}
}

static void test_respects_buffer_limit(void **state)
{
	(void)state;
	nz_buf b;

	nz_buf_init(&b, 16);
	/* Each '<' becomes 4 bytes: 5 of them pass the 16-byte cap. */
	assert_int_equal(nz_escape_html(&b, "<<<<<", 5), NZ_TOOBIG);
	assert_int_equal(nz_buf_rc(&b), NZ_TOOBIG);
	nz_buf_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_html),
	    cmocka_unit_test(test_html_appends),
	    cmocka_unit_test(test_xml),
	    cmocka_unit_test(test_json),
	    cmocka_unit_test(test_url),
	    cmocka_unit_test(test_url_decode),
	    cmocka_unit_test(test_url_decode_rejects),
	    cmocka_unit_test(test_url_round_trip),
	    cmocka_unit_test(test_respects_buffer_limit),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
