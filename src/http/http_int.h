/*
 * http/http_int.h: what the files of http/ share among themselves (the server glue, the
 * connection guard, client addresses) and what their tests and fuzz targets reach without a
 * running server. Nothing outside http/ includes it; handlers see http/http.h only.
 */
#ifndef NZ_HTTP_HTTP_INT_H
#define NZ_HTTP_HTTP_INT_H

#include <sys/types.h>

#include "http/http.h"

/* Fills req->path (percent-decoded into arena, checked) and req->query (raw, borrowed from
 * raw_uri) from the request target raw_uri. Returns 0 when the target is fine, else the HTTP
 * status to answer (400 with *why set, or 503 when out of memory). */
unsigned nz__http_parse_target(nz_arena *arena, const char *raw_uri, nz_http_req *req,
			       const char **why);

/* The RFC 9112 framing rules on what a request head's fields say: differing Content-Length
 * fields, a missing (HTTP/1.1) or repeated Host, a transfer coding other than chunked (501), or
 * Transfer-Encoding together with Content-Length; a chunked body is refused with 411 (see
 * server.c). 0 when fine, else the status with *why. */
unsigned nz__http_check_framing(unsigned n_host, bool http11, const char *content_length,
				bool cl_differ, unsigned n_te, bool te_other, const char **why);

/* ---- client addresses (client.c) ---- */

/* An address block: family AF_INET or AF_INET6, the address bytes, the prefix length. */
typedef struct nz__http_cidr {
	int family;
	unsigned char addr[16];
	unsigned bits;
} nz__http_cidr;

/* Parses "10.0.0.0/8", "192.0.2.7", "::1", "2001:db8::/32". NZ_INVAL naming the text. */
nz_rc nz__http_cidr_parse(const char *text, nz__http_cidr *out, nz_err *err);
/* True when the address (text) lies in one of the n blocks. */
bool nz__http_trusted(const char *addr, const nz__http_cidr *proxies, size_t n);
/* The client in a forwarded list (X-Forwarded-For's "a, b, c", or with forwarded set, the
 * Forwarded header's "for=a, for=b"): the rightmost address that is not a trusted proxy, as
 * text into out. False when the list has a malformed entry before one is found, or only proxies:
 * the peer's own address stands then. */
bool nz__http_forwarded_client(const char *list, bool forwarded, const nz__http_cidr *proxies,
			       size_t n, char *out, size_t size);
/* The trusted proxies of the server answering req (server.c). */
void nz__http_server_proxies(const nz_http_req *req, const nz__http_cidr **proxies, size_t *n);

/* ---- the connection guard (guard.c) ---- */

typedef struct nz__http_guard_opts {
	unsigned max_per_address; /* open connections from one address (proxies excepted) */
	unsigned soft_limit;      /* past this many, the longest-waiting connections are closed */
	unsigned head_timeout_s;  /* longest wait for a complete request head */
	const nz__http_cidr *proxies; /* borrowed for the guard's life */
	size_t n_proxies;
} nz__http_guard_opts;

typedef struct nz__http_guard_stats {
	size_t open;                  /* connections followed now */
	uint64_t refused_per_address; /* closed at once: too many from one address */
	uint64_t timed_out;           /* closed: no complete head in time */
	uint64_t evicted;             /* closed to make room past the soft limit */
} nz__http_guard_stats;

typedef struct nz__http_guard nz__http_guard;
struct MHD_Connection;
nz_rc nz__http_guard_new(const nz__http_guard_opts *opts, nz__http_guard **out, nz_err *err);
/* After MHD has stopped. NULL-safe. */
void nz__http_guard_free(nz__http_guard *g);
/* MHD's connection notifications: a connection opened (maybe closed at once) and closed. */
void nz__http_guard_opened(nz__http_guard *g, struct MHD_Connection *conn, void **socket_context);
void nz__http_guard_closed(nz__http_guard *g, void **socket_context);
/* A request's head is complete; its response has gone out (the connection waits again). */
void nz__http_guard_head_done(nz__http_guard *g, struct MHD_Connection *conn);
void nz__http_guard_answered(nz__http_guard *g, struct MHD_Connection *conn);
void nz__http_guard_stats_get(nz__http_guard *g, nz__http_guard_stats *out);

/* ---- event streams (stream.c) ---- */

/* The server queues resp->stream on conn: MHD's content reader and its free callback. */
void nz__http_stream_attach(nz_http_stream *s, struct MHD_Connection *conn);
ssize_t nz__http_stream_read(void *cls, uint64_t pos, char *buf, size_t max);
void nz__http_stream_free(void *cls);
/* Ends every stream and refuses new ones: before MHD stops. NULL-safe. */
void nz__http_streams_shutdown(nz_http_streams *h);

/* ---- render workers (workers.c) ---- */

/* One request handed to the workers, kept in the request's own state (no allocation). run does
 * the work on a worker thread (cancelled: the server is stopping and it must only mark the
 * answer as such); the pool resumes conn after it. */
typedef struct nz__http_job {
	struct nz__http_job *next; /* the pool's */
	struct MHD_Connection *conn;
	void (*run)(struct nz__http_job *job, bool cancelled);
} nz__http_job;

typedef struct nz__http_workers nz__http_workers;
/* Starts n threads. NZ_NOMEM. */
nz_rc nz__http_workers_new(unsigned n, nz__http_workers **out, nz_err *err);
/* Suspends job->conn and queues the job; from MHD's access handler. NZ_UNSUPPORTED when the
 * pool is stopping (nothing was suspended: answer at once). */
nz_rc nz__http_workers_submit(nz__http_workers *w, nz__http_job *job);
/* Refuses new jobs, cancels the queued ones, waits for the running ones and frees the pool;
 * before MHD stops. NULL-safe. */
void nz__http_workers_stop(nz__http_workers *w);

#endif
