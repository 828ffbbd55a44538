/*
 * cli/import_wordpress.c: `newszone import --from wordpress EXPORT.xml [--media-dir DIR]
 * [--publish-as-is] [--users]` (docs/wordpress.md). Parses the flags, runs the import through
 * app/ with a progress bar on a terminal, and prints the report: per type how many were
 * imported, updated, unchanged and skipped, why items were skipped, and what content was kept
 * as text because it was not understood.
 */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"

typedef struct wp_cli {
	const char *file;
	bool bar; /* a progress bar is showing on stderr */
	int last_pct;
} wp_cli;

static void progress(void *ctx, long long done, long long total)
{
	wp_cli *c = ctx;
	int pct = total > 0 ? (int)(done * 100 / total) : 0;
	if (!c->bar || pct == c->last_pct)
		return;
	c->last_pct = pct;
	char bar[41];
	memset(bar, '#', (size_t)(pct * 40 / 100));
	memset(bar + pct * 40 / 100, '.', (size_t)(40 - pct * 40 / 100));
	bar[40] = '\0';
	fprintf(stderr, "\rimporting [%s] %3d%%", bar, pct);
}

static void notice(void *ctx, const char *line)
{
	wp_cli *c = ctx;
	fprintf(stderr, "%snewszone import: %s: %s\n", c->bar ? "\n" : "", c->file, line);
}

static void print_report(const nz_app_wp_report *r, const nz_app_wp_opts *o)
{
	printf("WordPress export (WXR %s)\n", r->wxr_version ? r->wxr_version : "?");
	for (int t = 0; t < NZ_WP__COUNT; t++) {
		const nz_app_wp_count *c = &r->counts[t];
		if (t == NZ_WP_ATTACHMENT)
			continue;
		printf("  %-12s imported %zu, updated %zu, unchanged %zu, skipped %zu\n",
		       nz_wp_type_name((nz_wp_type)t), c->imported, c->updated, c->unchanged,
		       c->skipped);
	}
	printf("  %-12s %zu in the export; photos brought in %zu, not fetched %zu%s\n",
	       "attachments", r->attachments, r->fetched, r->not_fetched,
	       o->media_dir ? "" : " (no --media-dir: kept by their URL)");
	printf("  %-12s %zu (kept in the import records)\n", "comments", r->comments);
	printf("  published pages became static pages (/{slug}); other pages are articles in the "
	       "section \"pages\"\n");
	for (size_t i = 0; i < r->n_pins; i++) {
		const nz_app_wp_pin *p = &r->pins[i];
		char name[64];
		snprintf(name, sizeof name, "article %lld", (long long)p->article_id);
		if (p->slot)
			printf("  sticky post %s: %s on the front page (%s), slot %d\n",
			       p->slug ? p->slug : name, p->already ? "already pinned" : "pinned",
			       p->language, p->slot);
		else
			printf("  sticky post %s: not pinned, every slot of the front page (%s) is "
			       "taken\n",
			       p->slug ? p->slug : name, p->language);
	}
	for (size_t i = 0; i < r->n_renamed; i++)
		printf("  renamed %zu: %s\n", r->renamed[i].n, r->renamed[i].text);
	for (size_t i = 0; i < r->n_skipped; i++)
		printf("  skipped %zu: %s\n", r->skipped[i].n, r->skipped[i].text);
	for (size_t i = 0; i < r->n_unknown; i++)
		printf("  not understood, kept as text (%zu): %s\n", r->unknown[i].n,
		       r->unknown[i].text);
}

static int parse(const cli_env *env, int argc, char **argv, nz_app_wp_opts *o)
{
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (strcmp(a, "--from") == 0 && i + 1 < argc) {
			i++;
		} else if (strcmp(a, "--media-dir") == 0 && i + 1 < argc) {
			struct stat st;
			o->media_dir = argv[++i];
			if (stat(o->media_dir, &st) != 0 || !S_ISDIR(st.st_mode))
				return cli_fail(env, "import", 2, "--media-dir %s: not a folder",
						o->media_dir);
		} else if (strcmp(a, "--publish-as-is") == 0) {
			o->publish_as_is = true;
		} else if (strcmp(a, "--users") == 0) {
			o->users = true;
		} else if (a[0] == '-' && a[1]) {
			return cli_fail(env, "import", 2, "unknown option %s (see --help)", a);
		} else if (o->path) {
			return cli_fail(env, "import", 2, "one WordPress export at a time (%s, %s)",
					o->path, a);
		} else {
			o->path = a;
		}
	}
	if (!o->path)
		return cli_fail(env, "import", 2, "--from wordpress: no export file given");
	return 0;
}

int cli_import_wordpress(const cli_env *env, int argc, char **argv)
{
	wp_cli c = {.last_pct = -1, .bar = isatty(STDERR_FILENO)};
	nz_app_wp_opts o = {
	    .now = nz_time_now(), .progress = progress, .notice = notice, .ctx = &c};
	nz_app_wp_report r;
	nz_err err = {0};
	int status = parse(env, argc, argv, &o);
	if (status)
		return status;
	c.file = o.path;
	nz_store *store = cli_open_store(env, "import", true);
	nz_arena *arena = nz_arena_new();
	if (!store || !arena) {
		nz_arena_free(arena);
		nz_store_close(store);
		return 1;
	}
	nz_rc rc = nz_app_wordpress_import(store, arena, &o, &r, &err);
	if (c.bar)
		fputc('\n', stderr);
	if (rc) {
		fprintf(stderr, "newszone import: %s: %s\n", o.path, err.msg);
		status = 1;
	} else {
		print_report(&r, &o);
	}
	nz_arena_free(arena);
	nz_store_close(store);
	return status;
}
