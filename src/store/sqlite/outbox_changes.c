/*
 * outbox_changes.c: the SQLite side of the change feed. The rows themselves are written by
 * the triggers of migration 5 (schema.c) inside every writer's transaction; this file reads
 * them, prunes them and runs the clock that turns passing embargoes and publication times into
 * changes.
 *
 * Rules: statements are prepared once per handle (they run several times a second in the
 * server); a read of several statements runs in one read snapshot; a tick writes only when an
 * article became due, so an idle server does not write.
 */
#include "store/sqlite/sqlite_int.h"

/* Articles whose embargo or future publication time passed in (?1, ?2]: "> updated_at" says
 * the time lay ahead when the article was last written (a write's own changes cover the rest).
 * Each walks a range of one index (articles_embargo, articles_public), never every published
 * article: "+status" keeps the planner off articles_status. */
#define DUE_EMBARGO_FROM                                                                           \
	"articles WHERE +status IN ('published', 'retracted') AND embargo_until > ?1"              \
	" AND embargo_until > updated_at"
#define DUE_DATED_FROM                                                                             \
	"articles INDEXED BY articles_public WHERE status IN ('published', 'retracted')"           \
	" AND published_at > ?1 AND published_at > updated_at"
/* Front layouts whose start passed in (?1, ?2] (front_layouts_starts walks them). */
#define DUE_LAYOUT "front_layouts WHERE starts_at > ?1 AND starts_at <= ?2"
#define DUE_EMBARGO DUE_EMBARGO_FROM " AND embargo_until <= ?2"
#define DUE_DATED DUE_DATED_FROM " AND published_at <= ?2"

enum {
	ST_SEQ,
	ST_SINCE,
	ST_PRUNED,
	ST_CLOCK,
	ST_DUE,
	ST_TOUCH,
	ST_TOUCH_LAYOUTS,
	ST_SET_CLOCK,
	ST_CUT_AGE,
	ST_DELETE,
	ST_SET_PRUNED,
	ST_NEXT_DUE,
	ST_COUNT
};

static const char *const sql[ST_COUNT] = {
    [ST_SEQ] = "SELECT COALESCE(max(seq), 0) FROM changes",
    [ST_SINCE] = "SELECT DISTINCT key FROM changes WHERE seq > ?1 AND seq <= ?2",
    [ST_PRUNED] = "SELECT pruned_upto FROM change_state WHERE id = 1",
    [ST_CLOCK] = "SELECT clock FROM change_state WHERE id = 1",
    [ST_DUE] = "SELECT EXISTS (SELECT 1 FROM " DUE_EMBARGO ")"
	       " OR EXISTS (SELECT 1 FROM " DUE_DATED ")"
	       " OR EXISTS (SELECT 1 FROM " DUE_LAYOUT ")",
    /* A no-op UPDATE still fires articles_changes_update (and no search trigger: those watch
     * only the text columns). */
    [ST_TOUCH] = "UPDATE articles SET status = status WHERE id IN ("
		 "SELECT id FROM " DUE_EMBARGO " UNION SELECT id FROM " DUE_DATED ")",
    /* A layout that starts names its front (the key its triggers write). */
    [ST_TOUCH_LAYOUTS] = "INSERT INTO changes(key, at) SELECT DISTINCT CASE WHEN section_id = 0"
			 " THEN 'front' ELSE 'section-' || section_id END, ?2 FROM " DUE_LAYOUT,
    [ST_SET_CLOCK] = "UPDATE change_state SET clock = ?1 WHERE id = 1 AND clock < ?1",
    /* The first row young enough to keep (rows are written in time order, near enough). */
    [ST_CUT_AGE] = "SELECT seq FROM changes WHERE at >= ?1 ORDER BY seq LIMIT 1",
    [ST_DELETE] = "DELETE FROM changes WHERE seq <= ?1",
    [ST_SET_PRUNED] = "UPDATE change_state SET pruned_upto = ?1 WHERE id = 1 AND pruned_upto < ?1",
    /* What the next tick will touch (as DUE_* with no upper bound, from the clock on), and the
     * next scheduled publication. */
    [ST_NEXT_DUE] = "SELECT min(t) FROM ("
		    "SELECT min(embargo_until) AS t FROM " DUE_EMBARGO_FROM
		    " UNION ALL SELECT min(published_at) FROM " DUE_DATED_FROM
		    /* and when the scheduler will publish (a write, but one made on time) */
		    " UNION ALL SELECT min(publish_at) FROM articles WHERE status = 'scheduled'"
		    " AND publish_at IS NOT NULL"
		    " UNION ALL SELECT min(starts_at) FROM front_layouts WHERE starts_at > ?1)"
		    " WHERE t IS NOT NULL",
};

_Static_assert(ST_COUNT <= NZ__CHANGE_STMTS, "outbox_changes.c needs more statement slots");

static nz_rc stmt(nz__sqlite *h, int id, sqlite3_stmt **out, nz_err *err)
{
	return nz__sq_cached(h, NZ__SLOT_CHANGES + id, sql[id], out, err);
}

/* Statement id with its first n parameters bound to v[0..n). */
static nz_rc bound(nz__sqlite *h, int id, const int64_t *v, int n, sqlite3_stmt **st, nz_err *err)
{
	nz_rc rc = stmt(h, id, st, err);
	if (rc)
		return rc;
	for (int i = 0; i < n; i++)
		if (sqlite3_bind_int64(*st, i + 1, v[i]))
			return nz__sq_bind_error(h, "changes", err);
	return NZ_OK;
}

/* Runs statement id with up to two integer parameters and reads one integer. */
static nz_rc read_int(nz__sqlite *h, int id, int64_t a, int64_t b, int n_params, int64_t *out,
		      nz_err *err)
{
	sqlite3_stmt *st;
	nz_rc rc = bound(h, id, (const int64_t[]){a, b}, n_params, &st, err);
	return rc ? rc : nz__sq_int(h, st, out, "changes", err);
}

/* Runs a write statement id with up to two integer parameters; *changed gets its row count. */
static nz_rc write_stmt(nz__sqlite *h, int id, int64_t a, int64_t b, int n_params, int *changed,
			nz_err *err)
{
	sqlite3_stmt *st;
	nz_rc rc = bound(h, id, (const int64_t[]){a, b}, n_params, &st, err);
	if (rc)
		return rc;
	rc = nz__sq_exec(h, st, "changes", err);
	if (!rc && changed)
		*changed = sqlite3_changes(h->db);
	return rc;
}

nz_rc nz__sq_change_seq(nz_store *s, int64_t *seq, nz_err *err)
{
	return read_int(nz__sq(s), ST_SEQ, 0, 0, 0, seq, err);
}

static nz_rc add_key(nz_arena *arena, const char ***keys, size_t *n, size_t *cap, const char *key)
{
	if (NZ_ARENA_GROW(arena, *keys, *n + 1, *cap) != NZ_OK)
		return NZ_NOMEM;
	(*keys)[(*n)++] = key;
	return NZ_OK;
}

/* The distinct keys of (after, upto] into *keys. */
static nz_rc collect_keys(nz__sqlite *h, nz_arena *arena, int64_t after, int64_t upto,
			  const char ***keys, size_t *n, size_t *cap, nz_err *err)
{
	sqlite3_stmt *st;
	bool row = false;
	nz_rc rc = stmt(h, ST_SINCE, &st, err);
	if (rc)
		return rc;
	if (sqlite3_bind_int64(st, 1, after) || sqlite3_bind_int64(st, 2, upto))
		return nz__sq_bind_error(h, "changes", err);
	while (!(rc = nz__sq_step(h, st, &row, "changes", err)) && row) {
		const char *key = NULL;
		if ((rc = nz__sq_col_text(arena, st, 0, &key)) || !key ||
		    (rc = add_key(arena, keys, n, cap, key)))
			break;
	}
	sqlite3_reset(st);
	return rc == NZ_NOMEM ? nz_err_set(err, rc, "changes: out of memory") : rc;
}

nz_rc nz__sq_changes_since(nz_store *s, nz_arena *arena, int64_t after, int64_t *upto,
			   const char ***keys, size_t *n_keys, nz_err *err)
{
	nz__sqlite *h = nz__sq(s);
	int64_t newest = 0, pruned = 0;
	size_t cap = 0;
	bool opened = nz__sq_read_begin(h);
	nz_rc rc = read_int(h, ST_SEQ, 0, 0, 0, &newest, err);
	if (!rc)
		rc = read_int(h, ST_PRUNED, 0, 0, 0, &pruned, err);
	if (!rc && newest > after)
		rc = collect_keys(h, arena, after, newest, keys, n_keys, &cap, err);
	/* Rows the caller never saw were pruned, or the file is not the one it read before (a
	 * restored backup): everything may have changed. */
	if (!rc && (after < pruned || after > newest))
		rc = add_key(arena, keys, n_keys, &cap, "settings");
	nz__sq_read_end(h, opened);
	if (rc == NZ_NOMEM)
		nz_err_set(err, rc, "changes: out of memory");
	if (!rc)
		*upto = newest;
	return rc;
}

nz_rc nz__sq_change_tick(nz_store *s, nz_time now, size_t *n, nz_err *err)
{
	nz__sqlite *h = nz__sq(s);
	int64_t clock = 0, due = 0;
	int touched = 0;
	nz_rc rc = read_int(h, ST_CLOCK, 0, 0, 0, &clock, err);
	if (!rc && now > clock)
		rc = read_int(h, ST_DUE, clock, now, 2, &due, err);
	if (rc || !nz__store_tick_writes(now, clock, due))
		return rc;
	if ((rc = nz__sq_begin(h, err)))
		return rc;
	/* Again under the write lock: another process may have ticked meanwhile. */
	rc = read_int(h, ST_CLOCK, 0, 0, 0, &clock, err);
	if (!rc && now > clock)
		rc = write_stmt(h, ST_TOUCH, clock, now, 2, &touched, err);
	if (!rc && now > clock)
		rc = write_stmt(h, ST_TOUCH_LAYOUTS, clock, now, 2, NULL, err);
	if (!rc)
		rc = write_stmt(h, ST_SET_CLOCK, now, 0, 1, NULL, err);
	rc = nz__sq_end(h, rc, err);
	if (!rc)
		*n = (size_t)touched;
	return rc;
}

nz_rc nz__sq_change_next_due(nz_store *s, nz_time *at, nz_err *err)
{
	nz__sqlite *h = nz__sq(s);
	sqlite3_stmt *st;
	bool row = false;
	int64_t clock = 0;
	nz_rc rc = read_int(h, ST_CLOCK, 0, 0, 0, &clock, err);
	if (!rc)
		rc = stmt(h, ST_NEXT_DUE, &st, err);
	if (rc)
		return rc;
	if (sqlite3_bind_int64(st, 1, clock))
		return nz__sq_bind_error(h, "changes", err);
	rc = nz__sq_step(h, st, &row, "changes", err);
	if (!rc && (!row || sqlite3_column_type(st, 0) == SQLITE_NULL))
		rc = NZ_NOTFOUND;
	if (!rc)
		*at = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return rc;
}

nz_rc nz__sq_changes_prune(nz_store *s, nz_time older_than, int64_t keep_rows, size_t *n,
			   nz_err *err)
{
	nz__sqlite *h = nz__sq(s);
	int64_t newest = 0, young = 0;
	int deleted = 0;
	nz_rc rc = nz__sq_begin(h, err);
	if (rc)
		return rc;
	rc = read_int(h, ST_SEQ, 0, 0, 0, &newest, err);
	if (!rc) {
		rc = read_int(h, ST_CUT_AGE, older_than, 0, 1, &young, err);
		if (rc == NZ_NOTFOUND) /* every row is old */
			young = newest + 1, rc = NZ_OK;
	}
	/* Delete the prefix up to cut: old rows, rows past the limit, never the newest. */
	int64_t cut = nz__store_prune_cut(newest, young, keep_rows);
	if (!rc && cut > 0) {
		rc = write_stmt(h, ST_DELETE, cut, 0, 1, &deleted, err);
		if (!rc && deleted > 0)
			rc = write_stmt(h, ST_SET_PRUNED, cut, 0, 1, NULL, err);
	}
	rc = nz__sq_end(h, rc, err);
	if (!rc)
		*n = (size_t)deleted;
	return rc;
}
