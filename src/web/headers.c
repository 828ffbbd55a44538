/*
 * web/headers: the security headers of the application's responses (docs/security.md).
 * The HTTP glue adds X-Content-Type-Options: nosniff to everything; here come the headers that
 * depend on what a response is:
 *  - public pages, feeds, media and the read API: a Content-Security-Policy the default theme
 *    satisfies (no inline script or style; JSON-LD is a data block, not a script), Referrer-Policy
 *    and frame-ancestors; the back office sets its own stricter set (admin/auth.c);
 *  - HSTS on every response when the site's base URL is https (the site is only reached that way);
 *  - Cache-Control: no-store on every back-office and admin-API answer, whatever the handler said:
 *    some carry secrets (a new API token, a generated password).
 * Rules: no store, no I/O; strings are literals.
 */
#include <string.h>
#include <strings.h>

#include "web/web_int.h"

/* Pages may show images from elsewhere (Markdown bodies), nothing else comes from outside. */
#define PUBLIC_CSP                                                                                 \
	"default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: https:; "   \
	"object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'self'"
/* JSON and feeds are never documents to render. */
#define DATA_CSP "default-src 'none'; frame-ancestors 'none'"
#define HSTS "max-age=31536000"

static bool has_prefix_path(const char *path, const char *prefix)
{
	size_t n = strlen(prefix);
	return strncmp(path, prefix, n) == 0 && (path[n] == '\0' || path[n] == '/');
}

void nz__security_headers(nz__ctx *c)
{
	const char *path = c->req->path;
	if (strncasecmp(c->site.base_url, "https://", 8) == 0)
		nz_http_resp_header(c->resp, "Strict-Transport-Security", HSTS);
	if (has_prefix_path(path, "/admin")) /* admin/auth.c's gate sets the back office's own */
		return;
	nz_http_resp_header(c->resp, "Content-Security-Policy",
			    has_prefix_path(path, "/api") ? DATA_CSP : PUBLIC_CSP);
	nz_http_resp_header(c->resp, "Referrer-Policy", "strict-origin-when-cross-origin");
}

void nz__private_no_store(const nz_http_req *req, nz_http_resp *resp)
{
	const char *path = req->path;
	if (has_prefix_path(path, "/admin") || has_prefix_path(path, "/api/v1/admin")) {
		const char *cc = nz_http_resp_header_get(resp, "Cache-Control");
		if (!cc || !strcasestr(cc, "no-store"))
			nz_http_resp_header_set(resp, "Cache-Control", "private, no-store");
	}
}
