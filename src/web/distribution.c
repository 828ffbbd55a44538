/*
 * web/distribution: the machine-readable outputs (docs/distribution.md).
 *   /feed.{rss,atom,json}                          the whole site
 *   /section/{slug}/feed.{rss,atom,json}           one section (likewise /tag/…, /author/…)
 *   /corrections/feed.{rss,atom,json}              corrections across the site
 *   /sitemap.xml                                   sitemap index
 *   /sitemaps/pages.xml, /sitemaps/articles-N.xml  its children (N from 1)
 *   /sitemap-news.xml                              Google News: the last two days
 *   /robots.txt
 *   ninjs for /api/v1/articles/{slug}.ninjs and Accept: application/ninjs+json (api.c asks
 *   nz__ninjs_wanted and calls nz__send_ninjs).
 *
 * What appears where: only public articles (published, embargo passed, published_at <= now).
 * Retracted articles leave the feeds and the News sitemap; they stay in the general sitemap,
 * since their URL still answers (with the retraction notice), so crawlers see the change.
 *
 * Rules: a child sitemap is streamed from pages of light rows (one arena per page), never a
 * whole listing at once; every handler says its cache policy and surrogate keys.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "web/web_int.h"

#define FEED_ITEMS 30
#define FEED_FETCH 40 /* fetched to fill FEED_ITEMS after dropping retracted articles */
#define CORRECTIONS_ITEMS 50
#define SITEMAP_URLS 45000 /* per child sitemap: under the 50,000 limit with room to spare */
#define SITEMAP_PAGE 1000  /* rows read at a time */
#define NEWS_WINDOW (2 * 24 * 3600)
#define NEWS_MAX 1000

typedef enum { FMT_RSS, FMT_ATOM, FMT_JSON } feed_format;

static const struct {
	const char *name, *ctype;
} formats[] = {
    [FMT_RSS] = {"feed.rss", "application/rss+xml; charset=utf-8"},
    [FMT_ATOM] = {"feed.atom", "application/atom+xml; charset=utf-8"},
    [FMT_JSON] = {"feed.json", "application/feed+json; charset=utf-8"},
};

static bool parse_format(nz_str name, feed_format *fmt)
{
	for (size_t i = 0; i < sizeof formats / sizeof formats[0]; i++) {
		if (nz_str_eq_c(name, formats[i].name)) {
			*fmt = (feed_format)i;
			return true;
		}
	}
	return false;
}

static void fail(nz__ctx *c, const char *what, const nz_err *err)
{
	NZ_LOG(NZ_LOG_ERROR, "web", "%s %s: %s", what, c->req->path, err ? err->msg : "");
	nz__send_error_page(c, err && err->rc == NZ_NOMEM ? 503 : 500, NULL);
}

static void send_feed(nz__ctx *c, const nz_feed *f, feed_format fmt)
{
	nz_buf *body = &c->resp->body;
	nz_buf_reset(body);
	nz_rc rc = fmt == FMT_RSS    ? nz_feed_rss(&c->site, f, body)
		   : fmt == FMT_ATOM ? nz_feed_atom(&c->site, f, body)
				     : nz_feed_json(&c->site, f, body);
	if (rc != NZ_OK) {
		nz_err err = {.rc = rc};
		fail(c, "feed", &err);
		return;
	}
	c->resp->status = 200;
	c->resp->content_type = formats[fmt].ctype;
	nz__cache_policy(c, NZ__CACHE_FEED);
}

/* The byte length of each item's lead photo, for RSS enclosures (0 when it has none). */
static const int64_t *photo_sizes(nz__ctx *c, const nz_article *items, size_t n)
{
	int64_t *sizes = nz_arena_zalloc(c->req->arena, (n ? n : 1) * sizeof *sizes);
	for (size_t i = 0; sizes && i < n; i++) {
		nz_err err = {0};
		if (items[i].n_media && items[i].media[0].hash)
			nz_store_blob_size(c->store, items[i].media[0].hash, &sizes[i], &err);
	}
	return sizes;
}

/* Fills f with the newest public, unretracted articles matching q; answers itself on error. */
static bool feed_items(nz__ctx *c, nz_article_query *q, nz_feed *f)
{
	nz_article_list list = {0};
	nz_err err = {0};
	q->public_only = true;
	q->now = c->page.now;
	q->limit = FEED_FETCH;
	if (nz_store_article_list(c->store, c->req->arena, q, &list, &err) != NZ_OK) {
		fail(c, "feed", &err);
		return false;
	}
	size_t n = 0;
	for (size_t i = 0; i < list.n && n < FEED_ITEMS; i++)
		if (list.items[i].status == NZ_STATUS_PUBLISHED)
			list.items[n++] = list.items[i];
	f->items = list.items;
	f->n = n;
	f->photo_bytes = photo_sizes(c, list.items, n);
	nz__cache_list(c, list.items, n);
	return true;
}

/* "Title — Site", or the site's name alone. */
static const char *titled(nz__ctx *c, const char *title)
{
	const char *site = c->site.name ? c->site.name : "";
	if (!title || !title[0])
		return site;
	return nz_arena_printf(c->req->arena, "%s — %s", title, site);
}

static void site_feed(nz__ctx *c, feed_format fmt)
{
	nz_article_query q = {0};
	nz_feed f = {.title = titled(c, NULL),
		     .description = c->site.tagline && c->site.tagline[0] ? c->site.tagline : NULL,
		     .page_path = "/",
		     .feed_path = "/feed"};
	nz__surrogate_add(c, "front");
	if (feed_items(c, &q, &f))
		send_feed(c, &f, fmt);
}

static void feed_rss(nz__ctx *c, const nz_route_match *m)
{
	(void)m;
	site_feed(c, FMT_RSS);
}

static void feed_atom(nz__ctx *c, const nz_route_match *m)
{
	(void)m;
	site_feed(c, FMT_ATOM);
}

static void feed_json(nz__ctx *c, const nz_route_match *m)
{
	(void)m;
	site_feed(c, FMT_JSON);
}

/* Finds what a section, tag or author feed is about; fills f's title, paths and q's filter. */
static nz_rc feed_subject(nz__ctx *c, const char *kind, const char *slug, nz_feed *f,
			  nz_article_query *q, nz_err *err)
{
	nz_arena *arena = c->req->arena;
	nz_rc rc;
	if (strcmp(kind, "section") == 0) {
		nz_section *s = NULL;
		if ((rc = nz_store_section_get(c->store, arena, slug, &s, err)))
			return rc;
		f->title = titled(c, s->name);
		f->page_path = nz_url_section(arena, s->slug);
		q->section_slug = s->slug;
		nz__surrogate_add(c, "section-%lld", (long long)s->id);
	} else if (strcmp(kind, "tag") == 0) {
		nz_tag *t = NULL;
		if ((rc = nz_store_tag_get(c->store, arena, slug, &t, err)))
			return rc;
		f->title = titled(c, t->name);
		f->page_path = nz_url_tag(arena, t->slug);
		q->tag_slug = t->slug;
		nz__surrogate_add(c, "tag-%lld", (long long)t->id);
	} else {
		nz_author *au = NULL;
		if ((rc = nz_store_author_get(c->store, arena, slug, &au, err)))
			return rc;
		f->title = titled(c, nz_author_name(arena, au));
		f->description = au->bio && au->bio[0] ? au->bio : NULL;
		f->page_path = nz_url_author(arena, au->slug);
		q->author_slug = au->slug;
		nz__surrogate_add(c, "author-%lld", (long long)au->id);
	}
	f->feed_path = nz_arena_printf(arena, "%s/feed", f->page_path);
	return f->title && f->page_path && f->feed_path ? NZ_OK : NZ_NOMEM;
}

static void subject_feed(nz__ctx *c, const nz_route_match *m, const char *kind)
{
	feed_format fmt;
	nz_feed f = {0};
	nz_article_query q = {0};
	nz_err err = {0};
	const char *slug = nz_arena_str(c->req->arena, nz_route_param(m, "slug"));
	if (!parse_format(nz_route_param(m, "feed"), &fmt)) {
		nz__send_error_page(c, 404, NULL);
		return;
	}
	nz_rc rc = slug ? feed_subject(c, kind, slug, &f, &q, &err) : NZ_NOMEM;
	if (rc == NZ_NOTFOUND) {
		nz__send_error_page(c, 404, NULL);
		return;
	}
	if (rc != NZ_OK) {
		fail(c, "feed", &err);
		return;
	}
	if (feed_items(c, &q, &f))
		send_feed(c, &f, fmt);
}

static void section_feed(nz__ctx *c, const nz_route_match *m)
{
	subject_feed(c, m, "section");
}

static void tag_feed(nz__ctx *c, const nz_route_match *m)
{
	subject_feed(c, m, "tag");
}

static void author_feed(nz__ctx *c, const nz_route_match *m)
{
	subject_feed(c, m, "author");
}

static void corrections_feed(nz__ctx *c, const nz_route_match *m)
{
	feed_format fmt;
	nz_err err = {0};
	nz_article *items = NULL;
	size_t n = 0;
	if (!parse_format(nz_route_param(m, "feed"), &fmt)) {
		nz__send_error_page(c, 404, NULL);
		return;
	}
	if (nz_store_corrections_recent(c->store, c->req->arena, c->page.now, CORRECTIONS_ITEMS,
					&items, &n, &err) != NZ_OK) {
		fail(c, "corrections feed", &err);
		return;
	}
	bool ko = c->site.language && strcmp(c->site.language, "ko") == 0;
	const char *label = ko ? "정정" : "Corrections";
	nz_feed f = {.title = titled(c, label),
		     .page_path = "/",
		     .feed_path = "/corrections/feed",
		     .items = items,
		     .n = n,
		     .corrections = true};
	for (size_t i = 0; i < n; i++) {
		nz__surrogate_add(c, "article-%lld", (long long)items[i].id);
		nz__cache_modified(c, items[i].corrections[0].created_at);
	}
	nz__surrogate_add(c, "corrections");
	send_feed(c, &f, fmt);
}

/* ---- ninjs --------------------------------------------------------------------------------- */

bool nz__ninjs_wanted(nz__ctx *c, nz_str *slug)
{
	if (nz_str_ends_with(*slug, ".ninjs")) {
		slug->len -= strlen(".ninjs");
		return true;
	}
	const char *accept = nz_http_header(c->req, "Accept");
	return accept && strcasestr(accept, "application/ninjs+json") != NULL;
}

void nz__send_ninjs(nz__ctx *c, const nz_article *a)
{
	json_t *doc = nz_ninjs_article(&c->site, a);
	char *s = doc ? json_dumps(doc, JSON_INDENT(2) | JSON_PRESERVE_ORDER) : NULL;
	json_decref(doc);
	if (!s) {
		nz__send_json_error(c->resp, 503, "unavailable", "out of memory");
		return;
	}
	nz_buf_reset(&c->resp->body);
	nz_buf_puts(&c->resp->body, s);
	nz_buf_putc(&c->resp->body, '\n');
	free(s);
	c->resp->status = 200;
	c->resp->content_type = "application/ninjs+json; charset=utf-8";
	nz__cache_policy(c, NZ__CACHE_ARTICLE);
	nz__surrogate_article(c, a);
	nz__cache_modified(c, nz__article_modified(a));
}

json_t *nz__article_view(nz__ctx *c, const nz_article *a)
{
	nz_article *tr = NULL;
	size_t n = 0;
	nz_err err = {0};
	json_t *view = nz_view_article(&c->page, a);
	if (!view)
		return NULL;
	if (nz_store_article_translations(c->store, c->req->arena, a, c->page.now, &tr, &n, &err) !=
	    NZ_OK) {
		/* The page is still right without its alternates; say why they are missing. */
		NZ_LOG(NZ_LOG_WARN, "web", "translations of %s: %s", a->slug, err.msg);
		return view;
	}
	for (size_t i = 0; i < n; i++)
		nz__surrogate_add(c, "article-%lld", (long long)tr[i].id);
	if (!nz_view_article_translations(view, &c->page, a, tr, n)) {
		json_decref(view);
		return NULL;
	}
	return view;
}

/* ---- sitemaps ------------------------------------------------------------------------------ */

static void send_xml(nz__ctx *c, nz_rc rc)
{
	if (rc != NZ_OK) {
		nz_err err = {.rc = rc};
		fail(c, "sitemap", &err);
		return;
	}
	c->resp->status = 200;
	c->resp->content_type = "application/xml; charset=utf-8";
	nz__cache_policy(c, NZ__CACHE_FEED);
	nz__surrogate_add(c, "front");
}

static void sitemap_index(nz__ctx *c, const nz_route_match *m)
{
	(void)m;
	nz_arena *arena = c->req->arena;
	nz_time *lastmod = NULL;
	size_t n = 0;
	nz_err err = {0};
	if (nz_store_article_chunks(c->store, arena, c->page.now, SITEMAP_URLS, &lastmod, &n,
				    &err) != NZ_OK) {
		fail(c, "sitemap", &err);
		return;
	}
	const char **paths = nz_arena_alloc(arena, (n + 1) * sizeof *paths);
	nz_time *times = nz_arena_zalloc(arena, (n + 1) * sizeof *times);
	if (!paths || !times) {
		send_xml(c, NZ_NOMEM);
		return;
	}
	paths[0] = "/sitemaps/pages.xml";
	for (size_t i = 0; i < n; i++) {
		paths[i + 1] = nz_arena_printf(arena, "/sitemaps/articles-%zu.xml", i + 1);
		times[i + 1] = lastmod[i];
		if (lastmod[i] > times[0])
			times[0] = lastmod[i]; /* the front page shows the newest */
		nz__cache_modified(c, lastmod[i]);
	}
	nz_buf_reset(&c->resp->body);
	send_xml(c, nz_sitemap_index(&c->resp->body, &c->site, paths, times, n + 1));
}

static void sitemap_pages(nz__ctx *c, const nz_route_match *m)
{
	(void)m;
	nz_buf *body = &c->resp->body;
	nz_buf_reset(body);
	nz_sitemap_begin(body);
	nz_sitemap_page(body, &c->site, "/", 0);
	for (size_t i = 0; i < c->page.n_sections; i++)
		nz_sitemap_page(body, &c->site,
				nz_url_section(c->req->arena, c->page.sections[i].slug), 0);
	send_xml(c, nz_sitemap_end(body));
}

/* Appends one page of light articles (with their translations) to the sitemap. */
static nz_rc sitemap_rows(nz__ctx *c, nz_arena *arena, const nz_article *rows, size_t n, bool news,
			  nz_err *err)
{
	nz_rc rc = NZ_OK;
	for (size_t i = 0; i < n && !rc; i++) {
		nz_article *tr = NULL;
		size_t n_tr = 0;
		if (rows[i].translation_group)
			rc = nz_store_article_translations(c->store, arena, &rows[i], c->page.now,
							   &tr, &n_tr, err);
		if (!rc)
			rc = nz_sitemap_article(&c->resp->body, &c->site, &rows[i], tr, n_tr, news);
		nz__cache_modified(c, rows[i].updated_at > rows[i].published_at
					  ? rows[i].updated_at
					  : rows[i].published_at);
	}
	return rc;
}

/* Streams child k (from 1) of the article sitemaps; NZ_NOTFOUND when there is no such child. */
static nz_rc stream_child(nz__ctx *c, size_t k, nz_err *err)
{
	nz_article_ref_query q = {
	    .now = c->page.now, .with_retracted = true, .offset = (k - 1) * SITEMAP_URLS};
	size_t done = 0;
	nz_rc rc = NZ_OK;
	nz_sitemap_begin(&c->resp->body);
	while (!rc && done < SITEMAP_URLS) {
		nz_arena *arena = nz_arena_new();
		nz_article *rows = NULL;
		size_t n = 0;
		q.limit = SITEMAP_URLS - done < SITEMAP_PAGE ? SITEMAP_URLS - done : SITEMAP_PAGE;
		rc = arena ? nz_store_article_refs(c->store, arena, &q, &rows, &n, err) : NZ_NOMEM;
		if (!rc && n == 0 && done == 0)
			rc = NZ_NOTFOUND;
		if (!rc)
			rc = sitemap_rows(c, arena, rows, n, false, err);
		if (!rc && n > 0) {
			q.after_id = rows[n - 1].id;
			q.offset = 0;
		}
		done += n;
		nz_arena_free(arena);
		if (n < q.limit)
			break;
	}
	return rc ? rc : nz_sitemap_end(&c->resp->body);
}

/* N of "articles-N.xml" (N from 1, digits only), or 0. */
static size_t child_number(nz_str file)
{
	size_t k = 0;
	if (!nz_str_starts_with(file, "articles-") || !nz_str_ends_with(file, ".xml"))
		return 0;
	nz_str digits = {file.p + 9, file.len - 9 - 4};
	if (digits.len == 0 || digits.len > 6 || digits.p[0] == '0')
		return 0;
	for (size_t i = 0; i < digits.len; i++) {
		if (digits.p[i] < '0' || digits.p[i] > '9')
			return 0;
		k = k * 10 + (size_t)(digits.p[i] - '0');
	}
	return k;
}

static void sitemap_child(nz__ctx *c, const nz_route_match *m)
{
	nz_str file = nz_route_param(m, "file");
	nz_err err = {0};
	if (nz_str_eq_c(file, "pages.xml")) {
		sitemap_pages(c, m);
		return;
	}
	size_t k = child_number(file);
	nz_rc rc = NZ_NOTFOUND;
	if (k) {
		nz_buf_reset(&c->resp->body);
		rc = stream_child(c, k, &err);
	}
	if (rc == NZ_NOTFOUND) {
		nz__send_error_page(c, 404, NULL);
		return;
	}
	if (rc != NZ_OK) {
		fail(c, "sitemap", &err);
		return;
	}
	send_xml(c, NZ_OK);
}

static void sitemap_news(nz__ctx *c, const nz_route_match *m)
{
	(void)m;
	nz_article_ref_query q = {.now = c->page.now,
				  .newest_first = true,
				  .since = c->page.now - NEWS_WINDOW,
				  .limit = NEWS_MAX};
	nz_article *rows = NULL;
	size_t n = 0;
	nz_err err = {0};
	nz_buf_reset(&c->resp->body);
	nz_sitemap_begin(&c->resp->body);
	nz_rc rc = nz_store_article_refs(c->store, c->req->arena, &q, &rows, &n, &err);
	if (!rc)
		rc = sitemap_rows(c, c->req->arena, rows, n, true, &err);
	if (rc) {
		fail(c, "news sitemap", &err);
		return;
	}
	send_xml(c, nz_sitemap_end(&c->resp->body));
}

static void robots(nz__ctx *c, const nz_route_match *m)
{
	(void)m;
	static const char *const maps[] = {"/sitemap.xml", "/sitemap-news.xml"};
	nz_buf_reset(&c->resp->body);
	if (nz_robots_txt(&c->resp->body, &c->site, maps, 2) != NZ_OK) {
		send_xml(c, NZ_NOMEM);
		return;
	}
	c->resp->status = 200;
	c->resp->content_type = "text/plain; charset=utf-8";
	nz__cache_policy(c, NZ__CACHE_FEED);
}

const nz__route_entry nz__distribution_routes[] = {
    {"GET", "/feed.rss", feed_rss},
    {"GET", "/feed.atom", feed_atom},
    {"GET", "/feed.json", feed_json},
    {"GET", "/section/{slug}/{feed}", section_feed},
    {"GET", "/tag/{slug}/{feed}", tag_feed},
    {"GET", "/author/{slug}/{feed}", author_feed},
    {"GET", "/corrections/{feed}", corrections_feed},
    {"GET", "/sitemap.xml", sitemap_index},
    {"GET", "/sitemaps/{file}", sitemap_child},
    {"GET", "/sitemap-news.xml", sitemap_news},
    {"GET", "/robots.txt", robots},
    {NULL, NULL, NULL},
};
