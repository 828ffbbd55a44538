/*
 * cli/user: back-office accounts. `user add LOGIN --role R` prints a generated
 * password once (it is stored only as an argon2id hash); `user passwd LOGIN` sets a new one;
 * `user role LOGIN R` changes a role; `user list` shows who there is; `user reset-link LOGIN`
 * prints a one-time password-reset link (to pass on: Newszone sends no mail).
 */
#include <stdio.h>
#include <string.h>

#include "app/app.h"
#include "cli/cli.h"

/* Reads one line (the new password) from stdin into buf; false when there is none. */
static bool read_password(char *buf, size_t size)
{
	if (!fgets(buf, (int)size, stdin))
		return false;
	buf[strcspn(buf, "\r\n")] = '\0';
	return true;
}

/* The password to set: read from stdin with --password-stdin (*given points at it in buf),
 * else NULL (*given), for app/ to generate one. */
static int choose_password(const cli_env *env, bool from_stdin, char *buf, size_t size,
			   const char **given)
{
	nz_err err = {0};
	*given = NULL;
	if (!from_stdin)
		return 0;
	if (!read_password(buf, size))
		return cli_fail(env, "user", 2, "--password-stdin: no password on standard input");
	if (nz_app_password_check(buf, NULL, &err) != NZ_OK) /* app/ checks the login too */
		return cli_fail(env, "user", 2, "%s", err.msg);
	*given = buf;
	return 0;
}

static int add(const cli_env *env, int argc, char **argv)
{
	nz_user u = {0};
	bool role_set = false, from_stdin = false;
	char pw[NZ_PASSWORD_MAX + 2], generated[NZ_PASSWORD_GENERATED];
	const char *given = NULL;
	nz_err err = {0};
	for (int i = 2; i < argc; i++) {
		if (strcmp(argv[i], "--role") == 0 && i + 1 < argc) {
			if (nz_role_parse(nz_str_c(argv[++i]), &u.role) != NZ_OK)
				return cli_fail(env, "user", 2,
						"--role %s: use contributor, editor or admin",
						argv[i]);
			role_set = true;
		} else if (strcmp(argv[i], "--password-stdin") == 0) {
			from_stdin = true;
		} else if (!u.login && argv[i][0] != '-') {
			u.login = argv[i];
		} else {
			return cli_fail(env, "user", 2, "add: unexpected argument %s", argv[i]);
		}
	}
	if (!u.login || !role_set)
		return cli_fail(env, "user", 2,
				"usage: user add LOGIN --role contributor|editor|admin");
	if (!nz_user_login_valid(u.login))
		return cli_fail(
		    env, "user", 2,
		    "%s: a login is 1 to %d lower-case letters, digits, '.', '_' or '-'", u.login,
		    NZ_LOGIN_MAX);
	int st = choose_password(env, from_stdin, pw, sizeof pw, &given);
	if (st)
		return st;
	nz_store *s = cli_open_store(env, "user", false);
	if (!s)
		return 1;
	if (nz_app_account_create(s, 0, &u, given, generated, &err) != NZ_OK) {
		nz_store_close(s);
		return cli_fail(env, "user", 1, "%s", err.msg);
	}
	nz_store_close(s);
	printf("user %s created (%s)\n", u.login, nz_role_name(u.role));
	if (!given)
		printf(
		    "password: %s\n(shown once: store it now; `user passwd %s` makes a new one)\n",
		    generated, u.login);
	return 0;
}

/* Loads the user called login into *u (arena); prints the problem when missing. */
static int find_user(const cli_env *env, nz_store *s, nz_arena *arena, const char *login,
		     nz_user **u)
{
	nz_err err = {0};
	nz_rc rc = nz_store_user_by_login(s, arena, login, u, NULL, &err);
	if (rc == NZ_NOTFOUND)
		return cli_fail(env, "user", 1, "%s: no such user", login);
	return rc ? cli_fail(env, "user", 1, "%s", err.msg) : 0;
}

static int passwd(const cli_env *env, int argc, char **argv)
{
	const char *login = NULL;
	bool from_stdin = false;
	char pw[NZ_PASSWORD_MAX + 2], generated[NZ_PASSWORD_GENERATED];
	const char *given = NULL;
	nz_err err = {0};
	nz_user *u = NULL;
	for (int i = 2; i < argc; i++) {
		if (strcmp(argv[i], "--password-stdin") == 0)
			from_stdin = true;
		else if (!login && argv[i][0] != '-')
			login = argv[i];
		else
			return cli_fail(env, "user", 2, "passwd: unexpected argument %s", argv[i]);
	}
	if (!login)
		return cli_fail(env, "user", 2, "usage: user passwd LOGIN [--password-stdin]");
	int st = choose_password(env, from_stdin, pw, sizeof pw, &given);
	if (st)
		return st;
	nz_store *s = cli_open_store(env, "user", false);
	nz_arena *arena = nz_arena_new();
	if (!s || !arena)
		st = s ? cli_fail(env, "user", 1, "out of memory") : 1;
	else if (!(st = find_user(env, s, arena, login, &u)) &&
		 nz_app_password_set(s, 0, u->id, given, generated, &err) != NZ_OK)
		st = cli_fail(env, "user", 1, "%s", err.msg);
	if (!st) {
		printf("password of %s changed; their sessions have ended\n", login);
		if (!given)
			printf("password: %s\n(shown once)\n", generated);
	}
	nz_arena_free(arena);
	nz_store_close(s);
	return st;
}

static int role(const cli_env *env, int argc, char **argv)
{
	nz_role r;
	nz_user *u = NULL;
	nz_err err = {0};
	int st = 0;
	if (argc != 4)
		return cli_fail(env, "user", 2, "usage: user role LOGIN contributor|editor|admin");
	if (nz_role_parse(nz_str_c(argv[3]), &r) != NZ_OK)
		return cli_fail(env, "user", 2, "%s: use contributor, editor or admin", argv[3]);
	nz_store *s = cli_open_store(env, "user", false);
	nz_arena *arena = nz_arena_new();
	if (!s || !arena)
		st = s ? cli_fail(env, "user", 1, "out of memory") : 1;
	else if (!(st = find_user(env, s, arena, argv[2], &u)) &&
		 nz_store_user_set_role(s, 0, u->id, r, &err) != NZ_OK)
		st = cli_fail(env, "user", 1, "%s", err.msg);
	if (!st)
		printf("%s is now %s\n", argv[2], nz_role_name(r));
	nz_arena_free(arena);
	nz_store_close(s);
	return st;
}

static int reset_link(const cli_env *env, int argc, char **argv)
{
	nz_user *u = NULL;
	nz_site site = {0};
	nz_err err = {0};
	char token[NZ_TOKEN_MAX] = "";
	nz_time expires_at = 0;
	int st = 0;
	if (argc != 3 || argv[2][0] == '-')
		return cli_fail(env, "user", 2, "usage: user reset-link LOGIN");
	nz_store *s = cli_open_store(env, "user", false);
	nz_arena *arena = nz_arena_new();
	if (!s || !arena)
		st = s ? cli_fail(env, "user", 1, "out of memory") : 1;
	else if (!(st = find_user(env, s, arena, argv[2], &u)) &&
		 (nz_store_site_load(s, arena, &site, &err) != NZ_OK ||
		  nz_app_reset_create(s, 0, u->id, token, &expires_at, &err) != NZ_OK))
		st = cli_fail(env, "user", 1, "%s", err.msg);
	if (!st) {
		char when[40];
		nz_time_rfc3339(expires_at, when);
		printf(
		    "%s%s%s\n(one-time link for %s, valid until %s; a new link voids this one)\n",
		    site.base_url, NZ_RESET_PATH, token, argv[2], when);
	}
	nz_arena_free(arena);
	nz_store_close(s);
	return st;
}

static int list(const cli_env *env)
{
	nz_user *users = NULL;
	size_t n = 0;
	nz_err err = {0};
	int st = 0;
	nz_store *s = cli_open_store(env, "user", false);
	nz_arena *arena = nz_arena_new();
	if (!s || !arena)
		st = s ? cli_fail(env, "user", 1, "out of memory") : 1;
	else if (nz_store_user_list(s, arena, &users, &n, &err) != NZ_OK)
		st = cli_fail(env, "user", 1, "%s", err.msg);
	for (size_t i = 0; !st && i < n; i++)
		printf("%-24s %-12s%s\n", users[i].login, nz_role_name(users[i].role),
		       users[i].disabled_at ? " disabled" : "");
	nz_arena_free(arena);
	nz_store_close(s);
	return st;
}

static int run(const cli_env *env, int argc, char **argv)
{
	const char *sub = argc > 1 ? argv[1] : "";
	if (strcmp(sub, "add") == 0)
		return add(env, argc, argv);
	if (strcmp(sub, "passwd") == 0)
		return passwd(env, argc, argv);
	if (strcmp(sub, "role") == 0)
		return role(env, argc, argv);
	if (strcmp(sub, "list") == 0 && argc == 2)
		return list(env);
	if (strcmp(sub, "reset-link") == 0)
		return reset_link(env, argc, argv);
	return cli_fail(env, "user", 2,
			"expected add, passwd, role, list or reset-link (see --help)");
}

const cli_command cli_user_cmd = {
    "user", run, "back-office accounts: add, passwd, role, list, reset-link",
    "user add LOGIN --role contributor|editor|admin [--password-stdin]\n"
    "       user passwd LOGIN [--password-stdin]\n"
    "       user role LOGIN contributor|editor|admin\n"
    "       user list\n"
    "       user reset-link LOGIN\n\n"
    "add creates an account and prints a generated password once (it is stored only as an\n"
    "argon2id hash). passwd sets a new password (generated and printed, or read from the first\n"
    "line of standard input) and ends the user's sessions. A login is 1 to 64 lower-case\n"
    "letters, digits, '.', '_' or '-'; a password at least 10 characters. reset-link prints a\n"
    "one-time link (valid 24 hours) where the user chooses a new password; pass it on\n"
    "yourself (Newszone sends no mail). A new link voids the older one.\n"};
