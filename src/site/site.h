/*
 * site: the static export. nz_site_build writes the whole public site to a folder that any
 * static server can serve, incrementally after the first time (docs/static-export.md). Every
 * file is what pages/'s producers make for its URL, so it holds the bytes the server sends.
 *
 * Rules: site uses pages, store, search and render; it never includes web. It never logs (it
 * returns errors).
 */
#ifndef NZ_SITE_H
#define NZ_SITE_H

#include "core/core.h"
#include "pages/pages.h"
#include "render/render.h"
#include "store/store.h"

/* ---- the static export ----------------------------------------------------------------------- */

typedef struct nz_site_opts {
	bool full;              /* ignore the manifest: render every file (still only rewriting
				   files whose bytes changed) */
	unsigned threads;       /* rendering threads, each with its own store handle; 0: 2 */
	const char *db_uri;     /* for the extra threads' store handles (NULL: one thread) */
	const char *search_url; /* where the search box's notice page points; NULL: none */
	nz_time now;            /* 0: the current time */
	/* told how the related-article lists' pass goes (may be NULL; docs/related.md) */
	nz_store_progress_fn related_progress;
	void *related_ctx;
} nz_site_opts;

typedef struct nz_site_stats {
	size_t total;         /* files in the export after the build (not counting .gz/.br) */
	size_t rendered;      /* files made this time */
	size_t written;       /* files (with their .gz/.br) whose bytes changed and were written */
	size_t unchanged;     /* files made again with the same bytes (not written) */
	size_t removed;       /* files deleted (articles, lists... that left the site) */
	bool incremental;     /* the manifest's change seq was used to pick what to render */
	const char *why_full; /* when not incremental: why ("no manifest", "--full", "settings
				 changed", ...) */
	double seconds;
} nz_site_stats;

/* Called now and then with files done and the total to do. */
typedef void (*nz_site_progress_fn)(void *ctx, size_t done, size_t total);

/* Writes the public site to out_dir (created when missing): see docs/static-export.md. store
 * is used by the calling thread; theme is read-only and shared. stats are filled even on
 * failure (as far as the build went). */
nz_rc nz_site_build(nz_store *store, const nz_theme *theme, const char *out_dir,
		    const nz_site_opts *opts, nz_site_progress_fn progress, void *progress_ctx,
		    nz_site_stats *stats, nz_err *err);

#endif
