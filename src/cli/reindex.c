/*
 * cli/reindex: rebuilds the full-text search index from the articles, then the media library's
 * from the photos. The indexes normally follow every write by themselves; this is for after
 * restoring a database made without them, or after an upgrade that changes how words are cut.
 * One transaction per index: the site keeps answering searches from the old index until the
 * new one is committed.
 */
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"

typedef struct progress_state {
	bool tty;
	const char *unit; /* " articles", " photos" */
	struct timespec started;
} progress_state;

/* A bar on a terminal ("[#####.....] 1200/3000 articles"), nothing otherwise. */
static void show_progress(void *ctx, size_t done, size_t total)
{
	progress_state *p = ctx;
	if (p->tty)
		cli_bar("reindexing", done, total, p->unit);
}

/* The media library's index (SQLite: media_fts made again; PostgreSQL: its expression index
 * follows the rows, so only counted). */
static nz_rc media_index(nz_store *s, progress_state *p, nz_err *err)
{
	p->unit = " photos";
	nz_rc rc = nz_store_media_index_rebuild(s, show_progress, p, err);
	if (p->tty)
		fputc('\n', stderr);
	return rc;
}

static int run(const cli_env *env, int argc, char **argv)
{
	(void)argv;
	if (argc > 1)
		return cli_fail(env, "reindex", 2, "takes no arguments (see --help)");
	/* mapped, as `related` opens it: every article and every list is read */
	nz_store *s = cli_open_store_flags(env, "reindex", NZ_STORE_BULK);
	if (!s)
		return 1;
	progress_state p = {.tty = isatty(STDERR_FILENO), .unit = " articles"};
	clock_gettime(CLOCK_MONOTONIC, &p.started);
	nz_err err = {0};
	nz_rc rc = nz_store_search_rebuild(s, show_progress, &p, &err);
	if (p.tty)
		fputc('\n', stderr);
	if (rc != NZ_OK) {
		nz_store_close(s);
		return cli_fail(env, "reindex", 1, "%s", err.msg);
	}
	if (media_index(s, &p, &err) != NZ_OK) {
		nz_store_close(s);
		return cli_fail(env, "reindex", 1, "the media library's index: %s", err.msg);
	}
	/* What the new index finds may differ: every related list is computed again. */
	rc = cli_related_pass(env, s, true, true, &err);
	nz_store_close(s);
	if (rc != NZ_OK)
		return cli_fail(env, "reindex", 1, "related articles: %s", err.msg);
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	double secs = (double)(now.tv_sec - p.started.tv_sec) +
		      (double)(now.tv_nsec - p.started.tv_nsec) / 1e9;
	printf("%s: search index rebuilt in %.1f s (articles and photos)\n", env->db, secs);
	return 0;
}

const cli_command cli_reindex_cmd = {
    "reindex", run, "rebuild the search index",
    "reindex\n\nRebuilds the full-text search index from every article, in one transaction,\n"
    "then the media library's search index from every photo (SQLite; on PostgreSQL that\n"
    "index follows the rows by itself), then every article's related articles, with a\n"
    "progress bar on a terminal. The indexes follow every change by themselves; run this\n"
    "after an upgrade whose notes ask for it, or if searches miss articles they should find.\n"};
