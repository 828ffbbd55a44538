/*
 * feed_memo.c: the feed items' text made once per build (render.h, nz_feed_memo). A static
 * export writes every list's feed in three formats and each edition, and an article is on
 * several lists (its section's, its tags', its authors', the site's): its entry's HTML (the
 * Markdown body made into HTML) and summary are the same bytes in each, so the first feed that
 * makes them keeps a copy and the others copy it.
 *
 * What is kept is keyed by the article's id, the entry's language and the piece; it is only
 * asked for entries that depend on nothing else (feed.c leaves live stories, corrections and
 * retracted articles out). A build makes a list's feeds one after another (three formats, then
 * each edition's), so a small memo catches most repeats: when a text would take it past
 * max_bytes, it forgets everything and starts again.
 *
 * Rules: thread-safe (one lock around the table); a text is copied out under the lock, so
 * forgetting never pulls bytes from under a reader.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "render/render_int.h"

typedef struct memo_entry {
	int64_t id; /* 0: an empty slot */
	int piece;
	const char *lang;
	const char *text;
	size_t len;
} memo_entry;

struct nz_feed_memo {
	pthread_mutex_t lock;
	nz_arena *arena; /* keys' languages and texts */
	memo_entry *slots;
	size_t cap, n, bytes, max_bytes;
};

nz_feed_memo *nz_feed_memo_new(size_t max_bytes)
{
	nz_feed_memo *m = calloc(1, sizeof *m);
	if (!m || !(m->arena = nz_arena_new())) {
		free(m);
		return NULL;
	}
	pthread_mutex_init(&m->lock, NULL);
	m->max_bytes = max_bytes;
	return m;
}

void nz_feed_memo_free(nz_feed_memo *m)
{
	if (!m)
		return;
	nz_arena_free(m->arena);
	free(m->slots);
	pthread_mutex_destroy(&m->lock);
	free(m);
}

size_t nz_feed_memo_bytes(nz_feed_memo *m)
{
	pthread_mutex_lock(&m->lock);
	size_t n = m->bytes;
	pthread_mutex_unlock(&m->lock);
	return n;
}

static size_t slot_of(const memo_entry *slots, size_t cap, int64_t id, int piece, const char *lang)
{
	uint64_t h = ((uint64_t)id * 4 + (uint64_t)piece) * 0x9E3779B97F4A7C15ull;
	for (const char *p = lang; *p; p++)
		h = (h ^ (unsigned char)*p) * 0x100000001B3ull;
	size_t i = (size_t)(h >> 17) & (cap - 1);
	while (slots[i].id &&
	       (slots[i].id != id || slots[i].piece != piece || strcmp(slots[i].lang, lang) != 0))
		i = (i + 1) & (cap - 1);
	return i;
}

/* Doubles the table (at most half full after). False when out of memory. */
static bool grow(nz_feed_memo *m)
{
	size_t cap = m->cap ? 2 * m->cap : 1024;
	memo_entry *slots = calloc(cap, sizeof *slots);
	if (!slots)
		return false;
	for (size_t i = 0; i < m->cap; i++)
		if (m->slots[i].id)
			slots[slot_of(slots, cap, m->slots[i].id, m->slots[i].piece,
				      m->slots[i].lang)] = m->slots[i];
	free(m->slots);
	m->slots = slots;
	m->cap = cap;
	return true;
}

bool nz__feed_memo_get(nz_feed_memo *m, int64_t id, int piece, const char *lang, nz_buf *out)
{
	bool found = false;
	pthread_mutex_lock(&m->lock);
	if (m->cap) {
		const memo_entry *e = &m->slots[slot_of(m->slots, m->cap, id, piece, lang)];
		found = e->id != 0 && nz_buf_append(out, e->text, e->len) == NZ_OK;
	}
	pthread_mutex_unlock(&m->lock);
	return found;
}

/* Forgets every text (the memo is full). */
static void forget(nz_feed_memo *m)
{
	nz_arena *fresh = nz_arena_new();
	if (!fresh)
		return;
	nz_arena_free(m->arena);
	m->arena = fresh;
	memset(m->slots, 0, m->cap * sizeof *m->slots);
	m->n = 0;
	m->bytes = 0;
}

void nz__feed_memo_put(nz_feed_memo *m, int64_t id, int piece, const char *lang, const char *text,
		       size_t len)
{
	pthread_mutex_lock(&m->lock);
	if (len > m->max_bytes)
		goto out;
	if (m->bytes + len > m->max_bytes)
		forget(m);
	if (m->bytes + len > m->max_bytes || ((m->n + 1) * 2 > m->cap && !grow(m)))
		goto out;
	memo_entry *e = &m->slots[slot_of(m->slots, m->cap, id, piece, lang)];
	if (e->id) /* another thread made it first: the same bytes */
		goto out;
	char *copy = nz_arena_alloc(m->arena, len + 1);
	const char *l = nz_arena_strdup(m->arena, lang);
	if (!copy || !l)
		goto out;
	memcpy(copy, text, len);
	copy[len] = '\0';
	*e = (memo_entry){.id = id, .piece = piece, .lang = l, .text = copy, .len = len};
	m->n++;
	m->bytes += len;
out:
	pthread_mutex_unlock(&m->lock);
}
