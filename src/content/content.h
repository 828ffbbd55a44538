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
#define NZ_SLUG_MAX 80                         /* code points */
#define NZ_MARKDOWN_DEPTH_MAX 32               /* quotes and lists nested on one line */
#define NZ_MARKDOWN_MARKERS_MAX 50000          /* quote and list markers in one body */
#define NZ_MARKDOWN_HTML_MAX (4 * NZ_BODY_MAX) /* bytes of HTML one body may render to */

typedef struct nz_section {
	int64_t id;
	const char *slug;
	const char *name;
	int position; /* order in the navigation */
	/* The name in other editions' languages, a JSON object ({"ko":"국방"}); NULL: none. */
	const char *names;
} nz_section;

/* How a person's name is shown: western "Given Family", eastern "Family Given" (Korean names in
 * Latin script, "Maeng Su-Yeol"), and Korean in Hangul "Family+Given" without a space ("김민준").
 */
#define NZ_NAME_ORDERS(X)                                                                          \
	X(NZ_NAME_WESTERN, "western")                                                              \
	X(NZ_NAME_EASTERN, "eastern")                                                              \
	X(NZ_NAME_HANGUL, "hangul")

typedef enum { NZ_NAME_ORDERS(NZ_ENUM_MEMBER) } nz_name_order;

const char *nz_name_order_name(nz_name_order o);         /* "western", "eastern", "hangul" */
nz_rc nz_name_order_parse(nz_str s, nz_name_order *out); /* NZ_INVAL for anything else */

typedef struct nz_author {
	int64_t id;
	const char *slug;
	const char *display_name; /* as shown; from nz_author_display_name() when imported */
	const char *family_name;  /* may be NULL */
	const char *given_name;   /* may be NULL */
	nz_name_order order;
	const char *email; /* NULL when unknown (an empty "< >" slot) */
	const char *bio;   /* may be NULL: the bio of the site's language when none is given */
	/* The profile the back office edits (docs/people-and-tags.md): a job title and bio per
	 * language, a photo and links to the same person elsewhere (schema.org sameAs). */
	struct nz_author_text *texts;
	size_t n_texts;
	int64_t photo_id;       /* a media row, 0 for none */
	const char *photo_hash; /* that photo's hash (its /media/ URL), NULL for none */
	const char **same_as;   /* absolute http(s) URLs */
	size_t n_same_as;
} nz_author;

/* An author's words in one language: "en", "ko". Either may be NULL. */
typedef struct nz_author_text {
	const char *language;
	const char *job_title;
	const char *bio;
} nz_author_text;

/* The author's text in language, else in the first language that has one; NULL when there
 * is none. A bio missing there falls back to au->bio. */
const nz_author_text *nz_author_text_for(const nz_author *au, const char *language);

typedef struct nz_tag {
	int64_t id;
	const char *slug;
	const char *name;          /* as imported or typed; the fallback of every language */
	struct nz_tag_text *texts; /* the back office's names per language */
	size_t n_texts;
} nz_tag;

/* A tag's words in one language: its name ("Air Force", "공군") and a description for its
 * page; either may be NULL. */
typedef struct nz_tag_text {
	const char *language;
	const char *name;
	const char *description;
} nz_tag_text;

/* The name of tag in language (its text there, else tag->name, else the slug); never NULL. */
const char *nz_tag_name(const nz_tag *tag, const char *language);
/* The description of tag in language (else in the first language that has one), or NULL. */
const char *nz_tag_description(const nz_tag *tag, const char *language);

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
	/* The point crops keep in view, in percent of the width and height (0..100), when
	 * has_focal; otherwise the centre. nz_media_focal() reads it either way. */
	bool has_focal;
	int focal_x, focal_y;
	const char *filename; /* the file's name as uploaded, or NULL */
} nz_media;

/* m's focal point in percent, the centre (50, 50) when none is set. */
void nz_media_focal(const nz_media *m, int *x, int *y);
/* Whether m is a photo (it has bytes) without alt text, neither its own nor one written where
 * body_markdown (may be NULL) places it (![text](media:<id>)): publishing an article with one
 * is refused (readers who cannot see it would get nothing). */
bool nz_media_lacks_alt(const nz_media *m, const char *body_markdown);

typedef struct nz_correction {
	int64_t id;
	nz_time created_at;
	const char *text;
} nz_correction;

#define NZ_STATUSES(X)                                                                             \
	X(NZ_STATUS_DRAFT, "draft")                                                                \
	X(NZ_STATUS_REVIEW, "review")                                                              \
	X(NZ_STATUS_SCHEDULED, "scheduled")                                                        \
	X(NZ_STATUS_PUBLISHED, "published")                                                        \
	X(NZ_STATUS_RETRACTED, "retracted")

typedef enum { NZ_STATUSES(NZ_ENUM_MEMBER) } nz_status;

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
	/* An imported file's translation_of: the slug of the article this one translates, NULL
	 * otherwise. Not stored as such: the import turns it into translation_group. */
	const char *translation_of;
	nz_time created_at, updated_at, published_at, publish_at, embargo_until;
	/* The order of public lists: published_at, or the newest live update's time when later
	 * (the store keeps it); 0 while unpublished. */
	nz_time listed_at;
	int64_t revision;   /* 1 for the first save, +1 per save */
	int64_t created_by; /* back office: the user who created it; 0: imported/none */
} nz_article;

/* Site-wide settings (the settings table), with defaults from nz_site_defaults(). */
#define NZ_SITE_LOCALS_MAX 24 /* per-edition settings kept (3 fields x 8 editions) */

typedef struct nz_site {
	const char *name;      /* "Newszone Daily" */
	const char *base_url;  /* "http://127.0.0.1:8080", no trailing slash */
	const char *language;  /* default language of the site */
	const char *copyright; /* default copyright line for new articles */
	const char *tagline;
	/* The zone dates are shown in and times are typed in: an IANA name ("Asia/Seoul") of the
	 * system's tz database (core/tz.c); kept by value so a copied nz_site keeps it. */
	char time_zone[64];
	/* The newsroom's card image (its logo or a card of its own) for link previews of pages
	 * without a photo: hash, width and height set, or hash NULL for none. */
	nz_media card_image;
	/* The editions: language codes separated by spaces ("en ko"). The site's language is the
	 * edition at "/", each other one lives under "/<code>/" (docs/editions.md). */
	const char *editions;
	/* Per-edition name, tagline and copyright (settings "name.ko", "copyright.ko", ...). */
	struct nz_site_local {
		const char *field; /* a literal: "name", "tagline", "copyright" */
		char lang[16];
		const char *value;
	} locals[NZ_SITE_LOCALS_MAX];
	size_t n_locals;
} nz_site;

void nz_site_defaults(nz_site *site);
/* The site's zone name, "UTC" when site is NULL. */
const char *nz_site_zone(const nz_site *site);

/* Editions: the codes of site->editions, in order, into codes[max][16]; returns how many (the
 * site's language always counts, first when the list lacks it). */
#define NZ_EDITIONS_MAX 8
size_t nz_site_editions(const nz_site *site, char codes[][16], size_t max);
/* True when lang names an edition of the site. */
bool nz_site_has_edition(const nz_site *site, const char *lang);
/* True when lang is a well-formed edition code: 2 or 3 lowercase letters. */
bool nz_edition_code_valid(const char *lang);
/* The per-edition value of field ("name", "tagline", "copyright") for lang, or NULL. */
const char *nz_site_local(const nz_site *site, const char *field, const char *lang);

/* Checks an article before it is stored: headline present and within limits, slug valid,
 * language known, counts within limits, all text valid UTF-8. Fills err with the first problem
 * naming the field ("headline: empty"). */
nz_rc nz_article_validate(const nz_article *a, nz_err *err);

/* True when readers may see it at `now`: published (or retracted, which keeps its URL with a
 * notice), its publication time reached, and any embargo passed. */
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

/* How a Markdown body nests (markdown_shape.c): the most quote and list markers that open
 * one line, on which line (from 1), and all of them together. */
typedef struct nz_markdown_shape {
	size_t depth, deepest_line, markers;
} nz_markdown_shape;
nz_markdown_shape nz_markdown_shape_of(const char *md, size_t len);
/* NZ_INVAL with a message naming the line when md nests deeper than NZ_MARKDOWN_DEPTH_MAX or
 * holds more than NZ_MARKDOWN_MARKERS_MAX markers. nz_article_validate applies it. */
nz_rc nz_markdown_shape_check(const char *md, size_t len, nz_err *err);

/* ---- back office: users, roles, permissions, the workflow, images ---- */

/* Roles, from least to most trusted; each can do everything the one before it can. */
#define NZ_ROLES(X)                                                                                \
	X(NZ_ROLE_CONTRIBUTOR, "contributor") /* own drafts: writes, edits, submits for review */  \
	X(NZ_ROLE_EDITOR, "editor") /* edits any article, publishes, schedules, corrects, ... */   \
	X(NZ_ROLE_ADMIN, "admin")   /* also users, tokens, sections, site settings */

typedef enum { NZ_ROLES(NZ_ENUM_MEMBER) } nz_role;

const char *nz_role_name(nz_role r);         /* "contributor", "editor", "admin" */
nz_rc nz_role_parse(nz_str s, nz_role *out); /* NZ_INVAL for anything else */

/* A back-office account. The password hash never leaves the store except for the one call that
 * checks a password (nz_store_user_by_login). */
typedef struct nz_user {
	int64_t id;
	const char *login; /* 1..64 bytes of [a-z0-9._-], see nz_user_login_valid */
	nz_role role;
	int64_t author_id; /* 0: not linked to a byline */
	nz_time created_at;
	nz_time disabled_at; /* 0: active; a disabled user cannot sign in or use tokens */
} nz_user;

#define NZ_LOGIN_MAX 64
/* Logins: 1..64 bytes, lower-case ASCII letters, digits, '.', '_', '-'; starting with a letter
 * or digit. */
bool nz_user_login_valid(const char *login);

/* Everything the server checks permission for. Article actions take the article (its status and
 * created_by matter); the others take NULL. */
#define NZ_ACTIONS(X)                                                                              \
	X(NZ_ACT_VIEW, "view") /* see an article (drafts included) in the back office */           \
	X(NZ_ACT_CREATE, "create articles")                                                        \
	X(NZ_ACT_EDIT, "edit") /* save changes (includes restoring an old revision) */             \
	X(NZ_ACT_SUBMIT, "submit for review")    /* draft -> review */                             \
	X(NZ_ACT_RETURN, "return to the writer") /* review -> draft */                             \
	X(NZ_ACT_PUBLISH, "publish")             /* -> published */                                \
	X(NZ_ACT_SCHEDULE, "schedule")           /* -> scheduled at a time; also unscheduling */   \
	X(NZ_ACT_EMBARGO, "embargo")             /* set or clear embargo_until */                  \
	X(NZ_ACT_CORRECT, "correct")             /* append a public correction */                  \
	X(NZ_ACT_RETRACT, "retract")             /* published -> retracted */                      \
	X(NZ_ACT_UPLOAD, "upload media")                                                           \
	X(NZ_ACT_REVIEW_QUEUE, "see the review queue") /* and every article */                     \
	X(NZ_ACT_AUDIT, "read the audit log")                                                      \
	X(NZ_ACT_MANAGE_USERS, "manage users and tokens") /* roles, other people's API tokens */   \
	X(NZ_ACT_MANAGE_SITE, "manage sections and settings")

typedef enum { NZ_ACTIONS(NZ_ENUM_MEMBER) NZ_ACT__COUNT } nz_action;

const char *nz_action_name(nz_action act); /* "publish", ... for messages */

/* The permission rule table: may a user with `role` and id `user_id` do `act` (to article `a`,
 * NULL for actions that are not about one article)?
 *   contributor: VIEW own articles; CREATE; EDIT and SUBMIT own articles while draft or in
 *                review (EDIT) / draft (SUBMIT); UPLOAD. Nothing else.
 *   editor:      everything about any article, the review queue and the audit log.
 *   admin:       everything, including MANAGE_USERS and MANAGE_SITE.
 * "Own" means a->created_by == user_id (user_id > 0). This is only about who; whether the
 * article's state allows the change is nz_workflow_next's question. */
bool nz_can(nz_role role, nz_action act, const nz_article *a, int64_t user_id);

/* Workflow events. States: draft -> review -> scheduled | published -> (updated) -> retracted.
 *   EDIT       any state but retracted; status unchanged (an edit of a published article is
 *              an "update": the page shows the Updated time)
 *   SUBMIT     draft -> review
 *   RETURN     review -> draft
 *   SCHEDULE   draft | review | scheduled -> scheduled (needs a time in the future)
 *   UNSCHEDULE scheduled -> draft
 *   PUBLISH    draft | review | scheduled -> published (the scheduler uses it at publish_at)
 *   EMBARGO    any state but retracted; status unchanged (sets or clears embargo_until)
 *   CORRECT    published -> published
 *   RETRACT    published -> retracted (the URL stays, with a notice instead of the body)
 * Retracted is final. */
#define NZ_EVENTS(X)                                                                               \
	X(NZ_EV_EDIT, "edit")                                                                      \
	X(NZ_EV_SUBMIT, "submit")                                                                  \
	X(NZ_EV_RETURN, "return")                                                                  \
	X(NZ_EV_SCHEDULE, "schedule")                                                              \
	X(NZ_EV_UNSCHEDULE, "unschedule")                                                          \
	X(NZ_EV_PUBLISH, "publish")                                                                \
	X(NZ_EV_EMBARGO, "embargo")                                                                \
	X(NZ_EV_CORRECT, "correct")                                                                \
	X(NZ_EV_RETRACT, "retract")

typedef enum { NZ_EVENTS(NZ_ENUM_MEMBER) NZ_EV__COUNT } nz_event;

const char *nz_event_name(nz_event ev); /* "edit", "submit", ... */
nz_rc nz_event_parse(nz_str s, nz_event *out);
/* The permission an event needs (SCHEDULE and UNSCHEDULE: NZ_ACT_SCHEDULE, ...). */
nz_action nz_event_action(nz_event ev);
/* The state after ev in state `from`; NZ_INVAL with a message for readers ("cannot publish:
 * the article is retracted") when the transition is not in the table. */
nz_rc nz_workflow_next(nz_status from, nz_event ev, nz_status *to, nz_err *err);
/* The audit_log action name a change records (the contract with distribution):
 * EDIT of a published article "article.updated", of anything else "article.edited";
 * SUBMIT "article.submitted", SCHEDULE "article.scheduled", UNSCHEDULE "article.unscheduled",
 * PUBLISH "article.published", EMBARGO "article.embargoed", CORRECT "article.corrected",
 * RETRACT "article.retracted", RETURN "article.returned". */
const char *nz_workflow_audit_action(nz_event ev, nz_status from);

/* Images: the type comes from the bytes, never from a name or a Content-Type header. */
#define NZ_MEDIA_MAX (10 * 1024 * 1024) /* bytes per upload, documented in docs/api.md */
#define NZ_IMAGE_DIM_MAX 30000          /* pixels per side */
#define NZ_IMAGE_PIXELS_MAX 50000000    /* pixels per image (50 megapixels), from the header */

typedef struct nz_image_info {
	const char *mime; /* "image/jpeg", "image/png", "image/webp" (static strings) */
	const char *ext;  /* "jpg", "png", "webp" */
	int width, height;
} nz_image_info;

/* Sniffs JPEG (SOF0..SOF15 frame header), PNG (IHDR) and WebP (VP8, VP8L, VP8X) and reads the
 * pixel size. NZ_UNSUPPORTED for another type, NZ_PARSE for a truncated or damaged header,
 * NZ_TOOBIG past NZ_MEDIA_MAX bytes, NZ_IMAGE_DIM_MAX pixels a side or NZ_IMAGE_PIXELS_MAX
 * pixels in all; err says which limit. Reads only
 * bytes[0..len). */
nz_rc nz_image_probe(const void *bytes, size_t len, nz_image_info *out, nz_err *err);

/* ---- static pages: About, Contact, the policies, the masthead ---------------------------- */

/* What a static page is for, as the organization's JSON-LD (schema.org NewsMediaOrganization,
 * the Trust Project's indicators) points to it: a role's name is the property's name. One page
 * at most holds a role. */
#define NZ_PAGE_ROLES(X)                                                                           \
	X(NZ_PAGE_ROLE_PRINCIPLES, "publishingPrinciples")                                         \
	X(NZ_PAGE_ROLE_ETHICS, "ethicsPolicy")                                                     \
	X(NZ_PAGE_ROLE_CORRECTIONS, "correctionsPolicy")                                           \
	X(NZ_PAGE_ROLE_MASTHEAD, "masthead")                                                       \
	X(NZ_PAGE_ROLE_DIVERSITY, "diversityPolicy")
typedef enum { NZ_PAGE_ROLES(NZ_ENUM_MEMBER) } nz_page_role;
const char *nz_page_role_name(nz_page_role r);
nz_rc nz_page_role_parse(nz_str s, nz_page_role *out); /* NZ_INVAL for anything else */

#define NZ_PAGE_TITLE_MAX 300 /* bytes of a static page's title */

typedef struct nz_static_page {
	int64_t id; /* 0 before the first save */
	const char *slug, *title, *body_markdown;
	const char *role; /* NULL: none; else a name of NZ_PAGE_ROLES (content.h), one page each */
	int64_t position; /* the footer's order (then the title) */
	int64_t revision; /* the current one; on save, the one the edit was based on */
	nz_time created_at, updated_at;
	/* Its versions in other editions' languages, a JSON object of objects
	 * ({"ko": {"title": "소개", "body_markdown": "..."}}); NULL: none. */
	const char *translations;
} nz_static_page;

typedef struct nz_static_page_revision {
	int64_t revision;
	const char *slug, *title, *body_markdown, *role;
	const char *translations; /* as nz_static_page's */
	int64_t actor;            /* 0: the system */
	nz_time saved_at;
} nz_static_page_revision;

/* Live coverage of an article (docs/live-coverage.md): when it started and ended (0: still
 * live; started_at 0: the article was never live) and its updates, newest first. */
#define NZ_LIVE_UPDATE_MAX 20000 /* bytes of one update's Markdown */
typedef struct nz_live_update {
	int64_t id; /* 0 before the first save */
	int64_t article_id;
	const char *body_markdown;
	bool pinned;      /* a key update: shown on top */
	int64_t revision; /* the current one; on save, the one the edit was based on */
	int64_t actor;    /* who wrote it (0: the system) */
	nz_time created_at, updated_at;
	/* What it is: "text" (the Markdown alone), "photo" (media_id's photo, the Markdown an
	 * optional comment) or "quote" (quote said by attribution, the Markdown optional context).
	 * On an edit, kind NULL (and media_id 0, quote and attribution NULL) keeps what it was. */
	const char *kind;
	int64_t media_id;
	const char *quote, *attribution;
	const nz_media *photo; /* read with the update: media_id's photo, NULL when none */
} nz_live_update;

typedef struct nz_live {
	nz_time started_at, ended_at;
	nz_live_update *updates; /* newest first */
	size_t n_updates;
} nz_live;
/* One article of "Most read" (docs/front-page.md): what its list entry shows. */
typedef struct nz_most_read {
	int64_t id;
	const char *slug, *headline, *language;
	int64_t views; /* in the period asked for */
} nz_most_read;

#endif
