/*
 * web internals shared by the handlers: the application state, the per-thread context, and
 * helpers to answer with a page, a JSON value or an error.
 */
#ifndef NZ_WEB_INT_H
#define NZ_WEB_INT_H

#include <jansson.h>

#include "content/content.h"
#include "render/render.h"
#include "store/store.h"
#include "web/http.h"
#include "web/web.h"

typedef struct nz__app {
	nz_theme *theme;
	const char *db_uri;
} nz__app;

/* One per worker thread: its own store handle. */
typedef struct nz__thread {
	nz__app *app;
	nz_store *store;
	nz_err open_err; /* why store is NULL */
} nz__thread;

/* What a public handler needs for one request, loaded once by the dispatcher. */
typedef struct nz__ctx {
	nz__app *app;
	nz_store *store;
	nz_http_req *req;
	nz_http_resp *resp;
	nz_site site;
	nz_page_ctx page;
} nz__ctx;

/* Loads site settings and sections into c->site / c->page. */
nz_rc nz__ctx_load(nz__ctx *c, nz_err *err);

/* Renders template `name` with view (a new reference, consumed) as an HTML response. */
void nz__send_page(nz__ctx *c, int status, const char *name, json_t *view);
/* A themed error page (404, 400, 405, 500...) in the site's language. */
void nz__send_error_page(nz__ctx *c, int status, const char *message);
/* A JSON response from value (consumed). */
void nz__send_json(nz_http_resp *resp, int status, json_t *value);
/* {"error":{"code":…,"message":…}} */
void nz__send_json_error(nz_http_resp *resp, int status, const char *code, const char *message);
/* Plain text, for when even the theme cannot help (503 without a database). */
void nz__send_text(nz_http_resp *resp, int status, const char *text);

/* Parses ?page=N (1 when absent). NZ_INVAL for anything but a positive integer <= 100000. */
nz_rc nz__page_param(const nz_http_req *req, size_t *page);

/* Handlers. */
void nz__public_front(nz__ctx *c);
void nz__public_article(nz__ctx *c, nz_str slug);
void nz__public_list(nz__ctx *c, const char *kind, nz_str slug);
void nz__public_media(nz__ctx *c, nz_str file);
void nz__public_static(nz__ctx *c, nz_str path);
void nz__api_articles(nz__ctx *c);
void nz__api_article(nz__ctx *c, nz_str slug);

#endif
