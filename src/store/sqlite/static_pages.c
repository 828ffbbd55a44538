/*
 * static_pages.c: the newsroom's static pages, their revisions and import records (store.h, "static
 * pages"). A save writes the page row and copies it into page_revisions in one transaction, so the
 * revisions are every version the page ever had. postgres/static_pages.c is the twin.
 */
#include "store/sqlite/sqlite_int.h"

/* Inserts p (revision 1) or updates it from the revision it was based on. */
static nz_rc page_write(nz__sqlite *h, nz_static_page *p, nz_time now, nz_err *err)
{
	sqlite3_stmt *st;
	nz_rc rc = nz__sq_stmt(h, p->id ? SQ_PAGE_UPDATE : SQ_PAGE_INSERT, &st, err);
	if (rc)
		return rc;
	int bad =
	    p->id
		? sqlite3_bind_int64(st, 1, p->id) || sqlite3_bind_int64(st, 2, p->revision) ||
		      nz__sq_bind_text(st, 3, p->slug) || nz__sq_bind_text(st, 4, p->title) ||
		      nz__sq_bind_text(st, 5, p->body_markdown) ||
		      nz__sq_bind_text(st, 6, p->role) || sqlite3_bind_int64(st, 7, p->position) ||
		      sqlite3_bind_int64(st, 8, now) || nz__sq_bind_text(st, 9, p->translations)
		: nz__sq_bind_text(st, 1, p->slug) || nz__sq_bind_text(st, 2, p->title) ||
		      nz__sq_bind_text(st, 3, p->body_markdown) ||
		      nz__sq_bind_text(st, 4, p->role) || sqlite3_bind_int64(st, 5, p->position) ||
		      sqlite3_bind_int64(st, 6, now) || nz__sq_bind_text(st, 7, p->translations);
	if (bad)
		return nz__sq_bind_error(h, "page", err);
	if ((rc = nz__sq_exec(h, st, "page", err)))
		return rc == NZ_EXISTS ? nz_err_set(err, rc,
						    "page %.100s: its slug or its role is another "
						    "page's",
						    p->slug)
				       : rc;
	if (!p->id) {
		p->id = sqlite3_last_insert_rowid(h->db);
		p->created_at = now;
	} else if (sqlite3_changes(h->db) == 0) {
		nz_static_page cur;
		nz_arena *scratch = nz_arena_new();
		rc = scratch ? nz__sq_static_page_get(&h->base, scratch, NULL, p->id, &cur, err)
			     : nz_err_set(err, NZ_NOMEM, "page: out of memory");
		if (!rc)
			rc = nz_err_set(err, NZ_CONFLICT,
					"page %.100s: saved by someone else since revision %lld "
					"(now %lld)",
					p->slug, (long long)p->revision, (long long)cur.revision);
		nz_arena_free(scratch);
		return rc;
	}
	p->revision = p->revision + 1;
	p->updated_at = now;
	return NZ_OK;
}

nz_rc nz__sq_static_page_save(nz_store *s, nz_static_page *p, int64_t actor, nz_err *err)
{
	nz__sqlite *h = nz__sq(s);
	sqlite3_stmt *st;
	nz_static_page keep = *p;
	nz_rc rc = nz__sq_begin(h, err);
	if (rc)
		return rc;
	if (!p->id)
		p->revision = 0;
	if (!(rc = page_write(h, p, nz_time_now(), err)) &&
	    !(rc = nz__sq_stmt(h, SQ_PAGE_REVISION_ADD, &st, err))) {
		if (sqlite3_bind_int64(st, 1, p->id) || nz__sq_bind_opt_int(st, 2, actor))
			rc = nz__sq_bind_error(h, "page", err);
		else
			rc = nz__sq_exec(h, st, "page revision", err);
	}
	rc = nz__sq_end(h, rc, err);
	if (rc)
		*p = keep;
	return rc;
}

static nz_rc page_row(nz_arena *arena, sqlite3_stmt *st, void *item)
{
	nz_static_page *p = item;
	p->id = sqlite3_column_int64(st, 0);
	p->position = sqlite3_column_int64(st, 5);
	p->revision = sqlite3_column_int64(st, 6);
	p->created_at = sqlite3_column_int64(st, 7);
	p->updated_at = sqlite3_column_int64(st, 8);
	return nz__sq_col_text(arena, st, 1, &p->slug) ||
		       nz__sq_col_text(arena, st, 2, &p->title) ||
		       nz__sq_col_text(arena, st, 3, &p->body_markdown) ||
		       nz__sq_col_text(arena, st, 4, &p->role) ||
		       nz__sq_col_text(arena, st, 9, &p->translations)
		   ? NZ_NOMEM
		   : NZ_OK;
}

nz_rc nz__sq_static_page_get(nz_store *s, nz_arena *arena, const char *slug, int64_t id,
			     nz_static_page *out, nz_err *err)
{
	nz__sqlite *h = nz__sq(s);
	sqlite3_stmt *st;
	nz_static_page *rows = NULL;
	size_t n = 0;
	nz_rc rc = nz__sq_stmt(h, slug ? SQ_PAGE_BY_SLUG : SQ_PAGE_BY_ID, &st, err);
	if (rc)
		return rc;
	if (slug ? nz__sq_bind_text(st, 1, slug) : sqlite3_bind_int64(st, 1, id))
		return nz__sq_bind_error(h, "page", err);
	if ((rc = nz__sq_collect(h, st, "page", sizeof(nz_static_page), page_row, arena,
				 (void **)&rows, &n, err)))
		return rc;
	if (n == 0)
		return slug ? nz_err_set(err, NZ_NOTFOUND, "no page %.200s", slug)
			    : nz_err_set(err, NZ_NOTFOUND, "no page %lld", (long long)id);
	*out = rows[0];
	return NZ_OK;
}

nz_rc nz__sq_static_page_list(nz_store *s, nz_arena *arena, nz_static_page **out, size_t *n,
			      nz_err *err)
{
	nz__sqlite *h = nz__sq(s);
	sqlite3_stmt *st;
	nz_rc rc = nz__sq_stmt(h, SQ_PAGE_LIST, &st, err);
	if (rc)
		return rc;
	return nz__sq_collect(h, st, "pages", sizeof(nz_static_page), page_row, arena, (void **)out,
			      n, err);
}

static nz_rc revision_row(nz_arena *arena, sqlite3_stmt *st, void *item)
{
	nz_static_page_revision *r = item;
	r->revision = sqlite3_column_int64(st, 0);
	r->actor = sqlite3_column_int64(st, 5);
	r->saved_at = sqlite3_column_int64(st, 6);
	return nz__sq_col_text(arena, st, 1, &r->slug) ||
		       nz__sq_col_text(arena, st, 2, &r->title) ||
		       nz__sq_col_text(arena, st, 3, &r->body_markdown) ||
		       nz__sq_col_text(arena, st, 4, &r->role) ||
		       nz__sq_col_text(arena, st, 7, &r->translations)
		   ? NZ_NOMEM
		   : NZ_OK;
}

nz_rc nz__sq_static_page_revisions(nz_store *s, nz_arena *arena, int64_t id,
				   nz_static_page_revision **out, size_t *n, nz_err *err)
{
	nz__sqlite *h = nz__sq(s);
	sqlite3_stmt *st;
	nz_rc rc = nz__sq_stmt(h, SQ_PAGE_REVISIONS, &st, err);
	if (rc)
		return rc;
	if (sqlite3_bind_int64(st, 1, id))
		return nz__sq_bind_error(h, "page revisions", err);
	return nz__sq_collect(h, st, "page revisions", sizeof(nz_static_page_revision),
			      revision_row, arena, (void **)out, n, err);
}

nz_rc nz__sq_page_import_find(nz_store *s, nz_arena *arena, const char *key,
			      nz_store_page_import *out, nz_err *err)
{
	nz__sqlite *h = nz__sq(s);
	sqlite3_stmt *st;
	bool row = false;
	nz_rc rc = nz__sq_stmt(h, SQ_PAGE_IMPORT_FIND, &st, err);
	if (rc)
		return rc;
	if (nz__sq_bind_text(st, 1, key))
		return nz__sq_bind_error(h, "page import", err);
	if ((rc = nz__sq_step(h, st, &row, "page import", err)))
		return rc;
	*out = (nz_store_page_import){.key = key};
	if (!row) {
		rc = nz_err_set(err, NZ_NOTFOUND, "page import: none with this key");
	} else {
		out->page_id = sqlite3_column_int64(st, 0);
		out->comments = sqlite3_column_int64(st, 4);
		out->updated_at = sqlite3_column_int64(st, 5);
		if (nz__sq_col_text(arena, st, 1, &out->sha256_hex) ||
		    nz__sq_col_text(arena, st, 2, &out->filename) ||
		    nz__sq_col_text(arena, st, 3, &out->notes))
			rc = nz_err_set(err, NZ_NOMEM, "page import: out of memory");
	}
	sqlite3_reset(st);
	return rc;
}

nz_rc nz__sq_page_import_put(nz_store *s, const nz_store_page_import *rec, nz_err *err)
{
	nz__sqlite *h = nz__sq(s);
	sqlite3_stmt *st;
	nz_rc rc = nz__sq_stmt(h, SQ_PAGE_IMPORT_PUT, &st, err);
	if (rc)
		return rc;
	if (nz__sq_bind_text(st, 1, rec->key) || sqlite3_bind_int64(st, 2, rec->page_id) ||
	    nz__sq_bind_text(st, 3, rec->sha256_hex) || nz__sq_bind_text(st, 4, rec->filename) ||
	    sqlite3_bind_blob64(st, 5, rec->bytes, rec->len, SQLITE_STATIC) ||
	    nz__sq_bind_text(st, 6, rec->notes) || sqlite3_bind_int64(st, 7, rec->comments) ||
	    sqlite3_bind_int64(st, 8, nz_time_now()))
		return nz__sq_bind_error(h, "page import", err);
	return nz__sq_exec(h, st, "page import", err);
}
