/*
 * articles.c: the PostgreSQL backend's articles: storing a new article with everything hanging
 * off it (and its search row), and loading one back. Matches sqlite/articles.c.
 *
 * Rules: a create runs in one nested transaction; on any failure it rolls back to where it
 * began and gives the caller's struct back its ids, so neither the database nor the article
 * claim rows that do not exist. Loading copies everything into the caller's arena, from one
 * snapshot.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/postgres/postgres_int.h"

static const nz__pg_sql q_slug_taken = {
    "SELECT (EXISTS(SELECT 1 FROM articles WHERE slug = $1) "
    "OR EXISTS(SELECT 1 FROM slug_redirects WHERE old_slug = $1))::int"};
static const nz__pg_sql q_insert = {
    "INSERT INTO articles(uuid, slug, language, section_id, status, headline, "
    "highlights_intro, highlights, dateline, body_markdown, copyright, embargo_until, "
    "publish_at, published_at, updated_at, created_at, translation_group, revision, "
    "created_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, "
    "$16, $17, $18, $19) RETURNING id"};
/* The same with the id given (a batch's, reserved ahead: nz__pg_pipe_new_id), answered by nobody.
 */
static const nz__pg_sql q_insert_id = {
    "INSERT INTO articles(uuid, slug, language, section_id, status, headline, "
    "highlights_intro, highlights, dateline, body_markdown, copyright, embargo_until, "
    "publish_at, published_at, updated_at, created_at, translation_group, revision, "
    "created_by, id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, "
    "$16, $17, $18, $19, $20)"};
/* The same many rows at a time, for an optimistic batch (bulk.c); every table that references
 * an article names "article" (article_id) or "related" (related_id). */
static const nz__pg_bulk bulk_insert_id = {
    {"INSERT INTO articles(uuid, slug, language, section_id, status, headline, "
     "highlights_intro, highlights, dateline, body_markdown, copyright, embargo_until, "
     "publish_at, published_at, updated_at, created_at, translation_group, revision, "
     "created_by, id) SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::int8[], "
     "$5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[], $11::text[], "
     "$12::int8[], $13::int8[], $14::int8[], $15::int8[], $16::int8[], $17::int8[], "
     "$18::int8[], $19::int8[], $20::int8[])"},
    "tttitttttttiiiiiiiii",
    0,
    "article related"};
static const nz__pg_sql q_note_add = {
    "INSERT INTO import_notes(article_id, position, text) VALUES ($1, $2, $3)"};
/* An article's reads, by id ($1 an int8) or by slug ($1 the slug): the same columns either way,
 * sent together (nz__pg_reads), so loading one is one round trip. */
#define ROW_COLS                                                                                   \
	"SELECT a.id, a.uuid, a.slug, a.language, a.status, a.headline, a.highlights_intro, "      \
	"a.highlights, a.dateline, a.body_markdown, a.copyright, a.embargo_until, "                \
	"a.publish_at, a.published_at, a.updated_at, a.created_at, a.translation_group, "          \
	"a.revision, s.id, s.slug, s.name, s.position, a.created_by, a.listed_at "                 \
	"FROM articles a LEFT JOIN sections s ON s.id = a.section_id "
#define AUTHORS                                                                                    \
	"SELECT au.id, au.slug, au.display_name, au.family_name, au.given_name, au.name_order, "   \
	"au.email, au.bio, ap.profile FROM article_authors aa JOIN authors au ON "                 \
	"au.id = aa.author_id LEFT JOIN author_profiles ap ON ap.author_id = au.id "               \
	"WHERE aa.article_id = "
#define TAGS                                                                                       \
	"SELECT t.id, t.slug, t.name, tp.profile FROM article_tags at "                            \
	"JOIN tags t ON t.id = at.tag_id LEFT JOIN tag_profiles tp ON tp.tag_id = t.id "           \
	"WHERE at.article_id = "
#define MEDIA                                                                                      \
	"SELECT m.id, m.hash, m.mime, m.caption, m.credit, m.alt, m.width, m.height, m.focal_x, "  \
	"m.focal_y, m.filename FROM article_media am JOIN media m ON m.id = am.media_id "          \
	"WHERE am.article_id = "
#define CORRECTIONS "SELECT id, created_at, text FROM corrections WHERE article_id = "
#define NOTES "SELECT text FROM import_notes WHERE article_id = "
#define BY_SLUG "(SELECT id FROM articles WHERE slug = $1)"
enum { PART_ROW, PART_AUTHORS, PART_TAGS, PART_MEDIA, PART_CORRECTIONS, PART_NOTES, PARTS };
static const nz__pg_sql q_by_id[PARTS] = {{ROW_COLS "WHERE a.id = $1"},
					  {AUTHORS "$1 ORDER BY aa.position"},
					  {TAGS "$1 ORDER BY at.position, t.id"},
					  {MEDIA "$1 ORDER BY am.position"},
					  {CORRECTIONS "$1 ORDER BY created_at, id"},
					  {NOTES "$1 ORDER BY position"}};
static const nz__pg_sql q_by_slug[PARTS] = {{ROW_COLS "WHERE a.slug = $1"},
					    {AUTHORS BY_SLUG " ORDER BY aa.position"},
					    {TAGS BY_SLUG " ORDER BY at.position, t.id"},
					    {MEDIA BY_SLUG " ORDER BY am.position"},
					    {CORRECTIONS BY_SLUG " ORDER BY created_at, id"},
					    {NOTES BY_SLUG " ORDER BY position"}};

/* ---- unique slugs ------------------------------------------------------------------------ */

static nz_rc slug_taken(void *ctx, const char *slug, bool *taken, nz_err *err)
{
	nz__pg *h = ctx;
	nz__pg_params p = {0};
	int64_t v = 0;
	if (nz__pg_pipe_on(h) && nz__pg_pipe_slug(h, slug, taken))
		return NZ_OK; /* a batch's, looked up with the others */
	nz__pg_text(&p, slug);
	nz_rc rc = nz__pg_one_int(h, &q_slug_taken, &p, &v, "article slug", err);
	*taken = v != 0;
	return rc;
}

/* ---- create ------------------------------------------------------------------------------ */

static nz_rc insert_row(nz__pg *h, nz_article *a, nz_err *err)
{
	nz__pg_params p = {0};
	char *highlights = NULL;
	int64_t id = 0;
	nz_rc rc;

	if ((rc = nz__store_json_strings(a->highlights, a->n_highlights, &highlights, err)))
		return rc;
	nz__pg_text(&p, a->uuid);
	nz__pg_article_place(&p, a);
	nz__pg_text(&p, nz_status_name(a->status));
	nz__pg_article_content(&p, a, highlights);
	nz__pg_opt_int(&p, a->embargo_until);
	nz__pg_opt_int(&p, a->publish_at);
	nz__pg_opt_int(&p, a->published_at);
	nz__pg_int64(&p, a->updated_at);
	nz__pg_int64(&p, a->created_at);
	nz__pg_opt_int(&p, a->translation_group);
	nz__pg_int64(&p, 1);
	nz__pg_opt_int(&p, a->created_by);
	if (nz__pg_pipe_on(h)) { /* a batch: the insert is deferred, its id known already */
		if (!(rc = nz__pg_pipe_new_id(h, NZ__PG_SEQ_ARTICLES, &id, err))) {
			nz__pg_int64(&p, id);
			rc = nz__pg_run_rows(h, &q_insert_id, &bulk_insert_id, &p, "article", err);
		}
	} else {
		rc = nz__pg_one_int(h, &q_insert, &p, &id, "article", err);
	}
	if (rc == NZ_EXISTS)
		nz_err_set(err, rc, "article: uuid %s is already stored", a->uuid);
	else if (rc == NZ_NOTFOUND)
		rc = nz_err_set(err, NZ_DB, "article: the insert returned no id");
	if (!rc)
		a->id = id;
	free(highlights);
	return rc;
}

static nz_rc insert_media(nz__pg *h, nz_article *a, nz_time now, nz_err *err)
{
	nz_rc rc = NZ_OK;

	for (size_t i = 0; !rc && i < a->n_media; i++) {
		nz_media *m = &a->media[i];
		char what[32];
		snprintf(what, sizeof(what), "media[%zu]", i);
		/* A media row stored before (an upload) is linked, not copied. */
		if (!m->id && (rc = nz__pg_article_media_insert(h, m, now, what, err)))
			break;
		rc = nz__pg_article_link(h, &nz__pg_q_media_link, a->id, m->id, i, what, err);
	}
	return rc;
}

static nz_rc insert_notes(nz__pg *h, const nz_article *a, nz_err *err)
{
	nz_rc rc = NZ_OK;

	for (size_t i = 0; !rc && i < a->n_import_notes; i++) {
		nz__pg_params p = {0};
		nz__pg_int64(&p, a->id);
		nz__pg_int64(&p, (int64_t)i);
		nz__pg_text(&p, a->import_notes[i] ? a->import_notes[i] : "");
		rc = nz__pg_run(h, &q_note_add, &p, "import note", err);
	}
	return rc;
}

/* Everything a create writes, in order; runs inside the create's transaction. */
static nz_rc create_rows(nz_store *s, nz_arena *arena, int64_t actor, nz_article *a,
			 const char *note, nz_err *err)
{
	nz__pg *h = nz__pg_h(s);
	nz_time now = nz_time_now();
	nz_rc rc;

	if ((rc = nz__pg_article_catalog(h, a, err)) ||
	    (rc = nz__store_unique_slug(arena, a, slug_taken, h, err)) ||
	    (rc = insert_row(h, a, err)))
		return rc;
	nz__pg_pipe_slug_taken(h, a->slug);
	for (size_t i = 0; i < a->n_authors; i++) {
		rc = nz__pg_article_link(h, &nz__pg_q_author_link, a->id, a->authors[i].id, i,
					 "article author", err);
		if (rc == NZ_EXISTS)
			return nz_err_set(err, NZ_INVAL, "authors[%zu]: %s is listed twice", i,
					  a->authors[i].slug);
		if (rc)
			return rc;
	}
	for (size_t i = 0; i < a->n_tags; i++)
		if ((rc = nz__pg_article_link(h, &nz__pg_q_tag_link, a->id, a->tags[i].id, i,
					      "article tag", err)))
			return rc;
	if ((rc = insert_media(h, a, now, err)) || (rc = insert_notes(h, a, err)))
		return rc;
	a->revision = 1;
	if ((rc = nz__pg_article_revision(h, a, actor, note, now, err))) /* revision 1 */
		return rc;
	return nz__pg_search_write_article(h, a, err); /* from a: what was just written */
}

nz_rc nz__pg_article_create(nz_store *s, nz_arena *arena, int64_t actor, bool audited,
			    nz_article *a, const char *note, nz_err *err)
{
	return nz__store_article_create_tx(s, arena, actor, audited, a, note, create_rows, err);
}

/* ---- loading ----------------------------------------------------------------------------- */

static nz_rc row_section(nz_arena *arena, const PGresult *res, nz_article *a)
{
	if (nz__pg_col_null(res, 0, 18))
		return NZ_OK;
	nz_section *sec = nz_arena_zalloc(arena, sizeof(*sec));
	if (!sec || nz__pg_col_text(arena, res, 0, 19, &sec->slug) ||
	    nz__pg_col_text(arena, res, 0, 20, &sec->name))
		return NZ_NOMEM;
	sec->id = nz__pg_col_int(res, 0, 18);
	sec->position = (int)nz__pg_col_int(res, 0, 21);
	a->section = sec;
	return NZ_OK;
}

/* The articles row (with its section) of res into a; NZ_NOTFOUND (err untouched) without one. */
static nz_rc load_row(nz_arena *arena, const PGresult *res, nz_article *a, nz_err *err)
{
	const char *uuid = NULL, *status = NULL, *highlights = NULL;

	if (PQntuples(res) < 1)
		return NZ_NOTFOUND;
	a->id = nz__pg_col_int(res, 0, 0);
	a->embargo_until = nz__pg_col_int(res, 0, 11);
	a->publish_at = nz__pg_col_int(res, 0, 12);
	a->published_at = nz__pg_col_int(res, 0, 13);
	a->updated_at = nz__pg_col_int(res, 0, 14);
	a->created_at = nz__pg_col_int(res, 0, 15);
	a->translation_group = nz__pg_col_int(res, 0, 16);
	a->revision = nz__pg_col_int(res, 0, 17);
	a->created_by = nz__pg_col_int(res, 0, 22);
	a->listed_at = nz__pg_col_int(res, 0, 23);
	if (nz__pg_col_text(arena, res, 0, 1, &uuid) ||
	    nz__pg_col_text(arena, res, 0, 2, &a->slug) ||
	    nz__pg_col_text(arena, res, 0, 3, &a->language) ||
	    nz__pg_col_text(arena, res, 0, 4, &status) ||
	    nz__pg_col_text(arena, res, 0, 5, &a->headline) ||
	    nz__pg_col_text(arena, res, 0, 6, &a->highlights_intro) ||
	    nz__pg_col_text(arena, res, 0, 7, &highlights) ||
	    nz__pg_col_text(arena, res, 0, 8, &a->dateline) ||
	    nz__pg_col_text(arena, res, 0, 9, &a->body_markdown) ||
	    nz__pg_col_text(arena, res, 0, 10, &a->copyright) || row_section(arena, res, a))
		return nz_err_set(err, NZ_NOMEM, "article: out of memory");
	snprintf(a->uuid, sizeof(a->uuid), "%s", uuid ? uuid : "");
	if (status && nz_status_parse(nz_str_c(status), &a->status) != NZ_OK)
		return nz_err_set(err, NZ_DB, "article %lld: unknown status %s", (long long)a->id,
				  status);
	return nz__store_json_strings_parse(arena, highlights, &a->highlights, &a->n_highlights,
					    err);
}

static nz_rc author_item(nz_arena *arena, const PGresult *res, int r, void *item)
{
	return nz__pg_author_row(arena, res, r, 0, item);
}

static nz_rc tag_item(nz_arena *arena, const PGresult *res, int r, void *item)
{
	return nz__pg_tag_row(arena, res, r, item);
}

static nz_rc correction_item(nz_arena *arena, const PGresult *res, int r, void *item)
{
	nz_correction *c = item;
	c->id = nz__pg_col_int(res, r, 0);
	c->created_at = nz__pg_col_int(res, r, 1);
	return nz__pg_col_text(arena, res, r, 2, &c->text);
}

static nz_rc note_item(nz_arena *arena, const PGresult *res, int r, void *item)
{
	return nz__pg_col_text(arena, res, r, 0, item);
}

/* Loads the article whose id or slug p holds with q's reads (q_by_id or q_by_slug), in one
 * round trip; NZ_NOTFOUND (err untouched) when there is none. */
static nz_rc load(nz__pg *h, nz_arena *arena, const nz__pg_sql *q, const nz__pg_params *p,
		  nz_article *a, nz_err *err)
{
	nz__pg_read r[PARTS];
	nz_rc rc;

	memset(a, 0, sizeof(*a));
	for (int i = 0; i < PARTS; i++)
		r[i] = (nz__pg_read){&q[i], p, "article", NULL};
	if ((rc = nz__pg_reads(h, r, PARTS, err)))
		return rc;
	if (!(rc = load_row(arena, r[PART_ROW].res, a, err)) &&
	    !(rc =
		  nz__pg_collect_res(r[PART_AUTHORS].res, "article", sizeof(nz_author), author_item,
				     arena, (void **)&a->authors, &a->n_authors, err)) &&
	    !(rc = nz__pg_collect_res(r[PART_TAGS].res, "article", sizeof(nz_tag), tag_item, arena,
				      (void **)&a->tags, &a->n_tags, err)) &&
	    !(rc = nz__pg_collect_res(r[PART_MEDIA].res, "article", sizeof(nz_media),
				      nz__pg_media_row, arena, (void **)&a->media, &a->n_media,
				      err)) &&
	    !(rc = nz__pg_collect_res(r[PART_CORRECTIONS].res, "article", sizeof(nz_correction),
				      correction_item, arena, (void **)&a->corrections,
				      &a->n_corrections, err)))
		rc = nz__pg_collect_res(r[PART_NOTES].res, "article", sizeof(const char *),
					note_item, arena, (void **)&a->import_notes,
					&a->n_import_notes, err);
	nz__pg_reads_clear(r, PARTS);
	return rc;
}

nz_rc nz__pg_article_load(nz__pg *h, nz_arena *arena, int64_t id, nz_article *a, nz_err *err)
{
	nz__pg_params p = {0};
	nz__pg_int64(&p, id);
	nz_rc rc = load(h, arena, q_by_id, &p, a, err);
	if (rc == NZ_NOTFOUND)
		return nz_err_set(err, rc, "article %lld: not found", (long long)id);
	return rc;
}

nz_rc nz__pg_article_by_id(nz_store *s, nz_arena *arena, int64_t id, nz_article **out, nz_err *err)
{
	nz_article *a = nz_arena_alloc(arena, sizeof(*a));
	nz_rc rc;

	*out = NULL;
	if (!a)
		return nz_err_set(err, NZ_NOMEM, "article: out of memory");
	if (!(rc = nz__pg_article_load(nz__pg_h(s), arena, id, a, err)))
		*out = a;
	return rc;
}

nz_rc nz__pg_article_by_slug(nz_store *s, nz_arena *arena, const char *slug, nz_article **out,
			     nz_err *err)
{
	nz__pg_params p = {0};
	nz_article *a = nz_arena_alloc(arena, sizeof(*a));
	nz_rc rc;

	*out = NULL;
	if (!a)
		return nz_err_set(err, NZ_NOMEM, "article: out of memory");
	nz__pg_text(&p, slug);
	rc = load(nz__pg_h(s), arena, q_by_slug, &p, a, err);
	if (rc == NZ_NOTFOUND)
		return nz_err_set(err, rc, "article %.80s: not found", slug);
	if (!rc)
		*out = a;
	return rc;
}
