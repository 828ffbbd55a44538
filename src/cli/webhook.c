/*
 * cli/webhook: `newszone webhook add URL --events a,b`, `webhook list`, `webhook remove ID` and
 * `webhook deliveries [--hook ID] [--limit N]`. The running server's delivery worker sends
 * what these set up; the secret of a new hook is printed once, by `add`.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "app/app.h"
#include "cli/cli.h"

#define CMD "webhook"

/* A positive integer argument, or 0 when it is not one. */
static int64_t parse_id(const char *s)
{
	char *end = NULL;
	errno = 0;
	long long v = s ? strtoll(s, &end, 10) : 0;
	return (errno || !s || end == s || *end || v <= 0) ? 0 : (int64_t)v;
}

static int add(const cli_env *env, nz_store *s, int argc, char **argv)
{
	const char *url = NULL, *events = NULL, *secret = NULL;
	for (int i = 2; i < argc; i++) {
		if (strcmp(argv[i], "--events") == 0 && i + 1 < argc)
			events = argv[++i];
		else if (strncmp(argv[i], "--events=", 9) == 0)
			events = argv[i] + 9;
		else if (strcmp(argv[i], "--secret") == 0 && i + 1 < argc)
			secret = argv[++i];
		else if (argv[i][0] == '-' || url)
			return cli_fail(env, CMD, 2, "add: unexpected '%s' (see --help)", argv[i]);
		else
			url = argv[i];
	}
	if (!url || !events)
		return cli_fail(env, CMD, 2, "add needs a URL and --events (see --help)");
	nz_arena *arena = nz_arena_new();
	nz_webhook hook = {.url = url, .events = events, .secret = secret};
	nz_err err = {0};
	int status = 0;
	if (!arena)
		status = cli_fail(env, CMD, 1, "out of memory");
	else if (nz_app_webhook_create(s, arena, &hook, &err) != NZ_OK)
		status = cli_fail(env, CMD, err.rc == NZ_INVAL ? 2 : 1, "add: %s", err.msg);
	else
		printf("webhook %lld: %s\nevents: %s\nsecret: %s\n(keep the secret: it is shown "
		       "only now; receivers check X-Newszone-Signature with it)\n",
		       (long long)hook.id, hook.url, hook.events, hook.secret);
	nz_arena_free(arena);
	return status;
}

static int list(const cli_env *env, nz_store *s)
{
	nz_arena *arena = nz_arena_new();
	nz_webhook *hooks = NULL;
	size_t n = 0;
	nz_err err = {0};
	if (!arena || nz_store_webhook_list(s, arena, &hooks, &n, &err) != NZ_OK) {
		nz_arena_free(arena);
		return cli_fail(env, CMD, 1, "list: %s", arena ? err.msg : "out of memory");
	}
	if (n == 0)
		printf("no webhooks (add one with `%s webhook add URL --events %s`)\n", env->prog,
		       NZ_WEBHOOK_EVENTS);
	for (size_t i = 0; i < n; i++)
		printf("%lld\t%s\t%s\t%s\tpending %lld, delivered %lld, failed %lld\n",
		       (long long)hooks[i].id, hooks[i].active ? "active" : "inactive",
		       hooks[i].url, hooks[i].events, (long long)hooks[i].n_pending,
		       (long long)hooks[i].n_delivered, (long long)hooks[i].n_failed);
	nz_arena_free(arena);
	return 0;
}

static int remove_hook(const cli_env *env, nz_store *s, int argc, char **argv)
{
	int64_t id = argc == 3 ? parse_id(argv[2]) : 0;
	nz_err err = {0};
	if (!id)
		return cli_fail(env, CMD, 2, "remove needs one webhook id (see `webhook list`)");
	if (nz_store_webhook_delete(s, id, &err) != NZ_OK)
		return cli_fail(env, CMD, 1, "remove: %s", err.msg);
	printf("webhook %lld removed\n", (long long)id);
	return 0;
}

static int deliveries(const cli_env *env, nz_store *s, int argc, char **argv)
{
	nz_delivery_query q = {0};
	for (int i = 2; i < argc; i++) {
		if (strcmp(argv[i], "--hook") == 0 && i + 1 < argc) {
			if (!(q.webhook_id = parse_id(argv[++i])))
				return cli_fail(env, CMD, 2, "--hook needs a webhook id");
		} else if (strcmp(argv[i], "--purge") == 0) {
			q.webhook_id = -1;
		} else if (strcmp(argv[i], "--limit") == 0 && i + 1 < argc) {
			int64_t v = parse_id(argv[++i]);
			if (!v || v > 500)
				return cli_fail(env, CMD, 2, "--limit must be 1 to 500");
			q.limit = (size_t)v;
		} else {
			return cli_fail(env, CMD, 2, "deliveries: unexpected '%s'", argv[i]);
		}
	}
	nz_arena *arena = nz_arena_new();
	nz_delivery *d = NULL;
	size_t n = 0;
	nz_err err = {0};
	if (!arena || nz_store_delivery_list(s, arena, &q, &d, &n, &err) != NZ_OK) {
		nz_arena_free(arena);
		return cli_fail(env, CMD, 1, "deliveries: %s", arena ? err.msg : "out of memory");
	}
	for (size_t i = 0; i < n; i++) {
		char when[32];
		printf("%lld\t%s\t%s\tarticle %lld\t%s\tattempts %d\t%s\t%s\n", (long long)d[i].id,
		       nz_time_rfc3339(d[i].created_at, when), d[i].event,
		       (long long)d[i].article_id, nz_delivery_status_name(d[i].status),
		       d[i].attempts, d[i].webhook_id ? d[i].url : "(purge hook)",
		       d[i].last_error ? d[i].last_error : "");
	}
	nz_arena_free(arena);
	return 0;
}

static int run(const cli_env *env, int argc, char **argv)
{
	if (argc < 2)
		return cli_fail(env, CMD, 2, "needs add, list, remove or deliveries (see --help)");
	const char *sub = argv[1];
	bool known = strcmp(sub, "add") == 0 || strcmp(sub, "list") == 0 ||
		     strcmp(sub, "remove") == 0 || strcmp(sub, "deliveries") == 0;
	if (!known)
		return cli_fail(env, CMD, 2, "unknown subcommand '%s' (see --help)", sub);
	if (strcmp(sub, "list") == 0 && argc > 2)
		return cli_fail(env, CMD, 2, "list takes no arguments");
	nz_store *s = cli_open_store(env, CMD, false);
	if (!s)
		return 1;
	int status = strcmp(sub, "add") == 0      ? add(env, s, argc, argv)
		     : strcmp(sub, "list") == 0   ? list(env, s)
		     : strcmp(sub, "remove") == 0 ? remove_hook(env, s, argc, argv)
						  : deliveries(env, s, argc, argv);
	nz_store_close(s);
	return status;
}

const cli_command cli_webhook_cmd = {
    "webhook", run, "manage webhooks and see their deliveries",
    "webhook add URL --events EVENT[,EVENT...] [--secret S]\n"
    "       webhook list\n"
    "       webhook remove ID\n"
    "       webhook deliveries [--hook ID | --purge] [--limit N]\n\n"
    "Webhooks receive a signed JSON POST for each event they subscribe to:\n"
    "  " NZ_WEBHOOK_EVENTS "\n"
    "`add` prints the hook's secret once; receivers check the X-Newszone-Signature header\n"
    "(sha256=<hex HMAC-SHA256 of the body>) with it. Deliveries are sent by `newszone serve`\n"
    "and retried with back-off; `deliveries` shows the log, newest first.\n"
    "See docs/caching-and-webhooks.md.\n"};
