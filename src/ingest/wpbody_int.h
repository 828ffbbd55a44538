/*
 * wpbody_int.h: what wpshort.c (shortcodes and paragraph rules, text to HTML) and wpbody.c
 * (HTML to Markdown) share while one WordPress post's content is read.
 */
#ifndef NZ_INGEST_WPBODY_INT_H
#define NZ_INGEST_WPBODY_INT_H

#include "ingest/ingest.h"

typedef struct nz__wp {
	nz_arena *arena;
	nz_wp_attachment_fn lookup;
	void *ctx;
	nz_buf *pre; /* wpshort.c's output */
	nz_wp_body *out;
	size_t cap_unknown, cap_images;
	nz_strset seen; /* unknown things already listed */
} nz__wp;

/* Lists something not understood (once per distinct text). */
nz_rc nz__wp_unknown(nz__wp *w, const char *fmt, ...) NZ_PRINTF(2, 3);
/* Shortcodes replaced and classic paragraphs wrapped: HTML ready for the parser into out. */
nz_rc nz__wp_prepare(nz__wp *w, const char *html, nz_buf *out);

#endif
