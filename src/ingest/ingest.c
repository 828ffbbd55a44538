/*
 * ingest/ingest: the entry point. Refuses what is not an article (too big, binary, invalid
 * UTF-8, empty), tells the two formats apart by the first line, hands the lines to text.c or
 * frontmatter.c, then fills what both share: language, slug, status, section.
 *
 * Rules: never touches the store or the file system; the result and every string in it live in
 * the caller's arena; byte offsets in messages count from the start of the file (a BOM
 * included), line numbers from 1.
 */
#include <stdio.h>
#include <string.h>

#include "content/content.h"
#include "core/core.h"
#include "ingest/ingest.h"
#include "ingest/ingest_int.h"

/* ---- shared helpers ---------------------------------------------------------------------- */

/* Length of a white-space character at s[0..len), 0 when there is none. */
static size_t space_at(const char *s, size_t len)
{
	unsigned char c = (unsigned char)s[0];

	if (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f')
		return 1;
	if (len >= 2 && c == 0xC2 && (unsigned char)s[1] == 0xA0)
		return 2; /* U+00A0 no-break space */
	if (len >= 3 && c == 0xE3 && (unsigned char)s[1] == 0x80 && (unsigned char)s[2] == 0x80)
		return 3; /* U+3000 ideographic space */
	if (len >= 3 && c == 0xEF && (unsigned char)s[1] == 0xBB && (unsigned char)s[2] == 0xBF)
		return 3; /* U+FEFF */
	return 0;
}

/* Length of a white-space character ending at s[len), 0 when there is none. */
static size_t space_before(const char *s, size_t len)
{
	for (size_t back = 1; back <= 3 && back <= len; back++) {
		size_t n = space_at(s + len - back, back);
		if (n == back)
			return n;
	}
	return 0;
}

nz_str nz__trim(nz_str s)
{
	size_t n;

	while (s.len > 0 && (n = space_at(s.p, s.len)) > 0) {
		s.p += n;
		s.len -= n;
	}
	while (s.len > 0 && (n = space_before(s.p, s.len)) > 0)
		s.len -= n;
	return s;
}

nz_rc nz__nomem(nz__ingest *in)
{
	return nz_err_set(in->err, NZ_NOMEM, "out of memory");
}

nz_rc nz__note(nz__ingest *in, const char *fmt, ...)
{
	nz_article *a = in->art;
	nz_buf b;
	va_list ap;
	char *s;

	nz_buf_init(&b, 0);
	va_start(ap, fmt);
	nz_buf_vprintf(&b, fmt, ap);
	va_end(ap);
	if (nz_buf_rc(&b) != NZ_OK)
		return nz__nomem(in);
	s = nz_arena_strndup(in->arena, nz_buf_cstr(&b), b.len);
	nz_buf_free(&b);
	if (s == NULL || NZ_ARENA_GROW(in->arena, a->import_notes, a->n_import_notes + 1,
				       in->cap_notes) != NZ_OK)
		return nz__nomem(in);
	a->import_notes[a->n_import_notes++] = s;
	return NZ_OK;
}

nz_rc nz__add_highlight(nz__ingest *in, nz_str text)
{
	nz_article *a = in->art;
	char *s = nz_arena_str(in->arena, text);

	if (s == NULL || NZ_ARENA_GROW(in->arena, a->highlights, a->n_highlights + 1,
				       in->cap_highlights) != NZ_OK)
		return nz__nomem(in);
	a->highlights[a->n_highlights++] = s;
	return NZ_OK;
}

nz_rc nz__add_author(nz__ingest *in, const nz_author *au)
{
	nz_article *a = in->art;
	if (NZ_ARENA_GROW(in->arena, a->authors, a->n_authors + 1, in->cap_authors) != NZ_OK)
		return nz__nomem(in);
	a->authors[a->n_authors++] = *au;
	return NZ_OK;
}

nz_rc nz__add_media(nz__ingest *in, const nz_media *m)
{
	nz_article *a = in->art;
	if (NZ_ARENA_GROW(in->arena, a->media, a->n_media + 1, in->cap_media) != NZ_OK)
		return nz__nomem(in);
	a->media[a->n_media++] = *m;
	return NZ_OK;
}

nz_rc nz__add_tag(nz__ingest *in, nz_str name)
{
	nz_article *a = in->art;
	nz_buf slug;
	nz_rc rc;

	if (NZ_ARENA_GROW(in->arena, a->tags, a->n_tags + 1, in->cap_tags) != NZ_OK)
		return nz__nomem(in);
	nz_buf_init(&slug, 0);
	rc = nz_slug_make(name, NZ_SLUG_MAX, &slug);
	if (rc == NZ_NOMEM) {
		nz_buf_free(&slug);
		return nz__nomem(in);
	}
	nz_tag t = {0};
	t.name = nz_arena_str(in->arena, name);
	t.slug = rc == NZ_OK ? nz_arena_strndup(in->arena, nz_buf_cstr(&slug), slug.len) : NULL;
	nz_buf_free(&slug);
	if (t.name == NULL || (rc == NZ_OK && t.slug == NULL))
		return nz__nomem(in);
	a->tags[a->n_tags++] = t;
	return NZ_OK;
}

int nz__clip(nz_str s, size_t max)
{
	size_t n = s.len;

	if (n > max) {
		n = max;
		while (n > 0 && ((unsigned char)s.p[n] & 0xC0) == 0x80)
			n--;
	}
	return (int)n;
}

size_t nz__chars(nz_str s)
{
	return nz_utf8_length(s.p, s.len);
}

bool nz__email_ok(nz_str s)
{
	long at = nz_str_find(s, "@");

	if (at <= 0 || (size_t)at + 1 >= s.len)
		return false;
	for (size_t i = 0; i < s.len; i++)
		if (space_at(s.p + i, s.len - i) > 0 || s.p[i] == '<' || s.p[i] == '>')
			return false;
	nz_str domain = {s.p + at + 1, s.len - (size_t)at - 1};
	long dot = nz_str_find(domain, ".");
	return dot > 0 && (size_t)dot + 1 < domain.len && nz_str_find(domain, "@") < 0;
}

/* ---- refusals ---------------------------------------------------------------------------- */

static nz_rc check_bytes(const char *p, size_t len, nz_err *err)
{
	size_t bad = 0;
	const char *nul;

	if (len > NZ_IMPORT_MAX_BYTES)
		return nz_err_set(err, NZ_TOOBIG,
				  "file is %zu bytes; the limit is %zu bytes (2 MiB)", len,
				  NZ_IMPORT_MAX_BYTES);
	if (len > 0 && (nul = memchr(p, '\0', len)) != NULL)
		return nz_err_set(err, NZ_INVAL, "binary file (NUL byte at byte %zu)",
				  (size_t)(nul - p));
	if (!nz_utf8_valid(p, len, &bad))
		return nz_err_set(err, NZ_UTF8, "invalid UTF-8 at byte %zu", bad);
	if (nz__trim((nz_str){p, len}).len == 0)
		return nz_err_set(err, NZ_INVAL, "empty file");
	return NZ_OK;
}

/* Splits s into lines (a trailing '\r' dropped); a final line without '\n' counts. */
static nz_rc split_lines(nz__ingest *in, nz_str s)
{
	size_t n = 1;

	for (size_t i = 0; i < s.len; i++)
		n += s.p[i] == '\n';
	in->lines = nz_arena_alloc(in->arena, n * sizeof *in->lines);
	if (in->lines == NULL)
		return nz__nomem(in);
	in->n_lines = 0;
	nz_str rest = s, line;
	while (nz_str_next_line(&rest, &line))
		in->lines[in->n_lines++] = line;
	return NZ_OK;
}

/* ---- what both formats share ------------------------------------------------------------- */

static nz_rc make_slug(nz__ingest *in)
{
	nz_article *a = in->art;
	nz_buf b;
	nz_rc rc;

	if (a->slug != NULL)
		return NZ_OK;
	nz_buf_init(&b, 0);
	rc = nz_slug_make(nz_str_c(a->headline), NZ_SLUG_MAX, &b);
	if (rc == NZ_OK)
		a->slug = nz_arena_strndup(in->arena, nz_buf_cstr(&b), b.len);
	else if (rc == NZ_INVAL)
		a->slug =
		    "article"; /* nothing sluggable in the headline; the store makes it unique */
	nz_buf_free(&b);
	if (rc == NZ_NOMEM || a->slug == NULL)
		return nz__nomem(in);
	return NZ_OK;
}

static nz_rc fill_section(nz__ingest *in)
{
	const char *slug = in->opts->section_slug ? in->opts->section_slug : in->file_section;
	nz_section *sec;
	char *name;

	if (slug == NULL || slug[0] == '\0')
		return NZ_OK;
	if (!nz_slug_valid(nz_str_c(slug)))
		return nz_err_set(in->err, NZ_INVAL, "section: \"%.64s\" is not a valid slug",
				  slug);
	sec = nz_arena_zalloc(in->arena, sizeof *sec);
	if (sec == NULL)
		return nz__nomem(in);
	sec->slug = slug;
	if (in->section_name != NULL &&
	    (in->file_section == NULL || strcmp(in->file_section, slug) == 0)) {
		sec->name = in->section_name;
	} else {
		name = nz_arena_strdup(in->arena, slug);
		if (name == NULL)
			return nz__nomem(in);
		if (name[0] >= 'a' && name[0] <= 'z')
			name[0] = (char)(name[0] - 'a' + 'A');
		sec->name = name;
	}
	in->art->section = sec;
	return NZ_OK;
}

static nz_rc finish(nz__ingest *in)
{
	nz_article *a = in->art;
	const nz_import_opts *o = in->opts;
	nz_rc rc;

	if (o->language != NULL) {
		if (!nz_language_valid(o->language))
			return nz_err_set(in->err, NZ_INVAL,
					  "language: \"%.16s\" is not one of en, ko", o->language);
		a->language = o->language;
	} else if (a->language == NULL) {
		a->language = nz_language_detect(a->headline, strlen(a->headline));
	}
	if ((rc = make_slug(in)) != NZ_OK)
		return rc;
	if (o->publish)
		a->status = NZ_STATUS_PUBLISHED;
	if (a->status == NZ_STATUS_PUBLISHED && a->published_at == 0)
		a->published_at = o->now;
	return fill_section(in);
}

/* ---- entry points ------------------------------------------------------------------------ */

nz_rc nz_ingest_parse(nz_arena *arena, const void *bytes, size_t len, const nz_import_opts *opts,
		      nz_ingested *got, nz_err *err)
{
	nz_article *out = &got->article;
	static const nz_import_opts no_opts;
	nz__ingest in = {0};
	nz_str s = {bytes, len};
	nz_rc rc;

	memset(got, 0, sizeof *got);
	nz_err_clear(err);
	if (bytes == NULL)
		s.p = "";
	if ((rc = check_bytes(s.p, s.len, err)) != NZ_OK)
		return rc;
	if (s.len >= 3 && memcmp(s.p, "\xEF\xBB\xBF", 3) == 0) {
		s.p += 3;
		s.len -= 3;
	}
	in.arena = arena;
	in.opts = opts ? opts : &no_opts;
	in.art = out;
	in.err = err;
	if ((rc = split_lines(&in, s)) != NZ_OK)
		goto out;
	bool markdown = in.n_lines > 0 && nz__trim(in.lines[0]).len == 3 &&
			memcmp(nz__trim(in.lines[0]).p, "---", 3) == 0 &&
			space_at(in.lines[0].p, in.lines[0].len) == 0;
	got->format = markdown ? NZ_FORMAT_MARKDOWN : NZ_FORMAT_TEXT;
	rc = markdown ? nz__frontmatter_parse(&in) : nz__text_parse(&in);
	if (rc == NZ_OK)
		rc = finish(&in);
out:
	if (rc != NZ_OK) {
		if (err != NULL && err->rc == NZ_OK)
			nz_err_set(err, rc, "%s", nz_strerror(rc));
		memset(out, 0, sizeof *out);
	}
	return rc;
}

nz_rc nz_ingest_byline(nz_arena *arena, nz_str line, nz_author **authors, size_t *n, nz_err *err)
{
	return nz__byline_parse(arena, line, authors, n, NULL, err);
}
