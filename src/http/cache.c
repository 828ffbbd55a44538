/*
 * http/cache: HTTP caching for every public response, as one step the application runs after
 * its handler (nz_http_cache_finish). Handlers only say what they know, in an
 * nz_http_cache_info: the newest content time they show and the Surrogate-Keys (plain tokens,
 * whatever the application names by them) the response depends on; and, as a Cache-Control
 * header, how long it may be cached. This step then, for a 200 answer to GET or HEAD that is
 * public:
 *   - sets a strong ETag: a 16-byte BLAKE2b of the body in hex, "-gz" or "-br" appended inside
 *     the quotes for the gzip or Brotli variant (a strong validator must differ between
 *     encodings);
 *   - sets Last-Modified when the handler gave a time (never later than now);
 *   - answers 304 with no body when If-None-Match matches (weak comparison, lists and "*"), or,
 *     when there is no If-None-Match, when If-Modified-Since is not older than Last-Modified;
 *   - compresses text types over COMPRESS_MIN bytes with Brotli or gzip when Accept-Encoding
 *     allows one (q values honoured; Brotli when both are liked as much), and sends
 *     Vary: Accept-Encoding on every compressible response, compressed or not;
 *   - adds Surrogate-Key and, when the handler set none, a default Cache-Control.
 * Not public, so left alone: what the application marks private (its back office, operations
 * pages), responses with Set-Cookie, and responses whose Cache-Control says no-store or
 * private.
 *
 * Rules: no I/O and nothing of the newsroom (keys are opaque strings); every header string
 * lives in the request's arena.
 */
#include <pthread.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/compress.h"
#include "http/http.h"

/* Smaller bodies are not worth the coding's header and the CPU. */
#define COMPRESS_MIN 256
#define CODINGS_ALL ((1u << NZ_CODING_GZIP) | (1u << NZ_CODING_BR))

/* For a public response whose handler chose nothing. */
#define DEFAULT_POLICY "public, max-age=60"

static pthread_once_t sodium_once = PTHREAD_ONCE_INIT;

static void sodium_start(void)
{
	/* Only picks faster implementations for BLAKE2b; hashing is correct without it. */
	if (sodium_init() < 0)
		NZ_LOG(NZ_LOG_WARN, "http", "libsodium did not initialise; hashing still works");
}

/* ---- what handlers say ------------------------------------------------------------------- */

/* True when the space-separated list keys[0..len) holds key. */
static bool has_key(const char *keys, size_t len, const char *key, size_t key_len)
{
	const char *p = keys, *end = keys + len;
	while (p < end) {
		const char *sp = memchr(p, ' ', (size_t)(end - p));
		size_t n = sp ? (size_t)(sp - p) : (size_t)(end - p);
		if (n == key_len && memcmp(p, key, n) == 0)
			return true;
		p += n + 1;
	}
	return false;
}

void nz_http_cache_key(nz_http_cache_info *ci, nz_arena *arena, const char *key)
{
	size_t len = strlen(key);
	/* A key is one token: no empty, over-long or spaced keys. */
	if (len == 0 || len >= NZ_HTTP_CACHE_KEY_MAX || strpbrk(key, " \t\r\n,"))
		return;
	if (ci->keys && has_key(ci->keys, ci->keys_len, key, len))
		return;
	size_t need = ci->keys_len + len + 2;
	if (!ci->keys) /* a cap without a buffer (never filled) is no room */
		ci->keys_cap = 0;
	/* A missing key only costs a broader purge. (!ci->keys: for the analyzer, which does not
	 * see nz_grow fill the pointer.) */
	if (NZ_ARENA_GROW(arena, ci->keys, need, ci->keys_cap) != NZ_OK || !ci->keys)
		return;
	if (ci->keys_len)
		ci->keys[ci->keys_len++] = ' ';
	memcpy(ci->keys + ci->keys_len, key, len);
	ci->keys_len += len;
	ci->keys[ci->keys_len] = '\0';
}

void nz_http_cache_modified(nz_http_cache_info *ci, nz_time t)
{
	if (t > ci->last_modified)
		ci->last_modified = t;
}

/* ---- response headers -------------------------------------------------------------------- */

static long header_index(const nz_http_resp *resp, const char *name)
{
	for (size_t i = 0; i < resp->n_headers; i++)
		if (strcasecmp(resp->header_names[i], name) == 0)
			return (long)i;
	return -1;
}

const char *nz_http_resp_header_get(const nz_http_resp *resp, const char *name)
{
	long i = header_index(resp, name);
	return i < 0 ? NULL : resp->header_values[i];
}

nz_rc nz_http_resp_header_set(nz_http_resp *resp, const char *name, const char *value)
{
	long i = header_index(resp, name);
	if (i < 0)
		return nz_http_resp_header(resp, name, value);
	resp->header_values[i] = value;
	return NZ_OK;
}

/* ---- parsing request headers ------------------------------------------------------------- */

static const char *skip_ows(const char *p)
{
	while (*p == ' ' || *p == '\t')
		p++;
	return p;
}

/* The opaque part of an entity tag at p ("\"abc\"" or W/"abc"): sets *tag and *len to the quoted
 * string including its quotes and returns the position after it; NULL when malformed. */
static const char *entity_tag(const char *p, const char **tag, size_t *len)
{
	if (p[0] == 'W' && p[1] == '/')
		p += 2;
	if (*p != '"')
		return NULL;
	const char *close = strchr(p + 1, '"');
	if (!close)
		return NULL;
	*tag = p;
	*len = (size_t)(close + 1 - p);
	return close + 1;
}

bool nz_http_etag_matches(const char *if_none_match, const char *etag)
{
	const char *want = NULL, *p;
	size_t want_len = 0;
	if (!if_none_match || !etag || !entity_tag(etag, &want, &want_len))
		return false;
	p = skip_ows(if_none_match);
	if (*p == '*' && *skip_ows(p + 1) == '\0')
		return true;
	while (*p) {
		const char *tag = NULL;
		size_t len = 0;
		p = skip_ows(p);
		if (*p == ',') {
			p++;
			continue;
		}
		p = entity_tag(p, &tag, &len);
		if (!p)
			return false; /* a malformed list matches nothing */
		if (len == want_len && memcmp(tag, want, len) == 0)
			return true;
		p = skip_ows(p);
		if (*p && *p != ',')
			return false;
	}
	return false;
}

/* The q value of one Accept-Encoding element's parameters ("; q=0.5"): 1 when absent. */
static double qvalue(const char *params, size_t len)
{
	const char *end = params + len;
	for (const char *p = params; p < end; p++) {
		if ((*p == 'q' || *p == 'Q') && p + 1 < end && p[1] == '=' &&
		    (p == params || p[-1] == ';' || p[-1] == ' ' || p[-1] == '\t')) {
			char num[8] = {0};
			size_t n = (size_t)(end - (p + 2));
			memcpy(num, p + 2, n < sizeof num - 1 ? n : sizeof num - 1);
			return strtod(num, NULL);
		}
	}
	return 1.0;
}

/* The q values an Accept-Encoding value gives gzip, br and "*" (-1 when not named). */
static void coding_qvalues(const char *accept_encoding, double *gzip_q, double *br_q,
			   double *star_q)
{
	*gzip_q = *br_q = *star_q = -1;
	const char *p = accept_encoding;
	while (p && *p) {
		size_t n = strcspn(p, ",");
		const char *start = skip_ows(p), *end = p + n;
		size_t tok = strcspn(start, ";, \t");
		if (start + tok > end)
			tok = (size_t)(end - start);
		const char *params = start + tok;
		double q = qvalue(params, (size_t)(end > params ? end - params : 0));
		if ((tok == 4 && strncasecmp(start, "gzip", 4) == 0) ||
		    (tok == 6 && strncasecmp(start, "x-gzip", 6) == 0))
			*gzip_q = q;
		else if (tok == 2 && strncasecmp(start, "br", 2) == 0)
			*br_q = q;
		else if (tok == 1 && *start == '*')
			*star_q = q;
		p = *end ? end + 1 : end;
	}
	if (*gzip_q < 0)
		*gzip_q = *star_q;
	if (*br_q < 0)
		*br_q = *star_q;
}

bool nz_http_accepts_gzip(const char *accept_encoding)
{
	double gzip_q, br_q, star_q;
	coding_qvalues(accept_encoding, &gzip_q, &br_q, &star_q);
	return gzip_q > 0;
}

nz_coding nz_http_coding_pick(const char *accept_encoding, unsigned available)
{
	double gzip_q, br_q, star_q;
	coding_qvalues(accept_encoding, &gzip_q, &br_q, &star_q);
	if (!(available & (1u << NZ_CODING_GZIP)))
		gzip_q = -1;
	if (!(available & (1u << NZ_CODING_BR)))
		br_q = -1;
	if (br_q > 0 && br_q >= gzip_q) /* the smaller coding when the client likes both as much */
		return NZ_CODING_BR;
	return gzip_q > 0 ? NZ_CODING_GZIP : NZ_CODING_IDENTITY;
}

bool nz_http_compressible(const char *content_type)
{
	static const char *const types[] = {
	    "application/json",       "application/xml",       "application/rss+xml",
	    "application/atom+xml",   "application/feed+json", "application/ld+json",
	    "application/javascript", "image/svg+xml",         "application/ninjs+json",
	    "application/xhtml+xml",
	};
	if (!content_type)
		return false;
	size_t len = strcspn(content_type, "; \t");
	if (len > 5 && strncasecmp(content_type, "text/", 5) == 0)
		return true;
	for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
		if (strlen(types[i]) == len && strncasecmp(content_type, types[i], len) == 0)
			return true;
	return false;
}

void nz_http_etag_make(const void *data, size_t len, nz_coding coding, char out[NZ_HTTP_ETAG_MAX])
{
	unsigned char digest[16];
	char hex[33];
	pthread_once(&sodium_once, sodium_start);
	crypto_generichash(digest, sizeof digest, data, (unsigned long long)len, NULL, 0);
	sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);
	snprintf(out, NZ_HTTP_ETAG_MAX, "\"%s%s\"", hex,
		 coding == NZ_CODING_GZIP ? "-gz"
		 : coding == NZ_CODING_BR ? "-br"
					  : "");
}

/* ---- the step ---------------------------------------------------------------------------- */

/* data in coding into out (initialised here; the caller frees it). */
static nz_rc compress_bytes(nz_coding coding, const void *data, size_t len, nz_buf *out)
{
	size_t n = 0;
	int level = coding == NZ_CODING_BR ? NZ_BR_QUALITY_SERVER : NZ_GZIP_LEVEL_SERVER;
	unsigned char *z = nz_compress(coding, level, data, len, &n, false);
	nz_buf_init(out, 0);
	nz_rc rc = z ? nz_buf_append(out, z, n) : NZ_NOMEM;
	free(z);
	return rc;
}

/* True when the response may be cached by anyone. */
static bool cacheable(const nz_http_cache_req *r, const nz_http_cache_info *info,
		      const nz_http_resp *resp)
{
	if (strcmp(r->method, "GET") != 0 && strcmp(r->method, "HEAD") != 0)
		return false;
	if ((resp->status ? resp->status : 200) != 200 || info->private)
		return false;
	if (nz_http_resp_header_get(resp, "Set-Cookie"))
		return false;
	const char *cc = nz_http_resp_header_get(resp, "Cache-Control");
	return !cc || (!strcasestr(cc, "no-store") && !strcasestr(cc, "private"));
}

/* True when the request's validators say the client's copy is current. */
static bool not_modified(const nz_http_cache_req *r, const char *etag, nz_time last_modified)
{
	if (r->if_none_match)
		return nz_http_etag_matches(r->if_none_match, etag);
	nz_time since = 0;
	return r->if_modified_since && last_modified &&
	       nz_time_parse_http(nz_str_c(r->if_modified_since), &since) == NZ_OK &&
	       last_modified <= since;
}

/* Turns resp into a 304: validators and caching headers stay, the content goes. */
static void make_304(nz_http_resp *resp)
{
	resp->status = 304;
	nz_buf_free(&resp->body);
	resp->static_body = NULL;
	resp->static_len = 0;
	resp->content_type = NULL;
}

nz_rc nz_http_cache_apply(const nz_http_cache_req *r, const nz_http_cache_info *info,
			  nz_http_resp *resp, nz_arena *arena)
{
	if (!cacheable(r, info, resp))
		return NZ_OK;
	const void *body = resp->body.len ? resp->body.p : resp->static_body;
	size_t len = resp->body.len ? resp->body.len : resp->static_len;
	if (!body)
		body = "", len = 0;
	bool text = nz_http_compressible(resp->content_type);
	unsigned available = text && len > COMPRESS_MIN ? CODINGS_ALL : 0;
	nz_coding coding = nz_http_coding_pick(r->accept_encoding, available);
	char etag[NZ_HTTP_ETAG_MAX];
	nz_http_etag_make(body, len, coding, etag);
	char *etag_value = nz_arena_strdup(arena, etag);
	nz_time lm = info->last_modified > r->now ? r->now : info->last_modified;
	char *lm_value = NULL;
	if (lm > 0) {
		char date[40];
		lm_value = nz_arena_strdup(arena, nz_time_http(lm, date));
	}
	if (!etag_value || (lm > 0 && !lm_value))
		return NZ_NOMEM;
	nz_rc rc = nz_http_resp_header_set(resp, "ETag", etag_value);
	if (!nz_http_resp_header_get(resp, "Cache-Control"))
		rc = rc ? rc : nz_http_resp_header_set(resp, "Cache-Control", DEFAULT_POLICY);
	if (text) {
		/* Added to what the handler varies on (the API's article varies on Accept too). */
		const char *prev = nz_http_resp_header_get(resp, "Vary");
		const char *vary =
		    prev ? nz_arena_printf(arena, "%s, Accept-Encoding", prev) : "Accept-Encoding";
		rc = rc ? rc : vary ? nz_http_resp_header_set(resp, "Vary", vary) : NZ_NOMEM;
	}
	if (lm_value)
		rc = rc ? rc : nz_http_resp_header_set(resp, "Last-Modified", lm_value);
	if (info->keys_len)
		rc = rc ? rc : nz_http_resp_header_set(resp, "Surrogate-Key", info->keys);
	if (rc != NZ_OK)
		return rc;
	if (not_modified(r, etag, lm)) {
		make_304(resp);
		return NZ_OK;
	}
	if (coding == NZ_CODING_IDENTITY)
		return NZ_OK;
	nz_buf z;
	if (compress_bytes(coding, body, len, &z) != NZ_OK ||
	    nz_http_resp_header_set(resp, "Content-Encoding", nz_coding_token(coding))) {
		/* Send the identity variant under its own validator instead. */
		nz_buf_free(&z);
		nz_http_etag_make(body, len, NZ_CODING_IDENTITY, etag);
		char *plain = nz_arena_strdup(arena, etag);
		return plain ? nz_http_resp_header_set(resp, "ETag", plain) : NZ_NOMEM;
	}
	nz_buf_free(&resp->body);
	resp->body = z;
	resp->static_body = NULL;
	resp->static_len = 0;
	return NZ_OK;
}

nz_rc nz_http_cache_finish(const nz_http_req *req, nz_http_resp *resp,
			   const nz_http_cache_info *info)
{
	nz_http_cache_req r = {
	    .method = req->method,
	    .if_none_match = nz_http_header(req, "If-None-Match"),
	    .if_modified_since = nz_http_header(req, "If-Modified-Since"),
	    .accept_encoding = nz_http_header(req, "Accept-Encoding"),
	    .now = nz_time_now(),
	};
	return nz_http_cache_apply(&r, info, resp, req->arena);
}
