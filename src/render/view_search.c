/*
 * view_search.c: the search page's context and the related-articles block of article pages.
 * Beside the page chrome (view.c) the search page carries
 *   search{q, message, searched, count, results[card + snippet_html], pagination, form{...},
 *          none{text, suggestions[{text, url}]}, recent[card], hint, labels{...}}
 * The page speaks the site's language; a result in another language carries item_lang, which
 * the template puts in a lang attribute (Korean results get lang="ko" on an English site).
 *
 * Rules: snippet_html is HTML made by search's snippet helper (escaped text and <mark> only);
 * everything else is plain text that the template escapes. Links are built with every value
 * percent-encoded. Temporaries in a private arena.
 */
#include <stdio.h>
#include <string.h>

#include "render/render_int.h"

typedef struct search_labels {
	const char *title, *box, *button, *filters, *section, *any_section, *language,
	    *any_language, *english, *korean, *from, *to, *sort, *relevance, *newest, *recency_off,
	    *apply, *author, *tag, *remove, *recent, *hint, *related;
	const char *spelling, *fewer, *unfilter, *prefix;
} search_labels;

static const search_labels search_en = {
    .title = "Search",
    .box = "Search articles",
    .button = "Search",
    .filters = "Filters",
    .section = "Section",
    .any_section = "Any section",
    .language = "Language",
    .any_language = "Any language",
    .english = "English",
    .korean = "Korean (한국어)",
    .from = "Published from",
    .to = "Published until",
    .sort = "Order",
    .relevance = "Best match",
    .newest = "Newest first",
    .recency_off = "Do not favour recent articles",
    .apply = "Apply filters",
    .author = "Author",
    .tag = "Tag",
    .remove = "remove",
    .recent = "Recent articles",
    .hint = "Words are looked for in headlines, highlights and text, in English and Korean. "
	    "Use \"quotation marks\" for an exact phrase, a * for the start of a word (defen*) "
	    "and a - to leave a word out (-drill).",
    .related = "Related articles",
    .spelling = "Check the spelling of the words.",
    .fewer = "Try fewer words, or more general ones.",
    .unfilter = "Search again without the filters",
    .prefix = "Look for the start of a word with *, as in defen*.",
};

static const search_labels search_ko = {
    .title = "검색",
    .box = "기사 검색",
    .button = "검색",
    .filters = "검색 조건",
    .section = "섹션",
    .any_section = "전체 섹션",
    .language = "언어",
    .any_language = "전체 언어",
    .english = "영어 (English)",
    .korean = "한국어",
    .from = "시작일",
    .to = "종료일",
    .sort = "정렬",
    .relevance = "정확도순",
    .newest = "최신순",
    .recency_off = "최신 기사 가중치 끄기",
    .apply = "조건 적용",
    .author = "기자",
    .tag = "태그",
    .remove = "해제",
    .recent = "최신 기사",
    .hint = "제목, 요점, 본문에서 단어를 찾습니다. 정확한 구절은 \"따옴표\"로, 단어의 "
	    "앞부분은 *로(defen*), 제외할 단어는 -로(-훈련) 찾으세요.",
    .related = "관련 기사",
    .spelling = "맞춤법을 확인해 보세요.",
    .fewer = "단어 수를 줄이거나 더 일반적인 단어로 검색해 보세요.",
    .unfilter = "검색 조건 없이 다시 검색",
    .prefix = "단어의 앞부분만으로 찾으려면 *를 붙이세요(예: defen*).",
};

static const search_labels *labels_for(const char *lang)
{
	return lang && strncmp(lang, "ko", 2) == 0 ? &search_ko : &search_en;
}

/* Appends "&key=value" (value percent-encoded) when value is set. */
static void add_param(nz_buf *b, const char *key, const char *value)
{
	if (!value || !value[0])
		return;
	nz_buf_printf(b, "%s%s=", b->len && strchr(b->p, '?') ? "&" : "?", key);
	nz_escape_url(b, value, strlen(value));
}

/* "/search?q=…&section=…" with the filters (with_filters) and the order; in arena. */
static const char *search_url(nz_arena *arena, const nz_search_view *sv, bool with_filters,
			      size_t page)
{
	nz_buf b;
	nz_buf_init(&b, 0);
	nz_buf_puts(&b, sv->path ? sv->path : "/search");
	add_param(&b, "q", sv->q);
	if (with_filters) {
		add_param(&b, "section", sv->section);
		add_param(&b, "author", sv->author);
		add_param(&b, "tag", sv->tag);
		add_param(&b, "lang", sv->lang);
		add_param(&b, "from", sv->from);
		add_param(&b, "to", sv->to);
	}
	add_param(&b, "sort", sv->sort);
	if (sv->recency_off)
		add_param(&b, "recency", "off");
	if (page > 1)
		nz_buf_printf(&b, "&page=%zu", page);
	const char *s = nz_buf_rc(&b) ? NULL : nz_arena_strdup(arena, nz_buf_cstr(&b));
	nz_buf_free(&b);
	return s;
}

static bool has_filters(const nz_search_view *sv)
{
	const char *f[] = {sv->section, sv->author, sv->tag, sv->lang, sv->from, sv->to};
	for (size_t i = 0; i < sizeof f / sizeof f[0]; i++)
		if (f[i] && f[i][0])
			return true;
	return false;
}

static json_t *pagination(nz_arena *arena, const nz_search_view *sv, const nz__labels *l)
{
	char label[96];
	if (sv->pages <= 1)
		return json_null();
	if (l->lang[0] == 'k')
		snprintf(label, sizeof label, "%zu/%zu쪽", sv->page, sv->pages);
	else
		snprintf(label, sizeof label, "Page %zu of %zu", sv->page, sv->pages);
	return json_pack(
	    "{s:s, s:o, s:o}", "label", label, "prev_url",
	    sv->page > 1 ? nz__json_str(search_url(arena, sv, true, sv->page - 1)) : json_null(),
	    "next_url",
	    sv->page < sv->pages ? nz__json_str(search_url(arena, sv, true, sv->page + 1))
				 : json_null());
}

/* The form: the query, the section options (with the chosen one marked), the other filters. */
static json_t *form_json(const nz_page_ctx *pc, const nz_search_view *sv, const search_labels *sl)
{
	json_t *sections = json_array();
	for (size_t i = 0; sections && i < pc->n_sections; i++) {
		const nz_section *s = &pc->sections[i];
		bool chosen = sv->section && s->slug && strcmp(sv->section, s->slug) == 0;
		json_array_append_new(sections,
				      json_pack("{s:o, s:o, s:b}", "value", nz__json_str(s->slug),
						"name", nz__json_str(s->name ? s->name : s->slug),
						"selected", chosen));
	}
	const char *lang = sv->lang ? sv->lang : "";
	json_t *langs = json_pack("[{s:s, s:s, s:b}, {s:s, s:s, s:b}]", "value", "en", "name",
				  sl->english, "selected", strcmp(lang, "en") == 0, "value", "ko",
				  "name", sl->korean, "selected", strcmp(lang, "ko") == 0);
	bool newest = sv->sort && strcmp(sv->sort, "newest") == 0;
	return json_pack("{s:o, s:o, s:o, s:o, s:o, s:o, s:b, s:b}", "sections", sections,
			 "languages", langs, "from", nz__json_str_nonempty(sv->from), "to",
			 nz__json_str_nonempty(sv->to), "author", nz__json_str_nonempty(sv->author),
			 "tag", nz__json_str_nonempty(sv->tag), "newest", newest, "recency_off",
			 sv->recency_off);
}

static json_t *labels_json(const search_labels *sl)
{
	return json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, "
			 "s:s, s:s, s:s, s:s, s:s, s:s}",
			 "title", sl->title, "box", sl->box, "button", sl->button, "filters",
			 sl->filters, "section", sl->section, "any_section", sl->any_section,
			 "language", sl->language, "any_language", sl->any_language, "from",
			 sl->from, "to", sl->to, "sort", sl->sort, "relevance", sl->relevance,
			 "newest", sl->newest, "recency_off", sl->recency_off, "apply", sl->apply,
			 "author", sl->author, "tag", sl->tag, "remove", sl->remove, "recent",
			 sl->recent, "hint", sl->hint);
}

static json_t *results_json(const nz_page_ctx *pc, nz_arena *arena, const nz_search_view *sv,
			    const char *lang)
{
	json_t *arr = json_array();
	for (size_t i = 0; arr && i < sv->n; i++) {
		json_t *card = nz__view_card(pc, arena, sv->items[i].article, lang, false);
		const char *snip = sv->items[i].snippet_html;
		if (!card || !nz__json_put(card, "snippet_html", nz__json_str_nonempty(snip)) ||
		    json_array_append_new(arr, card) != 0) {
			json_decref(arr);
			return NULL;
		}
	}
	return arr;
}

static json_t *cards(const nz_page_ctx *pc, nz_arena *arena, const nz_article *items, size_t n,
		     const char *lang)
{
	json_t *arr = json_array();
	for (size_t i = 0; arr && i < n; i++) {
		json_t *card = nz__view_card(pc, arena, &items[i], lang, false);
		if (!card || json_array_append_new(arr, card) != 0) {
			json_decref(arr);
			return NULL;
		}
	}
	return arr;
}

/* "12 results for “drill”" or the Korean form; in arena. */
static const char *count_text(nz_arena *arena, const nz_search_view *sv, bool ko)
{
	if (ko && sv->capped)
		return nz_arena_printf(
		    arena,
		    "“%s” 검색 결과가 %zu건이 넘어 최근 %zu건 가운데 정확도순으로 "
		    "보여 드립니다. 단어나 검색 조건을 더해 좁혀 보세요.",
		    sv->q, sv->total, sv->total);
	if (ko)
		return nz_arena_printf(arena, "“%s” 검색 결과 %zu건", sv->q, sv->total);
	if (sv->capped)
		return nz_arena_printf(arena,
				       "More than %zu results for “%s”: the best of the newest %zu "
				       "are shown. Add words or filters to narrow the search.",
				       sv->total, sv->q, sv->total);
	return nz_arena_printf(arena, "%zu result%s for “%s”", sv->total, sv->total == 1 ? "" : "s",
			       sv->q);
}

/* What to try when nothing was found. */
static json_t *none_json(nz_arena *arena, const nz_search_view *sv, const search_labels *sl,
			 bool ko)
{
	if (!sv->searched || sv->total > 0)
		return json_null();
	const char *text = ko ? nz_arena_printf(arena, "“%s”에 맞는 기사가 없습니다.", sv->q)
			      : nz_arena_printf(arena, "No articles matched “%s”.", sv->q);
	json_t *tips = json_pack("[{s:s, s:n}, {s:s, s:n}, {s:s, s:n}]", "text", sl->spelling,
				 "url", "text", sl->fewer, "url", "text", sl->prefix, "url");
	if (tips && has_filters(sv))
		json_array_append_new(tips,
				      json_pack("{s:s, s:o}", "text", sl->unfilter, "url",
						nz__json_str(search_url(arena, sv, false, 1))));
	return json_pack("{s:o, s:o}", "text", nz__json_str(text), "suggestions", tips);
}

static json_t *search_json(const nz_page_ctx *pc, nz_arena *arena, const nz_search_view *sv,
			   const char *lang)
{
	const search_labels *sl = labels_for(lang);
	bool ko = sl == &search_ko;
	json_t *o = json_object();
	bool ok = o && nz__json_put(o, "q", nz__json_str(sv->q ? sv->q : "")) &&
		  nz__json_put(o, "message", nz__json_str_nonempty(sv->message)) &&
		  nz__json_put(o, "searched", json_boolean(sv->searched)) &&
		  nz__json_put(o, "count",
			       sv->searched && sv->total ? nz__json_str(count_text(arena, sv, ko))
							 : json_null()) &&
		  nz__json_put(o, "results", results_json(pc, arena, sv, lang)) &&
		  nz__json_put(o, "has_results", json_boolean(sv->n > 0)) &&
		  nz__json_put(o, "pagination", pagination(arena, sv, nz__labels_for(lang))) &&
		  nz__json_put(o, "form", form_json(pc, sv, sl)) &&
		  nz__json_put(o, "none", none_json(arena, sv, sl, ko)) &&
		  nz__json_put(o, "recent", cards(pc, arena, sv->recent, sv->n_recent, lang)) &&
		  nz__json_put(o, "has_recent", json_boolean(sv->n_recent > 0)) &&
		  nz__json_put(o, "hint", sv->searched ? json_null() : json_string(sl->hint)) &&
		  nz__json_put(o, "labels", labels_json(sl));
	if (ok)
		return o;
	json_decref(o);
	return NULL;
}

json_t *nz_view_search(const nz_page_ctx *pc, const nz_search_view *sv)
{
	nz_arena *arena = nz_arena_new();
	json_t *page = NULL;
	bool done = false;
	const char *lang = pc->edition                      ? pc->edition
			   : pc->site && pc->site->language ? pc->site->language
							    : "en";
	if (!arena)
		return NULL;
	const search_labels *sl = labels_for(lang);
	const char *site = pc->site && pc->site->name ? pc->site->name : "";
	const char *title = sv->q && sv->q[0]
				? nz_arena_printf(arena, "%s: %s — %s", sl->title, sv->q, site)
				: nz_arena_printf(arena, "%s — %s", sl->title, site);
	page = nz__view_page(pc, arena, lang, title, NULL, NULL);
	if (!page || !nz__json_put(page, "search", search_json(pc, arena, sv, lang)))
		goto out;
	done = true;
out:
	return nz__view_done(page, arena, done);
}

json_t *nz_view_related(const nz_page_ctx *pc, const nz_article *items, size_t n,
			const char *page_lang)
{
	if (n == 0)
		return json_null();
	nz_arena *arena = nz_arena_new();
	json_t *res = NULL;
	if (!arena)
		return NULL;
	json_t *arr = cards(pc, arena, items, n, page_lang);
	if (arr)
		res =
		    json_pack("{s:s, s:o}", "title", labels_for(page_lang)->related, "items", arr);
	nz_arena_free(arena);
	return res;
}

json_t *nz__view_search_box(const char *lang, const char *action)
{
	const search_labels *sl = labels_for(lang);
	return json_pack("{s:s, s:s, s:s}", "label", sl->box, "button", sl->button, "action",
			 action ? action : "/search");
}
