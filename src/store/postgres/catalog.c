/*
 * catalog.c: the PostgreSQL backend's sections, authors and tags, and the row-collecting helper
 * the other aggregates share (nz__pg_collect). The statements are SQLite's (sqlite/queries.h)
 * with $n parameters, so rows, orders and messages are the same on both backends.
 *
 * Rules: each writer runs in its own nested transaction (nz__pg_begin/end), so it joins a
 * caller's transaction when there is one, and a refused write (a slug taken) rolls back only
 * its own savepoint; an article's writers ensure its section, authors and tags in their own
 * transaction instead (nz__pg_article_catalog: upserts, and a failure fails the whole write);
 * results are copied into the caller's arena.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/postgres/postgres_int.h"

#define AUTHOR_COLS                                                                                \
	"au.id, au.slug, au.display_name, au.family_name, au.given_name, au.name_order, "          \
	"au.email, au.bio, ap.profile"
#define AUTHOR_PROFILE " LEFT JOIN author_profiles ap ON ap.author_id = au.id"

static const nz__pg_sql q_section_ensure = {
    "INSERT INTO sections(slug, name, position) VALUES ($1, $2, $3) "
    "ON CONFLICT(slug) DO UPDATE SET slug = excluded.slug RETURNING id"};
static const nz__pg_sql q_section_get = {
    "SELECT id, slug, name, position, names FROM sections WHERE slug = $1"};
const nz__pg_sql nz__pg_q_section_list = {
    "SELECT id, slug, name, position, names FROM sections ORDER BY position, name"};
static const nz__pg_sql q_author_ensure = {
    "INSERT INTO authors(slug, display_name, family_name, given_name, name_order, email, bio) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT(slug) DO UPDATE SET "
    "name_order = CASE WHEN authors.family_name IS NULL AND authors.given_name IS NULL "
    "THEN excluded.name_order ELSE authors.name_order END, "
    "family_name = COALESCE(authors.family_name, excluded.family_name), "
    "given_name = COALESCE(authors.given_name, excluded.given_name), "
    "email = COALESCE(authors.email, excluded.email), "
    "bio = COALESCE(authors.bio, excluded.bio) RETURNING id"};
static const nz__pg_sql q_author_get = {"SELECT " AUTHOR_COLS " FROM authors au" AUTHOR_PROFILE
					" WHERE au.slug = $1"};
static const nz__pg_sql q_author_list = {"SELECT " AUTHOR_COLS " FROM authors au" AUTHOR_PROFILE
					 " ORDER BY au.display_name, au.id"};
static const nz__pg_sql q_tag_ensure = {
    "INSERT INTO tags(slug, name) VALUES ($1, $2) "
    "ON CONFLICT(slug) DO UPDATE SET slug = excluded.slug RETURNING id"};
static const nz__pg_sql q_tag_get = {"SELECT t.id, t.slug, t.name, tp.profile FROM tags t"
				     " LEFT JOIN tag_profiles tp ON tp.tag_id = t.id"
				     " WHERE t.slug = $1"};
static const nz__pg_sql q_tag_list = {"SELECT t.id, t.slug, t.name, tp.profile FROM tags t"
				      " LEFT JOIN tag_profiles tp ON tp.tag_id = t.id"
				      " ORDER BY t.slug"};
static const nz__pg_sql q_section_insert = {
    "INSERT INTO sections(slug, name, position, names) VALUES ($1, $2, $3, $4) RETURNING id"};
static const nz__pg_sql q_section_update = {
    "UPDATE sections SET slug = $2, name = $3, position = $4, names = $5 WHERE id = $1 "
    "RETURNING id"};

static const char *const name_orders[] = {"western", "eastern", "hangul"};

/* ---- collecting rows ---------------------------------------------------------------------- */

nz_rc nz__pg_collect_res(const PGresult *res, const char *what, size_t size, nz__pg_row_fn fill,
			 nz_arena *arena, void **out, size_t *n, nz_err *err)
{
	size_t count = (size_t)PQntuples(res);
	char *items = NULL;

	*out = NULL;
	*n = 0;
	if (count && !(items = nz_arena_zalloc(arena, count * size)))
		return nz_err_set(err, NZ_NOMEM, "%s: out of memory", what);
	for (size_t r = 0; r < count; r++)
		if (fill(arena, res, (int)r, items + r * size))
			return nz_err_set(err, NZ_NOMEM, "%s: out of memory", what);
	*out = items;
	*n = count;
	return NZ_OK;
}

nz_rc nz__pg_collect(nz__pg *h, const nz__pg_sql *q, const nz__pg_params *p, const char *what,
		     size_t size, nz__pg_row_fn fill, nz_arena *arena, void **out, size_t *n,
		     nz_err *err)
{
	PGresult *res;
	nz_rc rc;

	*out = NULL;
	*n = 0;
	if ((rc = nz__pg_query(h, q, p, &res, what, err)))
		return rc;
	rc = nz__pg_collect_res(res, what, size, fill, arena, out, n, err);
	PQclear(res);
	return rc;
}

/* ---- sections, authors, tags ------------------------------------------------------------- */

/* Runs an INSERT ... RETURNING id, in its own nested transaction when own_tx (else in the
 * caller's, which rolls back as a whole on failure: two round trips fewer). */
static nz_rc insert_returning(nz__pg *h, const nz__pg_sql *q, const nz__pg_params *p,
			      const char *what, bool own_tx, int64_t *id, nz_err *err)
{
	nz_rc rc = own_tx ? nz__pg_begin(h, err) : NZ_OK;
	if (rc)
		return rc;
	rc = nz__pg_one_int(h, q, p, id, what, err);
	if (rc == NZ_NOTFOUND)
		rc = nz_err_set(err, NZ_DB, "%s: the insert returned no id", what);
	return own_tx ? nz__pg_end(h, rc, err) : rc;
}

static nz_rc section_ensure(nz__pg *h, nz_section *sec, bool own_tx, nz_err *err)
{
	nz__pg_params p = {0};
	int64_t id = 0;
	nz_rc rc;

	if (!sec || !sec->slug || !*sec->slug)
		return nz_err_set(err, NZ_INVAL, "section: no slug");
	nz__pg_text(&p, sec->slug);
	nz__pg_text(&p, sec->name ? sec->name : sec->slug);
	nz__pg_int64(&p, sec->position);
	if (!(rc = insert_returning(h, &q_section_ensure, &p, "section", own_tx, &id, err)))
		sec->id = id;
	return rc;
}

nz_rc nz__pg_section_ensure(nz_store *s, nz_section *sec, nz_err *err)
{
	return section_ensure(nz__pg_h(s), sec, true, err);
}

static nz_rc author_ensure(nz__pg *h, nz_author *au, bool own_tx, nz_err *err)
{
	nz__pg_params p = {0};
	int64_t id = 0;
	nz_rc rc;

	if (!au || !au->slug || !*au->slug)
		return nz_err_set(err, NZ_INVAL, "author: no slug");
	const char *order = (unsigned)au->order < 3 ? name_orders[au->order] : name_orders[0];
	nz__pg_text(&p, au->slug);
	nz__pg_text(&p, au->display_name ? au->display_name : au->slug);
	nz__pg_text(&p, au->family_name);
	nz__pg_text(&p, au->given_name);
	nz__pg_text(&p, order);
	nz__pg_text(&p, au->email);
	nz__pg_text(&p, au->bio);
	if (!(rc = insert_returning(h, &q_author_ensure, &p, "author", own_tx, &id, err)))
		au->id = id;
	return rc;
}

nz_rc nz__pg_author_ensure(nz_store *s, nz_author *au, nz_err *err)
{
	return author_ensure(nz__pg_h(s), au, true, err);
}

static nz_rc tag_ensure(nz__pg *h, nz_tag *tag, bool own_tx, nz_err *err)
{
	nz__pg_params p = {0};
	int64_t id = 0;
	nz_rc rc;

	if (!tag || !tag->slug || !*tag->slug)
		return nz_err_set(err, NZ_INVAL, "tag: no slug");
	nz__pg_text(&p, tag->slug);
	nz__pg_text(&p, tag->name ? tag->name : tag->slug);
	if (!(rc = insert_returning(h, &q_tag_ensure, &p, "tag", own_tx, &id, err)))
		tag->id = id;
	return rc;
}

nz_rc nz__pg_tag_ensure(nz_store *s, nz_tag *tag, nz_err *err)
{
	return tag_ensure(nz__pg_h(s), tag, true, err);
}

/* During a batch (pipe.c), the key under which an ensure's id is remembered: everything the
 * upsert writes, so that a second ensure with the same key would change nothing; NULL when
 * there is no batch, or out of memory (then the ensure simply runs). */
static char *batch_key(nz__pg *h, char kind, const char *slug, const nz_author *au)
{
	char *key = NULL;
	if (!nz__pg_pipe_on(h) || !slug)
		return NULL;
	if (!au)
		return asprintf(&key, "%c\x1f%s", kind, slug) < 0 ? NULL : key;
#define F(x) ((x) ? (x) : "\x1e")
	if (asprintf(&key, "a\x1f%s\x1f%s\x1f%s\x1f%s\x1f%d\x1f%s\x1f%s", slug, F(au->display_name),
		     F(au->family_name), F(au->given_name), (int)au->order, F(au->email),
		     F(au->bio)) < 0)
		return NULL;
#undef F
	return key;
}

/* One ensure of an article's catalog, skipped when the batch ensured the same already. */
static nz_rc ensure_once(nz__pg *h, char *key, int64_t *id,
			 nz_rc (*ensure)(nz__pg *, void *, nz_err *), void *row, nz_err *err)
{
	nz_rc rc = NZ_OK;
	if (!key || !nz__pg_pipe_id(h, key, id)) {
		rc = ensure(h, row, err);
		if (!rc && key)
			nz__pg_pipe_remember(h, key, *id);
	}
	free(key);
	return rc;
}

static nz_rc ensure_section(nz__pg *h, void *row, nz_err *err)
{
	return section_ensure(h, row, false, err);
}

static nz_rc ensure_author(nz__pg *h, void *row, nz_err *err)
{
	return author_ensure(h, row, false, err);
}

static nz_rc ensure_tag(nz__pg *h, void *row, nz_err *err)
{
	return tag_ensure(h, row, false, err);
}

nz_rc nz__pg_article_catalog(nz__pg *h, nz_article *a, nz_err *err)
{
	nz_section *sec = a->section;
	nz_rc rc = sec ? ensure_once(h, batch_key(h, 's', sec->slug, NULL), &sec->id,
				     ensure_section, sec, err)
		       : NZ_OK;
	for (size_t i = 0; !rc && i < a->n_authors; i++) {
		nz_author *au = &a->authors[i];
		rc = ensure_once(h, batch_key(h, 'a', au->slug, au), &au->id, ensure_author, au,
				 err);
	}
	for (size_t i = 0; !rc && i < a->n_tags; i++) {
		nz_tag *t = &a->tags[i];
		rc = ensure_once(h, batch_key(h, 't', t->slug, NULL), &t->id, ensure_tag, t, err);
	}
	return rc;
}

static const nz__pg_sql q_catalog_known = {
    "SELECT 's', slug, id FROM sections WHERE slug = ANY($1::text[]) "
    "UNION ALL SELECT 't', slug, id FROM tags WHERE slug = ANY($2::text[])"};

static const nz__pg_sql q_authors_known = {
    "SELECT slug, id, family_name, given_name, name_order, email, bio FROM authors "
    "WHERE slug = ANY($1::text[])"};

/* The slugs of the articles' sections (which 's'), tags ('t') or authors ('a'), as an array
 * literal. */
static char *catalog_slugs(nz_arena *arena, nz_article *const *articles, size_t n, char which)
{
	size_t total = 0, k = 0;
	for (size_t i = 0; i < n; i++)
		total += which == 's'   ? 1
			 : which == 't' ? articles[i]->n_tags
					: articles[i]->n_authors;
	const char **slugs = nz_arena_alloc(arena, (total + 1) * sizeof(*slugs));
	if (!slugs)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		const nz_article *a = articles[i];
		if (which == 's' && a->section && a->section->slug)
			slugs[k++] = a->section->slug;
		for (size_t t = 0; which == 't' && t < a->n_tags; t++)
			if (a->tags[t].slug)
				slugs[k++] = a->tags[t].slug;
		for (size_t t = 0; which == 'a' && t < a->n_authors; t++)
			if (a->authors[t].slug)
				slugs[k++] = a->authors[t].slug;
	}
	return nz__pg_array_literal(slugs, k);
}

/* Whether au's upsert would leave stored row r of res as it is (it only fills what is empty). */
static bool author_unchanged(const nz_author *au, const PGresult *res, int r)
{
	const char *order = (unsigned)au->order < 3 ? name_orders[au->order] : name_orders[0];
	bool no_names = PQgetisnull(res, r, 2) && PQgetisnull(res, r, 3);
	if (no_names && strcmp(PQgetvalue(res, r, 4), order) != 0)
		return false;
	return (!PQgetisnull(res, r, 2) || !au->family_name) &&
	       (!PQgetisnull(res, r, 3) || !au->given_name) &&
	       (!PQgetisnull(res, r, 5) || !au->email) && (!PQgetisnull(res, r, 6) || !au->bio);
}

/* The stored authors the articles name whose upserts would change nothing, remembered. */
static nz_rc authors_preload(nz__pg *h, nz_arena *arena, nz_article *const *articles, size_t n,
			     nz_err *err)
{
	nz__pg_params p = {0};
	PGresult *res = NULL;
	char *slugs = catalog_slugs(arena, articles, n, 'a');
	if (!slugs)
		return nz_err_set(err, NZ_NOMEM, "database: out of memory");
	nz__pg_text(&p, slugs);
	nz_rc rc = nz__pg_query(h, &q_authors_known, &p, &res, "authors", err);
	free(slugs);
	for (int r = 0; !rc && r < PQntuples(res); r++)
		for (size_t i = 0; i < n; i++)
			for (size_t k = 0; k < articles[i]->n_authors; k++) {
				const nz_author *au = &articles[i]->authors[k];
				if (!au->slug || strcmp(au->slug, PQgetvalue(res, r, 0)) != 0 ||
				    !author_unchanged(au, res, r))
					continue;
				int64_t id;
				char *key = batch_key(h, 'a', au->slug, au);
				if (key && !nz__pg_pipe_id(h, key, &id))
					nz__pg_pipe_remember(h, key, nz__pg_col_int(res, r, 1));
				free(key);
			}
	PQclear(res);
	return rc;
}

nz_rc nz__pg_catalog_preload(nz__pg *h, nz_arena *arena, nz_article *const *articles, size_t n,
			     nz_err *err)
{
	nz__pg_params p = {0};
	PGresult *res = NULL;
	nz_rc rc = NZ_OK;
	char *sections = catalog_slugs(arena, articles, n, 's');
	char *tags = catalog_slugs(arena, articles, n, 't');
	if (!sections || !tags) {
		rc = nz_err_set(err, NZ_NOMEM, "database: out of memory");
		goto out;
	}
	nz__pg_text(&p, sections);
	nz__pg_text(&p, tags);
	if ((rc = nz__pg_query(h, &q_catalog_known, &p, &res, "catalog", err)))
		goto out;
	for (int r = 0; r < PQntuples(res); r++) {
		char *key = batch_key(h, *PQgetvalue(res, r, 0), PQgetvalue(res, r, 1), NULL);
		if (key)
			nz__pg_pipe_remember(h, key, nz__pg_col_int(res, r, 2));
		free(key);
	}
	rc = authors_preload(h, arena, articles, n, err);
out:
	PQclear(res);
	free(sections);
	free(tags);
	return rc;
}

nz_rc nz__pg_section_row(nz_arena *arena, const PGresult *res, int r, void *item)
{
	nz_section *sec = item;
	sec->id = nz__pg_col_int(res, r, 0);
	sec->position = (int)nz__pg_col_int(res, r, 3);
	if (nz__pg_col_text(arena, res, r, 1, &sec->slug) ||
	    nz__pg_col_text(arena, res, r, 2, &sec->name) ||
	    nz__pg_col_text(arena, res, r, 4, &sec->names))
		return NZ_NOMEM;
	return NZ_OK;
}

nz_rc nz__pg_author_row(nz_arena *arena, const PGresult *res, int r, int col, nz_author *au)
{
	const char *order = nz__pg_col_null(res, r, col + 5) ? NULL : PQgetvalue(res, r, col + 5);

	au->id = nz__pg_col_int(res, r, col);
	au->order = NZ_NAME_WESTERN;
	for (int i = 0; order && i < 3; i++)
		if (strcmp(order, name_orders[i]) == 0)
			au->order = (nz_name_order)i;
	if (nz__pg_col_text(arena, res, r, col + 1, &au->slug) ||
	    nz__pg_col_text(arena, res, r, col + 2, &au->display_name) ||
	    nz__pg_col_text(arena, res, r, col + 3, &au->family_name) ||
	    nz__pg_col_text(arena, res, r, col + 4, &au->given_name) ||
	    nz__pg_col_text(arena, res, r, col + 6, &au->email) ||
	    nz__pg_col_text(arena, res, r, col + 7, &au->bio))
		return NZ_NOMEM;
	return nz__store_author_profile_parse(
	    arena, nz__pg_col_null(res, r, col + 8) ? NULL : PQgetvalue(res, r, col + 8), au);
}

static nz_rc author_row(nz_arena *arena, const PGresult *res, int r, void *item)
{
	return nz__pg_author_row(arena, res, r, 0, item);
}

nz_rc nz__pg_tag_row(nz_arena *arena, const PGresult *res, int r, void *item)
{
	nz_tag *tag = item;
	tag->id = nz__pg_col_int(res, r, 0);
	if (nz__pg_col_text(arena, res, r, 1, &tag->slug) ||
	    nz__pg_col_text(arena, res, r, 2, &tag->name))
		return NZ_NOMEM;
	return nz__store_tag_profile_parse(
	    arena, nz__pg_col_null(res, r, 3) ? NULL : PQgetvalue(res, r, 3), tag);
}

/* Runs a by-slug query and returns its row as an arena item of size bytes in *out; NZ_NOTFOUND
 * (and *out NULL) when there is none. */
static nz_rc get_by_slug(nz__pg *h, const nz__pg_sql *q, const char *slug, const char *what,
			 size_t size, nz__pg_row_fn fill, nz_arena *arena, void **out, nz_err *err)
{
	nz__pg_params p = {0};
	void *items = NULL;
	size_t n = 0;
	nz_rc rc;

	*out = NULL;
	if (!slug)
		return nz_err_set(err, NZ_NOTFOUND, "%s: no slug given", what);
	nz__pg_text(&p, slug);
	if ((rc = nz__pg_collect(h, q, &p, what, size, fill, arena, &items, &n, err)))
		return rc;
	if (n == 0)
		return nz_err_set(err, NZ_NOTFOUND, "%s %.80s: not found", what, slug);
	*out = items;
	return NZ_OK;
}

nz_rc nz__pg_section_get(nz_store *s, nz_arena *arena, const char *slug, nz_section **out,
			 nz_err *err)
{
	return get_by_slug(nz__pg_h(s), &q_section_get, slug, "section", sizeof(nz_section),
			   nz__pg_section_row, arena, (void **)out, err);
}

nz_rc nz__pg_author_get(nz_store *s, nz_arena *arena, const char *slug, nz_author **out,
			nz_err *err)
{
	return get_by_slug(nz__pg_h(s), &q_author_get, slug, "author", sizeof(nz_author),
			   author_row, arena, (void **)out, err);
}

nz_rc nz__pg_tag_get(nz_store *s, nz_arena *arena, const char *slug, nz_tag **out, nz_err *err)
{
	return get_by_slug(nz__pg_h(s), &q_tag_get, slug, "tag", sizeof(nz_tag), nz__pg_tag_row,
			   arena, (void **)out, err);
}

nz_rc nz__pg_section_list(nz_store *s, nz_arena *arena, nz_section **out, size_t *n, nz_err *err)
{
	return nz__pg_collect(nz__pg_h(s), &nz__pg_q_section_list, NULL, "sections",
			      sizeof(nz_section), nz__pg_section_row, arena, (void **)out, n, err);
}

nz_rc nz__pg_tag_list(nz_store *s, nz_arena *arena, nz_tag **out, size_t *n, nz_err *err)
{
	return nz__pg_collect(nz__pg_h(s), &q_tag_list, NULL, "tags", sizeof(nz_tag),
			      nz__pg_tag_row, arena, (void **)out, n, err);
}

nz_rc nz__pg_author_list(nz_store *s, nz_arena *arena, nz_author **out, size_t *n, nz_err *err)
{
	return nz__pg_collect(nz__pg_h(s), &q_author_list, NULL, "authors", sizeof(nz_author),
			      author_row, arena, (void **)out, n, err);
}

/* ---- saving a section from the back office ------------------------------------------------ */

static nz_rc save_section(nz__pg *h, int64_t actor, nz_section *sec, nz_err *err)
{
	nz__pg_params p = {0};
	int64_t id = 0;
	nz_rc rc;

	if (sec->id)
		nz__pg_int64(&p, sec->id);
	nz__pg_text(&p, sec->slug);
	nz__pg_text(&p, sec->name);
	nz__pg_int64(&p, sec->position);
	nz__pg_text(&p, sec->names);
	rc = nz__pg_one_int(h, sec->id ? &q_section_update : &q_section_insert, &p, &id, "section",
			    err);
	if (rc == NZ_NOTFOUND && sec->id)
		return nz_err_set(err, rc, "section %lld: not found", (long long)sec->id);
	if (rc == NZ_EXISTS)
		return nz_err_set(err, rc, "section: the slug %s is taken", sec->slug);
	if (rc)
		return rc;
	sec->id = id;
	return nz__pg_audit(h, actor, "section.saved", "section", sec->id, 0, sec->slug, err);
}

nz_rc nz__pg_section_save(nz_store *s, int64_t actor, nz_section *sec, nz_err *err)
{
	nz__pg *h = nz__pg_h(s);
	int64_t id = sec->id;
	nz_rc rc = nz__pg_begin(h, err);
	if (rc)
		return rc;
	rc = save_section(h, actor, sec, err);
	if ((rc = nz__pg_end(h, rc, err)))
		sec->id = id;
	return rc;
}
