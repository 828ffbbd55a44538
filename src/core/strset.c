/*
 * core/strset: a set of byte strings, open addressing with linear probing, kept at most half
 * full. The slots are malloc'd; the strings are copied into the set's own arena, so a set frees
 * in two calls however many strings it holds.
 *
 * Rules: not thread-safe; a failed add leaves the set as it was.
 */
#include <stdlib.h>
#include <string.h>

#include "core/core.h"

#define STRSET_MIN 16 /* slots in a first table; a power of two */

struct nz__strset_slot {
	const char *s; /* NULL: empty */
	size_t len;
	uint64_t hash;
};

/* The slot holding s, or the empty slot where it would go; the table has an empty slot. */
static struct nz__strset_slot *find(struct nz__strset_slot *slots, size_t cap, const char *s,
				    size_t len, uint64_t h)
{
	size_t i = (size_t)h & (cap - 1);
	while (slots[i].s &&
	       (slots[i].hash != h || slots[i].len != len || memcmp(slots[i].s, s, len) != 0))
		i = (i + 1) & (cap - 1);
	return &slots[i];
}

bool nz_strset_has(const nz_strset *set, const char *s, size_t len)
{
	if (!set || !set->cap)
		return false;
	if (!s)
		s = "";
	return find(set->slots, set->cap, s, len, nz_hash_bytes(s, len))->s != NULL;
}

/* Doubles the table (or makes the first one). */
static nz_rc rehash(nz_strset *set)
{
	size_t cap = set->cap ? set->cap * 2 : STRSET_MIN;
	struct nz__strset_slot *slots;

	if (cap > SIZE_MAX / sizeof *slots || !(slots = calloc(cap, sizeof *slots)))
		return NZ_NOMEM;
	for (size_t i = 0; i < set->cap; i++) {
		const struct nz__strset_slot *o = &set->slots[i];
		if (o->s)
			*find(slots, cap, o->s, o->len, o->hash) = *o;
	}
	free(set->slots);
	set->slots = slots;
	set->cap = cap;
	return NZ_OK;
}

nz_rc nz_strset_add(nz_strset *set, const char *s, size_t len, bool *added)
{
	struct nz__strset_slot *slot;
	char *copy;
	uint64_t h;

	if (!s)
		s = "";
	h = nz_hash_bytes(s, len);
	if (added)
		*added = false;
	if (set->cap && find(set->slots, set->cap, s, len, h)->s)
		return NZ_OK;
	if ((set->n + 1) * 2 > set->cap && rehash(set) != NZ_OK)
		return NZ_NOMEM;
	if (!set->arena && !(set->arena = nz_arena_new()))
		return NZ_NOMEM;
	if (!(copy = nz_arena_strndup(set->arena, s, len)))
		return NZ_NOMEM;
	slot = find(set->slots, set->cap, s, len, h);
	*slot = (struct nz__strset_slot){copy, len, h};
	set->n++;
	if (added)
		*added = true;
	return NZ_OK;
}

void nz_strset_free(nz_strset *set)
{
	if (!set)
		return;
	free(set->slots);
	nz_arena_free(set->arena);
	*set = (nz_strset)NZ_STRSET_INIT;
}
