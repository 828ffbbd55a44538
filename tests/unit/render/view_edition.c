/*
 * Tests for render/view_edition.c through the front and list pages: the edition's chrome (the
 * strings file over the built-in labels, its section names, its home, nav and feed links, its
 * copyright line) and the language switch; and the site's own edition left as it was.
 */
#include "render_test.h"

static void korean_edition_front(void **state)
{
	fx *f = *state;
	nz_section sections[] = {{1, "defense", "Defense", 1, "{\"ko\":\"국방\"}"},
				 {2, "economy", "Economy", 2, "not json"}};
	nz_page_ctx pc = f->pc;
	pc.sections = sections;
	pc.n_sections = 2;
	pc.edition = "ko";
	nz_article a = fx_article_en(f->arena);
	char *html = render(f, "front", nz_view_front(&pc, &a, 1, 1, 1));
	const char *in_order[] = {
	    "<html lang=\"ko\">",
	    "href=\"/ko/feed.rss\"",
	    ">본문 바로가기</a>",
	    "<p class=\"site-name\"><a href=\"/ko/\">Harbor Times</a></p>",
	    "<nav class=\"edition-switch\" aria-label=\"언어판\">",
	    "<a href=\"/\" hreflang=\"en\" lang=\"en\">English</a>",
	    "action=\"/ko/search\"",
	    "<a href=\"/ko/section/defense\">국방</a>",
	    "<a href=\"/ko/section/economy\">Economy</a>", /* a bad names value: the one name */
	    "Copyright ⓒ Harbor Times. 무단 전재 및 재배포 금지.",
	};
	assert_in_order(html, in_order, sizeof in_order / sizeof in_order[0]);
	assert_null(strstr(html, "All rights reserved"));
	free(html);
}

static void site_edition_unchanged(void **state)
{
	fx *f = *state;
	nz_article a = fx_article_en(f->arena);
	char *html = render(f, "front", nz_view_front(&f->pc, &a, 1, 1, 1));
	const char *in_order[] = {
	    "<html lang=\"en\">",
	    "href=\"/feed.rss\"",
	    "<p class=\"site-name\"><a href=\"/\">Harbor Times</a></p>",
	    "<a href=\"/ko/\" hreflang=\"ko\" lang=\"ko\">한국어</a>",
	    "action=\"/search\"",
	    "<a href=\"/section/defense\">Defense</a>",
	    "All rights reserved",
	};
	assert_in_order(html, in_order, sizeof in_order / sizeof in_order[0]);
	free(html);
}

static void one_edition_no_switch(void **state)
{
	fx *f = *state;
	nz_site site = f->site;
	site.editions = "en";
	nz_page_ctx pc = f->pc;
	pc.site = &site;
	nz_article a = fx_article_en(f->arena);
	char *html = render(f, "front", nz_view_front(&pc, &a, 1, 1, 1));
	assert_null(strstr(html, "edition-switch"));
	free(html);
	/* a language that is not an edition gives no prefix */
	assert_string_equal(nz_url_edition(f->arena, &site, "ko"), "");
	assert_string_equal(nz_url_edition_path(f->arena, &f->site, "ko", "/tag/x"), "/ko/tag/x");
	assert_string_equal(nz_url_edition_path(f->arena, &f->site, "en", "/tag/x"), "/tag/x");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(korean_edition_front),
	    cmocka_unit_test(site_edition_unchanged),
	    cmocka_unit_test(one_edition_no_switch),
	};
	return cmocka_run_group_tests(tests, fx_setup, fx_teardown);
}
