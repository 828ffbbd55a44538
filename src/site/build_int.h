/*
 * site/build_int.h: what build.c (the build's frame: modes, manifest, removals) and plan.c (what
 * to make, full or incremental) share.
 */
#ifndef NZ_SITE_BUILD_INT_H
#define NZ_SITE_BUILD_INT_H

#include "site/site_int.h"

typedef struct nz__jobs {
	nz__job *items;
	size_t n, cap;
} nz__jobs;

typedef struct nz__build {
	nz_store *store;
	const char *dir;
	const nz_site_opts *opts;
	nz_arena *arena; /* the build's own: job strings, keys */
	nz_site site;
	nz_page_ctx pc;
	nz__manifest *old; /* empty for a full build without one */
	nz__builder *builder;
	nz_site_progress_fn progress;
	void *progress_ctx;
	size_t done, planned;
	nz_site_stats *stats;
	nz__jobs all; /* every job of every phase, for the manifest */
	/* Owners remade completely this build: their old files that were not made again go. */
	bool every_owner;
	nz_strset owners;
	/* List subjects found gone (a tag or author with no public article left). */
	nz_strset gone;
	/* cursor.c: the order keys of the lists whose deep pages are made, in arena. */
	struct nz__list_keys *lists;
	size_t n_lists, cap_lists;
} nz__build;

typedef struct nz__list_keys {
	const char *subject, *slug; /* "front" and "" for the front page */
	const char *edition;        /* the language of its stories; "*" for every one */
	nz_article_key *keys;
	size_t n;
} nz__list_keys;

/* cursor.c: gives a job for page 2 or later of a list the keyset cursor to its page. */
nz_rc nz__plan_cursor(nz__build *b, nz__job *j, nz_err *err);
/* The same for a page of a list whose membership and order did not change since the last build
 * (the incremental build made none of its articles come, go or move): its ids are the article
 * keys of its manifest entry f, in order, and the list's length follows from its last page's
 * entry, so no list is read. Falls back to nz__plan_cursor when the manifest does not tell. */
nz_rc nz__plan_cursor_kept(nz__build *b, const nz__mf_file *f, nz__job *j, nz_err *err);
/* Gives a feed job the ids of its candidate articles (the first of its list's keys). */
nz_rc nz__plan_feed_ids(nz__build *b, nz__job *j, nz_err *err);

/* Appends a job (strings borrowed: keep them in b->arena); NULL on out of memory. */
nz__job *nz__jobs_add(nz__jobs *js, const nz__job *j);
/* Runs a phase and moves its jobs into b->all. */
nz_rc nz__build_phase(nz__build *b, nz__jobs *phase, nz_err *err);
/* Notes that owner is remade completely (copied into b->arena). */
nz_rc nz__build_owner(nz__build *b, const char *owner);
bool nz__build_has_owner(const nz__build *b, const char *owner);
/* Notes a list subject that is gone. */
nz_rc nz__build_gone(nz__build *b, const char *key);

/* plan.c: the two ways of deciding what to make. keys: the change feed's keys since the
 * manifest's seq (incremental only). */
nz_rc nz__plan_full(nz__build *b, nz_err *err);
nz_rc nz__plan_incremental(nz__build *b, const char *const *keys, size_t n_keys, nz_err *err);
/* The article a change-feed key names for its page ("article-<id>", "related-<id>"), or 0. */
int64_t nz__plan_key_article(const char *key);

#endif
