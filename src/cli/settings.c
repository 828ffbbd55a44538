/*
 * cli/settings: the site's settings from the command line. `settings list` prints every known
 * setting and its value now; `settings get KEY` prints one value; `settings set KEY VALUE
 * [KEY VALUE ...]` sets them all or none (app/settings.c checks each as the back office does,
 * and writes the audit row, by the system). A refused value prints one line naming the key and
 * the reason and exits 1, nothing changed.
 */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"

static int list(const cli_env *env, nz_store *s, nz_arena *arena, const char *only)
{
	nz_app_setting *all = NULL;
	size_t n = 0;
	nz_err err = {0};
	if (nz_app_settings_list(s, arena, &all, &n, &err) != NZ_OK)
		return cli_fail(env, "settings", 1, "%s", err.msg);
	for (size_t i = 0; i < n; i++) {
		const char *v = all[i].secret && all[i].value ? "(set)" : all[i].value;
		if (only && strcmp(only, all[i].key) == 0) {
			printf("%s\n", all[i].value ? all[i].value : "");
			return 0;
		}
		if (!only)
			printf("%-24s %s%s\n", all[i].key, v ? v : "",
			       all[i].stored ? ""
			       : v           ? "  (default)"
					     : "(not set)");
	}
	if (!only)
		return 0;
	const char *problem = nz_app_setting_problem(only, "x"); /* an unknown key's */
	return cli_fail(env, "settings", 1, "%s: %s", only, problem ? problem : "not set");
}

static int set(const cli_env *env, nz_store *s, nz_arena *arena, int argc, char **argv)
{
	size_t n = (size_t)(argc - 2) / 2;
	nz_err err = {0};
	const char **keys = nz_arena_zalloc(arena, (n + 1) * sizeof *keys);
	const char **values = nz_arena_zalloc(arena, (n + 1) * sizeof *values);
	if (!keys || !values)
		return cli_fail(env, "settings", 1, "out of memory");
	for (size_t i = 0; i < n; i++) {
		keys[i] = argv[2 + 2 * i];
		values[i] = argv[3 + 2 * i];
	}
	if (nz_app_settings_set(s, arena, 0, keys, values, n, NULL, &err) != NZ_OK)
		return cli_fail(env, "settings", 1, "%s (nothing changed)", err.msg);
	for (size_t i = 0; i < n; i++)
		printf("%s set\n", keys[i]);
	return 0;
}

static int run(const cli_env *env, int argc, char **argv)
{
	const char *sub = argc > 1 ? argv[1] : "";
	bool known = (strcmp(sub, "list") == 0 && argc == 2) ||
		     (strcmp(sub, "get") == 0 && argc == 3) ||
		     (strcmp(sub, "set") == 0 && argc >= 4 && argc % 2 == 0);
	if (!known)
		return cli_fail(env, "settings", 2,
				"expected list, get KEY or set KEY VALUE [KEY VALUE ...] (see "
				"--help)");
	nz_store *s = cli_open_store(env, "settings", false);
	nz_arena *arena = nz_arena_new();
	int st;
	if (!s || !arena)
		st = s ? cli_fail(env, "settings", 1, "out of memory") : 1;
	else if (strcmp(sub, "set") == 0)
		st = set(env, s, arena, argc, argv);
	else
		st = list(env, s, arena, argc == 3 ? argv[2] : NULL);
	nz_arena_free(arena);
	nz_store_close(s);
	return st;
}

const cli_command cli_settings_cmd = {
    "settings", run, "the site's settings: list, get, set (as the back office checks them)",
    "settings list\n"
    "       settings get KEY\n"
    "       settings set KEY VALUE [KEY VALUE ...]\n\n"
    "list prints every setting with its value now (\"(default)\" when not stored).\n"
    "get prints one value. set checks every value as /admin/settings does (a time_zone\n"
    "the tz database lacks, a base_url without http(s)://, an unknown key are refused)\n"
    "and stores them all in one transaction with an audit row, or none. An empty value\n"
    "removes an optional setting (its default applies again). A running server reads\n"
    "the site's settings on each request; trusted_proxies when it starts.\n"
    "Keys and defaults: docs/configuration.md.\n"};
