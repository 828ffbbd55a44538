/*
 * cli/related: the bulk pass over the stored related-article lists that `build` (lists
 * missing or stale), `reindex` (every list) and `related` run (docs/related.md). Progress as
 * reindex shows its own: a bar on a terminal; `related` also prints a line every tenth
 * otherwise (a log, bench/pg.sh). Before a pass of many lists the search index is merged into
 * one segment, said on stderr (merge_index); the handle maps the file (NZ_STORE_BULK).
 */
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"

typedef struct pass_state {
	bool tty, shown;
	bool lines;      /* not a terminal: a line every tenth */
	size_t next_ten; /* the next tenth to print */
} pass_state;

void cli_bar(const char *what, size_t done, size_t total, const char *unit)
{
	enum { WIDTH = 30 };
	size_t filled = total == 0 || done >= total ? WIDTH : done * WIDTH / total;
	char bar[WIDTH + 1];
	for (size_t i = 0; i < WIDTH; i++)
		bar[i] = i < filled ? '#' : '.';
	bar[WIDTH] = '\0';
	fprintf(stderr, "\r%s [%s] %zu/%zu%s", what, bar, done, total, unit);
	fflush(stderr);
}

static void show_progress(void *ctx, size_t done, size_t total)
{
	pass_state *p = ctx;
	if (total == 0)
		return;
	if (p->lines && !p->tty && done * 10 >= p->next_ten * total) {
		fprintf(stderr, "related articles: %zu/%zu\n", done, total);
		p->next_ten = done * 10 / total + 1;
	}
	if (!p->tty)
		return;
	cli_bar("related articles", done, total, "");
	p->shown = true;
}

static double seconds_since(const struct timespec *t0)
{
	struct timespec t1;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (double)(t1.tv_sec - t0->tv_sec) + (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

/* Before a pass of many lists, the search index merged into one segment (store.h,
 * nz_store_search_optimize), said on stderr: a write of the whole index. */
static nz_rc merge_index(nz_store *store, bool all, nz_err *err)
{
	nz_arena *arena = nz_arena_new();
	int64_t *ids = NULL;
	size_t n = 0;
	struct timespec t0;
	nz_rc rc = arena ? nz_store_related_pending(store, arena, nz_time_now(), all, &ids, &n, err)
			 : nz_err_set(err, NZ_NOMEM, "out of memory");
	nz_arena_free(arena);
	if (rc || n < NZ_STORE_RELATED_MERGE_FROM)
		return rc;
	fprintf(stderr, "related articles: %zu lists to compute; merging the search index first...",
		n);
	fflush(stderr);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (!(rc = nz_store_search_optimize(store, err)))
		fprintf(stderr, " %.1f s\n", seconds_since(&t0));
	else
		fputc('\n', stderr);
	return rc;
}

static nz_rc pass(const cli_env *env, nz_store *store, bool all, bool say, bool lines, nz_err *err)
{
	pass_state p = {.tty = isatty(STDERR_FILENO), .lines = lines, .next_ten = 1};
	struct timespec t0;
	size_t done = 0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	nz_rc rc = merge_index(store, all, err);
	if (!rc)
		rc = nz_store_related_build(store, nz_time_now(), all, 0, show_progress, &p, &done,
					    err);
	if (p.shown)
		fputc('\n', stderr);
	if (rc == NZ_OK && done && say)
		printf("%s: related articles of %zu article%s computed in %.1f s\n", env->db, done,
		       done == 1 ? "" : "s", seconds_since(&t0));
	return rc;
}

nz_rc cli_related_pass(const cli_env *env, nz_store *store, bool all, bool say, nz_err *err)
{
	return pass(env, store, all, say, false, err);
}

static int run(const cli_env *env, int argc, char **argv)
{
	bool all = argc == 2 && strcmp(argv[1], "--all") == 0;
	if (argc > 2 || (argc == 2 && !all))
		return cli_fail(env, "related", 2, "takes only --all (see --help)");
	/* mapped: the pass reads much of the file, and pages read from the map cost no copy */
	nz_store *s = cli_open_store_flags(env, "related", NZ_STORE_BULK);
	if (!s)
		return 1;
	nz_err err = {0};
	nz_rc rc = pass(env, s, all, true, true, &err);
	nz_store_close(s);
	if (rc != NZ_OK)
		return cli_fail(env, "related", 1, "%s", err.msg);
	return 0;
}

const cli_command cli_related_cmd = {
    "related", run, "compute the stored related-article lists",
    "related [--all]\n\nComputes the related articles of every public article whose stored list "
    "is\n"
    "missing or stale (with --all: of every public article) and stores them, with a progress\n"
    "bar on a terminal (a line every tenth otherwise). `import` leaves the new articles' lists\n"
    "to the server's jobs worker, 20 a round, or to their pages' first views; after a large\n"
    "import, run this once instead (docs/related.md). Before 2,000 lists or more it merges\n"
    "the search index into one segment (a write in short steps, said on stderr), which makes\n"
    "each list cheaper.\n"};
