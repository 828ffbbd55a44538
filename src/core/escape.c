/*
 * core/escape.c: escaping text for the context it is written into (HTML text and attributes,
 * XML, JSON string bodies, URL path segments) and decoding percent-encoded URLs.
 *
 * Rules: every escaper appends to an nz_buf and returns the buffer's sticky status, so callers
 * may chain many appends and check once. Runs of bytes that need no escaping are copied in one
 * append. XML and JSON output is always well-formed UTF-8: invalid byte sequences in the input
 * become U+FFFD. Pure functions, thread-safe.
 */
#include "core/core.h"

static const char hex_upper[] = "0123456789ABCDEF";

/* Appends s[start..end) when non-empty. */
static void flush(nz_buf *out, const char *s, size_t start, size_t end)
{
	if (end > start)
		nz_buf_append(out, s + start, end - start);
}

nz_rc nz_escape_html(nz_buf *out, const char *s, size_t len)
{
	size_t start = 0;

	for (size_t i = 0; i < len; i++) {
		const char *rep;

		switch (s[i]) {
		case '&':
			rep = "&amp;";
			break;
		case '<':
			rep = "&lt;";
			break;
		case '>':
			rep = "&gt;";
			break;
		case '"':
			rep = "&quot;";
			break;
		case '\'':
			rep = "&#39;";
			break;
		default:
			continue;
		}
		flush(out, s, start, i);
		nz_buf_puts(out, rep);
		start = i + 1;
	}
	flush(out, s, start, len);
	return nz_buf_rc(out);
}

/* XML 1.0 Char production: #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-...]. */
static bool xml_char_ok(uint32_t cp)
{
	if (cp < 0x20)
		return cp == 0x9 || cp == 0xA || cp == 0xD;
	return cp != 0xFFFE && cp != 0xFFFF;
}

nz_rc nz_escape_xml(nz_buf *out, const char *s, size_t len)
{
	size_t i = 0, start = 0;

	while (i < len) {
		unsigned char c = (unsigned char)s[i];
		uint32_t cp;
		size_t n;

		if (c >= 0x80) {
			n = nz_utf8_decode(s + i, len - i, &cp);
			if (n != 0 && xml_char_ok(cp)) {
				i += n;
				continue;
			}
			flush(out, s, start, i);
			if (n == 0)
				nz_buf_puts(out, "\xEF\xBF\xBD"); /* U+FFFD for an invalid byte */
			i += n ? n : 1;
			start = i;
			continue;
		}
		if (c == '&' || c == '<' || c == '>' || c == '"' || c == '\'') {
			flush(out, s, start, i);
			nz_escape_html(out, s + i, 1);
			start = ++i;
			continue;
		}
		if (!xml_char_ok(c)) {
			flush(out, s, start, i);
			start = i + 1;
		}
		i++;
	}
	flush(out, s, start, len);
	return nz_buf_rc(out);
}

static void json_u_escape(nz_buf *out, uint32_t cp)
{
	char e[6] = {'\\',
		     'u',
		     hex_upper[(cp >> 12) & 0xF],
		     hex_upper[(cp >> 8) & 0xF],
		     hex_upper[(cp >> 4) & 0xF],
		     hex_upper[cp & 0xF]};

	nz_buf_append(out, e, sizeof e);
}

/* The escape for an ASCII byte, or NULL when it is written as is. '/' is escaped only after
 * '<' so that "</script>" cannot close a <script> element the JSON sits in. */
static const char *json_ascii_escape(const char *s, size_t i)
{
	switch (s[i]) {
	case '"':
		return "\\\"";
	case '\\':
		return "\\\\";
	case '\n':
		return "\\n";
	case '\r':
		return "\\r";
	case '\t':
		return "\\t";
	case '\b':
		return "\\b";
	case '\f':
		return "\\f";
	case '/':
		return i > 0 && s[i - 1] == '<' ? "\\/" : NULL;
	default:
		return NULL;
	}
}

nz_rc nz_escape_json(nz_buf *out, const char *s, size_t len)
{
	size_t i = 0, start = 0;

	while (i < len) {
		unsigned char c = (unsigned char)s[i];
		const char *rep;
		uint32_t cp;
		size_t n;

		if (c >= 0x80) {
			n = nz_utf8_decode(s + i, len - i, &cp);
			/* U+2028/U+2029 are valid JSON but end a line in older JavaScript. */
			if (n != 0 && cp != 0x2028 && cp != 0x2029) {
				i += n;
				continue;
			}
			flush(out, s, start, i);
			json_u_escape(out, n == 0 ? 0xFFFD : cp);
			i += n ? n : 1;
			start = i;
			continue;
		}
		rep = json_ascii_escape(s, i);
		if (rep == NULL && c >= 0x20 && c != 0x7F) {
			i++;
			continue;
		}
		flush(out, s, start, i);
		if (rep)
			nz_buf_puts(out, rep);
		else
			json_u_escape(out, c);
		start = ++i;
	}
	flush(out, s, start, len);
	return nz_buf_rc(out);
}

static bool url_unreserved(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	       c == '-' || c == '.' || c == '_' || c == '~';
}

nz_rc nz_escape_url(nz_buf *out, const char *s, size_t len)
{
	size_t start = 0;

	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		char pct[3] = {'%', hex_upper[c >> 4], hex_upper[c & 0xF]};

		if (url_unreserved(c))
			continue;
		flush(out, s, start, i);
		nz_buf_append(out, pct, sizeof pct);
		start = i + 1;
	}
	flush(out, s, start, len);
	return nz_buf_rc(out);
}

static int hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Decoding refuses "%00" as well as malformed sequences: a NUL inside a decoded parameter
 * would silently cut it short wherever it is used as a C string. The input is checked before
 * anything is appended, so a refused input leaves out unchanged. */
nz_rc nz_url_decode(nz_buf *out, const char *s, size_t len, bool plus_is_space)
{
	size_t start = 0;

	for (size_t i = 0; i < len; i++) {
		if (s[i] != '%')
			continue;
		if (len - i < 3)
			return NZ_PARSE;
		if (hex_value(s[i + 1]) < 0 || hex_value(s[i + 2]) < 0)
			return NZ_PARSE;
		if (s[i + 1] == '0' && s[i + 2] == '0')
			return NZ_PARSE;
		i += 2;
	}
	for (size_t i = 0; i < len; i++) {
		char c;

		if (s[i] == '+' && plus_is_space)
			c = ' ';
		else if (s[i] == '%')
			c = (char)(hex_value(s[i + 1]) << 4 | hex_value(s[i + 2]));
		else
			continue;
		flush(out, s, start, i);
		nz_buf_putc(out, c);
		if (s[i] == '%')
			i += 2;
		start = i + 1;
	}
	flush(out, s, start, len);
	return nz_buf_rc(out);
}
