/*
 * search_test.h: what the store's search tests share: a story added through the store with its
 * filters (section, tag, author, language, status, dates), and a search returning the slugs and
 * snippets found.
 */
#ifndef NZ_TEST_STORE_SEARCH_H
#define NZ_TEST_STORE_SEARCH_H

#include "search/search.h"
#include "store/store_test.h"

#define NOW 1800000000
#define DAY 86400

typedef struct story {
	const char *slug, *headline, *body, *lang, *section, *tag, *author;
	nz_status status; /* 0 (draft) means published here; drafts set draft */
	bool draft;
	nz_time published, embargo;
} story;

static inline int64_t add(fixture *f, story s)
{
	nz_status st = s.draft ? NZ_STATUS_DRAFT : s.status ? s.status : NZ_STATUS_PUBLISHED;
	nz_article *a = small_article(f->arena, s.slug, st, s.published ? s.published : NOW - DAY);
	a->headline = s.headline;
	a->body_markdown = s.body ? s.body : "";
	a->language = s.lang ? s.lang : "en";
	a->embargo_until = s.embargo;
	if (s.section) {
		a->section = nz_arena_zalloc(f->arena, sizeof(nz_section));
		a->section->slug = s.section;
	}
	if (s.tag) {
		a->tags = nz_arena_zalloc(f->arena, sizeof(nz_tag));
		a->tags[0].slug = s.tag;
		a->n_tags = 1;
	}
	if (s.author) {
		a->authors = nz_arena_zalloc(f->arena, sizeof(nz_author));
		a->authors[0].slug = s.author;
		a->authors[0].display_name = s.author;
		a->n_authors = 1;
	}
	if (nz_store_article_create(f->store, f->arena, a, NULL, &f->err) != NZ_OK)
		fail_msg("create %s: %s", s.slug, f->err.msg);
	return a->id;
}

typedef struct found {
	const char *slugs[32];
	const char *snippets[32];
	size_t n, total;
} found;

/* Searches with q and the filters in base (query, now and limit filled here). */
static inline found search_with(fixture *f, const char *q, nz_article_search base)
{
	found r = {0};
	nz_search_query parsed;
	nz_search_results res;
	assert_int_equal(nz_search_parse(f->arena, q, strlen(q), &parsed), NZ_OK);
	base.query = &parsed;
	if (!base.now)
		base.now = NOW;
	if (!base.limit)
		base.limit = 30;
	if (nz_store_search(f->store, f->arena, &base, &res, &f->err) != NZ_OK)
		fail_msg("search %s: %s", q, f->err.msg);
	for (size_t i = 0; i < res.n && i < 32; i++) {
		r.slugs[i] = res.items[i].article.slug;
		r.snippets[i] = res.items[i].snippet;
	}
	r.n = res.n;
	r.total = res.total;
	return r;
}

static inline found search(fixture *f, const char *q)
{
	return search_with(f, q, (nz_article_search){0});
}

#endif
