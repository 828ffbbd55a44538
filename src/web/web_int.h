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

typedef struct nz__ctx nz__ctx;

/* A route and its handler. Each feature (public pages, API, search, feeds, admin) exports a
 * table of these ending with {NULL}; app.c tries them in the order of its list of tables. */
typedef struct nz__route_entry {
	const char *method;
	const char *pattern;
	void (*handle)(nz__ctx *c, const nz_route_match *m);
} nz__route_entry;

extern const nz__route_entry nz__public_routes[];
extern const nz__route_entry nz__api_routes[];
/* ---- more route tables: back office (issue 3), distribution (issue 4), search (issue 5) ---- */

typedef struct nz__app {
	nz_theme *theme;
	const char *db_uri;
	const nz__route_entry **entries; /* flattened from every table; routes[i].id == i */
	nz_route *routes;
	size_t n_routes;
} nz__app;

/* One per worker thread: its own store handle. */
typedef struct nz__thread {
	nz__app *app;
	nz_store *store;
	nz_err open_err; /* why store is NULL */
} nz__thread;

/* What a public handler needs for one request, loaded once by the dispatcher. */
struct nz__ctx {
	nz__app *app;
	nz_store *store;
	nz_http_req *req;
	nz_http_resp *resp;
	nz_site site;
	nz_page_ctx page;
};

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

/* True when the path is under /api/ (errors there are JSON, not pages). */
bool nz__is_api(const char *path);

#endif
