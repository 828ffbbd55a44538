/*
 * cli/backup: `backup FILE`, a consistent snapshot of the database in the portable backup
 * format (docs/deployment.md), while a server may go on serving and writing.
 */
#include <string.h>

#include "cli/cli.h"

static int run(const cli_env *env, int argc, char **argv)
{
	bool quiet = argc == 3 && strcmp(argv[1], "--quiet") == 0;
	if (argc != 2 && !quiet)
		return cli_fail(env, "backup", 2, "needs one FILE (see --help)");
	const char *path = argv[argc - 1];
	nz_store *s = cli_open_store(env, "backup", false);
	if (!s)
		return 1;
	nz_app_transfer t;
	nz_err err = {0};
	cli_transfer_init(&t, "backup");
	nz_rc rc = nz_app_backup(s, path, &t, &err);
	cli_transfer_done(&t);
	nz_store_close(s);
	if (rc != NZ_OK)
		return cli_fail(env, "backup", 1, "%s", err.msg);
	if (!quiet)
		cli_transfer_print(&t, stdout);
	printf("%s: backup written to %s\n", env->db, path);
	return 0;
}

const cli_command cli_backup_cmd = {
    "backup", run, "write a consistent backup of the database to a file",
    "backup [--quiet] FILE\n\n"
    "Writes everything in the database (articles with every revision, media bytes, users with\n"
    "their password hashes, tokens, sessions, the audit log, webhooks, settings, import\n"
    "originals, the change feed) to FILE as one consistent snapshot, while the server goes on\n"
    "serving. The file is gzip'd JSON lines, the same for SQLite and PostgreSQL, mode 0600 (it\n"
    "holds password hashes); FILE must not exist. Prints each table's rows and checksum\n"
    "(--quiet: only the last line). Bring it back with `restore`.\n"};
