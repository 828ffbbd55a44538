/*
 * web/produce: answers a request with what one of pages/' producers made (pages.h). The
 * reader's pages, feeds and sitemaps are produced by pages/ so the server and the static export
 * (`newszone build`) give the same bytes for the same URL; this file turns a producer's outcome
 * into the response: body and type, the cache policy of its kind, its Surrogate-Keys and
 * Last-Modified, a 301, or a themed error page.
 */
#include "web/web_int.h"

nz_page_env nz__page_env(nz__ctx *c)
{
	return (nz_page_env){.store = c->store, .pc = &c->page, .arena = c->req->arena};
}

static nz__cache_kind cache_kind(nz_page_kind kind)
{
	switch (kind) {
	case NZ_PAGE_FRONT:
		return NZ__CACHE_FRONT;
	case NZ_PAGE_LIST:
		return NZ__CACHE_LIST;
	case NZ_PAGE_ARTICLE:
		return NZ__CACHE_ARTICLE;
	default:
		return NZ__CACHE_FEED;
	}
}

void nz__send_produced(nz__ctx *c, nz_rc rc, const nz_page_out *out, const nz_err *err)
{
	if (rc != NZ_OK) {
		NZ_LOG(NZ_LOG_ERROR, "web", "%s: %s", c->req->path,
		       err && err->msg[0] ? err->msg : nz_strerror(rc));
		nz__send_error_page(c, rc == NZ_NOMEM ? 503 : 500, NULL);
		return;
	}
	if (out->status == 301) {
		nz_http_resp_header(c->resp, "Location", out->location);
		nz__send_text(c->resp, 301, "Moved Permanently\n");
		return;
	}
	if (out->status != 200) {
		nz__send_error_page(c, out->status, out->message);
		return;
	}
	c->resp->status = 200;
	c->resp->content_type = out->content_type;
	nz__cache_policy(c, cache_kind(out->kind));
	for (size_t i = 0; i < out->n_keys; i++)
		nz__surrogate_add(c, "%s", out->keys[i]);
	nz__cache_modified(c, out->modified);
}

nz_page_out nz__page_out(nz__ctx *c)
{
	nz_buf_reset(&c->resp->body);
	return (nz_page_out){.body = &c->resp->body};
}
