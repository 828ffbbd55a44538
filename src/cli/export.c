/*
 * cli/export: `newszone export --format ninjs DIR` writes one IPTC ninjs 2.2 file per public
 * article, DIR/<slug>.json (the folder is created when missing). Public is what readers see:
 * published and retracted articles (a retracted one as pubstatus "canceled", so a partner
 * knows to withdraw it) whose embargo and publication time have passed; drafts, articles in
 * review and embargoed ones are never written.
 *
 * Articles are listed in pages of light rows and loaded one at a time, so memory stays small
 * whatever the size of the archive. Each file is written to a temporary name and renamed, so a
 * partner reading DIR never sees half a file. Progress goes to stderr on a terminal.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "render/render.h"

#define EXPORT_PAGE 500

/* Writes data to dir/name atomically (temporary file, then rename). */
static nz_rc write_file(const char *dir, const char *name, const char *data, size_t len, char *why,
			size_t why_len)
{
	char path[4096], tmp[4200];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	snprintf(tmp, sizeof tmp, "%s.tmp-%ld", path, (long)getpid());
	FILE *f = fopen(tmp, "wb");
	if (!f) {
		snprintf(why, why_len, "%.400s: %s", tmp, strerror(errno));
		return NZ_IO;
	}
	bool ok = fwrite(data, 1, len, f) == len;
	ok = (fclose(f) == 0) && ok;
	if (!ok || rename(tmp, path) != 0) {
		snprintf(why, why_len, "%.400s: %s", path, strerror(errno));
		unlink(tmp);
		return NZ_IO;
	}
	return NZ_OK;
}

/* Loads one article and writes its ninjs file. */
static nz_rc export_one(nz_store *store, const nz_site *site, const char *dir, int64_t id,
			char *why, size_t why_len)
{
	nz_arena *arena = nz_arena_new();
	nz_article *a = NULL;
	nz_err err = {0};
	nz_rc rc = arena ? nz_store_article_by_id(store, arena, id, &a, &err) : NZ_NOMEM;
	if (rc != NZ_OK) {
		snprintf(why, why_len, "article %lld: %s", (long long)id,
			 rc == NZ_NOMEM ? "out of memory" : err.msg);
		nz_arena_free(arena);
		return rc;
	}
	json_t *doc = nz_ninjs_article(site, a);
	char *text = doc ? json_dumps(doc, JSON_INDENT(2) | JSON_PRESERVE_ORDER) : NULL;
	char *name = nz_arena_printf(arena, "%s.json", a->slug);
	if (!text || !name) {
		snprintf(why, why_len, "article %s: out of memory", a->slug);
		rc = NZ_NOMEM;
	} else {
		rc = write_file(dir, name, text, strlen(text), why, why_len);
	}
	free(text);
	json_decref(doc);
	nz_arena_free(arena);
	return rc;
}

/* Walks every public article in id order; *count gets how many were written. */
static nz_rc export_all(nz_store *store, const char *dir, size_t *count, char *why, size_t why_len)
{
	nz_arena *site_arena = nz_arena_new();
	nz_site site;
	nz_err err = {0};
	nz_time now = nz_time_now();
	nz_article_ref_query q = {.now = now, .with_retracted = true, .limit = EXPORT_PAGE};
	bool tty = isatty(STDERR_FILENO);
	nz_rc rc = site_arena ? nz_store_site_load(store, site_arena, &site, &err) : NZ_NOMEM;
	if (rc != NZ_OK)
		snprintf(why, why_len, "%s", rc == NZ_NOMEM ? "out of memory" : err.msg);
	*count = 0;
	while (rc == NZ_OK) {
		nz_arena *page = nz_arena_new();
		nz_article *rows = NULL;
		size_t n = 0;
		rc = page ? nz_store_article_refs(store, page, &q, &rows, &n, &err) : NZ_NOMEM;
		if (rc != NZ_OK)
			snprintf(why, why_len, "%s", rc == NZ_NOMEM ? "out of memory" : err.msg);
		for (size_t i = 0; rc == NZ_OK && i < n; i++) {
			rc = export_one(store, &site, dir, rows[i].id, why, why_len);
			if (rc == NZ_OK && tty && (++*count % 10 == 0 || i + 1 == n))
				fprintf(stderr, "\rexporting: %zu articles", *count);
			else if (rc == NZ_OK && !tty)
				++*count;
		}
		if (n > 0)
			q.after_id = rows[n - 1].id;
		nz_arena_free(page);
		if (n < q.limit)
			break;
	}
	if (tty && *count)
		fputc('\n', stderr);
	nz_arena_free(site_arena);
	return rc;
}

/* Parses `export --format ninjs DIR`; returns the folder or NULL after printing the problem. */
static const char *parse_args(const cli_env *env, int argc, char **argv, int *status)
{
	const char *format = NULL, *dir = NULL;
	*status = 2;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--format") == 0 && i + 1 < argc) {
			format = argv[++i];
		} else if (strncmp(argv[i], "--format=", 9) == 0) {
			format = argv[i] + 9;
		} else if (argv[i][0] == '-' && argv[i][1]) {
			cli_fail(env, "export", 2, "unknown option %s (see --help)", argv[i]);
			return NULL;
		} else if (!dir) {
			dir = argv[i];
		} else {
			cli_fail(env, "export", 2, "one folder only (got %s and %s)", dir, argv[i]);
			return NULL;
		}
	}
	if (!format || strcmp(format, "ninjs") != 0) {
		cli_fail(env, "export", 2, "%s (the only format is ninjs: --format ninjs)",
			 format ? "unknown format" : "--format is required");
		return NULL;
	}
	if (!dir || !*dir) {
		cli_fail(env, "export", 2, "name the folder to write to (see --help)");
		return NULL;
	}
	return dir;
}

static int run(const cli_env *env, int argc, char **argv)
{
	int status = 0;
	const char *dir = parse_args(env, argc, argv, &status);
	if (!dir)
		return status;
	status = 0;
	struct stat sb;
	if (mkdir(dir, 0777) != 0 &&
	    !(errno == EEXIST && stat(dir, &sb) == 0 && S_ISDIR(sb.st_mode)))
		return cli_fail(env, "export", 1, "%s: cannot create the folder: %s", dir,
				errno == EEXIST ? "a file has that name" : strerror(errno));
	nz_store *store = cli_open_store(env, "export", false);
	if (!store)
		return 1;
	char why[512] = "";
	size_t count = 0;
	if (export_all(store, dir, &count, why, sizeof why) != NZ_OK)
		status = cli_fail(env, "export", 1, "%s", why);
	else
		printf("exported %zu articles as ninjs to %s\n", count, dir);
	nz_store_close(store);
	return status;
}

const cli_command cli_export_cmd = {
    "export", run, "export every public article (IPTC ninjs 2.2)",
    "export --format ninjs DIR\n\nWrites one IPTC ninjs 2.2 file per public article, "
    "DIR/<slug>.json (DIR is\ncreated when missing). Retracted articles are written with "
    "pubstatus \"canceled\";\ndrafts and embargoed articles are left out.\n"};
