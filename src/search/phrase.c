/*
 * search/phrase.c: a parsed query as the index sees it (each term's tokens, in order), and that
 * written out as a PostgreSQL tsquery.
 *
 * A term is a phrase of the tokens the tokenizer gives for its text: one for a plain word,
 * several for "a quoted phrase", a compound (long-range) or a Korean word cut into pairs
 * (연합훈련: 연합 합훈 훈련), which FTS5 also reads as a phrase. The tsquery follows the same
 * shape: tokens joined by <-> (followed by), a prefix as :* on the last token, terms ANDed,
 * exclusions after & !.
 *
 * Rules: every token is written as a quoted lexeme (quotes doubled, backslashes escaped), so no
 * user text is ever tsquery syntax; PostgreSQL reads the text with $1::tsquery, never
 * to_tsquery, so no text-search configuration touches the terms.
 */
#include <string.h>

#include "search/search.h"

typedef struct collect {
	nz_arena *arena;
	nz_search_phrase *p;
	size_t cap;
	bool nomem;
} collect;

static int collect_token(void *ctx, const char *term, size_t len, size_t start, size_t end)
{
	(void)start;
	(void)end;
	collect *c = ctx;
	if (NZ_ARENA_GROW(c->arena, c->p->tokens, c->p->n + 1, c->cap) != NZ_OK) {
		c->nomem = true;
		return 1;
	}
	memcpy(c->p->tokens[c->p->n], term, len);
	c->p->tokens[c->p->n++][len] = '\0';
	return 0;
}

nz_rc nz_search_phrases(nz_arena *arena, const nz_search_query *q, nz_search_phrase **out,
			size_t *n)
{
	nz_search_phrase *p = q->n ? nz_arena_zalloc(arena, q->n * sizeof(*p)) : NULL;
	*out = NULL;
	*n = 0;
	if (q->n && !p)
		return NZ_NOMEM;
	for (size_t i = 0; i < q->n; i++) {
		collect c = {arena, &p[*n], 0, false};
		p[*n].prefix = q->terms[i].prefix;
		p[*n].exclude = q->terms[i].exclude;
		nz_search_tokenize(q->terms[i].text, strlen(q->terms[i].text), collect_token, &c);
		if (c.nomem)
			return NZ_NOMEM;
		if (p[*n].n)
			(*n)++;
	}
	*out = p;
	return NZ_OK;
}

nz_rc nz_search_ts_lexeme(const char *term, size_t len, nz_buf *out)
{
	nz_buf_putc(out, '\'');
	for (size_t i = 0; i < len; i++) {
		if (term[i] == '\'' || term[i] == '\\')
			nz_buf_putc(out, term[i] == '\'' ? '\'' : '\\');
		nz_buf_putc(out, term[i]);
	}
	return nz_buf_putc(out, '\'');
}

nz_rc nz_search_tsquery_phrase(const nz_search_phrase *p, nz_buf *out)
{
	if (p->n > 1)
		nz_buf_putc(out, '(');
	for (size_t i = 0; i < p->n; i++) {
		if (i)
			nz_buf_puts(out, " <-> ");
		nz_search_ts_lexeme(p->tokens[i], strlen(p->tokens[i]), out);
		if (p->prefix && i + 1 == p->n)
			nz_buf_puts(out, ":*");
	}
	if (p->n > 1)
		nz_buf_putc(out, ')');
	return nz_buf_rc(out);
}

nz_rc nz_search_tsquery(const nz_search_phrase *phrases, size_t n, nz_buf *out)
{
	bool any = false;
	for (size_t i = 0; i < n; i++)
		any |= !phrases[i].exclude;
	if (!any)
		return nz_buf_rc(out);
	bool first = true;
	for (int pass = 0; pass < 2; pass++) {
		for (size_t i = 0; i < n; i++) {
			if (phrases[i].exclude != (pass == 1))
				continue;
			if (!first)
				nz_buf_puts(out, pass == 1 ? " & !" : " & ");
			first = false;
			nz_search_tsquery_phrase(&phrases[i], out);
		}
	}
	return nz_buf_rc(out);
}
