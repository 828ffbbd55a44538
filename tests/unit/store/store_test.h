/*
 * store_test.h: what the store's unit tests share: a fresh SQLite database in a mkdtemp folder
 * per test, an arena, a sample article shaped like the reference page (Korean byline, highlights,
 * a photo caption without a photo, import notes), and a row counter that reads the file through
 * sqlite3 directly, behind the store's back, to see what really got written.
 *
 * The tests in tests/unit/store/ (not sqlite/) are the store's contract: they use the public
 * nz_store_* functions, and look behind the store only through db_int, db_exec and count_rows
 * with plain SQL, so another backend runs the same files by giving the fixture its own open
 * and those three helpers. tests/unit/store/sqlite/ tests what only SQLite has.
 */
#ifndef NZ_TEST_STORE_H
#define NZ_TEST_STORE_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "store/store.h"

typedef struct fixture {
	char dir[64];
	char path[128];
	nz_store *store;
	nz_arena *arena;
	nz_err err;
} fixture;

/* A fresh folder and an open, migrated store in it. */
static inline int fixture_setup(void **state)
{
	fixture *f = calloc(1, sizeof(*f));
	if (!f)
		return -1;
	snprintf(f->dir, sizeof(f->dir), "/tmp/nz-store-XXXXXX");
	if (!mkdtemp(f->dir))
		return -1;
	snprintf(f->path, sizeof(f->path), "%s/news.db", f->dir);
	f->arena = nz_arena_new();
	if (!f->arena || nz_store_open(f->path, NZ_STORE_CREATE, &f->store, &f->err) != NZ_OK) {
		fprintf(stderr, "setup: %s\n", f->err.msg);
		return -1;
	}
	*state = f;
	return 0;
}

static inline void fixture_remove_files(const fixture *f)
{
	static const char *const suffixes[] = {"", "-wal", "-shm", "-journal"};
	char p[160];
	for (size_t i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++) {
		snprintf(p, sizeof(p), "%s%s", f->path, suffixes[i]);
		unlink(p);
	}
	rmdir(f->dir);
}

static inline int fixture_teardown(void **state)
{
	fixture *f = *state;
	nz_store_close(f->store);
	nz_arena_free(f->arena);
	fixture_remove_files(f);
	free(f);
	return 0;
}

/* Runs a query returning one integer on the database file, through a separate connection. */
static inline int64_t db_int(const fixture *f, const char *sql)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	int64_t v = -1;
	if (sqlite3_open_v2(f->path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
	    sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	else
		fprintf(stderr, "db_int(%s): %s\n", sql, sqlite3_errmsg(db));
	sqlite3_finalize(st);
	sqlite3_close(db);
	return v;
}

/* Runs SQL that changes the file (to simulate other programs); returns SQLITE_OK or the error. */
static inline int db_exec(const fixture *f, const char *sql)
{
	sqlite3 *db = NULL;
	int rc = sqlite3_open_v2(f->path, &db, SQLITE_OPEN_READWRITE, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_exec(db, sql, NULL, NULL, NULL);
	sqlite3_close(db);
	return rc;
}

static inline int64_t count_rows(const fixture *f, const char *table)
{
	char sql[128];
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM %s", table);
	return db_int(f, sql);
}

/* An article like the reference page, allocated in arena: a Korean byline (family name first),
 * a western co-author, highlights, a caption without a photo, import notes. */
static inline nz_article *sample_article(nz_arena *arena, const char *slug, const char *headline)
{
	nz_article *a = nz_arena_zalloc(arena, sizeof(*a));
	nz_section *sec = nz_arena_zalloc(arena, sizeof(*sec));
	nz_author *au = nz_arena_zalloc(arena, 2 * sizeof(*au));
	nz_tag *tags = nz_arena_zalloc(arena, 2 * sizeof(*tags));
	nz_media *m = nz_arena_zalloc(arena, sizeof(*m));
	const char **hl = nz_arena_zalloc(arena, 2 * sizeof(*hl));
	const char **notes = nz_arena_zalloc(arena, 2 * sizeof(*notes));

	sec->slug = "defense";
	sec->name = "Defense";
	au[0] = (nz_author){.slug = "maeng-su-yeol",
			    .display_name = "Maeng Su-Yeol",
			    .family_name = "Maeng",
			    .given_name = "Su-Yeol",
			    .order = NZ_NAME_EASTERN};
	au[1] = (nz_author){.slug = "jane-doe",
			    .display_name = "Jane Doe",
			    .family_name = "Doe",
			    .given_name = "Jane",
			    .email = "jane@example.org",
			    .bio = "Covers naval affairs."};
	tags[0] = (nz_tag){.slug = "navy", .name = "Navy"};
	tags[1] = (nz_tag){.slug = "busan", .name = "Busan"};
	m->caption = "Sailors stand on deck at the naval base in Busan, June 4.";
	m->credit = "Newszone";
	hl[0] = "The two navies agreed to train together";
	hl[1] = "한국어 요점: 합동 훈련";
	notes[0] = "Photo: file";
	notes[1] = "Reporter's note 국방";

	a->slug = slug;
	a->language = "en";
	a->status = NZ_STATUS_PUBLISHED;
	a->section = sec;
	a->headline = headline;
	a->highlights_intro = "During the meeting:";
	a->highlights = hl;
	a->n_highlights = 2;
	a->dateline = "BUSAN, June 4";
	a->body_markdown = "The navies met in Busan.\n\n국방부는 밝혔다.";
	a->copyright = "<Copyright (c) Newszone Daily, All rights reserved>";
	a->authors = au;
	a->n_authors = 2;
	a->tags = tags;
	a->n_tags = 2;
	a->media = m;
	a->n_media = 1;
	a->import_notes = notes;
	a->n_import_notes = 2;
	a->created_at = 1780000000;
	a->updated_at = 1780000100;
	a->published_at = 1780000050;
	return a;
}

/* A minimal article with the given status and publication time. */
static inline nz_article *small_article(nz_arena *arena, const char *slug, nz_status status,
					nz_time published_at)
{
	nz_article *a = nz_arena_zalloc(arena, sizeof(*a));
	a->slug = slug;
	a->headline = nz_arena_printf(arena, "Headline of %s", slug ? slug : "untitled");
	a->language = "en";
	a->status = status;
	a->body_markdown = "Body.";
	a->published_at = published_at;
	a->created_at = published_at ? published_at : 1700000000;
	a->updated_at = a->created_at;
	return a;
}

#endif
