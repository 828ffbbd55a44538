/*
 * catalog.c: the SQLite backend's small tables: settings, sections, authors, tags, import
 * sources and blobs. Each writer runs in its own nested transaction (nz__sq_begin/end), so it
 * joins a caller's transaction when there is one; results are copied into the caller's arena.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "store/sqlite/sqlite_int.h"

static const char *const name_orders[] = {"western", "eastern", "hangul"};

/* ---- settings ---------------------------------------------------------------------------- */

/* Applies one stored setting over the defaults; unknown keys and bad numbers are ignored (the
 * table may hold keys of a newer version). value lives in the arena. */
static void apply_setting(nz_site *site, const char *key, const char *value)
{
	if (strcmp(key, "name") == 0) {
		site->name = value;
	} else if (strcmp(key, "base_url") == 0) {
		site->base_url = value;
	} else if (strcmp(key, "language") == 0) {
		site->language = value;
	} else if (strcmp(key, "copyright") == 0) {
		site->copyright = value;
	} else if (strcmp(key, "tagline") == 0) {
		site->tagline = value;
	} else if (strcmp(key, "tz_offset_min") == 0) {
		char *end;
		errno = 0;
		long v = strtol(value, &end, 10);
		if (!errno && end != value && !*end && v >= -1440 && v <= 1440)
			site->tz_offset_min = (int)v;
	}
}

nz_rc nz__sq_site_load(nz_store *s, nz_arena *arena, nz_site *out, nz_err *err)
{
	nz__sqlite *h = nz__sq(s);
	sqlite3_stmt *st;
	bool row;
	nz_rc rc;

	nz_site_defaults(out);
	if ((rc = nz__sq_stmt(h, SQ_SETTINGS_ALL, &st, err)))
		return rc;
	while (!(rc = nz__sq_step(h, st, &row, "settings", err)) && row) {
		const char *key = (const char *)sqlite3_column_text(st, 0);
		const char *value;
		if (!key || nz__sq_col_text(arena, st, 1, &value) || !value) {
			rc = nz_err_set(err, NZ_NOMEM, "settings: out of memory");
			break;
		}
		apply_setting(out, key, value);
	}
	sqlite3_reset(st);
	return rc;
}

nz_rc nz__sq_setting_set(nz_store *s, const char *key, const char *value, nz_err *err)
{
	nz__sqlite *h = nz__sq(s);
	sqlite3_stmt *st;
	nz_rc rc;

	if ((rc = nz__sq_stmt(h, value ? SQ_SETTING_SET : SQ_SETTING_DEL, &st, err)))
		return rc;
	if (nz__sq_bind_text(st, 1, key) || (value && nz__sq_bind_text(st, 2, value)))
		return nz__sq_bind_error(h, "setting", err);
	if ((rc = nz__sq_begin(h, err)))
		return rc;
	rc = nz__sq_exec(h, st, "setting", err);
	return nz__sq_end(h, rc, err);
}

/* ---- sections, authors, tags ------------------------------------------------------------- */

/* Runs a bound INSERT ... RETURNING id in its own nested transaction. */
static nz_rc insert_returning(nz__sqlite *h, sqlite3_stmt *st, const char *what, int64_t *id,
			      nz_err *err)
{
	nz_rc rc = nz__sq_begin(h, err);
	if (rc)
		return rc;
	rc = nz__sq_int(h, st, id, what, err);
	if (rc == NZ_NOTFOUND)
		rc = nz_err_set(err, NZ_DB, "%s: the insert returned no id", what);
	return nz__sq_end(h, rc, err);
}

nz_rc nz__sq_section_ensure(nz_store *s, nz_section *sec, nz_err *err)
{
	nz__sqlite *h = nz__sq(s);
	sqlite3_stmt *st;
	int64_t id = 0;
	nz_rc rc;

	if (!sec || !sec->slug || !*sec->slug)
		return nz_err_set(err, NZ_INVAL, "section: no slug");
	if ((rc = nz__sq_stmt(h, SQ_SECTION_ENSURE, &st, err)))
		return rc;
	if (nz__sq_bind_text(st, 1, sec->slug) ||
	    nz__sq_bind_text(st, 2, sec->name ? sec->name : sec->slug) ||
	    sqlite3_bind_int(st, 3, sec->position))
		return nz__sq_bind_error(h, "section", err);
	if (!(rc = insert_returning(h, st, "section", &id, err)))
		sec->id = id;
	return rc;
}

nz_rc nz__sq_author_ensure(nz_store *s, nz_author *au, nz_err *err)
{
	nz__sqlite *h = nz__sq(s);
	sqlite3_stmt *st;
	int64_t id = 0;
	nz_rc rc;

	if (!au || !au->slug || !*au->slug)
		return nz_err_set(err, NZ_INVAL, "author: no slug");
	if ((rc = nz__sq_stmt(h, SQ_AUTHOR_ENSURE, &st, err)))
		return rc;
	const char *order = (unsigned)au->order < 3 ? name_orders[au->order] : name_orders[0];
	if (nz__sq_bind_text(st, 1, au->slug) ||
	    nz__sq_bind_text(st, 2, au->display_name ? au->display_name : au->slug) ||
	    nz__sq_bind_text(st, 3, au->family_name) || nz__sq_bind_text(st, 4, au->given_name) ||
	    nz__sq_bind_text(st, 5, order) || nz__sq_bind_text(st, 6, au->email) ||
	    nz__sq_bind_text(st, 7, au->bio))
		return nz__sq_bind_error(h, "author", err);
	if (!(rc = insert_returning(h, st, "author", &id, err)))
		au->id = id;
	return rc;
}

nz_rc nz__sq_tag_ensure(nz_store *s, nz_tag *tag, nz_err *err)
{
	nz__sqlite *h = nz__sq(s);
	sqlite3_stmt *st;
	int64_t id = 0;
	nz_rc rc;

	if (!tag || !tag->slug || !*tag->slug)
		return nz_err_set(err, NZ_INVAL, "tag: no slug");
	if ((rc = nz__sq_stmt(h, SQ_TAG_ENSURE, &st, err)))
		return rc;
	if (nz__sq_bind_text(st, 1, tag->slug) ||
	    nz__sq_bind_text(st, 2, tag->name ? tag->name : tag->slug))
		return nz__sq_bind_error(h, "tag", err);
	if (!(rc = insert_returning(h, st, "tag", &id, err)))
		tag->id = id;
	return rc;
}

static nz_rc section_row(nz_arena *arena, sqlite3_stmt *st, nz_section *sec)
{
	sec->id = sqlite3_column_int64(st, 0);
	sec->position = sqlite3_column_int(st, 3);
	if (nz__sq_col_text(arena, st, 1, &sec->slug) || nz__sq_col_text(arena, st, 2, &sec->name))
		return NZ_NOMEM;
	return NZ_OK;
}

nz_rc nz__sq_author_row(nz_arena *arena, sqlite3_stmt *st, int col, nz_author *au)
{
	const unsigned char *order = sqlite3_column_text(st, col + 5);

	au->id = sqlite3_column_int64(st, col);
	au->order = NZ_NAME_WESTERN;
	for (int i = 0; order && i < 3; i++)
		if (strcmp((const char *)order, name_orders[i]) == 0)
			au->order = (nz_name_order)i;
	if (nz__sq_col_text(arena, st, col + 1, &au->slug) ||
	    nz__sq_col_text(arena, st, col + 2, &au->display_name) ||
	    nz__sq_col_text(arena, st, col + 3, &au->family_name) ||
	    nz__sq_col_text(arena, st, col + 4, &au->given_name) ||
	    nz__sq_col_text(arena, st, col + 6, &au->email) ||
	    nz__sq_col_text(arena, st, col + 7, &au->bio))
		return NZ_NOMEM;
	return NZ_OK;
}

static nz_rc tag_row(nz_arena *arena, sqlite3_stmt *st, nz_tag *tag)
{
	tag->id = sqlite3_column_int64(st, 0);
	if (nz__sq_col_text(arena, st, 1, &tag->slug) || nz__sq_col_text(arena, st, 2, &tag->name))
		return NZ_NOMEM;
	return NZ_OK;
}

/* Runs a by-slug query and hands its row to fill; NZ_NOTFOUND when there is none. */
static nz_rc get_by_slug(nz__sqlite *h, nz__sq_id id, const char *slug, const char *what,
			 nz_rc (*fill)(nz_arena *, sqlite3_stmt *, void *), nz_arena *arena,
			 void *out, nz_err *err)
{
	sqlite3_stmt *st;
	bool row = false;
	nz_rc rc;

	if (!slug)
		return nz_err_set(err, NZ_NOTFOUND, "%s: no slug given", what);
	if ((rc = nz__sq_stmt(h, id, &st, err)))
		return rc;
	if (nz__sq_bind_text(st, 1, slug))
		return nz__sq_bind_error(h, what, err);
	if ((rc = nz__sq_step(h, st, &row, what, err)))
		return rc;
	if (!row)
		rc = nz_err_set(err, NZ_NOTFOUND, "%s %.80s: not found", what, slug);
	else if (fill(arena, st, out))
		rc = nz_err_set(err, NZ_NOMEM, "%s: out of memory", what);
	sqlite3_reset(st);
	return rc;
}

static nz_rc fill_section(nz_arena *arena, sqlite3_stmt *st, void *out)
{
	return section_row(arena, st, out);
}

static nz_rc fill_author(nz_arena *arena, sqlite3_stmt *st, void *out)
{
	return nz__sq_author_row(arena, st, 0, out);
}

static nz_rc fill_tag(nz_arena *arena, sqlite3_stmt *st, void *out)
{
	return tag_row(arena, st, out);
}

nz_rc nz__sq_section_get(nz_store *s, nz_arena *arena, const char *slug, nz_section **out,
			 nz_err *err)
{
	nz_section *sec = nz_arena_zalloc(arena, sizeof(*sec));
	*out = NULL;
	if (!sec)
		return nz_err_set(err, NZ_NOMEM, "section: out of memory");
	nz_rc rc =
	    get_by_slug(nz__sq(s), SQ_SECTION_GET, slug, "section", fill_section, arena, sec, err);
	if (!rc)
		*out = sec;
	return rc;
}

nz_rc nz__sq_author_get(nz_store *s, nz_arena *arena, const char *slug, nz_author **out,
			nz_err *err)
{
	nz_author *au = nz_arena_zalloc(arena, sizeof(*au));
	*out = NULL;
	if (!au)
		return nz_err_set(err, NZ_NOMEM, "author: out of memory");
	nz_rc rc =
	    get_by_slug(nz__sq(s), SQ_AUTHOR_GET, slug, "author", fill_author, arena, au, err);
	if (!rc)
		*out = au;
	return rc;
}

nz_rc nz__sq_tag_get(nz_store *s, nz_arena *arena, const char *slug, nz_tag **out, nz_err *err)
{
	nz_tag *tag = nz_arena_zalloc(arena, sizeof(*tag));
	*out = NULL;
	if (!tag)
		return nz_err_set(err, NZ_NOMEM, "tag: out of memory");
	nz_rc rc = get_by_slug(nz__sq(s), SQ_TAG_GET, slug, "tag", fill_tag, arena, tag, err);
	if (!rc)
		*out = tag;
	return rc;
}

nz_rc nz__sq_collect(nz__sqlite *h, sqlite3_stmt *st, const char *what, size_t size,
		     nz__sq_row_fn fill, nz_arena *arena, void **out, size_t *n, nz_err *err)
{
	char *items = NULL;
	size_t count = 0, cap = 0;
	bool row;
	nz_rc rc;

	*out = NULL;
	*n = 0;
	while (!(rc = nz__sq_step(h, st, &row, what, err)) && row) {
		if (!(items = nz__sq_grow(arena, items, count, &cap, size))) {
			rc = nz_err_set(err, NZ_NOMEM, "%s: out of memory", what);
			break;
		}
		memset(items + count * size, 0, size);
		if (fill(arena, st, items + count * size)) {
			rc = nz_err_set(err, NZ_NOMEM, "%s: out of memory", what);
			break;
		}
		count++;
	}
	sqlite3_reset(st);
	if (!rc) {
		*out = items;
		*n = count;
	}
	return rc;
}

/* Collects every row of a list query without parameters into an arena array. */
static nz_rc list_rows(nz__sqlite *h, nz__sq_id id, const char *what, size_t size,
		       nz__sq_row_fn fill, nz_arena *arena, void **out, size_t *n, nz_err *err)
{
	sqlite3_stmt *st;
	nz_rc rc;

	*out = NULL;
	*n = 0;
	if ((rc = nz__sq_stmt(h, id, &st, err)))
		return rc;
	return nz__sq_collect(h, st, what, size, fill, arena, out, n, err);
}

nz_rc nz__sq_section_list(nz_store *s, nz_arena *arena, nz_section **out, size_t *n, nz_err *err)
{
	return list_rows(nz__sq(s), SQ_SECTION_LIST, "sections", sizeof(nz_section), fill_section,
			 arena, (void **)out, n, err);
}

nz_rc nz__sq_author_list(nz_store *s, nz_arena *arena, nz_author **out, size_t *n, nz_err *err)
{
	return list_rows(nz__sq(s), SQ_AUTHOR_LIST, "authors", sizeof(nz_author), fill_author,
			 arena, (void **)out, n, err);
}

/* ---- import sources ---------------------------------------------------------------------- */

nz_rc nz__sq_import_find(nz_store *s, const char *sha256_hex, int64_t *article_id, nz_err *err)
{
	nz__sqlite *h = nz__sq(s);
	sqlite3_stmt *st;
	nz_rc rc;

	if ((rc = nz__sq_stmt(h, SQ_IMPORT_FIND, &st, err)))
		return rc;
	if (nz__sq_bind_text(st, 1, sha256_hex))
		return nz__sq_bind_error(h, "import", err);
	rc = nz__sq_int(h, st, article_id, "import", err);
	if (rc == NZ_NOTFOUND)
		nz_err_set(err, rc, "import: no article was made from this file");
	return rc;
}

nz_rc nz__sq_import_add(nz_store *s, int64_t article_id, const char *filename,
			const char *sha256_hex, const void *bytes, size_t len, nz_err *err)
{
	nz__sqlite *h = nz__sq(s);
	sqlite3_stmt *st;
	nz_rc rc;

	if ((rc = nz__sq_stmt(h, SQ_IMPORT_ADD, &st, err)))
		return rc;
	if (sqlite3_bind_int64(st, 1, article_id) || nz__sq_bind_text(st, 2, filename) ||
	    nz__sq_bind_text(st, 3, sha256_hex) ||
	    sqlite3_bind_blob64(st, 4, bytes, len, SQLITE_STATIC) ||
	    sqlite3_bind_int64(st, 5, nz_time_now()))
		return nz__sq_bind_error(h, "import", err);
	if ((rc = nz__sq_begin(h, err)))
		return rc;
	rc = nz__sq_exec(h, st, "import", err);
	if (rc == NZ_EXISTS)
		nz_err_set(err, rc, "import %.200s: this file is already stored", filename);
	return nz__sq_end(h, rc, err);
}

nz_rc nz__sq_import_get(nz_store *s, nz_arena *arena, int64_t article_id, const void **bytes,
			size_t *len, const char **filename, nz_err *err)
{
	nz__sqlite *h = nz__sq(s);
	sqlite3_stmt *st;
	bool row = false;
	nz_rc rc;

	if ((rc = nz__sq_stmt(h, SQ_IMPORT_GET, &st, err)))
		return rc;
	if (sqlite3_bind_int64(st, 1, article_id))
		return nz__sq_bind_error(h, "import", err);
	if ((rc = nz__sq_step(h, st, &row, "import", err)))
		return rc;
	if (!row)
		rc = nz_err_set(err, NZ_NOTFOUND, "import: article %lld was not imported",
				(long long)article_id);
	else if (nz__sq_col_text(arena, st, 0, filename) ||
		 nz__sq_col_blob(arena, st, 1, bytes, len))
		rc = nz_err_set(err, NZ_NOMEM, "import: out of memory");
	sqlite3_reset(st);
	return rc;
}

/* ---- blobs ------------------------------------------------------------------------------- */

nz_rc nz__sq_blob_put(nz_store *s, const char *sha256_hex, const char *mime, const void *bytes,
		      size_t len, nz_err *err)
{
	nz__sqlite *h = nz__sq(s);
	sqlite3_stmt *st;
	nz_rc rc;

	if ((rc = nz__sq_stmt(h, SQ_BLOB_PUT, &st, err)))
		return rc;
	if (nz__sq_bind_text(st, 1, sha256_hex) || nz__sq_bind_text(st, 2, mime) ||
	    sqlite3_bind_blob64(st, 3, bytes, len, SQLITE_STATIC) ||
	    sqlite3_bind_int64(st, 4, nz_time_now()))
		return nz__sq_bind_error(h, "blob", err);
	if ((rc = nz__sq_begin(h, err)))
		return rc;
	rc = nz__sq_exec(h, st, "blob", err);
	return nz__sq_end(h, rc, err);
}

nz_rc nz__sq_blob_get(nz_store *s, nz_arena *arena, const char *sha256_hex, const void **bytes,
		      size_t *len, const char **mime, nz_err *err)
{
	nz__sqlite *h = nz__sq(s);
	sqlite3_stmt *st;
	bool row = false;
	nz_rc rc;

	if ((rc = nz__sq_stmt(h, SQ_BLOB_GET, &st, err)))
		return rc;
	if (nz__sq_bind_text(st, 1, sha256_hex))
		return nz__sq_bind_error(h, "blob", err);
	if ((rc = nz__sq_step(h, st, &row, "blob", err)))
		return rc;
	if (!row)
		rc = nz_err_set(err, NZ_NOTFOUND, "blob %.64s: not found", sha256_hex);
	else if (nz__sq_col_text(arena, st, 0, mime) || nz__sq_col_blob(arena, st, 1, bytes, len))
		rc = nz_err_set(err, NZ_NOMEM, "blob: out of memory");
	sqlite3_reset(st);
	return rc;
}
