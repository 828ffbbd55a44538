/*
 * search/stem.c: the English stemmer, so that a word and its inflections meet in the index:
 * Snowball's English ("Porter2") algorithm from libstemmer (Debian's libstemmer-dev), the stemmer
 * Xapian and Lucene use, then two corrections of our own for the misses readers notice:
 * - a final double consonant is made single on every stem, not only after a removed suffix,
 *   so "add", "added" and "adding" meet (Porter2 gives "add" and "ad");
 * - irregular forms the algorithm cannot know ("goes" → "go", "does" → "do").
 *
 * What matters is that it is the same function at index and query time; stems need not be
 * words. Changing what it gives changes the index: such a change comes with a migration that
 * marks the index stale (docs/search.md, "Changing the tokenizer").
 *
 * Rules: only lower-case ASCII words are stemmed (words of three letters are only undoubled);
 * a stem is never longer than its word. libstemmer's stemmers are not thread-safe: each thread has
 * its own, with its cache of stems, made on first use and freed when the thread ends.
 */
#include <libstemmer.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "search/search.h"

/* Each thread's stemmer and a cache of the stems it made: news text repeats its words, and a hit
 * (~30 ns) is far cheaper than the algorithm (~0.5 µs). Direct-mapped by a hash of the word;
 * words longer than CACHE_WORD are stemmed every time. */
#define CACHE_SLOTS 4096
#define CACHE_WORD 22

typedef struct {
	uint8_t len, stem_len; /* len 0: empty */
	char word[CACHE_WORD], stem[CACHE_WORD];
} cache_slot;

typedef struct {
	struct sb_stemmer *stemmer;
	cache_slot slots[CACHE_SLOTS];
} per_thread;

/* This thread's state once made, without the look-ups of pthread_once and pthread_getspecific
 * on each word; the key remains what frees it when the thread ends. */
static _Thread_local per_thread *mine;
static pthread_key_t thread_key;
static pthread_once_t thread_once = PTHREAD_ONCE_INIT;

static void per_thread_free(void *p)
{
	per_thread *t = p;
	sb_stemmer_delete(t->stemmer);
	free(t);
	mine = NULL; /* the destructor runs on the thread that ends */
}

static void thread_key_make(void)
{
	(void)pthread_key_create(&thread_key, per_thread_free);
}

/* This thread's state; NULL when out of memory (words are then left as they are). */
static per_thread *this_thread(void)
{
	if (mine)
		return mine;
	(void)pthread_once(&thread_once, thread_key_make);
	per_thread *t = pthread_getspecific(thread_key);
	if (t)
		return mine = t;
	if (!(t = calloc(1, sizeof(*t))) || !(t->stemmer = sb_stemmer_new("english", "UTF_8")) ||
	    pthread_setspecific(thread_key, t) != 0) {
		if (t)
			sb_stemmer_delete(t->stemmer);
		free(t);
		return NULL;
	}
	return mine = t;
}

static cache_slot *slot_of(per_thread *t, const char *word, size_t len)
{
	uint32_t h = 2166136261u; /* FNV-1a */
	for (size_t i = 0; i < len; i++)
		h = (h ^ (unsigned char)word[i]) * 16777619u;
	return &t->slots[h & (CACHE_SLOTS - 1)];
}

/* Irregular forms: the word, then the stem it must share. */
static const char *const irregular[][2] = {
    {"goes", "go"},
    {"does", "do"},
};

/* "add" → "ad", as Porter2 makes "added": a final double b, d, f, g, m, n, p, r or t. A stem
 * of two letters only from dd and gg ("add", "odd", "egg"): "off" and "inn" must not become
 * "of" and "in". */
static void undouble(char *word, size_t *len)
{
	char c = word[*len - 1];
	if (*len >= 3 && c == word[*len - 2] && strchr("bdfgmnprt", c) &&
	    (*len >= 4 || c == 'd' || c == 'g'))
		(*len)--;
}

void nz_search_stem(char *word, size_t *len)
{
	for (size_t i = 0; i < *len; i++)
		if (word[i] < 'a' || word[i] > 'z')
			return;
	if (*len <= 3) {
		undouble(word, len);
		return;
	}
	for (size_t i = 0; i < sizeof irregular / sizeof irregular[0]; i++)
		if (strlen(irregular[i][0]) == *len && memcmp(irregular[i][0], word, *len) == 0) {
			*len = strlen(irregular[i][1]);
			memcpy(word, irregular[i][1], *len);
			return;
		}
	per_thread *t = this_thread();
	if (!t)
		return;
	cache_slot *c = *len <= CACHE_WORD ? slot_of(t, word, *len) : NULL;
	if (c && c->len == *len && memcmp(c->word, word, *len) == 0) {
		memcpy(word, c->stem, c->stem_len);
		*len = c->stem_len;
		return;
	}
	const sb_symbol *stem = sb_stemmer_stem(t->stemmer, (const sb_symbol *)word, (int)*len);
	int n = stem ? sb_stemmer_length(t->stemmer) : 0;
	if (n <= 0 || (size_t)n > *len)
		return;
	if (c) {
		c->len = (uint8_t)*len;
		memcpy(c->word, word, *len);
	}
	memcpy(word, stem, (size_t)n);
	*len = (size_t)n;
	undouble(word, len);
	if (c) {
		c->stem_len = (uint8_t)*len;
		memcpy(c->stem, word, *len);
	}
}
