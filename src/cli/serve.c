/*
 * cli/serve: serves the site until SIGTERM or SIGINT.
 */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "store/pool.h"
#include "web/web.h"

/* "HOST:PORT", ":PORT" or "PORT" into host (static storage in buf) and port. */
static bool parse_listen(const char *s, char *buf, size_t size, const char **host, unsigned *port)
{
	const char *colon = strrchr(s, ':');
	const char *p = colon ? colon + 1 : s;
	size_t hl = colon ? (size_t)(colon - s) : 0;
	if (hl >= size)
		return false;
	memcpy(buf, s, hl);
	buf[hl] = '\0';
	*host = hl ? buf : "127.0.0.1";
	char *end = NULL;
	errno = 0;
	long v = strtol(p, &end, 10);
	if (errno || end == p || *end || v < 0 || v > 65535)
		return false;
	*port = (unsigned)v;
	return true;
}

/* The options that take a whole number within bounds. */
typedef struct number_opt {
	const char *name;
	long min, max;
	const char *unit; /* for the message: " seconds" or "" */
	size_t offset;    /* of the unsigned field in nz_web_opts */
} number_opt;

static const number_opt number_opts[] = {
    {"--cache-ttl", 1, 86400 * 365, " seconds", offsetof(nz_web_opts, cache_ttl_s)},
    {"--max-connections", 16, 100000, "", offsetof(nz_web_opts, max_connections)},
    {"--max-per-address", 1, 100000, "", offsetof(nz_web_opts, max_per_address)},
    {"--head-timeout", 1, 3600, " seconds", offsetof(nz_web_opts, head_timeout_s)},
    {"--workers", 1, 256, "", offsetof(nz_web_opts, workers)},
    {"--db-pool", 1, NZ_STORE_POOL_MAX, "", offsetof(nz_web_opts, db_pool)},
    {"--db-wait", 1, 600000, " milliseconds", offsetof(nz_web_opts, db_wait_ms)},
    {"--most-read-refresh", 1, 86400, " seconds", offsetof(nz_web_opts, most_read_refresh_s)},
    {"--db-read-pool", 1, NZ_STORE_POOL_MAX, "", offsetof(nz_web_opts, db_read_pool)},
    {"--db-read-max-lag", 1, 3600000, " milliseconds", offsetof(nz_web_opts, db_read_max_lag_ms)},
};

static const number_opt *number_option(const char *arg)
{
	for (size_t i = 0; i < sizeof number_opts / sizeof number_opts[0]; i++)
		if (strcmp(arg, number_opts[i].name) == 0)
			return &number_opts[i];
	return NULL;
}

static bool set_number(const number_opt *o, const char *value, nz_web_opts *opts)
{
	char *end = NULL;
	errno = 0;
	long n = strtol(value, &end, 10);
	if (!*value || *end || errno || n < o->min || n > o->max)
		return false;
	*(unsigned *)(void *)((char *)opts + o->offset) = (unsigned)n;
	return true;
}

/* --db-read (or NEWSZONE_DB_READ): a PostgreSQL replica of a PostgreSQL --db; 0 when fine. */
static int check_db_read(const cli_env *env)
{
	if (!env->db_read)
		return 0;
	if (!nz_store_uri_is_postgres(env->db))
		return cli_fail(env, "serve", 2,
				"--db-read needs a PostgreSQL --db (a replica of it); %s is a "
				"SQLite file",
				env->db);
	if (!nz_store_uri_is_postgres(env->db_read))
		return cli_fail(env, "serve", 2,
				"--db-read %s: not a PostgreSQL URI (postgres://..., "
				"postgresql://... or host=...)",
				env->db_read);
	return 0;
}

static int run(const cli_env *env, int argc, char **argv)
{
	nz_web_opts opts = {
	    .db_uri = env->db, .db_read_uri = env->db_read, .host = "127.0.0.1", .port = 8080};
	int bad = check_db_read(env);
	if (bad)
		return bad;
	char host[256];
	const char *proxies[NZ_WEB_MAX_TRUSTED_PROXIES];
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		bool has_value = i + 1 < argc;
		if (strcmp(a, "--listen") == 0 && has_value) {
			if (!parse_listen(argv[++i], host, sizeof host, &opts.host, &opts.port))
				return cli_fail(
				    env, "serve", 2,
				    "--listen %s: expected HOST:PORT, e.g. 127.0.0.1:8080",
				    argv[i]);
		} else if (strcmp(a, "--theme") == 0 && has_value) {
			opts.theme_dir = argv[++i];
		} else if (strcmp(a, "--threads") == 0 && has_value) {
			long n = strtol(argv[++i], NULL, 10);
			if (n < 1 || n > 64)
				return cli_fail(env, "serve", 2, "--threads must be 1 to 64");
			opts.threads = (unsigned)n;
		} else if (strcmp(a, "--cache-mb") == 0 && has_value) {
			char *end = NULL;
			long n = strtol(argv[++i], &end, 10);
			if (!*argv[i] || *end || n < 0 || n > 65536)
				return cli_fail(env, "serve", 2,
						"--cache-mb must be 0 (no cache) to 65536");
			opts.cache_mb = n == 0 ? -1 : n;
		} else if (number_option(a) && has_value) {
			if (!set_number(number_option(a), argv[++i], &opts))
				return cli_fail(env, "serve", 2, "%s must be %ld to %ld%s", a,
						number_option(a)->min, number_option(a)->max,
						number_option(a)->unit);
		} else if (strcmp(a, "--trusted-proxy") == 0 && has_value) {
			if (opts.n_trusted_proxies >= NZ_WEB_MAX_TRUSTED_PROXIES)
				return cli_fail(env, "serve", 2, "at most %d --trusted-proxy",
						NZ_WEB_MAX_TRUSTED_PROXIES);
			proxies[opts.n_trusted_proxies++] = argv[++i];
			opts.trusted_proxies = proxies;
		} else {
			return cli_fail(env, "serve", 2, "unexpected argument %s (see --help)", a);
		}
	}
	nz_web *w = NULL;
	nz_err err = {0};
	if (nz_web_start(&opts, &w, &err) != NZ_OK) {
		if (err.rc == NZ_NOTFOUND)
			return cli_fail(
			    env, "serve", 1,
			    "%s: no database here (create one with `%s --db %s init` or "
			    "`%s --db %s demo`)",
			    env->db, env->prog, env->db, env->prog, env->db);
		return cli_fail(env, "serve", 1, "%s", err.msg);
	}
	printf("Newszone is serving %s at http://%s:%u/\n", env->db, opts.host, nz_web_port(w));
	if (env->db_read)
		printf("Searches read the replica %s when it is up and not behind.\n",
		       env->db_read);
	fflush(stdout);
	nz_web_wait_and_stop(w);
	printf("Newszone stopped.\n");
	return 0;
}

const cli_command cli_serve_cmd = {
    "serve", run, "serve the site and the API over HTTP",
    "serve [--listen HOST:PORT] [--theme DIR] [--threads N] [--workers N] [--db-pool N]\n"
    "      [--db-wait MS] [--cache-mb N] [--cache-ttl S] [--max-connections N] [--max-per-address "
    "N]\n"
    "      [--head-timeout S] [--most-read-refresh S] [--trusted-proxy CIDR]...\n"
    "      [--db-read-pool N] [--db-read-max-lag MS]\n\n"
    "Serves the public site, the JSON API and /healthz until SIGTERM or SIGINT (Ctrl-C), then\n"
    "finishes the requests in flight and exits.\n\n"
    "  --listen HOST:PORT  address to listen on (default 127.0.0.1:8080; port 0 picks one)\n"
    "  --theme DIR         a theme folder (templates/*.mustache, static/) instead of the\n"
    "                      default theme built into the binary\n"
    "  --threads N         event threads: they read requests, answer from the page cache\n"
    "                      and send responses (default 2)\n"
    "  --workers N         render threads: everything the page cache does not answer runs\n"
    "                      on them, so a slow page never delays a cached one (default twice\n"
    "                      --db-pool: each render holds one connection)\n"
    "  --db-pool N         database connections requests share, at most (default twice the\n"
    "                      processor cores); the page cache's follower, the scheduler and\n"
    "                      webhook delivery keep one each besides\n"
    "  --db-wait MS        how long a request waits for a free connection before it gets\n"
    "                      503 (default 2000)\n"
    "  --cache-mb N        memory for the page cache in MiB (default 24; 0 turns it off)\n"
    "  --cache-ttl S       longest life of a cached page in seconds (default 600); writes\n"
    "                      drop the pages they change at once, whatever this says\n"
    "  --max-connections N open connections at most (default 1024); near the limit the\n"
    "                      connections idle longest are closed to make room\n"
    "  --max-per-address N open connections from one client address (default 256;\n"
    "                      trusted proxies excepted)\n"
    "  --head-timeout S    a connection waiting longer than this for a complete request\n"
    "                      head (new, or idle between requests) is closed (default 10)\n"
    "  --most-read-refresh S  pages showing \"Most read\" are re-made at most this often\n"
    "                      (default 300); page views are written every 2 seconds\n"
    "  --trusted-proxy CIDR a reverse proxy (address or block, e.g. 127.0.0.1, 10.0.0.0/8;\n"
    "                      repeatable) whose X-Forwarded-For / Forwarded header names the\n"
    "                      client; added to the trusted_proxies setting (docs/security.md)\n"
    "  --db-read-pool N    with --db-read URI (before the command; or NEWSZONE_DB_READ), a\n"
    "                      PostgreSQL streaming replica: its connections at most (default\n"
    "                      twice the cores, as --db-pool). Searches (/search,\n"
    "                      /api/v1/articles?q=) by readers who are not signed in read it;\n"
    "                      all else, the primary\n"
    "  --db-read-max-lag MS  above this replica lag searches read the primary (default\n"
    "                      1000); so does every search while the replica is down\n"};
