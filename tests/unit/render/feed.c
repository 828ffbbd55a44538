/*
 * Tests for render/feed.c: RSS 2.0, Atom and JSON Feed of the fixture articles (English with a
 * photo, Korean with a caption only), what a feed reader relies on (absolute permalinks, dates
 * at the site's offset, full HTML, the enclosure's length and type, escaping), corrections
 * feeds, and the feed links every page carries. The schema checks of real output are in
 * tests/e2e/test_outputs.py.
 */
#include "render_test.h"

/* A feed of the English and the Korean fixture; the English photo is 12,345 bytes. */
static nz_feed two_items(fx *f, nz_article *items, int64_t *sizes)
{
	items[0] = fx_article_en(f->arena);
	items[1] = fx_article_ko(f->arena);
	sizes[0] = 12345;
	sizes[1] = 0;
	return (nz_feed){.title = "Harbor Times",
			 .description = "News from the coast",
			 .page_path = "/",
			 .feed_path = "/feed",
			 .items = items,
			 .n = 2,
			 .photo_bytes = sizes};
}

static char *run(nz_rc (*fn)(const nz_site *, const nz_feed *, nz_buf *), fx *f,
		 const nz_feed *feed)
{
	nz_buf b;
	nz_buf_init(&b, 0);
	assert_int_equal(fn(&f->site, feed, &b), NZ_OK);
	return nz_buf_steal(&b, NULL);
}

static void rss_has_what_readers_need(void **state)
{
	fx *f = *state;
	nz_article items[2];
	int64_t sizes[2];
	nz_feed feed = two_items(f, items, sizes);
	char *x = run(nz_feed_rss, f, &feed);
	static const char *const order[] = {
	    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>",
	    "<rss version=\"2.0\"",
	    "<title>Harbor Times</title>",
	    "<link>https://news.example/</link>",
	    "<language>en</language>",
	    "<atom:link href=\"https://news.example/feed.rss\" rel=\"self\" "
	    "type=\"application/rss+xml\"/>",
	    "<item>",
	    "<title>Allies agree on joint port drills for the autumn</title>",
	    "<guid isPermaLink=\"true\">https://news.example/article/"
	    "allies-agree-on-joint-port-drills</guid>",
	    "<pubDate>Tue, 17 Mar 2026 18:30:00 +0900</pubDate>",
	    "<dc:creator>Maeng Su-Yeol, Jane Doe</dc:creator>",
	    "<category domain=\"https://news.example/section/defense\">Defense</category>",
	    "<content:encoded>&lt;p&gt;&lt;strong&gt;At the harbor ministers&amp;#39; talks:",
	    "&lt;strong&gt;hotline&lt;/strong&gt;",
	    "<enclosure url=\"https://news.example/media/"
	    "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08.jpg\" "
	    "length=\"12345\" type=\"image/jpeg\"/>",
	    "</item>",
	    "<item>",
	    "<title>양국, 가을 항만 합동훈련 합의</title>",
	    /* Hangul slugs are percent-encoded: a permalink is a plain URL. */
	    "<guid isPermaLink=\"true\">https://news.example/article/%ED%95%AD%EB%A7%8C",
	    "<dc:creator>김민준</dc:creator>",
	    "</channel>\n</rss>",
	};
	assert_in_order(x, order, sizeof order / sizeof order[0]);
	/* One enclosure: the Korean caption has no photo bytes. */
	assert_null(strstr(strstr(x, "<title>양국"), "<enclosure"));
	free(x);
}

static void atom_ids_dates_and_languages(void **state)
{
	fx *f = *state;
	nz_article items[2];
	int64_t sizes[2];
	nz_feed feed = two_items(f, items, sizes);
	char *x = run(nz_feed_atom, f, &feed);
	static const char *const order[] = {
	    "<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"en\">",
	    "<id>https://news.example/feed.atom</id>",
	    "<link rel=\"self\" type=\"application/atom+xml\" "
	    "href=\"https://news.example/feed.atom\"/>",
	    "<author>\n<name>Harbor Times</name>",
	    "<entry xml:lang=\"en\">",
	    "<id>urn:uuid:0b7c3c1e-9a4e-4f7e-8d43-5d2a8b1f6c10</id>",
	    "<updated>2026-03-17T18:30:00+09:00</updated>",
	    "<published>2026-03-17T18:30:00+09:00</published>",
	    "<link rel=\"alternate\" type=\"text/html\" "
	    "href=\"https://news.example/article/allies-agree-on-joint-port-drills\"/>",
	    "<author>\n<name>Maeng "
	    "Su-Yeol</name>\n<uri>https://news.example/author/maeng-su-yeol</uri>",
	    "<content type=\"html\">&lt;p&gt;",
	    "</entry>",
	    "<entry xml:lang=\"ko\">",
	    /* Updated two hours after publishing, in Korean time. */
	    "<updated>2026-03-17T20:30:00+09:00</updated>",
	    "<name>김민준</name>",
	    "</feed>",
	};
	assert_in_order(x, order, sizeof order / sizeof order[0]);
	free(x);
}

static void json_feed_items(void **state)
{
	fx *f = *state;
	nz_article items[2];
	int64_t sizes[2];
	nz_feed feed = two_items(f, items, sizes);
	char *x = run(nz_feed_json, f, &feed);
	json_error_t jerr;
	json_t *doc = json_loads(x, 0, &jerr);
	assert_non_null(doc);
	assert_string_equal(json_string_value(json_object_get(doc, "version")),
			    "https://jsonfeed.org/version/1.1");
	assert_string_equal(json_string_value(json_object_get(doc, "feed_url")),
			    "https://news.example/feed.json");
	json_t *en = json_array_get(json_object_get(doc, "items"), 0);
	json_t *ko = json_array_get(json_object_get(doc, "items"), 1);
	assert_non_null(strstr(json_string_value(json_object_get(en, "content_html")),
			       "<strong>hotline</strong>"));
	assert_non_null(strstr(json_string_value(json_object_get(en, "image")),
			       "https://news.example/media/9f86d081"));
	assert_string_equal(json_string_value(json_object_get(en, "date_published")),
			    "2026-03-17T18:30:00+09:00");
	json_t *au = json_array_get(json_object_get(en, "authors"), 1);
	assert_string_equal(json_string_value(json_object_get(au, "name")), "Jane Doe");
	assert_string_equal(json_string_value(json_object_get(au, "url")),
			    "https://news.example/author/jane-doe");
	assert_string_equal(json_string_value(json_object_get(ko, "language")), "ko");
	assert_null(json_object_get(ko, "image")); /* a caption without a photo */
	json_decref(doc);
	free(x);
}

/* A photo placed in the body reaches feed readers as a figure with an absolute plain <img>. */
static void placed_photo_in_the_feed_body(void **state)
{
	fx *f = *state;
	nz_article a = fx_article_en(f->arena);
	a.media[0].id = 7;
	a.body_markdown = "Before.\n\n![](media:7)\n\nAfter.\n";
	nz_feed feed = {.title = "T", .page_path = "/", .feed_path = "/feed", .items = &a, .n = 1};
	char *json = run(nz_feed_json, f, &feed);
	json_t *doc = json_loads(json, 0, NULL);
	const char *html = json_string_value(
	    json_object_get(json_array_get(json_object_get(doc, "items"), 0), "content_html"));
	assert_non_null(html);
	static const char *const order[] = {
	    "<p>Before.</p>",
	    "<figure class=\"story-figure\">\n<img src=\"https://news.example/media/"
	    "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08.w960.jpg\" "
	    "alt=\"Two ministers shaking hands in front of flags\" width=\"960\" height=\"640\">",
	    "<span class=\"credit\">Photo: Kim Ara</span></figcaption>",
	    "<p>After.</p>",
	};
	assert_in_order(html, order, sizeof order / sizeof order[0]);
	assert_null(strstr(html, "<picture>"));
	assert_null(strstr(html, "media:7"));
	json_decref(doc);
	free(json);
}

static void text_is_escaped(void **state)
{
	fx *f = *state;
	nz_article a = fx_article_en(f->arena);
	a.headline = "Q&A: <b>\"ports\"</b> ]]> end";
	nz_feed feed = {
	    .title = "T <&>", .page_path = "/", .feed_path = "/feed", .items = &a, .n = 1};
	char *rss = run(nz_feed_rss, f, &feed);
	char *atom = run(nz_feed_atom, f, &feed);
	assert_non_null(strstr(rss, "<title>T &lt;&amp;&gt;</title>"));
	assert_non_null(
	    strstr(rss, "<title>Q&amp;A: &lt;b&gt;&quot;ports&quot;&lt;/b&gt; ]]&gt; end"));
	assert_null(strstr(rss, "<b>"));
	assert_null(strstr(atom, "<b>"));
	/* No photo size given: no enclosure rather than a wrong length. */
	assert_null(strstr(rss, "<enclosure"));
	free(rss);
	free(atom);
}

static void corrections_feed_entries(void **state)
{
	fx *f = *state;
	nz_article a = fx_article_ko(f->arena);
	nz_correction c = {7, FX_PUBLISHED + 86400, "훈련 날짜를 바로잡았습니다."};
	a.corrections = &c;
	a.n_corrections = 1;
	nz_feed feed = {.title = "Corrections",
			.page_path = "/",
			.feed_path = "/corrections/feed",
			.items = &a,
			.n = 1,
			.corrections = true};
	char *rss = run(nz_feed_rss, f, &feed);
	assert_non_null(strstr(rss, "<title>정정: 양국, 가을 항만 합동훈련 합의</title>"));
	assert_non_null(strstr(rss, "#corrections-title</link>"));
	assert_non_null(strstr(rss, "<guid isPermaLink=\"false\">https://news.example/article/"));
	assert_non_null(strstr(rss, "#correction-7</guid>"));
	assert_non_null(strstr(rss, "<pubDate>Wed, 18 Mar 2026 18:30:00 +0900</pubDate>"));
	assert_non_null(strstr(rss, "<description>훈련 날짜를 바로잡았습니다.</description>"));
	free(rss);
}

static void pages_link_their_feeds(void **state)
{
	fx *f = *state;
	nz_article a = fx_article_en(f->arena);
	char *front = render(f, "front", nz_view_front(&f->pc, &a, 1, 1, 1));
	assert_non_null(strstr(front, "<link rel=\"alternate\" type=\"application/rss+xml\" "
				      "title=\"Harbor Times (RSS)\" href=\"/feed.rss\">"));
	assert_non_null(strstr(front, "type=\"application/atom+xml\" title=\"Harbor Times (Atom)\" "
				      "href=\"/feed.atom\">"));
	assert_non_null(strstr(front, "type=\"application/feed+json\" title=\"Harbor Times (JSON "
				      "Feed)\" href=\"/feed.json\">"));
	nz_list_view lv = {.kind = "section",
			   .title = "Defense",
			   .path = "/section/defense",
			   .items = &a,
			   .n = 1,
			   .page = 1,
			   .pages = 1};
	char *list = render(f, "list", nz_view_list(&f->pc, &lv));
	assert_non_null(strstr(list, "title=\"Defense — Harbor Times (RSS)\" "
				     "href=\"/section/defense/feed.rss\">"));
	char *article = render(f, "article", nz_view_article(&f->pc, &a));
	assert_non_null(strstr(article, "href=\"/feed.atom\">"));
	assert_non_null(strstr(article, "href=\"/section/defense/feed.json\">"));
	free(front);
	free(list);
	free(article);
}

/* nz_feed_memo: a build's feeds copy an entry's HTML and summary made once. The bytes are
 * the same as made each time, in every format and in another edition's language; what an
 * entry's language or a live story changes is never taken from another entry. */
static void memo_gives_the_same_bytes(void **state)
{
	fx *f = *state;
	nz_rc (*const fmts[])(const nz_site *, const nz_feed *,
			      nz_buf *) = {nz_feed_rss, nz_feed_atom, nz_feed_json};
	/* A small one forgets what it holds as it goes: the bytes stay the same. */
	nz_feed_memo *small = nz_feed_memo_new(1500);
	nz_feed_memo *memo = nz_feed_memo_new(1 << 20);
	assert_non_null(memo);
	assert_non_null(small);
	nz_article items[2];
	int64_t sizes[2];
	nz_feed feed = two_items(f, items, sizes);
	items[0].language = NULL; /* its entry is in the feed's language */
	for (int pass = 0; pass < 4; pass++) {
		for (int lang = 0; lang < 2; lang++) {
			feed.language = lang ? "ko" : NULL;
			for (size_t k = 0; k < 3; k++) {
				feed.memo = NULL;
				char *plain = run(fmts[k], f, &feed);
				feed.memo = pass < 2 ? memo : small;
				char *kept = run(fmts[k], f, &feed);
				assert_string_equal(kept, plain);
				free(plain);
				free(kept);
			}
		}
		if (pass == 0)
			assert_true(nz_feed_memo_bytes(memo) > 0);
		if (pass == 3)
			assert_in_range(nz_feed_memo_bytes(small), 1, 1500);
	}
	/* Item 0 becomes a live story: its entry leads with the update, memo or not. */
	nz_live_update u = {.id = 9,
			    .body_markdown = "Ships **left** the port.",
			    .created_at = FX_PUBLISHED + 60,
			    .updated_at = FX_PUBLISHED + 60,
			    .kind = "text"};
	nz_live live = {.started_at = FX_PUBLISHED, .updates = &u, .n_updates = 1};
	const nz_live *lives[2] = {&live, NULL};
	feed.live = lives;
	feed.language = NULL;
	feed.memo = memo;
	char *x = run(nz_feed_rss, f, &feed);
	assert_non_null(strstr(x, "Ships &lt;strong&gt;left&lt;/strong&gt; the port."));
	feed.memo = NULL;
	char *plain = run(nz_feed_rss, f, &feed);
	assert_string_equal(x, plain);
	free(x);
	free(plain);
	nz_feed_memo_free(memo);
	nz_feed_memo_free(small);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(rss_has_what_readers_need),
	    cmocka_unit_test(atom_ids_dates_and_languages),
	    cmocka_unit_test(json_feed_items),
	    cmocka_unit_test(placed_photo_in_the_feed_body),
	    cmocka_unit_test(text_is_escaped),
	    cmocka_unit_test(corrections_feed_entries),
	    cmocka_unit_test(pages_link_their_feeds),
	    cmocka_unit_test(memo_gives_the_same_bytes),
	};
	return cmocka_run_group_tests(tests, fx_setup, fx_teardown);
}
