/*
 * site internals shared by the static export's files (build.c, plan.c, cursor.c, builder.c,
 * manifest.c, output.c).
 */
#ifndef NZ_SITE_INT_H
#define NZ_SITE_INT_H

#include <jansson.h>

#include "site/site.h"

/* ---- the static export --------------------------------------------------------------------- */

#define NZ__SITE_MANIFEST ".newszone-manifest"
#define NZ__SITE_HASH_HEX 33 /* 16-byte BLAKE2b in hex + NUL */

/* output.c: files on disk. */
void nz__site_hash(const void *data, size_t len, char out[NZ__SITE_HASH_HEX]);
/* The file (relative to the export's root) that answers url: "article/x/index.html" for an
 * HTML page, the decoded path otherwise; NULL for a path that would leave the folder. */
const char *nz__site_file_for(nz_arena *arena, const char *url, bool html);
bool nz__site_compressible(const char *rel);
/* False for a feed (feed.rss, feed.atom, feed.json): it gets a .gz but no .br. */
bool nz__site_wants_br(const char *rel);
/* Writes dir/rel crash-safely, and dir/rel.gz and dir/rel.br when it is text and gzip or Brotli
 * makes it smaller (a feed: no .br; removing a stale one otherwise); *gz tells whether a .gz is
 * there. */
nz_rc nz__site_write(const char *dir, const char *rel, const void *data, size_t len, bool *gz,
		     nz_err *err);
/* Removes dir/rel, dir/rel.gz and dir/rel.br, then folders left empty above it. */
nz_rc nz__site_remove(const char *dir, const char *rel, nz_err *err);
/* True when dir/rel is a regular file of size bytes. */
bool nz__site_file_matches(const char *dir, const char *rel, size_t size);

/* manifest.c: DIR/.newszone-manifest (the format is described there). */
typedef struct nz__mf_file {
	const char *url, *path, *owner, *keys; /* keys: comma-separated, "" for none */
	char hash[NZ__SITE_HASH_HEX];
	size_t size;
	bool gz;
	bool removed; /* dropped by this build (not written back) */
	/* nz_hash_str(url), set by the manifest that holds the record (0: not known yet): a
	 * record kept from the last build is not hashed again. */
	uint64_t url_hash;
} nz__mf_file;

typedef struct nz__mf_article {
	int64_t id;
	const char *slug;
	const char *subjects;         /* comma-separated keys of the lists it is on */
	char sig[NZ__SITE_HASH_HEX];  /* what decides the lists it is on */
	char link[NZ__SITE_HASH_HEX]; /* what a link to it shows: slug, headline, date... */
} nz__mf_article;

typedef struct nz__mf_subject {
	const char *key, *kind, *slug;
	char head[NZ__SITE_HASH_HEX];
} nz__mf_subject;

typedef struct nz__manifest {
	nz_arena *arena;
	int64_t seq;
	char fingerprint[65];
	nz__mf_file *files;
	size_t n_files, cap_files;
	nz__mf_article *articles;
	size_t n_articles, cap_articles;
	bool articles_sorted;
	nz__mf_subject *subjects;
	size_t n_subjects, cap_subjects;
	size_t *index, index_cap; /* open addressing on files[].url */
	char *text;               /* the file read: the strings of the records read point into it */
} nz__manifest;

nz__manifest *nz__manifest_new(void); /* NULL on out of memory */
void nz__manifest_free(nz__manifest *m);
/* NZ_NOTFOUND when there is none; NZ_PARSE when it is not one this version reads. */
nz_rc nz__manifest_read(const char *dir, nz__manifest *m, nz_err *err);
nz_rc nz__manifest_write(const char *dir, const nz__manifest *m, nz_err *err);
/* Adds (or replaces, by URL) a file; strings are copied. */
nz_rc nz__manifest_add_file(nz__manifest *m, const nz__mf_file *f);
/* Makes room for n_files files (an optional hint: adding grows as needed). */
nz_rc nz__manifest_reserve(nz__manifest *m, size_t n_files);
/* The same with f's strings borrowed, not copied: they must outlive m (another manifest's). */
nz_rc nz__manifest_keep_file(nz__manifest *m, const nz__mf_file *f);
nz__mf_file *nz__manifest_find(const nz__manifest *m, const char *url);
/* The record of m with the URL of f, a record of another manifest (its URL's hash is reused). */
nz__mf_file *nz__manifest_find_as(const nz__manifest *m, const nz__mf_file *f);
nz_rc nz__manifest_add_article(nz__manifest *m, int64_t id, const char *slug, const char *subjects,
			       const char *sig, const char *link);
/* Adds a copy of a record whose strings are borrowed (as nz__manifest_keep_file). */
nz_rc nz__manifest_keep_article(nz__manifest *m, const nz__mf_article *a);
/* Sorts on first use: call once before threads share m. */
nz__mf_article *nz__manifest_article(nz__manifest *m, int64_t id);
/* Puts the article records in id order (written so, a manifest is read without a sort). Cheap
 * when only a few records at the front or at the end are out of order (the articles made by an
 * incremental build, before or after the kept ones). */
void nz__manifest_sort(nz__manifest *m);
nz_rc nz__manifest_add_subject(nz__manifest *m, const char *key, const char *kind, const char *slug,
			       const char *head);
nz__mf_subject *nz__manifest_subject(const nz__manifest *m, const char *key);

/* builder.c: one file (or a page of a list) to make, and the threads that make them. */
typedef enum nz__job_kind {
	NZ__JOB_ARTICLE,
	NZ__JOB_FRONT,
	NZ__JOB_LIST,
	NZ__JOB_FEED,
	NZ__JOB_SITEMAP_INDEX,
	NZ__JOB_SITEMAP_CHILD,
	NZ__JOB_NEWS,
	NZ__JOB_ROBOTS,
	NZ__JOB_MANIFEST, /* /manifest.webmanifest */
	NZ__JOB_NOT_FOUND,
	NZ__JOB_SEARCH,
	NZ__JOB_STATIC_PAGE, /* About, the policies... at /{slug} */
	NZ__JOB_ASSET,
	NZ__JOB_MEDIA,
} nz__job_kind;

typedef struct nz__job {
	nz__job_kind kind;
	const char
	    *subject;      /* lists and feeds: "section", "tag", "author", "site", "corrections" */
	const char *slug;  /* an article's or a subject's slug; a sitemap child's file name */
	const char *arg;   /* a feed's format ("feed.rss"); a media file's URL */
	size_t page;       /* lists and the front page, from 1 */
	int64_t id;        /* an article's id; an asset's index */
	const char *owner; /* set by the planner: see manifest.c */
	/* The front page, section pages, their feeds and search in another edition (its
	 * language code, under "/<code>/"); NULL: the site's own. */
	const char *edition;
	/* Filled by the worker. */
	int status; /* 200 made, 404 gone (not public, past the end...), 0 failed */
	nz__mf_file file;
	size_t pages, n_items;        /* lists: pages in it, articles on this page */
	nz_page_cursor cursor;        /* pages > 1 of lists: set by the planner (cursor.c)... */
	bool has_cursor;              /* ...when it found the page's place in the list */
	char head[NZ__SITE_HASH_HEX]; /* page 1 of a list: its subject's head hash */
	bool written;
	/* Article jobs: what decides the lists it is on, and what links to it show. */
	char sig[NZ__SITE_HASH_HEX];
	char link[NZ__SITE_HASH_HEX];
	const char *subjects;             /* comma-separated keys: section-1,tag-4,author-2 */
	const char *const *subject_slugs; /* one per key, in the same order */
	const char *const *media_urls;
	size_t n_subjects, n_media;
} nz__job;

typedef struct nz__builder nz__builder;

/* What a builder works with; it borrows every pointer for its life. */
typedef struct nz__builder_opts {
	nz_store *store;         /* the calling thread's handle */
	const char *db_uri;      /* the other threads open their own from it; NULL: one thread */
	unsigned threads;        /* the caller's plus threads - 1 (0 counts as 1) */
	const char *dir;         /* the export's folder */
	const nz_page_ctx *pc;   /* the site, its sections, the time */
	const nz__manifest *old; /* the last build's, or NULL */
	const char *search_url;
} nz__builder_opts;

/* Starts a builder with opts->threads threads. */
nz_rc nz__builder_new(const nz__builder_opts *opts, nz__builder **out, nz_err *err);
void nz__builder_free(nz__builder *b);
/* Makes jobs[0..n) on every thread; returns the first failure. Progress is reported as
 * (done so far + done here, planned). */
nz_rc nz__builder_run(nz__builder *b, nz__job *jobs, size_t n, nz_site_progress_fn progress,
		      void *ctx, size_t done_before, size_t planned, nz_err *err);
/* The URL of a job (in arena) and whether it is an HTML page (a folder with index.html):
 * another edition's pages live under its prefix ("/ko/section/defense"). */
const char *nz__site_job_url(nz_arena *arena, const nz_site *site, const nz__job *j, bool *html);
/* The hash of a subject's name and description (NZ_NOTFOUND when it is gone). */
nz_rc nz__site_subject_head(nz_store *store, const char *kind, const char *slug,
			    char out[NZ__SITE_HASH_HEX], nz_err *err);

#endif
