/*
 * cli/restore: `restore FILE`, a backup brought back into an empty database (created when
 * missing), verified table by table before it commits.
 */
#include <string.h>

#include "cli/cli.h"

static int run(const cli_env *env, int argc, char **argv)
{
	bool quiet = argc == 3 && strcmp(argv[1], "--quiet") == 0;
	if (argc != 2 && !quiet)
		return cli_fail(env, "restore", 2, "needs one FILE (see --help)");
	const char *path = argv[argc - 1];
	nz_store *s = cli_open_store(env, "restore", true);
	if (!s)
		return 1;
	nz_app_transfer t;
	nz_err err = {0};
	cli_transfer_init(&t, "restore");
	nz_rc rc = nz_app_restore(s, path, &t, &err);
	cli_transfer_done(&t);
	nz_store_close(s);
	if (rc != NZ_OK)
		return cli_fail(env, "restore", 1, "%s", err.msg);
	if (!quiet)
		cli_transfer_print(&t, stdout);
	printf("%s: restored from %s\n", env->db, path);
	return 0;
}

const cli_command cli_restore_cmd = {
    "restore", run, "bring a backup back into an empty database",
    "restore [--quiet] FILE\n\n"
    "Loads the backup FILE (written by `backup`, from SQLite or PostgreSQL) into the database\n"
    "given by --db, which must be empty (a new file or a freshly initialised database; it is\n"
    "created when missing). One transaction: every table's row count and checksum is checked\n"
    "against the file's before it commits, so a damaged or cut-short file changes nothing.\n"
    "The search index is rebuilt from the articles.\n"};
