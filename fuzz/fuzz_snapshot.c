/*
 * fuzz_snapshot: libFuzzer over the store's revision snapshot reader (store/snapshot_parse.c),
 * which turns the JSON kept with every revision back into an article for diffs and restores,
 * and over the reader of the highlights column (nz__store_json_strings_parse). The input is
 * the JSON text. Checks that a refusal says why, and that an accepted snapshot survives a round
 * trip: written again by nz__store_snapshot and read back, it is written the same way twice.
 *
 *   make build-fuzz/fuzz_snapshot && build-fuzz/fuzz_snapshot fuzz/corpus/fuzz_snapshot
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "store/store_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Writes a as a snapshot, reads it back into b and writes that; the two texts must match. */
static void round_trip(nz_arena *arena, const nz_article *a)
{
	char *first = NULL, *second = NULL;
	nz_article b;
	nz_err err = {0};
	if (nz__store_snapshot(a, &first, &err) != NZ_OK)
		goto out;
	if (nz__store_snapshot_parse(arena, first, &b, &err) != NZ_OK)
		__builtin_trap(); /* we cannot read what we wrote */
	if (nz__store_snapshot(&b, &second, &err) != NZ_OK || strcmp(first, second) != 0)
		__builtin_trap();
out:
	free(first);
	free(second);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *json = malloc(size + 1);
	nz_arena *arena = nz_arena_new();
	nz_article a;
	nz_err err = {0};
	const char **strings = NULL;
	size_t n = 0;
	if (!json || !arena)
		goto out;
	memcpy(json, data, size);
	json[size] = '\0';

	nz_rc rc = nz__store_snapshot_parse(arena, json, &a, &err);
	if (rc != NZ_OK && (err.rc != rc || !err.msg[0]))
		__builtin_trap();
	if (rc == NZ_OK)
		round_trip(arena, &a);

	err = (nz_err){0};
	rc = nz__store_json_strings_parse(arena, json, &strings, &n, &err);
	if (rc != NZ_OK && (err.rc != rc || !err.msg[0]))
		__builtin_trap();
	for (size_t i = 0; rc == NZ_OK && i < n; i++)
		if (!strings || !strings[i])
			__builtin_trap();
out:
	nz_arena_free(arena);
	free(json);
	return 0;
}
