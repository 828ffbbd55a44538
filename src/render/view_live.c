/*
 * view_live.c: live coverage on an article's page (docs/live-coverage.md). To the article
 * view (view_article.c) it adds
 *   article.live{on,badge,ended,ended_label,key_label,latest_label,has_pinned,pinned[],updates[]}
 * with each update as {id,anchor,time,edited,html,pinned}, newest first, pinned key updates
 * also on top; live_js (the small script that fetches new updates while the page is open);
 * and it turns the page's JSON-LD into a schema.org LiveBlogPosting with coverageStartTime,
 * coverageEndTime and liveBlogUpdate. And the admin API's JSON of a coverage.
 *
 * Rules: pure functions of their arguments; an update's Markdown goes through the same
 * renderer as an article's body; temporaries in a private arena.
 */
#include <string.h>

#include "render/render_int.h"

#define EDITED_AFTER 60 /* seconds after posting before a correction shows as "edited" */

typedef struct live_labels {
	const char *badge, *ended, *key, *latest, *edited;
} live_labels;

static const live_labels *labels(const char *lang)
{
	static const live_labels en = {"Live", "Live coverage ended", "Key updates",
				       "Latest updates", "edited"};
	static const live_labels ko = {"실시간", "실시간 중계 종료", "주요 소식", "최신 소식",
				       "수정됨"};
	return lang && strncmp(lang, "ko", 2) == 0 ? &ko : &en;
}

const char *nz__live_latest_label(const char *lang)
{
	return labels(lang)->latest;
}

static void put(nz_buf *b, const char *s)
{
	if (s)
		nz_escape_html(b, s, strlen(s));
}

nz_rc nz__live_update_html(const nz_live_update *u, const char *lang, const nz_site *feed_site,
			   nz_buf *out)
{
	const char *md = u->body_markdown ? u->body_markdown : "";
	const char *kind = u->kind ? u->kind : "text";
	if (strcmp(kind, "quote") == 0 && u->quote) {
		nz_buf_puts(out, "<figure class=\"live-quote\">\n<blockquote><p>");
		put(out, u->quote);
		nz_buf_puts(out, "</p></blockquote>\n<figcaption><cite>");
		put(out, u->attribution);
		nz_buf_puts(out, "</cite></figcaption>\n</figure>\n");
	} else if (strcmp(kind, "photo") == 0 && u->photo) {
		/* the figure an article's body gives a photo it places (body_photos.c) */
		char ref[48];
		snprintf(ref, sizeof ref, "![](media:%lld)", (long long)u->photo->id);
		nz_article one = {.language = lang ? lang : "en", .body_markdown = ref};
		nz__body_photos ctx = {.media = u->photo, .n_media = 1, .site = feed_site};
		nz_rc rc = nz__body_html(&one, &ctx, out);
		if (rc)
			return rc;
	}
	nz_markdown_html(md, strlen(md), out);
	return nz_buf_rc(out);
}

/* An update as HTML (its kind's quote or photo, then its Markdown); NULL on out of memory. */
static json_t *update_html(const nz_live_update *u, const char *lang)
{
	nz_buf b;
	json_t *v = NULL;
	nz_buf_init(&b, 0);
	if (nz__live_update_html(u, lang, NULL, &b) == NZ_OK)
		v = nz__json_str(nz_buf_cstr(&b));
	nz_buf_free(&b);
	return v;
}

static json_t *update_item(const nz_page_ctx *pc, const nz_live_update *u, const char *lang)
{
	char anchor[40];
	snprintf(anchor, sizeof anchor, "update-%lld", (long long)u->id);
	bool edited = u->updated_at > u->created_at + EDITED_AFTER;
	json_t *o = json_object();
	bool ok =
	    o && nz__json_put(o, "id", json_integer(u->id)) &&
	    nz__json_put(o, "anchor", json_string(anchor)) &&
	    nz__json_put(o, "time", nz__view_time(pc, u->created_at, lang)) &&
	    nz__json_put(o, "edited", edited ? json_string(labels(lang)->edited) : json_null()) &&
	    nz__json_put(o, "html", update_html(u, lang)) &&
	    nz__json_put(o, "pinned", json_boolean(u->pinned));
	if (ok)
		return o;
	json_decref(o);
	return NULL;
}

/* The updates (pinned_only: the pinned ones) as items, newest first. */
static json_t *items(const nz_page_ctx *pc, const nz_live *live, const char *lang, bool pinned_only)
{
	json_t *arr = json_array();
	for (size_t i = 0; arr && i < live->n_updates; i++) {
		if (pinned_only && !live->updates[i].pinned)
			continue;
		json_t *it = update_item(pc, &live->updates[i], lang);
		if (!it || json_array_append_new(arr, it) != 0) {
			json_decref(arr);
			return NULL;
		}
	}
	return arr;
}

static json_t *live_json(const nz_page_ctx *pc, const nz_live *live, const char *lang)
{
	const live_labels *l = labels(lang);
	json_t *pinned = items(pc, live, lang, true);
	json_t *o = json_object();
	bool ok = o && pinned && nz__json_put(o, "on", json_boolean(live->ended_at == 0)) &&
		  nz__json_put(o, "badge", json_string(l->badge)) &&
		  nz__json_put(o, "ended", nz__view_time(pc, live->ended_at, lang)) &&
		  nz__json_put(o, "ended_label", json_string(l->ended)) &&
		  nz__json_put(o, "key_label", json_string(l->key)) &&
		  nz__json_put(o, "latest_label", json_string(l->latest)) &&
		  nz__json_put(o, "has_pinned", json_boolean(json_array_size(pinned) > 0)) &&
		  nz__json_put(o, "pinned", json_incref(pinned)) &&
		  nz__json_put(o, "updates", items(pc, live, lang, false));
	json_decref(pinned);
	if (ok)
		return o;
	json_decref(o);
	return NULL;
}

static json_t *local_time(const nz_page_ctx *pc, nz_time t)
{
	char s[64];
	return json_string(
	    nz_time_rfc3339_local(t, nz_tz_offset_min(nz_site_zone(pc->site), t), s));
}

/* An update's text for JSON-LD: a quote's words and whom they are from, then its Markdown. */
static const char *posting_text(nz_arena *arena, const nz_live_update *u)
{
	const char *text = u->body_markdown ? u->body_markdown : "";
	if (!u->kind || strcmp(u->kind, "quote") != 0 || !u->quote)
		return text;
	return nz_arena_printf(arena, "\u201c%s\u201d \u2014 %s%s%s", u->quote,
			       u->attribution ? u->attribution : "", *text ? "\n\n" : "", text);
}

/* A photo update's photo as a schema.org image (its full-width rendition), or NULL. */
static json_t *posting_image(const nz_page_ctx *pc, nz_arena *arena, const nz_live_update *u)
{
	if (!u->kind || strcmp(u->kind, "photo") != 0 || !u->photo)
		return NULL;
	json_t *p = nz__view_picture(arena, u->photo, NULL, false);
	const char *src = json_string_value(json_object_get(p, "src"));
	json_t *img = src ? json_pack("{s:s, s:o, s:I, s:I}", "@type", "ImageObject", "url",
				      nz__json_str(nz__abs_url(arena, pc->site, src)), "width",
				      json_integer_value(json_object_get(p, "width")), "height",
				      json_integer_value(json_object_get(p, "height")))
			  : NULL;
	json_decref(p);
	return img;
}

/* One liveBlogUpdate: a BlogPosting with its own address on the page. */
static json_t *blog_posting(const nz_page_ctx *pc, nz_arena *arena, const char *url,
			    const nz_live_update *u)
{
	const char *text = posting_text(arena, u);
	json_t *image = posting_image(pc, arena, u);
	json_t *o = json_object();
	bool ok = o && nz__json_put(o, "@type", json_string("BlogPosting")) &&
		  nz__json_put(o, "url",
			       nz__json_str(nz_arena_printf(arena, "%s#update-%lld", url,
							    (long long)u->id))) &&
		  nz__json_put(o, "headline", nz__json_str(nz__view_excerpt(arena, text, 110))) &&
		  nz__json_put(o, "articleBody", nz__json_str(text)) &&
		  (!image || nz__json_put(o, "image", json_incref(image))) &&
		  nz__json_put(o, "datePublished", local_time(pc, u->created_at)) &&
		  nz__json_put(o, "dateModified", local_time(pc, u->updated_at));
	json_decref(image);
	if (ok)
		return o;
	json_decref(o);
	return NULL;
}

/* The page's NewsArticle JSON-LD made a LiveBlogPosting; false on out of memory. */
static bool live_jsonld(json_t *page, const nz_page_ctx *pc, nz_arena *arena, const nz_live *live)
{
	json_t *text = json_object_get(page, "jsonld");
	json_t *ld = json_is_string(text) ? json_loads(json_string_value(text), 0, NULL) : NULL;
	json_t *updates = json_array();
	const char *url = json_string_value(json_object_get(ld, "url"));
	bool ok = ld && updates && url;
	nz_time last = 0;
	for (size_t i = 0; ok && i < live->n_updates; i++) {
		const nz_live_update *u = &live->updates[i];
		if (u->updated_at > last)
			last = u->updated_at;
		json_t *bp = blog_posting(pc, arena, url, u);
		ok = bp && json_array_append_new(updates, bp) == 0;
	}
	ok = ok && nz__json_put(ld, "@type", json_string("LiveBlogPosting")) &&
	     nz__json_put(ld, "coverageStartTime", local_time(pc, live->started_at)) &&
	     (!live->ended_at ||
	      nz__json_put(ld, "coverageEndTime", local_time(pc, live->ended_at))) &&
	     (!last || nz__json_put(ld, "dateModified", local_time(pc, last))) &&
	     nz__json_put(ld, "liveBlogUpdate", json_incref(updates));
	const char *out = ok ? nz__jsonld_text(arena, ld) : NULL;
	json_decref(updates);
	json_decref(ld);
	return out && nz__json_put(page, "jsonld", json_string(out));
}

bool nz_view_article_live(json_t *page, const nz_page_ctx *pc, const nz_live *live)
{
	if (!live->started_at)
		return true;
	nz_arena *arena = nz_arena_new();
	json_t *article = json_object_get(page, "article");
	const char *lang = json_string_value(json_object_get(page, "lang"));
	bool ok = arena && article &&
		  nz__json_put(article, "live", live_json(pc, live, lang ? lang : "en")) &&
		  (live->ended_at ||
		   nz__json_put(page, "live_js",
				nz__json_str(nz_theme_asset_url(pc->theme, "live.js")))) &&
		  live_jsonld(page, pc, arena, live);
	nz_arena_free(arena);
	return ok;
}

json_t *nz_json_live(int64_t article_id, const nz_live *live)
{
	char t[3][48];
	json_t *updates = json_array();
	for (size_t i = 0; updates && i < live->n_updates; i++) {
		const nz_live_update *u = &live->updates[i];
		json_t *html = update_html(u, NULL);
		json_t *o =
		    html ? json_pack("{s:I, s:s, s:s, s:o, s:b, s:I, s:s, s:s, s:o, s:o, s:o}",
				     "id", (json_int_t)u->id, "kind", u->kind ? u->kind : "text",
				     "body_markdown", u->body_markdown, "body_html", html, "pinned",
				     u->pinned, "revision", (json_int_t)u->revision, "created_at",
				     nz_time_rfc3339(u->created_at, t[0]), "updated_at",
				     nz_time_rfc3339(u->updated_at, t[1]), "media_id",
				     u->media_id ? json_integer(u->media_id) : json_null(), "quote",
				     u->quote ? nz__json_str(u->quote) : json_null(), "attribution",
				     u->attribution ? nz__json_str(u->attribution) : json_null())
			 : NULL;
		if (!o || json_array_append_new(updates, o) != 0) {
			json_decref(updates);
			return NULL;
		}
	}
	if (!updates)
		return NULL;
	return json_pack(
	    "{s:I, s:b, s:o, s:o, s:o}", "article_id", (json_int_t)article_id, "live",
	    live->started_at && !live->ended_at, "started_at",
	    live->started_at ? json_string(nz_time_rfc3339(live->started_at, t[0])) : json_null(),
	    "ended_at",
	    live->ended_at ? json_string(nz_time_rfc3339(live->ended_at, t[1])) : json_null(),
	    "updates", updates);
}
