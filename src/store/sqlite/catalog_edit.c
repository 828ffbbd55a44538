/*
 * sqlite/catalog_edit.c: the back office's writes to authors and tags (store.h, "catalog"):
 * saving a profile, renaming a tag, merging two authors or two tags. The profiles' JSON comes
 * from store/catalog.c; a merge or rename is one transaction that also points the old address
 * (/author/<slug>, /tag/<slug>) at the new one.
 */
#include <stdio.h>
#include <stdlib.h>

#include "store/sqlite/sqlite_int.h"

/* Stores row id's profile JSON with set, or removes it with del when profile is NULL. */
static nz_rc save_profile(nz__sqlite *h, nz__sq_id set, nz__sq_id del, int64_t id,
			  const char *profile, nz_err *err)
{
	sqlite3_stmt *st;
	nz_rc rc = nz__sq_stmt(h, profile ? set : del, &st, err);
	if (rc)
		return rc;
	if (sqlite3_bind_int64(st, 1, id) || (profile && nz__sq_bind_text(st, 2, profile)))
		return nz__sq_bind_error(h, "author", err);
	return nz__sq_exec(h, st, "author", err);
}

nz_rc nz__sq_author_save(nz_store *s, int64_t actor, const nz_author *au, nz_err *err)
{
	nz__sqlite *h = nz__sq(s);
	sqlite3_stmt *st;
	char *profile = NULL;
	int64_t id = 0;
	nz_rc rc = nz__store_author_profile_json(au, &profile, err);
	if (rc || (rc = nz__sq_begin(h, err)))
		goto out;
	if (!(rc = nz__sq_stmt(h, SQ_AUTHOR_SAVE, &st, err))) {
		const char *order = nz_name_order_name(
		    (unsigned)au->order < NZ_ENUM_COUNT(NZ_NAME_ORDERS) ? au->order
									: NZ_NAME_WESTERN);
		if (nz__sq_bind_text(st, 1, au->slug) ||
		    nz__sq_bind_text(st, 2, au->display_name) ||
		    nz__sq_bind_text(st, 3, au->family_name) ||
		    nz__sq_bind_text(st, 4, au->given_name) || nz__sq_bind_text(st, 5, order) ||
		    nz__sq_bind_text(st, 6, au->email) || nz__sq_bind_text(st, 7, au->bio))
			rc = nz__sq_bind_error(h, "author", err);
		else
			rc = nz__sq_int(h, st, &id, "author", err);
	}
	if (rc == NZ_NOTFOUND)
		rc = nz_err_set(err, rc, "author %.80s: not found", au->slug);
	if (!rc)
		rc =
		    save_profile(h, SQ_AUTHOR_PROFILE_SET, SQ_AUTHOR_PROFILE_DEL, id, profile, err);
	if (!rc)
		rc = nz__sq_audit(h, actor, "author.saved", "author", id, 0, au->slug, err);
	rc = nz__sq_end(h, rc, err);
out:
	free(profile);
	return rc;
}

/* Runs statement q with (a, b) bound as integers. */
static nz_rc run_ids(nz__sqlite *h, nz__sq_id q, int64_t a, int64_t b, nz_err *err)
{
	sqlite3_stmt *st;
	nz_rc rc = nz__sq_stmt(h, q, &st, err);
	if (rc)
		return rc;
	if (sqlite3_bind_int64(st, 1, a) || (b && sqlite3_bind_int64(st, 2, b)))
		return nz__sq_bind_error(h, "merge", err);
	return nz__sq_exec(h, st, "merge", err);
}

/* Runs the by-slug query q (author or tag, said by what) for one id. */
static nz_rc id_of(nz__sqlite *h, nz__sq_id q, const char *what, const char *slug, int64_t *id,
		   nz_err *err)
{
	sqlite3_stmt *st;
	nz_rc rc = nz__sq_stmt(h, q, &st, err);
	if (rc)
		return rc;
	if (nz__sq_bind_text(st, 1, slug))
		return nz__sq_bind_error(h, what, err);
	rc = nz__sq_int(h, st, id, what, err);
	if (rc == NZ_NOTFOUND)
		return nz_err_set(err, rc, "%s %.80s: not found", what, slug);
	return rc;
}

/* The old address (prefix + from) answers with the new one; addresses that led to it follow. */
static nz_rc redirect(nz__sqlite *h, const char *prefix, const char *from, const char *into,
		      nz_err *err)
{
	char old_path[600], new_path[600];
	sqlite3_stmt *st;
	snprintf(old_path, sizeof old_path, "%s%s", prefix, from);
	snprintf(new_path, sizeof new_path, "%s%s", prefix, into);
	nz_rc rc = nz__sq_stmt(h, SQ_REDIRECT_RETARGET, &st, err);
	if (rc)
		return rc;
	if (nz__sq_bind_text(st, 1, old_path) || nz__sq_bind_text(st, 2, new_path))
		return nz__sq_bind_error(h, "redirect", err);
	if ((rc = nz__sq_exec(h, st, "redirect", err)))
		return rc;
	return nz__sq_url_redirect_put(&h->base, old_path, new_path, true, err);
}

nz_rc nz__sq_author_merge(nz_store *s, int64_t actor, const char *from, const char *into,
			  nz_err *err)
{
	nz__sqlite *h = nz__sq(s);
	int64_t from_id = 0, into_id = 0;
	nz_rc rc = nz__sq_begin(h, err);
	if (rc)
		return rc;
	if (!(rc = id_of(h, SQ_AUTHOR_ID, "author", from, &from_id, err)) &&
	    !(rc = id_of(h, SQ_AUTHOR_ID, "author", into, &into_id, err)) &&
	    !(rc = run_ids(h, SQ_AUTHOR_MOVE_BYLINES, from_id, into_id, err)) &&
	    !(rc = run_ids(h, SQ_AUTHOR_DROP_BYLINES, from_id, 0, err)) &&
	    !(rc = run_ids(h, SQ_AUTHOR_MOVE_USERS, from_id, into_id, err)) &&
	    !(rc = run_ids(h, SQ_AUTHOR_MOVE_REVISIONS, from_id, into_id, err)) &&
	    !(rc = redirect(h, "/author/", from, into, err)) &&
	    !(rc = run_ids(h, SQ_AUTHOR_DELETE, from_id, 0, err)))
		rc = nz__sq_audit(h, actor, "author.merged", "author", into_id, 0, from, err);
	return nz__sq_end(h, rc, err);
}

nz_rc nz__sq_tag_save(nz_store *s, int64_t actor, const nz_tag *tag, nz_err *err)
{
	nz__sqlite *h = nz__sq(s);
	sqlite3_stmt *st;
	char *profile = NULL;
	int64_t id = 0;
	nz_rc rc = nz__store_tag_profile_json(tag, &profile, err);
	if (rc || (rc = nz__sq_begin(h, err)))
		goto out;
	if (!(rc = nz__sq_stmt(h, SQ_TAG_SAVE, &st, err))) {
		if (nz__sq_bind_text(st, 1, tag->slug) || nz__sq_bind_text(st, 2, tag->name))
			rc = nz__sq_bind_error(h, "tag", err);
		else
			rc = nz__sq_int(h, st, &id, "tag", err);
	}
	if (rc == NZ_NOTFOUND)
		rc = nz_err_set(err, rc, "tag %.80s: not found", tag->slug);
	if (!rc)
		rc = save_profile(h, SQ_TAG_PROFILE_SET, SQ_TAG_PROFILE_DEL, id, profile, err);
	if (!rc)
		rc = nz__sq_audit(h, actor, "tag.saved", "tag", id, 0, tag->slug, err);
	rc = nz__sq_end(h, rc, err);
out:
	free(profile);
	return rc;
}

nz_rc nz__sq_tag_rename(nz_store *s, int64_t actor, const char *from, const char *to, nz_err *err)
{
	nz__sqlite *h = nz__sq(s);
	sqlite3_stmt *st;
	int64_t id = 0;
	nz_rc rc = nz__sq_begin(h, err);
	if (rc)
		return rc;
	if (!(rc = nz__sq_stmt(h, SQ_TAG_RENAME, &st, err))) {
		if (nz__sq_bind_text(st, 1, from) || nz__sq_bind_text(st, 2, to))
			rc = nz__sq_bind_error(h, "tag", err);
		else
			rc = nz__sq_int(h, st, &id, "tag", err);
	}
	if (rc == NZ_NOTFOUND)
		rc = nz_err_set(err, rc, "tag %.80s: not found", from);
	else if (rc == NZ_EXISTS)
		rc = nz_err_set(err, rc, "slug: another tag is %.80s (merge them instead)", to);
	if (!rc)
		rc = redirect(h, "/tag/", from, to, err);
	if (!rc)
		rc = nz__sq_audit(h, actor, "tag.renamed", "tag", id, 0, from, err);
	return nz__sq_end(h, rc, err);
}

nz_rc nz__sq_tag_merge(nz_store *s, int64_t actor, const char *from, const char *into, nz_err *err)
{
	nz__sqlite *h = nz__sq(s);
	int64_t from_id = 0, into_id = 0;
	nz_rc rc = nz__sq_begin(h, err);
	if (rc)
		return rc;
	if (!(rc = id_of(h, SQ_TAG_ID, "tag", from, &from_id, err)) &&
	    !(rc = id_of(h, SQ_TAG_ID, "tag", into, &into_id, err)) &&
	    !(rc = run_ids(h, SQ_TAG_MOVE_ARTICLES, from_id, into_id, err)) &&
	    !(rc = run_ids(h, SQ_TAG_DROP_ARTICLES, from_id, 0, err)) &&
	    !(rc = redirect(h, "/tag/", from, into, err)) &&
	    !(rc = run_ids(h, SQ_TAG_DELETE, from_id, 0, err)))
		rc = nz__sq_audit(h, actor, "tag.merged", "tag", into_id, 0, from, err);
	return nz__sq_end(h, rc, err);
}
