/*
 * app/live.c: live coverage of an article (docs/live-coverage.md), whoever drives it (the back
 * office's page, the admin API): the checks a start, an end or an update passes before the
 * store writes it (by the update's kind: text, a photo from the library, a quote), and the
 * audit line of each. Updates are added only while the coverage is
 * live; they can be corrected, pinned and deleted afterwards too. Every write reaches the
 * article's page through the change feed (the store's triggers), never through this file.
 */
#include <string.h>

#include "app/app.h"

/* article_id's article (in arena), or NZ_NOTFOUND with a message. */
static nz_rc article(nz_store *s, nz_arena *arena, int64_t article_id, nz_err *err)
{
	nz_article *a = NULL;
	return nz_store_article_by_id(s, arena, article_id, &a, err);
}

nz_rc nz_app_live_set(nz_store *s, nz_arena *arena, int64_t article_id, bool live, int64_t actor,
		      nz_err *err)
{
	nz_rc rc = article(s, arena, article_id, err);
	if (!rc)
		rc = nz_store_live_set(s, article_id, live, err);
	if (!rc)
		rc = nz_store_audit_add(s, actor,
					live ? "article.live_started" : "article.live_ended",
					"article", article_id, NULL, err);
	return rc;
}

/* text as a trimmed UTF-8 copy in arena into *out (NULL stays NULL); what names it in errors. */
static nz_rc clean(nz_arena *arena, const char *what, const char *text, const char **out,
		   nz_err *err)
{
	*out = NULL;
	if (!text)
		return NZ_OK;
	if (strlen(text) > NZ_LIVE_UPDATE_MAX)
		return nz_err_set(err, NZ_TOOBIG, "update: the %s is longer than %d bytes", what,
				  NZ_LIVE_UPDATE_MAX);
	if (!nz_utf8_valid(text, strlen(text), NULL))
		return nz_err_set(err, NZ_UTF8, "update: the %s is not UTF-8", what);
	*out = nz_arena_str(arena, nz_str_trim(nz_str_c(text)));
	return *out ? NZ_OK : nz_err_set(err, NZ_NOMEM, "out of memory");
}

/* A photo update's photo: one in the library, with bytes and alt text (as publishing asks);
 * u->photo then points at it. */
static nz_rc check_photo(nz_store *s, nz_arena *arena, nz_live_update *u, nz_err *err)
{
	nz_media *m = NULL;
	int64_t media_id = u->media_id;
	if (!media_id)
		return nz_err_set(
		    err, NZ_INVAL,
		    "update: a photo update needs a photo from the library (media_id)");
	nz_rc rc = nz_store_media_get(s, arena, media_id, &m, err);
	if (rc == NZ_NOTFOUND || (!rc && !m->hash))
		return nz_err_set(err, NZ_INVAL, "update: there is no photo %lld in the library",
				  (long long)media_id);
	if (!rc && nz_media_lacks_alt(m, NULL))
		return nz_err_set(err, NZ_INVAL,
				  "update: photo %lld has no alt text; write one in the media "
				  "library first",
				  (long long)media_id);
	if (!rc)
		u->photo = m;
	return rc;
}

/* Checks and normalises u in place (trimmed copies in arena) by its kind. */
static nz_rc check(nz_store *s, nz_arena *arena, nz_live_update *u, nz_err *err)
{
	const char *body = NULL;
	nz_rc rc = clean(arena, "text", u->body_markdown ? u->body_markdown : "", &body, err);
	if (!rc)
		rc = clean(arena, "quote", u->quote, &u->quote, err);
	if (!rc)
		rc = clean(arena, "attribution", u->attribution, &u->attribution, err);
	if (rc)
		return rc;
	u->body_markdown = body;
	if (!u->kind)
		u->kind = "text";
	if (strcmp(u->kind, "quote") != 0) /* a form sends every kind's fields, empty */
		u->quote = u->attribution = NULL;
	if (strcmp(u->kind, "photo") != 0)
		u->media_id = 0;
	if (strcmp(u->kind, "photo") == 0)
		return check_photo(s, arena, u, err);
	if (strcmp(u->kind, "quote") == 0) {
		if (!u->quote || !*u->quote || !u->attribution || !*u->attribution)
			return nz_err_set(err, NZ_INVAL,
					  "update: a quote needs its text and whom it is from");
		return NZ_OK;
	}
	if (strcmp(u->kind, "text") != 0)
		return nz_err_set(err, NZ_INVAL,
				  "update: unknown kind \"%s\" (text, photo or quote)", u->kind);
	if (!*u->body_markdown)
		return nz_err_set(err, NZ_INVAL, "update: the text is empty");
	return NZ_OK;
}

/* An edit that names no kind keeps the update's kind and its fields (the back office's edit
 * form changes the text and the pin only); NZ_NOTFOUND when there is no such update. */
static nz_rc keep_kind(const nz_live *live, nz_live_update *u, nz_err *err)
{
	for (size_t i = 0; i < live->n_updates; i++) {
		const nz_live_update *was = &live->updates[i];
		if (was->id != u->id)
			continue;
		u->kind = was->kind;
		u->media_id = was->media_id;
		u->quote = was->quote;
		u->attribution = was->attribution;
		return NZ_OK;
	}
	return nz_err_set(err, NZ_NOTFOUND, "no update %lld in this live coverage",
			  (long long)u->id);
}

nz_rc nz_app_live_update_save(nz_store *s, nz_arena *arena, nz_live_update *u, int64_t actor,
			      nz_err *err)
{
	nz_live_update in = *u;
	nz_live live;
	nz_rc rc = article(s, arena, in.article_id, err);
	if (!rc && (!in.id || !in.kind))
		rc = nz_store_live_get(s, arena, in.article_id, &live, err);
	if (!rc && in.id && !in.kind)
		rc = keep_kind(&live, &in, err);
	if (rc || (rc = check(s, arena, &in, err)))
		return rc;
	if (!in.id && (!live.started_at || live.ended_at))
		return nz_err_set(err, NZ_CONFLICT,
				  "update: this article is not covered live; start the "
				  "live coverage first");
	if ((rc = nz_store_live_update_save(s, &in, actor, err)) ||
	    (rc = nz_store_audit_add(s, actor, u->id ? "live.update_edited" : "live.update_added",
				     "article", in.article_id, NULL, err)))
		return rc;
	*u = in;
	return NZ_OK;
}

nz_rc nz_app_live_update_delete(nz_store *s, int64_t article_id, int64_t id, int64_t actor,
				nz_err *err)
{
	nz_rc rc = nz_store_live_update_delete(s, article_id, id, err);
	if (!rc)
		rc = nz_store_audit_add(s, actor, "live.update_deleted", "article", article_id,
					NULL, err);
	return rc;
}
