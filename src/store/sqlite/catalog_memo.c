/*
 * catalog_memo.c: the ids of the sections, authors and tags a batch import has ensured already
 * (catalog.c asks before its upsert). Ensuring the same row again with the same values changes
 * nothing (the upserts only fill what is missing) and answers the same id, so a repeat is
 * answered from here: a batch of news articles names the same few sections, authors and tags
 * again and again, and each upsert was a statement with its own savepoint and triggers.
 *
 * Rules: only while a batch import runs (nz__sq_memo_start .. nz__sq_memo_stop); the key is
 * every value the upsert writes, so a different value goes to the database; any rollback in
 * the connection forgets everything (a row the memo knows may have gone with it).
 */
#include <stdlib.h>
#include <string.h>

#include "store/sqlite/sqlite_int.h"

typedef struct memo_slot {
	char *key; /* malloc'd; NULL: free slot */
	int64_t id;
} memo_slot;

struct nz__sq_memo {
	memo_slot *slots;
	size_t n, cap; /* cap a power of two, kept at most half full */
};

void nz__sq_memo_start(nz__sqlite *h)
{
	nz__sq_memo_stop(h);
	h->memo = calloc(1, sizeof *h->memo);
}

void nz__sq_memo_forget(nz__sqlite *h)
{
	struct nz__sq_memo *m = h->memo;
	if (!m)
		return;
	for (size_t i = 0; i < m->cap; i++)
		free(m->slots[i].key);
	free(m->slots);
	*m = (struct nz__sq_memo){0};
}

void nz__sq_memo_stop(nz__sqlite *h)
{
	nz__sq_memo_forget(h);
	free(h->memo);
	h->memo = NULL;
}

static memo_slot *slot_of(const struct nz__sq_memo *m, const char *key)
{
	size_t i = (size_t)nz_hash_str(key) & (m->cap - 1);
	while (m->slots[i].key && strcmp(m->slots[i].key, key) != 0)
		i = (i + 1) & (m->cap - 1);
	return &m->slots[i];
}

bool nz__sq_memo_get(const nz__sqlite *h, const char *key, int64_t *id)
{
	const struct nz__sq_memo *m = h->memo;
	if (!m || !m->cap || !key)
		return false;
	const memo_slot *s = slot_of(m, key);
	if (!s->key)
		return false;
	*id = s->id;
	return true;
}

/* Doubles the table (or makes the first); false when memory ran out. */
static bool grow(struct nz__sq_memo *m)
{
	struct nz__sq_memo bigger = {.cap = m->cap ? 2 * m->cap : 64};
	if (!(bigger.slots = calloc(bigger.cap, sizeof *bigger.slots)))
		return false;
	for (size_t i = 0; i < m->cap; i++)
		if (m->slots[i].key)
			*slot_of(&bigger, m->slots[i].key) = m->slots[i];
	bigger.n = m->n;
	free(m->slots);
	*m = bigger;
	return true;
}

void nz__sq_memo_put(nz__sqlite *h, const char *key, int64_t id)
{
	struct nz__sq_memo *m = h->memo;
	if (!m || !key || ((m->n + 1) * 2 > m->cap && !grow(m)))
		return; /* not remembered: the next ensure asks the database */
	memo_slot *s = slot_of(m, key);
	if (s->key) {
		s->id = id;
		return;
	}
	if (!(s->key = strdup(key)))
		return;
	s->id = id;
	m->n++;
}
