/*
 * catalog.c: the SQLite backend's sections, authors and tags, and the row-collecting helper
 * the other aggregates share. Each writer runs in its own nested transaction (nz__sq_begin/end), so
 * it joins a caller's transaction when there is one; results are copied into the caller's arena.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/sqlite/sqlite_int.h"

/* ---- sections, authors, tags ------------------------------------------------------------- */

/* Runs a bound INSERT ... RETURNING id in its own nested transaction; the id is remembered under
 * memo_key (every value the upsert writes) while a batch import runs. */
static nz_rc insert_returning(nz__sqlite *h, sqlite3_stmt *st, const char *what,
			      const char *memo_key, int64_t *id, nz_err *err)
{
	nz_rc rc = nz__sq_begin(h, err);
	if (rc)
		return rc;
	rc = nz__sq_int(h, st, id, what, err);
	if (rc == NZ_NOTFOUND)
		rc = nz_err_set(err, NZ_DB, "%s: the insert returned no id", what);
	rc = nz__sq_end(h, rc, err);
	if (!rc)
		nz__sq_memo_put(h, memo_key, *id);
	return rc;
}

/* The memo's key of an ensure: kind, then each value ('-' for NULL, '=' before a value), split
 * by \x1f; NULL when it does not fit (that ensure is not remembered). */
static const char *memo_key(char *buf, size_t size, char kind, const char *const *v, size_t n)
{
	size_t o = 0;
	buf[o++] = kind;
	for (size_t i = 0; i < n; i++) {
		int w = snprintf(buf + o, size - o, "\x1f%c%s", v[i] ? '=' : '-', v[i] ? v[i] : "");
		if (w < 0 || (size_t)w >= size - o)
			return NULL;
		o += (size_t)w;
	}
	return buf;
}

nz_rc nz__sq_section_ensure(nz_store *s, nz_section *sec, nz_err *err)
{
	nz__sqlite *h = nz__sq(s);
	sqlite3_stmt *st;
	int64_t id = 0;
	nz_rc rc;

	if (!sec || !sec->slug || !*sec->slug)
		return nz_err_set(err, NZ_INVAL, "section: no slug");
	char buf[512], pos[16];
	snprintf(pos, sizeof pos, "%d", sec->position);
	const char *v[] = {sec->slug, sec->name ? sec->name : sec->slug, pos};
	const char *key = h->memo ? memo_key(buf, sizeof buf, 's', v, 3) : NULL;
	if (nz__sq_memo_get(h, key, &sec->id))
		return NZ_OK;
	if ((rc = nz__sq_stmt(h, SQ_SECTION_ENSURE, &st, err)))
		return rc;
	if (nz__sq_bind_text(st, 1, sec->slug) ||
	    nz__sq_bind_text(st, 2, sec->name ? sec->name : sec->slug) ||
	    sqlite3_bind_int(st, 3, sec->position))
		return nz__sq_bind_error(h, "section", err);
	if (!(rc = insert_returning(h, st, "section", key, &id, err)))
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
	const char *order = nz_name_order_name(
	    (unsigned)au->order < NZ_ENUM_COUNT(NZ_NAME_ORDERS) ? au->order : NZ_NAME_WESTERN);
	char buf[2048];
	const char *v[] = {au->slug,        au->display_name ? au->display_name : au->slug,
			   au->family_name, au->given_name,
			   order,           au->email,
			   au->bio};
	const char *key = h->memo ? memo_key(buf, sizeof buf, 'a', v, 7) : NULL;
	if (nz__sq_memo_get(h, key, &au->id))
		return NZ_OK;
	if (nz__sq_bind_text(st, 1, au->slug) ||
	    nz__sq_bind_text(st, 2, au->display_name ? au->display_name : au->slug) ||
	    nz__sq_bind_text(st, 3, au->family_name) || nz__sq_bind_text(st, 4, au->given_name) ||
	    nz__sq_bind_text(st, 5, order) || nz__sq_bind_text(st, 6, au->email) ||
	    nz__sq_bind_text(st, 7, au->bio))
		return nz__sq_bind_error(h, "author", err);
	if (!(rc = insert_returning(h, st, "author", key, &id, err)))
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
	char buf[512];
	const char *v[] = {tag->slug, tag->name ? tag->name : tag->slug};
	const char *key = h->memo ? memo_key(buf, sizeof buf, 't', v, 2) : NULL;
	if (nz__sq_memo_get(h, key, &tag->id))
		return NZ_OK;
	if ((rc = nz__sq_stmt(h, SQ_TAG_ENSURE, &st, err)))
		return rc;
	if (nz__sq_bind_text(st, 1, tag->slug) ||
	    nz__sq_bind_text(st, 2, tag->name ? tag->name : tag->slug))
		return nz__sq_bind_error(h, "tag", err);
	if (!(rc = insert_returning(h, st, "tag", key, &id, err)))
		tag->id = id;
	return rc;
}

static nz_rc section_row(nz_arena *arena, sqlite3_stmt *st, nz_section *sec)
{
	sec->id = sqlite3_column_int64(st, 0);
	sec->position = sqlite3_column_int(st, 3);
	if (nz__sq_col_text(arena, st, 1, &sec->slug) ||
	    nz__sq_col_text(arena, st, 2, &sec->name) || nz__sq_col_text(arena, st, 4, &sec->names))
		return NZ_NOMEM;
	return NZ_OK;
}

nz_rc nz__sq_author_row(nz_arena *arena, sqlite3_stmt *st, int col, nz_author *au)
{
	const unsigned char *order = sqlite3_column_text(st, col + 5);

	au->id = sqlite3_column_int64(st, col);
	au->order = NZ_NAME_WESTERN;
	if (order)
		(void)nz_name_order_parse(nz_str_c((const char *)order), &au->order);
	if (nz__sq_col_text(arena, st, col + 1, &au->slug) ||
	    nz__sq_col_text(arena, st, col + 2, &au->display_name) ||
	    nz__sq_col_text(arena, st, col + 3, &au->family_name) ||
	    nz__sq_col_text(arena, st, col + 4, &au->given_name) ||
	    nz__sq_col_text(arena, st, col + 6, &au->email) ||
	    nz__sq_col_text(arena, st, col + 7, &au->bio))
		return NZ_NOMEM;
	return nz__store_author_profile_parse(arena, (const char *)sqlite3_column_text(st, col + 8),
					      au);
}

nz_rc nz__sq_tag_row(nz_arena *arena, sqlite3_stmt *st, nz_tag *tag)
{
	tag->id = sqlite3_column_int64(st, 0);
	if (nz__sq_col_text(arena, st, 1, &tag->slug) || nz__sq_col_text(arena, st, 2, &tag->name))
		return NZ_NOMEM;
	return nz__store_tag_profile_parse(arena, (const char *)sqlite3_column_text(st, 3), tag);
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
	return nz__sq_tag_row(arena, st, out);
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
		if (nz_grow(&items, &cap, count + 1, size, arena) != NZ_OK) {
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

nz_rc nz__sq_tag_list(nz_store *s, nz_arena *arena, nz_tag **out, size_t *n, nz_err *err)
{
	return list_rows(nz__sq(s), SQ_TAG_LIST, "tags", sizeof(nz_tag), fill_tag, arena,
			 (void **)out, n, err);
}

nz_rc nz__sq_author_list(nz_store *s, nz_arena *arena, nz_author **out, size_t *n, nz_err *err)
{
	return list_rows(nz__sq(s), SQ_AUTHOR_LIST, "authors", sizeof(nz_author), fill_author,
			 arena, (void **)out, n, err);
}

/* ---- saving a section from the back office ------------------------------------------------ */

static nz_rc save_section(nz__sqlite *h, int64_t actor, nz_section *sec, nz_err *err)
{
	sqlite3_stmt *st;
	nz_rc rc = nz__sq_stmt(h, sec->id ? SQ_SECTION_UPDATE : SQ_SECTION_INSERT, &st, err);
	if (rc)
		return rc;
	int k = sec->id ? 2 : 1;
	if ((sec->id && sqlite3_bind_int64(st, 1, sec->id)) || nz__sq_bind_text(st, k, sec->slug) ||
	    nz__sq_bind_text(st, k + 1, sec->name) || sqlite3_bind_int(st, k + 2, sec->position) ||
	    nz__sq_bind_text(st, k + 3, sec->names))
		return nz__sq_bind_error(h, "section", err);
	if (sec->id) {
		rc = nz__sq_exec(h, st, "section", err);
		if (!rc && sqlite3_changes(h->db) == 0)
			rc = nz_err_set(err, NZ_NOTFOUND, "section %lld: not found",
					(long long)sec->id);
	} else {
		rc = nz__sq_int(h, st, &sec->id, "section", err);
	}
	if (rc == NZ_EXISTS)
		return nz_err_set(err, rc, "section: the slug %s is taken", sec->slug);
	if (rc)
		return rc;
	return nz__sq_audit(h, actor, "section.saved", "section", sec->id, 0, sec->slug, err);
}

nz_rc nz__sq_section_save(nz_store *s, int64_t actor, nz_section *sec, nz_err *err)
{
	nz__sqlite *h = nz__sq(s);
	int64_t id = sec->id;
	nz_rc rc = nz__sq_begin(h, err);
	if (rc)
		return rc;
	rc = save_section(h, actor, sec, err);
	if ((rc = nz__sq_end(h, rc, err)))
		sec->id = id;
	return rc;
}
