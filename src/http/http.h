/*
 * http: the HTTP server glue (libmicrohttpd) with its connection guard and client addresses,
 * the router, HTML form bodies, cookies, HTTP caching (ETag, 304, gzip/br, Surrogate-Key) and the
 * page cache. It knows requests and bytes,
 * never articles: it includes nothing but core/, and whatever the newsroom must say (which
 * Surrogate-Keys a page has, which ones a write changed) it says through plain strings. The
 * handlers in web/ are where HTTP meets the domain; they include this header.
 *
 * The server: epoll with a small pool of event threads, render workers for whatever the quick
 * step (the page cache) does not answer (workers.c), keep-alive (responses are queued on the second
 * call of the access handler, never the first: see NOTES.md), GET/HEAD/POST/PATCH/PUT/DELETE
 * parsed, HEAD answered as GET without a body, request limits (URL length, header size, body
 * size, connections, per-connection timeout) enforced with 414/413/400 before the handler
 * runs, Date and Content-Length set on every response, graceful shutdown on SIGTERM/SIGINT
 * (stop accepting, finish in-flight requests, return).
 */
#ifndef NZ_HTTP_H
#define NZ_HTTP_H

#include "core/compress.h"
#include "core/core.h"

typedef struct nz_http_req {
	const char *method; /* "GET", "HEAD", "POST", ... */
	const char *path;   /* percent-decoded, valid UTF-8, no query: "/article/국방" */
	const char *query;  /* raw query string without '?', "" when none */
	const char *body;   /* NUL-terminated copy of the request body; "" when none */
	size_t body_len;
	nz_arena *arena;    /* freed after the response is sent */
	void *conn;         /* internal */
	const void *server; /* internal */
	void *thread_ctx;   /* per worker thread, from nz_http_opts.thread_init */
	/* What the quick step (nz_http_opts.quick) left for the handler when it did not answer
	 * (in arena); NULL when none ran. */
	void *handoff;
} nz_http_req;

/* The value of query parameter key, decoded ('+' is a space); NULL when absent, and for an
 * invalid %-sequence. Allocated in req->arena. */
const char *nz_http_query(const nz_http_req *req, const char *key);
/* A request header (case-insensitive name) or NULL. Borrowed for the request's lifetime. */
const char *nz_http_header(const nz_http_req *req, const char *name);
/* The client's IP address as text ("127.0.0.1", "::1"), in req->arena; "unknown" when it cannot
 * be had. The socket's peer, unless that peer is a trusted proxy (nz_http_opts): then the
 * address it forwarded in X-Forwarded-For or Forwarded (client.c says how). */
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
	/* when set, the body is this event stream (nz_http_stream_open), sent as it is written
	 * until it ends; the server takes it. status, content_type and headers still apply. */
	struct nz_http_stream *stream;
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

/* Answers one request. Runs on a render worker (nz_http_opts.workers), or with none on an
 * event thread, where it must not block for long. */
typedef void (*nz_http_handler)(void *app, nz_http_req *req, nz_http_resp *resp);
/* The cheap answers (the page cache): runs on the event thread that read the request, before
 * it goes to a worker. True when it answered in resp; false to hand the request to the handler
 * (resp then untouched; req->handoff may carry what it found). req->thread_ctx is NULL here. */
typedef bool (*nz_http_quick)(void *app, nz_http_req *req, nz_http_resp *resp);

typedef struct nz_http_streams nz_http_streams;

#define NZ_HTTP_WORKERS_MAX 256

typedef struct nz_http_opts {
	const char *host; /* "127.0.0.1" */
	unsigned port;    /* 0: pick a free port; nz_http_port() tells which */
	unsigned threads; /* event threads (MHD's epoll pool), default 2 */
	/* Render workers: threads that run the handler for whatever quick does not answer, so a
	 * slow render never delays the other connections of an event thread (workers.c). 0: the
	 * handler runs on the event threads. */
	unsigned workers;
	nz_http_quick quick;      /* may be NULL: every request goes to the handler */
	unsigned max_connections; /* default 1024; past 15/16 of it the longest idle are closed */
	unsigned max_per_address; /* open connections from one address, default 256 */
	unsigned head_timeout_s;  /* longest wait for a complete request head, default 10 */
	unsigned timeout_s;       /* idle connection timeout, default 30 */
	size_t max_body;          /* bytes, default 16 MB */
	size_t max_url;           /* bytes, default 4096 */
	/* Peers whose X-Forwarded-For / Forwarded headers are believed: addresses or CIDR
	 * blocks ("127.0.0.1", "10.0.0.0/8"); a bad one fails nz_http_start. */
	const char *const *trusted_proxies;
	size_t n_trusted_proxies;
	/* Called once on each thread running the handler before its first request (a render
	 * worker, or an event thread without workers); the result is passed as
	 * req->thread_ctx. May be NULL. */
	void *(*thread_init)(void *app);
	void (*thread_done)(void *thread_ctx);
	/* The event streams this server sends (may be NULL): a stop ends them first. */
	nz_http_streams *streams;
} nz_http_opts;

typedef struct nz_http_server nz_http_server;

/* What the connection guard did (http/guard.c), for /metrics. */
typedef struct nz_http_conn_stats {
	size_t open;                  /* connections open now */
	uint64_t refused_per_address; /* closed at once: too many from one address */
	uint64_t timed_out;           /* closed: no complete request head in time */
	uint64_t evicted;             /* closed to make room near max_connections */
} nz_http_conn_stats;
/* The counters of the server answering req (zeros without one). */
void nz_http_conn_stats_get(const nz_http_req *req, nz_http_conn_stats *out);

nz_rc nz_http_start(const nz_http_opts *opts, nz_http_handler handler, void *app,
		    nz_http_server **out, nz_err *err);
unsigned nz_http_port(const nz_http_server *srv);
/* Blocks until SIGTERM or SIGINT arrives (or nz_http_stop_request is called), then stops the
 * server gracefully. */
void nz_http_wait(nz_http_server *srv);
void nz_http_stop_request(nz_http_server *srv); /* async-signal-safe */
void nz_http_stop(nz_http_server *srv);         /* stops and frees; NULL-safe */

/* ---- event streams (stream.c) ------------------------------------------------------------ */

/* Server-Sent Events and the like: responses that stay open and send what is published to
 * their topic, without a thread each while they wait (stream.c says how). The hub is made
 * before the server (nz_http_opts.streams) and freed after it stopped. Thread-safe. */
typedef struct nz_http_stream nz_http_stream;
/* With a thread that writes ": heartbeat" to every idle stream every heartbeat_s (0: 25), and
 * at most max streams open at once (0: no limit): a stream is never closed to make room for
 * other connections, so the limit keeps room for everyone else. */
nz_rc nz_http_streams_new(unsigned heartbeat_s, size_t max, nz_http_streams **out, nz_err *err);
void nz_http_streams_free(nz_http_streams *h); /* after the server stopped; NULL-safe */
/* A new stream on topic (one token, under NZ_HTTP_CACHE_KEY_MAX bytes) that has seen events up
 * to last_id: it receives what is published from now on. The handler writes its first bytes
 * and puts it in resp->stream; the server owns it from then on (a handler must always do so).
 * NZ_INVAL (bad topic), NZ_NOMEM, NZ_TOOBIG (max streams are open), NZ_UNSUPPORTED (the server
 * is stopping). */
nz_rc nz_http_stream_open(nz_http_streams *h, const char *topic, int64_t last_id,
			  nz_http_stream **out);
/* Appends bytes to one stream; id > 0 raises its last id. */
void nz_http_stream_write(nz_http_stream *s, int64_t id, const char *bytes, size_t len);
/* True when topic has streams; *min_last is then the lowest last id among them. */
bool nz_http_streams_watched(nz_http_streams *h, const char *topic, int64_t *min_last);
/* Sends bytes to every stream of topic (with id > 0: only those whose last id is lower, which
 * it raises); end: the streams end after it. Returns how many streams took it. */
size_t nz_http_streams_publish(nz_http_streams *h, const char *topic, int64_t id, const char *bytes,
			       size_t len, bool end);
/* Streams open now. */
size_t nz_http_streams_count(nz_http_streams *h);

/* ---- cookies (cookie.c) ----------------------------------------------------------------- */

/* The value of cookie name from the Cookie header, in req->arena; NULL when absent. */
const char *nz_http_cookie(const nz_http_req *req, const char *name);
/* Adds "Set-Cookie: name=value; Path=/; Max-Age=max_age; HttpOnly; SameSite=Lax" (and
 * "; Secure" when secure), the header in arena. NZ_NOMEM, NZ_TOOBIG (too many headers). */
nz_rc nz_http_set_cookie(nz_http_resp *resp, nz_arena *arena, const char *name, const char *value,
			 nz_time max_age, bool secure);

/* ---- HTTP caching (cache.c) ---------------------------------------------------------- */

/* What a handler tells the caching step about its response. Zero means "nothing said": no
 * Last-Modified, no Surrogate-Key. Filled through nz_http_cache_key/_modified. */
typedef struct nz_http_cache_info {
	nz_time last_modified; /* the newest content time the response shows */
	char *keys;            /* Surrogate-Key value: space-separated, in the request's arena */
	size_t keys_len, keys_cap;
	/* The application's own pages (a back office, operations): never public, whatever the
	 * headers say; the page cache neither serves nor keeps them. */
	bool private;
} nz_http_cache_info;

#define NZ_HTTP_CACHE_KEY_MAX 120 /* bytes per key, with its NUL */
/* Adds key (one token: no spaces or commas; a copy goes into arena) to info->keys unless it is
 * there. An empty, over-long or spaced key is ignored; so is one that memory cannot hold (a
 * missing key only costs a broader purge). */
void nz_http_cache_key(nz_http_cache_info *info, nz_arena *arena, const char *key);
/* Keeps the newest time given as the response's Last-Modified (0 is ignored). */
void nz_http_cache_modified(nz_http_cache_info *info, nz_time t);

/* A response header's value (case-insensitive name), or NULL. */
const char *nz_http_resp_header_get(const nz_http_resp *resp, const char *name);
/* Replaces the header called name, or adds it (value must live until the response is sent). */
nz_rc nz_http_resp_header_set(nz_http_resp *resp, const char *name, const char *value);

/* The caching step, run after the handler: for a 200 answer to GET or HEAD that is public
 * (not info->private, no Set-Cookie, no Cache-Control no-store or private) it adds ETag,
 * Last-Modified, a default Cache-Control, Vary and Surrogate-Key, answers 304 when the request's
 * validators match, and compresses text (br or gzip) when the client accepts it. Header strings go
 * into req->arena. NZ_NOMEM when they do not fit. */
nz_rc nz_http_cache_finish(const nz_http_req *req, nz_http_resp *resp,
			   const nz_http_cache_info *info);

/* The parts of the step that unit tests (and the page cache) drive directly. */
typedef struct nz_http_cache_req {
	const char *method;
	const char *if_none_match, *if_modified_since, *accept_encoding; /* NULL when absent */
	nz_time now;
} nz_http_cache_req;
/* The caching step on a response already made; header strings go into arena. */
nz_rc nz_http_cache_apply(const nz_http_cache_req *r, const nz_http_cache_info *info,
			  nz_http_resp *resp, nz_arena *arena);
/* True when an If-None-Match value (a list of entity tags, or "*") matches etag by the weak
 * comparison of RFC 9110 (W/ ignored on both sides). */
bool nz_http_etag_matches(const char *if_none_match, const char *etag);
/* True when an Accept-Encoding value allows gzip (named, or "*", with q > 0). */
bool nz_http_accepts_gzip(const char *accept_encoding);
/* The coding to send among available (a bit mask of 1 << nz_coding) for an Accept-Encoding
 * value (NULL: none): the one with the highest q > 0 ("*" stands for codings not named), Brotli
 * when br and gzip have the same q; identity when none is allowed. */
nz_coding nz_http_coding_pick(const char *accept_encoding, unsigned available);
/* True when a content type is text worth compressing. */
bool nz_http_compressible(const char *content_type);
#define NZ_HTTP_ETAG_MAX 40 /* "\"<32 hex>-gz\"" and the NUL */
/* The strong ETag of bytes: a quoted 16-byte BLAKE2b in hex, "-gz" appended for gzip, "-br"
 * for Brotli. */
void nz_http_etag_make(const void *data, size_t len, nz_coding coding, char out[NZ_HTTP_ETAG_MAX]);

/* ---- the page cache (pagecache.c) ----------------------------------------------------- */

/* The in-memory response cache: every public GET/HEAD answer that the caching step would let
 * anyone cache is kept (identity, gzip and Brotli bytes, their ETags and headers, ready-made 200
 * and 304 responses) under its path, normalised query and the caller's variant, and served before
 * routing: no handler, no database. Each entry remembers its Surrogate-Keys; the application
 * tells which keys a write affected (nz_http_pagecache_invalidate) and exactly those entries
 * go. Bounded by a byte limit with LRU eviction. Thread-safe (sharded locks).
 * docs/performance.md. */
typedef struct nz_http_pagecache nz_http_pagecache;

typedef struct nz_http_pagecache_opts {
	size_t limit_bytes; /* 0: no cache (nz_http_pagecache_new gives NULL) */
	unsigned ttl_s;     /* an entry's longest life (0: none) */
	/* Keys that drop every entry when invalidated (NULL-terminated; may be NULL). */
	const char *const *clear_keys;
} nz_http_pagecache_opts;

nz_rc nz_http_pagecache_new(const nz_http_pagecache_opts *opts, nz_http_pagecache **out,
			    nz_err *err);
/* Frees every entry (responses being sent keep their bytes); NULL-safe. */
void nz_http_pagecache_free(nz_http_pagecache *pc);

/* The cache's note on one request (in the request's arena). */
typedef struct nz_http_pagecache_note nz_http_pagecache_note;
/* First thing for a request: true when it was answered from the cache (a 200 or 304 in
 * resp->prebuilt). Otherwise *note says what to store later (NULL: nothing; also when pc is
 * NULL). The caller asks only for requests that are not private (nz_http_cache_info). variant: a
 * token that makes otherwise equal requests different pages (NULL: none). */
bool nz_http_pagecache_serve(nz_http_pagecache *pc, const nz_http_req *req, const char *variant,
			     nz_http_resp *resp, nz_http_pagecache_note **note);
/* After the handler and before the caching step: keeps the handler's own answer. */
void nz_http_pagecache_keep(nz_http_pagecache *pc, nz_http_pagecache_note *note,
			    const nz_http_req *req, const nz_http_resp *resp);
/* After the caching step: marks the answer X-Cache: MISS and stores it when it is public. */
void nz_http_pagecache_store(nz_http_pagecache *pc, const nz_http_pagecache_note *note,
			     const nz_http_req *req, nz_http_resp *resp,
			     const nz_http_cache_info *info);
/* Drops the entries carrying any of keys (one of opts.clear_keys: every entry); returns how
 * many went. Renders under way when it is called are not stored. */
size_t nz_http_pagecache_invalidate(nz_http_pagecache *pc, const char *const *keys, size_t n);
/* Drops every entry; returns how many went. */
size_t nz_http_pagecache_clear(nz_http_pagecache *pc);
/* From time at on, nothing is served from memory until this is called again with a later
 * time (pages that change by themselves when a time passes). INT64_MAX: no such time. */
void nz_http_pagecache_hold_from(nz_http_pagecache *pc, nz_time at);

/* Counters and sizes for /metrics and tests. */
typedef struct nz_http_pagecache_stats {
	uint64_t hits, misses, evictions, invalidations, stores;
	size_t bytes, entries, limit;
} nz_http_pagecache_stats;
void nz_http_pagecache_stats_get(nz_http_pagecache *pc, nz_http_pagecache_stats *out);
/* The cache key of a request: path, '?', the query's parameters in a stable order (empty ones
 * dropped), and "\n" + variant when there is one. False when it does not fit in size bytes
 * (such a request is not cached). For tests. */
bool nz_http_pagecache_key(const char *path, const char *query, const char *variant, char *out,
			   size_t size, size_t *len);

/* ---- HTML form bodies (form.c) -------------------------------------------------------- */

#define NZ_HTTP_FORM_MAX_FIELDS 2000 /* fields per form */
#define NZ_HTTP_FORM_MAX_NAME 200    /* bytes per field name */

/* One field of a submitted form. Text values are valid UTF-8 with line breaks as "\n"; a file
 * part (filename set, "" when the browser sent none) keeps its bytes exactly. value is always
 * NUL-terminated (a file's bytes may contain NULs: use len). All in the request's arena. */
typedef struct nz_http_form_field {
	const char *name;
	const char *value;
	size_t len;
	const char *filename; /* NULL for a text field */
	const char
	    *content_type; /* a part's declared type (never trusted for files); may be NULL */
} nz_http_form_field;

typedef struct nz_http_form {
	nz_http_form_field *fields; /* in the order sent */
	size_t n;
} nz_http_form;

/* Parses the request body by its Content-Type (urlencoded or multipart/form-data; an empty body
 * without a type is an empty form). NZ_UNSUPPORTED for another type, NZ_PARSE for a malformed
 * body, NZ_UTF8 for text that is not UTF-8, NZ_TOOBIG past the limits; err says which. */
nz_rc nz_http_form_parse(nz_http_req *req, nz_http_form *out, nz_err *err);
/* The same on a body and type given directly (for tests). */
nz_rc nz_http_form_parse_body(nz_arena *arena, const char *content_type, const char *body,
			      size_t len, nz_http_form *out, nz_err *err);
/* The first text value of name, or NULL. */
const char *nz_http_form_get(const nz_http_form *f, const char *name);
/* Every text value of name in order (an array in arena); returns how many. */
size_t nz_http_form_all(const nz_http_form *f, nz_arena *arena, const char *name,
			const char ***values);
/* The file part called name, or NULL (also when the file input was left empty). */
const nz_http_form_field *nz_http_form_file(const nz_http_form *f, const char *name);

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
