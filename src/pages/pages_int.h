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

/* front.c: page 1 of the front (language, section_id: 0 for the front page) as its layout in
 * force arranges it: list (the newest public stories, loaded) becomes the pinned stories (each in
 * its version in language when it has one), with their front-page headlines, then the rest of
 * list without them, at most limit in all (arena); the top's free slots take the stories in
 * language first. Adds the pinned stories' keys. */
nz_rc nz__page_front_arrange(const nz_page_env *env, const char *language, int64_t section_id,
			     nz_article_list *list, size_t limit, nz_page_out *out, nz_err *err);
/* The blocks of the front page below its top (front.c): for each section of the navigation,
 * its latest NZ_FRONT_BLOCK_ITEMS public stories in language, leaving out the first n_top of
 * top (the lead and the top stories); sections without any are left out. In arena; adds each
 * block's keys (the section's and its stories'). */
#define NZ_FRONT_BLOCK_ITEMS 3
#define NZ_MOST_READ_FRONT 5 /* stories in the front page's "Most read" */
nz_rc nz__page_front_blocks(const nz_page_env *env, const char *language,
			    const nz_article_list *top, size_t n_top, nz_front_block **blocks,
			    size_t *n_blocks, nz_page_out *out, nz_err *err);

/* The articles of cursor->ids (a page of a list, read once per list by the caller), each from
 * cursor->load, in order, into list (total: cursor->total); an id gone since is left out. */
nz_rc nz__page_given_ids(const nz_page_env *env, const nz_page_cursor *cursor,
			 nz_article_list *list, nz_err *err);

#endif
