/*
 * accounts_sessions.c: a user's own sessions in PostgreSQL (the list they see, ending one or
 * all others, the device label) and presence in the editor (who has an article open), in the
 * database so every node sees the same. Signing in and out are in accounts.c.
 *
 * Rules: SQLite's (sqlite/accounts_sessions.c): a session is named outside the store by the
 * first NZ_SESSION_PREFIX hex digits of its hash only; ending sessions and its audit row
 * commit together; presence rows older than the expiry are ignored when read and deleted by
 * the next heartbeat.
 */
#include <stdio.h>
#include <string.h>

#include "store/postgres/postgres_int.h"

static const nz__pg_sql q_device = {"UPDATE sessions SET device = $2 WHERE id = $1"};
static const nz__pg_sql q_list = {
    "SELECT substr(id, 1, 16), created_at, COALESCE(last_seen_at, created_at), expires_at, "
    "device FROM sessions WHERE user_id = $1 AND expires_at > $2 "
    "ORDER BY 3 DESC, created_at DESC"};
static const nz__pg_sql q_end = {
    "WITH d AS (DELETE FROM sessions WHERE user_id = $1 "
    "AND ($2::text IS NULL OR substr(id, 1, 16) = $2::text) "
    "AND ($3::text IS NULL OR id <> $3::text) RETURNING 1) SELECT count(*) FROM d"};
static const nz__pg_sql q_presence_purge = {"DELETE FROM presence WHERE seen_at < $1"};
static const nz__pg_sql q_presence_beat = {
    "INSERT INTO presence(article_id, user_id, since, seen_at) VALUES ($1, $2, $3, $3) "
    "ON CONFLICT (article_id, user_id) DO UPDATE SET seen_at = excluded.seen_at"};
static const nz__pg_sql q_presence_list = {
    "SELECT p.user_id, COALESCE(a.display_name, u.login), p.since, p.seen_at FROM presence p "
    "JOIN users u ON u.id = p.user_id LEFT JOIN authors a ON a.id = u.author_id "
    "WHERE p.article_id = $1 AND p.seen_at >= $2 ORDER BY p.since, u.login"};

nz_rc nz__pg_session_device(nz_store *s, const char *id_hash, const char *device, nz_err *err)
{
	nz__pg_params p = {0};
	nz__pg_text(&p, id_hash);
	nz__pg_text(&p, device);
	return nz__pg_run(nz__pg_h(s), &q_device, &p, "session", err);
}

static nz_rc session_item(nz_arena *arena, const PGresult *res, int r, void *item)
{
	nz_session_info *si = item;
	if (!PQgetisnull(res, r, 0))
		strncpy(si->id, PQgetvalue(res, r, 0), NZ_SESSION_PREFIX);
	si->created_at = nz__pg_col_int(res, r, 1);
	si->last_seen_at = nz__pg_col_int(res, r, 2);
	si->expires_at = nz__pg_col_int(res, r, 3);
	return nz__pg_col_text(arena, res, r, 4, &si->device) ? NZ_NOMEM : NZ_OK;
}

nz_rc nz__pg_session_list(nz_store *s, nz_arena *arena, int64_t user_id, nz_time now,
			  nz_session_info **out, size_t *n, nz_err *err)
{
	nz__pg_params p = {0};
	nz__pg_int64(&p, user_id);
	nz__pg_int64(&p, now);
	return nz__pg_collect(nz__pg_h(s), &q_list, &p, "sessions", sizeof(nz_session_info),
			      session_item, arena, (void **)out, n, err);
}

nz_rc nz__pg_session_end(nz_store *s, int64_t user_id, const char *prefix, const char *keep,
			 int *ended, nz_err *err)
{
	nz__pg *h = nz__pg_h(s);
	nz__pg_params p = {0};
	int64_t count = 0;
	nz_rc rc = nz__pg_begin(h, err);
	if (rc)
		return rc;
	nz__pg_int64(&p, user_id);
	nz__pg_text(&p, prefix);
	nz__pg_text(&p, keep);
	rc = nz__pg_one_int(h, &q_end, &p, &count, "sessions", err);
	if (rc == NZ_NOTFOUND)
		rc = NZ_OK;
	*ended = (int)count;
	if (!rc && count > 0) {
		char detail[48];
		snprintf(detail, sizeof detail, "%d session(s) ended by their user", *ended);
		rc = nz__pg_audit(h, user_id, "user.logout", "user", user_id, 0, detail, err);
	}
	return nz__pg_end(h, rc, err);
}

/* ---- presence ------------------------------------------------------------------------------ */

nz_rc nz__pg_presence_beat(nz_store *s, int64_t article_id, int64_t user_id, nz_time now,
			   nz_time ttl, nz_err *err)
{
	nz__pg *h = nz__pg_h(s);
	nz__pg_params purge = {0}, beat = {0};
	nz_rc rc = nz__pg_begin(h, err);
	if (rc)
		return rc;
	/* Expired visits go first, so the upsert starts a new visit (since = now) for them. */
	nz__pg_int64(&purge, now - ttl);
	nz__pg_int64(&beat, article_id);
	nz__pg_int64(&beat, user_id);
	nz__pg_int64(&beat, now);
	if (!(rc = nz__pg_run(h, &q_presence_purge, &purge, "presence", err)))
		rc = nz__pg_run(h, &q_presence_beat, &beat, "presence", err);
	return nz__pg_end(h, rc, err);
}

static nz_rc presence_item(nz_arena *arena, const PGresult *res, int r, void *item)
{
	nz_presence *pr = item;
	pr->user_id = nz__pg_col_int(res, r, 0);
	pr->since = nz__pg_col_int(res, r, 2);
	pr->seen_at = nz__pg_col_int(res, r, 3);
	return nz__pg_col_text(arena, res, r, 1, &pr->name) ? NZ_NOMEM : NZ_OK;
}

nz_rc nz__pg_presence_list(nz_store *s, nz_arena *arena, int64_t article_id, nz_time now,
			   nz_time ttl, nz_presence **out, size_t *n, nz_err *err)
{
	nz__pg_params p = {0};
	nz__pg_int64(&p, article_id);
	nz__pg_int64(&p, now - ttl);
	return nz__pg_collect(nz__pg_h(s), &q_presence_list, &p, "presence", sizeof(nz_presence),
			      presence_item, arena, (void **)out, n, err);
}
