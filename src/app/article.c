/*
 * app/article: saving an article as the back office does it: store the fields (create, or a
 * new revision based on the one the editor started from), link a translation, take a
 * workflow step. One transaction holds all three, so "save and publish" either saves and
 * publishes or, when publishing is refused, leaves the article at its previous revision.
 *
 * The caller's article is saved through a copy: the store fills ids, slugs and revisions in
 * what it is given, and after a rollback the front end shows the user's version as it was.
 */
#include "app/app.h"

/* The three parts, inside the caller's transaction; *a is the stored article after them. */
static nz_rc save_parts(nz_store *s, nz_arena *arena, nz_app_save *save, nz_article *a, nz_err *err)
{
	bool created = a->id == 0;
	save->failed = NZ_APP_PART_FIELDS;
	nz_rc rc = created ? nz_store_article_create_by(s, arena, save->actor, a, save->note, err)
			   : nz_store_article_update(s, arena, save->actor, a, save->base_revision,
						     save->note, err);
	if (rc != NZ_OK)
		return rc;
	if (save->translation_id) {
		save->failed = NZ_APP_PART_LINK;
		rc = nz_store_article_link_translation(s, save->actor, a->id, save->translation_id,
						       err);
		if (rc != NZ_OK)
			return rc;
	}
	nz_article *after = NULL;
	if (save->then != NZ_EV_EDIT) {
		save->failed = NZ_APP_PART_STEP;
		nz_article_transition tr = {save->actor, a->id,      save->then,
					    save->at,    save->text, a->revision};
		rc = nz_store_article_transition(s, arena, &tr, &after, err);
	} else if (created || save->translation_id) {
		save->failed = NZ_APP_PART_FIELDS;
		rc = nz_store_article_by_id(s, arena, a->id, &after, err);
	}
	if (rc == NZ_OK && after)
		*a = *after;
	return rc;
}

nz_rc nz_app_article_save(nz_store *s, nz_arena *arena, nz_app_save *save, nz_err *err)
{
	nz_article a = *save->a;
	save->failed = NZ_APP_PART_FIELDS;
	nz_rc rc = nz_store_begin(s, err);
	if (rc != NZ_OK)
		return rc;
	rc = save_parts(s, arena, save, &a, err);
	if (rc != NZ_OK) {
		nz_store_rollback(s);
		return rc;
	}
	save->failed = NZ_APP_PART_FIELDS;
	rc = nz_store_commit(s, err);
	if (rc == NZ_OK)
		*save->a = a;
	return rc;
}
