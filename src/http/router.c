/*
 * http/router: maps a method and a percent-decoded path to a route's id and its captures.
 *
 * Patterns are '/'-separated segments. A literal segment matches itself byte for byte, "{name}"
 * captures one non-empty segment, and "{*name}" (only as the last segment) captures the
 * non-empty rest of the path, slashes included ("/static/{*path}" on "/static/css/site.css"
 * gives "css/site.css"). Nothing else is special: a trailing slash is a segment of its own, so
 * "/section/x/" does not match "/section/x" (a handler may register both or redirect), and an
 * empty segment ("/a//b") matches neither a literal nor "{name}". "{*name}" takes the rest
 * verbatim, so a handler that maps it to a file must still refuse "..", empty segments and the
 * like.
 *
 * Rules: no allocation and no locks; the routes table is read-only, so any number of threads
 * may match at once. Captures borrow from the path, capture names from the pattern.
 */
#include <string.h>

#include "http/http.h"

/* One pattern or path segment: [p, p + len). */
typedef struct segment {
	const char *p;
	size_t len;
} segment;

/* Reads the segment that starts at s (just past a '/') and returns where it ends. */
static segment next_segment(const char *s)
{
	const char *end = strchr(s, '/');
	return (segment){s, end ? (size_t)(end - s) : strlen(s)};
}

/* "{name}" or "{*name}" with a non-empty name free of braces; anything else ("{}", "{*}",
 * "{a}}") is a literal. */
static bool is_capture(segment seg)
{
	if (seg.len < 3 || seg.p[0] != '{' || seg.p[seg.len - 1] != '}')
		return false;
	size_t start = seg.p[1] == '*' ? 2 : 1;
	if (start >= seg.len - 1)
		return false;
	for (size_t i = start; i < seg.len - 1; i++)
		if (seg.p[i] == '{' || seg.p[i] == '}')
			return false;
	return true;
}

/* Matches path against pattern, filling m's captures. False when they do not match or the
 * pattern is malformed (a "{*rest}" that is not last, more than NZ_ROUTE_MAX_PARAMS captures). */
static bool match_pattern(const char *pattern, const char *path, nz_route_match *m)
{
	const char *pp = pattern, *sp = path;

	m->n = 0;
	for (;;) {
		if (*pp != '/' || *sp != '/')
			return false;
		pp++;
		sp++;
		segment pat = next_segment(pp);
		bool capture = is_capture(pat);
		bool rest = capture && pat.p[1] == '*';
		segment val = rest ? (segment){sp, strlen(sp)} : next_segment(sp);

		if (capture) {
			if (val.len == 0 || m->n == NZ_ROUTE_MAX_PARAMS)
				return false;
			if (rest && pat.p[pat.len] != '\0')
				return false;
			/* The name runs from after "{" or "{*" up to the closing '}'. */
			m->names[m->n] = pat.p + (rest ? 2 : 1);
			m->values[m->n] = (nz_str){val.p, val.len};
			m->n++;
		} else if (pat.len != val.len || memcmp(pat.p, val.p, val.len) != 0) {
			return false;
		}
		pp += pat.len;
		sp += val.len;
		if (*pp == '\0' || *sp == '\0')
			return *pp == '\0' && *sp == '\0';
	}
}

static bool method_matches(const char *route_method, const char *method)
{
	if (strcmp(route_method, method) == 0)
		return true;
	return strcmp(route_method, "GET") == 0 && strcmp(method, "HEAD") == 0;
}

/* Appends one method to the Allow list unless it is already there or does not fit. */
static void allow_add(char *buf, size_t size, const char *method)
{
	size_t len = strlen(buf), mlen = strlen(method);
	const char *p = buf;

	while ((p = strstr(p, method)) != NULL) {
		bool starts = p == buf || p[-1] == ' ';
		bool ends = p[mlen] == '\0' || p[mlen] == ',';
		if (starts && ends)
			return;
		p += mlen;
	}
	if (len + (len ? 2 : 0) + mlen + 1 > size)
		return;
	if (len) {
		memcpy(buf + len, ", ", 2);
		len += 2;
	}
	memcpy(buf + len, method, mlen + 1);
}

nz_rc nz_router_match(const nz_route *routes, size_t n, const char *method, const char *path,
		      nz_route_match *m, const char **allow)
{
	/* Per thread, because many worker threads route at once; valid until this thread's next
	 * call. */
	static _Thread_local char allow_buf[128];
	nz_route_match tmp;
	bool path_matched = false;

	allow_buf[0] = '\0';
	if (allow)
		*allow = NULL;
	if (!method || !path)
		return NZ_NOTFOUND;
	for (size_t i = 0; i < n; i++) {
		if (!routes[i].pattern || !routes[i].method)
			continue;
		if (!match_pattern(routes[i].pattern, path, &tmp))
			continue;
		if (method_matches(routes[i].method, method)) {
			tmp.id = routes[i].id;
			if (m)
				*m = tmp;
			return NZ_OK;
		}
		path_matched = true;
		allow_add(allow_buf, sizeof allow_buf, routes[i].method);
		if (strcmp(routes[i].method, "GET") == 0)
			allow_add(allow_buf, sizeof allow_buf, "HEAD");
	}
	if (!path_matched)
		return NZ_NOTFOUND;
	if (allow)
		*allow = allow_buf;
	return NZ_METHOD;
}

nz_str nz_route_param(const nz_route_match *m, const char *name)
{
	size_t len = name ? strlen(name) : 0;

	for (size_t i = 0; m && name && i < m->n && i < NZ_ROUTE_MAX_PARAMS; i++) {
		/* names[i] points into the pattern and ends at the capture's '}'. */
		if (strncmp(m->names[i], name, len) == 0 && m->names[i][len] == '}')
			return m->values[i];
	}
	return (nz_str){"", 0};
}
