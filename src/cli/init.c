/*
 * cli/init: creates a database (or migrates an existing one to this binary's schema).
 */
#include "cli/cli.h"

static int run(const cli_env *env, int argc, char **argv)
{
	(void)argv;
	if (argc > 1)
		return cli_fail(env, "init", 2, "takes no arguments (see --help)");
	nz_store *s = cli_open_store(env, "init", true);
	if (!s)
		return 1;
	printf("%s: database ready (schema version %d)\n", env->db, nz_store_schema_version(s));
	nz_store_close(s);
	return 0;
}

const cli_command cli_init_cmd = {
    "init", run, "create the database, or bring an existing one up to date",
    "init\n\nCreates the database at --db (default newszone.db), or migrates an existing one to\n"
    "this version's schema. Safe to run again.\n"};
