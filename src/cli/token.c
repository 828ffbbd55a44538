/*
 * cli/token: API bearer tokens. `token create LOGIN` prints a new token once (the
 * store keeps only its SHA-256), valid for 90 days unless --expires-in DAYS or --no-expiry
 * says otherwise; `token revoke ID|TOKEN` revokes one; `token list [LOGIN]`.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/app.h"
#include "cli/cli.h"

static int create(const cli_env *env, nz_store *s, nz_arena *arena, int argc, char **argv)
{
	const char *login = NULL, *name = NULL;
	nz_app_token t;
	nz_user *u = NULL;
	nz_err err = {0};
	int days = NZ_API_TOKEN_DAYS;
	char e[48];
	for (int i = 2; i < argc; i++) {
		if (strcmp(argv[i], "--name") == 0 && i + 1 < argc)
			name = argv[++i];
		else if (strcmp(argv[i], "--no-expiry") == 0)
			days = 0;
		else if (strcmp(argv[i], "--expires-in") == 0 && i + 1 < argc) {
			char *end = NULL;
			long v = strtol(argv[++i], &end, 10);
			if (!*argv[i] || *end || v < 1 || v > NZ_API_TOKEN_DAYS_MAX)
				return cli_fail(env, "token", 2,
						"--expires-in: a number of days from 1 to %d",
						NZ_API_TOKEN_DAYS_MAX);
			days = (int)v;
		} else if (!login && argv[i][0] != '-')
			login = argv[i];
		else
			return cli_fail(env, "token", 2, "create: unexpected argument %s", argv[i]);
	}
	if (!login)
		return cli_fail(env, "token", 2,
				"usage: token create LOGIN [--name NAME] [--expires-in DAYS | "
				"--no-expiry]");
	nz_rc rc = nz_store_user_by_login(s, arena, login, &u, NULL, &err);
	if (rc == NZ_NOTFOUND)
		return cli_fail(env, "token", 1, "%s: no such user (add one with `user add`)",
				login);
	if (rc || nz_app_token_create(s, 0, u->id, name, days, &t, &err) != NZ_OK)
		return cli_fail(env, "token", 1, "%s", err.msg);
	printf("token %" PRId64 " for %s (%s), expires %s:\n%s\n(shown once: store it now)\n", t.id,
	       login, nz_role_name(u->role),
	       t.expires_at ? nz_time_rfc3339(t.expires_at, e) : "never", t.token);
	return 0;
}

static int revoke(const cli_env *env, nz_store *s, const char *what)
{
	int64_t id = 0;
	nz_err err = {0};
	nz_rc rc = nz_app_token_find(s, what, &id, &err);
	if (!rc)
		rc = nz_app_token_revoke(s, 0, id, &err);
	if (rc == NZ_NOTFOUND)
		return cli_fail(env, "token", 1, "%s: no such token", what);
	if (rc)
		return cli_fail(env, "token", 1, "%s", err.msg);
	printf("token %" PRId64 " revoked\n", id);
	return 0;
}

static int list(const cli_env *env, nz_store *s, nz_arena *arena, const char *login)
{
	nz_user *u = NULL;
	nz_api_token *t = NULL;
	size_t n = 0;
	nz_err err = {0};
	char c[48], l[48], e[48];
	nz_time now = nz_time_now();
	if (login && nz_store_user_by_login(s, arena, login, &u, NULL, &err) != NZ_OK)
		return cli_fail(env, "token", 1, "%s: no such user", login);
	if (nz_store_token_list(s, arena, u ? u->id : 0, &t, &n, &err) != NZ_OK)
		return cli_fail(env, "token", 1, "%s", err.msg);
	for (size_t i = 0; i < n; i++)
		printf("%-6" PRId64 " %-20s created %s  last used %s  %s %s%s  %s\n", t[i].id,
		       t[i].login, nz_time_rfc3339(t[i].created_at, c),
		       t[i].last_used_at ? nz_time_rfc3339(t[i].last_used_at, l) : "never",
		       t[i].expires_at && t[i].expires_at <= now ? "EXPIRED" : "expires",
		       t[i].expires_at ? nz_time_rfc3339(t[i].expires_at, e) : "never",
		       t[i].revoked_at ? "  REVOKED" : "", t[i].name ? t[i].name : "");
	return 0;
}

static int run(const cli_env *env, int argc, char **argv)
{
	const char *sub = argc > 1 ? argv[1] : "";
	bool known = strcmp(sub, "create") == 0 || (strcmp(sub, "revoke") == 0 && argc == 3) ||
		     (strcmp(sub, "list") == 0 && argc <= 3);
	if (!known)
		return cli_fail(
		    env, "token", 2,
		    "expected create LOGIN, revoke ID|TOKEN or list [LOGIN] (see --help)");
	nz_store *s = cli_open_store(env, "token", false);
	nz_arena *arena = nz_arena_new();
	int st;
	if (!s || !arena)
		st = s ? cli_fail(env, "token", 1, "out of memory") : 1;
	else if (strcmp(sub, "create") == 0)
		st = create(env, s, arena, argc, argv);
	else if (strcmp(sub, "revoke") == 0)
		st = revoke(env, s, argv[2]);
	else
		st = list(env, s, arena, argc == 3 ? argv[2] : NULL);
	nz_arena_free(arena);
	nz_store_close(s);
	return st;
}

const cli_command cli_token_cmd = {
    "token", run, "API tokens for the admin JSON API: create, revoke, list",
    "token create LOGIN [--name NAME] [--expires-in DAYS | --no-expiry]\n"
    "       token revoke ID|TOKEN\n"
    "       token list [LOGIN]\n\n"
    "create prints a new bearer token for LOGIN once (send it as `Authorization: Bearer\n"
    "<token>`); the database keeps only its SHA-256. A token acts with its user's role.\n"
    "It expires after 90 days unless --expires-in DAYS (1 to 3650) or --no-expiry says\n"
    "otherwise; disabling its user revokes it.\n"
    "revoke stops a token at once (by its id from `token list`, or the token itself).\n"};
