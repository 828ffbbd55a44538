/*
 * app/author.c: saving an author's profile from any front end (the back office's form, the
 * admin API): the texts are trimmed, empty ones dropped, and the photo named by its media id
 * is looked up so the profile carries its hash (its /media/ address). The store checks the
 * rest (store/catalog.c).
 */
#include <string.h>

#include "app/app.h"

/* s trimmed into arena; NULL when empty or NULL. */
static const char *trimmed(nz_arena *arena, const char *s)
{
	nz_str t = nz_str_trim(nz_str_c(s));
	return t.len ? nz_arena_str(arena, t) : NULL;
}

nz_rc nz_app_author_save(nz_store *s, nz_arena *arena, int64_t actor, nz_author *au, nz_err *err)
{
	size_t kept = 0;
	au->display_name = trimmed(arena, au->display_name);
	au->family_name = trimmed(arena, au->family_name);
	au->given_name = trimmed(arena, au->given_name);
	au->email = trimmed(arena, au->email);
	au->bio = trimmed(arena, au->bio);
	for (size_t i = 0; i < au->n_texts; i++) {
		nz_author_text t = au->texts[i];
		t.job_title = trimmed(arena, t.job_title);
		t.bio = trimmed(arena, t.bio);
		if (t.job_title || t.bio)
			au->texts[kept++] = t;
	}
	au->n_texts = kept;
	kept = 0;
	for (size_t i = 0; i < au->n_same_as; i++)
		if ((au->same_as[kept] = trimmed(arena, au->same_as[i])))
			kept++;
	au->n_same_as = kept;
	au->photo_hash = NULL;
	if (au->photo_id) {
		nz_media *m = NULL;
		nz_rc rc = nz_store_media_get(s, arena, au->photo_id, &m, err);
		if (rc == NZ_NOTFOUND || (rc == NZ_OK && !m->hash))
			return nz_err_set(err, NZ_INVAL, "photo: there is no photo %lld",
					  (long long)au->photo_id);
		if (rc)
			return rc;
		au->photo_hash = m->hash;
	}
	return nz_store_author_save(s, actor, au, err);
}
