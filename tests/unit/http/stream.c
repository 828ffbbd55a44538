/*
 * Tests for http/stream: event streams on a real server on 127.0.0.1 (port 0), read over real
 * sockets. What is published to a topic reaches its open streams (and only theirs), ids a
 * stream already has are skipped, an end ends the response, the limit refuses streams past it,
 * the heartbeat reaches an idle stream, and a stop with suspended streams ends them promptly.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "http/http.h"

typedef struct fixture {
	nz_http_streams *hub;
	nz_http_server *srv;
} fixture;

/* GET /s/<topic>?last=N opens a stream on topic that has seen ids up to N. */
static void handler(void *app, nz_http_req *req, nz_http_resp *resp)
{
	fixture *f = app;
	nz_http_stream *s = NULL;
	const char *last = nz_http_query(req, "last");
	if (strncmp(req->path, "/s/", 3) != 0 ||
	    nz_http_stream_open(f->hub, req->path + 3, last ? atoll(last) : 0, &s) != NZ_OK) {
		resp->status = 503;
		nz_buf_puts(&resp->body, "no stream\n");
		return;
	}
	nz_http_stream_write(s, 0, "open\n\n", 6);
	resp->stream = s;
	resp->content_type = "text/event-stream";
}

static int start(fixture *f, unsigned heartbeat_s, size_t max)
{
	nz_err err = {0};
	if (nz_http_streams_new(heartbeat_s, max, &f->hub, &err) != NZ_OK)
		return -1;
	nz_http_opts opts = {.host = "127.0.0.1", .threads = 2, .streams = f->hub};
	return nz_http_start(&opts, handler, f, &f->srv, &err) == NZ_OK ? 0 : -1;
}

static int setup(void **state)
{
	fixture *f = calloc(1, sizeof *f);
	if (!f || start(f, 0, 3) != 0)
		return -1;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fixture *f = *state;
	nz_http_stop(f->srv);
	nz_http_streams_free(f->hub);
	free(f);
	return 0;
}

/* A connection that asked for path; what it read so far. */
typedef struct reader {
	int fd;
	char buf[16384];
	size_t len;
} reader;

static void open_reader(reader *r, unsigned port, const char *path)
{
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
	struct timeval tv = {5, 0};
	char req[256];
	inet_pton(AF_INET, "127.0.0.1", &sa.sin_addr);
	memset(r, 0, sizeof *r);
	r->fd = socket(AF_INET, SOCK_STREAM, 0);
	assert_true(r->fd >= 0);
	setsockopt(r->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	assert_int_equal(connect(r->fd, (struct sockaddr *)&sa, sizeof sa), 0);
	int n = snprintf(req, sizeof req, "GET %s HTTP/1.1\r\nHost: t\r\n\r\n", path);
	assert_int_equal(write(r->fd, req, (size_t)n), n);
}

/* Reads until text has come (true) or the connection ends or times out (false). */
static bool read_until(reader *r, const char *text)
{
	while (!strstr(r->buf, text)) {
		ssize_t n = read(r->fd, r->buf + r->len, sizeof r->buf - 1 - r->len);
		if (n <= 0)
			return false;
		r->len += (size_t)n;
		r->buf[r->len] = '\0';
	}
	return true;
}

static void test_publish_reaches_the_topic_s_streams(void **state)
{
	fixture *f = *state;
	reader a, b;
	int64_t min_last = 0;
	open_reader(&a, nz_http_port(f->srv), "/s/article-1?last=5");
	open_reader(&b, nz_http_port(f->srv), "/s/article-2");
	assert_true(read_until(&a, "open\n\n"));
	assert_true(read_until(&b, "open\n\n"));
	assert_non_null(strstr(a.buf, "200 OK"));
	assert_non_null(strstr(a.buf, "text/event-stream"));
	assert_int_equal(nz_http_streams_count(f->hub), 2);
	assert_true(nz_http_streams_watched(f->hub, "article-1", &min_last));
	assert_int_equal(min_last, 5);
	assert_false(nz_http_streams_watched(f->hub, "article-3", &min_last));

	/* id 5 it has: skipped; id 6 is new; the other topic hears nothing */
	assert_int_equal(nz_http_streams_publish(f->hub, "article-1", 5, "old\n\n", 5, false), 0);
	assert_int_equal(nz_http_streams_publish(f->hub, "article-1", 6, "new\n\n", 5, false), 1);
	assert_true(read_until(&a, "new\n\n"));
	assert_null(strstr(a.buf, "old"));
	assert_int_equal(nz_http_streams_publish(f->hub, "article-2", 0, "two\n\n", 5, true), 1);
	assert_true(read_until(&b, "two\n\n"));
	assert_null(strstr(b.buf, "new"));
	assert_true(read_until(&b, "\r\n0\r\n\r\n")); /* the end: the last chunk */
	close(a.fd);
	close(b.fd);
}

static void test_the_limit_refuses_more_streams(void **state)
{
	fixture *f = *state;
	reader r[4];
	for (int i = 0; i < 3; i++) {
		open_reader(&r[i], nz_http_port(f->srv), "/s/t");
		assert_true(read_until(&r[i], "open\n\n"));
	}
	open_reader(&r[3], nz_http_port(f->srv), "/s/t");
	assert_true(read_until(&r[3], "no stream"));
	assert_non_null(strstr(r[3].buf, "503"));
	for (int i = 0; i < 4; i++)
		close(r[i].fd);
}

static void test_heartbeat_and_a_prompt_stop(void **state)
{
	(void)state;
	fixture f = {0};
	reader r;
	assert_int_equal(start(&f, 1, 0), 0);
	open_reader(&r, nz_http_port(f.srv), "/s/quiet");
	assert_true(read_until(&r, "open\n\n"));
	assert_true(read_until(&r, ": heartbeat\n\n")); /* within a second, while suspended */
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	nz_http_stop(f.srv); /* the stream is suspended: the stop ends it */
	clock_gettime(CLOCK_MONOTONIC, &t1);
	assert_true(t1.tv_sec - t0.tv_sec < 5);
	assert_true(read_until(&r, "\r\n0\r\n\r\n"));
	assert_int_equal(nz_http_streams_count(f.hub), 0);
	nz_http_streams_free(f.hub);
	close(r.fd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_publish_reaches_the_topic_s_streams, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_the_limit_refuses_more_streams, setup, teardown),
	    cmocka_unit_test(test_heartbeat_and_a_prompt_stop),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
