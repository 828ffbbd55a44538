/*
 * backoffice_sql.h: the SQLite back office's statements, one X-macro table like
 * queries.h, cached per handle in nz__sqlite.bo_stmts, and the helpers its files share.
 * Only src/store/sqlite/backoffice*.c include this.
 */
#ifndef NZ_STORE_SQLITE_BACKOFFICE_SQL_H
#define NZ_STORE_SQLITE_BACKOFFICE_SQL_H

#include "store/backoffice_int.h"
#include "store/sqlite/sqlite_int.h"

#define NZ__USER_COLS "u.id, u.login, u.role, u.author_id, u.created_at, u.disabled_at"
/* A bit per status, for the admin list's mask (1 << nz_status). */
#define NZ__STATUS_BIT                                                                             \
	"(1 << CASE a.status WHEN 'draft' THEN 0 WHEN 'review' THEN 1 WHEN 'scheduled' THEN 2 "    \
	"WHEN 'published' THEN 3 ELSE 4 END)"

#define NZ__BO_QUERIES(X)                                                                          \
	X(BQ_SETTING_GET, "SELECT value FROM settings WHERE key = ?1")                             \
	X(BQ_SETTING_INSERT, "INSERT INTO settings(key, value) VALUES (?1, ?2) "                   \
			     "ON CONFLICT(key) DO NOTHING")                                        \
	X(BQ_AUDIT_ADD, "INSERT INTO audit_log(at, user_id, action, object_type, object_id, "      \
			"detail, article_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)")                 \
	X(BQ_AUDIT_LIST,                                                                           \
	  "SELECT l.id, l.at, l.user_id, u.login, l.action, l.object_type, l.object_id, "          \
	  "l.article_id, l.detail FROM audit_log l LEFT JOIN users u ON u.id = l.user_id "         \
	  "WHERE (?1 = 0 OR l.article_id = ?1) AND (?2 = 0 OR l.id < ?2) "                         \
	  "ORDER BY l.id DESC LIMIT ?3")                                                           \
	/* users */                                                                                \
	X(BQ_USER_INSERT, "INSERT INTO users(login, password_hash, role, author_id, created_at) "  \
			  "VALUES (?1, ?2, ?3, ?4, ?5) RETURNING id")                              \
	X(BQ_USER_GET, "SELECT " NZ__USER_COLS " FROM users u WHERE u.id = ?1")                    \
	X(BQ_USER_BY_LOGIN,                                                                        \
	  "SELECT " NZ__USER_COLS ", u.password_hash FROM users u WHERE u.login = ?1")             \
	X(BQ_USER_LIST, "SELECT " NZ__USER_COLS " FROM users u ORDER BY u.login")                  \
	X(BQ_USER_SET_ROLE, "UPDATE users SET role = ?2 WHERE id = ?1")                            \
	X(BQ_USER_SET_PASSWORD, "UPDATE users SET password_hash = ?2 WHERE id = ?1")               \
	X(BQ_USER_SET_DISABLED, "UPDATE users SET disabled_at = ?2 WHERE id = ?1")                 \
	/* sessions and sign-ins */                                                                \
	X(BQ_SESSIONS_OF_USER_DELETE, "DELETE FROM sessions WHERE user_id = ?1")                   \
	X(BQ_SESSION_PURGE, "DELETE FROM sessions WHERE expires_at <= ?1")                         \
	X(BQ_SESSION_INSERT, "INSERT INTO sessions(id, user_id, csrf, created_at, expires_at) "    \
			     "VALUES (?1, ?2, '', ?3, ?4)")                                        \
	X(BQ_SESSION_USER, "SELECT " NZ__USER_COLS ", s.expires_at FROM sessions s "               \
			   "JOIN users u ON u.id = s.user_id WHERE s.id = ?1 "                     \
			   "AND s.expires_at > ?2 AND u.disabled_at IS NULL")                      \
	X(BQ_SESSION_DELETE, "DELETE FROM sessions WHERE id = ?1 RETURNING user_id")               \
	X(BQ_FAILURES_COUNT,                                                                       \
	  "SELECT (SELECT count(*) FROM login_failures WHERE login = ?1 AND at > ?3), "            \
	  "(SELECT count(*) FROM login_failures WHERE address = ?2 AND at > ?3)")                  \
	X(BQ_FAILURE_ADD, "INSERT INTO login_failures(login, address, user_id, at) "               \
			  "VALUES (?1, ?2, ?3, ?4)")                                               \
	X(BQ_FAILURES_CLEAR, "DELETE FROM login_failures WHERE login = ?1")                        \
	X(BQ_FAILURES_PURGE, "DELETE FROM login_failures WHERE at < ?1")                           \
	/* API tokens */                                                                           \
	X(BQ_TOKEN_INSERT, "INSERT INTO api_tokens(user_id, token_hash, name, created_at) "        \
			   "VALUES (?1, ?2, ?3, ?4) RETURNING id")                                 \
	X(BQ_TOKEN_USER, "SELECT " NZ__USER_COLS ", t.id FROM api_tokens t "                       \
			 "JOIN users u ON u.id = t.user_id WHERE t.token_hash = ?1 "               \
			 "AND t.revoked_at IS NULL AND u.disabled_at IS NULL")                     \
	X(BQ_TOKEN_TOUCH, "UPDATE api_tokens SET last_used_at = ?2 WHERE id = ?1 "                 \
			  "AND (last_used_at IS NULL OR last_used_at < ?2)")                       \
	X(BQ_TOKEN_REVOKE,                                                                         \
	  "UPDATE api_tokens SET revoked_at = ?2 WHERE id = ?1 AND revoked_at IS NULL")            \
	X(BQ_TOKEN_OWNER, "SELECT user_id FROM api_tokens WHERE id = ?1")                          \
	X(BQ_TOKEN_FIND, "SELECT id FROM api_tokens WHERE token_hash = ?1")                        \
	X(BQ_TOKEN_LIST, "SELECT t.id, t.user_id, u.login, t.name, t.created_at, t.last_used_at, " \
			 "t.revoked_at FROM api_tokens t JOIN users u ON u.id = t.user_id "        \
			 "WHERE (?1 = 0 OR t.user_id = ?1) ORDER BY t.id DESC")                    \
	/* articles */                                                                             \
	X(BQ_ARTICLE_STATE, "SELECT revision, status, slug, published_at FROM articles "           \
			    "WHERE id = ?1")                                                       \
	X(BQ_SLUG_OWNER, "SELECT id FROM articles WHERE slug = ?1")                                \
	X(BQ_REDIRECT_OWNER, "SELECT article_id FROM slug_redirects WHERE old_slug = ?1")          \
	X(BQ_REDIRECT_DELETE, "DELETE FROM slug_redirects WHERE old_slug = ?1")                    \
	X(BQ_REDIRECT_ADD, "INSERT INTO slug_redirects(old_slug, article_id, created_at) "         \
			   "VALUES (?1, ?2, ?3) ON CONFLICT(old_slug) DO UPDATE SET "              \
			   "article_id = excluded.article_id, created_at = excluded.created_at")   \
	X(BQ_REDIRECT_TARGET, "SELECT a.slug FROM slug_redirects r "                               \
			      "JOIN articles a ON a.id = r.article_id WHERE r.old_slug = ?1")      \
	X(BQ_ARTICLE_SAVE,                                                                         \
	  "UPDATE articles SET slug = ?2, language = ?3, section_id = ?4, headline = ?5, "         \
	  "highlights_intro = ?6, highlights = ?7, dateline = ?8, body_markdown = ?9, "            \
	  "copyright = ?10, translation_group = ?11, updated_at = ?12, "                           \
	  "revision = revision + 1 WHERE id = ?1")                                                 \
	X(BQ_ARTICLE_SET_STATE,                                                                    \
	  "UPDATE articles SET status = ?2, publish_at = ?3, published_at = ?4, "                  \
	  "embargo_until = ?5, updated_at = ?6, revision = revision + 1 WHERE id = ?1")            \
	X(BQ_AUTHORS_CLEAR, "DELETE FROM article_authors WHERE article_id = ?1")                   \
	X(BQ_TAGS_CLEAR, "DELETE FROM article_tags WHERE article_id = ?1")                         \
	X(BQ_MEDIA_LINKS_CLEAR, "DELETE FROM article_media WHERE article_id = ?1")                 \
	X(BQ_CORRECTION_ADD, "INSERT INTO corrections(article_id, text, user_id, created_at) "     \
			     "VALUES (?1, ?2, ?3, ?4)")                                            \
	X(BQ_DUE, "SELECT id FROM articles WHERE status = 'scheduled' AND publish_at <= ?1 "       \
		  "ORDER BY publish_at, id LIMIT 100")                                             \
	X(BQ_NEXT_DUE, "SELECT min(publish_at) FROM articles WHERE status = 'scheduled'")          \
	X(BQ_ADMIN_LIST, "SELECT a.id FROM articles a WHERE (?1 = 0 OR (" NZ__STATUS_BIT           \
			 " & ?1) != 0) AND (?2 = 0 OR a.created_by = ?2) "                         \
			 "ORDER BY a.updated_at DESC, a.id DESC LIMIT ?3 OFFSET ?4")               \
	X(BQ_ADMIN_COUNT, "SELECT count(*) FROM articles a WHERE (?1 = 0 OR (" NZ__STATUS_BIT      \
			  " & ?1) != 0) AND (?2 = 0 OR a.created_by = ?2)")                        \
	X(BQ_TRANSLATION_GROUP, "SELECT COALESCE(translation_group, 0) FROM articles "             \
				"WHERE id = ?1")                                                   \
	X(BQ_TRANSLATION_MERGE,                                                                    \
	  "UPDATE articles SET translation_group = ?1 "                                            \
	  "WHERE id = ?2 OR id = ?3 OR (?4 != 0 AND translation_group = ?4) "                      \
	  "OR (?5 != 0 AND translation_group = ?5)")                                               \
	/* revisions */                                                                            \
	X(BQ_REVISION_LIST, "SELECT r.id, r.article_id, r.revision, r.user_id, u.login, r.note, "  \
			    "r.created_at FROM revisions r LEFT JOIN users u ON u.id = r.user_id " \
			    "WHERE r.article_id = ?1 ORDER BY r.revision DESC")                    \
	X(BQ_REVISION_GET, "SELECT r.id, r.article_id, r.revision, r.user_id, u.login, r.note, "   \
			   "r.created_at, r.snapshot FROM revisions r "                            \
			   "LEFT JOIN users u ON u.id = r.user_id "                                \
			   "WHERE r.article_id = ?1 AND r.revision = ?2")                          \
	/* media and sections */                                                                   \
	X(BQ_MEDIA_GET, "SELECT id, hash, mime, caption, credit, alt, width, height FROM media "   \
			"WHERE id = ?1")                                                           \
	X(BQ_MEDIA_LIST, "SELECT id, hash, mime, caption, credit, alt, width, height FROM media "  \
			 "WHERE hash IS NOT NULL ORDER BY id DESC LIMIT ?1 OFFSET ?2")             \
	X(BQ_SECTION_INSERT, "INSERT INTO sections(slug, name, position) VALUES (?1, ?2, ?3) "     \
			     "RETURNING id")                                                       \
	X(BQ_SECTION_UPDATE, "UPDATE sections SET slug = ?2, name = ?3, position = ?4 "            \
			     "WHERE id = ?1")

typedef enum {
#define NZ__BQ_ENUM(name, sql) name,
	NZ__BO_QUERIES(NZ__BQ_ENUM)
#undef NZ__BQ_ENUM
	    BQ_COUNT
} nz__bq_id;

_Static_assert(BQ_COUNT <= NZ__BO_STMTS, "raise NZ__BO_STMTS in sqlite_int.h");

/* The cached statement id, reset with bindings cleared. */
nz_rc nz__bq_stmt(nz__sqlite *h, nz__bq_id id, sqlite3_stmt **out, nz_err *err);
/* Adds an audit_log row (article_id: 0 for none; actor 0: NULL). Runs in the caller's
 * transaction. */
nz_rc nz__bq_audit(nz__sqlite *h, int64_t actor, const char *action, const char *object_type,
		   int64_t object_id, int64_t article_id, const char *detail, nz_err *err);
/* Fills u from a row of NZ__USER_COLS starting at column col. */
nz_rc nz__bq_user_row(nz_arena *arena, sqlite3_stmt *st, int col, nz_user *u);
/* Fills m from a row of (id, hash, mime, caption, credit, alt, width, height). */
nz_rc nz__bq_media_row(nz_arena *arena, sqlite3_stmt *st, void *item);

/* The functions of nz__sq_bo_ops, by file. */
/* backoffice_users.c */
nz_rc nz__bq_setting_get(nz_store *s, nz_arena *arena, const char *key, const char **value,
			 nz_err *err);
nz_rc nz__bq_setting_ensure(nz_store *s, nz_arena *arena, const char *key, const char *value,
			    const char **stored, nz_err *err);
nz_rc nz__bq_user_create(nz_store *s, int64_t actor, nz_user *u, const char *password_hash,
			 nz_err *err);
nz_rc nz__bq_user_get(nz_store *s, nz_arena *arena, int64_t id, nz_user **out, nz_err *err);
nz_rc nz__bq_user_by_login(nz_store *s, nz_arena *arena, const char *login, nz_user **out,
			   const char **password_hash, nz_err *err);
nz_rc nz__bq_user_list(nz_store *s, nz_arena *arena, nz_user **out, size_t *n, nz_err *err);
nz_rc nz__bq_user_set_role(nz_store *s, int64_t actor, int64_t user_id, nz_role role, nz_err *err);
nz_rc nz__bq_user_set_password(nz_store *s, int64_t actor, int64_t user_id,
			       const char *password_hash, nz_err *err);
nz_rc nz__bq_user_set_disabled(nz_store *s, int64_t actor, int64_t user_id, bool disabled,
			       nz_err *err);
nz_rc nz__bq_session_create(nz_store *s, const char *id_hash, int64_t user_id, nz_time expires_at,
			    const char *address, nz_err *err);
nz_rc nz__bq_session_user(nz_store *s, nz_arena *arena, const char *id_hash, nz_time now,
			  nz_user **out, nz_time *expires_at, nz_err *err);
nz_rc nz__bq_session_delete(nz_store *s, const char *id_hash, nz_err *err);
nz_rc nz__bq_login_failures(nz_store *s, const char *login, const char *address, nz_time since,
			    int *by_login, int *by_address, nz_err *err);
nz_rc nz__bq_login_failed(nz_store *s, const char *login, const char *address, int64_t user_id,
			  nz_err *err);
/* backoffice_tokens.c */
nz_rc nz__bq_token_create(nz_store *s, int64_t actor, int64_t user_id, const char *token_hash,
			  const char *name, int64_t *id, nz_err *err);
nz_rc nz__bq_token_user(nz_store *s, nz_arena *arena, const char *token_hash, nz_time now,
			nz_user **out, int64_t *token_id, nz_err *err);
nz_rc nz__bq_token_revoke(nz_store *s, int64_t actor, int64_t token_id, nz_err *err);
nz_rc nz__bq_token_find(nz_store *s, const char *token_hash, int64_t *token_id, nz_err *err);
nz_rc nz__bq_token_list(nz_store *s, nz_arena *arena, int64_t user_id, nz_api_token **out,
			size_t *n, nz_err *err);
nz_rc nz__bq_audit_add(nz_store *s, int64_t actor, const char *action, const char *object_type,
		       int64_t object_id, const char *detail, nz_err *err);
nz_rc nz__bq_audit_list(nz_store *s, nz_arena *arena, const nz_audit_query *q, nz_audit_entry **out,
			size_t *n, nz_err *err);
/* backoffice_articles.c */
nz_rc nz__bq_article_create_by(nz_store *s, nz_arena *arena, int64_t actor, nz_article *a,
			       const char *note, nz_err *err);
nz_rc nz__bq_article_update(nz_store *s, nz_arena *arena, int64_t actor, nz_article *a,
			    int64_t base_revision, const char *note, nz_err *err);
/* Inserts revision a->revision of a (its snapshot) for actor with note. */
nz_rc nz__bq_revision_add(nz__sqlite *h, const nz_article *a, int64_t actor, const char *note,
			  nz_time now, nz_err *err);
/* backoffice_workflow.c */
nz_rc nz__bq_article_transition(nz_store *s, nz_arena *arena, int64_t actor, int64_t id,
				nz_event ev, nz_time at, const char *text, int64_t base_revision,
				nz_article **out, nz_err *err);
nz_rc nz__bq_publish_due(nz_store *s, nz_time now, size_t *n, nz_err *err);
nz_rc nz__bq_next_scheduled(nz_store *s, nz_time *at, nz_err *err);
nz_rc nz__bq_admin_article_list(nz_store *s, nz_arena *arena, const nz_admin_query *q,
				nz_article_list *out, nz_err *err);
nz_rc nz__bq_article_link_translation(nz_store *s, int64_t actor, int64_t id, int64_t other_id,
				      nz_err *err);
nz_rc nz__bq_slug_redirect(nz_store *s, nz_arena *arena, const char *old_slug,
			   const char **new_slug, nz_err *err);
/* backoffice_media.c */
nz_rc nz__bq_revision_list(nz_store *s, nz_arena *arena, int64_t article_id, nz_revision **out,
			   size_t *n, nz_err *err);
nz_rc nz__bq_revision_get(nz_store *s, nz_arena *arena, int64_t article_id, int64_t revision,
			  nz_revision **out, nz_err *err);
nz_rc nz__bq_media_add(nz_store *s, int64_t actor, nz_media *m, const void *bytes, size_t len,
		       nz_err *err);
nz_rc nz__bq_media_get(nz_store *s, nz_arena *arena, int64_t id, nz_media **out, nz_err *err);
nz_rc nz__bq_media_list(nz_store *s, nz_arena *arena, size_t limit, size_t offset, nz_media **out,
			size_t *n, nz_err *err);
nz_rc nz__bq_section_save(nz_store *s, int64_t actor, nz_section *sec, nz_err *err);

#endif
