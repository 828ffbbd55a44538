/*
 * web/api/ninjs: the API's article as IPTC ninjs 2.2 (docs/distribution.md), for
 * /api/v1/articles/{slug}.ninjs and for Accept: application/ninjs+json (api/articles.c asks
 * nz__ninjs_wanted and calls nz__send_ninjs).
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "web/api/api_int.h"

bool nz__ninjs_wanted(nz__ctx *c, nz_str *slug)
{
	if (nz_str_ends_with(*slug, ".ninjs")) {
		slug->len -= strlen(".ninjs");
		return true;
	}
	const char *accept = nz_http_header(c->req, "Accept");
	return accept && strcasestr(accept, "application/ninjs+json") != NULL;
}

void nz__send_ninjs(nz__ctx *c, const nz_article *a)
{
	json_t *doc = nz_ninjs_article(&c->site, a);
	char *s = doc ? json_dumps(doc, JSON_INDENT(2) | JSON_PRESERVE_ORDER) : NULL;
	json_decref(doc);
	if (!s) {
		nz__send_json_error(c->resp, 503, "unavailable", "out of memory");
		return;
	}
	nz_buf_reset(&c->resp->body);
	nz_buf_puts(&c->resp->body, s);
	nz_buf_putc(&c->resp->body, '\n');
	free(s);
	c->resp->status = 200;
	c->resp->content_type = "application/ninjs+json; charset=utf-8";
	nz__cache_policy(c, NZ__CACHE_ARTICLE);
	nz__surrogate_article(c, a);
	nz__cache_modified(c, nz_page_article_modified(a));
}
