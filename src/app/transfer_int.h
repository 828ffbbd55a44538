/*
 * transfer_int.h: the backup file's format (transfer_file.c), shared by app/transfer.c only.
 *
 * The format, version 1: gzip'd JSON lines.
 *   {"format":"newszone-backup","version":1,"schema":5,"created_at":"...",
 *    "tables":[{"name":"sections","rows":4},...]}            the header: every table, its rows
 *   {"table":"sections","columns":["id","slug","name","position"]}   then per table, in order:
 *   [1,"news","News",0]                       one line per row, in primary key order; a BLOB is
 *   {"end":"sections","rows":4,"sha256":"..."}  {"b64":"..."}, text that is not UTF-8 (or holds
 *   {"end_of_backup":true}                      NUL) {"t64":"..."}; the checksum is the store's
 * A file without the last line was cut short; gzip's CRC catches damaged bytes. "schema" is the
 * source backend's version, for people: a restore compares each table's columns instead.
 */
#ifndef NZ_APP_TRANSFER_INT_H
#define NZ_APP_TRANSFER_INT_H

#include "app/app.h"

#define NZ__DUMP_FORMAT "newszone-backup"
#define NZ__DUMP_VERSION 1

/* ---- writing ---- */

typedef struct nz__dump_writer nz__dump_writer;
/* Creates path.tmp (NZ_EXISTS when path exists already). */
nz_rc nz__dump_create(const char *path, nz__dump_writer **out, nz_err *err);
/* The header; names and rows of n tables. */
nz_rc nz__dump_header(nz__dump_writer *w, int schema, const nz_app_transfer_table *tables, size_t n,
		      nz_err *err);
nz_rc nz__dump_table(nz__dump_writer *w, const char *name, const char *const *cols, size_t ncols,
		     nz_err *err);
nz_rc nz__dump_rows(nz__dump_writer *w, const nz_value *rows, size_t n, size_t ncols, nz_err *err);
nz_rc nz__dump_table_end(nz__dump_writer *w, const char *name, int64_t rows, const char sha256[65],
			 nz_err *err);
/* Writes the last line, flushes to disk and renames path.tmp to path; frees w. */
nz_rc nz__dump_finish(nz__dump_writer *w, nz_err *err);
/* Removes path.tmp and frees w (NULL-safe). */
void nz__dump_abort(nz__dump_writer *w);

/* ---- reading ---- */

typedef struct nz__dump_reader nz__dump_reader;

typedef struct nz__dump_header_info {
	int schema;
	nz_app_transfer_table tables[NZ_APP_TRANSFER_TABLES]; /* names and rows; no sha256 */
	size_t n;
} nz__dump_header_info;

typedef enum { NZ__DUMP_TABLE, NZ__DUMP_ROW, NZ__DUMP_TABLE_END, NZ__DUMP_END } nz__dump_kind;

/* One line after the header; everything in the arena given to nz__dump_next. */
typedef struct nz__dump_item {
	nz__dump_kind kind;
	const char *table; /* TABLE, TABLE_END */
	const char **cols; /* TABLE */
	size_t ncols;      /* TABLE; ROW: the values */
	nz_value *row;     /* ROW */
	int64_t rows;      /* TABLE_END */
	char sha256[65];   /* TABLE_END */
} nz__dump_item;

/* Opens path and reads its header; names the problem when it is no backup of ours. */
nz_rc nz__dump_open(const char *path, nz__dump_reader **out, nz__dump_header_info *info,
		    nz_err *err);
/* The next line. With NZ__DUMP_END, it has checked that nothing follows. */
nz_rc nz__dump_next(nz__dump_reader *r, nz_arena *arena, nz__dump_item *item, nz_err *err);
void nz__dump_close(nz__dump_reader *r); /* NULL-safe */

#endif
