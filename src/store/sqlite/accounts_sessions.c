/*
 * accounts_sessions.c: a user's own sessions in SQLite (the list they see, ending one or all
 * others, the device label) and presence in the editor (who has an article open). Signing in,
 * the session's user and signing out are in accounts.c.
 *
 * Rules: a session is named outside the store by the first NZ_SESSION_PREFIX hex digits of its
 * hash only; ending sessions and its audit row commit together; presence rows older than the
 * expiry are ignored when read and deleted by the next heartbeat.
 */
#include <stdio.h>
#include <string.h>

#include "store/sqlite/sqlite_int.h"

nz_rc nz__sq_session_device(nz_store *s, const char *id_hash, const char *device, nz_err *err)
{
	nz__sqlite *h = nz__sq(s);
	sqlite3_stmt *st;
	nz_rc rc = nz__sq_stmt(h, SQ_SESSION_DEVICE, &st, err);
	if (rc)
		return rc;
	if (nz__sq_bind_text(st, 1, id_hash) || nz__sq_bind_text(st, 2, device))
		return nz__sq_bind_error(h, "session", err);
	return nz__sq_exec(h, st, "session", err);
}

static nz_rc session_item(nz_arena *arena, sqlite3_stmt *st, void *item)
{
	nz_session_info *si = item;
	const unsigned char *id = sqlite3_column_text(st, 0);
	if (id)
		strncpy(si->id, (const char *)id, NZ_SESSION_PREFIX);
	si->created_at = sqlite3_column_int64(st, 1);
	si->last_seen_at = sqlite3_column_int64(st, 2);
	si->expires_at = sqlite3_column_int64(st, 3);
	return nz__sq_col_text(arena, st, 4, &si->device) ? NZ_NOMEM : NZ_OK;
}

nz_rc nz__sq_session_list(nz_store *s, nz_arena *arena, int64_t user_id, nz_time now,
			  nz_session_info **out, size_t *n, nz_err *err)
{
	nz__sqlite *h = nz__sq(s);
	sqlite3_stmt *st;
	nz_rc rc = nz__sq_stmt(h, SQ_SESSION_LIST, &st, err);
	if (rc)
		return rc;
	if (sqlite3_bind_int64(st, 1, user_id) || sqlite3_bind_int64(st, 2, now))
		return nz__sq_bind_error(h, "sessions", err);
	return nz__sq_collect(h, st, "sessions", sizeof(nz_session_info), session_item, arena,
			      (void **)out, n, err);
}

nz_rc nz__sq_session_end(nz_store *s, int64_t user_id, const char *prefix, const char *keep,
			 int *ended, nz_err *err)
{
	nz__sqlite *h = nz__sq(s);
	sqlite3_stmt *st;
	nz_rc rc = nz__sq_begin(h, err);
	if (rc)
		return rc;
	if (!(rc = nz__sq_stmt(h, SQ_SESSION_END, &st, err))) {
		if (sqlite3_bind_int64(st, 1, user_id) || nz__sq_bind_text(st, 2, prefix) ||
		    nz__sq_bind_text(st, 3, keep))
			rc = nz__sq_bind_error(h, "sessions", err);
		else
			rc = nz__sq_exec(h, st, "sessions", err);
	}
	if (!rc && (*ended = sqlite3_changes(h->db)) > 0) {
		char detail[48];
		snprintf(detail, sizeof detail, "%d session(s) ended by their user", *ended);
		rc = nz__sq_audit(h, user_id, "user.logout", "user", user_id, 0, detail, err);
	}
	return nz__sq_end(h, rc, err);
}

/* ---- presence ------------------------------------------------------------------------------ */

nz_rc nz__sq_presence_beat(nz_store *s, int64_t article_id, int64_t user_id, nz_time now,
			   nz_time ttl, nz_err *err)
{
	nz__sqlite *h = nz__sq(s);
	sqlite3_stmt *st;
	nz_rc rc = nz__sq_begin(h, err);
	if (rc)
		return rc;
	/* Expired visits go first, so the upsert starts a new visit (since = now) for them. */
	if (!(rc = nz__sq_stmt(h, SQ_PRESENCE_PURGE, &st, err)))
		rc = sqlite3_bind_int64(st, 1, now - ttl) ? nz__sq_bind_error(h, "presence", err)
							  : nz__sq_exec(h, st, "presence", err);
	if (!rc && !(rc = nz__sq_stmt(h, SQ_PRESENCE_BEAT, &st, err))) {
		if (sqlite3_bind_int64(st, 1, article_id) || sqlite3_bind_int64(st, 2, user_id) ||
		    sqlite3_bind_int64(st, 3, now))
			rc = nz__sq_bind_error(h, "presence", err);
		else
			rc = nz__sq_exec(h, st, "presence", err);
	}
	return nz__sq_end(h, rc, err);
}

static nz_rc presence_item(nz_arena *arena, sqlite3_stmt *st, void *item)
{
	nz_presence *p = item;
	p->user_id = sqlite3_column_int64(st, 0);
	p->since = sqlite3_column_int64(st, 2);
	p->seen_at = sqlite3_column_int64(st, 3);
	return nz__sq_col_text(arena, st, 1, &p->name) ? NZ_NOMEM : NZ_OK;
}

nz_rc nz__sq_presence_list(nz_store *s, nz_arena *arena, int64_t article_id, nz_time now,
			   nz_time ttl, nz_presence **out, size_t *n, nz_err *err)
{
	nz__sqlite *h = nz__sq(s);
	sqlite3_stmt *st;
	nz_rc rc = nz__sq_stmt(h, SQ_PRESENCE_LIST, &st, err);
	if (rc)
		return rc;
	if (sqlite3_bind_int64(st, 1, article_id) || sqlite3_bind_int64(st, 2, now - ttl))
		return nz__sq_bind_error(h, "presence", err);
	return nz__sq_collect(h, st, "presence", sizeof(nz_presence), presence_item, arena,
			      (void **)out, n, err);
}
