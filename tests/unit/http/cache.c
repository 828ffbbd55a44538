/*
 * Tests for http/cache: entity-tag matching (lists, "*", weak comparison), Accept-Encoding
 * (q=0 refuses; br or gzip by q, br on a tie), which types are compressed, and the caching step
 * on real responses: 304 on If-None-Match and If-Modified-Since, gzip and Brotli that decode back
 * to the same bytes with their own ETags, Vary, and the responses it must leave alone (admin,
 * private, errors, POST, cookies).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <zlib.h>

#include <brotli/decode.h>
#include <cmocka.h>

#include "http/http.h"

#define T0 1773739800 /* 2026-03-17T09:30:00Z */

static const char *header(const nz_http_resp *resp, const char *name)
{
	for (size_t i = 0; i < resp->n_headers; i++)
		if (strcasecmp(resp->header_names[i], name) == 0)
			return resp->header_values[i];
	return NULL;
}

/* A page of n bytes of HTML-ish text. */
static void make_page(nz_http_resp *resp, size_t n)
{
	memset(resp, 0, sizeof *resp);
	nz_buf_init(&resp->body, 0);
	for (size_t i = 0; resp->body.len < n; i++)
		nz_buf_printf(&resp->body, "<p>paragraph %zu of the story</p>\n", i);
	resp->status = 200;
	resp->content_type = "text/html; charset=utf-8";
}

/* A GET an hour after T0. */
static nz_http_cache_req get(void)
{
	return (nz_http_cache_req){.method = "GET", .now = T0 + 3600};
}

static void test_etag_matches(void **state)
{
	(void)state;
	const char *e = "\"abc\"";
	assert_true(nz_http_etag_matches("\"abc\"", e));
	assert_true(nz_http_etag_matches("W/\"abc\"", e));
	assert_true(nz_http_etag_matches("\"abc\"", "W/\"abc\""));
	assert_true(nz_http_etag_matches("\"x\", \"abc\"", e));
	assert_true(nz_http_etag_matches("\"x\",W/\"abc\" ,\"y\"", e));
	assert_true(nz_http_etag_matches("*", e));
	assert_true(nz_http_etag_matches(" * ", e));
	assert_false(nz_http_etag_matches("\"abd\"", e));
	assert_false(nz_http_etag_matches("\"abc-gz\"", e));
	assert_false(nz_http_etag_matches("\"abc\"", "\"abc-gz\""));
	assert_false(nz_http_etag_matches("abc", e));       /* not quoted */
	assert_false(nz_http_etag_matches("\"abc", e));     /* unterminated */
	assert_false(nz_http_etag_matches("w/\"abc\"", e)); /* W/ is case-sensitive */
	assert_false(nz_http_etag_matches("", e));
	assert_false(nz_http_etag_matches(NULL, e));
	assert_false(nz_http_etag_matches("\"x\" \"abc\"", e)); /* a list needs commas */
}

static void test_accepts_gzip(void **state)
{
	(void)state;
	assert_true(nz_http_accepts_gzip("gzip"));
	assert_true(nz_http_accepts_gzip("GZip"));
	assert_true(nz_http_accepts_gzip("gzip, deflate, br"));
	assert_true(nz_http_accepts_gzip("br;q=1.0, gzip;q=0.8, *;q=0.1"));
	assert_true(nz_http_accepts_gzip("x-gzip"));
	assert_true(nz_http_accepts_gzip("*"));
	assert_true(nz_http_accepts_gzip("deflate, gzip;q=0.5"));
	assert_false(nz_http_accepts_gzip("gzip;q=0"));
	assert_false(nz_http_accepts_gzip("gzip; q=0.000"));
	assert_false(nz_http_accepts_gzip("gzip;q=0, *"));
	assert_false(nz_http_accepts_gzip("*;q=0"));
	assert_false(nz_http_accepts_gzip("identity"));
	assert_false(nz_http_accepts_gzip("deflate, br"));
	assert_false(nz_http_accepts_gzip("gzipx"));
	assert_false(nz_http_accepts_gzip(""));
	assert_false(nz_http_accepts_gzip(NULL));
}

static void test_coding_pick(void **state)
{
	(void)state;
	unsigned both = (1u << NZ_CODING_GZIP) | (1u << NZ_CODING_BR);
	unsigned gz = 1u << NZ_CODING_GZIP;
	/* Brotli when the client likes it at least as much as gzip. */
	assert_int_equal(nz_http_coding_pick("gzip, deflate, br", both), NZ_CODING_BR);
	assert_int_equal(nz_http_coding_pick("BR", both), NZ_CODING_BR);
	assert_int_equal(nz_http_coding_pick("*", both), NZ_CODING_BR);
	assert_int_equal(nz_http_coding_pick("br;q=0.9, gzip;q=0.9", both), NZ_CODING_BR);
	/* q values are honoured: a higher gzip wins, q=0 refuses, "*" covers what is not named. */
	assert_int_equal(nz_http_coding_pick("br;q=0.5, gzip", both), NZ_CODING_GZIP);
	assert_int_equal(nz_http_coding_pick("br;q=0, *", both), NZ_CODING_GZIP);
	assert_int_equal(nz_http_coding_pick("gzip;q=0, *;q=0.1", both), NZ_CODING_BR);
	assert_int_equal(nz_http_coding_pick("gzip", both), NZ_CODING_GZIP);
	assert_int_equal(nz_http_coding_pick("brotli, gzip;q=0", both), NZ_CODING_IDENTITY);
	assert_int_equal(nz_http_coding_pick("br;q=0, gzip;q=0", both), NZ_CODING_IDENTITY);
	assert_int_equal(nz_http_coding_pick(NULL, both), NZ_CODING_IDENTITY);
	assert_int_equal(nz_http_coding_pick("identity", both), NZ_CODING_IDENTITY);
	/* Only what is available. */
	assert_int_equal(nz_http_coding_pick("br, gzip", gz), NZ_CODING_GZIP);
	assert_int_equal(nz_http_coding_pick("br", gz), NZ_CODING_IDENTITY);
	assert_int_equal(nz_http_coding_pick("br, gzip", 0), NZ_CODING_IDENTITY);
}

static void test_compressible(void **state)
{
	(void)state;
	assert_true(nz_http_compressible("text/html; charset=utf-8"));
	assert_true(nz_http_compressible("text/css"));
	assert_true(nz_http_compressible("application/json; charset=utf-8"));
	assert_true(nz_http_compressible("application/rss+xml; charset=utf-8"));
	assert_true(nz_http_compressible("application/atom+xml"));
	assert_true(nz_http_compressible("application/feed+json"));
	assert_true(nz_http_compressible("application/xml"));
	assert_true(nz_http_compressible("image/svg+xml"));
	assert_false(nz_http_compressible("image/png"));
	assert_false(nz_http_compressible("image/jpeg"));
	assert_false(nz_http_compressible("application/octet-stream"));
	assert_false(nz_http_compressible("application/jsonx"));
	assert_false(nz_http_compressible(NULL));
}

static void test_etag_make(void **state)
{
	(void)state;
	char a[NZ_HTTP_ETAG_MAX], b[NZ_HTTP_ETAG_MAX], gz[NZ_HTTP_ETAG_MAX];
	nz_http_etag_make("hello", 5, NZ_CODING_IDENTITY, a);
	nz_http_etag_make("hellp", 5, NZ_CODING_IDENTITY, b);
	nz_http_etag_make("hello", 5, NZ_CODING_GZIP, gz);
	assert_int_equal(strlen(a), 34);
	assert_true(a[0] == '"' && a[33] == '"');
	assert_string_not_equal(a, b);
	assert_int_equal(strlen(gz), 37);
	assert_memory_equal(a, gz, 33);
	assert_string_equal(gz + 33, "-gz\"");
	nz_http_etag_make("hello", 5, NZ_CODING_IDENTITY, b);
	assert_string_equal(a, b);
}

/* Inflates a gzip body back. */
static size_t gunzip(const nz_buf *in, char *out, size_t cap)
{
	z_stream z = {0};
	assert_int_equal(inflateInit2(&z, 15 + 16), Z_OK);
	z.next_in = (Bytef *)in->p;
	z.avail_in = (uInt)in->len;
	z.next_out = (Bytef *)out;
	z.avail_out = (uInt)cap;
	assert_int_equal(inflate(&z, Z_FINISH), Z_STREAM_END);
	size_t n = cap - z.avail_out;
	inflateEnd(&z);
	return n;
}

static void test_gzip_when_accepted(void **state)
{
	(void)state;
	nz_arena *arena = nz_arena_new();
	nz_http_resp resp;
	make_page(&resp, 4000);
	char *original = strdup(resp.body.p);
	size_t original_len = resp.body.len;
	nz_http_cache_req r = get();
	r.accept_encoding = "gzip, deflate";
	nz_http_cache_info info = {0};
	assert_int_equal(nz_http_cache_apply(&r, &info, &resp, arena), NZ_OK);
	assert_string_equal(header(&resp, "Content-Encoding"), "gzip");
	assert_string_equal(header(&resp, "Vary"), "Accept-Encoding");
	assert_true(resp.body.len < original_len / 2);
	static char back[8000];
	assert_int_equal(gunzip(&resp.body, back, sizeof back), original_len);
	assert_memory_equal(back, original, original_len);
	char plain[NZ_HTTP_ETAG_MAX], gz[NZ_HTTP_ETAG_MAX];
	nz_http_etag_make(original, original_len, NZ_CODING_IDENTITY, plain);
	nz_http_etag_make(original, original_len, NZ_CODING_GZIP, gz);
	assert_string_equal(header(&resp, "ETag"), gz);

	/* Without Accept-Encoding, or with q=0: the identity bytes, still with Vary. */
	const char *refusals[] = {NULL, "gzip;q=0", "identity"};
	for (size_t i = 0; i < 3; i++) {
		nz_buf_free(&resp.body);
		make_page(&resp, 4000);
		r.accept_encoding = refusals[i];
		assert_int_equal(nz_http_cache_apply(&r, &info, &resp, arena), NZ_OK);
		assert_null(header(&resp, "Content-Encoding"));
		assert_string_equal(header(&resp, "Vary"), "Accept-Encoding");
		assert_string_equal(header(&resp, "ETag"), plain);
		assert_int_equal(resp.body.len, original_len);
	}
	free(original);
	nz_buf_free(&resp.body);
	nz_arena_free(arena);
}

static void test_brotli_when_preferred(void **state)
{
	(void)state;
	nz_arena *arena = nz_arena_new();
	nz_http_resp resp;
	make_page(&resp, 4000);
	char *original = strdup(resp.body.p);
	size_t original_len = resp.body.len, back_len = 8000;
	nz_http_cache_req r = get();
	r.accept_encoding = "gzip, deflate, br";
	nz_http_cache_info info = {0};
	assert_int_equal(nz_http_cache_apply(&r, &info, &resp, arena), NZ_OK);
	assert_string_equal(header(&resp, "Content-Encoding"), "br");
	assert_string_equal(header(&resp, "Vary"), "Accept-Encoding");
	assert_true(resp.body.len < original_len / 2);
	static unsigned char back[8000];
	assert_int_equal(
	    BrotliDecoderDecompress(resp.body.len, (const uint8_t *)resp.body.p, &back_len, back),
	    BROTLI_DECODER_RESULT_SUCCESS);
	assert_int_equal(back_len, original_len);
	assert_memory_equal(back, original, original_len);
	char br[NZ_HTTP_ETAG_MAX], gz[NZ_HTTP_ETAG_MAX];
	nz_http_etag_make(original, original_len, NZ_CODING_BR, br);
	nz_http_etag_make(original, original_len, NZ_CODING_GZIP, gz);
	assert_string_equal(header(&resp, "ETag"), br);
	assert_string_not_equal(br, gz); /* each encoding its own strong validator */
	assert_non_null(strstr(br, "-br\""));

	/* The Brotli validator answers 304 to a client that sends it back. */
	nz_buf_free(&resp.body);
	make_page(&resp, 4000);
	r.if_none_match = br;
	assert_int_equal(nz_http_cache_apply(&r, &info, &resp, arena), NZ_OK);
	assert_int_equal(resp.status, 304);
	free(original);
	nz_buf_free(&resp.body);
	nz_arena_free(arena);
}

static void test_no_gzip_for_small_or_binary(void **state)
{
	(void)state;
	nz_arena *arena = nz_arena_new();
	nz_http_resp resp;
	make_page(&resp, 100);
	size_t len = resp.body.len;
	nz_http_cache_req r = get();
	r.accept_encoding = "gzip";
	nz_http_cache_info info = {0};
	assert_int_equal(nz_http_cache_apply(&r, &info, &resp, arena), NZ_OK);
	assert_null(header(&resp, "Content-Encoding"));
	assert_string_equal(header(&resp, "Vary"), "Accept-Encoding");
	assert_int_equal(resp.body.len, len);
	assert_non_null(header(&resp, "ETag"));

	nz_buf_free(&resp.body);
	make_page(&resp, 4000);
	resp.content_type = "image/png";
	len = resp.body.len;
	assert_int_equal(nz_http_cache_apply(&r, &info, &resp, arena), NZ_OK);
	assert_null(header(&resp, "Content-Encoding"));
	assert_null(header(&resp, "Vary"));
	assert_int_equal(resp.body.len, len);
	nz_buf_free(&resp.body);
	nz_arena_free(arena);
}

static void test_static_body_is_compressed(void **state)
{
	(void)state;
	static char css[2048];
	for (size_t i = 0; i < sizeof css - 1; i++)
		css[i] = "body { margin: 0 }\n"[i % 19];
	nz_arena *arena = nz_arena_new();
	nz_http_resp resp = {.status = 200, .content_type = "text/css"};
	nz_buf_init(&resp.body, 0);
	resp.static_body = css;
	resp.static_len = strlen(css);
	nz_http_cache_req r = get();
	r.accept_encoding = "gzip";
	nz_http_cache_info info = {0};
	assert_int_equal(nz_http_cache_apply(&r, &info, &resp, arena), NZ_OK);
	assert_string_equal(header(&resp, "Content-Encoding"), "gzip");
	assert_null(resp.static_body);
	static char back[4096];
	assert_int_equal(gunzip(&resp.body, back, sizeof back), strlen(css));
	assert_memory_equal(back, css, strlen(css));
	nz_buf_free(&resp.body);
	nz_arena_free(arena);
}

static void test_if_none_match(void **state)
{
	(void)state;
	nz_arena *arena = nz_arena_new();
	nz_http_resp resp;
	make_page(&resp, 1000);
	char etag[NZ_HTTP_ETAG_MAX], weak[NZ_HTTP_ETAG_MAX + 2];
	nz_http_etag_make(resp.body.p, resp.body.len, NZ_CODING_IDENTITY, etag);
	snprintf(weak, sizeof weak, "W/%s", etag);
	const char *matching[] = {etag, weak, "*"};
	nz_http_cache_info info = {.last_modified = T0};
	for (size_t i = 0; i < 3; i++) {
		nz_buf_free(&resp.body);
		make_page(&resp, 1000);
		nz_http_resp_header(&resp, "Cache-Control", "public, max-age=300");
		nz_http_cache_req r = get();
		r.if_none_match = matching[i];
		assert_int_equal(nz_http_cache_apply(&r, &info, &resp, arena), NZ_OK);
		assert_int_equal(resp.status, 304);
		assert_int_equal(resp.body.len, 0);
		assert_null(resp.content_type);
		assert_string_equal(header(&resp, "ETag"), etag);
		assert_string_equal(header(&resp, "Cache-Control"), "public, max-age=300");
		assert_string_equal(header(&resp, "Last-Modified"),
				    "Tue, 17 Mar 2026 09:30:00 GMT");
		assert_string_equal(header(&resp, "Vary"), "Accept-Encoding");
	}
	/* A stale tag gets the page, even when If-Modified-Since alone would say 304: RFC 9110
	 * makes If-None-Match win. */
	nz_buf_free(&resp.body);
	make_page(&resp, 1000);
	nz_http_cache_req r = get();
	r.if_none_match = "\"0123\", \"4567\"";
	r.if_modified_since = "Tue, 17 Mar 2026 10:00:00 GMT";
	assert_int_equal(nz_http_cache_apply(&r, &info, &resp, arena), NZ_OK);
	assert_int_equal(resp.status, 200);
	assert_true(resp.body.len >= 1000);
	/* The identity tag does not validate the gzip variant. */
	nz_buf_free(&resp.body);
	make_page(&resp, 1000);
	r = get();
	r.if_none_match = etag;
	r.accept_encoding = "gzip";
	assert_int_equal(nz_http_cache_apply(&r, &info, &resp, arena), NZ_OK);
	assert_int_equal(resp.status, 200);
	assert_string_equal(header(&resp, "Content-Encoding"), "gzip");
	nz_buf_free(&resp.body);
	nz_arena_free(arena);
}

static int status_for_ims(const char *ims, nz_time last_modified)
{
	nz_arena *arena = nz_arena_new();
	nz_http_resp resp;
	make_page(&resp, 500);
	nz_http_cache_req r = get();
	r.if_modified_since = ims;
	nz_http_cache_info info = {.last_modified = last_modified};
	assert_int_equal(nz_http_cache_apply(&r, &info, &resp, arena), NZ_OK);
	int status = resp.status;
	nz_buf_free(&resp.body);
	nz_arena_free(arena);
	return status;
}

static void test_if_modified_since(void **state)
{
	(void)state;
	assert_int_equal(status_for_ims("Tue, 17 Mar 2026 09:30:00 GMT", T0), 304);
	assert_int_equal(status_for_ims("Tue, 17 Mar 2026 09:30:01 GMT", T0), 304);
	assert_int_equal(status_for_ims("Tue, 17 Mar 2026 09:29:59 GMT", T0), 200);
	assert_int_equal(status_for_ims("not a date", T0), 200);
	/* Without a Last-Modified there is nothing to compare. */
	assert_int_equal(status_for_ims("Tue, 17 Mar 2026 09:30:00 GMT", 0), 200);
}

static void test_last_modified_never_in_future(void **state)
{
	(void)state;
	nz_arena *arena = nz_arena_new();
	nz_http_resp resp;
	make_page(&resp, 10);
	nz_http_cache_req r = get();
	r.now = T0;
	nz_http_cache_info info = {.last_modified = T0 + 86400};
	assert_int_equal(nz_http_cache_apply(&r, &info, &resp, arena), NZ_OK);
	assert_string_equal(header(&resp, "Last-Modified"), "Tue, 17 Mar 2026 09:30:00 GMT");
	nz_buf_free(&resp.body);
	nz_arena_free(arena);
}

/* The step leaves resp untouched: no validators, status and body as they were. */
static void assert_left_alone(nz_http_cache_req r, bool private, const char *cache_control,
			      const char *cookie, int status)
{
	nz_arena *arena = nz_arena_new();
	nz_http_resp resp;
	make_page(&resp, 2000);
	resp.status = status;
	size_t len = resp.body.len;
	if (cache_control)
		nz_http_resp_header(&resp, "Cache-Control", cache_control);
	if (cookie)
		nz_http_resp_header(&resp, "Set-Cookie", cookie);
	r.accept_encoding = "gzip";
	r.if_none_match = "*";
	nz_http_cache_info info = {.last_modified = T0, .private = private};
	assert_int_equal(nz_http_cache_apply(&r, &info, &resp, arena), NZ_OK);
	assert_int_equal(resp.status, status);
	assert_int_equal(resp.body.len, len);
	assert_null(header(&resp, "ETag"));
	assert_null(header(&resp, "Last-Modified"));
	assert_null(header(&resp, "Content-Encoding"));
	nz_buf_free(&resp.body);
	nz_arena_free(arena);
}

static void test_not_public_left_alone(void **state)
{
	(void)state;
	/* Which paths are private is the application's to say (tests/unit/web/caching.c). */
	assert_left_alone(get(), true, NULL, NULL, 200);
	assert_left_alone(get(), false, "private, max-age=0", NULL, 200);
	assert_left_alone(get(), false, "no-store", NULL, 200);
	assert_left_alone(get(), false, NULL, "nz_session=abc; HttpOnly", 200);
	assert_left_alone(get(), false, NULL, NULL, 404);
	assert_left_alone(get(), false, NULL, NULL, 500);
	nz_http_cache_req post = get();
	post.method = "POST";
	assert_left_alone(post, false, NULL, NULL, 200);
}

static void test_head_like_get_and_defaults(void **state)
{
	(void)state;
	nz_arena *arena = nz_arena_new();
	nz_http_resp a, b;
	make_page(&a, 3000);
	make_page(&b, 3000);
	nz_http_cache_req r = get();
	r.accept_encoding = "gzip";
	nz_http_cache_info info = {.last_modified = T0, .keys = "front article-1", .keys_len = 15};
	assert_int_equal(nz_http_cache_apply(&r, &info, &a, arena), NZ_OK);
	r.method = "HEAD";
	assert_int_equal(nz_http_cache_apply(&r, &info, &b, arena), NZ_OK);
	const char *names[] = {"ETag",          "Last-Modified", "Vary",
			       "Cache-Control", "Surrogate-Key", "Content-Encoding"};
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		assert_non_null(header(&a, names[i]));
		assert_string_equal(header(&a, names[i]), header(&b, names[i]));
	}
	assert_int_equal(a.body.len, b.body.len);
	assert_string_equal(header(&a, "Cache-Control"), "public, max-age=60");
	assert_string_equal(header(&a, "Surrogate-Key"), "front article-1");
	nz_buf_free(&a.body);
	nz_buf_free(&b.body);
	nz_arena_free(arena);
}

static void test_cache_keys_and_modified(void **state)
{
	(void)state;
	nz_arena *arena = nz_arena_new();
	nz_http_cache_info ci = {0};
	char long_key[NZ_HTTP_CACHE_KEY_MAX + 1];
	memset(long_key, 'k', sizeof long_key - 1);
	long_key[sizeof long_key - 1] = '\0';
	nz_http_cache_key(&ci, arena, "front");
	nz_http_cache_key(&ci, arena, "article-12");
	nz_http_cache_key(&ci, arena, "front"); /* a duplicate */
	nz_http_cache_key(&ci, arena, "bad key");
	nz_http_cache_key(&ci, arena, "a,b");
	nz_http_cache_key(&ci, arena, "");
	nz_http_cache_key(&ci, arena, long_key);
	long_key[NZ_HTTP_CACHE_KEY_MAX - 1] = '\0'; /* the longest that fits */
	nz_http_cache_key(&ci, arena, long_key);
	assert_int_equal(strlen(ci.keys), ci.keys_len);
	assert_int_equal(ci.keys_len, strlen("front article-12 ") + NZ_HTTP_CACHE_KEY_MAX - 1);
	assert_memory_equal(ci.keys, "front article-12 k", 18);
	nz_http_cache_modified(&ci, T0);
	nz_http_cache_modified(&ci, 0);
	nz_http_cache_modified(&ci, T0 - 10);
	assert_int_equal(ci.last_modified, T0);

	nz_http_resp resp = {0};
	assert_null(nz_http_resp_header_get(&resp, "Cache-Control"));
	assert_int_equal(nz_http_resp_header_set(&resp, "Cache-Control", "public"), NZ_OK);
	assert_int_equal(nz_http_resp_header_set(&resp, "cache-control", "no-store"), NZ_OK);
	assert_int_equal(resp.n_headers, 1);
	assert_string_equal(nz_http_resp_header_get(&resp, "CACHE-CONTROL"), "no-store");
	nz_arena_free(arena);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_etag_matches),
	    cmocka_unit_test(test_accepts_gzip),
	    cmocka_unit_test(test_coding_pick),
	    cmocka_unit_test(test_compressible),
	    cmocka_unit_test(test_etag_make),
	    cmocka_unit_test(test_gzip_when_accepted),
	    cmocka_unit_test(test_brotli_when_preferred),
	    cmocka_unit_test(test_no_gzip_for_small_or_binary),
	    cmocka_unit_test(test_static_body_is_compressed),
	    cmocka_unit_test(test_if_none_match),
	    cmocka_unit_test(test_if_modified_since),
	    cmocka_unit_test(test_last_modified_never_in_future),
	    cmocka_unit_test(test_not_public_left_alone),
	    cmocka_unit_test(test_head_like_get_and_defaults),
	    cmocka_unit_test(test_cache_keys_and_modified),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
