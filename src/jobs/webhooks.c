/*
 * jobs/webhooks: the delivery worker. One thread per server, with its own store handle, sends
 * what the outbox in the database holds: webhook deliveries (enqueued by a trigger on audit_log
 * in the transaction of each change) and purge-hook deliveries (the Surrogate-Keys a change
 * touched, for a CDN).
 *
 * Each round it claims the due deliveries (a lease moves their next attempt a minute ahead, so
 * a worker that dies mid-send leaves them to be retried), POSTs each with libcurl, and records
 * the attempt: delivered on 2xx; else retried after base × 1, 3, 12, 60, 360, 2160, 8640
 * (base is the webhook_backoff_ms setting, 10 s by default: 10 s, 30 s, 2 min, 10 min, 1 h,
 * 6 h, 24 h) and marked failed after NZ_DELIVERY_MAX_ATTEMPTS attempts.
 *
 * The payload of a webhook delivery is built on its first attempt from the article as it is
 * then (its public JSON, the API's shape), stored with the delivery, and sent byte for byte on
 * every retry, so the signature and the content stay the same. It never carries more than the
 * public API shows: an article under embargo is held until the embargo passes; one that is no
 * longer public is sent as id, uuid, slug and status only.
 *
 * Signature: X-Newszone-Signature: sha256=<hex HMAC-SHA256 of the exact body, keyed with the
 * hook's secret as its bytes>. Threads: the worker only; nothing here runs on request threads.
 *
 * Targets: a webhook never connects to a loopback, private or link-local address unless the
 * allow_private_webhooks setting is on; the check is made on the address libcurl is about to
 * connect to (the open-socket callback), after every DNS answer, so a name that resolves
 * somewhere else since the hook was made is refused too. The purge hook is the operator's own
 * (set in the settings table, often an internal purger) and is not held to it.
 *
 * Between rounds the worker waits on the change feed (every change that queues a delivery is
 * in it), so a delivery leaves when its change commits rather than at the next poll. A purge
 * waits until its change has been in the feed PURGE_GRACE_MS, so every node has dropped its
 * own copies before a CDN refetches, and is sent again REPURGE_MS later (same body, same
 * signature) for a node that lagged more.
 *
 * When the store fails (a read-only or unreachable database), rounds back off from 1 s to a
 * minute, so the log gets a line per back-off step rather than two a second.
 */
#include <curl/curl.h>
#include <pthread.h>
#include <sodium.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "app/app.h"
#include "core/nap.h"
#include "jobs/jobs_int.h"
#include "render/render.h"

#define CLAIM_MAX 10
#define LEASE_MS 60000
#define IDLE_POLL_MS 500  /* the longest a new delivery waits to be noticed */
#define WAIT_SLICE_MS 200 /* a wait on the change feed, so stopping is noticed this soon */
/* How long every node is given to drop its own copies of what a change touched before a purge
 * for it leaves (the cross-node bound of docs/deployment.md): a CDN that refetches a purged
 * page at once must not get it from a node that has not followed the feed that far yet. */
#define PURGE_GRACE_MS 100
/* ...and since a node can lag more than that (a busy machine, a lost connection being
 * re-established), each purge is sent a second time this much later, so a page a lagging node
 * served to the CDN in between is dropped there too. Kept in memory only: the first purge is the
 * recorded delivery; a second one a restart loses leaves the page to its max-age. */
#define REPURGE_MS 2000
#define REPURGE_MAX 64
#define SEND_TIMEOUT_MS 10000
#define CONNECT_TIMEOUT_MS 5000
#define FAIL_WAIT_MIN_MS 1000
#define FAIL_WAIT_MAX_MS 60000

struct nz__deliverer {
	char *db_uri;
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t wake;
	atomic_bool stopping;
	const nz__lease *lease; /* delivers only while this node holds it */
	int64_t fail_wait_ms;   /* the back-off after a failing round; 0 after a good one */
	int64_t seen_seq;       /* the change feed's head as last read */
	int64_t seen_at_ms;     /* when it was first read at that value */
	struct repurge {
		int64_t due_ms, id;
		char *body;
	} repurges[REPURGE_MAX]; /* second purges, oldest first; body NULL past the last */
	size_t n_repurges;
};

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;
static CURLcode curl_init_rc = CURLE_FAILED_INIT;

static void curl_start(void)
{
	curl_init_rc = curl_global_init(CURL_GLOBAL_DEFAULT);
}

static int64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t nz__webhook_backoff(int64_t base_ms, int attempts)
{
	static const int64_t factors[] = {1, 3, 12, 60, 360, 2160, 8640};
	size_t n = sizeof factors / sizeof factors[0];
	size_t i = attempts < 1 ? 0 : (size_t)attempts - 1;
	return base_ms * factors[i < n ? i : n - 1];
}

void nz__webhook_sign(const char *secret, const void *body, size_t len, char out[NZ__SIGNATURE_MAX])
{
	crypto_auth_hmacsha256_state st;
	unsigned char mac[crypto_auth_hmacsha256_BYTES];
	char hex[2 * crypto_auth_hmacsha256_BYTES + 1];
	crypto_auth_hmacsha256_init(&st, (const unsigned char *)secret, strlen(secret));
	crypto_auth_hmacsha256_update(&st, body, (unsigned long long)len);
	crypto_auth_hmacsha256_final(&st, mac);
	sodium_bin2hex(hex, sizeof hex, mac, sizeof mac);
	snprintf(out, NZ__SIGNATURE_MAX, "sha256=%s", hex);
}

/* ---- payloads ---------------------------------------------------------------------------- */

/* What a receiver may see of an article that is no longer public. */
static json_t *article_stub(const nz_article *a)
{
	return json_pack("{s:I, s:s, s:s, s:s}", "id", (json_int_t)a->id, "uuid", a->uuid, "slug",
			 a->slug ? a->slug : "", "status", nz_status_name(a->status));
}

nz_rc nz__webhook_payload(nz_store *s, nz_arena *arena, const nz_delivery *d, nz_time now,
			  char **json, nz_time *hold_until, nz_err *err)
{
	nz_site site;
	nz_article *a = NULL;
	json_t *root = NULL, *article = NULL;
	char when[32];
	*json = NULL;
	*hold_until = 0;
	nz_rc rc = nz_store_site_load(s, arena, &site, err);
	if (rc)
		return rc;
	rc = nz_store_article_by_id(s, arena, d->article_id, &a, err);
	if (rc == NZ_NOTFOUND) {
		article = json_null();
	} else if (rc) {
		return rc;
	} else if (nz_article_is_public(a, now)) {
		article = nz_json_article(&site, a);
	} else if (a->status == NZ_STATUS_PUBLISHED && a->embargo_until > now) {
		*hold_until = a->embargo_until;
		return NZ_OK;
	} else {
		article = article_stub(a);
	}
	root = json_pack("{s:I, s:s, s:s, s:I, s:I, s:o*}", "id", (json_int_t)d->id, "event",
			 d->event, "occurred_at", nz_time_rfc3339(d->created_at, when),
			 "article_id", (json_int_t)d->article_id, "revision",
			 (json_int_t)d->revision, "article", article);
	if (root)
		*json = json_dumps(root, JSON_COMPACT);
	json_decref(root);
	return *json ? NZ_OK : nz_err_set(err, NZ_NOMEM, "webhook payload: out of memory");
}

/* ---- sending ----------------------------------------------------------------------------- */

static size_t discard(char *p, size_t size, size_t n, void *user)
{
	(void)p;
	(void)user;
	return size * n;
}

static int progress(void *user, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal,
		    curl_off_t ulnow)
{
	(void)dltotal, (void)dlnow, (void)ultotal, (void)ulnow;
	nz__deliverer *d = user;
	return atomic_load(&d->stopping) ? 1 : 0; /* non-zero aborts the transfer */
}

/* One delivery's request. */
typedef struct message {
	const char *url;
	const char *event;  /* "article.published", ..., or "purge" */
	int64_t id;         /* the delivery's */
	const char *secret; /* signs the body when not NULL */
	const char *body;
	bool public_only;               /* refuse to connect to non-public addresses */
	char refused[NZ_APP_ADDR_TEXT]; /* the address refused, if any */
} message;

/* libcurl's socket maker: refuses a connection to a non-public address when the message must
 * stay on the public internet. */
static curl_socket_t open_socket(void *user, curlsocktype purpose, struct curl_sockaddr *a)
{
	message *m = user;
	if (purpose == CURLSOCKTYPE_IPCXN && m->public_only && !nz_app_addr_public(&a->addr)) {
		nz_app_addr_text(&a->addr, m->refused);
		return CURL_SOCKET_BAD;
	}
	return socket(a->family, a->socktype, a->protocol);
}

/* The request's header lines (curl copies them); NULL when out of memory. */
static struct curl_slist *headers_of(const message *m)
{
	char event_line[128], id_line[64], sig[NZ__SIGNATURE_MAX], sig_line[NZ__SIGNATURE_MAX + 32];
	const char *lines[6] = {"Content-Type: application/json",
				"User-Agent: Newszone-Webhooks/1",
				"Expect:",
				event_line,
				id_line,
				NULL};
	size_t n_lines = 5;
	struct curl_slist *headers = NULL;
	snprintf(event_line, sizeof event_line, "X-Newszone-Event: %s", m->event);
	snprintf(id_line, sizeof id_line, "X-Newszone-Delivery: %lld", (long long)m->id);
	if (m->secret) {
		nz__webhook_sign(m->secret, m->body, strlen(m->body), sig);
		snprintf(sig_line, sizeof sig_line, "X-Newszone-Signature: %s", sig);
		lines[n_lines++] = sig_line;
	}
	for (size_t i = 0; i < n_lines; i++) {
		struct curl_slist *h = curl_slist_append(headers, lines[i]);
		if (!h) {
			curl_slist_free_all(headers);
			return NULL;
		}
		headers = h;
	}
	return headers;
}

/* One POST. r->http_status is the HTTP status (0 without an answer); r->error a message in
 * arena, or NULL. Returns false when the server is stopping and the send was abandoned. */
static bool post(nz__deliverer *d, nz_arena *arena, message *m, nz_delivery_result *r)
{
	struct curl_slist *headers = headers_of(m);
	bool sent = true;
	r->http_status = 0;
	r->error = NULL;
	CURL *curl = headers ? curl_easy_init() : NULL;
	if (!curl) {
		r->error = "out of memory";
		goto out;
	}
	curl_easy_setopt(curl, CURLOPT_URL, m->url);
	curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(curl, CURLOPT_POST, 1L);
	curl_easy_setopt(curl, CURLOPT_POSTFIELDS, m->body);
	curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)strlen(m->body));
	curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
	curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, (long)SEND_TIMEOUT_MS);
	curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, (long)CONNECT_TIMEOUT_MS);
	curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, discard);
	curl_easy_setopt(curl, CURLOPT_NOPROGRESS, 0L);
	curl_easy_setopt(curl, CURLOPT_XFERINFOFUNCTION, progress);
	curl_easy_setopt(curl, CURLOPT_XFERINFODATA, d);
	curl_easy_setopt(curl, CURLOPT_OPENSOCKETFUNCTION, open_socket);
	curl_easy_setopt(curl, CURLOPT_OPENSOCKETDATA, m);
	m->refused[0] = '\0';
	CURLcode res = curl_easy_perform(curl);
	if (res == CURLE_ABORTED_BY_CALLBACK) {
		sent = false;
	} else if (res != CURLE_OK && m->refused[0]) {
		r->error = nz_arena_printf(arena,
					   "refused to connect to %s: a loopback, private or "
					   "link-local address (allow_private_webhooks is off)",
					   m->refused);
	} else if (res != CURLE_OK) {
		r->error = nz_arena_strdup(arena, curl_easy_strerror(res));
	} else {
		long code = 0;
		curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &code);
		r->http_status = (int)code;
		if (code < 200 || code > 299)
			r->error = nz_arena_printf(arena, "HTTP %ld", code);
	}
	if (sent && res != CURLE_OK && !r->error)
		r->error = "out of memory";
out:
	curl_slist_free_all(headers);
	curl_easy_cleanup(curl);
	return sent;
}

/* The body to send: the stored one, or a new one kept for the retries. NULL (after logging or
 * postponing) when there is nothing to send now. */
static const char *body_of(nz_store *s, nz_arena *arena, nz_delivery *dl, int64_t now)
{
	nz_err err = {0};
	char *json = NULL;
	nz_time hold = 0;
	if (dl->payload)
		return dl->payload;
	if (nz__webhook_payload(s, arena, dl, now / 1000, &json, &hold, &err) != NZ_OK) {
		NZ_LOG(NZ_LOG_ERROR, "webhooks", "delivery %lld: %s", (long long)dl->id, err.msg);
		return NULL;
	}
	if (hold) {
		if (nz_store_delivery_postpone(s, dl->id, hold * 1000, &err) != NZ_OK)
			NZ_LOG(NZ_LOG_ERROR, "webhooks", "delivery %lld: %s", (long long)dl->id,
			       err.msg);
		return NULL;
	}
	const char *body = nz_arena_strdup(arena, json);
	free(json);
	if (body && nz_store_delivery_set_payload(s, dl->id, body, &err) != NZ_OK) {
		NZ_LOG(NZ_LOG_ERROR, "webhooks", "delivery %lld: %s", (long long)dl->id, err.msg);
		return NULL;
	}
	return body;
}

/* Keeps a delivered purge for its second send; when full, the oldest is given up (logged). */
static void repurge_later(nz__deliverer *d, int64_t id, const char *body)
{
	char *copy = strdup(body);
	if (!copy)
		return;
	if (d->n_repurges == REPURGE_MAX) {
		NZ_LOG(NZ_LOG_WARN, "webhooks", "purge %lld: no second send (%d waiting)",
		       (long long)d->repurges[0].id, REPURGE_MAX);
		free(d->repurges[0].body);
		memmove(d->repurges, d->repurges + 1, (REPURGE_MAX - 1) * sizeof d->repurges[0]);
		d->n_repurges--;
	}
	d->repurges[d->n_repurges++] = (struct repurge){now_ms() + REPURGE_MS, id, copy};
}

static void deliver(nz__deliverer *d, nz_store *s, nz_arena *arena, const nz_delivery_config *cfg,
		    bool allow_private, nz_delivery *dl)
{
	nz_err err = {0};
	int64_t start = now_ms();
	bool purge = dl->webhook_id == 0;
	const char *url = purge ? cfg->purge_url : dl->url;
	const char *secret = purge ? cfg->purge_secret : dl->secret;
	nz_delivery_result r = {.id = dl->id, .at_ms = start};
	const char *body = url ? body_of(s, arena, dl, start) : NULL;
	if (url && !body)
		return; /* held for an embargo, or logged; the lease brings it back */
	if (!url) {
		r.error = "the purge_url setting is empty";
	} else if (!post(d, arena,
			 &(message){url, purge ? "purge" : dl->event, dl->id, secret, body,
				    !purge && !allow_private, ""},
			 &r)) {
		/* Stopping: not an attempt; due again at once when the server next starts. */
		nz_store_delivery_postpone(s, dl->id, start, &err);
		return;
	}
	r.duration_ms = now_ms() - start;
	r.delivered = url && !r.error;
	if (!r.delivered && dl->attempts + 1 < NZ_DELIVERY_MAX_ATTEMPTS)
		r.next_attempt_ms =
		    now_ms() + nz__webhook_backoff(cfg->backoff_ms, dl->attempts + 1);
	if (nz_store_delivery_record(s, &r, &err) != NZ_OK)
		NZ_LOG(NZ_LOG_ERROR, "webhooks", "delivery %lld: recording: %s", (long long)dl->id,
		       err.msg);
	NZ_LOG(r.delivered ? NZ_LOG_INFO : NZ_LOG_WARN, "webhooks",
	       "delivery %lld (%s) to %s: %s%s", (long long)dl->id, dl->event, url ? url : "-",
	       r.delivered ? "delivered" : r.error,
	       r.delivered || r.next_attempt_ms ? "" : "; giving up");
	if (purge && r.delivered)
		repurge_later(d, dl->id, body);
}

static void sleep_ms(nz__deliverer *d, int64_t ms);

/* Notes a reading of the change feed's head: when it moved, every change up to it committed
 * before now. */
static void observe(nz__deliverer *d, int64_t head)
{
	if (head != d->seen_seq) {
		d->seen_seq = head;
		d->seen_at_ms = now_ms();
	}
}

/* Before purges leave: reads the head (a change and the deliveries it queues commit together,
 * so the claimed ones are in it) and waits until PURGE_GRACE_MS has passed since the head was
 * first seen there. An unreadable head gets the whole grace. */
static void let_nodes_follow(nz__deliverer *d, nz_store *s)
{
	int64_t head = 0;
	nz_err err = {0};
	if (nz_store_change_seq(s, &head, &err) != NZ_OK) {
		sleep_ms(d, PURGE_GRACE_MS);
		return;
	}
	observe(d, head);
	int64_t left = d->seen_at_ms + PURGE_GRACE_MS - now_ms();
	if (left > 0)
		sleep_ms(d, left);
}

static bool has_purge(const nz_delivery *due, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (due[i].webhook_id == 0)
			return true;
	return false;
}

/* Sends the second purges that are due (to the purge hook as it is set now); returns how long
 * until the next one is (IDLE_POLL_MS when there is none). */
static int64_t repurge_due(nz__deliverer *d, nz_store *s, nz_arena *arena)
{
	size_t done = 0;
	nz_delivery_config cfg = {0};
	nz_err err = {0};
	if (d->n_repurges && d->repurges[0].due_ms <= now_ms() &&
	    nz_store_delivery_config(s, arena, &cfg, &err) != NZ_OK)
		NZ_LOG(NZ_LOG_ERROR, "webhooks", "second purges: %s", err.msg);
	while (done < d->n_repurges && d->repurges[done].due_ms <= now_ms() &&
	       !atomic_load(&d->stopping)) {
		struct repurge *rp = &d->repurges[done++];
		nz_delivery_result r = {0};
		if (cfg.purge_url && *cfg.purge_url)
			post(d, arena,
			     &(message){cfg.purge_url, "purge", rp->id, cfg.purge_secret, rp->body,
					false, ""},
			     &r);
		if (r.error)
			NZ_LOG(NZ_LOG_WARN, "webhooks", "purge %lld, second send: %s",
			       (long long)rp->id, r.error);
		free(rp->body);
	}
	memmove(d->repurges, d->repurges + done, (d->n_repurges - done) * sizeof d->repurges[0]);
	d->n_repurges -= done;
	return d->n_repurges ? d->repurges[0].due_ms - now_ms() : IDLE_POLL_MS;
}

/* One round: sends what is due. Returns how long to sleep (ms) before the next. */
static int64_t round_once(nz__deliverer *d, nz_store *s)
{
	nz_err err = {0};
	nz_delivery_config cfg = {0};
	nz_delivery *due = NULL;
	size_t n = 0;
	int64_t next = 0, wait = IDLE_POLL_MS;
	nz_arena *arena = nz_arena_new();
	if (!arena)
		return IDLE_POLL_MS;
	wait = repurge_due(d, s, arena);
	/* Settings are read after the claim, so a delivery never meets older settings than the
	 * change that made it. */
	nz_delivery_claim claim = {now_ms(), LEASE_MS, CLAIM_MAX};
	if (nz_store_delivery_claim(s, arena, &claim, &due, &n, &err) != NZ_OK ||
	    (n > 0 && nz_store_delivery_config(s, arena, &cfg, &err) != NZ_OK)) {
		d->fail_wait_ms = d->fail_wait_ms ? d->fail_wait_ms * 2 : FAIL_WAIT_MIN_MS;
		if (d->fail_wait_ms > FAIL_WAIT_MAX_MS)
			d->fail_wait_ms = FAIL_WAIT_MAX_MS;
		NZ_LOG(NZ_LOG_ERROR, "webhooks", "%s (trying again in %lld s)", err.msg,
		       (long long)(d->fail_wait_ms / 1000));
		wait = d->fail_wait_ms;
		goto out;
	}
	d->fail_wait_ms = 0;
	if (has_purge(due, n))
		let_nodes_follow(d, s);
	bool allow_private = n > 0 && nz_app_private_webhooks_allowed(s);
	for (size_t i = 0; i < n && !atomic_load(&d->stopping); i++)
		deliver(d, s, arena, &cfg, allow_private, &due[i]);
	if (n == CLAIM_MAX)
		wait = 0;
	else if (nz_store_delivery_next_due(s, &next, &err) == NZ_OK && next - now_ms() < wait)
		wait = next - now_ms();
out:
	nz_arena_free(arena);
	return wait < 0 ? 0 : wait;
}

static void sleep_ms(nz__deliverer *d, int64_t ms)
{
	struct timespec until;
	nz_deadline_ms(&until, ms);
	pthread_mutex_lock(&d->lock);
	while (!atomic_load(&d->stopping) &&
	       pthread_cond_timedwait(&d->wake, &d->lock, &until) == 0)
		;
	pthread_mutex_unlock(&d->lock);
}

/* Waits up to ms for work: until the change feed moves past what was last read (every
 * change that queues a delivery is in the feed, committed with it: a purge's keys, a webhook's
 * audit row), so a delivery leaves within the feed's wait (a commit's notification on
 * PostgreSQL, a 20 ms poll on SQLite; a purge PURGE_GRACE_MS later) instead of the next idle
 * round. A feed that cannot be read falls back to a plain sleep. */
static void wait_for_work(nz__deliverer *d, nz_store *s, int64_t ms)
{
	int64_t until = now_ms() + ms;
	while (!atomic_load(&d->stopping)) {
		int64_t left = until - now_ms(), latest = d->seen_seq;
		nz_err err = {0};
		if (left <= 0)
			return;
		if (nz_store_changes_wait(s, d->seen_seq,
					  left < WAIT_SLICE_MS ? (int)left : WAIT_SLICE_MS, &latest,
					  &err) != NZ_OK) {
			sleep_ms(d, left);
			return;
		}
		if (latest != d->seen_seq) {
			observe(d, latest);
			return;
		}
	}
}

static void *run(void *arg)
{
	nz__deliverer *d = arg;
	nz_store *s = NULL;
	nz_err err = {0};
	while (!atomic_load(&d->stopping)) {
		if (!s && nz_store_open(d->db_uri, 0, &s, &err) != NZ_OK) {
			NZ_LOG(NZ_LOG_ERROR, "webhooks", "cannot open the store: %s", err.msg);
			s = NULL;
			sleep_ms(d, 5000);
			continue;
		}
		if (!nz__lease_held(d->lease)) {
			sleep_ms(d, IDLE_POLL_MS);
			continue;
		}
		int64_t wait = round_once(d, s);
		if (wait > 0 && d->fail_wait_ms)
			sleep_ms(d, wait);
		else if (wait > 0)
			wait_for_work(d, s, wait);
	}
	nz_store_close(s);
	return NULL;
}

nz_rc nz__deliverer_start(const char *db_uri, const nz__lease *lease, nz__deliverer **out,
			  nz_err *err)
{
	*out = NULL;
	pthread_once(&curl_once, curl_start);
	if (curl_init_rc != CURLE_OK)
		return nz_err_set(err, NZ_INVAL, "webhooks: libcurl did not initialise: %s",
				  curl_easy_strerror(curl_init_rc));
	nz__deliverer *d = calloc(1, sizeof *d);
	if (!d || !(d->db_uri = strdup(db_uri))) {
		free(d);
		return nz_err_set(err, NZ_NOMEM, "webhooks: out of memory");
	}
	pthread_condattr_t attr;
	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(&d->wake, &attr);
	pthread_condattr_destroy(&attr);
	pthread_mutex_init(&d->lock, NULL);
	atomic_init(&d->stopping, false);
	d->lease = lease;
	if (pthread_create(&d->thread, NULL, run, d) != 0) {
		pthread_cond_destroy(&d->wake);
		pthread_mutex_destroy(&d->lock);
		free(d->db_uri);
		free(d);
		return nz_err_set(err, NZ_NOMEM, "webhooks: cannot start the delivery thread");
	}
	*out = d;
	return NZ_OK;
}

void nz__deliverer_stop(nz__deliverer *d)
{
	if (!d)
		return;
	pthread_mutex_lock(&d->lock);
	atomic_store(&d->stopping, true);
	pthread_cond_signal(&d->wake);
	pthread_mutex_unlock(&d->lock);
	pthread_join(d->thread, NULL);
	for (size_t i = 0; i < d->n_repurges; i++)
		free(d->repurges[i].body);
	pthread_cond_destroy(&d->wake);
	pthread_mutex_destroy(&d->lock);
	free(d->db_uri);
	free(d);
}
