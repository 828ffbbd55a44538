/*
 * transfer_file.c: writes and reads the backup file (its format: transfer_int.h), gzip'd JSON
 * lines through zlib, values through jansson and libsodium's base64.
 *
 * Rules: a backup is written to path.tmp and renamed only once complete and on disk, so a
 * failed or interrupted backup never leaves a file that looks whole; reading names what is
 * wrong with a file (not ours, cut short, damaged) and trusts nothing in it: table and column
 * names are only compared with the store's, never put in SQL.
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>
#include <sodium.h>
#include <zlib.h>

#include "app/transfer_int.h"

#define LINE_MAX_BYTES ((size_t)512 << 20) /* a row holding the largest photo, in base64 */

struct nz__dump_writer {
	gzFile gz;
	int fd; /* kept to fsync after gzip closes its own copy */
	char *path, *tmp;
	nz_buf line;
};

static nz_rc write_error(nz__dump_writer *w, nz_err *err)
{
	int zerr = Z_OK;
	const char *msg = w->gz ? gzerror(w->gz, &zerr) : "";
	return nz_err_set(err, NZ_IO, "%s: cannot write: %s", w->tmp,
			  zerr == Z_ERRNO ? strerror(errno) : msg);
}

nz_rc nz__dump_create(const char *path, nz__dump_writer **out, nz_err *err)
{
	nz__dump_writer *w = calloc(1, sizeof(*w));
	struct stat st;
	nz_rc rc = NZ_OK;

	*out = NULL;
	if (!w)
		return nz_err_set(err, NZ_NOMEM, "backup: out of memory");
	w->fd = -1;
	nz_buf_init(&w->line, LINE_MAX_BYTES);
	w->path = strdup(path);
	w->tmp = malloc(strlen(path) + 5);
	if (!w->path || !w->tmp) {
		rc = nz_err_set(err, NZ_NOMEM, "backup: out of memory");
		goto out;
	}
	sprintf(w->tmp, "%s.tmp", path);
	if (stat(path, &st) == 0) {
		rc = nz_err_set(err, NZ_EXISTS, "%s: exists already; give a new file name", path);
		goto out;
	}
	/* 0600: the file holds password hashes and session keys. */
	if ((w->fd = open(w->tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600)) < 0) {
		rc = nz_err_set(err, NZ_IO, "%s: %s", w->tmp, strerror(errno));
		goto out;
	}
	int gzfd = dup(w->fd);
	if (gzfd < 0 || !(w->gz = gzdopen(gzfd, "wb6"))) {
		if (gzfd >= 0)
			close(gzfd);
		rc = nz_err_set(err, NZ_IO, "%s: cannot start gzip", w->tmp);
		goto out;
	}
out:
	if (rc) {
		nz__dump_abort(w);
		return rc;
	}
	*out = w;
	return NZ_OK;
}

/* Writes w->line plus a newline, then empties it. */
static nz_rc put_line(nz__dump_writer *w, nz_err *err)
{
	if (nz_buf_putc(&w->line, '\n'))
		return nz_err_set(err, NZ_TOOBIG, "backup: a row is too large");
	size_t len = w->line.len;
	int n = len ? gzwrite(w->gz, nz_buf_cstr(&w->line), (unsigned)len) : 0;
	nz_buf_reset(&w->line);
	return (size_t)n == len ? NZ_OK : write_error(w, err);
}

static void put_string(nz_buf *b, const char *s, size_t len)
{
	nz_buf_putc(b, '"');
	nz_escape_json(b, s, len);
	nz_buf_putc(b, '"');
}

static void put_base64(nz_buf *b, const char *kind, const void *p, size_t len)
{
	size_t cap = sodium_base64_ENCODED_LEN(len, sodium_base64_VARIANT_ORIGINAL);
	char *enc = malloc(cap);
	nz_buf_printf(b, "{\"%s\":\"", kind);
	if (!enc) {
		nz_buf_append(b, "", SIZE_MAX); /* fails: marks b out of memory */
		return;
	}
	sodium_bin2base64(enc, cap, p, len, sodium_base64_VARIANT_ORIGINAL);
	nz_buf_puts(b, enc);
	nz_buf_puts(b, "\"}");
	free(enc);
}

nz_rc nz__dump_header(nz__dump_writer *w, int schema, const nz_app_transfer_table *tables, size_t n,
		      nz_err *err)
{
	char now[40];
	nz_time_rfc3339(nz_time_now(), now);
	nz_buf_printf(&w->line,
		      "{\"format\":\"%s\",\"version\":%d,\"schema\":%d,\"created_at\":\"%s\","
		      "\"tables\":[",
		      NZ__DUMP_FORMAT, NZ__DUMP_VERSION, schema, now);
	for (size_t i = 0; i < n; i++)
		nz_buf_printf(&w->line, "%s{\"name\":\"%s\",\"rows\":%lld}", i ? "," : "",
			      tables[i].name, (long long)tables[i].rows);
	nz_buf_puts(&w->line, "]}");
	return put_line(w, err);
}

nz_rc nz__dump_table(nz__dump_writer *w, const char *name, const char *const *cols, size_t ncols,
		     nz_err *err)
{
	nz_buf_printf(&w->line, "{\"table\":\"%s\",\"columns\":[", name);
	for (size_t c = 0; c < ncols; c++) {
		nz_buf_puts(&w->line, c ? "," : "");
		put_string(&w->line, cols[c], strlen(cols[c]));
	}
	nz_buf_puts(&w->line, "]}");
	return put_line(w, err);
}

static nz_rc put_value(nz_buf *b, const nz_value *v, nz_err *err)
{
	switch (v->type) {
	case NZ_VALUE_INT:
		return nz_buf_printf(b, "%lld", (long long)v->i);
	case NZ_VALUE_REAL: {
		char num[40];
		if (!isfinite(v->r))
			return nz_err_set(err, NZ_INVAL, "backup: a real that is not finite");
		snprintf(num, sizeof(num), "%.17g", v->r);
		/* A decimal point keeps it a real when read back. */
		return nz_buf_printf(b, "%s%s", num, strpbrk(num, ".eE") ? "" : ".0");
	}
	case NZ_VALUE_TEXT:
		if (memchr(v->p, '\0', v->len) || !nz_utf8_valid(v->p, v->len, NULL))
			put_base64(b, "t64", v->p, v->len);
		else
			put_string(b, v->p, v->len);
		return nz_buf_rc(b);
	case NZ_VALUE_BLOB:
		put_base64(b, "b64", v->p, v->len);
		return nz_buf_rc(b);
	default:
		return nz_buf_puts(b, "null");
	}
}

nz_rc nz__dump_rows(nz__dump_writer *w, const nz_value *rows, size_t n, size_t ncols, nz_err *err)
{
	nz_rc rc = NZ_OK;
	for (size_t r = 0; r < n && !rc; r++) {
		nz_buf_putc(&w->line, '[');
		for (size_t c = 0; c < ncols && !rc; c++) {
			nz_buf_puts(&w->line, c ? "," : "");
			rc = put_value(&w->line, &rows[r * ncols + c], err);
		}
		nz_buf_putc(&w->line, ']');
		if (!rc && nz_buf_rc(&w->line))
			rc = nz_err_set(err, NZ_TOOBIG, "backup: a row is too large");
		if (!rc)
			rc = put_line(w, err);
	}
	return rc;
}

nz_rc nz__dump_table_end(nz__dump_writer *w, const char *name, int64_t rows, const char sha256[65],
			 nz_err *err)
{
	nz_buf_printf(&w->line, "{\"end\":\"%s\",\"rows\":%lld,\"sha256\":\"%s\"}", name,
		      (long long)rows, sha256);
	return put_line(w, err);
}

nz_rc nz__dump_finish(nz__dump_writer *w, nz_err *err)
{
	nz_buf_puts(&w->line, "{\"end_of_backup\":true}");
	nz_rc rc = put_line(w, err);
	int zrc = gzclose(w->gz);
	w->gz = NULL;
	if (!rc && zrc != Z_OK)
		rc = nz_err_set(err, NZ_IO, "%s: cannot write (gzip error %d)", w->tmp, zrc);
	if (!rc && fsync(w->fd) != 0)
		rc = nz_err_set(err, NZ_IO, "%s: %s", w->tmp, strerror(errno));
	if (!rc && rename(w->tmp, w->path) != 0)
		rc = nz_err_set(err, NZ_IO, "%s: %s", w->path, strerror(errno));
	if (rc) {
		nz__dump_abort(w);
		return rc;
	}
	close(w->fd);
	nz_buf_free(&w->line);
	free(w->path);
	free(w->tmp);
	free(w);
	return NZ_OK;
}

void nz__dump_abort(nz__dump_writer *w)
{
	if (!w)
		return;
	if (w->gz)
		gzclose(w->gz);
	if (w->fd >= 0)
		close(w->fd);
	if (w->fd >= 0 && w->tmp) /* the file was opened: the partial backup goes */
		unlink(w->tmp);
	nz_buf_free(&w->line);
	free(w->path);
	free(w->tmp);
	free(w);
}

/* ---- reading ----------------------------------------------------------------------------- */

struct nz__dump_reader {
	gzFile gz;
	const char *path;
	nz_buf line;
	int64_t lineno;
};

/* Reads one line into r->line (without its newline). NZ_NOTFOUND at a clean end of file. */
static nz_rc read_line(nz__dump_reader *r, nz_err *err)
{
	char chunk[64 * 1024];
	nz_buf_reset(&r->line);
	for (;;) {
		if (!gzgets(r->gz, chunk, sizeof(chunk))) {
			int zerr = Z_OK;
			const char *msg = gzerror(r->gz, &zerr);
			if (zerr == Z_BUF_ERROR || (zerr == Z_OK && r->line.len))
				return nz_err_set(err, NZ_PARSE,
						  "%s: the file is cut short (truncated) at line "
						  "%lld",
						  r->path, (long long)r->lineno + 1);
			if (zerr != Z_OK)
				return nz_err_set(err, NZ_PARSE,
						  "%s: the file is damaged (gzip: %s) near line "
						  "%lld",
						  r->path, zerr == Z_ERRNO ? strerror(errno) : msg,
						  (long long)r->lineno + 1);
			return NZ_NOTFOUND;
		}
		size_t len = strlen(chunk);
		if (nz_buf_append(&r->line, chunk, len))
			return nz_err_set(err, NZ_TOOBIG, "%s: line %lld is too long", r->path,
					  (long long)r->lineno + 1);
		if (len && chunk[len - 1] == '\n') {
			r->line.len--;
			r->line.p[r->line.len] = '\0';
			r->lineno++;
			return NZ_OK;
		}
	}
}

/* Reads and parses the next line as JSON; NZ_PARSE naming a line that is cut or not JSON. */
static nz_rc next_json(nz__dump_reader *r, json_t **out, nz_err *err)
{
	json_error_t jerr;
	nz_rc rc = read_line(r, err);
	*out = NULL;
	if (rc == NZ_NOTFOUND)
		return nz_err_set(err, NZ_PARSE,
				  "%s: the file is cut short (truncated): it ends at line %lld "
				  "before the end of the backup",
				  r->path, (long long)r->lineno);
	if (rc)
		return rc;
	if (!(*out = json_loadb(r->line.p, r->line.len, 0, &jerr)))
		return nz_err_set(err, NZ_PARSE, "%s: line %lld is damaged: %s", r->path,
				  (long long)r->lineno, jerr.text);
	return NZ_OK;
}

nz_rc nz__dump_open(const char *path, nz__dump_reader **out, nz__dump_header_info *info,
		    nz_err *err)
{
	nz__dump_reader *r = calloc(1, sizeof(*r));
	json_t *head = NULL, *tables;
	nz_rc rc = NZ_OK;

	*out = NULL;
	memset(info, 0, sizeof(*info));
	if (!r)
		return nz_err_set(err, NZ_NOMEM, "restore: out of memory");
	r->path = path;
	nz_buf_init(&r->line, LINE_MAX_BYTES);
	if (!(r->gz = gzopen(path, "rb"))) {
		rc = nz_err_set(err, NZ_IO, "%s: %s", path, strerror(errno));
		goto out;
	}
	if ((rc = next_json(r, &head, err))) {
		char why[sizeof(err->msg)];
		snprintf(why, sizeof(why), "%s", err->msg);
		rc = nz_err_set(err, NZ_PARSE, "not a Newszone backup (%s)", why);
		goto out;
	}
	const char *format = json_string_value(json_object_get(head, "format"));
	json_int_t version = json_integer_value(json_object_get(head, "version"));
	tables = json_object_get(head, "tables");
	if (!format || strcmp(format, NZ__DUMP_FORMAT) != 0 || !json_is_array(tables)) {
		rc =
		    nz_err_set(err, NZ_PARSE, "%s: not a Newszone backup (no backup header)", path);
		goto out;
	}
	if (version != NZ__DUMP_VERSION) {
		rc = nz_err_set(err, NZ_UNSUPPORTED,
				"%s: backup format version %lld; this newszone reads version %d",
				path, (long long)version, NZ__DUMP_VERSION);
		goto out;
	}
	info->schema = (int)json_integer_value(json_object_get(head, "schema"));
	if (json_array_size(tables) > NZ_APP_TRANSFER_TABLES) {
		rc = nz_err_set(err, NZ_PARSE, "%s: too many tables in the header", path);
		goto out;
	}
	for (size_t i = 0; i < json_array_size(tables); i++) {
		json_t *t = json_array_get(tables, i);
		const char *name = json_string_value(json_object_get(t, "name"));
		const nz_transfer_table *known = nz_store_transfer_table(name);
		if (!known) {
			rc = nz_err_set(err, NZ_PARSE, "%s: the header names an unknown table",
					path);
			goto out;
		}
		info->tables[i].name = known->name; /* ours: outlives the JSON */
		info->tables[i].rows = json_integer_value(json_object_get(t, "rows"));
	}
	info->n = json_array_size(tables);
out:
	json_decref(head);
	if (rc) {
		nz__dump_close(r);
		return rc;
	}
	*out = r;
	return NZ_OK;
}

/* A value of a row line into v (bytes decoded into arena). */
static nz_rc parse_value(nz__dump_reader *r, nz_arena *arena, json_t *j, nz_value *v, nz_err *err)
{
	memset(v, 0, sizeof(*v));
	if (json_is_null(j))
		return NZ_OK;
	if (json_is_integer(j)) {
		v->type = NZ_VALUE_INT;
		v->i = json_integer_value(j);
		return NZ_OK;
	}
	if (json_is_real(j)) {
		v->type = NZ_VALUE_REAL;
		v->r = json_real_value(j);
		return NZ_OK;
	}
	if (json_is_string(j)) {
		v->type = NZ_VALUE_TEXT;
		v->len = json_string_length(j);
		v->p = nz_arena_strndup(arena, json_string_value(j), v->len);
		return v->p ? NZ_OK : nz_err_set(err, NZ_NOMEM, "restore: out of memory");
	}
	json_t *b64 = json_object_get(j, "b64"), *t64 = json_object_get(j, "t64");
	const char *enc = json_string_value(b64 ? b64 : t64);
	if (!enc || json_object_size(j) != 1)
		return nz_err_set(err, NZ_PARSE,
				  "%s: line %lld is damaged: a value of no known kind", r->path,
				  (long long)r->lineno);
	size_t enc_len = strlen(enc), len = 0;
	char *bin = nz_arena_alloc(arena, enc_len / 4 * 3 + 4);
	if (!bin)
		return nz_err_set(err, NZ_NOMEM, "restore: out of memory");
	if (sodium_base642bin((unsigned char *)bin, enc_len / 4 * 3 + 3, enc, enc_len, NULL, &len,
			      NULL, sodium_base64_VARIANT_ORIGINAL) != 0)
		return nz_err_set(err, NZ_PARSE, "%s: line %lld is damaged: bad base64", r->path,
				  (long long)r->lineno);
	bin[len] = '\0';
	v->type = b64 ? NZ_VALUE_BLOB : NZ_VALUE_TEXT;
	v->p = bin;
	v->len = len;
	return NZ_OK;
}

static nz_rc parse_row(nz__dump_reader *r, nz_arena *arena, json_t *j, nz__dump_item *item,
		       nz_err *err)
{
	item->kind = NZ__DUMP_ROW;
	item->ncols = json_array_size(j);
	if (!(item->row = nz_arena_alloc(arena, (item->ncols + 1) * sizeof(nz_value))))
		return nz_err_set(err, NZ_NOMEM, "restore: out of memory");
	for (size_t c = 0; c < item->ncols; c++) {
		nz_rc rc = parse_value(r, arena, json_array_get(j, c), &item->row[c], err);
		if (rc)
			return rc;
	}
	return NZ_OK;
}

/* {"table":...,"columns":[...]} or {"end":...,"rows":N,"sha256":"..."} or the last line. */
static nz_rc parse_object(nz__dump_reader *r, nz_arena *arena, json_t *j, nz__dump_item *item,
			  nz_err *err)
{
	json_t *cols = json_object_get(j, "columns");
	const char *table = json_string_value(json_object_get(j, "table"));
	const char *end = json_string_value(json_object_get(j, "end"));
	const char *sha = json_string_value(json_object_get(j, "sha256"));

	if (table && json_is_array(cols)) {
		item->kind = NZ__DUMP_TABLE;
		item->ncols = json_array_size(cols);
		item->table = nz_arena_strdup(arena, table);
		item->cols = nz_arena_zalloc(arena, (item->ncols + 1) * sizeof(char *));
		for (size_t c = 0; item->cols && c < item->ncols; c++)
			item->cols[c] =
			    nz_arena_strdup(arena, json_string_value(json_array_get(cols, c)));
		return item->table && item->cols
			   ? NZ_OK
			   : nz_err_set(err, NZ_NOMEM, "restore: out of memory");
	}
	if (end && sha && strlen(sha) == 64) {
		item->kind = NZ__DUMP_TABLE_END;
		item->table = nz_arena_strdup(arena, end);
		item->rows = json_integer_value(json_object_get(j, "rows"));
		memcpy(item->sha256, sha, 65);
		return item->table ? NZ_OK : nz_err_set(err, NZ_NOMEM, "restore: out of memory");
	}
	if (json_is_true(json_object_get(j, "end_of_backup"))) {
		item->kind = NZ__DUMP_END;
		return NZ_OK;
	}
	return nz_err_set(err, NZ_PARSE, "%s: line %lld is damaged: not a line of a backup",
			  r->path, (long long)r->lineno);
}

nz_rc nz__dump_next(nz__dump_reader *r, nz_arena *arena, nz__dump_item *item, nz_err *err)
{
	json_t *j = NULL;
	nz_rc rc;

	memset(item, 0, sizeof(*item));
	if ((rc = next_json(r, &j, err)))
		return rc;
	if (json_is_array(j))
		rc = parse_row(r, arena, j, item, err);
	else if (json_is_object(j))
		rc = parse_object(r, arena, j, item, err);
	else
		rc = nz_err_set(err, NZ_PARSE, "%s: line %lld is damaged: not a line of a backup",
				r->path, (long long)r->lineno);
	json_decref(j);
	if (rc || item->kind != NZ__DUMP_END)
		return rc;
	/* Nothing may follow the last line, and gzip's check at the end must hold. */
	rc = read_line(r, err);
	if (rc == NZ_NOTFOUND)
		return NZ_OK;
	return rc ? rc
		  : nz_err_set(err, NZ_PARSE,
			       "%s: line %lld follows the end of the backup (damaged)", r->path,
			       (long long)r->lineno);
}

void nz__dump_close(nz__dump_reader *r)
{
	if (!r)
		return;
	if (r->gz)
		gzclose(r->gz);
	nz_buf_free(&r->line);
	free(r);
}
