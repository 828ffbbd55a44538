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

#endif
