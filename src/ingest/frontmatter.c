/*
 * ingest/frontmatter: Markdown with a front-matter block, Newszone's own lossless text format
 * (docs/import-format.md). The block between the first two '---' lines is a small YAML subset:
 * "key: value" lines, lists of "- value" lines, and lists of maps ("- key: value" and indented
 * "key: value" lines) for authors and media. A value in double quotes is a JSON string
 * (decoded with jansson); otherwise " #" starts a comment. The body is everything after the
 * closing '---', line ends made '\n'.
 *
 * Rules: a line this parser cannot read is an error naming its line number, never skipped;
 * unknown keys (and their list lines) go to import_notes; a key given twice is an error.
 */
#include <jansson.h>
#include <string.h>

#include "content/content.h"
#include "core/core.h"
#include "ingest/ingest.h"
#include "ingest/ingest_int.h"

enum kind { SCALAR, TIME, LIST, MAPS };

enum key_id {
	K_HEADLINE,
	K_SLUG,
	K_LANGUAGE,
	K_SECTION,
	K_SECTION_NAME,
	K_STATUS,
	K_PUBLISHED_AT,
	K_UPDATED_AT,
	K_PUBLISH_AT,
	K_EMBARGO_UNTIL,
	K_DATELINE,
	K_HIGHLIGHTS_INTRO,
	K_HIGHLIGHTS,
	K_AUTHORS,
	K_TAGS,
	K_COPYRIGHT,
	K_MEDIA,
	K_TRANSLATION_OF,
	N_KEYS
};

static const struct {
	const char *name;
	enum kind kind;
} keys[N_KEYS] = {
    [K_HEADLINE] = {"headline", SCALAR},
    [K_SLUG] = {"slug", SCALAR},
    [K_LANGUAGE] = {"language", SCALAR},
    [K_SECTION] = {"section", SCALAR},
    [K_SECTION_NAME] = {"section_name", SCALAR},
    [K_STATUS] = {"status", SCALAR},
    [K_PUBLISHED_AT] = {"published_at", TIME},
    [K_UPDATED_AT] = {"updated_at", TIME},
    [K_PUBLISH_AT] = {"publish_at", TIME},
    [K_EMBARGO_UNTIL] = {"embargo_until", TIME},
    [K_DATELINE] = {"dateline", SCALAR},
    [K_HIGHLIGHTS_INTRO] = {"highlights_intro", SCALAR},
    [K_HIGHLIGHTS] = {"highlights", LIST},
    [K_AUTHORS] = {"authors", MAPS},
    [K_TAGS] = {"tags", LIST},
    [K_COPYRIGHT] = {"copyright", SCALAR},
    [K_MEDIA] = {"media", MAPS},
    [K_TRANSLATION_OF] = {"translation_of", SCALAR},
};

typedef struct fm_state {
	nz__ingest *in;
	int list_key;       /* the key whose "- " lines follow, -1 for none */
	nz_str unknown;     /* an unknown key whose list lines go to notes */
	bool item_open;     /* a map item of authors or media is being read */
	size_t item_line;   /* where it started */
	size_t dash_indent; /* the column of its '-' */
	bool order_given;   /* the author item gave "order:" */
	nz_str author_name; /* the author item's "name:" */
	nz_author author;
	nz_media media;
	bool seen[N_KEYS];
} fm_state;

static nz_rc fail(fm_state *st, size_t line, const char *what, nz_str text)
{
	return nz_err_set(st->in->err, NZ_PARSE, "line %zu: %s \"%.*s\"", line, what,
			  nz__clip(text, 80), text.p);
}

/* A value: a JSON string in double quotes, or the rest of the line up to a " #" comment.
 * *out is "" when empty; allocated in the arena. */
static nz_rc value(fm_state *st, size_t line, nz_str raw, char **out)
{
	json_error_t jerr;
	size_t j = 1;

	raw = nz__trim(raw);
	if (raw.len == 0 || raw.p[0] != '"') {
		for (size_t i = 0; i < raw.len; i++)
			if (raw.p[i] == '#' &&
			    (i == 0 || raw.p[i - 1] == ' ' || raw.p[i - 1] == '\t')) {
				raw.len = i;
				break;
			}
		*out = nz_arena_str(st->in->arena, nz__trim(raw));
		return *out ? NZ_OK : nz__nomem(st->in);
	}
	while (j < raw.len && raw.p[j] != '"')
		j += raw.p[j] == '\\' ? 2 : 1;
	if (j >= raw.len)
		return fail(st, line, "quoted value not closed:", raw);
	nz_str after = nz__trim((nz_str){raw.p + j + 1, raw.len - j - 1});
	if (after.len > 0 && after.p[0] != '#')
		return fail(st, line, "unexpected text after a quoted value:", after);
	json_t *js = json_loadb(raw.p, j + 1, JSON_DECODE_ANY, &jerr);
	if (js == NULL || !json_is_string(js)) {
		json_decref(js);
		return nz_err_set(st->in->err, NZ_PARSE, "line %zu: bad quoted value: %s", line,
				  js ? "not a string" : jerr.text);
	}
	*out = nz_arena_strndup(st->in->arena, json_string_value(js), json_string_length(js));
	json_decref(js);
	return *out ? NZ_OK : nz__nomem(st->in);
}

/* Splits "key: value" into key and the raw rest. */
static nz_rc key_value(fm_state *st, size_t line, nz_str t, nz_str *key, nz_str *rest)
{
	long colon = nz_str_find(t, ":");

	if (colon <= 0)
		return fail(st, line, "expected \"key: value\", got", t);
	*key = nz__trim((nz_str){t.p, (size_t)colon});
	*rest = (nz_str){t.p + colon + 1, t.len - (size_t)colon - 1};
	for (size_t i = 0; i < key->len; i++)
		if (key->p[i] == ' ' || key->p[i] == '\t' || key->p[i] == '"')
			return fail(st, line, "expected \"key: value\", got", t);
	return NZ_OK;
}

/* ---- scalar keys ------------------------------------------------------------------------- */

static nz_rc set_time(fm_state *st, size_t line, int k, const char *v)
{
	nz_article *a = st->in->art;
	nz_time *dst[] = {[K_PUBLISHED_AT] = &a->published_at,
			  [K_UPDATED_AT] = &a->updated_at,
			  [K_PUBLISH_AT] = &a->publish_at,
			  [K_EMBARGO_UNTIL] = &a->embargo_until};

	if (nz_time_parse_rfc3339(nz_str_c(v), dst[k]) != NZ_OK)
		return nz_err_set(st->in->err, NZ_PARSE,
				  "line %zu: %s: \"%.*s\" is not an RFC 3339 time", line,
				  keys[k].name, nz__clip(nz_str_c(v), 60), v);
	return NZ_OK;
}

static nz_rc set_status(fm_state *st, size_t line, const char *v)
{
	nz_status s;

	if (nz_status_parse(nz_str_c(v), &s) != NZ_OK ||
	    !(s == NZ_STATUS_DRAFT || s == NZ_STATUS_REVIEW || s == NZ_STATUS_PUBLISHED))
		return fail(st, line, "status: must be draft, review or published, not",
			    nz_str_c(v));
	st->in->art->status = s;
	return NZ_OK;
}

static nz_rc set_scalar(fm_state *st, size_t line, int k, const char *v)
{
	nz__ingest *in = st->in;
	nz_article *a = in->art;

	if ((k == K_HEADLINE || k == K_DATELINE || k == K_HIGHLIGHTS_INTRO || k == K_COPYRIGHT) &&
	    strlen(v) > NZ_HEADLINE_MAX)
		return nz_err_set(in->err, NZ_PARSE, "line %zu: %s: longer than %d bytes", line,
				  keys[k].name, NZ_HEADLINE_MAX);
	switch (k) {
	case K_HEADLINE:
		a->headline = v;
		return NZ_OK;
	case K_SLUG:
	case K_SECTION:
		if (nz__chars(nz_str_c(v)) > NZ_SLUG_MAX)
			return nz_err_set(in->err, NZ_PARSE,
					  "line %zu: %s: longer than %d characters", line,
					  keys[k].name, NZ_SLUG_MAX);
		if (!nz_slug_valid(nz_str_c(v)))
			return fail(st, line,
				    k == K_SLUG ? "slug: not a valid slug:"
						: "section: not a valid slug:",
				    nz_str_c(v));
		*(k == K_SLUG ? &a->slug : &in->file_section) = v;
		return NZ_OK;
	case K_LANGUAGE:
		if (!nz_language_valid(v))
			return fail(st, line, "language: must be en or ko, not", nz_str_c(v));
		a->language = v;
		return NZ_OK;
	case K_SECTION_NAME:
		in->section_name = v;
		return NZ_OK;
	case K_STATUS:
		return set_status(st, line, v);
	case K_DATELINE:
		a->dateline = v;
		return NZ_OK;
	case K_HIGHLIGHTS_INTRO:
		a->highlights_intro = v;
		return NZ_OK;
	case K_COPYRIGHT:
		a->copyright = v;
		return NZ_OK;
	case K_TRANSLATION_OF:
		a->translation_of = v;
		return NZ_OK;
	default:
		return set_time(st, line, k, v);
	}
}

/* ---- map items (authors, media) ---------------------------------------------------------- */

static nz_rc close_item(fm_state *st)
{
	nz__ingest *in = st->in;
	nz_author *au = &st->author;
	nz_rc rc;

	if (!st->item_open)
		return NZ_OK;
	st->item_open = false;
	if (st->list_key == K_MEDIA)
		return nz__add_media(in, &st->media);
	if (au->family_name == NULL && au->given_name == NULL) {
		if (st->author_name.len == 0)
			return nz_err_set(in->err, NZ_PARSE,
					  "line %zu: author without a name (give name, or family "
					  "and given)",
					  st->item_line);
		if ((rc = nz__name_split(in->arena, st->author_name, au)) != NZ_OK)
			return rc == NZ_NOMEM ? nz__nomem(in)
					      : fail(st, st->item_line, "cannot read the name",
						     st->author_name);
	} else if (!st->order_given) {
		const char *f = au->family_name ? au->family_name : au->given_name;
		au->order = nz_utf8_has_hangul(f, strlen(f)) ? NZ_NAME_HANGUL : NZ_NAME_WESTERN;
	}
	if (in->art->n_authors >= NZ_AUTHORS_MAX)
		return nz_err_set(in->err, NZ_PARSE, "line %zu: more than %d authors",
				  st->item_line, NZ_AUTHORS_MAX);
	if (nz__author_finish(in->arena, au) != NZ_OK)
		return nz__nomem(in);
	return nz__add_author(in, au);
}

static nz_rc author_field(fm_state *st, size_t line, nz_str key, const char *v)
{
	nz_author *au = &st->author;

	if (nz_str_eq_c(key, "name")) {
		st->author_name = nz_str_c(v);
	} else if (nz_str_eq_c(key, "family")) {
		au->family_name = v;
	} else if (nz_str_eq_c(key, "given")) {
		au->given_name = v;
	} else if (nz_str_eq_c(key, "bio")) {
		au->bio = v;
	} else if (nz_str_eq_c(key, "email")) {
		if (!nz__email_ok(nz_str_c(v)))
			return fail(st, line, "email: not an e-mail address:", nz_str_c(v));
		au->email = v;
	} else if (nz_str_eq_c(key, "order")) {
		nz_name_order order;
		/* Exactly as written: the parser also takes the name with spaces around it. */
		if (nz_name_order_parse(nz_str_c(v), &order) == NZ_OK &&
		    strcmp(v, nz_name_order_name(order)) == 0) {
			au->order = order;
			st->order_given = true;
			return NZ_OK;
		}
		return fail(st, line, "order: must be western, eastern or hangul, not",
			    nz_str_c(v));
	} else {
		return nz__note(st->in, "authors: %.*s: %s", (int)key.len, key.p, v);
	}
	return NZ_OK;
}

/* One "key: value" of the open map item. */
static nz_rc item_field(fm_state *st, size_t line, nz_str t)
{
	nz_str key, rest;
	char *v;
	nz_rc rc;

	if ((rc = key_value(st, line, t, &key, &rest)) != NZ_OK ||
	    (rc = value(st, line, rest, &v)) != NZ_OK)
		return rc;
	if (v[0] == '\0')
		return NZ_OK;
	if (st->list_key == K_AUTHORS)
		return author_field(st, line, key, v);
	if (nz_str_eq_c(key, "caption"))
		st->media.caption = v;
	else if (nz_str_eq_c(key, "credit"))
		st->media.credit = v;
	else if (nz_str_eq_c(key, "alt"))
		st->media.alt = v;
	else
		return nz__note(st->in, "media: %.*s: %s", (int)key.len, key.p, v);
	return NZ_OK;
}

/* ---- lines ------------------------------------------------------------------------------- */

static nz_rc list_item(fm_state *st, size_t line, size_t indent, nz_str t)
{
	nz__ingest *in = st->in;
	nz_str item = nz__trim((nz_str){t.p + 1, t.len - 1});
	char *v;
	nz_rc rc;

	if (st->unknown.len > 0)
		return nz__note(in, "%.*s: %.*s", (int)st->unknown.len, st->unknown.p, (int)t.len,
				t.p);
	if (st->list_key < 0)
		return fail(st, line, "a list item with no key above it:", t);
	if (keys[st->list_key].kind == MAPS) {
		if ((rc = close_item(st)) != NZ_OK)
			return rc;
		memset(&st->author, 0, sizeof st->author);
		memset(&st->media, 0, sizeof st->media);
		st->author_name = (nz_str){NULL, 0};
		st->order_given = false;
		st->item_open = true;
		st->item_line = line;
		st->dash_indent = indent;
		return item_field(st, line, item);
	}
	if (keys[st->list_key].kind != LIST)
		return nz_err_set(in->err, NZ_PARSE, "line %zu: %s takes one value, not a list",
				  line, keys[st->list_key].name);
	if ((rc = value(st, line, item, &v)) != NZ_OK)
		return rc;
	if (nz__trim(nz_str_c(v)).len == 0)
		return fail(st, line, "empty list item:", t);
	if (st->list_key == K_TAGS) {
		if (in->art->n_tags >= NZ_TAGS_MAX)
			return nz_err_set(in->err, NZ_PARSE, "line %zu: more than %d tags", line,
					  NZ_TAGS_MAX);
		if ((rc = nz__add_tag(in, nz_str_c(v))) != NZ_OK)
			return rc;
		if (in->art->tags[in->art->n_tags - 1].slug == NULL)
			return fail(st, line, "tag: nothing to make a slug from:", nz_str_c(v));
		return NZ_OK;
	}
	if (in->art->n_highlights >= NZ_HIGHLIGHTS_MAX)
		return nz_err_set(in->err, NZ_PARSE, "line %zu: more than %d highlights", line,
				  NZ_HIGHLIGHTS_MAX);
	if (strlen(v) > NZ_HEADLINE_MAX)
		return nz_err_set(in->err, NZ_PARSE, "line %zu: highlight: longer than %d bytes",
				  line, NZ_HEADLINE_MAX);
	return nz__add_highlight(in, nz_str_c(v));
}

static nz_rc top_line(fm_state *st, size_t line, nz_str t)
{
	nz_str key, rest;
	char *v;
	int k = 0;
	nz_rc rc;

	if ((rc = close_item(st)) != NZ_OK || (rc = key_value(st, line, t, &key, &rest)) != NZ_OK)
		return rc;
	st->list_key = -1;
	st->unknown = (nz_str){NULL, 0};
	while (k < N_KEYS && !nz_str_eq_c(key, keys[k].name))
		k++;
	if (k == N_KEYS) {
		st->unknown = key;
		return nz__note(st->in, "%.*s", (int)t.len, t.p);
	}
	if (st->seen[k])
		return nz_err_set(st->in->err, NZ_PARSE, "line %zu: %s given twice", line,
				  keys[k].name);
	st->seen[k] = true;
	if ((rc = value(st, line, rest, &v)) != NZ_OK)
		return rc;
	st->list_key = k;
	if (keys[k].kind == LIST || keys[k].kind == MAPS) {
		if (v[0] != '\0' && strcmp(v, "[]") != 0)
			return nz_err_set(st->in->err, NZ_PARSE,
					  "line %zu: %s takes a list of \"- \" lines below it",
					  line, keys[k].name);
		return NZ_OK;
	}
	return nz__trim(nz_str_c(v)).len == 0 ? NZ_OK : set_scalar(st, line, k, v);
}

static nz_rc block_line(fm_state *st, size_t line, nz_str raw)
{
	nz_str t = nz__trim(raw);
	size_t indent = (size_t)(t.p - raw.p);

	if (t.len == 0 || t.p[0] == '#')
		return NZ_OK;
	if (t.p[0] == '-' && (t.len == 1 || t.p[1] == ' ' || t.p[1] == '\t'))
		return list_item(st, line, indent, t);
	if (indent == 0)
		return top_line(st, line, t);
	if (st->item_open && indent > st->dash_indent)
		return item_field(st, line, t);
	if (st->unknown.len > 0)
		return nz__note(st->in, "%.*s: %.*s", (int)st->unknown.len, st->unknown.p,
				(int)t.len, t.p);
	return fail(st, line, "indented line outside a list item:", t);
}

/* The body: lines after the closing '---', leading and trailing blank lines dropped. */
static nz_rc body(nz__ingest *in, size_t from)
{
	size_t to = in->n_lines, closing_line = from; /* 1-based: the '---' line */
	nz_buf b;

	while (from < to && nz__trim(in->lines[from]).len == 0)
		from++;
	while (to > from && nz__trim(in->lines[to - 1]).len == 0)
		to--;
	if (from == to)
		return nz_err_set(in->err, NZ_PARSE, "line %zu: no body after the front matter",
				  closing_line);
	nz_buf_init(&b, 0);
	for (size_t i = from; i < to; i++) {
		nz_buf_put_str(&b, in->lines[i]);
		nz_buf_putc(&b, '\n');
	}
	if (nz_buf_rc(&b) != NZ_OK)
		return nz__nomem(in);
	if (b.len > NZ_BODY_MAX) {
		nz_buf_free(&b);
		return nz_err_set(in->err, NZ_TOOBIG, "body is %zu bytes; the limit is %d", b.len,
				  NZ_BODY_MAX);
	}
	in->art->body_markdown = nz_arena_strndup(in->arena, nz_buf_cstr(&b), b.len);
	nz_buf_free(&b);
	return in->art->body_markdown ? NZ_OK : nz__nomem(in);
}

nz_rc nz__frontmatter_parse(nz__ingest *in)
{
	fm_state st = {.in = in, .list_key = -1};
	size_t close = 1;
	nz_rc rc;

	while (close < in->n_lines && !nz_str_eq_c(nz__trim(in->lines[close]), "---"))
		close++;
	if (close >= in->n_lines)
		return nz_err_set(in->err, NZ_PARSE,
				  "line 1: front matter not closed (no \"---\" line after it)");
	for (size_t i = 1; i < close; i++)
		if ((rc = block_line(&st, i + 1, in->lines[i])) != NZ_OK)
			return rc;
	if ((rc = close_item(&st)) != NZ_OK)
		return rc;
	if (in->art->headline == NULL || in->art->headline[0] == '\0')
		return nz_err_set(in->err, NZ_PARSE, "line %zu: the front matter has no headline",
				  close + 1);
	return body(in, close + 1);
}
