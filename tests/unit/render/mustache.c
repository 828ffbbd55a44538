/*
 * Our own cases for render/mustache.c, beyond the official spec (mustache_spec.c): syntax
 * errors that name the template and line, limits (partial recursion, section nesting, output
 * size), the values themes rely on (falsey "" and 0, numbers, Korean text, escaping), layout
 * inheritance as a theme uses it, and two threads rendering one set.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pthread.h>

#include <cmocka.h>

#include "render/render.h"

static nz_tmpl_set *new_set(void)
{
	nz_tmpl_set *set = NULL;
	assert_int_equal(nz_tmpl_set_new(&set), NZ_OK);
	return set;
}

static void add(nz_tmpl_set *set, const char *name, const char *src)
{
	nz_err err = {0};
	nz_rc rc = nz_tmpl_add(set, name, src, strlen(src), &err);
	if (rc != NZ_OK)
		fail_msg("%s", err.msg);
}

/* Compiling src must fail with NZ_PARSE and a message that contains want. */
static void assert_syntax_error(const char *name, const char *src, const char *want)
{
	nz_tmpl_set *set = new_set();
	nz_err err = {0};
	assert_int_equal(nz_tmpl_add(set, name, src, strlen(src), &err), NZ_PARSE);
	assert_int_equal(err.rc, NZ_PARSE);
	if (!strstr(err.msg, want))
		fail_msg("message \"%s\" lacks \"%s\"", err.msg, want);
	assert_false(nz_tmpl_has(set, name));
	nz_tmpl_set_free(set);
}

/* Renders the one template "t" of src against the JSON text data and compares. */
static void assert_renders(const char *src, const char *data, const char *want)
{
	nz_tmpl_set *set = new_set();
	add(set, "t", src);
	json_t *ctx = json_loads(data, JSON_DECODE_ANY, NULL);
	assert_non_null(ctx);
	nz_buf out;
	nz_err err = {0};
	nz_buf_init(&out, 0);
	assert_int_equal(nz_tmpl_render(set, "t", ctx, &out, &err), NZ_OK);
	assert_string_equal(nz_buf_cstr(&out), want);
	nz_buf_free(&out);
	json_decref(ctx);
	nz_tmpl_set_free(set);
}

static void syntax_errors_name_template_and_line(void **state)
{
	(void)state;
	assert_syntax_error("article", "<h1>{{headline}}</h1>\n<p>\n{{#authors}}{{name}}\n</p>\n",
			    "article: line 3: unclosed section 'authors'");
	assert_syntax_error("front", "a\nb {{/items}}\n", "front: line 2: closing tag without");
	assert_syntax_error("list", "{{#a}}\n{{#b}}\n{{/a}}\n{{/b}}\n",
			    "list: line 3: section 'b' (line 2) closed by 'a'");
	assert_syntax_error("page", "one\ntwo {{title\nthree\n", "page: line 2: unclosed tag");
	assert_syntax_error("page", "{{=<% %>}}\n", "page: line 1: unclosed tag");
	assert_syntax_error("page", "x\n{{= a b c =}}\n", "page: line 2: bad set-delimiter tag");
	assert_syntax_error("page", "{{}}", "page: line 1: empty tag");
	assert_syntax_error("page", "{{a..b}}", "page: line 1: bad name 'a..b'");
	assert_syntax_error("page", "{{#a b}}{{/a b}}", "bad name 'a b'");
	assert_syntax_error("page", "{{<layout}}{{$body}}x{{/layout}}",
			    "page: line 1: section 'body' (line 1) closed by 'layout'");
	assert_syntax_error("page", "{{<layout}}\n{{$body}}x{{/body}}\n",
			    "line 1: unclosed section 'layout'");
}

static void sections_nested_too_deep_are_refused(void **state)
{
	(void)state;
	static char src[200 * 12];
	size_t len = 0;
	for (int i = 0; i < 200; i++)
		len += (size_t)snprintf(src + len, sizeof src - len, "{{#a}}");
	assert_syntax_error("deep", src, "deep: line 1: sections nested too deep");
}

static void huge_template_is_refused(void **state)
{
	(void)state;
	size_t len = 2 * 1024 * 1024;
	char *src = malloc(len);
	assert_non_null(src);
	memset(src, 'x', len);
	nz_tmpl_set *set = new_set();
	nz_err err = {0};
	assert_int_equal(nz_tmpl_add(set, "big", src, len, &err), NZ_TOOBIG);
	assert_non_null(strstr(err.msg, "big: template larger than"));
	assert_int_equal(nz_tmpl_add(set, "ok", src, 1000, &err), NZ_OK);
	free(src);
	nz_tmpl_set_free(set);
}

static void missing_partial_renders_empty(void **state)
{
	(void)state;
	assert_renders("[{{>nowhere}}]\n  {{>nowhere}}\n[{{<nowhere}}{{$x}}y{{/x}}{{/nowhere}}]",
		       "{}", "[]\n[]");
}

static void render_fails(nz_tmpl_set *set, const char *name, nz_rc want, const char *msg)
{
	json_t *ctx = json_pack("{s:[{s:[]}]}", "items", "items");
	nz_buf out;
	nz_err err = {0};
	nz_buf_init(&out, 0);
	assert_int_equal(nz_tmpl_render(set, name, ctx, &out, &err), want);
	if (!strstr(err.msg, msg))
		fail_msg("message \"%s\" lacks \"%s\"", err.msg, msg);
	nz_buf_free(&out);
	json_decref(ctx);
}

static void recursive_partials_are_bounded(void **state)
{
	(void)state;
	nz_tmpl_set *set = new_set();
	add(set, "self", "x{{>self}}");
	add(set, "ping", "{{#items}}{{>pong}}{{/items}}{{^items}}{{>pong}}{{/items}}");
	add(set, "pong", "  {{>ping}}\n");
	add(set, "layout", "{{<layout}}{{$a}}{{/a}}{{/layout}}");
	add(set, "block", "{{<base}}{{$a}}{{$a}}in{{/a}}{{/a}}{{/base}}");
	add(set, "base", "{{$a}}{{/a}}");
	render_fails(set, "self", NZ_INVAL, "partial 'self' nested deeper than 64");
	render_fails(set, "ping", NZ_INVAL, "nested deeper than");
	render_fails(set, "layout", NZ_INVAL, "partial 'layout' nested deeper than 64");
	render_fails(set, "block", NZ_INVAL, "nested deeper than");
	render_fails(set, "nothing", NZ_NOTFOUND, "template 'nothing' not found");
	/* Shallow but wide: f0 includes f1 twice, f1 includes f2 twice...: 2^40 visits. */
	for (int i = 0; i < 40; i++) {
		char name[16], src[48];
		snprintf(name, sizeof name, "f%d", i);
		snprintf(src, sizeof src, "{{>f%d}}{{>f%d}}", i + 1, i + 1);
		add(set, name, src);
	}
	render_fails(set, "f0", NZ_TOOBIG, "rendering took more than");
	nz_tmpl_set_free(set);
}

static void korean_text_passes_through(void **state)
{
	(void)state;
	assert_renders("<p class=\"byline\">{{name}} 기자 · {{{raw}}}</p>",
		       "{\"name\": \"맹수열 <Maeng>\", \"raw\": \"국방일보 & 뉴스\"}",
		       "<p class=\"byline\">맹수열 &lt;Maeng&gt; 기자 · 국방일보 & 뉴스</p>");
}

static void html_escaping_covers_quotes(void **state)
{
	(void)state;
	assert_renders("<a title=\"{{t}}\" data-x='{{t}}'>{{&t}}</a>",
		       "{\"t\": \"a&b \\\"c\\\" 'd'\"}",
		       "<a title=\"a&amp;b &quot;c&quot; &#39;d&#39;\" "
		       "data-x='a&amp;b &quot;c&quot; &#39;d&#39;'>a&b \"c\" 'd'</a>");
}

static void values_render_as_readers_expect(void **state)
{
	(void)state;
	assert_renders("{{a}} {{b}} {{c}} {{d}} {{e}} {{f}} [{{g}}] [{{h}}] {{i}}",
		       "{\"a\": 1.5, \"b\": 2.0, \"c\": -42, \"d\": 0.1, \"e\": true, \"f\": false,"
		       " \"g\": {\"x\": 1}, \"h\": [1, 2], \"i\": 1e300}",
		       "1.5 2 -42 0.1 true false [] [] 1e+300");
}

static void falsey_values_hide_sections(void **state)
{
	(void)state;
	assert_renders("{{#empty}}E{{/empty}}{{^empty}}e{{/empty}} "
		       "{{#zero}}Z{{/zero}}{{^zero}}z{{/zero}} "
		       "{{#zero_real}}R{{/zero_real}}{{^zero_real}}r{{/zero_real}} "
		       "{{#text_zero}}S{{/text_zero}} {{#obj}}O{{/obj}} {{#missing}}M{{/missing}}"
		       "{{^missing}}m{{/missing}} {{#one}}{{.}}{{/one}}",
		       "{\"empty\": \"\", \"zero\": 0, \"zero_real\": 0.0, \"text_zero\": \"0\","
		       " \"obj\": {}, \"one\": 1}",
		       "e z r S O m 1");
}

static void array_items_by_index(void **state)
{
	(void)state;
	assert_renders("{{items.0.title}}/{{items.1}}/{{items.9}}/{{items.x}}",
		       "{\"items\": [{\"title\": \"First\"}, \"second\"]}", "First/second//");
}

static void partial_indentation_nests(void **state)
{
	(void)state;
	nz_tmpl_set *set = new_set();
	add(set, "outer", "<div>\n  {{>inner}}\n</div>\n");
	add(set, "inner", "<p>\n\t{{>leaf}}\n</p>\n{{x}} {{>leaf}}\n");
	add(set, "leaf", "a\n{{! standalone }}\n{{#x}}\nb {{y}}\n{{/x}}\n");
	json_t *ctx = json_pack("{s:s, s:s}", "x", "X", "y", "1\n2");
	nz_buf out;
	nz_err err = {0};
	nz_buf_init(&out, 0);
	assert_int_equal(nz_tmpl_render(set, "outer", ctx, &out, &err), NZ_OK);
	/* Template lines take the indentation of every standalone partial around them; values
	 * and an inline partial's lines do not. */
	assert_string_equal(nz_buf_cstr(&out),
			    "<div>\n"
			    "  <p>\n"
			    "  \ta\n"
			    "  \tb 1\n"
			    "2\n"
			    "  </p>\n"
			    "  X a\n"
			    "b 1\n"
			    "2\n"
			    "\n" /* the inline partial ends with its own newline */
			    "</div>\n");
	nz_buf_free(&out);
	json_decref(ctx);
	nz_tmpl_set_free(set);
}

static const char *const layout_src = "<!doctype html>\n"
				      "<html lang=\"{{lang}}\">\n"
				      "<head><title>{{$title}}{{site}}{{/title}}</title></head>\n"
				      "<body>\n"
				      "  <main>\n"
				      "    {{$content}}\n"
				      "    <p>Nothing here.</p>\n"
				      "    {{/content}}\n"
				      "  </main>\n"
				      "  {{>footer}}\n"
				      "</body>\n"
				      "</html>\n";

static void layout_inheritance_as_themes_use_it(void **state)
{
	(void)state;
	nz_tmpl_set *set = new_set();
	add(set, "layout", layout_src);
	add(set, "footer", "<footer>\n  <p>{{copyright}}</p>\n</footer>\n");
	add(set, "article",
	    "{{<layout}}\n"
	    "{{$title}}{{headline}} - {{site}}{{/title}}\n"
	    "{{$content}}\n"
	    "<article>\n"
	    "  <h1>{{headline}}</h1>\n"
	    "  {{#highlights}}\n"
	    "  <li>{{.}}</li>\n"
	    "  {{/highlights}}\n"
	    "</article>\n"
	    "{{/content}}\n"
	    "{{/layout}}\n");
	json_t *ctx = json_pack("{s:s, s:s, s:s, s:s, s:[s,s]}", "lang", "en", "site", "News Zone",
				"headline", "Drills & plans", "copyright", "(c) NZ", "highlights",
				"One", "Two");
	nz_buf out;
	nz_err err = {0};
	nz_buf_init(&out, 0);
	assert_int_equal(nz_tmpl_render(set, "article", ctx, &out, &err), NZ_OK);
	assert_string_equal(nz_buf_cstr(&out),
			    "<!doctype html>\n"
			    "<html lang=\"en\">\n"
			    "<head><title>Drills &amp; plans - News Zone</title></head>\n"
			    "<body>\n"
			    "  <main>\n"
			    "    <article>\n"
			    "      <h1>Drills &amp; plans</h1>\n"
			    "      <li>One</li>\n"
			    "      <li>Two</li>\n"
			    "    </article>\n"
			    "  </main>\n"
			    "  <footer>\n"
			    "    <p>(c) NZ</p>\n"
			    "  </footer>\n"
			    "</body>\n"
			    "</html>\n");
	/* The layout on its own keeps its defaults. */
	nz_buf_reset(&out);
	assert_int_equal(nz_tmpl_render(set, "layout", ctx, &out, &err), NZ_OK);
	assert_non_null(strstr(nz_buf_cstr(&out), "<title>News Zone</title>"));
	assert_non_null(strstr(nz_buf_cstr(&out), "\n    <p>Nothing here.</p>\n  </main>"));
	nz_buf_free(&out);
	json_decref(ctx);
	nz_tmpl_set_free(set);
}

static void output_limit_fails_cleanly(void **state)
{
	(void)state;
	nz_tmpl_set *set = new_set();
	add(set, "t", "{{#items}}<li>{{.}}</li>\n{{/items}}");
	json_t *items = json_array();
	for (int i = 0; i < 1000; i++)
		json_array_append_new(items, json_string("a line of text"));
	json_t *ctx = json_pack("{s:o}", "items", items);
	nz_buf out;
	nz_err err = {0};
	nz_buf_init(&out, 1024);
	assert_int_equal(nz_tmpl_render(set, "t", ctx, &out, &err), NZ_TOOBIG);
	assert_int_equal(err.rc, NZ_TOOBIG);
	assert_non_null(strstr(err.msg, "t: output larger"));
	assert_int_equal(nz_buf_rc(&out), NZ_TOOBIG);
	assert_int_equal(out.len, 0);
	nz_buf_free(&out);
	/* A big enough limit renders it all. */
	nz_buf_init(&out, 64 * 1024);
	assert_int_equal(nz_tmpl_render(set, "t", ctx, &out, &err), NZ_OK);
	assert_int_equal(out.len, 1000 * strlen("<li>a line of text</li>\n"));
	nz_buf_free(&out);
	json_decref(ctx);
	nz_tmpl_set_free(set);
}

static void render_appends_and_templates_are_replaced(void **state)
{
	(void)state;
	nz_tmpl_set *set = new_set();
	assert_false(nz_tmpl_has(set, "t"));
	add(set, "t", "one");
	assert_true(nz_tmpl_has(set, "t"));
	add(set, "t", "two {{x}}");
	for (int i = 0; i < 100; i++) { /* the set grows past its first size */
		char name[16];
		snprintf(name, sizeof name, "p%d", i);
		add(set, name, name);
	}
	add(set, "all", "{{>p0}}{{>p57}}{{>p99}}");
	json_t *ctx = json_pack("{s:i}", "x", 2);
	nz_buf out;
	nz_err err = {0};
	nz_buf_init(&out, 0);
	nz_buf_puts(&out, "before ");
	assert_int_equal(nz_tmpl_render(set, "t", ctx, &out, &err), NZ_OK);
	assert_int_equal(nz_tmpl_render(set, "all", ctx, &out, &err), NZ_OK);
	assert_string_equal(nz_buf_cstr(&out), "before two 2p0p57p99");
	/* A failed compile leaves the old template in place. */
	assert_int_equal(nz_tmpl_add(set, "t", "{{#x}}", 6, &err), NZ_PARSE);
	nz_buf_reset(&out);
	assert_int_equal(nz_tmpl_render(set, "t", ctx, &out, &err), NZ_OK);
	assert_string_equal(nz_buf_cstr(&out), "two 2");
	/* An empty result is still a C string. */
	add(set, "empty", "{{! nothing }}");
	nz_buf_free(&out);
	assert_int_equal(nz_tmpl_render(set, "empty", ctx, &out, &err), NZ_OK);
	assert_non_null(out.p);
	assert_string_equal(nz_buf_cstr(&out), "");
	nz_buf_free(&out);
	json_decref(ctx);
	nz_tmpl_set_free(set);
	nz_tmpl_set_free(NULL);
}

typedef struct job {
	const nz_tmpl_set *set;
	const json_t *ctx;
	int bad;
} job;

static void *render_many(void *arg)
{
	job *j = arg;
	for (int i = 0; i < 200; i++) {
		nz_buf out;
		nz_buf_init(&out, 0);
		if (nz_tmpl_render(j->set, "page", j->ctx, &out, NULL) != NZ_OK ||
		    strcmp(nz_buf_cstr(&out), "<ul>\n  <li>a</li>\n  <li>b</li>\n</ul>\n") != 0)
			j->bad++;
		nz_buf_free(&out);
	}
	return NULL;
}

static void threads_render_one_set(void **state)
{
	(void)state;
	nz_tmpl_set *set = new_set();
	add(set, "page", "<ul>\n  {{>items}}\n</ul>\n");
	add(set, "items", "{{#items}}\n<li>{{.}}</li>\n{{/items}}\n");
	json_t *ctx = json_pack("{s:[s,s]}", "items", "a", "b");
	job jobs[4];
	pthread_t th[4];
	for (int i = 0; i < 4; i++) {
		jobs[i] = (job){set, ctx, 0};
		assert_int_equal(pthread_create(&th[i], NULL, render_many, &jobs[i]), 0);
	}
	for (int i = 0; i < 4; i++) {
		pthread_join(th[i], NULL);
		assert_int_equal(jobs[i].bad, 0);
	}
	json_decref(ctx);
	nz_tmpl_set_free(set);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(syntax_errors_name_template_and_line),
	    cmocka_unit_test(sections_nested_too_deep_are_refused),
	    cmocka_unit_test(huge_template_is_refused),
	    cmocka_unit_test(missing_partial_renders_empty),
	    cmocka_unit_test(recursive_partials_are_bounded),
	    cmocka_unit_test(korean_text_passes_through),
	    cmocka_unit_test(html_escaping_covers_quotes),
	    cmocka_unit_test(values_render_as_readers_expect),
	    cmocka_unit_test(falsey_values_hide_sections),
	    cmocka_unit_test(array_items_by_index),
	    cmocka_unit_test(partial_indentation_nests),
	    cmocka_unit_test(layout_inheritance_as_themes_use_it),
	    cmocka_unit_test(output_limit_fails_cleanly),
	    cmocka_unit_test(render_appends_and_templates_are_replaced),
	    cmocka_unit_test(threads_render_one_set),
	};
	return cmocka_run_group_tests_name("mustache", tests, NULL, NULL);
}
