/*
 * outbox_changes.c: the PostgreSQL side of the change feed. The rows are written by the
 * schema's triggers (schema_feed.c) inside every writer's transaction; this file reads them,
 * prunes them and runs the clock that turns passing embargoes and publication times into
 * changes, as sqlite/outbox_changes.c does.
 *
 * Rules: a read of several statements runs in one read snapshot; a tick writes only when an
 * article became due, so an idle server does not write. Writers hold the change-feed lock from
 * their BEGIN (nz__pg_begin), so the tick's second look at the clock and a prune's reads see
 * every committed row and no writer in between.
 */
#include <stdlib.h>

#include "store/postgres/postgres_int.h"

/* Articles whose embargo or future publication time passed in ($1, $2]: "> updated_at" says
 * the time lay ahead when the article was last written (a write's own changes cover the rest). */
#define DUE_EMBARGO_FROM                                                                           \
	"articles WHERE status IN ('published', 'retracted') AND embargo_until > $1::bigint"       \
	" AND embargo_until > updated_at"
#define DUE_DATED_FROM                                                                             \
	"articles WHERE status IN ('published', 'retracted') AND published_at > $1::bigint"        \
	" AND published_at > updated_at"
/* Front layouts whose start passed in ($1, $2]. */
#define DUE_LAYOUT "front_layouts WHERE starts_at > $1::bigint AND starts_at <= $2::bigint"
#define DUE_EMBARGO DUE_EMBARGO_FROM " AND embargo_until <= $2::bigint"
#define DUE_DATED DUE_DATED_FROM " AND published_at <= $2::bigint"

static const nz__pg_sql q_seq = {"SELECT COALESCE(max(seq), 0) FROM changes"};
static const nz__pg_sql q_since = {
    "SELECT DISTINCT key FROM changes WHERE seq > $1::bigint AND seq <= $2::bigint"};
static const nz__pg_sql q_pruned = {"SELECT pruned_upto FROM change_state WHERE id = 1"};
static const nz__pg_sql q_clock = {"SELECT clock FROM change_state WHERE id = 1"};
static const nz__pg_sql q_due = {"SELECT (EXISTS (SELECT 1 FROM " DUE_EMBARGO ")"
				 " OR EXISTS (SELECT 1 FROM " DUE_DATED ")"
				 " OR EXISTS (SELECT 1 FROM " DUE_LAYOUT "))::int"};
/* A layout that starts names its front (the key its trigger writes). */
static const nz__pg_sql q_touch_layouts = {
    "SELECT nz_changes_add(ARRAY(SELECT CASE WHEN section_id = 0 THEN 'front'"
    " ELSE 'section-' || section_id END FROM " DUE_LAYOUT "))"};
/* A no-op UPDATE still fires articles_changes_update (and no search trigger: those watch only
 * the text columns, or fire on a real change of the copied ones). */
static const nz__pg_sql q_touch = {"UPDATE articles SET status = status WHERE id IN ("
				   "SELECT id FROM " DUE_EMBARGO " UNION SELECT id FROM " DUE_DATED
				   ")"};
static const nz__pg_sql q_set_clock = {
    "UPDATE change_state SET clock = $1::bigint WHERE id = 1 AND clock < $1::bigint"};
/* The first row young enough to keep (rows are written in time order, near enough). */
static const nz__pg_sql q_cut_age = {
    "SELECT seq FROM changes WHERE at >= $1::bigint ORDER BY seq LIMIT 1"};
static const nz__pg_sql q_delete = {"DELETE FROM changes WHERE seq <= $1::bigint"};
static const nz__pg_sql q_set_pruned = {"UPDATE change_state SET pruned_upto = $1::bigint"
					" WHERE id = 1 AND pruned_upto < $1::bigint"};
/* What the next tick will touch (as DUE_* with no upper bound, from the clock on), and the next
 * scheduled publication (a write, but one made on time). */
static const nz__pg_sql q_next_due = {
    "SELECT min(t) FROM ("
    "SELECT min(embargo_until) AS t FROM " DUE_EMBARGO_FROM
    " UNION ALL SELECT min(published_at) FROM " DUE_DATED_FROM
    " UNION ALL SELECT min(publish_at) FROM articles WHERE status = 'scheduled'"
    " AND publish_at IS NOT NULL"
    " UNION ALL SELECT min(starts_at) FROM front_layouts WHERE starts_at > $1::bigint) AS due"
    " WHERE t IS NOT NULL"};

/* Runs q with up to two integer parameters and reads one integer (NZ_NOTFOUND: no row). */
static nz_rc read_int(nz__pg *h, const nz__pg_sql *q, int n_params, int64_t a, int64_t b,
		      int64_t *out, nz_err *err)
{
	nz__pg_params p = {0};
	if (n_params > 0)
		nz__pg_int64(&p, a);
	if (n_params > 1)
		nz__pg_int64(&p, b);
	return nz__pg_one_int(h, q, &p, out, "changes", err);
}

/* Runs the write q with up to two integer parameters; *changed (may be NULL) gets its row
 * count. */
static nz_rc write_int(nz__pg *h, const nz__pg_sql *q, int n_params, int64_t a, int64_t b,
		       int64_t *changed, nz_err *err)
{
	nz__pg_params p = {0};
	PGresult *res;
	if (n_params > 0)
		nz__pg_int64(&p, a);
	if (n_params > 1)
		nz__pg_int64(&p, b);
	nz_rc rc = nz__pg_query(h, q, &p, &res, "changes", err);
	if (rc)
		return rc;
	if (changed)
		*changed = strtoll(PQcmdTuples(res), NULL, 10);
	PQclear(res);
	return NZ_OK;
}

nz_rc nz__pg_change_seq(nz_store *s, int64_t *seq, nz_err *err)
{
	return read_int(nz__pg_h(s), &q_seq, 0, 0, 0, seq, err);
}

/* The distinct keys of (after, upto] appended to *keys. */
static nz_rc collect_keys(nz__pg *h, nz_arena *arena, int64_t after, int64_t upto,
			  const char ***keys, size_t *n, nz_err *err)
{
	nz__pg_params p = {0};
	PGresult *res;
	nz__pg_int64(&p, after);
	nz__pg_int64(&p, upto);
	nz_rc rc = nz__pg_query(h, &q_since, &p, &res, "changes", err);
	if (rc)
		return rc;
	int rows = PQntuples(res);
	/* One spare slot: changes_since may add "settings". */
	const char **out = nz_arena_alloc(arena, ((size_t)rows + 1) * sizeof *out);
	if (!out)
		rc = NZ_NOMEM;
	for (int r = 0; !rc && r < rows; r++)
		if ((rc = nz__pg_col_text(arena, res, r, 0, &out[r])) == NZ_OK && !out[r])
			rc = NZ_NOMEM;
	PQclear(res);
	if (!rc) {
		*keys = out;
		*n = (size_t)rows;
	}
	return rc;
}

nz_rc nz__pg_changes_since(nz_store *s, nz_arena *arena, int64_t after, int64_t *upto,
			   const char ***keys, size_t *n_keys, nz_err *err)
{
	nz__pg *h = nz__pg_h(s);
	int64_t newest = 0, pruned = 0;
	bool opened = nz__pg_read_begin(h);
	nz_rc rc = read_int(h, &q_seq, 0, 0, 0, &newest, err);
	if (!rc)
		rc = read_int(h, &q_pruned, 0, 0, 0, &pruned, err);
	if (!rc && newest > after)
		rc = collect_keys(h, arena, after, newest, keys, n_keys, err);
	/* Rows the caller never saw were pruned, or the database is not the one it read before (a
	 * restored backup): everything may have changed. */
	if (!rc && (after < pruned || after > newest)) {
		if (!*keys && !(*keys = nz_arena_alloc(arena, sizeof **keys)))
			rc = NZ_NOMEM;
		else
			(*keys)[(*n_keys)++] = "settings";
	}
	nz__pg_read_end(h, opened);
	if (rc == NZ_NOMEM)
		nz_err_set(err, rc, "changes: out of memory");
	if (!rc)
		*upto = newest;
	return rc;
}

nz_rc nz__pg_change_tick(nz_store *s, nz_time now, size_t *n, nz_err *err)
{
	nz__pg *h = nz__pg_h(s);
	int64_t clock = 0, due = 0, touched = 0;
	nz_rc rc = read_int(h, &q_clock, 0, 0, 0, &clock, err);
	if (!rc && now > clock)
		rc = read_int(h, &q_due, 2, clock, now, &due, err);
	if (rc || !nz__store_tick_writes(now, clock, due))
		return rc;
	if ((rc = nz__pg_begin(h, err)))
		return rc;
	/* Again under the change-feed lock: another node may have ticked meanwhile. */
	rc = read_int(h, &q_clock, 0, 0, 0, &clock, err);
	if (!rc && now > clock)
		rc = write_int(h, &q_touch, 2, clock, now, &touched, err);
	if (!rc && now > clock)
		rc = write_int(h, &q_touch_layouts, 2, clock, now, NULL, err);
	if (!rc)
		rc = write_int(h, &q_set_clock, 1, now, 0, NULL, err);
	rc = nz__pg_end(h, rc, err);
	if (!rc)
		*n = (size_t)touched;
	return rc;
}

nz_rc nz__pg_change_next_due(nz_store *s, nz_time *at, nz_err *err)
{
	nz__pg *h = nz__pg_h(s);
	int64_t clock = 0;
	nz_rc rc = read_int(h, &q_clock, 0, 0, 0, &clock, err);
	if (!rc)
		rc = read_int(h, &q_next_due, 1, clock, 0, at, err);
	return rc;
}

nz_rc nz__pg_changes_prune(nz_store *s, nz_time older_than, int64_t keep_rows, size_t *n,
			   nz_err *err)
{
	nz__pg *h = nz__pg_h(s);
	int64_t newest = 0, young = 0, deleted = 0;
	nz_rc rc = nz__pg_begin(h, err);
	if (rc)
		return rc;
	rc = read_int(h, &q_seq, 0, 0, 0, &newest, err);
	if (!rc) {
		rc = read_int(h, &q_cut_age, 1, older_than, 0, &young, err);
		if (rc == NZ_NOTFOUND) /* every row is old */
			young = newest + 1, rc = NZ_OK;
	}
	/* Delete the prefix up to cut: old rows, rows past the limit, never the newest. */
	int64_t cut = nz__store_prune_cut(newest, young, keep_rows);
	if (!rc && cut > 0) {
		rc = write_int(h, &q_delete, 1, cut, 0, &deleted, err);
		if (!rc && deleted > 0)
			rc = write_int(h, &q_set_pruned, 1, cut, 0, NULL, err);
	}
	rc = nz__pg_end(h, rc, err);
	if (!rc)
		*n = (size_t)deleted;
	return rc;
}
