/*
 * articles_save.c: saving new versions of an article on PostgreSQL (sqlite/articles_save.c's
 * twin).
 *
 * Rules: a save is all or nothing: the revision check (optimistic locking on articles.revision,
 * the row read FOR UPDATE so two savers queue), the row, its authors, tags and media, the slug
 * redirect, the revision snapshot, the search row and the audit row commit together, or none
 * of them does. A published URL never breaks: when the slug of an article that was ever
 * published changes, the old slug is kept in slug_redirects.
 */
#include <stdlib.h>
#include <string.h>

#include "store/postgres/postgres_int.h"

static const nz__pg_sql q_state = {"SELECT revision, status, slug, published_at FROM articles "
				   "WHERE id = $1 FOR UPDATE"};
static const nz__pg_sql q_slug_owner = {"SELECT id FROM articles WHERE slug = $1"};
static const nz__pg_sql q_redirect_owner = {
    "SELECT article_id FROM slug_redirects WHERE old_slug = $1"};
static const nz__pg_sql q_redirect_delete = {"DELETE FROM slug_redirects WHERE old_slug = $1"};
static const nz__pg_sql q_redirect_add = {
    "INSERT INTO slug_redirects(old_slug, article_id, created_at) VALUES ($1, $2, $3) "
    "ON CONFLICT(old_slug) DO UPDATE SET article_id = excluded.article_id, "
    "created_at = excluded.created_at"};
static const nz__pg_sql q_save = {
    "UPDATE articles SET slug = $2, language = $3, section_id = $4, headline = $5, "
    "highlights_intro = $6, highlights = $7, dateline = $8, body_markdown = $9, "
    "copyright = $10, translation_group = $11, updated_at = $12, "
    "revision = revision + 1 WHERE id = $1"};
static const nz__pg_sql q_clear_links = {
    "WITH a AS (DELETE FROM article_authors WHERE article_id = $1), "
    "t AS (DELETE FROM article_tags WHERE article_id = $1) "
    "DELETE FROM article_media WHERE article_id = $1"};
static const nz__pg_sql q_media_get = {
    "SELECT id, hash, mime, caption, credit, alt, width, height, focal_x, focal_y, filename "
    "FROM media WHERE id = $1"};

typedef struct stored_state {
	int64_t revision;
	nz_status status;
	const char *slug;
	nz_time published_at;
} stored_state;

static nz_rc load_state(nz__pg *h, nz_arena *arena, int64_t id, stored_state *ss, nz_err *err)
{
	nz__pg_params p = {0};
	PGresult *res;
	const char *status = NULL;
	nz_rc rc;

	nz__pg_int64(&p, id);
	if ((rc = nz__pg_query(h, &q_state, &p, &res, "article", err)))
		return rc;
	if (PQntuples(res) < 1) {
		rc = nz_err_set(err, NZ_NOTFOUND, "article %lld: not found", (long long)id);
	} else {
		ss->revision = nz__pg_col_int(res, 0, 0);
		ss->published_at = nz__pg_col_int(res, 0, 3);
		if (nz__pg_col_text(arena, res, 0, 1, &status) ||
		    nz__pg_col_text(arena, res, 0, 2, &ss->slug))
			rc = nz_err_set(err, NZ_NOMEM, "article: out of memory");
		else if (!status || nz_status_parse(nz_str_c(status), &ss->status))
			rc = nz_err_set(err, NZ_DB, "article %lld: unknown status", (long long)id);
	}
	PQclear(res);
	return rc;
}

/* The id owning slug by q (q_slug_owner or q_redirect_owner), 0 when none. */
static nz_rc owner_of(nz__pg *h, const nz__pg_sql *q, const char *slug, int64_t *owner, nz_err *err)
{
	nz__pg_params p = {0};
	*owner = 0;
	nz__pg_text(&p, slug);
	nz_rc rc = nz__pg_one_int(h, q, &p, owner, "slug", err);
	return rc == NZ_NOTFOUND ? NZ_OK : rc;
}

/* A slug change: refuses a slug another article uses or redirects from; takes back a slug
 * this article redirected from; keeps the old slug when the article was ever published. */
static nz_rc change_slug(nz__pg *h, int64_t id, const stored_state *ss, const char *slug,
			 nz_err *err)
{
	int64_t owner = 0, redirect_owner = 0;
	nz__pg_params p = {0};
	nz_rc rc;
	if (strcmp(slug, ss->slug) == 0)
		return NZ_OK;
	if ((rc = owner_of(h, &q_slug_owner, slug, &owner, err)) ||
	    (rc = owner_of(h, &q_redirect_owner, slug, &redirect_owner, err)))
		return rc;
	if ((owner && owner != id) || (redirect_owner && redirect_owner != id))
		return nz_err_set(err, NZ_EXISTS, "slug: %.80s is used by another article", slug);
	nz__pg_text(&p, slug);
	if (redirect_owner == id && (rc = nz__pg_run(h, &q_redirect_delete, &p, "slug", err)))
		return rc;
	if (!ss->published_at)
		return NZ_OK;
	p = (nz__pg_params){0};
	nz__pg_text(&p, ss->slug);
	nz__pg_int64(&p, id);
	nz__pg_int64(&p, nz_time_now());
	return nz__pg_run(h, &q_redirect_add, &p, "slug", err);
}

static nz_rc save_row(nz__pg *h, const nz_article *a, nz_time now, nz_err *err)
{
	nz__pg_params p = {0};
	char *highlights = NULL;
	nz_rc rc;
	if ((rc = nz__store_json_strings(a->highlights, a->n_highlights, &highlights, err)))
		return rc;
	nz__pg_int64(&p, a->id);
	nz__pg_article_place(&p, a);
	nz__pg_article_content(&p, a, highlights);
	nz__pg_opt_int(&p, a->translation_group);
	nz__pg_int64(&p, now);
	rc = nz__pg_run(h, &q_save, &p, "article", err);
	free(highlights);
	return rc;
}

/* A variant (an article's own row for the same bytes) starts with its source's history, or the
 * source's state when it has none; then the edit that made it. */
static const nz__pg_sql q_rev_inherit = {
    "INSERT INTO media_revisions(media_id, user_id, created_at, caption, credit, alt, focal_x, "
    "focal_y) SELECT $2::bigint, user_id, created_at, caption, credit, alt, focal_x, focal_y "
    "FROM (SELECT id, user_id, created_at, caption, credit, alt, focal_x, focal_y "
    "FROM media_revisions WHERE media_id = $1 UNION ALL SELECT 0, NULL, created_at, caption, "
    "credit, alt, focal_x, focal_y FROM media WHERE id = $1 AND NOT EXISTS (SELECT 1 FROM "
    "media_revisions WHERE media_id = $1)) h ORDER BY id"};

/* A variant of photo source (new texts or point for one article): its history is the
 * source's, then this edit by actor. */
static nz_rc variant_history(nz__pg *h, int64_t actor, int64_t source, int64_t id, nz_time now,
			     nz_err *err)
{
	nz__pg_params p = {0}, q = {0};
	nz__pg_int64(&p, source);
	nz__pg_int64(&p, id);
	nz__pg_int64(&q, id);
	nz__pg_int64(&q, actor);
	nz__pg_int64(&q, now);
	nz_rc rc = nz__pg_run(h, &q_rev_inherit, &p, "media", err);
	return rc ? rc : nz__pg_run(h, &nz__pg_q_media_rev_add, &q, "media", err);
}

/* A media row for m: the stored one when m->id names it unchanged, else a new row (for the same
 * bytes when m->hash is set). A new caption never changes a row other articles may show; the
 * new row of the same bytes keeps the history of the row it came from, and this edit. */
static nz_rc media_row(nz__pg *h, nz_arena *arena, int64_t actor, nz_media *m, nz_time now,
		       nz_err *err)
{
	nz_media *stored = NULL;
	size_t n = 0;
	nz_rc rc;
	if (m->id) {
		nz__pg_params p = {0};
		nz__pg_int64(&p, m->id);
		if ((rc = nz__pg_collect(h, &q_media_get, &p, "media", sizeof(nz_media),
					 nz__pg_media_row, arena, (void **)&stored, &n, err)))
			return rc;
		if (n == 0)
			return nz_err_set(err, NZ_INVAL, "media: no media %lld", (long long)m->id);
		if (nz__store_media_reuse(m, stored))
			return NZ_OK;
	}
	rc = nz__pg_article_media_insert(h, m, now, "media", err);
	if (rc == NZ_INVAL)
		return nz_err_set(err, rc,
				  "media: the photo's bytes are not stored (upload first)");
	if (!rc && stored && stored->hash && m->hash && strcmp(stored->hash, m->hash) == 0)
		rc = variant_history(h, actor, stored->id, m->id, now, err);
	return rc;
}

static nz_rc relink(nz__pg *h, nz_arena *arena, int64_t actor, nz_article *a, nz_time now,
		    nz_err *err)
{
	nz__pg_params p = {0};
	nz__pg_int64(&p, a->id);
	nz_rc rc = nz__pg_run(h, &q_clear_links, &p, "article", err);
	for (size_t i = 0; !rc && i < a->n_authors; i++) {
		rc = nz__pg_article_link(h, &nz__pg_q_author_link, a->id, a->authors[i].id, i,
					 "author", err);
		if (rc == NZ_EXISTS)
			return nz_err_set(err, NZ_INVAL, "authors[%zu]: %s is listed twice", i,
					  a->authors[i].slug);
	}
	for (size_t i = 0; !rc && i < a->n_tags; i++)
		rc =
		    nz__pg_article_link(h, &nz__pg_q_tag_link, a->id, a->tags[i].id, i, "tag", err);
	for (size_t i = 0; !rc && i < a->n_media; i++)
		if (!(rc = media_row(h, arena, actor, &a->media[i], now, err)))
			rc = nz__pg_article_link(h, &nz__pg_q_media_link, a->id, a->media[i].id, i,
						 "media", err);
	return rc;
}

static nz_rc save(nz_store *s, nz_arena *arena, int64_t actor, nz_article *a, int64_t base,
		  const char *note, nz_err *err)
{
	nz__pg *h = nz__pg_h(s);
	stored_state ss = {0};
	nz_time now = nz_time_now();
	nz_rc rc;
	if ((rc = load_state(h, arena, a->id, &ss, err)) ||
	    (rc = nz__store_edit_allowed(a->id, base, ss.revision, ss.status, err)))
		return rc;
	if ((rc = change_slug(h, a->id, &ss, a->slug, err)) ||
	    (rc = nz__pg_article_catalog(h, a, err)) || (rc = save_row(h, a, now, err)) ||
	    (rc = relink(h, arena, actor, a, now, err)) ||
	    (rc = nz__pg_article_load(h, arena, a->id, a, err)) ||
	    (rc = nz__pg_article_revision(h, a, actor, note, now, err)) ||
	    (rc = nz__pg_search_write(h, a->id, err)))
		return rc;
	return nz__pg_audit(h, actor, nz_workflow_audit_action(NZ_EV_EDIT, ss.status), "article",
			    a->id, a->id, note, err);
}

nz_rc nz__pg_article_update(nz_store *s, nz_arena *arena, int64_t actor, nz_article *a,
			    int64_t base_revision, const char *note, nz_err *err)
{
	return nz__store_article_update_tx(s, arena, actor, a, base_revision, note, save, err);
}
