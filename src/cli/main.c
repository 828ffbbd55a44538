/*
 * cli/main: `newszone [--db PATH|URI] COMMAND [ARGS]`. Parses the global options and hands the
 * rest to the command's own parser. Without --db, NEWSZONE_DB names the database.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"

static const cli_command *commands[] = {
    &cli_init_cmd,    &cli_serve_cmd,   &cli_import_cmd,   &cli_demo_cmd,
    &cli_export_cmd,  &cli_webhook_cmd, &cli_user_cmd,     &cli_token_cmd,
    &cli_reindex_cmd, &cli_build_cmd,   &cli_backup_cmd,   &cli_restore_cmd,
    &cli_migrate_cmd, &cli_wire_cmd,    &cli_settings_cmd, &cli_related_cmd};
#define N_COMMANDS (sizeof commands / sizeof commands[0])

bool cli_is_help(const char *arg)
{
	return strcmp(arg, "-h") == 0 || strcmp(arg, "--help") == 0;
}

int cli_fail(const cli_env *env, const char *cmd, int status, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fprintf(stderr, "%s%s%s: ", env->prog, cmd ? " " : "", cmd ? cmd : "");
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	return status;
}

const char *cli_db_uri(const char *arg)
{
	return strncmp(arg, "sqlite:", 7) == 0 ? arg + 7 : arg;
}

void cli_usage(const cli_env *env, const cli_command *c, FILE *out)
{
	fprintf(out, "usage: %s [--db PATH] %s", env->prog, c->usage);
}

nz_store *cli_open_store(const cli_env *env, const char *cmd, bool create)
{
	return cli_open_store_flags(env, cmd, create ? NZ_STORE_CREATE : 0);
}

nz_store *cli_open_store_flags(const cli_env *env, const char *cmd, unsigned flags)
{
	nz_store *s = NULL;
	nz_err err = {0};
	if (nz_store_open(env->db, flags, &s, &err) != NZ_OK) {
		if (err.rc == NZ_NOTFOUND)
			cli_fail(env, cmd, 1,
				 "%s: no database here (create one with `%s --db %s init`)",
				 env->db, env->prog, env->db);
		else
			cli_fail(env, cmd, 1, "%s: %s", env->db, err.msg);
		return NULL;
	}
	return s;
}

/* How far the search index rebuilt by a store's first open after a migration is (store.h,
 * nz_store_set_open_progress): a line on stderr at the start, at every 5 % and at the end,
 * with the articles done and the rate, as import's lines (on PostgreSQL: 8 minutes at 100,000
 * articles, silent before). */
typedef struct open_progress {
	struct timespec t0;
	size_t next; /* the next 5 % step to print */
} open_progress;

static void show_open_progress(void *ctx, size_t done, size_t total)
{
	open_progress *p = ctx;
	struct timespec t1;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if (total == 0) /* a new database: nothing to rebuild */
		return;
	if (done == 0 || p->next == 0) {
		p->t0 = t1;
		p->next = 1;
		fprintf(stderr,
			"database: rebuilding the search index of %zu articles (after a"
			" migration)\n",
			total);
	}
	double s = (double)(t1.tv_sec - p->t0.tv_sec) + (double)(t1.tv_nsec - p->t0.tv_nsec) / 1e9;
	if (done == 0 || done * 20 < p->next * total)
		return;
	p->next = done * 20 / total + 1;
	fprintf(stderr, "database: search index %zu/%zu articles (%zu %%), %.0f s, %.0f a second\n",
		done, total, done * 100 / total, s, s > 0 ? (double)done / s : 0.0);
}

static void usage(const cli_env *env, FILE *out)
{
	fprintf(out,
		"usage: %s [--db PATH] COMMAND [ARGS]\n\n"
		"Newszone: a news publishing system in one binary.\n\n"
		"Options:\n"
		"  --db PATH|URI the database: a SQLite file (PATH or sqlite:PATH) or a\n"
		"                postgres:// URI (default: $NEWSZONE_DB, else newszone.db)\n"
		"  --db-read URI a streaming replica of a PostgreSQL --db that `serve` reads\n"
		"                searches from (default: $NEWSZONE_DB_READ; docs/deployment.md)\n"
		"  -v, --verbose log more\n"
		"  -h, --help    this help; COMMAND --help for a command's own\n\n"
		"Commands:\n",
		env->prog);
	for (size_t i = 0; i < N_COMMANDS; i++)
		fprintf(out, "  %-8s %s\n", commands[i]->name, commands[i]->summary);
}

int main(int argc, char **argv)
{
	const char *from_env = getenv("NEWSZONE_DB");
	const char *read_env = getenv("NEWSZONE_DB_READ");
	cli_env env = {.db = from_env && *from_env ? cli_db_uri(from_env) : "newszone.db",
		       .prog = "newszone",
		       .db_read = read_env && *read_env ? read_env : NULL};
	cli_crash_report_install();
	open_progress rebuild = {0};
	nz_store_set_open_progress(show_open_progress, &rebuild);
	int i = 1;
	for (; i < argc && argv[i][0] == '-'; i++) {
		const char *a = argv[i];
		if (strcmp(a, "--db") == 0) {
			if (i + 1 >= argc)
				return cli_fail(&env, NULL, 2, "--db needs a path");
			env.db = cli_db_uri(argv[++i]);
		} else if (strncmp(a, "--db=", 5) == 0) {
			env.db = cli_db_uri(a + 5);
		} else if (strcmp(a, "--db-read") == 0) {
			if (i + 1 >= argc || !*argv[i + 1])
				return cli_fail(&env, NULL, 2, "--db-read needs a postgres:// URI");
			env.db_read = argv[++i];
		} else if (strncmp(a, "--db-read=", 10) == 0) {
			env.db_read = a + 10;
		} else if (strcmp(a, "-v") == 0 || strcmp(a, "--verbose") == 0) {
			nz_log_set_level(NZ_LOG_DEBUG);
		} else if (cli_is_help(a)) {
			usage(&env, stdout);
			return 0;
		} else {
			return cli_fail(&env, NULL, 2, "unknown option %s (see --help)", a);
		}
	}
	if (!*env.db)
		return cli_fail(&env, NULL, 2, "--db needs a path");
	if (i >= argc) {
		usage(&env, stderr);
		return 2;
	}
	for (size_t k = 0; k < N_COMMANDS; k++) {
		if (strcmp(argv[i], commands[k]->name) != 0)
			continue;
		for (int j = i + 1; j < argc && strcmp(argv[j], "--") != 0; j++) {
			if (cli_is_help(argv[j])) {
				cli_usage(&env, commands[k], stdout);
				return 0;
			}
		}
		return commands[k]->run(&env, argc - i, argv + i);
	}
	return cli_fail(&env, NULL, 2, "unknown command '%s' (see --help)", argv[i]);
}
