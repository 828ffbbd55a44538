/*
 * cli/build: `newszone build --out DIR [--full] [--threads N] [--search-url URL]
 * [--theme DIR]` writes the public site as static files to DIR (site/site.h,
 * docs/static-export.md): incrementally when DIR holds an earlier build's manifest. On a
 * terminal a progress bar (files done / total) is drawn on stderr; the last line on stdout
 * sums up: files written, unchanged, removed, and the time taken.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "render/render.h"
#include "site/site.h"

typedef struct build_args {
	const char *out, *theme, *search_url;
	bool full;
	unsigned threads;
} build_args;

static void progress_bar(void *ctx, size_t done, size_t total)
{
	(void)ctx;
	enum { WIDTH = 30 };
	if (total == 0)
		total = 1;
	if (done > total)
		done = total;
	size_t fill = done * WIDTH / total;
	char bar[WIDTH + 1];
	memset(bar, '#', fill);
	memset(bar + fill, '.', WIDTH - fill);
	bar[WIDTH] = '\0';
	fprintf(stderr, "\rbuilding [%s] %zu/%zu", bar, done, total);
}

/* The related lists' pass of a clean build (all of them) can take a while: a bar of its own. */
static void related_bar(void *ctx, size_t done, size_t total)
{
	(void)ctx;
	if (total == 0)
		return;
	cli_bar("related articles", done, total, "");
	if (done >= total)
		fputc('\n', stderr);
}

/* Returns 0 and fills a, or the exit status after printing the problem. */
static int parse_args(const cli_env *env, int argc, char **argv, build_args *a)
{
	for (int i = 1; i < argc; i++) {
		const char *s = argv[i];
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (strcmp(s, "--full") == 0) {
			a->full = true;
		} else if ((strcmp(s, "--out") == 0 || strcmp(s, "--theme") == 0 ||
			    strcmp(s, "--search-url") == 0 || strcmp(s, "--threads") == 0) &&
			   !v) {
			return cli_fail(env, "build", 2, "%s needs a value", s);
		} else if (strcmp(s, "--out") == 0) {
			a->out = argv[++i];
		} else if (strcmp(s, "--theme") == 0) {
			a->theme = argv[++i];
		} else if (strcmp(s, "--search-url") == 0) {
			a->search_url = argv[++i];
		} else if (strcmp(s, "--threads") == 0) {
			char *end = NULL;
			long n = strtol(argv[++i], &end, 10);
			if (!end || *end || n < 1 || n > 64)
				return cli_fail(env, "build", 2,
						"--threads: a number from 1 to 64");
			a->threads = (unsigned)n;
		} else {
			return cli_fail(env, "build", 2, "unknown argument %s (see --help)", s);
		}
	}
	if (!a->out || !*a->out)
		return cli_fail(env, "build", 2, "--out DIR is required (see --help)");
	if (a->search_url && strpbrk(a->search_url, "\t\r\n"))
		return cli_fail(env, "build", 2, "--search-url: not a URL");
	return 0;
}

static int run(const cli_env *env, int argc, char **argv)
{
	build_args a = {0};
	int status = parse_args(env, argc, argv, &a);
	if (status)
		return status;
	nz_err err = {0};
	nz_theme *theme = NULL;
	if (nz_theme_load(a.theme, &theme, &err) != NZ_OK)
		return cli_fail(env, "build", 1, "%s", err.msg);
	nz_store *store = NULL;
	/* No map of the file (NZ_STORE_BULK): it would count in the build's resident memory. */
	if (nz_store_open(env->db, 0, &store, &err) != NZ_OK) {
		nz_theme_free(theme);
		if (err.rc == NZ_NOTFOUND)
			return cli_fail(env, "build", 1,
					"%s: no database here (create one with `%s --db %s init`)",
					env->db, env->prog, env->db);
		return cli_fail(env, "build", 1, "%s: %s", env->db, err.msg);
	}
	bool tty = isatty(STDERR_FILENO);
	/* The build first brings the stored related lists up to date (all the pending ones, or on
	 * an incremental build those of what changed): every page then reads them. */
	nz_site_opts opts = {.full = a.full,
			     .threads = a.threads,
			     .db_uri = env->db,
			     .search_url = a.search_url,
			     .related_progress = tty ? related_bar : NULL};
	nz_site_stats st = {0};
	nz_rc rc =
	    nz_site_build(store, theme, a.out, &opts, tty ? progress_bar : NULL, NULL, &st, &err);
	if (tty)
		fputc('\n', stderr);
	if (rc != NZ_OK) {
		status = cli_fail(env, "build", 1, "%s", err.msg[0] ? err.msg : nz_strerror(rc));
	} else {
		printf("built %s: %zu written, %zu unchanged, %zu removed, %zu files in all, "
		       "%.3f s (%s)\n",
		       a.out, st.written, st.unchanged, st.removed, st.total, st.seconds,
		       st.incremental ? "incremental" : (st.why_full ? st.why_full : "full"));
	}
	nz_store_close(store);
	nz_theme_free(theme);
	return status;
}

const cli_command cli_build_cmd = {
    "build", run, "write the public site as static files (for a CDN)",
    "build --out DIR [--full] [--threads N] [--search-url URL] [--theme DIR]\n\n"
    "Writes every public page, feed, sitemap, media file and theme asset to DIR, with\n"
    "a .gz and a .br beside each text file, so any static server (or CDN) can serve it.\n"
    "A later build into the same DIR makes again only what changed since (using\n"
    "DIR/.newszone-manifest and the database's change feed), rewrites only files whose\n"
    "bytes changed, and removes files of articles that left the site.\n\n"
    "  --full            make every file again (still writing only changed bytes)\n"
    "  --threads N       rendering threads (default 2)\n"
    "  --search-url URL  the live site's search page, named on the export's /search\n"
    "  --theme DIR       a theme folder instead of the built-in one\n"
    "See docs/static-export.md.\n"};
