/*
 * content/markdown_shape: how deep a Markdown body nests, read from the line prefixes alone
 * (no parser), to refuse bodies that would render out of all proportion. Every '>' and every
 * list marker ("-", "*", "+", "1." or "1)" followed by a space) at the start of a line opens a
 * container; md4c writes an opening and a closing tag for each, so a megabyte of ">" once
 * became 31 MB of HTML. The count is an upper bound of what CommonMark sees as containers
 * (a marker after text that is not a container still counts), which is the safe side.
 *
 * Rules: pure functions; no I/O.
 */
#include <string.h>

#include "content/content.h"

/* The container markers at the start of line[0..len). */
static size_t line_markers(const char *p, size_t len)
{
	size_t i = 0, n = 0;
	for (;;) {
		while (i < len && (p[i] == ' ' || p[i] == '\t'))
			i++;
		if (i < len && p[i] == '>') {
			i++, n++;
			continue;
		}
		if (i + 1 < len && (p[i] == '-' || p[i] == '*' || p[i] == '+') &&
		    (p[i + 1] == ' ' || p[i + 1] == '\t')) {
			i += 2, n++;
			continue;
		}
		size_t d = i;
		while (d < len && d - i < 9 && p[d] >= '0' && p[d] <= '9')
			d++;
		if (d > i && d + 1 < len && (p[d] == '.' || p[d] == ')') &&
		    (p[d + 1] == ' ' || p[d + 1] == '\t')) {
			i = d + 2, n++;
			continue;
		}
		return n;
	}
}

nz_markdown_shape nz_markdown_shape_of(const char *md, size_t len)
{
	nz_markdown_shape sh = {0};
	size_t line = 1;
	const char *p = md ? md : "", *end = p + (md ? len : 0);
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = line_markers(p, (size_t)((nl ? nl : end) - p));
		sh.markers += n;
		if (n > sh.depth) {
			sh.depth = n;
			sh.deepest_line = line;
		}
		p = nl ? nl + 1 : end;
		line++;
	}
	return sh;
}

nz_rc nz_markdown_shape_check(const char *md, size_t len, nz_err *err)
{
	nz_markdown_shape sh = nz_markdown_shape_of(md, len);
	if (sh.depth > NZ_MARKDOWN_DEPTH_MAX)
		return nz_err_set(err, NZ_INVAL,
				  "body_markdown: line %zu nests %zu quotes or lists; at most %d "
				  "are allowed",
				  sh.deepest_line, sh.depth, NZ_MARKDOWN_DEPTH_MAX);
	if (sh.markers > NZ_MARKDOWN_MARKERS_MAX)
		return nz_err_set(err, NZ_INVAL,
				  "body_markdown: %zu quote and list markers; at most %d are "
				  "allowed",
				  sh.markers, NZ_MARKDOWN_MARKERS_MAX);
	return NZ_OK;
}
