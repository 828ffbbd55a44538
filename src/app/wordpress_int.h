/*
 * wordpress_int.h: what wordpress.c (the two passes, authors, attachments, the report) and
 * wordpress_item.c (one post or page into an article) share during one WordPress import.
 */
#ifndef NZ_APP_WORDPRESS_INT_H
#define NZ_APP_WORDPRESS_INT_H

#include "app/app.h"

/* An attachment of the export, kept from the first pass. */
typedef struct nz__wp_att {
	int64_t id;
	nz_wp_attachment pub; /* url, caption, alt, title */
	const char *file;     /* _wp_attached_file: the path under the uploads folder */
	int64_t media_id;     /* once brought in from --media-dir (0: not yet, -1: could not) */
} nz__wp_att;

typedef struct nz__wp_run {
	nz_store *s;
	nz_arena *arena; /* lives for the whole import: attachments, authors, the report */
	const nz_app_wp_opts *o;
	nz_app_wp_report *r;
	nz__wp_att *atts;
	size_t n_atts, cap_atts;
	size_t *slots; /* open addressing: index + 1 into atts by id, 0 empty */
	size_t n_slots;
	nz_wxr_author *authors;
	size_t n_authors, cap_authors;
	size_t cap_skipped, cap_unknown, cap_renamed;
	const char *base_url; /* the export's base_site_url */
	const char *file;     /* the export's file name, for import records */
	size_t cap_pins;      /* r->pins: the sticky posts met, pinned at the end */
} nz__wp_run;

/* The attachment with that id, NULL when the export has none. */
nz__wp_att *nz__wp_att_find(nz__wp_run *run, int64_t id);
/* The export's author with that login, NULL when none. */
const nz_wxr_author *nz__wp_author_find(nz__wp_run *run, const char *login);
/* Counts a reason in list (skips or unknown content). */
nz_rc nz__wp_reason(nz__wp_run *run, nz_app_wp_reason **list, size_t *n, size_t *cap,
		    const char *text);
/* Says one line about an item through o->notice. */
void nz__wp_notice(nz__wp_run *run, const char *fmt, ...) NZ_PRINTF(2, 3);

/* A WordPress slug (percent-encoded UTF-8 for non-Latin ones) when it is valid here; NULL
 * otherwise (the store then makes one from the headline). In ar. */
const char *nz__wp_slug(nz_arena *ar, const char *name);
/* The export's attachment with that id for nz_ingest_wp_body (ctx: the run). */
const nz_wp_attachment *nz__wp_lookup(void *ctx, int64_t id);
/* The key an item is matched by on a later import (its GUID, else base URL and post ID). */
const char *nz__wp_item_key(nz__wp_run *run, nz_arena *ar, const nz_wxr_item *it);
/* Lines of import notes being gathered in ar; rc turns NZ_NOMEM (and stays) when one fails. */
typedef struct nz__wp_notes {
	nz_arena *ar;
	const char **lines;
	size_t n, cap;
	nz_rc rc;
} nz__wp_notes;
void nz__wp_note(nz__wp_notes *n, const char *fmt, ...) NZ_PRINTF(2, 3);
/* The item's fields no Newszone field takes (its old address and id, GUID, comments, parent,
 * description, the unmapped children, the post meta) as notes (wordpress_notes.c). */
void nz__wp_leftovers(nz__wp_notes *n, const nz_wxr_item *it, nz_wp_type type);
/* A published page into a static page (wordpress_page.c); counted like nz__wp_item. */
nz_rc nz__wp_page(nz__wp_run *run, const nz_wxr_item *it, nz_err *err);

/* Keeps a (a sticky post just stored, published) to be pinned at the end of the import. */
nz_rc nz__wp_sticky_keep(nz__wp_run *run, const nz_article *a, int64_t id);
/* Pins the kept sticky posts into the free top slots of their language's front page
 * (wordpress_sticky.c); r->pins says where each went. */
nz_rc nz__wp_sticky_pin(nz__wp_run *run, nz_err *err);

/* One post or page: imported, updated, unchanged or skipped, counted in the report. Returns an
 * error only when the database or memory failed. */
nz_rc nz__wp_item(nz__wp_run *run, const nz_wxr_item *it, nz_wp_type type, nz_err *err);

#endif
