/*
 * search/passage.c: the passage of a text around its best cluster of matches, marked, for a
 * search hit's snippet where the index does not make one (PostgreSQL; SQLite uses FTS5's
 * snippet()).
 *
 * It is FTS5's snippet() algorithm (sqlite3 ext/fts5/fts5_aux.c) over the same tokens, so both
 * backends show the same passage: every match starts a candidate window of ntokens tokens,
 * scored 1000 per phrase seen in it and 1 per repeat, then moved to centre its matches; a window
 * starting at a sentence (the text's start, or a token after '.' or ':' and white space) before
 * the match is scored too, with a bonus (120 at the start, else 100); the best wins, earlier
 * first on a tie. Overlapping matches are marked as one. "…" marks cut text; the text before
 * the first token is kept only when the passage starts at the text's start.
 *
 * Rules: pure; scratch space in the caller's arena.
 */
#include <string.h>

#include "search/search.h"

static const char ellipsis[] = "…";

typedef struct token {
	size_t start, end;
	unsigned off, len; /* the term, in the text's term store */
} token;

typedef struct hit {
	size_t phrase, pos, size;
} hit;

typedef struct scan {
	nz_arena *arena;
	const char *text;
	token *tokens;
	size_t n, cap;
	size_t *sentences; /* tokens that start a sentence */
	size_t n_sent, cap_sent;
	nz_buf terms;
	bool nomem;
} scan;

static int take_token(void *ctx, const char *term, size_t len, size_t start, size_t end)
{
	scan *s = ctx;
	if (NZ_ARENA_GROW(s->arena, s->tokens, s->n + 1, s->cap) != NZ_OK) {
		s->nomem = true;
		return 1;
	}
	bool sentence = s->n == 0;
	if (s->n > 0) {
		size_t i = start;
		while (i > 0 && strchr(" \t\n\r", s->text[i - 1]) && s->text[i - 1])
			i--;
		sentence = i != start && i > 0 && (s->text[i - 1] == '.' || s->text[i - 1] == ':');
	}
	if (sentence) {
		if (NZ_ARENA_GROW(s->arena, s->sentences, s->n_sent + 1, s->cap_sent) != NZ_OK) {
			s->nomem = true;
			return 1;
		}
		s->sentences[s->n_sent++] = s->n;
	}
	s->tokens[s->n] = (token){start, end, (unsigned)s->terms.len, (unsigned)len};
	nz_buf_append(&s->terms, term, len);
	s->n++;
	return 0;
}

static bool token_is(const scan *s, size_t i, const char *want, bool prefix)
{
	size_t wlen = strlen(want);
	const token *t = &s->tokens[i];
	if (prefix ? t->len < wlen : t->len != wlen)
		return false;
	return memcmp(s->terms.p + t->off, want, wlen) == 0;
}

/* Every match of phrases in the scanned tokens, by position, then phrase. */
static hit *find_hits(scan *s, const nz_search_phrase *ph, size_t n_ph, size_t *n_hits)
{
	hit *h = NULL;
	size_t cap = 0;
	*n_hits = 0;
	for (size_t i = 0; i < s->n; i++)
		for (size_t j = 0; j < n_ph; j++) {
			size_t k = 0;
			if (i + ph[j].n > s->n)
				continue;
			while (k < ph[j].n && token_is(s, i + k, ph[j].tokens[k],
						       ph[j].prefix && k + 1 == ph[j].n))
				k++;
			if (k < ph[j].n)
				continue;
			if (NZ_ARENA_GROW(s->arena, h, *n_hits + 1, cap) != NZ_OK) {
				s->nomem = true;
				return NULL;
			}
			h[(*n_hits)++] = (hit){j, i, ph[j].n};
		}
	return h;
}

/* fts5SnippetScore: the window [pos, pos + ntok) scored, and where to start it so its matches
 * sit in the middle. */
static long window_score(const hit *h, size_t nh, bool *seen, size_t n_ph, size_t ndoc, size_t pos,
			 size_t ntok, size_t *adj)
{
	long score = 0, first = -1, last = 0;
	memset(seen, 0, n_ph * sizeof(*seen));
	for (size_t i = 0; i < nh; i++) {
		if (h[i].pos < pos || h[i].pos >= pos + ntok)
			continue;
		score += seen[h[i].phrase] ? 1 : 1000;
		seen[h[i].phrase] = true;
		if (first < 0)
			first = (long)h[i].pos;
		last = (long)(h[i].pos + h[i].size);
	}
	if (adj) {
		long a = first - ((long)ntok - (last - first)) / 2;
		if (a + (long)ntok > (long)ndoc)
			a = (long)ndoc - (long)ntok;
		*adj = a < 0 ? 0 : (size_t)a;
	}
	return score;
}

/* The first token of the best window (fts5SnippetFunction's choice). */
static size_t best_start(const scan *s, const hit *h, size_t nh, bool *seen, size_t n_ph,
			 size_t ntok)
{
	long best = 0;
	size_t start = 0;
	for (size_t i = 0; i < nh; i++) {
		size_t adj = 0;
		long sc = window_score(h, nh, seen, n_ph, s->n, h[i].pos, ntok, &adj);
		if (sc > best) {
			best = sc;
			start = adj;
		}
		if (s->n_sent == 0 || s->n <= ntok)
			continue;
		size_t j = 0;
		while (j + 1 < s->n_sent && s->sentences[j + 1] <= h[i].pos)
			j++;
		if (s->sentences[j] >= h[i].pos)
			continue;
		sc = window_score(h, nh, seen, n_ph, s->n, s->sentences[j], ntok, NULL);
		sc += s->sentences[j] == 0 ? 120 : 100;
		if (sc > best) {
			best = sc;
			start = s->sentences[j];
		}
	}
	return start;
}

/* fts5HighlightCb over tokens [from, to], merged matches marked; returns the byte offset of
 * the text written up to. Hits whose tokens overlap in the text are one match too: Korean pairs
 * overlap (환경경제 is 환경, 경경, 경제), and where one syllable starts two pairs in a row (`경`)
 * the second match began before the text already written. FTS5's highlighter then appends a
 * negative length, which it takes as "the rest of the text" (SQLite repeats the text there);
 * here it was a size_t's wrap-around, a failed allocation, and the search failed with "out of
 * memory". */
static size_t highlight(const scan *s, const hit *h, size_t nh, size_t from, size_t to, nz_buf *out)
{
	size_t off = 0, k = 0;
	long mstart = -1, mend = -1;
	/* the next merged match: hits that overlap are one (fts5CInstIterNext) */
#define NEXT_MATCH()                                                                               \
	do {                                                                                       \
		mstart = mend = -1;                                                                \
		for (; k < nh; k++) {                                                              \
			long e = (long)(h[k].pos + h[k].size) - 1;                                 \
			if (mstart < 0) {                                                          \
				mstart = (long)h[k].pos;                                           \
				mend = e;                                                          \
			} else if ((long)h[k].pos <= mend ||                                       \
				   s->tokens[h[k].pos].start < s->tokens[mend].end) {              \
				mend = e > mend ? e : mend;                                        \
			} else                                                                     \
				break;                                                             \
		}                                                                                  \
	} while (0)
	NEXT_MATCH();
	while (mstart >= 0 && mstart < (long)from)
		NEXT_MATCH();
	for (size_t i = from; i <= to && i < s->n; i++) {
		const token *t = &s->tokens[i];
		if (from && i == from)
			off = t->start;
		if ((long)i == mstart) {
			if (t->start > off) {
				nz_buf_append(out, s->text + off, t->start - off);
				off = t->start;
			}
			nz_buf_puts(out, NZ_SEARCH_MARK_OPEN);
		}
		if ((long)i == mend) {
			if (mstart < (long)from)
				nz_buf_puts(out, NZ_SEARCH_MARK_OPEN);
			nz_buf_append(out, s->text + off, t->end - off);
			nz_buf_puts(out, NZ_SEARCH_MARK_CLOSE);
			off = t->end;
			NEXT_MATCH();
		}
		if (i == to) {
			nz_buf_append(out, s->text + off, t->end - off);
			off = t->end;
			if ((long)i >= mstart && (long)i < mend && mstart >= 0)
				nz_buf_puts(out, NZ_SEARCH_MARK_CLOSE);
		}
	}
#undef NEXT_MATCH
	return off;
}

nz_rc nz_search_passage(nz_arena *arena, const char *text, size_t len,
			const nz_search_phrase *phrases, size_t n, size_t ntokens, size_t *hits,
			nz_buf *out)
{
	scan s = {.arena = arena, .text = text};
	size_t nh = 0;
	nz_rc rc = NZ_OK;
	*hits = 0;
	nz_buf_init(&s.terms, 0);
	nz_search_tokenize(text, len, take_token, &s);
	hit *h = s.nomem ? NULL : find_hits(&s, phrases, n, &nh);
	bool *seen = n ? nz_arena_zalloc(arena, n * sizeof(*seen)) : NULL;
	if (s.nomem || nz_buf_rc(&s.terms) || (n && !seen)) {
		rc = NZ_NOMEM;
		goto out;
	}
	*hits = nh;
	size_t start = best_start(&s, h, nh, seen, n, ntokens);
	size_t end = start + ntokens - 1;
	if (start > 0)
		nz_buf_puts(out, ellipsis);
	size_t off = highlight(&s, h, nh, start, end, out);
	if (s.n == 0 || end >= s.n - 1) {
		nz_buf_append(out, text + off, len - off);
	} else {
		nz_buf_puts(out, ellipsis);
	}
	rc = nz_buf_rc(out);
out:
	nz_buf_free(&s.terms);
	return rc;
}
