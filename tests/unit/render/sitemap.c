/*
 * Tests for render/sitemap.c: a urlset with hreflang alternates for a translated pair, the
 * Google News block in the order the XSD requires with ISO 639 language codes, an image entry
 * per photo with bytes (none for a caption alone), the sitemap
 * index and robots.txt. The XSD and Schematron checks of real output are in
 * tests/e2e/test_outputs.py.
 */
#include "render_test.h"

static char *steal(nz_buf *b)
{
	assert_int_equal(nz_buf_rc(b), NZ_OK);
	return nz_buf_steal(b, NULL);
}

static void translated_pair_lists_both_languages(void **state)
{
	fx *f = *state;
	nz_article en = fx_article_en(f->arena);
	nz_article ko = fx_article_ko(f->arena);
	nz_buf b;
	nz_buf_init(&b, 0);
	assert_int_equal(nz_sitemap_begin(&b), NZ_OK);
	assert_int_equal(nz_sitemap_article(&b, &f->site, &en, &ko, 1, false), NZ_OK);
	assert_int_equal(nz_sitemap_page(&b, &f->site, "/section/defense", 0), NZ_OK);
	assert_int_equal(nz_sitemap_end(&b), NZ_OK);
	char *x = steal(&b);
	static const char *const order[] = {
	    "<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\"",
	    "xmlns:image=\"http://www.google.com/schemas/sitemap-image/1.1\"",
	    "xmlns:xhtml=\"http://www.w3.org/1999/xhtml\">",
	    "<url>\n<loc>https://news.example/article/allies-agree-on-joint-port-drills</loc>",
	    "<lastmod>2026-03-17T18:30:00+09:00</lastmod>",
	    /* its photo, at the full-size copy's absolute URL */
	    "<image:image>\n<image:loc>https://news.example/media/"
	    "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08.jpg</image:loc>\n"
	    "</image:image>",
	    "<xhtml:link rel=\"alternate\" hreflang=\"en\" "
	    "href=\"https://news.example/article/allies-agree-on-joint-port-drills\"/>",
	    "<xhtml:link rel=\"alternate\" hreflang=\"ko\" "
	    "href=\"https://news.example/article/%ED%95%AD%EB%A7%8C",
	    "</url>",
	    "<url>\n<loc>https://news.example/section/defense</loc>\n</url>",
	    "</urlset>",
	};
	assert_in_order(x, order, sizeof order / sizeof order[0]);
	assert_null(strstr(x, "<news:news>"));
	/* the Korean article's caption has no photo: one image in all */
	assert_non_null(strstr(x, "</image:image>"));
	assert_null(strstr(strstr(x, "</image:image>") + 1, "<image:image>"));
	free(x);
}

static void untranslated_article_has_no_alternates(void **state)
{
	fx *f = *state;
	nz_article en = fx_article_en(f->arena);
	nz_article same = fx_article_en(f->arena); /* same language: not an alternate */
	nz_buf b;
	nz_buf_init(&b, 0);
	nz_sitemap_article(&b, &f->site, &en, NULL, 0, false);
	nz_sitemap_article(&b, &f->site, &en, &same, 1, false);
	char *x = steal(&b);
	assert_null(strstr(x, "xhtml:link"));
	free(x);
}

static void news_block_in_schema_order(void **state)
{
	fx *f = *state;
	nz_article ko = fx_article_ko(f->arena);
	nz_buf b;
	nz_buf_init(&b, 0);
	nz_sitemap_article(&b, &f->site, &ko, NULL, 0, true);
	char *x = steal(&b);
	static const char *const order[] = {
	    "<news:news>",
	    "<news:publication>",
	    "<news:name>Harbor Times</news:name>",
	    "<news:language>ko</news:language>",
	    "</news:publication>",
	    "<news:publication_date>2026-03-17T18:30:00+09:00</news:publication_date>",
	    "<news:title>양국, 가을 항만 합동훈련 합의</news:title>",
	    "</news:news>",
	};
	assert_in_order(x, order, sizeof order / sizeof order[0]);
	free(x);
}

static void index_and_robots(void **state)
{
	fx *f = *state;
	const char *paths[] = {"/sitemaps/pages.xml", "/sitemaps/articles-1.xml"};
	nz_time lastmod[] = {0, FX_PUBLISHED};
	nz_buf b;
	nz_buf_init(&b, 0);
	assert_int_equal(nz_sitemap_index(&b, &f->site, paths, lastmod, 2), NZ_OK);
	char *x = steal(&b);
	static const char *const order[] = {
	    "<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">",
	    "<sitemap>\n<loc>https://news.example/sitemaps/pages.xml</loc>\n</sitemap>",
	    "<sitemap>\n<loc>https://news.example/sitemaps/articles-1.xml</loc>\n"
	    "<lastmod>2026-03-17T18:30:00+09:00</lastmod>\n</sitemap>",
	    "</sitemapindex>",
	};
	assert_in_order(x, order, sizeof order / sizeof order[0]);
	free(x);
	const char *maps[] = {"/sitemap.xml", "/sitemap-news.xml"};
	nz_buf_init(&b, 0);
	assert_int_equal(nz_robots_txt(&b, &f->site, maps, 2), NZ_OK);
	x = steal(&b);
	assert_non_null(strstr(x, "User-agent: *\n"));
	assert_non_null(strstr(x, "Disallow: /admin\n"));
	assert_non_null(strstr(x, "Sitemap: https://news.example/sitemap.xml\n"));
	assert_non_null(strstr(x, "Sitemap: https://news.example/sitemap-news.xml\n"));
	free(x);
}

static void headline_is_escaped(void **state)
{
	fx *f = *state;
	nz_article a = fx_article_en(f->arena);
	a.headline = "Ports & <harbors>";
	nz_buf b;
	nz_buf_init(&b, 0);
	nz_sitemap_article(&b, &f->site, &a, NULL, 0, true);
	char *x = steal(&b);
	assert_non_null(strstr(x, "<news:title>Ports &amp; &lt;harbors&gt;</news:title>"));
	free(x);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(translated_pair_lists_both_languages),
	    cmocka_unit_test(untranslated_article_has_no_alternates),
	    cmocka_unit_test(news_block_in_schema_order),
	    cmocka_unit_test(index_and_robots),
	    cmocka_unit_test(headline_is_escaped),
	};
	return cmocka_run_group_tests(tests, fx_setup, fx_teardown);
}
