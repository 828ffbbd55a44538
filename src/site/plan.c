/*
 * site/plan: what a build makes, in three phases (each runs on every thread):
 *   1. article pages (which tell the lists each article is on and its media), plus what
 *      needs no article: sections, the front page, feeds, sitemaps, theme assets, 404, search,
 *      the static pages (any change to one is a 'site' change: a full build);
 *   2. page 1 of every tag and author list found in phase 1 with their feeds, and media;
 *   3. pages 2..N of every list (page 1 said how many there are).
 * A full build plans everything. An incremental build starts from the change feed's keys since
 * the manifest's seq and plans only:
 *   - the pages of articles that changed, appeared or left (their id in the keys, new in the
 *     public listing, or gone from it);
 *   - every page of a list (and its feeds) whose membership or order changed: an article joined
 *     or left it, or its status, publication time, time in lists (a live story's update),
 *     language, translation group, section, tags or authors changed (the article's
 *     signature), or the list's own name or description changed;
 *   - otherwise only the pages and feeds that show a changed article (their manifest keys);
 *     an article made again only because its related box changed ("related-<id>") changes
 *     its own page, not its cards on lists, so those are not made again for it;
 *   - the sitemap index and robots.txt (their lastmod moves with any change), the article
 *     sitemap child of each article made again (children are id ranges, pages/feeds.c) except
 *     one made again only for its related box (its sitemap entry did not change), and the
 *     corrections feeds when a correction or the list of articles changed.
 * Not followed: other articles' related lists, which any publication can reorder (the ranking
 * weighs words by how rare they are in the whole archive); those pages are made again when
 * anything else changes them, and on --full.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "site/build_int.h"

#define REFS_PAGE 1000
#define FEW_KEYS 8

static const char *const list_kinds[] = {"section", "tag", "author"};

static nz_rc nomem(nz_err *err)
{
	return nz_err_set(err, NZ_NOMEM, "out of memory");
}

/* The site's other editions (docs/editions.md), their codes in the build's arena: the front
 * page, the sections and search are made in each of them too. */
static size_t other_editions(nz__build *b, const char *out[NZ_EDITIONS_MAX])
{
	char codes[NZ_EDITIONS_MAX][16];
	size_t n = nz_site_editions(b->pc.site, codes, NZ_EDITIONS_MAX), k = 0;
	for (size_t i = 1; i < n; i++) /* codes[0]: the site's own language */
		if ((out[k] = nz_arena_strdup(b->arena, codes[i])) != NULL)
			k++;
	return k;
}

/* Page 1 of a list (or of the front page: kind "front") and its three feeds, in the site's
 * edition and every other one (a tag's page links its twin in each), under the same owner. */
static nz_rc add_subject(nz__build *b, nz__jobs *js, const char *kind, const char *slug,
			 const char *key, nz_err *err)
{
	bool front = strcmp(kind, "front") == 0;
	const char *editions[NZ_EDITIONS_MAX + 1] = {NULL};
	size_t n = 1 + other_editions(b, editions + 1);
	for (size_t e = 0; e < n; e++) {
		nz__job page = {.kind = front ? NZ__JOB_FRONT : NZ__JOB_LIST,
				.subject = kind,
				.slug = slug,
				.page = 1,
				.owner = key,
				.edition = editions[e]};
		if (!nz__jobs_add(js, &page))
			return nomem(err);
		for (size_t f = 0; f < 3; f++) {
			nz__job feed = {.kind = NZ__JOB_FEED,
					.subject = front ? "site" : kind,
					.slug = slug,
					.arg = nz_page_feed_names[f],
					.owner = key,
					.edition = editions[e]};
			if (!nz__jobs_add(js, &feed))
				return nomem(err);
		}
	}
	return nz__build_owner(b, key);
}

static nz_rc add_simple(nz__jobs *js, nz__job_kind kind, const char *slug, const char *owner,
			nz_err *err)
{
	nz__job j = {.kind = kind, .slug = slug, .owner = owner};
	return nz__jobs_add(js, &j) ? NZ_OK : nomem(err);
}

/* The sitemap index, the pages and News sitemaps and robots.txt: remade on every change (the
 * index's lastmod moves with any). The article children are added one by one (add_child). */
static nz_rc add_sitemaps(nz__build *b, nz__jobs *js, nz_err *err)
{
	nz_rc rc = add_simple(js, NZ__JOB_SITEMAP_INDEX, NULL, "sitemaps", err);
	if (!rc)
		rc = add_simple(js, NZ__JOB_SITEMAP_CHILD, "pages.xml", "sitemaps", err);
	if (!rc)
		rc = add_simple(js, NZ__JOB_NEWS, NULL, "sitemaps", err);
	if (!rc)
		rc = add_simple(js, NZ__JOB_ROBOTS, NULL, "sitemaps", err);
	return rc ? rc : nz__build_owner(b, "sitemaps");
}

/* The article sitemap child that lists article id, once a build: its own owner
 * ("sitemap-<k>"), so the children an incremental build leaves alone are kept, and one left
 * empty (a 404) is removed. */
static nz_rc add_child(nz__build *b, nz__jobs *js, int64_t id, nz_err *err)
{
	size_t k = nz_page_sitemap_child_of(id);
	char owner[48];
	snprintf(owner, sizeof owner, "sitemap-%zu", k);
	if (!k || nz__build_has_owner(b, owner))
		return NZ_OK;
	const char *file = nz_arena_printf(b->arena, "articles-%zu.xml", k);
	const char *kept = nz_arena_strdup(b->arena, owner);
	if (!file || !kept)
		return nomem(err);
	nz_rc rc = add_simple(js, NZ__JOB_SITEMAP_CHILD, file, kept, err);
	return rc ? rc : nz__build_owner(b, kept);
}

/* The children of the articles made again in all[from..to) and planned in js: every change
 * to a sitemap entry (its article's slug, times, photos, translations) makes its page again.
 * changed (NULL: every article): the "article-<id>" keys of the articles in all[from..to)
 * whose entry may have changed; one made again only for its related box ("related-<id>")
 * keeps its entry, so its child is not made again for it. */
static nz_rc add_children(nz__build *b, nz__jobs *js, size_t from, size_t to,
			  const nz_strset *changed, nz_err *err)
{
	nz_rc rc = NZ_OK;
	for (size_t i = from; !rc && i < to; i++) {
		const nz__job *a = &b->all.items[i];
		char key[48];
		int len = snprintf(key, sizeof key, "article-%lld", (long long)a->id);
		if (a->kind == NZ__JOB_ARTICLE &&
		    (!changed || nz_strset_has(changed, key, (size_t)len)))
			rc = add_child(b, js, a->id, err);
	}
	for (size_t i = 0, n = js->n; !rc && i < n; i++)
		if (js->items[i].kind == NZ__JOB_ARTICLE)
			rc = add_child(b, js, js->items[i].id, err);
	return rc;
}

static nz_rc add_corrections(nz__build *b, nz__jobs *js, nz_err *err)
{
	for (size_t f = 0; f < 3; f++) {
		nz__job feed = {.kind = NZ__JOB_FEED,
				.subject = "corrections",
				.arg = nz_page_feed_names[f],
				.owner = "corrections"};
		if (!nz__jobs_add(js, &feed))
			return nomem(err);
	}
	return nz__build_owner(b, "corrections");
}

/* 404.html, the search notice, the static pages and the theme's assets. */
static nz_rc add_static(nz__build *b, nz__jobs *js, nz_err *err)
{
	nz_rc rc = add_simple(js, NZ__JOB_NOT_FOUND, NULL, "static", err);
	if (!rc)
		rc = add_simple(js, NZ__JOB_SEARCH, NULL, "static", err);
	if (!rc)
		rc = add_simple(js, NZ__JOB_MANIFEST, NULL, "static", err);
	const char *editions[NZ_EDITIONS_MAX];
	for (size_t i = 0, n = other_editions(b, editions); !rc && i < n; i++) {
		nz__job j = {.kind = NZ__JOB_SEARCH, .owner = "static", .edition = editions[i]};
		rc = nz__jobs_add(js, &j) ? NZ_OK : nomem(err);
	}
	for (size_t i = 0; !rc && i < b->pc.n_pages; i++) { /* a change to one is a full build */
		rc = add_simple(js, NZ__JOB_STATIC_PAGE, b->pc.pages[i].slug, "static", err);
		nz_static_page v; /* and its versions in the other editions ("ko/about/") */
		for (size_t k = 0, n = other_editions(b, editions); !rc && k < n; k++) {
			nz__job j = {.kind = NZ__JOB_STATIC_PAGE,
				     .slug = b->pc.pages[i].slug,
				     .owner = "static",
				     .edition = editions[k]};
			if (nz_static_page_in(b->arena, &b->pc.pages[i], editions[k], &v))
				rc = nz__jobs_add(js, &j) ? NZ_OK : nomem(err);
		}
	}
	for (size_t i = 0; !rc && i < nz_theme_asset_count(b->pc.theme); i++) {
		nz__job j = {.kind = NZ__JOB_ASSET, .id = (int64_t)i, .owner = "static"};
		rc = nz__jobs_add(js, &j) ? NZ_OK : nomem(err);
	}
	return rc ? rc : nz__build_owner(b, "static");
}

static nz_rc add_article(nz__build *b, nz__jobs *js, int64_t id, const char *slug, nz_err *err)
{
	const char *owner = nz_arena_printf(b->arena, "article-%lld", (long long)id);
	const char *s = nz_arena_strdup(b->arena, slug);
	nz__job j = {.kind = NZ__JOB_ARTICLE, .id = id, .slug = s, .owner = owner};
	if (!owner || !s || !nz__jobs_add(js, &j))
		return nomem(err);
	return nz__build_owner(b, owner);
}

/* Every public article (retracted too: their URL answers with the notice), light, by id. */
typedef nz_rc (*ref_fn)(nz__build *b, void *ctx, const nz_article *ref, nz_err *err);

static nz_rc each_ref(nz__build *b, ref_fn fn, void *ctx, size_t *count, nz_err *err)
{
	nz_article_ref_query q = {.now = b->pc.now, .with_retracted = true, .limit = REFS_PAGE};
	nz_rc rc = NZ_OK;
	*count = 0;
	for (;;) {
		nz_arena *page = nz_arena_new();
		nz_article *rows = NULL;
		size_t n = 0;
		rc = page ? nz_store_article_refs(b->store, page, &q, &rows, &n, err) : nomem(err);
		for (size_t i = 0; rc == NZ_OK && i < n; i++)
			rc = fn(b, ctx, &rows[i], err);
		*count += n;
		if (n > 0)
			q.after_id = rows[n - 1].id;
		nz_arena_free(page);
		if (rc != NZ_OK || n < q.limit)
			return rc;
	}
}

/* Media files of the articles made in all[from..to), once each. */
static nz_rc add_media(nz__build *b, nz__jobs *js, size_t from, size_t to, nz_err *err)
{
	nz_strset planned = NZ_STRSET_INIT;
	nz_rc rc = NZ_OK;
	for (size_t i = from; !rc && i < to; i++) {
		const nz__job *a = &b->all.items[i];
		for (size_t m = 0;
		     !rc && a->kind == NZ__JOB_ARTICLE && a->status == 200 && m < a->n_media; m++) {
			const char *url = a->media_urls[m];
			if (nz_strset_has(&planned, url, strlen(url)))
				continue;
			nz__job j = {.kind = NZ__JOB_MEDIA, .arg = url, .owner = "media"};
			if (nz_strset_add(&planned, url, strlen(url), NULL) != NZ_OK ||
			    !nz__jobs_add(js, &j))
				rc = nomem(err);
		}
	}
	nz_strset_free(&planned);
	return rc;
}

/* Pages 2..N of every list remade whole whose page 1 is in all[from..to). */
static nz_rc add_more_pages(nz__build *b, nz__jobs *js, size_t from, size_t to, nz_err *err)
{
	for (size_t i = from; i < to; i++) {
		nz__job first = b->all.items[i];
		bool list = (first.kind == NZ__JOB_FRONT || first.kind == NZ__JOB_LIST) &&
			    nz__build_has_owner(b, first.owner);
		for (size_t p = 2;
		     list && first.page == 1 && first.status == 200 && p <= first.pages; p++) {
			nz__job j = first;
			j.page = p;
			j.status = 0;
			j.written = false;
			memset(&j.file, 0, sizeof j.file);
			nz_rc rc = nz__plan_cursor(b, &j, err);
			if (rc != NZ_OK)
				return rc;
			if (!nz__jobs_add(js, &j))
				return nomem(err);
		}
	}
	return NZ_OK;
}

/* Adds the lists article job a is on that are not planned yet (sections too when asked). */
static nz_rc add_job_subjects(nz__build *b, nz__jobs *js, const nz__job *a, bool sections,
			      nz_err *err)
{
	const char *p = a->subjects;
	for (size_t k = 0; a->status == 200 && k < a->n_subjects; k++) {
		size_t len = strcspn(p, ",");
		char *key = nz_arena_strndup(b->arena, p, len);
		p += len + (p[len] == ',');
		if (!key)
			return nomem(err);
		const char *kind = strncmp(key, "tag-", 4) == 0      ? "tag"
				   : strncmp(key, "author-", 7) == 0 ? "author"
								     : "section";
		if ((!sections && strcmp(kind, "section") == 0) || nz__build_has_owner(b, key))
			continue;
		nz_rc rc = add_subject(b, js, kind, a->subject_slugs[k], key, err);
		if (rc != NZ_OK)
			return rc;
	}
	return NZ_OK;
}

/* The same for every article job in all[from..to). */
static nz_rc add_article_subjects(nz__build *b, nz__jobs *js, size_t from, size_t to, bool sections,
				  nz_err *err)
{
	nz_rc rc = NZ_OK;
	for (size_t i = from; !rc && i < to; i++)
		if (b->all.items[i].kind == NZ__JOB_ARTICLE)
			rc = add_job_subjects(b, js, &b->all.items[i], sections, err);
	return rc;
}

static nz_rc full_ref(nz__build *b, void *ctx, const nz_article *ref, nz_err *err)
{
	nz_rc rc = add_article(b, ctx, ref->id, ref->slug, err);
	return rc ? rc : add_child(b, ctx, ref->id, err);
}

nz_rc nz__plan_full(nz__build *b, nz_err *err)
{
	nz__jobs phase = {0};
	size_t n_articles = 0;
	b->every_owner = true;
	nz_rc rc = each_ref(b, full_ref, &phase, &n_articles, err);
	if (!rc)
		rc = add_subject(b, &phase, "front", NULL, "front", err);
	for (size_t i = 0; !rc && i < b->pc.n_sections; i++) {
		const nz_section *s = &b->pc.sections[i];
		const char *key = nz_arena_printf(b->arena, "section-%lld", (long long)s->id);
		rc = key ? add_subject(b, &phase, "section", s->slug, key, err) : nomem(err);
	}
	if (!rc)
		rc = add_corrections(b, &phase, err);
	if (!rc)
		rc = add_sitemaps(b, &phase, err);
	if (!rc)
		rc = add_static(b, &phase, err);
	b->planned = phase.n + n_articles / 4; /* a guess at the lists to come */
	size_t first = b->all.n;
	if (!rc)
		rc = nz__build_phase(b, &phase, err);
	size_t second = b->all.n;
	if (!rc)
		rc = add_article_subjects(b, &phase, first, second, false, err);
	if (!rc)
		rc = add_media(b, &phase, first, second, err);
	if (!rc)
		rc = nz__build_phase(b, &phase, err);
	if (!rc)
		rc = add_more_pages(b, &phase, first, b->all.n, err);
	if (!rc)
		rc = nz__build_phase(b, &phase, err);
	free(phase.items);
	return rc;
}

/* ---- incremental ---------------------------------------------------------------------------- */

typedef struct incr {
	const char *const *keys;
	size_t n_keys;
	nz__jobs *phase;
	nz_strset links;   /* "link-<id>" of articles whose links changed (or that left) */
	nz_strset changed; /* "article-<id>" of articles the feed named: their cards may differ */
	/* The same keys, while there are few (the usual edit): every file's keys are searched
	 * for them directly rather than each of its keys looked up (shows_changed). */
	const char *few[FEW_KEYS];
	size_t n_few;
	bool many;
} incr;

/* Adds key to set and to the few keys (copied into b->arena). */
static nz_rc note_key(nz__build *b, incr *in, nz_strset *set, const char *key, nz_err *err)
{
	bool added = false;
	if (nz_strset_add(set, key, strlen(key), &added) != NZ_OK)
		return nomem(err);
	if (!added || in->many)
		return NZ_OK;
	if (in->n_few == FEW_KEYS) {
		in->many = true;
		return NZ_OK;
	}
	if (!(in->few[in->n_few] = nz_arena_strdup(b->arena, key)))
		return nomem(err);
	in->n_few++;
	return NZ_OK;
}

/* Phase 1: the page of every article the change feed names. The feed names every article whose
 * public state, content or lists changed (and nz_store_change_tick those whose embargo or
 * publication time passed), so no listing of the whole archive is needed; "related-<id>": only
 * the article's related-articles box changed (docs/related.md), which is on its page alone. */
int64_t nz__plan_key_article(const char *key)
{
	char *end = NULL;
	if (strncmp(key, "article-", 8) != 0 && strncmp(key, "related-", 8) != 0)
		return 0;
	long long id = strtoll(key + 8, &end, 10);
	return end && !*end && id > 0 ? (int64_t)id : 0;
}

static nz_rc plan_articles(nz__build *b, incr *in, nz_err *err)
{
	for (size_t i = 0; i < in->n_keys; i++) {
		int64_t id = nz__plan_key_article(in->keys[i]);
		if (!id)
			continue;
		const nz__mf_article *old = nz__manifest_article(b->old, id);
		nz_rc rc = add_article(b, in->phase, id, old ? old->slug : "", err);
		/* "related-<id>" changes the article's own page only, not its cards elsewhere. */
		if (rc == NZ_OK && strncmp(in->keys[i], "article-", 8) == 0)
			rc = note_key(b, in, &in->changed, in->keys[i], err);
		if (rc != NZ_OK)
			return rc;
	}
	return NZ_OK;
}

/* Adds every key of a comma list to the subjects whose lists are remade. */
static nz_rc mark_subjects(nz__build *b, nz__jobs *js, const char *list, nz_err *err)
{
	const char *p = list;
	while (p && *p) {
		size_t len = strcspn(p, ",");
		char *key = nz_arena_strndup(b->arena, p, len);
		p += len + (p[len] == ',');
		if (!key)
			return nomem(err);
		nz__mf_subject *s = nz__manifest_subject(b->old, key);
		if (s && !nz__build_has_owner(b, key)) {
			nz_rc rc = add_subject(b, js, s->kind, s->slug, s->key, err);
			if (rc != NZ_OK)
				return rc;
		}
	}
	return NZ_OK;
}

/* After phase 1: the lists whose membership or order changed, and the articles whose links
 * changed, from the articles made again (a 404 is an article that left the site). */
static nz_rc plan_lists(nz__build *b, incr *in, size_t from, size_t to, nz_err *err)
{
	nz_rc rc = NZ_OK;
	bool front = false;
	for (size_t i = from; !rc && i < to; i++) {
		const nz__job *a = &b->all.items[i];
		nz__mf_article *old = nz__manifest_article(b->old, a->id);
		if (a->kind != NZ__JOB_ARTICLE)
			continue;
		if (!old || a->status != 200 || strcmp(old->link, a->link) != 0) {
			char key[48];
			snprintf(key, sizeof key, "link-%lld", (long long)a->id);
			if ((rc = note_key(b, in, &in->links, key, err)) != NZ_OK)
				return rc;
		}
		if (old && a->status == 200 && strcmp(old->sig, a->sig) == 0)
			continue;
		front = true;
		if (old)
			rc = mark_subjects(b, in->phase, old->subjects, err);
		if (!rc)
			rc = add_job_subjects(b, in->phase, a, true, err);
	}
	if (!rc && front && !nz__build_has_owner(b, "front"))
		rc = add_subject(b, in->phase, "front", NULL, "front", err);
	/* An empty corrections feed shows the newest publication's time. */
	if (!rc && front && !nz__build_has_owner(b, "corrections"))
		rc = add_corrections(b, in->phase, err);
	/* A list's own name or description changed (its key, without a membership change). */
	for (size_t i = 0; !rc && i < in->n_keys; i++) {
		nz__mf_subject *s = nz__manifest_subject(b->old, in->keys[i]);
		char head[NZ__SITE_HASH_HEX];
		if (!s || nz__build_has_owner(b, s->key))
			continue;
		nz_rc hr = nz__site_subject_head(b->store, s->kind, s->slug, head, err);
		if (hr == NZ_NOTFOUND || (hr == NZ_OK && strcmp(head, s->head) != 0))
			rc = add_subject(b, in->phase, s->kind, s->slug, s->key, err);
		else if (hr != NZ_OK)
			rc = hr;
	}
	return rc;
}

/* True when the comma list keys holds "article-<id>" of an article the change feed named (not
 * one made again only for its related box), or "link-<id>" of one whose links changed. */
static bool shows_changed(const incr *in, const char *keys)
{
	for (size_t i = 0; !in->many && i < in->n_few; i++) {
		size_t len = strlen(in->few[i]);
		for (const char *p = keys; (p = strstr(p, in->few[i])); p += len)
			if ((p == keys || p[-1] == ',') && (p[len] == ',' || p[len] == '\0'))
				return true;
	}
	if (!in->many)
		return false;
	const char *p = keys;
	while (*p) {
		size_t len = strcspn(p, ","); /* every file's keys are read: no copy of them */
		if ((len > 8 && strncmp(p, "article-", 8) == 0 &&
		     nz_strset_has(&in->changed, p, len)) ||
		    (len > 5 && strncmp(p, "link-", 5) == 0 && nz_strset_has(&in->links, p, len)))
			return true;
		p += len + (p[len] == ',');
	}
	return false;
}

static bool site_job_from_url(nz__build *b, const nz__mf_file *f, nz__job *j);

/* Reads a list or feed URL back into a job; false for anything else. Another edition's
 * ("/ko/section/x") is its page in the site's edition, marked with the edition. */
static bool job_from_url(nz__build *b, const nz__mf_file *f, nz__job *j)
{
	const char *editions[NZ_EDITIONS_MAX];
	for (size_t i = 0, n = other_editions(b, editions); i < n; i++) {
		size_t len = strlen(editions[i]);
		if (f->url[0] == '/' && strncmp(f->url + 1, editions[i], len) == 0 &&
		    f->url[len + 1] == '/') {
			nz__mf_file inner = *f;
			inner.url = f->url + len + 1;
			bool ok = site_job_from_url(b, &inner, j);
			j->edition = editions[i];
			return ok;
		}
	}
	return site_job_from_url(b, f, j);
}

static bool site_job_from_url(nz__build *b, const nz__mf_file *f, nz__job *j)
{
	char kind[16];
	int n = 0;
	size_t page = 1;
	*j = (nz__job){.owner = f->owner, .page = 1};
	if (strcmp(f->url, "/") == 0 || sscanf(f->url, "/page/%zu%n", &page, &n) == 1) {
		j->kind = NZ__JOB_FRONT;
		j->page = page;
		return true;
	}
	const char *last = strrchr(f->url, '/');
	if (strncmp(last, "/feed.", 6) == 0) {
		j->kind = NZ__JOB_FEED;
		j->arg = nz_arena_strdup(b->arena, last + 1);
	} else {
		j->kind = NZ__JOB_LIST;
	}
	if (sscanf(f->url, "/%15[a-z]/%n", kind, &n) != 1 || n == 0) {
		j->subject = "site";
		return j->kind == NZ__JOB_FEED && last == f->url;
	}
	const char *slug = f->url + n, *end = strchr(slug, '/');
	if (end && j->kind == NZ__JOB_LIST && sscanf(end, "/page/%zu", &j->page) != 1)
		return false;
	nz_buf dec;
	nz_buf_init(&dec, 4096);
	size_t len = end ? (size_t)(end - slug) : strlen(slug);
	bool ok = nz_url_decode(&dec, slug, len, false) == NZ_OK;
	j->slug = ok ? nz_arena_strdup(b->arena, nz_buf_cstr(&dec)) : NULL;
	nz_buf_free(&dec);
	int k;
	if (nz_enum_parse(list_kinds, 3, nz_str_c(kind), &k) == NZ_OK)
		j->subject = list_kinds[k];
	if (strcmp(kind, "corrections") == 0 && j->kind == NZ__JOB_FEED)
		j->subject = "corrections";
	return j->subject && (j->slug || strcmp(kind, "corrections") == 0);
}

/* The pages and feeds of lists not remade whole that show a changed article. */
static nz_rc plan_cards(nz__build *b, incr *in, nz_err *err)
{
	for (size_t i = 0; i < b->old->n_files; i++) {
		const nz__mf_file *f = &b->old->files[i];
		nz__job j;
		if (nz__build_has_owner(b, f->owner) || strncmp(f->owner, "sitemap", 7) == 0 ||
		    !shows_changed(in, f->keys))
			continue;
		if (strncmp(f->owner, "article-", 8) == 0) { /* a translation's page */
			const nz__mf_article *a = nz__manifest_article(b->old, atoll(f->owner + 8));
			nz_rc rc = a ? add_article(b, in->phase, a->id, a->slug, err) : NZ_OK;
			if (rc != NZ_OK)
				return rc;
			continue;
		}
		if (!job_from_url(b, f, &j))
			continue;
		/* its list was not remade whole: no article came, went or moved in it */
		nz_rc rc = nz__plan_cursor_kept(b, f, &j, err);
		if (rc != NZ_OK)
			return rc;
		if (!nz__jobs_add(in->phase, &j))
			return nomem(err);
	}
	return NZ_OK;
}

nz_rc nz__plan_incremental(nz__build *b, const char *const *keys, size_t n_keys, nz_err *err)
{
	nz__jobs phase = {0};
	incr in = {.keys = keys, .n_keys = n_keys, .phase = &phase};
	nz__manifest_article(b->old, 0); /* sorts the records before threads read them */
	nz_rc rc = plan_articles(b, &in, err);
	for (size_t i = 0; !rc && i < n_keys; i++)
		if (strcmp(keys[i], "corrections") == 0)
			rc = add_corrections(b, &phase, err);
	b->planned = phase.n;
	size_t first = b->all.n;
	if (!rc && phase.n)
		rc = nz__build_phase(b, &phase, err);
	size_t second = b->all.n;
	if (!rc)
		rc = plan_lists(b, &in, first, second, err);
	if (!rc)
		rc = plan_cards(b, &in, err);
	if (!rc)
		rc = add_media(b, &phase, first, second, err);
	if (!rc && n_keys > 0) /* their lastmod moves with any change */
		rc = add_sitemaps(b, &phase, err);
	if (!rc)
		rc = add_children(b, &phase, first, second, &in.changed, err);
	b->planned += phase.n;
	if (!rc && phase.n)
		rc = nz__build_phase(b, &phase, err);
	if (!rc)
		rc = add_more_pages(b, &phase, second, b->all.n, err);
	if (!rc && phase.n)
		rc = nz__build_phase(b, &phase, err);
	free(phase.items);
	nz_strset_free(&in.links);
	nz_strset_free(&in.changed);
	return rc;
}
