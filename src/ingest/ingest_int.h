/*
 * ingest internals: what ingest.c (the entry point and refusals), text.c (plain-text article
 * pages), frontmatter.c (Markdown with front matter) and byline.c (bylines and names) share.
 *
 * Rules: everything allocated here lives in the import's arena; growable arrays are copied to a
 * bigger arena block when full (the old block is simply left behind, the arena frees it all).
 * Functions return nz_rc and put a reason into in->err; NZ_NOMEM is passed straight up.
 */
#ifndef NZ_INGEST_INT_H
#define NZ_INGEST_INT_H

#include "ingest/ingest.h"

/* One import in progress. lines[] are borrowed slices of the caller's bytes (BOM skipped, a
 * trailing '\r' dropped); line i is line number i + 1 of the file. */
typedef struct nz__ingest {
	nz_arena *arena;
	const nz_import_opts *opts;
	nz_article *art;
	nz_err *err;
	nz_str *lines;
	size_t n_lines;
	/* capacities of the article's growable arrays */
	size_t cap_notes, cap_highlights, cap_authors, cap_media, cap_tags;
	/* the front matter's section_name, NULL when it gave none */
	const char *section_name;
	const char *file_section; /* the front matter's section slug */
} nz__ingest;

/* ---- ingest.c: shared helpers ------------------------------------------------------------ */

/* Trims ASCII white space and U+00A0, U+3000, U+FEFF at both ends. */
nz_str nz__trim(nz_str s);
/* Appends a formatted line to the article's import_notes. */
nz_rc nz__note(nz__ingest *in, const char *fmt, ...) NZ_PRINTF(2, 3);
nz_rc nz__add_highlight(nz__ingest *in, nz_str text);
nz_rc nz__add_author(nz__ingest *in, const nz_author *au);
nz_rc nz__add_media(nz__ingest *in, const nz_media *m);
nz_rc nz__add_tag(nz__ingest *in, nz_str name);
/* The number of bytes of s, at most max, that end on a UTF-8 character boundary: for
 * quoting input in messages with "%.*s". */
int nz__clip(nz_str s, size_t max);
/* Number of code points in s. */
size_t nz__chars(nz_str s);
/* True when s looks like an e-mail address: something, '@', something with a '.' inside. */
bool nz__email_ok(nz_str s);
nz_rc nz__nomem(nz__ingest *in);

/* ---- text.c, frontmatter.c: the two formats ---------------------------------------------- */

/* Each fills in->art from in->lines; ingest.c then fills language, slug, status and section. */
nz_rc nz__text_parse(nz__ingest *in);
nz_rc nz__frontmatter_parse(nz__ingest *in);

/* ---- byline.c ---------------------------------------------------------------------------- */

/* nz_ingest_byline, plus *bad_email (may be NULL): the first address in an e-mail slot that
 * did not look like one (the author's email stays NULL), len 0 when there was none. */
nz_rc nz__byline_parse(nz_arena *arena, nz_str line, nz_author **authors, size_t *n,
		       nz_str *bad_email, nz_err *err);
/* Splits a whole name ("Jane Doe", "Kim Min-jun", "김민준") into family and given names and an
 * order: Hangul family first without a space; "Kim Min-jun" (a Korean family name and a
 * hyphenated given name) eastern; otherwise western, the last word the family name. */
nz_rc nz__name_split(nz_arena *arena, nz_str name, nz_author *au);
/* Fills au->display_name (nz_author_name) and au->slug (from the display name). */
nz_rc nz__author_finish(nz_arena *arena, nz_author *au);

#endif
