/*
 * cli/transfer_report: what backup, restore and migrate print alike: a progress line on a
 * terminal's stderr while tables are copied, then one line per table (rows and checksum).
 */
#include <stdio.h>
#include <unistd.h>

#include "cli/cli.h"

/* "backup: 12/25 tables, 3400/10000 rows" over itself on a terminal, nothing otherwise. */
static void show_progress(void *ctx, size_t tables_done, size_t tables, int64_t rows_done,
			  int64_t rows)
{
	const char *what = ctx;
	fprintf(stderr, "\r%s: %zu/%zu tables, %lld/%lld rows", what, tables_done, tables,
		(long long)rows_done, (long long)rows);
	fflush(stderr);
}

void cli_transfer_init(nz_app_transfer *t, const char *what)
{
	*t = (nz_app_transfer){0};
	if (isatty(STDERR_FILENO)) {
		t->progress = show_progress;
		t->ctx = (void *)what;
	}
}

void cli_transfer_done(const nz_app_transfer *t)
{
	if (t->progress)
		fputc('\n', stderr);
}

void cli_transfer_print(const nz_app_transfer *t, FILE *out)
{
	int64_t rows = 0;
	fprintf(out, "%-20s %10s  %s\n", "table", "rows", "sha256");
	for (size_t i = 0; i < t->n; i++) {
		fprintf(out, "%-20s %10lld  %s\n", t->tables[i].name, (long long)t->tables[i].rows,
			t->tables[i].sha256);
		rows += t->tables[i].rows;
	}
	fprintf(out, "%zu tables, %lld rows, every count and checksum verified\n", t->n,
		(long long)rows);
}
