/*
 * pages/feeds: the machine-readable outputs as producers (pages.h; docs/distribution.md):
 * feeds of the site, a section, tag or author, and of corrections; the sitemap index, its
 * children, the Google News sitemap and robots.txt. web/public/feeds.c answers their URLs with
 * these, and the static export writes them.
 *
 * What appears where: only public articles (published, embargo passed, published_at <= now).
 * Retracted articles leave the feeds and the News sitemap; they stay in the general sitemap,
 * since their URL still answers (with the retraction notice), so crawlers see the change.
 *
 * The article sitemaps are children by id range: child k holds the public articles with ids
 * (k-1)*NZ_PAGE_SITEMAP_URLS+1 .. k*NZ_PAGE_SITEMAP_URLS, and the index names the children that
 * hold any. An article never moves to another child, so an edit, a publication or a removal
 * changes one child (and the index's lastmod), which the static export alone writes again.
 *
 * Rules: a child sitemap is streamed from pages of light rows (one arena per page), never a
 * whole listing at once.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "pages/pages_int.h"

#define FEED_ITEMS 30
#define FEED_FETCH NZ_PAGE_FEED_FETCH
#define CORRECTIONS_ITEMS 50
#define SITEMAP_PAGE 1000 /* rows read at a time */
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

const char *const nz_page_feed_names[3] = {"feed.rss", "feed.atom", "feed.json"};

static bool parse_format(const char *name, feed_format *fmt)
{
	for (size_t i = 0; name && i < sizeof formats / sizeof formats[0]; i++) {
		if (strcmp(name, formats[i].name) == 0) {
			*fmt = (feed_format)i;
			return true;
		}
	}
	return false;
}

/* The time an empty feed says it was updated: the site's newest publication, so the same
 * content gives the same bytes (a static export's rebuild writes nothing); now on an empty
 * site. A feed with items says its newest item's time (render/feed.c). */
static nz_time empty_feed_time(const nz_page_env *env)
{
	nz_article_ref_query q = {.now = env->pc->now, .newest_first = true, .limit = 1};
	nz_article *rows = NULL;
	size_t n = 0;
	nz_err ignored = {0};
	if (nz_store_article_refs(env->store, env->arena, &q, &rows, &n, &ignored) == NZ_OK && n)
		return rows[0].published_at;
	return env->pc->now;
}

static nz_rc finish_feed(const nz_page_env *env, const nz_feed *f, feed_format fmt,
			 nz_page_out *out, nz_err *err)
{
	const nz_site *site = env->pc->site;
	nz_feed stable = *f;
	if (!f->updated && f->n == 0) {
		stable.updated = empty_feed_time(env);
		f = &stable;
	}
	nz_rc rc = fmt == FMT_RSS    ? nz_feed_rss(site, f, out->body)
		   : fmt == FMT_ATOM ? nz_feed_atom(site, f, out->body)
				     : nz_feed_json(site, f, out->body);
	if (rc != NZ_OK)
		return nz_err_set(err, rc, "feed: %s", nz_strerror(rc));
	out->status = 200;
	out->content_type = formats[fmt].ctype;
	return NZ_OK;
}

/* The byte length of each item's lead photo as readers get it (the full-size rendition the
 * feeds link to, made now when missing), for RSS enclosures (0 when it has none). */
static const int64_t *photo_sizes(const nz_page_env *env, const nz_article *items, size_t n)
{
	int64_t *sizes = nz_arena_zalloc(env->arena, (n ? n : 1) * sizeof *sizes);
	for (size_t i = 0; sizes && i < n; i++) {
		nz_err ignored = {0};
		const nz_media *m = items[i].n_media ? &items[i].media[0] : NULL;
		const void *bytes;
		size_t len = 0;
		const char *mime;
		if (m && m->hash &&
		    nz_page_rendition(env->store, env->arena, m->hash,
				      nz_media_format_ext(nz_media_format_of_mime(m->mime)), &bytes,
				      &len, &mime, &ignored) == NZ_OK)
			sizes[i] = (int64_t)len;
	}
	return sizes;
}

/* The live coverage of each item that has updates (NULL for the others): their entries carry
 * the newest updates (render/feed.c), and the feed changes with each (its keys are the
 * articles', which the change feed names on every update). A coverage that cannot be read
 * leaves the entry without it. */
static const nz_live *const *live_of(const nz_page_env *env, const nz_article *items, size_t n,
				     nz_page_out *out)
{
	const nz_live **live = nz_arena_zalloc(env->arena, (n ? n : 1) * sizeof *live);
	for (size_t i = 0; live && i < n; i++) {
		nz_live *l = nz_arena_zalloc(env->arena, sizeof *l);
		nz_err ignored = {0};
		if (!l || nz_store_live_get(env->store, env->arena, items[i].id, l, &ignored) ||
		    !l->started_at || !l->n_updates)
			continue;
		live[i] = l;
		for (size_t u = 0; u < l->n_updates; u++)
			nz__page_modified(out, l->updates[u].updated_at);
	}
	return live;
}

/* Fills f with the newest public, unretracted articles matching q. */
static nz_rc feed_items(const nz_page_env *env, nz_article_query *q, const nz_page_cursor *given,
			nz_feed *f, nz_page_out *out, nz_err *err)
{
	nz_article_list list = {0};
	q->public_only = true;
	q->now = env->pc->now;
	q->limit = FEED_FETCH;
	nz_rc rc = given && given->load
		       ? nz__page_given_ids(env, given, &list, err)
		       : nz_store_article_list(env->store, env->arena, q, &list, err);
	if (rc != NZ_OK)
		return rc;
	size_t n = 0;
	for (size_t i = 0; i < list.n && n < FEED_ITEMS; i++)
		if (list.items[i].status == NZ_STATUS_PUBLISHED)
			list.items[n++] = list.items[i];
	f->items = list.items;
	f->n = n;
	f->photo_bytes = photo_sizes(env, list.items, n);
	f->live = live_of(env, list.items, n, out);
	if (!f->photo_bytes || !f->live)
		return nz_err_set(err, NZ_NOMEM, "out of memory");
	return nz__page_list_keys(env, out, list.items, n);
}

/* "Title — Site", or the site's name alone. */
static const char *titled(const nz_page_env *env, const char *title)
{
	const nz_site *site = env->pc->site;
	const char *name = site && site->name ? site->name : "";
	if (!title || !title[0])
		return name;
	return nz_arena_printf(env->arena, "%s — %s", title, name);
}

/* Finds what a section, tag or author feed is about; fills f's title, paths and q's filter. */
static nz_rc feed_subject(const nz_page_env *env, const char *kind, const char *slug, nz_feed *f,
			  nz_article_query *q, nz_page_out *out, nz_err *err)
{
	nz_arena *arena = env->arena;
	nz_rc rc;
	int64_t id;
	if (strcmp(kind, "section") == 0) {
		nz_section *s = NULL;
		if ((rc = nz_store_section_get(env->store, arena, slug, &s, err)))
			return rc;
		f->title = titled(env, nz_section_name_in(arena, s, nz__page_lang(env->pc)));
		f->page_path = nz_url_section(arena, s->slug);
		q->section_slug = s->slug;
		q->prefer_language = nz__page_lang(env->pc); /* a story once, as its list shows */
		id = s->id;
	} else if (strcmp(kind, "tag") == 0) {
		nz_tag *t = NULL;
		if ((rc = nz_store_tag_get(env->store, arena, slug, &t, err)))
			return rc;
		f->title = titled(env, t->name);
		f->page_path = nz_url_tag(arena, t->slug);
		q->tag_slug = t->slug;
		id = t->id;
	} else if (strcmp(kind, "author") == 0) {
		nz_author *au = NULL;
		if ((rc = nz_store_author_get(env->store, arena, slug, &au, err)))
			return rc;
		f->title = titled(env, nz_author_name(arena, au));
		f->description = au->bio && au->bio[0] ? au->bio : NULL;
		f->page_path = nz_url_author(arena, au->slug);
		q->author_slug = au->slug;
		id = au->id;
	} else {
		return NZ_NOTFOUND;
	}
	f->page_path = nz_url_edition_path(arena, env->pc->site, env->pc->edition, f->page_path);
	f->feed_path = nz_arena_printf(arena, "%s/feed", f->page_path);
	if (!f->title || !f->page_path || !f->feed_path ||
	    nz_page_key(env, out, "%s-%lld", kind, (long long)id) != NZ_OK)
		return nz_err_set(err, NZ_NOMEM, "out of memory");
	return NZ_OK;
}

static nz_rc corrections_feed(const nz_page_env *env, feed_format fmt, nz_page_out *out,
			      nz_err *err)
{
	nz_article *items = NULL;
	size_t n = 0;
	nz_rc rc = nz_store_corrections_recent(env->store, env->arena, env->pc->now,
					       CORRECTIONS_ITEMS, &items, &n, err);
	if (rc != NZ_OK)
		return rc;
	const nz_site *site = env->pc->site;
	bool ko = site && site->language && strcmp(site->language, "ko") == 0;
	nz_feed f = {.title = titled(env, ko ? "정정" : "Corrections"),
		     .page_path = "/",
		     .feed_path = "/corrections/feed",
		     .items = items,
		     .n = n,
		     .corrections = true};
	for (size_t i = 0; i < n; i++) {
		if (nz_page_key(env, out, "article-%lld", (long long)items[i].id) != NZ_OK)
			return nz_err_set(err, NZ_NOMEM, "out of memory");
		nz__page_modified(out, items[i].corrections[0].created_at);
	}
	if (!f.title || nz_page_key(env, out, "corrections") != NZ_OK)
		return nz_err_set(err, NZ_NOMEM, "out of memory");
	return finish_feed(env, &f, fmt, out, err);
}

nz_rc nz_page_feed(const nz_page_env *env, const char *kind, const char *slug, const char *format,
		   nz_page_out *out, nz_err *err)
{
	return nz_page_feed_at(env, kind, slug, format, NULL, out, err);
}

nz_rc nz_page_feed_at(const nz_page_env *env, const char *kind, const char *slug,
		      const char *format, const nz_page_cursor *given, nz_page_out *out,
		      nz_err *err)
{
	feed_format fmt;
	nz_feed f = {0};
	nz_article_query q = {0};
	out->kind = NZ_PAGE_FEED;
	if (!parse_format(format, &fmt))
		return nz__page_not_found(out, 404, NULL);
	if (strcmp(kind, "corrections") == 0)
		return corrections_feed(env, fmt, out, err);
	if (strcmp(kind, "site") == 0) {
		const nz_site *site = env->pc->site;
		f.title = titled(env, NULL);
		f.description = site && site->tagline && site->tagline[0] ? site->tagline : NULL;
		f.page_path = "/";
		f.feed_path = "/feed";
		q.prefer_language = nz__page_lang(env->pc); /* a story once, as the front shows */
		if (env->pc->edition) { /* "/ko/" and "/ko/feed": the edition's own */
			const char *name = nz_site_local(site, "name", env->pc->edition);
			const char *tagline = nz_site_local(site, "tagline", env->pc->edition);
			f.title = name ? name : f.title;
			f.description = tagline ? tagline : f.description;
			f.page_path = nz_url_edition_path(env->arena, site, env->pc->edition, "/");
			f.feed_path =
			    nz_url_edition_path(env->arena, site, env->pc->edition, "/feed");
		}
		if (nz_page_key(env, out, "front") != NZ_OK)
			return nz_err_set(err, NZ_NOMEM, "out of memory");
	} else {
		nz_rc rc = feed_subject(env, kind, slug ? slug : "", &f, &q, out, err);
		if (rc == NZ_NOTFOUND)
			return nz__page_not_found(out, 404, NULL);
		if (rc != NZ_OK)
			return rc;
	}
	f.language = env->pc->edition;
	f.memo = env->pc->feed_memo;
	nz_rc rc = feed_items(env, &q, given, &f, out, err);
	if (rc == NZ_OK && f.n == 0 && (q.tag_slug || q.author_slug))
		return nz__page_not_found(out, 404, NULL); /* known only through unpublished work */
	return rc != NZ_OK ? rc : finish_feed(env, &f, fmt, out, err);
}

/* ---- sitemaps ------------------------------------------------------------------------------ */

static nz_rc finish_xml(const nz_page_env *env, nz_rc rc, nz_page_out *out, nz_err *err)
{
	if (rc != NZ_OK)
		return err->rc ? rc : nz_err_set(err, rc, "sitemap: %s", nz_strerror(rc));
	out->status = 200;
	out->content_type = "application/xml; charset=utf-8";
	out->kind = NZ_PAGE_FEED;
	return nz_page_key(env, out, "front") == NZ_OK ? NZ_OK
						       : nz_err_set(err, NZ_NOMEM, "out of memory");
}

nz_rc nz_page_sitemap_index(const nz_page_env *env, nz_page_out *out, nz_err *err)
{
	nz_arena *arena = env->arena;
	nz_article_chunk *chunks = NULL;
	size_t n = 0;
	out->kind = NZ_PAGE_FEED;
	nz_rc rc = nz_store_article_chunks(env->store, arena, env->pc->now, NZ_PAGE_SITEMAP_URLS,
					   &chunks, &n, err);
	if (rc != NZ_OK)
		return rc;
	const char **paths = nz_arena_alloc(arena, (n + 1) * sizeof *paths);
	nz_time *times = nz_arena_zalloc(arena, (n + 1) * sizeof *times);
	if (!paths || !times)
		return nz_err_set(err, NZ_NOMEM, "out of memory");
	paths[0] = "/sitemaps/pages.xml";
	for (size_t i = 0; i < n; i++) { /* the chunks that hold articles: numbers may skip */
		paths[i + 1] = nz_arena_printf(arena, "/sitemaps/articles-%lld.xml",
					       (long long)chunks[i].number);
		if (!paths[i + 1])
			return nz_err_set(err, NZ_NOMEM, "out of memory");
		times[i + 1] = chunks[i].lastmod;
		if (chunks[i].lastmod > times[0])
			times[0] = chunks[i].lastmod; /* the front page shows the newest */
		nz__page_modified(out, chunks[i].lastmod);
	}
	return finish_xml(env, nz_sitemap_index(out->body, env->pc->site, paths, times, n + 1), out,
			  err);
}

static nz_rc sitemap_pages(const nz_page_env *env, nz_page_out *out, nz_err *err)
{
	const nz_page_ctx *pc = env->pc;
	nz_sitemap_begin(out->body);
	nz_sitemap_page_editions(out->body, pc->site, "/", 0);
	for (size_t i = 0; i < pc->n_sections; i++)
		nz_sitemap_page_editions(out->body, pc->site,
					 nz_url_section(env->arena, pc->sections[i].slug), 0);
	/* The static pages, with their last edit, in each edition that has a version of them. */
	char codes[NZ_EDITIONS_MAX][16], have[NZ_EDITIONS_MAX][16];
	size_t n_codes = nz_site_editions(pc->site, codes, NZ_EDITIONS_MAX);
	for (size_t i = 0; i < pc->n_pages; i++) {
		size_t n = 0;
		nz_static_page v;
		for (size_t k = 0; k < n_codes; k++)
			if (strcmp(codes[k], pc->site->language ? pc->site->language : "en") == 0 ||
			    nz_static_page_in(env->arena, &pc->pages[i], codes[k], &v))
				memcpy(have[n++], codes[k], sizeof have[0]);
		nz_sitemap_page_in(out->body, pc->site,
				   nz_url_static_page(env->arena, pc->pages[i].slug),
				   pc->pages[i].updated_at, have, n);
	}
	return finish_xml(env, nz_sitemap_end(out->body), out, err);
}

/* Gives each of the n light rows its photos, read in one query for the page (the rows' id range;
 * the answer is ordered by article id, so each row's photos are found by bisection). */
static nz_rc rows_photos(const nz_page_env *env, nz_arena *arena, nz_article *rows, size_t n,
			 nz_err *err)
{
	nz_article_photo *ph = NULL;
	size_t k = 0;
	int64_t lo = INT64_MAX, hi = INT64_MIN;
	for (size_t i = 0; i < n; i++) {
		lo = rows[i].id < lo ? rows[i].id : lo;
		hi = rows[i].id > hi ? rows[i].id : hi;
	}
	nz_rc rc = n ? nz_store_article_photos(env->store, arena, lo, hi, &ph, &k, err) : NZ_OK;
	for (size_t i = 0; !rc && i < n; i++) {
		size_t first = 0, end = k;
		while (first < end) {
			size_t mid = first + (end - first) / 2;
			if (ph[mid].article_id < rows[i].id)
				first = mid + 1;
			else
				end = mid;
		}
		size_t j = first;
		while (j < k && ph[j].article_id == rows[i].id)
			j++;
		if (j == first)
			continue;
		nz_media *m = nz_arena_alloc(arena, (j - first) * sizeof *m);
		if (!m)
			return nz_err_set(err, NZ_NOMEM, "out of memory");
		for (size_t x = first; x < j; x++)
			m[x - first] = ph[x].media;
		rows[i].media = m;
		rows[i].n_media = j - first;
	}
	return rc;
}

/* Appends one page of light articles (with their translations and photos) to the sitemap. */
static nz_rc sitemap_rows(const nz_page_env *env, nz_arena *arena, nz_article *rows, size_t n,
			  bool news, nz_page_out *out, nz_err *err)
{
	nz_rc rc = rows_photos(env, arena, rows, n, err);
	for (size_t i = 0; i < n && !rc; i++) {
		nz_article *tr = NULL;
		size_t n_tr = 0;
		if (rows[i].translation_group)
			rc = nz_store_article_translations(env->store, arena, &rows[i],
							   env->pc->now, &tr, &n_tr, err);
		if (!rc)
			rc = nz_sitemap_article(out->body, env->pc->site, &rows[i], tr, n_tr, news);
		nz__page_modified(out, rows[i].updated_at > rows[i].published_at
					   ? rows[i].updated_at
					   : rows[i].published_at);
	}
	return rc;
}

/* Streams child k (from 1) of the article sitemaps: the public articles whose ids are in its
 * range (nz_sitemap_child_of); NZ_NOTFOUND when it holds none. */
static nz_rc stream_child(const nz_page_env *env, size_t k, nz_page_out *out, nz_err *err)
{
	int64_t last = (int64_t)(k * NZ_PAGE_SITEMAP_URLS);
	nz_article_ref_query q = {.now = env->pc->now,
				  .with_retracted = true,
				  .after_id = last - NZ_PAGE_SITEMAP_URLS,
				  .limit = SITEMAP_PAGE};
	size_t done = 0;
	nz_rc rc = NZ_OK;
	nz_sitemap_begin(out->body);
	for (bool more = true; !rc && more;) {
		nz_arena *arena = nz_arena_new();
		nz_article *rows = NULL;
		size_t n = 0;
		rc = arena ? nz_store_article_refs(env->store, arena, &q, &rows, &n, err)
			   : nz_err_set(err, NZ_NOMEM, "out of memory");
		more = !rc && n == q.limit && rows[n - 1].id < last;
		while (!rc && n > 0 && rows[n - 1].id > last) /* past the range: the next child's */
			n--;
		if (!rc && n == 0 && done == 0)
			rc = NZ_NOTFOUND;
		if (!rc)
			rc = sitemap_rows(env, arena, rows, n, false, out, err);
		if (!rc && n > 0)
			q.after_id = rows[n - 1].id;
		done += n;
		nz_arena_free(arena);
	}
	return rc ? rc : nz_sitemap_end(out->body);
}

size_t nz_page_sitemap_child_of(int64_t article_id)
{
	return article_id > 0 ? (size_t)((article_id - 1) / NZ_PAGE_SITEMAP_URLS) + 1 : 0;
}

/* N of "articles-N.xml" (N from 1, digits only), or 0. */
static size_t child_number(const char *file)
{
	size_t k = 0, len = strlen(file);
	if (len <= 13 || strncmp(file, "articles-", 9) != 0 || strcmp(file + len - 4, ".xml") != 0)
		return 0;
	size_t digits = len - 13;
	if (digits > 6 || file[9] == '0')
		return 0;
	for (size_t i = 9; i < 9 + digits; i++) {
		if (file[i] < '0' || file[i] > '9')
			return 0;
		k = k * 10 + (size_t)(file[i] - '0');
	}
	return k;
}

nz_rc nz_page_sitemap_child(const nz_page_env *env, const char *file, nz_page_out *out, nz_err *err)
{
	out->kind = NZ_PAGE_FEED;
	if (strcmp(file, "pages.xml") == 0)
		return sitemap_pages(env, out, err);
	size_t k = child_number(file);
	if (!k)
		return nz__page_not_found(out, 404, NULL);
	size_t start = out->body->len;
	nz_rc rc = stream_child(env, k, out, err);
	if (rc == NZ_NOTFOUND) {
		out->body->len = start; /* nothing of a 404 stays in the body */
		if (out->body->p)
			out->body->p[start] = '\0';
		return nz__page_not_found(out, 404, NULL);
	}
	return finish_xml(env, rc, out, err);
}

nz_rc nz_page_sitemap_news(const nz_page_env *env, nz_page_out *out, nz_err *err)
{
	nz_article_ref_query q = {.now = env->pc->now,
				  .newest_first = true,
				  .since = env->pc->now - NEWS_WINDOW,
				  .limit = NEWS_MAX};
	nz_article *rows = NULL;
	size_t n = 0;
	out->kind = NZ_PAGE_FEED;
	nz_sitemap_begin(out->body);
	nz_rc rc = nz_store_article_refs(env->store, env->arena, &q, &rows, &n, err);
	if (!rc)
		rc = sitemap_rows(env, env->arena, rows, n, true, out, err);
	if (rc)
		return rc;
	return finish_xml(env, nz_sitemap_end(out->body), out, err);
}

nz_rc nz_page_robots(const nz_page_env *env, nz_page_out *out, nz_err *err)
{
	static const char *const maps[] = {"/sitemap.xml", "/sitemap-news.xml"};
	out->kind = NZ_PAGE_FEED;
	if (nz_robots_txt(out->body, env->pc->site, maps, 2) != NZ_OK)
		return nz_err_set(err, NZ_NOMEM, "out of memory");
	out->status = 200;
	out->content_type = "text/plain; charset=utf-8";
	return NZ_OK;
}
