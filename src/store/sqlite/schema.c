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
/* Version 2: the back office: who created an article, audit rows tied to articles
 * (distribution's webhooks read them by article), failed sign-ins for throttling. */
static const char migration_2[] =
    "ALTER TABLE articles ADD COLUMN created_by INTEGER REFERENCES users(id);"
    "CREATE INDEX articles_created_by ON articles(created_by, updated_at DESC);"
    "CREATE INDEX articles_updated ON articles(updated_at DESC, id DESC);"
    "ALTER TABLE audit_log ADD COLUMN article_id INTEGER;"
    "CREATE INDEX audit_log_article ON audit_log(article_id, id) WHERE article_id IS NOT NULL;"
    "CREATE INDEX audit_log_action ON audit_log(action, id);"
    "CREATE TABLE login_failures ("
    " id INTEGER PRIMARY KEY,"
    " login TEXT NOT NULL,"
    " address TEXT NOT NULL,"
    " user_id INTEGER REFERENCES users(id) ON DELETE SET NULL,"
    " at INTEGER NOT NULL);"
    "CREATE INDEX login_failures_login ON login_failures(login, at);"
    "CREATE INDEX login_failures_address ON login_failures(address, at);";
/* Version 3, search: the full-text index. articles_search_text is what gets indexed
 * (headline; highlights intro and items, one per line; body); articles_fts indexes it with the
 * "newszone" tokenizer (search/, registered on every connection by search_fts.c) and reads the
 * text back from it for snippets (external content: no second copy of the text). The triggers
 * keep the index in step with every write to articles, in the writer's transaction; a change
 * of status or embargo touches no indexed column, since public-ness is decided at query time.
 * The highlights' JSON array ('["a","b"]', snapshot.c's compact form) is turned into lines with
 * replace(): FTS5 reads external content without virtual tables, so json_each cannot be used. */
static const char migration_3[] =
    "CREATE VIEW articles_search_text(id, headline, highlights, body) AS"
    " SELECT id, headline,"
    "  trim(COALESCE(highlights_intro, '') || char(10) ||"
    "   CASE WHEN length(highlights) > 4 THEN replace(replace(replace("
    "    substr(highlights, 3, length(highlights) - 4), '\",\"', char(10)),"
    "    '\\\"', '\"'), '\\\\', '\\') ELSE '' END, char(10)),"
    "  body_markdown"
    " FROM articles;"
    "CREATE VIRTUAL TABLE articles_fts USING fts5(headline, highlights, body,"
    " content = 'articles_search_text', content_rowid = 'id', tokenize = 'newszone');"
    "CREATE VIRTUAL TABLE articles_fts_vocab USING fts5vocab(articles_fts, 'row');"
    /* What a search filters on, so a match is checked without reading the article's row (whose
     * long body would be read too): search.c names it with INDEXED BY. */
    "CREATE INDEX articles_search_filter ON articles(id, status, published_at, embargo_until,"
    " language, section_id);"
    "CREATE TRIGGER articles_fts_insert AFTER INSERT ON articles BEGIN"
    " INSERT INTO articles_fts(rowid, headline, highlights, body)"
    "  SELECT id, headline, highlights, body FROM articles_search_text WHERE id = NEW.id;"
    " END;"
    /* BEFORE: the view still shows the old text, which is what FTS5 must be told to remove. */
    "CREATE TRIGGER articles_fts_unindex BEFORE UPDATE OF id, headline, highlights_intro,"
    " highlights, body_markdown ON articles BEGIN"
    " INSERT INTO articles_fts(articles_fts, rowid, headline, highlights, body)"
    "  SELECT 'delete', id, headline, highlights, body FROM articles_search_text"
    "  WHERE id = OLD.id;"
    " END;"
    "CREATE TRIGGER articles_fts_reindex AFTER UPDATE OF id, headline, highlights_intro,"
    " highlights, body_markdown ON articles BEGIN"
    " INSERT INTO articles_fts(rowid, headline, highlights, body)"
    "  SELECT id, headline, highlights, body FROM articles_search_text WHERE id = NEW.id;"
    " END;"
    "CREATE TRIGGER articles_fts_delete BEFORE DELETE ON articles BEGIN"
    " INSERT INTO articles_fts(articles_fts, rowid, headline, highlights, body)"
    "  SELECT 'delete', id, headline, highlights, body FROM articles_search_text"
    "  WHERE id = OLD.id;"
    " END;"
    "INSERT INTO articles_fts(articles_fts) VALUES ('rebuild');";
/* Version 4, distribution: webhooks and the purge hook, an outbox in the database.
 * The triggers enqueue in the transaction that writes the audit row, so a change and its
 * deliveries commit together, whoever makes the change. next_attempt_ms is unix MILLIseconds
 * (back-off can be shorter than a second in tests); the other times are seconds. */
static const char migration_4[] =
    "CREATE TABLE webhooks ("
    " id INTEGER PRIMARY KEY,"
    " url TEXT NOT NULL CHECK (url LIKE 'http://%' OR url LIKE 'https://%'),"
    " secret TEXT NOT NULL,"
    " events TEXT NOT NULL," /* comma list without spaces: "article.published,article.updated" */
    " active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),"
    " created_at INTEGER NOT NULL);"

    "CREATE TABLE webhook_deliveries ("
    " id INTEGER PRIMARY KEY,"
    " webhook_id INTEGER REFERENCES webhooks(id) ON DELETE CASCADE," /* NULL: the purge hook */
    " event TEXT NOT NULL,"
    " article_id INTEGER,"
    " audit_id INTEGER,"
    " revision INTEGER," /* the article's revision when the event happened */
    " payload TEXT,"     /* the exact body sent; NULL until the first attempt builds it */
    " status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed')),"
    " attempts INTEGER NOT NULL DEFAULT 0,"
    " next_attempt_ms INTEGER NOT NULL,"
    " last_status INTEGER," /* HTTP status of the last attempt; NULL when there was no answer */
    " last_error TEXT,"
    " created_at INTEGER NOT NULL,"
    " delivered_at INTEGER);"
    "CREATE INDEX webhook_deliveries_due ON webhook_deliveries(next_attempt_ms)"
    " WHERE status = 'pending';"
    "CREATE INDEX webhook_deliveries_hook ON webhook_deliveries(webhook_id, id DESC);"

    "CREATE TABLE webhook_attempts ("
    " id INTEGER PRIMARY KEY,"
    " delivery_id INTEGER NOT NULL REFERENCES webhook_deliveries(id) ON DELETE CASCADE,"
    " at_ms INTEGER NOT NULL,"
    " http_status INTEGER,"
    " error TEXT,"
    " duration_ms INTEGER NOT NULL DEFAULT 0);"
    "CREATE INDEX webhook_attempts_delivery ON webhook_attempts(delivery_id, id);"

    "CREATE TRIGGER webhooks_enqueue AFTER INSERT ON audit_log"
    " WHEN NEW.article_id IS NOT NULL AND NEW.action IN"
    " ('article.published', 'article.updated', 'article.corrected', 'article.retracted')"
    " BEGIN"
    " INSERT INTO webhook_deliveries(webhook_id, event, article_id, audit_id, revision,"
    "  next_attempt_ms, created_at)"
    " SELECT w.id, NEW.action, NEW.article_id, NEW.id,"
    "  (SELECT revision FROM articles WHERE id = NEW.article_id), NEW.at * 1000, NEW.at"
    " FROM webhooks w WHERE w.active = 1"
    "  AND instr(',' || w.events || ',', ',' || NEW.action || ',') > 0;"
    " END;"

    /* The purge hook's keys are those of the article as the change left it, plus "front" (and
     * "corrections", the corrections feed, for a correction). */
    "CREATE TRIGGER purge_enqueue AFTER INSERT ON audit_log"
    " WHEN NEW.article_id IS NOT NULL AND NEW.action IN"
    " ('article.published', 'article.updated', 'article.corrected', 'article.retracted',"
    "  'article.restored', 'article.embargoed')"
    " AND EXISTS (SELECT 1 FROM settings WHERE key = 'purge_url' AND value <> '')"
    " BEGIN"
    " INSERT INTO webhook_deliveries(webhook_id, event, article_id, audit_id, revision, payload,"
    "  next_attempt_ms, created_at)"
    " SELECT NULL, NEW.action, NEW.article_id, NEW.id,"
    "  (SELECT revision FROM articles WHERE id = NEW.article_id),"
    "  json_object('event', NEW.action, 'article_id', NEW.article_id, 'keys', json(("
    "   SELECT json_group_array(k) FROM ("
    "    SELECT 'article-' || NEW.article_id AS k"
    "    UNION ALL SELECT 'section-' || section_id FROM articles"
    "     WHERE id = NEW.article_id AND section_id IS NOT NULL"
    "    UNION ALL SELECT 'tag-' || tag_id FROM article_tags WHERE article_id = NEW.article_id"
    "    UNION ALL SELECT 'author-' || author_id FROM article_authors"
    "     WHERE article_id = NEW.article_id"
    "    UNION ALL SELECT 'corrections' WHERE NEW.action = 'article.corrected'"
    "    UNION ALL SELECT 'front')))),"
    "  NEW.at * 1000, NEW.at;"
    " END;";

/* Append only: migrations[i] brings the schema from version i to i + 1. */
/* Version 5, speed: the change feed. Triggers write, in the transaction of every
 * write that can change a public page, the cache keys that write affects: exactly the
 * Surrogate-Key names the handlers emit ("article-<id>", "section-<id>", "tag-<id>",
 * "author-<id>", "front", "corrections"), plus "settings" (a settings row changed) and "site"
 * (a section was added, renamed, moved or deleted: every page's navigation). Both of the latter
 * mean "everything". An article counts as soon as it is, or was, published or retracted (a
 * dated or embargoed one too: over-telling is safe); when its embargo or publication time
 * passes, nz_store_change_tick (the server's scheduler calls it) touches the row with a
 * no-op UPDATE, which fires the same trigger. change_state holds the tick's clock and the
 * highest seq pruned away (docs/performance.md). */
#define NZ__NOW "CAST(strftime('%s', 'now') AS INTEGER)"
#define NZ__VISIBLE "('published', 'retracted')"
/* Rows of (key) for article X's own keys: article, front, section(s), tags, authors,
 * corrections when it has some, the other articles of its translation group. */
#define NZ__ARTICLE_KEYS(X, SECTION_ROWS, GROUP_ROWS)                                              \
	" INSERT INTO changes(key, at) SELECT k, " NZ__NOW " FROM ("                               \
	"  SELECT 'article-' || " X " AS k UNION SELECT 'front'" SECTION_ROWS GROUP_ROWS           \
	"  UNION SELECT 'tag-' || tag_id FROM article_tags WHERE article_id = " X                  \
	"  UNION SELECT 'author-' || author_id FROM article_authors WHERE article_id = " X         \
	"  UNION SELECT 'corrections' WHERE EXISTS"                                                \
	"   (SELECT 1 FROM corrections WHERE article_id = " X "));"
#define NZ__SECTION_ROW(R)                                                                         \
	" UNION SELECT 'section-' || " R ".section_id WHERE " R ".section_id IS NOT NULL"
#define NZ__GROUP_ROWS(R)                                                                          \
	" UNION SELECT 'article-' || id FROM articles WHERE translation_group = " R                \
	".translation_group AND id <> " R ".id"                                                    \
	" UNION SELECT 'article-' || id FROM articles WHERE translation_group = " R ".id"          \
	"  AND id <> " R ".id"                                                                     \
	" UNION SELECT 'article-' || " R ".translation_group WHERE " R                             \
	".translation_group IS NOT NULL AND " R ".translation_group <> " R ".id"
/* The rows of one article-keyed child table: its article's key and extra, when it is visible. */
#define NZ__CHILD_TRIGGER(NAME, WHEN, TABLE, R, EXTRA)                                             \
	"CREATE TRIGGER " NAME " AFTER " WHEN " ON " TABLE                                         \
	" WHEN EXISTS (SELECT 1 FROM articles WHERE id = " R                                       \
	".article_id AND status IN " NZ__VISIBLE ") BEGIN"                                         \
	" INSERT INTO changes(key, at) SELECT k, " NZ__NOW " FROM ("                               \
	"  SELECT 'article-' || " R ".article_id AS k" EXTRA ");"                                  \
	" END;"
/* Article keys of the visible articles joined through TABLE on COLUMN = R.id. */
#define NZ__ARTICLES_OF(TABLE, COLUMN, R)                                                          \
	" UNION SELECT 'article-' || l.article_id FROM " TABLE " l JOIN articles a"                \
	"  ON a.id = l.article_id WHERE l." COLUMN " = " R ".id AND a.status IN " NZ__VISIBLE
static const char migration_5[] =
    "CREATE TABLE changes ("
    " seq INTEGER PRIMARY KEY AUTOINCREMENT,"
    " key TEXT NOT NULL,"
    " at INTEGER NOT NULL);"
    "CREATE TABLE change_state ("
    " id INTEGER PRIMARY KEY CHECK (id = 1),"
    " clock INTEGER NOT NULL," /* nz_store_change_tick has looked up to here (unix s) */
    " pruned_upto INTEGER NOT NULL DEFAULT 0);" /* the highest seq pruned away */
    "INSERT INTO change_state(id, clock) VALUES (1, " NZ__NOW ");"
    "CREATE INDEX articles_embargo ON articles(embargo_until) WHERE embargo_until IS NOT NULL;"

    "CREATE TRIGGER articles_changes_insert AFTER INSERT ON articles"
    " WHEN NEW.status IN " NZ__VISIBLE " BEGIN" NZ__ARTICLE_KEYS(
	"NEW.id", NZ__SECTION_ROW("NEW"),
	NZ__GROUP_ROWS(
	    "NEW")) " END;"
		    "CREATE TRIGGER articles_changes_update AFTER UPDATE ON articles"
		    " WHEN OLD.status IN " NZ__VISIBLE " OR NEW.status IN " NZ__VISIBLE
		    " BEGIN" NZ__ARTICLE_KEYS(
			"NEW.id", NZ__SECTION_ROW("OLD") NZ__SECTION_ROW("NEW"),
			NZ__GROUP_ROWS("OLD") NZ__GROUP_ROWS(
			    "NEW")) " END;"
				    /* BEFORE: its tags and authors are still there to be named. */
				    "CREATE TRIGGER articles_changes_delete BEFORE DELETE ON "
				    "articles"
				    " WHEN OLD.status IN " NZ__VISIBLE
				    " BEGIN" NZ__ARTICLE_KEYS("OLD.id", NZ__SECTION_ROW("OLD"),
							      NZ__GROUP_ROWS("OLD")) " END;"

    NZ__CHILD_TRIGGER("article_tags_changes_insert", "INSERT", "article_tags", "NEW",
		      " UNION SELECT 'tag-' || NEW.tag_id")
	NZ__CHILD_TRIGGER("article_tags_changes_delete", "DELETE", "article_tags", "OLD",
			  " UNION SELECT 'tag-' || OLD.tag_id")
	    NZ__CHILD_TRIGGER("article_tags_changes_update", "UPDATE", "article_tags", "NEW",
			      " UNION SELECT 'tag-' || NEW.tag_id UNION SELECT 'tag-' || OLD.tag_id"
			      " UNION SELECT 'article-' || OLD.article_id")
		NZ__CHILD_TRIGGER("article_authors_changes_insert", "INSERT", "article_authors",
				  "NEW", " UNION SELECT 'author-' || NEW.author_id")
		    NZ__CHILD_TRIGGER("article_authors_changes_delete", "DELETE", "article_authors",
				      "OLD", " UNION SELECT 'author-' || OLD.author_id")
			NZ__CHILD_TRIGGER("article_authors_changes_update", "UPDATE",
					  "article_authors", "NEW",
					  " UNION SELECT 'author-' || NEW.author_id"
					  " UNION SELECT 'author-' || OLD.author_id"
					  " UNION SELECT 'article-' || OLD.article_id")
			    NZ__CHILD_TRIGGER("article_media_changes_insert", "INSERT",
					      "article_media", "NEW", "")
				NZ__CHILD_TRIGGER("article_media_changes_delete", "DELETE",
						  "article_media", "OLD", "")
				    NZ__CHILD_TRIGGER("article_media_changes_update", "UPDATE",
						      "article_media", "NEW",
						      " UNION SELECT 'article-' || OLD.article_id")
					NZ__CHILD_TRIGGER("corrections_changes_insert", "INSERT",
							  "corrections", "NEW",
							  " UNION SELECT 'corrections'")
					    NZ__CHILD_TRIGGER("corrections_changes_delete",
							      "DELETE", "corrections", "OLD",
							      " UNION SELECT 'corrections'")
						NZ__CHILD_TRIGGER("corrections_changes_update",
								  "UPDATE", "corrections", "NEW",
								  " UNION SELECT 'corrections'")
						    NZ__CHILD_TRIGGER("import_notes_changes_insert",
								      "INSERT", "import_notes",
								      "NEW", "")
							NZ__CHILD_TRIGGER(
							    "import_notes_changes_delete", "DELETE",
							    "import_notes", "OLD", "")

    /* A photo's caption, credit or alt text shows on the pages of the articles using it. */
    "CREATE TRIGGER media_changes_update AFTER UPDATE ON media BEGIN"
    " INSERT INTO changes(key, at) SELECT k, " NZ__NOW " FROM ("
    "  SELECT NULL AS k WHERE 0" NZ__ARTICLES_OF(
	"article_media", "media_id",
	"NEW") ");"
	       " END;"
	       /* Navigation lists every section on every page. ensure() upserts touch rows without
		* changing them: only real changes count. */
	       "CREATE TRIGGER sections_changes_insert AFTER INSERT ON sections BEGIN"
	       " INSERT INTO changes(key, at) VALUES ('site', " NZ__NOW ");"
	       " END;"
	       "CREATE TRIGGER sections_changes_update AFTER UPDATE ON sections"
	       " WHEN OLD.slug IS NOT NEW.slug OR OLD.name IS NOT NEW.name"
	       "  OR OLD.position IS NOT NEW.position BEGIN"
	       " INSERT INTO changes(key, at) VALUES ('site', " NZ__NOW "),"
	       "  ('section-' || NEW.id, " NZ__NOW ");"
	       " END;"
	       "CREATE TRIGGER sections_changes_delete AFTER DELETE ON sections BEGIN"
	       " INSERT INTO changes(key, at) VALUES ('site', " NZ__NOW "),"
	       "  ('section-' || OLD.id, " NZ__NOW ");"
	       " END;"
	       /* A tag's or author's name shows on its page and with each of its articles (article
		* pages, the API's lists, feeds, the front page's byline). */
	       "CREATE TRIGGER tags_changes_update AFTER UPDATE ON tags"
	       " WHEN OLD.slug IS NOT NEW.slug OR OLD.name IS NOT NEW.name BEGIN"
	       " INSERT INTO changes(key, at) SELECT k, " NZ__NOW " FROM ("
	       "  SELECT 'tag-' || NEW.id AS k" NZ__ARTICLES_OF(
		   "article_tags", "tag_id",
		   "NEW") ");"
			  " END;"
			  "CREATE TRIGGER tags_changes_delete AFTER DELETE ON tags BEGIN"
			  " INSERT INTO changes(key, at) VALUES ('tag-' || OLD.id, " NZ__NOW ");"
			  " END;"
			  "CREATE TRIGGER authors_changes_update AFTER UPDATE ON authors"
			  " WHEN OLD.slug IS NOT NEW.slug OR OLD.display_name IS NOT "
			  "NEW.display_name"
			  "  OR OLD.family_name IS NOT NEW.family_name OR OLD.given_name IS NOT "
			  "NEW.given_name"
			  "  OR OLD.name_order IS NOT NEW.name_order OR OLD.email IS NOT NEW.email"
			  "  OR OLD.bio IS NOT NEW.bio BEGIN"
			  " INSERT INTO changes(key, at) SELECT k, " NZ__NOW " FROM ("
			  "  SELECT 'author-' || NEW.id AS k" NZ__ARTICLES_OF(
			      "article_authors", "author_id",
			      "NEW") ");"
				     " END;"
				     "CREATE TRIGGER authors_changes_delete AFTER DELETE ON "
				     "authors BEGIN"
				     " INSERT INTO changes(key, at) VALUES ('author-' || "
				     "OLD.id, " NZ__NOW ");"
				     " END;"
				     /* Every page shows the site's name, language, base URL... */
				     "CREATE TRIGGER settings_changes_insert AFTER INSERT ON "
				     "settings BEGIN"
				     " INSERT INTO changes(key, at) VALUES ('settings', " NZ__NOW
				     ");"
				     " END;"
				     "CREATE TRIGGER settings_changes_update AFTER UPDATE ON "
				     "settings"
				     " WHEN OLD.value IS NOT NEW.value OR OLD.key IS NOT NEW.key "
				     "BEGIN"
				     " INSERT INTO changes(key, at) VALUES ('settings', " NZ__NOW
				     ");"
				     " END;"
				     "CREATE TRIGGER settings_changes_delete AFTER DELETE ON "
				     "settings BEGIN"
				     " INSERT INTO changes(key, at) VALUES ('settings', " NZ__NOW
				     ");"
				     " END;";

/* Version 6, several nodes: named leases (one holder at a time until expires_at, unix
 * seconds), so the scheduler and webhook delivery run on one server of several. */
static const char migration_6[] = "CREATE TABLE leases ("
				  " name TEXT PRIMARY KEY,"
				  " holder TEXT NOT NULL,"
				  " expires_at INTEGER NOT NULL"
				  ") WITHOUT ROWID;";

/* Version 7, the image pipeline: renditions of a blob (resized, cropped, re-encoded without
 * metadata), kept by the blob's hash and the rendition's name ("w640.webp"). */
static const char migration_7[] = "CREATE TABLE renditions ("
				  " source TEXT NOT NULL REFERENCES blobs(hash),"
				  " name TEXT NOT NULL,"
				  " mime TEXT NOT NULL,"
				  " bytes BLOB NOT NULL,"
				  " created_at INTEGER NOT NULL,"
				  " PRIMARY KEY (source, name)"
				  ") WITHOUT ROWID;";

/* Version 8, imports of many items in one file (a WordPress export): each item by a key that
 * stays the same from one export to the next, the article it became and the hash of the item
 * as last imported, so importing the export again changes only what changed; and the old
 * addresses that answer 301 (an imported site's permalinks, and any an editor adds). */
static const char migration_8[] =
    "CREATE TABLE import_items ("
    " key TEXT PRIMARY KEY,"
    " article_id INTEGER NOT NULL REFERENCES articles(id)"
    "  ON DELETE CASCADE,"
    " sha256 TEXT NOT NULL,"
    " comments INTEGER NOT NULL DEFAULT 0,"
    " updated_at INTEGER NOT NULL);"
    "CREATE INDEX import_items_article ON import_items(article_id);"
    /* old addresses of an imported site, and any an editor adds */
    "CREATE TABLE url_redirects ("
    " path TEXT PRIMARY KEY,"
    " target TEXT NOT NULL,"
    " created_at INTEGER NOT NULL);"
    /* agency feeds polled into the review queue */
    "CREATE TABLE wire_feeds ("
    " id INTEGER PRIMARY KEY,"
    " url TEXT NOT NULL UNIQUE,"
    " format TEXT NOT NULL CHECK (format IN ('rss', 'atom', 'ninjs')),"
    " section_slug TEXT,"
    " every_s INTEGER NOT NULL,"
    " etag TEXT,"
    " last_modified TEXT,"
    " polled_at INTEGER,"
    " last_error TEXT,"
    " taken INTEGER NOT NULL DEFAULT 0,"
    " created_at INTEGER NOT NULL);";

/* Version 9, data hardening. Tag and author slugs that are not slugs (stored before every way
 * in checked them: "../x", "a/b", "<b>x</b>", ...) become "tag-<id>" / "author-<id>" (with a
 * random suffix if that is taken), so every tag and author page and the static export work
 * again; the names are kept. The test mirrors nz_slug_valid: ASCII lower-case letters, digits
 * and Hangul syllables joined by single '-', at most 80 characters. */
#define NZ__BAD_SLUG                                                                               \
	"(slug = '' OR slug GLOB '*[^-a-z0-9가-힣]*' OR slug GLOB '-*' OR slug GLOB '*-'"        \
	" OR slug GLOB '*--*' OR length(slug) > 80)"
#define NZ__REPAIR_SLUGS(table, prefix)                                                            \
	"UPDATE " table " SET slug = '" prefix "-' || id WHERE " NZ__BAD_SLUG                      \
	" AND NOT EXISTS (SELECT 1 FROM " table " o WHERE o.slug = '" prefix "-' || " table        \
	".id);"                                                                                    \
	"UPDATE " table " SET slug = '" prefix "-' || id || '-' || lower(hex(randomblob(4)))"      \
	" WHERE " NZ__BAD_SLUG ";"
/* API tokens get an expiry (NULL: never). Tokens made before it expire 90 days after the
 * upgrade, as a new one does by default, and the tokens of users disabled now are revoked (a
 * user's tokens no longer come back when the user is enabled again). */
#define NZ__UPGRADE_TOKENS                                                                         \
	"ALTER TABLE api_tokens ADD COLUMN expires_at INTEGER;"                                    \
	"UPDATE api_tokens SET expires_at = CAST(strftime('%s', 'now') AS INTEGER) + 7776000"      \
	" WHERE revoked_at IS NULL;"                                                               \
	"UPDATE api_tokens SET revoked_at = CAST(strftime('%s', 'now') AS INTEGER)"                \
	" WHERE revoked_at IS NULL"                                                                \
	" AND user_id IN (SELECT id FROM users WHERE disabled_at IS NOT NULL);"
static const char migration_9[] =
    NZ__REPAIR_SLUGS("tags", "tag") NZ__REPAIR_SLUGS("authors", "author") NZ__UPGRADE_TOKENS;

/* Version 10, the newsroom's static pages (About, Contact, the policies, the masthead): one row
 * per page and one per saved version, never deleted. A page's role (what the organization's
 * JSON-LD points to it for) is held by one page at most. A change to a page is a 'site' change:
 * every public page's footer links them. */
static const char migration_10[] =
    "CREATE TABLE pages ("
    " id INTEGER PRIMARY KEY,"
    " slug TEXT NOT NULL UNIQUE,"
    " title TEXT NOT NULL,"
    " body_markdown TEXT NOT NULL DEFAULT '',"
    " role TEXT,"
    " position INTEGER NOT NULL DEFAULT 0,"
    " revision INTEGER NOT NULL,"
    " created_at INTEGER NOT NULL,"
    " updated_at INTEGER NOT NULL);"
    "CREATE UNIQUE INDEX pages_role ON pages(role) WHERE role IS NOT NULL;"
    "CREATE TABLE page_revisions ("
    " page_id INTEGER NOT NULL REFERENCES pages(id) ON DELETE CASCADE,"
    " revision INTEGER NOT NULL,"
    " slug TEXT NOT NULL,"
    " title TEXT NOT NULL,"
    " body_markdown TEXT NOT NULL,"
    " role TEXT,"
    " actor INTEGER REFERENCES users(id),"
    " saved_at INTEGER NOT NULL,"
    " PRIMARY KEY (page_id, revision));"
    "CREATE TRIGGER pages_changes_insert AFTER INSERT ON pages BEGIN"
    " INSERT INTO changes(key, at) VALUES ('site', " NZ__NOW ");"
    " END;"
    "CREATE TRIGGER pages_changes_update AFTER UPDATE ON pages BEGIN"
    " INSERT INTO changes(key, at) VALUES ('site', " NZ__NOW ");"
    " END;"
    "CREATE TRIGGER pages_changes_delete AFTER DELETE ON pages BEGIN"
    " INSERT INTO changes(key, at) VALUES ('site', " NZ__NOW ");"
    " END;";

/* Version 11. Articles that arrived already published (imports, the demo) took their arrival
 * as their last change, so their pages showed "Updated" although nobody edited them: an
 * article never edited since (revision 1, last change = arrival) takes its publication time. */
static const char migration_11[] =
    "UPDATE articles SET updated_at = published_at"
    " WHERE status IN ('published', 'retracted') AND published_at IS NOT NULL"
    " AND published_at < created_at AND updated_at = created_at AND revision = 1;";

/* Version 12, live coverage: an article covered live (a row while it is or was live; ended_at
 * NULL while live) and its updates, each with its own revision so two editors never overwrite
 * each other. A change to either reaches the article's page through the change feed (only
 * while the article is visible, as for its other rows). */
static const char migration_12[] =
    "CREATE TABLE live_coverage ("
    " article_id INTEGER PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,"
    " started_at INTEGER NOT NULL,"
    " ended_at INTEGER);"
    "CREATE TABLE live_updates ("
    " id INTEGER PRIMARY KEY,"
    " article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,"
    " body_markdown TEXT NOT NULL,"
    " pinned INTEGER NOT NULL DEFAULT 0,"
    " revision INTEGER NOT NULL,"
    " actor INTEGER REFERENCES users(id),"
    " created_at INTEGER NOT NULL,"
    " updated_at INTEGER NOT NULL);"
    "CREATE INDEX live_updates_article ON live_updates(article_id, created_at);" NZ__CHILD_TRIGGER(
	"live_coverage_changes_insert", "INSERT", "live_coverage", "NEW",
	"") NZ__CHILD_TRIGGER("live_coverage_changes_update", "UPDATE", "live_coverage", "NEW", "")
	NZ__CHILD_TRIGGER("live_updates_changes_insert", "INSERT", "live_updates", "NEW", "")
	    NZ__CHILD_TRIGGER("live_updates_changes_update", "UPDATE", "live_updates", "NEW", "")
		NZ__CHILD_TRIGGER("live_updates_changes_delete", "DELETE", "live_updates", "OLD",
				  "");

/* Version 13, front layouts and page views. Layouts: editors' arrangements of the top of the
 * front page and of each section front, per language edition (section_id 0: the front page),
 * each in force from starts_at; slots holds one "<article id>\t<headline>" line per pinned
 * story (store.h). Every write names the front it arranges in the change feed; a layout's
 * start is told by nz_store_change_tick (outbox_changes.c). Page views: per article and hour
 * (unix time / 3600), for "Most read"; counts only, nothing about the reader. */
#define NZ__FRONT_KEY_NEW                                                                          \
	"CASE WHEN NEW.section_id = 0 THEN 'front' ELSE 'section-' || NEW.section_id END"
#define NZ__FRONT_KEY_OLD                                                                          \
	"CASE WHEN OLD.section_id = 0 THEN 'front' ELSE 'section-' || OLD.section_id END"
static const char migration_13[] =
    "CREATE TABLE front_layouts ("
    " id INTEGER PRIMARY KEY,"
    " language TEXT NOT NULL,"
    " section_id INTEGER NOT NULL DEFAULT 0,"
    " starts_at INTEGER NOT NULL,"
    " slots TEXT NOT NULL DEFAULT '',"
    " actor INTEGER REFERENCES users(id),"
    " updated_at INTEGER NOT NULL,"
    " UNIQUE (language, section_id, starts_at));"
    "CREATE INDEX front_layouts_starts ON front_layouts(starts_at);"
    "CREATE TRIGGER front_layouts_changes_insert AFTER INSERT ON front_layouts BEGIN"
    " INSERT INTO changes(key, at) VALUES (" NZ__FRONT_KEY_NEW ", " NZ__NOW "); END;"
    "CREATE TRIGGER front_layouts_changes_update AFTER UPDATE ON front_layouts BEGIN"
    " INSERT INTO changes(key, at) VALUES (" NZ__FRONT_KEY_NEW ", " NZ__NOW "); END;"
    "CREATE TRIGGER front_layouts_changes_delete AFTER DELETE ON front_layouts BEGIN"
    " INSERT INTO changes(key, at) VALUES (" NZ__FRONT_KEY_OLD ", " NZ__NOW "); END;"
    "CREATE TABLE article_views ("
    " article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,"
    " hour INTEGER NOT NULL,"
    " views INTEGER NOT NULL,"
    " PRIMARY KEY (article_id, hour));"
    "CREATE INDEX article_views_hour ON article_views(hour);";

/* Version 14, the profiles of authors and tags (docs/people-and-tags.md): an author's job
 * title and bio per language, photo and links; a tag's name and description per language. One
 * JSON text per row that store/catalog.c reads and writes, in tables of their own (the
 * catalog's tables keep their shape). A change to one shows on the author's or tag's page and
 * with each of their articles, like a change to the name. */
#define NZ__PROFILE_CHANGES(NAME, WHEN, TABLE, KIND, LINKS, R)                                     \
	"CREATE TRIGGER " NAME " AFTER " WHEN " ON " TABLE " BEGIN"                                \
	" INSERT INTO changes(key, at) SELECT k, " NZ__NOW " FROM ("                               \
	"  SELECT '" KIND "-' || " R "." KIND "_id AS k"                                           \
	"  UNION SELECT 'article-' || l.article_id FROM " LINKS " l JOIN articles a"               \
	"  ON a.id = l.article_id WHERE l." KIND "_id = " R "." KIND                               \
	"_id AND a.status IN " NZ__VISIBLE ");"                                                    \
	" END;"
#define NZ__PROFILE_TRIGGERS(TABLE, KIND, LINKS)                                                   \
	NZ__PROFILE_CHANGES(TABLE "_changes_insert", "INSERT", TABLE, KIND, LINKS, "NEW")          \
	NZ__PROFILE_CHANGES(TABLE "_changes_update", "UPDATE", TABLE, KIND, LINKS, "NEW")          \
	NZ__PROFILE_CHANGES(TABLE "_changes_delete", "DELETE", TABLE, KIND, LINKS, "OLD")
static const char migration_14[] =
    "CREATE TABLE author_profiles ("
    " author_id INTEGER PRIMARY KEY REFERENCES authors(id) ON DELETE CASCADE,"
    " profile TEXT NOT NULL);" /* JSON: texts[{language, job_title, bio}], photo, same_as[] */
    "CREATE TABLE tag_profiles ("
    " tag_id INTEGER PRIMARY KEY REFERENCES tags(id) ON DELETE CASCADE,"
    " profile TEXT NOT NULL);" /* JSON: texts[{language, name, description}] */
    NZ__PROFILE_TRIGGERS("author_profiles", "author", "article_authors")
	NZ__PROFILE_TRIGGERS("tag_profiles", "tag", "article_tags");

/* Version 15, editions: a section's name in the other editions' languages, a JSON object
 * ({"ko": "국방"}); NULL: the one name everywhere. */
static const char migration_15[] = "ALTER TABLE sections ADD COLUMN names TEXT;";

/* Version 16, the media library: a photo's focal point (percent of its width and height; NULL:
 * the centre), which its crops keep in view, and its file name as uploaded (the library
 * searches it). */
static const char migration_16[] =
    "ALTER TABLE media ADD COLUMN focal_x INTEGER CHECK (focal_x BETWEEN 0 AND 100);"
    "ALTER TABLE media ADD COLUMN focal_y INTEGER CHECK (focal_y BETWEEN 0 AND 100);"
    "ALTER TABLE media ADD COLUMN filename TEXT;";

/* Migration 17, password-reset links: one live link per user (a new one replaces it), kept as
 * the SHA-256 hex of its token; used_at set when it has been used (accounts.c). */
static const char migration_17[] =
    "CREATE TABLE password_resets ("
    " user_id INTEGER PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,"
    " token_hash TEXT NOT NULL UNIQUE,"
    " created_by INTEGER REFERENCES users(id) ON DELETE SET NULL,"
    " created_at INTEGER NOT NULL,"
    " expires_at INTEGER NOT NULL,"
    " used_at INTEGER);";

/* Migration 18, the desk: a session's last request (moved at most once a minute) and a coarse
 * device label made from its User-Agent ("Firefox on Linux": never the address, never the
 * whole header), so a user can see and end their sessions; and presence, who has an article
 * open in the editor: one row per article and user, kept by the editor's heartbeat and ignored
 * (then deleted) once its seen_at is older than the expiry. */
static const char migration_18[] =
    "ALTER TABLE sessions ADD COLUMN last_seen_at INTEGER;"
    "ALTER TABLE sessions ADD COLUMN device TEXT;"
    "CREATE TABLE presence ("
    " article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,"
    " user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
    " since INTEGER NOT NULL,"
    " seen_at INTEGER NOT NULL,"
    " PRIMARY KEY (article_id, user_id));"
    /* A section's names per language show in every edition's navigation: a change of them
     * alone is a change of the site too (the trigger of migration 6 looked at slug, name and
     * position only). */
    "DROP TRIGGER IF EXISTS sections_changes_update;"
    "CREATE TRIGGER sections_changes_update AFTER UPDATE ON sections"
    " WHEN OLD.slug IS NOT NEW.slug OR OLD.name IS NOT NEW.name"
    "  OR OLD.position IS NOT NEW.position OR OLD.names IS NOT NEW.names BEGIN"
    " INSERT INTO changes(key, at) VALUES ('site', " NZ__NOW "),"
    "  ('section-' || NEW.id, " NZ__NOW ");"
    " END;";

/* Migration 19, a static page's import record (a WordPress page): the item's key, its
 * original bytes and hash, the import notes; the latest import's, one per key (static_pages.c). */
static const char migration_19[] =
    "CREATE TABLE page_imports ("
    " key TEXT PRIMARY KEY,"
    " page_id INTEGER NOT NULL REFERENCES pages(id) ON DELETE CASCADE,"
    " sha256 TEXT NOT NULL,"
    " filename TEXT NOT NULL,"
    " bytes BLOB NOT NULL,"
    " notes TEXT NOT NULL,"
    " comments INTEGER NOT NULL DEFAULT 0,"
    " updated_at INTEGER NOT NULL);"
    "CREATE INDEX page_imports_page ON page_imports(page_id);";

/* Migration 20, the back office's stats (docs/stats.md): what readers did that is counted per
 * hour beside the page views, with nothing about the reader: the external sites that sent them
 * (kind 'referrer', key the site's host name) and the searches that found nothing (kind
 * 'search-miss', key the normalized query). */
static const char migration_20[] =
    "CREATE TABLE reader_counts ("
    " kind TEXT NOT NULL CHECK (kind IN ('referrer', 'search-miss')),"
    " key TEXT NOT NULL,"
    " hour INTEGER NOT NULL,"
    " count INTEGER NOT NULL,"
    " PRIMARY KEY (kind, key, hour));"
    "CREATE INDEX reader_counts_hour ON reader_counts(kind, hour);";

/* Migration 21, the media library at scale.
 * media_revisions: the history of a photo's texts and focal point, one row per state, the first
 * as uploaded (user NULL, written by the first edit), then one per edit that changed something
 * (media_library.c). The rows go with the photo when an unused photo is deleted.
 * media_fts: the library's search index over the caption, credit, alt text and file name
 * (external content: the media rows; words split at anything not a letter or digit, each query
 * word a prefix), kept by triggers, so a search reads the index instead of every row. */
static const char migration_21[] =
    "CREATE TABLE media_revisions ("
    " id INTEGER PRIMARY KEY,"
    " media_id INTEGER NOT NULL REFERENCES media(id) ON DELETE CASCADE,"
    " user_id INTEGER REFERENCES users(id) ON DELETE SET NULL,"
    " created_at INTEGER NOT NULL,"
    " caption TEXT,"
    " credit TEXT,"
    " alt TEXT,"
    " focal_x INTEGER,"
    " focal_y INTEGER);"
    "CREATE INDEX media_revisions_media ON media_revisions(media_id, id);"
    "CREATE VIRTUAL TABLE media_fts USING fts5(caption, credit, alt, filename,"
    " content = 'media', content_rowid = 'id', tokenize = 'unicode61 remove_diacritics 0');"
    "CREATE TRIGGER media_fts_insert AFTER INSERT ON media BEGIN"
    " INSERT INTO media_fts(rowid, caption, credit, alt, filename)"
    "  VALUES (NEW.id, NEW.caption, NEW.credit, NEW.alt, NEW.filename);"
    " END;"
    "CREATE TRIGGER media_fts_update AFTER UPDATE OF caption, credit, alt, filename ON media BEGIN"
    " INSERT INTO media_fts(media_fts, rowid, caption, credit, alt, filename)"
    "  VALUES ('delete', OLD.id, OLD.caption, OLD.credit, OLD.alt, OLD.filename);"
    " INSERT INTO media_fts(rowid, caption, credit, alt, filename)"
    "  VALUES (NEW.id, NEW.caption, NEW.credit, NEW.alt, NEW.filename);"
    " END;"
    "CREATE TRIGGER media_fts_delete AFTER DELETE ON media BEGIN"
    " INSERT INTO media_fts(media_fts, rowid, caption, credit, alt, filename)"
    "  VALUES ('delete', OLD.id, OLD.caption, OLD.credit, OLD.alt, OLD.filename);"
    " END;"
    "INSERT INTO media_fts(media_fts) VALUES ('rebuild');";

/* Migration 22, related articles as data (docs/related.md): each article's related articles in
 * order, as the store computed them (nz_store_related) at the article's revision (`basis`); an
 * article whose list came out empty has one row at position -1 with no related_id. A neighbour
 * deleted leaves its row with related_id NULL (the list is then stale and recomputed). When a
 * visible article changes or goes, the pages whose related list shows it are named in the change
 * feed, so the page cache drops them. */
static const char migration_22[] =
    "CREATE TABLE related ("
    " article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,"
    " position INTEGER NOT NULL,"
    " related_id INTEGER REFERENCES articles(id) ON DELETE SET NULL,"
    " basis INTEGER NOT NULL,"
    " PRIMARY KEY (article_id, position)) WITHOUT ROWID;"
    "CREATE INDEX related_of ON related(related_id);"
    "CREATE TRIGGER related_changes_update AFTER UPDATE ON articles"
    " WHEN OLD.status IN " NZ__VISIBLE " OR NEW.status IN " NZ__VISIBLE " BEGIN"
    " INSERT INTO changes(key, at) SELECT DISTINCT 'related-' || article_id, " NZ__NOW
    " FROM related WHERE related_id = NEW.id;"
    " END;"
    "CREATE TRIGGER related_changes_delete BEFORE DELETE ON articles"
    " WHEN OLD.status IN " NZ__VISIBLE " BEGIN"
    " INSERT INTO changes(key, at) SELECT DISTINCT 'related-' || article_id, " NZ__NOW
    " FROM related WHERE related_id = OLD.id;"
    " END;";

/* Migration 23, the media library's uploader filter: who uploaded each photo (NULL: the system,
 * an import, an article's own copy made by the editor, or a user since deleted), filled for the
 * photos already there from their media.uploaded audit rows; the index serves the filter's
 * keyset pages (uploader, id below the cursor) and the list of uploaders. */
static const char migration_23[] =
    "ALTER TABLE media ADD COLUMN uploaded_by INTEGER REFERENCES users(id) ON DELETE SET NULL;"
    "UPDATE media SET uploaded_by = (SELECT max(l.user_id) FROM audit_log l"
    " JOIN users u ON u.id = l.user_id WHERE l.action = 'media.uploaded'"
    " AND l.object_type = 'media' AND l.object_id = media.id);"
    "CREATE INDEX media_uploader ON media(uploaded_by, id);";

/* Migration 24, the kinds of a live update (docs/live-coverage.md): text (the Markdown alone), a
 * photo from the media library (media_id; the Markdown an optional comment under it) or a quote
 * (its text and whom it is from; the Markdown optional context). A photo deleted from the
 * library leaves its update without the photo. */
static const char migration_24[] =
    "ALTER TABLE live_updates ADD COLUMN kind TEXT NOT NULL DEFAULT 'text'"
    " CHECK (kind IN ('text', 'photo', 'quote'));"
    "ALTER TABLE live_updates ADD COLUMN media_id INTEGER REFERENCES media(id) ON DELETE SET NULL;"
    "ALTER TABLE live_updates ADD COLUMN quote TEXT;"
    "ALTER TABLE live_updates ADD COLUMN attribution TEXT;";

/* Migration 25, a search index made by an older tokenizer (docs/search.md, "Changing the
 * tokenizer"): a row in search_stale says so, and the next program that opens the database for
 * writing computes every article's terms again; the rebuild deletes the rows in its transaction.
 * A later tokenizer change is one more migration inserting a row. This one: the English stemmer
 * became Snowball's Porter2. */
static const char migration_25[] =
    "CREATE TABLE search_stale (reason TEXT NOT NULL);"
    "INSERT INTO search_stale(reason) VALUES ('English stems: Snowball Porter2');";

/* Migration 26, a photo in a live update is in use: the media library counts live updates that
 * show a photo (its in-use filter, the uses of each photo, the refusal to delete one in use);
 * the index finds them by photo. */
static const char migration_26[] =
    "CREATE INDEX live_updates_media ON live_updates(media_id) WHERE media_id IS NOT NULL;";

/* Migration 27, a static page's versions in the other editions' languages (docs/pages.md): one
 * JSON object per page and per revision ({"ko": {"title": ..., "body_markdown": ...}}); NULL:
 * none. */
static const char migration_27[] = "ALTER TABLE pages ADD COLUMN translations TEXT;"
				   "ALTER TABLE page_revisions ADD COLUMN translations TEXT;";

/* Migration 28, a live story rises in lists (docs/live-coverage.md): listed_at is the order of
 * the public lists (front page, sections, tags, authors, the API): the publication time, or the
 * time of the article's newest live update when that is later. The story keeps that time once
 * its coverage ends (it was news then; it sinks from there like any story) and goes back to the
 * previous update's time when its newest update is deleted. NULL while unpublished. Triggers keep
 * it in the writer's transaction; the UPDATE of articles they make fires the article's
 * change-feed trigger, so the cached pages that list the story are dropped with its page. The
 * list indexes of public pages are remade on listed_at (the old ones stay for the feeds, which
 * keep publication order); the search's covering index gets listed_at so the export's keys of
 * a list still read no article row. */
/* clang-format off */
#define NZ__LISTED_AT(ID, PUBLISHED)                                                               \
	"max(" PUBLISHED ", COALESCE((SELECT max(u.created_at) FROM live_updates u"                \
	" WHERE u.article_id = " ID "), " PUBLISHED "))"
#define NZ__LISTED_NOW NZ__LISTED_AT("articles.id", "articles.published_at")
#define NZ__LISTED_FOLLOW(ID)                                                                      \
	" UPDATE articles SET listed_at = " NZ__LISTED_NOW                                         \
	" WHERE id = " ID " AND listed_at IS NOT " NZ__LISTED_NOW ";"
static const char migration_28[] =
    "ALTER TABLE articles ADD COLUMN listed_at INTEGER;"
    "UPDATE articles SET listed_at = " NZ__LISTED_NOW ";"
    "CREATE INDEX articles_listed ON articles(listed_at DESC, id DESC)"
    " WHERE status IN ('published', 'retracted');"
    "CREATE INDEX articles_section_listed ON articles(section_id, listed_at DESC, id DESC);"
    "CREATE INDEX articles_language_listed ON articles(language, listed_at DESC, id DESC);"
    "DROP INDEX articles_search_filter;"
    "CREATE INDEX articles_search_filter ON articles(id, status, published_at, embargo_until,"
    " language, section_id, listed_at);"
    /* the store's insert sets listed_at = published_at itself; any other insert is put right */
    "CREATE TRIGGER articles_listed_insert AFTER INSERT ON articles"
    " WHEN NEW.listed_at IS NOT " NZ__LISTED_AT("NEW.id", "NEW.published_at")
    " BEGIN" NZ__LISTED_FOLLOW("NEW.id") " END;"
    "CREATE TRIGGER articles_listed_update AFTER UPDATE OF published_at, listed_at ON articles"
    " WHEN NEW.listed_at IS NOT " NZ__LISTED_AT("NEW.id", "NEW.published_at")
    " BEGIN" NZ__LISTED_FOLLOW("NEW.id") " END;"
    "CREATE TRIGGER live_updates_listed_insert AFTER INSERT ON live_updates"
    " BEGIN" NZ__LISTED_FOLLOW("NEW.article_id") " END;"
    "CREATE TRIGGER live_updates_listed_update AFTER UPDATE OF created_at, article_id"
    " ON live_updates BEGIN" NZ__LISTED_FOLLOW("OLD.article_id")
    NZ__LISTED_FOLLOW("NEW.article_id") " END;"
    "CREATE TRIGGER live_updates_listed_delete AFTER DELETE ON live_updates"
    " BEGIN" NZ__LISTED_FOLLOW("OLD.article_id") " END;";

/* clang-format on */

/* Migration 29, the search index fed a batch at a time (search_fts.c): a new article is indexed
 * by its insert unless the connection defers it (nz_search_deferred(), which a batch import
 * sets; the batch then indexes its articles in one statement in the same transaction). */
static const char migration_29[] =
    "DROP TRIGGER IF EXISTS articles_fts_insert;"
    "CREATE TRIGGER articles_fts_insert AFTER INSERT ON articles WHEN NOT nz_search_deferred()"
    " BEGIN"
    " INSERT INTO articles_fts(rowid, headline, highlights, body)"
    "  SELECT id, headline, highlights, body FROM articles_search_text WHERE id = NEW.id;"
    " END;";

/* Migration 30, prefix indexes on the search index: FTS5 keeps, beside each term, the postings
 * of its first 1, 2 and 3 characters, so a short prefix that starts many words (`s*`, `ma*`,
 * `con*`, a single Hangul syllable) is read like one word, lazily and newest first, instead of
 * merging the doclists of every word it starts (docs/search.md, "Prefixes"). The option is
 * fixed when the table is created, so the table is made again; search_stale has the next
 * writable open (or `newszone reindex`) fill it. */
static const char migration_30[] =
    "DROP TABLE articles_fts;"
    "CREATE VIRTUAL TABLE articles_fts USING fts5(headline, highlights, body,"
    " content = 'articles_search_text', content_rowid = 'id', tokenize = 'newszone',"
    " prefix = '1 2 3');"
    "INSERT INTO search_stale(reason) VALUES ('prefix indexes of 1, 2 and 3 characters');";

/* Migration 31, the media library's index fed a batch at a time, as migration 29 did for
 * articles: FTS5 writes its pending terms at every savepoint, so a photo indexed by its insert
 * inside a batch import made every later statement of the batch flush media_fts. A batch puts
 * the highest photo id before it in media_fts_deferred when it starts and takes it out before it
 * commits (so no other connection ever sees a row there); meanwhile the triggers leave the
 * batch's photos alone (their insert, an edit, a delete) and the batch indexes them in one
 * statement (articles_history.c). A table rather than a function of the connection, so that
 * other programs (the sqlite3 shell) may still write photo rows. */
#define NZ__MEDIA_NOW(id)                                                                          \
	" WHEN " id " <= COALESCE((SELECT max(after_id) FROM media_fts_deferred),"                 \
	" 9223372036854775807)"
static const char migration_31[] =
    "CREATE TABLE media_fts_deferred (after_id INTEGER NOT NULL);"
    "DROP TRIGGER IF EXISTS media_fts_insert;"
    "DROP TRIGGER IF EXISTS media_fts_update;"
    "DROP TRIGGER IF EXISTS media_fts_delete;"
    "CREATE TRIGGER media_fts_insert AFTER INSERT ON media" NZ__MEDIA_NOW(
	"NEW.id") " BEGIN"
		  " INSERT INTO media_fts(rowid, caption, credit, alt, filename)"
		  "  VALUES (NEW.id, NEW.caption, NEW.credit, NEW.alt, NEW.filename);"
		  " END;"
		  "CREATE TRIGGER media_fts_update AFTER UPDATE OF caption, credit, alt, filename "
		  "ON media" NZ__MEDIA_NOW(
		      "OLD.id") " BEGIN"
				" INSERT INTO media_fts(media_fts, rowid, caption, credit, alt, "
				"filename)"
				"  VALUES ('delete', OLD.id, OLD.caption, OLD.credit, OLD.alt, "
				"OLD.filename);"
				" INSERT INTO media_fts(rowid, caption, credit, alt, filename)"
				"  VALUES (NEW.id, NEW.caption, NEW.credit, NEW.alt, NEW.filename);"
				" END;"
				"CREATE TRIGGER media_fts_delete AFTER DELETE ON "
				"media" NZ__MEDIA_NOW(
				    "OLD.id") " BEGIN"
					      " INSERT INTO media_fts(media_fts, rowid, caption, "
					      "credit, alt, filename)"
					      "  VALUES ('delete', OLD.id, OLD.caption, "
					      "OLD.credit, OLD.alt, OLD.filename);"
					      " END;";

static const char *const migrations[] = {
    migration_1,  migration_2,  migration_3,  migration_4,  migration_5,  migration_6,
    migration_7,  migration_8,  migration_9,  migration_10, migration_11, migration_12,
    migration_13, migration_14, migration_15, migration_16, migration_17, migration_18,
    migration_19, migration_20, migration_21, migration_22, migration_23, migration_24,
    migration_25, migration_26, migration_27, migration_28, migration_29, migration_30,
    migration_31,
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
	/* The versions applied without a gap from 1 (a version taken out of the table, as a test
	 * of one migration does, runs again; the ones recorded after it do not); the highest when
	 * it is newer than this program, to refuse it. */
	if ((rc = query_int(h, "SELECT COALESCE(max(version), 0) FROM schema_version", version,
			    err)) ||
	    *version > NZ_SCHEMA_LATEST)
		return rc;
	return query_int(
	    h,
	    "SELECT COALESCE((SELECT min(version) FROM schema_version WHERE version + 1"
	    " NOT IN (SELECT version FROM schema_version)), 0)",
	    version, err);
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
		int64_t done = 0;
		snprintf(what, sizeof(what), "database: migration %lld", (long long)v);
		char sql[80];
		snprintf(sql, sizeof sql,
			 "SELECT count(*) FROM schema_version WHERE version = %lld", (long long)v);
		if ((rc = query_int(h, sql, &done, err)))
			goto out;
		if (done)
			continue;
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
