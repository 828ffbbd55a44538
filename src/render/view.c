/*
 * view.c: view models, the JSON contexts the theme's templates render. This file has what every
 * page shares (labels per language, the page chrome, article cards, bylines, pagination) and
 * the front, list and error pages; view_article.c has the article page.
 *
 * The context shape is the theme's contract (the templates in themes/default use it):
 *   site{name,tagline,base_url,copyright} lang title canonical description css favicon
 *   touch_icon site_js home_url edition_switch{label,items[{lang,name,url}]}
 *   nav[{name,url,current}] year labels{...} feeds[] og{type,image}
 * footer_pages{label,items[{title,url,other_lang}]}
 *   + the page's own key: article{...} | front{lead,recent,pagination,...} | list{...} |
 *   error{status,title,message} | static_page{...} (view_static_page.c)
 * A missing value is null (Mustache treats it as false), never "". Handlers may add to the
 * returned object (feeds[{type,title,url}] for <link rel="alternate">) before rendering.
 *
 * Rules: pure functions of their arguments; temporaries in a private arena freed before return;
 * NULL only on out of memory.
 */
#include <stdio.h>
#include <string.h>

#include "render/render_int.h"

static const nz__labels labels_en = {
    .lang = "en",
    .skip = "Skip to main content",
    .sections = "Sections",
    .recent = "Recent News",
    .published = "Published",
    .updated = "Updated",
    .corrections = "Corrections",
    .tags = "Tags",
    .by = "By ",
    .by_suffix = "",
    .and_word = " and ",
    .retracted = "This article has been retracted.",
    .prev = "Newer",
    .next = "Older",
    .pagination = "Pages",
    .home = "Go to the front page",
    .empty = "There are no articles here yet.",
    .photo = "Photo: ",
    .read_before = "",
    .read_after = " min read",
    .words_per_minute = 230,
    .versions = "Also in",
    .share = "Share this article",
    .email = "E-mail",
};

static const nz__labels labels_ko = {
    .lang = "ko",
    .skip = "본문 바로가기",
    .sections = "섹션",
    .recent = "최신 뉴스",
    .published = "입력",
    .updated = "수정",
    .corrections = "정정",
    .tags = "태그",
    .by = "",
    .by_suffix = " 기자",
    .and_word = ", ",
    .retracted = "이 기사는 철회되었습니다.",
    .prev = "이전",
    .next = "다음",
    .pagination = "페이지",
    .home = "첫 화면으로 가기",
    .empty = "아직 기사가 없습니다.",
    .photo = "사진: ",
    .read_before = "읽는 시간 ",
    .read_after = "분",
    .words_per_minute = 150, /* Korean words (eojeol) carry more than an English word */
    .versions = "다른 언어",
    .share = "기사 공유하기",
    .email = "이메일",
};

const nz__labels *nz__labels_for(const char *lang)
{
	if (lang && strncmp(lang, "ko", 2) == 0 && (lang[2] == '\0' || lang[2] == '-'))
		return &labels_ko;
	return &labels_en;
}

/* "Page 2 of 5" / "2/5쪽" into out[96]. */
static const char *page_of(const nz__labels *l, size_t page, size_t pages, char *out)
{
	if (l == &labels_ko)
		snprintf(out, 96, "%zu/%zu쪽", page, pages);
	else
		snprintf(out, 96, "Page %zu of %zu", page, pages);
	return out;
}

static json_t *labels_json(const nz__labels *l)
{
	return json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, "
			 "s:s, s:s, s:s}",
			 "lang", l->lang, "skip", l->skip, "sections", l->sections, "recent",
			 l->recent, "published", l->published, "updated", l->updated, "corrections",
			 l->corrections, "tags", l->tags, "by", l->by, "by_suffix", l->by_suffix,
			 "retracted", l->retracted, "prev", l->prev, "next", l->next, "pagination",
			 l->pagination, "home", l->home, "empty", l->empty, "photo", l->photo);
}

/* The page's language: its edition's (view_edition.c), else the site's. */
static const char *site_lang(const nz_page_ctx *pc)
{
	if (pc->edition)
		return pc->edition;
	return pc->site && pc->site->language ? pc->site->language : "en";
}

static json_t *nav_json(const nz_page_ctx *pc, nz_arena *arena, const char *lang)
{
	json_t *arr = json_array();
	for (size_t i = 0; arr && i < pc->n_sections; i++) {
		const nz_section *s = &pc->sections[i];
		bool current =
		    pc->current_section && s->slug && strcmp(pc->current_section, s->slug) == 0;
		json_t *o = nz__view_section(pc, arena, s, lang);
		bool ok = json_is_object(o) && nz__json_put(o, "current", json_boolean(current));
		if (!nz_json_append(arr, o, ok)) {
			json_decref(arr);
			return NULL;
		}
	}
	return arr;
}

/* The calendar year of now in the site's zone, for the footer. */
static json_t *year_json(const nz_page_ctx *pc)
{
	char buf[64];
	nz_time now = pc->now ? pc->now : nz_time_now();
	nz_time_rfc3339_local(now, nz_tz_offset_min(nz_site_zone(pc->site), now), buf);
	buf[4] = '\0';
	return json_string(buf);
}

static json_t *absolute_url(const nz_page_ctx *pc, nz_arena *arena, const char *path)
{
	if (!path)
		return json_null();
	return nz__json_str(nz_arena_printf(
	    arena, "%s%s", pc->site && pc->site->base_url ? pc->site->base_url : "", path));
}

json_t *nz__view_done(json_t *page, nz_arena *arena, bool done)
{
	nz_arena_free(arena);
	if (done)
		return page;
	json_decref(page);
	return NULL;
}

/* A page's Open Graph basics: a website, with the newsroom's card image when it has one. */
static json_t *page_og(const nz_page_ctx *pc, nz_arena *arena, const char *lang)
{
	int w = 0, h = 0;
	const char *img = nz__site_card_url(arena, pc->site, &w, &h);
	return json_pack("{s:s, s:o, s:o, s:o, s:s}", "type", "website", "image", nz__json_str(img),
			 "image_width", img ? json_integer(w) : json_null(), "image_height",
			 img ? json_integer(h) : json_null(), "locale", nz__og_locale(lang));
}

json_t *nz__view_page(const nz_page_ctx *pc, nz_arena *arena, const char *lang, const char *title,
		      const char *path, const char *description)
{
	const nz__labels *l = nz__labels_for(lang);
	json_t *labels = labels_json(l);
	json_t *o = json_object();
	bool ok =
	    o && nz__view_strings_over(labels, pc, lang) &&
	    nz__json_put(o, "site", nz__view_edition_site(pc, arena, lang)) &&
	    nz__json_put(o, "lang", nz__json_str(lang ? lang : "en")) &&
	    nz__json_put(o, "title", nz__json_str(title ? title : "")) &&
	    nz__json_put(o, "canonical", absolute_url(pc, arena, path)) &&
	    nz__json_put(o, "description", nz__json_str_nonempty(description)) &&
	    nz__json_put(o, "css", nz__json_str(nz_theme_asset_url(pc->theme, "site.css"))) &&
	    nz__json_put(o, "favicon",
			 nz__json_str(nz_theme_asset_url(pc->theme, "favicon.svg"))) &&
	    nz__json_put(o, "touch_icon",
			 nz__json_str_nonempty(nz_theme_asset_url(pc->theme, "touch-icon.png"))) &&
	    nz__json_put(o, "site_js",
			 nz__json_str_nonempty(nz_theme_asset_url(pc->theme, "site.js"))) &&
	    nz__json_put(o, "home_url", nz__json_str(nz__edition_home(pc, arena, lang))) &&
	    nz__json_put(o, "nav", nav_json(pc, arena, lang)) &&
	    nz__json_put(o, "year", year_json(pc)) &&
	    nz__json_put(o, "footer_pages", nz__view_footer_pages(pc, arena, lang)) &&
	    nz__json_put(o, "labels", json_incref(labels)) &&
	    nz__json_put(o, "edition_switch", nz__view_edition_switch(pc, arena, lang)) &&
	    nz__json_put(o, "feeds", json_array()) &&
	    nz__json_put(o, "og", page_og(pc, arena, lang)) &&
	    nz__json_put(o, "alternates", json_array()) &&
	    nz__json_put(
		o, "search_box",
		nz__view_search_box(lang, nz_url_edition_path(arena, pc->site, lang, "/search")));
	json_decref(labels);
	if (ok)
		return o;
	json_decref(o);
	return NULL;
}

json_t *nz__view_time(const nz_page_ctx *pc, nz_time t, const char *lang)
{
	char iso[64], human[64], shown[96];
	nz_tz_info zone;
	if (t == 0)
		return json_null();
	nz_tz_at(nz_site_zone(pc->site), t, &zone);
	nz_time_rfc3339_local(t, zone.offset / 60, iso);
	nz_time_human(t, zone.offset / 60, lang, true, human);
	/* The clock alone is ambiguous to a reader abroad: say which zone it is in (KST, EDT). */
	snprintf(shown, sizeof shown, "%s %s", human, zone.label);
	return json_pack("{s:s, s:s}", "iso", iso, "human", shown);
}

const char *nz__view_excerpt(nz_arena *arena, const char *text, size_t max)
{
	size_t len = text ? strlen(text) : 0;
	if (len <= max)
		return nz_arena_strdup(arena, text ? text : "");
	size_t cut = max;
	while (cut > 0 && ((unsigned char)text[cut] & 0xC0) == 0x80)
		cut--; /* never split a UTF-8 sequence */
	for (size_t i = cut; i > max / 2; i--) {
		if (text[i] == ' ') {
			cut = i;
			break;
		}
	}
	while (cut > 0 && (text[cut - 1] == ' ' || text[cut - 1] == ',' || text[cut - 1] == ';'))
		cut--;
	return nz_arena_printf(arena, "%.*s…", (int)cut, text);
}

json_t *nz__view_authors(nz_arena *arena, const nz_article *a, const nz__labels *l)
{
	json_t *arr = json_array();
	for (size_t i = 0; arr && i < a->n_authors; i++) {
		const nz_author *au = &a->authors[i];
		const char *sep = i == 0 ? "" : i + 1 == a->n_authors ? l->and_word : ", ";
		json_t *o = json_object();
		bool ok = o && nz__json_put(o, "name", nz__json_str(nz_author_name(arena, au))) &&
			  nz__json_put(o, "href",
				       au->slug && au->slug[0]
					   ? nz__json_str(nz_url_author(arena, au->slug))
					   : json_null()) &&
			  nz__json_put(o, "sep", nz__json_str_nonempty(sep));
		if (!nz_json_append(arr, o, ok)) {
			json_decref(arr);
			return NULL;
		}
	}
	return arr;
}

/* Page N of a list is its own path ("/page/2", "/section/defense/page/2"), so a static
 * host serves it as a folder; the server still answers the old "?page=N" links. */
static const char *page_url(nz_arena *arena, const char *path, size_t page)
{
	if (page <= 1)
		return path;
	size_t len = strlen(path);
	bool slash = len > 0 && path[len - 1] == '/';
	return nz_arena_printf(arena, "%s%spage/%zu", path, slash ? "" : "/", page);
}

json_t *nz__view_pagination(nz_arena *arena, const char *path, size_t page, size_t pages,
			    const nz__labels *l)
{
	char label[96];
	if (pages <= 1)
		return json_null();
	if (page < 1)
		page = 1;
	page_of(l, page, pages, label);
	json_t *o = json_object();
	bool ok =
	    o && nz__json_put(o, "label", nz__json_str(label)) &&
	    nz__json_put(o, "prev_url",
			 page > 1 ? nz__json_str(page_url(arena, path, page - 1)) : json_null()) &&
	    nz__json_put(o, "next_url",
			 page < pages ? nz__json_str(page_url(arena, path, page + 1))
				      : json_null());
	if (ok)
		return o;
	json_decref(o);
	return NULL;
}

json_t *nz__view_section(const nz_page_ctx *pc, nz_arena *arena, const nz_section *s,
			 const char *lang)
{
	if (!s || !s->slug)
		return json_null();
	return json_pack("{s:o, s:o}", "name", nz__json_str(nz__section_name(pc, arena, s, lang)),
			 "url",
			 nz__json_str(nz_url_edition_path(arena, pc->site, lang,
							  nz_url_section(arena, s->slug))));
}

/* The lead photo of a card: {src,width,height,alt,picture,thumb}: picture (column-wide, fetched
 * first) for the front's lead story (full), thumb (lazy) for every card; null without bytes. */
static json_t *card_image(nz_arena *arena, const nz_article *a, bool full)
{
	const nz_media *m = a->n_media ? &a->media[0] : NULL;
	const char *src = m ? nz_url_media(arena, m) : NULL;
	if (!src || a->status == NZ_STATUS_RETRACTED)
		return json_null();
	return json_pack("{s:s, s:o, s:o, s:o, s:o, s:o}", "src", src, "width",
			 m->width > 0 ? json_integer(m->width) : json_null(), "height",
			 m->height > 0 ? json_integer(m->height) : json_null(), "alt",
			 nz__json_str(m->alt ? m->alt : ""), "picture",
			 full ? nz__view_picture(arena, m, NULL, true) : json_null(), "thumb",
			 nz__view_picture(arena, m, NZ__SIZES_THUMB, false));
}

json_t *nz__view_highlights(const nz_article *a)
{
	bool has_intro = a->highlights_intro && a->highlights_intro[0];
	if (!has_intro && a->n_highlights == 0)
		return json_null();
	json_t *items = json_array();
	for (size_t i = 0; items && i < a->n_highlights; i++) {
		if (json_array_append_new(
			items, nz__json_str(a->highlights[i] ? a->highlights[i] : "")) != 0) {
			json_decref(items);
			return NULL;
		}
	}
	return json_pack("{s:o, s:o, s:b}", "intro", nz__json_str_nonempty(a->highlights_intro),
			 "items", items, "has_items", a->n_highlights > 0);
}

json_t *nz__view_card(const nz_page_ctx *pc, nz_arena *arena, const nz_article *a,
		      const char *page_lang, bool full)
{
	const char *lang = a->language ? a->language : page_lang;
	const nz__labels *l = nz__labels_for(lang);
	bool retracted = a->status == NZ_STATUS_RETRACTED;
	const char *summary =
	    retracted ? l->retracted
		      : nz__view_excerpt(arena,
					 nz_article_first_paragraph(
					     arena, a->body_markdown ? a->body_markdown : ""),
					 full ? 600 : 220);
	json_t *o = json_object();
	bool ok =
	    o && nz__json_put(o, "url", nz__json_str(nz_url_article(arena, a->slug))) &&
	    nz__json_put(o, "headline", nz__json_str(a->headline ? a->headline : "")) &&
	    nz__json_put(o, "item_lang",
			 page_lang && lang && strcmp(lang, page_lang) != 0 ? nz__json_str(lang)
									   : json_null()) &&
	    nz__json_put(o, "section", nz__view_section(pc, arena, a->section, page_lang)) &&
	    nz__json_put(o, "published", nz__view_time(pc, a->published_at, lang)) &&
	    nz__json_put(o, "summary", nz__json_str_nonempty(summary)) &&
	    nz__json_put(o, "authors", nz__view_authors(arena, a, l)) &&
	    nz__json_put(o, "has_authors", json_boolean(a->n_authors > 0)) &&
	    nz__json_put(o, "by", nz__json_str(l->by)) &&
	    nz__json_put(o, "by_suffix", nz__json_str(l->by_suffix)) &&
	    nz__json_put(o, "retracted", json_boolean(retracted)) &&
	    nz__json_put(o, "image", card_image(arena, a, full));
	if (ok && full)
		ok =
		    nz__json_put(o, "highlights", retracted ? json_null() : nz__view_highlights(a));
	if (ok)
		return o;
	json_decref(o);
	return NULL;
}

/* Cards for items[from..n) into a new array. */
static json_t *cards(const nz_page_ctx *pc, nz_arena *arena, const nz_article *items, size_t from,
		     size_t n, const char *page_lang)
{
	json_t *arr = json_array();
	for (size_t i = from; arr && i < n; i++) {
		json_t *c = nz__view_card(pc, arena, &items[i], page_lang, false);
		if (!c || json_array_append_new(arr, c) != 0) {
			json_decref(arr);
			return NULL;
		}
	}
	return arr;
}

/* "Title — Site" (or just one of them when the other is missing), in arena. */
const char *nz__view_title(const nz_page_ctx *pc, nz_arena *arena, const char *title)
{
	const char *site = pc->site && pc->site->name ? pc->site->name : "";
	if (!title || !title[0])
		return site;
	if (!site[0])
		return title;
	return nz_arena_printf(arena, "%s — %s", title, site);
}

/* Adds key → v to the page; on failure frees the page and returns NULL. */
static json_t *finish(json_t *page, const char *key, json_t *v)
{
	if (!page) {
		json_decref(v);
		return NULL;
	}
	if (!nz__json_put(page, key, v)) {
		json_decref(page);
		return NULL;
	}
	return page;
}

/* A meta description for a list of stories without one of its own: what it is, then its first
 * headlines ("Defense: A; B; C"), so a search result says what is on the page. */
static const char *headlines_description(nz_arena *arena, const char *what, const nz_article *items,
					 size_t n)
{
	const char *d = nz_arena_strdup(arena, what ? what : "");
	for (size_t i = 0; d && i < n && i < 3; i++)
		d = nz_arena_printf(arena, "%s%s%s", d, i == 0 ? ": " : "; ", items[i].headline);
	return d ? nz__view_excerpt(arena, d, 300) : NULL;
}

json_t *nz_view_front(const nz_page_ctx *pc, const nz_article *items, size_t n, size_t page,
		      size_t pages)
{
	nz_arena *arena = nz_arena_new();
	json_t *res = NULL, *front = json_object();
	const char *lang = site_lang(pc);
	const nz__labels *l = nz__labels_for(lang);
	bool with_lead = page <= 1 && n > 0;
	if (!arena || !front)
		goto out;
	const char *home = nz__edition_home(pc, arena, lang); /* "/" or the edition's "/ko/" */
	char numbered[96];
	page_of(l, page, pages, numbered);
	const char *title = nz__view_title(pc, arena, page > 1 ? numbered : NULL);
	if (!title ||
	    !nz__json_put(front, "lead",
			  with_lead ? nz__view_card(pc, arena, &items[0], lang, true)
				    : json_null()) ||
	    !nz__json_put(front, "recent", cards(pc, arena, items, with_lead ? 1 : 0, n, lang)) ||
	    !nz__json_put(front, "has_recent", json_boolean(n > (with_lead ? 1u : 0u))) ||
	    !nz__json_put(front, "empty", n == 0 ? json_string(l->empty) : json_null()) ||
	    !nz__json_put(front, "pagination", nz__view_pagination(arena, home, page, pages, l)))
		goto out;
	const char *description = pc->site ? pc->site->tagline : NULL;
	if (!description || !description[0])
		description =
		    headlines_description(arena, pc->site ? pc->site->name : NULL, items, n);
	res =
	    finish(nz__view_page(pc, arena, lang, title, page_url(arena, home, page), description),
		   "front", front);
	/* Discovery: the site's feeds. */
	res = finish(res, "feeds",
		     nz__view_feeds(arena, nz_url_edition(arena, pc->site, lang),
				    pc->site ? pc->site->name : NULL));
	front = NULL;
out:
	json_decref(front);
	nz_arena_free(arena);
	return res;
}

bool nz_view_front_top(json_t *view, size_t n)
{
	json_t *front = json_object_get(view, "front");
	json_t *recent = json_object_get(front, "recent");
	json_t *top = front ? json_array() : NULL;
	if (!top)
		return false;
	while (json_array_size(top) < n && json_array_size(recent) > 0) {
		if (json_array_append(top, json_array_get(recent, 0)) != 0 ||
		    json_array_remove(recent, 0) != 0) {
			json_decref(top);
			return false;
		}
	}
	size_t n_top = json_array_size(top);
	if (json_object_set_new(front, "has_top", json_boolean(n_top > 0)) != 0) {
		json_decref(top);
		return false;
	}
	return json_object_set_new(front, "top", top) == 0 && /* takes top, set or not */
	       json_object_set_new(front, "has_recent",
				   json_boolean(json_array_size(recent) > 0)) == 0;
}

bool nz_view_front_most_read(json_t *view, const nz_page_ctx *pc, const nz_most_read *items,
			     size_t n)
{
	json_t *front = json_object_get(view, "front");
	if (!front)
		return false;
	if (n == 0)
		return true;
	const char *lang = site_lang(pc);
	nz_arena *arena = nz_arena_new();
	json_t *arr = arena ? json_array() : NULL;
	for (size_t i = 0; arr && i < n; i++) {
		bool other = lang && items[i].language && strcmp(items[i].language, lang) != 0;
		if (json_array_append_new(arr, json_pack("{s:s?, s:s, s:s?}", "url",
							 nz_url_article(arena, items[i].slug),
							 "headline", items[i].headline, "lang",
							 other ? items[i].language : NULL)) != 0) {
			json_decref(arr);
			arr = NULL;
		}
	}
	nz_arena_free(arena);
	bool ko = nz__labels_for(lang) == nz__labels_for("ko");
	return arr &&
	       json_object_set_new(front, "most_read",
				   json_pack("{s:s, s:o}", "title",
					     ko ? "많이 본 뉴스" : "Most read", "items", arr)) == 0;
}

bool nz_view_front_blocks(json_t *view, const nz_page_ctx *pc, const nz_front_block *blocks,
			  size_t n)
{
	json_t *front = json_object_get(view, "front");
	json_t *arr = front ? json_array() : NULL;
	nz_arena *arena = arr ? nz_arena_new() : NULL;
	bool ok = arena != NULL;
	for (size_t i = 0; ok && i < n; i++) {
		const nz_front_block *b = &blocks[i];
		if (b->n == 0)
			continue;
		json_t *o = json_pack("{s:s, s:s?, s:b, s:o}", "name", b->section->name, "url",
				      nz_url_section(arena, b->section->slug), "opinion",
				      strcmp(b->section->slug, NZ_OPINION_SECTION) == 0, "items",
				      cards(pc, arena, b->items, 0, b->n, site_lang(pc)));
		ok = o && json_array_append_new(arr, o) == 0;
	}
	ok =
	    ok && json_object_set_new(front, "has_blocks", json_boolean(json_array_size(arr))) == 0;
	nz_arena_free(arena);
	if (!ok) {
		json_decref(arr);
		return false;
	}
	return json_object_set_new(front, "blocks", arr) == 0; /* takes arr, set or not */
}

/* An author's page: list.person {job_title, photo, links[{url, label}], has_links} and the
 * page's JSON-LD (a ProfilePage). */
static bool author_profile(const nz_page_ctx *pc, nz_arena *arena, const nz_author *au,
			   const char *lang, json_t *page)
{
	const nz_author_text *t = nz_author_text_for(au, lang);
	json_t *links = json_array();
	for (size_t i = 0; links && i < au->n_same_as; i++) {
		const char *host = strstr(au->same_as[i], "://");
		host = host ? host + 3 : au->same_as[i];
		size_t len = strcspn(host, "/?#");
		if (!nz_json_append(
			links,
			json_pack("{s:o, s:o}", "url", nz__json_str(au->same_as[i]), "label",
				  nz__json_str(nz_arena_str(arena, (nz_str){host, len}))),
			true)) {
			json_decref(links);
			links = NULL;
		}
	}
	json_t *p = links ? json_pack("{s:o, s:o, s:o, s:b}", "job_title",
				      nz__json_str_nonempty(t ? t->job_title : NULL), "photo",
				      nz__json_str_nonempty(nz_author_photo_url(arena, au)),
				      "links", links, "has_links", au->n_same_as > 0)
			  : NULL;
	json_t *list = json_object_get(page, "list");
	if (!list) {
		json_decref(p);
		return false;
	}
	return nz__json_put(list, "person", p) && nz__view_author_meta(page, pc, arena, au, lang);
}

json_t *nz_view_list(const nz_page_ctx *pc, const nz_list_view *lv)
{
	nz_arena *arena = nz_arena_new();
	json_t *res = NULL, *list = json_object();
	const char *lang = site_lang(pc);
	const nz__labels *l = nz__labels_for(lang);
	const char *path = lv->path ? lv->path : "/";
	if (!arena || !list)
		goto out;
	const char *description = lv->description;
	if (!description || !description[0])
		description = headlines_description(arena, lv->title, lv->items, lv->n);
	if (!nz__json_put(list, "kind", nz__json_str(lv->kind)) ||
	    !nz__json_put(list, "title", nz__json_str(lv->title ? lv->title : "")) ||
	    !nz__json_put(list, "about", nz__json_str_nonempty(lv->description)) ||
	    !nz__json_put(list, "items", cards(pc, arena, lv->items, 0, lv->n, lang)) ||
	    !nz__json_put(list, "has_items", json_boolean(lv->n > 0)) ||
	    !nz__json_put(list, "empty", lv->n == 0 ? json_string(l->empty) : json_null()) ||
	    !nz__json_put(list, "pagination",
			  nz__view_pagination(arena, path, lv->page, lv->pages, l)))
		goto out;
	const char *title = nz__view_title(pc, arena, lv->title);
	if (title && lv->page > 1)
		title = nz_arena_printf(arena, "%s (%zu/%zu)", title, lv->page, lv->pages);
	res = finish(nz__view_page(pc, arena, lang, title, page_url(arena, path, lv->page),
				   nz__view_excerpt(arena, description, 300)),
		     "list", list);
	/* Discovery: this section's, tag's or author's feeds. */
	res =
	    finish(res, "feeds", nz__view_feeds(arena, path, nz__view_title(pc, arena, lv->title)));
	if (res)
		nz__view_edition_switch_same(res, pc, arena, path);
	/* A section page says where it is: the front page, then the section. */
	for (size_t i = 0;
	     res && lv->kind && strcmp(lv->kind, "section") == 0 && i < pc->n_sections; i++)
		if (pc->current_section && strcmp(pc->sections[i].slug, pc->current_section) == 0)
			res = finish(
			    res, "breadcrumbs",
			    nz__view_breadcrumbs(pc, arena, lang, &pc->sections[i], NULL, NULL));
	list = NULL;
	if (res && lv->author && !author_profile(pc, arena, lv->author, lang, res)) {
		json_decref(res);
		res = NULL;
	}
out:
	json_decref(list);
	nz_arena_free(arena);
	return res;
}

json_t *nz_view_error(const nz_page_ctx *pc, int status, const char *title, const char *message)
{
	nz_arena *arena = nz_arena_new();
	json_t *res = NULL;
	const char *lang = site_lang(pc);
	if (!arena)
		return NULL;
	json_t *err = json_pack("{s:i, s:o, s:o}", "status", status, "title",
				nz__json_str(title ? title : "Error"), "message",
				nz__json_str_nonempty(message));
	res =
	    finish(nz__view_page(pc, arena, lang, nz__view_title(pc, arena, title), NULL, message),
		   "error", err);
	nz_arena_free(arena);
	return res;
}
