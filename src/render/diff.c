/*
 * render/diff.c: a readable word-level diff of two texts, as HTML for the history page.
 *
 * Texts are cut into tokens: runs of letters and digits (a Korean eojeol such as "국방부는" is
 * one word, as its spaces say), single punctuation marks (ASCII, general and CJK punctuation,
 * full-width forms), one token per Han or Kana character (those scripts have no spaces), and
 * runs of white space. The shortest edit script between the token lists comes from Myers'
 * O(ND) algorithm after the common head and tail are set aside. Unchanged text is written
 * escaped, removed text in <del>, added text in <ins>; a single space between two changes is
 * folded into them so "<del>old words</del><ins>new words</ins>" reads as one replacement.
 * Line breaks are kept as they are: show the result with white-space: pre-wrap.
 *
 * Bounds: Myers keeps one row per edit, so the search stops after DIFF_MAX_EDITS edits or
 * DIFF_MAX_WORK token comparisons. Past that, the texts are compared line by line (same
 * bounds) and each changed group of lines word by word; past that again, the changed middle
 * is shown as one removal and one addition. Time and memory are therefore bounded whatever the
 * texts are; the result is always a correct (if coarser) diff.
 *
 * Rules: pure function; temporaries are malloc'd and freed before returning.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "render/render.h"

#define DIFF_MAX_INPUT ((size_t)8 * 1024 * 1024)    /* bytes per text */
#define DIFF_MAX_EDITS 2000                         /* Myers rows: memory ~ EDITS^2 / 2 ints */
#define DIFF_MAX_WORK ((uint64_t)40 * 1000 * 1000)  /* token comparisons, first pass */
#define DIFF_MAX_TOTAL ((uint64_t)80 * 1000 * 1000) /* token comparisons, all passes */

enum { TOK_WORD, TOK_SPACE, TOK_PUNCT, TOK_LINE };

typedef struct tok {
	const char *p;
	uint32_t len;
	uint32_t hash;
	uint8_t kind;
} tok;

typedef struct toks {
	tok *v;
	size_t n, cap;
} toks;

/* ---- tokens ------------------------------------------------------------------------------ */

static bool cp_is_space(uint32_t cp)
{
	return cp == ' ' || (cp >= 0x09 && cp <= 0x0D) || cp == 0xA0 || cp == 0x1680 ||
	       (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 || cp == 0x2029 || cp == 0x202F ||
	       cp == 0x205F || cp == 0x3000;
}

static bool cp_is_punct(uint32_t cp)
{
	if (cp < 0x80)
		return (cp >= 0x21 && cp <= 0x2F) || (cp >= 0x3A && cp <= 0x40) ||
		       (cp >= 0x5B && cp <= 0x60) || (cp >= 0x7B && cp <= 0x7E);
	return (cp >= 0xA1 && cp <= 0xBF) || cp == 0xD7 || cp == 0xF7 ||
	       (cp >= 0x2010 && cp <= 0x2027) || (cp >= 0x2030 && cp <= 0x205E) ||
	       (cp >= 0x3001 && cp <= 0x3003) || (cp >= 0x3008 && cp <= 0x3011) ||
	       (cp >= 0x3014 && cp <= 0x301F) || (cp >= 0xFF01 && cp <= 0xFF0F) ||
	       (cp >= 0xFF1A && cp <= 0xFF20) || (cp >= 0xFF3B && cp <= 0xFF40) ||
	       (cp >= 0xFF5B && cp <= 0xFF65);
}

/* Han and Kana are written without spaces: each character is a word of its own. */
static bool cp_is_ideograph(uint32_t cp)
{
	return nz_cp_is_cjk(cp) && !nz_cp_is_hangul(cp);
}

static bool toks_push(toks *t, const char *p, size_t len, int kind)
{
	if (NZ_GROW(t->v, t->n + 1, t->cap) != NZ_OK)
		return false;
	/* The low half of the hash: tokens compare by it first, then by their bytes. */
	t->v[t->n++] = (tok){p, (uint32_t)len, (uint32_t)nz_hash_bytes(p, len), (uint8_t)kind};
	return true;
}

/* The class of the character at s[i]: TOK_WORD, TOK_SPACE, TOK_PUNCT, or -1 for an ideograph;
 * *n gets its length in bytes (an invalid byte is a one-byte word character). */
static int char_class(const char *s, size_t len, size_t i, size_t *n)
{
	uint32_t cp = 0;
	*n = nz_utf8_decode(s + i, len - i, &cp);
	if (*n == 0) {
		*n = 1;
		return TOK_WORD;
	}
	if (cp_is_space(cp))
		return TOK_SPACE;
	if (cp_is_punct(cp))
		return TOK_PUNCT;
	if (cp_is_ideograph(cp))
		return -1;
	return TOK_WORD;
}

static bool tokenize_words(const char *s, size_t len, toks *out)
{
	size_t i = 0;
	while (i < len) {
		size_t n;
		int cls = char_class(s, len, i, &n);
		size_t start = i;
		i += n;
		if (cls == TOK_WORD || cls == TOK_SPACE) {
			size_t m;
			while (i < len && char_class(s, len, i, &m) == cls)
				i += m;
		}
		if (!toks_push(out, s + start, i - start, cls < 0 ? TOK_WORD : cls))
			return false;
	}
	return true;
}

/* Lines with their '\n' as tokens, for the coarser pass. */
static bool tokenize_lines(const char *s, size_t len, toks *out)
{
	size_t i = 0;
	while (i < len) {
		const char *nl = memchr(s + i, '\n', len - i);
		size_t end = nl ? (size_t)(nl - s) + 1 : len;
		if (!toks_push(out, s + i, end - i, TOK_LINE))
			return false;
		i = end;
	}
	return true;
}

static bool tok_eq(const tok *x, const tok *y)
{
	return x->hash == y->hash && x->len == y->len && memcmp(x->p, y->p, x->len) == 0;
}

/* ---- Myers ------------------------------------------------------------------------------- */

/* Walks back through the saved rows from the end point on diagonal k after d edits, marking
 * del[x] for each token of a removed and ins[y] for each token of b added. */
static void backtrack(const int32_t *rows, size_t d, long k, size_t n, uint8_t *del, uint8_t *ins)
{
	long x = (long)n;
	for (; d > 0; d--) {
		const int32_t *prev = rows + (d - 1) * d / 2; /* row d-1: k = -(d-1) .. d-1 */
		long dl = (long)d;
#define PREV(kk) ((long)prev[((kk) + dl - 1) / 2])
		bool down = k == -dl || (k != dl && PREV(k - 1) < PREV(k + 1));
		long pk = down ? k + 1 : k - 1;
		long px = PREV(pk);
#undef PREV
		if (down)
			ins[px - pk] = 1;
		else
			del[px] = 1;
		x = px;
		k = pk;
	}
	(void)x;
}

/* The shortest edit script between the token lists ta and tb, marked into del[ta->n] and
 * ins[tb->n] (zeroed by the caller). NZ_TOOBIG when it needs more edits or work than the
 * bounds allow. */
static nz_rc myers(const toks *ta, const toks *tb, uint8_t *del, uint8_t *ins, uint64_t *budget)
{
	const tok *a = ta->v, *b = tb->v;
	size_t n = ta->n, m = tb->n;
	size_t max_d = n + m < DIFF_MAX_EDITS ? n + m : DIFF_MAX_EDITS;
	int32_t *v = malloc((2 * max_d + 3) * sizeof *v);
	int32_t *rows = malloc((max_d + 1) * (max_d + 2) / 2 * sizeof *rows);
	nz_rc rc = NZ_NOMEM;
	uint64_t work = 0;
	if (!v || !rows)
		goto out;
	long off = (long)max_d + 1;
	v[off + 1] = 0;
	rc = NZ_TOOBIG;
	for (size_t d = 0; d <= max_d; d++) {
		int32_t *row = rows + d * (d + 1) / 2;
		long dl = (long)d;
		for (long k = -dl; k <= dl; k += 2) {
			long x = (k == -dl || (k != dl && v[off + k - 1] < v[off + k + 1]))
				     ? v[off + k + 1]
				     : v[off + k - 1] + 1;
			long y = x - k, x0 = x;
			while ((size_t)x < n && (size_t)y < m && tok_eq(&a[x], &b[y])) {
				x++;
				y++;
			}
			work += (uint64_t)(x - x0) + 1;
			v[off + k] = (int32_t)x;
			row[(k + dl) / 2] = (int32_t)x;
			if ((size_t)x >= n && (size_t)y >= m) {
				backtrack(rows, d, k, n, del, ins);
				rc = NZ_OK;
				goto out;
			}
		}
		if (work > DIFF_MAX_WORK || work > *budget)
			break;
	}
out:
	*budget -= work < *budget ? work : *budget;
	free(v);
	free(rows);
	return rc;
}

/* ---- output ------------------------------------------------------------------------------ */

/* The bytes of tokens t[from..to) (contiguous in their text). */
static void put_span(nz_buf *out, const tok *t, size_t from, size_t to, const char *tag)
{
	if (from >= to)
		return;
	const char *p = t[from].p;
	size_t len = (size_t)(t[to - 1].p + t[to - 1].len - p);
	if (tag)
		nz_buf_printf(out, "<%s>", tag);
	nz_escape_html(out, p, len);
	if (tag)
		nz_buf_printf(out, "</%s>", tag);
}

/* Writes the edit script: equal runs escaped, each change as <del>…</del><ins>…</ins>. */
static void emit(nz_buf *out, const toks *a, const toks *b, const uint8_t *del, const uint8_t *ins)
{
	size_t i = 0, j = 0;
	while (i < a->n || j < b->n) {
		size_t i0 = i, j0 = j;
		for (;;) {
			while (i < a->n && del[i])
				i++;
			while (j < b->n && ins[j])
				j++;
			/* "x y" → "p q": fold the space between two replacements into both. */
			bool replacing = i > i0 && j > j0;
			if (replacing && i + 1 < a->n && j + 1 < b->n && !del[i] && !ins[j] &&
			    a->v[i].kind == TOK_SPACE && (del[i + 1] || ins[j + 1])) {
				i++;
				j++;
				continue;
			}
			break;
		}
		put_span(out, a->v, i0, i, "del");
		put_span(out, b->v, j0, j, "ins");
		size_t e0 = i;
		while (i < a->n && j < b->n && !del[i] && !ins[j]) {
			i++;
			j++;
		}
		put_span(out, a->v, e0, i, NULL);
	}
}

static void put_change(nz_buf *out, nz_str a, nz_str b)
{
	if (a.len) {
		nz_buf_puts(out, "<del>");
		nz_escape_html(out, a.p, a.len);
		nz_buf_puts(out, "</del>");
	}
	if (b.len) {
		nz_buf_puts(out, "<ins>");
		nz_escape_html(out, b.p, b.len);
		nz_buf_puts(out, "</ins>");
	}
}

/* One diff's output and what is left of its work budget. */
typedef struct dctx {
	nz_buf *out;
	uint64_t budget;
} dctx;

static nz_rc diff_lines(nz_str a, nz_str b, dctx *dc);

/* Diffs token lists a and b; when Myers gives up, falls back to lines (when allowed) or to one
 * removal and one addition. */
static nz_rc diff_toks(const toks *a, const toks *b, nz_str sa, nz_str sb, bool lines_ok, dctx *dc)
{
	uint8_t *del = calloc(a->n + 1, 1);
	uint8_t *ins = calloc(b->n + 1, 1);
	nz_rc rc = NZ_NOMEM;
	if (!del || !ins)
		goto out;
	rc = myers(a, b, del, ins, &dc->budget);
	if (rc == NZ_OK)
		emit(dc->out, a, b, del, ins);
	else if (rc == NZ_TOOBIG && lines_ok)
		rc = diff_lines(sa, sb, dc);
	else if (rc == NZ_TOOBIG) {
		put_change(dc->out, sa, sb);
		rc = NZ_OK;
	}
out:
	free(del);
	free(ins);
	return rc;
}

/* Word diff of a and b: the common head and tail by tokens, the middle by Myers. */
static nz_rc diff_words(nz_str a, nz_str b, bool lines_ok, dctx *dc)
{
	toks ta = {0}, tb = {0};
	nz_rc rc = NZ_NOMEM;
	if (!tokenize_words(a.p, a.len, &ta) || !tokenize_words(b.p, b.len, &tb))
		goto out;
	size_t head = 0, tail = 0;
	while (head < ta.n && head < tb.n && tok_eq(&ta.v[head], &tb.v[head]))
		head++;
	while (tail < ta.n - head && tail < tb.n - head &&
	       tok_eq(&ta.v[ta.n - 1 - tail], &tb.v[tb.n - 1 - tail]))
		tail++;
	put_span(dc->out, ta.v, 0, head, NULL);
	toks ma = {ta.v + head, ta.n - head - tail, 0}, mb = {tb.v + head, tb.n - head - tail, 0};
	size_t a0 = head < ta.n ? (size_t)(ta.v[head].p - a.p) : a.len;
	size_t b0 = head < tb.n ? (size_t)(tb.v[head].p - b.p) : b.len;
	size_t a1 = tail ? (size_t)(ta.v[ta.n - tail].p - a.p) : a.len;
	size_t b1 = tail ? (size_t)(tb.v[tb.n - tail].p - b.p) : b.len;
	rc = diff_toks(&ma, &mb, (nz_str){a.p + a0, a1 - a0}, (nz_str){b.p + b0, b1 - b0}, lines_ok,
		       dc);
	if (rc == NZ_OK)
		put_span(dc->out, ta.v, ta.n - tail, ta.n, NULL);
out:
	free(ta.v);
	free(tb.v);
	return rc;
}

/* Line diff of a and b; each changed group of lines is then diffed word by word (without a
 * further fallback). */
static nz_rc diff_lines(nz_str a, nz_str b, dctx *dc)
{
	toks ta = {0}, tb = {0};
	uint8_t *del = NULL, *ins = NULL;
	nz_rc rc = NZ_NOMEM;
	if (!tokenize_lines(a.p, a.len, &ta) || !tokenize_lines(b.p, b.len, &tb))
		goto out;
	del = calloc(ta.n + 1, 1);
	ins = calloc(tb.n + 1, 1);
	if (!del || !ins)
		goto out;
	rc = myers(&ta, &tb, del, ins, &dc->budget);
	if (rc == NZ_TOOBIG) {
		put_change(dc->out, a, b);
		rc = NZ_OK;
		goto out;
	}
	size_t i = 0, j = 0;
	while (rc == NZ_OK && (i < ta.n || j < tb.n)) {
		size_t i0 = i, j0 = j;
		while (i < ta.n && del[i])
			i++;
		while (j < tb.n && ins[j])
			j++;
		if (i > i0 || j > j0) {
			const char *pa = i0 < ta.n ? ta.v[i0].p : a.p + a.len;
			const char *pb = j0 < tb.n ? tb.v[j0].p : b.p + b.len;
			const char *ea = i < ta.n ? ta.v[i].p : a.p + a.len;
			const char *eb = j < tb.n ? tb.v[j].p : b.p + b.len;
			rc = diff_words((nz_str){pa, (size_t)(ea - pa)},
					(nz_str){pb, (size_t)(eb - pb)}, false, dc);
		}
		size_t e0 = i;
		while (i < ta.n && j < tb.n && !del[i] && !ins[j]) {
			i++;
			j++;
		}
		put_span(dc->out, ta.v, e0, i, NULL);
	}
out:
	free(ta.v);
	free(tb.v);
	free(del);
	free(ins);
	return rc;
}

nz_rc nz_diff_html(nz_str a, nz_str b, nz_buf *out, bool *changed)
{
	if (changed)
		*changed = !nz_str_eq(a, b);
	if (a.len > DIFF_MAX_INPUT || b.len > DIFF_MAX_INPUT)
		return NZ_TOOBIG;
	if (!a.p)
		a = (nz_str){"", 0};
	if (!b.p)
		b = (nz_str){"", 0};
	dctx dc = {out, DIFF_MAX_TOTAL};
	nz_rc rc = diff_words(a, b, true, &dc);
	if (rc != NZ_OK)
		return rc;
	return nz_buf_rc(out);
}
