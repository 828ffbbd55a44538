/*
 * cli/migrate: `migrate --to URI`, everything of the --db database copied into an empty one
 * of either kind (a SQLite path or a postgres:// URI), verified table by table.
 */
#include <string.h>

#include "cli/cli.h"

static int run(const cli_env *env, int argc, char **argv)
{
	const char *to = NULL;
	bool quiet = false;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--to") == 0 && i + 1 < argc)
			to = cli_db_uri(argv[++i]);
		else if (strncmp(argv[i], "--to=", 5) == 0)
			to = cli_db_uri(argv[i] + 5);
		else if (strcmp(argv[i], "--quiet") == 0)
			quiet = true;
		else
			return cli_fail(env, "migrate", 2, "unknown argument %s (see --help)",
					argv[i]);
	}
	if (!to || !*to)
		return cli_fail(env, "migrate", 2, "needs --to URI (see --help)");
	if (strcmp(to, env->db) == 0)
		return cli_fail(env, "migrate", 2, "--to names the database being copied");
	nz_store *from = cli_open_store(env, "migrate", false);
	if (!from)
		return 1;
	cli_env target = {.db = to, .prog = env->prog};
	nz_store *dest = cli_open_store(&target, "migrate", true);
	if (!dest) {
		nz_store_close(from);
		return 1;
	}
	nz_app_transfer t;
	nz_err err = {0};
	cli_transfer_init(&t, "migrate");
	nz_rc rc = nz_app_migrate(from, dest, &t, &err);
	cli_transfer_done(&t);
	nz_store_close(dest);
	nz_store_close(from);
	if (rc != NZ_OK)
		return cli_fail(env, "migrate", 1, "%s", err.msg);
	if (!quiet)
		cli_transfer_print(&t, stdout);
	printf("%s: copied to %s\n", env->db, to);
	return 0;
}

const cli_command cli_migrate_cmd = {
    "migrate", run, "copy the database into an empty one (SQLite or PostgreSQL)",
    "migrate [--quiet] --to URI\n\n"
    "Copies everything in the --db database into the empty database URI: a SQLite path (or\n"
    "sqlite:PATH), created when missing, or a postgres:// / postgresql:// URI. The source is\n"
    "read as one snapshot (a server may keep running); the target is written in one\n"
    "transaction and each table's row count and checksum is verified before it commits, so a\n"
    "failed copy leaves the target empty. Prints each table's rows and checksum; a progress\n"
    "line on a terminal. Refuses a target that already holds data.\n"};
