/*
 * queries.h: every fixed SQL statement of the SQLite backend, one X-macro table (name, text).
 * Each is prepared once per handle on first use and kept in the handle's statement cache (see
 * nz__sq_stmt in db.c); values are always bound parameters. Statements whose text depends on
 * their arguments (the article list per combination of filters, search) are built where they
 * are used and cached in the same cache, in the slots sqlite_int.h reserves after these.
 */
#ifndef NZ_STORE_SQLITE_QUERIES_H
#define NZ_STORE_SQLITE_QUERIES_H

#define NZ__AUTHOR_COLS                                                                            \
	"au.id, au.slug, au.display_name, au.family_name, au.given_name, "                         \
	"au.name_order, au.email, au.bio, ap.profile"
/* Follows "authors au" wherever NZ__AUTHOR_COLS is read: the profile (store/catalog.c). */
#define NZ__AUTHOR_PROFILE " LEFT JOIN author_profiles ap ON ap.author_id = au.id"
/* Follows "tags t" wherever a tag is read: its texts per language (store/catalog.c). */
#define NZ__TAG_PROFILE " LEFT JOIN tag_profiles tp ON tp.tag_id = t.id"

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
	/* search: whether the section, tag and author filters (NULL: unset) can match at all */   \
	X(SQ_SEARCH_FILTERS_LIVE,                                                                  \
	  "SELECT (?1 IS NULL OR EXISTS (SELECT 1 FROM sections s JOIN articles a"                 \
	  " INDEXED BY articles_section_listed ON a.section_id = s.id WHERE s.slug = ?1))"         \
	  " AND (?2 IS NULL OR EXISTS (SELECT 1 FROM tags t JOIN article_tags at"                  \
	  " ON at.tag_id = t.id WHERE t.slug = ?2))"                                               \
	  " AND (?3 IS NULL OR EXISTS (SELECT 1 FROM authors au JOIN article_authors aa"           \
	  " ON aa.author_id = au.id WHERE au.slug = ?3))")                                         \
	X(SQ_SETTING_SET, "INSERT INTO settings(key, value) VALUES (?1, ?2) "                      \
			  "ON CONFLICT(key) DO UPDATE SET value = excluded.value")                 \
	X(SQ_SETTING_DEL, "DELETE FROM settings WHERE key = ?1")                                   \
	/* sections, authors, tags */                                                              \
	X(SQ_SECTION_ENSURE, "INSERT INTO sections(slug, name, position) VALUES (?1, ?2, ?3) "     \
			     "ON CONFLICT(slug) DO UPDATE SET slug = excluded.slug RETURNING id")  \
	X(SQ_SECTION_GET, "SELECT id, slug, name, position, names FROM sections WHERE slug = ?1")  \
	X(SQ_SECTION_LIST,                                                                         \
	  "SELECT id, slug, name, position, names FROM sections ORDER BY position, name")          \
	X(SQ_AUTHOR_ENSURE,                                                                        \
	  "INSERT INTO authors(slug, display_name, family_name, given_name, name_order, email, "   \
	  "bio) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT(slug) DO UPDATE SET "              \
	  "name_order = CASE WHEN authors.family_name IS NULL AND authors.given_name IS NULL "     \
	  "THEN excluded.name_order ELSE authors.name_order END, "                                 \
	  "family_name = COALESCE(authors.family_name, excluded.family_name), "                    \
	  "given_name = COALESCE(authors.given_name, excluded.given_name), "                       \
	  "email = COALESCE(authors.email, excluded.email), "                                      \
	  "bio = COALESCE(authors.bio, excluded.bio) RETURNING id")                                \
	X(SQ_AUTHOR_GET,                                                                           \
	  "SELECT " NZ__AUTHOR_COLS " FROM authors au" NZ__AUTHOR_PROFILE " WHERE au.slug = ?1")   \
	X(SQ_AUTHOR_LIST, "SELECT " NZ__AUTHOR_COLS " FROM authors au" NZ__AUTHOR_PROFILE          \
			  " ORDER BY au.display_name, au.id")                                      \
	X(SQ_TAG_ENSURE, "INSERT INTO tags(slug, name) VALUES (?1, ?2) "                           \
			 "ON CONFLICT(slug) DO UPDATE SET slug = excluded.slug RETURNING id")      \
	X(SQ_TAG_GET, "SELECT t.id, t.slug, t.name, tp.profile FROM tags t" NZ__TAG_PROFILE        \
		      " WHERE t.slug = ?1")                                                        \
	X(SQ_TAG_LIST, "SELECT t.id, t.slug, t.name, tp.profile FROM tags t" NZ__TAG_PROFILE       \
		       " ORDER BY t.slug")                                                         \
	/* articles: writing */                                                                    \
	X(SQ_SLUG_TAKEN, "SELECT EXISTS(SELECT 1 FROM articles WHERE slug = ?1) "                  \
			 "OR EXISTS(SELECT 1 FROM slug_redirects WHERE old_slug = ?1)")            \
	X(SQ_ARTICLE_INSERT,                                                                       \
	  "INSERT INTO articles(uuid, slug, language, section_id, status, headline, "              \
	  "highlights_intro, highlights, dateline, body_markdown, copyright, embargo_until, "      \
	  "publish_at, published_at, updated_at, created_at, translation_group, revision, "        \
	  "created_by, listed_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, "     \
	  "?13, "                                                                                  \
	  "?14, ?15, ?16, ?17, ?18, ?19, ?14) RETURNING id")                                       \
	X(SQ_ARTICLE_AUTHOR_ADD,                                                                   \
	  "INSERT INTO article_authors(article_id, author_id, position) VALUES (?1, ?2, ?3)")      \
	X(SQ_ARTICLE_TAG_ADD, "INSERT INTO article_tags(article_id, tag_id, position) "            \
			      "VALUES (?1, ?2, ?3) ON CONFLICT DO NOTHING")                        \
	X(SQ_ARTICLE_TAGS_ADD, "INSERT INTO article_tags(article_id, tag_id, position) "           \
			       "SELECT ?1, value, key FROM json_each(?2) WHERE true "              \
			       "ON CONFLICT DO NOTHING")                                           \
	X(SQ_MEDIA_INSERT, "INSERT INTO media(hash, mime, caption, credit, alt, width, height, "   \
			   "created_at, focal_x, focal_y, filename) VALUES (?1, ?2, ?3, ?4, ?5, "  \
			   "?6, ?7, ?8, ?9, ?10, ?11) RETURNING id")                               \
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
	  "a.revision, s.id, s.slug, s.name, s.position, a.created_by, a.listed_at "               \
	  "FROM articles a LEFT JOIN sections s ON s.id = a.section_id WHERE a.id = ?1")           \
	X(SQ_ARTICLE_AUTHORS, "SELECT " NZ__AUTHOR_COLS " FROM article_authors aa "                \
			      "JOIN authors au ON au.id = aa.author_id" NZ__AUTHOR_PROFILE " "     \
			      "WHERE aa.article_id = ?1 ORDER BY aa.position")                     \
	X(SQ_ARTICLE_TAGS, "SELECT t.id, t.slug, t.name, tp.profile FROM article_tags at "         \
			   "JOIN tags t ON t.id = at.tag_id" NZ__TAG_PROFILE " "                   \
			   "WHERE at.article_id = ?1 ORDER BY at.position, t.id")                  \
	X(SQ_ARTICLE_MEDIA,                                                                        \
	  "SELECT m.id, m.hash, m.mime, m.caption, m.credit, m.alt, m.width, m.height, "           \
	  "m.focal_x, m.focal_y, m.filename "                                                      \
	  "FROM article_media am JOIN media m ON m.id = am.media_id "                              \
	  "WHERE am.article_id = ?1 ORDER BY am.position")                                         \
	X(SQ_ARTICLE_CORRECTIONS, "SELECT id, created_at, text FROM corrections "                  \
				  "WHERE article_id = ?1 ORDER BY created_at, id")                 \
	X(SQ_ARTICLE_NOTES,                                                                        \
	  "SELECT text FROM import_notes WHERE article_id = ?1 ORDER BY position")                 \
	/* import sources and blobs */                                                             \
	X(SQ_IMPORT_FIND, "SELECT article_id FROM import_sources WHERE sha256 = ?1")               \
	X(SQ_WIRE_ADD, "INSERT INTO wire_feeds(url, format, section_slug, every_s, created_at) "   \
		       "VALUES (?1, ?2, ?3, ?4, ?5)")                                              \
	X(SQ_WIRE_LIST, "SELECT id, url, format, section_slug, every_s, etag, last_modified, "     \
			"polled_at, last_error, taken, created_at FROM wire_feeds ORDER BY id")    \
	X(SQ_WIRE_REMOVE, "DELETE FROM wire_feeds WHERE id = ?1")                                  \
	X(SQ_WIRE_POLLED, "UPDATE wire_feeds SET etag = ?2, last_modified = ?3, polled_at = ?4, "  \
			  "last_error = ?5, taken = ?6 WHERE id = ?1")                             \
	X(SQ_URL_REDIRECT_GET, "SELECT target FROM url_redirects WHERE path = ?1")                 \
	X(SQ_URL_REDIRECT_SET, "INSERT INTO url_redirects(path, target, created_at) "              \
			       "VALUES (?1, ?2, ?3) ON CONFLICT(path) DO UPDATE SET "              \
			       "target = excluded.target")                                         \
	X(SQ_URL_REDIRECT_ADD, "INSERT INTO url_redirects(path, target, created_at) "              \
			       "VALUES (?1, ?2, ?3) ON CONFLICT(path) DO NOTHING")                 \
	X(SQ_URL_REDIRECT_DELETE, "DELETE FROM url_redirects WHERE path = ?1")                     \
	X(SQ_URL_REDIRECT_SLUG_DELETE, "DELETE FROM slug_redirects WHERE old_slug = ?1")           \
	X(SQ_URL_REDIRECT_LIST, NZ__URL_REDIRECT_LIST("?1", "?2"))                                 \
	X(SQ_PAGE_INSERT, "INSERT INTO pages(slug, title, body_markdown, role, position, "         \
			  "revision, created_at, updated_at, translations) "                       \
			  "VALUES (?1, ?2, ?3, ?4, ?5, 1, ?6, ?6, ?7)")                            \
	X(SQ_PAGE_UPDATE,                                                                          \
	  "UPDATE pages SET slug = ?3, title = ?4, body_markdown = ?5, role = ?6, "                \
	  "position = ?7, revision = revision + 1, updated_at = ?8, translations = ?9 "            \
	  "WHERE id = ?1 AND revision = ?2")                                                       \
	X(SQ_PAGE_REVISION_ADD, NZ__PAGE_REVISION_ADD("?1", "?2"))                                 \
	X(SQ_PAGE_BY_SLUG, NZ__PAGE_COLUMNS " WHERE slug = ?1")                                    \
	X(SQ_PAGE_BY_ID, NZ__PAGE_COLUMNS " WHERE id = ?1")                                        \
	X(SQ_PAGE_LIST, NZ__PAGE_COLUMNS " ORDER BY position, title, id")                          \
	X(SQ_PAGE_IMPORT_FIND, "SELECT page_id, sha256, filename, notes, comments, updated_at "    \
			       "FROM page_imports WHERE key = ?1")                                 \
	X(SQ_PAGE_IMPORT_PUT,                                                                      \
	  "INSERT INTO page_imports(key, page_id, sha256, filename, bytes, notes, comments, "      \
	  "updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) ON CONFLICT(key) DO UPDATE SET "    \
	  "page_id = excluded.page_id, sha256 = excluded.sha256, filename = excluded.filename, "   \
	  "bytes = excluded.bytes, notes = excluded.notes, comments = excluded.comments, "         \
	  "updated_at = excluded.updated_at")                                                      \
	X(SQ_PAGE_REVISIONS,                                                                       \
	  "SELECT revision, slug, title, body_markdown, role, actor, saved_at, "                   \
	  "translations "                                                                          \
	  "FROM page_revisions WHERE page_id = ?1 ORDER BY revision DESC")                         \
	X(SQ_LIVE_START, NZ__LIVE_START("?1", "?2"))                                               \
	X(SQ_LIVE_END, NZ__LIVE_END("?1", "?2"))                                                   \
	X(SQ_LIVE_GET, NZ__LIVE_GET("?1"))                                                         \
	X(SQ_LIVE_UPDATES, NZ__LIVE_UPDATES("?1"))                                                 \
	X(SQ_LIVE_UPDATE_ADD,                                                                      \
	  NZ__LIVE_UPDATE_ADD("?1", "?2", "?3", "?4", "?5", "?6", "?7", "?8", "?9"))               \
	X(SQ_LIVE_UPDATE_EDIT,                                                                     \
	  NZ__LIVE_UPDATE_EDIT("?1", "?2", "?3", "?4", "?5", "?6", "?7", "?8", "?9", "?10"))       \
	X(SQ_LIVE_UPDATE_REVISION, NZ__LIVE_UPDATE_REVISION("?1", "?2"))                           \
	X(SQ_LIVE_UPDATE_DELETE, NZ__LIVE_UPDATE_DELETE("?1", "?2"))                               \
	X(SQ_FRONT_CLEAR, "DELETE FROM front_layouts WHERE language = ?1 AND section_id = ?2 "     \
			  "AND (starts_at = ?3 OR (?3 <= ?4 AND starts_at <= ?4))")                \
	X(SQ_FRONT_INSERT, "INSERT INTO front_layouts(language, section_id, starts_at, slots, "    \
			   "actor, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)")                   \
	X(SQ_FRONT_LIST, "SELECT id, language, section_id, starts_at, slots, actor, updated_at "   \
			 "FROM front_layouts WHERE language = ?1 AND section_id = ?2 "             \
			 "ORDER BY starts_at, id")                                                 \
	X(SQ_FRONT_DELETE, "DELETE FROM front_layouts WHERE id = ?1")                              \
	X(SQ_VIEWS_ADD, "INSERT INTO article_views(article_id, hour, views) "                      \
			"SELECT id, ?2, ?3 FROM articles WHERE slug = ?1 "                         \
			"ON CONFLICT(article_id, hour) DO UPDATE SET "                             \
			"views = article_views.views + excluded.views")                            \
	X(SQ_VIEWS_TELL, "INSERT INTO changes(key, at) VALUES ('most-read', ?1)")                  \
	X(SQ_MOST_READ, NZ__MOST_READ("?1", "?2", "?3", "?4"))                                     \
	X(SQ_VIEWS_SERIES, NZ__VIEWS_SERIES("?1", "?2"))                                           \
	X(SQ_READER_COUNTS_ADD, NZ__READER_COUNTS_ADD("?1", "?2", "?3", "?4"))                     \
	X(SQ_READER_COUNTS_TOP, NZ__READER_COUNTS_TOP("?1", "?2", "?3"))                           \
	X(SQ_IMPORT_ITEM_FIND, "SELECT article_id, sha256 FROM import_items WHERE key = ?1")       \
	X(SQ_IMPORT_ITEM_PUT,                                                                      \
	  "INSERT INTO import_items(key, article_id, sha256, comments, "                           \
	  "updated_at) VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT(key) DO UPDATE "                    \
	  "SET article_id = excluded.article_id, sha256 = excluded.sha256, "                       \
	  "comments = excluded.comments, updated_at = excluded.updated_at")                        \
	X(SQ_IMPORT_ADD, "INSERT INTO import_sources(article_id, filename, sha256, bytes, "        \
			 "created_at) VALUES (?1, ?2, ?3, ?4, ?5)")                                \
	X(SQ_IMPORT_GET, "SELECT filename, bytes FROM import_sources WHERE article_id = ?1 "       \
			 "ORDER BY id DESC LIMIT 1")                                               \
	X(SQ_BLOB_PUT, "INSERT INTO blobs(hash, mime, bytes, created_at) VALUES (?1, ?2, ?3, ?4) " \
		       "ON CONFLICT(hash) DO NOTHING")                                             \
	X(SQ_BLOB_GET, "SELECT mime, bytes FROM blobs WHERE hash = ?1")                            \
	X(SQ_BLOB_SIZE, "SELECT length(bytes) FROM blobs WHERE hash = ?1")                         \
	X(SQ_RENDITION_PUT, "INSERT INTO renditions(source, name, mime, bytes, created_at) "       \
			    "VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT(source, name) DO NOTHING")    \
	X(SQ_RENDITION_GET, "SELECT mime, bytes FROM renditions WHERE source = ?1 AND name = ?2")  \
	X(SQ_MEDIA_UNRENDERED,                                                                     \
	  "SELECT min(id), hash, mime, NULL, NULL, NULL, width, height, fx, fy, NULL FROM ("       \
	  "SELECT id, hash, mime, width, height, COALESCE(focal_x, 50) AS fx, "                    \
	  "COALESCE(focal_y, 50) AS fy FROM media WHERE hash IS NOT NULL) m "                      \
	  "WHERE NOT EXISTS (SELECT 1 FROM renditions r WHERE r.source = m.hash "                  \
	  "AND r.name = ?1 || fx || '-' || fy || ?2) GROUP BY hash, fx, fy ORDER BY min(id) "      \
	  "LIMIT ?3")

/* The media library's filters and keyset page after the text (queries of SQ_MEDIA_SEARCH*). */
#define NZ__MEDIA_FILTER                                                                           \
	"AND (?2 = 0 OR (?2 = 1) = (EXISTS (SELECT 1 FROM media o JOIN article_media am ON "       \
	"am.media_id = o.id WHERE o.hash = media.hash) OR EXISTS (SELECT 1 FROM media o JOIN "     \
	"live_updates lu ON lu.media_id = o.id WHERE o.hash = media.hash))) "                      \
	"AND (?3 = 0 OR created_at >= ?3) AND (?4 = 0 OR created_at < ?4) "                        \
	"AND (?7 = 0 OR uploaded_by = ?7) AND id < ?5 ORDER BY id DESC LIMIT ?6"

#define NZ__MEDIA_COLS                                                                             \
	"id, hash, mime, caption, credit, alt, width, height, focal_x, focal_y, filename"
/* A library photo: the first row of its bytes (an article's own rows of the same bytes, its
 * variants, are listed under it), with the number of articles that show the bytes through any of
 * their rows, in the body or in a live update. */
#define NZ__MEDIA_PHOTO                                                                            \
	"SELECT " NZ__MEDIA_COLS ", created_at, (SELECT count(*) FROM (SELECT am.article_id FROM " \
	"media o JOIN article_media am ON am.media_id = o.id WHERE o.hash = media.hash UNION "     \
	"SELECT lu.article_id FROM media o JOIN live_updates lu ON lu.media_id = o.id WHERE "      \
	"o.hash = media.hash)) FROM media WHERE hash IS NOT NULL AND NOT EXISTS (SELECT 1 FROM "   \
	"media o WHERE o.hash = media.hash AND o.id < media.id) "
#define NZ__USER_COLS "u.id, u.login, u.role, u.author_id, u.created_at, u.disabled_at"
/* A bit per status, for the admin list's mask (1 << nz_status). */
#define NZ__STATUS_BIT                                                                             \
	"(1 << CASE a.status WHEN 'draft' THEN 0 WHEN 'review' THEN 1 WHEN 'scheduled' THEN 2 "    \
	"WHEN 'published' THEN 3 ELSE 4 END)"

/* The back office's: settings read one by one, the audit log, users, sessions, tokens,
 * revisions, the workflow, media, sections. */
#define NZ__BO_QUERIES(X)                                                                          \
	X(SQ_SETTING_GET, "SELECT value FROM settings WHERE key = ?1")                             \
	X(SQ_SETTING_INSERT, "INSERT INTO settings(key, value) VALUES (?1, ?2) "                   \
			     "ON CONFLICT(key) DO NOTHING")                                        \
	X(SQ_AUDIT_ADD, "INSERT INTO audit_log(at, user_id, action, object_type, object_id, "      \
			"detail, article_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)")                 \
	X(SQ_AUDIT_LIST,                                                                           \
	  "SELECT l.id, l.at, l.user_id, u.login, l.action, l.object_type, l.object_id, "          \
	  "l.article_id, l.detail FROM audit_log l LEFT JOIN users u ON u.id = l.user_id "         \
	  "WHERE (?1 = 0 OR l.article_id = ?1) AND (?2 = 0 OR l.id < ?2) "                         \
	  "ORDER BY l.id DESC LIMIT ?3")                                                           \
	/* users */                                                                                \
	X(SQ_USER_INSERT, "INSERT INTO users(login, password_hash, role, author_id, created_at) "  \
			  "VALUES (?1, ?2, ?3, ?4, ?5) RETURNING id")                              \
	X(SQ_USER_GET, "SELECT " NZ__USER_COLS " FROM users u WHERE u.id = ?1")                    \
	X(SQ_USER_BY_LOGIN,                                                                        \
	  "SELECT " NZ__USER_COLS ", u.password_hash FROM users u WHERE u.login = ?1")             \
	X(SQ_USER_LIST, "SELECT " NZ__USER_COLS " FROM users u ORDER BY u.login")                  \
	X(SQ_USER_SET_ROLE, "UPDATE users SET role = ?2 WHERE id = ?1")                            \
	X(SQ_USER_SET_PASSWORD, "UPDATE users SET password_hash = ?2 WHERE id = ?1")               \
	X(SQ_USER_SET_DISABLED, "UPDATE users SET disabled_at = ?2 WHERE id = ?1")                 \
	/* sessions and sign-ins */                                                                \
	X(SQ_SESSIONS_OF_USER_DELETE, "DELETE FROM sessions WHERE user_id = ?1")                   \
	X(SQ_SESSION_PURGE, "DELETE FROM sessions WHERE expires_at <= ?1")                         \
	X(SQ_SESSION_INSERT, "INSERT INTO sessions(id, user_id, csrf, created_at, expires_at) "    \
			     "VALUES (?1, ?2, '', ?3, ?4)")                                        \
	X(SQ_SESSION_USER, "SELECT " NZ__USER_COLS ", s.expires_at, "                              \
			   "COALESCE(s.last_seen_at, s.created_at) FROM sessions s "               \
			   "JOIN users u ON u.id = s.user_id WHERE s.id = ?1 "                     \
			   "AND s.expires_at > ?2 AND u.disabled_at IS NULL")                      \
	X(SQ_SESSION_DELETE, "DELETE FROM sessions WHERE id = ?1 RETURNING user_id")               \
	X(SQ_SESSION_SEEN, "UPDATE sessions SET last_seen_at = ?2 WHERE id = ?1")                  \
	X(SQ_SESSION_DEVICE, "UPDATE sessions SET device = ?2 WHERE id = ?1")                      \
	X(SQ_SESSION_LIST, "SELECT substr(id, 1, 16), created_at, "                                \
			   "COALESCE(last_seen_at, created_at), expires_at, device FROM sessions " \
			   "WHERE user_id = ?1 AND expires_at > ?2 "                               \
			   "ORDER BY 3 DESC, created_at DESC")                                     \
	X(SQ_SESSION_END,                                                                          \
	  "DELETE FROM sessions WHERE user_id = ?1 "                                               \
	  "AND (?2 IS NULL OR substr(id, 1, 16) = ?2) AND (?3 IS NULL OR id <> ?3)")               \
	/* presence */                                                                             \
	X(SQ_PRESENCE_PURGE, "DELETE FROM presence WHERE seen_at < ?1")                            \
	X(SQ_PRESENCE_BEAT, "INSERT INTO presence(article_id, user_id, since, seen_at) "           \
			    "VALUES (?1, ?2, ?3, ?3) ON CONFLICT (article_id, user_id) "           \
			    "DO UPDATE SET seen_at = excluded.seen_at")                            \
	X(SQ_PRESENCE_LIST,                                                                        \
	  "SELECT p.user_id, COALESCE(a.display_name, u.login), p.since, "                         \
	  "p.seen_at FROM presence p JOIN users u ON u.id = p.user_id "                            \
	  "LEFT JOIN authors a ON a.id = u.author_id "                                             \
	  "WHERE p.article_id = ?1 AND p.seen_at >= ?2 ORDER BY p.since, u.login")                 \
	X(SQ_FAILURES_COUNT,                                                                       \
	  "SELECT (SELECT count(*) FROM login_failures WHERE login = ?1 AND at > ?3), "            \
	  "(SELECT count(*) FROM login_failures WHERE address = ?2 AND at > ?3)")                  \
	X(SQ_FAILURE_ADD, "INSERT INTO login_failures(login, address, user_id, at) "               \
			  "VALUES (?1, ?2, ?3, ?4)")                                               \
	X(SQ_FAILURES_CLEAR, "DELETE FROM login_failures WHERE login = ?1")                        \
	X(SQ_FAILURES_PURGE, "DELETE FROM login_failures WHERE at < ?1")                           \
	/* API tokens */                                                                           \
	X(SQ_TOKEN_INSERT, "INSERT INTO api_tokens(user_id, token_hash, name, created_at, "        \
			   "expires_at) VALUES (?1, ?2, ?3, ?4, ?5) RETURNING id")                 \
	X(SQ_TOKEN_USER, "SELECT " NZ__USER_COLS ", t.id FROM api_tokens t "                       \
			 "JOIN users u ON u.id = t.user_id WHERE t.token_hash = ?1 "               \
			 "AND t.revoked_at IS NULL AND u.disabled_at IS NULL "                     \
			 "AND (t.expires_at IS NULL OR t.expires_at > ?2)")                        \
	X(SQ_TOKENS_OF_USER_REVOKE, "UPDATE api_tokens SET revoked_at = ?2 "                       \
				    "WHERE user_id = ?1 AND revoked_at IS NULL")                   \
	X(SQ_TOKEN_TOUCH, "UPDATE api_tokens SET last_used_at = ?2 WHERE id = ?1 "                 \
			  "AND (last_used_at IS NULL OR last_used_at < ?2)")                       \
	X(SQ_TOKEN_REVOKE,                                                                         \
	  "UPDATE api_tokens SET revoked_at = ?2 WHERE id = ?1 AND revoked_at IS NULL")            \
	X(SQ_TOKEN_OWNER, "SELECT user_id FROM api_tokens WHERE id = ?1")                          \
	X(SQ_TOKEN_FIND, "SELECT id FROM api_tokens WHERE token_hash = ?1")                        \
	X(SQ_TOKEN_LIST, "SELECT t.id, t.user_id, u.login, t.name, t.created_at, t.last_used_at, " \
			 "t.revoked_at, t.expires_at FROM api_tokens t "                           \
			 "JOIN users u ON u.id = t.user_id "                                       \
			 "WHERE (?1 = 0 OR t.user_id = ?1) ORDER BY t.id DESC")                    \
	/* password-reset links */                                                                 \
	X(SQ_RESET_UPSERT,                                                                         \
	  "INSERT INTO password_resets(user_id, token_hash, created_by, created_at, expires_at) "  \
	  "VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT(user_id) DO UPDATE SET "                        \
	  "token_hash = excluded.token_hash, created_by = excluded.created_by, "                   \
	  "created_at = excluded.created_at, expires_at = excluded.expires_at, used_at = NULL")    \
	X(SQ_RESET_GET, "SELECT " NZ__USER_COLS ", r.created_at, r.expires_at, r.used_at "         \
			"FROM password_resets r JOIN users u ON u.id = r.user_id "                 \
			"WHERE r.token_hash = ?1")                                                 \
	X(SQ_RESET_USE,                                                                            \
	  "UPDATE password_resets SET used_at = ?2 WHERE token_hash = ?1 AND used_at IS NULL "     \
	  "AND expires_at > ?2 AND user_id IN (SELECT id FROM users WHERE disabled_at IS NULL) "   \
	  "RETURNING user_id")                                                                     \
	/* articles */                                                                             \
	X(SQ_ARTICLE_STATE, "SELECT revision, status, slug, published_at FROM articles "           \
			    "WHERE id = ?1")                                                       \
	X(SQ_SLUG_OWNER, "SELECT id FROM articles WHERE slug = ?1")                                \
	X(SQ_REDIRECT_OWNER, "SELECT article_id FROM slug_redirects WHERE old_slug = ?1")          \
	X(SQ_REDIRECT_DELETE, "DELETE FROM slug_redirects WHERE old_slug = ?1")                    \
	X(SQ_REDIRECT_ADD, "INSERT INTO slug_redirects(old_slug, article_id, created_at) "         \
			   "VALUES (?1, ?2, ?3) ON CONFLICT(old_slug) DO UPDATE SET "              \
			   "article_id = excluded.article_id, created_at = excluded.created_at")   \
	X(SQ_REDIRECT_TARGET, "SELECT a.slug FROM slug_redirects r "                               \
			      "JOIN articles a ON a.id = r.article_id WHERE r.old_slug = ?1")      \
	X(SQ_ARTICLE_SAVE,                                                                         \
	  "UPDATE articles SET slug = ?2, language = ?3, section_id = ?4, headline = ?5, "         \
	  "highlights_intro = ?6, highlights = ?7, dateline = ?8, body_markdown = ?9, "            \
	  "copyright = ?10, translation_group = ?11, updated_at = ?12, "                           \
	  "revision = revision + 1 WHERE id = ?1")                                                 \
	X(SQ_ARTICLE_SET_STATE,                                                                    \
	  "UPDATE articles SET status = ?2, publish_at = ?3, published_at = ?4, "                  \
	  "embargo_until = ?5, updated_at = ?6, revision = revision + 1 WHERE id = ?1")            \
	X(SQ_AUTHORS_CLEAR, "DELETE FROM article_authors WHERE article_id = ?1")                   \
	X(SQ_TAGS_CLEAR, "DELETE FROM article_tags WHERE article_id = ?1")                         \
	X(SQ_MEDIA_LINKS_CLEAR, "DELETE FROM article_media WHERE article_id = ?1")                 \
	X(SQ_CORRECTION_ADD, "INSERT INTO corrections(article_id, text, user_id, created_at) "     \
			     "VALUES (?1, ?2, ?3, ?4)")                                            \
	X(SQ_DUE, "SELECT id FROM articles WHERE status = 'scheduled' AND publish_at <= ?1 "       \
		  "ORDER BY publish_at, id LIMIT 100")                                             \
	X(SQ_NEXT_DUE, "SELECT min(publish_at) FROM articles WHERE status = 'scheduled'")          \
	X(SQ_TRANSLATION_GROUP, "SELECT COALESCE(translation_group, 0) FROM articles "             \
				"WHERE id = ?1")                                                   \
	X(SQ_TRANSLATION_MERGE,                                                                    \
	  "UPDATE articles SET translation_group = ?1 "                                            \
	  "WHERE id = ?2 OR id = ?3 OR (?4 != 0 AND translation_group = ?4) "                      \
	  "OR (?5 != 0 AND translation_group = ?5)")                                               \
	/* revisions */                                                                            \
	X(SQ_REVISION_LIST, "SELECT r.id, r.article_id, r.revision, r.user_id, u.login, r.note, "  \
			    "r.created_at FROM revisions r LEFT JOIN users u ON u.id = r.user_id " \
			    "WHERE r.article_id = ?1 ORDER BY r.revision DESC")                    \
	X(SQ_REVISION_GET, "SELECT r.id, r.article_id, r.revision, r.user_id, u.login, r.note, "   \
			   "r.created_at, r.snapshot FROM revisions r "                            \
			   "LEFT JOIN users u ON u.id = r.user_id "                                \
			   "WHERE r.article_id = ?1 AND r.revision = ?2")                          \
	/* media and sections */                                                                   \
	X(SQ_MEDIA_GET, "SELECT " NZ__MEDIA_COLS " FROM media WHERE id = ?1")                      \
	X(SQ_ARTICLE_PHOTOS,                                                                       \
	  "SELECT m.id, m.hash, m.mime, m.caption, m.credit, m.alt, m.width, m.height, "           \
	  "m.focal_x, m.focal_y, m.filename, am.article_id FROM article_media am JOIN media m ON " \
	  "m.id = am.media_id "                                                                    \
	  "WHERE am.article_id BETWEEN ?1 AND ?2 AND m.hash IS NOT NULL "                          \
	  "ORDER BY am.article_id, am.position")                                                   \
	X(SQ_MEDIA_LIST, "SELECT " NZ__MEDIA_COLS " FROM media "                                   \
			 "WHERE hash IS NOT NULL ORDER BY id DESC LIMIT ?1 OFFSET ?2")             \
	/* the media library: ?2 used (1) / unused (-1) / either (0), ?3..?4 the upload times (0:  \
	 * open), ?5 the keyset (ids below it: a range of the key), ?6 the limit; with text, ?1 an \
	 * FTS5 query of prefixes, the index giving the ids */                                     \
	X(SQ_MEDIA_SEARCH, NZ__MEDIA_PHOTO "AND ?1 IS NULL " NZ__MEDIA_FILTER)                     \
	/* one uploader's photos: read from the index media_uploader (uploaded_by, id) */          \
	X(SQ_MEDIA_SEARCH_UPLOADER,                                                                \
	  NZ__MEDIA_PHOTO "AND uploaded_by = ?7 AND ?1 IS NULL " NZ__MEDIA_FILTER)                 \
	X(SQ_MEDIA_UPLOADERS,                                                                      \
	  "SELECT u.id, u.login FROM users u WHERE EXISTS (SELECT 1 FROM media m "                 \
	  "WHERE m.uploaded_by = u.id AND m.hash IS NOT NULL AND NOT EXISTS (SELECT 1 FROM "       \
	  "media o WHERE o.hash = m.hash AND o.id < m.id)) ORDER BY u.login")                      \
	X(SQ_MEDIA_SET_UPLOADER, "UPDATE media SET uploaded_by = ?2 WHERE id = ?1 AND EXISTS "     \
				 "(SELECT 1 FROM users WHERE id = ?2)")                            \
	/* the words may be those of a variant's texts: its photo is found */                      \
	X(SQ_MEDIA_SEARCH_TEXT,                                                                    \
	  NZ__MEDIA_PHOTO "AND hash IN (SELECT t.hash FROM media t WHERE t.id IN (SELECT rowid "   \
			  "FROM media_fts WHERE media_fts MATCH ?1)) " NZ__MEDIA_FILTER)           \
	/* in an article's photos or in one of its live updates */                                 \
	X(SQ_MEDIA_USES, "SELECT a.id, a.uuid, a.slug, a.headline, a.status, a.language "          \
			 "FROM articles a WHERE a.id IN (SELECT article_id FROM article_media "    \
			 "WHERE media_id = ?1 UNION SELECT article_id FROM live_updates "          \
			 "WHERE media_id = ?1) ORDER BY a.id DESC")                                \
	X(SQ_MEDIA_UPDATE, "UPDATE media SET caption = ?2, credit = ?3, alt = ?4, focal_x = ?5, "  \
			   "focal_y = ?6 WHERE id = ?1 AND hash IS NOT NULL")                      \
	X(SQ_MEDIA_USED, "SELECT (SELECT count(*) FROM article_media WHERE media_id = ?1) + "      \
			 "(SELECT count(*) FROM live_updates WHERE media_id = ?1)")                \
	X(SQ_MEDIA_DELETE, "DELETE FROM media WHERE id = ?1 AND hash IS NOT NULL")                 \
	X(SQ_MEDIA_REV_FIRST,                                                                      \
	  "INSERT INTO media_revisions(media_id, user_id, created_at, caption, credit, alt, "      \
	  "focal_x, focal_y) SELECT id, NULL, created_at, caption, credit, alt, focal_x, focal_y " \
	  "FROM media WHERE id = ?1 AND hash IS NOT NULL "                                         \
	  "AND NOT EXISTS (SELECT 1 FROM media_revisions WHERE media_id = ?1)")                    \
	X(SQ_MEDIA_REV_ADD,                                                                        \
	  "INSERT INTO media_revisions(media_id, user_id, created_at, caption, credit, alt, "      \
	  "focal_x, focal_y) SELECT m.id, NULLIF(?2, 0), ?3, m.caption, m.credit, m.alt, "         \
	  "m.focal_x, m.focal_y FROM media m WHERE m.id = ?1 AND NOT EXISTS (SELECT 1 FROM "       \
	  "media_revisions r WHERE r.id = (SELECT max(id) FROM media_revisions WHERE "             \
	  "media_id = ?1) AND r.caption IS m.caption AND r.credit IS m.credit AND r.alt IS m.alt " \
	  "AND r.focal_x IS m.focal_x AND r.focal_y IS m.focal_y)")                                \
	/* a variant (an article's own row for the same bytes) starts with its source's history,   \
	 */                                                                                        \
	/* or the source's state when it has none */                                               \
	X(SQ_MEDIA_REV_INHERIT,                                                                    \
	  "INSERT INTO media_revisions(media_id, user_id, created_at, caption, credit, alt, "      \
	  "focal_x, focal_y) SELECT ?2, user_id, created_at, caption, credit, alt, focal_x, "      \
	  "focal_y FROM (SELECT id, user_id, created_at, caption, credit, alt, focal_x, focal_y "  \
	  "FROM media_revisions WHERE media_id = ?1 UNION ALL SELECT 0, NULL, created_at, "        \
	  "caption, credit, alt, focal_x, focal_y FROM media WHERE id = ?1 AND NOT EXISTS "        \
	  "(SELECT 1 FROM media_revisions WHERE media_id = ?1)) ORDER BY id")                      \
	X(SQ_MEDIA_VARIANTS,                                                                       \
	  "SELECT o.id, o.caption, a.id, a.slug, a.headline FROM media m JOIN media o ON "         \
	  "o.hash = m.hash AND o.id <> m.id JOIN article_media am ON am.media_id = o.id JOIN "     \
	  "articles a ON a.id = am.article_id WHERE m.id = ?1 AND m.hash IS NOT NULL "             \
	  "GROUP BY o.id, a.id ORDER BY a.id DESC, o.id DESC LIMIT 200")                           \
	X(SQ_MEDIA_REVISIONS,                                                                      \
	  "SELECT r.id, COALESCE(r.user_id, 0), u.login, r.created_at, r.caption, r.credit, "      \
	  "r.alt, r.focal_x, r.focal_y FROM media_revisions r LEFT JOIN users u "                  \
	  "ON u.id = r.user_id WHERE r.media_id = ?1 ORDER BY r.id DESC LIMIT 200")                \
	X(SQ_SECTION_INSERT,                                                                       \
	  "INSERT INTO sections(slug, name, position, names) VALUES (?1, ?2, ?3, ?4) "             \
	  "RETURNING id")                                                                          \
	X(SQ_SECTION_UPDATE,                                                                       \
	  "UPDATE sections SET slug = ?2, name = ?3, position = ?4, names = ?5 WHERE id = ?1")     \
	/* authors from the back office (authors.c) */                                             \
	X(SQ_AUTHOR_SAVE,                                                                          \
	  "UPDATE authors SET display_name = ?2, family_name = ?3, given_name = ?4, "              \
	  "name_order = ?5, email = ?6, bio = ?7 WHERE slug = ?1 RETURNING id")                    \
	X(SQ_AUTHOR_PROFILE_SET,                                                                   \
	  "INSERT INTO author_profiles(author_id, profile) VALUES (?1, ?2) ON "                    \
	  "CONFLICT(author_id) "                                                                   \
	  "DO UPDATE SET profile = excluded.profile WHERE profile IS NOT excluded.profile")        \
	X(SQ_AUTHOR_PROFILE_DEL, "DELETE FROM author_profiles WHERE author_id = ?1")               \
	X(SQ_AUTHOR_ID, "SELECT id FROM authors WHERE slug = ?1")                                  \
	X(SQ_AUTHOR_MOVE_BYLINES,                                                                  \
	  "UPDATE article_authors SET author_id = ?2 WHERE author_id = ?1 AND article_id NOT IN "  \
	  "(SELECT article_id FROM article_authors WHERE author_id = ?2)")                         \
	X(SQ_AUTHOR_DROP_BYLINES, "DELETE FROM article_authors WHERE author_id = ?1")              \
	X(SQ_AUTHOR_MOVE_USERS, "UPDATE users SET author_id = ?2 WHERE author_id = ?1")            \
	X(SQ_AUTHOR_MOVE_REVISIONS, "UPDATE revisions SET author_id = ?2 WHERE author_id = ?1")    \
	X(SQ_AUTHOR_DELETE, "DELETE FROM authors WHERE id = ?1")                                   \
	X(SQ_REDIRECT_RETARGET, "UPDATE url_redirects SET target = ?2 WHERE target = ?1")          \
	X(SQ_TAG_SAVE, "UPDATE tags SET name = ?2 WHERE slug = ?1 RETURNING id")                   \
	X(SQ_TAG_PROFILE_SET,                                                                      \
	  "INSERT INTO tag_profiles(tag_id, profile) VALUES (?1, ?2) ON CONFLICT(tag_id) "         \
	  "DO UPDATE SET profile = excluded.profile WHERE profile IS NOT excluded.profile")        \
	X(SQ_TAG_PROFILE_DEL, "DELETE FROM tag_profiles WHERE tag_id = ?1")                        \
	X(SQ_TAG_ID, "SELECT id FROM tags WHERE slug = ?1")                                        \
	X(SQ_TAG_RENAME, "UPDATE tags SET slug = ?2 WHERE slug = ?1 RETURNING id")                 \
	X(SQ_TAG_MOVE_ARTICLES,                                                                    \
	  "UPDATE article_tags SET tag_id = ?2 WHERE tag_id = ?1 AND article_id NOT IN "           \
	  "(SELECT article_id FROM article_tags WHERE tag_id = ?2)")                               \
	X(SQ_TAG_DROP_ARTICLES, "DELETE FROM article_tags WHERE tag_id = ?1")                      \
	X(SQ_TAG_DELETE, "DELETE FROM tags WHERE id = ?1")

/* Every fixed statement's id: its slot in the handle's one statement cache (sqlite_int.h). */
typedef enum {
#define NZ__SQ_ENUM(name, sql) name,
	NZ__SQ_QUERIES(NZ__SQ_ENUM) NZ__BO_QUERIES(NZ__SQ_ENUM)
#undef NZ__SQ_ENUM
	    SQ_COUNT
} nz__sq_id;

#endif
