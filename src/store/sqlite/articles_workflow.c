/*
 * articles_workflow.c: workflow changes of articles in SQLite: submit, return,
 * schedule, publish (by hand or by the scheduler), embargo, correct, retract; the back office's
 * lists; translation links; old slugs.
 *
 * Rules: a change is checked against content/workflow.c's table inside the transaction that
 * makes it, after reading the stored state, so two editors racing cannot both win; the state
 * change, its revision and its audit row commit together.
 */
#include <stdio.h>
#include <string.h>

#include "store/sqlite/sqlite_int.h"

static nz_rc set_state(nz__sqlite *h, const nz_article *a, nz_err *err)
{
	sqlite3_stmt *st;
	nz_rc rc = nz__sq_stmt(h, SQ_ARTICLE_SET_STATE, &st, err);
	if (rc)
		return rc;
	if (sqlite3_bind_int64(st, 1, a->id) ||
	    nz__sq_bind_text(st, 2, nz_status_name(a->status)) ||
	    nz__sq_bind_opt_int(st, 3, a->publish_at) ||
	    nz__sq_bind_opt_int(st, 4, a->published_at) ||
	    nz__sq_bind_opt_int(st, 5, a->embargo_until) ||
	    sqlite3_bind_int64(st, 6, a->updated_at))
		return nz__sq_bind_error(h, "article", err);
	return nz__sq_exec(h, st, "article", err);
}

static nz_rc add_correction(nz__sqlite *h, int64_t id, int64_t actor, const char *text, nz_time now,
			    nz_err *err)
{
	sqlite3_stmt *st;
	nz_rc rc = nz__sq_stmt(h, SQ_CORRECTION_ADD, &st, err);
	if (rc)
		return rc;
	if (sqlite3_bind_int64(st, 1, id) || nz__sq_bind_text(st, 2, text) ||
	    nz__sq_bind_opt_int(st, 3, actor) || sqlite3_bind_int64(st, 4, now))
		return nz__sq_bind_error(h, "correction", err);
	return nz__sq_exec(h, st, "correction", err);
}

static nz_rc transition(nz_store *s, nz_arena *arena, const nz_article_transition *t, nz_article *a,
			nz_err *err)
{
	nz__sqlite *h = nz__sq(s);
	int64_t actor = t->actor, id = t->id;
	nz_event ev = t->ev;
	nz_time now = nz_time_now();
	const char *text = t->text, *what;
	nz_status from;
	nz_rc rc = nz__sq_article_load(h, arena, id, a, err);
	if (rc)
		return rc;
	if ((rc = nz__store_transition_prepare(arena, t, a, now, &from, &what, err)))
		return rc;
	if ((rc = set_state(h, a, err)) ||
	    (nz__store_transition_corrects(t) &&
	     (rc = add_correction(h, id, actor, text, now, err))) ||
	    (rc = nz__sq_article_load(h, arena, id, a, err)) ||
	    (rc = nz__sq_revision_add(h, a, actor, what, now, err)))
		return rc;
	return nz__sq_audit(h, actor, nz_workflow_audit_action(ev, from), "article", id, id, what,
			    err);
}

nz_rc nz__sq_article_transition(nz_store *s, nz_arena *arena, const nz_article_transition *t,
				nz_article **out, nz_err *err)
{
	return nz__store_article_transition_tx(s, arena, t, out, transition, err);
}

/* ---- the scheduler's step ---------------------------------------------------------------- */

static nz_rc due_ids(nz__sqlite *h, nz_time now, int64_t *ids, size_t *n, nz_err *err)
{
	sqlite3_stmt *st;
	bool row = true;
	nz_rc rc = nz__sq_stmt(h, SQ_DUE, &st, err);
	*n = 0;
	if (rc)
		return rc;
	if (sqlite3_bind_int64(st, 1, now))
		return nz__sq_bind_error(h, "scheduler", err);
	while (!(rc = nz__sq_step(h, st, &row, "scheduler", err)) && row && *n < 100)
		ids[(*n)++] = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return rc;
}

nz_rc nz__sq_publish_due(nz_store *s, nz_time now, size_t *n, nz_err *err)
{
	nz__sqlite *h = nz__sq(s);
	int64_t ids[100];
	size_t count = 0;
	nz_rc rc = due_ids(h, now, ids, &count, err);
	return rc ? rc : nz__store_publish_each(s, ids, count, n, err);
}

nz_rc nz__sq_next_scheduled(nz_store *s, nz_time *at, nz_err *err)
{
	nz__sqlite *h = nz__sq(s);
	sqlite3_stmt *st;
	bool row = false;
	nz_rc rc = nz__sq_stmt(h, SQ_NEXT_DUE, &st, err);
	if (rc || (rc = nz__sq_step(h, st, &row, "scheduler", err)))
		return rc;
	if (!row || sqlite3_column_type(st, 0) == SQLITE_NULL)
		rc = NZ_NOTFOUND;
	else
		*at = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return rc;
}

/* ---- lists ------------------------------------------------------------------------------- */

/* Binds q's values to the parameters st has (numbered NZ__AP_*; a number beyond the
 * statement's last is not there). */
static nz_rc bind_admin(nz__sqlite *h, sqlite3_stmt *st, const nz_admin_query *q,
			const char *statuses, const char *ids, nz_err *err)
{
	int n = sqlite3_bind_parameter_count(st), bad = 0;
	const char *text[] = {[NZ__AP_STATUSES] = statuses,    [NZ__AP_SECTION] = q->section_slug,
			      [NZ__AP_TAG] = q->tag_slug,      [NZ__AP_AUTHOR] = q->author_slug,
			      [NZ__AP_LANGUAGE] = q->language, [NZ__AP_IDS] = ids};
	int64_t num[] = {[NZ__AP_CREATED_BY] = q->created_by,
			 [NZ__AP_FROM] = q->from,
			 [NZ__AP_TO] = q->to,
			 [NZ__AP_AFTER_TIME] = q->after_time,
			 [NZ__AP_AFTER_ID] = q->after_id,
			 [NZ__AP_LIMIT] = (int64_t)q->limit + 1,
			 [NZ__AP_OFFSET] = (int64_t)q->offset};
	for (int i = 1; i <= n && !bad; i++) {
		if (i < (int)(sizeof text / sizeof text[0]) && text[i])
			bad = nz__sq_bind_text(st, i, text[i]);
		else if (i < (int)(sizeof num / sizeof num[0]))
			bad = sqlite3_bind_int64(st, i, num[i]);
	}
	return bad ? nz__sq_bind_error(h, "articles", err) : NZ_OK;
}

/* Prepares the page (count false) or count SQL of q and binds its values; *st is finalized by
 * the caller. */
static nz_rc admin_stmt(nz__sqlite *h, const nz_admin_query *q, bool count, const char *statuses,
			const char *ids, sqlite3_stmt **st, nz_err *err)
{
	nz_buf b;
	nz_rc rc;
	*st = NULL;
	nz_buf_init(&b, 0);
	nz__store_admin_sql(&b, q, false, count);
	if (nz_buf_rc(&b))
		rc = nz_err_set(err, NZ_NOMEM, "articles: out of memory");
	else if (sqlite3_prepare_v2(h->db, nz_buf_cstr(&b), -1, st, NULL) != SQLITE_OK)
		rc = nz__sq_error(h, sqlite3_errcode(h->db), "articles", err);
	else
		rc = bind_admin(h, *st, q, statuses, ids, err);
	nz_buf_free(&b);
	return rc;
}

static nz_rc id_item(nz_arena *arena, sqlite3_stmt *st, void *item)
{
	(void)arena;
	*(int64_t *)item = sqlite3_column_int64(st, 0);
	return NZ_OK;
}

nz_rc nz__sq_admin_article_list(nz_store *s, nz_arena *arena, const nz_admin_query *q,
				nz_article_list *out, nz_err *err)
{
	nz__sqlite *h = nz__sq(s);
	sqlite3_stmt *page = NULL, *count = NULL;
	const char *statuses, *ids;
	int64_t *found = NULL, total = 0;
	size_t n = 0;
	bool snap = nz__sq_read_begin(h);
	nz_rc rc = nz__store_admin_lists(arena, q, false, &statuses, &ids, err);
	if (rc || (rc = admin_stmt(h, q, false, statuses, ids, &page, err)) ||
	    (rc = nz__sq_collect(h, page, "articles", sizeof(int64_t), id_item, arena,
				 (void **)&found, &n, err)) ||
	    (rc = admin_stmt(h, q, true, statuses, ids, &count, err)) ||
	    (rc = nz__sq_int(h, count, &total, "articles", err)))
		goto out;
	out->has_more = n > q->limit;
	out->n = out->has_more ? q->limit : n;
	out->total = (size_t)total;
	if (out->n && !(out->items = nz_arena_zalloc(arena, out->n * sizeof(nz_article)))) {
		rc = nz_err_set(err, NZ_NOMEM, "articles: out of memory");
		goto out;
	}
	for (size_t i = 0; !rc && i < out->n; i++)
		rc = nz__sq_article_load(h, arena, found[i], &out->items[i], err);
out:
	sqlite3_finalize(page);
	sqlite3_finalize(count);
	nz__sq_read_end(h, snap);
	if (rc)
		memset(out, 0, sizeof *out);
	return rc;
}

/* ---- translations and old slugs ---------------------------------------------------------- */

static nz_rc group_of(nz__sqlite *h, int64_t id, int64_t *group, nz_err *err)
{
	sqlite3_stmt *st;
	nz_rc rc = nz__sq_stmt(h, SQ_TRANSLATION_GROUP, &st, err);
	if (rc)
		return rc;
	if (sqlite3_bind_int64(st, 1, id))
		return nz__sq_bind_error(h, "translation", err);
	rc = nz__sq_int(h, st, group, "translation", err);
	if (rc == NZ_NOTFOUND)
		return nz_err_set(err, rc, "article %lld: not found", (long long)id);
	return rc;
}

static nz_rc link_translation(nz__sqlite *h, int64_t actor, int64_t id, int64_t other, nz_err *err)
{
	sqlite3_stmt *st;
	int64_t g1 = 0, g2 = 0;
	nz_rc rc;
	if ((rc = group_of(h, id, &g1, err)) || (rc = group_of(h, other, &g2, err)) ||
	    (rc = nz__sq_stmt(h, SQ_TRANSLATION_MERGE, &st, err)))
		return rc;
	int64_t group = nz__store_translation_group(id, other, g1, g2);
	if (sqlite3_bind_int64(st, 1, group) || sqlite3_bind_int64(st, 2, id) ||
	    sqlite3_bind_int64(st, 3, other) || sqlite3_bind_int64(st, 4, g1) ||
	    sqlite3_bind_int64(st, 5, g2))
		return nz__sq_bind_error(h, "translation", err);
	if ((rc = nz__sq_exec(h, st, "translation", err)))
		return rc;
	return nz__store_translation_audit(&h->base, actor, id, other, err);
}

nz_rc nz__sq_article_link_translation(nz_store *s, int64_t actor, int64_t id, int64_t other_id,
				      nz_err *err)
{
	nz__sqlite *h = nz__sq(s);
	nz_rc rc = nz__sq_begin(h, err);
	if (rc)
		return rc;
	rc = link_translation(h, actor, id, other_id, err);
	return nz__sq_end(h, rc, err);
}

nz_rc nz__sq_slug_redirect(nz_store *s, nz_arena *arena, const char *old_slug,
			   const char **new_slug, nz_err *err)
{
	nz__sqlite *h = nz__sq(s);
	sqlite3_stmt *st;
	bool row = false;
	nz_rc rc = nz__sq_stmt(h, SQ_REDIRECT_TARGET, &st, err);
	if (rc)
		return rc;
	if (nz__sq_bind_text(st, 1, old_slug))
		return nz__sq_bind_error(h, "slug", err);
	if ((rc = nz__sq_step(h, st, &row, "slug", err)))
		return rc;
	if (!row)
		rc = NZ_NOTFOUND;
	else if (nz__sq_col_text(arena, st, 0, new_slug) || !*new_slug)
		rc = nz_err_set(err, NZ_NOMEM, "slug: out of memory");
	sqlite3_reset(st);
	return rc;
}
