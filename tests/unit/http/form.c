/*
 * Tests for http/form: the bodies browsers send from HTML forms. URL-encoded fields (with
 * repeated names, '+' and %-escapes, Korean text), multipart fields and files (binary bytes kept
 * exactly, an empty file input ignored), textarea line breaks normalised, and clear errors for
 * what a browser would never send.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "http/http.h"

#define URLENC "application/x-www-form-urlencoded"
#define MULTI "multipart/form-data; boundary=----WebKitFormBoundaryAbC123"
#define B "------WebKitFormBoundaryAbC123"

static int setup(void **state)
{
	*state = nz_arena_new();
	return *state ? 0 : -1;
}

static int teardown(void **state)
{
	nz_arena_free(*state);
	return 0;
}

static nz_rc parse(nz_arena *a, const char *ctype, const char *body, size_t len, nz_http_form *f,
		   nz_err *err)
{
	memset(f, 0, sizeof *f);
	return nz_http_form_parse_body(a, ctype, body, len, f, err);
}

static void urlencoded_fields(void **state)
{
	nz_arena *a = *state;
	nz_http_form f;
	nz_err err = {0};
	const char *body = "csrf=abc123&headline=Allies+agree%2C+again&highlight=One&highlight="
			   "Two+%26+three&highlight=&empty=&flag";
	assert_int_equal(parse(a, URLENC, body, strlen(body), &f, &err), NZ_OK);
	assert_string_equal(nz_http_form_get(&f, "csrf"), "abc123");
	assert_string_equal(nz_http_form_get(&f, "headline"), "Allies agree, again");
	assert_string_equal(nz_http_form_get(&f, "empty"), "");
	assert_string_equal(nz_http_form_get(&f, "flag"), "");
	assert_null(nz_http_form_get(&f, "missing"));
	const char **v = NULL;
	assert_int_equal(nz_http_form_all(&f, a, "highlight", &v), 3);
	assert_string_equal(v[0], "One");
	assert_string_equal(v[1], "Two & three");
	assert_string_equal(v[2], "");
	assert_int_equal(nz_http_form_all(&f, a, "missing", &v), 0);
}

static void urlencoded_korean_and_line_breaks(void **state)
{
	nz_arena *a = *state;
	nz_http_form f;
	nz_err err = {0};
	/* "국방" and a textarea's CRLF line breaks. */
	const char *body = "headline=%EA%B5%AD%EB%B0%A9&body=line+one%0D%0Aline+two%0D%0A%0D%0Aend";
	assert_int_equal(parse(a, URLENC "; charset=UTF-8", body, strlen(body), &f, &err), NZ_OK);
	assert_string_equal(nz_http_form_get(&f, "headline"), "국방");
	assert_string_equal(nz_http_form_get(&f, "body"), "line one\nline two\n\nend");
}

static void urlencoded_errors(void **state)
{
	nz_arena *a = *state;
	nz_http_form f;
	nz_err err = {0};
	const char *bad_escape = "a=%zz";
	assert_int_equal(parse(a, URLENC, bad_escape, strlen(bad_escape), &f, &err), NZ_PARSE);
	assert_non_null(strstr(err.msg, "escape"));
	const char *bad_utf8 = "headline=%C3%28";
	assert_int_equal(parse(a, URLENC, bad_utf8, strlen(bad_utf8), &f, &err), NZ_UTF8);
	assert_non_null(strstr(err.msg, "headline"));
	const char *no_name = "=value";
	assert_int_equal(parse(a, URLENC, no_name, strlen(no_name), &f, &err), NZ_PARSE);
	const char *nul = "a=%00";
	assert_int_equal(parse(a, URLENC, nul, strlen(nul), &f, &err), NZ_PARSE);
}

static void too_many_fields(void **state)
{
	nz_arena *a = *state;
	nz_http_form f;
	nz_err err = {0};
	nz_buf b;
	nz_buf_init(&b, 0);
	for (int i = 0; i <= NZ_HTTP_FORM_MAX_FIELDS; i++)
		nz_buf_printf(&b, "%sf=%d", i ? "&" : "", i);
	assert_int_equal(parse(a, URLENC, b.p, b.len, &f, &err), NZ_TOOBIG);
	assert_non_null(strstr(err.msg, "fields"));
	nz_buf_free(&b);
}

static void empty_and_unsupported_bodies(void **state)
{
	nz_arena *a = *state;
	nz_http_form f;
	nz_err err = {0};
	assert_int_equal(parse(a, NULL, "", 0, &f, &err), NZ_OK);
	assert_int_equal(f.n, 0);
	assert_int_equal(parse(a, URLENC, "", 0, &f, &err), NZ_OK);
	assert_int_equal(f.n, 0);
	assert_int_equal(parse(a, "application/json", "{}", 2, &f, &err), NZ_UNSUPPORTED);
	assert_non_null(strstr(err.msg, "urlencoded"));
	assert_int_equal(parse(a, NULL, "a=1", 3, &f, &err), NZ_UNSUPPORTED);
}

/* A multipart body with a text field (CRLF inside), a PNG-like file with binary bytes (NUL and
 * a CRLF that is not a boundary), and an empty file input, as Chromium sends them. */
static const char png_bytes[] = "\x89PNG\r\n\x1a\n\0\0\0\rIHDR\r\n--not-a-boundary";

static size_t multipart_body(char *out)
{
	size_t n = 0;
#define PUT(s) (memcpy(out + n, s, sizeof(s) - 1), n += sizeof(s) - 1)
	PUT(B "\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\nt0k3n\r\n");
	PUT(B "\r\nContent-Disposition: form-data; name=\"caption\"\r\n\r\n");
	PUT("부산항\r\nsecond line\r\n");
	PUT(B "\r\nContent-Disposition: form-data; name=\"photo\"; filename=\"harbor.png\"\r\n"
	      "Content-Type: image/png\r\n\r\n");
	memcpy(out + n, png_bytes, sizeof png_bytes - 1);
	n += sizeof png_bytes - 1;
	PUT("\r\n" B "\r\nContent-Disposition: form-data; name=\"other\"; filename=\"\"\r\n"
	    "Content-Type: application/octet-stream\r\n\r\n\r\n");
	PUT(B "--\r\n");
#undef PUT
	return n;
}

static void multipart_fields_and_files(void **state)
{
	nz_arena *a = *state;
	nz_http_form f;
	nz_err err = {0};
	char body[2048];
	size_t len = multipart_body(body);
	assert_int_equal(parse(a, MULTI, body, len, &f, &err), NZ_OK);
	assert_int_equal(f.n, 4);
	assert_string_equal(nz_http_form_get(&f, "csrf"), "t0k3n");
	assert_string_equal(nz_http_form_get(&f, "caption"), "부산항\nsecond line");
	const nz_http_form_field *photo = nz_http_form_file(&f, "photo");
	assert_non_null(photo);
	assert_string_equal(photo->filename, "harbor.png");
	assert_string_equal(photo->content_type, "image/png");
	assert_int_equal(photo->len, sizeof png_bytes - 1);
	assert_memory_equal(photo->value, png_bytes, photo->len);
	/* A file is not a text value, and an empty file input is no file. */
	assert_null(nz_http_form_get(&f, "photo"));
	assert_null(nz_http_form_file(&f, "other"));
}

static void multipart_quoted_boundary_and_names(void **state)
{
	nz_arena *a = *state;
	nz_http_form f;
	nz_err err = {0};
	const char *body = "--x y\r\nContent-Disposition: form-data; name=\"a\\\"b\"\r\n\r\n1\r\n"
			   "--x y--";
	assert_int_equal(
	    parse(a, "multipart/form-data; boundary=\"x y\"", body, strlen(body), &f, &err), NZ_OK);
	assert_string_equal(nz_http_form_get(&f, "a\"b"), "1");
}

static void multipart_errors(void **state)
{
	nz_arena *a = *state;
	nz_http_form f;
	nz_err err = {0};
	char body[2048];
	size_t len = multipart_body(body);
	/* Cut short: the closing boundary is missing. */
	assert_int_equal(parse(a, MULTI, body, len - 40, &f, &err), NZ_PARSE);
	assert_non_null(strstr(err.msg, "cut short"));
	/* No boundary parameter. */
	assert_int_equal(parse(a, "multipart/form-data; charset=utf-8", body, len, &f, &err),
			 NZ_PARSE);
	assert_non_null(strstr(err.msg, "boundary"));
	/* A part without a name. */
	const char *anon = "--q\r\nContent-Disposition: form-data\r\n\r\nv\r\n--q--";
	assert_int_equal(parse(a, "multipart/form-data; boundary=q", anon, strlen(anon), &f, &err),
			 NZ_PARSE);
	assert_non_null(strstr(err.msg, "no name"));
	/* Text that is not UTF-8 (a file may be anything). */
	const char *latin1 =
	    "--q\r\nContent-Disposition: form-data; name=\"t\"\r\n\r\n\xe9t\xe9\r\n"
	    "--q--";
	assert_int_equal(
	    parse(a, "multipart/form-data; boundary=q", latin1, strlen(latin1), &f, &err), NZ_UTF8);
	/* Garbage instead of a first boundary. */
	assert_int_equal(parse(a, "multipart/form-data; boundary=q", "hello", 5, &f, &err),
			 NZ_PARSE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(urlencoded_fields),
	    cmocka_unit_test(urlencoded_korean_and_line_breaks),
	    cmocka_unit_test(urlencoded_errors),
	    cmocka_unit_test(too_many_fields),
	    cmocka_unit_test(empty_and_unsupported_bodies),
	    cmocka_unit_test(multipart_fields_and_files),
	    cmocka_unit_test(multipart_quoted_boundary_and_names),
	    cmocka_unit_test(multipart_errors),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
