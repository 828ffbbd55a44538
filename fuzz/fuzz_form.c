/*
 * fuzz_form: libFuzzer over http/form.c, the parser of HTML form bodies. The input's first line
 * is the Content-Type header (so the fuzzer reaches both application/x-www-form-urlencoded and
 * multipart/form-data, boundaries included); the rest is the body, NUL-terminated as the HTTP
 * layer hands it over. Checks what handlers rely on: a refusal names its reason and fills
 * nothing; an accepted form has at most NZ_HTTP_FORM_MAX_FIELDS fields, each with a non-empty
 * UTF-8 name, text values that are UTF-8 without '\r', and a NUL after every value; the lookup
 * helpers find each field.
 *
 *   make build-fuzz/fuzz_form && build-fuzz/fuzz_form fuzz/corpus/fuzz_form
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http/http.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_field(const nz_http_form *form, const nz_http_form_field *f, nz_arena *arena)
{
	size_t name_len = f->name ? strlen(f->name) : 0;
	if (name_len == 0 || name_len > NZ_HTTP_FORM_MAX_NAME ||
	    !nz_utf8_valid(f->name, name_len, NULL))
		__builtin_trap();
	if (!f->value || f->value[f->len] != '\0')
		__builtin_trap();
	if (f->filename) {
		if (!nz_http_form_file(form, f->name) && (f->len > 0 || f->filename[0]))
			__builtin_trap();
		return;
	}
	if (!nz_utf8_valid(f->value, f->len, NULL) || memchr(f->value, '\r', f->len))
		__builtin_trap();
	const char **all = NULL;
	if (!nz_http_form_get(form, f->name) || nz_http_form_all(form, arena, f->name, &all) == 0 ||
	    !all)
		__builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *nl = memchr(data, '\n', size);
	size_t ctype_len = nl ? (size_t)(nl - data) : 0;
	size_t body_len = nl ? size - ctype_len - 1 : size;
	char *ctype = malloc(ctype_len + 1), *body = malloc(body_len + 1);
	nz_arena *arena = nz_arena_new();
	if (!ctype || !body || !arena)
		goto out;
	memcpy(ctype, data, ctype_len);
	ctype[ctype_len] = '\0';
	memcpy(body, nl ? nl + 1 : data, body_len);
	body[body_len] = '\0';

	nz_http_form form = {NULL, 0};
	nz_err err = {0};
	nz_rc rc = nz_http_form_parse_body(arena, nl ? ctype : NULL, body, body_len, &form, &err);
	if (rc != NZ_OK) {
		if (err.rc != rc || !err.msg[0] || form.fields || form.n)
			__builtin_trap();
		goto out;
	}
	if (form.n > NZ_HTTP_FORM_MAX_FIELDS || (form.n && !form.fields))
		__builtin_trap();
	for (size_t i = 0; i < form.n; i++)
		check_field(&form, &form.fields[i], arena);
out:
	nz_arena_free(arena);
	free(ctype);
	free(body);
	return 0;
}
