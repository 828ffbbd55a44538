/*
 * http/server: the HTTP server glue on libmicrohttpd (MHD). It turns MHD's callbacks into one
 * nz_http_req handed to one handler, and the handler's nz_http_resp into an MHD response.
 *
 * Request life cycle. MHD calls the URI log callback first with the raw request target
 * ("/search?q=%EA%B5%AD"); it creates the per-request state (an arena, the raw URI) and returns
 * it as the connection's request pointer. The access handler then runs several times: the first
 * call only marks the request as seen (queueing a response there counts as an "early response",
 * which makes MHD 0.9.75 close the connection: see NOTES.md), the middle calls collect the body,
 * and the last call (no more upload data) validates the request, runs the handler and queues
 * the response (with render workers: hands it to one and suspends the connection; one more call
 * after the resume queues the worker's answer). The completion callback frees the state after
 * the response went out, and an answer never queued with it.
 *
 * Checks on the request head (RFC 9112), answered at once on a connection then closed: two
 * different Content-Length fields, HTTP/1.1 without Host or with two → 400; a transfer coding
 * other than chunked → 501; Transfer-Encoding with Content-Length → 400; a chunked body → 411
 * (MHD would wait out a chunk of any declared size).
 * Checks before the handler runs: URL longer than max_url → 414; a method other than GET, HEAD,
 * POST, PUT, PATCH, DELETE, OPTIONS → 501; a bad %-escape, %00, invalid UTF-8 or a target that
 * is not an absolute path → 400; a body over max_body → 413 (at once, closing the connection,
 * when Content-Length already says so; after discarding the body otherwise). Requests under
 * /api/ get these errors as JSON, others as plain text. Headers larger than MHD's per-connection
 * memory are refused by MHD itself (431/413/414).
 *
 * The path is decoded before the handler (and the router) sees it, so "%2F" becomes a '/'.
 * nz_http_query splits the raw query on '&' only and decodes names and values on demand.
 *
 * Stopping: stop accepting (MHD_quiesce_daemon), end the event streams (stream.c), wait up to
 * DRAIN_MAX_MS for requests already under way to be answered, then stop MHD, which closes idle
 * keep-alive connections.
 *
 * Descriptors: each connection is one; the start raises the soft RLIMIT_NOFILE towards the hard
 * one when max_connections would not fit under it.
 *
 * Threads: MHD runs an epoll thread pool of opts.threads event threads. With opts.workers,
 * they answer only what opts.quick answers (the page cache) and the server's own errors; every
 * other request, once complete, goes to a render worker (workers.c) while its connection is
 * suspended, and the answer the worker kept in the request's state is queued when MHD calls the
 * access handler again after the resume. Without workers the handler runs on the event threads.
 * thread_init runs lazily on each handler thread's first request, thread_done for each at stop,
 * on the stopping thread. SIGTERM and SIGINT write to a self-pipe that nz_http_wait sleeps on; the
 * first running server owns those signals until it stops.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "http/http_int.h"

#define SERVER_NAME "Newszone"
/* On every response: browsers take the declared type (an upload is never sniffed into HTML). */
#define NOSNIFF_NAME "X-Content-Type-Options"
#define NOSNIFF_VALUE "nosniff"
/* How long a stop waits for requests already being answered. */
#define DRAIN_MAX_MS 10000

struct nz_http_server {
	struct MHD_Daemon *daemon;
	nz_http_opts opts; /* defaults filled in; host not kept */
	nz_http_handler handler;
	void *app;
	unsigned port;
	uint64_t id; /* tells this server's per-thread contexts from an earlier server's */
	int stop_pipe[2];
	MHD_socket listen_fd; /* after quiesce: ours to close once MHD has stopped */
	atomic_long inflight; /* requests between URI callback and completion */
	bool stopped;
	struct MHD_Response *oom_resp; /* 503 for a request whose state could not be made */
	pthread_mutex_t lock;          /* guards ctxs and log_msg */
	void **ctxs;                   /* every thread_init result, for thread_done */
	size_t n_ctxs, cap_ctxs;
	char log_msg[200];      /* MHD's last complaint, for a failed start */
	nz__http_cidr *proxies; /* opts.trusted_proxies, parsed */
	size_t n_proxies;
	nz__http_guard *guard;     /* per-address cap, head deadline, idle eviction (guard.c) */
	nz__http_workers *workers; /* NULL without opts.workers */
};

/* Per-request state: the request pointer MHD keeps for us between calls. */
typedef struct request {
	nz_http_server *srv;
	nz_arena *arena;
	char *raw_uri; /* NULL when longer than max_url */
	bool seen;     /* the access handler ran once */
	bool too_big;  /* the body passed max_body and is being discarded */
	bool nomem;
	nz_buf body;
	struct handed *handed; /* with a render worker, in arena; NULL once its answer is queued */
} request;

/* A request given to a render worker: the job, the request and the answer it made. Written by
 * the worker between suspend and resume only (workers.c). */
typedef struct handed {
	nz__http_job job;
	request *r;
	nz_http_req req;
	nz_http_resp resp;
	bool cancelled; /* the worker pool stopped before running it */
} handed;

/* Stands for "no state: answer 503" when the URI callback could not allocate. */
static char oom_marker;

static _Atomic uint64_t next_server_id = 1;
static _Thread_local uint64_t tl_server_id;
static _Thread_local void *tl_ctx;

/* The write end of the self-pipe of the server that owns SIGTERM/SIGINT, or -1. */
static volatile sig_atomic_t signal_fd = -1;
static struct sigaction old_sigterm, old_sigint;

static void on_signal(int sig)
{
	int saved = errno;
	char c = (char)sig;
	if (signal_fd >= 0) {
		ssize_t n = write(signal_fd, &c, 1);
		(void)n;
	}
	errno = saved;
}

static void log_mhd(void *cls, const char *fmt, va_list ap) NZ_PRINTF(2, 0);

static void log_mhd(void *cls, const char *fmt, va_list ap)
{
	nz_http_server *srv = cls;
	char msg[sizeof srv->log_msg];

	vsnprintf(msg, sizeof msg, fmt, ap);
	msg[strcspn(msg, "\r\n")] = '\0';
	pthread_mutex_lock(&srv->lock);
	memcpy(srv->log_msg, msg, sizeof msg);
	pthread_mutex_unlock(&srv->lock);
	NZ_LOG(NZ_LOG_DEBUG, "http", "libmicrohttpd: %s", msg);
}

/* ---- requests ---------------------------------------------------------------------------- */

const char *nz_http_header(const nz_http_req *req, const char *name)
{
	if (!req || !req->conn || !name)
		return NULL;
	return MHD_lookup_connection_value(req->conn, MHD_HEADER_KIND, name);
}

void nz_http_conn_stats_get(const nz_http_req *req, nz_http_conn_stats *out)
{
	const nz_http_server *srv = req ? req->server : NULL;
	nz__http_guard_stats gs = {0};
	if (srv && srv->guard)
		nz__http_guard_stats_get(srv->guard, &gs);
	*out = (nz_http_conn_stats){.open = gs.open,
				    .refused_per_address = gs.refused_per_address,
				    .timed_out = gs.timed_out,
				    .evicted = gs.evicted};
}

void nz__http_server_proxies(const nz_http_req *req, const nz__http_cidr **proxies, size_t *n)
{
	const nz_http_server *srv = req ? req->server : NULL;
	*proxies = srv ? srv->proxies : NULL;
	*n = srv ? srv->n_proxies : 0;
}

/* Decodes s[0..len) into a NUL-terminated copy in the arena. NZ_PARSE on a bad %-sequence
 * (including %00), NZ_NOMEM. */
static nz_rc decode_into(nz_arena *arena, const char *s, size_t len, bool plus_is_space, char **out,
			 size_t *out_len)
{
	nz_buf buf;
	nz_rc rc;

	nz_buf_init(&buf, len + 1);
	*out = NULL;
	rc = nz_url_decode(&buf, s, len, plus_is_space);
	if (rc != NZ_OK)
		goto out;
	*out = nz_arena_strndup(arena, nz_buf_cstr(&buf), buf.len);
	if (!*out)
		rc = NZ_NOMEM;
	if (out_len)
		*out_len = buf.len;
out:
	nz_buf_free(&buf);
	return rc;
}

/* True when the query parameter name raw[0..len) decodes to key. */
static bool name_is(nz_arena *arena, const char *raw, size_t len, const char *key)
{
	char *name = NULL;

	if (!memchr(raw, '%', len) && !memchr(raw, '+', len))
		return strlen(key) == len && memcmp(raw, key, len) == 0;
	return decode_into(arena, raw, len, true, &name, NULL) == NZ_OK && strcmp(name, key) == 0;
}

const char *nz_http_query(const nz_http_req *req, const char *key)
{
	const char *p = req && req->query ? req->query : "";

	if (!key)
		return NULL;
	while (*p) {
		size_t pair_len = strcspn(p, "&");
		const char *eq = memchr(p, '=', pair_len);
		size_t name_len = eq ? (size_t)(eq - p) : pair_len;

		if (pair_len > 0 && name_is(req->arena, p, name_len, key)) {
			const char *v = eq ? eq + 1 : p + pair_len;
			char *value = NULL;
			if (decode_into(req->arena, v, (size_t)(p + pair_len - v), true, &value,
					NULL) != NZ_OK)
				return NULL;
			return value;
		}
		p += pair_len;
		if (*p)
			p++;
	}
	return NULL;
}

nz_rc nz_http_resp_header(nz_http_resp *resp, const char *name, const char *value)
{
	if (!resp || !name || !value)
		return NZ_INVAL;
	if (resp->n_headers >= NZ_HTTP_MAX_HEADERS)
		return NZ_TOOBIG;
	resp->header_names[resp->n_headers] = name;
	resp->header_values[resp->n_headers] = value;
	resp->n_headers++;
	return NZ_OK;
}

/* ---- responses --------------------------------------------------------------------------- */

static bool is_api(const request *r)
{
	return r->raw_uri && strncmp(r->raw_uri, "/api/", 5) == 0;
}

/* Queues a response and drops our reference; MHD_NO closes the connection. */
static enum MHD_Result queue(struct MHD_Connection *conn, unsigned status,
			     struct MHD_Response *resp)
{
	enum MHD_Result ret;

	if (!resp)
		return MHD_NO;
	MHD_add_response_header(resp, "Server", SERVER_NAME);
	if (!MHD_get_response_header(resp, NOSNIFF_NAME))
		MHD_add_response_header(resp, NOSNIFF_NAME, NOSNIFF_VALUE);
	ret = MHD_queue_response(conn, status, resp);
	MHD_destroy_response(resp);
	return ret;
}

/* An error the server answers itself, before or instead of the handler. code is a short
 * machine word for the JSON form ("too_large"). */
static enum MHD_Result send_error(struct MHD_Connection *conn, const request *r, unsigned status,
				  const char *code, const char *message)
{
	char text[320];
	int n;

	if (r && is_api(r))
		n = snprintf(text, sizeof text,
			     "{\"error\":{\"code\":\"%s\",\"message\":\"%s\"}}\n", code, message);
	else
		n = snprintf(text, sizeof text, "%u %s\n", status, message);
	if (n < 0)
		return MHD_NO;
	if ((size_t)n >= sizeof text)
		n = (int)sizeof text - 1;
	struct MHD_Response *resp =
	    MHD_create_response_from_buffer((size_t)n, text, MHD_RESPMEM_MUST_COPY);
	if (!resp)
		return MHD_NO;
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE,
				r && is_api(r) ? "application/json" : "text/plain; charset=utf-8");
	return queue(conn, status, resp);
}

/* ---- prebuilt responses --------------------------------------------------------- */

struct nz_http_prebuilt {
	atomic_long refs;
	unsigned status;
	struct MHD_Response *mr; /* ours: one MHD reference, dropped with the last of refs */
};

nz_rc nz_http_prebuilt_new(const nz_http_resp *resp, const void *body, size_t len,
			   nz_http_prebuilt **out)
{
	nz_http_prebuilt *p = calloc(1, sizeof *p);
	char *copy = malloc(len ? len : 1);
	*out = NULL;
	if (!p || !copy)
		goto fail;
	if (len)
		memcpy(copy, body, len);
	p->mr = MHD_create_response_from_buffer_with_free_callback(len, copy, free);
	if (!p->mr)
		goto fail;
	copy = NULL; /* the response frees it */
	bool ok = MHD_add_response_header(p->mr, "Server", SERVER_NAME) == MHD_YES;
	if (!nz_http_resp_header_get(resp, NOSNIFF_NAME))
		ok = ok && MHD_add_response_header(p->mr, NOSNIFF_NAME, NOSNIFF_VALUE) == MHD_YES;
	if (resp->content_type)
		ok = ok && MHD_add_response_header(p->mr, MHD_HTTP_HEADER_CONTENT_TYPE,
						   resp->content_type) == MHD_YES;
	for (size_t i = 0; ok && i < resp->n_headers && i < NZ_HTTP_MAX_HEADERS; i++)
		ok = MHD_add_response_header(p->mr, resp->header_names[i],
					     resp->header_values[i]) == MHD_YES;
	if (!ok)
		goto fail;
	p->status = resp->status > 0 ? (unsigned)resp->status : MHD_HTTP_OK;
	atomic_init(&p->refs, 1);
	*out = p;
	return NZ_OK;
fail:
	if (p && p->mr)
		MHD_destroy_response(p->mr);
	free(copy);
	free(p);
	return NZ_NOMEM;
}

void nz_http_prebuilt_ref(nz_http_prebuilt *p)
{
	atomic_fetch_add_explicit(&p->refs, 1, memory_order_relaxed);
}

void nz_http_prebuilt_unref(nz_http_prebuilt *p)
{
	if (p && atomic_fetch_sub_explicit(&p->refs, 1, memory_order_acq_rel) == 1) {
		MHD_destroy_response(p->mr);
		free(p);
	}
}

/* Adds the handler's content type and headers to mr. */
static void add_headers(struct MHD_Response *mr, const request *r, const nz_http_resp *resp)
{
	if (resp->content_type)
		MHD_add_response_header(mr, MHD_HTTP_HEADER_CONTENT_TYPE, resp->content_type);
	for (size_t i = 0; i < resp->n_headers && i < NZ_HTTP_MAX_HEADERS; i++) {
		if (MHD_add_response_header(mr, resp->header_names[i], resp->header_values[i]) !=
		    MHD_YES)
			NZ_LOG(NZ_LOG_WARN, "http", "header %s refused on %s",
			       resp->header_names[i], r->raw_uri);
	}
}

/* An event stream (stream.c): a body of unknown length read from the stream as it is written;
 * MHD frees the stream with the response. */
static enum MHD_Result send_stream(struct MHD_Connection *conn, const request *r,
				   nz_http_resp *resp, unsigned status)
{
	nz_http_stream *s = resp->stream;
	nz_buf_free(&resp->body);
	struct MHD_Response *mr = MHD_create_response_from_callback(
	    MHD_SIZE_UNKNOWN, 4096, nz__http_stream_read, s, nz__http_stream_free);
	if (!mr) {
		nz__http_stream_free(s);
		return send_error(conn, r, 503, "unavailable", "Out of memory");
	}
	nz__http_stream_attach(s, conn);
	add_headers(mr, r, resp);
	return queue(conn, status, mr);
}

/* Turns the handler's answer into an MHD response; takes resp->body's bytes. */
static enum MHD_Result send_resp(struct MHD_Connection *conn, const request *r, nz_http_resp *resp)
{
	struct MHD_Response *mr;
	unsigned status = resp->status > 0 ? (unsigned)resp->status : MHD_HTTP_OK;

	if (resp->prebuilt) { /* MHD takes its own reference while it sends */
		enum MHD_Result ret =
		    MHD_queue_response(conn, resp->prebuilt->status, resp->prebuilt->mr);
		nz_http_prebuilt_unref(resp->prebuilt);
		nz_buf_free(&resp->body);
		return ret;
	}
	if (resp->stream)
		return send_stream(conn, r, resp, status);

	nz_rc rc = nz_buf_rc(&resp->body);
	if (rc != NZ_OK) {
		bool nomem = rc == NZ_NOMEM;
		nz_buf_free(&resp->body);
		NZ_LOG(NZ_LOG_ERROR, "http", "response to %s failed: %s", r->raw_uri,
		       nz_strerror(rc));
		return nomem ? send_error(conn, r, 503, "unavailable", "Out of memory")
			     : send_error(conn, r, 500, "internal", "Response too large");
	}
	if (resp->body.len > 0) {
		size_t len = 0;
		char *bytes = nz_buf_steal(&resp->body, &len);
		mr = MHD_create_response_from_buffer_with_free_callback(len, bytes, free);
		if (!mr)
			free(bytes);
	} else {
		const void *bytes = resp->static_body ? resp->static_body : "";
		size_t len = resp->static_body ? resp->static_len : 0;
		nz_buf_free(&resp->body);
		mr = MHD_create_response_from_buffer(len, (void *)bytes, MHD_RESPMEM_PERSISTENT);
	}
	if (!mr)
		return send_error(conn, r, 503, "unavailable", "Out of memory");
	add_headers(mr, r, resp);
	return queue(conn, status, mr);
}

/* ---- the access handler ------------------------------------------------------------------ */

/* The handler's per-thread context, made on this worker's first request. */
static void *thread_ctx(nz_http_server *srv)
{
	if (tl_server_id == srv->id)
		return tl_ctx;
	tl_server_id = srv->id;
	tl_ctx = srv->opts.thread_init ? srv->opts.thread_init(srv->app) : NULL;
	if (!tl_ctx || !srv->opts.thread_done)
		return tl_ctx;
	pthread_mutex_lock(&srv->lock);
	if (NZ_GROW(srv->ctxs, srv->n_ctxs + 1, srv->cap_ctxs) == NZ_OK)
		srv->ctxs[srv->n_ctxs++] = tl_ctx;
	else
		NZ_LOG(NZ_LOG_ERROR, "http", "out of memory: a thread context will not be closed");
	pthread_mutex_unlock(&srv->lock);
	return tl_ctx;
}

static bool method_known(const char *method)
{
	static const char *const known[] = {"GET",   "HEAD",   "POST",   "PUT",
					    "PATCH", "DELETE", "OPTIONS"};
	for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
		if (strcmp(method, known[i]) == 0)
			return true;
	return false;
}

unsigned nz__http_parse_target(nz_arena *arena, const char *raw_uri, nz_http_req *req,
			       const char **why)
{
	const char *q = strchr(raw_uri, '?');
	size_t path_len = q ? (size_t)(q - raw_uri) : strlen(raw_uri);
	char *path = NULL;
	size_t len = 0;

	req->query = q ? q + 1 : "";
	if (raw_uri[0] != '/') {
		*why = "The request target must be a path";
		return 400;
	}
	nz_rc rc = decode_into(arena, raw_uri, path_len, false, &path, &len);
	if (rc == NZ_NOMEM)
		return 503;
	if (rc != NZ_OK) {
		*why = "Bad %-escape in the path";
		return 400;
	}
	if (!nz_utf8_valid(path, len, NULL)) {
		*why = "The path is not valid UTF-8";
		return 400;
	}
	req->path = path;
	return 0;
}

/* Drops an answer that was never queued (the client left, or MHD stopped). */
static void resp_free(nz_http_resp *resp)
{
	nz_buf_free(&resp->body);
	nz_http_prebuilt_unref(resp->prebuilt);
	if (resp->stream)
		nz__http_stream_free(resp->stream);
	*resp = (nz_http_resp){0};
}

/* A render worker's job: the handler, on the request kept with it. */
static void run_job(nz__http_job *job, bool cancelled)
{
	handed *h = (handed *)(void *)((char *)job - offsetof(handed, job));
	nz_http_server *srv = h->r->srv;
	h->cancelled = cancelled;
	if (cancelled)
		return;
	h->req.thread_ctx = thread_ctx(srv);
	srv->handler(srv->app, &h->req, &h->resp);
}

/* With workers, what the quick step does not answer: to a worker (the connection suspended),
 * or when the workers are stopping, 503. */
static enum MHD_Result hand_off(nz_http_server *srv, request *r, struct MHD_Connection *conn,
				const nz_http_req *req)
{
	handed *h = nz_arena_alloc(r->arena, sizeof *h);
	if (!h)
		return send_error(conn, r, 503, "unavailable", "Out of memory");
	*h = (handed){.job = {.conn = conn, .run = run_job}, .r = r, .req = *req};
	nz_buf_init(&h->resp.body, 0);
	r->handed = h;
	if (nz__http_workers_submit(srv->workers, &h->job) == NZ_OK)
		return MHD_YES; /* suspended: on_access runs again after the worker resumes it */
	r->handed = NULL;
	return send_error(conn, r, 503, "unavailable", "The server is stopping");
}

/* The access handler's call after a worker resumed the connection: the worker's answer. */
static enum MHD_Result answer_handed(request *r, struct MHD_Connection *conn)
{
	handed *h = r->handed;
	nz_http_resp resp = h->resp;
	r->handed = NULL; /* the answer is sent from here on, or dropped */
	if (h->cancelled) {
		resp_free(&resp);
		return send_error(conn, r, 503, "unavailable", "The server is stopping");
	}
	return send_resp(conn, r, &resp);
}

static enum MHD_Result answer(nz_http_server *srv, request *r, struct MHD_Connection *conn,
			      const char *method)
{
	nz_http_req req = {.method = method, .arena = r->arena, .conn = conn, .server = srv};
	nz_http_resp resp = {0};
	const char *why = "Bad request";
	unsigned status;

	if (r->nomem)
		return send_error(conn, r, 503, "unavailable", "Out of memory");
	if (!r->raw_uri)
		return send_error(conn, r, 414, "uri_too_long", "URL too long");
	if (!method_known(method))
		return send_error(conn, r, 501, "unsupported_method",
				  "This server does not support that method");
	status = nz__http_parse_target(r->arena, r->raw_uri, &req, &why);
	if (status == 400)
		return send_error(conn, r, 400, "bad_request", why);
	if (status == 503 || r->nomem)
		return send_error(conn, r, 503, "unavailable", "Out of memory");
	if (r->too_big)
		return send_error(conn, r, 413, "too_large", "Request body too large");
	req.body = nz_buf_cstr(&r->body);
	req.body_len = r->body.len;
	nz_buf_init(&resp.body, 0);
	if (srv->workers) { /* the quick step here, the rest on a worker */
		if (srv->opts.quick && srv->opts.quick(srv->app, &req, &resp))
			return send_resp(conn, r, &resp);
		nz_buf_free(&resp.body);
		return hand_off(srv, r, conn, &req);
	}
	req.thread_ctx = thread_ctx(srv);
	srv->handler(srv->app, &req, &resp);
	return send_resp(conn, r, &resp);
}

/* What the header fields say about the framing of a request, counted over every field (MHD's
 * lookup only returns the first of several with one name). */
typedef struct head_fields {
	unsigned n_host, n_te;
	const char *content_length; /* the first one */
	bool cl_differ;             /* another Content-Length with a different value */
	bool te_other;              /* a transfer coding other than exactly "chunked" */
} head_fields;

static enum MHD_Result count_field(void *cls, enum MHD_ValueKind kind, const char *key,
				   const char *value)
{
	head_fields *h = cls;
	(void)kind;
	if (!key)
		return MHD_YES;
	if (strcasecmp(key, MHD_HTTP_HEADER_HOST) == 0)
		h->n_host++;
	else if (strcasecmp(key, MHD_HTTP_HEADER_CONTENT_LENGTH) == 0) {
		if (!h->content_length)
			h->content_length = value ? value : "";
		else if (strcmp(h->content_length, value ? value : "") != 0)
			h->cl_differ = true;
	} else if (strcasecmp(key, MHD_HTTP_HEADER_TRANSFER_ENCODING) == 0) {
		h->n_te++;
		if (!value || strcasecmp(value, "chunked") != 0)
			h->te_other = true;
	}
	return MHD_YES;
}

unsigned nz__http_check_framing(unsigned n_host, bool http11, const char *content_length,
				bool cl_differ, unsigned n_te, bool te_other, const char **why)
{
	if (cl_differ) {
		*why = "Two different Content-Length headers";
		return 400;
	}
	if (http11 && n_host == 0) {
		*why = "An HTTP/1.1 request needs a Host header";
		return 400;
	}
	if (n_host > 1) {
		*why = "More than one Host header";
		return 400;
	}
	if (n_te > 0 && te_other) {
		*why = "Only the chunked transfer coding is understood";
		return 501;
	}
	if (n_te > 0 && content_length) {
		*why = "Both Transfer-Encoding and Content-Length";
		return 400;
	}
	if (n_te > 0) {
		/* MHD 0.9.75 reads a chunk of any declared size (up to 2^64-1) and never tells
		 * the application that size, so an absurd chunk would hold the connection until
		 * the timeout. Browsers and API clients send Content-Length; RFC 9112 section 6.3
		 * lets a server ask for it. */
		*why = "Send the body with a Content-Length (chunked request bodies are refused)";
		return 411;
	}
	return 0;
}

/* RFC 9112 checks on the request head that MHD 0.9.75 does not make (it takes the first of two
 * Content-Length or Host fields, serves HTTP/1.1 without Host, and waits for a body it cannot
 * frame under an unknown transfer coding). 0 when the head is fine, else the status to answer
 * with *why set. */
static unsigned check_head(struct MHD_Connection *conn, const char *version, const char **why)
{
	head_fields h = {0};
	MHD_get_connection_values(conn, MHD_HEADER_KIND, count_field, &h);
	return nz__http_check_framing(h.n_host, version && strcmp(version, "HTTP/1.1") == 0,
				      h.content_length, h.cl_differ, h.n_te, h.te_other, why);
}

/* True when the declared Content-Length already passes max. */
static bool declared_too_big(struct MHD_Connection *conn, size_t max)
{
	const char *cl =
	    MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
	char *end = NULL;

	if (!cl)
		return false;
	errno = 0;
	unsigned long long n = strtoull(cl, &end, 10);
	return end != cl && (errno == ERANGE || n > max);
}

static void take_upload(request *r, const char *data, size_t size)
{
	size_t max = r->srv->opts.max_body;

	if (r->too_big || r->nomem)
		return;
	if (size > max || r->body.len > max - size) {
		r->too_big = true;
		nz_buf_free(&r->body);
		return;
	}
	if (nz_buf_append(&r->body, data, size) != NZ_OK)
		r->nomem = true;
}

static enum MHD_Result on_access(void *cls, struct MHD_Connection *conn, const char *url,
				 const char *method, const char *version, const char *upload_data,
				 size_t *upload_data_size, void **con_cls)
{
	nz_http_server *srv = cls;
	request *r = *con_cls;

	(void)url;
	if (!r) {
		*con_cls = &oom_marker;
		return MHD_YES;
	}
	if (*con_cls == &oom_marker) {
		if (*upload_data_size > 0) {
			*upload_data_size = 0;
			return MHD_YES;
		}
		return MHD_queue_response(conn, MHD_HTTP_SERVICE_UNAVAILABLE, srv->oom_resp);
	}
	if (!r->seen) {
		r->seen = true;
		nz__http_guard_head_done(srv->guard, conn);
		const char *why = NULL;
		unsigned bad = check_head(conn, version, &why);
		/* An early response: MHD answers it and closes the connection without reading
		 * a body whose framing cannot be trusted. */
		if (bad)
			return send_error(conn, r, bad,
					  bad == 501   ? "not_implemented"
					  : bad == 411 ? "length_required"
						       : "bad_request",
					  why);
		/* Refusing a body known to be too big before reading it is the one early
		 * response we want: MHD then closes the connection instead of reading it. */
		if (declared_too_big(conn, srv->opts.max_body))
			return send_error(conn, r, 413, "too_large", "Request body too large");
		return MHD_YES;
	}
	if (*upload_data_size > 0) {
		take_upload(r, upload_data, *upload_data_size);
		*upload_data_size = 0;
		return MHD_YES;
	}
	if (r->handed)
		return answer_handed(r, conn);
	return answer(srv, r, conn, method);
}

/* Runs before MHD parses the request line's target: makes the per-request state. */
static void *on_uri(void *cls, const char *uri, struct MHD_Connection *conn)
{
	nz_http_server *srv = cls;
	request *r = calloc(1, sizeof *r);

	(void)conn;
	if (!r)
		return NULL;
	r->srv = srv;
	r->arena = nz_arena_new();
	nz_buf_init(&r->body, srv->opts.max_body + 1);
	if (r->arena && strlen(uri) <= srv->opts.max_url) {
		r->raw_uri = nz_arena_strdup(r->arena, uri);
		if (!r->raw_uri)
			r->nomem = true;
	}
	if (!r->arena) {
		free(r);
		return NULL;
	}
	atomic_fetch_add(&srv->inflight, 1);
	return r;
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
			 enum MHD_RequestTerminationCode toe)
{
	nz_http_server *srv = cls;
	request *r = *con_cls;

	(void)toe;
	nz__http_guard_answered(srv->guard, conn);
	*con_cls = NULL;
	if (!r || (void *)r == (void *)&oom_marker)
		return;
	nz_buf_free(&r->body);
	if (r->handed) /* resumed, but closed before its answer was queued */
		resp_free(&r->handed->resp);
	nz_arena_free(r->arena);
	free(r);
	atomic_fetch_sub(&srv->inflight, 1);
}

/* ---- start and stop ---------------------------------------------------------------------- */

static void fill_defaults(nz_http_opts *o)
{
	if (!o->host || !*o->host)
		o->host = "127.0.0.1";
	if (!o->threads)
		o->threads = 2;
	if (!o->max_connections)
		o->max_connections = 1024;
	if (!o->timeout_s)
		o->timeout_s = 30;
	if (!o->max_body)
		o->max_body = (size_t)16 * 1024 * 1024;
	if (!o->max_url)
		o->max_url = 4096;
	if (o->max_connections < o->threads)
		o->max_connections = o->threads;
	if (!o->max_per_address)
		o->max_per_address = 256;
	if (!o->head_timeout_s)
		o->head_timeout_s = 10;
	if (o->workers > NZ_HTTP_WORKERS_MAX)
		o->workers = NZ_HTTP_WORKERS_MAX;
}

/* Room for max_connections sockets and the process's other descriptors. */
static void raise_fd_limit(unsigned max_connections)
{
	struct rlimit rl;
	rlim_t want = (rlim_t)max_connections + 256;
	if (getrlimit(RLIMIT_NOFILE, &rl) != 0 || rl.rlim_cur >= want)
		return;
	rl.rlim_cur = rl.rlim_max != RLIM_INFINITY && rl.rlim_max < want ? rl.rlim_max : want;
	if (setrlimit(RLIMIT_NOFILE, &rl) != 0 || rl.rlim_cur < want)
		NZ_LOG(NZ_LOG_WARN, "http",
		       "%u connections may not fit under the open-file limit (%llu)",
		       max_connections, (unsigned long long)rl.rlim_cur);
}

static nz_rc parse_host(const char *host, unsigned port, struct sockaddr_storage *sa,
			unsigned *flags, nz_err *err)
{
	struct sockaddr_in *in4 = (struct sockaddr_in *)sa;
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)sa;

	memset(sa, 0, sizeof *sa);
	if (strcmp(host, "localhost") == 0)
		host = "127.0.0.1";
	if (port > 65535)
		return nz_err_set(err, NZ_INVAL, "port %u is out of range", port);
	if (inet_pton(AF_INET, host, &in4->sin_addr) == 1) {
		in4->sin_family = AF_INET;
		in4->sin_port = htons((uint16_t)port);
		return NZ_OK;
	}
	if (inet_pton(AF_INET6, host, &in6->sin6_addr) == 1) {
		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons((uint16_t)port);
		*flags |= MHD_USE_IPv6;
		return NZ_OK;
	}
	return nz_err_set(err, NZ_INVAL, "listen address \"%s\" is not an IP address", host);
}

static nz_rc parse_proxies(nz_http_server *srv, nz_err *err)
{
	size_t n = srv->opts.n_trusted_proxies;
	if (!n)
		return NZ_OK;
	srv->proxies = calloc(n, sizeof *srv->proxies);
	if (!srv->proxies)
		return nz_err_set(err, NZ_NOMEM, "out of memory");
	for (size_t i = 0; i < n; i++) {
		nz_rc rc = nz__http_cidr_parse(srv->opts.trusted_proxies[i], &srv->proxies[i], err);
		if (rc != NZ_OK)
			return rc;
	}
	srv->n_proxies = n;
	srv->opts.trusted_proxies = NULL; /* borrowed; parsed into proxies */
	return NZ_OK;
}

/* The first server to start receives SIGTERM and SIGINT on its self-pipe. */
static void claim_signals(nz_http_server *srv)
{
	struct sigaction sa;

	if (signal_fd >= 0)
		return;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	signal_fd = srv->stop_pipe[1];
	sigaction(SIGTERM, &sa, &old_sigterm);
	sigaction(SIGINT, &sa, &old_sigint);
}

static void release_signals(nz_http_server *srv)
{
	if (signal_fd != srv->stop_pipe[1] || signal_fd < 0)
		return;
	sigaction(SIGTERM, &old_sigterm, NULL);
	sigaction(SIGINT, &old_sigint, NULL);
	signal_fd = -1;
}

static void on_connection(void *cls, struct MHD_Connection *conn, void **socket_context,
			  enum MHD_ConnectionNotificationCode toe)
{
	nz_http_server *srv = cls;
	if (toe == MHD_CONNECTION_NOTIFY_STARTED)
		nz__http_guard_opened(srv->guard, conn, socket_context);
	else
		nz__http_guard_closed(srv->guard, socket_context);
}

static nz_rc start_guard(nz_http_server *srv, nz_err *err)
{
	unsigned max = srv->opts.max_connections;
	nz__http_guard_opts go = {
	    .max_per_address = srv->opts.max_per_address,
	    /* the reserve keeps room for new clients while the longest idle are closed */
	    .soft_limit = max - (max / 16 < 8 ? (max > 8 ? 8 : 0) : max / 16),
	    .head_timeout_s = srv->opts.head_timeout_s,
	    .proxies = srv->proxies,
	    .n_proxies = srv->n_proxies,
	};
	return nz__http_guard_new(&go, &srv->guard, err);
}

static struct MHD_Daemon *start_daemon(nz_http_server *srv, const struct sockaddr_storage *sa,
				       unsigned flags)
{
	/* URL and headers must fit in MHD's per-connection memory, with room to spare. */
	size_t memory = srv->opts.max_url * 2 + 32 * 1024;
	if (memory < 64 * 1024)
		memory = 64 * 1024;
	/* suspend/resume: event streams wait out of the event loop (stream.c) */
	flags |= MHD_USE_EPOLL_INTERNAL_THREAD | MHD_USE_ITC | MHD_ALLOW_SUSPEND_RESUME |
		 MHD_USE_ERROR_LOG;
	return MHD_start_daemon(
	    flags, 0, NULL, NULL, on_access, srv, MHD_OPTION_SOCK_ADDR, sa,
	    MHD_OPTION_THREAD_POOL_SIZE,
	    (unsigned int)(srv->opts.threads > 1 ? srv->opts.threads : 0),
	    MHD_OPTION_CONNECTION_LIMIT, (unsigned int)srv->opts.max_connections,
	    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)srv->opts.timeout_s,
	    MHD_OPTION_CONNECTION_MEMORY_LIMIT, memory, MHD_OPTION_URI_LOG_CALLBACK, on_uri, srv,
	    MHD_OPTION_NOTIFY_COMPLETED, on_completed, srv, MHD_OPTION_NOTIFY_CONNECTION,
	    on_connection, srv, MHD_OPTION_EXTERNAL_LOGGER, log_mhd, srv, MHD_OPTION_END);
}

nz_rc nz_http_start(const nz_http_opts *opts, nz_http_handler handler, void *app,
		    nz_http_server **out, nz_err *err)
{
	nz_http_server *srv = NULL;
	struct sockaddr_storage sa;
	unsigned flags = 0;
	nz_rc rc = NZ_OK;

	*out = NULL;
	if (!opts || !handler)
		return nz_err_set(err, NZ_INVAL, "no options or no handler");
	srv = calloc(1, sizeof *srv);
	if (!srv)
		return nz_err_set(err, NZ_NOMEM, "out of memory");
	srv->opts = *opts;
	fill_defaults(&srv->opts);
	srv->handler = handler;
	srv->app = app;
	srv->id = atomic_fetch_add(&next_server_id, 1);
	srv->stop_pipe[0] = srv->stop_pipe[1] = -1;
	srv->listen_fd = MHD_INVALID_SOCKET;
	atomic_init(&srv->inflight, 0);
	pthread_mutex_init(&srv->lock, NULL);
	rc = parse_host(srv->opts.host, srv->opts.port, &sa, &flags, err);
	if (rc != NZ_OK)
		goto out;
	srv->opts.host = NULL; /* borrowed from the caller; not needed after this */
	rc = parse_proxies(srv, err);
	if (rc == NZ_OK)
		rc = start_guard(srv, err);
	if (rc != NZ_OK)
		goto out;
	if (pipe2(srv->stop_pipe, O_CLOEXEC | O_NONBLOCK) != 0) {
		rc = nz_err_set(err, NZ_IO, "cannot make a pipe: %s", strerror(errno));
		goto out;
	}
	static const char busy[] = "503 Service Unavailable: out of memory\n";
	srv->oom_resp =
	    MHD_create_response_from_buffer(sizeof busy - 1, (void *)busy, MHD_RESPMEM_PERSISTENT);
	if (srv->oom_resp)
		MHD_add_response_header(srv->oom_resp, NOSNIFF_NAME, NOSNIFF_VALUE);
	if (!srv->oom_resp) {
		rc = nz_err_set(err, NZ_NOMEM, "out of memory");
		goto out;
	}
	if (srv->opts.workers) {
		rc = nz__http_workers_new(srv->opts.workers, &srv->workers, err);
		if (rc != NZ_OK)
			goto out;
	}
	raise_fd_limit(srv->opts.max_connections);
	srv->daemon = start_daemon(srv, &sa, flags);
	if (!srv->daemon) {
		rc = nz_err_set(err, NZ_IO, "cannot listen on %s port %u: %s", opts->host,
				opts->port,
				srv->log_msg[0] ? srv->log_msg : "libmicrohttpd failed to start");
		goto out;
	}
	const union MHD_DaemonInfo *info =
	    MHD_get_daemon_info(srv->daemon, MHD_DAEMON_INFO_BIND_PORT);
	srv->port = info ? info->port : opts->port;
	claim_signals(srv);
out:
	if (rc != NZ_OK) {
		nz_http_stop(srv);
		return rc;
	}
	*out = srv;
	return NZ_OK;
}

unsigned nz_http_port(const nz_http_server *srv)
{
	return srv ? srv->port : 0;
}

void nz_http_stop_request(nz_http_server *srv)
{
	if (srv && srv->stop_pipe[1] >= 0) {
		char c = 1;
		ssize_t n = write(srv->stop_pipe[1], &c, 1);
		(void)n;
	}
}

static void sleep_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

/* Stops accepting, lets requests already under way finish (up to DRAIN_MAX_MS), then stops MHD,
 * which closes idle keep-alive connections. */
static void stop_daemon(nz_http_server *srv)
{
	if (srv->stopped || !srv->daemon) {
		nz__http_workers_stop(srv->workers); /* a failed start */
		srv->workers = NULL;
		return;
	}
	srv->stopped = true;
	srv->listen_fd = MHD_quiesce_daemon(srv->daemon);
	nz__http_streams_shutdown(srv->opts.streams); /* open streams end; none is suspended */
	for (long waited = 0; atomic_load(&srv->inflight) > 0 && waited < DRAIN_MAX_MS; waited += 5)
		sleep_ms(5);
	/* no connection is suspended after this: queued renders are answered 503 */
	nz__http_workers_stop(srv->workers);
	srv->workers = NULL;
	MHD_stop_daemon(srv->daemon);
	srv->daemon = NULL;
	if (srv->listen_fd != MHD_INVALID_SOCKET)
		close(srv->listen_fd);
	srv->listen_fd = MHD_INVALID_SOCKET;
}

void nz_http_wait(nz_http_server *srv)
{
	struct pollfd pfd;
	char drain[64];

	if (!srv || srv->stop_pipe[0] < 0)
		return;
	pfd.fd = srv->stop_pipe[0];
	pfd.events = POLLIN;
	while (poll(&pfd, 1, -1) < 0 && errno == EINTR)
		;
	while (read(srv->stop_pipe[0], drain, sizeof drain) > 0)
		;
	NZ_LOG(NZ_LOG_INFO, "http", "stopping: finishing requests under way");
	stop_daemon(srv);
}

void nz_http_stop(nz_http_server *srv)
{
	if (!srv)
		return;
	stop_daemon(srv);
	release_signals(srv);
	for (size_t i = 0; i < srv->n_ctxs; i++)
		srv->opts.thread_done(srv->ctxs[i]);
	free(srv->ctxs);
	nz__http_guard_free(srv->guard); /* after MHD: every connection reported closed */
	free(srv->proxies);
	if (srv->oom_resp)
		MHD_destroy_response(srv->oom_resp);
	if (srv->stop_pipe[0] >= 0)
		close(srv->stop_pipe[0]);
	if (srv->stop_pipe[1] >= 0)
		close(srv->stop_pipe[1]);
	pthread_mutex_destroy(&srv->lock);
	free(srv);
}
