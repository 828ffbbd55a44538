/*
 * Tests for render/view_article.c through the default theme: the article page shows its parts
 * in the reference page's order, speaks the article's language (Korean labels and dates for a
 * Korean article), escapes what it prints, and handles updates, retractions and captions
 * without photos.
 */
#include "render_test.h"

/* The article page for a, as a string the caller frees. */
static char *page(fx *f, const nz_article *a)
{
	return render(f, "article", nz_view_article(&f->pc, a));
}

static void english_article_in_reference_order(void **state)
{
	fx *f = *state;
	nz_article a = fx_article_en(f->arena);
	char *html = page(f, &a);
	static const char *const order[] = {
	    "<html lang=\"en\">",
	    "<title>Allies agree on joint port drills for the autumn — Harbor Times</title>",
	    "<link rel=\"canonical\" href=\"https://news.example/article/"
	    "allies-agree-on-joint-port-drills\">",
	    "<main id=\"main\"",
	    "<article",
	    "<a href=\"/section/defense\">Defense</a>",
	    "<h1 class=\"headline\">Allies agree on joint port drills for the autumn</h1>",
	    "At the harbor ministers&#39; talks:",
	    "<ul>",
	    "<li>Both sides back a larger exercise in October</li>",
	    "<p class=\"byline\">By <a href=\"/author/maeng-su-yeol\" rel=\"author\">Maeng "
	    "Su-Yeol</a> and <a href=\"/author/jane-doe\" rel=\"author\">Jane Doe</a></p>",
	    "BUSAN, March 17",
	    "<time datetime=\"2026-03-17T18:30:00+09:00\">March 17, 2026 18:30 KST</time>",
	    "<figure",
	    /* the ladder up to the first width past the photo's 1200 px, which is 1200 px */
	    "<picture>",
	    "<source type=\"image/avif\" "
	    "srcset=\"/media/"
	    "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08.w320.avif 320w, "
	    "/media/9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08.w480.avif "
	    "480w, "
	    "/media/9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08.w640.avif "
	    "640w, "
	    "/media/9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08.w960.avif "
	    "960w, "
	    "/media/9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08.w1280.avif "
	    "1200w\"",
	    "<img "
	    "src=\"/media/"
	    "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08.w960.jpg\"",
	    " alt=\"Two ministers shaking hands in front of flags\" width=\"960\" height=\"640\""
	    " fetchpriority=\"high\">",
	    "<figcaption>",
	    "Ministers shake hands at the port authority",
	    "Kim Ara",
	    "</figure>",
	    "<p>The two ministers met at the port authority",
	    "<strong>hotline</strong>",
	    "<a href=\"/tag/alliance\" rel=\"tag\">alliance</a>",
	    "&lt;Copyright (c) Harbor Times, All rights reserved&gt;",
	    "</article>",
	};
	assert_in_order(html, order, sizeof order / sizeof order[0]);
	/* Published and updated at the same moment: no "Updated" line. */
	assert_null(strstr(html, "Updated"));
	assert_null(strstr(html, "class=\"corrections\""));
	free(html);
}

static void korean_article(void **state)
{
	fx *f = *state;
	nz_article a = fx_article_ko(f->arena);
	char *html = page(f, &a);
	static const char *const order[] = {
	    "<html lang=\"ko\">",
	    "본문 바로가기",
	    "<h1 class=\"headline\">양국, 가을 항만 합동훈련 합의</h1>",
	    "<p class=\"highlights-intro\">항만 장관 회담에서:</p>",
	    "<li>10월에 확대 훈련 실시</li>",
	    "<p class=\"byline\"><a href=\"/author/%EA%B9%80%EB%AF%BC%EC%A4%80\" "
	    "rel=\"author\">김민준</a> 기자</p>",
	    "입력 <time datetime=\"2026-03-17T18:30:00+09:00\">2026년 3월 17일 18:30 KST</time>",
	    "수정 <time datetime=\"2026-03-17T20:30:00+09:00\">2026년 3월 17일 20:30 KST</time>",
	    "<figcaption><span class=\"caption\">회담 중인 양국 장관</span>",
	    "합동훈련 일정에 합의했다",
	    "<h2 id=\"tags-title\">태그</h2>",
	    "<a href=\"/tag/%EB%8F%99%EB%A7%B9\" rel=\"tag\">동맹</a>",
	};
	assert_in_order(html, order, sizeof order / sizeof order[0]);
	/* A caption without a photo: a figure with no img. */
	long fig = fx_pos(html, "<figure");
	assert_true(fig > 0);
	assert_true(fx_pos(html + fig, "<img") < 0 ||
		    fx_pos(html + fig, "<img") > fx_pos(html + fig, "</figure>"));
	/* No copyright on the article: the site's line is used. */
	assert_non_null(strstr(html, "<footer class=\"story-foot\">\n<p "
				     "class=\"copyright\"><small>&lt;Copyright (c) Harbor Times"));
	free(html);
}

static void headline_is_escaped(void **state)
{
	fx *f = *state;
	nz_article a = fx_article_en(f->arena);
	a.headline = "Allies <script>alert(\"x\")</script> & 'friends'";
	a.dateline = "\"><img src=x>";
	char *html = page(f, &a);
	assert_non_null(strstr(html,
			       "<h1 class=\"headline\">Allies &lt;script&gt;alert(&quot;x&quot;)"
			       "&lt;/script&gt; &amp; &#39;friends&#39;</h1>"));
	assert_non_null(strstr(html,
			       "<meta property=\"og:title\" content=\"Allies &lt;script&gt;"
			       "alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;friends&#39; — "
			       "Harbor Times\">"));
	assert_null(strstr(html, "<img src=x>"));
	free(html);
}

static void updated_only_after_a_minute(void **state)
{
	fx *f = *state;
	nz_article a = fx_article_en(f->arena);
	a.updated_at = a.published_at + 60;
	char *html = page(f, &a);
	assert_null(strstr(html, "Updated"));
	free(html);
	a.updated_at = a.published_at + 61;
	html = page(f, &a);
	assert_non_null(strstr(html, "Updated <time datetime=\"2026-03-17T18:31:01+09:00\">"));
	free(html);
}

/* Reading time: words at the language's speed, rounded up; Korean counts its own way. */
static void reading_time_is_shown(void **state)
{
	fx *f = *state;
	nz_article a = fx_article_en(f->arena);
	char *body = nz_arena_zalloc(f->arena, 461 * 5 + 1);
	for (int i = 0; i < 461; i++)
		memcpy(body + i * 5, "word ", 5);
	a.body_markdown = body; /* 461 words: 2.004 minutes at 230 a minute */
	char *html = page(f, &a);
	assert_non_null(strstr(html, "<span class=\"reading\">3 min read</span>"));
	free(html);
	a.body_markdown = "Short.";
	html = page(f, &a);
	assert_non_null(strstr(html, "<span class=\"reading\">1 min read</span>"));
	free(html);
	a.language = "ko";
	a.body_markdown = body; /* 461 eojeol at 150 a minute */
	html = page(f, &a);
	assert_non_null(strstr(html, "<span class=\"reading\">읽는 시간 4분</span>"));
	free(html);
	a.status = NZ_STATUS_RETRACTED;
	html = page(f, &a);
	assert_null(strstr(html, "class=\"reading\""));
	free(html);
}

static void corrections_are_listed(void **state)
{
	fx *f = *state;
	nz_article a = fx_article_en(f->arena);
	nz_correction c[2] = {
	    {1, FX_PUBLISHED + 86400, "The drills start in October, not September."},
	    {2, FX_PUBLISHED + 90000, "Corrected the name of the navy's hotline."}};
	a.corrections = c;
	a.n_corrections = 2;
	char *html = page(f, &a);
	static const char *const order[] = {
	    "<strong>hotline</strong>",
	    "<section class=\"corrections\" aria-labelledby=\"corrections-title\">",
	    "<h2 id=\"corrections-title\">Corrections</h2>",
	    "<time datetime=\"2026-03-18T18:30:00+09:00\">March 18, 2026 18:30 KST</time>: The "
	    "drills",
	    "Corrected the name of the navy&#39;s hotline.",
	    "rel=\"tag\"",
	};
	assert_in_order(html, order, sizeof order / sizeof order[0]);
	free(html);
}

static void retracted_article_keeps_headline_loses_body(void **state)
{
	fx *f = *state;
	nz_article a = fx_article_en(f->arena);
	a.status = NZ_STATUS_RETRACTED;
	char *html = page(f, &a);
	assert_non_null(strstr(html, "<h1 class=\"headline\">Allies agree"));
	assert_non_null(strstr(html, "This article has been retracted."));
	assert_null(strstr(html, "<strong>hotline</strong>"));
	assert_null(strstr(html, "<img"));
	free(html);
	nz_article k = fx_article_ko(f->arena);
	k.status = NZ_STATUS_RETRACTED;
	html = page(f, &k);
	assert_non_null(strstr(html, "이 기사는 철회되었습니다."));
	assert_null(strstr(html, "합동훈련 일정에 합의했다"));
	free(html);
}

static void raw_html_in_body_is_shown_as_text(void **state)
{
	fx *f = *state;
	nz_article a = fx_article_en(f->arena);
	a.body_markdown = "Before.\n\n<script>alert(1)</script>\n\n[x](javascript:alert(1))\n";
	char *html = page(f, &a); /* page() asserts there is no <script */
	assert_non_null(strstr(html, "&lt;script&gt;alert(1)&lt;/script&gt;"));
	assert_null(strstr(html, "javascript:"));
	free(html);
}

static void context_shape(void **state)
{
	fx *f = *state;
	nz_article a = fx_article_en(f->arena);
	f->pc.current_section = "defense";
	json_t *ctx = nz_view_article(&f->pc, &a);
	assert_non_null(ctx);
	assert_string_equal(json_string_value(json_object_get(ctx, "lang")), "en");
	assert_string_equal(json_string_value(json_object_get(ctx, "year")), "2026");
	json_t *nav = json_object_get(ctx, "nav");
	assert_int_equal(json_array_size(nav), 3);
	assert_true(json_is_true(json_object_get(json_array_get(nav, 0), "current")));
	assert_true(json_is_false(json_object_get(json_array_get(nav, 1), "current")));
	json_t *art = json_object_get(ctx, "article");
	assert_true(json_is_null(json_object_get(art, "updated")));
	assert_string_equal(json_string_value(json_object_get(json_object_get(ctx, "og"), "image")),
			    "https://news.example/media/"
			    "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
			    ".191x100.f50-50.w1200.jpg");
	/* the link-preview card: 1.91:1 at 1200 px wide */
	assert_int_equal(
	    json_integer_value(json_object_get(json_object_get(ctx, "og"), "image_width")), 1200);
	assert_int_equal(
	    json_integer_value(json_object_get(json_object_get(ctx, "og"), "image_height")), 628);
	json_decref(ctx);
	f->pc.current_section = NULL;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(english_article_in_reference_order),
	    cmocka_unit_test(korean_article),
	    cmocka_unit_test(headline_is_escaped),
	    cmocka_unit_test(updated_only_after_a_minute),
	    cmocka_unit_test(reading_time_is_shown),
	    cmocka_unit_test(corrections_are_listed),
	    cmocka_unit_test(retracted_article_keeps_headline_loses_body),
	    cmocka_unit_test(raw_html_in_body_is_shown_as_text),
	    cmocka_unit_test(context_shape),
	};
	return cmocka_run_group_tests(tests, fx_setup, fx_teardown);
}
