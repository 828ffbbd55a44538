/*
 * pages/pages: the reader's HTML pages as producers (pages.h): the front page, section, tag and
 * author pages, article pages and error pages. The server's handlers (web/public/pages.c) and the
 * static export (site/build.c) both call these, so both give the same bytes for a URL.
 *
 * Only public articles (published or retracted, embargo passed) are ever shown; anything else
 * is a 404, the same as a page that never existed.
 *
 * Rules: everything in env->arena; the page is appended to out->body only on a 200.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "pages/pages_int.h"

nz_rc nz_page_key(const nz_page_env *env, nz_page_out *out, const char *fmt, ...)
{
	char key[128];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(key, sizeof key, fmt, ap);
	va_end(ap);
	if (n <= 0 || (size_t)n >= sizeof key)
		return NZ_INVAL;
	for (size_t i = 0; i < out->n_keys; i++)
		if (strcmp(out->keys[i], key) == 0)
			return NZ_OK;
	if (NZ_ARENA_GROW(env->arena, out->keys, out->n_keys + 1, out->cap_keys) != NZ_OK)
		return NZ_NOMEM;
	const char *copy = nz_arena_strdup(env->arena, key);
	if (!copy)
		return NZ_NOMEM;
	out->keys[out->n_keys++] = copy;
	return NZ_OK;
}

nz_time nz_page_article_modified(const nz_article *a)
{
	nz_time t = a->updated_at > a->published_at ? a->updated_at : a->published_at;
	for (size_t i = 0; i < a->n_corrections; i++)
		if (a->corrections[i].created_at > t)
			t = a->corrections[i].created_at;
	return t;
}

void nz__page_modified(nz_page_out *out, nz_time t)
{
	if (t > out->modified)
		out->modified = t;
}

nz_rc nz__page_list_keys(const nz_page_env *env, nz_page_out *out, const nz_article *items,
			 size_t n)
{
	for (size_t i = 0; i < n; i++) {
		nz__page_modified(out, nz_page_article_modified(&items[i]));
		if (nz_page_key(env, out, "article-%lld", (long long)items[i].id) != NZ_OK)
			return NZ_NOMEM;
	}
	return NZ_OK;
}

const char *nz__page_lang(const nz_page_ctx *pc)
{
	if (pc->edition)
		return pc->edition;
	return pc->site ? pc->site->language : NULL;
}

nz_rc nz__page_not_found(nz_page_out *out, int status, const char *message)
{
	out->status = status;
	out->message = message;
	return NZ_OK;
}

nz_rc nz_page_render(const nz_page_env *env, const char *name, json_t *view, nz_page_out *out,
		     nz_err *err)
{
	if (!view)
		return nz_err_set(err, NZ_NOMEM, "out of memory");
	nz_rc rc = nz_theme_render(env->pc->theme, name, view, out->body, err);
	json_decref(view);
	if (rc != NZ_OK)
		return rc;
	out->status = 200;
	out->content_type = "text/html; charset=utf-8";
	return NZ_OK;
}

static size_t page_count(size_t total)
{
	return total == 0 ? 1 : (total + NZ_PAGE_PER_PAGE - 1) / NZ_PAGE_PER_PAGE;
}

nz_rc nz__page_given_ids(const nz_page_env *env, const nz_page_cursor *cursor,
			 nz_article_list *list, nz_err *err)
{
	*list = (nz_article_list){.total = cursor->total};
	if (cursor->n_ids &&
	    !(list->items = nz_arena_alloc(env->arena, cursor->n_ids * sizeof *list->items)))
		return nz_err_set(err, NZ_NOMEM, "out of memory");
	for (size_t i = 0; i < cursor->n_ids; i++) {
		const nz_article *a = NULL;
		nz_rc rc = cursor->load(cursor->load_ctx, env->arena, cursor->ids[i], &a, err);
		if (rc == NZ_NOTFOUND) /* deleted since the list was read: as the query would */
			continue;
		if (rc != NZ_OK)
			return rc;
		list->items[list->n++] = *a;
	}
	return NZ_OK;
}

/* One page of public articles matching q; *found false (404 set) for a page past the end. With
 * a cursor, the page starts after it and the total is the cursor's. */
static nz_rc list_public(const nz_page_env *env, nz_article_query *q, size_t page,
			 const nz_page_cursor *cursor, nz_article_list *list, nz_page_out *out,
			 bool *found, nz_err *err)
{
	q->public_only = true;
	q->now = env->pc->now;
	q->limit = NZ_PAGE_PER_PAGE;
	q->offset = (page - 1) * NZ_PAGE_PER_PAGE;
	if (cursor && page > 1) {
		q->offset = 0;
		q->before_time = cursor->before_time;
		q->before_id = cursor->before_id;
		q->no_total = true;
	}
	*found = false;
	nz_rc rc = cursor && page > 1 && cursor->load
		       ? nz__page_given_ids(env, cursor, list, err)
		       : nz_store_article_list(env->store, env->arena, q, list, err);
	if (rc != NZ_OK)
		return rc;
	if (q->no_total)
		list->total = cursor->total;
	if (page > 1 && list->n == 0)
		return nz__page_not_found(out, 404, "There is no page with that number.");
	*found = true;
	return nz__page_list_keys(env, out, list->items, list->n);
}

nz_rc nz_page_front(const nz_page_env *env, size_t page, nz_page_out *out, nz_err *err)
{
	return nz_page_front_at(env, page, NULL, out, err);
}

nz_rc nz_page_front_at(const nz_page_env *env, size_t page, const nz_page_cursor *cursor,
		       nz_page_out *out, nz_err *err)
{
	return nz_page_front_edition(env, nz__page_lang(env->pc), page, cursor, out, err);
}

/* "Most read" of the last 24 hours in language, for the front page (key "most-read": the
 * server tells the change feed at most every --most-read-refresh seconds). */
static nz_rc most_read(const nz_page_env *env, const char *language, nz_most_read **items,
		       size_t *n, nz_page_out *out, nz_err *err)
{
	if (nz_page_key(env, out, "most-read") != NZ_OK)
		return nz_err_set(err, NZ_NOMEM, "out of memory");
	return nz_store_most_read(env->store, env->arena, env->pc->now / 3600 - 23, env->pc->now,
				  language, NZ_MOST_READ_FRONT, items, n, err);
}

nz_rc nz_page_front_edition(const nz_page_env *env, const char *language, size_t page,
			    const nz_page_cursor *cursor, nz_page_out *out, nz_err *err)
{
	/* A translated story once, in the edition's language when it has that version. */
	nz_article_query q = {.prefer_language = language};
	nz_article_list list = {0};
	bool found;
	out->kind = NZ_PAGE_FRONT;
	if (page < 1)
		return nz__page_not_found(out, 404, NULL);
	if (nz_page_key(env, out, "front") != NZ_OK)
		return nz_err_set(err, NZ_NOMEM, "out of memory");
	nz_rc rc = list_public(env, &q, page, cursor, &list, out, &found, err);
	if (rc != NZ_OK || !found)
		return rc;
	if (page == 1 && language &&
	    (rc = nz__page_front_arrange(env, language, 0, &list, NZ_PAGE_PER_PAGE, out, err)) !=
		NZ_OK)
		return rc;
	out->n_items = list.n;
	out->pages = page_count(list.total);
	nz_front_block *blocks = NULL;
	size_t n_blocks = 0;
	if (page == 1 && (rc = nz__page_front_blocks(env, language, &list, NZ_FRONT_SLOTS, &blocks,
						     &n_blocks, out, err)) != NZ_OK)
		return rc;
	nz_most_read *most = NULL;
	size_t n_most = 0;
	if (page == 1 && (rc = most_read(env, language, &most, &n_most, out, err)) != NZ_OK)
		return rc;
	json_t *view = nz_view_front(env->pc, list.items, list.n, page, page_count(list.total));
	if (view && page == 1 &&
	    (!nz_view_front_top(view, NZ_FRONT_SLOTS - 1) ||
	     !nz_view_front_most_read(view, env->pc, most, n_most) ||
	     !nz_view_front_blocks(view, env->pc, blocks, n_blocks))) {
		json_decref(view);
		view = NULL;
	}
	return nz_page_render(env, "front", view, out, err);
}

/* Finds the section, author or tag a list page is about; fills the view's title and path, the
 * query's filter and, for a section, *section_id. NZ_NOTFOUND when there is none. */
static nz_rc list_subject(const nz_page_env *env, nz_page_ctx *pc, const char *kind,
			  const char *slug, nz_list_view *lv, nz_article_query *q,
			  int64_t *section_id, nz_page_out *out, nz_err *err)
{
	nz_arena *arena = env->arena;
	nz_rc rc;
	int64_t id;
	if (strcmp(kind, "section") == 0) {
		nz_section *sec = NULL;
		if ((rc = nz_store_section_get(env->store, arena, slug, &sec, err)) != NZ_OK)
			return rc;
		lv->title = nz_section_name_in(arena, sec, nz__page_lang(pc));
		lv->path = nz_url_edition_path(arena, pc->site, pc->edition,
					       nz_url_section(arena, sec->slug));
		q->section_slug = sec->slug;
		/* A section's story once, in the edition's language (so are a tag's and an
		 * author's: below). */
		q->prefer_language = nz__page_lang(pc);
		pc->current_section = sec->slug;
		id = sec->id;
		*section_id = id;
	} else if (strcmp(kind, "author") == 0) {
		nz_author *au = NULL;
		if ((rc = nz_store_author_get(env->store, arena, slug, &au, err)) != NZ_OK)
			return rc;
		const nz_author_text *t = nz_author_text_for(au, nz__page_lang(pc));
		lv->title = nz_author_name(arena, au);
		lv->description = t && t->bio ? t->bio : au->bio;
		lv->author = au;
		lv->path = nz_url_edition_path(arena, pc->site, pc->edition,
					       nz_url_author(arena, au->slug));
		q->author_slug = au->slug;
		/* A story once: a version in another language goes for the edition's version
		 * when that one carries the byline too (the store checks). */
		q->prefer_language = nz__page_lang(pc);
		id = au->id;
	} else if (strcmp(kind, "tag") == 0) {
		nz_tag *tag = NULL;
		if ((rc = nz_store_tag_get(env->store, arena, slug, &tag, err)) != NZ_OK)
			return rc;
		lv->title = nz_tag_name(tag, nz__page_lang(pc));
		lv->description = nz_tag_description(tag, nz__page_lang(pc));
		lv->path =
		    nz_url_edition_path(arena, pc->site, pc->edition, nz_url_tag(arena, tag->slug));
		q->tag_slug = tag->slug;
		q->prefer_language = nz__page_lang(pc); /* the same, with the tag */
		id = tag->id;
	} else {
		return NZ_NOTFOUND;
	}
	if (!lv->path || nz_page_key(env, out, "%s-%lld", kind, (long long)id) != NZ_OK)
		return nz_err_set(err, NZ_NOMEM, "out of memory");
	return NZ_OK;
}

nz_rc nz_page_list(const nz_page_env *env, const char *kind, const char *slug, size_t page,
		   nz_page_out *out, nz_err *err)
{
	return nz_page_list_at(env, kind, slug, page, NULL, out, err);
}

nz_rc nz_page_list_at(const nz_page_env *env, const char *kind, const char *slug, size_t page,
		      const nz_page_cursor *cursor, nz_page_out *out, nz_err *err)
{
	nz_page_ctx pc = *env->pc;
	nz_page_env local = {env->store, &pc, env->arena};
	nz_list_view lv = {.kind = kind};
	nz_article_query q = {0};
	nz_article_list list = {0};
	bool found;
	out->kind = NZ_PAGE_LIST;
	if (page < 1)
		return nz__page_not_found(out, 404, NULL);
	int64_t section_id = 0;
	nz_rc rc = list_subject(&local, &pc, kind, slug, &lv, &q, &section_id, out, err);
	if (rc == NZ_NOTFOUND)
		return nz__page_not_found(out, 404, NULL);
	if (rc == NZ_OK)
		rc = list_public(&local, &q, page, cursor, &list, out, &found, err);
	if (rc != NZ_OK || !found)
		return rc;
	if (page == 1 && section_id > 0 && q.prefer_language &&
	    (rc = nz__page_front_arrange(&local, q.prefer_language, section_id, &list,
					 NZ_PAGE_PER_PAGE, out, err)) != NZ_OK)
		return rc;
	/* A tag or author exists for readers only through what is public: one used only by
	 * drafts or embargoed articles must not show its name. Sections are the site's own. */
	if (page == 1 && list.total == 0 && strcmp(kind, "section") != 0)
		return nz__page_not_found(out, 404, NULL);
	lv.items = list.items;
	lv.n = list.n;
	lv.page = page;
	lv.pages = page_count(list.total);
	out->n_items = list.n;
	out->pages = lv.pages;
	return nz_page_render(&local, "list", nz_view_list(&pc, &lv), out, err);
}

/* Adds a's live coverage, if it has one, to view (docs/live-coverage.md): the page changes
 * with each update (its key is the article's, which the change feed names on every update),
 * so its Last-Modified is the newest of them. A failure to load it gives the page without it;
 * a retracted article shows none. */
static json_t *live_view(const nz_page_env *env, const nz_article *a, nz_page_out *out,
			 json_t *view)
{
	nz_live live;
	nz_err err = {0};
	if (a->status == NZ_STATUS_RETRACTED || /* its text is withdrawn, and so are they */
	    nz_store_live_get(env->store, env->arena, a->id, &live, &err) != NZ_OK ||
	    !live.started_at)
		return view;
	nz__page_modified(out, live.ended_at ? live.ended_at : live.started_at);
	for (size_t i = 0; i < live.n_updates; i++)
		nz__page_modified(out, live.updates[i].updated_at);
	json_t *lj = NULL;
	if (!nz_view_article_live(view, env->pc, &live) ||
	    !(lj = json_object_get(json_object_get(view, "article"), "live")) ||
	    (!live.ended_at && /* the page's own event stream (web/public/live.c) */
	     json_object_set_new(lj, "events",
				 json_sprintf("/live/%lld/events", (long long)a->id)) != 0)) {
		json_decref(view);
		return NULL;
	}
	return view;
}

/* a's related articles: the stored list as light cards (one query); when there is none yet or it
 * is stale (a changed since, or one of its articles left the site), computed as the store does
 * (nz_store_related): never worse than computing it every time. The page does not store it: the
 * bulk pass (the server's jobs worker, a build's first step) does, and refreshes the lists of
 * the article's new neighbours at the same time, which a list stored here would keep it from
 * seeing as changed. A computed list is not in the table the change feed's "related-<id>"
 * follows, so the page names each of its articles instead, and NZ_STORE_RELATED_LIVE_KEY, which
 * the pass names once it stored lists. */
static nz_rc related_list(const nz_page_env *env, const nz_article *a, nz_article_list *out,
			  nz_page_out *page)
{
	nz_err err = {0};
	nz_related_state state = NZ_RELATED_NONE;
	nz_rc rc = nz_store_related_stored(env->store, env->arena, a->id, a->revision, env->pc->now,
					   NZ_STORE_RELATED_COUNT, out, &state, &err);
	if (rc == NZ_OK && state == NZ_RELATED_FRESH)
		return NZ_OK;
	rc = nz_store_related(env->store, env->arena, a, env->pc->now, NZ_STORE_RELATED_COUNT, out,
			      &err);
	if (rc == NZ_OK)
		rc = nz_page_key(env, page, "%s", NZ_STORE_RELATED_LIVE_KEY);
	for (size_t i = 0; rc == NZ_OK && i < out->n; i++)
		rc = nz_page_key(env, page, "article-%lld", (long long)out->items[i].id);
	return rc;
}

/* The article view with hreflang links to its published translations and its related
 * articles, loaded from the store. A failure to load either still gives a right page. */
static json_t *article_view(const nz_page_env *env, const nz_article *a, nz_page_out *out)
{
	nz_article *tr = NULL;
	size_t n = 0;
	nz_err err = {0};
	nz_article_list related = {0};
	json_t *view = nz_view_article(env->pc, a);
	if (!view)
		return NULL;
	if (nz_store_article_translations(env->store, env->arena, a, env->pc->now, &tr, &n, &err) ==
	    NZ_OK) {
		for (size_t i = 0; i < n; i++)
			nz_page_key(env, out, "article-%lld", (long long)tr[i].id);
		if (!nz_view_article_translations(view, env->pc, a, tr, n)) {
			json_decref(view);
			return NULL;
		}
	}
	if (related_list(env, a, &related, out) == NZ_OK) {
		for (size_t i = 0; i < related.n && out->n_related < 8; i++)
			out->related[out->n_related++] = related.items[i].id;
		json_t *rel = nz_view_related(env->pc, related.items, related.n, a->language);
		if (rel)
			json_object_set_new(view, "related", rel);
	}
	return live_view(env, a, out, view);
}

nz_rc nz_page_article_loaded(const nz_page_env *env, const nz_article *a, nz_page_out *out,
			     nz_err *err)
{
	nz_page_ctx pc = *env->pc;
	nz_page_env local = {env->store, &pc, env->arena};
	out->kind = NZ_PAGE_ARTICLE;
	out->article_id = a->id;
	if (a->section)
		pc.current_section = a->section->slug;
	/* The article's language decides its chrome: a Korean story wears the Korean edition's. */
	if (a->language && nz_url_edition(env->arena, pc.site, a->language)[0])
		pc.edition = a->language;
	/* "related-<id>": its related-articles box, which the change feed names alone when a list
	 * changes or an article in it does (docs/related.md) */
	bool ok = nz_page_key(env, out, "article-%lld", (long long)a->id) == NZ_OK &&
		  nz_page_key(env, out, "related-%lld", (long long)a->id) == NZ_OK;
	if (ok && a->section && a->section->id)
		ok = nz_page_key(env, out, "section-%lld", (long long)a->section->id) == NZ_OK;
	for (size_t i = 0; ok && i < a->n_tags; i++)
		ok = nz_page_key(env, out, "tag-%lld", (long long)a->tags[i].id) == NZ_OK;
	for (size_t i = 0; ok && i < a->n_authors; i++)
		ok = nz_page_key(env, out, "author-%lld", (long long)a->authors[i].id) == NZ_OK;
	if (!ok)
		return nz_err_set(err, NZ_NOMEM, "out of memory");
	nz__page_modified(out, nz_page_article_modified(a));
	return nz_page_render(&local, "article", article_view(&local, a, out), out, err);
}

nz_rc nz_page_article(const nz_page_env *env, const char *slug, nz_page_out *out, nz_err *err)
{
	nz_article *a = NULL;
	const char *moved = NULL; /* a changed slug answers 301 to the new URL */
	out->kind = NZ_PAGE_ARTICLE;
	nz_rc rc = nz_store_article_by_slug(env->store, env->arena, slug, &a, err);
	if (rc == NZ_NOTFOUND) {
		nz_err ignored = {0};
		if (nz_store_slug_redirect(env->store, env->arena, slug, &moved, &ignored) ==
		    NZ_OK) {
			out->status = 301;
			out->location = nz_url_article(env->arena, moved);
			return out->location ? NZ_OK : nz_err_set(err, NZ_NOMEM, "out of memory");
		}
		return nz__page_not_found(out, 404, NULL);
	}
	if (rc != NZ_OK)
		return rc;
	if (!nz_article_is_public(a, env->pc->now))
		return nz__page_not_found(out, 404, NULL);
	return nz_page_article_loaded(env, a, out, err);
}

const char *nz_page_status_title(int status)
{
	switch (status) {
	case 400:
		return "Bad request";
	case 404:
		return "Page not found";
	case 405:
		return "Method not allowed";
	case 403: /* the back office's refusals */
		return "Not allowed";
	case 503:
		return "Service unavailable";
	default:
		return "Something went wrong";
	}
}

const char *nz_page_status_message(int status)
{
	switch (status) {
	case 404:
		return "There is no page at this address. It may have moved, or the link may be "
		       "mistyped.";
	case 405:
		return "This address does not accept that kind of request.";
	case 400:
		return "The request could not be understood.";
	default:
		return "The server could not answer this request. Please try again shortly.";
	}
}

nz_rc nz_page_error(const nz_page_env *env, int status, const char *message, nz_page_out *out,
		    nz_err *err)
{
	json_t *view = nz_view_error(env->pc, status, nz_page_status_title(status),
				     message ? message : nz_page_status_message(status));
	nz_rc rc = nz_page_render(env, "error", view, out, err);
	out->status = status;
	return rc;
}
