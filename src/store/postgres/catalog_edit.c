/*
 * postgres/catalog_edit.c: the back office's writes to authors and tags (store.h, "catalog"):
 * saving a profile, renaming a tag, merging two authors or two tags; sqlite/catalog_edit.c's
 * twin. The profiles' JSON comes from store/catalog.c; a merge or rename is one transaction
 * that also points the old address (/author/<slug>, /tag/<slug>) at the new one.
 */
#include <stdio.h>
#include <stdlib.h>

#include "store/postgres/postgres_int.h"

static const nz__pg_sql q_save = {
    "UPDATE authors SET display_name = $2, family_name = $3, given_name = $4, "
    "name_order = $5, email = $6, bio = $7 WHERE slug = $1 RETURNING id"};
static const nz__pg_sql q_profile_set = {
    "INSERT INTO author_profiles(author_id, profile) VALUES ($1, $2) ON CONFLICT(author_id) "
    "DO UPDATE SET profile = excluded.profile "
    "WHERE author_profiles.profile IS DISTINCT FROM excluded.profile"};
static const nz__pg_sql q_profile_del = {"DELETE FROM author_profiles WHERE author_id = $1"};
static const nz__pg_sql q_id = {"SELECT id FROM authors WHERE slug = $1"};
static const nz__pg_sql q_move_bylines = {
    "UPDATE article_authors SET author_id = $2 WHERE author_id = $1 AND article_id NOT IN "
    "(SELECT article_id FROM article_authors WHERE author_id = $2)"};
static const nz__pg_sql q_drop_bylines = {"DELETE FROM article_authors WHERE author_id = $1"};
static const nz__pg_sql q_move_users = {"UPDATE users SET author_id = $2 WHERE author_id = $1"};
static const nz__pg_sql q_move_revisions = {
    "UPDATE revisions SET author_id = $2 WHERE author_id = $1"};
static const nz__pg_sql q_delete = {"DELETE FROM authors WHERE id = $1"};
static const nz__pg_sql q_retarget = {"UPDATE url_redirects SET target = $2 WHERE target = $1"};
static const nz__pg_sql q_tag_save = {"UPDATE tags SET name = $2 WHERE slug = $1 RETURNING id"};
static const nz__pg_sql q_tag_profile_set = {
    "INSERT INTO tag_profiles(tag_id, profile) VALUES ($1, $2) ON CONFLICT(tag_id) "
    "DO UPDATE SET profile = excluded.profile "
    "WHERE tag_profiles.profile IS DISTINCT FROM excluded.profile"};
static const nz__pg_sql q_tag_profile_del = {"DELETE FROM tag_profiles WHERE tag_id = $1"};
static const nz__pg_sql q_tag_id = {"SELECT id FROM tags WHERE slug = $1"};
static const nz__pg_sql q_tag_rename = {"UPDATE tags SET slug = $2 WHERE slug = $1 RETURNING id"};
static const nz__pg_sql q_tag_move = {
    "UPDATE article_tags SET tag_id = $2 WHERE tag_id = $1 AND article_id NOT IN "
    "(SELECT article_id FROM article_tags WHERE tag_id = $2)"};
static const nz__pg_sql q_tag_drop = {"DELETE FROM article_tags WHERE tag_id = $1"};
static const nz__pg_sql q_tag_delete = {"DELETE FROM tags WHERE id = $1"};

static const char *const name_orders[] = {"western", "eastern", "hangul"};

/* Stores row id's profile JSON with set, or removes it with del when profile is NULL. */
static nz_rc save_profile(nz__pg *h, const nz__pg_sql *set, const nz__pg_sql *del, int64_t id,
			  const char *profile, nz_err *err)
{
	nz__pg_params q = {0};
	nz__pg_int64(&q, id);
	if (profile)
		nz__pg_text(&q, profile);
	return nz__pg_run(h, profile ? set : del, &q, "profile", err);
}

nz_rc nz__pg_author_save(nz_store *s, int64_t actor, const nz_author *au, nz_err *err)
{
	nz__pg *h = nz__pg_h(s);
	nz__pg_params p = {0};
	char *profile = NULL;
	int64_t id = 0;
	nz_rc rc = nz__store_author_profile_json(au, &profile, err);
	if (rc || (rc = nz__pg_begin(h, err)))
		goto out;
	nz__pg_text(&p, au->slug);
	nz__pg_text(&p, au->display_name);
	nz__pg_text(&p, au->family_name);
	nz__pg_text(&p, au->given_name);
	nz__pg_text(&p, name_orders[(unsigned)au->order < 3 ? au->order : 0]);
	nz__pg_text(&p, au->email);
	nz__pg_text(&p, au->bio);
	rc = nz__pg_one_int(h, &q_save, &p, &id, "author", err);
	if (rc == NZ_NOTFOUND)
		rc = nz_err_set(err, rc, "author %.80s: not found", au->slug);
	if (!rc)
		rc = save_profile(h, &q_profile_set, &q_profile_del, id, profile, err);
	if (!rc)
		rc = nz__pg_audit(h, actor, "author.saved", "author", id, 0, au->slug, err);
	rc = nz__pg_end(h, rc, err);
out:
	free(profile);
	return rc;
}

/* Runs q with (a, b) as integers; b 0 when q takes one. */
static nz_rc run_ids(nz__pg *h, const nz__pg_sql *q, int64_t a, int64_t b, nz_err *err)
{
	nz__pg_params p = {0};
	nz__pg_int64(&p, a);
	if (b)
		nz__pg_int64(&p, b);
	return nz__pg_run(h, q, &p, "merge", err);
}

/* Runs the by-slug query q (author or tag, said by what) for one id. */
static nz_rc id_of(nz__pg *h, const nz__pg_sql *q, const char *what, const char *slug, int64_t *id,
		   nz_err *err)
{
	nz__pg_params p = {0};
	nz__pg_text(&p, slug);
	nz_rc rc = nz__pg_one_int(h, q, &p, id, what, err);
	if (rc == NZ_NOTFOUND)
		return nz_err_set(err, rc, "%s %.80s: not found", what, slug);
	return rc;
}

/* The old address (prefix + from) answers with the new one; addresses that led to it follow. */
static nz_rc redirect(nz__pg *h, const char *prefix, const char *from, const char *into,
		      nz_err *err)
{
	char old_path[600], new_path[600];
	nz__pg_params p = {0};
	snprintf(old_path, sizeof old_path, "%s%s", prefix, from);
	snprintf(new_path, sizeof new_path, "%s%s", prefix, into);
	nz__pg_text(&p, old_path);
	nz__pg_text(&p, new_path);
	nz_rc rc = nz__pg_run(h, &q_retarget, &p, "redirect", err);
	return rc ? rc : nz__pg_url_redirect_put(&h->base, old_path, new_path, true, err);
}

nz_rc nz__pg_author_merge(nz_store *s, int64_t actor, const char *from, const char *into,
			  nz_err *err)
{
	nz__pg *h = nz__pg_h(s);
	int64_t from_id = 0, into_id = 0;
	nz_rc rc = nz__pg_begin(h, err);
	if (rc)
		return rc;
	if (!(rc = id_of(h, &q_id, "author", from, &from_id, err)) &&
	    !(rc = id_of(h, &q_id, "author", into, &into_id, err)) &&
	    !(rc = run_ids(h, &q_move_bylines, from_id, into_id, err)) &&
	    !(rc = run_ids(h, &q_drop_bylines, from_id, 0, err)) &&
	    !(rc = run_ids(h, &q_move_users, from_id, into_id, err)) &&
	    !(rc = run_ids(h, &q_move_revisions, from_id, into_id, err)) &&
	    !(rc = redirect(h, "/author/", from, into, err)) &&
	    !(rc = run_ids(h, &q_delete, from_id, 0, err)))
		rc = nz__pg_audit(h, actor, "author.merged", "author", into_id, 0, from, err);
	return nz__pg_end(h, rc, err);
}

nz_rc nz__pg_tag_save(nz_store *s, int64_t actor, const nz_tag *tag, nz_err *err)
{
	nz__pg *h = nz__pg_h(s);
	nz__pg_params p = {0};
	char *profile = NULL;
	int64_t id = 0;
	nz_rc rc = nz__store_tag_profile_json(tag, &profile, err);
	if (rc || (rc = nz__pg_begin(h, err)))
		goto out;
	nz__pg_text(&p, tag->slug);
	nz__pg_text(&p, tag->name);
	rc = nz__pg_one_int(h, &q_tag_save, &p, &id, "tag", err);
	if (rc == NZ_NOTFOUND)
		rc = nz_err_set(err, rc, "tag %.80s: not found", tag->slug);
	if (!rc)
		rc = save_profile(h, &q_tag_profile_set, &q_tag_profile_del, id, profile, err);
	if (!rc)
		rc = nz__pg_audit(h, actor, "tag.saved", "tag", id, 0, tag->slug, err);
	rc = nz__pg_end(h, rc, err);
out:
	free(profile);
	return rc;
}

nz_rc nz__pg_tag_rename(nz_store *s, int64_t actor, const char *from, const char *to, nz_err *err)
{
	nz__pg *h = nz__pg_h(s);
	nz__pg_params p = {0};
	int64_t id = 0;
	nz_rc rc = nz__pg_begin(h, err);
	if (rc)
		return rc;
	nz__pg_text(&p, from);
	nz__pg_text(&p, to);
	rc = nz__pg_one_int(h, &q_tag_rename, &p, &id, "tag", err);
	if (rc == NZ_NOTFOUND)
		rc = nz_err_set(err, rc, "tag %.80s: not found", from);
	else if (rc == NZ_EXISTS)
		rc = nz_err_set(err, rc, "slug: another tag is %.80s (merge them instead)", to);
	if (!rc)
		rc = redirect(h, "/tag/", from, to, err);
	if (!rc)
		rc = nz__pg_audit(h, actor, "tag.renamed", "tag", id, 0, from, err);
	return nz__pg_end(h, rc, err);
}

nz_rc nz__pg_tag_merge(nz_store *s, int64_t actor, const char *from, const char *into, nz_err *err)
{
	nz__pg *h = nz__pg_h(s);
	int64_t from_id = 0, into_id = 0;
	nz_rc rc = nz__pg_begin(h, err);
	if (rc)
		return rc;
	if (!(rc = id_of(h, &q_tag_id, "tag", from, &from_id, err)) &&
	    !(rc = id_of(h, &q_tag_id, "tag", into, &into_id, err)) &&
	    !(rc = run_ids(h, &q_tag_move, from_id, into_id, err)) &&
	    !(rc = run_ids(h, &q_tag_drop, from_id, 0, err)) &&
	    !(rc = redirect(h, "/tag/", from, into, err)) &&
	    !(rc = run_ids(h, &q_tag_delete, from_id, 0, err)))
		rc = nz__pg_audit(h, actor, "tag.merged", "tag", into_id, 0, from, err);
	return nz__pg_end(h, rc, err);
}
