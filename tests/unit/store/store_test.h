/*
 * store_test.h: what the store's unit tests share: a fresh store per test (store_test_open), an
 * arena, a sample article shaped like the reference page (Korean byline, highlights, a photo
 * caption without a photo, import notes), and helpers that read and write the database behind
 * the store's back (db_int, db_exec, count_rows) to see what really got written.
 *
 * The backend is a parameter: a fresh SQLite file in a mkdtemp folder by default; with
 * NZ_TEST_PG_URI set (`make test-pg` sets it), a fresh empty schema t_<pid>_<n> on that
 * PostgreSQL server, reached with the URI plus `options=-c search_path=...`, dropped at teardown.
 * f->path is what nz_store_open takes for it (the file, or that URI), so a test reopens the same
 * database with nz_store_open(f->path, ...) on both.
 *
 * The tests in tests/unit/store/ (not sqlite/, postgres/) are the store's contract: they use the
 * public nz_store_* functions, and look behind the store only through the three helpers with
 * plain SQL that both backends read alike. tests/unit/store/sqlite/ and postgres/ test what only
 * one backend has. On PostgreSQL an operation not written yet answers NZ_UNSUPPORTED, which
 * fails the assertions: `make test-pg` runs only the files listed in the Makefile's PG_CONTRACT.
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
#include <libpq-fe.h>
#include <sqlite3.h>

#include "store/store.h"

typedef struct fixture {
	char dir[64];    /* SQLite: the temporary folder */
	char path[512];  /* what nz_store_open takes: the SQLite file, or the PostgreSQL URI */
	char schema[48]; /* PostgreSQL: the fresh schema */
	nz_store *store;
	nz_arena *arena;
	nz_err err;
} fixture;

/* The PostgreSQL server to test on, or NULL for SQLite. */
static inline const char *store_test_pg(void)
{
	const char *uri = getenv("NZ_TEST_PG_URI");
	return uri && *uri ? uri : NULL;
}

static inline void store_test_pg_quiet(void *arg, const char *message)
{
	(void)arg;
	(void)message;
}

/* Runs SQL on PostgreSQL through a connection of its own; 0 or -1 (and a message). */
static inline int store_test_pg_exec(const char *conninfo, const char *sql)
{
	PGconn *c = PQconnectdb(conninfo);
	PGresult *res = NULL;
	int rc = -1;
	PQsetNoticeProcessor(c, store_test_pg_quiet, NULL);
	if (PQstatus(c) == CONNECTION_OK) {
		res = PQexec(c, sql);
		rc = PQresultStatus(res) == PGRES_COMMAND_OK ||
			     PQresultStatus(res) == PGRES_TUPLES_OK
			 ? 0
			 : -1;
	}
	if (rc)
		fprintf(stderr, "%s: %s", sql, PQerrorMessage(c));
	PQclear(res);
	PQfinish(c);
	return rc;
}

/* A fresh, empty database for f: a schema on PostgreSQL, a folder on SQLite; sets f->path. */
static inline int store_test_fresh(fixture *f)
{
	const char *pg = store_test_pg();
	if (!pg) {
		snprintf(f->dir, sizeof(f->dir), "/tmp/nz-store-XXXXXX");
		if (!mkdtemp(f->dir))
			return -1;
		snprintf(f->path, sizeof(f->path), "%s/news.db", f->dir);
		return 0;
	}
	static int n;
	char sql[96];
	snprintf(f->schema, sizeof(f->schema), "t_%d_%d", (int)getpid(), ++n);
	snprintf(sql, sizeof(sql), "CREATE SCHEMA %s", f->schema);
	bool uri = strncmp(pg, "postgres://", 11) == 0 || strncmp(pg, "postgresql://", 13) == 0;
	if (uri)
		snprintf(f->path, sizeof(f->path), "%s%coptions=-c%%20search_path%%3D%s", pg,
			 strchr(pg, '?') ? '&' : '?', f->schema);
	else
		snprintf(f->path, sizeof(f->path), "%s options='-c search_path=%s'", pg, f->schema);
	return store_test_pg_exec(pg, sql);
}

/* A fresh database opened (and migrated) into f->store with flags. */
static inline int store_test_open(fixture *f, unsigned flags)
{
	if (store_test_fresh(f) ||
	    nz_store_open(f->path, flags | NZ_STORE_CREATE, &f->store, &f->err) != NZ_OK) {
		fprintf(stderr, "setup: %s\n", f->err.msg);
		return -1;
	}
	return 0;
}

/* A fresh, open, migrated store. */
static inline int fixture_setup(void **state)
{
	fixture *f = calloc(1, sizeof(*f));
	if (!f)
		return -1;
	*state = f;
	f->arena = nz_arena_new();
	return f->arena ? store_test_open(f, 0) : -1;
}

/* Removes the database store_test_fresh made (the store closed first). */
static inline void fixture_remove_files(const fixture *f)
{
	if (f->schema[0]) {
		char sql[96];
		snprintf(sql, sizeof(sql), "DROP SCHEMA %s CASCADE", f->schema);
		store_test_pg_exec(store_test_pg(), sql);
		return;
	}
	static const char *const suffixes[] = {"", "-wal", "-shm", "-journal"};
	char p[560];
	for (size_t i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++) {
		snprintf(p, sizeof(p), "%s%s", f->path, suffixes[i]);
		unlink(p);
	}
	if (f->dir[0])
		rmdir(f->dir);
}

static inline int fixture_teardown(void **state)
{
	fixture *f = *state;
	if (!f)
		return 0;
	nz_store_close(f->store);
	nz_arena_free(f->arena);
	fixture_remove_files(f);
	free(f);
	return 0;
}

/* PostgreSQL: the first column of the first row as an integer; -1 when there is none. */
static inline int64_t store_test_pg_int(const fixture *f, const char *sql)
{
	PGconn *c = PQconnectdb(f->path);
	PGresult *res = PQexec(c, sql);
	int64_t v = -1;
	if (PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) > 0 && !PQgetisnull(res, 0, 0))
		v = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
	else
		fprintf(stderr, "db_int(%s): %s\n", sql, PQerrorMessage(c));
	PQclear(res);
	PQfinish(c);
	return v;
}

/* Runs a query returning one integer on the database, through a separate connection. */
static inline int64_t db_int(const fixture *f, const char *sql)
{
	if (f->schema[0])
		return store_test_pg_int(f, sql);
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

/* Runs SQL that changes the database (to simulate other programs); returns SQLITE_OK (0) or an
 * error. */
static inline int db_exec(const fixture *f, const char *sql)
{
	if (f->schema[0])
		return store_test_pg_exec(f->path, sql) ? SQLITE_ERROR : SQLITE_OK;
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

/* Whether the change feed names key after seq. */
static inline bool feed_names(fixture *f, int64_t seq, const char *key)
{
	const char **keys = NULL;
	size_t n = 0;
	int64_t upto = 0;
	assert_int_equal(nz_store_changes_since(f->store, f->arena, seq, &upto, &keys, &n, &f->err),
			 NZ_OK);
	for (size_t i = 0; i < n; i++)
		if (strcmp(keys[i], key) == 0)
			return true;
	return false;
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

/* The slugs of a list, space-separated (in f's arena), for one readable assertion. */
static inline const char *list_slugs(fixture *f, const nz_article_list *list)
{
	nz_buf b;
	nz_buf_init(&b, 0);
	for (size_t i = 0; i < list->n; i++)
		nz_buf_printf(&b, "%s%s", i ? " " : "", list->items[i].slug);
	const char *s = nz_arena_strdup(f->arena, nz_buf_cstr(&b));
	nz_buf_free(&b);
	return s;
}

/* A user made through the store (a fake password hash), for tests that need one. */
static inline int64_t make_user(fixture *f, const char *login, nz_role role)
{
	nz_user u = {.login = login, .role = role};
	assert_int_equal(nz_store_user_create(f->store, 0, &u, "$argon2id$fake", &f->err), NZ_OK);
	assert_true(u.id > 0);
	return u.id;
}

#endif
