/*
 * core/str: borrowed slices. Nothing here allocates; a slice is only as valid as the bytes it
 * points into.
 */
#include <string.h>

#include "core/core.h"

nz_str nz_str_c(const char *s)
{
	return (nz_str){s ? s : "", s ? strlen(s) : 0};
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

nz_str nz_str_trim(nz_str s)
{
	while (s.len > 0 && is_space(s.p[0])) {
		s.p++;
		s.len--;
	}
	while (s.len > 0 && is_space(s.p[s.len - 1]))
		s.len--;
	return s;
}

bool nz_str_eq(nz_str a, nz_str b)
{
	return a.len == b.len && (a.len == 0 || memcmp(a.p, b.p, a.len) == 0);
}

bool nz_str_eq_c(nz_str a, const char *b)
{
	return nz_str_eq(a, nz_str_c(b));
}

bool nz_str_starts_with(nz_str s, const char *prefix)
{
	size_t n = strlen(prefix);
	return s.len >= n && memcmp(s.p, prefix, n) == 0;
}

bool nz_str_ends_with(nz_str s, const char *suffix)
{
	size_t n = strlen(suffix);
	return s.len >= n && memcmp(s.p + s.len - n, suffix, n) == 0;
}

long nz_str_find(nz_str s, const char *needle)
{
	size_t n = strlen(needle);
	if (n == 0)
		return 0;
	if (s.len < n)
		return -1;
	for (size_t i = 0; i + n <= s.len; i++) {
		if (s.p[i] == needle[0] && memcmp(s.p + i, needle, n) == 0)
			return (long)i;
	}
	return -1;
}

bool nz_str_next_line(nz_str *rest, nz_str *line)
{
	if (rest->len == 0)
		return false;
	const char *nl = memchr(rest->p, '\n', rest->len);
	size_t n = nl ? (size_t)(nl - rest->p) : rest->len;
	*line = (nz_str){rest->p, n};
	if (line->len > 0 && line->p[line->len - 1] == '\r')
		line->len--;
	size_t skip = nl ? n + 1 : n;
	rest->p += skip;
	rest->len -= skip;
	return true;
}
