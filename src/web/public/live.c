/*
 * web/public/live: a live story's updates as Server-Sent Events (docs/live-coverage.md).
 *   GET /live/{id}/events   text/event-stream while article {id} is public and live: 404 when
 *                           it is not (or never was) live, 204 once the coverage ended (an
 *                           EventSource stops reconnecting on 204).
 * Events: "update" (id: the update's id; data: the update as the admin API shows it) for each
 * new update, oldest first; "change" (no id) when updates were corrected, pinned or deleted or
 * the article changed; "end" (no id) when the coverage ended or the article is no longer public,
 * and the stream ends. A reconnecting client sends Last-Event-ID (or ?after=N from the page: the
 * newest update it shows) and first receives the updates after it; without either, only what is
 * new. The streams wait in http/stream.c, on topic "article-<id>" (the article's change-feed
 * key); nz__live_notify, called for every batch of keys the change feed gives this process
 * (web/pagecache.c), publishes what changed, one database read per watched article.
 */
#include <stdlib.h>
#include <string.h>

#include "web/public/public_int.h"

#define BACKLOG_MAX 50 /* updates sent on a reconnection; more: "change" (reload) */

static const char retry_line[] = "retry: 3000\n: live\n\n";
static const char change_event[] = "event: change\ndata: {}\n\n";
static const char end_event[] = "event: end\ndata: {}\n\n";

/* A whole number from text, or -1. */
static int64_t number(const char *s)
{
	int64_t n = 0;
	if (!s || !*s)
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9' || n > INT64_MAX / 10 - 10)
			return -1;
		n = n * 10 + (*s - '0');
	}
	return n;
}

/* Loads the coverage of article id when it is public and has one; false otherwise. */
static bool load_live(nz_store *s, nz_arena *arena, int64_t id, nz_live *live)
{
	nz_article *a = NULL;
	nz_err err = {0};
	return nz_store_article_by_id(s, arena, id, &a, &err) == NZ_OK &&
	       nz_article_is_public(a, nz_time_now()) && a->status != NZ_STATUS_RETRACTED &&
	       nz_store_live_get(s, arena, id, live, &err) == NZ_OK && live->started_at;
}

/* Writes updates[i] as an "update" event into buf ("" when it cannot be made). */
static const char *update_event(nz_arena *arena, int64_t article_id, const nz_live *live, size_t i)
{
	nz_live one = *live;
	one.updates = &live->updates[i];
	one.n_updates = 1;
	json_t *o = nz_json_live(article_id, &one);
	char *data = o ? json_dumps(json_array_get(json_object_get(o, "updates"), 0),
				    JSON_COMPACT | JSON_ENSURE_ASCII)
		       : NULL;
	const char *ev = data ? nz_arena_printf(arena, "id: %lld\nevent: update\ndata: %s\n\n",
						(long long)live->updates[i].id, data)
			      : NULL;
	free(data);
	json_decref(o);
	return ev ? ev : "";
}

static void events(nz__ctx *c, const nz_route_match *m)
{
	nz_live live;
	nz_http_stream *s = NULL;
	const char *id_text = nz_arena_str(c->req->arena, nz_route_param(m, "id"));
	int64_t id = number(id_text);
	nz_http_resp_header(c->resp, "Cache-Control", "no-store");
	if (id <= 0 || !c->app->streams || !load_live(c->store, c->req->arena, id, &live)) {
		nz__send_error_page(c, 404, NULL);
		return;
	}
	if (live.ended_at) {
		c->resp->status = 204;
		return;
	}
	const char *from = nz_http_header(c->req, "Last-Event-ID");
	int64_t after = number(from ? from : nz_http_query(c->req, "after"));
	if (after < 0) /* nothing asked for: only what is new */
		after = live.n_updates ? live.updates[0].id : 0;
	const char *topic = nz_arena_printf(c->req->arena, "article-%lld", (long long)id);
	if (!topic || nz_http_stream_open(c->app->streams, topic, after, &s) != NZ_OK) {
		/* too many streams open (or stopping): the page's script polls instead */
		nz__send_text(c->resp, 503, "Cannot follow this story now; reload the page.\n");
		nz_http_resp_header(c->resp, "Retry-After", "30");
		return;
	}
	/* Opened before this second read: an update saved in between is published to it too
	 * (once: the stream skips ids it has). */
	if (!load_live(c->store, c->req->arena, id, &live))
		live.n_updates = 0;
	nz_http_stream_write(s, 0, retry_line, sizeof retry_line - 1);
	size_t newer = 0;
	while (newer < live.n_updates && live.updates[newer].id > after)
		newer++;
	if (newer > BACKLOG_MAX)
		nz_http_stream_write(s, 0, change_event, sizeof change_event - 1);
	for (size_t i = newer; newer <= BACKLOG_MAX && i-- > 0;) {
		const char *ev = update_event(c->req->arena, id, &live, i);
		nz_http_stream_write(s, live.updates[i].id, ev, strlen(ev));
	}
	c->resp->stream = s;
	c->resp->content_type = "text/event-stream; charset=utf-8";
	nz_http_resp_header(c->resp, "X-Accel-Buffering", "no"); /* nginx: pass it on at once */
}

/* What changed for one watched article: its new updates, else a change, or the end. */
static void notify_article(nz_http_streams *h, nz_store *s, nz_arena *arena, const char *key,
			   int64_t min_last)
{
	nz_live live;
	int64_t id = number(key + strlen("article-"));
	if (id <= 0)
		return;
	if (!load_live(s, arena, id, &live) || live.ended_at) {
		nz_http_streams_publish(h, key, 0, end_event, sizeof end_event - 1, true);
		return;
	}
	size_t newer = 0;
	while (newer < live.n_updates && live.updates[newer].id > min_last)
		newer++;
	if (newer == 0 || newer > BACKLOG_MAX) {
		nz_http_streams_publish(h, key, 0, change_event, sizeof change_event - 1, false);
		return;
	}
	for (size_t i = newer; i-- > 0;) {
		const char *ev = update_event(arena, id, &live, i);
		nz_http_streams_publish(h, key, live.updates[i].id, ev, strlen(ev), false);
	}
}

void nz__live_notify(nz_http_streams *h, nz_store *s, nz_arena *arena, const char *const *keys,
		     size_t n)
{
	int64_t min_last;
	if (!h)
		return;
	for (size_t i = 0; i < n; i++) {
		if (strncmp(keys[i], "article-", 8) == 0 &&
		    nz_http_streams_watched(h, keys[i], &min_last))
			notify_article(h, s, arena, keys[i], min_last);
	}
}

const nz__route_entry nz__live_routes[] = {
    {"GET", "/live/{id}/events", events},
    {NULL, NULL, NULL},
};
