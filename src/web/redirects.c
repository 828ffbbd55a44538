/*
 * web/redirects.c: old addresses answer 301 (docs/wordpress.md, "Old links"). Looked up only
 * for a GET or HEAD that no route took, or for the site's root with a WordPress query
 * (/?p=123), so the pages readers ask for never pay for it. The table is edited in the back
 * office (admin/redirects.c) and filled by imports.
 */
#include <string.h>

#include "app/app.h"
#include "web/app_int.h"

bool nz__old_address(nz__ctx *c, bool routed)
{
	const nz_http_req *req = c->req;
	const char *target = NULL;
	nz_err err = {0};
	if (strcmp(req->method, "GET") != 0 && strcmp(req->method, "HEAD") != 0)
		return false;
	if (routed && !(strcmp(req->path, "/") == 0 && req->query && *req->query))
		return false;
	const char *key = nz_app_redirect_key(req->arena, req->path, req->query);
	if (!key || strcmp(key, "/") == 0)
		return false;
	if (nz_store_url_redirect_get(c->store, req->arena, key, &target, &err) != NZ_OK)
		return false;
	nz_http_resp_header(c->resp, "Location", target);
	nz_http_resp_header(c->resp, "Cache-Control", "public, max-age=3600");
	nz__send_text(c->resp, 301, "Moved Permanently\n");
	return true;
}
