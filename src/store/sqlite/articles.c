/*
 * articles.c: storing a new article with everything hanging off it, and loading one back.
 *
 * Rules: a create runs in one nested transaction; on any failure it rolls back to where it
 * began and gives the caller's struct back its ids, so neither the database nor the article
 * claim rows that do not exist. Loading copies everything into the caller's arena.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/sqlite/sqlite_int.h"

/* ---- unique slugs ------------------------------------------------------------------------ */

static nz_rc slug_taken(void *ctx, const char *slug, bool *taken, nz_err *err)
{
	nz__sqlite *h = ctx;
	sqlite3_stmt *st;
	int64_t v = 0;
	nz_rc rc = nz__sq_stmt(h, SQ_SLUG_TAKEN, &st, err);

	if (rc)
		return rc;
	if (nz__sq_bind_text(st, 1, slug))
		return nz__sq_bind_error(h, "article slug", err);
	rc = nz__sq_int(h, st, &v, "article slug", err);
	*taken = v != 0;
	return rc;
}

/* ---- create ------------------------------------------------------------------------------ */

int nz__sq_bind_article(sqlite3_stmt *st, int content, const nz_article *a, const char *highlights)
{
	return nz__sq_bind_text(st, 2, a->slug) || nz__sq_bind_text(st, 3, a->language) ||
	       nz__sq_bind_opt_int(st, 4, a->section ? a->section->id : 0) ||
	       nz__sq_bind_text(st, content, a->headline) ||
	       nz__sq_bind_text(st, content + 1, a->highlights_intro) ||
	       nz__sq_bind_text(st, content + 2, highlights) ||
	       nz__sq_bind_text(st, content + 3, a->dateline) ||
	       nz__sq_bind_text(st, content + 4, a->body_markdown ? a->body_markdown : "") ||
	       nz__sq_bind_text(st, content + 5, a->copyright);
}

static nz_rc insert_row(nz__sqlite *h, nz_article *a, nz_err *err)
{
	sqlite3_stmt *st;
	char *highlights = NULL;
	int64_t id = 0;
	nz_rc rc;

	if ((rc = nz__store_json_strings(a->highlights, a->n_highlights, &highlights, err)) ||
	    (rc = nz__sq_stmt(h, SQ_ARTICLE_INSERT, &st, err)))
		goto out;
	if (nz__sq_bind_text(st, 1, a->uuid) || nz__sq_bind_article(st, 6, a, highlights) ||
	    nz__sq_bind_text(st, 5, nz_status_name(a->status)) ||
	    nz__sq_bind_opt_int(st, 12, a->embargo_until) ||
	    nz__sq_bind_opt_int(st, 13, a->publish_at) ||
	    nz__sq_bind_opt_int(st, 14, a->published_at) ||
	    sqlite3_bind_int64(st, 15, a->updated_at) ||
	    sqlite3_bind_int64(st, 16, a->created_at) ||
	    nz__sq_bind_opt_int(st, 17, a->translation_group) || sqlite3_bind_int64(st, 18, 1) ||
	    nz__sq_bind_opt_int(st, 19, a->created_by)) {
		rc = nz__sq_bind_error(h, "article", err);
		goto out;
	}
	rc = nz__sq_int(h, st, &id, "article", err);
	if (rc == NZ_EXISTS)
		nz_err_set(err, rc, "article: uuid %s is already stored", a->uuid);
	if (!rc)
		a->id = id;
out:
	free(highlights);
	return rc;
}

nz_rc nz__sq_link(nz__sqlite *h, nz__sq_id id, int64_t article_id, int64_t other, size_t pos,
		  const char *what, nz_err *err)
{
	sqlite3_stmt *st;
	nz_rc rc = nz__sq_stmt(h, id, &st, err);

	if (rc)
		return rc;
	if (sqlite3_bind_int64(st, 1, article_id) || sqlite3_bind_int64(st, 2, other) ||
	    sqlite3_bind_int64(st, 3, (int64_t)pos))
		return nz__sq_bind_error(h, what, err);
	return nz__sq_exec(h, st, what, err);
}

static nz_rc insert_media(nz__sqlite *h, nz_article *a, nz_time now, nz_err *err)
{
	nz_rc rc = NZ_OK;

	for (size_t i = 0; !rc && i < a->n_media; i++) {
		nz_media *m = &a->media[i];
		sqlite3_stmt *st;
		char what[32];
		snprintf(what, sizeof(what), "media[%zu]", i);
		/* A media row stored before (an upload) is linked, not copied. */
		if (!m->id) {
			if ((rc = nz__sq_stmt(h, SQ_MEDIA_INSERT, &st, err)))
				break;
			if (nz__sq_bind_text(st, 1, m->hash) || nz__sq_bind_text(st, 2, m->mime) ||
			    nz__sq_bind_text(st, 3, m->caption) ||
			    nz__sq_bind_text(st, 4, m->credit) || nz__sq_bind_text(st, 5, m->alt) ||
			    sqlite3_bind_int(st, 6, m->width) ||
			    sqlite3_bind_int(st, 7, m->height) || sqlite3_bind_int64(st, 8, now)) {
				rc = nz__sq_bind_error(h, what, err);
				break;
			}
			if ((rc = nz__sq_int(h, st, &m->id, what, err)))
				break;
		}
		rc = nz__sq_link(h, SQ_ARTICLE_MEDIA_ADD, a->id, m->id, i, what, err);
	}
	return rc;
}

static nz_rc insert_notes(nz__sqlite *h, const nz_article *a, nz_err *err)
{
	nz_rc rc = NZ_OK;

	for (size_t i = 0; !rc && i < a->n_import_notes; i++) {
		sqlite3_stmt *st;
		if ((rc = nz__sq_stmt(h, SQ_IMPORT_NOTE_ADD, &st, err)))
			break;
		if (sqlite3_bind_int64(st, 1, a->id) || sqlite3_bind_int64(st, 2, (int64_t)i) ||
		    nz__sq_bind_text(st, 3, a->import_notes[i] ? a->import_notes[i] : ""))
			return nz__sq_bind_error(h, "import note", err);
		rc = nz__sq_exec(h, st, "import note", err);
	}
	return rc;
}

/* The article's tags in one statement (each row still fires its triggers): a statement with
 * triggers inside a transaction keeps a journal of its own, a cost per statement. */
static nz_rc insert_tags(nz__sqlite *h, const nz_article *a, nz_err *err)
{
	if (a->n_tags == 0)
		return NZ_OK;
	nz_buf ids = {0};
	nz_rc rc = NZ_OK;
	sqlite3_stmt *st;
	for (size_t i = 0; !rc && i < a->n_tags; i++)
		rc = nz_buf_printf(&ids, "%c%lld", i ? ',' : '[', (long long)a->tags[i].id);
	if (!rc)
		rc = nz_buf_printf(&ids, "]");
	if (rc) {
		rc = nz_err_set(err, NZ_NOMEM, "article tags: out of memory");
		goto out;
	}
	if ((rc = nz__sq_stmt(h, SQ_ARTICLE_TAGS_ADD, &st, err)))
		goto out;
	if (sqlite3_bind_int64(st, 1, a->id) ||
	    sqlite3_bind_text(st, 2, ids.p, (int)ids.len, SQLITE_TRANSIENT)) {
		rc = nz__sq_bind_error(h, "article tags", err);
		goto out;
	}
	rc = nz__sq_exec(h, st, "article tags", err);
out:
	nz_buf_free(&ids);
	return rc;
}

/* Everything a create writes, in order; runs inside the create's transaction. */
static nz_rc create_rows(nz_store *s, nz_arena *arena, int64_t actor, nz_article *a,
			 const char *note, nz_err *err)
{
	nz__sqlite *h = nz__sq(s);
	nz_time now = nz_time_now();
	nz_rc rc = NZ_OK;

	if (a->section && (rc = nz__sq_section_ensure(s, a->section, err)))
		return rc;
	for (size_t i = 0; i < a->n_authors; i++)
		if ((rc = nz__sq_author_ensure(s, &a->authors[i], err)))
			return rc;
	for (size_t i = 0; i < a->n_tags; i++)
		if ((rc = nz__sq_tag_ensure(s, &a->tags[i], err)))
			return rc;
	if ((rc = nz__store_unique_slug(arena, a, slug_taken, h, err)) ||
	    (rc = insert_row(h, a, err)))
		return rc;
	for (size_t i = 0; i < a->n_authors; i++) {
		rc = nz__sq_link(h, SQ_ARTICLE_AUTHOR_ADD, a->id, a->authors[i].id, i,
				 "article author", err);
		if (rc == NZ_EXISTS)
			return nz_err_set(err, NZ_INVAL, "authors[%zu]: %s is listed twice", i,
					  a->authors[i].slug);
		if (rc)
			return rc;
	}
	if ((rc = insert_tags(h, a, err)) || (rc = insert_media(h, a, now, err)) ||
	    (rc = insert_notes(h, a, err)))
		return rc;
	a->revision = 1;
	return nz__sq_revision_add(h, a, actor, note, now, err); /* revision 1 */
}

nz_rc nz__sq_article_create(nz_store *s, nz_arena *arena, int64_t actor, bool audited,
			    nz_article *a, const char *note, nz_err *err)
{
	return nz__store_article_create_tx(s, arena, actor, audited, a, note, create_rows, err);
}

/* ---- loading ----------------------------------------------------------------------------- */

/* The articles row (with its section) into a. */
static nz_rc load_row(nz__sqlite *h, nz_arena *arena, int64_t id, nz_article *a, nz_err *err)
{
	sqlite3_stmt *st;
	const char *uuid = NULL, *status = NULL, *highlights = NULL;
	bool row = false;
	nz_rc rc;

	if ((rc = nz__sq_stmt(h, SQ_ARTICLE_BY_ID, &st, err)))
		return rc;
	if (sqlite3_bind_int64(st, 1, id))
		return nz__sq_bind_error(h, "article", err);
	if ((rc = nz__sq_step(h, st, &row, "article", err)))
		return rc;
	if (!row) {
		rc = nz_err_set(err, NZ_NOTFOUND, "article %lld: not found", (long long)id);
		goto out;
	}
	a->id = sqlite3_column_int64(st, 0);
	a->embargo_until = sqlite3_column_int64(st, 11);
	a->publish_at = sqlite3_column_int64(st, 12);
	a->published_at = sqlite3_column_int64(st, 13);
	a->updated_at = sqlite3_column_int64(st, 14);
	a->created_at = sqlite3_column_int64(st, 15);
	a->translation_group = sqlite3_column_int64(st, 16);
	a->revision = sqlite3_column_int64(st, 17);
	a->created_by = sqlite3_column_int64(st, 22);
	a->listed_at = sqlite3_column_int64(st, 23);
	if (nz__sq_col_text(arena, st, 1, &uuid) || nz__sq_col_text(arena, st, 2, &a->slug) ||
	    nz__sq_col_text(arena, st, 3, &a->language) || nz__sq_col_text(arena, st, 4, &status) ||
	    nz__sq_col_text(arena, st, 5, &a->headline) ||
	    nz__sq_col_text(arena, st, 6, &a->highlights_intro) ||
	    nz__sq_col_text(arena, st, 7, &highlights) ||
	    nz__sq_col_text(arena, st, 8, &a->dateline) ||
	    nz__sq_col_text(arena, st, 9, &a->body_markdown) ||
	    nz__sq_col_text(arena, st, 10, &a->copyright)) {
		rc = nz_err_set(err, NZ_NOMEM, "article: out of memory");
		goto out;
	}
	snprintf(a->uuid, sizeof(a->uuid), "%s", uuid ? uuid : "");
	if (status && nz_status_parse(nz_str_c(status), &a->status) != NZ_OK) {
		rc = nz_err_set(err, NZ_DB, "article %lld: unknown status %s", (long long)id,
				status);
		goto out;
	}
	if (sqlite3_column_type(st, 18) != SQLITE_NULL) {
		nz_section *sec = nz_arena_zalloc(arena, sizeof(*sec));
		if (!sec || nz__sq_col_text(arena, st, 19, &sec->slug) ||
		    nz__sq_col_text(arena, st, 20, &sec->name)) {
			rc = nz_err_set(err, NZ_NOMEM, "article: out of memory");
			goto out;
		}
		sec->id = sqlite3_column_int64(st, 18);
		sec->position = sqlite3_column_int(st, 21);
		a->section = sec;
	}
	rc = nz__store_json_strings_parse(arena, highlights, &a->highlights, &a->n_highlights, err);
out:
	sqlite3_reset(st);
	return rc;
}

/* Runs one of the per-article list queries and collects its rows into an arena array. */
static nz_rc load_list(nz__sqlite *h, nz_arena *arena, nz__sq_id id, int64_t article_id,
		       size_t size, nz__sq_row_fn fill, void **out, size_t *n, nz_err *err)
{
	sqlite3_stmt *st;
	nz_rc rc;

	*out = NULL;
	*n = 0;
	if ((rc = nz__sq_stmt(h, id, &st, err)))
		return rc;
	if (sqlite3_bind_int64(st, 1, article_id))
		return nz__sq_bind_error(h, "article", err);
	return nz__sq_collect(h, st, "article", size, fill, arena, out, n, err);
}

static nz_rc author_item(nz_arena *arena, sqlite3_stmt *st, void *item)
{
	return nz__sq_author_row(arena, st, 0, item);
}

static nz_rc tag_item(nz_arena *arena, sqlite3_stmt *st, void *item)
{
	return nz__sq_tag_row(arena, st, item);
}

static nz_rc correction_item(nz_arena *arena, sqlite3_stmt *st, void *item)
{
	nz_correction *c = item;
	c->id = sqlite3_column_int64(st, 0);
	c->created_at = sqlite3_column_int64(st, 1);
	return nz__sq_col_text(arena, st, 2, &c->text);
}

static nz_rc note_item(nz_arena *arena, sqlite3_stmt *st, void *item)
{
	return nz__sq_col_text(arena, st, 0, item);
}

nz_rc nz__sq_article_load(nz__sqlite *h, nz_arena *arena, int64_t id, nz_article *a, nz_err *err)
{
	nz_rc rc;

	memset(a, 0, sizeof(*a));
	if ((rc = load_row(h, arena, id, a, err)) ||
	    (rc = load_list(h, arena, SQ_ARTICLE_AUTHORS, id, sizeof(nz_author), author_item,
			    (void **)&a->authors, &a->n_authors, err)) ||
	    (rc = load_list(h, arena, SQ_ARTICLE_TAGS, id, sizeof(nz_tag), tag_item,
			    (void **)&a->tags, &a->n_tags, err)) ||
	    (rc = load_list(h, arena, SQ_ARTICLE_MEDIA, id, sizeof(nz_media), nz__sq_media_row,
			    (void **)&a->media, &a->n_media, err)) ||
	    (rc = load_list(h, arena, SQ_ARTICLE_CORRECTIONS, id, sizeof(nz_correction),
			    correction_item, (void **)&a->corrections, &a->n_corrections, err)))
		return rc;
	return load_list(h, arena, SQ_ARTICLE_NOTES, id, sizeof(const char *), note_item,
			 (void **)&a->import_notes, &a->n_import_notes, err);
}

nz_rc nz__sq_article_by_id(nz_store *s, nz_arena *arena, int64_t id, nz_article **out, nz_err *err)
{
	nz_article *a = nz_arena_alloc(arena, sizeof(*a));
	nz_rc rc;

	*out = NULL;
	if (!a)
		return nz_err_set(err, NZ_NOMEM, "article: out of memory");
	bool snap = nz__sq_read_begin(nz__sq(s));
	if (!(rc = nz__sq_article_load(nz__sq(s), arena, id, a, err)))
		*out = a;
	nz__sq_read_end(nz__sq(s), snap);
	return rc;
}

nz_rc nz__sq_article_by_slug(nz_store *s, nz_arena *arena, const char *slug, nz_article **out,
			     nz_err *err)
{
	nz__sqlite *h = nz__sq(s);
	sqlite3_stmt *st;
	int64_t id = 0;
	nz_rc rc;

	*out = NULL;
	if ((rc = nz__sq_stmt(h, SQ_ARTICLE_ID_BY_SLUG, &st, err)))
		return rc;
	if (nz__sq_bind_text(st, 1, slug))
		return nz__sq_bind_error(h, "article", err);
	rc = nz__sq_int(h, st, &id, "article", err);
	if (rc == NZ_NOTFOUND)
		return nz_err_set(err, rc, "article %.80s: not found", slug);
	return rc ? rc : nz__sq_article_by_id(s, arena, id, out, err);
}
