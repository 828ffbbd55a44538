/*
 * ingest/text: plain-text article pages, the shape of a news site's page saved as text:
 * page chrome, headline, highlights (an intro line ending in ':' and short lines, or on Korean
 * pages short subheads), a cut-off copy of the headline, the body with a dateline, a byline, a
 * copyright line and photo captions as bullets (docs/import-format.md).
 *
 * Rules: every line is trimmed of white space first; every non-empty line either goes into a
 * field or into import_notes, so nothing is lost. Each non-empty body line is one paragraph;
 * characters Markdown would misread are backslash-escaped so the text shows as written.
 */
#include <string.h>

#include "content/content.h"
#include "core/core.h"
#include "ingest/ingest.h"
#include "ingest/ingest_int.h"

#define SHORT_LINE_CHARS 200 /* an intro line or a highlight */
#define SUBHEAD_CHARS 100    /* a Korean subhead */

typedef struct text_state {
	nz__ingest *in;
	nz_str headline;
	bool korean;
	bool tail; /* past the copyright line or the byline that ends the body */
	nz_buf body;
	size_t n_paragraphs;
} text_state;

static nz_str line_at(const text_state *st, size_t i)
{
	return nz__trim(st->in->lines[i]);
}

static size_t skip_blank(const text_state *st, size_t i)
{
	while (i < st->in->n_lines && line_at(st, i).len == 0)
		i++;
	return i;
}

static char lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

/* Chrome is compared with ASCII case and spaces ignored: "News Zone", "NEWSZONE", "뉴스 존". */
static bool is_chrome(nz_str t)
{
	static const char *const chrome[] = {"newszone", "recentnews", "뉴스존", "최신뉴스"};

	for (size_t k = 0; k < sizeof chrome / sizeof *chrome; k++) {
		const char *c = chrome[k];
		size_t i = 0;
		for (; i < t.len; i++) {
			if (t.p[i] == ' ' || t.p[i] == '\t')
				continue;
			if (*c == '\0' || lower(t.p[i]) != *c)
				break;
			c++;
		}
		if (i == t.len && *c == '\0')
			return true;
	}
	return false;
}

static bool starts_nocase(nz_str s, const char *prefix)
{
	size_t n = strlen(prefix);

	if (s.len < n)
		return false;
	for (size_t i = 0; i < n; i++)
		if (lower(s.p[i]) != prefix[i])
			return false;
	return true;
}

/* "<Copyright ⓒ …, All rights reserved>", "<저작권자 ⓒ …>", "© 2026 …", "(c) …". */
static bool is_copyright(nz_str t)
{
	nz_str in = t;

	if (t.len > 400)
		return false;
	if (t.len >= 2 &&
	    ((t.p[0] == '<' && t.p[t.len - 1] == '>') || (t.p[0] == '[' && t.p[t.len - 1] == ']')))
		in = nz__trim((nz_str){t.p + 1, t.len - 2});
	return starts_nocase(in, "copyright") || nz_str_starts_with(in, "저작권자") ||
	       nz_str_starts_with(in, "ⓒ") || nz_str_starts_with(in, "©") ||
	       starts_nocase(in, "(c) ");
}

/* A bullet line ("• text", "· text", "- text", "* text"); *rest gets the text. */
static bool is_bullet(nz_str t, nz_str *rest)
{
	size_t n = 0;

	if (nz_str_starts_with(t, "•"))
		n = strlen("•");
	else if (nz_str_starts_with(t, "·"))
		n = strlen("·");
	else if (t.len >= 2 && (t.p[0] == '-' || t.p[0] == '*') &&
		 (t.p[1] == ' ' || t.p[1] == '\t'))
		n = 1;
	if (n == 0)
		return false;
	*rest = nz__trim((nz_str){t.p + n, t.len - n});
	return true;
}

static nz_str strip_bullet(nz_str t)
{
	nz_str rest;
	return is_bullet(t, &rest) && rest.len > 0 ? rest : t;
}

/* A copy of the headline cut off after some words (an ellipsis allowed), or a whole copy. */
static bool is_headline_copy(const text_state *st, nz_str t)
{
	if (nz_str_ends_with(t, "…"))
		t.len -= strlen("…");
	else if (nz_str_ends_with(t, "..."))
		t.len -= 3;
	t = nz__trim(t);
	return nz__chars(t) >= 2 && t.len <= st->headline.len &&
	       memcmp(t.p, st->headline.p, t.len) == 0;
}

static bool looks_like_byline(const text_state *st, nz_str t)
{
	nz_author *au;
	size_t n;

	return nz__byline_parse(st->in->arena, t, &au, &n, NULL, NULL) == NZ_OK;
}

/* ---- dateline ---------------------------------------------------------------------------- */

static bool is_month(nz_str w)
{
	static const char *const months[] = {
	    "jan",  "january",   "feb",  "february", "mar",  "march",    "apr",    "april",
	    "may",  "jun",       "june", "jul",      "july", "aug",      "august", "sep",
	    "sept", "september", "oct",  "october",  "nov",  "november", "dec",    "december"};

	for (size_t k = 0; k < sizeof months / sizeof *months; k++)
		if (w.len == strlen(months[k]) && starts_nocase(w, months[k]))
			return true;
	return false;
}

static size_t skip_spaces(nz_str s, size_t i)
{
	while (i < s.len && (s.p[i] == ' ' || s.p[i] == '\t'))
		i++;
	return i;
}

static size_t digits(nz_str s, size_t i, size_t max)
{
	size_t n = 0;
	while (i + n < s.len && n <= max && s.p[i + n] >= '0' && s.p[i + n] <= '9')
		n++;
	return n;
}

/* After the place and comma: "June 4", "Nov. 3, 2026", each optionally "(Agency)". Returns the
 * index after the date, or 0. */
static size_t date_end(nz_str s, size_t i)
{
	size_t w = i, n;

	while (w < s.len && ((s.p[w] >= 'A' && s.p[w] <= 'Z') || (s.p[w] >= 'a' && s.p[w] <= 'z')))
		w++;
	if (!is_month((nz_str){s.p + i, w - i}))
		return 0;
	if (w < s.len && s.p[w] == '.')
		w++;
	w = skip_spaces(s, w);
	if ((n = digits(s, w, 2)) == 0 || n > 2)
		return 0;
	i = w + n;
	if (i + 1 < s.len && s.p[i] == ',' && digits(s, skip_spaces(s, i + 1), 4) == 4)
		i = skip_spaces(s, i + 1) + 4;
	w = skip_spaces(s, i);
	if (w < s.len && s.p[w] == '(') {
		const char *close = memchr(s.p + w, ')', s.len - w);
		if (close != NULL && close - (s.p + w) <= 40)
			i = (size_t)(close - s.p) + 1;
	}
	return i;
}

/* "BUSAN, June 4 - text": an upper-case place, a comma, a date, a dash. */
static bool split_dateline(nz_str s, nz_str *dateline, nz_str *rest)
{
	static const char *const dashes[] = {"--", "—", "–", "-"};
	size_t i = 0, upper = 0, end;

	while (i < s.len && i <= 40 &&
	       ((s.p[i] >= 'A' && s.p[i] <= 'Z') ||
		(s.p[i] != '\0' && strchr(" .'/-", s.p[i]) != NULL))) {
		upper += s.p[i] >= 'A' && s.p[i] <= 'Z';
		i++;
	}
	if (upper < 2 || i >= s.len || s.p[i] != ',' || !(s.p[0] >= 'A' && s.p[0] <= 'Z') ||
	    s.p[i - 1] == ' ')
		return false;
	if ((end = date_end(s, skip_spaces(s, i + 1))) == 0)
		return false;
	size_t d = skip_spaces(s, end);
	for (size_t k = 0; k < sizeof dashes / sizeof *dashes; k++) {
		size_t n = strlen(dashes[k]);
		if (s.len - d < n || memcmp(s.p + d, dashes[k], n) != 0)
			continue;
		bool spaced = d + n == s.len || s.p[d + n] == ' ' || s.p[d + n] == '\t';
		if (!spaced && n == 1)
			return false; /* "June 4-5" is not a dash */
		*dateline = nz__trim((nz_str){s.p, end});
		*rest = nz__trim((nz_str){s.p + d + n, s.len - d - n});
		return true;
	}
	return false;
}

/* ---- body -------------------------------------------------------------------------------- */

/* True when "&" at s[i] starts something a Markdown reader would take for an entity. */
static bool entity_at(nz_str s, size_t i)
{
	size_t j = i + 1;

	while (j < s.len && j - i <= 32 &&
	       ((s.p[j] >= 'a' && s.p[j] <= 'z') || (s.p[j] >= 'A' && s.p[j] <= 'Z') ||
		(s.p[j] >= '0' && s.p[j] <= '9') || s.p[j] == '#'))
		j++;
	return j > i + 1 && j < s.len && s.p[j] == ';';
}

/* Appends one paragraph, escaped so Markdown shows it as written: a block marker at the start
 * ("#", ">", "-", "+", "1."), and emphasis, code, links, HTML and entities anywhere. */
static void escape_markdown(nz_buf *b, nz_str t)
{
	size_t i = 0, n = digits(t, 0, 9);

	if (t.len > 0 && t.p[0] != '\0' && strchr("#>-+=|", t.p[0]) != NULL) {
		nz_buf_putc(b, '\\');
	} else if (n > 0 && n < t.len && (t.p[n] == '.' || t.p[n] == ')')) {
		nz_buf_append(b, t.p, n);
		nz_buf_putc(b, '\\');
		i = n;
	}
	for (; i < t.len; i++) {
		char c = t.p[i];
		if ((c != '\0' && strchr("\\`*_[]<~", c) != NULL) || (c == '&' && entity_at(t, i)))
			nz_buf_putc(b, '\\');
		nz_buf_putc(b, c);
	}
}

static nz_rc paragraph(text_state *st, nz_str t)
{
	nz_article *a = st->in->art;
	nz_str dateline, rest;

	if (st->n_paragraphs == 0 && a->dateline == NULL && split_dateline(t, &dateline, &rest)) {
		if ((a->dateline = nz_arena_str(st->in->arena, dateline)) == NULL)
			return nz__nomem(st->in);
		t = rest;
		if (t.len == 0)
			return NZ_OK;
	}
	if (st->n_paragraphs > 0)
		nz_buf_putc(&st->body, '\n');
	escape_markdown(&st->body, t);
	nz_buf_putc(&st->body, '\n');
	st->n_paragraphs++;
	return nz_buf_rc(&st->body) == NZ_OK ? NZ_OK : nz__nomem(st->in);
}

/* Takes a byline's authors when t is one; *taken says whether it was. */
static nz_rc take_byline(text_state *st, nz_str t, bool *taken)
{
	nz__ingest *in = st->in;
	nz_author *au;
	nz_str bad;
	size_t n;
	nz_rc rc = nz__byline_parse(in->arena, t, &au, &n, &bad, NULL);

	*taken = rc == NZ_OK;
	if (rc == NZ_PARSE)
		return NZ_OK;
	if (rc != NZ_OK)
		return nz__nomem(in);
	for (size_t i = 0; i < n && rc == NZ_OK; i++) {
		if (in->art->n_authors < NZ_AUTHORS_MAX)
			rc = nz__add_author(in, &au[i]);
		else
			rc = nz__note(in, "author over the limit of %d: %s", NZ_AUTHORS_MAX,
				      au[i].display_name);
	}
	if (rc == NZ_OK && bad.len > 0)
		rc = nz__note(in, "byline e-mail not an address: %.*s", (int)bad.len, bad.p);
	return rc;
}

/* One line after the copyright (or the byline closing the body): a caption or a note. */
static nz_rc tail_line(text_state *st, nz_str t)
{
	nz_media m = {0};
	nz_str caption;

	if (!is_bullet(t, &caption) || caption.len == 0)
		return nz__note(st->in, "%.*s", (int)t.len, t.p);
	if ((m.caption = nz_arena_str(st->in->arena, caption)) == NULL)
		return nz__nomem(st->in);
	return nz__add_media(st->in, &m);
}

static nz_rc body(text_state *st, size_t i)
{
	nz__ingest *in = st->in;
	nz_rc rc = NZ_OK;
	bool taken;

	for (; i < in->n_lines && rc == NZ_OK; i++) {
		nz_str t = line_at(st, i);
		if (t.len == 0)
			continue;
		if (in->art->copyright == NULL && is_copyright(t)) {
			in->art->copyright = nz_arena_str(in->arena, t);
			if (in->art->copyright == NULL)
				return nz__nomem(in);
			st->tail = true;
			continue;
		}
		if ((rc = take_byline(st, t, &taken)) != NZ_OK)
			break;
		if (taken) {
			st->tail = st->tail || st->n_paragraphs > 0;
			continue;
		}
		rc = st->tail ? tail_line(st, t) : paragraph(st, t);
	}
	return rc;
}

/* ---- before the body --------------------------------------------------------------------- */

/* True when a body paragraph follows line i (before any copyright line). */
static bool body_after(const text_state *st, size_t i)
{
	for (; i < st->in->n_lines; i++) {
		nz_str t = line_at(st, i);
		if (t.len == 0 || is_headline_copy(st, t) || looks_like_byline(st, t))
			continue;
		return !is_copyright(t);
	}
	return false;
}

static bool short_line(nz_str t, size_t max_chars)
{
	return t.len <= NZ_HEADLINE_MAX && nz__chars(t) <= max_chars;
}

/* The highlights block starting at line i: an intro line ending in ':' and short lines up to a
 * blank line (intro true), or Korean subheads. Returns the line after it, or 0. */
static size_t highlights_block(const text_state *st, size_t i, bool intro)
{
	size_t k = intro ? i + 1 : i, count = 0;
	nz_str t = line_at(st, i), rest;

	if (intro && !((nz_str_ends_with(t, ":") || nz_str_ends_with(t, "：")) &&
		       short_line(t, SHORT_LINE_CHARS)))
		return 0;
	for (; k < st->in->n_lines && (t = line_at(st, k)).len > 0; k++, count++) {
		bool ok = intro ? short_line(t, SHORT_LINE_CHARS)
				: short_line(t, SUBHEAD_CHARS) && !nz_str_ends_with(t, ".") &&
				      !is_headline_copy(st, t) && !split_dateline(t, &rest, &rest);
		if (!ok || count >= NZ_HIGHLIGHTS_MAX || is_copyright(t) ||
		    looks_like_byline(st, t))
			return 0;
	}
	return count > 0 && body_after(st, k) ? k : 0;
}

static nz_rc take_highlights(text_state *st, size_t i, size_t end, bool intro)
{
	nz__ingest *in = st->in;
	nz_rc rc = NZ_OK;

	if (intro) {
		in->art->highlights_intro = nz_arena_str(in->arena, line_at(st, i));
		if (in->art->highlights_intro == NULL)
			return nz__nomem(in);
		i++;
	}
	for (; i < end && rc == NZ_OK; i++)
		rc = nz__add_highlight(in, strip_bullet(line_at(st, i)));
	return rc;
}

/* Between the headline and the body: highlights and cut-off copies of the headline, in either
 * order. Returns the first line of the body in *next. */
static nz_rc before_body(text_state *st, size_t i, size_t *next)
{
	bool got_highlights = false;
	size_t end;
	nz_rc rc;

	for (;;) {
		i = skip_blank(st, i);
		if (i >= st->in->n_lines)
			break;
		nz_str t = line_at(st, i);
		if (is_headline_copy(st, t)) {
			if ((rc = nz__note(st->in, "cut-off headline copy: %.*s", (int)t.len,
					   t.p)) != NZ_OK)
				return rc;
			i++;
			continue;
		}
		if (got_highlights)
			break;
		bool intro = true;
		if ((end = highlights_block(st, i, true)) == 0 && st->korean) {
			intro = false;
			end = highlights_block(st, i, false);
		}
		if (end == 0)
			break;
		if ((rc = take_highlights(st, i, end, intro)) != NZ_OK)
			return rc;
		got_highlights = true;
		i = end;
	}
	*next = i;
	return NZ_OK;
}

/* ---- entry ------------------------------------------------------------------------------- */

static nz_rc headline(text_state *st, size_t *i)
{
	nz__ingest *in = st->in;
	nz_rc rc;

	for (; *i < in->n_lines; (*i)++) {
		nz_str t = line_at(st, *i);
		if (t.len == 0)
			continue;
		if (!is_chrome(t))
			break;
		if ((rc = nz__note(in, "chrome: %.*s", (int)t.len, t.p)) != NZ_OK)
			return rc;
	}
	if (*i >= in->n_lines)
		return nz_err_set(in->err, NZ_PARSE, "no headline: the file has only page chrome");
	st->headline = line_at(st, *i);
	if (st->headline.len > NZ_HEADLINE_MAX)
		return nz_err_set(in->err, NZ_PARSE,
				  "line %zu: no headline: the first line is %zu bytes, longer than "
				  "a headline (at most %d)",
				  *i + 1, st->headline.len, NZ_HEADLINE_MAX);
	in->art->headline = nz_arena_str(in->arena, st->headline);
	if (in->art->headline == NULL)
		return nz__nomem(in);
	(*i)++;
	return NZ_OK;
}

nz_rc nz__text_parse(nz__ingest *in)
{
	text_state st = {.in = in};
	size_t i = 0, headline_line;
	nz_rc rc;

	nz_buf_init(&st.body, 0);
	if ((rc = headline(&st, &i)) != NZ_OK)
		goto out;
	headline_line = i;
	st.korean = in->opts->language ? strcmp(in->opts->language, "ko") == 0
				       : nz_utf8_has_hangul(st.headline.p, st.headline.len);
	if ((rc = before_body(&st, i, &i)) != NZ_OK || (rc = body(&st, i)) != NZ_OK)
		goto out;
	if (st.n_paragraphs == 0) {
		rc = nz_err_set(in->err, NZ_PARSE, "line %zu: no body paragraph after the headline",
				headline_line);
		goto out;
	}
	if (st.body.len > NZ_BODY_MAX) {
		rc = nz_err_set(in->err, NZ_TOOBIG, "body is %zu bytes; the limit is %d",
				st.body.len, NZ_BODY_MAX);
		goto out;
	}
	in->art->body_markdown = nz_arena_strndup(in->arena, nz_buf_cstr(&st.body), st.body.len);
	if (in->art->body_markdown == NULL)
		rc = nz__nomem(in);
out:
	nz_buf_free(&st.body);
	return rc;
}
