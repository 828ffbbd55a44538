/*
 * articles_workflow.c: workflow changes of articles on PostgreSQL (sqlite/articles_workflow.c's
 * twin): submit, return, schedule, publish (by hand or by the scheduler), embargo, correct,
 * retract; translation links; old slugs.
 *
 * Rules: a change is checked against content/workflow.c's table inside the transaction that
 * makes it, after reading (and locking) the stored row, so two editors racing cannot both win;
 * the state change, its revision and its audit row commit together. A state change keeps the
 * article's search row (its terms are the same; triggers move the row's copies).
 */
#include <stdio.h>

#include "store/postgres/postgres_int.h"

static const nz__pg_sql q_lock = {"SELECT id FROM articles WHERE id = $1 FOR UPDATE"};
static const nz__pg_sql q_set_state = {
    "UPDATE articles SET status = $2, publish_at = $3, published_at = $4, "
    "embargo_until = $5, updated_at = $6, revision = revision + 1 WHERE id = $1"};
static const nz__pg_sql q_correction_add = {
    "INSERT INTO corrections(article_id, text, user_id, created_at) VALUES ($1, $2, $3, $4)"};
static const nz__pg_sql q_due = {
    "SELECT id FROM articles WHERE status = 'scheduled' AND publish_at <= $1 "
    "ORDER BY publish_at, id LIMIT 100"};
static const nz__pg_sql q_next_due = {
    "SELECT min(publish_at) FROM articles WHERE status = 'scheduled'"};
static const nz__pg_sql q_group = {
    "SELECT COALESCE(translation_group, 0) FROM articles WHERE id = $1"};
static const nz__pg_sql q_merge = {
    "UPDATE articles SET translation_group = $1 WHERE id = $2 OR id = $3 "
    "OR ($4 <> 0 AND translation_group = $4) OR ($5 <> 0 AND translation_group = $5)"};
static const nz__pg_sql q_redirect_target = {
    "SELECT a.slug FROM slug_redirects r JOIN articles a ON a.id = r.article_id "
    "WHERE r.old_slug = $1"};

static nz_rc set_state(nz__pg *h, const nz_article *a, nz_err *err)
{
	nz__pg_params p = {0};
	nz__pg_int64(&p, a->id);
	nz__pg_text(&p, nz_status_name(a->status));
	nz__pg_opt_int(&p, a->publish_at);
	nz__pg_opt_int(&p, a->published_at);
	nz__pg_opt_int(&p, a->embargo_until);
	nz__pg_int64(&p, a->updated_at);
	return nz__pg_run(h, &q_set_state, &p, "article", err);
}

static nz_rc add_correction(nz__pg *h, int64_t id, int64_t actor, const char *text, nz_time now,
			    nz_err *err)
{
	nz__pg_params p = {0};
	nz__pg_int64(&p, id);
	nz__pg_text(&p, text);
	nz__pg_opt_int(&p, actor);
	nz__pg_int64(&p, now);
	return nz__pg_run(h, &q_correction_add, &p, "correction", err);
}

static nz_rc transition(nz_store *s, nz_arena *arena, const nz_article_transition *t, nz_article *a,
			nz_err *err)
{
	nz__pg *h = nz__pg_h(s);
	int64_t actor = t->actor, id = t->id, locked = 0;
	nz_event ev = t->ev;
	nz_time now = nz_time_now();
	const char *text = t->text, *what;
	nz_status from;
	nz__pg_params p = {0};
	nz__pg_int64(&p, id);
	/* Lock the row first, so a racing change waits and then sees this one's result. */
	nz_rc rc = nz__pg_one_int(h, &q_lock, &p, &locked, "article", err);
	if (rc == NZ_NOTFOUND)
		return nz_err_set(err, rc, "article %lld: not found", (long long)id);
	if (rc || (rc = nz__pg_article_load(h, arena, id, a, err)))
		return rc;
	if ((rc = nz__store_transition_prepare(arena, t, a, now, &from, &what, err)))
		return rc;
	if ((rc = set_state(h, a, err)) ||
	    (nz__store_transition_corrects(t) &&
	     (rc = add_correction(h, id, actor, text, now, err))) ||
	    (rc = nz__pg_article_load(h, arena, id, a, err)) ||
	    (rc = nz__pg_article_revision(h, a, actor, what, now, err)))
		return rc;
	return nz__pg_audit(h, actor, nz_workflow_audit_action(ev, from), "article", id, id, what,
			    err);
}

nz_rc nz__pg_article_transition(nz_store *s, nz_arena *arena, const nz_article_transition *t,
				nz_article **out, nz_err *err)
{
	return nz__store_article_transition_tx(s, arena, t, out, transition, err);
}

/* ---- the scheduler's step ---------------------------------------------------------------- */

nz_rc nz__pg_publish_due(nz_store *s, nz_time now, size_t *n, nz_err *err)
{
	nz__pg_params p = {0};
	PGresult *res;
	int64_t ids[100];
	size_t count = 0;
	nz__pg_int64(&p, now);
	nz_rc rc = nz__pg_query(nz__pg_h(s), &q_due, &p, &res, "scheduler", err);
	if (rc)
		return rc;
	for (int r = 0; r < PQntuples(res) && count < 100; r++)
		ids[count++] = nz__pg_col_int(res, r, 0);
	PQclear(res);
	return nz__store_publish_each(s, ids, count, n, err);
}

nz_rc nz__pg_next_scheduled(nz_store *s, nz_time *at, nz_err *err)
{
	int64_t v = 0;
	nz_rc rc = nz__pg_one_int(nz__pg_h(s), &q_next_due, NULL, &v, "scheduler", err);
	if (!rc)
		*at = v;
	return rc;
}

/* ---- translations and old slugs ---------------------------------------------------------- */

static nz_rc group_of(nz__pg *h, int64_t id, int64_t *group, nz_err *err)
{
	nz__pg_params p = {0};
	nz__pg_int64(&p, id);
	nz_rc rc = nz__pg_one_int(h, &q_group, &p, group, "translation", err);
	if (rc == NZ_NOTFOUND)
		return nz_err_set(err, rc, "article %lld: not found", (long long)id);
	return rc;
}

static nz_rc link_translation(nz__pg *h, int64_t actor, int64_t id, int64_t other, nz_err *err)
{
	nz__pg_params p = {0};
	int64_t g1 = 0, g2 = 0;
	nz_rc rc;
	if ((rc = group_of(h, id, &g1, err)) || (rc = group_of(h, other, &g2, err)))
		return rc;
	int64_t group = nz__store_translation_group(id, other, g1, g2);
	nz__pg_int64(&p, group);
	nz__pg_int64(&p, id);
	nz__pg_int64(&p, other);
	nz__pg_int64(&p, g1);
	nz__pg_int64(&p, g2);
	if ((rc = nz__pg_run(h, &q_merge, &p, "translation", err)))
		return rc;
	return nz__store_translation_audit(&h->base, actor, id, other, err);
}

nz_rc nz__pg_article_link_translation(nz_store *s, int64_t actor, int64_t id, int64_t other_id,
				      nz_err *err)
{
	nz__pg *h = nz__pg_h(s);
	nz_rc rc = nz__pg_begin(h, err);
	if (rc)
		return rc;
	rc = link_translation(h, actor, id, other_id, err);
	return nz__pg_end(h, rc, err);
}

nz_rc nz__pg_slug_redirect(nz_store *s, nz_arena *arena, const char *old_slug,
			   const char **new_slug, nz_err *err)
{
	nz__pg_params p = {0};
	PGresult *res;
	nz__pg_text(&p, old_slug);
	nz_rc rc = nz__pg_query(nz__pg_h(s), &q_redirect_target, &p, &res, "slug", err);
	if (rc)
		return rc;
	if (PQntuples(res) < 1)
		rc = NZ_NOTFOUND;
	else if (nz__pg_col_text(arena, res, 0, 0, new_slug) || !*new_slug)
		rc = nz_err_set(err, NZ_NOMEM, "slug: out of memory");
	PQclear(res);
	return rc;
}
