/*
 * http/http_int.h: the parts of the HTTP glue (http/server.c) that its tests and fuzz targets reach
 * without a running server. Nothing else includes it; handlers see http/http.h only.
 */
#ifndef NZ_HTTP_HTTP_INT_H
#define NZ_HTTP_HTTP_INT_H

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

#endif
