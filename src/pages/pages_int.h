/*
 * pages internals shared by the producers (pages.c, feeds.c, static_page.c).
 */
#ifndef NZ_PAGES_INT_H
#define NZ_PAGES_INT_H

#include "pages/pages.h"

/* Keeps the newest time in out->modified. */
void nz__page_modified(nz_page_out *out, nz_time t);
/* For a list: modified from its newest item, and "article-<id>" for each item. */
nz_rc nz__page_list_keys(const nz_page_env *env, nz_page_out *out, const nz_article *items,
			 size_t n);
/* The language of the page's edition: pc->edition, else the site's. */
const char *nz__page_lang(const nz_page_ctx *pc);
/* Sets a 400/404 outcome; returns NZ_OK. */
nz_rc nz__page_not_found(nz_page_out *out, int status, const char *message);

#endif
