/*
 * audit.c: the PostgreSQL audit log: the row every change writes inside its own transaction
 * (nz__pg_audit, shared by every aggregate's writers), rows callers add, and the log's pages.
 *
 * Rules: audit rows are only ever inserted; the triggers on audit_log (schema_feed.c) enqueue
 * webhook deliveries in the same transaction. Times come from the C clock, as on SQLite.
 */
#include <string.h>

#include "store/postgres/postgres_int.h"

static const nz__pg_sql q_add = {
    "INSERT INTO audit_log(at, user_id, action, object_type, object_id, detail, article_id) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7)"};
static const nz__pg_sql q_list = {
    "SELECT l.id, l.at, l.user_id, u.login, l.action, l.object_type, l.object_id, "
    "l.article_id, l.detail FROM audit_log l LEFT JOIN users u ON u.id = l.user_id "
    "WHERE ($1::bigint = 0 OR l.article_id = $1) AND ($2::bigint = 0 OR l.id < $2) "
    "ORDER BY l.id DESC LIMIT $3"};

nz_rc nz__pg_audit(nz__pg *h, int64_t actor, const char *action, const char *object_type,
		   int64_t object_id, int64_t article_id, const char *detail, nz_err *err)
{
	nz__pg_params p = {0};
	nz__pg_int64(&p, nz_time_now());
	nz__pg_opt_int(&p, actor);
	nz__pg_text(&p, action);
	nz__pg_text(&p, object_type);
	nz__pg_opt_int(&p, object_id);
	nz__pg_text(&p, detail);
	nz__pg_opt_int(&p, article_id);
	return nz__pg_run(h, &q_add, &p, "audit", err);
}

nz_rc nz__pg_audit_add(nz_store *s, int64_t actor, const char *action, const char *object_type,
		       int64_t object_id, const char *detail, nz_err *err)
{
	nz__pg *h = nz__pg_h(s);
	int64_t article_id = object_type && strcmp(object_type, "article") == 0 ? object_id : 0;
	nz_rc rc = nz__pg_begin(h, err);
	if (rc)
		return rc;
	rc = nz__pg_audit(h, actor, action, object_type, object_id, article_id, detail, err);
	return nz__pg_end(h, rc, err);
}

static nz_rc audit_item(nz_arena *arena, const PGresult *res, int r, void *item)
{
	nz_audit_entry *e = item;
	e->id = nz__pg_col_int(res, r, 0);
	e->at = nz__pg_col_int(res, r, 1);
	e->user_id = nz__pg_col_int(res, r, 2);
	e->object_id = nz__pg_col_int(res, r, 6);
	e->article_id = nz__pg_col_int(res, r, 7);
	return nz__pg_col_text(arena, res, r, 3, &e->login) ||
		       nz__pg_col_text(arena, res, r, 4, &e->action) ||
		       nz__pg_col_text(arena, res, r, 5, &e->object_type) ||
		       nz__pg_col_text(arena, res, r, 8, &e->detail)
		   ? NZ_NOMEM
		   : NZ_OK;
}

nz_rc nz__pg_audit_list(nz_store *s, nz_arena *arena, const nz_audit_query *q, nz_audit_entry **out,
			size_t *n, nz_err *err)
{
	nz__pg_params p = {0};
	nz__pg_int64(&p, q->article_id);
	nz__pg_int64(&p, q->before_id);
	nz__pg_int64(&p, (int64_t)q->limit);
	return nz__pg_collect(nz__pg_h(s), &q_list, &p, "audit", sizeof(nz_audit_entry), audit_item,
			      arena, (void **)out, n, err);
}
