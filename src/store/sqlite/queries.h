/*
 * queries.h: every fixed SQL statement of the SQLite backend, one X-macro table (name, text).
 * Each is prepared once per handle on first use and kept (see nz__sq_stmt in db.c); values are
 * always bound parameters. The article list, whose WHERE clause depends on its filters, is built
 * in article_list.c and cached there per combination of filters.
 */
#ifndef NZ_STORE_SQLITE_QUERIES_H
#define NZ_STORE_SQLITE_QUERIES_H

#define NZ__AUTHOR_COLS                                                                            \
	"au.id, au.slug, au.display_name, au.family_name, au.given_name, "                         \
	"au.name_order, au.email, au.bio"

#define NZ__SQ_QUERIES(X)                                                                          \
	X(SQ_BEGIN, "BEGIN IMMEDIATE")                                                             \
	X(SQ_BEGIN_READ, "BEGIN")                                                                  \
	X(SQ_COMMIT, "COMMIT")                                                                     \
	X(SQ_ROLLBACK, "ROLLBACK")                                                                 \
	X(SQ_SAVEPOINT, "SAVEPOINT nz")                                                            \
	X(SQ_RELEASE, "RELEASE nz")                                                                \
	X(SQ_ROLLBACK_TO, "ROLLBACK TO nz")                                                        \
	/* settings */                                                                             \
	X(SQ_SETTINGS_ALL, "SELECT key, value FROM settings")                                      \
	X(SQ_SETTING_SET, "INSERT INTO settings(key, value) VALUES (?1, ?2) "                      \
			  "ON CONFLICT(key) DO UPDATE SET value = excluded.value")                 \
	X(SQ_SETTING_DEL, "DELETE FROM settings WHERE key = ?1")                                   \
	/* sections, authors, tags */                                                              \
	X(SQ_SECTION_ENSURE, "INSERT INTO sections(slug, name, position) VALUES (?1, ?2, ?3) "     \
			     "ON CONFLICT(slug) DO UPDATE SET slug = excluded.slug RETURNING id")  \
	X(SQ_SECTION_GET, "SELECT id, slug, name, position FROM sections WHERE slug = ?1")         \
	X(SQ_SECTION_LIST,                                                                         \
	  "SELECT id, slug, name, position FROM sections ORDER BY position, name")                 \
	X(SQ_AUTHOR_ENSURE,                                                                        \
	  "INSERT INTO authors(slug, display_name, family_name, given_name, name_order, email, "   \
	  "bio) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT(slug) DO UPDATE SET "              \
	  "name_order = CASE WHEN authors.family_name IS NULL AND authors.given_name IS NULL "     \
	  "THEN excluded.name_order ELSE authors.name_order END, "                                 \
	  "family_name = COALESCE(authors.family_name, excluded.family_name), "                    \
	  "given_name = COALESCE(authors.given_name, excluded.given_name), "                       \
	  "email = COALESCE(authors.email, excluded.email), "                                      \
	  "bio = COALESCE(authors.bio, excluded.bio) RETURNING id")                                \
	X(SQ_AUTHOR_GET, "SELECT " NZ__AUTHOR_COLS " FROM authors au WHERE au.slug = ?1")          \
	X(SQ_AUTHOR_LIST,                                                                          \
	  "SELECT " NZ__AUTHOR_COLS " FROM authors au ORDER BY au.display_name, au.id")            \
	X(SQ_TAG_ENSURE, "INSERT INTO tags(slug, name) VALUES (?1, ?2) "                           \
			 "ON CONFLICT(slug) DO UPDATE SET slug = excluded.slug RETURNING id")      \
	X(SQ_TAG_GET, "SELECT id, slug, name FROM tags WHERE slug = ?1")                           \
	/* articles: writing */                                                                    \
	X(SQ_SLUG_TAKEN, "SELECT EXISTS(SELECT 1 FROM articles WHERE slug = ?1) "                  \
			 "OR EXISTS(SELECT 1 FROM slug_redirects WHERE old_slug = ?1)")            \
	X(SQ_ARTICLE_INSERT,                                                                       \
	  "INSERT INTO articles(uuid, slug, language, section_id, status, headline, "              \
	  "highlights_intro, highlights, dateline, body_markdown, copyright, embargo_until, "      \
	  "publish_at, published_at, updated_at, created_at, translation_group, revision, "        \
	  "created_by) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, " \
	  "?16, ?17, ?18, ?19) RETURNING id")                                                      \
	X(SQ_ARTICLE_AUTHOR_ADD,                                                                   \
	  "INSERT INTO article_authors(article_id, author_id, position) VALUES (?1, ?2, ?3)")      \
	X(SQ_ARTICLE_TAG_ADD, "INSERT INTO article_tags(article_id, tag_id, position) "            \
			      "VALUES (?1, ?2, ?3) ON CONFLICT DO NOTHING")                        \
	X(SQ_MEDIA_INSERT, "INSERT INTO media(hash, mime, caption, credit, alt, width, height, "   \
			   "created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) RETURNING id")     \
	X(SQ_ARTICLE_MEDIA_ADD,                                                                    \
	  "INSERT INTO article_media(article_id, media_id, position) VALUES (?1, ?2, ?3)")         \
	X(SQ_IMPORT_NOTE_ADD,                                                                      \
	  "INSERT INTO import_notes(article_id, position, text) VALUES (?1, ?2, ?3)")              \
	X(SQ_REVISION_ADD, "INSERT INTO revisions(article_id, revision, snapshot, note, "          \
			   "created_at, user_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6)")                 \
	/* articles: reading */                                                                    \
	X(SQ_ARTICLE_ID_BY_SLUG, "SELECT id FROM articles WHERE slug = ?1")                        \
	X(SQ_ARTICLE_BY_ID,                                                                        \
	  "SELECT a.id, a.uuid, a.slug, a.language, a.status, a.headline, a.highlights_intro, "    \
	  "a.highlights, a.dateline, a.body_markdown, a.copyright, a.embargo_until, "              \
	  "a.publish_at, a.published_at, a.updated_at, a.created_at, a.translation_group, "        \
	  "a.revision, s.id, s.slug, s.name, s.position, a.created_by "                            \
	  "FROM articles a LEFT JOIN sections s ON s.id = a.section_id WHERE a.id = ?1")           \
	X(SQ_ARTICLE_AUTHORS, "SELECT " NZ__AUTHOR_COLS " FROM article_authors aa "                \
			      "JOIN authors au ON au.id = aa.author_id "                           \
			      "WHERE aa.article_id = ?1 ORDER BY aa.position")                     \
	X(SQ_ARTICLE_TAGS, "SELECT t.id, t.slug, t.name FROM article_tags at "                     \
			   "JOIN tags t ON t.id = at.tag_id "                                      \
			   "WHERE at.article_id = ?1 ORDER BY at.position, t.id")                  \
	X(SQ_ARTICLE_MEDIA,                                                                        \
	  "SELECT m.id, m.hash, m.mime, m.caption, m.credit, m.alt, m.width, m.height "            \
	  "FROM article_media am JOIN media m ON m.id = am.media_id "                              \
	  "WHERE am.article_id = ?1 ORDER BY am.position")                                         \
	X(SQ_ARTICLE_CORRECTIONS, "SELECT id, created_at, text FROM corrections "                  \
				  "WHERE article_id = ?1 ORDER BY created_at, id")                 \
	X(SQ_ARTICLE_NOTES,                                                                        \
	  "SELECT text FROM import_notes WHERE article_id = ?1 ORDER BY position")                 \
	/* import sources and blobs */                                                             \
	X(SQ_IMPORT_FIND, "SELECT article_id FROM import_sources WHERE sha256 = ?1")               \
	X(SQ_IMPORT_ADD, "INSERT INTO import_sources(article_id, filename, sha256, bytes, "        \
			 "created_at) VALUES (?1, ?2, ?3, ?4, ?5)")                                \
	X(SQ_IMPORT_GET, "SELECT filename, bytes FROM import_sources WHERE article_id = ?1 "       \
			 "ORDER BY id DESC LIMIT 1")                                               \
	X(SQ_BLOB_PUT, "INSERT INTO blobs(hash, mime, bytes, created_at) VALUES (?1, ?2, ?3, ?4) " \
		       "ON CONFLICT(hash) DO NOTHING")                                             \
	X(SQ_BLOB_GET, "SELECT mime, bytes FROM blobs WHERE hash = ?1")

typedef enum {
#define NZ__SQ_ENUM(name, sql) name,
	NZ__SQ_QUERIES(NZ__SQ_ENUM)
#undef NZ__SQ_ENUM
	    SQ_COUNT
} nz__sq_id;

#endif
