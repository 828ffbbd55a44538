/*
 * outbox_webhooks.c: the PostgreSQL side of webhooks, their deliveries and the purge hook, as
 * sqlite/outbox_webhooks.c does them (the tables are in schema_sql.c; the triggers on audit_log
 * that enqueue deliveries in schema_feed.c).
 *
 * Rules: every write runs in its own nested transaction. A claim is one statement that locks
 * the rows it takes (FOR UPDATE SKIP LOCKED) and moves them past the lease, so two nodes never
 * claim one delivery for the same attempt. Integer parameters are cast (`$1::bigint`) where a
 * comparison with a literal would otherwise type them as int4.
 */
#include "store/postgres/postgres_int.h"

#define HOOK_COLS                                                                                  \
	"w.id, w.url, w.secret, w.events, w.active, w.created_at,"                                 \
	" (SELECT count(*) FROM webhook_deliveries d WHERE d.webhook_id = w.id"                    \
	"  AND d.status = 'pending'),"                                                             \
	" (SELECT count(*) FROM webhook_deliveries d WHERE d.webhook_id = w.id"                    \
	"  AND d.status = 'delivered'),"                                                           \
	" (SELECT count(*) FROM webhook_deliveries d WHERE d.webhook_id = w.id"                    \
	"  AND d.status = 'failed')"

/* Columns of a delivery, in the order delivery_row reads them (prefixed with the alias x). */
#define DELIVERY_COLS(x)                                                                           \
	x "id, " x "webhook_id, " x "event, " x "article_id, " x "audit_id, " x "revision, " x     \
	  "status, " x "attempts, " x "next_attempt_ms, " x "last_status, " x "last_error, " x     \
	  "created_at, " x "delivered_at"

static const nz__pg_sql q_hook_create = {
    "INSERT INTO webhooks(url, secret, events, active, created_at)"
    " VALUES ($1, $2, $3, 1, $4) RETURNING id"};
static const nz__pg_sql q_hook_list = {"SELECT " HOOK_COLS " FROM webhooks w"
				       " WHERE $1::bigint = 0 OR w.id = $1::bigint ORDER BY w.id"};
static const nz__pg_sql q_hook_delete = {"DELETE FROM webhooks WHERE id = $1 RETURNING id"};
static const nz__pg_sql q_list = {"SELECT " DELIVERY_COLS(
    "d.") ", w.url FROM webhook_deliveries d"
	  " LEFT JOIN webhooks w ON w.id = d.webhook_id"
	  " WHERE ($1::bigint = 0 OR d.webhook_id = $1::bigint"
	  "  OR ($1::bigint = -1 AND d.webhook_id IS NULL))"
	  " AND ($2::bigint = 0 OR d.id < $2::bigint) ORDER BY d.id DESC LIMIT $3"};
/* Rows come back in id order, as SQLite's UPDATE ... WHERE id IN (...) RETURNING gives them. */
static const nz__pg_sql q_claim = {
    "WITH claimed AS (UPDATE webhook_deliveries d SET next_attempt_ms = $1::bigint + $2::bigint"
    " FROM (SELECT id FROM webhook_deliveries WHERE status = 'pending'"
    "  AND next_attempt_ms <= $1::bigint ORDER BY next_attempt_ms, id LIMIT $3"
    "  FOR UPDATE SKIP LOCKED) AS due"
    " WHERE d.id = due.id RETURNING d.*)"
    " SELECT " DELIVERY_COLS("c.") ", w.url, w.secret, c.payload FROM claimed c"
				   " LEFT JOIN webhooks w ON w.id = c.webhook_id ORDER BY c.id"};
static const nz__pg_sql q_set_payload = {
    "UPDATE webhook_deliveries SET payload = $2 WHERE id = $1 AND payload IS NULL"};
static const nz__pg_sql q_postpone = {
    "UPDATE webhook_deliveries SET next_attempt_ms = $2 WHERE id = $1 AND status = 'pending'"};
static const nz__pg_sql q_attempt = {
    "INSERT INTO webhook_attempts(delivery_id, http_status, error, at_ms, duration_ms)"
    " VALUES ($1, $2, $3, $4, $5)"};
static const nz__pg_sql q_record = {
    "UPDATE webhook_deliveries SET attempts = attempts + 1, last_status = $2, last_error = $3,"
    " status = $4, next_attempt_ms = $5, delivered_at = $6 WHERE id = $1"};
static const nz__pg_sql q_next_due = {
    "SELECT min(next_attempt_ms) FROM webhook_deliveries WHERE status = 'pending'"};
static const nz__pg_sql q_config = {
    "SELECT key, value FROM settings WHERE key IN"
    " ('purge_url', 'purge_secret', 'webhook_backoff_ms') AND value <> ''"};

/* Runs q with p in a nested transaction of its own. */
static nz_rc run_write(nz__pg *h, const nz__pg_sql *q, const nz__pg_params *p, const char *what,
		       nz_err *err)
{
	nz_rc rc = nz__pg_begin(h, err);
	if (rc)
		return rc;
	rc = nz__pg_run(h, q, p, what, err);
	return nz__pg_end(h, rc, err);
}

/* ---- webhooks ---------------------------------------------------------------------------- */

nz_rc nz__pg_webhook_create(nz_store *s, nz_webhook *hook, nz_err *err)
{
	nz__pg *h = nz__pg_h(s);
	nz__pg_params p = {0};
	nz__pg_text(&p, hook->url);
	nz__pg_text(&p, hook->secret);
	nz__pg_text(&p, hook->events);
	nz__pg_int64(&p, hook->created_at);
	nz_rc rc = nz__pg_begin(h, err);
	if (rc)
		return rc;
	rc = nz__pg_one_int(h, &q_hook_create, &p, &hook->id, "webhook", err);
	if (rc == NZ_NOTFOUND)
		rc = nz_err_set(err, NZ_DB, "webhook: the insert returned no id");
	return nz__pg_end(h, rc, err);
}

static nz_rc hook_row(nz_arena *arena, const PGresult *res, int r, void *item)
{
	nz_webhook *w = item;
	w->id = nz__pg_col_int(res, r, 0);
	w->active = nz__pg_col_int(res, r, 4) != 0;
	w->created_at = nz__pg_col_int(res, r, 5);
	w->n_pending = nz__pg_col_int(res, r, 6);
	w->n_delivered = nz__pg_col_int(res, r, 7);
	w->n_failed = nz__pg_col_int(res, r, 8);
	if (nz__pg_col_text(arena, res, r, 1, &w->url) ||
	    nz__pg_col_text(arena, res, r, 2, &w->secret) ||
	    nz__pg_col_text(arena, res, r, 3, &w->events))
		return NZ_NOMEM;
	return NZ_OK;
}

nz_rc nz__pg_webhook_list(nz_store *s, nz_arena *arena, int64_t id, nz_webhook **out, size_t *n,
			  nz_err *err)
{
	nz__pg_params p = {0};
	nz__pg_int64(&p, id);
	return nz__pg_collect(nz__pg_h(s), &q_hook_list, &p, "webhooks", sizeof **out, hook_row,
			      arena, (void **)out, n, err);
}

nz_rc nz__pg_webhook_delete(nz_store *s, int64_t id, nz_err *err)
{
	nz__pg *h = nz__pg_h(s);
	nz__pg_params p = {0};
	int64_t gone = 0;
	nz__pg_int64(&p, id);
	nz_rc rc = nz__pg_begin(h, err);
	if (rc)
		return rc;
	rc = nz__pg_one_int(h, &q_hook_delete, &p, &gone, "webhook", err);
	if (rc == NZ_NOTFOUND)
		nz_err_set(err, NZ_NOTFOUND, "webhook %lld: no such webhook", (long long)id);
	return nz__pg_end(h, rc, err);
}

/* ---- deliveries -------------------------------------------------------------------------- */

/* Fills d from DELIVERY_COLS; then url (13) and, when present, secret (14) and payload (15). */
static nz_rc delivery_row(nz_arena *arena, const PGresult *res, int r, void *item)
{
	nz_delivery *d = item;
	int cols = PQnfields(res);
	d->id = nz__pg_col_int(res, r, 0);
	d->webhook_id = nz__pg_col_int(res, r, 1);
	d->article_id = nz__pg_col_int(res, r, 3);
	d->audit_id = nz__pg_col_int(res, r, 4);
	d->revision = nz__pg_col_int(res, r, 5);
	d->status = nz__store_delivery_status(PQgetvalue(res, r, 6));
	d->attempts = (int)nz__pg_col_int(res, r, 7);
	d->next_attempt_ms = nz__pg_col_int(res, r, 8);
	d->last_status = (int)nz__pg_col_int(res, r, 9);
	d->created_at = nz__pg_col_int(res, r, 11);
	d->delivered_at = nz__pg_col_int(res, r, 12);
	if (nz__pg_col_text(arena, res, r, 2, &d->event) ||
	    nz__pg_col_text(arena, res, r, 10, &d->last_error) ||
	    (cols > 13 && nz__pg_col_text(arena, res, r, 13, &d->url)) ||
	    (cols > 14 && nz__pg_col_text(arena, res, r, 14, &d->secret)) ||
	    (cols > 15 && nz__pg_col_text(arena, res, r, 15, &d->payload)))
		return NZ_NOMEM;
	return NZ_OK;
}

nz_rc nz__pg_delivery_list(nz_store *s, nz_arena *arena, const nz_delivery_query *q,
			   nz_delivery **out, size_t *n, nz_err *err)
{
	nz__pg_params p = {0};
	nz__pg_int64(&p, q->webhook_id);
	nz__pg_int64(&p, q->before_id);
	nz__pg_int64(&p, (int64_t)q->limit);
	return nz__pg_collect(nz__pg_h(s), &q_list, &p, "deliveries", sizeof **out, delivery_row,
			      arena, (void **)out, n, err);
}

nz_rc nz__pg_delivery_claim(nz_store *s, nz_arena *arena, const nz_delivery_claim *c,
			    nz_delivery **out, size_t *n, nz_err *err)
{
	nz__pg *h = nz__pg_h(s);
	nz__pg_params p = {0};
	nz__pg_int64(&p, c->now_ms);
	nz__pg_int64(&p, c->lease_ms);
	nz__pg_int64(&p, (int64_t)c->max);
	nz_rc rc = nz__pg_begin(h, err);
	if (rc)
		return rc;
	rc = nz__pg_collect(h, &q_claim, &p, "claiming deliveries", sizeof **out, delivery_row,
			    arena, (void **)out, n, err);
	rc = nz__pg_end(h, rc, err);
	if (rc)
		*out = NULL, *n = 0;
	return rc;
}

nz_rc nz__pg_delivery_set_payload(nz_store *s, int64_t id, const char *payload, nz_err *err)
{
	nz__pg_params p = {0};
	nz__pg_int64(&p, id);
	nz__pg_text(&p, payload);
	return run_write(nz__pg_h(s), &q_set_payload, &p, "delivery payload", err);
}

nz_rc nz__pg_delivery_postpone(nz_store *s, int64_t id, int64_t next_attempt_ms, nz_err *err)
{
	nz__pg_params p = {0};
	nz__pg_int64(&p, id);
	nz__pg_int64(&p, next_attempt_ms);
	return run_write(nz__pg_h(s), &q_postpone, &p, "delivery", err);
}

nz_rc nz__pg_delivery_record(nz_store *s, const nz_delivery_result *r, nz_err *err)
{
	nz__pg *h = nz__pg_h(s);
	nz__pg_params ins = {0}, upd = {0};
	const char *status = r->delivered ? "delivered" : r->next_attempt_ms ? "pending" : "failed";
	nz__pg_int64(&ins, r->id);
	nz__pg_opt_int(&ins, r->http_status);
	nz__pg_text(&ins, r->error);
	nz__pg_int64(&ins, r->at_ms);
	nz__pg_int64(&ins, r->duration_ms);
	nz__pg_int64(&upd, r->id);
	nz__pg_opt_int(&upd, r->http_status);
	nz__pg_text(&upd, r->error);
	nz__pg_text(&upd, status);
	nz__pg_int64(&upd, r->delivered || !r->next_attempt_ms ? r->at_ms : r->next_attempt_ms);
	nz__pg_opt_int(&upd, r->delivered ? r->at_ms / 1000 : 0);
	nz_rc rc = nz__pg_begin(h, err);
	if (rc)
		return rc;
	rc = nz__pg_run(h, &q_attempt, &ins, "delivery attempt", err);
	if (!rc)
		rc = nz__pg_run(h, &q_record, &upd, "delivery attempt", err);
	return nz__pg_end(h, rc, err);
}

nz_rc nz__pg_delivery_next_due(nz_store *s, int64_t *next_ms, nz_err *err)
{
	return nz__pg_one_int(nz__pg_h(s), &q_next_due, NULL, next_ms, "deliveries", err);
}

nz_rc nz__pg_delivery_config(nz_store *s, nz_arena *arena, nz_delivery_config *out, nz_err *err)
{
	PGresult *res;
	nz_rc rc = nz__pg_query(nz__pg_h(s), &q_config, NULL, &res, "settings", err);
	if (rc)
		return rc;
	for (int r = 0; r < PQntuples(res); r++) {
		const char *value = NULL;
		if (nz__pg_col_text(arena, res, r, 1, &value) || !value) {
			rc = nz_err_set(err, NZ_NOMEM, "settings: out of memory");
			break;
		}
		nz__store_delivery_config_apply(out, PQgetvalue(res, r, 0), value);
	}
	PQclear(res);
	return rc;
}
