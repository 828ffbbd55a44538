/* Tests src/store/postgres/schema_feed.c: the same writes, made on a fresh SQLite database and
 * on a fresh PostgreSQL one, add the same change-feed keys after every statement and enqueue
 * the same webhook and purge deliveries, payloads byte for byte. SQLite's own triggers are the
 * reference; its full-text triggers are dropped first (they need Newszone's tokenizer, and
 * the PostgreSQL search rows are written by the store, not by triggers). The keys are compared
 * as the feed is read, as a set: SQLite sets an article's listed_at by updating the row it has
 * just written (PostgreSQL in a BEFORE trigger), which names the same keys a second time. */
#include <sqlite3.h>

#include "store/postgres/pg_test.h"

/* Publishing a translation: its own keys, its section, its tag, and its group's other article. */
static const char publish_2[] =
    "UPDATE articles SET status = 'published', published_at = 8 WHERE id = 2";
static const char publish_2_keys[] = "article-1\narticle-2\nfront\nsection-2\ntag-1\n";

/* Every trigger of the change feed and the outbox, each way it can fire or stay quiet. */
static const char *const script[] = {
    "INSERT INTO sections(id, slug, name) VALUES (1, 'defense', 'Defense')",
    "INSERT INTO sections(id, slug, name) VALUES (2, 'world', 'World')",
    "INSERT INTO authors(id, slug, display_name) VALUES (1, 'kim', 'Kim'), (2, 'lee', 'Lee')",
    "INSERT INTO tags(id, slug, name) VALUES (1, 'navy', 'Navy'), (2, 'army', 'Army')",
    "INSERT INTO users(id, login, password_hash, role, created_at)"
    " VALUES (1, 'ed', 'h', 'editor', 0)",
    "INSERT INTO articles(id, uuid, slug, language, section_id, status, headline, published_at,"
    " updated_at, created_at) VALUES (1, 'u1', 'a1', 'en', 1, 'published', 'H', 5, 5, 5)",
    "INSERT INTO articles(id, uuid, slug, language, section_id, headline, updated_at,"
    " created_at, translation_group) VALUES (2, 'u2', 'a2', 'ko', 2, 'H2', 6, 6, 1)",
    "INSERT INTO article_tags(article_id, tag_id, position) VALUES (1, 1, 0)",
    "INSERT INTO article_tags(article_id, tag_id, position) VALUES (2, 1, 0)",
    "INSERT INTO article_authors(article_id, author_id, position) VALUES (1, 1, 0), (1, 2, 1)",
    "UPDATE article_tags SET tag_id = 2 WHERE article_id = 1",
    "UPDATE article_authors SET position = 5 WHERE article_id = 1 AND author_id = 2",
    "INSERT INTO corrections(id, article_id, text, created_at) VALUES (1, 1, 'Fixed.', 7)",
    "UPDATE corrections SET text = 'Fixed!'",
    publish_2,
    "UPDATE articles SET status = status WHERE id = 1",
    "UPDATE articles SET section_id = 2 WHERE id = 1",
    /* a live update moves the story in the lists (listed_at): their keys; its edit does not */
    "INSERT INTO live_coverage(article_id, started_at) VALUES (1, 9)",
    "INSERT INTO live_updates(id, article_id, body_markdown, revision, created_at, updated_at)"
    " VALUES (1, 1, 'Now.', 1, 9, 9)",
    "UPDATE live_updates SET body_markdown = 'Now!' WHERE id = 1",
    "DELETE FROM live_updates WHERE id = 1",
    "INSERT INTO media(id, caption, created_at) VALUES (1, 'Ships', 0), (2, 'Tanks', 0)",
    "INSERT INTO article_media(article_id, media_id, position) VALUES (1, 1, 0), (2, 2, 0)",
    "UPDATE media SET caption = 'Ships at sea' WHERE id = 1",
    "UPDATE article_media SET media_id = 2 WHERE article_id = 1",
    "DELETE FROM article_media WHERE article_id = 2",
    "INSERT INTO import_notes(article_id, position, text) VALUES (1, 0, 'Photo: file')",
    "DELETE FROM import_notes",
    "UPDATE tags SET name = 'Navy' WHERE id = 1",
    "UPDATE tags SET name = 'The army' WHERE id = 2",
    "UPDATE authors SET bio = 'Covers the navy.' WHERE id = 1",
    "UPDATE authors SET slug = 'kim' WHERE id = 1",
    "UPDATE sections SET name = 'Defence' WHERE id = 1",
    "UPDATE sections SET name = 'Defence' WHERE id = 1",
    "INSERT INTO settings(key, value) VALUES ('site_name', 'Daily')",
    "UPDATE settings SET value = 'Daily' WHERE key = 'site_name'",
    "UPDATE settings SET value = 'Weekly' WHERE key = 'site_name'",
    "DELETE FROM settings WHERE key = 'site_name'",
    "INSERT INTO webhooks(id, url, secret, events, created_at)"
    " VALUES (1, 'HTTPS://hooks.example/1', 's', 'article.published,article.updated', 0),"
    " (2, 'http://hooks.example/2', 's', 'article.corrected', 0),"
    " (3, 'http://hooks.example/3', 's', 'article.published', 0)",
    "UPDATE webhooks SET active = 0 WHERE id = 3",
    "INSERT INTO audit_log(id, at, user_id, action, article_id)"
    " VALUES (1, 100, 1, 'article.published', 1)",
    "INSERT INTO settings(key, value) VALUES ('purge_url', 'http://cdn.example/purge')",
    "INSERT INTO audit_log(id, at, action, article_id) VALUES (2, 101, 'article.corrected', 1)",
    "INSERT INTO audit_log(id, at, action, article_id) VALUES (3, 102, 'article.embargoed', 2)",
    "INSERT INTO audit_log(id, at, action) VALUES (4, 103, 'article.published')",
    "INSERT INTO audit_log(id, at, action, article_id) VALUES (5, 104, 'user.added', 1)",
    "DELETE FROM article_tags WHERE article_id = 2",
    "DELETE FROM articles WHERE id = 2",
    "DELETE FROM tags WHERE id = 1",
    "UPDATE articles SET status = 'retracted' WHERE id = 1",
    "UPDATE articles SET status = 'draft' WHERE id = 1",
    "UPDATE articles SET headline = 'Quiet' WHERE id = 1",
    "DELETE FROM article_tags",
    "DELETE FROM article_authors WHERE author_id = 2",
    "DELETE FROM authors WHERE id = 2",
    "DELETE FROM sections WHERE id = 1",
};

static const char deliveries_sql[] =
    "SELECT id, webhook_id, event, article_id, audit_id, revision, payload, status, attempts,"
    " next_attempt_ms, created_at FROM webhook_deliveries ORDER BY id";

typedef struct sides {
	pg_fixture *pg;
	char dir[32];
	char path[64];
	sqlite3 *sq;
} sides;

static void sq_lines(sqlite3 *db, const char *sql, char *out, size_t size)
{
	sqlite3_stmt *st = NULL;
	size_t len = 0;
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		fail_msg("sqlite: %s: %s", sql, sqlite3_errmsg(db));
	out[0] = '\0';
	while (sqlite3_step(st) == SQLITE_ROW)
		for (int i = 0; i < sqlite3_column_count(st); i++) {
			const char *v = (const char *)sqlite3_column_text(st, i);
			len += (size_t)snprintf(out + len, len < size ? size - len : 0, "%s%s",
						v ? v : "-",
						i + 1 < sqlite3_column_count(st) ? "|" : "\n");
		}
	sqlite3_finalize(st);
	if (len >= size)
		fail_msg("sq_lines(%s): more than %zu bytes", sql, size);
}

/* A migrated SQLite file without its full-text triggers, and a migrated PostgreSQL database. */
static int sides_setup(void **state)
{
	sides *s = calloc(1, sizeof(*s));

	if (!s || pg_fixture_setup((void **)&s->pg))
		return -1;
	PQfinish(pg_open_migrated(s->pg));
	sqlite_reference(s->dir, s->path);
	if (sqlite3_open(s->path, &s->sq) != SQLITE_OK ||
	    sqlite3_exec(s->sq,
			 "PRAGMA foreign_keys = ON;"
			 "DROP TRIGGER articles_fts_insert; DROP TRIGGER articles_fts_unindex;"
			 "DROP TRIGGER articles_fts_reindex; DROP TRIGGER articles_fts_delete;",
			 NULL, NULL, NULL) != SQLITE_OK) {
		fprintf(stderr, "setup: %s\n", sqlite3_errmsg(s->sq));
		return -1;
	}
	*state = s;
	return 0;
}

static int sides_teardown(void **state)
{
	sides *s = *state;
	sqlite3_close(s->sq);
	sqlite_reference_remove(s->dir, s->path);
	void *pg = s->pg;
	free(s);
	return pg_fixture_teardown(&pg);
}

static void test_same_change_keys_as_sqlite_after_every_statement(void **state)
{
	sides *s = *state;
	char sql[128], want[1024], got[1024];
	int64_t seen_sq = 0, seen_pg = 0, with_keys = 0;

	for (size_t i = 0; i < sizeof(script) / sizeof(script[0]); i++) {
		if (sqlite3_exec(s->sq, script[i], NULL, NULL, NULL) != SQLITE_OK)
			fail_msg("sqlite: %s: %s", script[i], sqlite3_errmsg(s->sq));
		pg_ok(s->pg->conn, script[i]);
		snprintf(sql, sizeof(sql),
			 "SELECT DISTINCT key FROM changes WHERE seq > %lld ORDER BY key",
			 (long long)seen_sq);
		sq_lines(s->sq, sql, want, sizeof(want));
		snprintf(sql, sizeof(sql),
			 "SELECT DISTINCT key FROM changes WHERE seq > %lld ORDER BY key",
			 (long long)seen_pg);
		pg_lines(s->pg->conn, sql, got, sizeof(got));
		if (strcmp(want, got) != 0)
			fail_msg("after %s\nSQLite added:\n%sPostgreSQL added:\n%s", script[i],
				 want, got);
		with_keys += *got != '\0';
		if (script[i] == publish_2) /* the reference itself, spelled out once */
			assert_string_equal(got, publish_2_keys);
		sq_lines(s->sq, "SELECT COALESCE(max(seq), 0) FROM changes", sql, sizeof(sql));
		seen_sq = strtoll(sql, NULL, 10);
		seen_pg = pg_int(s->pg->conn, "SELECT COALESCE(max(seq), 0) FROM changes");
	}
	assert_true(with_keys >= 30); /* most statements name something; some must not */
	assert_true(with_keys < (int64_t)(sizeof(script) / sizeof(script[0])));
}

static void test_same_deliveries_as_sqlite(void **state)
{
	sides *s = *state;
	char want[4096], got[4096];

	for (size_t i = 0; i < sizeof(script) / sizeof(script[0]); i++) {
		if (sqlite3_exec(s->sq, script[i], NULL, NULL, NULL) != SQLITE_OK)
			fail_msg("sqlite: %s: %s", script[i], sqlite3_errmsg(s->sq));
		pg_ok(s->pg->conn, script[i]);
	}
	sq_lines(s->sq, deliveries_sql, want, sizeof(want));
	pg_lines(s->pg->conn, deliveries_sql, got, sizeof(got));
	assert_string_equal(got, want);
	pg_lines(s->pg->conn,
		 "SELECT payload FROM webhook_deliveries WHERE audit_id = 2 AND webhook_id IS NULL",
		 got, sizeof(got));
	assert_string_equal(got, "{\"event\":\"article.corrected\",\"article_id\":1,\"keys\":"
				 "[\"article-1\",\"section-2\",\"tag-2\",\"author-1\",\"author-2\","
				 "\"corrections\",\"front\"]}\n");
}

int main(void)
{
	if (pg_test_require_server("store/postgres/schema_feed"))
		return 1;
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_same_change_keys_as_sqlite_after_every_statement,
					    sides_setup, sides_teardown),
	    cmocka_unit_test_setup_teardown(test_same_deliveries_as_sqlite, sides_setup,
					    sides_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
