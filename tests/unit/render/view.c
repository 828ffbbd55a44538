/*
 * Tests for render/view.c through the default theme: the front page (lead story, then Recent
 * News), list pages (section, author, tag) with pagination, the error page, navigation, and the
 * shared helpers (excerpts, pagination links).
 */
#include "render_test.h"

static int setup(void **state)
{
	if (fx_setup(state) != 0)
		return -1;
	fx *f = *state;
	f->items[0] = fx_article_en(f->arena);
	f->items[1] = fx_article_ko(f->arena);
	f->items[2] = fx_article_en(f->arena);
	f->items[2].slug = "fishing-fleet-returns";
	f->items[2].headline = "Fishing fleet returns early";
	f->items[2].section = &fx_sections[1];
	f->items[2].body_markdown = "The fleet came back a day early.\n\n## Storm\n";
	f->items[3] = fx_article_bare();
	return 0;
}

static void front_page_lead_then_recent_news(void **state)
{
	fx *f = *state;
	char *html = render(f, "front", nz_view_front(&f->pc, f->items, 3, 1, 1));
	static const char *const order[] = {
	    "<html lang=\"en\">",
	    "<title>Harbor Times</title>",
	    "<link rel=\"canonical\" href=\"https://news.example/\">",
	    "<nav class=\"sections\" aria-label=\"Sections\">",
	    "<main id=\"main\"",
	    "<h1 class=\"visually-hidden\">Harbor Times</h1>",
	    "<article class=\"lead-story\">",
	    "<a href=\"/section/defense\">Defense</a>",
	    "<h2 class=\"lead-headline\"><a href=\"/article/allies-agree-on-joint-port-drills\">"
	    "Allies agree on joint port drills for the autumn</a></h2>",
	    "<div class=\"lead-image\">",
	    "<picture>",
	    "fetchpriority=\"high\">",
	    "<li>Both sides back a larger exercise in October</li>",
	    "<p class=\"lead-summary\">The two ministers met at the port authority on Tuesday",
	    "<p class=\"byline\">By <a href=\"/author/maeng-su-yeol\" rel=\"author\">Maeng "
	    "Su-Yeol</a>",
	    "<time datetime=\"2026-03-17T18:30:00+09:00\">March 17, 2026 18:30 KST</time>",
	    "</article>",
	    "<section class=\"recent\" aria-labelledby=\"recent\">",
	    "<h2 id=\"recent\">Recent News</h2>",
	    "<ol class=\"cards\">",
	    "<li class=\"card\" lang=\"ko\">",
	    "양국, 가을 항만 합동훈련 합의",
	    "2026년 3월 17일",
	    "<li class=\"card\">",
	    "<a href=\"/article/fishing-fleet-returns\">Fishing fleet returns early</a>",
	    "<a class=\"kicker\" href=\"/section/economy\">Economy</a>",
	    "<p class=\"card-summary\">The fleet came back a day early.</p>",
	    "</ol>",
	    "</main>",
	};
	assert_in_order(html, order, sizeof order / sizeof order[0]);
	/* One page: no pagination. */
	assert_null(strstr(html, "class=\"pagination\""));
	/* The lead is not repeated in the list. */
	assert_null(strstr(strstr(html, "id=\"recent\""), "joint port drills"));
	free(html);
}

static void front_page_pagination(void **state)
{
	fx *f = *state;
	char *html = render(f, "front", nz_view_front(&f->pc, f->items, 3, 2, 3));
	/* Past page 1 there is no lead: everything is in the list. */
	assert_null(strstr(html, "lead-story"));
	assert_non_null(strstr(html, "<title>Page 2 of 3 — Harbor Times</title>"));
	assert_non_null(strstr(html, "href=\"https://news.example/page/2\""));
	static const char *const order[] = {
	    "<h2 id=\"recent\">Recent News</h2>",
	    "joint port drills",
	    "<nav class=\"pagination\" aria-label=\"Pages\">",
	    "<a href=\"/\" rel=\"prev\">← Newer</a>",
	    "Page 2 of 3",
	    "<a href=\"/page/3\" rel=\"next\">Older →</a>",
	};
	assert_in_order(html, order, sizeof order / sizeof order[0]);
	free(html);
	html = render(f, "front", nz_view_front(&f->pc, f->items, 3, 3, 3));
	assert_non_null(strstr(html, "<a href=\"/page/2\" rel=\"prev\">"));
	assert_null(strstr(html, "rel=\"next\""));
	free(html);
}

static void empty_front_page(void **state)
{
	fx *f = *state;
	char *html = render(f, "front", nz_view_front(&f->pc, NULL, 0, 1, 1));
	assert_non_null(strstr(html, "There are no articles here yet."));
	assert_null(strstr(html, "id=\"recent\""));
	free(html);
}

static void korean_site_front_page(void **state)
{
	fx *f = *state;
	f->site.language = "ko";
	char *html = render(f, "front", nz_view_front(&f->pc, f->items, 3, 1, 2));
	f->site.language = "en";
	assert_non_null(strstr(html, "<html lang=\"ko\">"));
	assert_non_null(strstr(html, "<h2 id=\"recent\">최신 뉴스</h2>"));
	/* The English lead carries its own language; the Korean card does not need to. */
	assert_non_null(strstr(html, "<article class=\"lead-story\" lang=\"en\">"));
	assert_null(strstr(html, "<li class=\"card\" lang=\"ko\">"));
	assert_non_null(strstr(html, "1/2쪽"));
	free(html);
}

static void author_page_with_bio_and_pages(void **state)
{
	fx *f = *state;
	nz_list_view lv = {"author",
			   "Maeng Su-Yeol",
			   "Covers the harbor & the navy.",
			   "/author/maeng-su-yeol",
			   f->items,
			   3,
			   2,
			   4,
			   NULL};
	char *html = render(f, "list", nz_view_list(&f->pc, &lv));
	static const char *const order[] = {
	    "<title>Maeng Su-Yeol — Harbor Times (2/4)</title>",
	    "<meta name=\"description\" content=\"Covers the harbor &amp; the navy.\">",
	    "<link rel=\"canonical\" href=\"https://news.example/author/maeng-su-yeol/page/2\">",
	    "<h1>Maeng Su-Yeol</h1>",
	    "<p class=\"description\">Covers the harbor &amp; the navy.</p>",
	    "<ol class=\"cards\">",
	    "joint port drills",
	    "<li class=\"card\" lang=\"ko\">",
	    "Fishing fleet returns early",
	    "<a href=\"/author/maeng-su-yeol\" rel=\"prev\">",
	    "Page 2 of 4",
	    "<a href=\"/author/maeng-su-yeol/page/3\" rel=\"next\">",
	};
	assert_in_order(html, order, sizeof order / sizeof order[0]);
	free(html);
}

static void section_page_marks_navigation(void **state)
{
	fx *f = *state;
	nz_list_view lv = {"section", "Economy", NULL, "/section/economy", f->items + 2, 1,
			   1,         1,         NULL};
	f->pc.current_section = "economy";
	char *html = render(f, "list", nz_view_list(&f->pc, &lv));
	f->pc.current_section = NULL;
	assert_non_null(
	    strstr(html, "<a href=\"/section/economy\" aria-current=\"page\">Economy</a>"));
	assert_non_null(strstr(html, "<a href=\"/section/defense\">Defense</a>"));
	assert_null(strstr(html, "class=\"description\""));
	assert_null(strstr(html, "class=\"pagination\""));
	free(html);
}

static void empty_tag_page(void **state)
{
	fx *f = *state;
	nz_list_view lv = {"tag", "#동맹", NULL, "/tag/%EB%8F%99%EB%A7%B9", NULL, 0, 1, 1, NULL};
	char *html = render(f, "list", nz_view_list(&f->pc, &lv));
	assert_non_null(strstr(html, "<h1>#동맹</h1>"));
	assert_non_null(strstr(html, "There are no articles here yet."));
	free(html);
}

static void error_page(void **state)
{
	fx *f = *state;
	char *html =
	    render(f, "error",
		   nz_view_error(&f->pc, 404, "Page not found", "No article at <this> address."));
	static const char *const order[] = {
	    "<title>Page not found — Harbor Times</title>",
	    "<p class=\"error-status\">404</p>",
	    "<h1>Page not found</h1>",
	    "<p>No article at &lt;this&gt; address.</p>",
	    "<a href=\"/\">Go to the front page</a>",
	};
	assert_in_order(html, order, sizeof order / sizeof order[0]);
	assert_null(strstr(html, "rel=\"canonical\""));
	free(html);
	/* Without a site copyright line the footer still says whose site it is. */
	f->site.copyright = NULL;
	html = render(f, "error", nz_view_error(&f->pc, 500, "Server error", NULL));
	f->site = fx_site();
	assert_non_null(strstr(html, "<small>© 2026 Harbor Times</small>"));
	free(html);
}

static void bare_article_card(void **state)
{
	fx *f = *state;
	/* No section, author, time or body: the card is just the headline. */
	char *html = render(f, "front", nz_view_front(&f->pc, f->items + 3, 1, 1, 1));
	assert_non_null(strstr(html, "<a href=\"/article/bare\">Bare</a>"));
	assert_null(strstr(html, "class=\"byline\""));
	assert_null(strstr(html, "lead-summary"));
	free(html);
}

static void excerpts_cut_at_words(void **state)
{
	fx *f = *state;
	nz_article a = fx_article_bare();
	char body[800];
	memset(body, 0, sizeof body);
	for (int i = 0; i < 60; i++)
		strcat(body, "합동훈련 ");
	a.body_markdown = body;
	json_t *ctx = nz_view_front(&f->pc, &a, 1, 1, 1);
	const char *summary = json_string_value(
	    json_object_get(json_object_get(json_object_get(ctx, "front"), "lead"), "summary"));
	assert_non_null(summary);
	assert_true(nz_utf8_valid(summary, strlen(summary), NULL));
	assert_true(strlen(summary) < strlen(body));
	/* Cut after a whole word, then the ellipsis. */
	assert_non_null(strstr(summary, "합동훈련…"));
	json_decref(ctx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(front_page_lead_then_recent_news),
	    cmocka_unit_test(front_page_pagination),
	    cmocka_unit_test(empty_front_page),
	    cmocka_unit_test(korean_site_front_page),
	    cmocka_unit_test(author_page_with_bio_and_pages),
	    cmocka_unit_test(section_page_marks_navigation),
	    cmocka_unit_test(empty_tag_page),
	    cmocka_unit_test(error_page),
	    cmocka_unit_test(bare_article_card),
	    cmocka_unit_test(excerpts_cut_at_words),
	};
	return cmocka_run_group_tests(tests, setup, fx_teardown);
}
