/*
 * The official Mustache spec (the JSON files in ../shared/mustache-spec) run as it is against
 * render/mustache.c: one cmocka test per spec file, every case of it rendered and compared
 * byte for byte. The folder is $NZ_SHARED/mustache-spec (NZ_SHARED defaults to "../shared");
 * a missing folder or file fails the test.
 *
 * ~lambdas.json needs code inside the data, which JSON cannot carry: its cases are listed by
 * name as not applicable and the test is reported as skipped, never as passed.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "render/render.h"

#define TEMPLATE_NAME "spec-template" /* no spec partial uses this name */

static void spec_path(const char *file, char *out, size_t size)
{
	const char *shared = getenv("NZ_SHARED");
	snprintf(out, size, "%s/mustache-spec/%s", shared && *shared ? shared : "../shared", file);
}

static json_t *load_spec(const char *file)
{
	char path[1024];
	json_error_t jerr;
	spec_path(file, path, sizeof path);
	json_t *spec = json_load_file(path, 0, &jerr);
	if (!spec)
		print_error("cannot read spec file %s: %s (set NZ_SHARED to the shared folder)\n",
			    path, jerr.text);
	return spec;
}

/* Renders one case; true when the output is the expected one, else prints why not. */
static bool run_case(const char *file, const json_t *tc)
{
	const char *name = json_string_value(json_object_get(tc, "name"));
	const char *tmpl = json_string_value(json_object_get(tc, "template"));
	const char *expected = json_string_value(json_object_get(tc, "expected"));
	nz_tmpl_set *set = NULL;
	nz_buf out;
	nz_err err = {0};
	bool ok = false;
	nz_buf_init(&out, 0);
	if (!name || !tmpl || !expected || nz_tmpl_set_new(&set) != NZ_OK) {
		print_error("%s: malformed case or out of memory\n", file);
		goto out;
	}
	const char *pname;
	json_t *psrc;
	json_object_foreach(json_object_get(tc, "partials"), pname, psrc)
	{
		const char *p = json_string_value(psrc);
		if (nz_tmpl_add(set, pname, p, strlen(p), &err) != NZ_OK) {
			print_error("%s: \"%s\": partial %s: %s\n", file, name, pname, err.msg);
			goto out;
		}
	}
	if (nz_tmpl_add(set, TEMPLATE_NAME, tmpl, strlen(tmpl), &err) != NZ_OK ||
	    nz_tmpl_render(set, TEMPLATE_NAME, json_object_get(tc, "data"), &out, &err) != NZ_OK) {
		print_error("%s: \"%s\": %s\n", file, name, err.msg);
		goto out;
	}
	ok = strcmp(nz_buf_cstr(&out), expected) == 0;
	if (!ok)
		print_error(
		    "%s: \"%s\" failed\n  template: %s\n  expected: [%s]\n  got:      [%s]\n", file,
		    name, tmpl, expected, nz_buf_cstr(&out));
out:
	nz_buf_free(&out);
	nz_tmpl_set_free(set);
	return ok;
}

static void spec_file(void **state)
{
	const char *file = *state;
	json_t *spec = load_spec(file);
	assert_non_null(spec);
	json_t *tests = json_object_get(spec, "tests");
	assert_true(json_array_size(tests) > 0);
	size_t i, failed = 0;
	json_t *tc;
	json_array_foreach(tests, i, tc)
	{
		if (!run_case(file, tc))
			failed++;
	}
	print_message("%s: %zu of %zu cases passed\n", file, json_array_size(tests) - failed,
		      json_array_size(tests));
	json_decref(spec);
	assert_int_equal(failed, 0);
}

/* Lambdas are functions in the data; JSON has none, so these cases cannot apply. */
static void spec_lambdas(void **state)
{
	const char *file = *state;
	json_t *spec = load_spec(file);
	assert_non_null(spec);
	size_t i;
	json_t *tc;
	json_array_foreach(json_object_get(spec, "tests"), i, tc)
	{
		print_message("%s: NOT APPLICABLE (lambdas need code in the data; JSON has none): "
			      "\"%s\"\n",
			      file, json_string_value(json_object_get(tc, "name")));
	}
	json_decref(spec);
	skip();
}

int main(void)
{
/* One test per file, named after it, with the file name as its state. */
#define SPEC(fn, file)                                                                             \
	{                                                                                          \
		file, fn, NULL, NULL, (void *)(file)                                               \
	}
	const struct CMUnitTest tests[] = {
	    SPEC(spec_file, "comments.json"),      SPEC(spec_file, "delimiters.json"),
	    SPEC(spec_file, "interpolation.json"), SPEC(spec_file, "inverted.json"),
	    SPEC(spec_file, "partials.json"),      SPEC(spec_file, "sections.json"),
	    SPEC(spec_file, "~inheritance.json"),  SPEC(spec_file, "~dynamic-names.json"),
	    SPEC(spec_lambdas, "~lambdas.json"),
	};
	return cmocka_run_group_tests_name("mustache spec", tests, NULL, NULL);
}
