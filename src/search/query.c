/*
 * search/query.c: what a reader typed, read into words and phrases, and written out as an FTS5
 * MATCH expression.
 *
 * Syntax: words (all must match), "exact phrases", a '*' after a word or phrase for a prefix
 * (defen*), a '-' before one to leave out articles that have it (-drill). Bare AND is ignored
 * (it is what words do anyway) and NOT makes the next word an exclusion.
 *
 * Rules: parsing never fails on content, only on out of memory. Control bytes and invalid UTF-8
 * become spaces; a missing closing quote closes at the end; a term the tokenizer finds nothing
 * in (a lone "-", "*", punctuation) is dropped; beyond NZ_SEARCH_QUERY_MAX bytes or
 * NZ_SEARCH_TERMS_MAX terms the rest is ignored. The reader is told in one sentence when the
 * query was read differently from how it was typed. In the FTS5 output every piece of user text
 * sits inside a double-quoted string with its quotes doubled: no user text is ever syntax.
 */
#include <string.h>

#include "search/search.h"

static const char msg_long[] = "The query was very long; only its beginning was used.";
static const char msg_many[] = "Only the first 16 words and phrases were used.";
static const char msg_quote[] =
    "The closing quotation mark was missing, so the phrase runs to the end of the query.";
static const char msg_only_excluded[] =
    "A search needs at least one word to look for, not only words to leave out (-word).";
static const char msg_nothing[] =
    "There was nothing to search for in that query: type a word or a phrase.";

/* The query with control bytes and invalid UTF-8 made spaces, cut to NZ_SEARCH_QUERY_MAX
 * bytes at a character boundary; in arena. */
static char *clean(nz_arena *arena, const char *q, size_t len, bool *cut)
{
	*cut = len > NZ_SEARCH_QUERY_MAX;
	char *out = nz_arena_alloc(arena, NZ_SEARCH_QUERY_MAX + 1);
	size_t i = 0, o = 0;
	if (!out)
		return NULL;
	while (i < len && o < NZ_SEARCH_QUERY_MAX) {
		uint32_t cp;
		size_t n = nz_utf8_decode(q + i, len - i, &cp);
		if (n == 0 || cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp <= 0x9F) ||
		    cp == 0x3000) {
			out[o++] = ' '; /* also the ideographic space */
			i += n ? n : 1;
			continue;
		}
		if (o + n > NZ_SEARCH_QUERY_MAX) {
			*cut = true;
			break;
		}
		memcpy(out + o, q + i, n);
		o += n;
		i += n;
	}
	out[o] = '\0';
	return out;
}

typedef struct count_ctx {
	size_t n;
	bool single_cjk; /* the only term is one CJK character */
} count_ctx;

static int count_term(void *ctx, const char *term, size_t len, size_t start, size_t end)
{
	(void)start;
	(void)end;
	count_ctx *c = ctx;
	uint32_t cp;
	c->n++;
	c->single_cjk = c->n == 1 && nz_utf8_decode(term, len, &cp) == len && nz_cp_is_cjk(cp);
	return 0;
}

/* Adds a term when the tokenizer finds something in it; returns false on out of memory. */
static bool add(nz_arena *arena, nz_search_query *out, size_t *cap, const char *p, size_t len,
		nz_search_term t)
{
	count_ctx cc = {0};
	nz_search_tokenize(p, len, count_term, &cc);
	if (cc.n == 0)
		return true;
	if (out->n == NZ_SEARCH_TERMS_MAX) {
		if (!out->message)
			out->message = msg_many;
		return true;
	}
	if (NZ_ARENA_GROW(arena, out->terms, out->n + 1, *cap) != NZ_OK)
		return false;
	/* One CJK character is found inside longer words through the pairs it starts. */
	if (cc.n == 1 && cc.single_cjk)
		t.prefix = true;
	t.text = nz_arena_strndup(arena, p, len);
	if (!t.text)
		return false;
	out->terms[out->n++] = t;
	if (!t.exclude)
		out->n_include++;
	return true;
}

static bool is_space(char c)
{
	return c == ' ';
}

/* Reads the term at s[*i]: a "phrase" or a word, with its operators. */
static bool read_term(nz_arena *arena, nz_search_query *out, size_t *cap, const char *s, size_t *i,
		      bool *next_excluded)
{
	nz_search_term t = {.exclude = *next_excluded};
	size_t k = *i;
	*next_excluded = false;
	while (s[k] == '-' || s[k] == '+') {
		t.exclude |= s[k] == '-';
		k++;
	}
	if (s[k] == '"') {
		size_t start = ++k;
		while (s[k] && s[k] != '"')
			k++;
		size_t end = k;
		if (s[k] == '"')
			k++;
		else if (!out->message)
			out->message = msg_quote;
		while (s[k] == '*') {
			t.prefix = true;
			k++;
		}
		t.phrase = true;
		*i = k;
		return add(arena, out, cap, s + start, end - start, t);
	}
	size_t start = k;
	while (s[k] && !is_space(s[k]) && s[k] != '"')
		k++;
	size_t end = k;
	while (end > start && s[end - 1] == '*') {
		t.prefix = true;
		end--;
	}
	*i = k;
	if (t.exclude == false && end - start == 3 && memcmp(s + start, "AND", 3) == 0)
		return true;
	if (end - start == 3 && memcmp(s + start, "NOT", 3) == 0) {
		*next_excluded = true;
		return true;
	}
	return add(arena, out, cap, s + start, end - start, t);
}

nz_rc nz_search_parse(nz_arena *arena, const char *q, size_t len, nz_search_query *out)
{
	bool cut, next_excluded = false, had_text = false;
	size_t cap = 0, i = 0;
	memset(out, 0, sizeof(*out));
	char *s = clean(arena, q ? q : "", q ? len : 0, &cut);
	if (!s)
		return NZ_NOMEM;
	if (cut)
		out->message = msg_long;
	while (s[i]) {
		if (is_space(s[i])) {
			i++;
			continue;
		}
		had_text = true;
		if (!read_term(arena, out, &cap, s, &i, &next_excluded))
			return NZ_NOMEM;
	}
	if (out->n_include == 0 && out->n > 0)
		out->message = msg_only_excluded;
	else if (out->n == 0 && had_text)
		out->message = msg_nothing;
	return NZ_OK;
}

/* One term as an FTS5 string: "text" with inner quotes doubled, then " *" for a prefix. */
static void fts5_string(nz_buf *out, const nz_search_term *t)
{
	nz_buf_putc(out, '"');
	for (const char *p = t->text; *p; p++) {
		if (*p == '"')
			nz_buf_putc(out, '"');
		nz_buf_putc(out, *p);
	}
	nz_buf_puts(out, t->prefix ? "\" *" : "\"");
}

typedef struct one_term {
	size_t n, len;
	char term[NZ_SEARCH_TERM_MAX];
} one_term;

static int keep_term(void *ctx, const char *term, size_t len, size_t start, size_t end)
{
	(void)start;
	(void)end;
	one_term *o = ctx;
	if (o->n++ == 0) {
		memcpy(o->term, term, len);
		o->len = len;
	}
	return 0;
}

/* One term, a prefix of one index term offered to expand first. */
static void fts5_term(nz_buf *out, const nz_search_term *t, nz_search_prefix_fn expand, void *ctx)
{
	if (t->prefix && expand) {
		one_term o = {0};
		nz_search_tokenize(t->text, strlen(t->text), keep_term, &o);
		if (o.n == 1 && expand(ctx, o.term, o.len, out))
			return;
	}
	fts5_string(out, t);
}

nz_rc nz_search_fts5(const nz_search_query *q, nz_buf *out)
{
	return nz_search_fts5_expanded(q, NULL, NULL, out);
}

nz_rc nz_search_fts5_expanded(const nz_search_query *q, nz_search_prefix_fn expand, void *ctx,
			      nz_buf *out)
{
	bool first = true;
	if (q->n_include == 0)
		return nz_buf_rc(out);
	nz_buf_putc(out, '(');
	for (size_t i = 0; i < q->n; i++) {
		if (q->terms[i].exclude)
			continue;
		if (!first)
			nz_buf_puts(out, " AND ");
		fts5_term(out, &q->terms[i], expand, ctx);
		first = false;
	}
	nz_buf_putc(out, ')');
	for (size_t i = 0; i < q->n; i++) {
		if (!q->terms[i].exclude)
			continue;
		nz_buf_puts(out, " NOT ");
		fts5_term(out, &q->terms[i], expand, ctx);
	}
	return nz_buf_rc(out);
}

nz_rc nz_search_fts5_raw_term(const char *term, size_t len, nz_buf *out)
{
	nz_buf_putc(out, '"');
	nz_buf_putc(out, NZ_SEARCH_RAW_BYTE);
	for (size_t i = 0; i < len; i++) {
		if (term[i] == '"')
			nz_buf_putc(out, '"');
		nz_buf_putc(out, term[i]);
	}
	nz_buf_putc(out, '"');
	return nz_buf_rc(out);
}
