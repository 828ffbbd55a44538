/*
 * Tests for render/jsonld.c through the article page: the NewsArticle JSON-LD (parsed back
 * from the page, so it must be valid JSON), its escaping inside <script>, Open Graph and
 * Twitter tags, og:locale for Korean, and hreflang links to a translation.
 */
#include "render_test.h"

/* The JSON-LD of a rendered page, parsed; fails the test when missing or invalid. */
static json_t *jsonld_of(const char *html)
{
	const char *open = "<script type=\"application/ld+json\">";
	const char *p = strstr(html, open);
	assert_non_null(p);
	p += strlen(open);
	const char *end = strstr(p, "</script>");
	assert_non_null(end);
	json_error_t jerr;
	json_t *doc = json_loadb(p, (size_t)(end - p), 0, &jerr);
	if (!doc)
		fail_msg("JSON-LD does not parse: %s", jerr.text);
	return doc;
}

static const char *str(json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));
	if (!s)
		fail_msg("missing string %s", key);
	return s;
}

static void news_article_fields(void **state)
{
	fx *f = *state;
	nz_article a = fx_article_en(f->arena);
	char *html = render(f, "article", nz_view_article(&f->pc, &a));
	json_t *ld = jsonld_of(html);
	assert_string_equal(str(ld, "@context"), "https://schema.org");
	assert_string_equal(str(ld, "@type"), "NewsArticle");
	assert_string_equal(str(ld, "headline"),
			    "Allies agree on joint port drills for the autumn");
	assert_string_equal(str(ld, "datePublished"), "2026-03-17T18:30:00+09:00");
	assert_string_equal(str(ld, "dateModified"), "2026-03-17T18:30:00+09:00");
	assert_string_equal(str(ld, "inLanguage"), "en");
	assert_string_equal(str(json_object_get(ld, "mainEntityOfPage"), "@id"),
			    "https://news.example/article/allies-agree-on-joint-port-drills");
	assert_non_null(strstr(json_string_value(json_array_get(json_object_get(ld, "image"), 0)),
			       "https://news.example/media/9f86d081"));
	json_t *au = json_array_get(json_object_get(ld, "author"), 0);
	assert_string_equal(str(au, "@type"), "Person");
	assert_string_equal(str(au, "name"), "Maeng Su-Yeol");
	assert_string_equal(str(au, "url"), "https://news.example/author/maeng-su-yeol");
	json_t *pub = json_object_get(ld, "publisher");
	assert_string_equal(str(pub, "name"), "Harbor Times");
	assert_non_null(strstr(str(json_object_get(pub, "logo"), "url"), "https://news.example/"));
	json_decref(ld);
	static const char *const head[] = {
	    "<meta property=\"og:type\" content=\"article\">",
	    "<meta property=\"og:image\" content=\"https://news.example/media/",
	    "<meta property=\"og:locale\" content=\"en_US\">",
	    "<meta name=\"twitter:card\" content=\"summary_large_image\">",
	    "<meta property=\"article:published_time\" content=\"2026-03-17T18:30:00+09:00\">",
	    "<meta property=\"article:section\" content=\"Defense\">",
	    "<meta property=\"article:tag\" content=\"alliance\">",
	    "<script type=\"application/ld+json\">",
	    "</head>",
	};
	assert_in_order(html, head, sizeof head / sizeof head[0]);
	free(html);
}

static void script_cannot_be_closed_from_a_headline(void **state)
{
	fx *f = *state;
	nz_article a = fx_article_en(f->arena);
	a.headline = "</script><script>alert(1)</script><!-- & more";
	char *html = render(f, "article", nz_view_article(&f->pc, &a));
	const char *p = strstr(html, "<script type=\"application/ld+json\">");
	assert_non_null(p);
	const char *end = strstr(p, "</script>");
	assert_null(strstr(p + 1, "<script>")); /* the only scripts are data blocks */
	assert_true(memchr(p + 35, '<', (size_t)(end - p - 35)) == NULL);
	json_t *ld = jsonld_of(html);
	assert_string_equal(str(ld, "headline"), a.headline); /* the text survives, escaped */
	json_decref(ld);
	free(html);
}

static void korean_article_and_its_translation(void **state)
{
	fx *f = *state;
	nz_article ko = fx_article_ko(f->arena);
	nz_article en = fx_article_en(f->arena);
	json_t *page = nz_view_article(&f->pc, &ko);
	assert_non_null(page);
	assert_true(nz_view_article_translations(page, &f->pc, &ko, &en, 1));
	char *html = render(f, "article", page);
	static const char *const head[] = {
	    "<html lang=\"ko\">",
	    "<meta property=\"og:locale\" content=\"ko_KR\">",
	    "<meta property=\"og:locale:alternate\" content=\"en_US\">",
	    "<meta name=\"twitter:card\" content=\"summary\">",
	    "<link rel=\"alternate\" hreflang=\"ko\" href=\"https://news.example/article/%ED%95%AD",
	    "<link rel=\"alternate\" hreflang=\"en\" "
	    "href=\"https://news.example/article/allies-agree-on-joint-port-drills\">",
	    "</head>",
	};
	assert_in_order(html, head, sizeof head / sizeof head[0]);
	json_t *ld = jsonld_of(html);
	assert_string_equal(str(ld, "inLanguage"), "ko");
	assert_string_equal(str(ld, "dateModified"), "2026-03-17T20:30:00+09:00");
	assert_null(json_object_get(ld, "image")); /* a caption without a photo */
	json_decref(ld);
	free(html);
}

static void no_translation_no_hreflang(void **state)
{
	fx *f = *state;
	nz_article en = fx_article_en(f->arena);
	char *html = render(f, "article", nz_view_article(&f->pc, &en));
	/* no alternates in the head (the language switch goes to the other edition's front) */
	assert_null(strstr(html, "<link rel=\"alternate\" hreflang"));
	assert_non_null(strstr(html, "<a href=\"/ko/\" hreflang=\"ko\" lang=\"ko\">한국어</a>"));
	assert_null(strstr(html, "og:locale:alternate"));
	free(html);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(news_article_fields),
	    cmocka_unit_test(script_cannot_be_closed_from_a_headline),
	    cmocka_unit_test(korean_article_and_its_translation),
	    cmocka_unit_test(no_translation_no_hreflang),
	};
	return cmocka_run_group_tests(tests, fx_setup, fx_teardown);
}
