/*
 * search_terms.c: what both backends' searches share: the order of a window's candidates, and
 * an article's terms for related articles, counted and weighed the same way on every backend
 * (each backend then looks up how rare they are in its own index).
 *
 * Rules: pure functions of the article; everything in the caller's arena.
 */
#include <stdlib.h>
#include <string.h>

#include "search/search.h"
#include "store/store_int.h"

static uint64_t hash_term(const char *p, size_t len)
{
	return nz_hash_bytes(p, len);
}

static bool table_grow(nz__store_terms *t)
{
	size_t ncap = t->cap ? t->cap * 2 : 256;
	nz__store_term *slots = nz_arena_zalloc(t->arena, ncap * sizeof(*slots));
	if (!slots)
		return false;
	for (size_t i = 0; i < t->cap; i++) {
		if (!t->slots[i].term)
			continue;
		size_t k = hash_term(t->slots[i].term, t->slots[i].len) & (ncap - 1);
		while (slots[k].term)
			k = (k + 1) & (ncap - 1);
		slots[k] = t->slots[i];
	}
	t->slots = slots;
	t->cap = ncap;
	return true;
}

/* Whether a term can tell articles apart: not a number, not a short Latin word. */
static bool worth_counting(const char *term, size_t len)
{
	bool digits = true;
	for (size_t i = 0; i < len; i++)
		digits &= term[i] >= '0' && term[i] <= '9';
	if (digits)
		return false;
	return (unsigned char)term[0] >= 0x80 || len >= 3;
}

static int count_term(void *ctx, const char *term, size_t len, size_t start, size_t end)
{
	(void)start;
	(void)end;
	nz__store_terms *t = ctx;
	if (!worth_counting(term, len))
		return 0;
	if ((t->n + 1) * 2 > t->cap && !table_grow(t)) {
		t->nomem = true;
		return 1;
	}
	size_t k = hash_term(term, len) & (t->cap - 1);
	while (t->slots[k].term &&
	       (t->slots[k].len != len || memcmp(t->slots[k].term, term, len) != 0))
		k = (k + 1) & (t->cap - 1);
	if (!t->slots[k].term) {
		if (!(t->slots[k].term = nz_arena_strndup(t->arena, term, len))) {
			t->nomem = true;
			return 1;
		}
		t->slots[k].len = len;
		t->n++;
	}
	t->slots[k].tf += t->weight;
	return 0;
}

static void count_text(nz__store_terms *t, const char *text, double weight)
{
	t->weight = weight;
	if (text && !t->nomem)
		nz_search_tokenize(text, strlen(text), count_term, t);
}

/* Ties go by the term's bytes, so that which terms are kept never depends on the hash. */
static int by_term(const nz__store_term *x, const nz__store_term *y)
{
	int c = memcmp(x->term, y->term, x->len < y->len ? x->len : y->len);
	return c ? c : (x->len > y->len) - (x->len < y->len);
}

static int by_tf(const void *a, const void *b)
{
	const nz__store_term *x = a, *y = b;
	return x->tf < y->tf ? 1 : x->tf > y->tf ? -1 : by_term(x, y);
}

int nz__store_by_weight(const void *a, const void *b)
{
	const nz__store_term *x = a, *y = b;
	return x->weight < y->weight ? 1 : x->weight > y->weight ? -1 : by_term(x, y);
}

/* The article's terms, most frequent first, packed at the start of the table's slots. */
nz_rc nz__store_article_terms(nz_arena *arena, const nz_article *a, nz__store_terms *t)
{
	memset(t, 0, sizeof(*t));
	t->arena = arena;
	count_text(t, a->headline, 3.0);
	count_text(t, a->highlights_intro, 2.0);
	for (size_t i = 0; i < a->n_highlights; i++)
		count_text(t, a->highlights[i], 2.0);
	count_text(t, a->body_markdown, 1.0);
	if (t->nomem)
		return NZ_NOMEM;
	size_t n = 0;
	for (size_t i = 0; i < t->cap; i++)
		if (t->slots[i].term)
			t->slots[n++] = t->slots[i];
	t->n = n;
	if (n)
		qsort(t->slots, n, sizeof(*t->slots), by_tf);
	return NZ_OK;
}

/* English words too common to tell articles apart (their document frequency is not even looked
 * up: counting it costs the most for the commonest words). */
bool nz__store_stop_word(const char *term, size_t len)
{
	static const char *const words[] = {
	    "the",   "and",   "for",  "that",  "with", "was",  "from",  "its",   "will",
	    "has",   "have",  "are",  "were",  "this", "said", "their", "which", "but",
	    "not",   "they",  "his",  "her",   "she",  "had",  "been",  "who",   "also",
	    "would", "there", "than", "other", "more", "when", "after", "about", "into",
	    "over",  "some",  "what", "them",  "our",  "out",  "one",   "all",
	};
	for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
		if (strlen(words[i]) == len && memcmp(words[i], term, len) == 0)
			return true;
	return false;
}

int nz__store_by_score(const void *a, const void *b)
{
	const nz__store_candidate *x = a, *y = b;
	if (x->score != y->score)
		return x->score < y->score ? -1 : 1;
	if (x->published_at != y->published_at)
		return x->published_at > y->published_at ? -1 : 1;
	return x->id > y->id ? -1 : x->id < y->id;
}

int nz__store_by_time(const void *a, const void *b)
{
	const nz__store_candidate *x = a, *y = b;
	if (x->published_at != y->published_at)
		return x->published_at > y->published_at ? -1 : 1;
	return x->id > y->id ? -1 : x->id < y->id;
}
