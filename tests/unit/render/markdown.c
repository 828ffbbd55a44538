/*
 * Tests for render/markdown.c: CommonMark with tables and strikethrough, raw HTML shown as text,
 * links with dangerous schemes neutralised, Korean text intact.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "render/render.h"

/* Renders md into a static-lifetime-for-the-test buffer the caller frees. */
static char *render(const char *md)
{
	nz_buf b;
	nz_buf_init(&b, 0);
	assert_int_equal(nz_markdown_html(md, strlen(md), &b), NZ_OK);
	return nz_buf_steal(&b, NULL);
}

static void paragraphs_and_emphasis(void **state)
{
	(void)state;
	char *html = render("First *one*.\n\nSecond **two**.\n");
	assert_string_equal(html,
			    "<p>First <em>one</em>.</p>\n<p>Second <strong>two</strong>.</p>\n");
	free(html);
}

static void raw_html_block_is_escaped(void **state)
{
	(void)state;
	char *html = render("<script>alert('x')</script>\n\nafter\n");
	assert_null(strstr(html, "<script"));
	assert_non_null(strstr(html, "&lt;script&gt;"));
	assert_non_null(strstr(html, "<p>after</p>"));
	free(html);
}

static void raw_html_span_is_escaped(void **state)
{
	(void)state;
	char *html = render("Click <img src=x onerror=alert(1)> here\n");
	assert_null(strstr(html, "<img"));
	assert_non_null(strstr(html, "&lt;img src=x onerror=alert(1)&gt;"));
	free(html);
}

static void tables(void **state)
{
	(void)state;
	char *html = render("| Ship | Tons |\n| --- | ---: |\n| Sejong | 7600 |\n");
	assert_non_null(strstr(html, "<table>"));
	assert_non_null(strstr(html, "<th>Ship</th>"));
	assert_non_null(strstr(html, "<td align=\"right\">7600</td>"));
	free(html);
}

static void strikethrough(void **state)
{
	(void)state;
	char *html = render("It was ~~Monday~~ Tuesday.\n");
	assert_non_null(strstr(html, "<del>Monday</del>"));
	free(html);
}

static void korean_text(void **state)
{
	(void)state;
	char *html =
	    render("**국방부**는 17일 밝혔다.\n\n| 구분 | 내용 |\n|---|---|\n| 일정 | 10월 |\n");
	assert_non_null(strstr(html, "<p><strong>국방부</strong>는 17일 밝혔다.</p>"));
	assert_non_null(strstr(html, "<td>10월</td>"));
	free(html);
}

static void dangerous_links_are_neutralised(void **state)
{
	(void)state;
	char *html = render("[a](javascript:alert(1)) [b](JaVaScRiPt:alert(1)) "
			    "[c](javascript&#58;alert(1)) [d](data:text/html,x) "
			    "![e](vbscript:msgbox)\n");
	assert_null(strstr(html, "javascript"));
	assert_null(strstr(html, "JaVaScRiPt"));
	assert_null(strstr(html, "data:"));
	assert_null(strstr(html, "vbscript"));
	assert_non_null(strstr(html, "<a href=\"#\">a</a>"));
	assert_non_null(strstr(html, "<img src=\"#\" alt=\"e\">"));
	free(html);
}

static void ordinary_links_are_kept(void **state)
{
	(void)state;
	char *html = render("[a](https://example.org/x?y=1) [b](/article/x) [c](#notes) "
			    "[d](mailto:desk@example.org) [e](page.html)\n");
	assert_non_null(strstr(html, "href=\"https://example.org/x?y=1\""));
	assert_non_null(strstr(html, "href=\"/article/x\""));
	assert_non_null(strstr(html, "href=\"#notes\""));
	assert_non_null(strstr(html, "href=\"mailto:desk@example.org\""));
	assert_non_null(strstr(html, "href=\"page.html\""));
	free(html);
}

static void text_that_looks_like_an_attribute_is_left_alone(void **state)
{
	(void)state;
	/* Text is escaped by md4c, so it can never be mistaken for an attribute. */
	char *html = render("Write ` href=\"javascript:x\"` in code.\n");
	assert_non_null(strstr(html, "href=&quot;javascript:x&quot;"));
	free(html);
}

static void appends_to_the_buffer(void **state)
{
	(void)state;
	nz_buf b;
	nz_buf_init(&b, 0);
	nz_buf_puts(&b, "<div>");
	assert_int_equal(nz_markdown_html("[x](javascript:y)", 17, &b), NZ_OK);
	assert_string_equal(nz_buf_cstr(&b), "<div><p><a href=\"#\">x</a></p>\n");
	assert_int_equal(nz_markdown_html("", 0, &b), NZ_OK);
	assert_string_equal(nz_buf_cstr(&b), "<div><p><a href=\"#\">x</a></p>\n");
	nz_buf_free(&b);
}

static void hits_the_buffer_limit(void **state)
{
	(void)state;
	nz_buf b;
	nz_buf_init(&b, 32);
	const char *md = "A paragraph that is much longer than thirty-two bytes of output.";
	assert_int_equal(nz_markdown_html(md, strlen(md), &b), NZ_TOOBIG);
	nz_buf_free(&b);
}

/* A megabyte of ">" once rendered to 31 MB: bodies that nest too deeply or would render too
 * large give a short notice instead, and memory stays bounded. */
static void deep_nesting_and_huge_output_give_a_notice(void **state)
{
	(void)state;
	size_t n = 1024 * 1024;
	char *md = malloc(n + 1);
	assert_non_null(md);
	memset(md, '>', n);
	md[n] = '\0';
	char *html = render(md);
	assert_true(strlen(html) < 300);
	assert_non_null(strstr(html, "nests quotes or lists too deeply"));
	free(html);
	/* Within the nesting limits, 3 MB of one-letter paragraphs render to 9 MB: the output
	 * stops at the limit. */
	size_t big = 3 * n;
	char *paras = malloc(big + 1);
	assert_non_null(paras);
	for (size_t i = 0; i < big; i += 3)
		memcpy(paras + i, "x\n\n", 3);
	paras[big] = '\0';
	html = render(paras);
	assert_true(strlen(html) < 300);
	assert_non_null(strstr(html, "larger than 4 MB"));
	free(html);
	free(paras);
	/* Ordinary nesting renders as it did. */
	html = render("> quote\n> > nested\n\n- a\n  - b\n");
	assert_non_null(strstr(html, "<blockquote>"));
	assert_null(strstr(html, "render-limit"));
	free(html);
	free(md);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(paragraphs_and_emphasis),
	    cmocka_unit_test(raw_html_block_is_escaped),
	    cmocka_unit_test(raw_html_span_is_escaped),
	    cmocka_unit_test(tables),
	    cmocka_unit_test(strikethrough),
	    cmocka_unit_test(korean_text),
	    cmocka_unit_test(dangerous_links_are_neutralised),
	    cmocka_unit_test(ordinary_links_are_kept),
	    cmocka_unit_test(text_that_looks_like_an_attribute_is_left_alone),
	    cmocka_unit_test(appends_to_the_buffer),
	    cmocka_unit_test(hits_the_buffer_limit),
	    cmocka_unit_test(deep_nesting_and_huge_output_give_a_notice),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
