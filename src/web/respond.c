/*
 * web/respond: how handlers answer. Pages are rendered by the theme into the response body;
 * JSON comes from jansson values; errors get a themed page or the API's JSON error shape.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "web/web_int.h"

nz_rc nz__ctx_load(nz__ctx *c, nz_err *err)
{
	nz_site_chrome chrome; /* the header's sections, the footer's links and policies */
	nz_rc rc = nz_store_site_chrome(c->store, c->req->arena, &chrome, err);
	if (rc != NZ_OK)
		return rc;
	c->site = chrome.site;
	c->page = (nz_page_ctx){
	    .site = &c->site,
	    .theme = c->app->theme,
	    .sections = chrome.sections,
	    .n_sections = chrome.n_sections,
	    .now = nz_time_now(),
	    .pages = chrome.pages,
	    .n_pages = chrome.n_pages,
	};
	return NZ_OK;
}

void nz__send_text(nz_http_resp *resp, int status, const char *text)
{
	resp->status = status;
	resp->content_type = "text/plain; charset=utf-8";
	nz_buf_reset(&resp->body);
	nz_buf_puts(&resp->body, text);
}

void nz__send_page(nz__ctx *c, int status, const char *name, json_t *view)
{
	nz_err err = {0};
	if (!view) {
		nz__send_text(c->resp, 503, "Out of memory.\n");
		return;
	}
	nz_buf_reset(&c->resp->body);
	nz_rc rc = nz_theme_render(c->app->theme, name, view, &c->resp->body, &err);
	json_decref(view);
	if (rc != NZ_OK) {
		NZ_LOG(NZ_LOG_ERROR, "web", "rendering %s for %s: %s", name, c->req->path, err.msg);
		nz__send_text(c->resp, rc == NZ_NOMEM ? 503 : 500, "Internal error.\n");
		return;
	}
	c->resp->status = status;
	c->resp->content_type = "text/html; charset=utf-8";
}

void nz__send_error_page(nz__ctx *c, int status, const char *message)
{
	json_t *view = nz_view_error(&c->page, status, nz_page_status_title(status),
				     message ? message : nz_page_status_message(status));
	nz__send_page(c, status, "error", view);
}

void nz__send_json(nz_http_resp *resp, int status, json_t *value)
{
	if (!value) {
		nz__send_text(resp, 503, "Out of memory.\n");
		return;
	}
	char *s = json_dumps(value, JSON_COMPACT);
	json_decref(value);
	if (!s) {
		nz__send_text(resp, 503, "Out of memory.\n");
		return;
	}
	nz_buf_reset(&resp->body);
	nz_buf_puts(&resp->body, s);
	nz_buf_putc(&resp->body, '\n');
	free(s);
	resp->status = status;
	resp->content_type = "application/json; charset=utf-8";
}

void nz__send_json_error(nz_http_resp *resp, int status, const char *code, const char *message)
{
	nz__send_json(resp, status, nz_json_error(code, message));
}

nz_rc nz__page_param(const nz_http_req *req, size_t *page)
{
	*page = 1;
	const char *s = nz_http_query(req, "page");
	if (!s)
		return NZ_OK;
	if (*s < '1' || *s > '9')
		return NZ_INVAL;
	errno = 0;
	char *end = NULL;
	unsigned long v = strtoul(s, &end, 10);
	if (errno || *end || v > 100000)
		return NZ_INVAL;
	*page = v;
	return NZ_OK;
}
