/*
 * cli/import: brings articles in from files (docs/import-format.md): finds the files under
 * the paths given and imports them through app/'s batch import (a few hundred files per
 * transaction; each file's article, revision and original bytes together or not at all, a
 * refused file leaving nothing), reporting each outcome. A file
 * already imported (same SHA-256) is reported as unchanged.
 *
 * Only regular files are read (a FIFO named *.txt would block for ever); folders are walked
 * through symbolic links, but a folder already on the way down (a link loop) is skipped with
 * a message; file names are printed with control characters and invalid UTF-8 as \xNN, so a
 * name cannot send escape codes to the terminal.
 */
#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "render/render.h"

/* name as it may be printed (in arena): control characters, DEL and invalid UTF-8 as \xNN. */
static const char *printable(nz_arena *arena, const char *name)
{
	size_t len = strlen(name), i = 0, o = 0;
	char *out = nz_arena_alloc(arena, len * 4 + 1);
	if (!out)
		return "(a file name)";
	while (i < len) {
		uint32_t cp;
		size_t n = nz_utf8_decode(name + i, len - i, &cp);
		if (n == 0 || cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp < 0xa0)) {
			n = n ? n : 1;
			for (size_t k = 0; k < n; k++)
				o += (size_t)snprintf(out + o, 5, "\\x%02X",
						      (unsigned char)name[i + k]);
		} else {
			memcpy(out + o, name + i, n);
			o += n;
		}
		i += n;
	}
	out[o] = '\0';
	return out;
}

/* Counts one file's outcome and says it; returns rc (NZ_OK unless the database failed). */
static nz_rc report(cli_import_run *run, nz_arena *arena, const char *name, nz_rc rc,
		    const nz_app_imported *r, const nz_err *err)
{
	const char *lead = run->progress ? "\n" : "";
	name = printable(arena, name);
	if (rc != NZ_OK || r->outcome == NZ_APP_REFUSED) {
		fprintf(stderr, "%snewszone import: %s: %s\n", lead, name, err->msg);
		run->refused += rc == NZ_OK;
	} else if (r->outcome == NZ_APP_UNCHANGED) {
		run->unchanged++;
		if (!run->quiet)
			printf("unchanged %s (already imported as article %lld)\n", name,
			       (long long)r->article_id);
	} else {
		run->imported++;
		if (!run->quiet)
			printf("imported %s -> %s (%s)\n", name,
			       nz_url_article(arena, r->article->slug),
			       nz_status_name(r->article->status));
	}
	return rc;
}

nz_rc cli_import_bytes(nz_store *store, cli_import_run *run, const char *name, const void *bytes,
		       size_t len)
{
	nz_app_import in = {.name = name,
			    .bytes = bytes,
			    .len = len,
			    .opts = run->opts,
			    .prepare = run->prepare,
			    .prepare_ctx = run->prepare_ctx};
	nz_app_imported r;
	nz_err err = {0};
	nz_arena *arena = nz_arena_new();
	if (!arena)
		return NZ_NOMEM;
	nz_rc rc = nz_app_import_bytes(store, arena, &in, &r, &err);
	rc = report(run, arena, name, rc, &r, &err);
	nz_arena_free(arena);
	return rc;
}

/* nz_app_batch's report: a file's outcome, counted and said. */
static void report_batched(void *ctx, nz_arena *arena, const char *name, nz_rc rc,
			   const nz_app_imported *r, const nz_err *err)
{
	report(ctx, arena, name, rc, r, err);
}

nz_rc cli_import_file(nz_store *store, cli_import_run *run, const char *path)
{
	nz_app_imported r;
	nz_err err = {0};
	nz_arena *arena = nz_arena_new();
	if (!arena)
		return NZ_NOMEM;
	nz_rc rc = nz_app_import_file(store, arena, path, run->opts, &r, &err);
	rc = report(run, arena, path, rc, &r, &err);
	nz_arena_free(arena);
	return rc;
}

typedef struct path_list {
	char **p;
	size_t n, cap;
} path_list;

/* The folders on the way down from a path given, by device and inode, to find link loops. */
typedef struct walk {
	dev_t dev[64];
	ino_t ino[64];
	size_t depth;
} walk;

/* Says why path is left out, its name printed safely. */
static void skipped(const char *path, const char *why)
{
	nz_arena *arena = nz_arena_new();
	fprintf(stderr, "newszone import: %s: %s: skipped\n", arena ? printable(arena, path) : "?",
		why);
	nz_arena_free(arena);
}

static bool path_push(path_list *l, const char *path)
{
	if (NZ_GROW(l->p, l->n + 1, l->cap) != NZ_OK)
		return false;
	return (l->p[l->n++] = strdup(path)) != NULL;
}

static bool importable_name(const char *name)
{
	const char *dot = strrchr(name, '.');
	return name[0] != '.' && dot &&
	       (strcmp(dot, ".txt") == 0 || strcmp(dot, ".md") == 0 ||
		strcmp(dot, ".markdown") == 0);
}

static int by_path(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Adds path, or the importable files under it (sorted), to l. Missing paths are added as they
 * are, so the import reports them in order; inside folders, what is not a regular file is
 * skipped with a message. */
static bool collect(path_list *l, walk *w, const char *path)
{
	struct stat st;
	if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode))
		return path_push(l, path);
	for (size_t i = 0; i < w->depth; i++)
		if (w->dev[i] == st.st_dev && w->ino[i] == st.st_ino) {
			skipped(path, "a link back to a folder above it (a loop)");
			return true;
		}
	if (w->depth == sizeof w->dev / sizeof w->dev[0]) {
		skipped(path, "folders nested too deeply");
		return true;
	}
	DIR *d = opendir(path);
	if (!d)
		return path_push(l, path);
	w->dev[w->depth] = st.st_dev;
	w->ino[w->depth++] = st.st_ino;
	size_t first = l->n;
	struct dirent *e;
	bool ok = true;
	while (ok && (e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		char *sub = NULL;
		if (asprintf(&sub, "%s/%s", path, e->d_name) < 0)
			ok = false;
		else if (stat(sub, &st) == 0 && S_ISDIR(st.st_mode))
			ok = collect(l, w, sub);
		else if (!importable_name(e->d_name))
			;
		else if (stat(sub, &st) == 0 && !S_ISREG(st.st_mode))
			skipped(sub, "not a regular file (a pipe, device or socket)");
		else
			ok = path_push(l, sub);
		free(sub);
	}
	w->depth--;
	closedir(d);
	if (l->n > first) /* an empty folder: l->p may still be NULL */
		qsort(l->p + first, l->n - first, sizeof *l->p, by_path);
	return ok;
}

static int parse_args(const cli_env *env, int argc, char **argv, nz_import_opts *opts,
		      path_list *paths, size_t *batch)
{
	bool only_paths = false;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (!only_paths && strcmp(a, "--") == 0) {
			only_paths = true;
		} else if (!only_paths && strcmp(a, "--publish") == 0) {
			opts->publish = true;
		} else if (!only_paths && strcmp(a, "--section") == 0 && i + 1 < argc) {
			opts->section_slug = argv[++i];
			if (!nz_slug_valid(nz_str_c(opts->section_slug)))
				return cli_fail(env, "import", 2, "--section %s: not a valid slug",
						opts->section_slug);
		} else if (!only_paths && strcmp(a, "--batch") == 0 && i + 1 < argc) {
			char *end = NULL;
			long n = strtol(argv[++i], &end, 10);
			if (!end || *end || n < 1 || n > 10000)
				return cli_fail(
				    env, "import", 2,
				    "--batch must be a number of files from 1 to 10000");
			*batch = (size_t)n;
		} else if (!only_paths && strcmp(a, "--language") == 0 && i + 1 < argc) {
			opts->language = argv[++i];
			if (!nz_language_valid(opts->language))
				return cli_fail(env, "import", 2, "--language must be en or ko");
		} else if (!only_paths && a[0] == '-' && a[1]) {
			return cli_fail(env, "import", 2, "unknown option %s (see --help)", a);
		} else if (!collect(paths, &(walk){.depth = 0}, a)) {
			return cli_fail(env, "import", 1, "out of memory");
		}
	}
	if (paths->n == 0)
		return cli_fail(env, "import", 2, "no files given (see --help)");
	return 0;
}

static int run(const cli_env *env, int argc, char **argv)
{
	for (int i = 1; i + 1 < argc && strcmp(argv[i], "--") != 0; i++)
		if (strcmp(argv[i], "--from") == 0) {
			if (strcmp(argv[i + 1], "wordpress") != 0)
				return cli_fail(env, "import", 2,
						"--from %s: the one source known is wordpress",
						argv[i + 1]);
			return cli_import_wordpress(env, argc, argv);
		}
	nz_import_opts opts = {.now = nz_time_now()};
	path_list paths = {0};
	size_t batch_size = NZ_APP_IMPORT_BATCH;
	int status = parse_args(env, argc, argv, &opts, &paths, &batch_size);
	nz_store *store = status ? NULL : cli_open_store(env, "import", true);
	if (!status && !store)
		status = 1;
	bool progress = isatty(STDERR_FILENO) && paths.n >= 20;
	cli_import_run r = {.opts = &opts, .quiet = progress, .progress = progress};
	nz_app_batch *batch = NULL;
	if (store && nz_app_batch_new(store, batch_size, &opts, report_batched, &r, &batch)) {
		status = cli_fail(env, "import", 1, "out of memory");
		nz_store_close(store);
		store = NULL;
	}
	/* Files go in a batch at a time (one transaction each): the count is of files read;
	 * their lines come as each batch is stored. They are read and parsed ahead on a second
	 * thread while this one stores (the same outcomes as one thread). */
	if (batch)
		nz_app_batch_read_ahead(batch, (const char *const *)paths.p, paths.n);
	for (size_t i = 0; store && i <= paths.n; i++) {
		if (progress && i < paths.n)
			fprintf(stderr, "\rimporting %zu/%zu", i + 1, paths.n);
		nz_rc rc =
		    i < paths.n ? nz_app_batch_file(batch, paths.p[i]) : nz_app_batch_flush(batch);
		if (rc != NZ_OK) {
			if (rc == NZ_NOMEM)
				fprintf(stderr, "newszone import: out of memory\n");
			status = 1;
			break;
		}
	}
	nz_app_batch_free(batch);
	if (progress)
		fputc('\n', stderr);
	if (store)
		printf("imported %zu, unchanged %zu, refused %zu\n", r.imported, r.unchanged,
		       r.refused);
	/* The new articles' related lists are left to the next build's pass, the server's jobs
	 * worker or a page's first view (docs/related.md): on PostgreSQL the pass cost ten times
	 * the import itself. */
	if (r.refused)
		status = 1;
	for (size_t i = 0; i < paths.n; i++)
		free(paths.p[i]);
	free(paths.p);
	nz_store_close(store);
	return status;
}

const cli_command cli_import_cmd = {
    "import", run, "bring articles in from text or Markdown files",
    "import [--publish] [--section SLUG] [--language en|ko] FILE|DIR...\n"
    "import --from wordpress EXPORT.xml [--media-dir UPLOADS] [--publish-as-is] [--users]\n\n"
    "Imports article pages saved as text (the shape of a news site's article page) and\n"
    "Markdown files with front matter; see docs/import-format.md. Folders are read\n"
    "recursively (.txt, .md, .markdown). The original file is kept with each article; a file\n"
    "imported before is left unchanged. Bad files are reported, one line each, and change\n"
    "nothing; the exit status is 1 when any file was refused.\n\n"
    "  --publish           publish the articles (default: drafts)\n"
    "  --section SLUG      put them in this section\n"
    "  --language en|ko    their language (default: detected; Hangul means ko)\n"
    "  --batch N           files stored per transaction (default 250; docs/postgres.md)\n\n"
    "From WordPress (docs/wordpress.md): posts and pages of a WordPress export (Tools >\n"
    "Export) become articles; importing a newer export again updates what changed.\n"
    "  --media-dir DIR     a copy of wp-content/uploads: photos come in from it\n"
    "  --publish-as-is     publish and schedule as WordPress had it (default: drafts)\n"
    "  --users             an account with no password for every author\n"};
