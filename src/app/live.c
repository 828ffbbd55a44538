/*
 * app/live.c: live coverage of an article (docs/live-coverage.md), whoever drives it (the back
 * office's page, the admin API): the checks a start, an end or an update passes before the
 * store writes it, and the audit line of each. Updates are added only while the coverage is
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

/* Checks and normalises u's text in place (a trimmed copy in arena). */
static nz_rc check(nz_arena *arena, nz_live_update *u, nz_err *err)
{
	const char *text = u->body_markdown ? u->body_markdown : "";
	if (strlen(text) > NZ_LIVE_UPDATE_MAX)
		return nz_err_set(err, NZ_TOOBIG, "update: the text is longer than %d bytes",
				  NZ_LIVE_UPDATE_MAX);
	if (!nz_utf8_valid(text, strlen(text), NULL))
		return nz_err_set(err, NZ_UTF8, "update: the text is not UTF-8");
	u->body_markdown = nz_arena_str(arena, nz_str_trim(nz_str_c(text)));
	if (!u->body_markdown)
		return nz_err_set(err, NZ_NOMEM, "out of memory");
	if (!*u->body_markdown)
		return nz_err_set(err, NZ_INVAL, "update: the text is empty");
	return NZ_OK;
}

nz_rc nz_app_live_update_save(nz_store *s, nz_arena *arena, nz_live_update *u, int64_t actor,
			      nz_err *err)
{
	nz_live_update in = *u;
	nz_live live;
	nz_rc rc = check(arena, &in, err);
	if (rc || (rc = article(s, arena, in.article_id, err)))
		return rc;
	if (!in.id) {
		if ((rc = nz_store_live_get(s, arena, in.article_id, &live, err)))
			return rc;
		if (!live.started_at || live.ended_at)
			return nz_err_set(err, NZ_CONFLICT,
					  "update: this article is not covered live; start the "
					  "live coverage first");
	}
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
