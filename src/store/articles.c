/*
 * articles.c: the backend-neutral front of articles (store.h, "articles"): what every backend
 * would otherwise repeat before a create or a save (filling slugs, language and author names,
 * validating, defaulting uuid and times), the checks of a workflow change, and list limits.
 * Everything else goes to the backend through the generated nz__store_* calls (store.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/store_int.h"

#define LIST_DEFAULT 20
#define LIST_MAX 200
#define ADMIN_LIST_DEFAULT 50
#define ADMIN_LIST_MAX 200

/* A slug made from text into arena, or NULL when the text has nothing sluggable. */
static const char *slug_from(nz_arena *arena, const char *text, nz_rc *rc)
{
	nz_buf b;
	const char *slug = NULL;

	*rc = NZ_OK;
	if (!text)
		return NULL;
	nz_buf_init(&b, 0);
	if (nz_slug_make(nz_str_c(text), NZ_SLUG_MAX, &b) == NZ_OK) {
		slug = nz_arena_strdup(arena, nz_buf_cstr(&b));
		if (!slug)
			*rc = NZ_NOMEM;
	} else if (nz_buf_rc(&b) == NZ_NOMEM) {
		*rc = NZ_NOMEM;
	}
	nz_buf_free(&b);
	return slug;
}

/* Fills what a caller may leave out and every backend stores the same way: the slug (from the
 * headline), the language (detected), author display names and missing slugs of authors,
 * sections and tags (from their names). */
static nz_rc fill_names(nz_arena *arena, nz_article *a)
{
	nz_rc rc = NZ_OK;

	if (!a->slug || !*a->slug)
		a->slug = slug_from(arena, a->headline, &rc);
	if (!rc && !a->language)
		a->language =
		    a->headline ? nz_language_detect(a->headline, strlen(a->headline)) : "en";
	for (size_t i = 0; !rc && i < a->n_authors; i++) {
		nz_author *au = &a->authors[i];
		if (!au->display_name && !(au->display_name = nz_author_name(arena, au)))
			rc = NZ_NOMEM;
		if (!rc && (!au->slug || !*au->slug))
			au->slug = slug_from(arena, au->display_name, &rc);
	}
	if (!rc && a->section && (!a->section->slug || !*a->section->slug))
		a->section->slug = slug_from(arena, a->section->name, &rc);
	for (size_t i = 0; !rc && i < a->n_tags; i++)
		if (!a->tags[i].slug || !*a->tags[i].slug)
			a->tags[i].slug = slug_from(arena, a->tags[i].name, &rc);
	return rc;
}

/* Defaults (fill_names) and validation shared by every article create and save: the article
 * is valid and its authors, section and tags all have slugs. */
static nz_rc prepare_article(nz_arena *arena, nz_article *a, nz_err *err)
{
	nz_rc rc;
	if (!a)
		return nz_err_set(err, NZ_INVAL, "article: missing");
	if ((rc = fill_names(arena, a)))
		return nz_err_set(err, rc, "article: %s", nz_strerror(rc));
	if ((rc = nz_article_validate(a, err)))
		return rc;
	for (size_t i = 0; i < a->n_authors; i++)
		if (!a->authors[i].slug)
			return nz_err_set(err, NZ_INVAL,
					  "authors[%zu]: no name to make a slug from", i);
	if (a->section && !a->section->slug)
		return nz_err_set(err, NZ_INVAL, "section: no name to make a slug from");
	for (size_t i = 0; i < a->n_tags; i++)
		if (!a->tags[i].slug)
			return nz_err_set(err, NZ_INVAL, "tags[%zu]: no name to make a slug from",
					  i);
	return NZ_OK;
}

/* The one way in for a new article: prepared, defaulted, then stored by the backend with
 * revision 1 for actor (and article.created when audited). */
static nz_rc create(nz_store *s, nz_arena *arena, int64_t actor, bool audited, nz_article *a,
		    const char *note, nz_err *err)
{
	nz_rc rc =
	    a ? prepare_article(arena, a, err) : nz_err_set(err, NZ_INVAL, "article: missing");
	if (rc)
		return rc;
	nz_time now = nz_time_now();
	if (!a->uuid[0])
		nz_uuid_v4(a->uuid);
	if (!a->created_at)
		a->created_at = now;
	/* A published article always has a publication time: lists order by it. */
	bool public = a->status == NZ_STATUS_PUBLISHED || a->status == NZ_STATUS_RETRACTED;
	if (!a->published_at && public)
		a->published_at = now;
	/* Without a stated last change, an article that arrives already published (an import,
	 * the demo) was last changed when it was published: "Updated" on its page means an edit
	 * after publication, and arriving here is none. */
	if (!a->updated_at)
		a->updated_at =
		    public && a->published_at < a->created_at ? a->published_at : a->created_at;
	return nz__store_article_create(s, arena, actor, audited, a, note, err);
}

nz_rc nz_store_article_create(nz_store *s, nz_arena *arena, nz_article *a, const char *note,
			      nz_err *err)
{
	return create(s, arena, 0, false, a, note, err);
}

nz_rc nz_store_article_create_by(nz_store *s, nz_arena *arena, int64_t actor, nz_article *a,
				 const char *note, nz_err *err)
{
	if (a)
		a->created_by = actor;
	return create(s, arena, actor, true, a, note, err);
}

nz_rc nz_store_article_by_slug(nz_store *s, nz_arena *arena, const char *slug, nz_article **out,
			       nz_err *err)
{
	*out = NULL;
	if (!slug)
		return nz_err_set(err, NZ_NOTFOUND, "article: no slug given");
	return nz__store_article_by_slug(s, arena, slug, out, err);
}

nz_rc nz_store_article_by_id(nz_store *s, nz_arena *arena, int64_t id, nz_article **out,
			     nz_err *err)
{
	*out = NULL;
	return nz__store_article_by_id(s, arena, id, out, err);
}

nz_rc nz_store_article_list(nz_store *s, nz_arena *arena, const nz_article_query *q,
			    nz_article_list *out, nz_err *err)
{
	nz_article_query norm = *q;

	memset(out, 0, sizeof(*out));
	if (norm.limit == 0)
		norm.limit = LIST_DEFAULT;
	if (norm.limit > LIST_MAX)
		norm.limit = LIST_MAX;
	if (norm.public_only && !norm.now)
		norm.now = nz_time_now();
	return nz__store_article_list(s, arena, &norm, out, err);
}

nz_rc nz_store_article_keys(nz_store *s, nz_arena *arena, const nz_article_query *q,
			    nz_article_key **keys, size_t *n, nz_err *err)
{
	nz_article_query norm = *q;
	*keys = NULL;
	*n = 0;
	if (norm.public_only && !norm.now)
		norm.now = nz_time_now();
	return nz__store_article_keys(s, arena, &norm, keys, n, err);
}

/* ---- saving and the workflow ---------------------------------------------------------- */

/* Whether before and after hold the same article apart from what a save itself sets (the time
 * of the change and the revision number): compared as their revision snapshots. */
static nz_rc same_article(const nz_article *before, const nz_article *after, bool *same,
			  nz_err *err)
{
	nz_article b = *before, x = *after;
	char *jb = NULL, *jx = NULL;
	b.updated_at = x.updated_at;
	b.revision = x.revision;
	nz_rc rc = nz__store_snapshot(&b, &jb, err);
	if (!rc)
		rc = nz__store_snapshot(&x, &jx, err);
	*same = !rc && strcmp(jb, jx) == 0;
	free(jb);
	free(jx);
	return rc;
}

/* The backend's save inside a transaction of its own (a savepoint within the caller's): when it
 * changed nothing it is rolled back, so a save that changes nothing writes no revision, no
 * audit row and no change to the feed, and *a is the stored article. The revision check still
 * applies: a stale base is a conflict even when nothing would change. */
static nz_rc update_unless_same(nz_store *s, nz_arena *arena, int64_t actor, nz_article *a,
				int64_t base_revision, const char *note, nz_err *err)
{
	nz_article *before = NULL;
	bool same = false;
	nz_rc rc = s->ops->begin(s, err);
	if (rc)
		return rc;
	if ((rc = nz__store_article_by_id(s, arena, a->id, &before, err)) ||
	    (rc = nz__store_article_update(s, arena, actor, a, base_revision, note, err)) ||
	    (rc = same_article(before, a, &same, err)) || same) {
		s->ops->rollback(s);
		if (!rc)
			*a = *before;
		return rc;
	}
	return s->ops->commit(s, err);
}

nz_rc nz_store_article_update(nz_store *s, nz_arena *arena, int64_t actor, nz_article *a,
			      int64_t base_revision, const char *note, nz_err *err)
{
	nz_rc rc = prepare_article(arena, a, err);
	if (rc)
		return rc;
	if (!a->id)
		return nz_err_set(err, NZ_INVAL, "article: no id to update");
	if (base_revision < 1)
		return nz_err_set(err, NZ_INVAL,
				  "revision: say which revision the change is based on");
	return update_unless_same(s, arena, actor, a, base_revision, note, err);
}

/* NZ_INVAL naming each photo of article id that has no alt text ("media: ..."), so a person
 * publishing or scheduling it adds them first. NZ_OK when every photo has one or the article is
 * not found (the transition says so). */
static nz_rc photos_have_alt(nz_store *s, nz_arena *arena, int64_t id, nz_err *err)
{
	nz_article *a = NULL;
	nz_err ignored = {0};
	char list[160] = "";
	size_t len = 0, missing = 0;
	if (nz_store_article_by_id(s, arena, id, &a, &ignored) != NZ_OK)
		return NZ_OK;
	for (size_t i = 0; i < a->n_media; i++) {
		if (!nz_media_lacks_alt(&a->media[i], a->body_markdown))
			continue;
		const char *what = a->media[i].caption ? a->media[i].caption : a->media[i].filename;
		int k =
		    snprintf(list + len, sizeof list - len, "%s%s%zu%s%.40s%s", missing ? "; " : "",
			     "photo ", i + 1, what ? " (" : "", what ? what : "", what ? ")" : "");
		if (k > 0 && (size_t)k < sizeof list - len)
			len += (size_t)k;
		missing++;
	}
	if (!missing)
		return NZ_OK;
	return nz_err_set(err, NZ_INVAL,
			  "media: %zu photo%s without alt text, which readers who cannot see %s "
			  "need: %s. Add it in the Photos part of the form (or the library), then "
			  "publish",
			  missing, missing == 1 ? "" : "s", missing == 1 ? "it" : "them", list);
}

nz_rc nz_store_article_transition(nz_store *s, nz_arena *arena, const nz_article_transition *t,
				  nz_article **out, nz_err *err)
{
	nz_article *ignored;
	nz_event ev = t->ev;
	const char *text = t->text;

	if ((unsigned)ev >= NZ_EV__COUNT || ev == NZ_EV_EDIT)
		return nz_err_set(err, NZ_INVAL, "workflow: not a state change (edits are saves)");
	if (ev == NZ_EV_CORRECT) {
		size_t len = text ? strlen(text) : 0, bad;
		if (len == 0 || len > 4000)
			return nz_err_set(err, NZ_INVAL,
					  "text: a correction needs 1 to 4000 bytes of text");
		if (!nz_utf8_valid(text, len, &bad))
			return nz_err_set(err, NZ_UTF8, "text: invalid UTF-8 at byte %zu", bad);
	}
	if (ev == NZ_EV_SCHEDULE && t->at <= nz_time_now())
		return nz_err_set(err, NZ_INVAL, "at: the publication time must be in the future");
	if ((ev == NZ_EV_PUBLISH || ev == NZ_EV_SCHEDULE) && t->actor) {
		nz_rc rc = photos_have_alt(s, arena, t->id, err);
		if (rc)
			return rc;
	}
	return nz__store_article_transition(s, arena, t, out ? out : &ignored, err);
}

nz_rc nz_store_publish_due(nz_store *s, nz_time now, size_t *n, nz_err *err)
{
	*n = 0;
	return nz__store_publish_due(s, now, n, err);
}

nz_rc nz_store_next_scheduled(nz_store *s, nz_time *at, nz_err *err)
{
	*at = 0;
	return nz__store_next_scheduled(s, at, err);
}

nz_rc nz_store_admin_article_list(nz_store *s, nz_arena *arena, const nz_admin_query *q,
				  nz_article_list *out, nz_err *err)
{
	nz_admin_query norm = *q;
	memset(out, 0, sizeof *out);
	if (norm.limit == 0)
		norm.limit = ADMIN_LIST_DEFAULT;
	if (norm.limit > ADMIN_LIST_MAX)
		norm.limit = ADMIN_LIST_MAX;
	return nz__store_admin_article_list(s, arena, &norm, out, err);
}

nz_rc nz_store_article_link_translation(nz_store *s, int64_t actor, int64_t id, int64_t other_id,
					nz_err *err)
{
	if (id == other_id)
		return nz_err_set(err, NZ_INVAL,
				  "translation: an article is not its own translation");
	return nz__store_article_link_translation(s, actor, id, other_id, err);
}

nz_rc nz_store_slug_redirect(nz_store *s, nz_arena *arena, const char *old_slug,
			     const char **new_slug, nz_err *err)
{
	*new_slug = NULL;
	if (!old_slug || !*old_slug)
		return nz_err_set(err, NZ_NOTFOUND, "slug: none given");
	return nz__store_slug_redirect(s, arena, old_slug, new_slug, err);
}

nz_correction *nz__store_one_correction(nz_arena *arena, nz_article *a)
{
	nz_correction *c = nz_arena_zalloc(arena, sizeof *c);
	if (c) {
		a->corrections = c;
		a->n_corrections = 1;
	}
	return c;
}
