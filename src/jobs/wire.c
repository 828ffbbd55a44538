/*
 * jobs/wire: polls agency feeds into the review queue (docs/wires.md). nz_jobs_wire_poll is one
 * pass (the `wire poll` command and the worker both run it); the worker, started with the
 * server, runs a pass every few seconds while this node holds the jobs lease, so of several
 * nodes one polls.
 *
 * Rules: a feed is fetched with libcurl under hard limits (connect 5 s, whole answer 20 s, at
 * least 100 bytes/s over 5 s, 8 MiB, 5 redirects, http and https only), so a hostile or broken
 * feed costs the others at most that long; it is refused with its reason kept on the feed
 * (last_error) and logged by the caller. ETag and Last-Modified are sent back; a 304 takes
 * nothing. libcurl's global initialisation is done once by the delivery worker's start
 * (webhooks.c), which jobs.c runs before this worker's; `wire poll` is single-threaded.
 */
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "app/app.h"
#include "jobs/jobs_int.h"

#define WIRE_MAX_BYTES ((size_t)8 * 1024 * 1024)
#define WIRE_TIMEOUT_MS 20000L
#define WIRE_CONNECT_MS 5000L
#define WIRE_TICK_MS 5000

typedef struct fetched {
	nz_buf body;
	nz_arena *arena;
	const char *etag, *last_modified;
	long status;
} fetched;

static size_t on_body(char *p, size_t size, size_t n, void *ctx)
{
	fetched *f = ctx;
	return nz_buf_append(&f->body, p, size * n) == NZ_OK ? size * n : 0;
}

/* Keeps ETag and Last-Modified of the final answer (a redirect's are replaced). */
static size_t on_header(char *p, size_t size, size_t n, void *ctx)
{
	fetched *f = ctx;
	size_t len = size * n;
	nz_str line = nz_str_trim((nz_str){p, len});
	static const char *const names[] = {"etag:", "last-modified:"};
	if (nz_str_starts_with(line, "HTTP/")) {
		f->etag = f->last_modified = NULL;
		return len;
	}
	for (int i = 0; i < 2; i++) {
		size_t k = strlen(names[i]);
		if (line.len > k && strncasecmp(line.p, names[i], k) == 0) {
			nz_str v = nz_str_trim((nz_str){line.p + k, line.len - k});
			*(i ? &f->last_modified : &f->etag) = nz_arena_str(f->arena, v);
		}
	}
	return len;
}

/* GETs feed->url; NZ_OK with f->status 200 (body) or 304, else an error with the reason. */
static nz_rc fetch(const nz_wire_feed *feed, fetched *f, nz_err *err)
{
	CURL *curl = curl_easy_init();
	struct curl_slist *h = NULL;
	char line[1100];
	if (!curl)
		return nz_err_set(err, NZ_NOMEM, "out of memory");
	if (feed->etag && strlen(feed->etag) < 1000) {
		snprintf(line, sizeof line, "If-None-Match: %s", feed->etag);
		h = curl_slist_append(h, line);
	}
	if (feed->last_modified && strlen(feed->last_modified) < 1000) {
		snprintf(line, sizeof line, "If-Modified-Since: %s", feed->last_modified);
		h = curl_slist_append(h, line);
	}
	curl_easy_setopt(curl, CURLOPT_URL, feed->url);
	curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(curl, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 1L);
	curl_easy_setopt(curl, CURLOPT_MAXREDIRS, 5L);
	curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, WIRE_TIMEOUT_MS);
	curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, WIRE_CONNECT_MS);
	curl_easy_setopt(curl, CURLOPT_LOW_SPEED_LIMIT, 100L);
	curl_easy_setopt(curl, CURLOPT_LOW_SPEED_TIME, 5L);
	curl_easy_setopt(curl, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)WIRE_MAX_BYTES);
	curl_easy_setopt(curl, CURLOPT_ACCEPT_ENCODING, "");
	curl_easy_setopt(curl, CURLOPT_USERAGENT, "Newszone wire poller");
	curl_easy_setopt(curl, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(curl, CURLOPT_WRITEDATA, f);
	curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(curl, CURLOPT_HEADERDATA, f);
	CURLcode cc = curl_easy_perform(curl);
	curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &f->status);
	curl_slist_free_all(h);
	curl_easy_cleanup(curl);
	if (cc == CURLE_WRITE_ERROR || cc == CURLE_FILESIZE_EXCEEDED)
		return nz_err_set(err, NZ_TOOBIG, "the answer is larger than %zu bytes",
				  WIRE_MAX_BYTES);
	if (cc != CURLE_OK)
		return nz_err_set(err, NZ_IO, "%s", curl_easy_strerror(cc));
	if (f->status != 200 && f->status != 304)
		return nz_err_set(err, NZ_IO, "HTTP status %ld", f->status);
	return NZ_OK;
}

/* One feed: fetched, parsed, taken; its poll recorded whatever happened. */
static nz_rc poll_one(nz_store *s, nz_arena *arena, nz_wire_feed *feed, nz_jobs_wire_said said,
		      void *ctx, nz_err *err)
{
	fetched f = {.arena = arena};
	nz_err why = {0};
	nz_app_wire_counts c = {0};
	nz_wire_item *items = NULL;
	size_t n = 0;
	char line[400];
	nz_buf_init(&f.body, WIRE_MAX_BYTES);
	nz_rc rc = fetch(feed, &f, &why);
	if (!rc && f.status == 200)
		rc = nz_ingest_wire_parse(arena, feed->format, nz_buf_cstr(&f.body), f.body.len,
					  &items, &n, &why);
	if (!rc && f.status == 200)
		rc = nz_app_wire_take(s, arena, feed, items, n, &c, err);
	nz_buf_free(&f.body);
	if (rc == NZ_DB || rc == NZ_NOMEM)
		return rc; /* ours, not the feed's: stop */
	feed->polled_at = nz_time_now();
	feed->last_error = rc ? nz_arena_strdup(arena, why.msg) : NULL;
	if (!rc && f.status == 200) {
		feed->etag = f.etag;
		feed->last_modified = f.last_modified;
		feed->taken += (int64_t)c.taken;
	}
	if (rc)
		snprintf(line, sizeof line, "refused: %s", why.msg);
	else if (f.status == 304)
		snprintf(line, sizeof line, "not modified");
	else
		snprintf(line, sizeof line,
			 "%zu item%s: taken %zu, updated %zu, unchanged %zu, noticed %zu", n,
			 n == 1 ? "" : "s", c.taken, c.updated, c.unchanged, c.noticed);
	if (said)
		said(ctx, feed, line, rc != NZ_OK);
	return nz_store_wire_feed_polled(s, feed, err);
}

nz_rc nz_jobs_wire_poll(nz_store *s, bool all, nz_jobs_wire_said said, void *ctx, nz_err *err)
{
	nz_arena *arena = nz_arena_new();
	nz_wire_feed *feeds = NULL;
	size_t n = 0;
	nz_rc rc = arena ? nz_store_wire_feed_list(s, arena, &feeds, &n, err)
			 : nz_err_set(err, NZ_NOMEM, "out of memory");
	nz_time now = nz_time_now();
	for (size_t i = 0; !rc && i < n; i++) {
		if (!all && feeds[i].polled_at && feeds[i].polled_at + feeds[i].every_s > now)
			continue;
		nz_arena *one = nz_arena_new();
		rc = one ? poll_one(s, one, &feeds[i], said, ctx, err)
			 : nz_err_set(err, NZ_NOMEM, "out of memory");
		nz_arena_free(one);
	}
	nz_arena_free(arena);
	return rc;
}

/* ---- the worker ---------------------------------------------------------------------------- */

struct nz__wirer {
	nz__worker worker;
	nz_store *store;
	const nz__lease *lease;
};

static void log_poll(void *ctx, const nz_wire_feed *f, const char *line, bool refused)
{
	(void)ctx;
	NZ_LOG(refused ? NZ_LOG_WARN : NZ_LOG_INFO, "wire", "%s: %s", f->url, line);
}

static void *run(void *arg)
{
	nz__wirer *w = arg;
	do {
		nz_err err = {0};
		if (!nz__lease_held(w->lease))
			continue; /* another node polls */
		if (nz_jobs_wire_poll(w->store, false, log_poll, NULL, &err) != NZ_OK)
			NZ_LOG(NZ_LOG_ERROR, "wire", "polling: %s", err.msg);
	} while (nz__worker_nap(&w->worker, WIRE_TICK_MS));
	return NULL;
}

nz_rc nz__wirer_start(const char *db_uri, const nz__lease *lease, nz__wirer **out, nz_err *err)
{
	nz__wirer *w = calloc(1, sizeof *w);
	nz_rc rc;
	*out = NULL;
	if (!w)
		return nz_err_set(err, NZ_NOMEM, "wire: out of memory");
	w->lease = lease;
	if ((rc = nz_store_open(db_uri, 0, &w->store, err)) ||
	    (rc = nz__worker_start(&w->worker, run, w, "wire", err))) {
		nz_store_close(w->store);
		free(w);
		return rc;
	}
	*out = w;
	return NZ_OK;
}

void nz__wirer_stop(nz__wirer *w)
{
	if (!w)
		return;
	nz__worker_stop(&w->worker);
	nz_store_close(w->store);
	free(w);
}
