/*
 * import_int.h: what app/'s one-file import (import.c) and batch import (import_batch.c)
 * share. Only those two include this.
 */
#ifndef NZ_APP_IMPORT_INT_H
#define NZ_APP_IMPORT_INT_H

#include "app/app.h"

/* Joins a to the translation group of the article its translation_of names; when there is no
 * such article the slug stays among the import notes (in arena), so nothing in the file is
 * lost. */
nz_rc nz__app_join_translation(nz_store *s, nz_arena *arena, nz_article *a, nz_err *err);
/* Reads a whole file (malloc'd, the caller frees it); NULL with a reason in err when it cannot
 * be imported (not a regular file, too big, unreadable). */
char *nz__app_read_file(const char *path, size_t *len, nz_err *err);

#endif
