/*
 * core/grow: the one way an array grows (NZ_GROW, NZ_ARENA_GROW in core.h). Capacity doubles
 * from a small start, so n appends cost O(n) copies in all; sizes are checked for overflow
 * before anything is allocated.
 *
 * Rules: on failure nothing changes, so the caller still owns (and frees) the old array.
 */
#include <stdlib.h>
#include <string.h>

#include "core/core.h"

#define GROW_MIN 8 /* elements in a first allocation */

nz_rc nz_grow(void *ptr, size_t *cap, size_t need, size_t size, nz_arena *arena)
{
	void *old, *grown;
	size_t ncap = *cap ? *cap : GROW_MIN;

	if (need <= *cap)
		return NZ_OK;
	if (size == 0 || need > SIZE_MAX / size)
		return NZ_NOMEM;
	while (ncap < need)
		ncap = ncap > SIZE_MAX / 2 ? need : ncap * 2;
	if (ncap > SIZE_MAX / size)
		ncap = need;
	/* ptr is the address of a typed pointer (T **): read and write it as bytes. */
	memcpy(&old, ptr, sizeof old);
	if (arena) {
		grown = nz_arena_alloc(arena, ncap * size);
		if (grown && old && *cap)
			memcpy(grown, old, *cap * size);
	} else {
		grown = realloc(old, ncap * size);
	}
	if (!grown)
		return NZ_NOMEM;
	memcpy(ptr, &grown, sizeof grown);
	*cap = ncap;
	return NZ_OK;
}
