/*
 * feed.c: the site's feeds. RSS 2.0 (full HTML in content:encoded, a permalink guid, the lead
 * photo as an enclosure, atom:link rel="self", language; dates RFC 822), Atom (RFC 4287: urn:uuid
 * ids, updated/published, authors with their pages, an alternate link, content type="html")
 * and JSON Feed 1.1 (authors, language, content_html, image). The three carry the same items,
 * with times at the site's offset (a Korean site's feeds say +09:00). The <link rel="alternate">
 * list every public page gets (nz__view_feeds) lives here too, so page links and feed URLs agree.
 *
 * An item's HTML is the article as a reader sees it: highlights, the lead figure, the body; a
 * live story's (nz_feed.live) begins with its newest updates, and its Atom/JSON entry is dated
 * by the newest of them, so feed readers see it change with each update.
 * A corrections feed (nz_feed.corrections) has one entry per correction instead, linking to
 * the corrected article's corrections block.
 *
 * Rules: pure functions of their arguments; everything printed is escaped for XML or built as
 * JSON; temporaries in a private arena.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "render/render_int.h"

#define SUMMARY_MAX 300
#define FEED_LIVE_MAX 10 /* a live story's updates in its entry */

/* ---- shared helpers ---------------------------------------------------------------------- */

const char *nz__abs_url(nz_arena *arena, const nz_site *site, const char *path)
{
	if (!path)
		return NULL;
	return nz_arena_printf(arena, "%s%s", site && site->base_url ? site->base_url : "", path);
}

char *nz__time_rfc822_local(nz_time t, int offset_min, char *out)
{
	nz_time_rfc822(t + (nz_time)offset_min * 60, out);
	size_t n = strlen(out);
	unsigned off = (unsigned)(offset_min < 0 ? -offset_min : offset_min) % (24 * 60);
	if (n >= 5)
		snprintf(out + n - 5, 6, "%c%02u%02u", offset_min < 0 ? '-' : '+', (off / 60) % 24,
			 off % 60);
	return out;
}

json_t *nz__view_feeds(nz_arena *arena, const char *page_path, const char *title)
{
	static const struct {
		const char *type, *ext, *label;
	} kinds[] = {
	    {"application/rss+xml", "rss", "RSS"},
	    {"application/atom+xml", "atom", "Atom"},
	    {"application/feed+json", "json", "JSON Feed"},
	};
	bool site = !page_path || !page_path[0] || strcmp(page_path, "/") == 0;
	json_t *arr = json_array();
	for (size_t i = 0; arr && i < sizeof kinds / sizeof kinds[0]; i++) {
		const char *url =
		    nz_arena_printf(arena, "%s/feed.%s", site ? "" : page_path, kinds[i].ext);
		const char *t =
		    nz_arena_printf(arena, "%s (%s)", title ? title : "", kinds[i].label);
		json_t *o = url && t ? json_pack("{s:s, s:o, s:s}", "type", kinds[i].type, "title",
						 nz__json_str(t), "url", url)
				     : NULL;
		if (!o || json_array_append_new(arr, o) != 0) {
			json_decref(arr);
			return NULL;
		}
	}
	return arr;
}

/* The site's offset from UTC at t, in minutes (its zone's summer time included). */
static int site_offset(const nz_site *site, nz_time t)
{
	return nz_tz_offset_min(nz_site_zone(site), t);
}

static const char *feed_lang(const nz_site *site, const nz_feed *f)
{
	if (f->language && f->language[0])
		return f->language;
	return site && site->language ? site->language : "en";
}

static const char *item_lang(const nz_site *site, const nz_feed *f, const nz_article *a)
{
	return a->language && a->language[0] ? a->language : feed_lang(site, f);
}

/* An item's live coverage (it is one of f's items), or NULL. */
static const nz_live *item_live(const nz_feed *f, const nz_article *a)
{
	if (!f->live || f->corrections || a < f->items || a >= f->items + f->n)
		return NULL;
	return f->live[a - f->items];
}

/* The newest of an item's published, updated and correction times and its live updates. */
static nz_time item_modified(const nz_feed *f, const nz_article *a)
{
	nz_time t = a->published_at > a->updated_at ? a->published_at : a->updated_at;
	for (size_t i = 0; i < a->n_corrections; i++)
		if (a->corrections[i].created_at > t)
			t = a->corrections[i].created_at;
	const nz_live *live = item_live(f, a);
	for (size_t i = 0; live && i < live->n_updates; i++)
		if (live->updates[i].updated_at > t)
			t = live->updates[i].updated_at;
	return t;
}

/* The time an item is dated by: its correction's, or its publication. */
static nz_time item_date(const nz_feed *f, const nz_article *a)
{
	return f->corrections && a->n_corrections ? a->corrections[0].created_at : a->published_at;
}

static nz_time feed_updated(const nz_feed *f)
{
	nz_time t = f->updated;
	for (size_t i = 0; !t && i < f->n; i++) {
		nz_time m =
		    f->corrections ? item_date(f, &f->items[i]) : item_modified(f, &f->items[i]);
		if (m > t)
			t = m;
	}
	return t ? t : nz_time_now();
}

/* The item's page: the article, or its corrections block for a correction entry. */
static const char *item_url(nz_arena *arena, const nz_site *site, const nz_feed *f,
			    const nz_article *a)
{
	const char *u = nz__abs_url(arena, site, nz_url_article(arena, a->slug));
	if (u && f->corrections)
		return nz_arena_printf(arena, "%s#corrections-title", u);
	return u;
}

/* A unique id of a correction entry (its article's URL with the correction's number). */
static const char *correction_id(nz_arena *arena, const nz_site *site, const nz_article *a)
{
	const char *u = nz__abs_url(arena, site, nz_url_article(arena, a->slug));
	return u ? nz_arena_printf(arena, "%s#correction-%lld", u,
				   (long long)(a->n_corrections ? a->corrections[0].id : 0))
		 : NULL;
}

static const char *item_title(nz_arena *arena, const nz_site *site, const nz_feed *f,
			      const nz_article *a)
{
	const char *h = a->headline ? a->headline : "";
	if (!f->corrections)
		return h;
	return nz_arena_printf(arena, "%s: %s", nz__labels_for(item_lang(site, f, a))->corrections,
			       h);
}

static const char *item_summary(nz_arena *arena, const nz_site *site, const nz_feed *f,
				const nz_article *a)
{
	if (f->corrections)
		return a->n_corrections && a->corrections[0].text ? a->corrections[0].text : "";
	if (a->status == NZ_STATUS_RETRACTED)
		return nz__labels_for(item_lang(site, f, a))->retracted;
	nz_buf kept;
	nz_buf_init(&kept, 0);
	if (f->memo && a->id > 0 &&
	    nz__feed_memo_get(f->memo, a->id, NZ__MEMO_SUMMARY, "", &kept)) {
		const char *s = nz_arena_strdup(arena, nz_buf_cstr(&kept));
		nz_buf_free(&kept);
		return s;
	}
	nz_buf_free(&kept);
	const char *p = nz_article_first_paragraph(arena, a->body_markdown ? a->body_markdown : "");
	if (!p || !p[0])
		p = a->highlights_intro && a->highlights_intro[0] ? a->highlights_intro
								  : a->headline;
	const char *s = nz__view_excerpt(arena, p ? p : "", SUMMARY_MAX);
	if (s && f->memo && a->id > 0) /* the article's own text only */
		nz__feed_memo_put(f->memo, a->id, NZ__MEMO_SUMMARY, "", s, strlen(s));
	return s;
}

/* The lead photo's absolute URL, or NULL (no bytes, or retracted). */
static const char *photo_url(nz_arena *arena, const nz_site *site, const nz_article *a)
{
	if (a->status == NZ_STATUS_RETRACTED || a->n_media == 0)
		return NULL;
	return nz__abs_url(arena, site, nz_url_media(arena, &a->media[0]));
}

static void esc(nz_buf *b, const char *s)
{
	if (s)
		nz_escape_html(b, s, strlen(s));
}

static void highlights_html(nz_buf *b, const nz_article *a)
{
	if (a->highlights_intro && a->highlights_intro[0]) {
		nz_buf_puts(b, "<p><strong>");
		esc(b, a->highlights_intro);
		nz_buf_puts(b, "</strong></p>\n");
	}
	if (a->n_highlights == 0)
		return;
	nz_buf_puts(b, "<ul>\n");
	for (size_t i = 0; i < a->n_highlights; i++) {
		nz_buf_puts(b, "<li>");
		esc(b, a->highlights[i]);
		nz_buf_puts(b, "</li>\n");
	}
	nz_buf_puts(b, "</ul>\n");
}

static void figure_html(nz_buf *b, nz_arena *arena, const nz_site *site, const nz_article *a,
			const char *lang)
{
	const nz_media *m = a->n_media ? &a->media[0] : NULL;
	const char *src = photo_url(arena, site, a);
	if (!m || (!src && !(m->caption && m->caption[0])))
		return;
	nz_buf_puts(b, "<figure>\n");
	if (src) {
		nz_buf_puts(b, "<img src=\"");
		esc(b, src);
		nz_buf_puts(b, "\" alt=\"");
		esc(b, m->alt ? m->alt : "");
		nz_buf_puts(b, "\"");
		if (m->width > 0 && m->height > 0)
			nz_buf_printf(b, " width=\"%d\" height=\"%d\"", m->width, m->height);
		nz_buf_puts(b, ">\n");
	}
	if ((m->caption && m->caption[0]) || (m->credit && m->credit[0])) {
		nz_buf_puts(b, "<figcaption>");
		esc(b, m->caption);
		if (m->credit && m->credit[0]) {
			nz_buf_puts(b, m->caption && m->caption[0] ? " " : "");
			esc(b, nz__labels_for(lang)->photo);
			esc(b, m->credit);
		}
		nz_buf_puts(b, "</figcaption>\n");
	}
	nz_buf_puts(b, "</figure>\n");
}

/* A live story's newest updates (at most FEED_LIVE_MAX), newest first, each with its time and
 * its anchor on the page. */
static void live_html(nz_buf *b, const nz_site *site, const nz_live *live, const char *lang)
{
	char t[48];
	if (!live || !live->n_updates)
		return;
	nz_buf_puts(b, "<h2>");
	esc(b, nz__live_latest_label(lang));
	nz_buf_puts(b, "</h2>\n<ul>\n");
	for (size_t i = 0; i < live->n_updates && i < FEED_LIVE_MAX; i++) {
		const nz_live_update *u = &live->updates[i];
		nz_time_rfc3339_local(u->created_at, site_offset(site, u->created_at), t);
		nz_buf_printf(b, "<li id=\"update-%lld\"><p><time datetime=\"%s\">%s</time></p>\n",
			      (long long)u->id, t, t);
		nz__live_update_html(u, lang, site, b);
		nz_buf_puts(b, "</li>\n");
	}
	nz_buf_puts(b, "</ul>\n");
}

/* True when f's memo may keep a's entry: without live updates, a correction or a retraction,
 * the entry is the article's own in its language, the same in every feed of the build. */
static bool memo_holds(const nz_feed *f, const nz_article *a)
{
	return f->memo && a->id > 0 && !f->corrections && a->status != NZ_STATUS_RETRACTED &&
	       !item_live(f, a);
}

/* The item's full HTML into b (reset first). */
static void item_html(nz_buf *b, nz_arena *arena, const nz_site *site, const nz_feed *f,
		      const nz_article *a)
{
	const char *lang = item_lang(site, f, a);
	nz_buf_reset(b);
	if (f->corrections) {
		nz_buf_puts(b, "<p>");
		esc(b, item_summary(arena, site, f, a));
		nz_buf_puts(b, "</p>\n<p><a href=\"");
		esc(b, nz__abs_url(arena, site, nz_url_article(arena, a->slug)));
		nz_buf_puts(b, "\">");
		esc(b, a->headline);
		nz_buf_puts(b, "</a></p>\n");
		return;
	}
	if (a->status == NZ_STATUS_RETRACTED) {
		nz_buf_puts(b, "<p>");
		esc(b, nz__labels_for(lang)->retracted);
		nz_buf_puts(b, "</p>\n");
		return;
	}
	const nz_live *live = item_live(f, a);
	bool memo = memo_holds(f, a);
	if (memo && nz__feed_memo_get(f->memo, a->id, NZ__MEMO_HTML, lang, b))
		return;
	live_html(b, site, live, lang); /* a live story: the news is on top */
	highlights_html(b, a);
	figure_html(b, arena, site, a, lang);
	nz__body_html(a, &(nz__body_photos){.lang = lang, .site = site}, b);
	if (memo && nz_buf_rc(b) == NZ_OK)
		nz__feed_memo_put(f->memo, a->id, NZ__MEMO_HTML, lang, nz_buf_cstr(b), b->len);
}

static void xml(nz_buf *b, const char *s);

/* The item's full HTML escaped for XML, appended to out (RSS and Atom carry the same text;
 * html: a scratch buffer). */
static void item_html_xml(nz_buf *out, nz_buf *html, nz_arena *arena, const nz_site *site,
			  const nz_feed *f, const nz_article *a)
{
	const char *lang = item_lang(site, f, a);
	bool memo = memo_holds(f, a);
	if (memo && nz__feed_memo_get(f->memo, a->id, NZ__MEMO_HTML_XML, lang, out))
		return;
	size_t start = out->len;
	item_html(html, arena, site, f, a);
	xml(out, nz_buf_cstr(html));
	if (memo && nz_buf_rc(out) == NZ_OK)
		nz__feed_memo_put(f->memo, a->id, NZ__MEMO_HTML_XML, lang, out->p + start,
				  out->len - start);
}

/* The byline's names joined with ", ". */
static const char *names(nz_arena *arena, const nz_article *a)
{
	const char *s = "";
	for (size_t i = 0; s && i < a->n_authors; i++)
		s = nz_arena_printf(arena, "%s%s%s", s, i ? ", " : "",
				    nz_author_name(arena, &a->authors[i]));
	return s;
}

/* ---- RSS 2.0 ------------------------------------------------------------------------------ */

static void xml(nz_buf *b, const char *s)
{
	if (s)
		nz_escape_xml(b, s, strlen(s));
}

/* <name>text</name> when text is set. */
static void xml_el(nz_buf *b, const char *name, const char *text)
{
	if (!text)
		return;
	nz_buf_printf(b, "<%s>", name);
	xml(b, text);
	nz_buf_printf(b, "</%s>\n", name);
}

static void rss_categories(nz_buf *b, nz_arena *arena, const nz_site *site, const nz_article *a)
{
	if (a->section && a->section->slug) {
		nz_buf_puts(b, "<category domain=\"");
		xml(b, nz__abs_url(arena, site, nz_url_section(arena, a->section->slug)));
		nz_buf_puts(b, "\">");
		xml(b, a->section->name ? a->section->name : a->section->slug);
		nz_buf_puts(b, "</category>\n");
	}
	for (size_t i = 0; i < a->n_tags; i++)
		xml_el(b, "category", nz_tag_name(&a->tags[i], a->language));
}

static void rss_item(nz_buf *b, nz_buf *html, nz_arena *arena, const nz_site *site,
		     const nz_feed *f, size_t i)
{
	const nz_article *a = &f->items[i];
	char date[48];
	const char *url = item_url(arena, site, f, a);
	nz_buf_puts(b, "<item>\n");
	xml_el(b, "title", item_title(arena, site, f, a));
	xml_el(b, "link", url);
	if (f->corrections) {
		nz_buf_puts(b, "<guid isPermaLink=\"false\">");
		xml(b, correction_id(arena, site, a));
	} else {
		nz_buf_puts(b, "<guid isPermaLink=\"true\">");
		xml(b, url);
	}
	nz_buf_puts(b, "</guid>\n");
	xml_el(b, "pubDate",
	       nz__time_rfc822_local(item_date(f, a), site_offset(site, item_date(f, a)), date));
	if (a->n_authors)
		xml_el(b, "dc:creator", names(arena, a));
	rss_categories(b, arena, site, a);
	xml_el(b, "description", item_summary(arena, site, f, a));
	nz_buf_puts(b, "<content:encoded>");
	item_html_xml(b, html, arena, site, f, a);
	nz_buf_puts(b, "</content:encoded>\n");
	const char *photo = f->corrections ? NULL : photo_url(arena, site, a);
	if (photo && f->photo_bytes && f->photo_bytes[i] > 0) {
		nz_buf_puts(b, "<enclosure url=\"");
		xml(b, photo);
		nz_buf_printf(b, "\" length=\"%lld\" type=\"", (long long)f->photo_bytes[i]);
		xml(b, a->media[0].mime ? a->media[0].mime : "application/octet-stream");
		nz_buf_puts(b, "\"/>\n");
	}
	nz_buf_puts(b, "</item>\n");
}

nz_rc nz_feed_rss(const nz_site *site, const nz_feed *f, nz_buf *out)
{
	nz_arena *arena = nz_arena_new();
	nz_buf html;
	char date[48];
	nz_buf_init(&html, 0);
	if (!arena)
		return NZ_NOMEM;
	nz_buf_puts(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
			 "<rss version=\"2.0\" "
			 "xmlns:content=\"http://purl.org/rss/1.0/modules/content/\" "
			 "xmlns:atom=\"http://www.w3.org/2005/Atom\" "
			 "xmlns:dc=\"http://purl.org/dc/elements/1.1/\">\n<channel>\n");
	xml_el(out, "title", f->title);
	xml_el(out, "link", nz__abs_url(arena, site, f->page_path));
	xml_el(out, "description", f->description ? f->description : f->title);
	xml_el(out, "language", feed_lang(site, f));
	nz_buf_puts(out, "<atom:link href=\"");
	xml(out, nz__abs_url(arena, site, nz_arena_printf(arena, "%s.rss", f->feed_path)));
	nz_buf_puts(out, "\" rel=\"self\" type=\"application/rss+xml\"/>\n");
	xml_el(out, "copyright",
	       site && site->copyright && site->copyright[0] ? site->copyright : NULL);
	xml_el(out, "lastBuildDate",
	       nz__time_rfc822_local(feed_updated(f), site_offset(site, feed_updated(f)), date));
	xml_el(out, "generator", "Newszone");
	for (size_t i = 0; i < f->n; i++)
		rss_item(out, &html, arena, site, f, i);
	nz_buf_puts(out, "</channel>\n</rss>\n");
	nz_buf_free(&html);
	nz_arena_free(arena);
	return nz_buf_rc(out);
}

/* ---- Atom -------------------------------------------------------------------------------- */

static void atom_link(nz_buf *b, const char *rel, const char *type, const char *href)
{
	nz_buf_printf(b, "<link rel=\"%s\" type=\"%s\" href=\"", rel, type);
	xml(b, href);
	nz_buf_puts(b, "\"/>\n");
}

static void atom_time(nz_buf *b, const char *name, nz_time t, const nz_site *site)
{
	char s[64];
	xml_el(b, name, nz_time_rfc3339_local(t, site_offset(site, t), s));
}

static void atom_authors(nz_buf *b, nz_arena *arena, const nz_site *site, const nz_article *a)
{
	for (size_t i = 0; i < a->n_authors; i++) {
		const nz_author *au = &a->authors[i];
		nz_buf_puts(b, "<author>\n");
		xml_el(b, "name", nz_author_name(arena, au));
		if (au->slug && au->slug[0])
			xml_el(b, "uri", nz__abs_url(arena, site, nz_url_author(arena, au->slug)));
		nz_buf_puts(b, "</author>\n");
	}
}

static void atom_categories(nz_buf *b, const nz_article *a)
{
	const nz_section *s = a->section;
	if (s && s->slug) {
		nz_buf_puts(b, "<category term=\"");
		xml(b, s->slug);
		nz_buf_puts(b, "\" label=\"");
		xml(b, s->name ? s->name : s->slug);
		nz_buf_puts(b, "\"/>\n");
	}
	for (size_t i = 0; i < a->n_tags; i++) {
		nz_buf_puts(b, "<category term=\"");
		xml(b, nz_tag_name(&a->tags[i], a->language));
		nz_buf_puts(b, "\"/>\n");
	}
}

static void atom_entry(nz_buf *b, nz_buf *html, nz_arena *arena, const nz_site *site,
		       const nz_feed *f, const nz_article *a)
{
	nz_buf_puts(b, "<entry xml:lang=\"");
	xml(b, item_lang(site, f, a));
	nz_buf_puts(b, "\">\n");
	xml_el(b, "id",
	       f->corrections ? correction_id(arena, site, a)
			      : nz_arena_printf(arena, "urn:uuid:%s", a->uuid));
	xml_el(b, "title", item_title(arena, site, f, a));
	atom_time(b, "updated", f->corrections ? item_date(f, a) : item_modified(f, a), site);
	atom_time(b, "published", item_date(f, a), site);
	atom_link(b, "alternate", "text/html", item_url(arena, site, f, a));
	atom_authors(b, arena, site, a);
	atom_categories(b, a);
	nz_buf_puts(b, "<summary type=\"text\">");
	xml(b, item_summary(arena, site, f, a));
	nz_buf_puts(b, "</summary>\n<content type=\"html\">");
	item_html_xml(b, html, arena, site, f, a);
	nz_buf_puts(b, "</content>\n");
	if (a->copyright && a->copyright[0])
		xml_el(b, "rights", a->copyright);
	nz_buf_puts(b, "</entry>\n");
}

nz_rc nz_feed_atom(const nz_site *site, const nz_feed *f, nz_buf *out)
{
	nz_arena *arena = nz_arena_new();
	nz_buf html;
	nz_buf_init(&html, 0);
	if (!arena)
		return NZ_NOMEM;
	const char *self =
	    nz__abs_url(arena, site, nz_arena_printf(arena, "%s.atom", f->feed_path));
	nz_buf_puts(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
			 "<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"");
	xml(out, feed_lang(site, f));
	nz_buf_puts(out, "\">\n");
	xml_el(out, "id", self);
	xml_el(out, "title", f->title);
	if (f->description)
		xml_el(out, "subtitle", f->description);
	atom_time(out, "updated", feed_updated(f), site);
	atom_link(out, "self", "application/atom+xml", self);
	atom_link(out, "alternate", "text/html", nz__abs_url(arena, site, f->page_path));
	nz_buf_puts(out, "<author>\n");
	xml_el(out, "name", site && site->name ? site->name : "Newszone");
	xml_el(out, "uri", nz__abs_url(arena, site, "/"));
	nz_buf_puts(out, "</author>\n");
	if (site && site->copyright && site->copyright[0])
		xml_el(out, "rights", site->copyright);
	xml_el(out, "generator", "Newszone");
	for (size_t i = 0; i < f->n; i++)
		atom_entry(out, &html, arena, site, f, &f->items[i]);
	nz_buf_puts(out, "</feed>\n");
	nz_buf_free(&html);
	nz_arena_free(arena);
	return nz_buf_rc(out);
}

/* ---- JSON Feed 1.1 ----------------------------------------------------------------------- */

static json_t *json_time(const nz_site *site, nz_time t)
{
	char s[64];
	return t ? json_string(nz_time_rfc3339_local(t, site_offset(site, t), s)) : json_null();
}

static json_t *json_authors(nz_arena *arena, const nz_site *site, const nz_article *a)
{
	json_t *arr = json_array();
	for (size_t i = 0; arr && i < a->n_authors; i++) {
		const nz_author *au = &a->authors[i];
		json_t *o = json_pack("{s:o}", "name", nz__json_str(nz_author_name(arena, au)));
		if (o && au->slug && au->slug[0])
			nz__json_put(
			    o, "url",
			    nz__json_str(nz__abs_url(arena, site, nz_url_author(arena, au->slug))));
		if (!o || json_array_append_new(arr, o) != 0) {
			json_decref(arr);
			return NULL;
		}
	}
	return arr;
}

static json_t *json_tags(const nz_article *a)
{
	json_t *arr = json_array();
	if (arr && a->section && a->section->name)
		json_array_append_new(arr, nz__json_str(a->section->name));
	for (size_t i = 0; arr && i < a->n_tags; i++)
		json_array_append_new(arr, nz__json_str(nz_tag_name(&a->tags[i], a->language)));
	return arr;
}

static json_t *json_item(nz_buf *html, nz_arena *arena, const nz_site *site, const nz_feed *f,
			 const nz_article *a)
{
	const char *url = item_url(arena, site, f, a);
	const char *photo = f->corrections ? NULL : photo_url(arena, site, a);
	item_html(html, arena, site, f, a);
	json_t *o = json_object();
	bool ok =
	    o &&
	    nz__json_put(o, "id",
			 nz__json_str(f->corrections ? correction_id(arena, site, a) : url)) &&
	    nz__json_put(o, "url", nz__json_str(url)) &&
	    nz__json_put(o, "title", nz__json_str(item_title(arena, site, f, a))) &&
	    nz__json_put(o, "content_html", nz__json_str(nz_buf_cstr(html))) &&
	    nz__json_put(o, "summary", nz__json_str(item_summary(arena, site, f, a))) &&
	    nz__json_put(o, "date_published", json_time(site, item_date(f, a))) &&
	    nz__json_put(o, "date_modified",
			 json_time(site, f->corrections ? item_date(f, a) : item_modified(f, a))) &&
	    nz__json_put(o, "authors", json_authors(arena, site, a)) &&
	    nz__json_put(o, "tags", json_tags(a)) &&
	    nz__json_put(o, "language", nz__json_str(item_lang(site, f, a))) &&
	    (!photo || nz__json_put(o, "image", nz__json_str(photo)));
	if (ok)
		return o;
	json_decref(o);
	return NULL;
}

static json_t *json_feed(nz_arena *arena, const nz_site *site, const nz_feed *f)
{
	const char *name = site && site->name ? site->name : "Newszone";
	json_t *items = json_array();
	nz_buf html;
	nz_buf_init(&html, 0);
	for (size_t i = 0; items && i < f->n; i++) {
		json_t *it = json_item(&html, arena, site, f, &f->items[i]);
		if (!it || json_array_append_new(items, it) != 0) {
			json_decref(items);
			items = NULL;
		}
	}
	nz_buf_free(&html);
	if (!items)
		return NULL;
	return json_pack(
	    "{s:s, s:o, s:o, s:o, s:o, s:o, s:[{s:o, s:o}], s:o}", "version",
	    "https://jsonfeed.org/version/1.1", "title", nz__json_str(f->title ? f->title : name),
	    "home_page_url", nz__json_str(nz__abs_url(arena, site, f->page_path)), "feed_url",
	    nz__json_str(nz__abs_url(arena, site, nz_arena_printf(arena, "%s.json", f->feed_path))),
	    "description", nz__json_str(f->description ? f->description : f->title), "language",
	    nz__json_str(feed_lang(site, f)), "authors", "name", nz__json_str(name), "url",
	    nz__json_str(nz__abs_url(arena, site, "/")), "items", items);
}

nz_rc nz_feed_json(const nz_site *site, const nz_feed *f, nz_buf *out)
{
	nz_arena *arena = nz_arena_new();
	json_t *root = arena ? json_feed(arena, site, f) : NULL;
	char *s = root ? json_dumps(root, JSON_INDENT(1) | JSON_PRESERVE_ORDER) : NULL;
	nz_rc rc = s ? nz_buf_puts(out, s) : NZ_NOMEM;
	if (rc == NZ_OK)
		rc = nz_buf_putc(out, '\n');
	free(s);
	json_decref(root);
	nz_arena_free(arena);
	return rc;
}
