/*
 * cli/backup: `backup FILE`, a consistent snapshot of the database in the portable backup
 * format (docs/deployment.md) while a server may go on serving and writing, and `restore FILE`,
 * a backup brought back into an empty database (created when missing), verified table by
 * table before it commits.
 */
#include <string.h>

#include "cli/cli.h"

typedef nz_rc (*file_fn)(nz_store *s, const char *path, nz_app_transfer *report, nz_err *err);

/* Both commands: `[--quiet] FILE`, fn on the --db store, the tables, then done's line. */
static int run_file(const cli_env *env, int argc, char **argv, bool create, file_fn fn,
		    const char *done)
{
	const char *cmd = argv[0];
	bool quiet = argc == 3 && strcmp(argv[1], "--quiet") == 0;
	if (argc != 2 && !quiet)
		return cli_fail(env, cmd, 2, "needs one FILE (see --help)");
	const char *path = argv[argc - 1];
	nz_store *s = cli_open_store(env, cmd, create);
	if (!s)
		return 1;
	nz_app_transfer t;
	nz_err err = {0};
	cli_transfer_init(&t, cmd);
	nz_rc rc = fn(s, path, &t, &err);
	cli_transfer_done(&t);
	nz_store_close(s);
	if (rc != NZ_OK)
		return cli_fail(env, cmd, 1, "%s", err.msg);
	if (!quiet)
		cli_transfer_print(&t, stdout);
	printf("%s: %s %s\n", env->db, done, path);
	return 0;
}

static int run_backup(const cli_env *env, int argc, char **argv)
{
	return run_file(env, argc, argv, false, nz_app_backup, "backup written to");
}

static int run_restore(const cli_env *env, int argc, char **argv)
{
	return run_file(env, argc, argv, true, nz_app_restore, "restored from");
}

const cli_command cli_backup_cmd = {
    "backup", run_backup, "write a consistent backup of the database to a file",
    "backup [--quiet] FILE\n\n"
    "Writes everything in the database (articles with every revision, media bytes, users with\n"
    "their password hashes, tokens, sessions, the audit log, webhooks, settings, import\n"
    "originals, the change feed) to FILE as one consistent snapshot, while the server goes on\n"
    "serving. The file is gzip'd JSON lines, the same for SQLite and PostgreSQL, mode 0600 (it\n"
    "holds password hashes); FILE must not exist. Prints each table's rows and checksum\n"
    "(--quiet: only the last line). Bring it back with `restore`.\n"};

const cli_command cli_restore_cmd = {
    "restore", run_restore, "bring a backup back into an empty database",
    "restore [--quiet] FILE\n\n"
    "Loads the backup FILE (written by `backup`, from SQLite or PostgreSQL) into the database\n"
    "given by --db, which must be empty (a new file or a freshly initialised database; it is\n"
    "created when missing). One transaction: every table's row count and checksum is checked\n"
    "against the file's before it commits, so a damaged or cut-short file changes nothing.\n"
    "The search index is rebuilt from the articles.\n"};
