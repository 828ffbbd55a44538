/*
 * schema.c: the SQLite schema as an ordered list of migrations, and the code that applies them.
 *
 * Rules: a migration, once released, never changes; a new schema change is a new entry at the
 * end of `migrations`. The version lives in the schema_version table (one row per applied step).
 * Opening applies every missing step in one transaction, so a database is always at one known
 * version; a database newer than this binary is refused rather than guessed at.
 * Times are INTEGER unix seconds (NULL when unset); enumerations are TEXT with CHECKs, so the
 * file reads well in the sqlite3 shell.
 */
#include <stdio.h>

#include "store/sqlite/sqlite_int.h"

/* Version 1: the whole data model of DESIGN.md. */
static const char migration_1[] =
    "CREATE TABLE sections ("
    " id INTEGER PRIMARY KEY,"
    " slug TEXT NOT NULL UNIQUE,"
    " name TEXT NOT NULL,"
    " position INTEGER NOT NULL DEFAULT 0);"

    "CREATE TABLE authors ("
    " id INTEGER PRIMARY KEY,"
    " slug TEXT NOT NULL UNIQUE,"
    " display_name TEXT NOT NULL,"
    " family_name TEXT,"
    " given_name TEXT,"
    " name_order TEXT NOT NULL DEFAULT 'western'"
    "  CHECK (name_order IN ('western', 'eastern', 'hangul')),"
    " email TEXT,"
    " bio TEXT);"
    "CREATE INDEX authors_display_name ON authors(display_name);"

    "CREATE TABLE users ("
    " id INTEGER PRIMARY KEY,"
    " login TEXT NOT NULL UNIQUE,"
    " password_hash TEXT NOT NULL,"
    " role TEXT NOT NULL CHECK (role IN ('contributor', 'editor', 'admin')),"
    " author_id INTEGER REFERENCES authors(id),"
    " created_at INTEGER NOT NULL,"
    " disabled_at INTEGER);"

    "CREATE TABLE sessions ("
    " id TEXT PRIMARY KEY," /* hash of the session token, never the token */
    " user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
    " csrf TEXT NOT NULL,"
    " created_at INTEGER NOT NULL,"
    " expires_at INTEGER NOT NULL);"
    "CREATE INDEX sessions_user ON sessions(user_id);"
    "CREATE INDEX sessions_expires ON sessions(expires_at);"

    "CREATE TABLE api_tokens ("
    " id INTEGER PRIMARY KEY,"
    " user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
    " token_hash TEXT NOT NULL UNIQUE,"
    " name TEXT,"
    " created_at INTEGER NOT NULL,"
    " last_used_at INTEGER,"
    " revoked_at INTEGER);"
    "CREATE INDEX api_tokens_user ON api_tokens(user_id);"

    "CREATE TABLE articles ("
    " id INTEGER PRIMARY KEY,"
    " uuid TEXT NOT NULL UNIQUE,"
    " slug TEXT NOT NULL UNIQUE,"
    " language TEXT NOT NULL,"
    " section_id INTEGER REFERENCES sections(id),"
    " status TEXT NOT NULL DEFAULT 'draft'"
    "  CHECK (status IN ('draft', 'review', 'scheduled', 'published', 'retracted')),"
    " headline TEXT NOT NULL,"
    " highlights_intro TEXT,"
    " highlights TEXT NOT NULL DEFAULT '[]'," /* JSON array of strings */
    " dateline TEXT,"
    " body_markdown TEXT NOT NULL DEFAULT '',"
    " copyright TEXT,"
    " embargo_until INTEGER,"
    " publish_at INTEGER,"
    " published_at INTEGER,"
    " updated_at INTEGER NOT NULL,"
    " created_at INTEGER NOT NULL,"
    " translation_group INTEGER,"
    " revision INTEGER NOT NULL DEFAULT 1 CHECK (revision >= 1));"
    /* Public lists walk this in order and stop after a page (the WHERE matches theirs). */
    "CREATE INDEX articles_public ON articles(published_at DESC, id DESC)"
    " WHERE status IN ('published', 'retracted');"
    "CREATE INDEX articles_status ON articles(status);"
    "CREATE INDEX articles_recent ON articles(COALESCE(published_at, updated_at) DESC, id DESC);"
    "CREATE INDEX articles_section ON articles(section_id, published_at DESC, id DESC);"
    "CREATE INDEX articles_language ON articles(language, published_at DESC, id DESC);"
    "CREATE INDEX articles_publish_at ON articles(publish_at) WHERE publish_at IS NOT NULL;"
    "CREATE INDEX articles_translation ON articles(translation_group)"
    " WHERE translation_group IS NOT NULL;"

    "CREATE TABLE article_authors ("
    " article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,"
    " author_id INTEGER NOT NULL REFERENCES authors(id),"
    " position INTEGER NOT NULL,"
    " PRIMARY KEY (article_id, author_id),"
    " UNIQUE (article_id, position));"
    "CREATE INDEX article_authors_author ON article_authors(author_id, article_id);"

    "CREATE TABLE tags ("
    " id INTEGER PRIMARY KEY,"
    " slug TEXT NOT NULL UNIQUE,"
    " name TEXT NOT NULL);"
    "CREATE TABLE article_tags ("
    " article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,"
    " tag_id INTEGER NOT NULL REFERENCES tags(id),"
    " position INTEGER NOT NULL DEFAULT 0,"
    " PRIMARY KEY (article_id, tag_id));"
    "CREATE INDEX article_tags_tag ON article_tags(tag_id, article_id);"

    "CREATE TABLE blobs ("
    " hash TEXT PRIMARY KEY CHECK (length(hash) = 64)," /* hex SHA-256 of bytes */
    " mime TEXT,"
    " bytes BLOB NOT NULL,"
    " created_at INTEGER NOT NULL);"

    "CREATE TABLE media ("
    " id INTEGER PRIMARY KEY,"
    " hash TEXT REFERENCES blobs(hash)," /* NULL: a caption without a photo */
    " mime TEXT,"
    " caption TEXT,"
    " credit TEXT,"
    " alt TEXT,"
    " width INTEGER NOT NULL DEFAULT 0 CHECK (width >= 0),"
    " height INTEGER NOT NULL DEFAULT 0 CHECK (height >= 0),"
    " created_at INTEGER NOT NULL);"
    "CREATE INDEX media_hash ON media(hash) WHERE hash IS NOT NULL;"
    "CREATE TABLE article_media ("
    " article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,"
    " media_id INTEGER NOT NULL REFERENCES media(id),"
    " position INTEGER NOT NULL,"
    " PRIMARY KEY (article_id, position));"
    "CREATE INDEX article_media_media ON article_media(media_id);"

    "CREATE TABLE revisions ("
    " id INTEGER PRIMARY KEY,"
    " article_id INTEGER NOT NULL REFERENCES articles(id),"
    " revision INTEGER NOT NULL,"
    " snapshot TEXT NOT NULL," /* JSON of every field, from snapshot.c */
    " user_id INTEGER REFERENCES users(id),"
    " author_id INTEGER REFERENCES authors(id),"
    " note TEXT,"
    " created_at INTEGER NOT NULL,"
    " UNIQUE (article_id, revision));"
    "CREATE TRIGGER revisions_never_deleted BEFORE DELETE ON revisions"
    " BEGIN SELECT RAISE(ABORT, 'revisions are never deleted'); END;"
    "CREATE TRIGGER revisions_never_changed BEFORE UPDATE ON revisions"
    " BEGIN SELECT RAISE(ABORT, 'revisions are never changed'); END;"

    "CREATE TABLE corrections ("
    " id INTEGER PRIMARY KEY,"
    " article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,"
    " text TEXT NOT NULL,"
    " user_id INTEGER REFERENCES users(id),"
    " created_at INTEGER NOT NULL);"
    "CREATE INDEX corrections_article ON corrections(article_id, created_at);"

    "CREATE TABLE audit_log ("
    " id INTEGER PRIMARY KEY,"
    " at INTEGER NOT NULL,"
    " user_id INTEGER REFERENCES users(id),"
    " action TEXT NOT NULL,"
    " object_type TEXT,"
    " object_id INTEGER,"
    " detail TEXT);"
    "CREATE INDEX audit_log_at ON audit_log(at DESC, id DESC);"
    "CREATE INDEX audit_log_object ON audit_log(object_type, object_id);"

    "CREATE TABLE import_sources ("
    " id INTEGER PRIMARY KEY,"
    " article_id INTEGER NOT NULL REFERENCES articles(id),"
    " filename TEXT NOT NULL,"
    " sha256 TEXT NOT NULL UNIQUE,"
    " bytes BLOB NOT NULL," /* the original file, byte for byte */
    " created_at INTEGER NOT NULL);"
    "CREATE INDEX import_sources_article ON import_sources(article_id);"
    "CREATE TABLE import_notes ("
    " article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,"
    " position INTEGER NOT NULL,"
    " text TEXT NOT NULL,"
    " PRIMARY KEY (article_id, position));"

    "CREATE TABLE settings ("
    " key TEXT PRIMARY KEY,"
    " value TEXT NOT NULL);"

    "CREATE TABLE slug_redirects ("
    " old_slug TEXT PRIMARY KEY,"
    " article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,"
    " created_at INTEGER NOT NULL);"
    "CREATE INDEX slug_redirects_article ON slug_redirects(article_id);";

/* Reserved for the work in progress, in this order; each replaces its own text. */
static const char migration_2[] = "SELECT 1; -- back office (issue 3)";
static const char migration_3[] = "SELECT 1; -- search (issue 5)";
static const char migration_4[] = "SELECT 1; -- distribution (issue 4)";

/* Append only: migrations[i] brings the schema from version i to i + 1. */
static const char *const migrations[] = {
    migration_1,
    migration_2,
    migration_3,
    migration_4,
};

#define NZ_SCHEMA_LATEST ((int)(sizeof(migrations) / sizeof(migrations[0])))

/* One integer from a fixed query run once per open (so not worth a cache slot). */
static nz_rc query_int(nz__sqlite *h, const char *sql, int64_t *out, nz_err *err)
{
	sqlite3_stmt *st = NULL;
	int src = sqlite3_prepare_v2(h->db, sql, -1, &st, NULL);

	if (src == SQLITE_OK && (src = sqlite3_step(st)) == SQLITE_ROW) {
		*out = sqlite3_column_int64(st, 0);
		src = SQLITE_OK;
	}
	sqlite3_finalize(st);
	return src == SQLITE_OK ? NZ_OK : nz__sq_error(h, src, "database: reading the schema", err);
}

/* The applied version: 0 for an empty file; NZ_INVAL for a SQLite file of something else. */
static nz_rc current_version(nz__sqlite *h, int64_t *version, nz_err *err)
{
	int64_t has_table = 0, n_objects = 0;
	nz_rc rc;

	*version = 0;
	if ((rc = query_int(h,
			    "SELECT count(*) FROM sqlite_schema "
			    "WHERE type = 'table' AND name = 'schema_version'",
			    &has_table, err)) ||
	    (rc = query_int(h, "SELECT count(*) FROM sqlite_schema WHERE name NOT LIKE 'sqlite_%'",
			    &n_objects, err)))
		return rc;
	if (!has_table)
		return n_objects
			   ? nz_err_set(err, NZ_INVAL,
					"database: this SQLite file holds other tables and is "
					"not a Newszone database")
			   : NZ_OK;
	return query_int(h, "SELECT COALESCE(max(version), 0) FROM schema_version", version, err);
}

static nz_rc check_version(int64_t version, nz_err *err)
{
	if (version > NZ_SCHEMA_LATEST)
		return nz_err_set(err, NZ_UNSUPPORTED,
				  "database: schema version %lld is newer than this program knows "
				  "(%d); use a newer newszone",
				  (long long)version, NZ_SCHEMA_LATEST);
	return NZ_OK;
}

/* Applies steps version+1 .. latest; runs inside the caller's transaction. */
static nz_rc apply(nz__sqlite *h, int64_t version, nz_err *err)
{
	sqlite3_stmt *st = NULL;
	nz_rc rc = NZ_OK;
	int src = sqlite3_exec(h->db,
			       "CREATE TABLE IF NOT EXISTS schema_version ("
			       " version INTEGER PRIMARY KEY,"
			       " applied_at INTEGER NOT NULL)",
			       NULL, NULL, NULL);

	if (src != SQLITE_OK)
		return nz__sq_error(h, src, "database: creating schema_version", err);
	src = sqlite3_prepare_v2(h->db,
				 "INSERT INTO schema_version(version, applied_at) VALUES (?1, ?2)",
				 -1, &st, NULL);
	if (src != SQLITE_OK) {
		rc = nz__sq_error(h, src, "database: migrating", err);
		goto out;
	}
	for (int64_t v = version + 1; v <= NZ_SCHEMA_LATEST; v++) {
		char what[64];
		snprintf(what, sizeof(what), "database: migration %lld", (long long)v);
		src = sqlite3_exec(h->db, migrations[v - 1], NULL, NULL, NULL);
		if (src != SQLITE_OK) {
			rc = nz__sq_error(h, src, what, err);
			goto out;
		}
		sqlite3_reset(st);
		sqlite3_bind_int64(st, 1, v);
		sqlite3_bind_int64(st, 2, nz_time_now());
		if ((src = sqlite3_step(st)) != SQLITE_DONE) {
			rc = nz__sq_error(h, src, what, err);
			goto out;
		}
	}
out:
	sqlite3_finalize(st);
	return rc;
}

nz_rc nz__sq_migrate(nz__sqlite *h, nz_err *err)
{
	int64_t version = 0;
	nz_rc rc;

	if ((rc = current_version(h, &version, err)) || (rc = check_version(version, err)))
		return rc;
	if (version < NZ_SCHEMA_LATEST && (h->base.flags & NZ_STORE_READONLY))
		return nz_err_set(
		    err, NZ_PERM,
		    "database: schema version %lld needs migrating to %d; open it once "
		    "without read-only",
		    (long long)version, NZ_SCHEMA_LATEST);
	if (version < NZ_SCHEMA_LATEST) {
		if ((rc = nz__sq_begin(h, err)))
			return rc;
		/* Read again under the write lock: another process may have migrated meanwhile. */
		if (!(rc = current_version(h, &version, err)) &&
		    !(rc = check_version(version, err)))
			rc = apply(h, version, err);
		if ((rc = nz__sq_end(h, rc, err)))
			return rc;
	}
	h->base.schema_version = NZ_SCHEMA_LATEST;
	return NZ_OK;
}
