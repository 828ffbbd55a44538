/*
 * cli/related: the bulk pass over the stored related-article lists that `build` (lists
 * missing or stale), `import` (after the last batch) and `reindex` (every list) run
 * (docs/related.md). Progress as reindex shows its own: a bar on a terminal, nothing otherwise.
 */
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"

typedef struct pass_state {
	bool tty, shown;
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
	if (!p->tty || total == 0)
		return;
	cli_bar("related articles", done, total, "");
	p->shown = true;
}

nz_rc cli_related_pass(const cli_env *env, nz_store *store, bool all, bool say, nz_err *err)
{
	pass_state p = {.tty = isatty(STDERR_FILENO)};
	struct timespec t0, t1;
	size_t done = 0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	nz_rc rc =
	    nz_store_related_build(store, nz_time_now(), all, 0, show_progress, &p, &done, err);
	if (p.shown)
		fputc('\n', stderr);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if (rc == NZ_OK && done && say)
		printf("%s: related articles of %zu article%s computed in %.1f s\n", env->db, done,
		       done == 1 ? "" : "s",
		       (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
	return rc;
}
