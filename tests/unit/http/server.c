/*
 * Tests for http/server: a real server on 127.0.0.1 (port 0) with a tiny handler, spoken to over
 * real sockets with hand-written HTTP/1.1 requests. Covers bodies and headers, HEAD,
 * keep-alive, query and path decoding, the 400/413/414/501 checks, uploads, per-thread
 * contexts and graceful stops.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "http/http.h"

/* ---- the application under test ---------------------------------------------------------- */

typedef struct app {
	atomic_int inits;
	atomic_int dones;
	atomic_int handled;
} app;

/* thread_done gets only the context: the app it counts in is reached through this. */
static app *current_app;

static void *ctx_init(void *a)
{
	app *ap = a;
	int n = atomic_fetch_add(&ap->inits, 1) + 1;
	char *ctx = malloc(32);
	if (ctx)
		snprintf(ctx, 32, "ctx-%d", n);
	return ctx;
}

static void ctx_done(void *ctx)
{
	atomic_fetch_add(&current_app->dones, 1);
	free(ctx);
}

static void sleep_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
	nanosleep(&ts, NULL);
}

static const char *or_null(const char *s)
{
	return s ? s : "(null)";
}

/* /gate holds its thread until the test opens the gate (at most 5 s). */
static atomic_bool gate_open, gate_entered;

static void pass_gate(void)
{
	atomic_store(&gate_entered, true);
	for (int i = 0; i < 5000 && !atomic_load(&gate_open); i++)
		sleep_ms(1);
}

/* The quick step of the servers with render workers: answers /quick on the event thread. */
static bool quick(void *a, nz_http_req *req, nz_http_resp *resp)
{
	(void)a;
	if (strcmp(req->path, "/quick") != 0)
		return false;
	resp->content_type = "text/plain; charset=utf-8";
	nz_buf_printf(&resp->body, "quick ctx=%s", req->thread_ctx ? "set" : "none");
	return true;
}

static void handler(void *a, nz_http_req *req, nz_http_resp *resp)
{
	app *ap = a;
	atomic_fetch_add(&ap->handled, 1);
	resp->content_type = "text/plain; charset=utf-8";
	if (strcmp(req->path, "/gate") == 0) {
		pass_gate();
		nz_buf_puts(&resp->body, "gate passed");
	} else if (strcmp(req->path, "/hello") == 0) {
		nz_buf_puts(&resp->body, "hello, world\n");
	} else if (strncmp(req->path, "/echo", 5) == 0) {
		nz_buf_printf(&resp->body, "method=%s path=%s query=%s len=%zu body=%s",
			      req->method, req->path, req->query, req->body_len, req->body);
	} else if (strcmp(req->path, "/q") == 0) {
		nz_buf_printf(&resp->body, "q=[%s] x=[%s] flag=[%s] missing=[%s]",
			      or_null(nz_http_query(req, "q")), or_null(nz_http_query(req, "x")),
			      or_null(nz_http_query(req, "flag")),
			      or_null(nz_http_query(req, "missing")));
	} else if (strcmp(req->path, "/slow") == 0) {
		sleep_ms(300);
		nz_buf_puts(&resp->body, "slow done");
	} else if (strcmp(req->path, "/ctx") == 0) {
		nz_buf_puts(&resp->body, req->thread_ctx ? (const char *)req->thread_ctx : "none");
	} else if (strcmp(req->path, "/empty") == 0) {
		resp->content_type = NULL;
	} else if (strcmp(req->path, "/static") == 0) {
		static const char text[] = "body { color: black }\n";
		resp->content_type = "text/css";
		resp->static_body = text;
		resp->static_len = sizeof text - 1;
		nz_http_resp_header(resp, "Cache-Control", "max-age=60");
		nz_http_resp_header(resp, "X-Test", "yes");
	} else if (strcmp(req->path, "/cookie") == 0) {
		nz_buf_printf(
		    &resp->body, "sid=%s theme=%s none=%s", or_null(nz_http_cookie(req, "sid")),
		    or_null(nz_http_cookie(req, "theme")), or_null(nz_http_cookie(req, "si")));
		nz_http_set_cookie(resp, req->arena, "sid", "new", 600, true);
	} else if (strcmp(req->path, "/ua") == 0) {
		nz_buf_printf(&resp->body, "ua=%s none=%s",
			      or_null(nz_http_header(req, "user-agent")),
			      or_null(nz_http_header(req, "X-Absent")));
	} else {
		resp->status = 404;
		nz_buf_printf(&resp->body, "not found: %s", req->path);
	}
}

typedef struct fixture {
	app app;
	nz_http_server *srv;
} fixture;

static int start(void **state, unsigned threads, unsigned workers)
{
	fixture *f = calloc(1, sizeof *f);
	nz_http_opts opts = {.host = "127.0.0.1",
			     .port = 0,
			     .threads = threads,
			     .workers = workers,
			     .quick = workers ? quick : NULL,
			     .timeout_s = 10,
			     .max_body = 64,
			     .max_url = 200,
			     .thread_init = ctx_init,
			     .thread_done = ctx_done};
	nz_err err = {0};
	if (!f)
		return -1;
	current_app = &f->app;
	if (nz_http_start(&opts, handler, &f->app, &f->srv, &err) != NZ_OK) {
		fprintf(stderr, "start: %s\n", err.msg);
		free(f);
		return -1;
	}
	atomic_store(&gate_open, false);
	atomic_store(&gate_entered, false);
	*state = f;
	return 0;
}

static int setup(void **state)
{
	return start(state, 2, 0);
}

/* Handlers on two render workers behind one event thread. */
static int setup_workers(void **state)
{
	return start(state, 1, 2);
}

static int teardown(void **state)
{
	fixture *f = *state;
	nz_http_stop(f->srv);
	free(f);
	return 0;
}

/* ---- a tiny HTTP client ------------------------------------------------------------------ */

typedef struct client {
	int fd;
	char buf[256 * 1024];
	size_t len;
} client;

typedef struct response {
	int status;
	char head[8192];
	char body[128 * 1024];
	size_t body_len;
} response;

static client *client_open(unsigned port)
{
	client *c = calloc(1, sizeof *c);
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
	struct timeval tv = {5, 0};

	assert_non_null(c);
	inet_pton(AF_INET, "127.0.0.1", &sa.sin_addr);
	c->fd = socket(AF_INET, SOCK_STREAM, 0);
	assert_true(c->fd >= 0);
	setsockopt(c->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	if (connect(c->fd, (struct sockaddr *)&sa, sizeof sa) != 0) {
		close(c->fd);
		free(c);
		return NULL;
	}
	return c;
}

static void client_close(client *c)
{
	if (c) {
		close(c->fd);
		free(c);
	}
}

static void client_send(client *c, const char *data, size_t len)
{
	while (len > 0) {
		ssize_t n = send(c->fd, data, len, MSG_NOSIGNAL);
		assert_true(n > 0);
		data += n;
		len -= (size_t)n;
	}
}

static void client_sends(client *c, const char *s)
{
	client_send(c, s, strlen(s));
}

/* Reads more bytes into c->buf; false on EOF, error or timeout. */
static bool client_fill(client *c)
{
	if (c->len == sizeof c->buf)
		return false;
	ssize_t n = recv(c->fd, c->buf + c->len, sizeof c->buf - c->len, 0);
	if (n <= 0)
		return false;
	c->len += (size_t)n;
	return true;
}

/* The value of header name in a response head, or NULL. */
static const char *header(const response *r, const char *name, char *out, size_t size)
{
	size_t nlen = strlen(name);
	for (const char *p = strstr(r->head, "\r\n"); p; p = strstr(p + 2, "\r\n")) {
		if (strncasecmp(p + 2, name, nlen) == 0 && p[2 + nlen] == ':') {
			const char *v = p + 3 + nlen;
			while (*v == ' ')
				v++;
			size_t vlen = strcspn(v, "\r\n");
			if (vlen >= size)
				vlen = size - 1;
			memcpy(out, v, vlen);
			out[vlen] = '\0';
			return out;
		}
	}
	return NULL;
}

/* Reads one response; a HEAD response has no body whatever its Content-Length says. Returns
 * false when the connection closed before a whole response arrived. */
static bool client_read(client *c, bool head_request, response *r)
{
	char *end;
	char cl[32];

	memset(r, 0, sizeof *r);
	while (!(end = memmem(c->buf, c->len, "\r\n\r\n", 4)))
		if (!client_fill(c))
			return false;
	size_t head_len = (size_t)(end - c->buf) + 2;
	assert_true(head_len < sizeof r->head);
	memcpy(r->head, c->buf, head_len);
	r->head[head_len] = '\0';
	assert_int_equal(sscanf(r->head, "HTTP/1.1 %d", &r->status), 1);
	size_t body_len = 0;
	if (!head_request && header(r, "Content-Length", cl, sizeof cl))
		body_len = strtoul(cl, NULL, 10);
	size_t need = head_len + 2 + body_len;
	assert_true(body_len < sizeof r->body);
	while (c->len < need)
		if (!client_fill(c))
			return false;
	memcpy(r->body, c->buf + head_len + 2, body_len);
	r->body_len = body_len;
	memmove(c->buf, c->buf + need, c->len - need);
	c->len -= need;
	return true;
}

/* One request on a fresh connection. */
static void fetch(fixture *f, const char *request, bool head_request, response *r)
{
	client *c = client_open(nz_http_port(f->srv));
	assert_non_null(c);
	client_sends(c, request);
	assert_true(client_read(c, head_request, r));
	client_close(c);
}

static void get(fixture *f, const char *target, response *r)
{
	char req[4096];
	snprintf(req, sizeof req, "GET %s HTTP/1.1\r\nHost: localhost\r\n\r\n", target);
	fetch(f, req, false, r);
}

/* ---- tests ------------------------------------------------------------------------------- */

static response resp1, resp2;

static void test_get_body_and_headers(void **state)
{
	fixture *f = *state;
	char v[128];
	get(f, "/hello", &resp1);
	assert_int_equal(resp1.status, 200);
	assert_int_equal(resp1.body_len, 13);
	assert_memory_equal(resp1.body, "hello, world\n", 13);
	assert_string_equal(header(&resp1, "Content-Type", v, sizeof v),
			    "text/plain; charset=utf-8");
	assert_string_equal(header(&resp1, "Content-Length", v, sizeof v), "13");
	assert_string_equal(header(&resp1, "Server", v, sizeof v), "Newszone");
	assert_non_null(header(&resp1, "Date", v, sizeof v));
	assert_true(nz_http_port(f->srv) > 0);
}

static void test_head_has_no_body(void **state)
{
	fixture *f = *state;
	char v[128];
	client *c = client_open(nz_http_port(f->srv));
	assert_non_null(c);
	client_sends(c, "HEAD /hello HTTP/1.1\r\nHost: x\r\n\r\n");
	assert_true(client_read(c, true, &resp1));
	assert_int_equal(resp1.status, 200);
	assert_string_equal(header(&resp1, "Content-Length", v, sizeof v), "13");
	/* If any body bytes had followed, the next response on this connection would not parse. */
	client_sends(c, "GET /hello HTTP/1.1\r\nHost: x\r\n\r\n");
	assert_true(client_read(c, false, &resp2));
	assert_int_equal(resp2.status, 200);
	assert_memory_equal(resp2.body, "hello, world\n", 13);
	assert_int_equal(c->len, 0);
	client_close(c);
}

static void test_keep_alive(void **state)
{
	fixture *f = *state;
	char v[128];
	client *c = client_open(nz_http_port(f->srv));
	assert_non_null(c);
	for (int i = 0; i < 3; i++) {
		client_sends(c, "GET /hello HTTP/1.1\r\nHost: x\r\n\r\n");
		assert_true(client_read(c, false, &resp1));
		assert_int_equal(resp1.status, 200);
		const char *conn = header(&resp1, "Connection", v, sizeof v);
		assert_true(conn == NULL || strcasecmp(conn, "close") != 0);
	}
	/* Two pipelined requests are both answered, in order. */
	client_sends(
	    c, "GET /echo/1 HTTP/1.1\r\nHost: x\r\n\r\nGET /echo/2 HTTP/1.1\r\nHost: x\r\n\r\n");
	assert_true(client_read(c, false, &resp1));
	assert_true(client_read(c, false, &resp2));
	assert_non_null(strstr(resp1.body, "path=/echo/1 "));
	assert_non_null(strstr(resp2.body, "path=/echo/2 "));
	client_close(c);
	assert_int_equal(atomic_load(&f->app.handled), 5);
}

static void test_query_parsing(void **state)
{
	fixture *f = *state;
	get(f, "/q?q=%EA%B5%AD+%EB%B0%A9&x=a+b%2Bc&flag", &resp1);
	assert_int_equal(resp1.status, 200);
	assert_string_equal(resp1.body, "q=[국 방] x=[a b+c] flag=[] missing=[(null)]");
	/* A bad %-sequence in a value gives NULL; the raw query is passed on untouched. */
	get(f, "/q?q=%zz&x=1&x=2", &resp1);
	assert_string_equal(resp1.body, "q=[(null)] x=[1] flag=[(null)] missing=[(null)]");
	/* Only '&' separates parameters. */
	get(f, "/q?x=a;b&q=%2B", &resp1);
	assert_string_equal(resp1.body, "q=[+] x=[a;b] flag=[(null)] missing=[(null)]");
	get(f, "/echo?a=%EA%B5%AD+1&b", &resp1);
	assert_non_null(strstr(resp1.body, "query=a=%EA%B5%AD+1&b "));
	get(f, "/echo", &resp1);
	assert_non_null(strstr(resp1.body, "path=/echo query= len=0"));
}

static void test_hangul_path(void **state)
{
	fixture *f = *state;
	get(f, "/echo/%EA%B5%AD%EB%B0%A9/a+b%20c", &resp1);
	assert_int_equal(resp1.status, 200);
	assert_non_null(strstr(resp1.body, "path=/echo/국방/a+b c query="));
	get(f, "/%EC%97%86%EC%9D%8C", &resp1);
	assert_int_equal(resp1.status, 404);
	assert_string_equal(resp1.body, "not found: /없음");
}

static void test_bad_path_is_400(void **state)
{
	fixture *f = *state;
	int before = atomic_load(&f->app.handled);
	get(f, "/echo/%zz", &resp1);
	assert_int_equal(resp1.status, 400);
	get(f, "/echo/%E", &resp1);
	assert_int_equal(resp1.status, 400);
	get(f, "/echo/a%00b", &resp1);
	assert_int_equal(resp1.status, 400);
	get(f, "/echo/%C0%AF", &resp1); /* overlong '/' */
	assert_int_equal(resp1.status, 400);
	get(f, "/echo/%ED%A0%80", &resp1); /* a surrogate */
	assert_int_equal(resp1.status, 400);
	assert_int_equal(atomic_load(&f->app.handled), before);
	/* API paths get their error as JSON. */
	get(f, "/api/v1/articles/%zz", &resp1);
	assert_int_equal(resp1.status, 400);
	assert_non_null(strstr(resp1.body, "{\"error\":{\"code\":\"bad_request\""));
	/* The connection survives a 400. */
	client *c = client_open(nz_http_port(f->srv));
	assert_non_null(c);
	client_sends(c,
		     "GET /%zz HTTP/1.1\r\nHost: x\r\n\r\nGET /hello HTTP/1.1\r\nHost: x\r\n\r\n");
	assert_true(client_read(c, false, &resp1));
	assert_int_equal(resp1.status, 400);
	assert_true(client_read(c, false, &resp2));
	assert_int_equal(resp2.status, 200);
	client_close(c);
}

static void test_long_url_is_414(void **state)
{
	fixture *f = *state;
	char target[300];
	memset(target, 'a', sizeof target - 1);
	target[0] = '/';
	target[sizeof target - 1] = '\0';
	get(f, target, &resp1);
	assert_int_equal(resp1.status, 414);
	/* Exactly max_url (200) is fine. */
	target[200] = '\0';
	get(f, target, &resp1);
	assert_int_equal(resp1.status, 404);
	/* Far past what fits in the connection's memory, MHD itself refuses. */
	size_t huge = 200 * 1024;
	char *req = malloc(huge + 64);
	assert_non_null(req);
	memcpy(req, "GET /", 5);
	memset(req + 5, 'b', huge);
	strcpy(req + 5 + huge, " HTTP/1.1\r\nHost: x\r\n\r\n");
	client *c = client_open(nz_http_port(f->srv));
	assert_non_null(c);
	send(c->fd, req, strlen(req), MSG_NOSIGNAL);
	assert_true(client_read(c, false, &resp1));
	assert_int_equal(resp1.status, 414);
	client_close(c);
	free(req);
}

static void test_unknown_method_is_501(void **state)
{
	fixture *f = *state;
	fetch(f, "BREW /hello HTTP/1.1\r\nHost: x\r\n\r\n", false, &resp1);
	assert_int_equal(resp1.status, 501);
	fetch(f, "OPTIONS /hello HTTP/1.1\r\nHost: x\r\n\r\n", false, &resp1);
	assert_int_equal(resp1.status, 200);
}

static void test_cookies(void **state)
{
	fixture *f = *state;
	char v[256];
	fetch(f, "GET /cookie HTTP/1.1\r\nHost: x\r\nCookie: theme=dark; sid=abc_-1;x=y\r\n\r\n",
	      false, &resp1);
	assert_int_equal(resp1.status, 200);
	assert_string_equal(resp1.body, "sid=abc_-1 theme=dark none=(null)");
	assert_string_equal(header(&resp1, "Set-Cookie", v, sizeof v),
			    "sid=new; Path=/; Max-Age=600; HttpOnly; SameSite=Lax; Secure");
	get(f, "/cookie", &resp1);
	assert_string_equal(resp1.body, "sid=(null) theme=(null) none=(null)");
}

static void test_post_body_delivered(void **state)
{
	fixture *f = *state;
	fetch(
	    f,
	    "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n"
	    "Content-Length: 7\r\n\r\na=1&b=2",
	    false, &resp1);
	assert_int_equal(resp1.status, 200);
	assert_string_equal(resp1.body, "method=POST path=/echo query= len=7 body=a=1&b=2");
	/* A chunked body is refused before it is read (see test_framing_rules). */
	fetch(f,
	      "PUT /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
	      "3\r\n국\r\n3\r\nabc\r\n0\r\n\r\n",
	      false, &resp1);
	assert_int_equal(resp1.status, 411);
	/* Exactly max_body (64) is accepted. */
	char req[256], body[65];
	memset(body, 'z', 64);
	body[64] = '\0';
	snprintf(req, sizeof req, "PATCH /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 64\r\n\r\n%s",
		 body);
	fetch(f, req, false, &resp1);
	assert_int_equal(resp1.status, 200);
	assert_non_null(strstr(resp1.body, "len=64 body=zzzz"));
}

static void test_body_too_big_is_413(void **state)
{
	fixture *f = *state;
	char req[512], body[101];
	int before = atomic_load(&f->app.handled);
	memset(body, 'z', 100);
	body[100] = '\0';
	snprintf(req, sizeof req, "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n%s",
		 body);
	fetch(f, req, false, &resp1);
	assert_int_equal(resp1.status, 413);
	/* The connection is closed after it: the body is never read. */
	client *c = client_open(nz_http_port(f->srv));
	assert_non_null(c);
	client_sends(c, req);
	assert_true(client_read(c, false, &resp1));
	assert_int_equal(resp1.status, 413);
	char v[64];
	assert_string_equal(header(&resp1, "Connection", v, sizeof v), "close");
	client_close(c);
	get(f, "/hello", &resp2);
	assert_int_equal(resp2.status, 200);
	assert_int_equal(atomic_load(&f->app.handled), before + 1);
}

/* RFC 9112 framing: what MHD alone lets through is refused before the handler runs, on a
 * connection that is then closed. */
static void test_framing_rules(void **state)
{
	fixture *f = *state;
	static const struct {
		const char *head;
		int status;
	} cases[] = {
	    {"POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nContent-Length: 5\r\n\r\n"
	     "abcde",
	     400},
	    {"GET /hello HTTP/1.1\r\n\r\n", 400},
	    {"GET /hello HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400},
	    {"POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: xchunked\r\n\r\n", 501},
	    {"POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip, chunked\r\n\r\n", 501},
	    {"POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
	     "Content-Length: 3\r\n\r\nabc",
	     400},
	    {"POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
	     "FFFFFFFFFFFFFFFF\r\nabc",
	     411},
	};
	int before = atomic_load(&f->app.handled);
	char v[64];
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		fetch(f, cases[i].head, false, &resp1);
		assert_int_equal(resp1.status, cases[i].status);
		assert_string_equal(header(&resp1, "Connection", v, sizeof v), "close");
	}
	assert_int_equal(atomic_load(&f->app.handled), before);
	/* What stays allowed: the same Content-Length twice, HTTP/1.0 without Host. */
	fetch(f,
	      "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nContent-Length: 3\r\n\r\n"
	      "abc",
	      false, &resp1);
	assert_int_equal(resp1.status, 200);
	fetch(f, "GET /hello HTTP/1.0\r\n\r\n", false, &resp1);
	assert_int_equal(resp1.status, 200);
}

static void test_empty_and_static_responses(void **state)
{
	fixture *f = *state;
	char v[128];
	get(f, "/empty", &resp1);
	assert_int_equal(resp1.status, 200);
	assert_string_equal(header(&resp1, "Content-Length", v, sizeof v), "0");
	assert_null(header(&resp1, "Content-Type", v, sizeof v));
	get(f, "/static", &resp1);
	assert_int_equal(resp1.status, 200);
	assert_string_equal(resp1.body, "body { color: black }\n");
	assert_string_equal(header(&resp1, "Content-Type", v, sizeof v), "text/css");
	assert_string_equal(header(&resp1, "Cache-Control", v, sizeof v), "max-age=60");
	assert_string_equal(header(&resp1, "X-Test", v, sizeof v), "yes");
	fetch(f, "GET /ua HTTP/1.1\r\nHost: x\r\nUser-Agent: tester/1.0\r\n\r\n", false, &resp1);
	assert_string_equal(resp1.body, "ua=tester/1.0 none=(null)");
}

static void test_resp_header_limit(void **state)
{
	(void)state;
	nz_http_resp resp = {0};
	for (int i = 0; i < NZ_HTTP_MAX_HEADERS; i++)
		assert_int_equal(nz_http_resp_header(&resp, "X-A", "b"), NZ_OK);
	assert_int_equal(nz_http_resp_header(&resp, "X-A", "b"), NZ_TOOBIG);
	assert_int_equal(resp.n_headers, NZ_HTTP_MAX_HEADERS);
}

static void test_thread_init(void **state)
{
	fixture *f = *state;
	for (int i = 0; i < 8; i++) {
		get(f, "/ctx", &resp1);
		assert_int_equal(resp1.status, 200);
		assert_memory_equal(resp1.body, "ctx-", 4);
	}
	int inits = atomic_load(&f->app.inits);
	assert_true(inits >= 1 && inits <= 2);
	nz_http_stop(f->srv);
	f->srv = NULL;
	assert_int_equal(atomic_load(&f->app.dones), inits);
}

typedef struct slow_client {
	unsigned port;
	response resp;
	bool ok;
} slow_client;

static void test_graceful_stop(void **state)
{
	fixture *f = *state;
	unsigned port = nz_http_port(f->srv);
	/* An idle keep-alive connection must not hold the stop up. */
	client *idle = client_open(port);
	assert_non_null(idle);
	client_sends(idle, "GET /hello HTTP/1.1\r\nHost: x\r\n\r\n");
	assert_true(client_read(idle, false, &resp1));
	/* A request being answered when the stop comes is finished. */
	client *busy = client_open(port);
	assert_non_null(busy);
	client_sends(busy, "GET /slow HTTP/1.1\r\nHost: x\r\n\r\n");
	sleep_ms(100);
	nz_http_stop_request(f->srv);
	nz_http_wait(f->srv);
	assert_true(client_read(busy, false, &resp2));
	assert_int_equal(resp2.status, 200);
	assert_string_equal(resp2.body, "slow done");
	/* Afterwards the idle connection is closed and nobody listens. */
	assert_false(client_fill(idle));
	client *late = client_open(port);
	assert_null(late);
	client_close(idle);
	client_close(busy);
}

static void test_sigterm_stops(void **state)
{
	fixture *f = *state;
	unsigned port = nz_http_port(f->srv);
	/* The signal may come before nz_http_wait runs; it is not lost. */
	raise(SIGTERM);
	nz_http_wait(f->srv);
	assert_null(client_open(port));
	nz_http_stop(f->srv);
	f->srv = NULL;
	/* Once stopped, the server no longer holds SIGTERM: the old disposition is back. */
	struct sigaction sa;
	sigaction(SIGTERM, NULL, &sa);
	assert_ptr_equal(sa.sa_handler, SIG_DFL);
}

static void test_start_errors(void **state)
{
	fixture *f = *state;
	nz_http_server *srv = NULL;
	nz_err err = {0};
	nz_http_opts opts = {.host = "not an address"};
	assert_int_equal(nz_http_start(&opts, handler, &f->app, &srv, &err), NZ_INVAL);
	assert_null(srv);
	assert_non_null(strstr(err.msg, "not an address"));
	/* The port the fixture holds is taken. */
	opts.host = "127.0.0.1";
	opts.port = nz_http_port(f->srv);
	assert_int_equal(nz_http_start(&opts, handler, &f->app, &srv, &err), NZ_IO);
	assert_null(srv);
	assert_non_null(strstr(err.msg, "127.0.0.1"));
	nz_http_stop(NULL);
}

/* ---- render workers ---------------------------------------------------------------------- */

/* Sends GET /gate on a new connection and waits until the handler holds its worker. */
static client *hold_a_worker(fixture *f)
{
	client *c = client_open(nz_http_port(f->srv));
	assert_non_null(c);
	client_sends(c, "GET /gate HTTP/1.1\r\nHost: x\r\n\r\n");
	for (int i = 0; i < 5000 && !atomic_load(&gate_entered); i++)
		sleep_ms(1);
	assert_true(atomic_load(&gate_entered));
	return c;
}

static void test_quick_answers_beside_a_slow_request(void **state)
{
	fixture *f = *state;
	client *slow = hold_a_worker(f);
	/* The one event thread still answers what the quick step knows, and the other worker
	 * the rest, while the first request is held. */
	get(f, "/quick", &resp1);
	assert_int_equal(resp1.status, 200);
	assert_string_equal(resp1.body, "quick ctx=none");
	get(f, "/hello", &resp1);
	assert_string_equal(resp1.body, "hello, world\n");
	assert_false(atomic_load(&gate_open));
	atomic_store(&gate_open, true);
	assert_true(client_read(slow, false, &resp2));
	assert_int_equal(resp2.status, 200);
	assert_string_equal(resp2.body, "gate passed");
	/* The held connection is kept alive and serves again. */
	client_sends(slow, "GET /ctx HTTP/1.1\r\nHost: x\r\n\r\n");
	assert_true(client_read(slow, false, &resp2));
	assert_memory_equal(resp2.body, "ctx-", 4);
	client_close(slow);
}

static void test_client_gone_while_queued(void **state)
{
	fixture *f = *state;
	client *slow1 = hold_a_worker(f);
	atomic_store(&gate_entered, false);
	client *slow2 = hold_a_worker(f); /* both workers held */
	/* Queued behind them, then gone before its answer is made. */
	client *gone = client_open(nz_http_port(f->srv));
	assert_non_null(gone);
	client_sends(gone, "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc");
	sleep_ms(50);
	client_close(gone);
	atomic_store(&gate_open, true);
	assert_true(client_read(slow1, false, &resp1));
	assert_true(client_read(slow2, false, &resp2));
	assert_string_equal(resp2.body, "gate passed");
	get(f, "/hello", &resp1);
	assert_int_equal(resp1.status, 200);
	client_close(slow1);
	client_close(slow2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_get_body_and_headers, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_head_has_no_body, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_keep_alive, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_query_parsing, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_hangul_path, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_bad_path_is_400, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_long_url_is_414, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_unknown_method_is_501, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_cookies, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_post_body_delivered, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_body_too_big_is_413, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_framing_rules, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_empty_and_static_responses, setup, teardown),
	    cmocka_unit_test(test_resp_header_limit),
	    cmocka_unit_test_setup_teardown(test_thread_init, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_graceful_stop, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_sigterm_stops, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_start_errors, setup, teardown),
	    /* the same with render workers */
	    cmocka_unit_test_setup_teardown(test_get_body_and_headers, setup_workers, teardown),
	    cmocka_unit_test_setup_teardown(test_head_has_no_body, setup_workers, teardown),
	    cmocka_unit_test_setup_teardown(test_keep_alive, setup_workers, teardown),
	    cmocka_unit_test_setup_teardown(test_post_body_delivered, setup_workers, teardown),
	    cmocka_unit_test_setup_teardown(test_body_too_big_is_413, setup_workers, teardown),
	    cmocka_unit_test_setup_teardown(test_framing_rules, setup_workers, teardown),
	    cmocka_unit_test_setup_teardown(test_empty_and_static_responses, setup_workers,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_thread_init, setup_workers, teardown),
	    cmocka_unit_test_setup_teardown(test_graceful_stop, setup_workers, teardown),
	    cmocka_unit_test_setup_teardown(test_quick_answers_beside_a_slow_request, setup_workers,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_client_gone_while_queued, setup_workers, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
