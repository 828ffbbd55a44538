/*
 * core/utf8.c: UTF-8 validation, decoding and encoding, and the Unicode ranges Newszone cares
 * about (Hangul for language detection and slugs, CJK for search bigrams).
 *
 * Rules: strict RFC 3629 UTF-8 only: no overlong forms, no UTF-16 surrogates (U+D800..U+DFFF),
 * nothing above U+10FFFF, no truncated sequences. Pure functions, no allocation, thread-safe.
 */
#include "core/core.h"

/* Length of the sequence a lead byte announces, or 0 for a byte that cannot lead one
 * (continuation bytes 0x80..0xBF, 0xC0/0xC1 which could only start overlongs, 0xF5..0xFF). */
static size_t lead_len(unsigned char c)
{
	if (c < 0x80)
		return 1;
	if (c < 0xC2)
		return 0;
	if (c < 0xE0)
		return 2;
	if (c < 0xF0)
		return 3;
	if (c < 0xF5)
		return 4;
	return 0;
}

static bool is_cont(unsigned char c)
{
	return (c & 0xC0) == 0x80;
}

size_t nz_utf8_decode(const char *s, size_t len, uint32_t *cp)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t n;
	uint32_t c;

	if (len == 0)
		return 0;
	n = lead_len(u[0]);
	if (n == 0 || n > len)
		return 0;
	switch (n) {
	case 1:
		c = u[0];
		break;
	case 2:
		if (!is_cont(u[1]))
			return 0;
		c = ((uint32_t)(u[0] & 0x1F) << 6) | (u[1] & 0x3F);
		break;
	case 3:
		if (!is_cont(u[1]) || !is_cont(u[2]))
			return 0;
		c = ((uint32_t)(u[0] & 0x0F) << 12) | ((uint32_t)(u[1] & 0x3F) << 6) |
		    (u[2] & 0x3F);
		if (c < 0x800 || (c >= 0xD800 && c <= 0xDFFF))
			return 0;
		break;
	default:
		if (!is_cont(u[1]) || !is_cont(u[2]) || !is_cont(u[3]))
			return 0;
		c = ((uint32_t)(u[0] & 0x07) << 18) | ((uint32_t)(u[1] & 0x3F) << 12) |
		    ((uint32_t)(u[2] & 0x3F) << 6) | (u[3] & 0x3F);
		if (c < 0x10000 || c > 0x10FFFF)
			return 0;
		break;
	}
	if (cp)
		*cp = c;
	return n;
}

bool nz_utf8_valid(const char *s, size_t len, size_t *bad_offset)
{
	size_t i = 0;

	while (i < len) {
		size_t n;

		/* Runs of ASCII are the common case in both languages' markup. */
		if ((unsigned char)s[i] < 0x80) {
			i++;
			continue;
		}
		n = nz_utf8_decode(s + i, len - i, NULL);
		if (n == 0) {
			if (bad_offset)
				*bad_offset = i;
			return false;
		}
		i += n;
	}
	return true;
}

size_t nz_utf8_encode(uint32_t cp, char out[4])
{
	unsigned char *u = (unsigned char *)out;

	if (cp < 0x80) {
		u[0] = (unsigned char)cp;
		return 1;
	}
	if (cp < 0x800) {
		u[0] = (unsigned char)(0xC0 | (cp >> 6));
		u[1] = (unsigned char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp >= 0xD800 && cp <= 0xDFFF)
		return 0;
	if (cp < 0x10000) {
		u[0] = (unsigned char)(0xE0 | (cp >> 12));
		u[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
		u[2] = (unsigned char)(0x80 | (cp & 0x3F));
		return 3;
	}
	if (cp <= 0x10FFFF) {
		u[0] = (unsigned char)(0xF0 | (cp >> 18));
		u[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3F));
		u[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
		u[3] = (unsigned char)(0x80 | (cp & 0x3F));
		return 4;
	}
	return 0;
}

static bool is_hangul_syllable(uint32_t cp)
{
	return cp >= 0xAC00 && cp <= 0xD7A3;
}

bool nz_cp_is_hangul(uint32_t cp)
{
	return is_hangul_syllable(cp) || (cp >= 0x1100 && cp <= 0x11FF) || /* Jamo */
	       (cp >= 0x3130 && cp <= 0x318F) ||                           /* Compatibility Jamo */
	       (cp >= 0xA960 && cp <= 0xA97F) ||                           /* Jamo Extended-A */
	       (cp >= 0xD7B0 && cp <= 0xD7FF);                             /* Jamo Extended-B */
}

bool nz_cp_is_cjk(uint32_t cp)
{
	return nz_cp_is_hangul(cp) || (cp >= 0x3040 && cp <= 0x30FF) || /* Hiragana, Katakana */
	       (cp >= 0x31F0 && cp <= 0x31FF) ||                        /* Katakana extension */
	       (cp >= 0xFF66 && cp <= 0xFF9F) ||                        /* half-width Katakana */
	       (cp >= 0x3400 && cp <= 0x4DBF) ||                        /* Han Extension A */
	       (cp >= 0x4E00 && cp <= 0x9FFF) ||                        /* Han */
	       (cp >= 0xF900 && cp <= 0xFAFF) ||                        /* Han compatibility */
	       (cp >= 0x20000 && cp <= 0x3134F);                        /* Han Extensions B..G */
}

bool nz_utf8_has_hangul(const char *s, size_t len)
{
	size_t i = 0;

	while (i < len) {
		uint32_t cp;
		size_t n = nz_utf8_decode(s + i, len - i, &cp);

		if (n == 0) {
			i++;
			continue;
		}
		if (is_hangul_syllable(cp))
			return true;
		i += n;
	}
	return false;
}

size_t nz_utf8_length(const char *s, size_t len)
{
	size_t i = 0, count = 0;

	while (i < len) {
		size_t n = nz_utf8_decode(s + i, len - i, NULL);

		i += n ? n : 1;
		count++;
	}
	return count;
}
