/*
 * web/app: the Newszone application on top of the HTTP glue. Owns the theme and the routes,
 * opens one store handle per worker thread, and dispatches each request to its handler.
 * Handlers never free request data: everything per request lives in req->arena.
 */
#include <stdlib.h>
#include <string.h>

#include "web/web_int.h"

enum {
	R_FRONT,
	R_HEALTHZ,
	R_SECTION,
	R_AUTHOR,
	R_TAG,
	R_ARTICLE,
	R_MEDIA,
	R_STATIC,
	R_FAVICON,
	R_API_ARTICLES,
	R_API_ARTICLE,
};

static const nz_route routes[] = {
    {"GET", "/", R_FRONT},
    {"GET", "/healthz", R_HEALTHZ},
    {"GET", "/section/{slug}", R_SECTION},
    {"GET", "/author/{slug}", R_AUTHOR},
    {"GET", "/tag/{slug}", R_TAG},
    {"GET", "/article/{slug}", R_ARTICLE},
    {"GET", "/media/{file}", R_MEDIA},
    {"GET", "/static/{*path}", R_STATIC},
    {"GET", "/favicon.ico", R_FAVICON},
    {"GET", "/api/v1/articles", R_API_ARTICLES},
    {"GET", "/api/v1/articles/{slug}", R_API_ARTICLE},
};

struct nz_web {
	nz__app app;
	nz_http_server *http;
};

static void *thread_init(void *app_ptr)
{
	nz__thread *t = calloc(1, sizeof *t);
	if (!t)
		return NULL;
	t->app = app_ptr;
	if (nz_store_open(t->app->db_uri, 0, &t->store, &t->open_err) != NZ_OK)
		NZ_LOG(NZ_LOG_ERROR, "web", "cannot open the store: %s", t->open_err.msg);
	return t;
}

static void thread_done(void *ptr)
{
	nz__thread *t = ptr;
	if (!t)
		return;
	nz_store_close(t->store);
	free(t);
}

static bool is_api(const char *path)
{
	return strncmp(path, "/api/", 5) == 0;
}

static void route(nz__ctx *c, const nz_route_match *m)
{
	switch (m->id) {
	case R_FRONT:
		nz__public_front(c);
		break;
	case R_SECTION:
		nz__public_list(c, "section", nz_route_param(m, "slug"));
		break;
	case R_AUTHOR:
		nz__public_list(c, "author", nz_route_param(m, "slug"));
		break;
	case R_TAG:
		nz__public_list(c, "tag", nz_route_param(m, "slug"));
		break;
	case R_ARTICLE:
		nz__public_article(c, nz_route_param(m, "slug"));
		break;
	case R_MEDIA:
		nz__public_media(c, nz_route_param(m, "file"));
		break;
	case R_STATIC:
		nz__public_static(c, nz_route_param(m, "path"));
		break;
	case R_FAVICON:
		nz__public_static(c, NZ_STR_LIT("favicon.svg"));
		break;
	case R_API_ARTICLES:
		nz__api_articles(c);
		break;
	case R_API_ARTICLE:
		nz__api_article(c, nz_route_param(m, "slug"));
		break;
	default:
		nz__send_error_page(c, 404, NULL);
	}
}

static void handle(void *app_ptr, nz_http_req *req, nz_http_resp *resp)
{
	nz__app *app = app_ptr;
	nz__thread *t = req->thread_ctx;
	nz__ctx c = {.app = app, .req = req, .resp = resp};
	c.store = t ? t->store : NULL;

	nz_route_match m;
	const char *allow = NULL;
	nz_rc rc = nz_router_match(routes, sizeof routes / sizeof routes[0], req->method, req->path,
				   &m, &allow);
	if (rc == NZ_OK && m.id == R_HEALTHZ) {
		/* Healthy means: the database answers. */
		nz_err err = {0};
		nz_site site;
		bool ok = c.store && nz_store_site_load(c.store, req->arena, &site, &err) == NZ_OK;
		nz__send_text(resp, ok ? 200 : 503, ok ? "ok\n" : "database unavailable\n");
		return;
	}
	if (!c.store) {
		if (is_api(req->path))
			nz__send_json_error(resp, 503, "unavailable",
					    "the database is unavailable");
		else
			nz__send_text(resp, 503,
				      "The site is unavailable: its database cannot be opened.\n");
		return;
	}
	nz_err err = {0};
	if (nz__ctx_load(&c, &err) != NZ_OK) {
		NZ_LOG(NZ_LOG_ERROR, "web", "%s %s: %s", req->method, req->path, err.msg);
		nz__send_text(resp, 500, "Internal error.\n");
		return;
	}
	if (rc == NZ_METHOD) {
		nz_http_resp_header(resp, "Allow", allow);
		if (is_api(req->path))
			nz__send_json_error(resp, 405, "method_not_allowed",
					    "this method is not allowed here");
		else
			nz__send_error_page(&c, 405, NULL);
		return;
	}
	if (rc != NZ_OK) {
		if (is_api(req->path))
			nz__send_json_error(resp, 404, "not_found", "no such endpoint");
		else
			nz__send_error_page(&c, 404, NULL);
		return;
	}
	route(&c, &m);
}

nz_rc nz_web_start(const nz_web_opts *opts, nz_web **out, nz_err *err)
{
	*out = NULL;
	nz_web *w = calloc(1, sizeof *w);
	nz_store *probe = NULL;
	nz_rc rc = NZ_NOMEM;
	if (!w) {
		nz_err_set(err, rc, "out of memory");
		goto out;
	}
	w->app.db_uri = opts->db_uri;
	rc = nz_store_open(opts->db_uri, 0, &probe, err);
	if (rc != NZ_OK)
		goto out;
	nz_store_close(probe);
	rc = nz_theme_load(opts->theme_dir, &w->app.theme, err);
	if (rc != NZ_OK)
		goto out;
	nz_http_opts ho = {
	    .host = opts->host ? opts->host : "127.0.0.1",
	    .port = opts->port,
	    .threads = opts->threads ? opts->threads : 2,
	    .thread_init = thread_init,
	    .thread_done = thread_done,
	};
	rc = nz_http_start(&ho, handle, &w->app, &w->http, err);
	if (rc != NZ_OK)
		goto out;
	*out = w;
	w = NULL;
out:
	if (w) {
		nz_theme_free(w->app.theme);
		free(w);
	}
	return rc;
}

unsigned nz_web_port(const nz_web *w)
{
	return nz_http_port(w->http);
}

void nz_web_wait_and_stop(nz_web *w)
{
	if (!w)
		return;
	nz_http_wait(w->http);
	nz_http_stop(w->http);
	nz_theme_free(w->app.theme);
	free(w);
}
