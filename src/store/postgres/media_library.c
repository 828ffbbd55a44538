/*
 * media_library.c: the media library in PostgreSQL: photos found by their texts, use and upload
 * time a page at a time (newest first, by id: keyset pages), the articles that use a photo,
 * edits of a photo's texts and focal point (each kept as a revision), and deletion. The same
 * contract as SQLite's.
 *
 * Rules: an edit, its revision rows and its audit row commit together, as a deletion and its
 * audit row do; a photo that an article or a live update uses
 * is never deleted (the row is locked, counted and deleted in one transaction). The changes an
 * edit makes to the pages that show the photo come from the media table's trigger
 * (schema_feed.c).
 */
#include <stdio.h>
#include <string.h>

#include "store/postgres/postgres_int.h"

/* A library photo: the first row of its bytes (an article's own rows of the same bytes, its
 * variants, are listed under it), with the number of articles that show the bytes through any of
 * their rows, in the body or in a live update. The filters after the text: $2 used (1) / unused
 * (-1) / either (0), counting the variants and live updates alike, $3..$4 the upload times (0:
 * open), $5 the keyset (ids below it: a range of the key), $6 the limit, $7 the uploader (0:
 * anyone). The use tests are two joins, not a test per row of the bytes: PostgreSQL hashes
 * each once (from article_media and live_updates, through the primary key of media) instead of
 * scanning media. */
#define MEDIA_COLS                                                                                 \
	"SELECT id, hash, mime, caption, credit, alt, width, height, focal_x, focal_y, filename, " \
	"created_at, (SELECT count(*) FROM (SELECT am.article_id FROM media o JOIN article_media " \
	"am ON am.media_id = o.id WHERE o.hash = media.hash UNION SELECT lu.article_id FROM "      \
	"media o JOIN live_updates lu ON lu.media_id = o.id WHERE o.hash = media.hash) u) "        \
	"FROM media WHERE hash IS NOT NULL AND NOT EXISTS (SELECT 1 FROM media o "                 \
	"WHERE o.hash = media.hash AND o.id < media.id) "
#define MEDIA_FILTER                                                                               \
	"AND ($2 = 0 OR ($2 = 1) = (EXISTS (SELECT 1 FROM media o JOIN article_media am ON "       \
	"am.media_id = o.id WHERE o.hash = media.hash) OR EXISTS (SELECT 1 FROM media o JOIN "     \
	"live_updates lu ON lu.media_id = o.id WHERE o.hash = media.hash))) "                      \
	"AND ($3 = 0 OR created_at >= $3) AND ($4 = 0 OR created_at < $4) "                        \
	"AND ($7 = 0 OR uploaded_by = $7) AND id < $5 ORDER BY id DESC LIMIT $6"
static const nz__pg_sql q_media_search = {MEDIA_COLS "AND $1::text IS NULL " MEDIA_FILTER};
/* one uploader's photos: the plan reads the index media_uploader (uploaded_by, id) */
static const nz__pg_sql q_media_search_uploader = {
    MEDIA_COLS "AND uploaded_by = $7 AND $1::text IS NULL " MEDIA_FILTER};
/* $1: a tsquery of prefixes over the words index (migration 18); the words may be those of a
 * variant's texts: its photo is found */
static const nz__pg_sql q_media_search_text = {
    MEDIA_COLS "AND hash IN (SELECT t.hash FROM media t WHERE " NZ__PG_MEDIA_WORDS
	       " @@ to_tsquery('simple'::regconfig, $1)) " MEDIA_FILTER};
/* in an article's photos or in one of its live updates */
static const nz__pg_sql q_media_uses = {
    "SELECT a.id, a.uuid, a.slug, a.headline, a.status, a.language FROM articles a "
    "WHERE a.id IN (SELECT article_id FROM article_media WHERE media_id = $1 UNION "
    "SELECT article_id FROM live_updates WHERE media_id = $1) ORDER BY a.id DESC"};
static const nz__pg_sql q_media_update = {
    "UPDATE media SET caption = $2, credit = $3, alt = $4, focal_x = $5, focal_y = $6 "
    "WHERE id = $1 AND hash IS NOT NULL RETURNING id"};
static const nz__pg_sql q_media_rev_first = {
    "INSERT INTO media_revisions(media_id, user_id, created_at, caption, credit, alt, focal_x, "
    "focal_y) SELECT id, NULL, created_at, caption, credit, alt, focal_x, focal_y FROM media "
    "WHERE id = $1 AND hash IS NOT NULL "
    "AND NOT EXISTS (SELECT 1 FROM media_revisions WHERE media_id = $1)"};
/* $1 the photo, $2 who (0: nobody), $3 when: its state, unless the last revision has it */
const nz__pg_sql nz__pg_q_media_rev_add = {
    "INSERT INTO media_revisions(media_id, user_id, created_at, caption, credit, alt, focal_x, "
    "focal_y) SELECT m.id, NULLIF($2::bigint, 0), $3::bigint, m.caption, m.credit, m.alt, "
    "m.focal_x, m.focal_y FROM media m WHERE m.id = $1 AND NOT EXISTS (SELECT 1 FROM "
    "media_revisions r WHERE r.id = (SELECT max(id) FROM media_revisions WHERE media_id = $1) "
    "AND r.caption IS NOT DISTINCT FROM m.caption AND r.credit IS NOT DISTINCT FROM m.credit "
    "AND r.alt IS NOT DISTINCT FROM m.alt AND r.focal_x IS NOT DISTINCT FROM m.focal_x "
    "AND r.focal_y IS NOT DISTINCT FROM m.focal_y)"};
static const nz__pg_sql q_media_revisions = {
    "SELECT r.id, COALESCE(r.user_id, 0), u.login, r.created_at, r.caption, r.credit, r.alt, "
    "r.focal_x, r.focal_y FROM media_revisions r LEFT JOIN users u ON u.id = r.user_id "
    "WHERE r.media_id = $1 ORDER BY r.id DESC LIMIT 200"};
static const nz__pg_sql q_media_lock = {
    "SELECT id FROM media WHERE id = $1 AND hash IS NOT NULL FOR UPDATE"};
static const nz__pg_sql q_media_used = {
    "SELECT (SELECT count(*) FROM article_media WHERE media_id = $1) + "
    "(SELECT count(*) FROM live_updates WHERE media_id = $1)"};
static const nz__pg_sql q_media_delete = {"DELETE FROM media WHERE id = $1"};

void nz__pg_focal(nz__pg_params *p, const nz_media *m)
{
	if (!m->has_focal) {
		nz__pg_null(p);
		nz__pg_null(p);
		return;
	}
	nz__pg_int64(p, m->focal_x);
	nz__pg_int64(p, m->focal_y);
}

static nz_rc entry_row(nz_arena *arena, const PGresult *res, int r, void *item)
{
	nz_media_entry *e = item;
	e->created_at = nz__pg_col_int(res, r, 11);
	e->n_uses = nz__pg_col_int(res, r, 12);
	return nz__pg_media_row(arena, res, r, &e->media);
}

nz_rc nz__pg_media_search(nz_store *s, nz_arena *arena, const nz_media_filter *f,
			  nz_media_entry **out, size_t *n, nz_err *err)
{
	nz__pg_params p = {0};
	const char *query =
	    f->text ? nz__store_media_query(arena, f->text, "", ":* & ", ":*") : NULL;
	if (f->text && !query)
		return nz_err_set(err, NZ_NOMEM, "media: out of memory");
	nz__pg_text(&p, query);
	nz__pg_int64(&p, f->used);
	nz__pg_int64(&p, f->from);
	nz__pg_int64(&p, f->to);
	nz__pg_int64(&p, f->before > 0 ? f->before : INT64_MAX);
	nz__pg_int64(&p, (int64_t)f->limit);
	nz__pg_int64(&p, f->uploader > 0 ? f->uploader : 0);
	const nz__pg_sql *q = query             ? &q_media_search_text
			      : f->uploader > 0 ? &q_media_search_uploader
						: &q_media_search;
	return nz__pg_collect(nz__pg_h(s), q, &p, "media", sizeof(nz_media_entry), entry_row, arena,
			      (void **)out, n, err);
}

static nz_rc use_row(nz_arena *arena, const PGresult *res, int r, void *item)
{
	nz_article *a = item;
	const char *uuid = NULL, *status = NULL;
	a->id = nz__pg_col_int(res, r, 0);
	if (nz__pg_col_text(arena, res, r, 1, &uuid) ||
	    nz__pg_col_text(arena, res, r, 2, &a->slug) ||
	    nz__pg_col_text(arena, res, r, 3, &a->headline) ||
	    nz__pg_col_text(arena, res, r, 4, &status) ||
	    nz__pg_col_text(arena, res, r, 5, &a->language))
		return NZ_NOMEM;
	if (uuid)
		snprintf(a->uuid, sizeof a->uuid, "%s", uuid);
	if (status)
		nz_status_parse(nz_str_c(status), &a->status);
	return NZ_OK;
}

nz_rc nz__pg_media_uses(nz_store *s, nz_arena *arena, int64_t id, nz_article **out, size_t *n,
			nz_err *err)
{
	nz__pg_params p = {0};
	nz__pg_int64(&p, id);
	return nz__pg_collect(nz__pg_h(s), &q_media_uses, &p, "media", sizeof(nz_article), use_row,
			      arena, (void **)out, n, err);
}

/* The photo's state after an edit, unless it is the last revision's. */
static nz_rc add_revision(nz__pg *h, int64_t actor, int64_t id, nz_err *err)
{
	nz__pg_params p = {0};
	nz__pg_int64(&p, id);
	nz__pg_int64(&p, actor);
	nz__pg_int64(&p, nz_time_now());
	return nz__pg_run(h, &nz__pg_q_media_rev_add, &p, "media", err);
}

static nz_rc update_media(nz__pg *h, int64_t actor, const nz_media *m, nz_err *err)
{
	nz__pg_params first = {0}, p = {0};
	int64_t id = 0;
	nz__pg_int64(&first, m->id); /* the state as uploaded, before the first edit */
	nz_rc rc = nz__pg_run(h, &q_media_rev_first, &first, "media", err);
	if (rc)
		return rc;
	nz__pg_int64(&p, m->id);
	nz__pg_text(&p, m->caption);
	nz__pg_text(&p, m->credit);
	nz__pg_text(&p, m->alt);
	nz__pg_focal(&p, m);
	rc = nz__pg_one_int(h, &q_media_update, &p, &id, "media", err);
	if (rc == NZ_NOTFOUND)
		return nz_err_set(err, NZ_NOTFOUND, "media %lld: not found", (long long)m->id);
	if (rc || (rc = add_revision(h, actor, m->id, err)))
		return rc;
	return nz__pg_audit(h, actor, "media.edited", "media", m->id, 0, NULL, err);
}

nz_rc nz__pg_media_update(nz_store *s, int64_t actor, const nz_media *m, nz_err *err)
{
	nz__pg *h = nz__pg_h(s);
	nz_rc rc = nz__pg_begin(h, err);
	return rc ? rc : nz__pg_end(h, update_media(h, actor, m, err), err);
}

static nz_rc delete_media(nz__pg *h, int64_t actor, int64_t id, nz_err *err)
{
	nz__pg_params p = {0};
	int64_t found = 0, uses = 0;
	nz__pg_int64(&p, id);
	nz_rc rc = nz__pg_one_int(h, &q_media_lock, &p, &found, "media", err);
	if (rc == NZ_NOTFOUND)
		return nz_err_set(err, NZ_NOTFOUND, "media %lld: not found", (long long)id);
	if (rc || (rc = nz__pg_one_int(h, &q_media_used, &p, &uses, "media", err)))
		return rc;
	if (uses > 0)
		return nz_err_set(err, NZ_CONFLICT,
				  "media %lld: used %lld time(s) by articles or live updates",
				  (long long)id, (long long)uses);
	if ((rc = nz__pg_run(h, &q_media_delete, &p, "media", err)))
		return rc;
	return nz__pg_audit(h, actor, "media.deleted", "media", id, 0, NULL, err);
}

nz_rc nz__pg_media_delete(nz_store *s, int64_t actor, int64_t id, nz_err *err)
{
	nz__pg *h = nz__pg_h(s);
	nz_rc rc = nz__pg_begin(h, err);
	return rc ? rc : nz__pg_end(h, delete_media(h, actor, id, err), err);
}

static nz_rc revision_row(nz_arena *arena, const PGresult *res, int r, void *item)
{
	nz_media_revision *v = item;
	v->id = nz__pg_col_int(res, r, 0);
	v->user_id = nz__pg_col_int(res, r, 1);
	v->at = nz__pg_col_int(res, r, 3);
	v->has_focal = !nz__pg_col_null(res, r, 7);
	v->focal_x = v->has_focal ? (int)nz__pg_col_int(res, r, 7) : 50;
	v->focal_y = v->has_focal ? (int)nz__pg_col_int(res, r, 8) : 50;
	return nz__pg_col_text(arena, res, r, 2, &v->user_login) ||
		       nz__pg_col_text(arena, res, r, 4, &v->caption) ||
		       nz__pg_col_text(arena, res, r, 5, &v->credit) ||
		       nz__pg_col_text(arena, res, r, 6, &v->alt)
		   ? NZ_NOMEM
		   : NZ_OK;
}

nz_rc nz__pg_media_revisions(nz_store *s, nz_arena *arena, int64_t id, nz_media_revision **out,
			     size_t *n, nz_err *err)
{
	nz__pg_params p = {0};
	nz__pg_int64(&p, id);
	return nz__pg_collect(nz__pg_h(s), &q_media_revisions, &p, "media",
			      sizeof(nz_media_revision), revision_row, arena, (void **)out, n, err);
}
