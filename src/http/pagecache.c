/*
 * http/pagecache: the in-memory response cache (the contract is in http.h, the operator's view
 * in docs/performance.md).
 *
 * What is kept: for a public GET/HEAD answer that cache.c would let anyone cache, the answer as
 * cache.c makes it for a client without compression and for the coding the client that caused
 * it asked for (gzip or Brotli; bytes, ETag, headers), each as a ready-made 200 and 304
 * (nz_http_prebuilt), under a key of the decoded path, the query's parameters in a stable order
 * and the caller's variant (the API's ninjs). A hit is served before routing, with no database
 * access: pick the variant by Accept-Encoding (the same choice as cache.c's,
 * nz_http_coding_pick), answer 304 when the validators match, take a reference on the prebuilt
 * response under the shard lock. A client whose coding the entry has not tried yet is a miss:
 * the page is made again and stored with that coding too, keeping the entry's other codings
 * when its bytes are the same (so a miss compresses once, for its own client, not for every
 * coding a later client might want).
 *
 * Never stale, with the application's help: each entry keeps hashes of its Surrogate-Keys and
 * the application calls nz_http_pagecache_invalidate with the keys a write changed (some keys,
 * opts.clear_keys, drop all). A render that began before an invalidation is not stored after
 * it: entries are stored only when the cache's generation (bumped before every invalidation)
 * is still the one seen at the lookup. When pages change without a write (a time passing), the
 * application says from when (nz_http_pagecache_hold_from) and from that second on nothing is
 * served from memory until it says again.
 *
 * Bounded: SHARDS shards, each with its own lock, hash table, LRU list and a byte budget of
 * limit / SHARDS; an entry's size counts its bytes, key, headers and an estimated overhead;
 * entries bigger than a quarter of a shard's budget are not stored. Entries also expire after
 * ttl_s, for what a page shows that its keys do not name.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "http/http.h"

#define SHARDS 8
#define KEY_MAX 2048
#define MAX_PARAMS 32
/* What malloc gives an entry beyond its bodies and header text, measured with mallinfo2
 * (tests/unit/http/pagecache.c checks the count against it): the entry, four MHD responses
 * with the headers the server adds to each (Server, nosniff, type), and per header of a
 * response MHD's list node and two string copies, each a malloc chunk of its own. */
#define ENTRY_OVERHEAD 2048
#define HEADER_OVERHEAD 128
#define BYTES_PER_BUCKET 4096
#define DROP_ALL_OVER 4096 /* more changed keys than this: drop everything */

typedef struct entry {
	struct entry *next;          /* in its hash bucket */
	struct entry *newer, *older; /* LRU list */
	uint64_t hash;               /* of key */
	char *key;                   /* key_len bytes, NUL-terminated */
	size_t key_len;
	uint64_t *tags; /* hashes of its Surrogate-Keys */
	size_t n_tags;
	/* By nz_coding: [0] identity, [1] gzip, [2] Brotli (NULL when none). */
	nz_http_prebuilt *ok[NZ_CODINGS], *nm[NZ_CODINGS];
	char etag[NZ_CODINGS][NZ_HTTP_ETAG_MAX];
	size_t coding_bytes[NZ_CODINGS]; /* what each coding's responses count */
	unsigned tried; /* 1 << nz_coding: made, or found not worth making (ok[] NULL) */
	nz_time last_modified;
	int64_t expires_ms; /* 0: never */
	size_t bytes;
} entry;

typedef struct shard {
	pthread_mutex_t lock;
	entry **buckets;
	size_t mask;
	entry *newest, *oldest;
	size_t bytes, entries;
} shard;

struct nz_http_pagecache {
	shard shards[SHARDS];
	size_t limit, shard_limit, entry_max;
	int64_t ttl_ms;
	atomic_uint_fast64_t generation;
	atomic_uint_fast64_t hits, misses, evictions, invalidations, stores;
	_Atomic int64_t hold_from; /* from then until told again, nothing is served */
	uint64_t *clear_keys;      /* hashes of keys that drop every entry */
	size_t n_clear_keys;
};

struct nz_http_pagecache_note {
	uint64_t generation; /* at the lookup */
	nz_coding coding;    /* the one the client would take, kept with identity */
	uint64_t hash;
	char *key;
	size_t key_len;
	bool kept; /* raw holds the handler's 200 */
	nz_http_resp raw;
	const void *raw_body;
	size_t raw_len;
};

/* ---- keys and hashing -------------------------------------------------------------------- */

typedef struct param {
	const char *p;
	size_t len, name_len;
} param;

bool nz_http_pagecache_key(const char *path, const char *query, const char *variant, char *out,
			   size_t size, size_t *len)
{
	param ps[MAX_PARAMS];
	size_t n = 0, at = 0, plen = strlen(path);
	for (const char *q = query ? query : ""; *q;) {
		size_t l = strcspn(q, "&");
		if (l > 0) {
			if (n == MAX_PARAMS)
				return false;
			ps[n++] = (param){q, l, strcspn(q, "=") < l ? strcspn(q, "=") : l};
		}
		q += l + (q[l] == '&');
	}
	/* Stable by name, so the first of repeated names stays first (handlers read that one). */
	for (size_t i = 1; i < n; i++)
		for (size_t j = i; j > 0; j--) {
			const param *a = &ps[j - 1], *b = &ps[j];
			size_t m = a->name_len < b->name_len ? a->name_len : b->name_len;
			int c = memcmp(a->p, b->p, m);
			if (c < 0 || (c == 0 && a->name_len <= b->name_len))
				break;
			param t = ps[j];
			ps[j] = ps[j - 1];
			ps[j - 1] = t;
		}
	if (plen + 1 > size)
		return false;
	memcpy(out, path, plen);
	at = plen;
	for (size_t i = 0; i < n; i++) {
		if (at + 1 + ps[i].len + 1 > size)
			return false;
		out[at++] = i ? '&' : '?';
		memcpy(out + at, ps[i].p, ps[i].len);
		at += ps[i].len;
	}
	if (variant && *variant) {
		size_t vlen = strlen(variant);
		if (at + 1 + vlen + 1 > size)
			return false;
		out[at++] = '\n';
		memcpy(out + at, variant, vlen);
		at += vlen;
	}
	out[at] = '\0';
	*len = at;
	return true;
}

static int64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Only GET and HEAD are ever answered from memory. */
static bool candidate(const nz_http_req *req)
{
	return strcmp(req->method, "GET") == 0 || strcmp(req->method, "HEAD") == 0;
}

/* ---- entries and shards ------------------------------------------------------------------ */

static void entry_free(entry *e)
{
	if (!e)
		return;
	for (int v = 0; v < NZ_CODINGS; v++) {
		nz_http_prebuilt_unref(e->ok[v]);
		nz_http_prebuilt_unref(e->nm[v]);
	}
	free(e->tags);
	free(e->key);
	free(e);
}

static void free_list(entry *e)
{
	while (e) {
		entry *next = e->next;
		entry_free(e);
		e = next;
	}
}

static entry **bucket_of(shard *s, uint64_t hash)
{
	return &s->buckets[(hash >> 8) & s->mask];
}

static entry *find(shard *s, uint64_t hash, const char *key, size_t len)
{
	for (entry *e = *bucket_of(s, hash); e; e = e->next)
		if (e->hash == hash && e->key_len == len && memcmp(e->key, key, len) == 0)
			return e;
	return NULL;
}

static void lru_unlink(shard *s, entry *e)
{
	if (e->newer)
		e->newer->older = e->older;
	else
		s->newest = e->older;
	if (e->older)
		e->older->newer = e->newer;
	else
		s->oldest = e->newer;
	e->newer = e->older = NULL;
}

static void lru_push(shard *s, entry *e)
{
	e->older = s->newest;
	e->newer = NULL;
	if (s->newest)
		s->newest->newer = e;
	s->newest = e;
	if (!s->oldest)
		s->oldest = e;
}

/* Takes e out of the shard (the caller holds the lock) and chains it on *dead to be freed
 * after the lock is released. */
static void remove_entry(shard *s, entry *e, entry **dead)
{
	for (entry **pp = bucket_of(s, e->hash); *pp; pp = &(*pp)->next)
		if (*pp == e) {
			*pp = e->next;
			break;
		}
	lru_unlink(s, e);
	s->bytes -= e->bytes;
	s->entries--;
	e->next = *dead;
	*dead = e;
}

static shard *shard_of(nz_http_pagecache *pc, uint64_t hash)
{
	return &pc->shards[hash % SHARDS];
}

/* ---- serving ----------------------------------------------------------------------------- */

static bool not_modified(const char *inm, bool ims_ok, nz_time since, const char *etag,
			 nz_time last_modified)
{
	if (inm)
		return nz_http_etag_matches(inm, etag);
	return ims_ok && last_modified && last_modified <= since;
}

bool nz_http_pagecache_serve(nz_http_pagecache *pc, const nz_http_req *req, const char *variant,
			     nz_http_resp *resp, nz_http_pagecache_note **note_out)
{
	char key[KEY_MAX];
	size_t len = 0;
	*note_out = NULL;
	if (!pc || !candidate(req) || nz_time_now() >= atomic_load(&pc->hold_from) ||
	    !nz_http_pagecache_key(req->path, req->query, variant, key, sizeof key, &len))
		return false;
	uint64_t hash = nz_hash_bytes(key, len);
	const char *inm = nz_http_header(req, "If-None-Match");
	const char *ims = inm ? NULL : nz_http_header(req, "If-Modified-Since");
	nz_time since = 0;
	bool ims_ok = ims && nz_time_parse_http(nz_str_c(ims), &since) == NZ_OK;
	const char *accept_encoding = nz_http_header(req, "Accept-Encoding");
	int64_t now = now_ms();
	entry *dead = NULL;
	nz_http_prebuilt *p = NULL;
	shard *s = shard_of(pc, hash);

	/* Accept-Encoding is read once, outside the lock: the coding this client prefers of all
	 * we make; an entry that kept it answers with it, one that tried it and found it not worth
	 * keeping (a small page) answers with the best of what it has. */
	nz_coding wants =
	    nz_http_coding_pick(accept_encoding, (1u << NZ_CODING_GZIP) | (1u << NZ_CODING_BR));
	pthread_mutex_lock(&s->lock);
	entry *e = find(s, hash, key, len);
	if (e && e->expires_ms && e->expires_ms <= now) {
		remove_entry(s, e, &dead);
		e = NULL;
	}
	if (e && !(e->tried & (1u << wants)))
		e = NULL; /* made again below, then kept with this coding too (insert) */
	if (e) {
		unsigned available = (e->ok[NZ_CODING_GZIP] ? 1u << NZ_CODING_GZIP : 0) |
				     (e->ok[NZ_CODING_BR] ? 1u << NZ_CODING_BR : 0);
		nz_coding v =
		    e->ok[wants] ? wants : nz_http_coding_pick(accept_encoding, available);
		p = not_modified(inm, ims_ok, since, e->etag[v], e->last_modified) ? e->nm[v]
										   : e->ok[v];
		nz_http_prebuilt_ref(p);
		lru_unlink(s, e);
		lru_push(s, e);
	}
	uint64_t generation = atomic_load(&pc->generation);
	pthread_mutex_unlock(&s->lock);
	free_list(dead);
	if (p) {
		atomic_fetch_add_explicit(&pc->hits, 1, memory_order_relaxed);
		resp->prebuilt = p;
		return true;
	}
	atomic_fetch_add_explicit(&pc->misses, 1, memory_order_relaxed);
	nz_http_pagecache_note *note = nz_arena_zalloc(req->arena, sizeof *note);
	char *k = nz_arena_strndup(req->arena, key, len);
	if (note && k) {
		*note = (nz_http_pagecache_note){.generation = generation,
						 .coding = wants,
						 .hash = hash,
						 .key = k,
						 .key_len = len};
		*note_out = note;
	}
	return false;
}

void nz_http_pagecache_keep(nz_http_pagecache *pc, nz_http_pagecache_note *note,
			    const nz_http_req *req, const nz_http_resp *resp)
{
	if (!pc || !note || (resp->status ? resp->status : 200) != 200 ||
	    nz_buf_rc(&resp->body) != NZ_OK)
		return;
	const void *body = resp->body.len ? resp->body.p : resp->static_body;
	size_t len = resp->body.len ? resp->body.len : resp->static_len;
	if (len > pc->entry_max)
		return;
	if (resp->body.len) { /* cache.c's step may replace the body: keep a copy */
		char *copy = nz_arena_alloc(req->arena, len);
		if (!copy)
			return;
		memcpy(copy, body, len);
		body = copy;
	}
	note->raw = *resp;
	nz_buf_init(&note->raw.body, 0);
	note->raw.prebuilt = NULL;
	note->raw_body = body ? body : "";
	note->raw_len = body ? len : 0;
	note->kept = true;
}

/* ---- storing ----------------------------------------------------------------------------- */

/* r without the header called name. */
static void header_drop(nz_http_resp *r, const char *name)
{
	size_t o = 0;
	for (size_t i = 0; i < r->n_headers; i++)
		if (strcasecmp(r->header_names[i], name) != 0) {
			r->header_names[o] = r->header_names[i];
			r->header_values[o++] = r->header_values[i];
		}
	r->n_headers = o;
}

/* Makes variant v (an nz_coding) of the kept answer as cache.c would send it, and its
 * 200 and 304 responses. NZ_NOTFOUND when there is no such variant (not public, or not worth
 * compressing). */
static nz_rc make_variant(const nz_http_pagecache_note *note, const nz_http_req *req,
			  const nz_http_cache_info *info, entry *e, nz_coding v, size_t *bytes)
{
	nz_http_resp x = note->raw;
	x.static_body = note->raw_body;
	x.static_len = note->raw_len;
	nz_http_cache_req r = {.method = "GET",
			       .now = nz_time_now(),
			       .accept_encoding = v ? nz_coding_token(v) : NULL};
	nz_rc rc = nz_http_cache_apply(&r, info, &x, req->arena);
	const char *etag = nz_http_resp_header_get(&x, "ETag");
	if (rc == NZ_OK && (!etag || (v && !nz_http_resp_header_get(&x, "Content-Encoding"))))
		rc = NZ_NOTFOUND;
	if (rc == NZ_OK && nz_http_resp_header(&x, "X-Cache", "HIT") != NZ_OK)
		rc = NZ_NOMEM;
	const void *body = x.body.len ? x.body.p : x.static_body;
	size_t len = x.body.len ? x.body.len : x.static_len;
	if (rc == NZ_OK)
		rc = nz_http_prebuilt_new(&x, body, len, &e->ok[v]);
	if (rc == NZ_OK) {
		nz_http_resp h = x;
		h.status = 304;
		h.content_type = NULL;
		header_drop(&h, "Content-Encoding");
		rc = nz_http_prebuilt_new(&h, "", 0, &e->nm[v]);
		snprintf(e->etag[v], sizeof e->etag[v], "%s", etag);
		size_t n = len;
		for (size_t i = 0; i < x.n_headers; i++)
			n += 2 * (strlen(x.header_names[i]) + strlen(x.header_values[i]) +
				  HEADER_OVERHEAD);
		e->coding_bytes[v] = n;
		*bytes += n;
	}
	if (rc == NZ_OK || rc == NZ_NOTFOUND)
		e->tried |= 1u << v;
	nz_buf_free(&x.body);
	return rc;
}

/* Hashes of the space-separated Surrogate-Keys. */
static nz_rc make_tags(entry *e, const nz_http_cache_info *ci)
{
	size_t n = 0;
	const char *p = ci->keys ? ci->keys : "";
	for (const char *q = p; *q; q++)
		n += *q == ' ';
	e->tags = malloc((n + 1) * sizeof *e->tags);
	if (!e->tags)
		return NZ_NOMEM;
	while (*p) {
		size_t l = strcspn(p, " ");
		if (l)
			e->tags[e->n_tags++] = nz_hash_bytes(p, l);
		p += l + (p[l] == ' ');
	}
	return NZ_OK;
}

static entry *build_entry(nz_http_pagecache *pc, const nz_http_pagecache_note *note,
			  const nz_http_req *req, const nz_http_cache_info *info)
{
	entry *e = calloc(1, sizeof *e);
	size_t bytes = ENTRY_OVERHEAD + 2 * note->key_len;
	if (!e || !(e->key = malloc(note->key_len + 1)) || make_tags(e, info) != NZ_OK ||
	    make_variant(note, req, info, e, NZ_CODING_IDENTITY, &bytes) != NZ_OK)
		goto fail;
	if (note->coding != NZ_CODING_IDENTITY) {
		nz_rc rc = make_variant(note, req, info, e, note->coding, &bytes);
		if (rc != NZ_OK && rc != NZ_NOTFOUND)
			goto fail;
	}
	memcpy(e->key, note->key, note->key_len + 1);
	e->key_len = note->key_len;
	e->hash = note->hash;
	nz_time now = nz_time_now();
	e->last_modified = info->last_modified > now ? now : info->last_modified;
	e->expires_ms = pc->ttl_ms ? now_ms() + pc->ttl_ms : 0;
	e->bytes = bytes + e->n_tags * sizeof *e->tags;
	if (e->bytes > pc->entry_max)
		goto fail;
	return e;
fail:
	entry_free(e);
	return NULL;
}

/* Gives e the codings old has and e has not tried, when both hold the same bytes (the same
 * identity ETag); old (about to be dropped, under the shard lock) keeps none of them. */
static void adopt_codings(entry *e, entry *old)
{
	if (strcmp(e->etag[NZ_CODING_IDENTITY], old->etag[NZ_CODING_IDENTITY]) != 0)
		return;
	for (nz_coding v = NZ_CODING_GZIP; v <= NZ_CODING_BR; v++) {
		if ((e->tried & (1u << v)) || !(old->tried & (1u << v)))
			continue;
		e->ok[v] = old->ok[v];
		e->nm[v] = old->nm[v];
		memcpy(e->etag[v], old->etag[v], sizeof e->etag[v]);
		e->coding_bytes[v] = old->coding_bytes[v];
		e->bytes += old->coding_bytes[v];
		e->tried |= 1u << v;
		old->ok[v] = old->nm[v] = NULL;
	}
}

/* Puts e in its shard unless an invalidation came after the lookup; evicts to fit. */
static void insert(nz_http_pagecache *pc, entry *e, uint64_t generation)
{
	entry *dead = NULL;
	shard *s = shard_of(pc, e->hash);
	pthread_mutex_lock(&s->lock);
	if (atomic_load(&pc->generation) != generation) {
		e->next = dead;
		dead = e;
		goto out;
	}
	entry *old = find(s, e->hash, e->key, e->key_len);
	if (old) {
		adopt_codings(e, old);
		remove_entry(s, old, &dead);
	}
	e->next = *bucket_of(s, e->hash);
	*bucket_of(s, e->hash) = e;
	lru_push(s, e);
	s->bytes += e->bytes;
	s->entries++;
	atomic_fetch_add_explicit(&pc->stores, 1, memory_order_relaxed);
	while (s->bytes > pc->shard_limit && s->oldest) {
		remove_entry(s, s->oldest, &dead);
		atomic_fetch_add_explicit(&pc->evictions, 1, memory_order_relaxed);
	}
out:
	pthread_mutex_unlock(&s->lock);
	free_list(dead);
}

void nz_http_pagecache_store(nz_http_pagecache *pc, const nz_http_pagecache_note *note,
			     const nz_http_req *req, nz_http_resp *resp,
			     const nz_http_cache_info *info)
{
	if (!pc || !note)
		return;
	nz_http_resp_header(resp, "X-Cache", "MISS");
	if (!note->kept || !nz_http_resp_header_get(resp, "ETag"))
		return; /* cache.c did not call it public */
	entry *e = build_entry(pc, note, req, info);
	if (e)
		insert(pc, e, note->generation);
}

/* ---- invalidation ------------------------------------------------------------------------ */

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

static bool tagged(const entry *e, const uint64_t *set, size_t n)
{
	for (size_t i = 0; i < e->n_tags; i++)
		if (bsearch(&e->tags[i], set, n, sizeof *set, cmp_u64))
			return true;
	return false;
}

/* Drops every entry (set NULL) or those with a tag in set. */
static size_t drop(nz_http_pagecache *pc, const uint64_t *set, size_t n)
{
	size_t dropped = 0;
	atomic_fetch_add(&pc->generation, 1); /* before: renders under way are not stored */
	for (int i = 0; i < SHARDS; i++) {
		shard *s = &pc->shards[i];
		entry *dead = NULL;
		pthread_mutex_lock(&s->lock);
		for (entry *e = s->oldest, *newer; e; e = newer) {
			newer = e->newer;
			if (!set || tagged(e, set, n)) {
				remove_entry(s, e, &dead);
				dropped++;
			}
		}
		pthread_mutex_unlock(&s->lock);
		free_list(dead);
	}
	atomic_fetch_add_explicit(&pc->invalidations, dropped, memory_order_relaxed);
	return dropped;
}

size_t nz_http_pagecache_invalidate(nz_http_pagecache *pc, const char *const *keys, size_t n)
{
	if (!pc || n == 0)
		return 0;
	uint64_t *set = n > DROP_ALL_OVER ? NULL : malloc(n * sizeof *set);
	if (!set)
		return drop(pc, NULL, 0); /* everything (also when out of memory) */
	for (size_t i = 0; i < n; i++)
		set[i] = nz_hash_bytes(keys[i], strlen(keys[i]));
	qsort(set, n, sizeof *set, cmp_u64);
	for (size_t i = 0; i < pc->n_clear_keys; i++)
		if (bsearch(&pc->clear_keys[i], set, n, sizeof *set, cmp_u64)) {
			free(set);
			return drop(pc, NULL, 0);
		}
	size_t dropped = drop(pc, set, n);
	free(set);
	return dropped;
}

size_t nz_http_pagecache_clear(nz_http_pagecache *pc)
{
	return pc ? drop(pc, NULL, 0) : 0;
}

void nz_http_pagecache_hold_from(nz_http_pagecache *pc, nz_time at)
{
	if (pc)
		atomic_store(&pc->hold_from, at);
}

/* ---- life cycle and statistics ------------------------------------------------------------ */

/* Hashes of opts->clear_keys. */
static nz_rc set_clear_keys(nz_http_pagecache *pc, const char *const *keys)
{
	size_t n = 0;
	while (keys && keys[n])
		n++;
	if (n == 0)
		return NZ_OK;
	pc->clear_keys = malloc(n * sizeof *pc->clear_keys);
	if (!pc->clear_keys)
		return NZ_NOMEM;
	for (size_t i = 0; i < n; i++)
		pc->clear_keys[i] = nz_hash_bytes(keys[i], strlen(keys[i]));
	pc->n_clear_keys = n;
	return NZ_OK;
}

nz_rc nz_http_pagecache_new(const nz_http_pagecache_opts *opts, nz_http_pagecache **out,
			    nz_err *err)
{
	*out = NULL;
	if (opts->limit_bytes == 0)
		return NZ_OK;
	nz_http_pagecache *pc = calloc(1, sizeof *pc);
	if (!pc || set_clear_keys(pc, opts->clear_keys) != NZ_OK) {
		nz_http_pagecache_free(pc);
		return nz_err_set(err, NZ_NOMEM, "page cache: out of memory");
	}
	pc->limit = opts->limit_bytes;
	pc->shard_limit = pc->limit / SHARDS;
	pc->entry_max = pc->shard_limit / 4;
	pc->ttl_ms = (int64_t)opts->ttl_s * 1000;
	atomic_init(&pc->hold_from, INT64_MAX); /* until the application says otherwise */
	size_t buckets = 64;
	while (buckets * BYTES_PER_BUCKET < pc->shard_limit && buckets < (1u << 20))
		buckets *= 2;
	for (int i = 0; i < SHARDS; i++) {
		shard *s = &pc->shards[i];
		pthread_mutex_init(&s->lock, NULL);
		s->mask = buckets - 1;
		s->buckets = calloc(buckets, sizeof *s->buckets);
		if (!s->buckets) {
			nz_http_pagecache_free(pc);
			return nz_err_set(err, NZ_NOMEM, "page cache: out of memory");
		}
	}
	*out = pc;
	return NZ_OK;
}

void nz_http_pagecache_free(nz_http_pagecache *pc)
{
	if (!pc)
		return;
	for (int i = 0; i < SHARDS; i++) {
		shard *s = &pc->shards[i];
		for (entry *e = s->oldest, *newer; e; e = newer) {
			newer = e->newer;
			entry_free(e);
		}
		free(s->buckets);
		pthread_mutex_destroy(&s->lock);
	}
	free(pc->clear_keys);
	free(pc);
}

void nz_http_pagecache_stats_get(nz_http_pagecache *pc, nz_http_pagecache_stats *out)
{
	*out = (nz_http_pagecache_stats){0};
	if (!pc)
		return;
	out->hits = atomic_load(&pc->hits);
	out->misses = atomic_load(&pc->misses);
	out->evictions = atomic_load(&pc->evictions);
	out->invalidations = atomic_load(&pc->invalidations);
	out->stores = atomic_load(&pc->stores);
	out->limit = pc->limit;
	for (int i = 0; i < SHARDS; i++) {
		shard *s = &pc->shards[i];
		pthread_mutex_lock(&s->lock);
		out->bytes += s->bytes;
		out->entries += s->entries;
		pthread_mutex_unlock(&s->lock);
	}
}
