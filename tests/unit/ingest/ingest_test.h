/*
 * ingest_test.h: what the ingest module's unit tests share: one arena for the whole group (made in
 * setup, freed in teardown), a reader for the files in tests/fixtures/import (found through
 * $NZ_SRCDIR, else from the repository root), and a check for an import note.
 */
#ifndef NZ_TEST_INGEST_H
#define NZ_TEST_INGEST_H

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ingest/ingest.h"

static nz_arena *arena;

/* Reads tests/fixtures/import/<name> into a static buffer (up to 64 KiB), which the next call
 * overwrites; fails the test when the file cannot be opened. */
static inline char *read_fixture(const char *name, size_t *len)
{
	const char *src = getenv("NZ_SRCDIR");
	char path[1024];
	static char data[64 * 1024];

	snprintf(path, sizeof path, "%s%stests/fixtures/import/%s", src ? src : "", src ? "/" : "",
		 name);
	FILE *f = fopen(path, "rb");
	if (f == NULL)
		fail_msg("cannot open fixture %s (run from the repository root or set NZ_SRCDIR)",
			 path);
	*len = fread(data, 1, sizeof data, f);
	fclose(f);
	return data;
}

static inline bool has_note(const nz_article *a, const char *note)
{
	for (size_t i = 0; i < a->n_import_notes; i++)
		if (strcmp(a->import_notes[i], note) == 0)
			return true;
	return false;
}

static inline int setup(void **state)
{
	(void)state;
	arena = nz_arena_new();
	return arena ? 0 : -1;
}

static inline int teardown(void **state)
{
	(void)state;
	nz_arena_free(arena);
	return 0;
}

#endif
