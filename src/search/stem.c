/*
 * search/stem.c: a light English stemmer, so that a word and its inflections meet in the index:
 * plurals and third persons (-s, -es, -ies, -oes), past forms (-ed, -ied, -eed), -ing, and a
 * final silent e ("exercise", "exercises", "exercised", "exercising" all give "exercis").
 *
 * It is not Porter's full algorithm: it leaves derivational suffixes (-ly, -ness, -ation)
 * alone, because over-stemming merges words readers keep apart ("new" and "news",
 * "general" and "generate"). What matters is that it is the same function at index and query
 * time; stems need not be words.
 *
 * Rules: only lower-case ASCII words; shortens in place; never makes a word longer than it was
 * by more than the 'e'/'y' it restores.
 */
#include <string.h>

#include "search/search.h"

/* Words whose final -s is not an inflection. */
static const char *const keep_s[] = {
    "always", "news",    "series", "species",  "perhaps",  "whereas", "yes",    "this",   "thus",
    "gas",    "bias",    "canvas", "chaos",    "lens",     "atlas",   "alias",  "was",    "has",
    "does",   "various", "famous", "serious",  "previous", "campus",  "virus",  "status", "bonus",
    "census", "crisis",  "basis",  "analysis", "thesis",   "texas",   "kansas",
};

static bool ends(const char *w, size_t len, const char *suffix)
{
	size_t n = strlen(suffix);
	return len >= n && memcmp(w + len - n, suffix, n) == 0;
}

static bool is_vowel(char c)
{
	return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u' || c == 'y';
}

static bool has_vowel(const char *w, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (is_vowel(w[i]) && !(i == 0 && w[i] == 'y'))
			return true;
	return false;
}

static bool in_list(const char *w, size_t len, const char *const *list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (strlen(list[i]) == len && memcmp(list[i], w, len) == 0)
			return true;
	return false;
}

/* -s, -es, -ies, -oes, -sses. */
static void plural(char *w, size_t *len)
{
	size_t n = *len;
	if (n < 3 || w[n - 1] != 's' || in_list(w, n, keep_s, sizeof keep_s / sizeof keep_s[0]))
		return;
	if (ends(w, n, "sses")) {
		*len = n - 2;
	} else if (ends(w, n, "ies")) {
		/* "policies" → "policy", but "ties" → "tie" */
		if (n >= 5) {
			w[n - 3] = 'y';
			*len = n - 2;
		} else {
			*len = n - 1;
		}
	} else if (ends(w, n, "oes") && n >= 5) {
		*len = n - 2; /* "heroes" → "hero", "does" is kept above */
	} else if (n >= 4 && w[n - 2] != 's' && w[n - 2] != 'u' && w[n - 2] != 'i') {
		*len = n - 1; /* "drills" → "drill"; "bus", "class", "analysis" kept */
	}
}

/* After removing -ed or -ing: "planned" → "plan", "used" → "use". */
static void tidy(char *w, size_t *len)
{
	size_t n = *len;
	char c = w[n - 1];
	if (n >= 3 && c == w[n - 2] && !is_vowel(c) && c != 'l' && c != 's' && c != 'z')
		*len = n - 1;
	else if (n == 2 && is_vowel(w[0]) && !is_vowel(w[1]))
		w[(*len)++] = 'e'; /* "us"+"ed": the removed 'e' comes back, as in "use" */
}

/* -eed, -ied, -ed, -ing. */
static void past(char *w, size_t *len)
{
	size_t n = *len;
	if (ends(w, n, "eed")) {
		if (n >= 6)
			*len = n - 1; /* "agreed" → "agree"; "need", "speed" kept */
	} else if (ends(w, n, "ied")) {
		if (n >= 5) {
			w[n - 3] = 'y'; /* "studied" → "study"; "died" → "die" */
			*len = n - 2;
		} else {
			*len = n - 1;
		}
	} else if (ends(w, n, "ed") && n >= 4 && has_vowel(w, n - 2)) {
		*len = n - 2;
		tidy(w, len);
	} else if (ends(w, n, "ing") && n >= 5 && has_vowel(w, n - 3)) {
		*len = n - 3;
		if (ends(w, *len, "y") || ends(w, *len, "i"))
			return; /* "studying" → "study" */
		tidy(w, len);
	}
}

void nz_search_stem(char *word, size_t *len)
{
	for (size_t i = 0; i < *len; i++)
		if (word[i] < 'a' || word[i] > 'z')
			return;
	if (*len <= 3)
		return;
	plural(word, len);
	past(word, len);
	/* A silent final e: "exercise" and "exercis(ing)" meet; "the", "use" are kept. */
	if (*len >= 4 && word[*len - 1] == 'e' && word[*len - 2] != 'e')
		(*len)--;
}
