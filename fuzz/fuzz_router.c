/*
 * Fuzz target for http/router and core's URL decoding: arbitrary bytes as a request path
 * (decoded as the server decodes it, then routed) and, after the first newline, as a pattern of
 * their own. Checks that captures stay inside the path and are never empty, that an Allow list
 * comes with every NZ_METHOD, and that decoding never reads or writes out of bounds.
 *
 *   make build-fuzz/fuzz_router && build-fuzz/fuzz_router -max_total_time=60
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http/http.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const nz_route routes[] = {
    {"GET", "/", 1},
    {"GET", "/article/{slug}", 2},
    {"GET", "/section/{slug}/", 3},
    {"GET", "/static/{*path}", 4},
    {"POST", "/api/v1/admin/articles/{id}/{action}", 5},
    {"PATCH", "/api/v1/admin/articles/{id}", 6},
    {"GET", "/api/v1/admin/articles/{id}", 7},
    {"DELETE", "/{a}/{b}/{c}/{d}", 8},
    {"GET", "/a/{*rest}/b", 9},
    {"PUT", "/{x}", 10},
};
static const char *const methods[] = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"};

static void check(const nz_route *table, size_t n, const char *method, const char *path)
{
	nz_route_match m;
	const char *allow = NULL;
	size_t len = strlen(path);
	nz_rc rc = nz_router_match(table, n, method, path, &m, &allow);

	if (rc == NZ_METHOD && (!allow || !*allow))
		__builtin_trap();
	if (rc != NZ_OK)
		return;
	if (m.n > NZ_ROUTE_MAX_PARAMS)
		__builtin_trap();
	for (size_t i = 0; i < m.n; i++) {
		nz_str v = m.values[i];
		if (v.len == 0 || v.p < path || v.p + v.len > path + len)
			__builtin_trap();
		if (nz_route_param(&m, "").len != 0)
			__builtin_trap();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);
	nz_buf decoded;

	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	const char *method = methods[size ? data[0] % 7 : 0];

	/* The path as the server sees it: raw up to '?', decoded, valid UTF-8. */
	nz_buf_init(&decoded, size + 1);
	size_t path_len = strcspn(text, "?");
	if (nz_url_decode(&decoded, text, path_len, false) == NZ_OK &&
	    nz_utf8_valid(nz_buf_cstr(&decoded), decoded.len, NULL) &&
	    strlen(nz_buf_cstr(&decoded)) == decoded.len)
		check(routes, sizeof routes / sizeof routes[0], method, nz_buf_cstr(&decoded));
	nz_buf_free(&decoded);
	nz_buf_init(&decoded, size + 1);
	if (nz_url_decode(&decoded, text, size, true) == NZ_OK && decoded.len > size)
		__builtin_trap();
	nz_buf_free(&decoded);

	/* Raw bytes as the path, and "pattern\npath" with a pattern of the input's own. */
	check(routes, sizeof routes / sizeof routes[0], method, text);
	char *nl = strchr(text, '\n');
	if (nl) {
		*nl = '\0';
		nz_route own[2] = {{"POST", text, 1}, {method, text, 2}};
		check(own, 2, method, nl + 1);
		check(own, 2, "HEAD", nl + 1);
	}
	free(text);
	return 0;
}
