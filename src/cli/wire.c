/*
 * cli/wire: `newszone wire add URL --format rss|atom|ninjs [--section S] [--every 5m]`,
 * `wire list`, `wire remove ID` and `wire poll` (one pass over every feed now). The running
 * server polls the feeds that are due on its own (jobs/wire.c); see docs/wires.md.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "jobs/jobs.h"

#define CMD "wire"

/* "90", "90s", "5m", "2h" in seconds; 0 when it is none of these. */
static int64_t parse_every(const char *s)
{
	char *end = NULL;
	errno = 0;
	long long v = strtoll(s, &end, 10);
	if (errno || end == s || v <= 0 || v > 7 * 24 * 3600)
		return 0;
	int64_t unit = !*end || strcmp(end, "s") == 0 ? 1
		       : strcmp(end, "m") == 0        ? 60
		       : strcmp(end, "h") == 0        ? 3600
						      : 0;
	return (int64_t)v * unit;
}

static int add(const cli_env *env, nz_store *s, int argc, char **argv)
{
	nz_wire_feed f = {.every_s = 300};
	nz_err err = {0};
	for (int i = 2; i < argc; i++) {
		if (strcmp(argv[i], "--format") == 0 && i + 1 < argc)
			f.format = argv[++i];
		else if (strcmp(argv[i], "--section") == 0 && i + 1 < argc)
			f.section_slug = argv[++i];
		else if (strcmp(argv[i], "--every") == 0 && i + 1 < argc) {
			if (!(f.every_s = parse_every(argv[++i])))
				return cli_fail(env, CMD, 2, "--every %s: say 90s, 5m or 1h",
						argv[i]);
		} else if (argv[i][0] == '-' || f.url)
			return cli_fail(env, CMD, 2, "add: unexpected '%s' (see --help)", argv[i]);
		else
			f.url = argv[i];
	}
	if (!f.url || !f.format)
		return cli_fail(env, CMD, 2, "add needs a URL and --format (see --help)");
	nz_rc rc = nz_app_wire_add(s, &f, &err);
	if (rc)
		return cli_fail(env, CMD, rc == NZ_INVAL || rc == NZ_EXISTS ? 2 : 1, "add: %s",
				err.msg);
	printf("wire %lld: %s (%s), every %llds%s%s\n", (long long)f.id, f.url, f.format,
	       (long long)f.every_s, f.section_slug ? ", section " : "",
	       f.section_slug ? f.section_slug : "");
	return 0;
}

static int list(const cli_env *env, nz_store *s)
{
	nz_arena *arena = nz_arena_new();
	nz_wire_feed *f = NULL;
	size_t n = 0;
	nz_err err = {0};
	if (!arena || nz_store_wire_feed_list(s, arena, &f, &n, &err) != NZ_OK) {
		nz_arena_free(arena);
		return cli_fail(env, CMD, 1, "list: %s", arena ? err.msg : "out of memory");
	}
	for (size_t i = 0; i < n; i++) {
		char when[32];
		printf("%lld\t%s\t%s\tevery %llds\t%s\tpolled %s\ttaken %lld\t%s\n",
		       (long long)f[i].id, f[i].url, f[i].format, (long long)f[i].every_s,
		       f[i].section_slug ? f[i].section_slug : "-",
		       f[i].polled_at ? nz_time_rfc3339(f[i].polled_at, when) : "never",
		       (long long)f[i].taken, f[i].last_error ? f[i].last_error : "ok");
	}
	nz_arena_free(arena);
	return 0;
}

static int remove_feed(const cli_env *env, nz_store *s, int argc, char **argv)
{
	char *end = NULL;
	long long id = argc == 3 ? strtoll(argv[2], &end, 10) : 0;
	nz_err err = {0};
	if (id <= 0 || !end || *end)
		return cli_fail(env, CMD, 2, "remove needs the feed's id (see wire list)");
	if (nz_store_wire_feed_remove(s, id, &err) != NZ_OK)
		return cli_fail(env, CMD, err.rc == NZ_NOTFOUND ? 2 : 1, "remove: %s", err.msg);
	printf("removed wire %lld (what it brought in stays)\n", id);
	return 0;
}

static void say(void *ctx, const nz_wire_feed *f, const char *line, bool refused)
{
	int *refusals = ctx;
	*refusals += refused;
	fprintf(refused ? stderr : stdout, "%swire %lld %s: %s\n", refused ? "newszone wire: " : "",
		(long long)f->id, f->url, line);
}

static int poll_all(const cli_env *env, nz_store *s)
{
	int refusals = 0;
	nz_err err = {0};
	if (nz_jobs_wire_poll(s, true, say, &refusals, &err) != NZ_OK)
		return cli_fail(env, CMD, 1, "poll: %s", err.msg);
	return refusals ? 1 : 0;
}

static int run(const cli_env *env, int argc, char **argv)
{
	if (argc < 2)
		return cli_fail(env, CMD, 2, "needs add, list, remove or poll (see --help)");
	const char *sub = argv[1];
	bool known = strcmp(sub, "add") == 0 || strcmp(sub, "list") == 0 ||
		     strcmp(sub, "remove") == 0 || strcmp(sub, "poll") == 0;
	if (!known)
		return cli_fail(env, CMD, 2, "unknown subcommand '%s' (see --help)", sub);
	if ((strcmp(sub, "list") == 0 || strcmp(sub, "poll") == 0) && argc > 2)
		return cli_fail(env, CMD, 2, "%s takes no arguments", sub);
	nz_store *s = cli_open_store(env, CMD, false);
	if (!s)
		return 1;
	int status = strcmp(sub, "add") == 0      ? add(env, s, argc, argv)
		     : strcmp(sub, "list") == 0   ? list(env, s)
		     : strcmp(sub, "remove") == 0 ? remove_feed(env, s, argc, argv)
						  : poll_all(env, s);
	nz_store_close(s);
	return status;
}

const cli_command cli_wire_cmd = {
    "wire", run, "subscribe to agency feeds that fill the review queue",
    "wire add URL --format rss|atom|ninjs [--section SLUG] [--every 5m]\n"
    "       wire list\n"
    "       wire remove ID\n"
    "       wire poll\n\n"
    "New items of a feed become articles in the review queue, marked with their source,\n"
    "credit and original link; an item is never taken twice. `newszone serve` polls the\n"
    "feeds that are due (default every 5m, at least 60s); `poll` polls every feed now and\n"
    "exits 1 when one was refused. See docs/wires.md.\n"};
