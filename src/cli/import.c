/*
 * cli/import: brings articles in from files (docs/import-format.md). Each file is its own
 * transaction: the article, its revision and the original bytes are written together or not
 * at all. A file already imported (same SHA-256) is reported as unchanged.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "render/render.h"

#define TRANSLATION_NOTE "translation_of: "

/* A front-matter "translation_of: slug" note joins the article to that article's translation
 * group (the group is the original's id), and is then no longer a leftover line. */
static void resolve_translation(nz_store *store, nz_arena *arena, nz_article *a)
{
	for (size_t i = 0; i < a->n_import_notes; i++) {
		const char *note = a->import_notes[i];
		if (strncmp(note, TRANSLATION_NOTE, strlen(TRANSLATION_NOTE)) != 0)
			continue;
		nz_article *other = NULL;
		nz_err err = {0};
		const char *slug = note + strlen(TRANSLATION_NOTE);
		if (nz_store_article_by_slug(store, arena, slug, &other, &err) != NZ_OK)
			return;
		a->translation_group =
		    other->translation_group ? other->translation_group : other->id;
		memmove(&a->import_notes[i], &a->import_notes[i + 1],
			(a->n_import_notes - i - 1) * sizeof *a->import_notes);
		a->n_import_notes--;
		return;
	}
}

static nz_rc store_article(nz_store *store, nz_arena *arena, const char *name, nz_article *a,
			   const void *bytes, size_t len, nz_err *err)
{
	nz_rc rc = nz_store_begin(store, err);
	if (rc != NZ_OK)
		return rc;
	char *note = nz_arena_printf(arena, "imported from %s", name);
	rc = nz_store_article_create(store, arena, a, note, err);
	if (rc == NZ_OK)
		rc = nz_store_import_add(store, a->id, name, bytes, len, err);
	if (rc == NZ_OK)
		rc = nz_store_commit(store, err);
	if (rc != NZ_OK)
		nz_store_rollback(store);
	return rc;
}

nz_rc cli_import_bytes(nz_store *store, const char *name, const void *bytes, size_t len,
		       const nz_import_opts *opts, bool quiet, cli_import_stats *stats)
{
	char hash[65];
	nz_err err = {0};
	int64_t existing = 0;
	nz_sha256_hex(bytes, len, hash);
	nz_rc rc = nz_store_import_find(store, hash, &existing, &err);
	if (rc == NZ_OK) {
		stats->unchanged++;
		if (!quiet)
			printf("unchanged %s (already imported as article %lld)\n", name,
			       (long long)existing);
		return NZ_OK;
	}
	if (rc != NZ_NOTFOUND) {
		fprintf(stderr, "newszone import: %s: %s\n", name, err.msg);
		return rc;
	}
	nz_arena *arena = nz_arena_new();
	if (!arena)
		return NZ_NOMEM;
	nz_article a;
	nz_import_format format;
	rc = nz_ingest_parse(arena, bytes, len, opts, &a, &format, &err);
	if (rc == NZ_OK) {
		resolve_translation(store, arena, &a);
		rc = store_article(store, arena, name, &a, bytes, len, &err);
	}
	if (rc == NZ_OK) {
		stats->imported++;
		if (!quiet)
			printf("imported %s -> %s (%s)\n", name, nz_url_article(arena, a.slug),
			       nz_status_name(a.status));
	} else if (rc != NZ_DB && rc != NZ_NOMEM && rc != NZ_IO) {
		/* The file's fault: report it and go on with the others. */
		fprintf(stderr, "newszone import: %s: %s\n", name, err.msg);
		stats->refused++;
		rc = NZ_OK;
	} else {
		fprintf(stderr, "newszone import: %s: %s\n", name, err.msg);
	}
	nz_arena_free(arena);
	return rc;
}

typedef struct path_list {
	char **p;
	size_t n, cap;
} path_list;

static bool path_push(path_list *l, const char *path)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 64;
		char **p = realloc(l->p, cap * sizeof *p);
		if (!p)
			return false;
		l->p = p;
		l->cap = cap;
	}
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
 * are, so the import reports them in order. */
static bool collect(path_list *l, const char *path)
{
	struct stat st;
	if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode))
		return path_push(l, path);
	DIR *d = opendir(path);
	if (!d)
		return path_push(l, path);
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
			ok = collect(l, sub);
		else if (importable_name(e->d_name))
			ok = path_push(l, sub);
		free(sub);
	}
	closedir(d);
	if (l->n > first) /* an empty folder: l->p may still be NULL */
		qsort(l->p + first, l->n - first, sizeof *l->p, by_path);
	return ok;
}

/* Reads a whole file; NULL with a reason in err when it cannot be imported. */
static char *read_file(const char *path, size_t *len, nz_err *err)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	char *buf = NULL;
	struct stat st;
	if (fd < 0) {
		nz_err_set(err, NZ_IO, "%s", errno == ENOENT ? "no such file" : strerror(errno));
		return NULL;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		nz_err_set(err, NZ_IO, "not a regular file");
	} else if ((size_t)st.st_size > NZ_IMPORT_MAX_BYTES) {
		nz_err_set(err, NZ_TOOBIG, "file is %lld bytes, over the import limit of %zu bytes",
			   (long long)st.st_size, NZ_IMPORT_MAX_BYTES);
	} else if (!(buf = malloc((size_t)st.st_size + 1))) {
		nz_err_set(err, NZ_NOMEM, "out of memory");
	} else {
		size_t got = 0;
		while (got < (size_t)st.st_size) {
			ssize_t r = read(fd, buf + got, (size_t)st.st_size - got);
			if (r <= 0) {
				nz_err_set(err, NZ_IO, "read failed: %s",
					   r < 0 ? strerror(errno) : "file shrank");
				free(buf);
				buf = NULL;
				break;
			}
			got += (size_t)r;
		}
		*len = got;
	}
	close(fd);
	return buf;
}

static int parse_args(const cli_env *env, int argc, char **argv, nz_import_opts *opts,
		      path_list *paths)
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
		} else if (!only_paths && strcmp(a, "--language") == 0 && i + 1 < argc) {
			opts->language = argv[++i];
			if (!nz_language_valid(opts->language))
				return cli_fail(env, "import", 2, "--language must be en or ko");
		} else if (!only_paths && a[0] == '-' && a[1]) {
			return cli_fail(env, "import", 2, "unknown option %s (see --help)", a);
		} else if (!collect(paths, a)) {
			return cli_fail(env, "import", 1, "out of memory");
		}
	}
	if (paths->n == 0)
		return cli_fail(env, "import", 2, "no files given (see --help)");
	return 0;
}

static int run(const cli_env *env, int argc, char **argv)
{
	nz_import_opts opts = {.now = nz_time_now()};
	path_list paths = {0};
	cli_import_stats stats = {0};
	int status = parse_args(env, argc, argv, &opts, &paths);
	nz_store *store = status ? NULL : cli_open_store(env, "import", true);
	if (!status && !store)
		status = 1;
	bool progress = isatty(STDERR_FILENO) && paths.n >= 20;
	for (size_t i = 0; store && i < paths.n; i++) {
		if (progress)
			fprintf(stderr, "\rimporting %zu/%zu", i + 1, paths.n);
		nz_err err = {0};
		size_t len = 0;
		char *bytes = read_file(paths.p[i], &len, &err);
		if (!bytes) {
			fprintf(stderr, "%snewszone import: %s: %s\n", progress ? "\n" : "",
				paths.p[i], err.msg);
			stats.refused++;
			continue;
		}
		nz_rc rc = cli_import_bytes(store, paths.p[i], bytes, len, &opts, progress, &stats);
		free(bytes);
		if (rc != NZ_OK) {
			status = 1;
			break;
		}
	}
	if (progress)
		fputc('\n', stderr);
	if (store)
		printf("imported %zu, unchanged %zu, refused %zu\n", stats.imported,
		       stats.unchanged, stats.refused);
	if (stats.refused)
		status = 1;
	for (size_t i = 0; i < paths.n; i++)
		free(paths.p[i]);
	free(paths.p);
	nz_store_close(store);
	return status;
}

const cli_command cli_import_cmd = {
    "import", run, "bring articles in from text or Markdown files",
    "import [--publish] [--section SLUG] [--language en|ko] FILE|DIR...\n\n"
    "Imports article pages saved as text (the shape of a news site's article page) and\n"
    "Markdown files with front matter; see docs/import-format.md. Folders are read\n"
    "recursively (.txt, .md, .markdown). The original file is kept with each article; a file\n"
    "imported before is left unchanged. Bad files are reported, one line each, and change\n"
    "nothing; the exit status is 1 when any file was refused.\n\n"
    "  --publish           publish the articles (default: drafts)\n"
    "  --section SLUG      put them in this section\n"
    "  --language en|ko    their language (default: detected; Hangul means ko)\n"};
