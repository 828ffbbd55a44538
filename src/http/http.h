/*
 * web/http: the HTTP server glue (libmicrohttpd) and the router. They know requests, not
 * articles: a request comes in, one handler callback answers it with a response. Handlers
 * (web/public.c, web/api.c) are where HTTP meets the domain; they include this header.
 *
 * The server: epoll with a small thread pool, keep-alive (responses are queued on the second
 * call of the access handler, never the first: see NOTES.md), GET/HEAD/POST/PATCH/PUT/DELETE
 * parsed, HEAD answered as GET without a body, request limits (URL length, header size, body
 * size, connections, per-connection timeout) enforced with 414/413/400 before the handler
 * runs, Date and Content-Length set on every response, graceful shutdown on SIGTERM/SIGINT
 * (stop accepting, finish in-flight requests, return).
 */
#ifndef NZ_WEB_HTTP_H
#define NZ_WEB_HTTP_H

#include "core/core.h"

typedef struct nz_http_req {
	const char *method; /* "GET", "HEAD", "POST", ... */
	const char *path;   /* percent-decoded, valid UTF-8, no query: "/article/국방" */
	const char *query;  /* raw query string without '?', "" when none */
	const char *body;   /* NUL-terminated copy of the request body; "" when none */
	size_t body_len;
	nz_arena *arena;  /* freed after the response is sent */
	void *conn;       /* internal */
	void *thread_ctx; /* per worker thread, from nz_http_opts.thread_init */
} nz_http_req;

/* The value of query parameter key, decoded ('+' is a space); NULL when absent, and for an
 * invalid %-sequence. Allocated in req->arena. */
const char *nz_http_query(const nz_http_req *req, const char *key);
/* A request header (case-insensitive name) or NULL. Borrowed for the request's lifetime. */
const char *nz_http_header(const nz_http_req *req, const char *name);
/* The peer's IP address as text ("127.0.0.1", "::1"), in req->arena; "unknown" when it cannot
 * be had. The socket's peer, never a forwarded-for header (which anyone can write). */
const char *nz_http_client_addr(const nz_http_req *req);

#define NZ_HTTP_MAX_HEADERS 24

typedef struct nz_http_resp {
	int status; /* 200 when the handler leaves it 0 */
	const char *content_type;
	nz_buf body; /* the bytes to send; the server takes them */
	/* Or a borrowed body that outlives the response (a theme asset): used when body is empty
	 * and static_body is set. */
	const void *static_body;
	size_t static_len;
	const char *header_names[NZ_HTTP_MAX_HEADERS];
	const char *header_values[NZ_HTTP_MAX_HEADERS];
	size_t n_headers;
	/* when set, this ready-made response is sent instead of everything above, and the
	 * server drops this reference once it is queued (nz_http_prebuilt_new). */
	struct nz_http_prebuilt *prebuilt;
} nz_http_resp;

/* Adds a header; both strings must live until the response is sent (arena or literals).
 * NZ_TOOBIG past NZ_HTTP_MAX_HEADERS. */
nz_rc nz_http_resp_header(nz_http_resp *resp, const char *name, const char *value);

/* ---- prebuilt responses (the page cache) ---------------------------------------- */

/* A response made once and sent any number of times, from any thread, without copying: the
 * status, type, headers and a copy of the bytes, ready for the wire (a "Server" header
 * included). Reference counted: nz_http_prebuilt_new gives the caller one reference; each
 * connection sending it holds its own until the bytes are out, so dropping the last
 * nz_http_prebuilt reference never pulls bytes from under a send. */
typedef struct nz_http_prebuilt nz_http_prebuilt;
/* From resp's status, content_type and headers, with body[0..len) copied (resp's own body is
 * not used). NZ_NOMEM. */
nz_rc nz_http_prebuilt_new(const nz_http_resp *resp, const void *body, size_t len,
			   nz_http_prebuilt **out);
/* Takes one more reference (an atomic increment). */
void nz_http_prebuilt_ref(nz_http_prebuilt *p);
/* Drops one reference; the last one frees it. NULL-safe. */
void nz_http_prebuilt_unref(nz_http_prebuilt *p);

/* Answers one request. Runs on a worker thread; must not block for long. */
typedef void (*nz_http_handler)(void *app, nz_http_req *req, nz_http_resp *resp);

typedef struct nz_http_opts {
	const char *host;         /* "127.0.0.1" */
	unsigned port;            /* 0: pick a free port; nz_http_port() tells which */
	unsigned threads;         /* worker threads, default 2 */
	unsigned max_connections; /* default 1024 */
	unsigned timeout_s;       /* idle connection timeout, default 30 */
	size_t max_body;          /* bytes, default 16 MB */
	size_t max_url;           /* bytes, default 4096 */
	/* Called once on each worker thread before its first request; the result is passed as
	 * req->thread_ctx. May be NULL. */
	void *(*thread_init)(void *app);
	void (*thread_done)(void *thread_ctx);
} nz_http_opts;

typedef struct nz_http_server nz_http_server;

nz_rc nz_http_start(const nz_http_opts *opts, nz_http_handler handler, void *app,
		    nz_http_server **out, nz_err *err);
unsigned nz_http_port(const nz_http_server *srv);
/* Blocks until SIGTERM or SIGINT arrives (or nz_http_stop_request is called), then stops the
 * server gracefully. */
void nz_http_wait(nz_http_server *srv);
void nz_http_stop_request(nz_http_server *srv); /* async-signal-safe */
void nz_http_stop(nz_http_server *srv);         /* stops and frees; NULL-safe */

/* ---- router ------------------------------------------------------------------------------ */

/* Patterns are literal segments and captures: "/article/{slug}", "/static/{*path}" (the rest of
 * the path), "/api/v1/articles/{slug}". A route matches one method ("GET" also matches HEAD). */
typedef struct nz_route {
	const char *method;
	const char *pattern;
	int id; /* the handler's own number */
} nz_route;

#define NZ_ROUTE_MAX_PARAMS 4

typedef struct nz_route_match {
	int id;
	const char *names[NZ_ROUTE_MAX_PARAMS];
	nz_str values[NZ_ROUTE_MAX_PARAMS]; /* borrowed from the path */
	size_t n;
} nz_route_match;

/* Finds the route for method and path: NZ_OK, NZ_NOTFOUND (no pattern matches the path), or
 * NZ_METHOD (a pattern matches but not for this method: answer 405 with *allow, e.g.
 * "GET, HEAD", in a static buffer). Routes are tried in order. */
nz_rc nz_router_match(const nz_route *routes, size_t n, const char *method, const char *path,
		      nz_route_match *m, const char **allow);
/* The capture called name, or an empty slice. */
nz_str nz_route_param(const nz_route_match *m, const char *name);

#endif
