/*
 * content/content.c: the newsroom model's rules: status names, site defaults, article
 * validation, who may see an article, how a byline name is shown, language detection and the
 * plain-text first paragraph used for leads and summaries.
 *
 * Rules: no I/O, no SQL, no HTML. Strings handed back live in the caller's arena or are static
 * literals; nothing here frees or keeps state, so every function is thread-safe.
 */
#include "content/content.h"

#include <stdio.h>
#include <string.h>

#define N_STATUS NZ_ENUM_COUNT(NZ_STATUSES)

NZ_ENUM_NAME_FN(nz_status, nz_status_name, NZ_STATUSES)
NZ_ENUM_PARSE_FN(nz_status, nz_status_parse, NZ_STATUSES)
NZ_ENUM_NAME_FN(nz_name_order, nz_name_order_name, NZ_NAME_ORDERS)
NZ_ENUM_PARSE_FN(nz_name_order, nz_name_order_parse, NZ_NAME_ORDERS)
NZ_ENUM_NAME_FN(nz_page_role, nz_page_role_name, NZ_PAGE_ROLES)
NZ_ENUM_PARSE_FN(nz_page_role, nz_page_role_parse, NZ_PAGE_ROLES)

void nz_site_defaults(nz_site *site)
{
	memset(site, 0, sizeof *site);
	site->name = "Newszone Daily";
	site->base_url = "http://127.0.0.1:8080";
	site->language = "en";
	site->copyright = "<Copyright ⓒ Newszone Daily, All rights reserved>";
	site->tagline = "";
	snprintf(site->time_zone, sizeof site->time_zone, "Asia/Seoul");
	site->editions = "en ko";
}

const char *nz_site_zone(const nz_site *site)
{
	return site && site->time_zone[0] ? site->time_zone : "UTC";
}

bool nz_edition_code_valid(const char *lang)
{
	size_t n = lang ? strlen(lang) : 0;
	if (n < 2 || n > 3)
		return false;
	for (size_t i = 0; i < n; i++)
		if (lang[i] < 'a' || lang[i] > 'z')
			return false;
	return true;
}

/* Adds code to codes[] unless it is there or malformed. */
static size_t add_edition(char codes[][16], size_t n, size_t max, const char *code, size_t len)
{
	char c[16];
	if (len == 0 || len >= sizeof c || n >= max)
		return n;
	memcpy(c, code, len);
	c[len] = '\0';
	if (!nz_edition_code_valid(c))
		return n;
	for (size_t i = 0; i < n; i++)
		if (strcmp(codes[i], c) == 0)
			return n;
	memcpy(codes[n], c, len + 1);
	return n + 1;
}

size_t nz_site_editions(const nz_site *site, char codes[][16], size_t max)
{
	const char *lang = site && site->language ? site->language : "en";
	size_t n = add_edition(codes, 0, max, lang, strlen(lang));
	const char *p = site && site->editions ? site->editions : "";
	while (*p) {
		size_t len = strcspn(p, " ,");
		n = add_edition(codes, n, max, p, len);
		p += len;
		p += strspn(p, " ,");
	}
	return n;
}

bool nz_site_has_edition(const nz_site *site, const char *lang)
{
	char codes[NZ_EDITIONS_MAX][16];
	size_t n = nz_site_editions(site, codes, NZ_EDITIONS_MAX);
	for (size_t i = 0; lang && i < n; i++)
		if (strcmp(codes[i], lang) == 0)
			return true;
	return false;
}

const char *nz_site_local(const nz_site *site, const char *field, const char *lang)
{
	for (size_t i = 0; site && lang && i < site->n_locals; i++)
		if (strcmp(site->locals[i].field, field) == 0 &&
		    strcmp(site->locals[i].lang, lang) == 0)
			return site->locals[i].value;
	return NULL;
}

/* ---- validation -------------------------------------------------------------------------- */

/* Checks one optional text field: valid UTF-8 and at most max bytes (0: no limit). */
static nz_rc check_text(nz_err *err, const char *field, const char *s, size_t max)
{
	size_t len, bad;

	if (s == NULL)
		return NZ_OK;
	len = strlen(s);
	if (max > 0 && len > max)
		return nz_err_set(err, NZ_INVAL, "%s: longer than %zu bytes", field, max);
	if (!nz_utf8_valid(s, len, &bad))
		return nz_err_set(err, NZ_INVAL, "%s: invalid UTF-8 at byte %zu", field, bad);
	return NZ_OK;
}

static bool is_blank(const char *s)
{
	return s == NULL || nz_str_trim(nz_str_c(s)).len == 0;
}

static nz_rc check_count(nz_err *err, const char *field, const void *items, size_t n, size_t max)
{
	if (n > max)
		return nz_err_set(err, NZ_INVAL, "%s: %zu given, at most %zu allowed", field, n,
				  max);
	if (n > 0 && items == NULL)
		return nz_err_set(err, NZ_INVAL, "%s: %zu announced but missing", field, n);
	return NZ_OK;
}

static nz_rc check_head(const nz_article *a, nz_err *err)
{
	nz_rc rc;

	if (is_blank(a->headline))
		return nz_err_set(err, NZ_INVAL, "headline: empty");
	if ((rc = check_text(err, "headline", a->headline, NZ_HEADLINE_MAX)) != NZ_OK)
		return rc;
	if (a->slug == NULL || a->slug[0] == '\0')
		return nz_err_set(err, NZ_INVAL, "slug: empty");
	if (!nz_slug_valid(nz_str_c(a->slug)))
		return nz_err_set(err, NZ_INVAL, "slug: \"%.80s\" is not a valid slug", a->slug);
	if (nz_utf8_length(a->slug, strlen(a->slug)) > NZ_SLUG_MAX)
		return nz_err_set(err, NZ_INVAL, "slug: longer than %d characters", NZ_SLUG_MAX);
	if (a->language == NULL || !nz_language_valid(a->language))
		return nz_err_set(err, NZ_INVAL, "language: \"%.16s\" is not one of en, ko",
				  a->language ? a->language : "");
	if ((unsigned)a->status >= N_STATUS)
		return nz_err_set(err, NZ_INVAL, "status: unknown value %d", (int)a->status);
	return NZ_OK;
}

static nz_rc check_lists(const nz_article *a, nz_err *err)
{
	nz_rc rc;
	char field[48];

	if ((rc = check_count(err, "highlights", a->highlights, a->n_highlights,
			      NZ_HIGHLIGHTS_MAX)) != NZ_OK ||
	    (rc = check_count(err, "authors", a->authors, a->n_authors, NZ_AUTHORS_MAX)) != NZ_OK ||
	    (rc = check_count(err, "tags", a->tags, a->n_tags, NZ_TAGS_MAX)) != NZ_OK ||
	    (rc = check_count(err, "media", a->media, a->n_media, SIZE_MAX)) != NZ_OK ||
	    (rc = check_count(err, "corrections", a->corrections, a->n_corrections, SIZE_MAX)) !=
		NZ_OK ||
	    (rc = check_count(err, "import_notes", a->import_notes, a->n_import_notes, SIZE_MAX)) !=
		NZ_OK)
		return rc;
	for (size_t i = 0; i < a->n_highlights; i++) {
		snprintf(field, sizeof field, "highlights[%zu]", i);
		if (is_blank(a->highlights[i]))
			return nz_err_set(err, NZ_INVAL, "%s: empty", field);
		if ((rc = check_text(err, field, a->highlights[i], NZ_HEADLINE_MAX)) != NZ_OK)
			return rc;
	}
	return NZ_OK;
}

/* An author's or tag's slug, when given (the store makes a missing one from the name): it
 * becomes a path (/tag/<slug>, a folder of the static export), so it is held to the rules of
 * nz_slug_make, whichever way it came in. */
static nz_rc check_slug(nz_err *err, const char *field, const char *slug)
{
	if (slug == NULL)
		return NZ_OK;
	if (!nz_slug_valid(nz_str_c(slug)))
		return nz_err_set(err, NZ_INVAL,
				  "%s.slug: \"%.80s\" is not a valid slug (lower-case letters, "
				  "digits and Hangul joined by single '-')",
				  field, slug);
	if (nz_utf8_length(slug, strlen(slug)) > NZ_SLUG_MAX)
		return nz_err_set(err, NZ_INVAL, "%s.slug: longer than %d characters", field,
				  NZ_SLUG_MAX);
	return NZ_OK;
}

static nz_rc check_people_and_things(const nz_article *a, nz_err *err)
{
	nz_rc rc = NZ_OK;
	char field[48];

	for (size_t i = 0; i < a->n_authors && rc == NZ_OK; i++) {
		const nz_author *au = &a->authors[i];

		snprintf(field, sizeof field, "authors[%zu]", i);
		if ((rc = check_slug(err, field, au->slug)) == NZ_OK &&
		    (rc = check_text(err, field, au->display_name, 0)) == NZ_OK &&
		    (rc = check_text(err, field, au->family_name, 0)) == NZ_OK &&
		    (rc = check_text(err, field, au->given_name, 0)) == NZ_OK)
			rc = check_text(err, field, au->email, 0);
	}
	for (size_t i = 0; i < a->n_tags && rc == NZ_OK; i++) {
		snprintf(field, sizeof field, "tags[%zu]", i);
		if ((rc = check_slug(err, field, a->tags[i].slug)) == NZ_OK)
			rc = check_text(err, field, a->tags[i].name, 0);
	}
	for (size_t i = 0; i < a->n_media && rc == NZ_OK; i++) {
		snprintf(field, sizeof field, "media[%zu]", i);
		if ((rc = check_text(err, field, a->media[i].caption, 0)) == NZ_OK &&
		    (rc = check_text(err, field, a->media[i].credit, 0)) == NZ_OK)
			rc = check_text(err, field, a->media[i].alt, 0);
	}
	for (size_t i = 0; i < a->n_corrections && rc == NZ_OK; i++) {
		snprintf(field, sizeof field, "corrections[%zu]", i);
		rc = check_text(err, field, a->corrections[i].text, 0);
	}
	for (size_t i = 0; i < a->n_import_notes && rc == NZ_OK; i++) {
		snprintf(field, sizeof field, "import_notes[%zu]", i);
		rc = check_text(err, field, a->import_notes[i], 0);
	}
	return rc;
}

nz_rc nz_article_validate(const nz_article *a, nz_err *err)
{
	nz_rc rc;

	nz_err_clear(err);
	if ((rc = check_head(a, err)) != NZ_OK || (rc = check_lists(a, err)) != NZ_OK)
		return rc;
	if ((rc = check_text(err, "highlights_intro", a->highlights_intro, NZ_HEADLINE_MAX)) !=
		NZ_OK ||
	    (rc = check_text(err, "dateline", a->dateline, NZ_HEADLINE_MAX)) != NZ_OK ||
	    (rc = check_text(err, "body_markdown", a->body_markdown, NZ_BODY_MAX)) != NZ_OK ||
	    (rc = check_text(err, "copyright", a->copyright, NZ_HEADLINE_MAX)) != NZ_OK)
		return rc;
	if (a->body_markdown && (rc = nz_markdown_shape_check(
				     a->body_markdown, strlen(a->body_markdown), err)) != NZ_OK)
		return rc;
	return check_people_and_things(a, err);
}

bool nz_article_is_public(const nz_article *a, nz_time now)
{
	if (a->status != NZ_STATUS_PUBLISHED && a->status != NZ_STATUS_RETRACTED)
		return false;
	/* The same rule as the store's public listings: a future publication time waits. */
	if (a->published_at != 0 && a->published_at > now)
		return false;
	return a->embargo_until == 0 || now >= a->embargo_until;
}

/* ---- names and languages ----------------------------------------------------------------- */

const char *nz_author_name(nz_arena *arena, const nz_author *au)
{
	nz_str family = nz_str_trim(nz_str_c(au->family_name));
	nz_str given = nz_str_trim(nz_str_c(au->given_name));
	nz_str display = nz_str_trim(nz_str_c(au->display_name));

	if (family.len > 0 && given.len > 0) {
		nz_str first = au->order == NZ_NAME_WESTERN ? given : family;
		nz_str second = au->order == NZ_NAME_WESTERN ? family : given;
		const char *sep = au->order == NZ_NAME_HANGUL ? "" : " ";

		return nz_arena_printf(arena, "%.*s%s%.*s", (int)first.len, first.p, sep,
				       (int)second.len, second.p);
	}
	if (display.len > 0)
		return nz_arena_str(arena, display);
	return nz_arena_str(arena, family.len > 0 ? family : given);
}

const char *nz_language_detect(const char *text, size_t len)
{
	return text != NULL && nz_utf8_has_hangul(text, len) ? "ko" : "en";
}

bool nz_language_valid(const char *lang)
{
	return lang != NULL && (strcmp(lang, "en") == 0 || strcmp(lang, "ko") == 0);
}

const nz_author_text *nz_author_text_for(const nz_author *au, const char *language)
{
	for (size_t i = 0; language && i < au->n_texts; i++)
		if (au->texts[i].language && strcmp(au->texts[i].language, language) == 0)
			return &au->texts[i];
	return au->n_texts ? &au->texts[0] : NULL;
}

static const nz_tag_text *tag_text(const nz_tag *tag, const char *language)
{
	for (size_t i = 0; language && i < tag->n_texts; i++)
		if (tag->texts[i].language && strcmp(tag->texts[i].language, language) == 0)
			return &tag->texts[i];
	return NULL;
}

const char *nz_tag_name(const nz_tag *tag, const char *language)
{
	const nz_tag_text *t = tag_text(tag, language);
	if (t && t->name && t->name[0])
		return t->name;
	return tag->name && tag->name[0] ? tag->name : tag->slug ? tag->slug : "";
}

const char *nz_tag_description(const nz_tag *tag, const char *language)
{
	const nz_tag_text *t = tag_text(tag, language);
	if (t && t->description)
		return t->description;
	for (size_t i = 0; i < tag->n_texts; i++)
		if (tag->texts[i].description)
			return tag->texts[i].description;
	return NULL;
}

/* ---- first paragraph --------------------------------------------------------------------- */

static bool is_space_byte(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static bool is_alnum_byte(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       (unsigned char)c >= 0x80;
}

/* Index of the first c in s[from..to), or to when there is none. */
static size_t find_byte(const char *s, size_t from, size_t to, char c)
{
	while (from < to && s[from] != c)
		from++;
	return from;
}

static void strip_inline(nz_buf *out, const char *s, size_t len);

/* "[text](url)", "[text][ref]" and "![alt](url)" at s[i]: appends the text of a link (nothing
 * for an image) and returns the bytes used, or 0 when it is not a complete link. */
static size_t strip_link(nz_buf *out, const char *s, size_t i, size_t len)
{
	bool image = s[i] == '!';
	size_t open = image ? i + 1 : i;
	size_t close = find_byte(s, open + 1, len, ']');
	size_t end;

	if (close + 1 >= len || (s[close + 1] != '(' && s[close + 1] != '['))
		return 0;
	end = find_byte(s, close + 2, len, s[close + 1] == '(' ? ')' : ']');
	if (end >= len)
		return 0;
	if (!image)
		strip_inline(out, s + open + 1, close - open - 1);
	return end + 1 - i;
}

/* A run of '*', '_' or "~~" at s[i] is emphasis markup unless it stands alone between spaces
 * ("2 * 3") or, for '_', sits inside a word ("snake_case"). Returns the run length to drop. */
static size_t emphasis_run(const char *s, size_t i, size_t len)
{
	size_t n = 1;
	bool space_before = i == 0 || is_space_byte(s[i - 1]);
	bool space_after;

	while (i + n < len && s[i + n] == s[i])
		n++;
	space_after = i + n >= len || is_space_byte(s[i + n]);
	if (space_before && space_after)
		return 0;
	if (s[i] == '_' && i > 0 && is_alnum_byte(s[i - 1]) && i + n < len &&
	    is_alnum_byte(s[i + n]))
		return 0;
	if (s[i] == '~' && n != 2)
		return 0;
	return n;
}

/* Copies Markdown inline text as plain text: drops emphasis and code markers, images and HTML
 * tags, keeps link text, unescapes backslash escapes. */
static void strip_inline(nz_buf *out, const char *s, size_t len)
{
	size_t i = 0;

	while (i < len) {
		char c = s[i];
		size_t used = 0;

		if (c == '\\' && i + 1 < len && s[i + 1] != ' ' && (unsigned char)s[i + 1] < 0x80 &&
		    !is_alnum_byte(s[i + 1])) {
			nz_buf_putc(out, s[i + 1]);
			used = 2;
		} else if (c == '`') {
			used = 1;
		} else if (c == '[' || (c == '!' && i + 1 < len && s[i + 1] == '[')) {
			used = strip_link(out, s, i, len);
		} else if (c == '<' && i + 1 < len &&
			   (s[i + 1] == '/' ||
			    ((s[i + 1] | 0x20) >= 'a' && (s[i + 1] | 0x20) <= 'z'))) {
			size_t end = find_byte(s, i + 1, len, '>');

			/* An autolink keeps its address; an HTML tag disappears. */
			if (end < len && nz_str_find((nz_str){s + i, end - i}, "://") >= 0)
				nz_buf_append(out, s + i + 1, end - i - 1);
			used = end < len ? end + 1 - i : 0;
		} else if (c == '*' || c == '_' || c == '~') {
			used = emphasis_run(s, i, len);
		}
		if (used == 0) {
			nz_buf_putc(out, c);
			used = 1;
		}
		i += used;
	}
}

/* Drops block markers at the start of a line: '#'s of a heading, '>' of a quote, list bullets
 * and numbers. Sets *heading for an ATX heading, which is a block of its own. */
static nz_str strip_block_prefix(nz_str line, bool *heading)
{
	size_t i = 0;

	*heading = false;
	while (i < line.len && i < 6 && line.p[i] == '#')
		i++;
	if (i > 0 && (i == line.len || line.p[i] == ' ' || line.p[i] == '\t')) {
		*heading = true;
		line = nz_str_trim((nz_str){line.p + i, line.len - i});
		while (line.len > 0 && line.p[line.len - 1] == '#')
			line.len--;
		return nz_str_trim(line);
	}
	while (line.len > 0 && line.p[0] == '>')
		line = nz_str_trim((nz_str){line.p + 1, line.len - 1});
	if (line.len >= 2 && strchr("-*+", line.p[0]) != NULL && line.p[1] == ' ')
		return nz_str_trim((nz_str){line.p + 2, line.len - 2});
	for (i = 0; i < line.len && i < 9 && line.p[i] >= '0' && line.p[i] <= '9'; i++)
		;
	if (i > 0 && i + 1 < line.len && (line.p[i] == '.' || line.p[i] == ')') &&
	    line.p[i + 1] == ' ')
		return nz_str_trim((nz_str){line.p + i + 2, line.len - i - 2});
	return line;
}

/* A thematic break ("---", "***") or a setext underline ("===", "---"). */
static bool is_rule(nz_str line)
{
	size_t marks = 0;

	for (size_t i = 0; i < line.len; i++) {
		if (strchr("-=*_", line.p[i]) == NULL && line.p[i] != ' ')
			return false;
		marks += line.p[i] != ' ';
	}
	return marks >= 3;
}

/* Turns the raw paragraph in para into plain text in arena, with runs of white space made one
 * space. Returns "" when nothing readable is left (an image-only paragraph), NULL on OOM. */
static char *paragraph_text(nz_arena *arena, const nz_buf *para)
{
	nz_buf plain;
	nz_str text;
	char *res = NULL;
	size_t o = 0;

	nz_buf_init(&plain, 0);
	strip_inline(&plain, nz_buf_cstr(para), para->len);
	if (nz_buf_rc(&plain) != NZ_OK)
		goto out;
	text = nz_str_trim((nz_str){nz_buf_cstr(&plain), plain.len});
	res = nz_arena_alloc(arena, text.len + 1);
	if (res == NULL)
		goto out;
	for (size_t i = 0; i < text.len; i++) {
		bool space = is_space_byte(text.p[i]);

		if (space && o > 0 && res[o - 1] == ' ')
			continue;
		res[o++] = space ? ' ' : text.p[i];
	}
	res[o] = '\0';
out:
	nz_buf_free(&plain);
	return res;
}

/* Feeds one line into the paragraph being gathered; returns true when para is complete. */
static bool gather_line(nz_buf *para, nz_str line, bool *in_fence)
{
	bool heading;

	line = nz_str_trim(line);
	if (nz_str_starts_with(line, "```") || nz_str_starts_with(line, "~~~")) {
		*in_fence = !*in_fence;
		return para->len > 0;
	}
	if (*in_fence)
		return false;
	if (line.len == 0 || is_rule(line))
		return para->len > 0;
	line = strip_block_prefix(line, &heading);
	/* A heading is not a summary: it ends the paragraph before it and is left out. */
	if (heading)
		return para->len > 0;
	if (para->len > 0)
		nz_buf_putc(para, ' ');
	nz_buf_put_str(para, line);
	return false;
}

const char *nz_article_first_paragraph(nz_arena *arena, const char *body_markdown)
{
	nz_str rest = nz_str_c(body_markdown), line;
	nz_buf para;
	bool in_fence = false, more = true;
	char *text = NULL;

	nz_buf_init(&para, NZ_BODY_MAX);
	while (more) {
		more = nz_str_next_line(&rest, &line);
		if (more && !gather_line(&para, line, &in_fence))
			continue;
		if (nz_buf_rc(&para) != NZ_OK)
			goto out;
		if (para.len == 0)
			continue;
		text = paragraph_text(arena, &para);
		if (text == NULL || text[0] != '\0')
			goto out;
		nz_buf_reset(&para);
	}
	text = nz_arena_strdup(arena, "");
out:
	nz_buf_free(&para);
	return text;
}
