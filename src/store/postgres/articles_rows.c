/*
 * articles_rows.c: the rows an article's writers share on PostgreSQL: its section, authors and
 * tags made sure of (the catalog's upserts, as sqlite/catalog.c's *_ensure), its links, media
 * rows, revisions and audit rows, and collecting a query's rows into an arena array.
 *
 * Rules: every helper runs in the caller's transaction; none of these statements is expected
 * to fail (conflicts are upserts), so none needs a savepoint of its own.
 */
#include <stdlib.h>

#include "store/postgres/postgres_int.h"

static const nz__pg_sql q_section_ensure = {
    "INSERT INTO sections(slug, name, position) VALUES ($1, $2, $3) "
    "ON CONFLICT(slug) DO UPDATE SET slug = excluded.slug RETURNING id"};
static const nz__pg_sql q_author_ensure = {
    "INSERT INTO authors(slug, display_name, family_name, given_name, name_order, email, "
    "bio) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT(slug) DO UPDATE SET "
    "name_order = CASE WHEN authors.family_name IS NULL AND authors.given_name IS NULL "
    "THEN excluded.name_order ELSE authors.name_order END, "
    "family_name = COALESCE(authors.family_name, excluded.family_name), "
    "given_name = COALESCE(authors.given_name, excluded.given_name), "
    "email = COALESCE(authors.email, excluded.email), "
    "bio = COALESCE(authors.bio, excluded.bio) RETURNING id"};
static const nz__pg_sql q_tag_ensure = {
    "INSERT INTO tags(slug, name) VALUES ($1, $2) "
    "ON CONFLICT(slug) DO UPDATE SET slug = excluded.slug RETURNING id"};
const nz__pg_sql nz__pg_q_author_link = {
    "INSERT INTO article_authors(article_id, author_id, position) VALUES ($1, $2, $3)"};
const nz__pg_sql nz__pg_q_tag_link = {"INSERT INTO article_tags(article_id, tag_id, position) "
				      "VALUES ($1, $2, $3) ON CONFLICT DO NOTHING"};
const nz__pg_sql nz__pg_q_media_link = {
    "INSERT INTO article_media(article_id, media_id, position) VALUES ($1, $2, $3)"};
static const nz__pg_sql q_media_insert = {
    "INSERT INTO media(hash, mime, caption, credit, alt, width, height, created_at) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id"};
static const nz__pg_sql q_revision_add = {
    "INSERT INTO revisions(article_id, revision, snapshot, note, created_at, user_id) "
    "VALUES ($1, $2, $3, $4, $5, $6)"};
static const nz__pg_sql q_audit_add = {
    "INSERT INTO audit_log(at, user_id, action, object_type, object_id, detail, article_id) "
    "VALUES ($1, $2, $3, 'article', $4, $5, $4)"};

static const char *const name_orders[] = {"western", "eastern", "hangul"};

/* Runs an upsert returning the row's id into *id. */
static nz_rc upsert(nz__pg *h, const nz__pg_sql *q, const nz__pg_params *p, const char *what,
		    int64_t *id, nz_err *err)
{
	nz_rc rc = nz__pg_one_int(h, q, p, id, what, err);
	if (rc == NZ_NOTFOUND)
		rc = nz_err_set(err, NZ_DB, "%s: the insert returned no id", what);
	return rc;
}

static nz_rc ensure_author(nz__pg *h, nz_author *au, nz_err *err)
{
	nz__pg_params p = {0};
	if (!au->slug || !*au->slug)
		return nz_err_set(err, NZ_INVAL, "author: no slug");
	nz__pg_text(&p, au->slug);
	nz__pg_text(&p, au->display_name ? au->display_name : au->slug);
	nz__pg_text(&p, au->family_name);
	nz__pg_text(&p, au->given_name);
	nz__pg_text(&p, (unsigned)au->order < 3 ? name_orders[au->order] : name_orders[0]);
	nz__pg_text(&p, au->email);
	nz__pg_text(&p, au->bio);
	return upsert(h, &q_author_ensure, &p, "author", &au->id, err);
}

nz_rc nz__pg_article_catalog(nz__pg *h, nz_article *a, nz_err *err)
{
	nz_rc rc = NZ_OK;
	if (a->section) {
		nz_section *sec = a->section;
		nz__pg_params p = {0};
		if (!sec->slug || !*sec->slug)
			return nz_err_set(err, NZ_INVAL, "section: no slug");
		nz__pg_text(&p, sec->slug);
		nz__pg_text(&p, sec->name ? sec->name : sec->slug);
		nz__pg_int64(&p, sec->position);
		if ((rc = upsert(h, &q_section_ensure, &p, "section", &sec->id, err)))
			return rc;
	}
	for (size_t i = 0; !rc && i < a->n_authors; i++)
		rc = ensure_author(h, &a->authors[i], err);
	for (size_t i = 0; !rc && i < a->n_tags; i++) {
		nz_tag *t = &a->tags[i];
		nz__pg_params p = {0};
		if (!t->slug || !*t->slug)
			return nz_err_set(err, NZ_INVAL, "tag: no slug");
		nz__pg_text(&p, t->slug);
		nz__pg_text(&p, t->name ? t->name : t->slug);
		rc = upsert(h, &q_tag_ensure, &p, "tag", &t->id, err);
	}
	return rc;
}

nz_rc nz__pg_article_link(nz__pg *h, const nz__pg_sql *q, int64_t id, int64_t other, size_t pos,
			  const char *what, nz_err *err)
{
	nz__pg_params p = {0};
	nz__pg_int64(&p, id);
	nz__pg_int64(&p, other);
	nz__pg_int64(&p, (int64_t)pos);
	return nz__pg_run(h, q, &p, what, err);
}

nz_rc nz__pg_article_media_row(nz_arena *arena, const PGresult *res, int r, nz_media *m)
{
	m->id = nz__pg_col_int(res, r, 0);
	m->width = (int)nz__pg_col_int(res, r, 6);
	m->height = (int)nz__pg_col_int(res, r, 7);
	return nz__pg_col_text(arena, res, r, 1, &m->hash) ||
		       nz__pg_col_text(arena, res, r, 2, &m->mime) ||
		       nz__pg_col_text(arena, res, r, 3, &m->caption) ||
		       nz__pg_col_text(arena, res, r, 4, &m->credit) ||
		       nz__pg_col_text(arena, res, r, 5, &m->alt)
		   ? NZ_NOMEM
		   : NZ_OK;
}

nz_rc nz__pg_article_media_insert(nz__pg *h, nz_media *m, nz_time now, const char *what,
				  nz_err *err)
{
	nz__pg_params p = {0};
	nz__pg_text(&p, m->hash);
	nz__pg_text(&p, m->mime);
	nz__pg_text(&p, m->caption);
	nz__pg_text(&p, m->credit);
	nz__pg_text(&p, m->alt);
	nz__pg_int64(&p, m->width);
	nz__pg_int64(&p, m->height);
	nz__pg_int64(&p, now);
	nz_rc rc = nz__pg_one_int(h, &q_media_insert, &p, &m->id, what, err);
	if (rc == NZ_NOTFOUND)
		rc = nz_err_set(err, NZ_DB, "%s: the insert returned no id", what);
	return rc;
}

nz_rc nz__pg_article_revision(nz__pg *h, const nz_article *a, int64_t actor, const char *note,
			      nz_time now, nz_err *err)
{
	nz__pg_params p = {0};
	char *snapshot = NULL;
	nz_rc rc = nz__store_snapshot(a, &snapshot, err);
	if (rc)
		return rc;
	nz__pg_int64(&p, a->id);
	nz__pg_int64(&p, a->revision);
	nz__pg_text(&p, snapshot);
	nz__pg_text(&p, note);
	nz__pg_int64(&p, now);
	nz__pg_opt_int(&p, actor);
	rc = nz__pg_run(h, &q_revision_add, &p, "revision", err);
	free(snapshot);
	return rc;
}

nz_rc nz__pg_article_audit(nz__pg *h, int64_t actor, const char *action, int64_t id,
			   const char *detail, nz_err *err)
{
	nz__pg_params p = {0};
	nz__pg_int64(&p, nz_time_now());
	nz__pg_opt_int(&p, actor);
	nz__pg_text(&p, action);
	nz__pg_opt_int(&p, id);
	nz__pg_text(&p, detail);
	return nz__pg_run(h, &q_audit_add, &p, "audit", err);
}

nz_rc nz__pg_art_collect(nz__pg *h, const nz__pg_sql *q, const nz__pg_params *p, const char *what,
			 size_t size, nz__pg_art_row_fn fill, nz_arena *arena, void **out,
			 size_t *n, nz_err *err)
{
	PGresult *res;
	char *items = NULL;
	nz_rc rc;

	*out = NULL;
	*n = 0;
	if ((rc = nz__pg_query(h, q, p, &res, what, err)))
		return rc;
	int rows = PQntuples(res);
	if (rows > 0 && !(items = nz_arena_zalloc(arena, (size_t)rows * size)))
		rc = nz_err_set(err, NZ_NOMEM, "%s: out of memory", what);
	for (int r = 0; !rc && r < rows; r++)
		if (fill(arena, res, r, items + (size_t)r * size))
			rc = nz_err_set(err, NZ_NOMEM, "%s: out of memory", what);
	PQclear(res);
	if (!rc) {
		*out = items;
		*n = (size_t)rows;
	}
	return rc;
}
