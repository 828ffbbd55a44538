/*
 * core/slug.c: URL slugs from headlines and names, in English and Korean.
 *
 * A slug keeps ASCII letters (lowered), digits and Hangul syllables; common Latin letters with
 * diacritics fold to ASCII ("Café" → "cafe", "Straße" → "strasse"); every other run of
 * characters (spaces, punctuation, quotes, symbols, invalid bytes) becomes one '-'. Slugs never
 * start or end with '-' and never hold "--". Pure functions, thread-safe.
 */
#include "core/core.h"

#include <string.h>

/* ASCII folds for U+00C0..U+017F (Latin-1 Supplement letters and Latin Extended-A); "" marks
 * a non-letter (× and ÷), which separates words like punctuation does. */
/* clang-format off */
static const char *const latin_fold[192] = {
	/* U+00C0 */ "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i", "i",
	/* U+00D0 */ "d", "n", "o", "o", "o", "o", "o", "", "o", "u", "u", "u", "u", "y", "th", "ss",
	/* U+00E0 */ "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i", "i",
	/* U+00F0 */ "d", "n", "o", "o", "o", "o", "o", "", "o", "u", "u", "u", "u", "y", "th", "y",
	/* U+0100 */ "a", "a", "a", "a", "a", "a", "c", "c", "c", "c", "c", "c", "c", "c", "d", "d",
	/* U+0110 */ "d", "d", "e", "e", "e", "e", "e", "e", "e", "e", "e", "e", "g", "g", "g", "g",
	/* U+0120 */ "g", "g", "g", "g", "h", "h", "h", "h", "i", "i", "i", "i", "i", "i", "i", "i",
	/* U+0130 */ "i", "i", "ij", "ij", "j", "j", "k", "k", "k", "l", "l", "l", "l", "l", "l", "l",
	/* U+0140 */ "l", "l", "l", "n", "n", "n", "n", "n", "n", "n", "n", "n", "o", "o", "o", "o",
	/* U+0150 */ "o", "o", "oe", "oe", "r", "r", "r", "r", "r", "r", "s", "s", "s", "s", "s", "s",
	/* U+0160 */ "s", "s", "t", "t", "t", "t", "t", "t", "u", "u", "u", "u", "u", "u", "u", "u",
	/* U+0170 */ "u", "u", "u", "u", "w", "w", "y", "y", "y", "z", "z", "z", "z", "z", "z", "s",
};
/* clang-format on */

static bool is_hangul_syllable(uint32_t cp)
{
	return cp >= 0xAC00 && cp <= 0xD7A3;
}

/* What cp contributes to a slug: bytes into piece (returning their count), or 0 when cp is a
 * separator. */
static size_t slug_piece(uint32_t cp, char piece[4])
{
	const char *fold = NULL;

	if (cp >= 'A' && cp <= 'Z') {
		piece[0] = (char)(cp - 'A' + 'a');
		return 1;
	}
	if ((cp >= 'a' && cp <= 'z') || (cp >= '0' && cp <= '9')) {
		piece[0] = (char)cp;
		return 1;
	}
	if (is_hangul_syllable(cp))
		return nz_utf8_encode(cp, piece);
	if (cp >= 0xC0 && cp <= 0x17F)
		fold = latin_fold[cp - 0xC0];
	else if (cp == 0x218 || cp == 0x219) /* Romanian s with comma below */
		fold = "s";
	else if (cp == 0x21A || cp == 0x21B) /* Romanian t with comma below */
		fold = "t";
	if (fold == NULL)
		return 0;
	memcpy(piece, fold, strlen(fold));
	return strlen(fold);
}

/* Bytes of slug[0..len) to keep so it has at most max_chars code points, cutting at a '-' when
 * the limit falls inside a word and an earlier '-' exists. */
static size_t slug_cut(const char *slug, size_t len, size_t max_chars)
{
	size_t i = 0, chars = 0, last_dash = 0;

	if (max_chars == 0)
		return len;
	while (i < len && chars < max_chars) {
		uint32_t cp;
		size_t n = nz_utf8_decode(slug + i, len - i, &cp);

		if (n == 0) /* cannot happen: the slug was built from valid pieces */
			n = 1;
		if (slug[i] == '-')
			last_dash = i;
		i += n;
		chars++;
	}
	if (i >= len || slug[i] == '-' || last_dash == 0)
		return i;
	return last_dash;
}

nz_rc nz_slug_make(nz_str text, size_t max_chars, nz_buf *out)
{
	nz_buf tmp;
	size_t i = 0;
	bool pending_sep = false;
	nz_rc rc;

	nz_buf_init(&tmp, 0);
	while (i < text.len) {
		uint32_t cp = 0xFFFD;
		char piece[4];
		size_t n = nz_utf8_decode(text.p + i, text.len - i, &cp);
		size_t plen = slug_piece(cp, piece);

		i += n ? n : 1;
		if (cp == '\'' || cp == 0x2019) /* "Boramae's" → "boramaes", as readers expect */
			continue;
		if (plen == 0) {
			pending_sep = true;
			continue;
		}
		if (pending_sep && tmp.len > 0)
			nz_buf_putc(&tmp, '-');
		nz_buf_append(&tmp, piece, plen);
		pending_sep = false;
	}
	rc = nz_buf_rc(&tmp);
	if (rc != NZ_OK)
		goto out;
	if (tmp.len == 0) {
		rc = NZ_INVAL;
		goto out;
	}
	rc = nz_buf_append(out, tmp.p, slug_cut(tmp.p, tmp.len, max_chars));
out:
	nz_buf_free(&tmp);
	return rc;
}

bool nz_slug_valid(nz_str s)
{
	size_t i = 0;
	bool prev_dash = true; /* forbids a leading '-' */

	if (s.len == 0)
		return false;
	while (i < s.len) {
		uint32_t cp;
		size_t n = nz_utf8_decode(s.p + i, s.len - i, &cp);

		if (n == 0)
			return false;
		if (cp == '-') {
			if (prev_dash)
				return false;
			prev_dash = true;
		} else if ((cp >= 'a' && cp <= 'z') || (cp >= '0' && cp <= '9') ||
			   is_hangul_syllable(cp)) {
			prev_dash = false;
		} else {
			return false;
		}
		i += n;
	}
	return !prev_dash;
}
