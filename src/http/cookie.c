/*
 * http/cookie: reading a cookie from the request's Cookie header and writing a Set-Cookie
 * header (RFC 6265). Names and values are taken as they are: the caller picks ones that need
 * no quoting (tokens, base64url).
 */
#include <string.h>

#include "http/http.h"

const char *nz_http_cookie(const nz_http_req *req, const char *name)
{
	const char *h = nz_http_header(req, "Cookie");
	size_t nlen = strlen(name);
	while (h && *h) {
		while (*h == ' ' || *h == ';')
			h++;
		const char *end = strchr(h, ';');
		size_t len = end ? (size_t)(end - h) : strlen(h);
		if (len > nlen && strncmp(h, name, nlen) == 0 && h[nlen] == '=')
			return nz_arena_strndup(req->arena, h + nlen + 1, len - nlen - 1);
		h = end;
	}
	return NULL;
}

nz_rc nz_http_set_cookie(nz_http_resp *resp, nz_arena *arena, const char *name, const char *value,
			 nz_time max_age, bool secure)
{
	const char *h =
	    nz_arena_printf(arena, "%s=%s; Path=/; Max-Age=%lld; HttpOnly; SameSite=Lax%s", name,
			    value, (long long)max_age, secure ? "; Secure" : "");
	return h ? nz_http_resp_header(resp, "Set-Cookie", h) : NZ_NOMEM;
}
