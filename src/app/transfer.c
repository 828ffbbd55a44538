/*
 * transfer.c: backup, restore and migrate, the same walk over the store's list of tables
 * (store.h, "transfer") whatever the backends: read in key order from a snapshot, write rows
 * verbatim into an empty database in one load, and verify each table's count and checksum.
 *
 * Rules: the source is read inside one snapshot (a consistent copy while a server writes);
 * the target is loaded in one transaction and verified BEFORE it commits, so a copy that does
 * not match, or a damaged file, leaves the target as it was. Every table of the source must be
 * in the list or excluded from it (nz_store_transfer_check). Schema version numbers are each
 * backend's own, so what must agree is every table's columns, compared one by one.
 */
#include <string.h>

#include "app/transfer_int.h"

/* The copy's progress, and the report it fills. */
typedef struct walk {
	nz_app_transfer *report;
	size_t tables; /* in the list */
	int64_t rows_total, rows_done;
} walk;

static void progress(walk *w)
{
	if (w->report->progress)
		w->report->progress(w->report->ctx, w->report->n, w->tables, w->rows_done,
				    w->rows_total);
}

/* NZ_INVAL unless two tables have the same columns in the same order (same schema). */
static nz_rc same_columns(const nz_transfer_table *t, const char *const *a, size_t na,
			  const char *const *b, size_t nb, nz_err *err)
{
	bool same = na == nb;
	for (size_t c = 0; same && c < na; c++)
		same = a[c] && b[c] && strcmp(a[c], b[c]) == 0;
	if (!same)
		return nz_err_set(err, NZ_INVAL,
				  "%s: the columns differ between source and target (a different "
				  "schema version?)",
				  t->name);
	return NZ_OK;
}

/* Counts every table of the snapshot into w (for the header and the progress). */
static nz_rc count_all(nz_store *s, walk *w, nz_app_transfer_table *counts, nz_err *err)
{
	const nz_transfer_table *tables = nz_store_transfer_tables(&w->tables);
	for (size_t i = 0; i < w->tables; i++) {
		nz_rc rc = nz_store_transfer_count(s, &tables[i], &counts[i].rows, err);
		if (rc)
			return rc;
		counts[i].name = tables[i].name;
		w->rows_total += counts[i].rows;
	}
	return NZ_OK;
}

/* Records table t as copied: rows and checksum. */
static void report_table(walk *w, const nz_transfer_table *t, int64_t rows, const char *hex)
{
	nz_app_transfer_table *r = &w->report->tables[w->report->n++];
	r->name = t->name;
	r->rows = rows;
	memcpy(r->sha256, hex, 65);
	progress(w);
}

/* Checks that target's copy of t has rows rows summing to hex. */
static nz_rc verify(nz_store *target, const nz_transfer_table *t, const char *const *cols,
		    size_t ncols, int64_t rows, const char *hex, nz_err *err)
{
	int64_t got = 0;
	char got_hex[65];
	nz_rc rc = nz_store_transfer_checksum(target, t, cols, ncols, &got, got_hex, err);
	if (rc)
		return rc;
	if (got != rows || strcmp(got_hex, hex) != 0)
		return nz_err_set(
		    err, NZ_DB,
		    "%s: the copy does not match (%lld rows, checksum %.12s; expected "
		    "%lld rows, %.12s); nothing was written",
		    t->name, (long long)got, got_hex, (long long)rows, hex);
	return NZ_OK;
}

/* A batch read from the source: into the table's checksum and the progress. */
static void rows_copied(walk *w, nz_transfer_sum *sum, const nz_value *rows, size_t n, size_t ncols)
{
	for (size_t r = 0; r < n; r++)
		nz_store_transfer_sum_add(sum, rows + r * ncols, ncols);
	w->rows_done += (int64_t)n;
	progress(w);
}

/* ---- backup -------------------------------------------------------------------------------- */

typedef struct backup_table {
	walk *w;
	nz__dump_writer *out;
	nz_transfer_sum *sum;
	size_t ncols;
} backup_table;

static nz_rc backup_batch(void *ctx, const nz_value *rows, size_t n, nz_err *err)
{
	backup_table *b = ctx;
	rows_copied(b->w, b->sum, rows, n, b->ncols);
	return nz__dump_rows(b->out, rows, n, b->ncols, err);
}

static nz_rc backup_tables(nz_store *s, nz__dump_writer *out, walk *w, nz_err *err)
{
	size_t n = 0;
	const nz_transfer_table *tables = nz_store_transfer_tables(&n);
	nz_rc rc = NZ_OK;

	for (size_t i = 0; i < n && !rc; i++) {
		nz_arena *arena = nz_arena_new();
		backup_table b = {w, out, nz_store_transfer_sum_new(), 0};
		const char **cols = NULL;
		char hex[65];
		if (!arena || !b.sum)
			rc = nz_err_set(err, NZ_NOMEM, "backup: out of memory");
		if (!rc)
			rc = nz_store_transfer_columns(s, arena, &tables[i], &cols, &b.ncols, err);
		if (!rc)
			rc = nz__dump_table(out, tables[i].name, cols, b.ncols, err);
		if (!rc)
			rc = nz_store_transfer_each(s, &tables[i], cols, b.ncols, backup_batch, &b,
						    err);
		if (!rc) {
			nz_store_transfer_sum_hex(b.sum, hex);
			rc = nz__dump_table_end(out, tables[i].name,
						nz_store_transfer_sum_rows(b.sum), hex, err);
		}
		if (!rc)
			report_table(w, &tables[i], nz_store_transfer_sum_rows(b.sum), hex);
		nz_store_transfer_sum_free(b.sum);
		nz_arena_free(arena);
	}
	return rc;
}

nz_rc nz_app_backup(nz_store *s, const char *path, nz_app_transfer *report, nz_err *err)
{
	nz_app_transfer_table counts[NZ_APP_TRANSFER_TABLES];
	walk w = {report, 0, 0, 0};
	nz__dump_writer *out = NULL;
	nz_arena *arena = nz_arena_new();
	bool snapshot = false;
	nz_rc rc;

	report->n = 0;
	if (!arena) {
		rc = nz_err_set(err, NZ_NOMEM, "backup: out of memory");
		goto out;
	}
	if ((rc = nz__dump_create(path, &out, err)) || (rc = nz_store_transfer_snapshot(s, err)))
		goto out;
	snapshot = true;
	if ((rc = nz_store_transfer_check(s, arena, err)) || (rc = count_all(s, &w, counts, err)) ||
	    (rc = nz__dump_header(out, nz_store_schema_version(s), counts, w.tables, err)) ||
	    (rc = backup_tables(s, out, &w, err)))
		goto out;
	rc = nz__dump_finish(out, err);
	out = NULL;
out:
	nz__dump_abort(out);
	if (snapshot)
		nz_store_transfer_end(s, false, &(nz_err){0});
	nz_arena_free(arena);
	return rc;
}

/* ---- restore ------------------------------------------------------------------------------- */

/* One table of the file into s: its column line was read (item); rows up to its end line. */
static nz_rc restore_table(nz_store *s, nz__dump_reader *in, const nz_transfer_table *t,
			   const nz__dump_item *head, walk *w, nz_err *err)
{
	nz_arena *arena = nz_arena_new(), *rows_arena = NULL;
	nz_transfer_sum *sum = nz_store_transfer_sum_new();
	const char **cols = NULL;
	nz_value *batch = NULL;
	size_t ncols = 0, n = 0;
	nz__dump_item item;
	char hex[65];
	nz_rc rc = NZ_OK;

	if (!arena || !sum) {
		rc = nz_err_set(err, NZ_NOMEM, "restore: out of memory");
		goto out;
	}
	if ((rc = nz_store_transfer_columns(s, arena, t, &cols, &ncols, err)) ||
	    (rc = same_columns(t, head->cols, head->ncols, cols, ncols, err)) ||
	    (t->seeded && (rc = nz_store_transfer_clear(s, t, err))))
		goto out;
	if (!(batch = nz_arena_alloc(arena, NZ_TRANSFER_BATCH * ncols * sizeof(*batch)))) {
		rc = nz_err_set(err, NZ_NOMEM, "restore: out of memory");
		goto out;
	}
	for (;;) {
		if (!rows_arena && !(rows_arena = nz_arena_new())) {
			rc = nz_err_set(err, NZ_NOMEM, "restore: out of memory");
			goto out;
		}
		if ((rc = nz__dump_next(in, rows_arena, &item, err)))
			goto out;
		if (item.kind == NZ__DUMP_ROW && item.ncols != ncols) {
			rc = nz_err_set(err, NZ_PARSE, "%s: a row of %s has %zu values, not %zu",
					"restore", t->name, item.ncols, ncols);
			goto out;
		}
		if (item.kind == NZ__DUMP_ROW) {
			memcpy(batch + n * ncols, item.row, ncols * sizeof(*batch));
			nz_store_transfer_sum_add(sum, item.row, ncols);
			n++;
		}
		if (n == NZ_TRANSFER_BATCH || (item.kind != NZ__DUMP_ROW && n)) {
			if ((rc = nz_store_transfer_write(s, t, cols, ncols, batch, n, err)))
				goto out;
			w->rows_done += (int64_t)n;
			progress(w);
			n = 0;
			if (item.kind ==
			    NZ__DUMP_ROW) { /* else it holds the end line: freed below */
				nz_arena_free(rows_arena);
				rows_arena = NULL;
			}
		}
		if (item.kind == NZ__DUMP_ROW)
			continue;
		if (item.kind != NZ__DUMP_TABLE_END || strcmp(item.table, t->name) != 0) {
			rc = nz_err_set(err, NZ_PARSE,
					"restore: the file is damaged: table %s does not end where "
					"it should",
					t->name);
			goto out;
		}
		break;
	}
	nz_store_transfer_sum_hex(sum, hex);
	if (item.rows != nz_store_transfer_sum_rows(sum) || strcmp(item.sha256, hex) != 0) {
		rc = nz_err_set(err, NZ_PARSE,
				"restore: the file is damaged: table %s holds %lld rows with "
				"checksum %.12s, its end line says %lld rows, %.12s",
				t->name, (long long)nz_store_transfer_sum_rows(sum), hex,
				(long long)item.rows, item.sha256);
		goto out;
	}
	if (!(rc = verify(s, t, cols, ncols, item.rows, hex, err)))
		report_table(w, t, item.rows, hex);
out:
	nz_arena_free(rows_arena);
	nz_arena_free(arena);
	nz_store_transfer_sum_free(sum);
	return rc;
}

/* Every table of the list, in its order, then the end line. */
static nz_rc restore_tables(nz_store *s, nz__dump_reader *in, walk *w, nz_err *err)
{
	size_t n = 0;
	const nz_transfer_table *tables = nz_store_transfer_tables(&n);
	nz_arena *arena = NULL;
	nz__dump_item item;
	nz_rc rc = NZ_OK;

	for (size_t i = 0; i <= n && !rc; i++) {
		nz_arena_free(arena);
		if (!(arena = nz_arena_new())) {
			rc = nz_err_set(err, NZ_NOMEM, "restore: out of memory");
			break;
		}
		if ((rc = nz__dump_next(in, arena, &item, err)))
			break;
		if (i == n && item.kind != NZ__DUMP_END)
			rc = nz_err_set(err, NZ_PARSE,
					"restore: the file is damaged: more than the tables of a "
					"backup");
		else if (i < n &&
			 (item.kind != NZ__DUMP_TABLE || strcmp(item.table, tables[i].name) != 0))
			rc = nz_err_set(
			    err, NZ_PARSE,
			    "restore: the file is damaged: table %s is missing or out of "
			    "order",
			    tables[i].name);
		else if (i < n)
			rc = restore_table(s, in, &tables[i], &item, w, err);
	}
	nz_arena_free(arena);
	return rc;
}

nz_rc nz_app_restore(nz_store *s, const char *path, nz_app_transfer *report, nz_err *err)
{
	nz__dump_header_info info;
	nz__dump_reader *in = NULL;
	walk w = {report, 0, 0, 0};
	nz_arena *arena = nz_arena_new();
	bool loading = false;
	nz_rc rc;

	report->n = 0;
	nz_store_transfer_tables(&w.tables);
	if (!arena) {
		rc = nz_err_set(err, NZ_NOMEM, "restore: out of memory");
		goto out;
	}
	if ((rc = nz__dump_open(path, &in, &info, err)))
		goto out;
	for (size_t i = 0; i < info.n; i++)
		w.rows_total += info.tables[i].rows;
	if ((rc = nz_store_transfer_check(s, arena, err)) || (rc = nz_store_transfer_load(s, err)))
		goto out;
	loading = true;
	if ((rc = restore_tables(s, in, &w, err)))
		goto out;
	loading = false;
	rc = nz_store_transfer_end(s, true, err);
out:
	if (loading)
		nz_store_transfer_end(s, false, &(nz_err){0});
	nz__dump_close(in);
	nz_arena_free(arena);
	return rc;
}

/* ---- migrate ------------------------------------------------------------------------------- */

typedef struct migrate_table {
	walk *w;
	nz_store *to;
	const nz_transfer_table *t;
	const char *const *cols;
	size_t ncols;
	nz_transfer_sum *sum;
} migrate_table;

static nz_rc migrate_batch(void *ctx, const nz_value *rows, size_t n, nz_err *err)
{
	migrate_table *m = ctx;
	rows_copied(m->w, m->sum, rows, n, m->ncols);
	return nz_store_transfer_write(m->to, m->t, m->cols, m->ncols, rows, n, err);
}

static nz_rc migrate_table_copy(nz_store *from, nz_store *to, const nz_transfer_table *t, walk *w,
				nz_err *err)
{
	nz_arena *arena = nz_arena_new();
	migrate_table m = {w, to, t, NULL, 0, nz_store_transfer_sum_new()};
	const char **cols = NULL, **to_cols = NULL;
	size_t n_to = 0;
	char hex[65];
	nz_rc rc = NZ_OK;

	if (!arena || !m.sum) {
		rc = nz_err_set(err, NZ_NOMEM, "migrate: out of memory");
		goto out;
	}
	if ((rc = nz_store_transfer_columns(from, arena, t, &cols, &m.ncols, err)) ||
	    (rc = nz_store_transfer_columns(to, arena, t, &to_cols, &n_to, err)) ||
	    (rc = same_columns(t, cols, m.ncols, to_cols, n_to, err)) ||
	    (t->seeded && (rc = nz_store_transfer_clear(to, t, err))))
		goto out;
	m.cols = cols;
	if ((rc = nz_store_transfer_each(from, t, cols, m.ncols, migrate_batch, &m, err)))
		goto out;
	nz_store_transfer_sum_hex(m.sum, hex);
	if (!(rc = verify(to, t, cols, m.ncols, nz_store_transfer_sum_rows(m.sum), hex, err)))
		report_table(w, t, nz_store_transfer_sum_rows(m.sum), hex);
out:
	nz_store_transfer_sum_free(m.sum);
	nz_arena_free(arena);
	return rc;
}

nz_rc nz_app_migrate(nz_store *from, nz_store *to, nz_app_transfer *report, nz_err *err)
{
	nz_app_transfer_table counts[NZ_APP_TRANSFER_TABLES];
	walk w = {report, 0, 0, 0};
	nz_arena *arena = nz_arena_new();
	bool snapshot = false, loading = false;
	size_t n = 0;
	const nz_transfer_table *tables = nz_store_transfer_tables(&n);
	nz_rc rc = NZ_OK;

	report->n = 0;
	if (!arena) {
		rc = nz_err_set(err, NZ_NOMEM, "migrate: out of memory");
		goto out;
	}
	if ((rc = nz_store_transfer_check(from, arena, err)) ||
	    (rc = nz_store_transfer_check(to, arena, err)) ||
	    (rc = nz_store_transfer_snapshot(from, err)))
		goto out;
	snapshot = true;
	if ((rc = count_all(from, &w, counts, err)) || (rc = nz_store_transfer_load(to, err)))
		goto out;
	loading = true;
	for (size_t i = 0; i < n && !rc; i++)
		rc = migrate_table_copy(from, to, &tables[i], &w, err);
	if (rc)
		goto out;
	loading = false;
	rc = nz_store_transfer_end(to, true, err);
out:
	if (loading)
		nz_store_transfer_end(to, false, &(nz_err){0});
	if (snapshot)
		nz_store_transfer_end(from, false, &(nz_err){0});
	nz_arena_free(arena);
	return rc;
}
