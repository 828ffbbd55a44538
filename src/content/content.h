/*
 * content: the newsroom's model. Articles, sections, authors, tags, media, corrections and the
 * site's settings, with the rules that hold for them (validation, who is public, how a name is
 * shown). No I/O, no SQL, no HTML: pure data and rules.
 *
 * Memory: every string and array hanging off these structs lives in an nz_arena owned by
 * whoever filled the struct (the store, an importer, a handler). Nothing here frees.
 * Times are nz_time (UTC seconds), 0 meaning "not set"; ids are 0 until stored.
 */
#ifndef NZ_CONTENT_H
#define NZ_CONTENT_H

#include "core/core.h"

/* Limits, documented in docs/configuration.md. */
#define NZ_HEADLINE_MAX 400       /* bytes */
#define NZ_HIGHLIGHTS_MAX 12      /* bullet lines */
#define NZ_BODY_MAX (1024 * 1024) /* bytes of Markdown */
#define NZ_AUTHORS_MAX 16
#define NZ_TAGS_MAX 32
#define NZ_SLUG_MAX 80 /* code points */

typedef struct nz_section {
	int64_t id;
	const char *slug;
	const char *name;
	int position; /* order in the navigation */
} nz_section;

/* How a person's name is shown: western "Given Family", eastern "Family Given" (Korean names in
 * Latin script, "Maeng Su-Yeol"), and Korean in Hangul "Family+Given" without a space ("김민준").
 */
typedef enum { NZ_NAME_WESTERN = 0, NZ_NAME_EASTERN = 1, NZ_NAME_HANGUL = 2 } nz_name_order;

typedef struct nz_author {
	int64_t id;
	const char *slug;
	const char *display_name; /* as shown; from nz_author_display_name() when imported */
	const char *family_name;  /* may be NULL */
	const char *given_name;   /* may be NULL */
	nz_name_order order;
	const char *email; /* NULL when unknown (an empty "< >" slot) */
	const char *bio;   /* may be NULL */
} nz_author;

typedef struct nz_tag {
	int64_t id;
	const char *slug;
	const char *name;
} nz_tag;

/* A photo. The bytes live in the store, addressed by their SHA-256; an article may also carry a
 * caption with no photo (hash NULL), as imported pages often do. */
typedef struct nz_media {
	int64_t id;
	const char *hash; /* hex SHA-256 of the bytes, or NULL for a caption without a photo */
	const char *mime; /* "image/jpeg", "image/png", "image/webp", or NULL */
	const char *caption;
	const char *credit;
	const char *alt;
	int width, height; /* 0 when unknown */
} nz_media;

typedef struct nz_correction {
	int64_t id;
	nz_time created_at;
	const char *text;
} nz_correction;

typedef enum {
	NZ_STATUS_DRAFT = 0,
	NZ_STATUS_REVIEW = 1,
	NZ_STATUS_SCHEDULED = 2,
	NZ_STATUS_PUBLISHED = 3,
	NZ_STATUS_RETRACTED = 4,
} nz_status;

const char *nz_status_name(nz_status s); /* "draft", "review", ... */
nz_rc nz_status_parse(nz_str s, nz_status *out);

typedef struct nz_article {
	int64_t id;
	char uuid[37];
	const char *slug;
	const char *language; /* "en" or "ko" (BCP 47 primary tag) */
	nz_status status;
	nz_section *section; /* may be NULL */
	const char *headline;
	const char *highlights_intro; /* may be NULL: "During the meeting:" */
	const char **highlights;
	size_t n_highlights;
	const char *dateline; /* may be NULL: "BUSAN, June 4" */
	const char *body_markdown;
	const char *copyright; /* the line as printed, may be NULL */
	nz_author *authors;    /* in byline order */
	size_t n_authors;
	nz_media *media; /* media[0] is the lead photo or caption */
	size_t n_media;
	nz_tag *tags;
	size_t n_tags;
	nz_correction *corrections;
	size_t n_corrections;
	const char **import_notes; /* lines of an imported file that no field took */
	size_t n_import_notes;
	int64_t translation_group; /* 0: none; articles sharing it are translations of each other */
	nz_time created_at, updated_at, published_at, publish_at, embargo_until;
	int64_t revision; /* 1 for the first save, +1 per save */
} nz_article;

/* Site-wide settings (the settings table), with defaults from nz_site_defaults(). */
typedef struct nz_site {
	const char *name;      /* "Newszone Daily" */
	const char *base_url;  /* "http://127.0.0.1:8080", no trailing slash */
	const char *language;  /* default language of the site */
	const char *copyright; /* default copyright line for new articles */
	const char *tagline;
	int tz_offset_min; /* the zone dates are shown in, minutes east of UTC */
} nz_site;

void nz_site_defaults(nz_site *site);

/* Checks an article before it is stored: headline present and within limits, slug valid,
 * language known, counts within limits, all text valid UTF-8. Fills err with the first problem
 * naming the field ("headline: empty"). */
nz_rc nz_article_validate(const nz_article *a, nz_err *err);

/* True when readers may see it at `now`: published (or retracted, which keeps its URL with a
 * notice) and any embargo has passed. */
bool nz_article_is_public(const nz_article *a, nz_time now);

/* The name as shown on a byline, built from family/given/order; falls back to display_name.
 * Result allocated in arena. */
const char *nz_author_name(nz_arena *arena, const nz_author *au);

/* "ko" when the text has Hangul, else "en". */
const char *nz_language_detect(const char *text, size_t len);
bool nz_language_valid(const char *lang);

/* The first paragraph of Markdown body text as plain text, headings left out (for the lead and
 * summaries): allocated in arena; "" when the body is empty. */
const char *nz_article_first_paragraph(nz_arena *arena, const char *body_markdown);

#endif
