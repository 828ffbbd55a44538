/*
 * fuzz_request: libFuzzer over the HTTP request target as http/server.c takes it apart before any
 * handler runs: the path percent-decoded and checked (nz__http_parse_target), then query
 * parameters looked up and decoded (nz_http_query). The input's first line is the target as it
 * comes off the wire ("/search?q=%EA%B5%AD&page=2"); each further line is a parameter name to
 * look up. Checks that an accepted path is absolute, NUL-free valid UTF-8 no longer than the
 * raw one, that the query is the raw text after the first '?', and that a refusal says why.
 *
 *   make build-fuzz/fuzz_request && build-fuzz/fuzz_request fuzz/corpus/fuzz_request
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http/http_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void lookup(const nz_http_req *req, const char *key)
{
	const char *v = nz_http_query(req, key);
	if (v && strlen(v) > strlen(req->query))
		__builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const keys[] = {"q", "page", "", "a b", "ü"};
	char *text = malloc(size + 1);
	nz_arena *arena = nz_arena_new();
	if (!text || !arena)
		goto out;
	memcpy(text, data, size);
	text[size] = '\0';
	char *keys_start = strchr(text, '\n');
	if (keys_start)
		*keys_start++ = '\0';

	nz_http_req req = {.method = "GET", .arena = arena};
	const char *why = NULL;
	unsigned status = nz__http_parse_target(arena, text, &req, &why);
	if (status == 400 && (!why || !*why))
		__builtin_trap();
	if (status != 0)
		goto out;
	const char *q = strchr(text, '?');
	size_t len = strlen(req.path);
	if (req.path[0] != '/' || !nz_utf8_valid(req.path, len, NULL) ||
	    len > (q ? (size_t)(q - text) : strlen(text)))
		__builtin_trap();
	if (q ? req.query != q + 1 : strcmp(req.query, "") != 0)
		__builtin_trap();
	for (const char *p = text; *p && p != q; p++) /* "%00" would cut the path short */
		if (p[0] == '%' && p[1] == '0' && p[2] == '0')
			__builtin_trap();

	for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
		lookup(&req, keys[i]);
	for (char *k = keys_start; k;) {
		char *nl = strchr(k, '\n');
		if (nl)
			*nl++ = '\0';
		lookup(&req, k);
		k = nl;
	}
out:
	nz_arena_free(arena);
	free(text);
	return 0;
}
