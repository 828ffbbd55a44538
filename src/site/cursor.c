/*
 * site/cursor: keyset cursors for the export's deep list pages. Page N of the front
 * page or of a section, tag or author list is found with OFFSET (N-1)*20 by the server, which
 * costs a walk over every article before it, and with a count of the whole list: for a whole
 * export that is quadratic in the archive. The planner instead reads each list's order keys
 * once (nz_store_article_keys) and gives every page after the first the key of the last
 * article of the page before it, and the list's length; the producer then reads just that page
 * (nz_page_front_at, nz_page_list_at) and makes the same bytes. The cursor also carries the
 * page's own ids (the keys after it), so the worker loads those articles, through its cache,
 * without a list query at all; a feed gets the first ids of its list the same way.
 *
 * An incremental build reads no list for a deep page of a list it does not remake whole (none
 * of its articles came, went or moved): the page's ids are its manifest entry's article keys,
 * and the list's length is the full pages before the last one plus the last one's articles.
 *
 * Rules: planner only (one thread); keys live in the build's arena for the whole build; a job
 * whose page is past the end gets no cursor (the producer then answers its 404 as usual).
 */
#include <stdlib.h>
#include <string.h>

#include "site/build_int.h"

/* The keys of a list, read on first use: the front page (subject "front") or a section's,
 * tag's or author's, with a translated story once in language (as the pages show them) or,
 * with language NULL, every version (as a tag's and an author's feeds do). */
static nz_rc list_keys(nz__build *b, const char *subject, const char *slug, const char *language,
		       const nz__list_keys **out, nz_err *err)
{
	bool front = strcmp(subject, "front") == 0;
	const char *edition = language ? language : "*"; /* "*": every language */
	*out = NULL;
	for (size_t i = 0; i < b->n_lists; i++)
		if (strcmp(b->lists[i].subject, subject) == 0 &&
		    strcmp(b->lists[i].slug, slug) == 0 &&
		    strcmp(b->lists[i].edition, edition) == 0) {
			*out = &b->lists[i];
			return NZ_OK;
		}
	nz_article_query q = {.public_only = true, .now = b->pc.now, .prefer_language = language};
	if (strcmp(subject, "section") == 0)
		q.section_slug = slug;
	else if (strcmp(subject, "tag") == 0)
		q.tag_slug = slug;
	else if (strcmp(subject, "author") == 0)
		q.author_slug = slug;
	else if (!front)
		return NZ_OK;
	if (NZ_ARENA_GROW(b->arena, b->lists, b->n_lists + 1, b->cap_lists) != NZ_OK)
		return nz_err_set(err, NZ_NOMEM, "out of memory");
	nz__list_keys *l = &b->lists[b->n_lists];
	*l = (nz__list_keys){.subject = nz_arena_strdup(b->arena, subject),
			     .slug = nz_arena_strdup(b->arena, slug),
			     .edition = nz_arena_strdup(b->arena, edition)};
	if (!l->subject || !l->slug || !l->edition)
		return nz_err_set(err, NZ_NOMEM, "out of memory");
	nz_rc rc = nz_store_article_keys(b->store, b->arena, &q, &l->keys, &l->n, err);
	if (rc != NZ_OK)
		return rc;
	b->n_lists++;
	*out = l;
	return NZ_OK;
}

/* The language a job's pages show a translated story in: its edition's, or the site's. */
static const char *job_language(const nz__build *b, const nz__job *j)
{
	return j->edition ? j->edition : b->pc.site ? b->pc.site->language : NULL;
}

/* The ids of keys[from..from+n) into the build's arena, for j's cursor. */
static nz_rc give_ids(nz__build *b, nz__job *j, const nz__list_keys *l, size_t from, size_t n,
		      nz_err *err)
{
	int64_t *ids = nz_arena_alloc(b->arena, (n ? n : 1) * sizeof *ids);
	if (!ids)
		return nz_err_set(err, NZ_NOMEM, "out of memory");
	for (size_t i = 0; i < n; i++)
		ids[i] = l->keys[from + i].id;
	j->cursor.ids = ids;
	j->cursor.n_ids = n;
	return NZ_OK;
}

nz_rc nz__plan_feed_ids(nz__build *b, nz__job *j, nz_err *err)
{
	const nz__list_keys *l = NULL;
	const char *subject = j->subject ? j->subject : "";
	bool every_language = strcmp(subject, "tag") == 0 || strcmp(subject, "author") == 0;
	if (j->kind != NZ__JOB_FEED || j->has_cursor || strcmp(subject, "corrections") == 0)
		return NZ_OK;
	nz_rc rc =
	    list_keys(b, strcmp(subject, "site") == 0 ? "front" : subject, j->slug ? j->slug : "",
		      every_language ? NULL : job_language(b, j), &l, err);
	if (rc != NZ_OK || !l)
		return rc;
	j->cursor = (nz_page_cursor){.total = l->n};
	j->has_cursor = true;
	return give_ids(b, j, l, 0, l->n < NZ_PAGE_FEED_FETCH ? l->n : NZ_PAGE_FEED_FETCH, err);
}

nz_rc nz__plan_cursor(nz__build *b, nz__job *j, nz_err *err)
{
	const nz__list_keys *l = NULL;
	j->has_cursor = false;
	if ((j->kind != NZ__JOB_FRONT && j->kind != NZ__JOB_LIST) || j->page < 2)
		return NZ_OK;
	bool front = j->kind == NZ__JOB_FRONT;
	if (!front && (!j->subject || !j->slug))
		return NZ_OK;
	nz_rc rc = list_keys(b, front ? "front" : j->subject, front ? "" : j->slug,
			     job_language(b, j), &l, err);
	if (rc != NZ_OK || !l)
		return rc;
	size_t last = (j->page - 1) * NZ_PAGE_PER_PAGE; /* articles on the pages before */
	if (last >= l->n)
		return NZ_OK;
	j->cursor = (nz_page_cursor){.before_time = l->keys[last - 1].time,
				     .before_id = l->keys[last - 1].id,
				     .total = l->n};
	j->has_cursor = true;
	/* the page's own ids too: the worker loads them (through its cache), no list query */
	size_t n = l->n - last < NZ_PAGE_PER_PAGE ? l->n - last : NZ_PAGE_PER_PAGE;
	return give_ids(b, j, l, last, n, err);
}

/* The ids of the "article-<id>" keys of a manifest entry, in order, into ids[0..max); how
 * many there are (more than max when they do not fit). */
static size_t card_ids(const char *keys, int64_t *ids, size_t max)
{
	size_t n = 0;
	for (const char *p = keys; *p;) {
		size_t len = strcspn(p, ",");
		char *end = NULL;
		long long id = strncmp(p, "article-", 8) == 0 ? strtoll(p + 8, &end, 10) : 0;
		if (id > 0 && end == p + len && n++ < max)
			ids[n - 1] = (int64_t)id;
		p += len + (p[len] == ',');
	}
	return n;
}

/* The old manifest's entry for page `page` of j's list, or NULL. */
static const nz__mf_file *kept_page(nz__build *b, const nz__job *j, size_t page)
{
	nz__job probe = *j;
	bool html;
	probe.page = page;
	const char *url = nz__site_job_url(b->arena, b->pc.site, &probe, &html);
	const nz__mf_file *f = url ? nz__manifest_find(b->old, url) : NULL;
	return f && strcmp(f->owner, j->owner) == 0 ? f : NULL;
}

nz_rc nz__plan_cursor_kept(nz__build *b, const nz__mf_file *f, nz__job *j, nz_err *err)
{
	j->has_cursor = false;
	if ((j->kind != NZ__JOB_FRONT && j->kind != NZ__JOB_LIST) || j->page < 2)
		return NZ_OK;
	int64_t *ids = nz_arena_alloc(b->arena, NZ_PAGE_PER_PAGE * sizeof *ids);
	if (!ids)
		return nz_err_set(err, NZ_NOMEM, "out of memory");
	size_t n = card_ids(f->keys, ids, NZ_PAGE_PER_PAGE), pages = j->page, n_last = n;
	while (kept_page(b, j, pages + 1)) /* the list's last page */
		pages++;
	if (pages > j->page) {
		int64_t unused[NZ_PAGE_PER_PAGE];
		n_last = card_ids(kept_page(b, j, pages)->keys, unused, NZ_PAGE_PER_PAGE);
	}
	/* Anything but full pages before a last one that is not empty: read the list. */
	if (n == 0 || n > NZ_PAGE_PER_PAGE || (pages > j->page && n != NZ_PAGE_PER_PAGE) ||
	    n_last == 0 || n_last > NZ_PAGE_PER_PAGE)
		return nz__plan_cursor(b, j, err);
	j->cursor = (nz_page_cursor){
	    .total = (pages - 1) * NZ_PAGE_PER_PAGE + n_last, .ids = ids, .n_ids = n};
	j->has_cursor = true;
	return NZ_OK;
}
