/*
 * ingest: importers that turn files into articles. Two formats, told apart by their first
 * line: plain-text article pages of the reference page's shape (chrome, headline, highlights,
 * body with a dateline, byline, copyright line, captions), and Markdown with a front-matter
 * block (Newszone's own lossless text format, docs/import-format.md).
 *
 * Rules: ingest parses bytes into an nz_article in an arena and never touches the store or the
 * file system; cli/import reads files and stores results. Every line no field took goes into
 * import_notes, so nothing in a file is lost. Bad input is refused with one message naming
 * the line or byte offset.
 */
#ifndef NZ_INGEST_H
#define NZ_INGEST_H

#include "content/content.h"
#include "core/core.h"

/* Files larger than this are refused: a few MB of text is not an article. */
#define NZ_IMPORT_MAX_BYTES ((size_t)2 * 1024 * 1024)

typedef struct nz_import_opts {
	const char *language;     /* "en" or "ko" forces it; NULL detects (Hangul → "ko") */
	const char *section_slug; /* NULL: the file's own, else none */
	bool publish;             /* status published (published_at = the file's date or now) */
	nz_time now;
} nz_import_opts;

typedef enum { NZ_FORMAT_TEXT = 0, NZ_FORMAT_MARKDOWN = 1 } nz_import_format;

/* What nz_ingest_parse gives back. */
typedef struct nz_ingested {
	nz_article article;      /* zeroed first (and again on a refusal); strings in the arena */
	nz_import_format format; /* how the file was read: Markdown when it opens with "---" */
} nz_ingested;

/* Parses bytes into out->article. On refusal returns NZ_INVAL,
 * NZ_UTF8, NZ_TOOBIG or NZ_PARSE with err->msg a reason that names the line ("line 3: ...") or
 * byte offset ("byte 1042: invalid UTF-8") where one applies, but not the file name (the
 * caller prefixes it). An empty file, a binary file (NUL bytes), invalid UTF-8, over
 * NZ_IMPORT_MAX_BYTES, or no recognisable article (no headline and body) are refused. */
nz_rc nz_ingest_parse(nz_arena *arena, const void *bytes, size_t len, const nz_import_opts *opts,
		      nz_ingested *out, nz_err *err);

/* Splits a byline's text into authors: "By Su-Yeol, Maeng < >", "By A B and C D <a@b.c>",
 * "김민준 기자 < kim@example.kr >". Fills names, order, email (NULL for an empty slot) and
 * slug. NZ_PARSE when the line is not a byline. */
nz_rc nz_ingest_byline(nz_arena *arena, nz_str line, nz_author **authors, size_t *n, nz_err *err);

/* ---- WordPress -------------------------------------------------------------------------- */

#include "ingest/wxr.h"

/* An attachment of the export, as [gallery ids=...] and gallery blocks name them. */
typedef struct nz_wp_attachment {
	const char *url, *caption, *alt, *title;
} nz_wp_attachment;

/* Looks attachment id up; NULL when the export has no such attachment. */
typedef const nz_wp_attachment *(*nz_wp_attachment_fn)(void *ctx, int64_t id);

/* What a post's content became. */
typedef struct nz_wp_body {
	const char *markdown; /* in arena */
	const char **unknown; /* what was kept as text because it was not understood */
	size_t n_unknown;     /* ("shortcode [poll]", "element <marquee>", "block wp:foo") */
	const char **images;  /* the URL of every image the body shows, in order */
	size_t n_images;
} nz_wp_body;

/* Turns a post's content (classic HTML with WordPress's paragraph rules, or block markup,
 * with [caption], [gallery] and [embed] shortcodes) into Markdown that reads as the page did:
 * paragraphs, headings, lists, quotes and pull quotes, images with captions, galleries,
 * tables, code, preformatted text, separators, embeds as links. Nothing is dropped: what is
 * not understood stays as visible text and is listed in out->unknown. lookup may be NULL. */
nz_rc nz_ingest_wp_body(nz_arena *arena, const char *html, nz_wp_attachment_fn lookup, void *ctx,
			nz_wp_body *out, nz_err *err);

/* ---- wire feeds ------------------------------------------------------------------------- */

/* One item of an agency feed. Strings are NULL when absent. */
typedef struct nz_wire_item {
	const char *uid;      /* guid, Atom id or ninjs uri (the link when there is none) */
	const char *headline; /* title / headline */
	const char *body_html, *summary, *link, *byline, *credit;
	nz_time at;      /* pubDate / published / versioncreated; 0 when none */
	const char *raw; /* the item's own text: its element (XML), its object (ninjs) */
	size_t raw_len;
} nz_wire_item;

/* The items of a feed's answer (format "rss", "atom" or "ninjs"; RSS and Atom are told apart by
 * their elements, so either reads both), at most 1000, in arena; an item without an id or a
 * headline is left out. NZ_PARSE with "line N: reason" for malformed XML or JSON or a DOCTYPE
 * (entities are never expanded). */
nz_rc nz_ingest_wire_parse(nz_arena *arena, const char *format, const void *bytes, size_t len,
			   nz_wire_item **items, size_t *n, nz_err *err);

#endif
