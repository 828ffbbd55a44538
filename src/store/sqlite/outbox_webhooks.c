/*
 * outbox_webhooks.c: the SQLite side of webhooks, their deliveries and the purge hook (migration 4
 * in schema.c holds the tables and the triggers on audit_log that enqueue deliveries).
 *
 * Statements here are prepared per call rather than cached: they run a few times a second at
 * most (the delivery worker and the admin pages), and keeping them out of the shared cache keeps
 * this file to itself. Every write runs in its own nested transaction.
 */

#include "store/sqlite/sqlite_int.h"

#define HOOK_COLS                                                                                  \
	"w.id, w.url, w.secret, w.events, w.active, w.created_at,"                                 \
	" (SELECT count(*) FROM webhook_deliveries d WHERE d.webhook_id = w.id"                    \
	"  AND d.status = 'pending'),"                                                             \
	" (SELECT count(*) FROM webhook_deliveries d WHERE d.webhook_id = w.id"                    \
	"  AND d.status = 'delivered'),"                                                           \
	" (SELECT count(*) FROM webhook_deliveries d WHERE d.webhook_id = w.id"                    \
	"  AND d.status = 'failed')"

/* Columns of a delivery, in the order delivery_row reads them. */
#define DELIVERY_COLS                                                                              \
	"id, webhook_id, event, article_id, audit_id, revision, status, attempts,"                 \
	" next_attempt_ms, last_status, last_error, created_at, delivered_at"

static nz_rc prepare(nz__sqlite *h, const char *sql, sqlite3_stmt **st, nz_err *err)
{
	int src = sqlite3_prepare_v2(h->db, sql, -1, st, NULL);
	if (src != SQLITE_OK) {
		*st = NULL;
		return nz__sq_error(h, src, "webhooks: preparing a statement", err);
	}
	return NZ_OK;
}

/* Runs one bound statement that returns no rows, in its own nested transaction, then
 * finalizes it. *changed (may be NULL) gets the number of rows it changed. */
static nz_rc run_write(nz__sqlite *h, sqlite3_stmt *st, const char *what, int *changed, nz_err *err)
{
	nz_rc rc = nz__sq_begin(h, err);
	if (!rc) {
		rc = nz__sq_exec(h, st, what, err);
		if (changed)
			*changed = sqlite3_changes(h->db);
		rc = nz__sq_end(h, rc, err);
	}
	sqlite3_finalize(st);
	return rc;
}

/* ---- webhooks ---------------------------------------------------------------------------- */

nz_rc nz__sq_webhook_create(nz_store *s, nz_webhook *hook, nz_err *err)
{
	nz__sqlite *h = nz__sq(s);
	sqlite3_stmt *st = NULL;
	nz_rc rc = prepare(h,
			   "INSERT INTO webhooks(url, secret, events, active, created_at)"
			   " VALUES (?1, ?2, ?3, 1, ?4) RETURNING id",
			   &st, err);
	if (rc)
		return rc;
	if (nz__sq_bind_text(st, 1, hook->url) || nz__sq_bind_text(st, 2, hook->secret) ||
	    nz__sq_bind_text(st, 3, hook->events) || sqlite3_bind_int64(st, 4, hook->created_at)) {
		rc = nz__sq_bind_error(h, "webhook", err);
		goto out;
	}
	if ((rc = nz__sq_begin(h, err)))
		goto out;
	rc = nz__sq_int(h, st, &hook->id, "webhook", err);
	if (rc == NZ_NOTFOUND)
		rc = nz_err_set(err, NZ_DB, "webhook: the insert returned no id");
	rc = nz__sq_end(h, rc, err);
out:
	sqlite3_finalize(st);
	return rc;
}

static nz_rc hook_row(nz_arena *arena, sqlite3_stmt *st, void *item)
{
	nz_webhook *w = item;
	w->id = sqlite3_column_int64(st, 0);
	w->active = sqlite3_column_int(st, 4) != 0;
	w->created_at = sqlite3_column_int64(st, 5);
	w->n_pending = sqlite3_column_int64(st, 6);
	w->n_delivered = sqlite3_column_int64(st, 7);
	w->n_failed = sqlite3_column_int64(st, 8);
	if (nz__sq_col_text(arena, st, 1, &w->url) || nz__sq_col_text(arena, st, 2, &w->secret) ||
	    nz__sq_col_text(arena, st, 3, &w->events))
		return NZ_NOMEM;
	return NZ_OK;
}

nz_rc nz__sq_webhook_list(nz_store *s, nz_arena *arena, int64_t id, nz_webhook **out, size_t *n,
			  nz_err *err)
{
	nz__sqlite *h = nz__sq(s);
	sqlite3_stmt *st = NULL;
	nz_rc rc = prepare(h,
			   "SELECT " HOOK_COLS " FROM webhooks w WHERE ?1 = 0 OR w.id = ?1"
			   " ORDER BY w.id",
			   &st, err);
	if (rc)
		return rc;
	if (sqlite3_bind_int64(st, 1, id))
		rc = nz__sq_bind_error(h, "webhooks", err);
	else
		rc = nz__sq_collect(h, st, "webhooks", sizeof **out, hook_row, arena, (void **)out,
				    n, err);
	sqlite3_finalize(st);
	return rc;
}

nz_rc nz__sq_webhook_delete(nz_store *s, int64_t id, nz_err *err)
{
	nz__sqlite *h = nz__sq(s);
	sqlite3_stmt *st = NULL;
	int changed = 0;
	nz_rc rc = prepare(h, "DELETE FROM webhooks WHERE id = ?1", &st, err);
	if (rc)
		return rc;
	if (sqlite3_bind_int64(st, 1, id)) {
		sqlite3_finalize(st);
		return nz__sq_bind_error(h, "webhook", err);
	}
	rc = run_write(h, st, "webhook", &changed, err);
	if (!rc && changed == 0)
		rc = nz_err_set(err, NZ_NOTFOUND, "webhook %lld: no such webhook", (long long)id);
	return rc;
}

/* ---- deliveries -------------------------------------------------------------------------- */

/* Fills d from DELIVERY_COLS; then, when present, url (13), secret (14) and payload (15). */
static nz_rc delivery_row(nz_arena *arena, sqlite3_stmt *st, void *item)
{
	nz_delivery *d = item;
	int cols = sqlite3_column_count(st);
	d->id = sqlite3_column_int64(st, 0);
	d->webhook_id = sqlite3_column_int64(st, 1);
	d->article_id = sqlite3_column_int64(st, 3);
	d->audit_id = sqlite3_column_int64(st, 4);
	d->revision = sqlite3_column_int64(st, 5);
	d->status = nz__store_delivery_status((const char *)sqlite3_column_text(st, 6));
	d->attempts = sqlite3_column_int(st, 7);
	d->next_attempt_ms = sqlite3_column_int64(st, 8);
	d->last_status = sqlite3_column_int(st, 9);
	d->created_at = sqlite3_column_int64(st, 11);
	d->delivered_at = sqlite3_column_int64(st, 12);
	if (nz__sq_col_text(arena, st, 2, &d->event) ||
	    nz__sq_col_text(arena, st, 10, &d->last_error) ||
	    (cols > 13 && nz__sq_col_text(arena, st, 13, &d->url)) ||
	    (cols > 14 && nz__sq_col_text(arena, st, 14, &d->secret)) ||
	    (cols > 15 && nz__sq_col_text(arena, st, 15, &d->payload)))
		return NZ_NOMEM;
	return NZ_OK;
}

nz_rc nz__sq_delivery_list(nz_store *s, nz_arena *arena, const nz_delivery_query *q,
			   nz_delivery **out, size_t *n, nz_err *err)
{
	nz__sqlite *h = nz__sq(s);
	sqlite3_stmt *st = NULL;
	nz_rc rc = prepare(h,
			   "SELECT " DELIVERY_COLS ", (SELECT url FROM webhooks w"
			   " WHERE w.id = webhook_id) FROM webhook_deliveries"
			   " WHERE (?1 = 0 OR webhook_id = ?1 OR (?1 = -1 AND webhook_id IS NULL))"
			   " AND (?2 = 0 OR id < ?2) ORDER BY id DESC LIMIT ?3",
			   &st, err);
	if (rc)
		return rc;
	if (sqlite3_bind_int64(st, 1, q->webhook_id) || sqlite3_bind_int64(st, 2, q->before_id) ||
	    sqlite3_bind_int64(st, 3, (sqlite3_int64)q->limit))
		rc = nz__sq_bind_error(h, "deliveries", err);
	else
		rc = nz__sq_collect(h, st, "deliveries", sizeof **out, delivery_row, arena,
				    (void **)out, n, err);
	sqlite3_finalize(st);
	return rc;
}

nz_rc nz__sq_delivery_claim(nz_store *s, nz_arena *arena, const nz_delivery_claim *c,
			    nz_delivery **out, size_t *n, nz_err *err)
{
	nz__sqlite *h = nz__sq(s);
	sqlite3_stmt *st = NULL;
	nz_rc rc = prepare(h,
			   "UPDATE webhook_deliveries SET next_attempt_ms = ?1 + ?2 WHERE id IN"
			   " (SELECT id FROM webhook_deliveries WHERE status = 'pending'"
			   "  AND next_attempt_ms <= ?1 ORDER BY next_attempt_ms, id LIMIT ?3)"
			   " RETURNING " DELIVERY_COLS
			   ", (SELECT url FROM webhooks w WHERE w.id = webhook_id),"
			   " (SELECT secret FROM webhooks w WHERE w.id = webhook_id), payload",
			   &st, err);
	if (rc)
		return rc;
	if (sqlite3_bind_int64(st, 1, c->now_ms) || sqlite3_bind_int64(st, 2, c->lease_ms) ||
	    sqlite3_bind_int64(st, 3, (sqlite3_int64)c->max)) {
		rc = nz__sq_bind_error(h, "deliveries", err);
		goto out;
	}
	if ((rc = nz__sq_begin(h, err)))
		goto out;
	rc = nz__sq_collect(h, st, "claiming deliveries", sizeof **out, delivery_row, arena,
			    (void **)out, n, err);
	rc = nz__sq_end(h, rc, err);
out:
	sqlite3_finalize(st);
	return rc;
}

nz_rc nz__sq_delivery_set_payload(nz_store *s, int64_t id, const char *payload, nz_err *err)
{
	nz__sqlite *h = nz__sq(s);
	sqlite3_stmt *st = NULL;
	nz_rc rc = prepare(h,
			   "UPDATE webhook_deliveries SET payload = ?2"
			   " WHERE id = ?1 AND payload IS NULL",
			   &st, err);
	if (rc)
		return rc;
	if (sqlite3_bind_int64(st, 1, id) || nz__sq_bind_text(st, 2, payload)) {
		sqlite3_finalize(st);
		return nz__sq_bind_error(h, "delivery", err);
	}
	return run_write(h, st, "delivery payload", NULL, err);
}

nz_rc nz__sq_delivery_postpone(nz_store *s, int64_t id, int64_t next_attempt_ms, nz_err *err)
{
	nz__sqlite *h = nz__sq(s);
	sqlite3_stmt *st = NULL;
	nz_rc rc = prepare(h,
			   "UPDATE webhook_deliveries SET next_attempt_ms = ?2"
			   " WHERE id = ?1 AND status = 'pending'",
			   &st, err);
	if (rc)
		return rc;
	if (sqlite3_bind_int64(st, 1, id) || sqlite3_bind_int64(st, 2, next_attempt_ms)) {
		sqlite3_finalize(st);
		return nz__sq_bind_error(h, "delivery", err);
	}
	return run_write(h, st, "delivery", NULL, err);
}

/* Binds r to the attempt insert (1..5) or the delivery update (1..6). */
static nz_rc record_bind(nz__sqlite *h, sqlite3_stmt *st, const nz_delivery_result *r, bool update,
			 nz_err *err)
{
	int src = sqlite3_bind_int64(st, 1, r->id);
	if (!src)
		src = nz__sq_bind_opt_int(st, 2, r->http_status);
	if (!src)
		src = nz__sq_bind_text(st, 3, r->error);
	if (!src && !update)
		src = sqlite3_bind_int64(st, 4, r->at_ms);
	if (!src && !update)
		src = sqlite3_bind_int64(st, 5, r->duration_ms);
	if (!src && update) {
		const char *status = r->delivered         ? "delivered"
				     : r->next_attempt_ms ? "pending"
							  : "failed";
		src = nz__sq_bind_text(st, 4, status);
		if (!src)
			src = sqlite3_bind_int64(
			    st, 5,
			    r->delivered || !r->next_attempt_ms ? r->at_ms : r->next_attempt_ms);
		if (!src)
			src = nz__sq_bind_opt_int(st, 6, r->delivered ? r->at_ms / 1000 : 0);
	}
	return src ? nz__sq_bind_error(h, "delivery attempt", err) : NZ_OK;
}

nz_rc nz__sq_delivery_record(nz_store *s, const nz_delivery_result *r, nz_err *err)
{
	nz__sqlite *h = nz__sq(s);
	sqlite3_stmt *ins = NULL, *upd = NULL;
	nz_rc rc;
	if ((rc = prepare(h,
			  "INSERT INTO webhook_attempts(delivery_id, http_status, error, at_ms,"
			  " duration_ms) VALUES (?1, ?2, ?3, ?4, ?5)",
			  &ins, err)) ||
	    (rc = prepare(h,
			  "UPDATE webhook_deliveries SET attempts = attempts + 1,"
			  " last_status = ?2, last_error = ?3, status = ?4, next_attempt_ms = ?5,"
			  " delivered_at = ?6 WHERE id = ?1",
			  &upd, err)) ||
	    (rc = record_bind(h, ins, r, false, err)) || (rc = record_bind(h, upd, r, true, err)))
		goto out;
	if ((rc = nz__sq_begin(h, err)))
		goto out;
	rc = nz__sq_exec(h, ins, "delivery attempt", err);
	if (!rc)
		rc = nz__sq_exec(h, upd, "delivery attempt", err);
	rc = nz__sq_end(h, rc, err);
out:
	sqlite3_finalize(ins);
	sqlite3_finalize(upd);
	return rc;
}

nz_rc nz__sq_delivery_next_due(nz_store *s, int64_t *next_ms, nz_err *err)
{
	nz__sqlite *h = nz__sq(s);
	sqlite3_stmt *st = NULL;
	nz_rc rc = prepare(h,
			   "SELECT min(next_attempt_ms) FROM webhook_deliveries"
			   " WHERE status = 'pending' HAVING count(*) > 0",
			   &st, err);
	if (rc)
		return rc;
	rc = nz__sq_int(h, st, next_ms, "deliveries", err);
	sqlite3_finalize(st);
	return rc;
}

nz_rc nz__sq_delivery_config(nz_store *s, nz_arena *arena, nz_delivery_config *out, nz_err *err)
{
	nz__sqlite *h = nz__sq(s);
	sqlite3_stmt *st = NULL;
	bool row = false;
	nz_rc rc = prepare(h,
			   "SELECT key, value FROM settings WHERE key IN"
			   " ('purge_url', 'purge_secret', 'webhook_backoff_ms') AND value <> ''",
			   &st, err);
	if (rc)
		return rc;
	while (!(rc = nz__sq_step(h, st, &row, "settings", err)) && row) {
		const char *key = (const char *)sqlite3_column_text(st, 0);
		const char *value = NULL;
		if (!key || nz__sq_col_text(arena, st, 1, &value) || !value) {
			rc = nz_err_set(err, NZ_NOMEM, "settings: out of memory");
			break;
		}
		nz__store_delivery_config_apply(out, key, value);
	}
	sqlite3_finalize(st);
	return rc;
}
