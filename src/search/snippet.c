/*
 * search/snippet.c: a passage around the matched words, made safe and readable for a page.
 *
 * The store hands back the passage as the article's own text (Markdown) with the matches
 * between NZ_SEARCH_MARK_OPEN and NZ_SEARCH_MARK_CLOSE. Here every byte of that text is
 * escaped for HTML, the marks become <mark> elements, and the Markdown punctuation that would
 * only be noise in one line (emphasis stars, heading hashes, backticks, link targets) is left
 * out.
 *
 * Rules: the output is always well-formed (every <mark> closed, nothing unescaped); control
 * bytes never reach it.
 */
#include <string.h>

#include "search/search.h"

typedef struct snippet_out {
	nz_buf *out;
	bool open;  /* inside <mark> */
	bool space; /* a space is owed before the next text */
	bool any;   /* text written */
} snippet_out;

static void put_text(snippet_out *s, const char *p, size_t n)
{
	if (s->space && s->any)
		nz_buf_putc(s->out, ' ');
	s->space = false;
	s->any = true;
	nz_escape_html(s->out, p, n);
}

/* Skips a Markdown link target "(...)" right after "]"; returns the index after it. */
static size_t skip_link_target(const char *p, size_t len, size_t i)
{
	size_t k = i + 1;
	while (k < len && p[k] != ')' && p[k] != '\n' && p[k] != '\x02' && p[k] != '\x03')
		k++;
	return k < len && p[k] == ')' ? k + 1 : i;
}

nz_rc nz_search_snippet_html(const char *passage, size_t len, nz_buf *out)
{
	snippet_out s = {.out = out};
	size_t i = 0;
	while (i < len) {
		unsigned char c = (unsigned char)passage[i];
		if (c == NZ_SEARCH_MARK_OPEN[0] || c == NZ_SEARCH_MARK_CLOSE[0]) {
			bool opening = c == NZ_SEARCH_MARK_OPEN[0];
			if (opening != s.open) {
				if (opening && s.space && s.any)
					nz_buf_putc(out, ' ');
				if (opening)
					s.space = false;
				nz_buf_puts(out, opening ? "<mark>" : "</mark>");
				s.open = opening;
			}
			i++;
		} else if (c < 0x20 || c == 0x7F || c == ' ') {
			s.space = true;
			i++;
		} else if (c == '*' || c == '_' || c == '`' || c == '#' || c == '[') {
			i++;
		} else if (c == ']') {
			i = i + 1 < len && passage[i + 1] == '('
				? skip_link_target(passage, len, i + 1)
				: i + 1;
		} else {
			size_t k = i;
			while (k < len && (unsigned char)passage[k] > ' ' && passage[k] != 0x7F &&
			       !strchr("*_`#[]", passage[k]))
				k++;
			put_text(&s, passage + i, k - i);
			i = k;
		}
	}
	if (s.open)
		nz_buf_puts(out, "</mark>");
	return nz_buf_rc(out);
}
