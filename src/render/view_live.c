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

/* An update's Markdown as HTML; NULL on out of memory. */
static json_t *update_html(const char *md)
{
	nz_buf b;
	json_t *v = NULL;
	nz_buf_init(&b, 0);
	if (nz_markdown_html(md ? md : "", md ? strlen(md) : 0, &b) == NZ_OK)
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
	    nz__json_put(o, "html", update_html(u->body_markdown)) &&
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

/* One liveBlogUpdate: a BlogPosting with its own address on the page. */
static json_t *blog_posting(const nz_page_ctx *pc, nz_arena *arena, const char *url,
			    const nz_live_update *u)
{
	const char *text = u->body_markdown ? u->body_markdown : "";
	json_t *o = json_object();
	bool ok = o && nz__json_put(o, "@type", json_string("BlogPosting")) &&
		  nz__json_put(o, "url",
			       nz__json_str(nz_arena_printf(arena, "%s#update-%lld", url,
							    (long long)u->id))) &&
		  nz__json_put(o, "headline", nz__json_str(nz__view_excerpt(arena, text, 110))) &&
		  nz__json_put(o, "articleBody", nz__json_str(text)) &&
		  nz__json_put(o, "datePublished", local_time(pc, u->created_at)) &&
		  nz__json_put(o, "dateModified", local_time(pc, u->updated_at));
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
		json_t *html = update_html(u->body_markdown);
		json_t *o =
		    html ? json_pack("{s:I, s:s, s:o, s:b, s:I, s:s, s:s}", "id", (json_int_t)u->id,
				     "body_markdown", u->body_markdown, "body_html", html, "pinned",
				     u->pinned, "revision", (json_int_t)u->revision, "created_at",
				     nz_time_rfc3339(u->created_at, t[0]), "updated_at",
				     nz_time_rfc3339(u->updated_at, t[1]))
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
