/*
 * media_index.c: the media library's uploaders, a photo's variants (other rows of its bytes that
 * articles show with their own texts) and its search index in PostgreSQL. The index
 * is the GIN expression index media_words (migration 18): PostgreSQL keeps it with every write
 * of a media row, so a rebuild has nothing to make again; it counts the photos, for the same
 * progress as SQLite's.
 */
#include "store/postgres/postgres_int.h"

static const nz__pg_sql q_uploaders = {
    "SELECT u.id, u.login FROM users u WHERE EXISTS (SELECT 1 FROM media m "
    "WHERE m.uploaded_by = u.id AND m.hash IS NOT NULL AND NOT EXISTS (SELECT 1 FROM media o "
    "WHERE o.hash = m.hash AND o.id < m.id)) ORDER BY u.login"};
static const nz__pg_sql q_count = {"SELECT count(*) FROM media"};
static const nz__pg_sql q_variants = {
    "SELECT o.id, o.caption, a.id, a.slug, a.headline FROM media m JOIN media o ON "
    "o.hash = m.hash AND o.id <> m.id JOIN article_media am ON am.media_id = o.id JOIN "
    "articles a ON a.id = am.article_id WHERE m.id = $1 AND m.hash IS NOT NULL "
    "GROUP BY o.id, a.id ORDER BY a.id DESC, o.id DESC LIMIT 200"};

static nz_rc variant_row(nz_arena *arena, const PGresult *res, int r, void *item)
{
	nz_media_variant *v = item;
	v->media_id = nz__pg_col_int(res, r, 0);
	v->article_id = nz__pg_col_int(res, r, 2);
	return nz__pg_col_text(arena, res, r, 1, &v->caption) ||
		       nz__pg_col_text(arena, res, r, 3, &v->slug) ||
		       nz__pg_col_text(arena, res, r, 4, &v->headline)
		   ? NZ_NOMEM
		   : NZ_OK;
}

nz_rc nz__pg_media_variants(nz_store *s, nz_arena *arena, int64_t id, nz_media_variant **out,
			    size_t *n, nz_err *err)
{
	nz__pg_params p = {0};
	nz__pg_int64(&p, id);
	return nz__pg_collect(nz__pg_h(s), &q_variants, &p, "media", sizeof(nz_media_variant),
			      variant_row, arena, (void **)out, n, err);
}

static nz_rc uploader_row(nz_arena *arena, const PGresult *res, int r, void *item)
{
	nz_user *u = item;
	u->id = nz__pg_col_int(res, r, 0);
	return nz__pg_col_text(arena, res, r, 1, &u->login);
}

nz_rc nz__pg_media_uploaders(nz_store *s, nz_arena *arena, nz_user **out, size_t *n, nz_err *err)
{
	return nz__pg_collect(nz__pg_h(s), &q_uploaders, NULL, "media", sizeof(nz_user),
			      uploader_row, arena, (void **)out, n, err);
}

nz_rc nz__pg_media_index_rebuild(nz_store *s, nz_store_progress_fn progress, void *ctx, nz_err *err)
{
	int64_t total = 0;
	nz_rc rc = nz__pg_one_int(nz__pg_h(s), &q_count, NULL, &total, "media index", err);
	if (rc == NZ_OK && progress) {
		progress(ctx, 0, (size_t)total);
		progress(ctx, (size_t)total, (size_t)total);
	}
	return rc;
}
