/*
 * jobs/wire: polls agency feeds into the review queue (docs/wires.md). nz_jobs_wire_poll is one
 * pass (the `wire poll` command and the worker both run it); the worker, started with the
 * server, runs a pass every few seconds while this node holds the jobs lease, so of several
 * nodes one polls.
 *
 * Rules: feeds are fetched at most WIRE_PARALLEL at once on the calling thread (libcurl's multi
 * interface: no thread and no second store handle), and each is taken into the store as soon as
 * its answer is in, so a slow feed holds up only its own slot. Each fetch has hard limits
 * (connect 5 s, whole answer 20 s, at least 100 bytes/s over 5 s, 8 MiB, 5 redirects, http and
 * https only); a hostile or broken feed is refused with its reason kept on the feed
 * (last_error) and logged by the caller. ETag and Last-Modified are sent back; a 304 takes
 * nothing. libcurl's global initialisation is done once by the delivery worker's start
 * (webhooks.c), which jobs.c runs before this worker's; `wire poll` is single-threaded.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "app/app.h"
#include "jobs/jobs_int.h"

#define WIRE_MAX_BYTES ((size_t)8 * 1024 * 1024)
#define WIRE_TIMEOUT_MS 20000L
#define WIRE_CONNECT_MS 5000L
#define WIRE_TICK_MS 5000
#define WIRE_PARALLEL 4 /* feeds fetched at once */

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

/* One feed's transfer, from its start to its record. */
typedef struct transfer {
	CURL *curl;
	struct curl_slist *headers;
	nz_wire_feed *feed;
	nz_arena *arena; /* the feed's: its answer, its items */
	fetched f;
} transfer;

static void transfer_free(CURLM *multi, transfer *t)
{
	if (t->curl) {
		curl_multi_remove_handle(multi, t->curl);
		curl_easy_cleanup(t->curl);
	}
	curl_slist_free_all(t->headers);
	nz_buf_free(&t->f.body);
	nz_arena_free(t->arena);
	*t = (transfer){0};
}

/* Sets up the GET of feed->url in t (ETag and Last-Modified sent back) and adds it to multi. */
static nz_rc transfer_start(CURLM *multi, transfer *t, nz_wire_feed *feed, nz_err *err)
{
	char line[1100];
	*t = (transfer){.feed = feed, .arena = nz_arena_new(), .curl = curl_easy_init()};
	t->f.arena = t->arena;
	nz_buf_init(&t->f.body, WIRE_MAX_BYTES);
	if (!t->arena || !t->curl)
		return nz_err_set(err, NZ_NOMEM, "out of memory");
	if (feed->etag && strlen(feed->etag) < 1000) {
		snprintf(line, sizeof line, "If-None-Match: %s", feed->etag);
		t->headers = curl_slist_append(t->headers, line);
	}
	if (feed->last_modified && strlen(feed->last_modified) < 1000) {
		snprintf(line, sizeof line, "If-Modified-Since: %s", feed->last_modified);
		t->headers = curl_slist_append(t->headers, line);
	}
	CURL *curl = t->curl;
	curl_easy_setopt(curl, CURLOPT_URL, feed->url);
	curl_easy_setopt(curl, CURLOPT_PRIVATE, t);
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
	curl_easy_setopt(curl, CURLOPT_HTTPHEADER, t->headers);
	curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(curl, CURLOPT_WRITEDATA, &t->f);
	curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(curl, CURLOPT_HEADERDATA, &t->f);
	if (curl_multi_add_handle(multi, curl) != CURLM_OK) {
		curl_easy_cleanup(curl); /* not in multi: transfer_free must not remove it */
		t->curl = NULL;
		return nz_err_set(err, NZ_NOMEM, "out of memory");
	}
	return NZ_OK;
}

/* How t's transfer ended (cc): NZ_OK with status 200 (body) or 304, else the reason. */
static nz_rc transfer_result(transfer *t, CURLcode cc, nz_err *err)
{
	curl_easy_getinfo(t->curl, CURLINFO_RESPONSE_CODE, &t->f.status);
	if (cc == CURLE_WRITE_ERROR || cc == CURLE_FILESIZE_EXCEEDED)
		return nz_err_set(err, NZ_TOOBIG, "the answer is larger than %zu bytes",
				  WIRE_MAX_BYTES);
	if (cc != CURLE_OK)
		return nz_err_set(err, NZ_IO, "%s", curl_easy_strerror(cc));
	if (t->f.status != 200 && t->f.status != 304)
		return nz_err_set(err, NZ_IO, "HTTP status %ld", t->f.status);
	return NZ_OK;
}

/* A fetched feed (rc and why: how its fetch ended): parsed, taken; its poll recorded whatever
 * happened. */
static nz_rc take_one(nz_store *s, transfer *t, nz_rc rc, const nz_err *fetch_why,
		      nz_jobs_wire_said said, void *ctx, nz_err *err)
{
	nz_arena *arena = t->arena;
	nz_wire_feed *feed = t->feed;
	fetched *f = &t->f;
	nz_err why = *fetch_why;
	nz_app_wire_counts c = {0};
	nz_wire_item *items = NULL;
	size_t n = 0;
	char line[400];
	if (!rc && f->status == 200)
		rc = nz_ingest_wire_parse(arena, feed->format, nz_buf_cstr(&f->body), f->body.len,
					  &items, &n, &why);
	if (!rc && f->status == 200)
		rc = nz_app_wire_take(s, arena, feed, items, n, &c, err);
	if (rc == NZ_DB || rc == NZ_NOMEM)
		return rc; /* ours, not the feed's: stop */
	feed->polled_at = nz_time_now();
	feed->last_error = rc ? nz_arena_strdup(arena, why.msg) : NULL;
	if (!rc && f->status == 200) {
		feed->etag = f->etag;
		feed->last_modified = f->last_modified;
		feed->taken += (int64_t)c.taken;
	}
	if (rc)
		snprintf(line, sizeof line, "refused: %s", why.msg);
	else if (f->status == 304)
		snprintf(line, sizeof line, "not modified");
	else
		snprintf(line, sizeof line,
			 "%zu item%s: taken %zu, updated %zu, unchanged %zu, noticed %zu", n,
			 n == 1 ? "" : "s", c.taken, c.updated, c.unchanged, c.noticed);
	if (said)
		said(ctx, feed, line, rc != NZ_OK);
	return nz_store_wire_feed_polled(s, feed, err);
}

/* Takes every transfer of multi that has ended, freeing its slot. */
static nz_rc take_ended(nz_store *s, CURLM *multi, size_t *active, nz_jobs_wire_said said,
			void *ctx, nz_err *err)
{
	CURLMsg *msg;
	int left;
	nz_rc rc = NZ_OK;
	while (!rc && (msg = curl_multi_info_read(multi, &left))) {
		transfer *t = NULL;
		nz_err why = {0};
		if (msg->msg != CURLMSG_DONE)
			continue;
		curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&t);
		nz_rc fetched_rc = transfer_result(t, msg->data.result, &why);
		rc = take_one(s, t, fetched_rc, &why, said, ctx, err);
		transfer_free(multi, t);
		(*active)--;
	}
	return rc;
}

/* Fetches due feeds WIRE_PARALLEL at a time on one thread (libcurl's multi interface); each is
 * taken into the store as soon as its answer is in, so a slow feed delays no other. */
static nz_rc poll_feeds(nz_store *s, nz_wire_feed *feeds, size_t n, bool all,
			nz_jobs_wire_said said, void *ctx, nz_err *err)
{
	transfer slots[WIRE_PARALLEL] = {0};
	size_t active = 0, next = 0;
	nz_time now = nz_time_now();
	CURL *probe = curl_easy_init(); /* initialises libcurl when nothing has yet */
	CURLM *multi = probe ? curl_multi_init() : NULL;
	nz_rc rc = multi ? NZ_OK : nz_err_set(err, NZ_NOMEM, "out of memory");
	curl_easy_cleanup(probe);
	while (!rc && (next < n || active)) {
		for (size_t k = 0; !rc && k < WIRE_PARALLEL && next < n; k++) {
			if (slots[k].feed)
				continue;
			while (next < n && !all && feeds[next].polled_at &&
			       feeds[next].polled_at + feeds[next].every_s > now)
				next++; /* not due */
			if (next < n) {
				rc = transfer_start(multi, &slots[k], &feeds[next++], err);
				active++;
			}
		}
		int running = 0;
		if (!rc && curl_multi_perform(multi, &running) != CURLM_OK)
			rc = nz_err_set(err, NZ_NOMEM, "out of memory");
		if (!rc)
			rc = take_ended(s, multi, &active, said, ctx, err);
		if (!rc && active && curl_multi_poll(multi, NULL, 0, 1000, NULL) != CURLM_OK)
			rc = nz_err_set(err, NZ_NOMEM, "out of memory");
	}
	for (size_t k = 0; k < WIRE_PARALLEL; k++)
		if (slots[k].feed || slots[k].arena)
			transfer_free(multi, &slots[k]);
	curl_multi_cleanup(multi);
	return rc;
}

nz_rc nz_jobs_wire_poll(nz_store *s, bool all, nz_jobs_wire_said said, void *ctx, nz_err *err)
{
	nz_arena *arena = nz_arena_new();
	nz_wire_feed *feeds = NULL;
	size_t n = 0;
	nz_rc rc = arena ? nz_store_wire_feed_list(s, arena, &feeds, &n, err)
			 : nz_err_set(err, NZ_NOMEM, "out of memory");
	if (!rc && n)
		rc = poll_feeds(s, feeds, n, all, said, ctx, err);
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
