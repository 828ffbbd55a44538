/*
 * web/views.c: page views for "Most read" (docs/front-page.md) and the reader counts of the
 * back office's stats page (docs/stats.md), counted by the server itself: no cookie, no script,
 * nothing stored about the reader (no address, no user agent). A view is a GET of an article
 * page answered 200 (from the page cache or not) to a client whose User-Agent is not a robot's;
 * a referring site is the host name of such a reader's Referer on a public page, when it is not
 * the site itself; a search that found nothing is its query, normalized. Counts gather in memory,
 * in small hashes by kind and key, one per serving thread (each under its own mutex, which only
 * the writer thread also takes: no cache line bounces between serving threads), and a thread
 * writes them every NZ__VIEWS_FLUSH_MS in one transaction per kind of table, never a write per
 * request; it also tells the change feed ("most-read", which the pages showing the list depend
 * on) at most every refresh_s, so those pages are re-made at most that often. What is not yet
 * written when the server stops is written then.
 */
#include <ctype.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/nap.h"
#include "web/app_int.h"

#define NZ__VIEWS_FLUSH_MS 2000
#define BUCKETS 256
#define SHARDS 16      /* tables; a serving thread keeps to one */
#define MAX_SLUGS 4096 /* distinct keys of a table between two writes; more are dropped */
#define KEY_MAX 100    /* bytes of a referring host or a search kept */
#define UA_MAX 255     /* bytes of a User-Agent looked at */
#define UA_SLOTS 16    /* User-Agents each thread remembers */

enum { KIND_VIEW, KIND_REFERRER, KIND_SEARCH_MISS };

typedef struct count {
	struct count *next;
	int64_t views;
	int kind;
	char slug[]; /* the key: an article's slug, a host, a query */
} count;

typedef struct table {
	pthread_mutex_t lock;
	count *buckets[BUCKETS];
	size_t n;
} table;

struct nz__views {
	table shards[SHARDS];
	pthread_mutex_t nap_lock;
	pthread_cond_t wake;
	bool stop;
	pthread_t thread;
	const char *db_uri;
	unsigned refresh_s;
	nz_time told; /* when "most-read" was last told */
};

/* The robot's words looked for in a lower-cased User-Agent. */
static bool robot_words(const char *ua)
{
	static const char *const words[] = {"bot",  "crawl", "spider", "slurp",   "preview",
					    "curl", "wget",  "python", "go-http", "headless"};
	char low[UA_MAX + 1];
	size_t n = 0;
	for (; ua[n] && n < UA_MAX; n++)
		low[n] = (char)tolower((unsigned char)ua[n]);
	low[n] = '\0';
	for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
		if (strstr(low, words[i]))
			return true;
	return false;
}

/* Every request asks, cached or not, and readers' browsers send a few User-Agents again and
 * again: each thread keeps its last answers (UA_SLOTS, by length and a few bytes), so a known
 * User-Agent costs a comparison instead of a scan. */
bool nz__views_is_robot(const char *ua)
{
	static _Thread_local struct {
		size_t len;
		bool robot;
		char ua[UA_MAX];
	} seen[UA_SLOTS];
	if (!ua || !ua[0])
		return true; /* browsers always say who they are */
	size_t len = strnlen(ua, UA_MAX + 1);
	if (len > UA_MAX)
		return robot_words(ua); /* too long to keep: the first UA_MAX bytes decide */
	size_t slot =
	    (len * 31 + (unsigned char)ua[len / 2] + (unsigned char)ua[len - 1]) % UA_SLOTS;
	if (seen[slot].len == len && memcmp(seen[slot].ua, ua, len) == 0)
		return seen[slot].robot;
	bool robot = robot_words(ua);
	seen[slot].len = len;
	seen[slot].robot = robot;
	memcpy(seen[slot].ua, ua, len);
	return robot;
}

/* Adds views to key's count in t (a new key only while t has fewer than max), the caller
 * holding t's lock or owning t. */
static void table_add(table *t, int kind, const char *key, int64_t views, size_t max)
{
	size_t b = (nz_hash_str(key) + (size_t)kind) % BUCKETS;
	count *c = t->buckets[b];
	while (c && (c->kind != kind || strcmp(c->slug, key) != 0))
		c = c->next;
	if (!c && t->n < max && (c = malloc(sizeof *c + strlen(key) + 1))) {
		strcpy(c->slug, key);
		c->views = 0;
		c->kind = kind;
		c->next = t->buckets[b];
		t->buckets[b] = c;
		t->n++;
	}
	if (c)
		c->views += views;
}

/* The calling thread's table: threads take one each, in turn. */
static table *own_table(nz__views *v)
{
	static atomic_uint next;
	static _Thread_local unsigned mine = SHARDS;
	if (mine == SHARDS)
		mine = atomic_fetch_add(&next, 1) % SHARDS;
	return &v->shards[mine];
}

static void add(nz__views *v, int kind, const char *key)
{
	table *t = own_table(v);
	pthread_mutex_lock(&t->lock);
	table_add(t, kind, key, 1, MAX_SLUGS);
	pthread_mutex_unlock(&t->lock);
}

void nz__views_count(nz__views *v, const char *slug)
{
	if (v && slug && slug[0] && !strchr(slug, '/'))
		add(v, KIND_VIEW, slug);
}

bool nz__views_referrer_host(const char *referer, const char *own_host, char *host, size_t size)
{
	const char *p = referer;
	if (!p || size < 2)
		return false;
	if (strncasecmp(p, "https://", 8) == 0)
		p += 8;
	else if (strncasecmp(p, "http://", 7) == 0)
		p += 7;
	else
		return false; /* android-app://, about:blank, junk: no site */
	const char *at = p + strcspn(p, "/?#");
	const char *user = memchr(p, '@', (size_t)(at - p));
	if (user)
		p = user + 1; /* never keep what comes before an @ */
	size_t n = strcspn(p, ":/?#");
	if (n == 0 || n >= size || n > KEY_MAX)
		return false;
	for (size_t i = 0; i < n; i++) {
		char ch = (char)tolower((unsigned char)p[i]);
		if (!isalnum((unsigned char)ch) && ch != '-' && ch != '.')
			return false;
		host[i] = ch;
	}
	host[n] = '\0';
	size_t own = own_host ? strcspn(own_host, ":") : 0;
	return !(own == n && strncasecmp(own_host, host, n) == 0);
}

void nz__views_referrer(nz__views *v, const char *host)
{
	if (v && host && host[0])
		add(v, KIND_REFERRER, host);
}

void nz__views_search_norm(const char *q, char *out, size_t size)
{
	size_t n = 0;
	bool space = false;
	const unsigned char *p = (const unsigned char *)(q ? q : "");
	while (*p) {
		if (*p <= 0x20 || *p == 0x7F) {
			space = n > 0;
			p++;
			continue;
		}
		/* a whole character or nothing: its length from the lead byte */
		size_t len = *p >= 0xF0 ? 4 : *p >= 0xE0 ? 3 : *p >= 0xC0 ? 2 : 1;
		if (n + (space ? 1 : 0) + len >= size)
			break;
		if (space)
			out[n++] = ' ';
		space = false;
		for (size_t i = 0; i < len && *p; i++)
			out[n++] = (char)tolower(*p++);
	}
	out[n] = '\0';
}

void nz__views_search_miss(nz__views *v, const char *query)
{
	char norm[KEY_MAX + 1];
	nz__views_search_norm(query, norm, sizeof norm);
	if (v && norm[0])
		add(v, KIND_SEARCH_MISS, norm);
}

/* Takes every table's counts, the same key's summed (the caller frees the list), and empties
 * the tables. */
static count *take(nz__views *v, size_t *n)
{
	table *sum = calloc(1, sizeof *sum);
	count *all = NULL;
	*n = 0;
	for (size_t s = 0; s < SHARDS; s++) {
		table *t = &v->shards[s];
		count *got = NULL;
		pthread_mutex_lock(&t->lock);
		for (size_t b = 0; b < BUCKETS; b++) {
			while (t->buckets[b]) {
				count *c = t->buckets[b];
				t->buckets[b] = c->next;
				c->next = got;
				got = c;
			}
		}
		t->n = 0;
		pthread_mutex_unlock(&t->lock);
		while (got) {
			count *c = got;
			got = c->next;
			if (sum)
				table_add(sum, c->kind, c->slug, c->views, SIZE_MAX);
			free(c);
		}
	}
	for (size_t b = 0; sum && b < BUCKETS; b++) {
		while (sum->buckets[b]) {
			count *c = sum->buckets[b];
			sum->buckets[b] = c->next;
			c->next = all;
			all = c;
		}
	}
	*n = sum ? sum->n : 0;
	free(sum);
	return all;
}

/* Writes what was counted (in the current hour) with store; false when the handle failed. */
static bool flush(nz__views *v, nz_store **store)
{
	size_t n = 0;
	count *all = take(v, &n);
	nz_view_count *rows = n ? calloc(n, sizeof *rows) : NULL;
	nz_reader_count *others = n ? calloc(n, sizeof *others) : NULL;
	nz_err err = {0};
	nz_time now = nz_time_now();
	size_t i = 0, k = 0;
	for (count *c = all; rows && others && c; c = c->next) {
		if (c->kind == KIND_VIEW)
			rows[i++] =
			    (nz_view_count){.slug = c->slug, .hour = now / 3600, .views = c->views};
		else
			others[k++] = (nz_reader_count){.kind = c->kind == KIND_REFERRER
								    ? NZ_COUNT_REFERRER
								    : NZ_COUNT_SEARCH_MISS,
							.key = c->slug,
							.hour = now / 3600,
							.count = c->views};
	}
	bool tell = i && now - v->told >= (nz_time)v->refresh_s;
	if ((i || k) && !*store && nz_store_open(v->db_uri, 0, store, &err) != NZ_OK)
		NZ_LOG(NZ_LOG_ERROR, "views", "cannot open the store: %s", err.msg);
	else if (i && nz_store_views_add(*store, rows, i, tell, &err) != NZ_OK)
		NZ_LOG(NZ_LOG_ERROR, "views", "writing page views: %s", err.msg);
	else if (k && nz_store_reader_counts_add(*store, others, k, &err) != NZ_OK)
		NZ_LOG(NZ_LOG_ERROR, "views", "writing reader counts: %s", err.msg);
	else if (tell)
		v->told = now;
	bool ok = !*store || !nz_store_failed(*store);
	free(rows);
	free(others);
	while (all) {
		count *next = all->next;
		free(all);
		all = next;
	}
	return ok;
}

static void *run(void *arg)
{
	nz__views *v = arg;
	nz_store *store = NULL;
	bool going;
	do {
		going = nz_nap(&v->nap_lock, &v->wake, &v->stop, NZ__VIEWS_FLUSH_MS);
		if (!flush(v, &store)) {
			nz_store_close(store);
			store = NULL;
		}
	} while (going);
	nz_store_close(store);
	return NULL;
}

nz_rc nz__views_start(const char *db_uri, unsigned refresh_s, nz__views **out, nz_err *err)
{
	nz__views *v = calloc(1, sizeof *v);
	*out = NULL;
	if (!v)
		return nz_err_set(err, NZ_NOMEM, "views: out of memory");
	v->db_uri = db_uri;
	v->refresh_s = refresh_s ? refresh_s : NZ_WEB_MOST_READ_REFRESH_DEFAULT;
	for (size_t i = 0; i < SHARDS; i++)
		pthread_mutex_init(&v->shards[i].lock, NULL);
	pthread_mutex_init(&v->nap_lock, NULL);
	pthread_condattr_t attr;
	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(&v->wake, &attr);
	pthread_condattr_destroy(&attr);
	if (pthread_create(&v->thread, NULL, run, v) != 0) {
		pthread_cond_destroy(&v->wake);
		pthread_mutex_destroy(&v->nap_lock);
		for (size_t i = 0; i < SHARDS; i++)
			pthread_mutex_destroy(&v->shards[i].lock);
		free(v);
		return nz_err_set(err, NZ_IO, "views: cannot start the thread");
	}
	*out = v;
	return NZ_OK;
}

void nz__views_stop(nz__views *v)
{
	if (!v)
		return;
	pthread_mutex_lock(&v->nap_lock);
	v->stop = true;
	pthread_cond_signal(&v->wake);
	pthread_mutex_unlock(&v->nap_lock);
	pthread_join(v->thread, NULL); /* its last round writes what is left */
	size_t n;
	count *all = take(v, &n);
	while (all) {
		count *next = all->next;
		free(all);
		all = next;
	}
	pthread_cond_destroy(&v->wake);
	pthread_mutex_destroy(&v->nap_lock);
	for (size_t i = 0; i < SHARDS; i++)
		pthread_mutex_destroy(&v->shards[i].lock);
	free(v);
}
