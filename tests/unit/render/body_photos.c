/*
 * Tests for render/body_photos.c through the article page and the API: a photo the body places
 * (![alt](media:<id>) or ![alt](/media/<hash>...)) becomes a <figure> with a lazy <picture> and
 * its caption and credit where the editor put it, and is not shown again after the body; a body
 * without such images renders as before; a reference to no photo of the article shows nothing.
 */
#include <string.h>

#include "render_test.h"

#define HASH2 "2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae"

/* The English fixture with a second photo (id 42, 1600x900) besides its lead (id 7). */
static nz_article two_photos(fx *f, const char *body)
{
	nz_article a = fx_article_en(f->arena);
	nz_media *m = nz_arena_zalloc(f->arena, 2 * sizeof *m);
	m[0] = a.media[0];
	m[0].id = 7;
	m[1] = (nz_media){.id = 42,
			  .hash = HASH2,
			  .mime = "image/jpeg",
			  .caption = "Tugboats <escort> the destroyer",
			  .credit = "Lee Jun",
			  .alt = "Two tugboats beside a grey warship",
			  .width = 1600,
			  .height = 900};
	a.media = m;
	a.n_media = 2;
	a.body_markdown = body;
	return a;
}

static char *page(fx *f, const nz_article *a)
{
	return render(f, "article", nz_view_article(&f->pc, a));
}

static size_t count(const char *s, const char *needle)
{
	size_t n = 0;
	for (const char *p = s; (p = strstr(p, needle)); p += strlen(needle))
		n++;
	return n;
}

static void placed_photo_is_a_figure_where_the_editor_put_it(void **state)
{
	fx *f = *state;
	nz_article a = two_photos(f, "First paragraph.\n\n![](media:42)\n\nSecond paragraph.\n");
	char *html = page(f, &a);
	static const char *const order[] = {
	    "<div class=\"story-body\">",
	    "<p>First paragraph.</p>",
	    "<figure class=\"story-figure\">",
	    "<picture>",
	    "<source type=\"image/avif\" srcset=\"/media/" HASH2 ".w320.avif 320w, ",
	    "/media/" HASH2 ".w1600.avif 1600w\" sizes=\"(min-width: 44rem) 42rem, calc(100vw - "
	    "2rem)\">",
	    "<source type=\"image/webp\" srcset=\"/media/" HASH2 ".w320.webp 320w",
	    "<img src=\"/media/" HASH2 ".w960.jpg\" srcset=\"/media/" HASH2 ".w320.jpg 320w",
	    /* no alt written in the body: the photo's own */
	    "alt=\"Two tugboats beside a grey warship\" width=\"960\" height=\"540\" "
	    "loading=\"lazy\" decoding=\"async\">",
	    "</picture>",
	    "<figcaption><span class=\"caption\">Tugboats &lt;escort&gt; the destroyer</span> "
	    "<span class=\"credit\">Photo: Lee Jun</span></figcaption>",
	    "</figure>",
	    "<p>Second paragraph.</p>",
	    "</div>",
	};
	assert_in_order(html, order, sizeof order / sizeof order[0]);
	/* shown once, in the body: not again after it */
	assert_int_equal(count(html, "Tugboats &lt;escort&gt;"), 1);
	assert_int_equal(count(html, "<figure class=\"story-figure\">"), 1);
	assert_null(strstr(html, "media:42"));
	/* the lead photo stays at the head, fetched first */
	assert_non_null(strstr(html, "fetchpriority=\"high\""));
	free(html);
}

static void hash_url_and_body_alt_text(void **state)
{
	fx *f = *state;
	nz_article a = two_photos(f, "Text.\n\n![Tugs at dawn](/media/" HASH2 ".jpg)\n");
	char *html = page(f, &a);
	assert_non_null(strstr(html, "<figure class=\"story-figure\">\n<picture>"));
	assert_non_null(strstr(html, "alt=\"Tugs at dawn\" width=\"960\""));
	assert_int_equal(count(html, "Tugboats &lt;escort&gt;"), 1);
	free(html);
}

static void unplaced_photos_follow_the_body(void **state)
{
	fx *f = *state;
	nz_article a = two_photos(f, "Only text.\n");
	char *html = page(f, &a);
	static const char *const order[] = {
	    "<p>Only text.</p>",
	    "</div>",
	    "<figure class=\"story-figure\">",
	    "Tugboats &lt;escort&gt; the destroyer",
	};
	assert_in_order(html, order, sizeof order / sizeof order[0]);
	free(html);
}

static void reference_to_no_photo_shows_nothing(void **state)
{
	fx *f = *state;
	nz_article a = two_photos(f, "A.\n\n![gone](media:999)\n\nB ![x](media:5) c.\n");
	char *html = page(f, &a);
	assert_null(strstr(html, "media:"));
	assert_null(strstr(html, "gone"));
	assert_non_null(strstr(html, "<p>B  c.</p>"));
	/* the second photo, not placed, still follows the body */
	assert_int_equal(count(html, "Tugboats &lt;escort&gt;"), 1);
	free(html);
}

static void inline_photo_and_code_stay_what_they_are(void **state)
{
	fx *f = *state;
	nz_article a =
	    two_photos(f, "See ![tug](media:42) here.\n\n    ![code](media:42)\n\n"
			  "![outside](/media/0000000000000000000000000000000000000000000000000000"
			  "000000000000.jpg)\n");
	char *html = page(f, &a);
	assert_non_null(strstr(html, "<p>See <picture>"));
	assert_non_null(strstr(html, "alt=\"tug\" width=\"960\" height=\"540\" loading=\"lazy\""));
	assert_non_null(strstr(html, "<pre><code>![code](media:42)\n</code></pre>"));
	/* a /media/ URL that is not one of the article's photos is left as written */
	assert_non_null(strstr(html,
			       "<p><img src=\"/media/00000000000000000000000000000000000000000"
			       "00000000000000000000000.jpg\" alt=\"outside\"></p>"));
	free(html);
}

static void body_without_photos_renders_as_before(void **state)
{
	fx *f = *state;
	const char *md = "Para *one*.\n\n![pic](https://example.org/a.png)\n\n- x\n- y\n";
	nz_article a = two_photos(f, md);
	json_t *api = nz_json_article(&f->site, &a);
	nz_buf plain;
	nz_buf_init(&plain, 0);
	assert_int_equal(nz_markdown_html(md, strlen(md), &plain), NZ_OK);
	assert_string_equal(json_string_value(json_object_get(api, "body_html")),
			    nz_buf_cstr(&plain));
	nz_buf_free(&plain);
	json_decref(api);
}

static void api_body_carries_the_figure(void **state)
{
	fx *f = *state;
	nz_article a = two_photos(f, "![](media:42)\n");
	json_t *api = nz_json_article(&f->site, &a);
	const char *body = json_string_value(json_object_get(api, "body_html"));
	assert_non_null(body);
	assert_non_null(strstr(body, "<figure class=\"story-figure\">"));
	assert_non_null(strstr(body, "Photo: Lee Jun"));
	json_decref(api);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(placed_photo_is_a_figure_where_the_editor_put_it),
	    cmocka_unit_test(hash_url_and_body_alt_text),
	    cmocka_unit_test(unplaced_photos_follow_the_body),
	    cmocka_unit_test(reference_to_no_photo_shows_nothing),
	    cmocka_unit_test(inline_photo_and_code_stay_what_they_are),
	    cmocka_unit_test(body_without_photos_renders_as_before),
	    cmocka_unit_test(api_body_carries_the_figure),
	};
	return cmocka_run_group_tests(tests, fx_setup, fx_teardown);
}
