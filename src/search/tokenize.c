/*
 * search/tokenize.c: text to index terms, identical at index and query time (search.h says what
 * the terms look like).
 *
 * The text is read one code point at a time and each is put in a class: a word character
 * (letters and digits of any script but CJK, folded to lower-case ASCII where one exists), a
 * CJK character (Hangul, Han, Kana: these become overlapping pairs), a combining mark (dropped,
 * which strips decomposed diacritics), a connector ("-", "+", "&", ".", ",", "'" between two
 * word characters) or a separator. A run of word characters joined by connectors is a compound:
 * "K-9", "F-35A", "2+2", "U.S.", "don't" are kept as one term; "long-range" (every part a word
 * of two letters or more) gives its parts as separate terms, since readers search for "range".
 *
 * Rules: never reads past len; invalid UTF-8 bytes separate words; terms are at most
 * NZ_SEARCH_TERM_MAX bytes (cut at a character boundary); no allocation.
 */
#include <string.h>

#include "search/search.h"

enum { C_SEP, C_WORD, C_CJK, C_MARK, C_CONN, C_MULTI };

#define MAX_SEGMENTS 16

/* Latin Extended-A (U+0100..U+017F) folded to one ASCII letter each; '*' entries are two
 * letters (U+0132/0133 "ij", U+0152/0153 "oe"). */
static const char ext_a[] = "aaaaaaccccccccddddeeeeeeeeeegggggggghhhhiiiiiiiiii**jjkkkllllllllll"
			    "nnnnnnnnnoooooo**rrrrrrssssssssttttttuuuuuuuuuuuuwwyyyzzzzzzs";
/* Latin-1 letters (U+00C0..U+00FF); '*' entries are two letters, '_' is not a letter. */
static const char latin1[] = "aaaaaa*ceeeeiiiidnooooo_ouuuuy**aaaaaa*ceeeeiiiidnooooo_ouuuuy*y";

/* The class of each byte that is a whole character (ASCII); C_MULTI for the bytes of longer
 * UTF-8 sequences (and invalid bytes), which go through the decoder. Most text is ASCII, and a
 * table read is cheaper than the comparisons cp_class makes. */
#define W C_WORD
#define N C_CONN
#define M C_MULTI
#define M16 M, M, M, M, M, M, M, M, M, M, M, M, M, M, M, M
static const unsigned char byte_class[256] = {
    0,   0,   0,   0,   0,   0,   0,   0,   0, 0, 0, 0, 0, 0, 0, 0, /* controls */
    0,   0,   0,   0,   0,   0,   0,   0,   0, 0, 0, 0, 0, 0, 0, 0, /* controls */
    0,   0,   0,   0,   0,   0,   N,   N,   0, 0, 0, N, N, N, N, 0, /* ' ' .. '/': & ' + , - . */
    W,   W,   W,   W,   W,   W,   W,   W,   W, W, 0, 0, 0, 0, 0, 0, /* digits */
    0,   W,   W,   W,   W,   W,   W,   W,   W, W, W, W, W, W, W, W, /* '@', A .. O */
    W,   W,   W,   W,   W,   W,   W,   W,   W, W, W, 0, 0, 0, 0, 0, /* P .. Z */
    0,   W,   W,   W,   W,   W,   W,   W,   W, W, W, W, W, W, W, W, /* '`', a .. o */
    W,   W,   W,   W,   W,   W,   W,   W,   W, W, W, 0, 0, 0, 0, 0, /* p .. z */
    M16, M16, M16, M16, M16, M16, M16, M16,
};
#undef W
#undef N
#undef M
#undef M16

static bool is_connector(uint32_t cp)
{
	return cp == '-' || cp == '+' || cp == '&' || cp == '.' || cp == ',' || cp == '\'' ||
	       cp == 0x2019 || cp == 0x2010 || cp == 0x2011;
}

static int cp_class(uint32_t cp)
{
	if (cp < 0x80)
		return byte_class[cp];
	if (nz_cp_is_cjk(cp))
		return C_CJK;
	if ((cp >= 0x300 && cp <= 0x36F) || (cp >= 0xFE00 && cp <= 0xFE0F))
		return C_MARK;
	if (is_connector(cp))
		return C_CONN;
	if (cp < 0xC0 || cp == 0xD7 || cp == 0xF7)
		return C_SEP;
	if ((cp >= 0x2000 && cp <= 0x2BFF) || (cp >= 0x3000 && cp <= 0x303F) ||
	    (cp >= 0xE000 && cp <= 0xF8FF) || cp >= 0x1F000 || (cp >= 0xFFF0 && cp <= 0xFFFF))
		return C_SEP;
	if (cp >= 0xFF00 && cp <= 0xFFEF) /* fullwidth forms: only letters and digits are words */
		return ((cp >= 0xFF10 && cp <= 0xFF19) || (cp >= 0xFF21 && cp <= 0xFF3A) ||
			(cp >= 0xFF41 && cp <= 0xFF5A))
			   ? C_WORD
			   : C_SEP;
	return C_WORD;
}

/* Appends cp folded (lower case, no diacritics, fullwidth to ASCII) to out[*n], never past
 * max bytes; returns false when it did not fit. */
static bool fold(uint32_t cp, char *out, size_t *n, size_t max)
{
	char tmp[4];
	size_t k = 0;
	if (cp < 0x80) {
		tmp[k++] = (char)(cp >= 'A' && cp <= 'Z' ? cp + 32 : cp);
	} else if (cp >= 0xC0 && cp <= 0xFF) {
		char c = latin1[cp - 0xC0];
		if (c != '*') {
			tmp[k++] = c;
		} else {
			const char *two = (cp == 0xC6 || cp == 0xE6)   ? "ae"
					  : (cp == 0xDE || cp == 0xFE) ? "th"
								       : "ss";
			tmp[k++] = two[0];
			tmp[k++] = two[1];
		}
	} else if (cp >= 0x100 && cp <= 0x17F) {
		char c = ext_a[cp - 0x100];
		tmp[k++] = c != '*' ? c : (cp < 0x140 ? 'i' : 'o');
		if (c == '*')
			tmp[k++] = cp < 0x140 ? 'j' : 'e';
	} else if (cp >= 0xFF10 && cp <= 0xFF5A) {
		uint32_t a = cp - 0xFF00 + 0x20;
		tmp[k++] = (char)(a >= 'A' && a <= 'Z' ? a + 32 : a);
	} else {
		if ((cp >= 0x391 && cp <= 0x3A9 && cp != 0x3A2) || (cp >= 0x410 && cp <= 0x42F))
			cp += 0x20; /* Greek and Cyrillic capitals */
		else if (cp >= 0x400 && cp <= 0x40F)
			cp += 0x50;
		k = nz_utf8_encode(cp, tmp);
	}
	if (*n + k > max)
		return false;
	memcpy(out + *n, tmp, k);
	*n += k;
	return true;
}

/* One part of a compound: its folded bytes in the term buffer and its place in the text. */
typedef struct segment {
	size_t off, len;   /* in the folded buffer */
	size_t start, end; /* in the text */
	bool digit;        /* has a digit */
	bool alpha_only;   /* only a-z */
	uint32_t conn;     /* the connector before it (0 for the first) */
} segment;

typedef struct tokenizer {
	const char *text;
	size_t len;
	nz_search_term_fn fn;
	void *ctx;
	bool stem; /* false: words as folded, for callers that use only the terms' places */
} tokenizer;

/* The class and length of the code point at i (invalid bytes: a 1-byte separator). ASCII, most
 * of most text, skips the UTF-8 decoder. */
static int class_at(const tokenizer *t, size_t i, uint32_t *cp, size_t *n)
{
	unsigned char c = (unsigned char)t->text[i];
	if (byte_class[c] != C_MULTI) {
		*cp = c;
		*n = 1;
		return byte_class[c];
	}
	*n = nz_utf8_decode(t->text + i, t->len - i, cp);
	if (*n == 0) {
		*n = 1;
		*cp = 0xFFFD;
		return C_SEP;
	}
	return cp_class(*cp);
}

static int emit(const tokenizer *t, char *term, size_t len, size_t start, size_t end, bool stem)
{
	if (len == 0)
		return 0;
	if (stem && t->stem)
		nz_search_stem(term, &len);
	return t->fn(t->ctx, term, len, start, end);
}

/* Reads one segment (word characters and marks) at *i into buf; returns it. */
static segment read_segment(const tokenizer *t, size_t *i, char *buf, size_t *blen)
{
	segment s = {.off = *blen, .start = *i, .alpha_only = true};
	bool full = false;
	while (*i < t->len) {
		uint32_t cp;
		size_t n;
		unsigned char ch = (unsigned char)t->text[*i];
		if (byte_class[ch] == C_WORD) { /* ASCII: fold inline */
			if (!full && *blen < s.off + NZ_SEARCH_TERM_MAX) {
				bool digit = ch >= '0' && ch <= '9';
				buf[(*blen)++] = (char)(ch >= 'A' && ch <= 'Z' ? ch + 32 : ch);
				s.digit |= digit;
				s.alpha_only &= !digit;
			} else {
				full = true;
			}
			(*i)++;
			continue;
		}
		int c = class_at(t, *i, &cp, &n);
		if (c != C_WORD && c != C_MARK)
			break;
		if (c == C_WORD && !full) {
			size_t before = *blen;
			full = !fold(cp, buf, blen, s.off + NZ_SEARCH_TERM_MAX);
			for (size_t k = before; k < *blen; k++) {
				s.digit |= buf[k] >= '0' && buf[k] <= '9';
				s.alpha_only &= buf[k] >= 'a' && buf[k] <= 'z';
			}
		}
		*i += n;
	}
	s.end = *i;
	s.len = *blen - s.off;
	return s;
}

/* True when the connector at i joins two word characters (and, for ',', only a thousands
 * group: exactly three digits after it, as in "1,000"). Sets *after to the next position. */
static bool joins(const tokenizer *t, size_t i, uint32_t conn, bool prev_digit, size_t *after)
{
	uint32_t cp;
	size_t n;
	if (i >= t->len || class_at(t, i, &cp, &n) != C_WORD)
		return false;
	if (conn == ',') {
		if (!prev_digit)
			return false;
		size_t k = 0;
		while (i + k < t->len && t->text[i + k] >= '0' && t->text[i + k] <= '9')
			k++;
		/* the byte after the digits as a code point of its own, as it always was: a
		 * longer character whose first byte is a Latin-1 letter (Hangul's are) ends the
		 * group, and the index depends on it */
		if (k != 3 || (i + k < t->len && cp_class((unsigned char)t->text[i + k]) == C_WORD))
			return false;
	}
	*after = i;
	return true;
}

/* Emits a compound: one joined term, or its parts when each is a word of 2+ letters. */
static int emit_compound(const tokenizer *t, char *buf, segment *seg, size_t n)
{
	bool split = n > 1;
	/* A possessive "'s" at the end is dropped: "Korea's" is "korea". */
	if (n > 1 && (seg[n - 1].conn == '\'' || seg[n - 1].conn == 0x2019) &&
	    seg[n - 1].len == 1 && buf[seg[n - 1].off] == 's')
		n--;
	for (size_t k = 0; k < n; k++)
		split &= seg[k].alpha_only && seg[k].len >= 2;
	if (n == 1 || split) {
		/* each part stemmed where it lies: a stem is never longer than its word */
		for (size_t k = 0; k < n; k++) {
			int rc = emit(t, buf + seg[k].off, seg[k].len, seg[k].start, seg[k].end,
				      seg[k].alpha_only);
			if (rc)
				return rc;
		}
		return 0;
	}
	char term[NZ_SEARCH_TERM_MAX];
	size_t len = 0;
	for (size_t k = 0; k < n; k++) {
		uint32_t c = seg[k].conn;
		bool keep = c == '+' || c == '&' || (c == '.' && seg[k - 1].digit && seg[k].digit);
		if (keep && len < NZ_SEARCH_TERM_MAX)
			term[len++] = (char)c;
		size_t take = seg[k].len;
		if (len + take > NZ_SEARCH_TERM_MAX)
			take = NZ_SEARCH_TERM_MAX - len;
		while (take > 0 && take < seg[k].len &&
		       ((unsigned char)buf[seg[k].off + take] & 0xC0) == 0x80)
			take--; /* never cut inside a character */
		memcpy(term + len, buf + seg[k].off, take);
		len += take;
	}
	return emit(t, term, len, seg[0].start, seg[n - 1].end, false);
}

/* The common case of word(): a word of ASCII letters and digits, no longer than a term, that
 * ends the text or is followed by an ASCII separator, or by a connector that joins nothing (an
 * ASCII separator or connector, or the end, after it: "said," "year."). Emits it as word()
 * would, moves *i past it and puts the callback's answer in *rc; false (nothing done) for any
 * other word. */
static bool plain_word(const tokenizer *t, size_t *i, int *rc)
{
	const unsigned char *p = (const unsigned char *)t->text;
	size_t start = *i, end = start;
	while (end < t->len && byte_class[p[end]] == C_WORD)
		end++;
	if (end - start > NZ_SEARCH_TERM_MAX)
		return false;
	if (end < t->len && byte_class[p[end]] != C_SEP &&
	    (byte_class[p[end]] != C_CONN || (end + 1 < t->len && byte_class[p[end + 1]] != C_SEP &&
					      byte_class[p[end + 1]] != C_CONN)))
		return false;
	char term[NZ_SEARCH_TERM_MAX];
	bool alpha_only = true;
	for (size_t k = start; k < end; k++) {
		unsigned char ch = p[k];
		alpha_only &= ch > '9';
		term[k - start] = (char)(ch >= 'A' && ch <= 'Z' ? ch + 32 : ch);
	}
	*rc = emit(t, term, end - start, start, end, alpha_only);
	*i = end;
	return true;
}

/* A compound starting at *i (a word character). */
static int word(const tokenizer *t, size_t *i)
{
	char buf[MAX_SEGMENTS * (NZ_SEARCH_TERM_MAX + 4)];
	segment seg[MAX_SEGMENTS];
	size_t n = 0, blen = 0;
	uint32_t conn = 0;
	for (;;) {
		seg[n] = read_segment(t, i, buf, &blen);
		seg[n].conn = conn;
		n++;
		uint32_t cp;
		size_t cn, after;
		if (n == MAX_SEGMENTS || *i >= t->len || class_at(t, *i, &cp, &cn) != C_CONN ||
		    !joins(t, *i + cn, cp, seg[n - 1].digit, &after))
			break;
		conn = cp;
		*i = after;
	}
	return emit_compound(t, buf, seg, n);
}

/* A run of CJK characters starting at *i: overlapping pairs, or one character alone. */
static int cjk_run(const tokenizer *t, size_t *i)
{
	size_t prev_start = *i, prev_len = 0, count = 0;
	uint32_t cp;
	size_t n;
	while (*i < t->len && class_at(t, *i, &cp, &n) == C_CJK) {
		if (count > 0) {
			int rc =
			    t->fn(t->ctx, t->text + prev_start, prev_len + n, prev_start, *i + n);
			if (rc)
				return rc;
		}
		prev_start = *i;
		prev_len = n;
		count++;
		*i += n;
	}
	if (count == 1)
		return t->fn(t->ctx, t->text + prev_start, prev_len, prev_start,
			     prev_start + prev_len);
	return 0;
}

static int tokenize(const char *text, size_t len, nz_search_term_fn fn, void *ctx, bool stem)
{
	tokenizer t = {text, len, fn, ctx, stem};
	size_t i = 0;
	while (i < len) {
		uint32_t cp;
		size_t n;
		int c = byte_class[(unsigned char)text[i]], rc = 0;
		if (c == C_SEP || c == C_CONN) { /* ASCII between words */
			i++;
			continue;
		}
		if (c == C_WORD && plain_word(&t, &i, &rc)) {
			if (rc)
				return rc;
			continue;
		}
		c = class_at(&t, i, &cp, &n);
		if (c == C_WORD)
			rc = word(&t, &i);
		else if (c == C_CJK)
			rc = cjk_run(&t, &i);
		else
			i += n;
		if (rc)
			return rc;
	}
	return 0;
}

int nz_search_tokenize(const char *text, size_t len, nz_search_term_fn fn, void *ctx)
{
	return tokenize(text, len, fn, ctx, true);
}

int nz_search_tokenize_unstemmed(const char *text, size_t len, nz_search_term_fn fn, void *ctx)
{
	return tokenize(text, len, fn, ctx, false);
}
