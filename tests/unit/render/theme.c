/*
 * Tests for render/theme.c: the built-in theme loads and renders, assets get content-hashed
 * URLs and are found by either name, and a theme folder on disk is read, with clear errors for
 * a missing folder, a missing template and a template that does not compile.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "render/render.h"

static void write_file(const char *dir, const char *name, const char *text)
{
	char path[512];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

/* A minimal but complete theme in a fresh temporary folder. */
static char *make_theme(void)
{
	char tmpl[] = "/tmp/nz-theme-XXXXXX";
	char *dir = mkdtemp(tmpl);
	char sub[512];
	assert_non_null(dir);
	dir = strdup(dir);
	snprintf(sub, sizeof sub, "%s/templates", dir);
	assert_int_equal(mkdir(sub, 0700), 0);
	snprintf(sub, sizeof sub, "%s/static", dir);
	assert_int_equal(mkdir(sub, 0700), 0);
	snprintf(sub, sizeof sub, "%s/static/fonts", dir);
	assert_int_equal(mkdir(sub, 0700), 0);
	write_file(dir, "templates/base.mustache", "<html>{{$main}}{{/main}}</html>");
	write_file(dir, "templates/article.mustache",
		   "{{<base}}{{$main}}<h1>{{headline}}</h1>{{>byline}}{{/main}}{{/base}}");
	write_file(dir, "templates/byline.mustache", "<p>{{by}}</p>");
	write_file(dir, "templates/front.mustache", "front");
	write_file(dir, "templates/list.mustache", "list");
	write_file(dir, "templates/error.mustache", "error {{status}}");
	write_file(dir, "templates/notes.txt", "not a template");
	write_file(dir, "static/site.css", "body{color:#000}");
	write_file(dir, "static/fonts/serif.woff2", "wOF2");
	return dir;
}

static void remove_theme(char *dir)
{
	char cmd[600];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
	free(dir);
}

static void builtin_theme_loads(void **state)
{
	(void)state;
	nz_theme *t = NULL;
	nz_err err = {0};
	assert_int_equal(nz_theme_load(NULL, &t, &err), NZ_OK);
	const char *url = nz_theme_asset_url(t, "site.css");
	assert_non_null(url);
	/* "/static/site.<8 hex>.css" */
	assert_int_equal(strlen(url), strlen("/static/site.12345678.css"));
	assert_memory_equal(url, "/static/site.", 13);
	assert_string_equal(url + 21, ".css");
	for (int i = 13; i < 21; i++)
		assert_non_null(strchr("0123456789abcdef", url[i]));
	assert_non_null(nz_theme_asset_url(t, "favicon.svg"));
	assert_null(nz_theme_asset_url(t, "nope.css"));
	nz_theme_free(t);
}

static void assets_by_plain_or_hashed_name(void **state)
{
	(void)state;
	nz_theme *t = NULL;
	nz_err err = {0};
	const void *data = NULL;
	size_t len = 0;
	const char *mime = NULL;
	bool immutable = true;
	assert_int_equal(nz_theme_load(NULL, &t, &err), NZ_OK);
	assert_int_equal(nz_theme_asset(t, "site.css", &data, &len, &mime, &immutable), NZ_OK);
	assert_false(immutable);
	assert_string_equal(mime, "text/css; charset=utf-8");
	assert_true(len > 100);
	assert_non_null(memmem(data, len, "keep-all", 8));

	const char *hashed = nz_theme_asset_url(t, "site.css") + strlen("/static/");
	const void *data2 = NULL;
	assert_int_equal(nz_theme_asset(t, hashed, &data2, &len, &mime, &immutable), NZ_OK);
	assert_true(immutable);
	assert_ptr_equal(data, data2);

	assert_int_equal(nz_theme_asset(t, "favicon.svg", &data, &len, &mime, &immutable), NZ_OK);
	assert_string_equal(mime, "image/svg+xml");
	assert_int_equal(nz_theme_asset(t, "site.00000000.css", &data, &len, &mime, &immutable),
			 NZ_NOTFOUND);
	assert_int_equal(
	    nz_theme_asset(t, "../templates/base.mustache", &data, &len, &mime, &immutable),
	    NZ_NOTFOUND);
	nz_theme_free(t);
}

static void builtin_theme_renders_error_page(void **state)
{
	(void)state;
	nz_theme *t = NULL;
	nz_err err = {0};
	nz_buf out;
	assert_int_equal(nz_theme_load(NULL, &t, &err), NZ_OK);
	nz_site site;
	nz_site_defaults(&site);
	nz_page_ctx pc = {.site = &site, .theme = t, .now = 1773739800};
	json_t *ctx = nz_view_error(&pc, 404, "Page not found", "There is no page here.");
	nz_buf_init(&out, 0);
	assert_int_equal(nz_theme_render(t, "error", ctx, &out, &err), NZ_OK);
	assert_non_null(strstr(nz_buf_cstr(&out), "<h1>Page not found</h1>"));
	assert_non_null(strstr(nz_buf_cstr(&out), nz_theme_asset_url(t, "site.css")));
	assert_int_equal(nz_theme_render(t, "nosuch", ctx, &out, &err), NZ_NOTFOUND);
	assert_non_null(strstr(err.msg, "nosuch"));
	json_decref(ctx);
	nz_buf_free(&out);
	nz_theme_free(t);
}

static void theme_from_disk(void **state)
{
	(void)state;
	char *dir = make_theme();
	nz_theme *t = NULL;
	nz_err err = {0};
	nz_buf out;
	assert_int_equal(nz_theme_load(dir, &t, &err), NZ_OK);
	json_t *ctx = json_pack("{s:s, s:s}", "headline", "Hello <you>", "by", "By Kim");
	nz_buf_init(&out, 0);
	assert_int_equal(nz_theme_render(t, "article", ctx, &out, &err), NZ_OK);
	assert_string_equal(nz_buf_cstr(&out),
			    "<html><h1>Hello &lt;you&gt;</h1><p>By Kim</p></html>");
	const void *data;
	size_t len;
	const char *mime;
	bool immutable;
	assert_int_equal(nz_theme_asset(t, "fonts/serif.woff2", &data, &len, &mime, &immutable),
			 NZ_OK);
	assert_string_equal(mime, "font/woff2");
	assert_int_equal(len, 4);
	const char *url = nz_theme_asset_url(t, "fonts/serif.woff2");
	assert_memory_equal(url, "/static/fonts/serif.", 20);
	assert_string_equal(url + 28, ".woff2");
	assert_int_equal(nz_theme_asset(t, url, &data, &len, &mime, &immutable), NZ_OK);
	assert_true(immutable);
	/* A different CSS file gets a different URL. */
	char first[64];
	snprintf(first, sizeof first, "%s", nz_theme_asset_url(t, "site.css"));
	nz_theme_free(t);
	write_file(dir, "static/site.css", "body{color:#111}");
	assert_int_equal(nz_theme_load(dir, &t, &err), NZ_OK);
	assert_string_not_equal(first, nz_theme_asset_url(t, "site.css"));
	json_decref(ctx);
	nz_buf_free(&out);
	nz_theme_free(t);
	remove_theme(dir);
}

static void broken_template_names_file_and_line(void **state)
{
	(void)state;
	char *dir = make_theme();
	nz_theme *t = (nz_theme *)1;
	nz_err err = {0};
	write_file(dir, "templates/article.mustache",
		   "{{<base}}\n{{$main}}\n{{#authors}}\n<p>{{name}}</p>\n{{/main}}\n{{/base}}\n");
	assert_int_not_equal(nz_theme_load(dir, &t, &err), NZ_OK);
	assert_null(t);
	char expected[600];
	snprintf(expected, sizeof expected, "%s/templates/article.mustache: line 5: ", dir);
	if (strncmp(err.msg, expected, strlen(expected)) != 0)
		fail_msg("unexpected message: %s", err.msg);
	assert_non_null(strstr(err.msg, "'authors'"));
	remove_theme(dir);
}

static void missing_template_is_named(void **state)
{
	(void)state;
	char *dir = make_theme();
	char path[600];
	nz_theme *t = NULL;
	nz_err err = {0};
	snprintf(path, sizeof path, "%s/templates/error.mustache", dir);
	assert_int_equal(unlink(path), 0);
	assert_int_equal(nz_theme_load(dir, &t, &err), NZ_NOTFOUND);
	assert_null(t);
	assert_non_null(strstr(err.msg, path));
	remove_theme(dir);
}

static void missing_folder_is_named(void **state)
{
	(void)state;
	nz_theme *t = NULL;
	nz_err err = {0};
	assert_int_equal(nz_theme_load("/nonexistent/theme-dir", &t, &err), NZ_NOTFOUND);
	assert_null(t);
	assert_non_null(strstr(err.msg, "/nonexistent/theme-dir"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(builtin_theme_loads),
	    cmocka_unit_test(assets_by_plain_or_hashed_name),
	    cmocka_unit_test(builtin_theme_renders_error_page),
	    cmocka_unit_test(theme_from_disk),
	    cmocka_unit_test(broken_template_names_file_and_line),
	    cmocka_unit_test(missing_template_is_named),
	    cmocka_unit_test(missing_folder_is_named),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
