/*
 * cli/token: API bearer tokens. `token create LOGIN` prints a new token once (the
 * store keeps only its SHA-256); `token revoke ID|TOKEN` revokes one; `token list [LOGIN]`.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "web/admin/auth.h"

static int create(const cli_env *env, nz_store *s, nz_arena *arena, int argc, char **argv)
{
	const char *login = NULL, *name = NULL;
	char token[NZ_TOKEN_MAX], hash[65];
	nz_user *u = NULL;
	int64_t id = 0;
	nz_err err = {0};
	for (int i = 2; i < argc; i++) {
		if (strcmp(argv[i], "--name") == 0 && i + 1 < argc)
			name = argv[++i];
		else if (!login && argv[i][0] != '-')
			login = argv[i];
		else
			return cli_fail(env, "token", 2, "create: unexpected argument %s", argv[i]);
	}
	if (!login)
		return cli_fail(env, "token", 2, "usage: token create LOGIN [--name NAME]");
	nz_rc rc = nz_store_user_by_login(s, arena, login, &u, NULL, &err);
	if (rc == NZ_NOTFOUND)
		return cli_fail(env, "token", 1, "%s: no such user (add one with `user add`)",
				login);
	nz_auth_token_new(NZ_API_TOKEN_PREFIX, token, hash);
	if (rc || nz_store_token_create(s, 0, u->id, hash, name, &id, &err) != NZ_OK)
		return cli_fail(env, "token", 1, "%s", err.msg);
	printf("token %" PRId64 " for %s (%s):\n%s\n(shown once: store it now)\n", id, login,
	       nz_role_name(u->role), token);
	return 0;
}

static int revoke(const cli_env *env, nz_store *s, const char *what)
{
	int64_t id = 0;
	nz_err err = {0};
	nz_rc rc;
	if (strncmp(what, NZ_API_TOKEN_PREFIX, strlen(NZ_API_TOKEN_PREFIX)) == 0) {
		char hash[65];
		nz_auth_token_hash(what, hash);
		rc = nz_store_token_find(s, hash, &id, &err);
	} else {
		char *end = NULL;
		id = strtoll(what, &end, 10);
		rc = (end && *end) || id <= 0 ? NZ_NOTFOUND : NZ_OK;
	}
	if (!rc)
		rc = nz_store_token_revoke(s, 0, id, &err);
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
	char c[48], l[48];
	if (login && nz_store_user_by_login(s, arena, login, &u, NULL, &err) != NZ_OK)
		return cli_fail(env, "token", 1, "%s: no such user", login);
	if (nz_store_token_list(s, arena, u ? u->id : 0, &t, &n, &err) != NZ_OK)
		return cli_fail(env, "token", 1, "%s", err.msg);
	for (size_t i = 0; i < n; i++)
		printf("%-6" PRId64 " %-20s created %s  last used %s%s%s\n", t[i].id, t[i].login,
		       nz_time_rfc3339(t[i].created_at, c),
		       t[i].last_used_at ? nz_time_rfc3339(t[i].last_used_at, l) : "never",
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
    "token create LOGIN [--name NAME]\n"
    "       token revoke ID|TOKEN\n"
    "       token list [LOGIN]\n\n"
    "create prints a new bearer token for LOGIN once (send it as `Authorization: Bearer\n"
    "<token>`); the database keeps only its SHA-256. A token acts with its user's role.\n"
    "revoke stops a token at once (by its id from `token list`, or the token itself).\n"};
