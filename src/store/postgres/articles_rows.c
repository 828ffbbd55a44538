/*
 * articles_rows.c: the rows an article's writers share on PostgreSQL: its links, new media
 * rows and revisions (its section, authors and tags: catalog.c's nz__pg_article_catalog).
 *
 * Rules: every helper runs in the caller's transaction; none of these statements is expected
 * to fail (conflicts are upserts), so none needs a savepoint of its own.
 */
#include <stdlib.h>

#include "store/postgres/postgres_int.h"

const nz__pg_sql nz__pg_q_author_link = {
    "INSERT INTO article_authors(article_id, author_id, position) VALUES ($1, $2, $3)"};
const nz__pg_sql nz__pg_q_tag_link = {"INSERT INTO article_tags(article_id, tag_id, position) "
				      "VALUES ($1, $2, $3) ON CONFLICT DO NOTHING"};
const nz__pg_sql nz__pg_q_media_link = {
    "INSERT INTO article_media(article_id, media_id, position) VALUES ($1, $2, $3)"};
static const nz__pg_sql q_media_insert = {
    "INSERT INTO media(hash, mime, caption, credit, alt, width, height, created_at, focal_x, "
    "focal_y, filename) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id"};
static const nz__pg_sql q_media_insert_id =
    {/* a batch's: the id reserved ahead */
     "INSERT INTO media(hash, mime, caption, credit, alt, width, height, created_at, focal_x, "
     "focal_y, filename, id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)"};
/* The same rows many at a time (bulk.c). */
static const nz__pg_bulk bulk_media_insert_id = {
    {"INSERT INTO media(hash, mime, caption, credit, "
     "alt, width, height, created_at, focal_x, focal_y, "
     "filename, id) SELECT * FROM unnest($1::text[], "
     "$2::text[], $3::text[], $4::text[], $5::text[], "
     "$6::int8[], $7::int8[], $8::int8[], $9::int8[], "
     "$10::int8[], $11::text[], $12::int8[])"},
    "tttttiiiiiti",
    0,
    "media"};
static const nz__pg_sql q_revision_add = {
    "INSERT INTO revisions(article_id, revision, snapshot, note, created_at, user_id) "
    "VALUES ($1, $2, $3, $4, $5, $6)"};

/* The same rows many at a time, for an optimistic batch (bulk.c); after the articles, media. */
#define UNNEST_LINK " SELECT * FROM unnest($1::int8[], $2::int8[], $3::int8[])"
static const nz__pg_bulk bulk_author_link = {
    {"INSERT INTO article_authors(article_id, author_id, position)" UNNEST_LINK}, "iii", 1, NULL};
static const nz__pg_bulk bulk_tag_link = {
    {"INSERT INTO article_tags(article_id, tag_id, position)" UNNEST_LINK
     " ON CONFLICT DO NOTHING"},
    "iii",
    1,
    NULL};
static const nz__pg_bulk bulk_media_link = {
    {"INSERT INTO article_media(article_id, media_id, position)" UNNEST_LINK}, "iii", 1, NULL};
static const nz__pg_bulk bulk_revision_add = {
    {"INSERT INTO revisions(article_id, revision, snapshot, note, created_at, user_id) "
     "SELECT * FROM unnest($1::int8[], $2::int8[], $3::text[], $4::text[], $5::int8[], "
     "$6::int8[])"},
    "iittii",
    1,
    NULL};

nz_rc nz__pg_article_link(nz__pg *h, const nz__pg_sql *q, int64_t id, int64_t other, size_t pos,
			  const char *what, nz_err *err)
{
	nz__pg_params p = {0};
	nz__pg_int64(&p, id);
	nz__pg_int64(&p, other);
	nz__pg_int64(&p, (int64_t)pos);
	const nz__pg_bulk *bulk = q == &nz__pg_q_author_link  ? &bulk_author_link
				  : q == &nz__pg_q_tag_link   ? &bulk_tag_link
				  : q == &nz__pg_q_media_link ? &bulk_media_link
							      : NULL;
	return bulk ? nz__pg_run_rows(h, q, bulk, &p, what, err) : nz__pg_run(h, q, &p, what, err);
}

void nz__pg_article_place(nz__pg_params *p, const nz_article *a)
{
	nz__pg_text(p, a->slug);
	nz__pg_text(p, a->language);
	nz__pg_opt_int(p, a->section ? a->section->id : 0);
}

void nz__pg_article_content(nz__pg_params *p, const nz_article *a, const char *highlights)
{
	nz__pg_text(p, a->headline);
	nz__pg_text(p, a->highlights_intro);
	nz__pg_text(p, highlights);
	nz__pg_text(p, a->dateline);
	nz__pg_text(p, a->body_markdown ? a->body_markdown : "");
	nz__pg_text(p, a->copyright);
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
	nz__pg_focal(&p, m);
	nz__pg_text(&p, m->filename);
	nz_rc rc;
	int64_t id = 0;
	if (nz__pg_pipe_on(h)) { /* a batch: deferred, with an id reserved ahead */
		if (!(rc = nz__pg_pipe_new_id(h, NZ__PG_SEQ_MEDIA, &id, err))) {
			nz__pg_int64(&p, id);
			if (!(rc = nz__pg_run_rows(h, &q_media_insert_id, &bulk_media_insert_id, &p,
						   what, err)))
				m->id = id;
		}
		return rc;
	}
	rc = nz__pg_one_int(h, &q_media_insert, &p, &m->id, what, err);
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
	rc = nz__pg_run_rows(h, &q_revision_add, &bulk_revision_add, &p, "revision", err);
	free(snapshot);
	return rc;
}
