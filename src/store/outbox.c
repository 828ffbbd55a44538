/*
 * outbox.c: the backend-neutral front of the outbox (store.h, "outbox"): what leaves the
 * database for the world. The change feed (keys a write affects, written by triggers, never by
 * callers) and webhooks with their deliveries: output pointers set before anything can fail,
 * a new hook's URL and events checked and its secret made, limits, then the backend's SQL.
 */
#include <errno.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/store_int.h"

#define DELIVERY_LIMIT_DEFAULT 50
#define DELIVERY_LIMIT_MAX 500
#define CLAIM_MAX 100

NZ_ENUM_NAME_FN(nz_webhook_event, nz_webhook_event_name, NZ_WEBHOOK_EVENT_LIST)

static NZ_ENUM_NAME_FN(nz_delivery_status, status_name, NZ_DELIVERY_STATUSES)

    const char *nz_delivery_status_name(nz_delivery_status st)
{
	return (unsigned)st < NZ_ENUM_COUNT(NZ_DELIVERY_STATUSES) ? status_name(st) : "pending";
}

nz_delivery_status nz__store_delivery_status(const char *s)
{
	if (s && strcmp(s, "delivered") == 0)
		return NZ_DELIVERY_DELIVERED;
	if (s && strcmp(s, "failed") == 0)
		return NZ_DELIVERY_FAILED;
	return NZ_DELIVERY_PENDING;
}

void nz__store_delivery_config_apply(nz_delivery_config *out, const char *key, const char *value)
{
	if (strcmp(key, "purge_url") == 0) {
		out->purge_url = value;
	} else if (strcmp(key, "purge_secret") == 0) {
		out->purge_secret = value;
	} else if (strcmp(key, "webhook_backoff_ms") == 0) {
		char *end = NULL;
		errno = 0;
		long long v = strtoll(value, &end, 10);
		/* A bad value keeps the default rather than stopping deliveries. */
		if (!errno && end != value && !*end && v >= 1 && v <= 3600000)
			out->backoff_ms = v;
	}
}

/* The clock moves at least this often (seconds) even when nothing fell due. */
#define CLOCK_MAX_LAG 3600

bool nz__store_tick_writes(nz_time now, int64_t clock, bool due)
{
	return now > clock && (due || now - clock >= CLOCK_MAX_LAG);
}

int64_t nz__store_prune_cut(int64_t newest, int64_t young, int64_t keep_rows)
{
	int64_t cut = young - 1;
	if (newest - keep_rows > cut)
		cut = newest - keep_rows;
	if (cut > newest - 1)
		cut = newest - 1;
	return cut > 0 ? cut : 0;
}

/* An absolute http(s) URL with a host, printable ASCII without spaces. */
static nz_rc check_url(const char *url, nz_err *err)
{
	size_t len = url ? strlen(url) : 0;
	size_t scheme = 0;
	if (len == 0)
		return nz_err_set(err, NZ_INVAL, "url: missing");
	if (len > NZ_WEBHOOK_URL_MAX)
		return nz_err_set(err, NZ_INVAL, "url: longer than %d bytes", NZ_WEBHOOK_URL_MAX);
	if (strncmp(url, "http://", 7) == 0)
		scheme = 7;
	else if (strncmp(url, "https://", 8) == 0)
		scheme = 8;
	else
		return nz_err_set(err, NZ_INVAL, "url: must start with http:// or https://");
	for (const char *p = url; *p; p++)
		if ((unsigned char)*p <= ' ' || (unsigned char)*p >= 0x7f)
			return nz_err_set(err, NZ_INVAL,
					  "url: spaces and non-ASCII characters must be "
					  "%%-encoded");
	if (url[scheme] == '\0' || url[scheme] == '/' || url[scheme] == ':')
		return nz_err_set(err, NZ_INVAL, "url: no host after the scheme");
	return NZ_OK;
}

/* Parses a list of event names separated by commas and/or spaces into the canonical comma list
 * (known order, no duplicates) in arena. */
static nz_rc normalise_events(nz_arena *arena, const char *events, const char **out, nz_err *err)
{
	bool want[NZ_WEBHOOK_N_EVENTS] = {false};
	bool any = false;
	const char *p = events ? events : "";
	while (*p) {
		size_t n = strcspn(p, ", \t");
		if (n > 0) {
			size_t i = 0;
			while (i < NZ_WEBHOOK_N_EVENTS &&
			       !(strlen(nz_webhook_event_name(i)) == n &&
				 memcmp(p, nz_webhook_event_name(i), n) == 0))
				i++;
			if (i == NZ_WEBHOOK_N_EVENTS)
				return nz_err_set(err, NZ_INVAL,
						  "events: unknown event '%.*s' (known: %s)",
						  (int)(n > 60 ? 60 : n), p, NZ_WEBHOOK_EVENTS);
			want[i] = any = true;
		}
		p += n;
		if (*p)
			p++;
	}
	if (!any)
		return nz_err_set(err, NZ_INVAL, "events: name at least one of %s",
				  NZ_WEBHOOK_EVENTS);
	char list[sizeof NZ_WEBHOOK_EVENTS + 1] = "";
	for (size_t i = 0; i < NZ_WEBHOOK_N_EVENTS; i++) {
		if (!want[i])
			continue;
		if (list[0])
			strcat(list, ",");
		strcat(list, nz_webhook_event_name(i));
	}
	*out = nz_arena_strdup(arena, list);
	return *out ? NZ_OK : nz_err_set(err, NZ_NOMEM, "events: out of memory");
}

nz_rc nz_store_webhook_create(nz_store *s, nz_arena *arena, nz_webhook *hook, nz_err *err)
{
	nz_rc rc;
	if ((rc = nz__store_writable(s, "webhook", err)) || (rc = check_url(hook->url, err)) ||
	    (rc = normalise_events(arena, hook->events, &hook->events, err)))
		return rc;
	if (!hook->secret) {
		unsigned char key[32];
		char hex[65], secret[72];
		if (sodium_init() < 0)
			return nz_err_set(err, NZ_INVAL, "webhook: no source of randomness");
		randombytes_buf(key, sizeof key);
		sodium_bin2hex(hex, sizeof hex, key, sizeof key);
		snprintf(secret, sizeof secret, "whsec_%s", hex);
		sodium_memzero(key, sizeof key);
		if (!(hook->secret = nz_arena_strdup(arena, secret)))
			return nz_err_set(err, NZ_NOMEM, "webhook: out of memory");
	} else if (strlen(hook->secret) < 16) {
		return nz_err_set(err, NZ_INVAL, "secret: at least 16 characters");
	}
	hook->active = true;
	hook->created_at = nz_time_now();
	return nz__store_webhook_create(s, hook, err);
}

nz_rc nz_store_webhook_list(nz_store *s, nz_arena *arena, nz_webhook **out, size_t *n, nz_err *err)
{
	return nz__store_webhook_list(s, arena, 0, out, n, err);
}

nz_rc nz_store_webhook_get(nz_store *s, nz_arena *arena, int64_t id, nz_webhook **out, nz_err *err)
{
	size_t n = 0;
	*out = NULL;
	if (id <= 0)
		return nz_err_set(err, NZ_NOTFOUND, "webhook %lld: no such webhook", (long long)id);
	nz_rc rc = nz__store_webhook_list(s, arena, id, out, &n, err);
	if (rc == NZ_OK && n == 0)
		return nz_err_set(err, NZ_NOTFOUND, "webhook %lld: no such webhook", (long long)id);
	return rc;
}

nz_rc nz_store_delivery_list(nz_store *s, nz_arena *arena, const nz_delivery_query *q,
			     nz_delivery **out, size_t *n, nz_err *err)
{
	nz_delivery_query nq = *q;
	*out = NULL;
	*n = 0;
	if (nq.limit == 0)
		nq.limit = DELIVERY_LIMIT_DEFAULT;
	if (nq.limit > DELIVERY_LIMIT_MAX)
		return nz_err_set(err, NZ_INVAL, "deliveries: limit is at most %d",
				  DELIVERY_LIMIT_MAX);
	return nz__store_delivery_list(s, arena, &nq, out, n, err);
}

nz_rc nz_store_delivery_claim(nz_store *s, nz_arena *arena, const nz_delivery_claim *c,
			      nz_delivery **out, size_t *n, nz_err *err)
{
	*out = NULL;
	*n = 0;
	if (c->max == 0 || c->max > CLAIM_MAX || c->lease_ms < 0)
		return nz_err_set(err, NZ_INVAL, "deliveries: claim 1 to %d", CLAIM_MAX);
	return nz__store_delivery_claim(s, arena, c, out, n, err);
}

nz_rc nz_store_delivery_set_payload(nz_store *s, int64_t id, const char *payload, nz_err *err)
{
	if (!payload)
		return nz_err_set(err, NZ_INVAL, "delivery: no payload");
	return nz__store_delivery_set_payload(s, id, payload, err);
}

nz_rc nz_store_delivery_config(nz_store *s, nz_arena *arena, nz_delivery_config *out, nz_err *err)
{
	*out = (nz_delivery_config){.backoff_ms = 10000};
	return nz__store_delivery_config(s, arena, out, err);
}

/* ---- the change feed ------------------------------------------------------------------- */

nz_rc nz_store_change_seq(nz_store *s, int64_t *seq, nz_err *err)
{
	*seq = 0;
	return nz__store_change_seq(s, seq, err);
}

nz_rc nz_store_changes_since(nz_store *s, nz_arena *arena, int64_t after_seq, int64_t *upto_seq,
			     const char ***keys, size_t *n_keys, nz_err *err)
{
	*upto_seq = after_seq;
	*keys = NULL;
	*n_keys = 0;
	if (after_seq < 0)
		return nz_err_set(err, NZ_INVAL, "changes: a seq is never negative");
	return nz__store_changes_since(s, arena, after_seq, upto_seq, keys, n_keys, err);
}

nz_rc nz_store_change_tick(nz_store *s, nz_time now, size_t *n, nz_err *err)
{
	size_t ignored;
	if (!n)
		n = &ignored;
	*n = 0;
	if (s->flags & NZ_STORE_READONLY)
		return NZ_OK; /* a reader cannot tell anyone; the next writer's tick will */
	return nz__store_change_tick(s, now, n, err);
}

nz_rc nz_store_change_next_due(nz_store *s, nz_time *at, nz_err *err)
{
	*at = 0;
	return nz__store_change_next_due(s, at, err);
}

nz_rc nz_store_changes_prune(nz_store *s, nz_time now, size_t *n, nz_err *err)
{
	size_t ignored;
	if (!n)
		n = &ignored;
	*n = 0;
	return nz__store_changes_prune(s, now - (nz_time)NZ_CHANGES_KEEP_DAYS * 86400,
				       NZ_CHANGES_KEEP_ROWS, n, err);
}
