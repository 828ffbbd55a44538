/*
 * fixtures.h: articles the render tests share, in the reference page's shape (section, headline,
 * highlights intro + bullets, body, a Korean name in Latin script on the byline, copyright,
 * a captioned photo) but with our own text. Everything lives in the caller's arena.
 */
#ifndef NZ_TEST_RENDER_FIXTURES_H
#define NZ_TEST_RENDER_FIXTURES_H

#include <stdio.h>
#include <string.h>

#include "content/content.h"

#define FX_PUBLISHED ((nz_time)1773739800) /* 2026-03-17T09:30:00Z = 18:30 KST */

static inline nz_site fx_site(void)
{
	nz_site s;
	nz_site_defaults(&s);
	s.name = "Harbor Times";
	s.base_url = "https://news.example";
	s.language = "en";
	s.copyright = "<Copyright (c) Harbor Times, All rights reserved>";
	s.tagline = "News from the coast";
	snprintf(s.time_zone, sizeof s.time_zone, "Asia/Seoul");
	return s;
}

static nz_section fx_sections[] = {
    {1, "defense", "Defense", 1, NULL},
    {2, "economy", "Economy", 2, NULL},
    {3, "culture", "Culture", 3, NULL},
};

/* An English article with everything set. */
static inline nz_article fx_article_en(nz_arena *arena)
{
	nz_article a;
	memset(&a, 0, sizeof a);
	a.id = 42;
	strcpy(a.uuid, "0b7c3c1e-9a4e-4f7e-8d43-5d2a8b1f6c10");
	a.slug = "allies-agree-on-joint-port-drills";
	a.language = "en";
	a.status = NZ_STATUS_PUBLISHED;
	a.section = &fx_sections[0];
	a.headline = "Allies agree on joint port drills for the autumn";
	a.highlights_intro = "At the harbor ministers' talks:";
	const char **hl = nz_arena_alloc(arena, 2 * sizeof *hl);
	hl[0] = "Both sides back a larger exercise in October";
	hl[1] = "A hotline between the two navies opens next month";
	a.highlights = hl;
	a.n_highlights = 2;
	a.dateline = "BUSAN, March 17";
	a.body_markdown = "The two ministers met at the port authority on Tuesday and agreed on a "
			  "schedule of joint drills.\n\nOfficials said the **hotline** would be "
			  "tested weekly.\n";
	a.copyright = "<Copyright (c) Harbor Times, All rights reserved>";
	nz_author *au = nz_arena_zalloc(arena, 2 * sizeof *au);
	au[0].slug = "maeng-su-yeol";
	au[0].display_name = "Su-Yeol, Maeng";
	au[0].family_name = "Maeng";
	au[0].given_name = "Su-Yeol";
	au[0].order = NZ_NAME_EASTERN;
	au[1].slug = "jane-doe";
	au[1].family_name = "Doe";
	au[1].given_name = "Jane";
	au[1].email = "jane@example.org";
	au[1].order = NZ_NAME_WESTERN;
	a.authors = au;
	a.n_authors = 2;
	nz_media *m = nz_arena_zalloc(arena, sizeof *m);
	m->hash = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
	m->mime = "image/jpeg";
	m->caption = "Ministers shake hands at the port authority";
	m->credit = "Kim Ara";
	m->alt = "Two ministers shaking hands in front of flags";
	m->width = 1200;
	m->height = 800;
	a.media = m;
	a.n_media = 1;
	nz_tag *t = nz_arena_zalloc(arena, 2 * sizeof *t);
	t[0] = (nz_tag){.id = 1, .slug = "alliance", .name = "alliance"};
	t[1] = (nz_tag){.id = 2, .slug = "navy", .name = "navy"};
	a.tags = t;
	a.n_tags = 2;
	a.created_at = FX_PUBLISHED - 3600;
	a.published_at = FX_PUBLISHED;
	a.updated_at = FX_PUBLISHED;
	a.revision = 3;
	return a;
}

/* A Korean article: Hangul byline, Hangul tag slug, a caption without a photo. */
static inline nz_article fx_article_ko(nz_arena *arena)
{
	nz_article a;
	memset(&a, 0, sizeof a);
	a.id = 43;
	strcpy(a.uuid, "5e1f7a2b-3c4d-4e5f-8a9b-0c1d2e3f4a5b");
	a.slug = "항만-합동훈련-합의";
	a.language = "ko";
	a.status = NZ_STATUS_PUBLISHED;
	a.section = &fx_sections[0];
	a.headline = "양국, 가을 항만 합동훈련 합의";
	a.highlights_intro = "항만 장관 회담에서:";
	const char **hl = nz_arena_alloc(arena, sizeof *hl);
	hl[0] = "10월에 확대 훈련 실시";
	a.highlights = hl;
	a.n_highlights = 1;
	a.body_markdown = "양국 장관은 17일 항만청에서 만나 합동훈련 일정에 합의했다.\n";
	nz_author *au = nz_arena_zalloc(arena, sizeof *au);
	au[0].slug = "김민준";
	au[0].family_name = "김";
	au[0].given_name = "민준";
	au[0].order = NZ_NAME_HANGUL;
	a.authors = au;
	a.n_authors = 1;
	nz_media *m = nz_arena_zalloc(arena, sizeof *m);
	m->caption = "회담 중인 양국 장관";
	a.media = m;
	a.n_media = 1;
	nz_tag *t = nz_arena_zalloc(arena, sizeof *t);
	t[0] = (nz_tag){.id = 3, .slug = "동맹", .name = "동맹"};
	a.tags = t;
	a.n_tags = 1;
	a.published_at = FX_PUBLISHED;
	a.updated_at = FX_PUBLISHED + 7200;
	a.revision = 1;
	return a;
}

/* The least an article can be: every optional field unset. */
static inline nz_article fx_article_bare(void)
{
	nz_article a;
	memset(&a, 0, sizeof a);
	a.slug = "bare";
	a.language = "en";
	a.status = NZ_STATUS_DRAFT;
	a.headline = "Bare";
	return a;
}

/* Where needle first occurs in hay, or -1. */
static inline long fx_pos(const char *hay, const char *needle)
{
	const char *p = strstr(hay, needle);
	return p ? (long)(p - hay) : -1;
}

#endif
