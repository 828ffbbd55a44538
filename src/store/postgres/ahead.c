/*
 * ahead.c: answers read ahead with the site's settings (the sections, the static pages), kept
 * for the calls that follow on the same arena, and only for those (postgres_int.h's rules).
 */
#include <time.h>

#include "store/postgres/postgres_int.h"

static int64_t mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void nz__pg_ahead_drop(nz__pg *h)
{
	for (size_t i = 0; i < sizeof(h->ahead) / sizeof(h->ahead[0]); i++) {
		PQclear(h->ahead[i]);
		h->ahead[i] = NULL;
	}
	h->ahead_arena = NULL;
}

void nz__pg_ahead_keep(nz__pg *h, nz__pg_ahead_part part, PGresult *res, const nz_arena *arena)
{
	PQclear(h->ahead[part]);
	h->ahead[part] = res;
	h->ahead_arena = arena;
	h->ahead_used = nz_arena_used(arena);
	h->ahead_ms = mono_ms();
}

PGresult *nz__pg_ahead_take(nz__pg *h, nz__pg_ahead_part part, const nz_arena *arena)
{
	PGresult *res = h->ahead[part];
	if (!res)
		return NULL;
	if (arena != h->ahead_arena || nz_arena_used(arena) != h->ahead_used ||
	    mono_ms() - h->ahead_ms > NZ__PG_AHEAD_MS) {
		nz__pg_ahead_drop(h); /* another request's, or too old: read it again */
		return NULL;
	}
	h->ahead[part] = NULL;
	return res;
}

void nz__pg_ahead_used(nz__pg *h, const nz_arena *arena)
{
	if (arena == h->ahead_arena)
		h->ahead_used = nz_arena_used(arena);
}
