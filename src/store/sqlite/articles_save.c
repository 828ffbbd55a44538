/*
 * articles_save.c: saving new versions of an article, in SQLite.
 *
 * Rules: a save is all or nothing: the revision check (optimistic locking on articles.revision),
 * the row, its authors, tags and media, the slug redirect, the revision snapshot and the audit
 * row commit together, or none of them does. A published URL never breaks: when the slug of an
 * article that was ever published changes, the old slug is kept in slug_redirects.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/sqlite/sqlite_int.h"

nz_rc nz__sq_revision_add(nz__sqlite *h, const nz_article *a, int64_t actor, const char *note,
			  nz_time now, nz_err *err)
{
	sqlite3_stmt *st;
	char *snapshot = NULL;
	nz_rc rc;
	if ((rc = nz__store_snapshot(a, &snapshot, err)) ||
	    (rc = nz__sq_stmt(h, SQ_REVISION_ADD, &st, err)))
		goto out;
	if (sqlite3_bind_int64(st, 1, a->id) || sqlite3_bind_int64(st, 2, a->revision) ||
	    nz__sq_bind_text(st, 3, snapshot) || nz__sq_bind_text(st, 4, note) ||
	    sqlite3_bind_int64(st, 5, now) || nz__sq_bind_opt_int(st, 6, actor)) {
		rc = nz__sq_bind_error(h, "revision", err);
		goto out;
	}
	rc = nz__sq_exec(h, st, "revision", err);
out:
	free(snapshot);
	return rc;
}

/* ---- saving a new version ---------------------------------------------------------------- */

typedef struct stored_state {
	int64_t revision;
	nz_status status;
	const char *slug;
	nz_time published_at;
} stored_state;

static nz_rc load_state(nz__sqlite *h, nz_arena *arena, int64_t id, stored_state *ss, nz_err *err)
{
	sqlite3_stmt *st;
	bool row = false;
	const char *status = NULL;
	nz_rc rc = nz__sq_stmt(h, SQ_ARTICLE_STATE, &st, err);
	if (rc)
		return rc;
	if (sqlite3_bind_int64(st, 1, id))
		return nz__sq_bind_error(h, "article", err);
	if ((rc = nz__sq_step(h, st, &row, "article", err)))
		return rc;
	if (!row) {
		rc = nz_err_set(err, NZ_NOTFOUND, "article %lld: not found", (long long)id);
	} else {
		ss->revision = sqlite3_column_int64(st, 0);
		ss->published_at = sqlite3_column_int64(st, 3);
		if (nz__sq_col_text(arena, st, 1, &status) ||
		    nz__sq_col_text(arena, st, 2, &ss->slug))
			rc = nz_err_set(err, NZ_NOMEM, "article: out of memory");
		else if (!status || nz_status_parse(nz_str_c(status), &ss->status))
			rc = nz_err_set(err, NZ_DB, "article %lld: unknown status", (long long)id);
	}
	sqlite3_reset(st);
	return rc;
}

/* The id owning slug in table id (SQ_SLUG_OWNER or SQ_REDIRECT_OWNER), 0 when none. */
static nz_rc owner_of(nz__sqlite *h, nz__sq_id id, const char *slug, int64_t *owner, nz_err *err)
{
	sqlite3_stmt *st;
	nz_rc rc = nz__sq_stmt(h, id, &st, err);
	*owner = 0;
	if (rc)
		return rc;
	if (nz__sq_bind_text(st, 1, slug))
		return nz__sq_bind_error(h, "slug", err);
	rc = nz__sq_int(h, st, owner, "slug", err);
	return rc == NZ_NOTFOUND ? NZ_OK : rc;
}

static nz_rc exec_slug(nz__sqlite *h, nz__sq_id id, const char *slug, int64_t article_id,
		       nz_err *err)
{
	sqlite3_stmt *st;
	nz_rc rc = nz__sq_stmt(h, id, &st, err);
	if (rc)
		return rc;
	if (nz__sq_bind_text(st, 1, slug) ||
	    (article_id &&
	     (sqlite3_bind_int64(st, 2, article_id) || sqlite3_bind_int64(st, 3, nz_time_now()))))
		return nz__sq_bind_error(h, "slug", err);
	return nz__sq_exec(h, st, "slug", err);
}

/* A slug change: refuses a slug another article uses or redirects from; takes back a slug
 * this article redirected from; keeps the old slug when the article was ever published. */
static nz_rc change_slug(nz__sqlite *h, int64_t id, const stored_state *ss, const char *slug,
			 nz_err *err)
{
	int64_t owner = 0, redirect_owner = 0;
	nz_rc rc;
	if (strcmp(slug, ss->slug) == 0)
		return NZ_OK;
	if ((rc = owner_of(h, SQ_SLUG_OWNER, slug, &owner, err)) ||
	    (rc = owner_of(h, SQ_REDIRECT_OWNER, slug, &redirect_owner, err)))
		return rc;
	if ((owner && owner != id) || (redirect_owner && redirect_owner != id))
		return nz_err_set(err, NZ_EXISTS, "slug: %.80s is used by another article", slug);
	if (redirect_owner == id && (rc = exec_slug(h, SQ_REDIRECT_DELETE, slug, 0, err)))
		return rc;
	if (ss->published_at)
		return exec_slug(h, SQ_REDIRECT_ADD, ss->slug, id, err);
	return NZ_OK;
}

static nz_rc save_row(nz__sqlite *h, const nz_article *a, nz_time now, nz_err *err)
{
	sqlite3_stmt *st;
	char *highlights = NULL;
	nz_rc rc;
	if ((rc = nz__store_json_strings(a->highlights, a->n_highlights, &highlights, err)) ||
	    (rc = nz__sq_stmt(h, SQ_ARTICLE_SAVE, &st, err)))
		goto out;
	if (sqlite3_bind_int64(st, 1, a->id) || nz__sq_bind_article(st, 5, a, highlights) ||
	    nz__sq_bind_opt_int(st, 11, a->translation_group) || sqlite3_bind_int64(st, 12, now)) {
		rc = nz__sq_bind_error(h, "article", err);
		goto out;
	}
	rc = nz__sq_exec(h, st, "article", err);
out:
	free(highlights);
	return rc;
}

static nz_rc clear_links(nz__sqlite *h, int64_t id, nz_err *err)
{
	static const nz__sq_id clears[] = {SQ_AUTHORS_CLEAR, SQ_TAGS_CLEAR, SQ_MEDIA_LINKS_CLEAR};
	nz_rc rc = NZ_OK;
	for (size_t i = 0; !rc && i < sizeof clears / sizeof clears[0]; i++) {
		sqlite3_stmt *st;
		if ((rc = nz__sq_stmt(h, clears[i], &st, err)))
			break;
		if (sqlite3_bind_int64(st, 1, id))
			return nz__sq_bind_error(h, "article", err);
		rc = nz__sq_exec(h, st, "article", err);
	}
	return rc;
}

/* A variant of photo source (new texts or point for one article): its history is the
 * source's, then this edit by actor. */
static nz_rc variant_history(nz__sqlite *h, int64_t actor, int64_t source, int64_t id, nz_time now,
			     nz_err *err)
{
	sqlite3_stmt *st;
	nz_rc rc = nz__sq_stmt(h, SQ_MEDIA_REV_INHERIT, &st, err);
	if (rc)
		return rc;
	if (sqlite3_bind_int64(st, 1, source) || sqlite3_bind_int64(st, 2, id))
		return nz__sq_bind_error(h, "media", err);
	if ((rc = nz__sq_exec(h, st, "media", err)) ||
	    (rc = nz__sq_stmt(h, SQ_MEDIA_REV_ADD, &st, err)))
		return rc;
	if (sqlite3_bind_int64(st, 1, id) || sqlite3_bind_int64(st, 2, actor) ||
	    sqlite3_bind_int64(st, 3, now))
		return nz__sq_bind_error(h, "media", err);
	return nz__sq_exec(h, st, "media", err);
}

/* A media row for m: the stored one when m->id names it unchanged, else a new row (for the same
 * bytes when m->hash is set). A new caption never changes a row other articles may show; the
 * new row of the same bytes keeps the history of the row it came from, and this edit. */
static nz_rc media_row(nz__sqlite *h, nz_arena *arena, int64_t actor, nz_media *m, nz_time now,
		       nz_err *err)
{
	sqlite3_stmt *st;
	nz_media *stored = NULL;
	size_t n = 0;
	nz_rc rc;
	if (m->id) {
		if ((rc = nz__sq_stmt(h, SQ_MEDIA_GET, &st, err)))
			return rc;
		if (sqlite3_bind_int64(st, 1, m->id))
			return nz__sq_bind_error(h, "media", err);
		if ((rc = nz__sq_collect(h, st, "media", sizeof(nz_media), nz__sq_media_row, arena,
					 (void **)&stored, &n, err)))
			return rc;
		if (n == 0)
			return nz_err_set(err, NZ_INVAL, "media: no media %lld", (long long)m->id);
		if (nz__store_media_reuse(m, stored))
			return NZ_OK;
	}
	if ((rc = nz__sq_stmt(h, SQ_MEDIA_INSERT, &st, err)))
		return rc;
	if (nz__sq_bind_text(st, 1, m->hash) || nz__sq_bind_text(st, 2, m->mime) ||
	    nz__sq_bind_text(st, 3, m->caption) || nz__sq_bind_text(st, 4, m->credit) ||
	    nz__sq_bind_text(st, 5, m->alt) || sqlite3_bind_int(st, 6, m->width) ||
	    sqlite3_bind_int(st, 7, m->height) || sqlite3_bind_int64(st, 8, now) ||
	    nz__sq_bind_focal(st, 9, m) || nz__sq_bind_text(st, 11, m->filename))
		return nz__sq_bind_error(h, "media", err);
	rc = nz__sq_int(h, st, &m->id, "media", err);
	if (rc == NZ_INVAL)
		return nz_err_set(err, rc,
				  "media: the photo's bytes are not stored (upload first)");
	if (!rc && stored && stored->hash && m->hash && strcmp(stored->hash, m->hash) == 0)
		rc = variant_history(h, actor, stored->id, m->id, now, err);
	return rc;
}

static nz_rc relink(nz__sqlite *h, nz_arena *arena, int64_t actor, nz_article *a, nz_time now,
		    nz_err *err)
{
	nz_store *s = &h->base;
	nz_rc rc = clear_links(h, a->id, err);
	for (size_t i = 0; !rc && i < a->n_authors; i++) {
		if (!(rc = nz__sq_author_ensure(s, &a->authors[i], err)))
			rc = nz__sq_link(h, SQ_ARTICLE_AUTHOR_ADD, a->id, a->authors[i].id, i,
					 "author", err);
		if (rc == NZ_EXISTS)
			return nz_err_set(err, NZ_INVAL, "authors[%zu]: %s is listed twice", i,
					  a->authors[i].slug);
	}
	for (size_t i = 0; !rc && i < a->n_tags; i++)
		if (!(rc = nz__sq_tag_ensure(s, &a->tags[i], err)))
			rc =
			    nz__sq_link(h, SQ_ARTICLE_TAG_ADD, a->id, a->tags[i].id, i, "tag", err);
	for (size_t i = 0; !rc && i < a->n_media; i++)
		if (!(rc = media_row(h, arena, actor, &a->media[i], now, err)))
			rc = nz__sq_link(h, SQ_ARTICLE_MEDIA_ADD, a->id, a->media[i].id, i, "media",
					 err);
	return rc;
}

static nz_rc save(nz_store *s, nz_arena *arena, int64_t actor, nz_article *a, int64_t base,
		  const char *note, nz_err *err)
{
	nz__sqlite *h = nz__sq(s);
	stored_state ss = {0};
	nz_time now = nz_time_now();
	nz_rc rc;
	if ((rc = load_state(h, arena, a->id, &ss, err)) ||
	    (rc = nz__store_edit_allowed(a->id, base, ss.revision, ss.status, err)))
		return rc;
	if (a->section && (rc = nz__sq_section_ensure(s, a->section, err)))
		return rc;
	if ((rc = change_slug(h, a->id, &ss, a->slug, err)) || (rc = save_row(h, a, now, err)) ||
	    (rc = relink(h, arena, actor, a, now, err)) ||
	    (rc = nz__sq_article_load(h, arena, a->id, a, err)) ||
	    (rc = nz__sq_revision_add(h, a, actor, note, now, err)))
		return rc;
	return nz__sq_audit(h, actor, nz_workflow_audit_action(NZ_EV_EDIT, ss.status), "article",
			    a->id, a->id, note, err);
}

nz_rc nz__sq_article_update(nz_store *s, nz_arena *arena, int64_t actor, nz_article *a,
			    int64_t base_revision, const char *note, nz_err *err)
{
	return nz__store_article_update_tx(s, arena, actor, a, base_revision, note, save, err);
}
